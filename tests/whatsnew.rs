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
