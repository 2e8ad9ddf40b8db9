//! `mail_parse(data)` (`stdlib.md` 3): a MIME message as a Dictionary.

use super::args::Params;
use super::encoding::{lookup, Codec};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{DictMap, Key};
use jobflow_vm::Value;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};

/// `mail_parse(data)`.
pub(crate) fn mail_parse(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<1> = Params::new("mail_parse", ["data"], 1);
    let [data] = P.bind(args)?;
    let bytes: &[u8] = match data.unwrap_or(&Value::Null) {
        Value::Str(s) => s.as_str().as_bytes(),
        Value::Binary(b) => b,
        other => {
            return Err(NativeError::new(format!(
                "mail_parse(): data must be a String or a Binary, not '{}'",
                other.type_name()
            )))
        }
    };
    let message = parser()
        .parse(bytes)
        .ok_or_else(|| NativeError::new("mail_parse(): not a MIME message"))?;
    part_value(&message, 0, 0)
}

/// A parser that decodes every header as text (RFC 2047 words decoded) but
/// keeps the MIME headers structured, so bodies are split and decoded.
fn parser() -> MessageParser {
    let text_headers = [
        HeaderName::Subject,
        HeaderName::From,
        HeaderName::To,
        HeaderName::Cc,
        HeaderName::Date,
        HeaderName::Bcc,
        HeaderName::ReplyTo,
        HeaderName::Sender,
        HeaderName::Comments,
        HeaderName::InReplyTo,
        HeaderName::Keywords,
        HeaderName::Received,
        HeaderName::MessageId,
        HeaderName::References,
        HeaderName::ReturnPath,
        HeaderName::MimeVersion,
        HeaderName::ResentTo,
        HeaderName::ResentFrom,
        HeaderName::ResentBcc,
        HeaderName::ResentCc,
        HeaderName::ResentSender,
        HeaderName::ResentDate,
        HeaderName::ResentMessageId,
        HeaderName::ListArchive,
        HeaderName::ListHelp,
        HeaderName::ListId,
        HeaderName::ListOwner,
        HeaderName::ListPost,
        HeaderName::ListSubscribe,
        HeaderName::ListUnsubscribe,
    ];
    text_headers.into_iter().fold(
        MessageParser::new().with_mime_headers().default_header_text(),
        |p, h| p.header_text(h),
    )
}

/// How deeply multiparts may nest before the rest is left out.
const MAX_DEPTH: usize = 64;

