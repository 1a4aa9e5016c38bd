//! The one place that reads the wall clock.
//!
//! `PATCHCYCLE_NOW` (RFC 3339) fixes the clock, so tests, reports and audit hashes are
//! reproducible.

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, Utc};

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

/// A day (`YYYY-MM-DD`, its midnight UTC) or an RFC 3339 time, as flags like
/// `--since` and `--now` take them.
pub fn parse_day_or_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    parse(s)
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
