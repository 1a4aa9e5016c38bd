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
    run_with_stdin_within(env, args, Stdio::null(), limit)
}

fn run_with_stdin_within(env: &Env, args: &[&str], stdin: Stdio, limit: Duration) -> Output {
    let mut child = env
        .cmd(args)
        .stdin(stdin)
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

/// Item 7: `vercmp --stdin` streams, but one line is bounded: `< /dev/zero` (a line
/// without end) is refused at 64 KiB instead of growing one buffer without bound.
#[test]
fn an_endless_vercmp_line_is_refused() {
    let env = Env::new();
    let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let out = run_with_stdin_within(
        &env,
        &["vercmp", "deb", "--stdin"],
        Stdio::from(zero),
        READ_LIMIT,
    );
    assert_snapshot!("endless_vercmp_line", render(&env, &out));
}

/// Another application's SQLite file, made in its own directory: a table of its own, a
/// schema version, and optionally an application_id of its own.
fn foreign_db(env: &Env, name: &str, application_id: Option<i32>) -> std::path::PathBuf {
    let dir = env.home().join(name);
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("other-app.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me'); PRAGMA user_version = 3;")
        .unwrap();
    if let Some(id) = application_id {
        conn.pragma_update(None, "application_id", id).unwrap();
    }
    drop(conn);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    n.sort();
    n
}

/// Item 6: another application's SQLite file is refused by a read-only command and by
/// `init`, and left byte for byte as it was (no table added, no WAL switched on).
#[test]
fn a_foreign_sqlite_file_is_refused_and_left_as_it_was() {
    let env = Env::init();
    for (case, application_id) in [
        ("foreign_tables", None),
        ("foreign_application_id", Some(0x1234)),
    ] {
        let db = foreign_db(&env, case, application_id);
        let before = std::fs::read(&db).unwrap();
        let db_arg = db.to_str().unwrap();
        assert_snapshot!(case, env.snap(&["--db", db_arg, "host", "list"]));
        let out = env.run(&["--db", db_arg, "init"]);
        assert_eq!(out.status.code(), Some(2), "{}", render(&env, &out));
        assert_eq!(std::fs::read(&db).unwrap(), before, "{case}: bytes changed");
        assert_eq!(names(db.parent().unwrap()), ["other-app.db"], "{case}");
    }
}

/// Item 6: a database writable by group or others is refused, whoever owns it; 0644
/// (readable) is not refused, and `init` still tightens it to 0600.
#[test]
fn a_database_writable_by_others_is_refused() {
    let env = Env::init();
    let before = std::fs::read(env.db()).unwrap();
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o666)).unwrap();
    assert_snapshot!("db_mode_0666", env.snap(&["host", "list"]));
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o660)).unwrap();
    assert_snapshot!("db_mode_0660_init", env.snap(&["init"]));
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    assert_eq!(mode(&env.db()), 0o660, "a refused file keeps its mode");
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    env.ok(&["host", "list"]);
}

/// Item 6: as root, a database owned by `nobody` (mode 0600) is refused, and so is one
/// whose WAL file another user owns.
#[test]
fn a_database_owned_by_another_user_is_refused() {
    if !is_root() {
        eprintln!("skipped: needs root to chown the database to another uid");
        return;
    }
    let env = Env::init();
    std::os::unix::fs::chown(env.db(), Some(NOBODY), Some(NOBODY)).unwrap();
    let before = std::fs::read(env.db()).unwrap();
    assert_snapshot!("db_owned_by_nobody", env.snap(&["host", "list"]));
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    std::os::unix::fs::chown(env.db(), Some(0), Some(0)).unwrap();
    env.ok(&["host", "list"]);

    let mut wal = env.db().into_os_string();
    wal.push("-wal");
    std::fs::write(&wal, b"").unwrap();
    std::os::unix::fs::chown(&wal, Some(NOBODY), Some(NOBODY)).unwrap();
    assert_snapshot!("db_wal_owned_by_nobody", env.snap(&["host", "list"]));
}

/// Item 6: an empty (0-byte) file is adopted by `init` only (it becomes a database,
/// audited as created); every other command refuses it without writing to it.
#[test]
fn an_empty_file_is_adopted_by_init_only() {
    let env = Env::init();
    let empty = env.home().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o600)).unwrap();
    let arg = empty.to_str().unwrap();
    assert_snapshot!(
        "empty_db_host_list",
        env.snap(&["--db", arg, "host", "list"])
    );
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    assert_snapshot!("empty_db_init", env.snap(&["--db", arg, "init"]));
    let audit = env.ok(&["--db", arg, "--format", "json", "audit", "list"]);
    assert!(audit.contains("db.init"), "{audit}");
}

