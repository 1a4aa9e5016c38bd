//! Persistent connections and MaxStartups refusals against real sshd (the fleet lab;
//! issue #23, items 2 and 4): a changed host key once the master is older than
//! `[ssh] persist`, and connections sshd drops before the key exchange retried.

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::cli::{Env, render};
use common::lab::{Lab, lab_or_skip};

/// The lab's ssh config, with the host keys read from a copy of its known_hosts that the
/// test may change (the lab's own stays as it is).
fn private_ssh_config(env: &Env, lab: &Lab) -> (PathBuf, PathBuf) {
    let config = std::fs::read_to_string(lab.ssh_config()).unwrap();
    let lab_known = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("UserKnownHostsFile "))
        .expect("UserKnownHostsFile in the lab's ssh config")
        .to_string();
    let known = env.home().join("known_hosts");
    std::fs::copy(&lab_known, &known).unwrap();
    let path = env.file(
        "lab_ssh_config",
        &config.replace(
            &format!("UserKnownHostsFile {lab_known}"),
            &format!("UserKnownHostsFile {}", known.display()),
        ),
    );
    (path, known)
}

fn config(env: &Env, ssh_config: &Path, persist: &str) -> PathBuf {
    env.file(
        "c.toml",
        &format!(
            "[ssh]\nconfig_file = \"{}\"\npersist = \"{persist}\"\n",
            ssh_config.display()
        ),
    )
}

