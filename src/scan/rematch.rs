//! Re-matching after `sync`: the stored inventory of each host's latest good scan
//! (`installed`, `pending`, `host_advisories`) is matched again against the catalogue
//! now held, and that scan's `findings` rows are replaced, so `findings`, `report`,
//! `explain` and `cycle start` follow a new catalogue without contacting any host.
//!
//! The stored facts go through [`Matcher::match_host`] (the loop `Matcher::findings`
//! runs for a scan) and [`super::insert_findings`], as at scan time: a re-match gives
//! exactly what a fresh scan with the same facts would (tests/sync.rs proves it for deb
//! and rpm hosts). Packages are read into one reused buffer, not one allocation each:
//! a fleet is millions of rows.

use std::collections::HashSet;

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::facts::{Facts, HostAdvisory, Manager, Pending, manager_for};
use super::matcher::{Installed, Matcher};
use crate::catalog::Severity;
use crate::family::WindowsFacts;
use crate::{audit, db};

/// What a re-match changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rematch {
    /// Hosts whose latest good scan was matched again.
    pub hosts: u64,
    /// Findings rows that a scan did not have before (by package and installed version).
    pub new: u64,
    /// Findings rows that are no longer there.
    pub gone: u64,
    /// Findings rows still there with other advisories, severity, KEV, EPSS or fix.
    pub changed: u64,
    /// Hosts not re-matched: rpm hosts scanned before host-reported advisories were
    /// stored (a re-match would drop what their dnf reported). A new scan fixes that.
    pub skipped: Vec<String>,
}

/// The package manager of a stored scan, as `scans.manager` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoredManager {
    /// Stored by this version: the manager (None: none was recognised).
    Known(Option<Manager>),
    /// Stored before the column existed: known from the OS, without host advisories.
    Legacy(Option<Manager>),
}

impl StoredManager {
    fn read(column: Option<&str>, os_id: Option<&str>) -> StoredManager {
        match column {
            Some(name) => StoredManager::Known(Manager::from_name(name)),
            None => StoredManager::Legacy(os_id.and_then(manager_for)),
        }
    }
}

/// A host's latest good scan, as stored.
struct LatestScan {
    host: String,
    scan_id: i64,
    os_id: Option<String>,
    ecosystem: Option<String>,
    kernel_running: Option<String>,
    /// `scans.manager`: see [`StoredManager`].
    manager: Option<String>,
    /// `scans.windows`: what a Windows host reported (JSON), None for other families.
    windows: Option<String>,
}

/// The installed packages of one stored scan: every name and version in one buffer,
/// reused from host to host, so that reading 1,500 packages allocates nothing per package.
#[derive(Default)]
struct StoredPackages {
    text: String,
    /// Per package: the ends in `text` of name, version, source name, source version,
    /// arch (empty when not known).
    ends: Vec<[usize; 5]>,
}

impl StoredPackages {
    fn read(&mut self, conn: &Connection, scan_id: i64) -> Result<()> {
        self.text.clear();
        self.ends.clear();
        let mut stmt = conn.prepare_cached(
            "SELECT name, version, source_name, source_version, coalesce(arch, '') FROM scan_installed WHERE of_scan = ?1 ORDER BY row_order",
        )?;
        let mut rows = stmt.query([scan_id])?;
        while let Some(r) = rows.next()? {
            let mut ends = [0; 5];
            for (i, end) in ends.iter_mut().enumerate() {
                self.text.push_str(r.get_ref(i)?.as_str()?);
                *end = self.text.len();
            }
            self.ends.push(ends);
        }
        Ok(())
    }

    fn iter(&self) -> impl Iterator<Item = Installed<'_>> {
        let mut start = 0;
        self.ends.iter().map(move |e| {
            let field = |from: usize, to: usize| &self.text[from..to];
            let p = Installed {
                name: field(start, e[0]),
                version: field(e[0], e[1]),
                source_name: field(e[1], e[2]),
                source_version: field(e[2], e[3]),
                arch: field(e[3], e[4]),
            };
            start = e[4];
            p
        })
    }
}

