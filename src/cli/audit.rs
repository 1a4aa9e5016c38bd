//! `patchcycle audit list|verify|anchor|export`.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::audit::{self, Entry, Filter, anchor};
use crate::error::Failure;
use crate::output::{self, Format};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit rows, oldest first
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Recompute the hash chain; exit 1 and name the first bad row when broken
    ///
    /// The chain alone shows only that the rows agree with each other: whoever can write
    /// the database can edit a row and recompute every later hash. With --anchor or --head,
    /// the chain must also hold the heads recorded by `audit anchor`, which catches such a
    /// rewrite.
    Verify(VerifyArgs),
    /// Record the chain's head outside the database, for `audit verify --anchor`
    ///
    /// Appends the head (row and hash) with an HMAC-SHA-256 made with a key file to an
    /// anchor file; or, with --print, prints it (ROW:HASH) for an external store (a ticket,
    /// a chat, WORM storage). A chain that does not verify is not anchored.
    Anchor(AnchorArgs),
    /// Export rows with the chain's verification, as evidence (ISO 27001, SOX);
    /// --format json or csv; exit 1 when the chain is broken (the export is still written)
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Also compare the chain with the anchors of this file (made by `audit anchor`; each
    /// line's MAC is checked with --key) [default FILE: <db>.audit-anchors]
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    pub anchor: Option<Option<std::path::PathBuf>>,
    /// Also compare the chain with a head printed by `audit anchor --print` and kept
    /// elsewhere (ROW:HASH); repeatable
    #[arg(long, value_name = "ROW:HASH", value_parser = parse_head)]
    pub head: Vec<anchor::Head>,
    /// The key file that signed the anchors [default: <db>.audit-key]
    #[arg(long, value_name = "FILE", requires = "anchor")]
    pub key: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnchorArgs {
    /// Append the anchor to this file [default: <db>.audit-anchors]
    #[arg(short, long, value_name = "FILE", conflicts_with = "print")]
    pub output: Option<std::path::PathBuf>,
    /// The HMAC key file, created (mode 0600, 32 random bytes) when missing; refused when
    /// group or others may access it [default: <db>.audit-key]
    #[arg(long, value_name = "FILE", conflicts_with = "print")]
    pub key: Option<std::path::PathBuf>,
    /// Print the head (ROW:HASH) on stdout for an external store instead of writing a file;
    /// check it later with `audit verify --head ROW:HASH`
    #[arg(long)]
    pub print: bool,
}

fn parse_head(s: &str) -> std::result::Result<anchor::Head, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured
    /// time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Write to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// The `schema` value of `audit export --format json`.
pub const EXPORT_SCHEMA: &str = "patchcycle-audit-export/1";

/// One exported row: the stored row and whether the verified chain covers it.
#[derive(Debug, Serialize)]
struct ExportRow<'a> {
    seq: i64,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    object: &'a str,
    details: String,
    prev_hash: &'a str,
    hash: &'a str,
    chain_verified: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured
    /// time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time
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
        AuditCommand::Verify(a) => verify(ctx, &a),
        AuditCommand::Anchor(a) => anchor(ctx, &a),
        AuditCommand::Export(a) => export(ctx, &a),
    }
}

/// `--since`: a day (from its start in the configured zone), a span back from now (`7d`)
/// or an RFC 3339 time, in the stored (UTC, seconds) form.
fn parse_since(ctx: &Context, s: &str) -> Result<String> {
    let at = crate::clock::parse_date_flag(
        "--since",
        s,
        crate::clock::Toward::Past,
        ctx.config.zone(),
        crate::clock::now()?,
    )?;
    Ok(crate::clock::stamp(at))
}

