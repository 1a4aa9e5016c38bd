//! `patchcycle report`: compliance, SLA, MTTR, reboots, approvals and deployments of a
//! cycle, in every format, with a CI gate (`--fail-on`).

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use super::Context;
use super::findings::FailOn;
use crate::catalog::Severity;
use crate::clock;
use crate::error::Failure;
use crate::output;
use crate::report::{self, model};

/// `report --fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Gate {
    /// An open finding at or above critical
    Critical,
    /// An open finding at or above high
    High,
    /// An open finding at or above medium
    Medium,
    /// An open finding at or above low
    Low,
    /// An open finding with a CISA KEV CVE
    Kev,
    /// An open finding past its SLA or KEV due date
    Sla,
    /// A host that needs a reboot
    Reboot,
}

impl Gate {
    fn finding_level(self) -> Option<FailOn> {
        match self {
            Gate::Critical => Some(FailOn::Critical),
            Gate::High => Some(FailOn::High),
            Gate::Medium => Some(FailOn::Medium),
            Gate::Low => Some(FailOn::Low),
            Gate::Kev => Some(FailOn::Kev),
            Gate::Sla | Gate::Reboot => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threshold {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Cycle [default: the open cycle, else the newest]
    #[arg(long)]
    pub cycle: Option<String>,
    /// Exit 1 when the report shows this (repeatable, or comma-separated); stdout keeps
    /// the whole report, a one-line summary goes to stderr
    #[arg(long, value_enum, value_name = "LEVEL", value_delimiter = ',')]
    pub fail_on: Vec<Gate>,
    /// Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compliance: a host with an open finding at or above this (or in KEV) is not compliant
    #[arg(long, value_enum, default_value_t = Threshold::High)]
    pub threshold: Threshold,
    /// A host without a good scan for more than this many days is stale
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub stale_days: u32,
    /// List exceptions expiring within this many days
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub expiring_days: u32,
    /// Fix the report's clock: a day (its start in the configured time_zone), a span back
    /// (7d) or an RFC 3339 time; also PATCHCYCLE_NOW
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// `--now`: a day (its start in the configured zone), a span back from the clock (`7d`:
/// the report as of a week ago) or an RFC 3339 time.
fn parse_now(ctx: &Context, s: &str) -> Result<DateTime<Utc>> {
    Ok(clock::parse_date_flag(
        "--now",
        s,
        clock::Toward::Past,
        ctx.config.zone(),
        clock::now()?,
    )?)
}

pub fn run(ctx: &Context, a: &ReportArgs) -> Result<()> {
    let now = match &a.now {
        Some(s) => parse_now(ctx, s)?,
        None => crate::clock::now()?,
    };
    if a.stale_days == 0 || a.stale_days > 3650 {
        return Err(Failure::usage("--stale-days must be between 1 and 3650").into());
    }
    if a.expiring_days > 3650 {
        return Err(Failure::usage("--expiring-days must be at most 3650").into());
    }
    let db = ctx.open_db()?;
    let opts = model::Options {
        cycle: a.cycle.clone(),
        threshold: match a.threshold {
            Threshold::Critical => Severity::Critical,
            Threshold::High => Severity::High,
            Threshold::Medium => Severity::Medium,
            Threshold::Low => Severity::Low,
        },
        stale_days: a.stale_days,
        expiring_days: a.expiring_days,
        default_sla: ctx.config.default_policy.sla_days.clone(),
    };
    let r = model::build(&db.conn, &opts, now)?;
    output::write_document(a.output.as_deref(), |w| {
        report::render(&r, ctx.style.format, &ctx.style, w)
    })?;
    if let Some(path) = &a.output {
        ctx.style.status(format!(
            "wrote the {} report to {}",
            ctx.style.format.name(),
            path.display()
        ));
    }
    let result = gate(&r, &a.fail_on);
    // The process ends here: freeing 100,000 findings one by one would only cost time.
    std::mem::forget(r);
    result
}

/// Exit 1 with one line naming everything that tripped.
pub fn gate(r: &model::Report, levels: &[Gate]) -> Result<()> {
    let mut tripped: Vec<String> = Vec::new();
    for &g in levels {
        let (what, hosts): (String, Vec<&str>) = match g.finding_level() {
            Some(level) => {
                let hits: Vec<&model::FindingRow> = r
                    .findings
                    .iter()
                    .filter(|f| !f.excepted && level.trips_on(f.severity.as_deref(), f.kev))
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                let what = if g == Gate::Kev {
                    format!("{} KEV finding(s)", hits.len())
                } else {
                    format!("{} finding(s) at or above {}", hits.len(), level.name())
                };
                (what, hits.iter().map(|f| f.host.as_str()).collect())
            }
            None if g == Gate::Sla => {
                let hits: Vec<&model::FindingRow> = r
                    .findings
                    .iter()
                    .filter(|f| !f.excepted && f.sla_breached)
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                (
                    format!("{} SLA breach(es)", hits.len()),
                    hits.iter().map(|f| f.host.as_str()).collect(),
                )
            }
            None => {
                if r.reboots.is_empty() {
                    continue;
                }
                (
                    format!("{} pending reboot(s)", r.reboots.len()),
                    r.reboots.iter().map(|b| b.host.as_str()).collect(),
                )
            }
        };
        let mut hosts = hosts;
        hosts.sort_unstable();
        hosts.dedup();
        let shown: Vec<&str> = hosts.iter().take(5).copied().collect();
        let more = if hosts.len() > 5 {
            format!(", +{} more", hosts.len() - 5)
        } else {
            String::new()
        };
        tripped.push(format!(
            "{what} on {} host(s) ({}{more})",
            hosts.len(),
            shown.join(", ")
        ));
    }
    if tripped.is_empty() {
        return Ok(());
    }
    Err(Failure::gate(format!("report --fail-on: {}", tripped.join("; "))).into())
}
