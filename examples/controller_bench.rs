//! Benchmark: the controller at fleet scale without the fleet (issue #23, item 4).
//!
//! `patchcycle scan --all` of N inventory hosts, through the real scan path (the pool,
//! one ssh process per host, parsing, matching against the real OSV Debian catalogue of
//! tests/data/shared, storing), with `[ssh] program` a stand-in for ssh: this same
//! program, which reads the collector script on its stdin as ssh would and prints a
//! recorded collector output. The outputs are recorded when the benchmark starts, from
//! the real collector run on this machine (`sh -s`): a full collection, and the
//! `unchanged` answer to a script that carries that collection's fingerprint. The
//! stand-in answers `unchanged` when the script carries a fingerprint (the controller's
//! plan), except for the share of hosts the pass says changed, which answer in full.
//!
//! Three passes per fleet size, each on the database the one before left: the first scan
//! (every host full), a cron rescan (a few hosts changed), and a rescan where nothing
//! changed. For each: wall time, the controller's own CPU (getrusage of the patchcycle
//! process, self and children, minus what the stand-ins measured of themselves) and the
//! stand-ins' CPU, per host; the controller's peak RSS.
//!
//!     cargo build --release --examples
//!     target/release/examples/controller_bench --sizes 1000,10000
//!
//! Targets: <= 2 ms controller CPU per unchanged host; flat memory (1k vs 10k hosts).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The stand-in's environment: where the recorded outputs and the CPU log are.
const STANDIN_DIR: &str = "PATCHCYCLE_BENCH_STANDIN_DIR";
/// The stand-in's environment: every Nth host (by its number) answers in full although
/// the script carries a fingerprint (0: none does).
const STANDIN_CHANGED_EVERY: &str = "PATCHCYCLE_BENCH_CHANGED_EVERY";

fn main() {
    if let Some(dir) = std::env::var_os(STANDIN_DIR) {
        standin(Path::new(&dir));
        return;
    }
    let mut sizes = vec![1000usize, 10_000];
    let mut parallel = 16usize;
    let mut changed_every = 20usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| die(&format!("{a} needs a value")));
        let num = |v: &str| -> usize {
            v.parse()
                .unwrap_or_else(|_| die(&format!("{a}: {v:?} is not a number")))
        };
        match a.as_str() {
            "--sizes" => sizes = value.split(',').map(num).collect(),
            "--parallel" => parallel = num(&value),
            "--changed-every" => changed_every = num(&value),
            other => die(&format!("unknown argument {other}")),
        }
    }
    if sizes.contains(&0) || parallel == 0 {
        die("sizes and --parallel must be at least 1");
    }
    let bin = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.join("patchcycle")))
        .unwrap_or_else(|| die("no target dir"));
    let work = tempfile::tempdir().unwrap_or_else(|e| die(&format!("tmp: {e}")));
    let recorded = work.path().join("recorded");
    std::fs::create_dir(&recorded).unwrap_or_else(|e| die(&format!("{e}")));
    let packages = record(&recorded);
    println!(
        "controller: scan --all --parallel {parallel}, a stand-in ssh printing this machine's recorded collector output \
         ({packages} packages; full or unchanged); matched against OSV Debian (tests/data/shared)"
    );
    println!(
        "  {:<7} {:<28} {:>8} {:>12} {:>10} {:>12} {:>10} {:>9}",
        "hosts", "pass", "wall s", "ctrl CPU s", "ms/host", "ssh CPU s", "ms/host", "peak RSS"
    );
    let mut peaks = Vec::new();
    for &hosts in &sizes {
        let fleet = Fleet::new(&bin, work.path(), &recorded, hosts);
        let passes = [
            ("first scan (all full)".to_string(), 0usize, "full", hosts),
            (
                format!("rescan, 1 in {changed_every} changed"),
                changed_every,
                "mixed",
                hosts,
            ),
            ("rescan, nothing changed".to_string(), 0, "unchanged", hosts),
        ];
        let mut peak = 0u64;
        for (name, every, kind, n) in passes {
            let m = fleet.scan(parallel, every);
            fleet.check(kind, n, every);
            peak = peak.max(m.peak_rss_kib);
            let ctrl = m.controller_cpu.as_secs_f64();
            let ssh = m.standin_cpu.as_secs_f64();
            println!(
                "  {hosts:<7} {name:<28} {:>8.2} {ctrl:>12.2} {:>10.3} {ssh:>12.2} {:>10.3} {:>6} MiB",
                m.wall.as_secs_f64(),
                ctrl * 1000.0 / n as f64,
                ssh * 1000.0 / n as f64,
                m.peak_rss_kib / 1024
            );
        }
        peaks.push((hosts, peak));
    }
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last())
        && first.0 != last.0
    {
        println!(
            "  peak RSS {} hosts / {} hosts: {:.2}x for {:.0}x the hosts (target: flat)",
            last.0,
            first.0,
            last.1 as f64 / first.1.max(1) as f64,
            last.0 as f64 / first.0 as f64
        );
    }
}

