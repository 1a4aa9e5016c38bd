//! `patchcycle advisory show ID|CVE` and `patchcycle advisory search`.

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Context;
use crate::catalog::query::{self, AdvisoryInfo, Hit, KevInfo, MsrcInfo, Search};
use crate::error::Failure;
use crate::output::{self, Format, or_dash};

#[derive(Debug, Subcommand)]
pub enum AdvisoryCommand {
    /// Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE
    /// only KEV or EPSS know shows what they know
    Show(ShowArgs),
    /// Search the catalogue; with --version, say whether that version is affected
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Advisory id or CVE id (case-insensitive)
    pub id: String,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Text in the id, an alias or the summary
    pub text: Option<String>,
    /// Package name (for Debian and Ubuntu: the source package)
    #[arg(short, long)]
    pub package: Option<String>,
    /// Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case
    #[arg(short, long)]
    pub ecosystem: Option<String>,
    /// A package version to check against each advisory's ranges (needs --ecosystem)
    #[arg(long, allow_hyphen_values = true)]
    pub version: Option<String>,
}

pub fn run(ctx: &Context, cmd: AdvisoryCommand) -> Result<()> {
    match cmd {
        AdvisoryCommand::Show(a) => show(ctx, &a),
        AdvisoryCommand::Search(a) => search(ctx, a),
    }
}

fn show(ctx: &Context, a: &ShowArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let found = query::show(&db.conn, &a.id)?;
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "no synced source knows {:?}: no advisory, alias, KEV or EPSS entry",
            a.id
        ))
        .hint("run `patchcycle sync` (see `patchcycle sync --status`), or check the id with `patchcycle advisory search TEXT`")
        .into());
    }
    if ctx.style.format != Format::Table {
        return output::list(&ctx.style, &found, &[]);
    }
    let _pager = output::Pager::start(&ctx.style);
    output::unless_stdout_closed(print_found(ctx, a, &found))
}

/// The advisories `show` found, as text.
fn print_found(ctx: &Context, a: &ShowArgs, found: &[AdvisoryInfo]) -> Result<()> {
    for (i, adv) in found.iter().enumerate() {
        if i > 0 {
            output::out_line("")?;
        }
        print_advisory(ctx, adv)?;
    }
    // Asked for a CVE that advisories name: which synced sources have none for it.
    if let Some(first) = found.first().filter(|f| !f.cve_only)
        && let Some(missing) = &first.no_advisory_in
        && !missing.is_empty()
    {
        output::out_line("")?;
        output::out_line(format!(
            "no advisory for {} in: {}",
            a.id.to_ascii_uppercase(),
            sources_line(missing)
        ))?;
    }
    Ok(())
}

/// "none" or the sources, for the `no advisory in` line.
fn sources_line(sources: &[String]) -> String {
    if sources.is_empty() {
        "-".into()
    } else {
        sources.join(", ")
    }
}

