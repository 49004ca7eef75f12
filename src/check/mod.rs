//! Rules: each reads the finished graph and the validated config, and writes diagnostics.
//! Rules never do I/O. Each rule is one file in `rules/`, registered by one line in [`RULES`].
//!
//! Layer `check`: imports `graph`, `input` and `core`.

mod rules;

use crate::config::{Config, EdgeRule, Layer, Owner};
use crate::diagnostic::{Diagnostic, Location, RuleId, Severity};
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

/// Runs every rule and returns the findings every consumer uses: sorted (SPEC §1) and with
/// duplicates removed (`from a import b, c` is two import sites at one position; when both
/// name the same file, one finding says it all).
pub fn run(graph: &ImportGraph, config: &Config) -> Vec<Diagnostic> {
    let cx = CheckContext::new(graph, config);
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(&cx, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key());
    out
}

/// What an import names, as rules match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    File(FileId),
    External(&'a str),
}

/// An import of an external package, as rules see it.
#[derive(Debug, Clone, Copy)]
pub struct ExternalEdge<'g> {
    pub from: FileId,
    pub name: &'g str,
    pub site: &'g Site,
}

/// The read-only view rules work from.
pub struct CheckContext<'a> {
    pub graph: &'a ImportGraph,
    pub config: &'a Config,
    /// For each edge index, whether an `[[allow]]` entry exempts it.
    allowed: Vec<bool>,
    /// For each `[[allow]]` entry, whether it matches an import.
    allow_used: Vec<bool>,
}

impl<'a> CheckContext<'a> {
    pub fn new(graph: &'a ImportGraph, config: &'a Config) -> Self {
        let mut cx = Self {
            graph,
            config,
            allowed: vec![false; graph.edge_count()],
            allow_used: vec![false; config.allow.len()],
        };
        if config.allow.is_empty() {
            return cx;
        }
        let edges = graph
            .internal_edges()
            .map(|e| (e.index, e.from, Target::File(e.to)))
            .chain(
                graph
                    .external_edges()
                    .map(|(index, from, name, _)| (index, from, Target::External(name))),
            );
        let mut hits = Vec::new();
        for (index, from, to) in edges {
            hits.clear();
            hits.extend(
                cx.entries_matching(&config.allow, from, to, |owner| match owner {
                    Owner::AllowFrom(i) => Some(i),
                    _ => None,
                }),
            );
            for &i in &hits {
                if let Some(used) = cx.allow_used.get_mut(i) {
                    *used = true;
                }
            }
            if let (false, Some(slot)) = (hits.is_empty(), cx.allowed.get_mut(index.index())) {
                *slot = true;
            }
        }
        cx
    }

    /// The indices of the entries of `rules` (the `[[forbid]]` or `[[allow]]` list) that
    /// cover an import from `from` to `to`. `entry_of` picks, from a selector's owner, the
    /// entry whose `from` it is. Costs a lookup per selector that `from` belongs to.
    pub fn entries_matching<'s>(
        &'s self,
        rules: &'a [EdgeRule],
        from: FileId,
        to: Target<'s>,
        entry_of: fn(Owner) -> Option<usize>,
    ) -> impl Iterator<Item = usize> + 's {
        let membership = &self.graph.membership;
        membership
            .selectors_of(from)
            .iter()
            .filter_map(move |&id| entry_of(self.config.selector(id).owner))
            .filter(move |&i| {
                rules.get(i).is_some_and(|rule| match to {
                    Target::File(file) => membership.contains(file, rule.to),
                    Target::External(name) => self.config.selector(rule.to).matches_external(name),
                })
            })
    }

    /// The layer of a file, if it has one.
    pub fn layer_of(&self, file: FileId) -> Option<&'a Layer> {
        self.graph
            .layer_of(file)
            .and_then(|rank| self.config.layers.get(rank))
    }

    pub fn path(&self, file: FileId) -> &'a str {
        self.graph.files.path(file)
    }

    fn is_allowed(&self, index: petgraph::graph::EdgeIndex) -> bool {
        self.allowed.get(index.index()).copied().unwrap_or(false)
    }

    /// Imports between files of the repository that no `[[allow]]` entry exempts.
    pub fn checked_edges(&self) -> impl Iterator<Item = InternalEdge<'a>> + '_ {
        self.graph
            .internal_edges()
            .filter(|e| !self.is_allowed(e.index))
    }

    /// Imports of external packages that no `[[allow]]` entry exempts.
    pub fn checked_external_edges(&self) -> impl Iterator<Item = ExternalEdge<'a>> + '_ {
        self.graph
            .external_edges()
            .filter(|(index, ..)| !self.is_allowed(*index))
            .map(|(_, from, name, site)| ExternalEdge { from, name, site })
    }

    /// Whether the `[[allow]]` entry at `index` matches at least one import.
    pub fn is_allow_used(&self, index: usize) -> bool {
        self.allow_used.get(index).copied().unwrap_or(false)
    }

    /// `layer` and every layer below it, top first.
    pub fn layers_at_or_below(&self, layer: &Layer) -> impl Iterator<Item = &'a Layer> {
        self.config.layers.iter().skip(layer.rank)
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

    /// The imported file, as a related location.
    pub fn target_location(&self, file: FileId) -> Location {
        Location {
            path: self.path(file).to_owned(),
            region: None,
            message: "the imported module".to_owned(),
        }
    }
}

/// `` `name` in `folder` `` for each layer, for fix instructions.
pub(crate) fn describe_layers<'a>(layers: impl Iterator<Item = &'a Layer>) -> String {
    let described: Vec<String> = layers
        .map(|l| match l.folder() {
            Some(folder) => format!("`{}` in `{folder}`", l.name),
            None => format!("`{}`", l.name),
        })
        .collect();
    described.join(", ")
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

/// The file name of a repo-relative path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
