//! `test`, `approve`, `deploy` and `rollback` end to end on the fleet lab's rpm hosts
//! (r1..rN: real rpm 4.18 and dnf 4.14 against a real rpmdb and a local rpm-md
//! repository with errata, on an AlmaLinux 9 stand-in; see tests/lab/README.md), over
//! real ssh, checked with `rpm -qa` on the hosts and dnf's own answer (`lab.sh expected
//! rN`: `dnf -C updateinfo list --security`).
//!
//! Run against a private lab with `PATCHCYCLE_LAB_DIR=/var/lib/patchcycle-lab-x
//! PATCHCYCLE_LAB_PORT_BASE=2600 cargo test --test deploy_rpm_lab`.

mod common;

use std::path::Path;

use common::cli::render;
use common::deploy::{Setup, data, lab_turn};
use common::lab::{Lab, lab_or_skip, lab_or_skip_rpm};

/// The rpm hosts' errata source: the updateinfo of the lab's repository, as
/// `errata:pclab` (synced from a mirror directory, never from this address).
const PCLAB_ERRATA: &str = "\n[[sync.errata]]\nname = \"pclab\"\n\
     url = \"https://repo.almalinux.org/almalinux/9/AppStream/x86_64/os/\"\n\
     ecosystem = \"AlmaLinux:9\"\n";

/// An environment for rpm (and mixed) cycles: the lab's ssh config and the pclab errata.
fn setup(ssh_config: &Path, pilot: &[&str], prod: &[&str]) -> Setup {
    Setup::new(ssh_config, PCLAB_ERRATA, pilot, prod, &[])
}

/// Syncs the rpm hosts' errata (the updateinfo of the lab's repository, as
/// `errata:pclab`), scans every host and starts the cycle.
fn scan_and_start(s: &Setup) {
    let repodata = common::lab::lab_dir().join("layers/rpm/srv/pclab-repo/repodata");
    let mirror = s.env.home().join("mirror");
    let into = mirror.join("errata/pclab/repodata");
    std::fs::create_dir_all(&into).unwrap();
    for f in std::fs::read_dir(&repodata).expect("the lab's rpm repository") {
        let f = f.unwrap();
        std::fs::copy(f.path(), into.join(f.file_name())).unwrap();
    }
    s.sync_scan_and_start(&["--from", mirror.to_str().unwrap(), "errata:pclab"]);
}

/// rpm's own list of a host's packages, one NEVRA a line, sorted.
fn rpm_qa(lab: &Lab, host: &str) -> String {
    lab.ssh_ok(host, "rpm -qa --qf '%{NEVRA}\\n' | sort")
}

/// How many transactions dnf's history of a host holds.
fn dnf_transactions(lab: &Lab, host: &str) -> usize {
    lab.ssh_ok(host, "dnf -q history list 2>/dev/null")
        .lines()
        .filter(|l| {
            l.split('|')
                .next()
                .is_some_and(|id| id.trim().parse::<u64>().is_ok())
        })
        .count()
}

fn reset_all(lab: &Lab) {
    for h in lab.hosts() {
        lab.reset(&h);
    }
}

