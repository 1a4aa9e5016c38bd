//! `patchcycle init`: write the default config and create the database.

use std::fs;
use std::io::ErrorKind;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

use anyhow::Result;
use clap::Args;

use super::Context;
use crate::config::{ConfigSource, DEFAULT_CONFIG};
use crate::db::{self, Db, OpenMode};
use crate::error::Failure;
use crate::{audit, clock};

#[derive(Debug, Args)]
pub struct InitArgs {}

pub fn run(ctx: &Context, _args: &InitArgs) -> Result<()> {
    let (mut db, created) = Db::open(&ctx.db_path, OpenMode::Create)?;
    ctx.warn_trigger_repairs(&db);
    let tightened = db::tighten_permissions(&ctx.db_path)?;
    if created {
        let tx = db::write_tx(&mut db.conn)?;
        audit::append(
            &tx,
            &clock::now_stamp()?,
            &ctx.actor,
            "db.init",
            &ctx.db_path.display().to_string(),
            &serde_json::json!({ "schema_version": db::schema_version() }),
        )?;
        tx.commit()?;
    }
    let state = match (created, tightened) {
        (true, _) => "created".to_string(),
        (false, true) => "exists, permissions tightened to 0600".to_string(),
        (false, false) => "exists, kept".to_string(),
    };
    ctx.style.status(format!(
        "database: {} ({state}; schema version {})",
        ctx.db_path.display(),
        db.stored_version()?
    ));
    let config_path = ctx.config_source.path();
    match &ctx.config_source {
        ConfigSource::File(_) => ctx.style.status(format!(
            "config:   {} (exists, kept)",
            config_path.display()
        )),
        ConfigSource::Defaults(_) => {
            write_new_file(config_path, DEFAULT_CONFIG)?;
            ctx.style
                .status(format!("config:   {} (created)", config_path.display()));
        }
    }

    Ok(())
}

/// Writes a file that must not exist yet (mode 0600, directory 0700).
fn write_new_file(path: &std::path::Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        Failure::runtime(format!("cannot write config {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(fail)?;
    }
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(f) => f,
        // Another init raced us: the file is there, which is all we wanted.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(fail(e).into()),
    };
    file.write_all(text.as_bytes()).map_err(fail)?;
    Ok(())
}
