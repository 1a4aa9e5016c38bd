//! Maintenance windows: the text a group keeps in `--window`, parsed into a [`Window`]
//! whose occurrences can be computed.
//!
//! Forms (case-insensitive, the time zone is optional and defaults to UTC):
//!
//! - `Patch Tuesday 22:00-02:00 Europe/Berlin`, `Patch Tuesday +2d 22:00-02:00 …`,
//!   `Patch Tuesday + 2 days 22:00-02:00 …`: Patch Tuesday is the second Tuesday of the
//!   month, the offset moves the window that many days later.
//! - `Sat 01:00-05:00 Europe/Berlin`, `Mon,Wed 22:00-23:30 …`: weekly, on those weekdays.
//! - `daily 23:00-01:00 UTC`: every day.
//! - `RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h Europe/Berlin`: an RFC 5545
//!   recurrence rule (evaluated by the `rrule` crate) choosing the days, a start time and a
//!   duration. The rule picks dates only (FREQ=DAILY or coarser, no BYHOUR/BYMINUTE/
//!   BYSECOND); it is anchored at DTSTART 2000-01-01, which decides what a rule leaves open
//!   (FREQ=WEEKLY without BYDAY means Saturdays, INTERVAL=2 counts from that week).
//!
//! A window whose end is not after its start ends the next day; a duration (RRULE form)
//! is exact elapsed time from the start. Start and end are wall
//! times in the window's zone, converted to UTC each day, so a window keeps its local hours
//! across daylight saving changes (and lasts an hour more or less on the night of one).
//! A local time that does not exist (the spring-forward gap) becomes the first instant
//! after the gap; one that exists twice (fall back) becomes the earlier instant. A window
//! whose start falls in the gap opens when the clocks jump (as cron runs a job of the
//! skipped hour then) and lasts its full wall-clock length from there: `02:00-03:00` on the
//! night Berlin skips 02:00–03:00 runs 03:00–04:00, not zero minutes.
//!
//! A window must open within [`HORIZON_YEARS`] of the time it is set (a rule such as
//! `BYMONTH=2;BYMONTHDAY=30`, `COUNT=1` in the past or `UNTIL` in 2000 never does), and
//! occurrences are computed only up to [`last_instant`], so every date shown or written
//! to iCalendar has a four-digit year.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime};
use chrono::{TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The largest `Patch Tuesday +Nd` offset: a window belongs to its month's cycle.
pub const MAX_OFFSET_DAYS: u32 = 27;

/// On which local dates a window opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    /// Patch Tuesday (second Tuesday of the month) plus `offset_days`.
    PatchTuesday { offset_days: u32 },
    /// Every week on these days (in calendar order, no duplicates).
    Weekly { days: Vec<Weekday> },
    /// Every day.
    Daily,
    /// The dates an RFC 5545 RRULE (the text after `RRULE:`) yields.
    Rule { rrule: String },
}

/// When a window closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// At this local wall time; on the next day when not after the start.
    At(NaiveTime),
    /// This long after the start (exact elapsed time).
    After(TimeDelta),
}

/// The DTSTART every RRULE is anchored at (see the module documentation).
const RRULE_ANCHOR: &str = "DTSTART:20000101T120000Z";

/// The longest window the RRULE form accepts: occurrences must not overlap days.
const MAX_RRULE_DURATION_HOURS: i64 = 24;

/// A window must open within this many years of being set.
pub const HORIZON_YEARS: u32 = 5;

/// No occurrence ending after this instant (9999-12-30T00:00:00Z) is computed: with the
/// widest UTC offsets (±14 h) its local dates stay in year 9999, the last one RFC 5545's
/// DATE-TIME and RFC 3339 can write.
pub fn last_instant() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 30)
        .unwrap_or(NaiveDate::MAX)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// A parsed maintenance window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub recurrence: Recurrence,
    /// Local wall time the window opens.
    pub start: NaiveTime,
    /// When the window closes.
    pub end: End,
    pub zone: Tz,
}

/// The second Tuesday of the month, when Microsoft and many vendors release patches.
pub fn patch_tuesday(year: i32, month: u32) -> NaiveDate {
    // The 8th to the 14th always hold exactly one Tuesday; `from_weekday_of_month_opt`
    // only fails for an invalid year/month, which callers never pass.
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Tue, 2).unwrap_or(NaiveDate::MIN)
}

