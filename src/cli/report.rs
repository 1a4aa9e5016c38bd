//! `patchcycle report`: compliance, SLA, MTTR, reboots, approvals and deployments of a
//! cycle, in every format, with a CI gate (`--fail-on`).

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use super::Context;
use super::gate::GateArgs;
use crate::catalog::Severity;
use crate::clock;
use crate::error::Failure;
use crate::output;
use crate::report::gate::{self, Scope};
use crate::report::{self, model, trend};

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
    #[arg(long, add = super::complete::cycles())]
    pub cycle: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compliance: a host with an open finding at or above this (or in KEV) is not compliant
    #[arg(long, value_enum, default_value_t = Threshold::High)]
    pub threshold: Threshold,
    /// List exceptions expiring within this many days
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub expiring_days: u32,
    /// Cycles in the trend (html and json): the selected cycle and those before it; 0: none
    #[arg(long, value_name = "N", default_value_t = crate::report::trend::DEFAULT_CYCLES)]
    pub trend_cycles: u32,
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
    if a.expiring_days > 3650 {
        return Err(Failure::usage("--expiring-days must be at most 3650").into());
    }
    if a.trend_cycles > trend::MAX_CYCLES {
        return Err(Failure::usage(format!(
            "--trend-cycles must be at most {}",
            trend::MAX_CYCLES
        ))
        .into());
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
        expiring_days: a.expiring_days,
        default_policy: ctx.config.default_policy.clone(),
        allow_stale: a.gate.allow_stale,
        // Only html and json show the trend: the other formats do not pay for it.
        trend_cycles: match ctx.style.format {
            output::Format::Html | output::Format::Json => a.trend_cycles,
            _ => 0,
        },
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
    let result = gate::check(&r, &a.gate.fail_on, &Scope::default(), now);
    // The process ends here: freeing 100,000 findings one by one would only cost time.
    std::mem::forget(r);
    result
}
