//! Current findings (each host's latest good scan), with exceptions applied.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::Severity;
use crate::verdict::Policies;
use crate::vex::justification::Justification;

/// Text of a finding (names, versions, ids, times): almost always short, so kept
/// inline (up to 24 bytes) instead of in an allocation each; 100,000 findings have
/// over a million of them.
pub type Str = compact_str::CompactString;

/// A finding as listed by `findings`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Row {
    #[serde(skip)]
    pub host_id: i64,
    pub host: Str,
    pub group: Option<Str>,
    pub package: Str,
    pub source_name: Str,
    pub installed: Str,
    pub fixed: Option<Str>,
    pub candidate: Option<Str>,
    /// An update is available from the host's package manager.
    pub update_available: bool,
    pub advisories: Vec<Str>,
    pub cves: Vec<Str>,
    /// The advisories' highest rating, or the policy's `unrated_severity` when none
    /// rates the finding (then `unrated` is true).
    pub severity: Option<Str>,
    /// No synced advisory rates this finding: `severity` is the policy's floor.
    pub unrated: bool,
    pub kev: bool,
    pub epss: Option<f64>,
    pub scanned_at: Str,
    /// Ids of the exceptions that hide (part of) this finding.
    pub excepted_by: Vec<i64>,
    /// True when exceptions hide the whole finding.
    pub excepted: bool,
    /// The package is fixed on disk, but these units, services or processes still run
    /// its old code (see `scan::carry_restart_pending`): the finding stays open until
    /// they are restarted. Empty for every other finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restart_pending: Vec<Str>,
}

/// An exception (risk acceptance) as stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Exception {
    pub id: i64,
    pub advisory: Option<String>,
    pub package: Option<String>,
    pub host: Option<String>,
    pub group: Option<String>,
    pub reason: String,
    pub actor: String,
    pub created_at: String,
    pub expires: String,
    /// `active` or `expired` at the time of the query.
    pub state: String,
    /// Why the finding does not apply, in OpenVEX's words; None: a risk accepted while
    /// affected.
    pub vex_justification: Option<Justification>,
}

