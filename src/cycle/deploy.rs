//! The engine `test` and `deploy` share: the orchestrator that owns waves, the failure
//! threshold, the maintenance window, saving and auditing, and one ladder of steps that
//! both transports climb.
//!
//! Per host, in [`Step`] order: snapshot → versions before (and apt's simulation, which
//! refuses removals and unavailable versions before anything changes) → keep rollback
//! packages → install the exact targets → reboot per policy → health checks → versions
//! after. Each step is saved before the next starts, so `--resume` continues where a
//! crash stopped. The remote work of a step comes from a [`Runner`]: the built-in one
//! runs the scripts over SSH (checks in `health.rs`), `--engine ansible` replays what
//! its playbook collected (`ansible.rs`); [`judge`] decides what the answers mean, the
//! same way for both. Hosts run in waves of `max_parallel`; after each wave the failure
//! threshold may halt the rest, and the maintenance window is checked before each wave.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::Connection;
use serde_json::json;

use crate::clock;
use crate::config::SshConfig;
use crate::cycle::ansible;
use crate::cycle::deployment::{
    self, Before, Check, Deployment, HostCounts, HostRow, HostState, Method, NewDeployment,
    NewHost, Outcome, Patcher, RestartOutcome, Restarted, Step, host_rows,
};
use crate::cycle::judge::{self, StepError, builtin_checks, touched, untouched};
use crate::cycle::plan::Plan;
use crate::cycle::snapshot::{self, Snapshot};
use crate::cycle::win_updates;
use crate::cycle::window::Window;
use crate::exec::{self, Target as Dest, protocol};
use crate::family::deploy::{self as family_deploy, Deployer, Pin, Readback};
use crate::family::restart::{self, Check as ProcCheck, Decision, RestartFacts, Service};
use crate::inventory::Host;
use crate::inventory::policy::{Policy, RebootPolicy, RestartPolicy, Threshold};

/// Records a new deployment of `plan` and its hosts (one transaction).
pub fn create(
    conn: &mut Connection,
    plan: &Plan,
    actor: &str,
    override_reason: Option<&str>,
    no_rollback: bool,
) -> Result<i64> {
    let new = NewDeployment {
        cycle_id: plan.cycle_id,
        group_id: plan.group_id,
        kind: plan.kind,
        subject: format!("{}/{}", plan.cycle, plan.group),
        plan: serde_json::to_string(plan)?,
        hosts: plan
            .hosts
            .iter()
            .map(|h| NewHost {
                host: &h.host,
                wave: h.wave,
                targets: &h.targets,
                skip: h.skip.as_deref(),
                blocker: h.blocker.as_deref(),
                patcher: h.patcher,
            })
            .collect(),
        details: json!({
            "hosts": plan.planned().count(),
            "change_ref": plan.change_ref,
            "window": plan.window,
            "override": override_reason,
            "no_rollback": no_rollback,
        }),
    };
    deployment::create(conn, &new, actor, override_reason, no_rollback)
}

/// Runs (or resumes) a deployment.
pub struct Engine<'a> {
    pub db: Mutex<Connection>,
    pub ssh: &'a SshConfig,
    pub control: PathBuf,
    pub policy: Policy,
    pub deployment: Deployment,
    pub window: Option<Window>,
    pub progress: exec::pool::Progress,
    pub group_hosts: usize,
    /// The database file (the Ansible engine writes its files next to it).
    pub db_path: PathBuf,
    /// Run waves through ansible-playbook instead of the built-in SSH pool.
    pub ansible: bool,
}

pub(crate) fn dest(h: &Host) -> Dest {
    Dest::Ssh {
        address: h.address.clone(),
        user: h.user.clone(),
        port: h.port,
    }
}

/// What the reboot step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebooted {
    /// The policy did not ask for one.
    No,
    Yes,
    /// The host answered again, but with the boot id of before (audited).
    SameBootId,
}

