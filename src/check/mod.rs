//! Rules: each reads the finished graph and the validated config, and writes diagnostics.
//! Rules never do I/O. Each rule is one file in `rules/`, registered by one line in [`RULES`].
//!
//! Layer `check`: imports `graph`, `input` and `core`.

pub mod baseline;
pub(crate) mod indirect;
mod rules;

use std::collections::HashMap;

use crate::config::{Config, Group, GroupDecl, GroupId, Key, Layer, Model, SelectorId, TypeOnly};
use crate::diagnostic::{Diagnostic, ImportFacts, Location, RuleId, Severity};
use crate::graph::{ImportGraph, InternalEdge, Site};
use crate::resolve::FileId;

pub use rules::RULES;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: RuleId,
    /// One line: the bad pattern, lowercase.
    pub summary: &'static str,
    /// The rule's document, `rules/<name>.md`.
    pub doc: &'static str,
    /// The severity unless `[check]` sets another (the rule's file reads that setting).
    pub default_severity: Severity,
}

/// A check over the whole graph. Rules are `Sync` and stateless.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Appends this rule's findings to `out`, in any order ([`run`] sorts them).
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>);
}

/// The rule registered under `name_or_code` (`upward-import` or `AG001`, any case).
pub fn find_rule(name_or_code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| {
        m.id.name.eq_ignore_ascii_case(name_or_code) || m.id.code.eq_ignore_ascii_case(name_or_code)
    })
}

/// The configuration errors only the rules can see: `[[allow]] rules` naming no rule.
pub fn validate(config: &Config) -> Vec<crate::config::ConfigError> {
    let source = crate::config::ConfigSource::new(&config.path, &config.text);
    let mut errors = Vec::new();
    for allow in &config.allow {
        for (name, span) in allow.rules.iter().flatten() {
            if find_rule(name).is_some() {
                continue;
            }
            let names: Vec<&str> = RULES.iter().map(|r| r.meta().id.name).collect();
            let guess = crate::config::closest(name, names.iter().copied())
                .map(|g| format!(" (did you mean `{g}`?)"))
                .unwrap_or_default();
            errors.push(crate::config::ConfigError::at(
                crate::config::Problem::UnknownRule,
                &source,
                span.clone(),
                "no rule has this name",
                format!("`rules` of [[allow]] names `{name}`, which is no rule"),
                format!(
                    "Write rule names or codes{guess}: {}.",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    errors
}

/// Runs every rule and returns the findings every consumer uses: sorted (SPEC §1), with
/// duplicates removed (`from a import b, c` is two import sites at one position; when both
/// name the same file, one finding says it all) and inline suppressions applied.
pub fn run(graph: &ImportGraph, config: &Config) -> Vec<Diagnostic> {
    run_counted(graph, config).diagnostics
}

/// The findings of a run, and how many inline suppressions absorbed.
#[derive(Debug, Default)]
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: usize,
}

/// [`run`], with the number of findings that suppressions absorbed.
pub fn run_counted(graph: &ImportGraph, config: &Config) -> Findings {
    let cx = CheckContext::new(graph, config);
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(&cx, &mut out);
    }
    let mut findings = if config.check.inline_allow {
        suppress(graph, out)
    } else {
        Findings {
            diagnostics: out,
            suppressed: 0,
        }
    };
    let out = &mut findings.diagnostics;
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key());
    findings
}

/// Applies `archgate: allow(RULE) REASON` comments: a finding on the line a comment with a
/// reason waives, of a rule it names, is absorbed; each comment that absorbed nothing (or has
/// no reason) is `unused-suppression`.
fn suppress(graph: &ImportGraph, findings: Vec<Diagnostic>) -> Findings {
    let mut used: Vec<Vec<bool>> = graph
        .suppressions
        .iter()
        .map(|list| vec![false; list.len()])
        .collect();
    // For each file, (line waived, rule as written in lower case) → the first suppression
    // with a reason that waives it: a finding costs one look-up, however many comments the
    // file or the line holds.
    let waivers: Vec<HashMap<(u32, String), usize>> = graph
        .suppressions
        .iter()
        .map(|list| {
            let mut map = HashMap::new();
            for (i, s) in list.iter().enumerate() {
                if s.reason.is_empty() {
                    continue;
                }
                for r in &s.rules {
                    map.entry((s.target, r.to_ascii_lowercase())).or_insert(i);
                }
            }
            map
        })
        .collect();
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = 0;
    for d in findings {
        let file = graph.files.id(&d.path);
        let hit = file.and_then(|f| {
            let map = waivers.get(f).filter(|m| !m.is_empty())?;
            let line = d.region.start.line;
            let by = |rule: &str| map.get(&(line, rule.to_ascii_lowercase())).copied();
            let i = match (by(d.rule.name), by(d.rule.code)) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b)?,
            };
            Some((f, i))
        });
        match hit {
            Some((f, i)) => {
                if let Some(flag) = used.get_mut(f).and_then(|u| u.get_mut(i)) {
                    *flag = true;
                }
                suppressed += 1;
            }
            None => kept.push(d),
        }
    }
    for (file, list) in graph.suppressions.iter().enumerate() {
        for (i, s) in list.iter().enumerate() {
            if !used
                .get(file)
                .and_then(|u| u.get(i))
                .copied()
                .unwrap_or(false)
            {
                kept.push(rules::unused_suppression::unused_suppression(
                    graph.files.path(file),
                    s,
                ));
            }
        }
    }
    Findings {
        diagnostics: kept,
        suppressed,
    }
}

