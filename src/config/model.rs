//! The configuration applied to the files of one run: every file's layer and module, the
//! concrete groups (one per template instance found among the files), and every selector
//! compiled and evaluated once per file.
//!
//! Built in two passes by [`Config::assign`](super::Config::assign):
//! 1. the `paths` of every layer and module, in one glob set, give each file its layer and
//!    module (a template's `{slice}` matches one folder name, whose value names the instance);
//! 2. with the instances known, every other selector (rules' `from`/`to`, groups' `may_import`,
//!    `imported_by`, `public`, with `{slice}` replaced by each instance's own value) is
//!    compiled into a second glob set, and each file gets the sorted ids of the selectors it
//!    belongs to.

use std::collections::{BTreeMap, HashMap, HashSet};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::selector::{
    AtomSpec, ExternalPattern, SelectorSpec, compile_pattern, placeholder, substitute,
};
use super::{Config, GroupDecl};

/// Index of a group in [`Model::groups`]: layers first (a layer's id is its rank), then
/// modules in declaration order, a template's instances sorted by value.
pub type GroupId = usize;
/// Index of a compiled selector.
pub type SelectorId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKind {
    Layer,
    Module,
}

/// A declaration of `layers.toml`: `[[layers]]` by rank, `[[modules]]` by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decl {
    Layer(usize),
    Module(usize),
}

/// A layer, a module, or one instance of a template module.
#[derive(Debug, Clone)]
pub struct Group {
    /// `api`, `billing`, or `feature/cart` for an instance.
    pub name: String,
    pub kind: GroupKind,
    pub decl: Decl,
    /// The instance's value of the template placeholder.
    pub value: Option<String>,
    pub may_import: Option<SelectorId>,
    pub imported_by: Option<SelectorId>,
    pub public: Option<SelectorId>,
}

/// Which key of `layers.toml` a selector entry is written in: how `unmatched-selector` names
/// it, aggregated over a template's instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecKey {
    Paths(Decl),
    MayImport(Decl),
    ImportedBy(Decl),
    Public(Decl),
    ForbidFrom(usize),
    ForbidTo(usize),
    AllowFrom(usize),
    AllowTo(usize),
    CyclesPaths(usize),
    /// `paths` of a `[[risk]]` tier, matched against every file (see `archgate risk`).
    RiskPaths(usize),
}

/// Which compiled selector a rule looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    ForbidFrom(usize),
    ForbidTo(usize),
    AllowFrom(usize),
    AllowTo(usize),
    MayImport(GroupId),
    ImportedBy(GroupId),
    Public(GroupId),
    CyclesScope(usize),
}

/// A selector entry of layers.toml that matched nothing: a glob no file matched, or a `!`
/// entry that removed no file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unmatched {
    pub key: SpecKey,
    pub entry: usize,
}

/// A file claimed by two layers or two modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    pub file: usize,
    pub first: Decl,
    pub second: Decl,
}

#[derive(Debug, Clone)]
enum Atom {
    Group(GroupId),
    /// Every instance of the template module of this index.
    Template(usize),
    Glob,
    External(ExternalPattern),
    /// An instance reference whose instance does not exist.
    Nothing,
}

#[derive(Debug)]
struct Compiled {
    key: Key,
    spec: SpecKey,
    entries: Vec<(bool, Atom)>,
    /// The `external:` entries by name, for a selector with many of them.
    externals: Option<ExternalIndex>,
}

/// A selector's `external:` entries indexed by name, so that matching a package costs a few
/// lookups (one per distinct prefix length), not a pass over every entry.
#[derive(Debug, Default)]
struct ExternalIndex {
    /// Exact names, each with its last entry.
    exact: HashMap<String, usize>,
    /// Prefix patterns by the length of their prefix, each with its last entry.
    prefixes: BTreeMap<usize, HashMap<String, usize>>,
}

impl ExternalIndex {
    /// The selectors with more `external:` entries than this are indexed.
    const FROM: usize = 16;

    fn new(entries: &[(bool, Atom)]) -> Option<Self> {
        let count = entries
            .iter()
            .filter(|(_, a)| matches!(a, Atom::External(_)))
            .count();
        if count <= Self::FROM {
            return None;
        }
        let mut index = Self::default();
        for (i, (_, atom)) in entries.iter().enumerate() {
            if let Atom::External(p) = atom {
                let map = if p.prefix {
                    index.prefixes.entry(p.name.len()).or_default()
                } else {
                    &mut index.exact
                };
                map.insert(p.name.clone(), i);
            }
        }
        Some(index)
    }