/// The remote work of each step, neither judged nor saved: the built-in engine runs
/// the scripts over SSH, `--engine ansible` replays what its playbook collected.
trait Runner {
    /// The package manager's simulation and the host's facts.
    fn before(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError>;
    /// Downloads the versions in `old` into the rollback cache; Err says what is missing.
    fn keep(&self, row: &HostRow, old: &[Pin]) -> Result<(), String>;
    fn install(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError>;
    /// The collector's `restart` section, run now: what still maps replaced files.
    fn restart_facts(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError>;
    /// Restarts `services`, then collects the `restart` section again.
    fn restart_services(
        &self,
        row: &HostRow,
        services: &[Service],
    ) -> Result<BTreeMap<String, String>, StepError>;
    /// Reboots per policy; `wanted` says the restart step asked for one.
    fn reboot(&self, row: &HostRow, before: &Before, wanted: bool) -> Result<Rebooted, StepError>;
    fn health(&self, row: &HostRow, before: &Before) -> Vec<Check>;
    fn after(&self, row: &HostRow) -> Result<Readback, StepError>;
}

impl Engine<'_> {
    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self
            .db
            .lock()
            .map_err(|_| anyhow::anyhow!("database lock poisoned"))?;
        f(&mut guard)
    }

    /// Saves a host's progress (one transaction per step).
    fn save(&self, host_id: i64, sets: &[(&str, rusqlite::types::Value)]) -> Result<()> {
        let dep = self.deployment.id;
        self.with_db(|conn| deployment::save_host(conn, dep, host_id, sets))
    }

    fn save_step(&self, host_id: i64, step: Step) -> Result<(), StepError> {
        self.save(host_id, &[("step", step.as_str().to_string().into())])
            .map_err(saving)
    }

    pub(crate) fn run(
        &self,
        h: &Host,
        script: &str,
        timeout: Duration,
    ) -> Result<BTreeMap<String, String>, String> {
        let token = protocol::token_of(script).unwrap_or_default().to_string();
        // Every script run here is safe to repeat (simulation, exact-version install,
        // downloads, reads), so a lost connection gets one more try on a new one.
        let mut attempt =
            exec::run_script_detached(self.ssh, &self.control, &dest(h), script, timeout);
        if let Err(exec::RunError::Ssh(_)) = &attempt {
            exec::close_master(self.ssh, &self.control, &dest(h));
            std::thread::sleep(Duration::from_secs(2));
            attempt = exec::run_script_detached(self.ssh, &self.control, &dest(h), script, timeout);
        }
        let out = attempt.map_err(|e| match e {
            exec::RunError::Ssh(m) => format!("unreachable: {m}"),
            other => other.to_string(),
        })?;
        let text = String::from_utf8_lossy(&out.stdout);
        protocol::sections(&text, &token).ok_or_else(|| {
            let last = protocol::last_line_clipped(&out.stderr);
            format!("the host's output was cut short (connection lost?) {last}")
                .trim()
                .to_string()
        })
    }

    /// Reads back the host's installed versions, boot id, reboot flag and systemd state.
    pub(crate) fn readback(
        &self,
        h: &Host,
        d: &dyn Deployer,
        timeout: Duration,
    ) -> Result<Readback, String> {
        let map = self.run(h, &d.readback_script(&protocol::new_token()), timeout)?;
        d.parse_readback(&map)
    }

    pub(crate) fn step_timeout(&self) -> Duration {
        self.policy.step_timeout.0
    }

    /// A step that may first wait for the package manager's lock. Saturating: a sum
    /// past what a Duration holds is refused by `exec::deadline`, not a panic here.
    pub(crate) fn step_and_lock_timeout(&self) -> Duration {
        self.step_timeout()
            .saturating_add(self.policy.lock_timeout.0)
    }

    /// Runs every remaining wave; returns how the deployment ended.
    pub fn execute(&self) -> Result<Outcome> {
        let rows = self.with_db(|c| host_rows(c, self.deployment.id))?;
        let mut waves: BTreeMap<i64, Vec<HostRow>> = BTreeMap::new();
        for r in rows {
            if matches!(r.state, HostState::Pending | HostState::Running) {
                waves.entry(r.wave).or_default().push(r);
            }
        }
        // The CLI refuses an invalid stored policy before it records a deployment; a
        // caller that did not (or a policy from before the bounds) still gets no panic
        // and no deployment left running: its hosts fail untouched, and it ends failed.
        if let Err(e) = self.policy.validate() {
            let why = format!("the group's policy is invalid: {e}; nothing was run on the host");
            for r in waves.values().flatten() {
                self.fail_host(r, untouched(why.clone()));
            }
            let d = &self.deployment;
            return self.with_db(|conn| deployment::finish(conn, d, None));
        }
        let mut halted: Option<String> = None;
        // Hosts that failed before a resume were seen by whoever resumed: the threshold
        // counts the failures of this run.
        let baseline = self.count_failed()?;
        for (wave, hosts) in waves {
            if let Some(w) = &self.window
                && self.deployment.override_reason.is_none()
                && !w.contains(clock::now()?)
            {
                halted = Some(format!("the maintenance window closed before wave {wave}"));
                break;
            }
            if self.ansible {
                self.run_wave_ansible(wave, &hosts)?;
            } else {
                let parallel = self.policy.max_parallel.max(1) as usize;
                exec::pool::run(
                    &hosts,
                    parallel,
                    self.progress,
                    |r: &HostRow| format!("wave {wave}: {}", r.host.name),
                    |r: &HostRow| self.run_host(r),
                );
            }
            let failed = self.count_failed()?.saturating_sub(baseline);
            if self.threshold_reached(failed) {
                halted = Some(format!(
                    "{failed} failed host(s) reached the failure threshold {}",
                    self.policy.failure_threshold
                ));
                break;
            }
        }
        let d = &self.deployment;
        self.with_db(|conn| deployment::finish(conn, d, halted))
    }

    fn count_failed(&self) -> Result<usize> {
        self.with_db(|c| Ok(HostCounts::read(c, self.deployment.id)?.failed))
    }

    fn threshold_reached(&self, failed: usize) -> bool {
        if failed == 0 {
            return false;
        }
        match self.policy.failure_threshold {
            Threshold::Count(n) => failed >= n.max(1) as usize,
            Threshold::Percent(p) => failed * 100 >= p as usize * self.group_hosts.max(1),
        }
    }

    /// One wave through ansible-playbook: snapshots first (taken here), then the
    /// playbook, then each host's outputs up the same ladder as the built-in engine.
    fn run_wave_ansible(&self, wave: i64, hosts: &[HostRow]) -> Result<()> {
        let (windows, hosts): (Vec<HostRow>, Vec<HostRow>) = hosts
            .iter()
            .cloned()
            .partition(|r| r.patcher == Patcher::WindowsUpdate);
        self.run_windows_wave(wave, &windows)?;
        let mut ready = Vec::new();
        for r in &hosts {
            self.mark_running(r);
            if let Err(why) = r.deployer().and_then(|d| d.ansible_supported()) {
                self.fail_host(r, untouched(format!("{why}; nothing was run on the host")));
                continue;
            }
            match self.snapshot_step(r) {
                Ok(_) => ready.push(r.host_id),
                Err(e) => self.fail_host(r, untouched(e)),
            }
        }
        if ready.is_empty() {
            return Ok(());
        }
        // Re-read: the rows now have their snapshots.
        let rows: Vec<HostRow> = self
            .with_db(|c| host_rows(c, self.deployment.id))?
            .into_iter()
            .filter(|r| ready.contains(&r.host_id))
            .collect();
        let job = ansible::Job {
            base: PathBuf::from(format!(
                "{}.ansible/deployment-{}",
                self.db_path.display(),
                self.deployment.id
            )),
            deployment: self.deployment.id,
            no_rollback: self.deployment.no_rollback,
            policy: &self.policy,
            ssh: self.ssh,
        };
        for (row, collected) in rows.iter().zip(ansible::run_wave(&job, wave, &rows)?) {
            let r = match &collected {
                Ok(outputs) => self.ladder(
                    row,
                    &Replay {
                        engine: self,
                        outputs,
                    },
                ),
                Err(why) => Err(untouched(why.clone())),
            };
            self.conclude(row, r);
        }
        Ok(())
    }

    /// The Windows hosts of one wave: snapshots first (taken here), then the
    /// win_updates play, then each host's results judged and saved step by step.
    fn run_windows_wave(&self, wave: i64, hosts: &[HostRow]) -> Result<()> {
        let mut ready = Vec::new();
        for r in hosts {
            self.mark_running(r);
            match self.snapshot_step(r) {
                Ok(_) => ready.push(r.host_id),
                Err(e) => self.fail_host(r, untouched(e)),
            }
        }
        if ready.is_empty() {
            return Ok(());
        }
        // Re-read: the rows now have their snapshots.
        let rows: Vec<HostRow> = self
            .with_db(|c| host_rows(c, self.deployment.id))?
            .into_iter()
            .filter(|r| ready.contains(&r.host_id))
            .collect();
        let kbs: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.targets
                    .iter()
                    .filter_map(|t| win_updates::kb_name(&t.package))
                    .collect()
            })
            .collect();
        let job = win_updates::Job {
            dir: PathBuf::from(format!(
                "{}.ansible/deployment-{}/windows-wave-{wave}",
                self.db_path.display(),
                self.deployment.id
            )),
            policy: &self.policy,
            ssh: self.ssh,
        };
        let mut plays: Vec<win_updates::WinHost<'_>> = Vec::new();
        for (r, k) in rows.iter().zip(&kbs) {
            let classifications = self.with_db(|c| windows_classifications(c, r.host_id, k))?;
            plays.push(win_updates::WinHost {
                host: &r.host,
                kbs: k.clone(),
                classifications,
            });
        }
        let results = win_updates::run_wave(&job, &plays)?;
        for ((row, kbs), result) in rows.iter().zip(&kbs).zip(results) {
            let r = match result {
                Ok(v) => self.windows_ladder(row, kbs, &v),
                Err(why) => Err(untouched(why)),
            };
            self.conclude(row, r);
        }
        Ok(())
    }

    /// One Windows host's win_updates results up the steps: before (its build and the
    /// KBs), install, reboot, health, after; each saved before the next.
    fn windows_ladder(
        &self,
        row: &HostRow,
        kbs: &[String],
        result: &serde_json::Value,
    ) -> Result<(), StepError> {
        if kbs.is_empty() {
            return Err(untouched("no KB to install; nothing was run on the host"));
        }
        let before = Before {
            changes: row
                .targets
                .iter()
                .map(|t| family_deploy::Change {
                    package: t.package.clone(),
                    from: Some(t.from.clone()),
                    to: t.to.clone(),
                    arch: None,
                })
                .collect(),
            boot_id: String::new(),
            systemd: String::new(),
        };
        self.save(
            row.host_id,
            &[
                (
                    "before",
                    serde_json::to_string(&before).unwrap_or_default().into(),
                ),
                ("step", Step::Before.as_str().to_string().into()),
            ],
        )
        .map_err(saving)?;
        let judged = match win_updates::judge(kbs, result) {
            Ok(j) => j,
            Err(f) if f.touched => {
                // Windows Update may have changed the host: a rollback (the snapshot) is
                // offered for it.
                self.save_step(row.host_id, Step::Install)?;
                return Err(touched(f.message));
            }
            Err(f) => return Err(untouched(f.message)),
        };
        self.save_step(row.host_id, Step::Install)?;
        self.save(
            row.host_id,
            &[
                ("rebooted", i64::from(judged.rebooted).into()),
                ("step", Step::Reboot.as_str().to_string().into()),
            ],
        )
        .map_err(saving)?;
        let mut checks = vec![Check {
            check: "windows update".into(),
            ok: true,
            detail: format!(
                "{} installed and no longer offered; no reboot pending",
                judged.installed.join(", ")
            ),
        }];
        let commands = &self.policy.health_commands;
        for (cmd, (ok, detail)) in commands.iter().zip(&judged.checks) {
            checks.push(Check {
                check: format!("command {cmd}"),
                ok: *ok,
                detail: detail.clone(),
            });
        }
        if judged.checks.len() < commands.len() {
            checks.push(Check {
                check: "commands".into(),
                ok: false,
                detail: "ansible did not run every health command".into(),
            });
        }
        checks.extend(self.http_probes(&row.host));
        self.save(
            row.host_id,
            &[(
                "health",
                serde_json::to_string(&checks).unwrap_or_default().into(),
            )],
        )
        .map_err(saving)?;
        judge::health(&checks)?;
        self.save_step(row.host_id, Step::Health)?;
        let after: BTreeMap<&str, &str> = judged
            .installed
            .iter()
            .map(|kb| (kb.as_str(), "installed"))
            .collect();
        self.save(
            row.host_id,
            &[
                (
                    "after",
                    serde_json::to_string(&after).unwrap_or_default().into(),
                ),
                ("step", Step::After.as_str().to_string().into()),
                ("state", HostState::Done.as_str().to_string().into()),
                ("error", rusqlite::types::Value::Null),
                ("finished", clock::now_stamp().unwrap_or_default().into()),
            ],
        )
        .map_err(saving)
    }

    pub(crate) fn audit_host(
        &self,
        host: &str,
        action: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let d = &self.deployment;
        self.with_db(|conn| deployment::audit_host(conn, &d.actor, action, host, &details))
    }

    fn mark_running(&self, row: &HostRow) {
        let started = clock::now_stamp().unwrap_or_default();
        let _ = self.save(
            row.host_id,
            &[
                ("state", HostState::Running.as_str().to_string().into()),
                ("started", started.into()),
            ],
        );
    }

    /// One host's pipeline over SSH; failures are recorded on the host, never returned
    /// (the Err is why it failed, for the `-v` progress line).
    fn run_host(&self, row: &HostRow) -> Result<(), String> {
        self.mark_running(row);
        let r = self.ladder(row, &Builtin(self));
        let outcome = r.as_ref().map(|_| ()).map_err(|e| e.message.clone());
        self.conclude(row, r);
        outcome
    }

    fn conclude(&self, row: &HostRow, r: Result<(), StepError>) {
        match r {
            Ok(()) => {
                let _ = self.audit_host(
                    &row.host.name,
                    &format!("{}.host", self.deployment.kind),
                    json!({"deployment": self.deployment.id, "state": "done",
                           "packages": row.targets.len()}),
                );
            }
            Err(e) => self.fail_host(row, e),
        }
    }

    fn fail_host(&self, row: &HostRow, e: StepError) {
        let now = clock::now_stamp().unwrap_or_default();
        let _ = self.save(
            row.host_id,
            &[
                ("state", HostState::Failed.as_str().to_string().into()),
                ("error", e.message.clone().into()),
                ("finished", now.into()),
            ],
        );
        let mut state = HostState::Failed;
        let mut rollback = None;
        if e.touched && self.policy.rollback_on_failure {
            // Re-read: the row now has what the steps recorded.
            let fresh = self
                .with_db(|c| host_rows(c, self.deployment.id))
                .ok()
                .and_then(|rows| rows.into_iter().find(|r| r.host_id == row.host_id));
            if let Some(fresh) = fresh {
                match self.rollback_host(&fresh, Method::Auto) {
                    Ok(how) => {
                        state = HostState::RolledBack;
                        rollback = Some(how);
                    }
                    Err(why) => {
                        state = HostState::RollbackFailed;
                        rollback = Some(why);
                    }
                }
                let _ = self.save(row.host_id, &[("state", state.as_str().to_string().into())]);
            }
        }
        let _ = self.audit_host(
            &row.host.name,
            &format!("{}.host", self.deployment.kind),
            json!({"deployment": self.deployment.id, "state": state, "error": e.message,
                   "rollback": rollback}),
        );
    }

    /// The steps a host has left, from the one after its stored step: each one's remote
    /// work from `run`, judged by [`judge`], saved before the next starts.
    fn ladder(&self, row: &HostRow, run: &dyn Runner) -> Result<(), StepError> {
        let at = row.step;
        let d = deployer(row).map_err(untouched)?;
        let snap = self.snapshot_step(row).map_err(untouched)?;
        let mut before = row.before.clone().unwrap_or_default();
        if at.needs(Step::Before) {
            before = judge::before(d, &run.before(row)?)?;
            self.save(
                row.host_id,
                &[
                    (
                        "before",
                        serde_json::to_string(&before).unwrap_or_default().into(),
                    ),
                    ("step", Step::Before.as_str().to_string().into()),
                ],
            )
            .map_err(saving)?;
        }
        if at.needs(Step::Keep) {
            let old = judge::to_keep(&before);
            let mut dir: Option<String> = None;
            if !old.is_empty() {
                match run.keep(row, &old) {
                    Ok(()) => dir = Some(family_deploy::rollback_dir(self.deployment.id)),
                    Err(why) if snap.is_some() || self.deployment.no_rollback => {
                        let _ = self.audit_host(
                            &row.host.name,
                            &format!("{}.keep-failed", self.deployment.kind),
                            json!({"deployment": self.deployment.id, "error": why,
                                   "fallback": if snap.is_some() { "snapshot" } else { "none (--no-rollback)" }}),
                        );
                    }
                    Err(why) => {
                        return Err(untouched(format!(
                            "cannot keep rollback packages, and there is no snapshot; nothing was changed: {why}"
                        )));
                    }
                }
            }
            self.save(
                row.host_id,
                &[
                    ("rollback_dir", dir.into()),
                    ("step", Step::Keep.as_str().to_string().into()),
                ],
            )
            .map_err(saving)?;
        }
        if at.needs(Step::Install) {
            judge::install(d, &run.install(row)?, self.policy.lock_timeout.0)?;
            self.save_step(row.host_id, Step::Install)?;
        }
        let mut restart_outcome = row.restart.clone();
        if at.needs(Step::Restart) && self.policy.restart != RestartPolicy::None {
            let outcome = self.restart_step(row, d, run)?;
            let _ = self.audit_host(
                &row.host.name,
                &format!("{}.restart", self.deployment.kind),
                json!({"deployment": self.deployment.id, "restart": outcome}),
            );
            self.save(
                row.host_id,
                &[
                    (
                        "restart",
                        serde_json::to_string(&outcome).unwrap_or_default().into(),
                    ),
                    ("step", Step::Restart.as_str().to_string().into()),
                ],
            )
            .map_err(saving)?;
            restart_outcome = Some(outcome);
        }
        if at.needs(Step::Reboot) {
            let wanted = restart_outcome
                .as_ref()
                .is_some_and(|r| r.reboot_wanted.is_some());
            let rebooted = run.reboot(row, &before, wanted)?;
            if rebooted == Rebooted::SameBootId {
                let _ = self.audit_host(
                    &row.host.name,
                    &format!("{}.reboot", self.deployment.kind),
                    json!({"deployment": self.deployment.id, "boot_id": "unchanged"}),
                );
            }
            self.save(
                row.host_id,
                &[
                    ("rebooted", i64::from(rebooted != Rebooted::No).into()),
                    ("step", Step::Reboot.as_str().to_string().into()),
                ],
            )
            .map_err(saving)?;
        }
        if at.needs(Step::Health) {
            let checks = run.health(row, &before);
            self.save(
                row.host_id,
                &[(
                    "health",
                    serde_json::to_string(&checks).unwrap_or_default().into(),
                )],
            )
            .map_err(saving)?;
            judge::health(&checks)?;
            self.save_step(row.host_id, Step::Health)?;
        }
        let facts = run.after(row)?;
        let after = judge::after(&before, &facts);
        self.save(
            row.host_id,
            &[
                (
                    "after",
                    serde_json::to_string(&after).unwrap_or_default().into(),
                ),
                ("step", Step::After.as_str().to_string().into()),
                ("state", HostState::Done.as_str().to_string().into()),
                ("error", rusqlite::types::Value::Null),
                ("finished", clock::now_stamp().unwrap_or_default().into()),
            ],
        )
        .map_err(saving)
    }

    /// The restart step (policy `restart`): what still runs replaced code after the
    /// install, the services restarted, what is left, and whether a reboot is wanted.
    fn restart_step(
        &self,
        row: &HostRow,
        d: &dyn Deployer,
        run: &dyn Runner,
    ) -> Result<RestartOutcome, StepError> {
        let policy = self.policy.restart;
        let facts = read_restart(d, &run.restart_facts(row)?)?;
        let found = facts.decide();
        let live = facts.check == ProcCheck::Live;
        let mut out = RestartOutcome {
            policy,
            found: found.clone(),
            restarted: Vec::new(),
            left: live.then(|| found.clone()),
            reboot_wanted: None,
        };
        if !live {
            // Nothing can be said of the processes: `restart = "reboot"` reboots rather
            // than call the host clean; `services` leaves it "unknown" in the result.
            if policy == RestartPolicy::Reboot {
                out.reboot_wanted = Some("the host's processes cannot be read (no /proc)".into());
            }
            return Ok(out);
        }
        match policy {
            RestartPolicy::None => {}
            RestartPolicy::Reboot => {
                if !found.is_clear() {
                    out.reboot_wanted = Some(format!(
                        "restart = \"reboot\": {}",
                        crate::text::one_line(&found.text())
                    ));
                }
            }
            RestartPolicy::Services => {
                if !found.services.is_empty() {
                    let map = run.restart_services(row, &found.services)?;
                    for (i, s) in found.services.iter().enumerate() {
                        let rc = map
                            .get(&format!("restart-rc-{i}"))
                            .map(|t| t.trim().to_string());
                        let text = map
                            .get(&format!("restart-out-{i}"))
                            .map(String::as_str)
                            .unwrap_or_default();
                        out.restarted.push(Restarted {
                            service: s.clone(),
                            ok: rc.as_deref() == Some("0"),
                            detail: match rc {
                                Some(rc) if rc == "0" => "restarted".into(),
                                Some(rc) => format!(
                                    "exit {rc}{}",
                                    protocol::last_line(text)
                                        .map(|l| format!(": {}", protocol::clip(l)))
                                        .unwrap_or_default()
                                ),
                                None => "did not run (output cut short)".into(),
                            },
                        });
                    }
                    let after = read_restart(d, &map)?;
                    out.left = (after.check == ProcCheck::Live).then(|| after.decide());
                }
                out.reboot_wanted = services_reboot_reason(&out);
            }
        }
        Ok(out)
    }

    /// Takes the host's snapshot unless a run before this one did; returns it.
    fn snapshot_step(&self, row: &HostRow) -> Result<Option<Snapshot>, String> {
        if !row.step.needs(Step::Snapshot) {
            return Ok(row.snapshot.clone());
        }
        let snap = snapshot::create(
            &self.policy,
            &row.host,
            self.deployment.id,
            self.step_timeout(),
        )?;
        let v = snap
            .as_ref()
            .map(|s| serde_json::to_string(s).unwrap_or_default());
        self.save(
            row.host_id,
            &[
                ("snapshot", v.into()),
                ("step", Step::Snapshot.as_str().to_string().into()),
            ],
        )
        .map_err(|e| format!("saving progress: {e:#}"))?;
        Ok(snap)
    }

    /// Reboots per policy and waits for SSH. `wanted`: the restart step found code only
    /// a reboot brings up to date (a reboot "if required").
    fn reboot(
        &self,
        h: &Host,
        d: &dyn Deployer,
        before: &Before,
        wanted: bool,
    ) -> Result<Rebooted, String> {
        let need = match self.policy.reboot {
            RebootPolicy::Never => false,
            RebootPolicy::Always => true,
            RebootPolicy::IfRequired if wanted => true,
            RebootPolicy::IfRequired => {
                self.readback(h, d, self.step_timeout())
                    .map_err(|e| format!("checking reboot-required: {e}"))?
                    .reboot_required
            }
        };
        if !need {
            return Ok(Rebooted::No);
        }
        let token = protocol::new_token();
        // The session may be cut by the reboot itself: only a failure to start counts.
        match exec::run_script_detached(
            self.ssh,
            &self.control,
            &dest(h),
            &d.reboot_script(&token),
            self.step_timeout(),
        ) {
            Err(exec::RunError::Spawn(p, e)) => {
                return Err(format!("reboot: cannot start {p}: {e}"));
            }
            Err(e @ exec::RunError::TimeLimit(_)) => return Err(format!("reboot: {e}")),
            _ => {}
        }
        exec::close_master(self.ssh, &self.control, &dest(h));
        std::thread::sleep(self.policy.reboot_grace.0);
        let deadline = exec::deadline(self.policy.reboot_timeout.0)
            .map_err(|e| format!("waiting for the reboot: {e}"))?;
        let probe = Duration::from_secs(u64::from(self.ssh.connect_timeout) + 30);
        loop {
            match self.readback(h, d, probe) {
                Ok(f) if !before.boot_id.is_empty() && f.boot_id == before.boot_id => {
                    return Ok(Rebooted::SameBootId);
                }
                Ok(_) => return Ok(Rebooted::Yes),
                Err(e) if Instant::now() >= deadline => {
                    return Err(format!(
                        "not back {} after the reboot: {e}",
                        crate::inventory::policy::format_duration(self.policy.reboot_timeout.0)
                    ));
                }
                Err(_) => {
                    exec::close_master(self.ssh, &self.control, &dest(h));
                    std::thread::sleep(Duration::from_secs(2));
                }
            }
        }
    }
}

