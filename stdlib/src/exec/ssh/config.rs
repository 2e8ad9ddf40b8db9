//! SSH settings from the control variables (`language.md` 4.4,
//! `stdlib.md` 5.5).
//!
//! The VM does steps 1 to 3 of `stdlib.md` 5.5 (`__node__`, `__account__`,
//! the node's jump chain) and hands the result, with every non-null control
//! variable applied, as a [`CommandSettings`]; this module applies the
//! defaults and parses `__proxy__`. Secrets are held in [`Secret`], whose
//! `Debug` never shows them.

use super::error::SettingsError;
use jobflow_vm::effect::CommandSettings;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The default SSH port.
pub const DEFAULT_PORT: u16 = 22;
/// The default shell for command strings ([D10]).
pub const DEFAULT_SHELL: &str = "/bin/bash";

/// A password or passphrase. `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where to log in: host, port and user. This is also the key of the
/// connection cache.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Host name or address, as written.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Login user.
    pub user: String,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}@[{}]:{}", self.user, self.host, self.port)
        } else {
            write!(f, "{}@{}:{}", self.user, self.host, self.port)
        }
    }
}

/// How to prove who we are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// `__password__`: password login, keyboard-interactive answers, sudo,
    /// and the key passphrase when `__passphrase__` is unset.
    pub password: Option<Secret>,
    /// `__keyfile__`; unset: the SSH client defaults (`~/.ssh/id_ed25519`,
    /// `id_ecdsa`, `id_rsa`, those that exist).
    pub keyfile: Option<PathBuf>,
    /// `__passphrase__` of the key.
    pub passphrase: Option<Secret>,
}

impl Credentials {
    /// The key files to try, in order.
    pub fn keyfiles(&self) -> Vec<PathBuf> {
        if let Some(k) = &self.keyfile {
            return vec![k.clone()];
        }
        let Some(home) = home_dir() else {
            return Vec::new();
        };
        ["id_ed25519", "id_ecdsa", "id_rsa"]
            .iter()
            .map(|n| home.join(".ssh").join(n))
            .filter(|p| p.is_file())
            .collect()
    }

    /// The passphrases to try for an encrypted key: `__passphrase__`, then
    /// `__password__` (`stdlib.md` 5.5).
    pub fn passphrases(&self) -> Vec<&Secret> {
        self.passphrase.iter().chain(self.password.iter()).collect()
    }
}

/// Everything one remote job needs, defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct SshSettings {
    /// The host to run on.
    pub target: Endpoint,
    /// Credentials for the target and for every jump host.
    pub credentials: Credentials,
    /// Jump hosts, the first one reached directly (`__proxy__`).
    pub jumps: Vec<Endpoint>,
    /// `__timeout__` (none when unset or 0).
    pub timeout: Option<Duration>,
    /// `__dir__`, inserted as written.
    pub dir: Option<String>,
    /// `__sudo__`.
    pub sudo: bool,
    /// `__shell__`.
    pub shell: String,
    /// `__use_shell__`.
    pub use_shell: bool,
    /// `__use_pty__`.
    pub use_pty: bool,
    /// `__use_cache__`.
    pub use_cache: bool,
    /// `__encoding__`.
    pub encoding: String,
    /// `__raw_stdout__`.
    pub raw_stdout: bool,
    /// `__raw_stderr__`.
    pub raw_stderr: bool,
}

impl SshSettings {
    /// Settings for a host with every other variable at its default.
    pub fn new(host: impl Into<String>, port: u16, user: impl Into<String>) -> Self {
        Self {
            target: Endpoint {
                host: host.into(),
                port,
                user: user.into(),
            },
            credentials: Credentials::default(),
            jumps: Vec::new(),
            timeout: None,
            dir: None,
            sudo: false,
            shell: DEFAULT_SHELL.to_string(),
            use_shell: true,
            use_pty: false,
            use_cache: true,
            encoding: "utf-8".to_string(),
            raw_stdout: false,
            raw_stderr: false,
        }
    }

