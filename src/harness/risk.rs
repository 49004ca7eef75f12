//! `archgate risk` (SPEC §10, the Risk Contract computed): the review tier of a change. A
//! changed file's tier is the highest of the `[[risk]]` tiers whose `paths` match it (any
//! file: migrations, CI configs) and of the tiers of the source files that import it, directly
//! or not (its blast radius, unless that tier says `blast_radius = false`). The change's tier
//! is the highest among its files; every file nothing names is tier `low`.

use std::fmt::Write as _;

use globset::{GlobSet, GlobSetBuilder};
use serde::Serialize;

use super::{Importers, Link, chain_text};
use crate::config::{
    AtomSpec, Config, Decl, GroupId, LOW_TIER, Model, SpecKey, Unmatched, compile_pattern,
};
use crate::graph::ImportGraph;
use crate::resolve::FileId;

/// One changed file's tier, and why.
#[derive(Debug, Serialize)]
pub struct FileRisk {
    pub path: String,
    pub tier: String,
    pub why: String,
    /// For a tier lent through imports: the chain from the file of that tier to this one.
    pub chain: Vec<Link>,
    #[serde(skip)]
    rank: usize,
}

/// The answer of `archgate risk`.
#[derive(Debug, Serialize)]
pub struct Risk {
    pub tier: String,
    /// Highest tier first, then by path.
    pub files: Vec<FileRisk>,
    #[serde(skip)]
    pub rank: usize,
}

/// The rank of a tier name (0 is the highest; `low` is after every declared tier).
pub fn rank_of(config: &Config, tier: &str) -> Option<usize> {
    config
        .risk
        .iter()
        .position(|t| t.name == tier)
        .or_else(|| (tier == LOW_TIER).then_some(config.risk.len()))
}

/// The tier names, highest first, `low` last.
pub fn tier_names(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = config.risk.iter().map(|t| t.name.clone()).collect();
    if !names.iter().any(|n| n == LOW_TIER) {
        names.push(LOW_TIER.to_owned());
    }
    names
}

/// What one selector entry of a tier's `paths` matches.
enum Matcher {
    Globs(GlobSet),
    Groups(Vec<GroupId>),
}

/// The `paths` of every tier, compiled once: globs match any path, group names the source
/// files of those groups.
struct Tiers {
    entries: Vec<Vec<(bool, Matcher, String)>>,
}

impl Tiers {
    fn new(config: &Config, model: &Model) -> Self {
        let entries = config
            .risk
            .iter()
            .map(|tier| {
                tier.paths
                    .entries
                    .iter()
                    .map(|e| (e.negated, matcher(&e.atom, model), e.text.clone()))
                    .collect()
            })
            .collect();
        Self { entries }
    }

    /// The highest tier whose `paths` select `path` (in the graph as `file`), with the entry
    /// that selected it: in a list, the last entry that matches decides, so `!` takes back.
    fn of(&self, model: &Model, path: &str, file: Option<FileId>) -> Option<(usize, String)> {
        self.entries.iter().enumerate().find_map(|(rank, entries)| {
            let mut inside: Option<&str> = None;
            for (negated, matcher, text) in entries {
                if matcher.matches(model, path, file) {
                    inside = (!negated).then_some(text.as_str());
                }
            }
            inside.map(|text| (rank, text.to_owned()))
        })
    }
}

/// The glob and `!` entries of `[[risk]] paths` that match no file: `sources` are the run's
/// files (by id), `others` every other file the walk saw, hidden ones included.
pub fn unmatched(
    config: &Config,
    model: &Model,
    sources: &[String],
    others: &[String],
) -> Vec<Unmatched> {
    let tiers = Tiers::new(config, model);
    let mut used: Vec<Vec<bool>> = tiers.entries.iter().map(|e| vec![false; e.len()]).collect();
    let files = sources
        .iter()
        .enumerate()
        .map(|(id, path)| (path.as_str(), Some(id)))
        .chain(others.iter().map(|path| (path.as_str(), None)));
    for (path, file) in files {
        for (entries, used) in tiers.entries.iter().zip(used.iter_mut()) {
            let mut inside = false;
            for ((negated, matcher, _), used) in entries.iter().zip(used.iter_mut()) {
                if !matcher.matches(model, path, file) {
                    continue;
                }
                if !negated || inside {
                    *used = true;
                }
                inside = !negated;
            }
        }
    }
    let mut out = Vec::new();
    for (tier, (entries, used)) in tiers.entries.iter().zip(&used).enumerate() {
        for (entry, ((_, matcher, _), used)) in entries.iter().zip(used).enumerate() {
            if !used && matches!(matcher, Matcher::Globs(_)) {
                out.push(Unmatched {
                    key: SpecKey::RiskPaths(tier),
                    entry,
                });
            }
        }
    }
    out
}

