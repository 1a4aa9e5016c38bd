//! dpkg fidelity: roots whose dpkg database was written by the real tools (dpkg-deb,
//! dpkg --root, dpkg --set-selections), scanned with the real collector
//! (`scan --local --root`) and compared with `dpkg-query` as the oracle.

mod common;

use common::cli::{Env, render};
use common::dpkgdb::{Deb, DpkgRoot};
use insta::assert_snapshot;
use serde_json::Value;

const BOOKWORM: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n";

/// The installed rows of a host's latest scan: (name, arch, version, source, source version).
fn stored(env: &Env, host: &str) -> Vec<[String; 5]> {
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT i.name, coalesce(i.arch, '-'), i.version, i.source_name, i.source_version \
             FROM installed i JOIN scans s ON s.id = i.scan_id JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 ORDER BY i.name, i.arch",
        )
        .unwrap();
    stmt.query_map([host], |r| {
        Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn scan_json(env: &Env, root: &str, host: &str) -> Value {
    let out = env.run(&[
        "--format", "json", "scan", "--local", "--root", root, "--host", host,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

fn row(name: &str, arch: &str, version: &str, src: &str, src_version: &str) -> [String; 5] {
    [name, arch, version, src, src_version].map(str::to_string)
}

/// A distroless image: no `status` file and no dpkg in the root, one `status.d` file per
/// package (as `dpkg-deb --field` writes it, no `Status:`), `.md5sums` beside them.
#[test]
fn a_distroless_status_d_root_is_scanned() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = DpkgRoot::new(dir.path(), BOOKWORM);
    root.distroless(&[
        Deb::new("libssl3", "3.0.11-1~deb12u2", "amd64")
            .source("openssl")
            .multi_arch_same(),
        Deb::new("base-files", "12.4+deb12u5", "amd64"),
        Deb::new("tzdata", "2024a-0+deb12u1", "all"),
        Deb::new("libgcc-s1", "12.2.0-14", "amd64").source("gcc-12 (12.2.0-14+b1)"),
    ]);
    assert!(!root.admindir().join("status").exists());
    // A link out of the image and a directory are not package files: never read.
    let outside = dir.path().join("outside");
    std::fs::write(&outside, "Package: leaked\nVersion: 1.0\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.admindir().join("status.d/leak")).unwrap();
    std::fs::create_dir(root.admindir().join("status.d/subdir")).unwrap();
    let s = scan_json(&env, root.root_str(), "distroless");
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["ecosystem"], "Debian:12");
    assert_eq!(s["packages"], 4, "{s}");
    assert_eq!(s["warnings"], serde_json::json!([]), "{s}");
    assert_eq!(
        stored(&env, "distroless"),
        [
            row(
                "base-files",
                "amd64",
                "12.4+deb12u5",
                "base-files",
                "12.4+deb12u5"
            ),
            row("libgcc-s1", "amd64", "12.2.0-14", "gcc-12", "12.2.0-14+b1"),
            row(
                "libssl3",
                "amd64",
                "3.0.11-1~deb12u2",
                "openssl",
                "3.0.11-1~deb12u2"
            ),
            row(
                "tzdata",
                "all",
                "2024a-0+deb12u1",
                "tzdata",
                "2024a-0+deb12u1"
            ),
        ]
    );
    assert_snapshot!(
        "distroless_scan",
        env.snap(&[
            "scan",
            "--local",
            "--root",
            root.root_str(),
            "--host",
            "distroless"
        ])
    );
}

/// A synthetic OSV record in Debian's shape (source package, Debian:12), as
/// `osv-mirror/Debian/all.zip` under `dir`, synced.
fn sync_debian(env: &Env, dir: &std::path::Path, source: &str, fixed: &str) {
    use std::io::Write;
    let record = serde_json::json!({"id": "DEBIAN-CVE-2099-0101", "modified": "2026-01-01T00:00:00Z",
        "aliases": ["CVE-2099-0101"],
        "affected": [{"package": {"ecosystem": "Debian:12", "name": source},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]});
    let d = dir.join("osv-mirror/Debian");
    std::fs::create_dir_all(&d).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("all.zip")).unwrap());
    zip.start_file(
        "DEBIAN-CVE-2099-0101.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(record.to_string().as_bytes()).unwrap();
    zip.finish().unwrap();
    let out = env.run(&["sync", "--from", dir.to_str().unwrap(), "osv:Debian"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
}

/// What `dpkg-query` lists with its files on disk (status neither `n` nor `c`), as
/// (name, arch, version, state): asserted to be what the host's latest scan stored.
fn stored_as_dpkg_lists(env: &Env, host: &str, oracle: &[[String; 4]]) -> Vec<[String; 4]> {
    let state_of = |abbrev: &str| match abbrev.as_bytes()[1] {
        b'i' => Some("installed"),
        b'H' => Some("half-installed"),
        b'U' => Some("unpacked"),
        b'F' => Some("half-configured"),
        b'W' => Some("triggers-awaited"),
        b't' => Some("triggers-pending"),
        _ => None,
    };
    let mut want: Vec<[String; 4]> = oracle
        .iter()
        .filter_map(|[bin, arch, version, abbrev]| {
            let name = bin.split(':').next().unwrap();
            state_of(abbrev).map(|st| [name, arch, version, st].map(str::to_string))
        })
        .collect();
    want.sort();
    let db = env.sqlite();
    let mut stmt = db
        .prepare(
            "SELECT i.name, coalesce(i.arch, '-'), i.version, i.state FROM installed i \
             JOIN scans s ON s.id = i.scan_id JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1 \
             ORDER BY i.name, i.arch",
        )
        .unwrap();
    let got: Vec<[String; 4]> = stmt
        .query_map([host], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, want, "{host}");
    assert!(!got.iter().any(|r| r[0] == "gone"), "rc is not installed");
    want
}

/// A Debian root whose dpkg database holds a package in each state dpkg writes (ii ri pi
/// hi rc rH iU iF iW it), names Debian Policy refuses but dpkg takes (`x`, `lib_u`),
/// `Multi-Arch: same` and `Architecture: all` packages.
fn states_root(dir: &std::path::Path) -> DpkgRoot {
    let root = DpkgRoot::new(dir, BOOKWORM);
    let fail_remove = "[ \"$1\" = remove ] && exit 1\nexit 0";
    root.install(&[
        Deb::new("libfoo1", "1.0-1", "amd64")
            .source("foo-src")
            .multi_arch_same(),
        Deb::new("foo-data", "1.0-1", "all").source("foo-src"),
        // dpkg's parser takes one character and `_` (Debian Policy does not).
        Deb::new("x", "2.0", "amd64"),
        Deb::new("lib_u", "0.1-1", "amd64"),
        Deb::new("purged", "1.0", "amd64"),
        Deb::new("held", "1.0", "amd64"),
        Deb::new("gone", "1.0", "amd64").conffile("/etc/gone.conf"),
        Deb::new("rmfail", "1.0", "amd64").script("postrm", fail_remove),
        Deb::new("watcher", "1.0", "amd64").triggers("interest /usr/share/trig\n"),
    ]);
    // Selections say what the admin wants, not what is on disk: still installed.
    root.set_selections("libfoo1:amd64 deinstall\npurged purge\nheld hold\n");
    // rc: removed, its conffile left; rH: its postrm failed half-way.
    root.dpkg(&["--remove", "gone"], true);
    assert!(!root.dpkg(&["--remove", "rmfail"], false).status.success());
    // iU: unpacked, never configured; iF: postinst failed.
    let unpacked = root.build(&Deb::new("unconfigured", "3.0-1", "amd64"));
    root.dpkg(&["--unpack", unpacked.to_str().unwrap()], true);
    let broken = root.build(&Deb::new("badpost", "1.0", "amd64").script("postinst", "exit 1"));
    assert!(
        !root
            .dpkg(&["-i", broken.to_str().unwrap()], false)
            .status
            .success()
    );
    // iW / it: a package whose files trigger `watcher`, triggers not run.
    let trig = root.build(&Deb::new("trigger", "1.0", "amd64").file("usr/share/trig/x", "x"));
    root.dpkg(&["--no-triggers", "-i", trig.to_str().unwrap()], true);

    root
}

/// Every package whose files dpkg has on disk is kept, whatever the selection, with its
/// state; dpkg's arch for every package; names dpkg accepts beyond Debian Policy.
/// Oracle: `dpkg-query -W` on the same database.
#[test]
fn every_installed_package_is_kept_with_its_state_and_arch() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = states_root(dir.path());
    let oracle = root.query();
    let abbrevs: Vec<(&str, &str)> = oracle
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    // The database holds what the test meant to make.
    for want in [
        ("libfoo1:amd64", "ri"),
        ("purged", "pi"),
        ("held", "hi"),
        ("gone", "rc"),
        ("rmfail", "rH"),
        ("unconfigured", "iU"),
        ("badpost", "iF"),
        ("trigger", "iW"),
        ("watcher", "it"),
        ("x", "ii"),
        ("lib_u", "ii"),
    ] {
        assert!(abbrevs.contains(&want), "{want:?} not in {abbrevs:?}");
    }

    let cat = tempfile::tempdir().unwrap();
    sync_debian(&env, cat.path(), "foo-src", "1.1-1");
    let s = scan_json(&env, root.root_str(), "d1");
    assert_eq!(s["status"], "ok", "{s}");
    let want = stored_as_dpkg_lists(&env, "d1", &oracle);
    assert_eq!(s["packages"], want.len());

    // A vulnerable library in `ri` state is a finding (and so is its sibling).
    let out = env.ok(&["--format", "json", "findings", "--host", "d1"]);
    let found: Value = serde_json::from_str(&out).unwrap();
    let mut pkgs: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["package"].as_str().unwrap())
        .collect();
    pkgs.sort();
    assert_eq!(pkgs, ["foo-data", "libfoo1"], "{found}");

    // The scan warns, naming the first few; `host show` names them all (up to ten).
    assert_snapshot!(
        "states_scan",
        env.snap(&["scan", "--local", "--root", root.root_str(), "--host", "d1"])
    );
    let show = env.ok(&["host", "show", "d1"]);
    let line = show
        .lines()
        .find(|l| l.contains("not fully installed:"))
        .unwrap_or_else(|| panic!("{show}"));
    assert_eq!(
        line.trim_end(),
        "not fully installed:  badpost:amd64 1.0 (half-configured), rmfail:amd64 1.0 (half-installed), trigger:amd64 1.0 (triggers-awaited), unconfigured:amd64 3.0-1 (unpacked), watcher:amd64 1.0 (triggers-pending)"
    );
    let json: Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "d1"])).unwrap();
    assert_eq!(json["not_fully_installed"].as_array().unwrap().len(), 5);
    assert_eq!(json["not_fully_installed"][3]["state"], "unpacked");
}

/// os-release without VERSION_ID: Debian's numeric /etc/debian_version names the
/// release; "trixie/sid" names none and the scan warns; Ubuntu's debian_version is never
/// read as its release.
#[test]
fn debian_version_names_the_release_when_os_release_does_not() {
    let env = Env::init();
    let cases = [
        (
            "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux\"\n",
            "12.8\n",
            "dv1",
        ),
        (
            "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nVERSION_CODENAME=trixie\n",
            "trixie/sid\n",
            "dv2",
        ),
        ("ID=ubuntu\nPRETTY_NAME=\"Ubuntu\"\n", "12.8\n", "dv3"),
    ];
    let dirs: Vec<_> = cases
        .iter()
        .map(|(os, debian_version, _)| {
            let dir = tempfile::tempdir().unwrap();
            let root = DpkgRoot::new(dir.path(), os);
            std::fs::write(root.root.join("etc/debian_version"), debian_version).unwrap();
            root.install(&[Deb::new("base-files", "13.1", "amd64")]);
            (dir, root)
        })
        .collect();
    let mut shown = String::new();
    for ((_, root), (_, _, host)) in dirs.iter().zip(cases) {
        let out = env.snap(&["scan", "--local", "--root", root.root_str(), "--host", host]);
        shown.push_str(&out.replace(root.root_str(), "[ROOT]"));
    }
    assert_snapshot!("debian_version", shown);
}

/// A root read without dpkg-query (an image scanned by a controller without dpkg): the
/// status file itself, as the collector prints it then (`dpkg-status`), imported. The
/// same packages and states as dpkg-query lists.
#[test]
fn the_status_file_is_read_as_dpkg_reads_it() {
    let env = Env::init();
    let dir = tempfile::tempdir().unwrap();
    let root = states_root(dir.path());
    let status = std::fs::read_to_string(root.admindir().join("status")).unwrap();
    let t = "00112233445566778899aabbccddeeff";
    let saved = env.file(
        "status.out",
        &format!(
            "@@PC {t} BEGIN 1\n@@PC {t} os-release\n{BOOKWORM}@@PC {t} dpkg-status\n{status}@@PC {t} END\n"
        ),
    );
    env.ok(&["host", "add", "imported"]);
    let out = env.run(&[
        "--format",
        "json",
        "scan",
        "--import",
        saved.to_str().unwrap(),
        "--host",
        "imported",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let want = stored_as_dpkg_lists(&env, "imported", &root.query());
    assert_eq!(want.len(), 11);
}
