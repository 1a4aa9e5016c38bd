//! Benchmark: `patchcycle sync --from DIR` of OSV archives.
//!
//! 1. the largest real archive in tests/data/shared (osv-mirror/Debian/all.zip);
//! 2. a synthetic archive of N records (default 100,000) made here from the real Debian
//!    records with new ids;
//! 3. an unchanged re-sync of it.
//!
//! Each run is the real binary against a fresh database; wall time and the child's peak
//! RSS (getrusage) are printed. Build first: `cargo build --release`, then
//!
//!     cargo run --release --example sync_bench -- --records 100000
//!
//! Goals (issue 5): 100k records < 10 s, peak RSS < 300 MB, unchanged re-sync < 1 s.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod support;
use support::{binary, run_measured};

fn main() {
    let mut records = 100_000usize;
    let mut make: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => {
                records = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--records N")
            }
            // Internal: build the synthetic archive in a child, so the measuring process
            // stays small (children are measured one by one with wait4).
            "--make-zip" => make = args.next().map(PathBuf::from),
            other => panic!("unknown argument {other}; use --records N"),
        }
    }
    if let Some(path) = make {
        make_zip(&path, records);
        return;
    }
    let bin = binary();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    let real = data.join("osv-mirror/Debian/all.zip");
    let dir = tempfile::tempdir().expect("temp dir");

    // The real archive, as published.
    let real_dir = dir.path().join("real");
    std::fs::create_dir_all(real_dir.join("osv-mirror/Debian")).expect("mkdir");
    std::fs::copy(&real, real_dir.join("osv-mirror/Debian/all.zip")).expect("copy");

    // The synthetic one: real records cycled, each with a fresh id (made by a child).
    let synth_dir = dir.path().join("synthetic");
    let synth = synth_dir.join("osv-mirror/Debian/all.zip");
    std::fs::create_dir_all(synth.parent().expect("parent")).expect("mkdir");
    let t = Instant::now();
    let me = std::env::current_exe().expect("current exe");
    let mut maker = Command::new(me);
    maker
        .arg("--make-zip")
        .arg(&synth)
        .arg("--records")
        .arg(records.to_string());
    let (code, _) = run_measured(maker);
    let ok = code == 0;
    assert!(ok, "making the synthetic archive failed");
    let size = std::fs::metadata(&synth).expect("meta").len();
    println!(
        "made a {records}-record archive ({:.1} MB) in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let run = |name: &str, from: &Path, db: &Path| {
        let t = Instant::now();
        let mut cmd = Command::new(&bin);
        cmd.args(["-q", "sync", "--from"])
            .arg(from)
            .arg("osv:Debian")
            .env("PATCHCYCLE_DB", db)
            .env("PATCHCYCLE_CONFIG", dir.path().join("config.toml"))
            .env("HOME", dir.path());
        let (code, rss) = run_measured(cmd);
        let ok = code == 0;
        let secs = t.elapsed().as_secs_f64();
        assert!(ok, "{name} failed");
        println!("{name:<36} {secs:>7.2} s   peak RSS {rss:>6.1} MB");
    };
    let init = |db: &Path| {
        let ok = Command::new(&bin)
            .args(["-q", "init"])
            .env("PATCHCYCLE_DB", db)
            .env("PATCHCYCLE_CONFIG", dir.path().join("config.toml"))
            .env("HOME", dir.path())
            .status()
            .expect("init");
        assert!(ok.success());
    };
    let db1 = dir.path().join("real.db");
    init(&db1);
    run("real Debian zip (17,232 records)", &real_dir, &db1);
    let db2 = dir.path().join("synthetic.db");
    init(&db2);
    run(
        &format!("synthetic zip ({records} records)"),
        &synth_dir,
        &db2,
    );
    run("unchanged re-sync", &synth_dir, &db2);
}

fn make_zip(path: &Path, records: usize) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    let real = data.join("osv-mirror/Debian/all.zip");
    let mut src = zip::ZipArchive::new(std::fs::File::open(&real).expect("open")).expect("zip");
    let mut bodies: Vec<serde_json::Value> = Vec::new();
    for i in 0..src.len() {
        let mut e = src.by_index(i).expect("entry");
        let mut s = String::new();
        e.read_to_string(&mut s).expect("read");
        bodies.push(serde_json::from_str(&s).expect("json"));
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let opts = zip::write::SimpleFileOptions::default();
    for n in 0..records {
        let mut rec = bodies[n % bodies.len()].clone();
        let id = format!("BENCH-{n:07}");
        rec["id"] = id.clone().into();
        out.start_file(format!("{id}.json"), opts).expect("start");
        out.write_all(&serde_json::to_vec(&rec).expect("ser"))
            .expect("write");
    }
    out.finish().expect("finish");
}
