//! The records of test and deploy runs: the one owner of the `deployments`,
//! `deployment_hosts` and `ring_results` tables, and the typed values stored in them
//! (kinds, steps, states). The engine (`deploy.rs`) decides; this module stores.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cycle::snapshot::Snapshot;
use crate::error::Failure;
use crate::family::Manager;
use crate::family::deploy::Change;
use crate::inventory::{self, Host};
use crate::{audit, clock, db};

crate::db::stored::stored_state! {
    /// `test` runs on the pilot ring with the whole patch set; `deploy` on an approved ring.
    Kind {
        Test = "test",
        Deploy = "deploy",
    }
}

crate::db::stored::stored_state! {
    /// A host's steps, in order. The stored step is the last one finished, so a resumed
    /// run starts after it; every step is saved before the next one starts.
    Step {
        Planned = "planned",
        Snapshot = "snapshot",
        /// apt's simulation and the host's state before (refuses removals and versions
        /// no longer available, before anything changes).
        Before = "before",
        /// The installed versions downloaded for rollback.
        Keep = "keep",
        Install = "install",
        /// Services still running replaced code restarted (policy `restart`).
        Restart = "restart",
        Reboot = "reboot",
        Health = "health",
        After = "after",
    }
}

impl Step {
    /// Where the host stands: its position in [`Step::ALL`].
    pub fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Whether a host whose last finished step is `self` still has `step` to do.
    pub fn needs(self, step: Step) -> bool {
        self < step
    }

    /// Whether the step changes the host (from the install on): a failure from here on
    /// leaves it changed, so it is rolled back per policy.
    pub fn changes_host(self) -> bool {
        self >= Step::Install
    }
}

impl PartialOrd for Step {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Step {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index().cmp(&other.index())
    }
}

/// What a host's restart step found and did (policy `restart`), stored with the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartOutcome {
    pub policy: crate::inventory::policy::RestartPolicy,
    /// What ran replaced code right after the install.
    pub found: crate::family::restart::Decision,
    /// Each service restarted: whether it exited 0, and its last line of output.
    pub restarted: Vec<Restarted>,
    /// What still runs replaced code after the restarts (None when the host could not
    /// tell: no /proc).
    pub left: Option<crate::family::restart::Decision>,
    /// Why a reboot is wanted (only a reboot helps, a restart failed, `restart =
    /// "reboot"`); None when none is.
    pub reboot_wanted: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restarted {
    pub service: crate::family::restart::Service,
    pub ok: bool,
    pub detail: String,
}

/// One package on one host: installed now (per its latest scan) → the cycle's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub package: String,
    pub from: String,
    pub to: String,
    /// The rpm family's architecture of the installed package: dnf installs the exact
    /// `name-[epoch:]version-release.arch`. Absent for Debian's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
}

/// One health check's outcome (stored with the host as JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

/// How to roll back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Kept packages when there are some, else the snapshot
    Auto,
    /// Reinstall the kept packages
    Packages,
    /// Revert the snapshot
    Snapshot,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Packages => "packages",
            Method::Snapshot => "snapshot",
        }
    }
}

crate::db::stored::stored_state! {
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

crate::db::stored::stored_state! {
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
    pub step: Step,
    pub state: HostState,
    pub targets: Vec<Target>,
    pub before: Option<Before>,
    pub snapshot: Option<Snapshot>,
    pub rollback_dir: Option<String>,
    pub error: Option<String>,
    pub restart: Option<RestartOutcome>,
    /// What patches the host (recorded with the deployment).
    pub patcher: Patcher,
}

/// Why the built-in engine does not patch Windows hosts.
pub const BUILTIN_REFUSED: &str = "the built-in engine cannot patch Windows hosts (its steps are POSIX shell scripts; Windows hosts are patched through Windows Update by ansible.windows.win_updates)";

/// What patches a host of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patcher {
    /// The scripts of the family whose package manager the host's scan reported.
    Package(Manager),
    /// Windows Update, through Ansible's `ansible.windows.win_updates` (`--engine
    /// ansible` only: the built-in engine's steps are POSIX shell scripts).
    WindowsUpdate,
}

impl Patcher {
    /// As `deployment_hosts.manager` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Patcher::Package(m) => m.as_str(),
            Patcher::WindowsUpdate => "windows-update",
        }
    }

    /// The stored name ([`Patcher::as_str`]) back.
    pub fn from_name(s: &str) -> Option<Patcher> {
        match s {
            "windows-update" => Some(Patcher::WindowsUpdate),
            other => Manager::from_name(other).map(Patcher::Package),
        }
    }
}

