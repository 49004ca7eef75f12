//! Command-line arguments (clap derive). No logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::report::Format;
pub use crate::report::graph::GraphFormat;

/// Keeps a codebase's architecture intact: checks the import graph of Rust,
/// TypeScript/JavaScript and Python code against the layers declared in `layers.toml`.
#[derive(Debug, Parser)]
#[command(name = "archgate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the repository against layers.toml (the default command).
    Check(CheckArgs),
    /// Print a rule's document, by name (`upward-import`) or code (`AG001`).
    Explain(ExplainArgs),
    /// Print the resolved import graph, to debug resolution or compare with other tools.
    Graph(GraphArgs),
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Report only findings in these files or folders (the whole graph is still built).
    pub paths: Vec<PathBuf>,

    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format [default: human on a terminal, agent otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to use colours in the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Number of worker threads [default: the number of CPUs].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Where extraction results are kept between runs.
#[derive(Debug, Args, Default, Clone)]
pub struct CacheArgs {
    /// Parse every file again, and neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,

    /// The cache folder [default: `.archgate_cache` next to layers.toml].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule name (`upward-import`) or code (`AG001`).
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Tsv)]
    pub format: GraphFormat,

    /// Number of worker threads [default: the number of CPUs].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
