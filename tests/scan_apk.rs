//! `scan` of Alpine systems. apk-tools does not run here, so the installed database and
//! `apk version` output are recorded ones (tests/data/alpine, see its README); the
//! collector itself runs for real against a root holding that database, and matching
//! runs against an OSV file in the Alpine layout built here (synthetic records: the
//! shared data has no Alpine OSV).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::cli::{Env, render};
use serde_json::{Value, json};

fn recorded(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/alpine")
        .join(name)
}

const OS_RELEASE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\n";

/// An Alpine root: os-release and the recorded installed database.
fn alpine_root(dir: &Path) -> PathBuf {
    let root = dir.join("alpine");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(root.join("etc/os-release"), OS_RELEASE).unwrap();
    std::fs::copy(recorded("installed"), root.join("lib/apk/db/installed")).unwrap();
    root
}

/// Synthetic OSV records in the Alpine ecosystem's shape (source package names, apk
/// versions, `Alpine:vX.Y` releases), as `osv-mirror/Alpine/all.zip` under `dir`.
fn alpine_osv(dir: &Path) {
    let records = [
        // openssl (origin of libcrypto3 and libssl3), fixed above the installed 3.3.2-r0
        json!({"id": "ALPINE-CVE-2024-9143", "modified": "2024-10-20T00:00:00Z",
               "aliases": [], "related": ["CVE-2024-9143"],
               "affected": [{"package": {"ecosystem": "Alpine:v3.20", "name": "openssl"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.3.2-r1"}]}]}]}),
        // zlib, but only in another release: must not match a 3.20 host
        json!({"id": "ALPINE-CVE-2023-45853", "modified": "2024-01-01T00:00:00Z",
               "affected": [{"package": {"ecosystem": "Alpine:v3.19", "name": "zlib"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.3.1-r9"}]}]}]}),
        // busybox, fixed in exactly the installed version: not affected
        json!({"id": "ALPINE-CVE-2023-42363", "modified": "2024-06-01T00:00:00Z",
               "affected": [{"package": {"ecosystem": "Alpine:v3.20", "name": "busybox"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.36.1-r29"}]}]}]}),
        // apk's own ordering: 2.14.4-r0 < 2.14.10-r0 (numeric, not text)
        json!({"id": "ALPINE-CVE-2099-0001", "modified": "2024-06-01T00:00:00Z",
               "affected": [{"package": {"ecosystem": "Alpine:v3.20", "name": "apk-tools"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.14.10-r0"}]}]}]}),
    ];
    let d = dir.join("osv-mirror/Alpine");
    std::fs::create_dir_all(&d).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("all.zip")).unwrap());
    for r in records {
        zip.start_file(
            format!("{}.json", r["id"].as_str().unwrap()),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(r.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn findings(env: &Env, host: &str) -> Vec<Value> {
    let out = env.ok(&["--format", "json", "findings", "--host", host]);
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn sync_alpine(env: &Env, dir: &Path) {
    alpine_osv(dir);
    let out = env.run(&["sync", "--from", dir.to_str().unwrap(), "osv:Alpine"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
}

#[test]
fn alpine_root_is_matched_through_origins() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    sync_alpine(&env, dir.path());
    let root = alpine_root(dir.path());
    let out = env.run(&[
        "--format",
        "json",
        "scan",
        "--local",
        "--root",
        root.to_str().unwrap(),
        "--host",
        "alpine1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &s[0];
    assert_eq!(s["ecosystem"], "Alpine:v3.20");
    assert_eq!(s["packages"], 7, "{s}");
    // No apk binary here: no pending list, and no guess at one.
    assert_eq!(s["pending"], 0);
    assert_eq!(s["warnings"], json!([]));
    let found = findings(&env, "alpine1");
    let mut got: Vec<(String, String, String, String)> = found
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_string(),
                f["source_name"].as_str().unwrap().to_string(),
                f["advisories"][0].as_str().unwrap().to_string(),
                f["fixed"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let row = |p: &str, s: &str, a: &str, f: &str| (p.into(), s.into(), a.into(), f.into());
    assert_eq!(
        got,
        vec![
            row(
                "apk-tools",
                "apk-tools",
                "ALPINE-CVE-2099-0001",
                "2.14.10-r0"
            ),
            row("libcrypto3", "openssl", "ALPINE-CVE-2024-9143", "3.3.2-r1"),
            row("libssl3", "openssl", "ALPINE-CVE-2024-9143", "3.3.2-r1"),
        ]
    );
}

/// The token of a collector run, for building recorded output around it.
const TOKEN: &str = "00112233445566778899aabbccddeeff";

fn collected(sections: &[(&str, String)]) -> String {
    let mut out = format!("@@PC {TOKEN} BEGIN 1\n");
    for (name, body) in sections {
        out.push_str(&format!("\n@@PC {TOKEN} {name}\n{body}"));
    }
    out.push_str(&format!("\n@@PC {TOKEN} END\n"));
    out
}

/// The database reduced the way the collector's grep reduces it.
fn reduced_db() -> String {
    std::fs::read_to_string(recorded("installed"))
        .unwrap()
        .lines()
        .filter(|l| l.is_empty() || ["P:", "V:", "A:", "o:"].iter().any(|p| l.starts_with(p)))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn imported_alpine_output_gives_pending_updates_and_findings() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    sync_alpine(&env, dir.path());
    env.ok(&["host", "add", "alpine2"]);
    let out = collected(&[
        ("os-release", OS_RELEASE.to_string()),
        ("uname", "6.6.58-0-virt\n".into()),
        ("boot", "vmlinuz-virt\n".into()),
        ("reboot", "no\n".into()),
        ("apk-installed", reduced_db()),
        (
            "apk-version",
            std::fs::read_to_string(recorded("version.out")).unwrap(),
        ),
    ]);
    let file = env.file("alpine2.out", &out);
    let o = env.run(&[
        "--format",
        "json",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "alpine2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", render(&env, &o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s[0]["packages"], 7);
    assert_eq!(s[0]["pending"], 3, "{}", s[0]);
    // Alpine does not mark updates as security ones.
    assert_eq!(s[0]["pending_security"], 0);
    assert_eq!(s[0]["findings"], 3);
    assert_eq!(s[0]["reboot_required"], Value::Null);
    let found = findings(&env, "alpine2");
    let crypto = found.iter().find(|f| f["package"] == "libcrypto3").unwrap();
    assert_eq!(crypto["candidate"], "3.3.2-r1");
    assert_eq!(crypto["update_available"], true);
    let db = env.sqlite();
    let zlib: (String, String, String) = db
        .query_row(
            "SELECT from_version, to_version, origin FROM pending WHERE package = 'zlib'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(zlib, ("1.3.1-r1".into(), "1.3.1-r2".into(), "@edge".into()));
}

#[test]
fn hostile_alpine_output_is_refused_or_filtered() {
    let env = Env::init();
    env.ok(&["host", "add", "alpine3"]);
    let huge = "P:".to_string() + &"a".repeat(100_000);
    let out = collected(&[
        ("os-release", OS_RELEASE.to_string()),
        (
            "apk-installed",
            format!(
                "P:ok\nV:1.0-r0\n\nP:$(reboot)\nV:1.0-r0\n\nP:x\nV:1.0;rm -rf /\n\n{huge}\nV:1.0-r0\n\nP:trunc\n"
            ),
        ),
        (
            "apk-version",
            "ok-1.0-r0 < `reboot`\nok-1.0-r0 < 1.0-r1 @x;y\nnot installed at all\n".into(),
        ),
    ]);
    let file = env.file("alpine3.out", &out);
    let o = env.run(&[
        "--format",
        "json",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "alpine3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", render(&env, &o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s[0]["packages"], 1);
    assert_eq!(s[0]["pending"], 0);
    assert_eq!(s[0]["warnings"].as_array().unwrap().len(), 7, "{}", s[0]);
    // Garbage without the collector's frame is refused whole.
    let file = env.file("garbage.out", "P:musl\nV:1.2.5-r0\n");
    let o = env.run(&[
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "alpine3",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", render(&env, &o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("not a patchcycle collection"));
}
