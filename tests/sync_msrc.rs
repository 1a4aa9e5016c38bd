//! `sync msrc` on the real MSRC CVRF documents kept in tests/data/msrc (13 months,
//! provenance in its README), from a directory and over real HTTP on 127.0.0.1. Expected
//! counts are computed here from the files with the system's zstd and grep.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{Env, render};
use common::http::Server;
use insta::assert_snapshot;
use tempfile::TempDir;

/// The `--from` layout root of the test documents.
fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn cvrf() -> PathBuf {
    data().join("msrc/cvrf")
}

/// The months of tests/data/msrc/cvrf, from its index.
fn months() -> Vec<String> {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cvrf().join("index.json")).unwrap()).unwrap();
    index["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ID"].as_str().unwrap().to_string())
        .collect()
}

/// The distinct CVE ids (and ADV advisories) of a document, counted by zstd and grep.
fn distinct_cves(month: &str) -> i64 {
    let path = cvrf().join(format!("{month}.xml.zst"));
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            "zstd -dc \"$1\" | grep -oE '<vuln:CVE>(CVE-[0-9]{4}-[0-9]{4,12}|ADV[0-9]{6})</vuln:CVE>' | sort -u | wc -l",
        )
        .arg("sh")
        .arg(&path)
        .output()
        .expect("sh, zstd and grep");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A document decompressed by the system's zstd.
fn xml_of(month: &str) -> String {
    let out = Command::new("zstd")
        .arg("-dc")
        .arg(cvrf().join(format!("{month}.xml.zst")))
        .output()
        .expect("zstd");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn count(env: &Env, sql: &str) -> i64 {
    env.sqlite().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn held(env: &Env, source: &str) -> i64 {
    env.sqlite()
        .query_row(
            "SELECT count(*) FROM advisories WHERE source = ?1",
            [source],
            |r| r.get(0),
        )
        .unwrap()
}

/// A served copy of tests/data/msrc (tests edit it; the repository's stays as it is).
struct Mirror {
    root: TempDir,
    server: Server,
}

impl Mirror {
    fn new(months: &[&str]) -> Mirror {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("msrc/cvrf");
        std::fs::create_dir_all(&dir).unwrap();
        let mut index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cvrf().join("index.json")).unwrap()).unwrap();
        index["value"]
            .as_array_mut()
            .unwrap()
            .retain(|e| months.contains(&e["ID"].as_str().unwrap()));
        std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
        for m in months {
            let f = format!("{m}.xml.zst");
            std::fs::copy(cvrf().join(&f), dir.join(&f)).unwrap();
        }
        let server = Server::start(root.path());
        Mirror { root, server }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join("msrc/cvrf").join(rel)
    }

    /// Sets a month's CurrentReleaseDate in the served index.
    fn set_current_release(&self, month: &str, date: &str) {
        let p = self.path("index.json");
        let mut index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for e in index["value"].as_array_mut().unwrap() {
            if e["ID"] == month {
                e["CurrentReleaseDate"] = date.into();
            }
        }
        std::fs::write(&p, index.to_string()).unwrap();
    }

    /// Serves `xml` as the month's document (plain `.xml`, the `.zst` removed).
    fn replace_document(&self, month: &str, xml: &str) {
        let _ = std::fs::remove_file(self.path(&format!("{month}.xml.zst")));
        std::fs::write(self.path(&format!("{month}.xml")), xml).unwrap();
    }

    /// The documents requested since the log was cleared, by path.
    fn requested(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.server.log().into_iter().map(|r| r.path).collect();
        paths.sort();
        paths
    }
}

fn config(env: &Env, extra: &str) -> String {
    env.file(
        "sync.toml",
        &format!("[sync]\nconnect_timeout = 2\ntimeout = 5\nretries = 0\n{extra}"),
    )
    .display()
    .to_string()
}

fn sync_mirror(env: &Env, cfg: &str, m: &Mirror) -> std::process::Output {
    env.run(&["--config", cfg, "sync", "--mirror", &m.server.url(), "msrc"])
}