impl Window {
    /// Parses a window's text; the error names the part that is wrong.
    pub fn parse(text: &str) -> Result<Window, String> {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        if tokens
            .first()
            .is_some_and(|t| t.to_ascii_uppercase().starts_with("RRULE:"))
        {
            return parse_rrule_form(&tokens);
        }
        let Some(range_at) = tokens.iter().position(|t| looks_like_range(t)) else {
            return Err(format!(
                "window {text:?} has no time range: expected HH:MM-HH:MM, e.g. 22:00-02:00"
            ));
        };
        let (start, end) = parse_range(tokens[range_at])?;
        let zone = match &tokens[range_at + 1..] {
            [] => Tz::UTC,
            [zone] => parse_zone(zone)?,
            more => {
                return Err(format!(
                    "unexpected {:?} after the time zone",
                    more[1..].join(" ")
                ));
            }
        };
        let recurrence = parse_recurrence(&tokens[..range_at])?;
        Ok(Window {
            recurrence,
            start,
            end: End::At(end),
            zone,
        })
    }

    /// Whether the window opens on this local date.
    fn opens_on(&self, date: NaiveDate) -> bool {
        match &self.recurrence {
            Recurrence::Daily => true,
            Recurrence::Weekly { days } => days.contains(&date.weekday()),
            Recurrence::PatchTuesday { offset_days } => date
                .checked_sub_days(Days::new(u64::from(*offset_days)))
                .is_some_and(|base| base == patch_tuesday(base.year(), base.month())),
            // Rules are walked by `rule_dates`, never day by day.
            Recurrence::Rule { .. } => false,
        }
    }

    /// The occurrence opening on a local date, in UTC.
    fn occurrence_on(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let local_start = date.and_time(self.start);
        let start = resolve_local(self.zone, local_start)?;
        let start_in_gap = matches!(
            self.zone.from_local_datetime(&local_start),
            LocalResult::None
        );
        let end = match self.end {
            End::At(end) => {
                let end_date = if end > self.start {
                    date
                } else {
                    date.succ_opt()?
                };
                let local_end = end_date.and_time(end);
                if start_in_gap {
                    // Opened late, when the clocks jumped: the full wall-clock length from
                    // there (the gap swallowed the start, it must not swallow the window).
                    start.checked_add_signed(local_end - local_start)?
                } else {
                    resolve_local(self.zone, local_end)?
                }
            }
            End::After(length) => start.checked_add_signed(length)?,
        };
        Some((start, end)).filter(|(_, end)| *end <= last_instant())
    }

    /// Up to `n` dates from `first` on that the window's RRULE yields (empty for other
    /// forms).
    fn rule_dates(&self, first: NaiveDate, n: usize) -> Vec<NaiveDate> {
        let Recurrence::Rule { rrule } = &self.recurrence else {
            return Vec::new();
        };
        let Ok(set) = rrule_set(rrule) else {
            return Vec::new();
        };
        // The anchor's 12:00 UTC time of day is carried by every date; starting the search
        // at 00:00 of `first` therefore includes `first` itself.
        let from = first.and_time(NaiveTime::MIN).and_utc();
        let limit = u16::try_from(n).unwrap_or(u16::MAX);
        set.after(from.with_timezone(&rrule::Tz::UTC))
            .before(last_instant().with_timezone(&rrule::Tz::UTC))
            .all(limit)
            .dates
            .iter()
            .map(|d| d.date_naive())
            .collect()
    }

    /// The first `n` occurrences (start, end) that have not ended at `after`, in order: an
    /// occurrence under way at `after` is the first. Start is inclusive, end exclusive.
    pub fn occurrences_after(
        &self,
        after: DateTime<Utc>,
        n: usize,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::with_capacity(n.min(1024));
        // Start a day early: an occurrence that opened yesterday may still be running.
        let Some(mut date) = after
            .with_timezone(&self.zone)
            .date_naive()
            .checked_sub_days(Days::new(1))
        else {
            return out;
        };
        if let Recurrence::Rule { .. } = self.recurrence {
            // The rule may yield the day before and the day of `after`, both already over.
            for day in self.rule_dates(date, n.saturating_add(2)) {
                if out.len() >= n {
                    break;
                }
                if let Some((start, end)) = self.occurrence_on(day)
                    && end > after
                {
                    out.push((start, end));
                }
            }
            return out;
        }
        // Consecutive occurrences are at most 35 days apart (Patch Tuesdays), so this many
        // days always find `n` of them; the bound only guards against a bug looping on.
        let max_days = 2 + 36 * (n as u64 + 1);
        for _ in 0..max_days {
            if out.len() >= n {
                break;
            }
            if self.opens_on(date)
                && let Some((start, end)) = self.occurrence_on(date)
                && end > after
            {
                out.push((start, end));
            }
            match date
                .succ_opt()
                .filter(|d| d.and_time(NaiveTime::MIN).and_utc() < last_instant())
            {
                Some(next) => date = next,
                None => break,
            }
        }
        out
    }

