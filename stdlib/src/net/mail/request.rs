//! [`MailRequest`]: the arguments of one `mailto` call, checked and turned
//! into plain data (`stdlib.md` 1, `mailto`).

use super::config::{MailConfig, SmtpSettings, DEFAULT_FROM};
use crate::functions::args::Params;
use crate::net::args::{bind_error, opt_text, text, text_dict};
use crate::net::error::NetError;
use jobflow_vm::native::{CallArgs, ObjectTree};
use jobflow_vm::value::Key;
use jobflow_vm::Value;
use lettre::message::header::HeaderName;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

/// The parameters of `mailto`, in declaration order.
const PARAMS: Params<13> = Params::new(
    "mailto",
    [
        "to",
        "from",
        "subject",
        "body",
        "cc",
        "bcc",
        "reply_to",
        "html_content",
        "attach_files",
        "headers",
        "charset",
        "as_string",
        "smtp_server",
    ],
    0,
)
.keyword_only_from(4);

/// An attached file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name; its extension decides the MIME type.
    pub name: String,
    /// The contents.
    pub data: Vec<u8>,
}

/// One `mailto` call, ready to build and send: addresses checked (RFC
/// 5322), defaults applied, plain data (`Send`, serde).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailRequest {
    /// The sender (`from`, else `[mail] from`, else `webmaster@localhost`).
    pub from: String,
    /// `To` recipients.
    pub to: Vec<String>,
    /// `Cc` recipients.
    pub cc: Vec<String>,
    /// Blind recipients (in the envelope, never in the headers).
    pub bcc: Vec<String>,
    /// `Reply-To`.
    pub reply_to: Option<String>,
    /// The subject (`''` for null).
    pub subject: String,
    /// The text/plain part.
    pub body: Option<String>,
    /// The text/html part.
    pub html: Option<String>,
    /// Attached files.
    pub attachments: Vec<Attachment>,
    /// Extra header fields, in order.
    pub headers: Vec<(String, String)>,
    /// The charset of the text parts and encoded headers (default UTF-8).
    pub charset: String,
    /// Build the message and return it instead of sending.
    pub as_string: bool,
    /// Where to send it.
    pub server: SmtpSettings,
}

impl MailRequest {
    /// Checks the arguments of a `mailto` call (positional, then keyword
    /// arguments as written) and builds the request. `config` is the
    /// `[mail]` table of the root's `jobflow.toml`; `objects` resolves an
    /// SmtpServer object given as `smtp_server`. The error's text is the
    /// DETAIL of `'mailto' failed: DETAIL`.
    pub fn from_args(
        positional: &[Value],
        keywords: &[(String, Value)],
        config: &MailConfig,
        objects: Option<&dyn ObjectTree>,
    ) -> Result<MailRequest, NetError> {
        MailRequest::pending_from_args(positional, keywords, objects)?.resolve(config)
    }

    /// Checks the arguments like [`MailRequest::from_args`], but leaves the
    /// `[mail]` defaults of `jobflow.toml` (`from`, `smtp_server`) to be
    /// applied later by [`PendingMail::resolve`], where the flow root is
    /// known (the host that sends the mail).
    pub fn pending_from_args(
        positional: &[Value],
        keywords: &[(String, Value)],
        objects: Option<&dyn ObjectTree>,
    ) -> Result<PendingMail, NetError> {
        let [to, from, subject, body, cc, bcc, reply_to, html_content, attach_files, headers, charset, as_string, smtp_server] =
            PARAMS.bind(CallArgs { positional, keywords }).map_err(bind_error)?;

        let to = addresses(to, "to")?;
        let cc = addresses(cc, "cc")?;
        let bcc = addresses(bcc, "bcc")?;
        let reply_to = match reply_to {
            None | Some(Value::Null) => None,
            Some(v) => Some(address(v, "reply_to")?),
        };
        let default_from = matches!(from, None | Some(Value::Null));
        let from = match from {
            None | Some(Value::Null) => DEFAULT_FROM.to_owned(),
            Some(v) => address(v, "from")?,
        };
        let as_string = as_string.is_some_and(Value::truthy);
        if !as_string && to.is_empty() && cc.is_empty() && bcc.is_empty() {
            return Err(NetError::argument("no recipients: give to, cc or bcc"));
        }

        let subject = opt_text(subject).unwrap_or_default();
        let body = match body {
            None => Some(String::new()),
            Some(v) => opt_text(Some(v)),
        };
        let html = opt_text(html_content);
        if body.is_none() && html.is_none() {
            return Err(NetError::argument("body and html_content are both null"));
        }

        let charset = match opt_text(charset) {
            None => "utf-8".to_owned(),
            Some(name) => crate::functions::encoding::lookup(&name)?.name(),
        };
        let headers = text_dict(headers, "headers")?;
        for (name, value) in &headers {
            if HeaderName::new_from_ascii(name.clone()).is_err() {
                return Err(NetError::argument(format!("invalid headers: bad header name {name:?}")));
            }
            if value.contains(['\r', '\n']) {
                return Err(NetError::argument(format!(
                    "invalid headers: the value of {name:?} has a line break"
                )));
            }
        }

        let attachments = match attach_files {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.borrow().iter().map(attachment).collect::<Result<Vec<_>, _>>()?,
            Some(v) => vec![attachment(v)?],
        };

        let default_server = smtp_server.is_none();
        let server = match smtp_server {
            None => SmtpSettings::default(),
            Some(v) => SmtpSettings::from_value(v, objects)?,
        };

        let request = MailRequest {
            from,
            to,
            cc,
            bcc,
            reply_to,
            subject,
            body,
            html,
            attachments,
            headers,
            charset,
            as_string,
            server,
        };
        Ok(PendingMail {
            request,
            default_from,
            default_server,
        })
    }
}

