//! The monthly cycle: its frozen patch set, ring results, and the approval gate.
//!
//! A ring (group order N) may be approved only when every lower ring that holds hosts
//! has a successful test/deploy result for the cycle and that result has soaked for the
//! lower ring's policy time. The gate reads only `ring_results`, which `test` and
//! `deploy` write (and, until they exist, [`record_ring_result`]).

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::Severity;
use crate::catalog::query::scheme_for;
use crate::cycle::approval::{self, Decision};
use crate::cycle::deployment::{self, DeploymentState, Kind};
use crate::cycle::win_updates;
use crate::error::Failure;
use crate::inventory::{self, Group};

#[derive(Debug, Clone, Serialize, Default)]
pub struct Cycle {
    pub name: String,
    pub cutoff: String,
    pub state: String,
    pub patches: i64,
    pub created_at: String,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Patch {
    pub ecosystem: String,
    pub package: String,
    pub target: String,
    pub advisories: Vec<String>,
    pub severity: Option<String>,
    pub kev: bool,
    pub hosts: i64,
}

fn cycle_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Cycle)> {
    Ok((
        r.get(0)?,
        Cycle {
            name: r.get(1)?,
            cutoff: r.get(2)?,
            state: r.get(3)?,
            created_at: r.get(4)?,
            closed_at: r.get(5)?,
            patches: r.get(6)?,
        },
    ))
}

const CYCLE_SELECT: &str = "SELECT c.id, c.name, c.cutoff, c.state, c.created_at, c.closed_at, \
     (SELECT count(*) FROM cycle_patches p WHERE p.cycle_id = c.id) FROM cycles c";

pub fn list(conn: &Connection) -> Result<Vec<Cycle>> {
    let mut stmt = conn.prepare(&format!("{CYCLE_SELECT} ORDER BY c.id"))?;
    let rows = stmt.query_map([], cycle_from_row)?;
    Ok(rows
        .map(|r| r.map(|(_, c)| c))
        .collect::<rusqlite::Result<_>>()?)
}

/// A cycle by name, or the open one (the newest, if several were left open).
pub fn find(conn: &Connection, name: Option<&str>) -> Result<(i64, Cycle)> {
    let found = match name {
        Some(n) => conn
            .query_row(
                &format!("{CYCLE_SELECT} WHERE c.name = ?1"),
                [n],
                cycle_from_row,
            )
            .optional()?,
        None => conn
            .query_row(
                &format!("{CYCLE_SELECT} WHERE c.state = 'open' ORDER BY c.id DESC LIMIT 1"),
                [],
                cycle_from_row,
            )
            .optional()?,
    };
    found.ok_or_else(|| {
        match name {
            Some(n) => {
                Failure::usage(format!("no cycle {n:?}")).hint("see `patchcycle cycle list`")
            }
            None => Failure::usage("no open cycle").hint("start one with `patchcycle cycle start`"),
        }
        .into()
    })
}

/// The newest cycle, open or closed.
pub fn newest(conn: &Connection) -> Result<(i64, Cycle)> {
    conn.query_row(
        &format!("{CYCLE_SELECT} ORDER BY c.id DESC LIMIT 1"),
        [],
        cycle_from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Failure::usage("no cycle yet")
            .hint("start one with `patchcycle cycle start`")
            .into()
    })
}

