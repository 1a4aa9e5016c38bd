//! Matching installed packages against the catalogue.
//!
//! Debian and Ubuntu OSV records name *source* packages and source versions, so a binary
//! package is matched through its source; so does Alpine's secdb-based OSV (the `o:`
//! origin). The rpm family's OSV (AlmaLinux, Rocky Linux) and updateinfo errata name
//! *binary* packages with their own EVR, so rpm packages are matched by name. Only
//! ranges of the host's own ecosystem and release are used (`Debian:12` for a bookworm
//! host): upstream ranges would flag backported fixes as vulnerable. Verdicts are cached
//! per (ecosystem, package, version), which fleets share widely.
//!
//! One fix, several sources: AlmaLinux publishes ALSA-2023:2523 in OSV and in its
//! repositories' updateinfo, and the host's dnf reports it too. For one package, two
//! advisories are the same fix when their ids are equal or one lists the other's id
//! among its aliases (a non-CVE alias, e.g. an RHSA an errata names); they become one
//! entry with the union of CVEs, the highest severity and the highest fixed version.
//! Sharing a CVE alone does not merge: one CVE can take several errata (an incomplete
//! first fix, other streams), each of which needs installing.

use std::collections::HashMap;
use std::rc::Rc;

use anyhow::Result;
use rusqlite::Connection;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;

use super::facts::{Facts, HostAdvisory, Manager, Pending};
use crate::catalog::Severity;
use crate::catalog::query::{Ranges, scheme_for};
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

/// What the advisories affecting one (ecosystem, source, version) come to, computed
/// once and shared by every package and host with that source version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aggregate {
    pub advisories: Vec<String>,
    pub cves: Vec<String>,
    /// The lowest version that fixes every advisory.
    pub fixed: Option<String>,
    pub severity: Option<Severity>,
    pub kev: bool,
    pub epss: Option<f64>,
    /// `advisories` and `cves` as stored (JSON arrays).
    pub advisories_json: String,
    pub cves_json: String,
}

/// What matching reads of one installed package, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Installed<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub source_name: &'a str,
    pub source_version: &'a str,
    /// Empty when not known.
    pub arch: &'a str,
}

/// One finding: a package that needs attention on a host.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub package: String,
    pub source_name: String,
    pub installed: String,
    pub candidate: Option<String>,
    pub security: bool,
    pub matched: Rc<Aggregate>,
}

/// What the catalogue adds to an advisory: CVEs, other aliases (for merging), KEV, EPSS.
#[derive(Debug, Clone, Default)]
struct Enrichment {
    cves: Vec<String>,
    others: Vec<String>,
    kev: bool,
    epss: Option<f64>,
}

/// An affected entry of the catalogue, parsed once.
struct Prepared {
    rowid: i64,
    id: String,
    severity: Option<Severity>,
    ranges: Ranges,
    versions: Vec<String>,
}

/// Matches hosts against the catalogue, caching verdicts across hosts.
#[derive(Default)]
pub struct Matcher {
    /// "ecosystem\0source\0version" → what affects it. Looked up once per installed
    /// package of every host, through `key` (reused), so a lookup allocates nothing.
    /// None: nothing affects it (most packages), known without touching an Aggregate.
    cache: FxHashMap<Box<str>, Option<Rc<Aggregate>>>,
    key: String,
    /// (ecosystem, source) → its affected entries, parsed
    prepared: HashMap<(String, String), Rc<Vec<Prepared>>>,
    /// advisory rowid → enrichment
    enrich: HashMap<i64, Enrichment>,
    /// The MSRC catalogue as Windows hosts are matched against it.
    windows: crate::family::windows::matching::Catalogue,
    /// The digest of the catalogue this matcher reads ([`crate::catalog::store::state_digest`]),
    /// taken at its first use, as its caches are.
    catalog: Option<String>,
}

impl Matcher {
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// The digest of the catalogue this matcher's verdicts come from: the one held when
    /// it was first asked (a sync during a long run changes the catalogue under the
    /// caches; the findings then carry the older digest, and the next scan matches again).
    pub fn catalog_state(&mut self, conn: &Connection) -> Result<String> {
        if let Some(d) = &self.catalog {
            return Ok(d.clone());
        }
        let d = crate::catalog::store::state_digest(conn)?;
        self.catalog = Some(d.clone());
        Ok(d)
    }