/// The classifications a Windows host's latest good scan gave the `kbs` its Windows
/// Update Agent offered ("Security Updates"); empty without such a scan.
fn windows_classifications(conn: &Connection, host_id: i64, kbs: &[String]) -> Result<Vec<String>> {
    use rusqlite::OptionalExtension as _;
    let stored: Option<Option<String>> = conn
        .query_row(
            "SELECT windows FROM scans WHERE host_id = ?1 AND status = 'ok' ORDER BY id DESC LIMIT 1",
            [host_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(facts) = stored
        .flatten()
        .and_then(|t| serde_json::from_str::<crate::family::WindowsFacts>(&t).ok())
    else {
        return Ok(Vec::new());
    };
    Ok(facts
        .pending
        .iter()
        .filter(|p| kbs.contains(&format!("KB{}", p.kb)))
        .map(|p| p.classification.clone())
        .collect())
}

/// The `restart` section of a step's output, parsed as the scan parses it.
fn read_restart(
    d: &dyn Deployer,
    map: &BTreeMap<String, String>,
) -> Result<RestartFacts, StepError> {
    let text = map
        .get("restart")
        .ok_or_else(|| touched("restart: the host printed no restart section"))?;
    let lines: Vec<&str> = text.lines().collect();
    restart::parse(Some(&lines), &|n: &str| d.name_ok(n), &mut |_| {})
        .ok_or_else(|| touched("restart: the host's restart section has no state line"))
}

/// Why `restart = "services"` still wants a reboot: a process only a reboot helps, a
/// restart that failed, or a service still running replaced code after its restart.
/// Processes without a service (sessions, daemons started by hand) are reported, not
/// rebooted for.
fn services_reboot_reason(out: &RestartOutcome) -> Option<String> {
    let mut why = Vec::new();
    let left: Decision = out.left.clone().unwrap_or_default();
    if !left.reboot_only.is_empty() {
        let p: Vec<String> = left
            .reboot_only
            .iter()
            .map(|r| format!("{} ({})", r.process, r.reason.as_str()))
            .collect();
        why.push(format!("only a reboot helps {}", p.join(", ")));
    }
    let failed: Vec<String> = out
        .restarted
        .iter()
        .filter(|r| !r.ok)
        .map(|r| format!("{} ({})", r.service.label(), r.detail))
        .collect();
    if !failed.is_empty() {
        why.push(format!("restart failed: {}", failed.join(", ")));
    }
    let still: Vec<String> = left.services.iter().map(Service::label).collect();
    if !still.is_empty() {
        why.push(format!(
            "still running replaced code after a restart: {}",
            still.join(", ")
        ));
    }
    (!why.is_empty()).then(|| crate::text::one_line(&why.join("; ")).into_owned())
}

fn saving(e: anyhow::Error) -> StepError {
    untouched(format!("saving progress: {e:#}"))
}

fn pins(row: &HostRow) -> Vec<Pin> {
    row.targets
        .iter()
        .map(|t| Pin {
            package: t.package.clone(),
            version: t.to.clone(),
            arch: t.arch.clone(),
        })
        .collect()
}

fn deployer(row: &HostRow) -> Result<&'static dyn Deployer, String> {
    row.deployer()
}

/// A step of the built-in transport on a host of a family without a deployer.
fn no_deployer(row: &HostRow) -> Result<&'static dyn Deployer, StepError> {
    deployer(row).map_err(untouched)
}

