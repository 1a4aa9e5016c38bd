//! What patchcycle knows about each host, how old that knowledge is, and the one place
//! that turns it into a verdict: compliant, not compliant, or *unknown*.
//!
//! patchcycle is a compliance source and a CI gate, so it never calls a host compliant
//! (or lets a gate pass) on knowledge it does not have. A host is unknown when
//! - it was never scanned (no good scan);
//! - its last good scan is older than its policy's `max_scan_age`;
//! - the catalogue holds nothing for its ecosystem (no synced OSV or errata source has
//!   an advisory for it), or the sources that do were last brought up to date longer
//!   ago than `max_feed_age`.
//!
//! `--allow-stale` accepts *old* knowledge (the two age limits), never *missing* knowledge
//! (never scanned, no catalogue): there is nothing to judge then.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::catalog::Severity;
use crate::clock;
use crate::inventory::policy::{Policy, Span};

/// Why a host is unknown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Unknown {
    /// No good scan, ever.
    NeverScanned,
    /// The last good scan is older than `max_scan_age`.
    StaleScan {
        last_scan: String,
        max_scan_age: String,
    },
    /// The host's OS has no ecosystem patchcycle can match (its scans said so).
    NoEcosystem,
    /// No synced source has advisories for the host's ecosystem.
    NoCatalogue { ecosystem: String },
    /// A Windows host whose product the MSRC catalogue does not have (by the names of its
    /// product tree): nothing says which updates it needs.
    NoProduct {
        /// `ProductName` as the host reported it.
        product: String,
        /// `10.0.CurrentBuild.UBR`.
        build: String,
        why: String,
    },
    /// The sources of the host's ecosystem are older than `max_feed_age`.
    StaleCatalogue {
        source: String,
        as_of: String,
        max_feed_age: String,
    },
}

impl Unknown {
    /// Old knowledge (which `--allow-stale` accepts), as opposed to missing knowledge.
    pub fn is_stale(&self) -> bool {
        matches!(
            self,
            Unknown::StaleScan { .. } | Unknown::StaleCatalogue { .. }
        )
    }

    /// The short name used in counts ("never-scanned", "stale-scan", …).
    pub fn kind(&self) -> &'static str {
        match self {
            Unknown::NeverScanned => "never-scanned",
            Unknown::StaleScan { .. } => "stale-scan",
            Unknown::NoEcosystem => "no-ecosystem",
            Unknown::NoCatalogue { .. } => "no-catalogue",
            Unknown::NoProduct { .. } => "no-product",
            Unknown::StaleCatalogue { .. } => "stale-catalogue",
        }
    }

    /// Said relative to `now`: "last good scan 183 d ago (max_scan_age 7d)".
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let ago = |t: &str| clock::parse(t).map_or_else(|| t.to_string(), |t| clock::ago(t, now));
        match self {
            Unknown::NeverScanned => "never scanned".into(),
            Unknown::StaleScan {
                last_scan,
                max_scan_age,
            } => format!(
                "last good scan {} (max_scan_age {max_scan_age})",
                ago(last_scan)
            ),
            Unknown::NoEcosystem => "no supported ecosystem (OS not matched)".into(),
            Unknown::NoCatalogue { ecosystem } => {
                format!("no synced catalogue has advisories for {ecosystem}")
            }
            Unknown::NoProduct {
                product,
                build,
                why,
            } => format!(
                "Windows product \"{}\" ({}) not in the MSRC catalogue: {}",
                crate::text::one_line(product),
                crate::text::one_line(build),
                crate::text::one_line(why)
            ),
            Unknown::StaleCatalogue {
                source,
                as_of,
                max_feed_age,
            } => format!(
                "catalogue {source} last synced {} (max_feed_age {max_feed_age})",
                ago(as_of)
            ),
        }
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

/// The ecosystem of Windows hosts: matched against the MSRC catalogue by product,
/// build and KB, not through advisories' `affected` rows.
pub const WINDOWS_ECOSYSTEM: &str = "Windows";

/// A synced catalogue source and the time its data was last known current.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    pub source: String,
    /// The last successful check (an import, or "not modified"); None: never synced.
    pub as_of: Option<String>,
    pub status: crate::catalog::store::SourceStatus,
}

