//! The engine `test` and `deploy` share (health checks in `health.rs`, rollback in
//! `rollback.rs`, the Ansible transport in `ansible.rs`).
//!
//! Per host, in order: snapshot → versions before (and apt's simulation, which refuses
//! removals and unavailable versions before anything changes) → keep rollback packages
//! → install the exact targets → reboot per policy → health checks → versions after.
//! Each step is saved before the next starts, so `--resume` continues where a crash
//! stopped. Hosts run in waves of `max_parallel`; after each wave the failure threshold
//! may halt the rest, and the maintenance window is checked before each wave.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::SshConfig;
use crate::cycle::apt::{self, Change};
use crate::cycle::health::{Check, builtin_checks};
use crate::cycle::plan::{Kind, Plan, Target};
use crate::cycle::rollback::Method;
use crate::cycle::snapshot::{self, Snapshot};
use crate::cycle::window::Window;
use crate::error::Failure;
use crate::exec::{self, Target as Dest};
use crate::inventory::policy::{Policy, RebootPolicy, Threshold};
use crate::inventory::{self, Host};
use crate::{audit, clock, db};

/// The steps of a host, in order; the stored `step` is the last one finished.
pub const STEPS: [&str; 8] = [
    "planned", "snapshot", "before", "keep", "install", "reboot", "health", "after",
];

pub(crate) fn step_index(step: &str) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0)
}

/// Declares a state stored as text: its spelling in the database and on output is the
/// one given here, and nothing else reads or writes that column.
macro_rules! stored_state {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            #[default]
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let text = v.as_str()?;
                $name::parse(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {text:?}", stringify!($name)).into(),
                    )
                })
            }
        }
    };
}
pub(crate) use stored_state;

stored_state! {
    /// A deployment's state. While it runs it is the run's state; once a rollback has put
    /// hosts back, it follows its hosts: `partly-rolled-back` while some host still runs
    /// what the deployment installed, `rolled-back` when none does.
    DeploymentState {
        Running = "running",
        Done = "done",
        Halted = "halted",
        Failed = "failed",
        PartlyRolledBack = "partly-rolled-back",
        RolledBack = "rolled-back",
    }
}

stored_state! {
    /// A host's state in a deployment.
    HostState {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
        RolledBack = "rolled-back",
        RollbackFailed = "rollback-failed",
        /// Left out by the plan (deferred, nothing to do, …); never touched.
        Skipped = "skipped",
    }
}

impl DeploymentState {
    /// A deployment `--resume` may continue.
    pub fn is_unfinished(self) -> bool {
        matches!(self, DeploymentState::Running | DeploymentState::Halted)
    }
}

impl HostState {
    /// Hosts the deployment counts as failed (a failure later rolled back included).
    pub fn is_failed(self) -> bool {
        matches!(
            self,
            HostState::Failed | HostState::RolledBack | HostState::RollbackFailed
        )
    }
}

/// What was recorded before the install: apt's planned changes and the host's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Before {
    pub changes: Vec<Change>,
    pub boot_id: String,
    pub systemd: String,
}

/// A host row of a deployment.
#[derive(Debug, Clone)]
pub struct HostRow {
    pub host_id: i64,
    pub host: Host,
    pub wave: i64,
    pub step: String,
    pub state: HostState,
    pub targets: Vec<Target>,
    pub before: Option<Before>,
    pub snapshot: Option<Snapshot>,
    pub rollback_dir: Option<String>,
    pub error: Option<String>,
}

/// A deployment row.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Deployment {
    pub id: i64,
    pub cycle: String,
    pub group: String,
    pub kind: String,
    pub state: DeploymentState,
    pub actor: String,
    pub started: String,
    pub finished: Option<String>,
    pub error: Option<String>,
    #[serde(skip)]
    pub group_id: i64,
    #[serde(skip)]
    pub cycle_id: i64,
    #[serde(skip)]
    pub no_rollback: bool,
    #[serde(skip)]
    pub override_reason: Option<String>,
}

