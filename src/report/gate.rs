//! The one CI gate (`--fail-on`) of `scan`, `findings` and `report`: judged on the
//! report's model, so the three commands can never disagree on what trips.

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::model::{FindingRow, HostRow, HostVerdict, Report};
use crate::error::Failure;
use crate::output::first_few;
use crate::verdict::FailOn;

/// What a gate looks at: some hosts (None: all), and of them some findings (None: all;
/// `findings` gates on the findings it lists).
#[derive(Debug, Default)]
pub struct Scope<'a> {
    pub hosts: Option<HashSet<&'a str>>,
    pub findings: Option<HashSet<(&'a str, &'a str)>>,
}

impl Scope<'_> {
    fn host(&self, name: &str) -> bool {
        self.hosts.as_ref().is_none_or(|h| h.contains(name))
    }

    fn finding(&self, f: &FindingRow) -> bool {
        self.host(&f.host)
            && self
                .findings
                .as_ref()
                .is_none_or(|s| s.contains(&(f.host.as_str(), f.package.as_str())))
    }
}

/// Exit 1 with one line naming everything that tripped; Ok when nothing did (or no
/// level was asked for). The stdout of the command is complete either way.
pub fn check(r: &Report, levels: &[FailOn], scope: &Scope<'_>, now: DateTime<Utc>) -> Result<()> {
    if levels.is_empty() {
        return Ok(());
    }
    let hosts: Vec<&HostRow> = r.hosts.iter().filter(|h| scope.host(&h.name)).collect();
    let names = levels
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(",");
    if hosts.is_empty() {
        return Err(Failure::gate(format!(
            "--fail-on {names}: no hosts in the selection, nothing to judge"
        ))
        .hint("add hosts (`patchcycle host add`) or widen the selection")
        .into());
    }
    let mut tripped: Vec<String> = Vec::new();
    let open: Vec<&FindingRow> = r
        .findings
        .iter()
        .filter(|f| !f.excepted && scope.finding(f))
        .collect();
    let mut levels = levels.to_vec();
    levels.sort();
    levels.dedup();
    for level in levels {
        let (what, on): (String, Vec<&str>) = match level {
            FailOn::Unknown => continue,
            FailOn::Reboot => {
                let on: Vec<&str> = hosts
                    .iter()
                    .filter(|h| h.reboot_pending)
                    .map(|h| h.name.as_str())
                    .collect();
                (format!("{} pending reboot(s)", on.len()), on)
            }
            FailOn::Sla => {
                let hits: Vec<&&FindingRow> = open.iter().filter(|f| f.sla_breached).collect();
                (
                    format!("{} SLA breach(es)", hits.len()),
                    hits.iter().map(|f| f.host.as_str()).collect(),
                )
            }
            level => {
                if level == FailOn::Kev
                    && let Some(problem) = &r.kev_feed_problem
                {
                    tripped.push(format!("kev: {problem}"));
                }
                let hits: Vec<&&FindingRow> = open
                    .iter()
                    .filter(|f| level.trips_on_finding(f.severity, f.kev))
                    .collect();
                let what = match level {
                    FailOn::Any => format!("{} open finding(s)", hits.len()),
                    FailOn::Kev => format!("{} KEV finding(s)", hits.len()),
                    l => format!(
                        "{} finding(s) at or above {} or in KEV",
                        hits.len(),
                        l.name()
                    ),
                };
                (what, hits.iter().map(|f| f.host.as_str()).collect())
            }
        };
        if on.is_empty() {
            continue;
        }
        tripped.push(format!("{what} {}", on_hosts(on)));
    }
    let unknown: Vec<&&HostRow> = hosts
        .iter()
        .filter(|h| h.state == HostVerdict::Unknown)
        .collect();
    if !unknown.is_empty() {
        let named = first_few(
            unknown.iter().map(|h| {
                let why: Vec<String> = h.unknown.iter().map(|u| u.describe(now)).collect();
                format!("{}: {}", h.name, why.join("; "))
            }),
            5,
        );
        tripped.push(format!(
            "{} of {} host(s) unknown ({named})",
            unknown.len(),
            hosts.len(),
        ));
    }
    if tripped.is_empty() {
        return Ok(());
    }
    let mut err = Failure::gate(format!("--fail-on {names}: {}", tripped.join("; ")));
    if !unknown.is_empty() {
        err = err.hint(
            "a gate never passes on missing or stale data: `patchcycle sync`, `patchcycle scan`, \
             or judge on old data with --allow-stale",
        );
    }
    Err(err.into())
}

/// "on 2 host(s) (h1, h2)", naming at most five.
fn on_hosts(mut on: Vec<&str>) -> String {
    on.sort_unstable();
    on.dedup();
    format!("on {} host(s) ({})", on.len(), first_few(on.iter(), 5))
}