    fn prepared(
        &mut self,
        conn: &Connection,
        scheme: Scheme,
        ecosystem: &str,
        source: &str,
    ) -> Result<Rc<Vec<Prepared>>> {
        let key = (ecosystem.to_string(), source.to_string());
        if let Some(p) = self.prepared.get(&key) {
            return Ok(p.clone());
        }
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.advisory_id, a.severity, f.ranges, f.versions \
             FROM affected f JOIN advisories a ON a.id = f.advisory \
             WHERE f.ecosystem = ?1 AND f.package = ?2 AND (a.kind IS NULL OR a.kind = 'security')",
        )?;
        let rows = stmt.query_map([ecosystem, source], |r| {
            let ranges: String = r.get(3)?;
            let versions: String = r.get(4)?;
            Ok(Prepared {
                rowid: r.get(0)?,
                id: r.get(1)?,
                severity: r.get(2)?,
                ranges: Ranges::parse(
                    scheme,
                    &serde_json::from_str::<Value>(&ranges).unwrap_or(Value::Null),
                ),
                versions: serde_json::from_str(&versions).unwrap_or_default(),
            })
        })?;
        let list: Vec<Prepared> = rows.collect::<rusqlite::Result<_>>()?;
        let list = Rc::new(list);
        self.prepared.insert(key, list.clone());
        Ok(list)
    }

    /// What affects `source` at `version` in `ecosystem` (None: nothing), cached.
    pub fn aggregate(
        &mut self,
        conn: &Connection,
        scheme: Scheme,
        ecosystem: &str,
        source: &str,
        version: &str,
    ) -> Result<Option<Rc<Aggregate>>> {
        self.key.clear();
        for (i, part) in [ecosystem, source, version].iter().enumerate() {
            if i > 0 {
                self.key.push('\0');
            }
            self.key.push_str(part);
        }
        if let Some(h) = self.cache.get(self.key.as_str()) {
            return Ok(h.clone());
        }
        let key: Box<str> = self.key.as_str().into();
        let hits = self.hits(conn, scheme, ecosystem, source, version)?;
        if hits.is_empty() {
            self.cache.insert(key, None);
            return Ok(None);
        }
        let mut cves: Vec<String> = hits.iter().flat_map(|h| h.cves.iter().cloned()).collect();
        cves.sort();
        cves.dedup();
        let mut fixed: Option<String> = None;
        for h in &hits {
            fixed = max_version(scheme, fixed, h.fixed.clone());
        }
        let advisories: Vec<String> = hits.iter().map(|h| h.advisory.clone()).collect();
        let agg = Rc::new(Aggregate {
            advisories_json: serde_json::to_string(&advisories)?,
            cves_json: serde_json::to_string(&cves)?,
            advisories,
            cves,
            fixed,
            severity: hits.iter().filter_map(|h| h.severity).max(),
            kev: hits.iter().any(|h| h.kev),
            epss: hits.iter().filter_map(|h| h.epss).reduce(f64::max),
        });
        self.cache.insert(key, Some(agg.clone()));
        Ok(Some(agg))
    }

    /// Advisories affecting `source` at `version` in `ecosystem` (uncached; see
    /// [`Matcher::aggregate`]).
    pub fn hits(
        &mut self,
        conn: &Connection,
        scheme: Scheme,
        ecosystem: &str,
        source: &str,
        version: &str,
    ) -> Result<Vec<AdvisoryHit>> {
        let prepared = self.prepared(conn, scheme, ecosystem, source)?;
        // (hit, the ids it goes by: its own and its non-CVE aliases)
        let mut hits: Vec<(AdvisoryHit, Vec<String>)> = Vec::new();
        for p in prepared.iter() {
            if p.ranges.verdict(scheme, version, &p.versions) != Some(true) {
                continue;
            }
            let fixed = p.ranges.fixed_above(scheme, version).map(str::to_string);
            let e = self.enrichment(conn, p.rowid, &p.id)?;
            let same = |(_, ids): &(AdvisoryHit, Vec<String>)| {
                ids.contains(&p.id) || e.others.iter().any(|o| ids.contains(o))
            };
            if let Some((existing, ids)) = hits.iter_mut().find(|h| same(h)) {
                existing.fixed = max_version(scheme, existing.fixed.take(), fixed);
                existing.severity = existing.severity.max(p.severity);
                existing.kev |= e.kev;
                existing.epss = match (existing.epss, e.epss) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                for c in &e.cves {
                    if !existing.cves.contains(c) {
                        existing.cves.push(c.clone());
                    }
                }
                existing.cves.sort();
                for o in std::iter::once(&p.id).chain(&e.others) {
                    if !ids.contains(o) {
                        ids.push(o.clone());
                    }
                }
                continue;
            }
            let mut ids = vec![p.id.clone()];
            ids.extend(e.others.iter().cloned());
            hits.push((
                AdvisoryHit {
                    advisory: p.id.clone(),
                    severity: p.severity,
                    fixed,
                    cves: e.cves,
                    kev: e.kev,
                    epss: e.epss,
                },
                ids,
            ));
        }
        let mut hits: Vec<AdvisoryHit> = hits.into_iter().map(|(h, _)| h).collect();
        hits.sort_by(|a, b| a.advisory.cmp(&b.advisory));
        Ok(hits)
    }

    fn enrichment(&mut self, conn: &Connection, rowid: i64, id: &str) -> Result<Enrichment> {
        if let Some(e) = self.enrich.get(&rowid) {
            return Ok(e.clone());
        }
        let aliases: Vec<String> = conn
            .prepare_cached("SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY alias")?
            .query_map([rowid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let (mut cves, others): (Vec<String>, Vec<String>) =
            aliases.into_iter().partition(|a| a.starts_with("CVE-"));
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
        let v = Enrichment {
            cves,
            others,
            kev,
            epss,
        };
        self.enrich.insert(rowid, v.clone());
        Ok(v)
    }

    /// The findings of one host: advisories through source packages, and pending
    /// security updates from the host's own package manager (also without a catalogue).
    pub fn findings(&mut self, conn: &Connection, facts: &Facts) -> Result<Vec<Finding>> {
        if let Some(w) = &facts.windows {
            return self.windows_findings(conn, w);
        }
        let packages = facts.packages.iter().map(|p| Installed {
            name: &p.name,
            version: &p.version,
            source_name: &p.source_name,
            source_version: &p.source_version,
            arch: p.arch.as_deref().unwrap_or_default(),
        });
        self.match_host(
            conn,
            facts.ecosystem.as_deref(),
            facts.manager,
            facts.kernel_running.as_deref(),
            packages,
            &facts.pending,
            &facts.host_advisories,
        )
    }

    /// The findings of a Windows host: one per missing update (the product's newest
    /// cumulative update carrying every CVE it fixes on the host, other KBs on their own);
    /// see [`crate::family::windows::matching`]. A host whose product the catalogue does
    /// not know has none here: it is unknown (the verdict module's `NoProduct`), never
    /// compliant.
    fn windows_findings(
        &mut self,
        conn: &Connection,
        w: &crate::family::WindowsFacts,
    ) -> Result<Vec<Finding>> {
        use crate::family::windows::matching::{WindowsBuild, assess, missing_updates};
        let assessment = assess(conn, &mut self.windows, w)?;
        let missing = missing_updates(conn, &mut self.windows, w, &assessment)?;
        let installed = WindowsBuild::of_host(w).to_string();
        let mut out = Vec::with_capacity(missing.len());
        for m in missing {
            out.push(Finding {
                package: format!("KB{}", m.kb),
                source_name: m.product,
                installed: installed.clone(),
                candidate: m.offered.map(|kb| format!("KB{kb}")),
                security: true,
                matched: Rc::new(Aggregate {
                    advisories_json: serde_json::to_string(&m.cves)?,
                    cves_json: serde_json::to_string(&m.cves)?,
                    advisories: m.cves.clone(),
                    cves: m.cves,
                    fixed: m.fixed_build.map(|b| b.to_string()),
                    severity: m.severity,
                    kev: m.kev,
                    epss: m.epss,
                }),
            });
        }
        Ok(out)
    }

    /// [`Matcher::findings`] of a host whose packages are borrowed from elsewhere (a
    /// re-match reads them from the database): the one loop both go through.
    #[allow(clippy::too_many_arguments)]
    pub fn match_host<'p>(
        &mut self,
        conn: &Connection,
        ecosystem: Option<&str>,
        manager: Option<Manager>,
        kernel_running: Option<&str>,
        packages: impl IntoIterator<Item = Installed<'p>>,
        pending: &[Pending],
        host_advisories: &[HostAdvisory],
    ) -> Result<Vec<Finding>> {
        let scheme = ecosystem.and_then(scheme_for);
        // Only families that keep builds side by side need the whole list first; the
        // others are matched as they stream in (a re-match walks every host's packages).
        let side_by_side =
            manager.is_some_and(|m| crate::family::of_manager(m).versions_side_by_side());
        let packages: Box<dyn Iterator<Item = Installed<'p>>> = if side_by_side {
            Box::new(
                superseded_builds_left_out(packages.into_iter().collect(), manager, kernel_running)
                    .into_iter(),
            )
        } else {
            Box::new(packages.into_iter())
        };
        let pending: HashMap<&str, &Pending> =
            pending.iter().map(|p| (p.package.as_str(), p)).collect();
        let mut reported_by_package: HashMap<&str, Vec<&HostAdvisory>> = HashMap::new();
        for h in host_advisories {
            reported_by_package
                .entry(h.package.as_str())
                .or_default()
                .push(h);
        }
        let none = Rc::new(Aggregate {
            advisories_json: "[]".into(),
            cves_json: "[]".into(),
            ..Aggregate::default()
        });
        let by_binary =
            manager.is_some_and(|m| crate::family::of_manager(m).matches_binary_packages());
        let mut out = Vec::new();
        for p in packages {
            let (name, version) = if by_binary {
                (p.name, p.version)
            } else {
                (p.source_name, p.source_version)
            };
            let mut matched = match (scheme, ecosystem) {
                (Some(s), Some(eco)) => self.aggregate(conn, s, eco, name, version)?,
                _ => None,
            };
            if let Some(reported) = reported_by_package.get(p.name) {
                matched = Some(with_host_advisories(
                    matched.as_ref().unwrap_or(&none),
                    reported,
                    manager.map_or(Scheme::Rpm, Manager::scheme),
                )?);
            }
            let pend = pending.get(p.name);
            let pending_security = pend.is_some_and(|x| x.security);
            let matched = match matched {
                Some(m) if !m.advisories.is_empty() || pending_security => m,
                None if pending_security => none.clone(),
                _ => continue,
            };
            out.push(Finding {
                package: p.name.to_string(),
                source_name: p.source_name.to_string(),
                installed: p.version.to_string(),
                candidate: pend.map(|x| x.to.clone()),
                security: true,
                matched,
            });
        }
        Ok(out)
    }
}

