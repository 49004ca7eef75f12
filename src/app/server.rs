//! `archgate server`: a Language Server on standard input and output (`lsp-server`, as
//! rust-analyzer uses it). It publishes archgate's findings as diagnostics for the open files
//! (message, then the fix instruction) whenever a file is opened or saved, from the same
//! analysis `check` runs (warm from the cache, so a save costs the files that changed);
//! configuration errors are diagnostics on `layers.toml` itself; hovering an import shows where
//! it leads and what the file may import (`where`, SPEC §10).
//!
//! The server reads files as saved on disk: diagnostics follow saves, not keystrokes.
//!
//! Layer `entry`.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Analysis, ExitStatus, apply_baseline, load_config, open_cache};
use crate::check;
use crate::cli::ServerArgs;
use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::harness::guide;
use crate::source::Region;

/// `archgate server`: serves until the client says `exit`.
pub(super) fn server(
    args: &ServerArgs,
    cwd: &Path,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let (connection, threads) = Connection::stdio();
    let capabilities = json!({
        // Open, close and save; the text itself is read from disk.
        "textDocumentSync": {"openClose": true, "change": 0, "save": {"includeText": false}},
        "hoverProvider": true,
    });
    let params = match connection.initialize(capabilities) {
        Ok(p) => p,
        Err(e) => {
            writeln!(
                err,
                "error: the editor did not start the language server: {e}"
            )?;
            return Ok(ExitStatus::Error);
        }
    };
    let folder = workspace_folder(&params).unwrap_or_else(|| cwd.to_path_buf());
    let mut server = Server {
        folder,
        config: args.config.clone(),
        open: BTreeSet::new(),
        published: BTreeSet::new(),
        state: None,
    };
    server.refresh(&connection);
    let status = server.serve(&connection);
    drop(connection);
    if let Err(e) = threads.join() {
        writeln!(err, "error: the language server's connection failed: {e}")?;
        return Ok(ExitStatus::Error);
    }
    Ok(status)
}

/// The folder the editor opened: the first workspace folder, else the root URI.
fn workspace_folder(params: &Value) -> Option<PathBuf> {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str)?;
    path_of(uri)
}

/// What the last analysis found.
struct State {
    analysis: Analysis,
    findings: Vec<Diagnostic>,
    /// The findings of each file (its path relative to the root), as indices in `findings`.
    by_path: HashMap<String, Vec<usize>>,
}

struct Server {
    /// Where the config is looked for (the workspace folder).
    folder: PathBuf,
    config: Option<PathBuf>,
    /// The open files, absolute.
    open: BTreeSet<PathBuf>,
    /// The files that hold published diagnostics, absolute.
    published: BTreeSet<PathBuf>,
    /// `None` while the configuration is broken.
    state: Option<State>,
}

impl Server {
    fn serve(&mut self, connection: &Connection) -> ExitStatus {
        for message in &connection.receiver {
            match message {
                Message::Request(request) => {
                    match connection.handle_shutdown(&request) {
                        Ok(true) => return ExitStatus::Success,
                        Ok(false) => {}
                        Err(_) => return ExitStatus::Error,
                    }
                    self.answer(connection, &request);
                }
                Message::Notification(note) => self.notice(connection, &note),
                Message::Response(_) => {}
            }
        }
        // The client went away without `shutdown`.
        ExitStatus::Error
    }

    fn answer(&self, connection: &Connection, request: &Request) {
        let response = if request.method == "textDocument/hover" {
            Response::new_ok(request.id.clone(), self.hover(&request.params))
        } else {
            Response::new_err(
                request.id.clone(),
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("archgate does not answer `{}`", request.method),
            )
        };
        let _ = connection.sender.send(response.into());
    }

    fn notice(&mut self, connection: &Connection, note: &Notification) {
        let file = note
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(path_of);
        match (note.method.as_str(), file) {
            // Opening or closing a file changes no other file's diagnostics: only its own are
            // sent (so that opening n files costs n messages, not n squared).
            ("textDocument/didOpen", Some(file)) => {
                self.open.insert(file.clone());
                self.publish_one(connection, &file);
            }
            ("textDocument/didClose", Some(file)) => {
                self.open.remove(&file);
                if self.published.remove(&file) {
                    send_diagnostics(connection, &file, &[]);
                }
            }
            ("textDocument/didSave", Some(_)) | ("workspace/didChangeWatchedFiles", _) => {
                self.refresh(connection);
            }
            _ => {}
        }
    }

