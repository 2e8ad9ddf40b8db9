//! When documents are checked and their diagnostics published.
//!
//! A change to a document asks for a check of it ([`Checks::request`]). At
//! most one check task runs per document: it starts at once (no debounce,
//! so nothing is added to the latency of a lone change), checks the newest
//! text on the blocking pool, publishes, and if more changes came in the
//! meantime checks again, so a burst of keystrokes costs one check per
//! check time, not one per keystroke. Only after the document's own
//! diagnostics are out does the task re-check the other open documents
//! that call it, one by one, giving up as soon as the document changes
//! again (the next round re-checks them).
//!
//! Every publication carries the workspace revision it was computed from;
//! a list from an older revision than the last one published for that
//! document is dropped, so a slow task can never overwrite newer results.

use crate::analysis::{AnalysisCache, Retired};
use crate::features::diagnostics::{self, Published};
use crate::server::lock;
use crate::workspace::Workspace;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::Client;

/// How long a request waits for the check of the newest text of its
/// document before it analyses that text itself.
pub const SETTLE_LIMIT: Duration = Duration::from_secs(2);

/// Frees a replaced analysis on the blocking pool, after its replacement's
/// diagnostics went out, and waits for it. The task stays marked running
/// meanwhile, so a change that comes in is checked right after, by this
/// task: freeing a large tree never runs beside a check (on two cores the
/// two shared the CPU and the allocator's arena: freeing on another thread
/// without waiting, tried again under a machine load of 10, made the
/// check itself 10 ms slower and the bench 5 ms slower than this), and at
/// most one retired tree is held at a time (leaking them instead was
/// slower still: fresh pages cost more than reused ones). With glibc's
/// fast bins off ([`crate::malloc`]) freeing the 500 KiB bench flow's tree
/// costs about a sixth of checking it.
async fn retire(retired: Retired) {
    if let Err(e) = tokio::task::spawn_blocking(move || retired.free()).await {
        tracing::error!("freeing an analysis failed: {e}");
    }
}

/// When the steps of one check on the blocking pool ended (for the logs).
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// The check started.
    start: Instant,
    /// Parse, resolve and check done.
    checked: Instant,
    /// Converted to LSP.
    converted: Instant,
}

/// The check task of one document.
#[derive(Debug, Default, Clone, Copy)]
struct TaskState {
    /// When the last check was asked for (for the latency in the logs).
    asked: Option<Instant>,
    /// A task is running for the document.
    running: bool,
    /// The document (or a file it depends on) changed since the running
    /// task took its snapshot.
    dirty: bool,
}

/// State shared by the request handlers and the check tasks.
#[derive(Debug)]
pub struct Checks {
    /// Open documents over the disk.
    pub workspace: Mutex<Workspace>,
    /// The URI each open document was opened with (paths are the keys of
    /// the workspace; URIs are what the client wants back).
    pub uris: Mutex<HashMap<PathBuf, Uri>>,
    /// The latest analysis of each document.
    pub cache: AnalysisCache,
    tasks: Mutex<HashMap<PathBuf, TaskState>>,
    /// The workspace revision of the last list published per document.
    published: Mutex<HashMap<PathBuf, u64>>,
    /// Signalled whenever a check task stored an analysis.
    analysed: Notify,
}

impl Checks {
    /// Checks over `workspace`, with nothing open yet.
    pub fn new(workspace: Workspace) -> Self {
        Checks {
            workspace: Mutex::new(workspace),
            uris: Mutex::new(HashMap::new()),
            cache: AnalysisCache::new(),
            tasks: Mutex::new(HashMap::new()),
            published: Mutex::new(HashMap::new()),
            analysed: Notify::new(),
        }
    }

    /// A snapshot of the workspace.
    pub fn snapshot(&self) -> Workspace {
        lock(&self.workspace).clone()
    }

    /// Asks for a check of `path` (if it is open) and then of the open
    /// documents that depend on it. Starts a task unless one is running
    /// for `path`; that one then goes round again.
    pub fn request(self: &Arc<Self>, client: &Client, path: PathBuf) {
        let start = {
            let mut tasks = lock(&self.tasks);
            let state = tasks.entry(path.clone()).or_default();
            state.dirty = true;
            state.asked = Some(Instant::now());
            !std::mem::replace(&mut state.running, true)
        };
        if start {
            tokio::spawn(Arc::clone(self).run(client.clone(), path));
        }
    }

    /// Asks for a check of every open document (the flow roots may have
    /// changed).
    pub fn request_all(self: &Arc<Self>, client: &Client) {
        let paths: Vec<PathBuf> = lock(&self.workspace).open_paths().map(Path::to_path_buf).collect();
        for path in paths {
            self.request(client, path);
        }
    }

