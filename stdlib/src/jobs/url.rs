//! `urlopen` (`stdlib.md` 1): the arguments become a
//! [`UrlRequest`](crate::net::UrlRequest) for the host, and its
//! [`UrlResponse`](crate::net::UrlResponse) becomes the result Dictionary.

use super::payload::{decode, encode};
use crate::net::{UrlRequest, UrlResponse};
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, Prepared};
use jobflow_vm::Value;

/// Checks the arguments and encodes the request.
pub(super) fn prepare(
    _cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    let request = UrlRequest::from_args(args.positional, args.keywords)?;
    Ok(Prepared::Host(encode("urlopen request", &request)?))
}

/// The response Dictionary.
pub(super) fn finish(_cx: &mut dyn NativeContext, bytes: &[u8]) -> Result<Value, NativeError> {
    let response: UrlResponse = decode("urlopen response", bytes)?;
    Ok(response.into_value())
}
