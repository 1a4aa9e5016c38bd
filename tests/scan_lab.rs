//! `scan` end to end on the fleet lab: real Debian hosts over real ssh, checked against
//! apt's own answer (`lab.sh expected`) and against `dpkg --compare-versions`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{Env, render};
use common::lab::lab_or_skip;

/// Lab hosts are shared: tests that reset or change them take turns.
static LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lab_turn() -> std::sync::MutexGuard<'static, ()> {
    LAB.lock().unwrap_or_else(|p| p.into_inner())
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
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

/// dpkg's own verdict: is `a` lower than `b`?
fn dpkg_lt(a: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, "lt", b])
        .status()
        .expect("dpkg")
        .success()
}

#[test]
fn scan_matches_apt_and_dpkg_on_lab_hosts() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    for h in lab.hosts() {
        lab.reset(&h);
    }
    let (env, cfg) = lab_env(lab.ssh_config());
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    for h in lab.hosts() {
        env.ok(&["host", "add", &h, "-g", "pilot"]);
    }
    // No catalogue yet: pending security updates are findings of their own.
    let out = pc(&env, &cfg, &["scan", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let db = env.sqlite();
    for h in lab.hosts() {
        let expected: BTreeSet<(String, String, String)> = lab.expected(&h).into_iter().collect();
        let got: BTreeSet<(String, String, String)> = db
            .prepare(
                "SELECT p.package, p.from_version, p.to_version FROM pending p JOIN scans s ON s.id = p.scan_id \
                 JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1 AND p.security = 1 \
                 AND s.id = (SELECT max(id) FROM scans WHERE host_id = h.id)",
            )
            .unwrap()
            .query_map([&h], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            got, expected,
            "{h}: pending security updates differ from apt's"
        );
        let findings: i64 = db
            .query_row(
                "SELECT count(*) FROM findings f JOIN scans s ON coalesce(s.findings_scan, s.id) = f.scan_id JOIN hosts h ON h.id = s.host_id \
                 WHERE h.name = ?1 AND s.id = (SELECT max(id) FROM scans WHERE host_id = h.id)",
                [&h],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(findings as usize, expected.len(), "{h}");
        // Reboot flag: h2 only, with the packages that asked for it.
        let (reboot, pkgs): (Option<bool>, String) = db
            .query_row(
                "SELECT s.reboot_required, s.reboot_pkgs FROM scans s JOIN hosts h ON h.id = s.host_id \
                 WHERE h.name = ?1 ORDER BY s.id DESC LIMIT 1",
                [&h],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let on_host = lab.ssh_ok(&h, "cat /var/run/reboot-required.pkgs 2>/dev/null || true");
        let mut want: Vec<String> = Vec::new();
        for p in on_host.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !want.iter().any(|w| w == p) {
                want.push(p.to_string());
            }
        }
        let got: Vec<String> = serde_json::from_str(&pkgs).unwrap();
        assert_eq!(reboot, Some(h == "h2"), "{h}");
        assert_eq!(got, want, "{h}");
    }

    // With the Debian catalogue: advisories through source packages, checked with dpkg.
    let out = env.run(&[
        "-q",
        "sync",
        "--from",
        data().to_str().unwrap(),
        "osv:Debian",
    ]);
    assert!(out.status.success(), "{}", render(&env, &out));
    let out = pc(&env, &cfg, &["-q", "scan", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    // source package -> [(advisory, fixed)] for Debian:12, read from the zip here.
    let mut catalogue: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut zip = zip::ZipArchive::new(
        std::fs::File::open(data().join("osv-mirror/Debian/all.zip")).unwrap(),
    )
    .unwrap();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut s = String::new();
        e.read_to_string(&mut s).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        for a in v["affected"].as_array().into_iter().flatten() {
            if a["package"]["ecosystem"] != "Debian:12" {
                continue;
            }
            for r in a["ranges"].as_array().into_iter().flatten() {
                for ev in r["events"].as_array().into_iter().flatten() {
                    if let Some(f) = ev["fixed"].as_str() {
                        catalogue
                            .entry(a["package"]["name"].as_str().unwrap().to_string())
                            .or_default()
                            .push((v["id"].as_str().unwrap().to_string(), f.to_string()));
                    }
                }
            }
        }
    }
    for h in lab.hosts() {
        let listing = lab.ssh_ok(&h, "dpkg-query -W -f '${binary:Package}\\t${source:Package}\\t${source:Version}\\t${Version}\\t${db:Status-Abbrev}\\n'");
        let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
        let mut cache: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for line in listing.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            // Every package whose files are on disk (dpkg's status, the second letter:
            // not `n` not-installed or `c` config-files), whatever the selection.
            if f.len() < 5 || !f[4].get(1..2).is_some_and(|st| "iHUFWt".contains(st)) {
                continue;
            }
            let bin = f[0].split(':').next().unwrap();
            let src = if f[1].is_empty() { bin } else { f[1] };
            let srcv = if f[2].is_empty() { f[3] } else { f[2] };
            let advs = cache
                .entry((src.to_string(), srcv.to_string()))
                .or_insert_with(|| {
                    catalogue
                        .get(src)
                        .into_iter()
                        .flatten()
                        .filter(|(_, fixed)| dpkg_lt(srcv, fixed))
                        .map(|(id, _)| id.clone())
                        .collect()
                });
            for a in advs.iter() {
                expected.insert((bin.to_string(), a.clone()));
            }
        }
        let rows = env.ok(&["findings", "--host", &h, "--format", "json"]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&rows).unwrap();
        let got: BTreeSet<(String, String)> = rows
            .iter()
            .flat_map(|r| {
                let p = r["package"].as_str().unwrap().to_string();
                r["advisories"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |a| (p.clone(), a.as_str().unwrap().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(
            !expected.is_empty(),
            "{h}: the catalogue should affect the base"
        );
        assert_eq!(
            got, expected,
            "{h}: advisory findings differ from dpkg's verdicts"
        );
    }

    // explain names the rule, also for what is not affected.
    let explain = env.ok(&["explain", "h1", "openssl", "--format", "json"]);
    let verdicts: Vec<serde_json::Value> = serde_json::from_str(&explain).unwrap();
    assert!(verdicts.iter().any(|v| v["verdict"] == "affected"));
    assert!(verdicts.iter().any(|v| v["verdict"] == "not-affected"));
    assert!(
        verdicts
            .iter()
            .all(|v| !v["rule"].as_str().unwrap().is_empty())
    );

    // The gate and exceptions.
    let out = env.run(&["findings", "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
    let high: Vec<serde_json::Value> =
        serde_json::from_str(&env.ok(&["findings", "--severity", "high", "--format", "json"]))
            .unwrap();
    assert!(!high.is_empty());
    let pkgs: BTreeSet<&str> = high
        .iter()
        .map(|r| r["source_name"].as_str().unwrap())
        .collect();
    for p in &pkgs {
        env.ok(&[
            "exception",
            "add",
            "--package",
            p,
            "--reason",
            "test: accepted",
            "--expires",
            "2026-12-01",
        ]);
    }
    let out = env.run(&["findings", "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let all: Vec<serde_json::Value> = serde_json::from_str(&env.ok(&[
        "findings",
        "--all",
        "--severity",
        "high",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(all.len(), high.len());
    assert!(all.iter().all(|r| r["excepted"] == true));
    // After the expiry date the exceptions stop applying and show as expired.
    let later = env
        .cmd(&["findings", "--fail-on", "high"])
        .env("PATCHCYCLE_NOW", "2026-12-02T00:00:00Z")
        .output()
        .unwrap();
    assert_eq!(later.status.code(), Some(1));
    let list = env
        .cmd(&["exception", "list"])
        .env("PATCHCYCLE_NOW", "2026-12-02T00:00:00Z")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("expired"));
}

#[test]
fn unreachable_and_changed_host_keys_are_per_host_errors() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    let tmp = tempfile::tempdir().unwrap();
    // A known_hosts where h1's key is replaced by h2's: h1 now presents a "changed" key.
    let config = std::fs::read_to_string(lab.ssh_config()).unwrap();
    let lab_known = common::lab::lab_dir().join("known_hosts");
    let lab_known = lab_known.to_str().unwrap();
    let known = std::fs::read_to_string(lab_known).unwrap();
    let h1_port = format!("[127.0.0.1]:{} ", lab.port("h1"));
    let key = |h: &str| {
        known
            .lines()
            .find(|l| l.starts_with(&format!("{h} ")))
            .unwrap()
            .split_once(' ')
            .unwrap()
            .1
            .to_string()
    };
    let mut bad = String::new();
    for l in known.lines() {
        if l.starts_with("h1 ") || l.starts_with(&h1_port) {
            bad.push_str(&format!("{} {}\n", l.split(' ').next().unwrap(), key("h2")));
        } else {
            bad.push_str(l);
            bad.push('\n');
        }
    }
    let known_path = tmp.path().join("known_hosts");
    std::fs::write(&known_path, bad).unwrap();
    let cfg_path = tmp.path().join("ssh_config");
    std::fs::write(
        &cfg_path,
        config.replace(lab_known, known_path.to_str().unwrap()),
    )
    .unwrap();
    let (env, cfg) = lab_env(&cfg_path);
    env.ok(&["host", "add", "h1"]);
    env.ok(&["host", "add", "h2"]);
    // A port nothing listens on: bound, then released.
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.ok(&["host", "add", "dead", &format!("127.0.0.1:{dead_port}")]);
    let out = pc(&env, &cfg, &["scan", "--all", "--parallel", "3"]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(4), "{shown}");
    let rows: Vec<serde_json::Value> = {
        let out = pc(&env, &cfg, &["scan", "--all", "--format", "json"]);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", render(&env, &out)))
    };
    let by = |h: &str| rows.iter().find(|r| r["host"] == h).unwrap().clone();
    assert_eq!(by("h2")["status"], "ok");
    assert_eq!(by("h1")["status"], "failed");
    assert!(
        by("h1")["error"]
            .as_str()
            .unwrap()
            .contains("host key changed"),
        "{}",
        by("h1")
    );
    assert_eq!(by("dead")["status"], "failed");
    assert!(
        by("dead")["error"]
            .as_str()
            .unwrap()
            .contains("Connection refused"),
        "{}",
        by("dead")
    );
    assert!(
        shown.contains("error: 2 of 3 hosts failed: ") && shown.contains("dead (ssh: "),
        "{shown}"
    );
}

#[test]
fn hostile_dpkg_output_is_rejected_and_reported() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(4);
    lab.reset("h4");
    // A wrapper that answers with hostile package data instead of dpkg's.
    lab.ssh_ok(
        "h4",
        r#"mv /usr/bin/dpkg-query /usr/bin/dpkg-query.real && cat > /usr/bin/dpkg-query <<'EOF'
#!/bin/sh
printf 'foo;rm -rf /\t1.0\tfoo\t1.0\tii \n'
printf 'evil\t1.0$(reboot)\tevil\t1.0\tii \n'
printf 'ok-pkg\t1.0-1\tok-pkg\t1.0-1\tii \n'
printf 'nl\t1.0\n'
head -c 20000 /dev/zero | tr '\0' 'a'; printf '\t1.0\ta\t1.0\tii \n'
EOF
chmod +x /usr/bin/dpkg-query"#,
    );
    let (env, cfg) = lab_env(lab.ssh_config());
    env.ok(&["host", "add", "h4"]);
    env.ok(&["host", "add", "h1"]);
    let out = pc(&env, &cfg, &["scan", "h4", "h1"]);
    let shown = render(&env, &out);
    lab.reset("h4");
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("warning: h4: dpkg line 1: rejected package name \"foo;rm -rf /\""),
        "{shown}"
    );
    assert!(
        shown.contains("warning: h4: dpkg line 2: rejected version \"1.0$(reboot)\" of evil"),
        "{shown}"
    );
    assert!(
        shown.contains("warning: h4: dpkg line 4: expected 6 tab-separated fields (5 from an earlier collector)"),
        "{shown}"
    );
    assert!(
        shown.contains("warning: h4: dpkg line 5: longer than 8192 bytes, rejected"),
        "{shown}"
    );
    let n: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM installed i JOIN scans s ON s.id = i.scan_id JOIN hosts h ON h.id = s.host_id WHERE h.name = 'h4'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn local_scan_and_import_of_saved_output() {
    let env = Env::init();
    // --local on this machine.
    let out = env.run(&["scan", "--local", "--host", "controller"]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    let host: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "controller", "--format", "json"])).unwrap();
    let os = std::fs::read_to_string("/etc/os-release").unwrap();
    if os.contains("ID=debian") {
        assert!(
            host["ecosystem"].as_str().unwrap().starts_with("Debian:"),
            "{host}"
        );
    }
    let uname = Command::new("uname").arg("-r").output().unwrap();
    assert_eq!(
        host["kernel_running"],
        String::from_utf8_lossy(&uname.stdout).trim()
    );

    // Saved output of the printed collector, imported for an air-gapped host.
    let script = env.ok(&["scan", "--print-script"]);
    let saved = Command::new("sh")
        .arg("-s")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(script.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let file = env.file("airgap.out", &String::from_utf8_lossy(&saved.stdout));
    env.ok(&["host", "add", "airgap"]);
    let out = env.run(&[
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "airgap",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let a: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "airgap", "--format", "json"])).unwrap();
    assert_eq!(a["ecosystem"], host["ecosystem"]);

    // Garbage and truncated files are per-host failures, not panics.
    let junk = env.file("junk.out", "<html>not a collection</html>\n");
    let out = env.run(&[
        "scan",
        "--import",
        junk.to_str().unwrap(),
        "--host",
        "airgap",
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not a patchcycle collection"));
    let text = String::from_utf8_lossy(&saved.stdout);
    let cut = env.file("cut.out", &text[..text.len() / 2]);
    let out = env.run(&[
        "scan",
        "--import",
        cut.to_str().unwrap(),
        "--host",
        "airgap",
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("truncated"));
}

#[test]
fn refresh_updates_package_lists_first() {
    let _turn = lab_turn();
    let lab = lab_or_skip!(3);
    lab.reset("h1");
    // Make the lists stale on the host: remove them; a scan without --refresh then sees
    // no candidates, one with --refresh (apt-get update, from the lab's local mirror) does.
    lab.ssh_ok(
        "h1",
        "rm -f /var/lib/apt/lists/*Packages /var/lib/apt/lists/*InRelease /var/cache/apt/*.bin",
    );
    let (env, cfg) = lab_env(lab.ssh_config());
    env.ok(&["host", "add", "h1"]);
    let stale = pc(&env, &cfg, &["scan", "h1", "--format", "json"]);
    let stale: serde_json::Value = serde_json::from_slice(&stale.stdout).unwrap();
    let fresh = pc(&env, &cfg, &["scan", "h1", "--refresh", "--format", "json"]);
    let shown = render(&env, &fresh);
    lab.reset("h1");
    assert_eq!(fresh.status.code(), Some(0), "{shown}");
    let fresh: serde_json::Value = serde_json::from_slice(&fresh.stdout).unwrap();
    assert_eq!(stale[0]["pending_security"], 0, "{stale}");
    let expected = lab.expected("h1").len();
    assert!(expected > 0);
    assert_eq!(fresh[0]["pending_security"], expected, "{fresh}");
}

/// `scan --local --root DIR` of a Debian root filesystem (the lab's base, which the lab
/// hosts run on as an overlay and which is only read here) against apt run inside it by
/// chroot: the same pending security updates, and dpkg's own package list.
#[test]
fn root_scan_of_the_lab_base_matches_apt_inside_it() {
    let _lab = lab_or_skip!(1);
    let base = PathBuf::from(
        std::env::var("PATCHCYCLE_LAB_DIR").unwrap_or_else(|_| "/var/lib/patchcycle-lab".into()),
    )
    .join("base");
    let cache = base.join("var/cache/apt/pkgcache.bin");
    let cache_before = std::fs::metadata(&cache).and_then(|m| m.modified()).ok();
    let env = Env::init();
    let out = env.run(&[
        "--format",
        "json",
        "scan",
        "--local",
        "--root",
        base.to_str().unwrap(),
        "--host",
        "lab-base",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s[0]["ecosystem"], "Debian:12");
    assert_eq!(s[0]["kernel_running"], serde_json::Value::Null);
    let apt = Command::new("chroot")
        .arg(&base)
        .args([
            "/usr/bin/env",
            "-i",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "LC_ALL=C",
            "apt-get",
            "-s",
            "-o",
            "Debug::NoLocking=1",
            "dist-upgrade",
        ])
        .output()
        .expect("chroot");
    assert!(apt.status.success());
    let expected: BTreeSet<(String, String, String)> = String::from_utf8_lossy(&apt.stdout)
        .lines()
        .filter(|l| l.starts_with("Inst ") && l.contains("-security"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let old = f.get(2)?.strip_prefix('[')?.strip_suffix(']')?;
            let new = f.get(3)?.strip_prefix('(')?;
            Some((
                f[1].split(':').next()?.to_string(),
                old.to_string(),
                new.to_string(),
            ))
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "the base has pending security updates"
    );
    let db = env.sqlite();
    let got: BTreeSet<(String, String, String)> = db
        .prepare("SELECT package, from_version, to_version FROM pending WHERE security = 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, expected);
    let dpkg = Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            base.join("var/lib/dpkg").display()
        ))
        .args(["-W", "-f", "${db:Status-Abbrev}\n"])
        .output()
        .unwrap();
    let installed = String::from_utf8_lossy(&dpkg.stdout)
        .lines()
        .filter(|l| l.get(1..2).is_some_and(|st| "iHUFWt".contains(st)))
        .count();
    assert_eq!(s[0]["packages"], installed);
    // Only read: apt's cache file in the root is as it was.
    let cache_after = std::fs::metadata(&cache).and_then(|m| m.modified()).ok();
    assert_eq!(cache_before, cache_after);
}
