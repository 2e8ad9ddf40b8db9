//! Running the async executors from synchronous code.

use super::error::NetError;
use std::future::Future;

/// Runs `fut` to its end and returns its output.
///
/// Outside any tokio runtime, on a current-thread runtime built for the
/// call (cheap: no worker threads). Inside one, where blocking the thread
/// is not allowed, on a helper thread with its own runtime, while this
/// thread waits.
pub fn block_on<F>(fut: F) -> Result<F::Output, NetError>
where
    F: Future + Send,
    F::Output: Send,
{
    let run = move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| rt.block_on(fut))
            .map_err(|e| NetError::Runtime(e.to_string()))
    };
    if tokio::runtime::Handle::try_current().is_err() {
        return run();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("jobflow-net".into())
            .spawn_scoped(scope, run)
            .map_err(|e| NetError::Runtime(e.to_string()))?
            .join()
            .unwrap_or_else(|_| Err(NetError::Runtime("the network thread panicked".into())))
    })
}
