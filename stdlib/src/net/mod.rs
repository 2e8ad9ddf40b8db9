//! The network built-in jobs `urlopen` (HTTP/HTTPS over reqwest and rustls)
//! and `mailto` (SMTP over lettre), as executors the driver calls when a
//! process suspends on them (`stdlib.md` 1).
//!
//! Each job has three steps, so that values (process-local, `Rc`-based)
//! never cross into async code:
//!
//! 1. `from_args` checks the call's arguments on the VM's thread and turns
//!    them into a plain request ([`UrlRequest`], [`MailRequest`]: `Send`,
//!    serde);
//! 2. the async executor ([`urlopen`], [`mailto`]) performs it on any tokio
//!    runtime and returns plain data ([`UrlResponse`], [`MailOutcome`]);
//! 3. `into_value` makes `$RESULT` back on the VM's thread.
//!
//! A [`NetError`]'s text is the DETAIL of `'urlopen' failed: DETAIL`
//! (`stdlib.md` 0). A synchronous driver uses [`urlopen_job`] and
//! [`mailto_job`], which do all three steps, running the async part on a
//! small runtime of their own ([`block_on`]).

mod args;
mod error;
pub mod http;
pub mod mail;
mod runtime;

pub use error::{redact_url, HttpFailure, NetError, SmtpFailure};
pub use http::{urlopen, UrlRequest, UrlResponse};
pub use mail::{mailto, MailConfig, MailOutcome, MailRequest, PendingMail, SmtpSettings};
pub use runtime::block_on;

use jobflow_vm::native::ObjectTree;
use jobflow_vm::Value;

/// `urlopen` from start to end, blocking: checks the arguments, sends the
/// request and returns the response Dictionary for `$RESULT`.
///
/// Usable from synchronous code and from inside a tokio runtime alike (see
/// [`block_on`]).
pub fn urlopen_job(positional: &[Value], keywords: &[(String, Value)]) -> Result<Value, NetError> {
    let request = UrlRequest::from_args(positional, keywords)?;
    let response = block_on(async move { urlopen(&request).await })??;
    Ok(response.into_value())
}

/// `mailto` from start to end, blocking: checks the arguments (with the
/// `[mail]` defaults of `config` and the object tree for an SmtpServer
/// object), builds the mail and sends it. Returns `$RESULT`: `null` when
/// sent, the message text with `as_string`.
pub fn mailto_job(
    positional: &[Value],
    keywords: &[(String, Value)],
    config: &MailConfig,
    objects: Option<&dyn ObjectTree>,
) -> Result<Value, NetError> {
    let request = MailRequest::from_args(positional, keywords, config, objects)?;
    if request.as_string {
        return Ok(Value::str(request.message_text()?));
    }
    let outcome = block_on(async move { mailto(&request).await })??;
    Ok(outcome.into_value())
}
