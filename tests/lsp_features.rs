//! `jobflow lsp` over stdio on a small workspace: a flow root with
//! `jobflow.toml`, sub-flows in subdirectories, Japanese names
//! (`サービス/再起動.jf` with parameter `ホスト`). Diagnostics on open and after
//! an incremental change, definition, hover, completion, rename across
//! files, and a clean exit.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{file_uri, uri_path, LspClient};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const RESTART: &str =
    "# サービスを再起動する\n|ホスト|\n|service = 'httpd'|\n[__host__ = ホスト] -> ['systemctl restart $service']\n";

const MAIN: &str = "|target = 'web01'|\n[結果 = 0]\n-> [/サービス/再起動: ホスト = target]\n-> print(結果)\n";

struct Ws {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn workspace() -> Ws {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    std::fs::write(root.join("jobflow.toml"), "").expect("write jobflow.toml");
    std::fs::create_dir_all(root.join("サービス")).expect("mkdir");
    std::fs::create_dir_all(root.join("ops")).expect("mkdir");
    std::fs::write(root.join("サービス/再起動.jf"), RESTART).expect("write sub-flow");
    std::fs::write(root.join("main.jf"), MAIN).expect("write main");
    std::fs::write(
        root.join("ops/check.jf"),
        "[../サービス/再起動: ホスト = 'db1'] -> [/サービス/再起動: 'db2']\n",
    )
    .expect("write caller");
    Ws { _dir: dir, root }
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

fn at(path: &Path, line: u32, character: u32) -> Value {
    LspClient::at(path, line, character)
}

#[test]
fn diagnostics_on_open_and_after_an_incremental_change() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics(&main, 1), Vec::<Value>::new());

    // `print(結果)` → `print(結果x)`: an undefined name (E101), placed after
    // the two 1-unit characters of 結果 in UTF-16.
    c.change(&main, 2, (3, 11), (3, 11), "x");
    let diags = c.diagnostics(&main, 2);
    assert_eq!(codes(&diags), vec!["E101"], "{diags:?}");
    assert_eq!(diags[0]["range"]["start"], json!({"line": 3, "character": 9}));
    assert_eq!(diags[0]["range"]["end"], json!({"line": 3, "character": 12}));

    // Undo it, and pass a parameter the callee does not declare (E206).
    c.change(&main, 3, (3, 11), (3, 12), "");
    c.change(&main, 4, (2, 27), (2, 27), ", port = 22");
    let diags = c.diagnostics(&main, 4);
    assert_eq!(codes(&diags), vec!["E206"], "{diags:?}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_callee_change_rechecks_its_open_callers() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let sub = ws.root.join("サービス/再起動.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&main, MAIN);
    assert!(c.diagnostics(&main, 1).is_empty());
    c.open(&sub, RESTART);
    assert!(c.diagnostics(&sub, 1).is_empty());
    // Rename the parameter in the (unsaved) callee: the caller's keyword
    // no longer matches.
    c.change(&sub, 2, (1, 1), (1, 4), "host");
    // Opening the callee re-checked the caller too: skip those lists.
    let mut diags = c.diagnostics(&main, 1);
    for _ in 0..3 {
        if !diags.is_empty() {
            break;
        }
        diags = c.diagnostics(&main, 1);
    }
    // `ホスト` is unknown now, and the required `host` is missing.
    assert_eq!(codes(&diags), vec!["E206", "E206"], "{diags:?}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn definition_hover_and_completion() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let sub = ws.root.join("サービス/再起動.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&main, MAIN);
    c.diagnostics(&main, 1);

    // Sub-flow path → the file.
    let def = c.request("textDocument/definition", at(&main, 2, 10));
    assert_eq!(uri_path(def[0]["uri"].as_str().expect("uri")), sub);
    // Keyword argument → the callee's parameter declaration (line 1).
    let def = c.request("textDocument/definition", at(&main, 2, 17));
    assert_eq!(uri_path(def[0]["uri"].as_str().expect("uri")), sub);
    assert_eq!(def[0]["range"]["start"], json!({"line": 1, "character": 1}));
    // Variable → its parameter declaration.
    let def = c.request("textDocument/definition", at(&main, 2, 23));
    assert_eq!(def[0]["uri"].as_str().map(uri_path), Some(main.clone()));
    assert_eq!(def[0]["range"]["start"], json!({"line": 0, "character": 1}));

