//! SSH settings from the control variables (`language.md` 4.4,
//! `stdlib.md` 5.5).
//!
//! The VM does steps 1 to 3 of `stdlib.md` 5.5 (`__node__`, `__account__`,
//! the node's jump chain) and hands the result, with every non-null control
//! variable applied, as a [`CommandSettings`]; this module applies the
//! defaults and parses `__proxy__`. Secrets are held in [`Secret`], whose
//! `Debug` never shows them.

use super::error::SettingsError;
use jobflow_vm::effect::{CommandSettings, JumpHost, KeyMaterial};
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

/// Where to log in: host, port and user. With the jump chain and a digest
/// of the credentials, this is the key of the connection cache.
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

/// A private key held in memory (a File `__keyfile__`, or an AccountInfo's
/// `keyfile`). `Debug` shows its name and size, never its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyData {
    /// The File's name, for messages.
    pub name: String,
    data: Vec<u8>,
}

impl KeyData {
    /// A key named `name` with these contents (OpenSSH or PEM text).
    pub fn new(name: impl Into<String>, data: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            data,
        }
    }

    /// The key file's contents, for the one place that decodes them.
    pub fn expose(&self) -> &[u8] {
        &self.data
    }
}

impl fmt::Debug for KeyData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyData({:?}, <{} bytes>)", self.name, self.data.len())
    }
}

impl From<&KeyMaterial> for KeyData {
    fn from(k: &KeyMaterial) -> Self {
        Self::new(k.name.clone(), k.data.clone())
    }
}

/// Where a private key to try comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A key file on disk.
    File(PathBuf),
    /// Key material in memory.
    Memory(KeyData),
}

