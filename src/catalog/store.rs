//! Writing the catalogue: one source's advisories are replaced whole inside the import
//! transaction, and the `sources` row records what was imported (read back here for
//! `sync --status`, the age of each feed and the synced advisory sources).

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Severity;
use super::fetch::Validators;

crate::db::stored::stored_state! {
    /// The state of a catalogue source (`sources.status`). The writers below spell it
    /// inside their SQL (`status = 'ok'`); readers get it typed.
    SourceStatus {
        /// Created, never synced (the column's default).
        Never = "never",
        Ok = "ok",
        /// The last sync failed and nothing was ever imported.
        Failed = "failed",
        /// The last sync failed; the data of an earlier one is kept.
        Stale = "stale",
        /// The feed was refused (invalid or hostile data); nothing of it imported.
        Refused = "refused",
    }
}

crate::db::stored::stored_state! {
    /// What an advisory is (`advisories.kind`; NULL: the feed does not say). Only
    /// security advisories (and unclassified ones) are matched against hosts; that
    /// filter is in the matcher's SQL (`a.kind = 'security'`).
    AdvisoryKind {
        Security = "security",
        Bugfix = "bugfix",
        Enhancement = "enhancement",
        /// An errata update that adds a package.
        Newpackage = "newpackage",
        /// An errata type this program does not know.
        Other = "other",
    }
}

/// An advisory ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    pub id: String,
    pub kind: Option<AdvisoryKind>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub summary: Option<String>,
    pub severity: Option<Severity>,
    pub cvss: Option<f64>,
    pub cvss_vector: Option<String>,
    pub aliases: Vec<String>,
    pub affected: Vec<Affected>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    pub ecosystem: String,
    pub package: String,
    /// `[{"type": …, "events": [{"introduced": …}, {"fixed": …}]}]`
    pub ranges: serde_json::Value,
    pub versions: Vec<String>,
}

/// The source that records the MSRC index; its monthly documents are `msrc:<ID>`.
pub const MSRC_SOURCE: &str = "msrc";

/// Counts of one import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportStats {
    pub records: u64,
    pub skipped: u64,
    pub withdrawn: u64,
    /// The first problems met, one line each (bounded).
    pub warnings: Vec<String>,
}

/// Warnings kept per import; the rest are counted.
const MAX_WARNINGS: usize = 20;

impl ImportStats {
    /// Counts a skipped record and names it (the first few).
    pub fn skip(&mut self, what: &str, why: impl AsRef<str>) {
        self.skipped += 1;
        if self.warnings.len() < MAX_WARNINGS {
            let why: String = why.as_ref().chars().take(300).collect();
            self.warnings.push(format!("skipped {what}: {why}"));
        }
    }

    /// Every record the file held: imported, withdrawn or skipped as malformed.
    pub fn total(&self) -> u64 {
        self.records + self.withdrawn + self.skipped
    }
}

/// What one source holds in the catalogue: its advisories (OSV, errata), or a whole
/// table (KEV, EPSS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding<'a> {
    Advisories(&'a str),
    Kev,
    Epss,
}

