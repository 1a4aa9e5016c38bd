//! `test`, `approve`, `deploy` and `rollback` end to end on the fleet lab: real Debian
//! hosts over real ssh, with apt installing from the lab's offline mirror, checked with
//! `dpkg-query` on the hosts and apt's own answer (`lab.sh expected`).

mod common;

use std::path::PathBuf;

use common::cli::render;
use common::deploy::{Setup, data, lab_turn};
use common::lab::{Lab, lab_or_skip};

/// Syncs the Debian catalogue, scans every host and starts the cycle.
fn scan_and_start(s: &Setup) {
    s.sync_scan_and_start(&["--from", data().to_str().unwrap(), "osv:Debian"]);
}

/// Every installed package and version of a host, as dpkg lists them.
fn packages(lab: &Lab, host: &str) -> String {
    lab.ssh_ok(
        host,
        "dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' | sort",
    )
}

/// How often dpkg upgraded each package on a host, from its log.
fn upgrades(lab: &Lab, host: &str) -> std::collections::BTreeMap<String, usize> {
    let log = lab.ssh_ok(host, "cat /var/log/dpkg.log 2>/dev/null || true");
    let mut m = std::collections::BTreeMap::new();
    for l in log.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() >= 4 && f[2] == "upgrade" {
            *m.entry(f[3].split(':').next().unwrap_or_default().to_string())
                .or_default() += 1;
        }
    }
    m
}

#[test]
fn full_cycle_test_approve_deploy_rollback() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let s = Setup::new(lab.ssh_config(), "", &["h1"], &["h2", "h3"], &[]);
    scan_and_start(&s);
    let before: Vec<String> = ["h1", "h2", "h3"]
        .iter()
        .map(|h| packages(&lab, h))
        .collect();
    assert!(
        !lab.expected("h1").is_empty(),
        "h1 has pending security updates"
    );

    // A dry run of the pilot prints the plan and changes nothing.
    let plan = s.code(0, &["test", "--dry-run"], 0);
    assert!(plan.contains("dry run: nothing changes"), "{plan}");
    for (p, _, to) in lab.expected("h1") {
        assert!(
            plan.contains(&p) && plan.contains(&to),
            "{p} {to} missing:\n{plan}"
        );
    }
    assert_eq!(packages(&lab, "h1"), before[0], "dry run changed h1");

    // Production is gated on the pilot.
    let refused = s.code(
        0,
        &["approve", "--group", "prod", "--change", "CHG-1", "--yes"],
        1,
    );
    assert!(refused.contains("no test or deploy result"), "{refused}");
    s.code(0, &["test", "--yes"], 0);
    assert!(
        lab.expected("h1").is_empty(),
        "h1 still has pending security updates"
    );
    let st = s.code(5, &["test", "--status"], 0);
    assert!(st.contains("soaking") && st.contains("25s"), "{st}");
    // Soak of 30 s: refused after 5 s, accepted after 31 s.
    let refused = s.code(
        5,
        &["approve", "--group", "prod", "--change", "CHG-1", "--yes"],
        1,
    );
    assert!(refused.contains("pilot: soak 25s left of 30s"), "{refused}");
    s.code(
        31,
        &["approve", "--group", "prod", "--change", "CHG-1", "--yes"],
        0,
    );

    // A dry run of production leaves every host byte-identical in its package set.
    let plan = s.code(40, &["deploy", "--group", "prod", "--dry-run"], 0);
    assert!(plan.contains("CHG-1"), "{plan}");
    assert_eq!(packages(&lab, "h2"), before[1]);
    assert_eq!(packages(&lab, "h3"), before[2]);

    s.code(40, &["deploy", "--group", "prod", "--yes"], 0);
    let dep = s.deployment_of("prod");
    for h in ["h2", "h3"] {
        assert_eq!(s.host_state(dep, h).0, "done", "{h}");
    }
    // h2 needed a reboot (the lab's stand-in clears the flag).
    let rebooted: bool = s
        .env
        .sqlite()
        .query_row(
            "SELECT rebooted FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
             WHERE dh.deployment_id = ?1 AND h.name = 'h2'",
            [dep],
            |r| r.get(0),
        )
        .unwrap();
    assert!(rebooted, "h2 was not rebooted");

    // A rescan shows no pending security update anywhere, in the DB and by apt.
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
    for h in lab.hosts() {
        assert!(
            lab.expected(&h).is_empty(),
            "{h} still has pending security updates"
        );
    }

    // Rolling h3 back restores its exact versions from before.
    let out = s.code(
        60,
        &["rollback", &dep.to_string(), "--host", "h3", "--yes"],
        0,
    );
    assert!(out.contains("rolled-back"), "{out}");
    // Only h3 was rolled back: the deployment follows its hosts.
    assert!(out.contains(": partly-rolled-back ("), "{out}");
    assert_eq!(
        packages(&lab, "h3"),
        before[2],
        "h3 not back at its versions"
    );
    assert_ne!(packages(&lab, "h2"), before[1], "h2 must stay patched");

    // The report carries the real deployments with their change reference, and no
    // host has an open finding with an update pending.
    let out = s.run_at(60, &["report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&s.env, &out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let deps = report["deployments"].as_array().expect("deployments");
    let prod = deps
        .iter()
        .find(|d| d["id"] == dep)
        .unwrap_or_else(|| panic!("deployment {dep} missing: {deps:?}"));
    assert_eq!(prod["change_ref"], "CHG-1");
    assert_eq!(prod["kind"], "deploy");
    assert_eq!(prod["hosts_rolled_back"], 1, "{prod}");
    assert!(
        deps.iter()
            .any(|d| d["kind"] == "test" && d["state"] == "done"),
        "{deps:?}"
    );

    // Closing with --cleanup removes the kept packages from the hosts.
    assert!(
        lab.ssh(
            "h2",
            &format!("test -d /var/cache/patchcycle/rollback/{dep}")
        )
        .status
        .success()
    );
    let out = s.code(60, &["cycle", "close", "--cleanup", "--yes"], 0);
    assert!(out.contains("kept packages removed"), "{out}");
    assert!(
        !lab.ssh(
            "h2",
            &format!("test -d /var/cache/patchcycle/rollback/{dep}")
        )
        .status
        .success()
    );

    s.code(60, &["audit", "verify"], 0);
    let actions: Vec<String> = s
        .env
        .sqlite()
        .prepare("SELECT action FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for a in [
        "test.start",
        "test.finish",
        "approve",
        "deploy.start",
        "deploy.host",
        "deploy.finish",
        "rollback.host",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "no {a} in the audit log: {actions:?}"
        );
    }
}

