//! Incremental scans without the fleet lab: a dpkg root built at test time by the real
//! tools (dpkg-deb, dpkg --root), scanned with the real collector (`scan --local
//! --root`). Each kind of change forces a full collection; an unchanged root answers
//! `unchanged` and its scan holds the same facts and findings as a full one; a wrong
//! stored fingerprint never hides a change.

mod common;

use common::cli::{Env, NOW, redact_timings, render};
use common::dpkgdb::{Deb, DpkgRoot};
use insta::assert_snapshot;
use serde_json::Value;

const BOOKWORM: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n";

/// Two synthetic OSV records in Debian's shape (source packages, Debian:12), synced from
/// a local mirror under `dir`.
fn sync_debian(env: &Env, dir: &std::path::Path, fixes: &[(&str, &str, &str)]) {
    use std::io::Write;
    let d = dir.join("osv-mirror/Debian");
    std::fs::create_dir_all(&d).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("all.zip")).unwrap());
    for (id, source, fixed) in fixes {
        let record = serde_json::json!({"id": id, "modified": "2026-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Debian:12", "name": source},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]});
        zip.start_file(
            format!("{id}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(record.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let out = env.run(&["sync", "--from", dir.to_str().unwrap(), "osv:Debian"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
}

/// The catalogue most tests scan against: fixes for foo-src and bar (synced from a
/// mirror in the returned directory, which later syncs may rewrite).
fn two_fixes(env: &Env) -> tempfile::TempDir {
    let cat = tempfile::tempdir().unwrap();
    sync_debian(
        env,
        cat.path(),
        &[
            ("DEBIAN-CVE-2099-0101", "foo-src", "1.1-1"),
            ("DEBIAN-CVE-2099-0202", "bar", "2.1-1"),
        ],
    );
    cat
}

/// The catalogue of [`two_fixes`] with a third record, a kernel fix: a sync that
/// changes what the hosts' findings are.
fn add_kernel_fix(env: &Env, cat: &tempfile::TempDir) {
    sync_debian(
        env,
        cat.path(),
        &[
            ("DEBIAN-CVE-2099-0101", "foo-src", "1.1-1"),
            ("DEBIAN-CVE-2099-0202", "bar", "2.1-1"),
            ("DEBIAN-CVE-2099-0303", "linux", "6.1.66-1"),
        ],
    );
}

/// A Debian root with a vulnerable library (source `foo-src`), apt lists and a kernel.
fn debian_root(dir: &std::path::Path) -> DpkgRoot {
    let root = DpkgRoot::new(dir, BOOKWORM);
    root.install(&[
        Deb::new("libfoo1", "1.0-1", "amd64").source("foo-src"),
        Deb::new("bar", "2.0-1", "amd64"),
        Deb::new("linux-image-6.1.0-13-amd64", "6.1.55-1", "amd64")
            .source("linux")
            .file("boot/vmlinuz-6.1.0-13-amd64", "kernel")
            .file("lib/modules/6.1.0-13-amd64/modules.dep", ""),
    ]);
    let lists = root.root.join("var/lib/apt/lists");
    std::fs::create_dir_all(lists.join("partial")).unwrap();
    std::fs::write(
        lists.join("deb.debian.org_debian_dists_bookworm_InRelease"),
        "Origin: Debian\n",
    )
    .unwrap();
    root
}

/// One scan of the root as host `host`: its JSON summary, and its `-v` line about the
/// collection (timings redacted).
fn scan(env: &Env, root: &DpkgRoot, host: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec![
        "-v",
        "--format",
        "json",
        "scan",
        "--local",
        "--root",
        root.root_str(),
        "--host",
        host,
    ];
    args.extend_from_slice(extra);
    scan_with(env, env.cmd(&args))
}

fn scan_with(env: &Env, mut cmd: std::process::Command) -> (Value, String) {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains(": collected ") || l.contains(": unchanged"))
        .unwrap_or_else(|| panic!("no collection line in {stderr}"))
        .to_string();
    (v[0].clone(), redact_timings(&line))
}

