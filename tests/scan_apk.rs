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

/// Base64 (RFC 4648, with padding), as apk-tools' `apk_blob_push_base64` writes it.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Q1` + base64 of the SHA-1 of `path` as `sha1sum` computes it: how apk-tools writes
/// a file's digest (`Z:`) and a v2 package's identity (`C:`).
fn q1_of(path: &Path) -> String {
    let out = std::process::Command::new("sha1sum")
        .arg(path)
        .output()
        .expect("sha1sum");
    assert!(out.status.success());
    let hex = String::from_utf8(out.stdout).unwrap();
    let hex = hex.split_whitespace().next().unwrap();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(bytes.len(), 20);
    format!("Q1{}", base64(&bytes))
}

/// Writes `root/lib/apk/db/installed` exactly as apk-tools writes it, from the package
/// data of the recorded Alpine 3.20 database (tests/data/alpine/installed: names,
/// versions, arches, origins, dependencies, the files each package owns).
///
/// Field order and format are apk-tools' (`src/database.c`, `apk_db_fdb_write`, which
/// starts with `src/package.c`'s `apk_pkg_write_index_header`): `C:` `P:` `V:` `A:`
/// `S:` `I:` `T:` `U:` `L:`, then `o:` `m:` `t:` `c:` `k:` when set, then `D:`, `p:`,
/// `i:` when not empty; then `r:` `q:` `s:` `f:` of the installed package; then per
/// directory `F:` (and `M:` for a non-default ACL), per file `R:` (`a:` for a
/// non-default ACL) and `Z:` (its digest); then one blank line after every package.
/// The files are created under `root` here and their `Z:` is the SHA-1 of what was
/// written (`sha1sum`); `C:` is the SHA-1 of the package's header lines, standing in
/// for the digest of an `.apk`'s control part, which does not exist here.
fn write_installed(root: &Path) {
    let recorded = std::fs::read_to_string(recorded("installed")).unwrap();
    let header_order = [
        'P', 'V', 'A', 'S', 'I', 'T', 'U', 'L', 'o', 'm', 't', 'c', 'k',
    ];
    let mut db = String::new();
    for record in recorded.split("\n\n").filter(|r| !r.trim().is_empty()) {
        let fields: Vec<(char, &str)> = record
            .lines()
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.chars().next().unwrap(), v)
            })
            .collect();
        let get = |c: char| fields.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
        let mut header = String::new();
        for c in header_order {
            if let Some(v) = get(c) {
                header.push_str(&format!("{c}:{v}\n"));
            }
        }
        for c in ['D', 'p', 'i'] {
            if let Some(v) = get(c) {
                header.push_str(&format!("{c}:{v}\n"));
            }
        }
        let control = root.join("control.tmp");
        std::fs::write(&control, &header).unwrap();
        db.push_str(&format!("C:{}\n{header}", q1_of(&control)));
        std::fs::remove_file(&control).unwrap();
        for c in ['r', 'q', 's', 'f'] {
            if let Some(v) = get(c) {
                db.push_str(&format!("{c}:{v}\n"));
            }
        }
        // The file database: directories, their files, each file's ACL and digest.
        let name = get('P').unwrap();
        let mut dir = String::new();
        for (k, v) in &fields {
            match k {
                'F' => {
                    dir = v.to_string();
                    std::fs::create_dir_all(root.join(&dir)).unwrap();
                    db.push_str(&format!("F:{v}\n"));
                }
                'M' => db.push_str(&format!("M:{v}\n")),
                'R' => {
                    let file = root.join(&dir).join(v);
                    std::fs::write(&file, format!("{name} {dir}/{v}\n")).unwrap();
                    db.push_str(&format!("R:{v}\n"));
                    // The recorded ACL line follows its R: line.
                    let acl = fields
                        .iter()
                        .skip_while(|(kk, vv)| !(*kk == 'R' && vv == v))
                        .nth(1)
                        .filter(|(kk, _)| *kk == 'a');
                    if let Some((_, a)) = acl {
                        db.push_str(&format!("a:{a}\n"));
                    }
                    db.push_str(&format!("Z:{}\n", q1_of(&file)));
                }
                _ => {}
            }
        }
        db.push('\n');
    }
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(root.join("lib/apk/db/installed"), db).unwrap();
}

