//! Dates and times (`language.md` 3.6, `stdlib.md` 4.6–4.9): Timedelta
//! normalisation and arithmetic with Python's semantics, Datetime and Date
//! arithmetic, and their string forms.
//!
//! Datetime ± Timedelta is absolute-time arithmetic (the instant moves by the
//! duration; the zone is kept), so that `(a + d) - a == d` always holds and
//! Datetime − Datetime is the difference of the instants.

use super::{Timedelta, ValueError};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Zoned};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::float::FloatCore;
use num_traits::{Signed, ToPrimitive, Zero};

/// Microseconds in a day.
const DAY_MICROS: i128 = 86_400_000_000;
/// Python's `timedelta.max.days`.
const MAX_DAYS: i64 = 999_999_999;

impl Timedelta {
    /// The zero duration.
    pub const ZERO: Timedelta = Timedelta {
        days: 0,
        seconds: 0,
        micros: 0,
    };

    /// A Timedelta of `total` microseconds, normalised; beyond ±999999999
    /// days is an error.
    pub fn from_micros(total: i128) -> Result<Timedelta, ValueError> {
        let days = total.div_euclid(DAY_MICROS);
        let rest = total.rem_euclid(DAY_MICROS);
        let days = i64::try_from(days).map_err(|_| ValueError::TimedeltaOutOfRange)?;
        if !(-MAX_DAYS..=MAX_DAYS).contains(&days) {
            return Err(ValueError::TimedeltaOutOfRange);
        }
        // 0 <= rest < DAY_MICROS, so both parts fit in u32.
        Ok(Timedelta {
            days,
            seconds: (rest / 1_000_000) as u32,
            micros: (rest % 1_000_000) as u32,
        })
    }

    /// A Timedelta from days, seconds and microseconds of any sign and size,
    /// normalised as Python's `timedelta(days, seconds, microseconds)`.
    pub fn from_parts(days: i64, seconds: i64, micros: i64) -> Result<Timedelta, ValueError> {
        let total = i128::from(days) * DAY_MICROS + i128::from(seconds) * 1_000_000 + i128::from(micros);
        Timedelta::from_micros(total)
    }

    /// The whole duration in microseconds.
    pub fn total_micros(&self) -> i128 {
        i128::from(self.days) * DAY_MICROS + i128::from(self.seconds) * 1_000_000 + i128::from(self.micros)
    }

    /// The duration in seconds (`total_seconds`).
    pub fn total_seconds(&self) -> f64 {
        // As Python: microseconds / 10**6, rounded once.
        self.total_micros() as f64 / 1e6
    }

    /// Whether this is the zero duration.
    pub fn is_zero(&self) -> bool {
        *self == Timedelta::ZERO
    }

    /// As a jiff duration.
    pub fn to_signed_duration(&self) -> SignedDuration {
        // |total| < 2^57 microseconds, well inside SignedDuration's range.
        SignedDuration::from_micros_i128(self.total_micros())
    }

    /// The Timedelta of a jiff duration (truncated to microseconds).
    pub fn from_signed_duration(d: SignedDuration) -> Result<Timedelta, ValueError> {
        Timedelta::from_micros(d.as_micros())
    }

    /// Python's string form: `1 day, 2:03:04`, `-1 day, 23:59:59`,
    /// `0:00:05.500000`.
    pub fn to_form(&self) -> String {
        let mut out = String::new();
        if self.days != 0 {
            let plural = if self.days.abs() != 1 { "s" } else { "" };
            out.push_str(&format!("{} day{plural}, ", self.days));
        }
        let (h, m, s) = (self.seconds / 3600, self.seconds / 60 % 60, self.seconds % 60);
        out.push_str(&format!("{h}:{m:02}:{s:02}"));
        if self.micros != 0 {
            out.push_str(&format!(".{:06}", self.micros));
        }
        out
    }
}

/// `a + b`.
pub(crate) fn td_add(a: &Timedelta, b: &Timedelta) -> Result<Timedelta, ValueError> {
    Timedelta::from_micros(a.total_micros() + b.total_micros())
}

/// `a - b`.
pub(crate) fn td_sub(a: &Timedelta, b: &Timedelta) -> Result<Timedelta, ValueError> {
    Timedelta::from_micros(a.total_micros() - b.total_micros())
}

/// `-a`.
pub(crate) fn td_neg(a: &Timedelta) -> Result<Timedelta, ValueError> {
    Timedelta::from_micros(-a.total_micros())
}

/// `td * n` for an Integer `n`.
pub(crate) fn td_mul_int(td: &Timedelta, n: &BigInt) -> Result<Timedelta, ValueError> {
    big_to_td(BigInt::from(td.total_micros()) * n)
}

/// `td * f`, rounded half to even to the microsecond (Python).
pub(crate) fn td_mul_float(td: &Timedelta, f: f64) -> Result<Timedelta, ValueError> {
    let (num, den) = float_ratio(f)?;
    big_to_td(div_round_half_even(BigInt::from(td.total_micros()) * num, den))
}

