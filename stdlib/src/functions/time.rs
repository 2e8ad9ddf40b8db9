//! Dates and times (`stdlib.md` 3): `now`, `datetime`, `date`, `time`,
//! `timedelta`.
//!
//! Every Datetime these functions make is in the local zone of the context
//! (`NativeContext::time_zone`), so its string form and its properties are in
//! local time whatever zone or offset the input named.

use super::args::{positional, type_error, value_error, Params};
use super::strtime::{parse_offset, strptime, Parsed};
use fancy_regex::Regex;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::Timedelta;
use jobflow_vm::Value;
use std::sync::OnceLock;

fn invalid(text: &str) -> NativeError {
    NativeError::new(format!("invalid date and/or time: {text}"))
}

/// `now()`.
pub(crate) fn now(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    positional("now", args, 0, 0)?;
    Ok(Value::datetime(ctx.now()))
}

/// The ISO form `YYYY-MM-DD[T| ]hh:mm[:ss[.ffffff]][Z|±hh[:]mm]`.
fn iso_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$")
            .ok()
    })
    .as_ref()
}

/// Parses a Datetime string without a format (`stdlib.md` 3, datetime);
/// years are Python's, 1..9999.
fn parse_default(text: &str, local: &TimeZone) -> Option<Parsed> {
    if let Some(caps) = iso_regex().and_then(|re| re.captures(text).ok().flatten()) {
        let n = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
        let micro = match caps.get(7) {
            Some(m) => format!("{:0<6}", m.as_str()).parse::<i32>().ok()?,
            None => 0,
        };
        let date = Date::new(
            i16::try_from(n(1)?).ok().filter(|y| *y >= 1)?,
            i8::try_from(n(2)?).ok()?,
            i8::try_from(n(3)?).ok()?,
        )
        .ok()?;
        let time = Time::new(
            i8::try_from(n(4)?).ok()?,
            i8::try_from(n(5)?).ok()?,
            i8::try_from(n(6).unwrap_or(0)).ok()?,
            micro * 1000,
        )
        .ok()?;
        let offset = match caps.get(8) {
            Some(m) => Some(parse_offset(m.as_str())?),
            None => None,
        };
        return Some(Parsed {
            datetime: DateTime::from_parts(date, time),
            offset,
        });
    }
    const FORMATS: [&str; 9] = [
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%m/%d/%Y",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%y",
        "%m/%d/%y %H:%M",
        "%m/%d/%y %H:%M:%S",
    ];
    FORMATS.iter().find_map(|f| strptime(text, f, local))
}

/// The zone named by the `zone` argument, or the context's local zone.
fn zone_arg(ctx: &dyn NativeContext, zone: Option<&Value>) -> Result<TimeZone, NativeError> {
    match zone {
        None | Some(Value::Null) => Ok(ctx.time_zone()),
        Some(Value::Str(name)) => {
            TimeZone::get(name.as_str()).map_err(|_| NativeError::new(format!("unknown time zone: {}", name.as_str())))
        }
        Some(other) => Err(type_error("datetime", "zone", "a String", other)),
    }
}

/// A Datetime in the local zone from a parse result: an offset fixes the
/// instant, otherwise the wall time is read in `zone`.
fn to_local(ctx: &dyn NativeContext, parsed: Parsed, zone: &TimeZone, text: &str) -> Result<Value, NativeError> {
    let instant = match parsed.offset {
        Some(offset) => offset.to_timestamp(parsed.datetime).map_err(|_| invalid(text))?,
        None => parsed
            .datetime
            .to_zoned(zone.clone())
            .map_err(|_| invalid(text))?
            .timestamp(),
    };
    Ok(Value::datetime(instant.to_zoned(ctx.time_zone())))
}

