//! Hostile feed content (issue #18, item 1): a well-formed but empty or mostly malformed
//! feed must not replace what a source holds. Every hostile file is generated here, small,
//! and read through the real `sync` (from a directory, and over HTTP on 127.0.0.1).

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::cli::{Env, collect, render};
use common::http::Server;
use insta::assert_snapshot;

/// The small mirror of real catalogue data: 117 Debian OSV records, 3 KEV entries.
fn mirror_small() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mirror-small")
        .display()
        .to_string()
}

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/shared")
        .join(rel)
}

/// A `--from` directory under the environment's home (shown as `[HOME]`) with `files`
/// (path in the layout, content).
fn feed_dir(env: &Env, name: &str, files: &[(&str, &[u8])]) -> String {
    let root = env.home().join(name);
    for (rel, bytes) in files {
        let dest = root.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, bytes).unwrap();
    }
    root.display().to_string()
}

/// A zip of `entries` (name, content).
fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in entries {
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The first `n` records of the small mirror's Debian zip, as they are.
fn debian_records(n: usize) -> Vec<(String, Vec<u8>)> {
    let path = Path::new(&mirror_small()).join("osv-mirror/Debian/all.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..n)
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut buf = Vec::new();
            e.read_to_end(&mut buf).unwrap();
            (name, buf)
        })
        .collect()
}

/// `n` records that are JSON but not OSV (an id must be a string).
fn malformed_records(n: usize) -> Vec<(String, Vec<u8>)> {
    (1..=n)
        .map(|i| (format!("BAD-{i:04}.json"), br#"{"id": 42}"#.to_vec()))
        .collect()
}

/// A source's status and error as `sync --status --format json` shows them.
fn status_of(env: &Env, cfg: &[&str], source: &str) -> (String, String) {
    let mut args = cfg.to_vec();
    args.extend(["sync", "--status", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&env.ok(&args)).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == source)
        .unwrap_or_else(|| panic!("{source} not in {rows}"));
    (
        row["status"].as_str().unwrap().to_string(),
        row["error"].as_str().unwrap_or("-").to_string(),
    )
}

/// The details of every audit row with this action.
fn audited(env: &Env, action: &str) -> Vec<(String, serde_json::Value)> {
    env.sqlite()
        .prepare("SELECT object, details FROM audit WHERE action = ?1 ORDER BY seq")
        .unwrap()
        .query_map([action], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .unwrap()
        .map(|r| {
            let (object, details) = r.unwrap();
            (object, serde_json::from_str(&details).unwrap())
        })
        .collect()
}

/// A refused sync: exit 3, the catalogue unchanged, the source `refused` with `reason`.
fn assert_refused(env: &Env, cfg: &[&str], args: &[&str], source: &str, reason: &str) -> String {
    let before = env.catalogue_counts();
    let mut all = cfg.to_vec();
    all.push("sync");
    all.extend_from_slice(args);
    let shown = env.snap(&all);
    assert!(shown.starts_with("exit: 3\n"), "{shown}");
    assert_eq!(
        env.catalogue_counts(),
        before,
        "a refused import changed the catalogue"
    );
    let (status, error) = status_of(env, cfg, source);
    assert_eq!(status, "refused");
    assert!(error.contains(reason), "{error:?} lacks {reason:?}");
    shown
}

const KEV_EMPTY: &[u8] =
    br#"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.10","count":0,"vulnerabilities":[]}"#;
const KEV: &str = "kev/known_exploited_vulnerabilities.json";
const DEBIAN: &str = "osv-mirror/Debian/all.zip";

#[test]
fn an_empty_osv_zip_is_refused_then_accepted_with_allow_shrink() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    let held = env.catalogue_counts();
    assert!(held.contains(&("osv:Debian".into(), 117)), "{held:?}");
    let empty = zip_of(&[]);
    assert_eq!(empty.len(), 22, "an empty zip is its end record alone");
    let from = feed_dir(&env, "hostile", &[(DEBIAN, &empty)]);
    assert_snapshot!(
        "empty_zip_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian"],
            "osv:Debian",
            "the feed has no records where 117 are held"
        )
    );
    assert_snapshot!("empty_zip_refused_status", env.snap(&["sync", "--status"]));
    // What was refused is not remembered as seen: the next sync reads the file again.
    assert_snapshot!(
        "empty_zip_allow_shrink",
        env.snap(&["sync", "--from", &from, "osv:Debian", "--allow-shrink"])
    );
    assert!(
        !env.catalogue_counts()
            .iter()
            .any(|(s, _)| s == "osv:Debian")
    );
    assert_eq!(status_of(&env, &[], "osv:Debian").0, "ok");
    let rows = audited(&env, "catalog.shrink_accepted");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "osv:Debian");
    assert_eq!(
        (
            &rows[0].1["before"],
            &rows[0].1["after"],
            &rows[0].1["max_shrink"]
        ),
        (
            &serde_json::json!(117),
            &serde_json::json!(0),
            &serde_json::json!(0.5)
        )
    );
}

