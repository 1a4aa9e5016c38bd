//! The MSRC Security Update Guide (`sync msrc`): the API's updates index, then each
//! monthly CVRF 1.1 document it lists (XML, `.xml` or `.xml.zst` in a `--from`
//! directory). Each document is its own source (`msrc:2024-Jan`) imported in its own
//! transaction; a month whose CurrentReleaseDate in the index equals the one held is not
//! fetched. A document is read with a streaming XML parser and decompressed within
//! `[sync.max_mib] msrc`, so memory stays flat whatever its size.
//!
//! What is imported per CVE: an `advisories` row (severity the highest across products,
//! CVSS the highest base score with its vector, title as summary), `msrc_cves` (exploited,
//! publicly disclosed), one `msrc_remediations` row per (KB, product) of each Vendor Fix
//! with a KB number, and `msrc_supersedence` from its Supercedence list. Vendor fixes
//! without a KB number (CBL-Mariner / Azure Linux packages, Office Click-to-Run) are not
//! KB remediations: they are counted, not imported (Linux distributions are matched
//! through OSV).

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use anyhow::Result;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::store::{self, Advisory, AdvisoryKind, ImportStats};
use super::{Severity, severity_from_vectors, validate_text};
use crate::error::Failure;

/// Where the index lies in the `--from` / `--mirror` / `--export` layout.
pub const INDEX_LAYOUT: &str = "msrc/cvrf/index.json";
/// The directory of the documents in that layout: `<ID>.xml.zst` or `<ID>.xml`.
pub const DOCUMENT_DIR: &str = "msrc/cvrf";
/// The source that records the index itself (its documents are `msrc:<ID>`).
pub use super::store::MSRC_SOURCE as INDEX_SOURCE;
/// Longest text kept from one element (a title, a product name, a vector); a longer one
/// makes its record malformed. Notes (HTML, up to hundreds of KB) are never kept.
const MAX_FIELD: usize = 64 * 1024;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Whether any MSRC document is held: a plain `sync` then keeps MSRC current.
pub fn held_any(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM msrc_documents)", [], |r| {
            r.get(0)
        })?,
    )
}

/// Whether the inventory has a Windows host: a plain `sync` then fetches MSRC.
pub fn windows_hosts(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM hosts WHERE platform = 'windows')",
        [],
        |r| r.get(0),
    )?)
}

/// A monthly document's id, `YYYY-Mon` (`2024-Jan`); the API also has `2018-FEB` (the
/// month in capitals) and `2017-May-B` (a second release in a month: one letter or digit
/// after a dash). Nothing else: the id names a file in `--from` layouts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocId {
    text: String,
    /// (year, month 1..=12, suffix): documents sort by it, oldest first.
    key: (u16, u8, u8),
}

impl DocId {
    pub fn parse(s: &str) -> Option<DocId> {
        let mut parts = s.split('-');
        let (y, m, suffix) = (parts.next()?, parts.next()?, parts.next());
        if parts.next().is_some() || y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(m))? as u8 + 1;
        let suffix = match suffix.map(str::as_bytes) {
            None => 0,
            Some([c]) if c.is_ascii_alphanumeric() => *c,
            Some(_) => return None,
        };
        Some(DocId {
            text: s.to_string(),
            key: (year, month, suffix),
        })
    }

    /// What documents sort by: (year, month, suffix).
    pub fn key(&self) -> (u16, u8, u8) {
        self.key
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its source name: `msrc:2024-Jan`.
    pub fn source(&self) -> String {
        format!("{INDEX_SOURCE}:{}", self.text)
    }
}

/// One document the index lists.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexEntry {
    pub id: DocId,
    pub title: Option<String>,
    pub initial_release: Option<String>,
    /// RFC 3339, as normalised by [`normalize_time`]: what "unchanged" compares.
    pub current_release: String,
}

