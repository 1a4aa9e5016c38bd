//! SARIF 2.1.0: three rules (`vulnerable-package`, `reboot-pending`, `stale-scan`); one
//! result per finding (level by severity, KEV and SLA; suppressed when an exception covers
//! it), per pending reboot and per stale or unreachable host. Locations are logical
//! (`host/package`): there is no source file to point at.

use anyhow::Result;
use serde_json::{Value, json};

use super::junit::finding_message;
use super::model::{FindingRow, Report};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(f: &FindingRow) -> &'static str {
    if f.kev || f.sla_breached || f.severity_rank() >= 3 {
        "error"
    } else if f.severity_rank() == 2 {
        "warning"
    } else {
        "note"
    }
}

/// GitHub's `security-severity`: a CVSS-like number for the severity word.
fn security_severity(f: &FindingRow) -> &'static str {
    match f.severity.as_deref() {
        Some("critical") => "9.5",
        Some("high") => "8.0",
        Some("medium") => "5.5",
        Some("low") => "2.0",
        _ => "0.0",
    }
}

fn logical(host: &str, what: &str, kind: &str) -> Value {
    json!([{
        "logicalLocations": [{
            "name": what,
            "fullyQualifiedName": format!("{host}/{what}"),
            "kind": kind
        }]
    }])
}

pub fn render(r: &Report) -> Result<String> {
    let rules = json!([
        {
            "id": "vulnerable-package",
            "name": "VulnerablePackage",
            "shortDescription": {"text": "An installed package has an open security advisory or a pending security update"},
            "fullDescription": {"text": "The package's installed version is below the version that fixes the advisories named, or the host's package manager offers a security update for it."},
            "help": {"text": "Install the fixed version in the next patch cycle (patchcycle approve / deploy), or record a time-limited exception."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["security", "patch-management"]}
        },
        {
            "id": "reboot-pending",
            "name": "RebootPending",
            "shortDescription": {"text": "The host needs a reboot to run its patched software"},
            "help": {"text": "Reboot the host in its maintenance window."},
            "defaultConfiguration": {"level": "warning"}
        },
        {
            "id": "stale-scan",
            "name": "StaleScan",
            "shortDescription": {"text": "The host has no recent good scan"},
            "help": {"text": "Check that the host is reachable and scan it (patchcycle scan HOST)."},
            "defaultConfiguration": {"level": "warning"}
        }
    ]);
    let mut results: Vec<Value> = Vec::with_capacity(r.findings.len());
    for f in &r.findings {
        let mut res = json!({
            "ruleId": "vulnerable-package",
            "ruleIndex": 0,
            "level": level(f),
            "message": {"text": format!("{} on {}{}", finding_message(f), f.host,
                if f.advisories.is_empty() { String::new() } else { format!(" [{}]", f.advisories.join(", ")) })},
            "locations": logical(&f.host, &f.package, "module"),
            "partialFingerprints": {"hostPackage/v1": format!("{}/{}", f.host, f.package)},
            "properties": {
                "host": f.host,
                "group": f.group,
                "package": f.package,
                "sourcePackage": f.source_name,
                "installed": f.installed,
                "fixed": f.fixed,
                "candidate": f.candidate,
                "severity": f.severity,
                "security-severity": security_severity(f),
                "kev": f.kev,
                "epss": f.epss,
                "advisories": f.advisories,
                "cves": f.cves,
                "firstSeen": f.first_seen,
                "due": f.due,
                "slaBreached": f.sla_breached
            }
        });
        if f.excepted {
            res["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("patchcycle exception {}",
                    f.excepted_by.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", "))
            }]);
        }
        results.push(res);
    }
    for b in &r.reboots {
        results.push(json!({
            "ruleId": "reboot-pending",
            "ruleIndex": 1,
            "level": "warning",
            "message": {"text": format!("{} needs a reboot ({}); running kernel {}, installed {}",
                b.host, super::reboot_why(b),
                b.kernel_running.as_deref().unwrap_or("-"), b.kernel_latest.as_deref().unwrap_or("-"))},
            "locations": logical(&b.host, "kernel", "resource"),
            "partialFingerprints": {"hostPackage/v1": format!("{}/kernel", b.host)}
        }));
    }
    for s in &r.stale_hosts {
        results.push(json!({
            "ruleId": "stale-scan",
            "ruleIndex": 2,
            "level": "warning",
            "message": {"text": format!("{} is {} (last good scan: {})", s.host, s.state,
                s.last_scan.as_deref().unwrap_or("never"))},
            "locations": logical(&s.host, "scan", "resource"),
            "partialFingerprints": {"hostPackage/v1": format!("{}/scan", s.host)}
        }));
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "patchcycle",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "automationDetails": {"id": format!("patchcycle/{}/", r.cycle.as_ref().map_or("no-cycle", |c| c.name.as_str()))},
            "invocations": [{"executionSuccessful": true, "endTimeUtc": r.generated_at}],
            "results": results,
            "properties": {"summary": r.summary}
        }]
    });
    let mut s = serde_json::to_string_pretty(&log)?;
    s.push('\n');
    Ok(s)
}
