//! Looking things up in the catalogue: `advisory show` and `advisory search`, and the OSV
//! range evaluation that says whether a version is affected.

use std::cmp::Ordering;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::Severity;
use super::store::AdvisoryKind;
use crate::error::Failure;
use crate::version::Scheme;

/// The version scheme of an ecosystem (with or without release).
pub fn scheme_for(ecosystem: &str) -> Option<Scheme> {
    crate::family::of_ecosystem(ecosystem).map(|f| f.manager().scheme())
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct KevInfo {
    pub cve: String,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub name: Option<String>,
    pub date_added: Option<String>,
    pub due_date: Option<String>,
    pub ransomware: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct EpssInfo {
    pub cve: String,
    pub score: f64,
    pub percentile: f64,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct AffectedInfo {
    pub ecosystem: String,
    pub package: String,
    pub ranges: Value,
    pub versions: Vec<String>,
}

/// An advisory with everything known about it; for a CVE that no advisory names but KEV
/// or EPSS know, what they know (`source` is then `kev` or `epss`, `affected` empty).
#[derive(Debug, Clone, Serialize, Default)]
pub struct AdvisoryInfo {
    pub id: String,
    pub source: String,
    pub kind: Option<AdvisoryKind>,
    pub severity: Option<Severity>,
    pub cvss: Option<f64>,
    pub cvss_vector: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub kev: Vec<KevInfo>,
    pub epss: Vec<EpssInfo>,
    pub affected: Vec<AffectedInfo>,
    /// For a CVE: the synced advisory sources (OSV ecosystems, errata) without an
    /// advisory for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_advisory_in: Option<Vec<String>>,
    /// No advisory names the CVE: this record is what KEV and EPSS know.
    #[serde(skip)]
    pub cve_only: bool,
    /// An MSRC CVE (`msrc:<month>` source): its exploited flags and KBs per product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msrc: Option<MsrcInfo>,
}

/// What the Security Update Guide says of one CVE.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MsrcInfo {
    pub exploited: bool,
    pub publicly_disclosed: bool,
    /// One entry per KB update (with its SubType, FixedBuild and restart), listing the
    /// products it fixes; ordered by KB.
    pub kbs: Vec<MsrcKb>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct MsrcKb {
    pub kb: i64,
    pub subtype: Option<String>,
    pub fixed_build: Option<String>,
    /// None: the document does not say (or says "Maybe").
    pub restart_required: Option<bool>,
    /// The KBs this one replaces (Supercedence).
    pub supersedes: Vec<i64>,
    pub products: Vec<MsrcProduct>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct MsrcProduct {
    pub product_id: String,
    /// None: the product is in no document's product tree.
    pub name: Option<String>,
    pub severity: Option<Severity>,
}

/// The MSRC record of advisory `rowid`, None when it is not an MSRC CVE.
fn msrc_of(conn: &Connection, rowid: i64) -> Result<Option<MsrcInfo>> {
    let flags: Option<(bool, bool)> = conn
        .prepare_cached("SELECT exploited, publicly_disclosed FROM msrc_cves WHERE advisory = ?1")?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((exploited, publicly_disclosed)) = flags else {
        return Ok(None);
    };
    let mut st = conn.prepare_cached(
        "SELECT r.kb, r.subtype, r.fixed_build, r.restart_required, r.product_id, p.name, r.severity \
         FROM msrc_remediations r LEFT JOIN msrc_products p ON p.product_id = r.product_id \
         WHERE r.advisory = ?1 \
         ORDER BY r.kb, r.subtype, r.fixed_build, r.restart_required, p.name, r.product_id",
    )?;
    let rows = st.query_map([rowid], |r| {
        Ok((
            MsrcKb {
                kb: r.get(0)?,
                subtype: r.get(1)?,
                fixed_build: r.get(2)?,
                restart_required: r.get(3)?,
                ..MsrcKb::default()
            },
            MsrcProduct {
                product_id: r.get(4)?,
                name: r.get(5)?,
                severity: r.get(6)?,
            },
        ))
    })?;
    let mut kbs: Vec<MsrcKb> = Vec::new();
    for row in rows {
        let (kb, product) = row?;
        match kbs.last_mut() {
            Some(last)
                if last.kb == kb.kb
                    && last.subtype == kb.subtype
                    && last.fixed_build == kb.fixed_build
                    && last.restart_required == kb.restart_required =>
            {
                last.products.push(product)
            }
            _ => kbs.push(MsrcKb {
                products: vec![product],
                ..kb
            }),
        }
    }
    let mut sup = conn.prepare_cached(
        "SELECT supersedes FROM msrc_supersedence WHERE advisory = ?1 AND kb = ?2 ORDER BY supersedes",
    )?;
    for kb in &mut kbs {
        kb.supersedes = sup
            .query_map(params![rowid, kb.kb], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(Some(MsrcInfo {
        exploited,
        publicly_disclosed,
        kbs,
    }))
}

/// The KEV entry of a CVE (exact, upper-case id).
fn kev_of(conn: &Connection, cve: &str) -> Result<Vec<KevInfo>> {
    let mut k = conn.prepare_cached(
        "SELECT vendor, product, name, date_added, due_date, ransomware FROM kev WHERE cve = ?1",
    )?;
    Ok(k.query_map([cve], |r| {
        Ok(KevInfo {
            cve: cve.to_string(),
            vendor: r.get(0)?,
            product: r.get(1)?,
            name: r.get(2)?,
            date_added: r.get(3)?,
            due_date: r.get(4)?,
            ransomware: r.get(5)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// The EPSS score of a CVE (exact, upper-case id).
fn epss_of(conn: &Connection, cve: &str) -> Result<Vec<EpssInfo>> {
    let mut e = conn.prepare_cached("SELECT score, percentile, date FROM epss WHERE cve = ?1")?;
    Ok(e.query_map([cve], |r| {
        Ok(EpssInfo {
            cve: cve.to_string(),
            score: r.get(0)?,
            percentile: r.get(1)?,
            date: r.get(2)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// How the synced sources spell `id` (an advisory id, an alias, or a CVE in KEV or
/// EPSS), found case-insensitively; None when no synced source knows it.
pub fn known_spelling(conn: &Connection, id: &str) -> Result<Option<String>> {
    let upper = id.to_ascii_uppercase();
    Ok(conn
        .prepare(
            "SELECT advisory_id FROM advisories WHERE advisory_id = ?1 COLLATE NOCASE \
             UNION ALL SELECT alias FROM aliases WHERE alias = ?1 COLLATE NOCASE \
             UNION ALL SELECT cve FROM kev WHERE cve = ?2 \
             UNION ALL SELECT cve FROM epss WHERE cve = ?2 \
             LIMIT 1",
        )?
        .query_row(params![id, upper], |r| r.get(0))
        .optional()?)
}

/// Advisories whose id or alias is `id` (an advisory id or a CVE, any case); for a CVE no
/// advisory names, what KEV and EPSS know of it. Empty: no synced source knows `id`.
pub fn show(conn: &Connection, id: &str) -> Result<Vec<AdvisoryInfo>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.advisory_id, a.source, a.kind, a.severity, a.cvss, a.cvss_vector, a.published, a.modified, a.summary \
         FROM advisories a WHERE a.advisory_id = ?1 COLLATE NOCASE \
            OR a.id IN (SELECT advisory FROM aliases WHERE alias = ?1 COLLATE NOCASE) \
         ORDER BY a.source, a.advisory_id",
    )?;
    let rows: Vec<(i64, AdvisoryInfo)> = stmt
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                AdvisoryInfo {
                    id: r.get(1)?,
                    source: r.get(2)?,
                    kind: r.get(3)?,
                    severity: r.get(4)?,
                    cvss: r.get(5)?,
                    cvss_vector: r.get(6)?,
                    published: r.get(7)?,
                    modified: r.get(8)?,
                    summary: r.get(9)?,
                    ..AdvisoryInfo::default()
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let asked_cve = {
        let upper = id.to_ascii_uppercase();
        super::is_cve(&upper).then_some(upper)
    };
    // For a CVE: the synced advisory sources that have nothing for it.
    let no_advisory_in = match &asked_cve {
        Some(_) => {
            let mut missing = super::store::synced_advisory_sources(conn)?;
            missing.retain(|s| !rows.iter().any(|(_, a)| &a.source == s));
            Some(missing)
        }
        None => None,
    };
    let mut out = Vec::new();
    for (rowid, mut info) in rows {
        let mut st =
            conn.prepare_cached("SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY alias")?;
        info.aliases = st
            .query_map([rowid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut cves: Vec<String> = info
            .aliases
            .iter()
            .filter(|a| super::is_cve(a))
            .cloned()
            .collect();
        if super::is_cve(&info.id) {
            cves.push(info.id.clone());
        }
        for cve in &cves {
            info.kev.extend(kev_of(conn, cve)?);
            info.epss.extend(epss_of(conn, cve)?);
        }
        let mut st = conn.prepare_cached(
            "SELECT ecosystem, package, ranges, versions FROM affected WHERE advisory = ?1 ORDER BY ecosystem, package",
        )?;
        info.affected = st
            .query_map([rowid], |r| {
                let ranges: String = r.get(2)?;
                let versions: String = r.get(3)?;
                Ok(AffectedInfo {
                    ecosystem: r.get(0)?,
                    package: r.get(1)?,
                    ranges: serde_json::from_str(&ranges).unwrap_or(Value::Null),
                    versions: serde_json::from_str(&versions).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        info.msrc = msrc_of(conn, rowid)?;
        info.no_advisory_in = no_advisory_in.clone();
        out.push(info);
    }
    if let (true, Some(cve)) = (out.is_empty(), asked_cve) {
        let kev = kev_of(conn, &cve)?;
        let epss = epss_of(conn, &cve)?;
        if !kev.is_empty() || !epss.is_empty() {
            out.push(AdvisoryInfo {
                source: if kev.is_empty() { "epss" } else { "kev" }.into(),
                id: cve,
                kev,
                epss,
                no_advisory_in,
                cve_only: true,
                ..AdvisoryInfo::default()
            });
        }
    }
    Ok(out)
}

/// `advisory search` filters.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: Option<String>,
    pub package: Option<String>,
    pub ecosystem: Option<String>,
    pub version: Option<String>,
}

/// One (advisory, affected package) match.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Hit {
    pub id: String,
    pub source: String,
    pub severity: Option<Severity>,
    pub kev: bool,
    pub ecosystem: String,
    pub package: String,
    /// The fixed versions named by the ranges.
    pub fixed: Vec<String>,
    /// With `--version`: whether that version is affected (null: cannot tell).
    pub affected: Option<bool>,
    /// With `--version`: the rule that decided.
    pub rule: Option<String>,
    pub summary: Option<String>,
}

pub fn search(conn: &Connection, q: &Search) -> Result<Vec<Hit>> {
    let scheme = match (&q.version, &q.ecosystem) {
        (Some(v), Some(e)) => {
            let s = scheme_for(e).ok_or_else(|| {
                Failure::usage(format!("cannot compare versions in ecosystem {e:?}"))
                    .hint("--version works for Debian, Ubuntu, RPM-based and Alpine ecosystems")
            })?;
            s.validate(v)
                .map_err(|err| Failure::usage(format!("--version {v:?}: {err}")))?;
            Some(s)
        }
        (Some(_), None) => {
            return Err(Failure::usage(
                "--version needs --ecosystem (it decides the version rules)",
            )
            .hint("e.g. --ecosystem AlmaLinux:9 or --ecosystem Debian:12")
            .into());
        }
        _ => None,
    };
    if q.text.is_none() && q.package.is_none() && q.ecosystem.is_none() {
        return Err(Failure::usage("give a search text, --package or --ecosystem").into());
    }
    let like = q
        .text
        .as_ref()
        .map(|t| format!("%{}%", crate::db::like_escape(t)));
    let eco_exact = q.ecosystem.clone();
    let eco_prefix = q
        .ecosystem
        .as_ref()
        .filter(|e| !e.contains(':'))
        .map(|e| format!("{}:%", crate::db::like_escape(e)));
    let mut stmt = conn.prepare(
        "SELECT a.advisory_id, a.source, a.severity, a.summary, f.ecosystem, f.package, f.ranges, f.versions, \
           EXISTS (SELECT 1 FROM aliases al JOIN kev k ON k.cve = al.alias WHERE al.advisory = a.id) \
             OR EXISTS (SELECT 1 FROM kev k WHERE k.cve = a.advisory_id) \
         FROM affected f JOIN advisories a ON a.id = f.advisory \
         WHERE (?1 IS NULL OR f.package = ?1) \
           AND (?2 IS NULL OR f.ecosystem = ?2 OR f.ecosystem LIKE ?3 ESCAPE '\\') \
           AND (?4 IS NULL OR a.advisory_id LIKE ?4 ESCAPE '\\' OR a.summary LIKE ?4 ESCAPE '\\' \
                OR EXISTS (SELECT 1 FROM aliases al WHERE al.advisory = a.id AND al.alias LIKE ?4 ESCAPE '\\')) \
         ORDER BY f.ecosystem, f.package, a.advisory_id",
    )?;
    let rows = stmt.query_map(params![q.package, eco_exact, eco_prefix, like], |r| {
        let ranges: String = r.get(6)?;
        let versions: String = r.get(7)?;
        Ok((
            Hit {
                id: r.get(0)?,
                source: r.get(1)?,
                severity: r.get(2)?,
                summary: r.get(3)?,
                ecosystem: r.get(4)?,
                package: r.get(5)?,
                kev: r.get(8)?,
                ..Hit::default()
            },
            ranges,
            versions,
        ))
    })?;
    let mut hits = Vec::new();
    for row in rows {
        let (mut hit, ranges, versions) = row?;
        let ranges: Value = serde_json::from_str(&ranges).unwrap_or(Value::Null);
        let versions: Vec<String> = serde_json::from_str(&versions).unwrap_or_default();
        hit.fixed = fixed_versions(&ranges);
        if let (Some(s), Some(v)) = (scheme, &q.version) {
            let (affected, rule) = evaluate(s, v, &ranges, &versions);
            hit.affected = affected;
            hit.rule = Some(rule);
        }
        hits.push(hit);
    }
    if q.version.is_some() {
        // Affected first, then unknown, then not affected; stable within.
        hits.sort_by_key(|h| match h.affected {
            Some(true) => 0,
            None => 1,
            Some(false) => 2,
        });
    }
    Ok(hits)
}

fn fixed_versions(ranges: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in ranges.as_array().into_iter().flatten() {
        for ev in r["events"].as_array().into_iter().flatten() {
            if let Some(f) = ev.get("fixed").and_then(Value::as_str)
                && !out.iter().any(|x| x == f)
            {
                out.push(f.to_string());
            }
        }
    }
    out
}

/// Compares with OSV's `"0"` below every version.
fn cmp_osv(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    match (a, b) {
        ("0", "0") => Some(Ordering::Equal),
        ("0", _) => Some(Ordering::Less),
        (_, "0") => Some(Ordering::Greater),
        _ => scheme.compare(a, b).ok(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Event::Introduced => "introduced",
            Event::Fixed => "fixed",
            Event::LastAffected => "last_affected",
            Event::Limit => "limit",
        }
    }
}

#[derive(Debug, Clone)]
enum Range {
    /// Events sorted by version.
    Ordered(Vec<(Event, String)>),
    /// Cannot be evaluated against a package version (GIT, or unreadable versions).
    Unreadable(String),
}

/// An affected entry's ranges, parsed and sorted once, evaluated many times (the
/// scan matcher caches these per package).
#[derive(Debug, Clone)]
pub struct Ranges {
    ranges: Vec<Range>,
}

impl Ranges {
    pub fn parse(scheme: Scheme, ranges: &Value) -> Ranges {
        let mut out = Vec::new();
        for r in ranges.as_array().into_iter().flatten() {
            let kind = r["type"].as_str().unwrap_or("");
            if kind == "GIT" {
                out.push(Range::Unreadable(
                    "a GIT range cannot be checked against a package version".into(),
                ));
                continue;
            }
            let mut events: Vec<(Event, String)> = Vec::new();
            for ev in r["events"].as_array().into_iter().flatten() {
                if let Some((k, v)) = ev.as_object().and_then(|o| o.iter().next())
                    && let Some(v) = v.as_str()
                {
                    let e = match k.as_str() {
                        "introduced" => Event::Introduced,
                        "fixed" => Event::Fixed,
                        "last_affected" => Event::LastAffected,
                        _ => Event::Limit,
                    };
                    events.push((e, v.to_string()));
                }
            }
            if events
                .iter()
                .any(|(_, v)| v != "0" && scheme.validate(v).is_err())
            {
                out.push(Range::Unreadable(format!(
                    "a {kind} range holds a version the {scheme} rules cannot read"
                )));
                continue;
            }
            events.sort_by(|a, b| cmp_osv(scheme, &a.1, &b.1).unwrap_or(Ordering::Equal));
            out.push(Range::Ordered(events));
        }
        Ranges { ranges: out }
    }

    /// The verdict alone (the hot path of matching).
    pub fn verdict(&self, scheme: Scheme, version: &str, versions: &[String]) -> Option<bool> {
        if versions.iter().any(|v| v == version) {
            return Some(true);
        }
        let mut unknown = false;
        for r in &self.ranges {
            match r {
                Range::Unreadable(_) => unknown = true,
                Range::Ordered(events) => {
                    if Self::inside(scheme, version, events).is_some() {
                        return Some(true);
                    }
                }
            }
        }
        if unknown { None } else { Some(false) }
    }

    /// Whether `version` falls inside one range: the introducing event if so.
    fn inside<'a>(scheme: Scheme, version: &str, events: &'a [(Event, String)]) -> Option<&'a str> {
        let mut opened: Option<&str> = None;
        for (k, v) in events {
            let ord = cmp_osv(scheme, version, v).unwrap_or(Ordering::Less);
            match k {
                Event::Introduced if ord != Ordering::Less => opened = Some(v),
                Event::Fixed | Event::Limit if ord != Ordering::Less => opened = None,
                Event::LastAffected if ord == Ordering::Greater => opened = None,
                _ => {}
            }
        }
        opened
    }

    /// The verdict and the rule that decided it, for people (`explain`, `--version`).
    pub fn explain(
        &self,
        scheme: Scheme,
        version: &str,
        versions: &[String],
    ) -> (Option<bool>, String) {
        if versions.iter().any(|v| v == version) {
            return (Some(true), format!("{version} is listed as affected"));
        }
        let mut unknown = None;
        let mut reasons = Vec::new();
        for r in &self.ranges {
            match r {
                Range::Unreadable(why) => unknown = Some(why.clone()),
                Range::Ordered(events) => {
                    let bounds: Vec<String> = events
                        .iter()
                        .map(|(k, v)| format!("{} {v}", k.name()))
                        .collect();
                    if let Some(opened) = Self::inside(scheme, version, events) {
                        return (
                            Some(true),
                            format!(
                                "{version} is in range [{}] (from introduced {opened})",
                                bounds.join(", ")
                            ),
                        );
                    }
                    reasons.push(format!("[{}]", bounds.join(", ")));
                }
            }
        }
        if let Some(u) = unknown {
            return (None, u);
        }
        (
            Some(false),
            if reasons.is_empty() {
                format!("{version}: no range or version list names it")
            } else {
                format!("{version} is outside {}", reasons.join(" and "))
            },
        )
    }

    /// The lowest `fixed` version above `version`.
    pub fn fixed_above(&self, scheme: Scheme, version: &str) -> Option<&str> {
        self.ranges
            .iter()
            .filter_map(|r| match r {
                Range::Ordered(events) => events
                    .iter()
                    .find(|(k, v)| {
                        *k == Event::Fixed && cmp_osv(scheme, version, v) == Some(Ordering::Less)
                    })
                    .map(|(_, v)| v.as_str()),
                Range::Unreadable(_) => None,
            })
            .min_by(|a, b| cmp_osv(scheme, a, b).unwrap_or(Ordering::Equal))
    }
}

/// Whether `version` is affected, by the OSV rules: listed in `versions`, or inside a
/// range (events sorted by version; `introduced` opens, `fixed` and `last_affected`
/// close). Returns the verdict (None: cannot tell) and the rule that decided.
pub fn evaluate(
    scheme: Scheme,
    version: &str,
    ranges: &Value,
    versions: &[String],
) -> (Option<bool>, String) {
    Ranges::parse(scheme, ranges).explain(scheme, version, versions)
}

/// One `affected` row of an advisory, as stored (`ranges` and `versions` are JSON).
#[derive(Debug, Clone)]
pub struct AffectedRow {
    pub advisory: String,
    pub ecosystem: String,
    pub package: String,
    pub ranges: String,
    pub versions: String,
}

/// What [`affected_in`] looks affected rows up by.
#[derive(Debug, Clone, Copy)]
pub enum AffectedBy<'a> {
    /// An advisory id, or an alias of one (a CVE).
    Advisory(&'a str),
    /// The package an advisory names (a source package, or a binary one in the rpm family).
    Package(&'a str),
}

/// The affected rows found by advisory or package in the releases of an ecosystem base
/// (`Debian`: `Debian` and every `Debian:N`).
pub fn affected_in(conn: &Connection, by: AffectedBy<'_>, base: &str) -> Result<Vec<AffectedRow>> {
    const COLUMNS: &str = "SELECT a.advisory_id, f.ecosystem, f.package, f.ranges, f.versions FROM affected f JOIN advisories a ON a.id = f.advisory";
    let (sql, arg) = match by {
        AffectedBy::Advisory(id) => (
            format!(
                "{COLUMNS} WHERE (a.advisory_id = ?1 OR a.id IN (SELECT advisory FROM aliases WHERE alias = ?1)) AND (f.ecosystem LIKE ?2 ESCAPE '\\' OR f.ecosystem = ?3)"
            ),
            id,
        ),
        AffectedBy::Package(package) => (
            format!(
                "{COLUMNS} WHERE f.package = ?1 AND (f.ecosystem LIKE ?2 ESCAPE '\\' OR f.ecosystem = ?3)"
            ),
            package,
        ),
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![arg, format!("{}:%", crate::db::like_escape(base)), base],
        |r| {
            Ok(AffectedRow {
                advisory: r.get(0)?,
                ecosystem: r.get(1)?,
                package: r.get(2)?,
                ranges: r.get(3)?,
                versions: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(events: Value) -> Value {
        serde_json::json!([{ "type": "ECOSYSTEM", "events": events }])
    }

    #[test]
    fn ranges() {
        let fixed = r(serde_json::json!([{ "introduced": "0" }, { "fixed": "1:3.0.7-6.el9_2" }]));
        assert_eq!(
            evaluate(Scheme::Rpm, "1:3.0.7-1.el9", &fixed, &[]).0,
            Some(true)
        );
        assert_eq!(
            evaluate(Scheme::Rpm, "1:3.0.7-6.el9_2", &fixed, &[]).0,
            Some(false)
        );
        // Epoch 1 beats any epoch-0 version.
        assert_eq!(
            evaluate(Scheme::Rpm, "3.9.9-1.el9", &fixed, &[]).0,
            Some(true)
        );
        let last = r(serde_json::json!([{ "introduced": "1.2-1" }, { "last_affected": "1.4-1" }]));
        assert_eq!(evaluate(Scheme::Deb, "1.1-1", &last, &[]).0, Some(false));
        assert_eq!(evaluate(Scheme::Deb, "1.4-1", &last, &[]).0, Some(true));
        assert_eq!(evaluate(Scheme::Deb, "1.4-2", &last, &[]).0, Some(false));
        assert_eq!(
            evaluate(Scheme::Deb, "9", &Value::Null, &["9".to_string()]).0,
            Some(true)
        );
        let git = serde_json::json!([{ "type": "GIT", "events": [{ "introduced": "abc" }] }]);
        assert_eq!(evaluate(Scheme::Deb, "1.0", &git, &[]).0, None);
    }
}
