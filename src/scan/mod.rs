//! `scan`: collect facts from hosts (ssh, local, saved output), match them against the
//! catalogue, and store each host's result in one transaction.

pub mod facts;
pub mod image;
pub mod incremental;
pub mod matcher;
pub mod news;
pub mod query;
pub mod rematch;

use std::time::Duration;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalog::Severity;
use crate::config::SshConfig;
use crate::exec::{self, Target, protocol};
use facts::{Facts, Refused};
use matcher::{Finding, Matcher};

const COLLECTOR: &str = include_str!("collect.sh");

/// The collector as generated from its parts (the families' fragments and
/// fingerprints, the restart section), before the per-run values go in: what
/// [`incremental::collector_id`] digests.
pub(crate) fn collector_template() -> String {
    without_comments(&collector_source())
}

/// The collector assembled from its parts, comments and all.
fn collector_source() -> String {
    let families: String = crate::family::FAMILIES
        .iter()
        .map(|f| {
            format!(
                "  {}) FAM={} ;;\n",
                f.os_ids().join("|"),
                f.manager().as_str()
            )
        })
        .collect();
    let fragments: String = crate::family::FAMILIES
        .iter()
        .map(|f| f.collector())
        .collect();
    let fingerprints: String = crate::family::FAMILIES
        .iter()
        .map(|f| format!("  {})\n{}    ;;\n", f.manager().as_str(), f.fingerprint()))
        .collect();
    COLLECTOR
        .replace("@FAMILIES@\n", &families)
        .replace("@FRAGMENTS@\n", &fragments)
        .replace("@FINGERPRINTS@\n", &fingerprints)
        .replace("@RESTART@\n", crate::family::restart::COLLECTOR)
}

/// `script` without its comment lines, but for its opening block (what the script is,
/// and that nothing from the inventory goes into it: for whoever reads `--print-script`).
/// The host's shell parses every byte it is sent, and on an unchanged host parsing is a
/// good part of the work; the comments are read here, in the source. No here-document
/// of the collector holds a line that starts with "#" (tested), so only comments go.
fn without_comments(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut opening = true;
    for line in script.split_inclusive('\n') {
        let comment = line.trim_start().starts_with('#');
        opening &= comment;
        if opening || !comment {
            out.push_str(line);
        }
    }
    out
}

/// The collector script with a fresh random token (section markers), the refresh flag
/// and the root directory to collect from (None: the running system). It collects in
/// full: see [`incremental_collector_script`].
pub fn collector_script(refresh: bool, root: Option<&std::path::Path>) -> Result<String, String> {
    incremental_collector_script(refresh, root, None)
}

/// The collector script, with the fingerprint of the host's last full scan to compare
/// (None: collect in full). The fingerprint is generated data, checked lowercase hex
/// ([`incremental::Fingerprint`]), never inventory text.
pub fn incremental_collector_script(
    refresh: bool,
    root: Option<&std::path::Path>,
    expected: Option<&incremental::Fingerprint>,
) -> Result<String, String> {
    let root = match root {
        None => "''".to_string(),
        Some(p) => {
            let s = p
                .to_str()
                .ok_or_else(|| format!("--root {}: not valid UTF-8", p.display()))?;
            if !s.starts_with('/') || s.len() > 4096 || s.chars().any(char::is_control) {
                return Err(format!(
                    "--root {s:?}: must be an absolute path without control characters"
                ));
            }
            // "/" is the running system; a trailing slash would double up in "$R/etc".
            let s = s.trim_end_matches('/');
            exec::shell_quote(s)
        }
    };
    let token = protocol::new_token();
    Ok(collector_template()
        .replace(
            "@PRELUDE@\n",
            &format!(
                "{}{}",
                protocol::prelude(&token),
                protocol::header_printer()
            ),
        )
        .replace("@COLLECTOR_ID@", incremental::collector_id())
        .replace(
            "@FINGERPRINT@",
            expected.map_or("", incremental::Fingerprint::as_str),
        )
        .replace("@REFRESH@", if refresh { "1" } else { "0" })
        .replace("@ROOT@", &root)
        .replace("@END@\n", &protocol::end_printer())
        + &protocol::end_printer())
}

/// The Windows collector (PowerShell) with a fresh random token, its only substitution:
/// nothing from the inventory or the database goes into it.
pub fn windows_collector_script() -> String {
    crate::family::windows::COLLECTOR.replace("@TOKEN@", &protocol::new_token())
}

