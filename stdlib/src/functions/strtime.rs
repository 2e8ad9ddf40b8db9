//! Python's `strftime`/`strptime` in the C locale (`stdlib.md` 3 and 4.6).
//!
//! Parsing builds the same regular expression Python's `_strptime` builds
//! (case-insensitive, whitespace in the format matching any run of
//! whitespace), takes the first match at the start of the input and fails
//! when text is left over, so the accepted inputs are Python's. Formatting
//! writes the directives of `stdlib.md` with C-locale names.

use fancy_regex::Regex;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// English day names, Monday first.
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// English month names, January first.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What `strptime` read: a civil date-time and, with `%z`, an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// The date and time of day (missing fields take Python's defaults:
    /// 1900-01-01 00:00:00).
    pub datetime: DateTime,
    /// The UTC offset given by `%z`.
    pub offset: Option<Offset>,
}

/// The regex fragment for one directive, or `None` for an unsupported one.
fn directive_regex(d: char) -> Option<String> {
    let names = |list: &[&str], abbreviated: bool| {
        list.iter()
            .map(|n| if abbreviated { n.get(..3).unwrap_or(n) } else { n })
            .collect::<Vec<_>>()
            .join("|")
    };
    let body = match d {
        'Y' => r"\d\d\d\d".to_owned(),
        'y' => r"\d\d".to_owned(),
        'm' => r"1[0-2]|0[1-9]|[1-9]".to_owned(),
        'd' => r"3[01]|[12]\d|0[1-9]|[1-9]| [1-9]".to_owned(),
        'H' => r"2[0-3]|[0-1]\d|\d".to_owned(),
        'I' => r"1[0-2]|0[1-9]|[1-9]".to_owned(),
        'M' => r"[0-5]\d|\d".to_owned(),
        'S' => r"6[0-1]|[0-5]\d|\d".to_owned(),
        'f' => r"[0-9]{1,6}".to_owned(),
        'j' => r"36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9]".to_owned(),
        'p' => "am|pm".to_owned(),
        'z' => r"[+-]\d\d:?[0-5]\d(?::?[0-5]\d(?:\.\d{1,6})?)?|Z".to_owned(),
        'Z' => "utc|gmt|[a-z]{3,5}".to_owned(),
        'b' => names(&MONTHS, true),
        'B' => names(&MONTHS, false),
        'a' => names(&DAYS, true),
        'A' => names(&DAYS, false),
        'w' => "[0-6]".to_owned(),
        _ => return None,
    };
    Some(format!("(?P<{}>{body})", group_name(d)))
}

/// A capture-group name for a directive (group names are ASCII words, and
/// upper- and lower-case directives must not collide).
fn group_name(d: char) -> String {
    if d.is_ascii_uppercase() {
        format!("u{}", d.to_ascii_lowercase())
    } else {
        format!("l{d}")
    }
}