/// The built-in transport: the scripts over the system OpenSSH.
struct Builtin<'e, 'a>(&'e Engine<'a>);

impl Runner for Builtin<'_, '_> {
    fn before(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        let token = protocol::new_token();
        let script = no_deployer(row)?
            .simulate_script(&token, &pins(row))
            .map_err(untouched)?;
        self.0
            .run(&row.host, &script, self.0.step_timeout())
            .map_err(untouched)
    }

    fn keep(&self, row: &HostRow, old: &[Pin]) -> Result<(), String> {
        let d = deployer(row)?;
        let token = protocol::new_token();
        let script = d.keep_script(&token, self.0.deployment.id, old)?;
        let map = self.0.run(&row.host, &script, self.0.step_timeout())?;
        judge::kept(d, old, &map)
    }

    fn install(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        let e = self.0;
        let token = protocol::new_token();
        let script = no_deployer(row)?
            .install_script(&token, &pins(row), e.policy.lock_timeout.0)
            .map_err(untouched)?;
        e.run(&row.host, &script, e.step_and_lock_timeout())
            .map_err(|err| touched(format!("install: {err}")))
    }

    fn restart_facts(&self, row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        let script = no_deployer(row)?.restart_facts_script(&protocol::new_token());
        self.0
            .run(&row.host, &script, self.0.step_timeout())
            .map_err(|e| touched(format!("restart: {e}")))
    }

