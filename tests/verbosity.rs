//! What `-v`, `-vv` and `-q` print: per-host progress with timings, the exact ssh command
//! lines and the collector's section sizes, and under `-q` nothing but data and errors.
//! Hosts that fail are real ssh runs against closed ports on 127.0.0.1, reached through
//! an ssh config in the test's HOME; hosts that succeed are scanned from saved collector
//! output (`scan --import`). Timings are redacted.

mod common;

use std::path::Path;

use common::cli::{Env, redact_timings};
use insta::assert_snapshot;

/// A TCP port on 127.0.0.1 that nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    l.local_addr().expect("address").port()
}

/// Hosts `ok1` (to be imported), `dead1` and `dead2` (ssh aliases for closed ports),
/// and a config that points ssh at `~/.ssh/config`. Returns the ports to redact.
fn fleet() -> (Env, Vec<u16>) {
    let env = Env::init();
    let ports = [closed_port(), closed_port()];
    let home = env.home().display().to_string();
    std::fs::create_dir_all(env.home().join(".ssh")).expect("mkdir .ssh");
    env.file(
        ".ssh/config",
        &format!(
            "Host dead1\n  HostName 127.0.0.1\n  Port {}\n\
             Host dead2\n  HostName 127.0.0.1\n  Port {}\n\
             Host *\n  UserKnownHostsFile {home}/.ssh/known_hosts\n  GlobalKnownHostsFile /dev/null\n",
            ports[0], ports[1]
        ),
    );
    // `init`'s config, with ssh reading the config above (OpenSSH itself reads
    // ~/.ssh/config from the passwd home, not from $HOME).
    let config = std::fs::read_to_string(env.config()).expect("read config");
    assert!(config.contains("\n[ssh]\n"), "{config}");
    std::fs::write(
        env.config(),
        config.replace(
            "\n[ssh]\n",
            &format!("\n[ssh]\nconfig_file = \"{home}/.ssh/config\"\n"),
        ),
    )
    .expect("write config");
    for h in ["ok1", "dead1", "dead2"] {
        env.ok(&["-q", "host", "add", h]);
    }
    (env, ports.to_vec())
}

fn snap(env: &Env, ports: &[u16], args: &[&str]) -> String {
    let mut s = redact_timings(&env.snap(args));
    for p in ports {
        s = s.replace(&format!("port {p}:"), "port [PORT]:");
    }
    s
}

fn base_out() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/collect/bookworm-base.out")
        .display()
        .to_string()
}

#[test]
fn timings_are_redacted_and_nothing_else() {
    assert_eq!(
        redact_timings("h1: connected in 0.21 s, 12.05 s; 1.5 s 3.141 s x.12 s sh -s"),
        "h1: connected in [T] s, [T] s; 1.5 s 3.141 s x.12 s sh -s"
    );
}

/// `-v` on an import: how long reading and matching took; `-vv` adds section sizes.
#[test]
fn verbose_import_shows_timings_and_sections() {
    let (env, ports) = fleet();
    let file = base_out();
    assert_snapshot!(
        "import_v",
        snap(
            &env,
            &ports,
            &["-v", "scan", "--import", &file, "--host", "ok1"]
        )
    );
    assert_snapshot!(
        "import_vv",
        snap(
            &env,
            &ports,
            &["-vv", "scan", "--import", &file, "--host", "ok1"]
        )
    );
}

/// Unreachable hosts: `-v` says how long each took to fail and why, `-vv` shows the ssh
/// command line as one could paste it, and the error names every failed host.
#[test]
fn verbose_scan_of_unreachable_hosts() {
    let (env, ports) = fleet();
    // One at a time, so the lines come in a fixed order.
    assert_snapshot!(
        "unreachable_v",
        snap(
            &env,
            &ports,
            &["-v", "scan", "--parallel", "1", "dead1", "dead2"]
        )
    );
    assert_snapshot!(
        "unreachable_vv",
        snap(
            &env,
            &ports,
            &["-vv", "scan", "--parallel", "1", "dead1", "dead2"]
        )
    );
}

/// `-q`: no table, no progress, no status; the one error line names every failed host
/// with its reason, and the exit code says some failed.
#[test]
fn quiet_scan_names_every_failed_host() {
    let (env, ports) = fleet();
    assert_snapshot!(
        "unreachable_q",
        snap(&env, &ports, &["-q", "scan", "dead1", "dead2"])
    );
    // Data is still data under -q.
    let out = env.run(&["-q", "--format", "json", "scan", "dead1"]);
    assert_eq!(out.status.code(), Some(4));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0]["host"], "dead1");
    assert_eq!(rows[0]["status"], "failed");
    let file = base_out();
    assert_snapshot!(
        "import_q",
        snap(
            &env,
            &ports,
            &["-q", "scan", "--import", &file, "--host", "ok1"]
        )
    );
}

/// The -vv command line is the one that ran: pasted into a shell, it fails the same way.
#[test]
fn the_traced_ssh_command_line_can_be_pasted() {
    let (env, _) = fleet();
    let out = env.run(&["-vv", "scan", "dead1"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("+ "))
        .unwrap_or_else(|| panic!("no command line in:\n{stderr}"));
    let pasted = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("HOME", env.home())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run sh");
    assert_eq!(pasted.status.code(), Some(255), "{line}");
    let reason = String::from_utf8_lossy(&pasted.stderr);
    assert!(reason.contains("Connection refused"), "{reason}");
    assert!(stderr.contains("Connection refused"), "{stderr}");
}

/// `scan --local --root`: the collector runs for real here (against an Alpine root holding
/// a recorded apk database, as in tests/scan_apk.rs); `-v` says when it started answering
/// and how long collecting and matching took.
#[test]
fn verbose_local_scan_shows_each_phase() {
    let env = Env::init();
    let root = env.home().join("alpine");
    std::fs::create_dir_all(root.join("etc")).expect("mkdir");
    std::fs::create_dir_all(root.join("lib/apk/db")).expect("mkdir");
    std::fs::write(
        root.join("etc/os-release"),
        "ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
    )
    .expect("write");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/alpine/installed"),
        root.join("lib/apk/db/installed"),
    )
    .expect("copy");
    let root = root.display().to_string();
    let args = ["scan", "--local", "--root", &root, "--host", "alpine1"];
    let v = [&["-v"][..], &args[..]].concat();
    assert_snapshot!("local_v", redact_timings(&env.snap(&v)));
    // -vv: the local command line and the section sizes (with --root, uname is left
    // empty: the running kernel is not the root's).
    let vv = [&["-vv"][..], &args[..]].concat();
    assert_snapshot!("local_vv", redact_timings(&env.snap(&vv)));
}
