//! Incremental scans on the fleet lab: real Debian hosts over real ssh. An unchanged host
//! answers `unchanged` and its scan holds the findings rows a full scan of the same
//! state gives; each kind of change on the host (a package installed with dpkg -i, apt
//! lists updated, a kernel installed, the reboot-required flag set, a reboot) forces a
//! full collection; a corrupted stored fingerprint never yields `unchanged`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::cli::{Env, render};
use common::lab::{Lab, lab_or_skip};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// An environment whose ssh uses the lab's generated config, with the Debian catalogue.
fn lab_env(lab: &Lab) -> (Env, String) {
    let env = Env::init();
    let cfg = env.file(
        "lab.toml",
        &format!(
            "[ssh]\nconfig_file = \"{}\"\nconnect_timeout = 5\n",
            lab.ssh_config().display()
        ),
    );
    for h in lab.hosts() {
        env.ok(&["host", "add", &h]);
    }
    let out = env.run(&[
        "-q",
        "sync",
        "--from",
        data().to_str().unwrap(),
        "osv:Debian",
    ]);
    assert!(out.status.success(), "{}", render(&env, &out));
    (env, cfg.display().to_string())
}

/// `scan` of the hosts: each host's `collection` (JSON) and `-v` collection line.
fn scan(env: &Env, cfg: &str, hosts: &[&str], extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["--config", cfg, "-v", "--format", "json", "scan"];
    args.extend_from_slice(hosts);
    args.extend_from_slice(extra);
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let host = s["host"].as_str().unwrap().to_string();
            let line = stderr
                .lines()
                .find(|l| {
                    l.starts_with(&format!("{host}: collected "))
                        || l.starts_with(&format!("{host}: unchanged"))
                })
                .unwrap_or_else(|| panic!("no collection line for {host} in {stderr}"))
                .to_string();
            (host, s["collection"].as_str().unwrap().to_string(), line)
        })
        .collect()
}

/// One host's collection after a scan of it alone, and its `-v` line.
fn scan_one(env: &Env, cfg: &str, host: &str) -> (String, String) {
    let mut got = scan(env, cfg, &[host], &[]);
    let (_, collection, line) = got.remove(0);
    (collection, line)
}

