//! Which reports go where: the `--format`/`--output` pairs (or the default format on
//! standard output), colour, the PATH filters that narrow what is reported, writing report
//! files, and configuration errors reported to every target that can carry them.
//!
//! Layer `entry`.

use std::collections::HashMap;
use std::io::Write;

use clap::ValueEnum;
use std::path::{Path, PathBuf};

use super::ExitStatus;
use crate::cli::{CheckArgs, ColorChoice, Format, ReportTarget};
use crate::config::ConfigError;
use crate::report;

/// The reports to write: what `--format`/`--output` asked for, or the default format on
/// standard output.
pub(super) fn report_targets(args: &CheckArgs) -> Vec<ReportTarget> {
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
pub(super) fn format_of(target: &ReportTarget) -> Format {
    target
        .format
        .unwrap_or(if target.output.is_none() && stdout_is_tty() {
            Format::Human
        } else {
            Format::Agent
        })
}

/// Whether a target's report is coloured: `auto` colours standard output on a terminal only,
/// and never when `NO_COLOR` is set (<https://no-color.org>) or `TERM=dumb`.
pub(super) fn is_colored(target: &ReportTarget, choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => target.output.is_none() && stdout_is_tty() && colors_allowed(),
    }
}

/// The environment's say on colour: `NO_COLOR` (any non-empty value) and `TERM=dumb` turn it
/// off.
pub(super) fn colors_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// Refuses `--output` files that would overwrite the configuration (or the baseline), or one
/// another: a report must never destroy what the next run reads.
pub(super) fn check_outputs(
    targets: &[ReportTarget],
    cwd: &Path,
    protected: &[PathBuf],
) -> Result<(), String> {
    let mut seen: Vec<PathBuf> = Vec::new();
    for target in targets {
        let Some(output) = &target.output else {
            continue;
        };
        let abs = std::path::absolute(cwd.join(output))
            .map_or_else(|_| cwd.join(output), |p| normalize(&p));
        if protected.iter().any(|p| normalize(p) == abs) {
            return Err(format!(
                "`--output {}` would overwrite archgate's own input; write the report to another file",
                output.display()
            ));
        }
        if seen.contains(&abs) {
            return Err(format!(
                "two reports would go to `{}`; give each `--format` its own `--output`",
                output.display()
            ));
        }
        seen.push(abs);
    }
    Ok(())
}

/// Renders each target and writes it to its file or to `out`. Returns `false` when a file
/// could not be written (said on `err`); the other reports are still written.
pub(super) fn write_reports(
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
                let path = cwd.join(path);
                if buffer.is_empty() {
                    // Nothing to report in this format (a failed run): no stale report of an
                    // earlier run may stay behind for CI to read.
                    if let Err(e) = std::fs::remove_file(&path)
                        && e.kind() != std::io::ErrorKind::NotFound
                    {
                        writeln!(err, "error: cannot remove `{}`: {e}", path.display())?;
                        ok = false;
                    }
                    continue;
                }
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

/// Why `--statistics` cannot run with the report that would go to standard output, if it
/// cannot: it replaces that report, and SARIF and annotations have no statistics form.
pub(super) fn statistics_conflict(args: &CheckArgs, targets: &[ReportTarget]) -> Option<String> {
    let on_stdout = targets.iter().find(|t| t.output.is_none()).map(format_of);
    let format = on_stdout.filter(|f| args.statistics && !report::statistics::has_form(*f))?;
    let name = format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned());
    Some(format!(
        "--statistics replaces the report on standard output, and `--format {name}` has no \
         statistics form: write that report to a file with `--output FILE`, or use \
         `--format json` for the statistics as JSON"
    ))
}

/// `check`'s reports, each to its target ([`write_reports`]). `--statistics` puts the counts
/// per rule in place of the report on standard output (or, when every report goes to a
/// file, on standard output after them); `--quiet` drops the text formats' summary line.
pub(super) fn write_check_reports(
    args: &CheckArgs,
    targets: &[ReportTarget],
    report: &report::Report<'_>,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<bool> {
    let written = write_reports(targets, cwd, out, err, |target, buffer| {
        let (format, color) = (format_of(target), is_colored(target, args.color));
        if args.statistics && target.output.is_none() {
            report::statistics::write(format, report, buffer, !args.quiet)
        } else if args.quiet {
            report::write_quiet(format, report, buffer, color)
        } else {
            report::write(format, report, buffer, color)
        }
    })?;
    if args.statistics && targets.iter().all(|t| t.output.is_some()) {
        report::statistics::write(Format::Agent, report, out, !args.quiet)?;
    }
    Ok(written)
}

