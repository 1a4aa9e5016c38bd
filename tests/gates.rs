//! Issue #24's gates: promotion by numbers (`promote_min_success`, `promote_min_hosts`,
//! `soak`, each refusal named), approval rules for `approve --auto` under a fixed clock,
//! and four eyes (`require_distinct_approver`).

mod common;

use common::cli::{Env, NOW};
use insta::assert_snapshot;

const TOKEN: &str = "00112233445566778899aabbccddeeff";

/// Saved collector output of a Debian 12 host with a pending libssl3 security update.
fn collection() -> String {
    let s = |name: &str| format!("@@PC {TOKEN} {name}\n");
    format!(
        "@@PC {TOKEN} BEGIN 1\n{}ID=debian\nVERSION_ID=\"12\"\n{}6.1.0-26-amd64\n{}no\n{}\
         libssl3:amd64\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\tii \n\
         bash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \n{}\
         Inst libssl3 [3.0.15-1~deb12u1] (3.0.17-1~deb12u3 Debian-Security:12/oldstable-security [amd64])\n{}",
        s("os-release"),
        s("uname"),
        s("reboot"),
        s("dpkg"),
        s("apt-sim"),
        s("END"),
    )
}

fn mirror_small() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mirror-small")
        .display()
        .to_string()
}

/// The pilot's eight hosts.
const PILOTS: [&str; 8] = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];

/// Groups pilot (ring 0, eight hosts) and prod (ring 2, one host), scanned and matched
/// against a current catalogue.
fn fleet() -> Env {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["group", "add", "prod", "--order", "2"]);
    let f = env.file("host.out", &collection());
    let f = f.to_str().unwrap();
    for h in PILOTS {
        env.ok(&["host", "add", h, "-g", "pilot"]);
        env.ok(&["-q", "scan", "--import", f, "--host", h]);
    }
    env.ok(&["host", "add", "w1", "-g", "prod"]);
    env.ok(&["-q", "scan", "--import", f, "--host", "w1"]);
    env
}

fn at(env: &Env, now: &str, args: &[&str]) -> String {
    common::cli::render(
        env,
        &env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap(),
    )
}

/// One pilot test run as the engine leaves it (the engine itself needs hosts to ssh
/// into: the lab tests run it): planned through the library (a rerun plans only the
/// hosts an earlier run did not patch), each planned host done or failed, and the ring
/// result the run records. Returns the hosts the run planned.
fn pilot_run(env: &Env, actor: &str, failed: &[&str], finished: &str) -> Vec<String> {
    use patchcycle::cycle::{deploy, plan};
    let mut db = env.sqlite();
    let g = patchcycle::inventory::require_group(&db, "pilot").unwrap();
    let now = patchcycle::clock::parse(finished).unwrap();
    let p = plan::build(&db, None, &g, plan::Kind::Test, now).unwrap();
    let planned: Vec<String> = p.planned().map(|h| h.host.clone()).collect();
    let id = deploy::create(&mut db, &p, actor, None, false).unwrap();
    for h in &planned {
        let state = if failed.contains(&h.as_str()) {
            "failed"
        } else {
            "done"
        };
        db.execute(
            "UPDATE deployment_hosts SET state = ?3, started = ?4, finished = ?4 \
             WHERE deployment_id = ?1 AND host_id = (SELECT id FROM hosts WHERE name = ?2)",
            rusqlite::params![id, h, state, finished],
        )
        .unwrap();
    }
    let ok = planned.len() - failed.len();
    db.execute(
        "UPDATE deployments SET state = ?2, started = ?3, finished = ?3 WHERE id = ?1",
        rusqlite::params![
            id,
            if failed.is_empty() { "done" } else { "failed" },
            finished
        ],
    )
    .unwrap();
    patchcycle::cycle::state::record_ring_result(
        &db,
        "2026-11",
        "pilot",
        "test",
        failed.is_empty(),
        planned.len() as i64,
        ok as i64,
        finished,
        finished,
    )
    .unwrap();
    planned
}

const APPROVE_PROD: &[&str] = &["--yes", "approve", "--group", "prod", "--change", "CHG-2"];

/// Two days after the pilot's runs: its soak (1d) has passed.
const LATER: &str = "2026-11-12T09:00:00Z";

