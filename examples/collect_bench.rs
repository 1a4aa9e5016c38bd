//! Benchmark: collection from N fleet-lab hosts in one run (root; uses tests/lab/lab.sh).
//!
//! Compares `patchcycle scan --all --parallel 16` (collect, parse, match, store) with a
//! baseline of `xargs -P 16` + `ssh` running the same collector script and only saving
//! its output. Both use ControlMaster and are warmed up first, then timed R times.
//!
//!     cargo build --release && sudo target/release/examples/collect_bench --hosts 30
//!
//! Goal (issue 7): within 1.2x of the xargs baseline.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut hosts = 30usize;
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|v| v.parse().ok()).expect("a number");
        match a.as_str() {
            "--hosts" => hosts = num(),
            "--runs" => runs = num(),
            other => panic!("unknown argument {other}"),
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let up = Command::new("bash")
        .arg(repo.join("tests/lab/lab.sh"))
        .args(["up", &hosts.to_string()])
        .stdin(Stdio::null())
        .output()
        .expect("lab.sh");
    assert!(
        up.status.success(),
        "lab.sh up failed: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let ssh_config: PathBuf = String::from_utf8_lossy(&up.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("LAB_SSH_CONFIG="))
        .map(PathBuf::from)
        .expect("LAB_SSH_CONFIG");

    let bin = std::env::current_exe()
        .expect("exe")
        .parent()
        .and_then(|p| p.parent())
        .expect("target dir")
        .join("patchcycle");
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!("[ssh]\nconfig_file = \"{}\"\n", ssh_config.display()),
    )
    .expect("config");
    let run_dir = dir.path().join("run");
    std::fs::create_dir(&run_dir).expect("run dir");
    let pc = |args: &[&str]| {
        Command::new(&bin)
            .args(args)
            .env("PATCHCYCLE_DB", dir.path().join("b.db"))
            .env("PATCHCYCLE_CONFIG", &cfg)
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", &run_dir)
            .output()
            .expect("run patchcycle")
    };
    assert!(pc(&["-q", "init"]).status.success());
    for n in 1..=hosts {
        assert!(
            pc(&["-q", "host", "add", &format!("h{n}")])
                .status
                .success()
        );
    }
    let script = dir.path().join("collect.sh");
    std::fs::write(&script, pc(&["scan", "--print-script"]).stdout).expect("script");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("out dir");
    let names: String = (1..=hosts).map(|n| format!("h{n}\n")).collect();
    let baseline = || {
        let mut child = Command::new("xargs")
            .args(["-P", "16", "-I", "{}", "sh", "-c"])
            .arg(format!(
                "ssh -F '{}' {{}} sh -s < '{}' > '{}/{{}}.out'",
                ssh_config.display(),
                script.display(),
                out_dir.display()
            ))
            .stdin(Stdio::piped())
            .spawn()
            .expect("xargs");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(names.as_bytes())
            .expect("names");
        assert!(child.wait().expect("wait").success(), "baseline failed");
        // The baseline must really have collected: every output complete.
        for n in 1..=hosts {
            let out =
                std::fs::read_to_string(out_dir.join(format!("h{n}.out"))).unwrap_or_default();
            assert!(
                out.trim_end().ends_with("END"),
                "baseline output of h{n} is incomplete ({} bytes)",
                out.len()
            );
            let _ = std::fs::remove_file(out_dir.join(format!("h{n}.out")));
        }
    };
    let ours = || {
        let out = pc(&["-q", "scan", "--all", "--parallel", "16"]);
        assert!(
            out.status.success(),
            "scan failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Warm up: ControlMaster connections, page cache.
    baseline();
    ours();
    let time = |f: &dyn Fn()| -> Vec<Duration> {
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect()
    };
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let b = median(time(&baseline));
    let o = median(time(&ours));
    println!("collection from {hosts} lab hosts, median of {runs} warm runs:");
    println!("  xargs -P 16 + ssh (collect only)          {b:>7.3} s");
    println!(
        "  patchcycle scan --parallel 16 (+match+db) {o:>7.3} s   ratio {:.2}x",
        o / b
    );
    // Ansible, when installed (`ANSIBLE=/path/to/ansible` or on PATH): the same script
    // with `-m script`, 16 forks, the same ssh config and ControlMaster.
    let ansible = std::env::var_os("ANSIBLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| "ansible".into());
    if Command::new(&ansible)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let inv = dir.path().join("inventory.ini");
        let list: String = (1..=hosts).map(|n| format!("h{n}\n")).collect();
        std::fs::write(&inv, format!("[lab]\n{list}")).expect("inventory");
        let run_ansible = || {
            let out = Command::new(&ansible)
                .args(["lab", "-i"])
                .arg(&inv)
                .args(["-f", "16", "-m", "script", "-a"])
                .arg(&script)
                .env(
                    "ANSIBLE_SSH_ARGS",
                    format!(
                        "-F {} -o ControlMaster=auto -o ControlPersist=60s",
                        ssh_config.display()
                    ),
                )
                .env("ANSIBLE_HOST_KEY_CHECKING", "True")
                .output()
                .expect("ansible");
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                text.matches("CHANGED").count(),
                hosts,
                "ansible did not reach every host"
            );
        };
        run_ansible();
        let a = median(time(&run_ansible));
        println!(
            "  ansible -m script -f 16                   {a:>7.3} s   patchcycle is {:.2}x faster",
            a / o
        );
    } else {
        println!("  ansible: not installed here; not measured (set ANSIBLE=/path/to/ansible)");
    }
}