pub fn exceptions(conn: &Connection, now: &str) -> Result<Vec<Exception>> {
    let mut stmt = conn.prepare(
        "SELECT id, advisory, package, host, group_name, reason, actor, created_at, expires, vex_justification \
         FROM exceptions ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let expires: String = r.get(8)?;
        Ok(Exception {
            id: r.get(0)?,
            advisory: r.get(1)?,
            package: r.get(2)?,
            host: r.get(3)?,
            group: r.get(4)?,
            reason: r.get(5)?,
            actor: r.get(6)?,
            created_at: r.get(7)?,
            state: if expires.as_str() > now {
                "active"
            } else {
                "expired"
            }
            .into(),
            expires,
            vex_justification: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An exception to record.
#[derive(Debug, Clone, Default)]
pub struct NewException<'a> {
    pub advisory: Option<&'a str>,
    pub package: Option<&'a str>,
    pub host: Option<&'a str>,
    pub group: Option<&'a str>,
    pub reason: &'a str,
    pub actor: &'a str,
    pub created_at: &'a str,
    pub expires: &'a str,
    pub vex_justification: Option<Justification>,
}

/// Records an exception (inside the caller's write transaction, with its audit entry);
/// its id.
pub fn add_exception(conn: &Connection, e: &NewException<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO exceptions (advisory, package, host, group_name, reason, actor, created_at, expires, vex_justification) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![e.advisory, e.package, e.host, e.group, e.reason, e.actor, e.created_at, e.expires, e.vex_justification],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Removes an exception; false when there is none with that id.
pub fn remove_exception(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM exceptions WHERE id = ?1", [id])? > 0)
}

/// Every current finding (of the hosts named, or all), with exceptions marked: by host
/// name, then package.
pub fn current(
    conn: &Connection,
    hosts: Option<&[String]>,
    now: &str,
    policies: &Policies,
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    each_current(conn, now, Hosts::All, policies, |r| {
        if hosts.is_none_or(|names| names.iter().any(|n| *n == r.host)) {
            rows.push(r);
        }
        Ok(())
    })?;
    // Hosts in natural order (h2 before h10), each host's findings by package (stable: a
    // package listed twice keeps scan order).
    rows.sort_by(|a, b| {
        crate::inventory::natural_cmp(&a.host, &b.host).then_with(|| a.package.cmp(&b.package))
    });
    Ok(rows)
}

/// Which hosts, by name: a large fleet is read in two halves at once.
#[derive(Debug, Clone, Copy)]
pub enum Hosts<'a> {
    All,
    Before(&'a str),
    From(&'a str),
}

/// The host name that splits the fleet into two halves (None: fewer than two hosts).
pub fn middle_host(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT name FROM hosts ORDER BY name LIMIT 1 OFFSET (SELECT count(*) / 2 FROM hosts)",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Hands every current finding (of the hosts chosen), with exceptions marked, to
/// `each`: by host name, each host's in scan order. Nothing is collected here: a report
/// of 100,000 findings keeps only what it makes of them.
pub fn each_current(
    conn: &Connection,
    now: &str,
    hosts: Hosts<'_>,
    policies: &Policies,
    each: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    each_finding(conn, now, None, hosts, policies, each)
}

/// Hands every finding as it stood at `at` to `each`, as [`each_current`] does now:
/// each host's latest good scan finished at or before `at` (hosts added after `at` left
/// out), with the exceptions active then (created at or before `at`, expiring after it).
/// The report's trend reads the past through this.
pub fn each_as_of(
    conn: &Connection,
    at: &str,
    policies: &Policies,
    each: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    each_finding(conn, at, Some(at), Hosts::All, policies, each)
}

fn each_finding(
    conn: &Connection,
    now: &str,
    as_of: Option<&str>,
    hosts: Hosts<'_>,
    policies: &Policies,
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    let active: Vec<Exception> = exceptions(conn, now)?
        .into_iter()
        .filter(|e| e.state == "active" && as_of.is_none_or(|t| e.created_at.as_str() <= t))
        .collect();
    // Only exceptions naming the row's package (binary or source) or no package can
    // apply: index them, so a large fleet is not checked against every exception.
    let mut by_package: rustc_hash::FxHashMap<&str, Vec<&Exception>> = Default::default();
    let mut any_package: Vec<&Exception> = Vec::new();
    for e in &active {
        match &e.package {
            Some(p) => by_package.entry(p.as_str()).or_default().push(e),
            None => any_package.push(e),
        }
    }
    let mut candidates: Vec<&Exception> = Vec::new();
    // Driven by the hosts in name order (their unique index) and each host's latest good
    // scan (scans_host): rows come out by host without sorting 100,000 of them in SQL.
    // The past is read whole: ?1 is then the time, bounding hosts and scans.
    let (range, bound) = match (as_of, hosts) {
        (Some(t), _) => ("WHERE h.created_at <= ?1", Some(t)),
        (None, Hosts::All) => ("", None),
        (None, Hosts::Before(n)) => ("WHERE h.name < ?1", Some(n)),
        (None, Hosts::From(n)) => ("WHERE h.name >= ?1", Some(n)),
    };
    let scan_limit = if as_of.is_some() {
        " AND finished <= ?1"
    } else {
        ""
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT h.id, h.name, g.name, f.package, f.source_name, f.installed, f.fixed, f.candidate, \
                f.advisories, f.cves, f.severity, f.kev, f.epss, s.finished, f.restart \
         FROM hosts h \
         JOIN scans s ON s.id = (SELECT max(id) FROM scans WHERE host_id = h.id AND status = 'ok'{scan_limit}) \
         JOIN findings f ON f.scan_id = s.findings_of \
         LEFT JOIN groups g ON g.id = h.group_id \
         {range} ORDER BY h.name"
    ))?;
    let mut rows = match bound {
        Some(n) => stmt.query(params![n])?,
        None => stmt.query(params![])?,
    };
    while let Some(r) = rows.next()? {
        let list =
            |i: usize| -> rusqlite::Result<Vec<Str>> { Ok(string_list(r.get_ref(i)?.as_str()?)) };
        let text = |i: usize| -> rusqlite::Result<Str> { Ok(Str::from(r.get_ref(i)?.as_str()?)) };
        let maybe = |i: usize| -> rusqlite::Result<Option<Str>> {
            Ok(r.get_ref(i)?.as_str_or_null()?.map(Str::from))
        };
        let candidate = maybe(7)?;
        let mut row = Row {
            host_id: r.get(0)?,
            host: text(1)?,
            group: maybe(2)?,
            package: text(3)?,
            source_name: text(4)?,
            installed: text(5)?,
            fixed: maybe(6)?,
            update_available: candidate.is_some(),
            candidate,
            advisories: list(8)?,
            cves: list(9)?,
            severity: r
                .get::<_, Option<Severity>>(10)?
                .map(|s| Str::from(s.as_str())),
            kev: r.get(11)?,
            epss: r.get(12)?,
            scanned_at: text(13)?,
            restart_pending: match r.get_ref(14)?.as_str_or_null()? {
                Some(t) => string_list(t),
                None => Vec::new(),
            },
            ..Row::default()
        };
        if row.severity.is_none() {
            row.severity = Some(Str::from(policies.unrated(row.group.as_deref()).as_str()));
            row.unrated = true;
        }
        candidates.clear();
        candidates.extend(any_package.iter().copied());
        if let Some(v) = by_package.get(row.package.as_str()) {
            candidates.extend(v.iter().copied());
        }
        if row.source_name != row.package
            && let Some(v) = by_package.get(row.source_name.as_str())
        {
            candidates.extend(v.iter().copied());
        }
        if !candidates.is_empty() {
            // In id order, as if every exception were checked.
            candidates.sort_by_key(|e| e.id);
            apply_exceptions(&mut row, &candidates);
        }
        each(row)?;
    }
    Ok(())
}

/// The restart state of a host's latest good scan: None when it has none, or the scan
/// did not look (a collector without the `restart` section).
pub fn latest_restart(
    conn: &Connection,
    host: &str,
) -> Result<Option<crate::family::restart::RestartFacts>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT s.restart FROM scans s JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1",
            [host],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    // Written by this patchcycle's scan from the same type; unreadable text (a hand-edited
    // database) is "not known", never "nothing to restart".
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// What a Windows host reported in its latest good scan; None for other hosts, before
/// the first good scan, and for unreadable text (a hand-edited database: not known).
pub fn latest_windows(
    conn: &Connection,
    host: &str,
) -> Result<Option<crate::family::WindowsFacts>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT s.windows FROM scans s JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 AND s.status = 'ok' ORDER BY s.id DESC LIMIT 1",
            [host],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// A stored JSON array of strings (`["DSA-1","CVE-2"]`, as scan writes them). The
/// common form, without escapes or spaces, is split directly; anything else goes to
/// serde_json. Unreadable text is an empty list, as before.
pub(crate) fn string_list(text: &str) -> Vec<Str> {
    if !text.contains(['\\', ' ', '\n'])
        && let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'))
    {
        if inner.is_empty() {
            return Vec::new();
        }
        if let Some(inner) = inner.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
            && !inner.is_empty()
        {
            let items: Vec<Str> = inner.split("\",\"").map(Str::from).collect();
            // A quote left inside an item means the text was not the simple form.
            if items.iter().all(|i| !i.contains('"')) {
                return items;
            }
        }
    }
    serde_json::from_str(text).unwrap_or_default()
}

/// An exception applies when every scope it names matches. One naming an advisory (or
/// CVE) takes that advisory off the finding; the finding is hidden when nothing is left.
/// One without an advisory hides the finding whole.
fn apply_exceptions(row: &mut Row, active: &[&Exception]) {
    let mut remaining: Vec<Str> = row.advisories.clone();
    for e in active {
        let scope_ok = e
            .package
            .as_ref()
            .is_none_or(|p| *p == row.package || *p == row.source_name)
            && e.host.as_ref().is_none_or(|h| *h == row.host)
            && e.group
                .as_ref()
                .is_none_or(|g| row.group.as_deref() == Some(g.as_str()));
        if !scope_ok {
            continue;
        }
        match &e.advisory {
            None => {
                row.excepted_by.push(e.id);
                row.excepted = true;
            }
            Some(a) => {
                let hit = row.advisories.iter().any(|x| x == a) || row.cves.iter().any(|x| x == a);
                if hit {
                    row.excepted_by.push(e.id);
                    if row.cves.iter().any(|x| x == a) && !row.advisories.iter().any(|x| x == a) {
                        // A CVE exception covers the advisories that only carry that CVE;
                        // without per-advisory CVE lists here, it covers the finding's
                        // advisories when the finding has this one CVE.
                        if row.cves.len() == 1 {
                            remaining.clear();
                        }
                    } else {
                        remaining.retain(|x| x != a);
                    }
                }
            }
        }
    }
    if !row.advisories.is_empty() && remaining.is_empty() && !row.excepted_by.is_empty() {
        row.excepted = true;
    }
}

/// Whether a finding is at or above a level.
pub fn at_least(row: &Row, level: Severity) -> bool {
    Severity::stored_at_least(row.severity.as_deref(), level)
}

/// What a host's newest scan attempt found wrong in its output: the warnings and the
/// refused rows, a failed scan's too (they explain its error). Empty when the host was
/// never scanned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanNotes {
    pub warnings: Vec<String>,
    pub refused: Vec<crate::family::Refused>,
}

pub fn latest_notes(conn: &Connection, host: &str) -> Result<ScanNotes> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT s.warnings, s.refused FROM scans s JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 ORDER BY s.id DESC LIMIT 1",
            [host],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((warnings, refused)) = row else {
        return Ok(ScanNotes::default());
    };
    // Written only by `scan::store`, as JSON arrays.
    Ok(ScanNotes {
        warnings: serde_json::from_str(&warnings)?,
        refused: serde_json::from_str(&refused)?,
    })
}

/// The host's latest successful scan.
pub fn latest_good_scan(conn: &Connection, host: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT max(s.id) FROM scans s JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1 AND s.status = 'ok'",
            [host],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// What a Windows host reported in scan `scan_id` (`scans.windows`); None for the other
/// families. A stored value that does not read back is an error, not "no facts".
pub fn windows_facts(
    conn: &Connection,
    scan_id: i64,
) -> Result<Option<crate::family::WindowsFacts>> {
    let text: Option<String> = conn
        .query_row("SELECT windows FROM scans WHERE id = ?1", [scan_id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    match text {
        None => Ok(None),
        Some(t) => Ok(Some(serde_json::from_str(&t).map_err(|e| {
            anyhow::anyhow!("the Windows facts stored with scan {scan_id} do not read back: {e}")
        })?)),
    }
}

/// A package of a host's latest good scan that dpkg had not finished installing (or
/// removing) when the host was scanned: matched as installed, shown by `host show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsettledPackage {
    pub name: String,
    pub arch: Option<String>,
    pub version: String,
    pub state: crate::family::PackageState,
}

/// The packages of the host's latest good scan in a state other than installed, in
/// the order the host listed them.
pub fn unsettled_packages(conn: &Connection, host: &str) -> Result<Vec<UnsettledPackage>> {
    let Some(scan_id) = latest_good_scan(conn, host)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT name, arch, version, state FROM scan_installed WHERE of_scan = ?1 AND state <> 'installed' ORDER BY row_order",
    )?;
    let rows = stmt.query_map([scan_id], |r| {
        Ok(UnsettledPackage {
            name: r.get(0)?,
            arch: r.get(1)?,
            version: r.get(2)?,
            state: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An installed package and what advisories are matched against: its source package
/// and version, or (in the rpm family, which matches binary packages) itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledMatch {
    pub name: String,
    pub matched_name: String,
    pub matched_version: String,
}

/// The packages a scan found installed, each once.
pub fn installed_matches(
    conn: &Connection,
    scan_id: i64,
    by_binary: bool,
) -> Result<Vec<InstalledMatch>> {
    Ok(conn
        .prepare(if by_binary {
            "SELECT DISTINCT name, name, version FROM scan_installed WHERE of_scan = ?1"
        } else {
            "SELECT DISTINCT name, source_name, source_version FROM scan_installed WHERE of_scan = ?1"
        })?
        .query_map([scan_id], |r| {
            Ok(InstalledMatch {
                name: r.get(0)?,
                matched_name: r.get(1)?,
                matched_version: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The packages (binary, or source when `by_binary` is false) of a scan's findings,
/// each once.
pub fn finding_packages(conn: &Connection, scan_id: i64, by_binary: bool) -> Result<Vec<String>> {
    Ok(conn
        .prepare(if by_binary {
            "SELECT DISTINCT package FROM scan_findings WHERE of_scan = ?1"
        } else {
            "SELECT DISTINCT source_name FROM scan_findings WHERE of_scan = ?1"
        })?
        .query_map([scan_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::string_list;
    use proptest::prelude::*;

    /// A stored severity is read typed: an unrated finding counts at the policy's floor,
    /// and a word patchcycle never writes is an error. Read as text it was listed and
    /// ranked below every level, so a gate could pass on it.
    #[test]
    fn a_stored_severity_outside_the_schema_is_an_error_not_unrated() {
        use crate::inventory::policy::Policy;
        use crate::verdict::Policies;
        let dir = tempfile::tempdir().unwrap();
        let (db, _) =
            crate::db::Db::open(&dir.path().join("p.db"), crate::db::OpenMode::Create).unwrap();
        let c = &db.conn;
        let t = "2026-12-06T00:00:00Z";
        c.execute(
            "INSERT INTO hosts (name, address, created_at, updated_at) VALUES ('w1', 'w1', ?1, ?1)",
            [t],
        )
        .unwrap();
        c.execute(
            "INSERT INTO scans (host_id, started, finished, method, status) VALUES (1, ?1, ?1, 'import', 'ok')",
            [t],
        )
        .unwrap();
        c.execute_batch(
            "INSERT INTO findings (scan_id, package, source_name, installed, security, severity) \
             VALUES (1, 'libc6', 'glibc', '2.36-9', 1, 'high'), (1, 'bash', 'bash', '5.2', 1, NULL)",
        )
        .unwrap();
        let policies = Policies::load(c, &Policy::default()).unwrap();
        let rows = super::current(c, None, t, &policies).unwrap();
        let seen: Vec<(&str, Option<&str>, bool)> = rows
            .iter()
            .map(|r| (r.package.as_str(), r.severity.as_deref(), r.unrated))
            .collect();
        assert_eq!(
            seen,
            [
                ("bash", Some("medium"), true),
                ("libc6", Some("high"), false)
            ]
        );
        c.execute(
            "UPDATE findings SET severity = 'Important' WHERE package = 'libc6'",
            [],
        )
        .unwrap();
        let err = super::current(c, None, t, &policies).unwrap_err();
        assert!(
            format!("{err:#}").contains("unknown Severity \"Important\""),
            "{err:#}"
        );
    }

    #[test]
    fn string_lists_read_as_serde_json_reads_them() {
        for text in [
            "[]",
            "[\"\"]",
            "[\"a\",\"\"]",
            "[\"DSA-5161-1\",\"CVE-2025-1\"]",
            "[\"a\", \"b\"]",
            "[\"a\\\"b\"]",
            "[\"a\\\\\",\"b\"]",
            "[1,2]",
            "[\"a\",2]",
            "not json",
            "",
            "[\"unterminated]",
            "[\"a\"\"b\"]",
        ] {
            let expected: Vec<String> = serde_json::from_str(text).unwrap_or_default();
            assert_eq!(string_list(text), expected, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn any_list_round_trips(items in proptest::collection::vec("[a-z\",\\[\\]\\\\ é\n-]{0,8}", 0..5)) {
            let text = serde_json::to_string(&items).expect("serialise");
            prop_assert_eq!(string_list(&text), items);
        }
    }
}