/// What an import names, as rules match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    File(FileId),
    External(&'a str),
}

/// One import site as rules see it: from a file of the repository to a file or a package.
#[derive(Debug, Clone, Copy)]
pub struct Import<'g> {
    pub index: petgraph::graph::EdgeIndex,
    pub from: FileId,
    pub to: Target<'g>,
    pub site: &'g Site,
}

/// The read-only view rules work from.
pub struct CheckContext<'a> {
    pub graph: &'a ImportGraph,
    pub config: &'a Config,
    pub model: &'a Model,
    /// For each edge index, the `[[allow]]` entries that match it.
    waivers: Vec<Vec<usize>>,
    /// For each `[[allow]]` entry, whether it matches an import.
    allow_used: Vec<bool>,
}

impl<'a> CheckContext<'a> {
    pub fn new(graph: &'a ImportGraph, config: &'a Config) -> Self {
        let mut cx = Self {
            graph,
            config,
            model: &graph.model,
            waivers: vec![Vec::new(); graph.edge_count()],
            allow_used: vec![false; config.allow.len()],
        };
        if config.allow.is_empty() {
            return cx;
        }
        let imports: Vec<Import<'a>> = cx.all_imports().collect();
        for import in imports {
            let hits: Vec<usize> = cx
                .entries_matching(import.from, import.to, |key| match key {
                    Key::AllowFrom(i) => Some(i),
                    _ => None,
                })
                .collect();
            for &i in &hits {
                if let Some(used) = cx.allow_used.get_mut(i) {
                    *used = true;
                }
            }
            if let Some(slot) = cx.waivers.get_mut(import.index.index()) {
                *slot = hits;
            }
        }
        cx
    }

    /// Every import of a file to a file or to a package, waived or not.
    fn all_imports(&self) -> impl Iterator<Item = Import<'a>> + use<'a> {
        let graph = self.graph;
        graph
            .internal_edges()
            .map(|e| Import {
                index: e.index,
                from: e.from,
                to: Target::File(e.to),
                site: e.site,
            })
            .chain(
                graph
                    .external_edges()
                    .map(|(index, from, name, site)| Import {
                        index,
                        from,
                        to: Target::External(name),
                        site,
                    }),
            )
    }

    /// The imports that no `[[allow]]` entry waives for `rule`.
    pub fn imports(&self, rule: &'static RuleMeta) -> impl Iterator<Item = Import<'a>> + '_ {
        self.all_imports().filter(move |i| !self.is_waived(i, rule))
    }

