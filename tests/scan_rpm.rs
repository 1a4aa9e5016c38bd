//! `scan` of RHEL-family systems end to end, for real: small noarch RPMs built with
//! `rpmbuild` at test time, installed with `rpm --root` into an rpm database, a local
//! dnf repository made by `createrepo_c` + `modifyrepo_c` carrying an updateinfo built
//! from the real AlmaLinux OSV record, and `patchcycle scan --local --root DIR` running
//! the collector with this machine's rpm and dnf against that root. Findings are checked
//! against the AlmaLinux OSV data and the Rocky Linux errata in tests/data/shared, with
//! rpm's own `rpm.vercmp` as the oracle.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{Env, render};
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// The tools these tests need (tests/install-deps.sh installs them).
fn need(tools: &[&str]) {
    for t in tools {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(found, "{t} is missing: run tests/install-deps.sh");
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One package of a spec: (name suffix or "" for the main package).
struct Spec<'a> {
    name: &'a str,
    epoch: Option<u32>,
    version: &'a str,
    release: &'a str,
    subpackages: &'a [&'a str],
    provides: &'a [&'a str],
}

/// Builds the spec's noarch RPMs into `out` (rpmbuild's RPMS/noarch).
fn rpmbuild(home: &Path, work: &Path, s: &Spec) {
    let mut text = format!(
        "Name: {}\nVersion: {}\nRelease: {}\nSummary: patchcycle test package\nLicense: MIT\nBuildArch: noarch\n",
        s.name, s.version, s.release
    );
    if let Some(e) = s.epoch {
        text.push_str(&format!("Epoch: {e}\n"));
    }
    for p in s.provides {
        text.push_str(&format!("Provides: {p}\n"));
    }
    text.push_str("%description\ntest\n%files\n");
    for sub in s.subpackages {
        text.push_str(&format!(
            "%package {sub}\nSummary: {sub}\n%description {sub}\ntest\n%files {sub}\n"
        ));
    }
    let spec = work.join(format!("{}-{}-{}.spec", s.name, s.version, s.release));
    std::fs::write(&spec, text).unwrap();
    run(Command::new("rpmbuild")
        .env("HOME", home)
        .args(["-bb", "--quiet", "--define"])
        .arg(format!("_topdir {}", work.join("build").display()))
        .arg(&spec));
}

fn rpm_file(work: &Path, nvr: &str) -> PathBuf {
    let p = work.join(format!("build/RPMS/noarch/{nvr}.noarch.rpm"));
    assert!(p.exists(), "{} was not built", p.display());
    p
}

/// A root with os-release and an rpm database holding `rpms`.
fn make_root(home: &Path, root: &Path, os_release: &str, rpms: &[PathBuf]) {
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    std::fs::write(root.join("etc/os-release"), os_release).unwrap();
    let rpm = |args: &[&str]| {
        let mut c = Command::new("rpm");
        c.env("HOME", home)
            .arg("--root")
            .arg(root)
            .args(["--dbpath", "/var/lib/rpm"])
            .args(args);
        c
    };
    run(&mut rpm(&["--initdb"]));
    let mut install = rpm(&["-i", "--nodeps"]);
    install.args(rpms);
    run(&mut install);
}

/// rpm's own comparison (rpm 4.18's `rpm.vercmp` in its embedded Lua).
fn rpm_lt(a: &str, b: &str) -> bool {
    let out = run(Command::new("rpm")
        .arg("--eval")
        .arg(format!("%{{lua: print(rpm.vercmp(\"{a}\", \"{b}\"))}}")));
    out.trim() == "-1"
}

