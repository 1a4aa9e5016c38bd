//! The fleet lab from Rust: real Debian hosts (h1..hN) and rpm hosts (r1..rN:
//! real rpm and dnf, AlmaLinux 9 os-release) on 127.0.0.1 driven by
//! `tests/lab/lab.sh` (see tests/lab/README.md).
//!
//! ```ignore
//! mod common;
//! use common::lab::lab_or_skip;
//!
//! #[test]
//! fn patches_a_host() {
//!     let lab = lab_or_skip!(3);
//!     lab.reset("h1");
//!     let out = lab.ssh("h1", "dpkg-query -W apt");
//!     assert!(out.status.success());
//! }
//! ```
//!
//! When the lab cannot start (not root, no overlayfs, no network for the
//! first base build, ...), `lab_or_skip!` panics if the environment has
//! `CI=true`, and otherwise prints `skipped: <reason>` and returns.
#![allow(dead_code, unused_macros, unused_imports)]

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Why the lab could not start.
#[derive(Debug, Clone)]
pub struct LabUnavailable {
    pub reason: String,
}

impl fmt::Display for LabUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for LabUnavailable {}

/// Which hosts `lab.sh up` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Debian hosts h1..hN.
    Debian,
    /// rpm hosts r1..rN (`lab.sh up N --variant rpm`).
    Rpm,
}

impl Variant {
    fn arg(self) -> &'static str {
        match self {
            Variant::Debian => "debian",
            Variant::Rpm => "rpm",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Variant::Debian => "h",
            Variant::Rpm => "r",
        }
    }
}

/// Hosts `h1..=hN` (or `r1..=rN`) of a running lab.
#[derive(Debug, Clone)]
pub struct Lab {
    script: PathBuf,
    ssh_config: PathBuf,
    hosts: usize,
    variant: Variant,
}

/// The lab's directory: `PATCHCYCLE_LAB_DIR`, else `/var/lib/patchcycle-lab`
/// (what lab.sh uses).
pub fn lab_dir() -> PathBuf {
    std::env::var_os("PATCHCYCLE_LAB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/patchcycle-lab"))
}

/// True when running under CI (`CI=true`, or `CI=1`).
pub fn in_ci() -> bool {
    matches!(
        std::env::var("CI")
            .map(|v| v.to_ascii_lowercase())
            .as_deref(),
        Ok("true") | Ok("1")
    )
}

/// Path of `tests/lab/lab.sh` in this crate.
pub fn script_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/lab.sh")
}

/// `lab.sh reset` (the host to follow) as a command line for patchcycle to run (a
/// snapshot revert command): patchcycle runs it with its own environment, which tests
/// clear, so the lab's directory and port base are spelled out (else lab.sh would reset
/// a host of the default lab, not of the one the test uses).
pub fn reset_command() -> String {
    let mut words = format!("PATCHCYCLE_LAB_DIR='{}'", lab_dir().display());
    if let Some(base) = std::env::var_os("PATCHCYCLE_LAB_PORT_BASE") {
        words.push_str(&format!(
            " PATCHCYCLE_LAB_PORT_BASE='{}'",
            base.to_string_lossy()
        ));
    }
    format!("{words} bash '{}' reset", script_path().display())
}

