//! The deploy lab tests' environment (tests/deploy_lab.rs, tests/deploy_rpm_lab.rs): a
//! patchcycle home whose ssh uses a lab's config, a pilot and a prod group, the fixed
//! test clock, and what the tests read back of a deployment.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::cli::{Env, render};

/// Lab hosts are shared: tests that reset or change them take turns.
static LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn lab_turn() -> std::sync::MutexGuard<'static, ()> {
    LAB.lock().unwrap_or_else(|p| p.into_inner())
}

/// The catalogue files kept in the repository (tests/data/shared).
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

/// The fixed test clock, moved on by `secs`.
pub fn at(secs: i64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339("2026-11-10T09:00:00Z").unwrap()
        + chrono::Duration::seconds(secs);
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub struct Setup {
    pub env: Env,
    pub cfg: String,
}

impl Setup {
    /// An environment whose ssh uses `ssh_config` (and `extra_config`, more of the
    /// config file), with a pilot group (order 0, 30 s soak) holding `pilot` and a prod
    /// group (order 1, plus `prod_policy`) holding `prod`.
    pub fn new(
        ssh_config: &Path,
        extra_config: &str,
        pilot: &[&str],
        prod: &[&str],
        prod_policy: &[&str],
    ) -> Setup {
        let env = Env::init();
        let cfg = env
            .file(
                "lab.toml",
                &format!(
                    "[ssh]\nconfig_file = \"{}\"\nconnect_timeout = 5\n{extra_config}",
                    ssh_config.display()
                ),
            )
            .display()
            .to_string();
        let s = Setup { env, cfg };
        for (group, order, policy) in [
            ("pilot", "0", &["soak=\"30s\""][..]),
            ("prod", "1", prod_policy),
        ] {
            let mut args = vec![
                "group",
                "add",
                group,
                "--order",
                order,
                "--set",
                "reboot_grace=\"1s\"",
                "--set",
                "reboot_timeout=\"60s\"",
                "--set",
                "lock_timeout=\"20s\"",
            ];
            for p in policy {
                args.extend(["--set", p]);
            }
            s.ok(&args);
        }
        for h in pilot {
            s.ok(&["host", "add", h, "-g", "pilot"]);
        }
        for h in prod {
            s.ok(&["host", "add", h, "-g", "prod"]);
        }
        s
    }

    pub fn run_at(&self, secs: i64, args: &[&str]) -> Output {
        let mut all = vec!["--config", self.cfg.as_str()];
        all.extend_from_slice(args);
        self.env
            .cmd(&all)
            .env("PATCHCYCLE_NOW", at(secs))
            .output()
            .expect("run patchcycle")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_at(0, args)
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}:\n{}",
            render(&self.env, &out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn code(&self, secs: i64, args: &[&str], want: i32) -> String {
        let out = self.run_at(secs, args);
        assert_eq!(
            out.status.code(),
            Some(want),
            "{args:?}:\n{}",
            render(&self.env, &out)
        );
        render(&self.env, &out)
    }

    /// Runs `sync` (quietly, with `sync_args`), scans every host and starts the cycle.
    pub fn sync_scan_and_start(&self, sync_args: &[&str]) {
        let mut args = vec!["-q", "sync"];
        args.extend_from_slice(sync_args);
        let out = self.run(&args);
        assert!(out.status.success(), "{}", render(&self.env, &out));
        self.code(0, &["-q", "scan", "--all"], 0);
        self.ok(&["cycle", "start"]);
    }

    pub fn deployment_of(&self, group: &str) -> i64 {
        self.env
            .sqlite()
            .query_row(
                "SELECT d.id FROM deployments d JOIN groups g ON g.id = d.group_id \
                 WHERE g.name = ?1 ORDER BY d.id DESC LIMIT 1",
                [group],
                |r| r.get(0),
            )
            .expect("a deployment")
    }

    pub fn host_state(&self, deployment: i64, host: &str) -> (String, Option<String>) {
        self.env
            .sqlite()
            .query_row(
                "SELECT dh.state, dh.error FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
                 WHERE dh.deployment_id = ?1 AND h.name = ?2",
                rusqlite::params![deployment, host],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("host row")
    }
}