/// Runs the real collector here twice (full, then with that run's fingerprint) and keeps
/// both outputs as the stand-in's answers; returns the full one's package count.
fn record(dir: &Path) -> usize {
    use patchcycle::scan::{facts, incremental::Fingerprint, incremental_collector_script};
    let run = |script: &str| -> String {
        let mut child = Command::new("sh")
            .arg("-s")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| die(&format!("sh: {e}")));
        if let Some(mut i) = child.stdin.take() {
            let _ = i.write_all(script.as_bytes());
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| die(&format!("sh: {e}")));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let full = run(&incremental_collector_script(false, None, None).unwrap_or_else(|e| die(&e)));
    let parsed = facts::parse(&full)
        .unwrap_or_else(|e| die(&format!("this machine's collector output: {e}")));
    let fingerprint = section_first_line(&full, "fingerprint")
        .and_then(|f| Fingerprint::parse(&f))
        .unwrap_or_else(|| die("this machine's collector printed no fingerprint"));
    let unchanged = run(
        &incremental_collector_script(false, None, Some(&fingerprint)).unwrap_or_else(|e| die(&e)),
    );
    if section_first_line(&unchanged, "unchanged").is_none() {
        die("this machine's collector did not answer unchanged to its own fingerprint");
    }
    for (name, text) in [("full.out", &full), ("unchanged.out", &unchanged)] {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| die(&format!("{name}: {e}")));
    }
    parsed.packages.len()
}

/// The first line of section `name` of a collector output (by its header's token).
fn section_first_line(out: &str, name: &str) -> Option<String> {
    let token = out.lines().next()?.split(' ').nth(1)?;
    let marker = format!("@@PC {token} {name}");
    let mut lines = out.lines().skip_while(|l| *l != marker);
    lines.next()?;
    lines
        .next()
        .map(str::to_string)
        .filter(|l| !l.is_empty() && !l.starts_with("@@PC"))
}

/// One fleet: a database with the catalogue and N hosts.
struct Fleet {
    bin: PathBuf,
    dir: PathBuf,
    recorded: PathBuf,
    hosts: usize,
}

/// What one scan cost.
struct Measure {
    wall: Duration,
    controller_cpu: Duration,
    standin_cpu: Duration,
    peak_rss_kib: u64,
}

impl Fleet {
    fn new(bin: &Path, work: &Path, recorded: &Path, hosts: usize) -> Fleet {
        let dir = work.join(format!("fleet-{hosts}"));
        std::fs::create_dir_all(dir.join("run")).unwrap_or_else(|e| die(&format!("{e}")));
        let me = std::env::current_exe().unwrap_or_else(|e| die(&format!("{e}")));
        std::fs::write(
            dir.join("c.toml"),
            format!("[ssh]\nprogram = \"{}\"\n", me.display()),
        )
        .unwrap_or_else(|e| die(&format!("{e}")));
        let fleet = Fleet {
            bin: bin.to_path_buf(),
            dir,
            recorded: recorded.to_path_buf(),
            hosts,
        };
        fleet.ok(&["-q", "init"]);
        let mirror = fleet.dir.join("mirror");
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
        let rel = "osv-mirror/Debian/all.zip";
        std::fs::create_dir_all(mirror.join("osv-mirror/Debian"))
            .unwrap_or_else(|e| die(&format!("{e}")));
        std::fs::copy(data.join(rel), mirror.join(rel)).unwrap_or_else(|e| die(&format!("{e}")));
        fleet.ok(&[
            "-q",
            "sync",
            "--from",
            mirror.to_str().unwrap_or_else(|| die("path")),
            "osv:Debian",
        ]);
        let mut csv = String::from("name,address,user,port\n");
        for n in 1..=hosts {
            csv.push_str(&format!("h{n},h{n},root,22\n"));
        }
        let file = fleet.dir.join("fleet.csv");
        std::fs::write(&file, csv).unwrap_or_else(|e| die(&format!("{e}")));
        fleet.ok(&["-q", "host", "import", file.to_str().unwrap_or_default()]);
        fleet
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .env("PATCHCYCLE_DB", self.dir.join("b.db"))
            .env("PATCHCYCLE_CONFIG", self.dir.join("c.toml"))
            .env("HOME", &self.dir)
            .env("XDG_RUNTIME_DIR", self.dir.join("run"))
            .stdin(Stdio::null());
        c
    }

