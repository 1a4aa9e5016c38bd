//! The data of a report, gathered once from the database; every format renders this.
//!
//! Definitions (also in README.md, "Report"):
//! - A *finding* is a package with an open advisory or a pending security update on a
//!   host's latest good scan. Findings hidden by an active exception are listed with
//!   `excepted: true` and count nowhere else.
//! - A host is *unknown* when patchcycle lacks the knowledge to judge it (never scanned,
//!   last good scan older than `max_scan_age`, no synced catalogue for its ecosystem, or
//!   one older than `max_feed_age`: see `crate::verdict`). An unknown host is never
//!   compliant; it is counted and listed with its reasons.
//! - A host is *compliant* when it is known and has no open finding at or above the
//!   threshold severity and no open KEV finding. Compliance is the share of compliant
//!   hosts among all hosts; with no host known it is unknown (`null`), never 100 %.
//! - A finding no synced advisory rates counts at the policy's `unrated_severity`.
//! - *first seen*: the finish time of the first scan of the unbroken run of good scans
//!   in which the host had a finding for the package. *Fixed seen*: the first good scan
//!   after that without it. MTTR is their mean difference, per cycle of the fix.
//! - *Due*: first seen plus the group policy's `sla_days` for the severity; for a KEV
//!   finding, the earlier of that and the end of CISA's dueDate. Past due = SLA breach.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::catalog::Severity;
use crate::clock;
use crate::cycle::approval;
use crate::cycle::deployment::{DeploymentState, HostState};
use crate::cycle::state as cycle;
use crate::inventory::reboot::Reboot;
use crate::inventory::{self, ScanStatus, policy::SlaDays};
use crate::scan::query::{self, Str};
use crate::verdict::{Knowledge, Policies, Unknown};

use super::figures::{pct, round1};

/// The `schema` value of the JSON form; bumped on incompatible changes.
pub const SCHEMA: &str = "patchcycle-report/2";

/// What the caller chooses.
#[derive(Debug, Clone)]
pub struct Options {
    pub cycle: Option<String>,
    /// Compliance threshold: an open finding at or above it makes a host non-compliant.
    pub threshold: Severity,
    /// Exceptions expiring within this many days are listed.
    pub expiring_days: u32,
    /// The policy of hosts without a group (SLA days, age limits, unrated severity).
    pub default_policy: crate::inventory::policy::Policy,
    /// Judge hosts on old scans and feeds (`--allow-stale`) instead of calling them unknown.
    pub allow_stale: bool,
    /// Cycles in the trend (`--trend-cycles`); 0: no trend is computed.
    pub trend_cycles: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: String,
    pub generated_at: String,
    pub generator: String,
    pub threshold: String,
    pub expiring_days: u32,
    /// Old scans and feeds were accepted (`--allow-stale`).
    pub allow_stale: bool,
    /// The catalogue sources and how current each is.
    pub feeds: Vec<FeedRow>,
    /// Why the CISA KEV catalogue cannot be trusted (never synced, or stale), if so.
    pub kev_feed_problem: Option<String>,
    pub cycle: Option<CycleInfo>,
    pub summary: Summary,
    pub compliance_by_group: Vec<Compliance>,
    pub compliance_by_os: Vec<Compliance>,
    pub findings_by_severity: SeverityCounts,
    pub epss: EpssBuckets,
    pub hosts: Vec<HostRow>,
    #[serde(serialize_with = "super::json::spliceable")]
    pub findings: Vec<FindingRow>,
    pub reboots: Vec<RebootRow>,
    pub mttr: Vec<MttrRow>,
    /// Findings opened (first seen) and closed (gone from a good scan) between the
    /// selected cycle's start and its close, or now while it runs.
    pub cycle_changes: Vec<ChangeRow>,
    /// Compliance, open findings, KEV and MTTR over the last cycles (see `super::trend`).
    pub trend: super::trend::Trend,
    pub approvals: Vec<ApprovalRow>,
    pub deployments: Vec<DeploymentRow>,
    pub exceptions_expiring: Vec<ExceptionRow>,
    pub stale_hosts: Vec<StaleRow>,
}

crate::db::stored::stored_state! {
    /// What happened to a finding in the cycle.
    Change {
        Opened = "opened",
        Closed = "closed",
    }
}

/// A finding opened or closed in the cycle: when (the finish time of the good scan that
/// first had it, or first no longer had it) and, for a closed one, how long it was open.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub change: Change,
    pub host: String,
    pub package: String,
    pub at: String,
    pub days_open: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CycleInfo {
    pub name: String,
    pub state: String,
    pub cutoff: String,
    pub patches: i64,
    pub started: String,
    pub closed: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    pub hosts: usize,
    pub scanned: usize,
    pub compliant: usize,
    /// Hosts patchcycle cannot judge (see `HostRow::unknown`).
    pub unknown: usize,
    /// Unknown hosts per reason (never-scanned, stale-scan, no-catalogue, …).
    pub unknown_by_reason: BTreeMap<String, usize>,
    /// compliant / hosts; None (`null`, `-`) when no host is known.
    pub compliance_pct: Option<f64>,
    pub open_findings: usize,
    pub excepted_findings: usize,
    pub kev_findings: usize,
    pub sla_breaches: usize,
    pub pending_reboots: usize,
    pub stale_hosts: usize,
    pub unreachable_hosts: usize,
    pub exceptions_expiring: usize,
    /// MTTR (days) of the findings fixed in the report's cycle.
    pub mttr_days: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Compliance {
    pub name: String,
    pub hosts: usize,
    pub scanned: usize,
    pub compliant: usize,
    pub unknown: usize,
    pub compliance_pct: Option<f64>,
}

/// A catalogue source and the time its data was last known current.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FeedRow {
    pub source: String,
    pub status: crate::catalog::store::SourceStatus,
    pub as_of: Option<String>,
    /// `as_of` for people: "3 h ago".
    pub age: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    /// Findings no synced advisory rates (a pending security update without an
    /// advisory, or an unrated advisory); each is also counted at its policy's
    /// `unrated_severity` above.
    pub unrated: usize,
    pub kev: usize,
}

