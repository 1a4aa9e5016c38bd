//! `sync`: which sources, where each comes from, and the fetch → import → record cycle
//! of one source. Each source's import is one transaction; a failure rolls it back and
//! leaves the catalogue held as it was.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde::Serialize;

use super::fetch::{Download, Fetched, Fetcher, Location};
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

/// Checks an OSV ecosystem name from the command line or config.
fn valid_osv_ecosystem(e: &str) -> Result<()> {
    if e.is_empty()
        || e.len() > 64
        || !e
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
    {
        return Err(Failure::usage(format!("{e:?} is not an OSV ecosystem name")).into());
    }
    Ok(())
}

/// The sources to sync: those named (`osv:Debian`, `kev`, `epss`, `errata:NAME`), or every
/// enabled one. OSV ecosystems default to those of the inventory's hosts plus config.
pub fn select(conn: &Connection, cfg: &SyncConfig, names: &[String]) -> Result<Vec<Source>> {
    let errata = |n: &str| {
        cfg.errata
            .iter()
            .find(|e| e.name == n)
            .map(|e| Source::Errata {
                name: e.name.clone(),
                url: e.url.clone(),
                ecosystem: e.ecosystem.clone(),
            })
    };
    if !names.is_empty() {
        let mut out = Vec::new();
        for n in names {
            let s = match n.split_once(':') {
                Some(("osv", e)) => {
                    valid_osv_ecosystem(e)?;
                    Source::Osv(e.to_string())
                }
                Some(("errata", e)) => errata(e).ok_or_else(|| {
                    Failure::usage(format!("no errata source {e:?} in the config"))
                        .hint("add a [[sync.errata]] table with name, url and ecosystem")
                })?,
                None if n == "kev" => Source::Kev,
                None if n == "epss" => Source::Epss,
                _ => {
                    return Err(Failure::usage(format!("unknown source {n:?}"))
                        .hint("sources are osv:<Ecosystem>, kev, epss and errata:<name>")
                        .into());
                }
            };
            if !out.contains(&s) {
                out.push(s);
            }
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    if cfg.osv.enabled {
        let mut ecos: Vec<String> = {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT ecosystem FROM hosts WHERE ecosystem IS NOT NULL ORDER BY 1",
            )?;
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .iter()
                .map(|e| osv_base_ecosystem(e).to_string())
                .filter(|e| host_has_osv_feed(e))
                .collect()
        };
        ecos.extend(cfg.osv.ecosystems.iter().cloned());
        ecos.sort();
        ecos.dedup();
        for e in ecos {
            valid_osv_ecosystem(&e)?;
            out.push(Source::Osv(e));
        }
    }
    if cfg.kev.enabled {
        out.push(Source::Kev);
    }
    if cfg.epss.enabled {
        out.push(Source::Epss);
    }
    for e in cfg.errata.iter().filter(|e| e.enabled) {
        out.push(Source::Errata {
            name: e.name.clone(),
            url: e.url.clone(),
            ecosystem: e.ecosystem.clone(),
        });
    }
    Ok(out)
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

/// What happened to one source.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Outcome {
    pub source: String,
    /// `imported`, `not-modified` or `failed`
    pub result: String,
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
        Ok(Some((stats, bytes))) => {
            outcome.result = "imported".into();
            outcome.records = stats.records;
            outcome.skipped = stats.skipped;
            outcome.withdrawn = stats.withdrawn;
            outcome.warnings = stats.warnings;
            outcome.bytes = bytes;
        }
        Ok(None) => outcome.result = "not-modified".into(),
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
            outcome.result = "failed".into();
            outcome.error = Some(msg);
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome
}

fn sync_inner(
    conn: &mut Connection,
    run: &Run<'_>,
    source: &Source,
) -> Result<Option<(ImportStats, u64)>> {
    let Run {
        fetcher,
        cfg,
        origin,
        feeds,
        actor,
        now,
    } = *run;
    let name = source.name();
    let loc = origin.location(source, cfg)?;
    let url = loc.display();
    let tmp = feeds.join(".tmp");
    let held = store::validators(conn, &name)?;
    let main = match fetcher.fetch(&loc, &held, &tmp)? {
        Fetched::NotModified {
            etag,
            last_modified,
        } => {
            let tx = db::write_tx(conn)?;
            store::record_unchanged(&tx, &name, etag.as_deref(), last_modified.as_deref(), now)?;
            tx.commit()?;
            return Ok(None);
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
    Ok(Some((stats, bytes)))
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
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                std::fs::copy(&p, &dest).with_context(|| format!("writing {}", dest.display()))?;
                written.push(rel);
            }
        }
    }
    written.sort();
    Ok(written)
}
