//! `mailto` (`stdlib.md` 1): the arguments become a
//! [`PendingMail`](crate::net::PendingMail); the host applies the `[mail]`
//! defaults of the flow root's `jobflow.toml` (it knows the root, the VM's
//! context does not), builds the mail and sends it, or returns its text
//! with `as_string`.

use super::payload::{decode, encode};
use crate::net::{MailOutcome, MailRequest};
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, Prepared};
use jobflow_vm::Value;

/// Checks the arguments (an SmtpServer object is read here, through the
/// object tree) and encodes the request.
pub(super) fn prepare(
    cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    let pending = MailRequest::pending_from_args(args.positional, args.keywords, cx.objects())?;
    Ok(Prepared::Host(encode("mailto request", &pending)?))
}

/// `null` when sent, the message text with `as_string`.
pub(super) fn finish(_cx: &mut dyn NativeContext, bytes: &[u8]) -> Result<Value, NativeError> {
    let outcome: MailOutcome = decode("mailto outcome", bytes)?;
    Ok(outcome.into_value())
}
