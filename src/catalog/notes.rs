//! Notes (the `notes` table): free text a person attaches to an advisory or a package,
//! shown in `note list` and beside the patch in the approval picker.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;

/// A note as stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Note {
    pub id: i64,
    pub advisory: Option<String>,
    pub package: Option<String>,
    pub text: String,
    pub actor: String,
    pub at: String,
}

/// Adds a note (inside the caller's write transaction, with its audit entry); its id.
pub fn add(
    conn: &Connection,
    advisory: Option<&str>,
    package: Option<&str>,
    text: &str,
    actor: &str,
    at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO notes (advisory, package, body, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![advisory, package, text, actor, at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The notes on an advisory and/or a package (either `None`: any), oldest first.
pub fn list(conn: &Connection, advisory: Option<&str>, package: Option<&str>) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare(
        "SELECT id, advisory, package, body, actor, at FROM notes \
         WHERE (?1 IS NULL OR advisory = ?1) AND (?2 IS NULL OR package = ?2) ORDER BY id",
    )?;
    let notes = stmt
        .query_map(params![advisory, package], |r| {
            Ok(Note {
                id: r.get(0)?,
                advisory: r.get(1)?,
                package: r.get(2)?,
                text: r.get(3)?,
                actor: r.get(4)?,
                at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(notes)
}

/// The texts of the notes on a package, then on each of the advisories in turn, each
/// group oldest first (a note on both appears in both).
pub fn texts_for(conn: &Connection, package: &str, advisories: &[String]) -> Result<Vec<String>> {
    let mut texts: Vec<String> = conn
        .prepare_cached("SELECT body FROM notes WHERE package = ?1 ORDER BY id")?
        .query_map([package], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for adv in advisories {
        let more: Vec<String> = conn
            .prepare_cached("SELECT body FROM notes WHERE advisory = ?1 ORDER BY id")?
            .query_map([adv], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        texts.extend(more);
    }
    Ok(texts)
}
