//! RPM errata: a repository's `repodata/repomd.xml` names its `updateinfo` file (xml,
//! gz, xz or zst); each `<update>` becomes an advisory with its CVE references and one
//! affected package per name, fixed in the listed epoch:version-release.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use anyhow::Result;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use rusqlite::Connection;

use super::store::{self, Advisory, AdvisoryKind, Affected, ImportStats};
use super::{Severity, is_cve, validate_id, validate_package_name, validate_text};
use crate::error::Failure;

/// The `href` of the updateinfo data in a repomd.xml.
pub fn updateinfo_href(repomd: &[u8]) -> Result<String> {
    let mut reader = Reader::from_reader(repomd);
    let mut buf = Vec::new();
    let mut in_updateinfo = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().into_inner() {
                "data" => in_updateinfo = attr(&e, "type").as_deref() == Some("updateinfo"),
                "location" if in_updateinfo => {
                    let href = attr(&e, "href").ok_or_else(|| {
                        Failure::runtime("repomd.xml: updateinfo <location> has no href")
                    })?;
                    if href.starts_with('/') || href.contains("..") || href.contains("://") {
                        return Err(Failure::runtime(format!(
                            "repomd.xml: updateinfo href {href:?} leaves the repository"
                        ))
                        .into());
                    }
                    return Ok(href);
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().into_inner() == "data" => in_updateinfo = false,
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(Failure::runtime("repomd.xml is not valid XML")
                    .source(e)
                    .into());
            }
            _ => {}
        }
        buf.clear();
    }
    Err(Failure::runtime("repomd.xml lists no updateinfo data")
        .hint("the repository publishes no errata; remove it from [[sync.errata]]")
        .into())
}

/// Opens a possibly compressed file, telling the format by its first bytes.
pub fn decompressed(file: &File) -> Result<Box<dyn BufRead>> {
    let mut probe = BufReader::new(file.try_clone()?);
    let head = probe.fill_buf()?.to_vec();
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(probe)))
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        // lzma-rs decompresses into a writer; updateinfo files are a few MB.
        let mut out = Vec::new();
        lzma_rs::xz_decompress(&mut probe, &mut out)
            .map_err(|e| Failure::runtime(format!("bad xz data: {e}")))?;
        Box::new(std::io::Cursor::new(out))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let dec = ruzstd::decoding::StreamingDecoder::new(probe)
            .map_err(|e| Failure::runtime(format!("bad zstd data: {e}")))?;
        Box::new(BufReader::new(dec))
    } else if head.starts_with(b"BZh") {
        return Err(Failure::runtime("bzip2-compressed updateinfo is not supported").into());
    } else {
        Box::new(probe)
    })
}

/// One `<update>` as read.
#[derive(Default)]
struct Update {
    kind: Option<String>,
    id: String,
    title: Option<String>,
    issued: Option<String>,
    updated: Option<String>,
    severity: Option<String>,
    cves: Vec<String>,
    /// name -> fixed EVR (the highest listed, over arches)
    packages: BTreeMap<String, String>,
}

