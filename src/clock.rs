//! The one place that reads the wall clock.
//!
//! `PATCHCYCLE_NOW` (RFC 3339) fixes the clock, so tests, reports and audit hashes are
//! reproducible.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::Failure;

/// The current time, or the time fixed by `PATCHCYCLE_NOW`.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var("PATCHCYCLE_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                Failure::usage(format!("PATCHCYCLE_NOW={s:?} is not an RFC 3339 time: {e}"))
            })
            .context("reading the clock"),
        _ => Ok(Utc::now()),
    }
}

/// Timestamps are stored as RFC 3339 UTC with second precision: sortable as text.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored (or user-given) RFC 3339 time, in UTC.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A day (`YYYY-MM-DD`, its midnight UTC) or an RFC 3339 time. Date flags use
/// [`parse_date_flag`] instead, which knows the configured time zone and relative forms.
pub fn parse_day_or_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    parse(s)
}

/// Which way a date flag points: `--since` looks back, `--expires` and `--until` ahead.
/// It decides both what a relative form counts (`7d` ago, or in 7 days) and which end of
/// a date-only day is meant (its start, or its end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    Past,
    Future,
}

/// Longest relative span a flag takes (`520w`): ten years.
const MAX_RELATIVE_DAYS: i64 = 3660;

/// The one parser of date flags (`--expires`, `--until`, `--since`, `--now`). It takes:
/// - a day, `YYYY-MM-DD`, meaning that whole day in `zone`: toward the future it lasts
///   through the day's end (the next day's start), toward the past it begins at the
///   day's start;
/// - a relative span `Nh`, `Nd` or `Nw` (hours, days, weeks) from `now`, back toward the
///   past and ahead toward the future;
/// - an exact RFC 3339 time.
///
/// The result is an exact instant, stored as RFC 3339 UTC; [`show_until`] shows a day's
/// end as the day the user gave.
pub fn parse_date_flag(
    flag: &str,
    text: &str,
    toward: Toward,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Failure> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = match toward {
            Toward::Past => Some(day),
            Toward::Future => day.succ_opt(),
        };
        if let Some(at) = day.and_then(|d| day_start(d, zone)) {
            return Ok(at);
        }
    } else if let Some(span) = relative_span(text) {
        let span = span?;
        let at = match toward {
            Toward::Past => now.checked_sub_signed(span),
            Toward::Future => now.checked_add_signed(span),
        };
        if let Some(at) = at {
            return Ok(at);
        }
    } else if let Some(at) = parse(text) {
        return Ok(at);
    }
    let example = match toward {
        Toward::Past => "7d (ago)",
        Toward::Future => "30d (from now)",
    };
    Err(Failure::usage(format!("{flag} {text:?} is not a date"))
        .hint(format!(
            "give a day (YYYY-MM-DD, in {zone}), a span such as {example}, 12h or 2w, or an RFC 3339 time"
        )))
}

