//! The `LanguageServer` implementation: keeps the document store, schedules
//! diagnostics, and hands each request to its feature module.

use crate::checks::Checks;
use crate::documents::Document;
use crate::features;
use crate::vfs::DiskFs;
use crate::watch;
use crate::workspace::Workspace;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The language server: one per connection.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    shared: Arc<Checks>,
    /// Whether the client registers file watchers on our request.
    watch_files: AtomicBool,
    /// Set by `shutdown`, so `jobflow lsp` knows to exit with status 0.
    shutdown: Arc<AtomicBool>,
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it
/// (the data are plain values that stay consistent between statements).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The file path a URI stands for. `file:` URIs map to their path; other
/// schemes (`untitled:`) to a path under `/untitled` that has no flow root.
pub fn uri_to_path(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path() {
        Some(p) if is_file => p.into_owned(),
        _ => {
            let name: String = uri
                .as_str()
                .chars()
                .map(|c| if c.is_alphanumeric() || c == '.' { c } else { '_' })
                .collect();
            PathBuf::from("/untitled").join(name)
        }
    }
}

/// A JSON-RPC "invalid params" error carrying `e`'s message.
fn invalid_params(e: impl std::fmt::Display) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error::invalid_params(e.to_string())
}

/// The URI of a file path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

impl Backend {
    /// A server talking to `client`; `shutdown` is set once the client asks
    /// the server to shut down.
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        Backend {
            client,
            shared: Arc::new(Checks::new(Workspace::new(Arc::new(DiskFs)))),
            watch_files: AtomicBool::new(false),
            shutdown,
        }
    }

    /// A snapshot of the workspace for a request about `uri`, taken once
    /// the running check of that document (if any) has analysed its newest
    /// text, so the request reuses that analysis.
    async fn snapshot(&self, uri: &Uri) -> Workspace {
        self.shared.settled(&uri_to_path(uri)).await;
        self.shared.snapshot()
    }

    /// Runs `f` on the blocking pool (features may have to check a flow,
    /// which is CPU work), with the shared state; a panic inside becomes an
    /// internal error answer.
    async fn blocking<T, F>(&self, f: F) -> RpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Checks) -> T + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || f(&shared)).await.map_err(|e| {
            tracing::error!("request failed: {e}");
            tower_lsp_server::jsonrpc::Error::internal_error()
        })
    }
}

/// The capabilities this server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            will_save: None,
            will_save_wait_until: None,
            save: None,
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["$", ".", "/", ":", ",", "("].iter().map(|c| c.to_string()).collect()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".to_string(), ",".to_string(), ":".to_string()]),
            retrigger_characters: None,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                work_done_progress_options: WorkDoneProgressOptions::default(),
                legend: features::tokens::legend(),
                range: None,
                full: Some(SemanticTokensFullOptions::Bool(true)),
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Where a position request points: the file and the byte offset.
fn locate(ws: &Workspace, params: &TextDocumentPositionParams) -> Option<(PathBuf, Arc<Document>, usize)> {
    let path = uri_to_path(&params.text_document.uri);
    let doc = ws.document_or_file(&path)?;
    let offset = doc.offset(params.position);
    Some((path, doc, offset))
}