    fn ok(&self, args: &[&str]) {
        let out = self
            .cmd(args)
            .output()
            .unwrap_or_else(|e| die(&format!("patchcycle: {e}")));
        if !out.status.success() {
            die(&format!(
                "patchcycle {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }

    /// `scan --all`, measured: wait4 gives the patchcycle process's CPU (its children,
    /// the stand-ins, included) and peak RSS; the stand-ins log their own CPU.
    // The child is reaped by wait4 (for its rusage), not by Child::wait.
    #[allow(clippy::zombie_processes)]
    fn scan(&self, parallel: usize, changed_every: usize) -> Measure {
        let log = self.recorded.join("cpu.log");
        let _ = std::fs::remove_file(&log);
        let errors = self.dir.join("scan.err");
        let started = Instant::now();
        let child = self
            .cmd(&["-q", "scan", "--all", "--parallel", &parallel.to_string()])
            .env(STANDIN_DIR, &self.recorded)
            .env(STANDIN_CHANGED_EVERY, changed_every.to_string())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&errors).unwrap_or_else(|e| die(&format!("{e}"))))
            .spawn()
            .unwrap_or_else(|e| die(&format!("patchcycle: {e}")));
        let pid = libc::pid_t::try_from(child.id()).unwrap_or_else(|_| die("pid"));
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value; wait4 fills it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our child, not waited for by anything else.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let wall = started.elapsed();
        if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
            die(&format!(
                "scan failed: {}",
                std::fs::read_to_string(&errors).unwrap_or_default()
            ));
        }
        let tv = |t: libc::timeval| {
            Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
        };
        let total = tv(usage.ru_utime) + tv(usage.ru_stime);
        let mut standins = Duration::ZERO;
        let mut runs = 0;
        for line in std::fs::read_to_string(&log).unwrap_or_default().lines() {
            let mut w = line.split(' ').map(|v| v.parse::<u64>().unwrap_or(0));
            standins += Duration::from_micros(w.next().unwrap_or(0) + w.next().unwrap_or(0));
            runs += 1;
        }
        if runs != self.hosts {
            die(&format!(
                "{runs} stand-in runs logged for {} hosts",
                self.hosts
            ));
        }
        Measure {
            wall,
            controller_cpu: total.saturating_sub(standins),
            standin_cpu: standins,
            peak_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        }
    }

    /// The pass stored what it says: N new good scans, full or unchanged as planned.
    fn check(&self, kind: &str, hosts: usize, changed_every: usize) {
        let conn = rusqlite::Connection::open(self.dir.join("b.db"))
            .unwrap_or_else(|e| die(&format!("db: {e}")));
        let count = |sql: &str| -> usize {
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| usize::try_from(n).unwrap_or(0))
                .unwrap_or_else(|e| die(&format!("{sql}: {e}")))
        };
        let latest = "SELECT collection FROM scans s WHERE s.status = 'ok' AND s.id = \
                      (SELECT max(id) FROM scans WHERE host_id = s.host_id)";
        let full = count(&format!(
            "SELECT count(*) FROM ({latest}) WHERE collection = 'full'"
        ));
        let unchanged = count(&format!(
            "SELECT count(*) FROM ({latest}) WHERE collection = 'unchanged'"
        ));
        let want_full = match kind {
            "full" => hosts,
            "mixed" => hosts / changed_every.max(1),
            _ => 0,
        };
        if full != want_full || unchanged != hosts - want_full {
            die(&format!(
                "{kind} pass: {full} full and {unchanged} unchanged latest scans, not {want_full} and {}",
                hosts - want_full
            ));
        }
    }
}

/// The stand-in ssh: reads the script (all of it, as ssh would send it), answers with a
/// recorded output, and logs its own CPU time.
fn standin(dir: &Path) {
    let args: Vec<String> = std::env::args().collect();
    // `ssh -O ...` (a master request): there is no master.
    if args.iter().any(|a| a == "-O") {
        std::process::exit(255);
    }
    let mut script = String::new();
    let _ = std::io::stdin().read_to_string(&mut script);
    // The destination follows `--` (then the remote command, `sh -s`).
    let host: usize = args
        .iter()
        .skip_while(|a| *a != "--")
        .nth(1)
        .and_then(|h| h.strip_prefix('h'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let every: usize = std::env::var(STANDIN_CHANGED_EVERY)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let carries_fingerprint = script
        .lines()
        .find_map(|l| l.strip_prefix("FP_WANT="))
        .is_some_and(|v| v.trim_matches('\'').len() >= 16);
    let changed = every > 0 && host.is_multiple_of(every);
    let answer = if carries_fingerprint && !changed {
        "unchanged.out"
    } else {
        "full.out"
    };
    let out = std::fs::read(dir.join(answer)).unwrap_or_default();
    let _ = std::io::stdout().write_all(&out);
    let _ = std::io::stdout().flush();
    // SAFETY: a zeroed rusage is valid; getrusage fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let us = |t: libc::timeval| t.tv_sec * 1_000_000 + t.tv_usec;
    let line = format!(
        "{} {} {}\n",
        us(usage.ru_utime),
        us(usage.ru_stime),
        usage.ru_maxrss
    );
    // One O_APPEND write per stand-in: lines of parallel stand-ins do not interleave.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("cpu.log"))
    {
        let _ = f.write_all(line.as_bytes());
    }
}

fn die(msg: &str) -> ! {
    eprintln!("controller_bench: {msg}");
    std::process::exit(1)
}
