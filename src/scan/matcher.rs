//! Matching installed packages against the catalogue.
//!
//! Debian and Ubuntu OSV records name *source* packages and source versions, so a binary
//! package is matched through its source. Only ranges of the host's own ecosystem and
//! release are used (`Debian:12` for a bookworm host): upstream ranges would flag
//! backported fixes as vulnerable. Verdicts are cached per (ecosystem, source, version),
//! which fleets share widely.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use super::facts::Facts;
use crate::catalog::Severity;
use crate::catalog::query::{evaluate, scheme_for};
use crate::version::Scheme;

/// One advisory that affects an installed version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryHit {
    pub advisory: String,
    pub severity: Option<Severity>,
    /// The lowest fixed version above the installed one, if the ranges name one.
    pub fixed: Option<String>,
    pub cves: Vec<String>,
    pub kev: bool,
    pub epss: Option<f64>,
}

/// One finding: a package that needs attention on a host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub package: String,
    pub source_name: String,
    pub installed: String,
    pub fixed: Option<String>,
    pub candidate: Option<String>,
    pub security: bool,
    pub advisories: Vec<String>,
    pub cves: Vec<String>,
    pub severity: Option<Severity>,
    pub kev: bool,
    pub epss: Option<f64>,
}

type Key = (String, String, String);

/// Matches hosts against the catalogue, caching verdicts across hosts.
#[derive(Default)]
pub struct Matcher {
    cache: HashMap<Key, Vec<AdvisoryHit>>,
    /// advisory rowid → (cves, kev, epss)
    enrich: HashMap<i64, (Vec<String>, bool, Option<f64>)>,
}

impl Matcher {
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// Advisories affecting `source` at `version` in `ecosystem`.
    pub fn hits(
        &mut self,
        conn: &Connection,
        scheme: Scheme,
        ecosystem: &str,
        source: &str,
        version: &str,
    ) -> Result<Vec<AdvisoryHit>> {
        let key = (
            ecosystem.to_string(),
            source.to_string(),
            version.to_string(),
        );
        if let Some(h) = self.cache.get(&key) {
            return Ok(h.clone());
        }
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.advisory_id, a.severity, f.ranges, f.versions \
             FROM affected f JOIN advisories a ON a.id = f.advisory \
             WHERE f.ecosystem = ?1 AND f.package = ?2 AND (a.kind IS NULL OR a.kind = 'security')",
        )?;
        let rows: Vec<(i64, String, Option<String>, String, String)> = stmt
            .query_map([ecosystem, source], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut hits: Vec<AdvisoryHit> = Vec::new();
        for (rowid, id, severity, ranges, versions) in rows {
            let ranges: Value = serde_json::from_str(&ranges).unwrap_or(Value::Null);
            let versions: Vec<String> = serde_json::from_str(&versions).unwrap_or_default();
            if evaluate(scheme, version, &ranges, &versions).0 != Some(true) {
                continue;
            }
            let (cves, kev, epss) = self.enrichment(conn, rowid, &id)?;
            if let Some(existing) = hits.iter_mut().find(|h| h.advisory == id) {
                existing.fixed = max_version(
                    scheme,
                    existing.fixed.take(),
                    fixed_above(scheme, version, &ranges),
                );
                continue;
            }
            hits.push(AdvisoryHit {
                advisory: id,
                severity: severity.as_deref().and_then(Severity::parse),
                fixed: fixed_above(scheme, version, &ranges),
                cves,
                kev,
                epss,
            });
        }
        hits.sort_by(|a, b| a.advisory.cmp(&b.advisory));
        self.cache.insert(key, hits.clone());
        Ok(hits)
    }

