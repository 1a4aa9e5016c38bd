//! `patchcycle cycle start|status|list|close`.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Context;
use crate::cycle::state::{self as cycle, Cycle, GroupStatus};
use crate::error::Failure;
use crate::output::{self, or_dash};
use crate::{audit, clock, db};

#[derive(Debug, Subcommand)]
pub enum CycleCommand {
    /// Start a cycle: freeze this month's patch set from the latest scans
    Start(StartArgs),
    /// Show each group's state in the cycle and what blocks its next step
    Status(NameArg),
    /// List cycles
    #[command(visible_alias = "ls")]
    List,
    /// Close a cycle (refused while approved groups are not deployed)
    Close(NameArg),
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Cycle name [default: YYYY-MM of today]
    pub name: Option<String>,
    /// Cutoff date (YYYY-MM-DD) [default: Patch Tuesday of the month]
    #[arg(long, value_name = "DATE")]
    pub cutoff: Option<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Cycle name [default: the open cycle]
    pub name: Option<String>,
}

pub fn run(ctx: &Context, cmd: CycleCommand) -> Result<()> {
    match cmd {
        CycleCommand::Start(a) => start(ctx, &a),
        CycleCommand::Status(a) => status(ctx, &a),
        CycleCommand::List => list(ctx),
        CycleCommand::Close(a) => close(ctx, &a),
    }
}

fn start(ctx: &Context, a: &StartArgs) -> Result<()> {
    let now = clock::now()?;
    let name = a.name.clone().unwrap_or_else(|| cycle::default_name(now));
    crate::inventory::validate::name("cycle", &name).map_err(Failure::usage)?;
    let cutoff = match &a.cutoff {
        Some(c) => chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d")
            .map_err(|_| Failure::usage(format!("--cutoff {c:?} is not YYYY-MM-DD")))?,
        None => {
            use chrono::Datelike;
            crate::cycle::window::patch_tuesday(now.year(), now.month())
        }
    };
    let mut db = ctx.open_db()?;
    let stamp = clock::stamp(now);
    let tx = db::write_tx(&mut db.conn)?;
    let (_, patches) = cycle::start(&tx, &name, cutoff, &stamp)?;
    audit::append(
        &tx,
        &stamp,
        &ctx.actor,
        "cycle.start",
        &name,
        &json!({"cutoff": cutoff.to_string(), "patches": patches}),
    )?;
    tx.commit()?;
    ctx.style.status(format!(
        "started cycle {name} (cutoff {cutoff}) with {patches} patch(es) frozen from the latest scans"
    ));
    Ok(())
}

fn list(ctx: &Context) -> Result<()> {
    let db = ctx.open_db()?;
    let cycles = cycle::list(&db.conn)?;
    output::list(
        &ctx.style,
        &cycles,
        &[
            ("NAME", &|c: &Cycle| c.name.clone()),
            ("STATE", &|c: &Cycle| c.state.clone()),
            ("CUTOFF", &|c: &Cycle| c.cutoff.clone()),
            ("PATCHES", &|c: &Cycle| c.patches.to_string()),
            ("STARTED", &|c: &Cycle| c.created_at.clone()),
            ("CLOSED", &|c: &Cycle| or_dash(c.closed_at.as_ref())),
        ],
    )
}

fn status(ctx: &Context, a: &NameArg) -> Result<()> {
    let db = ctx.open_db()?;
    // Without a name: the open cycle, else the newest one.
    let (id, c) = match (&a.name, cycle::find(&db.conn, None)) {
        (None, Err(_)) => cycle::newest(&db.conn)?,
        (None, Ok(found)) => found,
        (Some(n), _) => cycle::find(&db.conn, Some(n))?,
    };
    let rows = cycle::status(&db.conn, id, clock::now()?)?;
    ctx.style.status(format!(
        "cycle {} ({}, cutoff {}, {} patches)",
        c.name, c.state, c.cutoff, c.patches
    ));
    output::list(
        &ctx.style,
        &rows,
        &[
            ("ORDER", &|s: &GroupStatus| s.order.to_string()),
            ("GROUP", &|s: &GroupStatus| s.group.clone()),
            ("HOSTS", &|s: &GroupStatus| {
                if s.deferred > 0 {
                    format!("{} ({} deferred)", s.hosts, s.deferred)
                } else {
                    s.hosts.to_string()
                }
            }),
            ("STATE", &|s: &GroupStatus| {
                if s.emergency {
                    format!("{} (emergency)", s.state)
                } else {
                    s.state.clone()
                }
            }),
            ("CHANGE", &|s: &GroupStatus| or_dash(s.change_ref.as_ref())),
            ("BLOCKED BY", &|s: &GroupStatus| {
                or_dash(s.blocked_by.as_ref())
            }),
        ],
    )
}

fn close(ctx: &Context, a: &NameArg) -> Result<()> {
    let mut db = ctx.open_db()?;
    let now = clock::now()?;
    let tx = db::write_tx(&mut db.conn)?;
    let (id, c) = cycle::find(&tx, a.name.as_deref())?;
    if c.state == "closed" {
        return Err(Failure::usage(format!("cycle {} is already closed", c.name)).into());
    }
    cycle::close(&tx, id, &c.name, now)?;
    audit::append(
        &tx,
        &clock::stamp(now),
        &ctx.actor,
        "cycle.close",
        &c.name,
        &json!({}),
    )?;
    tx.commit()?;
    ctx.style.status(format!("closed cycle {}", c.name));
    Ok(())
}