    /// Imports between files of the repository that no `[[allow]]` entry waives for `rule`.
    pub fn checked_edges(
        &self,
        rule: &'static RuleMeta,
    ) -> impl Iterator<Item = InternalEdge<'a>> + '_ {
        self.graph.internal_edges().filter(move |e| {
            let import = Import {
                index: e.index,
                from: e.from,
                to: Target::File(e.to),
                site: e.site,
            };
            !self.is_waived(&import, rule)
        })
    }

    fn is_waived(&self, import: &Import<'_>, rule: &RuleMeta) -> bool {
        self.waivers.get(import.index.index()).is_some_and(|hits| {
            hits.iter().any(|&i| {
                self.config
                    .allow
                    .get(i)
                    .is_some_and(|allow| match &allow.rules {
                        None => true,
                        Some(names) => names.iter().any(|(n, _)| {
                            n.eq_ignore_ascii_case(rule.id.name)
                                || n.eq_ignore_ascii_case(rule.id.code)
                        }),
                    })
            })
        })
    }

    /// The indices of the `[[forbid]]` or `[[allow]]` entries (picked by `entry_of` from the
    /// key of their `from` selector) that cover an import from `from` to `to`. Costs a lookup
    /// per selector that `from` belongs to.
    pub fn entries_matching<'s>(
        &'s self,
        from: FileId,
        to: Target<'s>,
        entry_of: fn(Key) -> Option<usize>,
    ) -> impl Iterator<Item = usize> + 's {
        let model = self.model;
        model
            .selectors_of(from)
            .iter()
            .filter_map(move |&id| model.key(id).and_then(entry_of).map(|i| (id, i)))
            .filter_map(move |(from_sel, i)| {
                let pairs = match model.key(from_sel) {
                    Some(Key::ForbidFrom(_)) => &model.forbid,
                    _ => &model.allow,
                };
                let (_, to_sel) = pairs.get(i)?;
                self.selects(*to_sel, to).then_some(i)
            })
    }

    /// Whether a selector matches an import's target.
    pub fn selects(&self, selector: SelectorId, to: Target<'_>) -> bool {
        match to {
            Target::File(file) => self.model.contains(file, selector),
            Target::External(name) => self.model.matches_external(selector, name),
        }
    }

    /// Whether `site`, made in file `from`, is left out by a `type_only = "ignore"`: the
    /// rule's own setting (`rule`), else the importing file's module's, else its layer's,
    /// else `[check]`'s.
    pub fn skips_type_only(&self, from: FileId, site: &Site, rule: Option<TypeOnly>) -> bool {
        if !site.kind.is_type_only() {
            return false;
        }
        let group_setting = |g: Option<GroupId>| {
            g.and_then(|g| self.model.group(g))
                .and_then(|g| self.config.decl(g.decl))
                .and_then(|d| d.type_only)
        };
        let setting = rule
            .or_else(|| group_setting(self.model.module(from)))
            .or_else(|| group_setting(self.model.layer(from)))
            .unwrap_or(self.config.check.type_only);
        setting == TypeOnly::Ignore
    }

    /// The layer of a file, if it has one.
    pub fn layer_of(&self, file: FileId) -> Option<&'a Layer> {
        self.model
            .layer(file)
            .and_then(|rank| self.config.layers.get(rank))
    }

    /// A group and its declaration.
    pub fn group(&self, id: GroupId) -> Option<(&'a Group, &'a GroupDecl)> {
        let group = self.model.group(id)?;
        Some((group, self.config.decl(group.decl)?))
    }

    /// The group a finding about `file` is about: its module, else its layer.
    pub fn group_name(&self, file: FileId) -> Option<&'a str> {
        self.model
            .module(file)
            .or_else(|| self.model.layer(file))
            .and_then(|g| self.model.group(g))
            .map(|g| g.name.as_str())
    }

    pub fn path(&self, file: FileId) -> &'a str {
        self.graph.files.path(file)
    }

    /// Whether the `[[allow]]` entry at `index` matches at least one import.
    pub fn is_allow_used(&self, index: usize) -> bool {
        self.allow_used.get(index).copied().unwrap_or(false)
    }

    /// The layers a file of `layer` may import, top first: its own and every layer below it,
    /// or, when the layer has `may_import`, its own and the layers the list names.
    pub fn layers_at_or_below(&self, layer: &Layer) -> impl Iterator<Item = &'a Layer> {
        let listed = layer.may_import.as_ref();
        self.config.layers.iter().skip(layer.rank).filter(move |l| {
            l.rank == layer.rank || listed.is_none_or(|spec| spec.names_layer(l.rank))
        })
    }

    /// The files of group `id`, as folders to name in a fix: each including `paths` pattern's
    /// literal folder, or the pattern itself.
    pub fn folders(&self, id: GroupId) -> Vec<String> {
        let Some((group, decl)) = self.group(id) else {
            return Vec::new();
        };
        decl.patterns
            .iter()
            .filter(|p| !p.starts_with('!'))
            .map(|p| match (&decl.placeholder, &group.value) {
                (Some(name), Some(value)) => p.replace(&format!("{{{name}}}"), value),
                _ => p.clone(),
            })
            .collect()
    }

    /// A place in `layers.toml`.
    pub fn config_location(
        &self,
        region: &crate::source::Region,
        message: impl Into<String>,
    ) -> Location {
        Location {
            path: self.config.path.clone(),
            region: Some(region.clone()),
            message: message.into(),
        }
    }

    /// Where a group is declared, as a related location.
    pub fn group_location(&self, id: GroupId, message: impl Into<String>) -> Option<Location> {
        let (_, decl) = self.group(id)?;
        Some(self.config_location(&decl.decl, message))
    }

    /// The imported file, as a related location.
    pub fn target_location(&self, file: FileId) -> Location {
        Location {
            path: self.path(file).to_owned(),
            region: None,
            message: "the imported module".to_owned(),
        }
    }
}