/// An Alpine root whose installed database `write_installed` wrote, then `corrupt`
/// changed; the collector's `apk-db` section is read by apk-tools' rules.
fn written_root(dir: &Path, corrupt: impl Fn(&str) -> String) -> PathBuf {
    let root = dir.join("alpine-written");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), OS_RELEASE).unwrap();
    write_installed(&root);
    let db = root.join("lib/apk/db/installed");
    let text = std::fs::read_to_string(&db).unwrap();
    std::fs::write(&db, corrupt(&text)).unwrap();
    root
}

#[test]
fn a_database_written_as_apk_writes_it_is_read_whole() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = written_root(dir.path(), str::to_string);
    let db = std::fs::read_to_string(root.join("lib/apk/db/installed")).unwrap();
    // Every record closed by a blank line, file digests computed from the files.
    assert!(db.ends_with("\n\n"));
    assert_eq!(db.matches("\n\nC:Q1").count(), 6, "{db}");
    let s = scan_json_of(&env, &root, "alpine4");
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["packages"], 7, "{s}");
    assert_eq!(s["warnings"], json!([]));
    assert_eq!(s["refused"], json!([]));
}

fn scan_json_of(env: &Env, root: &Path, host: &str) -> Value {
    let out = env.run(&[
        "--format",
        "json",
        "scan",
        "--local",
        "--root",
        root.to_str().unwrap(),
        "--host",
        host,
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

#[test]
fn a_corrupt_database_fails_the_scan_naming_the_line() {
    type Corrupt = fn(&str) -> String;
    let cases: [(&str, Corrupt, &str); 5] = [
        (
            "a line without FIELD:",
            |db| db.replacen("L:MIT\n", "L:MIT\nno colon here\n", 1),
            "line 10 is not FIELD:VALUE (\"no colon here\")",
        ),
        (
            "a truncated record",
            |db| db[..db.trim_end().rfind('\n').unwrap()].to_string(),
            "(no blank line after it): truncated",
        ),
        (
            "a file before its directory",
            |db| db.replacen("F:lib\n", "", 1),
            "'R' entry out of place (apk: \"FDB format error (line 15, entry 'R')\")",
        ),
        (
            "a record without its checksum",
            |db| {
                let second = db.find("\n\nC:").unwrap() + 2;
                let end = db[second..].find('\n').unwrap() + second + 1;
                format!("{}{}", &db[..second], &db[end..])
            },
            "has no valid C: (package checksum)",
        ),
        (
            "a field apk-tools does not know among the files",
            |db| db.replacen("F:lib\n", "F:lib\nW:x\n", 1),
            "too old to handle installed packages",
        ),
    ];
    let env = Env::init();
    for (i, (what, corrupt, want)) in cases.into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let root = written_root(dir.path(), corrupt);
        let host = format!("corrupt{i}");
        let s = scan_json_of(&env, &root, &host);
        assert_eq!(s["status"], "failed", "{what}: {s}");
        assert_eq!(s["packages"], Value::Null, "{what}");
        let error = s["error"].as_str().unwrap();
        assert!(error.contains(want), "{what}: {error}");
        assert!(
            error.contains("apk-tools refuses such a file (\"database file format error\")")
                || what == "a truncated record",
            "{what}: {error}"
        );
    }
    // As a user sees it: the scan fails (exit 4) with the line named.
    let root = written_root(env.home(), |db| {
        db.replacen("L:MIT\n", "L:MIT\nno colon here\n", 1)
    });
    insta::assert_snapshot!(
        "apk_corrupt_database",
        env.snap(&[
            "scan",
            "--local",
            "--root",
            root.to_str().unwrap(),
            "--host",
            "corrupt"
        ])
    );
}