/// The findings rows of the host's latest scan, without the scan id.
fn findings(env: &Env, host: &str) -> Vec<String> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT f.* FROM findings f WHERE f.scan_id = \
             (SELECT coalesce(s.findings_scan, s.id) FROM scans s JOIN hosts h ON h.id = s.host_id \
              WHERE h.name = ?1 ORDER BY s.id DESC LIMIT 1) \
             ORDER BY f.package, f.installed, f.advisories",
        )
        .unwrap();
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    stmt.query_map([host], |r| {
        Ok((0..names.len())
            .filter(|&i| names[i] != "scan_id")
            .map(|i| format!("{}={:?}", names[i], r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join(" "))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Whether the host's latest good scan lists the package (through `scans.facts_scan`).
fn has_package(env: &Env, host: &str, package: &str) -> bool {
    env.sqlite()
        .query_row(
            "SELECT count(*) FROM installed i WHERE i.name = ?2 AND i.scan_id = \
             (SELECT coalesce(s.facts_scan, s.id) FROM scans s JOIN hosts h ON h.id = s.host_id \
              WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1)",
            [host, package],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        > 0
}

/// Builds a package on the host with dpkg-deb and installs it with dpkg -i.
fn dpkg_install(lab: &Lab, host: &str, name: &str, files: &[&str]) {
    let mut script = format!(
        "set -e; d=$(mktemp -d); mkdir -p \"$d/DEBIAN\"; \
         printf 'Package: {name}\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: lab <lab@localhost>\\nDescription: incremental scan test\\n' > \"$d/DEBIAN/control\"; "
    );
    for f in files {
        script.push_str(&format!(
            "mkdir -p \"$d/$(dirname {f})\"; echo x > \"$d/{f}\"; "
        ));
    }
    script.push_str("dpkg-deb --build \"$d\" \"$d.deb\" >/dev/null; dpkg -i \"$d.deb\" >/dev/null");
    lab.ssh_ok(host, &script);
}

#[test]
fn lab_hosts_answer_unchanged_until_something_changes() {
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let (env, cfg) = lab_env(&lab);
    let all = ["h1", "h2", "h3"];

    // First scans: full. Then unchanged, with the same findings rows.
    let t = Instant::now();
    let first = scan(&env, &cfg, &all, &[]);
    let full_time = t.elapsed();
    let mut full_findings = Vec::new();
    for (h, collection, line) in &first {
        assert_eq!(collection, "full", "{line}");
        assert!(line.ends_with("(full: first scan)"), "{line}");
        full_findings.push(findings(&env, h));
    }
    assert!(
        full_findings.iter().any(|f| !f.is_empty()),
        "the lab hosts have findings: {full_findings:?}"
    );
    let t = Instant::now();
    let again = scan(&env, &cfg, &all, &[]);
    let unchanged_time = t.elapsed();
    for ((h, collection, line), full) in again.iter().zip(&full_findings) {
        assert_eq!(collection, "unchanged", "{line}");
        assert_eq!(&findings(&env, h), full, "{h}");
    }
    eprintln!("scan of h1..h3: full {full_time:?}, unchanged {unchanged_time:?}");
    // --full: the same findings, collected again.
    for ((h, collection, line), full) in scan(&env, &cfg, &all, &["--full"])
        .iter()
        .zip(&full_findings)
    {
        assert_eq!(collection, "full", "{line}");
        assert!(line.ends_with("(full: forced (--full))"), "{line}");
        assert_eq!(&findings(&env, h), full, "{h}");
    }

    // Each change on h1 forces a full collection that sees it; then it is unchanged again.
    let changes: [(&str, &dyn Fn()); 4] = [
        ("a package installed (dpkg -i)", &|| {
            dpkg_install(&lab, "h1", "pc-incremental-test", &[])
        }),
        ("apt lists updated", &|| {
            lab.ssh_ok(
                "h1",
                "set -e; f=$(ls /var/lib/apt/lists/*_Packages* | head -n 1); touch \"$f\"",
            );
        }),
        ("a kernel installed", &|| {
            dpkg_install(
                &lab,
                "h1",
                "pc-test-kernel",
                &[
                    "boot/vmlinuz-6.1.0-99-amd64",
                    "lib/modules/6.1.0-99-amd64/modules.dep",
                ],
            )
        }),
        ("the reboot-required flag set", &|| {
            lab.ssh_ok(
                "h1",
                "echo '*** System restart required ***' > /var/run/reboot-required",
            );
        }),
    ];
    for (what, change) in changes {
        change();
        let (collection, line) = scan_one(&env, &cfg, "h1");
        assert_eq!(collection, "full", "{what}: {line}");
        assert!(
            line.ends_with("(full: package state changed)"),
            "{what}: {line}"
        );
        let (collection, line) = scan_one(&env, &cfg, "h1");
        assert_eq!(collection, "unchanged", "{what}: {line}");
    }
    assert!(has_package(&env, "h1", "pc-incremental-test"));
    assert!(has_package(&env, "h1", "pc-test-kernel"));
    let h1: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "h1"])).unwrap();
    assert_eq!(h1["reboot_required"], true, "{h1}");

    // h2 needs a reboot; the lab's reboot clears its flag (boot id and kernel stay: the
    // lab hosts share this machine's kernel).
    let h2: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "h2"])).unwrap();
    assert_eq!(h2["reboot_required"], true, "{h2}");
    let _ = lab.ssh("h2", "reboot");
    // The simulated reboot drops every session 0.2 s after it returns.
    std::thread::sleep(std::time::Duration::from_millis(600));
    let (collection, line) = scan_one(&env, &cfg, "h2");
    assert_eq!(collection, "full", "after a reboot: {line}");
    let h2: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "h2"])).unwrap();
    assert_eq!(h2["reboot_required"], false, "{h2}");

    // A corrupted stored fingerprint: h3 has not changed, and still collects in full.
    env.sqlite()
        .execute(
            "UPDATE scans SET fingerprint = ?1 WHERE id = \
             (SELECT max(s.id) FROM scans s JOIN hosts h ON h.id = s.host_id WHERE h.name = 'h3')",
            [&"0".repeat(64)],
        )
        .unwrap();
    let (collection, line) = scan_one(&env, &cfg, "h3");
    assert_eq!(collection, "full", "{line}");
    assert!(line.ends_with("(full: package state changed)"), "{line}");
    assert_eq!(findings(&env, "h3"), full_findings[2]);
    let (collection, line) = scan_one(&env, &cfg, "h3");
    assert_eq!(collection, "unchanged", "{line}");

    for h in lab.hosts() {
        lab.reset(&h);
    }
}
