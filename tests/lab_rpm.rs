//! The fleet lab's rpm hosts (tests/lab: `lab.sh up N --variant rpm`, hosts r1..rN): real
//! rpm 4.18 and dnf 4.14 against a real rpmdb and a local rpm-md repository with errata,
//! on an AlmaLinux 9 stand-in. `patchcycle scan` over real ssh is checked against rpm and
//! dnf run inside the hosts: the packages against `rpm -qa`, the pending security updates
//! against `lab.sh expected` (`dnf -C updateinfo list --security`), every pending update
//! against `dnf repoquery --upgrades`; a reboot of the lab boots the new kernel and
//! `needs-restarting -r` follows; `reset` restores the initial rpmdb.
//!
//! Run against a private lab with `PATCHCYCLE_LAB_DIR=/var/lib/patchcycle-lab-x
//! PATCHCYCLE_LAB_PORT_BASE=2600 cargo test --test lab_rpm`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{Env, render};
use common::lab::{Lab, lab_or_skip_rpm};

/// Lab hosts are shared: tests that reset or change them take turns.
static LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lab_turn() -> std::sync::MutexGuard<'static, ()> {
    LAB.lock().unwrap_or_else(|p| p.into_inner())
}

/// An environment whose ssh uses the lab's generated config.
fn lab_env(ssh_config: &Path) -> (Env, String) {
    let env = Env::init();
    let cfg = env.file(
        "lab.toml",
        &format!(
            "[ssh]\nconfig_file = \"{}\"\nconnect_timeout = 5\n",
            ssh_config.display()
        ),
    );
    (env, cfg.display().to_string())
}

fn pc(env: &Env, cfg: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--config", cfg];
    all.extend_from_slice(args);
    env.run(&all)
}

/// (name, epoch, version, release, arch), epoch "0" when the package has none.
type Nevra = (String, String, String, String, String);

/// rpm's own list of the host's packages (the signing keys' pseudo-packages left out).
fn rpm_qa(lab: &Lab, host: &str) -> BTreeSet<Nevra> {
    let out = lab.ssh_ok(
        host,
        r"rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}}:{0}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'",
    );
    out.lines()
        .filter(|l| !l.starts_with("gpg-pubkey\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "{host}: rpm -qa line {l:?}");
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].to_string(),
                f[3].to_string(),
                f[4].to_string(),
            )
        })
        .collect()
}

/// `[E:]V-R` → (epoch or "0", version, release).
fn split_evr(evr: &str) -> (String, String, String) {
    let (epoch, vr) = evr.split_once(':').unwrap_or(("0", evr));
    let (v, r) = vr
        .rsplit_once('-')
        .unwrap_or_else(|| panic!("no release in {evr:?}"));
    (epoch.to_string(), v.to_string(), r.to_string())
}

const LATEST_SCAN: &str = "s.id = (SELECT max(id) FROM scans WHERE host_id = h.id)";

/// The packages of the host's latest scan.
fn scanned_packages(env: &Env, host: &str) -> BTreeSet<Nevra> {
    let db = env.sqlite();
    let sql = format!(
        "SELECT i.name, i.version, i.arch FROM installed i JOIN scans s ON s.id = i.scan_id \
         JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1 AND {LATEST_SCAN}"
    );
    let mut stmt = db.prepare(&sql).unwrap();
    stmt.query_map([host], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })
    .unwrap()
    .map(|r| {
        let (name, version, arch) = r.unwrap();
        let (e, v, rel) = split_evr(&version);
        (name, e, v, rel, arch.unwrap_or_default())
    })
    .collect()
}