/// Open findings by their highest EPSS probability.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct EpssBuckets {
    pub at_least_0_5: usize,
    pub at_least_0_1: usize,
    pub at_least_0_01: usize,
    pub below_0_01: usize,
    pub no_score: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct HostRow {
    pub name: String,
    pub group: Option<String>,
    pub os: Option<String>,
    pub ecosystem: Option<String>,
    pub last_scan: Option<String>,
    /// ok | failed | never: the newest scan attempt.
    pub scan_status: String,
    /// `last_scan` for people: "3 h ago".
    pub scan_age: Option<String>,
    /// compliant | non-compliant | unknown
    pub state: HostVerdict,
    /// Why the host is unknown (empty when it is known).
    pub unknown: Vec<crate::verdict::Unknown>,
    pub compliant: bool,
    /// The counts are `None` (JSON `null`, `-`) for a host without a good scan: nothing
    /// is known about its findings, which is not the same as knowing it has none.
    pub open_findings: Option<usize>,
    pub critical: Option<usize>,
    pub high: Option<usize>,
    pub medium: Option<usize>,
    pub low: Option<usize>,
    pub kev: Option<usize>,
    pub sla_breaches: Option<usize>,
    pub reboot_pending: bool,
    pub kernel_running: Option<String>,
    pub kernel_latest: Option<String>,
    pub stale: bool,
    pub unreachable: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct FindingRow {
    pub host: Str,
    pub group: Option<Str>,
    pub package: Str,
    pub source_name: Str,
    pub installed: Str,
    pub fixed: Option<Str>,
    pub candidate: Option<Str>,
    pub severity: Option<Severity>,
    /// No synced advisory rates it: `severity` is the policy's `unrated_severity`.
    pub unrated: bool,
    pub kev: bool,
    pub epss: Option<f64>,
    pub advisories: Vec<Str>,
    pub cves: Vec<Str>,
    pub first_seen: Str,
    pub age_days: i64,
    pub sla_days: Option<u32>,
    /// CISA's dueDate (YYYY-MM-DD), the earliest of the finding's KEV CVEs.
    pub kev_due: Option<Str>,
    pub due: Option<Str>,
    pub sla_breached: bool,
    pub days_overdue: Option<i64>,
    pub excepted: bool,
    pub excepted_by: Vec<i64>,
    /// Fixed on disk, but these units, services or processes still run the old code: the
    /// finding is open until they restart (absent for every other finding).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restart_pending: Vec<Str>,
}

impl FindingRow {
    /// Critical 4, high 3, medium 2, low 1, none 0.
    pub fn severity_rank(&self) -> u8 {
        self.severity.map_or(0, |s| s as u8)
    }

    pub fn risk(&self) -> crate::catalog::Risk<'_> {
        crate::catalog::Risk {
            kev: self.kev,
            severity: self.severity.map(Severity::as_str),
            epss: self.epss,
        }
    }

    /// At or above `level` (unrated findings are below every level).
    pub fn at_least(&self, level: Severity) -> bool {
        self.severity.is_some_and(|s| s >= level)
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct RebootRow {
    pub host: String,
    pub group: Option<String>,
    /// `/var/run/reboot-required` was present.
    pub reboot_required: bool,
    pub kernel_running: Option<String>,
    pub kernel_latest: Option<String>,
    /// A newer kernel is installed than the one running.
    pub kernel_update: bool,
    /// Why a Windows host's reboot is pending: `cbs` (Component Based Servicing), `wu`
    /// (Windows Update's RebootRequired), `file-rename` (PendingFileRenameOperations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct MttrRow {
    /// The cycle during which the fixes were seen (None: before the first cycle).
    pub cycle: Option<String>,
    pub fixed: usize,
    pub mean_days: f64,
    pub median_days: f64,
    pub max_days: f64,
}

/// A decision of the cycle, as its owner records it.
pub type ApprovalRow = crate::cycle::approval::Recorded;

#[derive(Debug, Clone, Serialize, Default)]
pub struct DeploymentRow {
    pub id: i64,
    pub group: String,
    pub kind: String,
    /// Follows the hosts once a rollback put some back (`partly-rolled-back`).
    pub state: DeploymentState,
    pub actor: String,
    /// The change reference of the group's approval in the cycle.
    pub change_ref: Option<String>,
    /// An emergency approval, or `--now --reason` outside the window.
    pub emergency: bool,
    pub override_reason: Option<String>,
    pub started: String,
    pub finished: Option<String>,
    pub hosts: usize,
    pub hosts_done: usize,
    pub hosts_failed: usize,
    pub hosts_rolled_back: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ExceptionRow {
    pub id: i64,
    pub advisory: Option<String>,
    pub package: Option<String>,
    pub host: Option<String>,
    pub group: Option<String>,
    pub reason: String,
    pub actor: String,
    pub expires: String,
    pub days_left: i64,
}

/// Why a host is listed among the stale ones: its data is missing, old or unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum StaleState {
    #[default]
    NeverScanned,
    /// The newest scan attempt failed.
    Unreachable,
    /// No good scan within max_scan_age.
    Stale,
    /// A catalogue its ecosystem needs is missing or old.
    NoCurrentCatalogue,
}

impl StaleState {
    /// The spelling of every format (JSON, tables, CSV).
    pub fn as_str(self) -> &'static str {
        match self {
            StaleState::NeverScanned => "never-scanned",
            StaleState::Unreachable => "unreachable",
            StaleState::Stale => "stale",
            StaleState::NoCurrentCatalogue => "no-current-catalogue",
        }
    }
}

impl std::fmt::Display for StaleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct StaleRow {
    pub host: String,
    pub group: Option<String>,
    pub state: StaleState,
    /// Every reason the host's data is missing or old, for people.
    pub reasons: Vec<String>,
    /// Judged anyway: only old data, accepted with `--allow-stale`, or a failed newest
    /// scan with a good one recent enough.
    pub accepted: bool,
    pub last_scan: Option<String>,
    pub days_since_scan: Option<i64>,
    pub error: Option<String>,
}

/// A host's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HostVerdict {
    Compliant,
    NonCompliant,
    #[default]
    Unknown,
}

