//! `sync` against real feed files served over real HTTP on 127.0.0.1, and from
//! directories. Expected counts are computed here from the files themselves.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::cli::{Env, render};
use common::http::{Fault, Server};
use tempfile::TempDir;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
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

/// Catalogue row counts: advisories per source, kev, epss, affected, aliases.
fn counts(env: &Env) -> Vec<(String, i64)> {
    let db = env.sqlite();
    let mut out: Vec<(String, i64)> = db
        .prepare("SELECT source, count(*) FROM advisories GROUP BY source ORDER BY source")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in ["kev", "epss", "affected", "aliases"] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        out.push((t.to_string(), n));
    }
    out
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
/// files, and ../shared/data must stay as it is).
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
    let before = counts(&env);
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
    assert_eq!(counts(&env), before);
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
    let before = counts(env);
    let out = sync(env, cfg, args);
    let shown = render(env, &out);
    assert_eq!(out.status.code(), Some(3), "{shown}");
    assert!(shown.contains(needle), "expected {needle:?} in:\n{shown}");
    assert!(
        shown.contains("the catalogue held before is kept"),
        "{shown}"
    );
    assert_eq!(counts(env), before);
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
    let before = counts(&env);
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
    assert_eq!(counts(&other), counts(&env));
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
    // No EPSS file ships in ../shared/data; this one has EPSS's published layout
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
    let before = counts(&env);
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
        assert_eq!(counts(&env), before);
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
        assert_eq!(counts(&env), before, "after kill at {fraction}");
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
    assert_eq!(counts(&env), before);
}
