//! What can go wrong on the way to a remote host, in sentences a person
//! understands. None of these messages ever holds a password, a passphrase
//! or key material.

use std::path::PathBuf;

/// Why a connection to a host could not be made or used. Every variant is a
/// *connection failure* of `language.md` 7 (`$STATUS` -1, `$ERROR` the
/// message).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The host name did not resolve.
    #[error("cannot resolve host '{host}': {source}")]
    Resolve {
        /// The host as written.
        host: String,
        /// The resolver's error.
        #[source]
        source: std::io::Error,
    },
    /// TCP connect failed (refused, unreachable…).
    #[error("cannot connect to {host} port {port}: {source}")]
    Connect {
        /// The host as written.
        host: String,
        /// The port.
        port: u16,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// Connecting and logging in took longer than allowed.
    #[error("timeout: no SSH login to {host} port {port} within {secs} seconds")]
    ConnectTimeout {
        /// The host as written.
        host: String,
        /// The port.
        port: u16,
        /// The limit.
        secs: f64,
    },
    /// The server's host key differs from the one recorded for it.
    #[error(
        "host key verification failed: the host key of {host} has changed since it was recorded in {path} \
         (line {line}); refusing to connect (remove that line if the change is expected)"
    )]
    HostKeyChanged {
        /// The known_hosts name (`host` or `[host]:port`).
        host: String,
        /// The known_hosts file.
        path: PathBuf,
        /// The line (1-based) of the recorded key.
        line: usize,
    },
    /// The host is marked `@revoked` in known_hosts.
    #[error("host key verification failed: the host key of {host} is marked as revoked in {path}")]
    HostKeyRevoked {
        /// The known_hosts name.
        host: String,
        /// The known_hosts file.
        path: PathBuf,
    },
    /// The known_hosts file could not be read or written.
    #[error("host key verification failed: cannot use known_hosts file {path}: {reason}")]
    KnownHosts {
        /// The known_hosts file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A private key file could not be used.
    #[error("cannot use private key {path}: {reason}")]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What went wrong (never the passphrase).
        reason: String,
    },
    /// Every authentication method was refused.
    #[error("authentication failed: {user}@{host} port {port} refused the login (tried: {tried})")]
    AuthFailed {
        /// The login user.
        user: String,
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The methods tried, comma-separated (or "none").
        tried: String,
    },
    /// The SSH protocol failed (the connection broke, negotiation failed…).
    #[error("SSH connection to {host} port {port} failed: {reason}")]
    Protocol {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What went wrong.
        reason: String,
    },
    /// A jump host could not open the tunnel to the next hop.
    #[error("jump host {via} could not reach {host} port {port}: {reason}")]
    Tunnel {
        /// The jump host (`user@host:port`).
        via: String,
        /// The next hop.
        host: String,
        /// Its port.
        port: u16,
        /// What went wrong.
        reason: String,
    },
    /// An established connection broke while a command was running.
    #[error("the SSH connection to {host} broke: {reason}")]
    Broken {
        /// The host.
        host: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused to open a channel on a live connection, even
    /// with no other channel open on it (or kept refusing).
    #[error("the SSH server on {host} refused to open a channel: {reason}")]
    ChannelRefused {
        /// The host.
        host: String,
        /// The server's reason.
        reason: String,
    },
    /// The command ran longer than `__timeout__`.
    #[error("timeout: the command did not end within {secs} seconds")]
    CommandTimeout {
        /// The limit.
        secs: f64,
    },
    /// The process that asked for the job was ended from outside: the
    /// command was signalled and its channel closed
    /// ([`Cancel`](crate::exec::Cancel)).
    #[error("cancelled: the process was ended from outside")]
    Cancelled,
}

/// Control variables that cannot make SSH settings (`stdlib.md` 5.5); the
/// job fails or is a connection failure as [`SettingsError::is_connection_failure`] says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// No `__host__`.
    #[error("no remote host")]
    NoHost,
    /// `__conntype__` is not `ssh`.
    #[error("unsupported conntype: {0}")]
    UnsupportedConntype(String),
    /// `__port__` is not a TCP port.
    #[error("invalid context variable '__port__': {0} is not a port number (1-65535)")]
    InvalidPort(i64),
    /// `__proxy__` is not `[user@]host[:port]` (comma-separated for a chain).
    #[error("invalid context variable '__proxy__': {0}")]
    InvalidProxy(String),
    /// `__timeout__` is negative or not finite.
    #[error("invalid context variable '__timeout__': {0}")]
    InvalidTimeout(String),
    /// `__sudo__` with `__use_shell__ = false` and a `__dir__` (`language.md` 4.4).
    #[error("__sudo__ with __use_shell__ = false and a __dir__ cannot be combined")]
    SudoWithoutShellInDir,
}

impl SettingsError {
    /// Whether this is a connection failure (`$STATUS` -1) rather than a
    /// failed job (`$STATUS` 1).
    pub fn is_connection_failure(&self) -> bool {
        matches!(self, Self::UnsupportedConntype(_))
    }
}

/// Why `put`/`get` failed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The host could not be reached or logged in to (`$STATUS` -1).
    #[error(transparent)]
    Connection(#[from] ConnectError),
    /// The settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A wildcard pattern is malformed.
    #[error("invalid wildcard pattern '{pattern}': {reason}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Nothing matched the source path.
    #[error("no such file: {0}")]
    NoMatch(String),
    /// Several sources, but the destination is not a directory.
    #[error("destination '{0}' is not a directory, but several files match")]
    NotADirectory(String),
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Local {
        /// The local path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The SFTP server refused an operation.
    #[error("{path}: {reason}")]
    Remote {
        /// The remote path.
        path: String,
        /// The server's reason.
        reason: String,
    },
}

impl TransferError {
    /// Whether this is a connection failure (`$STATUS` -1) rather than a
    /// failed job (`$STATUS` 1).
    pub fn is_connection_failure(&self) -> bool {
        match self {
            Self::Connection(_) => true,
            Self::Settings(e) => e.is_connection_failure(),
            _ => false,
        }
    }
}

/// Why `reboot` failed.
#[derive(Debug, thiserror::Error)]
pub enum RebootError {
    /// The host could not be reached or logged in to before the reboot.
    #[error(transparent)]
    Connection(#[from] ConnectError),
    /// The settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// sudo refused the reboot.
    #[error("sudo refused the reboot: {0}")]
    SudoRefused(String),
    /// No login succeeded within the wait.
    #[error("the host did not come back within {0} seconds")]
    NotBack(f64),
}