    /// Refuses a window that does not open within [`HORIZON_YEARS`] of `now`: a rule that
    /// never yields a date again (`BYMONTH=2;BYMONTHDAY=30`, `COUNT=1` or `UNTIL` in the
    /// past) would otherwise be accepted and then vanish from every calendar.
    pub fn check_opens(&self, now: DateTime<Utc>) -> Result<(), String> {
        let horizon = now
            .checked_add_months(chrono::Months::new(12 * HORIZON_YEARS))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .min(last_instant());
        match self.occurrences_after(now, 1).first() {
            Some((start, _)) if *start <= horizon => Ok(()),
            Some((start, end)) => Err(format!(
                "the window first opens {}, more than {HORIZON_YEARS} years ahead",
                self.show_occurrence(*start, *end)
            )),
            None => Err(format!(
                "the window never opens after {}",
                now.format("%Y-%m-%d")
            )),
        }
    }

    /// An occurrence as people read it: in the window's own zone, with the weekday,
    /// `Tue 2026-12-08 22:00–02:00 Europe/Berlin`. An end that is not on the same day, or
    /// earlier on the next, carries its own weekday and date.
    pub fn show_occurrence(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
        let (s, e) = (
            start.with_timezone(&self.zone),
            end.with_timezone(&self.zone),
        );
        let same_day = e.date_naive() == s.date_naive();
        let next_morning = s.date_naive().succ_opt() == Some(e.date_naive()) && e.time() < s.time();
        let end_text = if same_day || next_morning {
            e.format("%H:%M").to_string()
        } else {
            e.format("%a %Y-%m-%d %H:%M").to_string()
        };
        format!(
            "{}–{end_text} {}",
            s.format("%a %Y-%m-%d %H:%M"),
            self.zone.name()
        )
    }

    /// The occurrence under way at `now`, or else the next one, as [`Window::show_occurrence`]
    /// shows it.
    pub fn show_next(&self, now: DateTime<Utc>) -> Option<String> {
        self.occurrences_after(now, 1)
            .first()
            .map(|(start, end)| self.show_occurrence(*start, *end))
    }

    /// Whether `t` lies inside an occurrence (start inclusive, end exclusive), including
    /// one that opened the day before.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.occurrences_after(t, 1)
            .first()
            .is_some_and(|(start, _)| *start <= t)
    }
}

/// `RRULE:… HH:MM DURATION [ZONE]`.
fn parse_rrule_form(tokens: &[&str]) -> Result<Window, String> {
    let usage = "expected RRULE:FREQ=…;… HH:MM DURATION [ZONE], e.g. RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h Europe/Berlin";
    let [rule, start, length, rest @ ..] = tokens else {
        return Err(format!("RRULE window: {usage}"));
    };
    let rrule = rule
        .get("RRULE:".len()..)
        .unwrap_or_default()
        .to_ascii_uppercase();
    // The parsed rule carries the anchor's time in BYHOUR etc., so check what was written.
    let picks_times = rrule.split(';').any(|part| {
        matches!(
            part.split_once('=').unwrap_or((part, "")),
            ("FREQ", "HOURLY" | "MINUTELY" | "SECONDLY") | ("BYHOUR" | "BYMINUTE" | "BYSECOND", _)
        )
    });
    if picks_times {
        return Err(format!(
            "RRULE {rrule:?}: the rule picks days (FREQ=DAILY or coarser, no BYHOUR, BYMINUTE, BYSECOND); the time comes after it"
        ));
    }
    rrule_set(&rrule)?;
    let start = NaiveTime::parse_from_str(start, "%H:%M")
        .map_err(|_| format!("RRULE window: start time {start:?}: {usage}"))?;
    let length = crate::inventory::policy::parse_duration(length)
        .map_err(|e| format!("RRULE window: duration {e}"))
        .and_then(|d| {
            TimeDelta::from_std(d)
                .ok()
                .filter(|d| *d > TimeDelta::zero() && *d <= TimeDelta::hours(MAX_RRULE_DURATION_HOURS))
                .ok_or_else(|| {
                    format!(
                        "RRULE window: duration {length:?} must be more than 0 and at most {MAX_RRULE_DURATION_HOURS}h"
                    )
                })
        })?;
    let zone = match rest {
        [] => Tz::UTC,
        [zone] => parse_zone(zone)?,
        more => {
            return Err(format!(
                "unexpected {:?} after the time zone",
                more[1..].join(" ")
            ));
        }
    };
    Ok(Window {
        recurrence: Recurrence::Rule { rrule },
        start,
        end: End::After(length),
        zone,
    })
}

