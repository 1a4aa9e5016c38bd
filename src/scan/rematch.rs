//! Re-matching after `sync`: the stored inventory of each host's latest good scan
//! (`installed`, `pending`, `host_advisories`) is matched again against the catalogue
//! now held, and that scan's `findings` rows are replaced, so `findings`, `report`,
//! `explain` and `cycle start` follow a new catalogue without contacting any host.
//!
//! The facts are rebuilt as the scan had them and go through [`Matcher::findings`] and
//! [`super::insert_findings`], the very calls `scan` makes: a re-match gives exactly
//! what a fresh scan with the same facts would.

use std::collections::HashSet;

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::facts::{Facts, HostAdvisory, Manager, Package, Pending, manager_for};
use super::matcher::{Finding, Matcher};
use crate::catalog::Severity;
use crate::{audit, db};

/// What a re-match changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rematch {
    /// Hosts whose latest good scan was matched again.
    pub hosts: u64,
    /// Findings rows that a scan did not have before (by package and installed version).
    pub new: u64,
    /// Findings rows that are no longer there.
    pub gone: u64,
    /// Findings rows still there with other advisories, severity, KEV, EPSS or fix.
    pub changed: u64,
    /// Hosts not re-matched: rpm hosts scanned before host-reported advisories were
    /// stored (a re-match would drop what their dnf reported). A new scan fixes that.
    pub skipped: Vec<String>,
}

/// The package manager of a stored scan, as `scans.manager` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoredManager {
    /// Stored by this version: the manager (None: none was recognised).
    Known(Option<Manager>),
    /// Stored before the column existed: known from the OS, without host advisories.
    Legacy(Option<Manager>),
}

impl StoredManager {
    fn read(column: Option<&str>, os_id: Option<&str>) -> StoredManager {
        match column {
            Some(name) => StoredManager::Known(Manager::from_name(name)),
            None => StoredManager::Legacy(os_id.and_then(manager_for)),
        }
    }
}

/// A host's latest good scan, as stored.
struct LatestScan {
    host: String,
    scan_id: i64,
    os_id: Option<String>,
    ecosystem: Option<String>,
    /// `scans.manager`: see [`StoredManager`].
    manager: Option<String>,
}

/// One `findings` row, as stored, for comparing a scan's rows before and after.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    package: String,
    source_name: String,
    installed: String,
    fixed: Option<String>,
    candidate: Option<String>,
    security: bool,
    advisories: String,
    cves: String,
    severity: Option<String>,
    kev: bool,
    epss: Option<f64>,
}

impl Row {
    fn of(f: &Finding) -> Row {
        Row {
            package: f.package.clone(),
            source_name: f.source_name.clone(),
            installed: f.installed.clone(),
            fixed: f.matched.fixed.clone(),
            candidate: f.candidate.clone(),
            security: f.security,
            advisories: f.matched.advisories_json.clone(),
            cves: f.matched.cves_json.clone(),
            severity: f.matched.severity.map(|s| Severity::as_str(s).to_string()),
            kev: f.matched.kev,
            epss: f.matched.epss,
        }
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.package, &self.installed, &self.source_name)
    }
}

