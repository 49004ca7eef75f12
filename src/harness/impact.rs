//! `archgate impact PATH...` (SPEC §10): every file that imports the given files, directly or
//! through other files, grouped by layer and module, each with its shortest chain.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Importers, Link, chain_text, place};
use crate::graph::ImportGraph;
use crate::resolve::FileId;

/// One file that depends on the change.
#[derive(Debug, Serialize)]
pub struct Importer {
    pub path: String,
    pub layer: Option<String>,
    pub modules: Vec<String>,
    /// From this file to the changed file it reaches: its first
    /// [`CHAIN_LINKS`](super::CHAIN_LINKS) links.
    pub chain: Vec<Link>,
    /// The number of links of the whole chain.
    pub chain_length: usize,
}

/// The answer of `archgate impact`.
#[derive(Debug, Serialize)]
pub struct Impact {
    /// The given files that are source files of the run, sorted.
    pub files: Vec<String>,
    /// Sorted by layer (top first), module, then path.
    pub importers: Vec<Importer>,
}

pub fn impact(graph: &ImportGraph, starts: &[FileId]) -> Impact {
    let reach = Importers::new(graph, starts);
    let mut order: Vec<FileId> = reach.order.clone();
    order.sort_by_key(|&f| {
        (
            graph.model.layer(f).unwrap_or(usize::MAX),
            graph.model.module(f).unwrap_or(usize::MAX),
            graph.files.path(f),
        )
    });
    let importers = order
        .into_iter()
        .map(|f| {
            let (layer, modules) = place(graph, f);
            Importer {
                path: graph.files.path(f).to_owned(),
                layer,
                modules,
                chain: reach.chain(graph, f),
                chain_length: reach.length(f),
            }
        })
        .collect();
    let mut files: Vec<String> = starts
        .iter()
        .map(|&f| graph.files.path(f).to_owned())
        .collect();
    files.sort();
    files.dedup();
    Impact { files, importers }
}

/// The impact as text: a heading per layer and module, a line per importer with its chain.
pub fn render(impact: &Impact) -> String {
    let mut out = String::new();
    let direct = impact
        .importers
        .iter()
        .filter(|i| i.chain.len() == 1)
        .count();
    let _ = writeln!(
        out,
        "{} file{} import{} {} ({direct} directly):",
        impact.importers.len(),
        if impact.importers.len() == 1 { "" } else { "s" },
        if impact.importers.len() == 1 { "s" } else { "" },
        match impact.files.as_slice() {
            [one] => format!("`{one}`"),
            many => format!("{} changed files", many.len()),
        },
    );
    let mut heading = String::new();
    for i in &impact.importers {
        let this = super::place_text(i.layer.as_deref(), &i.modules)
            .unwrap_or_else(|| "no layer or module".to_owned());
        if this != heading {
            let _ = writeln!(out, "{this}:");
            heading = this;
        }
        let more = match i.chain_length.saturating_sub(i.chain.len()) {
            0 => String::new(),
            n => format!(
                " → … {n} more link{} (see `{}`)",
                if n == 1 { "" } else { "s" },
                i.chain.last().map_or("", |l| l.target.as_str())
            ),
        };
        let _ = writeln!(out, "  {}  ({}{more})", i.path, chain_text(&i.chain));
    }
    out
}