    fn restart_services(
        &self,
        row: &HostRow,
        services: &[Service],
    ) -> Result<BTreeMap<String, String>, StepError> {
        let script = no_deployer(row)?.restart_services_script(&protocol::new_token(), services);
        self.0
            .run(&row.host, &script, self.0.step_timeout())
            .map_err(|e| touched(format!("restart: {e}")))
    }

    fn reboot(&self, row: &HostRow, before: &Before, wanted: bool) -> Result<Rebooted, StepError> {
        let d = deployer(row).map_err(touched)?;
        self.0.reboot(&row.host, d, before, wanted).map_err(touched)
    }

    fn health(&self, row: &HostRow, before: &Before) -> Vec<Check> {
        match deployer(row) {
            Ok(d) => self.0.health(&row.host, d, &row.targets, before),
            Err(e) => vec![Check {
                check: "family".into(),
                ok: false,
                detail: e,
            }],
        }
    }

    fn after(&self, row: &HostRow) -> Result<Readback, StepError> {
        let d = deployer(row).map_err(touched)?;
        self.0
            .readback(&row.host, d, self.0.step_timeout())
            .map_err(|e| touched(format!("reading versions after: {e}")))
    }
}

/// Why `--engine ansible` does not run the restart step.
pub const REFUSED_WITH_ANSIBLE: &str = "policy restart = \"services\" or \"reboot\" is not supported with --engine ansible yet (its playbook does not re-collect the processes running replaced code)";

