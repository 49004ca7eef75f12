//! The command line's commands: `check`, `explain` and `graph`, each a short sequence of
//! the library's stages, and the [`ExitStatus`] they end with (ripgrep's `main.rs`). The
//! stages are elsewhere: `analyze.rs` reads the repository into a graph (`extract.rs`
//! decides how each file is read), [`crate::check`] finds the violations, and
//! `targets.rs` decides which reports go where.
//!
//! Layer `entry`.

mod analyze;
mod extract;
mod git;
mod harness;
mod init;
mod print;
mod progress;
mod server;
mod targets;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cache::{self, Cache};
use crate::check;
use crate::cli::{
    BaselineArgs, CacheArgs, CheckArgs, Cli, Command, GraphArgs, GraphFormat, InitArgs,
};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{FileWarning, Severity};
use crate::report::{self, Summary};
use crate::resolve;

pub use analyze::{Analysis, analyze};
use targets::{
    PathFilters, check_outputs, config_failure, format_of, path_filters, print_config_errors,
    report_targets, statistics_conflict, write_check_reports,
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
        Some(Command::Schema) => print::schema(out),
        Some(Command::Completions(args)) => Ok(print::completions(&args, out)),
        Some(Command::Graph(args)) => graph(&args, cwd, out, err),
        Some(Command::Baseline(args)) => baseline(&args, cwd, err),
        Some(Command::Init(args)) => init(&args, cwd, err),
        Some(Command::Where(args)) => harness::where_(&args, cwd, out, err),
        Some(Command::Docs(args)) => harness::docs(&args, cwd, out, err),
        Some(Command::Impact(args)) => harness::impact(&args, cwd, out, err),
        Some(Command::Risk(args)) => harness::risk(&args, cwd, out, err),
        Some(Command::Server(args)) => server::server(&args, cwd, err),
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

/// A PATH argument under which nothing is checked, if one is: it exists but holds no source
/// file of the run (a `docs/` folder, a README, an excluded folder). `layers.toml` itself
/// selects the findings located in it.
fn path_checking_nothing(
    analysis: &Analysis,
    filters: &[String],
    paths: &[PathBuf],
) -> Option<String> {
    let files = analysis.graph.files.paths.iter().map(String::as_str);
    let written = PathFilters::new(filters)
        .first_selecting_none(filters, files, &analysis.config.path)
        .and_then(|i| paths.get(i))?;
    Some(format!(
        "`{}` holds no source file that archgate checks: name Python, TypeScript/JavaScript \
         or Rust files or folders that hold them (or {} for its own findings), check \
         `exclude` and `languages` there, or run without PATH to check everything",
        written.display(),
        analysis.config.path,
    ))
}

/// Why a run checked nothing, if it did: no source file left after `exclude`, `languages`
/// and the ignore files, a `layers.toml` that declares no contract at all, or a PATH
/// argument (`filters`, as written in `paths`) that holds no source file.
fn nothing_checked(analysis: &Analysis, filters: &[String], paths: &[PathBuf]) -> Option<String> {
    let config = &analysis.config;
    if analysis.graph.files.is_empty() {
        return Some(format!(
            "archgate found no source file to check in the folder of {}: `exclude`, \
             `languages` and the ignore files leave none. Check them in {}, or run archgate \
             in the repository it is meant for.",
            config.path, config.path
        ));
    }
    let declares_nothing = config.layers.is_empty()
        && config.modules.is_empty()
        && config.forbid.is_empty()
        && config.independent.is_empty()
        && config.cycles.is_empty()
        && config.check.externals.is_none()
        && !config.check.unlayered;
    if declares_nothing {
        return Some(format!(
            "{} declares no contract (no [[layers]], [[modules]], [[forbid]], [[independent]], \
             [[cycles]] or [check] externals), so a check would pass whatever the code does. \
             Declare the layers, e.g. `[[layers]]` with `name = \"api\"` and `paths = \
             [\"src/api/**\"]`, or run `archgate init` to infer them.",
            config.path
        ));
    }
    path_checking_nothing(analysis, filters, paths)
}

/// The findings the baseline file (if any) leaves, and how many it absorbed.
fn apply_baseline(
    config: &Config,
    findings: Vec<crate::diagnostic::Diagnostic>,
) -> Result<(Vec<crate::diagnostic::Diagnostic>, usize), String> {
    Ok(match read_baseline(config)? {
        Some(entries) => check::baseline::apply(findings, &entries, &config.check.baseline),
        None => (findings, 0),
    })
}

/// The baseline entries, when the baseline file exists.
fn read_baseline(config: &Config) -> Result<Option<Vec<check::baseline::Entry>>, String> {
    let path = config.root.join(&config.check.baseline);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the baseline `{}`: {e}",
                config.check.baseline
            ));
        }
    };
    check::baseline::parse(&text).map(Some).map_err(|e| {
        format!(
            "the baseline `{}` is not a baseline file ({e}); run `archgate baseline` to write it \
             again, or `archgate check --no-baseline` to report every finding",
            config.check.baseline
        )
    })
}

