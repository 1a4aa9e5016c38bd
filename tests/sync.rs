//! `sync` against real feed files served over real HTTP on 127.0.0.1, and from
//! directories. Expected counts are computed here from the files themselves.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::cli::{Env, collect, render};
use common::http::{Fault, Server};
use insta::assert_snapshot;
use tempfile::TempDir;

/// The real feeds kept in the repository (tests/data/shared, provenance in its README).
fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// (records, withdrawn) of an OSV zip, counted by reading every entry.
fn count_osv(zip_path: &Path) -> (i64, i64) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let (mut records, mut withdrawn) = (0, 0);
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        if !e.name().unwrap().ends_with(".json") {
            continue;
        }
        let mut s = String::new();
        e.read_to_string(&mut s).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        if v.get("withdrawn").is_some() {
            withdrawn += 1;
        } else {
            records += 1;
        }
    }
    (records, withdrawn)
}

fn count_kev(path: &Path) -> i64 {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["vulnerabilities"].as_array().unwrap().len() as i64
}

fn source_count(env: &Env, source: &str) -> i64 {
    env.sqlite()
        .query_row(
            "SELECT count(*) FROM advisories WHERE source = ?1",
            [source],
            |r| r.get(0),
        )
        .unwrap()
}

/// A served directory holding copies of the real data (never links: tests edit these
/// files, and tests/data/shared must stay as it is).
struct Mirror {
    root: TempDir,
    server: Server,
}

impl Mirror {
    fn new() -> Mirror {
        let root = tempfile::tempdir().unwrap();
        for rel in [
            "osv-mirror/AlmaLinux/all.zip",
            "osv-mirror/RustSec/all.zip",
            "kev/known_exploited_vulnerabilities.json",
        ] {
            let dest = root.path().join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(data().join(rel), &dest).unwrap();
        }
        let server = Server::start(root.path());
        Mirror { root, server }
    }

    /// The served copy of `rel`, to edit.
    fn file(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }
}

/// A config with short timeouts for tests.
fn config(env: &Env, extra: &str) -> String {
    let p = env.file(
        "sync.toml",
        &format!("[sync]\nconnect_timeout = 2\ntimeout = 2\nretries = 2\n{extra}"),
    );
    p.display().to_string()
}

fn sync(env: &Env, cfg: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--config", cfg, "sync"];
    all.extend_from_slice(args);
    env.run(&all)
}

#[test]
fn first_sync_imports_what_the_files_hold_then_304() {
    let env = Env::init();
    let m = Mirror::new();
    let cfg = config(&env, "");
    let url = m.server.url();
    let out = sync(
        &env,
        &cfg,
        &["--mirror", &url, "osv:AlmaLinux", "osv:RustSec", "kev"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let (alma, _) = count_osv(&data().join("osv-mirror/AlmaLinux/all.zip"));
    let (rust, rust_withdrawn) = count_osv(&data().join("osv-mirror/RustSec/all.zip"));
    assert!(rust_withdrawn > 0);
    assert_eq!(source_count(&env, "osv:AlmaLinux"), alma);
    assert_eq!(source_count(&env, "osv:RustSec"), rust);
    let kev = count_kev(&data().join("kev/known_exploited_vulnerabilities.json"));
    let held: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM kev", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, kev);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!(
            "osv:RustSec    imported  {rust}     0        {rust_withdrawn}"
        )),
        "{stdout}"
    );

    // Second sync: conditional GET answered 304, nothing downloaded or re-imported.
    let before = env.catalogue_counts();
    m.server.clear_log();
    let audit_before: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    let out = sync(
        &env,
        &cfg,
        &["--mirror", &url, "osv:AlmaLinux", "osv:RustSec", "kev"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let log = m.server.log();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log.iter()
            .all(|r| r.status == 304 && r.if_none_match.is_some()),
        "{log:?}"
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("not-modified")
    );
    assert_eq!(env.catalogue_counts(), before);
    let audit_after: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        audit_after, audit_before,
        "a 304 must not be audited as an import"
    );
}

