//! The cycle for Windows hosts, from the real MSRC documents (tests/data/msrc) and the
//! recorded Windows collector output (tests/data/windows): the missing cumulative
//! update is frozen as a KB patch, approved by a CVE it fixes, refused by name by the
//! built-in engine, run through the real `ansible-playbook` (the pinned PyPI Ansible of
//! tests/install-deps.sh) against a loopback port where no host answers, and a Windows
//! host without a snapshot is refused a rollback by name.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, render};
use insta::assert_snapshot;

fn data(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(p)
        .display()
        .to_string()
}

/// PATH with `dir` first.
fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// The venv of the pinned PyPI Ansible (with the ansible.windows collection).
fn venv_bin() -> PathBuf {
    let bin = std::env::var_os("PATCHCYCLE_ANSIBLE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/patchcycle-ansible"))
        .join("bin");
    assert!(
        bin.join("ansible-playbook").exists(),
        "{} has no ansible-playbook: run tests/install-deps.sh",
        bin.display()
    );
    bin
}

/// A Windows Server 2022 host one month behind (its ssh destination a loopback port
/// where nothing listens), scanned from its recorded output, and the cycle started.
fn windows_env() -> Env {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &data(""), "msrc"]);
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&[
        "host",
        "add",
        "win1",
        "Administrator@127.0.0.1:1",
        "-g",
        "pilot",
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
    env
}

