//! The vulnerability catalogue: feeds (OSV, CISA KEV, EPSS, RPM errata, MSRC), how they are
//! fetched, validated and imported, and how they are looked up.

pub mod cvss;
pub mod ecosystem;
pub mod epss;
pub mod errata;
pub mod fetch;
pub mod kev;
pub mod msrc;
pub mod notes;
pub mod osv;
pub mod query;
pub mod scratch;
pub mod store;
pub mod sync;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Normalised severity, ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The words feeds use: CVSS ratings, Red Hat impact (Important, Moderate), Debian
    /// urgency (emergency, high, medium, low), Ubuntu priority (negligible).
    pub fn from_word(w: &str) -> Option<Severity> {
        match w.trim().to_ascii_lowercase().as_str() {
            "critical" | "emergency" => Some(Severity::Critical),
            "high" | "important" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" | "negligible" | "unimportant" => Some(Severity::Low),
            "none" => Some(Severity::None),
            _ => None,
        }
    }

    /// The CVSS v3/v4 qualitative rating of a base score.
    pub fn from_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }

    /// A stored severity as a sort key: critical 4, high 3, medium 2, low 1, anything
    /// else (none, unrated, unknown) 0.
    pub fn rank(s: Option<&str>) -> u8 {
        s.and_then(Severity::parse).map_or(0, |v| v as u8)
    }

    /// Whether a stored severity is at or above `level` (unrated is below every level).
    pub fn stored_at_least(stored: Option<&str>, level: Severity) -> bool {
        stored.and_then(Severity::parse).is_some_and(|s| s >= level)
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "none" => Some(Severity::None),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// What a list ordered "worst first" sorts on: a known-exploited (CISA KEV) finding ranks
/// above every other, then severity, then EPSS. One definition for findings, report,
/// approve picker, cycle patch set and SARIF, so they never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Risk<'a> {
    pub kev: bool,
    pub severity: Option<&'a str>,
    pub epss: Option<f64>,
}

impl Risk<'_> {
    /// Worst first: `a.worst_first(&b)` is `Less` when `a` is the greater risk.
    pub fn worst_first(&self, other: &Risk<'_>) -> std::cmp::Ordering {
        other
            .kev
            .cmp(&self.kev)
            .then(Severity::rank(other.severity).cmp(&Severity::rank(self.severity)))
            .then(
                other
                    .epss
                    .unwrap_or(-1.0)
                    .total_cmp(&self.epss.unwrap_or(-1.0)),
            )
    }
}

crate::db::stored::stored_text!(Severity);

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The highest-scoring valid CVSS vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub severity: Severity,
    pub vector: String,
}

/// Scores every vector that parses and keeps the highest; invalid vectors are ignored
/// (they come from feeds: a bad vector must not cost the whole record).
pub fn severity_from_vectors(vectors: &[&str]) -> Option<Scored> {
    vectors
        .iter()
        .filter_map(|v| {
            cvss::base_score(v).ok().map(|s| Scored {
                score: s.base_score,
                severity: match s.version {
                    cvss::CvssVersion::V2 => match s.base_score {
                        x if x >= 7.0 => Severity::High,
                        x if x >= 4.0 => Severity::Medium,
                        _ => Severity::Low,
                    },
                    _ => Severity::from_score(s.base_score),
                },
                vector: v.to_string(),
            })
        })
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// Advisory ids and aliases: ASCII letters, digits, `.`, `_`, `:` and `-`, at most 128
/// bytes. Every id OSV, KEV, errata and dnf publish fits (`DSA-3029-1`, `ALSA-2023:2523`,
/// `ALAS2KERNEL-5.10-2023-001`, `GHSA-xxxx-xxxx-xxxx`); an id with `$(…)`, `;` or a quote
/// is hostile, not a new naming scheme. One check for every feed and for ids typed by
/// the user (`exception add --advisory`, `note`).
pub fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 128 {
        return Err(format!(
            "id {:?} is empty or longer than 128 bytes",
            truncate(id)
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        return Err(format!(
            "id {:?} contains {c:?}; an advisory id is letters, digits and - _ . : (CVE-2024-3094, RLSA-2024:1234)",
            truncate(id)
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "id {:?} does not begin with a letter or digit",
            truncate(id)
        ));
    }
    Ok(())
}

/// Package names in feeds: ASCII letters, digits and `. _ + ~ : @ / -`, at most
/// `max` bytes. That covers distribution packages (`libc6`, `g++-12`, `perl-IO-Socket-SSL`)
/// and the language ecosystems OSV carries (`@scope/name`, `github.com/x/y`,
/// `group:artifact`); whitespace, shell metacharacters (`lz4;$(id)`) and controls are
/// refused. The one check OSV and errata share.
pub fn validate_package_name(name: &str, max: usize) -> Result<(), String> {
    if name.is_empty() || name.len() > max {
        return Err(format!(
            "package name {:?} is empty or longer than {max} bytes",
            truncate(name)
        ));
    }
    if let Some(c) = name.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | ':' | '@' | '/' | '-'))
    }) {
        return Err(format!(
            "package name {:?} contains {c:?}; allowed are letters, digits and . _ + ~ : @ / -",
            truncate(name)
        ));
    }
    Ok(())
}

