//! Services that need a restart, from collector output the real collector produced on a
//! lab host (tests/data/collect/restart-*.out): a SysV daemon running perl and the
//! host's sshd (PID 1) keep the replaced perl and libcrypto mapped after an upgrade.

mod common;

use common::cli::{Env, collect};
use insta::assert_snapshot;

/// h1 scanned before the upgrade (pending security updates of perl-base and libssl3 are
/// findings), then after it (no longer pending, but still mapped by running processes).
fn scanned_twice() -> Env {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-before.out"),
        "--host",
        "h1",
    ]);
    env
}

#[test]
fn scan_names_what_still_runs_old_code() {
    let env = scanned_twice();
    assert_snapshot!(env.snap(&[
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1"
    ]));
}

#[test]
fn findings_fixed_on_disk_stay_open_until_restarted() {
    let env = scanned_twice();
    let before = env.ok(&["findings", "--format", "json"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    assert_snapshot!(env.snap(&["findings", "--sort", "package"]));
    let after: serde_json::Value =
        serde_json::from_str(&env.ok(&["findings", "--format", "json"])).unwrap();
    let rows = after.as_array().unwrap();
    let pending: Vec<(&str, &serde_json::Value)> = rows
        .iter()
        .filter(|r| r.get("restart_pending").is_some())
        .map(|r| (r["package"].as_str().unwrap(), &r["restart_pending"]))
        .collect();
    assert_eq!(
        pending,
        [
            (
                "libssl3",
                &serde_json::json!(["1 sshd (PID 1, reboot)", "25 sshd"])
            ),
            ("perl-base", &serde_json::json!(["pcdemo (sysv)"])),
        ]
    );
    // The other findings of the first scan were not upgraded: they are as before.
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(before.as_array().unwrap().len(), rows.len());
    // A third scan of the same state keeps them open (carried from the carried rows).
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    let again: serde_json::Value =
        serde_json::from_str(&env.ok(&["findings", "--format", "json"])).unwrap();
    assert_eq!(again, after);
    // And the gate counts them: a reboot is pending too (PID 1).
    assert_snapshot!(env.snap(&["findings", "--package", "perl-base", "--fail-on", "any"]));
}

#[test]
fn host_show_lists_processes_files_and_packages() {
    let env = scanned_twice();
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    assert_snapshot!(env.snap(&["host", "show", "h1"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "h1", "--format", "json"])).unwrap();
    assert_eq!(json["restart"]["check"], "live");
    assert_eq!(
        json["restart"]["decision"]["services"],
        serde_json::json!([{"kind": "sysv", "name": "pcdemo"}])
    );
    assert_eq!(
        json["restart"]["decision"]["reboot_only"],
        serde_json::json!([{"process": "1 sshd", "reason": "init"}])
    );
    assert_eq!(
        json["restart"]["processes"][2]["files"],
        serde_json::json!(["/usr/bin/perl"])
    );
    assert_eq!(json["reboot_required"], true);
}

#[test]
fn a_first_scan_invents_no_finding_and_old_output_is_not_checked() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    env.ok(&["host", "add", "h2"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("bookworm-base.out"),
        "--host",
        "h2",
    ]);
    let rows: serde_json::Value =
        serde_json::from_str(&env.ok(&["findings", "--format", "json"])).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("restart_pending").is_none())
    );
    let h2 = env.ok(&["host", "show", "h2"]);
    assert!(
        h2.contains(
            "restart:          - (not checked: the last scan's collector had no restart check)"
        ),
        "{h2}"
    );
}