/// How a host was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Ssh,
    Local,
    Import,
    /// A container image, unpacked here (`scan --image`).
    Image,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Ssh => "ssh",
            Method::Local => "local",
            Method::Import => "import",
            Method::Image => "image",
        }
    }
}

/// Why a host's scan failed, with what was found wrong on the way there (the warnings
/// and refused rows of output that was read, none when the host was not reached).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanFailure {
    pub error: String,
    pub warnings: Vec<String>,
    pub refused: Vec<Refused>,
}

impl From<String> for ScanFailure {
    fn from(error: String) -> ScanFailure {
        ScanFailure {
            error,
            ..ScanFailure::default()
        }
    }
}

impl From<Box<facts::Failed>> for ScanFailure {
    fn from(f: Box<facts::Failed>) -> ScanFailure {
        let f = *f;
        ScanFailure {
            error: f.error.to_string(),
            warnings: f.warnings,
            refused: f.refused,
        }
    }
}

/// One run of the collector: the parsed facts (or why there are none), and what `-v`
/// and `-vv` show of the run.
#[derive(Debug)]
pub struct Collection {
    pub facts: Result<Facts, ScanFailure>,
    /// Time to the collector's first output (connected, authenticated, shell started);
    /// None when the run failed before any output.
    pub first_output: Option<std::time::Duration>,
    /// From the start of the run to the parsed facts (or the failure).
    pub elapsed: std::time::Duration,
    /// The sections of the output, in order (empty when there was none).
    pub sections: Vec<SectionSize>,
}

/// Collects and parses one host's facts, in full.
pub fn collect(
    ssh: &SshConfig,
    control_dir: &std::path::Path,
    target: &Target,
    refresh: bool,
    root: Option<&std::path::Path>,
    timeout: Duration,
) -> Collection {
    collect_incremental(ssh, control_dir, target, refresh, root, None, timeout)
}

/// Collects and parses one host's facts; with the fingerprint of its last full scan,
/// the host answers `unchanged` when its own is the same (facts then say
/// [`incremental::Collected::Unchanged`], and [`store`] fills them in from that scan).
pub fn collect_incremental(
    ssh: &SshConfig,
    control_dir: &std::path::Path,
    target: &Target,
    refresh: bool,
    root: Option<&std::path::Path>,
    expected: Option<&incremental::Fingerprint>,
    timeout: Duration,
) -> Collection {
    let started = std::time::Instant::now();
    let failed = |e: String| Collection {
        facts: Err(e.into()),
        first_output: None,
        elapsed: started.elapsed(),
        sections: Vec::new(),
    };
    let script = match incremental_collector_script(refresh, root, expected) {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let out = exec::run_script(ssh, control_dir, target, &script, timeout);
    let mut collection = collection_of(started, out);
    collection.facts = unchanged_only_if_asked(collection.facts, expected);
    collection
}

/// An `unchanged` answer is taken only from a host that was sent that very fingerprint:
/// one it was not asked for (saved output, `--full`, a host sent no or another
/// fingerprint) fails the scan, whatever the database holds.
pub fn unchanged_only_if_asked(
    facts: Result<Facts, ScanFailure>,
    expected: Option<&incremental::Fingerprint>,
) -> Result<Facts, ScanFailure> {
    match facts {
        Ok(f)
            if f.collected == incremental::Collected::Unchanged
                && (expected.is_none() || f.fingerprint.as_ref() != expected) =>
        {
            Err(ScanFailure::from(
                "the host answered unchanged, which it was not asked: its facts are not reused (the next scan collects in full)"
                    .to_string(),
            ))
        }
        other => other,
    }
}

/// Collects and parses a Windows host's facts: the PowerShell collector over ssh.
pub fn collect_windows(
    ssh: &SshConfig,
    control_dir: &std::path::Path,
    target: &Target,
    timeout: Duration,
) -> Collection {
    let started = std::time::Instant::now();
    let out = exec::run_powershell(
        ssh,
        control_dir,
        target,
        &windows_collector_script(),
        timeout,
        &crate::family::windows::REMOTE_COMMAND,
    );
    collection_of(started, out)
}

/// A run's output parsed into a collection (or why there is none).
fn collection_of(
    started: std::time::Instant,
    out: Result<exec::RunOutput, exec::RunError>,
) -> Collection {
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            return Collection {
                facts: Err(e.to_string().into()),
                first_output: None,
                elapsed: started.elapsed(),
                sections: Vec::new(),
            };
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let facts = facts::parse(&text).map_err(|e| {
        // Raw, cut short: the error is stored as it came and cleaned where it is shown.
        let hint = protocol::last_line(&out.stderr)
            .map(|l| format!(" (stderr: {})", l.chars().take(200).collect::<String>()))
            .unwrap_or_default();
        let mut failure = ScanFailure::from(e);
        failure.error.push_str(&hint);
        failure
    });
    Collection {
        facts,
        first_output: out.first_output,
        elapsed: started.elapsed(),
        sections: section_sizes(&text),
    }
}

/// The size of one section of collector output (`-vv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSize {
    pub name: String,
    pub lines: usize,
    /// The bytes of its lines, each with its newline.
    pub bytes: usize,
}

