//! The SQLite store: opening (WAL, busy timeout, foreign keys, mode 0600) and migrations.
//!
//! Every write goes through [`write_tx`], an IMMEDIATE transaction: taking the write lock
//! up front lets SQLite's busy handler wait for a concurrent writer instead of failing
//! with "database is locked" when a read transaction tries to upgrade.

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::Failure;

/// Numbered migrations, applied in order. Never edit a released one: append a new file.
pub const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "0001_init.sql",
        include_str!("../../migrations/0001_init.sql"),
    ),
    (
        2,
        "0002_catalog.sql",
        include_str!("../../migrations/0002_catalog.sql"),
    ),
    (
        3,
        "0003_scans.sql",
        include_str!("../../migrations/0003_scans.sql"),
    ),
    (
        4,
        "0004_cycle.sql",
        include_str!("../../migrations/0004_cycle.sql"),
    ),
    (
        5,
        "0005_deploy.sql",
        include_str!("../../migrations/0005_deploy.sql"),
    ),
    (
        6,
        "0006_state.sql",
        include_str!("../../migrations/0006_state.sql"),
    ),
    (
        7,
        "0007_catalog.sql",
        include_str!("../../migrations/0007_catalog.sql"),
    ),
];

/// The schema version this binary writes.
pub fn schema_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// How long a writer waits for another one before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether opening may create the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `init` only: create the file (and its directory) when missing.
    Create,
    /// Every other command: the file must exist.
    Existing,
}

/// An open database.
pub struct Db {
    pub conn: Connection,
    pub path: PathBuf,
}

impl Db {
    /// Opens (and with [`OpenMode::Create`], creates) the database and brings its schema
    /// up to date. Returns whether the file was created.
    pub fn open(path: &Path, mode: OpenMode) -> Result<(Db, bool)> {
        let created = match mode {
            OpenMode::Existing => {
                if !path.exists() {
                    return Err(Failure::usage(format!(
                        "database {} does not exist",
                        path.display()
                    ))
                    .hint("run `patchcycle init` first, or point --db / PATCHCYCLE_DB at an existing database")
                    .into());
                }
                false
            }
            OpenMode::Create => create_file(path)?,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| runtime_db_error(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers run beside the one writer; it is a property of the file, so
        // setting it again is cheap.
        let journal: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| runtime_db_error(path, e))?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(Failure::runtime(format!(
                "database {} cannot use WAL journal mode (got {journal})",
                path.display()
            ))
            .into());
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
        };
        db.migrate()?;
        Ok((db, created))
    }

    /// Opens an existing database for reading only: no migration, no journal-mode change,
    /// no lock held beyond a read (shell completion reads names while a deploy may run).
    /// A database of another schema version is refused, since its tables may differ.
    pub fn open_read_only(path: &Path) -> Result<Db> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| runtime_db_error(path, e))?;
        conn.busy_timeout(Duration::from_millis(500))?;
        let db = Db {
            conn,
            path: path.to_path_buf(),
        };
        let stored = db.stored_version()?;
        if stored != schema_version() {
            return Err(Failure::runtime(format!(
                "database {} has schema version {stored}, this patchcycle reads {}",
                path.display(),
                schema_version()
            ))
            .into());
        }
        Ok(db)
    }

    /// The schema version stored in the file.
    pub fn stored_version(&self) -> Result<u32> {
        let v: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(u32::try_from(v).unwrap_or(u32::MAX))
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        // Cheap check first, so a current database is not write-locked on every open.
        if self.stored_version()? == schema_version() {
            return Ok(());
        }
        let tx = write_tx(&mut self.conn)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let current = u32::try_from(current).unwrap_or(u32::MAX);
        if current > schema_version() {
            return Err(Failure::runtime(format!(
                "database {} has schema version {current}, newer than this patchcycle understands ({})",
                path.display(),
                schema_version()
            ))
            .hint("upgrade patchcycle to a release that knows this schema; do not downgrade a database")
            .into());
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            tx.execute_batch(sql)
                .with_context(|| format!("applying migration {name}"))?;
            tx.pragma_update(None, "user_version", version)?;
        }
        tx.commit().context("committing migrations")?;
        Ok(())
    }
}

/// Begins the one write transaction of a command.
pub fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .context("starting a write transaction")
}

/// Creates the database file with mode 0600 (its directory 0700) if it does not exist.
fn create_file(path: &Path) -> Result<bool> {
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                Failure::runtime(format!(
                    "cannot create directory {} for the database: {e}",
                    dir.display()
                ))
            })?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let meta = fs::metadata(path)?;
            if !meta.is_file() {
                return Err(Failure::usage(format!(
                    "database path {} is not a regular file",
                    path.display()
                ))
                .into());
            }
            Ok(false)
        }
        Err(e) => {
            Err(Failure::runtime(format!("cannot create database {}: {e}", path.display())).into())
        }
    }
}

/// Permissions of the database file: tightened to 0600 if something loosened them.
pub fn tighten_permissions(path: &Path) -> Result<bool> {
    let meta = fs::metadata(path)?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
        return Ok(true);
    }
    Ok(false)
}

fn runtime_db_error(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    Failure::runtime(format!("cannot open database {}", path.display()))
        .source(e)
        .into()
}

/// `s` as a literal inside a LIKE pattern written with `ESCAPE '\'`: its `%`, `_` and
/// `\` match only themselves, so `advisory search %` finds a literal percent sign, not
/// every row.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
