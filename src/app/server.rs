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

use std::collections::BTreeSet;
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
            ("textDocument/didOpen", Some(file)) => {
                self.open.insert(file);
                self.publish(connection);
            }
            ("textDocument/didClose", Some(file)) => {
                self.open.remove(&file);
                self.publish(connection);
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
                self.state = Some(State { analysis, findings });
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
            let Some(rel) = relative(config, file) else {
                continue;
            };
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let diagnostics: Vec<Value> = state
                .findings
                .iter()
                .filter(|d| d.path == rel)
                .map(|d| finding(&text, d))
                .collect();
            if !diagnostics.is_empty() {
                now.insert(file.clone());
            }
            send_diagnostics(connection, file, &diagnostics);
        }
        for stale in self.published.difference(&now) {
            if !self.open.contains(stale) {
                send_diagnostics(connection, stale, &[]);
            }
        }
        self.published = now;
    }

    /// Configuration errors as diagnostics on `layers.toml` (or the file they point at).
    fn publish_config_errors(&mut self, connection: &Connection, errors: &[config::ConfigError]) {
        let file = match &self.config {
            Some(path) => self.folder.join(path),
            None => config::discover(&self.folder)
                .unwrap_or_else(|_| self.folder.join(config::FILE_NAME)),
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let errors: Vec<&dyn miette::Diagnostic> = errors
            .iter()
            .map(|e| e as &dyn miette::Diagnostic)
            .collect();
        let diagnostics: Vec<Value> = crate::report::ToolProblem::all(&errors)
            .into_iter()
            .map(|problem| {
                let region = problem.region.unwrap_or_default();
                json!({
                    "range": range_in(&text, &region),
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
        let Some(site) = graph.sites().find_map(|(site, module)| {
            if site.file != id || u64::from(site.region.start.line) != line + 1 {
                return None;
            }
            let r = range_in(&text, &site.region);
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

/// A finding as an LSP diagnostic: the message, then the fix instruction; `text` is its
/// file's, for the columns.
fn finding(text: &str, d: &Diagnostic) -> Value {
    let mut message = format!("{}\nhelp: {}", d.message, d.help);
    if let Some(note) = &d.note {
        message.push_str(&format!("\nnote: {note}"));
    }
    json!({
        "range": range_in(text, &d.region),
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

/// An archgate region (1-based lines, columns in characters) as an LSP range (0-based, columns
/// in UTF-16 code units, as LSP counts by default), measured on the file's text.
fn range_in(text: &str, region: &Region) -> Value {
    let position = |line: u32, column: u32| {
        let line_text = text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("");
        let character: usize = line_text
            .chars()
            .take(column.saturating_sub(1) as usize)
            .map(char::len_utf16)
            .sum();
        json!({"line": line.saturating_sub(1), "character": character})
    };
    json!({
        "start": position(region.start.line, region.start.column),
        "end": position(region.end.line, region.end.column),
    })
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