/// The findings rows of a scan, without its id: what `findings --new` compares.
fn findings_of(env: &Env, scan_id: i64) -> Vec<Vec<String>> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT * FROM findings WHERE scan_id = (SELECT coalesce(findings_scan, id) FROM scans WHERE id = ?1) \
             ORDER BY package, installed, advisories",
        )
        .unwrap();
    let n = stmt.column_count();
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    stmt.query_map([scan_id], |r| {
        Ok((0..n)
            .filter(|&i| names[i] != "scan_id")
            .map(|i| format!("{}={:?}", names[i], r.get_ref(i).unwrap()))
            .collect::<Vec<String>>())
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The host's latest scan: (id, collection, fingerprint).
fn latest(env: &Env, host: &str) -> (i64, Option<String>, Option<String>) {
    env.sqlite()
        .query_row(
            "SELECT s.id, s.collection, s.fingerprint FROM scans s JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 ORDER BY s.id DESC LIMIT 1",
            [host],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// The installed rows of the host's latest good scan (an unchanged scan's are its full
/// scan's, `scans.facts_scan`).
fn installed(env: &Env, host: &str) -> Vec<(String, String)> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT i.name, i.version FROM installed i WHERE i.scan_id = \
             (SELECT coalesce(s.facts_scan, s.id) FROM scans s JOIN hosts h ON h.id = s.host_id \
              WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1) \
             ORDER BY i.name",
        )
        .unwrap();
    stmt.query_map([host], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// An unchanged root answers `unchanged`: the scan is recorded with the facts of the
/// last full one, matched again (the same findings rows as a full collection of the same
/// state), and `-v` says which it was and why.
#[test]
fn an_unchanged_host_gives_the_findings_of_a_full_scan() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    let cat = two_fixes(&env);
    let mut shown = Vec::new();

    let (first, line) = scan(&env, &root, "d1", &[]);
    shown.push(line);
    assert_eq!(first["collection"], "full", "{first}");
    let (full_id, _, fp) = latest(&env, "d1");
    let fp = fp.expect("a full scan of a dpkg root stores a fingerprint");
    assert_eq!(fp.len(), 64, "sha256: {fp}");
    let full_findings = findings_of(&env, full_id);
    assert_eq!(full_findings.len(), 2, "{full_findings:?}");
    let full_installed = installed(&env, "d1");

    let (second, line) = scan(&env, &root, "d1", &[]);
    shown.push(line);
    assert_eq!(second["collection"], "unchanged", "{second}");
    let (unchanged_id, collection, unchanged_fp) = latest(&env, "d1");
    assert!(unchanged_id > full_id);
    assert_eq!(collection.as_deref(), Some("unchanged"));
    assert_eq!(unchanged_fp.as_deref(), Some(fp.as_str()));
    assert_eq!(findings_of(&env, unchanged_id), full_findings);
    assert_eq!(installed(&env, "d1"), full_installed);
    // The summary is the full scan's, field by field, but for how it was collected.
    for key in [
        "status",
        "ecosystem",
        "packages",
        "pending",
        "findings",
        "kernel_running",
        "kernel_latest",
        "reboot_required",
    ] {
        assert_eq!(second[key], first[key], "{key}");
    }

    // The catalogue changes: an unchanged host is matched against the new one.
    add_kernel_fix(&env, &cat);
    let (third, line) = scan(&env, &root, "d1", &[]);
    shown.push(line);
    assert_eq!(third["collection"], "unchanged", "{third}");
    let (unchanged_id, _, _) = latest(&env, "d1");
    let rematched = findings_of(&env, unchanged_id);

    // `--full` of the same state: the same rows.
    let (forced, line) = scan(&env, &root, "d1", &["--full"]);
    shown.push(line);
    assert_eq!(forced["collection"], "full", "{forced}");
    let (forced_id, _, forced_fp) = latest(&env, "d1");
    assert_eq!(forced_fp.as_deref(), Some(fp.as_str()));
    assert_eq!(findings_of(&env, forced_id), rematched);
    assert_eq!(installed(&env, "d1"), full_installed);
    assert_eq!(rematched.len(), 3, "the kernel's finding: {rematched:?}");

    let shown = shown.join("\n").replace(root.root_str(), "[ROOT]");
    assert_snapshot!("unchanged_and_full", shown);
}

/// Each kind of change to what the collector reads forces a full collection, whose facts
/// show the change; the scan after it is unchanged again.
#[test]
fn each_kind_of_change_forces_a_full_collection() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    let r = root.root.clone();
    scan(&env, &root, "d2", &[]);
    let (again, _) = scan(&env, &root, "d2", &[]);
    assert_eq!(again["collection"], "unchanged", "{again}");

    type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let changes: Vec<Change> = vec![
        (
            "a package installed",
            Box::new(|| root.install(&[Deb::new("baz", "1.0-1", "amd64")])),
        ),
        (
            "a package upgraded",
            Box::new(|| root.install(&[Deb::new("bar", "2.1-1", "amd64")])),
        ),
        (
            "apt lists updated (a list file's mtime)",
            Box::new(|| {
                let f = r.join("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease");
                let t = std::fs::File::options().write(true).open(&f).unwrap();
                t.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
                    .unwrap();
            }),
        ),
        (
            "apt lists updated (a new list)",
            Box::new(|| {
                std::fs::write(
                    r.join("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"),
                    "Package: bar\nVersion: 2.2-1\n",
                )
                .unwrap()
            }),
        ),
        (
            "a kernel installed by dpkg",
            Box::new(|| {
                root.install(
                    &[Deb::new("linux-image-6.1.0-15-amd64", "6.1.66-1", "amd64")
                        .file("boot/vmlinuz-6.1.0-15-amd64", "kernel")
                        .file("lib/modules/6.1.0-15-amd64/modules.dep", "")],
                )
            }),
        ),
        (
            "a kernel copied to /boot by hand",
            Box::new(|| std::fs::write(r.join("boot/vmlinuz-6.1.0-99-amd64"), "k").unwrap()),
        ),
        (
            "modules of a kernel",
            Box::new(|| std::fs::create_dir_all(r.join("lib/modules/6.1.0-99-amd64")).unwrap()),
        ),
        (
            "the reboot-required flag set",
            Box::new(|| {
                std::fs::create_dir_all(r.join("var/run")).unwrap();
                std::fs::write(
                    r.join("var/run/reboot-required"),
                    "*** System restart required ***\n",
                )
                .unwrap()
            }),
        ),
        (
            "the packages asking for the reboot",
            Box::new(|| {
                std::fs::write(
                    r.join("var/run/reboot-required.pkgs"),
                    "linux-image-6.1.0-15-amd64\n",
                )
                .unwrap()
            }),
        ),
        (
            "an apt source added",
            Box::new(|| {
                std::fs::create_dir_all(r.join("etc/apt/sources.list.d")).unwrap();
                std::fs::write(
                    r.join("etc/apt/sources.list.d/backports.list"),
                    "deb http://deb.debian.org/debian bookworm-backports main\n",
                )
                .unwrap()
            }),
        ),
        (
            "os-release rewritten in place, same size and mtime",
            Box::new(|| {
                let f = r.join("etc/os-release");
                let before = std::fs::metadata(&f).unwrap().modified().unwrap();
                let text = std::fs::read_to_string(&f)
                    .unwrap()
                    .replace("bookworm", "bookwork");
                std::fs::write(&f, text).unwrap();
                std::fs::File::options()
                    .write(true)
                    .open(&f)
                    .unwrap()
                    .set_modified(before)
                    .unwrap();
            }),
        ),
    ];
    for (what, change) in &changes {
        let (_, _, before) = latest(&env, "d2");
        change();
        let (s, line) = scan(&env, &root, "d2", &[]);
        assert_eq!(s["collection"], "full", "{what}: {s}");
        assert!(
            line.ends_with("(full: package state changed)"),
            "{what}: {line}"
        );
        let (_, _, after) = latest(&env, "d2");
        assert_ne!(after, before, "{what}");
        let (s, _) = scan(&env, &root, "d2", &[]);
        assert_eq!(s["collection"], "unchanged", "{what}: {s}");
    }
    // The full collections saw each change.
    let names: Vec<String> = installed(&env, "d2").into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"baz".to_string()), "{names:?}");
    assert!(installed(&env, "d2").contains(&("bar".into(), "2.1-1".into())));
    let host: Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "d2"])).unwrap();
    assert_eq!(host["reboot_required"], true, "{host}");
    assert_eq!(host["kernel_latest"], "6.1.0-99-amd64", "{host}");
}

