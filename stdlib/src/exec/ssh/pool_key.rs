//! The key of the connection cache: the jump chain, the target, and a
//! digest of the credentials of every hop. Two jobs share a connection
//! only if they would log in the same way: a job with another password or
//! key for the same user gets a connection of its own (and fails if its
//! login fails), never one that another job's credentials opened.
//!
//! The digest is SHA-256 over the password, passphrase, key file path and
//! in-memory key of each hop, each field length-prefixed; the secrets
//! themselves are never kept in the key, and the key's `Debug` shows
//! neither them nor the digest.

use super::config::{Credentials, Endpoint, SshSettings};
use sha2::{Digest, Sha256};
use std::fmt;

/// One cache slot's key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PoolKey {
    jumps: Vec<Endpoint>,
    target: Endpoint,
    auth: [u8; 32],
}

impl fmt::Debug for PoolKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolKey")
            .field("jumps", &self.jumps)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl PoolKey {
    /// The key of the connection `settings` log in with.
    pub(crate) fn of(settings: &SshSettings) -> Self {
        let mut h = Sha256::new();
        for index in 0..settings.jumps.len() {
            hop(&mut h, settings.credentials_for_jump(index));
        }
        hop(&mut h, &settings.credentials);
        Self {
            jumps: settings.jumps.clone(),
            target: settings.target.clone(),
            auth: h.finalize().into(),
        }
    }
}

/// Feeds one hop's credentials.
fn hop(h: &mut Sha256, c: &Credentials) {
    field(h, c.password.as_ref().map(|p| p.expose().as_bytes()));
    field(h, c.passphrase.as_ref().map(|p| p.expose().as_bytes()));
    field(h, c.keyfile.as_ref().map(|p| p.as_os_str().as_encoded_bytes()));
    field(h, c.key.as_ref().map(|k| k.name.as_bytes()));
    field(h, c.key.as_ref().map(|k| k.expose()));
}

/// Feeds an optional field: absent, or present with its length, so that no
/// two different credentials feed the same bytes.
fn field(h: &mut Sha256, value: Option<&[u8]>) {
    match value {
        None => h.update([0u8]),
        Some(v) => {
            h.update([1u8]);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::ssh::{KeyData, Secret};

    fn with(f: impl FnOnce(&mut Credentials)) -> PoolKey {
        let mut s = SshSettings::new("h", 22, "u");
        f(&mut s.credentials);
        PoolKey::of(&s)
    }

    #[test]
    fn credentials_are_part_of_the_key() {
        let none = with(|_| {});
        let right = with(|c| c.password = Some(Secret::new("right")));
        let wrong = with(|c| c.password = Some(Secret::new("wrong")));
        assert_ne!(right, wrong);
        assert_ne!(none, right);
        assert_eq!(right, with(|c| c.password = Some(Secret::new("right"))));
        // A password is not a passphrase, nor a key.
        assert_ne!(right, with(|c| c.passphrase = Some(Secret::new("right"))));
        let key_a = with(|c| c.key = Some(KeyData::new("k", b"A".to_vec())));
        let key_b = with(|c| c.key = Some(KeyData::new("k", b"B".to_vec())));
        assert_ne!(key_a, key_b);
        assert_ne!(
            with(|c| c.keyfile = Some("/a".into())),
            with(|c| c.keyfile = Some("/b".into()))
        );
    }

    #[test]
    fn the_key_shows_no_secret() {
        let key = with(|c| c.password = Some(Secret::new("hunter2")));
        let shown = format!("{key:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("target"), "{shown}");
    }
}
