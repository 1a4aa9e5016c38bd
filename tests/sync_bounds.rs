//! Hostile mirrors and downloads (issue #18, items 2, 11 and 12): an endless body, a
//! trickle, a stall, signals and kill -9 in the middle of a download, a umask of 000, a
//! mirror URL with a password, and `[sync]` numbers out of range. Every server is a real
//! HTTP server on 127.0.0.1; every child process is bounded in time.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use common::cli::{Env, render};
use common::http::{Fault, Server};
use insta::assert_snapshot;
use tempfile::TempDir;

const KEV: &str = "kev/known_exploited_vulnerabilities.json";
const KEV_PATH: &str = "/kev/known_exploited_vulnerabilities.json";

/// The real feeds kept in the repository (tests/data/shared).
fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// A served directory holding a copy of the real KEV file.
struct Mirror {
    root: TempDir,
    server: Server,
}

impl Mirror {
    fn new() -> Mirror {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join(KEV);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(data().join(KEV), &dest).unwrap();
        let server = Server::start(root.path());
        Mirror { root, server }
    }
}

fn config(env: &Env, text: &str) -> String {
    env.file("bounds.toml", text).display().to_string()
}

fn feeds(env: &Env) -> PathBuf {
    let mut p = env.db().into_os_string();
    p.push(".feeds");
    PathBuf::from(p)
}

