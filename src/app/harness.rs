//! The harness commands (SPEC §10): `where`, `docs`, `impact` and `risk`, each the same
//! sequence — load the config, analyse the repository, ask [`crate::harness`], print.
//!
//! Layer `entry`.

use std::io::Write;
use std::path::Path;

use super::targets::{print_config_errors, root_relative};
use super::{ExitStatus, apply_baseline, git, load_and_analyze, load_config, open_cache};
use crate::check;
use crate::cli::{
    DocsArgs, HarnessFormat, ImpactArgs, ProjectArgs, RiskArgs, RiskFormat, WhereArgs,
};
use crate::config::Config;
use crate::harness::{docs, guide, impact, risk};
use crate::resolve::FileId;

/// Writes `value` as pretty JSON and a newline.
fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    // A closed pipe stays a broken pipe, which ends the run quietly.
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    writeln!(out)
}

fn fail(err: &mut dyn Write, message: &str) -> std::io::Result<ExitStatus> {
    writeln!(err, "error: {message}")?;
    Ok(ExitStatus::Error)
}

/// `archgate where PATH`.
pub(super) fn where_(
    args: &WhereArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let project = &args.project;
    let config = match load_config(project.config.as_deref(), cwd) {
        Ok(c) => c,
        Err(errors) => return print_config_errors(errors, err),
    };
    let path = match root_relative(&args.path, cwd, &config.root, false) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => return fail(err, "`where` needs a file, not the root folder"),
        Err(message) => return fail(err, &message),
    };
    let exists = config.root.join(&path).is_file();
    let cache = open_cache(&project.cache, cwd, &config.root);
    let analysis = match super::analyze::analyze_planned(
        config,
        super::jobs(project.jobs),
        cache,
        Some(&path),
    ) {
        Ok(a) => a,
        Err(errors) => return print_config_errors(errors, err),
    };
    let findings = check::run(&analysis.graph, &analysis.config);
    let findings = match apply_baseline(&analysis.config, findings) {
        Ok((kept, _)) => kept,
        Err(message) => return fail(err, &message),
    };
    let cx = check::CheckContext::new(&analysis.graph, &analysis.config);
    let file = analysis.graph.files.id(&path);
    let guidance = guide::guidance(&cx, &path, file, exists, &findings);
    match args.format {
        HarnessFormat::Human => out.write_all(guide::render(&guidance).as_bytes())?,
        HarnessFormat::Json => json(out, &guidance)?,
    }
    Ok(ExitStatus::Success)
}

/// `archgate docs [--output FILE] [--check]`.
pub(super) fn docs(
    args: &DocsArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let config = match load_config(args.config.as_deref(), cwd) {
        Ok(c) => c,
        Err(errors) => return print_config_errors(errors, err),
    };
    let text = docs::render(&config);
    let Some(output) = &args.output else {
        if args.check {
            return fail(
                err,
                "`docs --check` needs `--output FILE`: the file whose architecture section to \
                 compare",
            );
        }
        out.write_all(text.as_bytes())?;
        return Ok(ExitStatus::Success);
    };
    let target = cwd.join(output);
    if target == config.root.join(&config.path) {
        return fail(err, "`docs --output` must not name layers.toml itself");
    }
    let existing = match std::fs::read_to_string(&target) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return fail(err, &format!("cannot read `{}`: {e}", output.display())),
    };
    let merged = docs::merge(existing.as_deref(), &text);
    if args.check {
        let current = existing.as_deref().unwrap_or("");
        return Ok(match docs::first_difference(current, &merged) {
            None => ExitStatus::Success,
            Some(line) => {
                writeln!(
                    err,
                    "{}:{line}: differs from what `archgate docs` writes; run `archgate docs \
                     --output {}` and commit the result",
                    output.display(),
                    output.display()
                )?;
                ExitStatus::Failure
            }
        });
    }
    if existing.as_deref() != Some(merged.as_str())
        && let Err(e) = std::fs::write(&target, merged)
    {
        return fail(err, &format!("cannot write `{}`: {e}", output.display()));
    }
    Ok(ExitStatus::Success)
}

/// The files a harness command is about: the PATHs (a folder stands for its files), or the
/// files changed since the merge base of `--base` (the working tree included). Paths are
/// relative to the root; they need not be source files, and for `risk` (whose default base
/// is HEAD) need not exist either: a change may delete a file.
fn changed(
    paths: &[std::path::PathBuf],
    base: Option<&str>,
    default_base: Option<&str>,
    cwd: &Path,
    config: &Config,
) -> Result<Vec<String>, String> {
    match base.or(if paths.is_empty() { default_base } else { None }) {
        Some(rev) => {
            let flag = if base.is_some() { "--base" } else { "risk" };
            git::changed_files(&config.root, rev, flag).map(|set| set.into_iter().collect())
        }
        None => paths
            .iter()
            .map(|p| root_relative(p, cwd, &config.root, default_base.is_none()))
            .collect(),
    }
}

