//! Where mail goes: [`SmtpSettings`] (an SmtpServer object, `stdlib.md`
//! 5.7, or `host[:port]`) and [`MailConfig`], the `[mail]` table of the
//! root's `jobflow.toml`.

use crate::net::args::{flag, opt_text, seconds, text};
use crate::net::error::NetError;
use jobflow_vm::native::ObjectTree;
use jobflow_vm::value::Key;
use jobflow_vm::Value;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The sender when neither `from` nor `[mail] from` is given.
pub const DEFAULT_FROM: &str = "webmaster@localhost";

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpSecurity {
    /// Plain SMTP.
    #[default]
    None,
    /// `use_tls`: plain, then STARTTLS (refused if the server does not offer it).
    StartTls,
    /// `use_ssl`: TLS from the start (SMTPS).
    Tls,
}

/// An SMTP server and how to log in to it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpSettings {
    /// Host name or address.
    pub hostname: String,
    /// Port.
    pub port: u16,
    /// Login user (no login when `None`).
    pub username: Option<String>,
    /// Login password (never logged).
    pub password: Option<String>,
    /// Seconds to wait for the server; `None` means the system default.
    pub timeout: Option<f64>,
    /// Plain, STARTTLS or SMTPS.
    pub security: SmtpSecurity,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("hostname", &self.hostname)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("security", &self.security)
            .finish()
    }
}

impl Default for SmtpSettings {
    /// `localhost:25`, plain, no login, a 60-second timeout.
    fn default() -> Self {
        SmtpSettings {
            hostname: "localhost".into(),
            port: 25,
            username: None,
            password: None,
            timeout: Some(60.0),
            security: SmtpSecurity::None,
        }
    }
}

impl SmtpSettings {
    /// `host[:port]` (`[v6addr]:port` for IPv6); the port defaults to 25.
    pub fn parse(spec: &str) -> Result<SmtpSettings, NetError> {
        let spec = spec.trim();
        let bad = || NetError::argument(format!("invalid smtp_server: '{spec}' (expected host[:port])"));
        let (host, port) = if let Some(rest) = spec.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(bad)?;
            match after.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None if after.is_empty() => (host, None),
                None => return Err(bad()),
            }
        } else {
            match spec.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                Some(_) => (spec, None),
                None => (spec, None),
            }
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(bad());
        }
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad)?,
            None => 25,
        };
        Ok(SmtpSettings {
            hostname: host.to_owned(),
            port,
            ..SmtpSettings::default()
        })
    }

    /// The settings from an SmtpServer object's fields (`stdlib.md` 5.7) or
    /// a Dictionary with the same keys: `hostname`, `port`, `username`,
    /// `password`, `timeout`, `use_tls`, `use_ssl`.
    pub fn from_fields(get: impl Fn(&str) -> Option<Value>) -> Result<SmtpSettings, NetError> {
        let use_tls = flag(get("use_tls").as_ref(), false);
        let use_ssl = flag(get("use_ssl").as_ref(), false);
        if use_tls && use_ssl {
            return Err(NetError::argument(
                "invalid smtp_server: use_tls and use_ssl are mutually exclusive",
            ));
        }
        let security = match (use_tls, use_ssl) {
            (true, _) => SmtpSecurity::StartTls,
            (_, true) => SmtpSecurity::Tls,
            _ => SmtpSecurity::None,
        };
        let hostname = opt_text(get("hostname").as_ref())
            .filter(|h| !h.trim().is_empty())
            .unwrap_or_else(|| "localhost".into());
        let port = match get("port") {
            None | Some(Value::Null) => match security {
                SmtpSecurity::None => 25,
                SmtpSecurity::StartTls => 587,
                SmtpSecurity::Tls => 465,
            },
            Some(v) => {
                let n = match &v {
                    Value::Int(i) => Some(*i),
                    Value::Str(s) => s.as_str().trim().parse().ok(),
                    _ => None,
                };
                n.and_then(|n| u16::try_from(n).ok())
                    .filter(|p| *p != 0)
                    .ok_or_else(|| NetError::argument(format!("invalid smtp_server: bad port {}", v.to_repr())))?
            }
        };
        let timeout = match seconds(get("timeout").as_ref(), "smtp_server timeout")? {
            None => Some(60.0),
            Some(t) if t <= 0.0 => None,
            Some(t) => Some(t),
        };
        Ok(SmtpSettings {
            hostname,
            port,
            username: opt_text(get("username").as_ref()).filter(|u| !u.is_empty()),
            password: opt_text(get("password").as_ref()),
            timeout,
            security,
        })
    }

    /// The `smtp_server` argument: an SmtpServer object (read through
    /// `objects`), a Dictionary of its fields, `host[:port]`, or `null` for
    /// `localhost:25`.
    pub fn from_value(value: &Value, objects: Option<&dyn ObjectTree>) -> Result<SmtpSettings, NetError> {
        match value {
            Value::Null => Ok(SmtpSettings::default()),
            Value::Str(s) => SmtpSettings::parse(s.as_str()),
            Value::Dict(d) => {
                let d = d.borrow();
                SmtpSettings::from_fields(|name| d.get(&Key::str(name)).cloned())
            }
            Value::Object(o) => {
                let tree = objects.ok_or_else(|| {
                    NetError::argument(format!("invalid smtp_server: {} (no object tree)", o.abspath))
                })?;
                let field = |name: &str| tree.get(o, name).ok().flatten();
                let type_name = field("type_name").map(|t| text(&t)).unwrap_or_default();
                if type_name != "SmtpServer" {
                    return Err(NetError::argument(format!(
                        "invalid smtp_server: {} is not an SmtpServer object",
                        o.abspath
                    )));
                }
                SmtpSettings::from_fields(field)
            }
            other => Err(NetError::argument(format!(
                "invalid smtp_server: expected an SmtpServer object or 'host[:port]', not {}",
                other.type_name()
            ))),
        }
    }

    /// `host:port`, for messages.
    pub fn address(&self) -> String {
        if self.hostname.contains(':') {
            format!("[{}]:{}", self.hostname, self.port)
        } else {
            format!("{}:{}", self.hostname, self.port)
        }
    }
}

