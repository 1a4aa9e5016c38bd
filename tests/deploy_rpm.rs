//! `test`/`deploy` plans for rpm hosts, without the lab: a scan saved from a lab rpm host
//! (tests/data/collect/alma9-lab.out) and the lab repository's own errata
//! (tests/data/errata-pclab): the frozen targets are exact EVRs, the plan per host adds
//! the installed architecture, and `--engine ansible` is refused by name.

mod common;

use std::path::Path;

use common::cli::{Env, collect};

fn alma_env() -> Env {
    let env = Env::init();
    std::fs::write(
        env.config(),
        "[[sync.errata]]\nname = \"pclab\"\n\
         url = \"https://repo.almalinux.org/almalinux/9/AppStream/x86_64/os/\"\n\
         ecosystem = \"AlmaLinux:9\"\n",
    )
    .unwrap();
    let mirror = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/errata-pclab");
    env.ok(&[
        "-q",
        "sync",
        "--from",
        mirror.to_str().unwrap(),
        "errata:pclab",
    ]);
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["host", "add", "r1", "-g", "pilot"]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        &collect("alma9-lab.out"),
        "--host",
        "r1",
    ]);
    env.ok(&["-q", "cycle", "start"]);
    env
}

#[test]
fn rpm_plan_has_exact_nevra_targets() {
    let env = alma_env();
    // Frozen per package: the EVR dnf offers (the newest fixed build of its errata).
    let frozen: Vec<(String, String)> = env
        .sqlite()
        .prepare("SELECT package, target FROM cycle_patches ORDER BY package")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let row = |p: &str, t: &str| (p.to_string(), t.to_string());
    assert_eq!(
        frozen,
        [
            row("kernel", "5.14.0-427.16.1.el9_4"),
            row("pclab-daemon", "2.1.0-5.el9_4"),
            row("pclab-daemon-libs", "2.1.0-5.el9_4"),
            row("pclab-openssl", "1:3.0.7-27.el9_4"),
            row("pclab-openssl-libs", "1:3.0.7-27.el9_4"),
        ]
    );
    insta::assert_snapshot!("rpm_test_dry_run", env.snap(&["test", "--dry-run"]));
    // Per host, with the installed architecture: dnf installs name-[E:]V-R.arch.
    let plan: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "test", "--dry-run"])).unwrap();
    let targets: Vec<String> = plan["hosts"][0]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            format!(
                "{}-{}.{}",
                t["package"].as_str().unwrap(),
                t["to"].as_str().unwrap(),
                t["arch"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            "kernel-5.14.0-427.16.1.el9_4.x86_64",
            "pclab-daemon-2.1.0-5.el9_4.x86_64",
            "pclab-daemon-libs-2.1.0-5.el9_4.x86_64",
            "pclab-openssl-1:3.0.7-27.el9_4.x86_64",
            "pclab-openssl-libs-1:3.0.7-27.el9_4.x86_64",
        ]
    );
}

#[test]
fn ansible_engine_is_refused_for_rpm_hosts() {
    let env = alma_env();
    insta::assert_snapshot!(
        "rpm_ansible_refused",
        env.snap(&["test", "--engine", "ansible", "--yes"])
    );
    // Refused before anything was recorded.
    let deployments: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM deployments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(deployments, 0);
}