/// Configuration errors: printed on stderr, and also written as SARIF or annotations to the
/// targets in those formats, so that CI sees why the run failed.
pub(super) fn config_failure(
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

/// How many configuration errors are drawn with their excerpt. Each drawing reads the file up
/// to its label: past the first errors (the ones to fix first), one line each, so that 10,000
/// errors cost linear time.
const DRAWN_CONFIG_ERRORS: usize = 50;

/// Configuration errors, drawn on `err` (graphically on a terminal).
pub(super) fn print_config_errors(
    errors: Vec<ConfigError>,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let handler = report::graphical_handler(
        std::io::IsTerminal::is_terminal(&std::io::stderr()) && colors_allowed(),
    );
    let count = errors.len();
    for (i, e) in errors.into_iter().enumerate() {
        let mut text = String::new();
        if i >= DRAWN_CONFIG_ERRORS
            || handler
                .render_report(&mut text, &report::Clipped(&e))
                .is_err()
        {
            let code = miette::Diagnostic::code(&e).map(|c| c.to_string());
            text = format!("error[{}]: {e}", code.unwrap_or_default());
        }
        writeln!(err, "{text}")?;
    }
    if count > DRAWN_CONFIG_ERRORS {
        writeln!(err, "archgate: {count} configuration errors in all")?;
    }
    Ok(ExitStatus::Error)
}

/// PATH arguments as repo-relative prefixes. An empty list selects everything.
pub(super) fn path_filters(
    paths: &[PathBuf],
    cwd: &Path,
    root: &Path,
) -> Result<Vec<String>, String> {
    paths
        .iter()
        .map(|p| root_relative(p, cwd, root, true))
        .collect()
}

/// `p` (relative to `cwd`) relative to `root`, with `/` separators; an error when it lies
/// outside the root, or, with `must_exist`, when there is nothing at it.
pub(super) fn root_relative(
    p: &Path,
    cwd: &Path,
    root: &Path,
    must_exist: bool,
) -> Result<String, String> {
    let abs = std::path::absolute(cwd.join(p)).map_err(|e| format!("{}: {e}", p.display()))?;
    let abs = normalize(&abs);
    if must_exist && !abs.exists() {
        return Err(format!(
            "`{}` does not exist: name files or folders under the folder of layers.toml",
            p.display()
        ));
    }
    let rel = abs.strip_prefix(root).map_err(|_| {
        format!(
            "`{}` is outside the folder of layers.toml (`{}`)",
            p.display(),
            root.display()
        )
    })?;
    Ok(crate::source::display_path(rel))
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

/// The PATH arguments that narrow what a run reports, relative to the root, as a tree of path
/// segments: a finding's path is matched by one walk down its own segments, whatever the
/// number of arguments.
pub(super) struct PathFilters {
    /// Each node's children, by segment; node 0 is the root (the empty path).
    children: Vec<HashMap<String, usize>>,
    /// Whether an argument ends at the node.
    ends: Vec<bool>,
    /// Each argument's node, in argument order.
    nodes: Vec<usize>,
}

impl PathFilters {
    pub(super) fn new(filters: &[String]) -> Self {
        let mut tree = Self {
            children: vec![HashMap::new()],
            ends: vec![false],
            nodes: Vec::with_capacity(filters.len()),
        };
        for filter in filters {
            let mut node = 0;
            for segment in filter.split('/').filter(|s| !s.is_empty()) {
                node = if let Some(&child) = tree.children.get(node).and_then(|c| c.get(segment)) {
                    child
                } else {
                    let child = tree.ends.len();
                    tree.children.push(HashMap::new());
                    tree.ends.push(false);
                    if let Some(c) = tree.children.get_mut(node) {
                        c.insert(segment.to_owned(), child);
                    }
                    child
                };
            }
            if let Some(end) = tree.ends.get_mut(node) {
                *end = true;
            }
            tree.nodes.push(node);
        }
        tree
    }

    /// The nodes of the arguments that select `path` (it is one, or lies in a folder that
    /// is one), root first.
    fn matches<'a>(&'a self, path: &'a str) -> impl Iterator<Item = usize> + 'a {
        let walk = path
            .split('/')
            .filter(|s| !s.is_empty())
            .scan(0, |node, segment| {
                *node = *self.children.get(*node)?.get(segment)?;
                Some(*node)
            });
        std::iter::once(0)
            .chain(walk)
            .filter(|&node| self.ends.get(node).copied().unwrap_or(false))
    }

    /// Whether a finding or warning in `path` is reported: there is no argument, or one
    /// selects it.
    pub(super) fn selects(&self, path: &str) -> bool {
        self.nodes.is_empty() || self.matches(path).next().is_some()
    }

    /// The index of the first argument that selects none of `paths`, skipping those equal
    /// to `skip`.
    pub(super) fn first_selecting_none<'a>(
        &self,
        filters: &[String],
        paths: impl Iterator<Item = &'a str>,
        skip: &str,
    ) -> Option<usize> {
        let mut hit = vec![false; self.ends.len()];
        for path in paths {
            for node in self.matches(path) {
                if let Some(h) = hit.get_mut(node) {
                    *h = true;
                }
            }
        }
        self.nodes
            .iter()
            .zip(filters)
            .position(|(&node, filter)| filter != skip && !hit.get(node).copied().unwrap_or(true))
    }
}