/// What a host's verdict is judged from (a row of the inventory).
#[derive(Debug, Clone, Copy)]
pub struct HostFacts<'a> {
    /// The host's name (a Windows host's product is read from its latest good scan).
    pub name: &'a str,
    pub group: Option<&'a str>,
    pub ecosystem: Option<&'a str>,
    /// Finish time of the last good scan.
    pub last_scan: Option<&'a str>,
}

/// The limits of one group's policy (or the config's default policy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub max_scan_age: Duration,
    pub max_feed_age: Duration,
    pub unrated: Severity,
}

impl Limits {
    pub fn of(p: &Policy) -> Limits {
        Limits {
            max_scan_age: p.max_scan_age.0,
            max_feed_age: p.max_feed_age.0,
            unrated: p.unrated_severity,
        }
    }
}

/// Each group's limits, and the default policy's for hosts without a group.
#[derive(Debug, Clone)]
pub struct Policies {
    default: Limits,
    groups: HashMap<String, Limits>,
}

impl Policies {
    pub fn load(conn: &Connection, default: &Policy) -> Result<Policies> {
        let groups = crate::inventory::list_groups(conn)?
            .into_iter()
            .map(|g| (g.name, Limits::of(&g.policy)))
            .collect();
        Ok(Policies {
            default: Limits::of(default),
            groups,
        })
    }

    pub fn of(&self, group: Option<&str>) -> Limits {
        group
            .and_then(|g| self.groups.get(g))
            .copied()
            .unwrap_or(self.default)
    }

    /// The severity an unrated pending security update of a host in `group` counts as.
    pub fn unrated(&self, group: Option<&str>) -> Severity {
        self.of(group).unrated
    }
}

/// Everything needed to judge hosts: the feeds, which of them cover each ecosystem, the
/// policies, the clock, and whether old knowledge is accepted.
pub struct Knowledge {
    pub now: DateTime<Utc>,
    pub allow_stale: bool,
    pub feeds: Vec<Feed>,
    pub policies: Policies,
    /// ecosystem → indexes into `feeds` of the sources with advisories for it.
    coverage: HashMap<String, Vec<usize>>,
    /// The MSRC products, read once for every Windows host judged.
    windows: crate::family::windows::matching::Catalogue,
    /// Whether any MSRC document is held (an index alone judges no Windows host).
    msrc_documents: bool,
}

impl Knowledge {
    pub fn load(
        conn: &Connection,
        default_policy: &Policy,
        now: DateTime<Utc>,
        allow_stale: bool,
    ) -> Result<Knowledge> {
        Ok(Knowledge {
            now,
            allow_stale,
            feeds: feeds(conn)?,
            policies: Policies::load(conn, default_policy)?,
            coverage: HashMap::new(),
            windows: Default::default(),
            msrc_documents: crate::catalog::msrc::held_any(conn)?,
        })
    }

    /// The feed named `source` (kev, epss, osv:Debian, errata:NAME), if ever recorded.
    pub fn feed(&self, source: &str) -> Option<&Feed> {
        self.feeds.iter().find(|f| f.source == source)
    }

    /// The synced sources that hold advisories for `ecosystem`.
    pub fn sources_for(&mut self, conn: &Connection, ecosystem: &str) -> Result<Vec<&Feed>> {
        if ecosystem == WINDOWS_ECOSYSTEM {
            return Ok(self.msrc_feed().into_iter().collect());
        }
        if !self.coverage.contains_key(ecosystem) {
            let mut stmt = conn.prepare_cached(
                "SELECT 1 FROM affected f JOIN advisories a ON a.id = f.advisory \
                 WHERE f.ecosystem = ?1 AND a.source = ?2 LIMIT 1",
            )?;
            let mut covering = Vec::new();
            for (i, feed) in self.feeds.iter().enumerate() {
                if feed.as_of.is_some() && stmt.exists([ecosystem, feed.source.as_str()])? {
                    covering.push(i);
                }
            }
            self.coverage.insert(ecosystem.to_string(), covering);
        }
        Ok(self.coverage[ecosystem]
            .iter()
            .map(|&i| &self.feeds[i])
            .collect())
    }

