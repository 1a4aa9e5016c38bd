//! OSV records (one JSON file per advisory inside `<Ecosystem>/all.zip`) into the catalogue.
//!
//! The archive is read entry by entry: one record is in memory at a time. A damaged
//! archive (no central directory, a bad CRC, a short entry) aborts the import, so the
//! caller's transaction rolls back and the catalogue held stays as it was. A single
//! record that is not valid OSV is skipped, counted and named in a warning.

use std::fs::File;
use std::io::{BufReader, Read};

use anyhow::Result;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::store::{self, Advisory, AdvisoryKind, Affected, ImportStats};
use super::{Severity, severity_from_vectors, validate_id, validate_package_name, validate_text};
use crate::error::Failure;

/// Largest single record read; larger entries are skipped as malformed.
const MAX_RECORD: u64 = 16 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    modified: Option<String>,
    published: Option<String>,
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    related: Option<Vec<String>>,
    #[serde(default)]
    upstream: Option<Vec<String>>,
    summary: Option<String>,
    #[serde(default)]
    severity: Option<Vec<SeverityEntry>>,
    #[serde(default)]
    affected: Option<Vec<AffectedEntry>>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct SeverityEntry {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Debug, Deserialize)]
struct AffectedEntry {
    package: Option<Package>,
    #[serde(default)]
    ranges: Option<Vec<Range>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<SeverityEntry>>,
    ecosystem_specific: Option<Value>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct Range {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<serde_json::Map<String, Value>>,
}

/// Imports an OSV zip as the whole content of `source`. Call inside the import
/// transaction; on error the caller rolls back.
pub fn import_zip(conn: &Connection, source: &str, file: &File) -> Result<ImportStats> {
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| Failure::runtime("the OSV archive is damaged or not a zip file").source(e))?;
    store::clear_source(conn, source)?;
    let mut stats = ImportStats::default();
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| {
            Failure::runtime(format!("the OSV archive is damaged at entry {i}")).source(e)
        })?;
        let name = entry
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("entry {i}"));
        if entry.is_dir() || !name.ends_with(".json") {
            continue;
        }
        if entry.size() > MAX_RECORD {
            stats.skip(
                &name,
                format!("{} bytes is over the {MAX_RECORD}-byte limit", entry.size()),
            );
            continue;
        }
        buf.clear();
        // A read error here is the archive's (CRC, truncation), not the record's.
        entry
            .by_ref()
            .take(MAX_RECORD + 1)
            .read_to_end(&mut buf)
            .map_err(|e| {
                // The entry name is the feed's: shown on a terminal, so made safe.
                Failure::runtime(format!(
                    "the OSV archive is damaged in {}",
                    crate::text::one_line(&name)
                ))
                .source(e)
            })?;
        let record: Record = match serde_json::from_slice(&buf) {
            Ok(r) => r,
            Err(e) => {
                stats.skip(&name, format!("not an OSV record: {e}"));
                continue;
            }
        };
        if record.withdrawn.is_some() {
            stats.withdrawn += 1;
            continue;
        }
        match to_advisory(record) {
            Ok(adv) => {
                if store::insert_advisory(conn, source, &adv)? {
                    stats.records += 1;
                } else {
                    stats.skip(&name, format!("duplicate id {}", adv.id));
                }
            }
            Err(e) => stats.skip(&name, e),
        }
    }
    Ok(stats)
}

