//! `put` and `get` (`stdlib.md` 2) over SFTP on the cached connection.
//! Wildcards (`*`, `?`, `[...]`) are expanded with `glob` locally and by a
//! remote directory listing for `get` (in the last path component).

use super::config::SshSettings;
use super::error::{ConnectError, TransferError};
use super::pool::SshPool;
use russh_sftp::client::SftpSession;
use russh_sftp::protocol::FileAttributes;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn remote_err(path: &str, e: impl std::fmt::Display) -> TransferError {
    TransferError::Remote {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

/// A remote path as `stdlib.md` 2 reads it: relative to `__dir__` when set,
/// else to the login home (the SFTP server's starting directory).
fn remote_path(settings: &SshSettings, path: &str) -> String {
    match &settings.dir {
        Some(dir) if !path.starts_with('/') => format!("{}/{}", dir.trim_end_matches('/'), path),
        _ => path.to_string(),
    }
}

/// Opens an SFTP session on a channel from [`SshPool::open_channel`]
/// (another connection of the key when one is full, a dead cached one
/// replaced); when the subsystem request fails because the connection died,
/// the open is retried once on a new connection.
async fn open(pool: &SshPool, settings: &SshSettings) -> Result<(SftpSession, super::pool::Lease), TransferError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (channel, lease) = pool.open_channel(settings).await?;
        match channel.request_subsystem(true, "sftp").await {
            Ok(()) => {
                let session = SftpSession::new(channel.into_stream())
                    .await
                    .map_err(|e| remote_err("sftp", format!("cannot start SFTP: {e}")))?;
                return Ok((session, lease));
            }
            Err(e) => {
                let fresh = lease.fresh;
                let dead = lease.conn.is_closed();
                if dead {
                    pool.invalidate(settings, &lease.conn).await;
                }
                pool.release(lease).await;
                if !dead || attempt >= 2 || fresh {
                    return Err(TransferError::Connection(ConnectError::Broken {
                        host: settings.target.host.clone(),
                        reason: super::client::describe_russh_error(&e),
                    }));
                }
            }
        }
    }
}

async fn is_remote_dir(sftp: &SftpSession, path: &str) -> bool {
    sftp.metadata(path).await.is_ok_and(|m| m.is_dir())
}

