//! Why a network built-in failed. The `Display` text is the DETAIL of
//! `'urlopen' failed: DETAIL` / `'mailto' failed: DETAIL` (`stdlib.md` 0):
//! argument errors use the exact texts of `stdlib.md` 1, the others are
//! sentences a person can act on. Passwords never appear in them.

use jobflow_vm::native::NativeError;

/// A failed `urlopen` or `mailto`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// A bad argument (wrong type, unknown option value…); the text is the
    /// exact DETAIL where `stdlib.md` gives one.
    #[error("{0}")]
    Argument(String),
    /// Arguments that do not bind to the parameters (too many, an unknown
    /// keyword, a duplicate, a missing required one): a runtime error
    /// however the built-in was called (`stdlib.md` 0).
    #[error("{0}")]
    Binding(String),
    /// A local file named in `files` could not be read.
    #[error("invalid files: cannot read {path}: {detail}")]
    ReadFile {
        /// The path as given.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// The HTTP request did not get a response.
    #[error("{kind} {url}: {detail}")]
    Http {
        /// What went wrong, in words.
        kind: HttpFailure,
        /// The URL requested (credentials never appear in it: see
        /// [`redact_url`]).
        url: String,
        /// The cause, as the lower layers put it.
        detail: String,
    },
    /// The mail could not be built (a header the message format refuses…).
    #[error("cannot build the mail: {0}")]
    Message(String),
    /// The SMTP conversation failed.
    #[error("{kind} {server}: {detail}")]
    Smtp {
        /// What went wrong, in words.
        kind: SmtpFailure,
        /// `host:port` of the server.
        server: String,
        /// The server's reply or the transport error.
        detail: String,
    },
    /// `jobflow.toml` has a malformed `[mail]` table.
    #[error("invalid [mail] table in {path}: {detail}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// No async runtime could be started for a blocking call.
    #[error("cannot start the network runtime: {0}")]
    Runtime(String),
}

/// The kinds of HTTP failure; each reads as the start of a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpFailure {
    /// The host name did not resolve.
    Dns,
    /// No connection could be opened (refused, unreachable…).
    Connect,
    /// The TLS handshake failed (certificate refused with `verify=true`…).
    Tls,
    /// The server did not answer within `timeout`.
    Timeout,
    /// Too many redirects, or a redirect to somewhere unusable.
    Redirect,
    /// The connection broke while the request or response was under way.
    Transfer,
}

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HttpFailure::Dns => "cannot resolve the host of",
            HttpFailure::Connect => "cannot connect to",
            HttpFailure::Tls => "TLS handshake failed with",
            HttpFailure::Timeout => "timed out waiting for",
            HttpFailure::Redirect => "redirects could not be followed from",
            HttpFailure::Transfer => "connection failed during the request to",
        })
    }
}

/// The kinds of SMTP failure; each reads as the start of a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpFailure {
    /// No connection could be opened.
    Connect,
    /// The TLS handshake (SMTPS or STARTTLS) failed.
    Tls,
    /// The server did not answer in time.
    Timeout,
    /// The server refused something (a reply 4xx or 5xx).
    Rejected,
    /// Login failed or is not offered.
    Auth,
    /// Anything else in the conversation.
    Protocol,
}

impl std::fmt::Display for SmtpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SmtpFailure::Connect => "cannot connect to SMTP server",
            SmtpFailure::Tls => "TLS handshake failed with SMTP server",
            SmtpFailure::Timeout => "timed out talking to SMTP server",
            SmtpFailure::Rejected => "rejected by SMTP server",
            SmtpFailure::Auth => "login failed at SMTP server",
            SmtpFailure::Protocol => "SMTP error with server",
        })
    }
}

impl NetError {
    /// An argument error with this exact DETAIL.
    pub fn argument(detail: impl Into<String>) -> Self {
        NetError::Argument(detail.into())
    }
}

impl From<NativeError> for NetError {
    fn from(e: NativeError) -> Self {
        if e.binding {
            NetError::Binding(e.detail)
        } else {
            NetError::Argument(e.detail)
        }
    }
}

impl From<NetError> for NativeError {
    fn from(e: NetError) -> Self {
        match e {
            NetError::Binding(detail) => NativeError::binding(detail),
            other => NativeError::new(crate::error_text::without_os_error(&other.to_string())),
        }
    }
}

/// `url` without a password in its user-info part (`http://u:***@h/`), for
/// messages and logs.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            // Setting a password only fails for URLs that cannot have one.
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The causes of `e`, outermost first (`e` itself excluded).
pub(crate) fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(e.source(), |s| (*s).source())
}

/// Whether an I/O timeout is among the causes of `e`.
pub(crate) fn io_timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    causes(e).any(|s| {
        s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    })
}
