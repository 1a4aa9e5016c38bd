//! `patchcycle cycle start|status|list|close`.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Context;
use crate::cycle::patch_set::{self, ShownPatch};
use crate::cycle::state::{self as cycle, Cycle, GroupStatus};
use crate::error::Failure;
use crate::output::{self, Format, or_dash};
use crate::{audit, clock, db, verdict};

#[derive(Debug, Subcommand)]
pub enum CycleCommand {
    /// Start a cycle: freeze this month's patch set from the latest scans
    Start(StartArgs),
    /// Show each group's state in the cycle and what blocks its next step
    Status(NameArg),
    /// Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS,
    /// hosts affected per group, knowledge-base notes [default: the open cycle]
    Show(NameArg),
    /// List cycles
    #[command(visible_alias = "ls")]
    List,
    /// Close a cycle (refused while approved groups are not deployed)
    Close(CloseArgs),
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Cycle name [default: YYYY-MM of today]
    pub name: Option<String>,
    /// Cutoff date (YYYY-MM-DD) [default: Patch Tuesday of the month]
    #[arg(long, value_name = "DATE")]
    pub cutoff: Option<String>,
    /// Freeze the patch set although scans or the catalogue are older than the policy's
    /// max_scan_age / max_feed_age (audited with the hosts concerned)
    #[arg(long)]
    pub allow_stale: bool,
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Cycle name [default: the open cycle]
    #[arg(add = super::complete::cycles())]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// Cycle name [default: the open cycle]
    #[arg(add = super::complete::cycles())]
    pub name: Option<String>,
    /// Then remove what rollback would need: kept packages on the hosts and the
    /// snapshots of the cycle's deployments (no rollback is possible afterwards)
    #[arg(long)]
    pub cleanup: bool,
}

