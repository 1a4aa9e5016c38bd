//! `sync`: which sources, where each comes from, and the fetch → import → record cycle
//! of one source. Each source's import is one transaction; a failure rolls it back and
//! leaves the catalogue held as it was.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde::Serialize;

use super::ecosystem::{self, NotOsv};
use super::fetch::{self, Download, Fetched, Fetcher, Location};
use super::store::{self, ImportStats};
use super::{epss, errata, kev, osv};
use crate::config::SyncConfig;
use crate::error::Failure;
use crate::{audit, db};

/// Where `--from DIR`, `--mirror URL` and `--export DIR` put each source.
pub const LAYOUT_HELP: &str = "osv-mirror/<Ecosystem>/all.zip, kev/known_exploited_vulnerabilities.json, \
epss/epss_scores-current.csv.gz, errata/<name>/repodata/repomd.xml (+ the updateinfo file it names)";

/// One catalogue source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An OSV ecosystem without release: `Debian`, `AlmaLinux`, `Rocky Linux`.
    Osv(String),
    Kev,
    Epss,
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
            Source::Errata { name, .. } => format!("errata:{name}"),
        }
    }

    /// The file's path in the mirror / export layout.
    pub fn layout_path(&self) -> String {
        match self {
            Source::Osv(e) => format!("osv-mirror/{e}/all.zip"),
            Source::Kev => "kev/known_exploited_vulnerabilities.json".into(),
            Source::Epss => "epss/epss_scores-current.csv.gz".into(),
            Source::Errata { name, .. } => format!("errata/{name}/repodata/repomd.xml"),
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
        _ => {
            let base = n.split(':').next().unwrap_or(n);
            let hint = if let Some(k) = ecosystem::OSV_ECOSYSTEMS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(base))
                .copied()
                .or_else(|| ecosystem::did_you_mean(base, ecosystem::OSV_ECOSYSTEMS))
            {
                format!("did you mean osv:{k}?")
            } else if let Some(k) = ecosystem::did_you_mean(n, &["kev", "epss"]) {
                format!("did you mean {k}?")
            } else {
                "sources are osv:<Ecosystem>, kev, epss and errata:<name>".into()
            };
            return Err(Failure::usage(format!("unknown source {n:?}"))
                .hint(hint)
                .into());
        }
    };
    Ok(source)
}

/// The sources to sync: those named (`osv:Debian`, `kev`, `epss`, `errata:NAME`), or every
/// enabled one. OSV ecosystems default to those of the inventory's hosts (from their
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
            .prepare("SELECT name, ecosystem FROM hosts ORDER BY name")?
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
}

impl SyncResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncResult::Imported => "imported",
            SyncResult::NotModified => "not-modified",
            SyncResult::Missing => "missing",
            SyncResult::Failed => "failed",
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
    pub actor: &'a str,
    pub now: &'a str,
    /// The sources were named by the user: a missing file is an error, not a warning.
    pub named: bool,
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
        actor,
        now,
        named,
    } = *run;
    let name = source.name();
    let loc = origin.location(source, cfg)?;
    let url = loc.display();
    let tmp = feeds.join(".tmp");
    let held = store::validators(conn, &name)?;
    let fetched = match fetcher.fetch(&loc, &held, &tmp) {
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
        let d = match fetcher.fetch(&info_loc, &Default::default(), &tmp)? {
            Fetched::New(d) => d,
            Fetched::NotModified { .. } => {
                return Err(anyhow::anyhow!("updateinfo fetch returned no data"));
            }
        };
        extra = Some((d, href));
    }

    let tx = db::write_tx(conn)?;
    store::ensure_source(&tx, &name, &url)?;
    let file = main.file.reopen().context("reopening the download")?;
    let stats = match source {
        Source::Osv(_) => osv::import_zip(&tx, &name, &file)?,
        Source::Kev => kev::import(&tx, &file)?,
        Source::Epss => epss::import(&tx, &file)?,
        Source::Errata { ecosystem, .. } => {
            let (d, _) = extra
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("updateinfo missing"))?;
            let info: File = d.file.reopen()?;
            errata::import_updateinfo(&tx, &name, ecosystem, errata::decompressed(&info)?)?
        }
    };
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

fn keep_raw(feeds: &Path, rel: &str, d: Download) -> Result<()> {
    let dest = feeds.join(rel);
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    d.file
        .persist(&dest)
        .map_err(|e| anyhow::anyhow!("keeping {}: {}", dest.display(), e.error))?;
    Ok(())
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
