//! Benchmark: a fleet-lab scan side by side with its baselines, in one run (issue #23,
//! item 3; root; uses tests/lab/lab.sh).
//!
//! For N lab hosts, each measured R times (in rounds, one of each per round, so that a
//! drift of the machine touches every row alike), medians of:
//!
//! - `scan --all --full`: every host collected in full (warm connections);
//! - `scan --all --no-persist`: unchanged hosts, cold connections (no master at the start,
//!   the scan's own closed at its end);
//! - `scan --all` with `[ssh] persist = "10m"`: unchanged hosts, warm connections (the
//!   masters the previous run left);
//! - `xargs -P16 ssh HOST true`, without ControlMaster and with a warm one;
//! - `ansible -m raw -a true` and `ansible -m raw` running the full collector (16 forks,
//!   the same ssh config, its own warm ControlMaster).
//!
//! Every scan is checked: the full one stored N full scans, the unchanged ones N
//! unchanged scans (else the figure would be of something else); every baseline reached
//! every host (ansible: N `CHANGED | rc=0`, the collector's END marker in each output).
//!
//!     cargo build --release --examples
//!     sudo PATCHCYCLE_LAB_DIR=/var/lib/patchcycle-lab-bench PATCHCYCLE_LAB_PORT_BASE=3000 \
//!         target/release/examples/fleet_bench --hosts 30 --runs 5
//!
//! Targets: unchanged warm <= 1.5x warm `xargs ... true`; >= 10x faster than `ansible -m
//! raw` doing the full collection. `ANSIBLE=/path/to/ansible` picks the ansible (default:
//! the one on PATH, Debian's ansible-core that tests/install-deps.sh installs).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One measured row: its name and what it runs.
type Row<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// Hosts contacted at once by every tool (scan --parallel, xargs -P, ansible -f).
const FAN_OUT: &str = "16";

