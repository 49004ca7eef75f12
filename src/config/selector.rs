//! Selectors: the one way `layers.toml` names code (SPEC §8 "Selectors"). A layer's `paths`,
//! a rule's `from` and `to` are each a [`Selector`]: a list of entries, each a group name, an
//! `external:NAME` pattern or a path glob, where a `!` entry excludes what the entries before
//! it matched.
//!
//! Every glob of every selector is compiled once into one [`GlobSet`], and [`Selectors::assign`]
//! runs it once per file of the run, giving each file its layer and the sorted list of
//! selectors it belongs to ([`Membership`]). Checking an import is then a few lookups: its cost
//! grows with the entries that match it, not with the number of entries in `layers.toml`.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Index of a selector in [`Selectors::list`].
pub type SelectorId = u32;

/// What a selector entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// The files of a layer, by rank.
    Layer(usize),
    /// The files a path glob matches (its globs are in the shared set).
    Glob,
    /// External packages, as `archgate graph` names them: the name, or with `prefix` every
    /// name that starts with it (`external:@angular/*`).
    External { name: String, prefix: bool },
}

/// One entry of a selector, as written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub negated: bool,
    pub atom: Atom,
    /// The entry as written, `!` included.
    pub text: String,
    /// Where it is written in `layers.toml`.
    pub span: Range<usize>,
}

impl Entry {
    /// Whether this entry (`!` aside) names the external package `name`.
    pub fn names_external(&self, name: &str) -> bool {
        match &self.atom {
            Atom::External {
                name: n,
                prefix: true,
            } => name.starts_with(n.as_str()),
            Atom::External {
                name: n,
                prefix: false,
            } => name == n,
            _ => false,
        }
    }
}

/// Which key of `layers.toml` a selector is, for messages and for rules that look their own
/// selectors up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `paths` of the layer of this rank.
    LayerPaths(usize),
    /// `from` of the `[[forbid]]` entry of this index.
    ForbidFrom(usize),
    ForbidTo(usize),
    AllowFrom(usize),
    AllowTo(usize),
}

#[derive(Debug, Clone)]
pub struct Selector {
    pub owner: Owner,
    pub entries: Vec<Entry>,
}

impl Selector {
    /// Whether the selector is exactly one layer.
    pub fn as_layer(&self) -> Option<usize> {
        match self.entries.as_slice() {
            [
                Entry {
                    negated: false,
                    atom: Atom::Layer(rank),
                    ..
                },
            ] => Some(*rank),
            _ => None,
        }
    }

    /// Whether any entry names the layer of `rank` (so a fix must not suggest it).
    pub fn names_layer(&self, rank: usize) -> bool {
        self.entries
            .iter()
            .any(|e| !e.negated && e.atom == Atom::Layer(rank))
    }

    /// Whether the selector matches the external package `name`: the last entry that names
    /// it decides.
    pub fn matches_external(&self, name: &str) -> bool {
        self.entries
            .iter()
            .rev()
            .find(|e| e.names_external(name))
            .is_some_and(|e| !e.negated)
    }
}

/// Every selector of the configuration, with their globs compiled into one set.
#[derive(Debug)]
pub struct Selectors {
    pub list: Vec<Selector>,
    globs: GlobSet,
    /// For each glob of `globs`, the selector and entry it belongs to.
    glob_owner: Vec<(SelectorId, usize)>,
    /// For each layer rank, the selector entries that name it.
    layer_refs: Vec<Vec<(SelectorId, usize)>>,
}

/// A selector entry that matched nothing (AG010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmatched {
    pub selector: SelectorId,
    pub entry: usize,
}

/// What every file of the run belongs to.
#[derive(Debug, Default)]
pub struct Membership {
    /// The layer rank of each file, by file index.
    layers: Vec<Option<usize>>,
    /// The selectors each file belongs to, sorted.
    selectors: Vec<Vec<SelectorId>>,
    /// Glob entries that matched no file, and `!` entries that removed nothing.
    pub unmatched: Vec<Unmatched>,
}

impl Membership {
    /// Every file unlayered and in no selector (a run without configuration).
    pub fn none(files: usize) -> Self {
        Self {
            layers: vec![None; files],
            selectors: vec![Vec::new(); files],
            unmatched: Vec::new(),
        }
    }

    pub fn layer(&self, file: usize) -> Option<usize> {
        self.layers.get(file).copied().flatten()
    }

    /// The selectors `file` belongs to, sorted.
    pub fn selectors_of(&self, file: usize) -> &[SelectorId] {
        self.selectors.get(file).map_or(&[], Vec::as_slice)
    }

    pub fn contains(&self, file: usize, selector: SelectorId) -> bool {
        self.selectors_of(file).binary_search(&selector).is_ok()
    }
}

/// A file claimed by two layers (a configuration error, built by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    pub file: usize,
    pub first: usize,
    pub second: usize,
}

