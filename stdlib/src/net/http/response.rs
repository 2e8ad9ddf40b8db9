//! [`UrlResponse`]: what a `urlopen` call got back, as plain data, and the
//! result Dictionary made from it (`stdlib.md` 1, `urlopen`).

use crate::functions::encoding::{lookup, Codec};
use indexmap::IndexMap;
use jobflow_vm::value::{DictMap, Key};
use jobflow_vm::Value;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// A received HTTP response, decoded as `urlopen` describes it. Plain data
/// (`Send`), so it can cross from the runtime's thread to the VM's;
/// [`UrlResponse::into_value`] makes the Dictionary of `$RESULT`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UrlResponse {
    /// The final URL (after redirects).
    pub url: String,
    /// The status code.
    pub code: u16,
    /// The HTTP version: 10, 11 or 20 (9 and 30 for the rare others).
    pub version: i64,
    /// The decoded text; empty when `binary`.
    pub text: String,
    /// The raw body (after `Content-Encoding` decompression).
    pub content: Vec<u8>,
    /// The charset used for `text`: the `charset` option, else the
    /// response's `Content-Type` charset, else none.
    pub encoding: Option<String>,
    /// Response headers, names in Title-Case, repeated fields joined with
    /// `", "`.
    pub headers: Vec<(String, String)>,
    /// Cookies the final response set.
    pub cookies: Vec<(String, String)>,
    /// Redirects followed: the URL that redirected and its status, oldest
    /// first.
    pub history: Vec<(String, u16)>,
    /// Whether the body is binary (`stdlib.md`: the `binary` option, or a
    /// `Content-Type` matching `^image`, `^audio`, `^video`, `octet` or
    /// `binary`, `application/octet-stream` when absent).
    pub binary: bool,
}

impl UrlResponse {
    /// Decodes a received body and classifies it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        url: String,
        code: u16,
        version: i64,
        content_type: Option<&str>,
        content: Vec<u8>,
        headers: Vec<(String, String)>,
        cookies: Vec<(String, String)>,
        history: Vec<(String, u16)>,
        force_binary: bool,
        charset: Option<&str>,
    ) -> Self {
        let binary = force_binary || is_binary_type(content_type.unwrap_or("application/octet-stream"));
        let encoding = charset
            .map(str::to_owned)
            .or_else(|| content_type.and_then(charset_param));
        let text = if binary {
            String::new()
        } else {
            decode_text(&content, encoding.as_deref())
        };
        UrlResponse {
            url,
            code,
            version,
            text,
            content,
            encoding,
            headers,
            cookies,
            history,
            binary,
        }
    }

    /// The result Dictionary: `url`, `code`, `version`, `text`, `content`,
    /// `body`, `encoding`, `headers`, `cookies`, `history`, `binary`, in
    /// this order.
    pub fn into_value(self) -> Value {
        let pairs = |items: Vec<(String, String)>| {
            let map: DictMap = items.into_iter().map(|(k, v)| (Key::str(k), Value::str(v))).collect();
            Value::dict(map)
        };
        let history = self
            .history
            .into_iter()
            .map(|(url, code)| {
                let mut entry = DictMap::default();
                entry.insert(Key::str("url"), Value::str(url));
                entry.insert(Key::str("code"), Value::Int(i64::from(code)));
                Value::dict(entry)
            })
            .collect();
        let content = Value::binary(self.content);
        let text = Value::str(self.text);
        let body = if self.binary { content.clone() } else { text.clone() };
        let mut d = DictMap::default();
        d.insert(Key::str("url"), Value::str(self.url));
        d.insert(Key::str("code"), Value::Int(i64::from(self.code)));
        d.insert(Key::str("version"), Value::Int(self.version));
        d.insert(Key::str("text"), text);
        d.insert(Key::str("content"), content);
        d.insert(Key::str("body"), body);
        d.insert(Key::str("encoding"), self.encoding.map_or(Value::Null, Value::str));
        d.insert(Key::str("headers"), pairs(self.headers));
        d.insert(Key::str("cookies"), pairs(self.cookies));
        d.insert(Key::str("history"), Value::array(history));
        d.insert(Key::str("binary"), Value::Bool(self.binary));
        Value::dict(d)
    }
}

