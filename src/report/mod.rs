//! `report`: the cycle's compliance, SLA, MTTR and audit evidence in every format.
//!
//! [`model::build`] gathers the data once into a serde [`model::Report`]; each format
//! module renders that struct, so every format tells the same story.

pub mod csv;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod prometheus;
mod rows;
pub mod sarif;
pub mod table;

use anyhow::Result;

use crate::output::{Format, Style};
use model::{ExceptionRow, RebootRow, Report};

/// Rows shown per list in the human formats (table, markdown, html).
pub const LIST_LIMIT: usize = 50;

/// Renders the report in a format.
pub fn render(r: &Report, format: Format, style: &Style) -> Result<String> {
    Ok(match format {
        Format::Table => table::render(r, style)?,
        Format::Json => {
            let mut s = serde_json::to_string_pretty(r)?;
            s.push('\n');
            s
        }
        Format::Csv => csv::render(r)?,
        Format::Junit => junit::render(r)?,
        Format::Sarif => sarif::render(r)?,
        Format::Markdown => markdown::render(r),
        Format::Html => html::render(r),
        Format::Prometheus => prometheus::render(r),
    })
}

pub(crate) fn fmt_opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

pub(crate) fn fmt_epss(e: Option<f64>) -> String {
    e.map_or("-".into(), |e| format!("{e:.3}"))
}

pub(crate) fn reboot_why(b: &RebootRow) -> String {
    let mut why = Vec::new();
    if b.reboot_required {
        why.push("reboot-required");
    }
    if b.kernel_update {
        why.push("newer kernel installed");
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
