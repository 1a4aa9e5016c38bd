//! CISA Known Exploited Vulnerabilities: a JSON catalogue of CVEs exploited in the wild,
//! with the date added and CISA's due date for federal agencies.

use std::fs::File;
use std::io::{BufReader, Read};

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Deserialize;

use super::store::ImportStats;
use super::{is_cve, validate_text};
use crate::error::Failure;

/// The feed is ~1.5 MB; refuse anything absurdly larger.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Deserialize)]
struct Catalog {
    #[serde(rename = "catalogVersion")]
    catalog_version: Option<String>,
    count: Option<u64>,
    vulnerabilities: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "cveID")]
    cve: String,
    #[serde(rename = "vendorProject")]
    vendor: Option<String>,
    product: Option<String>,
    #[serde(rename = "vulnerabilityName")]
    name: Option<String>,
    #[serde(rename = "dateAdded")]
    date_added: Option<String>,
    #[serde(rename = "dueDate")]
    due_date: Option<String>,
    #[serde(rename = "knownRansomwareCampaignUse")]
    ransomware: Option<String>,
}

/// Replaces the KEV table with the feed's content. A file that is not a KEV catalogue
/// aborts; single bad entries are skipped and named.
pub fn import(conn: &Connection, file: &File) -> Result<ImportStats> {
    let mut text = Vec::new();
    BufReader::new(file)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut text)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(Failure::runtime("the KEV feed is larger than 64 MiB").into());
    }
    let catalog: Catalog = serde_json::from_slice(&text)
        .map_err(|e| Failure::runtime("the KEV feed is not a KEV catalogue").source(e))?;
    conn.execute("DELETE FROM kev", [])?;
    let mut stats = ImportStats::default();
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO kev (cve, vendor, product, name, date_added, due_date, ransomware) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, raw) in catalog.vulnerabilities.into_iter().enumerate() {
        let what = format!("vulnerabilities[{i}]");
        let e: Entry = match serde_json::from_value(raw) {
            Ok(e) => e,
            Err(err) => {
                stats.skip(&what, err.to_string());
                continue;
            }
        };
        if !is_cve(&e.cve) {
            stats.skip(&what, format!("{:?} is not a CVE id", e.cve));
            continue;
        }
        let fields = [
            &e.vendor,
            &e.product,
            &e.name,
            &e.date_added,
            &e.due_date,
            &e.ransomware,
        ];
        if let Some(err) = fields
            .iter()
            .filter_map(|f| f.as_deref())
            .find_map(|f| validate_text("field", f, 1024).err())
        {
            stats.skip(&what, err);
            continue;
        }
        if let Some(d) = [&e.date_added, &e.due_date]
            .into_iter()
            .flatten()
            .find(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
        {
            stats.skip(&what, format!("date {d:?} is not YYYY-MM-DD"));
            continue;
        }
        insert.execute(params![
            e.cve,
            e.vendor,
            e.product,
            e.name,
            e.date_added,
            e.due_date,
            e.ransomware
        ])?;
        stats.records += 1;
    }
    if let Some(count) = catalog.count
        && count != stats.records + stats.skipped
    {
        stats.warnings.push(format!(
            "catalogue {} says count {count}, but holds {} entries",
            catalog.catalog_version.as_deref().unwrap_or("?"),
            stats.records + stats.skipped
        ));
    }
    Ok(stats)
}