/// Whether a `Content-Type` marks a binary body: `^image`, `^audio`,
/// `^video`, `octet` or `binary`, ignoring case.
pub fn is_binary_type(content_type: &str) -> bool {
    let t = content_type.trim().to_ascii_lowercase();
    t.starts_with("image")
        || t.starts_with("audio")
        || t.starts_with("video")
        || t.contains("octet")
        || t.contains("binary")
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// The body as text: with `encoding` when it names a known charset, else
/// UTF-8, Shift_JIS or EUC-JP if the bytes are valid in one of them, else
/// ISO-8859-1. Malformed bytes become U+FFFD: a page with a wrong charset
/// still gives a result.
fn decode_text(bytes: &[u8], encoding: Option<&str>) -> String {
    if let Some(codec) = encoding.and_then(|e| lookup(e).ok()) {
        return match codec.decode(bytes) {
            Ok(text) => text,
            Err(_) => lossy(codec, bytes),
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    for guess in [encoding_rs::SHIFT_JIS, encoding_rs::EUC_JP] {
        if let Some(text) = guess.decode_without_bom_handling_and_without_replacement(bytes) {
            return text.into_owned();
        }
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// `bytes` decoded with replacement characters for what does not decode.
fn lossy(codec: Codec, bytes: &[u8]) -> String {
    match codec {
        Codec::Whatwg(e) => e.decode_without_bom_handling(bytes).0.into_owned(),
        Codec::Utf16 | Codec::Utf16Le => encoding_rs::UTF_16LE.decode(bytes).0.into_owned(),
        Codec::Utf16Be => encoding_rs::UTF_16BE.decode(bytes).0.into_owned(),
        Codec::Utf8 | Codec::Ascii | Codec::Latin1 => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Response headers as `(Name, value)` pairs: names in Title-Case
/// (`content-type` → `Content-Type`, since HTTP/2 and hyper give them in
/// lower case and Dictionary keys are case-sensitive), a repeated field once
/// with its values joined by `", "`, in first-seen order.
pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut out: IndexMap<String, String> = IndexMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        out.entry(title_case(name.as_str()))
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out.into_iter().collect()
}

/// `x-request-id` → `X-Request-Id`.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper = c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_types_follow_the_spec() {
        for t in [
            "image/png",
            "Audio/ogg",
            "video/mp4",
            "application/octet-stream",
            "x/binary-thing",
        ] {
            assert!(is_binary_type(t), "{t}");
        }
        for t in ["text/html; charset=utf-8", "application/json", "text/plain-image"] {
            assert!(!is_binary_type(t), "{t}");
        }
    }

    #[test]
    fn charset_parameter_is_found_and_unquoted() {
        assert_eq!(
            charset_param("text/html; charset=\"Shift_JIS\""),
            Some("Shift_JIS".into())
        );
        assert_eq!(charset_param("text/html;CHARSET=utf-8"), Some("utf-8".into()));
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn text_without_charset_is_guessed() {
        assert_eq!(decode_text("日本".as_bytes(), None), "日本");
        let sjis = encoding_rs::SHIFT_JIS.encode("日本語").0.into_owned();
        assert_eq!(decode_text(&sjis, None), "日本語");
        assert_eq!(decode_text(&sjis, Some("shift_jis")), "日本語");
        assert_eq!(decode_text(b"caf\xe9", Some("nonsense")), "café");
    }

    #[test]
    fn header_names_are_title_case() {
        assert_eq!(title_case("content-type"), "Content-Type");
        assert_eq!(title_case("x-a-b"), "X-A-B");
    }
}