    /// The MSRC catalogue as one feed: `msrc`, which [`feeds`] folds from the index and
    /// every monthly document (`msrc:2026-Jun`, each a source of its own), aged by the
    /// oldest of them. None: never synced, or no document imported.
    fn msrc_feed(&self) -> Option<&Feed> {
        self.feed(crate::catalog::store::MSRC_SOURCE)
            .filter(|f| self.msrc_documents && f.as_of.is_some())
    }

    /// Why a Windows host's product cannot be judged: the product of its latest good scan
    /// is not in the MSRC catalogue. None: it is (or the scan holds no Windows facts).
    fn windows_product_problem(
        &mut self,
        conn: &Connection,
        host: &str,
    ) -> Result<Option<Unknown>> {
        use crate::family::windows::matching::{ProductMatch, WindowsBuild};
        let stored: Option<Option<String>> = conn
            .query_row(
                "SELECT s.windows FROM scans s JOIN hosts h ON h.id = s.host_id \
                 WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1",
                [host],
                |r| r.get(0),
            )
            .optional()?;
        let Some(text) = stored.flatten() else {
            return Ok(None);
        };
        let Ok(w) = serde_json::from_str::<crate::family::WindowsFacts>(&text) else {
            return Ok(Some(Unknown::NoProduct {
                product: String::new(),
                build: String::new(),
                why: "the stored scan's Windows facts do not read back".into(),
            }));
        };
        Ok(match self.windows.products(conn, &w)? {
            ProductMatch::Known { .. } => None,
            ProductMatch::Unknown { why, .. } => Some(Unknown::NoProduct {
                product: w.product_name.clone(),
                build: WindowsBuild::of_host(&w).to_string(),
                why,
            }),
        })
    }

    /// Every reason the host's verdict cannot be trusted (empty: it can); old knowledge
    /// included, whatever `allow_stale` says: see [`Knowledge::effective`].
    pub fn judge(&mut self, conn: &Connection, host: HostFacts<'_>) -> Result<Vec<Unknown>> {
        let limits = self.policies.of(host.group);
        let now = self.now;
        let older_than = |t: &str, max: Duration| older_than(t, now, max);
        let mut why = Vec::new();
        let Some(last) = host.last_scan else {
            return Ok(vec![Unknown::NeverScanned]);
        };
        if older_than(last, limits.max_scan_age) {
            why.push(Unknown::StaleScan {
                last_scan: last.to_string(),
                max_scan_age: Span(limits.max_scan_age).to_string(),
            });
        }
        match host.ecosystem {
            None => why.push(Unknown::NoEcosystem),
            Some(eco) => {
                let sources: Vec<Feed> =
                    self.sources_for(conn, eco)?.into_iter().cloned().collect();
                if sources.is_empty() {
                    why.push(Unknown::NoCatalogue {
                        ecosystem: eco.to_string(),
                    });
                } else if eco == WINDOWS_ECOSYSTEM
                    && let Some(u) = self.windows_product_problem(conn, host.name)?
                {
                    why.push(u);
                }
                // Every source of the ecosystem must be current: an old one may miss a fix.
                for f in sources {
                    let as_of = f.as_of.unwrap_or_default();
                    if older_than(&as_of, limits.max_feed_age) {
                        why.push(Unknown::StaleCatalogue {
                            source: f.source,
                            as_of,
                            max_feed_age: Span(limits.max_feed_age).to_string(),
                        });
                    }
                }
            }
        }
        Ok(why)
    }

    /// The reasons that make the host unknown: with `allow_stale`, old knowledge is
    /// accepted and only missing knowledge remains.
    pub fn effective(&self, mut why: Vec<Unknown>) -> Vec<Unknown> {
        if self.allow_stale {
            why.retain(|u| !u.is_stale());
        }
        why
    }

    /// Whether a gate on KEV can be trusted: the KEV feed is synced and current (by the
    /// default policy's `max_feed_age`). Returns the problem otherwise.
    pub fn kev_problem(&self) -> Option<String> {
        let max = self.policies.default.max_feed_age;
        match self.feed("kev").and_then(|f| f.as_of.as_deref()) {
            None => Some("the CISA KEV catalogue was never synced".into()),
            Some(t) if !self.allow_stale && older_than(t, self.now, max) => Some(format!(
                "the CISA KEV catalogue was last synced {} (max_feed_age {})",
                clock::parse(t).map_or_else(|| t.to_string(), |t| clock::ago(t, self.now)),
                Span(max)
            )),
            Some(_) => None,
        }
    }
}