impl HostVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            HostVerdict::Compliant => "compliant",
            HostVerdict::NonCompliant => "non-compliant",
            HostVerdict::Unknown => "unknown",
        }
    }
}

/// A host as the report needs it.
#[derive(Default)]
struct HostFacts {
    id: i64,
    name: String,
    group: Option<String>,
    os: Option<String>,
    ecosystem: Option<String>,
    kernel_running: Option<String>,
    kernel_latest: Option<String>,
    reboot_required: bool,
    last_scan: Option<String>,
    /// The newest scan attempt's outcome; None: never scanned.
    scan_status: Option<ScanStatus>,
    scan_error: Option<String>,
    /// Why a Windows host's reboot is pending (`cbs`, `wu`, `file-rename`), from its
    /// latest good scan; empty for every other host.
    windows_reboot: Vec<String>,
}

/// The OS a Windows host is reported under: its MSRC product by Microsoft's naming rules
/// ("Windows Server 2022", "Windows 11 Version 23H2 for x64-based Systems"), so hosts of
/// one product are counted together whatever their edition; without one, the product
/// name it reported, marked unknown.
fn windows_os(w: &crate::family::WindowsFacts) -> String {
    match crate::family::windows::matching::product_rule(w) {
        Ok(rule) => rule.to_string(),
        Err(_) => format!(
            "Windows (unknown product: {})",
            crate::text::one_line(&w.product_name)
        ),
    }
}

fn hosts(conn: &Connection) -> Result<Vec<HostFacts>> {
    // The newest attempt per host, in one pass (not a subquery per host).
    let mut latest: HashMap<i64, (ScanStatus, Option<String>)> = HashMap::default();
    let mut stmt = conn.prepare(
        "SELECT s.host_id, s.status, s.error FROM scans s \
         WHERE s.id IN (SELECT max(id) FROM scans GROUP BY host_id)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    for row in rows {
        let (id, status, error): (i64, ScanStatus, Option<String>) = row?;
        latest.insert(id, (status, error));
    }
    let mut stmt = conn.prepare(
        "SELECT h.id, h.name, g.name, h.os_id, h.os_version, h.ecosystem, h.kernel_running, \
                h.kernel_latest, h.reboot_required, h.last_scan \
         FROM hosts h LEFT JOIN groups g ON g.id = h.group_id ORDER BY h.name",
    )?;
    let rows = stmt.query_map([], |r| {
        let os_id: Option<String> = r.get(3)?;
        let os_version: Option<String> = r.get(4)?;
        let os = match (os_id, os_version) {
            (Some(i), Some(v)) => Some(format!("{i} {v}")),
            (Some(i), None) => Some(i),
            _ => None,
        };
        Ok(HostFacts {
            id: r.get(0)?,
            name: r.get(1)?,
            group: r.get(2)?,
            os,
            ecosystem: r.get(5)?,
            kernel_running: r.get(6)?,
            kernel_latest: r.get(7)?,
            reboot_required: r.get::<_, Option<bool>>(8)?.unwrap_or(false),
            last_scan: r.get(9)?,
            scan_status: None,
            scan_error: None,
            windows_reboot: Vec::new(),
        })
    })?;
    // Windows hosts' facts, from each host's latest good scan, in one pass.
    let mut windows: HashMap<i64, crate::family::WindowsFacts> = HashMap::default();
    let mut stmt = conn.prepare(
        "SELECT s.host_id, s.windows FROM scans s WHERE s.windows IS NOT NULL \
         AND s.id IN (SELECT max(id) FROM scans WHERE status = 'ok' GROUP BY host_id)",
    )?;
    let rows_w = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows_w {
        let (id, text) = row?;
        // Facts that do not read back leave the host as the scan columns say; the
        // verdict calls it unknown (crate::verdict).
        if let Ok(w) = serde_json::from_str(&text) {
            windows.insert(id, w);
        }
    }
    let mut out = Vec::new();
    for row in rows {
        let mut h = row?;
        if let Some((status, error)) = latest.remove(&h.id) {
            h.scan_status = Some(status);
            h.scan_error = error;
        }
        if let Some(w) = windows.remove(&h.id) {
            h.os = Some(windows_os(&w));
            h.reboot_required |= !w.reboot_pending.is_empty();
            h.windows_reboot = w.reboot_pending;
        }
        out.push(h);
    }
    out.sort_by(|a: &HostFacts, b: &HostFacts| inventory::natural_cmp(&a.name, &b.name));
    Ok(out)
}

/// Scan history, read once: package names interned, times as Unix seconds.
struct History {
    /// Package name -> id.
    packages: HashMap<String, u32>,
    /// (host id, package id) -> first seen (Unix seconds) of each current finding.
    first_seen: HashMap<(i64, u32), i64>,
    /// Fixes seen: (when, days open).
    fixes: Vec<(i64, f64)>,
    /// The window whose openings and closings are kept (Unix seconds, inclusive).
    window: Option<(i64, i64)>,
    /// Findings opened and closed in the window: (host id, package id, when, days open
    /// for a closed one).
    changes: Vec<(i64, u32, i64, Option<f64>)>,
}

impl History {
    fn first_seen(&self, host: i64, package: &str) -> Option<i64> {
        let p = self.packages.get(package)?;
        self.first_seen.get(&(host, *p)).copied()
    }
}

