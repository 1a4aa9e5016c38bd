//! Benchmark: matching hosts against the catalogue (the CPU part of `scan`).
//!
//! Builds a database with the real catalogue from tests/data/shared (all OSV archives) plus
//! N synthetic advisories (copies of real Debian:12 affected entries under new ids),
//! then matches H synthetic hosts of ~P packages each, whose names and versions are
//! sampled from this machine's real package list (dpkg-query), with a share of them
//! moved to older versions so that advisories hit. Prints the time and peak RSS.
//!
//!     cargo run --release --example match_bench -- --hosts 1000 --packages 1500 --advisories 100000
//!     cargo run --release --example match_bench -- --hosts 10000     # the curve
//!
//! Goal (issue 7): 1,000 hosts <= 2 s and <= 500 MB RSS; 10,000 hosts within 10x.

use std::process::Command;
use std::time::Instant;

use patchcycle::db::{Db, OpenMode, write_tx};
use patchcycle::scan::facts::{Facts, Package};
use patchcycle::scan::matcher::Matcher;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn main() {
    let mut hosts = 1000usize;
    let mut per_host = 1500usize;
    let mut advisories = 100_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|v| v.parse().ok()).expect("a number");
        match a.as_str() {
            "--hosts" => hosts = num(),
            "--packages" => per_host = num(),
            "--advisories" => advisories = num(),
            other => panic!("unknown argument {other}"),
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("bench.db");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    let bin = std::env::current_exe()
        .expect("exe")
        .parent()
        .and_then(|p| p.parent())
        .expect("target dir")
        .join("patchcycle");
    assert!(bin.exists(), "{} missing: cargo build first", bin.display());
    let pc = |args: &[&str]| {
        let ok = Command::new(&bin)
            .args(args)
            .env("PATCHCYCLE_DB", &db_path)
            .env("PATCHCYCLE_CONFIG", dir.path().join("c.toml"))
            .env("HOME", dir.path())
            .status()
            .expect("run");
        assert!(ok.success(), "{args:?}");
    };
    pc(&["-q", "init"]);
    let t = Instant::now();
    pc(&[
        "-q",
        "sync",
        "--from",
        data.to_str().expect("path"),
        "osv:Debian",
        "osv:AlmaLinux",
        "osv:RustSec",
        "kev",
    ]);
    println!(
        "real catalogue synced in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let (mut db, _) = Db::open(&db_path, OpenMode::Existing).expect("open");
    // Synthetic advisories: real Debian:12 affected rows under new ids.
    let t = Instant::now();
    {
        let tx = write_tx(&mut db.conn).expect("tx");
        tx.execute_batch(
            "INSERT INTO sources (name, status) VALUES ('bench', 'ok');
             CREATE TEMP TABLE proto AS
               SELECT f.package, f.ranges, f.versions, a.severity FROM affected f
               JOIN advisories a ON a.id = f.advisory WHERE f.ecosystem = 'Debian:12';",
        )
        .expect("proto");
        let protos: i64 = tx
            .query_row("SELECT count(*) FROM proto", [], |r| r.get(0))
            .expect("count");
        let mut adv = tx
            .prepare("INSERT INTO advisories (source, advisory_id, kind, severity) VALUES ('bench', ?1, 'security', ?2)")
            .expect("prep");
        let mut aff = tx
            .prepare(
                "INSERT INTO affected (advisory, ecosystem, package, ranges, versions) \
                 SELECT ?1, 'Debian:12', package, ranges, versions FROM proto WHERE rowid = ?2",
            )
            .expect("prep");
        for n in 0..advisories {
            let proto = (n as i64 % protos) + 1;
            let sev: Option<String> = tx
                .query_row(
                    "SELECT severity FROM proto WHERE rowid = ?1",
                    [proto],
                    |r| r.get(0),
                )
                .expect("sev");
            adv.execute(rusqlite::params![format!("BENCH-{n:07}"), sev])
                .expect("adv");
            let id = tx.last_insert_rowid();
            aff.execute(rusqlite::params![id, proto]).expect("aff");
        }
        drop(adv);
        drop(aff);
        tx.commit().expect("commit");
    }
    let total: i64 = db
        .conn
        .query_row("SELECT count(*) FROM advisories", [], |r| r.get(0))
        .expect("count");
    println!(
        "{advisories} synthetic advisories added in {:.2} s; catalogue holds {total}",
        t.elapsed().as_secs_f64()
    );

    // The machine's real packages, as the sample.
    let out = Command::new("dpkg-query")
        .args([
            "-W",
            "-f",
            "${binary:Package}\t${Version}\t${source:Package}\t${source:Version}\n",
        ])
        .output()
        .expect("dpkg-query");
    let real: Vec<Package> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let name = f.first()?.split(':').next()?.to_string();
            let version = f.get(1)?.to_string();
            let source_name = Some(f.get(2)?.to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or(name.clone());
            let source_version = Some(f.get(3)?.to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or(version.clone());
            Some(Package {
                name,
                arch: None,
                version,
                source_name,
                source_version,
                state: patchcycle::family::PackageState::Installed,
            })
        })
        .collect();
    assert!(!real.is_empty(), "no packages from dpkg-query");
    // Hosts are made one at a time (as a scan stores them one at a time); only the
    // matcher calls are timed.
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut matcher = Matcher::new();
    let mut findings = 0usize;
    let mut spent = std::time::Duration::ZERO;
    let mut curve = Vec::new();
    for n in 0..hosts {
        let mut packages = Vec::with_capacity(per_host);
        for _ in 0..per_host {
            let mut p = real[rng.below(real.len())].clone();
            // One package in ten an older build, the way unpatched hosts look.
            if rng.below(10) == 0 {
                p.source_version = format!("{}~old", p.source_version);
            }
            packages.push(p);
        }
        let facts = Facts {
            ecosystem: Some("Debian:12".into()),
            packages,
            ..Facts::default()
        };
        let t = Instant::now();
        findings += matcher.findings(&db.conn, &facts).expect("match").len();
        spent += t.elapsed();
        if (n + 1).is_power_of_two() || n + 1 == hosts {
            curve.push((n + 1, spent.as_secs_f64()));
        }
    }
    let secs = spent.as_secs_f64();
    println!(
        "matched {hosts} hosts x {per_host} packages: {findings} findings in {secs:.2} s ({:.0} hosts/s); peak RSS {:.1} MB",
        hosts as f64 / secs,
        peak_rss_mb()
    );
    let points: Vec<String> = curve.iter().map(|(n, s)| format!("{n}:{s:.2}s")).collect();
    println!("curve (hosts:cumulative seconds): {}", points.join(" "));
}

/// This process's peak RSS (VmHWM) in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