/// The index's documents, oldest first, and the counts of its entries (a malformed or
/// duplicate entry is skipped and counted).
pub fn parse_index(bytes: &[u8]) -> Result<(Vec<IndexEntry>, ImportStats)> {
    let doc: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| Failure::runtime("the MSRC index is not JSON").source(e))?;
    let Some(list) = doc.get("value").and_then(|v| v.as_array()) else {
        return Err(Failure::runtime(
            "the MSRC index has no \"value\" list (not the /updates answer of the CVRF API)",
        )
        .into());
    };
    let mut stats = ImportStats::default();
    let mut entries: Vec<IndexEntry> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str());
        let what = match s("ID") {
            Some(id) if id.len() <= 40 => format!("index entry {id:?}"),
            _ => format!("index entry {}", i + 1),
        };
        let Some(id) = s("ID").and_then(DocId::parse) else {
            stats.skip(&what, "its ID is not a document id like 2024-Jan");
            continue;
        };
        let Some(current) = s("CurrentReleaseDate").and_then(normalize_time) else {
            stats.skip(&what, "no valid CurrentReleaseDate");
            continue;
        };
        let title = s("DocumentTitle").map(str::to_string);
        if let Some(t) = &title
            && let Err(e) = validate_text("DocumentTitle", t, 512)
        {
            stats.skip(&what, e);
            continue;
        }
        if entries.iter().any(|e| e.id == id) {
            stats.skip(&what, "listed twice");
            continue;
        }
        entries.push(IndexEntry {
            id,
            title,
            initial_release: s("InitialReleaseDate").and_then(normalize_time),
            current_release: current,
        });
        stats.records += 1;
    }
    entries.sort_by_key(|e| e.id.key);
    Ok((entries, stats))
}

/// `2026-07-01T14:48:24`, `…Z`, `…​.123Z` or `2026-07-01` as RFC 3339 in UTC
/// (`2026-07-01T14:48:24Z`); the API's times carry no zone and are UTC.
pub fn normalize_time(s: &str) -> Option<String> {
    let s = s.trim();
    let bare = s.strip_suffix('Z').unwrap_or(s);
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(bare, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S")));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(crate::clock::stamp(t.with_timezone(&chrono::Utc)));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| format!("{d}T00:00:00Z"))
}

/// What became of the documents of one `sync msrc`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Documents the index lists.
    pub documents: u64,
    pub imported: u64,
    /// Not fetched (same CurrentReleaseDate as held) or fetched and byte-identical.
    pub unchanged: u64,
    /// Not in the `--from` directory or mirror (a plain `sync`: a warning).
    pub missing: u64,
    pub failed: u64,
    pub refused: u64,
    /// (CVE, KB, product) rows imported.
    pub remediations: u64,
    /// CBL-Mariner / Azure Linux vendor fixes (packages, no KB): not imported.
    pub linux_fixes: u64,
    /// Other vendor fixes without a KB number (Office Click-to-Run, release notes).
    pub fixes_without_kb: u64,
}

/// Counts of one document's import.
#[derive(Debug, Default)]
pub struct DocumentImport {
    pub stats: ImportStats,
    pub remediations: u64,
    pub linux_fixes: u64,
    pub fixes_without_kb: u64,
    /// The document's own title and initial release (the index's when it has none).
    pub title: Option<String>,
    pub initial_release: Option<String>,
}

/// The document's XML, decompressed when it is zstd (told by its magic bytes), and
/// reading at most `cap` bytes of XML: past it the read fails and `too_big` is set.
pub fn open_document(
    file: std::fs::File,
    cap: u64,
    too_big: Rc<Cell<bool>>,
) -> Result<(Box<dyn BufRead>, bool)> {
    let mut probe = BufReader::with_capacity(1 << 16, file);
    let zstd = probe.fill_buf()?.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let xml: Box<dyn Read> = if zstd {
        Box::new(
            ruzstd::decoding::StreamingDecoder::new(probe)
                .map_err(|e| Failure::runtime(format!("bad zstd data: {e}")))?,
        )
    } else {
        Box::new(probe)
    };
    let capped = Capped {
        inner: xml,
        left: cap,
        too_big,
    };
    Ok((Box::new(BufReader::with_capacity(1 << 16, capped)), zstd))
}