pub fn run(ctx: &Context, cmd: CycleCommand) -> Result<()> {
    match cmd {
        CycleCommand::Start(a) => start(ctx, &a),
        CycleCommand::Status(a) => status(ctx, &a),
        CycleCommand::Show(a) => show(ctx, &a),
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
    let accepted_stale = check_data(ctx, &db.conn, None, now, a.allow_stale, "cycle start")?;
    let tx = db::write_tx(&mut db.conn)?;
    let (_, patches) = cycle::start(&tx, &name, cutoff, &stamp, &ctx.actor)?;
    audit::append(
        &tx,
        &stamp,
        &ctx.actor,
        "cycle.start",
        &name,
        &json!({"cutoff": cutoff.to_string(), "patches": patches, "accepted_stale": accepted_stale}),
    )?;
    tx.commit()?;
    ctx.style.status(format!(
        "started cycle {name} (cutoff {cutoff}) with {patches} patch(es) frozen from the latest scans"
    ));
    Ok(())
}

/// The data a patch set is frozen from (the hosts of `group`, or all): refused when old,
/// unless `allow_stale` (then warned about, and returned for the audit log). Hosts never
/// scanned are named: they add nothing to the patch set.
pub fn check_data(
    ctx: &Context,
    conn: &rusqlite::Connection,
    group: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    allow_stale: bool,
    what: &str,
) -> Result<Vec<serde_json::Value>> {
    let hosts = crate::inventory::list_hosts(
        conn,
        &crate::inventory::HostFilter {
            group: group.map(str::to_string),
            tag: None,
        },
    )?;
    let mut knowledge =
        verdict::Knowledge::load(conn, &ctx.config.default_policy, now, allow_stale)?;
    let judged = verdict::judge_hosts(conn, &mut knowledge, &hosts)?;
    let never: Vec<&str> = judged
        .iter()
        .filter(|j| j.unknown == [verdict::Unknown::NeverScanned])
        .map(|j| j.host.as_str())
        .collect();
    if !never.is_empty() {
        ctx.style.warn(format!(
            "never scanned, so not in the patch set: {}",
            never.join(", ")
        ));
    }
    let accepted = verdict::check_freeze(what, &judged, now, allow_stale)?;
    if !accepted.is_empty() {
        ctx.style.warn(format!(
            "--allow-stale: {what} stands on old data of {} host(s) (audited)",
            accepted.len()
        ));
    }
    Ok(accepted)
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

/// The named cycle; without a name, the open cycle, else the newest one.
fn named_or_current(conn: &rusqlite::Connection, name: Option<&str>) -> Result<(i64, Cycle)> {
    match (name, cycle::find(conn, None)) {
        (None, Err(_)) => cycle::newest(conn),
        (None, Ok(found)) => Ok(found),
        (Some(n), _) => cycle::find(conn, Some(n)),
    }
}

/// Advisories shown in a table cell before `+N more`.
const ADVISORIES_SHOWN: usize = 3;

fn show(ctx: &Context, a: &NameArg) -> Result<()> {
    let db = ctx.open_db()?;
    let (id, c) = named_or_current(&db.conn, a.name.as_deref())?;
    let set = patch_set::of_cycle(&db.conn, id)?;
    ctx.style.status(format!(
        "cycle {} ({}, cutoff {}, {} patches)",
        c.name, c.state, c.cutoff, c.patches
    ));
    let severity = |p: &ShownPatch| or_dash(p.severity.as_ref());
    let kev = |p: &ShownPatch| if p.kev { "yes" } else { "-" }.to_string();
    let epss = |p: &ShownPatch| p.epss.map_or("-".into(), |e| format!("{e:.3}"));
    let advisories = |p: &ShownPatch| {
        if p.advisories.is_empty() {
            "-".to_string()
        } else {
            output::first_few(p.advisories.iter(), ADVISORIES_SHOWN)
        }
    };
    let groups = |p: &ShownPatch| {
        if p.hosts_by_group.is_empty() {
            return "-".to_string();
        }
        p.hosts_by_group
            .iter()
            .map(|g| format!("{} {}", g.group.as_deref().unwrap_or("(no group)"), g.hosts))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let columns: &[output::Column<'_, ShownPatch>] = &[
        ("ECOSYSTEM", &|p: &ShownPatch| p.ecosystem.clone()),
        ("PACKAGE", &|p: &ShownPatch| p.package.clone()),
        ("TARGET", &|p: &ShownPatch| p.target.clone()),
        ("SEVERITY", &severity),
        ("KEV", &kev),
        ("EPSS", &epss),
        ("HOSTS BY GROUP", &groups),
        ("ADVISORIES", &advisories),
        ("NOTES", &|p: &ShownPatch| p.notes.len().to_string()),
    ];
    // The notes in full below the set, each under its patch.
    let notes: Vec<(String, &str)> = set
        .iter()
        .flat_map(|p| p.notes.iter().map(|n| (p.package.clone(), n.as_str())))
        .collect();
    match ctx.style.format {
        Format::Table => {
            // Names and versions are never wrapped (the advisories are cut instead).
            output::list_unwrapped(&ctx.style, &set, columns, &[0, 1, 2])?;
            if !notes.is_empty() {
                output::out_line("")?;
                for (package, note) in &notes {
                    output::out_line(format!(
                        "note on {}: {}",
                        crate::text::one_line(package),
                        crate::text::one_line(note)
                    ))?;
                }
            }
            Ok(())
        }
        Format::Markdown => {
            use crate::report::markdown::cell;
            let mut text = format!("## Patch set of cycle {}\n\n", cell(&c.name));
            if set.is_empty() {
                text.push_str("None.\n");
            } else {
                let header: Vec<&str> = columns.iter().map(|(h, _)| *h).collect();
                text.push_str(&format!("| {} |\n|", header.join(" | ")));
                text.push_str(&"---|".repeat(header.len()));
                text.push('\n');
                for p in &set {
                    let cells: Vec<String> = columns.iter().map(|(_, f)| cell(&f(p))).collect();
                    text.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
            if !notes.is_empty() {
                text.push_str("\n### Notes\n\n");
                for (package, note) in &notes {
                    text.push_str(&format!("- {}: {}\n", cell(package), cell(note)));
                }
            }
            output::out_bytes(text.as_bytes())
        }
        _ => output::list(&ctx.style, &set, columns),
    }
}

fn status(ctx: &Context, a: &NameArg) -> Result<()> {
    let db = ctx.open_db()?;
    let (id, c) = named_or_current(&db.conn, a.name.as_deref())?;
    let now = clock::now()?;
    let rows = cycle::status(&db.conn, id, now)?;
    // Each group's window, under way or next, in the window's own zone.
    let windows: std::collections::HashMap<String, String> =
        crate::inventory::list_groups(&db.conn)?
            .into_iter()
            .filter_map(|g| {
                let window = crate::cycle::window::Window::parse(g.window.as_deref()?).ok()?;
                Some((g.name, window.show_next(now)?))
            })
            .collect();
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
                    s.state.to_string()
                }
            }),
            ("CHANGE", &|s: &GroupStatus| or_dash(s.change_ref.as_ref())),
            ("WINDOW", &|s: &GroupStatus| or_dash(windows.get(&s.group))),
            ("BLOCKED BY", &|s: &GroupStatus| {
                or_dash(s.blocked_by.as_ref())
            }),
        ],
    )
}

