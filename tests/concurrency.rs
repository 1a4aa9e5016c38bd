//! Concurrent writers never see "database is locked", and a killed import leaves all or
//! nothing.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::cli::Env;

#[test]
fn two_processes_adding_500_hosts_each() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    let env = &env;
    std::thread::scope(|s| {
        let workers: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|prefix| {
                s.spawn(move || {
                    for i in 0..500 {
                        let name = format!("{prefix}-{i:03}");
                        let out = env.run(&["host", "add", &name, "-g", "pilot"]);
                        let stderr = String::from_utf8_lossy(&out.stderr);
                        assert!(out.status.success(), "host add {name} failed: {stderr}");
                        assert!(!stderr.contains("locked"), "{stderr}");
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("worker panicked");
        }
    });
    let db = env.sqlite();
    let n: i64 = db
        .query_row("SELECT count(*) FROM hosts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1000);
    assert_eq!(env.run(&["audit", "verify"]).status.code(), Some(0));
}

#[test]
fn two_imports_of_500_hosts_at_the_same_time() {
    let env = Env::init();
    let files: Vec<_> = ["x", "y"]
        .into_iter()
        .map(|p| {
            let mut csv = String::from("name,address\n");
            for i in 0..500 {
                csv.push_str(&format!("{p}-{i},192.0.2.{}\n", i % 250 + 1));
            }
            env.file(&format!("{p}.csv"), &csv)
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            env.cmd(&["host", "import", f.to_str().unwrap()])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let n: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM hosts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1000);
}

#[test]
fn kill_9_during_import_leaves_all_or_nothing() {
    let env = Env::init();
    let mut csv = String::from("name,address,user,port,group,tags\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "host-{i:05},10.{}.{}.{},root,22,,web;eu\n",
            i / 65536,
            (i / 256) % 256,
            i % 256
        ));
    }
    let file = env.file("big.csv", &csv);
    // One full run tells how long an import takes here; the kills then land at fractions
    // of that, late ones inside the write transaction.
    let t0 = Instant::now();
    env.ok(&["host", "import", file.to_str().unwrap()]);
    let full = t0.elapsed();
    let mut outcomes = (0, 0);
    let started = Instant::now();
    for fraction in [0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98] {
        if started.elapsed() > Duration::from_secs(120) {
            break;
        }
        let delay = full.mul_f64(fraction);
        let db = env.sqlite();
        db.execute("DELETE FROM hosts", []).unwrap();
        drop(db);
        let mut child = env
            .cmd(&["host", "import", file.to_str().unwrap()])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL: no chance to clean up.
        let _ = child.kill();
        let _ = child.wait();
        let db = env.sqlite();
        let n: i64 = db
            .query_row("SELECT count(*) FROM hosts", [], |r| r.get(0))
            .unwrap();
        assert!(n == 0 || n == 10_000, "after kill at {delay:?}: {n} hosts");
        if n == 0 {
            outcomes.0 += 1
        } else {
            outcomes.1 += 1
        }
        let ok: String = db
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    eprintln!(
        "full import {full:?}; kill -9 outcomes: {} with nothing written, {} complete",
        outcomes.0, outcomes.1
    );
    assert_eq!(env.run(&["audit", "verify"]).status.code(), Some(0));
}