/// `datetime(dt_str_or_date, dt_fmt_or_time=null, zone=null)`.
pub(crate) fn datetime(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<3> = Params::new("datetime", ["dt_str_or_date", "dt_fmt_or_time", "zone"], 1);
    let [first, second, zone] = P.bind(args)?;
    let zone = zone_arg(ctx, zone)?;
    match first.unwrap_or(&Value::Null) {
        Value::Str(text) => {
            let text = text.as_str();
            let parsed = match second {
                None | Some(Value::Null) => parse_default(text, &ctx.time_zone()),
                Some(Value::Str(fmt)) => strptime(text, fmt.as_str(), &ctx.time_zone()),
                Some(other) => return Err(type_error("datetime", "dt_fmt_or_time", "a String", other)),
            };
            let parsed = parsed.ok_or_else(|| invalid(text))?;
            to_local(ctx, parsed, &zone, text)
        }
        Value::Date(date) => {
            let time = match second {
                None | Some(Value::Null) => Time::midnight(),
                Some(Value::Time(t)) => *t,
                Some(other) => return Err(type_error("datetime", "dt_fmt_or_time", "a Time", other)),
            };
            let parsed = Parsed {
                datetime: DateTime::from_parts(*date, time),
                offset: None,
            };
            to_local(ctx, parsed, &zone, &date.to_string())
        }
        Value::Datetime(dt) => Ok(Value::datetime(dt.with_time_zone(ctx.time_zone()))),
        other => Err(type_error("datetime", "dt_str_or_date", "a String or a Date", other)),
    }
}

/// `date(date_str, dt_fmt=null)`.
pub(crate) fn date(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("date", ["date_str", "dt_fmt"], 1);
    let [text, fmt] = P.bind(args)?;
    match text.unwrap_or(&Value::Null) {
        Value::Str(s) => {
            let fmt = super::args::opt_str("date", "dt_fmt", fmt)?.unwrap_or("%Y-%m-%d");
            let parsed = strptime(s.as_str(), fmt, &ctx.time_zone()).ok_or_else(|| invalid(s.as_str()))?;
            Ok(Value::Date(parsed.datetime.date()))
        }
        Value::Date(d) => Ok(Value::Date(*d)),
        Value::Datetime(dt) => Ok(Value::Date(dt.with_time_zone(ctx.time_zone()).date())),
        other => Err(type_error("date", "date_str", "a String", other)),
    }
}

/// `time(time_str, dt_fmt=null)`.
pub(crate) fn time(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("time", ["time_str", "dt_fmt"], 1);
    let [text, fmt] = P.bind(args)?;
    match text.unwrap_or(&Value::Null) {
        Value::Str(s) => {
            let s = s.as_str();
            let local = ctx.time_zone();
            let parsed = match super::args::opt_str("time", "dt_fmt", fmt)? {
                Some(fmt) => strptime(s, fmt, &local),
                None => ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
                    .iter()
                    .find_map(|f| strptime(s, f, &local)),
            };
            let parsed = parsed.ok_or_else(|| invalid(s))?;
            Ok(Value::Time(parsed.datetime.time()))
        }
        Value::Time(t) => Ok(Value::Time(*t)),
        Value::Datetime(dt) => Ok(Value::Time(dt.with_time_zone(ctx.time_zone()).time())),
        other => Err(type_error("time", "time_str", "a String", other)),
    }
}

/// `timedelta(days=0, hours=0, minutes=0, seconds=0, microseconds=0)`.
pub(crate) fn timedelta(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<5> = Params::new("timedelta", ["days", "hours", "minutes", "seconds", "microseconds"], 0);
    const UNIT: [i128; 5] = [86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000, 1];
    let slots = P.bind(args)?;
    let mut total: i128 = 0;
    for ((slot, unit), name) in slots.iter().zip(UNIT).zip(P.names) {
        let n: i128 = match slot {
            None => 0,
            Some(Value::Int(i)) => i128::from(*i),
            Some(Value::Float(f)) if f.is_finite() && f.abs() < 1e20 => {
                // Truncated toward zero, and well inside i128.
                #[allow(clippy::cast_possible_truncation)]
                let t = f.trunc() as i128;
                t
            }
            Some(Value::BigInt(_)) | Some(Value::Float(_)) => {
                return Err(value_error(jobflow_vm::value::ValueError::TimedeltaOutOfRange))
            }
            Some(other) => return Err(type_error("timedelta", name, "a number", other)),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| value_error(jobflow_vm::value::ValueError::TimedeltaOutOfRange))?;
    }
    Timedelta::from_micros(total).map(Value::timedelta).map_err(value_error)
}
