//! `archgate risk` (SPEC §10, the Risk Contract computed): the review tier of a change. A
//! changed file's tier is the highest of the `[[risk]]` tiers whose `paths` match it (any
//! file: migrations, CI configs) and of the tiers of the source files that import it, directly
//! or not (its blast radius, unless that tier says `blast_radius = false`). The change's tier
//! is the highest among its files; every file nothing names is tier `low`.

use std::fmt::Write as _;

use globset::{GlobSet, GlobSetBuilder};
use serde::Serialize;

use super::{CHAIN_LINKS, Link, chain_text, links};
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
    /// For a tier lent through imports: the chain from the file of that tier to this one, its
    /// last [`CHAIN_LINKS`] links.
    pub chain: Vec<Link>,
    /// The number of links of the whole chain.
    pub chain_length: usize,
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
    let lenders = Lenders::new(graph, &lends, low);
    let mut files: Vec<FileRisk> = changed
        .iter()
        .map(|path| {
            let file = graph.files.id(path);
            let own = tiers.of(model, path, file);
            let lent = file.and_then(|f| lenders.lent(graph, f));
            match (own, lent) {
                (Some((rank, text)), lent)
                    if lent.as_ref().is_none_or(|((r, _), _)| rank <= *r) =>
                {
                    FileRisk {
                        path: path.clone(),
                        tier: name(rank),
                        why: format!("matches `{text}` of tier `{}`", name(rank)),
                        chain: Vec::new(),
                        chain_length: 0,
                        rank,
                    }
                }
                (_, Some(((rank, text), (from, chain, chain_length)))) => {
                    let more = match chain_length.saturating_sub(chain.len()) {
                        0 => String::new(),
                        n => format!(
                            "`{from}` → … {n} more link{} → ",
                            if n == 1 { "" } else { "s" }
                        ),
                    };
                    FileRisk {
                        path: path.clone(),
                        tier: name(rank),
                        why: format!(
                            "imported by `{from}` (`{text}` of tier `{}`): {more}{}",
                            name(rank),
                            chain_text(&chain)
                        ),
                        chain,
                        chain_length,
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
                    chain_length: 0,
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

/// For each tier that lends through imports, the files its files import, directly or not:
/// one breadth-first search per tier, not one per changed file (a change may touch every file).
struct Lenders<'l> {
    /// For each tier that lends, highest first, each file's step back on a shortest chain
    /// from the nearest file of the tier.
    by_rank: Vec<Vec<Option<Step>>>,
    /// The tier each file lends, with the glob that gives it.
    lends: &'l [Option<(usize, String)>],
}

impl<'l> Lenders<'l> {
    fn new(graph: &ImportGraph, lends: &'l [Option<(usize, String)>], tiers: usize) -> Self {
        let files = graph.files.len();
        let mut by_rank = Vec::new();
        for rank in 0..tiers {
            let starts: Vec<FileId> = (0..files)
                .filter(|&f| matches!(lends.get(f), Some(Some((r, _))) if *r == rank))
                .collect();
            if starts.is_empty() {
                continue;
            }
            let mut via: Vec<Option<Step>> = vec![None; files];
            let mut is_start = vec![false; files];
            for &s in &starts {
                if let Some(x) = is_start.get_mut(s) {
                    *x = true;
                }
            }
            let mut queue: std::collections::VecDeque<(FileId, FileId, usize)> =
                starts.iter().map(|&s| (s, s, 0)).collect();
            while let Some((file, root, length)) = queue.pop_front() {
                let mut imported: Vec<FileId> = graph.imports_of(file).collect();
                imported.sort_unstable();
                imported.dedup();
                for next in imported {
                    if is_start.get(next).copied().unwrap_or(true)
                        || via.get(next).is_some_and(Option::is_some)
                    {
                        continue;
                    }
                    if let Some(v) = via.get_mut(next) {
                        *v = Some(Step {
                            prev: file,
                            root,
                            length: length + 1,
                        });
                    }
                    queue.push_back((next, root, length + 1));
                }
            }
            by_rank.push(via);
        }
        Self { by_rank, lends }
    }

    /// The highest tier lent to `file`, with the glob that gives it: the file of that tier
    /// nearest `file`, the last [`CHAIN_LINKS`] links of the chain from it, and the chain's
    /// length.
    fn lent(&self, graph: &ImportGraph, file: FileId) -> Option<LentTier> {
        let (via, Step { root, length, .. }) = self
            .by_rank
            .iter()
            .find_map(|via| Some((via, via.get(file).copied().flatten()?)))?;
        let tier = self.lends.get(root).cloned().flatten()?;
        let mut files = vec![file];
        let mut at = file;
        while files.len() <= CHAIN_LINKS && at != root {
            let Some(Some(step)) = via.get(at) else {
                break;
            };
            files.push(step.prev);
            at = step.prev;
        }
        files.reverse();
        Some((
            tier,
            (
                graph.files.path(root).to_owned(),
                links(graph, &files),
                length,
            ),
        ))
    }
}

/// One file's step back towards the nearest file of a tier: the file that imports it there,
/// that file of the tier, and the number of links between.
#[derive(Debug, Clone, Copy)]
struct Step {
    prev: FileId,
    root: FileId,
    length: usize,
}

/// A tier lent through imports: (rank, glob), and (the file of that tier, the chain's last
/// links, its length).
type LentTier = ((usize, String), (String, Vec<Link>, usize));

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
