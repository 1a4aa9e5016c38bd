//! What is new: which current findings, or which of their advisories, a host's previous
//! good scan did not have, and when each was first seen.
//!
//! A finding is one package (or Windows KB) on one host. It is *the same finding* in two
//! scans when both have a finding for that package; its advisories and CVEs are its
//! *identifiers*. A finding is new when the package had no finding in the host's previous
//! good scan; a finding whose identifier list grew is new for the identifiers it gained
//! (they are listed as its new advisories). A changed installed version with the same
//! identifiers is not new: nothing more is known to be wrong with the host.
//!
//! "First seen" is derived from the scan history kept in the database (every good
//! scan's findings stay stored): the finish time of the first good scan of the unbroken
//! run of good scans that had the finding (or identifier) up to the latest one. A finding
//! that went away and came back is first seen again when it came back. A host's first
//! good scan has nothing before it: all its findings are new.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::query::{self, Row, Str, string_list};
use crate::inventory::notify;
use crate::inventory::policy::Policy;
use crate::verdict::Policies;
use crate::{audit, clock, db, inventory};

/// One good scan: its id and finish time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scan {
    id: i64,
    finished: Str,
}

/// The history of one current finding.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The scan the finding (the package) was first seen in.
    first: Scan,
    /// Each identifier (advisory or CVE) and the scan it was first seen in.
    ids: BTreeMap<Str, Scan>,
    /// The host's latest good scan.
    latest: i64,
}

impl Seen {
    /// When the finding was first seen (RFC 3339, as stored).
    pub fn first_seen(&self) -> &str {
        &self.first.finished
    }

    /// The finding's identifiers absent from the host's previous good scan (all of
    /// them for a new finding); `None` when the previous scan had the finding with
    /// every identifier. `Some` and empty: a new finding without advisories (a pending
    /// security update no advisory names).
    pub fn new_in_latest(&self) -> Option<Vec<Str>> {
        let gained: Vec<Str> = self
            .ids
            .iter()
            .filter(|(_, s)| s.id == self.latest)
            .map(|(id, _)| id.clone())
            .collect();
        (self.first.id == self.latest || !gained.is_empty()).then_some(gained)
    }

    /// The finding's identifiers first seen after `after` (all of them for a finding
    /// first seen after it); `None` when the finding and every identifier are older.
    pub fn new_after(&self, after: DateTime<Utc>) -> Option<Vec<Str>> {
        let later = |s: &Scan| clock::parse(&s.finished).is_some_and(|t| t > after);
        let gained: Vec<Str> = self
            .ids
            .iter()
            .filter(|(_, s)| later(s))
            .map(|(id, _)| id.clone())
            .collect();
        (later(&self.first) || !gained.is_empty()).then_some(gained)
    }
}

/// The history of every current finding, by (host id, package).
pub type History = HashMap<(i64, Str), Seen>;

/// What makes a current finding new: when it was first seen, and the advisories and
/// CVEs it gained (all of a new finding's), in the finding's own order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct News {
    pub first_seen: Str,
    pub advisories: Vec<Str>,
    pub cves: Vec<Str>,
}

/// What is new in `row`: since the host's previous good scan, or (`since`) first seen
/// after that time; `None` when nothing is.
pub fn what_is_new(history: &History, row: &Row, since: Option<DateTime<Utc>>) -> Option<News> {
    let seen = history.get(&(row.host_id, row.package.clone()))?;
    let gained = match since {
        Some(t) => seen.new_after(t),
        None => seen.new_in_latest(),
    }?;
    let keep = |ids: &[Str]| -> Vec<Str> {
        ids.iter()
            .filter(|id| gained.contains(id))
            .cloned()
            .collect()
    };
    Some(News {
        first_seen: seen.first_seen().into(),
        advisories: keep(&row.advisories),
        cves: keep(&row.cves),
    })
}

/// A `notify_new` command that failed: the group it ran for (`None`: the hosts without
/// a group, under the default policy) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyFailure {
    pub group: Option<String>,
    pub error: String,
}