fn to_advisory(r: Record) -> Result<Advisory, String> {
    validate_id(&r.id)?;
    if let Some(s) = &r.summary {
        validate_text("summary", s, 4096)?;
    }
    let mut aliases: Vec<String> = Vec::new();
    for a in r
        .aliases
        .iter()
        .flatten()
        .chain(r.upstream.iter().flatten())
        .chain(r.related.iter().flatten().filter(|a| a.starts_with("CVE-")))
    {
        validate_id(a)?;
        if !aliases.contains(a) && a != &r.id {
            aliases.push(a.clone());
        }
    }
    let mut vectors: Vec<&str> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for s in r.severity.iter().flatten() {
        collect_severity(s, &mut vectors, &mut words);
    }
    let mut affected = Vec::new();
    for a in r.affected.iter().flatten() {
        let Some(pkg) = &a.package else { continue };
        if pkg.ecosystem.is_empty() || pkg.name.is_empty() {
            return Err("affected package without ecosystem or name".into());
        }
        validate_text("ecosystem", &pkg.ecosystem, 128)?;
        validate_package_name(&pkg.name, 512)?;
        for s in a.severity.iter().flatten() {
            collect_severity(s, &mut vectors, &mut words);
        }
        for spec in [&a.ecosystem_specific, &a.database_specific] {
            if let Some(w) = spec
                .as_ref()
                .and_then(|v| v.get("urgency").or_else(|| v.get("severity")))
                .and_then(Value::as_str)
            {
                words.push(w);
            }
        }
        let mut ranges = Vec::new();
        for range in a.ranges.iter().flatten() {
            if !matches!(range.kind.as_str(), "ECOSYSTEM" | "SEMVER" | "GIT") {
                return Err(format!("unknown range type {:?}", range.kind));
            }
            let mut events = Vec::new();
            for ev in &range.events {
                let mut it = ev.iter();
                let (Some((k, v)), None) = (it.next(), it.next()) else {
                    return Err("a range event must have exactly one key".into());
                };
                if !matches!(
                    k.as_str(),
                    "introduced" | "fixed" | "last_affected" | "limit"
                ) {
                    return Err(format!("unknown range event {k:?}"));
                }
                let v = v.as_str().ok_or("range event value is not a string")?;
                validate_text("version", v, 256)?;
                events.push(serde_json::json!({ k: v }));
            }
            ranges.push(serde_json::json!({ "type": range.kind, "events": events }));
        }
        let versions: Vec<String> = a.versions.clone().unwrap_or_default();
        for v in &versions {
            validate_text("version", v, 256)?;
        }
        affected.push(Affected {
            ecosystem: pkg.ecosystem.clone(),
            package: pkg.name.clone(),
            ranges: Value::Array(ranges),
            versions,
        });
    }
    if let Some(w) = r
        .database_specific
        .as_ref()
        .and_then(|v| v.get("severity"))
        .and_then(Value::as_str)
    {
        words.push(w);
    }
    // Red Hat family advisories carry the impact in the summary: "Important: kernel …".
    if let Some((word, _)) = r.summary.as_deref().and_then(|s| s.split_once(':'))
        && Severity::from_word(word).is_some()
    {
        words.push(word);
    }
    let scored = severity_from_vectors(&vectors);
    let severity = scored
        .as_ref()
        .map(|s| s.severity)
        .or_else(|| words.iter().filter_map(|w| Severity::from_word(w)).max());
    Ok(Advisory {
        id: r.id.clone(),
        kind: Some(kind_from_id(&r.id)),
        published: r.published,
        modified: r.modified,
        summary: r.summary,
        severity,
        cvss: scored.as_ref().map(|s| s.score),
        cvss_vector: scored.map(|s| s.vector),
        aliases,
        affected,
    })
}

fn collect_severity<'a>(
    s: &'a SeverityEntry,
    vectors: &mut Vec<&'a str>,
    words: &mut Vec<&'a str>,
) {
    match s.kind.as_str() {
        "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => vectors.push(&s.score),
        // Ubuntu's priority, and other ecosystems' words.
        _ => words.push(&s.score),
    }
}

/// Red Hat family ids say what an advisory is: RHSA/ALSA/RLSA security, *BA bug fix,
/// *EA enhancement. Everything else in OSV is a vulnerability.
pub fn kind_from_id(id: &str) -> AdvisoryKind {
    let prefix = id.split(['-', ':']).next().unwrap_or("");
    if prefix.len() >= 3 && prefix.ends_with("BA") {
        AdvisoryKind::Bugfix
    } else if prefix.len() >= 3 && prefix.ends_with("EA") {
        AdvisoryKind::Enhancement
    } else {
        AdvisoryKind::Security
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_from_id("ALSA-2023:2523"), AdvisoryKind::Security);
        assert_eq!(kind_from_id("ALBA-2019:0973"), AdvisoryKind::Bugfix);
        assert_eq!(kind_from_id("ALEA-2020:1"), AdvisoryKind::Enhancement);
        assert_eq!(kind_from_id("DSA-3029-1"), AdvisoryKind::Security);
        assert_eq!(kind_from_id("RUSTSEC-2016-0006"), AdvisoryKind::Security);
    }

    #[test]
    fn alma_summary_gives_severity() {
        let r: Record = serde_json::from_str(
            r#"{"id":"ALSA-2023:2523","summary":"Low: openssl update","related":["CVE-2022-3358"],
               "affected":[{"package":{"ecosystem":"AlmaLinux:9","name":"openssl"},
               "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:3.0.7-6.el9_2"}]}]}]}"#,
        )
        .unwrap();
        let a = to_advisory(r).unwrap();
        assert_eq!(a.severity, Some(Severity::Low));
        assert_eq!(a.aliases, ["CVE-2022-3358"]);
        assert_eq!(a.affected[0].package, "openssl");
    }

    #[test]
    fn hostile_records_are_refused() {
        for bad in [
            r#"{"id":"X\u0000","affected":[]}"#,
            r#"{"id":"A-1","affected":[{"package":{"ecosystem":"Debian:12","name":"p"},"ranges":[{"type":"WAT","events":[]}]}]}"#,
            r#"{"id":"A-1","affected":[{"package":{"ecosystem":"Debian:12","name":"p"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
            r#"{"id":"A-1","affected":[{"package":{"ecosystem":"Debian:12","name":"p"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":1}]}]}]}"#,
        ] {
            let r: Record = serde_json::from_str(bad).unwrap();
            assert!(to_advisory(r).is_err(), "{bad}");
        }
    }
}