const DEPLOYMENT_SELECT: &str = "SELECT d.id, c.name, g.name, d.kind, d.state, d.actor, d.started, \
     d.finished, d.error, d.group_id, d.cycle_id, d.no_rollback, d.override FROM deployments d \
     JOIN cycles c ON c.id = d.cycle_id JOIN groups g ON g.id = d.group_id";

fn deployment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Deployment> {
    Ok(Deployment {
        id: r.get(0)?,
        cycle: r.get(1)?,
        group: r.get(2)?,
        kind: r.get(3)?,
        state: r.get(4)?,
        actor: r.get(5)?,
        started: r.get(6)?,
        finished: r.get(7)?,
        error: r.get(8)?,
        group_id: r.get(9)?,
        cycle_id: r.get(10)?,
        no_rollback: r.get(11)?,
        override_reason: r.get(12)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Deployment> {
    conn.query_row(
        &format!("{DEPLOYMENT_SELECT} WHERE d.id = ?1"),
        [id],
        deployment_from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Failure::usage(format!("no deployment {id}"))
            .hint("see `patchcycle deploy --list`")
            .into()
    })
}

pub fn list(conn: &Connection, group: Option<&str>) -> Result<Vec<Deployment>> {
    let mut stmt = conn.prepare(&format!(
        "{DEPLOYMENT_SELECT} WHERE ?1 IS NULL OR g.name = ?1 ORDER BY d.id"
    ))?;
    let rows = stmt.query_map([group], deployment_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The unfinished (running or halted) deployment of a group, if any.
pub fn unfinished(conn: &Connection, group_id: i64) -> Result<Option<Deployment>> {
    Ok(conn
        .query_row(
            &format!(
                "{DEPLOYMENT_SELECT} WHERE d.group_id = ?1 AND d.state IN (?2, ?3) \
                 ORDER BY d.id DESC LIMIT 1"
            ),
            params![group_id, DeploymentState::Running, DeploymentState::Halted],
            deployment_from_row,
        )
        .optional()?)
}

pub fn host_rows(conn: &Connection, deployment: i64) -> Result<Vec<HostRow>> {
    let mut stmt = conn.prepare(
        "SELECT dh.host_id, h.name, dh.wave, dh.step, dh.state, dh.targets, dh.before, dh.snapshot, \
         dh.rollback_dir, dh.error FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
         WHERE dh.deployment_id = ?1 ORDER BY dh.wave, h.name",
    )?;
    let rows = stmt.query_map([deployment], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, HostState>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    let mut out: Vec<HostRow> = Vec::new();
    for row in rows {
        let (host_id, name, wave, step, state, targets, before, snap, dir, error) = row?;
        let host = inventory::require_host(conn, &name)?;
        out.push(HostRow {
            host_id,
            host,
            wave,
            step,
            state,
            targets: serde_json::from_str(&targets).context("stored targets")?,
            before: before
                .map(|b| serde_json::from_str(&b))
                .transpose()
                .context("stored before")?,
            snapshot: snap
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .context("stored snapshot")?,
            rollback_dir: dir,
            error,
        });
    }
    out.sort_by(|a, b| {
        a.wave
            .cmp(&b.wave)
            .then_with(|| inventory::natural_cmp(&a.host.name, &b.host.name))
    });
    Ok(out)
}

/// One host's line in the result.
#[derive(Debug, Serialize, Default)]
pub struct HostLine {
    pub deployment: i64,
    pub host: String,
    pub wave: i64,
    pub state: HostState,
    pub step: String,
    pub packages: usize,
    pub rebooted: bool,
    pub error: Option<String>,
}

/// Marks a halted or interrupted deployment running again (audited).
pub fn reopen(conn: &mut Connection, d: &Deployment, actor: &str) -> Result<()> {
    let now = clock::now_stamp()?;
    let tx = db::write_tx(conn)?;
    tx.execute(
        "UPDATE deployments SET state = ?2, finished = NULL, error = NULL WHERE id = ?1",
        params![d.id, DeploymentState::Running],
    )?;
    audit::append(
        &tx,
        &now,
        actor,
        &format!("{}.resume", d.kind),
        &format!("{}/{}", d.cycle, d.group),
        &json!({"deployment": d.id, "was": d.state}),
    )?;
    tx.commit()?;
    Ok(())
}

/// A deployment's hosts as `test`/`deploy` print them: by wave, then natural name order.
pub fn host_lines(conn: &Connection, deployment: i64) -> Result<Vec<HostLine>> {
    let mut stmt = conn.prepare(
        "SELECT h.name, dh.wave, dh.state, dh.step, dh.targets, dh.rebooted, dh.error \
         FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
         WHERE dh.deployment_id = ?1 ORDER BY dh.wave, h.name",
    )?;
    let rows = stmt.query_map([deployment], |r| {
        let targets: String = r.get(4)?;
        Ok(HostLine {
            deployment,
            host: r.get(0)?,
            wave: r.get(1)?,
            state: r.get(2)?,
            step: r.get(3)?,
            packages: serde_json::from_str::<Vec<Target>>(&targets)
                .map(|t| t.len())
                .unwrap_or(0),
            rebooted: r.get(5)?,
            error: r.get(6)?,
        })
    })?;
    let mut lines: Vec<HostLine> = rows.collect::<rusqlite::Result<_>>()?;
    lines.sort_by(|a, b| {
        a.wave
            .cmp(&b.wave)
            .then_with(|| inventory::natural_cmp(&a.host, &b.host))
    });
    Ok(lines)
}

/// An exclusive lock per group, held while a deployment of it runs; the kernel drops
/// it when the process dies, so a crashed deployment never blocks `--resume`.
pub fn lock_group(db_path: &Path, group_id: i64) -> Result<Option<File>> {
    use std::os::unix::io::AsRawFd;
    let path = PathBuf::from(format!("{}.deploy-{group_id}.lock", db_path.display()));
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // SAFETY: flock on a valid descriptor we own.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    Ok((rc == 0).then_some(f))
}

/// Records a new deployment and its hosts (one transaction).
pub fn create(
    conn: &mut Connection,
    plan: &Plan,
    actor: &str,
    override_reason: Option<&str>,
    no_rollback: bool,
) -> Result<i64> {
    let now = clock::now_stamp()?;
    let tx = db::write_tx(conn)?;
    tx.execute(
        "INSERT INTO deployments (cycle_id, group_id, kind, state, actor, plan, override, no_rollback, started) \
         VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8)",
        params![
            plan.cycle_id,
            plan.group_id,
            plan.kind.as_str(),
            actor,
            serde_json::to_string(plan)?,
            override_reason,
            no_rollback,
            now,
            DeploymentState::Running
        ],
    )?;
    let id = tx.last_insert_rowid();
    for h in &plan.hosts {
        let host_id: i64 =
            tx.query_row("SELECT id FROM hosts WHERE name = ?1", [&h.host], |r| {
                r.get(0)
            })?;
        let (state, error) = match (&h.skip, &h.blocker) {
            (Some(why), _) => (HostState::Skipped, Some(why.clone())),
            (None, Some(why)) => (HostState::Failed, Some(why.clone())),
            (None, None) => (HostState::Pending, None),
        };
        tx.execute(
            "INSERT INTO deployment_hosts (deployment_id, host_id, wave, step, state, targets, error) \
             VALUES (?1, ?2, ?3, 'planned', ?4, ?5, ?6)",
            params![
                id,
                host_id,
                h.wave as i64,
                state,
                serde_json::to_string(&h.targets)?,
                error
            ],
        )?;
    }
    audit::append(
        &tx,
        &now,
        actor,
        &format!("{}.start", plan.kind.as_str()),
        &format!("{}/{}", plan.cycle, plan.group),
        &json!({
            "deployment": id,
            "hosts": plan.planned().count(),
            "change_ref": plan.change_ref,
            "window": plan.window,
            "override": override_reason,
            "no_rollback": no_rollback,
        }),
    )?;
    tx.commit()?;
    Ok(id)
}

/// How a deployment ended.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Outcome {
    pub deployment: i64,
    pub state: DeploymentState,
    pub counts: HostCounts,
    pub reason: Option<String>,
}

/// A deployment's hosts by state. `done + failed + pending + skipped == hosts`, so a
/// message built from them adds up.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct HostCounts {
    pub hosts: usize,
    pub done: usize,
    /// Failed hosts, those rolled back (or not) after failing included.
    pub failed: usize,
    /// Of the failed ones and the ones `rollback` put back: how many are rolled back.
    pub rolled_back: usize,
    /// Not reached (pending, or running when the process died).
    pub pending: usize,
    /// Left out by the plan.
    pub skipped: usize,
    /// Hosts that may still run what the deployment installed: what `rollback` would
    /// act on. Zero means there is nothing to roll back.
    pub changed: usize,
}

impl HostCounts {
    /// `2 of 5 host(s) done, 1 failed (1 rolled back), 2 not reached[, 1 skipped]`: the
    /// parts add up to the hosts.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} of {} host(s) done, {} failed",
            self.done, self.hosts, self.failed
        );
        if self.rolled_back > 0 {
            s.push_str(&format!(" ({} rolled back)", self.rolled_back));
        }
        s.push_str(&format!(", {} not reached", self.pending));
        if self.skipped > 0 {
            s.push_str(&format!(", {} skipped", self.skipped));
        }
        s
    }

    pub fn read(conn: &Connection, deployment: i64) -> Result<HostCounts> {
        let mut stmt =
            conn.prepare("SELECT state, step FROM deployment_hosts WHERE deployment_id = ?1")?;
        let rows = stmt.query_map([deployment], |r| {
            Ok((r.get::<_, HostState>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut c = HostCounts::default();
        for row in rows {
            let (state, step) = row?;
            c.hosts += 1;
            match state {
                HostState::Done => c.done += 1,
                HostState::Pending | HostState::Running => c.pending += 1,
                HostState::Skipped => c.skipped += 1,
                HostState::Failed | HostState::RollbackFailed => c.failed += 1,
                // The engine rolls a host back when it fails (rollback_on_failure): a
                // failure of the run all the same.
                HostState::RolledBack => {
                    c.failed += 1;
                    c.rolled_back += 1;
                }
            }
            if may_be_changed(state, &step) {
                c.changed += 1;
            }
        }
        Ok(c)
    }
}

/// Whether a host may still run what the deployment installed: its install started
/// (the step "keep" finished) and it was not rolled back. These are the hosts
/// `rollback` acts on; a host that failed before its install has nothing to undo.
pub fn may_be_changed(state: HostState, step: &str) -> bool {
    matches!(
        state,
        HostState::Done | HostState::Failed | HostState::RollbackFailed | HostState::Running
    ) && step_index(step) >= 3
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

/// A step failed: why, and whether the host was changed already.
struct StepError {
    message: String,
    touched: bool,
}

fn untouched(message: impl Into<String>) -> StepError {
    StepError {
        message: message.into(),
        touched: false,
    }
}

fn touched(message: impl Into<String>) -> StepError {
    StepError {
        message: message.into(),
        touched: true,
    }
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
    pub(crate) fn save(&self, host_id: i64, sets: &[(&str, rusqlite::types::Value)]) -> Result<()> {
        let dep = self.deployment.id;
        self.with_db(|conn| {
            let tx = db::write_tx(conn)?;
            for (col, val) in sets {
                // Column names come from this file only.
                tx.execute(
                    &format!(
                        "UPDATE deployment_hosts SET {col} = ?1 WHERE deployment_id = ?2 AND host_id = ?3"
                    ),
                    params![val, dep, host_id],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    pub(crate) fn run(
        &self,
        h: &Host,
        script: &str,
        timeout: Duration,
    ) -> Result<BTreeMap<String, String>, String> {
        let token = script
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("T="))
            .map(|t| t.trim_matches('\'').to_string())
            .unwrap_or_default();
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
        apt::sections(&text, &token).ok_or_else(|| {
            let last = out
                .stderr
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .map(apt::clip)
                .unwrap_or_default();
            format!("the host's output was cut short (connection lost?) {last}")
                .trim()
                .to_string()
        })
    }

    pub(crate) fn facts(&self, h: &Host, timeout: Duration) -> Result<apt::Facts, String> {
        let map = self.run(
            h,
            &apt::facts_script(&crate::digest::random_token()),
            timeout,
        )?;
        apt::parse_facts(&map)
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
            return self.finish(None);
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
                for r in &hosts {
                    self.mark_running(r);
                }
                crate::cycle::ansible::run_wave(self, wave, &hosts)?;
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
        self.finish(halted)
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

    fn finish(&self, halted: Option<String>) -> Result<Outcome> {
        let d = &self.deployment;
        self.with_db(|conn| {
            let counts = HostCounts::read(conn, d.id)?;
            let state = if halted.is_some() {
                DeploymentState::Halted
            } else if counts.failed > 0 {
                DeploymentState::Failed
            } else {
                DeploymentState::Done
            };
            let now = clock::now_stamp()?;
            let tx = db::write_tx(conn)?;
            tx.execute(
                "UPDATE deployments SET state = ?2, finished = ?3, error = ?4 WHERE id = ?1",
                params![d.id, state, now, halted],
            )?;
            // Skipped hosts were never part of the run: the ring's result is about the
            // hosts it was meant to patch.
            let attempted = counts.hosts - counts.skipped;
            tx.execute(
                "INSERT INTO ring_results (cycle_id, group_id, kind, success, hosts_total, hosts_ok, started, finished) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![d.cycle_id, d.group_id, d.kind, state == DeploymentState::Done, attempted as i64, counts.done as i64, d.started, now],
            )?;
            let action = match state {
                DeploymentState::Done => "finish",
                other => other.as_str(),
            };
            audit::append(
                &tx,
                &now,
                &d.actor,
                &format!("{}.{action}", d.kind),
                &format!("{}/{}", d.cycle, d.group),
                &json!({"deployment": d.id, "hosts": counts.hosts, "done": counts.done,
                        "failed": counts.failed, "rolled_back": counts.rolled_back,
                        "pending": counts.pending, "skipped": counts.skipped,
                        "changed": counts.changed, "reason": halted}),
            )?;
            tx.commit()?;
            Ok(Outcome {
                deployment: d.id,
                state,
                counts,
                reason: halted.clone(),
            })
        })
    }

    pub(crate) fn audit_host(
        &self,
        host: &str,
        action: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let d = &self.deployment;
        self.with_db(|conn| {
            let now = clock::now_stamp()?;
            let tx = db::write_tx(conn)?;
            audit::append(&tx, &now, &d.actor, action, host, &details)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// One host's pipeline; failures are recorded on the host, never returned.
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

    /// Works on one host; returns why it failed, for the `-v` progress line.
    fn run_host(&self, row: &HostRow) -> Result<(), String> {
        self.mark_running(row);
        let r = self.steps(row);
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

    /// Records a failure that happened before anything on the host changed.
    pub fn fail_host_untouched(&self, row: &HostRow, message: &str) {
        self.fail_host(row, untouched(message));
    }

    /// Records a host from the outputs an Ansible run handed back, judging them as the
    /// built-in engine judges its own runs.
    pub fn record_from_outputs(
        &self,
        row: &HostRow,
        token: &str,
        outputs: &BTreeMap<&str, (bool, bool, String)>,
        checks: &[(bool, String)],
        rebooted: bool,
        reboot_failed: bool,
    ) {
        let r = self.judge_outputs(row, token, outputs, checks, rebooted, reboot_failed);
        self.conclude(row, r);
    }

    fn judge_outputs(
        &self,
        row: &HostRow,
        token: &str,
        outputs: &BTreeMap<&str, (bool, bool, String)>,
        checks: &[(bool, String)],
        rebooted: bool,
        reboot_failed: bool,
    ) -> Result<(), StepError> {
        let db_err = |e: anyhow::Error| untouched(format!("saving progress: {e:#}"));
        let get = |step: &str| -> Option<(bool, BTreeMap<String, String>, String)> {
            let (ran, failed, out) = outputs.get(step)?;
            if !ran {
                return None;
            }
            let map = apt::sections(out, token).unwrap_or_default();
            Some((*failed, map, out.clone()))
        };
        let at = step_index(&row.step);
        let mut before = row.before.clone().unwrap_or_default();
        if at < 2 {
            let Some((_, map, out)) = get("before") else {
                return Err(untouched(
                    "ansible did not run the before step (unreachable?)",
                ));
            };
            if map.is_empty() {
                return Err(untouched(format!(
                    "before: no output from the host{}",
                    out.lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .map(|l| format!(": {}", apt::clip(l)))
                        .unwrap_or_default()
                )));
            }
            before = judge_before(&map)?;
            self.save_before(row, &before).map_err(db_err)?;
        }
        if at < 3 {
            let kept = get("keep").is_some_and(|(failed, _, _)| !failed);
            if !kept && row.snapshot.is_none() && !self.deployment.no_rollback {
                return Err(untouched(
                    "cannot keep rollback packages, and there is no snapshot; nothing was changed",
                ));
            }
            let dir = kept.then(|| apt::rollback_dir(self.deployment.id));
            self.save(
                row.host_id,
                &[
                    ("rollback_dir", dir.into()),
                    ("step", "keep".to_string().into()),
                ],
            )
            .map_err(db_err)?;
        }
        if at < 4 {
            let Some((_, map, _)) = get("install") else {
                return Err(touched(
                    "ansible did not finish the install step (unreachable?)",
                ));
            };
            self.judge_install(&map)?;
            self.save(row.host_id, &[("step", "install".to_string().into())])
                .map_err(db_err)?;
        }
        if at < 5 {
            if reboot_failed {
                return Err(touched(
                    "reboot: the host did not come back (ansible.builtin.reboot)",
                ));
            }
            self.save(
                row.host_id,
                &[
                    ("rebooted", i64::from(rebooted).into()),
                    ("step", "reboot".to_string().into()),
                ],
            )
            .map_err(db_err)?;
        }
        let health = get("health");
        let map = health.as_ref().map(|(_, m, _)| m.clone());
        let unreachable = "the health step did not run (unreachable?)".to_string();
        let mut results = builtin_checks(map.as_ref().ok_or(&unreachable), &row.targets, &before);
        for (cmd, (ok, detail)) in self.policy.health_commands.iter().zip(checks) {
            results.push(Check {
                check: format!("command {cmd}"),
                ok: *ok,
                detail: detail.clone(),
            });
        }
        if checks.len() < self.policy.health_commands.len() {
            results.push(Check {
                check: "commands".into(),
                ok: false,
                detail: "ansible did not run every health command".into(),
            });
        }
        results.extend(self.http_probes(&row.host));
        self.save(
            row.host_id,
            &[(
                "health",
                serde_json::to_string(&results).unwrap_or_default().into(),
            )],
        )
        .map_err(db_err)?;
        let failed: Vec<String> = results
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.check, c.detail))
            .collect();
        if !failed.is_empty() {
            return Err(touched(format!(
                "health check failed: {}",
                failed.join("; ")
            )));
        }
        self.save(row.host_id, &[("step", "health".to_string().into())])
            .map_err(db_err)?;
        let facts = map
            .as_ref()
            .ok_or_else(|| touched("no versions after"))
            .and_then(|m| apt::parse_facts(m).map_err(touched))?;
        self.record_after(row, &before, &facts).map_err(db_err)
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

    fn steps(&self, row: &HostRow) -> Result<(), StepError> {
        let h = &row.host;
        let at = step_index(&row.step);
        let db_err = |e: anyhow::Error| untouched(format!("saving progress: {e:#}"));
        let snap = self.snapshot_step(row).map_err(untouched)?;
        let mut before = row.before.clone().unwrap_or_default();
        let pins: Vec<(String, String)> = row
            .targets
            .iter()
            .map(|t| (t.package.clone(), t.to.clone()))
            .collect();
        if at < 2 {
            let token = crate::digest::random_token();
            let script = apt::simulate_script(&token, &pins).map_err(untouched)?;
            let map = self
                .run(h, &script, self.step_timeout())
                .map_err(untouched)?;
            before = judge_before(&map)?;
            self.save_before(row, &before).map_err(db_err)?;
        }
        if at < 3 {
            let old: Vec<(String, String)> = before
                .changes
                .iter()
                .filter_map(|c| c.from.clone().map(|f| (c.package.clone(), f)))
                .collect();
            let mut dir: Option<String> = None;
            if !old.is_empty() {
                match self.keep(h, &old) {
                    Ok(()) => dir = Some(apt::rollback_dir(self.deployment.id)),
                    Err(why) if snap.is_some() || self.deployment.no_rollback => {
                        let _ = self.audit_host(
                            &h.name,
                            "deploy.keep-failed",
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
                    ("step", "keep".to_string().into()),
                ],
            )
            .map_err(db_err)?;
        }
        if at < 4 {
            let token = crate::digest::random_token();
            let script = apt::install_script(&token, &pins, self.policy.lock_timeout.0)
                .map_err(untouched)?;
            let map = self
                .run(h, &script, self.step_and_lock_timeout())
                .map_err(|e| touched(format!("install: {e}")))?;
            self.judge_install(&map)?;
            self.save(row.host_id, &[("step", "install".to_string().into())])
                .map_err(db_err)?;
        }
        if at < 5 {
            let rebooted = self.reboot(h, &before).map_err(touched)?;
            self.save(
                row.host_id,
                &[
                    ("rebooted", i64::from(rebooted).into()),
                    ("step", "reboot".to_string().into()),
                ],
            )
            .map_err(db_err)?;
        }
        if at < 6 {
            let checks = self.health(h, &row.targets, &before);
            let failed: Vec<String> = checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.check, c.detail))
                .collect();
            self.save(
                row.host_id,
                &[(
                    "health",
                    serde_json::to_string(&checks).unwrap_or_default().into(),
                )],
            )
            .map_err(db_err)?;
            if !failed.is_empty() {
                return Err(touched(format!(
                    "health check failed: {}",
                    failed.join("; ")
                )));
            }
            self.save(row.host_id, &[("step", "health".to_string().into())])
                .map_err(db_err)?;
        }
        let facts = self
            .facts(h, self.step_timeout())
            .map_err(|e| touched(format!("reading versions after: {e}")))?;
        self.record_after(row, &before, &facts).map_err(db_err)
    }

    fn save_before(&self, row: &HostRow, before: &Before) -> Result<()> {
        self.save(
            row.host_id,
            &[
                (
                    "before",
                    serde_json::to_string(before).unwrap_or_default().into(),
                ),
                ("step", "before".to_string().into()),
            ],
        )
    }

    /// Saves the versions after and marks the host done.
    fn record_after(&self, row: &HostRow, before: &Before, facts: &apt::Facts) -> Result<()> {
        let after: BTreeMap<&str, Option<&String>> = before
            .changes
            .iter()
            .map(|c| (c.package.as_str(), facts.versions.get(&c.package)))
            .collect();
        self.save(
            row.host_id,
            &[
                (
                    "after",
                    serde_json::to_string(&after).unwrap_or_default().into(),
                ),
                ("step", "after".to_string().into()),
                ("state", HostState::Done.as_str().to_string().into()),
                ("error", rusqlite::types::Value::Null),
                ("finished", clock::now_stamp().unwrap_or_default().into()),
            ],
        )
    }

    /// Takes the host's snapshot unless a run before this one did; returns it.
    pub fn snapshot_step(&self, row: &HostRow) -> Result<Option<Snapshot>, String> {
        if step_index(&row.step) >= 1 {
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
                ("step", "snapshot".to_string().into()),
            ],
        )
        .map_err(|e| format!("saving progress: {e:#}"))?;
        Ok(snap)
    }

    /// Whether an install run succeeded; a lock never obtained leaves the host untouched.
    fn judge_install(&self, map: &BTreeMap<String, String>) -> Result<(), StepError> {
        let text = map.get("install").cloned().unwrap_or_default();
        let errors = apt::apt_errors(&text);
        if apt::rc(map) == Some(0) && errors.is_empty() {
            return Ok(());
        }
        let first = errors
            .first()
            .cloned()
            .unwrap_or_else(|| format!("apt-get exited {:?}", apt::rc(map)));
        let no_lock = errors.iter().any(|e| {
            e.contains("Could not get lock")
                || e.contains("Unable to acquire the dpkg")
                || e.contains("Unable to lock")
        });
        Err(if no_lock {
            untouched(format!(
                "install failed: the dpkg lock stayed taken for the lock_timeout of {}; nothing was changed: {}",
                self.policy.lock_timeout,
                errors.join("; ")
            ))
        } else {
            touched(format!("install failed: {first}"))
        })
    }

    fn keep(&self, h: &Host, old: &[(String, String)]) -> Result<(), String> {
        let token = crate::digest::random_token();
        let script = apt::keep_script(&token, self.deployment.id, old)?;
        let map = self.run(h, &script, self.step_timeout())?;
        let kept = apt::parse_kept(map.get("kept").map(String::as_str).unwrap_or_default());
        let missing: Vec<String> = old
            .iter()
            .filter(|(n, v)| !kept.iter().any(|(kn, kv)| kn == n && kv == v))
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let why = apt::apt_errors(map.get("keep").map(String::as_str).unwrap_or_default());
        Err(format!(
            "not downloadable: {}{}",
            missing.join(", "),
            why.first().map(|w| format!(" ({w})")).unwrap_or_default()
        ))
    }

    /// Reboots per policy and waits for SSH; true when the host was rebooted.
    fn reboot(&self, h: &Host, before: &Before) -> Result<bool, String> {
        let need = match self.policy.reboot {
            RebootPolicy::Never => false,
            RebootPolicy::Always => true,
            RebootPolicy::IfRequired => {
                self.facts(h, self.step_timeout())
                    .map_err(|e| format!("checking reboot-required: {e}"))?
                    .reboot_required
            }
        };
        if !need {
            return Ok(false);
        }
        let token = crate::digest::random_token();
        // The session may be cut by the reboot itself: only a failure to start counts.
        match exec::run_script_detached(
            self.ssh,
            &self.control,
            &dest(h),
            &apt::reboot_script(&token),
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
            match self.facts(h, probe) {
                Ok(f) => {
                    if !before.boot_id.is_empty() && f.boot_id == before.boot_id {
                        let _ = self.audit_host(
                            &h.name,
                            "deploy.reboot",
                            json!({"deployment": self.deployment.id, "boot_id": "unchanged"}),
                        );
                    }
                    return Ok(true);
                }
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

/// apt's simulation and the facts before: refused when apt cannot install the targets.
fn judge_before(map: &BTreeMap<String, String>) -> Result<Before, StepError> {
    let sim = map.get("sim").cloned().unwrap_or_default();
    let errors = apt::apt_errors(&sim);
    if apt::rc(map) != Some(0) || !errors.is_empty() {
        return Err(untouched(format!(
            "apt cannot install the targets; nothing was changed: {}",
            errors
                .first()
                .cloned()
                .unwrap_or_else(|| "apt-get -s failed".into())
        )));
    }
    let changes = apt::parse_simulation(&sim).map_err(untouched)?;
    let facts = apt::parse_facts(map).map_err(untouched)?;
    Ok(Before {
        changes,
        boot_id: facts.boot_id,
        systemd: facts.systemd,
    })
}

impl Kind {
    pub fn parse(s: &str) -> Kind {
        if s == "test" {
            Kind::Test
        } else {
            Kind::Deploy
        }
    }
}