    /// The last entry that matches `name`.
    fn last_match(&self, name: &str) -> Option<usize> {
        let prefixed = self
            .prefixes
            .range(..=name.len())
            .filter_map(|(&len, map)| map.get(name.get(..len)?).copied());
        self.exact
            .get(name)
            .copied()
            .into_iter()
            .chain(prefixed)
            .max()
    }
}

/// The configuration applied to the files of a run.
#[derive(Debug, Default)]
pub struct Model {
    pub groups: Vec<Group>,
    /// For each `[[forbid]]` and `[[allow]]` entry, its `from` and `to` selectors.
    pub forbid: Vec<(SelectorId, SelectorId)>,
    pub allow: Vec<(SelectorId, SelectorId)>,
    /// For each `[[independent]]` entry, its groups.
    pub independent: Vec<Vec<GroupId>>,
    /// For each `[[cycles]]` entry, the selector of its scope (`None`: every file).
    pub cycles: Vec<Option<SelectorId>>,
    /// Glob and `!` entries that matched nothing.
    pub unmatched: Vec<Unmatched>,
    selectors: Vec<Compiled>,
    layer: Vec<Option<GroupId>>,
    module: Vec<Option<GroupId>>,
    file_selectors: Vec<Vec<SelectorId>>,
}

impl Model {
    /// Every file unlayered and in no selector (a run without configuration).
    pub fn none(files: usize) -> Self {
        Self {
            layer: vec![None; files],
            module: vec![None; files],
            file_selectors: vec![Vec::new(); files],
            ..Self::default()
        }
    }

    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.get(id)
    }

    /// The layer of a file, as a group id (equal to the layer's rank).
    pub fn layer(&self, file: usize) -> Option<GroupId> {
        self.layer.get(file).copied().flatten()
    }

    /// The module (or template instance) of a file.
    pub fn module(&self, file: usize) -> Option<GroupId> {
        self.module.get(file).copied().flatten()
    }

    /// The groups of a file: its layer, then its module.
    pub fn groups_of(&self, file: usize) -> impl Iterator<Item = GroupId> {
        self.layer(file).into_iter().chain(self.module(file))
    }

    /// Whether `file` is in group `id`.
    pub fn is_in(&self, file: usize, id: GroupId) -> bool {
        self.layer(file) == Some(id) || self.module(file) == Some(id)
    }

    /// The selectors `file` belongs to, sorted.
    pub fn selectors_of(&self, file: usize) -> &[SelectorId] {
        self.file_selectors.get(file).map_or(&[], Vec::as_slice)
    }

    /// For each selector, the files it matches, in file order: the inverse of
    /// [`Model::selectors_of`], built in one pass.
    pub fn files_by_selector(&self) -> Vec<Vec<usize>> {
        let mut files = vec![Vec::new(); self.selectors.len()];
        for (file, selectors) in self.file_selectors.iter().enumerate() {
            for &s in selectors {
                if let Some(list) = files.get_mut(s as usize) {
                    list.push(file);
                }
            }
        }
        files
    }

    pub fn contains(&self, file: usize, selector: SelectorId) -> bool {
        self.selectors_of(file).binary_search(&selector).is_ok()
    }

    /// The key a selector answers for.
    pub fn key(&self, selector: SelectorId) -> Option<Key> {
        self.selectors.get(selector as usize).map(|s| s.key)
    }

    /// Whether the selector matches the external package `name`: the last entry that names
    /// it decides.
    pub fn matches_external(&self, selector: SelectorId, name: &str) -> bool {
        self.selectors.get(selector as usize).is_some_and(|s| {
            if let Some(index) = &s.externals {
                return index
                    .last_match(name)
                    .and_then(|i| s.entries.get(i))
                    .is_some_and(|(negated, _)| !negated);
            }
            s.entries
                .iter()
                .rev()
                .find(|(_, atom)| matches!(atom, Atom::External(p) if p.matches(name)))
                .is_some_and(|(negated, _)| !negated)
        })
    }
}

/// Globs compiled into one set, each remembering the selector (or declaration) and entry it
/// belongs to.
struct GlobTable<O> {
    builder: GlobSetBuilder,
    owners: Vec<(O, usize)>,
}

impl<O: Copy> GlobTable<O> {
    fn new() -> Self {
        Self {
            builder: GlobSetBuilder::new(),
            owners: Vec::new(),
        }
    }