impl HostRow {
    /// The deploy side of the host's family (its package manager is recorded with the
    /// deployment).
    pub fn deployer(&self) -> Result<&'static dyn crate::family::deploy::Deployer, String> {
        let manager = match self.patcher {
            Patcher::Package(m) => m,
            Patcher::WindowsUpdate => {
                return Err(format!("{BUILTIN_REFUSED}; nothing was run on the host"));
            }
        };
        crate::family::of_manager(manager)
            .deployer()
            .ok_or_else(|| {
                format!(
                    "deploy to {} hosts is not supported yet; nothing was run on the host",
                    manager.as_str()
                )
            })
    }
}

/// A deployment row.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Deployment {
    pub id: i64,
    pub cycle: String,
    pub group: String,
    pub kind: Kind,
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
         dh.rollback_dir, dh.error, dh.restart, dh.manager FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id \
         WHERE dh.deployment_id = ?1 ORDER BY dh.wave, h.name",
    )?;
    let rows = stmt.query_map([deployment], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Step>(3)?,
            r.get::<_, HostState>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
            r.get::<_, Option<String>>(11)?,
        ))
    })?;
    let mut out: Vec<HostRow> = Vec::new();
    for row in rows {
        let (host_id, name, wave, step, state, targets, before, snap, dir, error, restart, manager) =
            row?;
        let host = inventory::require_host(conn, &name)?;
        // Rows from before the column could only be dpkg hosts.
        let patcher = match manager {
            None => Patcher::Package(Manager::Dpkg),
            Some(m) => Patcher::from_name(&m)
                .with_context(|| format!("stored package manager {m:?} of host {name}"))?,
        };
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
            restart: restart
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .context("stored restart outcome")?,
            patcher,
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
    pub step: Step,
    pub packages: usize,
    pub rebooted: bool,
    pub error: Option<String>,
    /// What the restart step found and did (absent when it did not run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartOutcome>,
}

impl HostLine {
    /// What still needs attention after the restart step, for a warning: None when
    /// nothing runs replaced code, or a reboot took care of it.
    pub fn restart_note(&self) -> Option<String> {
        let r = self.restart.as_ref()?;
        let left = match &r.left {
            Some(d) if d.is_clear() => return None,
            Some(d) => d.text(),
            None => "unknown (no readable /proc)".into(),
        };
        Some(match (&r.reboot_wanted, self.rebooted) {
            (Some(why), false) => {
                format!("{left}; it needs a reboot ({why}), which the reboot policy did not allow")
            }
            (Some(_), true) => return None,
            (None, _) => left,
        })
    }
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
        "SELECT h.name, dh.wave, dh.state, dh.step, dh.targets, dh.rebooted, dh.error, dh.restart \
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
            // Written by the engine from the same type; unreadable text is "not known".
            restart: r
                .get::<_, Option<String>>(7)?
                .and_then(|s| serde_json::from_str(&s).ok()),
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

/// A deployment to record: what `deploy::create` hands over from a plan.
pub struct NewDeployment<'a> {
    pub cycle_id: i64,
    pub group_id: i64,
    pub kind: Kind,
    /// `cycle/group`, the audit subject.
    pub subject: String,
    /// The plan as JSON, kept with the deployment.
    pub plan: String,
    pub hosts: Vec<NewHost<'a>>,
    /// The `*.start` audit row's details.
    pub details: serde_json::Value,
}

/// A host of a new deployment.
pub struct NewHost<'a> {
    pub host: &'a str,
    pub wave: usize,
    pub targets: &'a [Target],
    /// Left out by the plan, and why.
    pub skip: Option<&'a str>,
    /// Planned, but it cannot be patched, and why (it fails untouched).
    pub blocker: Option<&'a str>,
    /// What patches the host, from its last scan (None: blocked before it was known).
    pub patcher: Option<Patcher>,
}

