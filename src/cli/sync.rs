//! `patchcycle sync [SOURCE…] [--from DIR] [--mirror URL] [--export DIR] [--status]`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use rusqlite::Connection;

use super::Context;
use crate::catalog::fetch::{FetchOptions, Fetcher, Location};
use crate::catalog::scratch::{InterruptGuard, Scratch};
use crate::catalog::store::{self, SourceRow};
use crate::catalog::sync::{self, LAYOUT_HELP, Origin, Outcome, RefusalKind, SyncResult};
use crate::error::{Exit, Failure};
use crate::output::{self, Format, or_dash};
use crate::scan::rematch;
use crate::{clock, text};

#[derive(Debug, Args)]
#[command(after_help = "\
Sources: osv:<Ecosystem> (e.g. osv:Debian, osv:AlmaLinux), kev, epss, msrc, errata:<name>;
names are matched case-insensitively.
msrc is Microsoft's Security Update Guide: its index, then each monthly CVRF document
whose CurrentReleaseDate changed (each its own source, msrc:2024-Jan); a plain `sync`
includes it once it has been synced. Vendor fixes without a KB number (CBL-Mariner and
Azure Linux packages) are counted, not imported: Linux is matched through OSV.
Without sources, every enabled source is synced; OSV ecosystems default to those of
every host in the inventory (from its latest scan, or `host add --ecosystem`) plus
[sync.osv] ecosystems in the config. A source the --from directory or mirror lacks is
then a warning; a source named on the command line must be there.
After an import, the stored scans of every host are matched again against the new
catalogue (no host is contacted).
An import that would leave a source empty, or remove more than [sync] max_shrink of its
records (default 0.5), is refused (exit 3, the catalogue held is kept) unless
--allow-shrink; a file in which more than half of the records are malformed is always
refused.

