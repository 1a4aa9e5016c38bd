//! The append-only, hash-chained audit log.
//!
//! Each row's hash is SHA-256 over the previous row's hash and the row's own fields in a
//! fixed JSON encoding, so editing, deleting or reordering any row breaks every hash after
//! it. `audit verify` recomputes the chain. Rows are appended inside the command's own
//! write transaction: the change and its audit row commit together or not at all.
//!
//! The chain proves only that its rows agree with each other: whoever can write the file
//! can edit a row and recompute every later hash. [`anchor`] keeps the head outside the
//! database, under a keyed MAC or in an external store, so such a rewrite is caught.

pub mod anchor;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as stored and printed.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of a row: SHA-256 (hex) of `prev_hash`, a newline, and the JSON array
/// `[seq, at, actor, action, object, details]` where details is the stored JSON text.
pub fn row_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
) -> String {
    let body = serde_json::json!([seq, at, actor, action, object, details]);
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(body.to_string().as_bytes());
    crate::digest::hex(&h.finalize())
}

/// Appends a row. Call inside the command's write transaction.
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    object: &str,
    details: &serde_json::Value,
) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let details = details.to_string();
    let hash = row_hash(&prev, seq, at, actor, action, object, &details);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, object, details, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, object, details, prev, hash],
    )
    .context("appending to the audit log")?;
    Ok(seq)
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<(Entry, String)> {
    let details: String = r.get(5)?;
    Ok((
        Entry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            object: r.get(4)?,
            details: serde_json::from_str(&details)
                .unwrap_or_else(|_| serde_json::Value::String(details.clone())),
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        },
        details,
    ))
}

/// Filters for `audit list`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<String>,
    pub action: Option<String>,
    pub object: Option<String>,
    pub limit: Option<u32>,
}

/// Rows matching the filter, oldest first; with a limit, the newest `limit` rows.
pub fn list(conn: &Connection, f: &Filter) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, object, details, prev_hash, hash FROM ( \
           SELECT * FROM audit \
           WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR action = ?2 OR action LIKE ?5 ESCAPE '\\') \
             AND (?3 IS NULL OR object = ?3) \
           ORDER BY seq DESC LIMIT ?4) ORDER BY seq",
    )?;
    let limit = f.limit.map_or(-1, i64::from);
    // `--action test` also lists test.start, test.finish…; its text is literal in LIKE.
    let family = f
        .action
        .as_deref()
        .map(|a| format!("{}.%", crate::db::like_escape(a)));
    let rows = stmt.query_map(
        params![f.since, f.action, f.object, limit, family],
        entry_from_row,
    )?;
    Ok(rows
        .map(|r| r.map(|(e, _)| e))
        .collect::<rusqlite::Result<_>>()?)
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    pub rows: i64,
    pub ok: bool,
    pub last_hash: Option<String>,
    /// The first row whose stored values do not match the chain.
    pub first_bad_seq: Option<i64>,
    pub problem: Option<String>,
    /// The comparison with anchored heads (`audit verify --anchor/--head`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<anchor::AnchorCheck>,
}

/// Recomputes the whole chain, streaming (constant memory).
pub fn verify(conn: &Connection) -> Result<Verification> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, object, details, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut count = 0;
    let bad = |seq: i64, count: i64, problem: String| Verification {
        rows: count,
        ok: false,
        last_hash: None,
        first_bad_seq: Some(seq),
        problem: Some(problem),
        anchor: None,
    };
    while let Some(row) = rows.next()? {
        let (e, details) = entry_from_row(row)?;
        count += 1;
        if e.seq != expected_seq {
            return Ok(bad(
                e.seq,
                count,
                format!(
                    "expected row {expected_seq} next, found row {} (rows deleted?)",
                    e.seq
                ),
            ));
        }
        if e.prev_hash != prev {
            return Ok(bad(
                e.seq,
                count,
                "prev_hash does not match the hash of the row before (row deleted or replaced?)"
                    .into(),
            ));
        }
        let computed = row_hash(
            &prev, e.seq, &e.at, &e.actor, &e.action, &e.object, &details,
        );
        if computed != e.hash {
            return Ok(bad(
                e.seq,
                count,
                "stored hash does not match the row's contents (row edited?)".into(),
            ));
        }
        prev = e.hash;
        expected_seq += 1;
    }
    Ok(Verification {
        rows: count,
        ok: true,
        last_hash: (count > 0).then_some(prev),
        first_bad_seq: None,
        problem: None,
        anchor: None,
    })
}

/// [`verify`], then, when the chain holds together, the comparison with anchored heads
/// (one read transaction, so both see the same log). A chain that no longer holds an
/// anchored head is not ok, even though its hashes agree.
pub fn verify_anchored(conn: &Connection, anchored: &[anchor::Anchored]) -> Result<Verification> {
    let tx = conn.unchecked_transaction()?;
    let mut v = verify(&tx)?;
    if v.ok && !anchored.is_empty() {
        let check = anchor::check(&tx, anchored)?;
        if !check.ok {
            v.ok = false;
            v.problem.clone_from(&check.problem);
        }
        v.anchor = Some(check);
    }
    tx.finish()?;
    Ok(v)
}