/// An LSP location for a span in a file (read to convert the offsets).
fn location(ws: &Workspace, uris: &HashMap<PathBuf, Uri>, fs: &features::FileSpan) -> Option<Location> {
    let uri = uris.get(&fs.path).cloned().or_else(|| path_to_uri(&fs.path))?;
    let range = match ws.document_or_file(&fs.path) {
        Some(doc) => doc.range(fs.span),
        None => Range::default(),
    };
    Some(Location { uri, range })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        self.watch_files
            .store(watch::client_can_register(&params.capabilities), Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "jobflow".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("jobflow language server initialized");
        if self.watch_files.load(Ordering::SeqCst) {
            // Not awaited here: the client answers while we go on reading.
            let client = self.client.clone();
            tokio::spawn(async move { watch::register(&client).await });
        }
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let changes = watch::classify(&params.changes, |p| lock(&self.shared.workspace).document(p).is_some());
        if changes.is_empty() {
            return;
        }
        lock(&self.shared.workspace).files_changed();
        if changes.roots {
            self.shared.request_all(&self.client);
        }
        for path in changes.flows {
            self.shared.request(&self.client, path);
        }
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = uri_to_path(&doc.uri);
        let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text).to_string();
        lock(&self.shared.uris).insert(path.clone(), doc.uri);
        lock(&self.shared.workspace).set_document(path.clone(), Arc::new(Document::new(text, doc.version)));
        self.shared.request(&self.client, path);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before the first await, so changes apply in arrival order
        // (handlers run one after the other up to their first await); the
        // new text is built outside the workspace lock.
        let start = std::time::Instant::now();
        let path = uri_to_path(&params.text_document.uri);
        let version = params.text_document.version;
        let Some(old) = lock(&self.shared.workspace).document(&path).cloned() else {
            tracing::warn!("change to a document that is not open: {}", path.display());
            return;
        };
        if version <= old.version() {
            tracing::warn!("version {version} of {} after {}", path.display(), old.version());
        }
        let new = Arc::new(old.apply_changes(&params.content_changes, version));
        lock(&self.shared.workspace).set_document(path.clone(), new);
        tracing::debug!(
            version,
            apply_ms = start.elapsed().as_secs_f64() * 1e3,
            "change applied"
        );
        self.shared.request(&self.client, path);
    }

    async fn completion(&self, params: CompletionParams) -> RpcResult<Option<CompletionResponse>> {
        let ws = self.snapshot(&params.text_document_position.text_document.uri).await;
        let Some((path, _, offset)) = locate(&ws, &params.text_document_position) else {
            return Ok(None);
        };
        let items = self
            .blocking(move |sh| features::completion::completion(&ws, &sh.cache, &path, offset))
            .await?;
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: false,
            items,
        })))
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let ws = self
            .snapshot(&params.text_document_position_params.text_document.uri)
            .await;
        let Some((path, doc, offset)) = locate(&ws, &params.text_document_position_params) else {
            return Ok(None);
        };
        let info = self
            .blocking(move |sh| features::hover::hover(&ws, &sh.cache, &path, offset))
            .await?;
        Ok(info.map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(doc.range(h.span)),
        }))
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> RpcResult<Option<SignatureHelp>> {
        let ws = self
            .snapshot(&params.text_document_position_params.text_document.uri)
            .await;
        let Some((path, _, offset)) = locate(&ws, &params.text_document_position_params) else {
            return Ok(None);
        };
        self.blocking(move |sh| features::signature_help::signature_help(&ws, &sh.cache, &path, offset))
            .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> RpcResult<Option<GotoDefinitionResponse>> {
        let ws = self
            .snapshot(&params.text_document_position_params.text_document.uri)
            .await;
        let Some((path, _, offset)) = locate(&ws, &params.text_document_position_params) else {
            return Ok(None);
        };
        let uris = lock(&self.shared.uris).clone();
        let found = self
            .blocking(move |sh| {
                let spans = features::definition::definition(&ws, &sh.cache, &path, offset);
                spans.iter().filter_map(|f| location(&ws, &uris, f)).collect::<Vec<_>>()
            })
            .await?;
        Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
    }

    async fn references(&self, params: ReferenceParams) -> RpcResult<Option<Vec<Location>>> {
        let ws = self.snapshot(&params.text_document_position.text_document.uri).await;
        let Some((path, _, offset)) = locate(&ws, &params.text_document_position) else {
            return Ok(None);
        };
        let include = params.context.include_declaration;
        let uris = lock(&self.shared.uris).clone();
        let found = self
            .blocking(move |sh| {
                let spans = features::references::references(&ws, &sh.cache, &path, offset, include);
                spans.iter().filter_map(|f| location(&ws, &uris, f)).collect::<Vec<_>>()
            })
            .await?;
        Ok(Some(found))
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> RpcResult<Option<PrepareRenameResponse>> {
        let ws = self.snapshot(&params.text_document.uri).await;
        let Some((path, doc, offset)) = locate(&ws, &params) else {
            return Ok(None);
        };
        let found = self
            .blocking(move |sh| features::rename::prepare_rename(&ws, &sh.cache, &path, offset))
            .await?;
        match found {
            Ok(span) => Ok(Some(PrepareRenameResponse::Range(doc.range(span)))),
            Err(e) => Err(invalid_params(e)),
        }
    }

    async fn rename(&self, params: RenameParams) -> RpcResult<Option<WorkspaceEdit>> {
        let ws = self.snapshot(&params.text_document_position.text_document.uri).await;
        let Some((path, _, offset)) = locate(&ws, &params.text_document_position) else {
            return Ok(None);
        };
        let new_name = params.new_name;
        let uris = lock(&self.shared.uris).clone();
        let edit = self
            .blocking(move |sh| {
                let spans = features::rename::rename(&ws, &sh.cache, &path, offset, &new_name)?;
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for f in &spans {
                    if let Some(loc) = location(&ws, &uris, f) {
                        changes.entry(loc.uri).or_default().push(TextEdit {
                            range: loc.range,
                            new_text: new_name.clone(),
                        });
                    }
                }
                Ok::<_, features::rename::RenameError>(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                })
            })
            .await?;
        edit.map(Some).map_err(invalid_params)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> RpcResult<Option<DocumentSymbolResponse>> {
        let ws = self.snapshot(&params.text_document.uri).await;
        let path = uri_to_path(&params.text_document.uri);
        let symbols = self
            .blocking(move |sh| features::symbols::document_symbols(&ws, &sh.cache, &path))
            .await?;
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> RpcResult<Option<SemanticTokensResult>> {
        let ws = self.snapshot(&params.text_document.uri).await;
        let path = uri_to_path(&params.text_document.uri);
        let data = self
            .blocking(move |sh| features::tokens::semantic_tokens(&ws, &sh.cache, &path))
            .await?;
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> RpcResult<Option<Vec<TextEdit>>> {
        let ws = self.snapshot(&params.text_document.uri).await;
        let path = uri_to_path(&params.text_document.uri);
        let Some(doc) = ws.document_or_file(&path) else {
            return Ok(None);
        };
        let edit = self.blocking(move |_| features::formatting::format(&ws, &path)).await?;
        Ok(Some(
            edit.map(|(span, new_text)| TextEdit {
                range: doc.range(span),
                new_text,
            })
            .into_iter()
            .collect(),
        ))
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let path = uri_to_path(&uri);
        lock(&self.shared.workspace).close(&path);
        lock(&self.shared.uris).remove(&path);
        self.shared.forget(&path);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        // Callers read the file on disk again.
        self.shared.request(&self.client, path);
    }
}
