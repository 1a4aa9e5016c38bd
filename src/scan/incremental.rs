//! Incremental scans: a host whose package state has not changed since its last full
//! scan answers `unchanged`, and the controller reuses that scan's facts (matched again
//! against the catalogue now held) instead of running the package manager on the host.
//!
//! The collector computes a fingerprint of the host's package state (README,
//! "Incremental scans": the package database, the package manager's metadata and
//! configuration, the running kernel, the boot, the reboot-required files, the installed
//! kernels, the collector's own version) and compares it with the one of the host's
//! last full scan, which the controller puts into the script ([`plan`] decides whether
//! it does). Anything the controller cannot vouch for (no fingerprint stored, another
//! collector's, a failed last scan, a full scan older than `[scan] full_every`, `--full`,
//! `--refresh`) leaves the script without one: the collection is full.

use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

pub use crate::family::facts::{Collected, Fingerprint};
use crate::family::facts::{Facts, Package, PackageState, Refused};

/// The collector's version: a digest of this patchcycle's version and the collector
/// script as generated before its per-run values (token, refresh flag, root, expected
/// fingerprint) go in. It is part of the fingerprint, and stored with each scan: a
/// fingerprint of another collector is never sent, so a changed collector (or parser)
/// forces a full collection.
pub fn collector_id() -> &'static str {
    static ID: LazyLock<String> = LazyLock::new(|| {
        let template = super::collector_template();
        let text = format!("patchcycle {}\n{template}", env!("CARGO_PKG_VERSION"));
        // 32 hex digits are plenty to tell collectors apart.
        crate::digest::sha256_hex(text.as_bytes())[..32].to_string()
    });
    &ID
}

/// Why a collection is full rather than unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FullReason {
    /// `scan --full`.
    Forced,
    /// `scan --refresh`: the package lists are updated first, so they will differ.
    Refresh,
    /// The host has no good scan yet.
    FirstScan,
    /// The host's last scan failed.
    AfterFailure,
    /// Its last good scan has no fingerprint (stored before incremental scans, the host
    /// could not compute one, or the stored one is not a fingerprint).
    NoFingerprint,
    /// Its last good scan's fingerprint is another collector's.
    Collector,
    /// Its last full collection is older than `[scan] full_every`.
    Age,
    /// The host computed another fingerprint than its last full scan's.
    Changed,
    /// The host was sent its last full scan's fingerprint but computed none (a file it
    /// cannot read, no stat or digest tool): it collected in full.
    NotComputed,
    /// Windows hosts are always collected in full (README, "Incremental scans").
    Windows,
    /// Saved output (`--import`), a container image, or a collector run without an
    /// expected fingerprint (`--print-script`).
    NotAsked,
}

impl FullReason {
    pub fn text(self) -> &'static str {
        match self {
            FullReason::Forced => "forced (--full)",
            FullReason::Refresh => "--refresh updates the package lists",
            FullReason::FirstScan => "first scan",
            FullReason::AfterFailure => "the last scan failed",
            FullReason::NoFingerprint => "no fingerprint stored",
            FullReason::Collector => "the collector changed",
            FullReason::Age => "the last full scan is older than [scan] full_every",
            FullReason::Changed => "package state changed",
            FullReason::NotComputed => "the host computed no fingerprint",
            FullReason::Windows => "Windows hosts are always collected in full",
            FullReason::NotAsked => "not incremental",
        }
    }
}

/// What a scan of one host asks of it: the fingerprint to compare (None: collect in
/// full), and why a full collection is full if it comes to that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub expected: Option<Fingerprint>,
    /// Why the collection is full when no fingerprint is sent; `Changed` when one is
    /// (the host then collects in full only if its state changed).
    pub full_reason: FullReason,
    /// When the facts the expected fingerprint stands for were collected.
    pub full_finished: Option<String>,
}

impl Plan {
    /// Why a host that answered in full, reporting `reported`, did: the plan's reason,
    /// or, when it was sent a fingerprint, that its state changed or that it could not
    /// compute one.
    pub fn why_full(&self, reported: Option<&Fingerprint>) -> FullReason {
        match (&self.expected, reported) {
            (None, _) => self.full_reason,
            (Some(_), None) => FullReason::NotComputed,
            (Some(_), Some(_)) => FullReason::Changed,
        }
    }