/// A reader that fails once more than `left` bytes came (a zstd bomb stops there).
struct Capped<R> {
    inner: R,
    left: u64,
    too_big: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            self.too_big.set(true);
            return Err(std::io::Error::other(
                "the decompressed document is over its size cap",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The element whose text is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    DocTitle,
    DocId,
    DocInitial,
    ProductName,
    VulnTitle,
    Cve,
    ThreatDescription,
    ProductId,
    Vector,
    RemediationDescription,
    Supercedence,
    RestartRequired,
    SubType,
    FixedBuild,
    RevisionDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ThreatType {
    Severity,
    ExploitStatus,
    Other,
}

#[derive(Debug)]
struct Threat {
    kind: ThreatType,
    description: String,
    products: Vec<String>,
}

#[derive(Debug, Default)]
struct Remediation {
    vendor_fix: bool,
    description: String,
    supercedence: String,
    products: Vec<String>,
    restart: Option<String>,
    subtype: Option<String>,
    fixed_build: Option<String>,
}

/// One `vuln:Vulnerability` as read.
#[derive(Debug, Default)]
struct Vuln {
    title: Option<String>,
    cve: String,
    /// The highest severity of each product (Threat Type="Severity").
    severity: HashMap<String, Severity>,
    /// A Severity threat without product: the CVE's own.
    severity_any: Option<Severity>,
    exploited: bool,
    publicly_disclosed: bool,
    vectors: BTreeSet<String>,
    remediations: Vec<Remediation>,
    dates: Vec<String>,
    /// A field was longer than [`MAX_FIELD`].
    overflow: bool,
}

/// Imports one CVRF document into `source` (its rows replaced whole) inside the caller's
/// transaction. The product tree is merged into `msrc_products`; with `newest` (no
/// newer document is held) its names replace those held.
pub fn import_document(
    conn: &Connection,
    source: &str,
    entry: &IndexEntry,
    input: impl BufRead,
    newest: bool,
) -> Result<DocumentImport> {
    store::clear_source(conn, source)?;
    let mut out = DocumentImport::default();
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut products: HashMap<String, String> = HashMap::new();
    let mut product_id: Option<String> = None;
    let mut in_tracking = false;
    let mut doc_id: Option<String> = None;
    let mut seen_root = false;
    let mut vuln: Option<Vuln> = None;
    let mut threat: Option<Threat> = None;
    let mut rem: Option<Remediation> = None;
    let mut in_revisions = false;
    let mut field: Option<Field> = None;
    let mut text = String::new();
    let mut overflow = false;
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            Failure::runtime(format!(
                "{source}: the document is not valid XML (at byte {})",
                reader.buffer_position()
            ))
            .source(e)
        })?;
        match ev {
            Event::Start(ref e) => {
                let name = e.local_name().into_inner();
                if !seen_root {
                    if name != "cvrfdoc" {
                        return Err(Failure::runtime(format!(
                            "{source}: not a CVRF document (its root element is not cvrfdoc)"
                        ))
                        .into());
                    }
                    seen_root = true;
                    continue;
                }
                field = match name {
                    "DocumentTracking" => {
                        in_tracking = true;
                        None
                    }
                    "DocumentTitle" if vuln.is_none() => Some(Field::DocTitle),
                    "ID" if in_tracking => Some(Field::DocId),
                    "InitialReleaseDate" if in_tracking => Some(Field::DocInitial),
                    "FullProductName" => {
                        product_id = attr(e, "ProductID");
                        Some(Field::ProductName)
                    }
                    "Vulnerability" => {
                        vuln = Some(Vuln::default());
                        None
                    }
                    "Title" if vuln.is_some() => Some(Field::VulnTitle),
                    "CVE" if vuln.is_some() => Some(Field::Cve),
                    "Threat" if vuln.is_some() => {
                        let kind = match attr(e, "Type").as_deref() {
                            Some("Severity") => ThreatType::Severity,
                            Some("Exploit Status") => ThreatType::ExploitStatus,
                            _ => ThreatType::Other,
                        };
                        threat = Some(Threat {
                            kind,
                            description: String::new(),
                            products: Vec::new(),
                        });
                        None
                    }
                    "Description"
                        if threat.as_ref().is_some_and(|t| t.kind != ThreatType::Other) =>
                    {
                        Some(Field::ThreatDescription)
                    }
                    "Description" if rem.as_ref().is_some_and(|r| r.vendor_fix) => {
                        Some(Field::RemediationDescription)
                    }
                    "ProductID"
                        if threat
                            .as_ref()
                            .is_some_and(|t| t.kind == ThreatType::Severity)
                            || rem.as_ref().is_some_and(|r| r.vendor_fix) =>
                    {
                        Some(Field::ProductId)
                    }
                    "Vector" if vuln.is_some() => Some(Field::Vector),
                    "Remediation" if vuln.is_some() => {
                        rem = Some(Remediation {
                            vendor_fix: attr(e, "Type").as_deref() == Some("Vendor Fix"),
                            ..Remediation::default()
                        });
                        None
                    }
                    _ if !rem.as_ref().is_some_and(|r| r.vendor_fix) => match name {
                        "RevisionHistory" if vuln.is_some() => {
                            in_revisions = true;
                            None
                        }
                        "Date" if in_revisions => Some(Field::RevisionDate),
                        _ => None,
                    },
                    "Supercedence" => Some(Field::Supercedence),
                    "RestartRequired" => Some(Field::RestartRequired),
                    "SubType" => Some(Field::SubType),
                    "FixedBuild" => Some(Field::FixedBuild),
                    _ => None,
                };
                text.clear();
                overflow = false;
            }
            Event::Text(ref t) if field.is_some() => {
                if text.len() + t.len() > MAX_FIELD {
                    overflow = true;
                } else {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(ref t) if field.is_some() => {
                if text.len() + t.len() > MAX_FIELD {
                    overflow = true;
                } else {
                    text.push_str(t.as_ref());
                }
            }
            Event::GeneralRef(ref r) if field.is_some() => match r.resolve_char_ref() {
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
                let name = e.local_name().into_inner();
                if let Some(f) = field.take() {
                    let value = std::mem::take(&mut text);
                    if overflow && let Some(v) = vuln.as_mut() {
                        v.overflow = true;
                    }
                    if !overflow {
                        take_field(
                            f,
                            value,
                            &mut out,
                            &mut doc_id,
                            &mut products,
                            &mut product_id,
                            vuln.as_mut(),
                            threat.as_mut(),
                            rem.as_mut(),
                        );
                    }
                }
                match name {
                    "DocumentTracking" => {
                        in_tracking = false;
                        let id = doc_id.as_deref().unwrap_or_default();
                        if id != entry.id.as_str() {
                            return Err(Failure::runtime(format!(
                                "{source}: the document calls itself {:?}, not {}",
                                id.chars().take(40).collect::<String>(),
                                entry.id.as_str()
                            ))
                            .into());
                        }
                    }
                    "ProductTree" => store_products(conn, &products, newest)?,
                    "Threat" => {
                        if let (Some(t), Some(v)) = (threat.take(), vuln.as_mut()) {
                            end_threat(t, v);
                        }
                    }
                    "Remediation" => {
                        if let (Some(r), Some(v)) = (rem.take(), vuln.as_mut())
                            && r.vendor_fix
                        {
                            v.remediations.push(r);
                        }
                    }
                    "RevisionHistory" => in_revisions = false,
                    "Vulnerability" => {
                        if let Some(v) = vuln.take() {
                            store_vuln(conn, source, entry, v, &products, &mut out)?;
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_root || doc_id.is_none() {
        return Err(Failure::runtime(format!(
            "{source}: not a CVRF document (no cvrfdoc with a DocumentTracking ID)"
        ))
        .into());
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn take_field(
    f: Field,
    value: String,
    out: &mut DocumentImport,
    doc_id: &mut Option<String>,
    products: &mut HashMap<String, String>,
    product_id: &mut Option<String>,
    vuln: Option<&mut Vuln>,
    threat: Option<&mut Threat>,
    rem: Option<&mut Remediation>,
) {
    let trimmed = value.trim();
    match f {
        Field::DocTitle => {
            out.title = validate_text("title", trimmed, 512)
                .ok()
                .map(|_| trimmed.to_string())
        }
        Field::DocId => *doc_id = Some(trimmed.to_string()),
        Field::DocInitial => out.initial_release = normalize_time(trimmed),
        Field::ProductName => {
            if let Some(id) = product_id.take()
                && valid_product_id(&id)
                && !trimmed.is_empty()
                && validate_text("product name", trimmed, 512).is_ok()
            {
                products.insert(id, trimmed.to_string());
            }
        }
        Field::VulnTitle => {
            if let Some(v) = vuln {
                v.title = Some(trimmed.to_string());
            }
        }
        Field::Cve => {
            if let Some(v) = vuln {
                v.cve = trimmed.to_string();
            }
        }
        Field::ThreatDescription => {
            if let Some(t) = threat {
                t.description = trimmed.to_string();
            }
        }
        Field::ProductId => {
            if let Some(t) = threat {
                t.products.push(trimmed.to_string());
            } else if let Some(r) = rem {
                r.products.push(trimmed.to_string());
            }
        }
        Field::Vector => {
            if let Some(v) = vuln
                && !trimmed.is_empty()
            {
                v.vectors.insert(trimmed.to_string());
            }
        }
        Field::RevisionDate => {
            if let Some(v) = vuln
                && let Some(d) = normalize_time(trimmed)
            {
                v.dates.push(d);
            }
        }
        Field::RemediationDescription
        | Field::Supercedence
        | Field::RestartRequired
        | Field::SubType
        | Field::FixedBuild => {
            if let Some(r) = rem {
                let v = trimmed.to_string();
                match f {
                    Field::RemediationDescription => r.description = v,
                    Field::Supercedence => {
                        if !r.supercedence.is_empty() {
                            r.supercedence.push(';');
                        }
                        r.supercedence.push_str(&v);
                    }
                    Field::RestartRequired => r.restart = Some(v),
                    Field::SubType => r.subtype = Some(v),
                    _ => r.fixed_build = Some(v),
                }
            }
        }
    }
}

fn end_threat(t: Threat, v: &mut Vuln) {
    match t.kind {
        ThreatType::Severity => {
            let Some(s) = Severity::from_word(&t.description) else {
                return;
            };
            if t.products.is_empty() {
                v.severity_any = v.severity_any.max(Some(s));
            }
            for p in t.products {
                let e = v.severity.entry(p).or_insert(s);
                *e = (*e).max(s);
            }
        }
        ThreatType::ExploitStatus => {
            // "Publicly Disclosed:No;Exploited:Yes;Latest Software Release:…"
            for part in t.description.split(';') {
                if let Some((k, val)) = part.split_once(':') {
                    let yes = val.trim().eq_ignore_ascii_case("yes");
                    match k.trim() {
                        k if k.eq_ignore_ascii_case("exploited") => v.exploited |= yes,
                        k if k.eq_ignore_ascii_case("publicly disclosed") => {
                            v.publicly_disclosed |= yes
                        }
                        _ => {}
                    }
                }
            }
        }
        ThreatType::Other => {}
    }
}

/// CVRF product ids: digits with dashes (`11923`, `10049-10050`); bounded.
fn valid_product_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A KB article number: digits only, 1 to 9 of them.
fn kb_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s
        .strip_prefix("KB")
        .or_else(|| s.strip_prefix("kb"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A Windows build `N.N.N.N` (10.0.20348.2227); anything else is not kept.
fn build(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.trim().split('.').collect();
    (parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| s.trim().to_string())
}

/// The KB numbers of a Supercedence list (`5087545`, `5034441; 5034439`,
/// `MS16-016, 3124280`); bulletin names and versions are dropped.
fn superseded_kbs(s: &str) -> Vec<i64> {
    let mut kbs: Vec<i64> = s
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .filter_map(kb_number)
        .collect();
    kbs.sort_unstable();
    kbs.dedup();
    kbs
}

/// An advisory id of the Security Update Guide: a CVE, or an `ADV` advisory (ADV990001,
/// the latest servicing stack updates).
fn valid_cve(id: &str) -> bool {
    super::is_cve(id)
        || (id.len() == 9 && id.starts_with("ADV") && id[3..].bytes().all(|b| b.is_ascii_digit()))
}

fn is_linux_fix(r: &Remediation, products: &HashMap<String, String>) -> bool {
    let linux = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("mariner") || s.contains("azure linux")
    };
    r.subtype.as_deref().is_some_and(linux)
        || linux(&r.description)
        || (!r.products.is_empty()
            && r.products
                .iter()
                .all(|p| products.get(p).is_some_and(|n| linux(n))))
}

fn store_products(
    conn: &Connection,
    products: &HashMap<String, String>,
    newest: bool,
) -> Result<()> {
    let sql = if newest {
        "INSERT INTO msrc_products (product_id, name) VALUES (?1, ?2) \
         ON CONFLICT(product_id) DO UPDATE SET name = excluded.name"
    } else {
        "INSERT INTO msrc_products (product_id, name) VALUES (?1, ?2) ON CONFLICT(product_id) DO NOTHING"
    };
    let mut st = conn.prepare_cached(sql)?;
    for (id, name) in products {
        st.execute(params![id, name])?;
    }
    Ok(())
}

/// Validates one vulnerability and stores it, or counts it as skipped.
fn store_vuln(
    conn: &Connection,
    source: &str,
    entry: &IndexEntry,
    v: Vuln,
    products: &HashMap<String, String>,
    out: &mut DocumentImport,
) -> Result<()> {
    let what = if v.cve.is_empty() {
        "a vulnerability without CVE".to_string()
    } else {
        v.cve.chars().take(60).collect()
    };
    if v.overflow {
        out.stats
            .skip(&what, format!("a field is longer than {MAX_FIELD} bytes"));
        return Ok(());
    }
    if !valid_cve(&v.cve) {
        out.stats.skip(&what, "not a CVE id");
        return Ok(());
    }
    if let Some(t) = &v.title
        && let Err(e) = validate_text("title", t, 4096)
    {
        out.stats.skip(&what, e);
        return Ok(());
    }
    // The KB remediations, one per (KB, product), validated before anything is stored.
    struct Row<'a> {
        kb: i64,
        product: &'a str,
        r: &'a Remediation,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut seen: BTreeSet<(i64, &str)> = BTreeSet::new();
    let (mut linux, mut without_kb) = (0u64, 0u64);
    for r in &v.remediations {
        let Some(kb) = kb_number(&r.description) else {
            if is_linux_fix(r, products) {
                linux += 1;
            } else {
                without_kb += 1;
            }
            continue;
        };
        if let Some(bad) = r.products.iter().find(|p| !valid_product_id(p)) {
            out.stats.skip(
                &what,
                format!(
                    "KB{kb}: product id {:?} is not a CVRF product id",
                    bad.chars().take(40).collect::<String>()
                ),
            );
            return Ok(());
        }
        if let Some(st) = &r.subtype
            && let Err(e) = validate_text("SubType", st, 128)
        {
            out.stats.skip(&what, format!("KB{kb}: {e}"));
            return Ok(());
        }
        for p in &r.products {
            if seen.insert((kb, p.as_str())) {
                rows.push(Row { kb, product: p, r });
            }
        }
    }
    let scored = {
        let vs: Vec<&str> = v.vectors.iter().map(String::as_str).collect();
        severity_from_vectors(&vs)
    };
    let severity = v
        .severity
        .values()
        .copied()
        .chain(v.severity_any)
        .max()
        .or(scored.as_ref().map(|s| s.severity));
    let advisory = Advisory {
        id: v.cve.clone(),
        kind: Some(AdvisoryKind::Security),
        published: v
            .dates
            .iter()
            .min()
            .cloned()
            .or_else(|| out.initial_release.clone())
            .or_else(|| entry.initial_release.clone()),
        modified: v
            .dates
            .iter()
            .max()
            .cloned()
            .or_else(|| Some(entry.current_release.clone())),
        summary: v.title.clone(),
        severity,
        cvss: scored.as_ref().map(|s| s.score),
        cvss_vector: scored.map(|s| s.vector),
        aliases: Vec::new(),
        affected: Vec::new(),
    };
    if !store::insert_advisory(conn, source, &advisory)? {
        out.stats.skip(&what, "listed twice in the document");
        return Ok(());
    }
    let id: i64 = conn
        .prepare_cached("SELECT id FROM advisories WHERE source = ?1 AND advisory_id = ?2")?
        .query_row(params![source, v.cve], |r| r.get(0))
        .optional()?
        .ok_or_else(|| anyhow::anyhow!("the advisory just inserted is not there"))?;
    conn.prepare_cached(
        "INSERT INTO msrc_cves (advisory, exploited, publicly_disclosed) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id, v.exploited, v.publicly_disclosed])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO msrc_remediations (advisory, product_id, kb, subtype, fixed_build, restart_required, severity) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for row in &rows {
        let restart = match row.r.restart.as_deref() {
            Some(x) if x.eq_ignore_ascii_case("yes") => Some(true),
            Some(x) if x.eq_ignore_ascii_case("no") => Some(false),
            _ => None,
        };
        insert.execute(params![
            id,
            row.product,
            row.kb,
            row.r.subtype,
            row.r.fixed_build.as_deref().and_then(build),
            restart,
            v.severity.get(row.product).copied().or(v.severity_any),
        ])?;
    }
    let mut sup = conn.prepare_cached(
        "INSERT INTO msrc_supersedence (advisory, kb, supersedes) VALUES (?1, ?2, ?3)",
    )?;
    let mut pairs: BTreeSet<(i64, i64)> = BTreeSet::new();
    for r in &v.remediations {
        if let Some(kb) = kb_number(&r.description) {
            for old in superseded_kbs(&r.supercedence) {
                if old != kb && pairs.insert((kb, old)) {
                    sup.execute(params![id, kb, old])?;
                }
            }
        }
    }
    out.stats.records += 1;
    out.remediations += rows.len() as u64;
    out.linux_fixes += linux;
    out.fixes_without_kb += without_kb;
    Ok(())
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ids_parse_and_sort() {
        assert_eq!(DocId::parse("2024-Jan").map(|d| d.key), Some((2024, 1, 0)));
        assert_eq!(DocId::parse("1999-Sep").map(|d| d.key), Some((1999, 9, 0)));
        assert_eq!(DocId::parse("2018-FEB").map(|d| d.key), Some((2018, 2, 0)));
        assert_eq!(
            DocId::parse("2017-May-B").map(|d| d.key),
            Some((2017, 5, b'B'))
        );
        for bad in [
            "24-Jan",
            "2024-January",
            "2024-Jan;id",
            "",
            "../x-Jan",
            "2024-Jan-BB",
            "2024-Jan-",
            "2024-Jan-B-C",
            "2024-Jan-.",
        ] {
            assert_eq!(DocId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn kb_numbers_builds_and_supersedence() {
        assert_eq!(kb_number("5034123"), Some(5034123));
        assert_eq!(kb_number("KB5034123"), Some(5034123));
        for bad in ["", "CBL-Mariner Releases", "1234567890", "12 34", "-1"] {
            assert_eq!(kb_number(bad), None, "{bad}");
        }
        assert_eq!(build("10.0.20348.2227"), Some("10.0.20348.2227".into()));
        for bad in [
            "10.0.20348",
            "https://aka.ms/x",
            "-",
            "1.2.3.4; 1.2.3.5",
            "1.2.3-4",
        ] {
            assert_eq!(build(bad), None, "{bad}");
        }
        assert_eq!(superseded_kbs("5087545"), vec![5087545]);
        assert_eq!(superseded_kbs("5034441; 5034439"), vec![5034439, 5034441]);
        assert_eq!(
            superseded_kbs("MS16-016, 3124280; MS16-014, 3126587"),
            vec![3124280, 3126587]
        );
        assert_eq!(superseded_kbs("5001<br><br>5002"), vec![5001, 5002]);
        assert_eq!(superseded_kbs("None"), Vec::<i64>::new());
        assert_eq!(superseded_kbs("1.23.4"), Vec::<i64>::new());
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(
            normalize_time("2026-07-01T14:48:24").as_deref(),
            Some("2026-07-01T14:48:24Z")
        );
        assert_eq!(
            normalize_time("2025-10-01T23:10:48Z").as_deref(),
            Some("2025-10-01T23:10:48Z")
        );
        assert_eq!(
            normalize_time("2025-10-01T23:10:48.123Z").as_deref(),
            Some("2025-10-01T23:10:48Z")
        );
        assert_eq!(normalize_time("yesterday"), None);
    }

    #[test]
    fn index_entries_are_validated() {
        let index = br#"{"value": [
            {"ID": "2024-Feb", "DocumentTitle": "February", "CurrentReleaseDate": "2024-02-13T08:00:00Z"},
            {"ID": "2024-Jan", "DocumentTitle": "January", "CurrentReleaseDate": "2024-01-09T08:00:00Z"},
            {"ID": "2024-Jan", "CurrentReleaseDate": "2024-01-09T08:00:00Z"},
            {"ID": "../../etc", "CurrentReleaseDate": "2024-01-09T08:00:00Z"},
            {"ID": "2024-Mar"}
        ]}"#;
        let (entries, stats) = parse_index(index).unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["2024-Jan", "2024-Feb"]);
        assert_eq!((stats.records, stats.skipped), (2, 3));
        assert!(parse_index(b"[1]").is_err());
    }
}
