//! Rules: each reads the finished graph and the validated config, and writes diagnostics.
//! Rules never do I/O. Each rule is one file in `rules/`, registered by one line in [`RULES`].
//!
//! Layer `check`: imports `graph`, `input` and `core`.

mod rules;

use crate::config::{Config, EdgeRule, Layer};
use crate::diagnostic::{Diagnostic, Location, RuleId, Severity};
use crate::graph::{ImportGraph, InternalEdge};
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
    pub default_severity: Severity,
}

/// A check over the whole graph. Rules are `Sync` and stateless.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Appends this rule's findings to `out`, in any order (reports sort them).
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>);
}

/// The rule registered under `name_or_code` (`upward-import` or `AG001`, any case).
pub fn find_rule(name_or_code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| {
        m.id.name.eq_ignore_ascii_case(name_or_code) || m.id.code.eq_ignore_ascii_case(name_or_code)
    })
}

/// Runs every rule and returns the findings, unsorted.
pub fn run(graph: &ImportGraph, config: &Config) -> Vec<Diagnostic> {
    let cx = CheckContext::new(graph, config);
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(&cx, &mut out);
    }
    out
}

/// The read-only view rules work from.
pub struct CheckContext<'a> {
    pub graph: &'a ImportGraph,
    pub config: &'a Config,
    /// For each edge index, the first `[[allow]]` entry that matches the edge.
    allowed: Vec<Option<usize>>,
}

impl<'a> CheckContext<'a> {
    pub fn new(graph: &'a ImportGraph, config: &'a Config) -> Self {
        let mut allowed = vec![None; graph.edge_count()];
        if !config.allow.is_empty() {
            for edge in graph.internal_edges() {
                let hit = config
                    .allow
                    .iter()
                    .position(|rule| Self::rule_matches(graph, config, rule, edge.from, edge.to));
                if let Some(slot) = allowed.get_mut(edge.index.index()) {
                    *slot = hit;
                }
            }
        }
        Self {
            graph,
            config,
            allowed,
        }
    }

    fn rule_matches(
        graph: &ImportGraph,
        config: &Config,
        rule: &EdgeRule,
        from: FileId,
        to: FileId,
    ) -> bool {
        config.endpoint_matches(&rule.from, graph.files.path(from), graph.layer_of(from))
            && config.endpoint_matches(&rule.to, graph.files.path(to), graph.layer_of(to))
    }

    /// Whether `rule` (a `[[forbid]]` or `[[allow]]` entry) covers the edge `from` → `to`.
    pub fn matches(&self, rule: &EdgeRule, from: FileId, to: FileId) -> bool {
        Self::rule_matches(self.graph, self.config, rule, from, to)
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

    /// Edges that no `[[allow]]` entry exempts.
    pub fn checked_edges(&self) -> impl Iterator<Item = InternalEdge<'a>> + '_ {
        self.graph.internal_edges().filter(|e| {
            self.allowed
                .get(e.index.index())
                .copied()
                .flatten()
                .is_none()
        })
    }

    /// Whether the `[[allow]]` entry at `index` matches at least one import.
    pub fn is_allow_used(&self, index: usize) -> bool {
        self.allowed.contains(&Some(index))
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
        .map(|l| match l.paths.folder() {
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
