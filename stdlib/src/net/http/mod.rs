//! `urlopen` (`stdlib.md` 1): one HTTP(S) request over reqwest with rustls.
//!
//! [`UrlRequest::from_args`] checks the call's arguments, [`urlopen`] sends
//! the request, and [`UrlResponse::into_value`] makes the Dictionary of
//! `$RESULT`.

mod request;
mod response;
mod send;

pub use request::{FilePart, FileSource, HttpMethod, RequestBody, UrlRequest};
pub use response::{is_binary_type, UrlResponse};
pub use send::urlopen;