/// The pilot group holds h1..h3, one host per wave.
fn pilot_of_three(lab: &Lab, policy: &[&str]) -> Setup {
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let s = Setup::new(lab.ssh_config(), "", &["h1", "h2", "h3"], &[], &[]);
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
fn failing_health_check_rolls_back_halts_and_resume_continues() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    let s = pilot_of_three(
        &lab,
        &[
            "failure_threshold=1",
            "rollback_on_failure=true",
            "health_commands=[\"if [ -e /etc/lab-unhealthy ]; then echo service down; exit 1; fi\"]",
        ],
    );
    lab.ssh_ok("h1", "touch /etc/lab-unhealthy");
    let before_h1 = packages(&lab, "h1");
    let before_h3 = packages(&lab, "h3");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("halted") && out.contains("failure threshold"),
        "{out}"
    );
    let dep = s.deployment_of("pilot");
    let (state, error) = s.host_state(dep, "h1");
    assert_eq!(state, "rolled-back");
    assert!(error.unwrap_or_default().contains("service down"));
    assert_eq!(
        packages(&lab, "h1"),
        before_h1,
        "h1 not rolled back exactly"
    );
    assert_eq!(s.host_state(dep, "h2").0, "pending");
    assert_eq!(s.host_state(dep, "h3").0, "pending");
    assert_eq!(packages(&lab, "h3"), before_h3, "h3 touched after the halt");
    // The gate sees the failed pilot.
    let st = s.code(0, &["test", "--status"], 0);
    assert!(st.contains("failed"), "{st}");
    // A second plain run is refused while this one is unfinished; --resume goes on.
    let out = s.code(0, &["test", "--yes"], 2);
    assert!(out.contains("--resume"), "{out}");
    let out = s.code(0, &["test", "--resume", "--yes"], 4);
    assert!(
        out.contains("2 of 3 host(s) done, 1 failed (1 rolled back), 0 not reached"),
        "{out}"
    );
    assert_eq!(s.host_state(dep, "h1").0, "rolled-back", "h1 redone");
    assert!(lab.expected("h3").is_empty());
    s.code(0, &["audit", "verify"], 0);
}