fn rrule_set(rrule: &str) -> Result<rrule::RRuleSet, String> {
    format!("{RRULE_ANCHOR}\nRRULE:{rrule}")
        .parse::<rrule::RRuleSet>()
        .map_err(|e| format!("RRULE {rrule:?}: {e}"))
}

fn parse_zone(zone: &str) -> Result<Tz, String> {
    zone.parse::<Tz>().map_err(|_| {
        format!("unknown time zone {zone:?}: expected an IANA name such as Europe/Berlin or UTC")
    })
}

fn looks_like_range(token: &str) -> bool {
    token.contains(':') && token.contains('-')
}

fn parse_range(token: &str) -> Result<(NaiveTime, NaiveTime), String> {
    let (a, b) = token
        .split_once('-')
        .ok_or_else(|| format!("time range {token:?}: expected HH:MM-HH:MM"))?;
    let time = |s: &str| {
        NaiveTime::parse_from_str(s, "%H:%M")
            .map_err(|_| format!("time {s:?} in {token:?}: expected HH:MM from 00:00 to 23:59"))
    };
    let (start, end) = (time(a)?, time(b)?);
    if start == end {
        return Err(format!(
            "time range {token:?}: start and end are the same time"
        ));
    }
    Ok((start, end))
}

fn parse_recurrence(tokens: &[&str]) -> Result<Recurrence, String> {
    let words = tokens.join(" ").to_lowercase();
    if words.is_empty() {
        return Err(
            "window has no day: expected \"Patch Tuesday\", \"daily\" or weekdays such as Sat or Mon,Wed before the time range"
                .to_string(),
        );
    }
    if words == "daily" {
        return Ok(Recurrence::Daily);
    }
    if let Some(rest) = words.strip_prefix("patch tuesday") {
        return parse_offset(rest).map(|offset_days| Recurrence::PatchTuesday { offset_days });
    }
    let mut days: Vec<Weekday> = Vec::new();
    for part in words.split([',', ' ']).filter(|p| !p.is_empty()) {
        let day = part.parse::<Weekday>().map_err(|_| {
            format!(
                "unknown day {part:?}: expected \"Patch Tuesday\", \"daily\" or weekdays such as Sat or Mon,Wed"
            )
        })?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    days.sort_by_key(Weekday::num_days_from_monday);
    Ok(Recurrence::Weekly { days })
}

/// `""`, `+2d`, `+ 2 days`, `+1 day`, `+0d`: whitespace does not matter.
fn parse_offset(rest: &str) -> Result<u32, String> {
    let compact: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Ok(0);
    }
    let bad = || {
        format!(
            "Patch Tuesday offset {:?}: expected +Nd or + N days, e.g. +2d",
            rest.trim()
        )
    };
    let number = compact
        .strip_prefix('+')
        .and_then(|s| {
            s.strip_suffix("days")
                .or_else(|| s.strip_suffix("day"))
                .or_else(|| s.strip_suffix('d'))
        })
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(bad)?;
    let days: u32 = number.parse().map_err(|_| bad())?;
    if days > MAX_OFFSET_DAYS {
        return Err(format!(
            "Patch Tuesday offset +{days}d: at most +{MAX_OFFSET_DAYS}d"
        ));
    }
    Ok(days)
}

