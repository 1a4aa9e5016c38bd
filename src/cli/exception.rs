//! `patchcycle exception add|list|rm`: scoped, expiring risk acceptance.

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Context;
use crate::error::Failure;
use crate::input::{self, InputKind};
use crate::output::{self, Format, or_dash};
use crate::scan::query::{self, Exception, NewException};
use crate::vex::{self, Justification};
use crate::{audit, clock, db, inventory};

#[derive(Debug, Subcommand)]
pub enum ExceptionCommand {
    /// Accept a risk until a date: hides matching findings from gates and counts
    Add(AddArgs),
    /// List exceptions, active and expired
    #[command(visible_alias = "ls")]
    List,
    /// Remove an exception
    Rm(RmArgs),
    /// Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)
    Export(ExportArgs),
    /// Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Advisory id or CVE the exception covers
    #[arg(long)]
    pub advisory: Option<String>,
    /// Package (binary or source name)
    #[arg(long)]
    pub package: Option<String>,
    /// Host
    #[arg(long, add = super::complete::hosts())]
    pub host: Option<String>,
    /// Group
    #[arg(long, add = super::complete::groups())]
    pub group: Option<String>,
    /// Why the risk is accepted (recorded in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Until when the exception applies: a last day (YYYY-MM-DD, through its end in the
    /// configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time; at most a year ahead
    #[arg(long, value_name = "DATE")]
    pub expires: String,
    /// Why the finding does not apply, in OpenVEX's words: exported as a not_affected
    /// statement with this justification; without it, as affected (risk accepted)
    #[arg(long, value_name = "JUSTIFICATION")]
    pub vex_justification: Option<Justification>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The document's author (default: the actor)
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Leave out active exceptions that name no advisory (each named in a warning)
    /// instead of refusing the export
    #[arg(long)]
    pub skip_without_advisory: bool,
    /// Write to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The OpenVEX 0.2.0 document (JSON)
    pub file: std::path::PathBuf,
    /// Expiry of the statements whose status_notes carry none ("patchcycle: expires
    /// TIME"): a last day, a span (30d) or an RFC 3339 time; at most a year ahead
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The exception's id (see `patchcycle exception list`)
    pub id: i64,
}

pub fn run(ctx: &Context, cmd: ExceptionCommand) -> Result<()> {
    match cmd {
        ExceptionCommand::Add(a) => add(ctx, &a),
        ExceptionCommand::List => list(ctx),
        ExceptionCommand::Rm(a) => rm(ctx, &a),
        ExceptionCommand::Export(a) => export(ctx, &a),
        ExceptionCommand::Import(a) => import(ctx, &a),
    }
}

fn add(ctx: &Context, a: &AddArgs) -> Result<()> {
    if a.advisory.is_none() && a.package.is_none() && a.host.is_none() && a.group.is_none() {
        return Err(Failure::usage(
            "an exception needs a scope: --advisory, --package, --host and/or --group",
        )
        .into());
    }
    if a.reason.trim().is_empty() {
        return Err(Failure::usage("--reason is empty").into());
    }
    inventory::validate::text("reason", &a.reason).map_err(Failure::usage)?;
    if let Some(x) = &a.advisory {
        crate::catalog::validate_id(x).map_err(Failure::usage)?;
    }
    if let Some(p) = &a.package {
        inventory::validate::name("package", p).map_err(Failure::usage)?;
    }
    let now = clock::now()?;
    let zone = ctx.config.zone();
    let until = clock::parse_date_flag("--expires", &a.expires, clock::Toward::Future, zone, now)?;
    if until <= now {
        return Err(Failure::usage(format!("--expires {} is in the past", a.expires)).into());
    }
    let latest = latest_expiry(now, zone);
    if latest.is_some_and(|latest| until > latest) {
        return Err(
            Failure::usage(format!("--expires {} is more than a year ahead", a.expires))
                .hint("risk acceptance must be reviewed at least yearly; renew it when it expires")
                .into(),
        );
    }
    let expires = clock::stamp(until);
    let shown = clock::show_until(until, zone);
    let mut db = ctx.open_db()?;
    if let Some(h) = &a.host {
        inventory::require_host(&db.conn, h)?;
    }
    if let Some(g) = &a.group {
        inventory::group_id(&db.conn, g)?;
    }
    // The id as the catalogue spells it, so that `cve-2023-4911` matches findings; an id
    // no synced source knows may come from elsewhere (a vendor bulletin): kept, with a
    // warning, since it matches only findings that carry exactly that id.
    let advisory = match &a.advisory {
        Some(x) => match crate::catalog::query::known_spelling(&db.conn, x)? {
            Some(known) => {
                if &known != x {
                    ctx.style.status(format!(
                        "{x} is spelled {known} in the catalogue; stored so"
                    ));
                }
                Some(known)
            }
            None => {
                let spelled = if crate::catalog::is_cve(&x.to_ascii_uppercase()) {
                    x.to_ascii_uppercase()
                } else {
                    x.clone()
                };
                ctx.style.warn(format!(
                    "no synced source knows {spelled}: the exception is added, but it covers only findings that name exactly this id"
                ));
                ctx.style.status(
                    "hint: check the id with `patchcycle advisory show ID`, or sync the source that has it (`patchcycle sync --status`)",
                );
                Some(spelled)
            }
        },
        None => None,
    };
    let stamp = clock::stamp(now);
    let tx = db::write_tx(&mut db.conn)?;
    let id = query::add_exception(
        &tx,
        &NewException {
            advisory: advisory.as_deref(),
            package: a.package.as_deref(),
            host: a.host.as_deref(),
            group: a.group.as_deref(),
            reason: &a.reason,
            actor: &ctx.actor,
            created_at: &stamp,
            expires: &expires,
            vex_justification: a.vex_justification,
        },
    )?;
    audit::append(
        &tx,
        &stamp,
        &ctx.actor,
        "exception.add",
        &format!("exception {id}"),
        &json!({"advisory": advisory, "package": a.package, "host": a.host, "group": a.group, "reason": a.reason, "expires": expires, "vex_justification": a.vex_justification}),
    )?;
    tx.commit()?;
    ctx.style
        .status(format!("added exception {id} (until {shown})"));
    Ok(())
}

