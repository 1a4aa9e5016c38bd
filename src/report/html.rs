//! One self-contained HTML file: inline CSS, an inline SVG compliance chart, no script
//! and no external resource (a Content-Security-Policy forbids any load, so a stray
//! reference would show as a console error in the browser test).

use std::fmt::Write;

use super::junit::esc;
use super::model::{Compliance, Report};
use super::rows;
use super::{LIST_LIMIT, fmt_opt};

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em;color:#1d2125}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.meta{color:#5e6c84}table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\
th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f3f4f6}\
td.num{text-align:right;white-space:nowrap}td.word{white-space:nowrap}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}\
.card{border:1px solid #d0d7de;border-radius:6px;padding:.6em 1em;min-width:9em}\
.card b{display:block;font-size:1.5em}.bad{color:#b42318}.ok{color:#067647}\
svg text{font-size:12px;fill:#1d2125}svg.trend{display:block;margin:.5em 0}.more{color:#5e6c84;font-style:italic}";

fn table(o: &mut String, header: &[&str], rows: Vec<Vec<String>>, numeric: &[usize]) {
    let total = rows.len();
    table_n(o, header, rows, numeric, total);
}

/// A table of the first rows of a longer list (`total` rows in all).
fn table_n(
    o: &mut String,
    header: &[&str],
    rows: Vec<Vec<String>>,
    numeric: &[usize],
    total: usize,
) {
    if rows.is_empty() {
        o.push_str("<p>None.</p>\n");
        return;
    }
    o.push_str("<table>\n<thead><tr>");
    for h in header {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in rows.into_iter().take(LIST_LIMIT) {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if numeric.contains(&i) {
                let _ = write!(o, "<td class=\"num\">{}</td>", esc(c));
            } else if !c.contains(char::is_whitespace) {
                // One word (a host, package, version, time): kept whole on one line;
                // text with spaces (advisory lists, reasons) wraps between its words.
                let _ = write!(o, "<td class=\"word\">{}</td>", esc(c));
            } else {
                let _ = write!(o, "<td>{}</td>", esc(c));
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
    if total > LIST_LIMIT {
        let _ = writeln!(
            o,
            "<p class=\"more\">… and {} more (all of them in --format json).</p>",
            total - LIST_LIMIT
        );
    }
}

/// A horizontal bar chart of compliance percentages.
fn chart(o: &mut String, id: &str, title: &str, rows: &[Compliance]) {
    let rows = &rows[..rows.len().min(LIST_LIMIT)];
    let (label_w, bar_w, row_h) = (180.0, 420.0, 26.0);
    let height = 30.0 + row_h * rows.len().max(1) as f64;
    let _ = writeln!(
        o,
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        esc(title),
        label_w + bar_w + 120.0,
        label_w + bar_w + 120.0
    );
    let _ = writeln!(o, "<title>{}</title>", esc(title));
    if rows.is_empty() {
        let _ = writeln!(o, "<text x=\"0\" y=\"20\">No hosts.</text>");
    }
    for (i, c) in rows.iter().enumerate() {
        let y = 10.0 + row_h * i as f64;
        let pct = c.compliance_pct.unwrap_or(0.0);
        let w = bar_w * pct.clamp(0.0, 100.0) / 100.0;
        let color = if c.compliance_pct.is_none() {
            "#98a2b3"
        } else if pct >= 95.0 {
            "#12b76a"
        } else if pct >= 80.0 {
            "#f79009"
        } else {
            "#f04438"
        };
        let label: String = c.name.chars().take(26).collect();
        let _ = writeln!(
            o,
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" fill=\"#eef0f2\"/>\
<rect class=\"bar\" data-name=\"{}\" data-pct=\"{}\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"{color}\"/>\
<text x=\"{}\" y=\"{}\">{} ({}/{}, {} unknown)</text>",
            y + 13.0,
            esc(&label),
            esc(&c.name),
            c.compliance_pct
                .map_or_else(|| "unknown".into(), |p| format!("{p:.1}")),
            label_w + bar_w + 6.0,
            y + 13.0,
            super::pct_text(c.compliance_pct),
            c.compliant,
            c.hosts,
            c.unknown
        );
    }
    o.push_str("</svg>\n");
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let title = match &r.cycle {
        Some(c) => format!("Patch report: cycle {}", c.name),
        None => "Patch report".to_string(),
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{}\">\n\
<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&r.generator),
        esc(&title),
        esc(&title)
    );
    let meta = match &r.cycle {
        Some(c) => format!(
            "Cycle {} ({}, cutoff {}, {} patches). Generated {}.",
            c.name, c.state, c.cutoff, c.patches, r.generated_at
        ),
        None => format!("No cycle yet. Generated {}.", r.generated_at),
    };
    let _ = writeln!(o, "<p class=\"meta\">{}</p>", esc(&meta));
    let _ = writeln!(
        o,
        "<p class=\"meta\">Catalogue: {}.</p>",
        esc(&super::feeds_text(r))
    );
    let s = &r.summary;
    let cls = |bad: bool| if bad { "bad" } else { "ok" };
    o.push_str("<div class=\"cards\">\n");
    for (label, value, bad) in [
        (
            "compliance",
            super::pct_text(s.compliance_pct),
            s.compliant < s.hosts,
        ),
        ("unknown hosts", super::unknown_text(s), s.unknown > 0),
        (
            "open findings",
            s.open_findings.to_string(),
            s.open_findings > 0,
        ),
        (
            "in CISA KEV",
            s.kev_findings.to_string(),
            s.kev_findings > 0,
        ),
        (
            "SLA breaches",
            s.sla_breaches.to_string(),
            s.sla_breaches > 0,
        ),
        (
            "pending reboots",
            s.pending_reboots.to_string(),
            s.pending_reboots > 0,
        ),
        (
            "stale / unreachable",
            format!("{} / {}", s.stale_hosts, s.unreachable_hosts),
            s.stale_hosts + s.unreachable_hosts > 0,
        ),
        (
            "MTTR this cycle",
            s.mttr_days.map_or("-".into(), |d| format!("{d:.1} d")),
            false,
        ),
    ] {
        let _ = writeln!(
            o,
            "<div class=\"card\"><b class=\"{}\">{}</b>{}</div>",
            cls(bad),
            esc(&value),
            esc(label)
        );
    }
    o.push_str("</div>\n");
    let _ = writeln!(
        o,
        "<p>{} of {} hosts have no open finding at or above <b>{}</b> and none in CISA KEV ({} scanned).</p>",
        s.compliant,
        s.hosts,
        esc(&r.threshold),
        s.scanned
    );
    o.push_str("<h2>Compliance by group</h2>\n");
    chart(
        &mut o,
        "compliance-chart",
        "Compliance by group",
        &r.compliance_by_group,
    );
    o.push_str("<h2>Compliance by OS</h2>\n");
    chart(
        &mut o,
        "compliance-os-chart",
        "Compliance by OS",
        &r.compliance_by_os,
    );
    super::trend_svg::render(&mut o, &r.trend);
    let sev = &r.findings_by_severity;
    o.push_str("<h2>Findings by severity</h2>\n");
    table(
        &mut o,
        &[
            "Critical", "High", "Medium", "Low", "Unrated", "KEV", "Excepted",
        ],
        vec![vec![
            sev.critical.to_string(),
            sev.high.to_string(),
            sev.medium.to_string(),
            sev.low.to_string(),
            sev.unrated.to_string(),
            sev.kev.to_string(),
            s.excepted_findings.to_string(),
        ]],
        &[0, 1, 2, 3, 4, 5, 6],
    );
    o.push_str("<h2>SLA breaches</h2>\n");
    table_n(
        &mut o,
        &[
            "Host",
            "Package",
            "Severity",
            "KEV",
            "First seen",
            "Due",
            "Overdue (days)",
        ],
        r.findings
            .iter()
            .filter(|f| !f.excepted && f.sla_breached)
            .take(LIST_LIMIT)
            .map(|f| rows::breach(f, |d| d.to_string()))
            .collect(),
        &[6],
        r.summary.sla_breaches,
    );
    o.push_str("<h2>Open findings</h2>\n");
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
                let mut row = rows::open_finding(f);
                row.push(if f.advisories.is_empty() {
                    "(security update)".into()
                } else {
                    f.advisories.join(", ")
                });
                row
            })
            .collect(),
        &[],
        r.summary.open_findings,
    );
    o.push_str("<h2>Pending reboots</h2>\n");
    table(&mut o, &rows::REBOOTS, rows::reboots(r), &[]);
    if r.cycle.is_some() {
        let _ = writeln!(
            o,
            "<h2>Opened and closed in the cycle ({})</h2>",
            rows::changes_count(r)
        );
        table(&mut o, &rows::CHANGES, rows::changes(r), &[4]);
    }
    o.push_str("<h2>MTTR per cycle</h2>\n");
    table(&mut o, &rows::MTTR, rows::mttr(r), &[1, 2, 3, 4]);
    o.push_str("<h2>Approvals</h2>\n");
    table(&mut o, &rows::APPROVALS, rows::approvals(r), &[]);
    o.push_str("<h2>Deployments</h2>\n");
    table(
        &mut o,
        &rows::DEPLOYMENTS,
        rows::deployments(r),
        &rows::DEPLOYMENTS_NUMERIC,
    );
    let _ = writeln!(
        o,
        "<h2>Exceptions expiring within {} days</h2>",
        r.expiring_days
    );
    table(
        &mut o,
        &["Id", "Scope", "Expires", "Days left", "Reason"],
        r.exceptions_expiring
            .iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    super::exception_scope(e),
                    e.expires.clone(),
                    e.days_left.to_string(),
                    e.reason.clone(),
                ]
            })
            .collect(),
        &[0, 3],
    );
    o.push_str("<h2>Unknown, stale or unreachable hosts</h2>\n");
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
        &[],
    );
    o.push_str("</body>\n</html>\n");
    o
}
