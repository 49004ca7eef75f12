//! The import graph: one node per file of the run (node index = [`FileId`]), one node per
//! external module and per unresolved specifier, and one edge per import site. Each file
//! carries its layer and the selectors of `layers.toml` it belongs to.
//!
//! Layer `graph`: imports `resolve`, `lang`, `input` and `core`.

pub mod algo;

use std::collections::HashMap;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::config::Model;
use crate::lang::ImportKind;
use crate::resolve::{FileId, FileTable, Resolution};
use crate::source::Region;

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Module {
    File(FileId),
    External(String),
    Unresolved(String),
}

/// One import site: where it is written and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub file: FileId,
    pub specifier: String,
    pub kind: ImportKind,
    pub region: Region,
}

/// An internal edge as rules see it.
#[derive(Debug, Clone, Copy)]
pub struct InternalEdge<'g> {
    pub index: EdgeIndex,
    pub from: FileId,
    pub to: FileId,
    pub site: &'g Site,
}

#[derive(Debug, Default)]
pub struct ImportGraph {
    pub files: FileTable,
    /// The layer, module and selectors of each file, by [`FileId`].
    pub model: Model,
    /// The inline suppression comments of each file, by [`FileId`].
    pub suppressions: Vec<Vec<crate::lang::Suppression>>,
    graph: DiGraph<Module, Site>,
    others: HashMap<Module, NodeIndex>,
}

impl ImportGraph {
    /// A graph with one node per file and no edges.
    pub fn new(files: FileTable, model: Model) -> Self {
        let mut graph = DiGraph::with_capacity(files.len(), files.len() * 8);
        for id in 0..files.len() {
            graph.add_node(Module::File(id));
        }
        Self {
            files,
            model,
            suppressions: Vec::new(),
            graph,
            others: HashMap::new(),
        }
    }

    /// Adds the edge of one import site; an [`Resolution::Ignored`] site adds nothing.
    pub fn add(&mut self, site: Site, resolution: Resolution) {
        let to = match resolution {
            Resolution::Ignored => return,
            Resolution::Internal(id) => NodeIndex::new(id),
            Resolution::External(name) => self.other(Module::External(name)),
            Resolution::Unresolved(_) => {
                let spec = site.specifier.clone();
                self.other(Module::Unresolved(spec))
            }
        };
        self.graph.add_edge(NodeIndex::new(site.file), to, site);
    }

    fn other(&mut self, module: Module) -> NodeIndex {
        if let Some(&idx) = self.others.get(&module) {
            return idx;
        }
        let idx = self.graph.add_node(module.clone());
        self.others.insert(module, idx);
        idx
    }

    pub fn layer_of(&self, file: FileId) -> Option<usize> {
        self.model.layer(file)
    }

    /// Every import site, in insertion order, with what it resolved to.
    pub fn sites(&self) -> impl Iterator<Item = (&Site, &Module)> {
        self.graph.edge_indices().filter_map(|e| {
            let (_, to) = self.graph.edge_endpoints(e)?;
            Some((self.graph.edge_weight(e)?, self.graph.node_weight(to)?))
        })
    }

    /// Edges from a file of the repository to another.
    pub fn internal_edges(&self) -> impl Iterator<Item = InternalEdge<'_>> {
        self.graph.edge_indices().filter_map(|index| {
            let (from, to) = self.graph.edge_endpoints(index)?;
            let Some(Module::File(to)) = self.graph.node_weight(to) else {
                return None;
            };
            Some(InternalEdge {
                index,
                from: from.index(),
                to: *to,
                site: self.graph.edge_weight(index)?,
            })
        })
    }

    /// The internal edges out of `file`.
    pub fn imports_of(&self, file: FileId) -> impl Iterator<Item = FileId> + '_ {
        self.graph
            .neighbors(NodeIndex::new(file))
            .filter_map(|n| match self.graph.node_weight(n) {
                Some(Module::File(id)) => Some(*id),
                _ => None,
            })
    }

    /// The import sites in `file` that name the file `target`.
    pub fn sites_between(&self, file: FileId, target: FileId) -> impl Iterator<Item = &Site> {
        self.graph
            .edges(NodeIndex::new(file))
            .filter(move |e| {
                matches!(self.graph.node_weight(e.target()), Some(Module::File(t)) if *t == target)
            })
            .map(|e| e.weight())
    }

    /// The import sites that name the file `target`, each with the file it is in.
    pub fn sites_into(&self, target: FileId) -> impl Iterator<Item = (FileId, &Site)> {
        self.graph
            .edges_directed(NodeIndex::new(target), petgraph::Direction::Incoming)
            .map(|e| (e.source().index(), e.weight()))
    }

    /// The files that import `file`.
    pub fn importers_of(&self, file: FileId) -> impl Iterator<Item = FileId> + '_ {
        self.graph
            .neighbors_directed(NodeIndex::new(file), petgraph::Direction::Incoming)
            .map(NodeIndex::index)
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Edges from a file of the repository to an external module, with its name.
    pub fn external_edges(&self) -> impl Iterator<Item = (EdgeIndex, FileId, &str, &Site)> {
        self.graph.edge_indices().filter_map(|index| {
            let (from, to) = self.graph.edge_endpoints(index)?;
            let Some(Module::External(name)) = self.graph.node_weight(to) else {
                return None;
            };
            Some((
                index,
                from.index(),
                name.as_str(),
                self.graph.edge_weight(index)?,
            ))
        })
    }

    /// The external modules imported anywhere.
    pub fn externals(&self) -> impl Iterator<Item = &str> {
        self.graph.node_weights().filter_map(|m| match m {
            Module::External(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Import sites whose module could not be found.
    pub fn unresolved_count(&self) -> usize {
        self.sites()
            .filter(|(_, m)| matches!(m, Module::Unresolved(_)))
            .count()
    }
}
