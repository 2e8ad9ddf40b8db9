//! OpenSSH `known_hosts` files: checking a server's host key and recording
//! a new one, like `StrictHostKeyChecking=accept-new`.
//!
//! Supported: plain and hashed (`|1|salt|hash`) host names, comma lists,
//! `*`/`?` wildcards, `!` negation, `[host]:port` for ports other than 22,
//! the `@revoked` marker. `@cert-authority` lines are skipped (host
//! certificates are not used). A line that does not parse is skipped, as
//! OpenSSH does.

use data_encoding::BASE64;
use hmac::{Hmac, KeyInit, Mac};
use russh::keys::{Algorithm, PublicKey};
use sha1::Sha1;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a known_hosts file says about a host's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The key is recorded for this host.
    Known,
    /// Nothing is recorded for this host.
    Unknown,
    /// Another key is recorded for this host; `line` (1-based) holds it.
    Changed {
        /// The line of the recorded key.
        line: usize,
    },
    /// The key is marked `@revoked`.
    Revoked,
}

/// The default file: `~/.ssh/known_hosts`.
pub fn default_path() -> Option<PathBuf> {
    super::config::home_dir().map(|h| h.join(".ssh").join("known_hosts"))
}

/// The name a host is recorded under: `host`, or `[host]:port` when the
/// port is not 22.
pub fn host_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    }
}

/// One parsed line.
struct Entry<'a> {
    line: usize,
    marker: Option<&'a str>,
    hosts: &'a str,
    key: PublicKey,
}

fn entries(text: &str) -> impl Iterator<Item = Entry<'_>> {
    text.lines().enumerate().filter_map(|(i, raw)| {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_whitespace();
        let mut first = fields.next()?;
        let marker = if first.starts_with('@') {
            let m = first;
            first = fields.next()?;
            Some(m)
        } else {
            None
        };
        let keytype = fields.next()?;
        let b64 = fields.next()?;
        match PublicKey::from_openssh(&format!("{keytype} {b64}")) {
            Ok(key) => Some(Entry {
                line: i + 1,
                marker,
                hosts: first,
                key,
            }),
            Err(e) => {
                tracing::debug!(line = i + 1, error = %e, "known_hosts: skipping a line that does not parse");
                None
            }
        }
    })
}

/// Whether a comma-separated host list matches `name`.
fn hosts_match(hosts: &str, name: &str) -> bool {
    let mut matched = false;
    for pattern in hosts.split(',') {
        if let Some(neg) = pattern.strip_prefix('!') {
            if wildcard_match(neg, name) {
                return false;
            }
        } else if pattern.starts_with("|1|") {
            matched |= hashed_match(pattern, name);
        } else {
            matched |= wildcard_match(pattern, name);
        }
    }
    matched
}

/// `|1|base64(salt)|base64(hmac-sha1(salt, name))`.
fn hashed_match(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('|').skip(2);
    let (Some(salt), Some(hash)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (BASE64.decode(salt.as_bytes()), BASE64.decode(hash.as_bytes())) else {
        return false;
    };
    let Ok(mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(&salt) else {
        return false;
    };
    mac.chain_update(name.as_bytes()).verify_slice(&hash).is_ok()
}

/// `*` and `?` wildcards, case-insensitive as OpenSSH compares host names.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == n.get(ni) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// Checks `key` for `host`:`port` against the file at `path` (a missing
/// file knows no host).
pub fn check(path: &Path, host: &str, port: u16, key: &PublicKey) -> std::io::Result<Verdict> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Verdict::Unknown),
        Err(e) => return Err(e),
    };
    let name = host_name(host, port);
    let mut known = false;
    let mut changed: Option<usize> = None;
    for entry in entries(&text).filter(|e| hosts_match(e.hosts, &name)) {
        let same = entry.key.key_data() == key.key_data();
        match entry.marker {
            Some("@revoked") if same => return Ok(Verdict::Revoked),
            Some(_) => {}
            None if same => known = true,
            None => {
                changed.get_or_insert(entry.line);
            }
        }
    }
    Ok(match (known, changed) {
        (true, _) => Verdict::Known,
        (false, Some(line)) => Verdict::Changed { line },
        (false, None) => Verdict::Unknown,
    })
}