/// An updateinfo.xml with the one advisory, built from the real OSV record `id`
/// (summary, severity word, CVEs, affected packages and fixed EVRs of `ecosystem`).
fn updateinfo_from_osv(id: &str, ecosystem: &str) -> String {
    let mut zip = zip::ZipArchive::new(
        std::fs::File::open(data().join("osv-mirror/AlmaLinux/all.zip")).unwrap(),
    )
    .unwrap();
    let mut text = String::new();
    zip.by_name(&format!("{id}.json"))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let summary = r["summary"].as_str().unwrap();
    let severity = summary.split(':').next().unwrap();
    let mut refs = String::new();
    for c in r["related"].as_array().unwrap() {
        let c = c.as_str().unwrap();
        refs.push_str(&format!(
            "      <reference href=\"https://access.redhat.com/security/cve/{c}\" id=\"{c}\" type=\"cve\" title=\"{c}\"/>\n"
        ));
    }
    let mut pkgs = String::new();
    for a in r["affected"].as_array().unwrap() {
        if a["package"]["ecosystem"] != ecosystem {
            continue;
        }
        let name = a["package"]["name"].as_str().unwrap();
        let fixed = a["ranges"][0]["events"][1]["fixed"].as_str().unwrap();
        let (epoch, vr) = fixed.split_once(':').unwrap_or(("0", fixed));
        let (v, rel) = vr.rsplit_once('-').unwrap();
        pkgs.push_str(&format!(
            "        <package name=\"{name}\" version=\"{v}\" release=\"{rel}\" epoch=\"{epoch}\" arch=\"noarch\" src=\"openssl-{v}-{rel}.src.rpm\">\n          <filename>{name}-{v}-{rel}.noarch.rpm</filename>\n        </package>\n"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<updates>\n  <update from=\"packager@almalinux.org\" status=\"final\" type=\"security\" version=\"2\">\n    <id>{id}</id>\n    <title>{summary}</title>\n    <issued date=\"2023-05-09 00:00:00\"/>\n    <updated date=\"2023-05-12 01:58:27\"/>\n    <severity>{severity}</severity>\n    <description>test</description>\n    <references>\n{refs}    </references>\n    <pkglist>\n      <collection short=\"almalinux-appstream\">\n        <name>almalinux-appstream</name>\n{pkgs}      </collection>\n    </pkglist>\n  </update>\n</updates>\n"
    )
}

const ALMA9: &str = "NAME=\"AlmaLinux\"\nVERSION=\"9.2 (Turquoise Kodkod)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.2\"\nPRETTY_NAME=\"AlmaLinux 9.2 (Turquoise Kodkod)\"\n";

fn scan_json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "scan"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

fn findings(env: &Env, host: &str) -> Vec<Value> {
    let out = env.ok(&["--format", "json", "findings", "--host", host]);
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// An AlmaLinux 9 root with openssl and openssl-libs 1:3.0.7-1.el9 installed, and a dnf
/// repository (configured in the root) holding those builds, the fixed 1:3.0.7-6.el9_2
/// ones and updateinfo built from the real ALSA-2023:2523 OSV record. Returns the root.
fn alma_setup(env: &Env, work: &Path) -> PathBuf {
    need(&["rpm", "rpmbuild", "dnf", "createrepo_c", "modifyrepo_c"]);
    let home = env.home().to_path_buf();
    // Debian's rpm keeps its database in ~/.rpmdb; dnf (through librpm) must look where a
    // RHEL-family root has it. rpm itself is given --dbpath by the collector.
    std::fs::write(home.join(".rpmmacros"), "%_dbpath /var/lib/rpm\n").unwrap();
    let w = work;
    for (version, release) in [("3.0.7", "1.el9"), ("3.0.7", "6.el9_2")] {
        rpmbuild(
            &home,
            w,
            &Spec {
                name: "openssl",
                epoch: Some(1),
                version,
                release,
                subpackages: &["libs"],
                provides: &[],
            },
        );
    }
    rpmbuild(
        &home,
        w,
        &Spec {
            name: "almalinux-release",
            epoch: None,
            version: "9.2",
            release: "1.el9",
            subpackages: &[],
            provides: &["system-release(releasever) = 9"],
        },
    );
    let root = w.join("root");
    make_root(
        &home,
        &root,
        ALMA9,
        &[
            rpm_file(w, "openssl-3.0.7-1.el9"),
            rpm_file(w, "openssl-libs-3.0.7-1.el9"),
            rpm_file(w, "almalinux-release-9.2-1.el9"),
        ],
    );
    // The repository: the fixed RPMs, and updateinfo from the real OSV record. The same
    // repository is the errata source (sync --from reads errata/<name>/repodata).
    let repo = w.join("mirror/errata/alma9");
    std::fs::create_dir_all(&repo).unwrap();
    for nvr in [
        "openssl-3.0.7-1.el9",
        "openssl-libs-3.0.7-1.el9",
        "openssl-3.0.7-6.el9_2",
        "openssl-libs-3.0.7-6.el9_2",
    ] {
        std::fs::copy(rpm_file(w, nvr), repo.join(format!("{nvr}.noarch.rpm"))).unwrap();
    }
    run(Command::new("createrepo_c").arg("-q").arg(&repo));
    let ui = w.join("updateinfo.xml");
    std::fs::write(&ui, updateinfo_from_osv("ALSA-2023:2523", "AlmaLinux:9")).unwrap();
    run(Command::new("modifyrepo_c")
        .args(["--mdtype=updateinfo"])
        .arg(&ui)
        .arg(repo.join("repodata")));
    std::fs::create_dir_all(root.join("etc/yum.repos.d")).unwrap();
    std::fs::create_dir_all(root.join("etc/dnf")).unwrap();
    // The test repository is not signed.
    std::fs::write(root.join("etc/dnf/dnf.conf"), "[main]\ngpgcheck=0\n").unwrap();
    std::fs::write(
        root.join("etc/yum.repos.d/alma9.repo"),
        format!(
            "[alma9-appstream]\nname=AlmaLinux 9 AppStream (test)\nbaseurl=file://{}\ngpgcheck=0\nenabled=1\n",
            repo.display()
        ),
    )
    .unwrap();

    root
}

#[test]
fn almalinux_root_with_rpm_and_dnf_matches_osv_and_errata_as_one_finding() {
    let env = Env::init();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let root = alma_setup(&env, w);
    // The catalogue: AlmaLinux OSV and the repository's errata.
    let out = env.run(&["sync", "--from", data().to_str().unwrap(), "osv:AlmaLinux"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let cfg = env.file(
        "errata.toml",
        "[[sync.errata]]\nname = \"alma9\"\nurl = \"https://repo.almalinux.org/almalinux/9/AppStream/x86_64/os/\"\necosystem = \"AlmaLinux:9\"\n",
    );
    let mirror = w.join("mirror");
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "sync",
        "--from",
        mirror.to_str().unwrap(),
        "errata:alma9",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));

    let t0 = std::time::Instant::now();
    let s = scan_json(
        &env,
        &[
            "--local",
            "--root",
            root.to_str().unwrap(),
            "--host",
            "alma9",
            "--refresh",
        ],
    );
    eprintln!("scan --refresh of the AlmaLinux root: {:?}", t0.elapsed());
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["ecosystem"], "AlmaLinux:9");
    assert_eq!(s["packages"], 3);
    // dnf's own answer: both openssl packages have a security update in the repository.
    assert_eq!(s["pending"], 2, "{s}");
    assert_eq!(s["pending_security"], 2, "{s}");
    assert_eq!(s["findings"], 2, "{s}");
    assert_eq!(s["warnings"], Value::Array(vec![]), "{s}");

    let db = env.sqlite();
    let pending: BTreeSet<(String, String, String, String)> = db
        .prepare("SELECT package, from_version, to_version, origin FROM pending")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = |p: &str| {
        (
            p.to_string(),
            "1:3.0.7-1.el9".to_string(),
            "1:3.0.7-6.el9_2".to_string(),
            "alma9-appstream".to_string(),
        )
    };
    assert_eq!(
        pending,
        BTreeSet::from([want("openssl"), want("openssl-libs")])
    );
    let (src, srcv): (String, String) = db
        .query_row(
            "SELECT source_name, source_version FROM installed WHERE name = 'openssl-libs'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((src.as_str(), srcv.as_str()), ("openssl", "1:3.0.7-1.el9"));

    // The oracle: every AlmaLinux:9 security advisory of the package whose fixed version
    // rpm itself orders above the installed one.
    for pkg in ["openssl", "openssl-libs"] {
        let search = env.ok(&[
            "--format",
            "json",
            "advisory",
            "search",
            "--package",
            pkg,
            "--ecosystem",
            "AlmaLinux:9",
        ]);
        let hits: Vec<Value> = serde_json::from_str(&search).unwrap();
        let mut expected: BTreeSet<String> = BTreeSet::new();
        let mut highest: Option<String> = None;
        for h in &hits {
            let id = h["id"].as_str().unwrap();
            if !id.starts_with("ALSA-") {
                continue; // bug fix and enhancement advisories are not findings
            }
            for f in h["fixed"].as_array().unwrap() {
                let f = f.as_str().unwrap();
                if rpm_lt("1:3.0.7-1.el9", f) {
                    expected.insert(id.to_string());
                    if highest.as_deref().is_none_or(|x| rpm_lt(x, f)) {
                        highest = Some(f.to_string());
                    }
                }
            }
        }
        assert!(expected.contains("ALSA-2023:2523"));
        let found = findings(&env, "alma9");
        let f = found
            .iter()
            .find(|f| f["package"] == pkg)
            .unwrap_or_else(|| panic!("no finding for {pkg}: {found:?}"));
        let got: Vec<String> = f["advisories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        // OSV, errata and the host's dnf all name ALSA-2023:2523: one entry, not three.
        assert_eq!(
            got.iter().filter(|a| *a == "ALSA-2023:2523").count(),
            1,
            "{got:?}"
        );
        let got: BTreeSet<String> = got.into_iter().collect();
        assert_eq!(got, expected, "{pkg}");
        assert_eq!(f["fixed"].as_str(), highest.as_deref(), "{pkg}");
        assert_eq!(f["candidate"], "1:3.0.7-6.el9_2");
        assert!(
            f["cves"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "CVE-2022-3358"),
            "{f}"
        );
        eprintln!(
            "{pkg}: {} advisories (rpm.vercmp oracle agrees), fixed in {}",
            expected.len(),
            highest.unwrap_or_default()
        );
    }

    // explain matches by the binary package (its source, openssl, has records of its own).
    let v: Value =
        serde_json::from_str(&env.ok(&["--format", "json", "explain", "alma9", "openssl-libs"]))
            .unwrap();
    let rows = v.as_array().unwrap();
    assert!(rows.iter().all(|r| r["package"] == "openssl-libs"), "{v}");
    let r = rows
        .iter()
        .find(|r| r["advisory"] == "ALSA-2023:2523" && r["ecosystem"] == "AlmaLinux:9")
        .unwrap();
    assert_eq!(r["verdict"], "affected");
    assert_eq!(r["installed"], "1:3.0.7-1.el9");

    // Without --refresh the collector reads dnf's cache only, and gets the same answer.
    let again = scan_json(
        &env,
        &[
            "--local",
            "--root",
            root.to_str().unwrap(),
            "--host",
            "alma9",
        ],
    );
    assert_eq!(again["pending_security"], 2, "{again}");
    assert_eq!(again["findings"], 2);
}

#[test]
fn rocky_root_matches_the_rocky_errata_and_ignores_bug_fixes() {
    need(&["rpm", "rpmbuild"]);
    let env = Env::init();
    let home = env.home().to_path_buf();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    // lz4 below RLSA-2021:2575's fix (1.8.3-3.el8_4); firewalld below RLBA-2021:2580's.
    for (name, version, release) in [
        ("lz4-libs", "1.8.3", "2.el8"),
        ("firewalld", "0.8.2", "6.el8"),
        ("rocky-release", "8.4", "1.el8"),
    ] {
        rpmbuild(
            &home,
            w,
            &Spec {
                name,
                epoch: None,
                version,
                release,
                subpackages: &[],
                provides: &[],
            },
        );
    }
    // The errata name the binary package lz4; the test's package is lz4-libs, so it
    // must not match; add one named lz4 as well.
    rpmbuild(
        &home,
        w,
        &Spec {
            name: "lz4",
            epoch: None,
            version: "1.8.3",
            release: "2.el8",
            subpackages: &[],
            provides: &[],
        },
    );
    let root = w.join("root");
    make_root(
        &home,
        &root,
        "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"8.4\"\nPRETTY_NAME=\"Rocky Linux 8.4 (Green Obsidian)\"\n",
        &[
            rpm_file(w, "lz4-1.8.3-2.el8"),
            rpm_file(w, "lz4-libs-1.8.3-2.el8"),
            rpm_file(w, "firewalld-0.8.2-6.el8"),
            rpm_file(w, "rocky-release-8.4-1.el8"),
        ],
    );
    let mirror = tempfile::tempdir().unwrap();
    let base = mirror.path().join("errata/rocky8/repodata");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::copy(
        data().join("rpm/updateinfo.xml"),
        base.join("updateinfo.xml"),
    )
    .unwrap();
    std::fs::write(
        base.join("repomd.xml"),
        "<repomd><data type=\"updateinfo\"><location href=\"repodata/updateinfo.xml\"/></data></repomd>",
    )
    .unwrap();
    let cfg = env.file(
        "errata.toml",
        "[[sync.errata]]\nname = \"rocky8\"\nurl = \"https://dl.rockylinux.org/pub/rocky/8/BaseOS/x86_64/os/\"\necosystem = \"Rocky Linux:8\"\n",
    );
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "sync",
        "--from",
        mirror.path().to_str().unwrap(),
        "errata:rocky8",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let s = scan_json(
        &env,
        &[
            "--local",
            "--root",
            root.to_str().unwrap(),
            "--host",
            "rocky8",
        ],
    );
    assert_eq!(s["ecosystem"], "Rocky Linux:8");
    assert_eq!(s["packages"], 4);
    let found = findings(&env, "rocky8");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["package"], "lz4");
    assert_eq!(found[0]["advisories"][0], "RLSA-2021:2575");
    assert_eq!(found[0]["fixed"], "1.8.3-3.el8_4");
    assert_eq!(found[0]["severity"], "medium");
    assert!(rpm_lt("1.8.3-2.el8", "1.8.3-3.el8_4"));
    // explain goes by the binary package too, with or without naming it.
    for args in [vec!["rocky8", "lz4"], vec!["rocky8"]] {
        let mut all = vec!["--format", "json", "explain"];
        all.extend(args);
        let v: Value = serde_json::from_str(&env.ok(&all)).unwrap();
        let lz4 = v
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["advisory"] == "RLSA-2021:2575")
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(lz4["verdict"], "affected", "{lz4}");
        assert_eq!(lz4["installed"], "1.8.3-2.el8");
    }
}

#[test]
fn root_must_be_a_directory_and_needs_local_and_host() {
    let env = Env::init();
    let out = env.run(&[
        "scan",
        "--local",
        "--root",
        "/nonexistent-dir",
        "--host",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", render(&env, &out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a directory"));
    let out = env.run(&["scan", "--root", "/tmp", "--host", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["scan", "--local", "--root", "/tmp"]);
    assert_eq!(out.status.code(), Some(2));
    // Nothing was added to the inventory by the refused runs.
    assert!(!env.ok(&["host", "list"]).contains("x "));
}

/// A root whose path holds shell metacharacters is passed as one quoted word: the
/// collector reads that directory and nothing runs.
#[test]
fn a_hostile_root_path_is_one_shell_word() {
    need(&["rpm"]);
    let env = Env::init();
    let work = tempfile::tempdir().unwrap();
    let canary = work.path().join("canary");
    let root = work.path().join(format!(
        "r';touch {}; echo '$(reboot) `id`",
        canary.display()
    ));
    std::fs::create_dir_all(root.join("etc")).unwrap();
    // The collector reads os-release's ID to pick the package manager: read, never run.
    let canary2 = work.path().join("canary2");
    std::fs::write(
        root.join("etc/os-release"),
        format!(
            "ID=\"plan9$(touch {c})`touch {c}`\"\nVERSION_ID=4\nPRETTY_NAME=\"Plan 9\"\n",
            c = canary2.display()
        ),
    )
    .unwrap();
    let out = env.run(&[
        "--format",
        "json",
        "scan",
        "--local",
        "--root",
        root.to_str().unwrap(),
        "--host",
        "odd",
    ]);
    // The os-release was read from that directory (so the path arrived whole) ...
    assert_eq!(out.status.code(), Some(4), "{}", render(&env, &out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v[0]["error"],
        "unsupported OS \"Plan 9\": no package collector for it yet"
    );
    // ... and nothing in it ran.
    assert!(!canary.exists());
    assert!(!canary2.exists());
}

/// Amazon Linux 2, the air-gapped way: `scan --print-script`, run against the root and
/// saved, then `scan --import`; matched against the real ALAS errata (epoch 10 and 1).
/// Amazon Linux has no OSV feed: a plain `sync` must not ask for one.
#[test]
fn amazon_linux_output_imported_matches_alas_errata_with_epochs() {
    need(&["rpm", "rpmbuild"]);
    let env = Env::init();
    let home = env.home().to_path_buf();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    // qemu-img one release below the fix (10:1.5.3-141.amzn2.5.3); qemu-kvm-common at
    // a far higher version but no epoch, which epoch 10 still beats; java at the fix.
    let pkgs = [
        ("qemu-img", Some(10), "1.5.3", "141.amzn2.5.2"),
        ("qemu-kvm-common", None, "9.9.9", "1.amzn2"),
        (
            "java-1.8.0-openjdk-headless",
            Some(1),
            "1.8.0.161",
            "0.b14.amzn2",
        ),
        ("system-release", Some(1), "2", "10.amzn2"),
    ];
    for (name, epoch, version, release) in pkgs {
        rpmbuild(
            &home,
            w,
            &Spec {
                name,
                epoch,
                version,
                release,
                subpackages: &[],
                provides: &[],
            },
        );
    }
    let root = w.join("root");
    let files: Vec<PathBuf> = pkgs
        .iter()
        .map(|(n, _, v, r)| rpm_file(w, &format!("{n}-{v}-{r}")))
        .collect();
    make_root(
        &home,
        &root,
        "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n",
        &files,
    );
    // The printed script, pointed at the root as `--root` would, run by sh and saved.
    let script = env.ok(&["scan", "--print-script"]);
    assert_eq!(script.matches("\nR=''\n").count(), 1);
    let quoted = format!("\nR='{}'\n", root.display());
    let script = script.replace("\nR=''\n", &quoted);
    let out = std::process::Command::new("sh")
        .arg("-s")
        .env("HOME", &home)
        .stdin(std::fs::File::open(env.file("collect.sh", &script)).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    let saved = env.home().join("al2.out");
    std::fs::write(&saved, &out.stdout).unwrap();

    let mirror = tempfile::tempdir().unwrap();
    let base = mirror.path().join("errata/al2/repodata");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::copy(
        data().join("rpm/amazon-linux-2-updateinfo.xml.gz"),
        base.join("updateinfo.xml.gz"),
    )
    .unwrap();
    std::fs::write(
        base.join("repomd.xml"),
        "<repomd><data type=\"updateinfo\"><location href=\"repodata/updateinfo.xml.gz\"/></data></repomd>",
    )
    .unwrap();
    let cfg = env.file(
        "al2.toml",
        "[sync.kev]\nenabled = false\nurl = \"https://example.invalid/kev.json\"\n\
         [sync.epss]\nenabled = false\nurl = \"https://example.invalid/epss.csv.gz\"\n\
         [[sync.errata]]\nname = \"al2\"\nurl = \"https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list\"\necosystem = \"Amazon Linux:2\"\n",
    );
    env.ok(&["host", "add", "al2"]);
    let s = scan_json(
        &env,
        &["--import", saved.to_str().unwrap(), "--host", "al2"],
    );
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["ecosystem"], "Amazon Linux:2");
    assert_eq!(s["packages"], 4);
    // Every enabled source, with an Amazon Linux host in the inventory: only the errata.
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "sync",
        "--from",
        mirror.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Amazon Linux/all.zip"));
    let s = scan_json(
        &env,
        &["--import", saved.to_str().unwrap(), "--host", "al2"],
    );
    assert_eq!(s["findings"], 2, "{s}");
    let found = findings(&env, "al2");
    let mut got: Vec<(String, String, String, String)> = found
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().into(),
                f["installed"].as_str().unwrap().into(),
                f["advisories"][0].as_str().unwrap().into(),
                f["fixed"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    for (_, installed, _, fixed) in &got {
        assert!(
            rpm_lt(installed, fixed),
            "rpm disagrees: {installed} {fixed}"
        );
    }
    assert!(!rpm_lt(
        "1:1.8.0.161-0.b14.amzn2",
        "1:1.8.0.161-0.b14.amzn2"
    ));
    let row = |p: &str, i: &str| {
        (
            p.to_string(),
            i.to_string(),
            "ALAS2-2018-942".to_string(),
            "10:1.5.3-141.amzn2.5.3".to_string(),
        )
    };
    assert_eq!(
        got,
        vec![
            row("qemu-img", "10:1.5.3-141.amzn2.5.2"),
            row("qemu-kvm-common", "9.9.9-1.amzn2"),
        ]
    );
}

/// The deploy/rollback command builders (`family::pkgcmd`) run by `sh` against the
/// AlmaLinux root with the real dnf, rpm and needs-restarting (dnf-plugins-core), through
/// wrappers that add `--installroot`/`--root` the way a host's own tools need none; each
/// step is checked by a scan.
#[test]
fn dnf_and_rpm_builders_deploy_and_roll_back_a_root_for_real() {
    use patchcycle::family::pkgcmd;
    need(&["rpm", "rpmbuild", "dnf", "createrepo_c", "modifyrepo_c"]);
    let dnf_plugins = Command::new("dnf")
        .args(["download", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        dnf_plugins,
        "dnf-plugins-core is missing: run tests/install-deps.sh"
    );
    let env = Env::init();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let root = alma_setup(&env, w);
    let home = env.home().to_path_buf();
    let wrap = w.join("wrap");
    std::fs::create_dir_all(&wrap).unwrap();
    let r = root.display();
    for (tool, line) in [
        // Debian enables dnf's "local" plugin, which copies every installed package into
        // a repository on this machine: not for a test.
        (
            "dnf",
            format!("exec /usr/bin/dnf --disableplugin=local --installroot '{r}' \"$@\""),
        ),
        (
            "rpm",
            format!("exec /usr/bin/rpm --root '{r}' --dbpath /var/lib/rpm \"$@\""),
        ),
        (
            "needs-restarting",
            format!(
                "exec /usr/bin/dnf -q --disableplugin=local --installroot '{r}' needs-restarting \"$@\""
            ),
        ),
    ] {
        let p = wrap.join(tool);
        std::fs::write(&p, format!("#!/bin/sh\n{line}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let sh = |script: &str| -> String {
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("HOME", &home)
            .env(
                "PATH",
                format!("{}:{}", wrap.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let installed = || -> Vec<String> {
        let s = scan_json(
            &env,
            &[
                "--local",
                "--root",
                root.to_str().unwrap(),
                "--host",
                "alma9",
            ],
        );
        assert_eq!(s["status"], "ok", "{s}");
        let db = env.sqlite();
        let mut v: Vec<String> = db
            .prepare(
                "SELECT name || ' ' || version FROM installed WHERE name LIKE 'openssl%' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        v.sort();
        v
    };
    let old = vec![
        "openssl 1:3.0.7-1.el9".to_string(),
        "openssl-libs 1:3.0.7-1.el9".to_string(),
    ];
    let new = vec![
        "openssl 1:3.0.7-6.el9_2".to_string(),
        "openssl-libs 1:3.0.7-6.el9_2".to_string(),
    ];
    sh("dnf -q makecache");
    assert_eq!(installed(), old);

    // Keep the installed builds, install the frozen versions, roll back from the kept.
    let keep = w.join("kept packages");
    let kept: Vec<(&str, &str, &str)> = vec![
        ("openssl", "1:3.0.7-1.el9", "noarch"),
        ("openssl-libs", "1:3.0.7-1.el9", "noarch"),
    ];
    sh(&pkgcmd::dnf_download_for_rollback(&keep, &kept).unwrap());
    assert!(keep.join("openssl-libs-3.0.7-1.el9.noarch.rpm").is_file());
    let pins = [
        ("openssl", "1:3.0.7-6.el9_2"),
        ("openssl-libs", "1:3.0.7-6.el9_2"),
    ];
    let t0 = std::time::Instant::now();
    sh(&pkgcmd::dnf_install_exact(&pins).unwrap());
    eprintln!(
        "dnf install of 2 exact NEVRs into the root: {:?}",
        t0.elapsed()
    );
    assert_eq!(installed(), new);
    // glibc-less root: nothing core was updated.
    assert_eq!(sh(&pkgcmd::needs_restarting()), "reboot no\n");
    sh(&pkgcmd::rpm_rollback_from_kept(&keep, &kept).unwrap());
    assert_eq!(installed(), old);

    // The advisory way, then dnf's own undo of that transaction.
    sh(&pkgcmd::dnf_upgrade_advisories(&["ALSA-2023:2523"]).unwrap());
    assert_eq!(installed(), new);
    let history = sh("dnf -q history list");
    let last: u64 = history
        .lines()
        .filter_map(|l| l.split('|').next()?.trim().parse().ok())
        .max()
        .expect("a dnf transaction");
    sh(&pkgcmd::dnf_history_undo(last));
    assert_eq!(installed(), old);

    // A core package installed after boot: needs-restarting asks for a reboot.
    rpmbuild(
        &home,
        w,
        &Spec {
            name: "glibc",
            epoch: None,
            version: "2.34",
            release: "60.el9",
            subpackages: &[],
            provides: &[],
        },
    );
    let glibc = rpm_file(w, "glibc-2.34-60.el9");
    sh(&format!("rpm -i --nodeps '{}'", glibc.display()));
    assert_eq!(sh(&pkgcmd::needs_restarting()), "reboot yes\n");
}

/// Builds one empty package of `arch` (`x86_64` or `noarch`) with rpmbuild; returns the
/// RPM's path.
fn rpmbuild_arch(
    home: &Path,
    work: &Path,
    name: &str,
    epoch: Option<u32>,
    version: &str,
    release: &str,
    arch: &str,
) -> PathBuf {
    let mut text = format!(
        "Name: {name}\nVersion: {version}\nRelease: {release}\nSummary: patchcycle test package\nLicense: MIT\nBuildArch: {arch}\n"
    );
    if let Some(e) = epoch {
        text.push_str(&format!("Epoch: {e}\n"));
    }
    text.push_str("%description\ntest\n%files\n");
    let spec = work.join(format!("{name}-{version}-{release}.spec"));
    std::fs::write(&spec, text).unwrap();
    run(Command::new("rpmbuild")
        .env("HOME", home)
        .args(["-bb", "--quiet", "--define"])
        .arg(format!("_topdir {}", work.join("build").display()))
        .arg(&spec));
    let p = work.join(format!(
        "build/RPMS/{arch}/{name}-{version}-{release}.{arch}.rpm"
    ));
    assert!(p.exists(), "{} was not built", p.display());
    p
}

/// What the real collector prints for `root` (the script `scan --local --root` runs,
/// run here by `sh -s`), with its `uname` section, which an offline root leaves empty,
/// holding `running` instead: the output of a host running that kernel with that
/// package database.
fn collected_running(root: &Path, running: &str) -> String {
    use std::io::Write;
    let script = patchcycle::scan::collector_script(false, Some(root)).unwrap();
    let mut child = Command::new("sh")
        .arg("-s")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let token = text
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap()
        .to_string();
    let empty = format!("@@PC {token} uname\n\n@@PC {token} boot\n");
    assert!(text.contains(&empty), "{text}");
    text.replacen(
        &empty,
        &format!("@@PC {token} uname\n{running}\n\n@@PC {token} boot\n"),
        1,
    )
}

/// Debug kernels: `kernel-debug-core` is a kernel, `uname -r` names it with `+debug`
/// (RHEL 8 and later, AlmaLinux 9: `5.14.0-362.el9.x86_64+debug`), and a running
/// kernel is compared with the newest build of its own variant. The packages are built
/// by rpmbuild and installed by rpm into AlmaLinux 9 roots; the roots are scanned with
/// the real collector, and for the running kernel (a root runs none) the collector's
/// output of the root is imported with its uname section filled (`collected_running`).
#[test]
fn a_running_debug_kernel_is_its_own_package_and_only_a_newer_debug_build_needs_a_reboot() {
    need(&["rpm", "rpmbuild"]);
    let env = Env::init();
    let home = env.home().to_path_buf();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let build = |name: &str, epoch, v: &str, r: &str, arch: &str| {
        rpmbuild_arch(&home, w, name, epoch, v, r, arch)
    };
    let core_362 = build("kernel-core", None, "5.14.0", "362.el9", "x86_64");
    let core_427 = build("kernel-core", None, "5.14.0", "427.el9", "x86_64");
    let debug_362 = build("kernel-debug-core", None, "5.14.0", "362.el9", "x86_64");
    let debug_427 = build("kernel-debug-core", None, "5.14.0", "427.el9", "x86_64");
    let tzdata = build("tzdata", None, "2024a", "1.el9", "noarch");
    let libs = build("openssl-libs", Some(1), "3.0.7", "1.el9", "x86_64");
    let base = [core_362, debug_362, tzdata, libs];
    let root_with = |name: &str, extra: &[&PathBuf]| {
        let root = w.join(name);
        let mut rpms: Vec<PathBuf> = base.to_vec();
        rpms.extend(extra.iter().map(|p| (*p).clone()));
        make_root(&home, &root, ALMA9, &rpms);
        root
    };

    // The root itself: every package read, the epoch kept, both kernels known.
    let same = root_with("same", &[]);
    let s = scan_json(
        &env,
        &[
            "--local",
            "--root",
            same.to_str().unwrap(),
            "--host",
            "root1",
        ],
    );
    assert_eq!(s["packages"], 4, "{s}");
    assert_eq!(s["kernel_running"], Value::Null);
    let db = env.sqlite();
    let (kernels, epoch): (String, String) = db
        .query_row(
            "SELECT s.kernels, i.version FROM scans s JOIN installed i ON i.scan_id = s.id \
             WHERE i.name = 'openssl-libs'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        kernels,
        r#"["5.14.0-362.el9.x86_64","5.14.0-362.el9.x86_64+debug"]"#
    );
    assert_eq!(epoch, "1:3.0.7-1.el9");

    let import = |host: &str, root: &Path, running: &str| {
        env.ok(&["host", "add", host]);
        let file = env.file(&format!("{host}.out"), &collected_running(root, running));
        scan_json(&env, &["--import", file.to_str().unwrap(), "--host", host])
    };
    let debug = "5.14.0-362.el9.x86_64+debug";
    // Running the debug build that is installed: no reboot (it was "reboot required").
    let s = import("dbg-same", &same, debug);
    assert_eq!(s["kernel_running"], debug, "{s}");
    assert_eq!(s["kernel_latest"], debug, "{s}");
    assert_ne!(s["reboot_required"], true, "{s}");
    // A newer default kernel does not make the running debug kernel stale.
    let newer_default = root_with("newer-default", &[&core_427]);
    let s = import("dbg-default", &newer_default, debug);
    assert_eq!(s["kernel_latest"], debug, "{s}");
    assert_ne!(s["reboot_required"], true, "{s}");
    // A newer debug build does.
    let newer_debug = root_with("newer-debug", &[&debug_427]);
    let s = import("dbg-debug", &newer_debug, debug);
    assert_eq!(s["kernel_latest"], "5.14.0-427.el9.x86_64+debug", "{s}");
    assert_eq!(s["reboot_required"], true, "{s}");
    let shown = env.ok(&["host", "show", "dbg-debug"]);
    assert!(
        shown.contains("yes (kernel 5.14.0-362.el9.x86_64+debug → 5.14.0-427.el9.x86_64+debug)"),
        "{shown}"
    );
    // And the reverse: a newer debug build does not make the running default kernel
    // stale.
    let s = import("default-debug", &newer_debug, "5.14.0-362.el9.x86_64");
    assert_eq!(s["kernel_latest"], "5.14.0-362.el9.x86_64", "{s}");
    assert_ne!(s["reboot_required"], true, "{s}");
}

/// The rpm family's deploy scripts (`family::rpm::dnf::Dnf`, what `test`/`deploy` run on
/// an rpm host) run by `sh` against the AlmaLinux root with the real dnf and rpm (through
/// `--installroot`/`--root` wrappers), and judged by the engine's own judge: simulate,
/// keep, install the exact NEVRAs, the family's health checks, rollback verified back to
/// the exact `rpm -qa` of before; an unavailable target refused untouched; a held rpm
/// transaction lock refused untouched after the lock timeout.
#[test]
fn dnf_deployer_scripts_patch_and_roll_back_a_root_for_real() {
    use patchcycle::cycle::deployment::Before;
    use patchcycle::cycle::judge;
    use patchcycle::exec::protocol;
    use patchcycle::family::deploy::{Deployer, Pin};
    use patchcycle::family::rpm::dnf::Dnf;
    use std::collections::BTreeMap;
    use std::time::Duration;
    need(&[
        "rpm",
        "rpmbuild",
        "dnf",
        "createrepo_c",
        "modifyrepo_c",
        "python3",
    ]);
    let env = Env::init();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let root = alma_setup(&env, w);
    let home = env.home().to_path_buf();
    let wrap = w.join("wrap");
    std::fs::create_dir_all(&wrap).unwrap();
    let r = root.display();
    for (tool, line) in [
        (
            "dnf",
            format!("exec /usr/bin/dnf --disableplugin=local --installroot '{r}' \"$@\""),
        ),
        (
            "rpm",
            format!("exec /usr/bin/rpm --root '{r}' --dbpath /var/lib/rpm \"$@\""),
        ),
        (
            "needs-restarting",
            format!(
                "exec /usr/bin/dnf -q --disableplugin=local --installroot '{r}' needs-restarting \"$@\""
            ),
        ),
    ] {
        let p = wrap.join(tool);
        std::fs::write(&p, format!("#!/bin/sh\n{line}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The scripts set their own PATH (a host's): the wrappers go first through a
    // prefix that re-exports it after the prelude.
    let run_script = |script: &str| -> BTreeMap<String, String> {
        let token = protocol::token_of(script).unwrap().to_string();
        let script = script.replacen(
            "PATH=/usr/local/sbin:",
            &format!("PATH={}:/usr/local/sbin:", wrap.display()),
            1,
        );
        let out = Command::new("sh")
            .arg("-s")
            .env("HOME", &home)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(script.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        protocol::sections(&text, &token).unwrap_or_else(|| {
            panic!(
                "no END marker:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let d = &Dnf;
    let rpm_qa = || -> String {
        run(Command::new(wrap.join("rpm")).args(["-qa", "--qf", "%{NEVRA}\\n"]))
            .lines()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join("\n")
    };
    run(Command::new(wrap.join("dnf")).args(["-q", "makecache"]));
    let qa_before = rpm_qa();
    let pin = |name: &str, v: &str| Pin {
        package: name.into(),
        version: v.into(),
        arch: Some("noarch".into()),
    };
    let targets = vec![
        pin("openssl", "1:3.0.7-6.el9_2"),
        pin("openssl-libs", "1:3.0.7-6.el9_2"),
    ];
    let lock = Duration::from_secs(2);

    // An unavailable target: refused before anything changes.
    let gone = run_script(
        &d.simulate_script(&protocol::new_token(), &[pin("openssl", "1:3.0.7-9.el9")])
            .unwrap(),
    );
    let e = judge::before(d, &gone).unwrap_err();
    assert!(!e.touched);
    assert!(
        e.message
            .starts_with("dnf cannot install the targets; nothing was changed: "),
        "{}",
        e.message
    );
    assert_eq!(rpm_qa(), qa_before);

    // Simulate: both packages upgrade, from the installed EVR.
    let sim = run_script(&d.simulate_script(&protocol::new_token(), &targets).unwrap());
    eprintln!("dnf --assumeno:\n{}", sim["sim"]);
    let before: Before = judge::before(d, &sim).unwrap();
    let changes: Vec<(String, Option<String>, String, Option<String>)> = before
        .changes
        .iter()
        .map(|c| {
            (
                c.package.clone(),
                c.from.clone(),
                c.to.clone(),
                c.arch.clone(),
            )
        })
        .collect();
    let row = |n: &str| {
        (
            n.to_string(),
            Some("1:3.0.7-1.el9".to_string()),
            "1:3.0.7-6.el9_2".to_string(),
            Some("noarch".to_string()),
        )
    };
    assert_eq!(changes, vec![row("openssl"), row("openssl-libs")]);
    assert_eq!(rpm_qa(), qa_before);

    // Keep the installed builds (into the rollback directory of a deployment number no
    // other run uses), then install.
    let deployment = 900_000 + i64::from(std::process::id());
    /// Removes the rollback directory this test made on this machine, failed or not.
    struct RemoveOnDrop(PathBuf);
    impl Drop for RemoveOnDrop {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
            // Its parents too when nothing else is in them (remove_dir refuses otherwise).
            for up in self.0.ancestors().skip(1).take(2) {
                let _ = std::fs::remove_dir(up);
            }
        }
    }
    let _kept_dir = RemoveOnDrop(PathBuf::from(patchcycle::family::deploy::rollback_dir(
        deployment,
    )));
    let old = judge::to_keep(&before);
    let kept = run_script(
        &d.keep_script(&protocol::new_token(), deployment, &old)
            .unwrap(),
    );
    judge::kept(d, &old, &kept).unwrap();

    // A held rpm transaction lock: the install waits the lock timeout, stops dnf before
    // its transaction and says so; nothing changed.
    let lockfile = root.join("var/lib/rpm/.rpm.lock");
    let mut holder = Command::new("python3")
        .args([
            "-c",
            "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(60)",
        ])
        .arg(&lockfile)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = [0u8; 5];
    holder
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut line)
        .unwrap();
    let t0 = std::time::Instant::now();
    let held = run_script(
        &d.install_script(&protocol::new_token(), &targets, lock)
            .unwrap(),
    );
    let waited = t0.elapsed();
    holder.kill().unwrap();
    holder.wait().unwrap();
    eprintln!(
        "install under a held lock ({waited:?}):\n{}",
        held["install"]
    );
    let e = judge::install(d, &held, lock).unwrap_err();
    assert!(!e.touched, "{}", e.message);
    assert!(
        e.message.starts_with(
            "install failed: the rpm/dnf lock stayed taken for the lock_timeout of 2s; nothing was changed: "
        ),
        "{}",
        e.message
    );
    assert!(waited < Duration::from_secs(30), "{waited:?}");
    assert_eq!(rpm_qa(), qa_before);

    // Install, then the family's health checks and the versions.
    let installed = run_script(
        &d.install_script(&protocol::new_token(), &targets, lock)
            .unwrap(),
    );
    judge::install(d, &installed, lock).unwrap();
    let after = d.parse_readback(&installed).unwrap();
    assert_eq!(after.versions["openssl"], "1:3.0.7-6.el9_2");
    assert_eq!(after.versions["openssl-libs"], "1:3.0.7-6.el9_2");
    let changed: Vec<String> = before.changes.iter().map(|c| c.package.clone()).collect();
    let health = run_script(&d.health_script(&protocol::new_token(), &changed).unwrap());
    let planned: Vec<patchcycle::cycle::deployment::Target> = targets
        .iter()
        .map(|t| patchcycle::cycle::deployment::Target {
            package: t.package.clone(),
            from: "1:3.0.7-1.el9".into(),
            to: t.version.clone(),
            arch: t.arch.clone(),
        })
        .collect();
    let checks = judge::builtin_checks(d, Ok(&health), &planned, &before);
    let shown: Vec<(String, bool, String)> = checks
        .iter()
        .map(|c| (c.check.clone(), c.ok, c.detail.clone()))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("ssh".to_string(), true, "answers".to_string()),
            ("systemd".into(), true, "no systemd".into()),
            ("versions".into(), true, "2 equal their targets".into()),
            ("rpm -V".into(), true, "clean".into()),
            ("dnf check".into(), true, "clean".into()),
        ]
    );

    // Rollback from the kept packages: rpm -qa is the list from before, exactly.
    let back = run_script(
        &d.rollback_script(&protocol::new_token(), deployment, &before.changes, lock)
            .unwrap(),
    );
    assert_eq!(
        patchcycle::family::deploy::rc(&back),
        Some(0),
        "{}",
        back["rollback"]
    );
    let f = d.parse_readback(&back).unwrap();
    assert_eq!(
        d.rollback_differences(&before.changes, &f),
        Vec::<String>::new()
    );
    assert_eq!(rpm_qa(), qa_before);
    run_script(&d.cleanup_script(&protocol::new_token(), deployment));
    assert!(!Path::new(&patchcycle::family::deploy::rollback_dir(deployment)).exists());
}

/// Incremental scans of an rpm root: after a full collection, an unchanged root answers
/// `unchanged` (dnf is not run) with the same findings; an upgrade in the rpm database
/// and new repository metadata in dnf's cache each force a full collection that sees
/// them.
#[test]
fn an_rpm_root_is_collected_in_full_when_rpmdb_or_dnf_metadata_change() {
    let env = Env::init();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let root = alma_setup(&env, w);
    let out = env.run(&["sync", "--from", data().to_str().unwrap(), "osv:AlmaLinux"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let r = root.to_str().unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec!["--local", "--root", r, "--host", "alma9"];
        args.extend_from_slice(extra);
        scan_json(&env, &args)
    };
    let collection = |s: &Value| s["collection"].as_str().unwrap().to_string();
    let fingerprint = || -> Option<String> {
        env.sqlite()
            .query_row(
                "SELECT fingerprint FROM scans ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // --refresh fills dnf's cache (and takes no fingerprint: the lists change under it).
    let s = scan(&["--refresh"]);
    assert_eq!(
        (collection(&s), s["pending"].clone()),
        ("full".into(), 2.into()),
        "{s}"
    );
    assert_eq!(fingerprint(), None);
    let s = scan(&[]);
    assert_eq!(collection(&s), "full", "{s}");
    let full_findings = findings(&env, "alma9");
    assert_eq!(full_findings.len(), 2);
    let cache: Vec<PathBuf> = std::fs::read_dir(root.join("var/cache/dnf"))
        .unwrap()
        .map(|e| e.unwrap().path().join("repodata/repomd.xml"))
        .filter(|p| p.exists())
        .collect();
    assert_eq!(
        cache.len(),
        1,
        "dnf's cache of the test repository: {cache:?}"
    );
    let s = scan(&[]);
    assert_eq!(
        (collection(&s), s["pending"].clone()),
        ("unchanged".into(), 2.into()),
        "{s}"
    );
    assert_eq!(findings(&env, "alma9"), full_findings);

    // An upgrade in the rpm database.
    let home = env.home();
    run(Command::new("rpm")
        .env("HOME", home)
        .arg("--root")
        .arg(&root)
        .args(["--dbpath", "/var/lib/rpm", "-U", "--nodeps"])
        .arg(rpm_file(w, "openssl-3.0.7-6.el9_2")));
    let s = scan(&[]);
    assert_eq!(
        (collection(&s), s["pending"].clone()),
        ("full".into(), 1.into()),
        "{s}"
    );
    let s = scan(&[]);
    assert_eq!(collection(&s), "unchanged", "{s}");

    // The repository loses the fixed builds; dnf's cache is refreshed outside patchcycle.
    let repo = w.join("mirror/errata/alma9");
    for nvr in ["openssl-3.0.7-6.el9_2", "openssl-libs-3.0.7-6.el9_2"] {
        std::fs::remove_file(repo.join(format!("{nvr}.noarch.rpm"))).unwrap();
    }
    run(Command::new("createrepo_c")
        .args(["-q", "--update"])
        .arg(&repo));
    run(Command::new("dnf")
        .env("HOME", home)
        .arg("--installroot")
        .arg(&root)
        .args(["-q", "makecache"]));
    let s = scan(&[]);
    assert_eq!(
        (collection(&s), s["pending"].clone()),
        ("full".into(), 0.into()),
        "{s}"
    );
    let s = scan(&[]);
    assert_eq!(collection(&s), "unchanged", "{s}");
}
