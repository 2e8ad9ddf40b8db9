//! Sessions of [`DefaultHost`](super::DefaultHost): a local `__shell__`
//! without `__host__`, else a shell channel over the shared SSH pool; both
//! on the host's runtime, relaying through [`crate::exec::session`].

use super::command::unsupported_conntype;
use super::Shared;
use crate::exec::session::{local, SessionHandle};
use crate::functions::encoding;
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::host::{HostSession, SessionEvent, SessionEvents};
use std::sync::Arc;

/// Starts a session's task on `handle` and returns its handle.
pub(crate) fn open(
    handle: &tokio::runtime::Handle,
    shared: Arc<Shared>,
    settings: CommandSettings,
    events: SessionEvents,
) -> Box<dyn HostSession> {
    let (session, input) = SessionHandle::new();
    let span = tracing::debug_span!("session", host = settings.host.as_deref());
    handle.spawn(tracing::Instrument::instrument(
        async move {
            if let Some(message) = unsupported_conntype(&settings) {
                events(SessionEvent::Failed(message));
                return;
            }
            let codec = match encoding::lookup(settings.encoding.as_deref().unwrap_or("utf-8")) {
                Ok(c) => c,
                Err(e) => {
                    events(SessionEvent::Failed(e.detail));
                    return;
                }
            };
            if settings.host.as_deref().is_some_and(|h| !h.is_empty()) {
                crate::exec::ssh::session::run(&shared.pool, &settings, input, codec, events).await;
            } else {
                local::run(settings, input, codec, events).await;
            }
        },
        span,
    ));
    Box::new(session)
}
