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
