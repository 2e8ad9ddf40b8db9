//! `jobflow lsp` over stdio: initialization, capabilities, and the exit
//! status rules of `cli-and-layout.md` (0 on `exit` after `shutdown`).

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::LspClient;

#[test]
fn exit_after_shutdown_is_status_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = LspClient::start(dir.path());
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = LspClient::start(dir.path());
    let status = client.exit_without_shutdown();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn closed_input_ends_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = LspClient::start(dir.path());
    let status = client.close_input();
    assert_eq!(status.code(), Some(1));
}
