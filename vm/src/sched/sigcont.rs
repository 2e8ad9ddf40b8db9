//! Resuming `suspend()`ed processes on SIGCONT (`language.md` 9, A41),
//! for drivers such as `jobflow run`: a thread waits for the signal and
//! tells the scheduler through its [`Waker`]; the scheduler itself never
//! polls.

use super::Waker;

/// Listens for SIGCONT until dropped.
pub struct SigcontListener {
    handle: signal_hook::iterator::Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SigcontListener {
    /// Starts listening: every SIGCONT resumes all `suspend()`ed processes
    /// of the scheduler behind `waker`.
    pub fn start(waker: Waker) -> std::io::Result<SigcontListener> {
        let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGCONT])?;
        let handle = signals.handle();
        let thread = std::thread::Builder::new()
            .name("jobflow-sigcont".to_string())
            .spawn(move || {
                for _ in signals.forever() {
                    tracing::debug!("SIGCONT: resuming suspended processes");
                    waker.resume_all();
                }
            })?;
        Ok(SigcontListener {
            handle,
            thread: Some(thread),
        })
    }
}

impl Drop for SigcontListener {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            // The thread ends once the handle is closed; a panic in it has
            // nothing left to report.
            let _ = t.join();
        }
    }
}