    /// Builds the settings of a remote job from its control variables
    /// (step 4 of `stdlib.md` 5.5 plus the defaults of `language.md` 4.4).
    pub fn from_command_settings(s: &CommandSettings) -> Result<Self, SettingsError> {
        let host = s
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .ok_or(SettingsError::NoHost)?;
        if let Some(conntype) = s.conntype.as_deref() {
            if !conntype.eq_ignore_ascii_case("ssh") {
                return Err(SettingsError::UnsupportedConntype(conntype.to_string()));
            }
        }
        let port = match s.port {
            None => DEFAULT_PORT,
            Some(p) => u16::try_from(p)
                .ok()
                .filter(|p| *p != 0)
                .ok_or(SettingsError::InvalidPort(p))?,
        };
        let user = s.user.clone().filter(|u| !u.is_empty()).unwrap_or_else(current_user);
        let timeout = match s.timeout {
            None => None,
            Some(0.0) => None,
            Some(t) if t.is_finite() && t > 0.0 => Some(Duration::from_secs_f64(t.min(1e9))),
            Some(t) => return Err(SettingsError::InvalidTimeout(format!("{t} is not a number of seconds"))),
        };
        let jumps = match s.proxy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Vec::new(),
            Some(p) => parse_proxy(p, &user)?,
        };
        let dir = s.dir.clone().filter(|d| !d.is_empty());
        if s.sudo && !s.use_shell && dir.is_some() {
            return Err(SettingsError::SudoWithoutShellInDir);
        }
        Ok(Self {
            target: Endpoint {
                host: host.to_string(),
                port,
                user,
            },
            credentials: Credentials {
                password: s.password.clone().map(Secret::new),
                keyfile: s.keyfile.as_deref().filter(|k| !k.is_empty()).map(expand_tilde),
                passphrase: s.passphrase.clone().map(Secret::new),
            },
            jumps,
            timeout,
            dir,
            sudo: s.sudo,
            shell: s
                .shell
                .clone()
                .filter(|sh| !sh.is_empty())
                .unwrap_or_else(|| DEFAULT_SHELL.to_string()),
            use_shell: s.use_shell,
            use_pty: s.use_pty,
            use_cache: s.use_cache,
            encoding: s.encoding.clone().unwrap_or_else(|| "utf-8".to_string()),
            raw_stdout: s.raw_stdout,
            raw_stderr: s.raw_stderr,
        })
    }
}

/// Parses `__proxy__`: `[user@]host[:port]`, or several of them separated
/// by commas for a chain (the first one reached directly, as `ssh -J`). An
/// IPv6 address is written in brackets (`[::1]:2222`). A hop without a user
/// logs in as `default_user`.
pub fn parse_proxy(proxy: &str, default_user: &str) -> Result<Vec<Endpoint>, SettingsError> {
    let mut hops = Vec::new();
    for part in proxy.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(SettingsError::InvalidProxy(format!("empty jump host in '{proxy}'")));
        }
        let (user, rest) = match part.rsplit_once('@') {
            Some((u, r)) if !u.is_empty() => (u.to_string(), r),
            Some(_) => return Err(SettingsError::InvalidProxy(format!("empty user in '{part}'"))),
            None => (default_user.to_string(), part),
        };
        let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
            let (h, after) = inner
                .split_once(']')
                .ok_or_else(|| SettingsError::InvalidProxy(format!("unclosed '[' in '{part}'")))?;
            match after {
                "" => (h, None),
                p => match p.strip_prefix(':') {
                    Some(p) => (h, Some(p)),
                    None => return Err(SettingsError::InvalidProxy(format!("unexpected '{p}' in '{part}'"))),
                },
            }
        } else {
            match rest.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            }
        };
        if host.is_empty() {
            return Err(SettingsError::InvalidProxy(format!("empty host in '{part}'")));
        }
        let port = match port {
            None => DEFAULT_PORT,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| SettingsError::InvalidProxy(format!("'{p}' is not a port number in '{part}'")))?,
        };
        hops.push(Endpoint {
            host: host.to_string(),
            port,
            user,
        });
    }
    Ok(hops)
}

