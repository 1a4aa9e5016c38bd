//! `sync`: which sources, where each comes from, and the fetch → import → record cycle
//! of one source. Each source's import is one transaction; a failure rolls it back and
//! leaves the catalogue held as it was.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::ecosystem::{self, NotOsv};
use super::fetch::{self, Cap, Download, Fetched, Fetcher, Location, Validators};
use super::scratch::{self, Scratch};
use super::store::{self, Holding, ImportStats};
use super::{epss, errata, kev, msrc, osv};
use crate::config::SyncConfig;
use crate::error::Failure;
use crate::{audit, db};

/// Where `--from DIR`, `--mirror URL` and `--export DIR` put each source.
pub const LAYOUT_HELP: &str = "osv-mirror/<Ecosystem>/all.zip, kev/known_exploited_vulnerabilities.json, \
epss/epss_scores-current.csv.gz, errata/<name>/repodata/repomd.xml (+ the updateinfo file it names), \
msrc/cvrf/index.json (+ msrc/cvrf/<YYYY-Mon>.xml.zst or .xml for each document it lists)";

/// One catalogue source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An OSV ecosystem without release: `Debian`, `AlmaLinux`, `Rocky Linux`.
    Osv(String),
    Kev,
    Epss,
    /// The MSRC Security Update Guide: its index, then one source per monthly document
    /// (`msrc:2024-Jan`), see [`msrc`].
    Msrc,
    Errata {
        name: String,
        url: String,
        ecosystem: String,
    },
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::Osv(e) => format!("osv:{e}"),
            Source::Kev => "kev".into(),
            Source::Epss => "epss".into(),
            Source::Msrc => "msrc".into(),
            Source::Errata { name, .. } => format!("errata:{name}"),
        }
    }

    /// The file's path in the mirror / export layout.
    pub fn layout_path(&self) -> String {
        match self {
            Source::Osv(e) => format!("osv-mirror/{e}/all.zip"),
            Source::Kev => "kev/known_exploited_vulnerabilities.json".into(),
            Source::Epss => "epss/epss_scores-current.csv.gz".into(),
            Source::Msrc => msrc::INDEX_LAYOUT.into(),
            Source::Errata { name, .. } => format!("errata/{name}/repodata/repomd.xml"),
        }
    }

    /// The size cap of each file this source downloads (`[sync.max_mib]`).
    pub fn cap(&self, cfg: &SyncConfig) -> Cap {
        let (mib, key) = match self {
            Source::Osv(_) => (cfg.max_mib.osv, "sync.max_mib.osv"),
            Source::Kev => (cfg.max_mib.kev, "sync.max_mib.kev"),
            Source::Epss => (cfg.max_mib.epss, "sync.max_mib.epss"),
            Source::Msrc => (cfg.max_mib.msrc, "sync.max_mib.msrc"),
            Source::Errata { .. } => (cfg.max_mib.errata, "sync.max_mib.errata"),
        };
        Cap {
            source: self.name(),
            mib,
            key,
        }
    }
}

/// The OSV ecosystem (zip name) of an ecosystem with release: `Debian:12` → `Debian`,
/// `Ubuntu:22.04:LTS` → `Ubuntu`.
pub fn osv_base_ecosystem(eco: &str) -> &str {
    eco.split(':').next().unwrap_or(eco)
}

/// Whether OSV publishes advisories a host of `base` (from its os-release) can be matched
/// against. Fedora, CentOS Stream, Amazon Linux and Oracle Linux have no OSV feed; Red
/// Hat's names CPE streams (`Red Hat:enterprise_linux:9::appstream`) an os-release cannot
/// place. Their hosts match the errata of their repositories (`[[sync.errata]]`) and
/// what their own dnf reports.
pub fn host_has_osv_feed(base: &str) -> bool {
    !matches!(
        base,
        "Fedora" | "CentOS" | "Amazon Linux" | "Oracle Linux" | "Red Hat"
    )
}

/// What `sync` should know before it starts: a warning, and how to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub warning: String,
    pub hint: Option<String>,
}

/// The sources of one `sync` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub sources: Vec<Source>,
    /// The sources were named on the command line: a `--from` directory or mirror that
    /// lacks one is an error, not a warning.
    pub named: bool,
    /// Gaps found while choosing (no OSV ecosystem known, hosts without a feed).
    pub notices: Vec<Notice>,
}