/// `--engine ansible`: what the playbook collected for one host, handed to the ladder
/// step by step as if it were run now.
struct Replay<'e, 'a> {
    engine: &'e Engine<'a>,
    outputs: &'e ansible::HostOutputs,
}

impl Replay<'_, '_> {
    /// The sections of a step that ran, whether the playbook marked it failed, and its
    /// raw output.
    fn get(&self, step: Step) -> Option<(bool, BTreeMap<String, String>, &str)> {
        let out = self.outputs.steps.get(&step)?;
        if !out.ran {
            return None;
        }
        let map = protocol::sections(&out.stdout, &self.outputs.token).unwrap_or_default();
        Some((out.failed, map, &out.stdout))
    }
}

impl Runner for Replay<'_, '_> {
    fn before(&self, _row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        let Some((_, map, out)) = self.get(Step::Before) else {
            return Err(untouched(
                "ansible did not run the before step (unreachable?)",
            ));
        };
        if map.is_empty() {
            return Err(untouched(format!(
                "before: no output from the host{}",
                ansible::last_line(out)
            )));
        }
        Ok(map)
    }

    fn keep(&self, _row: &HostRow, _old: &[Pin]) -> Result<(), String> {
        match self.get(Step::Keep) {
            Some((false, _, _)) => Ok(()),
            Some((true, _, out)) => Err(format!(
                "the playbook's keep step failed{}",
                ansible::last_line(out)
            )),
            None => Err("ansible did not run the keep step".into()),
        }
    }

    fn install(&self, _row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        self.get(Step::Install)
            .map(|(_, map, _)| map)
            .ok_or_else(|| touched("ansible did not finish the install step (unreachable?)"))
    }

    fn restart_facts(&self, _row: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
        // `deploy`/`test` refuse `--engine ansible` with a restart policy before anything
        // runs (cli::deploy); this is the engine's own guard.
        Err(touched(REFUSED_WITH_ANSIBLE))
    }

    fn restart_services(
        &self,
        _row: &HostRow,
        _services: &[Service],
    ) -> Result<BTreeMap<String, String>, StepError> {
        Err(touched(REFUSED_WITH_ANSIBLE))
    }

    fn reboot(
        &self,
        _row: &HostRow,
        _before: &Before,
        _wanted: bool,
    ) -> Result<Rebooted, StepError> {
        if self.outputs.reboot_failed {
            return Err(touched(
                "reboot: the host did not come back (ansible.builtin.reboot)",
            ));
        }
        Ok(if self.outputs.rebooted {
            Rebooted::Yes
        } else {
            Rebooted::No
        })
    }

    fn health(&self, row: &HostRow, before: &Before) -> Vec<Check> {
        let health = self.get(Step::Health);
        let unreachable = "the health step did not run (unreachable?)".to_string();
        let d = match deployer(row) {
            Ok(d) => d,
            Err(e) => {
                return vec![Check {
                    check: "family".into(),
                    ok: false,
                    detail: e,
                }];
            }
        };
        let mut results = builtin_checks(
            d,
            health.as_ref().map(|(_, m, _)| m).ok_or(&unreachable),
            &row.targets,
            before,
        );
        let commands = &self.engine.policy.health_commands;
        for (cmd, (ok, detail)) in commands.iter().zip(&self.outputs.checks) {
            results.push(Check {
                check: format!("command {cmd}"),
                ok: *ok,
                detail: detail.clone(),
            });
        }
        if self.outputs.checks.len() < commands.len() {
            results.push(Check {
                check: "commands".into(),
                ok: false,
                detail: "ansible did not run every health command".into(),
            });
        }
        results.extend(self.engine.http_probes(&row.host));
        results
    }