    fn enrichment(
        &mut self,
        conn: &Connection,
        rowid: i64,
        id: &str,
    ) -> Result<(Vec<String>, bool, Option<f64>)> {
        if let Some(e) = self.enrich.get(&rowid) {
            return Ok(e.clone());
        }
        let mut cves: Vec<String> = conn
            .prepare_cached("SELECT alias FROM aliases WHERE advisory = ?1 AND alias LIKE 'CVE-%' ORDER BY alias")?
            .query_map([rowid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if id.starts_with("CVE-") && !cves.iter().any(|c| c == id) {
            cves.push(id.to_string());
        }
        let mut kev = false;
        let mut epss: Option<f64> = None;
        for c in &cves {
            kev |= conn
                .prepare_cached("SELECT 1 FROM kev WHERE cve = ?1")?
                .exists([c])?;
            let e: Option<f64> = conn
                .prepare_cached("SELECT score FROM epss WHERE cve = ?1")?
                .query_map([c], |r| r.get(0))?
                .next()
                .transpose()?;
            if let Some(e) = e {
                epss = Some(epss.map_or(e, |x: f64| x.max(e)));
            }
        }
        let v = (cves, kev, epss);
        self.enrich.insert(rowid, v.clone());
        Ok(v)
    }

    /// The findings of one host: advisories through source packages, and pending
    /// security updates from the host's own package manager (also without a catalogue).
    pub fn findings(&mut self, conn: &Connection, facts: &Facts) -> Result<Vec<Finding>> {
        let scheme = facts.ecosystem.as_deref().and_then(scheme_for);
        let pending: HashMap<&str, &super::facts::Pending> = facts
            .pending
            .iter()
            .map(|p| (p.package.as_str(), p))
            .collect();
        let mut out = Vec::new();
        for p in &facts.packages {
            let hits = match (scheme, facts.ecosystem.as_deref()) {
                (Some(s), Some(eco)) => {
                    self.hits(conn, s, eco, &p.source_name, &p.source_version)?
                }
                _ => Vec::new(),
            };
            let pend = pending.get(p.name.as_str());
            let pending_security = pend.is_some_and(|x| x.security);
            if hits.is_empty() && !pending_security {
                continue;
            }
            let scheme = scheme.unwrap_or(Scheme::Deb);
            let mut fixed: Option<String> = None;
            let mut cves: Vec<String> = Vec::new();
            for h in &hits {
                fixed = max_version(scheme, fixed, h.fixed.clone());
                for c in &h.cves {
                    if !cves.contains(c) {
                        cves.push(c.clone());
                    }
                }
            }
            cves.sort();
            out.push(Finding {
                package: p.name.clone(),
                source_name: p.source_name.clone(),
                installed: p.version.clone(),
                fixed,
                candidate: pend.map(|x| x.to.clone()),
                security: true,
                advisories: hits.iter().map(|h| h.advisory.clone()).collect(),
                cves,
                severity: hits.iter().filter_map(|h| h.severity).max(),
                kev: hits.iter().any(|h| h.kev),
                epss: hits.iter().filter_map(|h| h.epss).reduce(f64::max),
            });
        }
        Ok(out)
    }
}

/// The lowest `fixed` event above `version`.
fn fixed_above(scheme: Scheme, version: &str, ranges: &Value) -> Option<String> {
    let mut best: Option<String> = None;
    for r in ranges.as_array().into_iter().flatten() {
        for ev in r["events"].as_array().into_iter().flatten() {
            let Some(f) = ev.get("fixed").and_then(Value::as_str) else {
                continue;
            };
            if scheme.compare(version, f).is_ok_and(|o| o.is_lt())
                && best
                    .as_deref()
                    .is_none_or(|b| scheme.compare(f, b).is_ok_and(|o| o.is_lt()))
            {
                best = Some(f.to_string());
            }
        }
    }
    best
}

fn max_version(scheme: Scheme, a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => {
            if scheme.compare(&a, &b).is_ok_and(|o| o.is_lt()) {
                Some(b)
            } else {
                Some(a)
            }
        }
        (a, b) => a.or(b),
    }
}
