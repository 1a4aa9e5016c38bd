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

/// `stamp(now())`.
pub fn now_stamp() -> Result<String> {
    Ok(stamp(now()?))
}
