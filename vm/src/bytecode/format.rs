//! The `.jfc` module file: a [`Module`] written down, and read back only
//! when it is whole, ours and well-formed.
//!
//! ```text
//!  offset  size  field
//!  ------  ----  ---------------------------------------------------------
//!       0     4  magic            b"JFC\0"
//!       4     2  format version   u16, little-endian ([`FORMAT_VERSION`])
//!       6     2  flags            u16, little-endian; none is defined yet,
//!                                 a file with any flag set is refused
//!       8     4  payload length   u32, little-endian: the bytes after the
//!                                 header, exactly (nothing may follow them)
//!      12     4  checksum         CRC-32 (IEEE) of the payload, u32 LE
//!      16     n  payload          the Module, serialized with postcard:
//!                                 source name, constant pool, import table
//!                                 (by name), argument layouts, call sites,
//!                                 control-variable sets, functions (code,
//!                                 line table, slots), entry, parameters
//! ```
//!
//! Instructions are postcard-encoded enum variants with varint operands, so
//! the payload is compact but not seekable; a module is always read whole.
//!
//! Reading checks, in order: the magic (a foreign file), the version (a file
//! from another release of the format), the flags, the length (a truncated
//! or padded file), the checksum (a corrupt file), then decodes the payload
//! (with no trailing bytes) and [verifies](super::verify) it. Every failure is
//! a [`FormatError`], never a panic; hostile input cannot make the decoder
//! allocate much more than its own size (serde's sequence visitors cap
//! preallocation, and every element consumes input).
//!
//! [`FORMAT_VERSION`] changes whenever the serialized shape of [`Module`] or
//! [`Instr`](super::Instr) changes (a variant added, removed or reordered, a
//! field added): `tests::format_is_pinned` fails until it is bumped.
//!
//! Snapshots of processes (`crate::snapshot`) use the same header with their
//! own magic, through [`seal`] and [`open`].

use super::module::Module;
use super::verify::{verify, VerifyError};

#[cfg(test)]
pub(crate) mod sample;

/// The first four bytes of every `.jfc` file.
pub const MAGIC: [u8; 4] = *b"JFC\0";

/// The `.jfc` format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 3;

/// Length of the header before the payload.
pub const HEADER_LEN: usize = 16;

/// Why a container (a `.jfc` file or a snapshot) was refused before its
/// payload was decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The file does not start with the expected magic bytes.
    #[error("not a {what} (bad magic bytes)")]
    BadMagic {
        /// What was expected (`jobflow module`).
        what: &'static str,
    },
    /// The file was written in another version of the format.
    #[error("unsupported {what} format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// What was expected.
        what: &'static str,
        /// The version in the file.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// The header sets flags this build does not know.
    #[error("unsupported flags {flags:#06x} in {what} header")]
    UnsupportedFlags {
        /// What was expected.
        what: &'static str,
        /// The flags in the file.
        flags: u16,
    },
    /// The file is shorter than its header says.
    #[error("truncated {what}: {expected} bytes expected, {found} present")]
    Truncated {
        /// What was expected.
        what: &'static str,
        /// Bytes the header announces (header included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// Bytes follow the payload.
    #[error("{what} has {extra} unexpected bytes after its payload")]
    TrailingBytes {
        /// What was expected.
        what: &'static str,
        /// How many.
        extra: u64,
    },
    /// The payload does not match its checksum.
    #[error("corrupt {what}: checksum mismatch (header says {expected:#010x}, payload has {found:#010x})")]
    ChecksumMismatch {
        /// What was expected.
        what: &'static str,
        /// The checksum in the header.
        expected: u32,
        /// The checksum of the payload.
        found: u32,
    },
}

