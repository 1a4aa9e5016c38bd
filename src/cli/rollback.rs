//! `patchcycle rollback DEPLOYMENT [--host H]`: put hosts back to the versions recorded
//! before the deployment (kept packages, or the snapshot) and verify them.

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::cycle::deploy::{self, Engine};
use crate::cycle::rollback::Method;
use crate::error::{Exit, Failure};
use crate::{audit, clock, db, exec, inventory, output};

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

#[derive(Debug, Serialize, Default)]
struct Line {
    host: String,
    state: String,
    detail: String,
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
    let chosen: Vec<_> = rows
        .into_iter()
        .filter(|r| a.hosts.is_empty() || a.hosts.contains(&r.host.name))
        .filter(|r| {
            matches!(
                r.state.as_str(),
                "done" | "failed" | "rollback-failed" | "running"
            ) && r.before.is_some()
        })
        .collect();
    if chosen.is_empty() {
        ctx.style
            .status(format!("deployment {}: nothing to roll back", d.id));
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
        control: exec::control_dir()?,
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
    let now = clock::now_stamp()?;
    let mut lines = Vec::new();
    let tx = db::write_tx(&mut db.conn)?;
    for (r, res) in chosen.iter().zip(&results) {
        let (state, detail) = match res {
            Ok(how) => ("rolled-back", how.clone()),
            Err(why) => ("rollback-failed", why.clone()),
        };
        tx.execute(
            "UPDATE deployment_hosts SET state = ?3, error = CASE WHEN ?3 = 'rollback-failed' THEN ?4 ELSE error END \
             WHERE deployment_id = ?1 AND host_id = ?2",
            rusqlite::params![d.id, r.host_id, state, detail],
        )?;
        audit::append(
            &tx,
            &now,
            &ctx.actor,
            "rollback.host",
            &r.host.name,
            &json!({"deployment": d.id, "state": state, "detail": detail, "method": format!("{:?}", a.method).to_lowercase()}),
        )?;
        lines.push(Line {
            host: r.host.name.clone(),
            state: state.into(),
            detail,
        });
    }
    let rolled = results.iter().filter(|r| r.is_ok()).count() as i64;
    if rolled > 0 {
        // The ring no longer runs what it was tested or deployed with.
        tx.execute(
            "UPDATE deployments SET state = 'rolled-back', finished = ?2 WHERE id = ?1",
            rusqlite::params![d.id, now],
        )?;
        tx.execute(
            "INSERT INTO ring_results (cycle_id, group_id, kind, success, hosts_total, hosts_ok, started, finished) \
             VALUES (?1, ?2, ?3, 0, ?4, 0, ?5, ?5)",
            rusqlite::params![d.cycle_id, d.group_id, d.kind, rolled, now],
        )?;
    }
    tx.commit()?;
    output::list(
        &ctx.style,
        &lines,
        &[
            ("HOST", &|l: &Line| l.host.clone()),
            ("STATE", &|l| l.state.clone()),
            ("DETAIL", &|l| l.detail.clone()),
        ],
    )?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        return Err(Failure::new(
            Exit::Partial,
            format!("rollback of deployment {}: {failed} host(s) failed", d.id),
        )
        .into());
    }
    Ok(())
}
