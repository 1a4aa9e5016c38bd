//! What is new: `findings --new` and `--since` over two successive scans of one host
//! (recorded collector output: the lab's Debian 12 base, then the same root with glibc
//! set back to the version before the CVE-2023-4911 fix), on the real OSV Debian and
//! CISA KEV data of tests/data/shared; and the `notify_new` command run after a scan.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::cli::{Env, collect, render};
use insta::assert_snapshot;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

fn at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(4),
        "{args:?} at {now}:\n{}",
        render(env, &out)
    );
    render(env, &out)
}

/// A synced catalogue and two hosts: `web1` scanned at 09:00 (base) and again on the
/// next day (glibc downgraded), `web2` scanned once (base).
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let env = Env::init();
        let mirror = env.home().join("mirror");
        for rel in [
            "osv-mirror/Debian/all.zip",
            "kev/known_exploited_vulnerabilities.json",
        ] {
            let dest = mirror.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(data().join(rel), &dest).unwrap();
        }
        let m = mirror.to_str().unwrap();
        at(
            &env,
            "2026-11-08T08:00:00Z",
            &["-q", "sync", "--from", m, "osv:Debian", "kev"],
        );
        for h in ["web1", "web2"] {
            at(&env, "2026-11-08T08:00:00Z", &["-q", "host", "add", h]);
        }
        let base = collect("bookworm-base.out");
        at(
            &env,
            "2026-11-08T09:00:00Z",
            &["-q", "scan", "--import", &base, "--host", "web1"],
        );
        at(
            &env,
            "2026-11-08T09:00:00Z",
            &["-q", "scan", "--import", &base, "--host", "web2"],
        );
        env.save_template("whatsnew")
    })
}

fn downgraded(env: &Env) {
    let old = collect("bookworm-old-glibc.out");
    at(
        env,
        "2026-11-09T09:00:00Z",
        &["-q", "scan", "--import", &old, "--host", "web1"],
    );
}

/// Before the second scan nothing is new on web1 but web2's and web1's first scans
/// are (a host's first good scan: everything is new); after it, only glibc's findings.
#[test]
fn new_findings_after_a_downgrade() {
    let env = Env::from_template(template());
    assert_snapshot!(
        "new_first_scans_table",
        env.snap(&["findings", "--new", "--host", "web1"])
    );
    downgraded(&env);
    assert_snapshot!("new_table", env.snap(&["findings", "--new"]));
    assert_snapshot!(
        "new_json",
        env.snap(&["--format", "json", "findings", "--new"])
    );
    assert_snapshot!(
        "new_csv",
        env.snap(&["--format", "csv", "findings", "--new"])
    );
    // The base findings of web1 were first seen on the 8th: only glibc's are younger.
    assert_snapshot!(
        "since_table",
        env.snap(&["findings", "--since", "2026-11-08T12:00:00Z"])
    );
    // Everything: both hosts' findings, first seen on the 8th.
    let all = env.ok(&["--format", "json", "findings", "--since", "2026-11-01"]);
    let every = env.ok(&["--format", "json", "findings"]);
    let count = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&all), count(&every));
    // --new and --since exclude each other; a bad date is a usage error.
    assert_snapshot!(
        "new_and_since",
        env.snap(&["findings", "--new", "--since", "7d"])
    );
    assert_snapshot!("since_bad", env.snap(&["findings", "--since", "yesterday"]));
}

/// The same scan imported again: nothing new, an empty list in every format.
#[test]
fn nothing_new_after_the_same_scan() {
    let env = Env::from_template(template());
    let base = collect("bookworm-base.out");
    at(
        &env,
        "2026-11-09T09:00:00Z",
        &["-q", "scan", "--import", &base, "--host", "web1"],
    );
    assert_snapshot!(
        "nothing_new",
        env.snap(&["findings", "--new", "--host", "web1"])
    );
    assert_snapshot!(
        "nothing_new_csv",
        env.snap(&["--format", "csv", "findings", "--new", "--host", "web1"])
    );
}

