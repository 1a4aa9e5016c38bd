//! Benchmark: `patchcycle host import` of a generated CSV inventory.
//!
//! Runs the real binary (build it first: `cargo build --release`) against a fresh
//! database in a temp dir, several times, and prints the best and median wall time.
//!
//!     cargo build --release && cargo run --release --example import_bench -- --hosts 10000
//!
//! Goal (issue 3): 10,000 hosts in < 1 s.

use std::process::Command;
use std::time::{Duration, Instant};

mod support;
use support::binary;

fn main() {
    let mut hosts = 10_000usize;
    let mut runs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--hosts" => hosts = args.next().and_then(|v| v.parse().ok()).expect("--hosts N"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            other => panic!("unknown argument {other}; use --hosts N --runs N"),
        }
    }
    let bin = binary();
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("fleet.csv");
    let mut text = String::from("name,address,user,port,group,tags\n");
    for i in 0..hosts {
        text.push_str(&format!(
            "host-{i:06},10.{}.{}.{},root,22,prod,web;eu\n",
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255
        ));
    }
    std::fs::write(&csv, text).expect("write csv");

    let mut times: Vec<Duration> = Vec::new();
    for run in 0..runs {
        let db = dir.path().join(format!("bench-{run}.db"));
        let pc = |args: &[&str]| {
            let out = Command::new(&bin)
                .args(args)
                .env("PATCHCYCLE_DB", &db)
                .env("PATCHCYCLE_CONFIG", dir.path().join("config.toml"))
                .env("HOME", dir.path())
                .output()
                .expect("run patchcycle");
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        pc(&["-q", "init"]);
        pc(&["-q", "group", "add", "prod", "--order", "2"]);
        let t = Instant::now();
        pc(&["-q", "host", "import", csv.to_str().expect("utf-8 path")]);
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "host import of {hosts} CSV rows ({}): best {:.1} ms, median {:.1} ms over {runs} runs",
        bin.display(),
        times[0].as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );
}