#[test]
fn rpm_full_cycle_test_approve_deploy_rollback() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    reset_all(&lab);
    let s = setup(lab.ssh_config(), &["r1"], &["r2", "r3"]);
    scan_and_start(&s);
    let before: Vec<String> = ["r1", "r2", "r3"].iter().map(|h| rpm_qa(&lab, h)).collect();
    let expected = lab.expected("r1");
    assert!(!expected.is_empty(), "r1 has pending security updates");

    // The frozen patch set is what dnf offers as the security fix, EVR for EVR.
    let frozen: std::collections::BTreeSet<(String, String)> = s
        .env
        .sqlite()
        .prepare("SELECT package, target FROM cycle_patches WHERE ecosystem LIKE 'AlmaLinux%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let oracle: std::collections::BTreeSet<(String, String)> = expected
        .iter()
        .map(|(p, _, to)| (p.clone(), to.clone()))
        .collect();
    assert_eq!(frozen, oracle);

    // A dry run prints the exact targets and changes nothing.
    let plan = s.code(0, &["test", "--dry-run"], 0);
    for (p, _, to) in &expected {
        assert!(
            plan.contains(p.as_str()) && plan.contains(to.as_str()),
            "{p} {to} missing:\n{plan}"
        );
    }
    assert!(
        plan.contains("rpm -V of the changed packages clean"),
        "{plan}"
    );
    assert_eq!(rpm_qa(&lab, "r1"), before[0], "dry run changed r1");

    s.code(0, &["test", "--yes"], 0);
    assert!(
        lab.expected("r1").is_empty(),
        "r1 still has pending security updates: {:?}",
        lab.expected("r1")
    );
    // Every target went in as name-[E:]V-R.arch; the kernel is installed beside the
    // old one (install-only) and the host was rebooted into it (needs-restarting -r).
    let test_dep = s.deployment_of("pilot");
    let (targets, rebooted): (String, bool) = s
        .env
        .sqlite()
        .query_row(
            "SELECT targets, rebooted FROM deployment_hosts WHERE deployment_id = ?1",
            [test_dep],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(targets.contains("\"arch\":\"x86_64\""), "{targets}");
    assert!(rebooted, "r1 was not rebooted after its kernel update");
    let kernels = lab.ssh_ok("r1", "rpm -q kernel | wc -l");
    assert_eq!(
        kernels.trim(),
        "2",
        "install-only kernel beside the old one"
    );

    s.code(
        31,
        &["approve", "--group", "prod", "--change", "CHG-1", "--yes"],
        0,
    );
    s.code(40, &["deploy", "--group", "prod", "--yes"], 0);
    let dep = s.deployment_of("prod");
    for h in ["r2", "r3"] {
        assert_eq!(s.host_state(dep, h).0, "done", "{h}");
        assert!(
            lab.expected(h).is_empty(),
            "{h} still has pending security updates: {:?}",
            lab.expected(h)
        );
    }
    // A rescan agrees: no pending security update on any host.
    s.code(50, &["-q", "scan", "--all"], 0);
    let pending: i64 = s
        .env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM pending p JOIN scans s ON s.id = p.scan_id WHERE p.security = 1 \
             AND s.id IN (SELECT max(id) FROM scans GROUP BY host_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);

    // Rolling r3 back: rpm -qa is the list from before, exactly.
    let out = s.code(
        60,
        &["rollback", &dep.to_string(), "--host", "r3", "--yes"],
        0,
    );
    assert!(out.contains("rolled-back"), "{out}");
    assert_eq!(rpm_qa(&lab, "r3"), before[2], "r3 not back at its packages");
    assert_ne!(rpm_qa(&lab, "r2"), before[1], "r2 must stay patched");

    // Closing with --cleanup removes the kept packages from the hosts.
    let kept = format!("test -d /var/cache/patchcycle/rollback/{dep}");
    assert!(lab.ssh("r2", &kept).status.success());
    let out = s.code(60, &["cycle", "close", "--cleanup", "--yes"], 0);
    assert!(out.contains("kept packages removed"), "{out}");
    assert!(!lab.ssh("r2", &kept).status.success());
    s.code(60, &["audit", "verify"], 0);
}

/// The pilot group holds r1..r3, one host per wave.
fn pilot_of_three(lab: &Lab, policy: &[&str]) -> Setup {
    reset_all(lab);
    let s = setup(lab.ssh_config(), &["r1", "r2", "r3"], &[]);
    let mut args = vec!["group", "set", "pilot", "--set", "max_parallel=1"];
    for p in policy {
        args.push("--set");
        args.push(p);
    }
    s.ok(&args);
    scan_and_start(&s);
    s
}

#[test]
fn rpm_failing_health_check_rolls_back_exactly_and_halts() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    let s = pilot_of_three(
        &lab,
        &[
            "failure_threshold=1",
            "rollback_on_failure=true",
            "health_commands=[\"if [ -e /etc/lab-unhealthy ]; then echo service down; exit 1; fi\"]",
        ],
    );
    lab.ssh_ok("r1", "touch /etc/lab-unhealthy");
    let before_r1 = rpm_qa(&lab, "r1");
    let before_r3 = rpm_qa(&lab, "r3");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("halted") && out.contains("failure threshold"),
        "{out}"
    );
    let dep = s.deployment_of("pilot");
    let (state, error) = s.host_state(dep, "r1");
    assert_eq!(state, "rolled-back", "{error:?}");
    assert!(error.unwrap_or_default().contains("service down"));
    assert_eq!(rpm_qa(&lab, "r1"), before_r1, "r1 not rolled back exactly");
    assert_eq!(s.host_state(dep, "r2").0, "pending");
    assert_eq!(s.host_state(dep, "r3").0, "pending");
    assert_eq!(rpm_qa(&lab, "r3"), before_r3, "r3 touched after the halt");
    let out = s.code(0, &["test", "--resume", "--yes"], 4);
    assert!(
        out.contains("2 of 3 host(s) done, 1 failed (1 rolled back), 0 not reached"),
        "{out}"
    );
    assert!(lab.expected("r3").is_empty());
    s.code(0, &["audit", "verify"], 0);
}