/// The source files among `paths`, a folder standing for the files under it.
fn source_files(analysis: &super::Analysis, paths: &[String]) -> Vec<FileId> {
    let files = &analysis.graph.files;
    let mut ids: Vec<FileId> = Vec::new();
    for path in paths {
        if let Some(id) = files.id(path) {
            ids.push(id);
            continue;
        }
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        ids.extend(
            files
                .paths
                .iter()
                .enumerate()
                .filter(|(_, p)| p.starts_with(&prefix))
                .map(|(id, _)| id),
        );
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `archgate impact PATH... | --base REV`.
pub(super) fn impact(
    args: &ImpactArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let Some((analysis, paths)) = analyzed(
        &args.project,
        &args.paths,
        args.base.as_deref(),
        None,
        cwd,
        err,
    )?
    else {
        return Ok(ExitStatus::Error);
    };
    let starts = source_files(&analysis, &paths);
    let answer = impact::impact(&analysis.graph, &starts);
    match args.format {
        HarnessFormat::Human => out.write_all(impact::render(&answer).as_bytes())?,
        HarnessFormat::Json => json(out, &answer)?,
    }
    Ok(ExitStatus::Success)
}

/// The analysis of the project, and the changed paths; `None` when an error was printed.
fn analyzed(
    project: &ProjectArgs,
    paths: &[std::path::PathBuf],
    base: Option<&str>,
    default_base: Option<&str>,
    cwd: &Path,
    err: &mut dyn Write,
) -> std::io::Result<Option<(super::Analysis, Vec<String>)>> {
    let analysis = match load_and_analyze(
        load_config(project.config.as_deref(), cwd),
        &project.cache,
        project.jobs,
        cwd,
    ) {
        Ok(a) => a,
        Err(errors) => {
            print_config_errors(errors, err)?;
            return Ok(None);
        }
    };
    match changed(paths, base, default_base, cwd, &analysis.config) {
        Ok(paths) => Ok(Some((analysis, paths))),
        Err(message) => {
            writeln!(err, "error: {message}")?;
            Ok(None)
        }
    }
}

/// `archgate risk [PATH... | --base REV]`.
pub(super) fn risk(
    args: &RiskArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let Some((analysis, paths)) = analyzed(
        &args.project,
        &args.paths,
        args.base.as_deref(),
        Some("HEAD"),
        cwd,
        err,
    )?
    else {
        return Ok(ExitStatus::Error);
    };
    let config = &analysis.config;
    let fail_at = match &args.fail_at {
        None => None,
        Some(tier) => match risk::rank_of(config, tier) {
            Some(rank) => Some(rank),
            None => {
                return fail(
                    err,
                    &format!(
                        "`--fail-at {tier}` names no tier; the tiers are, highest first: {}",
                        risk::tier_names(config).join(", ")
                    ),
                );
            }
        },
    };
    // A folder stands for the files under it; other paths are taken as they are.
    let mut files: Vec<String> = Vec::new();
    for path in &paths {
        if analysis.graph.files.id(path).is_none() && config.root.join(path).is_dir() {
            let under = source_files(&analysis, std::slice::from_ref(path));
            files.extend(
                under
                    .iter()
                    .map(|&f| analysis.graph.files.path(f).to_owned()),
            );
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    let answer = risk::risk(config, &analysis.graph, &files);
    match args.format {
        RiskFormat::Human => out.write_all(risk::render(&answer).as_bytes())?,
        RiskFormat::Json => json(out, &answer)?,
        RiskFormat::Github => {
            let line = format!("tier={}\n", answer.tier);
            match std::env::var_os("GITHUB_OUTPUT") {
                Some(file) => {
                    let appended = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&file)
                        .and_then(|mut f| f.write_all(line.as_bytes()));
                    if let Err(e) = appended {
                        return fail(err, &format!("cannot append to $GITHUB_OUTPUT: {e}"));
                    }
                }
                None => out.write_all(line.as_bytes())?,
            }
            out.write_all(risk::notice(&answer).as_bytes())?;
        }
    }
    Ok(match fail_at {
        Some(rank) if answer.rank <= rank => ExitStatus::Failure,
        _ => ExitStatus::Success,
    })
}
