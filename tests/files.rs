//! Hostile files (issue #18, items 3, 6 and 7): outputs that do not follow a symlink
//! planted by another user, a database that must be patchcycle's own and the user's, and
//! inputs read only up to a cap.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::cli::{Env, render};
use insta::assert_snapshot;

/// The second uid of these tests: `nobody`.
const NOBODY: u32 = 65534;

/// How long a run that reads from an endless file may take before the test fails.
const READ_LIMIT: Duration = Duration::from_secs(30);

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs with a deadline: a run that hangs (reading /dev/zero to the end) is killed and
/// fails the test instead of hanging it.
fn run_within(env: &Env, args: &[&str], limit: Duration) -> Output {
    let mut child = env
        .cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

/// A directory like /tmp: mode 1777.
fn sticky_dir(env: &Env) -> std::path::PathBuf {
    let dir = env.home().join("shared");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    dir
}

/// A file only root may read, and the link another user planted to it in a sticky
/// directory.
fn planted_link(env: &Env, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let secret = env.home().join(format!("{name}.secret"));
    std::fs::write(&secret, b"root's own bytes\n").expect("write");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let dir = env.home().join("shared");
    if !dir.exists() {
        sticky_dir(env);
    }
    let link = dir.join(name);
    std::os::unix::fs::symlink(&secret, &link).expect("symlink");
    std::os::unix::fs::lchown(&link, Some(NOBODY), Some(NOBODY)).expect("lchown");
    (secret, link)
}

/// Item 3: as root, `report -o` and `audit export -o` to a link that `nobody` planted in
/// a sticky directory are refused; the file it points at keeps its bytes and mode.
#[test]
fn an_output_link_planted_by_another_user_is_not_followed() {
    if !is_root() {
        eprintln!("skipped: needs root to lchown a symlink to another uid");
        return;
    }
    let env = Env::init();
    let (secret, link) = planted_link(&env, "report.json");
    assert_snapshot!(
        "planted_link_report",
        env.snap(&["report", "--format", "json", "-o", link.to_str().unwrap()])
    );
    assert_eq!(std::fs::read(&secret).unwrap(), b"root's own bytes\n");
    assert_eq!(mode(&secret), 0o600);
    assert!(link.is_symlink());

    let (secret, link) = planted_link(&env, "audit.csv");
    assert_snapshot!(
        "planted_link_audit_export",
        env.snap(&[
            "audit",
            "export",
            "--format",
            "csv",
            "-o",
            link.to_str().unwrap()
        ])
    );
    assert_eq!(std::fs::read(&secret).unwrap(), b"root's own bytes\n");
    assert_eq!(mode(&secret), 0o600);

    // A chain: a link of root's own to the planted one is refused at the planted link.
    let own = env.home().join("shared/mine.json");
    std::os::unix::fs::symlink(&link, &own).expect("symlink");
    assert_snapshot!(
        "planted_link_in_a_chain",
        env.snap(&["report", "-o", own.to_str().unwrap()])
    );
    assert_eq!(std::fs::read(&secret).unwrap(), b"root's own bytes\n");
}

/// What still works: a link of your own in the sticky directory is followed (the file it
/// names is replaced, keeping its 0600), a new file is 0644 less the umask, and a plain
/// file left there by another user is replaced by yours, not written through.
#[test]
fn own_links_and_new_files_in_a_shared_directory_work() {
    if !is_root() {
        eprintln!("skipped: needs root to chown files to another uid");
        return;
    }
    let env = Env::init();
    let dir = sticky_dir(&env);
    let target = env.home().join("mine.json");
    std::fs::write(&target, b"old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("mine.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.ok(&["report", "--format", "json", "-o", link.to_str().unwrap()]);
    assert!(link.is_symlink());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("patchcycle-report")
    );
    assert_eq!(mode(&target), 0o600);

    let new = dir.join("new.json");
    env.ok(&["report", "--format", "json", "-o", new.to_str().unwrap()]);
    // Env runs with the test process's umask (022 in CI and here).
    let umask = umask();
    assert_eq!(mode(&new), 0o644 & !umask);

    let theirs = dir.join("theirs.json");
    std::fs::write(&theirs, b"nobody's").unwrap();
    std::os::unix::fs::lchown(&theirs, Some(NOBODY), Some(NOBODY)).unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o666)).unwrap();
    env.ok(&["report", "--format", "json", "-o", theirs.to_str().unwrap()]);
    let meta = std::fs::metadata(&theirs).unwrap();
    assert_eq!(meta.uid(), 0, "replaced by root's own file");
    assert_eq!(meta.mode() & 0o777, 0o644 & !umask);
}

/// The umask of this process (read without changing it).
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .expect("Umask line");
    u32::from_str_radix(line.trim(), 8).expect("octal")
}

/// Item 7: `--config /dev/zero` is refused after 1 MiB instead of filling the memory.
#[test]
fn an_endless_config_is_refused_at_its_cap() {
    let env = Env::init();
    let out = run_within(&env, &["--config", "/dev/zero", "host", "list"], READ_LIMIT);
    assert_snapshot!("endless_config", render(&env, &out));
}

/// Item 7: `scan --import /dev/zero` stops at 64 MiB instead of reading it all first.
#[test]
fn an_endless_scan_import_is_refused_at_its_cap() {
    let env = Env::init();
    env.ok(&["host", "add", "web1"]);
    let out = run_within(
        &env,
        &["scan", "--import", "/dev/zero", "--host", "web1"],
        READ_LIMIT,
    );
    assert_snapshot!("endless_scan_import", render(&env, &out));
}

/// Item 7: `group add --policy-file /dev/zero` and `host import /dev/zero` likewise.
#[test]
fn endless_policy_and_inventory_files_are_refused() {
    let env = Env::init();
    let out = run_within(
        &env,
        &[
            "group",
            "add",
            "pilot",
            "--order",
            "0",
            "--policy-file",
            "/dev/zero",
        ],
        READ_LIMIT,
    );
    assert_snapshot!("endless_policy_file", render(&env, &out));
    let out = run_within(&env, &["host", "import", "/dev/zero"], READ_LIMIT);
    assert_snapshot!("endless_inventory", render(&env, &out));
}
