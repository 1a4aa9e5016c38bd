//! The plan of a test or deploy: which hosts of a group get which exact versions, in
//! which waves, with which snapshot, reboot and checks. Built from the frozen patch set
//! (test) or the group's approval (deploy) and each host's latest scan.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::query::scheme_for;
use crate::cycle::approval::{self, Decision};
use crate::cycle::deployment::{self, Patcher};
pub use crate::cycle::deployment::{Kind, Target};
use crate::cycle::state;
use crate::cycle::win_updates;
use crate::cycle::window::Window;
use crate::error::Failure;
use crate::family::Manager;
use crate::inventory::policy::{Policy, RebootPolicy, SnapshotProvider};
use crate::inventory::{self, Group, Host};

#[derive(Debug, Clone, Serialize)]
pub struct HostPlan {
    pub host: String,
    #[serde(skip)]
    pub spec: Host,
    /// 1-based wave; 0 for hosts left out.
    pub wave: usize,
    pub targets: Vec<Target>,
    /// Why the host is left out (deferred, nothing to install, already done).
    pub skip: Option<String>,
    /// Why the host cannot be patched (it is planned and will fail untouched).
    pub blocker: Option<String>,
    /// What patches the host: the package manager of its latest scan (whose family's
    /// scripts patch it), or Windows Update.
    #[serde(skip)]
    pub patcher: Option<Patcher>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub cycle: String,
    #[serde(skip)]
    pub cycle_id: i64,
    pub group: String,
    #[serde(skip)]
    pub group_id: i64,
    pub kind: Kind,
    /// A dry run of a deploy not (or no longer) approved: why (`group prod has no
    /// approval in cycle 2026-11`); the plan is then of the whole frozen patch set.
    /// None for a plan that may run.
    pub preview: Option<String>,
    pub change_ref: Option<String>,
    pub snapshot: SnapshotProvider,
    pub reboot: RebootPolicy,
    /// What the restart step does after the install (policy `restart`).
    pub restart: crate::inventory::policy::RestartPolicy,
    pub max_parallel: u32,
    pub failure_threshold: String,
    pub rollback_on_failure: bool,
    pub checks: Vec<String>,
    pub window: Option<String>,
    /// Whether now is inside the window (true without a window).
    pub in_window: bool,
    /// The next window opening, when now is outside.
    pub next_window: Option<String>,
    /// That next occurrence as people read it, in the window's own zone with the weekday
    /// (`Tue 2026-12-08 22:00–02:00 Europe/Berlin`).
    #[serde(skip)]
    pub next_window_shown: Option<String>,
    pub hosts: Vec<HostPlan>,
    #[serde(skip)]
    pub policy: Policy,
}

impl Plan {
    pub fn planned(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts.iter().filter(|h| h.skip.is_none())
    }

    /// The first planned host `--engine ansible` cannot patch, and why.
    pub fn ansible_refused(&self) -> Option<(&str, String)> {
        self.planned().find_map(|h| {
            let Patcher::Package(m) = h.patcher? else {
                return None;
            };
            let d = crate::family::of_manager(m).deployer()?;
            d.ansible_supported()
                .err()
                .map(|why| (h.host.as_str(), why))
        })
    }
}

impl Plan {
    /// The first planned Windows host: the built-in engine cannot patch it.
    pub fn builtin_refused(&self) -> Option<&str> {
        self.planned()
            .find(|h| h.patcher == Some(Patcher::WindowsUpdate))
            .map(|h| h.host.as_str())
    }
}