/// `td / n` for an Integer `n` (not zero), rounded half to even.
pub(crate) fn td_div_int(td: &Timedelta, n: &BigInt) -> Result<Timedelta, ValueError> {
    if n.is_zero() {
        return Err(ValueError::DivisionByZero);
    }
    big_to_td(div_round_half_even(BigInt::from(td.total_micros()), n.clone()))
}

/// `td / f`, rounded half to even.
pub(crate) fn td_div_float(td: &Timedelta, f: f64) -> Result<Timedelta, ValueError> {
    if f == 0.0 {
        return Err(ValueError::DivisionByZero);
    }
    let (num, den) = float_ratio(f)?;
    big_to_td(div_round_half_even(BigInt::from(td.total_micros()) * den, num))
}

/// `a / b` as a Float.
pub(crate) fn td_div_td(a: &Timedelta, b: &Timedelta) -> Result<f64, ValueError> {
    let d = b.total_micros();
    if d == 0 {
        return Err(ValueError::DivisionByZero);
    }
    Ok(a.total_micros() as f64 / d as f64)
}

/// A big number of microseconds as a Timedelta.
fn big_to_td(micros: BigInt) -> Result<Timedelta, ValueError> {
    let m = micros.to_i128().ok_or(ValueError::TimedeltaOutOfRange)?;
    Timedelta::from_micros(m)
}

/// The exact ratio `num / den` (den > 0) of a finite float.
fn float_ratio(f: f64) -> Result<(BigInt, BigInt), ValueError> {
    if !f.is_finite() {
        return Err(ValueError::TimedeltaOutOfRange);
    }
    let (mantissa, exponent, sign) = f.integer_decode();
    let mut num = BigInt::from(mantissa) * i64::from(sign);
    let mut den = BigInt::from(1u8);
    if exponent >= 0 {
        num <<= exponent as usize;
    } else {
        den <<= exponent.unsigned_abs() as usize;
    }
    Ok((num, den))
}

/// `num / den` rounded half to even (`den` not zero).
fn div_round_half_even(num: BigInt, den: BigInt) -> BigInt {
    let (num, den) = if den.is_negative() { (-num, -den) } else { (num, den) };
    let (q, r) = num.div_mod_floor(&den);
    let twice = r * 2u8;
    if twice > den || (twice == den && q.is_odd()) {
        q + 1u8
    } else {
        q
    }
}

/// Whether a civil year is one Python's `datetime` accepts.
fn check_year(year: i16) -> Result<(), ValueError> {
    if (1..=9999).contains(&year) {
        Ok(())
    } else {
        Err(ValueError::DateOutOfRange)
    }
}

/// `dt + td`: the instant moved by the duration, in the same zone.
pub(crate) fn datetime_add(dt: &Zoned, td: &Timedelta) -> Result<Zoned, ValueError> {
    let out = dt
        .checked_add(td.to_signed_duration())
        .map_err(|_| ValueError::DateOutOfRange)?;
    check_year(out.year())?;
    Ok(out)
}

/// `dt - td`.
pub(crate) fn datetime_sub(dt: &Zoned, td: &Timedelta) -> Result<Zoned, ValueError> {
    let neg = td_neg(td)?;
    datetime_add(dt, &neg)
}

/// `a - b` for two Datetimes: the difference of the instants.
pub(crate) fn datetime_diff(a: &Zoned, b: &Zoned) -> Result<Timedelta, ValueError> {
    let micros = (a.timestamp().as_nanosecond() - b.timestamp().as_nanosecond()).div_euclid(1000);
    Timedelta::from_micros(micros)
}

/// `d + td`: only the days count (Python).
pub(crate) fn date_add(d: Date, td: &Timedelta) -> Result<Date, ValueError> {
    let out = d
        .checked_add(
            jiff::Span::new()
                .try_days(td.days)
                .map_err(|_| ValueError::DateOutOfRange)?,
        )
        .map_err(|_| ValueError::DateOutOfRange)?;
    check_year(out.year())?;
    Ok(out)
}

/// `d - td`: `d + timedelta(-td.days)` (Python).
pub(crate) fn date_sub(d: Date, td: &Timedelta) -> Result<Date, ValueError> {
    let neg = Timedelta::from_parts(-td.days, 0, 0)?;
    date_add(d, &neg)
}

/// `a - b` for two Dates, in whole days.
pub(crate) fn date_diff(a: Date, b: Date) -> Result<Timedelta, ValueError> {
    let days = a.duration_since(b).as_secs().div_euclid(86_400);
    Timedelta::from_parts(days, 0, 0)
}

/// Appends `.ffffff` when the microseconds are not zero.
fn push_micros(out: &mut String, subsec_nanos: i32) {
    let micros = subsec_nanos / 1000;
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
}

/// The string form of a Datetime: `2024-01-02 03:04:05[.ffffff]` in its
/// own zone.
pub(crate) fn datetime_form(dt: &Zoned) -> String {
    let mut out = format!(
        "{} {:02}:{:02}:{:02}",
        date_form(dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    push_micros(&mut out, dt.subsec_nanosecond());
    out
}

/// The string form of a Date: `2024-01-02`.
pub(crate) fn date_form(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The string form of a Time: `03:04:05[.ffffff]`.
pub(crate) fn time_form(t: Time) -> String {
    let mut out = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    push_micros(&mut out, t.subsec_nanosecond());
    out
}