/// Feed text fields: bounded, no control characters but newline and tab.
pub fn validate_text(field: &str, s: &str, max: usize) -> Result<(), String> {
    if s.len() > max {
        return Err(format!("{field} is longer than {max} bytes"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(format!(
            "{field} {:?} contains control character {c:?}",
            truncate(s)
        ));
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A CVE id: `CVE-YYYY-NNNN…`.
pub fn is_cve(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some("CVE"), Some(y), Some(n))
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
                && (4..=12).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
    )
}

#[cfg(test)]
mod validate_tests {
    use super::{validate_id, validate_package_name};

    #[test]
    fn ids_of_every_feed_pass_and_hostile_ones_do_not() {
        for ok in [
            "DSA-3029-1",
            "ALSA-2023:2523",
            "ALAS2KERNEL-5.10-2023-001",
            "GHSA-jfh8-c2jp-5v3q",
            "RUSTSEC-2016-0006",
            "openSUSE-SU-2024:0001-1",
            "CVE-2021-44228",
            "TEMP-0000000-2F1D2E",
        ] {
            assert_eq!(validate_id(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "RLSA-$(reboot)",
            "RLSA-2022:1;id",
            "CVE-2021-1 x",
            "A\u{1b}]0;x\u{7}",
            "A'B",
            &"A".repeat(129),
        ] {
            assert!(validate_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn package_names_of_every_ecosystem_pass_and_hostile_ones_do_not() {
        for ok in [
            "libc6",
            "g++-12",
            "perl-IO-Socket-SSL",
            "python3.11",
            "@babel/core",
            "github.com/x/y",
            "org.apache:log4j-core",
            "libfoo~bpo",
        ] {
            assert_eq!(validate_package_name(ok, 256), Ok(()), "{ok}");
        }
        for bad in ["", "lz4;$(id)", "a b", "x`id`", "p\u{1b}[2J", "a|b", "a&b"] {
            assert!(validate_package_name(bad, 256).is_err(), "{bad}");
        }
        assert!(validate_package_name(&"a".repeat(257), 256).is_err());
    }
}

#[cfg(test)]
mod risk_tests {
    use super::Risk;

    #[test]
    fn kev_ranks_above_every_severity_then_epss() {
        let kev_medium = Risk {
            kev: true,
            severity: Some("medium"),
            epss: None,
        };
        let critical = Risk {
            kev: false,
            severity: Some("critical"),
            epss: Some(0.9),
        };
        let high_low_epss = Risk {
            kev: false,
            severity: Some("high"),
            epss: Some(0.01),
        };
        let high_high_epss = Risk {
            kev: false,
            severity: Some("high"),
            epss: Some(0.5),
        };
        let unrated = Risk::default();
        let mut v = [unrated, high_low_epss, critical, kev_medium, high_high_epss];
        v.sort_by(|a, b| a.worst_first(b));
        assert_eq!(
            v,
            [kev_medium, critical, high_high_epss, high_low_epss, unrated]
        );
    }
}

#[cfg(test)]
mod id_tests {
    use super::validate_id;

    #[test]
    fn ids_are_letters_digits_and_few_punctuation() {
        for ok in [
            "CVE-2024-3094",
            "GHSA-jfh8-c2jp-5v3q",
            "RLSA-2024:1234",
            "DSA-5678-1",
            "ALAS2-2023-1234",
            "RUSTSEC-2021-0001",
            "openSUSE-SU-2024:10001-1",
            "FEDORA-EPEL-2024-a1b2c3d4e5",
            "UBUNTU-CVE-2024-1234.1",
            "PYSEC_2021_1",
        ] {
            assert_eq!(validate_id(ok), Ok(()), "{ok}");
        }
        for bad in [
            "CVE-$(id)",
            "RLSA-$(reboot)",
            "CVE-2024-1;id",
            "CVE-2024 1",
            "=HYPERLINK(1)",
            "-rf",
            "a/b",
            "CVE-2024-1'",
            "",
        ] {
            assert!(validate_id(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            validate_id("CVE-$(id)").unwrap_err(),
            "id \"CVE-$(id)\" contains '$'; an advisory id is letters, digits and - _ . : (CVE-2024-3094, RLSA-2024:1234)"
        );
    }
}

#[cfg(test)]
mod stored_severity_tests {
    use super::Severity;
    use rusqlite::Connection;

    /// A severity is stored as the lowercase word migrations/0002 documents and read
    /// back as itself; a stored word outside that list is an error, not "unrated".
    #[test]
    fn severity_is_stored_as_its_word_and_read_back() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (s TEXT)").unwrap();
        for s in [
            Severity::None,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            conn.execute("DELETE FROM t", []).unwrap();
            conn.execute("INSERT INTO t (s) VALUES (?1)", [s]).unwrap();
            let text: String = conn.query_row("SELECT s FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(text, s.as_str());
            let back: Severity = conn.query_row("SELECT s FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(back, s);
        }
        let null: Option<Severity> = conn.query_row("SELECT NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(null, None);
        let err = conn
            .query_row("SELECT 'Important'", [], |r| r.get::<_, Severity>(0))
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown Severity \"Important\""),
            "{err}"
        );
    }
}
