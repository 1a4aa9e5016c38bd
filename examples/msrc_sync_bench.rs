//! Benchmark: `patchcycle sync --from DIR msrc` of the MSRC CVRF documents.
//!
//! 1. every document the index of DIR lists (the real data: 189 monthly documents,
//!    1999-Sep … 2026-Jun, zstd-compressed XML) into a fresh database;
//! 2. an unchanged re-sync (the index is read, no document is fetched).
//!
//! Each run is the real binary; wall time and the child's peak RSS (getrusage) are
//! printed. DIR is a `--from` layout root holding msrc/cvrf/index.json; by default the
//! shared data set (`../shared/data` beside the repository). Build first:
//! `cargo build --release`, then
//!
//!     cargo run --release --example msrc_sync_bench [-- --from DIR]
//!
//! Goals (issue 22): all 189 documents in ≤ 15 s with peak RSS ≤ 300 MB, an unchanged
//! re-sync ≤ 1 s.

use std::path::{Path, PathBuf};
use std::time::Instant;

mod support;
use support::{Home, run_measured};

fn main() {
    let mut from: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--from" => from = Some(args.next().map(PathBuf::from).expect("--from DIR")),
            other => panic!("unknown argument {other}; use --from DIR"),
        }
    }
    let from = from.unwrap_or_else(default_data);
    let index = from.join("msrc/cvrf/index.json");
    let listed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&index).unwrap_or_else(|e| panic!("{}: {e}", index.display())),
    )
    .expect("the index is JSON");
    let documents = listed["value"].as_array().map_or(0, Vec::len);
    let bytes: u64 = std::fs::read_dir(from.join("msrc/cvrf"))
        .expect("msrc/cvrf")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{documents} documents listed in {} ({:.1} MB on disk)",
        index.display(),
        bytes as f64 / 1e6
    );

    let home = Home::new();
    let run = |name: &str| {
        let mut cmd = home.command();
        cmd.args(["-q", "sync", "--from"]).arg(&from).arg("msrc");
        let t = Instant::now();
        let (code, rss) = run_measured(cmd);
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(code, 0, "{name} failed");
        println!("{name:<40} {secs:>7.2} s   peak RSS {rss:>6.1} MB");
    };
    run(&format!("sync msrc, {documents} documents, fresh db"));
    run("unchanged re-sync");
    let db = rusqlite::Connection::open(&home.db).expect("open the database");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    println!(
        "held: {} documents, {} CVEs, {} KB remediation rows, {} supersedence rows, {} products",
        count("SELECT count(*) FROM msrc_documents"),
        count("SELECT count(*) FROM msrc_cves"),
        count("SELECT count(*) FROM msrc_remediations"),
        count("SELECT count(*) FROM msrc_supersedence"),
        count("SELECT count(*) FROM msrc_products"),
    );
}

/// `../shared/data` beside the repository (or beside the worktree's parent).
fn default_data() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        manifest.join("../shared/data"),
        manifest.join("../../shared/data"),
    ]
    .into_iter()
    .find(|p| p.join("msrc/cvrf/index.json").is_file())
    .expect("no ../shared/data/msrc/cvrf/index.json beside the repository; use --from DIR")
}