fn close(ctx: &Context, a: &CloseArgs) -> Result<()> {
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
    if a.cleanup {
        return cleanup(ctx, &mut db.conn, id, &c.name);
    }
    Ok(())
}

/// Removes kept packages and snapshots of a closed cycle's deployments, host by host.
fn cleanup(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    cycle_id: i64,
    name: &str,
) -> Result<()> {
    use crate::cycle::deploy::Engine;
    use crate::cycle::deployment as deploy;
    if !ctx.confirm(
        &format!("Remove the rollback packages and snapshots of cycle {name}?"),
        "cleanup",
    )? {
        return Err(Failure::usage("cancelled").into());
    }
    let ids = deploy::of_cycle(conn, cycle_id)?;
    let mut failed = Vec::new();
    for id in ids {
        let d = deploy::get(conn, id)?;
        let g = crate::inventory::require_group(conn, &d.group)?;
        let rows: Vec<_> = deploy::host_rows(conn, id)?
            .into_iter()
            .filter(|r| r.rollback_dir.is_some() || r.snapshot.is_some())
            .collect();
        let engine = Engine {
            ssh: &ctx.config.ssh,
            control: crate::exec::control_dir()?,
            policy: g.policy.clone(),
            window: None,
            progress: crate::exec::pool::Progress::Silent,
            group_hosts: 0,
            db_path: ctx.db_path.clone(),
            ansible: false,
            deployment: d,
            db: std::sync::Mutex::new(
                crate::db::Db::open(&ctx.db_path, crate::db::OpenMode::Existing)?
                    .0
                    .conn,
            ),
        };
        let results = crate::exec::pool::run(
            &rows,
            g.policy.max_parallel.max(1) as usize,
            crate::exec::pool::Progress::Silent,
            |r| r.host.name.clone(),
            |r| engine.cleanup_host(r),
        );
        drop(engine);
        for (r, res) in rows.iter().zip(&results) {
            let detail = match res {
                Ok(what) => what.clone(),
                Err(why) => {
                    failed.push(format!("{} (deployment {id}): {why}", r.host.name));
                    why.clone()
                }
            };
            ctx.style
                .status(format!("{}: deployment {id}: {detail}", r.host.name));
        }
        let recorded: Vec<_> = rows.iter().zip(&results).collect();
        deploy::record_cleanup(conn, id, &recorded, &ctx.actor)?;
    }
    if !failed.is_empty() {
        return Err(crate::error::Failure::new(
            crate::error::Exit::Partial,
            format!("cleanup of cycle {name} failed on {} host(s)", failed.len()),
        )
        .details(failed)
        .into());
    }
    Ok(())
}
