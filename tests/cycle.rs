//! The cycle state machine: start, status, approve behind the ring gate, emergency
//! lane, close; every refusal with its message and exit code.

mod common;

use common::cli::{Env, NOW};
use insta::assert_snapshot;

const TOKEN: &str = "00112233445566778899aabbccddeeff";

/// Saved collector output of a Debian 12 host with pending security updates.
fn collection(libssl_target: &str) -> String {
    let s = |name: &str| format!("@@PC {TOKEN} {name}\n");
    format!(
        "@@PC {TOKEN} BEGIN 1\n{}ID=debian\nVERSION_ID=\"12\"\n{}6.1.0-26-amd64\n{}no\n{}\
         libssl3:amd64\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\tii \n\
         bash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \n\
         tzdata\t2024a-0+deb12u1\ttzdata\t2024a-0+deb12u1\tii \n{}\
         Inst libssl3 [3.0.15-1~deb12u1] ({libssl_target} Debian-Security:12/oldstable-security [amd64])\n\
         Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.12/oldstable [all])\n{}",
        s("os-release"),
        s("uname"),
        s("reboot"),
        s("dpkg"),
        s("apt-sim"),
        s("END"),
    )
}

/// The small mirror of real catalogue data (tests/data/mirror-small).
pub fn mirror_small() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mirror-small")
        .display()
        .to_string()
}

/// Groups pilot (0), prod (2) and dmz (3), one scanned host each, matched against a
/// current catalogue (without one every host is unknown and no cycle can start).
fn fleet() -> Env {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    for (g, order) in [("pilot", "0"), ("prod", "2"), ("dmz", "3")] {
        env.ok(&["group", "add", g, "--order", order]);
    }
    for (h, g, target) in [
        ("p1", "pilot", "3.0.17-1~deb12u2"),
        ("w1", "prod", "3.0.17-1~deb12u3"),
        ("d1", "dmz", "3.0.17-1~deb12u3"),
    ] {
        env.ok(&["host", "add", h, "-g", g]);
        let f = env.file(&format!("{h}.out"), &collection(target));
        env.ok(&["-q", "scan", "--import", f.to_str().unwrap(), "--host", h]);
    }
    env
}

/// Records a ring result through the library, as `test`/`deploy` will.
fn ring_result(env: &Env, group: &str, kind: &str, success: bool, finished: &str) {
    let db = env.sqlite();
    patchcycle::cycle::state::record_ring_result(
        &db,
        "2026-11",
        group,
        kind,
        success,
        1,
        i64::from(success),
        finished,
        finished,
    )
    .unwrap();
}

fn at(env: &Env, now: &str, args: &[&str]) -> std::process::Output {
    env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap()
}

#[test]
fn start_freezes_the_patch_set_and_refuses_a_second_open_cycle() {
    let env = fleet();
    assert_snapshot!("start", env.snap(&["cycle", "start"]));
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["cycle", "list", "--format", "json"])).unwrap();
    assert_eq!(list[0]["name"], "2026-11");
    assert_eq!(list[0]["cutoff"], "2026-11-10"); // Patch Tuesday of November 2026
    assert_eq!(list[0]["patches"], 1); // libssl3 only: tzdata's update is not a security one
    let target: String = env
        .sqlite()
        .query_row(
            "SELECT target FROM cycle_patches WHERE package = 'libssl3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        target, "3.0.17-1~deb12u3",
        "the highest candidate any host was offered"
    );
    assert_snapshot!("start_again", env.snap(&["cycle", "start", "2026-11b"]));
    assert_snapshot!("status_initial", env.snap(&["cycle", "status"]));
}