/// Freezes the patch set from each host's latest good scan: for every (ecosystem,
/// package) with a pending security update, the highest candidate version any host was
/// offered, with the advisories the findings name.
pub fn start(
    conn: &Connection,
    name: &str,
    cutoff: NaiveDate,
    now: &str,
    actor: &str,
) -> Result<(i64, usize)> {
    if let Some(open) = conn
        .query_row("SELECT name FROM cycles WHERE state = 'open'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    {
        return Err(Failure::usage(format!("cycle {open} is still open"))
            .hint(format!("close it first: `patchcycle cycle close {open}`"))
            .into());
    }
    if conn
        .query_row("SELECT 1 FROM cycles WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some()
    {
        return Err(Failure::usage(format!("cycle {name} already exists"))
            .hint("give another name: `patchcycle cycle start NAME`")
            .into());
    }
    conn.execute(
        "INSERT INTO cycles (name, cutoff, state, created_at, created_by) VALUES (?1, ?2, 'open', ?3, ?4)",
        params![name, cutoff.to_string(), now, actor],
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare(
        "SELECT s.ecosystem, p.package, p.to_version, f.advisories, f.severity, f.kev \
         FROM pending p JOIN scans s ON s.id = p.scan_id \
         LEFT JOIN findings f ON f.scan_id = s.findings_of AND f.package = p.package \
         WHERE p.security = 1 AND s.ecosystem IS NOT NULL \
           AND s.id IN (SELECT max(id) FROM scans WHERE status = 'ok' GROUP BY host_id)",
    )?;
    // Each patch with the worst severity its findings carry (stored typed; `Patch`
    // keeps the text its callers print).
    let mut set: BTreeMap<(String, String), (Patch, Option<Severity>)> = BTreeMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<Severity>>(4)?,
            r.get::<_, Option<bool>>(5)?,
        ))
    })?;
    for row in rows {
        let (eco, pkg, to, advisories, severity, kev) = row?;
        let Some(scheme) = scheme_for(&eco) else {
            continue;
        };
        let advisories: Vec<String> = advisories
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default();
        let (e, worst) = set.entry((eco.clone(), pkg.clone())).or_insert_with(|| {
            let patch = Patch {
                ecosystem: eco,
                package: pkg,
                target: to.clone(),
                ..Patch::default()
            };
            (patch, None)
        });
        e.hosts += 1;
        if scheme.compare(&e.target, &to).is_ok_and(|o| o.is_lt()) {
            e.target = to;
        }
        for a in advisories {
            if !e.advisories.contains(&a) {
                e.advisories.push(a);
            }
        }
        *worst = (*worst).max(severity);
        e.kev |= kev.unwrap_or(false);
    }
    freeze_windows(conn, &mut set)?;
    let mut ins = conn.prepare(
        "INSERT INTO cycle_patches (cycle_id, ecosystem, package, target, advisories, severity, kev, hosts) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (p, severity) in set.values_mut() {
        p.advisories.sort();
        ins.execute(params![
            id,
            p.ecosystem,
            p.package,
            p.target,
            serde_json::to_string(&p.advisories)?,
            *severity,
            p.kev,
            p.hosts
        ])?;
    }
    Ok((id, set.len()))
}

/// Windows hosts' part of the patch set: each KB their latest good scans' findings
/// name (one finding per missing cumulative update), as a patch of ecosystem `Windows`
/// whose target is the highest fixed build any host needs (the KB when the catalogue
/// names none), with the CVEs as its advisories (`approve --advisory CVE-…` selects the
/// KBs that fix it).
fn freeze_windows(
    conn: &Connection,
    set: &mut BTreeMap<(String, String), (Patch, Option<Severity>)>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT f.package, f.fixed, f.advisories, f.cves, f.severity, f.kev \
         FROM scans s JOIN findings f ON f.scan_id = s.findings_of \
         WHERE s.ecosystem = ?1 \
           AND s.id IN (SELECT max(id) FROM scans WHERE status = 'ok' GROUP BY host_id)",
    )?;
    let rows = stmt.query_map([win_updates::ECOSYSTEM], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<Severity>>(4)?,
            r.get::<_, Option<bool>>(5)?,
        ))
    })?;
    for row in rows {
        let (package, fixed, advisories, cves, severity, kev) = row?;
        // Only KB articles go on to Windows Update's accept list.
        let Some(kb) = win_updates::kb_name(&package) else {
            continue;
        };
        let target = fixed.unwrap_or_else(|| kb.clone());
        let (e, worst) = set
            .entry((win_updates::ECOSYSTEM.to_string(), kb.clone()))
            .or_insert_with(|| {
                let patch = Patch {
                    ecosystem: win_updates::ECOSYSTEM.to_string(),
                    package: kb,
                    target: target.clone(),
                    ..Patch::default()
                };
                (patch, None)
            });
        e.hosts += 1;
        if win_updates::build_cmp(&e.target, &target).is_lt() {
            e.target = target;
        }
        for list in [advisories, cves] {
            let names: Vec<String> = list
                .and_then(|a| serde_json::from_str(&a).ok())
                .unwrap_or_default();
            for a in names {
                if !e.advisories.contains(&a) {
                    e.advisories.push(a);
                }
            }
        }
        *worst = (*worst).max(severity);
        e.kev |= kev.unwrap_or(false);
    }
    Ok(())
}

