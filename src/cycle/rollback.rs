//! Going back: kept packages reinstalled or the snapshot reverted, then the versions
//! verified against those recorded before; and removing both once a cycle is closed.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::json;

use crate::cycle::apt;
use crate::cycle::deploy::{
    Deployment, DeploymentState, Engine, HostCounts, HostRow, HostState, may_be_changed, step_index,
};
use crate::cycle::snapshot;
use crate::{audit, db};

impl Engine<'_> {
    /// Rolls one host back: kept packages first, the snapshot otherwise; then verifies
    /// the versions against those recorded before. Returns how it was done.
    pub fn rollback_host(&self, row: &HostRow, method: Method) -> Result<String, String> {
        let h = &row.host;
        let Some(before) = &row.before else {
            return Ok("nothing to undo: the host was not changed".into());
        };
        // The install starts after "keep": before that, nothing on the host changed.
        if step_index(&row.step) < 3 {
            return Ok("nothing to undo: the host was not changed".into());
        }
        let use_packages = match method {
            Method::Packages => true,
            Method::Snapshot => false,
            Method::Auto => row.rollback_dir.is_some() || row.snapshot.is_none(),
        };
        let how = if use_packages {
            if row.rollback_dir.is_none() {
                return Err("no kept packages for this host (and no snapshot)".into());
            }
            let remove: Vec<String> = before
                .changes
                .iter()
                .filter(|c| c.from.is_none())
                .map(|c| c.package.clone())
                .collect();
            let token = crate::digest::random_token();
            let script = apt::rollback_script(
                &token,
                self.deployment.id,
                &remove,
                self.policy.lock_timeout.0,
            )?;
            let map = self.run(h, &script, self.step_and_lock_timeout())?;
            let text = map.get("rollback").cloned().unwrap_or_default();
            let errors = apt::apt_errors(&text);
            if apt::rc(&map) != Some(0) || !errors.is_empty() {
                return Err(format!(
                    "reinstalling kept packages failed: {}",
                    errors
                        .first()
                        .cloned()
                        .unwrap_or_else(|| apt::clip(text.lines().last().unwrap_or_default()))
                ));
            }
            "kept packages reinstalled".to_string()
        } else {
            let snap = row.snapshot.as_ref().ok_or("no snapshot for this host")?;
            snapshot::revert(
                &self.policy,
                h,
                self.deployment.id,
                snap,
                self.step_timeout(),
            )?;
            format!("reverted to snapshot {}", snap.name)
        };
        match self.facts(h, self.step_timeout()) {
            Err(e) if !use_packages => Ok(format!("{how}; not verified: {e}")),
            Err(e) => Err(format!("{how}, but reading versions failed: {e}")),
            Ok(f) => {
                let wrong: Vec<String> = before
                    .changes
                    .iter()
                    .filter(|c| f.versions.get(&c.package) != c.from.as_ref())
                    .map(|c| {
                        format!(
                            "{} is {} (before: {})",
                            c.package,
                            f.versions.get(&c.package).map_or("absent", |v| v),
                            c.from.as_deref().unwrap_or("absent")
                        )
                    })
                    .collect();
                if wrong.is_empty() {
                    Ok(format!(
                        "{how}; {} package(s) verified at their versions before",
                        before.changes.len()
                    ))
                } else {
                    Err(format!("{how}, but versions differ: {}", wrong.join(", ")))
                }
            }
        }
    }
    /// Removes a host's kept packages and its snapshot (the cycle is closed).
    pub fn cleanup_host(&self, row: &HostRow) -> Result<String, String> {
        let mut done = Vec::new();
        if row.rollback_dir.is_some() {
            let token = crate::digest::random_token();
            let script = apt::cleanup_script(&token, self.deployment.id);
            self.run(&row.host, &script, self.step_timeout())?;
            done.push("kept packages removed".to_string());
        }
        if let Some(snap) = &row.snapshot {
            snapshot::cleanup(
                &self.policy,
                &row.host,
                self.deployment.id,
                snap,
                self.step_timeout(),
            )?;
            done.push(format!("snapshot {} removed", snap.name));
        }
        Ok(done.join(", "))
    }
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

/// The hosts of a deployment `rollback` acts on: those that may still run what the
/// deployment installed, all of them or only the `named` ones.
pub fn candidates(rows: Vec<HostRow>, named: &[String]) -> Vec<HostRow> {
    rows.into_iter()
        .filter(|r| named.is_empty() || named.contains(&r.host.name))
        .filter(|r| may_be_changed(r.state, &r.step) && r.before.is_some())
        .collect()
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
pub fn record(
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
        tx.execute(
            "INSERT INTO ring_results (cycle_id, group_id, kind, success, hosts_total, hosts_ok, started, finished) \
             VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?6)",
            params![
                d.cycle_id,
                d.group_id,
                d.kind,
                (counts.hosts - counts.skipped) as i64,
                counts.done as i64,
                now
            ],
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