#[test]
fn from_directory_imports_every_cve_of_every_month() {
    let env = Env::init();
    let out = env.run(&["sync", "--from", data().to_str().unwrap(), "msrc"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let months = months();
    assert_eq!(months.len(), 13);
    for m in &months {
        assert_eq!(held(&env, &format!("msrc:{m}")), distinct_cves(m), "{m}");
    }
    assert_eq!(
        count(&env, "SELECT count(*) FROM msrc_documents"),
        13,
        "one row per month"
    );
    // Every CVE has its flags; the KB rows all name a product and a KB.
    assert_eq!(
        count(&env, "SELECT count(*) FROM msrc_cves"),
        count(&env, "SELECT count(*) FROM advisories")
    );
    // KB5094128 (June 2026, Windows Server 2022) replaces KB5087545 (May 2026), fixed in
    // 10.0.20348.5256: as the document says (grep below).
    let xml = xml_of("2026-Jun");
    assert!(xml.contains("<vuln:Description>5094128</vuln:Description>"));
    assert!(xml.contains("<vuln:Supercedence>5087545</vuln:Supercedence>"));
    assert!(xml.contains("<vuln:FixedBuild>10.0.20348.5256</vuln:FixedBuild>"));
    assert!(
        count(
            &env,
            "SELECT count(*) FROM msrc_remediations WHERE kb = 5094128 AND product_id = '11923' \
             AND fixed_build = '10.0.20348.5256' AND subtype = 'Security Update' AND restart_required = 1"
        ) > 0
    );
    assert!(
        count(
            &env,
            "SELECT count(*) FROM msrc_supersedence WHERE kb = 5094128 AND supersedes = 5087545"
        ) > 0
    );
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM msrc_products WHERE product_id = '11923' AND name = 'Windows Server 2022'"
        ),
        1
    );
    assert_snapshot!("msrc_first_sync", render(&env, &out));

    // Unchanged: nothing fetched but the index, nothing imported or audited.
    let audit = count(&env, "SELECT count(*) FROM audit");
    let before = env.catalogue_counts();
    assert_snapshot!(
        "msrc_unchanged_sync",
        env.snap(&["sync", "--from", data().to_str().unwrap(), "msrc"])
    );
    assert_eq!(env.catalogue_counts(), before);
    assert_eq!(count(&env, "SELECT count(*) FROM audit"), audit);
    // A plain sync keeps MSRC current once it has been synced.
    let plain = env.ok(&["sync", "--from", data().to_str().unwrap()]);
    assert!(
        plain
            .lines()
            .any(|l| l.starts_with("msrc ") && l.contains("not-modified")),
        "{plain}"
    );
    assert_snapshot!("msrc_status", env.snap(&["sync", "--status"]));
}

#[test]
fn a_windows_host_makes_a_plain_sync_fetch_msrc() {
    let env = Env::init();
    env.ok(&[
        "host",
        "add",
        "win-01",
        "admin@127.0.0.1",
        "--platform",
        "windows",
    ]);
    let out = env.run(&["sync", "--from", data().to_str().unwrap()]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("msrc ") && l.contains("imported")),
        "{stdout}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM msrc_documents"), 13);
    // The Windows host is no OSV ecosystem: no "no known OS" or "no feed" warning names it.
    assert!(!stderr.contains("win-01"), "{stderr}");
}

#[test]
fn advisory_show_lists_the_kbs_of_an_msrc_cve() {
    let env = Env::init();
    let m = Mirror::new(&["2026-Jun"]);
    let cfg = config(&env, "");
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_snapshot!(
        "msrc_advisory_show",
        env.snap(&["advisory", "show", "cve-2026-41108"])
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "advisory", "show", "CVE-2026-41108"]))
            .unwrap();
    let kbs = json[0]["msrc"]["kbs"].as_array().unwrap();
    let server_2022 = kbs.iter().find(|k| k["kb"] == 5094128).unwrap();
    assert_eq!(server_2022["fixed_build"], "10.0.20348.5256");
    assert_eq!(server_2022["supersedes"], serde_json::json!([5087545]));
    assert_eq!(server_2022["products"][0]["name"], "Windows Server 2022");
    assert_eq!(server_2022["products"][0]["severity"], "high");
}