/// `archgate init`: writes a first `layers.toml` for the current folder, then checks the
/// repository with it (SPEC §9).
fn init(args: &InitArgs, cwd: &Path, err: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let root = std::path::absolute(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let target = cwd.join(
        args.output
            .as_deref()
            .unwrap_or(Path::new(config::FILE_NAME)),
    );
    if target.exists() && !args.force {
        writeln!(
            err,
            "error: `{}` exists; archgate init does not overwrite it. Pass `--force` to replace \
             it, or `--output FILE` to write elsewhere.",
            target.display()
        )?;
        return Ok(ExitStatus::Error);
    }
    let cache = open_cache(&args.cache, cwd, &root);
    let analysis = match analyze(Config::unlayered(root.clone()), jobs(args.jobs), cache) {
        Ok(a) => a,
        Err(errors) => return print_config_errors(errors, err),
    };
    let proposal = init::propose(&analysis.graph, &root);
    if let Err(e) = std::fs::write(&target, &proposal.text) {
        writeln!(err, "error: cannot write `{}`: {e}", target.display())?;
        return Ok(ExitStatus::Error);
    }
    // What `check` says on it: clean by construction, unless the layers are not where
    // archgate looks (an `--output` elsewhere).
    let findings = match config::load(&target) {
        Ok(config) => {
            analyze(config, jobs(args.jobs), open_cache(&args.cache, cwd, &root)).map_or(0, |a| {
                check::run(&a.graph, &a.config)
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count()
            })
        }
        Err(_) => 0,
    };
    writeln!(
        err,
        "archgate: wrote `{}`: {} layers from {} groups of {} files.",
        target.display(),
        proposal.layers,
        proposal.groups,
        analysis.graph.files.len()
    )?;
    if findings == 0 {
        writeln!(err, "archgate: `archgate check` is clean on it.")?;
    } else {
        writeln!(
            err,
            "archgate: `archgate check` finds {findings} violation{} on it; run `archgate \
             baseline` to freeze them and fail only on new ones.",
            if findings == 1 { "" } else { "s" }
        )?;
    }
    Ok(ExitStatus::Success)
}

/// The analysis of a loaded configuration, with the cache and threads the flags ask for.
fn load_and_analyze(
    config: Result<Config, Vec<ConfigError>>,
    cache: &CacheArgs,
    requested_jobs: Option<usize>,
    cwd: &Path,
) -> Result<Analysis, Vec<ConfigError>> {
    let config = config?;
    let cache = open_cache(cache, cwd, &config.root);
    analyze(config, jobs(requested_jobs), cache)
}

/// `archgate baseline [--add]`: writes the baseline file (SPEC §9).
fn baseline(args: &BaselineArgs, cwd: &Path, err: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let analysis = match load_and_analyze(
        load_config(args.config.as_deref(), cwd),
        &args.cache,
        args.jobs,
        cwd,
    ) {
        Ok(a) => a,
        Err(errors) => return print_config_errors(errors, err),
    };
    let config = &analysis.config;
    let existing = match read_baseline(config) {
        Ok(existing) => existing,
        Err(message) => {
            writeln!(err, "error: {message}")?;
            return Ok(ExitStatus::Error);
        }
    };
    let findings = check::run_counted(&analysis.graph, config).diagnostics;
    let entries = check::baseline::update(&findings, existing.as_deref(), args.add);
    let path = config.root.join(&config.check.baseline);
    if let Err(e) = std::fs::write(&path, check::baseline::render(&entries)) {
        writeln!(err, "error: cannot write `{}`: {e}", config.check.baseline)?;
        return Ok(ExitStatus::Error);
    }
    let frozen: usize = entries.iter().map(|e| e.count).sum();
    let before: usize = existing.iter().flatten().map(|e| e.count).sum();
    let change = match &existing {
        None => "written".to_owned(),
        Some(_) if frozen < before => format!("{} fixed and removed", before - frozen),
        Some(_) if frozen > before => format!("{} added", frozen - before),
        Some(_) => "unchanged".to_owned(),
    };
    writeln!(
        err,
        "archgate: {} holds {frozen} finding{} in {} entr{} ({change})",
        config.check.baseline,
        if frozen == 1 { "" } else { "s" },
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" },
    )?;
    Ok(ExitStatus::Success)
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
    if let Some(message) = statistics_conflict(args, &targets) {
        writeln!(err, "error: {message}")?;
        return Ok(ExitStatus::Error);
    }
    let formats: Vec<report::Format> = targets.iter().map(format_of).collect();
    let progress = progress::Progress::start(progress::wanted(&formats, args.quiet));
    let config = match load_config(args.config.as_deref(), cwd) {
        Ok(c) => c,
        Err(errors) => return config_failure(errors, &targets, cwd, out, err),
    };
    let protected = [
        config.root.join(&config.path),
        config.root.join(&config.check.baseline),
    ];
    if let Err(message) = check_outputs(&targets, cwd, &protected) {
        writeln!(err, "error: {message}")?;
        return Ok(ExitStatus::Error);
    }
    let filters = match path_filters(&args.paths, cwd, &config.root) {
        Ok(f) => f,
        Err(message) => {
            writeln!(err, "error: {message}")?;
            return Ok(ExitStatus::Error);
        }
    };
    let cache = open_cache(&args.cache, cwd, &config.root);
    let analysis = match analyze(config, jobs(args.jobs), cache) {
        Ok(a) => a,
        Err(errors) => return config_failure(errors, &targets, cwd, out, err),
    };
    // Fail closed: "no violations" must never mean "nothing was checked".
    if let Some(message) = nothing_checked(&analysis, &filters, &args.paths) {
        writeln!(err, "error: {message}")?;
        return Ok(ExitStatus::Error);
    }
    // The final findings, sorted; suppressions, then the baseline absorb theirs; PATH
    // arguments and `--changed-since` only narrow what is left (SPEC §9).
    let findings = check::run_counted(&analysis.graph, &analysis.config);
    let (diagnostics, baselined) = if args.no_baseline {
        (findings.diagnostics, 0)
    } else {
        match apply_baseline(&analysis.config, findings.diagnostics) {
            Ok(applied) => applied,
            Err(message) => {
                writeln!(err, "error: {message}")?;
                return Ok(ExitStatus::Error);
            }
        }
    };
    let changed = match &args.changed_since {
        Some(rev) => match git::changed_files(&analysis.config.root, rev, "--changed-since") {
            Ok(files) => Some(files),
            Err(message) => {
                writeln!(err, "error: {message}")?;
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    let selected = PathFilters::new(&filters);
    let keep =
        |path: &str| selected.selects(path) && changed.as_ref().is_none_or(|c| c.contains(path));
    let mut diagnostics = diagnostics;
    diagnostics.retain(|d| keep(&d.path));
    progress.finish();
    let warnings: Vec<FileWarning> = analysis
        .warnings
        .into_iter()
        .filter(|w| keep(&w.path))
        .collect();
    for w in warnings.iter().filter(|_| !args.quiet) {
        writeln!(err, "warning: {}", crate::source::printable(&w.to_string()))?;
    }
    let summary = Summary {
        files: analysis.graph.files.len(),
        imports: analysis.graph.edge_count(),
        unresolved: analysis.graph.unresolved_count(),
        violations: diagnostics.len(),
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: warnings.len(),
        baselined,
        suppressed: findings.suppressed,
    };
    let report = report::Report {
        diagnostics: &diagnostics,
        warnings: &warnings,
        summary,
        config: &analysis.config,
    };
    let written = write_check_reports(args, &targets, &report, cwd, out, err)?;
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
    let analysis = match load_and_analyze(
        graph_config(args.config.as_deref(), cwd),
        &args.cache,
        args.jobs,
        cwd,
    ) {
        Ok(a) => a,
        Err(errors) => return print_config_errors(errors, err),
    };
    for w in &analysis.warnings {
        writeln!(err, "warning: {}", crate::source::printable(&w.to_string()))?;
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