pub fn patches(conn: &Connection, cycle_id: i64) -> Result<Vec<Patch>> {
    let mut stmt = conn.prepare(
        "SELECT ecosystem, package, target, advisories, severity, kev, hosts FROM cycle_patches \
         WHERE cycle_id = ?1 ORDER BY ecosystem, package",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        let adv: String = r.get(3)?;
        Ok(Patch {
            ecosystem: r.get(0)?,
            package: r.get(1)?,
            target: r.get(2)?,
            advisories: serde_json::from_str(&adv).unwrap_or_default(),
            severity: r.get::<_, Option<Severity>>(4)?.map(|s| s.to_string()),
            kev: r.get(5)?,
            hosts: r.get(6)?,
        })
    })?;
    let mut patches: Vec<Patch> = rows.collect::<rusqlite::Result<_>>()?;
    // Worst first (KEV, severity), as every risk-ordered list.
    patches.sort_by(|a, b| {
        fn risk(p: &Patch) -> crate::catalog::Risk<'_> {
            crate::catalog::Risk {
                kev: p.kev,
                severity: p.severity.as_deref(),
                epss: None,
            }
        }
        risk(a).worst_first(&risk(b))
    });
    Ok(patches)
}

/// Records a ring's test or deploy outcome by names (what `test` and `deploy` write
/// through `deployment::finish`; scripts and tests use this).
#[allow(clippy::too_many_arguments)]
pub fn record_ring_result(
    conn: &Connection,
    cycle: &str,
    group: &str,
    kind: &str,
    success: bool,
    hosts_total: i64,
    hosts_ok: i64,
    started: &str,
    finished: &str,
) -> Result<()> {
    let (cycle_id, _) = find(conn, Some(cycle))?;
    let group_id = inventory::group_id(conn, group)?;
    let Some(kind) = Kind::parse(kind) else {
        return Err(Failure::usage(format!(
            "ring result kind {kind:?} is neither test nor deploy"
        ))
        .into());
    };
    deployment::record_ring_result(
        conn,
        cycle_id,
        group_id,
        kind,
        success,
        hosts_total,
        hosts_ok,
        started,
        finished,
    )
}

/// Why a group may not be approved yet (every reason, `; `-joined in one line), or None
/// when the gate is open.
pub fn gate_block(
    conn: &Connection,
    cycle_id: i64,
    group: &Group,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let blocks = gate_blocks(conn, cycle_id, group, now)?;
    Ok((!blocks.is_empty()).then(|| blocks.join("; ")))
}