fn file_name(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

/// Copies local files matching `local` to `remote` (a directory or a file
/// path). Returns the destination paths. Files copied before a failure stay.
pub(crate) async fn put(
    pool: &SshPool,
    settings: &SshSettings,
    local: &str,
    remote: &str,
) -> Result<Vec<String>, TransferError> {
    let sources: Vec<PathBuf> = if has_wildcard(local) {
        let paths = glob::glob(local).map_err(|e| TransferError::Pattern {
            pattern: local.to_string(),
            reason: e.msg.to_string(),
        })?;
        let mut v: Vec<PathBuf> = paths.filter_map(Result::ok).filter(|p| p.is_file()).collect();
        v.sort();
        v
    } else {
        let p = PathBuf::from(local);
        if !p.is_file() {
            return Err(TransferError::NoMatch(local.to_string()));
        }
        vec![p]
    };
    if sources.is_empty() {
        return Err(TransferError::NoMatch(local.to_string()));
    }
    let (sftp, lease) = open(pool, settings).await?;
    let result = async {
        let dest = remote_path(settings, remote);
        let into_dir = remote.ends_with('/') || is_remote_dir(&sftp, &dest).await;
        if sources.len() > 1 && !into_dir {
            return Err(TransferError::NotADirectory(remote.to_string()));
        }
        let mut copied = Vec::new();
        for src in &sources {
            let name = src
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let target = if into_dir {
                format!("{}/{}", dest.trim_end_matches('/'), name)
            } else {
                dest.clone()
            };
            copy_up(&sftp, src, &target).await?;
            copied.push(target);
        }
        Ok(copied)
    }
    .await;
    let _ = sftp.close().await;
    pool.release(lease).await;
    result
}

async fn copy_up(sftp: &SftpSession, src: &Path, target: &str) -> Result<(), TransferError> {
    let local_err = |source: std::io::Error| TransferError::Local {
        path: src.display().to_string(),
        source,
    };
    let mut input = tokio::fs::File::open(src).await.map_err(local_err)?;
    let mode = input.metadata().await.map_err(local_err)?.permissions();
    let mut output = sftp.create(target).await.map_err(|e| remote_err(target, e))?;
    tokio::io::copy(&mut input, &mut output)
        .await
        .map_err(|e| remote_err(target, e))?;
    output.shutdown().await.map_err(|e| remote_err(target, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let attrs = FileAttributes {
            permissions: Some(mode.mode() & 0o7777),
            ..FileAttributes::default()
        };
        // Keeping the mode (a script's x bit) is a courtesy, not a must.
        if let Err(e) = sftp.set_metadata(target, attrs).await {
            tracing::debug!(error = %e, "could not copy the file mode");
        }
    }
    #[cfg(not(unix))]
    let _ = (mode, FileAttributes::default());
    Ok(())
}

/// Copies remote files matching `remote` to `local` (a directory or a file
/// path). Returns the local paths. Files copied before a failure stay.
pub(crate) async fn get(
    pool: &SshPool,
    settings: &SshSettings,
    remote: &str,
    local: &str,
) -> Result<Vec<String>, TransferError> {
    let (sftp, lease) = open(pool, settings).await?;
    let result = async {
        let full = remote_path(settings, remote);
        let sources: Vec<String> = if has_wildcard(file_name(&full)) {
            let (dir, pat) = match full.rsplit_once('/') {
                Some(("", p)) => ("/".to_string(), p.to_string()),
                Some((d, p)) => (d.to_string(), p.to_string()),
                None => (".".to_string(), full.clone()),
            };
            let pattern = glob::Pattern::new(&pat).map_err(|e| TransferError::Pattern {
                pattern: remote.to_string(),
                reason: e.msg.to_string(),
            })?;
            let listing = sftp.read_dir(dir.clone()).await.map_err(|e| remote_err(&dir, e))?;
            let mut names: Vec<String> = listing
                .filter(|e| e.file_type().is_file() && pattern.matches(&e.file_name()))
                .map(|e| {
                    if dir == "." {
                        e.file_name()
                    } else {
                        format!("{}/{}", dir.trim_end_matches('/'), e.file_name())
                    }
                })
                .collect();
            names.sort();
            names
        } else {
            match sftp.metadata(full.clone()).await {
                Ok(m) if m.is_dir() => return Err(remote_err(&full, "is a directory")),
                Ok(_) => vec![full.clone()],
                Err(_) => Vec::new(),
            }
        };
        if sources.is_empty() {
            return Err(TransferError::NoMatch(remote.to_string()));
        }
        let local_dir = Path::new(local).is_dir() || local.ends_with('/');
        if sources.len() > 1 && !local_dir {
            return Err(TransferError::NotADirectory(local.to_string()));
        }
        let mut copied = Vec::new();
        for src in &sources {
            let target = if local_dir {
                Path::new(local).join(file_name(src))
            } else {
                PathBuf::from(local)
            };
            let mut input = sftp.open(src.clone()).await.map_err(|e| remote_err(src, e))?;
            let local_err = |source: std::io::Error| TransferError::Local {
                path: target.display().to_string(),
                source,
            };
            let mut output = tokio::fs::File::create(&target).await.map_err(local_err)?;
            tokio::io::copy(&mut input, &mut output).await.map_err(local_err)?;
            output.flush().await.map_err(local_err)?;
            copied.push(target.display().to_string());
        }
        Ok(copied)
    }
    .await;
    let _ = sftp.close().await;
    pool.release(lease).await;
    result
}