    /// Forgets what was published for `path` (closed).
    pub fn forget(&self, path: &Path) {
        lock(&self.published).remove(path);
        self.cache.remove(path);
    }

    /// Whether `path` changed since its task's last snapshot.
    fn dirty(&self, path: &Path) -> bool {
        lock(&self.tasks).get(path).is_some_and(|s| s.dirty)
    }

    /// Takes the change flag of `path` down before a snapshot is taken (a
    /// change after this point raises it again); returns when the check
    /// was asked for.
    fn clear_dirty(&self, path: &Path) -> Option<Instant> {
        let mut tasks = lock(&self.tasks);
        let s = tasks.get_mut(path)?;
        s.dirty = false;
        s.asked
    }

    /// Ends the task of `path` unless a change came in since its last
    /// snapshot; `true` when it ended.
    fn finish(&self, path: &Path) -> bool {
        let mut tasks = lock(&self.tasks);
        match tasks.get_mut(path) {
            Some(s) if s.dirty => false,
            Some(s) => {
                s.running = false;
                true
            }
            None => true,
        }
    }

    /// The task of one document: its own check, then its dependents',
    /// round after round while changes keep coming.
    async fn run(self: Arc<Self>, client: Client, path: PathBuf) {
        'round: loop {
            let asked = self.clear_dirty(&path);
            let ws = self.snapshot();
            if ws.document(&path).is_some() {
                let checked = self.blocking(ws, path.clone()).await;
                let back = Instant::now();
                self.analysed.notify_waiters();
                if let Some((p, retired, t)) = checked {
                    let version = p.version;
                    self.publish(&client, p).await;
                    let sent = Instant::now();
                    let published = asked.map(|t| t.elapsed().as_secs_f64() * 1e3);
                    retire(retired).await;
                    let ms = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64() * 1e3;
                    tracing::debug!(
                        path = %path.display(),
                        version,
                        queue_ms = asked.map(|a| ms(a, t.start)),
                        check_ms = ms(t.start, t.checked),
                        convert_ms = ms(t.checked, t.converted),
                        back_ms = ms(t.converted, back),
                        send_ms = ms(back, sent),
                        free_ms = ms(sent, Instant::now()),
                        since_change_ms = published,
                        "published"
                    );
                }
            }
            let dependents = diagnostics::dependents(&self.snapshot(), &self.cache, &path);
            for other in dependents {
                if self.dirty(&path) {
                    continue 'round;
                }
                let checked = self.blocking(self.snapshot(), other).await;
                if let Some((p, retired, _)) = checked {
                    self.publish(&client, p).await;
                    retire(retired).await;
                }
            }
            if self.finish(&path) {
                return;
            }
        }
    }

    /// Checks `path` in `ws` on the blocking pool (checking is CPU work),
    /// caching the analysis; returns what to publish, the analysis it
    /// replaced and how long checking and converting took.
    async fn blocking(self: &Arc<Self>, ws: Workspace, path: PathBuf) -> Option<(Published, Retired, Timing)> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            let (a, retired) = me.cache.refresh_retiring(&ws, &path)?;
            let checked = Instant::now();
            let p = diagnostics::publish(&a);
            let t = Timing {
                start,
                checked,
                converted: Instant::now(),
            };
            Some((p, retired, t))
        })
        .await
        .unwrap_or_else(|e| {
            tracing::error!("check task failed: {e}");
            None
        })
    }

    /// Sends `p` unless its document moved on to another version, closed,
    /// or got a list from a newer revision already.
    async fn publish(&self, client: &Client, p: Published) {
        let current = lock(&self.workspace).document(&p.path).map(|d| d.version());
        if current != Some(p.version) {
            return;
        }
        {
            let mut published = lock(&self.published);
            let last = published.entry(p.path.clone()).or_insert(0);
            if *last > p.revision {
                return;
            }
            *last = p.revision;
        }
        let uri = lock(&self.uris).get(&p.path).cloned();
        if let Some(uri) = uri {
            client.publish_diagnostics(uri, p.diagnostics, Some(p.version)).await;
        }
    }

    /// Waits (at most [`SETTLE_LIMIT`]) until the running check of `path`,
    /// if any, has analysed the document's newest text, so a request that
    /// follows a change reuses that analysis instead of checking the same
    /// text a second time beside it.
    pub async fn settled(&self, path: &Path) {
        let deadline = tokio::time::Instant::now() + SETTLE_LIMIT;
        loop {
            let notified = self.analysed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let running = lock(&self.tasks).get(path).is_some_and(|s| s.running);
            if !running {
                return;
            }
            let doc = lock(&self.workspace).document(path).cloned();
            let current = match (doc, self.cache.last(path)) {
                (Some(doc), Some(a)) => Arc::ptr_eq(&a.doc, &doc),
                (None, _) => true,
                (Some(_), None) => false,
            };
            if current || tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }
}