/// The sections of collector output in the order they came, with their sizes. Only
/// what follows a `@@PC TOKEN BEGIN` header counts, with that token; anything else (no
/// header, text before it) gives no sections.
pub fn section_sizes(out: &str) -> Vec<SectionSize> {
    let out = out.strip_prefix('\u{feff}').unwrap_or(out);
    let Some((_, output)) = protocol::split_headed(out) else {
        return Vec::new();
    };
    output
        .sections
        .into_iter()
        .map(|s| SectionSize {
            name: s.name.to_string(),
            lines: s.lines.len(),
            bytes: s.lines.iter().map(|l| l.len() + 1).sum(),
        })
        .collect()
}

/// What one host's scan came to, for output. The counts are `None` (shown as `-`, JSON
/// `null`) when the scan failed: nothing is known about the host's packages, which is not
/// the same as knowing there are none.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    pub host: String,
    pub status: String,
    pub method: String,
    pub ecosystem: Option<String>,
    pub packages: Option<usize>,
    pub pending: Option<usize>,
    pub pending_security: Option<usize>,
    pub findings: Option<usize>,
    pub critical: Option<usize>,
    pub high: Option<usize>,
    pub kev: Option<usize>,
    pub kernel_running: Option<String>,
    pub kernel_latest: Option<String>,
    pub reboot_required: Option<bool>,
    /// How the facts were collected: in full, or reused from the last full scan (the
    /// host's fingerprint was unchanged); absent for a failed scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<incremental::Collected>,
    /// Processes still running replaced code, and what helps them; absent when the scan
    /// did not look (failed, or a collector without the `restart` section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartSummary>,
    /// What the parsers found wrong: kept for a failed scan too, with its error.
    pub warnings: Vec<String>,
    /// Rows refused per section: every one counted, the first few named.
    pub refused: Vec<Refused>,
    pub error: Option<String>,
}

/// A scan's restart state: whether processes were looked at, and the decision.
#[derive(Debug, Clone, Serialize)]
pub struct RestartSummary {
    pub check: crate::family::restart::Check,
    #[serde(flatten)]
    pub decision: crate::family::restart::Decision,
    /// Findings kept open because their fix waits for a restart.
    pub restart_pending_findings: usize,
}

/// Stores a fleet's scans host by host, several hosts to a transaction: each host in a
/// savepoint of its own (all of it or nothing), the transaction committed after
/// [`Batch::HOSTS`] hosts or [`Batch::SPAN`], whichever comes first, and by
/// [`Batch::finish`]. A commit per host rewrote the same tail pages of the scans,
/// findings and pending tables for every host: for an unchanged host, most of the
/// controller's work (README, "Benchmarks"). A crash loses at most the hosts of one
/// open batch, which then show their previous scan.
pub struct Batch<'c> {
    conn: &'c mut Connection,
    /// When the open transaction began, and how many hosts it holds.
    open: Option<(std::time::Instant, usize)>,
}

impl<'c> Batch<'c> {
    /// Hosts per transaction, at most.
    pub const HOSTS: usize = 100;
    /// How long a transaction stays open, at most, after its first host: how late a
    /// concurrent reader may see a stored host.
    pub const SPAN: Duration = Duration::from_secs(1);

    pub fn new(conn: &'c mut Connection) -> Batch<'c> {
        Batch { conn, open: None }
    }

    /// Stores one host; an error leaves none of that host's writes and commits the hosts
    /// stored before it.
    pub fn store(&mut self, matcher: &mut Matcher, scan: HostScan<'_>) -> Result<Summary> {
        if self.open.is_none() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(anyhow::Error::from)
                .map_err(|e| e.context("starting a write transaction"))?;
            self.open = Some((std::time::Instant::now(), 0));
        }
        self.conn.execute_batch("SAVEPOINT scan_host")?;
        match store_in(self.conn, matcher, scan) {
            Ok(summary) => {
                self.conn.execute_batch("RELEASE scan_host")?;
                if let Some((since, hosts)) = &mut self.open {
                    *hosts += 1;
                    if *hosts >= Self::HOSTS || since.elapsed() >= Self::SPAN {
                        self.commit()?;
                    }
                }
                Ok(summary)
            }
            Err(e) => {
                self.conn
                    .execute_batch("ROLLBACK TO scan_host; RELEASE scan_host")?;
                self.commit()?;
                Err(e)
            }
        }
    }

