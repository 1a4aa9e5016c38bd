//! dpkg fidelity: roots whose dpkg database was written by the real tools (dpkg-deb,
//! dpkg --root, dpkg --set-selections), scanned with the real collector
//! (`scan --local --root`) and compared with `dpkg-query` as the oracle.

mod common;

use common::cli::{Env, render};
use common::dpkgdb::{Deb, DpkgRoot};
use insta::assert_snapshot;
use serde_json::Value;

const BOOKWORM: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n";

/// The installed rows of a host's latest scan: (name, arch, version, source, source version).
fn stored(env: &Env, host: &str) -> Vec<[String; 5]> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT i.name, coalesce(i.arch, '-'), i.version, i.source_name, i.source_version \
             FROM installed i JOIN scans s ON s.id = i.scan_id JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 ORDER BY i.name, i.arch",
        )
        .unwrap();
    stmt.query_map([host], |r| {
        Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn scan_json(env: &Env, root: &str, host: &str) -> Value {
    let out = env.run(&[
        "--format", "json", "scan", "--local", "--root", root, "--host", host,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

fn row(name: &str, arch: &str, version: &str, src: &str, src_version: &str) -> [String; 5] {
    [name, arch, version, src, src_version].map(str::to_string)
}

/// A distroless image: no `status` file and no dpkg in the root, one `status.d` file per
/// package (as `dpkg-deb --field` writes it, no `Status:`), `.md5sums` beside them.
#[test]
fn a_distroless_status_d_root_is_scanned() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = DpkgRoot::new(dir.path(), BOOKWORM);
    root.distroless(&[
        Deb::new("libssl3", "3.0.11-1~deb12u2", "amd64")
            .source("openssl")
            .multi_arch_same(),
        Deb::new("base-files", "12.4+deb12u5", "amd64"),
        Deb::new("tzdata", "2024a-0+deb12u1", "all"),
        Deb::new("libgcc-s1", "12.2.0-14", "amd64").source("gcc-12 (12.2.0-14+b1)"),
    ]);
    assert!(!root.admindir().join("status").exists());
    let s = scan_json(&env, root.root_str(), "distroless");
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["ecosystem"], "Debian:12");
    assert_eq!(s["packages"], 4, "{s}");
    assert_eq!(s["warnings"], serde_json::json!([]), "{s}");
    assert_eq!(
        stored(&env, "distroless"),
        [
            row(
                "base-files",
                "amd64",
                "12.4+deb12u5",
                "base-files",
                "12.4+deb12u5"
            ),
            row("libgcc-s1", "amd64", "12.2.0-14", "gcc-12", "12.2.0-14+b1"),
            row(
                "libssl3",
                "amd64",
                "3.0.11-1~deb12u2",
                "openssl",
                "3.0.11-1~deb12u2"
            ),
            row(
                "tzdata",
                "all",
                "2024a-0+deb12u1",
                "tzdata",
                "2024a-0+deb12u1"
            ),
        ]
    );
    assert_snapshot!(
        "distroless_scan",
        env.snap(&[
            "scan",
            "--local",
            "--root",
            root.root_str(),
            "--host",
            "distroless"
        ])
    );
}