#[test]
fn rpm_unavailable_target_leaves_host_untouched() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    reset_all(&lab);
    let s = setup(lab.ssh_config(), &["r1"], &[]);
    scan_and_start(&s);
    // The frozen build of pclab-openssl is taken out of r1's repository.
    lab.ssh_ok(
        "r1",
        "cd /srv/pclab-repo/Packages && ls pclab-openssl-3.0.7-27.el9_4.*.rpm && \
         rm -f pclab-openssl-3.0.7-27.el9_4.*.rpm && lab-repo-refresh",
    );
    let before = rpm_qa(&lab, "r1");
    let transactions = dnf_transactions(&lab, "r1");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("dnf cannot install the targets; nothing was changed")
            && out.contains("pclab-openssl-1:3.0.7-27.el9_4.x86_64"),
        "{out}"
    );
    assert_eq!(rpm_qa(&lab, "r1"), before);
    assert_eq!(dnf_transactions(&lab, "r1"), transactions);
    lab.reset("r1");
}

/// Holds rpm's transaction lock on `host` for `secs` seconds (as a running rpm would).
fn hold_rpm_lock(lab: &Lab, host: &str, secs: u32) {
    lab.ssh_ok(
        host,
        &format!(
            "rm -f /run/lab-locked; setsid python3 -c 'import fcntl,time; \
             f=open(\"/var/lib/rpm/.rpm.lock\",\"a\"); fcntl.lockf(f,fcntl.LOCK_EX); \
             open(\"/run/lab-locked\",\"w\").close(); time.sleep({secs})' </dev/null >/dev/null 2>&1 &"
        ),
    );
    lab.ssh_ok(
        host,
        "for i in $(seq 50); do [ -e /run/lab-locked ] && exit 0; sleep 0.1; done; exit 1",
    );
}

#[test]
fn rpm_lock_held_waits_then_fails_untouched() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    reset_all(&lab);
    let s = setup(lab.ssh_config(), &["r1"], &["r3"]);
    s.ok(&["group", "set", "pilot", "--set", "lock_timeout=\"3s\""]);
    s.ok(&["group", "set", "prod", "--set", "lock_timeout=\"60s\""]);
    scan_and_start(&s);
    let before = rpm_qa(&lab, "r1");
    hold_rpm_lock(&lab, "r1", 40);
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("rpm/dnf lock stayed taken for the lock_timeout of 3s; nothing was changed"),
        "{out}"
    );
    assert_eq!(
        rpm_qa(&lab, "r1"),
        before,
        "r1 changed although rpm had no lock"
    );
    assert_eq!(s.host_state(s.deployment_of("pilot"), "r1").0, "failed");
    // Held for 3 s with a 60 s timeout: the install waits for it and goes through.
    hold_rpm_lock(&lab, "r3", 3);
    s.code(0, &["test", "--group", "prod", "--yes"], 0);
    assert!(lab.expected("r3").is_empty());
    lab.reset("r1");
}

