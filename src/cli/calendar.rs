//! `patchcycle calendar`: each group's next maintenance windows, as a list or as an
//! iCalendar (RFC 5545) file.

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::clock;
use crate::cycle::window::Window;
use crate::inventory::{self, Group};
use crate::output::{self, or_dash};

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// Only this group
    #[arg(long, value_name = "GROUP", add = super::complete::groups())]
    pub group: Option<String>,
    /// Windows to show per group
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub count: u16,
    /// Print an iCalendar (RFC 5545) file instead of a list
    #[arg(long)]
    pub ics: bool,
}

/// One occurrence of a group's window; a group without a usable window has one row with
/// nulls. Times are RFC 3339 in the window's own zone.
#[derive(Debug, Default, Serialize)]
pub struct CalendarRow {
    pub group: String,
    pub order: i64,
    pub start: Option<String>,
    pub end: Option<String>,
    pub zone: Option<String>,
    pub window: Option<String>,
    /// The occurrence as the table shows it (`Tue 2026-12-08 22:00–02:00 Europe/Berlin`).
    #[serde(skip)]
    pub shown: Option<String>,
}

/// A group's occurrences in UTC, for the list and the iCalendar form alike.
struct GroupWindows {
    group: Group,
    window: Option<Window>,
    occurrences: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

pub fn run(ctx: &Context, args: &CalendarArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let groups = match &args.group {
        Some(name) => vec![inventory::require_group(&db.conn, name)?],
        None => inventory::list_groups(&db.conn)?,
    };
    let now = clock::now()?;
    let windows: Vec<GroupWindows> = groups
        .into_iter()
        .map(|group| {
            // Text stored before windows were validated may not parse; say so and go on.
            let window = group
                .window
                .as_deref()
                .and_then(|text| match Window::parse(text) {
                    Ok(w) => Some(w),
                    Err(e) => {
                        ctx.style.warn(format!(
                            "group {}: {e}; fix it with `patchcycle group set {} --window …`",
                            group.name, group.name
                        ));
                        None
                    }
                });
            let occurrences = window
                .as_ref()
                .map(|w| w.occurrences_after(now, usize::from(args.count)))
                .unwrap_or_default();
            // Stored before such windows were refused: shown with none, not left out.
            if window.is_some() && occurrences.is_empty() {
                ctx.style.warn(format!(
                    "group {}: its window never opens after {}; set another with `patchcycle group set {} --window …`",
                    group.name,
                    now.format("%Y-%m-%d"),
                    group.name
                ));
            }
            GroupWindows {
                group,
                window,
                occurrences,
            }
        })
        .collect();
    if args.ics {
        return output::out_bytes(ics(&windows, now).as_bytes());
    }
    let rows = rows(&windows);
    output::list(
        &ctx.style,
        &rows,
        &[
            ("GROUP", &|r: &CalendarRow| r.group.clone()),
            ("ORDER", &|r: &CalendarRow| r.order.to_string()),
            ("WINDOW", &|r: &CalendarRow| or_dash(r.shown.as_ref())),
        ],
    )
}

fn rows(windows: &[GroupWindows]) -> Vec<CalendarRow> {
    let mut rows = Vec::new();
    for gw in windows {
        let base = || CalendarRow {
            group: gw.group.name.clone(),
            order: gw.group.order,
            window: gw.group.window.clone(),
            ..CalendarRow::default()
        };
        let Some(window) = gw.window.as_ref().filter(|_| !gw.occurrences.is_empty()) else {
            rows.push(base());
            continue;
        };
        let local = |t: &DateTime<Utc>| {
            t.with_timezone(&window.zone)
                .to_rfc3339_opts(SecondsFormat::Secs, true)
        };
        for (start, end) in &gw.occurrences {
            rows.push(CalendarRow {
                start: Some(local(start)),
                end: Some(local(end)),
                shown: Some(window.show_occurrence(*start, *end)),
                zone: Some(window.zone.name().to_string()),
                ..base()
            });
        }
    }
    rows
}

/// The calendar as RFC 5545 text: CRLF line ends, lines folded at 75 octets.
fn ics(windows: &[GroupWindows], now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//patchcycle//patchcycle//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
    ];
    for gw in windows {
        let name = &gw.group.name;
        for (start, end) in &gw.occurrences {
            lines.push("BEGIN:VEVENT".to_string());
            lines.push(format!(
                "UID:{}",
                escape_text(&format!("{name}-{}@patchcycle", ics_utc(start)))
            ));
            lines.push(format!("DTSTAMP:{}", ics_utc(&now)));
            lines.push(format!("DTSTART:{}", ics_utc(start)));
            lines.push(format!("DTEND:{}", ics_utc(end)));
            lines.push(format!(
                "SUMMARY:{}",
                escape_text(&format!("Maintenance window: {name}"))
            ));
            if let Some(text) = &gw.group.window {
                lines.push(format!("DESCRIPTION:{}", escape_text(text)));
            }
            lines.push("END:VEVENT".to_string());
        }
    }
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold(l)).collect()
}

/// A UTC DATE-TIME: `20261112T210000Z`.
fn ics_utc(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line ending in CRLF, folded so no physical line exceeds 75 octets (the
/// leading space of a continuation counts); never splits a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let short = "SUMMARY:short";
        assert_eq!(fold(short), "SUMMARY:short\r\n");
        let long = format!("DESCRIPTION:{}", "é".repeat(60));
        let folded = fold(&long);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
        let exactly = "X".repeat(75);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
        assert_eq!(
            fold(&"X".repeat(76)),
            format!("{}\r\n X\r\n", "X".repeat(75))
        );
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