/// A checked `mailto` request still waiting for the `[mail]` defaults of
/// the flow root's `jobflow.toml` (plain data: it is the payload a process
/// suspends with).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingMail {
    /// The request; `from` and `server` hold the built-in defaults where
    /// the call gave none.
    pub request: MailRequest,
    /// The call gave no `from` (or `null`).
    pub default_from: bool,
    /// The call gave no `smtp_server`.
    pub default_server: bool,
}

impl PendingMail {
    /// Applies `config` where the call gave no `from` or `smtp_server`.
    pub fn resolve(self, config: &MailConfig) -> Result<MailRequest, NetError> {
        let mut request = self.request;
        if self.default_from {
            request.from = checked(config.default_from(), "from")?;
        }
        if self.default_server {
            request.server = config.smtp_server.clone().unwrap_or_default();
        }
        Ok(request)
    }
}

/// `to`, `cc` or `bcc`: absent/null, one address or an Array of them.
fn addresses(value: Option<&Value>, what: &str) -> Result<Vec<String>, NetError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items.borrow().iter().map(|v| address(v, what)).collect(),
        Some(v) => Ok(vec![address(v, what)?]),
    }
}

/// One address (`a@b` or `Name <a@b>`), checked.
fn address(value: &Value, what: &str) -> Result<String, NetError> {
    match value {
        Value::Str(s) => checked(s.as_str(), what),
        other => Err(NetError::argument(format!(
            "invalid address in {what}: {} is not a String",
            other.to_repr()
        ))),
    }
}

/// `text` if it parses as a mailbox (RFC 5322).
fn checked(text: &str, what: &str) -> Result<String, NetError> {
    let text = text.trim();
    text.parse::<Mailbox>()
        .map(|_| text.to_owned())
        .map_err(|e| NetError::argument(format!("invalid address in {what}: '{text}' ({e})")))
}

/// One of `attach_files`: a File value, or a Dictionary `{name, data}`.
fn attachment(value: &Value) -> Result<Attachment, NetError> {
    match value {
        Value::File(f) => Ok(Attachment {
            name: f.name.clone(),
            data: f.data.clone(),
        }),
        Value::Dict(d) => {
            let d = d.borrow();
            let name = d.get(&Key::str("name")).map(text);
            let data = match d.get(&Key::str("data")) {
                Some(Value::Binary(b)) => Some(b.as_ref().clone()),
                Some(Value::Str(s)) => Some(s.as_str().as_bytes().to_vec()),
                _ => None,
            };
            match (name, data) {
                (Some(name), Some(data)) => Ok(Attachment { name, data }),
                _ => Err(NetError::argument(
                    "invalid attach_files: a Dictionary must have 'name' and 'data' (String or Binary)",
                )),
            }
        }
        other => Err(NetError::argument(format!(
            "invalid attach_files: expected a File, not {}",
            other.type_name()
        ))),
    }
}