/// The regex Python's `_strptime` builds for `format`, or `None` when the
/// format uses an unsupported directive or repeats one.
fn format_regex(format: &str) -> Option<Regex> {
    let mut out = String::from("(?i)^");
    let mut seen = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            let d = chars.next()?;
            if d == '%' {
                out.push('%');
                continue;
            }
            if seen.contains(&d) {
                return None;
            }
            seen.push(d);
            out.push_str(&directive_regex(d)?);
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push_str(r"\s+");
        } else {
            out.push_str(&fancy_regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    Regex::new(&out).ok()
}

/// Parses `input` with the strftime-style `format`, as Python's
/// `datetime.strptime`. `None` when it does not match or names an invalid
/// date (Python's years are 1..9999). `%Z` accepts what Python's does:
/// `UTC`, `GMT` and the abbreviations of `local` (standard and summer
/// time), in any case; like Python, the name does not change the result.
pub(crate) fn strptime(input: &str, format: &str, local: &TimeZone) -> Option<Parsed> {
    let re = format_regex(format)?;
    let caps = re.captures(input).ok()??;
    if caps.get(0)?.end() != input.len() {
        return None;
    }
    let num = |d: char| -> Option<Option<i64>> {
        match caps.name(&group_name(d)) {
            Some(m) => m.as_str().trim().parse().ok().map(Some),
            None => Some(None),
        }
    };
    let text = |d: char| caps.name(&group_name(d)).map(|m| m.as_str().to_ascii_lowercase());
    if let Some(name) = text('Z') {
        if name != "utc" && name != "gmt" && !zone_names(local).contains(&name) {
            return None;
        }
    }
    let mut year = num('Y')?.unwrap_or(1900);
    if let Some(y) = num('y')? {
        year = if y <= 68 { 2000 + y } else { 1900 + y };
    }
    if year < 1 {
        return None;
    }
    let find_name = |list: &[&str], d: char, abbreviated: bool| -> Option<i64> {
        let t = text(d)?;
        list.iter()
            .position(|n| {
                let n = if abbreviated { n.get(..3).unwrap_or(n) } else { n };
                n.eq_ignore_ascii_case(&t)
            })
            .and_then(|i| i64::try_from(i + 1).ok())
    };
    let mut month = num('m')?.unwrap_or(1);
    if let Some(m) = find_name(&MONTHS, 'B', false).or_else(|| find_name(&MONTHS, 'b', true)) {
        month = m;
    }
    let day = num('d')?.unwrap_or(1);
    let mut hour = num('H')?.unwrap_or(0);
    if let Some(h12) = num('I')? {
        let pm = text('p').is_some_and(|p| p == "pm");
        hour = if pm { h12 % 12 + 12 } else { h12 % 12 };
    }
    let minute = num('M')?.unwrap_or(0);
    // Python accepts 60 and 61 for leap seconds in the regex and then
    // refuses them when building the datetime.
    let second = num('S')?.unwrap_or(0);
    let micro = match caps.name(&group_name('f')) {
        Some(m) => {
            let digits = m.as_str();
            let padded = format!("{digits:0<6}");
            padded.parse::<i64>().ok()?
        }
        None => 0,
    };
    let offset = match caps.name(&group_name('z')) {
        Some(m) => Some(parse_offset(m.as_str())?),
        None => None,
    };
    let date = match num('j')? {
        Some(yday) => Date::new(i16::try_from(year).ok()?, 1, 1)
            .ok()?
            .checked_add(jiff::Span::new().days(yday - 1))
            .ok()?,
        _ => Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()?,
    };
    let time = Time::new(
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        i32::try_from(micro * 1000).ok()?,
    )
    .ok()?;
    Some(Parsed {
        datetime: DateTime::from_parts(date, time),
        offset,
    })
}

/// The abbreviations of `tz` in lower case, as Python's `time.tzname`:
/// those in force on 1 January and 1 July of this year (standard and summer
/// time, in either hemisphere).
fn zone_names(tz: &TimeZone) -> Vec<String> {
    let year = Timestamp::now().to_zoned(tz.clone()).year();
    [1, 7]
        .into_iter()
        .filter_map(|month| Date::new(year, month, 1).ok()?.to_zoned(tz.clone()).ok())
        .map(|z| tz.to_offset_info(z.timestamp()).abbreviation().to_ascii_lowercase())
        .collect()
}

/// Parses `Z`, `±hh[:]mm[[:]ss[.ffffff]]`.
pub(crate) fn parse_offset(text: &str) -> Option<Offset> {
    if text.eq_ignore_ascii_case("z") {
        return Some(Offset::UTC);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, text.get(1..)?),
        b'-' => (-1, text.get(1..)?),
        _ => return None,
    };
    let digits: String = rest
        .chars()
        .take_while(|c| *c != '.')
        .filter(char::is_ascii_digit)
        .collect();
    let field = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i32>().ok());
    let hours = field(0..2)?;
    let minutes = field(2..4)?;
    let seconds = if digits.len() >= 6 { field(4..6)? } else { 0 };
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60 + seconds)).ok()
}