/// The pending updates of the host's latest scan: (package, from, to), security or not.
fn scanned_pending(env: &Env, host: &str, security: bool) -> BTreeSet<(String, String, String)> {
    let db = env.sqlite();
    let sql = format!(
        "SELECT p.package, coalesce(p.from_version, ''), p.to_version FROM pending p \
         JOIN scans s ON s.id = p.scan_id JOIN hosts h ON h.id = s.host_id \
         WHERE h.name = ?1 AND p.security = ?2 AND {LATEST_SCAN}"
    );
    let mut stmt = db.prepare(&sql).unwrap();
    stmt.query_map(rusqlite::params![host, security], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// dnf's upgrades of the host: (package, to) with `to` as `[E:]V-R`.
fn dnf_upgrades(lab: &Lab, host: &str) -> BTreeSet<(String, String)> {
    lab.ssh_ok(
        host,
        "dnf -C -q repoquery --upgrades --qf '%{name} %{epoch}:%{version}-%{release}'",
    )
    .lines()
    .filter(|l| !l.trim().is_empty())
    .map(|l| {
        let (name, evr) = l.split_once(' ').unwrap();
        (
            name.to_string(),
            evr.strip_prefix("0:").unwrap_or(evr).to_string(),
        )
    })
    .collect()
}

/// dnf's security errata of the host: (package, advisory id).
fn dnf_advisories(lab: &Lab, host: &str) -> BTreeSet<(String, String)> {
    lab.ssh_ok(host, "dnf -C -q updateinfo list --security")
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let [id, _kind, nevra] = f.as_slice() else {
                return None;
            };
            // name-[E:]V-R.arch
            let nevr = nevra.rsplit_once('.')?.0;
            let name = nevr.rsplit_once('-')?.0.rsplit_once('-')?.0;
            Some((name.to_string(), id.to_string()))
        })
        .collect()
}

/// The host's findings by the scan: (package, advisory id).
/// The host's findings as (package, advisory), apart from those kept open for a pending
/// restart (fixed on disk, the old build still running: dnf no longer lists them).
fn scanned_advisories(env: &Env, host: &str) -> BTreeSet<(String, String)> {
    findings_advisories(env, host, false)
}

/// The findings kept open because a process still runs the old build (#20).
fn restart_pending_advisories(env: &Env, host: &str) -> BTreeSet<(String, String)> {
    findings_advisories(env, host, true)
}

