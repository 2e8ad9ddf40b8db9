//! `json_parse` and `json_dump` (`stdlib.md` 3), with Python's `json`
//! semantics: unbounded Integers, Floats for numbers with a fraction or an
//! exponent, objects in source order, and `json.dumps`' exact text.

use super::args::Params;
use super::str_form;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{float_repr, Key};
use jobflow_vm::Value;
use num_bigint::BigInt;

/// How deep arrays and objects may nest, in either direction.
const MAX_DEPTH: usize = 1000;

/// `json_parse(data, *, strict=false)`.
pub(crate) fn json_parse(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("json_parse", ["data", "strict"], 1).keyword_only_from(1);
    let [data, strict] = P.bind(args)?;
    let strict = strict.is_some_and(Value::truthy);
    let owned;
    let text = match data.unwrap_or(&Value::Null) {
        Value::Str(s) => s.as_str(),
        Value::Binary(b) => {
            let bytes = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
            owned = String::from_utf8(bytes.to_vec()).map_err(|e| {
                NativeError::new(format!(
                    "invalid UTF-8 in JSON data at byte {}",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            owned.as_str()
        }
        other => {
            return Err(NativeError::new(format!(
                "the JSON object must be String or Binary, not '{}'",
                other.type_name()
            )))
        }
    };
    parse(text, strict)
}

/// Parses a JSON document as Python's `json.loads(text, strict=strict)`.
pub(crate) fn parse(text: &str, strict: bool) -> Result<Value, NativeError> {
    let mut p = Parser {
        src: text,
        pos: 0,
        strict,
        depth: 0,
    };
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.error("Extra data", p.pos));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    strict: bool,
    depth: usize,
}

impl Parser<'_> {
    /// Python's `JSONDecodeError` text: `MSG: line L column C (char P)`.
    fn error(&self, msg: &str, byte: usize) -> NativeError {
        let before = self.src.get(..byte).unwrap_or(self.src);
        let char_pos = before.chars().count();
        let line = before.matches('\n').count() + 1;
        let col = match before.rfind('\n') {
            Some(nl) => before.get(nl + 1..).map_or(0, |s| s.chars().count()) + 1,
            None => char_pos + 1,
        };
        NativeError::new(format!("{msg}: line {line} column {col} (char {char_pos})"))
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn starts(&self, lit: &str) -> bool {
        self.src.get(self.pos..).is_some_and(|r| r.starts_with(lit))
    }

    fn value(&mut self) -> Result<Value, NativeError> {
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::str),
            Some(b'-' | b'0'..=b'9') => {
                if self.starts("-Infinity") {
                    self.pos += 9;
                    return Ok(Value::Float(f64::NEG_INFINITY));
                }
                self.number()
            }
            _ => {
                for (lit, v) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("NaN", Value::Float(f64::NAN)),
                    ("Infinity", Value::Float(f64::INFINITY)),
                ] {
                    if self.starts(lit) {
                        self.pos += lit.len();
                        return Ok(v);
                    }
                }
                Err(self.error("Expecting value", start))
            }
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, NativeError>) -> Result<Value, NativeError> {
        if self.depth >= MAX_DEPTH {
            return Err(NativeError::new(
                "maximum recursion depth exceeded while decoding a JSON document",
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn number(&mut self) -> Result<Value, NativeError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let digits = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let mut i = start;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits(i),
            _ => return Err(self.error("Expecting value", start)),
        }
        let int_end = i;
        let mut is_float = false;
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1);
            is_float = true;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                i = digits(j);
                is_float = true;
            }
        }
        self.pos = i;
        let text = self.src.get(start..i).unwrap_or("0");
        if is_float {
            return text
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| self.error("Expecting value", start));
        }
        debug_assert_eq!(int_end, i);
        if text.len() <= 18 {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Value::Int(n));
            }
        }
        text.parse::<BigInt>()
            .map(Value::int_from_bigint)
            .map_err(|_| self.error("Expecting value", start))
    }

    /// A string; `self.pos` is at the opening quote.
    fn string(&mut self) -> Result<String, NativeError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.src.get(self.pos..).unwrap_or("");
            let stop = rest.find(|c: char| c == '"' || c == '\\' || (c as u32) < 0x20);
            let Some(stop) = stop else {
                return Err(self.error("Unterminated string starting at", open));
            };
            out.push_str(rest.get(..stop).unwrap_or(""));
            self.pos += stop;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(c) => {
                    if self.strict {
                        return Err(self.error("Invalid control character at", self.pos));
                    }
                    out.push(char::from(c));
                    self.pos += 1;
                }
                None => return Err(self.error("Unterminated string starting at", open)),
            }
        }
    }

    /// One escape; `self.pos` is at the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), NativeError> {
        let at = self.pos;
        let Some(c) = self.src.as_bytes().get(at + 1).copied() else {
            return Err(self.error("Unterminated string starting at", at));
        };
        self.pos += 2;
        let simple = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(at)?;
                let c = if (0xD800..0xDC00).contains(&hi) && self.starts("\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let lo = self.hex4(self.pos - 2)?;
                    if (0xDC00..0xE000).contains(&lo) {
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        self.pos = save;
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                // A lone surrogate cannot be held by a String.
                out.push(c.unwrap_or('\u{FFFD}'));
                return Ok(());
            }
            _ => return Err(self.error("Invalid \\escape", at)),
        };
        out.push(simple);
        Ok(())
    }

    fn hex4(&mut self, at: usize) -> Result<u32, NativeError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(self.error("Invalid \\uXXXX escape", at));
        };
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("Invalid \\uXXXX escape", at))
    }

    fn array(&mut self) -> Result<Value, NativeError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::array(items));
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.pos)),
            }
        }
    }

    fn object(&mut self) -> Result<Value, NativeError> {
        self.pos += 1;
        let mut map = jobflow_vm::value::DictMap::default();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::dict(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("Expecting property name enclosed in double quotes", self.pos));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("Expecting ':' delimiter", self.pos));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            map.insert(Key::str(key), value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::dict(map));
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.pos)),
            }
        }
    }
}

