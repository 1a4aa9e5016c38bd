//! Markdown (GitHub/GitLab flavoured) for change tickets. Long lists show their first
//! [`super::LIST_LIMIT`] rows.

use std::fmt::Write;

use super::model::Report;
use super::rows;
use super::{LIST_LIMIT, fmt_opt};

/// A table cell: one line without escape sequences ([`crate::text::one_line`]), then
/// pipes, backslashes and markup characters escaped.
pub fn cell(s: &str) -> String {
    let s = crate::text::one_line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>) {
    let total = rows.len();
    table_n(out, header, rows, total);
}

/// A table of the first rows of a longer list (`total` rows in all).
fn table_n(out: &mut String, header: &[&str], rows: Vec<Vec<String>>, total: usize) {
    if rows.is_empty() {
        out.push_str("None.\n");
        return;
    }
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header.iter().map(|_| "---|").collect::<String>()
    );
    for r in rows.into_iter().take(LIST_LIMIT) {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if total > LIST_LIMIT {
        let _ = writeln!(
            out,
            "\n… and {} more (all of them in `--format json`).",
            total - LIST_LIMIT
        );
    }
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    match &r.cycle {
        Some(c) => {
            let _ = writeln!(o, "# Patch report: cycle {}\n", cell(&c.name));
            let _ = writeln!(
                o,
                "Cycle {} is **{}**, cutoff {}, {} patches frozen. Generated {} by {}.\n",
                cell(&c.name),
                cell(&c.state),
                c.cutoff,
                c.patches,
                r.generated_at,
                r.generator
            );
        }
        None => {
            let _ = writeln!(o, "# Patch report\n");
            let _ = writeln!(
                o,
                "No cycle yet. Generated {} by {}.\n",
                r.generated_at, r.generator
            );
        }
    }
    let s = &r.summary;
    let sev = &r.findings_by_severity;
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- **Compliance: {}** ({} of {} hosts have no open finding at or above {} and none in CISA KEV; {} scanned)",
        super::pct_text(s.compliance_pct),
        s.compliant,
        s.hosts,
        r.threshold,
        s.scanned
    );
    let _ = writeln!(o, "- Unknown hosts: {}", super::unknown_text(s));
    let _ = writeln!(o, "- Catalogue: {}", super::feeds_text(r));
    let _ = writeln!(
        o,
        "- Open findings: {} (critical {}, high {}, medium {}, low {}; {} of them unrated); {} excepted",
        s.open_findings,
        sev.critical,
        sev.high,
        sev.medium,
        sev.low,
        sev.unrated,
        s.excepted_findings
    );
    let _ = writeln!(o, "- In CISA KEV: {}", s.kev_findings);
    let _ = writeln!(
        o,
        "- EPSS: ≥0.5: {}, ≥0.1: {}, ≥0.01: {}, lower: {}, no score: {}",
        r.epss.at_least_0_5,
        r.epss.at_least_0_1,
        r.epss.at_least_0_01,
        r.epss.below_0_01,
        r.epss.no_score
    );
    let _ = writeln!(o, "- SLA breaches: {}", s.sla_breaches);
    let _ = writeln!(o, "- Pending reboots: {}", s.pending_reboots);
    let _ = writeln!(
        o,
        "- Stale hosts (no current scan or catalogue): {}; unreachable: {}",
        s.stale_hosts, s.unreachable_hosts
    );
    let _ = writeln!(
        o,
        "- Exceptions expiring within {} days: {}",
        r.expiring_days, s.exceptions_expiring
    );
    let _ = writeln!(
        o,
        "- MTTR this cycle: {}\n",
        s.mttr_days.map_or("-".into(), |d| format!("{d:.1} days"))
    );

    for (title, rows) in [
        ("Compliance by group", &r.compliance_by_group),
        ("Compliance by OS", &r.compliance_by_os),
    ] {
        let _ = writeln!(o, "## {title}\n");
        table(
            &mut o,
            &["Name", "Hosts", "Scanned", "Compliant", "Unknown", "%"],
            rows.iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.hosts.to_string(),
                        c.scanned.to_string(),
                        c.compliant.to_string(),
                        c.unknown.to_string(),
                        super::pct_cell(c.compliance_pct),
                    ]
                })
                .collect(),
        );
        o.push('\n');
    }

    let _ = writeln!(o, "## SLA breaches\n");
    table_n(
        &mut o,
        &[
            "Host",
            "Package",
            "Severity",
            "KEV",
            "First seen",
            "Due",
            "Overdue",
        ],
        r.findings
            .iter()
            .filter(|f| !f.excepted && f.sla_breached)
            .take(LIST_LIMIT)
            .map(|f| rows::breach(f, |d| format!("{d} days")))
            .collect(),
        r.summary.sla_breaches,
    );
    let _ = writeln!(o, "\n## Open findings\n");
    table_n(
        &mut o,
        &[
            "Host",
            "Package",
            "Installed",
            "Fixed",
            "Severity",
            "KEV",
            "EPSS",
            "Advisories",
        ],
        r.findings
            .iter()
            .filter(|f| !f.excepted)
            .take(LIST_LIMIT)
            .map(|f| {
                let n = f.advisories.len();
                let mut row = rows::open_finding(f);
                row.push(match n {
                    0 => "(security update)".into(),
                    1..=3 => f.advisories.join(", "),
                    _ => format!("{}, … ({n})", f.advisories[..3].join(", ")),
                });
                row
            })
            .collect(),
        r.summary.open_findings,
    );
    let _ = writeln!(o, "\n## Pending reboots\n");
    table(&mut o, &rows::REBOOTS, rows::reboots(r));
    if r.cycle.is_some() {
        let _ = writeln!(
            o,
            "\n## Opened and closed in the cycle ({})\n",
            rows::changes_count(r)
        );
        table(&mut o, &rows::CHANGES, rows::changes(r));
    }
    let _ = writeln!(o, "\n## MTTR per cycle\n");
    table(&mut o, &rows::MTTR, rows::mttr(r));
    let _ = writeln!(o, "\n## Approvals\n");
    table(&mut o, &rows::APPROVALS, rows::approvals(r));
    let _ = writeln!(o, "\n## Deployments\n");
    table(&mut o, &rows::DEPLOYMENTS, rows::deployments(r));
    let _ = writeln!(
        o,
        "\n## Exceptions expiring within {} days\n",
        r.expiring_days
    );
    table(
        &mut o,
        &["Id", "Scope", "Expires", "Days left", "Reason", "By"],
        r.exceptions_expiring
            .iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    super::exception_scope(e),
                    e.expires.clone(),
                    e.days_left.to_string(),
                    e.reason.clone(),
                    e.actor.clone(),
                ]
            })
            .collect(),
    );
    let _ = writeln!(o, "\n## Unknown, stale or unreachable hosts\n");
    table(
        &mut o,
        &["Host", "Group", "State", "Last good scan", "Why"],
        r.stale_hosts
            .iter()
            .map(|h| {
                vec![
                    h.host.clone(),
                    fmt_opt(&h.group),
                    h.state.to_string(),
                    fmt_opt(&h.last_scan),
                    super::stale_why(h),
                ]
            })
            .collect(),
    );
    o
}
