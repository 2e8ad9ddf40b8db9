//! The Jobflow language server.
//!
//! `jobflow lsp` runs [`serve_stdio`]. The server keeps the open documents
//! ([`documents`], positions via [`lines`]) over the files of the disk
//! ([`workspace`], [`vfs`]), checks them with the compiler's own driver (the
//! same function as `jobflow check`) as soon as they change ([`checks`]:
//! the changed document first, its callers after), follows files changed
//! outside the editor ([`watch`]), and answers requests through the feature
//! modules in [`features`], which work on a [`Workspace`] snapshot and byte
//! offsets, so they can be tested without a client (`lsp/tests/`).

#![warn(missing_docs)]

pub mod analysis;
pub mod checks;
pub mod documents;
pub mod features;
pub mod lines;
pub mod malloc;
pub mod nodes;
pub mod server;
pub mod vfs;
pub mod watch;
pub mod workspace;

pub use server::Backend;
/// The LSP types the features return (`tower-lsp-server`'s `ls_types`).
pub use tower_lsp_server::ls_types;
pub use workspace::Workspace;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_lsp_server::{LspService, Server};

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// How the connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`: exit status 0.
    Clean,
    /// `exit` without `shutdown`, or the input closed: exit status 1.
    Abrupt,
}

/// Runs the language server on standard input and output until the client
/// sends `exit` (or closes the input).
pub fn serve_stdio() -> Result<Ending, ServeError> {
    malloc::tune();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    runtime.block_on(async move {
        let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // Check tasks still running are dropped with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(if shutdown.load(Ordering::SeqCst) {
        Ending::Clean
    } else {
        Ending::Abrupt
    })
}