/// How many records a source holds now (inside the import transaction: before the
/// import replaces them, and after).
pub fn held(conn: &Connection, holding: Holding<'_>) -> Result<u64> {
    let n: i64 = match holding {
        Holding::Advisories(source) => conn.query_row(
            "SELECT count(*) FROM advisories WHERE source = ?1",
            [source],
            |r| r.get(0),
        )?,
        Holding::Kev => conn.query_row("SELECT count(*) FROM kev", [], |r| r.get(0))?,
        Holding::Epss => conn.query_row("SELECT count(*) FROM epss", [], |r| r.get(0))?,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A digest of the catalogue held, as findings matched against it depend on it: every
/// source's import (its name, content digest, import time, record count and status;
/// each import writes them in the transaction that replaces the source's records), the
/// MSRC documents' release dates, and this patchcycle's version (its matching rules).
/// Stored with each scan's findings (`scans.catalog`): an unchanged host's findings are
/// copied from its previous scan only while this is the same; any import changes it.
pub fn state_digest(conn: &Connection) -> Result<String> {
    let mut text = format!("patchcycle {}\n", env!("CARGO_PKG_VERSION"));
    let mut push = |row: &rusqlite::Row<'_>, n: usize| -> rusqlite::Result<()> {
        for i in 0..n {
            match row.get_ref(i)? {
                rusqlite::types::ValueRef::Null => text.push('\u{1}'),
                rusqlite::types::ValueRef::Integer(v) => text.push_str(&v.to_string()),
                v => text.push_str(v.as_str().unwrap_or("\u{2}")),
            }
            text.push('\0');
        }
        text.push('\n');
        Ok(())
    };
    let mut stmt = conn.prepare_cached(
        "SELECT name, sha256, synced_at, records, status FROM sources ORDER BY name",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        push(r, 5)?;
    }
    let mut stmt =
        conn.prepare_cached("SELECT id, current_release FROM msrc_documents ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        push(r, 2)?;
    }
    Ok(crate::digest::sha256_hex(text.as_bytes()))
}

/// Makes sure the source row exists (advisories reference it).
pub fn ensure_source(conn: &Connection, name: &str, url: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sources (name, url) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET url = ?2",
        params![name, url],
    )?;
    Ok(())
}

/// Removes everything a source imported before (its advisories cascade).
pub fn clear_source(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM advisories WHERE source = ?1", [name])?;
    Ok(())
}

/// Inserts an advisory; false when the source already has one with that id.
pub fn insert_advisory(conn: &Connection, source: &str, a: &Advisory) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO advisories (source, advisory_id, kind, published, modified, summary, severity, cvss, cvss_vector) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(source, advisory_id) DO NOTHING",
        )?
        .execute(params![
            source,
            a.id,
            a.kind,
            a.published,
            a.modified,
            a.summary,
            a.severity,
            a.cvss,
            a.cvss_vector
        ])?;
    if n == 0 {
        return Ok(false);
    }
    let rowid = conn.last_insert_rowid();
    let mut alias =
        conn.prepare_cached("INSERT OR IGNORE INTO aliases (advisory, alias) VALUES (?1, ?2)")?;
    for al in &a.aliases {
        alias.execute(params![rowid, al])?;
    }
    let mut aff = conn.prepare_cached(
        "INSERT INTO affected (advisory, ecosystem, package, ranges, versions) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for f in &a.affected {
        aff.execute(params![
            rowid,
            f.ecosystem,
            f.package,
            f.ranges.to_string(),
            serde_json::to_string(&f.versions)?
        ])?;
    }
    Ok(true)
}

