//! JUnit XML as GitLab and Jenkins read it: one `<testsuite>` per host; in it a `scan`
//! case (fails when the host is stale or unreachable), a `reboot` case (fails when a
//! reboot is pending) and one case per finding (fails; skipped when an exception
//! covers it). Hosts with nothing open get a passing `findings` case.

use std::fmt::Write;

use anyhow::Result;

use super::model::{FindingRow, Report};

/// Escapes text for XML attributes and content; drops characters XML 1.0 forbids.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The one-line failure message of a finding.
pub fn finding_message(f: &FindingRow) -> String {
    let mut m = format!("{} {}", f.package, f.installed);
    match (&f.fixed, &f.candidate) {
        (Some(x), _) => m.push_str(&format!(" < {x} (fixed)")),
        (None, Some(c)) => m.push_str(&format!(", security update {c} pending")),
        _ => {}
    }
    m.push_str(&format!(": {}", f.severity.as_deref().unwrap_or("unrated")));
    if f.kev {
        m.push_str(", CISA KEV");
    }
    if f.sla_breached {
        m.push_str(&format!(
            ", SLA breached ({} days overdue)",
            f.days_overdue.unwrap_or(0)
        ));
    }
    m
}

fn finding_details(f: &FindingRow) -> String {
    let mut d = String::new();
    let _ = writeln!(d, "host: {}", f.host);
    let _ = writeln!(d, "package: {} (source {})", f.package, f.source_name);
    let _ = writeln!(d, "installed: {}", f.installed);
    let _ = writeln!(d, "fixed: {}", f.fixed.as_deref().unwrap_or("-"));
    let _ = writeln!(d, "candidate: {}", f.candidate.as_deref().unwrap_or("-"));
    let _ = writeln!(d, "advisories: {}", f.advisories.join(", "));
    let _ = writeln!(d, "cves: {}", f.cves.join(", "));
    let _ = writeln!(
        d,
        "epss: {}",
        f.epss.map_or("-".into(), |e| format!("{e:.5}"))
    );
    let _ = writeln!(d, "first seen: {} ({} days)", f.first_seen, f.age_days);
    let _ = writeln!(d, "due: {}", f.due.as_deref().unwrap_or("-"));
    d
}

pub fn render(r: &Report) -> Result<String> {
    // Findings are sorted by host: walk them beside the hosts.
    let mut by_host: std::collections::HashMap<&str, Vec<&FindingRow>> =
        std::collections::HashMap::new();
    for f in &r.findings {
        by_host.entry(f.host.as_str()).or_default().push(f);
    }
    let mut body = String::new();
    let (mut all_tests, mut all_failures, mut all_skipped) = (0, 0, 0);
    for h in &r.hosts {
        let findings = by_host
            .get(h.name.as_str())
            .map_or(&[][..], |v| v.as_slice());
        let mut cases = String::new();
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        let class = format!(
            "patchcycle.{}.{}",
            h.group.as_deref().unwrap_or("ungrouped"),
            h.name
        );
        let mut case = |name: &str,
                        outcome: Option<(&str, String, String)>,
                        skip: Option<String>| {
            tests += 1;
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
                esc(name),
                esc(&class)
            );
            if let Some(reason) = skip {
                skipped += 1;
                let _ = write!(
                    cases,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    esc(&reason)
                );
            } else if let Some((kind, msg, text)) = outcome {
                failures += 1;
                let _ = write!(
                    cases,
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    esc(kind),
                    esc(&msg),
                    esc(&text)
                );
            } else {
                cases.push_str("/>\n");
            }
        };
        let scan_fail = if h.unreachable {
            Some((
                "unreachable",
                "the last scan attempt failed".to_string(),
                format!(
                    "last good scan: {}",
                    h.last_scan.as_deref().unwrap_or("never")
                ),
            ))
        } else if h.stale {
            Some((
                "stale",
                format!("no good scan within {} days", r.stale_days),
                format!(
                    "last good scan: {}",
                    h.last_scan.as_deref().unwrap_or("never")
                ),
            ))
        } else {
            None
        };
        case("scan", scan_fail, None);
        let reboot_fail = h.reboot_pending.then(|| {
            (
                "reboot",
                "reboot pending".to_string(),
                format!(
                    "running kernel: {}\ninstalled kernel: {}",
                    h.kernel_running.as_deref().unwrap_or("-"),
                    h.kernel_latest.as_deref().unwrap_or("-")
                ),
            )
        });
        case("reboot", reboot_fail, None);
        if findings.iter().all(|f| f.excepted) {
            case("findings", None, None);
        }
        for f in findings {
            let name = format!("{} {}", f.package, f.installed);
            if f.excepted {
                let ids: Vec<String> = f.excepted_by.iter().map(|i| format!("#{i}")).collect();
                case(
                    &name,
                    None,
                    Some(format!("accepted risk: exception {}", ids.join(", "))),
                );
            } else {
                case(
                    &name,
                    Some((
                        f.severity.as_deref().unwrap_or("unrated"),
                        finding_message(f),
                        finding_details(f),
                    )),
                    None,
                );
            }
        }
        all_tests += tests;
        all_failures += failures;
        all_skipped += skipped;
        let _ = write!(
            body,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\" hostname=\"{}\">\n{cases}  </testsuite>\n",
            esc(&h.name),
            esc(h
                .last_scan
                .as_deref()
                .unwrap_or(&r.generated_at)
                .trim_end_matches('Z')),
            esc(&h.name),
        );
    }
    let title = match &r.cycle {
        Some(c) => format!("patchcycle report {}", c.name),
        None => "patchcycle report".into(),
    };
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"0\" skipped=\"{all_skipped}\" time=\"0\">\n{body}</testsuites>\n",
        esc(&title)
    ))
}
