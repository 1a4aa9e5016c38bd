//! The report's trend: one point per cycle over the last N cycles (compliance, open
//! findings by severity, KEV open, MTTR), computed from the stored scans, findings,
//! exceptions and cycles.
//!
//! A point is the fleet *as of* its time `at`: the cycle's close, or the report's clock
//! for a cycle still open. At that time each host (added at or before it) is judged on
//! its latest good scan finished at or before it, with the exceptions active then, by the
//! same rules as the report's own figures ([`crate::verdict`], the threshold, KEV): so the
//! open cycle's point is the report's summary when every scan is older than the clock.
//! A feed's age at a past time is its newest recorded import (`catalog.sync` in the
//! audit log) at or before it: a "not modified" check leaves no record, so a past point
//! may call a host unknown that was judged at the time, never the reverse. Hosts are
//! counted in their current group; hosts removed since are gone from every point.
//! MTTR is the report's MTTR row of the cycle (fixes seen while it ran).

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::Severity;
use crate::clock;
use crate::cycle::state::Cycle;
use crate::scan::query;
use crate::verdict::{HostFacts, Knowledge};

use super::figures::pct;

/// How many cycles a trend shows by default (`report --trend-cycles`).
pub const DEFAULT_CYCLES: u32 = 6;
/// The most a trend shows: two years of monthly cycles.
pub const MAX_CYCLES: u32 = 24;

/// Open findings (not excepted) by severity at a point; an unrated finding counts at its
/// policy's `unrated_severity`, as in `findings_by_severity`.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct OpenBySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    /// Every open finding, whatever its severity.
    pub total: usize,
}

/// Whether a point's cycle was still open (its point is the report's clock) or closed.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CycleState {
    #[default]
    Open,
    Closed,
}

/// The fleet at one cycle's point.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct TrendPoint {
    pub cycle: String,
    pub state: CycleState,
    /// The time the point describes: the cycle's close, or the report's clock.
    pub at: String,
    pub hosts: usize,
    pub compliant: usize,
    pub unknown: usize,
    /// compliant / hosts; None when no host is known then.
    pub compliance_pct: Option<f64>,
    pub open_findings: OpenBySeverity,
    /// Open findings in CISA KEV.
    pub kev_open: usize,
    /// Mean days to fix of the findings fixed while the cycle ran; None: none fixed.
    pub mttr_days: Option<f64>,
    /// How many findings were fixed while the cycle ran.
    pub fixed: usize,
}

/// The series over the last cycles, oldest first.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Trend {
    /// How many cycles were asked for (`--trend-cycles`); `points` holds at most that.
    pub cycles: u32,
    pub points: Vec<TrendPoint>,
}

/// What a point is judged with.
pub struct Inputs<'a> {
    pub default_policy: &'a crate::inventory::policy::Policy,
    pub threshold: Severity,
    pub allow_stale: bool,
    pub now: DateTime<Utc>,
}

/// The last `n` cycles up to and including `selected` (by start order), each as a point;
/// `mttr_of` gives a cycle's MTTR row (mean days, fixed) as the report computed it.
pub fn build(
    conn: &Connection,
    cycles: &[Cycle],
    selected: Option<&str>,
    n: u32,
    mttr_of: impl Fn(&str) -> Option<(f64, usize)>,
    inputs: &Inputs<'_>,
) -> Result<Trend> {
    let mut trend = Trend {
        cycles: n,
        points: Vec::new(),
    };
    let Some(end) = selected.and_then(|s| cycles.iter().position(|c| c.name == s)) else {
        return Ok(trend);
    };
    let start = (end + 1).saturating_sub(n as usize);
    for c in &cycles[start..=end] {
        // A cycle is closed exactly when it has a close time (cycle close sets both).
        let (state, at) = match c.closed_at.as_deref().and_then(clock::parse) {
            Some(closed) => (CycleState::Closed, closed.min(inputs.now)),
            None => (CycleState::Open, inputs.now),
        };
        let mut p = point(conn, at, inputs)?;
        p.cycle = c.name.clone();
        p.state = state;
        if let Some((mean_days, fixed)) = mttr_of(&c.name) {
            p.mttr_days = Some(mean_days);
            p.fixed = fixed;
        }
        trend.points.push(p);
    }
    Ok(trend)
}

/// The newest recorded import of `source` at or before `at` (audit `catalog.sync`).
fn imported_by(conn: &Connection, source: &str, at: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT max(at) FROM audit WHERE action = 'catalog.sync' AND object = ?1 AND at <= ?2",
            params![source, at],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The fleet as of `at` (cycle, state and MTTR left for the caller).
fn point(conn: &Connection, at: DateTime<Utc>, inputs: &Inputs<'_>) -> Result<TrendPoint> {
    let at_stamp = clock::stamp(at);
    let mut knowledge = Knowledge::load(conn, inputs.default_policy, at, inputs.allow_stale)?;
    for f in &mut knowledge.feeds {
        // Known current later than `at` says nothing of `at`: its import record does.
        if f.as_of.as_deref().is_none_or(|t| t > at_stamp.as_str()) {
            f.as_of = imported_by(conn, &f.source, &at_stamp)?;
        }
    }
    // Each host added by then, with its latest good scan by then.
    struct Host {
        name: String,
        group: Option<String>,
        ecosystem: Option<String>,
        last_scan: Option<String>,
    }
    let mut stmt = conn.prepare(
        "SELECT h.name, g.name, s.ecosystem, s.finished FROM hosts h \
         LEFT JOIN groups g ON g.id = h.group_id \
         LEFT JOIN scans s ON s.id = (SELECT max(id) FROM scans \
              WHERE host_id = h.id AND status = 'ok' AND finished <= ?1) \
         WHERE h.created_at <= ?1",
    )?;
    let hosts: Vec<Host> = stmt
        .query_map([&at_stamp], |r| {
            Ok(Host {
                name: r.get(0)?,
                group: r.get(1)?,
                ecosystem: r.get(2)?,
                last_scan: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut p = TrendPoint {
        at: at_stamp.clone(),
        ..TrendPoint::default()
    };
    // Hosts with an open finding at or above the threshold, or in KEV.
    let mut blocking: BTreeMap<String, bool> = BTreeMap::new();
    let threshold = inputs.threshold;
    query::each_as_of(conn, &at_stamp, &knowledge.policies, |r| {
        if r.excepted {
            return Ok(());
        }
        let severity = r.severity.as_deref().and_then(Severity::parse);
        let o = &mut p.open_findings;
        o.total += 1;
        match severity {
            Some(Severity::Critical) => o.critical += 1,
            Some(Severity::High) => o.high += 1,
            Some(Severity::Medium) => o.medium += 1,
            Some(Severity::Low) => o.low += 1,
            Some(Severity::None) | None => {}
        }
        p.kev_open += usize::from(r.kev);
        let blocks = r.kev || severity.is_some_and(|s| s >= threshold);
        *blocking.entry(r.host.to_string()).or_default() |= blocks;
        Ok(())
    })?;
    for h in &hosts {
        let why = knowledge.judge(
            conn,
            HostFacts {
                name: &h.name,
                group: h.group.as_deref(),
                ecosystem: h.ecosystem.as_deref(),
                last_scan: h.last_scan.as_deref(),
            },
        )?;
        p.hosts += 1;
        if !knowledge.effective(why).is_empty() {
            p.unknown += 1;
        } else if !blocking.get(&h.name).copied().unwrap_or(false) {
            p.compliant += 1;
        }
    }
    p.compliance_pct = pct(p.compliant, p.hosts, p.hosts - p.unknown);
    Ok(p)
}
