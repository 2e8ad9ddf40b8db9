//! [`MemoryOutput`]: a print sink that keeps what processes print, for
//! services that show it elsewhere and for tests.

use std::sync::{Arc, Mutex, MutexGuard};

/// An in-memory print sink. Clones share one buffer: give one to
/// [`EngineBuilder::output`](super::EngineBuilder::output) and read the
/// other.
#[derive(Clone, Debug, Default)]
pub struct MemoryOutput {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl MemoryOutput {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        // A writer that panicked mid-line leaves bytes, not broken state.
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    /// Everything written so far, taken out of the buffer.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.lock());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for MemoryOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
