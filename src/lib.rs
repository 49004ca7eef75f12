//! archgate checks a repository's import graph against the architecture declared in
//! `layers.toml` and reports each violation with a fix instruction.
//!
//! The pipeline, one module per stage, each layer importing only the ones below it (the
//! repository's own `layers.toml` enforces this):
//!
//! 1. [`config`] finds, parses and validates `layers.toml`, and applies it to the files of a
//!    run: each file's layer and module, and the selectors it belongs to;
//! 2. [`walk`] lists the source files in parallel, honouring ignore files;
//! 3. [`lang`] front-ends parse each file with tree-sitter into raw imports (and read
//!    manifests such as `Cargo.toml` for their dependencies and package facts), which
//!    [`cache`] keeps per file content so that a warm run parses only changed files;
//! 4. [`resolve`] turns each raw import into a file of the repository, an external module or
//!    an unresolved specifier; its [`resolve::LANGUAGES`] registry has one row per language
//!    (name, front-end, resolver, manifest names);
//! 5. [`graph`] holds files, their groups and one edge per import site;
//! 6. [`check`] runs the rules over the graph and returns the final, sorted findings;
//! 7. [`report`] renders the findings (`human`, `agent`, `json`, `sarif`, `github`) and the
//!    layer graph (`dot`, `mermaid`);
//!
//! and [`app`] runs them for the command line in [`cli`]: its `analyze` stage sequences steps
//! 2 to 5 on one thread pool, its `extract` stage decides how each file is read and cached,
//! and its `targets` decide which reports go where.

pub mod app;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod graph;
pub mod harness;
pub mod lang;
pub mod report;
pub mod resolve;
pub mod source;
pub mod walk;
