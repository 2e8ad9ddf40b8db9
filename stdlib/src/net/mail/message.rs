//! Building the MIME message of a [`MailRequest`] with lettre.
//!
//! Structure: one text part (text/plain or text/html), or
//! multipart/alternative with both; with attachments, all of it inside
//! multipart/mixed followed by one part per file.

use super::request::{Attachment, MailRequest};
use crate::functions::encoding::{lookup, Codec};
use crate::net::error::NetError;
use data_encoding::BASE64;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, Message, MultiPart, SinglePart};

/// The `User-Agent` header of every mail.
const USER_AGENT: &str = concat!("jobflow ", env!("CARGO_PKG_VERSION"));

/// The longest encoded text an RFC 2047 word carries here before the
/// subject is split into several words (so lines stay under 78 bytes).
const WORD_BYTES: usize = 45;

impl MailRequest {
    /// The message as lettre builds it, its envelope holding every
    /// recipient (`Bcc` only there).
    pub fn message(&self) -> Result<Message, NetError> {
        let codec = lookup(&self.charset)?;
        let utf8 = matches!(codec, Codec::Utf8);
        let mut builder = Message::builder()
            .from(mailbox(&self.from)?)
            .user_agent(USER_AGENT.to_owned())
            .message_id(None);
        for to in &self.to {
            builder = builder.to(mailbox(to)?);
        }
        for cc in &self.cc {
            builder = builder.cc(mailbox(cc)?);
        }
        for bcc in &self.bcc {
            builder = builder.bcc(mailbox(bcc)?);
        }
        if let Some(r) = &self.reply_to {
            builder = builder.reply_to(mailbox(r)?);
        }
        builder = if utf8 || self.subject.is_ascii() {
            builder.subject(self.subject.clone())
        } else {
            builder.raw_header(HeaderValue::dangerous_new_pre_encoded(
                HeaderName::new_from_ascii_str("Subject"),
                self.subject.clone(),
                encoded_words(codec, &self.subject)?,
            ))
        };
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            // `as_string` without recipients: lettre wants an envelope with
            // one; it is never used, as the message is not sent.
            let from = mailbox(&self.from)?.email;
            let envelope = lettre::address::Envelope::new(Some(from.clone()), vec![from])
                .map_err(|e| NetError::Message(e.to_string()))?;
            builder = builder.envelope(envelope);
        }

        let text_part = |content: &str, subtype: &str| -> Result<SinglePart, NetError> {
            let bytes = codec.encode(&crlf(content)).map_err(|e| NetError::argument(e.detail))?;
            let content_type = ContentType::parse(&format!("text/{subtype}; charset={}", self.charset))
                .map_err(|e| NetError::argument(format!("invalid charset {:?}: {e}", self.charset)))?;
            Ok(SinglePart::builder().header(content_type).body(Body::new(bytes)))
        };
        let plain = self.body.as_deref().map(|b| text_part(b, "plain")).transpose()?;
        let html = self.html.as_deref().map(|h| text_part(h, "html")).transpose()?;

        enum Content {
            Single(SinglePart),
            Multi(MultiPart),
        }
        let content = match (plain, html) {
            (Some(p), Some(h)) => Content::Multi(MultiPart::alternative().singlepart(p).singlepart(h)),
            (Some(part), None) | (None, Some(part)) => Content::Single(part),
            (None, None) => return Err(NetError::argument("body and html_content are both null")),
        };
        let built = if self.attachments.is_empty() {
            match content {
                Content::Single(p) => builder.singlepart(p),
                Content::Multi(m) => builder.multipart(m),
            }
        } else {
            let mut mixed = match content {
                Content::Single(p) => MultiPart::mixed().singlepart(p),
                Content::Multi(m) => MultiPart::mixed().multipart(m),
            };
            for file in &self.attachments {
                mixed = mixed.singlepart(attachment(file));
            }
            builder.multipart(mixed)
        };
        let mut message = built.map_err(|e| NetError::Message(e.to_string()))?;
        for (name, value) in &self.headers {
            let name = HeaderName::new_from_ascii(name.clone())
                .map_err(|_| NetError::argument(format!("invalid headers: bad header name {name:?}")))?;
            message.headers_mut().insert_raw(HeaderValue::new(name, value.clone()));
        }
        Ok(message)
    }

    /// The whole message as text (what `as_string` returns).
    pub fn message_text(&self) -> Result<String, NetError> {
        let bytes = self.message()?.formatted();
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// `text` with every line ending as CRLF, as SMTP wants it (a bare LF is
/// refused by strict servers).
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n")
}

/// A checked address as a lettre mailbox.
fn mailbox(text: &str) -> Result<Mailbox, NetError> {
    text.parse::<Mailbox>()
        .map_err(|e| NetError::argument(format!("invalid address '{text}' ({e})")))
}

/// An attachment part; the MIME type is guessed from the file name.
fn attachment(file: &Attachment) -> SinglePart {
    let mime = mime_guess::from_path(&file.name).first_or_octet_stream();
    let content_type = ContentType::parse(mime.essence_str())
        .unwrap_or_else(|_| ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN));
    lettre::message::Attachment::new(file.name.clone()).body(Body::new(file.data.clone()), content_type)
}

/// `text` as RFC 2047 `B` words in `codec`, folded onto continuation lines.
/// Each word encodes whole characters (for ISO-2022-JP, each word ends back
/// in ASCII), so every word decodes on its own.
fn encoded_words(codec: Codec, text: &str) -> Result<String, NetError> {
    let name = codec.name();
    let encode = |chunk: &str| codec.encode(chunk).map_err(|e| NetError::argument(e.detail));
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        chunk.push(c);
        if BASE64.encode_len(encode(&chunk)?.len()) > WORD_BYTES {
            chunk.pop();
            if !chunk.is_empty() {
                words.push(std::mem::take(&mut chunk));
            }
            chunk.push(c);
        }
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    let encoded: Result<Vec<String>, NetError> = words
        .iter()
        .map(|w| Ok(format!("=?{name}?B?{}?=", BASE64.encode(&encode(w)?))))
        .collect();
    Ok(encoded?.join("\r\n "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_2022_jp_subject_words_each_decode() {
        let Ok(codec) = lookup("iso-2022-jp") else {
            panic!("iso-2022-jp is known");
        };
        let subject = "障害通知: サーバーが応答しません。再起動を試みます";
        let folded = encoded_words(codec, subject).unwrap();
        let mut decoded = String::new();
        for word in folded.split("\r\n ") {
            assert!(word.len() <= 75, "{word}");
            let b64 = word.trim_start_matches("=?iso-2022-jp?B?").trim_end_matches("?=");
            let bytes = BASE64.decode(b64.as_bytes()).unwrap();
            decoded.push_str(&codec.decode(&bytes).unwrap());
        }
        assert_eq!(decoded, subject);
    }
}
