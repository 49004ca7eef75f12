//! The command line's commands: `check`, `explain` and `graph`, each a short sequence of
//! the library's stages, and the [`ExitStatus`] they end with (ripgrep's `main.rs`). The
//! stages are elsewhere: `analyze.rs` reads the repository into a graph (`extract.rs`
//! decides how each file is read), [`crate::check`] finds the violations, and
//! `targets.rs` decides which reports go where.
//!
//! Layer `entry`.

mod analyze;
mod extract;
mod targets;

use std::io::Write;
use std::path::Path;

use crate::cache::{self, Cache};
use crate::check;
use crate::cli::{CacheArgs, CheckArgs, Cli, Command, GraphArgs, GraphFormat};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{Diagnostic, FileWarning, Severity};
use crate::report::{self, Summary};
use crate::resolve;

pub use analyze::{Analysis, analyze};
use targets::{
    config_failure, format_of, is_colored, is_selected, path_filters, print_config_errors,
    report_targets, write_reports,
};

/// How the run ended; `main` maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding of error severity.
    Success,
    /// Findings of error severity.
    Failure,
    /// archgate could not do what was asked.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Runs the command line, writing reports to `out` and problems to `err`.
pub fn run(cli: Cli, cwd: &Path, out: &mut dyn Write, err: &mut dyn Write) -> ExitStatus {
    let result = match cli.command {
        None => check(&CheckArgs::default(), cwd, out, err),
        Some(Command::Check(args)) => check(&args, cwd, out, err),
        Some(Command::Explain(args)) => explain(&args.rule, out, err),
        Some(Command::Graph(args)) => graph(&args, cwd, out, err),
    };
    match result {
        Ok(status) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitStatus::Error
        }
    }
}

/// Finds and loads the config for `check` and `graph`.
fn load_config(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Vec<ConfigError>> {
    let path = match explicit {
        Some(p) => cwd.join(p),
        None => config::discover(cwd).map_err(|e| vec![e])?,
    };
    let config = config::load(&path)?;
    // What only the layers above `config` know: the rules and the languages.
    let mut errors = check::validate(&config);
    errors.extend(unknown_languages(&config));
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// `languages` entries that name no row of the language registry.
fn unknown_languages(config: &Config) -> Vec<ConfigError> {
    let names: Vec<&str> = resolve::LANGUAGES.iter().map(|l| l.name).collect();
    let source = config::ConfigSource::new(&config.path, &config.text);
    config
        .languages
        .iter()
        .flatten()
        .filter(|(name, _)| !names.contains(&name.as_str()))
        .map(|(name, span)| {
            let guess = config::closest(name, names.iter().copied())
                .map(|g| format!(" (did you mean `{g}`?)"))
                .unwrap_or_default();
            ConfigError::at(
                config::Problem::UnknownLanguage,
                &source,
                span.clone(),
                "no such language",
                format!("`languages` names `{name}`, which archgate does not read"),
                format!(
                    "Write the languages to check{guess}: {}.",
                    names
                        .iter()
                        .map(|n| format!("`\"{n}\"`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect()
}

/// The config for `graph`, which also runs without one (SPEC §1): with no `--config` and no
/// `layers.toml` in the current folder or above, the current folder is the root and every
/// file is unlayered.
fn graph_config(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Vec<ConfigError>> {
    if explicit.is_none() && config::discover(cwd).is_err() {
        let root = std::path::absolute(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        return Ok(Config::unlayered(root));
    }
    load_config(explicit, cwd)
}

/// The cache the flags ask for.
fn open_cache(args: &CacheArgs, cwd: &Path, root: &Path) -> Cache {
    if args.no_cache {
        return Cache::disabled();
    }
    Cache::open(
        args.cache_dir
            .as_ref()
            .map_or_else(|| root.join(cache::DEFAULT_DIR), |d| cwd.join(d)),
        &resolve::frontends(),
    )
}

/// The most worker threads a run uses, whatever `--jobs` asks (SPEC §1).
const MAX_JOBS: usize = 256;

/// The worker threads `--jobs` asks for (one per CPU by default), at most [`MAX_JOBS`];
/// `analyze` caps them again at the number of files.
fn jobs(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .clamp(1, MAX_JOBS)
}

fn check(
    args: &CheckArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let targets = report_targets(args);
    let config = match load_config(args.config.as_deref(), cwd) {
        Ok(c) => c,
        Err(errors) => return config_failure(errors, &targets, cwd, out, err),
    };
    let filters = match path_filters(&args.paths, cwd, &config.root) {
        Ok(f) => f,
        Err(message) => {
            writeln!(err, "error: {message}")?;
            return Ok(ExitStatus::Error);
        }
    };
    let cache = open_cache(&args.cache, cwd, &config.root);
    let analysis = match analyze(config, jobs(args.jobs), &cache) {
        Ok(a) => a,
        Err(errors) => return config_failure(errors, &targets, cwd, out, err),
    };
    // The final findings, sorted: PATH arguments only narrow them.
    let diagnostics: Vec<Diagnostic> = check::run(&analysis.graph, &analysis.config)
        .into_iter()
        .filter(|d| is_selected(&d.path, &filters))
        .collect();
    let warnings: Vec<FileWarning> = analysis
        .warnings
        .into_iter()
        .filter(|w| is_selected(&w.path, &filters))
        .collect();
    for w in &warnings {
        writeln!(err, "warning: {w}")?;
    }
    let summary = Summary {
        files: analysis.graph.files.len(),
        imports: analysis.graph.edge_count(),
        unresolved: analysis.graph.unresolved_count(),
        violations: diagnostics.len(),
        warnings: warnings.len(),
    };
    let report = report::Report {
        diagnostics: &diagnostics,
        warnings: &warnings,
        summary,
        config: &analysis.config,
    };
    let written = write_reports(&targets, cwd, out, err, |target, buffer| {
        report::write(
            format_of(target),
            &report,
            buffer,
            is_colored(target, args.color),
        )
    })?;
    if !written {
        return Ok(ExitStatus::Error);
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn explain(rule: &str, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<ExitStatus> {
    if let Some(meta) = check::find_rule(rule) {
        out.write_all(meta.doc.as_bytes())?;
        return Ok(ExitStatus::Success);
    }
    let known: Vec<String> = check::RULES
        .iter()
        .map(|r| format!("{} ({})", r.meta().id.name, r.meta().id.code))
        .collect();
    writeln!(
        err,
        "error: no rule `{rule}`; the rules are: {}",
        known.join(", ")
    )?;
    Ok(ExitStatus::Error)
}

fn graph(
    args: &GraphArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let config = match graph_config(args.config.as_deref(), cwd) {
        Ok(c) => c,
        Err(errors) => return print_config_errors(errors, err),
    };
    let cache = open_cache(&args.cache, cwd, &config.root);
    let analysis = match analyze(config, jobs(args.jobs), &cache) {
        Ok(a) => a,
        Err(errors) => return print_config_errors(errors, err),
    };
    for w in &analysis.warnings {
        writeln!(err, "warning: {w}")?;
    }
    let (graph, config) = (&analysis.graph, &analysis.config);
    match args.format {
        GraphFormat::Tsv => report::graph::tsv(graph, out)?,
        GraphFormat::Json => report::graph::json(graph, config, out)?,
        // The same findings `check` reports, so the picture counts what the check says.
        GraphFormat::Dot => report::graph::dot(graph, config, &check::run(graph, config), out)?,
        GraphFormat::Mermaid => {
            report::graph::mermaid(graph, config, &check::run(graph, config), out)?;
        }
    }
    Ok(ExitStatus::Success)
}