#[test]
fn rpm_kill_during_test_then_resume_does_each_host_once() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    let s = pilot_of_three(&lab, &[]);
    let history_before: Vec<usize> = lab
        .hosts()
        .iter()
        .map(|h| dnf_transactions(&lab, h))
        .collect();
    let mut child = s
        .env
        .cmd(&["--config", &s.cfg, "test", "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once r2 is under way (r1 finished), within 3 minutes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    let mut killed_at = None;
    while std::time::Instant::now() < deadline {
        if let Ok(conn) = rusqlite::Connection::open(s.env.db()) {
            let step: Option<String> = conn
                .query_row(
                    "SELECT dh.step FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
                     WHERE h.name = 'r2' AND dh.state = 'running'",
                    [],
                    |r| r.get(0),
                )
                .ok();
            if let Some(step) = step.filter(|s| s == "before" || s == "keep" || s == "install") {
                child.kill().expect("kill -9");
                killed_at = Some(step);
                break;
            }
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.wait();
    let step = killed_at.expect("r2 never got under way before the deadline");
    let dep = s.deployment_of("pilot");
    assert_eq!(s.host_state(dep, "r1").0, "done");
    assert_eq!(
        s.host_state(dep, "r2").0,
        "running",
        "killed after step {step}"
    );
    let out = s.code(0, &["test", "--resume", "--yes"], 0);
    assert!(out.contains("3 of 3 host(s) done, 0 failed"), "{out}");
    for (i, h) in lab.hosts().iter().enumerate() {
        assert!(
            lab.expected(h).is_empty(),
            "{h} still has pending security updates"
        );
        // One install transaction per host in dnf's history, resumed or not.
        assert_eq!(
            dnf_transactions(&lab, h),
            history_before[i] + 1,
            "{h}: dnf history after a resume (killed after step {step})"
        );
    }
}

/// One cycle over a mixed fleet: a Debian and an rpm host in the pilot, the same in
/// production; the frozen patch set per ecosystem, and each host patched by its own
/// family's scripts in the same runs.
#[test]
fn mixed_debian_and_rpm_cycle_end_to_end() {
    let _turn = lab_turn();
    let deb = lab_or_skip!(3);
    let Some(rpm) = Lab::up_rpm_or_skip(3) else {
        return;
    };
    for h in ["h1", "h3"] {
        deb.reset(h);
    }
    for h in ["r1", "r2"] {
        rpm.reset(h);
    }
    // Both variants share one lab directory, hence one ssh config.
    assert_eq!(deb.ssh_config(), rpm.ssh_config());
    let s = setup(deb.ssh_config(), &["h1", "r1"], &["h3", "r2"]);
    let out = s.run_at(
        0,
        &[
            "-q",
            "sync",
            "--from",
            data().to_str().unwrap(),
            "osv:Debian",
        ],
    );
    assert!(out.status.success(), "{}", render(&s.env, &out));
    scan_and_start(&s);
    let ecosystems: Vec<String> = s
        .env
        .sqlite()
        .prepare("SELECT DISTINCT ecosystem FROM cycle_patches ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ecosystems.len(), 2, "{ecosystems:?}");
    let plan = s.code(0, &["test", "--dry-run"], 0);
    assert!(
        plan.contains("dpkg --audit clean") && plan.contains("dnf check clean"),
        "{plan}"
    );
    s.code(0, &["test", "--yes"], 0);
    assert!(deb.expected("h1").is_empty(), "{:?}", deb.expected("h1"));
    assert!(rpm.expected("r1").is_empty(), "{:?}", rpm.expected("r1"));
    s.code(
        31,
        &["approve", "--group", "prod", "--change", "CHG-9", "--yes"],
        0,
    );
    let before_r2 = rpm_qa(&rpm, "r2");
    s.code(40, &["deploy", "--group", "prod", "--yes"], 0);
    assert!(deb.expected("h3").is_empty(), "{:?}", deb.expected("h3"));
    assert!(rpm.expected("r2").is_empty(), "{:?}", rpm.expected("r2"));
    let dep = s.deployment_of("prod");
    let out = s.code(
        60,
        &["rollback", &dep.to_string(), "--host", "r2", "--yes"],
        0,
    );
    assert!(out.contains("rolled-back"), "{out}");
    assert_eq!(rpm_qa(&rpm, "r2"), before_r2);
    // The report covers both families in one run, with compliance per OS.
    s.code(60, &["-q", "scan", "--all"], 0);
    let out = s.run_at(60, &["report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&s.env, &out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_os: Vec<(String, u64, u64)> = report["compliance_by_os"]
        .as_array()
        .expect("compliance_by_os")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["hosts"].as_u64().unwrap_or_default(),
                c["compliant"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let mut names: Vec<(String, u64)> = by_os.iter().map(|(n, h, _)| (n.clone(), *h)).collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("almalinux 9.4".to_string(), 2),
            ("debian 12".to_string(), 2)
        ]
    );
    let open_r1: Vec<String> = s
        .env
        .sqlite()
        .prepare(
            "SELECT f.package || ' ' || f.installed FROM findings f JOIN scans sc ON coalesce(sc.findings_scan, sc.id) = f.scan_id \
             JOIN hosts h ON h.id = sc.host_id WHERE h.name = 'r1' \
             AND sc.id = (SELECT max(id) FROM scans WHERE host_id = h.id)",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Every finding of the patched rpm host is closed, the kernel's too: the old kernel
    // stays installed beside the new one (install-only), but the host runs the new one,
    // so the old build runs nowhere and is not matched (as dnf's updateinfo, which lists
    // nothing for r1 above).
    assert_eq!(open_r1, Vec::<String>::new());
    let alma = by_os
        .iter()
        .find(|(n, _, _)| n == "almalinux 9.4")
        .map(|(_, _, compliant)| *compliant);
    // r1 patched and rebooted; r2 rolled back.
    assert_eq!(alma, Some(1), "{by_os:?}");
    s.code(60, &["audit", "verify"], 0);
}

/// `restart = "services"` on an rpm host: the restart step runs the collector's restart
/// section with rpm as the owner lookup; the lab's daemon (started without a service) is
/// found running the replaced `/usr/sbin/pclabd` and reported, not restarted.
#[test]
fn rpm_restart_step_finds_the_daemon_running_replaced_code() {
    let _turn = lab_turn();
    let lab = lab_or_skip_rpm!(3);
    reset_all(&lab);
    let s = setup(lab.ssh_config(), &["r1"], &[]);
    s.ok(&[
        "group",
        "set",
        "pilot",
        "--set",
        "restart=\"services\"",
        "--set",
        "reboot=\"never\"",
    ]);
    scan_and_start(&s);
    s.code(0, &["test", "--yes"], 0);
    let restart: String = s
        .env
        .sqlite()
        .query_row(
            "SELECT restart FROM deployment_hosts WHERE deployment_id = ?1",
            [s.deployment_of("pilot")],
            |r| r.get(0),
        )
        .unwrap();
    let outcome: serde_json::Value = serde_json::from_str(&restart).unwrap();
    assert!(restart.contains("pclabd"), "{outcome:#}");
    assert!(
        outcome["restarted"]
            .as_array()
            .is_some_and(|r| r.is_empty()),
        "{outcome:#}"
    );
    lab.reset("r1");
}
