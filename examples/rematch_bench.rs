//! Benchmark: the re-match at the end of `sync` (issue #17, item 3): every host's stored
//! scan matched again against the new catalogue, its findings rows replaced.
//!
//! ```sh
//! cargo build --release --examples
//! target/release/examples/rematch_bench                                  # 10,000 hosts x 1,500 packages
//! target/release/examples/rematch_bench --hosts 50 --packages 200        # smoke size
//! ```
//!
//! The database is made with `patchcycle init`, then filled by direct SQL in the shape
//! `scan` stores (hosts, one good dpkg scan each with its `installed` rows, no findings
//! yet: scanned before any catalogue) and a synthetic `osv:Debian` catalogue (a pool of
//! source packages, two advisories each, CVE aliases). Hosts draw their packages from
//! the pool; one package in twenty is an old build that the advisories affect. Then the
//! real binary runs twice, each time as its own process with its peak RSS from wait4:
//!
//! 1. `sync --from DIR kev` with a new KEV file: the first re-match, every finding new;
//! 2. `sync --from DIR kev` with a KEV file of one more CVE: a re-match where few
//!    findings change (the usual monthly case).
//!
//! Target: each run (KEV import included) ≤ 10 s and ≤ 500 MB peak RSS at 10,000 hosts.

use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use rusqlite::{Connection, params};

mod support;
use support::run_measured;

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Source packages in the pool the hosts draw from.
const POOL: usize = 4000;

fn cve(i: usize, k: usize) -> String {
    format!("CVE-2026-{:05}", 10_000 + i * 2 + k)
}

fn main() {
    let mut hosts = 10_000usize;
    let mut per_host = 1500usize;
    let mut keep: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|v| v.parse().ok()).expect("a number");
        match a.as_str() {
            "--hosts" => hosts = num(),
            "--packages" => per_host = num(),
            // Keep a copy of the generated database, before any re-match (for profiling).
            "--keep" => keep = args.next().map(std::path::PathBuf::from),
            other => panic!("unknown argument {other}; use --hosts N --packages N --keep FILE"),
        }
    }
    assert!(per_host <= POOL, "--packages at most {POOL}");
    let home = support::Home::new();
    let (dir, db_path) = (&home.dir, home.db.as_path());

    let t = Instant::now();
    generate(db_path, hosts, per_host);
    let size = std::fs::metadata(db_path).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {hosts} hosts x {per_host} packages ({} installed rows, {:.0} MB database) in {:.1} s",
        hosts * per_host,
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    if let Some(k) = &keep {
        std::fs::copy(db_path, k).expect("keep a copy");
    }
    let from = dir.path().join("from");
    let mut worst = (0.0f64, 0.0f64);
    for (run, kev_entries) in [("first re-match", 40usize), ("second re-match", 41)] {
        write_kev(&from, kev_entries);
        let mut cmd = home.command();
        cmd.args(["sync", "--from"])
            .arg(&from)
            .arg("kev")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let err_path = dir.path().join("sync.err");
        cmd.stderr(std::fs::File::create(&err_path).expect("stderr file"));
        let t = Instant::now();
        let (code, rss) = run_measured(cmd);
        let secs = t.elapsed().as_secs_f64();
        let said = std::fs::read_to_string(&err_path).unwrap_or_default();
        assert_eq!(code, 0, "sync exited {code}: {said}");
        let line = said
            .lines()
            .find(|l| l.starts_with("re-matched"))
            .unwrap_or_else(|| panic!("no re-match summary in: {said}"));
        println!("{run}: {secs:.2} s, {rss:.1} MB peak RSS; {line}");
        worst = (worst.0.max(secs), worst.1.max(rss));
    }
    let findings: i64 = Connection::open(db_path)
        .and_then(|c| c.query_row("SELECT count(*) FROM findings", [], |r| r.get(0)))
        .expect("count findings");
    println!("{findings} findings rows stored");
    let within = worst.0 <= 10.0 && worst.1 <= 500.0;
    println!(
        "slowest: {:.2} s, {:.1} MB peak RSS ({} the 10 s / 500 MB target)",
        worst.0,
        worst.1,
        if within { "within" } else { "OVER" }
    );
}