/// What the controller sends is only compared by the host with what it computes: a
/// corrupted stored fingerprint (another digest, not hex, another collector's) makes the
/// host collect in full, never answer unchanged for a state it is not in.
#[test]
fn a_wrong_stored_fingerprint_never_hides_a_change() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    scan(&env, &root, "d3", &[]);
    let set = |column: &str, value: &str| {
        env.sqlite()
            .execute(
                &format!("UPDATE scans SET {column} = ?1 WHERE id = (SELECT max(id) FROM scans)"),
                [value],
            )
            .unwrap();
    };
    // The root changes, and the stored fingerprint is overwritten with another one.
    root.install(&[Deb::new("baz", "1.0-1", "amd64")]);
    set("fingerprint", &"0".repeat(64));
    let (s, line) = scan(&env, &root, "d3", &[]);
    assert_eq!(s["collection"], "full", "{s}");
    assert!(line.ends_with("(full: package state changed)"), "{line}");
    assert!(installed(&env, "d3").iter().any(|(n, _)| n == "baz"));
    // Not hex: never sent.
    set("fingerprint", "'; touch /tmp/pwned; '");
    let (s, line) = scan(&env, &root, "d3", &[]);
    assert_eq!(s["collection"], "full", "{s}");
    assert!(line.ends_with("(full: no fingerprint stored)"), "{line}");
    // Another collector's: never sent.
    set("collector", &"0".repeat(32));
    let (s, line) = scan(&env, &root, "d3", &[]);
    assert_eq!(s["collection"], "full", "{s}");
    assert!(line.ends_with("(full: the collector changed)"), "{line}");
    let (s, _) = scan(&env, &root, "d3", &[]);
    assert_eq!(s["collection"], "unchanged", "{s}");
}