/// The latest expiry allowed from `now`: a year ahead, through the end of that day (the
/// latest day allowed is a year and a day from today, a leap year's worth).
fn latest_expiry(
    now: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
) -> Option<chrono::DateTime<chrono::Utc>> {
    clock::day_start(now.with_timezone(&zone).date_naive(), zone)
        .map(|t| t + chrono::Duration::days(367))
}

fn export(ctx: &Context, a: &ExportArgs) -> Result<()> {
    if ctx.style.format != Format::Openvex {
        return Err(Failure::usage("exception export writes --format openvex")
            .hint("pass --format openvex (the only format of exception export)")
            .into());
    }
    let author = a.author.as_deref().unwrap_or(&ctx.actor);
    if author.trim().is_empty() {
        return Err(Failure::usage("--author is empty").into());
    }
    inventory::validate::text("--author", author).map_err(Failure::usage)?;
    let now = clock::now()?;
    let db = ctx.open_db()?;
    let out = vex::export(&db.conn, now, author, a.skip_without_advisory)?;
    for id in &out.skipped {
        ctx.style.warn(format!(
            "exception {id} left out: it names no advisory, and an OpenVEX statement is about one vulnerability"
        ));
    }
    output::write_document(a.output.as_deref(), |w| {
        w.write_all(out.document.as_bytes())?;
        Ok(())
    })?;
    ctx.style.status(format!(
        "exported {} statement{}",
        out.statements,
        if out.statements == 1 { "" } else { "s" }
    ));
    Ok(())
}

fn import(ctx: &Context, a: &ImportArgs) -> Result<()> {
    let now = clock::now()?;
    let zone = ctx.config.zone();
    let default_expires = match &a.expires {
        Some(e) => {
            let t = clock::parse_date_flag("--expires", e, clock::Toward::Future, zone, now)?;
            if t <= now {
                return Err(Failure::usage(format!("--expires {e} is in the past")).into());
            }
            Some(t)
        }
        None => None,
    };
    let name = a.file.display().to_string();
    let text = input::text(input::read_file(&a.file, InputKind::Vex)?, &name)?;
    let incoming = vex::read(
        &text,
        &vex::Limits {
            now,
            latest: latest_expiry(now, zone),
            default_expires,
        },
    )?;
    let mut db = ctx.open_db()?;
    let stamp = clock::stamp(now);
    let tx = db::write_tx(&mut db.conn)?;
    let done = vex::import(&tx, &incoming, &ctx.actor, &stamp, &name)?;
    tx.commit()?;
    if !done.unknown_ids.is_empty() {
        let shown: Vec<&str> = done
            .unknown_ids
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        let more = done.unknown_ids.len() - shown.len();
        ctx.style.warn(format!(
            "no synced source knows {}{}: those exceptions cover only findings that name exactly that id",
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    ctx.style.status(format!(
        "imported {} from {}{}",
        plural(done.added.len(), "exception", "exceptions"),
        plural(
            incoming
                .iter()
                .map(|i| i.statement)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            "statement",
            "statements"
        ),
        if done.present > 0 {
            format!(" ({} already present)", done.present)
        } else {
            String::new()
        }
    ));
    Ok(())
}

fn list(ctx: &Context) -> Result<()> {
    let db = ctx.open_db()?;
    let rows = query::exceptions(&db.conn, &clock::now_stamp()?)?;
    let zone = ctx.config.zone();
    output::list(
        &ctx.style,
        &rows,
        &[
            ("ID", &|e: &Exception| e.id.to_string()),
            ("STATE", &|e: &Exception| e.state.clone()),
            ("EXPIRES", &|e: &Exception| {
                clock::show_stored_until(&e.expires, zone)
            }),
            ("ADVISORY", &|e: &Exception| or_dash(e.advisory.as_ref())),
            ("PACKAGE", &|e: &Exception| or_dash(e.package.as_ref())),
            ("HOST", &|e: &Exception| or_dash(e.host.as_ref())),
            ("GROUP", &|e: &Exception| or_dash(e.group.as_ref())),
            ("VEX", &|e: &Exception| {
                e.vex_justification
                    .map_or_else(|| "-".to_string(), |j| j.as_str().to_string())
            }),
            ("ACTOR", &|e: &Exception| e.actor.clone()),
            ("REASON", &|e: &Exception| e.reason.clone()),
        ],
    )
}

fn rm(ctx: &Context, a: &RmArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    if !query::remove_exception(&tx, a.id)? {
        return Err(Failure::usage(format!("no exception {}", a.id))
            .hint("see `patchcycle exception list`")
            .into());
    }
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "exception.rm",
        &format!("exception {}", a.id),
        &json!({}),
    )?;
    tx.commit()?;
    ctx.style.status(format!("removed exception {}", a.id));
    Ok(())
}