/// What a gate (`--fail-on` of scan, findings and report) trips on. Every level also
/// trips on an empty selection and on unknown hosts: a gate never passes on knowledge
/// patchcycle does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FailOn {
    /// Any open finding (a pending security update or an advisory, rated or not)
    Any,
    /// An open finding at or above critical, or in CISA KEV
    Critical,
    /// An open finding at or above high, or in CISA KEV
    High,
    /// An open finding at or above medium, or in CISA KEV
    Medium,
    /// An open finding at or above low, or in CISA KEV
    Low,
    /// An open finding in CISA KEV (and a KEV catalogue that is missing or stale)
    Kev,
    /// An open finding past its SLA or KEV due date
    Sla,
    /// A host that needs a reboot
    Reboot,
    /// A host patchcycle cannot judge (never scanned, stale scan or catalogue)
    Unknown,
}

impl FailOn {
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Any => "any",
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Low => "low",
            FailOn::Kev => "kev",
            FailOn::Sla => "sla",
            FailOn::Reboot => "reboot",
            FailOn::Unknown => "unknown",
        }
    }

    /// The severity floor of a severity level.
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            _ => None,
        }
    }

    /// Whether an open finding of this severity (and KEV flag) trips the level. A KEV
    /// finding trips every severity level: known exploitation outranks any rating.
    pub fn trips_on_finding(self, severity: Option<Severity>, kev: bool) -> bool {
        match self {
            FailOn::Any => true,
            FailOn::Kev => kev,
            _ => match self.severity() {
                Some(level) => kev || severity.is_some_and(|s| s >= level),
                None => false,
            },
        }
    }
}

/// Whether the stored time `t` lies more than `max` before `now`; a time that does not
/// parse counts as old (nothing is judged current on data it cannot date).
pub fn older_than(t: &str, now: DateTime<Utc>, max: Duration) -> bool {
    clock::parse(t).is_none_or(|t| {
        now.signed_duration_since(t)
            .to_std()
            .is_ok_and(|age| age > max)
    })
}

/// Every recorded source with the time its data was last known current: the last check
/// when it succeeded ("ok", including "not modified"), else the last import.
pub fn feeds(conn: &Connection) -> Result<Vec<Feed>> {
    Ok(crate::catalog::store::source_ages(conn)?
        .into_iter()
        .map(|s| Feed {
            source: s.name,
            as_of: s.as_of,
            status: s.status,
        })
        .collect())
}

/// One line on the age of the data a view is built from, e.g.
/// `data: 3 hosts scanned 2 h ago to 3 d ago; catalogue: kev 1 h ago, osv:Debian 1 h ago`.
pub fn age_line(
    feeds: &[Feed],
    scans: impl Iterator<Item = Option<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> String {
    let (mut newest, mut oldest, mut scanned, mut never) = (None, None, 0usize, 0usize);
    for s in scans {
        match s {
            Some(t) => {
                scanned += 1;
                newest = newest.max(Some(t));
                oldest = Some(oldest.map_or(t, |o: DateTime<Utc>| o.min(t)));
            }
            None => never += 1,
        }
    }
    let mut line = String::from("data: ");
    match (newest, oldest) {
        (Some(n), Some(o)) if scanned == 1 || clock::ago(n, now) == clock::ago(o, now) => {
            line.push_str(&format!("{scanned} host(s) scanned {}", clock::ago(n, now)));
        }
        (Some(n), Some(o)) => line.push_str(&format!(
            "{scanned} hosts scanned {} to {}",
            clock::ago(n, now),
            clock::ago(o, now)
        )),
        _ => line.push_str("no host scanned"),
    }
    if never > 0 {
        line.push_str(&format!(", {never} never scanned"));
    }
    line.push_str("; catalogue: ");
    // (`feeds` names the MSRC catalogue once, as `msrc`.)
    let synced: Vec<String> = feeds
        .iter()
        .filter_map(|f| {
            let t = clock::parse(f.as_of.as_deref()?)?;
            Some(format!("{} {}", f.source, clock::ago(t, now)))
        })
        .collect();
    if synced.is_empty() {
        line.push_str("never synced");
    } else {
        line.push_str(&synced.join(", "));
    }
    line
}

/// The hosts a verdict is about, judged: the unit of every gate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Judged {
    pub host: String,
    pub unknown: Vec<Unknown>,
}