/// Every reason a group may not be approved yet; empty when the gate is open. Each lower
/// ring that holds hosts must have a result for the cycle, not be rolled back, and meet
/// its own policy: `promote_min_success` of its hosts succeeded, at least
/// `promote_min_hosts` of them, and `soak` passed since its latest result. The reasons
/// are those of the lowest ring that blocks, each check that fails named.
pub fn gate_blocks(
    conn: &Connection,
    cycle_id: i64,
    group: &Group,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let mut blocks = Vec::new();
    for lower in inventory::list_groups(conn)?
        .into_iter()
        .filter(|g| g.order < group.order && g.hosts > 0)
    {
        let Some(r) = deployment::latest_ring_result(conn, cycle_id, &lower.name)? else {
            blocks.push(format!(
                "ring {} ({}) has no test or deploy result for this cycle",
                lower.order, lower.name
            ));
            break;
        };
        // A rollback records a failed result too; a rolled-back ring is no evidence.
        if !r.success {
            let rolled = match deployment::latest(conn, cycle_id, &lower.name, None)? {
                Some(d) if d.state == DeploymentState::PartlyRolledBack => Some(format!(
                    "was partly rolled back after its {} (deployment {})",
                    d.kind, d.id
                )),
                Some(d) if d.state == DeploymentState::RolledBack => Some(format!(
                    "was rolled back after its {} (deployment {})",
                    d.kind, d.id
                )),
                _ => None,
            };
            if let Some(why) = rolled {
                blocks.push(format!("ring {} ({}) {why}", lower.order, lower.name));
                break;
            }
        }
        // Hosts, not runs: from the runs' hosts; a result recorded without a deployment
        // (by a script, through `record_ring_result`) counts as it was recorded.
        let mut hosts = deployment::ring_hosts(conn, cycle_id, &lower.name)?;
        if hosts.total == 0 {
            hosts = deployment::RingHosts {
                total: r.hosts_total.max(0) as u64,
                ok: r.hosts_ok.max(0) as u64,
            };
        }
        let p = &lower.policy;
        if !p.promote_min_success.reached(hosts.ok, hosts.total) {
            blocks.push(format!(
                "{}: {} of {} hosts succeeded ({}), needs {}",
                lower.name,
                hosts.ok,
                hosts.total,
                percent_of(hosts.ok, hosts.total),
                spaced_percent(p.promote_min_success)
            ));
        }
        if hosts.ok < u64::from(p.promote_min_hosts) {
            blocks.push(format!(
                "{}: {} host{} succeeded, needs {}",
                lower.name,
                hosts.ok,
                if hosts.ok == 1 { "" } else { "s" },
                p.promote_min_hosts
            ));
        }
        let finished = r.finished;
        if let Some(left) = soak_left(&finished, p.soak.0, now)? {
            blocks.push(format!(
                "{}: soak {left} left of {} (its {} finished at {finished})",
                lower.name, p.soak, r.kind
            ));
        }
        // The lowest ring that blocks is the one to act on.
        if !blocks.is_empty() {
            break;
        }
    }
    Ok(blocks)
}

/// `87.5 %`: a share of hosts to one decimal, without a trailing `.0`.
fn percent_of(ok: u64, total: u64) -> String {
    if total == 0 {
        return "no hosts".into();
    }
    // Tenths of a percent, rounded down so that 94.96 % never shows as "95 %".
    let permille = ok.saturating_mul(1000) / total;
    spaced_percent(crate::inventory::policy::Share::from_permille(
        u32::try_from(permille).unwrap_or(u32::MAX),
    ))
}

/// `95 %`, `87.5 %`: a policy share as the gate's messages write it.
fn spaced_percent(s: crate::inventory::policy::Share) -> String {
    let text = s.to_string();
    match text.strip_suffix('%') {
        Some(n) => format!("{n} %"),
        None => text,
    }
}

/// How much of `soak` is left at `now` after a result that finished at `finished` (a
/// stored stamp), spelled like `1h30m`; None once it has soaked.
pub fn soak_left(finished: &str, soak: Duration, now: DateTime<Utc>) -> Result<Option<String>> {
    let done = crate::clock::parse(finished)
        .ok_or_else(|| anyhow::anyhow!("stored result time {finished:?} is not RFC 3339"))?;
    let soaked = now
        .signed_duration_since(done)
        .to_std()
        .unwrap_or(Duration::ZERO);
    Ok((soaked < soak).then(|| {
        crate::inventory::policy::format_duration(Duration::from_secs((soak - soaked).as_secs()))
    }))
}

crate::db::stored::stored_state! {
    /// A group's state in a cycle: its latest deployment's while one runs, halted or was
    /// rolled back; else its latest ring result's; else its approval's.
    GroupState {
        Pending = "pending",
        Approved = "approved",
        Declined = "declined",
        Deferred = "deferred",
        Testing = "testing",
        Tested = "tested",
        Deploying = "deploying",
        Deployed = "deployed",
        Halted = "halted",
        Failed = "failed",
        PartlyRolledBack = "partly-rolled-back",
        RolledBack = "rolled-back",
    }
}

impl GroupState {
    /// Work that `cycle close` must not leave behind.
    pub fn is_open_work(self) -> bool {
        matches!(
            self,
            GroupState::Approved | GroupState::Testing | GroupState::Deploying | GroupState::Halted
        )
    }
}