Layout of --from DIR, --mirror URL and --export DIR:
  osv-mirror/<Ecosystem>/all.zip
  kev/known_exploited_vulnerabilities.json
  epss/epss_scores-current.csv.gz
  errata/<name>/repodata/repomd.xml (+ the updateinfo file it names)
  msrc/cvrf/index.json (the API's /updates answer)
  msrc/cvrf/<YYYY-Mon>.xml.zst or msrc/cvrf/<YYYY-Mon>.xml (each document it lists)")]
pub struct SyncArgs {
    /// Sources to sync [default: all enabled]
    #[arg(add = super::complete::sync_sources())]
    pub sources: Vec<String>,
    /// Read every source from this directory instead of the network (air gap)
    #[arg(long, value_name = "DIR", conflicts_with = "mirror")]
    pub from: Option<PathBuf>,
    /// Read every source from this base URL (http, https or file://) instead
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
    /// Write the raw files held to DIR, in the layout --from reads, and sync nothing
    #[arg(long, value_name = "DIR", conflicts_with_all = ["from", "mirror", "status"])]
    pub export: Option<PathBuf>,
    /// Show each source's last sync, record counts and warnings, and sync nothing
    #[arg(long, conflicts_with_all = ["from", "mirror"])]
    pub status: bool,
    /// Import a feed even if it removes more than [sync] max_shrink of what a source holds, or all of it (audited)
    #[arg(long, conflicts_with_all = ["export", "status"])]
    pub allow_shrink: bool,
}

pub fn run(ctx: &Context, args: &SyncArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    let feeds = sync::feeds_dir(&db.path);
    if args.status {
        return status(ctx, &db.conn);
    }
    if let Some(dir) = &args.export {
        let written = sync::export(&feeds, dir)?;
        if written.is_empty() {
            return Err(
                Failure::usage("nothing to export: no source has been synced")
                    .hint("run `patchcycle sync` first")
                    .into(),
            );
        }
        for w in &written {
            ctx.style.status(format!("wrote {}", dir.join(w).display()));
        }
        return Ok(());
    }
    let cfg = &ctx.config.sync;
    let origin = match (&args.from, &args.mirror, &cfg.mirror) {
        (Some(dir), _, _) => {
            if !dir.is_dir() {
                return Err(
                    Failure::usage(format!("--from {}: no such directory", dir.display()))
                        .hint(format!("the directory must hold {LAYOUT_HELP}"))
                        .into(),
                );
            }
            Origin::Base(Location::File(dir.clone()))
        }
        (None, Some(url), _) | (None, None, Some(url)) => Origin::Base(Location::parse(url)?),
        (None, None, None) => Origin::Upstream,
    };
    let selection = sync::select(&db.conn, cfg, &args.sources)?;
    for n in &selection.notices {
        ctx.style.warn(&n.warning);
        if let Some(h) = &n.hint {
            ctx.style.status(format!("hint: {h}"));
        }
    }
    let sources = selection.sources;
    if sources.is_empty() {
        return Err(Failure::usage("no source to sync")
            .hint("enable sources in [sync] of the config, or name them: patchcycle sync osv:Debian kev")
            .into());
    }
    let fetcher = Fetcher::new(FetchOptions {
        connect_timeout: Duration::from_secs(cfg.connect_timeout.into()),
        read_timeout: Duration::from_secs(cfg.timeout.into()),
        deadline: Duration::from_secs(cfg.deadline.into()),
        retries: cfg.retries,
        backoff: Duration::from_millis(500),
        progress: ctx.style.stderr_tty && !ctx.style.quiet,
    })?;
    let now = clock::now_stamp()?;
    // From here a signal removes the downloads in progress before the process ends.
    let _interrupt = InterruptGuard::new();
    let (scratch, swept) = Scratch::open(&feeds)?;
    if swept.files > 0 {
        ctx.style.status(format!(
            "swept {} ({} bytes) left in {} by an interrupted sync",
            if swept.files == 1 {
                "1 temp file".to_string()
            } else {
                format!("{} temp files", swept.files)
            },
            swept.bytes,
            scratch.dir().display()
        ));
    }
    let run = sync::Run {
        fetcher: &fetcher,
        cfg,
        origin: &origin,
        feeds: &feeds,
        scratch: &scratch,
        actor: &ctx.actor,
        now: &now,
        named: selection.named,
        allow_shrink: args.allow_shrink,
    };
    let mut outcomes = Vec::new();
    for s in &sources {
        // On a terminal as a status line; in a log only when asked for with -v.
        if ctx.style.stderr_tty {
            ctx.style.status(format!("syncing {}", s.name()));
        } else {
            ctx.style.verbose(1, format!("syncing {}", s.name()));
        }
        let o = sync::sync_one(&mut db.conn, &run, s);
        // Warnings quote the feed (zip entry names, advisory ids): one line, no escapes.
        if !ctx.style.quiet {
            for w in &o.warnings {
                ctx.style
                    .warn(format!("{}: {}", o.source, text::one_line(w)));
            }
        }
        if let Some(m) = &o.msrc {
            ctx.style.status(msrc_line(m));
        }
        if o.result == SyncResult::Missing {
            ctx.style.warn(format!(
                "{}: not synced, {}; the catalogue held for it is kept",
                o.source,
                text::one_line(o.error.as_deref().unwrap_or("the file is missing"))
            ));
        }
        outcomes.push(o);
    }
    // A changed catalogue changes what the stored scans mean: match them again now, so
    // findings and reports follow without a new scan.
    // (MSRC documents are imported one by one: some may stand while another failed.)
    if outcomes.iter().any(|o| {
        o.result == SyncResult::Imported || o.msrc.as_ref().is_some_and(|m| m.imported > 0)
    }) {
        let r = rematch::rematch_all(&mut db.conn, &now, &ctx.actor)?;
        if r.hosts > 0 || !r.skipped.is_empty() {
            ctx.style.status(format!(
                "re-matched {} against the new catalogue: +{} new, -{} gone{} findings",
                if r.hosts == 1 {
                    "1 host".to_string()
                } else {
                    format!("{} hosts", r.hosts)
                },
                r.new,
                r.gone,
                if r.changed > 0 {
                    format!(", {} changed", r.changed)
                } else {
                    String::new()
                }
            ));
        }
        if !r.skipped.is_empty() {
            ctx.style.warn(format!(
                "not re-matched: {} (rpm hosts scanned by an older patchcycle, which did not keep what dnf reported); scan them again",
                r.skipped.join(", ")
            ));
        }
    }
    if !ctx.style.quiet || ctx.style.format != Format::Table {
        output::list(
            &ctx.style,
            &outcomes,
            &[
                ("SOURCE", &|o: &Outcome| o.source.clone()),
                ("RESULT", &|o: &Outcome| o.result.as_str().to_string()),
                ("RECORDS", &|o: &Outcome| o.records.to_string()),
                ("SKIPPED", &|o: &Outcome| o.skipped.to_string()),
                ("WITHDRAWN", &|o: &Outcome| o.withdrawn.to_string()),
                ("ERROR", &|o: &Outcome| {
                    or_dash(o.error.as_deref().map(text::one_line))
                }),
            ],
        )?;
    }
    sync_exit(&outcomes)
}

/// `msrc: 189 documents: 13 imported, 176 unchanged; …`: what became of the documents of
/// the index, and the vendor fixes without a KB that were not imported.
fn msrc_line(m: &crate::catalog::msrc::Summary) -> String {
    use crate::output::count;
    let mut parts = vec![format!("{} imported", count(m.imported))];
    for (n, what) in [
        (m.unchanged, "unchanged"),
        (m.missing, "missing"),
        (m.failed, "failed"),
        (m.refused, "refused"),
    ] {
        if n > 0 {
            parts.push(format!("{} {what}", count(n)));
        }
    }
    let mut line = format!(
        "msrc: {} {}: {}",
        count(m.documents),
        if m.documents == 1 {
            "document"
        } else {
            "documents"
        },
        parts.join(", ")
    );
    if m.imported > 0 {
        line.push_str(&format!(
            "; {} KB remediations (CVE, KB, product) imported",
            count(m.remediations)
        ));
    }
    if m.linux_fixes > 0 {
        line.push_str(&format!(
            "; {} CBL-Mariner/Azure Linux fixes not imported (no KB; Linux is matched through OSV)",
            count(m.linux_fixes)
        ));
    }
    if m.fixes_without_kb > 0 {
        line.push_str(&format!(
            "; {} other fixes without a KB number not imported",
            count(m.fixes_without_kb)
        ));
    }
    line
}

/// Exit 3 when a source failed or was refused, naming them, with the first reason of
/// each kind.
fn sync_exit(outcomes: &[Outcome]) -> Result<()> {
    let named = |r: SyncResult| -> Vec<&str> {
        outcomes
            .iter()
            .filter(|o| o.result == r)
            .map(|o| o.source.as_str())
            .collect()
    };
    let (failed, refused) = (named(SyncResult::Failed), named(SyncResult::Refused));
    let what = match (failed.is_empty(), refused.is_empty()) {
        (true, true) => return Ok(()),
        (false, true) => format!("sync failed for {}", failed.join(", ")),
        (true, false) => format!("sync refused for {}", refused.join(", ")),
        (false, false) => format!(
            "sync failed for {} and refused for {}",
            failed.join(", "),
            refused.join(", ")
        ),
    };
    // Errors may quote the feed: one line, no escapes.
    let mut details = Vec::new();
    if let Some(o) = outcomes.iter().find(|o| o.result == SyncResult::Failed) {
        details.push(text::one_line(o.error.as_deref().unwrap_or_default()).into_owned());
    }
    if let Some(o) = outcomes.iter().find(|o| o.result == SyncResult::Refused) {
        details.push(format!(
            "{}: {}",
            o.source,
            text::one_line(o.error.as_deref().unwrap_or_default())
        ));
    }
    // The hint answers the first problem: a shrink can be accepted, a file of malformed
    // records only fixed at its origin, a failure retried.
    let shrank = outcomes
        .iter()
        .any(|o| o.refusal == Some(RefusalKind::Shrink));
    let hint = if !failed.is_empty() && shrank {
        "check the network or the mirror, then run the sync again; if a refused source really shrank, add --allow-shrink (audited)"
    } else if !failed.is_empty() {
        "check the network or the mirror, then run the sync again"
    } else if shrank {
        "if the source really shrank, sync it again with --allow-shrink (audited); [sync] max_shrink sets the share an import may remove"
    } else {
        "the feed or the mirror is broken or its format changed; a file of mostly malformed records is never imported"
    };
    Err(Failure::new(
        Exit::Runtime,
        format!("{what}; the catalogue held before is kept"),
    )
    .details(details)
    .hint(hint)
    .into())
}

fn status(ctx: &Context, conn: &Connection) -> Result<()> {
    let mut rows = store::statuses(conn)?;
    if ctx.style.format == Format::Table {
        rows = fold_msrc(rows);
    }
    let now = clock::now()?;
    // Relative here; JSON carries the absolute synced_at / checked_at.
    let age = move |t: &Option<String>| -> String {
        t.as_deref()
            .and_then(clock::parse)
            .map(|t| clock::ago(t, now))
            .unwrap_or_else(|| "-".into())
    };
    output::list(
        &ctx.style,
        &rows,
        &[
            ("SOURCE", &|s: &SourceRow| s.name.clone()),
            ("STATUS", &|s: &SourceRow| s.status.to_string()),
            ("SYNCED", &|s: &SourceRow| or_dash(s.synced_at.as_ref())),
            ("AGE", &|s: &SourceRow| age(&s.synced_at)),
            ("VALIDATOR", &|s: &SourceRow| {
                if s.etag.is_some() {
                    "etag".into()
                } else if s.last_modified.is_some() {
                    "last-modified".into()
                } else if s.sha256.is_some() {
                    "sha256".into()
                } else {
                    "-".into()
                }
            }),
            ("RECORDS", &|s: &SourceRow| s.records.to_string()),
            ("SKIPPED", &|s: &SourceRow| s.skipped.to_string()),
            ("PROBLEM", &|s: &SourceRow| {
                s.error
                    .as_deref()
                    .or(s.warnings.first().map(String::as_str))
                    .map_or_else(|| "-".into(), |p| text::one_line(p).into_owned())
            }),
        ],
    )
}

/// The table shows the MSRC index and its monthly documents (`msrc:2024-Jan`, one source
/// each) as one row `msrc (N documents)`: records summed, the worst status, the first
/// problem named by its month. JSON lists every source.
fn fold_msrc(rows: Vec<SourceRow>) -> Vec<SourceRow> {
    use crate::catalog::msrc::INDEX_SOURCE;
    use crate::catalog::store::SourceStatus;
    let prefix = format!("{INDEX_SOURCE}:");
    let (msrc, mut out): (Vec<SourceRow>, Vec<SourceRow>) = rows
        .into_iter()
        .partition(|r| r.name == INDEX_SOURCE || r.name.starts_with(&prefix));
    if msrc.is_empty() {
        return out;
    }
    let documents = msrc.iter().filter(|r| r.name.starts_with(&prefix)).count();
    let mut folded = SourceRow {
        name: format!(
            "{INDEX_SOURCE} ({documents} {})",
            if documents == 1 {
                "document"
            } else {
                "documents"
            }
        ),
        status: SourceStatus::Ok,
        ..SourceRow::default()
    };
    for r in msrc {
        if folded.status == SourceStatus::Ok {
            folded.status = r.status;
        }
        // The oldest sync of any document: what the catalogue of MSRC is as old as.
        folded.synced_at = match (folded.synced_at.take(), r.synced_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if r.name.starts_with(&prefix) {
            folded.records += r.records;
            folded.skipped += r.skipped;
        }
        if folded.sha256.is_none() {
            folded.sha256 = r.sha256;
        }
        if folded.error.is_none()
            && let Some(p) = r.error.or_else(|| r.warnings.into_iter().next())
        {
            let month = r.name.strip_prefix(&prefix).unwrap_or("index");
            folded.error = Some(format!("{month}: {p}"));
        }
    }
    let at = out.partition_point(|r| r.name.as_str() < INDEX_SOURCE);
    out.insert(at, folded);
    out
}