/// The validators held for a source.
pub fn validators(conn: &Connection, name: &str) -> Result<Validators> {
    Ok(conn
        .query_row(
            "SELECT etag, last_modified, sha256 FROM sources WHERE name = ?1 AND status = 'ok'",
            [name],
            |r| {
                Ok(Validators {
                    etag: r.get(0)?,
                    last_modified: r.get(1)?,
                    sha256: r.get(2)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Records a successful import.
#[allow(clippy::too_many_arguments)]
pub fn record_import(
    conn: &Connection,
    name: &str,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    sha256: &str,
    bytes: u64,
    stats: &ImportStats,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sources (name, url, etag, last_modified, sha256, bytes, synced_at, checked_at, records, skipped, status, error, warnings) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, 'ok', NULL, ?10) \
         ON CONFLICT(name) DO UPDATE SET url = ?2, etag = ?3, last_modified = ?4, sha256 = ?5, bytes = ?6, \
           synced_at = ?7, checked_at = ?7, records = ?8, skipped = ?9, status = 'ok', error = NULL, warnings = ?10",
        params![
            name,
            url,
            etag,
            last_modified,
            sha256,
            bytes as i64,
            now,
            stats.records as i64,
            stats.skipped as i64,
            serde_json::to_string(&stats.warnings)?
        ],
    )?;
    Ok(())
}

/// Records a check that found nothing new; new validators (if any) are remembered.
pub fn record_unchanged(
    conn: &Connection,
    name: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    now: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE sources SET checked_at = ?2, etag = coalesce(?3, etag), \
         last_modified = coalesce(?4, last_modified) WHERE name = ?1",
        params![name, now, etag, last_modified],
    )?;
    Ok(())
}

/// Records a refused import (a shrink, or a file of mostly malformed records): status
/// `refused` with the reason; the data, validators and warnings of the last good import
/// stay, and the next sync downloads the file again.
pub fn record_refusal(
    conn: &Connection,
    name: &str,
    url: &str,
    reason: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sources (name, url, checked_at, status, error) VALUES (?1, ?2, ?3, 'refused', ?4) \
         ON CONFLICT(name) DO UPDATE SET checked_at = ?3, error = ?4, status = 'refused'",
        params![name, url, now, reason],
    )?;
    Ok(())
}

/// Records a failure; the data and validators of the last good import stay.
pub fn record_failure(
    conn: &Connection,
    name: &str,
    url: &str,
    error: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sources (name, url, checked_at, status, error) VALUES (?1, ?2, ?3, 'failed', ?4) \
         ON CONFLICT(name) DO UPDATE SET checked_at = ?3, error = ?4, \
           status = CASE WHEN synced_at IS NULL THEN 'failed' ELSE 'stale' END",
        params![name, url, now, error],
    )?;
    Ok(())
}

/// A source's row of `sources`, as `sync --status` shows it.
#[derive(Debug, Serialize, Default)]
pub struct SourceRow {
    pub name: String,
    pub status: SourceStatus,
    pub url: Option<String>,
    pub synced_at: Option<String>,
    pub checked_at: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    pub bytes: Option<i64>,
    pub records: i64,
    pub skipped: i64,
    pub error: Option<String>,
    pub warnings: Vec<String>,
}

/// Every recorded source, by name, as `sync --status` shows it.
pub fn statuses(conn: &Connection) -> Result<Vec<SourceRow>> {
    let mut stmt = conn.prepare(
        "SELECT name, status, url, synced_at, checked_at, etag, last_modified, sha256, bytes, records, skipped, error, warnings \
         FROM sources ORDER BY name",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let warnings: String = r.get(12)?;
            Ok(SourceRow {
                name: r.get(0)?,
                status: r.get(1)?,
                // Masked again: a database written before URLs were masked on the way in.
                url: r
                    .get::<_, Option<String>>(2)?
                    .map(|u| super::fetch::redact_url(&u)),
                synced_at: r.get(3)?,
                checked_at: r.get(4)?,
                etag: r.get(5)?,
                last_modified: r.get(6)?,
                sha256: r.get(7)?,
                bytes: r.get(8)?,
                records: r.get(9)?,
                skipped: r.get(10)?,
                error: r.get(11)?,
                warnings: serde_json::from_str(&warnings).unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// When a source's data was last known current: the last check when it succeeded
/// ("ok", including "not modified"), else the last import; None: never synced.
#[derive(Debug, Clone)]
pub struct SourceAge {
    pub name: String,
    pub as_of: Option<String>,
    pub status: SourceStatus,
}

/// Every recorded source with the time its data was last known current, by name. The
/// MSRC index and its monthly documents (`msrc`, `msrc:2024-Jan`, …) are one feed, `msrc`:
/// as old as its oldest document, and not ok when one of them is not.
pub fn source_ages(conn: &Connection) -> Result<Vec<SourceAge>> {
    let mut stmt = conn.prepare(
        "SELECT name, CASE WHEN status = ?1 THEN coalesce(checked_at, synced_at) ELSE synced_at END, \
                status FROM sources ORDER BY name",
    )?;
    let rows = stmt.query_map([SourceStatus::Ok], |r| {
        Ok(SourceAge {
            name: r.get(0)?,
            as_of: r.get(1)?,
            status: r.get(2)?,
        })
    })?;
    let mut out: Vec<SourceAge> = Vec::new();
    let mut msrc: Option<SourceAge> = None;
    for row in rows {
        let row = row?;
        let is_msrc = row.name == MSRC_SOURCE || row.name.starts_with(&format!("{}:", MSRC_SOURCE));
        if !is_msrc {
            out.push(row);
            continue;
        }
        match msrc.as_mut() {
            None => {
                msrc = Some(SourceAge {
                    name: MSRC_SOURCE.to_string(),
                    ..row
                })
            }
            Some(m) => {
                // Stored stamps are RFC 3339 UTC of one width: text order is time order.
                m.as_of = match (m.as_of.take(), row.as_of) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if m.status == SourceStatus::Ok {
                    m.status = row.status;
                }
            }
        }
    }
    if let Some(m) = msrc {
        let at = out.partition_point(|s| s.name.as_str() < m.name.as_str());
        out.insert(at, m);
    }
    Ok(out)
}

/// The advisory sources (OSV ecosystems, errata) holding a good import, by name.
pub fn synced_advisory_sources(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT name FROM sources WHERE synced_at IS NOT NULL \
               AND (name LIKE 'osv:%' OR name LIKE 'errata:%') ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, OpenMode};

    fn status(conn: &Connection) -> SourceStatus {
        conn.query_row(
            "SELECT status FROM sources WHERE name = 'osv:Debian'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// Every word the writers put in `sources.status` (default, import, failure before
    /// and after an import, refusal) reads back as a `SourceStatus`.
    #[test]
    fn every_source_status_written_reads_back_typed() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = Db::open(&dir.path().join("p.db"), OpenMode::Create).unwrap();
        let c = &db.conn;
        let url = "https://example.invalid/all.zip";
        ensure_source(c, "osv:Debian", url).unwrap();
        assert_eq!(status(c), SourceStatus::Never);
        record_failure(c, "osv:Debian", url, "timed out", "2026-12-06T10:00:00Z").unwrap();
        assert_eq!(status(c), SourceStatus::Failed);
        let stats = ImportStats::default();
        record_import(
            c,
            "osv:Debian",
            url,
            None,
            None,
            "00",
            1,
            &stats,
            "2026-12-06T11:00:00Z",
        )
        .unwrap();
        assert_eq!(status(c), SourceStatus::Ok);
        record_failure(c, "osv:Debian", url, "timed out", "2026-12-06T12:00:00Z").unwrap();
        assert_eq!(status(c), SourceStatus::Stale);
        record_refusal(c, "osv:Debian", url, "shrink", "2026-12-06T13:00:00Z").unwrap();
        assert_eq!(status(c), SourceStatus::Refused);
    }

    /// An advisory's kind and severity are stored as the words migrations/0002 lists and
    /// read back typed.
    #[test]
    fn advisory_kind_and_severity_are_stored_as_words() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = Db::open(&dir.path().join("p.db"), OpenMode::Create).unwrap();
        let c = &db.conn;
        ensure_source(c, "errata", "file:///updateinfo.xml").unwrap();
        let a = Advisory {
            id: "ALBA-2019:0973".into(),
            kind: Some(AdvisoryKind::Bugfix),
            published: None,
            modified: None,
            summary: None,
            severity: Some(Severity::High),
            cvss: None,
            cvss_vector: None,
            aliases: Vec::new(),
            affected: Vec::new(),
        };
        assert!(insert_advisory(c, "errata", &a).unwrap());
        let words: (String, String) = c
            .query_row("SELECT kind, severity FROM advisories", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(words, ("bugfix".to_string(), "high".to_string()));
        let typed: (AdvisoryKind, Severity) = c
            .query_row("SELECT kind, severity FROM advisories", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(typed, (AdvisoryKind::Bugfix, Severity::High));
    }
}