impl Selectors {
    /// Compiles `list`; `globs` holds, for every selector and entry, the globs of that entry
    /// (already checked by [`compile_pattern`]).
    pub(super) fn new(
        list: Vec<Selector>,
        globs: &[(SelectorId, usize, Vec<Glob>)],
        layer_count: usize,
    ) -> Self {
        let mut set = GlobSetBuilder::new();
        let mut glob_owner = Vec::new();
        for (selector, entry, compiled) in globs {
            for glob in compiled {
                set.add(glob.clone());
                glob_owner.push((*selector, *entry));
            }
        }
        let mut layer_refs = vec![Vec::new(); layer_count];
        for (id, selector) in list.iter().enumerate() {
            for (i, entry) in selector.entries.iter().enumerate() {
                if let Atom::Layer(rank) = entry.atom
                    && let Some(refs) = layer_refs.get_mut(rank)
                {
                    refs.push((id_of(id), i));
                }
            }
        }
        Self {
            list,
            // Each glob compiled on its own; a set of valid globs always builds.
            globs: set.build().unwrap_or_else(|_| GlobSet::empty()),
            glob_owner,
            layer_refs,
        }
    }

    pub fn get(&self, id: SelectorId) -> Option<&Selector> {
        self.list.get(id as usize)
    }

    /// The layer and selectors of every file of `paths` (repo-relative), or the files that two
    /// layers claim.
    pub fn assign<'p>(
        &self,
        paths: impl Iterator<Item = &'p str>,
        layer_count: usize,
    ) -> Result<Membership, Vec<Overlap>> {
        let mut membership = Membership::default();
        let mut overlaps = Vec::new();
        // Entries that selected some file, and `!` entries that removed one.
        let mut used: HashSet<(SelectorId, usize)> = HashSet::new();
        let mut hits: Vec<(SelectorId, usize)> = Vec::new();
        let mut matched = Vec::new();
        for (file, path) in paths.enumerate() {
            hits.clear();
            self.globs.matches_into(path, &mut matched);
            hits.extend(
                matched
                    .iter()
                    .filter_map(|&g| self.glob_owner.get(g).copied()),
            );
            hits.sort_unstable();
            hits.dedup();

            // The layer first: group entries of the other selectors depend on it.
            let mut layer = None;
            for (selector, _) in hits.iter().filter(|(s, _)| (*s as usize) < layer_count) {
                if self.evaluate(*selector, &hits, None, &mut used) {
                    match layer {
                        None => layer = Some(*selector as usize),
                        Some(first) if first != *selector as usize => overlaps.push(Overlap {
                            file,
                            first,
                            second: *selector as usize,
                        }),
                        Some(_) => {}
                    }
                }
            }
            let mut candidates: Vec<SelectorId> = hits
                .iter()
                .map(|(s, _)| *s)
                .filter(|&s| s as usize >= layer_count)
                .collect();
            if let Some(refs) = layer.and_then(|l| self.layer_refs.get(l)) {
                candidates.extend(refs.iter().map(|(s, _)| *s));
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mine: Vec<SelectorId> = candidates
                .into_iter()
                .filter(|&s| self.evaluate(s, &hits, layer, &mut used))
                .chain(layer.map(id_of))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            membership.layers.push(layer);
            membership.selectors.push(mine);
        }
        if !overlaps.is_empty() {
            return Err(overlaps);
        }
        for (id, selector) in self.list.iter().enumerate() {
            for (i, entry) in selector.entries.iter().enumerate() {
                if entry.atom == Atom::Glob && !used.contains(&(id_of(id), i)) {
                    membership.unmatched.push(Unmatched {
                        selector: id_of(id),
                        entry: i,
                    });
                }
            }
        }
        Ok(membership)
    }

    /// Whether a file with glob `hits` and `layer` is in `selector`: the last entry that
    /// matches decides. Records in `used` the entries that selected it and the `!` entries that
    /// removed it.
    fn evaluate(
        &self,
        selector: SelectorId,
        hits: &[(SelectorId, usize)],
        layer: Option<usize>,
        used: &mut HashSet<(SelectorId, usize)>,
    ) -> bool {
        let Some(sel) = self.get(selector) else {
            return false;
        };
        let mut inside = false;
        for (i, entry) in sel.entries.iter().enumerate() {
            let hit = match entry.atom {
                Atom::Glob => hits.binary_search(&(selector, i)).is_ok(),
                Atom::Layer(rank) => layer == Some(rank),
                Atom::External { .. } => false,
            };
            if !hit {
                continue;
            }
            if !entry.negated || inside {
                used.insert((selector, i));
            }
            inside = !entry.negated;
        }
        inside
    }
}

fn id_of(index: usize) -> SelectorId {
    SelectorId::try_from(index).unwrap_or(SelectorId::MAX)
}

