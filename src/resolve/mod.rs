//! Resolution: what module each raw import names, and the registry of languages. One
//! resolver per language, built once per run from the files walked and their extraction
//! results (raw imports, and the facts of the run's manifests). Resolvers may read other
//! files on disk (`tsconfig.json`, `package.json`, a workspace manifest above the root) but
//! never parse source code.
//!
//! [`LANGUAGES`] holds one row per language: its name, front-end, resolver and manifests.
//! It sits here, not in `lang`, because a row names a resolver and `lang` never imports
//! `resolve`. Adding a language is a front-end (`src/lang/<x>/mod.rs`), a resolver
//! (`src/resolve/<x>/mod.rs`) and one row.
//!
//! Layer `resolve`: imports `lang`, `input` and `core`. Resolvers are independent of each
//! other; what they share lives here.

mod python;
mod rust;
mod typescript;

use std::collections::HashMap;

use crate::config::Config;
use crate::diagnostic::FileWarning;
use crate::lang::{self, Frontend, Lang, Manifest, RawImport};

/// One language archgate reads: how its files are claimed, read and resolved.
pub struct Language {
    /// The language's name in `layers.toml` (`languages = ["python", …]`, SPEC §8).
    pub name: &'static str,
    /// Turns its files' syntax into raw imports. Its [`Frontend::lang`] is the row's key, the
    /// language of every file it claims in the [`FileTable`].
    pub frontend: &'static dyn Frontend,
    /// Builds the language's resolver, once per run and only when the run has files of it.
    pub resolver: for<'a> fn(&ResolveContext<'a>) -> Box<dyn Resolver + 'a>,
    /// Exact file names claimed besides the front-end's extensions: the language's manifests
    /// (`Cargo.toml`), which the front-end reads without a grammar. Their dependencies are
    /// import sites and their facts reach the resolver in [`ResolveContext::manifests`].
    /// Never `layers.toml`.
    pub manifests: &'static [&'static str],
}

impl Language {
    pub fn lang(&self) -> Lang {
        self.frontend.lang()
    }
}

/// Every language, one row each.
pub static LANGUAGES: &[Language] = &[
    Language {
        name: "python",
        frontend: &lang::python::PyFrontend,
        resolver: |cx| Box::new(python::PyResolver::new(cx)),
        manifests: &[],
    },
    Language {
        name: "rust",
        frontend: &lang::rust::RustFrontend,
        resolver: |cx| Box::new(rust::RustResolver::new(cx)),
        manifests: &[lang::rust::manifest::FILE_NAME],
    },
    Language {
        name: "typescript",
        frontend: &lang::typescript::TsFrontend,
        resolver: |cx| Box::new(typescript::TsResolver::new(cx)),
        manifests: &[],
    },
];

/// The language of the file at `path` (a file name, or a path with `/`): by exact manifest
/// name first, then by the front-ends' extensions.
pub fn language_for(path: &str) -> Option<&'static Language> {
    let path = crate::source::RelPath::new(path);
    let file_name = path.file_name();
    if let Some(row) = LANGUAGES.iter().find(|l| l.manifests.contains(&file_name)) {
        return Some(row);
    }
    let ext = path.extension();
    LANGUAGES
        .iter()
        .find(|l| l.frontend.extensions().contains(&ext))
}

/// Every front-end, in registry order (the cache's stamp covers each one's grammars).
pub fn frontends() -> Vec<&'static dyn Frontend> {
    LANGUAGES.iter().map(|l| l.frontend).collect()
}

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
    /// The facts of every manifest among the files, by [`FileId`]; `None` for source files.
    pub manifests: &'a [Option<Manifest>],
}

/// One resolver for each language that has files in the run, with the language's key, in
/// registry order.
pub fn resolvers<'a>(cx: &ResolveContext<'a>) -> Vec<(Lang, Box<dyn Resolver + 'a>)> {
    LANGUAGES
        .iter()
        .filter(|l| cx.files.langs.contains(&l.lang()))
        .map(|l| (l.lang(), (l.resolver)(cx)))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn every_language_has_one_row_named_as_in_the_spec() {
        let names: Vec<&str> = LANGUAGES.iter().map(|l| l.name).collect();
        assert_eq!(names, ["python", "rust", "typescript"]);
        let keys: BTreeSet<Lang> = LANGUAGES.iter().map(Language::lang).collect();
        assert_eq!(keys.len(), LANGUAGES.len(), "two rows share a key");
        for lang in [Lang::Python, Lang::Rust, Lang::TypeScript] {
            assert!(keys.contains(&lang), "{lang:?} has no row");
        }
    }

    #[test]
    fn every_grammar_loads() {
        let mut parser = tree_sitter::Parser::new();
        for row in LANGUAGES {
            for ext in row.frontend.extensions() {
                let path = format!("x.{ext}");
                parser
                    .set_language(&row.frontend.grammar(Path::new(&path)))
                    .unwrap();
            }
        }
    }

    #[test]
    fn languages_claim_disjoint_extensions_and_manifest_names() {
        let mut extensions = BTreeSet::new();
        let mut names = BTreeSet::new();
        for row in LANGUAGES {
            for ext in row.frontend.extensions() {
                assert!(extensions.insert(*ext), "{ext} claimed twice");
            }
            for name in row.manifests {
                assert!(names.insert(*name), "{name} claimed twice");
            }
        }
        assert!(!names.contains("layers.toml"));
    }

    #[test]
    fn manifests_are_read_by_their_front_end_without_a_grammar() {
        for row in LANGUAGES {
            for name in row.manifests {
                let found = row
                    .frontend
                    .imports_without_grammar(Path::new(name), b"")
                    .unwrap_or_else(|| panic!("{} does not read {name}", row.name));
                assert!(found.manifest.is_some(), "{name} gives no facts");
                assert_eq!(language_for(name).map(|l| l.name), Some(row.name));
                assert_eq!(
                    language_for(&format!("a/b/{name}")).map(|l| l.name),
                    Some(row.name)
                );
            }
        }
    }

    #[test]
    fn file_names_are_claimed_whole_and_layers_toml_never() {
        let lang = |path| language_for(path).map(Language::lang);
        assert_eq!(lang("Cargo.toml"), Some(Lang::Rust));
        assert_eq!(lang("layers.toml"), None);
        assert_eq!(lang("pyproject.toml"), None);
        assert_eq!(lang("Cargo.toml.orig"), None);
        assert_eq!(lang("crates/a/Cargo.toml"), Some(Lang::Rust));
        assert_eq!(lang("crates/a/layers.toml"), None);
        assert_eq!(lang("crates/Cargo.toml/x.py"), Some(Lang::Python));
        assert_eq!(lang("a.rs"), Some(Lang::Rust));
        assert_eq!(lang("a.tsx"), Some(Lang::TypeScript));
    }
}