#[test]
fn the_gate_counts_hosts_and_names_each_check_that_fails() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    // First run: six of eight done; the rerun plans the two failed hosts only, and one
    // of them is done: 7 of 8 hosts, although the latest run alone is 1 of 2.
    let first = pilot_run(&env, "tester", &["p7", "p8"], NOW);
    assert_eq!(first.len(), 8);
    let rerun = pilot_run(&env, "tester", &["p8"], NOW);
    assert_eq!(rerun, ["p7", "p8"]);
    env.ok(&[
        "group",
        "set",
        "pilot",
        "--set",
        "promote_min_success=\"95%\"",
        "--set",
        "promote_min_hosts=8",
    ]);
    // All three at once, in one error.
    assert_snapshot!("gate_share_hosts_soak", env.snap(APPROVE_PROD));
    // Each alone.
    env.ok(&["group", "set", "pilot", "--set", "promote_min_hosts=7"]);
    assert_snapshot!("gate_share_refused", at(&env, LATER, APPROVE_PROD));
    // As a fraction, shown back as a percentage.
    env.ok(&[
        "group",
        "set",
        "pilot",
        "--set",
        "promote_min_success=0.875",
        "--set",
        "promote_min_hosts=8",
    ]);
    let shown = env.ok(&["group", "show", "pilot"]);
    assert!(
        shown.contains("\npromote_min_success:        87.5%\npromote_min_hosts:          8\n"),
        "{shown}"
    );
    assert_snapshot!("gate_hosts_refused", at(&env, LATER, APPROVE_PROD));
    env.ok(&["group", "set", "pilot", "--set", "promote_min_hosts=7"]);
    assert_snapshot!("gate_soak_refused", env.snap(APPROVE_PROD));
    // The cycle status says the same, on one line per group.
    let status = env.ok(&["cycle", "status"]);
    assert!(
        status.contains("pilot: soak 1d left of 1d (its test finished at 2026-11-10T09:00:00Z)"),
        "{status}"
    );
    // Once soaked, 7 of 8 meet 87.5 % and 7 hosts: approved.
    assert_snapshot!("gate_open", at(&env, LATER, APPROVE_PROD));
}

#[test]
fn bounds_and_forms_of_the_promotion_keys() {
    let env = fleet();
    assert_snapshot!(
        "set_promote_min_success_over_100",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "promote_min_success=\"101%\""
        ])
    );
    assert_snapshot!(
        "set_promote_min_success_fraction_over_1",
        env.snap(&["group", "set", "pilot", "--set", "promote_min_success=1.5"])
    );
    assert_snapshot!(
        "set_approve_rules_twice",
        env.snap(&[
            "group",
            "set",
            "prod",
            "--set",
            "approve_rules=[{ class = \"kev\", after = \"0d\" }, { class = \"kev\", after = \"1d\" }]"
        ])
    );
    // A policy file holds them as TOML.
    let policy = env.file(
        "prod.toml",
        "promote_min_success = 0.95\npromote_min_hosts = 3\nrequire_distinct_approver = true\n\
         approve_rules = [{ class = \"kev\", after = \"0d\" }, { class = \"critical\", after = \"3d\" }, \
         { class = \"all\", after = \"14d\" }]\n",
    );
    env.ok(&[
        "group",
        "set",
        "prod",
        "--policy-file",
        policy.to_str().unwrap(),
    ]);
    assert_snapshot!("group_show_rules", env.snap(&["group", "show", "prod"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["group", "show", "prod", "--format", "json"])).unwrap();
    assert_eq!(json["policy"]["promote_min_success"], "95%", "{json}");
    assert_eq!(json["policy"]["promote_min_hosts"], 3);
    assert_eq!(json["policy"]["require_distinct_approver"], true);
    assert_eq!(
        json["policy"]["approve_rules"][1],
        serde_json::json!({"class": "critical", "after": "3d"})
    );
}

