//! No verdict without data (issue #17): empty selections, hosts never scanned, scans and
//! catalogues too old to judge, unrated updates, KEV first — every gate and every view,
//! with exit code, stdout and stderr exact. Real data: the small mirror cut from the
//! real OSV and KEV feeds (tests/data/mirror-small) and saved collector output of Debian
//! 12 roots (tests/data/collect).

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{Env, collect, render};
use insta::assert_snapshot;

fn repo(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

/// Runs at another time than the tests' fixed clock.
fn at(env: &Env, now: &str, args: &[&str]) -> Output {
    env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap()
}

fn snap_at(env: &Env, now: &str, args: &[&str]) -> String {
    render(env, &at(env, now, args))
}

fn sync(env: &Env) {
    env.ok(&[
        "-q",
        "sync",
        "--from",
        &repo("tests/data/mirror-small"),
        "osv:Debian",
        "kev",
    ]);
}

fn scan(env: &Env, host: &str, file: &str) {
    let out = env.run(&["-q", "scan", "--import", &collect(file), "--host", host]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        render(env, &out)
    );
}

/// prod: h1 (old glibc: a KEV finding), h2 (base); pilot: empty. Synced, then scanned.
fn fleet() -> Env {
    let env = Env::init();
    sync(&env);
    env.ok(&["-q", "group", "add", "pilot", "--order", "0"]);
    env.ok(&["-q", "group", "add", "prod", "--order", "1"]);
    env.ok(&["-q", "host", "add", "h1", "-g", "prod"]);
    env.ok(&["-q", "host", "add", "h2", "-g", "prod"]);
    scan(&env, "h1", "bookworm-old-glibc.out");
    scan(&env, "h2", "bookworm-base.out");
    env
}

#[test]
fn an_empty_inventory_is_no_verdict() {
    let env = Env::init();
    assert_snapshot!("empty_report_table", env.snap(&["report"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(json["summary"]["compliance_pct"], serde_json::Value::Null);
    assert_eq!(json["summary"]["hosts"], 0);
    assert_snapshot!(
        "empty_findings_fail_on_any",
        env.snap(&["findings", "--fail-on", "any"])
    );
    assert_snapshot!(
        "empty_report_fail_on",
        env.snap(&["report", "--fail-on", "critical,kev,sla", "--format", "csv"])
    );
}

#[test]
fn an_empty_group_is_no_verdict() {
    let env = fleet();
    assert_snapshot!(
        "empty_group_findings_gate",
        env.snap(&["findings", "--group", "pilot", "--fail-on", "high"])
    );
}

#[test]
fn a_host_never_scanned_is_unknown() {
    let env = fleet();
    env.ok(&["-q", "host", "add", "new1", "-g", "prod"]);
    assert_snapshot!(
        "never_scanned_findings",
        env.snap(&["findings", "--host", "new1", "--fail-on", "any"])
    );
    assert_snapshot!(
        "never_scanned_gate_unknown",
        env.snap(&["report", "--fail-on", "unknown", "--format", "csv"])
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--format", "json"])).unwrap();
    let new1 = json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "new1")
        .unwrap();
    assert_eq!(new1["state"], "unknown");
    assert_eq!(new1["compliant"], false);
    assert_eq!(
        new1["unknown"],
        serde_json::json!([{"reason": "never-scanned"}])
    );
    assert_eq!(json["summary"]["unknown"], 1);
    // --allow-stale accepts old data, never missing data.
    let out = env.run(&[
        "report",
        "--fail-on",
        "unknown",
        "--allow-stale",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", render(&env, &out));
}

#[test]
fn a_scan_before_any_sync_is_unknown_not_compliant() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "h1"]);
    // Pending security updates, no catalogue: told at once, and no gate passes.
    assert_snapshot!(
        "scan_before_sync",
        env.snap(&[
            "scan",
            "--import",
            &collect("bookworm-base.out"),
            "--host",
            "h1",
            "--fail-on",
            "low"
        ])
    );
    assert_snapshot!("report_before_sync", env.snap(&["report"]));
}

#[test]
fn six_months_later_nothing_is_current() {
    let env = fleet();
    let later = "2027-05-10T09:00:00Z";
    assert_snapshot!(
        "stale_findings",
        snap_at(&env, later, &["findings", "--fail-on", "critical"])
    );
    assert_snapshot!(
        "stale_cycle_start",
        snap_at(&env, later, &["cycle", "start"])
    );
    // doctor, without its ssh rows (the client's version is the machine's, the masters'
    // directory a temporary one).
    let out = at(&env, later, &["doctor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<String> = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            !["ssh", "ssh masters", "ssh config", "config", "database"]
                .contains(&c["check"].as_str().unwrap())
        })
        .map(|c| format!("{} {}: {}", c["check"], c["status"], c["detail"]))
        .collect();
    assert_snapshot!(
        "stale_doctor",
        format!(
            "{}\n{}",
            rows.join("\n"),
            String::from_utf8_lossy(&out.stderr)
        )
    );
    // Knowingly: accepted, warned about, and audited with the hosts concerned.
    assert_snapshot!(
        "stale_cycle_start_allowed",
        snap_at(&env, later, &["cycle", "start", "--allow-stale"])
    );
    let audit =
        String::from_utf8(at(&env, later, &["audit", "list", "--format", "json"]).stdout).unwrap();
    let rows: serde_json::Value = serde_json::from_str(&audit).unwrap();
    let start = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "cycle.start")
        .unwrap();
    let detail = start["details"].to_string();
    assert!(
        detail.contains("accepted_stale") && detail.contains("h1") && detail.contains("h2"),
        "{detail}"
    );
    // Only the catalogue is old: the scans are new, the feed is not.
    env.ok(&["-q", "group", "set", "prod", "--set", "max_scan_age=366d"]);
    assert_snapshot!(
        "stale_feed_report",
        snap_at(
            &env,
            later,
            &["report", "--fail-on", "high", "--format", "csv"]
        )
    );
}

#[test]
fn unrated_updates_count_at_the_floor_and_kev_comes_first() {
    let env = fleet();
    // h1's glibc is in CISA KEV (CVE-2023-4911) and rated medium: above every high.
    assert_snapshot!("kev_first", env.snap(&["findings", "--host", "h1"]));
    // A severity filter keeps it (known exploitation outranks any rating).
    assert_snapshot!(
        "kev_kept_by_severity",
        env.snap(&["findings", "--host", "h1", "--severity", "high"])
    );
    // Another filter that hides it says so.
    assert_snapshot!(
        "kev_hidden_counted",
        env.snap(&["findings", "--host", "h1", "--package", "tzdata"])
    );
    let rows: serde_json::Value =
        serde_json::from_str(&env.ok(&["findings", "--format", "json"])).unwrap();
    let unrated: Vec<&serde_json::Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["unrated"] == true)
        .collect();
    assert!(!unrated.is_empty());
    assert!(
        unrated.iter().all(|r| r["severity"] == "medium"),
        "{unrated:?}"
    );
    // The floor is policy. h2's tzdata update has no advisory: medium by default.
    let gate = |level: &str| {
        env.run(&[
            "findings",
            "--host",
            "h2",
            "--package",
            "tzdata",
            "--fail-on",
            level,
        ])
        .status
        .code()
    };
    let default_floor: Vec<(&str, Option<i32>)> = ["any", "medium", "high"]
        .into_iter()
        .map(|l| (l, gate(l)))
        .collect();
    env.ok(&[
        "-q",
        "group",
        "set",
        "prod",
        "--set",
        "unrated_severity=high",
    ]);
    assert_snapshot!(
        "unrated_floor",
        format!(
            "unrated_severity=medium: {default_floor:?}\nunrated_severity=high: high -> {:?}",
            gate("high")
        )
    );
}
