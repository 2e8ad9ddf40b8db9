//! One SSH connection: TCP (or a tunnel through jump hosts), host-key
//! checking against known_hosts, and login by public key, password or
//! keyboard-interactive.

use super::config::{Credentials, Endpoint, KeySource, SshSettings};
use super::error::ConnectError;
use super::known_hosts::{self, Verdict};
use russh::client::{self, AuthResult, Handle, KeyboardInteractiveAuthResponse};
use russh::keys::{Algorithm, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Client-wide options that do not come from control variables.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The known_hosts file (the CLI's `--known-hosts` /
    /// `JOBFLOW_KNOWN_HOSTS`); `None`: `~/.ssh/known_hosts`.
    pub known_hosts: Option<PathBuf>,
    /// How long connecting and logging in may take (bounded further by
    /// `__timeout__` when that is shorter).
    pub connect_timeout: Duration,
    /// Keepalive interval on cached connections, so a dead peer is noticed.
    pub keepalive_interval: Option<Duration>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            known_hosts: None,
            connect_timeout: Duration::from_secs(30),
            keepalive_interval: Some(Duration::from_secs(30)),
        }
    }
}

impl ClientOptions {
    /// The known_hosts file in effect.
    pub fn known_hosts_path(&self) -> Option<PathBuf> {
        self.known_hosts.clone().or_else(known_hosts::default_path)
    }
}

/// The russh handler: checks the server's host key.
pub(crate) struct ClientHandler {
    host: String,
    port: u16,
    known_hosts: Option<PathBuf>,
}

/// What the handler and russh can fail with.
#[derive(Debug)]
pub(crate) enum HandlerError {
    /// A protocol or I/O error.
    Russh(russh::Error),
    /// The host key was refused.
    HostKey(ConnectError),
}

impl From<russh::Error> for HandlerError {
    fn from(e: russh::Error) -> Self {
        Self::Russh(e)
    }
}

impl client::Handler for ClientHandler {
    type Error = HandlerError;

    async fn check_server_key(&mut self, server_key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let key = match server_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(cert) => {
                // Not advertised; should a server send one, check its key.
                russh::keys::PublicKey::from(cert.public_key().clone())
            }
        };
        let Some(path) = self.known_hosts.clone() else {
            return Err(HandlerError::HostKey(ConnectError::KnownHosts {
                path: PathBuf::from("~/.ssh/known_hosts"),
                reason: "no home directory and no known_hosts file given".to_string(),
            }));
        };
        let kh_err = |e: std::io::Error| {
            HandlerError::HostKey(ConnectError::KnownHosts {
                path: path.clone(),
                reason: e.to_string(),
            })
        };
        let name = known_hosts::host_name(&self.host, self.port);
        match known_hosts::check(&path, &self.host, self.port, &key).map_err(kh_err)? {
            Verdict::Known => Ok(true),
            Verdict::Unknown => {
                known_hosts::learn(&path, &self.host, self.port, &key).map_err(kh_err)?;
                tracing::info!(host = %name, path = %path.display(), "recorded a new host key");
                Ok(true)
            }
            Verdict::Changed { line } => Err(HandlerError::HostKey(ConnectError::HostKeyChanged {
                host: name,
                path,
                line,
            })),
            Verdict::Revoked => Err(HandlerError::HostKey(ConnectError::HostKeyRevoked { host: name, path })),
        }
    }
}

/// A logged-in connection, with the jump-host connections it tunnels
/// through kept alive beside it.
pub(crate) struct Connection {
    /// The session handle.
    pub(crate) handle: Handle<ClientHandler>,
    /// Where it is logged in.
    pub(crate) endpoint: Endpoint,
    /// Jump hosts, outermost first (dropping them would close the tunnel).
    _jumps: Vec<Handle<ClientHandler>>,
}

impl Connection {
    /// Whether the connection (or a tunnel under it) is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.handle.is_closed() || self._jumps.iter().any(Handle::is_closed)
    }

    /// Says goodbye (best effort).
    pub(crate) async fn disconnect(&self) {
        let _ = self.handle.disconnect(russh::Disconnect::ByApplication, "", "en").await;
        for j in self._jumps.iter().rev() {
            let _ = j.disconnect(russh::Disconnect::ByApplication, "", "en").await;
        }
    }
}

/// Whether two key algorithms are the same kind of key (RSA's hash
/// variants are one kind).
fn same_kind(a: &Algorithm, b: &Algorithm) -> bool {
    a == b || (matches!(a, Algorithm::Rsa { .. }) && matches!(b, Algorithm::Rsa { .. }))
}