impl KeySource {
    /// The file path, or the File's name, for messages.
    pub fn label(&self) -> PathBuf {
        match self {
            Self::File(p) => p.clone(),
            Self::Memory(k) => PathBuf::from(&k.name),
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
    /// A key given as a File (`__keyfile__` or an AccountInfo's `keyfile`);
    /// tried instead of `keyfile` and the defaults.
    pub key: Option<KeyData>,
    /// `__passphrase__` of the key.
    pub passphrase: Option<Secret>,
}

impl Credentials {
    /// The keys to try, in order: the in-memory key, else the key file,
    /// else the client defaults that exist.
    pub fn keys(&self) -> Vec<KeySource> {
        if let Some(k) = &self.key {
            return vec![KeySource::Memory(k.clone())];
        }
        self.keyfiles().into_iter().map(KeySource::File).collect()
    }

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
    /// Credentials for the target, and for every jump host without its own.
    pub credentials: Credentials,
    /// Jump hosts, the first one reached directly (`__proxy__`, or a
    /// NodeInfo's `proxy` chain).
    pub jumps: Vec<Endpoint>,
    /// The jump hosts' own credentials, by position in `jumps` (from a
    /// NodeInfo's account); a missing or `None` entry uses `credentials`.
    pub jump_credentials: Vec<Option<Credentials>>,
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
            jump_credentials: Vec::new(),
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
        let (jumps, jump_credentials) = match s.proxy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => (parse_proxy(p, &user)?, Vec::new()),
            None => {
                let mut hops = Vec::with_capacity(s.jumps.len());
                let mut creds = Vec::with_capacity(s.jumps.len());
                for j in &s.jumps {
                    let (hop, cred) = jump_hop(j, &user)?;
                    hops.push(hop);
                    creds.push(cred);
                }
                (hops, creds)
            }
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
            credentials: credentials(
                s.password.as_deref(),
                s.keyfile.as_deref(),
                s.key.as_ref(),
                s.passphrase.as_deref(),
            ),
            jumps,
            jump_credentials,
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

    /// The credentials for the jump host at `index` in `jumps`: its own,
    /// else the target's.
    pub fn credentials_for_jump(&self, index: usize) -> &Credentials {
        match self.jump_credentials.get(index) {
            Some(Some(c)) => c,
            _ => &self.credentials,
        }
    }
}

/// Credentials from the settings' strings and key material.
fn credentials(
    password: Option<&str>,
    keyfile: Option<&str>,
    key: Option<&KeyMaterial>,
    passphrase: Option<&str>,
) -> Credentials {
    Credentials {
        password: password.map(Secret::new),
        keyfile: keyfile.filter(|k| !k.is_empty()).map(expand_tilde),
        key: key.map(KeyData::from),
        passphrase: passphrase.map(Secret::new),
    }
}

/// A NodeInfo jump host: its endpoint (the target's user when its account
/// names none) and its own credentials, if it has a password or a key.
fn jump_hop(j: &JumpHost, target_user: &str) -> Result<(Endpoint, Option<Credentials>), SettingsError> {
    if j.host.is_empty() {
        return Err(SettingsError::InvalidProxy(
            "a jump host without an address".to_string(),
        ));
    }
    let port = match j.port {
        None => DEFAULT_PORT,
        Some(p) => u16::try_from(p)
            .ok()
            .filter(|p| *p != 0)
            .ok_or(SettingsError::InvalidPort(p))?,
    };
    let user = j
        .user
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| target_user.to_string());
    let own = j.password.is_some() || j.keyfile.is_some() || j.key.is_some();
    let creds = own.then(|| {
        credentials(
            j.password.as_deref(),
            j.keyfile.as_deref(),
            j.key.as_ref(),
            j.passphrase.as_deref(),
        )
    });
    Ok((
        Endpoint {
            host: j.host.clone(),
            port,
            user,
        },
        creds,
    ))
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
    fn node_jump_hosts_keep_their_own_credentials() {
        let mut c = base();
        c.user = Some("target-user".into());
        c.password = Some("target-pw".into());
        c.jumps = vec![
            JumpHost {
                host: "outer".into(),
                port: Some(2022),
                user: Some("jumper".into()),
                key: Some(KeyMaterial {
                    name: "id_jump".into(),
                    data: b"KEY-JUMP".to_vec(),
                }),
                ..JumpHost::default()
            },
            JumpHost {
                host: "inner".into(),
                ..JumpHost::default()
            },
        ];
        let s = SshSettings::from_command_settings(&c).unwrap();
        let hops: Vec<String> = s.jumps.iter().map(ToString::to_string).collect();
        assert_eq!(hops, vec!["jumper@outer:2022", "target-user@inner:22"]);
        let outer = s.credentials_for_jump(0);
        assert_eq!(outer.password, None);
        assert_eq!(
            outer.keys(),
            vec![KeySource::Memory(KeyData::new("id_jump", b"KEY-JUMP".to_vec()))]
        );
        // A hop without a password or key of its own uses the target's.
        assert_eq!(s.credentials_for_jump(1), &s.credentials);
        assert_eq!(s.credentials.password.as_ref().map(Secret::expose), Some("target-pw"));
        // A __proxy__ string wins over the node chain.
        c.proxy = Some("a@b:1".into());
        let s = SshSettings::from_command_settings(&c).unwrap();
        assert_eq!(s.jumps.len(), 1);
        assert_eq!(s.credentials_for_jump(0), &s.credentials);
        c.proxy = None;
        c.jumps[1].port = Some(0);
        assert_eq!(
            SshSettings::from_command_settings(&c),
            Err(SettingsError::InvalidPort(0))
        );
    }

    #[test]
    fn an_in_memory_key_is_tried_instead_of_files_and_never_shown() {
        let mut c = base();
        c.keyfile = Some("/nonexistent/key".into());
        c.key = Some(KeyMaterial {
            name: "id_mem".into(),
            data: b"SECRET-KEY-BYTES".to_vec(),
        });
        let s = SshSettings::from_command_settings(&c).unwrap();
        let keys = s.credentials.keys();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].label(), PathBuf::from("id_mem"));
        let dbg = format!("{s:?} {c:?}");
        assert!(!dbg.contains("SECRET-KEY-BYTES"), "{dbg}");
        assert!(dbg.contains("id_mem"), "{dbg}");
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