/// The `[mail]` table of the flow root's `jobflow.toml`: defaults for
/// `mailto`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MailConfig {
    /// `from`: the sender when the call gives none.
    pub from: Option<String>,
    /// `smtp_server`: where mail goes when the call omits `smtp_server`.
    pub smtp_server: Option<SmtpSettings>,
}

impl MailConfig {
    /// Reads `ROOT/jobflow.toml`; a missing file or a file without `[mail]`
    /// gives the defaults.
    pub fn load(root: &Path) -> Result<MailConfig, NetError> {
        let path = root.join("jobflow.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => MailConfig::from_toml(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MailConfig::default()),
            Err(e) => Err(NetError::Config {
                path: path.display().to_string(),
                detail: e.to_string(),
            }),
        }
    }

    /// The `[mail]` table of a `jobflow.toml` text (`path` names it in
    /// errors). `smtp_server` is `host[:port]` or a table with the fields of
    /// an SmtpServer object.
    pub fn from_toml(text: &str, path: &str) -> Result<MailConfig, NetError> {
        let err = |detail: String| NetError::Config {
            path: path.to_owned(),
            detail,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| err(e.message().to_owned()))?;
        let Some(mail) = doc.get("mail") else {
            return Ok(MailConfig::default());
        };
        let mail = mail.as_table().ok_or_else(|| err("[mail] must be a table".into()))?;
        let from = match mail.get("from") {
            None => None,
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(err("'from' must be a string".into())),
        };
        let smtp_server = match mail.get("smtp_server") {
            None => None,
            Some(toml::Value::String(s)) => Some(SmtpSettings::parse(s).map_err(|e| err(e.to_string()))?),
            Some(toml::Value::Table(t)) => {
                Some(SmtpSettings::from_fields(|name| t.get(name).map(toml_value)).map_err(|e| err(e.to_string()))?)
            }
            Some(_) => return Err(err("'smtp_server' must be a string or a table".into())),
        };
        Ok(MailConfig { from, smtp_server })
    }

    /// The sender to use when the call gives none.
    pub fn default_from(&self) -> &str {
        self.from.as_deref().unwrap_or(DEFAULT_FROM)
    }
}

/// A scalar TOML value as a jobflow value (tables and arrays as null: no
/// SmtpServer field holds one).
fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::str(s.clone()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        let s = SmtpSettings::parse("mail.example.com:2525").unwrap();
        assert_eq!((s.hostname.as_str(), s.port), ("mail.example.com", 2525));
        let s = SmtpSettings::parse("mx").unwrap();
        assert_eq!((s.hostname.as_str(), s.port), ("mx", 25));
        let s = SmtpSettings::parse("[::1]:26").unwrap();
        assert_eq!((s.hostname.as_str(), s.port), ("::1", 26));
        assert!(SmtpSettings::parse("mx:notaport").is_err());
        assert!(SmtpSettings::parse("").is_err());
    }

    #[test]
    fn fields_give_port_defaults_and_exclusive_tls() {
        let s = SmtpSettings::from_fields(|n| (n == "use_ssl").then_some(Value::Bool(true))).unwrap();
        assert_eq!((s.port, s.security), (465, SmtpSecurity::Tls));
        let s = SmtpSettings::from_fields(|n| (n == "use_tls").then_some(Value::Bool(true))).unwrap();
        assert_eq!((s.port, s.security), (587, SmtpSecurity::StartTls));
        let e = SmtpSettings::from_fields(|n| matches!(n, "use_tls" | "use_ssl").then_some(Value::Bool(true)));
        assert!(e.unwrap_err().to_string().contains("mutually exclusive"));
        let s = SmtpSettings::from_fields(|n| (n == "timeout").then_some(Value::Int(0))).unwrap();
        assert_eq!(s.timeout, None);
    }

    #[test]
    fn mail_table_of_jobflow_toml() {
        let c = MailConfig::from_toml("[mail]\nfrom = \"ops@example.com\"\nsmtp_server = \"mx:2525\"\n", "t").unwrap();
        assert_eq!(c.default_from(), "ops@example.com");
        assert_eq!(c.smtp_server.map(|s| s.port), Some(2525));
        let c = MailConfig::from_toml("[mail.smtp_server]\nhostname = \"mx\"\nuse_ssl = true\n", "t").unwrap();
        assert_eq!(c.default_from(), DEFAULT_FROM);
        assert_eq!(c.smtp_server.map(|s| (s.hostname, s.port)), Some(("mx".into(), 465)));
        assert!(MailConfig::from_toml("[mail]\nfrom = 3\n", "t").is_err());
        assert_eq!(MailConfig::from_toml("", "t").unwrap(), MailConfig::default());
    }
}