#[test]
fn the_report_counts_them_open_and_says_why() {
    let env = scanned_twice();
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    let out = env.run(&["report", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pending: Vec<(&str, &serde_json::Value)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("restart_pending").is_some())
        .map(|f| (f["package"].as_str().unwrap(), &f["restart_pending"]))
        .collect();
    assert_eq!(
        pending,
        [
            (
                "libssl3",
                &serde_json::json!(["1 sshd (PID 1, reboot)", "25 sshd"])
            ),
            ("perl-base", &serde_json::json!(["pcdemo (sysv)"])),
        ]
    );
    assert_eq!(r["hosts"][0]["open_findings"], 13);
    // The report's JSON Schema knows the field.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/schemas/report-v2.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&r)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(r["hosts"][0]["reboot_pending"], true);
    let table = env.run(&["report"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("- (restart pending: pcdemo (sysv))"),
        "{text}"
    );
}

#[test]
fn the_ansible_engine_refuses_a_restart_policy_by_name() {
    let env = Env::init();
    env.ok(&[
        "group",
        "add",
        "pilot",
        "--order",
        "0",
        "--set",
        "restart=services",
    ]);
    env.ok(&["host", "add", "h1", "-g", "pilot"]);
    assert_snapshot!(env.snap(&["--yes", "test", "--engine", "ansible"]));
    // Any other value is refused by the policy's own check.
    assert_snapshot!(env.snap(&["group", "set", "pilot", "--set", "restart=sometimes"]));
}

#[test]
fn scan_json_carries_the_restart_state() {
    let env = scanned_twice();
    let out = env.ok(&[
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
        "--format",
        "json",
    ]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &s[0]["restart"];
    assert_eq!(r["check"], "live", "{s}");
    assert_eq!(
        r["services"],
        serde_json::json!([{"kind": "sysv", "name": "pcdemo"}])
    );
    assert_eq!(
        r["reboot_only"],
        serde_json::json!([{"process": "1 sshd", "reason": "init"}])
    );
    assert_eq!(r["no_service"], serde_json::json!(["25 sshd"]));
    assert_eq!(r["restart_pending_findings"], 2);
    assert_eq!(s[0]["reboot_required"], true);
    // Output of a collector without the section: nothing is claimed either way.
    let out = env.ok(&[
        "scan",
        "--import",
        &collect("bookworm-base.out"),
        "--host",
        "h1",
        "--format",
        "json",
    ]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(s[0].get("restart").is_none(), "{s}");
}

/// A running program whose file is deleted, on this machine: one with a plain name, one
/// whose file name (and so its process name) carries terminal escapes.
#[test]
fn a_local_scan_lists_deleted_programs_and_refuses_hostile_names() {
    // Not under /tmp, /var/tmp or /run: the collector skips files there, as needrestart
    // does (scratch files come and go), and a clone in /tmp has its target dir there.
    let skipped = ["/tmp/", "/var/tmp/", "/run/", "/var/run/", "/dev/"];
    let under_skipped = |p: &str| skipped.iter().any(|s| format!("{p}/").starts_with(s));
    let base = [
        env!("CARGO_TARGET_TMPDIR").to_string(),
        std::env::var("HOME").unwrap_or_default(),
        "/var/lib".to_string(),
    ]
    .into_iter()
    .find(|p| p.starts_with('/') && !under_skipped(p) && std::path::Path::new(p).is_dir())
    .expect("a directory outside /tmp, /var/tmp and /run for the test's programs");
    let dir = tempfile::Builder::new()
        .prefix("restart-local")
        .tempdir_in(&base)
        .unwrap();
    let plain = dir.path().join("pcdeleted-ok");
    let hostile = dir.path().join("pc\u{1b}]0;x\u{7}evil");
    let mut children = Vec::new();
    for p in [&plain, &hostile] {
        std::fs::copy("/bin/sleep", p).unwrap();
        // Another test's fork may still hold the copy open for writing for a moment
        // (ETXTBSY): try again, a bounded number of times.
        let mut tries = 0;
        let child = loop {
            match std::process::Command::new(p).arg("60").spawn() {
                Err(e) if e.raw_os_error() == Some(26) && tries < 40 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other.unwrap(),
            }
        };
        children.push(child);
    }
    let pids: Vec<u32> = children.iter().map(std::process::Child::id).collect();
    // Mapped, then deleted: what an upgrade does to the old build.
    std::thread::sleep(std::time::Duration::from_millis(300));
    for p in [&plain, &hostile] {
        std::fs::remove_file(p).unwrap();
    }
    let env = Env::init();
    let out = env.run(&["-q", "scan", "--local", "--host", "me"]);
    let text = env.ok(&["host", "show", "me"]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "me", "--format", "json"])).unwrap();
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        common::cli::render(&env, &out)
    );
    assert_eq!(json["restart"]["check"], "live", "{json}");
    let procs = json["restart"]["processes"].as_array().unwrap();
    let find = |pid: u32| {
        procs
            .iter()
            .find(|p| p["pid"] == pid)
            .unwrap_or_else(|| panic!("pid {pid} not listed: {json}"))
    };
    let ok = find(pids[0]);
    assert_eq!(ok["name"], "pcdeleted-ok");
    assert_eq!(ok["exe_deleted"], true);
    assert_eq!(
        ok["files"],
        serde_json::json!([plain.display().to_string()])
    );
    assert_eq!(ok["service"], serde_json::Value::Null);
    // The hostile one is listed all the same, its name and path refused.
    let evil = find(pids[1]);
    assert_eq!(evil["name"], "(name refused)", "{evil}");
    assert_eq!(evil["files_refused"], 1, "{evil}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("no service known:"), "{text}");
}

#[test]
fn a_sync_rematch_keeps_the_findings_kept_open() {
    let env = scanned_twice();
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("restart-after.out"),
        "--host",
        "h1",
    ]);
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    let out = env.run(&["sync", "--from", shared.to_str().unwrap(), "osv:Debian"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("re-matched 1 host"),
        "{err}"
    );
    let rows: serde_json::Value =
        serde_json::from_str(&env.ok(&["findings", "--format", "json"])).unwrap();
    let pending: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("restart_pending").is_some())
        .map(|r| r["package"].as_str().unwrap())
        .collect();
    assert_eq!(pending, ["libssl3", "perl-base"], "{rows}");
}
