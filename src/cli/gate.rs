//! The `--fail-on` gate of `scan`, `findings` and `report`: one set of flags, one judge
//! (the report's model of the fleet, judged by `report::gate`).

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;

use super::Context;
use crate::catalog::Severity;
use crate::report::gate::Scope;
use crate::report::model;
use crate::verdict::FailOn;

/// `--fail-on` and `--allow-stale`: the same gate in scan, findings and report.
#[derive(Debug, Args, Clone, Default)]
pub struct GateArgs {
    /// Exit 1 when this shows (comma-separated or repeated); every level also trips on an
    /// empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line
    /// summary goes to stderr
    #[arg(long, value_enum, value_name = "LEVEL", value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// Judge hosts on scans older than max_scan_age and catalogues older than
    /// max_feed_age instead of calling them unknown (never on missing data)
    #[arg(long)]
    pub allow_stale: bool,
}

/// The gate of `scan` and `findings`: the report's model of the fleet (SLA, reboots,
/// unknown hosts), judged on the scope given. Built only when a gate is asked for.
pub fn check(
    ctx: &Context,
    conn: &rusqlite::Connection,
    args: &GateArgs,
    scope: &Scope<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    if args.fail_on.is_empty() {
        return Ok(());
    }
    let opts = model::Options {
        cycle: None,
        threshold: Severity::High,
        expiring_days: 0,
        default_policy: ctx.config.default_policy.clone(),
        allow_stale: args.allow_stale,
        // A gate reads only the current figures.
        trend_cycles: 0,
    };
    let r = model::build(conn, &opts, now)?;
    crate::report::gate::check(&r, &args.fail_on, scope, now)
}
