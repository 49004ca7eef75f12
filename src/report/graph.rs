//! `archgate graph`: the resolved import graph, one line (or object) per import site, for
//! debugging resolution and comparing with other tools.

use std::io::{self, Write};

use serde::Serialize;

use crate::config::Config;
use crate::graph::{ImportGraph, Module, Site};

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// One line per import site: from, to, line, kind.
    Tsv,
    /// One JSON object with every file and import site.
    Json,
}

/// `to` as printed: a path, `external:NAME` or `unresolved:SPECIFIER`.
fn target(graph: &ImportGraph, module: &Module) -> String {
    match module {
        Module::File(id) => graph.files.path(*id).to_owned(),
        Module::External(name) => format!("external:{name}"),
        Module::Unresolved(spec) => format!("unresolved:{spec}"),
    }
}

/// Sites sorted by importing path, line, column, then target.
fn sorted_sites(graph: &ImportGraph) -> Vec<(&Site, String)> {
    let mut sites: Vec<(&Site, String)> =
        graph.sites().map(|(s, m)| (s, target(graph, m))).collect();
    sites.sort_by(|(a, ta), (b, tb)| {
        (graph.files.path(a.file), a.region.start, ta).cmp(&(
            graph.files.path(b.file),
            b.region.start,
            tb,
        ))
    });
    sites
}

/// `from<TAB>to<TAB>line<TAB>kind`, one line per import site.
pub fn tsv(graph: &ImportGraph, out: &mut dyn Write) -> io::Result<()> {
    for (site, to) in sorted_sites(graph) {
        writeln!(
            out,
            "{}\t{to}\t{}\t{}",
            graph.files.path(site.file),
            site.region.start.line,
            site.kind.as_str()
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    imports: Vec<JsonSite<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    layer: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSite<'a> {
    from: &'a str,
    to: String,
    line: u32,
    column: u32,
    kind: &'a str,
    import: &'a str,
}

pub fn json(graph: &ImportGraph, config: &Config, out: &mut dyn Write) -> io::Result<()> {
    let files = graph
        .files
        .paths
        .iter()
        .enumerate()
        .map(|(id, path)| JsonFile {
            path,
            layer: graph
                .layer_of(id)
                .and_then(|l| config.layers.get(l))
                .map(|l| l.name.as_str()),
        })
        .collect();
    let imports = sorted_sites(graph)
        .into_iter()
        .map(|(site, to)| JsonSite {
            from: graph.files.path(site.file),
            to,
            line: site.region.start.line,
            column: site.region.start.column,
            kind: site.kind.as_str(),
            import: &site.specifier,
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &JsonGraph {
            version: 1,
            files,
            imports,
        },
    )
    .map_err(io::Error::other)?;
    writeln!(out)
}