/// Records a new deployment and its hosts (one transaction).
pub fn create(
    conn: &mut Connection,
    new: &NewDeployment<'_>,
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
            new.cycle_id,
            new.group_id,
            new.kind,
            actor,
            new.plan,
            override_reason,
            no_rollback,
            now,
            DeploymentState::Running
        ],
    )?;
    let id = tx.last_insert_rowid();
    for h in &new.hosts {
        let host_id: i64 = tx.query_row("SELECT id FROM hosts WHERE name = ?1", [h.host], |r| {
            r.get(0)
        })?;
        let (state, error) = match (h.skip, h.blocker) {
            (Some(why), _) => (HostState::Skipped, Some(why)),
            (None, Some(why)) => (HostState::Failed, Some(why)),
            (None, None) => (HostState::Pending, None),
        };
        tx.execute(
            "INSERT INTO deployment_hosts (deployment_id, host_id, wave, step, state, targets, error, manager) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                host_id,
                h.wave as i64,
                Step::Planned,
                state,
                serde_json::to_string(h.targets)?,
                error,
                h.patcher.map(Patcher::as_str)
            ],
        )?;
    }
    let mut details = new.details.clone();
    if let Some(m) = details.as_object_mut() {
        m.insert("deployment".into(), json!(id));
    }
    audit::append(
        &tx,
        &now,
        actor,
        &format!("{}.start", new.kind),
        &new.subject,
        &details,
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
            Ok((r.get::<_, HostState>(0)?, r.get::<_, Step>(1)?))
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
            if may_be_changed(state, step) {
                c.changed += 1;
            }
        }
        Ok(c)
    }
}

/// Whether a host may still run what the deployment installed: its install started
/// (the step "keep" finished) and it was not rolled back. These are the hosts
/// `rollback` acts on; a host that failed before its install has nothing to undo.
pub fn may_be_changed(state: HostState, step: Step) -> bool {
    matches!(
        state,
        HostState::Done | HostState::Failed | HostState::RollbackFailed | HostState::Running
    ) && step >= Step::Keep
}

