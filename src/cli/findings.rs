//! `patchcycle findings` and the `--fail-on` gate shared with `scan`.

use anyhow::Result;
use clap::{Args, ValueEnum};
use rusqlite::Connection;

use super::Context;
use crate::catalog::Severity;
use crate::error::Failure;
use crate::inventory::natural_cmp;
use crate::output::{self, or_dash};
use crate::scan::query::{self, Row, at_least};
use crate::{clock, inventory};

/// `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Any finding whose advisories include a CISA KEV CVE
    Kev,
    /// Any finding: a pending security update or an advisory
    Any,
}

impl FailOn {
    fn trips(self, r: &Row) -> bool {
        self.trips_on(r.severity.as_deref(), r.kev)
    }

    /// Whether a finding of this severity (and KEV flag) trips the level.
    pub fn trips_on(self, severity: Option<&str>, kev: bool) -> bool {
        let at_least = |level: Severity| {
            severity
                .and_then(Severity::parse)
                .is_some_and(|s| s >= level)
        };
        match self {
            FailOn::Critical => at_least(Severity::Critical),
            FailOn::High => at_least(Severity::High),
            FailOn::Medium => at_least(Severity::Medium),
            FailOn::Low => at_least(Severity::Low),
            FailOn::Kev => kev,
            FailOn::Any => true,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Low => "low",
            FailOn::Kev => "kev",
            FailOn::Any => "any",
        }
    }
}

/// Exit 1 (with a one-line summary on stderr) when a current, non-excepted finding of
/// the hosts named trips `level`.
pub fn gate(conn: &Connection, level: FailOn, hosts: Option<&[String]>, now: &str) -> Result<()> {
    let rows = query::current(conn, hosts, now)?;
    let tripped: Vec<&Row> = rows
        .iter()
        .filter(|r| !r.excepted && level.trips(r))
        .collect();
    if tripped.is_empty() {
        return Ok(());
    }
    let mut hosts: Vec<&str> = tripped.iter().map(|r| r.host.as_str()).collect();
    hosts.dedup();
    Err(Failure::gate(format!(
        "{} finding(s) at or above --fail-on {} on {} host(s): {}",
        tripped.len(),
        level.name(),
        hosts.len(),
        hosts
            .iter()
            .take(10)
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .into())
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SortBy {
    Severity,
    Kev,
    Epss,
    Host,
    Package,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// Only this host
    #[arg(long)]
    pub host: Option<String>,
    /// Only hosts of this group
    #[arg(short, long)]
    pub group: Option<String>,
    /// Only findings at or above this severity
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
    #[arg(long, value_enum, default_value_t = SortBy::Severity)]
    pub sort: SortBy,
    /// Include findings hidden by exceptions
    #[arg(long)]
    pub all: bool,
    /// Exit 1 when a listed finding is at or above this level
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
}

fn severity_rank(r: &Row) -> u8 {
    Severity::rank(r.severity.as_deref())
}

pub fn run(ctx: &Context, a: &FindingsArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    if let Some(h) = &a.host {
        inventory::require_host(&db.conn, h)?;
    }
    if let Some(g) = &a.group {
        inventory::group_id(&db.conn, g)?;
    }
    if let Some(e) = a.epss_above.filter(|e| !(0.0..=1.0).contains(e)) {
        return Err(Failure::usage(format!("--epss-above {e} is not between 0 and 1")).into());
    }
    let level = a.severity.as_deref().and_then(Severity::parse);
    let mut rows: Vec<Row> = query::current(&db.conn, None, &now)?
        .into_iter()
        .filter(|r| a.all || !r.excepted)
        .filter(|r| a.host.as_ref().is_none_or(|h| *h == r.host))
        .filter(|r| {
            a.group
                .as_ref()
                .is_none_or(|g| r.group.as_deref() == Some(g.as_str()))
        })
        .filter(|r| level.is_none_or(|l| at_least(r, l)))
        .filter(|r| !a.kev || r.kev)
        .filter(|r| a.epss_above.is_none_or(|e| r.epss.is_some_and(|x| x > e)))
        .filter(|r| {
            a.package
                .as_ref()
                .is_none_or(|p| *p == r.package || *p == r.source_name)
        })
        .filter(|r| {
            a.advisory
                .as_ref()
                .is_none_or(|x| r.advisories.iter().chain(&r.cves).any(|a| a == x))
        })
        .collect();
    match a.sort {
        SortBy::Severity => rows.sort_by(|x, y| {
            severity_rank(y)
                .cmp(&severity_rank(x))
                .then(y.kev.cmp(&x.kev))
                .then_with(|| natural_cmp(&x.host, &y.host))
                .then(x.package.cmp(&y.package))
        }),
        SortBy::Kev => rows.sort_by(|x, y| {
            y.kev
                .cmp(&x.kev)
                .then(severity_rank(y).cmp(&severity_rank(x)))
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
    output::list(
        &ctx.style,
        &rows,
        &[
            ("HOST", &|r: &Row| r.host.to_string()),
            ("PACKAGE", &|r: &Row| r.package.to_string()),
            ("INSTALLED", &|r: &Row| r.installed.to_string()),
            ("FIXED", &|r: &Row| or_dash(r.fixed.as_ref())),
            ("CANDIDATE", &|r: &Row| or_dash(r.candidate.as_ref())),
            ("SEVERITY", &|r: &Row| or_dash(r.severity.as_ref())),
            ("KEV", &|r: &Row| {
                if r.kev { "yes".into() } else { "-".into() }
            }),
            ("EPSS", &|r: &Row| {
                r.epss.map_or("-".into(), |e| format!("{e:.3}"))
            }),
            ("ADVISORIES", &|r: &Row| {
                let n = r.advisories.len();
                match n {
                    0 => "(security update)".into(),
                    1..=2 => r.advisories.join(","),
                    _ => format!("{},… ({n})", r.advisories[..2].join(",")),
                }
            }),
            ("EXCEPTED", &|r: &Row| {
                if r.excepted { "yes".into() } else { "-".into() }
            }),
        ],
    )?;
    if let Some(level) = a.fail_on {
        let tripped = rows
            .iter()
            .filter(|r| !r.excepted && level.trips(r))
            .count();
        if tripped > 0 {
            return Err(Failure::gate(format!(
                "{tripped} finding(s) at or above --fail-on {}",
                level.name()
            ))
            .into());
        }
    }
    Ok(())
}