    fn add(&mut self, owner: O, entry: usize, globs: Vec<Glob>) {
        for glob in globs {
            self.builder.add(glob);
            self.owners.push((owner, entry));
        }
    }

    fn build(self) -> Globs<O> {
        // Every glob compiled on its own; a set of valid globs always builds.
        let set = self.builder.build().unwrap_or_else(|_| GlobSet::empty());
        Globs {
            set,
            owners: self.owners,
            matched: Vec::new(),
        }
    }
}

/// A compiled [`GlobTable`].
struct Globs<O> {
    set: GlobSet,
    owners: Vec<(O, usize)>,
    /// Scratch space for the indices of matching globs.
    matched: Vec<usize>,
}

impl<O: Copy + Ord> Globs<O> {
    /// The (owner, entry) pairs whose globs match `path`, sorted and unique, into `hits`.
    fn hits(&mut self, path: &str, hits: &mut Vec<(O, usize)>) {
        self.set.matches_into(path, &mut self.matched);
        hits.clear();
        hits.extend(
            self.matched
                .iter()
                .filter_map(|&g| self.owners.get(g).copied()),
        );
        hits.sort_unstable();
        hits.dedup();
    }
}

/// The globs of a `paths` entry: a template's placeholder matches one folder name.
fn paths_globs(pattern: &str) -> Vec<Glob> {
    let pattern = match placeholder(pattern) {
        Some((name, _)) => substitute(pattern, name, "*"),
        None => pattern.to_owned(),
    };
    compile_pattern(&pattern).unwrap_or_default()
}

/// The value a template's `paths` pattern gives its placeholder for `path`: the text of the
/// path's segment at the placeholder's depth, without the literal text around the placeholder
/// (validation made sure no `**` comes before it).
fn template_value(pattern: &str, path: &str) -> Option<String> {
    let (_, braces) = placeholder(pattern)?;
    let depth = pattern.get(..braces.start)?.matches('/').count();
    let segment_start = pattern.get(..braces.start)?.rfind('/').map_or(0, |i| i + 1);
    let segment_end = pattern
        .get(braces.end..)?
        .find('/')
        .map_or(pattern.len(), |i| braces.end + i);
    let prefix = pattern.get(segment_start..braces.start)?;
    let suffix = pattern.get(braces.end..segment_end)?;
    let segment = path.split('/').nth(depth)?;
    let value = segment.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!value.is_empty()).then(|| value.to_owned())
}

/// A value made safe to put into a glob: folder names like `[id]` are literal text.
fn escape_glob(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '[' | ']' | '{' | '}' | '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Config {
    /// Applies the configuration to the files of a run (`paths`, repo-relative, in the run's
    /// order). Fails with the files that two layers or two modules claim.
    pub(super) fn model(&self, paths: &[&str]) -> Result<Model, Vec<Overlap>> {
        let decls: Vec<(Decl, &GroupDecl)> = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, g)| (Decl::Layer(i), g))
            .chain(
                self.modules
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (Decl::Module(i), g)),
            )
            .collect();
        let (claims, paths_used) = claim(&decls, paths)?;
        let mut model = Model::default();
        let groups = Groups::new(self, &claims, &mut model);
        for (layer, module) in &claims {
            model.layer.push(*layer);
            model.module.push(
                module
                    .as_ref()
                    .and_then(|(m, value)| groups.of(*m, value.as_deref())),
            );
        }

        // Unmatched `paths` entries: globs that selected no file, `!` entries that removed none.
        for (d, (which, decl)) in decls.iter().enumerate() {
            for (i, entry) in decl.paths.entries.iter().enumerate() {
                if matches!(entry.atom, AtomSpec::Glob(_)) && !paths_used.contains(&(d, i)) {
                    model.unmatched.push(Unmatched {
                        key: SpecKey::Paths(*which),
                        entry: i,
                    });
                }
            }
        }

        // Pass 2: every other selector, once per instance where the placeholder appears.
        let mut builder = Builder {
            groups: &groups,
            table: GlobTable::new(),
            compiled: Vec::new(),
            group_refs: HashMap::new(),
            template_refs: HashMap::new(),
        };
        for (i, rule) in self.forbid.iter().enumerate() {
            let from =
                builder.compile(Key::ForbidFrom(i), SpecKey::ForbidFrom(i), &rule.from, None);
            let to = builder.compile(Key::ForbidTo(i), SpecKey::ForbidTo(i), &rule.to, None);
            model.forbid.push((from, to));
        }
        for (i, rule) in self.allow.iter().enumerate() {
            let from = builder.compile(Key::AllowFrom(i), SpecKey::AllowFrom(i), &rule.from, None);
            let to = builder.compile(Key::AllowTo(i), SpecKey::AllowTo(i), &rule.to, None);
            model.allow.push((from, to));
        }
        for id in 0..model.groups.len() {
            let Some(g) = model.groups.get(id) else {
                continue;
            };
            let Some(decl) = self.decl(g.decl) else {
                continue;
            };
            let subst = decl.placeholder.as_deref().zip(g.value.as_deref());
            let which = g.decl;
            let may_import = decl.may_import.as_ref().map(|spec| {
                builder.compile(Key::MayImport(id), SpecKey::MayImport(which), spec, subst)
            });
            let imported_by = decl.imported_by.as_ref().map(|spec| {
                builder.compile(Key::ImportedBy(id), SpecKey::ImportedBy(which), spec, subst)
            });
            let public = decl
                .public
                .as_ref()
                .map(|spec| builder.compile(Key::Public(id), SpecKey::Public(which), spec, subst));
            if let Some(g) = model.groups.get_mut(id) {
                g.may_import = may_import;
                g.imported_by = imported_by;
                g.public = public;
            }
        }
        for (i, rule) in self.cycles.iter().enumerate() {
            let scope = rule.paths.as_ref().map(|spec| {
                builder.compile(Key::CyclesScope(i), SpecKey::CyclesPaths(i), spec, None)
            });
            model.cycles.push(scope);
        }
        for rule in &self.independent {
            let mut ids: Vec<GroupId> = rule
                .groups
                .entries
                .iter()
                .flat_map(|e| groups.named(&e.atom))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            model.independent.push(ids);
        }
        builder.assign(&mut model, paths);
        Ok(model)
    }

    /// The `[[layers]]` or `[[modules]]` entry of a declaration.
    pub fn decl(&self, which: Decl) -> Option<&GroupDecl> {
        match which {
            Decl::Layer(i) => self.layers.get(i),
            Decl::Module(i) => self.modules.get(i),
        }
    }
}

