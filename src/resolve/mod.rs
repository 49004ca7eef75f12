//! Resolution: what module each raw import names. One resolver per language, built once per
//! run from the set of files walked; resolvers may look at manifests on disk but never parse
//! source code.
//!
//! Layer `resolve`: imports `lang`, `input` and `core`.

mod cargo;
mod python;
mod rust;
mod typescript;

use std::collections::HashMap;

use crate::config::Config;
use crate::diagnostic::FileWarning;
use crate::lang::{Lang, RawImport};

/// Index of a file in the run's [`FileTable`]; also its node index in the graph.
pub type FileId = usize;

/// What an import names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resolution {
    /// A file of this repository.
    Internal(FileId),
    /// A module from outside the repository, by its top-level name (`requests`, `@scope/pkg`).
    External(String),
    /// Nothing could be found; the reason says why. Data, not an error.
    Unresolved(String),
    /// Not a module of any language archgate reads (`./styles.css`, `./data.json`, an image),
    /// or, on a closer look, no module at all (a Rust path in code such as `io::Error`, whose
    /// `io` is no crate of the repository: a candidate syntax alone cannot rule out):
    /// neither an edge nor an unresolved import. The graph leaves it out.
    Ignored,
}

/// Resolves the imports of one language. Shared by all worker threads.
pub trait Resolver: Sync {
    /// The module `import`, written in file `from`, names.
    fn resolve(&self, from: FileId, import: &RawImport) -> Resolution;

    /// What the resolver found wrong with files while building its model (a file no crate
    /// root reaches, two files for one module). Called once, after every `resolve`.
    fn warnings(&self) -> Vec<FileWarning> {
        Vec::new()
    }
}

/// Every file of the run, by repo-relative path, in sorted order.
#[derive(Debug, Default)]
pub struct FileTable {
    pub paths: Vec<String>,
    pub langs: Vec<Lang>,
    index: HashMap<String, FileId>,
}

impl FileTable {
    /// `files` must be sorted by path and unique.
    pub fn new(files: Vec<(String, Lang)>) -> Self {
        let (paths, langs): (Vec<String>, Vec<Lang>) = files.into_iter().unzip();
        let index = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        Self {
            paths,
            langs,
            index,
        }
    }

    pub fn id(&self, path: &str) -> Option<FileId> {
        self.index.get(path).copied()
    }

    pub fn path(&self, id: FileId) -> &str {
        self.paths.get(id).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// What a resolver may consult.
pub struct ResolveContext<'a> {
    pub config: &'a Config,
    pub files: &'a FileTable,
    /// The raw imports of every file, by [`FileId`] (a Rust module tree is built from the
    /// `mod` declarations of all files before any path resolves).
    pub imports: &'a [Vec<RawImport>],
}

/// The resolver for `lang`: one line per language.
pub fn resolver_for<'a>(lang: Lang, cx: &ResolveContext<'a>) -> Box<dyn Resolver + 'a> {
    match lang {
        Lang::Python => Box::new(python::PyResolver::new(cx)),
        Lang::Rust => Box::new(rust::RustResolver::new(cx)),
        Lang::TypeScript => Box::new(typescript::TsResolver::new(cx)),
    }
}