/// Saved output is a full collection: an `unchanged` answer in it was asked by no one,
/// so it fails the scan (its facts are not reused), whether it names the host's last
/// fingerprint or another, and so does one with other sections beside it.
#[test]
fn an_unchanged_answer_for_another_scan_is_refused() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    scan(&env, &root, "d4", &[]);
    let (_, _, fp) = latest(&env, "d4");
    let fp = fp.unwrap();
    let collector: String = env
        .sqlite()
        .query_row(
            "SELECT collector FROM scans ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let t = "00112233445566778899aabbccddeeff";
    let answer = |fp: &str, more: &str| {
        format!(
            "@@PC {t} BEGIN 1\n@@PC {t} os-release\n{BOOKWORM}@@PC {t} fingerprint\n{fp}\ncollector {collector}\n\
             @@PC {t} unchanged\n{fp}\n{more}@@PC {t} END\n"
        )
    };
    let other = "1".repeat(64);
    let mut shown = String::new();
    for (name, text) in [
        ("other.out", answer(&other, "")),
        (
            "extra.out",
            answer(
                &fp,
                &format!("@@PC {t} dpkg\nbash\t5.2\tbash\t5.2\tii \tamd64\n"),
            ),
        ),
    ] {
        let file = env.file(name, &text);
        shown.push_str(&env.snap(&["scan", "--import", file.to_str().unwrap(), "--host", "d4"]));
        let (_, collection, _) = latest(&env, "d4");
        assert_eq!(collection, None, "a failed scan");
    }
    assert_snapshot!("unchanged_refused", shown);
    // After the failed scans, the next collection is full.
    let (s, line) = scan(&env, &root, "d4", &[]);
    assert_eq!(s["collection"], "full", "{s}");
    assert!(line.ends_with("(full: the last scan failed)"), "{line}");
}

/// `[scan] full_every`: a host whose last full collection is older collects in full
/// again, whatever its fingerprint; the value is bounded like other durations.
#[test]
fn full_every_bounds_how_long_facts_are_reused() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    let config = std::fs::read_to_string(env.config()).unwrap();
    assert!(
        config.contains("\n[scan]\nfull_every = \"24h\"\n"),
        "{config}"
    );
    std::fs::write(
        env.config(),
        config.replace("full_every = \"24h\"", "full_every = \"1h\""),
    )
    .unwrap();
    scan(&env, &root, "d5", &[]);
    let at = |now: &str| {
        let mut cmd = env.cmd(&[
            "-v",
            "--format",
            "json",
            "scan",
            "--local",
            "--root",
            root.root_str(),
            "--host",
            "d5",
        ]);
        cmd.env("PATCHCYCLE_NOW", now);
        scan_with(&env, cmd)
    };
    assert_eq!(NOW, "2026-11-10T09:00:00Z");
    let (s, line) = at("2026-11-10T09:59:00Z");
    assert_eq!(s["collection"], "unchanged", "{s}");
    assert!(
        line.contains("since the full scan of 2026-11-10T09:00:00Z"),
        "{line}"
    );
    let (s, line) = at("2026-11-10T10:00:01Z");
    assert_eq!(s["collection"], "full", "{s}");
    assert!(
        line.ends_with("(full: the last full scan is older than [scan] full_every)"),
        "{line}"
    );
    // The age counts from that full collection.
    let (s, _) = at("2026-11-10T10:59:00Z");
    assert_eq!(s["collection"], "unchanged", "{s}");

    let mut shown = String::new();
    for bad in ["0s", "367d", "soon"] {
        std::fs::write(
            env.config(),
            config.replace("full_every = \"24h\"", &format!("full_every = \"{bad}\"")),
        )
        .unwrap();
        shown.push_str(&env.snap(&["scan", "--local", "--root", root.root_str(), "--host", "d5"]));
    }
    assert_snapshot!("full_every_bounds", shown);
}

