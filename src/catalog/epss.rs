//! EPSS (FIRST's Exploit Prediction Scoring System): a daily gzip CSV of CVE, probability
//! of exploitation in the next 30 days, and percentile. Read as a stream.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use anyhow::Result;
use flate2::read::MultiGzDecoder;
use rusqlite::{Connection, params};

use super::is_cve;
use super::store::ImportStats;
use crate::error::Failure;

/// Replaces the EPSS table. The file may be gzip (as published) or plain CSV.
pub fn import(conn: &Connection, file: &File) -> Result<ImportStats> {
    let mut probe = BufReader::new(file);
    let gz = probe.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(probe))
    } else {
        Box::new(probe)
    };
    let mut lines = BufReader::new(reader.take(4 * 1024 * 1024 * 1024));
    conn.execute("DELETE FROM epss", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO epss (cve, score, percentile, date) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut stats = ImportStats::default();
    let mut date: Option<String> = None;
    let mut header_seen = false;
    let mut line = String::new();
    let mut n = 0usize;
    loop {
        line.clear();
        let read = lines.read_line(&mut line).map_err(|e| {
            Failure::runtime("the EPSS feed is damaged (bad gzip or not text)").source(e)
        })?;
        if read == 0 {
            break;
        }
        n += 1;
        let l = line.trim_end();
        if l.is_empty() {
            continue;
        }
        if let Some(meta) = l.strip_prefix('#') {
            // #model_version:v2025.03.14,score_date:2025-11-24T00:00:00+0000
            date = meta
                .split(',')
                .find_map(|kv| kv.strip_prefix("score_date:"))
                .map(|d| d.chars().take(10).collect());
            continue;
        }
        if !header_seen {
            if l != "cve,epss,percentile" {
                return Err(Failure::runtime(format!(
                    "the EPSS feed has header {:?}, expected \"cve,epss,percentile\"",
                    l.chars().take(80).collect::<String>()
                ))
                .into());
            }
            header_seen = true;
            continue;
        }
        let mut f = l.split(',');
        let (Some(cve), Some(score), Some(pct), None) = (f.next(), f.next(), f.next(), f.next())
        else {
            stats.skip(&format!("line {n}"), "expected 3 fields");
            continue;
        };
        let (Ok(score), Ok(pct)) = (score.parse::<f64>(), pct.parse::<f64>()) else {
            stats.skip(&format!("line {n}"), "score or percentile is not a number");
            continue;
        };
        if !is_cve(cve) || !(0.0..=1.0).contains(&score) || !(0.0..=1.0).contains(&pct) {
            stats.skip(&format!("line {n}"), "not a CVE id with scores in 0..1");
            continue;
        }
        insert.execute(params![cve, score, pct, date])?;
        stats.records += 1;
    }
    if !header_seen {
        return Err(Failure::runtime("the EPSS feed is empty").into());
    }
    Ok(stats)
}

/// The highest EPSS score of the CVEs the advisories (by catalogue id) name.
pub fn highest_of_advisories(conn: &Connection, advisories: &[String]) -> Result<Option<f64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max(e.score) FROM epss e JOIN aliases al ON al.alias = e.cve \
             JOIN advisories a ON a.id = al.advisory WHERE a.advisory_id IN (SELECT value FROM json_each(?1))",
        )?
        .query_row([serde_json::to_string(advisories)?], |r| r.get(0))?)
}