/// The user running the VM: `$USER`, `$LOGNAME`, else the password-file
/// entry of this process's user.
pub fn current_user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(u) = std::env::var(var) {
            if !u.is_empty() {
                return u;
            }
        }
    }
    user_from_passwd().unwrap_or_else(|| "root".to_string())
}

#[cfg(unix)]
fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let entry_uid: u32 = fields.nth(1)?.parse().ok()?;
        (entry_uid == uid).then(|| name.to_string())
    })
}

#[cfg(not(unix))]
fn user_from_passwd() -> Option<String> {
    None
}

/// `$HOME`.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// `~/x` → `$HOME/x`; anything else as it is.
fn expand_tilde(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> CommandSettings {
        CommandSettings {
            host: Some("web1".into()),
            use_shell: true,
            use_cache: true,
            ..CommandSettings::default()
        }
    }

    #[test]
    fn defaults_apply() {
        let s = SshSettings::from_command_settings(&base()).unwrap();
        assert_eq!(s.target.port, 22);
        assert_eq!(s.shell, "/bin/bash");
        assert_eq!(s.encoding, "utf-8");
        assert!(s.timeout.is_none());
        assert!(!s.target.user.is_empty());
    }

    #[test]
    fn empty_host_is_no_host_and_conntype_is_checked() {
        let mut c = base();
        c.host = Some(String::new());
        assert_eq!(SshSettings::from_command_settings(&c), Err(SettingsError::NoHost));
        let mut c = base();
        c.conntype = Some("winrs".into());
        let e = SshSettings::from_command_settings(&c).unwrap_err();
        assert!(e.is_connection_failure());
        assert_eq!(e.to_string(), "unsupported conntype: winrs");
        c.conntype = Some("SSH".into());
        assert!(SshSettings::from_command_settings(&c).is_ok());
    }

    #[test]
    fn ports_and_timeouts_are_checked() {
        let mut c = base();
        c.port = Some(70000);
        assert_eq!(
            SshSettings::from_command_settings(&c),
            Err(SettingsError::InvalidPort(70000))
        );
        let mut c = base();
        c.timeout = Some(0.0);
        assert_eq!(SshSettings::from_command_settings(&c).unwrap().timeout, None);
        c.timeout = Some(-1.0);
        assert!(SshSettings::from_command_settings(&c).is_err());
    }

    #[test]
    fn proxy_chains_parse() {
        let hops = parse_proxy("a, bob@b:2222,[::1]:23,carol@[fe80::1]", "me").unwrap();
        let got: Vec<String> = hops.iter().map(ToString::to_string).collect();
        assert_eq!(got, vec!["me@a:22", "bob@b:2222", "me@[::1]:23", "carol@[fe80::1]:22"]);
        assert!(parse_proxy("a:x", "me").is_err());
        assert!(parse_proxy("a,,b", "me").is_err());
        assert!(parse_proxy("@a", "me").is_err());
    }

    #[test]
    fn sudo_without_shell_in_dir_is_refused() {
        let mut c = base();
        c.sudo = true;
        c.use_shell = false;
        c.dir = Some("/tmp".into());
        assert_eq!(
            SshSettings::from_command_settings(&c),
            Err(SettingsError::SudoWithoutShellInDir)
        );
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let mut c = base();
        c.password = Some("hunter2-pw".into());
        c.passphrase = Some("sesame-pp".into());
        let s = SshSettings::from_command_settings(&c).unwrap();
        let dbg = format!("{s:?} {:?} {}", s.credentials, s.credentials.password.as_ref().unwrap());
        assert!(!dbg.contains("hunter2-pw") && !dbg.contains("sesame-pp"), "{dbg}");
        assert!(dbg.contains("***"));
        assert_eq!(s.credentials.passphrases().len(), 2);
    }
}