/// A file's claim by pass 1: its layer (rank) and its module (module index, instance value).
type Claim = (Option<usize>, Option<(usize, Option<String>)>);

/// What pass 1 gives: every file's claim, and the `paths` entries (declaration, entry) that
/// selected or removed a file.
type Claims = (Vec<Claim>, HashSet<(usize, usize)>);

/// Pass 1: the layer and module of every file, and the `paths` entries that selected (or,
/// for `!`, removed) some file.
fn claim(decls: &[(Decl, &GroupDecl)], paths: &[&str]) -> Result<Claims, Vec<Overlap>> {
    let mut table = GlobTable::<usize>::new();
    for (d, (_, decl)) in decls.iter().enumerate() {
        for (i, entry) in decl.paths.entries.iter().enumerate() {
            if let AtomSpec::Glob(pattern) = &entry.atom {
                table.add(d, i, paths_globs(pattern));
            }
        }
    }
    let mut globs = table.build();
    let mut used = HashSet::new();
    let mut overlaps = Vec::new();
    let mut claims = Vec::with_capacity(paths.len());
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        globs.hits(path, &mut hits);
        let mut candidates: Vec<usize> = hits.iter().map(|(d, _)| *d).collect();
        candidates.dedup();
        let mut layer: Option<usize> = None;
        let mut module: Option<(usize, Option<String>, Decl)> = None;
        for d in candidates {
            let Some((which, decl)) = decls.get(d) else {
                continue;
            };
            let Some(last) = select(d, decl, &hits, &mut used) else {
                continue;
            };
            match *which {
                Decl::Layer(rank) => match layer {
                    None => layer = Some(rank),
                    Some(first) => overlaps.push(Overlap {
                        file,
                        first: Decl::Layer(first),
                        second: *which,
                    }),
                },
                Decl::Module(m) => {
                    let value = match decl.paths.entries.get(last).map(|e| &e.atom) {
                        Some(AtomSpec::Glob(p)) if decl.placeholder.is_some() => {
                            template_value(p, path)
                        }
                        _ => None,
                    };
                    // A template whose placeholder finds no value here holds no instance.
                    if decl.placeholder.is_some() && value.is_none() {
                        continue;
                    }
                    match &module {
                        None => module = Some((m, value, *which)),
                        Some((_, _, first)) => overlaps.push(Overlap {
                            file,
                            first: *first,
                            second: *which,
                        }),
                    }
                }
            }
        }
        claims.push((layer, module.map(|(m, v, _)| (m, v))));
    }
    if overlaps.is_empty() {
        Ok((claims, used))
    } else {
        Err(overlaps)
    }
}