    let hover = c.request("textDocument/hover", at(&main, 3, 4));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("print(message=''"), "{hover}");
    let hover = c.request("textDocument/hover", at(&main, 2, 10));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("|ホスト|") && text.contains("サービスを再起動する"),
        "{hover}"
    );

    // Completion of the callee's parameters inside `[/サービス/再起動: …]`.
    let list = c.request("textDocument/completion", at(&main, 2, 15));
    let labels: Vec<&str> = list["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"target"), "{labels:?}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn completion_of_parameters_paths_and_status_variables() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&main, MAIN);
    c.diagnostics(&main, 1);
    c.change(
        &main,
        2,
        (3, 12),
        (3, 12),
        "\n-> [/サービス/再起動: ] -> print($) -> [/]",
    );
    c.diagnostics(&main, 2);
    let labels = |c: &mut LspClient, line: u32, ch: u32| -> Vec<String> {
        let list = c.request("textDocument/completion", at(&main, line, ch));
        list["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["label"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let params = labels(&mut c, 4, 15);
    assert!(params.contains(&"ホスト =".to_string()), "{params:?}");
    assert!(params.contains(&"service =".to_string()), "{params:?}");
    let status = labels(&mut c, 4, 27);
    assert!(status.contains(&"STATUS".to_string()), "{status:?}");
    let paths = labels(&mut c, 4, 34);
    assert!(
        paths.contains(&"サービス".to_string()) && paths.contains(&"ops".to_string()),
        "{paths:?}"
    );
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn rename_a_parameter_across_files() {
    let ws = workspace();
    let sub = ws.root.join("サービス/再起動.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&sub, RESTART);
    c.diagnostics(&sub, 1);
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": file_uri(&sub)}, "position": {"line": 1, "character": 2}, "newName": "host"}),
    );
    let changes = edit["changes"].as_object().expect("changes");
    let mut files: Vec<(PathBuf, usize)> = changes
        .iter()
        .map(|(uri, edits)| (uri_path(uri), edits.as_array().map_or(0, Vec::len)))
        .collect();
    files.sort();
    let mut want = vec![
        (ws.root.join("main.jf"), 1),
        (ws.root.join("ops/check.jf"), 1),
        (sub.clone(), 2),
    ];
    want.sort();
    assert_eq!(files, want);
    for edits in changes.values() {
        for e in edits.as_array().into_iter().flatten() {
            assert_eq!(e["newText"], "host");
        }
    }
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

/// The client capabilities of an editor that watches files for the server.
fn watching() -> Value {
    json!({"didChangeWatchedFiles": {"dynamicRegistration": true}})
}

fn watched(c: &mut LspClient, path: &Path, typ: u32) {
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(path), "type": typ}]}),
    );
}

#[test]
fn the_server_registers_watchers_for_flows_and_root_markers() {
    let ws = workspace();
    let mut c = LspClient::start_with(&ws.root, watching());
    let params = c.wait_server_request("client/registerCapability");
    let reg = &params["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles", "{params}");
    let globs: Vec<&str> = reg["registerOptions"]["watchers"]
        .as_array()
        .map(|w| w.iter().filter_map(|x| x["globPattern"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(globs, vec!["**/*.jf", "**/jobflow.toml"], "{params}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn no_watchers_are_registered_without_client_support() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let mut c = LspClient::start(&ws.root);
    c.open(&main, MAIN);
    c.diagnostics(&main, 1);
    // A request answered after `initialized` was handled: any registration
    // would have been sent before it.
    c.request("textDocument/hover", at(&main, 3, 4));
    assert_eq!(c.server_requests_seen("client/registerCapability"), 0);
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_callee_changed_on_disk_rechecks_its_open_callers() {
    let ws = workspace();
    let main = ws.root.join("main.jf");
    let sub = ws.root.join("サービス/再起動.jf");
    let mut c = LspClient::start_with(&ws.root, watching());
    c.wait_server_request("client/registerCapability");
    c.open(&main, MAIN);
    assert!(c.diagnostics(&main, 1).is_empty());

    // The callee (not open in the editor) renames its parameter on disk.
    std::fs::write(&sub, RESTART.replace("ホスト", "host")).expect("rewrite sub-flow");
    watched(&mut c, &sub, 2);
    let want = main.clone();
    let params = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"].as_str().map(uri_path) == Some(want.clone())
            && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let diags = params["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(codes(&diags), vec!["E206", "E206"], "{diags:?}");
    assert_eq!(params["version"], json!(1));

    // Put back: the caller is clean again.
    std::fs::write(&sub, RESTART).expect("restore sub-flow");
    watched(&mut c, &sub, 2);
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"].as_str().map(uri_path) == Some(want.clone()) && p["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });

    // Deleted: the path names nothing any more.
    std::fs::remove_file(&sub).expect("delete sub-flow");
    watched(&mut c, &sub, 3);
    let params = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"].as_str().map(uri_path) == Some(want.clone())
            && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let diags = params["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(c.shutdown_and_exit().code(), Some(0));
}
