//! Services that need a restart, end to end on the fleet lab: a SysV daemon running perl
//! on h1 keeps the old perl mapped after the pilot test upgrades perl-base; the restart
//! step (`restart = "services"`) restarts it, and the next scan no longer lists it. The
//! lab's PID 1 is sshd, which links libcrypto: after libssl3 is upgraded only a reboot
//! helps it, and with `reboot = "never"` the host is reported as needing one.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{Env, render};
use common::lab::{Lab, lab_or_skip};

/// Both tests use h1: they take turns.
static LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lab_turn() -> std::sync::MutexGuard<'static, ()> {
    LAB.lock().unwrap_or_else(|p| p.into_inner())
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// An init script as Debian packages write them: start-stop-daemon with a pid file in
/// /run, which is how the collector finds the service of a process without systemd.
const PCDEMO: &str = r#"#!/bin/sh
### BEGIN INIT INFO
# Provides:          pcdemo
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: patchcycle restart test daemon (perl)
### END INIT INFO
PIDFILE=/run/pcdemo.pid
case "$1" in
  start) start-stop-daemon --start --quiet --background --make-pidfile --pidfile $PIDFILE \
           --startas /usr/bin/perl -- -e 'sleep 1 while 1' ;;
  stop) start-stop-daemon --stop --quiet --oknodo --retry 5 --remove-pidfile --pidfile $PIDFILE ;;
  restart) "$0" stop && "$0" start ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
"#;

/// A naive init script: its daemon keeps the script's stdout and stderr open, so a
/// restart whose output were read from the session would never end.
const PCNAIVE: &str = r#"#!/bin/sh
PIDFILE=/run/pcnaive.pid
case "$1" in
  start) /usr/bin/perl -e 'sleep 1 while 1' & echo $! >$PIDFILE ;;
  stop) [ -f $PIDFILE ] && kill "$(cat $PIDFILE)"; rm -f $PIDFILE ;;
  restart) "$0" stop; "$0" start ;;
esac
"#;

struct Setup {
    env: Env,
    cfg: String,
}

impl Setup {
    fn new(lab: &Lab, policy: &[&str]) -> Setup {
        let env = Env::init();
        let cfg = env
            .file(
                "lab.toml",
                &format!(
                    "[ssh]\nconfig_file = \"{}\"\nconnect_timeout = 5\n",
                    lab.ssh_config().display()
                ),
            )
            .display()
            .to_string();
        let s = Setup { env, cfg };
        let mut args = vec![
            "group",
            "add",
            "pilot",
            "--order",
            "0",
            "--set",
            "reboot_grace=\"1s\"",
            "--set",
            "reboot_timeout=\"60s\"",
            "--set",
            "lock_timeout=\"20s\"",
        ];
        for p in policy {
            args.push("--set");
            args.push(p);
        }
        s.code(&args, 0);
        s.code(&["host", "add", "h1", "-g", "pilot"], 0);
        s
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--config", self.cfg.as_str()];
        all.extend_from_slice(args);
        self.env
            .cmd(&all)
            .env("PATCHCYCLE_NOW", "2026-11-10T09:00:00Z")
            .output()
            .expect("run patchcycle")
    }

    fn code(&self, args: &[&str], want: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(want),
            "{args:?}:\n{}",
            render(&self.env, &out)
        );
        render(&self.env, &out)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        assert!(out.status.success(), "{}", render(&self.env, &out));
        serde_json::from_slice(&out.stdout).expect("JSON")
    }
}

/// The pid of pcdemo on h1 and whether its executable was replaced.
fn pcdemo(lab: &Lab) -> (String, bool) {
    let pid = lab.ssh_ok("h1", "cat /run/pcdemo.pid").trim().to_string();
    let exe = lab.ssh_ok("h1", &format!("readlink /proc/{pid}/exe"));
    (pid, exe.trim().ends_with("(deleted)"))
}

