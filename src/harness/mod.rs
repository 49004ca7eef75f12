//! The harness around the linter (SPEC §10): guidance before an edit (`where`), docs that
//! cannot drift (`docs`), and who depends on a change and how much review it needs (`impact`,
//! `risk`). Each command computes one serializable answer from the finished graph and the
//! config, and renders it as text for people and agents or as JSON for tools.
//!
//! Layer `harness`: imports `report` (findings as `check` renders them), `check`, `graph`,
//! `input` and `core`.

pub mod docs;
pub mod guide;
pub mod impact;
pub mod risk;

use std::collections::VecDeque;

use serde::Serialize;

use crate::graph::ImportGraph;
use crate::resolve::FileId;

/// One link of a chain of imports: the site of the first import from `path` to `target`, as
/// in `check`'s JSON.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub target: String,
}

/// The files that import any of `starts`, directly or through other files, each with the next
/// file on one shortest chain towards `starts` (breadth-first over the reversed graph, so
/// with no recursion; ties go to the lower file id, so the answer is the same on every run).
pub struct Importers {
    /// For each file, the file it imports on its way to `starts` (`None`: not an importer).
    next: Vec<Option<FileId>>,
    /// For each importer, the number of links of its chain.
    depth: Vec<usize>,
    /// The importers, nearest first.
    pub order: Vec<FileId>,
    is_start: Vec<bool>,
}

/// The most links of one chain that `impact` and `risk` list. A longer chain lists the links
/// nearest the file it is given for, and its whole length: the file its last listed link
/// leads to has a chain of its own. A chain of 5,000 files would otherwise list 12.5 million
/// links for its 5,000 importers.
pub const CHAIN_LINKS: usize = 20;

impl Importers {
    pub fn new(graph: &ImportGraph, starts: &[FileId]) -> Self {
        let files = graph.files.len();
        let mut next = vec![None; files];
        let mut depth = vec![0; files];
        let mut is_start = vec![false; files];
        let mut queue = VecDeque::new();
        for &s in starts {
            if let Some(slot) = is_start.get_mut(s)
                && !*slot
            {
                *slot = true;
                queue.push_back(s);
            }
        }
        let mut order = Vec::new();
        while let Some(file) = queue.pop_front() {
            let mut importers: Vec<FileId> = graph.importers_of(file).collect();
            importers.sort_unstable();
            importers.dedup();
            let here = depth.get(file).copied().unwrap_or(0);
            for importer in importers {
                let seen = is_start.get(importer).copied().unwrap_or(true)
                    || next.get(importer).is_some_and(Option::is_some);
                if seen {
                    continue;
                }
                if let (Some(slot), Some(d)) = (next.get_mut(importer), depth.get_mut(importer)) {
                    *slot = Some(file);
                    *d = here + 1;
                }
                order.push(importer);
                queue.push_back(importer);
            }
        }
        Self {
            next,
            depth,
            order,
            is_start,
        }
    }

    /// Whether `file` imports one of the starts, directly or not.
    pub fn reaches(&self, file: FileId) -> bool {
        self.next.get(file).is_some_and(Option::is_some)
    }

    /// The first [`CHAIN_LINKS`] links of the chain from `file` to the start it reaches.
    pub fn chain(&self, graph: &ImportGraph, file: FileId) -> Vec<Link> {
        let mut files = vec![file];
        let mut at = file;
        while files.len() <= CHAIN_LINKS && !self.is_start.get(at).copied().unwrap_or(true) {
            let Some(Some(next)) = self.next.get(at) else {
                break;
            };
            files.push(*next);
            at = *next;
        }
        links(graph, &files)
    }

    /// The number of links of the chain from `file` to the start it reaches.
    pub fn length(&self, file: FileId) -> usize {
        self.depth.get(file).copied().unwrap_or(0)
    }
}

/// The import links along `files` (each file imports the next).
pub fn links(graph: &ImportGraph, files: &[FileId]) -> Vec<Link> {
    files
        .windows(2)
        .filter_map(|pair| {
            let (&from, &to) = (pair.first()?, pair.get(1)?);
            let site = graph
                .sites_between(from, to)
                .min_by_key(|s| (s.region.start.line, s.region.start.column))?;
            Some(Link {
                path: graph.files.path(from).to_owned(),
                line: site.region.start.line,
                column: site.region.start.column,
                target: graph.files.path(to).to_owned(),
            })
        })
        .collect()
}

/// A chain as one line: `a.py:3 → b.py:7 → c.py`.
pub fn chain_text(chain: &[Link]) -> String {
    let mut parts: Vec<String> = chain
        .iter()
        .map(|l| format!("{}:{}", l.path, l.line))
        .collect();
    if let Some(last) = chain.last() {
        parts.push(last.target.clone());
    }
    parts.join(" → ")
}

/// The layer and modules of a file, by name.
pub fn place(graph: &ImportGraph, file: FileId) -> (Option<String>, Vec<String>) {
    let model = &graph.model;
    let name = |g| model.group(g).map(|g| g.name.clone());
    (
        model.layer(file).and_then(name),
        model.module(file).and_then(name).into_iter().collect(),
    )
}

/// A file's layer and modules in prose: `` layer `api`, module `billing` ``, or `None` for a
/// file in no group.
pub fn place_text(layer: Option<&str>, modules: &[String]) -> Option<String> {
    let parts: Vec<String> = layer
        .map(|l| format!("layer `{l}`"))
        .into_iter()
        .chain(modules.iter().map(|m| format!("module `{m}`")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
