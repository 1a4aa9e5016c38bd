//! `patchcycle audit list|verify`.

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Context;
use crate::audit::{self, Entry, Filter};
use crate::error::Failure;
use crate::output::{self, Format};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit rows, oldest first
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Recompute the hash chain; exit 1 and name the first bad row when broken
    Verify,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only rows at or after this time (RFC 3339 or YYYY-MM-DD, UTC)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only this action, or a family of them (`host` matches host.add, host.rm, …)
    #[arg(long)]
    pub action: Option<String>,
    /// Only rows about this object (host, group, …)
    #[arg(long)]
    pub object: Option<String>,
    /// Only the newest N rows
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<u32>,
}

pub fn run(ctx: &Context, cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::List(a) => list(ctx, a),
        AuditCommand::Verify => verify(ctx),
    }
}

/// Accepts `YYYY-MM-DD` or RFC 3339 and returns the stored (UTC, seconds) form.
fn parse_since(s: &str) -> Result<String> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(format!("{d}T00:00:00Z"));
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| crate::clock::stamp(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            Failure::usage(format!(
                "--since {s:?} is neither YYYY-MM-DD nor an RFC 3339 time"
            ))
            .into()
        })
}

fn list(ctx: &Context, a: ListArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let filter = Filter {
        since: a.since.as_deref().map(parse_since).transpose()?,
        action: a.action,
        object: a.object,
        limit: a.limit,
    };
    let rows = audit::list(&db.conn, &filter)?;
    output::list(
        &ctx.style,
        &rows,
        &[
            ("SEQ", &|e: &Entry| e.seq.to_string()),
            ("AT", &|e: &Entry| e.at.clone()),
            ("ACTOR", &|e: &Entry| e.actor.clone()),
            ("ACTION", &|e: &Entry| e.action.clone()),
            ("OBJECT", &|e: &Entry| e.object.clone()),
            ("HASH", &|e: &Entry| e.hash.chars().take(12).collect()),
        ],
    )
}

fn verify(ctx: &Context) -> Result<()> {
    let db = ctx.open_db()?;
    let v = audit::verify(&db.conn)?;
    match ctx.style.format {
        Format::Json => output::out_line(serde_json::to_string_pretty(&v)?)?,
        Format::Csv => output::show(&ctx.style, &v, &[])?,
        Format::Table => {
            if v.ok {
                output::out_line(format!(
                    "audit chain intact: {} row(s), last hash {}",
                    v.rows,
                    v.last_hash.as_deref().unwrap_or("-")
                ))?;
            }
        }
    }
    if v.ok {
        return Ok(());
    }
    Err(Failure::gate(format!(
        "audit chain broken at row {}: {}",
        v.first_bad_seq.unwrap_or(0),
        v.problem.as_deref().unwrap_or("unknown problem")
    ))
    .hint("the database was changed outside patchcycle; compare with a backup and investigate")
    .into())
}
