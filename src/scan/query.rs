//! Current findings (each host's latest good scan), with exceptions applied.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::catalog::Severity;

/// A finding as listed by `findings`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Row {
    pub host: String,
    pub group: Option<String>,
    pub package: String,
    pub source_name: String,
    pub installed: String,
    pub fixed: Option<String>,
    pub candidate: Option<String>,
    /// An update is available from the host's package manager.
    pub update_available: bool,
    pub advisories: Vec<String>,
    pub cves: Vec<String>,
    pub severity: Option<String>,
    pub kev: bool,
    pub epss: Option<f64>,
    pub scanned_at: String,
    /// Ids of the exceptions that hide (part of) this finding.
    pub excepted_by: Vec<i64>,
    /// True when exceptions hide the whole finding.
    pub excepted: bool,
}

/// An exception (risk acceptance) as stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Exception {
    pub id: i64,
    pub advisory: Option<String>,
    pub package: Option<String>,
    pub host: Option<String>,
    pub group: Option<String>,
    pub reason: String,
    pub actor: String,
    pub created_at: String,
    pub expires: String,
    /// `active` or `expired` at the time of the query.
    pub state: String,
}

pub fn exceptions(conn: &Connection, now: &str) -> Result<Vec<Exception>> {
    let mut stmt = conn.prepare(
        "SELECT id, advisory, package, host, group_name, reason, actor, created_at, expires FROM exceptions ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let expires: String = r.get(8)?;
        Ok(Exception {
            id: r.get(0)?,
            advisory: r.get(1)?,
            package: r.get(2)?,
            host: r.get(3)?,
            group: r.get(4)?,
            reason: r.get(5)?,
            actor: r.get(6)?,
            created_at: r.get(7)?,
            state: if expires.as_str() > now {
                "active"
            } else {
                "expired"
            }
            .into(),
            expires,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every current finding (of the hosts named, or all), with exceptions marked.
pub fn current(conn: &Connection, hosts: Option<&[String]>, now: &str) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare(
        "SELECT h.name, g.name, f.package, f.source_name, f.installed, f.fixed, f.candidate, f.advisories, f.cves, \
                f.severity, f.kev, f.epss, s.finished \
         FROM findings f JOIN scans s ON s.id = f.scan_id JOIN hosts h ON h.id = s.host_id \
         LEFT JOIN groups g ON g.id = h.group_id \
         WHERE s.id IN (SELECT max(id) FROM scans WHERE status = 'ok' GROUP BY host_id) \
         ORDER BY h.name, f.package",
    )?;
    let mut rows: Vec<Row> = stmt
        .query_map(params![], |r| {
            let adv: String = r.get(7)?;
            let cves: String = r.get(8)?;
            let candidate: Option<String> = r.get(6)?;
            Ok(Row {
                host: r.get(0)?,
                group: r.get(1)?,
                package: r.get(2)?,
                source_name: r.get(3)?,
                installed: r.get(4)?,
                fixed: r.get(5)?,
                update_available: candidate.is_some(),
                candidate,
                advisories: serde_json::from_str(&adv).unwrap_or_default(),
                cves: serde_json::from_str(&cves).unwrap_or_default(),
                severity: r.get(9)?,
                kev: r.get(10)?,
                epss: r.get(11)?,
                scanned_at: r.get(12)?,
                ..Row::default()
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(names) = hosts {
        rows.retain(|r| names.contains(&r.host));
    }
    let active: Vec<Exception> = exceptions(conn, now)?
        .into_iter()
        .filter(|e| e.state == "active")
        .collect();
    // Only exceptions naming the row's package (binary or source) or no package can
    // apply: index them, so a large fleet is not checked against every exception.
    let mut by_package: std::collections::HashMap<&str, Vec<&Exception>> =
        std::collections::HashMap::new();
    let mut any_package: Vec<&Exception> = Vec::new();
    for e in &active {
        match &e.package {
            Some(p) => by_package.entry(p.as_str()).or_default().push(e),
            None => any_package.push(e),
        }
    }
    let mut candidates: Vec<&Exception> = Vec::new();
    for row in &mut rows {
        candidates.clear();
        candidates.extend(any_package.iter().copied());
        if let Some(v) = by_package.get(row.package.as_str()) {
            candidates.extend(v.iter().copied());
        }
        if row.source_name != row.package
            && let Some(v) = by_package.get(row.source_name.as_str())
        {
            candidates.extend(v.iter().copied());
        }
        if candidates.is_empty() {
            continue;
        }
        // In id order, as if every exception were checked.
        candidates.sort_by_key(|e| e.id);
        apply_exceptions(row, &candidates);
    }
    Ok(rows)
}

/// An exception applies when every scope it names matches. One naming an advisory (or
/// CVE) takes that advisory off the finding; the finding is hidden when nothing is left.
/// One without an advisory hides the finding whole.
fn apply_exceptions(row: &mut Row, active: &[&Exception]) {
    let mut remaining: Vec<String> = row.advisories.clone();
    for e in active {
        let scope_ok = e
            .package
            .as_ref()
            .is_none_or(|p| *p == row.package || *p == row.source_name)
            && e.host.as_ref().is_none_or(|h| *h == row.host)
            && e.group
                .as_ref()
                .is_none_or(|g| Some(g) == row.group.as_ref());
        if !scope_ok {
            continue;
        }
        match &e.advisory {
            None => {
                row.excepted_by.push(e.id);
                row.excepted = true;
            }
            Some(a) => {
                let hit = row.advisories.iter().any(|x| x == a) || row.cves.iter().any(|x| x == a);
                if hit {
                    row.excepted_by.push(e.id);
                    if row.cves.iter().any(|x| x == a) && !row.advisories.iter().any(|x| x == a) {
                        // A CVE exception covers the advisories that only carry that CVE;
                        // without per-advisory CVE lists here, it covers the finding's
                        // advisories when the finding has this one CVE.
                        if row.cves.len() == 1 {
                            remaining.clear();
                        }
                    } else {
                        remaining.retain(|x| x != a);
                    }
                }
            }
        }
    }
    if !row.advisories.is_empty() && remaining.is_empty() && !row.excepted_by.is_empty() {
        row.excepted = true;
    }
}

/// Whether a finding is at or above a level.
pub fn at_least(row: &Row, level: Severity) -> bool {
    row.severity
        .as_deref()
        .and_then(Severity::parse)
        .is_some_and(|s| s >= level)
}