#[test]
fn an_empty_kev_list_over_http_keeps_kev_findings() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    env.ok(&["-q", "host", "add", "h1"]);
    let scan = collect("bookworm-old-glibc.out");
    env.ok(&["-q", "scan", "--import", &scan, "--host", "h1"]);
    let gate = |env: &Env| {
        env.run(&["-q", "findings", "--fail-on", "kev"])
            .status
            .code()
    };
    assert_eq!(gate(&env), Some(1), "the glibc finding is in KEV");

    let served = tempfile::tempdir().unwrap();
    let kev = served.path().join(KEV);
    std::fs::create_dir_all(kev.parent().unwrap()).unwrap();
    std::fs::write(&kev, KEV_EMPTY).unwrap();
    let server = Server::start(served.path());
    let url = server.url();
    let shown = assert_refused(
        &env,
        &[],
        &["--mirror", &url, "kev"],
        "kev",
        "the feed has no records where 3 are held",
    );
    assert_snapshot!("empty_kev_refused", shown.replace(&url, "[URL]"));
    assert_eq!(
        gate(&env),
        Some(1),
        "KEV findings must survive a hostile KEV feed"
    );

    // Said on purpose: the KEV table empties, the finding is no longer known-exploited.
    let out = env.run(&["-q", "sync", "--mirror", &url, "kev", "--allow-shrink"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert_eq!(gate(&env), Some(0));
    let rows = audited(&env, "catalog.shrink_accepted");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].1["before"].as_u64(), rows[0].1["after"].as_u64()),
        (Some(3), Some(0))
    );
}

#[test]
fn a_zip_of_malformed_records_is_refused_even_with_allow_shrink() {
    let env = Env::init();
    let bad = zip_of(&malformed_records(5));
    let from = feed_dir(&env, "hostile", &[(DEBIAN, &bad)]);
    // Nothing held yet: still not imported.
    assert_snapshot!(
        "malformed_zip_first_import_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian"],
            "osv:Debian",
            "5 of 5 records malformed"
        )
    );
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    assert_snapshot!(
        "malformed_zip_refused_with_allow_shrink",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian", "--allow-shrink"],
            "osv:Debian",
            "5 of 5 records malformed"
        )
    );
    assert!(audited(&env, "catalog.shrink_accepted").is_empty());
}

#[test]
fn one_good_record_among_999_malformed_is_refused() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    let mut entries = debian_records(1);
    entries.extend(malformed_records(999));
    let from = feed_dir(&env, "hostile", &[(DEBIAN, &zip_of(&entries))]);
    assert_snapshot!(
        "one_good_999_malformed_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian"],
            "osv:Debian",
            "999 of 1,000 records malformed"
        )
    );
}

#[test]
fn a_few_malformed_among_many_good_import_with_one_line_warnings() {
    let env = Env::init();
    let mut entries = debian_records(40);
    // A hostile entry name: a terminal title and a screen clear.
    entries.push((
        "BAD\u{1b}]0;PWNED\u{7}\u{1b}[2J.json".into(),
        br#"{"id": 42}"#.to_vec(),
    ));
    let from = feed_dir(&env, "mostly-good", &[(DEBIAN, &zip_of(&entries))]);
    let shown = env.snap(&["sync", "--from", &from, "osv:Debian"]);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert_snapshot!("few_malformed_imported", shown);
    assert!(env.catalogue_counts().contains(&("osv:Debian".into(), 40)));
}

