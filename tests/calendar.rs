//! `patchcycle calendar` and window validation on `group add|set`, as the user sees them.

mod common;

use chrono::{DateTime, Utc};
use common::cli::Env;
use icalendar::CalendarDateTime;
use insta::assert_snapshot;

/// Two groups with windows (one weekly in New York, one after Patch Tuesday in Berlin) and
/// one without.
fn fleet() -> Env {
    let env = Env::init();
    env.ok(&[
        "group",
        "add",
        "pilot",
        "--order",
        "0",
        "--window",
        "Mon,Wed 22:00-23:30 America/New_York",
    ]);
    env.ok(&["group", "add", "lab", "--order", "1"]);
    env.ok(&[
        "group",
        "add",
        "prod",
        "--order",
        "2",
        "--window",
        "Patch Tuesday + 2 days 22:00-02:00 Europe/Berlin",
    ]);
    env
}

#[test]
fn calendar_table() {
    let env = fleet();
    assert_snapshot!(env.snap(&["calendar"]));
}

#[test]
fn calendar_json() {
    let env = fleet();
    assert_snapshot!(env.snap(&["calendar", "--format", "json", "--count", "2"]));
}

#[test]
fn calendar_csv_one_group() {
    let env = fleet();
    assert_snapshot!(env.snap(&[
        "calendar", "--format", "csv", "--group", "prod", "--count", "2"
    ]));
}

#[test]
fn calendar_unknown_group_and_bad_count() {
    let env = fleet();
    assert_snapshot!(
        "calendar_unknown_group",
        env.snap(&["calendar", "--group", "nope"])
    );
    assert_snapshot!(
        "calendar_count_zero",
        env.snap(&["calendar", "--count", "0"])
    );
}

#[test]
fn calendar_ics() {
    let env = fleet();
    let out = env.ok(&["calendar", "--ics", "--count", "2"]);
    // Every line ends in CRLF, and none is longer than 75 octets.
    assert!(out.ends_with("\r\n"));
    for line in out.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "bare LF in {line:?}");
        assert!(line.len() - 2 <= 75, "{} octets: {line:?}", line.len() - 2);
    }
    assert_snapshot!(out.replace("\r\n", "\n"));
}

#[test]
fn ics_parses_back_to_the_json_times() {
    let env = fleet();
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["calendar", "--format", "json"])).unwrap();
    let rows = json.as_array().unwrap();
    let utc = |v: &serde_json::Value| {
        DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let expected: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = rows
        .iter()
        .filter(|r| !r["start"].is_null())
        .map(|r| {
            (
                r["group"].as_str().unwrap().to_string(),
                utc(&r["start"]),
                utc(&r["end"]),
            )
        })
        .collect();
    assert_eq!(expected.len(), 6, "3 windows each for pilot and prod");

    let ics = env.ok(&["calendar", "--ics"]);
    let unfolded = icalendar::parser::unfold(&ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), expected.len());
    let prop = |c: &icalendar::parser::Component<'_>, name: &str| {
        c.find_prop(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .val
            .as_str()
            .to_string()
    };
    let as_utc = |s: String| match s.parse::<CalendarDateTime>() {
        Ok(CalendarDateTime::Utc(t)) => t,
        other => panic!("{s:?} is not a UTC DATE-TIME: {other:?}"),
    };
    for (event, (group, start, end)) in events.iter().zip(&expected) {
        assert_eq!(as_utc(prop(event, "DTSTART")), *start);
        assert_eq!(as_utc(prop(event, "DTEND")), *end);
        assert_eq!(
            prop(event, "SUMMARY"),
            format!("Maintenance window: {group}")
        );
        assert_eq!(
            prop(event, "UID"),
            format!("{group}-{}@patchcycle", start.format("%Y%m%dT%H%M%SZ"))
        );
        assert_eq!(prop(event, "DTSTAMP"), "20261110T090000Z");
    }
}

#[test]
fn invalid_window_is_a_usage_error() {
    let env = fleet();
    assert_snapshot!(
        "group_add_bad_offset",
        env.snap(&[
            "group",
            "add",
            "uat",
            "--order",
            "1",
            "--window",
            "Patch Tuesday +2x 22:00-02:00",
        ])
    );
    assert_snapshot!(
        "group_set_bad_zone",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--window",
            "Sat 01:00-05:00 Europe/Berlln",
        ])
    );
    // Neither change was written.
    let groups = env.ok(&["group", "list", "--format", "json"]);
    assert!(!groups.contains("uat"));
    assert!(groups.contains("Mon,Wed 22:00-23:30 America/New_York"));
}

