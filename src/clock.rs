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