/// `env.snap` with the terminal width `COLUMNS` set (tables are fitted to it even when
/// stdout is not a terminal).
fn snap_cols(env: &Env, columns: u16, args: &[&str]) -> String {
    let out = env
        .cmd(args)
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap();
    render(env, &out)
}

/// At 100 and 80 columns the findings table wraps between words: the advisory list and
/// the severity wrap, no host, package or version is ever broken.
#[test]
fn findings_fit_the_width_with_identifiers_whole() {
    let env = Env::from_template(template());
    downgraded(&env);
    for cols in [100u16, 80] {
        let table = snap_cols(&env, cols, &["findings", "--host", "web1"]);
        for version in ["2.36-9+deb12u1", "10.42-1+deb12u2", "3.0.22-1~deb12u2"] {
            assert!(table.contains(version), "{version} broken:\n{table}");
        }
        assert_snapshot!(format!("findings_cols_{cols}"), table);
        assert_snapshot!(
            format!("findings_new_cols_{cols}"),
            snap_cols(&env, cols, &["findings", "--new"])
        );
    }
}

/// `notify_new` after a scan: the group's command gets only the new findings of its
/// hosts (once per group, not when nothing is new); a failing one is a warning and an
/// audit record, never a failed scan.
#[test]
fn notify_new_runs_after_a_scan_with_the_new_findings() {
    let env = Env::from_template(template());
    let log = env.home().join("notify.log");
    let cmd = format!(
        "notify_new=\"echo $PATCHCYCLE_EVENT $PATCHCYCLE_GROUP $PATCHCYCLE_COUNT >> {0}; cat $PATCHCYCLE_FINDINGS >> {0}\"",
        log.display()
    );
    env.ok(&["group", "add", "ops", "--order", "0"]);
    env.ok(&["group", "set", "ops", "--set", &cmd]);
    env.ok(&["host", "set", "web1", "--group", "ops"]);
    // The hosts without a group: the default policy's command, which fails.
    std::fs::create_dir_all(env.config().parent().unwrap()).unwrap();
    std::fs::write(
        env.config(),
        "[default_policy]\nnotify_new = \"echo broken >&2; exit 3\"\n",
    )
    .unwrap();
    let base = collect("bookworm-base.out");
    // web2 again, unchanged: nothing new, its command is not run.
    let out = env
        .cmd(&["-q", "scan", "--import", &base, "--host", "web2"])
        .env("PATCHCYCLE_NOW", "2026-11-09T08:00:00Z")
        .output()
        .unwrap();
    assert_eq!(render(&env, &out), "exit: 0\n--- stdout\n--- stderr\n");
    // web1 downgraded: its two glibc findings, to the ops group's command.
    downgraded(&env);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "new-findings ops 2\n\
         web1 libc-bin 2.36-9+deb12u1 2.36-9+deb12u7 medium kev DCL-CVE-2023-4527,DCL-CVE-2023-4806,DCL-CVE-2023-4911,DCL-CVE-2023-5156,DCL-CVE-2023-6246,DCL-CVE-2023-6779,DCL-CVE-2023-6780,DCL-CVE-2024-2961,DCL-CVE-2024-33599,DCL-CVE-2024-33600,DCL-CVE-2024-33601,DCL-CVE-2024-33602\n\
         web1 libc6 2.36-9+deb12u1 2.36-9+deb12u7 medium kev DCL-CVE-2023-4527,DCL-CVE-2023-4806,DCL-CVE-2023-4911,DCL-CVE-2023-5156,DCL-CVE-2023-6246,DCL-CVE-2023-6779,DCL-CVE-2023-6780,DCL-CVE-2024-2961,DCL-CVE-2024-33599,DCL-CVE-2024-33600,DCL-CVE-2024-33601,DCL-CVE-2024-33602\n"
    );
    // A new host without a group: its first scan is all new; the default command fails.
    env.ok(&["-q", "host", "add", "web3"]);
    let out = env
        .cmd(&["-q", "scan", "--import", &base, "--host", "web3"])
        .env("PATCHCYCLE_NOW", "2026-11-09T10:00:00Z")
        .output()
        .unwrap();
    assert_snapshot!("notify_new_failed", render(&env, &out));
    let audited: Vec<(String, String)> = env
        .sqlite()
        .prepare("SELECT object, details FROM audit WHERE action = 'notify_new.failed'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].0, "(no group)");
    // The scan is stored: web3's findings are listed.
    assert!(env.ok(&["findings", "--host", "web3"]).contains("libssl3"));
}

