//! `patchcycle findings`: current findings with filters, the age of the data they come
//! from, and the `--fail-on` gate shared with `scan` and `report`.

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use rusqlite::Connection;
use serde::Serialize;

use super::Context;
use super::gate::GateArgs;
use crate::catalog::{Risk, Severity};
use crate::clock::Toward;
use crate::error::Failure;
use crate::inventory::natural_cmp;
use crate::inventory::{Host, HostFilter};
use crate::output::{self, or_dash};
use crate::report::gate::Scope;
use crate::scan::news;
use crate::scan::query::{self, Row, Str, at_least};
pub use crate::verdict::FailOn;
use crate::verdict::{self, Knowledge, Policies};
use crate::{clock, inventory};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SortBy {
    /// Worst first: CISA KEV, then severity, then EPSS
    #[value(alias = "severity")]
    Risk,
    Kev,
    Epss,
    Host,
    Package,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// Only this host
    #[arg(long, add = super::complete::hosts())]
    pub host: Option<String>,
    /// Only hosts of this group
    #[arg(short, long, add = super::complete::groups())]
    pub group: Option<String>,
    /// Only findings at or above this severity (CISA KEV findings stay listed: known
    /// exploitation outranks any rating)
    #[arg(long, value_name = "LEVEL", value_parser = ["critical", "high", "medium", "low"])]
    pub severity: Option<String>,
    /// Only findings with a CISA KEV CVE
    #[arg(long)]
    pub kev: bool,
    /// Only findings whose highest EPSS score is above this (0 to 1)
    #[arg(long, value_name = "SCORE")]
    pub epss_above: Option<f64>,
    /// Only this package (binary or source name)
    #[arg(short, long)]
    pub package: Option<String>,
    /// Only findings naming this advisory or CVE
    #[arg(long)]
    pub advisory: Option<String>,
    /// Order of the list
    #[arg(long, value_enum, default_value_t = SortBy::Risk)]
    pub sort: SortBy,
    /// Include findings hidden by exceptions
    #[arg(long)]
    pub all: bool,
    /// Only what each host's previous good scan did not have: new findings, and
    /// findings that gained advisories (listed with those)
    #[arg(long, conflicts_with = "since")]
    pub new: bool,
    /// Only what was first seen after this time: findings, or advisories a finding
    /// gained (a day YYYY-MM-DD, a span such as 7d, or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// A finding listed by `--new` or `--since`: the finding, when it was first seen, and
/// the advisories and CVEs that make it new (all of a new finding's).
#[derive(Debug, Serialize, Default)]
struct NewRow {
    #[serde(flatten)]
    finding: Row,
    first_seen: Str,
    new_advisories: Vec<Str>,
    new_cves: Vec<Str>,
}

const ADVISORIES: &str = "ADVISORIES";

/// How a table cell of a finding is rendered.
type RowCell = fn(&Row) -> String;

/// A finding's cell rendered for a listed new finding.
type NewRowCell = Box<dyn Fn(&NewRow) -> String>;

/// The table columns of a finding. Identifiers (host, package, versions) are single
/// words the table never breaks; the advisory list is cut to a count so it stays short.
const COLUMNS: [(&str, RowCell); 10] = [
    ("HOST", |r| r.host.to_string()),
    ("PACKAGE", |r| r.package.to_string()),
    ("INSTALLED", |r| r.installed.to_string()),
    ("FIXED", |r| or_dash(r.fixed.as_ref())),
    ("CANDIDATE", |r| {
        if r.restart_pending.is_empty() {
            or_dash(r.candidate.as_ref())
        } else {
            // Fixed on disk, old code still running: say which holds it.
            let holders: Vec<String> = r
                .restart_pending
                .iter()
                .map(|h| crate::text::one_line(h).into_owned())
                .collect();
            format!("installed; restart pending: {}", holders.join(", "))
        }
    }),
    ("SEVERITY", |r| {
        let s = or_dash(r.severity.as_ref());
        if r.unrated {
            format!("{s} (unrated)")
        } else {
            s
        }
    }),
    ("KEV", |r| if r.kev { "yes".into() } else { "-".into() }),
    ("EPSS", |r| r.epss.map_or("-".into(), |e| format!("{e:.3}"))),
    (ADVISORIES, |r| advisory_list(&r.advisories)),
    ("EXCEPTED", |r| {
        if r.excepted { "yes".into() } else { "-".into() }
    }),
];

/// Advisories as a table shows them: the first two, then how many more.
fn advisory_list(ids: &[Str]) -> String {
    match ids.len() {
        0 => "(security update)".into(),
        1..=2 => ids.join(", "),
        n => format!("{}, +{}", ids[..2].join(", "), n - 2),
    }
}

fn risk(r: &Row) -> Risk<'_> {
    Risk {
        kev: r.kev,
        severity: r.severity.as_deref(),
        epss: r.epss,
    }
}

