//! `mailto` (`stdlib.md` 1): builds a mail with lettre and sends it by SMTP.
//!
//! [`MailRequest::from_args`] checks the call's arguments against the
//! [`MailConfig`] of the flow root, [`MailRequest::message`] builds the MIME
//! message, and [`mailto`] sends it (or returns it, with `as_string`).

mod config;
mod message;
mod request;
mod send;

pub use config::{MailConfig, SmtpSecurity, SmtpSettings, DEFAULT_FROM};
pub use request::{Attachment, MailRequest, PendingMail};
pub use send::{mailto, MailOutcome};