#[test]
fn kill_during_deploy_then_resume_does_each_host_once() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    let s = pilot_of_three(&lab, &[]);
    let logs_before: Vec<_> = lab.hosts().iter().map(|h| upgrades(&lab, h)).collect();
    let mut child = s
        .env
        .cmd(&["--config", &s.cfg, "test", "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once h2 is under way (h1 finished), within 3 minutes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    let mut killed_at = None;
    while std::time::Instant::now() < deadline {
        if let Ok(conn) = rusqlite::Connection::open(s.env.db()) {
            let step: Option<String> = conn
                .query_row(
                    "SELECT dh.step FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
                     WHERE h.name = 'h2' AND dh.state = 'running'",
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
    let step = killed_at.expect("h2 never got under way before the deadline");
    let dep = s.deployment_of("pilot");
    assert_eq!(s.host_state(dep, "h1").0, "done");
    assert_eq!(
        s.host_state(dep, "h2").0,
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
        let after = upgrades(&lab, h);
        for (pkg, n) in &after {
            let was = logs_before[i].get(pkg).copied().unwrap_or(0);
            assert!(n - was <= 1, "{h}: {pkg} upgraded {} times", n - was);
        }
    }
    let resumes: i64 = s
        .env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'test.resume'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(resumes, 1);
}

#[test]
fn unreachable_host_mid_wave_fails_alone() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    // h2 stops its sshd (the host's PID 1) during its health checks.
    let s = pilot_of_three(
        &lab,
        &[
            "max_parallel=3",
            "failure_threshold=2",
            "health_commands=[\"if [ -e /etc/lab-vanish ]; then kill -TERM 1; sleep 5; fi\"]",
        ],
    );
    lab.ssh_ok("h2", "touch /etc/lab-vanish");
    let out = s.code(0, &["test", "--yes"], 4);
    assert!(
        out.contains("2 of 3 host(s) done, 1 failed, 0 not reached"),
        "{out}"
    );
    let dep = s.deployment_of("pilot");
    assert_eq!(s.host_state(dep, "h1").0, "done");
    assert_eq!(s.host_state(dep, "h3").0, "done");
    let (state, error) = s.host_state(dep, "h2");
    assert_eq!(state, "failed");
    assert!(error.unwrap_or_default().contains("health check failed"));
    lab.reset("h2");
}

/// Holds dpkg's frontend lock on a host for `secs` seconds, as another apt would.
fn hold_dpkg_lock(lab: &Lab, host: &str, secs: u32) {
    let perl = format!(
        "use Fcntl; open(my $f, '>>', '/var/lib/dpkg/lock-frontend') or die; \
         my $l = pack('s s x4 q q l x4', F_WRLCK, 0, 0, 0, 0); fcntl($f, F_SETLKW, $l) or die \"lock: $!\"; \
         open(my $r, '>', '/run/lab-locked'); close $r; sleep {secs}; unlink '/run/lab-locked'"
    );
    lab.ssh_ok(
        host,
        &format!(
            "rm -f /run/lab-locked; setsid perl -e \"{}\" </dev/null >/dev/null 2>&1 &",
            perl.replace('$', "\\$").replace('"', "\\\"")
        ),
    );
    lab.ssh_ok(
        host,
        "for i in $(seq 50); do [ -e /run/lab-locked ] && exit 0; sleep 0.1; done; exit 1",
    );
}

#[test]
fn dpkg_lock_held_waits_then_fails_untouched() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let s = Setup::new(lab.ssh_config(), "", &["h1"], &["h3"], &[]);
    s.ok(&["group", "set", "pilot", "--set", "lock_timeout=\"3s\""]);
    s.ok(&["group", "set", "prod", "--set", "lock_timeout=\"60s\""]);
    scan_and_start(&s);
    // Held longer than the pilot's lock timeout: a clear error, nothing changed.
    let before = packages(&lab, "h1");
    hold_dpkg_lock(&lab, "h1", 40);
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("dpkg lock stayed taken") && out.contains("nothing was changed"),
        "{out}"
    );
    assert_eq!(
        packages(&lab, "h1"),
        before,
        "h1 changed although apt had no lock"
    );
    assert_eq!(s.host_state(s.deployment_of("pilot"), "h1").0, "failed");
    // Held for 3 s with a 60 s timeout: apt waits and the test passes.
    hold_dpkg_lock(&lab, "h3", 3);
    s.code(0, &["test", "--group", "prod", "--yes"], 0);
    assert!(lab.expected("h3").is_empty());
}

#[test]
fn unavailable_target_version_leaves_host_untouched() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let s = Setup::new(lab.ssh_config(), "", &["h1"], &[], &[]);
    scan_and_start(&s);
    // The mirror no longer carries the frozen version of one package.
    let changed = s
        .env
        .sqlite()
        .execute(
            "UPDATE cycle_patches SET target = '99:1.0-1' WHERE package = \
             (SELECT min(package) FROM cycle_patches)",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let before = packages(&lab, "h1");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(
        out.contains("Version '99:1.0-1'") && out.contains("nothing was changed"),
        "{out}"
    );
    assert_eq!(packages(&lab, "h1"), before);
}

use common::http;

#[test]
fn window_override_qemu_snapshot_and_http_probe() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("health"), "ok\n").unwrap();
    let server = http::Server::start(site.path());
    let s = Setup::new(lab.ssh_config(), "", &["h1"], &[], &[]);
    let vm = s.env.home().join("vm");
    std::fs::create_dir(&vm).unwrap();
    let disk = vm.join("h1.qcow2");
    let st = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("16M")
        .status()
        .unwrap();
    assert!(st.success());
    s.ok(&[
        "group",
        "set",
        "pilot",
        "--window",
        "daily 22:00-23:00 UTC",
        "--set",
        "snapshot=\"qemu-img\"",
        "--set",
        &format!("qemu_img_disk=\"{}/{{host}}.qcow2\"", vm.display()),
        "--set",
        &format!("http_checks=[{{url=\"{}/health\"}}]", server.url()),
    ]);
    scan_and_start(&s);
    let before = packages(&lab, "h1");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(out.contains("outside its maintenance window"), "{out}");
    assert!(
        out.contains("the next window opens Tue 2026-11-10 22:00–23:00 UTC"),
        "{out}"
    );
    let plan = s.code(0, &["test", "--dry-run"], 0);
    assert!(
        plan.contains("closed; next opens Tue 2026-11-10 22:00–23:00 UTC"),
        "{plan}"
    );
    assert!(plan.contains("qemu-img"), "{plan}");
    assert_eq!(packages(&lab, "h1"), before);
    s.code(
        0,
        &["test", "--now", "--reason", "KEV under attack", "--yes"],
        0,
    );
    let dep = s.deployment_of("pilot");
    let list = std::process::Command::new("qemu-img")
        .args(["snapshot", "-l"])
        .arg(&disk)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains(&format!("patchcycle-{dep}-h1")), "{list}");
    let (health, details): (String, String) = s
        .env
        .sqlite()
        .query_row(
            "SELECT dh.health, (SELECT details FROM audit WHERE action = 'test.start') \
             FROM deployment_hosts dh WHERE dh.deployment_id = ?1",
            [dep],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(health.contains("status 200 (want 200)"), "{health}");
    assert!(details.contains("KEV under attack"), "{details}");
}

