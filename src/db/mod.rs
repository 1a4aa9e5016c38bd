//! The SQLite store: opening (WAL, busy timeout, foreign keys, mode 0600) and migrations.
//!
//! Every write goes through [`write_tx`], an IMMEDIATE transaction: taking the write lock
//! up front lets SQLite's busy handler wait for a concurrent writer instead of failing
//! with "database is locked" when a read transaction tries to upgrade.

pub mod stored;

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
    (
        8,
        "0008_package_state.sql",
        include_str!("../../migrations/0008_package_state.sql"),
    ),
    (
        9,
        "0009_refused_rows.sql",
        include_str!("../../migrations/0009_refused_rows.sql"),
    ),
    (
        10,
        "0010_image_hosts.sql",
        include_str!("../../migrations/0010_image_hosts.sql"),
    ),
    (
        11,
        "0011_restart.sql",
        include_str!("../../migrations/0011_restart.sql"),
    ),
    (
        12,
        "0012_deployment_manager.sql",
        include_str!("../../migrations/0012_deployment_manager.sql"),
    ),
    (
        13,
        "0013_msrc.sql",
        include_str!("../../migrations/0013_msrc.sql"),
    ),
    (
        14,
        "0014_windows.sql",
        include_str!("../../migrations/0014_windows.sql"),
    ),
    (
        15,
        "0015_gates.sql",
        include_str!("../../migrations/0015_gates.sql"),
    ),
    (
        16,
        "0016_incremental.sql",
        include_str!("../../migrations/0016_incremental.sql"),
    ),
    (
        17,
        "0017_trendsvex.sql",
        include_str!("../../migrations/0017_trendsvex.sql"),
    ),
    (
        18,
        "0018_reuse.sql",
        include_str!("../../migrations/0018_reuse.sql"),
    ),
    (
        19,
        "0019_findings_ref.sql",
        include_str!("../../migrations/0019_findings_ref.sql"),
    ),
    (
        20,
        "0020_scan_rows.sql",
        include_str!("../../migrations/0020_scan_rows.sql"),
    ),
];

/// The schema version this binary writes.
pub fn schema_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// patchcycle's SQLite `application_id` (the bytes "PCYC"): it tells a patchcycle
/// database from any other SQLite file (`file(1)` shows it too). Stamped on the first
/// open by a patchcycle that knows it; a database made before it is recognised by its
/// schema ([`Identity::Unstamped`]).
pub const APPLICATION_ID: i32 = 0x5043_5943;

/// Tables every patchcycle database has had since its first migration.
const FIRST_TABLES: [&str; 3] = ["groups", "hosts", "audit"];

/// What a SQLite file is, judged before anything is written to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// It carries patchcycle's application_id.
    Ours,
    /// patchcycle's schema without the application_id (made before it existed).
    Unstamped,
    /// No table and no schema version: a 0-byte file or a fresh SQLite file.
    Empty,
    /// Another application's file; the reason says how it was told.
    Foreign(String),
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
    /// What opening found wrong with the audit log's append-only triggers and put right
    /// (empty when nothing was).
    pub trigger_repairs: Vec<TriggerRepair>,
}

/// The append-only guards of the audit table, exactly as migration 0001 creates them.
pub const AUDIT_TRIGGERS: [(&str, &str); 2] = [
    (
        "audit_no_update",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n\
         BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ),
    (
        "audit_no_delete",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n\
         BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ),
];

/// A trigger of the audit table that was not as patchcycle made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerRepair {
    /// One of [`AUDIT_TRIGGERS`] was gone; it was created again.
    Restored(String),
    /// One of [`AUDIT_TRIGGERS`] had another body; it was replaced.
    Replaced(String),
    /// A trigger patchcycle never makes (one firing on INSERT could drop or alter new
    /// rows); it was dropped.
    Removed(String),
}

impl std::fmt::Display for TriggerRepair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TriggerRepair::Restored(n) => write!(f, "{n} was missing"),
            TriggerRepair::Replaced(n) => write!(f, "{n} was altered"),
            TriggerRepair::Removed(n) => write!(f, "{n} is not patchcycle's"),
        }
    }
}

