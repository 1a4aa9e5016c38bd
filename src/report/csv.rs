//! CSV: one row per host, the compliance sheet (the other sections are in the JSON).
//! Columns are the fields of the JSON `hosts[]` records, in the same order (`unknown`:
//! the reasons, for people, separated by `; `).

use std::io::Write;

use anyhow::Result;

use super::model::Report;

pub const HEADER: &[&str] = &[
    "name",
    "group",
    "os",
    "ecosystem",
    "last_scan",
    "scan_status",
    "scan_age",
    "state",
    "unknown",
    "compliant",
    "open_findings",
    "critical",
    "high",
    "medium",
    "low",
    "kev",
    "sla_breaches",
    "reboot_pending",
    "kernel_running",
    "kernel_latest",
    "stale",
    "unreachable",
];

pub fn render<W: Write>(r: &Report, out: &mut W) -> Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let now = crate::clock::parse(&r.generated_at).unwrap_or_default();
    // Unknown (a host without a good scan) is empty, as null is in every CSV.
    let n = |v: Option<usize>| v.map(|n| n.to_string()).unwrap_or_default();
    for h in &r.hosts {
        w.write_record(
            [
                h.name.clone(),
                o(&h.group),
                o(&h.os),
                o(&h.ecosystem),
                o(&h.last_scan),
                h.scan_status.clone(),
                o(&h.scan_age),
                h.state.as_str().to_string(),
                h.unknown
                    .iter()
                    .map(|u| u.describe(now))
                    .collect::<Vec<_>>()
                    .join("; "),
                h.compliant.to_string(),
                n(h.open_findings),
                n(h.critical),
                n(h.high),
                n(h.medium),
                n(h.low),
                n(h.kev),
                n(h.sla_breaches),
                h.reboot_pending.to_string(),
                o(&h.kernel_running),
                o(&h.kernel_latest),
                h.stale.to_string(),
                h.unreachable.to_string(),
            ]
            .iter()
            .map(|cell| crate::output::csv_text(cell).into_owned()),
        )?;
    }
    w.flush()?;
    Ok(())
}
