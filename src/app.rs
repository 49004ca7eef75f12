//! Orchestration: config → walk → extract → resolve → graph → check → report. Every stage
//! below is a library module; this one sequences them, runs the parallel parts on one
//! thread pool and maps outcomes to exit codes.
//!
//! Layer `entry`.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cache::{self, Cache, Entry, Seen};
use crate::check;
use crate::cli::{
    CacheArgs, CheckArgs, Cli, ColorChoice, Command, Format, GraphArgs, GraphFormat, ReportTarget,
};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{Diagnostic, FileWarning, Severity, WarningKind};
use crate::graph::{ImportGraph, Site};
use crate::lang::{self, Lang, RawImport};
use crate::report::{self, Summary};
use crate::resolve::{self, FileTable, ResolveContext};
use crate::source::{LineIndex, Region};
use crate::walk::{self, WalkedFile};

/// Files larger than this are skipped with a warning; generated modules of 8 MB pass.
const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

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

/// A repository read and resolved: the input of every rule.
pub struct Analysis {
    pub config: Config,
    pub graph: ImportGraph,
    pub warnings: Vec<FileWarning>,
}

/// One file after extraction.
struct Parsed {
    file: WalkedFile,
    lang: Lang,
    /// The cache key of the file's content.
    key: u64,
    entry: Entry,
}