/// The Dictionary of part `id` of `message`.
fn part_value(message: &Message<'_>, id: u32, depth: usize) -> Result<Value, NativeError> {
    let part = message
        .part(id)
        .ok_or_else(|| NativeError::new("mail_parse(): malformed MIME structure"))?;
    let mut map = DictMap::default();
    let raw = message.raw_message();
    for h in part.headers() {
        let name = raw
            .get(h.offset_field() as usize..h.offset_start() as usize)
            .map(|n| {
                String::from_utf8_lossy(n)
                    .trim()
                    .trim_end_matches(':')
                    .trim()
                    .to_owned()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| h.name().to_owned());
        let value = header_text(raw, h.value(), h.offset_start(), h.offset_end());
        // The last of repeated headers wins (the first keeps its place).
        map.insert(Key::str(name), Value::str(value));
    }
    match &part.body {
        PartType::Multipart(ids) => {
            map.insert(Key::str("Is-Multipart"), Value::Bool(true));
            let mut parts = Vec::with_capacity(ids.len());
            if depth < MAX_DEPTH {
                for sub in ids {
                    parts.push(part_value(message, *sub, depth + 1)?);
                }
            }
            map.insert(Key::str("Body"), Value::array(parts));
        }
        body => {
            map.insert(Key::str("Is-Multipart"), Value::Bool(false));
            let filename = part.attachment_name().map_or(Value::Null, Value::str);
            map.insert(Key::str("Filename"), filename);
            map.insert(Key::str("Body"), body_value(raw, part, body));
        }
    }
    Ok(Value::dict(map))
}

/// The body of a single part: text for `text/*`, else bytes.
///
/// mail-parser knows few charsets, so a text part whose charset is not UTF-8
/// is decoded here from its transfer-decoded bytes, with the encodings of
/// `decode()` (`stdlib.md` 0); invalid bytes become U+FFFD. An unknown
/// charset keeps mail-parser's reading (UTF-8, invalid bytes replaced).
fn body_value(raw: &[u8], part: &MessagePart<'_>, body: &PartType<'_>) -> Value {
    match body {
        PartType::Text(t) | PartType::Html(t) => {
            let codec = part
                .content_type()
                .and_then(|ct| ct.attribute("charset"))
                .and_then(|name| lookup(name).ok());
            let recoded = match codec {
                Some(Codec::Utf8) | None => None,
                Some(codec) => part_bytes(raw, part).map(|bytes| codec.decode_lossy(&bytes)),
            };
            Value::str(recoded.as_deref().unwrap_or(t.as_ref()))
        }
        _ => Value::binary(part.contents().to_vec()),
    }
}

/// The bytes of a part's body with its transfer encoding undone, or `None`
/// when they cannot be had (offsets out of range, a malformed encoding).
fn part_bytes(raw: &[u8], part: &MessagePart<'_>) -> Option<Vec<u8>> {
    let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    match part.encoding {
        Encoding::None => Some(body.to_vec()),
        Encoding::QuotedPrintable => quoted_printable_decode(body),
        Encoding::Base64 => base64_decode(body),
    }
}

/// A header's value as text: decoded text when the parser produced text,
/// else the raw value unfolded.
///
/// A value holding RFC 2047 words is read here from the raw bytes, so every
/// charset of `decode()` is understood (mail-parser knows few).
fn header_text(raw: &[u8], value: &HeaderValue<'_>, start: u32, end: u32) -> String {
    let bytes = raw.get(start as usize..end as usize).unwrap_or_default();
    if bytes.windows(2).any(|w| w == b"=?") {
        return decode_words(&unfold(bytes));
    }
    match value {
        HeaderValue::Text(t) => t.trim().to_owned(),
        HeaderValue::TextList(list) => list.join(", "),
        _ => unfold(bytes),
    }
}

/// A raw header value on one line: each physical line trimmed, joined by a
/// space (invalid UTF-8 replaced).
fn unfold(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One RFC 2047 encoded word `=?charset?B|Q?text?=` at the start of `text`:
/// its charset (a `*language` suffix removed), its bytes and its length.
fn encoded_word(text: &str) -> Option<(&str, Vec<u8>, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (charset, rest) = inner.split_once('?')?;
    let (kind, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let payload = rest.get(..end)?;
    if charset.is_empty() || payload.contains(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let bytes = match kind {
        "B" | "b" => base64_decode(payload.as_bytes())?,
        "Q" | "q" => q_decode(payload.as_bytes())?,
        _ => return None,
    };
    let charset = charset.split_once('*').map_or(charset, |(c, _)| c);
    let len = 2 + inner.len() - rest.len() + end + 2;
    Some((charset, bytes, len))
}

/// The `Q` encoding of RFC 2047: `_` is a space, `=XX` a byte.
fn q_decode(payload: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(payload.len());
    let mut i = 0;
    while let Some(&b) = payload.get(i) {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = std::str::from_utf8(payload.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    Some(out)
}

/// `text` with its RFC 2047 words decoded. Whitespace between two encoded
/// words is dropped, and adjacent words of one charset are decoded together
/// (a character may be split between them). A word with an unknown charset
/// or a malformed payload stays as written.
fn decode_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Bytes of the current run of encoded words, and their codec.
    let mut run: Option<(Codec, Vec<u8>)> = None;
    let mut rest = text;
    while !rest.is_empty() {
        let Some(at) = rest.find("=?") else {
            break;
        };
        let (before, from) = rest.split_at(at);
        let word = encoded_word(from).and_then(|(cs, bytes, len)| Some((lookup(cs).ok()?, bytes, len)));
        let Some((codec, bytes, len)) = word else {
            flush(&mut out, &mut run);
            out.push_str(before);
            out.push_str("=?");
            rest = from.get(2..).unwrap_or_default();
            continue;
        };
        let joins = run.is_some() && before.chars().all(|c| c.is_ascii_whitespace());
        match &mut run {
            Some((current, buf)) if joins && current.name() == codec.name() => buf.extend(bytes),
            _ => {
                flush(&mut out, &mut run);
                if !joins {
                    out.push_str(before);
                }
                run = Some((codec, bytes));
            }
        }
        rest = from.get(len..).unwrap_or_default();
    }
    flush(&mut out, &mut run);
    out.push_str(rest);
    out
}

/// Appends the decoded run of encoded words, if any.
fn flush(out: &mut String, run: &mut Option<(Codec, Vec<u8>)>) {
    if let Some((codec, bytes)) = run.take() {
        out.push_str(&codec.decode_lossy(&bytes));
    }
}
