//! The cells of the sections every human format shows the same way (table, markdown,
//! html): one place decides what a row of reboots, MTTR, approvals and deployments says,
//! and how an SLA breach and an open finding begin.

use super::model::{FindingRow, Report};
use super::{fmt_epss, fmt_opt};
use crate::catalog::Severity;

/// An SLA breach: host, package, severity, KEV, first seen, due, and the days overdue
/// as the format writes them.
pub fn breach(f: &FindingRow, overdue: impl Fn(i64) -> String) -> Vec<String> {
    vec![
        f.host.to_string(),
        f.package.to_string(),
        fmt_opt(&f.severity.map(Severity::as_str)),
        yes(f.kev),
        f.first_seen.to_string(),
        fmt_opt(&f.due),
        f.days_overdue.map_or("-".into(), overdue),
    ]
}

/// The cells an open finding's row starts with: host, package, installed, fixed,
/// severity, KEV, EPSS; each format adds its own after them.
pub fn open_finding(f: &FindingRow) -> Vec<String> {
    vec![
        f.host.to_string(),
        f.package.to_string(),
        f.installed.to_string(),
        if f.restart_pending.is_empty() {
            fmt_opt(&f.fixed)
        } else {
            // Installed, but the old build still runs: say what holds it.
            format!(
                "{} (restart pending: {})",
                fmt_opt(&f.fixed),
                f.restart_pending.join(", ")
            )
        },
        fmt_opt(&f.severity.map(Severity::as_str)),
        yes(f.kev),
        fmt_epss(f.epss),
    ]
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "-" }.into()
}

pub const REBOOTS: [&str; 5] = ["Host", "Group", "Running kernel", "Installed kernel", "Why"];

pub fn reboots(r: &Report) -> Vec<Vec<String>> {
    r.reboots
        .iter()
        .map(|b| {
            vec![
                b.host.clone(),
                fmt_opt(&b.group),
                fmt_opt(&b.kernel_running),
                fmt_opt(&b.kernel_latest),
                super::reboot_why(b),
            ]
        })
        .collect()
}

pub const CHANGES: [&str; 5] = ["Change", "Host", "Package", "At", "Days open"];

/// The findings opened and closed in the cycle.
pub fn changes(r: &Report) -> Vec<Vec<String>> {
    r.cycle_changes
        .iter()
        .map(|c| {
            vec![
                c.change.as_str().to_string(),
                c.host.clone(),
                c.package.clone(),
                c.at.clone(),
                c.days_open.map_or("-".into(), |d| format!("{d:.1}")),
            ]
        })
        .collect()
}

/// "3 opened, 1 closed", for a section heading.
pub fn changes_count(r: &Report) -> String {
    let closed = r
        .cycle_changes
        .iter()
        .filter(|c| c.change == super::model::Change::Closed)
        .count();
    format!("{} opened, {closed} closed", r.cycle_changes.len() - closed)
}

pub const MTTR: [&str; 5] = ["Cycle", "Fixed", "Mean days", "Median days", "Max days"];

pub fn mttr(r: &Report) -> Vec<Vec<String>> {
    r.mttr
        .iter()
        .map(|m| {
            vec![
                m.cycle.clone().unwrap_or_else(|| "(before cycles)".into()),
                m.fixed.to_string(),
                format!("{:.1}", m.mean_days),
                format!("{:.1}", m.median_days),
                format!("{:.1}", m.max_days),
            ]
        })
        .collect()
}

pub const APPROVALS: [&str; 6] = ["Group", "Decision", "Change", "By", "At", "Emergency"];

pub fn approvals(r: &Report) -> Vec<Vec<String>> {
    r.approvals
        .iter()
        .map(|a| {
            vec![
                a.group.clone(),
                a.decision.to_string(),
                fmt_opt(&a.change_ref),
                a.actor.clone(),
                a.at.clone(),
                if a.emergency {
                    format!("yes: {}", a.reason.as_deref().unwrap_or(""))
                } else {
                    "-".into()
                },
            ]
        })
        .collect()
}

pub const DEPLOYMENTS: [&str; 12] = [
    "Id",
    "Group",
    "Kind",
    "State",
    "Change",
    "Hosts",
    "Done",
    "Failed",
    "Rolled back",
    "Started",
    "Finished",
    "Emergency",
];

/// The numeric columns of [`DEPLOYMENTS`] (right-aligned in html).
pub const DEPLOYMENTS_NUMERIC: [usize; 5] = [0, 5, 6, 7, 8];

pub fn deployments(r: &Report) -> Vec<Vec<String>> {
    r.deployments
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.group.clone(),
                d.kind.clone(),
                d.state.to_string(),
                fmt_opt(&d.change_ref),
                d.hosts.to_string(),
                d.hosts_done.to_string(),
                d.hosts_failed.to_string(),
                d.hosts_rolled_back.to_string(),
                d.started.clone(),
                fmt_opt(&d.finished),
                if d.emergency {
                    d.override_reason
                        .as_ref()
                        .map_or("yes".into(), |r| format!("yes: {r}"))
                } else {
                    "-".into()
                },
            ]
        })
        .collect()
}