/// Why a `.jfc` file could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// Not a `.jfc` file.
    #[error("not a compiled jobflow module (bad magic bytes)")]
    BadMagic,
    /// Written by another version of the format: recompile the flow.
    #[error("unsupported module format version {found} (this build reads version {supported}); recompile the flow")]
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// Flags this build does not know.
    #[error("unsupported module flags {0:#06x}")]
    UnsupportedFlags(u16),
    /// Shorter than its header says.
    #[error("truncated module: {expected} bytes expected, {found} present")]
    Truncated {
        /// Bytes the header announces (header included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// Longer than its header says.
    #[error("module has {0} unexpected bytes after its payload")]
    TrailingBytes(u64),
    /// The payload was damaged.
    #[error("corrupt module: checksum mismatch")]
    ChecksumMismatch,
    /// The payload is not a module.
    #[error("corrupt module: {0}")]
    Decode(#[from] postcard::Error),
    /// The payload decodes but is not a module a correct compiler makes.
    #[error("invalid module: {0}")]
    Verify(#[from] VerifyError),
}

impl From<HeaderError> for FormatError {
    fn from(e: HeaderError) -> Self {
        match e {
            HeaderError::BadMagic { .. } => FormatError::BadMagic,
            HeaderError::UnsupportedVersion { found, supported, .. } => {
                FormatError::UnsupportedVersion { found, supported }
            }
            HeaderError::UnsupportedFlags { flags, .. } => FormatError::UnsupportedFlags(flags),
            HeaderError::Truncated { expected, found, .. } => FormatError::Truncated { expected, found },
            HeaderError::TrailingBytes { extra, .. } => FormatError::TrailingBytes(extra),
            HeaderError::ChecksumMismatch { .. } => FormatError::ChecksumMismatch,
        }
    }
}

/// A container's identity: magic, version, and a name for messages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kind {
    /// The magic bytes.
    pub magic: [u8; 4],
    /// The version written and read.
    pub version: u16,
    /// A name for messages (`jobflow module`).
    pub what: &'static str,
}

/// The `.jfc` container.
const MODULE_KIND: Kind = Kind {
    magic: MAGIC,
    version: FORMAT_VERSION,
    what: "jobflow module",
};

/// Why a payload could not be sealed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("payload of {len} bytes is too large for a container (at most 4 GiB)")]
pub struct TooLarge {
    /// The payload's length.
    pub len: usize,
}

/// Puts `payload` behind a header of `kind`.
pub(crate) fn seal(kind: Kind, payload: &[u8]) -> Result<Vec<u8>, TooLarge> {
    let len = u32::try_from(payload.len()).map_err(|_| TooLarge { len: payload.len() })?;
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&kind.magic);
    out.extend_from_slice(&kind.version.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

fn le_u16(bytes: &[u8], at: usize) -> u16 {
    let mut b = [0u8; 2];
    if let Some(s) = bytes.get(at..at + 2) {
        b.copy_from_slice(s);
    }
    u16::from_le_bytes(b)
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    if let Some(s) = bytes.get(at..at + 4) {
        b.copy_from_slice(s);
    }
    u32::from_le_bytes(b)
}

/// Checks the header of a container of `kind` and returns its payload.
pub(crate) fn open(kind: Kind, bytes: &[u8]) -> Result<&[u8], HeaderError> {
    let what = kind.what;
    // A short file that starts like ours is truncated; one that does not is foreign.
    let magic_len = bytes.len().min(kind.magic.len());
    if bytes.get(..magic_len) != kind.magic.get(..magic_len) || bytes.is_empty() {
        return Err(HeaderError::BadMagic { what });
    }
    if bytes.len() < HEADER_LEN {
        return Err(HeaderError::Truncated {
            what,
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    let version = le_u16(bytes, 4);
    if version != kind.version {
        return Err(HeaderError::UnsupportedVersion {
            what,
            found: version,
            supported: kind.version,
        });
    }
    let flags = le_u16(bytes, 6);
    if flags != 0 {
        return Err(HeaderError::UnsupportedFlags { what, flags });
    }
    let len = le_u32(bytes, 8) as usize;
    let expected_sum = le_u32(bytes, 12);
    let rest = bytes.get(HEADER_LEN..).unwrap_or_default();
    if rest.len() < len {
        return Err(HeaderError::Truncated {
            what,
            expected: (HEADER_LEN + len) as u64,
            found: bytes.len() as u64,
        });
    }
    if rest.len() > len {
        return Err(HeaderError::TrailingBytes {
            what,
            extra: (rest.len() - len) as u64,
        });
    }
    let found = crc32fast::hash(rest);
    if found != expected_sum {
        return Err(HeaderError::ChecksumMismatch {
            what,
            expected: expected_sum,
            found,
        });
    }
    Ok(rest)
}

/// Why a module could not be written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WriteError {
    /// postcard refused the module (cannot happen for the types of
    /// [`Module`], which serialize every sequence with its length).
    #[error("cannot encode module: {0}")]
    Encode(#[from] postcard::Error),
    /// The module is over 4 GiB.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// Writes `module` as the bytes of a `.jfc` file.
pub fn write_module(module: &Module) -> Result<Vec<u8>, WriteError> {
    let payload = postcard::to_allocvec(module)?;
    Ok(seal(MODULE_KIND, &payload)?)
}

/// Wraps an already serialized module (the postcard bytes of a [`Module`])
/// in a `.jfc` header, for tools and tests that make payloads themselves
/// (the loader fuzz tests mutate payloads behind a valid checksum).
pub fn seal_module_payload(payload: &[u8]) -> Result<Vec<u8>, TooLarge> {
    seal(MODULE_KIND, payload)
}

/// Reads the bytes of a `.jfc` file: header, checksum, payload, then
/// [`verify`]. A module returned here is safe to hand to the VM.
pub fn read_module(bytes: &[u8]) -> Result<Module, FormatError> {
    let module = read_module_unverified(bytes)?;
    verify(&module)?;
    Ok(module)
}

/// Reads the bytes of a `.jfc` file without verifying the module: only for
/// tools that show a broken module (`jobflow disasm` of a file that fails
/// [`verify`]). Never run what this returns.
pub fn read_module_unverified(bytes: &[u8]) -> Result<Module, FormatError> {
    let payload = open(MODULE_KIND, bytes)?;
    let (module, rest) = postcard::take_from_bytes::<Module>(payload)?;
    if !rest.is_empty() {
        return Err(FormatError::TrailingBytes(rest.len() as u64));
    }
    Ok(module)
}

/// Whether the compiled module `jfc` stands for the flow whose source is
/// `jf` (`cli-and-layout.md`: `NAME.jfc` is used when no `NAME.jf` is
/// newer): the module exists, and the source is missing or not newer. A
/// modification time that cannot be read counts as "newer source", so a
/// doubtful module is recompiled rather than trusted.
pub fn compiled_is_current(jf: &std::path::Path, jfc: &std::path::Path) -> bool {
    let Ok(module_time) = std::fs::metadata(jfc).and_then(|m| m.modified()) else {
        return false;
    };
    match std::fs::metadata(jf) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(_) => false,
        Ok(m) => m.modified().is_ok_and(|source_time| source_time <= module_time),
    }
}

/// A module's identity: a 128-bit hash (XXH3) of its serialized form. Two
/// modules with the same hash are the same module for every practical
/// purpose; snapshots name the modules of a process by it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct ModuleHash(pub [u8; 16]);

impl ModuleHash {
    /// The hash of `module`'s serialized form.
    pub fn of(module: &Module) -> Result<ModuleHash, postcard::Error> {
        let bytes = postcard::to_allocvec(module)?;
        Ok(ModuleHash::of_payload(&bytes))
    }

    /// The hash of an already serialized module (a `.jfc` payload).
    pub fn of_payload(payload: &[u8]) -> ModuleHash {
        ModuleHash(xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes())
    }
}

impl std::fmt::Display for ModuleHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for ModuleHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModuleHash({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::sample::sample_module;
    use super::*;

    #[test]
    fn round_trip() {
        let m = sample_module();
        let bytes = write_module(&m).unwrap();
        assert_eq!(&bytes[..4], b"JFC\0");
        assert_eq!(read_module(&bytes).unwrap(), m);
    }

    #[test]
    fn refuses_foreign_and_damaged_files() {
        let bytes = write_module(&sample_module()).unwrap();
        assert_eq!(read_module(b""), Err(FormatError::BadMagic));
        assert_eq!(
            read_module(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\0"),
            Err(FormatError::BadMagic)
        );
        assert!(matches!(read_module(&bytes[..10]), Err(FormatError::Truncated { .. })));
        assert!(matches!(
            read_module(&bytes[..bytes.len() - 1]),
            Err(FormatError::Truncated { .. })
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(read_module(&longer), Err(FormatError::TrailingBytes(1)));
        let mut v2 = bytes.clone();
        v2[4] = 99;
        assert_eq!(
            read_module(&v2),
            Err(FormatError::UnsupportedVersion {
                found: 99,
                supported: FORMAT_VERSION
            })
        );
        let mut flagged = bytes.clone();
        flagged[6] = 1;
        assert_eq!(read_module(&flagged), Err(FormatError::UnsupportedFlags(1)));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        assert_eq!(read_module(&flipped), Err(FormatError::ChecksumMismatch));
    }

    #[test]
    fn valid_checksum_over_garbage_is_a_decode_error() {
        let garbage = [0xffu8; 40];
        let bytes = seal(MODULE_KIND, &garbage).unwrap();
        assert!(matches!(read_module(&bytes), Err(FormatError::Decode(_))));
    }

    #[test]
    fn hash_tells_modules_apart() {
        let a = sample_module();
        let mut b = a.clone();
        b.source_name.push('x');
        assert_eq!(ModuleHash::of(&a).unwrap(), ModuleHash::of(&a.clone()).unwrap());
        assert_ne!(ModuleHash::of(&a).unwrap(), ModuleHash::of(&b).unwrap());
        assert_eq!(ModuleHash::of(&a).unwrap().to_string().len(), 32);
    }

    /// Damaged payloads behind a valid checksum reach the decoder and the
    /// verifier: none may panic, and whatever is accepted must verify.
    #[test]
    fn mutated_payloads_never_panic() {
        let payload = postcard::to_allocvec(&sample_module()).unwrap();
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut accepted = 0;
        for round in 0..3000 {
            let mut p = payload.clone();
            match round % 3 {
                0 => {
                    let at = next() as usize % p.len();
                    p[at] ^= 1 << (next() % 8);
                }
                1 => {
                    let at = next() as usize % p.len();
                    p[at] = next() as u8;
                    let at = next() as usize % p.len();
                    p[at] = next() as u8;
                }
                _ => p.truncate(next() as usize % p.len()),
            }
            let bytes = seal_module_payload(&p).unwrap();
            if let Ok(m) = read_module(&bytes) {
                assert_eq!(verify(&m), Ok(()));
                accepted += 1;
            }
        }
        // Most damage is caught; some (a changed constant) is harmless.
        assert!(accepted < 3000, "{accepted}");
    }

    #[test]
    fn compiled_module_is_current_unless_the_source_is_newer() {
        let dir = std::env::temp_dir().join(format!("jfc-current-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (jf, jfc) = (dir.join("a.jf"), dir.join("a.jfc"));
        assert!(!compiled_is_current(&jf, &jfc), "no module");
        std::fs::write(&jfc, b"x").unwrap();
        assert!(compiled_is_current(&jf, &jfc), "module without source");
        let now = std::time::SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        let set = |p: &std::path::Path, t| {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(t)
                .unwrap()
        };
        std::fs::write(&jf, b"y").unwrap();
        set(&jf, now);
        set(&jfc, now - hour);
        assert!(!compiled_is_current(&jf, &jfc), "newer source");
        set(&jfc, now + hour);
        assert!(compiled_is_current(&jf, &jfc), "older source");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The serialized shape of modules is pinned: when this fails, the
    /// encoding of `Module` or `Instr` changed, and [`FORMAT_VERSION`] must be
    /// bumped (then update the expected text with `cargo insta review`).
    #[test]
    fn format_is_pinned() {
        let payload = postcard::to_allocvec(&sample_module()).unwrap();
        let hex: String = payload.iter().map(|b| format!("{b:02x}")).collect();
        insta::assert_snapshot!(format!("version {FORMAT_VERSION}\n{hex}"));
    }
}