fn findings_advisories(env: &Env, host: &str, restart_pending: bool) -> BTreeSet<(String, String)> {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&env.ok(&["findings", "--host", host, "--format", "json"])).unwrap();
    rows.iter()
        .filter(|r| r.get("restart_pending").is_some_and(|v| !v.is_null()) == restart_pending)
        .flat_map(|r| {
            let p = r["package"].as_str().unwrap().to_string();
            r["advisories"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |a| (p.clone(), a.as_str().unwrap().to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// How many of the lab daemon's mappings are of deleted files (what restart detection
/// looks for); panics when pclabd does not run.
fn pclabd_deleted_maps(lab: &Lab, host: &str) -> usize {
    let out = lab.ssh_ok(
        host,
        "read -r pid _ </run/pclabd.pid && test \"$(cat /proc/$pid/comm)\" = pclabd \
         && grep -c ' (deleted)$' /proc/$pid/maps || true",
    );
    out.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{host}: pclabd does not run: {out:?}"))
}

fn host_json(env: &Env, host: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["host", "show", host, "--format", "json"])).unwrap()
}

/// Checks everything the scan says about `host` against rpm and dnf inside it.
fn check_scan(env: &Env, lab: &Lab, host: &str) {
    let packages = rpm_qa(lab, host);
    assert_eq!(
        scanned_packages(env, host),
        packages,
        "{host}: scanned packages differ from rpm -qa"
    );
    let expected: BTreeSet<(String, String, String)> = lab.expected(host).into_iter().collect();
    assert_eq!(
        scanned_pending(env, host, true),
        expected,
        "{host}: pending security updates differ from dnf's (lab.sh expected)"
    );
    let all: BTreeSet<(String, String)> = scanned_pending(env, host, true)
        .into_iter()
        .chain(scanned_pending(env, host, false))
        .map(|(p, _, to)| (p, to))
        .collect();
    assert_eq!(
        all,
        dnf_upgrades(lab, host),
        "{host}: pending updates differ from dnf repoquery --upgrades"
    );
    assert_eq!(
        scanned_advisories(env, host),
        dnf_advisories(lab, host),
        "{host}: findings differ from dnf's security errata"
    );
    let h = host_json(env, host);
    assert_eq!(h["ecosystem"], "AlmaLinux:9", "{h}");
    assert_eq!(h["os_id"], "almalinux", "{h}");
    let uname = lab.ssh_ok(host, "uname -r");
    assert_eq!(h["kernel_running"], uname.trim(), "{h}");
}

#[test]
fn rpm_hosts_scan_like_rpm_and_dnf_answer_inside_them() {
    let _turn = lab_turn();
    let t0 = Instant::now();
    let lab = lab_or_skip_rpm!(2);
    let hosts = lab.hosts();
    assert_eq!(hosts, ["r1", "r2"]);
    for h in &hosts {
        lab.reset(h);
    }
    eprintln!("lab up and reset: {:?}", t0.elapsed());

    // The generated config pins host keys and stays on loopback.
    let g = std::process::Command::new("ssh")
        .arg("-F")
        .arg(lab.ssh_config())
        .args(["-G", "r1"])
        .output()
        .unwrap();
    let g = String::from_utf8_lossy(&g.stdout);
    assert!(g.lines().any(|l| l == "stricthostkeychecking true"), "{g}");
    assert!(g.lines().any(|l| l == "hostname 127.0.0.1"), "{g}");
    assert!(g.lines().any(|l| l == "hostkeyalias r1"), "{g}");
    let status = lab.status();
    for h in &hosts {
        assert!(
            status
                .lines()
                .any(|l| l.starts_with(&format!("{h} ")) && l.contains(" running ")),
            "{status}"
        );
    }

    let initial = rpm_qa(&lab, "r1");
    let initial_expected = lab.expected("r1");
    for h in &hosts {
        // Each host is its own machine, with AlmaLinux's os-release and an rpmdb.
        assert_eq!(lab.ssh_ok(h, "hostname").trim(), h.as_str());
        lab.ssh_ok(h, "grep -qx 'ID=\"almalinux\"' /etc/os-release");
        assert_eq!(rpm_qa(&lab, h), initial, "{h}: not in the initial state");
    }
    // What the lab promises: epochs, a kernel, arch-specific and noarch packages,
    // security updates pending, and a bug fix update that is not a security one.
    assert!(initial.iter().any(|p| p.0 == "kernel" && p.4 == "x86_64"));
    assert!(initial.iter().any(|p| p.1 != "0"));
    assert!(initial.iter().any(|p| p.4 == "noarch"));
    assert!(initial_expected.len() >= 2, "{initial_expected:?}");
    assert!(initial_expected.iter().any(|(p, _, _)| p == "kernel"));
    let bugfix = lab.ssh_ok("r1", "dnf -C -q updateinfo list --bugfix");
    assert!(bugfix.contains("ALBA-"), "{bugfix}");
    // The lab's daemon runs, on the files of its installed packages.
    assert_eq!(pclabd_deleted_maps(&lab, "r1"), 0);

    let (env, cfg) = lab_env(lab.ssh_config());
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    for h in &hosts {
        env.ok(&["host", "add", h, "-g", "pilot"]);
    }
    let t = Instant::now();
    let out = pc(&env, &cfg, &["scan", "--all"]);
    eprintln!("scan of {} rpm hosts: {:?}", hosts.len(), t.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    for h in &hosts {
        check_scan(&env, &lab, h);
        assert!(
            !scanned_pending(&env, h, false).is_empty(),
            "{h}: the bug fix update should be pending"
        );
        let j = host_json(&env, h);
        assert_eq!(j["reboot_required"], false, "{j}");
    }

    // dnf applies the security errata on r1: nothing security is pending any more, the
    // new kernel is installed next to the old one, and a reboot is needed.
    lab.ssh_ok("r1", "dnf -y -q upgrade --security");
    assert!(lab.expected("r1").is_empty(), "{:?}", lab.expected("r1"));
    let out = pc(&env, &cfg, &["scan", "r1"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    check_scan(&env, &lab, "r1");
    assert!(scanned_pending(&env, "r1", true).is_empty());
    let kernels = rpm_qa(&lab, "r1")
        .iter()
        .filter(|p| p.0 == "kernel")
        .count();
    assert_eq!(kernels, 2);
    let j = host_json(&env, "r1");
    assert_eq!(j["reboot_required"], true, "{j}");
    let nr = lab.ssh("r1", "needs-restarting -r");
    assert_eq!(nr.status.code(), Some(1), "{nr:?}");
    // The update replaced the daemon's binary and library under it: restart detection
    // (`rpm -qf` owners on a live rpm host) keeps the daemon's finding open until the
    // old build stops running.
    assert!(pclabd_deleted_maps(&lab, "r1") > 0);
    let kept = restart_pending_advisories(&env, "r1");
    assert!(
        kept.iter().any(|(p, _)| p.starts_with("pclab-daemon")),
        "r1: pclabd runs the old build, its finding should stay open: {kept:?}"
    );

    // The lab's reboot boots the newest kernel; needs-restarting -r sees the boot. The
    // sessions drop 0.2 s after `reboot` returns.
    let _ = lab.ssh("r1", "reboot");
    std::thread::sleep(Duration::from_millis(500));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = lab.ssh("r1", "needs-restarting -r >/dev/null; echo $?; uname -r");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && text.starts_with("0\n") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "r1 still wants a reboot 20 s after it: {text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = pc(&env, &cfg, &["scan", "r1"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    check_scan(&env, &lab, "r1");
    let j = host_json(&env, "r1");
    assert_eq!(j["reboot_required"], false, "{j}");
    assert_eq!(j["kernel_running"], j["kernel_latest"], "{j}");
    // The reboot started the daemon again, on the new files: nothing is kept open.
    assert_eq!(pclabd_deleted_maps(&lab, "r1"), 0);
    assert_eq!(restart_pending_advisories(&env, "r1"), BTreeSet::new());

    // reset restores the initial rpmdb (and r2 was never touched).
    let t = Instant::now();
    lab.reset("r1");
    let took = t.elapsed();
    eprintln!("reset r1 took {took:?}");
    assert!(took < Duration::from_secs(5), "reset took {took:?}");
    assert_eq!(rpm_qa(&lab, "r1"), initial);
    assert_eq!(lab.expected("r1"), initial_expected);
    assert_eq!(rpm_qa(&lab, "r2"), initial);
    let out = pc(&env, &cfg, &["scan", "r1"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    check_scan(&env, &lab, "r1");

    // A package taken out of r2's repository (lab-repo-refresh remakes the metadata, with
    // the errata) is no update any more; reset brings it back.
    let before = dnf_upgrades(&lab, "r2");
    assert!(
        before.iter().any(|(p, _)| p == "pclab-tzdata"),
        "{before:?}"
    );
    lab.ssh_ok(
        "r2",
        "rm /srv/pclab-repo/Packages/pclab-tzdata-2024b-2.el9.noarch.rpm && lab-repo-refresh",
    );
    let after = dnf_upgrades(&lab, "r2");
    let gone: BTreeSet<(String, String)> = before
        .iter()
        .filter(|(p, _)| p != "pclab-tzdata")
        .cloned()
        .collect();
    assert_eq!(after, gone);
    assert_eq!(dnf_advisories(&lab, "r2"), dnf_advisories(&lab, "r1"));
    lab.reset("r2");
    assert_eq!(dnf_upgrades(&lab, "r2"), before);
    eprintln!("whole test: {:?}", t0.elapsed());
}