/// What `strftime` formats: a date-time, with an offset and a zone
/// abbreviation when it is an instant.
pub(crate) struct Broken<'a> {
    /// The civil date and time.
    pub datetime: DateTime,
    /// The UTC offset (`%z`), if known.
    pub offset: Option<Offset>,
    /// The zone abbreviation (`%Z`), if known.
    pub zone: Option<&'a str>,
}

/// Formats `t` with `format` as Python's `strftime` does on glibc in the C
/// locale. Unknown directives are written as they are.
pub(crate) fn strftime(format: &str, t: &Broken<'_>) -> String {
    use std::fmt::Write as _;
    let dt = t.datetime;
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.chars();
    let weekday = dt.weekday();
    let day_name = DAYS
        .get(usize::try_from(weekday.to_monday_zero_offset()).unwrap_or(0))
        .unwrap_or(&"");
    let month_name = MONTHS.get(usize::try_from(dt.month() - 1).unwrap_or(0)).unwrap_or(&"");
    let h12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        // Writing to a String cannot fail.
        let _ = match d {
            'Y' => write!(out, "{:04}", dt.year()),
            'y' => write!(out, "{:02}", dt.year().rem_euclid(100)),
            'm' => write!(out, "{:02}", dt.month()),
            'd' => write!(out, "{:02}", dt.day()),
            'e' => write!(out, "{:2}", dt.day()),
            'H' => write!(out, "{:02}", dt.hour()),
            'I' => write!(out, "{h12:02}"),
            'M' => write!(out, "{:02}", dt.minute()),
            'S' => write!(out, "{:02}", dt.second()),
            'f' => write!(out, "{:06}", dt.subsec_nanosecond() / 1000),
            'p' => write!(out, "{}", if dt.hour() < 12 { "AM" } else { "PM" }),
            'j' => write!(out, "{:03}", dt.day_of_year()),
            'a' => write!(out, "{}", day_name.get(..3).unwrap_or(day_name)),
            'A' => write!(out, "{day_name}"),
            'b' | 'h' => write!(out, "{}", month_name.get(..3).unwrap_or(month_name)),
            'B' => write!(out, "{month_name}"),
            'w' => write!(out, "{}", weekday.to_sunday_zero_offset()),
            'U' => write!(out, "{:02}", week_number(dt.date(), Weekday::Sunday)),
            'W' => write!(out, "{:02}", week_number(dt.date(), Weekday::Monday)),
            'c' => write!(
                out,
                "{} {} {:2} {:02}:{:02}:{:02} {:04}",
                day_name.get(..3).unwrap_or(day_name),
                month_name.get(..3).unwrap_or(month_name),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                dt.year()
            ),
            'x' | 'D' => write!(
                out,
                "{:02}/{:02}/{:02}",
                dt.month(),
                dt.day(),
                dt.year().rem_euclid(100)
            ),
            'X' | 'T' => write!(out, "{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
            'F' => write!(out, "{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day()),
            'R' => write!(out, "{:02}:{:02}", dt.hour(), dt.minute()),
            'z' => match t.offset {
                Some(o) => {
                    let secs = o.seconds();
                    let sign = if secs < 0 { '-' } else { '+' };
                    let a = secs.abs();
                    let r = write!(out, "{sign}{:02}{:02}", a / 3600, a % 3600 / 60);
                    if a % 60 != 0 {
                        let _ = write!(out, "{:02}", a % 60);
                    }
                    r
                }
                None => Ok(()),
            },
            'Z' => write!(out, "{}", t.zone.unwrap_or("")),
            'n' => {
                out.push('\n');
                Ok(())
            }
            't' => {
                out.push('\t');
                Ok(())
            }
            '%' => {
                out.push('%');
                Ok(())
            }
            other => write!(out, "%{other}"),
        };
    }
    out
}

/// The week of the year with weeks starting on `first` (`%U`, `%W`): days
/// before the first such weekday of the year are in week 0.
fn week_number(date: Date, first: Weekday) -> i16 {
    let yday = date.day_of_year() - 1;
    let offset = match first {
        Weekday::Sunday => date.weekday().to_sunday_zero_offset(),
        _ => date.weekday().to_monday_zero_offset(),
    };
    (yday + 7 - i16::from(offset)) / 7
}