/// What a re-match reads of one stored scan: its packages, what its package manager
/// reported, and its findings rows as lines. Read on a connection of its own beside the
/// matching and writing (see [`rematch_all`]).
#[derive(Default)]
struct Loaded {
    packages: StoredPackages,
    pending: Vec<Pending>,
    host_advisories: Vec<HostAdvisory>,
    before_text: String,
}

impl Loaded {
    fn read(conn: &Connection, scan_id: i64, mut into: Loaded) -> Result<Loaded> {
        into.packages.read(conn, scan_id)?;
        let (pending, host_advisories) = stored_reports(conn, scan_id)?;
        into.pending = pending;
        into.host_advisories = host_advisories;
        into.before_text.clear();
        stored_lines(conn, scan_id, &mut into.before_text)?;
        Ok(into)
    }
}

/// Separates the fields of a row line; validated names, versions and JSON text never
/// hold it.
const SEP: char = '\u{1f}';

/// One `findings` row as a line (fields in table order): the rows of a scan before and
/// after are compared as sorted lines. The first three fields (package, source name,
/// installed version) identify a finding.
#[allow(clippy::too_many_arguments)]
fn row_line(
    out: &mut String,
    package: &str,
    source_name: &str,
    installed: &str,
    fixed: Option<&str>,
    candidate: Option<&str>,
    security: bool,
    advisories: &str,
    cves: &str,
    severity: Option<Severity>,
    kev: bool,
    epss: Option<f64>,
) {
    // Plain pushes: this runs for every findings row of every host, twice.
    let null = "\u{0}";
    for field in [
        package,
        source_name,
        installed,
        fixed.unwrap_or(null),
        candidate.unwrap_or(null),
        if security { "1" } else { "0" },
        advisories,
        cves,
        severity.map_or(null, Severity::as_str),
        if kev { "1" } else { "0" },
    ] {
        out.push_str(field);
        out.push(SEP);
    }
    match epss {
        // The exact bits: the stored REAL and the computed score compare equal.
        Some(e) => {
            use std::fmt::Write;
            // Writing to a String cannot fail.
            let _ = write!(out, "{:x}", e.to_bits());
        }
        None => out.push_str(null),
    }
    out.push('\n');
}

/// The identifying part of a row line.
fn key(line: &str) -> &str {
    line.match_indices(SEP)
        .nth(2)
        .map_or(line, |(i, _)| &line[..i])
}