/// Reads, parses and resolves every file under the config's root, reusing `cache`'s
/// extraction results for files whose content it has seen.
pub fn analyze(config: Config, jobs: usize, cache: &Cache) -> Result<Analysis, Vec<ConfigError>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build();
    let run = || analyze_in_pool(config, jobs, cache);
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn analyze_in_pool(
    config: Config,
    jobs: usize,
    cache: &Cache,
) -> Result<Analysis, Vec<ConfigError>> {
    let (parsed, mut warnings) = extract_all(&config, jobs, cache);
    warnings.sort();
    save_cache(cache, &parsed, &mut warnings);

    let files = FileTable::new(
        parsed
            .iter()
            .map(|p| (p.file.path.clone(), p.lang))
            .collect(),
    );
    let membership = config.assign(&files.paths)?;
    let (imports, regions): (Vec<Vec<RawImport>>, Vec<Vec<Region>>) = parsed
        .into_iter()
        .map(|p| (p.entry.imports, p.entry.regions))
        .unzip();
    let cx = ResolveContext {
        config: &config,
        files: &files,
        imports: &imports,
    };
    let mut langs: Vec<Lang> = files.langs.clone();
    langs.sort();
    langs.dedup();
    let resolvers: Vec<(Lang, Box<dyn resolve::Resolver + '_>)> = langs
        .iter()
        .map(|&l| (l, resolve::resolver_for(l, &cx)))
        .collect();
    let resolved: Vec<Vec<(Site, resolve::Resolution)>> = imports
        .par_iter()
        .zip(&regions)
        .enumerate()
        .map(|(id, (raw_imports, regions))| {
            let lang = files.langs.get(id);
            let Some((_, resolver)) = resolvers.iter().find(|(l, _)| Some(l) == lang) else {
                return Vec::new();
            };
            raw_imports
                .iter()
                .zip(regions)
                .map(|(raw, region)| {
                    let site = Site {
                        file: id,
                        specifier: raw.specifier.clone(),
                        kind: raw.kind,
                        region: region.clone(),
                    };
                    (site, resolver.resolve(id, raw))
                })
                .collect()
        })
        .collect();
    for (_, resolver) in &resolvers {
        warnings.extend(resolver.warnings());
    }
    warnings.sort();
    drop(resolvers);

    let mut graph = ImportGraph::new(files, membership);
    for (site, resolution) in resolved.into_iter().flatten() {
        graph.add(site, resolution);
    }
    Ok(Analysis {
        config,
        graph,
        warnings,
    })
}

/// Walks the root and extracts the imports of every source file, from the cache where it
/// knows the content, else by parsing. Files come back sorted by path.
fn extract_all(config: &Config, jobs: usize, cache: &Cache) -> (Vec<Parsed>, Vec<FileWarning>) {
    let walked = walk::walk(
        config,
        jobs,
        &|name| lang::frontend_for(name).is_some(),
        &|file| probe(file, cache),
    );
    let mut warnings = walked.warnings;

    // Read (and parse, where the cache does not know the content) what the walk could not
    // take from the cache, largest files first, so that one big file does not leave a thread
    // alone at the end.

    let mut results: Vec<(usize, Option<Parsed>, Vec<FileWarning>)> = Vec::new();
    let mut order: Vec<(usize, WalkedFile)> = Vec::new();
    for (i, (file, probed)) in walked.files.into_iter().enumerate() {
        match probed {
            Probe::Known(parsed) => results.push((i, Some(*parsed), Vec::new())),
            Probe::Read => order.push((i, file)),
        }
    }
    order.sort_by_key(|(_, file)| std::cmp::Reverse(file.size));
    results.par_extend(
        order
            .into_par_iter()
            // One file per task: rayon splits an indexed iterator into a few long chunks, and
            // the largest files, which come first, would all land in one of them.
            .with_max_len(1)
            .map(|(i, file)| {
                let (parsed, warnings) = read_and_extract(file, cache);
                (i, parsed, warnings)
            }),
    );
    results.sort_by_key(|(i, _, _)| *i);
    let mut parsed = Vec::with_capacity(results.len());
    for (_, p, w) in results {
        parsed.extend(p);
        warnings.extend(w);
    }
    for p in &parsed {
        warnings.extend(p.entry.warnings.iter().map(|(kind, message)| FileWarning {
            path: p.file.path.clone(),
            kind: *kind,
            message: message.clone(),
        }));
    }
    (parsed, warnings)
}

/// Writes this run's entries when they differ from what the cache held. A cache that cannot
/// be written costs only speed: it becomes a warning.
fn save_cache(cache: &Cache, parsed: &[Parsed], warnings: &mut Vec<FileWarning>) {
    if !cache.is_enabled() {
        return;
    }
    // Files with the same content share an entry (think of empty `__init__.py` files).
    let keys: std::collections::HashSet<u64> = parsed.iter().map(|p| p.key).collect();
    let unchanged = keys.len() == cache.len()
        && keys.iter().all(|&k| cache.get(k).is_some())
        && cache.seen_len() == parsed.len()
        && parsed
            .iter()
            .all(|p| cache.known_key(&p.file.path, p.file.size, p.file.modified) == Some(p.key));
    if unchanged {
        return;
    }
    let seen = parsed.iter().filter_map(|p| {
        let modified = p.file.modified?;
        Some((
            p.file.path.as_str(),
            Seen {
                size: p.file.size,
                modified,
                key: p.key,
            },
        ))
    });
    if let Err(e) = cache.save(parsed.iter().map(|p| (p.key, &p.entry)), seen) {
        warnings.push(FileWarning {
            path: cache::DEFAULT_DIR.to_owned(),
            kind: WarningKind::UnreadableFile,
            message: format!("cannot write the cache: {e}"),
        });
    }
}

/// A file's bytes, or the warning that says why it is not read as source.
fn read_source(file: &WalkedFile) -> Result<Vec<u8>, FileWarning> {
    let warn = |kind, message: String| FileWarning {
        path: file.path.clone(),
        kind,
        message,
    };
    if file.size > MAX_FILE_SIZE {
        let message = format!(
            "skipped: {} bytes is over the {MAX_FILE_SIZE}-byte limit",
            file.size
        );
        return Err(warn(WarningKind::TooLarge, message));
    }
    let bytes = std::fs::read(&file.abs)
        .map_err(|e| warn(WarningKind::UnreadableFile, format!("cannot read: {e}")))?;
    if memchr::memchr(0, bytes.get(..8192).unwrap_or(&bytes)).is_some() {
        return Err(warn(
            WarningKind::BinaryFile,
            "skipped: binary file (NUL bytes)".to_owned(),
        ));
    }
    Ok(bytes)
}

/// What the walk learns of a file without reading it.
enum Probe {
    /// Its size and modification time are those the cache last saw: its imports are known.
    Known(Box<Parsed>),
    /// It must be read (and parsed, unless the cache knows its content).
    Read,
}

/// Looks a file up in the cache by its size and modification time. Runs on the walker's
/// threads, so that a warm run is done when the walk is.
fn probe(file: &WalkedFile, cache: &Cache) -> Probe {
    let known = lang::frontend_for(&file.path).and_then(|frontend| {
        let key = cache.known_key(&file.path, file.size, file.modified)?;
        let entry = cache.get(key)?.clone();
        Some(Parsed {
            file: file.clone(),
            lang: frontend.lang(),
            key,
            entry,
        })
    });
    known.map_or(Probe::Read, |parsed| Probe::Known(Box::new(parsed)))
}

/// Reads one file and extracts its imports, or takes them from the cache when it knows the
/// file's content. Trouble becomes warnings, never an abort.
fn read_and_extract(file: WalkedFile, cache: &Cache) -> (Option<Parsed>, Vec<FileWarning>) {
    let Some(frontend) = lang::frontend_for(&file.path) else {
        return (None, Vec::new());
    };
    let bytes = match read_source(&file) {
        Ok(bytes) => bytes,
        Err(warning) => return (None, vec![warning]),
    };
    let key = Cache::key(&file.path, &bytes);
    let entry = match cache.get(key) {
        Some(entry) => entry.clone(),
        None => match extract_entry(frontend, &file, &bytes) {
            Ok(entry) => entry,
            Err(message) => {
                let warning = FileWarning {
                    path: file.path.clone(),
                    kind: WarningKind::UnreadableFile,
                    message,
                };
                return (None, vec![warning]);
            }
        },
    };
    let lang = frontend.lang();
    (
        Some(Parsed {
            file,
            lang,
            key,
            entry,
        }),
        Vec::new(),
    )
}

/// Parses `bytes` and places each import site; what the cache stores for the content.
fn extract_entry(
    frontend: &dyn lang::Frontend,
    file: &WalkedFile,
    bytes: &[u8],
) -> Result<Entry, String> {
    let extracted = lang::extract(frontend, &file.abs, bytes)?;
    let index = LineIndex::new(bytes);
    let mut warnings = Vec::new();
    if std::str::from_utf8(bytes).is_err() {
        warnings.push((
            WarningKind::NotUtf8,
            "holds bytes that are not UTF-8; imports were still read".to_owned(),
        ));
    }
    if let Some(offset) = extracted.first_error
        && frontend.reports_syntax_errors()
    {
        let pos = index.position(offset);
        warnings.push((
            WarningKind::SyntaxError,
            format!(
                "syntax error at line {}, column {}; imports were still read",
                pos.line, pos.column
            ),
        ));
    }
    let regions = extracted
        .imports
        .iter()
        .map(|raw| index.region(raw.span.clone()))
        .collect();
    Ok(Entry {
        imports: extracted.imports,
        regions,
        warnings,
    })
}

/// Finds and loads the config for `check` and `graph`.
fn load_config(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Vec<ConfigError>> {
    let path = match explicit {
        Some(p) => cwd.join(p),
        None => config::discover(cwd).map_err(|e| vec![e])?,
    };
    config::load(&path)
}

fn print_config_errors(
    errors: Vec<ConfigError>,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let handler = report::graphical_handler(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    for e in errors {
        let mut text = String::new();
        if handler.render_report(&mut text, &e).is_err() {
            text = format!("error: {e}\n");
        }
        writeln!(err, "{text}")?;
    }
    Ok(ExitStatus::Error)
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
    )
}

fn jobs(requested: Option<usize>) -> usize {
    requested
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
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
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => target.output.is_none() && stdout_is_tty(),
        };
        report::write(format_of(target), &report, buffer, color)
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

/// The reports to write: what `--format`/`--output` asked for, or the default format on
/// standard output.
fn report_targets(args: &CheckArgs) -> Vec<ReportTarget> {
    if args.reports.targets.is_empty() {
        vec![ReportTarget {
            format: None,
            output: None,
        }]
    } else {
        args.reports.targets.clone()
    }
}

fn stdout_is_tty() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// A target's format; the default is human on a terminal and agent for pipes and files.
fn format_of(target: &ReportTarget) -> Format {
    target
        .format
        .unwrap_or(if target.output.is_none() && stdout_is_tty() {
            Format::Human
        } else {
            Format::Agent
        })
}

/// Renders each target and writes it to its file or to `out`. Returns `false` when a file
/// could not be written (said on `err`); the other reports are still written.
fn write_reports(
    targets: &[ReportTarget],
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut render: impl FnMut(&ReportTarget, &mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<bool> {
    let mut ok = true;
    for target in targets {
        match &target.output {
            Some(path) => {
                let mut buffer = Vec::new();
                render(target, &mut buffer)?;
                if buffer.is_empty() {
                    continue;
                }
                let path = cwd.join(path);
                if let Err(e) = std::fs::write(&path, buffer) {
                    writeln!(err, "error: cannot write `{}`: {e}", path.display())?;
                    ok = false;
                }
            }
            None => render(target, out)?,
        }
    }
    Ok(ok)
}

/// Configuration errors: printed on stderr, and also written as SARIF or annotations to the
/// targets in those formats, so that CI sees why the run failed.
fn config_failure(
    errors: Vec<ConfigError>,
    targets: &[ReportTarget],
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let problems: Vec<&dyn miette::Diagnostic> = errors
        .iter()
        .map(|e| e as &dyn miette::Diagnostic)
        .collect();
    write_reports(targets, cwd, out, err, |target, buffer| {
        report::write_config_errors(format_of(target), &problems, buffer)
    })?;
    print_config_errors(errors, err)
}

/// PATH arguments as repo-relative prefixes. An empty list selects everything.
fn path_filters(paths: &[PathBuf], cwd: &Path, root: &Path) -> Result<Vec<String>, String> {
    paths
        .iter()
        .map(|p| {
            let abs =
                std::path::absolute(cwd.join(p)).map_err(|e| format!("{}: {e}", p.display()))?;
            let abs = normalize(&abs);
            let rel = abs.strip_prefix(root).map_err(|_| {
                format!(
                    "`{}` is outside the folder of layers.toml (`{}`)",
                    p.display(),
                    root.display()
                )
            })?;
            Ok(crate::source::display_path(rel))
        })
        .collect()
}

/// Removes `.` and `..` components without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn is_selected(path: &str, filters: &[String]) -> bool {
    filters.is_empty()
        || filters.iter().any(|f| {
            f.is_empty()
                || path == f
                || path
                    .strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
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
    let config = match load_config(args.config.as_deref(), cwd) {
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