fn seconds(stamp: &str) -> Option<i64> {
    clock::parse(stamp).map(|t| t.timestamp())
}

/// Walks every good scan in order: the first-seen time of each current finding, every
/// fix seen (fixed time, days open), and the findings opened and closed in `window`.
fn history(conn: &Connection, window: Option<(i64, i64)>) -> Result<History> {
    let mut stmt = conn.prepare(
        "SELECT s.host_id, s.id, s.finished, f.package FROM scans s \
         LEFT JOIN findings f ON f.scan_id = s.findings_of WHERE s.status = 'ok' ORDER BY s.host_id, s.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut h = History {
        packages: HashMap::default(),
        first_seen: HashMap::default(),
        fixes: Vec::new(),
        window,
        changes: Vec::new(),
    };
    // The host and scan being read (id, finished), its packages, and the open findings
    // of the host (package -> since).
    let mut host: Option<i64> = None;
    let mut scan: Option<(i64, i64)> = None;
    let mut in_scan: Vec<u32> = Vec::new();
    let mut open: HashMap<u32, i64> = HashMap::default();

    fn close_scan(
        host: i64,
        finished: i64,
        in_scan: &mut Vec<u32>,
        open: &mut HashMap<u32, i64>,
        h: &mut History,
    ) {
        let in_window = h
            .window
            .is_some_and(|(from, to)| (from..=to).contains(&finished));
        in_scan.sort_unstable();
        open.retain(|pkg, since| {
            if in_scan.binary_search(pkg).is_ok() {
                return true;
            }
            let days = ((finished - *since) as f64 / 86_400.0).max(0.0);
            h.fixes.push((finished, days));
            if in_window {
                h.changes.push((host, *pkg, finished, Some(days)));
            }
            false
        });
        for p in in_scan.drain(..) {
            if let std::collections::hash_map::Entry::Vacant(v) = open.entry(p) {
                v.insert(finished);
                if in_window {
                    h.changes.push((host, p, finished, None));
                }
            }
        }
    }

    while let Some(r) = rows.next()? {
        let host_id: i64 = r.get(0)?;
        let scan_id: i64 = r.get(1)?;
        if scan.is_none_or(|s| s.0 != scan_id) {
            if let (Some(s), Some(prev)) = (scan, host) {
                close_scan(prev, s.1, &mut in_scan, &mut open, &mut h);
            }
            if host != Some(host_id) {
                if let Some(prev) = host {
                    for (p, since) in open.drain() {
                        h.first_seen.insert((prev, p), since);
                    }
                }
                host = Some(host_id);
            }
            let finished = r.get_ref(2)?.as_str().ok().and_then(seconds).unwrap_or(0);
            scan = Some((scan_id, finished));
        }
        if let Ok(p) = r.get_ref(3)?.as_str() {
            let next = h.packages.len() as u32;
            let id = match h.packages.get(p) {
                Some(id) => *id,
                None => {
                    h.packages.insert(p.to_string(), next);
                    next
                }
            };
            in_scan.push(id);
        }
    }
    if let (Some(s), Some(prev)) = (scan, host) {
        close_scan(prev, s.1, &mut in_scan, &mut open, &mut h);
    }
    if let Some(prev) = host {
        for (p, since) in open.drain() {
            h.first_seen.insert((prev, p), since);
        }
    }
    Ok(h)
}