fn main() {
    let mut hosts = 30usize;
    let mut runs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| die(&format!("{a} needs a number")))
        };
        match a.as_str() {
            "--hosts" => hosts = num(),
            "--runs" => runs = num(),
            other => die(&format!("unknown argument {other}")),
        }
    }
    if hosts == 0 || runs == 0 {
        die("--hosts and --runs must be at least 1");
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let up = Command::new("bash")
        .arg(repo.join("tests/lab/lab.sh"))
        .args(["up", &hosts.to_string()])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| die(&format!("lab.sh: {e}")));
    if !up.status.success() {
        die(&format!(
            "lab.sh up failed: {}",
            String::from_utf8_lossy(&up.stderr)
        ));
    }
    let ssh_config: PathBuf = String::from_utf8_lossy(&up.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("LAB_SSH_CONFIG="))
        .map(PathBuf::from)
        .unwrap_or_else(|| die("lab.sh up printed no LAB_SSH_CONFIG"));

    let bin = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.join("patchcycle")))
        .unwrap_or_else(|| die("no target dir"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| die(&format!("tmp: {e}")));
    let db = dir.path().join("b.db");
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[ssh]\nconfig_file = \"{}\"\npersist = \"10m\"\n",
            ssh_config.display()
        ),
    )
    .unwrap_or_else(|e| die(&format!("config: {e}")));
    let run_dir = dir.path().join("run");
    std::fs::create_dir(&run_dir).unwrap_or_else(|e| die(&format!("run dir: {e}")));
    let pc = |args: &[&str]| -> Output {
        Command::new(&bin)
            .args(args)
            .env("PATCHCYCLE_DB", &db)
            .env("PATCHCYCLE_CONFIG", &cfg)
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", &run_dir)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| die(&format!("{}: {e}", bin.display())))
    };
    let pc_ok = |args: &[&str]| {
        let out = pc(args);
        if !out.status.success() {
            die(&format!(
                "patchcycle {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        out
    };
    pc_ok(&["-q", "init"]);
    for n in 1..=hosts {
        pc_ok(&["-q", "host", "add", &format!("h{n}")]);
    }
    let script = dir.path().join("collect.sh");
    std::fs::write(&script, pc_ok(&["scan", "--print-script"]).stdout)
        .unwrap_or_else(|e| die(&format!("script: {e}")));
    // ansible's raw module takes one command line and no stdin, and splits its argument
    // as key=value words with Jinja: the script goes in base64, decoded and run by sh on
    // the host (the command line carries it, as patchcycle's stdin does).
    let encoded = Command::new("base64")
        .arg("-w0")
        .arg(&script)
        .output()
        .unwrap_or_else(|e| die(&format!("base64: {e}")));
    let raw_collection = format!(
        "echo {} | base64 -d | sh",
        String::from_utf8_lossy(&encoded.stdout).trim()
    );
    let names: String = (1..=hosts).map(|n| format!("h{n}\n")).collect();
    let mux = dir.path().join("mux");
    std::fs::create_dir(&mux).unwrap_or_else(|e| die(&format!("mux dir: {e}")));

    // Scans stored by kind, to check that each timed scan did what its row says.
    let stored = |kind: &str| -> usize {
        let conn = rusqlite::Connection::open(&db).unwrap_or_else(|e| die(&format!("db: {e}")));
        conn.query_row(
            "SELECT count(*) FROM scans WHERE collection = ?1",
            [kind],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| usize::try_from(n).unwrap_or(0))
        .unwrap_or_else(|e| die(&format!("counting scans: {e}")))
    };
    let scan = |args: &[&str], kind: &str| {
        let before = stored(kind);
        let mut all = vec!["-q", "scan", "--all", "--parallel", FAN_OUT];
        all.extend_from_slice(args);
        pc_ok(&all);
        let got = stored(kind) - before;
        if got != hosts {
            die(&format!(
                "scan {args:?} stored {got} {kind} scans, not {hosts}"
            ));
        }
    };
    let xargs_true = |control_master: bool| {
        let opts = if control_master {
            format!(
                "-o ControlMaster=auto -o ControlPersist=10m -o ControlPath={}/%C",
                mux.display()
            )
        } else {
            "-o ControlMaster=no -o ControlPath=none".to_string()
        };
        let mut child = Command::new("xargs")
            .args(["-P", FAN_OUT, "-I", "{}", "sh", "-c"])
            .arg(format!(
                "ssh -F '{}' {opts} -o BatchMode=yes {{}} true",
                ssh_config.display()
            ))
            .stdin(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| die(&format!("xargs: {e}")));
        if let Some(mut i) = child.stdin.take() {
            let _ = i.write_all(names.as_bytes());
        }
        // xargs exits 123 when any ssh failed.
        if !child.wait().is_ok_and(|s| s.success()) {
            die("xargs ... ssh HOST true failed");
        }
    };
    let ansible_program = std::env::var_os("ANSIBLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| "ansible".into());
    let has_ansible = Command::new(&ansible_program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let inventory = dir.path().join("inventory.ini");
    std::fs::write(&inventory, format!("[lab]\n{names}"))
        .unwrap_or_else(|e| die(&format!("inventory: {e}")));
    let ansible_cp = dir.path().join("ansible-cp");
    let ansible_raw = |command: &str, full: bool| {
        let out = Command::new(&ansible_program)
            .args(["lab", "-i"])
            .arg(&inventory)
            .args(["-f", FAN_OUT, "-m", "raw", "-a", command])
            .env(
                "ANSIBLE_SSH_ARGS",
                format!(
                    "-F {} -o ControlMaster=auto -o ControlPersist=10m",
                    ssh_config.display()
                ),
            )
            .env("ANSIBLE_SSH_CONTROL_PATH_DIR", &ansible_cp)
            .env("ANSIBLE_HOST_KEY_CHECKING", "True")
            .env("ANSIBLE_LOCAL_TEMP", dir.path().join("ansible-tmp"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| die(&format!("ansible: {e}")));
        let text = String::from_utf8_lossy(&out.stdout);
        let reached = text.matches("CHANGED | rc=0 >>").count();
        if reached != hosts {
            die(&format!(
                "ansible -m raw reached {reached} of {hosts} hosts: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        // The full collection really ran to its end on every host.
        if full && text.matches(" END").count() < hosts {
            die("ansible -m raw: a collector output without its END marker");
        }
    };

    // Warm-up: every kind once (connections, page cache, the first full scans).
    scan(&["--full"], "full");
    scan(&[], "unchanged");
    xargs_true(true);
    if has_ansible {
        ansible_raw("true", false);
    }

    let rows: Vec<Row> = {
        let mut r: Vec<Row> = vec![
            (
                "scan --full (warm connections)",
                Box::new(|| scan(&["--full"], "full")),
            ),
            (
                "scan, unchanged, cold (--no-persist)",
                Box::new(|| scan(&["--no-persist"], "unchanged")),
            ),
            (
                "xargs -P16 ssh HOST true, no ControlMaster",
                Box::new(|| xargs_true(false)),
            ),
            (
                "scan, unchanged, warm (persist 10m)",
                Box::new(|| scan(&[], "unchanged")),
            ),
            (
                "xargs -P16 ssh HOST true, warm ControlMaster",
                Box::new(|| xargs_true(true)),
            ),
        ];
        if has_ansible {
            r.push((
                "ansible -m raw -a true",
                Box::new(|| ansible_raw("true", false)),
            ));
            r.push((
                "ansible -m raw (the full collector)",
                Box::new(|| ansible_raw(&raw_collection, true)),
            ));
        }
        r
    };
    // The scan's masters, closed (not timed): what the cold row starts from.
    let close_scan_masters = || {
        let Ok(entries) = std::fs::read_dir(run_dir.join("patchcycle")) else {
            return;
        };
        for e in entries.flatten() {
            let _ = Command::new("ssh")
                .arg("-S")
                .arg(e.path())
                .args(["-O", "exit", "x"])
                .stderr(Stdio::null())
                .status();
        }
    };
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); rows.len()];
    for _ in 0..runs {
        for (i, (name, f)) in rows.iter().enumerate() {
            if name.contains("cold") {
                close_scan_masters();
            }
            if name.contains("warm (persist") {
                // The masters the cold row closed, opened again (not timed).
                scan(&[], "unchanged");
            }
            let t = Instant::now();
            f();
            times[i].push(t.elapsed());
        }
    }
    let medians: Vec<f64> = times
        .into_iter()
        .map(|mut v| {
            v.sort();
            v[v.len() / 2].as_secs_f64()
        })
        .collect();
    let at = |name: &str| {
        rows.iter()
            .position(|(n, _)| *n == name)
            .map(|i| medians[i])
    };
    println!(
        "fleet lab: {hosts} hosts, fan-out {FAN_OUT}, median of {runs} run(s) each (one run, interleaved):"
    );
    for ((name, _), m) in rows.iter().zip(&medians) {
        println!(
            "  {name:<46} {m:>7.3} s  {:>6.1} ms/host",
            m * 1000.0 / hosts as f64
        );
    }
    let warm = at("scan, unchanged, warm (persist 10m)").unwrap_or(f64::NAN);
    if let Some(x) = at("xargs -P16 ssh HOST true, warm ControlMaster") {
        println!(
            "  unchanged warm / warm xargs true: {:.2}x (target <= 1.5x)",
            warm / x
        );
    }
    if let Some(full) = at("ansible -m raw (the full collector)") {
        println!(
            "  ansible -m raw full collection / unchanged warm: {:.1}x faster (target >= 10x)",
            full / warm
        );
    } else {
        println!("  ansible: not installed here; not measured (set ANSIBLE=/path/to/ansible)");
    }
    // The masters this run left (persist 10m), closed: nothing outlives the benchmark.
    pc(&["-q", "scan", "--all", "--no-persist"]);
    for n in 1..=hosts {
        let _ = Command::new("ssh")
            .arg("-F")
            .arg(&ssh_config)
            .arg("-o")
            .arg(format!("ControlPath={}/%C", mux.display()))
            .args(["-O", "exit", &format!("h{n}")])
            .stderr(Stdio::null())
            .status();
    }
}

fn die(msg: &str) -> ! {
    eprintln!("fleet_bench: {msg}");
    std::process::exit(1)
}