#[test]
fn approval_follows_the_rings_and_their_soak() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    // prod before pilot passed: refused by the gate (exit 1).
    assert_snapshot!(
        "prod_before_pilot",
        env.snap(&["--yes", "approve", "--group", "prod", "--change", "CHG-2"])
    );
    // Without a terminal and without --yes it never prompts (stdin is closed here).
    assert_snapshot!("no_tty_no_yes", env.snap(&["approve", "--group", "pilot"]));
    assert_snapshot!(
        "pilot_ok",
        env.snap(&["--yes", "approve", "--group", "pilot", "--change", "CHG-1"])
    );
    // The pilot passed its test just now: prod must wait for the pilot's soak (1d).
    ring_result(&env, "pilot", "test", true, NOW);
    assert_snapshot!(
        "prod_soaking",
        env.snap(&["--yes", "approve", "--group", "prod", "--change", "CHG-2"])
    );
    // A day and an hour later the gate is open.
    let out = at(
        &env,
        "2026-11-11T10:00:00Z",
        &["--yes", "approve", "--group", "prod", "--change", "CHG-2"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // dmz waits for prod's deploy; the emergency lane bypasses it, audited.
    let out = at(
        &env,
        "2026-11-11T10:00:00Z",
        &["--yes", "approve", "--group", "dmz"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: approval of dmz (ring 3) refused: ring 2 (prod) has no test or deploy result for this cycle\n\
         hint: wait for the lower ring, or use --emergency --reason TEXT (audited)\n"
    );
    let out = at(
        &env,
        "2026-11-11T10:00:00Z",
        &["--yes", "approve", "--group", "dmz", "--emergency"],
    );
    assert_eq!(out.status.code(), Some(2), "--emergency without --reason");
    let out = at(
        &env,
        "2026-11-11T10:00:00Z",
        &[
            "--yes",
            "approve",
            "--group",
            "dmz",
            "--emergency",
            "--reason",
            "KEV exploited in the wild",
            "--change",
            "EMG-7",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let action: String = env
        .sqlite()
        .query_row(
            "SELECT action FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(action, "approve.emergency");
    let status = at(
        &env,
        "2026-11-11T10:00:00Z",
        &["cycle", "status", "--format", "json"],
    );
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let by = |g: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["group"] == g)
            .unwrap()
            .clone()
    };
    assert_eq!(by("pilot")["state"], "tested");
    assert_eq!(by("prod")["state"], "approved");
    assert_eq!(by("prod")["change_ref"], "CHG-2");
    assert_eq!(by("dmz")["emergency"], true);
    assert_eq!(env.run(&["audit", "verify"]).status.code(), Some(0));
}

#[test]
fn a_failed_pilot_blocks_and_decisions_are_recorded() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    ring_result(&env, "pilot", "test", false, NOW);
    let out = at(
        &env,
        "2026-11-20T00:00:00Z",
        &["--yes", "approve", "--group", "prod"],
    );
    assert_eq!(out.status.code(), Some(1));
    // The default policy wants every pilot host to have succeeded.
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("pilot: 0 of 1 hosts succeeded (0 %), needs 100 %")
    );
    // Declining and deferring are not gated.
    env.ok(&[
        "--yes",
        "approve",
        "--group",
        "prod",
        "--decision",
        "decline",
        "--comment",
        "pilot broke nginx",
    ]);
    env.ok(&["--yes", "approve", "--group", "dmz", "--decision", "defer"]);
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(&["cycle", "status", "--format", "json"])).unwrap();
    let states: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["failed", "declined", "deferred"]);
    // A selection that matches nothing approves nothing.
    let out = env.run(&[
        "--yes",
        "approve",
        "--group",
        "pilot",
        "--package",
        "nosuch",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn close_is_refused_while_approved_work_is_open() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    env.ok(&["--yes", "approve", "--group", "pilot", "--change", "CHG-1"]);
    assert_snapshot!("close_refused", env.snap(&["cycle", "close"]));
    ring_result(&env, "pilot", "test", true, NOW);
    assert_snapshot!("close_ok", env.snap(&["cycle", "close"]));
    assert_snapshot!("close_again", env.snap(&["cycle", "close", "2026-11"]));
    assert_snapshot!("status_after", env.snap(&["cycle", "status"]));
    // A closed cycle takes no approvals; a new one can start.
    let out = env.run(&["--yes", "approve", "--group", "prod", "--cycle", "2026-11"]);
    assert_eq!(out.status.code(), Some(2));
    env.ok(&[
        "-q",
        "cycle",
        "start",
        "2026-11-oob",
        "--cutoff",
        "2026-11-20",
    ]);
}

#[test]
fn notes_are_kept_and_audited() {
    let env = Env::init();
    env.ok(&[
        "note",
        "add",
        "--advisory",
        "CVE-2024-5535",
        "only affects NPN users; none here",
    ]);
    env.ok(&[
        "note",
        "add",
        "--package",
        "openssl",
        "restart nginx and postfix after upgrading",
    ]);
    assert_snapshot!("notes", env.snap(&["note", "list"]));
    let out = env.run(&["note", "add", "text without subject"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn auto_approval_follows_policy_classes_and_the_gate() {
    let env = fleet();
    env.ok(&[
        "group",
        "set",
        "prod",
        "--set",
        "auto_approve=[\"kev\", \"security\"]",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    assert_snapshot!("auto_blocked", env.snap(&["approve", "--auto"]));
    ring_result(&env, "pilot", "test", true, NOW);
    let out = at(&env, "2026-11-12T00:00:00Z", &["approve", "--auto"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "prod: auto-approved 1 patch(es)\n"
    );
    let again = at(&env, "2026-11-12T00:00:00Z", &["approve", "--auto"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "nothing to auto-approve\n"
    );
    let (actor, action): (String, String) = env
        .sqlite()
        .query_row(
            "SELECT actor, action FROM audit WHERE action LIKE 'approve%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("tester", "approve.auto")
    );
    // --auto cannot be combined with a manual selection or the emergency lane.
    assert_eq!(
        env.run(&["approve", "--auto", "--group", "prod"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn deferral_is_bounded_by_policy_and_shown() {
    let env = fleet();
    env.ok(&["group", "set", "prod", "--set", "max_deferral_days=7"]);
    assert_snapshot!(
        "defer_too_long",
        env.snap(&[
            "host",
            "defer",
            "w1",
            "--until",
            "2026-11-30",
            "--reason",
            "quarter close"
        ])
    );
    assert_snapshot!(
        "defer_ok",
        env.snap(&[
            "host",
            "defer",
            "w1",
            "--until",
            "2026-11-15",
            "--reason",
            "quarter close"
        ])
    );
    env.ok(&["-q", "cycle", "start"]);
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(&["cycle", "status", "--format", "json"])).unwrap();
    assert_eq!(status[1]["group"], "prod");
    assert_eq!(status[1]["deferred"], 1);
    // The deferral covers its last day, then ends by itself.
    let later = at(
        &env,
        "2026-11-16T00:00:01Z",
        &["cycle", "status", "--format", "json"],
    );
    let later: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later[1]["deferred"], 0);
    env.ok(&["host", "defer", "w1", "--clear"]);
    let h: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "w1", "--format", "json"])).unwrap();
    assert!(h["deferred_until"].is_null());
    let actions: Vec<String> = env
        .sqlite()
        .prepare("SELECT action FROM audit WHERE object = 'w1' AND action LIKE 'host.%defer'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, ["host.defer", "host.undefer"]);
}

#[test]
fn notify_runs_on_approval_with_data_in_the_environment() {
    let env = fleet();
    let log = env.home().join("notify.log");
    let cmd = format!(
        "notify=\"echo $PATCHCYCLE_CYCLE $PATCHCYCLE_GROUP $PATCHCYCLE_CHANGE >> {0}; cat $PATCHCYCLE_PATCHES >> {0}\"",
        log.display()
    );
    env.ok(&["group", "set", "pilot", "--set", &cmd]);
    env.ok(&["group", "set", "prod", "--set", "notify=\"exit 3\""]);
    env.ok(&["-q", "cycle", "start"]);
    env.ok(&["--yes", "approve", "--group", "pilot", "--change", "CHG-1"]);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "2026-11 pilot CHG-1\nDebian:12 libssl3 3.0.17-1~deb12u3\n"
    );
    // A failing notify is reported and audited; the decision stands.
    let out = env.run(&[
        "--yes",
        "approve",
        "--group",
        "prod",
        "--emergency",
        "--reason",
        "test",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: notify for prod failed (exit status: 3"),
        "{stderr}"
    );
    let n: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'notify.failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn deploy_results_move_groups_to_deployed_or_failed() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    env.ok(&["--yes", "approve", "--group", "pilot"]);
    ring_result(&env, "pilot", "test", true, NOW);
    let later = "2026-11-12T00:00:00Z";
    assert_eq!(
        at(&env, later, &["--yes", "approve", "--group", "prod"])
            .status
            .code(),
        Some(0)
    );
    // Approved but not deployed: close is refused.
    assert_eq!(at(&env, later, &["cycle", "close"]).status.code(), Some(2));
    ring_result(&env, "prod", "deploy", true, later);
    ring_result(&env, "dmz", "deploy", false, later);
    let status = at(&env, later, &["cycle", "status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let states: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["tested", "deployed", "failed"]);
    assert_eq!(at(&env, later, &["cycle", "close"]).status.code(), Some(0));
}

/// On a terminal, approve shows the patch set (with knowledge-base notes) for selection
/// and asks for confirmation. Driven through tmux; skipped without it (not under CI).
#[test]
fn approve_on_a_terminal_picks_and_confirms() {
    use std::process::Command;
    use std::time::{Duration, Instant};
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required under CI"
        );
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let env = fleet();
    env.ok(&["-q", "cycle", "start"]);
    env.ok(&[
        "-q",
        "note",
        "add",
        "--package",
        "libssl3",
        "restart nginx after upgrading",
    ]);
    let socket = env.home().join("tmux.sock");
    let bin = env!("CARGO_BIN_EXE_patchcycle");
    let script = format!(
        "cd '{home}' && HOME='{home}' USER=tester PATCHCYCLE_NOW={NOW} NO_COLOR=1 '{bin}' approve --group pilot --change CHG-T; echo EXIT=$?; sleep 20",
        home = env.home().display()
    );
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(args)
            .output()
            .expect("tmux")
    };
    assert!(
        tmux(&["new-session", "-d", "-x", "200", "-y", "20", &script])
            .status
            .success()
    );
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let wait_for = |needle: &str| {
        let start = Instant::now();
        loop {
            let s = screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waiting for {needle:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let picker = wait_for("esc/q: cancel");
    assert!(
        picker.contains("[x] Debian:12 libssl3 -> 3.0.17-1~deb12u3"),
        "{picker}"
    );
    assert!(
        picker.contains("[note: restart nginx after upgrading]"),
        "{picker}"
    );
    tmux(&["send-keys", "Enter"]);
    wait_for("[y/N]");
    tmux(&["send-keys", "y", "Enter"]);
    let done = wait_for("EXIT=");
    tmux(&["kill-server"]);
    assert!(
        done.contains("approved 1 patch of cycle 2026-11 for pilot: 1 high"),
        "{done}"
    );
    assert!(done.contains("EXIT=0"), "{done}");
    let change: String = env
        .sqlite()
        .query_row("SELECT change_ref FROM approvals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(change, "CHG-T");
}

#[test]
fn deploy_plans_and_refusals() {
    let env = fleet();
    env.ok(&["cycle", "start"]);
    // The pilot's plan: exact versions from each host's scan, nothing run.
    assert_snapshot!("test_dry_run", env.snap(&["test", "--dry-run"]));
    assert_snapshot!(
        "test_dry_run_json",
        env.snap(&["test", "--dry-run", "--format", "json"])
    );
    // Production without an approval.
    assert_snapshot!(
        "deploy_unapproved",
        env.snap(&["deploy", "--group", "prod", "--yes"])
    );
    assert_snapshot!(
        "deploy_unknown_group",
        env.snap(&["deploy", "--group", "nope", "--yes"])
    );
    assert_snapshot!(
        "deploy_now_needs_reason",
        env.snap(&["deploy", "--group", "prod", "--now"])
    );
    assert_snapshot!(
        "deploy_nothing_to_resume",
        env.snap(&["deploy", "--group", "prod", "--resume", "--yes"])
    );
    assert_snapshot!("rollback_unknown", env.snap(&["rollback", "99", "--yes"]));
    // Without a terminal, a real run needs --yes.
    assert_snapshot!("test_needs_yes", env.snap(&["test"]));
    // Outside the window, refused with the next opening; the dry run says so too.
    env.ok(&["group", "set", "pilot", "--window", "daily 22:00-23:00 UTC"]);
    assert_snapshot!("test_outside_window", env.snap(&["test", "--yes"]));
    // A window is shown in its own zone, with the weekday, wherever it appears.
    env.ok(&[
        "group",
        "set",
        "pilot",
        "--window",
        "Tue,Thu 22:00-02:00 Europe/Berlin",
    ]);
    assert_snapshot!("test_outside_berlin_window", env.snap(&["test", "--yes"]));
    let dry_run = env.ok(&["test", "--dry-run"]);
    assert!(
        dry_run.contains(
            "\nwindow    Tue,Thu 22:00-02:00 Europe/Berlin (closed; next opens \
             Tue 2026-11-10 22:00–02:00 Europe/Berlin)\n"
        ),
        "{dry_run}"
    );
    assert_snapshot!("status_berlin_window", env.snap(&["cycle", "status"]));
    env.ok(&["group", "set", "pilot", "--window", "daily 22:00-23:00 UTC"]);
    // A snapshot provider that is not built is refused when it is set.
    assert_snapshot!(
        "unbuilt_snapshot",
        env.snap(&["group", "set", "pilot", "--set", "snapshot=\"lvm\""])
    );
    assert_snapshot!("deploy_list_empty", env.snap(&["deploy", "--list"]));
    assert_snapshot!("test_status_untested", env.snap(&["test", "--status"]));
    // Nothing was recorded by any of it.
    let n: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM deployments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn notify_runs_before_a_test_with_the_event() {
    let env = fleet();
    let log = env.home().join("notify.log");
    let cmd = format!(
        "notify=\"echo $PATCHCYCLE_EVENT $PATCHCYCLE_GROUP >> {0}; cat $PATCHCYCLE_PATCHES >> {0}\"",
        log.display()
    );
    env.ok(&["group", "set", "pilot", "--set", &cmd]);
    // Nothing listens on 127.0.0.1:1: the host fails, the notification went out first.
    env.ok(&["host", "set", "p1", "--destination", "127.0.0.1:1"]);
    env.ok(&["-q", "cycle", "start"]);
    let out = env.run(&["--yes", "test"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        common::cli::render(&env, &out)
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "test pilot\nDebian:12 libssl3 3.0.17-1~deb12u3\n"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unreachable"), "{stdout}");
}

/// A pilot test of three hosts, every host done, written through the library
/// (`deploy::create`) with the engine's per-host progress set by SQL, as the engine
/// would leave it (the engine itself needs hosts to ssh into: the lab tests run it).
fn done_pilot_test(env: &Env) -> i64 {
    use patchcycle::cycle::{deploy, plan};
    env.ok(&["host", "add", "p2", "-g", "pilot"]);
    env.ok(&["host", "add", "p10", "-g", "pilot"]);
    for h in ["p2", "p10"] {
        let f = env.file(&format!("{h}.out"), &collection("3.0.17-1~deb12u2"));
        env.ok(&["-q", "scan", "--import", f.to_str().unwrap(), "--host", h]);
    }
    env.ok(&["-q", "cycle", "start"]);
    let mut db = env.sqlite();
    let g = patchcycle::inventory::require_group(&db, "pilot").unwrap();
    let now = patchcycle::clock::parse(NOW).unwrap();
    let p = plan::build(&db, None, &g, plan::Kind::Test, now).unwrap();
    assert_eq!(p.planned().count(), 3);
    let id = deploy::create(&mut db, &p, "tester", None, false).unwrap();
    let before = r#"{"changes":[{"package":"libssl3","from":"3.0.15-1~deb12u1","to":"3.0.17-1~deb12u2"}],"boot_id":"b","systemd":"running"}"#;
    db.execute(
        "UPDATE deployment_hosts SET state = 'done', step = 'after', before = ?2, \
         rollback_dir = '/var/cache/patchcycle/1', started = ?3, finished = ?3 \
         WHERE deployment_id = ?1",
        rusqlite::params![id, before, NOW],
    )
    .unwrap();
    db.execute(
        "UPDATE deployments SET state = 'done', started = ?2, finished = ?2 WHERE id = ?1",
        rusqlite::params![id, NOW],
    )
    .unwrap();
    patchcycle::cycle::state::record_ring_result(
        &db, "2026-11", "pilot", "test", true, 3, 3, NOW, NOW,
    )
    .unwrap();
    id
}

/// What `rollback` records once its hosts answered (the rollback itself runs over ssh).
fn rolled_back(env: &Env, deployment: i64, hosts: &[&str]) -> String {
    use patchcycle::cycle::{deployment, rollback};
    let mut db = env.sqlite();
    let d = deployment::get(&db, deployment).unwrap();
    let rows = rollback::candidates(
        deployment::host_rows(&db, deployment).unwrap(),
        &hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    assert_eq!(rows.len(), hosts.len());
    let results: Vec<_> = rows
        .iter()
        .map(|r| (r, Ok("kept packages reinstalled".to_string())))
        .collect();
    let done = deployment::record_rollback(
        &mut db,
        &d,
        &results,
        "tester",
        rollback::Method::Auto,
        "2026-11-10T10:00:00Z",
    )
    .unwrap();
    done.state.to_string()
}

#[test]
fn a_rollback_of_some_hosts_leaves_the_deployment_partly_rolled_back() {
    let env = fleet();
    let id = done_pilot_test(&env);
    // Through the command, with an ssh that reaches no host: the host's rollback fails,
    // and the deployment keeps its state (nothing was put back).
    let fake = env.file(
        "fake-ssh",
        "#!/bin/sh\nexec 0<&-\necho 'ssh: connect to host p2 port 22: Connection refused' >&2\nexit 255\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    assert_snapshot!(
        "rollback_unreachable",
        env.snap(&[
            "--config",
            cfg.to_str().unwrap(),
            "--yes",
            "rollback",
            &id.to_string(),
            "--host",
            "p2"
        ])
    );
    assert_eq!(
        patchcycle::cycle::deployment::get(&env.sqlite(), id)
            .unwrap()
            .state,
        patchcycle::cycle::deployment::DeploymentState::Done
    );
    assert_eq!(rolled_back(&env, id, &["p2"]), "partly-rolled-back");
    let later = "2026-11-12T00:00:00Z";
    let snap = |args: &[&str]| common::cli::render(&env, &at(&env, later, args));
    assert_snapshot!("partly_rolled_back_list", snap(&["deploy", "--list"]));
    assert_snapshot!("partly_rolled_back_status", snap(&["cycle", "status"]));
    // The ring's result is a failure: the next ring waits for a new pilot test.
    assert_snapshot!(
        "partly_rolled_back_gate",
        snap(&["--yes", "approve", "--group", "prod"])
    );
    let report: serde_json::Value =
        serde_json::from_slice(&at(&env, later, &["report", "--format", "json"]).stdout).unwrap();
    let dep = &report["deployments"][0];
    assert_eq!(dep["state"], "partly-rolled-back");
    assert_eq!(
        (&dep["hosts"], &dep["hosts_done"], &dep["hosts_rolled_back"]),
        (
            &serde_json::json!(3),
            &serde_json::json!(2),
            &serde_json::json!(1)
        )
    );
    // Rolling back p2 again finds nothing to do; the others complete the rollback.
    assert_snapshot!(
        "rollback_nothing_left_on_host",
        env.snap(&["--yes", "rollback", &id.to_string(), "--host", "p2"])
    );
    assert_eq!(rolled_back(&env, id, &["p1", "p10"]), "rolled-back");
    assert_snapshot!("rolled_back_status", snap(&["cycle", "status"]));
    assert_snapshot!(
        "rollback_nothing_left",
        env.snap(&["--yes", "rollback", &id.to_string()])
    );
    let actions: Vec<String> = env
        .sqlite()
        .prepare("SELECT action FROM audit WHERE action LIKE 'test.%' OR action LIKE 'rollback.%' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        actions,
        [
            "test.start",
            "rollback.host",
            "rollback.host",
            "test.partly-rolled-back",
            "rollback.host",
            "rollback.host",
            "test.rolled-back"
        ]
    );
    assert_eq!(env.run(&["audit", "verify"]).status.code(), Some(0));
}

/// `host show`, the scan summary and the report agree on a host whose newest installed
/// kernel is not the running one, although the host's own flag says no reboot.
#[test]
fn reboot_required_is_one_answer_everywhere() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["host", "add", "k1", "-g", "pilot"]);
    env.ok(&["host", "add", "k2", "-g", "pilot"]);
    let newer = collection("3.0.17-1~deb12u2").replace(
        &format!("@@PC {TOKEN} dpkg\n"),
        &format!(
            "@@PC {TOKEN} boot\nvmlinuz-6.1.0-26-amd64\nvmlinuz-6.1.0-28-amd64\n@@PC {TOKEN} dpkg\n"
        ),
    );
    let k1 = env.file("k1.out", &newer);
    let k2 = env.file("k2.out", &collection("3.0.17-1~deb12u2"));
    assert_snapshot!(
        "reboot_scan_summary",
        env.snap(&["scan", "--import", k1.to_str().unwrap(), "--host", "k1"])
    );
    env.ok(&[
        "-q",
        "scan",
        "--import",
        k2.to_str().unwrap(),
        "--host",
        "k2",
    ]);
    let again: serde_json::Value = serde_json::from_str(&env.ok(&[
        "scan",
        "--import",
        k1.to_str().unwrap(),
        "--host",
        "k1",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(again[0]["reboot_required"], true);
    let show = env.ok(&["host", "show", "k1"]);
    let line = show
        .lines()
        .find(|l| l.starts_with("reboot required"))
        .unwrap();
    assert_eq!(
        line,
        "reboot required:  yes (kernel 6.1.0-26-amd64 → 6.1.0-28-amd64)"
    );
    let k2_show = env.ok(&["host", "show", "k2"]);
    assert!(k2_show.contains("reboot required:  no\n"), "{k2_show}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["name"], "k1");
    assert_eq!(json[0]["reboot_required"], true);
    assert_eq!(json[1]["reboot_required"], false);
    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--format", "json"])).unwrap();
    let pending: Vec<(&str, bool)> = report["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap(),
                h["reboot_pending"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(pending, [("k1", true), ("k2", false)]);
    assert_eq!(report["reboots"][0]["host"], "k1");
    assert_eq!(report["reboots"][0]["kernel_update"], true);
    assert_eq!(report["reboots"].as_array().unwrap().len(), 1);
}

/// Hosts come in natural order (h2 before h10) in every list of hosts.
#[test]
fn hosts_are_listed_in_natural_order() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    for h in ["h10", "h2", "h1"] {
        env.ok(&["host", "add", h, "-g", "pilot"]);
        let f = env.file(&format!("{h}.out"), &collection("3.0.17-1~deb12u2"));
        env.ok(&["-q", "scan", "--import", f.to_str().unwrap(), "--host", h]);
    }
    let names = |text: &str| -> Vec<String> {
        text.lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect()
    };
    assert_snapshot!("natural_host_list", env.snap(&["host", "list"]));
    assert_eq!(names(&env.ok(&["findings"])), ["h1", "h2", "h10"]);
    assert_eq!(
        names(&env.ok(&["findings", "--sort", "host"])),
        ["h1", "h2", "h10"]
    );
    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--format", "json"])).unwrap();
    let field = |list: &str, key: &str| -> Vec<String> {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[key].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(field("hosts", "name"), ["h1", "h2", "h10"]);
    assert_eq!(field("findings", "host"), ["h1", "h2", "h10"]);
    let csv = env.ok(&["report", "--format", "csv"]);
    let csv_hosts: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(csv_hosts, ["h1", "h2", "h10"]);
    env.ok(&["-q", "cycle", "start"]);
    assert_eq!(
        names(
            env.ok(&["test", "--dry-run"])
                .split("\n\n")
                .nth(1)
                .unwrap_or_default()
        ),
        ["h1", "h2", "h10"]
    );
    // The scan summary of a group: an ssh that refuses every host, in host order.
    let fake = env.file(
        "fake-ssh",
        "#!/bin/sh\nexec 0<&-\necho 'ssh: connect to host x port 22: Connection refused' >&2\nexit 255\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "scan",
        "--group",
        "pilot",
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        names(&String::from_utf8_lossy(&out.stdout)),
        ["h1", "h2", "h10"]
    );
}

/// A host whose ssh prints escape sequences (set the title, clear the screen) on a
/// failed rollback: `-v` progress, the summary and the error line show the reason
/// without them (issue #18, item 5).
#[test]
fn a_hosts_escape_sequences_never_reach_the_terminal_on_rollback() {
    let env = fleet();
    let id = done_pilot_test(&env);
    let fake = env.file(
        "fake-ssh",
        "#!/bin/sh\ncat >/dev/null\nprintf 'ssh: \\033]0;PWNED\\007\\033[2Jconnect to host p2 port 22: Connection refused\\n' >&2\nexit 255\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "-v",
        "--yes",
        "rollback",
        &id.to_string(),
        "--host",
        "p2",
    ]);
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !bytes.iter().any(|b| matches!(b, 0x1b | 0x07)),
            "control byte in {stream}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    assert_snapshot!(
        "rollback_hostile_ssh",
        common::cli::redact_timings(&common::cli::render(&env, &out))
    );
}
