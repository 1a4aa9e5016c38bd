//! Benchmark: `patchcycle sync --from DIR` of OSV archives.
//!
//! 1. the largest real archive in ../shared/data (osv-mirror/Debian/all.zip);
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

fn main() {
    let mut records = 100_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => {
                records = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--records N")
            }
            other => panic!("unknown argument {other}; use --records N"),
        }
    }
    let bin = binary();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let real = data.join("osv-mirror/Debian/all.zip");
    let dir = tempfile::tempdir().expect("temp dir");

    // The real archive, as published.
    let real_dir = dir.path().join("real");
    std::fs::create_dir_all(real_dir.join("osv-mirror/Debian")).expect("mkdir");
    std::fs::copy(&real, real_dir.join("osv-mirror/Debian/all.zip")).expect("copy");

    // The synthetic one: real records cycled, each with a fresh id.
    let synth_dir = dir.path().join("synthetic");
    let synth = synth_dir.join("osv-mirror/Debian/all.zip");
    std::fs::create_dir_all(synth.parent().expect("parent")).expect("mkdir");
    let t = Instant::now();
    let mut src = zip::ZipArchive::new(std::fs::File::open(&real).expect("open")).expect("zip");
    let mut bodies: Vec<serde_json::Value> = Vec::new();
    for i in 0..src.len() {
        let mut e = src.by_index(i).expect("entry");
        let mut s = String::new();
        e.read_to_string(&mut s).expect("read");
        bodies.push(serde_json::from_str(&s).expect("json"));
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(&synth).expect("create"));
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
    let size = std::fs::metadata(&synth).expect("meta").len();
    println!(
        "made a {records}-record archive ({:.1} MB) in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let run = |name: &str, from: &Path, db: &Path| {
        let t = Instant::now();
        let out = Command::new(&bin)
            .args(["-q", "sync", "--from"])
            .arg(from)
            .arg("osv:Debian")
            .env("PATCHCYCLE_DB", db)
            .env("PATCHCYCLE_CONFIG", dir.path().join("config.toml"))
            .env("HOME", dir.path())
            .output()
            .expect("run patchcycle");
        let secs = t.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        println!(
            "{name:<32} {secs:>7.2} s   peak RSS of all runs so far {:>6.1} MB",
            peak_child_rss_mb()
        );
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

/// Peak resident set of the largest finished child, in MB (Linux reports KiB).
fn peak_child_rss_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if rc != 0 {
        return f64::NAN;
    }
    // SAFETY: initialised by the successful call above.
    let usage = unsafe { usage.assume_init() };
    usage.ru_maxrss as f64 / 1024.0
}

/// The binary beside this example (target/<profile>/patchcycle).
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .expect("target dir")
        .join("patchcycle");
    assert!(
        bin.exists(),
        "{} not found; run `cargo build --release` first",
        bin.display()
    );
    bin
}