    fn commit(&mut self) -> Result<()> {
        if self.open.take().is_some() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// Commits the hosts stored since the last commit.
    pub fn finish(mut self) -> Result<()> {
        self.commit()
    }
}

impl Drop for Batch<'_> {
    /// Not finished (a panic, an early return): the open transaction is rolled back.
    fn drop(&mut self) {
        if self.open.take().is_some() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// One host's scan as the controller has it, to store.
pub struct HostScan<'a> {
    pub host: &'a str,
    pub method: Method,
    /// When the collection started and finished.
    pub started: &'a str,
    pub finished: &'a str,
    /// What was collected, or why nothing was.
    pub result: Result<Facts, ScanFailure>,
}

/// Stores one host's scan (facts or failure) inside the caller's transaction.
fn store_in(tx: &Connection, matcher: &mut Matcher, scan: HostScan<'_>) -> Result<Summary> {
    let HostScan {
        host: host_name,
        method,
        started,
        finished,
        result,
    } = scan;
    let host_id: i64 = row_cached(
        tx,
        "SELECT id FROM hosts WHERE name = ?1",
        [host_name],
        |r| r.get(0),
    )?;
    let mut summary = Summary {
        host: host_name.to_string(),
        method: method.as_str().into(),
        ..Summary::default()
    };
    // An unchanged host's facts are its last full scan's, read back here; the
    // restart section is the host's own answer of now.
    let mut reused: Option<Reuse> = None;
    let result = match result {
        Ok(f) if f.collected == incremental::Collected::Unchanged => match f.fingerprint.as_ref() {
            None => Err(ScanFailure::from(
                "the host answered unchanged without a fingerprint".to_string(),
            )),
            Some(reported) => match incremental::stored_facts(tx, host_id, reported)? {
                Ok(mut r) => {
                    // The previous findings stand only against the catalogue they were
                    // matched with; otherwise the reused facts are matched again.
                    let copy = r.catalog.is_some()
                        && r.catalog.as_deref() == Some(matcher.catalog_state(tx)?.as_str());
                    if !copy {
                        incremental::load_inventory(tx, &mut r)?;
                    }
                    let mut stored = std::mem::take(&mut r.facts);
                    stored.restart = f.restart;
                    for w in f.warnings {
                        if !stored.warnings.contains(&w) {
                            stored.warnings.push(w);
                        }
                    }
                    stored.collector = f.collector;
                    reused = Some(Reuse {
                        previous: r.previous,
                        facts_scan: r.facts_scan,
                        full_finished: r.full_finished,
                        copy_findings: copy,
                    });
                    Ok(stored)
                }
                Err(e) => Err(ScanFailure::from(e)),
            },
        },
        other => other,
    };
    match result {
        Err(e) => {
            exec_cached(
                tx,
                "INSERT INTO scans (host_id, started, finished, method, status, error, warnings, refused) \
                 VALUES (?1, ?2, ?3, ?4, 'failed', ?5, ?6, ?7)",
                params![
                    host_id,
                    started,
                    finished,
                    method.as_str(),
                    e.error,
                    serde_json::to_string(&e.warnings)?,
                    serde_json::to_string(&e.refused)?
                ],
            )?;
            summary.status = "failed".into();
            summary.error = Some(e.error);
            summary.warnings = e.warnings;
            summary.refused = e.refused;
        }
        Ok(f) => {
            let catalog = matcher.catalog_state(tx)?;
            let findings = match &reused {
                Some(r) if r.copy_findings => None,
                _ => Some(matcher.findings(tx, &f)?),
            };
            let previous: Option<i64> = tx
                .prepare_cached("SELECT max(id) FROM scans WHERE host_id = ?1 AND status = 'ok'")?
                .query_row([host_id], |r| r.get(0))?;
            // Findings that are the previous scan's exactly are not written again: the
            // scan names the one that holds them. Not when a finding is, or may be, kept
            // open for a restart: those rows are decided per scan.
            let findings_ref: Option<i64> = match &reused {
                Some(r)
                    if r.copy_findings
                        && f.restart.as_ref().is_none_or(|x| x.packages().is_empty()) =>
                {
                    let (held_by, restart_rows): (i64, bool) = row_cached(
                        tx,
                        "SELECT s.findings_of, EXISTS (SELECT 1 FROM findings \
                         WHERE scan_id = s.findings_of AND restart IS NOT NULL) \
                         FROM scans s WHERE s.id = ?1",
                        [r.previous],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )?;
                    (!restart_rows).then_some(held_by)
                }
                _ => None,
            };
            let latest = f.kernel_latest().map(str::to_string);
            let full_finished = reused
                .as_ref()
                .map_or(finished, |r| r.full_finished.as_str());
            exec_cached(
                tx,
                "INSERT INTO scans (host_id, started, finished, method, status, os_id, os_version, ecosystem, \
                 kernel_running, kernels, reboot_required, reboot_pkgs, warnings, manager, refused, restart, windows, \
                 collection, fingerprint, collector, full_finished, facts_scan, catalog, findings_scan) \
                 VALUES (?1, ?2, ?3, ?4, 'ok', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
                params![
                    host_id,
                    started,
                    finished,
                    method.as_str(),
                    f.os_id,
                    f.os_version,
                    f.ecosystem,
                    f.kernel_running,
                    serde_json::to_string(&f.kernels)?,
                    f.reboot_required,
                    serde_json::to_string(&f.reboot_pkgs)?,
                    serde_json::to_string(&f.warnings)?,
                    manager_name(f.manager),
                    serde_json::to_string(&f.refused)?,
                    f.restart.as_ref().map(serde_json::to_string).transpose()?,
                    f.windows.as_ref().map(serde_json::to_string).transpose()?,
                    f.collected,
                    f.fingerprint.as_ref().map(incremental::Fingerprint::as_str),
                    f.collector.as_deref(),
                    full_finished,
                    reused.as_ref().map(|r| r.facts_scan),
                    catalog,
                    findings_ref
                ],
            )?;
            let scan_id = tx.last_insert_rowid();
            match &reused {
                None => store_inventory(tx, host_id, scan_id, &f)?,
                // Pending updates are kept per scan; the package rows stay where they are.
                Some(r) => copy_pending(tx, r.previous, scan_id)?,
            }
            match (&findings, &reused) {
                (Some(findings), _) => insert_findings(tx, scan_id, findings)?,
                (None, Some(_)) if findings_ref.is_some() => {}
                (None, Some(r)) => copy_findings(tx, r.previous, scan_id)?,
                (None, None) => {}
            }
            let decision = f.restart.as_ref().map(|r| r.decide());
            let facts_scan = reused.as_ref().map_or(scan_id, |r| r.facts_scan);
            let carried = match (&f.restart, previous) {
                (Some(r), Some(prev)) => carry_restart_pending(tx, prev, scan_id, facts_scan, r)?,
                _ => 0,
            };
            // A process only a reboot helps (PID 1, D-Bus, systemd's daemons) makes the
            // host need a reboot as much as its own flag does.
            let reboot_flag = match (
                f.reboot_required,
                decision.as_ref().map(|d| d.needs_reboot()),
            ) {
                (_, Some(true)) => Some(true),
                (flag, _) => flag,
            };
            exec_cached(
                tx,
                "UPDATE hosts SET os_id = ?2, os_version = ?3, ecosystem = coalesce(?4, ecosystem), kernel_running = ?5, kernel_latest = ?6, \
                 reboot_required = ?7, last_scan = ?8, updated_at = ?8 WHERE id = ?1",
                params![
                    host_id,
                    f.os_id,
                    f.os_version,
                    f.ecosystem,
                    f.kernel_running,
                    latest,
                    reboot_flag,
                    finished
                ],
            )?;
            summary.status = "ok".into();
            summary.collection = Some(f.collected);
            summary.ecosystem = f.ecosystem.clone();
            // A Windows host has no package list (its updates are KBs): `-`, not 0.
            summary.packages = match (&f.windows, &reused) {
                (Some(_), _) => None,
                (None, None) => Some(f.packages.len()),
                (None, Some(r)) => Some(row_cached(
                    tx,
                    "SELECT count(*) FROM installed WHERE scan_id = ?1",
                    [r.facts_scan],
                    |row| row.get::<_, i64>(0),
                )? as usize),
            };
            let (pending, pending_security): (i64, i64) = row_cached(
                tx,
                "SELECT count(*), coalesce(sum(security), 0) FROM pending WHERE scan_id = ?1",
                [scan_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            summary.pending = Some(pending as usize);
            summary.pending_security = Some(pending_security as usize);
            // Counted as stored: the findings of now and those kept open for a restart.
            let (total, critical, high, kev): (i64, i64, i64, i64) = row_cached(
                tx,
                "SELECT count(*), coalesce(sum(severity = 'critical'), 0), coalesce(sum(severity = 'high'), 0), \
                 coalesce(sum(kev), 0) FROM scan_findings WHERE of_scan = ?1",
                [scan_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            summary.findings = Some(total as usize);
            summary.critical = Some(critical as usize);
            summary.high = Some(high as usize);
            summary.kev = Some(kev as usize);
            summary.kernel_running = f.kernel_running.clone();
            summary.kernel_latest = latest;
            // Decided as `host show` and the report decide it.
            summary.reboot_required = crate::inventory::reboot::Reboot::of(
                reboot_flag,
                f.kernel_running.as_deref(),
                summary.kernel_latest.as_deref(),
            )
            .needed();
            summary.restart =
                f.restart
                    .as_ref()
                    .zip(decision)
                    .map(|(r, decision)| RestartSummary {
                        check: r.check,
                        decision,
                        restart_pending_findings: carried,
                    });
            summary.warnings = f.warnings;
            summary.refused = f.refused;
        }
    }
    Ok(summary)
}

/// Keeps open the findings whose fix is on disk but not yet running. A finding of the
/// previous good scan is carried into this one, marked with the units or processes
/// that hold the old code, when all of these hold:
///
/// 1. a process maps a deleted file that the package manager says belongs to its
///    package (`dpkg -S`, `rpm -qf`: the path now holds the new build);
/// 2. this scan has no finding for that package (on disk, it is fixed);
/// 3. the package's installed version differs from the one the finding was about (it
///    was upgraded since: the deleted file is the old build).
///
/// The carried row keeps the old installed version, which is what still runs. A
/// package without such a process is fixed as before; a host's first scan carries
/// nothing (no finding is invented for code never seen vulnerable).
fn carry_restart_pending(
    tx: &Connection,
    previous_scan: i64,
    scan_id: i64,
    facts_scan: i64,
    restart: &crate::family::restart::RestartFacts,
) -> Result<usize> {
    let mut carried = 0;
    for package in restart.packages() {
        let fixed_now: bool = row_cached(
            tx,
            "SELECT NOT EXISTS (SELECT 1 FROM findings WHERE scan_id = ?1 AND package = ?2)",
            params![scan_id, package],
            |r| r.get(0),
        )?;
        if !fixed_now {
            continue;
        }
        let now: Option<String> = tx
            .query_row(
                "SELECT version FROM installed WHERE scan_id = ?1 AND name = ?2 ORDER BY rowid LIMIT 1",
                params![facts_scan, package],
                |r| r.get(0),
            )
            .optional()?;
        let Some(now) = now else {
            continue;
        };
        let holders = serde_json::to_string(&restart.holders_of(package))?;
        carried += exec_cached(
            tx,
            "INSERT INTO findings (scan_id, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss, restart) \
             SELECT ?1, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss, ?2 \
             FROM scan_findings WHERE of_scan = ?3 AND package = ?4 AND installed <> ?5 ORDER BY row_order",
            params![scan_id, holders, previous_scan, package, now],
        )?;
    }
    Ok(carried)
}

/// `execute` through the connection's statement cache: a fleet's scan runs the same
/// statements for every host.
fn exec_cached(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// `query_row` through the connection's statement cache.
fn row_cached<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// How `scans.manager` spells a scan's package manager; `none` (no manager recognised)
/// differs from NULL (stored before the column existed).
pub(crate) fn manager_name(m: Option<facts::Manager>) -> &'static str {
    m.map_or("none", facts::Manager::as_str)
}

/// Stores what a re-match needs of a good scan: installed packages, pending updates and
/// host-reported advisories (a Windows host's facts are on its scan row). Only the
/// host's latest good scan keeps them.
fn store_inventory(tx: &Connection, host_id: i64, scan_id: i64, f: &Facts) -> Result<()> {
    for table in ["installed", "host_advisories"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE scan_id IN (SELECT id FROM scans WHERE host_id = ?1 AND id <> ?2)"
            ),
            params![host_id, scan_id],
        )?;
    }
    tx.execute(
        "UPDATE scans SET windows = NULL WHERE host_id = ?1 AND id <> ?2 AND windows IS NOT NULL",
        params![host_id, scan_id],
    )?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO installed (scan_id, name, arch, version, source_name, source_version, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in &f.packages {
        ins.execute(params![
            scan_id,
            p.name,
            p.arch,
            p.version,
            p.source_name,
            p.source_version,
            p.state
        ])?;
    }
    let mut pend = tx.prepare_cached(
        "INSERT INTO pending (scan_id, package, from_version, to_version, origin, security) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in &f.pending {
        pend.execute(params![
            scan_id, p.package, p.from, p.to, p.origin, p.security
        ])?;
    }
    let mut adv = tx.prepare_cached(
        "INSERT INTO host_advisories (scan_id, advisory, package, version, severity) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for h in &f.host_advisories {
        adv.execute(params![scan_id, h.id, h.package, h.version, h.severity])?;
    }
    Ok(())
}

/// What an unchanged scan takes from the host's latest good scan.
struct Reuse {
    previous: i64,
    /// Where the package rows are (`scans.facts_scan`).
    facts_scan: i64,
    full_finished: String,
    /// `previous`'s findings were matched against the catalogue held now: copied, not
    /// matched again.
    copy_findings: bool,
}

/// An unchanged scan's pending updates: the previous scan's (every scan keeps its own).
fn copy_pending(tx: &Connection, previous: i64, scan_id: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO pending (scan_id, package, from_version, to_version, origin, security) \
         SELECT ?2, package, from_version, to_version, origin, security FROM pending WHERE scan_id = ?1 ORDER BY rowid",
    )?
    .execute(params![previous, scan_id])?;
    Ok(())
}

/// An unchanged scan's findings when the catalogue is the one the previous scan's were
/// matched against: the same facts against the same catalogue give the same findings
/// (tests/scan_incremental.rs compares them with a full scan's). Rows kept open for a
/// restart are not copied: [`carry_restart_pending`] decides them anew.
fn copy_findings(tx: &Connection, previous: i64, scan_id: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO findings (scan_id, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss) \
         SELECT ?2, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss \
         FROM scan_findings WHERE of_scan = ?1 AND restart IS NULL ORDER BY row_order",
    )?
    .execute(params![previous, scan_id])?;
    Ok(())
}

/// Writes the findings rows of one scan: at scan time and at a re-match after `sync`.
pub(crate) fn insert_findings(conn: &Connection, scan_id: i64, findings: &[Finding]) -> Result<()> {
    let mut fi = conn.prepare_cached(
        "INSERT INTO findings (scan_id, package, source_name, installed, fixed, candidate, security, advisories, cves, severity, kev, epss) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for x in findings {
        fi.execute(params![
            scan_id,
            x.package,
            x.source_name,
            x.installed,
            x.matched.fixed,
            x.candidate,
            x.security,
            x.matched.advisories_json,
            x.matched.cves_json,
            x.matched.severity.map(Severity::as_str),
            x.matched.kev,
            x.matched.epss
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_sizes_follow_the_markers_of_the_header_token() {
        let t = "0123456789abcdef0123456789abcdef";
        let out = format!(
            "@@PC {t} BEGIN 1\n@@PC {t} os-release\nID=debian\nVERSION_ID=12\n@@PC {t} uname\n\
             @@PC {t} dpkg\nbash\t5.2\n@@PC ffff0000ffff0000 dpkg\n@@PC {t} END\nafter\n"
        );
        let got: Vec<(String, usize, usize)> = section_sizes(&out)
            .into_iter()
            .map(|s| (s.name, s.lines, s.bytes))
            .collect();
        assert_eq!(
            got,
            [
                ("os-release".to_string(), 2, 24),
                ("uname".to_string(), 0, 0),
                // A marker with another token is a line of the section.
                ("dpkg".to_string(), 2, 36),
            ]
        );
        assert!(section_sizes("no header\n@@PC x os-release\n").is_empty());
    }

    /// The `@NAME@` placeholders of a text, in order.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find('@') {
            let after = &rest[i + 1..];
            let name_len = after
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || *b == b'_')
                .count();
            if name_len > 0 && after[name_len..].starts_with('@') {
                found.push(&after[..name_len]);
                rest = &after[name_len + 1..];
            } else {
                rest = after;
            }
        }
        found
    }

    /// The collector's digest, both ways a host may compute it: sha256sum's is SHA-256;
    /// cksum's (a host without sha256sum) is its CRC and length as 16 hex digits. Both
    /// are fingerprints the controller accepts.
    #[test]
    fn the_fingerprint_digest_is_sha256_or_cksum() {
        let start = COLLECTOR.find("fp_hex() {").unwrap();
        let len = COLLECTOR[start..].find("\n}\n").unwrap() + 3;
        let function = &COLLECTOR[start..start + len];
        let text = "collector x sha256sum\nroot \nfamily dpkg\n";
        let digest = |tool: &str| {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "{function}FP_TOOL={tool}\nfp_hex \"$(printf '%s' \"$1\" | \"$FP_TOOL\")\"\necho \"$FP\""
                ))
                .arg("sh")
                .arg(text)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout)
                .unwrap()
                .trim_end()
                .to_string()
        };
        let sha = digest("sha256sum");
        assert_eq!(sha, crate::digest::sha256_hex(text.as_bytes()));
        let crc = digest("cksum");
        let cksum = std::process::Command::new("sh")
            .arg("-c")
            .arg("printf '%s' \"$1\" | cksum")
            .arg("sh")
            .arg(text)
            .output()
            .unwrap();
        let cksum = String::from_utf8(cksum.stdout).unwrap();
        let mut words = cksum.split_whitespace();
        let (c, n): (u64, u64) = (
            words.next().unwrap().parse().unwrap(),
            words.next().unwrap().parse().unwrap(),
        );
        assert_eq!(crc, format!("{c:08x}{n:08x}"));
        assert_eq!(n as usize, text.len());
        for fp in [sha, crc] {
            assert!(incremental::Fingerprint::parse(&fp).is_some(), "{fp}");
        }
    }

    /// Only comments leave the collector: no line of a here-document starts with "#",
    /// and the opening block stays (what `--print-script` prints says what it is).
    #[test]
    fn stripping_comments_leaves_every_command() {
        let source = collector_source();
        let mut delimiter: Option<String> = None;
        for line in source.lines() {
            match &delimiter {
                Some(d) if line == d => delimiter = None,
                Some(_) => assert!(!line.trim_start().starts_with('#'), "{line}"),
                None => {
                    if let Some(word) = line.split("<<").nth(1) {
                        let word = word.trim_start_matches('-').trim();
                        let word = word.trim_matches(|c| c == '\'' || c == '"');
                        let word: String = word
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        assert!(!word.is_empty(), "{line}");
                        delimiter = Some(word);
                    }
                }
            }
        }
        assert!(delimiter.is_none());
        let template = collector_template();
        assert!(template.starts_with("# patchcycle collector."));
        assert!(template.len() < source.len() * 3 / 4, "{}", template.len());
        let code = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(code(&template), code(&source));
    }

    /// Nothing from the inventory or the database goes into the POSIX collector but
    /// values patchcycle generates: the token, the refresh flag, the collector's own
    /// digest, the expected fingerprint (a [`incremental::Fingerprint`], hex checked
    /// before it can exist) and the root of `--local --root` (one single-quoted word).
    #[test]
    fn the_collector_takes_only_generated_values() {
        let template = collector_template();
        let mut names = placeholders(&template);
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names,
            [
                "COLLECTOR_ID",
                "END",
                "FINGERPRINT",
                "PRELUDE",
                "REFRESH",
                "ROOT"
            ]
        );
        let fp = incremental::Fingerprint::parse(&"0123456789abcdef".repeat(4)).unwrap();
        let root = std::path::Path::new("/srv/it's a root");
        let script = incremental_collector_script(true, Some(root), Some(&fp)).unwrap();
        assert_eq!(placeholders(&script), Vec::<&str>::new());
        let token = script
            .lines()
            .find_map(|l| l.strip_prefix("T='")?.strip_suffix('\''))
            .unwrap()
            .to_string();
        // Putting each generated value back gives the template: nothing else went in.
        let body = script.strip_suffix(&protocol::end_printer()).unwrap();
        let back = body
            .replacen(&protocol::prelude(&token), "", 1)
            .replacen(&protocol::header_printer(), "", 1)
            .replace(incremental::collector_id(), "@COLLECTOR_ID@")
            .replace(
                &format!("FP_WANT='{}'", fp.as_str()),
                "FP_WANT='@FINGERPRINT@'",
            )
            .replace("REFRESH='1'", "REFRESH='@REFRESH@'")
            .replace("R='/srv/it'\\''s a root'", "R=@ROOT@");
        assert_eq!(
            back,
            template.replacen("@PRELUDE@\n", "", 1).replacen(
                "@END@\n",
                &protocol::end_printer(),
                1
            )
        );
        // Without a fingerprint, the host has nothing to compare with: it collects in full.
        let full = collector_script(false, None).unwrap();
        assert!(full.contains("FP_WANT=''\n"), "{full}");
        // A value that is not lowercase hex is no fingerprint, so it never reaches a script.
        assert!(incremental::Fingerprint::parse("0123456789abcdef' ; reboot ; '").is_none());
    }
}