/// The socket of the one master in the scan's directory.
fn the_socket(env: &Env) -> PathBuf {
    let sockets: Vec<PathBuf> = std::fs::read_dir(env.runtime_dir().join("patchcycle"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    sockets[0].clone()
}

fn master_alive(socket: &Path) -> bool {
    Command::new("ssh")
        .arg("-S")
        .arg(socket)
        .args(["-O", "check", "x"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `true` in a session over the master at `socket` (ssh's idle timer restarts).
fn session_over(socket: &Path) -> bool {
    Command::new("ssh")
        .arg("-S")
        .arg(socket)
        .args(["-o", "ControlMaster=no", "-o", "BatchMode=yes", "x", "true"])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_changed_host_key_fails_as_before_once_the_master_is_older_than_persist() {
    let lab = lab_or_skip!(1);
    let env = Env::init();
    let (ssh_config, known) = private_ssh_config(&env, &lab);
    let cfg = config(&env, &ssh_config, "8s");
    let cfg = cfg.to_str().unwrap();
    env.ok(&["-q", "host", "add", "h1"]);
    let made = Instant::now();
    env.ok(&["-q", "--config", cfg, "scan", "h1"]);
    let socket = the_socket(&env);
    assert!(master_alive(&socket));

    // The host key changes (as the client sees it: another key in known_hosts).
    let keygen = env.home().join("other_key");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&keygen)
        .output()
        .unwrap();
    assert!(out.status.success());
    let other = std::fs::read_to_string(keygen.with_extension("pub")).unwrap();
    let other: Vec<&str> = other.split_whitespace().take(2).collect();
    let text = std::fs::read_to_string(&known).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            if l.starts_with("h1 ") {
                format!("h1 {}\n", other.join(" "))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(changed, text);
    std::fs::write(&known, changed).unwrap();

    // Within persist the live master is reused: OpenSSH authenticated the host when it
    // made the master and does not look at the key again (documented in the README).
    env.ok(&["-q", "--config", cfg, "scan", "h1"]);
    // Past persist, the master still runs (used a moment ago, so not idle long enough
    // to exit) but is too old to be reused: the scan stops it, connects anew, and fails
    // on the key exactly as a scan without any master does. Two quick scans may leave
    // it idle for most of the wait: a session over it at 5 s keeps it from idling out.
    std::thread::sleep(Duration::from_millis(5000).saturating_sub(made.elapsed()));
    assert!(session_over(&socket), "a session over the master at 5 s");
    let wait = Duration::from_millis(8600).saturating_sub(made.elapsed());
    std::thread::sleep(wait);
    assert!(master_alive(&socket), "the master should still run");
    let out = env.run(&["--config", cfg, "scan", "h1"]);
    let expired = render(&env, &out);
    assert_eq!(out.status.code(), Some(4), "{expired}");
    assert!(
        expired.contains("host key changed: REMOTE HOST IDENTIFICATION HAS CHANGED"),
        "{expired}"
    );
    assert!(!master_alive(&socket), "the old master was stopped");
    // No master at all (a fresh directory, a host never scanned): the same failure, in
    // the table and in the error line.
    let failure_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains("host key changed"))
            .map(str::to_string)
            .collect()
    };
    let fresh = Env::init();
    fresh.ok(&["-q", "host", "add", "h1"]);
    let fresh_cfg = fresh.file(
        "c.toml",
        &std::fs::read_to_string(env.home().join("c.toml")).unwrap(),
    );
    let out = fresh.run(&["--config", fresh_cfg.to_str().unwrap(), "scan", "h1"]);
    let fresh_text = render(&fresh, &out);
    assert_eq!(out.status.code(), Some(4), "{fresh_text}");
    assert_eq!(failure_lines(&fresh_text), failure_lines(&expired));
    assert_eq!(failure_lines(&expired).len(), 2, "{expired}");
}

/// Puts a lab host's sshd back as the lab made it, whatever the test did.
struct ResetOnDrop<'a>(&'a Lab, &'a str);
impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.reset(self.1);
    }
}

/// Holds sshd's one pre-authentication slot (`MaxStartups 1:100:1`): a connection that
/// reads sshd's banner and never answers.
fn hold_slot(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut banner = [0u8; 4];
    s.read_exact(&mut banner).unwrap();
    assert_eq!(&banner, b"SSH-");
    s
}

#[test]
fn connections_sshd_refuses_beyond_maxstartups_are_retried_with_a_bound() {
    let lab = lab_or_skip!(2);
    let _reset = ResetOnDrop(&lab, "h2");
    // One connection at a time before authentication; every other one dropped.
    lab.ssh_ok(
        "h2",
        "sed -i 's/^MaxStartups .*/MaxStartups 1:100:1/' /etc/ssh/sshd_config.d/00-patchcycle-lab.conf \
         && grep -q '^MaxStartups 1:100:1$' /etc/ssh/sshd_config.d/00-patchcycle-lab.conf && kill -HUP 1",
    );
    let port = lab.port("h2");
    // sshd re-executes itself on SIGHUP: wait (bounded) until it listens again.
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "h2's sshd did not come back");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));

    let env = Env::init();
    let cfg = config(&env, lab.ssh_config(), "60s");
    let cfg = cfg.to_str().unwrap();
    // Four inventory hosts, all h2: four connections at once.
    for m in ["m1", "m2", "m3", "m4"] {
        env.ok(&["-q", "host", "add", m, "h2"]);
    }

    // The setting took: with the slot held, a plain ssh is dropped before the key
    // exchange, with the words the retry looks for.
    let held = hold_slot(port);
    let out = Command::new("ssh")
        .arg("-F")
        .arg(lab.ssh_config())
        .args(["-o", "ControlPath=none", "h2", "true"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{err}");
    assert!(err.contains("kex_exchange_identification: "), "{err}");

    // Refused while the slot is held (1.5 s), then let in: every host scanned, and -vv
    // says each refusal and the wait before the next try.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        drop(held);
    });
    let started = Instant::now();
    let out = env.run(&["--config", cfg, "-vv", "scan", "--all", "--parallel", "4"]);
    release.join().unwrap();
    let text = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("+ # refused before authentication (kex_exchange_identification: "),
        "{text}"
    );
    assert!(started.elapsed() > Duration::from_millis(1500), "{text}");

    // Held for good: each host gives up after a bounded number of tries, and says so.
    let _held = hold_slot(port);
    let fresh = Env::init();
    fresh.ok(&["-q", "host", "add", "m1", "h2"]);
    let started = Instant::now();
    let out = fresh.run(&["--config", cfg, "scan", "m1"]);
    let text = render(&fresh, &out);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("(refused 6 times in "), "{text}");
    assert!(started.elapsed() < Duration::from_secs(15), "{text}");
}

/// A wrapper around the system ssh that counts its runs in `count` (each run appends a
/// line), for `[ssh] program`.
fn counting_ssh(env: &Env) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let count = env.home().join("ssh-runs");
    let prog = env.file(
        "counting-ssh",
        &format!(
            "#!/bin/sh\necho run >> '{}'\nexec ssh \"$@\"\n",
            count.display()
        ),
    );
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).unwrap();
    (prog, count)
}

