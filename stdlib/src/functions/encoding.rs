//! Character encodings by name (`stdlib.md` 0): strict decoding and
//! encoding for `decode`, `encode`, `bytes` and the String/Binary methods.
//!
//! Names are compared ignoring case, `-` and `_`. `utf-8`, `ascii`,
//! `latin-1` (ISO-8859-1 proper, not windows-1252 as WHATWG maps it) and the
//! UTF-16 family are handled here; every other WHATWG label goes through
//! `encoding_rs`.

use encoding_rs::{EncoderResult, Encoding};
use jobflow_vm::native::NativeError;

/// A character encoding the library supports.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Codec {
    /// UTF-8.
    Utf8,
    /// 7-bit ASCII.
    Ascii,
    /// ISO-8859-1: bytes are the code points U+0000..U+00FF.
    Latin1,
    /// UTF-16 with a byte-order mark (written little-endian; read by BOM).
    Utf16,
    /// UTF-16, little-endian, no BOM.
    Utf16Le,
    /// UTF-16, big-endian, no BOM.
    Utf16Be,
    /// Any other WHATWG encoding.
    Whatwg(&'static Encoding),
}

/// The codec called `name`, or the error `unknown encoding: NAME`.
pub(crate) fn lookup(name: &str) -> Result<Codec, NativeError> {
    let norm: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    let codec = match norm.as_str() {
        "utf8" => Codec::Utf8,
        "ascii" | "usascii" => Codec::Ascii,
        "latin1" | "iso88591" | "l1" => Codec::Latin1,
        "utf16" => Codec::Utf16,
        "utf16le" => Codec::Utf16Le,
        "utf16be" => Codec::Utf16Be,
        "shiftjis" | "sjis" | "cp932" | "ms932" | "windows31j" | "mskanji" => Codec::Whatwg(encoding_rs::SHIFT_JIS),
        "eucjp" => Codec::Whatwg(encoding_rs::EUC_JP),
        "iso2022jp" => Codec::Whatwg(encoding_rs::ISO_2022_JP),
        _ => match Encoding::for_label(name.trim().as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Codec::Utf8,
            Some(e) if e == encoding_rs::UTF_16LE => Codec::Utf16Le,
            Some(e) if e == encoding_rs::UTF_16BE => Codec::Utf16Be,
            Some(e) if e != encoding_rs::REPLACEMENT => Codec::Whatwg(e),
            _ => return Err(NativeError::new(format!("unknown encoding: {name}"))),
        },
    };
    Ok(codec)
}

impl Codec {
    /// The codec's name in error messages (Python's spelling where there is
    /// one).
    pub(crate) fn name(&self) -> String {
        match self {
            Codec::Utf8 => "utf-8".into(),
            Codec::Ascii => "ascii".into(),
            Codec::Latin1 => "latin-1".into(),
            Codec::Utf16 => "utf-16".into(),
            Codec::Utf16Le => "utf-16-le".into(),
            Codec::Utf16Be => "utf-16-be".into(),
            Codec::Whatwg(e) => e.name().to_ascii_lowercase(),
        }
    }