/// Imports an updateinfo document as the whole content of `source`, for `ecosystem`.
pub fn import_updateinfo(
    conn: &Connection,
    source: &str,
    ecosystem: &str,
    input: impl BufRead,
) -> Result<ImportStats> {
    store::clear_source(conn, source)?;
    let mut stats = ImportStats::default();
    let mut reader = Reader::from_reader(input);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut cur: Option<Update> = None;
    let mut text_of: Option<&'static str> = None;
    let mut text = String::new();
    let mut seen_updates = false;
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            Failure::runtime(format!(
                "updateinfo is not valid XML (at byte {})",
                reader.buffer_position()
            ))
            .source(e)
        })?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().into_inner() {
                    "updates" => seen_updates = true,
                    "update" => {
                        cur = Some(Update {
                            kind: attr(e, "type"),
                            ..Update::default()
                        })
                    }
                    "id" if !empty => text_of = Some("id"),
                    "title" if !empty => text_of = Some("title"),
                    "severity" if !empty => text_of = Some("severity"),
                    "issued" | "updated" => {
                        if let Some(u) = cur.as_mut() {
                            let d = attr(e, "date").and_then(|d| normalize_date(&d));
                            if e.local_name().into_inner() == "issued" {
                                u.issued = d;
                            } else {
                                u.updated = d;
                            }
                        }
                    }
                    "reference" => {
                        if let Some(u) = cur.as_mut()
                            && attr(e, "type").as_deref() == Some("cve")
                            && let Some(id) = attr(e, "id").filter(|i| is_cve(i))
                            && !u.cves.contains(&id)
                        {
                            u.cves.push(id);
                        }
                    }
                    "package" => {
                        if let Some(u) = cur.as_mut() {
                            let get = |k: &str| attr(e, k);
                            if let (Some(name), Some(version), Some(release)) =
                                (get("name"), get("version"), get("release"))
                            {
                                let epoch = get("epoch").filter(|e| e != "0" && !e.is_empty());
                                let evr = match epoch {
                                    Some(ep) => format!("{ep}:{version}-{release}"),
                                    None => format!("{version}-{release}"),
                                };
                                u.packages.insert(name, evr);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if text_of.is_some() => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if text_of.is_some() => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text.push_str(match &*r.xml10_content() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::End(ref e) => {
                if let (Some(field), Some(u)) = (text_of.take(), cur.as_mut()) {
                    let value = std::mem::take(&mut text);
                    match field {
                        "id" => u.id = value,
                        "title" => u.title = Some(value),
                        _ => u.severity = Some(value),
                    }
                }
                text.clear();
                if e.local_name().into_inner() == "update"
                    && let Some(u) = cur.take()
                {
                    {
                        let what = if u.id.is_empty() {
                            "<update>".to_string()
                        } else {
                            u.id.clone()
                        };
                        match to_advisory(u, ecosystem) {
                            Ok(a) => {
                                if store::insert_advisory(conn, source, &a)? {
                                    stats.records += 1;
                                } else {
                                    stats.skip(&what, "duplicate id");
                                }
                            }
                            Err(e) => stats.skip(&what, e),
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_updates {
        return Err(Failure::runtime("updateinfo has no <updates> element").into());
    }
    Ok(stats)
}

fn to_advisory(u: Update, ecosystem: &str) -> Result<Advisory, String> {
    validate_id(&u.id)?;
    if let Some(t) = &u.title {
        validate_text("title", t, 4096)?;
    }
    let mut affected = Vec::new();
    for (name, evr) in u.packages {
        validate_package_name(&name, 256)?;
        validate_text("version", &evr, 256)?;
        affected.push(Affected {
            ecosystem: ecosystem.to_string(),
            package: name,
            ranges: serde_json::json!([{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": evr }] }]),
            versions: Vec::new(),
        });
    }
    // The errata `type` attribute, as stored; any other word is "other".
    let kind = u
        .kind
        .as_deref()
        .and_then(AdvisoryKind::parse)
        .unwrap_or(AdvisoryKind::Other);
    Ok(Advisory {
        id: u.id,
        kind: Some(kind),
        published: u.issued,
        modified: u.updated,
        summary: u.title,
        severity: u.severity.as_deref().and_then(Severity::from_word),
        cvss: None,
        cvss_vector: None,
        aliases: u.cves,
        affected,
    })
}

/// `2021-07-22 18:25:24`, `2021-07-22 18:25`, `2021-07-22` or epoch seconds, to RFC 3339.
fn normalize_date(d: &str) -> Option<String> {
    let d = d.trim();
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(d, fmt) {
            return Some(format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S")));
        }
    }
    if let Ok(t) = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        return Some(format!("{t}T00:00:00Z"));
    }
    d.parse::<i64>()
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(crate::clock::stamp)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Counts `<update>` elements (for tests that compare with what was imported).
pub fn count_updates(mut input: impl Read) -> Result<usize> {
    let mut text = Vec::new();
    input.read_to_end(&mut text)?;
    let mut reader = Reader::from_reader(text.as_slice());
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().into_inner() == "update" => n += 1,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            normalize_date("2021-07-22 18:25:24").as_deref(),
            Some("2021-07-22T18:25:24Z")
        );
        assert_eq!(
            normalize_date("2021-07-22").as_deref(),
            Some("2021-07-22T00:00:00Z")
        );
        assert_eq!(
            normalize_date("1514764800").as_deref(),
            Some("2018-01-01T00:00:00Z")
        );
        assert_eq!(normalize_date("soon"), None);
    }

    #[test]
    fn hostile_ids_and_package_names_are_refused() {
        let update = |id: &str, name: &str| Update {
            id: id.into(),
            packages: BTreeMap::from([(name.to_string(), "1.9.3-5.el9".to_string())]),
            ..Update::default()
        };
        assert!(to_advisory(update("RLSA-2022:1234", "lz4"), "Rocky Linux:9").is_ok());
        for (id, name) in [
            ("RLSA-$(reboot)", "lz4"),
            ("RLSA-2022:1234", "lz4;$(id)"),
            ("RLSA-2022:1234", "lz4 x"),
            ("RLSA-\u{1b}]0;PWNED\u{7}", "lz4"),
        ] {
            assert!(
                to_advisory(update(id, name), "Rocky Linux:9").is_err(),
                "{id} {name}"
            );
        }
    }

    #[test]
    fn repomd_href() {
        let x = br#"<repomd><data type="primary"><location href="repodata/p.xml.gz"/></data>
            <data type="updateinfo"><location href="repodata/abc-updateinfo.xml.zst"/></data></repomd>"#;
        assert_eq!(
            updateinfo_href(x).unwrap(),
            "repodata/abc-updateinfo.xml.zst"
        );
        let evil = br#"<repomd><data type="updateinfo"><location href="../../etc/passwd"/></data></repomd>"#;
        assert!(updateinfo_href(evil).is_err());
        assert!(updateinfo_href(b"<repomd/>").is_err());
    }
}