/// ` (module `billing`)`: a file's group (its module, else its layer) for a message, or
/// nothing for a file in no group.
pub(crate) fn group_label(cx: &CheckContext<'_>, file: FileId) -> String {
    cx.model
        .module(file)
        .or_else(|| cx.model.layer(file))
        .and_then(|g| cx.model.group(g))
        .map(|g| {
            let kind = match g.decl {
                crate::config::Decl::Layer(_) => "layer",
                crate::config::Decl::Module(_) => "module",
            };
            format!(" ({kind} `{}`)", g.name)
        })
        .unwrap_or_default()
}

/// The facts of an import for the structured formats, with the groups of both ends: each
/// file's module when it has one, else its layer (a rule about other groups sets its own).
pub(crate) fn import_facts(cx: &CheckContext<'_>, import: &Import<'_>) -> ImportFacts {
    let (target, to_file, external) = match import.to {
        Target::File(file) => (Some(cx.path(file).to_owned()), Some(file), None),
        Target::External(name) => (None, None, Some(name.to_owned())),
    };
    let layer = |file: Option<FileId>| file.and_then(|f| cx.layer_of(f)).map(|l| l.name.clone());
    ImportFacts {
        specifier: import.site.specifier.clone(),
        type_only: import.site.kind.is_type_only(),
        target,
        from_layer: layer(Some(import.from)),
        to_layer: layer(to_file),
        from_group: cx.group_name(import.from).map(str::to_owned),
        to_group: to_file.and_then(|f| cx.group_name(f)).map(str::to_owned),
        external,
    }
}
/// `` `name` in `folder` `` for each layer, for fix instructions: the first ten, then how
/// many more there are, so that a help stays short however many layers `layers.toml`
/// declares (8,000 layers made every help list thousands, 800 MB of JSON in all). Callers
/// that describe the same layers for many findings work it out once.
pub(crate) fn describe_layers<'a>(mut layers: impl Iterator<Item = &'a Layer>) -> String {
    const SHOWN: usize = 10;
    let mut described: Vec<String> = layers
        .by_ref()
        .take(SHOWN)
        .map(|l| match l.folder() {
            Some(folder) => format!("`{}` in `{folder}`", l.name),
            None => format!("`{}`", l.name),
        })
        .collect();
    let more = layers.count();
    if more > 0 {
        described.push(format!("{more} more"));
    }
    described.join(", ")
}

