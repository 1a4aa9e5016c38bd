//! Going back: kept packages reinstalled or the snapshot reverted, then the versions
//! verified against those recorded before; and removing both once a cycle is closed.

use crate::cycle::deploy::Engine;
use crate::cycle::deployment::{HostRow, Patcher, Step, may_be_changed};
pub use crate::cycle::deployment::{Method, Rollback, RolledHost};
use crate::cycle::snapshot;
use crate::cycle::win_updates::NO_KB_ROLLBACK;
use crate::exec::protocol;
use crate::family::deploy::rc;

impl Engine<'_> {
    /// Rolls one host back: kept packages first, the snapshot otherwise; then verifies
    /// the versions against those recorded before. Returns how it was done.
    pub fn rollback_host(&self, row: &HostRow, method: Method) -> Result<String, String> {
        let h = &row.host;
        let Some(before) = &row.before else {
            return Ok("nothing to undo: the host was not changed".into());
        };
        // The install starts after "keep": before that, nothing on the host changed.
        if row.step < Step::Keep {
            return Ok("nothing to undo: the host was not changed".into());
        }
        if row.patcher == Patcher::WindowsUpdate {
            return self.rollback_windows(row, method);
        }
        let d = row.deployer()?;
        let use_packages = match method {
            Method::Packages => true,
            Method::Snapshot => false,
            Method::Auto => row.rollback_dir.is_some() || row.snapshot.is_none(),
        };
        let how = if use_packages {
            if row.rollback_dir.is_none() {
                return Err("no kept packages for this host (and no snapshot)".into());
            }
            let token = protocol::new_token();
            let script = d.rollback_script(
                &token,
                self.deployment.id,
                &before.changes,
                self.policy.lock_timeout.0,
            )?;
            let map = self.run(h, &script, self.step_and_lock_timeout())?;
            let text = map.get("rollback").cloned().unwrap_or_default();
            let errors = d.errors(&text);
            if rc(&map) != Some(0) || !errors.is_empty() {
                return Err(format!(
                    "reinstalling kept packages failed: {}",
                    errors
                        .first()
                        .cloned()
                        .unwrap_or_else(|| protocol::clip(text.lines().last().unwrap_or_default()))
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
        match self.readback(h, d, self.step_timeout()) {
            Err(e) if !use_packages => Ok(format!("{how}; not verified: {e}")),
            Err(e) => Err(format!("{how}, but reading versions failed: {e}")),
            Ok(f) => {
                let wrong = d.rollback_differences(&before.changes, &f);
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
    /// A Windows host: its snapshot reverted, or refused by name. No KB is uninstalled:
    /// the combined servicing stack + cumulative update packages cannot be (`wusa
    /// /uninstall` refuses them), so patchcycle never tries.
    fn rollback_windows(&self, row: &HostRow, method: Method) -> Result<String, String> {
        let snap = match (method, &row.snapshot) {
            (Method::Packages, _) | (_, None) => return Err(NO_KB_ROLLBACK.to_string()),
            (_, Some(snap)) => snap,
        };
        snapshot::revert(
            &self.policy,
            &row.host,
            self.deployment.id,
            snap,
            self.step_timeout(),
        )?;
        Ok(format!(
            "reverted to snapshot {}; not verified (the next scan reads the host's build and KBs)",
            snap.name
        ))
    }

    /// Removes a host's kept packages and its snapshot (the cycle is closed).
    pub fn cleanup_host(&self, row: &HostRow) -> Result<String, String> {
        let mut done = Vec::new();
        if row.rollback_dir.is_some() {
            let token = protocol::new_token();
            let script = row.deployer()?.cleanup_script(&token, self.deployment.id);
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

/// The hosts of a deployment `rollback` acts on: those that may still run what the
/// deployment installed, all of them or only the `named` ones.
pub fn candidates(rows: Vec<HostRow>, named: &[String]) -> Vec<HostRow> {
    rows.into_iter()
        .filter(|r| named.is_empty() || named.contains(&r.host.name))
        .filter(|r| may_be_changed(r.state, r.step) && r.before.is_some())
        .collect()
}