/// An errata repository in the `--from` layout whose updateinfo is `xml`; its file is
/// named after `name`, as repositories name it after its checksum (so repomd.xml changes
/// with it).
fn errata_dir(env: &Env, name: &str, xml: &[u8]) -> String {
    let repomd = format!(
        r#"<repomd><data type="updateinfo"><location href="repodata/{name}-updateinfo.xml"/></data></repomd>"#
    );
    feed_dir(
        env,
        name,
        &[
            ("errata/rocky8/repodata/repomd.xml", repomd.as_bytes()),
            (
                &format!("errata/rocky8/repodata/{name}-updateinfo.xml"),
                xml,
            ),
        ],
    )
}

fn errata_config(env: &Env) -> String {
    env.file(
        "errata.toml",
        "[[sync.errata]]\nname = \"rocky8\"\nurl = \"https://dl.rockylinux.org/pub/rocky/8/BaseOS/x86_64/os/\"\necosystem = \"Rocky Linux:8\"\n",
    )
    .display()
    .to_string()
}

#[test]
fn an_empty_errata_updates_is_refused_then_accepted_with_allow_shrink() {
    let env = Env::init();
    let cfg = errata_config(&env);
    let cfg = ["--config", cfg.as_str()];
    let good = std::fs::read(shared("rpm/updateinfo.xml")).unwrap();
    let from = errata_dir(&env, "repo", &good);
    let mut args = cfg.to_vec();
    args.extend(["-q", "sync", "--from", &from, "errata:rocky8"]);
    env.ok(&args);
    assert!(
        env.catalogue_counts()
            .contains(&("errata:rocky8".into(), 4))
    );

    let from = errata_dir(&env, "hostile", b"<?xml version=\"1.0\"?>\n<updates/>\n");
    assert_snapshot!(
        "empty_updates_refused",
        assert_refused(
            &env,
            &cfg,
            &["--from", &from, "errata:rocky8"],
            "errata:rocky8",
            "the feed has no records where 4 are held"
        )
    );
    let mut args = cfg.to_vec();
    args.extend([
        "-q",
        "sync",
        "--from",
        &from,
        "errata:rocky8",
        "--allow-shrink",
    ]);
    env.ok(&args);
    assert!(
        !env.catalogue_counts()
            .iter()
            .any(|(s, _)| s == "errata:rocky8")
    );
    let rows = audited(&env, "catalog.shrink_accepted");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "errata:rocky8");
}

#[test]
fn errata_ids_and_package_names_are_checked_like_osv() {
    let env = Env::init();
    let cfg = errata_config(&env);
    let good = String::from_utf8(std::fs::read(shared("rpm/updateinfo.xml")).unwrap()).unwrap();
    let hostile = |id: &str, package: &str| {
        format!(
            "<update type=\"security\"><id>{id}</id><title>x</title><pkglist><collection>\
             <package name=\"{package}\" version=\"1.8.0\" release=\"3.el8_4\" epoch=\"0\" arch=\"x86_64\"/>\
             </collection></pkglist></update>\n"
        )
    };
    let xml = good.replace(
        "</updates>",
        &format!(
            "{}{}{}</updates>",
            hostile("RLSA-$(reboot)", "lz4"),
            hostile("RLSA-2021:9999", "lz4;$(id)"),
            hostile("RLSA-2021:9998\u{1b}]0;PWNED\u{7}", "lz4"),
        ),
    );
    let from = errata_dir(&env, "repo", xml.as_bytes());
    let shown = env.snap(&["--config", &cfg, "sync", "--from", &from, "errata:rocky8"]);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert_snapshot!("errata_hostile_ids_and_names_skipped", shown);
    // The 4 real updates, none of the hostile ones.
    assert!(
        env.catalogue_counts()
            .contains(&("errata:rocky8".into(), 4))
    );
}