impl Matcher {
    fn matches(&self, model: &Model, path: &str, file: Option<FileId>) -> bool {
        match self {
            Matcher::Globs(set) => set.is_match(path),
            Matcher::Groups(groups) => {
                file.is_some_and(|f| groups.iter().any(|&g| model.is_in(f, g)))
            }
        }
    }
}

fn matcher(atom: &AtomSpec, model: &Model) -> Matcher {
    let groups = |keep: &dyn Fn(&crate::config::Group) -> bool| {
        Matcher::Groups(
            model
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| keep(g))
                .map(|(id, _)| id)
                .collect(),
        )
    };
    match atom {
        AtomSpec::Layer(rank) => Matcher::Groups(vec![*rank]),
        AtomSpec::Module(m) => groups(&|g| g.decl == Decl::Module(*m)),
        AtomSpec::Instance { module, value } => {
            groups(&|g| g.decl == Decl::Module(*module) && g.value.as_deref() == Some(value))
        }
        AtomSpec::Glob(pattern) => {
            let mut set = GlobSetBuilder::new();
            for glob in compile_pattern(pattern).unwrap_or_default() {
                set.add(glob);
            }
            Matcher::Globs(set.build().unwrap_or_else(|_| GlobSet::empty()))
        }
        AtomSpec::External(_) => Matcher::Groups(Vec::new()),
    }
}

/// The tier of the change made of `changed` (repo-relative paths, source files or not,
/// existing or deleted).
pub fn risk(config: &Config, graph: &ImportGraph, changed: &[String]) -> Risk {
    let model = &graph.model;
    let tiers = Tiers::new(config, model);
    let low = config.risk.len();
    let name = |rank: usize| {
        config
            .risk
            .get(rank)
            .map_or_else(|| LOW_TIER.to_owned(), |t| t.name.clone())
    };
    // The tier each source file lends the files it imports.
    let lends: Vec<Option<(usize, String)>> = (0..graph.files.len())
        .map(|f| {
            tiers
                .of(model, graph.files.path(f), Some(f))
                .filter(|(rank, _)| config.risk.get(*rank).is_some_and(|t| t.blast_radius))
        })
        .collect();
    let mut files: Vec<FileRisk> = changed
        .iter()
        .map(|path| {
            let file = graph.files.id(path);
            let own = tiers.of(model, path, file);
            let lent = file.and_then(|f| {
                let reach = Importers::new(graph, &[f]);
                reach
                    .order
                    .iter()
                    .filter_map(|&i| lends.get(i).cloned().flatten().map(|l| (l, i)))
                    .min_by_key(|((rank, _), _)| *rank)
                    .map(|(l, importer)| (l, reach.chain(graph, importer)))
            });
            match (own, lent) {
                (Some((rank, text)), lent)
                    if lent.as_ref().is_none_or(|((r, _), _)| rank <= *r) =>
                {
                    FileRisk {
                        path: path.clone(),
                        tier: name(rank),
                        why: format!("matches `{text}` of tier `{}`", name(rank)),
                        chain: Vec::new(),
                        rank,
                    }
                }
                (_, Some(((rank, text), chain))) => {
                    let from = chain.first().map_or("", |l| l.path.as_str());
                    FileRisk {
                        path: path.clone(),
                        tier: name(rank),
                        why: format!(
                            "imported by `{from}` (`{text}` of tier `{}`): {}",
                            name(rank),
                            chain_text(&chain)
                        ),
                        chain,
                        rank,
                    }
                }
                _ => FileRisk {
                    path: path.clone(),
                    tier: name(low),
                    why: if file.is_some() {
                        "no tier names it, and no file of a tier imports it".to_owned()
                    } else {
                        "no tier names it".to_owned()
                    },
                    chain: Vec::new(),
                    rank: low,
                },
            }
        })
        .collect();
    files.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.path.cmp(&b.path)));
    let rank = files.first().map_or(low, |f| f.rank);
    Risk {
        tier: name(rank),
        files,
        rank,
    }
}

/// The risk as text: the tier first, then each file with its tier and why.
pub fn render(risk: &Risk) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "risk: {} ({} changed file{})",
        risk.tier,
        risk.files.len(),
        if risk.files.len() == 1 { "" } else { "s" }
    );
    let width = risk.files.iter().map(|f| f.tier.len()).max().unwrap_or(0);
    for f in &risk.files {
        let _ = writeln!(out, "  {:<width$}  {} — {}", f.tier, f.path, f.why);
    }
    out
}

/// The `github` format: the notice annotation (the `tier=` line goes to `$GITHUB_OUTPUT`).
pub fn notice(risk: &Risk) -> String {
    let top = risk
        .files
        .first()
        .map(|f| format!(": {} — {}", f.path, f.why))
        .unwrap_or_default();
    let text = format!(
        "Review tier {} ({} changed file{}){top}",
        risk.tier,
        risk.files.len(),
        if risk.files.len() == 1 { "" } else { "s" }
    );
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    format!("::notice title=archgate risk::{escaped}\n")
}