/// One line naming unknown hosts and why (at most `limit` named), or None.
pub fn unknown_summary(judged: &[Judged], now: DateTime<Utc>, limit: usize) -> Option<String> {
    let unknown: Vec<&Judged> = judged.iter().filter(|j| !j.unknown.is_empty()).collect();
    if unknown.is_empty() {
        return None;
    }
    let named = crate::output::first_few(
        unknown.iter().map(|j| {
            let why: Vec<String> = j.unknown.iter().map(|u| u.describe(now)).collect();
            format!("{} ({})", j.host, why.join("; "))
        }),
        limit,
    );
    Some(format!(
        "{} of {} host(s) unknown: {named}",
        unknown.len(),
        judged.len(),
    ))
}

/// Judges every host (all reasons, old knowledge included).
pub fn judge_hosts(
    conn: &Connection,
    knowledge: &mut Knowledge,
    hosts: &[crate::inventory::Host],
) -> Result<Vec<Judged>> {
    let mut out = Vec::with_capacity(hosts.len());
    for h in hosts {
        let unknown = knowledge.judge(
            conn,
            HostFacts {
                name: &h.name,
                group: h.group.as_deref(),
                ecosystem: h.ecosystem.as_deref(),
                last_scan: h.last_scan.as_deref(),
            },
        )?;
        out.push(Judged {
            host: h.name.clone(),
            unknown,
        });
    }
    Ok(out)
}

/// Before `cycle start` and `approve` freeze a patch set from the scans: refused (exit 1)
/// while a host's scan or catalogue is old or missing, unless `allow_stale`. A host
/// never scanned blocks nothing (it adds nothing to the patch set); the caller warns.
/// Returns what was accepted, for the audit log.
pub fn check_freeze(
    what: &str,
    judged: &[Judged],
    now: DateTime<Utc>,
    allow_stale: bool,
) -> Result<Vec<serde_json::Value>> {
    let blocking: Vec<Judged> = judged
        .iter()
        .filter(|j| !j.unknown.is_empty() && !j.unknown.iter().all(|u| *u == Unknown::NeverScanned))
        .cloned()
        .collect();
    if blocking.is_empty() {
        return Ok(Vec::new());
    }
    if !allow_stale {
        let line = unknown_summary(&blocking, now, 5).unwrap_or_default();
        return Err(crate::error::Failure::gate(format!(
            "{what} refused: it would freeze missing or old data: {line}"
        ))
        .hint("`patchcycle sync` and `patchcycle scan` first, or freeze it anyway with --allow-stale (audited)")
        .into());
    }
    Ok(blocking
        .iter()
        .map(|j| {
            serde_json::json!({
                "host": j.host,
                "unknown": j.unknown.iter().map(|u| u.describe(now)).collect::<Vec<_>>(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_line_names_range_and_feeds() {
        let now = clock::parse("2026-12-06T12:00:00Z").unwrap();
        let feeds = vec![
            Feed {
                source: "kev".into(),
                as_of: Some("2026-12-06T11:00:00Z".into()),
                status: crate::catalog::store::SourceStatus::Ok,
            },
            Feed {
                source: "osv:Debian".into(),
                as_of: None,
                status: crate::catalog::store::SourceStatus::Failed,
            },
        ];
        let scans = [
            clock::parse("2026-12-06T10:00:00Z"),
            clock::parse("2026-12-03T12:00:00Z"),
            None,
        ];
        assert_eq!(
            age_line(&feeds, scans.into_iter(), now),
            "data: 2 hosts scanned 2 h ago to 3 d ago, 1 never scanned; catalogue: kev 1 h ago"
        );
        assert_eq!(
            age_line(&[], std::iter::empty(), now),
            "data: no host scanned; catalogue: never synced"
        );
    }
}
