//! String forms (`language.md` 3.8): `str` (what `print`, `string()` and
//! interpolation produce) and `repr` (the form of elements inside Arrays and
//! Dictionaries, which differs only for Strings).

use super::binary::write_bytes_repr;
use super::float::write_float_repr;
use super::string::write_string_repr;
use super::time::{date_form, datetime_form, time_form};
use super::{Function, Pattern, PatternKind, Value, ValueError, MAX_DEPTH, MAX_SEQUENCE_LEN};

/// How many enclosing containers [`Seen`] scans linearly; deeper ones are
/// also kept in a hash set, so a deeply nested value is written in linear
/// time rather than quadratic.
const SCANNED: usize = 16;

/// The containers being written (the enclosing ones), to print a container
/// met again as `[...]`, and whether the value was nested too deeply to
/// write whole.
#[derive(Default)]
struct Seen {
    /// Every enclosing container, outermost first.
    stack: Vec<usize>,
    /// `stack[SCANNED..]`, for lookups.
    deep: rustc_hash::FxHashSet<usize>,
    /// Set when a level beyond [`MAX_DEPTH`] was written as `...`.
    too_deep: bool,
}

impl Seen {
    /// Whether the container `id` encloses the one being written.
    #[inline]
    fn contains(&self, id: usize) -> bool {
        self.stack[..self.stack.len().min(SCANNED)].contains(&id)
            || (self.stack.len() > SCANNED && self.deep.contains(&id))
    }

    /// Enters the container `id`.
    #[inline]
    fn push(&mut self, id: usize) {
        if self.stack.len() >= SCANNED {
            self.deep.insert(id);
        }
        self.stack.push(id);
    }

    /// Leaves the innermost container.
    #[inline]
    fn pop(&mut self) {
        if let Some(id) = self.stack.pop() {
            if self.stack.len() >= SCANNED {
                self.deep.remove(&id);
            }
        }
    }
}

impl Value {
    /// The str form: the text of a String, the repr of anything else.
    pub fn to_str_form(&self) -> String {
        let mut out = String::new();
        self.write_str_form(&mut out);
        out
    }

    /// The repr form: Strings quoted as Python does, anything else as its
    /// str form.
    pub fn to_repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    /// The str form, or a [`ValueError::SizeLimit`] when it would exceed
    /// [`MAX_SEQUENCE_LEN`] (a structure sharing one container many times
    /// can have an exponentially long form), or a [`ValueError::TooDeep`]
    /// when Arrays or Dictionaries nest deeper than [`MAX_DEPTH`].
    pub fn try_to_str_form(&self) -> Result<String, ValueError> {
        let mut out = String::new();
        self.try_write_str_form(&mut out)?;
        if out.len() > MAX_SEQUENCE_LEN {
            return Err(ValueError::size_limit(format!(
                "string form longer than {MAX_SEQUENCE_LEN}"
            )));
        }
        Ok(out)
    }

    /// Appends the str form to `out`. Writing stops (ending in `...`) once
    /// `out` exceeds [`MAX_SEQUENCE_LEN`]; levels nested deeper than
    /// [`MAX_DEPTH`] are written as `...` (see
    /// [`try_to_str_form`](Value::try_to_str_form) for an error instead).
    pub fn write_str_form(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(s.as_str()),
            _ => write(self, out, &mut Seen::default()),
        }
    }

    /// As [`write_str_form`](Value::write_str_form), but a value whose
    /// Arrays and Dictionaries nest deeper than [`MAX_DEPTH`] is a
    /// [`ValueError::TooDeep`] (`out` then holds a partial form).
    pub fn try_write_str_form(&self, out: &mut String) -> Result<(), ValueError> {
        if let Value::Str(s) = self {
            out.push_str(s.as_str());
            return Ok(());
        }
        let mut seen = Seen::default();
        write(self, out, &mut seen);
        if seen.too_deep {
            return Err(ValueError::TOO_DEEP);
        }
        Ok(())
    }

    /// Appends the repr form to `out` (levels deeper than [`MAX_DEPTH`] as
    /// `...`).
    pub fn write_repr(&self, out: &mut String) {
        write(self, out, &mut Seen::default());
    }
}

