//! Dates and times (`stdlib.md` 3, 4.6–4.9); expected values are Python's
//! `datetime`. The test context's local zone is UTC+9.

mod common;
use common::*;
use jobflow_vm::Value;

fn dt(text: &str, fmt: Option<&str>) -> Result<Value, jobflow_vm::native::NativeError> {
    let mut args = vec![s(text)];
    if let Some(f) = fmt {
        args.push(s(f));
    }
    call("datetime", &args)
}

fn form(r: Result<Value, jobflow_vm::native::NativeError>) -> String {
    match r {
        Ok(v) => v.to_str_form(),
        Err(e) => format!("error: {}", e.detail),
    }
}

#[test]
fn datetime_with_formats() {
    let cases = [
        ("2024-03-05 14:07:09", "%Y-%m-%d %H:%M:%S", "2024-03-05 14:07:09"),
        ("05/Mar/24 2:07 pm", "%d/%b/%y %I:%M %p", "2024-03-05 14:07:00"),
        ("2024年3月5日", "%Y年%m月%d日", "2024-03-05 00:00:00"),
        ("2024-065", "%Y-%j", "2024-03-05 00:00:00"),
        ("  2024 march   5", "  %Y %B %d", "2024-03-05 00:00:00"),
        ("1.5", "%S.%f", "1900-01-01 00:00:01.500000"),
        // 01:02:03+05:30 is 04:32:03 at UTC+9.
        ("2024-03-05T01:02:03+0530", "%Y-%m-%dT%H:%M:%S%z", "2024-03-05 04:32:03"),
        ("2024-02-30", "%Y-%m-%d", "error: invalid date and/or time: 2024-02-30"),
        (
            "2024-03-05x",
            "%Y-%m-%d",
            "error: invalid date and/or time: 2024-03-05x",
        ),
        ("2024-3", "%Y-%m-%d", "error: invalid date and/or time: 2024-3"),
    ];
    for (text, fmt, want) in cases {
        assert_eq!(form(dt(text, Some(fmt))), want, "{text:?} {fmt:?}");
    }
}

#[test]
fn datetime_default_forms() {
    let cases = [
        ("2024-03-05T14:07:09", "2024-03-05 14:07:09"),
        ("2024-03-05 14:07", "2024-03-05 14:07:00"),
        ("2024-03-05 14:07:09.5", "2024-03-05 14:07:09.500000"),
        ("2024-03-05T05:07:09Z", "2024-03-05 14:07:09"),
        ("2024-03-05T05:07:09+00:00", "2024-03-05 14:07:09"),
        ("2024-03-05", "2024-03-05 00:00:00"),
        ("03/05/2024", "2024-03-05 00:00:00"),
        ("03/05/24 1:02", "2024-03-05 01:02:00"),
        ("yesterday", "error: invalid date and/or time: yesterday"),
    ];
    for (text, want) in cases {
        assert_eq!(form(dt(text, None)), want, "{text:?}");
    }
    let utc = call_kw("datetime", &[s("2024-03-05 00:00")], &[("zone", s("UTC"))]);
    assert_eq!(form(utc), "2024-03-05 09:00:00");
    let bad = call_kw("datetime", &[s("2024-03-05 00:00")], &[("zone", s("Mars/Base"))]);
    assert_eq!(form(bad), "error: unknown time zone: Mars/Base");
    let d = call("date", &[s("2024-03-05")]).expect("date");
    let t = call("time", &[s("14:07")]).expect("time");
    assert_eq!(form(call("datetime", &[d, t])), "2024-03-05 14:07:00");
}

#[test]
fn date_time_timedelta() {
    assert_eq!(form(call("date", &[s("2024-03-05")])), "2024-03-05");
    assert_eq!(form(call("date", &[s("5.3.2024"), s("%d.%m.%Y")])), "2024-03-05");
    assert_eq!(
        form(call("date", &[s("2024/03/05")])),
        "error: invalid date and/or time: 2024/03/05"
    );
    assert_eq!(form(call("time", &[s("14:07:09.25")])), "14:07:09.250000");
    assert_eq!(
        form(call("time", &[s("25:00")])),
        "error: invalid date and/or time: 25:00"
    );
    let td = |kw: &[(&str, Value)]| form(call_kw("timedelta", &[], kw));
    assert_eq!(td(&[("days", i(1)), ("hours", Value::Float(-1.5))]), "23:00:00");
    assert_eq!(td(&[("days", i(-1)), ("seconds", i(1))]), "-1 day, 0:00:01");
    assert_eq!(td(&[("microseconds", Value::Float(1.9))]), "0:00:00.000001");
    let v = call_kw("timedelta", &[], &[("hours", Value::Float(1.5))]).expect("td");
    assert_eq!(show(prop(&v, "total_seconds")), "3600.0");
    let v = call_kw("timedelta", &[], &[("days", i(-1)), ("seconds", i(1))]).expect("td");
    assert_eq!(show(prop(&v, "days")), "-1");
    assert_eq!(show(prop(&v, "seconds")), "1");
}

#[test]
fn datetime_methods_and_properties() {
    let v = dt("2024-03-05 14:07:09.12", None).expect("dt");
    let f = method(
        &v,
        "format",
        &[s(
            "%Y-%m-%d %H:%M:%S.%f %z %a %A %b %B %p %I %j %w %U %W %c %x %X %y %%",
        )],
    );
    assert_eq!(
        show(f),
        "'2024-03-05 14:07:09.120000 +0900 Tue Tuesday Mar March PM 02 065 2 09 10 Tue Mar  5 14:07:09 2024 03/05/24 14:07:09 24 %'"
    );
    assert_eq!(show(method(&v, "isoformat", &[])), "'2024-03-05T05:07:09.120000Z'");
    let whole = dt("2024-01-01 00:00", None).expect("dt");
    assert_eq!(show(method(&whole, "isoformat", &[])), "'2023-12-31T15:00:00Z'");
    assert_eq!(
        show(method(&whole, "format", &[s("%U %W %j %I %p")])),
        "'00 01 001 12 AM'"
    );
    let props = [
        ("year", "2024"),
        ("month", "3"),
        ("day", "5"),
        ("hour", "14"),
        ("minute", "7"),
    ];
    for (name, want) in props {
        assert_eq!(show(prop(&v, name)), want, "{name}");
    }
    assert_eq!(show(prop(&v, "second")), "9");
    assert_eq!(show(prop(&v, "microsecond")), "120000");
    assert_eq!(show(prop(&v, "weekday")), "1");
    assert_eq!(form(prop(&v, "date")), "2024-03-05");
    assert_eq!(form(prop(&v, "time")), "14:07:09.120000");
    let d = call("date", &[s("2024-03-05")]).expect("date");
    assert_eq!(show(method(&d, "format", &[s("%d/%m/%Y %H")])), "'05/03/2024 00'");
    assert_eq!(show(prop(&d, "weekday")), "1");
}