    fn after(&self, row: &HostRow) -> Result<Readback, StepError> {
        let d = deployer(row).map_err(touched)?;
        let (_, map, _) = self
            .get(Step::Health)
            .ok_or_else(|| touched("no versions after"))?;
        d.parse_readback(&map).map_err(touched)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::cycle::deployment::Target;
    use crate::db::{Db, OpenMode};
    use crate::family::deb::apt;
    use crate::inventory::{GroupSpec, HostSpec};

    /// A transport that answers every step as a healthy Debian host would, and notes
    /// which steps it was asked for.
    #[derive(Default)]
    struct Recorder {
        asked: RefCell<Vec<Step>>,
        install_fails: bool,
        reboot_wanted: std::cell::Cell<bool>,
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const DPKG_AFTER: &str = "openssl\t3.0.11-1~deb12u2\tii \n";

    impl Runner for Recorder {
        fn before(&self, _: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
            self.asked.borrow_mut().push(Step::Before);
            Ok(answers(&[
                ("rc", "0"),
                (
                    "sim",
                    "Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian:12.5/stable [amd64])\n",
                ),
                ("dpkg", "openssl\t3.0.11-1~deb12u1\tii \n"),
                ("boot-id", "b1\n"),
                ("systemd", "running\n"),
            ]))
        }
        fn keep(&self, _: &HostRow, _: &[Pin]) -> Result<(), String> {
            self.asked.borrow_mut().push(Step::Keep);
            Ok(())
        }
        fn install(&self, _: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
            self.asked.borrow_mut().push(Step::Install);
            if self.install_fails {
                return Ok(answers(&[
                    ("rc", "100"),
                    (
                        "install",
                        "E: Sub-process /usr/bin/dpkg returned an error code (1)\n",
                    ),
                ]));
            }
            Ok(answers(&[("rc", "0"), ("install", "")]))
        }
        fn restart_facts(&self, _: &HostRow) -> Result<BTreeMap<String, String>, StepError> {
            self.asked.borrow_mut().push(Step::Restart);
            Ok(answers(&[(
                "restart",
                "state\tlive\nproc\t1\t0\t\t\tinit\nfile\t1\t/usr/lib/libssl.so.3\n\
                 proc\t40\t1\t\tpcdemo\tperl\nfile\t40\t/usr/bin/perl\n",
            )]))
        }
        fn restart_services(
            &self,
            _: &HostRow,
            services: &[Service],
        ) -> Result<BTreeMap<String, String>, StepError> {
            assert_eq!(services, [Service::Sysv("pcdemo".into())]);
            Ok(answers(&[
                ("restart-out-0", ""),
                ("restart-rc-0", "0\n"),
                (
                    "restart",
                    "state\tlive\nproc\t1\t0\t\t\tinit\nfile\t1\t/usr/lib/libssl.so.3\n",
                ),
            ]))
        }
        fn reboot(&self, _: &HostRow, _: &Before, wanted: bool) -> Result<Rebooted, StepError> {
            self.asked.borrow_mut().push(Step::Reboot);
            self.reboot_wanted.set(wanted);
            Ok(Rebooted::No)
        }
        fn health(&self, _: &HostRow, _: &Before) -> Vec<Check> {
            self.asked.borrow_mut().push(Step::Health);
            vec![Check {
                check: "ssh".into(),
                ok: true,
                detail: "answers".into(),
            }]
        }
        fn after(&self, _: &HostRow) -> Result<apt::Readback, StepError> {
            self.asked.borrow_mut().push(Step::After);
            apt::parse_readback(&answers(&[("dpkg", DPKG_AFTER), ("systemd", "running\n")]))
                .map_err(touched)
        }
    }

    /// A real database with one group, one host and a deployment of one target.
    fn engine(dir: &std::path::Path, ssh: &SshConfig) -> Engine<'static> {
        engine_for(
            dir,
            ssh,
            deployment::Patcher::Package(crate::family::Manager::Dpkg),
            Target {
                package: "openssl".into(),
                from: "3.0.11-1~deb12u1".into(),
                to: "3.0.11-1~deb12u2".into(),
                arch: None,
            },
        )
    }

    /// The same with the host patched by `patcher`, to `target`.
    fn engine_for(
        dir: &std::path::Path,
        ssh: &SshConfig,
        patcher: deployment::Patcher,
        target: Target,
    ) -> Engine<'static> {
        let path = dir.join("patchcycle.db");
        let (mut db, _) = Db::open(&path, OpenMode::Create).unwrap();
        let now = "2026-12-07T00:00:00Z";
        let policy = Policy {
            rollback_on_failure: false,
            ..Policy::default()
        };
        crate::inventory::insert_group(
            &db.conn,
            &GroupSpec {
                name: "pilot".into(),
                order: 1,
                stakeholder: None,
                admin: None,
                window: None,
                policy: policy.clone(),
            },
            now,
        )
        .unwrap();
        crate::inventory::insert_host(
            &db.conn,
            &HostSpec {
                name: "web1".into(),
                address: "127.0.0.1".into(),
                user: None,
                port: None,
                group: Some("pilot".into()),
                tags: Vec::new(),
                notes: None,
                platform: if patcher == deployment::Patcher::WindowsUpdate {
                    crate::inventory::Platform::Windows
                } else {
                    crate::inventory::Platform::Posix
                },
            },
            now,
        )
        .unwrap();
        db.conn
            .execute(
                "INSERT INTO cycles (name, cutoff, state, created_at) VALUES ('2026-12', '2026-12-07', 'open', ?1)",
                [now],
            )
            .unwrap();
        let targets = vec![target];
        let id = deployment::create(
            &mut db.conn,
            &NewDeployment {
                cycle_id: 1,
                group_id: 1,
                kind: deployment::Kind::Test,
                subject: "2026-12/pilot".into(),
                plan: "{}".into(),
                hosts: vec![NewHost {
                    host: "web1",
                    wave: 1,
                    targets: &targets,
                    skip: None,
                    blocker: None,
                    patcher: Some(patcher),
                }],
                details: json!({}),
            },
            "tester",
            None,
            false,
        )
        .unwrap();
        let d = deployment::get(&db.conn, id).unwrap();
        // Leaked: the engine borrows its SSH settings for as long as the test runs.
        let ssh: &'static SshConfig = Box::leak(Box::new(ssh.clone()));
        Engine {
            db: Mutex::new(db.conn),
            ssh,
            control: dir.join("control"),
            policy,
            deployment: d,
            window: None,
            progress: exec::pool::Progress::Silent,
            group_hosts: 1,
            db_path: path,
            ansible: false,
        }
    }

    fn row(e: &Engine<'_>) -> HostRow {
        e.with_db(|c| host_rows(c, e.deployment.id))
            .unwrap()
            .remove(0)
    }