fn russh_config(opts: &ClientOptions, preferred_keys: &[Algorithm]) -> Arc<client::Config> {
    let mut config = client::Config {
        // Without it every small packet waits for a delayed ACK (~40 ms a command).
        nodelay: true,
        keepalive_interval: opts.keepalive_interval,
        ..client::Config::default()
    };
    if !preferred_keys.is_empty() {
        // Prefer the host-key algorithms already recorded for the host, as
        // OpenSSH does, so a host known by its RSA key is not asked for another.
        let mut keys: Vec<Algorithm> = config
            .preferred
            .key
            .iter()
            .filter(|a| preferred_keys.iter().any(|p| same_kind(a, p)))
            .cloned()
            .collect();
        keys.extend(
            config
                .preferred
                .key
                .iter()
                .filter(|a| !preferred_keys.iter().any(|p| same_kind(a, p)))
                .cloned(),
        );
        config.preferred.key = Cow::Owned(keys);
    }
    Arc::new(config)
}

fn protocol_error(ep: &Endpoint, e: HandlerError) -> ConnectError {
    match e {
        HandlerError::HostKey(err) => err,
        HandlerError::Russh(err) => ConnectError::Protocol {
            host: ep.host.clone(),
            port: ep.port,
            reason: describe_russh_error(&err),
        },
    }
}

/// A readable sentence for a russh error.
pub(crate) fn describe_russh_error(e: &russh::Error) -> String {
    match e {
        russh::Error::Disconnect => "the server closed the connection".to_string(),
        russh::Error::HUP => "the server hung up".to_string(),
        russh::Error::ConnectionTimeout => "no answer from the server".to_string(),
        russh::Error::KeepaliveTimeout => "the server stopped answering keepalives".to_string(),
        other => other.to_string(),
    }
}