#[test]
fn calendar_rrule_window() {
    let env = Env::init();
    env.ok(&[
        "group",
        "add",
        "db",
        "--order",
        "3",
        "--window",
        "RRULE:FREQ=MONTHLY;BYDAY=SA;BYSETPOS=-1 01:00 3h30m Europe/Berlin",
    ]);
    assert_snapshot!(env.snap(&["calendar", "--count", "2"]));
    assert_snapshot!(
        "group_add_rrule_hourly",
        env.snap(&[
            "group",
            "add",
            "hourly",
            "--order",
            "4",
            "--window",
            "RRULE:FREQ=HOURLY 01:00 1h",
        ])
    );
}

#[test]
fn empty_window_clears_it() {
    let env = fleet();
    env.ok(&["group", "set", "pilot", "--window", ""]);
    assert_snapshot!(env.snap(&["calendar", "--group", "pilot"]));
}

/// An environment whose configured time zone is Berlin (the tests' clock is
/// 2026-11-10T09:00:00Z, 10:00 in Berlin).
fn in_berlin() -> Env {
    let env = Env::init();
    let config = std::fs::read_to_string(env.config()).unwrap();
    std::fs::write(
        env.config(),
        format!("time_zone = \"Europe/Berlin\"\n{config}"),
    )
    .unwrap();
    env
}

/// `--expires 2026-12-31` lasts through that day in the configured zone and is shown as
/// that day; `--expires 30d` is an exact time; JSON keeps the exact instant either way.
#[test]
fn exception_expires_day_and_span() {
    let env = in_berlin();
    assert_snapshot!(
        "exception_add_day",
        env.snap(&[
            "exception",
            "add",
            "--package",
            "glibc",
            "--reason",
            "vendor fix pending",
            "--expires",
            "2026-12-31",
        ])
    );
    assert_snapshot!(
        "exception_add_span",
        env.snap(&[
            "exception",
            "add",
            "--package",
            "zlib",
            "--reason",
            "not reachable",
            "--expires",
            "30d",
        ])
    );
    assert_snapshot!("exception_list_days", env.snap(&["exception", "list"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["exception", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["expires"], "2026-12-31T23:00:00Z");
    assert_eq!(json[1]["expires"], "2026-12-10T09:00:00Z");
    assert_snapshot!(
        "exception_add_past",
        env.snap(&[
            "exception",
            "add",
            "--package",
            "zlib",
            "--reason",
            "r",
            "--expires",
            "2026-11-09",
        ])
    );
    assert_snapshot!(
        "exception_add_too_far",
        env.snap(&[
            "exception",
            "add",
            "--package",
            "zlib",
            "--reason",
            "r",
            "--expires",
            "60w",
        ])
    );
    // The last day a year ahead is still allowed; the next is not.
    env.ok(&[
        "exception",
        "add",
        "--package",
        "zlib",
        "--reason",
        "r",
        "--expires",
        "2027-11-10",
    ]);
    assert_eq!(
        env.run(&[
            "exception",
            "add",
            "--package",
            "zlib",
            "--reason",
            "r",
            "--expires",
            "2027-11-12",
        ])
        .status
        .code(),
        Some(2)
    );
}

/// `host defer --until` takes a day (through its end in Berlin) or a span, and `host
/// show` shows the day given.
#[test]
fn host_defer_until_day_and_span() {
    let env = in_berlin();
    env.ok(&[
        "group",
        "add",
        "prod",
        "--order",
        "1",
        "--set",
        "max_deferral_days=14",
    ]);
    env.ok(&["host", "add", "w1", "-g", "prod"]);
    assert_snapshot!(
        "defer_until_day",
        env.snap(&[
            "host",
            "defer",
            "w1",
            "--until",
            "2026-11-24",
            "--reason",
            "quarter close"
        ])
    );
    let show = env.ok(&["host", "show", "w1"]);
    assert!(
        show.contains("deferred until:   2026-11-24 (quarter close)\n"),
        "{show}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "w1", "--format", "json"])).unwrap();
    assert_eq!(json["deferred_until"], "2026-11-24T23:00:00Z");
    assert_snapshot!(
        "defer_until_span",
        env.snap(&[
            "host",
            "defer",
            "w1",
            "--until",
            "2w",
            "--reason",
            "quarter close"
        ])
    );
    // 14 days from today is the last day allowed: 2026-11-24, not the 25th.
    assert_snapshot!(
        "defer_until_too_long",
        env.snap(&[
            "host",
            "defer",
            "w1",
            "--until",
            "2026-11-25",
            "--reason",
            "quarter close"
        ])
    );
}

/// `audit list --since 7d` counts back from now; a day starts at its midnight in Berlin.
#[test]
fn audit_since_day_and_span() {
    let env = in_berlin();
    let at = |now: &str, args: &[&str]| {
        let out = env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap();
        assert!(out.status.success(), "{}", common::cli::render(&env, &out));
    };
    at(
        "2026-11-01T12:00:00Z",
        &["group", "add", "old", "--order", "1"],
    );
    // 23:30 UTC on the 9th is already the 10th in Berlin.
    at(
        "2026-11-09T23:30:00Z",
        &["group", "add", "late", "--order", "2"],
    );
    at(
        "2026-11-10T08:00:00Z",
        &["group", "add", "new", "--order", "3"],
    );
    assert_snapshot!(
        "audit_since_span",
        env.snap(&["audit", "list", "--since", "7d", "--action", "group"])
    );
    assert_snapshot!(
        "audit_since_day",
        env.snap(&[
            "audit",
            "list",
            "--since",
            "2026-11-10",
            "--action",
            "group"
        ])
    );
}

/// Rules that never yield a date again are refused when set, not accepted and then
/// missing from `calendar`.
#[test]
fn windows_that_never_open_are_refused() {
    let env = fleet();
    assert_snapshot!(
        "group_add_window_feb_30",
        env.snap(&[
            "group",
            "add",
            "uat",
            "--order",
            "1",
            "--window",
            "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30 22:00 4h",
        ])
    );
    assert_snapshot!(
        "group_set_window_count_past",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--window",
            "RRULE:FREQ=DAILY;COUNT=1 22:00 4h",
        ])
    );
    assert_snapshot!(
        "group_set_window_until_2000",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--window",
            "RRULE:FREQ=WEEKLY;UNTIL=20000601T000000Z 22:00 4h",
        ])
    );
    assert_snapshot!(
        "group_set_window_too_far",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--window",
            "RRULE:FREQ=YEARLY;INTERVAL=40 22:00 4h",
        ])
    );
    // Nothing was written.
    let groups = env.ok(&["group", "list", "--format", "json"]);
    assert!(!groups.contains("uat"));
    assert!(groups.contains("Mon,Wed 22:00-23:30 America/New_York"));
    // One stored before the check (or whose last date has passed since) is shown with no
    // occurrence and a warning, not left out.
    env.sqlite()
        .execute(
            "UPDATE groups SET window = 'RRULE:FREQ=DAILY;COUNT=1 22:00 4h' WHERE name = 'pilot'",
            [],
        )
        .unwrap();
    assert_snapshot!(
        "calendar_window_never_opens",
        env.snap(&["calendar", "--count", "1"])
    );
}