/// Hosts named in a notice: the first few, then a count.
fn some_hosts(names: &[String]) -> String {
    crate::output::first_few(names.iter(), 3)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One source named on the command line (`osv:Debian`, `kev`, `epss`, `errata:NAME`),
/// matched case-insensitively.
fn named_source(cfg: &SyncConfig, n: &str) -> Result<Source> {
    let errata_names: Vec<&str> = cfg.errata.iter().map(|e| e.name.as_str()).collect();
    let source = match n.split_once(':') {
        Some((kind, e)) if kind.eq_ignore_ascii_case("osv") => {
            match ecosystem::osv_ecosystem(e) {
                Ok(e) => Source::Osv(e),
                Err(NotOsv::Invalid) => {
                    return Err(Failure::usage(format!("{n:?} is not an OSV ecosystem name"))
                    .hint("OSV sources are named like osv:Debian, osv:AlmaLinux, osv:Rocky Linux")
                    .into());
                }
                Err(NotOsv::NearMiss(k)) => {
                    return Err(Failure::usage(format!("unknown source {n:?}"))
                        .hint(format!("did you mean osv:{k}?"))
                        .into());
                }
            }
        }
        Some((kind, e)) if kind.eq_ignore_ascii_case("errata") => {
            let Some(found) = cfg.errata.iter().find(|x| x.name.eq_ignore_ascii_case(e)) else {
                let hint = match ecosystem::did_you_mean(e, &errata_names) {
                    Some(k) => format!("did you mean errata:{k}?"),
                    None => "add a [[sync.errata]] table with name, url and ecosystem".into(),
                };
                return Err(
                    Failure::usage(format!("no errata source {e:?} in the config"))
                        .hint(hint)
                        .into(),
                );
            };
            Source::Errata {
                name: found.name.clone(),
                url: found.url.clone(),
                ecosystem: found.ecosystem.clone(),
            }
        }
        None if n.eq_ignore_ascii_case("kev") => Source::Kev,
        None if n.eq_ignore_ascii_case("epss") => Source::Epss,
        None if n.eq_ignore_ascii_case("msrc") => Source::Msrc,
        _ => {
            let base = n.split(':').next().unwrap_or(n);
            let hint = if let Some(k) = ecosystem::OSV_ECOSYSTEMS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(base))
                .copied()
                .or_else(|| ecosystem::did_you_mean(base, ecosystem::OSV_ECOSYSTEMS))
            {
                format!("did you mean osv:{k}?")
            } else if let Some(k) = ecosystem::did_you_mean(n, &["kev", "epss", "msrc"]) {
                format!("did you mean {k}?")
            } else {
                "sources are osv:<Ecosystem>, kev, epss, msrc and errata:<name>".into()
            };
            return Err(Failure::usage(format!("unknown source {n:?}"))
                .hint(hint)
                .into());
        }
    };
    Ok(source)
}

/// The sources to sync: those named (`osv:Debian`, `kev`, `epss`, `msrc`, `errata:NAME`),
/// or every enabled one (MSRC once it has been synced or when the inventory has a Windows
/// host: its 189 documents are not fetched for a fleet that never asked for them). OSV
/// ecosystems default to those of the inventory's hosts (from their
/// latest scan, or declared with `host add --ecosystem`) plus `[sync.osv] ecosystems`.
pub fn select(conn: &Connection, cfg: &SyncConfig, names: &[String]) -> Result<Selection> {
    if !names.is_empty() {
        let mut sources = Vec::new();
        for n in names {
            let s = named_source(cfg, n)?;
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        return Ok(Selection {
            sources,
            named: true,
            notices: Vec::new(),
        });
    }
    let mut sources = Vec::new();
    let mut notices = Vec::new();
    if cfg.osv.enabled {
        // (host, ecosystem with release or None)
        let hosts: Vec<(String, Option<String>)> = conn
            // Windows hosts are matched against MSRC, never OSV.
            .prepare("SELECT name, ecosystem FROM hosts WHERE platform <> 'windows' ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut ecos: Vec<String> = Vec::new();
        // ecosystem with release -> hosts, for those OSV has no feed for
        let mut feedless: Vec<(String, Vec<String>)> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let known = hosts.iter().filter(|(_, e)| e.is_some()).count();
        for (host, eco) in hosts {
            let Some(eco) = eco else {
                unknown.push(host);
                continue;
            };
            let base = osv_base_ecosystem(&eco);
            if host_has_osv_feed(base) {
                ecos.push(base.to_string());
            } else if !cfg
                .errata
                .iter()
                .any(|e| e.enabled && e.ecosystem.eq_ignore_ascii_case(&eco))
            {
                match feedless.iter_mut().find(|(e, _)| *e == eco) {
                    Some((_, hs)) => hs.push(host),
                    None => feedless.push((eco, vec![host])),
                }
            }
        }
        for e in &cfg.osv.ecosystems {
            ecos.push(ecosystem::osv_ecosystem_or_usage(
                e,
                "[sync.osv] ecosystems in the config: entry",
            )?);
        }
        ecos.sort();
        ecos.dedup();
        // Hosts whose ecosystem only errata cover need no OSV ecosystem.
        if ecos.is_empty() && known == 0 {
            let why = if unknown.is_empty() {
                "the inventory has no hosts".to_string()
            } else {
                format!(
                    "no host has a known OS yet ({} never scanned and declared none)",
                    plural(unknown.len(), "host", "hosts")
                )
            };
            notices.push(Notice {
                warning: format!(
                    "no OSV ecosystem to sync: {why}, and [sync.osv] ecosystems in the config is empty; only the other sources are synced"
                ),
                hint: Some(
                    "name them (`patchcycle sync osv:Debian`), list them in the config ([sync.osv] ecosystems = [\"Debian\"]), \
                     or declare a host's OS (`patchcycle host set NAME --ecosystem Debian:12`)"
                        .into(),
                ),
            });
        } else if !unknown.is_empty() {
            notices.push(Notice {
                warning: format!(
                    "{} no known OS yet ({}): {} may not be synced",
                    plural(unknown.len(), "host has", "hosts have"),
                    some_hosts(&unknown),
                    if unknown.len() == 1 {
                        "the advisories of its ecosystem"
                    } else {
                        "the advisories of their ecosystems"
                    }
                ),
                hint: Some(
                    "scan them, or declare their OS: `patchcycle host set NAME --ecosystem Debian:12`"
                        .into(),
                ),
            });
        }
        for (eco, hosts) in &feedless {
            notices.push(Notice {
                warning: format!(
                    "{} {eco} ({}): OSV has no feed for it and no [[sync.errata]] source names it",
                    plural(hosts.len(), "host is", "hosts are"),
                    some_hosts(hosts)
                ),
                hint: Some(format!(
                    "add a [[sync.errata]] table with name, url (the repository) and ecosystem = \"{eco}\""
                )),
            });
        }
        sources.extend(ecos.into_iter().map(Source::Osv));
    }
    if cfg.kev.enabled {
        sources.push(Source::Kev);
    }
    if cfg.epss.enabled {
        sources.push(Source::Epss);
    }
    if cfg.msrc.enabled && (msrc::held_any(conn)? || msrc::windows_hosts(conn)?) {
        sources.push(Source::Msrc);
    }
    for e in cfg.errata.iter().filter(|e| e.enabled) {
        sources.push(Source::Errata {
            name: e.name.clone(),
            url: e.url.clone(),
            ecosystem: e.ecosystem.clone(),
        });
    }
    Ok(Selection {
        sources,
        named: false,
        notices,
    })
}

/// Where every source is read from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Each source's own URL from the config.
    Upstream,
    /// `--from DIR` / `--mirror URL`: the layout under one base.
    Base(Location),
}

impl Origin {
    /// The main file of a source (for errata: its repomd.xml).
    pub fn location(&self, s: &Source, cfg: &SyncConfig) -> Result<Location> {
        Ok(match self {
            Origin::Base(base) => base.join(&s.layout_path()),
            Origin::Upstream => match s {
                Source::Osv(e) => Location::parse(&cfg.osv.url)?.join(&format!("{e}/all.zip")),
                Source::Kev => Location::parse(&cfg.kev.url)?,
                Source::Epss => Location::parse(&cfg.epss.url)?,
                Source::Msrc => Location::parse(&cfg.msrc.url)?.join("updates"),
                Source::Errata { url, .. } => Location::parse(url)?.join("repodata/repomd.xml"),
            },
        })
    }
}

/// How one source's sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SyncResult {
    Imported,
    #[default]
    NotModified,
    /// Not in the `--from` directory or mirror, and not named: a warning.
    Missing,
    Failed,
    /// The file was read but not imported: it would shrink the source too much, or most
    /// of its records are malformed. The catalogue held is kept.
    Refused,
}

