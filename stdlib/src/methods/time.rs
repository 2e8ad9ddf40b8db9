//! Methods and properties of Datetime, Date, Time and Timedelta
//! (`stdlib.md` 4.6–4.9). Datetime properties and `format` are in the
//! context's local zone.

use crate::functions::args::{expect_str, positional};
use crate::functions::strtime::{strftime, Broken};
use jiff::civil::{Date, DateTime, Time};
use jiff::Zoned;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::Timedelta;
use jobflow_vm::Value;

fn not_a(what: &str, v: &Value) -> NativeError {
    NativeError::new(format!("expected a {what}, not '{}'", v.type_name()))
}

/// A Datetime receiver in the local zone.
fn local(ctx: &dyn NativeContext, v: &Value) -> Result<Zoned, NativeError> {
    match v {
        Value::Datetime(dt) => Ok(dt.with_time_zone(ctx.time_zone())),
        other => Err(not_a("Datetime", other)),
    }
}

fn date_of(v: &Value) -> Result<Date, NativeError> {
    match v {
        Value::Date(d) => Ok(*d),
        other => Err(not_a("Date", other)),
    }
}

fn time_of(v: &Value) -> Result<Time, NativeError> {
    match v {
        Value::Time(t) => Ok(*t),
        other => Err(not_a("Time", other)),
    }
}

fn timedelta_of(v: &Value) -> Result<Timedelta, NativeError> {
    match v {
        Value::Timedelta(td) => Ok(**td),
        other => Err(not_a("Timedelta", other)),
    }
}

fn int(n: impl Into<i64>) -> Result<Value, NativeError> {
    Ok(Value::Int(n.into()))
}

/// Formats a Datetime in the local zone with `strftime` directives.
pub(crate) fn format_datetime(ctx: &dyn NativeContext, dt: &Zoned, fmt: &str) -> String {
    let dt = dt.with_time_zone(ctx.time_zone());
    let info = dt.time_zone().to_offset_info(dt.timestamp());
    let zone = info.abbreviation().to_string();
    strftime(
        fmt,
        &Broken {
            datetime: dt.datetime(),
            offset: Some(dt.offset()),
            zone: Some(&zone),
        },
    )
}

/// Formats a Date (time fields 0) or a Time (date 1900-01-01).
pub(crate) fn format_civil(datetime: DateTime, fmt: &str) -> String {
    strftime(
        fmt,
        &Broken {
            datetime,
            offset: None,
            zone: None,
        },
    )
}

/// `x.format(dt_fmt)` for Datetime, Date and Time.
pub(crate) fn format(ctx: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let fmt = positional("format", args, 1, 1)?.first().unwrap_or(&Value::Null);
    let fmt = expect_str("format", "dt_fmt", fmt)?;
    let text = match receiver {
        Value::Datetime(dt) => format_datetime(&*ctx, dt, fmt),
        Value::Date(d) => format_civil(d.to_datetime(Time::midnight()), fmt),
        Value::Time(t) => format_civil(DateTime::from_parts(Date::constant(1900, 1, 1), *t), fmt),
        other => return Err(not_a("Datetime, Date or Time", other)),
    };
    Ok(Value::str(text))
}

/// `dt.isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` in UTC.
pub(crate) fn isoformat(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    positional("isoformat", args, 0, 0)?;
    let Value::Datetime(dt) = receiver else {
        return Err(not_a("Datetime", receiver));
    };
    let utc = dt.with_time_zone(jiff::tz::TimeZone::UTC);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    );
    let micros = utc.subsec_nanosecond() / 1000;
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out.push('Z');
    Ok(Value::str(out))
}

macro_rules! datetime_props {
    ($($name:ident => |$d:ident| $e:expr;)*) => {
        $(
            #[doc = concat!("`dt.", stringify!($name), "` in local time.")]
            pub(crate) fn $name(ctx: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
                let $d = local(ctx, v)?;
                $e
            }
        )*
    };
}

/// Datetime properties.
pub(crate) mod datetime {
    use super::*;
    datetime_props! {
        year => |d| int(d.year());
        month => |d| int(d.month());
        day => |d| int(d.day());
        hour => |d| int(d.hour());
        minute => |d| int(d.minute());
        second => |d| int(d.second());
        microsecond => |d| int(d.subsec_nanosecond() / 1000);
        weekday => |d| int(d.weekday().to_monday_zero_offset());
        date => |d| Ok(Value::Date(d.date()));
        time => |d| Ok(Value::Time(d.time()));
    }
}

/// Date properties.
pub(crate) mod date {
    use super::*;

    /// `d.year`.
    pub(crate) fn year(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(date_of(v)?.year())
    }
    /// `d.month`.
    pub(crate) fn month(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(date_of(v)?.month())
    }
    /// `d.day`.
    pub(crate) fn day(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(date_of(v)?.day())
    }
    /// `d.weekday` (Monday 0 .. Sunday 6).
    pub(crate) fn weekday(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(date_of(v)?.weekday().to_monday_zero_offset())
    }
}

/// Time properties.
pub(crate) mod time_of_day {
    use super::*;

    /// `t.hour`.
    pub(crate) fn hour(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(time_of(v)?.hour())
    }
    /// `t.minute`.
    pub(crate) fn minute(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(time_of(v)?.minute())
    }
    /// `t.second`.
    pub(crate) fn second(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(time_of(v)?.second())
    }
    /// `t.microsecond`.
    pub(crate) fn microsecond(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(time_of(v)?.subsec_nanosecond() / 1000)
    }
}

/// Timedelta properties.
pub(crate) mod timedelta {
    use super::*;

    /// `td.days` (carries the sign).
    pub(crate) fn days(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(timedelta_of(v)?.days)
    }
    /// `td.seconds` (0..86399).
    pub(crate) fn seconds(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(timedelta_of(v)?.seconds)
    }
    /// `td.microseconds` (0..999999).
    pub(crate) fn microseconds(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        int(timedelta_of(v)?.micros)
    }
    /// `td.total_seconds` (Float).
    pub(crate) fn total_seconds(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
        Ok(Value::Float(timedelta_of(v)?.total_seconds()))
    }
}