#[test]
fn a_changed_release_date_refetches_that_month_only() {
    let env = Env::init();
    let m = Mirror::new(&["2026-Apr", "2026-May", "2026-Jun"]);
    let cfg = config(&env, "");
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let audit = count(&env, "SELECT count(*) FROM audit");

    // Unchanged index: only the index is requested.
    m.server.clear_log();
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(m.requested(), ["/msrc/cvrf/index.json"]);

    // A new date, same bytes: fetched (a 304), not re-imported, the date remembered.
    m.set_current_release("2026-May", "2026-08-01T10:00:00Z");
    m.server.clear_log();
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(
        m.requested(),
        ["/msrc/cvrf/2026-May.xml.zst", "/msrc/cvrf/index.json"]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("3 documents: 0 imported, 3 unchanged"),
        "{}",
        render(&env, &out)
    );
    assert_eq!(count(&env, "SELECT count(*) FROM audit"), audit);
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM msrc_documents WHERE id = '2026-May' AND current_release = '2026-08-01T10:00:00Z'"
        ),
        1
    );

    // A re-released month: a CVE's title changed. Only that month is imported again.
    let jun_before = held(&env, "msrc:2026-Jun");
    let xml = xml_of("2026-May").replacen("<vuln:Title>", "<vuln:Title>Re-released: ", 1);
    m.replace_document("2026-May", &xml);
    m.set_current_release("2026-May", "2026-09-01T10:00:00Z");
    m.server.clear_log();
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(
        m.requested(),
        [
            "/msrc/cvrf/2026-May.xml",
            "/msrc/cvrf/2026-May.xml.zst",
            "/msrc/cvrf/index.json"
        ],
        "the .zst first (404 now), then the .xml"
    );
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM advisories WHERE source = 'msrc:2026-May' AND summary LIKE 'Re-released: %'"
        ),
        1
    );
    assert_eq!(held(&env, "msrc:2026-Jun"), jun_before);
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM audit WHERE action = 'catalog.sync'"
        ),
        4,
        "three first imports and the re-released month"
    );
}

#[test]
fn hostile_documents_are_refused_and_the_catalogue_kept() {
    let env = Env::init();
    let m = Mirror::new(&["2026-May", "2026-Jun"]);
    let cfg = config(&env, "");
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let before = env.catalogue_counts();
    let remediations = count(&env, "SELECT count(*) FROM msrc_remediations");

    // Every CVE id replaced by a shell injection: mostly malformed, refused.
    let xml = xml_of("2026-May").replace("<vuln:CVE>CVE-", "<vuln:CVE>$(reboot)CVE-");
    m.replace_document("2026-May", &xml);
    m.set_current_release("2026-May", "2026-09-01T10:00:00Z");
    assert_snapshot!(
        "msrc_malformed_refused",
        render(&env, &sync_mirror(&env, &cfg, &m))
    );
    assert_eq!(env.catalogue_counts(), before);
    assert_eq!(
        count(&env, "SELECT count(*) FROM msrc_remediations"),
        remediations
    );

    // A document that calls itself another month (May served as it was again).
    m.replace_document("2026-May", &xml_of("2026-May"));
    let xml = xml_of("2026-Jun").replacen(
        "<cvrf:ID>2026-Jun</cvrf:ID>",
        "<cvrf:ID>2026-May</cvrf:ID>",
        1,
    );
    m.replace_document("2026-Jun", &xml);
    m.set_current_release("2026-Jun", "2026-09-01T10:00:00Z");
    let out = sync_mirror(&env, &cfg, &m);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("msrc:2026-Jun: the document calls itself \"2026-May\", not 2026-Jun"),
        "{}",
        render(&env, &out)
    );
    assert_eq!(env.catalogue_counts(), before);

    // A decompression bomb: the real 8 MiB document over a 1 MiB cap stops at the cap.
    let env2 = Env::init();
    let cfg2 = config(&env2, "[sync.max_mib]\nmsrc = 1\n");
    let small = Mirror::new(&["2026-Jun"]);
    let out = sync_mirror(&env2, &cfg2, &small);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env2, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "msrc:2026-Jun: the document is larger than the 1 MiB size cap of sync.max_mib.msrc once decompressed"
        ),
        "{}",
        render(&env2, &out)
    );
    assert_eq!(count(&env2, "SELECT count(*) FROM advisories"), 0);

    // An index of mostly hostile entries is refused.
    let index = r#"{"value":[{"ID":"../../../etc/passwd","CurrentReleaseDate":"2026-01-01T00:00:00Z"},
        {"ID":"2026-Jun","DocumentTitle":"June","CurrentReleaseDate":"2026-07-01T14:48:24Z"},
        {"ID":"2026-Jun","CurrentReleaseDate":"2026-07-01T14:48:24Z"}]}"#;
    std::fs::write(small.path("index.json"), index).unwrap();
    let env3 = Env::init();
    let cfg3 = config(&env3, "");
    let out = sync_mirror(&env3, &cfg3, &small);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env3, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "msrc: the index: 2 of 3 records malformed: the file is refused, not imported \
             (first: index entry \"../../../etc/passwd\": its ID is not a document id like 2024-Jan)"
        ),
        "{}",
        render(&env3, &out)
    );
    assert_eq!(count(&env3, "SELECT count(*) FROM advisories"), 0);
    // A few hostile entries among good ones are skipped and counted.
    let three = Mirror::new(&["2026-Apr", "2026-May", "2026-Jun"]);
    let p = three.path("index.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let list = v["value"].as_array_mut().unwrap();
    list.push(
        serde_json::json!({"ID": "2026-Jun;id", "CurrentReleaseDate": "2026-07-01T14:48:24Z"}),
    );
    let dup = list[0].clone();
    list.push(dup);
    std::fs::write(&p, v.to_string()).unwrap();
    let out = sync_mirror(&env3, &cfg3, &three);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env3, &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "index: skipped index entry \"2026-Jun;id\": its ID is not a document id like 2024-Jan"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("index: skipped index entry \"2026-Apr\": listed twice"),
        "{stderr}"
    );
    assert_eq!(count(&env3, "SELECT count(*) FROM msrc_documents"), 3);
    // Not JSON at all: a failure, the catalogue kept.
    let before = env3.catalogue_counts();
    std::fs::write(&p, "<html>maintenance</html>").unwrap();
    let out = sync_mirror(&env3, &cfg3, &three);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env3, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the MSRC index is not JSON"),
        "{}",
        render(&env3, &out)
    );
    assert_eq!(env3.catalogue_counts(), before);
}