#[test]
fn approve_auto_follows_the_rules_after_their_delay() {
    let env = fleet();
    // libssl3's patch is rated high: `high` (3d) and `all` (14d) both name it, the
    // earlier wins.
    env.ok(&[
        "group",
        "set",
        "prod",
        "--set",
        "approve_rules=[{ class = \"all\", after = \"14d\" }, { class = \"high\", after = \"3d\" }]",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    pilot_run(&env, "tester", &[], NOW);
    // Day 2: the pilot has soaked, the rule is not due.
    assert_snapshot!("auto_before_delay", at(&env, LATER, &["approve", "--auto"]));
    // Day 3 after the cycle started: due, approved as the rule, audited.
    assert_snapshot!(
        "auto_after_delay",
        at(&env, "2026-11-13T09:00:00Z", &["approve", "--auto"])
    );
    assert_snapshot!(
        "auto_again",
        at(&env, "2026-11-13T10:00:00Z", &["approve", "--auto"])
    );
    let db = env.sqlite();
    let (actor, comment, auto, packages): (String, String, bool, String) = db
        .query_row(
            "SELECT actor, comment, auto, packages FROM approvals",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(actor, "tester");
    assert_eq!(comment, "auto: rule high after 3d");
    assert!(auto);
    assert_eq!(packages, r#"[["Debian:12","libssl3","3.0.17-1~deb12u3"]]"#);
    let (action, details): (String, String) = db
        .query_row(
            "SELECT action, details FROM audit WHERE action LIKE 'approve%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "approve.auto");
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["rules"], serde_json::json!(["high after 3d"]));
    assert_eq!(details["added"], 1);
}

#[test]
fn approve_auto_leaves_a_persons_decision_alone() {
    let env = fleet();
    env.ok(&[
        "group",
        "set",
        "prod",
        "--set",
        "approve_rules=[{ class = \"kev\", after = \"0d\" }, { class = \"all\", after = \"1d\" }]",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    pilot_run(&env, "tester", &[], NOW);
    env.ok(&[
        "--yes",
        "--actor",
        "bob",
        "approve",
        "--group",
        "prod",
        "--decision",
        "defer",
        "--comment",
        "after the freeze",
    ]);
    assert_snapshot!(
        "auto_after_a_deferral",
        at(&env, LATER, &["approve", "--auto"])
    );
}

#[test]
fn four_eyes_refuses_the_starter_and_the_tester() {
    let env = fleet();
    env.ok(&[
        "group",
        "set",
        "prod",
        "--set",
        "require_distinct_approver=true",
    ]);
    env.ok(&["-q", "--actor", "alice", "cycle", "start"]);
    pilot_run(&env, "carol", &[], NOW);
    let as_ = |actor: &str, extra: &[&str]| {
        let mut args = vec!["--actor", actor];
        args.extend_from_slice(APPROVE_PROD);
        args.extend_from_slice(extra);
        at(&env, LATER, &args)
    };
    assert_snapshot!("four_eyes_starter", as_("alice", &[]));
    assert_snapshot!("four_eyes_tester", as_("carol", &[]));
    // The emergency lane needs a reason, is flagged, and does not bypass four eyes.
    assert_snapshot!(
        "four_eyes_emergency",
        as_(
            "alice",
            &["--emergency", "--reason", "exploited in the wild"]
        )
    );
    // Declining is no approval: anyone may.
    let declined = env
        .cmd(&[
            "--actor",
            "alice",
            "--yes",
            "approve",
            "--group",
            "prod",
            "--decision",
            "decline",
        ])
        .env("PATCHCYCLE_NOW", LATER)
        .output()
        .unwrap();
    assert_eq!(declined.status.code(), Some(0));
    assert_snapshot!("four_eyes_other", as_("bob", &[]));
}

#[test]
fn approve_auto_keeps_four_eyes() {
    let env = fleet();
    env.ok(&[
        "group",
        "set",
        "prod",
        "--set",
        "require_distinct_approver=true",
        "--set",
        "approve_rules=[{ class = \"all\", after = \"0d\" }]",
    ]);
    // The cron job runs as the account that started the cycle: nothing is approved.
    env.ok(&["-q", "cycle", "start"]);
    pilot_run(&env, "carol", &[], NOW);
    assert_snapshot!("auto_four_eyes", at(&env, LATER, &["approve", "--auto"]));
    let n: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM approvals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn cycle_show_lists_the_frozen_set_in_every_list_format() {
    let env = fleet();
    // A host in no ring still counts among those the patch affects.
    env.ok(&["host", "add", "lab1"]);
    let f = env.file("lab1.out", &collection());
    env.ok(&[
        "-q",
        "scan",
        "--import",
        f.to_str().unwrap(),
        "--host",
        "lab1",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    env.ok(&[
        "note",
        "add",
        "--package",
        "libssl3",
        "restart nginx and postfix after upgrading",
    ]);
    assert_snapshot!("cycle_show", env.snap(&["cycle", "show"]));
    assert_snapshot!(
        "cycle_show_json",
        env.snap(&["cycle", "show", "2026-11", "--format", "json"])
    );
    assert_snapshot!(
        "cycle_show_csv",
        env.snap(&["cycle", "show", "--format", "csv"])
    );
    assert_snapshot!(
        "cycle_show_markdown",
        env.snap(&["--format", "markdown", "cycle", "show"])
    );
    // Markdown is for `cycle show` (and `report`), not for every list.
    assert_snapshot!(
        "cycle_list_markdown",
        env.snap(&["cycle", "list", "--format", "markdown"])
    );
    assert_snapshot!(
        "cycle_show_unknown",
        env.snap(&["cycle", "show", "1999-01"])
    );
}

#[test]
fn a_dry_run_before_approval_is_a_preview() {
    let env = fleet();
    env.ok(&["group", "set", "prod", "--window", "daily 22:00-23:00 UTC"]);
    env.ok(&["-q", "cycle", "start"]);
    assert_snapshot!(
        "preview_dry_run",
        env.snap(&["deploy", "--group", "prod", "--dry-run"])
    );
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "deploy",
        "--group",
        "prod",
        "--dry-run",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        json["preview"],
        "group prod has no approval in cycle 2026-11"
    );
    assert_eq!(json["hosts"][0]["host"], "w1");
    assert_eq!(json["hosts"][0]["targets"][0]["to"], "3.0.17-1~deb12u3");
    // A real run is still refused, and nothing was recorded.
    let run = env.run(&["--yes", "deploy", "--group", "prod"]);
    assert_eq!(run.status.code(), Some(1));
    // After a deferral: still a preview, saying so.
    env.ok(&["--yes", "approve", "--group", "prod", "--decision", "defer"]);
    let deferred = env.ok(&["deploy", "--group", "prod", "--dry-run"]);
    assert!(
        deferred.starts_with(
            "preview: not approved (group prod's latest decision in cycle 2026-11 is defer)"
        ),
        "{deferred}"
    );
    // Once approved, the plan that will run: no preview line, the change reference.
    pilot_run(&env, "tester", &[], NOW);
    at(&env, LATER, APPROVE_PROD);
    assert_snapshot!(
        "approved_dry_run",
        at(&env, LATER, &["deploy", "--group", "prod", "--dry-run"])
    );
    let n: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM deployments d JOIN groups g ON g.id = d.group_id \
             WHERE g.name = 'prod'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

/// A Windows Server 2022 host one month behind, from the real MSRC documents and its
/// recorded collector output: its cumulative update is shown as a KB with its CVEs, and
/// a preview of its group's deploy names the KB.
#[test]
fn cycle_show_and_the_preview_name_a_windows_kb() {
    let data = |p: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(p)
            .display()
            .to_string()
    };
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &data(""), "msrc"]);
    env.ok(&["group", "add", "win", "--order", "1"]);
    env.ok(&[
        "host",
        "add",
        "win1",
        "Administrator@127.0.0.1:1",
        "-g",
        "win",
        "--platform",
        "windows",
    ]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &data("windows/server2022-month-behind.txt"),
        "--host",
        "win1",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    assert_snapshot!("windows_cycle_show", env.snap(&["cycle", "show"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["cycle", "show", "--format", "json"])).unwrap();
    assert_eq!(json[0]["ecosystem"], "Windows");
    assert_eq!(
        json[0]["hosts_by_group"],
        serde_json::json!([{"group": "win", "hosts": 1}])
    );
    assert_snapshot!(
        "windows_preview",
        env.snap(&["deploy", "--group", "win", "--dry-run"])
    );
}