/// Writes the repr of `v`.
fn write(v: &Value, out: &mut String, seen: &mut Seen) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(itoa_i64(*i).as_str()),
        Value::BigInt(b) => out.push_str(&b.to_string()),
        Value::Float(f) => write_float_repr(*f, out),
        Value::Str(s) => write_string_repr(s.as_str(), out),
        Value::Binary(b) => write_bytes_repr(b, out),
        Value::Array(a) => {
            let id = a.id();
            if seen.contains(id) {
                out.push_str("[...]");
                return;
            }
            if too_deep(out, seen) {
                return;
            }
            seen.push(id);
            out.push('[');
            // Elements are cloned out so the Array is not borrowed while
            // nested values are written.
            let items: Vec<Value> = a.borrow().clone();
            for (i, item) in items.iter().enumerate() {
                if over_budget(out) {
                    break;
                }
                if i > 0 {
                    out.push_str(", ");
                }
                nested(item, out, seen);
            }
            out.push(']');
            seen.pop();
        }
        Value::Dict(d) => {
            let id = d.id();
            if seen.contains(id) {
                out.push_str("{...}");
                return;
            }
            if too_deep(out, seen) {
                return;
            }
            seen.push(id);
            out.push('{');
            let entries: Vec<(Value, Value)> = d.borrow().iter().map(|(k, v)| (k.0.clone(), v.clone())).collect();
            for (i, (k, val)) in entries.iter().enumerate() {
                if over_budget(out) {
                    break;
                }
                if i > 0 {
                    out.push_str(", ");
                }
                nested(k, out, seen);
                out.push_str(": ");
                nested(val, out, seen);
            }
            out.push('}');
            seen.pop();
        }
        Value::Pattern(p) => write_pattern(p, out),
        Value::Datetime(dt) => out.push_str(&datetime_form(dt)),
        Value::Date(d) => out.push_str(&date_form(*d)),
        Value::Time(t) => out.push_str(&time_form(*t)),
        Value::Timedelta(td) => out.push_str(&td.to_form()),
        Value::Object(o) => out.push_str(&o.abspath),
        Value::File(f) => out.push_str(&f.name),
        Value::Function(f) => {
            out.push_str("<Function ");
            out.push_str(match &**f {
                Function::Builtin(name) | Function::Method { name, .. } => name,
            });
            out.push('>');
        }
        Value::Channel(id) => out.push_str(&format!("<Channel {id}>")),
        Value::SessionChannel(id) => out.push_str(&format!("<SessionChannel {id}>")),
        Value::Process(pid) => out.push_str(&format!("<Process {pid}>")),
    }
}

/// Whether one more container level would exceed [`MAX_DEPTH`]; then it is
/// written as `...` and `seen` remembers the form is not whole.
#[inline]
fn too_deep(out: &mut String, seen: &mut Seen) -> bool {
    if seen.stack.len() < MAX_DEPTH {
        return false;
    }
    out.push_str("...");
    seen.too_deep = true;
    true
}

/// Whether `out` has grown past the limit; then it ends in `...`.
fn over_budget(out: &mut String) -> bool {
    if out.len() > MAX_SEQUENCE_LEN {
        if !out.ends_with("...") {
            out.push_str("...");
        }
        return true;
    }
    false
}

/// Writes a nested element, growing the stack for deeply nested values.
fn nested(v: &Value, out: &mut String, seen: &mut Seen) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || write(v, out, seen));
}

/// A Pattern's literal: `r'…'`, `g"…"i`; an `e` Pattern of a non-String
/// shows the str form of its value.
fn write_pattern(p: &Pattern, out: &mut String) {
    out.push(match p.kind {
        PatternKind::Regex => 'r',
        PatternKind::Glob => 'g',
        PatternKind::Exact => 'e',
    });
    let text = p.source.to_str_form();
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    out.push_str(&text);
    out.push(quote);
    if p.ignore_case {
        out.push('i');
    }
}

/// Decimal text of an i64.
fn itoa_i64(i: i64) -> String {
    i.to_string()
}
