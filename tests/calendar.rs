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
