//! Encryption of state files: every file of a state directory but the key
//! itself is XChaCha20-Poly1305 ciphertext under the directory's key
//! (`DIR/secret.key`, 32 random bytes, mode 0600), so secrets held by a
//! process (`__password__`, `__passphrase__`, key material, any value) never
//! reach the disk in clear, and a damaged or swapped file is detected.
//!
//! ```text
//!  offset  size  field
//!  ------  ----  ---------------------------------------------------------
//!       0    16  header           b"JFE\0", version 1, flags 0, length,
//!                                 CRC-32 of what follows (the `.jfc` header)
//!      16    24  nonce            random, per write
//!      40     n  ciphertext       the file's clear bytes, then the 16-byte
//!                                 Poly1305 tag
//! ```
//!
//! The associated data is the file's role (`run`, `process 3`, `module
//! <hash>`), so a file copied over another is refused too. The CRC tells a
//! truncated or damaged file from one sealed with another key.

use super::DurableError;
use crate::bytecode::format::{open, seal, Kind};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::path::Path;

const SEALED_KIND: Kind = Kind {
    magic: *b"JFE\0",
    version: 1,
    what: "jobflow state file",
};

const NONCE_LEN: usize = 24;

/// The length of a key file.
pub const KEY_LEN: usize = 32;

/// A state directory's key.
pub struct SealKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

impl SealKey {
    /// A new random key.
    pub fn generate() -> (SealKey, Vec<u8>) {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let bytes = key.to_vec();
        (
            SealKey {
                cipher: XChaCha20Poly1305::new(&key),
            },
            bytes,
        )
    }

    /// The key in `bytes` (read from `file`).
    pub fn from_bytes(bytes: &[u8], file: &Path) -> Result<SealKey, DurableError> {
        if bytes.len() != KEY_LEN {
            return Err(DurableError::Corrupt {
                file: file.to_path_buf(),
                reason: format!("a key is {KEY_LEN} bytes, this file has {}", bytes.len()),
            });
        }
        let cipher = XChaCha20Poly1305::new_from_slice(bytes).map_err(|_| DurableError::Corrupt {
            file: file.to_path_buf(),
            reason: "not a key".into(),
        })?;
        Ok(SealKey { cipher })
    }

    /// Encrypts `clear` for the file whose role is `role`.
    pub fn seal(&self, role: &str, clear: &[u8]) -> Result<Vec<u8>, DurableError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: clear,
                    aad: role.as_bytes(),
                },
            )
            .map_err(|_| DurableError::Encrypt)?;
        let mut body = Vec::with_capacity(NONCE_LEN + ct.len());
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&ct);
        seal(SEALED_KIND, &body).map_err(|e| DurableError::Encode(e.to_string()))
    }

    /// Decrypts the bytes of `file` (role `role`).
    pub fn open(&self, role: &str, bytes: &[u8], file: &Path) -> Result<Vec<u8>, DurableError> {
        let corrupt = |reason: String| DurableError::Corrupt {
            file: file.to_path_buf(),
            reason,
        };
        let body = open(SEALED_KIND, bytes).map_err(|e| corrupt(e.to_string()))?;
        if body.len() < NONCE_LEN {
            return Err(corrupt("truncated".into()));
        }
        let (nonce, ct) = body.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: role.as_bytes(),
                },
            )
            .map_err(|_| corrupt("authentication failed (another key, or the file was altered or swapped)".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_hide_the_clear_text_and_open_only_with_the_same_role() {
        let (key, _) = SealKey::generate();
        let f = Path::new("x");
        let sealed = key.seal("process 1", b"hunter2 hunter2").unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(key.open("process 1", &sealed, f).unwrap(), b"hunter2 hunter2");
        assert!(key.open("process 2", &sealed, f).is_err());
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let err = key.open("process 1", &bad, f).unwrap_err().to_string();
        assert!(err.contains("checksum"), "{err}");
        let (other, _) = SealKey::generate();
        assert!(other.open("process 1", &sealed, f).is_err());
    }
}
