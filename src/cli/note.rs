//! `patchcycle note add|list`: the knowledge base on advisories and packages.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Context;
use crate::catalog::notes::{self, Note};
use crate::error::Failure;
use crate::output::{self, or_dash};
use crate::{audit, clock, db, inventory};

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Add a note on an advisory or a package
    Add(AddArgs),
    /// List notes
    #[command(visible_alias = "ls")]
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The advisory or CVE the note is about
    #[arg(long, required_unless_present = "package")]
    pub advisory: Option<String>,
    /// The package the note is about
    #[arg(long)]
    pub package: Option<String>,
    /// The note
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only notes on this advisory or CVE
    #[arg(long)]
    pub advisory: Option<String>,
    /// Only notes on this package
    #[arg(long)]
    pub package: Option<String>,
}

pub fn run(ctx: &Context, cmd: NoteCommand) -> Result<()> {
    match cmd {
        NoteCommand::Add(a) => add(ctx, &a),
        NoteCommand::List(a) => list(ctx, &a),
    }
}

fn add(ctx: &Context, a: &AddArgs) -> Result<()> {
    if a.text.trim().is_empty() {
        return Err(Failure::usage("the note is empty").into());
    }
    inventory::validate::text("note", &a.text).map_err(Failure::usage)?;
    if let Some(x) = &a.advisory {
        crate::catalog::validate_id(x).map_err(Failure::usage)?;
    }
    if let Some(p) = &a.package {
        inventory::validate::name("package", p).map_err(Failure::usage)?;
    }
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    let id = notes::add(
        &tx,
        a.advisory.as_deref(),
        a.package.as_deref(),
        &a.text,
        &ctx.actor,
        &now,
    )?;
    let object = a
        .advisory
        .clone()
        .or_else(|| a.package.clone())
        .unwrap_or_default();
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "note.add",
        &object,
        &json!({"id": id, "text": a.text}),
    )?;
    tx.commit()?;
    ctx.style.status(format!("added note {id} on {object}"));
    Ok(())
}

fn list(ctx: &Context, a: &ListArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let notes = notes::list(&db.conn, a.advisory.as_deref(), a.package.as_deref())?;
    output::list(
        &ctx.style,
        &notes,
        &[
            ("ID", &|n: &Note| n.id.to_string()),
            ("ADVISORY", &|n: &Note| or_dash(n.advisory.as_ref())),
            ("PACKAGE", &|n: &Note| or_dash(n.package.as_ref())),
            ("ACTOR", &|n: &Note| n.actor.clone()),
            ("AT", &|n: &Note| n.at.clone()),
            ("NOTE", &|n: &Note| n.text.clone()),
        ],
    )
}
