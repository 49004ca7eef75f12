//! `archgate graph`: the resolved import graph, one line (or object) per import site, for
//! debugging resolution and comparing with other tools; or the layer graph as a picture
//! (`dot`, `mermaid`): layers as nodes, import counts on the edges, violating edges in red.

use std::io::{self, Write};

use serde::Serialize;

use super::plural;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{ImportGraph, Module, Site};

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// One line per import site: from, to, line, kind.
    Tsv,
    /// One JSON object with every file and import site.
    Json,
    /// The layer graph for Graphviz: layers as nodes, import counts on edges, violations red.
    Dot,
    /// The layer graph as a Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
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

/// A node of the picture: a group (a layer, or with modules declared a module or template
/// instance), or the files in no group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LayerNode {
    /// A group by id: layers first (id = rank, top first), then modules.
    Group(usize),
    Unassigned,
}

/// One arrow of the picture.
struct LayerEdge {
    from: LayerNode,
    to: LayerNode,
    /// Import sites from files of `from` to files of `to`.
    imports: usize,
    /// Those of them reported by a rule.
    violations: usize,
}

/// The graph of groups: the layers (top first) with their file counts, or, when modules are
/// declared, each file's module (else its layer); then the files in no group if any import
/// touches them. One edge per ordered pair of nodes with imports between them, counting import
/// sites and violating ones. Imports within one node are drawn (as a loop) only when some of
/// them violate a rule.
struct LayerPicture {
    nodes: Vec<(LayerNode, String, usize)>,
    edges: Vec<LayerEdge>,
}

impl LayerPicture {
    fn new(graph: &ImportGraph, config: &Config, diagnostics: &[Diagnostic]) -> Self {
        let model = &graph.model;
        let by_module = !config.modules.is_empty();
        let node_of = |file| {
            let group = if by_module {
                model.module(file).or_else(|| model.layer(file))
            } else {
                model.layer(file)
            };
            group.map_or(LayerNode::Unassigned, LayerNode::Group)
        };
        let mut counts: std::collections::BTreeMap<(LayerNode, LayerNode), (usize, usize)> =
            std::collections::BTreeMap::new();
        for edge in graph.internal_edges() {
            counts
                .entry((node_of(edge.from), node_of(edge.to)))
                .or_default()
                .0 += 1;
        }
        // A finding counts on the arrow of the import it is about.
        for d in diagnostics {
            let Some(import) = &d.import else { continue };
            let (Some(from), Some(to)) = (
                graph.files.id(&d.path),
                import.target.as_deref().and_then(|t| graph.files.id(t)),
            ) else {
                continue;
            };
            counts.entry((node_of(from), node_of(to))).or_default().1 += 1;
        }
        let edges: Vec<LayerEdge> = counts
            .into_iter()
            .filter(|((from, to), (_, violations))| from != to || *violations > 0)
            .map(|((from, to), (imports, violations))| LayerEdge {
                from,
                to,
                imports,
                violations,
            })
            .collect();
        let mut files = vec![0usize; model.groups.len()];
        let mut unassigned = 0;
        for id in 0..graph.files.len() {
            match node_of(id) {
                LayerNode::Group(g) => {
                    if let Some(n) = files.get_mut(g) {
                        *n += 1;
                    }
                }
                LayerNode::Unassigned => unassigned += 1,
            }
        }
        // Layers always (the picture of the architecture); modules when they hold files.
        let mut nodes: Vec<(LayerNode, String, usize)> = model
            .groups
            .iter()
            .zip(files)
            .enumerate()
            .filter(|(_, (g, n))| g.kind == crate::config::GroupKind::Layer || *n > 0)
            .map(|(id, (g, n))| (LayerNode::Group(id), g.name.clone(), n))
            .collect();
        let touches_unassigned = edges
            .iter()
            .any(|e| e.from == LayerNode::Unassigned || e.to == LayerNode::Unassigned);
        if touches_unassigned {
            let name = if by_module {
                "(no group)"
            } else {
                "(no layer)"
            };
            nodes.push((LayerNode::Unassigned, name.to_owned(), unassigned));
        }
        Self { nodes, edges }
    }
}

impl LayerNode {
    fn id(self) -> String {
        match self {
            LayerNode::Group(id) => format!("L{id}"),
            LayerNode::Unassigned => "none".to_owned(),
        }
    }
}

impl LayerEdge {
    fn label(&self) -> String {
        if self.violations == 0 {
            plural(self.imports, "import")
        } else {
            format!(
                "{}, {} violating",
                plural(self.imports, "import"),
                self.violations
            )
        }
    }
}

/// The layer graph in Graphviz `dot`, top layer first.
pub fn dot(
    graph: &ImportGraph,
    config: &Config,
    diagnostics: &[Diagnostic],
    out: &mut dyn Write,
) -> io::Result<()> {
    let picture = LayerPicture::new(graph, config, diagnostics);
    writeln!(out, "digraph layers {{")?;
    writeln!(out, "  rankdir=TB;")?;
    writeln!(
        out,
        "  node [shape=box, style=rounded, fontname=\"sans-serif\"];"
    )?;
    writeln!(out, "  edge [fontname=\"sans-serif\"];")?;
    for (node, name, files) in &picture.nodes {
        let style = if *node == LayerNode::Unassigned {
            ", style=\"rounded,dashed\""
        } else {
            ""
        };
        writeln!(
            out,
            "  {} [label=\"{}\\n{}\"{style}];",
            node.id(),
            dot_escape(name),
            plural(*files, "file")
        )?;
    }
    for edge in &picture.edges {
        let style = if edge.violations > 0 {
            ", color=red, fontcolor=red, penwidth=2"
        } else {
            ""
        };
        writeln!(
            out,
            "  {} -> {} [label=\"{}\"{style}];",
            edge.from.id(),
            edge.to.id(),
            edge.label()
        )?;
    }
    writeln!(out, "}}")
}

/// The layer graph as a Mermaid flowchart, top layer first; violating edges are red through
/// `linkStyle`, which addresses edges by their order of declaration.
pub fn mermaid(
    graph: &ImportGraph,
    config: &Config,
    diagnostics: &[Diagnostic],
    out: &mut dyn Write,
) -> io::Result<()> {
    let picture = LayerPicture::new(graph, config, diagnostics);
    writeln!(out, "flowchart TD")?;
    for (node, name, files) in &picture.nodes {
        let (open, close) = if *node == LayerNode::Unassigned {
            ("([", "])")
        } else {
            ("[", "]")
        };
        writeln!(
            out,
            "  {}{open}\"{}<br/>{}\"{close}",
            node.id(),
            mermaid_escape(name),
            plural(*files, "file")
        )?;
    }
    let mut red = Vec::new();
    for (i, edge) in picture.edges.iter().enumerate() {
        writeln!(
            out,
            "  {} -->|\"{}\"| {}",
            edge.from.id(),
            edge.label(),
            edge.to.id()
        )?;
        if edge.violations > 0 {
            red.push(i.to_string());
        }
    }
    if !red.is_empty() {
        writeln!(
            out,
            "  linkStyle {} stroke:#d32f2f,stroke-width:2px,color:#d32f2f",
            red.join(",")
        )?;
    }
    Ok(())
}

/// Layer names are letters, digits, `-` and `_`, but the picture must not break if that rule
/// ever loosens.
fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}