    /// A full collection, for this reason.
    pub fn full(reason: FullReason) -> Plan {
        Plan {
            expected: None,
            full_reason: reason,
            full_finished: None,
        }
    }
}

/// What `scan` asks of a host: its last scan decides.
pub fn plan(
    conn: &Connection,
    host: &str,
    forced: bool,
    refresh: bool,
    full_every: Duration,
    now: DateTime<Utc>,
) -> Result<Plan> {
    if forced {
        return Ok(Plan::full(FullReason::Forced));
    }
    if refresh {
        return Ok(Plan::full(FullReason::Refresh));
    }
    /// The host's latest scan, as far as planning goes.
    struct Last {
        good: bool,
        fingerprint: Option<String>,
        collector: Option<String>,
        full_finished: Option<String>,
    }
    let last: Option<Last> = conn
        .query_row(
            "SELECT s.status = 'ok', s.fingerprint, s.collector, s.full_finished FROM scans s JOIN hosts h ON h.id = s.host_id \
             WHERE h.name = ?1 ORDER BY s.id DESC LIMIT 1",
            [host],
            |r| {
                Ok(Last {
                    good: r.get(0)?,
                    fingerprint: r.get(1)?,
                    collector: r.get(2)?,
                    full_finished: r.get(3)?,
                })
            },
        )
        .optional()?;
    let Some(Last {
        good,
        fingerprint,
        collector,
        full_finished,
    }) = last
    else {
        return Ok(Plan::full(FullReason::FirstScan));
    };
    if !good {
        return Ok(Plan::full(FullReason::AfterFailure));
    }
    let Some(fingerprint) = fingerprint.as_deref().and_then(Fingerprint::parse) else {
        return Ok(Plan::full(FullReason::NoFingerprint));
    };
    if collector.as_deref() != Some(collector_id()) {
        return Ok(Plan::full(FullReason::Collector));
    }
    // A stamp that does not read as a time is as good as too old.
    let fresh = full_finished
        .as_deref()
        .and_then(crate::clock::parse)
        .is_some_and(|t| {
            now.signed_duration_since(t)
                .to_std()
                .map_or(true, |age| age < full_every)
        });
    if !fresh {
        return Ok(Plan::full(FullReason::Age));
    }
    Ok(Plan {
        expected: Some(fingerprint),
        full_reason: FullReason::Changed,
        full_finished,
    })
}

/// What an unchanged scan reuses of its host's latest good scan.
pub(crate) struct Reusable {
    /// The latest good scan (its pending updates and findings are copied).
    pub previous: i64,
    /// The scan whose `installed` and `host_advisories` rows hold the facts
    /// (`scans.facts_scan`).
    pub facts_scan: i64,
    /// When those facts were collected in full.
    pub full_finished: String,
    /// The catalogue `previous`'s findings were matched against (`scans.catalog`).
    pub catalog: Option<String>,
    /// The facts of the scan row; packages, pending updates and host advisories only
    /// after [`load_inventory`].
    pub facts: Facts,
}