/// `advisory show CVE-2023-4911` on the real OSV Debian and AlmaLinux data: the 471
/// affected packages are one row per ecosystem and fix, the first package names and a
/// count; at 100 and 80 columns the package lists wrap, the versions stay whole.
#[test]
fn advisory_show_groups_affected_packages() {
    let env = Env::init();
    let mirror = env.home().join("mirror");
    for rel in [
        "osv-mirror/Debian/all.zip",
        "osv-mirror/AlmaLinux/all.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        let dest = mirror.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(data().join(rel), &dest).unwrap();
    }
    let m = mirror.to_str().unwrap();
    env.ok(&[
        "-q",
        "sync",
        "--from",
        m,
        "osv:Debian",
        "osv:AlmaLinux",
        "kev",
    ]);
    for cols in [100u16, 80] {
        let shown = snap_cols(&env, cols, &["advisory", "show", "CVE-2023-4911"]);
        for version in ["2.34-60.el9_2.7", "2.28-225.el8_8.6", "2.36-9+deb12u3"] {
            assert!(shown.contains(version), "{version} broken:\n{shown}");
        }
        assert_snapshot!(format!("advisory_show_cols_{cols}"), shown);
    }
    // JSON keeps every affected package.
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "advisory", "show", "CVE-2023-4911"]))
            .unwrap();
    let affected: usize = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["affected"].as_array().unwrap().len())
        .sum();
    assert_eq!(affected, 430);
}

/// `report` lists the findings opened and closed in the cycle: web1's glibc set back
/// (opened) and web2 partly patched (closed) after the cycle started; the scans before
/// its start are not in it.
#[test]
fn report_lists_findings_opened_and_closed_in_the_cycle() {
    let env = Env::from_template(template());
    at(&env, "2026-11-08T10:00:00Z", &["-q", "cycle", "start"]);
    downgraded(&env);
    let patched = collect("bookworm-patched.out");
    at(
        &env,
        "2026-11-09T10:00:00Z",
        &["-q", "scan", "--import", &patched, "--host", "web2"],
    );
    let report = |args: &[&str]| {
        let out = env
            .cmd(args)
            .env("PATCHCYCLE_NOW", "2026-11-10T09:00:00Z")
            .output()
            .unwrap();
        render(&env, &out)
    };
    let table = report(&["report"]);
    let start = table.find("OPENED AND CLOSED").expect(&table);
    let end = table[start..].find("MTTR PER CYCLE").expect(&table) + start;
    assert_snapshot!("report_changes_table", &table[start..end]);
    let json: serde_json::Value = serde_json::from_str(
        report(&["--format", "json", "report"])
            .split("--- stdout\n")
            .nth(1)
            .and_then(|s| s.split("--- stderr").next())
            .unwrap(),
    )
    .unwrap();
    assert_snapshot!(
        "report_changes_json",
        serde_json::to_string_pretty(&json["cycle_changes"]).unwrap()
    );
    let md = report(&["--format", "markdown", "report"]);
    let start = md.find("## Opened and closed").expect(&md);
    let end = md[start..].find("## MTTR").expect(&md) + start;
    assert_snapshot!("report_changes_markdown", &md[start..end]);
    let html = report(&["--format", "html", "report"]);
    let start = html.find("<h2>Opened and closed").expect(&html);
    let end = html[start..].find("<h2>MTTR").expect(&html) + start;
    assert_snapshot!("report_changes_html", &html[start..end]);
    // The page uses the browser's width; one-word cells (versions) never wrap.
    assert!(!html.contains("max-width"), "{html}");
    assert!(html.contains("td.word{white-space:nowrap}"));
    assert!(html.contains("<td class=\"word\">2.36-9+deb12u1</td>"));
}