    /// Analyses the repository again (the cache keeps it to the changed files) and publishes.
    fn refresh(&mut self, connection: &Connection) {
        self.state = None;
        let loaded = load_config(self.config.as_deref(), &self.folder);
        let config = match loaded {
            Ok(config) => config,
            Err(errors) => {
                self.publish_config_errors(connection, &errors);
                return;
            }
        };
        let cache = open_cache(
            &crate::cli::CacheArgs::default(),
            &self.folder,
            &config.root,
        );
        match super::analyze(config, super::jobs(None), cache) {
            Ok(analysis) => {
                let findings = check::run(&analysis.graph, &analysis.config);
                let findings = apply_baseline(&analysis.config, findings)
                    .map_or_else(|_| Vec::new(), |(kept, _)| kept);
                let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, d) in findings.iter().enumerate() {
                    by_path.entry(d.path.clone()).or_default().push(i);
                }
                self.state = Some(State {
                    analysis,
                    findings,
                    by_path,
                });
                self.publish(connection);
            }
            Err(errors) => self.publish_config_errors(connection, &errors),
        }
    }

    /// Publishes the findings of every open file, and clears those published before that have
    /// none now.
    fn publish(&mut self, connection: &Connection) {
        let Some(state) = &self.state else { return };
        let config = &state.analysis.config;
        let mut now: BTreeSet<PathBuf> = BTreeSet::new();
        for file in &self.open {
            if relative(config, file).is_none() {
                continue;
            }
            if send_findings(connection, state, file) {
                now.insert(file.clone());
            }
        }
        for stale in self.published.difference(&now) {
            if !self.open.contains(stale) {
                send_diagnostics(connection, stale, &[]);
            }
        }
        self.published = now;
    }

    /// Publishes the findings of the file just opened.
    fn publish_one(&mut self, connection: &Connection, file: &Path) {
        let Some(state) = &self.state else { return };
        if relative(&state.analysis.config, file).is_none() {
            return;
        }
        if send_findings(connection, state, file) {
            self.published.insert(file.to_owned());
        } else {
            self.published.remove(file);
        }
    }

    /// Configuration errors as diagnostics on `layers.toml` (or the file they point at).
    fn publish_config_errors(&mut self, connection: &Connection, errors: &[config::ConfigError]) {
        let file = match &self.config {
            Some(path) => self.folder.join(path),
            None => config::discover(&self.folder)
                .unwrap_or_else(|_| self.folder.join(config::FILE_NAME)),
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut lines = Lines::new(&text);
        let errors: Vec<&dyn miette::Diagnostic> = errors
            .iter()
            .map(|e| e as &dyn miette::Diagnostic)
            .collect();
        let diagnostics: Vec<Value> = crate::report::ToolProblem::all(&errors)
            .into_iter()
            .map(|problem| {
                let region = problem.region.unwrap_or_default();
                json!({
                    "range": lines.range(&region),
                    "severity": 1,
                    "code": problem.code,
                    "source": "archgate",
                    "message": match &problem.help {
                        Some(help) => format!("{}\nhelp: {help}", problem.message),
                        None => problem.message,
                    },
                })
            })
            .collect();
        for stale in std::mem::take(&mut self.published) {
            if stale != file {
                send_diagnostics(connection, &stale, &[]);
            }
        }
        send_diagnostics(connection, &file, &diagnostics);
        self.published.insert(file);
    }

    /// The hover text on an import: where it leads, and what the file may import.
    fn hover(&self, params: &Value) -> Value {
        let Some(state) = &self.state else {
            return Value::Null;
        };
        let (Some(file), Some(line), Some(character)) = (
            params
                .pointer("/textDocument/uri")
                .and_then(Value::as_str)
                .and_then(path_of),
            params.pointer("/position/line").and_then(Value::as_u64),
            params
                .pointer("/position/character")
                .and_then(Value::as_u64),
        ) else {
            return Value::Null;
        };
        let graph = &state.analysis.graph;
        let config = &state.analysis.config;
        let Some(rel) = relative(config, &file) else {
            return Value::Null;
        };
        let Some(id) = graph.files.id(&rel) else {
            return Value::Null;
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut lines = Lines::new(&text);
        let Some(site) = graph.sites().find_map(|(site, module)| {
            if site.file != id || u64::from(site.region.start.line) != line + 1 {
                return None;
            }
            let r = lines.range(&site.region);
            let on = r.pointer("/start/character").and_then(Value::as_u64) <= Some(character)
                && r.pointer("/end/character").and_then(Value::as_u64) >= Some(character);
            on.then_some((site, module))
        }) else {
            return Value::Null;
        };
        let (site, module) = site;
        let target = match module {
            crate::graph::Module::File(t) => {
                let (layer, modules) = crate::harness::place(graph, *t);
                let place = crate::harness::place_text(layer.as_deref(), &modules)
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                format!("`{}` → `{}`{place}", site.specifier, graph.files.path(*t))
            }
            crate::graph::Module::External(name) => {
                format!("`{}` → package `{name}`", site.specifier)
            }
            crate::graph::Module::Unresolved(_) => format!("`{}` → not found", site.specifier),
        };
        let cx = check::CheckContext::new(graph, config);
        let guidance = guide::guidance(&cx, &rel, Some(id), true, &state.findings);
        json!({
            "contents": {"kind": "markdown", "value": format!("{target}\n\n```text\n{}```", guide::render(&guidance))},
        })
    }
}

/// Sends the findings of the open `file`; whether it has any.
fn send_findings(connection: &Connection, state: &State, file: &Path) -> bool {
    let Some(rel) = relative(&state.analysis.config, file) else {
        return false;
    };
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut lines = Lines::new(&text);
    let diagnostics: Vec<Value> = state
        .by_path
        .get(&rel)
        .into_iter()
        .flatten()
        .filter_map(|&i| state.findings.get(i))
        .map(|d| finding(&mut lines, d))
        .collect();
    send_diagnostics(connection, file, &diagnostics);
    !diagnostics.is_empty()
}

/// A finding as an LSP diagnostic: the message, then the fix instruction; `lines` are its
/// file's, for the columns.
fn finding(lines: &mut Lines<'_>, d: &Diagnostic) -> Value {
    let mut message = format!("{}\nhelp: {}", d.message, d.help);
    if let Some(note) = &d.note {
        message.push_str(&format!("\nnote: {note}"));
    }
    json!({
        "range": lines.range(&d.region),
        "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
        "code": d.rule.code,
        "codeDescription": {"href": format!("https://github.com/archgate/archgate/blob/main/rules/{}.md", d.rule.name)},
        "source": "archgate",
        "message": message,
    })
}

fn send_diagnostics(connection: &Connection, file: &Path, diagnostics: &[Value]) {
    let note = Notification::new(
        "textDocument/publishDiagnostics".to_owned(),
        json!({"uri": uri_of(file), "diagnostics": diagnostics}),
    );
    let _ = connection.sender.send(note.into());
}

/// A file's text by lines, to turn archgate regions (1-based lines, columns in characters)
/// into LSP ranges (0-based, columns in UTF-16 code units, as LSP counts by default). Lines
/// end at `\n` (a `\r` before it is not part of the line), as [`str::lines`] reads them.
struct Lines<'a> {
    text: &'a str,
    /// The byte offset of each line's start.
    starts: Vec<usize>,
    /// The last position counted: (line, characters, bytes, UTF-16 units) from the line's
    /// start, so that the sites of one long line cost its length once, not once per site.
    last: (usize, usize, usize, usize),
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            text,
            starts,
            last: (usize::MAX, 0, 0, 0),
        }
    }

    fn line(&self, index: usize) -> &'a str {
        let Some(&start) = self.starts.get(index) else {
            return "";
        };
        match self.starts.get(index + 1) {
            Some(&next) => {
                let line = self.text.get(start..next - 1).unwrap_or("");
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => self.text.get(start..).unwrap_or(""),
        }
    }

    /// The UTF-16 offset of character `column` (1-based) of `line` (1-based).
    fn character(&mut self, line: u32, column: u32) -> usize {
        let index = line.saturating_sub(1) as usize;
        let wanted = column.saturating_sub(1) as usize;
        let (mut chars, mut bytes, mut units) = match self.last {
            (l, chars, bytes, units) if l == index && chars <= wanted => (chars, bytes, units),
            _ => (0, 0, 0),
        };
        let text = self.line(index);
        for c in text.get(bytes..).unwrap_or("").chars() {
            if chars == wanted {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
            units += c.len_utf16();
        }
        self.last = (index, chars, bytes, units);
        units
    }

    fn range(&mut self, region: &Region) -> Value {
        let mut position = |line: u32, column: u32| json!({"line": line.saturating_sub(1), "character": self.character(line, column)});
        let start = position(region.start.line, region.start.column);
        let end = position(region.end.line, region.end.column);
        json!({"start": start, "end": end})
    }
}

fn relative(config: &Config, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(&config.root).ok()?;
    Some(crate::source::display_path(rel))
}

/// The characters a file URI's path keeps as they are.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn uri_of(path: &Path) -> String {
    format!(
        "file://{}",
        utf8_percent_encode(&path.to_string_lossy(), PATH)
    )
}

fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` names another machine; `file:///path` has an empty host.
    let path = rest.get(rest.find('/')?..)?;
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}
