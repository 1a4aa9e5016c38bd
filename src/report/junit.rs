//! JUnit XML as GitLab and Jenkins read it: one `<testsuite>` per host; in it a `scan`
//! case (fails when the host is stale or unreachable), a `reboot` case (fails when a
//! reboot is pending) and one case per finding (fails; skipped when an exception
//! covers it). Hosts with nothing open get a passing `findings` case.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use anyhow::Result;

use super::model::{FindingRow, HostRow, Report};
use crate::catalog::Severity;

/// Text for XML attributes and content, escaped as it is written (`{}`); characters
/// XML 1.0 forbids are dropped. Clean runs are written whole.
pub struct Xml<'a>(pub &'a str);

impl fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_into(f, self.0)
    }
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 forbids.
pub fn esc(s: &str) -> String {
    Xml(s).to_string()
}

fn escape_into(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    // Byte by byte: everything to replace or drop is ASCII, except U+FFFE and U+FFFF
    // (EF BF BE, EF BF BF), and no other character's UTF-8 contains these bytes.
    let bytes = s.as_bytes();
    let mut clean = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f => ("", 1),
            0xef if matches!(bytes.get(i + 1..i + 3), Some([0xbf, 0xbe | 0xbf])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_str(&s[clean..i])?;
        out.write_str(replacement)?;
        i += len;
        clean = i;
    }
    out.write_str(&s[clean..])
}

/// An `io::Write` seen as a `fmt::Write` that escapes everything written through it.
struct Escaping<'a, W: Write> {
    out: &'a mut W,
    error: Option<io::Error>,
}

impl<W: Write> fmt::Write for Escaping<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        struct Raw<'b, W: Write>(&'b mut W, &'b mut Option<io::Error>);
        impl<W: Write> fmt::Write for Raw<'_, W> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.write_all(s.as_bytes()).map_err(|e| {
                    *self.1 = Some(e);
                    fmt::Error
                })
            }
        }
        escape_into(&mut Raw(self.out, &mut self.error), s)
    }
}

/// Writes formatted text, escaped.
fn text<W: Write>(out: &mut W, args: fmt::Arguments<'_>) -> io::Result<()> {
    let mut e = Escaping { out, error: None };
    match fmt::Write::write_fmt(&mut e, args) {
        Ok(()) => Ok(()),
        Err(_) => Err(e
            .error
            .unwrap_or_else(|| io::Error::other("formatting failed"))),
    }
}

/// The one-line failure message of a finding (JUnit's and SARIF's).
pub(crate) fn write_finding_message(m: &mut impl fmt::Write, f: &FindingRow) -> fmt::Result {
    write!(m, "{} {}", f.package, f.installed)?;
    match (&f.fixed, &f.candidate) {
        (Some(x), _) => write!(m, " < {x} (fixed)")?,
        (None, Some(c)) => write!(m, ", security update {c} pending")?,
        _ => {}
    }
    write!(m, ": {}", f.severity.map_or("unrated", Severity::as_str))?;
    if f.kev {
        m.write_str(", CISA KEV")?;
    }
    if f.sla_breached {
        write!(
            m,
            ", SLA breached ({} days overdue)",
            f.days_overdue.unwrap_or(0)
        )?;
    }
    Ok(())
}

fn write_finding_details(d: &mut impl fmt::Write, f: &FindingRow) -> fmt::Result {
    writeln!(d, "host: {}", f.host)?;
    writeln!(d, "package: {} (source {})", f.package, f.source_name)?;
    writeln!(d, "installed: {}", f.installed)?;
    writeln!(d, "fixed: {}", f.fixed.as_deref().unwrap_or("-"))?;
    writeln!(d, "candidate: {}", f.candidate.as_deref().unwrap_or("-"))?;
    d.write_str("advisories: ")?;
    list(d, &f.advisories)?;
    d.write_str("\ncves: ")?;
    list(d, &f.cves)?;
    match f.epss {
        Some(e) => writeln!(d, "\nepss: {e:.5}")?,
        None => d.write_str("\nepss: -\n")?,
    }
    writeln!(d, "first seen: {} ({} days)", f.first_seen, f.age_days)?;
    writeln!(d, "due: {}", f.due.as_deref().unwrap_or("-"))
}