#[test]
fn the_upstream_api_paths_are_updates_and_cvrf_id() {
    // The API's own layout: <url>/updates, then <url>/cvrf/<ID> (XML, not compressed).
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("cvrf/v3.0/cvrf")).unwrap();
    std::fs::copy(
        cvrf().join("index.json"),
        root.path().join("cvrf/v3.0/updates"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("cvrf/v3.0/cvrf/2026-Jun"),
        xml_of("2026-Jun"),
    )
    .unwrap();
    let server = Server::start(root.path());
    let env = Env::init();
    let cfg = config(
        &env,
        &format!("[sync.msrc]\nurl = \"{}cvrf/v3.0\"\n", server.url()),
    );
    let out = env.run(&["--config", &cfg, "sync", "msrc"]);
    // The other 12 months are not served: named, they fail; June is imported.
    assert_eq!(out.status.code(), Some(3), "{}", render(&env, &out));
    assert_eq!(held(&env, "msrc:2026-Jun"), distinct_cves("2026-Jun"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("msrc: 13 documents: 1 imported, 12 failed"),
        "{stderr}"
    );
}

#[test]
fn export_round_trips_the_layout() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", data().to_str().unwrap(), "msrc"]);
    let export = tempfile::tempdir().unwrap();
    env.ok(&["-q", "sync", "--export", export.path().to_str().unwrap()]);
    let mut files = vec!["index.json".to_string()];
    files.extend(months().iter().map(|m| format!("{m}.xml.zst")));
    for f in &files {
        assert_eq!(
            std::fs::read(export.path().join("msrc/cvrf").join(f)).unwrap(),
            std::fs::read(cvrf().join(f)).unwrap(),
            "{f}"
        );
    }
    let other = Env::init();
    other.ok(&[
        "-q",
        "sync",
        "--from",
        export.path().to_str().unwrap(),
        "msrc",
    ]);
    assert_eq!(other.catalogue_counts(), env.catalogue_counts());
    let rows = |e: &Env| {
        count(e, "SELECT count(*) FROM msrc_remediations")
            + count(e, "SELECT count(*) FROM msrc_supersedence")
    };
    assert_eq!(rows(&other), rows(&env));
}