/// Re-matches every host's latest good scan in one transaction, audited.
///
/// On a database file, the stored scans are read on a second, read-only connection in a
/// thread of its own while this one matches and writes: a fleet is millions of package
/// rows, and reading them is half the work. The reader sees the file as it was before
/// this transaction (WAL), which is exactly what it must read: the rows a re-match
/// writes are the findings of scans it has already read.
pub fn rematch_all(conn: &mut Connection, now: &str, actor: &str) -> Result<Rematch> {
    let path = conn.path().filter(|p| !p.is_empty()).map(str::to_string);
    let tx = db::write_tx(conn)?;
    let scans: Vec<LatestScan> = tx
        .prepare(
            "SELECT h.name, s.id, s.os_id, s.ecosystem, s.manager, s.kernel_running, s.windows FROM hosts h \
             JOIN scans s ON s.id = (SELECT max(x.id) FROM scans x WHERE x.host_id = h.id AND x.status = 'ok') \
             ORDER BY s.id",
        )?
        .query_map([], |r| {
            Ok(LatestScan {
                host: r.get(0)?,
                scan_id: r.get(1)?,
                os_id: r.get(2)?,
                ecosystem: r.get(3)?,
                manager: r.get(4)?,
                kernel_running: r.get(5)?,
                windows: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Which scans are matched (rpm scans stored before host advisories were are not).
    let mut out = Rematch::default();
    let mut work: Vec<(LatestScan, Option<Manager>)> = Vec::with_capacity(scans.len());
    for scan in scans {
        match StoredManager::read(scan.manager.as_deref(), scan.os_id.as_deref()) {
            StoredManager::Legacy(Some(Manager::Rpm)) => out.skipped.push(scan.host),
            StoredManager::Known(m) | StoredManager::Legacy(m) => work.push((scan, m)),
        }
    }
    let ids: Vec<i64> = work.iter().map(|(s, _)| s.scan_id).collect();
    let mut matcher = Matcher::new();
    // What each re-matched scan's findings now rest on (`scans.catalog`).
    let catalog = matcher.catalog_state(&tx)?;
    let mut after_text = String::new();
    std::thread::scope(|scope| -> Result<()> {
        // Loaded scans come over a short channel; their buffers go back to be reused.
        let (loaded_tx, loaded_rx) = std::sync::mpsc::sync_channel::<Result<Loaded>>(4);
        let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Loaded>();
        let reader = match &path {
            Some(p) => {
                let reader = Connection::open_with_flags(
                    p,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                reader.busy_timeout(db::BUSY_TIMEOUT)?;
                let ids = &ids;
                Some(scope.spawn(move || {
                    // One read transaction for the whole walk: one consistent snapshot.
                    if let Err(e) = reader.execute_batch("BEGIN") {
                        let _ = loaded_tx.send(Err(e.into()));
                        return;
                    }
                    for &id in ids {
                        let buffers = spare_rx.try_recv().unwrap_or_default();
                        let loaded = Loaded::read(&reader, id, buffers);
                        let failed = loaded.is_err();
                        // The receiver gone (an error there) ends the walk.
                        if loaded_tx.send(loaded).is_err() || failed {
                            return;
                        }
                    }
                }))
            }
            None => None,
        };
        let mut inline = Loaded::default();
        for (i, (scan, manager)) in work.iter().enumerate() {
            let loaded = match reader {
                Some(_) => loaded_rx
                    .recv()
                    .map_err(|_| anyhow::anyhow!("the re-match reader stopped early"))??,
                None => Loaded::read(&tx, ids[i], std::mem::take(&mut inline))?,
            };
            let findings = match &scan.windows {
                // A Windows host has no package rows: it is matched by its product,
                // build and KBs, as at scan time.
                Some(json) => {
                    let windows: WindowsFacts = serde_json::from_str(json).map_err(|e| {
                        anyhow::anyhow!(
                            "the stored Windows facts of host {}'s latest scan are unreadable ({e}): scan it again",
                            crate::text::one_line(&scan.host)
                        )
                    })?;
                    let facts = Facts {
                        manager: *manager,
                        os_id: scan.os_id.clone(),
                        ecosystem: scan.ecosystem.clone(),
                        kernel_running: scan.kernel_running.clone(),
                        pending: loaded.pending.clone(),
                        host_advisories: loaded.host_advisories.clone(),
                        windows: Some(windows),
                        ..Facts::default()
                    };
                    matcher.findings(&tx, &facts)?
                }
                None => matcher.match_host(
                    &tx,
                    scan.ecosystem.as_deref(),
                    *manager,
                    scan.kernel_running.as_deref(),
                    loaded.packages.iter(),
                    &loaded.pending,
                    &loaded.host_advisories,
                )?,
            };
            out.hosts += 1;
            tx.prepare_cached("UPDATE scans SET catalog = ?2 WHERE id = ?1")?
                .execute(params![scan.scan_id, catalog])?;
            let before_text = &loaded.before_text;
            if before_text.is_empty() {
                // Nothing stored before (scanned before any catalogue): every finding is new.
                if !findings.is_empty() {
                    let keys: HashSet<(&str, &str, &str)> = findings
                        .iter()
                        .map(|f| {
                            (
                                f.package.as_str(),
                                f.source_name.as_str(),
                                f.installed.as_str(),
                            )
                        })
                        .collect();
                    out.new += keys.len() as u64;
                    own_findings(&tx, scan.scan_id)?;
                    super::insert_findings(&tx, scan.scan_id, &findings)?;
                }
            } else {
                after_text.clear();
                for f in &findings {
                    row_line(
                        &mut after_text,
                        &f.package,
                        &f.source_name,
                        &f.installed,
                        f.matched.fixed.as_deref(),
                        f.candidate.as_deref(),
                        f.security,
                        &f.matched.advisories_json,
                        &f.matched.cves_json,
                        f.matched.severity,
                        f.matched.kev,
                        f.matched.epss,
                    );
                }
                // Both sides are in package order (a scan stores its findings in the
                // order of its packages, and they are read back by rowid): unchanged is
                // one comparison.
                if *before_text != after_text {
                    let old_keys: HashSet<&str> = before_text.lines().map(key).collect();
                    let new_keys: HashSet<&str> = after_text.lines().map(key).collect();
                    let old_lines: HashSet<&str> = before_text.lines().collect();
                    out.new += new_keys.difference(&old_keys).count() as u64;
                    out.gone += old_keys.difference(&new_keys).count() as u64;
                    out.changed += after_text
                        .lines()
                        .filter(|l| old_keys.contains(key(l)) && !old_lines.contains(l))
                        .count() as u64;
                    own_findings(&tx, scan.scan_id)?;
                    super::insert_findings(&tx, scan.scan_id, &findings)?;
                }
            }
            match reader {
                Some(_) => {
                    // The reader may be done; then the buffers are simply dropped.
                    let _ = spare_tx.send(loaded);
                }
                None => inline = loaded,
            }
        }
        drop(loaded_rx);
        if let Some(h) = reader {
            h.join()
                .map_err(|_| anyhow::anyhow!("the re-match reader panicked"))?;
        }
        Ok(())
    })?;
    // Nothing stored to match (no host scanned yet): nothing happened worth a record.
    if out.hosts == 0 && out.skipped.is_empty() {
        return Ok(out);
    }
    audit::append(
        &tx,
        now,
        actor,
        "catalog.rematch",
        "findings",
        &serde_json::json!({
            "hosts": out.hosts,
            "new": out.new,
            "gone": out.gone,
            "changed": out.changed,
            "skipped": out.skipped,
        }),
    )?;
    tx.commit()?;
    Ok(out)
}

/// Makes way for a scan's new findings rows: a scan that repeated another's findings
/// (`scans.findings_scan`) gets rows of its own (the other scan's stay: they are its
/// history); a scan's own rows go, except those kept open for a pending restart
/// (scan::carry_restart_pending), which rest on the host's processes, not on the
/// catalogue.
fn own_findings(tx: &Connection, scan_id: i64) -> Result<()> {
    let referenced = tx
        .prepare_cached(
            "UPDATE scans SET findings_scan = NULL WHERE id = ?1 AND findings_scan IS NOT NULL",
        )?
        .execute([scan_id])?;
    if referenced == 0 {
        tx.prepare_cached("DELETE FROM findings WHERE scan_id = ?1 AND restart IS NULL")?
            .execute([scan_id])?;
    }
    Ok(())
}

/// What a stored scan's package manager reported besides packages.
pub(crate) fn stored_reports(
    conn: &Connection,
    scan_id: i64,
) -> Result<(Vec<Pending>, Vec<HostAdvisory>)> {
    let pending = conn
        .prepare_cached(
            "SELECT package, from_version, to_version, origin, security FROM pending WHERE scan_id = ?1 ORDER BY rowid",
        )?
        .query_map([scan_id], |r| {
            Ok(Pending {
                package: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                origin: r.get(3)?,
                security: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let host_advisories = conn
        .prepare_cached(
            "SELECT advisory, package, version, severity FROM scan_host_advisories WHERE of_scan = ?1 ORDER BY row_order",
        )?
        .query_map([scan_id], |r| {
            Ok(HostAdvisory {
                id: r.get(0)?,
                package: r.get(1)?,
                version: r.get(2)?,
                severity: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((pending, host_advisories))
}

/// The stored findings rows of a scan, as lines ([`row_line`]) appended to `out`.
fn stored_lines(conn: &Connection, scan_id: i64, out: &mut String) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss \
         FROM scan_findings WHERE of_scan = ?1 AND restart IS NULL ORDER BY row_order",
    )?;
    let mut rows = stmt.query(params![scan_id])?;
    while let Some(r) = rows.next()? {
        row_line(
            out,
            r.get_ref(0)?.as_str()?,
            r.get_ref(1)?.as_str()?,
            r.get_ref(2)?.as_str()?,
            r.get_ref(3)?.as_str_or_null()?,
            r.get_ref(4)?.as_str_or_null()?,
            r.get(5)?,
            r.get_ref(6)?.as_str()?,
            r.get_ref(7)?.as_str()?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
        );
    }
    Ok(())
}