/// An EPSS file: its comment line, header, then `rows`.
fn epss_gz(rows: &str) -> Vec<u8> {
    let csv = format!(
        "#model_version:v2025.03.14,score_date:2026-11-24T00:00:00+0000\ncve,epss,percentile\n{rows}"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    gz.finish().unwrap()
}

const EPSS: &str = "epss/epss_scores-current.csv.gz";

#[test]
fn an_epss_file_with_only_its_header_is_refused_then_accepted_with_allow_shrink() {
    let env = Env::init();
    let good = epss_gz("CVE-2021-44228,0.94358,0.99950\nCVE-2024-3094,0.84120,0.99240\n");
    let from = feed_dir(&env, "scores", &[(EPSS, &good)]);
    env.ok(&["-q", "sync", "--from", &from, "epss"]);
    assert!(env.catalogue_counts().contains(&("epss".into(), 2)));
    let from = feed_dir(&env, "hostile", &[(EPSS, &epss_gz(""))]);
    assert_snapshot!(
        "epss_header_only_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "epss"],
            "epss",
            "the feed has no records where 2 are held"
        )
    );
    env.ok(&["-q", "sync", "--from", &from, "epss", "--allow-shrink"]);
    assert!(env.catalogue_counts().contains(&("epss".into(), 0)));
    assert_eq!(audited(&env, "catalog.shrink_accepted").len(), 1);
}

#[test]
fn a_shrink_past_max_shrink_is_refused_and_the_share_is_configurable() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    // 40 of 117: removing 77 (65.8 %) is more than the default 50 %.
    let from = feed_dir(&env, "smaller", &[(DEBIAN, &zip_of(&debian_records(40)))]);
    assert_snapshot!(
        "shrink_past_max_shrink_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian"],
            "osv:Debian",
            "would remove 65.8 % of them"
        )
    );
    // A config that allows removing 70 %: an ordinary import, nothing to audit.
    let cfg = env.file("shrink.toml", "[sync]\nmax_shrink = 0.7\n");
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "-q",
        "sync",
        "--from",
        &from,
        "osv:Debian",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(env.catalogue_counts().contains(&("osv:Debian".into(), 40)));
    assert!(audited(&env, "catalog.shrink_accepted").is_empty());
    let bad = env.file("bad.toml", "[sync]\nmax_shrink = 1.5\n");
    assert_snapshot!(
        "max_shrink_out_of_bounds",
        env.snap(&["--config", bad.to_str().unwrap(), "sync", "--from", &from])
    );
}

#[test]
fn an_empty_feed_on_a_first_import_is_imported_with_a_warning() {
    let env = Env::init();
    let from = feed_dir(&env, "empty", &[(KEV, KEV_EMPTY)]);
    assert_snapshot!(
        "empty_kev_first_import",
        env.snap(&["sync", "--from", &from, "kev"])
    );
    let (status, _) = status_of(&env, &[], "kev");
    assert_eq!(status, "ok");
    let status = env.ok(&["sync", "--status"]);
    assert!(
        status.contains("the feed has no records (nothing was held for this source either)"),
        "{status}"
    );
}

#[test]
fn a_failed_and_a_refused_source_are_both_named() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    // The directory lacks osv:Debian (named: a failure) and empties kev (refused).
    let from = feed_dir(&env, "partial", &[(KEV, KEV_EMPTY)]);
    assert_snapshot!(
        "failed_and_refused",
        assert_refused(
            &env,
            &[],
            &["--from", &from, "osv:Debian", "kev"],
            "kev",
            "the feed has no records where 3 are held"
        )
    );
}

#[test]
fn a_damaged_entry_with_a_hostile_name_is_named_safely() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    // A stored (uncompressed) entry whose bytes are changed after its CRC was written.
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("X\u{1b}]0;PWNED\u{7}\u{1b}[2J.json", stored)
        .unwrap();
    out.write_all(br#"{"id": "MARKER-1"}"#).unwrap();
    let mut bytes = out.finish().unwrap().into_inner();
    let at = bytes
        .windows(6)
        .position(|w| w == b"MARKER")
        .expect("the stored content");
    bytes[at] = b'N';
    let from = feed_dir(&env, "damaged", &[(DEBIAN, &bytes)]);
    let shown = env.snap(&["sync", "--from", &from, "osv:Debian"]);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert_snapshot!("damaged_entry_hostile_name", shown);
}

#[test]
fn an_advisory_id_typed_by_the_user_is_checked_by_the_same_rule() {
    let env = Env::init();
    assert_snapshot!(
        "exception_add_hostile_advisory_id",
        env.snap(&[
            "exception",
            "add",
            "--advisory",
            "CVE-$(id)",
            "--reason",
            "test",
            "--expires",
            "2026-12-31",
        ])
    );
}