/// Whitespace does not matter when comparing a trigger's stored text.
fn normalized(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is wrong with the audit table's triggers.
fn audit_trigger_problems(conn: &Connection) -> Result<Vec<TriggerRepair>> {
    let mut stmt = conn.prepare(
        "SELECT name, coalesce(sql, '') FROM sqlite_master \
         WHERE type = 'trigger' AND lower(tbl_name) = 'audit' ORDER BY name",
    )?;
    let present: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for (name, sql) in AUDIT_TRIGGERS {
        match present.iter().find(|(n, _)| n == name) {
            None => problems.push(TriggerRepair::Restored(name.to_string())),
            Some((_, stored)) if normalized(stored) != normalized(sql) => {
                problems.push(TriggerRepair::Replaced(name.to_string()));
            }
            Some(_) => {}
        }
    }
    for (name, _) in &present {
        if !AUDIT_TRIGGERS.iter().any(|(n, _)| n == name) {
            problems.push(TriggerRepair::Removed(name.clone()));
        }
    }
    Ok(problems)
}

/// Puts the audit table's triggers back as migration 0001 made them. A cheap read first,
/// so an intact database is not write-locked on every open.
fn repair_audit_triggers(conn: &mut Connection) -> Result<Vec<TriggerRepair>> {
    if audit_trigger_problems(conn)?.is_empty() {
        return Ok(Vec::new());
    }
    let tx = write_tx(conn)?;
    // Again under the write lock: another process may have repaired them meanwhile.
    let problems = audit_trigger_problems(&tx)?;
    for problem in &problems {
        let name = match problem {
            TriggerRepair::Restored(n) | TriggerRepair::Replaced(n) | TriggerRepair::Removed(n) => {
                n
            }
        };
        tx.execute_batch(&format!(
            "DROP TRIGGER IF EXISTS \"{}\";",
            name.replace('"', "\"\"")
        ))?;
        if let Some((_, sql)) = AUDIT_TRIGGERS.iter().find(|(n, _)| n == name) {
            tx.execute_batch(sql)?;
        }
    }
    tx.commit()
        .context("restoring the audit log's append-only triggers")?;
    Ok(problems)
}

impl Db {
    /// Opens (and with [`OpenMode::Create`], creates) the database and brings its schema
    /// up to date. Returns whether the database was created (a new file, or an empty one
    /// `init` adopted).
    ///
    /// Refused (exit 2) before anything is written: a file not owned by the user or
    /// writable by group or others, another application's SQLite file, and an empty file
    /// for any command but `init`.
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
        check_owner_and_mode(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| runtime_db_error(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Before the first write (WAL, migrations): another application's file is left
        // byte for byte as it was.
        let identity = identify(&conn).map_err(|e| runtime_db_error(path, e))?;
        match (&identity, mode) {
            (Identity::Foreign(reason), _) => return Err(foreign(path, reason)),
            (Identity::Empty, OpenMode::Existing) => {
                return Err(Failure::usage(format!(
                    "database {} is empty: it holds no patchcycle schema",
                    path.display()
                ))
                .hint(format!(
                    "run `patchcycle --db {} init` to make it a patchcycle database",
                    path.display()
                ))
                .into());
            }
            _ => {}
        }
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
        // A scan stores every host with the same few dozen statements (matching and
        // storing): all of them stay prepared, not just rusqlite's default 16.
        conn.set_prepared_statement_cache_capacity(64);
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
            trigger_repairs: Vec::new(),
        };
        db.migrate(identity != Identity::Ours)?;
        db.trigger_repairs = repair_audit_triggers(&mut db.conn).map_err(|e| {
            Failure::runtime(format!(
                "cannot restore the audit log's append-only triggers in {}",
                path.display()
            ))
            .source(e)
        })?;
        // An empty file `init` adopted is a database created now.
        Ok((db, created || identity == Identity::Empty))
    }

    /// Opens an existing database for reading only: no migration, no journal-mode change,
    /// no lock held beyond a read (shell completion reads names while a deploy may run).
    /// A database of another schema version is refused, since its tables may differ.
    pub fn open_read_only(path: &Path) -> Result<Db> {
        check_owner_and_mode(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| runtime_db_error(path, e))?;
        conn.busy_timeout(Duration::from_millis(500))?;
        match identify(&conn).map_err(|e| runtime_db_error(path, e))? {
            Identity::Ours | Identity::Unstamped => {}
            Identity::Foreign(reason) => return Err(foreign(path, &reason)),
            Identity::Empty => return Err(foreign(path, "it is empty")),
        }
        let db = Db {
            conn,
            path: path.to_path_buf(),
            trigger_repairs: Vec::new(),
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

    /// Applies the missing migrations and, with `stamp`, sets the application_id, in one
    /// transaction.
    fn migrate(&mut self, stamp: bool) -> Result<()> {
        let path = self.path.clone();
        // Cheap check first, so a current database is not write-locked on every open.
        if self.stored_version()? == schema_version() && !stamp {
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
        if stamp {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.commit().context("committing migrations")?;
        Ok(())
    }
}

/// SQLite's `PRAGMA integrity_check`: "ok", or the first problem it finds.
pub fn integrity_check(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
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

/// What the file holds, read without writing: its application_id, schema version and
/// table names.
pub fn identify(conn: &Connection) -> rusqlite::Result<Identity> {
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if application_id == APPLICATION_ID {
        return Ok(Identity::Ours);
    }
    if application_id != 0 {
        return Ok(Identity::Foreign(format!(
            "its SQLite application_id is {:#010x}, patchcycle's is {APPLICATION_ID:#010x}",
            application_id as u32
        )));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if tables.is_empty() && version == 0 {
        return Ok(Identity::Empty);
    }
    if version >= 1 && FIRST_TABLES.iter().all(|t| tables.iter().any(|n| n == t)) {
        return Ok(Identity::Unstamped);
    }
    Ok(Identity::Foreign(if tables.is_empty() {
        format!("it has schema version {version} and no table")
    } else {
        format!(
            "it holds tables patchcycle did not make ({})",
            crate::output::first_few(tables.iter().map(|t| crate::text::one_line(t)), 3)
        )
    }))
}

fn foreign(path: &Path, reason: &str) -> anyhow::Error {
    Failure::usage(format!(
        "{} is not a patchcycle database: {reason}",
        path.display()
    ))
    .hint("point --db / PATCHCYCLE_DB at a patchcycle database; patchcycle leaves another application's file as it is")
    .into()
}

/// The database and its WAL and shared-memory files must be the user's own and not
/// writable by group or others: whoever else can write them can rewrite the fleet's
/// findings, approvals and audit log (even a root-run patchcycle would trust them).
/// Checked before SQLite opens them, so a refused file is left as it is.
fn check_owner_and_mode(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let companions = ["-wal", "-shm"].map(|suffix| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    });
    let me = crate::account::effective_uid();
    for (i, file) in std::iter::once(path.to_path_buf())
        .chain(companions)
        .enumerate()
    {
        let meta = match fs::metadata(&file) {
            Ok(m) => m,
            // A companion that is not there is made by SQLite with the database's mode.
            Err(e) if i > 0 && e.kind() == ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(
                    Failure::runtime(format!("cannot inspect {}: {e}", file.display())).into(),
                );
            }
        };
        if !meta.is_file() {
            return Err(Failure::usage(format!(
                "database path {} is not a regular file",
                file.display()
            ))
            .into());
        }
        if meta.uid() != me {
            let name = |uid: u32| {
                crate::account::by_uid(uid).map_or_else(
                    || format!("uid {uid}"),
                    |a| format!("{} (uid {uid})", a.name),
                )
            };
            return Err(Failure::usage(format!(
                "database {} belongs to {}; you are {}",
                file.display(),
                name(meta.uid()),
                name(me)
            ))
            .hint("run patchcycle as the database's owner; patchcycle uses only a database file of your own")
            .into());
        }
        let open_to = match meta.mode() & 0o022 {
            0 => continue,
            0o020 => "group",
            0o002 => "others",
            _ => "group and others",
        };
        return Err(Failure::usage(format!(
            "database {} is writable by {open_to} (mode {:04o})",
            file.display(),
            meta.mode() & 0o7777
        ))
        .hint(format!(
            "make it private: chmod 600 {} (then check that nobody changed it)",
            file.display()
        ))
        .into());
    }
    Ok(())
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

/// The one line that says the audit log's guards were tampered with and put right.
pub fn trigger_repair_notice(repairs: &[TriggerRepair]) -> String {
    let what = repairs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "the audit log's append-only triggers were tampered with ({what}); restored them: check the log with `patchcycle audit verify --anchor`"
    )
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
