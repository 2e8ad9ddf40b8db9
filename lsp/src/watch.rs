//! Files changed on disk: the server asks the client to watch flows and
//! flow-root markers (`**/*.jf`, `**/jobflow.toml`) through dynamic
//! registration of `workspace/didChangeWatchedFiles`, and turns the events
//! into checks: the open flows that call a changed callee are re-checked,
//! and every open flow when a `jobflow.toml` comes or goes (roots move).

use crate::server::uri_to_path;
use std::path::PathBuf;
use tower_lsp_server::ls_types::{
    ClientCapabilities, DidChangeWatchedFilesRegistrationOptions, FileEvent, FileSystemWatcher, GlobPattern,
    Registration,
};
use tower_lsp_server::Client;

/// The id of our watcher registration.
pub const REGISTRATION_ID: &str = "jobflow-watched-files";

/// The globs the client is asked to watch.
pub const GLOBS: [&str; 2] = ["**/*.jf", "**/jobflow.toml"];

/// Whether the client accepts a dynamic registration of watched files.
pub fn client_can_register(caps: &ClientCapabilities) -> bool {
    caps.workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false)
}

/// The registration asking the client to watch [`GLOBS`].
pub fn registration() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: GLOBS
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*g).to_string()),
                kind: None,
            })
            .collect(),
    };
    Registration {
        id: REGISTRATION_ID.to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// Asks the client to watch [`GLOBS`]; a refusal is logged (the server then
/// only sees files as they are when a document is checked).
pub async fn register(client: &Client) {
    if let Err(e) = client.register_capability(vec![registration()]).await {
        tracing::warn!("the client did not register the file watchers: {e}");
    }
}

/// What a batch of file events means for the checks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WatchedChanges {
    /// A `jobflow.toml` changed: flow roots may have moved.
    pub roots: bool,
    /// Flow files that changed on disk and are not open in the editor (an
    /// open document's text wins over its file), sorted, without duplicates.
    pub flows: Vec<PathBuf>,
}

impl WatchedChanges {
    /// Whether nothing needs checking.
    pub fn is_empty(&self) -> bool {
        !self.roots && self.flows.is_empty()
    }
}

/// Sorts `events` into root markers and flows; `is_open` tells which paths
/// are open documents. Other files are ignored.
pub fn classify(events: &[FileEvent], is_open: impl Fn(&std::path::Path) -> bool) -> WatchedChanges {
    let mut out = WatchedChanges::default();
    for event in events {
        let path = uri_to_path(&event.uri);
        if path.file_name().is_some_and(|n| n == "jobflow.toml") {
            out.roots = true;
        } else if path.extension().is_some_and(|e| e == "jf") && !is_open(&path) {
            out.flows.push(path);
        }
    }
    out.flows.sort();
    out.flows.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use tower_lsp_server::ls_types::{FileChangeType, Uri};

    fn event(path: &str) -> FileEvent {
        let uri = Uri::from_file_path(Path::new(path));
        FileEvent {
            uri: uri.unwrap_or_else(|| panic!("no URI for {path}")),
            typ: FileChangeType::CHANGED,
        }
    }

    #[test]
    fn flows_not_open_and_root_markers_count() {
        let events = [
            event("/ws/lib/b.jf"),
            event("/ws/lib/a.jf"),
            event("/ws/open.jf"),
            event("/ws/lib/a.jf"),
            event("/ws/notes.txt"),
        ];
        let changes = classify(&events, |p| p == Path::new("/ws/open.jf"));
        assert_eq!(
            changes,
            WatchedChanges {
                roots: false,
                flows: vec![PathBuf::from("/ws/lib/a.jf"), PathBuf::from("/ws/lib/b.jf")],
            }
        );
        let changes = classify(&[event("/ws/sub/jobflow.toml")], |_| false);
        assert!(changes.roots && changes.flows.is_empty());
        assert!(classify(&[event("/ws/open.jf")], |_| true).is_empty());
    }

    #[test]
    fn the_registration_names_both_globs() {
        let r = registration();
        assert_eq!(r.method, "workspace/didChangeWatchedFiles");
        let options = r.register_options.unwrap_or_default();
        let globs: Vec<&str> = options["watchers"]
            .as_array()
            .map(|w| w.iter().filter_map(|x| x["globPattern"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(globs, GLOBS.to_vec());
    }
}