/// Re-matches every host's latest good scan in one transaction, audited.
pub fn rematch_all(conn: &mut Connection, now: &str, actor: &str) -> Result<Rematch> {
    let tx = db::write_tx(conn)?;
    let mut matcher = Matcher::new();
    let mut out = Rematch::default();
    let scans: Vec<LatestScan> = tx
        .prepare(
            "SELECT h.name, s.id, s.os_id, s.ecosystem, s.manager FROM hosts h \
             JOIN scans s ON s.id = (SELECT max(x.id) FROM scans x WHERE x.host_id = h.id AND x.status = 'ok') \
             ORDER BY s.id",
        )?
        .query_map([], |r| {
            Ok(LatestScan {
                host: r.get(0)?,
                scan_id: r.get(1)?,
                os_id: r.get(2)?,
                ecosystem: r.get(3)?,
                manager: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for LatestScan {
        host,
        scan_id,
        os_id,
        ecosystem,
        manager,
    } in scans
    {
        let manager = match StoredManager::read(manager.as_deref(), os_id.as_deref()) {
            StoredManager::Known(m) => m,
            StoredManager::Legacy(Some(Manager::Rpm)) => {
                out.skipped.push(host);
                continue;
            }
            StoredManager::Legacy(m) => m,
        };
        let facts = stored_facts(&tx, scan_id, manager, ecosystem)?;
        let findings = matcher.findings(&tx, &facts)?;
        let mut after: Vec<Row> = findings.iter().map(Row::of).collect();
        let mut before = stored_rows(&tx, scan_id)?;
        out.hosts += 1;
        before.sort_by(|a, b| a.key().cmp(&b.key()));
        after.sort_by(|a, b| a.key().cmp(&b.key()));
        if before == after {
            continue;
        }
        let old: HashSet<_> = before.iter().map(Row::key).collect();
        let new: HashSet<_> = after.iter().map(Row::key).collect();
        out.new += new.difference(&old).count() as u64;
        out.gone += old.difference(&new).count() as u64;
        out.changed += after
            .iter()
            .filter(|a| old.contains(&a.key()) && !holds(&before, a))
            .count() as u64;
        tx.execute("DELETE FROM findings WHERE scan_id = ?1", [scan_id])?;
        super::insert_findings(&tx, scan_id, &findings)?;
    }
    // Nothing stored to match (no host scanned yet): nothing happened worth a record.
    if out.hosts == 0 && out.skipped.is_empty() {
        return Ok(out);
    }
    audit::append(
        &tx,
        now,
        actor,
        "catalog.rematch",
        "findings",
        &serde_json::json!({
            "hosts": out.hosts,
            "new": out.new,
            "gone": out.gone,
            "changed": out.changed,
            "skipped": out.skipped,
        }),
    )?;
    tx.commit()?;
    Ok(out)
}

/// Whether `sorted` (by [`Row::key`]) holds a row equal to `row`.
fn holds(sorted: &[Row], row: &Row) -> bool {
    let start = sorted.partition_point(|r| r.key() < row.key());
    sorted[start..]
        .iter()
        .take_while(|r| r.key() == row.key())
        .any(|r| r == row)
}

/// The facts of a stored scan, as far as matching reads them.
fn stored_facts(
    conn: &Connection,
    scan_id: i64,
    manager: Option<Manager>,
    ecosystem: Option<String>,
) -> Result<Facts> {
    let packages = conn
        .prepare_cached(
            "SELECT name, arch, version, source_name, source_version FROM installed WHERE scan_id = ?1 ORDER BY rowid",
        )?
        .query_map([scan_id], |r| {
            Ok(Package {
                name: r.get(0)?,
                arch: r.get(1)?,
                version: r.get(2)?,
                source_name: r.get(3)?,
                source_version: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let pending = conn
        .prepare_cached(
            "SELECT package, from_version, to_version, origin, security FROM pending WHERE scan_id = ?1 ORDER BY rowid",
        )?
        .query_map([scan_id], |r| {
            Ok(Pending {
                package: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                origin: r.get(3)?,
                security: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let host_advisories = conn
        .prepare_cached(
            "SELECT advisory, package, version, severity FROM host_advisories WHERE scan_id = ?1 ORDER BY rowid",
        )?
        .query_map([scan_id], |r| {
            Ok(HostAdvisory {
                id: r.get(0)?,
                package: r.get(1)?,
                version: r.get(2)?,
                severity: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Facts {
        manager,
        ecosystem,
        packages,
        pending,
        host_advisories,
        ..Facts::default()
    })
}

fn stored_rows(conn: &Connection, scan_id: i64) -> Result<Vec<Row>> {
    Ok(conn
        .prepare_cached(
            "SELECT package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss \
             FROM findings WHERE scan_id = ?1",
        )?
        .query_map(params![scan_id], |r| {
            Ok(Row {
                package: r.get(0)?,
                source_name: r.get(1)?,
                installed: r.get(2)?,
                fixed: r.get(3)?,
                candidate: r.get(4)?,
                security: r.get(5)?,
                advisories: r.get(6)?,
                cves: r.get(7)?,
                severity: r.get(8)?,
                kev: r.get(9)?,
                epss: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}