/// Opens a TCP connection to `ep`, trying each resolved address.
async fn tcp_connect(ep: &Endpoint) -> Result<tokio::net::TcpStream, ConnectError> {
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((ep.host.as_str(), ep.port))
        .await
        .map_err(|source| ConnectError::Resolve {
            host: ep.host.clone(),
            source,
        })?
        .collect();
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the host name has no address");
    for addr in addrs {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(s) => {
                if let Err(e) = s.set_nodelay(true) {
                    tracing::warn!(error = %e, "set_nodelay failed");
                }
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(ConnectError::Connect {
        host: ep.host.clone(),
        port: ep.port,
        source: last,
    })
}

/// Connects and logs in to `settings.target`, through its jump hosts, within
/// the connect timeout.
pub(crate) async fn connect(settings: &SshSettings, opts: &ClientOptions) -> Result<Connection, ConnectError> {
    let limit = match settings.timeout {
        Some(t) if t < opts.connect_timeout => t,
        _ => opts.connect_timeout,
    };
    let first = settings.jumps.first().unwrap_or(&settings.target);
    match tokio::time::timeout(limit, connect_chain(settings, opts)).await {
        Ok(r) => r,
        Err(_) => Err(ConnectError::ConnectTimeout {
            host: first.host.clone(),
            port: first.port,
            secs: limit.as_secs_f64(),
        }),
    }
}

async fn connect_chain(settings: &SshSettings, opts: &ClientOptions) -> Result<Connection, ConnectError> {
    let known_hosts = opts.known_hosts_path();
    let hops: Vec<&Endpoint> = settings.jumps.iter().chain(std::iter::once(&settings.target)).collect();
    let mut jumps: Vec<Handle<ClientHandler>> = Vec::new();
    for (index, ep) in hops.into_iter().enumerate() {
        let creds = if index < settings.jumps.len() {
            settings.credentials_for_jump(index)
        } else {
            &settings.credentials
        };
        let preferred = known_hosts
            .as_deref()
            .map(|p| known_hosts::recorded_algorithms(p, &ep.host, ep.port))
            .unwrap_or_default();
        let config = russh_config(opts, &preferred);
        let handler = ClientHandler {
            host: ep.host.clone(),
            port: ep.port,
            known_hosts: known_hosts.clone(),
        };
        let mut handle = match jumps.last() {
            None => {
                let tcp = tcp_connect(ep).await?;
                client::connect_stream(config, tcp, handler)
                    .await
                    .map_err(|e| protocol_error(ep, e))?
            }
            Some(via) => {
                let channel = via
                    .channel_open_direct_tcpip(ep.host.clone(), u32::from(ep.port), "127.0.0.1", 0)
                    .await
                    .map_err(|e| ConnectError::Tunnel {
                        via: settings
                            .jumps
                            .get(jumps.len() - 1)
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        host: ep.host.clone(),
                        port: ep.port,
                        reason: describe_russh_error(&e),
                    })?;
                client::connect_stream(config, channel.into_stream(), handler)
                    .await
                    .map_err(|e| protocol_error(ep, e))?
            }
        };
        authenticate(&mut handle, ep, creds).await?;
        tracing::debug!(endpoint = %ep, "logged in");
        jumps.push(handle);
    }
    let handle = jumps.pop().ok_or_else(|| ConnectError::Protocol {
        host: settings.target.host.clone(),
        port: settings.target.port,
        reason: "no hop to connect to".to_string(),
    })?;
    Ok(Connection {
        handle,
        endpoint: settings.target.clone(),
        _jumps: jumps,
    })
}

/// Loads a private key (from its file or from memory), trying the
/// passphrases if it is encrypted.
fn load_key(source: &KeySource, creds: &Credentials) -> Result<russh::keys::PrivateKey, ConnectError> {
    let key_err = |reason: String| ConnectError::KeyFile {
        path: source.label(),
        reason,
    };
    let text = match source {
        KeySource::File(path) => std::fs::read_to_string(path).map_err(|e| key_err(e.to_string()))?,
        KeySource::Memory(key) => std::str::from_utf8(key.expose())
            .map_err(|_| key_err("not a usable private key (not text)".to_string()))?
            .to_string(),
    };
    match russh::keys::decode_secret_key(&text, None) {
        Ok(k) => return Ok(k),
        Err(russh::keys::Error::KeyIsEncrypted) => {}
        Err(e) => return Err(key_err(format!("not a usable private key ({e})"))),
    }
    let passphrases = creds.passphrases();
    if passphrases.is_empty() {
        return Err(key_err("the key is encrypted and no passphrase was given".to_string()));
    }
    for p in passphrases {
        if let Ok(k) = russh::keys::decode_secret_key(&text, Some(p.expose())) {
            return Ok(k);
        }
    }
    Err(key_err("the passphrase is wrong".to_string()))
}

/// Logs in: each key file, then the password, then keyboard-interactive
/// answered with the password.
async fn authenticate(
    handle: &mut Handle<ClientHandler>,
    ep: &Endpoint,
    creds: &Credentials,
) -> Result<(), ConnectError> {
    let russh_err = |e: russh::Error| ConnectError::Protocol {
        host: ep.host.clone(),
        port: ep.port,
        reason: describe_russh_error(&e),
    };
    let mut tried: Vec<&str> = Vec::new();
    let mut key_problem: Option<ConnectError> = None;
    for source in creds.keys() {
        let key = match load_key(&source, creds) {
            Ok(k) => k,
            Err(e) => {
                tracing::debug!(error = %e, "skipping a key file");
                key_problem.get_or_insert(e);
                continue;
            }
        };
        let hash = if key.algorithm().is_rsa() {
            handle.best_supported_rsa_hash().await.map_err(russh_err)?.flatten()
        } else {
            None
        };
        if !tried.contains(&"publickey") {
            tried.push("publickey");
        }
        let result = handle
            .authenticate_publickey(ep.user.clone(), PrivateKeyWithHashAlg::new(Arc::new(key), hash))
            .await
            .map_err(russh_err)?;
        if result.success() {
            return Ok(());
        }
    }
    if let Some(password) = &creds.password {
        tried.push("password");
        let result = handle
            .authenticate_password(ep.user.clone(), password.expose())
            .await
            .map_err(russh_err)?;
        if matches!(result, AuthResult::Success) {
            return Ok(());
        }
        tried.push("keyboard-interactive");
        let mut reply = handle
            .authenticate_keyboard_interactive_start(ep.user.clone(), None)
            .await
            .map_err(russh_err)?;
        for _round in 0..5 {
            match reply {
                KeyboardInteractiveAuthResponse::Success => return Ok(()),
                KeyboardInteractiveAuthResponse::Failure { .. } => break,
                KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                    let answers = prompts
                        .iter()
                        .map(|p| {
                            if p.echo {
                                String::new()
                            } else {
                                password.expose().to_string()
                            }
                        })
                        .collect();
                    reply = handle
                        .authenticate_keyboard_interactive_respond(answers)
                        .await
                        .map_err(russh_err)?;
                }
            }
        }
    }
    if tried.is_empty() {
        if let Some(problem) = key_problem {
            return Err(problem);
        }
    }
    let tried = if tried.is_empty() {
        "no key file and no password".to_string()
    } else {
        tried.join(", ")
    };
    match key_problem {
        Some(ConnectError::KeyFile { path, reason }) => Err(ConnectError::AuthFailed {
            user: ep.user.clone(),
            host: ep.host.clone(),
            port: ep.port,
            tried: format!("{tried}; key {} unusable: {reason}", path.display()),
        }),
        _ => Err(ConnectError::AuthFailed {
            user: ep.user.clone(),
            host: ep.host.clone(),
            port: ep.port,
            tried,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_disable_nagle() {
        // russh leaves Nagle's algorithm on; with it every small packet
        // waits for a delayed ACK (~40 ms a command).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let ep = Endpoint {
            host: "127.0.0.1".into(),
            port: listener.local_addr().unwrap().port(),
            user: "u".into(),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let stream = rt.block_on(tcp_connect(&ep)).unwrap();
        assert!(stream.nodelay().unwrap());
        let config = russh_config(&ClientOptions::default(), &[]);
        assert!(config.nodelay);
    }
}
