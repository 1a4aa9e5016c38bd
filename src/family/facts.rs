//! What a host reported, as every family's parsers fill it in: the model the scanner
//! stores and the matcher reads. Everything in it was validated on the way in.

use serde::Serialize;

use super::Manager;
use crate::version::Scheme;

/// Most packages accepted from one host.
pub(crate) const MAX_PACKAGES: usize = 200_000;
/// Longest line read from any section.
pub(crate) const MAX_LINE: usize = 8192;
/// Warnings kept per host.
const MAX_WARNINGS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub name: String,
    pub arch: Option<String>,
    pub version: String,
    pub source_name: String,
    pub source_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub package: String,
    pub from: Option<String>,
    pub to: String,
    pub origin: String,
    pub security: bool,
}

/// An advisory the host's own package manager offers for an installed package
/// (`dnf updateinfo list --security`): merged into the catalogue's findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostAdvisory {
    pub id: String,
    pub package: String,
    /// The version that carries the fix.
    pub version: String,
    pub severity: Option<String>,
}

/// What one host reported.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub manager: Option<Manager>,
    pub os_id: Option<String>,
    pub os_version: Option<String>,
    pub os_pretty: Option<String>,
    /// OSV ecosystem with release: `Debian:12`, `Ubuntu:22.04:LTS`; None when unknown.
    pub ecosystem: Option<String>,
    pub kernel_running: Option<String>,
    pub kernels: Vec<String>,
    pub reboot_required: Option<bool>,
    pub reboot_pkgs: Vec<String>,
    pub packages: Vec<Package>,
    pub pending: Vec<Pending>,
    pub host_advisories: Vec<HostAdvisory>,
    /// Processes still running replaced code (live hosts); None when the output has no
    /// `restart` section (a collector older than it).
    pub restart: Option<super::restart::RestartFacts>,
    pub warnings: Vec<String>,
}

impl Facts {
    pub(crate) fn warn(&mut self, w: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(w);
        }
    }

    /// The newest installed kernel (by the package manager's rules), if any are known.
    pub fn kernel_latest(&self) -> Option<&str> {
        let scheme = self.manager.map_or(Scheme::Deb, Manager::scheme);
        self.kernels
            .iter()
            .max_by(|a, b| {
                scheme
                    .compare(a, b)
                    .unwrap_or_else(|_| a.as_str().cmp(b.as_str()))
            })
            .map(String::as_str)
    }
}

pub(crate) fn kernel_name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+' | b'~'))
}

pub(crate) fn safe_text(s: &str, max: usize) -> bool {
    s.len() <= max && !s.chars().any(char::is_control)
}

pub(crate) fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// The known sections of one collector output, by name; the lines borrow the output.
#[derive(Debug, Default)]
pub struct Sections<'a> {
    pub(crate) known: std::collections::HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Sections<'a> {
    /// A section's lines; none when the output has no such section.
    pub fn get(&self, name: &str) -> &[&'a str] {
        self.known.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether the output has the section (even empty).
    pub fn has(&self, name: &str) -> bool {
        self.known.contains_key(name)
    }
}