/// `Nh`, `Nd`, `Nw`: `None` when `text` does not have that shape, an error when the
/// number is zero or beyond [`MAX_RELATIVE_DAYS`].
fn relative_span(text: &str) -> Option<Result<Duration, Failure>> {
    let unit = text.chars().last()?;
    let hours_per_unit: i64 = match unit {
        'h' => 1,
        'd' => 24,
        'w' => 24 * 7,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let too_long = || {
        Failure::usage(format!(
            "{text} is longer than {MAX_RELATIVE_DAYS} days; give a date instead"
        ))
    };
    let Ok(n) = digits.parse::<i64>() else {
        return Some(Err(too_long()));
    };
    if n == 0 {
        return Some(Err(Failure::usage(format!(
            "{text} is no time at all; give a span of at least 1{unit}"
        ))));
    }
    match n.checked_mul(hours_per_unit) {
        Some(hours) if hours <= MAX_RELATIVE_DAYS * 24 => Some(Ok(Duration::hours(hours))),
        _ => Some(Err(too_long())),
    }
}

/// The first instant of `day` in `zone`. Where a clock change skips midnight (it did in
/// some zones), the day starts at the first local time that exists.
pub fn day_start(day: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    (0..=3)
        .find_map(|h| {
            zone.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// How an end time (`expires`, `deferred until`) reads: the day the user gave
/// (`2026-12-31`) when it is the end of that day in `zone`, the exact UTC time otherwise
/// (`--expires 36h`).
pub fn show_until(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone).date_naive();
    let last_day = local.pred_opt();
    match last_day {
        Some(d) if day_start(local, zone) == Some(at) => d.format("%Y-%m-%d").to_string(),
        _ => stamp(at),
    }
}

/// [`show_until`] for a stored RFC 3339 text; text that does not parse is shown as it is.
pub fn show_stored_until(stored: &str, zone: Tz) -> String {
    parse(stored).map_or_else(|| stored.to_string(), |t| show_until(t, zone))
}

/// `stamp(now())`.
pub fn now_stamp() -> Result<String> {
    Ok(stamp(now()?))
}

/// How long ago `then` was, for people: "just now", "42 s ago", "5 min ago", "3 h ago",
/// "12 d ago"; a time in the future (a skewed clock) says "in 3 h".
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let amount = match n {
        0..=9 => return "just now".into(),
        10..=59 => format!("{n} s"),
        60..=3599 => format!("{} min", n / 60),
        3600..=172_799 => format!("{} h", n / 3600),
        _ => format!("{} d", n / 86_400),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod date_flag_tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        parse(s).expect("an RFC 3339 time")
    }

    fn flag(text: &str, toward: Toward, zone: &str) -> Result<String, String> {
        let zone: Tz = zone.parse().expect("a zone");
        parse_date_flag("--expires", text, toward, zone, at("2026-11-10T09:00:00Z"))
            .map(stamp)
            .map_err(|f| format!("{} / {}", f.message, f.hint.unwrap_or_default()))
    }

    #[test]
    fn a_day_is_the_whole_day_in_the_zone() {
        use Toward::*;
        // Through the end of the day: the next day's start, there.
        assert_eq!(
            flag("2026-12-31", Future, "UTC"),
            Ok("2027-01-01T00:00:00Z".into())
        );
        assert_eq!(
            flag("2026-12-31", Future, "Europe/Berlin"),
            Ok("2026-12-31T23:00:00Z".into())
        );
        // Summer time: Berlin is two hours ahead.
        assert_eq!(
            flag("2026-07-01", Future, "Europe/Berlin"),
            Ok("2026-07-01T22:00:00Z".into())
        );
        assert_eq!(
            flag("2026-11-03", Past, "America/New_York"),
            Ok("2026-11-03T05:00:00Z".into())
        );
        assert_eq!(
            flag("2026-11-03", Past, "UTC"),
            Ok("2026-11-03T00:00:00Z".into())
        );
    }

    #[test]
    fn relative_spans_count_from_now() {
        use Toward::*;
        assert_eq!(
            flag("30d", Future, "Europe/Berlin"),
            Ok("2026-12-10T09:00:00Z".into())
        );
        assert_eq!(flag("7d", Past, "UTC"), Ok("2026-11-03T09:00:00Z".into()));
        assert_eq!(flag("2w", Future, "UTC"), Ok("2026-11-24T09:00:00Z".into()));
        assert_eq!(flag("12h", Past, "UTC"), Ok("2026-11-09T21:00:00Z".into()));
        assert_eq!(
            flag("2026-11-20T12:00:00+01:00", Future, "UTC"),
            Ok("2026-11-20T11:00:00Z".into())
        );
    }

    #[test]
    fn bad_dates_say_what_is_accepted() {
        let hint = "give a day (YYYY-MM-DD, in UTC), a span such as 30d (from now), 12h or 2w, or an RFC 3339 time";
        assert_eq!(
            flag("tomorrow", Toward::Future, "UTC"),
            Err(format!("--expires \"tomorrow\" is not a date / {hint}"))
        );
        assert_eq!(
            flag("2026-02-30", Toward::Future, "UTC"),
            Err(format!("--expires \"2026-02-30\" is not a date / {hint}"))
        );
        assert_eq!(
            flag("0d", Toward::Future, "UTC"),
            Err("0d is no time at all; give a span of at least 1d / ".into())
        );
        assert_eq!(
            flag("99999999999999999999w", Toward::Future, "UTC"),
            Err("99999999999999999999w is longer than 3660 days; give a date instead / ".into())
        );
        assert_eq!(
            flag("600w", Toward::Past, "UTC"),
            Err("600w is longer than 3660 days; give a date instead / ".into())
        );
    }

    #[test]
    fn a_days_end_is_shown_as_that_day() {
        let berlin: Tz = "Europe/Berlin".parse().expect("zone");
        assert_eq!(show_until(at("2026-12-31T23:00:00Z"), berlin), "2026-12-31");
        assert_eq!(
            show_until(at("2027-01-01T00:00:00Z"), Tz::UTC),
            "2026-12-31"
        );
        // Not a day's end there: the exact time.
        assert_eq!(
            show_until(at("2027-01-01T00:00:00Z"), berlin),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            show_until(at("2026-12-10T09:00:00Z"), Tz::UTC),
            "2026-12-10T09:00:00Z"
        );
        assert_eq!(show_stored_until("garbage", Tz::UTC), "garbage");
    }
}

#[cfg(test)]
mod ago_tests {
    use super::*;

    #[test]
    fn ago_reads_like_a_person() {
        let now = parse("2026-12-06T12:00:00Z").unwrap();
        let at = |s: &str| ago(parse(s).unwrap(), now);
        assert_eq!(at("2026-12-06T11:59:55Z"), "just now");
        assert_eq!(at("2026-12-06T11:59:18Z"), "42 s ago");
        assert_eq!(at("2026-12-06T11:55:00Z"), "5 min ago");
        assert_eq!(at("2026-12-06T09:00:00Z"), "3 h ago");
        assert_eq!(at("2026-12-04T12:00:01Z"), "47 h ago");
        assert_eq!(at("2026-06-06T12:00:00Z"), "183 d ago");
        assert_eq!(at("2026-12-06T15:00:00Z"), "in 3 h");
    }
}