/// The installed packages to match. rpm keeps install-only packages (the kernel and its
/// parts) side by side: after an update the old build stays installed until dnf's
/// `installonly_limit` removes it. An older build that is not the running kernel runs
/// nowhere, and dnf itself (`updateinfo`) judges only the newest one, so it is left out;
/// the newest build is matched, and so is the build the host runs (`uname -r` is
/// `VERSION-RELEASE.ARCH[+variant]`): a kernel updated but not yet booted keeps its
/// finding until the reboot. Other families list one version per package.
fn superseded_builds_left_out<'p>(
    packages: Vec<Installed<'p>>,
    manager: Option<Manager>,
    kernel_running: Option<&str>,
) -> Vec<Installed<'p>> {
    let Some(manager) = manager else {
        return packages;
    };
    if !crate::family::of_manager(manager).versions_side_by_side() {
        return packages;
    }
    let scheme = manager.scheme();
    // Per name and architecture: multilib builds (an i686 library beside its x86_64
    // one) are separate packages, each matched at its own newest version.
    let mut newest: HashMap<(&str, &str), &str> = HashMap::new();
    for p in &packages {
        let e = newest.entry((p.name, p.arch)).or_insert(p.version);
        if scheme.compare(p.version, e).is_ok_and(|o| o.is_gt()) {
            *e = p.version;
        }
    }
    let running = |version: &str| {
        kernel_running.is_some_and(|k| {
            k.strip_prefix(version)
                .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    packages
        .into_iter()
        .filter(|p| newest.get(&(p.name, p.arch)) == Some(&p.version) || running(p.version))
        .collect()
}

/// `agg` with the advisories the host's package manager reported for the package: an id
/// the catalogue already matched is the same fix (nothing changes); a new one is added
/// with its severity and fixed version.
fn with_host_advisories(
    agg: &Rc<Aggregate>,
    reported: &[&HostAdvisory],
    scheme: Scheme,
) -> Result<Rc<Aggregate>> {
    if reported.iter().all(|h| agg.advisories.contains(&h.id)) {
        return Ok(agg.clone());
    }
    let mut a = (**agg).clone();
    for h in reported {
        if a.advisories.contains(&h.id) {
            continue;
        }
        a.advisories.push(h.id.clone());
        a.severity = a
            .severity
            .max(h.severity.as_deref().and_then(Severity::from_word));
        a.fixed = max_version(scheme, a.fixed.take(), Some(h.version.clone()));
    }
    a.advisories.sort();
    a.advisories_json = serde_json::to_string(&a.advisories)?;
    Ok(Rc::new(a))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::store::{self, Advisory, Affected};
    use crate::scan::facts::{Package, Pending};

    fn adv(id: &str, aliases: &[&str], severity: Severity, fixed: &str) -> Advisory {
        Advisory {
            id: id.into(),
            kind: Some(crate::catalog::store::AdvisoryKind::Security),
            published: None,
            modified: None,
            summary: None,
            severity: Some(severity),
            cvss: None,
            cvss_vector: None,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            affected: vec![Affected {
                ecosystem: "Rocky Linux:9".into(),
                package: "openssl-libs".into(),
                ranges: serde_json::json!([{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": fixed }] }]),
                versions: vec![],
            }],
        }
    }

    fn host(advisories: Vec<HostAdvisory>) -> Facts {
        Facts {
            manager: Some(Manager::Rpm),
            ecosystem: Some("Rocky Linux:9".into()),
            packages: vec![Package {
                name: "openssl-libs".into(),
                arch: Some("x86_64".into()),
                version: "1:3.0.7-1.el9".into(),
                source_name: "openssl".into(),
                source_version: "1:3.0.7-1.el9".into(),
                state: crate::family::PackageState::Installed,
            }],
            pending: vec![Pending {
                package: "openssl-libs".into(),
                from: Some("1:3.0.7-1.el9".into()),
                to: "1:3.0.7-27.el9".into(),
                origin: "baseos".into(),
                security: !advisories.is_empty(),
            }],
            host_advisories: advisories,
            ..Facts::default()
        }
    }

    #[test]
    fn one_fix_from_several_sources_is_one_entry() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) =
            crate::db::Db::open(&dir.path().join("t.db"), crate::db::OpenMode::Create).unwrap();
        let c = &db.conn;
        for s in ["osv:Rocky Linux", "errata:rocky9"] {
            store::ensure_source(c, s, "https://example.invalid/").unwrap();
        }
        // The same id from OSV and from the errata, with different CVE lists and severities.
        store::insert_advisory(
            c,
            "osv:Rocky Linux",
            &adv(
                "RLSA-2023:2523",
                &["CVE-2022-3358"],
                Severity::Low,
                "1:3.0.7-6.el9_2",
            ),
        )
        .unwrap();
        store::insert_advisory(
            c,
            "errata:rocky9",
            &adv(
                "RLSA-2023:2523",
                &["CVE-2023-0001"],
                Severity::Medium,
                "1:3.0.7-6.el9_2",
            ),
        )
        .unwrap();
        // An errata naming the OSV record's id as an alias: the same fix.
        store::insert_advisory(
            c,
            "osv:Rocky Linux",
            &adv(
                "RLSA-2024:0310",
                &["RHSA-2024:0310", "CVE-2023-5678"],
                Severity::Medium,
                "1:3.0.7-25.el9_3",
            ),
        )
        .unwrap();
        store::insert_advisory(
            c,
            "errata:rocky9",
            &adv(
                "RHSA-2024:0310",
                &["CVE-2023-5678"],
                Severity::High,
                "1:3.0.7-24.el9",
            ),
        )
        .unwrap();
        // Another advisory sharing a CVE only: a different fix, kept apart.
        store::insert_advisory(
            c,
            "errata:rocky9",
            &adv(
                "RLSA-2024:9999",
                &["CVE-2023-5678"],
                Severity::Low,
                "1:3.0.7-27.el9",
            ),
        )
        .unwrap();

        let mut m = Matcher::new();
        let hits = m
            .hits(
                c,
                Scheme::Rpm,
                "Rocky Linux:9",
                "openssl-libs",
                "1:3.0.7-1.el9",
            )
            .unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.advisory.as_str()).collect();
        assert_eq!(ids, ["RLSA-2023:2523", "RLSA-2024:0310", "RLSA-2024:9999"]);
        assert_eq!(hits[0].cves, ["CVE-2022-3358", "CVE-2023-0001"]);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert_eq!(hits[1].severity, Some(Severity::High));
        assert_eq!(hits[1].fixed.as_deref(), Some("1:3.0.7-25.el9_3"));

        // The host's dnf names one of them and one the catalogue does not know.
        let f = host(vec![
            HostAdvisory {
                id: "RLSA-2023:2523".into(),
                package: "openssl-libs".into(),
                version: "1:3.0.7-6.el9_2".into(),
                severity: Some("Low".into()),
            },
            HostAdvisory {
                id: "RLSA-2024:4242".into(),
                package: "openssl-libs".into(),
                version: "1:3.0.7-28.el9".into(),
                severity: Some("Critical".into()),
            },
        ]);
        let found = m.findings(c, &f).unwrap();
        assert_eq!(found.len(), 1);
        let agg = &found[0].matched;
        assert_eq!(
            agg.advisories,
            [
                "RLSA-2023:2523",
                "RLSA-2024:0310",
                "RLSA-2024:4242",
                "RLSA-2024:9999"
            ]
        );
        assert_eq!(agg.fixed.as_deref(), Some("1:3.0.7-28.el9"));
        assert_eq!(agg.severity, Some(Severity::Critical));
        assert_eq!(found[0].candidate.as_deref(), Some("1:3.0.7-27.el9"));

        // rpm packages match by binary name: the source name finds nothing.
        let none = m
            .hits(c, Scheme::Rpm, "Rocky Linux:9", "openssl", "1:3.0.7-1.el9")
            .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn superseded_rpm_builds_are_left_out_but_not_the_running_one_nor_multilib() {
        let pkg = |name: &'static str, version: &'static str, arch: &'static str| Installed {
            name,
            version,
            source_name: name,
            source_version: version,
            arch,
        };
        let host = vec![
            pkg("kernel-core", "5.14.0-362.el9", "x86_64"),
            pkg("kernel-core", "5.14.0-427.el9", "x86_64"),
            pkg("glibc", "2.34-60.el9", "i686"),
            pkg("glibc", "2.34-100.el9", "x86_64"),
        ];
        let kept = |running: Option<&str>, manager: Manager| -> Vec<(&str, &str, &str)> {
            superseded_builds_left_out(host.clone(), Some(manager), running)
                .iter()
                .map(|p| (p.name, p.version, p.arch))
                .collect()
        };
        // Booted into the new kernel: the old build runs nowhere.
        assert_eq!(
            kept(Some("5.14.0-427.el9.x86_64"), Manager::Rpm),
            [
                ("kernel-core", "5.14.0-427.el9", "x86_64"),
                ("glibc", "2.34-60.el9", "i686"),
                ("glibc", "2.34-100.el9", "x86_64"),
            ]
        );
        // Updated, not rebooted: the running old build keeps its findings.
        assert_eq!(kept(Some("5.14.0-362.el9.x86_64"), Manager::Rpm).len(), 4);
        assert_eq!(
            kept(Some("5.14.0-362.el9.x86_64+debug"), Manager::Rpm).len(),
            4
        );
        // No running kernel known (an offline root): only the newest.
        assert_eq!(kept(None, Manager::Rpm).len(), 3);
        // dpkg lists one version per package: nothing is left out.
        assert_eq!(kept(None, Manager::Dpkg).len(), 4);
    }
}