#[test]
fn changed_file_is_reimported() {
    let env = Env::init();
    let m = Mirror::new();
    let cfg = config(&env, "");
    let url = m.server.url();
    assert!(
        sync(&env, &cfg, &["--mirror", &url, "kev"])
            .status
            .success()
    );
    let kev = m.file("kev/known_exploited_vulnerabilities.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&kev).unwrap()).unwrap();
    let arr = v["vulnerabilities"].as_array_mut().unwrap();
    arr.truncate(arr.len() - 3);
    let expected = arr.len() as i64;
    v["count"] = expected.into();
    std::fs::write(&kev, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = sync(&env, &cfg, &["--mirror", &url, "kev"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let held: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM kev", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, expected);
}

#[test]
fn server_error_then_success_is_retried() {
    let env = Env::init();
    let m = Mirror::new();
    let cfg = config(&env, "");
    let path = "/kev/known_exploited_vulnerabilities.json";
    m.server
        .fault(path, &[Fault::Status(500), Fault::Status(503)]);
    let out = sync(&env, &cfg, &["--mirror", &m.server.url(), "kev"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let statuses: Vec<u16> = m.server.log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 503, 200]);
}

/// Runs a failing sync and checks exit 3, the message, and that nothing changed.
fn assert_failure_keeps_catalogue(env: &Env, cfg: &str, args: &[&str], needle: &str) {
    let before = env.catalogue_counts();
    let out = sync(env, cfg, args);
    let shown = render(env, &out);
    assert_eq!(out.status.code(), Some(3), "{shown}");
    assert!(shown.contains(needle), "expected {needle:?} in:\n{shown}");
    assert!(
        shown.contains("the catalogue held before is kept"),
        "{shown}"
    );
    assert_eq!(env.catalogue_counts(), before);
}

#[test]
fn failures_keep_the_catalogue() {
    let env = Env::init();
    let m = Mirror::new();
    let url = m.server.url();
    let cfg = config(&env, "");
    assert!(
        sync(&env, &cfg, &["--mirror", &url, "osv:AlmaLinux", "kev"])
            .status
            .success()
    );
    let before = env.catalogue_counts();
    assert!(before.iter().any(|(s, n)| s == "osv:AlmaLinux" && *n > 0));

    // The zip changes upstream, but arrives truncated.
    let zip = m.file("osv-mirror/AlmaLinux/all.zip");
    let mut bytes = std::fs::read(&zip).unwrap();
    bytes.extend_from_slice(b"\0");
    std::fs::write(&zip, &bytes).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() / 2]).unwrap();
    assert_failure_keeps_catalogue(
        &env,
        &cfg,
        &["--mirror", &url, "osv:AlmaLinux"],
        "the OSV archive is damaged",
    );

    // A server that stops sending mid-body (Content-Length promises more): retried, then
    // a clear error.
    std::fs::write(&zip, &bytes).unwrap();
    let p = "/osv-mirror/AlmaLinux/all.zip";
    m.server.fault(
        p,
        &[
            Fault::Truncate(1000),
            Fault::Truncate(1000),
            Fault::Truncate(1000),
        ],
    );
    assert_failure_keeps_catalogue(
        &env,
        &cfg,
        &["--mirror", &url, "osv:AlmaLinux"],
        "after 3 attempts",
    );

    // Garbage instead of the KEV JSON.
    let kev = m.file("kev/known_exploited_vulnerabilities.json");
    std::fs::write(&kev, b"<html><body>Service moved</body></html>").unwrap();
    assert_failure_keeps_catalogue(
        &env,
        &cfg,
        &["--mirror", &url, "kev"],
        "the KEV feed is not a KEV catalogue",
    );

    // 404: not retried, named.
    assert_failure_keeps_catalogue(
        &env,
        &cfg,
        &["--mirror", &url, "osv:NoSuchEcosystem"],
        "HTTP 404 Not Found",
    );
    let status = env.ok(&["--config", &cfg, "sync", "--status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let kev_row = status
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "kev")
        .unwrap();
    assert_eq!(kev_row["status"], "stale");
    assert!(
        kev_row["error"]
            .as_str()
            .unwrap()
            .contains("not a KEV catalogue")
    );
}

#[test]
fn stalled_server_times_out_with_exit_3() {
    let env = Env::init();
    let m = Mirror::new();
    let cfg = env.file(
        "stall.toml",
        "[sync]\nconnect_timeout = 1\ntimeout = 1\nretries = 0\n",
    );
    let cfg = cfg.to_str().unwrap();
    m.server.fault(
        "/kev/known_exploited_vulnerabilities.json",
        &[Fault::Stall(Duration::from_secs(4))],
    );
    let t = Instant::now();
    assert_failure_keeps_catalogue(
        &env,
        cfg,
        &["--mirror", &m.server.url(), "kev"],
        "timed out",
    );
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn a_malformed_record_in_a_good_zip_is_skipped_and_named() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let eco = dir.path().join("osv-mirror/AlmaLinux");
    std::fs::create_dir_all(&eco).unwrap();
    // The first 40 real records, plus one that is JSON but not OSV, and one not JSON.
    let mut src = zip::ZipArchive::new(
        std::fs::File::open(data().join("osv-mirror/AlmaLinux/all.zip")).unwrap(),
    )
    .unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(eco.join("all.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..40 {
        let mut e = src.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut buf = Vec::new();
        e.read_to_end(&mut buf).unwrap();
        out.start_file(name, opts).unwrap();
        out.write_all(&buf).unwrap();
    }
    out.start_file("BAD-1.json", opts).unwrap();
    out.write_all(br#"{"id": 42}"#).unwrap();
    out.start_file("BAD-2.json", opts).unwrap();
    out.write_all(b"\x00\x01 not json").unwrap();
    out.finish().unwrap();

    let out = env.run(&[
        "sync",
        "--from",
        dir.path().to_str().unwrap(),
        "osv:AlmaLinux",
    ]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(source_count(&env, "osv:AlmaLinux"), 40);
    assert!(
        shown.contains("warning: osv:AlmaLinux: skipped BAD-1.json: not an OSV record"),
        "{shown}"
    );
    assert!(
        shown.contains("warning: osv:AlmaLinux: skipped BAD-2.json"),
        "{shown}"
    );
    let skipped: i64 = env
        .sqlite()
        .query_row(
            "SELECT skipped FROM sources WHERE name = 'osv:AlmaLinux'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(skipped, 2);
}

#[test]
fn from_missing_dir_is_a_usage_error() {
    let env = Env::init();
    let out = env.run(&["sync", "--from", "/nonexistent/mirror", "kev"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: --from /nonexistent/mirror: no such directory\nhint: the directory must hold osv-mirror/<Ecosystem>/all.zip"),
        "{stderr}"
    );
}

#[test]
fn from_shared_data_then_export_round_trips() {
    let env = Env::init();
    let out = env.run(&[
        "sync",
        "--from",
        data().to_str().unwrap(),
        "osv:AlmaLinux",
        "osv:Debian",
        "kev",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let (debian, _) = count_osv(&data().join("osv-mirror/Debian/all.zip"));
    assert_eq!(source_count(&env, "osv:Debian"), debian);

    let export = tempfile::tempdir().unwrap();
    env.ok(&["-q", "sync", "--export", export.path().to_str().unwrap()]);
    for rel in [
        "osv-mirror/AlmaLinux/all.zip",
        "osv-mirror/Debian/all.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        assert_eq!(
            std::fs::read(export.path().join(rel)).unwrap(),
            std::fs::read(data().join(rel)).unwrap(),
            "{rel}"
        );
    }
    let other = Env::init();
    let out = other.run(&[
        "sync",
        "--from",
        export.path().to_str().unwrap(),
        "osv:AlmaLinux",
        "osv:Debian",
        "kev",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&other, &out));
    assert_eq!(other.catalogue_counts(), env.catalogue_counts());
}

#[test]
fn advisory_search_answers_with_the_rpm_rules() {
    let env = Env::init();
    let out = env.run(&[
        "sync",
        "--from",
        data().to_str().unwrap(),
        "osv:AlmaLinux",
        "kev",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let out = env.ok(&[
        "advisory",
        "search",
        "--package",
        "openssl",
        "--ecosystem",
        "AlmaLinux:9",
        "--version",
        "1:3.0.7-1.el9",
        "--format",
        "json",
    ]);
    let hits: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(!hits.is_empty());
    // Each verdict must agree with the fixed version compared by the rpm engine, and
    // every hit must be an openssl advisory of AlmaLinux:9.
    for h in &hits {
        assert_eq!(h["package"], "openssl");
        assert_eq!(h["ecosystem"], "AlmaLinux:9");
        let fixed = h["fixed"][0].as_str().unwrap();
        let below = patchcycle::version::Scheme::Rpm
            .compare("1:3.0.7-1.el9", fixed)
            .unwrap()
            .is_lt();
        assert_eq!(h["affected"], below, "{h}");
    }
    let by_id = |id: &str| hits.iter().find(|h| h["id"] == id).unwrap().clone();
    assert_eq!(by_id("ALSA-2023:2523")["affected"], true); // fixed in 1:3.0.7-6.el9_2
    assert_eq!(by_id("ALSA-2022:6224")["affected"], false); // fixed in 1:3.0.1-41.el9_0
    let shown = env.ok(&["advisory", "show", "CVE-2022-3358"]);
    assert!(shown.contains("id:         ALSA-2023:2523"), "{shown}");
}

/// Configures one `[[sync.errata]]` source and syncs it from `repo` (the --from layout);
/// the sync must succeed.
fn sync_errata(env: &Env, repo: &Path, name: &str, url: &str, ecosystem: &str) {
    let cfg = env.file(
        &format!("{name}.toml"),
        &format!(
            "[[sync.errata]]\nname = \"{name}\"\nurl = \"{url}\"\necosystem = \"{ecosystem}\"\n"
        ),
    );
    let source = format!("errata:{name}");
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "sync",
        "--from",
        repo.to_str().unwrap(),
        &source,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
}

#[test]
fn errata_from_a_repository_with_repomd() {
    let env = Env::init();
    let repo = tempfile::tempdir().unwrap();
    let base = repo.path().join("errata/rocky8/repodata");
    std::fs::create_dir_all(&base).unwrap();
    // A gzip updateinfo named by repomd.xml, as repositories publish them.
    let xml = std::fs::read(data().join("rpm/updateinfo.xml")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&xml).unwrap();
    std::fs::write(base.join("abc123-updateinfo.xml.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        base.join("repomd.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <data type="primary"><location href="repodata/primary.xml.gz"/></data>
  <data type="updateinfo"><location href="repodata/abc123-updateinfo.xml.gz"/></data>
</repomd>"#,
    )
    .unwrap();
    sync_errata(
        &env,
        repo.path(),
        "rocky8",
        "https://dl.rockylinux.org/pub/rocky/8/BaseOS/x86_64/os/",
        "Rocky Linux:8",
    );
    let expected = patchcycle::catalog::errata::count_updates(xml.as_slice()).unwrap() as i64;
    assert_eq!(expected, 4);
    assert_eq!(source_count(&env, "errata:rocky8"), expected);
    let lz4 = env.ok(&["advisory", "show", "RLSA-2021:2575", "--format", "json"]);
    let lz4: serde_json::Value = serde_json::from_str(&lz4).unwrap();
    assert_eq!(lz4[0]["severity"], "medium");
    assert_eq!(lz4[0]["aliases"][0], "CVE-2021-3520");
    assert_eq!(lz4[0]["affected"][0]["ecosystem"], "Rocky Linux:8");
}

#[test]
fn amazon_updateinfo_gzip_parses() {
    let env = Env::init();
    let gz = std::fs::read(data().join("rpm/amazon-linux-2-updateinfo.xml.gz")).unwrap();
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut xml)
        .unwrap();
    let repo = tempfile::tempdir().unwrap();
    let base = repo.path().join("errata/al2/repodata");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(base.join("updateinfo.xml.gz"), &gz).unwrap();
    std::fs::write(
        base.join("repomd.xml"),
        r#"<repomd><data type="updateinfo"><location href="repodata/updateinfo.xml.gz"/></data></repomd>"#,
    )
    .unwrap();
    sync_errata(
        &env,
        repo.path(),
        "al2",
        "https://example.invalid/al2/",
        "Amazon Linux:2",
    );
    let expected = patchcycle::catalog::errata::count_updates(xml.as_slice()).unwrap() as i64;
    assert_eq!(source_count(&env, "errata:al2"), expected);
    let adv = env.ok(&["advisory", "show", "ALAS2-2018-949", "--format", "json"]);
    let adv: serde_json::Value = serde_json::from_str(&adv).unwrap();
    assert_eq!(adv[0]["aliases"].as_array().unwrap().len(), 15);
    assert!(adv[0]["affected"].as_array().unwrap().iter().any(|a| {
        a["ranges"][0]["events"][1]["fixed"]
            .as_str()
            .unwrap()
            .starts_with("1:")
    }));
}

#[test]
fn epss_csv_gz_with_kev_cves() {
    // No EPSS file ships in tests/data/shared; this one has EPSS's published layout
    // (comment line, header, rows) over the real KEV CVE ids, with made-up scores.
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("epss")).unwrap();
    let kev: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data().join("kev/known_exploited_vulnerabilities.json")).unwrap(),
    )
    .unwrap();
    let mut csv = String::from(
        "#model_version:v2025.03.14,score_date:2026-11-24T00:00:00+0000\ncve,epss,percentile\n",
    );
    let mut n = 0;
    for (i, v) in kev["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        csv.push_str(&format!(
            "{},{:.5},{:.5}\n",
            v["cveID"].as_str().unwrap(),
            (i % 997) as f64 / 1000.0,
            (i % 991) as f64 / 1000.0
        ));
        n += 1;
    }
    csv.push_str("not-a-cve,0.1,0.2\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    std::fs::write(
        dir.path().join("epss/epss_scores-current.csv.gz"),
        gz.finish().unwrap(),
    )
    .unwrap();
    let out = env.run(&["sync", "--from", dir.path().to_str().unwrap(), "epss"]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("warning: epss: skipped line"), "{shown}");
    let held: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM epss WHERE date = '2026-11-24'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(held, n);
}

#[test]
fn kill_9_during_import_keeps_the_previous_catalogue() {
    let env = Env::init();
    let from = data();
    let from = from.to_str().unwrap();
    env.ok(&["-q", "sync", "--from", from, "osv:Debian"]);
    let before = env.catalogue_counts();
    // Make the next sync see a different file (same records, another byte layout) so
    // it really imports, then kill it part-way.
    let dir = tempfile::tempdir().unwrap();
    let eco = dir.path().join("osv-mirror/Debian");
    std::fs::create_dir_all(&eco).unwrap();
    let mut bytes = std::fs::read(data().join("osv-mirror/Debian/all.zip")).unwrap();
    // A zip comment changes the bytes and nothing else.
    let len = bytes.len();
    bytes[len - 2] = 2;
    bytes.extend_from_slice(b"pc");
    std::fs::write(eco.join("all.zip"), &bytes).unwrap();
    let t = Instant::now();
    let full = env.run(&[
        "-q",
        "sync",
        "--from",
        dir.path().to_str().unwrap(),
        "osv:Debian",
    ]);
    assert!(full.status.success(), "{}", render(&env, &full));
    let full_time = t.elapsed();
    for fraction in [0.3, 0.6, 0.9] {
        // Back to the original, so the changed file really imports, and kill that.
        env.ok(&["-q", "sync", "--from", from, "osv:Debian"]);
        assert_eq!(env.catalogue_counts(), before);
        let mut child = env
            .cmd(&[
                "-q",
                "sync",
                "--from",
                dir.path().to_str().unwrap(),
                "osv:Debian",
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full_time.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(env.catalogue_counts(), before, "after kill at {fraction}");
        let ok: String = env
            .sqlite()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    let out = env.run(&[
        "-q",
        "sync",
        "--from",
        dir.path().to_str().unwrap(),
        "osv:Debian",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(env.catalogue_counts(), before);
}

/// A `--from` directory under the environment's home (shown as `[HOME]`) holding copies
/// of these files of the shared data.
fn from_dir(env: &Env, name: &str, rels: &[&str]) -> String {
    let root = env.home().join(name);
    std::fs::create_dir_all(&root).unwrap();
    for rel in rels {
        let dest = root.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(data().join(rel), &dest).unwrap();
    }
    root.display().to_string()
}

const DEBIAN: &str = "osv-mirror/Debian/all.zip";
const ALMA: &str = "osv-mirror/AlmaLinux/all.zip";
const KEV: &str = "kev/known_exploited_vulnerabilities.json";

/// The findings rows of a host's latest scan, every column but the scan id, sorted.
fn finding_rows(env: &Env, host: &str) -> Vec<Vec<String>> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT f.package, f.source_name, f.installed, coalesce(f.fixed, '-'), coalesce(f.candidate, '-'), \
               f.security, f.advisories, f.cves, coalesce(f.severity, '-'), f.kev, coalesce(f.epss, -1) \
             FROM findings f WHERE f.scan_id = \
               (SELECT coalesce(s.findings_scan, s.id) FROM scans s JOIN hosts h ON h.id = s.host_id \
                WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1)",
        )
        .unwrap();
    let mut rows: Vec<Vec<String>> = stmt
        .query_map([host], |r| {
            (0..11)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

#[test]
fn sync_on_a_new_database_says_no_ecosystem_is_known() {
    let env = Env::init();
    let from = from_dir(&env, "mirror", &[KEV]);
    // The README's order on a new database: sync before any host or scan.
    assert_snapshot!(
        "sync_new_database_no_ecosystem",
        env.snap(&["sync", "--from", &from])
    );
    // A host added without an OS is named, with how to declare it.
    env.ok(&["-q", "host", "add", "web1"]);
    let out = env.run(&["sync", "--from", &from]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(
        stderr.contains("no OSV ecosystem to sync: no host has a known OS yet (1 host never scanned and declared none)"),
        "{stderr}"
    );
}

#[test]
fn sync_covers_scanned_and_declared_ecosystems_and_rematches_stored_scans() {
    let env = Env::init();
    // Scanned before any catalogue: only dpkg's pending security updates are findings.
    env.ok(&["-q", "host", "add", "h1"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("bookworm-old-glibc.out"),
        "--host",
        "h1",
    ]);
    let before = finding_rows(&env, "h1");
    assert!(!before.is_empty());
    assert!(before.iter().all(|r| r[6] == "Text(\"[]\")"), "{before:?}");
    // Declared, never scanned; and one with no known OS.
    env.ok(&["-q", "host", "add", "h2", "--ecosystem", "almalinux:9"]);
    env.ok(&["-q", "host", "add", "h3"]);
    let host = env.ok(&["host", "show", "h2", "--format", "json"]);
    let host: serde_json::Value = serde_json::from_str(&host).unwrap();
    assert_eq!(host["ecosystem"], "AlmaLinux:9");

    let from = from_dir(&env, "mirror", &[DEBIAN, ALMA, KEV]);
    let audit_before: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_snapshot!(
        "sync_scanned_and_declared_ecosystems",
        env.snap(&["sync", "--from", &from])
    );

    // Re-matched without contacting any host: the KEV glibc finding is there now.
    let after = finding_rows(&env, "h1");
    let glibc = after
        .iter()
        .find(|r| r[0] == "Text(\"libc6\")")
        .expect("libc6 finding");
    assert!(glibc[7].contains("CVE-2023-4911"), "{glibc:?}");
    assert_eq!(glibc[9], "Integer(1)", "KEV: {glibc:?}");
    let shown = env.ok(&["findings", "--host", "h1", "--format", "json"]);
    assert!(shown.contains("DCL-CVE-2023-4911"), "{shown}");
    let rematch: (String, String) = env
        .sqlite()
        .query_row(
            "SELECT action, details FROM audit WHERE seq > ?1 AND action = 'catalog.rematch'",
            [audit_before],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&rematch.1).unwrap();
    assert_eq!(details["hosts"], 1);

    // A fresh scan of the same facts gives exactly the re-matched rows.
    env.ok(&["-q", "host", "add", "h4"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("bookworm-old-glibc.out"),
        "--host",
        "h4",
    ]);
    assert_eq!(finding_rows(&env, "h4"), after);

    // An unchanged catalogue re-imports nothing and re-matches nothing.
    let out = env.run(&["sync", "--from", &from]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("re-matched"));
}

/// Collector output of an AlmaLinux 9 host, written for this test in the collector's
/// format: glibc and openssl-libs below the fixes of ALSA-2023:5453 and ALSA-2023:2523
/// (real records of the AlmaLinux OSV data), and dnf reporting those two plus an EPEL
/// advisory for chromium that no OSV source carries.
const ALMA9_OUT: &str = "@@PC 0123456789abcdef0123456789abcdef BEGIN 1

@@PC 0123456789abcdef0123456789abcdef os-release
NAME=\"AlmaLinux\"
VERSION=\"9.2 (Turquoise Kodkod)\"
ID=\"almalinux\"
VERSION_ID=\"9.2\"
PRETTY_NAME=\"AlmaLinux 9.2 (Turquoise Kodkod)\"

@@PC 0123456789abcdef0123456789abcdef uname
5.14.0-284.11.1.el9_2.x86_64

@@PC 0123456789abcdef0123456789abcdef boot
vmlinuz-5.14.0-284.11.1.el9_2.x86_64

@@PC 0123456789abcdef0123456789abcdef reboot
no

@@PC 0123456789abcdef0123456789abcdef reboot-pkgs

@@PC 0123456789abcdef0123456789abcdef rpm
bash\t0\t5.1.8\t6.el9_1\tx86_64\tbash-5.1.8-6.el9_1.src.rpm
glibc\t0\t2.34\t60.el9\tx86_64\tglibc-2.34-60.el9.src.rpm
openssl-libs\t1\t3.0.7\t1.el9\tx86_64\topenssl-3.0.7-1.el9.src.rpm
chromium\t0\t130.0.6723.116\t1.el9\tx86_64\tchromium-130.0.6723.116-1.el9.src.rpm

@@PC 0123456789abcdef0123456789abcdef updateinfo
ALSA-2023:2523 Moderate/Sec. openssl-libs-1:3.0.7-6.el9_2.x86_64
ALSA-2023:5453 Important/Sec. glibc-2.34-60.el9_2.7.x86_64
FEDORA-EPEL-2024-8f1c2a9d37 Important/Sec. chromium-131.0.6778.85-1.el9.x86_64

@@PC 0123456789abcdef0123456789abcdef check-update
chromium.x86_64    131.0.6778.85-1.el9    epel
glibc.x86_64    2.34-60.el9_2.7    baseos
openssl-libs.x86_64    1:3.0.7-6.el9_2    baseos

@@PC 0123456789abcdef0123456789abcdef check-update-rc
exit 100

@@PC 0123456789abcdef0123456789abcdef END
";

#[test]
fn rpm_rematch_keeps_what_dnf_reported_and_equals_a_fresh_scan() {
    let env = Env::init();
    let out = env.file("alma9.out", ALMA9_OUT);
    let out = out.to_str().unwrap();
    env.ok(&["-q", "host", "add", "a1"]);
    let scanned = env.ok(&["scan", "--import", out, "--host", "a1", "--format", "json"]);
    assert!(
        scanned.contains("\"ecosystem\": \"AlmaLinux:9\""),
        "{scanned}"
    );
    let before = finding_rows(&env, "a1");
    assert_eq!(before.len(), 3, "{before:?}");

    let from = from_dir(&env, "mirror", &[ALMA, KEV]);
    let synced = env.run(&["sync", "--from", &from, "osv:AlmaLinux", "kev"]);
    assert_eq!(synced.status.code(), Some(0), "{}", render(&env, &synced));
    let stderr = String::from_utf8_lossy(&synced.stderr);
    assert!(
        stderr.contains(
            "re-matched 1 host against the new catalogue: +0 new, -0 gone, 2 changed findings"
        ),
        "{stderr}"
    );
    let after = finding_rows(&env, "a1");
    // The EPEL advisory only dnf knows is still there after the re-match.
    assert!(
        after
            .iter()
            .any(|r| r[0] == "Text(\"chromium\")" && r[6].contains("FEDORA-EPEL-2024-8f1c2a9d37")),
        "{after:?}"
    );
    // glibc now carries the KEV CVE from the catalogue.
    assert!(
        after.iter().any(|r| r[0] == "Text(\"glibc\")"
            && r[7].contains("CVE-2023-4911")
            && r[9] == "Integer(1)"),
        "{after:?}"
    );
    env.ok(&["-q", "host", "add", "a2"]);
    env.ok(&["-q", "scan", "--import", out, "--host", "a2"]);
    assert_eq!(finding_rows(&env, "a2"), after);
}

#[test]
fn source_and_ecosystem_names_ignore_case_and_near_misses_are_named() {
    let env = Env::init();
    assert_snapshot!("sync_osv_near_miss", env.snap(&["sync", "osv:debain"]));
    assert_snapshot!("sync_unknown_bare_source", env.snap(&["sync", "debian"]));
    assert_snapshot!(
        "host_add_ecosystem_near_miss",
        env.snap(&["host", "add", "h1", "--ecosystem", "Debain:12"])
    );
    assert_snapshot!(
        "host_add_ecosystem_without_release",
        env.snap(&["host", "add", "h1", "--ecosystem", "debian"])
    );
    let from = from_dir(&env, "mirror", &[ALMA, KEV]);
    let out = env.run(&["sync", "--from", &from, "OSV:almalinux", "KEV"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("osv:AlmaLinux  imported"), "{stdout}");
    assert!(stdout.contains("\nkev            imported"), "{stdout}");
    let hits = env.ok(&[
        "advisory",
        "search",
        "--package",
        "openssl",
        "--ecosystem",
        "almalinux:9",
        "--format",
        "json",
    ]);
    let hits: Vec<serde_json::Value> = serde_json::from_str(&hits).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["ecosystem"] == "AlmaLinux:9"));
    let cfg = env.file(
        "ecos.toml",
        "[sync.osv]\necosystems = [\"rocky linux\", \"Almalinx\"]\n",
    );
    assert_snapshot!(
        "sync_config_ecosystem_near_miss",
        env.snap(&["--config", cfg.to_str().unwrap(), "sync", "--from", &from])
    );
}

#[test]
fn a_source_the_from_directory_lacks_is_a_warning_unless_named() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "a1", "--ecosystem", "AlmaLinux:9"]);
    let from = from_dir(&env, "mirror", &[KEV]);
    assert_snapshot!(
        "sync_from_lacks_unnamed_source",
        env.snap(&["sync", "--from", &from])
    );
    assert_snapshot!(
        "sync_from_lacks_named_source",
        env.snap(&["sync", "--from", &from, "osv:AlmaLinux", "kev"])
    );
}

/// An EPSS file in EPSS's published layout, with made-up scores for two real CVE ids:
/// one in KEV, one (the xz backdoor) in no synced source but EPSS.
fn epss_dir(env: &Env, name: &str) -> String {
    let dir = env.home().join(name).join("epss");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = "#model_version:v2025.03.14,score_date:2026-11-24T00:00:00+0000\ncve,epss,percentile\n\
               CVE-2021-44228,0.94358,0.99950\nCVE-2024-3094,0.84120,0.99240\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    std::fs::write(dir.join("epss_scores-current.csv.gz"), gz.finish().unwrap()).unwrap();
    env.home().join(name).display().to_string()
}

#[test]
fn advisory_show_knows_kev_and_epss_only_cves_in_any_case() {
    let env = Env::init();
    let from = from_dir(&env, "mirror", &[DEBIAN, KEV]);
    env.ok(&["-q", "sync", "--from", &from, "osv:Debian", "kev"]);
    let epss = epss_dir(&env, "scores");
    env.ok(&["-q", "sync", "--from", &epss, "epss"]);
    assert_snapshot!(
        "advisory_show_kev_only",
        env.snap(&["advisory", "show", "cve-2021-44228"])
    );
    assert_snapshot!(
        "advisory_show_epss_only",
        env.snap(&["advisory", "show", "CVE-2024-3094"])
    );
    assert_snapshot!(
        "advisory_show_kev_only_json",
        env.snap(&["advisory", "show", "CVE-2021-44228", "--format", "json"])
    );
    assert_snapshot!(
        "advisory_show_lower_case_advisory_id",
        env.snap(&["advisory", "show", "dcl-cve-2023-4911"])
    );
    assert_snapshot!(
        "advisory_show_unknown",
        env.snap(&["advisory", "show", "cve-2099-0001"])
    );
}

#[test]
fn exception_add_warns_about_an_id_no_synced_source_knows() {
    let env = Env::init();
    let from = from_dir(&env, "mirror", &[KEV]);
    env.ok(&["-q", "sync", "--from", &from, "kev"]);
    let add = |id: &str| {
        env.snap(&[
            "exception",
            "add",
            "--advisory",
            id,
            "--reason",
            "vendor says not reachable",
            "--expires",
            "2026-12-31",
        ])
    };
    assert_snapshot!("exception_add_unknown_id", add("VENDOR-2026-0042"));
    assert_snapshot!("exception_add_known_cve_lower_case", add("cve-2021-44228"));
    let list = env.ok(&["exception", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["advisory"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["VENDOR-2026-0042", "CVE-2021-44228"]);
}

#[test]
fn sync_status_shows_each_sources_age() {
    let env = Env::init();
    let from = from_dir(&env, "mirror", &[KEV]);
    env.ok(&["-q", "sync", "--from", &from, "kev"]);
    let out = env
        .cmd(&["sync", "--status"])
        .env("PATCHCYCLE_NOW", "2026-11-10T12:00:00Z")
        .output()
        .unwrap();
    assert_snapshot!("sync_status_age", render(&env, &out));
}