/// The last entry of `decl.paths` that selects a file with `hits`, if the file is in it.
fn select(
    d: usize,
    decl: &GroupDecl,
    hits: &[(usize, usize)],
    used: &mut HashSet<(usize, usize)>,
) -> Option<usize> {
    let mut inside = None;
    for (i, entry) in decl.paths.entries.iter().enumerate() {
        if hits.binary_search(&(d, i)).is_err() {
            continue;
        }
        if !entry.negated || inside.is_some() {
            used.insert((d, i));
        }
        inside = (!entry.negated).then_some(i);
    }
    inside
}

/// The concrete groups, and how a name in a selector finds them.
struct Groups {
    /// The group of each plain module, by module index.
    plain: Vec<Option<GroupId>>,
    /// The instances of each template, by module index.
    instances: Vec<Vec<GroupId>>,
    /// Each instance by (module index, value).
    by_value: BTreeMap<(usize, String), GroupId>,
}

impl Groups {
    /// Creates the groups in `model`: layers, then each module or each template's instances
    /// (the values found in pass 1, sorted).
    fn new(config: &Config, claims: &[Claim], model: &mut Model) -> Self {
        for (rank, decl) in config.layers.iter().enumerate() {
            model
                .groups
                .push(group(decl, GroupKind::Layer, Decl::Layer(rank), None));
        }
        let mut values: Vec<Vec<String>> = vec![Vec::new(); config.modules.len()];
        for (_, module) in claims {
            if let Some((m, Some(value))) = module
                && let Some(list) = values.get_mut(*m)
            {
                list.push(value.clone());
            }
        }
        let mut groups = Self {
            plain: vec![None; config.modules.len()],
            instances: vec![Vec::new(); config.modules.len()],
            by_value: BTreeMap::new(),
        };
        for (m, decl) in config.modules.iter().enumerate() {
            if decl.placeholder.is_none() {
                groups.plain[m] = Some(model.groups.len());
                model
                    .groups
                    .push(group(decl, GroupKind::Module, Decl::Module(m), None));
                continue;
            }
            let Some(list) = values.get_mut(m) else {
                continue;
            };
            list.sort();
            list.dedup();
            for value in list.iter() {
                let id = model.groups.len();
                groups.by_value.insert((m, value.clone()), id);
                groups.instances[m].push(id);
                model.groups.push(group(
                    decl,
                    GroupKind::Module,
                    Decl::Module(m),
                    Some(value.clone()),
                ));
            }
        }
        groups
    }

    /// The module group of a claim.
    fn of(&self, module: usize, value: Option<&str>) -> Option<GroupId> {
        match value {
            Some(v) => self.by_value.get(&(module, v.to_owned())).copied(),
            None => self.plain.get(module).copied().flatten(),
        }
    }

    /// The groups a group-name entry names (a template: all its instances).
    fn named(&self, atom: &AtomSpec) -> Vec<GroupId> {
        match atom {
            AtomSpec::Layer(rank) => vec![*rank],
            AtomSpec::Module(m) => match self.plain.get(*m).copied().flatten() {
                Some(id) => vec![id],
                None => self.instances.get(*m).cloned().unwrap_or_default(),
            },
            AtomSpec::Instance { module, value } => {
                self.of(*module, Some(value)).into_iter().collect()
            }
            AtomSpec::Glob(_) | AtomSpec::External(_) => Vec::new(),
        }
    }
}

fn group(decl: &GroupDecl, kind: GroupKind, which: Decl, value: Option<String>) -> Group {
    let name = match &value {
        Some(v) => format!("{}/{v}", decl.name),
        None => decl.name.clone(),
    };
    Group {
        name,
        kind,
        decl: which,
        value,
        may_import: None,
        imported_by: None,
        public: None,
    }
}

/// Pass 2: compiles selectors and evaluates them for every file.
struct Builder<'g> {
    groups: &'g Groups,
    table: GlobTable<SelectorId>,
    compiled: Vec<Compiled>,
    /// The selectors with an entry naming a group, by group.
    group_refs: HashMap<GroupId, Vec<SelectorId>>,
    /// The selectors with an entry naming a whole template, by module index.
    template_refs: HashMap<usize, Vec<SelectorId>>,
}