fn last_lines(s: &[u8], n: usize) -> String {
    let s = String::from_utf8_lossy(s);
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

impl Lab {
    /// `lab.sh up n`: builds the base the first time (minutes), then starts
    /// the hosts that are not running yet (idempotent, serialised by a lock).
    pub fn up(n: usize) -> Result<Lab, LabUnavailable> {
        Lab::up_variant(n, Variant::Debian)
    }

    /// `lab.sh up n --variant rpm`: rpm hosts r1..rN; builds the base and the
    /// rpm layer the first time.
    pub fn up_rpm(n: usize) -> Result<Lab, LabUnavailable> {
        Lab::up_variant(n, Variant::Rpm)
    }

    fn up_variant(n: usize, variant: Variant) -> Result<Lab, LabUnavailable> {
        let script = script_path();
        if !script.is_file() {
            return Err(LabUnavailable {
                reason: format!("{} not found", script.display()),
            });
        }
        let out = Command::new("bash")
            .arg(&script)
            .arg("up")
            .arg(n.to_string())
            .args(["--variant", variant.arg()])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| LabUnavailable {
                reason: format!("cannot run bash {}: {e}", script.display()),
            })?;
        if !out.status.success() {
            return Err(LabUnavailable {
                reason: format!(
                    "lab.sh up {n} --variant {} failed ({}): {}",
                    variant.arg(),
                    out.status,
                    last_lines(&out.stderr, 5)
                ),
            });
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ssh_config = stdout
            .lines()
            .find_map(|l| l.strip_prefix("LAB_SSH_CONFIG="))
            .map(PathBuf::from)
            .ok_or_else(|| LabUnavailable {
                reason: format!("lab.sh up {n} printed no LAB_SSH_CONFIG line"),
            })?;
        Ok(Lab {
            script,
            ssh_config,
            hosts: n,
            variant,
        })
    }

    /// `Lab::up(n)`, or `None` after printing `skipped: <reason>` when the
    /// lab cannot start. Panics instead under CI.
    pub fn up_or_skip(n: usize) -> Option<Lab> {
        Lab::up_variant_or_skip(n, Variant::Debian)
    }

    /// `Lab::up_rpm(n)`, or `None` as [`Lab::up_or_skip`].
    pub fn up_rpm_or_skip(n: usize) -> Option<Lab> {
        Lab::up_variant_or_skip(n, Variant::Rpm)
    }

    fn up_variant_or_skip(n: usize, variant: Variant) -> Option<Lab> {
        match Lab::up_variant(n, variant) {
            Ok(lab) => Some(lab),
            Err(e) if in_ci() => panic!("the fleet lab is required under CI=true: {e}"),
            Err(e) => {
                // Straight to the process's stderr: the test harness does not
                // capture this, so the reason is always seen.
                let _ = writeln!(std::io::stderr(), "skipped: {e}");
                None
            }
        }
    }

    /// The generated ssh config (Host hN entries, key, known_hosts,
    /// StrictHostKeyChecking=yes, ControlMaster). Use with `ssh -F`.
    pub fn ssh_config(&self) -> &Path {
        &self.ssh_config
    }

    /// The port a lab host listens on, from the lab's ssh config.
    pub fn port(&self, host: &str) -> u16 {
        let config = std::fs::read_to_string(self.ssh_config()).expect("the lab's ssh config");
        let mut lines = config
            .lines()
            .skip_while(|l| l.trim() != format!("Host {host}"));
        lines.next();
        lines
            .take_while(|l| !l.starts_with("Host "))
            .find_map(|l| l.trim().strip_prefix("Port "))
            .and_then(|p| p.parse().ok())
            .expect("the host's port")
    }

    /// The host names this lab was started with: h1..hN (r1..rN for rpm hosts).
    pub fn hosts(&self) -> Vec<String> {
        let p = self.variant.prefix();
        (1..=self.hosts).map(|i| format!("{p}{i}")).collect()
    }

    /// Runs `cmd` on `host` as root through `ssh -F <config>`.
    ///
    /// The lab's ssh_config keeps a ControlMaster per host. A host's simulated reboot
    /// drops every session, the master's too; a call that meets a master in that state
    /// exits 255 without a message (the config's LogLevel is ERROR). Such a call is made
    /// once more on a connection of its own, and its first failure is kept in stderr.
    pub fn ssh(&self, host: &str, cmd: &str) -> Output {
        let run = |extra: &[&str]| {
            Command::new("ssh")
                .arg("-F")
                .arg(&self.ssh_config)
                .arg("-o")
                .arg("StrictHostKeyChecking=yes")
                .args(extra)
                .arg(host)
                .arg(cmd)
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("cannot run ssh: {e}"))
        };
        let first = run(&[]);
        if first.status.code() != Some(255) {
            return first;
        }
        let mut again = run(&["-o", "ControlPath=none"]);
        if !again.status.success() {
            let mut stderr = format!("first attempt ({}): ", first.status).into_bytes();
            stderr.extend_from_slice(&first.stderr);
            stderr.extend_from_slice(b"\nsecond attempt, without the ControlMaster: ");
            stderr.extend_from_slice(&again.stderr);
            again.stderr = stderr;
        }
        again
    }

    /// Like [`Lab::ssh`], but panics unless the command succeeds; returns stdout.
    pub fn ssh_ok(&self, host: &str, cmd: &str) -> String {
        let out = self.ssh(host, cmd);
        assert!(
            out.status.success(),
            "ssh {host} {cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("bash")
            .arg(&self.script)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run lab.sh: {e}"));
        assert!(
            out.status.success(),
            "lab.sh {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The oracle: the pending security updates of `host` right now (apt's
    /// answer on hN, `dnf -C updateinfo list --security` on rN), as (package,
    /// installed version, candidate version); rpm versions are `[E:]V-R`.
    pub fn expected(&self, host: &str) -> Vec<(String, String, String)> {
        let out = self.run(&["expected", host]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                match (f.next(), f.next(), f.next()) {
                    (Some(p), Some(i), Some(c)) => Some((p.into(), i.into(), c.into())),
                    _ => None,
                }
            })
            .collect()
    }

    /// Puts `host` back in its initial state and restarts it (< 1 s).
    pub fn reset(&self, host: &str) {
        self.run(&["reset", host]);
    }

    /// `lab.sh status` output.
    pub fn status(&self) -> String {
        String::from_utf8_lossy(&self.run(&["status"]).stdout).into_owned()
    }
}

/// `let lab = lab_or_skip!(3);` starts h1..h3, or returns from the test with
/// `skipped: <reason>` (panics instead under `CI=true`).
macro_rules! lab_or_skip {
    ($n:expr) => {
        match $crate::common::lab::Lab::up_or_skip($n) {
            Some(lab) => lab,
            None => return,
        }
    };
}

/// `let lab = lab_or_skip_rpm!(2);` starts r1..r2 like [`lab_or_skip!`].
macro_rules! lab_or_skip_rpm {
    ($n:expr) => {
        match $crate::common::lab::Lab::up_rpm_or_skip($n) {
            Some(lab) => lab,
            None => return,
        }
    };
}

pub(crate) use lab_or_skip;
pub(crate) use lab_or_skip_rpm;
