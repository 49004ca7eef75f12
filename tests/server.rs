//! `archgate server` driven by a scripted Language Server client over stdio, as an editor
//! drives it: initialize, open a file, save after an edit, hover an import, break and repair
//! `layers.toml`, shut down.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::needless_pass_by_value,
    reason = "a failing test panics; messages are built in place"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Client {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_archgate"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id {
                return message["result"].clone();
            }
        }
    }

    fn next(&self) -> Value {
        self.messages
            .recv_timeout(Duration::from_mins(1))
            .expect("the server answered within a minute")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.next();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_editor_sees_findings_on_open_and_save_hovers_and_config_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let config = "[[layers]]\nname = \"api\"\npaths = [\"app/api/**\"]\n\n\
                  [[layers]]\nname = \"domain\"\npaths = [\"app/domain/**\"]\n";
    write(&dir, "layers.toml", config);
    write(&dir, "app/__init__.py", "");
    write(&dir, "app/api/__init__.py", "");
    write(
        &dir,
        "app/api/routes.py",
        "from app.domain.order import Order\n",
    );
    write(&dir, "app/domain/__init__.py", "");
    write(&dir, "app/domain/order.py", "class Order:\n    pass\n");

    let mut client = Client::start(&dir);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true, "{init}");
    client.notify("initialized", json!({}));

    // A clean file: no diagnostics.
    let order = dir.join("app/domain/order.py");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&order), "languageId": "python", "version": 1,
               "text": "class Order:\n    pass\n"}}),
    );
    assert_eq!(client.diagnostics_for(&uri(&order)), Vec::<Value>::new());

    // An upward import, saved: the finding with its fix instruction, on the import's range.
    write(
        &dir,
        "app/domain/order.py",
        "from app.api.routes import render\n\nclass Order:\n    pass\n",
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&order)}}),
    );
    let diagnostics = client.diagnostics_for(&uri(&order));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "AG001");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], json!({"line": 0, "character": 5}));
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("from higher layer `api`"), "{message}");
    assert!(
        message.contains("\nhelp: Remove the import of `app.api.routes.render`"),
        "{message}"
    );

    // Hovering the import: where it leads, and what the file may import.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&order)}, "position": {"line": 0, "character": 10}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("`app.api.routes.render` → `app/api/routes.py` (layer `api`)"),
        "{text}"
    );
    assert!(
        text.contains("May import: `domain` (app/domain/**)"),
        "{text}"
    );
    // Not on an import: nothing.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&order)}, "position": {"line": 2, "character": 3}}),
    );
    assert_eq!(hover, Value::Null);

    // A broken layers.toml: its error is a diagnostic on layers.toml, the file's are cleared.
    write(&dir, "layers.toml", &config.replace("paths", "pahts"));
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&dir.join("layers.toml"))}}),
    );
    let on_order = client.diagnostics_for(&uri(&order));
    assert!(on_order.is_empty(), "{on_order:?}");
    let on_config = client.diagnostics_for(&uri(&dir.join("layers.toml")));
    assert!(!on_config.is_empty());
    assert_eq!(on_config[0]["code"], "config::unknown-key", "{on_config:?}");
    assert_eq!(on_config[0]["range"]["start"]["line"], 2);

    // Repaired and the import fixed: the config's diagnostics and the finding are gone.
    write(&dir, "layers.toml", config);
    write(&dir, "app/domain/order.py", "class Order:\n    pass\n");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&order)}}),
    );
    assert!(client.diagnostics_for(&uri(&order)).is_empty());
    assert!(
        client
            .diagnostics_for(&uri(&dir.join("layers.toml")))
            .is_empty()
    );

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