impl Builder<'_> {
    /// Compiles `spec`, with `subst` = (placeholder, value) replaced in its text.
    fn compile(
        &mut self,
        key: Key,
        spec_key: SpecKey,
        spec: &SelectorSpec,
        subst: Option<(&str, &str)>,
    ) -> SelectorId {
        let id = SelectorId::try_from(self.compiled.len()).unwrap_or(SelectorId::MAX);
        let replace = |text: &str, escape: bool| match subst {
            Some((name, value)) if escape => substitute(text, name, &escape_glob(value)),
            Some((name, value)) => substitute(text, name, value),
            None => text.to_owned(),
        };
        let mut entries = Vec::with_capacity(spec.entries.len());
        for (i, entry) in spec.entries.iter().enumerate() {
            let atom = match &entry.atom {
                AtomSpec::Layer(rank) => Atom::Group(*rank),
                AtomSpec::Module(m) => match self.groups.plain.get(*m).copied().flatten() {
                    Some(g) => Atom::Group(g),
                    None => Atom::Template(*m),
                },
                AtomSpec::Instance { module, value } => {
                    match self.groups.of(*module, Some(&replace(value, false))) {
                        Some(g) => Atom::Group(g),
                        None => Atom::Nothing,
                    }
                }
                AtomSpec::Glob(pattern) => match compile_pattern(&replace(pattern, true)) {
                    Ok(globs) => {
                        self.table.add(id, i, globs);
                        Atom::Glob
                    }
                    Err(_) => Atom::Nothing,
                },
                AtomSpec::External(p) => Atom::External(p.clone()),
            };
            match atom {
                Atom::Group(g) => self.group_refs.entry(g).or_default().push(id),
                Atom::Template(m) => self.template_refs.entry(m).or_default().push(id),
                _ => {}
            }
            entries.push((entry.negated, atom));
        }
        self.compiled.push(Compiled {
            key,
            spec: spec_key,
            externals: ExternalIndex::new(&entries),
            entries,
        });
        id
    }

    /// Evaluates every selector for every file, and records the glob and `!` entries that
    /// matched nothing (`[[allow]]` entries are `unused-allow`'s, not ours).
    fn assign(self, model: &mut Model, paths: &[&str]) {
        let mut globs = self.table.build();
        let mut used: HashSet<(SpecKey, usize)> = HashSet::new();
        let mut hits: Vec<(SelectorId, usize)> = Vec::new();
        let mut candidates: Vec<SelectorId> = Vec::new();
        for (file, path) in paths.iter().enumerate() {
            globs.hits(path, &mut hits);
            candidates.clear();
            candidates.extend(hits.iter().map(|(s, _)| *s));
            for g in model.groups_of(file) {
                candidates.extend(self.group_refs.get(&g).into_iter().flatten());
            }
            let template = model
                .module(file)
                .and_then(|g| model.groups.get(g))
                .filter(|g| g.value.is_some())
                .and_then(|g| match g.decl {
                    Decl::Module(m) => Some(m),
                    Decl::Layer(_) => None,
                });
            if let Some(m) = template {
                candidates.extend(self.template_refs.get(&m).into_iter().flatten());
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut mine = Vec::new();
            for &id in &candidates {
                let Some(selector) = self.compiled.get(id as usize) else {
                    continue;
                };
                let mut inside = false;
                for (i, (negated, atom)) in selector.entries.iter().enumerate() {
                    let hit = match atom {
                        Atom::Glob => hits.binary_search(&(id, i)).is_ok(),
                        Atom::Group(g) => model.is_in(file, *g),
                        Atom::Template(m) => template == Some(*m),
                        Atom::External(_) | Atom::Nothing => false,
                    };
                    if !hit {
                        continue;
                    }
                    if !negated || inside {
                        used.insert((selector.spec, i));
                    }
                    inside = !negated;
                }
                if inside {
                    mine.push(id);
                }
            }
            model.file_selectors.push(mine);
        }
        let mut unmatched: Vec<Unmatched> = Vec::new();
        for selector in &self.compiled {
            if matches!(selector.spec, SpecKey::AllowFrom(_) | SpecKey::AllowTo(_)) {
                continue;
            }
            for (i, (_, atom)) in selector.entries.iter().enumerate() {
                if matches!(atom, Atom::Glob) && !used.contains(&(selector.spec, i)) {
                    unmatched.push(Unmatched {
                        key: selector.spec,
                        entry: i,
                    });
                }
            }
        }
        unmatched.sort_unstable();
        unmatched.dedup();
        model.unmatched.extend(unmatched);
        model.unmatched.sort_unstable();
        model.selectors = self.compiled;
    }
}
