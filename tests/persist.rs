//! Connections that persist across runs (issue #23, item 2), without hosts: the socket
//! directory's checks, `doctor`'s list of masters, the masters a scan retires for their
//! age, and `scan --no-persist`. ssh is a stand-in that logs how it was called (the
//! lab tests, tests/persist_lab.rs, use the real one).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::cli::{Env, collect};
use insta::assert_snapshot;

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// An ssh that logs its arguments (one call per line) to `ssh.log`; `-V` prints a
/// version; `-O check` answers for a socket whose name starts with `live` as a running
/// master does, and as ssh does for a dead one otherwise; `-O stop` succeeds; anything
/// else reads the script and prints a recorded collector output.
fn logging_ssh(env: &Env, config: &str) -> PathBuf {
    let log = env.home().join("ssh.log");
    let fake = env.file(
        "fake-ssh",
        &format!(
            r#"#!/bin/sh
echo "$*" >> '{log}'
case " $* " in
  *" -V "*) echo 'OpenSSH_9.2p1 stand-in' >&2; exit 0 ;;
  *" -O check "*)
    for a do case "$a" in */live*) echo 'Master running (pid=4242)' >&2; exit 0 ;; esac; done
    echo 'Control socket connect: Connection refused' >&2; exit 255 ;;
  *" -O "*) exit 0 ;;
esac
cat > /dev/null
cat '{out}'
"#,
            log = log.display(),
            out = collect("bookworm-base.out"),
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.file(
        "ssh.toml",
        &format!("[ssh]\nprogram = \"{}\"\n{config}", fake.display()),
    )
}

fn ssh_calls(env: &Env) -> Vec<String> {
    std::fs::read_to_string(env.home().join("ssh.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.replace(&env.home().display().to_string(), "[HOME]"))
        .collect()
}

/// A unix socket at `path` whose mtime (its master's birth) is `age` ago.
fn socket_aged(path: &Path, age: Duration) {
    let listener = std::os::unix::net::UnixListener::bind(path).expect("bind");
    drop(listener);
    let when = SystemTime::now() - age;
    let secs = when
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let times = [
        libc::timespec {
            tv_sec: secs as libc::time_t,
            tv_nsec: 0,
        },
        libc::timespec {
            tv_sec: secs as libc::time_t,
            tv_nsec: 0,
        },
    ];
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path and two timespecs.
    let r = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    assert_eq!(r, 0, "utimensat {}", path.display());
}

/// A scan's output with this user's uid as `[UID]` (the tests run as root or not).
fn snap_uid(env: &Env, args: &[&str]) -> String {
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    env.snap(args).replace(&format!("uid {uid},"), "uid [UID],")
}

/// The directory scans keep their sockets in, made the way patchcycle makes it.
fn control_dir(env: &Env) -> PathBuf {
    use std::os::unix::fs::DirBuilderExt;
    let d = env.runtime_dir().join("patchcycle");
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&d);
    d
}

#[test]
fn a_socket_directory_others_can_reach_is_refused() {
    let env = Env::init();
    let cfg = logging_ssh(&env, "");
    let cfg = cfg.to_str().unwrap();
    env.ok(&["-q", "host", "add", "h1"]);
    let dir = control_dir(&env);
    // Group- and world-enterable.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_snapshot!(
        "persist_dir_mode",
        snap_uid(&env, &["--config", cfg, "scan", "h1"])
    );
    // A symlink to a private directory: the link is what ssh would follow, and whoever
    // owns the place it sits in can point it elsewhere.
    std::fs::remove_dir(&dir).unwrap();
    let elsewhere = env.home().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
    assert_snapshot!(
        "persist_dir_symlink",
        snap_uid(&env, &["--config", cfg, "scan", "h1"])
    );
    // Nothing reached a host: no ssh was run but for the version check nobody asked for.
    assert!(ssh_calls(&env).is_empty(), "{:?}", ssh_calls(&env));
    std::fs::remove_file(&dir).unwrap();
    if !is_root() {
        eprintln!("skipped: a directory owned by another uid needs root to make");
        return;
    }
    // Mode 0700 but another user's (nobody's).
    let dir = control_dir(&env);
    std::os::unix::fs::lchown(&dir, Some(65534), Some(65534)).unwrap();
    assert_snapshot!(
        "persist_dir_owner",
        snap_uid(&env, &["--config", cfg, "scan", "h1"])
    );
    assert!(ssh_calls(&env).is_empty(), "{:?}", ssh_calls(&env));
}

