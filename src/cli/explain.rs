//! `patchcycle explain HOST [PACKAGE|ADVISORY]`: why a host is or is not affected.

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::catalog::query::{AffectedBy, AffectedRow, affected_in, evaluate};
use crate::error::Failure;
use crate::inventory;
use crate::output::{self, or_dash};
use crate::scan::query;

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
    let Some(scan_id) = query::latest_good_scan(conn, &a.host)? else {
        return Err(
            Failure::usage(format!("host {} has no successful scan", a.host))
                .hint(format!("run `patchcycle scan {}`", a.host))
                .into(),
        );
    };
    if let Some(w) = query::windows_facts(conn, scan_id)? {
        return explain_windows(ctx, conn, &a.host, &w, a.subject.as_deref());
    }
    let Some(eco) = host.ecosystem.clone() else {
        return Err(Failure::usage(format!("the OS of {} has no known ecosystem", a.host)).into());
    };
    let family = crate::family::of_ecosystem(&eco)
        .ok_or_else(|| Failure::usage(format!("no version rules for ecosystem {eco}")))?;
    let scheme = family.manager().scheme();
    // Advisories name source packages (Debian, Ubuntu, Alpine) or, in the rpm family,
    // binary packages: what each package the host runs is matched as.
    let by_binary = family.matches_binary_packages();
    let installed = query::installed_matches(conn, scan_id, by_binary)?;
    let source_version = |src: &str| {
        installed
            .iter()
            .find(|i| i.matched_name == src)
            .map(|i| i.matched_version.clone())
    };
    let subject = a.subject.clone();
    // Candidate affected rows: by advisory/CVE, by package, or all the host's findings.
    let base = eco.split(':').next().unwrap_or(&eco).to_string();
    let candidates: Vec<AffectedRow> = match &subject {
        Some(s) if s.contains('-') && s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => {
            affected_in(conn, AffectedBy::Advisory(s), &base)?
        }
        Some(p) => {
            let src = installed
                .iter()
                .find(|i| i.name == *p || i.matched_name == *p)
                .map(|i| i.matched_name.clone())
                .unwrap_or_else(|| p.clone());
            affected_in(conn, AffectedBy::Package(&src), &base)?
        }
        None => {
            let mut rows = Vec::new();
            for s in query::finding_packages(conn, scan_id, by_binary)? {
                rows.extend(affected_in(conn, AffectedBy::Package(&s), &base)?);
            }
            rows
        }
    };
    if candidates.is_empty() {
        let what = subject.as_deref().unwrap_or("its findings");
        return Err(Failure::usage(format!("the catalogue has nothing for {what} in {base}"))
            .hint("check the name (Debian, Ubuntu and Alpine advisories name source packages, the rpm family's binary ones), or run `patchcycle sync`")
            .into());
    }
    let mut out: Vec<Verdict> = Vec::new();
    for AffectedRow {
        advisory: adv,
        ecosystem,
        package,
        ranges,
        versions,
    } in candidates
    {
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

/// `explain` of a Windows host: per CVE, the chain product → remediation → supersedence
/// → verdict; without a CVE, one row per CVE the host misses.
fn explain_windows(
    ctx: &Context,
    conn: &rusqlite::Connection,
    host: &str,
    w: &crate::family::WindowsFacts,
    subject: Option<&str>,
) -> Result<()> {
    use crate::family::windows::matching::{
        Catalogue, CveExplanation, ProductMatch, chain_text, explain_cve, explain_missing,
    };
    let mut cat = Catalogue::new();
    let product = |e: &CveExplanation| match &e.product {
        ProductMatch::Known { products: ps } => ps
            .iter()
            .map(|p| format!("{} ({})", p.name, p.id))
            .collect::<Vec<_>>()
            .join(", "),
        ProductMatch::Unknown {
            rule: Some(rule), ..
        } => format!("none (looked for \"{rule}\")"),
        ProductMatch::Unknown { rule: None, .. } => "none".to_string(),
    };
    let kb = |k: Option<u32>| k.map_or_else(|| "-".to_string(), |k| format!("KB{k}"));
    let Some(subject) = subject else {
        let all = explain_missing(conn, &mut cat, w)?;
        return output::list(
            &ctx.style,
            &all,
            &[
                ("CVE", &|e: &CveExplanation| {
                    or_dash(Some(&e.cve).filter(|c| !c.is_empty()))
                }),
                ("PRODUCT", &product),
                ("BUILD", &|e: &CveExplanation| e.build.to_string()),
                ("VERDICT", &|e: &CveExplanation| {
                    e.verdict.as_str().to_string()
                }),
                ("PROPOSED", &|e: &CveExplanation| kb(e.proposed)),
                ("RULE", &|e: &CveExplanation| e.rule.clone()),
            ],
        );
    };
    if !subject
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("CVE-"))
    {
        return Err(Failure::usage(format!(
            "{host} is a Windows host: explain takes a CVE id, not {}",
            crate::text::one_line(subject)
        ))
        .hint(format!("`patchcycle explain {host} CVE-YYYY-NNNN`, or `patchcycle findings --host {host}` for its missing updates"))
        .into());
    }
    let e = explain_cve(conn, &mut cat, w, subject)?;
    let mut fields: Vec<(&str, String)> = vec![
        ("cve", e.cve.clone()),
        (
            "host",
            format!(
                "{} ({}{}, {}), build {}",
                e.host_product,
                e.installation_type,
                e.display_version
                    .as_deref()
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default(),
                e.arch,
                e.build
            ),
        ),
        ("product", product(&e)),
    ];
    for (i, r) in e.remediations.iter().enumerate() {
        fields.push((
            if i == 0 { "remediation" } else { "" },
            format!(
                "KB{} {}, fixed build {}, {}{}",
                r.kb,
                r.subtype.as_deref().unwrap_or("(no SubType)"),
                or_dash(r.fixed_build.as_ref()),
                r.month,
                match r.restart_required {
                    Some(true) => ", restart required",
                    Some(false) => ", no restart",
                    None => "",
                }
            ),
        ));
    }
    if e.chain.len() > 1 {
        fields.push(("supersedence", chain_text(&e.chain)));
    }
    fields.push(("verdict", e.verdict.as_str().to_string()));
    fields.push(("rule", e.rule.clone()));
    if !e.reboot_pending.is_empty() {
        fields.push(("reboot pending", e.reboot_pending.join(", ")));
    }
    output::show(&ctx.style, &e, &fields)
}