/// The names of the files in `<db>.feeds/.tmp`, sorted (none when it does not exist).
fn temp_files(env: &Env) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(feeds(env).join(".tmp")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `render` with the server's port, which changes from run to run, as `[PORT]`.
fn shown(env: &Env, out: &Output, port: u16) -> String {
    render(env, out).replace(&format!(":{port}/"), ":[PORT]/")
}

/// Waits for a child at most `limit`; kills it (and fails) past that.
fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the sync still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `sync` with a time bound; returns its output and how long it took.
fn sync_bounded(env: &Env, args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = env
        .cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_bounded(&mut child, limit);
    let out = child.wait_with_output().unwrap();
    (out, started.elapsed())
}

/// A sync of KEV from a mirror that trickles it (a byte every 200 ms).
fn trickling_sync(env: &Env, cfg: &str, m: &Mirror) -> Child {
    m.server
        .fault(KEV_PATH, &[Fault::Trickle(Duration::from_millis(200))]);
    let url = m.server.url();
    env.cmd(&["--config", cfg, "sync", "--mirror", &url, "kev"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the sync's download has a temp file (at most 20 s; past that the child is
/// killed) and returns its name.
fn download_started(env: &Env, child: &mut Child) -> String {
    let started = Instant::now();
    loop {
        if let Some(n) = temp_files(env)
            .into_iter()
            .find(|n| n.starts_with("download-"))
        {
            return n;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no download started within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_endless_body_is_stopped_at_the_cap_and_leaves_no_temp_file() {
    let env = Env::init();
    let m = Mirror::new();
    let cfg = config(
        &env,
        "[sync]\nconnect_timeout = 2\ntimeout = 5\nretries = 2\n[sync.max_mib]\nkev = 1\nosv = 1\n",
    );
    m.server.fault(KEV_PATH, &[Fault::Endless]);
    let url = m.server.url();
    let (out, took) = sync_bounded(
        &env,
        &["--config", &cfg, "sync", "--mirror", &url, "kev"],
        Duration::from_secs(60),
    );
    assert_snapshot!("endless_body_at_the_cap", shown(&env, &out, m.server.port));
    // Refused, not retried: a retry would meet the same cap.
    assert_eq!(m.server.log().len(), 1, "{:?}", m.server.log());
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(temp_files(&env), Vec::<String>::new());

    // A file that announces more than the cap is refused before its body is read.
    let zip = m.root.path().join("osv-mirror/AlmaLinux/all.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    std::fs::write(&zip, vec![0u8; 1024 * 1024 + 1]).unwrap();
    let (out, _) = sync_bounded(
        &env,
        &["--config", &cfg, "sync", "--mirror", &url, "osv:AlmaLinux"],
        Duration::from_secs(60),
    );
    assert_snapshot!(
        "announced_size_over_the_cap",
        shown(&env, &out, m.server.port)
    );
    assert_eq!(temp_files(&env), Vec::<String>::new());
}

#[test]
fn a_trickle_is_stopped_at_the_deadline() {
    let env = Env::init();
    let m = Mirror::new();
    // One byte a second never trips the stall timeout; the deadline stops it.
    m.server
        .fault(KEV_PATH, &[Fault::Trickle(Duration::from_secs(1))]);
    let cfg = config(
        &env,
        "[sync]\nconnect_timeout = 2\ntimeout = 5\ndeadline = 2\nretries = 3\n",
    );
    let url = m.server.url();
    let (out, took) = sync_bounded(
        &env,
        &["--config", &cfg, "sync", "--mirror", &url, "kev"],
        Duration::from_secs(30),
    );
    let text = shown(&env, &out, m.server.port);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains(
            "Caused by: downloading http://127.0.0.1:[PORT]/kev/known_exploited_vulnerabilities.json failed: \
             kev: the download took longer than the 2 s deadline of sync.deadline and was stopped after "
        ),
        "{text}"
    );
    // The deadline, plus at most one wait for a byte.
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert_eq!(m.server.log().len(), 1, "no retry past the deadline");
    assert_eq!(temp_files(&env), Vec::<String>::new());
}

#[test]
fn a_body_that_stops_flowing_times_out() {
    let env = Env::init();
    let m = Mirror::new();
    m.server
        .fault(KEV_PATH, &[Fault::StallAfter(100, Duration::from_secs(10))]);
    let cfg = config(
        &env,
        "[sync]\nconnect_timeout = 2\ntimeout = 1\nretries = 0\n",
    );
    let url = m.server.url();
    let (out, took) = sync_bounded(
        &env,
        &["--config", &cfg, "sync", "--mirror", &url, "kev"],
        Duration::from_secs(30),
    );
    let text = shown(&env, &out, m.server.port);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("the download stalled: no byte for 1 s (sync.timeout) after 100 bytes"),
        "{text}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(temp_files(&env), Vec::<String>::new());
}

#[test]
fn sigint_and_sigterm_remove_the_download_in_progress() {
    let env = Env::init();
    let cfg = config(
        &env,
        "[sync]\nconnect_timeout = 2\ntimeout = 5\nretries = 0\n",
    );
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let m = Mirror::new();
        let mut child = trickling_sync(&env, &cfg, &m);
        let name = download_started(&env, &mut child);
        assert_eq!(temp_files(&env), std::slice::from_ref(&name));
        // SAFETY: a signal to our own child, still running (not yet waited for).
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        wait_bounded(&mut child, Duration::from_secs(10));
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", render(&env, &out));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: interrupted; sync stopped and its downloads were removed, \
             sources not yet imported keep the catalogue held before\n"
        );
        assert_eq!(
            temp_files(&env),
            Vec::<String>::new(),
            "after signal {signal}"
        );
    }
    // Nothing was imported, and the database is whole.
    let kev: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM kev", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kev, 0);
}

#[test]
fn what_kill_9_leaves_is_swept_by_the_next_sync() {
    let env = Env::init();
    let cfg = config(
        &env,
        "[sync]\nconnect_timeout = 2\ntimeout = 5\nretries = 0\n",
    );
    let m = Mirror::new();
    let mut child = trickling_sync(&env, &cfg, &m);
    let name = download_started(&env, &mut child);
    // Let a few bytes arrive, then kill -9: nothing can clean up.
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    let _ = child.wait();
    let tmp = feeds(&env).join(".tmp");
    let left = tmp.join(&name);
    let bytes = std::fs::metadata(&left)
        .expect("kill -9 leaves the temp file")
        .len();
    // Not ours: another name, and (as root) our name but another owner.
    std::fs::write(tmp.join("notes.txt"), b"keep me").unwrap();
    let foreign = tmp.join("download-foreign.part");
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::fs::write(&foreign, b"not mine").unwrap();
        std::os::unix::fs::lchown(&foreign, Some(65534), Some(65534)).unwrap();
    } else {
        eprintln!("not root: the file owned by another uid is not checked");
    }

    let url = m.server.url();
    let out = env.run(&["--config", &cfg, "sync", "--mirror", &url, "kev"]);
    let text = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let notice = format!(
        "swept 1 temp file ({bytes} bytes) left in [HOME]/.local/share/patchcycle/patchcycle.db.feeds/.tmp by an interrupted sync\n"
    );
    assert!(text.contains(&notice), "{text}");
    let mut expected = vec!["notes.txt".to_string()];
    if root {
        expected.insert(0, "download-foreign.part".into());
    }
    assert_eq!(temp_files(&env), expected);

    // Nothing left to sweep: no notice the next time.
    let out = env.run(&["--config", &cfg, "sync", "--mirror", &url, "kev"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("swept"),
        "{}",
        render(&env, &out)
    );
}

#[test]
fn the_feeds_directory_is_private_whatever_the_umask() {
    let env = Env::init();
    let mut cmd = env.cmd(&[
        "sync",
        "--from",
        data().to_str().unwrap(),
        "kev",
        "osv:AlmaLinux",
    ]);
    // SAFETY: umask(2) is async-signal-safe and cannot fail.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let root = feeds(&env);
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    let mut seen = 0;
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                assert_eq!(mode(&p), 0o600, "{}", p.display());
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 2, "kev and the AlmaLinux zip are kept");

    // A directory an older version made under umask 000 is narrowed by the next sync.
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o777)).unwrap();
    env.ok(&["sync", "--from", data().to_str().unwrap(), "kev"]);
    assert_eq!(mode(&root), 0o700);
}

#[test]
fn a_password_in_the_mirror_url_is_never_stored_nor_printed() {
    let env = Env::init();
    let m = Mirror::new();
    let secret = "s3cret-Pw";
    let url = format!("http://reader:{secret}@127.0.0.1:{}/", m.server.port);
    let cfg = config(
        &env,
        &format!("[sync]\nconnect_timeout = 2\ntimeout = 2\nretries = 0\nmirror = \"{url}\"\n"),
    );
    let mut printed = String::new();
    let out = env.run(&["--config", &cfg, "sync", "kev"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    printed.push_str(&render(&env, &out));
    // The credentials still reach the server, as HTTP Basic authentication.
    let auth = m.server.log()[0].authorization.clone();
    assert_eq!(auth.as_deref(), Some("Basic cmVhZGVyOnMzY3JldC1Qdw=="));

    // A failure names the URL, masked.
    let out = env.run(&["--config", &cfg, "sync", "osv:AlmaLinux"]);
    let text = shown(&env, &out, m.server.port);
    assert_snapshot!("password_in_mirror_url_failure", text);
    printed.push_str(&text);
    // So do the status, in both forms, and -v.
    for args in [
        &["--config", &cfg, "sync", "--status"][..],
        &["--config", &cfg, "sync", "--status", "--format", "json"],
        &["--config", &cfg, "-v", "sync", "kev"],
        &[
            "--config",
            &cfg,
            "sync",
            "--mirror",
            "ftp://reader:s3cret-Pw@host/",
        ],
    ] {
        let out = env.run(args);
        printed.push_str(&render(&env, &out));
    }
    let status = env.ok(&["--config", &cfg, "sync", "--status", "--format", "json"]);
    assert!(
        status.contains(&format!(
            "\"url\": \"http://reader:***@127.0.0.1:{}/kev/known_exploited_vulnerabilities.json\"",
            m.server.port
        )),
        "{status}"
    );
    assert!(!printed.contains(secret), "{printed}");
    assert!(printed.contains("reader:***@"), "{printed}");
    // Nor is it anywhere in the database's files (sources, audit, journal).
    let mut stored = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = env.db().into_os_string();
        p.push(suffix);
        if let Ok(b) = std::fs::read(PathBuf::from(p)) {
            stored.extend(b);
        }
    }
    assert!(!stored.is_empty());
    assert!(
        !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the password is in the database"
    );
}

/// `sync --status` reads the config and contacts nothing, whatever the config says.
#[test]
fn sync_numbers_out_of_range_are_refused_at_load() {
    let env = Env::init();
    let timeout = config(&env, "[sync]\ntimeout = 0\n");
    assert_snapshot!(
        "sync_timeout_zero",
        env.snap(&["--config", &timeout, "sync", "--status"])
    );
    let retries = env.file("retries.toml", "[sync]\nretries = 4000000000\n");
    assert_snapshot!(
        "sync_retries_huge",
        env.snap(&["--config", retries.to_str().unwrap(), "sync", "--status"])
    );
    let cap = env.file("cap.toml", "[sync.max_mib]\nkev = 100\n");
    assert_snapshot!(
        "sync_kev_cap_over_its_bound",
        env.snap(&["--config", cap.to_str().unwrap(), "sync", "--status"])
    );
}