fn runs(count: &Path) -> usize {
    std::fs::read_to_string(count).map_or(0, |t| t.lines().count())
}

/// With a warm master, patchcycle opens the session through the master's socket itself
/// (OpenSSH's mux protocol): no ssh process starts, and the scan is the same as one
/// through `ssh`. The session's time limit holds: a script past it ends, on the host as
/// well. Without a master (a stale socket), ssh runs and makes one.
#[test]
fn a_warm_master_takes_sessions_without_an_ssh_process() {
    let lab = lab_or_skip!(1);
    let env = Env::init();
    let (prog, count) = counting_ssh(&env);
    let cfg = env.file(
        "c.toml",
        &format!(
            "[ssh]\nprogram = \"{}\"\nconfig_file = \"{}\"\npersist = \"10m\"\n",
            prog.display(),
            lab.ssh_config().display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    env.ok(&["-q", "host", "add", "h1"]);
    env.ok(&["-q", "--config", cfg, "scan", "h1"]);
    assert_eq!(runs(&count), 1, "the first scan makes the master");
    let socket = the_socket(&env);
    assert!(master_alive(&socket));

    let out = env.run(&["-vv", "--config", cfg, "scan", "h1"]);
    let text = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "+ # through the ControlMaster at {}: sh -s  # the script on stdin",
            socket.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("h1: unchanged since the full scan of"),
        "{text}"
    );
    assert_eq!(
        runs(&count),
        1,
        "no ssh process for a session through the master"
    );

    // Sessions through the master, from the library.
    let ssh = patchcycle::config::SshConfig {
        program: prog.display().to_string(),
        config_file: Some(lab.ssh_config().to_path_buf()),
        persist: patchcycle::config::Persist::For(Duration::from_secs(600)),
        ..patchcycle::config::SshConfig::default()
    };
    let target = patchcycle::exec::Target::Ssh {
        address: "h1".into(),
        user: None,
        port: None,
    };
    let dir = env.runtime_dir().join("patchcycle");
    assert_eq!(
        patchcycle::exec::control_socket(&ssh, &dir, &target),
        socket
    );
    // All of a large output arrives, however far behind the reading is when the exit
    // status comes: the connection stays open until the master has written it all.
    for _ in 0..3 {
        let out = patchcycle::exec::run_script(
            &ssh,
            &dir,
            &target,
            "head -c 8000000 /dev/zero | tr '\\0' x\necho; echo END\n",
            Duration::from_secs(60),
        )
        .expect("a large output through the master");
        assert_eq!(out.status, Some(0));
        assert_eq!(out.stdout.len(), 8_000_005, "{:?}", &out.stderr);
        assert!(out.stdout.ends_with(b"x\nEND\n"));
    }
    assert_eq!(runs(&count), 1);

    // The time limit: a script that would print for 30 s ends at 2 s, and so does its
    // shell on the host (the session is closed with the connection to the master, and
    // its next write fails).
    let t0 = Instant::now();
    let r = patchcycle::exec::run_script(
        &ssh,
        &dir,
        &target,
        "echo $$ > /tmp/pc-mux-timeout.pid\ni=0\nwhile [ $i -lt 300 ]; do echo tick; sleep 0.1; i=$((i + 1)); done\n",
        Duration::from_secs(2),
    );
    let took = t0.elapsed();
    assert!(
        matches!(r, Err(patchcycle::exec::RunError::Timeout(_))),
        "{r:?}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(runs(&count), 1);
    let mut gone = false;
    for _ in 0..50 {
        let ps = lab.ssh(
            "h1",
            "kill -0 \"$(cat /tmp/pc-mux-timeout.pid)\" 2>/dev/null && echo runs",
        );
        if String::from_utf8_lossy(&ps.stdout).trim().is_empty() {
            gone = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(gone, "the script's process still runs on the host");

    // A master that is gone leaves its socket behind: ssh runs, and makes a new one.
    let out = Command::new("ssh")
        .arg("-S")
        .arg(&socket)
        .args(["-O", "exit", "x"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stale = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    drop(stale);
    assert!(socket.exists());
    env.ok(&["-q", "--config", cfg, "scan", "h1"]);
    assert_eq!(runs(&count), 2, "ssh ran once more, for a new master");
    assert!(master_alive(&socket));
    let _ = Command::new("ssh")
        .arg("-S")
        .arg(&socket)
        .args(["-O", "exit", "x"])
        .output();
}