/// Item 6: a patchcycle database made before the application_id existed is recognised
/// by its schema and stamped on its next open, its data kept.
#[test]
fn an_unstamped_patchcycle_database_is_stamped() {
    let env = Env::init();
    env.ok(&["host", "add", "web1"]);
    env.sqlite()
        .pragma_update(None, "application_id", 0)
        .unwrap();
    let hosts = env.ok(&["host", "list"]);
    assert!(hosts.contains("web1"), "{hosts}");
    let id: i32 = env
        .sqlite()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, patchcycle::db::APPLICATION_ID);
}

/// Item 3: `sync --export DIR` into a shared directory follows neither a file link nor a
/// directory link another user planted there; a link-free export still works.
#[test]
fn an_export_does_not_follow_planted_links() {
    if !is_root() {
        eprintln!("skipped: needs root to lchown a symlink to another uid");
        return;
    }
    let env = Env::init();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared");
    env.ok(&["-q", "sync", "--from", data.to_str().unwrap(), "kev"]);
    let export = sticky_dir(&env);
    let arg = export.to_str().unwrap();

    // A directory link: kev/ -> a directory of root's.
    let private = env.home().join("private");
    std::fs::create_dir(&private).unwrap();
    let kev = export.join("kev");
    std::os::unix::fs::symlink(&private, &kev).unwrap();
    std::os::unix::fs::lchown(&kev, Some(NOBODY), Some(NOBODY)).unwrap();
    assert_snapshot!("planted_export_dir", env.snap(&["sync", "--export", arg]));
    assert!(
        names(&private).is_empty(),
        "nothing written through the link"
    );
    std::fs::remove_file(&kev).unwrap();

    // A file link: kev/known_exploited_vulnerabilities.json -> a file of root's.
    std::fs::create_dir(&kev).unwrap();
    std::fs::set_permissions(&kev, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let secret = env.home().join("secret");
    std::fs::write(&secret, b"root's own bytes\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let file = kev.join("known_exploited_vulnerabilities.json");
    std::os::unix::fs::symlink(&secret, &file).unwrap();
    std::os::unix::fs::lchown(&file, Some(NOBODY), Some(NOBODY)).unwrap();
    let out = env.run(&["sync", "--export", arg]);
    assert_eq!(out.status.code(), Some(2), "{}", render(&env, &out));
    assert_eq!(std::fs::read(&secret).unwrap(), b"root's own bytes\n");
    assert_eq!(mode(&secret), 0o600);
    std::fs::remove_file(&file).unwrap();

    env.ok(&["-q", "sync", "--export", arg]);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(data.join("kev/known_exploited_vulnerabilities.json")).unwrap()
    );
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o666) }, 0, "mkfifo");
}

/// Item 3: a FIFO another user made in a sticky directory is not written to (it would
/// read the report), as `fs.protected_fifos` has it; a FIFO of your own there, and
/// `/dev/stdout` on a pipe, still get the document.
#[test]
fn a_planted_fifo_gets_nothing_and_own_fifos_work() {
    if !is_root() {
        eprintln!("skipped: needs root to chown a FIFO to another uid");
        return;
    }
    let env = Env::init();
    let dir = sticky_dir(&env);
    let theirs = dir.join("theirs.json");
    mkfifo(&theirs);
    std::os::unix::fs::lchown(&theirs, Some(NOBODY), Some(NOBODY)).unwrap();
    // Refused before any open: a run that opened the FIFO would block without a reader.
    let out = run_within(
        &env,
        &["report", "-o", theirs.to_str().unwrap()],
        READ_LIMIT,
    );
    assert_snapshot!("planted_fifo", render(&env, &out));

    let mine = dir.join("mine.json");
    mkfifo(&mine);
    let reader = {
        let mine = mine.clone();
        std::thread::spawn(move || std::fs::read_to_string(mine).unwrap())
    };
    let out = run_within(
        &env,
        &["report", "--format", "json", "-o", mine.to_str().unwrap()],
        READ_LIMIT,
    );
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(reader.join().unwrap().contains("patchcycle-report"));

    let out = run_within(
        &env,
        &["report", "--format", "json", "-o", "/dev/stdout"],
        READ_LIMIT,
    );
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("patchcycle-report"));
}
