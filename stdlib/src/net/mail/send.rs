//! Sending a [`MailRequest`] over SMTP with lettre (tokio, rustls).

use super::config::{SmtpSecurity, SmtpSettings};
use super::request::MailRequest;
use crate::net::error::{causes, io_timed_out, NetError, SmtpFailure};
use jobflow_vm::Value;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a `mailto` call produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailOutcome {
    /// The mail was sent: `$RESULT = null`.
    Sent,
    /// `as_string`: the whole message, not sent.
    Message(String),
}

impl MailOutcome {
    /// The value of `$RESULT`.
    pub fn into_value(self) -> Value {
        match self {
            MailOutcome::Sent => Value::Null,
            MailOutcome::Message(text) => Value::str(text),
        }
    }
}

/// Builds the mail and sends it, or with `as_string` returns it unsent.
pub async fn mailto(req: &MailRequest) -> Result<MailOutcome, NetError> {
    let message = req.message()?;
    if req.as_string {
        return Ok(MailOutcome::Message(
            String::from_utf8_lossy(&message.formatted()).into_owned(),
        ));
    }
    let server = &req.server;
    tracing::debug!(server = %server.address(), recipients = message.envelope().to().len(), "mailto");
    let transport = transport(server)?;
    transport.send(message).await.map_err(|e| smtp_error(&e, server))?;
    Ok(MailOutcome::Sent)
}

/// A transport for one mail. Certificates are not checked (as Kompira's
/// Python `smtplib` does not by default).
fn transport(server: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, NetError> {
    let tls_params = || {
        TlsParameters::builder(server.hostname.clone())
            .dangerous_accept_invalid_certs(true)
            .dangerous_accept_invalid_hostnames(true)
            .build_rustls()
            .map_err(|e| smtp_error(&e, server))
    };
    let tls = match server.security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::StartTls => Tls::Required(tls_params()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_params()?),
    };
    let timeout = server
        .timeout
        .map(|t| Duration::try_from_secs_f64(t).unwrap_or(Duration::MAX));
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.hostname.clone())
        .port(server.port)
        .timeout(timeout)
        .tls(tls);
    if let Some(user) = &server.username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            server.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// A lettre failure as a sentence, with the server's own reply when there
/// is one.
fn smtp_error(e: &lettre::transport::smtp::Error, server: &SmtpSettings) -> NetError {
    let mut texts: Vec<String> = Vec::new();
    for cause in causes(e) {
        let text = crate::error_text::without_os_error(&cause.to_string());
        if !text.is_empty() && !texts.iter().any(|c| c.contains(&text)) {
            texts.push(text);
        }
    }
    let lower = texts.join(" ").to_ascii_lowercase();
    let timed_out = e.is_timeout() || io_timed_out(e);
    let (kind, detail) = if let Some(code) = e.status() {
        let kind = if lower.contains("auth") || code.to_string().starts_with("53") {
            SmtpFailure::Auth
        } else {
            SmtpFailure::Rejected
        };
        (kind, format!("{code} {}", texts.join(": ")).trim_end().to_owned())
    } else if timed_out {
        (SmtpFailure::Timeout, "no answer in time".to_owned())
    } else if e.is_tls() {
        (SmtpFailure::Tls, texts.join(": "))
    } else if lower.contains("auth") || lower.contains("mechanism") {
        (SmtpFailure::Auth, texts.join(": "))
    } else if lower.contains("connect")
        || lower.contains("refused")
        || lower.contains("resolve")
        || lower.contains("lookup")
        || lower.contains("unreachable")
    {
        (SmtpFailure::Connect, texts.join(": "))
    } else {
        (SmtpFailure::Protocol, e.to_string())
    };
    let detail = if detail.is_empty() { e.to_string() } else { detail };
    NetError::Smtp {
        kind,
        server: server.address(),
        detail,
    }
}
