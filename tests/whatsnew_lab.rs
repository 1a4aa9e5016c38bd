//! `findings --new` on a real lab host over ssh: two successive scans of h1 with one
//! package set back a version in between (`apt-get install --allow-downgrades` from the
//! lab's offline mirror). Only that package's finding is new.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, render};
use common::lab::lab_or_skip;
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// The package set back: a library nothing in the base pins to its exact version.
const PACKAGE: &str = "libpcre2-8-0";

fn at(env: &Env, cfg: &str, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--config", cfg];
    all.extend_from_slice(args);
    let out = env.cmd(&all).env("PATCHCYCLE_NOW", now).output().unwrap();
    assert!(out.status.success(), "{args:?}:\n{}", render(env, &out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn findings_new_after_a_downgrade_on_a_lab_host() {
    let lab = lab_or_skip!(1);
    lab.reset("h1");
    let env = Env::init();
    let cfg = env.file(
        "lab.toml",
        &format!(
            "[ssh]\nconfig_file = \"{}\"\nconnect_timeout = 5\n",
            lab.ssh_config().display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let mirror = env.home().join("mirror");
    for rel in [
        "osv-mirror/Debian/all.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        let dest = mirror.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(data().join(rel), &dest).unwrap();
    }
    let t0 = "2026-11-08T08:00:00Z";
    let t1 = "2026-11-08T09:00:00Z";
    let t2 = "2026-11-09T09:00:00Z";
    let m = mirror.to_str().unwrap();
    at(
        &env,
        cfg,
        t0,
        &["-q", "sync", "--from", m, "osv:Debian", "kev"],
    );
    at(&env, cfg, t0, &["-q", "host", "add", "h1"]);

    // apt's own answer: the package's installed (old) version and its security update.
    let (_, old, new) = lab
        .expected("h1")
        .into_iter()
        .find(|(p, _, _)| p == PACKAGE)
        .unwrap_or_else(|| panic!("{PACKAGE} has no pending security update on h1"));
    let apt = "LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get install -y --allow-downgrades";
    let version = || lab.ssh_ok("h1", &format!("dpkg-query -W -f '${{Version}}' {PACKAGE}"));

    // First scan: the package is up to date, no finding for it.
    lab.ssh_ok("h1", &format!("{apt} {PACKAGE}={new}"));
    assert_eq!(version(), new);
    at(&env, cfg, t1, &["-q", "scan", "h1"]);
    let first = json(&at(&env, cfg, t1, &["--format", "json", "findings"]));
    assert!(!first.is_empty());
    assert!(first.iter().all(|f| f["package"] != PACKAGE), "{first:?}");

    // Set back to the version before the fix, then scanned again.
    lab.ssh_ok("h1", &format!("{apt} {PACKAGE}={old}"));
    assert_eq!(version(), old);
    at(&env, cfg, t2, &["-q", "scan", "h1"]);
    let second = json(&at(&env, cfg, t2, &["--format", "json", "findings"]));
    assert_eq!(second.len(), first.len() + 1);

    // Only the set-back package is new, with all its advisories and the second scan's
    // time; --since between the scans says the same.
    for args in [
        &["--format", "json", "findings", "--new"][..],
        &[
            "--format",
            "json",
            "findings",
            "--since",
            "2026-11-08T12:00:00Z",
        ][..],
    ] {
        let new_findings = json(&at(&env, cfg, t2, args));
        assert_eq!(new_findings.len(), 1, "{args:?}: {new_findings:?}");
        let f = &new_findings[0];
        assert_eq!(f["host"], "h1");
        assert_eq!(f["package"], PACKAGE);
        assert_eq!(f["installed"], old.as_str());
        assert_eq!(f["first_seen"], t2);
        assert_eq!(f["new_advisories"], f["advisories"]);
        assert_eq!(f["new_cves"], f["cves"]);
    }
    // The table says the same on one row.
    let table = at(&env, cfg, t2, &["findings", "--new"]);
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{table}");
    assert!(
        rows[0].starts_with(&format!("h1    {PACKAGE}  {old}")),
        "{table}"
    );
    lab.reset("h1");
}