/// Saves columns of a host's row (one transaction). Column names come from the engine,
/// never from input.
pub fn save_host(
    conn: &mut Connection,
    deployment: i64,
    host_id: i64,
    sets: &[(&str, rusqlite::types::Value)],
) -> Result<()> {
    let tx = db::write_tx(conn)?;
    for (col, val) in sets {
        tx.execute(
            &format!(
                "UPDATE deployment_hosts SET {col} = ?1 WHERE deployment_id = ?2 AND host_id = ?3"
            ),
            params![val, deployment, host_id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// One audit row about a host of a deployment (its own transaction).
pub fn audit_host(
    conn: &mut Connection,
    actor: &str,
    action: &str,
    host: &str,
    details: &serde_json::Value,
) -> Result<()> {
    let now = clock::now_stamp()?;
    let tx = db::write_tx(conn)?;
    audit::append(&tx, &now, actor, action, host, details)?;
    tx.commit()?;
    Ok(())
}

/// Ends a run: the deployment's state from its hosts (or `halted` with the reason), the
/// ring's result, and the `*.finish`/`*.failed`/`*.halted` audit row, in one transaction.
pub fn finish(conn: &mut Connection, d: &Deployment, halted: Option<String>) -> Result<Outcome> {
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
    // Skipped hosts were never part of the run: the ring's result is about the hosts it
    // was meant to patch.
    let attempted = counts.hosts - counts.skipped;
    insert_ring_result(
        &tx,
        d,
        state == DeploymentState::Done,
        attempted,
        counts.done,
        &d.started,
        &now,
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
        reason: halted,
    })
}

fn insert_ring_result(
    tx: &rusqlite::Transaction<'_>,
    d: &Deployment,
    success: bool,
    hosts_total: usize,
    hosts_ok: usize,
    started: &str,
    finished: &str,
) -> Result<()> {
    record_ring_result(
        tx,
        d.cycle_id,
        d.group_id,
        d.kind,
        success,
        hosts_total as i64,
        hosts_ok as i64,
        started,
        finished,
    )
}

/// Records a ring's test or deploy outcome: what the gate of the next ring reads.
#[allow(clippy::too_many_arguments)]
pub fn record_ring_result(
    conn: &Connection,
    cycle_id: i64,
    group_id: i64,
    kind: Kind,
    success: bool,
    hosts_total: i64,
    hosts_ok: i64,
    started: &str,
    finished: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO ring_results (cycle_id, group_id, kind, success, hosts_total, hosts_ok, started, finished) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![cycle_id, group_id, kind, success, hosts_total, hosts_ok, started, finished],
    )?;
    Ok(())
}

/// A ring's latest result in a cycle.
#[derive(Debug, Clone)]
pub struct RingResult {
    pub kind: Kind,
    pub success: bool,
    pub hosts_total: i64,
    pub hosts_ok: i64,
    pub finished: String,
}

/// A ring's hosts in a cycle, each counted once however many runs it took part in: its
/// latest row of a finished (not running) test or deploy of the cycle that did not skip
/// it. `ok` counts those done. A rerun plans only the hosts an earlier run did not
/// patch, and a resume finishes the same deployment, so neither runs nor resumes are
/// counted twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingHosts {
    pub total: u64,
    pub ok: u64,
}

pub fn ring_hosts(conn: &Connection, cycle_id: i64, group: &str) -> Result<RingHosts> {
    let (total, ok): (i64, i64) = conn.query_row(
        "WITH rows AS ( \
             SELECT dh.host_id, dh.state, d.id AS did FROM deployment_hosts dh \
             JOIN deployments d ON d.id = dh.deployment_id JOIN groups g ON g.id = d.group_id \
             WHERE d.cycle_id = ?1 AND g.name = ?2 AND d.state != ?3 AND dh.state != ?4) \
         SELECT count(*), coalesce(sum(r.state = ?5), 0) FROM rows r \
         WHERE r.did = (SELECT max(o.did) FROM rows o WHERE o.host_id = r.host_id)",
        params![
            cycle_id,
            group,
            DeploymentState::Running,
            HostState::Skipped,
            HostState::Done
        ],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(RingHosts {
        total: total.max(0) as u64,
        ok: ok.max(0) as u64,
    })
}

/// The latest ring result of a group in a cycle.
pub fn latest_ring_result(
    conn: &Connection,
    cycle_id: i64,
    group: &str,
) -> Result<Option<RingResult>> {
    Ok(conn
        .query_row(
            "SELECT r.kind, r.success, r.hosts_total, r.hosts_ok, r.finished FROM ring_results r \
             JOIN groups g ON g.id = r.group_id WHERE r.cycle_id = ?1 AND g.name = ?2 \
             ORDER BY r.id DESC LIMIT 1",
            params![cycle_id, group],
            |r| {
                Ok(RingResult {
                    kind: r.get(0)?,
                    success: r.get(1)?,
                    hosts_total: r.get(2)?,
                    hosts_ok: r.get(3)?,
                    finished: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The latest deployment of a group in a cycle, of one kind or of any.
pub fn latest(
    conn: &Connection,
    cycle_id: i64,
    group: &str,
    kind: Option<Kind>,
) -> Result<Option<Deployment>> {
    Ok(conn
        .query_row(
            &format!(
                "{DEPLOYMENT_SELECT} WHERE d.cycle_id = ?1 AND g.name = ?2 \
                 AND (?3 IS NULL OR d.kind = ?3) ORDER BY d.id DESC LIMIT 1"
            ),
            params![cycle_id, group, kind],
            deployment_from_row,
        )
        .optional()?)
}

/// The deployments of a cycle, oldest first.
pub fn of_cycle(conn: &Connection, cycle_id: i64) -> Result<Vec<i64>> {
    Ok(conn
        .prepare("SELECT id FROM deployments WHERE cycle_id = ?1 ORDER BY id")?
        .query_map([cycle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Records the cleanup of a cycle's hosts: each host's rollback material forgotten when
/// it was removed, and an audit row either way (one transaction).
pub fn record_cleanup(
    conn: &mut Connection,
    deployment: i64,
    results: &[(&HostRow, &Result<String, String>)],
    actor: &str,
) -> Result<()> {
    let now = clock::now_stamp()?;
    let tx = db::write_tx(conn)?;
    for (r, res) in results {
        let detail = match res {
            Ok(what) => what,
            Err(why) => why,
        };
        if res.is_ok() {
            tx.execute(
                "UPDATE deployment_hosts SET rollback_dir = NULL, snapshot = NULL \
                 WHERE deployment_id = ?1 AND host_id = ?2",
                params![deployment, r.host_id],
            )?;
        }
        audit::append(
            &tx,
            &now,
            actor,
            "cycle.cleanup",
            &r.host.name,
            &json!({"deployment": deployment, "ok": res.is_ok(), "detail": detail}),
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// One host's outcome of a rollback run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RolledHost {
    pub host: String,
    pub state: HostState,
    pub detail: String,
}

/// What a rollback run changed.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Rollback {
    pub hosts: Vec<RolledHost>,
    /// The deployment's state afterwards.
    pub state: DeploymentState,
    /// Its hosts afterwards.
    pub counts: HostCounts,
}

/// Records a rollback run in one transaction: each host's new state and its audit row;
/// then, when a host was put back, the deployment's state follows its hosts
/// (`rolled-back` when none still runs what it installed, else `partly-rolled-back`)
/// and the ring gets a failed result. The ring's result is failed even when only some
/// hosts were rolled back: those hosts no longer run the patch set the next ring would
/// be approved for, so the ring has not shown that it works; a new `test`/`deploy` of
/// the ring gives it a new result.
pub fn record_rollback(
    conn: &mut Connection,
    d: &Deployment,
    results: &[(&HostRow, Result<String, String>)],
    actor: &str,
    method: Method,
    now: &str,
) -> Result<Rollback> {
    let tx = db::write_tx(conn)?;
    let mut hosts = Vec::new();
    for (row, result) in results {
        let (state, detail) = match result {
            Ok(how) => (HostState::RolledBack, how.clone()),
            Err(why) => (HostState::RollbackFailed, why.clone()),
        };
        tx.execute(
            "UPDATE deployment_hosts SET state = ?3, \
             error = CASE WHEN ?3 = ?5 THEN ?4 ELSE error END \
             WHERE deployment_id = ?1 AND host_id = ?2",
            params![d.id, row.host_id, state, detail, HostState::RollbackFailed],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            "rollback.host",
            &row.host.name,
            &json!({"deployment": d.id, "state": state, "detail": detail,
                    "method": method.as_str()}),
        )?;
        hosts.push(RolledHost {
            host: row.host.name.clone(),
            state,
            detail,
        });
    }
    let counts = HostCounts::read(&tx, d.id)?;
    let rolled = hosts
        .iter()
        .filter(|h| h.state == HostState::RolledBack)
        .count();
    let mut state = d.state;
    if rolled > 0 {
        state = if counts.changed == 0 {
            DeploymentState::RolledBack
        } else {
            DeploymentState::PartlyRolledBack
        };
        tx.execute(
            "UPDATE deployments SET state = ?2, finished = ?3 WHERE id = ?1",
            params![d.id, state, now],
        )?;
        insert_ring_result(
            &tx,
            d,
            false,
            counts.hosts - counts.skipped,
            counts.done,
            now,
            now,
        )?;
        audit::append(
            &tx,
            now,
            actor,
            &format!("{}.{state}", d.kind),
            &format!("{}/{}", d.cycle, d.group),
            &json!({"deployment": d.id, "rolled_back": rolled, "still_changed": counts.changed}),
        )?;
    }
    tx.commit()?;
    Ok(Rollback {
        hosts,
        state,
        counts,
    })
}

/// The deployment of a cycle that patched a host already, if any.
pub fn patched_by(conn: &Connection, cycle_id: i64, host: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT d.id FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id \
             JOIN hosts h ON h.id = dh.host_id WHERE d.cycle_id = ?1 AND h.name = ?2 \
             AND dh.state = ?3 ORDER BY d.id DESC LIMIT 1",
            params![cycle_id, host, HostState::Done],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_in_their_stored_order() {
        let names: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "planned", "snapshot", "before", "keep", "install", "restart", "reboot", "health",
                "after"
            ]
        );
        assert!(Step::ALL.windows(2).all(|w| w[0] < w[1]));
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(*s));
            assert_eq!(Step::ALL[s.index()], *s);
        }
        assert_eq!(Step::parse("Keep"), None);
    }

    #[test]
    fn a_host_resumes_after_its_last_finished_step() {
        let left = |at: Step| -> Vec<Step> {
            Step::ALL.iter().copied().filter(|s| at.needs(*s)).collect()
        };
        assert_eq!(left(Step::Planned), &Step::ALL[1..]);
        assert_eq!(
            left(Step::Keep),
            [
                Step::Install,
                Step::Restart,
                Step::Reboot,
                Step::Health,
                Step::After
            ]
        );
        assert!(left(Step::After).is_empty());
        assert!(!Step::Keep.changes_host());
        assert!(Step::Install.changes_host());
    }

    #[test]
    fn only_hosts_whose_install_started_may_be_changed() {
        assert!(!may_be_changed(HostState::Failed, Step::Before));
        assert!(may_be_changed(HostState::Failed, Step::Keep));
        assert!(may_be_changed(HostState::Done, Step::After));
        assert!(!may_be_changed(HostState::RolledBack, Step::After));
        assert!(!may_be_changed(HostState::Skipped, Step::Planned));
    }
}
