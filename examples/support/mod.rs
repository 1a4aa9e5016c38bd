//! What the benchmark drivers share: the binary they measure, and how a child's peak
//! memory is read. Each example includes this with `mod support;` and uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The patchcycle binary beside this example: target/<profile>/examples/X ->
/// target/<profile>/patchcycle.
pub fn binary() -> PathBuf {
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

/// A patchcycle of its own in a temporary directory: database, config, HOME and a fixed
/// clock, `init` already run. `command()` is the binary with that environment only.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
    bin: PathBuf,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = Home {
            db: dir.path().join("bench.db"),
            config: dir.path().join("config.toml"),
            bin: binary(),
            dir,
        };
        let mut init = home.command();
        init.args(["-q", "init"]);
        assert!(init.status().expect("init").success(), "init failed");
        home
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.env_clear()
            .env("PATCHCYCLE_DB", &self.db)
            .env("PATCHCYCLE_CONFIG", &self.config)
            .env("HOME", self.dir.path())
            .env("PATCHCYCLE_NOW", "2026-11-10T09:00:00Z")
            .env("USER", "bench");
        cmd
    }
}

/// Runs a child and returns (exit code, -1 when killed by a signal; its own peak RSS in
/// MB), from wait4's rusage.
pub fn run_measured(mut cmd: Command) -> (i32, f64) {
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 reaps our own child and fills the status and rusage we own.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
    assert_eq!(rc, pid, "wait4 failed");
    // SAFETY: initialised by the successful wait4 above.
    let usage = unsafe { usage.assume_init() };
    // The child is reaped already; dropping the handle does not wait again.
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Linux reports ru_maxrss in KiB.
    (code, usage.ru_maxrss as f64 / 1024.0)
}