fn list(d: &mut impl fmt::Write, items: &[impl AsRef<str>]) -> fmt::Result {
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            d.write_str(", ")?;
        }
        d.write_str(s.as_ref())?;
    }
    Ok(())
}

/// A host's test counts: (tests, failures, skipped).
fn counts(h: &HostRow, findings: &[FindingRow]) -> (usize, usize, usize) {
    let excepted = findings.iter().filter(|f| f.excepted).count();
    let all_excepted = excepted == findings.len();
    let unjudged = !h.unknown.is_empty();
    let tests = 2 + usize::from(all_excepted) + findings.len();
    let failures = usize::from(h.unreachable || h.stale || unjudged)
        + usize::from(h.reboot_pending)
        + (findings.len() - excepted);
    // An unknown host's reboot and "findings" cases are skipped: not judged.
    let skipped = excepted
        + usize::from(unjudged && !h.reboot_pending)
        + usize::from(unjudged && all_excepted);
    (tests, failures, skipped)
}

/// Streams the document: counts come first (the `testsuites` and `testsuite`
/// attributes), so they are taken in a first pass over the counts only.
pub fn render<W: Write>(r: &Report, out: &mut W) -> Result<()> {
    // Findings come sorted by host (model::build): one slice per host.
    let mut by_host: HashMap<&str, &[FindingRow]> = HashMap::with_capacity(r.hosts.len());
    for chunk in r.findings.chunk_by(|a, b| a.host == b.host) {
        by_host.insert(chunk[0].host.as_str(), chunk);
    }
    debug_assert_eq!(
        by_host.values().map(|c| c.len()).sum::<usize>(),
        r.findings.len(),
        "findings must be sorted by host"
    );
    let of = |h: &HostRow| by_host.get(h.name.as_str()).copied().unwrap_or(&[]);
    let (mut all_tests, mut all_failures, mut all_skipped) = (0, 0, 0);
    for h in &r.hosts {
        let (t, f, s) = counts(h, of(h));
        all_tests += t;
        all_failures += f;
        all_skipped += s;
    }
    let title = match &r.cycle {
        Some(c) => format!("patchcycle report {}", c.name),
        None => "patchcycle report".into(),
    };
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"0\" skipped=\"{all_skipped}\" time=\"0\">\n",
        Xml(&title)
    )?;
    super::chunks::write_in_order(&r.hosts, out, |hosts, buf| {
        for h in hosts {
            write_suite(buf, r, h, of(h))?;
        }
        Ok(())
    })?;
    out.write_all(b"</testsuites>\n")?;
    Ok(())
}