/// The key algorithms recorded for a host, so key exchange can prefer them
/// (as OpenSSH does) and a host with a recorded key of one type is not
/// refused for offering another.
pub fn recorded_algorithms(path: &Path, host: &str, port: u16) -> Vec<Algorithm> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let name = host_name(host, port);
    let mut algs: Vec<Algorithm> = Vec::new();
    for entry in entries(&text).filter(|e| e.marker.is_none() && hosts_match(e.hosts, &name)) {
        let alg = entry.key.algorithm();
        if !algs.contains(&alg) {
            algs.push(alg);
        }
    }
    algs
}

/// Serializes appends from the tasks of this process.
static LEARN_LOCK: Mutex<()> = Mutex::new(());

/// Appends `host`:`port` with `key` to the file at `path`, creating the
/// file (and its directory, mode 0700) if needed.
pub fn learn(path: &Path, host: &str, port: u16, key: &PublicKey) -> std::io::Result<()> {
    let _guard = LEARN_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
    }
    let existing = std::fs::read(path).unwrap_or_default();
    let openssh = key
        .to_openssh()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    // Drop the comment: the line then reads `name type base64`.
    let mut parts = openssh.split_whitespace();
    let (Some(kind), Some(b64)) = (parts.next(), parts.next()) else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "unexpected public key format",
        ));
    };
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut line = String::new();
    if existing.last().is_some_and(|b| *b != b'\n') {
        line.push('\n');
    }
    line.push_str(&format!("{} {kind} {b64}\n", host_name(host, port)));
    file.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICKmwD/z4+V5Gu+MbTeYDq+N+kVDlTeSbcbcPaJMrTLs";
    const ED2: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrZT4ZEM7WkCn51978KxoBVjUpCMbwQSo19GaPuH2jQ";

    fn key(s: &str) -> PublicKey {
        PublicKey::from_openssh(s).unwrap()
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.example.com", "a.example.com"));
        assert!(wildcard_match("web?", "WEB1"));
        assert!(!wildcard_match("web?", "web12"));
        assert!(wildcard_match("*", "x"));
        assert!(!wildcard_match("a*b", "acbd"));
        assert!(hosts_match("web*,!web3", "web1"));
        assert!(!hosts_match("web*,!web3", "web3"));
    }

    #[test]
    fn hashed_names_match() {
        // `ssh-keygen -H` form of "[127.0.0.1]:2222" with salt "salt-salt-salt-salt-" (20 bytes).
        let salt = b"salt-salt-salt-salt-";
        let mac = <Hmac<Sha1> as KeyInit>::new_from_slice(salt).unwrap();
        let hash = mac.chain_update(b"[127.0.0.1]:2222").finalize().into_bytes();
        let pattern = format!("|1|{}|{}", BASE64.encode(salt), BASE64.encode(&hash));
        assert!(hosts_match(&pattern, "[127.0.0.1]:2222"));
        assert!(!hosts_match(&pattern, "127.0.0.1"));
    }

    #[test]
    fn check_learn_and_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("known_hosts");
        assert_eq!(check(&path, "h", 2222, &key(ED)).unwrap(), Verdict::Unknown);
        learn(&path, "h", 2222, &key(ED)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("[h]:2222 ssh-ed25519 "), "{text}");
        assert_eq!(check(&path, "h", 2222, &key(ED)).unwrap(), Verdict::Known);
        assert_eq!(check(&path, "h", 22, &key(ED)).unwrap(), Verdict::Unknown);
        assert_eq!(
            check(&path, "h", 2222, &key(ED2)).unwrap(),
            Verdict::Changed { line: 1 }
        );
        assert_eq!(recorded_algorithms(&path, "h", 2222), vec![Algorithm::Ed25519]);
    }

    #[test]
    fn revoked_and_junk_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        std::fs::write(
            &path,
            format!("# comment\ngarbage line here\n@revoked * {ED}\nh {ED}\n"),
        )
        .unwrap();
        assert_eq!(check(&path, "h", 22, &key(ED)).unwrap(), Verdict::Revoked);
        assert_eq!(check(&path, "h", 22, &key(ED2)).unwrap(), Verdict::Changed { line: 4 });
    }
}