/// The facts of a host's latest good scan, read back for an unchanged scan to reuse,
/// after checking that the host's answer is for that scan: its latest scan is good, of
/// this collector, with the fingerprint the host reported. Anything else is an error the
/// scan fails with (the next one is then full). The package rows are not read: see
/// [`load_inventory`].
pub(crate) fn stored_facts(
    tx: &Connection,
    host_id: i64,
    reported: &Fingerprint,
) -> Result<Result<Reusable, String>> {
    /// The latest scan of the host, as stored.
    struct Last {
        scan_id: i64,
        good: bool,
        fingerprint: Option<String>,
        collector: Option<String>,
        full_finished: Option<String>,
        windows: bool,
        facts: Facts,
        kernels: String,
        reboot_pkgs: String,
        warnings: String,
        refused: String,
        facts_scan: Option<i64>,
        catalog: Option<String>,
    }
    let last: Option<Last> = tx
        .query_row(
            "SELECT id, status = 'ok', fingerprint, collector, full_finished, windows IS NOT NULL, os_id, os_version, \
             ecosystem, kernel_running, kernels, reboot_required, reboot_pkgs, warnings, manager, refused, facts_scan, catalog \
             FROM scans WHERE host_id = ?1 ORDER BY id DESC LIMIT 1",
            [host_id],
            |r| {
                Ok(Last {
                    scan_id: r.get(0)?,
                    good: r.get(1)?,
                    fingerprint: r.get(2)?,
                    collector: r.get(3)?,
                    full_finished: r.get(4)?,
                    windows: r.get(5)?,
                    facts: Facts {
                        os_id: r.get(6)?,
                        os_version: r.get(7)?,
                        ecosystem: r.get(8)?,
                        kernel_running: r.get(9)?,
                        reboot_required: r.get(11)?,
                        manager: r
                            .get::<_, Option<String>>(14)?
                            .as_deref()
                            .and_then(crate::family::Manager::from_name),
                        ..Facts::default()
                    },
                    kernels: r.get(10)?,
                    reboot_pkgs: r.get(12)?,
                    warnings: r.get(13)?,
                    refused: r.get(15)?,
                    facts_scan: r.get(16)?,
                    catalog: r.get(17)?,
                })
            },
        )
        .optional()?;
    let Some(last) = last else {
        return Ok(Err(
            "the host answered unchanged, but it has no scan to reuse".into(),
        ));
    };
    if !last.good
        || last.fingerprint.as_deref() != Some(reported.as_str())
        || last.collector.as_deref() != Some(collector_id())
        || last.windows
    {
        return Ok(Err(format!(
            "the host answered unchanged for fingerprint {}, which is not its last good scan's: its facts are not reused (the next scan collects in full)",
            reported.as_str()
        )));
    }
    let Some(full_finished) = last.full_finished else {
        return Ok(Err(
            "the host answered unchanged, but its last scan does not say when it was collected in full".into(),
        ));
    };
    Ok(Ok(Reusable {
        previous: last.scan_id,
        facts_scan: last.facts_scan.unwrap_or(last.scan_id),
        full_finished,
        catalog: last.catalog,
        facts: Facts {
            kernels: serde_json::from_str(&last.kernels)?,
            reboot_pkgs: serde_json::from_str(&last.reboot_pkgs)?,
            warnings: serde_json::from_str(&last.warnings)?,
            refused: serde_json::from_str::<Vec<Refused>>(&last.refused)?,
            fingerprint: Some(reported.clone()),
            collected: Collected::Unchanged,
            ..last.facts
        },
    }))
}