impl SyncResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncResult::Imported => "imported",
            SyncResult::NotModified => "not-modified",
            SyncResult::Missing => "missing",
            SyncResult::Failed => "failed",
            SyncResult::Refused => "refused",
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Outcome {
    pub source: String,
    pub result: SyncResult,
    pub records: u64,
    pub skipped: u64,
    pub withdrawn: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub warnings: Vec<String>,
    pub error: Option<String>,
    /// Why a `refused` source was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<RefusalKind>,
    /// MSRC: what became of each document of the index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msrc: Option<msrc::Summary>,
}

/// The kind of a [`Refusal`], as JSON names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalKind {
    Malformed,
    Shrink,
}

/// The directory that keeps the raw files of the last good import of each source
/// (`sync --export` copies it): `<db>.feeds/`.
pub fn feeds_dir(db_path: &Path) -> PathBuf {
    let mut p = db_path.as_os_str().to_owned();
    p.push(".feeds");
    PathBuf::from(p)
}

/// What every source of one `sync` run shares.
pub struct Run<'a> {
    pub fetcher: &'a Fetcher,
    pub cfg: &'a SyncConfig,
    pub origin: &'a Origin,
    /// Where raw files are kept ([`feeds_dir`]).
    pub feeds: &'a Path,
    /// Where downloads are written until imported (`<feeds>/.tmp`).
    pub scratch: &'a Scratch,
    pub actor: &'a str,
    pub now: &'a str,
    /// The sources were named by the user: a missing file is an error, not a warning.
    pub named: bool,
    /// `--allow-shrink`: an import that removes more than `[sync] max_shrink` of what a
    /// source holds is accepted (and audited) instead of refused.
    pub allow_shrink: bool,
}

/// A file is refused when more than this share of its records are malformed: such a
/// file is a broken mirror or a changed format, not a catalogue. Not configurable.
pub const MAX_MALFORMED_SHARE: f64 = 0.5;