#[test]
fn failed_http_probe_and_rollback_through_a_snapshot_command() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let site = tempfile::tempdir().unwrap();
    let server = http::Server::start(site.path());
    let s = Setup::new(lab.ssh_config(), "", &["h1"], &[], &[]);
    let log = s.env.home().join("snapshots.log");
    // The lab's own "snapshot": a host's initial image, to which reset returns it.
    let policy = format!(
        "snapshot = \"command\"\nhttp_checks = [{{ url = \"{}/missing\", timeout = \"5s\" }}]\n\
         [snapshot_command]\ncreate = \"printf '%s\\\\n' {{name}} >> {}\"\n\
         revert = \"{} {{host}}\"\ncleanup = \"printf 'cleanup %s\\\\n' {{name}} >> {}\"\n",
        server.url(),
        log.display(),
        common::lab::reset_command(),
        log.display()
    );
    let file = s.env.file("policy.toml", &policy);
    s.ok(&[
        "group",
        "set",
        "pilot",
        "--policy-file",
        file.to_str().unwrap(),
    ]);
    scan_and_start(&s);
    let before = packages(&lab, "h1");
    let out = s.code(0, &["test", "--yes"], 1);
    assert!(out.contains("status 404 (want 200)"), "{out}");
    let dep = s.deployment_of("pilot");
    assert_eq!(s.host_state(dep, "h1").0, "failed");
    assert_ne!(
        packages(&lab, "h1"),
        before,
        "the install should have happened"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("patchcycle-{dep}-h1\n")
    );
    let out = s.code(
        0,
        &[
            "rollback",
            &dep.to_string(),
            "--method",
            "snapshot",
            "--yes",
        ],
        0,
    );
    assert!(
        out.contains(&format!("reverted to snapshot patchcycle-{dep}-h1")),
        "{out}"
    );
    assert!(out.contains("verified"), "{out}");
    assert_eq!(packages(&lab, "h1"), before);
    // Closing the cycle with --cleanup removes the snapshot (and any kept packages).
    let out = s.code(70, &["cycle", "close", "--cleanup", "--yes"], 0);
    assert!(
        out.contains(&format!("snapshot patchcycle-{dep}-h1 removed")),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("patchcycle-{dep}-h1\ncleanup patchcycle-{dep}-h1\n")
    );
}