/// Reads the reused packages, pending updates and host advisories into `r.facts`, for
/// matching them again (the catalogue changed since `r.previous` was matched).
pub(crate) fn load_inventory(tx: &Connection, r: &mut Reusable) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT name, arch, version, source_name, source_version, state FROM installed WHERE scan_id = ?1 ORDER BY rowid",
    )?;
    r.facts.packages = stmt
        .query_map([r.facts_scan], |r| {
            Ok(Package {
                name: r.get(0)?,
                arch: r.get(1)?,
                version: r.get(2)?,
                source_name: r.get(3)?,
                source_version: r.get(4)?,
                state: r.get::<_, PackageState>(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Pending updates are the previous scan's own; host advisories are found through its
    // facts scan.
    let (pending, host_advisories) = super::rematch::stored_reports(tx, r.previous)?;
    r.facts.pending = pending;
    r.facts.host_advisories = host_advisories;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_lowercase_hex_of_a_digests_length() {
        let sha = "0123456789abcdef".repeat(4);
        assert_eq!(
            Fingerprint::parse(&sha).map(|f| f.as_str().to_string()),
            Some(sha.clone())
        );
        assert!(Fingerprint::parse("00c0ffee00c0ffee").is_some());
        for bad in [
            "",
            "abc",
            &sha.to_uppercase(),
            "0123456789abcdeg",
            "0123456789abcdef'; rm -rf /; '",
            "0123456789abcdef\n",
            &"a".repeat(129),
        ] {
            assert_eq!(Fingerprint::parse(bad), None, "{bad:?}");
        }
    }

    /// Every way to a full collection, and the one way to a comparison, on a real
    /// database: `plan` reads the host's latest scan.
    #[test]
    fn the_latest_scan_decides_the_plan() {
        use crate::db::{Db, OpenMode};
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = Db::open(&dir.path().join("p.db"), OpenMode::Create).unwrap();
        let c = &db.conn;
        c.execute(
            "INSERT INTO hosts (name, address, created_at, updated_at) VALUES ('h', 'h', 'x', 'x')",
            [],
        )
        .unwrap();
        let fp = "ab".repeat(32);
        let day = Duration::from_secs(86_400);
        let now = crate::clock::parse("2026-12-07T12:00:00Z").unwrap();
        let plan_now = |forced, refresh| plan(c, "h", forced, refresh, day, now).unwrap();
        let scan = |status: &str, fingerprint: Option<&str>, collector: Option<&str>, at: &str| {
            c.execute(
                "INSERT INTO scans (host_id, started, finished, method, status, collection, fingerprint, collector, full_finished) \
                 VALUES (1, ?4, ?4, 'ssh', ?1, CASE ?1 WHEN 'ok' THEN 'full' END, ?2, ?3, ?4)",
                rusqlite::params![status, fingerprint, collector, at],
            )
            .unwrap();
        };
        assert_eq!(plan_now(false, false), Plan::full(FullReason::FirstScan));
        let id = collector_id();
        scan("ok", Some(&fp), Some(id), "2026-12-07T08:00:00Z");
        assert_eq!(
            plan_now(false, false),
            Plan {
                expected: Fingerprint::parse(&fp),
                full_reason: FullReason::Changed,
                full_finished: Some("2026-12-07T08:00:00Z".into()),
            }
        );
        assert_eq!(plan_now(true, false), Plan::full(FullReason::Forced));
        assert_eq!(plan_now(false, true), Plan::full(FullReason::Refresh));
        // Older than full_every (a day), or a stamp that is no time: full.
        assert_eq!(
            plan(c, "h", false, false, Duration::from_secs(3600), now).unwrap(),
            Plan::full(FullReason::Age)
        );
        scan("ok", Some(&fp), Some(id), "yesterday");
        assert_eq!(plan_now(false, false), Plan::full(FullReason::Age));
        scan(
            "ok",
            Some(&fp),
            Some("0123456789abcdef0123456789abcdef"),
            "2026-12-07T09:00:00Z",
        );
        assert_eq!(plan_now(false, false), Plan::full(FullReason::Collector));
        scan("ok", None, Some(id), "2026-12-07T09:00:00Z");
        assert_eq!(
            plan_now(false, false),
            Plan::full(FullReason::NoFingerprint)
        );
        // A stored value that is not a fingerprint is never put into a script.
        scan(
            "ok",
            Some("ab' ; reboot ; 'ab0123456789"),
            Some(id),
            "2026-12-07T09:00:00Z",
        );
        assert_eq!(
            plan_now(false, false),
            Plan::full(FullReason::NoFingerprint)
        );
        scan("ok", Some(&fp), Some(id), "2026-12-07T10:00:00Z");
        assert!(plan_now(false, false).expected.is_some());
        scan("failed", None, None, "2026-12-07T11:00:00Z");
        assert_eq!(plan_now(false, false), Plan::full(FullReason::AfterFailure));
        // Why a host sent a fingerprint answered in full.
        let sent = Plan {
            expected: Fingerprint::parse(&fp),
            full_reason: FullReason::Changed,
            full_finished: None,
        };
        assert_eq!(sent.why_full(None), FullReason::NotComputed);
        assert_eq!(
            sent.why_full(Fingerprint::parse(&"cd".repeat(32)).as_ref()),
            FullReason::Changed
        );
        assert_eq!(Plan::full(FullReason::Age).why_full(None), FullReason::Age);
    }

    #[test]
    fn the_collector_id_is_stable_hex() {
        let id = collector_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, collector_id());
    }
}