/// The findings opened and closed in the window [`history`] kept: opened first, each
/// kind in time order, then by host and package.
fn cycle_changes(history: &History, host_names: &HashMap<i64, String>) -> Vec<ChangeRow> {
    let names: HashMap<u32, &str> = history
        .packages
        .iter()
        .map(|(name, id)| (*id, name.as_str()))
        .collect();
    let mut rows: Vec<(i64, ChangeRow)> = history
        .changes
        .iter()
        .filter_map(|(host, pkg, at, days)| {
            let when = chrono::DateTime::from_timestamp(*at, 0)?;
            Some((
                *at,
                ChangeRow {
                    change: if days.is_some() {
                        Change::Closed
                    } else {
                        Change::Opened
                    },
                    host: host_names.get(host)?.clone(),
                    package: (*names.get(pkg)?).to_string(),
                    at: clock::stamp(when),
                    days_open: days.map(|d| (d * 10.0).round() / 10.0),
                },
            ))
        })
        .collect();
    rows.sort_by(|(t1, a), (t2, b)| {
        (a.change == Change::Closed)
            .cmp(&(b.change == Change::Closed))
            .then(t1.cmp(t2))
            .then_with(|| inventory::natural_cmp(&a.host, &b.host))
            .then_with(|| a.package.cmp(&b.package))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

fn kev_due_dates(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT cve, due_date FROM kev WHERE due_date IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn sla_for(sla: &SlaDays, severity: Option<Severity>) -> Option<u32> {
    match severity? {
        Severity::Critical => Some(sla.critical),
        Severity::High => Some(sla.high),
        Severity::Medium => Some(sla.medium),
        Severity::Low => Some(sla.low),
        Severity::None => None,
    }
}

fn mttr_row(cycle: Option<String>, mut days: Vec<f64>) -> MttrRow {
    days.sort_by(f64::total_cmp);
    let n = days.len();
    let mean = days.iter().sum::<f64>() / n.max(1) as f64;
    let median = match n {
        0 => 0.0,
        _ if n % 2 == 1 => days[n / 2],
        _ => (days[n / 2 - 1] + days[n / 2]) / 2.0,
    };
    MttrRow {
        cycle,
        fixed: n,
        mean_days: round1(mean),
        median_days: round1(median),
        max_days: round1(days.last().copied().unwrap_or(0.0)),
    }
}

/// Current findings as report rows, in host order, and beside each its host id and scan
/// time (Unix seconds): what depends on the scan history is filled in later.
type Current = (Vec<FindingRow>, Vec<(i64, Option<i64>)>);

fn current_findings(
    conn: &Connection,
    now: &str,
    hosts: query::Hosts<'_>,
    policies: &Policies,
) -> Result<Current> {
    let mut findings = Vec::new();
    let mut ids = Vec::new();
    query::each_current(conn, now, hosts, policies, |r| {
        ids.push((r.host_id, seconds(&r.scanned_at)));
        findings.push(FindingRow {
            host: r.host,
            group: r.group,
            package: r.package,
            source_name: r.source_name,
            installed: r.installed,
            fixed: r.fixed,
            candidate: r.candidate,
            // Read typed from the database by the findings query, which hands text to
            // its CLI callers for now: every word here parses.
            severity: r.severity.as_deref().and_then(Severity::parse),
            unrated: r.unrated,
            kev: r.kev,
            epss: r.epss,
            advisories: r.advisories,
            cves: r.cves,
            excepted: r.excepted,
            excepted_by: r.excepted_by,
            restart_pending: r.restart_pending,
            ..FindingRow::default()
        });
        Ok(())
    })?;
    Ok((findings, ids))
}

/// Moves each host's run of findings (rows come grouped by host, in SQL's byte order of
/// names) to its host's place in natural order (h2 before h10; `hosts` is in that order),
/// keeping each run as it is. In place: no second copy of 100,000 rows, and nothing to
/// do when both orders agree (zero-padded names).
fn hosts_in_natural_order(findings: &mut [FindingRow], hosts: &[HostFacts]) {
    let rank: HashMap<&str, usize> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (h.name.as_str(), i))
        .collect();
    // (rank, start, length) of each host's run.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut start = 0;
    for chunk in findings.chunk_by(|a, b| a.host == b.host) {
        let host = chunk.first().map_or("", |f| f.host.as_str());
        let r = rank.get(host).copied().unwrap_or(usize::MAX);
        runs.push((r, start, chunk.len()));
        start += chunk.len();
    }
    if runs.is_sorted_by_key(|r| r.0) {
        return;
    }
    runs.sort_by_key(|r| r.0);
    // Where each row goes, then the permutation applied by swaps.
    let mut dest = vec![0usize; findings.len()];
    let mut next = 0;
    for (_, start, len) in runs {
        for d in &mut dest[start..start + len] {
            *d = next;
            next += 1;
        }
    }
    for i in 0..findings.len() {
        while dest[i] != i {
            let j = dest[i];
            findings.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// Gathers the report.
pub fn build(conn: &Connection, opts: &Options, now: DateTime<Utc>) -> Result<Report> {
    // Any sort SQLite still needs stays in memory.
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    let now_stamp = clock::stamp(now);
    let cycles = cycle::list(conn)?;
    let selected: Option<(i64, cycle::Cycle)> = match &opts.cycle {
        Some(name) => Some(cycle::find(conn, Some(name))?),
        None => match cycle::find(conn, None) {
            Ok(c) => Some(c),
            Err(_) => cycle::newest(conn).ok(),
        },
    };

    // Policies: SLA days per group.
    let sla_of_group: HashMap<String, SlaDays> = inventory::list_groups(conn)?
        .into_iter()
        .map(|g| (g.name, g.policy.sla_days))
        .collect();
    let hosts = hosts(conn)?;
    // The selected cycle's window for the findings opened and closed in it.
    let window = selected.as_ref().and_then(|(_, c)| {
        let from = seconds(&c.created_at)?;
        let to = match c.closed_at.as_deref() {
            Some(closed) => seconds(closed)?,
            None => now.timestamp(),
        };
        Some((from, to))
    });
    let mut knowledge = Knowledge::load(conn, &opts.default_policy, now, opts.allow_stale)?;
    let policies = &knowledge.policies;
    // The scan-history walk and the current findings are the big reads. On a file
    // database they run at once on read-only connections of their own: the history,
    // and the second half of the fleet's findings (by host name) beside the first. A
    // scan that commits in between can only leave a finding without its history, which
    // then counts from its own scan.
    let path = conn.path().filter(|p| !p.is_empty()).map(str::to_string);
    let middle = match &path {
        Some(_) => query::middle_host(conn)?,
        None => None,
    };
    let open = |p: &str| -> Result<Connection> {
        let c = Connection::open_with_flags(
            p,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(crate::db::BUSY_TIMEOUT)?;
        Ok(c)
    };
    let stamp_now = now_stamp.as_str();
    let (history, findings) = std::thread::scope(|s| {
        let beside = path
            .as_deref()
            .map(|p| s.spawn(move || history(&open(p)?, window)));
        let second = match (path.as_deref(), middle.as_deref()) {
            (Some(p), Some(m)) => Some(s.spawn(move || {
                current_findings(&open(p)?, stamp_now, query::Hosts::From(m), policies)
            })),
            _ => None,
        };
        let first = match middle.as_deref() {
            Some(m) => current_findings(conn, stamp_now, query::Hosts::Before(m), policies),
            None => current_findings(conn, stamp_now, query::Hosts::All, policies),
        };
        fn joined<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("a report reader panicked")))
        }
        let findings = match second {
            Some(h) => first.and_then(|(mut f, mut ids)| {
                let (f2, ids2) = joined(h)?;
                f.extend(f2);
                ids.extend(ids2);
                Ok((f, ids))
            }),
            None => first,
        };
        let history = match beside {
            Some(h) => joined(h),
            None => history(conn, window),
        };
        (history, findings)
    });
    let (history, (mut findings, ids)) = (history?, findings?);
    let kev_due = kev_due_dates(conn)?;

    // What depends on when a finding was first seen: age, SLA, due date.
    let mut stamps: HashMap<i64, Str> = HashMap::default();
    let mut stamp_of = |t: DateTime<Utc>| -> Str {
        stamps
            .entry(t.timestamp())
            .or_insert_with(|| clock::stamp(t).into())
            .clone()
    };
    for (f, (host_id, scanned)) in findings.iter_mut().zip(ids) {
        let first_t = history
            .first_seen(host_id, &f.package)
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .or_else(|| scanned.and_then(|t| DateTime::from_timestamp(t, 0)))
            .unwrap_or(now);
        let sla = f
            .group
            .as_ref()
            .and_then(|g| sla_of_group.get(g.as_str()))
            .unwrap_or(&opts.default_policy.sla_days);
        let sla_days = sla_for(sla, f.severity);
        let kev_due_date: Option<Str> = if f.kev {
            f.cves
                .iter()
                .filter_map(|c| kev_due.get(c.as_str()))
                .min()
                .map(Str::from)
        } else {
            None
        };
        // Checked: sla_days from a database older than its bounds may put the deadline
        // past the calendar's end, which is no deadline (never breached), not a panic.
        let sla_deadline =
            sla_days.and_then(|d| first_t.checked_add_signed(Duration::days(i64::from(d))));
        // CISA's dueDate is a day: due by its end.
        let kev_deadline = kev_due_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc());
        let due = match (sla_deadline, kev_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let breached = due.is_some_and(|d| now > d);
        f.age_days = (now - first_t).num_days();
        f.first_seen = stamp_of(first_t);
        f.sla_days = sla_days;
        f.kev_due = kev_due_date;
        f.due = due.map(&mut stamp_of);
        f.sla_breached = breached;
        f.days_overdue = due.filter(|_| breached).map(|d| (now - d).num_days());
    }
    // Rows come ordered by host: order each host's findings worst first (KEV, severity,
    // EPSS, then package) without comparing host names again.
    let within = |a: &FindingRow, b: &FindingRow| {
        a.risk()
            .worst_first(&b.risk())
            .then(a.package.cmp(&b.package))
    };
    if findings.is_sorted_by(|a, b| a.host <= b.host) {
        for chunk in findings.chunk_by_mut(|a, b| a.host == b.host) {
            chunk.sort_by(within);
        }
        hosts_in_natural_order(&mut findings, &hosts);
    } else {
        findings
            .sort_by(|a, b| inventory::natural_cmp(&a.host, &b.host).then_with(|| within(a, b)));
    }
    // Per host.
    /// A host's open findings, counted.
    #[derive(Default)]
    struct Tally {
        open: usize,
        critical: usize,
        high: usize,
        medium: usize,
        low: usize,
        kev: usize,
        sla_breaches: usize,
        /// An open finding at or above the threshold, or a KEV one.
        blocking: bool,
    }
    let mut per_host: HashMap<&str, Tally> = HashMap::default();
    for f in findings.iter().filter(|f| !f.excepted) {
        let h = per_host.entry(f.host.as_str()).or_default();
        h.open += 1;
        match f.severity {
            Some(Severity::Critical) => h.critical += 1,
            Some(Severity::High) => h.high += 1,
            Some(Severity::Medium) => h.medium += 1,
            Some(Severity::Low) => h.low += 1,
            Some(Severity::None) | None => {}
        }
        h.kev += usize::from(f.kev);
        h.sla_breaches += usize::from(f.sla_breached);
        h.blocking |= f.kev || f.at_least(opts.threshold);
    }
    let mut host_rows = Vec::with_capacity(hosts.len());
    let mut reboots = Vec::new();
    let mut stale_hosts = Vec::new();
    for h in &hosts {
        let tally = per_host.remove(h.name.as_str()).unwrap_or_default();
        let scanned = h.last_scan.is_some();
        let known = |n: usize| scanned.then_some(n);
        let blocking = tally.blocking;
        let reboot = Reboot::of(
            Some(h.reboot_required),
            h.kernel_running.as_deref(),
            h.kernel_latest.as_deref(),
        );
        let kernel_update = reboot.kernel.is_some();
        let last = h.last_scan.as_deref().and_then(clock::parse);
        let why = knowledge.judge(
            conn,
            crate::verdict::HostFacts {
                name: &h.name,
                group: h.group.as_deref(),
                ecosystem: h.ecosystem.as_deref(),
                last_scan: h.last_scan.as_deref(),
            },
        )?;
        let stale = why
            .iter()
            .any(|u| matches!(u, Unknown::NeverScanned | Unknown::StaleScan { .. }));
        let reasons: Vec<String> = why.iter().map(|u| u.describe(now)).collect();
        let catalogue_problem = why.iter().any(|u| {
            matches!(
                u,
                Unknown::NoCatalogue { .. }
                    | Unknown::StaleCatalogue { .. }
                    | Unknown::NoProduct { .. }
            )
        });
        let unknown = knowledge.effective(why);
        let unreachable = h.scan_status == Some(ScanStatus::Failed);
        let state = if !unknown.is_empty() {
            HostVerdict::Unknown
        } else if blocking {
            HostVerdict::NonCompliant
        } else {
            HostVerdict::Compliant
        };
        let row = HostRow {
            name: h.name.clone(),
            group: h.group.clone(),
            os: h.os.clone(),
            ecosystem: h.ecosystem.clone(),
            last_scan: h.last_scan.clone(),
            scan_status: h.scan_status.map_or("never", ScanStatus::as_str).into(),
            scan_age: last.map(|t| clock::ago(t, now)),
            state,
            unknown,
            compliant: state == HostVerdict::Compliant,
            reboot_pending: scanned && reboot.needed() == Some(true),
            kernel_running: h.kernel_running.clone(),
            kernel_latest: h.kernel_latest.clone(),
            stale,
            unreachable,
            open_findings: known(tally.open),
            critical: known(tally.critical),
            high: known(tally.high),
            medium: known(tally.medium),
            low: known(tally.low),
            kev: known(tally.kev),
            sla_breaches: known(tally.sla_breaches),
        };
        if row.reboot_pending {
            reboots.push(RebootRow {
                host: h.name.clone(),
                group: h.group.clone(),
                reboot_required: h.reboot_required,
                kernel_running: h.kernel_running.clone(),
                kernel_latest: h.kernel_latest.clone(),
                kernel_update,
                windows: h.windows_reboot.clone(),
            });
        }
        if stale || unreachable || catalogue_problem {
            stale_hosts.push(StaleRow {
                host: h.name.clone(),
                group: h.group.clone(),
                state: if !scanned {
                    StaleState::NeverScanned
                } else if unreachable {
                    StaleState::Unreachable
                } else if stale {
                    StaleState::Stale
                } else {
                    StaleState::NoCurrentCatalogue
                },
                reasons,
                accepted: state != HostVerdict::Unknown,
                last_scan: h.last_scan.clone(),
                days_since_scan: last.map(|t| (now - t).num_days()),
                error: h.scan_error.clone().filter(|_| unreachable),
            });
        }
        host_rows.push(row);
    }

    // Compliance per group and OS.
    let compliance = |key: &dyn Fn(&HostRow) -> String| {
        let mut by: BTreeMap<String, Compliance> = BTreeMap::new();
        for h in &host_rows {
            let c = by.entry(key(h)).or_default();
            c.hosts += 1;
            c.scanned += usize::from(h.last_scan.is_some());
            c.compliant += usize::from(h.compliant);
            c.unknown += usize::from(h.state == HostVerdict::Unknown);
        }
        by.into_iter()
            .map(|(name, mut c)| {
                c.name = name;
                c.compliance_pct = pct(c.compliant, c.hosts, c.hosts - c.unknown);
                c
            })
            .collect::<Vec<_>>()
    };
    let compliance_by_group =
        compliance(&|h| h.group.clone().unwrap_or_else(|| "(no group)".into()));
    let compliance_by_os = compliance(&|h| h.os.clone().unwrap_or_else(|| "(unknown)".into()));

    let mut by_sev = SeverityCounts::default();
    let mut epss = EpssBuckets::default();
    for f in findings.iter().filter(|f| !f.excepted) {
        match f.severity {
            Some(Severity::Critical) => by_sev.critical += 1,
            Some(Severity::High) => by_sev.high += 1,
            Some(Severity::Medium) => by_sev.medium += 1,
            Some(Severity::Low) => by_sev.low += 1,
            Some(Severity::None) | None => {}
        }
        by_sev.unrated += usize::from(f.unrated);
        by_sev.kev += usize::from(f.kev);
        match f.epss {
            Some(e) if e >= 0.5 => epss.at_least_0_5 += 1,
            Some(e) if e >= 0.1 => epss.at_least_0_1 += 1,
            Some(e) if e >= 0.01 => epss.at_least_0_01 += 1,
            Some(_) => epss.below_0_01 += 1,
            None => epss.no_score += 1,
        }
    }

    // MTTR: each fix belongs to the cycle running when it was seen.
    let starts: Vec<(i64, String)> = cycles
        .iter()
        .filter_map(|c| seconds(&c.created_at).map(|t| (t, c.name.clone())))
        .collect();
    let mut per_cycle: BTreeMap<Option<String>, Vec<f64>> = BTreeMap::new();
    for (at, days) in &history.fixes {
        let c = starts
            .iter()
            .rev()
            .find(|(start, _)| start <= at)
            .map(|(_, n)| n.clone());
        per_cycle.entry(c).or_default().push(*days);
    }
    let order: HashMap<&str, usize> = cycles
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut mttr: Vec<MttrRow> = per_cycle.into_iter().map(|(c, d)| mttr_row(c, d)).collect();
    mttr.sort_by_key(|m| {
        m.cycle
            .as_deref()
            .map_or(0, |c| order.get(c).map_or(0, |i| i + 1))
    });

    let host_names: HashMap<i64, String> = hosts.iter().map(|h| (h.id, h.name.clone())).collect();
    let cycle_changes = cycle_changes(&history, &host_names);
    let trend = match opts.trend_cycles {
        0 => super::trend::Trend::default(),
        n => super::trend::build(
            conn,
            &cycles,
            selected.as_ref().map(|(_, c)| c.name.as_str()),
            n,
            |name| {
                mttr.iter()
                    .find(|m| m.cycle.as_deref() == Some(name))
                    .map(|m| (m.mean_days, m.fixed))
            },
            &super::trend::Inputs {
                default_policy: &opts.default_policy,
                threshold: opts.threshold,
                allow_stale: opts.allow_stale,
                now,
            },
        )?,
    };

    let (approvals, deployments) = match &selected {
        Some((id, _)) => (approval::of_cycle(conn, *id)?, deployments(conn, *id)?),
        None => (Vec::new(), Vec::new()),
    };

    let horizon = clock::stamp(now + Duration::days(i64::from(opts.expiring_days)));
    let exceptions_expiring: Vec<ExceptionRow> = query::exceptions(conn, &now_stamp)?
        .into_iter()
        .filter(|e| e.state == "active" && e.expires <= horizon)
        .map(|e| ExceptionRow {
            days_left: clock::parse(&e.expires).map_or(0, |t| (t - now).num_days()),
            id: e.id,
            advisory: e.advisory,
            package: e.package,
            host: e.host,
            group: e.group,
            reason: e.reason,
            actor: e.actor,
            expires: e.expires,
        })
        .collect();

    let open = findings.iter().filter(|f| !f.excepted);
    let scanned = host_rows.iter().filter(|h| h.last_scan.is_some()).count();
    let compliant = host_rows.iter().filter(|h| h.compliant).count();
    let unknown = host_rows
        .iter()
        .filter(|h| h.state == HostVerdict::Unknown)
        .count();
    let mut unknown_by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for h in &host_rows {
        for u in &h.unknown {
            *unknown_by_reason.entry(u.kind().to_string()).or_default() += 1;
        }
    }
    let cycle_name = selected.as_ref().map(|(_, c)| c.name.clone());
    let summary = Summary {
        hosts: host_rows.len(),
        scanned,
        compliant,
        unknown,
        unknown_by_reason,
        compliance_pct: pct(compliant, host_rows.len(), host_rows.len() - unknown),
        open_findings: open.clone().count(),
        excepted_findings: findings.iter().filter(|f| f.excepted).count(),
        kev_findings: open.clone().filter(|f| f.kev).count(),
        sla_breaches: open.filter(|f| f.sla_breached).count(),
        pending_reboots: reboots.len(),
        stale_hosts: stale_hosts
            .iter()
            .filter(|s| s.state != StaleState::Unreachable)
            .count(),
        unreachable_hosts: stale_hosts
            .iter()
            .filter(|s| s.state == StaleState::Unreachable)
            .count(),
        exceptions_expiring: exceptions_expiring.len(),
        mttr_days: mttr
            .iter()
            .find(|m| m.cycle.is_some() && m.cycle == cycle_name)
            .map(|m| m.mean_days),
    };
    Ok(Report {
        schema: SCHEMA.into(),
        generated_at: now_stamp,
        generator: format!("patchcycle {}", env!("CARGO_PKG_VERSION")),
        threshold: opts.threshold.as_str().into(),
        expiring_days: opts.expiring_days,
        allow_stale: opts.allow_stale,
        kev_feed_problem: knowledge.kev_problem(),
        feeds: knowledge
            .feeds
            .iter()
            .map(|f| FeedRow {
                source: f.source.clone(),
                status: f.status,
                age: f
                    .as_of
                    .as_deref()
                    .and_then(clock::parse)
                    .map(|t| clock::ago(t, now)),
                as_of: f.as_of.clone(),
            })
            .collect(),
        cycle: selected.map(|(_, c)| CycleInfo {
            name: c.name,
            state: c.state,
            cutoff: c.cutoff,
            patches: c.patches,
            started: c.created_at,
            closed: c.closed_at,
        }),
        summary,
        compliance_by_group,
        compliance_by_os,
        findings_by_severity: by_sev,
        epss,
        hosts: host_rows,
        findings,
        reboots,
        mttr,
        cycle_changes,
        trend,
        approvals,
        deployments,
        exceptions_expiring,
        stale_hosts,
    })
}

fn deployments(conn: &Connection, cycle_id: i64) -> Result<Vec<DeploymentRow>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, g.name, d.kind, d.state, d.actor, d.override, d.started, d.finished, d.error, \
                count(dh.host_id), \
                coalesce(sum(dh.state = ?2), 0), \
                coalesce(sum(dh.state IN (?3, ?4)), 0), \
                coalesce(sum(dh.state = ?5), 0), \
                d.group_id \
         FROM deployments d JOIN groups g ON g.id = d.group_id \
         LEFT JOIN deployment_hosts dh ON dh.deployment_id = d.id \
         WHERE d.cycle_id = ?1 GROUP BY d.id ORDER BY d.id",
    )?;
    let rows = stmt.query_map(
        params![
            cycle_id,
            HostState::Done,
            HostState::Failed,
            HostState::RollbackFailed,
            HostState::RolledBack
        ],
        |r| {
            Ok((
                DeploymentRow {
                    id: r.get(0)?,
                    group: r.get(1)?,
                    kind: r.get(2)?,
                    state: r.get(3)?,
                    actor: r.get(4)?,
                    override_reason: r.get(5)?,
                    started: r.get(6)?,
                    finished: r.get(7)?,
                    error: r.get(8)?,
                    hosts: r.get::<_, i64>(9)?.try_into().unwrap_or(0),
                    hosts_done: r.get::<_, i64>(10)?.try_into().unwrap_or(0),
                    hosts_failed: r.get::<_, i64>(11)?.try_into().unwrap_or(0),
                    hosts_rolled_back: r.get::<_, i64>(12)?.try_into().unwrap_or(0),
                    ..DeploymentRow::default()
                },
                r.get::<_, i64>(13)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (mut d, group_id) = row?;
        // The group's approval in force when the deployment started.
        if let Some((change, emergency)) =
            approval::in_force_at(conn, cycle_id, group_id, &d.started)?
        {
            d.change_ref = change;
            d.emergency = emergency;
        }
        d.emergency |= d.override_reason.is_some();
        out.push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_findings_move_to_their_hosts_natural_place_intact() {
        let mut names = ["h1", "h10", "h2", "h3"];
        names.sort_by(|a, b| inventory::natural_cmp(a, b));
        let hosts: Vec<HostFacts> = names
            .iter()
            .map(|n| HostFacts {
                name: n.to_string(),
                ..HostFacts::default()
            })
            .collect();
        // As SQL hands them over: by host name in byte order, each host's rows in order.
        let rows = [
            ("h1", "a"),
            ("h10", "a"),
            ("h10", "b"),
            ("h10", "c"),
            ("h2", "a"),
            ("h3", "a"),
            ("h3", "b"),
        ];
        let mut findings: Vec<FindingRow> = rows
            .iter()
            .map(|(h, p)| FindingRow {
                host: (*h).into(),
                package: (*p).into(),
                ..FindingRow::default()
            })
            .collect();
        hosts_in_natural_order(&mut findings, &hosts);
        let got: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.host.as_str(), f.package.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("h1", "a"),
                ("h2", "a"),
                ("h3", "a"),
                ("h3", "b"),
                ("h10", "a"),
                ("h10", "b"),
                ("h10", "c")
            ]
        );
    }
}

#[cfg(test)]
mod stale_state_tests {
    use super::StaleState;

    /// JSON and the text formats spell a stale host's state the same way.
    #[test]
    fn stale_states_serialise_as_they_print() {
        for s in [
            StaleState::NeverScanned,
            StaleState::Unreachable,
            StaleState::Stale,
            StaleState::NoCurrentCatalogue,
        ] {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }
}