/// `json_dump(obj, *, ensure_ascii=true, indent=null)`.
pub(crate) fn json_dump(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<3> = Params::new("json_dump", ["obj", "ensure_ascii", "indent"], 1).keyword_only_from(1);
    let [obj, ensure_ascii, indent] = P.bind(args)?;
    let indent = match indent {
        None | Some(Value::Null) => None,
        Some(Value::Int(n)) => Some(" ".repeat(usize::try_from(*n).unwrap_or(0).min(1000))),
        // As in Python, a negative indent adds newlines only; a positive one
        // this large cannot be a count of spaces.
        Some(Value::BigInt(n)) if n.sign() == num_bigint::Sign::Minus => Some(String::new()),
        Some(Value::BigInt(_)) => return Err(NativeError::new("json_dump(): indent is too large")),
        Some(Value::Str(s)) => Some(s.as_str().to_owned()),
        Some(other) => {
            return Err(NativeError::new(format!(
                "json_dump(): indent must be an Integer, a String or null, not '{}'",
                other.type_name()
            )))
        }
    };
    let mut d = Dumper {
        ensure_ascii: ensure_ascii.is_none_or(Value::truthy),
        indent,
        stack: Vec::new(),
        out: String::new(),
    };
    d.value(obj.unwrap_or(&Value::Null))?;
    Ok(Value::str(d.out))
}

/// Writes Python's `json.dumps` text.
pub(crate) struct Dumper {
    /// Escape every non-ASCII character.
    pub ensure_ascii: bool,
    /// The indent unit; `None` for one line.
    pub indent: Option<String>,
    /// Containers being written (for cycle detection).
    stack: Vec<usize>,
    /// The text so far.
    pub out: String,
}

impl Dumper {
    fn newline(&mut self) {
        if let Some(unit) = &self.indent {
            self.out.push('\n');
            for _ in 0..self.stack.len() {
                self.out.push_str(unit);
            }
        }
    }

    fn enter(&mut self, id: usize) -> Result<(), NativeError> {
        if self.stack.contains(&id) {
            return Err(NativeError::new("Circular reference detected"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(NativeError::new(
                "maximum recursion depth exceeded while encoding a JSON object",
            ));
        }
        self.stack.push(id);
        Ok(())
    }

    fn item_separator(&self) -> &'static str {
        if self.indent.is_some() {
            ","
        } else {
            ", "
        }
    }

    /// Writes one value.
    pub(crate) fn value(&mut self, v: &Value) -> Result<(), NativeError> {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::BigInt(b) => self.out.push_str(&b.to_string()),
            Value::Float(f) => self.out.push_str(&float_text(*f)),
            Value::Str(s) => self.string(s.as_str()),
            Value::Binary(b) => {
                let text = binary_text(b);
                self.string(&text);
            }
            Value::Datetime(_) | Value::Date(_) | Value::Time(_) | Value::Timedelta(_) => {
                self.string(&str_form(v));
            }
            Value::Object(o) => self.string(&o.abspath),
            Value::Array(a) => {
                let items = a.borrow();
                if items.is_empty() {
                    self.out.push_str("[]");
                    return Ok(());
                }
                self.enter(a.id())?;
                self.out.push('[');
                self.newline();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(self.item_separator());
                        self.newline();
                    }
                    self.value(item)?;
                }
                self.stack.pop();
                self.newline();
                self.out.push(']');
            }
            Value::Dict(d) => {
                let entries = d.borrow();
                if entries.is_empty() {
                    self.out.push_str("{}");
                    return Ok(());
                }
                self.enter(d.id())?;
                self.out.push('{');
                self.newline();
                for (i, (k, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(self.item_separator());
                        self.newline();
                    }
                    let key = key_text(k.value())?;
                    self.string(&key);
                    self.out.push_str(": ");
                    self.value(item)?;
                }
                self.stack.pop();
                self.newline();
                self.out.push('}');
            }
            other => {
                return Err(NativeError::new(format!(
                    "Object of type {} is not JSON serializable",
                    other.type_name()
                )))
            }
        }
        Ok(())
    }

    /// Writes a JSON string literal.
    fn string(&mut self, s: &str) {
        use std::fmt::Write as _;
        let out = &mut self.out;
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 || (self.ensure_ascii && !(' '..='~').contains(&c)) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let _ = write!(out, "\\u{unit:04x}");
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// A Float as `json.dumps` writes it (`NaN`, `Infinity`, `-Infinity`).
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f == f64::INFINITY {
        "Infinity".into()
    } else if f == f64::NEG_INFINITY {
        "-Infinity".into()
    } else {
        float_repr(f)
    }
}

/// A Binary as text: printable ASCII as is, other bytes as `\xNN`.
fn binary_text(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// A Dictionary key as `json.dumps` converts it.
fn key_text(k: &Value) -> Result<String, NativeError> {
    Ok(match k {
        Value::Str(s) => s.as_str().to_owned(),
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(b) => b.to_string(),
        Value::Float(f) => float_text(*f),
        Value::Datetime(_) | Value::Date(_) | Value::Time(_) | Value::Timedelta(_) => str_form(k),
        Value::Object(o) => o.abspath.clone(),
        other => {
            return Err(NativeError::new(format!(
                "keys must be str, int, float, bool or None, not {}",
                other.type_name()
            )))
        }
    })
}
