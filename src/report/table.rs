//! The terminal form: sections of borderless tables (wrapped to the terminal on a TTY).
//! Long lists show their first [`super::LIST_LIMIT`] rows; `--format json` has them all.

use std::fmt::Write;

use anyhow::Result;

use super::model::Report;
use super::rows;
use super::{LIST_LIMIT, fmt_opt};
use crate::output::{Style, cell, new_table, write_table};

fn section(out: &mut Vec<u8>, title: &str) -> Result<()> {
    use std::io::Write as _;
    writeln!(out)?;
    writeln!(out, "{title}")?;
    Ok(())
}

/// A table with the shared headers (upper-cased for the terminal) and rows.
fn table_of(
    out: &mut Vec<u8>,
    style: &Style,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<()> {
    let upper: Vec<String> = header.iter().map(|h| h.to_uppercase()).collect();
    let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
    let total = rows.len();
    table(out, style, &upper, rows.into_iter(), total)
}

fn table(
    out: &mut Vec<u8>,
    style: &Style,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    total: usize,
) -> Result<()> {
    use std::io::Write as _;
    let mut t = new_table(style);
    t.set_header(header.iter().copied());
    for r in rows.take(LIST_LIMIT) {
        t.add_row(r.iter().map(|c| cell(c)));
    }
    write_table(out, &t)?;
    if total > LIST_LIMIT {
        writeln!(
            out,
            "… and {} more (all of them in --format json)",
            total - LIST_LIMIT
        )?;
    }
    Ok(())
}

pub fn render(r: &Report, style: &Style) -> Result<String> {
    let mut out: Vec<u8> = Vec::new();
    let mut head = String::new();
    match &r.cycle {
        Some(c) => writeln!(
            head,
            "Patch report, cycle {} ({}, cutoff {}, {} patches), generated {}",
            c.name, c.state, c.cutoff, c.patches, r.generated_at
        )?,
        None => writeln!(
            head,
            "Patch report (no cycle yet), generated {}",
            r.generated_at
        )?,
    }
    let s = &r.summary;
    writeln!(
        head,
        "Compliance: {} of {} hosts ({}) have no open finding at or above {} and none in CISA KEV; {} unknown",
        s.compliant,
        s.hosts,
        super::pct_text(s.compliance_pct),
        r.threshold,
        s.unknown
    )?;
    out.extend_from_slice(head.as_bytes());
    let mut t = new_table(style);
    let sev = &r.findings_by_severity;
    for (k, v) in [
        (
            "open findings",
            format!(
                "{} (critical {}, high {}, medium {}, low {}; {} of them unrated; {} excepted)",
                s.open_findings,
                sev.critical,
                sev.high,
                sev.medium,
                sev.low,
                sev.unrated,
                s.excepted_findings
            ),
        ),
        ("in CISA KEV", s.kev_findings.to_string()),
        (
            "EPSS",
            format!(
                ">=0.5: {}, >=0.1: {}, >=0.01: {}, lower: {}, no score: {}",
                r.epss.at_least_0_5,
                r.epss.at_least_0_1,
                r.epss.at_least_0_01,
                r.epss.below_0_01,
                r.epss.no_score
            ),
        ),
        ("SLA breaches", s.sla_breaches.to_string()),
        ("pending reboots", s.pending_reboots.to_string()),
        ("unknown hosts", super::unknown_text(s)),
        (
            "stale / unreachable",
            format!(
                "{} / {} (no current scan or catalogue / last scan failed)",
                s.stale_hosts, s.unreachable_hosts
            ),
        ),
        ("catalogue", super::feeds_text(r)),
        (
            "exceptions expiring",
            format!("{} within {} days", s.exceptions_expiring, r.expiring_days),
        ),
        (
            "MTTR this cycle",
            s.mttr_days.map_or("-".into(), |d| format!("{d:.1} days")),
        ),
    ] {
        t.add_row(vec![format!("{k}:"), cell(&v)]);
    }
    {
        use std::io::Write as _;
        writeln!(out)?;
    }
    write_table(&mut out, &t)?;

    for (title, rows) in [
        ("COMPLIANCE BY GROUP", &r.compliance_by_group),
        ("COMPLIANCE BY OS", &r.compliance_by_os),
    ] {
        section(&mut out, title)?;
        table(
            &mut out,
            style,
            &["NAME", "HOSTS", "SCANNED", "COMPLIANT", "UNKNOWN", "%"],
            rows.iter().map(|c| {
                vec![
                    c.name.clone(),
                    c.hosts.to_string(),
                    c.scanned.to_string(),
                    c.compliant.to_string(),
                    c.unknown.to_string(),
                    super::pct_cell(c.compliance_pct),
                ]
            }),
            rows.len(),
        )?;
    }

    let breaches: Vec<_> = r
        .findings
        .iter()
        .filter(|f| !f.excepted && f.sla_breached)
        .collect();
    section(&mut out, &format!("SLA BREACHES ({})", breaches.len()))?;
    if !breaches.is_empty() {
        table(
            &mut out,
            style,
            &[
                "HOST",
                "PACKAGE",
                "SEVERITY",
                "KEV",
                "FIRST SEEN",
                "DUE",
                "OVERDUE",
            ],
            breaches
                .iter()
                .map(|f| rows::breach(f, |d| format!("{d}d"))),
            breaches.len(),
        )?;
    }

    let open: Vec<_> = r.findings.iter().filter(|f| !f.excepted).collect();
    section(&mut out, &format!("OPEN FINDINGS ({})", open.len()))?;
    if !open.is_empty() {
        table(
            &mut out,
            style,
            &[
                "HOST",
                "PACKAGE",
                "INSTALLED",
                "FIXED",
                "SEVERITY",
                "KEV",
                "EPSS",
                "AGE",
                "DUE",
            ],
            open.iter().map(|f| {
                let mut row = rows::open_finding(f);
                row.push(format!("{}d", f.age_days));
                row.push(
                    f.due
                        .as_deref()
                        .map_or("-".into(), |d| d.get(..10).unwrap_or(d).to_string()),
                );
                row
            }),
            open.len(),
        )?;
    }

    section(&mut out, &format!("PENDING REBOOTS ({})", r.reboots.len()))?;
    if !r.reboots.is_empty() {
        table_of(&mut out, style, &rows::REBOOTS, rows::reboots(r))?;
    }

    if r.cycle.is_some() {
        section(
            &mut out,
            &format!(
                "OPENED AND CLOSED IN THE CYCLE ({})",
                rows::changes_count(r)
            ),
        )?;
        if !r.cycle_changes.is_empty() {
            table_of(&mut out, style, &rows::CHANGES, rows::changes(r))?;
        }
    }

    section(&mut out, "MTTR PER CYCLE")?;
    if !r.mttr.is_empty() {
        table_of(&mut out, style, &rows::MTTR, rows::mttr(r))?;
    }

    section(&mut out, &format!("APPROVALS ({})", r.approvals.len()))?;
    if !r.approvals.is_empty() {
        table_of(&mut out, style, &rows::APPROVALS, rows::approvals(r))?;
    }

    section(&mut out, &format!("DEPLOYMENTS ({})", r.deployments.len()))?;
    if !r.deployments.is_empty() {
        table_of(&mut out, style, &rows::DEPLOYMENTS, rows::deployments(r))?;
    }

    section(
        &mut out,
        &format!(
            "EXCEPTIONS EXPIRING WITHIN {} DAYS ({})",
            r.expiring_days,
            r.exceptions_expiring.len()
        ),
    )?;
    if !r.exceptions_expiring.is_empty() {
        table(
            &mut out,
            style,
            &["ID", "SCOPE", "EXPIRES", "DAYS LEFT", "REASON"],
            r.exceptions_expiring.iter().map(|e| {
                vec![
                    e.id.to_string(),
                    super::exception_scope(e),
                    e.expires.clone(),
                    e.days_left.to_string(),
                    e.reason.clone(),
                ]
            }),
            r.exceptions_expiring.len(),
        )?;
    }

    section(
        &mut out,
        &format!(
            "UNKNOWN, STALE OR UNREACHABLE HOSTS ({})",
            r.stale_hosts.len()
        ),
    )?;
    if !r.stale_hosts.is_empty() {
        table(
            &mut out,
            style,
            &["HOST", "GROUP", "STATE", "LAST SCAN", "WHY"],
            r.stale_hosts.iter().map(|h| {
                vec![
                    h.host.clone(),
                    fmt_opt(&h.group),
                    h.state.to_string(),
                    fmt_opt(&h.last_scan),
                    super::stale_why(h),
                ]
            }),
            r.stale_hosts.len(),
        )?;
    }
    Ok(String::from_utf8(out)?)
}