    #[test]
    fn a_fresh_host_climbs_every_step_and_each_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path(), &SshConfig::default());
        let run = Recorder::default();
        e.ladder(&row(&e), &run).unwrap();
        assert_eq!(
            *run.asked.borrow(),
            [
                Step::Before,
                Step::Keep,
                Step::Install,
                Step::Reboot,
                Step::Health,
                Step::After
            ]
        );
        let done = row(&e);
        assert_eq!(done.step, Step::After);
        assert_eq!(done.state, HostState::Done);
        assert_eq!(
            done.rollback_dir.as_deref(),
            Some(apt::rollback_dir(e.deployment.id).as_str())
        );
        assert_eq!(done.before.unwrap().changes.len(), 1);
    }

    #[test]
    fn a_resumed_host_starts_after_its_last_saved_step() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path(), &SshConfig::default());
        // A first run stopped after its install failed: before and keep were saved.
        let failing = Recorder {
            install_fails: true,
            ..Recorder::default()
        };
        let err = e.ladder(&row(&e), &failing).unwrap_err();
        assert!(err.touched);
        assert_eq!(row(&e).step, Step::Keep);
        let again = Recorder::default();
        e.ladder(&row(&e), &again).unwrap();
        assert_eq!(
            *again.asked.borrow(),
            [Step::Install, Step::Reboot, Step::Health, Step::After]
        );
        assert_eq!(row(&e).step, Step::After);
    }

    #[test]
    fn restart_services_restarts_what_it_can_and_wants_a_reboot_for_pid_1() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = engine(dir.path(), &SshConfig::default());
        e.policy.restart = RestartPolicy::Services;
        let run = Recorder::default();
        e.ladder(&row(&e), &run).unwrap();
        assert_eq!(
            *run.asked.borrow(),
            [
                Step::Before,
                Step::Keep,
                Step::Install,
                Step::Restart,
                Step::Reboot,
                Step::Health,
                Step::After
            ]
        );
        assert!(run.reboot_wanted.get());
        let r = row(&e).restart.unwrap();
        assert_eq!(r.found.services, [Service::Sysv("pcdemo".into())]);
        assert_eq!(
            r.restarted,
            [Restarted {
                service: Service::Sysv("pcdemo".into()),
                ok: true,
                detail: "restarted".into()
            }]
        );
        let left = r.left.unwrap();
        assert!(left.services.is_empty());
        assert_eq!(left.reboot_only.len(), 1);
        assert_eq!(
            r.reboot_wanted.as_deref(),
            Some("only a reboot helps 1 init (PID 1)")
        );
        // A resumed host after its restart step does not restart again.
        assert_eq!(row(&e).step, Step::After);
    }

    #[test]
    fn a_failed_restart_wants_a_reboot() {
        let out = RestartOutcome {
            policy: RestartPolicy::Services,
            found: Decision::default(),
            restarted: vec![Restarted {
                service: Service::Systemd("nginx.service".into()),
                ok: false,
                detail: "exit 1: Job failed".into(),
            }],
            left: Some(Decision {
                services: vec![Service::Systemd("nginx.service".into())],
                ..Decision::default()
            }),
            reboot_wanted: None,
        };
        assert_eq!(
            services_reboot_reason(&out).as_deref(),
            Some(
                "restart failed: nginx.service (exit 1: Job failed); still running replaced code after a restart: nginx.service"
            )
        );
        // Processes without a service are reported, not rebooted for.
        let sessions = RestartOutcome {
            restarted: Vec::new(),
            left: Some(Decision {
                manual: vec!["25 sshd".into()],
                ..Decision::default()
            }),
            ..out
        };
        assert_eq!(services_reboot_reason(&sessions), None);
    }

    fn windows_engine(dir: &std::path::Path) -> Engine<'static> {
        engine_for(
            dir,
            &SshConfig::default(),
            deployment::Patcher::WindowsUpdate,
            Target {
                package: "KB5094128".into(),
                from: "10.0.20348.4294".into(),
                to: "10.0.20348.5256".into(),
                arch: None,
            },
        )
    }

    /// win_updates' registered results for one host, as its RETURN docs shape them.
    fn windows_result(installed: bool, reboot_required: bool) -> serde_json::Value {
        let update = json!({"title": "2026-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5094128)",
                            "kb": ["5094128"], "installed": installed, "downloaded": true,
                            "categories": ["Security Updates"], "id": "8f1a3e55-0b1c-4d3e-9a51-2f4c6d7e8a90"});
        json!({"updates": {"changed": installed, "failed_update_count": i32::from(!installed),
                           "found_update_count": 1, "installed_update_count": i32::from(installed),
                           "reboot_required": reboot_required, "rebooted": installed,
                           "updates": {"8f1a3e55-0b1c-4d3e-9a51-2f4c6d7e8a90": update}, "filtered_updates": {}},
               "after": {"changed": false, "failed_update_count": 0, "found_update_count": 0,
                         "installed_update_count": 0, "reboot_required": false, "rebooted": false,
                         "updates": {}, "filtered_updates": {}},
               "checks": {}})
    }

    #[test]
    fn a_windows_host_whose_kbs_installed_is_done_and_each_step_saved() {
        let dir = tempfile::tempdir().unwrap();
        let e = windows_engine(dir.path());
        let r = row(&e);
        assert_eq!(r.patcher, deployment::Patcher::WindowsUpdate);
        e.windows_ladder(&r, &["KB5094128".into()], &windows_result(true, false))
            .unwrap();
        let done = row(&e);
        assert_eq!(done.state, HostState::Done);
        assert_eq!(done.step, Step::After);
        let before = done.before.unwrap();
        assert_eq!(before.changes[0].package, "KB5094128");
        assert_eq!(before.changes[0].from.as_deref(), Some("10.0.20348.4294"));
    }

    #[test]
    fn a_windows_host_with_a_kb_not_installed_or_a_reboot_pending_fails() {
        let dir = tempfile::tempdir().unwrap();
        let e = windows_engine(dir.path());
        let err = e
            .windows_ladder(
                &row(&e),
                &["KB5094128".into()],
                &windows_result(false, false),
            )
            .unwrap_err();
        assert_eq!(
            err.message,
            "KB5094128 was not installed; nothing was installed"
        );
        assert!(!err.touched);
        assert_eq!(row(&e).step, Step::Before);
        let err = e
            .windows_ladder(&row(&e), &["KB5094128".into()], &windows_result(true, true))
            .unwrap_err();
        assert!(err.touched);
        assert!(err.message.starts_with("a reboot is still pending"));
        // Touched: the step says Windows Update may have changed the host.
        assert_eq!(row(&e).step, Step::Install);
    }

    #[test]
    fn the_builtin_engine_fails_a_windows_host_by_name_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let e = windows_engine(dir.path());
        let err = e.ladder(&row(&e), &Builtin(&e)).unwrap_err();
        assert!(!err.touched);
        assert_eq!(
            err.message,
            format!(
                "{}; nothing was run on the host",
                win_updates::BUILTIN_REFUSED
            )
        );
    }

    #[test]
    fn a_windows_host_without_a_snapshot_is_not_rolled_back_and_no_kb_is_uninstalled() {
        let dir = tempfile::tempdir().unwrap();
        let e = windows_engine(dir.path());
        e.windows_ladder(
            &row(&e),
            &["KB5094128".into()],
            &windows_result(true, false),
        )
        .unwrap();
        for method in [Method::Auto, Method::Packages, Method::Snapshot] {
            assert_eq!(
                e.rollback_host(&row(&e), method).unwrap_err(),
                win_updates::NO_KB_ROLLBACK
            );
        }
    }
}
