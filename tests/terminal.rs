//! Terminal behaviour.
//!
//! What `-v`, `-vv` and `-q` print: per-host progress with timings, the exact ssh command
//! lines and the collector's section sizes, and under `-q` nothing but data and errors.
//! Hosts that fail are real ssh runs against closed ports on 127.0.0.1, reached through
//! an ssh config in the test's HOME; hosts that succeed are scanned from saved collector
//! output (`scan --import`). Timings are redacted.
//!
//! The approve picker, driven through tmux: keys shown, worst first, and Esc, q and
//! Ctrl-C cancel with the cursor visible again and nothing recorded.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::cli::{Env, NOW, redact_timings};
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
    redact_sockets(&s)
}

/// A ControlMaster socket's name (a digest of the target and the ssh config's path,
/// which is under the test's own home) as `[SOCKET]`.
fn redact_sockets(text: &str) -> String {
    let marker = "/patchcycle/";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let after = &rest[i + marker.len()..];
        let hex = after
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            .count();
        out.push_str(&rest[..i + marker.len()]);
        if hex == 40 {
            out.push_str("[SOCKET]");
            rest = &after[40..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn base_out() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/collect/bookworm-base.out")
        .display()
        .to_string()
}

#[test]
fn sockets_are_redacted_and_nothing_else() {
    let name = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(
        redact_sockets(&format!(
            "ControlPath=/run/patchcycle/{name} x /patchcycle/abc"
        )),
        "ControlPath=/run/patchcycle/[SOCKET] x /patchcycle/abc"
    );
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
    // empty: the running kernel is not the root's), of a full collection (--full: the
    // root has not changed since the first scan).
    let vv = [&["-vv"][..], &args[..], &["--full"][..]].concat();
    assert_snapshot!("local_vv", redact_timings(&env.snap(&vv)));
    // Unchanged: only the fingerprint, `unchanged` and restart sections come back.
    let unchanged = [&["-vv"][..], &args[..]].concat();
    assert_snapshot!("local_vv_unchanged", redact_timings(&env.snap(&unchanged)));
}

// ---------------------------------------------------------------------------------------
// The approve picker

const TOKEN: &str = "00112233445566778899aabbccddeeff";

/// A Debian 12 host with four pending security updates.
fn collection() -> String {
    let s = |name: &str| format!("@@PC {TOKEN} {name}\n");
    format!(
        "@@PC {TOKEN} BEGIN 1\n{}ID=debian\nVERSION_ID=\"12\"\n{}6.1.0-26-amd64\n{}no\n{}\
         bash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \n\
         libc6:amd64\t2.36-9+deb12u1\tglibc\t2.36-9+deb12u1\tii \n\
         libcurl4:amd64\t7.88.1-10+deb12u5\tcurl\t7.88.1-10+deb12u5\tii \n\
         libssl3:amd64\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\tii \n{}\
         Inst bash [5.2.15-2+b7] (5.2.15-2+b8 Debian-Security:12/oldstable-security [amd64])\n\
         Inst libc6 [2.36-9+deb12u1] (2.36-9+deb12u3 Debian-Security:12/oldstable-security [amd64])\n\
         Inst libcurl4 [7.88.1-10+deb12u5] (7.88.1-10+deb12u8 Debian-Security:12/oldstable-security [amd64])\n\
         Inst libssl3 [3.0.15-1~deb12u1] (3.0.17-1~deb12u3 Debian-Security:12/oldstable-security [amd64])\n{}",
        s("os-release"),
        s("uname"),
        s("reboot"),
        s("dpkg"),
        s("apt-sim"),
        s("END"),
    )
}

/// A `--from` mirror: four synthetic Debian advisories (one per package, with Debian's
/// urgency words), a KEV catalogue naming the glibc CVE and EPSS scores.
fn mirror(dir: &Path) {
    let osv = |id: &str, cve: &str, pkg: &str, fixed: &str, urgency: &str| {
        serde_json::json!({
            "id": id, "modified": "2026-10-01T00:00:00Z", "aliases": [cve],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": pkg},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                          "database_specific": {"urgency": urgency}}]
        })
    };
    let records = [
        // Critical, not known exploited, low EPSS.
        osv(
            "DSA-9001-1",
            "CVE-2099-9001",
            "openssl",
            "3.0.17-1~deb12u3",
            "critical",
        ),
        // Medium, but in the KEV catalogue: first of all.
        osv(
            "DSA-9002-1",
            "CVE-2023-4911",
            "glibc",
            "2.36-9+deb12u3",
            "medium",
        ),
        // Two highs: the higher EPSS first.
        osv("DSA-9003-1", "CVE-2099-9003", "bash", "5.2.15-2+b8", "high"),
        osv(
            "DSA-9004-1",
            "CVE-2099-9004",
            "curl",
            "7.88.1-10+deb12u8",
            "high",
        ),
    ];
    let zip_path = dir.join("osv-mirror/Debian/all.zip");
    std::fs::create_dir_all(zip_path.parent().expect("parent")).expect("mkdir");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).expect("create zip"));
    for r in &records {
        zip.start_file(
            format!("{}.json", r["id"].as_str().expect("id")),
            zip::write::SimpleFileOptions::default(),
        )
        .expect("zip entry");
        zip.write_all(r.to_string().as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish");
    std::fs::create_dir_all(dir.join("kev")).expect("mkdir");
    std::fs::write(
        dir.join("kev/known_exploited_vulnerabilities.json"),
        serde_json::json!({"catalogVersion": "2026.10.01", "count": 1, "vulnerabilities": [
            {"cveID": "CVE-2023-4911", "vendorProject": "GNU", "product": "GNU C Library",
             "vulnerabilityName": "GNU C Library Buffer Overflow", "dateAdded": "2023-11-21",
             "dueDate": "2023-12-12", "knownRansomwareCampaignUse": "Unknown"}]})
        .to_string(),
    )
    .expect("write kev");
    std::fs::create_dir_all(dir.join("epss")).expect("mkdir");
    std::fs::write(
        dir.join("epss/epss_scores-current.csv.gz"),
        "#model_version:v2025.03.14,score_date:2026-11-09T00:00:00+0000\n\
         cve,epss,percentile\n\
         CVE-2099-9001,0.01000,0.50000\n\
         CVE-2023-4911,0.20000,0.90000\n\
         CVE-2099-9003,0.90000,0.99000\n\
         CVE-2099-9004,0.10000,0.80000\n",
    )
    .expect("write epss");
}

/// Group pilot with host p1, the mirror synced, p1 scanned, the cycle started.
fn picker_fleet() -> Env {
    let env = Env::init();
    let dir = env.home().join("mirror");
    mirror(&dir);
    env.ok(&[
        "-q",
        "sync",
        "--from",
        dir.to_str().expect("utf-8"),
        "osv:Debian",
        "kev",
        "epss",
    ]);
    env.ok(&["-q", "group", "add", "pilot", "--order", "0"]);
    env.ok(&["-q", "host", "add", "p1", "-g", "pilot"]);
    let f = env.file("p1.out", &collection());
    env.ok(&[
        "-q",
        "scan",
        "--import",
        f.to_str().expect("utf-8"),
        "--host",
        "p1",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    env
}

/// A tmux server of its own running one command in a 200x30 pane.
struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    /// None when tmux is missing (allowed outside CI only).
    fn start(env: &Env, command: &str) -> Option<Tmux> {
        Tmux::start_with(env, "", command)
    }

    /// `start` with `prefix` (e.g. `env -u PAGER`) before the command.
    fn start_with(env: &Env, prefix: &str, command: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tmux is required under CI"
            );
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        // A socket per server: the one killed before may still be going away.
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let t = Tmux {
            socket: env.home().join(format!("tmux{n}.sock")),
        };
        let bin = env!("CARGO_BIN_EXE_patchcycle");
        let script = format!(
            "cd '{home}' && HOME='{home}' USER=tester PATCHCYCLE_NOW={NOW} NO_COLOR=1 {prefix} '{bin}' {command}; echo EXIT=$?; sleep 30",
            home = env.home().display()
        );
        let out = t.run(&["new-session", "-d", "-x", "200", "-y", "30", &script]);
        assert!(out.status.success(), "{out:?}");
        Some(t)
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// Waits (at most 10 s) for `needle` on the screen.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waiting for {needle:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the picker with its keys and all four patches.
    fn wait_for_picker(&self) -> String {
        self.wait_for("esc/q: cancel");
        for name in ["libc6 ", "libssl3 ", "bash ", "libcurl4 "] {
            self.wait_for(name);
        }
        self.screen()
    }

    /// Whether the pane's cursor is visible (tmux's cursor_flag).
    fn cursor_visible(&self) -> bool {
        let out = self.run(&["display", "-p", "#{cursor_flag}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Nothing approved and no approval audited.
fn assert_nothing_recorded(env: &Env) {
    let db = env.sqlite();
    let approvals: i64 = db
        .query_row("SELECT count(*) FROM approvals", [], |r| r.get(0))
        .expect("count");
    let audited: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action LIKE 'approve%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!((approvals, audited), (0, 0));
}

/// The picker shows its keys and the patch set worst first (KEV, severity, EPSS); Esc
/// and q cancel with exit 2, the cursor visible again and nothing recorded.
#[test]
fn the_picker_shows_keys_orders_by_risk_and_cancels_on_esc_and_q() {
    let env = picker_fleet();
    for key in ["Escape", "q"] {
        let Some(tmux) = Tmux::start(&env, "approve --group pilot") else {
            return;
        };
        let picker = tmux.wait_for_picker();
        assert!(
            picker.contains(
                "up/down: move | space: toggle | a: all | enter: confirm | esc/q: cancel"
            ),
            "{picker}"
        );
        // The picker has hidden the cursor while it reads keys.
        assert!(!tmux.cursor_visible(), "{picker}");
        let order: Vec<&str> = picker
            .lines()
            .filter(|l| l.contains("Debian:12 "))
            .filter_map(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with("lib") || *w == "bash")
            })
            .collect();
        assert_eq!(order, ["libc6", "libssl3", "bash", "libcurl4"], "{picker}");
        assert!(
            picker.contains("severity medium  KEV  EPSS 0.200"),
            "{picker}"
        );
        tmux.keys(&[key]);
        let done = tmux.wait_for("EXIT=");
        assert!(
            done.contains("error: cancelled, nothing approved"),
            "{done}"
        );
        assert!(done.contains("EXIT=2"), "{done}");
        assert!(tmux.cursor_visible(), "cursor hidden after {key}:\n{done}");
        assert_nothing_recorded(&env);
    }
}

/// Ctrl-C in the picker, and at the confirmation after it: exit 130, cursor visible,
/// nothing recorded.
#[test]
fn ctrl_c_restores_the_cursor_and_records_nothing() {
    let env = picker_fleet();
    for at_confirmation in [false, true] {
        let Some(tmux) = Tmux::start(&env, "approve --group pilot") else {
            return;
        };
        tmux.wait_for_picker();
        if at_confirmation {
            tmux.keys(&["Enter"]);
            tmux.wait_for("[y/N]");
        }
        assert!(!tmux.cursor_visible(), "{}", tmux.screen());
        tmux.keys(&["C-c"]);
        let done = tmux.wait_for("EXIT=");
        assert!(tmux.cursor_visible(), "cursor hidden after Ctrl-C:\n{done}");
        assert!(done.contains("EXIT=130"), "{done}");
        // At the confirmation, the confirmation's own guard speaks.
        let said = if at_confirmation {
            "error: interrupted, approve not confirmed"
        } else {
            "error: interrupted, nothing approved"
        };
        assert!(done.contains(said), "{done}");
        assert_nothing_recorded(&env);
    }
}

/// Confirmed: a short summary by risk, not every pick.
#[test]
fn the_picker_summarises_what_was_approved() {
    let env = picker_fleet();
    let Some(tmux) = Tmux::start(&env, "approve --group pilot --change CHG-9") else {
        return;
    };
    tmux.wait_for_picker();
    // Down to the third line (bash) and off.
    tmux.keys(&["Down", "Down", "Space", "Enter"]);
    tmux.wait_for("[y/N]");
    tmux.keys(&["y", "Enter"]);
    let done = tmux.wait_for("EXIT=");
    assert!(
        done.contains("approved 3 patches of cycle 2026-11 for pilot: 1 KEV, 1 critical, 1 high"),
        "{done}"
    );
    assert!(
        !done.contains("libcurl4 ->"),
        "the picks are not dumped:\n{done}"
    );
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(tmux.cursor_visible());
    let packages: String = env
        .sqlite()
        .query_row("SELECT packages FROM approvals", [], |r| r.get(0))
        .expect("approval");
    let mut names: Vec<String> = serde_json::from_str::<Vec<(String, String, String)>>(&packages)
        .expect("json")
        .into_iter()
        .map(|(_, p, _)| p)
        .collect();
    names.sort();
    assert_eq!(names, ["libc6", "libcurl4", "libssl3"]);
}

/// `-v` on `test` (and `deploy`, the same engine): each host's start, and its end with
/// the time it took and why it failed. p1 is an ssh alias for a closed port.
#[test]
fn verbose_test_shows_each_host_start_and_end() {
    let env = picker_fleet();
    let port = closed_port();
    std::fs::create_dir_all(env.home().join(".ssh")).expect("mkdir .ssh");
    let home = env.home().display().to_string();
    env.file(
        ".ssh/config",
        &format!(
            "Host p1\n  HostName 127.0.0.1\n  Port {port}\n\
             Host *\n  UserKnownHostsFile {home}/.ssh/known_hosts\n  GlobalKnownHostsFile /dev/null\n"
        ),
    );
    let config = std::fs::read_to_string(env.config()).expect("read config");
    std::fs::write(
        env.config(),
        config.replace(
            "\n[ssh]\n",
            &format!("\n[ssh]\nconfig_file = \"{home}/.ssh/config\"\n"),
        ),
    )
    .expect("write config");
    let out = redact_timings(&env.snap(&["-v", "--yes", "test", "--now", "--reason", "lab"]))
        .replace(&format!("port {port}:"), "port [PORT]:");
    assert_snapshot!("test_v", out);
}

/// A catalogue where `advisory show CVE-2023-4911` is longer than a 30-line pane: the
/// real OSV Debian and AlmaLinux data and CISA KEV of tests/data/shared.
fn glibc_catalogue() -> Env {
    let env = Env::init();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    let mirror = env.home().join("mirror");
    for rel in [
        "osv-mirror/Debian/all.zip",
        "osv-mirror/AlmaLinux/all.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        let dest = mirror.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(shared.join(rel), &dest).expect("copy");
    }
    let m = mirror.to_str().expect("utf-8");
    env.ok(&[
        "-q",
        "sync",
        "--from",
        m,
        "osv:Debian",
        "osv:AlmaLinux",
        "kev",
    ]);
    env
}

/// The last non-empty line of a screen.
fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// `advisory show` pages long output on a terminal as git does: `less -FRX` without
/// PAGER, `q` ends it with exit 0 and nothing on stderr; a pager that quits early
/// (`head -n 3`) ends the command quietly; `--no-pager` (global or after the command)
/// and an empty PAGER write straight to the terminal.
#[test]
fn advisory_show_pages_long_output_on_a_terminal() {
    let env = glibc_catalogue();
    let Some(tmux) = Tmux::start_with(
        &env,
        "env -u PAGER",
        "advisory show CVE-2023-4911 2>err.txt",
    ) else {
        return;
    };
    let screen = tmux.wait_for("ECOSYSTEM");
    // less waits at its prompt: the first advisory on top, the rest to come.
    assert_eq!(last_line(&screen), ":", "{screen}");
    assert!(screen.starts_with("id:         ALSA-2023:5453"), "{screen}");
    assert!(!screen.contains("EXIT="), "{screen}");
    tmux.keys(&["q"]);
    let done = tmux.wait_for("EXIT=");
    assert_eq!(last_line(&done), "EXIT=0", "{done}");
    assert_eq!(
        std::fs::read_to_string(env.home().join("err.txt")).unwrap(),
        ""
    );
    drop(tmux);

    // A pager that reads three lines and quits: the rest meets a closed pipe.
    let Some(tmux) = Tmux::start_with(
        &env,
        "PAGER='head -n 3'",
        "advisory show CVE-2023-4911 2>err.txt",
    ) else {
        return;
    };
    let done = tmux.wait_for("EXIT=");
    assert_eq!(
        done.trim_end(),
        "id:         ALSA-2023:5453\nsource:     osv:AlmaLinux\nkind:       security\nEXIT=0"
    );
    assert_eq!(
        std::fs::read_to_string(env.home().join("err.txt")).unwrap(),
        ""
    );
    drop(tmux);

    for (prefix, command) in [
        ("env -u PAGER", "--no-pager advisory show CVE-2023-4911"),
        ("env -u PAGER", "advisory show CVE-2023-4911 --no-pager"),
        ("PAGER=", "advisory show CVE-2023-4911"),
    ] {
        let Some(tmux) = Tmux::start_with(&env, prefix, command) else {
            return;
        };
        let done = tmux.wait_for("EXIT=");
        // Straight to the terminal: the end of the output above the exit code.
        assert!(
            done.contains("Debian:12  fixed 2.36-9+deb12u3  glibc\nEXIT=0"),
            "{prefix} {command}:\n{done}"
        );
    }
}