fn list(ctx: &Context, a: ListArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let filter = Filter {
        since: a
            .since
            .as_deref()
            .map(|s| parse_since(ctx, s))
            .transpose()?,
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

fn verify(ctx: &Context, a: &VerifyArgs) -> Result<()> {
    let db = ctx.open_db()?;
    // The anchors are read (and their MACs checked) before the chain: a bad key or a
    // forged anchor file stops here, whatever the chain says.
    let mut anchored: Vec<anchor::Anchored> = Vec::new();
    if let Some(file) = &a.anchor {
        let file = file
            .clone()
            .unwrap_or_else(|| anchor::default_anchor_path(&db.path));
        let key_path = a
            .key
            .clone()
            .unwrap_or_else(|| anchor::default_key_path(&db.path));
        let key = anchor::load_key(&key_path)?;
        anchored.extend(
            anchor::read_anchors(&file, &key)?
                .into_iter()
                .map(anchor::Anchored::from),
        );
    }
    anchored.extend(a.head.iter().map(|h| anchor::Anchored {
        head: h.clone(),
        source: "given with --head".into(),
    }));
    let v = audit::verify_anchored(&db.conn, &anchored)?;
    match ctx.style.format {
        Format::Json => output::out_line(serde_json::to_string_pretty(&v)?)?,
        Format::Csv => output::show(&ctx.style, &v, &[])?,
        _ => {
            if v.ok {
                let anchors = match &v.anchor {
                    Some(c) => format!(
                        "; matches {} anchored head(s), the newest at row {}",
                        c.anchors,
                        c.matched_up_to.unwrap_or(0)
                    ),
                    None => String::new(),
                };
                output::out_line(format!(
                    "audit chain intact: {} row(s), last hash {}{anchors}",
                    v.rows,
                    v.last_hash.as_deref().unwrap_or("-")
                ))?;
            }
        }
    }
    if v.ok {
        return Ok(());
    }
    if let Some(check) = v.anchor.as_ref().filter(|c| !c.ok) {
        return Err(Failure::gate(format!(
            "audit chain does not match its anchor: {}",
            check.problem.as_deref().unwrap_or("unknown problem")
        ))
        .hint("the database was changed outside patchcycle and its hashes recomputed; compare with a backup from before the anchor and investigate")
        .into());
    }
    Err(Failure::gate(format!(
        "audit chain broken at row {}: {}",
        v.first_bad_seq.unwrap_or(0),
        v.problem.as_deref().unwrap_or("unknown problem")
    ))
    .hint("the database was changed outside patchcycle; compare with a backup and investigate")
    .into())
}

fn anchor(ctx: &Context, a: &AnchorArgs) -> Result<()> {
    let db = ctx.open_db()?;
    // Anchoring a chain that does not verify would vouch for the damage.
    let tx = db.conn.unchecked_transaction()?;
    let v = audit::verify(&tx)?;
    let head = anchor::head(&tx)?;
    tx.finish()?;
    if !v.ok {
        return Err(Failure::gate(format!(
            "audit chain broken at row {}: {}; not anchoring it",
            v.first_bad_seq.unwrap_or(0),
            v.problem.as_deref().unwrap_or("unknown problem")
        ))
        .hint("`patchcycle audit verify` names the damage; compare with a backup and investigate")
        .into());
    }
    let Some(head) = head else {
        return Err(Failure::usage("the audit log is empty: nothing to anchor").into());
    };
    if a.print {
        return output::out_line(head.to_string());
    }
    let key_path = a
        .key
        .clone()
        .unwrap_or_else(|| anchor::default_key_path(&db.path));
    let file = a
        .output
        .clone()
        .unwrap_or_else(|| anchor::default_anchor_path(&db.path));
    let (key, created) = anchor::load_or_create_key(&key_path)?;
    if created {
        ctx.style.status(format!(
            "created audit key {} (mode 0600): keep a copy apart from the database; whoever reads it can forge anchors",
            key_path.display()
        ));
    }
    let mut anchors = anchor::existing(&file, &key)?;
    // A chain that no longer holds the file's anchors was rewritten (or restored from a
    // backup): a new anchor appended to them would fail every later check anyway.
    let prior: Vec<anchor::Anchored> = anchors.iter().cloned().map(Into::into).collect();
    let check = anchor::check(&db.conn, &prior)?;
    if !check.ok {
        return Err(Failure::gate(format!(
            "audit chain does not match the anchors of {}: {}; not anchoring it",
            file.display(),
            check.problem.as_deref().unwrap_or("unknown problem")
        ))
        .hint("investigate with `patchcycle audit verify --anchor`; after restoring the database from a backup, move the anchor file aside to start a new one")
        .into());
    }
    anchors.push(anchor::Anchor {
        head: head.clone(),
        at: crate::clock::now_stamp()?,
    });
    let text = anchor::render(&key, &anchors);
    output::write_document(Some(&file), |w| {
        Ok(std::io::Write::write_all(w, text.as_bytes())?)
    })?;
    ctx.style.status(format!(
        "anchored row {} (hash {}) in {}",
        head.seq,
        head.hash,
        file.display()
    ));
    Ok(())
}

fn export(ctx: &Context, a: &ExportArgs) -> Result<()> {
    if !matches!(ctx.style.format, Format::Json | Format::Csv) {
        return Err(
            Failure::usage("audit export writes --format json or --format csv")
                .hint("pass --format json (one document) or --format csv (one row per audit row)")
                .into(),
        );
    }
    let since = a
        .since
        .as_deref()
        .map(|s| parse_since(ctx, s))
        .transpose()?;
    let db = ctx.open_db()?;
    // One read transaction: the rows and their verification see the same log.
    let tx = db.conn.unchecked_transaction()?;
    let v = audit::verify(&tx)?;
    let rows = audit::list(
        &tx,
        &Filter {
            since: since.clone(),
            ..Filter::default()
        },
    )?;
    tx.finish()?;
    let verified = |seq: i64| v.ok || v.first_bad_seq.is_some_and(|b| seq < b);
    let export_rows: Vec<ExportRow<'_>> = rows
        .iter()
        .map(|e| ExportRow {
            seq: e.seq,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            object: &e.object,
            details: e.details.to_string(),
            prev_hash: &e.prev_hash,
            hash: &e.hash,
            chain_verified: verified(e.seq),
        })
        .collect();
    let text = if ctx.style.format == Format::Json {
        let doc = json!({
            "schema": EXPORT_SCHEMA,
            "generated_at": crate::clock::now_stamp()?,
            "generator": format!("patchcycle {}", env!("CARGO_PKG_VERSION")),
            "database": db.path.display().to_string(),
            "since": since,
            "verification": v,
            "rows": export_rows.len(),
            "entries": rows.iter().zip(&export_rows).map(|(e, x)| json!({
                "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                "object": e.object, "details": e.details, "prev_hash": e.prev_hash,
                "hash": e.hash, "chain_verified": x.chain_verified
            })).collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&doc)?;
        s.push('\n');
        s
    } else {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.write_record([
            "seq",
            "at",
            "actor",
            "action",
            "object",
            "details",
            "prev_hash",
            "hash",
            "chain_verified",
        ])?;
        for r in &export_rows {
            // The JSON export keeps raw text (and verifies against the chain as is); here
            // a cell a spreadsheet would run gets its leading `'` (see output::csv_text).
            let cells = [
                r.seq.to_string(),
                r.at.to_string(),
                r.actor.to_string(),
                r.action.to_string(),
                r.object.to_string(),
                r.details.clone(),
                r.prev_hash.to_string(),
                r.hash.to_string(),
                r.chain_verified.to_string(),
            ];
            w.write_record(cells.iter().map(|c| output::csv_text(c).into_owned()))?;
        }
        String::from_utf8(w.into_inner()?)?
    };
    output::write_document(a.output.as_deref(), |w| {
        Ok(std::io::Write::write_all(w, text.as_bytes())?)
    })?;
    if v.ok {
        ctx.style.status(format!(
            "exported {} audit row(s); chain intact: {} row(s), last hash {}",
            export_rows.len(),
            v.rows,
            v.last_hash.as_deref().unwrap_or("-")
        ));
        return Ok(());
    }
    Err(Failure::gate(format!(
        "exported {} audit row(s), but the chain is broken at row {}: {}",
        export_rows.len(),
        v.first_bad_seq.unwrap_or(0),
        v.problem.as_deref().unwrap_or("unknown problem")
    ))
    .hint("rows from the first bad one on are marked chain_verified=false; compare with a backup")
    .into())
}
