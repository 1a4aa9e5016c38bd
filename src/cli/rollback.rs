//! `patchcycle rollback DEPLOYMENT [--host H]`: put hosts back to the versions recorded
//! before the deployment (kept packages, or the snapshot) and verify them.

use super::Context;
use crate::cycle::deploy::Engine;
use crate::cycle::deployment::{self as deploy, DeploymentState, HostState};
use crate::cycle::rollback::{self, Method, RolledHost};
use crate::error::{Exit, Failure};
use crate::{clock, db, exec, inventory, output};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The deployment (see `patchcycle deploy --list`)
    #[arg(add = super::complete::deployments())]
    pub deployment: i64,
    /// Only these hosts (repeatable) [default: every host the deployment changed]
    #[arg(long = "host", value_name = "HOST", add = super::complete::hosts())]
    pub hosts: Vec<String>,
    /// How to go back
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    pub method: Method,
}

pub fn run(ctx: &Context, a: &RollbackArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    let d = deploy::get(&db.conn, a.deployment)?;
    let g = inventory::require_group(&db.conn, &d.group)?;
    let Some(_lock) = deploy::lock_group(&ctx.db_path, d.group_id)? else {
        return Err(
            Failure::usage(format!("a deploy of group {} is running", d.group))
                .hint("wait for it to finish before rolling back")
                .into(),
        );
    };
    let rows = deploy::host_rows(&db.conn, d.id)?;
    for h in &a.hosts {
        if !rows.iter().any(|r| &r.host.name == h) {
            return Err(Failure::usage(format!("host {h} is not in deployment {}", d.id)).into());
        }
    }
    let chosen = rollback::candidates(rows, &a.hosts);
    for r in &chosen {
        if let Some(h) = inventory::get_host(&db.conn, &r.host.name)? {
            h.refuse_image()?;
        }
    }
    if chosen.is_empty() {
        ctx.style.status(format!(
            "deployment {}: nothing to roll back (no {}host still runs what it installed)",
            d.id,
            if a.hosts.is_empty() { "" } else { "named " }
        ));
        return Ok(());
    }
    let names: Vec<&str> = chosen.iter().map(|r| r.host.name.as_str()).collect();
    if !ctx.confirm(
        &format!("Roll back {} of deployment {}?", names.join(", "), d.id),
        "rollback",
    )? {
        return Err(Failure::new(Exit::Usage, "cancelled").into());
    }
    let engine = Engine {
        ssh: &ctx.config.ssh,
        control: exec::reusable_control_dir(&ctx.config.ssh)?,
        policy: g.policy.clone(),
        window: None,
        progress: exec::pool::Progress::Silent,
        group_hosts: g.hosts.max(0) as usize,
        db_path: ctx.db_path.clone(),
        ansible: false,
        deployment: d.clone(),
        db: std::sync::Mutex::new(db::Db::open(&ctx.db_path, db::OpenMode::Existing)?.0.conn),
    };
    let results = exec::pool::run(
        &chosen,
        g.policy.max_parallel.max(1) as usize,
        exec::pool::Progress::for_style(&ctx.style),
        |r| r.host.name.clone(),
        |r| engine.rollback_host(r, a.method),
    );
    drop(engine);
    let outcomes: Vec<_> = chosen.iter().zip(results).collect();
    let done = deploy::record_rollback(
        &mut db.conn,
        &d,
        &outcomes,
        &ctx.actor,
        a.method,
        &clock::now_stamp()?,
    )?;
    output::list(
        &ctx.style,
        &done.hosts,
        &[
            ("HOST", &|l: &RolledHost| l.host.clone()),
            ("STATE", &|l| l.state.to_string()),
            ("DETAIL", &|l| l.detail.clone()),
        ],
    )?;
    let put_back = done.hosts.iter().any(|h| h.state == HostState::RolledBack);
    ctx.style.status(match done.state {
        _ if !put_back => format!(
            "deployment {} stays {}: no host was put back",
            d.id, done.state
        ),
        DeploymentState::PartlyRolledBack => format!(
            "deployment {}: {} ({} host(s) still run what it installed)",
            d.id, done.state, done.counts.changed
        ),
        state => format!("deployment {}: {state}", d.id),
    });
    let failed = done
        .hosts
        .iter()
        .filter(|h| h.state == HostState::RollbackFailed)
        .count();
    if failed > 0 {
        return Err(Failure::new(
            Exit::Partial,
            format!("rollback of deployment {}: {failed} host(s) failed", d.id),
        )
        .into());
    }
    Ok(())
}