/// After a scan: runs each policy's `notify_new` command once for the new findings
/// (since each host's previous good scan) of the `scanned` hosts it covers, excepted
/// findings left out. Not run for a policy whose hosts have nothing new. A failed
/// command is audited (`notify_new.failed`) and returned for the caller to warn about:
/// it never fails the scan, whose results are stored already.
pub fn notify_new(
    conn: &mut Connection,
    default: &Policy,
    scanned: &[String],
    now: &str,
    actor: &str,
) -> Result<Vec<NotifyFailure>> {
    let groups: HashMap<String, Policy> = inventory::list_groups(conn)?
        .into_iter()
        .map(|g| (g.name, g.policy))
        .collect();
    let command_of = |group: Option<&str>| -> Option<&str> {
        match group {
            Some(g) => groups.get(g).unwrap_or(default).notify_new.as_deref(),
            None => default.notify_new.as_deref(),
        }
    };
    if scanned.is_empty()
        || (default.notify_new.is_none() && groups.values().all(|p| p.notify_new.is_none()))
    {
        return Ok(Vec::new());
    }
    let policies = Policies::load(conn, default)?;
    let history = history(conn)?;
    // Per group, in the order the rows come (worst first within a host).
    let mut lines: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for row in query::current(conn, Some(scanned), now, &policies)? {
        if row.excepted || command_of(row.group.as_deref()).is_none() {
            continue;
        }
        let Some(news) = what_is_new(&history, &row, None) else {
            continue;
        };
        let ids = if news.advisories.is_empty() {
            &news.cves
        } else {
            &news.advisories
        };
        lines
            .entry(row.group.as_deref().map(str::to_string))
            .or_default()
            .push(format!(
                "{} {} {} {} {} {} {}",
                row.host,
                row.package,
                row.installed,
                row.fixed.as_deref().unwrap_or("-"),
                row.severity.as_deref().unwrap_or("-"),
                if row.kev { "kev" } else { "-" },
                if ids.is_empty() {
                    "-".to_string()
                } else {
                    ids.join(",")
                },
            ));
    }
    let mut failures = Vec::new();
    for (group, lines) in lines {
        let Some(command) = command_of(group.as_deref()) else {
            continue;
        };
        let count = lines.len().to_string();
        let env = [
            ("PATCHCYCLE_EVENT", "new-findings"),
            ("PATCHCYCLE_GROUP", group.as_deref().unwrap_or("")),
            ("PATCHCYCLE_COUNT", count.as_str()),
        ];
        if let Some(error) = notify::run(command, &env, "PATCHCYCLE_FINDINGS", &lines)? {
            let tx = db::write_tx(conn)?;
            audit::append(
                &tx,
                now,
                actor,
                "notify_new.failed",
                group.as_deref().unwrap_or("(no group)"),
                &json!({"error": error, "findings": lines.len()}),
            )?;
            tx.commit()?;
            failures.push(NotifyFailure { group, error });
        }
    }
    Ok(failures)
}