    /// Decodes `bytes` strictly: any malformed sequence is an error.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Result<String, NativeError> {
        match self {
            Codec::Utf8 => match std::str::from_utf8(bytes) {
                Ok(s) => Ok(s.to_owned()),
                Err(e) => Err(self.decode_error(bytes, e.valid_up_to())),
            },
            Codec::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
                Some(pos) => Err(self.decode_error(bytes, pos)),
                None => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            },
            Codec::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            Codec::Utf16 => match bytes {
                [0xFF, 0xFE, rest @ ..] => self.decode_utf16(rest, false),
                [0xFE, 0xFF, rest @ ..] => self.decode_utf16(rest, true),
                _ => self.decode_utf16(bytes, false),
            },
            Codec::Utf16Le => self.decode_utf16(bytes, false),
            Codec::Utf16Be => self.decode_utf16(bytes, true),
            Codec::Whatwg(e) => e
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|s| s.into_owned())
                .ok_or_else(|| NativeError::new(format!("'{}' codec can't decode the data", self.name()))),
        }
    }

    /// Decodes `bytes`, replacing what does not decode with U+FFFD (for
    /// text whose charset a message names, such as a mail part).
    pub(crate) fn decode_lossy(&self, bytes: &[u8]) -> String {
        if let Ok(text) = self.decode(bytes) {
            return text;
        }
        match self {
            Codec::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Codec::Ascii => bytes
                .iter()
                .map(|&b| {
                    if b.is_ascii() {
                        char::from(b)
                    } else {
                        char::REPLACEMENT_CHARACTER
                    }
                })
                .collect(),
            Codec::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
            Codec::Utf16 => match bytes {
                [0xFE, 0xFF, rest @ ..] => encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0.into_owned(),
                [0xFF, 0xFE, rest @ ..] => encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0.into_owned(),
                _ => encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(),
            },
            Codec::Utf16Le => encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(),
            Codec::Utf16Be => encoding_rs::UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(),
            Codec::Whatwg(e) => e.decode_without_bom_handling(bytes).0.into_owned(),
        }
    }

    /// Encodes `text` strictly: a character the encoding cannot hold is an
    /// error.
    pub(crate) fn encode(&self, text: &str) -> Result<Vec<u8>, NativeError> {
        match self {
            Codec::Utf8 => Ok(text.as_bytes().to_vec()),
            Codec::Ascii => self.encode_bytewise(text, 0x7F),
            Codec::Latin1 => self.encode_bytewise(text, 0xFF),
            Codec::Utf16 => {
                let mut out = vec![0xFF, 0xFE];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                Ok(out)
            }
            Codec::Utf16Le => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            Codec::Utf16Be => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            Codec::Whatwg(e) => self.encode_whatwg(e, text),
        }
    }

    fn decode_error(&self, bytes: &[u8], pos: usize) -> NativeError {
        let byte = bytes.get(pos).copied().unwrap_or_default();
        NativeError::new(format!(
            "'{}' codec can't decode byte 0x{byte:02x} in position {pos}",
            self.name()
        ))
    }

    fn encode_error(&self, c: char, pos: usize) -> NativeError {
        let code = u32::from(c);
        let shown = if code <= 0xFF {
            format!("\\x{code:02x}")
        } else if code <= 0xFFFF {
            format!("\\u{code:04x}")
        } else {
            format!("\\U{code:08x}")
        };
        NativeError::new(format!(
            "'{}' codec can't encode character '{shown}' in position {pos}",
            self.name()
        ))
    }

    fn encode_bytewise(&self, text: &str, max: u32) -> Result<Vec<u8>, NativeError> {
        let mut out = Vec::with_capacity(text.len());
        for (pos, c) in text.chars().enumerate() {
            match u8::try_from(u32::from(c)) {
                Ok(b) if u32::from(b) <= max => out.push(b),
                _ => return Err(self.encode_error(c, pos)),
            }
        }
        Ok(out)
    }

    fn decode_utf16(&self, bytes: &[u8], big_endian: bool) -> Result<String, NativeError> {
        let chunks = bytes.chunks_exact(2);
        if !chunks.remainder().is_empty() {
            return Err(NativeError::new(format!(
                "'{}' codec can't decode byte 0x{:02x} in position {}: truncated data",
                self.name(),
                chunks.remainder().first().copied().unwrap_or_default(),
                bytes.len() - 1
            )));
        }
        let units = chunks.map(|p| {
            let pair = [p.first().copied().unwrap_or(0), p.get(1).copied().unwrap_or(0)];
            if big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        let mut out = String::with_capacity(bytes.len() / 2);
        for (index, unit) in char::decode_utf16(units).enumerate() {
            match unit {
                Ok(c) => out.push(c),
                Err(e) => {
                    return Err(NativeError::new(format!(
                        "'{}' codec can't decode bytes in position {}-{}: illegal UTF-16 surrogate 0x{:04x}",
                        self.name(),
                        index * 2,
                        index * 2 + 1,
                        e.unpaired_surrogate()
                    )))
                }
            }
        }
        Ok(out)
    }

    fn encode_whatwg(&self, encoding: &'static Encoding, text: &str) -> Result<Vec<u8>, NativeError> {
        let mut encoder = encoding.new_encoder();
        let mut out = Vec::with_capacity(text.len() + 8);
        let mut rest = text;
        let mut buf = [0u8; 1024];
        loop {
            let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
            out.extend_from_slice(buf.get(..written).unwrap_or_default());
            let done = rest.get(..read).unwrap_or_default();
            match result {
                EncoderResult::InputEmpty => return Ok(out),
                EncoderResult::OutputFull => rest = rest.get(read..).unwrap_or_default(),
                EncoderResult::Unmappable(c) => {
                    // `read` includes the unmappable character.
                    let pos = text.len() - rest.len() + done.len() - c.len_utf8();
                    let char_pos = text.get(..pos).map_or(0, |s| s.chars().count());
                    return Err(self.encode_error(c, char_pos));
                }
            }
        }
    }
}

/// The codec named by an optional `encoding` argument (default UTF-8).
pub(crate) fn codec_arg(value: Option<&jobflow_vm::Value>, fname: &str) -> Result<Codec, NativeError> {
    match super::args::opt_str(fname, "encoding", value)? {
        None => Ok(Codec::Utf8),
        Some(name) => lookup(name),
    }
}
