//! `report`: the cycle's compliance, SLA, MTTR and audit evidence in every format.
//!
//! [`model::build`] gathers the data once into a serde [`model::Report`]; each format
//! module renders that struct, so every format tells the same story.

mod chunks;
pub mod csv;
mod figures;
pub mod html;
mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod prometheus;
mod rows;
pub mod sarif;
pub mod table;
pub mod trend;
mod trend_svg;

use std::io::Write;

use anyhow::Result;

use crate::output::{Format, Style};
use model::{ExceptionRow, RebootRow, Report};

pub mod gate;

/// A compliance share for people: "66.7%", or "unknown" when no host is known.
pub fn pct_text(p: Option<f64>) -> String {
    p.map_or_else(|| "unknown".into(), |p| format!("{p:.1}%"))
}

/// A compliance share in a table cell: "66.7", or "-" when no host is known.
pub fn pct_cell(p: Option<f64>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p:.1}"))
}

/// Unknown hosts and why: "2 (never-scanned 1, stale-scan 1)", or "0".
pub fn unknown_text(s: &model::Summary) -> String {
    if s.unknown == 0 {
        return "0".into();
    }
    let by: Vec<String> = s
        .unknown_by_reason
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    format!("{} ({})", s.unknown, by.join(", "))
}

/// The catalogue's age: "kev 1 h ago, osv:Debian 2 h ago", or "never synced".
pub fn feeds_text(r: &Report) -> String {
    let synced: Vec<String> = r
        .feeds
        .iter()
        .filter_map(|f| Some(format!("{} {}", f.source, f.age.as_deref()?)))
        .collect();
    if synced.is_empty() {
        "never synced".into()
    } else {
        synced.join(", ")
    }
}

/// Why a host is in the unknown/stale/unreachable list: its reasons, then the error of
/// its failed scan; "(accepted with --allow-stale)" when it was judged anyway.
pub fn stale_why(h: &model::StaleRow) -> String {
    let mut parts = h.reasons.clone();
    if let Some(e) = &h.error {
        parts.push(format!("last scan failed: {e}"));
    }
    let mut text = parts.join("; ");
    if h.accepted && !h.reasons.is_empty() {
        text.push_str(" (judged anyway)");
    }
    text
}

/// Rows shown per list in the human formats (table, markdown, html).
pub const LIST_LIMIT: usize = 50;

/// Renders the report in a format into `out`. The large machine formats (json, sarif,
/// junit, csv) stream; the human ones are short and are built as a string first.
pub fn render<W: Write>(r: &Report, format: Format, style: &Style, out: &mut W) -> Result<()> {
    match format {
        Format::Table => out.write_all(table::render(r, style)?.as_bytes())?,
        Format::Json => {
            json::write_spliced(&mut *out, r, json::Layout::Pretty, "findings", &r.findings)?;
            out.write_all(b"\n")?;
        }
        Format::Csv => csv::render(r, out)?,
        Format::Junit => junit::render(r, out)?,
        Format::Sarif => sarif::render(r, out)?,
        Format::Markdown => out.write_all(markdown::render(r).as_bytes())?,
        Format::Html => out.write_all(html::render(r).as_bytes())?,
        Format::Prometheus => out.write_all(prometheus::render(r).as_bytes())?,
        // `report` refuses it before anything is built (cli::run); said again, not assumed.
        Format::Openvex => return Err(crate::output::report_only(format)),
    }
    Ok(())
}

pub(crate) fn fmt_opt<S: AsRef<str>>(v: &Option<S>) -> String {
    v.as_ref()
        .map_or_else(|| "-".into(), |s| s.as_ref().to_string())
}

pub(crate) fn fmt_epss(e: Option<f64>) -> String {
    e.map_or("-".into(), |e| format!("{e:.3}"))
}

pub(crate) fn reboot_why(b: &RebootRow) -> String {
    let mut why = Vec::new();
    if !b.windows.is_empty() {
        // A Windows host's own reasons say more than the flag they set.
        why.push(format!(
            "Windows: {}",
            crate::text::one_line(&b.windows.join(", "))
        ));
    } else if b.reboot_required {
        why.push("reboot-required".into());
    }
    if b.kernel_update {
        why.push("newer kernel installed".into());
    }
    why.join(", ")
}

pub(crate) fn exception_scope(e: &ExceptionRow) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("advisory", &e.advisory),
        ("package", &e.package),
        ("host", &e.host),
        ("group", &e.group),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={v}"));
        }
    }
    if parts.is_empty() {
        "everything".into()
    } else {
        parts.join(" ")
    }
}