/// A KEV catalogue naming the CVEs of the first `n` pool packages' first advisory.
fn write_kev(from: &Path, n: usize) {
    let vulns: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "cveID": cve(i * (POOL / 64).max(1) % POOL, 0),
                "vendorProject": "bench",
                "product": format!("src{i}"),
                "vulnerabilityName": "bench",
                "dateAdded": "2026-11-01",
                "dueDate": "2026-11-22",
                "knownRansomwareCampaignUse": "Unknown",
            })
        })
        .collect();
    let doc = serde_json::json!({
        "catalogVersion": format!("2026.11.{n:02}"),
        "count": n,
        "vulnerabilities": vulns,
    });
    let path = from.join("kev/known_exploited_vulnerabilities.json");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("kev dir");
    std::fs::write(&path, serde_json::to_vec(&doc).expect("json")).expect("write kev");
}

/// Fills the database: the catalogue, hosts and their stored scans.
fn generate(db: &Path, hosts: usize, per_host: usize) {
    let mut conn = Connection::open(db).expect("open");
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .expect("busy");
    let tx = conn.transaction().expect("tx");
    let now = "2026-11-01T03:00:00Z";
    tx.execute(
        "INSERT INTO sources (name, url, synced_at, checked_at, records, status) VALUES ('osv:Debian', 'bench', ?1, ?1, ?2, 'ok')",
        params![now, (POOL * 2) as i64],
    )
    .expect("source");
    let sev = ["critical", "high", "medium", "medium", "low"];
    {
        let mut adv = tx
            .prepare(
                "INSERT INTO advisories (source, advisory_id, kind, severity, summary) VALUES ('osv:Debian', ?1, 'security', ?2, 'bench')",
            )
            .expect("prep");
        let mut alias = tx
            .prepare("INSERT INTO aliases (advisory, alias) VALUES (?1, ?2)")
            .expect("prep");
        let mut aff = tx
            .prepare(
                "INSERT INTO affected (advisory, ecosystem, package, ranges, versions) VALUES (?1, 'Debian:12', ?2, ?3, '[]')",
            )
            .expect("prep");
        for i in 0..POOL {
            // Two fixes per source package: 1.0-3 and 1.0-5; the hosts' current build is 1.0-6.
            for (k, fixed) in ["1.0-3", "1.0-5"].iter().enumerate() {
                adv.execute(params![
                    format!("DSA-{:05}-{}", 10_000 + i, k + 1),
                    sev[(i + k) % sev.len()]
                ])
                .expect("advisory");
                let id = tx.last_insert_rowid();
                alias.execute(params![id, cve(i, k)]).expect("alias");
                let ranges = format!(
                    "[{{\"type\":\"ECOSYSTEM\",\"events\":[{{\"introduced\":\"0\"}},{{\"fixed\":\"{fixed}\"}}]}}]"
                );
                aff.execute(params![id, format!("src{i:04}"), ranges])
                    .expect("affected");
            }
        }
        let mut host_ins = tx
            .prepare(
                "INSERT INTO hosts (name, address, os_id, os_version, ecosystem, last_scan, created_at, updated_at) \
                 VALUES (?1, ?1, 'debian', '12', 'Debian:12', ?2, ?2, ?2)",
            )
            .expect("prep");
        let mut scan_ins = tx
            .prepare(
                "INSERT INTO scans (host_id, started, finished, method, status, os_id, os_version, ecosystem, manager) \
                 VALUES (?1, ?2, ?2, 'import', 'ok', 'debian', '12', 'Debian:12', 'dpkg')",
            )
            .expect("prep");
        let mut pkg_ins = tx
            .prepare(
                "INSERT INTO installed (scan_id, name, arch, version, source_name, source_version) VALUES (?1, ?2, 'amd64', ?3, ?4, ?3)",
            )
            .expect("prep");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let names: Vec<(String, String)> = (0..POOL)
            .map(|i| (format!("lib{i:04}"), format!("src{i:04}")))
            .collect();
        for h in 0..hosts {
            host_ins
                .execute(params![format!("host{h:05}.example.net"), now])
                .expect("host");
            let host_id = tx.last_insert_rowid();
            scan_ins.execute(params![host_id, now]).expect("scan");
            let scan_id = tx.last_insert_rowid();
            // per_host distinct packages: a window of the pool at a random offset.
            let start = rng.below(POOL);
            for j in 0..per_host {
                let (name, source) = &names[(start + j) % POOL];
                let version = match rng.below(20) {
                    0 => "1.0-2",
                    1 => "1.0-4",
                    _ => "1.0-6",
                };
                pkg_ins
                    .execute(params![scan_id, name, version, source])
                    .expect("installed");
            }
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("analyze");
}