/// A group's state in a cycle, and what blocks its next step.
#[derive(Debug, Clone, Serialize, Default)]
pub struct GroupStatus {
    pub group: String,
    pub order: i64,
    pub hosts: i64,
    /// Hosts deferred past this moment (`host defer`): deploy leaves them out.
    pub deferred: i64,
    pub state: GroupState,
    pub change_ref: Option<String>,
    pub emergency: bool,
    pub blocked_by: Option<String>,
}

pub fn status(conn: &Connection, cycle_id: i64, now: DateTime<Utc>) -> Result<Vec<GroupStatus>> {
    let mut out = Vec::new();
    for g in inventory::list_groups(conn)? {
        let decided = approval::latest(conn, cycle_id, &g.name)?;
        let result = deployment::latest_ring_result(conn, cycle_id, &g.name)?
            .map(|r| (r.kind, r.success, r.finished));
        let latest = deployment::latest(conn, cycle_id, &g.name, None)?;
        let state = match (latest.as_ref().map(|d| d.state), &result, &decided) {
            (Some(DeploymentState::Running), _, _) => match latest.as_ref().map(|d| d.kind) {
                Some(Kind::Test) => GroupState::Testing,
                _ => GroupState::Deploying,
            },
            (Some(DeploymentState::Halted), _, _) => GroupState::Halted,
            (Some(DeploymentState::PartlyRolledBack), _, _) => GroupState::PartlyRolledBack,
            (Some(DeploymentState::RolledBack), _, _) => GroupState::RolledBack,
            (_, result, approval) => match (result, approval) {
                (Some((_, false, _)), _) => GroupState::Failed,
                (Some((Kind::Deploy, true, _)), _) => GroupState::Deployed,
                (Some((_, true, _)), _) => GroupState::Tested,
                (None, Some(a)) => match a.decision {
                    Decision::Approve => GroupState::Approved,
                    Decision::Decline => GroupState::Declined,
                    Decision::Defer => GroupState::Deferred,
                },
                (None, None) => GroupState::Pending,
            },
        };
        let blocked_by = if matches!(state, GroupState::Pending | GroupState::Deferred) {
            gate_block(conn, cycle_id, &g, now)?
        } else {
            None
        };
        let deferred = inventory::deferred_in_group(conn, &g.name, &crate::clock::stamp(now))?;
        out.push(GroupStatus {
            group: g.name.clone(),
            order: g.order,
            hosts: g.hosts,
            deferred,
            state,
            change_ref: decided.as_ref().and_then(|a| a.change_ref.clone()),
            emergency: decided.as_ref().is_some_and(|a| a.emergency),
            blocked_by,
        });
    }
    Ok(out)
}

/// Closes a cycle; refused while a group is approved but not yet deployed.
pub fn close(conn: &Connection, cycle_id: i64, name: &str, now: DateTime<Utc>) -> Result<()> {
    let open: Vec<String> = status(conn, cycle_id, now)?
        .into_iter()
        .filter(|s| s.state.is_open_work())
        .map(|s| format!("{} ({})", s.group, s.state))
        .collect();
    if !open.is_empty() {
        return Err(Failure::usage(format!(
            "cycle {name} still has open work: {}",
            open.join(", ")
        ))
        .hint("finish (or roll back) the groups' deployments, or record a decline, before closing")
        .into());
    }
    conn.execute(
        "UPDATE cycles SET state = 'closed', closed_at = ?2 WHERE id = ?1 AND state = 'open'",
        params![cycle_id, crate::clock::stamp(now)],
    )?;
    Ok(())
}