/// A Windows host's targets: each KB of `packages` its scan's findings say is missing,
/// from the host's build to the KB's fixed build (the KB itself when the catalogue names
/// no fixed build).
fn windows_targets(conn: &Connection, scan_id: i64, packages: &PackageSet) -> Result<Vec<Target>> {
    let wanted: Vec<String> = packages
        .keys()
        .filter(|(e, _)| e == win_updates::ECOSYSTEM)
        .filter_map(|(_, p)| win_updates::kb_name(p))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT package, installed, fixed FROM scan_findings WHERE of_scan = ?1 ORDER BY package",
    )?;
    let rows = stmt.query_map([scan_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut targets: Vec<Target> = Vec::new();
    for row in rows {
        let (package, installed, fixed) = row?;
        let Some(kb) = win_updates::kb_name(&package) else {
            continue;
        };
        if wanted.contains(&kb) && !targets.iter().any(|t| t.package == kb) {
            targets.push(Target {
                to: fixed.unwrap_or_else(|| kb.clone()),
                package: kb,
                from: installed,
                arch: None,
            });
        }
    }
    Ok(targets)
}

/// (ecosystem, package) → target version.
type PackageSet = BTreeMap<(String, String), String>;

/// The approved package set of a group in a cycle, and the change reference.
/// The group's approved set and change reference, or why there is none valid at `now`
/// (no decision, a decline or deferral, an expired approval).
fn approved(
    conn: &Connection,
    cycle_id: i64,
    cycle: &str,
    group: &Group,
    now: DateTime<Utc>,
) -> Result<Result<(PackageSet, Option<String>), String>> {
    let Some(latest) = approval::latest(conn, cycle_id, &group.name)? else {
        return Ok(Err(format!(
            "group {} has no approval in cycle {cycle}",
            group.name
        )));
    };
    if latest.decision != Decision::Approve {
        return Ok(Err(format!(
            "group {}'s latest decision in cycle {cycle} is {}",
            group.name, latest.decision
        )));
    }
    // `--expires` names the last valid day.
    if let Some(e) = &latest.expires
        && e.get(..10).unwrap_or(e) < now.date_naive().to_string().as_str()
    {
        return Ok(Err(format!(
            "group {}'s approval in cycle {cycle} expired on {e}",
            group.name
        )));
    }
    let set = latest
        .patches()?
        .into_iter()
        .map(|p| ((p.ecosystem, p.package), p.target))
        .collect();
    Ok(Ok((set, latest.change_ref)))
}

/// The frozen patch set of a cycle, as a package set.
fn frozen(conn: &Connection, cycle_id: i64) -> Result<PackageSet> {
    Ok(state::patches(conn, cycle_id)?
        .into_iter()
        .map(|p| ((p.ecosystem, p.package), p.target))
        .collect())
}

/// The plan a dry run shows. A deploy without a valid approval is planned as a preview
/// ([`Plan::preview`] says why it is not approved) of the whole frozen patch set: what
/// an approval of the set, as `approve` selects it by default, would allow. With a valid
/// approval it is the plan [`build`] makes.
pub fn dry_run(
    conn: &Connection,
    cycle: Option<&str>,
    group: &Group,
    kind: Kind,
    now: DateTime<Utc>,
) -> Result<Plan> {
    build_with(conn, cycle, group, kind, now, true)
}

/// Builds the plan. `Failure::gate` when a deploy lacks a valid approval.
pub fn build(
    conn: &Connection,
    cycle: Option<&str>,
    group: &Group,
    kind: Kind,
    now: DateTime<Utc>,
) -> Result<Plan> {
    build_with(conn, cycle, group, kind, now, false)
}

fn build_with(
    conn: &Connection,
    cycle: Option<&str>,
    group: &Group,
    kind: Kind,
    now: DateTime<Utc>,
    preview_allowed: bool,
) -> Result<Plan> {
    let (cycle_id, c) = state::find(conn, cycle)?;
    if c.state != "open" {
        return Err(Failure::usage(format!("cycle {} is closed", c.name)).into());
    }
    let group_id = inventory::group_id(conn, &group.name)?;
    let mut preview = None;
    let (packages, change_ref) = match kind {
        Kind::Deploy => match approved(conn, cycle_id, &c.name, group, now)? {
            Ok(set) => set,
            Err(why) if preview_allowed => {
                preview = Some(why);
                (frozen(conn, cycle_id)?, None)
            }
            Err(why) => {
                return Err(Failure::gate(why)
                    .hint(format!(
                        "approve it first: `patchcycle approve --group {} --change REF`",
                        group.name
                    ))
                    .into());
            }
        },
        Kind::Test => (frozen(conn, cycle_id)?, None),
    };
    let policy = group.policy.clone();
    let hosts = inventory::list_hosts(
        conn,
        &inventory::HostFilter {
            group: Some(group.name.clone()),
            ..Default::default()
        },
    )?;
    let stamp = crate::clock::stamp(now);
    let mut plans = Vec::new();
    for h in hosts {
        let mut hp = HostPlan {
            host: h.name.clone(),
            spec: h.clone(),
            wave: 0,
            targets: Vec::new(),
            skip: None,
            blocker: None,
            patcher: None,
        };
        if let Some(until) = &h.deferred_until
            && until.as_str() > stamp.as_str()
        {
            hp.skip = Some(format!("deferred until {until}"));
            plans.push(hp);
            continue;
        }
        if let Some(d) = deployment::patched_by(conn, cycle_id, &h.name)? {
            hp.skip = Some(format!("patched by deployment {d}"));
            plans.push(hp);
            continue;
        }
        let scan: Option<(i64, Option<String>)> = conn
            .query_row(
                "SELECT s.id, s.ecosystem FROM scans s JOIN hosts h ON h.id = s.host_id \
                 WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1",
                [&h.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((scan_id, Some(eco))) = scan else {
            hp.blocker = Some("no successful scan yet: run `patchcycle scan` first".into());
            plans.push(hp);
            continue;
        };
        if eco == win_updates::ECOSYSTEM {
            hp.patcher = Some(Patcher::WindowsUpdate);
            hp.targets = windows_targets(conn, scan_id, &packages)?;
            if hp.targets.is_empty() {
                hp.skip = Some("nothing to install".into());
            }
            plans.push(hp);
            continue;
        }
        let Some(family) = crate::family::of_ecosystem(&eco).filter(|f| f.deployer().is_some())
        else {
            hp.blocker = Some(format!(
                "deploy to {eco} hosts is not supported yet (dpkg/apt and rpm/dnf hosts only)"
            ));
            plans.push(hp);
            continue;
        };
        hp.patcher = Some(Patcher::Package(family.manager()));
        let Some(scheme) = scheme_for(&eco) else {
            hp.blocker = Some(format!("no version scheme for {eco}"));
            plans.push(hp);
            continue;
        };
        let mut stmt = conn.prepare_cached(
            "SELECT name, version, arch FROM scan_installed WHERE of_scan = ?1 AND name = ?2 ORDER BY row_order",
        )?;
        for ((pe, pkg), target) in &packages {
            if *pe != eco {
                continue;
            }
            let rows: Vec<(String, String, Option<String>)> = stmt
                .query_map(params![scan_id, pkg], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let below = |v: &str| scheme.compare(v, target).is_ok_and(|o| o.is_lt());
            if family.manager() == Manager::Rpm {
                // dnf installs `name-evr.arch` exactly: one target per installed
                // architecture (multilib), from its newest installed version (install-only
                // packages such as the kernel sit side by side).
                let mut newest: BTreeMap<Option<String>, (String, String)> = BTreeMap::new();
                for (name, version, arch) in rows {
                    let e = newest
                        .entry(arch)
                        .or_insert_with(|| (name.clone(), version.clone()));
                    if scheme.compare(&e.1, &version).is_ok_and(|o| o.is_lt()) {
                        *e = (name, version);
                    }
                }
                for (arch, (name, version)) in newest {
                    if below(&version) {
                        hp.targets.push(Target {
                            package: name,
                            from: version,
                            to: target.clone(),
                            arch,
                        });
                    }
                }
            } else if let Some((name, version, _)) = rows.into_iter().next()
                && below(&version)
            {
                hp.targets.push(Target {
                    package: name,
                    from: version,
                    to: target.clone(),
                    arch: None,
                });
            }
        }
        if hp.targets.is_empty() {
            hp.skip = Some("nothing to install".into());
        }
        plans.push(hp);
    }
    let per_wave = policy.max_parallel.max(1) as usize;
    for (i, hp) in plans.iter_mut().filter(|h| h.skip.is_none()).enumerate() {
        hp.wave = i / per_wave + 1;
    }
    let (in_window, next_window, next_window_shown) = match &group.window {
        None => (true, None, None),
        Some(w) => {
            let win = Window::parse(w)
                .map_err(|e| Failure::usage(format!("group {}'s window {w:?}: {e}", group.name)))?;
            if win.contains(now) {
                (true, None, None)
            } else {
                let next = win.occurrences_after(now, 1).first().copied();
                (
                    false,
                    next.map(|(s, _)| crate::clock::stamp(s)),
                    next.map(|(s, e)| win.show_occurrence(s, e)),
                )
            }
        }
    };
    // The built-in checks of each family the plan patches (Debian's when none is known
    // yet, as before families had their own).
    let mut managers: Vec<Manager> = plans
        .iter()
        .filter_map(|h| match h.patcher {
            Some(Patcher::Package(m)) => Some(m),
            _ => None,
        })
        .collect();
    managers.dedup();
    let windows = plans
        .iter()
        .any(|h| h.patcher == Some(Patcher::WindowsUpdate));
    if managers.is_empty() && !windows {
        managers.push(Manager::Dpkg);
    }
    let mut checks = vec!["ssh".to_string()];
    if !managers.is_empty() {
        checks.push("systemd no worse than before".into());
    }
    let mut seen = Vec::new();
    for &m in &managers {
        if seen.contains(&m) {
            continue;
        }
        seen.push(m);
        if let Some(d) = crate::family::of_manager(m).deployer() {
            checks.extend(d.check_names().iter().map(|c| c.to_string()));
        }
    }
    if !managers.is_empty() {
        checks.push("versions equal targets".into());
    }
    if windows {
        checks.push(
            "Windows Update: every approved KB installed and no longer offered, no reboot pending"
                .into(),
        );
    }
    checks.extend(
        policy
            .health_commands
            .iter()
            .map(|c| format!("command: {c}")),
    );
    checks.extend(
        policy
            .http_checks
            .iter()
            .map(|c| format!("http: {} -> {}", c.url, c.status)),
    );
    Ok(Plan {
        cycle: c.name,
        cycle_id,
        group: group.name.clone(),
        group_id,
        kind,
        preview,
        change_ref,
        snapshot: policy.snapshot,
        reboot: policy.reboot,
        restart: policy.restart,
        max_parallel: policy.max_parallel,
        failure_threshold: policy.failure_threshold.to_string(),
        rollback_on_failure: policy.rollback_on_failure,
        checks,
        window: group.window.clone(),
        in_window,
        next_window,
        next_window_shown,
        hosts: plans,
        policy,
    })
}