#[test]
fn ansible_engine_patches_and_reads_results_back() {
    let _turn = lab_turn();
    if std::process::Command::new("ansible-playbook")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            !common::lab::in_ci(),
            "ansible-playbook is required under CI"
        );
        eprintln!("skipped: no ansible-playbook (apt-get install ansible-core)");
        return;
    }
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let s = Setup::new(lab.ssh_config(), "", &["h1", "h3"], &[], &[]);
    s.ok(&[
        "group",
        "set",
        "pilot",
        "--set",
        "reboot=\"never\"",
        "--set",
        "failure_threshold=2",
        "--set",
        "health_commands=[\"if [ -e /etc/lab-unhealthy ]; then echo service down; exit 1; fi\"]",
    ]);
    scan_and_start(&s);
    lab.ssh_ok("h3", "touch /etc/lab-unhealthy");
    let before_h1 = packages(&lab, "h1");
    let out = s.code(0, &["test", "--engine", "ansible", "--yes"], 4);
    assert!(out.contains("1 of 2 host(s) done, 1 failed"), "{out}");
    let dep = s.deployment_of("pilot");
    assert_eq!(s.host_state(dep, "h1").0, "done");
    let (state, error) = s.host_state(dep, "h3");
    assert_eq!(state, "failed");
    assert!(error.unwrap_or_default().contains("service down"));
    assert!(
        lab.expected("h1").is_empty(),
        "h1 not patched through ansible"
    );
    // The generated inventory and playbook are kept next to the database.
    let wave = PathBuf::from(format!(
        "{}.ansible/deployment-{dep}/wave-1",
        s.env.db().display()
    ));
    assert!(wave.join("inventory.yml").is_file() && wave.join("playbook.yml").is_file());
    // What ansible kept on the host rolls it back exactly.
    s.code(
        0,
        &["rollback", &dep.to_string(), "--host", "h1", "--yes"],
        0,
    );
    assert_eq!(packages(&lab, "h1"), before_h1);
}
