//! SARIF 2.1.0: three rules (`vulnerable-package`, `reboot-pending`, `stale-scan`); one
//! result per finding (level by severity, KEV and SLA; suppressed when an exception covers
//! it), per pending reboot and per stale or unreachable host. Locations are logical
//! (`host/package`): there is no source file to point at.

use std::fmt;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::json::Layout;
use super::junit::write_finding_message;
use super::model::{FindingRow, RebootRow, Report, StaleRow};
use crate::catalog::Severity;
use crate::scan::query::Str;

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
    match f.severity {
        Some(Severity::Critical) => "9.5",
        Some(Severity::High) => "8.0",
        Some(Severity::Medium) => "5.5",
        Some(Severity::Low) => "2.0",
        Some(Severity::None) | None => "0.0",
    }
}

/// One result, serialised straight from borrowed report data (no intermediate
/// `serde_json::Value` per result: at 100,000 findings that tree alone took over 1 GB).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: u8,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprint<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Props<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Message<'a>,
}

/// A result's message: a finding's is written straight from the finding (escaped as
/// serde_json writes it), not formatted into a String first: there are 100,000.
enum Message<'a> {
    Finding(&'a FindingRow),
    Text(String),
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Text(t) => out.write_str(t),
            Message::Finding(f) => {
                write_finding_message(out, f)?;
                write!(out, " on {}", f.host)?;
                for (i, a) in f.advisories.iter().enumerate() {
                    out.write_str(if i == 0 { " [" } else { ", " })?;
                    out.write_str(a)?;
                }
                if !f.advisories.is_empty() {
                    out.write_str("]")?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Message<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `host/what`, written from its parts.
struct HostPath<'a>(&'a str, &'a str);

impl fmt::Display for HostPath<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        out.write_str(self.0)?;
        out.write_str("/")?;
        out.write_str(self.1)
    }
}

impl Serialize for HostPath<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    logical_locations: [Logical<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical<'a> {
    name: &'a str,
    fully_qualified_name: HostPath<'a>,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprint<'a> {
    #[serde(rename = "hostPackage/v1")]
    host_package: HostPath<'a>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Props<'a> {
    host: &'a str,
    group: &'a Option<Str>,
    package: &'a str,
    source_package: &'a str,
    installed: &'a str,
    fixed: &'a Option<Str>,
    candidate: &'a Option<Str>,
    severity: Option<Severity>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    kev: bool,
    epss: Option<f64>,
    advisories: &'a [Str],
    cves: &'a [Str],
    first_seen: &'a str,
    due: &'a Option<Str>,
    sla_breached: bool,
}

fn location<'a>(host: &'a str, what: &'a str, kind: &'static str) -> [Location<'a>; 1] {
    [Location {
        logical_locations: [Logical {
            name: what,
            fully_qualified_name: HostPath(host, what),
            kind,
        }],
    }]
}

fn finding_result(f: &FindingRow) -> SarifResult<'_> {
    SarifResult {
        rule_id: "vulnerable-package",
        rule_index: 0,
        level: level(f),
        message: Text {
            text: Message::Finding(f),
        },
        locations: location(&f.host, &f.package, "module"),
        partial_fingerprints: Fingerprint {
            host_package: HostPath(&f.host, &f.package),
        },
        suppressions: f.excepted.then(|| {
            [Suppression {
                kind: "external",
                status: "accepted",
                justification: format!(
                    "patchcycle exception {}",
                    f.excepted_by
                        .iter()
                        .map(|i| format!("#{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }]
        }),
        properties: Some(Props {
            host: &f.host,
            group: &f.group,
            package: &f.package,
            source_package: &f.source_name,
            installed: &f.installed,
            fixed: &f.fixed,
            candidate: &f.candidate,
            severity: f.severity,
            security_severity: security_severity(f),
            kev: f.kev,
            epss: f.epss,
            advisories: &f.advisories,
            cves: &f.cves,
            first_seen: &f.first_seen,
            due: &f.due,
            sla_breached: f.sla_breached,
        }),
    }
}

/// One SARIF result: of a finding, a pending reboot or a stale host.
enum Item<'a> {
    Finding(&'a FindingRow),
    Reboot(&'a RebootRow),
    Stale(&'a StaleRow),
}

impl Serialize for Item<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Item::Finding(f) => finding_result(f).serialize(s),
            Item::Reboot(b) => SarifResult {
                rule_id: "reboot-pending",
                rule_index: 1,
                level: "warning",
                message: Text {
                    text: Message::Text(format!(
                        "{} needs a reboot ({}); running kernel {}, installed {}",
                        b.host,
                        super::reboot_why(b),
                        b.kernel_running.as_deref().unwrap_or("-"),
                        b.kernel_latest.as_deref().unwrap_or("-")
                    )),
                },
                locations: location(&b.host, "kernel", "resource"),
                partial_fingerprints: Fingerprint {
                    host_package: HostPath(&b.host, "kernel"),
                },
                suppressions: None,
                properties: None,
            }
            .serialize(s),
            Item::Stale(h) => SarifResult {
                rule_id: "stale-scan",
                rule_index: 2,
                level: "warning",
                message: Text {
                    text: Message::Text(format!(
                        "{} is {} (last good scan: {})",
                        h.host,
                        h.state,
                        h.last_scan.as_deref().unwrap_or("never")
                    )),
                },
                locations: location(&h.host, "scan", "resource"),
                partial_fingerprints: Fingerprint {
                    host_package: HostPath(&h.host, "scan"),
                },
                suppressions: None,
                properties: None,
            }
            .serialize(s),
        }
    }
}

/// The results array's place in the document (see `json::write_spliced`).
struct Results<'a>(&'a [Item<'a>]);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::json::spliceable(self.0, s)
    }
}

pub fn render<W: Write>(r: &Report, out: &mut W) -> Result<()> {
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
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run<'a> {
        tool: Value,
        automation_details: Value,
        invocations: Value,
        results: Results<'a>,
        properties: Value,
    }
    #[derive(Serialize)]
    struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        version: &'static str,
        runs: [Run<'a>; 1],
    }
    let items: Vec<Item<'_>> = r
        .findings
        .iter()
        .map(Item::Finding)
        .chain(r.reboots.iter().map(Item::Reboot))
        .chain(r.stale_hosts.iter().map(Item::Stale))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "patchcycle",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }}),
            automation_details: json!({"id": format!("patchcycle/{}/",
                r.cycle.as_ref().map_or("no-cycle", |c| c.name.as_str()))}),
            invocations: json!([{"executionSuccessful": true, "endTimeUtc": r.generated_at}]),
            results: Results(&items),
            properties: json!({"summary": r.summary}),
        }],
    };
    super::json::write_spliced(&mut *out, &log, Layout::Compact, "results", &items)?;
    out.write_all(b"\n")?;
    Ok(())
}