/// Why a file that was read is not imported. The import's transaction is rolled back:
/// the catalogue held stays as it was.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// More than [`MAX_MALFORMED_SHARE`] of the file's records are malformed.
    Malformed {
        malformed: u64,
        /// Every record of the file: good, withdrawn and malformed.
        total: u64,
        withdrawn: u64,
        /// The first malformed record and why.
        first: Option<String>,
    },
    /// The import would leave the source empty, or remove more than `max_shrink` of the
    /// records it holds.
    Shrink {
        before: u64,
        after: u64,
        max_shrink: f64,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::output::count;
        match self {
            Refusal::Malformed {
                malformed,
                total,
                first,
                ..
            } => {
                write!(
                    f,
                    "{} of {} records malformed: the file is refused, not imported",
                    count(*malformed),
                    count(*total)
                )?;
                if let Some(first) = first {
                    write!(f, " (first: {first})")?;
                }
                Ok(())
            }
            Refusal::Shrink { before, after, .. } if *after == 0 => write!(
                f,
                "the feed has no records where {} are held: importing it would remove all of them",
                count(*before)
            ),
            Refusal::Shrink {
                before,
                after,
                max_shrink,
            } => write!(
                f,
                "the feed has {} {} where {} are held: importing it would remove {} % of them, \
                 more than [sync] max_shrink ({} %)",
                count(*after),
                if *after == 1 { "record" } else { "records" },
                count(*before),
                removed_percent(*before, *after),
                // Display prints the shortest form: 50, 33.3.
                (max_shrink * 1000.0).round() / 10.0
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// The share of `before` an import to `after` removes, as a percentage rounded down to
/// one decimal (`99.9`, not a `100` that did not happen), without a trailing `.0`.
/// Integer arithmetic: no float rounding in what the user reads.
fn removed_percent(before: u64, after: u64) -> String {
    let removed = u128::from(before.saturating_sub(after));
    let tenths = (removed * 1000)
        .checked_div(u128::from(before))
        .unwrap_or(0);
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// What an import that parsed does to the catalogue, judged before it is committed.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgement {
    /// Imported as is.
    Accept,
    /// The source held nothing and the feed has nothing: imported, with a warning (a
    /// feed that says nothing must not look like a good sync).
    EmptyFirst,
    /// Refused, unless it is a shrink and `--allow-shrink` was given.
    Refuse(Refusal),
}

/// Judges an import: `before` and `after` are the records the source holds before and
/// after it, `max_shrink` the share of them an import may remove (0..=1). A file of mostly
/// malformed records is refused whatever the source held; a source that held nothing
/// cannot shrink.
pub fn judge(stats: &ImportStats, before: u64, after: u64, max_shrink: f64) -> Judgement {
    let total = stats.total();
    if total > 0 && stats.skipped as f64 > MAX_MALFORMED_SHARE * total as f64 {
        return Judgement::Refuse(Refusal::Malformed {
            malformed: stats.skipped,
            total,
            withdrawn: stats.withdrawn,
            first: stats
                .warnings
                .first()
                .map(|w| w.strip_prefix("skipped ").unwrap_or(w).to_string()),
        });
    }
    if before == 0 {
        return if after == 0 {
            Judgement::EmptyFirst
        } else {
            Judgement::Accept
        };
    }
    let removed = before.saturating_sub(after);
    if after == 0 || removed as f64 > max_shrink * before as f64 {
        return Judgement::Refuse(Refusal::Shrink {
            before,
            after,
            max_shrink,
        });
    }
    Judgement::Accept
}

/// How one source's sync ended, short of a failure.
enum Step {
    Imported(ImportStats, u64),
    NotModified,
    /// The `--from` directory or mirror has no file for this unnamed source.
    Missing(String),
}

/// Syncs one source: fetch, import in one transaction, record; never leaves half an
/// import behind.
pub fn sync_one(conn: &mut Connection, run: &Run<'_>, source: &Source) -> Outcome {
    if *source == Source::Msrc {
        return sync_msrc(conn, run);
    }
    let Run {
        cfg, origin, now, ..
    } = *run;
    let started = Instant::now();
    let name = source.name();
    let mut outcome = Outcome {
        source: name.clone(),
        ..Outcome::default()
    };
    let url = origin
        .location(source, cfg)
        .map(|l| l.display())
        .unwrap_or_default();
    match sync_inner(conn, run, source) {
        Ok(Step::Imported(stats, bytes)) => {
            outcome.result = SyncResult::Imported;
            outcome.records = stats.records;
            outcome.skipped = stats.skipped;
            outcome.withdrawn = stats.withdrawn;
            outcome.warnings = stats.warnings;
            outcome.bytes = bytes;
        }
        Ok(Step::NotModified) => outcome.result = SyncResult::NotModified,
        Ok(Step::Missing(why)) => {
            outcome.result = SyncResult::Missing;
            outcome.error = Some(why);
        }
        Err(e) if e.downcast_ref::<Refusal>().is_some() => {
            let reason = e.to_string();
            // Best effort, as for a failure below.
            if let Ok(tx) = db::write_tx(conn)
                && store::record_refusal(&tx, &name, &url, &reason, now).is_ok()
            {
                let _ = tx.commit();
            }
            // The counts of the file that was refused, as read.
            match e.downcast_ref::<Refusal>() {
                Some(Refusal::Malformed {
                    malformed,
                    total,
                    withdrawn,
                    ..
                }) => {
                    outcome.records = total.saturating_sub(malformed + withdrawn);
                    outcome.skipped = *malformed;
                    outcome.withdrawn = *withdrawn;
                    outcome.refusal = Some(RefusalKind::Malformed);
                }
                Some(Refusal::Shrink { after, .. }) => {
                    outcome.records = *after;
                    outcome.refusal = Some(RefusalKind::Shrink);
                }
                None => {}
            }
            outcome.result = SyncResult::Refused;
            outcome.error = Some(reason);
        }
        Err(e) => {
            let msg = e
                .chain()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(": ");
            // Best effort: the failure itself must not hide the original error.
            if let Ok(tx) = db::write_tx(conn)
                && store::record_failure(&tx, &name, &url, &msg, now).is_ok()
            {
                let _ = tx.commit();
            }
            outcome.result = SyncResult::Failed;
            outcome.error = Some(msg);
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome
}

fn sync_inner(conn: &mut Connection, run: &Run<'_>, source: &Source) -> Result<Step> {
    let Run {
        fetcher,
        cfg,
        origin,
        feeds,
        scratch,
        actor,
        now,
        named,
        allow_shrink,
    } = *run;
    let name = source.name();
    let loc = origin.location(source, cfg)?;
    let url = loc.display();
    let cap = source.cap(cfg);
    let held = store::validators(conn, &name)?;
    let fetched = match fetcher.fetch(&loc, &held, scratch, &cap) {
        Err(e) if !named && matches!(origin, Origin::Base(_)) && fetch::is_missing(&e) => {
            return Ok(Step::Missing(format!("{url} does not exist")));
        }
        other => other?,
    };
    let main = match fetched {
        Fetched::NotModified {
            etag,
            last_modified,
        } => {
            let tx = db::write_tx(conn)?;
            store::record_unchanged(&tx, &name, etag.as_deref(), last_modified.as_deref(), now)?;
            tx.commit()?;
            return Ok(Step::NotModified);
        }
        Fetched::New(d) => d,
    };
    // Errata: the repomd.xml names the updateinfo file, fetched next.
    let mut extra: Option<(Download, String)> = None;
    if let Source::Errata { url: repo, .. } = source {
        let repomd = std::fs::read(main.file.path())?;
        let href = errata::updateinfo_href(&repomd)?;
        let info_loc = match origin {
            Origin::Base(b) => {
                let lp = source.layout_path();
                b.join(&format!(
                    "{}{href}",
                    lp.trim_end_matches("repodata/repomd.xml")
                ))
            }
            Origin::Upstream => Location::parse(repo)?.join(&href),
        };
        let d = match fetcher.fetch(&info_loc, &Default::default(), scratch, &cap)? {
            Fetched::New(d) => d,
            Fetched::NotModified { .. } => {
                return Err(anyhow::anyhow!("updateinfo fetch returned no data"));
            }
        };
        extra = Some((d, href));
    }

    let tx = db::write_tx(conn)?;
    store::ensure_source(&tx, &name, &url)?;
    let holding = match source {
        Source::Osv(_) | Source::Errata { .. } => Holding::Advisories(&name),
        Source::Kev => Holding::Kev,
        Source::Epss => Holding::Epss,
        Source::Msrc => unreachable_msrc()?,
    };
    let before = store::held(&tx, holding)?;
    let file = main.file.reopen().context("reopening the download")?;
    let mut stats = match source {
        Source::Osv(_) => osv::import_zip(&tx, &name, &file)?,
        Source::Kev => kev::import(&tx, &file)?,
        Source::Epss => epss::import(&tx, &file)?,
        Source::Msrc => unreachable_msrc()?,
        Source::Errata { ecosystem, .. } => {
            let (d, _) = extra
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("updateinfo missing"))?;
            let info: File = d.file.reopen()?;
            errata::import_updateinfo(&tx, &name, ecosystem, errata::decompressed(&info)?)?
        }
    };
    let after = store::held(&tx, holding)?;
    // Returning early drops the transaction: a refused import leaves nothing behind.
    match judge(&stats, before, after, cfg.max_shrink) {
        Judgement::Accept => {}
        Judgement::EmptyFirst => stats
            .warnings
            .push("the feed has no records (nothing was held for this source either)".into()),
        Judgement::Refuse(shrink @ Refusal::Shrink { .. }) if allow_shrink => {
            stats
                .warnings
                .push(format!("accepted with --allow-shrink (audited): {shrink}"));
            audit::append(
                &tx,
                now,
                actor,
                "catalog.shrink_accepted",
                &name,
                &serde_json::json!({
                    "url": url,
                    "before": before,
                    "after": after,
                    "max_shrink": cfg.max_shrink,
                }),
            )?;
        }
        Judgement::Refuse(refusal) => return Err(refusal.into()),
    }
    let bytes = main.bytes + extra.as_ref().map_or(0, |(d, _)| d.bytes);
    store::record_import(
        &tx,
        &name,
        &url,
        main.etag.as_deref(),
        main.last_modified.as_deref(),
        &main.sha256,
        bytes,
        &stats,
        now,
    )?;
    audit::append(
        &tx,
        now,
        actor,
        "catalog.sync",
        &name,
        &serde_json::json!({
            "url": url,
            "sha256": main.sha256,
            "records": stats.records,
            "skipped": stats.skipped,
            "withdrawn": stats.withdrawn,
        }),
    )?;
    tx.commit().context("committing the import")?;

    // Keep the raw files for `sync --export`; the import already stands without them.
    keep_raw(feeds, &source.layout_path(), main)?;
    if let Some((d, href)) = extra {
        let lp = source.layout_path();
        let base = lp.trim_end_matches("repodata/repomd.xml");
        keep_raw(feeds, &format!("{base}{href}"), d)?;
    }
    Ok(Step::Imported(stats, bytes))
}

/// `sync msrc`: the index, then every document it lists whose CurrentReleaseDate
/// changed, each imported in its own transaction (see [`msrc`]).
pub fn sync_msrc(conn: &mut Connection, run: &Run<'_>) -> Outcome {
    let started = Instant::now();
    let mut outcome = Outcome {
        source: msrc::INDEX_SOURCE.into(),
        ..Outcome::default()
    };
    let index_url = run
        .origin
        .location(&Source::Msrc, run.cfg)
        .map(|l| l.display())
        .unwrap_or_default();
    match sync_index(conn, run, &mut outcome) {
        Ok(()) => {}
        Err(e) => {
            let refusal = e.downcast_ref::<Refusal>().cloned();
            let msg = match &refusal {
                Some(r) => format!("the index: {r}"),
                None => e
                    .chain()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(": "),
            };
            if let Ok(tx) = db::write_tx(conn) {
                let recorded = match refusal {
                    Some(_) => {
                        store::record_refusal(&tx, msrc::INDEX_SOURCE, &index_url, &msg, run.now)
                    }
                    None => {
                        store::record_failure(&tx, msrc::INDEX_SOURCE, &index_url, &msg, run.now)
                    }
                };
                if recorded.is_ok() {
                    let _ = tx.commit();
                }
            }
            outcome.result = if refusal.is_some() {
                outcome.refusal = Some(RefusalKind::Malformed);
                SyncResult::Refused
            } else {
                SyncResult::Failed
            };
            outcome.error = Some(msg);
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome
}

fn sync_index(conn: &mut Connection, run: &Run<'_>, outcome: &mut Outcome) -> Result<()> {
    let source = Source::Msrc;
    let loc = run.origin.location(&source, run.cfg)?;
    let url = loc.display();
    let cap = source.cap(run.cfg);
    let fetched = match run
        .fetcher
        .fetch(&loc, &Validators::default(), run.scratch, &cap)
    {
        Err(e) if !run.named && matches!(run.origin, Origin::Base(_)) && fetch::is_missing(&e) => {
            outcome.result = SyncResult::Missing;
            outcome.error = Some(format!("{url} does not exist"));
            return Ok(());
        }
        other => other?,
    };
    let Fetched::New(index_file) = fetched else {
        return Err(anyhow::anyhow!("the index fetch returned no data"));
    };
    let bytes = std::fs::read(index_file.file.path()).context("reading the MSRC index")?;
    let (entries, index_stats) = msrc::parse_index(&bytes)?;
    if let Judgement::Refuse(r) = judge(&index_stats, 0, 1, 1.0) {
        return Err(r.into());
    }
    let mut summary = msrc::Summary {
        documents: entries.len() as u64,
        ..msrc::Summary::default()
    };
    let held: HashMap<String, String> = conn
        .prepare("SELECT id, current_release FROM msrc_documents")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut newest = held
        .keys()
        .filter_map(|k| msrc::DocId::parse(k))
        .map(|d| d.key())
        .max();
    let mut unchanged: Vec<&msrc::IndexEntry> = Vec::new();
    let mut first_problem: Option<String> = None;
    for w in &index_stats.warnings {
        push_warning(outcome, format!("index: {w}"));
    }
    outcome.skipped += index_stats.skipped;
    for entry in &entries {
        if held.get(entry.id.as_str()) == Some(&entry.current_release) {
            unchanged.push(entry);
            continue;
        }
        let is_newest = newest.is_none_or(|n| entry.id.key() >= n);
        let name = entry.id.source();
        match sync_document(conn, run, entry, is_newest) {
            Ok(DocStep::Imported(doc)) => {
                newest = newest.max(Some(entry.id.key()));
                summary.imported += 1;
                summary.remediations += doc.remediations;
                summary.linux_fixes += doc.linux_fixes;
                summary.fixes_without_kb += doc.fixes_without_kb;
                outcome.records += doc.stats.records;
                outcome.skipped += doc.stats.skipped;
                for w in doc.stats.warnings {
                    push_warning(outcome, format!("{}: {w}", entry.id.as_str()));
                }
            }
            Ok(DocStep::Unchanged) => summary.unchanged += 1,
            Ok(DocStep::Missing(why)) => {
                summary.missing += 1;
                push_warning(outcome, format!("{}: not synced, {why}", entry.id.as_str()));
            }
            Err(e) => {
                let refusal = e.downcast_ref::<Refusal>().cloned();
                let msg = e
                    .chain()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(": ");
                let doc_url = document_location(run, &entry.id, false)
                    .map(|l| l.display())
                    .unwrap_or_default();
                // Best effort: recording must not hide the original error.
                if let Ok(tx) = db::write_tx(conn) {
                    let recorded = if refusal.is_some() {
                        store::record_refusal(&tx, &name, &doc_url, &msg, run.now)
                    } else {
                        store::record_failure(&tx, &name, &doc_url, &msg, run.now)
                    };
                    if recorded.is_ok() {
                        let _ = tx.commit();
                    }
                }
                match refusal {
                    Some(r) => {
                        summary.refused += 1;
                        if outcome.refusal.is_none() {
                            outcome.refusal = Some(match r {
                                Refusal::Malformed { .. } => RefusalKind::Malformed,
                                Refusal::Shrink { .. } => RefusalKind::Shrink,
                            });
                        }
                    }
                    None => summary.failed += 1,
                }
                first_problem.get_or_insert(format!("{}: {msg}", entry.id.as_str()));
            }
        }
    }
    summary.unchanged += unchanged.len() as u64;
    // The index and the unchanged months, checked now: one transaction.
    let tx = db::write_tx(conn)?;
    for entry in &unchanged {
        store::record_unchanged(&tx, &entry.id.source(), None, None, run.now)?;
    }
    store::record_import(
        &tx,
        msrc::INDEX_SOURCE,
        &url,
        index_file.etag.as_deref(),
        index_file.last_modified.as_deref(),
        &index_file.sha256,
        index_file.bytes,
        &index_stats,
        run.now,
    )?;
    tx.commit().context("recording the MSRC index")?;
    outcome.bytes += index_file.bytes;
    keep_raw(run.feeds, msrc::INDEX_LAYOUT, index_file)?;

    let problems = summary.failed + summary.refused;
    outcome.result = if summary.failed > 0 {
        SyncResult::Failed
    } else if summary.refused > 0 {
        SyncResult::Refused
    } else if summary.imported > 0 {
        SyncResult::Imported
    } else {
        SyncResult::NotModified
    };
    if let Some(first) = first_problem {
        outcome.error = Some(if problems > 1 {
            format!("{problems} documents not imported; first: {first}")
        } else {
            first
        });
    }
    outcome.msrc = Some(summary);
    Ok(())
}

/// Warnings kept on the outcome; the rest are counted in `skipped`.
fn push_warning(outcome: &mut Outcome, w: String) {
    if outcome.warnings.len() < 20 {
        outcome.warnings.push(w);
    }
}

enum DocStep {
    Imported(msrc::DocumentImport),
    Unchanged,
    Missing(String),
}

/// A document's location: upstream `<url>/cvrf/<ID>`, in a layout
/// `msrc/cvrf/<ID>.xml.zst` (or `.xml` with `plain`).
fn document_location(run: &Run<'_>, id: &msrc::DocId, plain: bool) -> Result<Location> {
    Ok(match run.origin {
        Origin::Upstream => {
            Location::parse(&run.cfg.msrc.url)?.join(&format!("cvrf/{}", id.as_str()))
        }
        Origin::Base(base) => base.join(&format!(
            "{}/{}.xml{}",
            msrc::DOCUMENT_DIR,
            id.as_str(),
            if plain { "" } else { ".zst" }
        )),
    })
}

fn sync_document(
    conn: &mut Connection,
    run: &Run<'_>,
    entry: &msrc::IndexEntry,
    newest: bool,
) -> Result<DocStep> {
    let name = entry.id.source();
    let cap = Cap {
        source: name.clone(),
        ..Source::Msrc.cap(run.cfg)
    };
    let held = store::validators(conn, &name)?;
    let mut loc = document_location(run, &entry.id, false)?;
    let mut fetched = run.fetcher.fetch(&loc, &held, run.scratch, &cap);
    if matches!(run.origin, Origin::Base(_))
        && let Err(e) = &fetched
        && fetch::is_missing(e)
    {
        loc = document_location(run, &entry.id, true)?;
        fetched = run.fetcher.fetch(&loc, &held, run.scratch, &cap);
    }
    let url = loc.display();
    let download = match fetched {
        Err(e) if !run.named && matches!(run.origin, Origin::Base(_)) && fetch::is_missing(&e) => {
            return Ok(DocStep::Missing(format!(
                "neither {url}.zst nor {url} exists"
            )));
        }
        Err(e) => return Err(e),
        Ok(Fetched::NotModified {
            etag,
            last_modified,
        }) => {
            // The same bytes under a new CurrentReleaseDate: remember the date, so the
            // next sync does not fetch it again.
            let tx = db::write_tx(conn)?;
            store::record_unchanged(
                &tx,
                &name,
                etag.as_deref(),
                last_modified.as_deref(),
                run.now,
            )?;
            tx.execute(
                "UPDATE msrc_documents SET current_release = ?2 WHERE id = ?1",
                params![entry.id.as_str(), entry.current_release],
            )?;
            tx.commit()?;
            return Ok(DocStep::Unchanged);
        }
        Ok(Fetched::New(d)) => d,
    };
    let file = download.file.reopen().context("reopening the download")?;
    let too_big = Rc::new(Cell::new(false));
    let (input, compressed) = msrc::open_document(file, cap.bytes(), too_big.clone())?;
    let tx = db::write_tx(conn)?;
    store::ensure_source(&tx, &name, &url)?;
    let before = store::held(&tx, Holding::Advisories(&name))?;
    let imported = msrc::import_document(&tx, &name, entry, input, newest);
    if too_big.get() {
        return Err(Failure::runtime(format!(
            "{name}: the document is larger than the {} MiB size cap of sync.max_mib.msrc once decompressed, so it was not imported; raise sync.max_mib.msrc in the config if it is really that large",
            cap.mib
        ))
        .into());
    }
    let mut doc = imported?;
    let after = store::held(&tx, Holding::Advisories(&name))?;
    match judge(&doc.stats, before, after, run.cfg.max_shrink) {
        Judgement::Accept => {}
        Judgement::EmptyFirst => doc
            .stats
            .warnings
            .push("the document has no CVEs (nothing was held for it either)".into()),
        Judgement::Refuse(shrink @ Refusal::Shrink { .. }) if run.allow_shrink => {
            doc.stats
                .warnings
                .push(format!("accepted with --allow-shrink (audited): {shrink}"));
            audit::append(
                &tx,
                run.now,
                run.actor,
                "catalog.shrink_accepted",
                &name,
                &serde_json::json!({
                    "url": url, "before": before, "after": after, "max_shrink": run.cfg.max_shrink,
                }),
            )?;
        }
        Judgement::Refuse(r) => return Err(r.into()),
    }
    tx.execute(
        "INSERT INTO msrc_documents (id, source, title, initial_release, current_release) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET source = ?2, title = ?3, \
         initial_release = ?4, current_release = ?5",
        params![
            entry.id.as_str(),
            name,
            doc.title.as_ref().or(entry.title.as_ref()),
            doc.initial_release
                .as_ref()
                .or(entry.initial_release.as_ref()),
            entry.current_release
        ],
    )?;
    store::record_import(
        &tx,
        &name,
        &url,
        download.etag.as_deref(),
        download.last_modified.as_deref(),
        &download.sha256,
        download.bytes,
        &doc.stats,
        run.now,
    )?;
    audit::append(
        &tx,
        run.now,
        run.actor,
        "catalog.sync",
        &name,
        &serde_json::json!({
            "url": url,
            "sha256": download.sha256,
            "records": doc.stats.records,
            "skipped": doc.stats.skipped,
            "remediations": doc.remediations,
        }),
    )?;
    tx.commit().context("committing the import")?;
    // Kept as it came (zstd or not), for `sync --export`; the other form is dropped.
    let (keep, drop) = if compressed {
        (".xml.zst", ".xml")
    } else {
        (".xml", ".xml.zst")
    };
    let rel = |ext: &str| format!("{}/{}{ext}", msrc::DOCUMENT_DIR, entry.id.as_str());
    match std::fs::remove_file(run.feeds.join(rel(drop))) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(anyhow::Error::new(e).context("removing an older copy of the document"));
        }
        _ => {}
    }
    keep_raw(run.feeds, &rel(keep), download)?;
    Ok(DocStep::Imported(doc))
}

/// MSRC is synced document by document ([`sync_msrc`]), never through the one-file path.
fn unreachable_msrc<T>() -> Result<T> {
    Err(anyhow::anyhow!("msrc is synced by msrc::sync"))
}

pub(super) fn keep_raw(feeds: &Path, rel: &str, d: Download) -> Result<()> {
    let dest = feeds.join(rel);
    if let Some(dir) = dest.parent() {
        scratch::private_dir(dir)?;
    }
    // The temp file is 0600, and keeps its mode.
    d.file.persist(&dest)
}

/// Copies the raw files held into `dir`, in the layout `--from` reads.
pub fn export(feeds: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if !feeds.is_dir() {
        return Ok(written);
    }
    let mut stack = vec![feeds.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let p = e.path();
            let rel = p.strip_prefix(feeds).unwrap_or(&p).to_path_buf();
            if rel.starts_with(".tmp") {
                continue;
            }
            if e.file_type()?.is_dir() {
                stack.push(p);
            } else {
                let dest = dir.join(&rel);
                // DIR may be shared (/tmp/export): a symlink another user planted at a
                // directory or a file below it is not followed (see output::resolve_link).
                let mut below = dir.to_path_buf();
                for part in rel.parent().into_iter().flat_map(Path::components) {
                    below.push(part);
                    crate::output::resolve_link(&below, "export path")?;
                }
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                let target = crate::output::resolve_link(&dest, "export path")?;
                let existing = std::fs::metadata(&target).ok().filter(|m| m.is_file());
                let mut file = crate::output::AtomicFile::create(&target, existing.as_ref())?;
                let mut source =
                    std::fs::File::open(&p).with_context(|| format!("reading {}", p.display()))?;
                std::io::copy(&mut source, &mut file)
                    .with_context(|| format!("writing {}", dest.display()))?;
                file.persist()?;
                written.push(rel);
            }
        }
    }
    written.sort();
    Ok(written)
}

#[cfg(test)]
mod judge_tests {
    use super::*;

    fn stats(records: u64, skipped: u64) -> ImportStats {
        let mut s = ImportStats {
            records,
            ..ImportStats::default()
        };
        for i in 0..skipped {
            s.skip(&format!("BAD-{i}.json"), "not an OSV record");
        }
        s
    }

    #[test]
    fn mostly_malformed_is_refused_whatever_was_held() {
        for before in [0, 1000] {
            let j = judge(&stats(1, 999), before, 1, 0.5);
            let Judgement::Refuse(r) = j else {
                panic!("{j:?}")
            };
            assert_eq!(
                r.to_string(),
                "999 of 1,000 records malformed: the file is refused, not imported \
                 (first: BAD-0.json: not an OSV record)"
            );
        }
        // Exactly half is not "most"; a few bad among many good import.
        assert_eq!(judge(&stats(1, 1), 0, 1, 0.5), Judgement::Accept);
        assert_eq!(judge(&stats(40, 2), 40, 40, 0.5), Judgement::Accept);
        // Withdrawn records are good records.
        let mut s = stats(0, 2);
        s.withdrawn = 3;
        assert_eq!(judge(&s, 0, 0, 0.5), Judgement::EmptyFirst);
    }

    #[test]
    fn shrinks_past_max_shrink_or_to_zero_are_refused() {
        let refused = |before, after, max| {
            matches!(
                judge(&stats(after, 0), before, after, max),
                Judgement::Refuse(Refusal::Shrink { .. })
            )
        };
        assert!(refused(1470, 0, 1.0), "to zero, even with max_shrink 1");
        assert!(refused(5637, 1, 0.5));
        assert!(refused(100, 49, 0.5));
        assert!(!refused(100, 50, 0.5), "exactly max_shrink is allowed");
        assert!(!refused(100, 100, 0.0));
        assert!(refused(100, 99, 0.0));
        assert!(!refused(100, 150, 0.0), "growth is never a shrink");
        assert_eq!(judge(&stats(0, 0), 0, 0, 0.5), Judgement::EmptyFirst);
        assert_eq!(judge(&stats(3, 0), 0, 3, 0.0), Judgement::Accept);
    }

    #[test]
    fn refusals_say_what_would_be_lost() {
        let shrink = |before, after| {
            Refusal::Shrink {
                before,
                after,
                max_shrink: 0.5,
            }
            .to_string()
        };
        assert_eq!(
            shrink(1470, 0),
            "the feed has no records where 1,470 are held: importing it would remove all of them"
        );
        assert_eq!(
            shrink(5637, 1),
            "the feed has 1 record where 5,637 are held: importing it would remove 99.9 % of them, \
             more than [sync] max_shrink (50 %)"
        );
        assert_eq!(removed_percent(3, 2), "33.3");
        assert_eq!(removed_percent(1470, 0), "100");
        assert_eq!(removed_percent(100, 71), "29");
        let odd = Refusal::Shrink {
            before: 100,
            after: 10,
            max_shrink: 0.29,
        };
        assert!(
            odd.to_string()
                .ends_with("remove 90 % of them, more than [sync] max_shrink (29 %)"),
            "{odd}"
        );
    }
}