pub fn run(ctx: &Context, a: &FindingsArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let now = clock::now()?;
    let stamp = clock::stamp(now);
    if let Some(h) = &a.host {
        inventory::require_host(&db.conn, h)?;
    }
    if let Some(g) = &a.group {
        inventory::group_id(&db.conn, g)?;
    }
    if let Some(e) = a.epss_above.filter(|e| !(0.0..=1.0).contains(e)) {
        return Err(Failure::usage(format!("--epss-above {e} is not between 0 and 1")).into());
    }
    let advisory = a.advisory.as_deref().map(str::to_ascii_uppercase);
    let level = a.severity.as_deref().and_then(Severity::parse);
    let policies = Policies::load(&db.conn, &ctx.config.default_policy)?;
    let in_scope = |r: &Row| {
        (a.all || !r.excepted)
            && a.host.as_ref().is_none_or(|h| *h == r.host)
            && a.group
                .as_ref()
                .is_none_or(|g| r.group.as_deref() == Some(g.as_str()))
    };
    // Filters on what a finding is (not where it is): a KEV finding they would hide
    // is either kept (severity: KEV outranks any rating) or counted aloud.
    let shown = |r: &Row| {
        level.is_none_or(|l| r.kev || at_least(r, l))
            && (!a.kev || r.kev)
            && a.epss_above.is_none_or(|e| r.epss.is_some_and(|x| x > e))
            && a.package
                .as_ref()
                .is_none_or(|p| *p == r.package || *p == r.source_name)
            && advisory.as_ref().is_none_or(|x| {
                r.advisories
                    .iter()
                    .chain(&r.cves)
                    .any(|a| a.eq_ignore_ascii_case(x))
            })
    };
    let mut hidden_kev = 0usize;
    let mut rows: Vec<Row> = Vec::new();
    for r in query::current(&db.conn, None, &stamp, &policies)? {
        if !in_scope(&r) {
            continue;
        }
        if shown(&r) {
            rows.push(r);
        } else if r.kev && !r.excepted {
            hidden_kev += 1;
        }
    }
    match a.sort {
        SortBy::Risk => rows.sort_by(|x, y| {
            risk(x)
                .worst_first(&risk(y))
                .then_with(|| natural_cmp(&x.host, &y.host))
                .then(x.package.cmp(&y.package))
        }),
        SortBy::Kev => rows.sort_by(|x, y| {
            y.kev.cmp(&x.kev).then(
                Severity::rank(y.severity.as_deref()).cmp(&Severity::rank(x.severity.as_deref())),
            )
        }),
        SortBy::Epss => {
            rows.sort_by(|x, y| y.epss.unwrap_or(-1.0).total_cmp(&x.epss.unwrap_or(-1.0)))
        }
        SortBy::Host => {
            rows.sort_by(|x, y| natural_cmp(&x.host, &y.host).then(x.package.cmp(&y.package)))
        }
        SortBy::Package => rows.sort_by(|x, y| {
            x.package
                .cmp(&y.package)
                .then_with(|| natural_cmp(&x.host, &y.host))
        }),
    }
    let news = if a.new || a.since.is_some() {
        Some(news::history(&db.conn)?)
    } else {
        None
    };
    let since = a
        .since
        .as_deref()
        .map(|t| clock::parse_date_flag("--since", t, Toward::Past, ctx.config.zone(), now))
        .transpose()?;
    let listed: Vec<Row> = match &news {
        None => {
            let columns: Vec<output::Column<'_, Row>> = COLUMNS
                .iter()
                .map(|(h, f)| (*h, f as &dyn Fn(&Row) -> String))
                .collect();
            output::list(&ctx.style, &rows, &columns)?;
            rows
        }
        Some(history) => {
            let new_rows: Vec<NewRow> = rows
                .into_iter()
                .filter_map(|r| {
                    let news = news::what_is_new(history, &r, since)?;
                    Some(NewRow {
                        first_seen: news.first_seen,
                        new_advisories: news.advisories,
                        new_cves: news.cves,
                        finding: r,
                    })
                })
                .collect();
            let first_seen = |n: &NewRow| n.first_seen.to_string();
            let new_advisories = |n: &NewRow| {
                if n.new_advisories.is_empty() {
                    advisory_list(&n.new_cves)
                } else {
                    advisory_list(&n.new_advisories)
                }
            };
            let mut columns: Vec<output::Column<'_, NewRow>> = Vec::new();
            let wrapped: Vec<NewRowCell> = COLUMNS
                .iter()
                .map(|(_, f)| {
                    let f = *f;
                    Box::new(move |n: &NewRow| f(&n.finding)) as NewRowCell
                })
                .collect();
            for ((header, _), cell) in COLUMNS.iter().zip(&wrapped) {
                if *header == ADVISORIES {
                    columns.push(("NEW ADVISORIES", &new_advisories));
                    columns.push(("FIRST SEEN", &first_seen));
                } else {
                    columns.push((header, cell.as_ref()));
                }
            }
            output::list(&ctx.style, &new_rows, &columns)?;
            new_rows.into_iter().map(|n| n.finding).collect()
        }
    };
    let rows = listed;
    if hidden_kev > 0 {
        ctx.style.warn(format!(
            "the filters hid {hidden_kev} CISA KEV finding(s); list them with `patchcycle findings --kev`"
        ));
    }
    // The hosts this view is about, and how old what it knows of them is.
    let hosts: Vec<Host> = inventory::list_hosts(
        &db.conn,
        &HostFilter {
            group: a.group.clone(),
            tag: None,
        },
    )?
    .into_iter()
    .filter(|h| a.host.as_ref().is_none_or(|n| *n == h.name))
    .collect();
    tell_data_age(ctx, &db.conn, &hosts, now, a.gate.allow_stale)?;
    if !a.gate.fail_on.is_empty() {
        let names: HashSet<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
        let listed: HashSet<(&str, &str)> = rows
            .iter()
            .map(|r| (r.host.as_str(), r.package.as_str()))
            .collect();
        let scope = Scope {
            hosts: Some(names),
            findings: Some(listed),
        };
        super::gate::check(ctx, &db.conn, &a.gate, &scope, now)?;
    }
    Ok(())
}

/// On stderr (not with -q): how old the scans and catalogue behind a view are, and which
/// hosts are unknown and why.
pub fn tell_data_age(
    ctx: &Context,
    conn: &Connection,
    hosts: &[Host],
    now: DateTime<Utc>,
    allow_stale: bool,
) -> Result<()> {
    if hosts.is_empty() {
        if !ctx.style.quiet {
            ctx.style.warn("no hosts in the selection");
        }
        return Ok(());
    }
    let mut knowledge = Knowledge::load(conn, &ctx.config.default_policy, now, allow_stale)?;
    ctx.style.status(verdict::age_line(
        &knowledge.feeds,
        hosts
            .iter()
            .map(|h| h.last_scan.as_deref().and_then(clock::parse)),
        now,
    ));
    let mut judged = verdict::judge_hosts(conn, &mut knowledge, hosts)?;
    for j in &mut judged {
        j.unknown = knowledge.effective(std::mem::take(&mut j.unknown));
    }
    // Under -q the gate's error says it, if one was asked for.
    if let Some(line) = verdict::unknown_summary(&judged, now, 5)
        && !ctx.style.quiet
    {
        ctx.style.warn(line);
    }
    Ok(())
}