/// What changes without the package state: a new boot id and another running kernel
/// force a full collection. The host is this machine, reached through an `ssh` stand-in
/// that runs the script's `sh -s` in a private mount namespace where the boot id and
/// /proc/version are files the test writes (bind-mounted over the kernel's).
#[test]
fn a_new_boot_or_running_kernel_forces_a_full_collection() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: bind-mounting over /proc needs root");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let env = Env::init();
    let boot_id = env.file("boot_id", "11111111-2222-3333-4444-555555555555\n");
    let version = env.file(
        "version",
        &std::fs::read_to_string("/proc/version").unwrap(),
    );
    let fake = env.file(
        "fake-ssh",
        &format!(
            "#!/bin/sh\n# The last words are the remote command (sh -s); the rest is ssh's.\n\
             exec unshare -m sh -c 'mount --bind \"$0\" /proc/sys/kernel/random/boot_id && \
             mount --bind \"$1\" /proc/version && exec sh -s' '{}' '{}'\n",
            boot_id.display(),
            version.display()
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    env.ok(&["host", "add", "box"]);
    let scan = || {
        scan_with(
            &env,
            env.cmd(&[
                "--config",
                cfg.to_str().unwrap(),
                "-v",
                "--format",
                "json",
                "scan",
                "box",
            ]),
        )
    };
    let (s, line) = scan();
    assert_eq!(s["collection"], "full", "{s}");
    assert!(line.ends_with("(full: first scan)"), "{line}");
    let (s, _) = scan();
    assert_eq!(s["collection"], "unchanged", "{s}");

    std::fs::write(&boot_id, "66666666-7777-8888-9999-000000000000\n").unwrap();
    let (s, line) = scan();
    assert_eq!(s["collection"], "full", "a new boot id: {s}");
    assert!(line.ends_with("(full: package state changed)"), "{line}");
    let (s, _) = scan();
    assert_eq!(s["collection"], "unchanged", "{s}");

    let running = std::fs::read_to_string(&version).unwrap();
    std::fs::write(
        &version,
        running.replacen("Linux version ", "Linux version 9.9.9-", 1),
    )
    .unwrap();
    let (s, _) = scan();
    assert_eq!(s["collection"], "full", "another running kernel: {s}");
    let (s, _) = scan();
    assert_eq!(s["collection"], "unchanged", "{s}");
}

/// The host's answer is checked against the database when it is stored, not only when
/// the script was made: here the stored fingerprint changes while the host collects (an
/// `ssh` stand-in rewrites it, then runs the real collector on a root), the host answers
/// `unchanged` for what it was sent, and the scan fails instead of reusing facts the
/// database no longer vouches for; the next one is full.
#[test]
fn an_unchanged_answer_is_checked_against_the_database_when_stored() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    let fake = env.file(
        "fake-ssh",
        &format!(
            "#!/bin/sh\n# Collects the root; when sent a fingerprint, first overwrites the stored one.\n\
             script=$(cat)\n\
             if printf '%s\\n' \"$script\" | grep -q \"^FP_WANT='[0-9a-f]\"; then\n\
             \x20 sqlite3 -cmd '.timeout 5000' '{db}' \"UPDATE scans SET fingerprint = '{other}' WHERE id = (SELECT max(id) FROM scans)\" || exit 99\n\
             fi\n\
             printf '%s\\n' \"$script\" | sed \"s|^R=''\\$|R='{root}'|\" | exec sh -s\n",
            db = env.db().display(),
            other = "1".repeat(64),
            root = root.root_str(),
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    env.ok(&["host", "add", "racer"]);
    let args = ["--config", cfg.to_str().unwrap(), "-v", "scan", "racer"];
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let (_, collection, _) = latest(&env, "racer");
    assert_eq!(collection.as_deref(), Some("full"));
    let shown = redact_timings(&env.snap(&args));
    assert_snapshot!("unchanged_race", shown.replace(root.root_str(), "[ROOT]"));
    let (_, collection, fp) = latest(&env, "racer");
    assert_eq!((collection, fp), (None, None), "a failed scan");
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(full: the last scan failed)"), "{stderr}");
}

/// An unchanged scan writes no package rows and no findings rows: it names the scans
/// that hold them (`facts_scan`, `findings_scan`), as long as the catalogue is the one
/// those findings were matched against. A predecessor matched against another catalogue
/// (a sync whose re-match did not run, a scan stored by an older patchcycle) is matched
/// again, into rows of its own; a re-match that changes a referencing scan's findings
/// gives it rows of its own and leaves the older scan's alone.
#[test]
fn an_unchanged_scan_reuses_findings_only_against_the_same_catalogue() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = debian_root(dir.path());
    let cat = two_fixes(&env);
    scan(&env, &root, "d6", &[]);
    let (full_id, _, _) = latest(&env, "d6");
    let full_findings = findings_of(&env, full_id);
    assert_eq!(full_findings.len(), 2, "{full_findings:?}");
    let count = |table: &str| -> i64 {
        env.sqlite()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let refs = |id: i64| -> (Option<i64>, Option<i64>) {
        env.sqlite()
            .query_row(
                "SELECT facts_scan, findings_scan FROM scans WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let (installed_rows, findings_rows) = (count("installed"), count("findings"));

    let (s, _) = scan(&env, &root, "d6", &[]);
    assert_eq!(s["collection"], "unchanged", "{s}");
    assert_eq!(s["packages"], 3, "{s}");
    assert_eq!(s["findings"], 2, "{s}");
    let (second, _, _) = latest(&env, "d6");
    assert_eq!(refs(second), (Some(full_id), Some(full_id)));
    assert_eq!(count("installed"), installed_rows, "package rows written");
    assert_eq!(count("findings"), findings_rows, "findings rows written");
    assert_eq!(findings_of(&env, second), full_findings);
    // What reads findings sees them through the reference.
    let shown: Value =
        serde_json::from_str(&env.ok(&["--format", "json", "findings", "--host", "d6"])).unwrap();
    assert_eq!(shown.as_array().map(Vec::len), Some(2), "{shown}");

    // A third scan names the full scan too, not the second.
    scan(&env, &root, "d6", &[]);
    let (third, _, _) = latest(&env, "d6");
    assert_eq!(refs(third), (Some(full_id), Some(full_id)));

    // Another catalogue than the one they were matched against: matched again, into
    // rows of its own (the rows they would have reused are tampered with here, to tell).
    env.sqlite()
        .execute_batch(&format!(
            "UPDATE scans SET catalog = 'another catalogue' WHERE id = {third}; \
             UPDATE findings SET epss = 0.5 WHERE scan_id = {full_id};"
        ))
        .unwrap();
    let (s, _) = scan(&env, &root, "d6", &[]);
    assert_eq!(s["collection"], "unchanged", "{s}");
    let (fourth, _, _) = latest(&env, "d6");
    assert_eq!(refs(fourth), (Some(full_id), None));
    let matched = findings_of(&env, fourth);
    assert_eq!(matched.len(), 2, "{matched:?}");
    assert!(
        matched
            .iter()
            .all(|r| !r.contains(&"epss=Real(0.5)".to_string())),
        "{matched:?}"
    );
    // Unknown (stored before the catalogue was recorded): matched again too.
    env.sqlite()
        .execute("UPDATE scans SET catalog = NULL WHERE id = ?1", [fourth])
        .unwrap();
    scan(&env, &root, "d6", &[]);
    let (fifth, _, _) = latest(&env, "d6");
    assert_eq!(refs(fifth), (Some(full_id), None));
    assert_eq!(findings_of(&env, fifth), matched);
    // The same catalogue again: the fifth scan's rows are named by the sixth.
    scan(&env, &root, "d6", &[]);
    let (sixth, _, _) = latest(&env, "d6");
    assert_eq!(refs(sixth), (Some(full_id), Some(fifth)));

    // A sync that changes the findings: the latest scan gets rows of its own, the
    // scan it named keeps its own.
    let before_fifth = findings_of(&env, fifth);
    add_kernel_fix(&env, &cat);
    assert_eq!(refs(sixth), (Some(full_id), None));
    assert_eq!(findings_of(&env, sixth).len(), 3);
    assert_eq!(findings_of(&env, fifth), before_fifth);
    // And the next unchanged scan names the sixth.
    scan(&env, &root, "d6", &[]);
    let (seventh, _, _) = latest(&env, "d6");
    assert_eq!(refs(seventh), (Some(full_id), Some(sixth)));
    assert_eq!(installed(&env, "d6").len(), 3);
    assert_eq!(count("installed"), installed_rows);
}
