//! `mail_parse(data)` (`stdlib.md` 3): a MIME message as a Dictionary.

use super::args::Params;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{DictMap, Key};
use jobflow_vm::Value;
use mail_parser::{HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};

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
            map.insert(Key::str("Body"), body_value(part, body));
        }
    }
    Ok(Value::dict(map))
}

/// The body of a single part: text for `text/*`, else bytes.
fn body_value(part: &MessagePart<'_>, body: &PartType<'_>) -> Value {
    match body {
        PartType::Text(t) | PartType::Html(t) => Value::str(t.as_ref()),
        _ => Value::binary(part.contents().to_vec()),
    }
}

/// A header's value as text: decoded text when the parser produced text,
/// else the raw value unfolded.
fn header_text(raw: &[u8], value: &HeaderValue<'_>, start: u32, end: u32) -> String {
    match value {
        HeaderValue::Text(t) => t.trim().to_owned(),
        HeaderValue::TextList(list) => list.join(", "),
        _ => {
            let bytes = raw.get(start as usize..end as usize).unwrap_or_default();
            let text = String::from_utf8_lossy(bytes);
            text.split(['\r', '\n'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}