/// A local wall time as a UTC instant: the earlier one when ambiguous, the first instant
/// after the gap when it does not exist.
fn resolve_local(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            // Gaps are whole minutes (at most a few hours in any zone's history): the first
            // local minute after the gap that exists is the instant the clocks jumped to.
            (1..=24 * 60).find_map(|m| {
                let later = local.checked_add_signed(TimeDelta::minutes(m))?;
                zone.from_local_datetime(&later)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    fn win(s: &str) -> Window {
        Window::parse(s).expect("test window parses")
    }

    /// The second Tuesday found by walking the days of the month, independent of
    /// `from_weekday_of_month_opt`.
    fn second_tuesday_by_walking(year: i32, month: u32) -> NaiveDate {
        let mut day = NaiveDate::from_ymd_opt(year, month, 1).expect("month");
        let mut tuesdays = 0;
        loop {
            if day.weekday() == Weekday::Tue {
                tuesdays += 1;
                if tuesdays == 2 {
                    return day;
                }
            }
            day = day.succ_opt().expect("next day");
        }
    }

    #[test]
    fn patch_tuesday_every_month_of_2026_and_2027() {
        for year in [2026, 2027] {
            for month in 1..=12 {
                let pt = patch_tuesday(year, month);
                assert_eq!(pt, second_tuesday_by_walking(year, month), "{year}-{month}");
                assert!((8..=14).contains(&pt.day()));
            }
        }
        // Two published dates as an anchor outside both computations.
        assert_eq!(
            patch_tuesday(2026, 11),
            NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
        );
        assert_eq!(
            patch_tuesday(2027, 6),
            NaiveDate::from_ymd_opt(2027, 6, 8).unwrap()
        );
    }

    #[test]
    fn parses_every_form() {
        let w = win("Patch Tuesday +2d 22:00-02:00 Europe/Berlin");
        assert_eq!(w.recurrence, Recurrence::PatchTuesday { offset_days: 2 });
        assert_eq!(w.zone, chrono_tz::Europe::Berlin);
        assert_eq!(w.start, NaiveTime::from_hms_opt(22, 0, 0).unwrap());
        assert_eq!(w.end, End::At(NaiveTime::from_hms_opt(2, 0, 0).unwrap()));
        for same in [
            "Patch Tuesday + 2 days 22:00-02:00 Europe/Berlin",
            "patch tuesday +2 days 22:00-02:00 Europe/Berlin",
            "PATCH TUESDAY   +2D 22:00-02:00 Europe/Berlin",
        ] {
            assert_eq!(win(same), w, "{same}");
        }
        assert_eq!(
            win("Patch Tuesday 22:00-02:00").recurrence,
            Recurrence::PatchTuesday { offset_days: 0 }
        );
        assert_eq!(
            win("Patch Tuesday +0d 22:00-02:00").recurrence,
            Recurrence::PatchTuesday { offset_days: 0 }
        );
        assert_eq!(
            win("Patch Tuesday + 1 day 22:00-02:00").recurrence,
            Recurrence::PatchTuesday { offset_days: 1 }
        );
        assert_eq!(win("Patch Tuesday 22:00-02:00").zone, Tz::UTC);
        assert_eq!(
            win("Wed,mon 22:00-23:30 America/New_York").recurrence,
            Recurrence::Weekly {
                days: vec![Weekday::Mon, Weekday::Wed]
            }
        );
        assert_eq!(
            win("Sat 01:00-05:00").recurrence,
            Recurrence::Weekly {
                days: vec![Weekday::Sat]
            }
        );
        assert_eq!(win("daily 23:00-01:00 UTC").recurrence, Recurrence::Daily);
    }

    #[test]
    fn parse_errors_name_the_bad_part() {
        let err = |s: &str| Window::parse(s).expect_err(s);
        assert!(err("Sat").contains("no time range"));
        assert!(err("Sat 25:00-03:00").contains("\"25:00\""));
        assert!(err("Sat 01:00-01:00").contains("same time"));
        assert!(err("Sat 01:00-05:00 Mars/Olympus").contains("\"Mars/Olympus\""));
        assert!(err("Sat 01:00-05:00 UTC extra").contains("\"extra\""));
        assert!(err("Caturday 01:00-05:00").contains("\"caturday\""));
        assert!(err("01:00-05:00").contains("no day"));
        assert!(err("Patch Tuesday +2x 22:00-02:00").contains("\"+2x\""));
        assert!(err("Patch Tuesday -2d 22:00-02:00").contains("\"-2d\""));
        assert!(err("Patch Tuesday +40d 22:00-02:00").contains("at most"));
    }

    #[test]
    fn patch_tuesday_offset_over_midnight() {
        let w = win("Patch Tuesday +2d 22:00-02:00 Europe/Berlin");
        // November 2026: Patch Tuesday the 10th, +2d = Thursday the 12th, CET (+01:00).
        let occ = w.occurrences_after(utc("2026-11-10T09:00:00Z"), 3);
        assert_eq!(
            occ,
            vec![
                (utc("2026-11-12T21:00:00Z"), utc("2026-11-13T01:00:00Z")),
                (utc("2026-12-10T21:00:00Z"), utc("2026-12-11T01:00:00Z")),
                (utc("2027-01-14T21:00:00Z"), utc("2027-01-15T01:00:00Z")),
            ]
        );
        // June 2026 in CEST (+02:00): Patch Tuesday the 9th, +2d = the 11th.
        let june = w.occurrences_after(utc("2026-06-01T00:00:00Z"), 1);
        assert_eq!(
            june,
            vec![(utc("2026-06-11T20:00:00Z"), utc("2026-06-12T00:00:00Z"))]
        );
    }

    #[test]
    fn daily_over_midnight_and_weekly() {
        let daily = win("daily 23:00-01:00 UTC");
        let occ = daily.occurrences_after(utc("2026-11-10T09:00:00Z"), 2);
        assert_eq!(
            occ,
            vec![
                (utc("2026-11-10T23:00:00Z"), utc("2026-11-11T01:00:00Z")),
                (utc("2026-11-11T23:00:00Z"), utc("2026-11-12T01:00:00Z")),
            ]
        );
        let weekly = win("Mon,Wed 22:00-23:30 Europe/Berlin");
        // 2026-11-10 is a Tuesday.
        let occ = weekly.occurrences_after(utc("2026-11-10T09:00:00Z"), 3);
        assert_eq!(
            occ,
            vec![
                (utc("2026-11-11T21:00:00Z"), utc("2026-11-11T22:30:00Z")),
                (utc("2026-11-16T21:00:00Z"), utc("2026-11-16T22:30:00Z")),
                (utc("2026-11-18T21:00:00Z"), utc("2026-11-18T22:30:00Z")),
            ]
        );
        assert!(
            weekly
                .occurrences_after(utc("2026-11-10T09:00:00Z"), 0)
                .is_empty()
        );
        assert_eq!(
            weekly
                .occurrences_after(utc("2026-11-10T09:00:00Z"), 500)
                .len(),
            500
        );
    }

    #[test]
    fn an_occurrence_under_way_comes_first() {
        let daily = win("daily 23:00-01:00 UTC");
        let occ = daily.occurrences_after(utc("2026-11-11T00:30:00Z"), 1);
        assert_eq!(
            occ,
            vec![(utc("2026-11-10T23:00:00Z"), utc("2026-11-11T01:00:00Z"))]
        );
    }

    #[test]
    fn contains_at_the_edges() {
        let daily = win("daily 23:00-01:00 Europe/Berlin");
        // 23:00-01:00 CET is 22:00Z-00:00Z.
        assert!(!daily.contains(utc("2026-11-10T21:59:59Z")));
        assert!(daily.contains(utc("2026-11-10T22:00:00Z")));
        assert!(daily.contains(utc("2026-11-10T23:59:59Z")));
        assert!(!daily.contains(utc("2026-11-11T00:00:00Z")));
        // Started the previous local day, still open after local midnight.
        assert!(daily.contains(utc("2026-11-10T23:30:00Z")));
        let sat = win("Sat 01:00-05:00 UTC");
        // 2026-11-14 is a Saturday.
        assert!(sat.contains(utc("2026-11-14T01:00:00Z")));
        assert!(!sat.contains(utc("2026-11-14T05:00:00Z")));
        assert!(!sat.contains(utc("2026-11-15T01:00:00Z")));
        let over = win("Sat 23:00-02:00 UTC");
        assert!(over.contains(utc("2026-11-15T01:59:00Z")), "Sunday early");
        assert!(!over.contains(utc("2026-11-15T02:00:00Z")));
        assert!(
            !over.contains(utc("2026-11-14T01:00:00Z")),
            "Saturday early"
        );
    }

    #[test]
    fn occurrences_read_in_their_own_zone_with_the_weekday() {
        let now = utc("2026-12-01T12:00:00Z");
        // Patch Tuesday of December 2026 is the 8th; the window runs past midnight.
        let w = win("Patch Tuesday 22:00-02:00 Europe/Berlin");
        assert_eq!(
            w.show_next(now).as_deref(),
            Some("Tue 2026-12-08 22:00–02:00 Europe/Berlin")
        );
        let ny = win("Mon,Wed 22:00-23:30 America/New_York");
        assert_eq!(
            ny.show_next(now).as_deref(),
            Some("Wed 2026-12-02 22:00–23:30 America/New_York")
        );
        // A whole day: the end is dated, not a bare 01:00 that reads as no time at all.
        let day = win("RRULE:FREQ=WEEKLY;BYDAY=SA 01:00 24h UTC");
        assert_eq!(
            day.show_next(now).as_deref(),
            Some("Sat 2026-12-05 01:00–Sun 2026-12-06 01:00 UTC")
        );
        // Under way: the current occurrence.
        let open = win("daily 11:00-13:00 UTC");
        assert_eq!(
            open.show_next(now).as_deref(),
            Some("Tue 2026-12-01 11:00–13:00 UTC")
        );
    }

    fn night_of(w: &Window, date: &str) -> (DateTime<Utc>, DateTime<Utc>) {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        let after = w.zone.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap());
        let after = after.earliest().unwrap().with_timezone(&Utc);
        w.occurrences_after(after, 1)[0]
    }

    #[test]
    fn berlin_dst_changes_of_2026() {
        let w = win("daily 01:00-05:00 Europe/Berlin");
        // Spring forward on 29 March: 02:00 CET becomes 03:00 CEST, the night is 3 hours.
        let (s, e) = night_of(&w, "2026-03-29");
        assert_eq!(
            (s, e),
            (utc("2026-03-29T00:00:00Z"), utc("2026-03-29T03:00:00Z"))
        );
        assert_eq!(e - s, TimeDelta::hours(3));
        // Fall back on 25 October: 03:00 CEST becomes 02:00 CET, the night is 5 hours.
        let (s, e) = night_of(&w, "2026-10-25");
        assert_eq!(
            (s, e),
            (utc("2026-10-24T23:00:00Z"), utc("2026-10-25T04:00:00Z"))
        );
        assert_eq!(e - s, TimeDelta::hours(5));
        // A start inside the gap opens when the clocks jump, 03:00 CEST = 01:00Z, and
        // lasts its full wall-clock length, 1 h 30.
        let gap = win("daily 02:30-04:00 Europe/Berlin");
        let (s, e) = night_of(&gap, "2026-03-29");
        assert_eq!(
            (s, e),
            (utc("2026-03-29T01:00:00Z"), utc("2026-03-29T02:30:00Z"))
        );
        // An ambiguous start (02:30 happens twice) takes the earlier, CEST, instant.
        let (s, e) = night_of(&gap, "2026-10-25");
        assert_eq!(
            (s, e),
            (utc("2026-10-25T00:30:00Z"), utc("2026-10-25T03:00:00Z"))
        );
    }

    #[test]
    fn rrule_second_tuesday_is_patch_tuesday() {
        let w = win("RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h Europe/Berlin");
        assert_eq!(
            w.recurrence,
            Recurrence::Rule {
                rrule: "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2".into()
            }
        );
        let occ = w.occurrences_after(utc("2026-01-01T00:00:00Z"), 24);
        assert_eq!(occ.len(), 24);
        let months = (2026..=2027).flat_map(|y| (1..=12).map(move |m| (y, m)));
        for ((start, end), (year, month)) in occ.iter().zip(months) {
            let local = start.with_timezone(&w.zone);
            assert_eq!(local.date_naive(), second_tuesday_by_walking(year, month));
            assert_eq!(local.time(), NaiveTime::from_hms_opt(22, 0, 0).unwrap());
            assert_eq!(*end - *start, TimeDelta::hours(4));
        }
        // Lower case is accepted; an occurrence under way comes first, as for other forms.
        let daily = win("rrule:freq=daily 23:00 2h");
        assert_eq!(
            daily.occurrences_after(utc("2026-11-11T00:30:00Z"), 1),
            vec![(utc("2026-11-10T23:00:00Z"), utc("2026-11-11T01:00:00Z"))]
        );
        assert!(daily.contains(utc("2026-11-11T00:59:59Z")));
        assert!(!daily.contains(utc("2026-11-11T01:00:00Z")));
    }

    #[test]
    fn rrule_duration_is_elapsed_time_across_dst() {
        let w = win("RRULE:FREQ=DAILY 01:00 4h Europe/Berlin");
        // 01:00 CET on the spring-forward night, then 4 real hours: 05:00Z = 07:00 CEST.
        let (s, e) = night_of(&w, "2026-03-29");
        assert_eq!(
            (s, e),
            (utc("2026-03-29T00:00:00Z"), utc("2026-03-29T04:00:00Z"))
        );
        let gap = win("RRULE:FREQ=WEEKLY;BYDAY=SU 02:30 1h Europe/Berlin");
        let (s, _) = night_of(&gap, "2026-03-29");
        assert_eq!(s, utc("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn rrule_errors_name_the_bad_part() {
        let err = |s: &str| Window::parse(s).expect_err(s);
        assert!(err("RRULE:FREQ=MONTHLY").contains("expected RRULE:"));
        assert!(err("RRULE:FREQ=FORTNIGHTLY 22:00 4h").contains("FORTNIGHTLY"));
        assert!(err("RRULE:FREQ=HOURLY 22:00 4h").contains("picks days"));
        assert!(err("RRULE:FREQ=DAILY;BYHOUR=3 22:00 4h").contains("picks days"));
        assert!(err("RRULE:FREQ=DAILY 25:00 4h").contains("\"25:00\""));
        assert!(err("RRULE:FREQ=DAILY 22:00 4x").contains("\"4x\""));
        assert!(err("RRULE:FREQ=DAILY 22:00 2d").contains("at most"));
        assert!(err("RRULE:FREQ=DAILY 22:00 4h Nowhere/Land").contains("Nowhere/Land"));
    }

    #[test]
    fn a_window_inside_the_gap_keeps_its_length() {
        // Berlin skips 02:00-03:00 on 29 March 2026: the whole window lies in the gap.
        let w = win("daily 02:00-03:00 Europe/Berlin");
        let (s, e) = night_of(&w, "2026-03-29");
        assert_eq!(
            (s, e),
            (utc("2026-03-29T01:00:00Z"), utc("2026-03-29T02:00:00Z"))
        );
        assert_eq!(
            w.show_occurrence(s, e),
            "Sun 2026-03-29 03:00–04:00 Europe/Berlin"
        );
        // Over midnight, and a weekly one: the same rule.
        let over = win("Sat 02:30-01:00 Europe/Berlin");
        let (s, e) = night_of(&over, "2026-03-28");
        assert_eq!(e - s, TimeDelta::hours(22) + TimeDelta::minutes(30));
        // The nights around keep their ordinary hours.
        let (s, e) = night_of(&w, "2026-03-30");
        assert_eq!(
            (s, e),
            (utc("2026-03-30T00:00:00Z"), utc("2026-03-30T01:00:00Z"))
        );
    }

    #[test]
    fn windows_that_never_open_are_refused() {
        let now = utc("2026-11-10T09:00:00Z");
        let never = |text: &str| {
            let started = std::time::Instant::now();
            let err = win(text).check_opens(now).expect_err(text);
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "{text}: {:?}",
                started.elapsed()
            );
            err
        };
        for text in [
            "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30 22:00 4h",
            "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30 22:00 4h",
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 22:00 4h",
            "RRULE:FREQ=DAILY;COUNT=1 22:00 4h",
            "RRULE:FREQ=DAILY;UNTIL=20000601T000000Z 22:00 4h",
        ] {
            assert_eq!(
                never(text),
                "the window never opens after 2026-11-10",
                "{text}"
            );
        }
        assert_eq!(
            never("RRULE:FREQ=YEARLY;INTERVAL=50 22:00 4h"),
            "the window first opens Sat 2050-01-01 22:00–02:00 UTC, more than 5 years ahead"
        );
        for text in [
            "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29 22:00 4h",
            "RRULE:FREQ=DAILY;UNTIL=20261111T000000Z 22:00 4h",
            "Patch Tuesday +27d 22:00-02:00 Pacific/Kiritimati",
            "daily 23:00-01:00",
        ] {
            assert_eq!(win(text).check_opens(now), Ok(()), "{text}");
        }
    }

    #[test]
    fn no_occurrence_past_year_9999() {
        let end_of_time = utc("9999-12-27T12:00:00Z");
        let daily = win("daily 22:00-02:00 Pacific/Kiritimati");
        let occ = daily.occurrences_after(end_of_time, 10);
        assert!(!occ.is_empty() && occ.len() < 10, "{occ:?}");
        for (s, e) in &occ {
            assert!(*e <= last_instant(), "{s} {e}");
            let shown = daily.show_occurrence(*s, *e);
            assert!(shown.contains(" 9999-12-"), "{shown}");
        }
        // Rules too (a yearly one with a long interval reaches 9999 in one step): the
        // 28th is shown, the 29th would end after 9999-12-30 00:00Z and is not computed.
        let from_2026 = utc("2026-11-10T09:00:00Z");
        let last_28 = win("RRULE:FREQ=YEARLY;INTERVAL=7999;BYMONTH=12;BYMONTHDAY=28 22:00 4h");
        assert_eq!(
            last_28.occurrences_after(from_2026, 3),
            vec![(utc("9999-12-28T22:00:00Z"), utc("9999-12-29T02:00:00Z"))]
        );
        let last_29 = win("RRULE:FREQ=YEARLY;INTERVAL=7999;BYMONTH=12;BYMONTHDAY=29 22:00 4h");
        assert!(last_29.occurrences_after(from_2026, 3).is_empty());
        assert_eq!(
            last_29.check_opens(from_2026),
            Err("the window never opens after 2026-11-10".into())
        );
        assert!(
            daily
                .occurrences_after(utc("9999-12-31T00:00:00Z"), 3)
                .is_empty()
        );
        assert!(daily.check_opens(utc("9999-12-31T00:00:00Z")).is_err());
    }

    #[test]
    fn new_york_dst_changes_of_2026() {
        let w = win("daily 01:00-05:00 America/New_York");
        // Spring forward on 8 March at 02:00 EST.
        let (s, e) = night_of(&w, "2026-03-08");
        assert_eq!(
            (s, e),
            (utc("2026-03-08T06:00:00Z"), utc("2026-03-08T09:00:00Z"))
        );
        assert_eq!(e - s, TimeDelta::hours(3));
        // Fall back on 1 November at 02:00 EDT; 01:00 is ambiguous, the earlier is EDT.
        let (s, e) = night_of(&w, "2026-11-01");
        assert_eq!(
            (s, e),
            (utc("2026-11-01T05:00:00Z"), utc("2026-11-01T10:00:00Z"))
        );
        assert_eq!(e - s, TimeDelta::hours(5));
        let gap = win("daily 02:30-04:00 America/New_York");
        let (s, _) = night_of(&gap, "2026-03-08");
        assert_eq!(s, utc("2026-03-08T07:00:00Z"));
    }
}
