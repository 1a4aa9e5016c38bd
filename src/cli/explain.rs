//! `patchcycle explain HOST [PACKAGE|ADVISORY]`: why a host is or is not affected.

use anyhow::Result;
use clap::Args;
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::catalog::query::evaluate;
use crate::error::Failure;
use crate::inventory;
use crate::output::{self, or_dash};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The host (its latest good scan is explained)
    #[arg(add = super::complete::hosts())]
    pub host: String,
    /// A package (binary or source name) or an advisory/CVE id; default: every finding
    pub subject: Option<String>,
}

/// One candidate advisory and the verdict.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Verdict {
    pub advisory: String,
    pub ecosystem: String,
    pub package: String,
    pub installed: Option<String>,
    /// affected | not-affected | not-installed | other-release | unknown
    pub verdict: String,
    pub rule: String,
}

pub fn run(ctx: &Context, a: &ExplainArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let host = inventory::require_host(&db.conn, &a.host)?;
    let conn = &db.conn;
    let scan_id: Option<i64> = conn
        .query_row(
            "SELECT max(s.id) FROM scans s JOIN hosts h ON h.id = s.host_id WHERE h.name = ?1 AND s.status = 'ok'",
            [&a.host],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(scan_id) = scan_id else {
        return Err(
            Failure::usage(format!("host {} has no successful scan", a.host))
                .hint(format!("run `patchcycle scan {}`", a.host))
                .into(),
        );
    };
    let Some(eco) = host.ecosystem.clone() else {
        return Err(Failure::usage(format!("the OS of {} has no known ecosystem", a.host)).into());
    };
    let family = crate::family::of_ecosystem(&eco)
        .ok_or_else(|| Failure::usage(format!("no version rules for ecosystem {eco}")))?;
    let scheme = family.manager().scheme();
    // Advisories name source packages (Debian, Ubuntu, Alpine) or, in the rpm family,
    // binary packages: (name, matched name, matched version) of what the host runs.
    let by_binary = family.matches_binary_packages();
    let installed: Vec<(String, String, String)> = conn
        .prepare(if by_binary {
            "SELECT DISTINCT name, name, version FROM installed WHERE scan_id = ?1"
        } else {
            "SELECT DISTINCT name, source_name, source_version FROM installed WHERE scan_id = ?1"
        })?
        .query_map([scan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let source_version = |src: &str| {
        installed
            .iter()
            .find(|(_, s, _)| s == src)
            .map(|(_, _, v)| v.clone())
    };
    let subject = a.subject.clone();
    // Candidate affected rows: by advisory/CVE, by package, or all the host's findings.
    let mut candidates: Vec<(String, String, String, String, String)> = Vec::new();
    let base = eco.split(':').next().unwrap_or(&eco).to_string();
    let mut push_rows = |sql: &str, arg: &str| -> Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(
            rusqlite::params![arg, format!("{}:%", crate::db::like_escape(&base)), base],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        for row in rows {
            candidates.push(row?);
        }
        Ok(())
    };
    let cols = "SELECT a.advisory_id, f.ecosystem, f.package, f.ranges, f.versions FROM affected f JOIN advisories a ON a.id = f.advisory";
    match &subject {
        Some(s) if s.contains('-') && s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => {
            push_rows(
                &format!(
                    "{cols} WHERE (a.advisory_id = ?1 OR a.id IN (SELECT advisory FROM aliases WHERE alias = ?1)) AND (f.ecosystem LIKE ?2 ESCAPE '\\' OR f.ecosystem = ?3)"
                ),
                s,
            )?;
        }
        Some(p) => {
            let src = installed
                .iter()
                .find(|(n, s, _)| n == p || s == p)
                .map(|(_, s, _)| s.clone())
                .unwrap_or_else(|| p.clone());
            push_rows(
                &format!(
                    "{cols} WHERE f.package = ?1 AND (f.ecosystem LIKE ?2 ESCAPE '\\' OR f.ecosystem = ?3)"
                ),
                &src,
            )?;
        }
        None => {
            let srcs: Vec<String> = conn
                .prepare(if by_binary {
                    "SELECT DISTINCT package FROM findings WHERE scan_id = ?1"
                } else {
                    "SELECT DISTINCT source_name FROM findings WHERE scan_id = ?1"
                })?
                .query_map([scan_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for s in srcs {
                push_rows(
                    &format!(
                        "{cols} WHERE f.package = ?1 AND (f.ecosystem LIKE ?2 ESCAPE '\\' OR f.ecosystem = ?3)"
                    ),
                    &s,
                )?;
            }
        }
    }
    if candidates.is_empty() {
        let what = subject.as_deref().unwrap_or("its findings");
        return Err(Failure::usage(format!("the catalogue has nothing for {what} in {base}"))
            .hint("check the name (Debian, Ubuntu and Alpine advisories name source packages, the rpm family's binary ones), or run `patchcycle sync`")
            .into());
    }
    let mut out: Vec<Verdict> = Vec::new();
    for (adv, ecosystem, package, ranges, versions) in candidates {
        let ranges: Value = serde_json::from_str(&ranges).unwrap_or(Value::Null);
        let versions: Vec<String> = serde_json::from_str(&versions).unwrap_or_default();
        let installed = source_version(&package);
        let (verdict, rule) = if ecosystem != eco {
            (
                "other-release".to_string(),
                format!("the host is {eco}; ranges of {ecosystem} are not used (backports differ)"),
            )
        } else if let Some(v) = &installed {
            match evaluate(scheme, v, &ranges, &versions) {
                (Some(true), r) => ("affected".into(), r),
                (Some(false), r) => ("not-affected".into(), r),
                (None, r) => ("unknown".into(), r),
            }
        } else {
            (
                "not-installed".into(),
                if by_binary {
                    format!("no package {package} is installed")
                } else {
                    format!("no installed package is built from source {package}")
                },
            )
        };
        out.push(Verdict {
            advisory: adv,
            ecosystem,
            package,
            installed,
            verdict,
            rule,
        });
    }
    out.sort_by(|x, y| {
        let rank = |v: &Verdict| match v.verdict.as_str() {
            "affected" => 0,
            "unknown" => 1,
            "not-affected" => 2,
            "not-installed" => 3,
            _ => 4,
        };
        rank(x).cmp(&rank(y)).then(x.advisory.cmp(&y.advisory))
    });
    output::list(
        &ctx.style,
        &out,
        &[
            ("ADVISORY", &|v: &Verdict| v.advisory.clone()),
            ("ECOSYSTEM", &|v: &Verdict| v.ecosystem.clone()),
            ("PACKAGE", &|v: &Verdict| v.package.clone()),
            ("INSTALLED", &|v: &Verdict| or_dash(v.installed.as_ref())),
            ("VERDICT", &|v: &Verdict| v.verdict.clone()),
            ("RULE", &|v: &Verdict| v.rule.clone()),
        ],
    )
}
