//! Prometheus text exposition format (0.0.4) for node_exporter's textfile collector:
//! `# HELP` and `# TYPE` once per metric family, label values escaped (`\\`, `\"`, `\n`).

use std::fmt::Write;

use super::model::Report;

/// A label value: backslash, double quote and line feed escaped.
pub fn label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// HELP text: backslash and line feed escaped.
fn help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

fn family(o: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(o, "# HELP {name} {}", help(text));
    let _ = writeln!(o, "# TYPE {name} {kind}");
}

fn sample(o: &mut String, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
    o.push_str(name);
    if !labels.is_empty() {
        o.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            let _ = write!(o, "{k}=\"{}\"", label(v));
        }
        o.push('}');
    }
    let _ = writeln!(o, " {value}");
}

fn seconds(stamp: &str) -> Option<i64> {
    crate::clock::parse(stamp).map(|t| t.timestamp())
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let cycle = r.cycle.as_ref().map_or("", |c| c.name.as_str());

    family(
        &mut o,
        "patchcycle_report_generated_timestamp_seconds",
        "gauge",
        "When the report was generated (Unix time).",
    );
    sample(
        &mut o,
        "patchcycle_report_generated_timestamp_seconds",
        &[("cycle", cycle)],
        seconds(&r.generated_at).unwrap_or(0),
    );

    family(
        &mut o,
        "patchcycle_hosts",
        "gauge",
        "Hosts in the inventory, per group.",
    );
    for c in &r.compliance_by_group {
        sample(&mut o, "patchcycle_hosts", &[("group", &c.name)], c.hosts);
    }
    family(
        &mut o,
        "patchcycle_hosts_compliant",
        "gauge",
        "Hosts with a good scan and no open finding at or above the threshold or in CISA KEV, per group.",
    );
    for c in &r.compliance_by_group {
        sample(
            &mut o,
            "patchcycle_hosts_compliant",
            &[("group", &c.name), ("threshold", &r.threshold)],
            c.compliant,
        );
    }
    family(
        &mut o,
        "patchcycle_compliance_ratio",
        "gauge",
        "Share of compliant hosts (0 to 1), per group and per OS; NaN when no host is known.",
    );
    let ratio = |c: &super::model::Compliance| match c.compliance_pct {
        Some(_) => format!("{:.4}", c.compliant as f64 / c.hosts.max(1) as f64),
        None => "NaN".into(),
    };
    for c in &r.compliance_by_group {
        sample(
            &mut o,
            "patchcycle_compliance_ratio",
            &[("dimension", "group"), ("name", &c.name)],
            ratio(c),
        );
    }
    for c in &r.compliance_by_os {
        sample(
            &mut o,
            "patchcycle_compliance_ratio",
            &[("dimension", "os"), ("name", &c.name)],
            ratio(c),
        );
    }
    family(
        &mut o,
        "patchcycle_hosts_unknown",
        "gauge",
        "Hosts patchcycle cannot judge (never scanned, stale scan or catalogue), per group.",
    );
    for c in &r.compliance_by_group {
        sample(
            &mut o,
            "patchcycle_hosts_unknown",
            &[("group", &c.name)],
            c.unknown,
        );
    }

    let sev = &r.findings_by_severity;
    family(
        &mut o,
        "patchcycle_findings_open",
        "gauge",
        "Open findings (not covered by an exception), per severity.",
    );
    for (k, v) in [
        ("critical", sev.critical),
        ("high", sev.high),
        ("medium", sev.medium),
        ("low", sev.low),
    ] {
        sample(&mut o, "patchcycle_findings_open", &[("severity", k)], v);
    }
    for (name, text, value) in [
        (
            "patchcycle_findings_unrated",
            "Open findings no synced advisory rates (counted above at unrated_severity).",
            sev.unrated,
        ),
        (
            "patchcycle_findings_kev",
            "Open findings with a CISA KEV CVE.",
            s.kev_findings,
        ),
        (
            "patchcycle_findings_excepted",
            "Findings covered by an active exception.",
            s.excepted_findings,
        ),
        (
            "patchcycle_sla_breaches",
            "Open findings past their SLA or CISA KEV due date.",
            s.sla_breaches,
        ),
        (
            "patchcycle_reboots_pending",
            "Hosts that need a reboot (reboot-required, or a newer kernel installed).",
            s.pending_reboots,
        ),
        (
            "patchcycle_hosts_stale",
            "Hosts without a current scan or catalogue (never scanned, max_scan_age, max_feed_age).",
            s.stale_hosts,
        ),
        (
            "patchcycle_hosts_unreachable",
            "Hosts whose last scan attempt failed.",
            s.unreachable_hosts,
        ),
        (
            "patchcycle_exceptions_expiring",
            "Active exceptions expiring within the report's horizon.",
            s.exceptions_expiring,
        ),
    ] {
        family(&mut o, name, "gauge", text);
        sample(&mut o, name, &[], value);
    }

    family(
        &mut o,
        "patchcycle_mttr_days",
        "gauge",
        "Mean time to remediate (days from first seen to fixed seen), per cycle of the fix.",
    );
    for m in &r.mttr {
        sample(
            &mut o,
            "patchcycle_mttr_days",
            &[("cycle", m.cycle.as_deref().unwrap_or(""))],
            m.mean_days,
        );
    }
    family(
        &mut o,
        "patchcycle_fixed_findings",
        "gauge",
        "Findings seen fixed, per cycle of the fix.",
    );
    for m in &r.mttr {
        sample(
            &mut o,
            "patchcycle_fixed_findings",
            &[("cycle", m.cycle.as_deref().unwrap_or(""))],
            m.fixed,
        );
    }

    // Per host: open findings, reboot flag, last good scan.
    family(
        &mut o,
        "patchcycle_host_findings_open",
        "gauge",
        "Open findings of a host.",
    );
    // A host without a good scan has no sample: its count is unknown, and an absent
    // series is how Prometheus says so (`absent()`), where 0 would read as clean.
    for h in &r.hosts {
        let Some(open) = h.open_findings else {
            continue;
        };
        sample(
            &mut o,
            "patchcycle_host_findings_open",
            &[
                ("host", &h.name),
                ("group", h.group.as_deref().unwrap_or("")),
            ],
            open,
        );
    }
    family(
        &mut o,
        "patchcycle_host_reboot_pending",
        "gauge",
        "1 when the host needs a reboot.",
    );
    for h in &r.hosts {
        sample(
            &mut o,
            "patchcycle_host_reboot_pending",
            &[
                ("host", &h.name),
                ("group", h.group.as_deref().unwrap_or("")),
            ],
            u8::from(h.reboot_pending),
        );
    }
    family(
        &mut o,
        "patchcycle_host_last_scan_timestamp_seconds",
        "gauge",
        "The host's last good scan (Unix time); absent when never scanned.",
    );
    for h in &r.hosts {
        if let Some(t) = h.last_scan.as_deref().and_then(seconds) {
            sample(
                &mut o,
                "patchcycle_host_last_scan_timestamp_seconds",
                &[
                    ("host", &h.name),
                    ("group", h.group.as_deref().unwrap_or("")),
                ],
                t,
            );
        }
    }
    o
}