/// One host's `<testsuite>`.
fn write_suite<W: Write>(
    out: &mut W,
    r: &Report,
    h: &HostRow,
    findings: &[FindingRow],
) -> io::Result<()> {
    let (tests, failures, skipped) = counts(h, findings);
    let name = Xml(&h.name);
    writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\" hostname=\"{name}\">",
        Xml(h
            .last_scan
            .as_deref()
            .unwrap_or(&r.generated_at)
            .trim_end_matches('Z')),
    )?;
    let class = esc(&format!(
        "patchcycle.{}.{}",
        h.group.as_deref().unwrap_or("ungrouped"),
        h.name
    ));
    let open = |out: &mut W, name: fmt::Arguments<'_>| -> io::Result<()> {
        out.write_all(b"    <testcase name=\"")?;
        text(out, name)?;
        write!(out, "\" classname=\"{class}\" time=\"0\"")
    };
    let last_scan = h.last_scan.as_deref().unwrap_or("never");
    open(out, format_args!("scan"))?;
    if h.unreachable || h.stale || !h.unknown.is_empty() {
        let (kind, message) = if !h.unknown.is_empty() {
            let now = crate::clock::parse(&r.generated_at).unwrap_or_default();
            let why: Vec<String> = h.unknown.iter().map(|u| u.describe(now)).collect();
            ("unknown", why.join("; "))
        } else if h.unreachable {
            ("unreachable", "the last scan attempt failed".to_string())
        } else {
            ("stale", "no good scan within max_scan_age".to_string())
        };
        write!(
            out,
            ">\n      <failure type=\"{kind}\" message=\"{}\">last good scan: {}</failure>\n    </testcase>\n",
            Xml(&message),
            Xml(last_scan)
        )?;
    } else {
        out.write_all(b"/>\n")?;
    }
    // A host patchcycle cannot judge passes nothing: its reboot and findings cases are
    // skipped (not judged), beside its failing "scan" case.
    let unjudged = !h.unknown.is_empty();
    open(out, format_args!("reboot"))?;
    if unjudged && !h.reboot_pending {
        out.write_all(
            b">\n      <skipped message=\"not judged: the host is unknown\"/>\n    </testcase>\n",
        )?;
    } else if h.reboot_pending {
        write!(
            out,
            ">\n      <failure type=\"reboot\" message=\"reboot pending\">running kernel: {}\ninstalled kernel: {}</failure>\n    </testcase>\n",
            Xml(h.kernel_running.as_deref().unwrap_or("-")),
            Xml(h.kernel_latest.as_deref().unwrap_or("-"))
        )?;
    } else {
        out.write_all(b"/>\n")?;
    }
    if findings.iter().all(|f| f.excepted) {
        open(out, format_args!("findings"))?;
        if unjudged {
            out.write_all(b">\n      <skipped message=\"not judged: the host is unknown\"/>\n    </testcase>\n")?;
        } else {
            out.write_all(b"/>\n")?;
        }
    }
    for f in findings {
        open(out, format_args!("{} {}", f.package, f.installed))?;
        if f.excepted {
            out.write_all(b">\n      <skipped message=\"accepted risk: exception ")?;
            for (i, id) in f.excepted_by.iter().enumerate() {
                let sep = if i > 0 { ", " } else { "" };
                write!(out, "{sep}#{id}")?;
            }
            out.write_all(b"\"/>\n    </testcase>\n")?;
        } else {
            write!(
                out,
                ">\n      <failure type=\"{}\" message=\"",
                Xml(f.severity.map_or("unrated", Severity::as_str))
            )?;
            text(out, format_args!("{}", Message(f)))?;
            out.write_all(b"\">")?;
            text(out, format_args!("{}", Details(f)))?;
            out.write_all(b"</failure>\n    </testcase>\n")?;
        }
    }
    out.write_all(b"  </testsuite>\n")?;
    Ok(())
}

struct Message<'a>(&'a FindingRow);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_finding_message(f, self.0)
    }
}

struct Details<'a>(&'a FindingRow);

impl fmt::Display for Details<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_finding_details(f, self.0)
    }
}

#[cfg(test)]
mod escape_tests {
    use super::esc;

    /// The byte scanner against the obvious char-by-char rules.
    #[test]
    fn escapes_like_the_char_rules() {
        fn by_chars(s: &str) -> String {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    '\t' | '\n' | '\r' => out.push(c),
                    c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                    c => out.push(c),
                }
            }
            out
        }
        for s in [
            "",
            "plain",
            "a&b<c>d\"e'f",
            "tab\tnl\ncr\r bell\u{7} nul\u{0}",
            "\u{FFFE}x\u{FFFF}y\u{FFFD}z\u{FEFF}",
            "é ü 漢字 \u{EFBF}",
            "end&",
        ] {
            assert_eq!(esc(s), by_chars(s), "{s:?}");
        }
    }
}