/// What a selector allows, in prose for a fix instruction: each group with its folders
/// (`` `shared` in `src/shared/` ``), each glob as written, `{placeholder}`s replaced by the
/// instance's `value`; the first ten entries, then how many more (as [`describe_layers`]).
/// Finding an entry's group costs a pass over the groups: callers describe each selector
/// once, not once per finding.
pub(crate) fn describe_selector(
    cx: &CheckContext<'_>,
    spec: &crate::config::SelectorSpec,
    subst: Option<(&str, &str)>,
) -> String {
    use crate::config::AtomSpec;
    const SHOWN: usize = 10;
    let replace = |text: &str| match subst {
        Some((name, value)) => text.replace(&format!("{{{name}}}"), value),
        None => text.to_owned(),
    };
    let named = |id: GroupId| {
        let name = cx.model.group(id).map_or("", |g| g.name.as_str());
        let folders: Vec<String> = cx
            .folders(id)
            .iter()
            .filter_map(|p| crate::config::folder_of(std::slice::from_ref(p)))
            .collect();
        if folders.is_empty() {
            format!("`{name}`")
        } else {
            format!("`{name}` in `{}`", folders.join("`, `"))
        }
    };
    let mut parts = Vec::new();
    let mut entries = spec.entries.iter().filter(|e| !e.negated);
    for entry in entries.by_ref().take(SHOWN) {
        match &entry.atom {
            AtomSpec::Layer(rank) => parts.push(named(*rank)),
            AtomSpec::Module(m) => {
                let decl = cx.config.modules.get(*m);
                if let Some(d) = decl.filter(|d| d.placeholder.is_some()) {
                    parts.push(format!("any `{}/…` module", d.name));
                } else {
                    let id = (0..cx.model.groups.len()).find(|&g| {
                        cx.model.group(g).is_some_and(|g| {
                            g.decl == crate::config::Decl::Module(*m) && g.value.is_none()
                        })
                    });
                    parts.extend(id.map(named));
                }
            }
            AtomSpec::Instance { module, value } => {
                let name = format!(
                    "{}/{}",
                    cx.config
                        .modules
                        .get(*module)
                        .map_or("", |d| d.name.as_str()),
                    replace(value)
                );
                let id = (0..cx.model.groups.len())
                    .find(|&g| cx.model.group(g).is_some_and(|g| g.name == name));
                parts.push(id.map_or_else(|| format!("`{name}`"), named));
            }
            AtomSpec::Glob(pattern) => parts.push(format!("files matching `{}`", replace(pattern))),
            AtomSpec::External(p) => parts.push(format!("package `{p}`")),
        }
    }
    let more = entries.count();
    if more > 0 {
        parts.push(format!("{more} more"));
    }
    parts.join(", ")
}

/// The first words of a fix: remove the import at its site, or, for a dependency declared in
/// a manifest, the dependency (the code that uses the crate goes with it).
pub(crate) fn removal(site: &crate::graph::Site, path: &str) -> String {
    let line = site.region.start.line;
    match site.kind {
        crate::lang::ImportKind::Manifest => format!(
            "Remove the dependency on `{}` at `{path}:{line}`, and the code that uses that crate",
            site.specifier
        ),
        _ => format!(
            "Remove the import of `{}` at `{path}:{line}`",
            site.specifier
        ),
    }
}

/// The first `shown` of `items` in code, comma-separated, then how many more there are:
/// `` `a.py`, `b.py`, 3 more ``.
pub fn short_list(items: &[impl AsRef<str>], shown: usize) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .take(shown)
        .map(|i| format!("`{}`", i.as_ref()))
        .collect();
    if items.len() > shown {
        parts.push(format!("{} more", items.len() - shown));
    }
    parts.join(", ")
}

/// Parts of a fix instruction already written out, joined: the first `shown`, then how many
/// more there are.
pub(crate) fn join_capped(mut parts: Vec<String>, shown: usize) -> String {
    if parts.len() > shown {
        let more = parts.len() - shown;
        parts.truncate(shown);
        parts.push(format!("{more} more"));
    }
    parts.join(", ")
}

/// The file name of a repo-relative path.
pub(crate) fn file_name(path: &str) -> &str {
    crate::source::RelPath::new(path).file_name()
}