/// Compiles one glob the way every pattern in `layers.toml` is read: `*` stays within one
/// path segment, `**` crosses them.
pub(super) fn compile_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The globs of one pattern (without its `!`): the pattern itself and, when its last segment
/// has no `*` or `?`, everything inside the folders it names (`src/ui`, `src/{ui,web}`), while
/// `src/x/*` matches only the files directly in `src/x`.
pub(super) fn compile_pattern(pattern: &str) -> Result<Vec<Glob>, globset::Error> {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let mut globs = vec![compile_glob(pattern)?];
    if names_folders(pattern) {
        globs.push(compile_glob(&format!("{pattern}/**"))?);
    }
    Ok(globs)
}

/// Whether a pattern's last segment has no `*` or `?`, so that it names folders (or files).
pub(super) fn names_folders(pattern: &str) -> bool {
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    !last.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_selector(patterns: &[&str], owner: Owner) -> (Selector, Vec<Vec<Glob>>) {
        let entries = patterns
            .iter()
            .map(|p| Entry {
                negated: p.starts_with('!'),
                atom: Atom::Glob,
                text: (*p).to_owned(),
                span: 0..0,
            })
            .collect();
        let globs = patterns
            .iter()
            .map(|p| compile_pattern(p.trim_start_matches('!')).unwrap())
            .collect();
        (Selector { owner, entries }, globs)
    }

    fn selectors(specs: &[(&[&str], Owner)], layers: usize) -> Selectors {
        let mut list = Vec::new();
        let mut globs = Vec::new();
        for (id, (patterns, owner)) in specs.iter().enumerate() {
            let (sel, compiled) = glob_selector(patterns, *owner);
            for (entry, g) in compiled.into_iter().enumerate() {
                globs.push((id_of(id), entry, g));
            }
            list.push(sel);
        }
        Selectors::new(list, &globs, layers)
    }

    #[test]
    fn a_bang_entry_excludes_what_came_before() {
        let s = selectors(
            &[(&["src/ui/**", "!src/ui/legacy/**"], Owner::ForbidTo(0))],
            0,
        );
        let paths = ["src/ui/page.py", "src/ui/legacy/old.py", "src/uix/page.py"];
        let m = s.assign(paths.into_iter(), 0).unwrap();
        assert!(m.contains(0, 0));
        assert!(!m.contains(1, 0));
        assert!(!m.contains(2, 0));
        assert!(m.unmatched.is_empty());
    }

    #[test]
    fn a_last_segment_without_wildcards_names_folders() {
        let s = selectors(
            &[
                (&["pkg/{a,c}"], Owner::ForbidTo(0)),
                (&["pkg/a"], Owner::ForbidTo(1)),
                (&["pkg/*"], Owner::ForbidTo(2)),
            ],
            0,
        );
        let paths = ["pkg/a/x.py", "pkg/c/y.py", "pkg/b/z.py", "pkg/top.py"];
        let m = s.assign(paths.into_iter(), 0).unwrap();
        assert_eq!(m.selectors_of(0), &[0, 1]);
        assert_eq!(m.selectors_of(1), &[0]);
        assert_eq!(m.selectors_of(2), &[] as &[u32]);
        assert_eq!(
            m.selectors_of(3),
            &[2],
            "`pkg/*` is the files directly in pkg"
        );
    }

    #[test]
    fn unmatched_globs_and_bang_entries_that_remove_nothing_are_listed() {
        let s = selectors(
            &[(
                &["src/**", "!src/gone/**", "src/typo/**"],
                Owner::ForbidTo(0),
            )],
            0,
        );
        let m = s.assign(["src/a.py"].into_iter(), 0).unwrap();
        let entries: Vec<usize> = m.unmatched.iter().map(|u| u.entry).collect();
        assert_eq!(entries, [1, 2]);
    }

    #[test]
    fn two_layers_claiming_a_file_overlap() {
        let s = selectors(
            &[
                (&["src/**/views.py"], Owner::LayerPaths(0)),
                (&["src/domain/**"], Owner::LayerPaths(1)),
            ],
            2,
        );
        let err = s
            .assign(["src/domain/views.py", "src/domain/a.py"].into_iter(), 2)
            .unwrap_err();
        assert_eq!(
            err,
            [Overlap {
                file: 0,
                first: 0,
                second: 1
            }]
        );
    }

    #[test]
    fn externals_match_by_name_or_prefix_and_the_last_entry_decides() {
        let entry = |text: &str, name: &str, prefix: bool| Entry {
            negated: text.starts_with('!'),
            atom: Atom::External {
                name: name.to_owned(),
                prefix,
            },
            text: text.to_owned(),
            span: 0..0,
        };
        let sel = Selector {
            owner: Owner::ForbidTo(0),
            entries: vec![
                entry("external:PyQt*", "PyQt", true),
                entry("!external:PyQt5", "PyQt5", false),
            ],
        };
        assert!(sel.matches_external("PyQt6"));
        assert!(!sel.matches_external("PyQt5"));
        assert!(!sel.matches_external("requests"));
    }
}
