//! Command-line arguments (clap derive). No logic here.

use std::path::PathBuf;

use clap::builder::EnumValueParser;
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

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
    /// Print the JSON Schema of layers.toml (for Taplo / Even Better TOML: completion and
    /// validation while typing).
    Schema,
    /// Print a shell completion script: `archgate completions bash > ~/.local/share/bash-completion/completions/archgate`.
    Completions(CompletionsArgs),
    /// Print the resolved import graph, to debug resolution or compare with other tools.
    Graph(GraphArgs),
    /// Freeze today's error findings in the baseline file, or shrink it to what still matches.
    Baseline(BaselineArgs),
    /// Write a first layers.toml, inferred from the import graph.
    Init(InitArgs),
    /// What a file may and may not import, before it is edited or created.
    Where(WhereArgs),
    /// Render the architecture of layers.toml as Markdown, or check that a file holds it.
    Docs(DocsArgs),
    /// List the files that import the given files, directly or through other files.
    Impact(ImpactArgs),
    /// The review tier of a change, from `[[risk]]` tiers and the import graph.
    Risk(RiskArgs),
    /// Serve diagnostics and hovers to an editor (Language Server Protocol on stdio).
    Server(ServerArgs),
}

#[derive(Debug, Args, Default)]
pub struct ServerArgs {
    /// The configuration file [default: the nearest layers.toml in the workspace folder or
    /// above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What the harness commands read: the configuration, and how the repository is analysed.
#[derive(Debug, Args, Default, Clone)]
pub struct ProjectArgs {
    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Number of worker threads, at most 256 and the number of files [default: the number
    /// of CPUs].
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// `human` or `json`, for the harness commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum HarnessFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct WhereArgs {
    /// The file (it need not exist yet), relative to the current folder.
    pub path: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = HarnessFormat::Human)]
    pub format: HarnessFormat,

    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Write into FILE: between `<!-- archgate:begin -->` and `<!-- archgate:end -->` when it
    /// has them, else the whole file [default: standard output].
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Change nothing; exit 1 when FILE does not hold what would be written (needs
    /// `--output`).
    #[arg(long)]
    pub check: bool,

    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// The files (or folders) whose importers to list.
    #[arg(required_unless_present = "base", conflicts_with = "base")]
    pub paths: Vec<PathBuf>,

    /// The files changed since the merge base of REV and HEAD, the working tree included.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = HarnessFormat::Human)]
    pub format: HarnessFormat,

    #[command(flatten)]
    pub project: ProjectArgs,
}

/// `human`, `json` or `github`, for `risk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RiskFormat {
    #[default]
    Human,
    Json,
    Github,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    /// The changed files [default: the working tree's changes against HEAD].
    #[arg(conflicts_with = "base")]
    pub paths: Vec<PathBuf>,

    /// The files changed since the merge base of REV and HEAD, the working tree included.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = RiskFormat::Human)]
    pub format: RiskFormat,

    /// Exit 1 when the change's tier is TIER or higher.
    #[arg(long, value_name = "TIER")]
    pub fail_at: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,
}

/// `archgate completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args, Default)]
pub struct InitArgs {
    /// Where to write it [default: layers.toml in the current folder].
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,