fn epss_line(a: &AdvisoryInfo) -> String {
    if a.epss.is_empty() {
        "-".to_string()
    } else {
        a.epss
            .iter()
            .map(|e| {
                format!(
                    "{} {:.5} (percentile {:.3}{})",
                    e.cve,
                    e.score,
                    e.percentile,
                    e.date
                        .as_deref()
                        .map(|d| format!(", scored {d}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A CVE no synced advisory names: what KEV and EPSS know of it.
fn print_cve_only(ctx: &Context, a: &AdvisoryInfo) -> Result<()> {
    let kev = a.kev.first();
    let field = |f: fn(&KevInfo) -> &Option<String>| or_dash(kev.and_then(|k| f(k).as_ref()));
    let mut fields = vec![
        ("id", a.id.clone()),
        (
            "known from",
            [
                (!a.kev.is_empty(), "CISA KEV"),
                (!a.epss.is_empty(), "EPSS"),
            ]
            .iter()
            .filter(|(has, _)| *has)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", "),
        ),
        ("kev", if kev.is_some() { "yes" } else { "no" }.into()),
    ];
    if kev.is_some() {
        fields.extend([
            ("vendor", field(|k| &k.vendor)),
            ("product", field(|k| &k.product)),
            ("name", field(|k| &k.name)),
            ("date added", field(|k| &k.date_added)),
            ("due date", field(|k| &k.due_date)),
            ("ransomware", field(|k| &k.ransomware)),
        ]);
    }
    fields.push(("epss", epss_line(a)));
    fields.push((
        "no advisory in",
        sources_line(a.no_advisory_in.as_deref().unwrap_or_default()),
    ));
    output::show(&ctx.style, a, &fields)
}

fn print_advisory(ctx: &Context, a: &AdvisoryInfo) -> Result<()> {
    if a.cve_only {
        return print_cve_only(ctx, a);
    }
    let kev = if a.kev.is_empty() {
        "no".to_string()
    } else {
        a.kev
            .iter()
            .map(|k| {
                format!(
                    "{} (added {}, due {}, ransomware {})",
                    k.cve,
                    k.date_added.as_deref().unwrap_or("?"),
                    k.due_date.as_deref().unwrap_or("?"),
                    k.ransomware.as_deref().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let epss = epss_line(a);
    let fields = [
        ("id", a.id.clone()),
        ("source", a.source.clone()),
        ("kind", or_dash(a.kind.as_ref())),
        ("severity", or_dash(a.severity.as_ref())),
        (
            "cvss",
            match (&a.cvss, &a.cvss_vector) {
                (Some(s), Some(v)) => format!("{s:.1} {v}"),
                _ => "-".into(),
            },
        ),
        ("published", or_dash(a.published.as_ref())),
        ("modified", or_dash(a.modified.as_ref())),
        ("summary", or_dash(a.summary.as_ref())),
        (
            "aliases",
            if a.aliases.is_empty() {
                "-".into()
            } else {
                a.aliases.join(", ")
            },
        ),
        ("kev", kev),
        ("epss", epss),
    ];
    if let Some(m) = &a.msrc {
        let mut fields = fields.to_vec();
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        fields.push(("exploited", yes_no(m.exploited)));
        fields.push(("publicly disclosed", yes_no(m.publicly_disclosed)));
        output::show(&ctx.style, a, &fields)?;
        return print_msrc_kbs(ctx, m);
    }
    output::show(&ctx.style, a, &fields)?;
    output::out_line("")?;
    output::write_table(&mut std::io::stdout().lock(), &affected_table(ctx, a))
}

/// How many package names an affected row shows before a count (`--format json` lists
/// every affected package).
const PACKAGES_SHOWN: usize = 6;

/// The affected packages grouped: one row per ecosystem and set of ranges, with the
/// packages that share them (an advisory for glibc names 260 AlmaLinux subpackages, all
/// fixed in the same build: one row, not 260).
fn affected_table(ctx: &Context, a: &AdvisoryInfo) -> comfy_table::Table {
    let mut groups: Vec<((&str, String), Vec<&str>)> = Vec::new();
    for f in &a.affected {
        let key = (
            f.ecosystem.as_str(),
            ranges_text(&f.ranges, f.versions.len()),
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, packages)) => packages.push(&f.package),
            None => groups.push((key, vec![&f.package])),
        }
    }
    let mut table = output::new_table(&ctx.style);
    table.set_header(vec!["ECOSYSTEM", "RANGES", "PACKAGES"]);
    for ((ecosystem, ranges), mut packages) in groups {
        packages.sort_by(|x, y| crate::inventory::natural_cmp(x, y));
        packages.dedup();
        table.add_row(vec![
            output::cell(ecosystem),
            output::cell(&ranges),
            output::cell(&output::first_few(packages.into_iter(), PACKAGES_SHOWN)),
        ]);
    }
    table
}

/// An OSV `ranges` array as read at a glance: `fixed 2.36-9+deb12u3` for the common
/// ECOSYSTEM range from 0; other types and starts are named (`GIT: introduced a1, fixed
/// b2`); then how many versions are listed.
fn ranges_text(ranges: &serde_json::Value, listed_versions: usize) -> String {
    let mut parts: Vec<String> = ranges
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let events: Vec<String> = r["events"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    let (k, v) = e.as_object()?.iter().next()?;
                    let v = v.as_str().unwrap_or("?");
                    // "Affected from the start" says nothing.
                    (!(k == "introduced" && v == "0")).then(|| format!("{k} {v}"))
                })
                .collect();
            let events = if events.is_empty() {
                "every version".to_string()
            } else {
                events.join(", ")
            };
            match r["type"].as_str() {
                Some("ECOSYSTEM") => events,
                other => format!("{}: {events}", other.unwrap_or("?")),
            }
        })
        .collect();
    if listed_versions > 0 {
        parts.push(format!("{listed_versions} listed versions"));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

/// An MSRC CVE's KB updates, one line each with the products it fixes.
fn print_msrc_kbs(ctx: &Context, m: &MsrcInfo) -> Result<()> {
    let mut table = output::new_table(&ctx.style);
    table.set_header(vec![
        "KB",
        "SUBTYPE",
        "FIXED BUILD",
        "RESTART",
        "SUPERSEDES",
        "PRODUCTS",
    ]);
    for kb in &m.kbs {
        let products: Vec<String> = kb
            .products
            .iter()
            .map(|p| match &p.name {
                Some(n) => n.clone(),
                None => format!("product {}", p.product_id),
            })
            .collect();
        table.add_row(vec![
            format!("KB{}", kb.kb),
            output::cell(&or_dash(kb.subtype.as_ref())),
            output::cell(&or_dash(kb.fixed_build.as_ref())),
            match kb.restart_required {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "-".into(),
            },
            if kb.supersedes.is_empty() {
                "-".into()
            } else {
                kb.supersedes
                    .iter()
                    .map(|k| format!("KB{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            output::cell(&products.join("; ")),
        ]);
    }
    output::out_line("")?;
    if m.kbs.is_empty() {
        return output::out_line("no KB update for this CVE (no Vendor Fix with a KB number)");
    }
    output::write_table(&mut std::io::stdout().lock(), &table)
}

fn search(ctx: &Context, a: SearchArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let with_version = a.version.is_some();
    let hits = query::search(
        &db.conn,
        &Search {
            text: a.text,
            package: a.package,
            ecosystem: a
                .ecosystem
                .map(|e| crate::catalog::ecosystem::canonical_name(&e)),
            version: a.version,
        },
    )?;
    let yes_no = |h: &Hit| match h.affected {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "unknown".to_string(),
    };
    let mut columns: Vec<output::Column<'_, Hit>> = vec![
        ("ADVISORY", &|h: &Hit| h.id.clone()),
        ("SEVERITY", &|h: &Hit| or_dash(h.severity.as_ref())),
        ("KEV", &|h: &Hit| {
            if h.kev { "yes".into() } else { "-".into() }
        }),
        ("ECOSYSTEM", &|h: &Hit| h.ecosystem.clone()),
        ("PACKAGE", &|h: &Hit| h.package.clone()),
        ("FIXED", &|h: &Hit| {
            if h.fixed.is_empty() {
                "-".into()
            } else {
                h.fixed.join(", ")
            }
        }),
    ];
    if with_version {
        columns.push(("AFFECTED", &yes_no));
    }
    output::list(&ctx.style, &hits, &columns)?;
    if with_version && !ctx.style.quiet {
        let n = hits.iter().filter(|h| h.affected == Some(true)).count();
        ctx.style.status(format!(
            "{n} of {} advisories affect that version",
            hits.len()
        ));
    }
    Ok(())
}