#[test]
fn doctor_lists_masters_oldest_first_with_their_age() {
    let env = Env::init();
    let cfg = logging_ssh(&env, "persist = \"10m\"\n");
    let cfg = cfg.to_str().unwrap();
    let dir = control_dir(&env);
    socket_aged(&dir.join("live-young"), Duration::from_secs(120));
    socket_aged(&dir.join("dead"), Duration::from_secs(7200));
    socket_aged(&dir.join("live-old"), Duration::from_secs(600));
    // Not a socket: not a master.
    std::fs::write(dir.join("notes"), "x").unwrap();
    let out = env.run(&["--config", cfg, "--format", "json", "doctor"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<String> = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"].as_str().unwrap().starts_with("ssh master"))
        .map(|c| {
            format!(
                "{} {}: {}",
                c["check"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
                c["detail"]
                    .as_str()
                    .unwrap()
                    .replace(&env.home().display().to_string(), "[HOME]")
            )
        })
        .collect();
    // Ages are to the second of the real clock: a slow run may add one.
    let rows: Vec<String> = rows
        .iter()
        .map(|r| {
            r.replace("2h1s old", "2h old")
                .replace("10m1s old", "10m old")
                .replace("2m1s old", "2m old")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "ssh masters ok: 3 socket(s) in [HOME]/run/patchcycle (persist 10m)",
            "ssh master ok: dead: no master answers (a stale socket, 2h old)",
            "ssh master ok: live-old: live, pid 4242, 10m old",
            "ssh master ok: live-young: live, pid 4242, 2m old",
        ]
    );
    // Each was asked with `ssh -O check` on its own socket.
    let checks: Vec<String> = ssh_calls(&env)
        .into_iter()
        .filter(|c| c.contains("-O check"))
        .collect();
    assert_eq!(checks.len(), 3, "{checks:?}");
    assert!(
        checks[0].contains("-S [HOME]/run/patchcycle/dead -O check"),
        "{checks:?}"
    );
}

#[test]
fn a_scan_stops_masters_older_than_persist_and_no_persist_closes_its_own() {
    let env = Env::init();
    let cfg = logging_ssh(&env, "persist = \"1h\"\n");
    let cfg = cfg.to_str().unwrap();
    env.ok(&["-q", "host", "add", "h1"]);
    let dir = control_dir(&env);
    socket_aged(&dir.join("old"), Duration::from_secs(3 * 3600));
    socket_aged(&dir.join("young"), Duration::from_secs(60));
    env.ok(&["-q", "--config", cfg, "scan", "h1"]);
    let calls = ssh_calls(&env);
    // The old master is stopped before the host is reached; the young one is left to
    // be reused, and the scan's own connection persists for an hour.
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls[0].contains("-S [HOME]/run/patchcycle/old -O stop"),
        "{calls:?}"
    );
    assert!(calls[1].contains("ControlPersist=3600"), "{calls:?}");
    assert!(calls[1].ends_with("-- h1 sh -s"), "{calls:?}");

    std::fs::remove_file(env.home().join("ssh.log")).unwrap();
    env.ok(&["-q", "--config", cfg, "scan", "--no-persist", "h1"]);
    let calls = ssh_calls(&env);
    // Off: no master left by an earlier run is reused, whatever its age (the stand-in
    // leaves the sockets in place, so both are stopped again); the host's connection
    // ends with its last session, and is asked to stop in case one was left.
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert!(calls[0].contains("/old -O stop"), "{calls:?}");
    assert!(calls[1].contains("/young -O stop"), "{calls:?}");
    assert!(calls[2].contains("ControlPersist=no"), "{calls:?}");
    assert!(calls[3].contains("-O stop"), "{calls:?}");
    assert!(calls[3].ends_with("-- h1"), "{calls:?}");
}

#[test]
fn persist_is_a_bounded_duration_or_off() {
    let env = Env::init();
    let cfg = env.file("bad.toml", "[ssh]\npersist = \"2d\"\n");
    assert_snapshot!(
        "persist_too_long",
        env.snap(&["--config", cfg.to_str().unwrap(), "doctor"])
    );
}