fn start_pcdemo(lab: &Lab) {
    for (name, text) in [("pcdemo", PCDEMO), ("pcnaive", PCNAIVE)] {
        let script = text.replace('\'', r"'\''");
        lab.ssh_ok(
            "h1",
            &format!(
                "printf '%s' '{script}' >/etc/init.d/{name} && chmod 755 /etc/init.d/{name} && \
                 service {name} start </dev/null >/dev/null 2>&1"
            ),
        );
    }
    // start-stop-daemon --background returns before the pid file is written.
    for _ in 0..50 {
        if lab.ssh("h1", "test -s /run/pcdemo.pid").status.success() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("pcdemo did not start on h1");
}

#[test]
fn restart_services_restarts_the_daemon_and_pid_1_needs_a_reboot() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(1);
    lab.reset("h1");
    start_pcdemo(&lab);
    let (old_pid, replaced) = pcdemo(&lab);
    assert!(!replaced, "perl is not upgraded yet");
    let pending: Vec<String> = lab.expected("h1").into_iter().map(|e| e.0).collect();
    assert!(
        pending.iter().any(|p| p == "perl-base") && pending.iter().any(|p| p == "libssl3"),
        "h1 should have perl-base and libssl3 pending: {pending:?}"
    );

    let s = Setup::new(&lab, &["reboot=never", "restart=services"]);
    s.code(
        &[
            "-q",
            "sync",
            "--from",
            data().to_str().unwrap(),
            "osv:Debian",
        ],
        0,
    );
    s.code(&["-q", "scan", "--all"], 0);
    // Before the upgrade nothing runs replaced code.
    let shown = s.json(&["host", "show", "h1", "--format", "json"]);
    assert_eq!(shown["restart"]["check"], "live", "{shown}");
    assert_eq!(
        shown["restart"]["processes"],
        serde_json::json!([]),
        "{shown}"
    );
    s.code(&["cycle", "start"], 0);

    // The pilot test installs the patch set, then the restart step finds pcdemo on the
    // old perl and restarts it; PID 1 (sshd, old libcrypto) needs a reboot the policy
    // does not allow: a warning, not silence.
    let out = s.code(&["test", "--yes"], 0);
    assert!(
        out.contains("warning: h1: still running replaced code:")
            && out.contains("reboot only: 1 sshd (PID 1)")
            && out.contains("which the reboot policy did not allow"),
        "{out}"
    );
    let outcome: String = s
        .env
        .sqlite()
        .query_row(
            "SELECT restart FROM deployment_hosts ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("restart outcome");
    let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
    assert_eq!(
        outcome["found"]["services"],
        serde_json::json!([{"kind": "sysv", "name": "pcdemo"}, {"kind": "sysv", "name": "pcnaive"}]),
        "{outcome}"
    );
    assert_eq!(
        outcome["restarted"],
        serde_json::json!([
            {"service": {"kind": "sysv", "name": "pcdemo"}, "ok": true, "detail": "restarted"},
            {"service": {"kind": "sysv", "name": "pcnaive"}, "ok": true, "detail": "restarted"}
        ]),
        "{outcome}"
    );
    assert_eq!(
        outcome["left"]["services"],
        serde_json::json!([]),
        "{outcome}"
    );
    assert!(
        outcome["reboot_wanted"]
            .as_str()
            .is_some_and(|w| w.contains("only a reboot helps 1 sshd (PID 1)")),
        "{outcome}"
    );
    // The daemon is a new process on the new perl.
    let (new_pid, replaced) = pcdemo(&lab);
    assert_ne!(new_pid, old_pid);
    assert!(!replaced, "pcdemo still runs the old perl");

    // The next scan no longer lists pcdemo; PID 1 is still there, only a reboot helps it,
    // so the host needs a reboot and the libssl3 finding stays open, naming it.
    s.code(&["-q", "scan", "h1"], 0);
    let shown = s.json(&["host", "show", "h1", "--format", "json"]);
    let names: Vec<&str> = shown["restart"]["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"perl"), "{shown}");
    assert_eq!(
        shown["restart"]["decision"]["reboot_only"][0],
        serde_json::json!({"process": "1 sshd", "reason": "init"}),
        "{shown}"
    );
    assert_eq!(shown["reboot_required"], true);
    let findings = s.json(&["findings", "--format", "json", "--allow-stale"]);
    let pending: Vec<(&str, &serde_json::Value)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("restart_pending").is_some())
        .map(|f| (f["package"].as_str().unwrap(), &f["restart_pending"]))
        .collect();
    // sshd links more than libcrypto (zlib, PAM, …): every upgraded library it maps is
    // kept open; perl-base, whose only user was restarted, is fixed.
    let ssl = pending
        .iter()
        .find(|(p, _)| *p == "libssl3")
        .unwrap_or_else(|| panic!("libssl3 not kept open: {findings}"));
    assert_eq!(ssl.1[0], "1 sshd (PID 1, reboot)", "{findings}");
    assert!(pending.iter().all(|(p, _)| *p != "perl-base"), "{findings}");
    lab.reset("h1");
}

#[test]
fn restart_reboot_reboots_when_replaced_code_runs() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(1);
    lab.reset("h1");
    start_pcdemo(&lab);
    let s = Setup::new(&lab, &["reboot=if-required", "restart=reboot"]);
    s.code(
        &[
            "-q",
            "sync",
            "--from",
            data().to_str().unwrap(),
            "osv:Debian",
        ],
        0,
    );
    s.code(&["-q", "scan", "--all"], 0);
    s.code(&["cycle", "start"], 0);
    let out = s.code(&["test", "--yes"], 0);
    // Rebooted: nothing is left to warn about.
    assert!(!out.contains("still running replaced code"), "{out}");
    let (rebooted, outcome): (bool, String) = s
        .env
        .sqlite()
        .query_row(
            "SELECT rebooted, restart FROM deployment_hosts ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("host row");
    assert!(rebooted, "{out}");
    let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
    assert_eq!(outcome["policy"], "reboot");
    assert_eq!(outcome["restarted"], serde_json::json!([]), "{outcome}");
    assert!(
        outcome["reboot_wanted"].as_str().is_some_and(
            |w| w.starts_with("restart = \"reboot\": restart pcdemo (sysv), pcnaive (sysv)")
        ),
        "{outcome}"
    );
    lab.reset("h1");
}
