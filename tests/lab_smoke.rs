//! Smoke test of the fleet lab (tests/lab): three real Debian hosts over
//! ssh with StrictHostKeyChecking=yes, the `expected` oracle, and reset.
mod common;

use common::lab::lab_or_skip;
use std::time::{Duration, Instant};

#[test]
fn lab_smoke() {
    let lab = lab_or_skip!(3);
    let hosts = lab.hosts();
    assert_eq!(hosts, ["h1", "h2", "h3"]);
    for h in &hosts {
        lab.reset(h);
    }

    // The generated config pins host keys.
    let g = std::process::Command::new("ssh")
        .arg("-F")
        .arg(lab.ssh_config())
        .args(["-G", "h1"])
        .output()
        .unwrap();
    let g = String::from_utf8_lossy(&g.stdout);
    assert!(g.lines().any(|l| l == "stricthostkeychecking true"), "{g}");

    for h in &hosts {
        // Each host is its own machine: hostname, process table, dpkg database.
        assert_eq!(lab.ssh_ok(h, "hostname").trim(), h.as_str());
        let procs = lab.ssh_ok(h, "ps -e -o pid= | wc -l");
        let procs: usize = procs.trim().parse().unwrap();
        assert!(procs < 20, "{h} sees {procs} processes");

        let pkgs = lab.ssh_ok(h, "dpkg-query -W");
        assert!(pkgs.lines().count() > 50, "{h}: {pkgs}");
        assert!(pkgs.lines().any(|l| l.starts_with("openssh-server\t")));

        let sim = lab.ssh_ok(h, "LC_ALL=C apt-get -s dist-upgrade");
        // The oracle agrees with apt run over ssh.
        for (p, inst, cand) in lab.expected(h) {
            let line = format!("Inst {p} [{inst}] ({cand} ");
            assert!(sim.contains(&line), "{h}: {line:?} not in\n{sim}");
            let installed = pkgs.lines().any(|l| {
                let (name, ver) = l.split_once('\t').unwrap_or((l, ""));
                name.split(':').next() == Some(p.as_str()) && ver == inst
            });
            assert!(installed, "{h}: {p} {inst} not installed");
        }
    }

    let e1 = lab.expected("h1");
    let e2 = lab.expected("h2");
    let e3 = lab.expected("h3");
    assert!(!e1.is_empty(), "h1 has no pending security update");
    assert!(!e3.is_empty(), "h3 has no pending security update");
    // h2 is partly patched, h3 has one more package with a pending update.
    assert!(e2.len() < e1.len(), "h2 {e2:?} vs h1 {e1:?}");
    let extra: Vec<_> = e3.iter().filter(|u| !e1.contains(u)).collect();
    assert_eq!(extra.len(), 1, "h3 {e3:?} vs h1 {e1:?}");
    let extra_pkg = &extra[0].0;
    assert!(
        !lab.ssh("h1", &format!("dpkg-query -W {extra_pkg}"))
            .status
            .success(),
        "{extra_pkg} should be on h3 only"
    );

    // h2 wants a reboot; the others do not.
    lab.ssh_ok(
        "h2",
        "test -f /var/run/reboot-required && test -s /var/run/reboot-required.pkgs",
    );
    assert!(
        !lab.ssh("h1", "test -e /var/run/reboot-required")
            .status
            .success()
    );

    // reset drops every change and is fast.
    lab.ssh_ok(
        "h1",
        "touch /root/lab-marker && apt-mark hold apt >/dev/null",
    );
    let t = Instant::now();
    lab.reset("h1");
    let took = t.elapsed();
    eprintln!("reset h1 took {took:?}");
    assert!(took < Duration::from_secs(2), "reset took {took:?}");
    lab.ssh_ok(
        "h1",
        "test ! -e /root/lab-marker && test -z \"$(apt-mark showhold)\"",
    );
    assert_eq!(lab.expected("h1"), e1);

    // The reboot stand-in clears the reboot-required files and drops sessions.
    let _ = lab.ssh("h2", "reboot");
    std::thread::sleep(Duration::from_millis(500));
    lab.ssh_ok(
        "h2",
        "test ! -e /var/run/reboot-required && test ! -e /var/run/reboot-required.pkgs",
    );
    lab.reset("h2");
}