/// The default cycle name for a time: `YYYY-MM`.
pub fn default_name(now: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", now.year(), now.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, OpenMode};
    use crate::inventory::HostSpec;

    /// Two Windows hosts' latest scans as the MSRC matcher leaves them: one finding per
    /// missing cumulative update (package the KB, fixed the FixedBuild, the CVEs). Written
    /// with SQL here until the Windows collector's recorded outputs exist to import.
    fn windows_db(dir: &std::path::Path) -> Db {
        let (db, _) = Db::open(&dir.join("patchcycle.db"), OpenMode::Create).unwrap();
        let now = "2026-12-07T00:00:00Z";
        crate::inventory::insert_group(
            &db.conn,
            &crate::inventory::GroupSpec {
                name: "pilot".into(),
                order: 1,
                stakeholder: None,
                admin: None,
                window: None,
                policy: crate::inventory::policy::Policy::default(),
            },
            now,
        )
        .unwrap();
        for (i, (name, installed, fixed, cves, severity)) in [
            (
                "win1",
                "10.0.20348.4294",
                "10.0.20348.5256",
                r#"["CVE-2026-21001","CVE-2026-21002"]"#,
                "critical",
            ),
            (
                "win2",
                "10.0.20348.5100",
                "10.0.20348.5250",
                r#"["CVE-2026-21003"]"#,
                "high",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            crate::inventory::insert_host(
                &db.conn,
                &HostSpec {
                    name: name.into(),
                    address: format!("{name}.example.org"),
                    user: None,
                    port: None,
                    group: Some("pilot".into()),
                    tags: Vec::new(),
                    notes: None,
                    platform: crate::inventory::Platform::Windows,
                },
                now,
            )
            .unwrap();
            let host_id = i as i64 + 1;
            db.conn
                .execute(
                    "INSERT INTO scans (host_id, started, finished, method, status, os_id, ecosystem) \
                     VALUES (?1, ?2, ?2, 'import', 'ok', 'windows', 'Windows')",
                    params![host_id, now],
                )
                .unwrap();
            let scan = db.conn.last_insert_rowid();
            db.conn
                .execute(
                    "INSERT INTO findings (scan_id, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev) \
                     VALUES (?1, 'KB5094128', 'Windows Server 2022', ?2, ?3, 'KB5094128', 1, ?4, ?4, ?5, ?6)",
                    params![scan, installed, fixed, cves, severity, i == 0],
                )
                .unwrap();
        }
        db
    }

    #[test]
    fn a_cycle_freezes_windows_kbs_with_their_cves_and_highest_fixed_build() {
        let dir = tempfile::tempdir().unwrap();
        let db = windows_db(dir.path());
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let (id, count) = start(&db.conn, "2026-12", day, "2026-12-07T00:00:00Z", "alice").unwrap();
        assert_eq!(count, 1);
        let p = patches(&db.conn, id).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].ecosystem, "Windows");
        assert_eq!(p[0].package, "KB5094128");
        assert_eq!(p[0].target, "10.0.20348.5256");
        assert_eq!(
            p[0].advisories,
            ["CVE-2026-21001", "CVE-2026-21002", "CVE-2026-21003"]
        );
        assert_eq!(p[0].severity.as_deref(), Some("critical"));
        assert!(p[0].kev);
        assert_eq!(p[0].hosts, 2);
    }

    #[test]
    fn a_windows_hosts_plan_targets_its_own_fixed_build_through_windows_update() {
        use crate::cycle::deployment::Patcher;
        use crate::cycle::plan;
        let dir = tempfile::tempdir().unwrap();
        let db = windows_db(dir.path());
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        start(&db.conn, "2026-12", day, "2026-12-07T00:00:00Z", "alice").unwrap();
        let group = crate::inventory::require_group(&db.conn, "pilot").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-07T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let p = plan::build(&db.conn, None, &group, Kind::Test, now).unwrap();
        let targets: Vec<(&str, &str, &str, &str)> = p
            .hosts
            .iter()
            .flat_map(|h| {
                h.targets.iter().map(|t| {
                    (
                        h.host.as_str(),
                        t.package.as_str(),
                        t.from.as_str(),
                        t.to.as_str(),
                    )
                })
            })
            .collect();
        assert_eq!(
            targets,
            [
                ("win1", "KB5094128", "10.0.20348.4294", "10.0.20348.5256"),
                ("win2", "KB5094128", "10.0.20348.5100", "10.0.20348.5250"),
            ]
        );
        assert!(
            p.hosts
                .iter()
                .all(|h| h.patcher == Some(Patcher::WindowsUpdate) && h.wave > 0)
        );
        assert_eq!(p.builtin_refused(), Some("win1"));
        assert_eq!(p.ansible_refused(), None);
        assert_eq!(
            p.checks,
            [
                "ssh",
                "Windows Update: every approved KB installed and no longer offered, no reboot pending"
            ]
        );
    }
}