/// Berlin skips 02:00–03:00 on 29 March 2026: a window inside the gap opens at 03:00 and
/// keeps its hour.
#[test]
fn a_window_in_the_dst_gap_keeps_its_length() {
    let env = Env::init();
    env.ok(&[
        "group",
        "add",
        "night",
        "--order",
        "0",
        "--window",
        "daily 02:00-03:00 Europe/Berlin",
    ]);
    let out = env
        .cmd(&["calendar", "--count", "3"])
        .env("PATCHCYCLE_NOW", "2026-03-28T12:00:00Z")
        .output()
        .unwrap();
    assert_snapshot!(common::cli::render(&env, &out));
}

/// Near the end of year 9999 no occurrence past it is computed: no `+10000-…` in JSON,
/// and an iCalendar file whose every DTSTART parses.
#[test]
fn no_window_past_year_9999() {
    let env = Env::init();
    let at_end = |args: &[&str]| {
        let out = env
            .cmd(args)
            .env("PATCHCYCLE_NOW", "9999-12-27T00:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::cli::render(&env, &out));
        String::from_utf8(out.stdout).unwrap()
    };
    at_end(&[
        "group",
        "add",
        "edge",
        "--order",
        "0",
        "--window",
        "daily 22:00-02:00 Pacific/Kiritimati",
    ]);
    let json = at_end(&["calendar", "--count", "10", "--format", "json"]);
    assert!(!json.contains("+10000"), "{json}");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let starts: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["start"].as_str().unwrap())
        .collect();
    // Kiritimati is UTC+14: the last window that ends by 9999-12-30T00:00Z opens on the
    // 29th at 22:00 local (08:00Z).
    assert_eq!(
        starts,
        [
            "9999-12-27T22:00:00+14:00",
            "9999-12-28T22:00:00+14:00",
            "9999-12-29T22:00:00+14:00"
        ]
    );
    let ics = at_end(&["calendar", "--count", "10", "--ics"]);
    let unfolded = icalendar::parser::unfold(&ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let mut events = 0;
    for event in calendar.components.iter().filter(|c| c.name == "VEVENT") {
        events += 1;
        for name in ["DTSTART", "DTEND"] {
            let value = event.find_prop(name).unwrap().val.as_str().to_string();
            assert!(
                matches!(
                    value.parse::<CalendarDateTime>(),
                    Ok(CalendarDateTime::Utc(_))
                ),
                "{name}:{value}"
            );
        }
    }
    assert_eq!(events, 3);
}
