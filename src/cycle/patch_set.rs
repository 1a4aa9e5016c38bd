//! `cycle show`: a cycle's frozen patch set as the CAB reads it: each patch (package or
//! KB) with its target, advisories, severity, KEV, EPSS, the hosts it affects per group
//! and the knowledge-base notes on it.

use std::collections::BTreeMap;

use anyhow::Result;
use rusqlite::Connection;
use serde::Serialize;

use crate::cycle::state;
use crate::cycle::win_updates;

/// Hosts of one group a patch affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct GroupHosts {
    /// None for hosts in no group (no ring deploys them).
    pub group: Option<String>,
    pub hosts: u64,
}

/// One patch of the frozen set (its JSON is `cycle show --format json`'s records).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ShownPatch {
    pub ecosystem: String,
    /// The package, or for Windows the KB (`KB5094128`).
    pub package: String,
    pub target: String,
    /// The advisories and CVEs the findings named when the set was frozen.
    pub advisories: Vec<String>,
    pub severity: Option<String>,
    pub kev: bool,
    /// The highest EPSS score of the advisories' CVEs (None: no score synced).
    pub epss: Option<f64>,
    /// Hosts that pended the patch when the set was frozen.
    pub hosts: i64,
    /// Hosts whose latest good scan still pends it, per group in ring order: what a
    /// deployment would patch now.
    pub hosts_by_group: Vec<GroupHosts>,
    /// Knowledge-base notes (`note add`) on the package and on each advisory.
    pub notes: Vec<String>,
}

/// The frozen patch set of a cycle, worst first (KEV, severity, EPSS).
pub fn of_cycle(conn: &Connection, cycle_id: i64) -> Result<Vec<ShownPatch>> {
    let affected = affected_now(conn)?;
    let mut out = Vec::new();
    for p in state::patches(conn, cycle_id)? {
        let epss = crate::catalog::epss::highest_of_advisories(conn, &p.advisories)?;
        let notes = crate::catalog::notes::texts_for(conn, &p.package, &p.advisories)?;
        let hosts_by_group = affected
            .get(&(p.ecosystem.clone(), p.package.clone()))
            .map(|groups| {
                let mut v: Vec<(i64, GroupHosts)> = groups
                    .iter()
                    .map(|((ring, name), n)| {
                        (
                            *ring,
                            GroupHosts {
                                group: name.clone(),
                                hosts: *n,
                            },
                        )
                    })
                    .collect();
                v.sort_by(|a, b| (a.0, &a.1.group).cmp(&(b.0, &b.1.group)));
                v.into_iter().map(|(_, g)| g).collect()
            })
            .unwrap_or_default();
        out.push(ShownPatch {
            ecosystem: p.ecosystem,
            package: p.package,
            target: p.target,
            advisories: p.advisories,
            severity: p.severity,
            kev: p.kev,
            epss,
            hosts: p.hosts,
            hosts_by_group,
            notes,
        });
    }
    // Worst first, EPSS breaking ties the stored order left.
    fn risk(p: &ShownPatch) -> crate::catalog::Risk<'_> {
        crate::catalog::Risk {
            kev: p.kev,
            severity: p.severity.as_deref(),
            epss: p.epss,
        }
    }
    out.sort_by(|a, b| risk(a).worst_first(&risk(b)));
    Ok(out)
}

/// (ring, group name; None for no group): hosts in no group sort last.
type GroupKey = (i64, Option<String>);

/// A group → its hosts affected.
type Groups = BTreeMap<GroupKey, u64>;

/// For each (ecosystem, package) pending as a security update in a host's latest good
/// scan (a KB a Windows host's findings name), the hosts per group.
fn affected_now(conn: &Connection) -> Result<BTreeMap<(String, String), Groups>> {
    // (ecosystem, package) → group → host ids.
    let mut by_patch: BTreeMap<(String, String), BTreeMap<GroupKey, Vec<i64>>> = BTreeMap::new();
    let mut add = |eco: String, package: String, ring: Option<i64>, group, host: i64| {
        let hosts = by_patch
            .entry((eco, package))
            .or_default()
            .entry((ring.unwrap_or(i64::MAX), group))
            .or_default();
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    };
    const LATEST: &str = "s.id IN (SELECT max(id) FROM scans WHERE status = 'ok' GROUP BY host_id)";
    let mut stmt = conn.prepare(&format!(
        "SELECT s.ecosystem, p.package, g.ring, g.name, s.host_id \
         FROM pending p JOIN scans s ON s.id = p.scan_id JOIN hosts h ON h.id = s.host_id \
         LEFT JOIN groups g ON g.id = h.group_id \
         WHERE p.security = 1 AND s.ecosystem IS NOT NULL AND {LATEST}"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (eco, package, ring, group, host) = row?;
        add(eco, package, ring, group, host);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT f.package, g.ring, g.name, s.host_id \
         FROM scans s JOIN findings f ON f.scan_id = s.findings_of JOIN hosts h ON h.id = s.host_id \
         LEFT JOIN groups g ON g.id = h.group_id WHERE s.ecosystem = ?1 AND {LATEST}"
    ))?;
    let rows = stmt.query_map([win_updates::ECOSYSTEM], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (package, ring, group, host) = row?;
        if let Some(kb) = win_updates::kb_name(&package) {
            add(win_updates::ECOSYSTEM.to_string(), kb, ring, group, host);
        }
    }
    Ok(by_patch
        .into_iter()
        .map(|(k, groups)| {
            (
                k,
                groups
                    .into_iter()
                    .map(|(g, hosts)| (g, hosts.len() as u64))
                    .collect(),
            )
        })
        .collect())
}