/// Reads the findings of every good scan of each host in order and returns the history
/// of the findings of each host's latest good scan. Every good scan is read, even for
/// "new since the previous scan": the first-seen time of a finding that only gained an
/// advisory lies further back than the previous scan.
pub fn history(conn: &Connection) -> Result<History> {
    let mut stmt = conn.prepare(
        "SELECT s.host_id, s.id, s.finished, f.package, f.advisories, f.cves \
         FROM scans s LEFT JOIN findings f ON f.scan_id = s.findings_of \
         WHERE s.status = 'ok' \
         ORDER BY s.host_id, s.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = History::new();
    // The host being read, its open findings so far, and the scan being read with the
    // findings it has.
    let mut host: Option<i64> = None;
    let mut open: HashMap<Str, Seen> = HashMap::new();
    let mut scan: Option<Scan> = None;
    let mut in_scan: HashMap<Str, Vec<Str>> = HashMap::new();

    fn close_scan(
        scan: &Scan,
        in_scan: &mut HashMap<Str, Vec<Str>>,
        open: &mut HashMap<Str, Seen>,
    ) {
        // A finding absent from this scan ends its run; so does an identifier.
        open.retain(|package, _| in_scan.contains_key(package));
        for (package, ids) in in_scan.drain() {
            let seen = open.entry(package).or_insert_with(|| Seen {
                first: scan.clone(),
                ids: BTreeMap::new(),
                latest: scan.id,
            });
            seen.latest = scan.id;
            seen.ids.retain(|id, _| ids.contains(id));
            for id in ids {
                seen.ids.entry(id).or_insert_with(|| scan.clone());
            }
        }
    }

    fn close_host(host: i64, open: &mut HashMap<Str, Seen>, latest: i64, out: &mut History) {
        for (package, seen) in open.drain() {
            // Only the findings of the latest good scan are current.
            if seen.latest == latest {
                out.insert((host, package), seen);
            }
        }
    }

    while let Some(r) = rows.next()? {
        let host_id: i64 = r.get(0)?;
        let scan_id: i64 = r.get(1)?;
        if scan.as_ref().is_none_or(|s| s.id != scan_id) {
            if let Some(s) = &scan {
                close_scan(s, &mut in_scan, &mut open);
                if host != Some(host_id)
                    && let Some(h) = host
                {
                    close_host(h, &mut open, s.id, &mut out);
                }
            }
            host = Some(host_id);
            scan = Some(Scan {
                id: scan_id,
                finished: Str::from(r.get_ref(2)?.as_str()?),
            });
        }
        if let Some(package) = r.get_ref(3)?.as_str_or_null()? {
            let ids = in_scan.entry(Str::from(package)).or_default();
            for i in [4, 5] {
                for id in string_list(r.get_ref(i)?.as_str()?) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }
    if let (Some(s), Some(h)) = (&scan, host) {
        close_scan(s, &mut in_scan, &mut open);
        close_host(h, &mut open, s.id, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;

    /// A database with the scans and findings tables only, and the scans given as
    /// (host, finished, [(package, advisories)]).
    /// A scan: its host, finish time and findings as (package, advisories JSON).
    type ScanSpec<'a> = (i64, &'a str, &'a [(&'a str, &'a str)]);

    fn db(scans: &[ScanSpec<'_>]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE scans (id INTEGER PRIMARY KEY, host_id INTEGER, finished TEXT, status TEXT, findings_scan INTEGER,
               findings_of INTEGER GENERATED ALWAYS AS (coalesce(findings_scan, id)) VIRTUAL);
             CREATE TABLE findings (scan_id INTEGER, package TEXT, advisories TEXT, cves TEXT);",
        )
        .unwrap();
        for (host, finished, findings) in scans {
            conn.execute(
                "INSERT INTO scans (host_id, finished, status) VALUES (?1, ?2, 'ok')",
                params![host, finished],
            )
            .unwrap();
            let id = conn.last_insert_rowid();
            for (package, advisories) in *findings {
                conn.execute(
                    "INSERT INTO findings VALUES (?1, ?2, ?3, '[]')",
                    params![id, package, advisories],
                )
                .unwrap();
            }
        }
        // A failed scan between good ones changes nothing.
        conn.execute(
            "INSERT INTO scans (host_id, finished, status) VALUES (1, '2026-11-30T00:00:00Z', 'failed')",
            [],
        )
        .unwrap();
        conn
    }

    const T1: &str = "2026-11-01T00:00:00Z";
    const T2: &str = "2026-11-02T00:00:00Z";
    const T3: &str = "2026-11-03T00:00:00Z";

    fn news(h: &History, host: i64, package: &str) -> Option<Vec<String>> {
        h.get(&(host, Str::from(package)))
            .and_then(Seen::new_in_latest)
            .map(|v| v.into_iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn new_findings_and_grown_advisory_lists() {
        let conn = db(&[
            (1, T1, &[("a", r#"["X-1"]"#), ("b", r#"["X-2"]"#)]),
            (
                1,
                T2,
                &[("a", r#"["X-1","X-3"]"#), ("b", r#"["X-2"]"#), ("c", "[]")],
            ),
            (2, T2, &[("a", r#"["X-1"]"#)]),
        ]);
        let h = history(&conn).unwrap();
        assert_eq!(news(&h, 1, "a"), Some(vec!["X-3".to_string()]));
        assert_eq!(news(&h, 1, "b"), None);
        assert_eq!(news(&h, 1, "c"), Some(vec![]));
        // A host's first scan: everything is new.
        assert_eq!(news(&h, 2, "a"), Some(vec!["X-1".to_string()]));
        assert_eq!(h.len(), 4);
    }

    /// A scan that names another's findings (`findings_scan`, an unchanged host) has
    /// those findings: nothing is new in it, and first-seen times run on.
    #[test]
    fn a_scan_naming_anothers_findings_has_them() {
        let conn = db(&[(1, T1, &[("a", r#"["X-1"]"#)]), (1, T2, &[])]);
        conn.execute("UPDATE scans SET findings_scan = 1 WHERE id = 2", [])
            .unwrap();
        let h = history(&conn).unwrap();
        assert_eq!(news(&h, 1, "a"), None);
        assert_eq!(h[&(1, Str::from("a"))].first_seen(), T1);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn first_seen_restarts_after_a_gap() {
        let conn = db(&[
            (1, T1, &[("a", r#"["X-1"]"#), ("b", r#"["X-2"]"#)]),
            (1, T2, &[("b", r#"["X-2"]"#)]),
            (1, T3, &[("a", r#"["X-1"]"#), ("b", r#"["X-2"]"#)]),
        ]);
        let h = history(&conn).unwrap();
        let a = &h[&(1, Str::from("a"))];
        let b = &h[&(1, Str::from("b"))];
        assert_eq!(a.first_seen(), T3);
        assert_eq!(b.first_seen(), T1);
        let after = clock::parse(T2).unwrap();
        assert_eq!(a.new_after(after), Some(vec![Str::from("X-1")]));
        assert_eq!(b.new_after(after), None);
        // A finding that gains an advisory later is still first seen in its first scan.
        let conn = db(&[
            (1, T1, &[("a", r#"["X-1"]"#)]),
            (1, T2, &[("a", r#"["X-1"]"#)]),
            (1, T3, &[("a", r#"["X-1","X-2"]"#)]),
        ]);
        let h = history(&conn).unwrap();
        let a = &h[&(1, Str::from("a"))];
        assert_eq!(a.first_seen(), T1);
        assert_eq!(a.new_in_latest(), Some(vec![Str::from("X-2")]));
        assert_eq!(a.new_after(after), Some(vec![Str::from("X-2")]));
        // Gone in the latest scan: not current, not listed.
        let conn = db(&[(1, T1, &[("a", "[]")]), (1, T2, &[])]);
        assert!(history(&conn).unwrap().is_empty());
    }
}
