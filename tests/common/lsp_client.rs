//! A small LSP client for tests: starts the real `jobflow lsp`, frames
//! messages with `Content-Length`, matches responses to request ids, keeps
//! notifications until a test waits for them, and answers the server's own
//! requests with `null` (keeping them for tests to inspect).

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long a test waits for any one answer.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `jobflow lsp` and the messages it sent that nobody read yet.
pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    pending: VecDeque<Value>,
    /// Requests the server sent to the client, in arrival order.
    server_requests: Vec<Value>,
    next_id: i64,
}

/// The `file:` URI of an absolute path, every byte but `A-Za-z0-9-._~/`
/// percent-encoded (as the server encodes).
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a `file:` URI (percent-decoded).
pub fn uri_path(uri: &str) -> PathBuf {
    let raw = uri.strip_prefix("file://").unwrap_or(uri).as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("zz"), 16) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    PathBuf::from(String::from_utf8(bytes).expect("URI path is UTF-8"))
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl LspClient {
    /// Starts `jobflow lsp` and runs `initialize`/`initialized` with
    /// `root` as the workspace folder.
    pub fn start(root: &Path) -> LspClient {
        Self::start_with(root, json!({}))
    }

    /// [`Self::start`] with `workspace` as the client's workspace
    /// capabilities (e.g. `didChangeWatchedFiles`).
    pub fn start_with(root: &Path, workspace: Value) -> LspClient {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jobflow"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start jobflow lsp");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdin = child.stdin.take();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = LspClient {
            child,
            stdin,
            incoming: rx,
            pending: VecDeque::new(),
            server_requests: Vec::new(),
            next_id: 1,
        };
        let root_uri = file_uri(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "ws"}],
                "capabilities": {
                    "workspace": workspace,
                    "general": {"positionEncodings": ["utf-16"]},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": true}},
                        "publishDiagnostics": {"versionSupport": true}
                    }
                }
            }),
        );
        assert!(result.get("capabilities").is_some(), "initialize answered {result}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        let stdin = self.stdin.as_mut().expect("stdin still open");
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write to server");
        stdin.flush().expect("flush to server");
    }

    /// The next message from the server; a request of the server is
    /// answered (and recorded) before it is returned.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = self.incoming.recv_timeout(left).ok()?;
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let id = msg["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            self.server_requests.push(msg.clone());
        }
        Some(msg)
    }

    /// Sends a request and returns its result; panics on an error answer or
    /// a timeout.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no answer to {method} within {TIMEOUT:?}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                if let Some(err) = msg.get("error") {
                    panic!("{method} failed: {err}");
                }
                return msg.get("result").cloned().unwrap_or(Value::Null);
            }
            self.pending.push_back(msg);
        }
    }

    /// Waits until the server has sent a request `method` to the client
    /// and returns its params.
    pub fn wait_server_request(&mut self, method: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(r) = self.server_requests.iter().find(|r| r["method"] == method) {
                return r["params"].clone();
            }
            let msg = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no {method} request within {TIMEOUT:?}"));
            self.pending.push_back(msg);
        }
    }

    /// How many requests `method` the server sent to the client so far
    /// (among the messages read).
    pub fn server_requests_seen(&self, method: &str) -> usize {
        self.server_requests.iter().filter(|r| r["method"] == method).count()
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits for a notification `method` whose params satisfy `pred`,
    /// skipping (and dropping) others of the same method that do not.
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .pending
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            let msg = self.pending.remove(i).expect("index is in range");
            return msg["params"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no {method} notification within {TIMEOUT:?}"));
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            if msg["method"] != method {
                self.pending.push_back(msg);
            }
        }
    }

    /// Waits for the diagnostics of `path` at `version`.
    pub fn diagnostics(&mut self, path: &Path, version: i64) -> Vec<Value> {
        let want = path.to_path_buf();
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"].as_str().map(uri_path) == Some(want.clone()) && p["version"] == json!(version)
        });
        params["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens `path` with `text` at version 1.
    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": file_uri(path), "languageId": "jobflow", "version": 1, "text": text}}),
        );
    }

    /// Replaces `(line, character)..(line, character)` of `path` with `text`.
    pub fn change(&mut self, path: &Path, version: i64, start: (u32, u32), end: (u32, u32), text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": file_uri(path), "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": start.0, "character": start.1},
                              "end": {"line": end.0, "character": end.1}},
                    "text": text
                }]
            }),
        );
    }

    /// The parameters of a position request at `(line, character)` of `path`.
    pub fn at(path: &Path, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": file_uri(path)}, "position": {"line": line, "character": character}})
    }

    /// Sends `shutdown` then `exit` and returns the exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.stdin.take();
        self.wait()
    }

    /// Waits (at most [`TIMEOUT`]) for the server to end.
    pub fn wait(mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll server") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the input without `shutdown` and returns the exit status.
    pub fn close_input(mut self) -> ExitStatus {
        self.stdin.take();
        self.wait()
    }

    /// Sends `exit` without `shutdown` and returns the exit status.
    pub fn exit_without_shutdown(mut self) -> ExitStatus {
        self.notify("exit", Value::Null);
        self.stdin.take();
        self.wait()
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