    /// Number of worker threads, at most 256 and the number of files [default: the number
    /// of CPUs].
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Default)]
pub struct BaselineArgs {
    /// Also add today's new findings (a human's decision); without it the baseline only
    /// shrinks.
    #[arg(long)]
    pub add: bool,

    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Number of worker threads, at most 256 and the number of files [default: the number
    /// of CPUs].
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Report only findings in these files or folders (the whole graph is still built).
    pub paths: Vec<PathBuf>,

    /// The configuration file [default: the nearest layers.toml in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// `--format` and `--output`, paired in command-line order.
    #[command(flatten)]
    pub reports: ReportTargets,

    /// When to use colours in the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Number of worker threads, at most 256 and the number of files [default: the number
    /// of CPUs].
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// Report only findings in files changed since the merge base of REV and HEAD, or in the
    /// working tree (changed, staged, untracked); the graph is still built whole.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Report every finding, ignoring the baseline file.
    #[arg(long)]
    pub no_baseline: bool,

    /// Print the findings and nothing else: no summary line, no warnings about files on
    /// standard error, no progress line. Machine formats are unchanged.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print the number of findings of each rule instead of the findings on standard output
    /// (as text, or as JSON with `--format json`); reports written with `--output` are
    /// unchanged.
    #[arg(long)]
    pub statistics: bool,
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

    /// Number of worker threads, at most 256 and the number of files [default: the number
    /// of CPUs].
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// `--jobs N`: a whole number of at least 1; `0` is a usage error (exit 2).
fn parse_jobs(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("the number of worker threads must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The reports one `check` writes: each `--output FILE` takes the report of the `--format`
/// given just before it on the command line; a `--format` without an `--output` goes to
/// standard output, and at most one may. Clap's derive cannot pair two repeated options by
/// position, so this type reads them from the `ArgMatches` with their indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportTargets {
    /// In command-line order. Empty means the default format on standard output.
    pub targets: Vec<ReportTarget>,
}

/// One report: its format and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    /// `None`: human when writing to a terminal, agent otherwise.
    pub format: Option<Format>,
    /// `None`: standard output.
    pub output: Option<PathBuf>,
}

const FORMAT_ID: &str = "format";
const OUTPUT_ID: &str = "output";

impl Args for ReportTargets {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.arg(
            Arg::new(FORMAT_ID)
                .long("format")
                .value_name("FORMAT")
                .value_parser(EnumValueParser::<Format>::new())
                .action(ArgAction::Append)
                .help(
                    "Report format; repeat to write several reports [default: human on a \
                     terminal, agent otherwise]",
                )
                .long_help(
                    "Report format [default: human on a terminal, agent otherwise].\n\n\
                     Repeat --format to write several reports in one run: each --output FILE \
                     writes the report of the --format given just before it, and at most one \
                     --format may have no --output: its report goes to standard output. For \
                     example \
                     `--format sarif --output archgate.sarif --format human` writes SARIF for \
                     upload and prints the human report to the log.",
                ),
        )
        .arg(
            Arg::new(OUTPUT_ID)
                .long("output")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .action(ArgAction::Append)
                .help(
                    "Write the report of the --format given just before this to FILE [default: \
                     standard output; with no --format at all, the agent format goes to FILE]",
                ),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for ReportTargets {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let formats: Vec<(usize, Format)> = indexed(matches, FORMAT_ID)?;
        let outputs: Vec<(usize, PathBuf)> = indexed(matches, OUTPUT_ID)?;
        pair_targets(&formats, outputs)
            .map(|targets| Self { targets })
            .map_err(|message| clap::Error::raw(ErrorKind::ArgumentConflict, message + "\n"))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The values of a repeated option with their positions on the command line.
fn indexed<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Vec<(usize, T)>, clap::Error> {
    let values = matches
        .try_get_many::<T>(id)
        .map_err(|e| clap::Error::raw(ErrorKind::InvalidValue, format!("{e}\n")))?;
    match (matches.indices_of(id), values) {
        (Some(indices), Some(values)) => Ok(indices.zip(values.cloned()).collect()),
        _ => Ok(Vec::new()),
    }
}

/// Pairs each `--output` with the nearest `--format` before it (see [`ReportTargets`]).
fn pair_targets(
    formats: &[(usize, Format)],
    outputs: Vec<(usize, PathBuf)>,
) -> Result<Vec<ReportTarget>, String> {
    let name = |f: Format| {
        f.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned())
    };
    if formats.is_empty() {
        let mut outputs = outputs.into_iter();
        let output = outputs.next().map(|(_, path)| path);
        if let Some((_, second)) = outputs.next() {
            return Err(format!(
                "--output `{}` has no --format of its own: write `--format FORMAT --output {}` \
                 for each report",
                second.display(),
                second.display()
            ));
        }
        return Ok(output
            .map(|output| {
                vec![ReportTarget {
                    format: None,
                    output: Some(output),
                }]
            })
            .unwrap_or_default());
    }
    let mut targets: Vec<ReportTarget> = formats
        .iter()
        .map(|&(_, format)| ReportTarget {
            format: Some(format),
            output: None,
        })
        .collect();
    for (index, path) in outputs {
        let owner = formats.iter().rposition(|&(i, _)| i < index);
        let Some(target) = owner.and_then(|o| targets.get_mut(o)) else {
            return Err(format!(
                "--output `{}` comes before any --format: write `--format FORMAT --output {}`",
                path.display(),
                path.display()
            ));
        };
        if let Some(previous) = &target.output {
            return Err(format!(
                "--format {} has two outputs, `{}` and `{}`: give a --format before each \
                 --output",
                target.format.map(name).unwrap_or_default(),
                previous.display(),
                path.display()
            ));
        }
        target.output = Some(path);
    }
    let to_stdout: Vec<String> = targets
        .iter()
        .filter(|t| t.output.is_none())
        .filter_map(|t| t.format.map(name))
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "{} formats would go to standard output ({}): give all but one an --output FILE \
             right after it",
            to_stdout.len(),
            to_stdout.join(", ")
        ));
    }
    let mut files: Vec<&PathBuf> = targets.iter().filter_map(|t| t.output.as_ref()).collect();
    files.sort();
    if let Some(pair) = files.windows(2).find(|w| w.first() == w.last()) {
        let path = pair
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        return Err(format!(
            "--output `{path}` is given twice: name a different file for each report"
        ));
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(args: &[&str]) -> Result<Vec<ReportTarget>, String> {
        let command_line = ["archgate", "check"].iter().chain(args);
        match Cli::try_parse_from(command_line) {
            Ok(Cli {
                command: Some(Command::Check(check)),
            }) => Ok(check.reports.targets),
            Ok(other) => panic!("not a check: {other:?}"),
            Err(e) => Err(e.to_string()),
        }
    }

    fn target(format: Option<Format>, output: Option<&str>) -> ReportTarget {
        ReportTarget {
            format,
            output: output.map(PathBuf::from),
        }
    }

    #[test]
    fn no_format_means_the_default_on_stdout() {
        assert_eq!(targets(&[]).unwrap(), vec![]);
        assert_eq!(
            targets(&["--output", "r.txt"]).unwrap(),
            vec![target(None, Some("r.txt"))]
        );
    }

    #[test]
    fn each_output_belongs_to_the_format_before_it() {
        assert_eq!(
            targets(&[
                "--format", "sarif", "--output", "a.sarif", "--format", "human", "--format",
                "json", "--output", "a.json",
            ])
            .unwrap(),
            vec![
                target(Some(Format::Sarif), Some("a.sarif")),
                target(Some(Format::Human), None),
                target(Some(Format::Json), Some("a.json")),
            ]
        );
        assert_eq!(
            targets(&["--format=github", "--format=sarif", "--output=x.sarif"]).unwrap(),
            vec![
                target(Some(Format::Github), None),
                target(Some(Format::Sarif), Some("x.sarif")),
            ]
        );
    }

    #[test]
    fn unpairable_combinations_are_usage_errors() {
        let err = targets(&["--output", "a.sarif", "--format", "sarif"]).unwrap_err();
        assert!(err.contains("comes before any --format"), "{err}");
        let err = targets(&["--format", "json", "--format", "agent"]).unwrap_err();
        assert!(
            err.contains("2 formats would go to standard output (json, agent)"),
            "{err}"
        );
        let err = targets(&["--format", "json", "--output", "a", "--output", "b"]).unwrap_err();
        assert!(err.contains("two outputs"), "{err}");
        let err = targets(&["--output", "a", "--output", "b"]).unwrap_err();
        assert!(err.contains("no --format of its own"), "{err}");
        let err = targets(&[
            "--format", "json", "--output", "a", "--format", "sarif", "--output", "a",
        ])
        .unwrap_err();
        assert!(err.contains("given twice"), "{err}");
    }
}
