//! `-p NAME=VALUE` values and the `--env` file (`cli-and-layout.md`).

use jobflow_compiler::syntax::ast::{DictLiteral, Expr, ExprKind, Literal, PatternKind, StringPart, UnaryOp};
use jobflow_compiler::syntax::parse;
use jobflow_vm::value::{PatternKind as VmPatternKind, Value};

/// Why `--env` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// The value of `-p NAME=VALUE`: a jobflow literal when VALUE parses as one
/// (negative numbers, patterns, arrays and dicts of literals included; a
/// dict with a key twice is not one), else the plain string.
pub fn param_value(text: &str) -> Value {
    let parsed = parse(&format!("|x = {text}|"));
    if parsed.diagnostics.iter().any(|d| d.is_error()) || parsed.program.body.is_some() {
        return Value::str(text);
    }
    match parsed.program.params.first().and_then(|p| p.default.as_ref()) {
        Some(e) if parsed.program.params.len() == 1 => literal(e).unwrap_or_else(|| Value::str(text)),
        _ => Value::str(text),
    }
}

fn text_of(parts: &[StringPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            StringPart::Text(t) => t.to_string(),
            StringPart::Placeholder(ph) => ph.written(),
        })
        .collect()
}

/// The value of a literal expression, if it is one.
fn literal(e: &Expr) -> Option<Value> {
    Some(match &e.kind {
        ExprKind::Literal(l) => match l {
            Literal::Integer(i) => Value::Int(*i),
            Literal::BigInteger(d) => Value::int_from_bigint(d.parse().ok()?),
            Literal::Float(f) => Value::Float(*f),
            Literal::String(s) => Value::str(text_of(&s.parts)),
            Literal::Binary(b) => Value::binary(b.clone()),
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Null => Value::Null,
            // Placeholders stay as written, as in a String: no variable
            // has a value here.
            Literal::Pattern(p) => {
                let text = text_of(&p.parts);
                let kind = match p.kind {
                    PatternKind::Regex => VmPatternKind::Regex,
                    PatternKind::Glob => VmPatternKind::Glob,
                    PatternKind::Exact => VmPatternKind::Exact,
                };
                Value::pattern(kind, p.ignore_case, Value::str(text)).ok()?
            }
        },
        // A negative number: the sign on a number literal itself, not on an
        // expression (`--5`, `-(5)` are not literals).
        ExprKind::Unary {
            op: UnaryOp::Minus,
            operand,
        } if matches!(operand.kind, ExprKind::Literal(_)) => match literal(operand)? {
            Value::Int(i) => Value::Int(i.checked_neg()?),
            Value::Float(f) => Value::Float(-f),
            Value::BigInt(b) => Value::int_from_bigint(-(*b).clone()),
            _ => return None,
        },
        ExprKind::Array(items) => Value::array(items.iter().map(literal).collect::<Option<Vec<_>>>()?),
        ExprKind::Dict(DictLiteral::Bindings(bs)) => {
            let pairs: Option<Vec<(Value, Value)>> = bs
                .iter()
                .map(|b| Some((Value::str(b.name.name.as_str()), literal(&b.value)?)))
                .collect();
            unique_keys(pairs?)?
        }
        ExprKind::Dict(DictLiteral::Pairs(ps)) => {
            let pairs: Option<Vec<(Value, Value)>> = ps.iter().map(|(k, v)| Some((literal(k)?, literal(v)?))).collect();
            unique_keys(pairs?)?
        }
        _ => return None,
    })
}

/// A Dictionary of `pairs`, unless a key comes twice (in source, the
/// compile error E104).
fn unique_keys(pairs: Vec<(Value, Value)>) -> Option<Value> {
    let n = pairs.len();
    let d = Value::dict_from_pairs(pairs).ok()?;
    match &d {
        Value::Dict(map) if map.len() == n => Some(d),
        _ => None,
    }
}

/// A TOML value as a jobflow value (datetimes by their text).
fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::str(s.as_str()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::str(d.to_string()),
        toml::Value::Array(items) => Value::array(items.iter().map(toml_value).collect()),
        toml::Value::Table(t) => table_value(t),
    }
}

fn table_value(t: &toml::Table) -> Value {
    let pairs = t.iter().map(|(k, v)| (Value::str(k.as_str()), toml_value(v)));
    // String keys are always valid Dictionary keys.
    Value::dict_from_pairs(pairs).unwrap_or(Value::Null)
}

/// `$ENV` from a TOML file: its top-level table, or for
/// `type = "Environment"` its `environment` table.
pub fn env_from_file(path: &std::path::Path) -> Result<Value, EnvError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EnvError::Read {
        path: name.clone(),
        source,
    })?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| EnvError::Toml {
        path: name,
        message: e.message().to_string(),
    })?;
    if table.get("type").and_then(toml::Value::as_str) == Some("Environment") {
        if let Some(toml::Value::Table(env)) = table.get("environment") {
            return Ok(table_value(env));
        }
        return Ok(table_value(&toml::Table::new()));
    }
    Ok(table_value(&table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_values_are_literals_or_strings() {
        assert_eq!(param_value("10").as_int(), Some(10));
        assert_eq!(param_value("-5").as_int(), Some(-5));
        assert_eq!(param_value("'text'").as_str(), Some("text"));
        assert_eq!(param_value("hello world").as_str(), Some("hello world"));
        assert!(matches!(param_value("true"), Value::Bool(true)));
        assert!(matches!(param_value("null"), Value::Null));
        assert_eq!(param_value("[1, 2]").to_str_form(), "[1, 2]");
        assert_eq!(param_value("{a = 1}").to_str_form(), "{'a': 1}");
        assert_eq!(param_value("x + 1").as_str(), Some("x + 1"));
        assert_eq!(param_value("-1.5").to_str_form(), "-1.5");
        assert_eq!(param_value("r'ab'i").type_name(), "Pattern");
        assert_eq!(param_value("g'*.log'").to_str_form(), "g'*.log'");
        assert_eq!(param_value("r'a$x'").to_str_form(), "r'a$x'");
        for not_literal in ["--5", "(5)", "- -5", "+5", "{a = 1, a = 2}", "{'a': 1, 'a': 2}"] {
            assert_eq!(param_value(not_literal).as_str(), Some(not_literal), "{not_literal}");
        }
    }
}