#[test]
fn a_windows_kb_is_frozen_approved_by_cve_and_refused_by_the_builtin_engine() {
    let env = windows_env();
    assert_snapshot!("win_cycle_start", env.snap(&["cycle", "start"]));
    assert_snapshot!("win_test_plan", env.snap(&["test", "--dry-run"]));
    // The built-in engine refuses the Windows host by name, before anything is recorded.
    assert_snapshot!("win_builtin_refused", env.snap(&["--yes", "test"]));
    // A CVE the cumulative update fixes selects the KB.
    let cve = {
        let db = env.sqlite();
        let adv: String = db
            .query_row(
                "SELECT advisories FROM cycle_patches WHERE package = 'KB5094128'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let list: Vec<String> = serde_json::from_str(&adv).unwrap();
        list.into_iter().find(|a| a.starts_with("CVE-")).unwrap()
    };
    let approved = env.run(&[
        "--yes",
        "approve",
        "-g",
        "pilot",
        "--advisory",
        &cve,
        "--change",
        "CAB-22",
        "--format",
        "json",
    ]);
    assert_eq!(
        approved.status.code(),
        Some(0),
        "{}",
        render(&env, &approved)
    );
    let db = env.sqlite();
    let packages: String = db
        .query_row("SELECT packages FROM approvals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(packages, r#"[["Windows","KB5094128","10.0.20348.5256"]]"#);
    assert_snapshot!(
        "win_deploy_builtin_refused",
        env.snap(&["--yes", "deploy", "-g", "pilot"])
    );
}

#[test]
fn the_ansible_engine_runs_the_win_updates_play_and_an_unreached_host_stays_untouched() {
    let env = windows_env();
    env.ok(&["-q", "cycle", "start"]);
    let out = env
        .cmd(&["--yes", "test", "--engine", "ansible"])
        .env("PATH", path_with(&venv_bin()))
        .output()
        .unwrap();
    assert_snapshot!("win_ansible_unreached", render(&env, &out));
    // The play patchcycle wrote, as ansible-playbook ran it.
    let dir = env.db().with_extension("db.ansible");
    let wave = dir.join("deployment-1/windows-wave-1");
    let inventory = std::fs::read_to_string(wave.join("inventory.yml")).unwrap();
    assert!(inventory.contains(r#""pc_kbs": ["#), "{inventory}");
    assert!(inventory.contains(r#""KB5094128""#), "{inventory}");
    assert!(inventory.contains(r#""ansible_shell_type": "powershell""#));
    assert!(inventory.contains(r#""KB5094128(?![0-9])""#), "{inventory}");
    let log = std::fs::read_to_string(wave.join("ansible.log")).unwrap();
    assert!(log.contains("unreachable=1"), "{log}");
}

/// Stands in for ansible-playbook on a Windows host this project has not got: writes,
/// for each host of the inventory, win_updates' registered results as its RETURN docs
/// shape them (tests/ansible_windows.rs checks that shape against ansible-doc): the
/// approved KBs installed, rebooted, nothing still offered.
const WINDOWS_HOST_STAND_IN: &str = r#"#!/usr/bin/python3
import json, sys
inv = json.load(open("inventory.yml"))["all"]
for name, h in inv["hosts"].items():
    updates = {}
    for i, kb in enumerate(h["pc_kbs"]):
        updates["00000000-0000-0000-0000-%012d" % i] = {
            "title": "Cumulative Update (%s)" % kb, "kb": [kb[2:]], "installed": True,
            "downloaded": True, "categories": ["Security Updates"],
            "id": "00000000-0000-0000-0000-%012d" % i}
    run = {"changed": True, "failed_update_count": 0, "found_update_count": len(updates),
           "installed_update_count": len(updates), "reboot_required": False, "rebooted": True,
           "updates": updates, "filtered_updates": {}}
    after = {"changed": False, "failed_update_count": 0, "found_update_count": 0,
             "installed_update_count": 0, "reboot_required": False, "rebooted": False,
             "updates": {}, "filtered_updates": {}}
    with open("%s/%s.json" % (inv["vars"]["pc_results"], name), "w") as f:
        json.dump({"updates": run, "after": after, "checks": {}}, f)
"#;

#[test]
fn a_windows_host_without_a_snapshot_is_refused_a_rollback_by_name() {
    let env = windows_env();
    env.ok(&["-q", "cycle", "start"]);
    let bin = env.home().join("stand-in");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("ansible-playbook");
    std::fs::write(&script, WINDOWS_HOST_STAND_IN).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = env
        .cmd(&["--yes", "test", "--engine", "ansible"])
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert_snapshot!("win_ansible_done", render(&env, &out));
    assert_snapshot!(
        "win_rollback_refused",
        env.snap(&["--yes", "rollback", "1"])
    );
}

/// The recorded Windows hosts (one product per OS group, a pending reboot on two, one
/// whose build is no release of its product), and a Windows Server 2008 R2 host: the recorded unknown-product output with its product and
/// build replaced by one the 2025-06..2026-06 MSRC documents do not carry.
fn windows_fleet() -> Env {
    let env = windows_env();
    for (name, file) in [
        ("win2", "server2022-year-behind.txt"),
        ("win3", "server2022-latest.txt"),
        ("win4", "unknown-product.txt"),
        ("win5", "win10-22h2.txt"),
        ("win6", "win11-23h2.txt"),
    ] {
        env.ok(&[
            "host",
            "add",
            name,
            "127.0.0.1",
            "-g",
            "pilot",
            "--platform",
            "windows",
        ]);
        env.ok(&[
            "-q",
            "scan",
            "--import",
            &data(&format!("windows/{file}")),
            "--host",
            name,
        ]);
    }
    let recorded = std::fs::read_to_string(data("windows/unknown-product.txt")).unwrap();
    let old: String = recorded
        .lines()
        .filter(|l| !l.starts_with("DisplayVersion="))
        .map(|l| match l.split_once('=') {
            Some(("ProductName", _)) => "ProductName=Windows Server 2008 R2 Datacenter\n".into(),
            Some(("CurrentBuild", _)) => "CurrentBuild=7601\n".into(),
            Some(("UBR", _)) => "UBR=24544\n".into(),
            Some(("ReleaseId", _)) => "ReleaseId=\n".into(),
            _ => format!("{l}\n"),
        })
        .collect();
    let file = env.file("server2008r2.txt", &old);
    env.ok(&[
        "host",
        "add",
        "win7",
        "127.0.0.1",
        "-g",
        "pilot",
        "--platform",
        "windows",
    ]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "win7",
    ]);
    env
}

#[test]
fn reports_count_windows_hosts_per_product_with_their_pending_reboots() {
    let env = windows_fleet();
    // `cycle start` refuses to freeze with the unknown host in the fleet.
    assert_eq!(env.run(&["-q", "cycle", "start"]).status.code(), Some(1));
    assert_snapshot!("win_report_text", env.snap(&["report"]));
    assert_snapshot!("win_report_csv", env.snap(&["report", "--format", "csv"]));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["report", "--format", "json"])).unwrap();
    assert_snapshot!(
        "win_report_json_os_reboots",
        serde_json::to_string_pretty(&serde_json::json!({
            "summary": json["summary"],
            "compliance_by_os": json["compliance_by_os"],
            "reboots": json["reboots"],
        }))
        .unwrap()
    );
    let html = env.ok(&["report", "--format", "html"]);
    for text in [
        "Windows Server 2022",
        "Windows 11 Version 23H2 for x64-based Systems",
        "Windows Server 2008 R2",
        "Windows: cbs, file-rename",
    ] {
        assert!(html.contains(text), "{text} not in the HTML report");
    }
}
