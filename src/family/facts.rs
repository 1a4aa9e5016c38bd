//! What a host reported, as every family's parsers fill it in: the model the scanner
//! stores and the matcher reads. Everything in it was validated on the way in.

use serde::{Deserialize, Serialize};

use super::Manager;
use crate::version::Scheme;

/// Most packages accepted from one host.
pub(crate) const MAX_PACKAGES: usize = 200_000;
/// Longest line read from any section.
pub(crate) const MAX_LINE: usize = 8192;
/// Warnings kept per host.
const MAX_WARNINGS: usize = 50;
/// Refused rows named per section (all of them are counted).
const REFUSED_NAMED: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub name: String,
    pub arch: Option<String>,
    pub version: String,
    pub source_name: String,
    pub source_version: String,
    /// How far the package manager got installing it: its files are on disk (and it
    /// is matched) in every state kept.
    pub state: PackageState,
}

crate::db::stored::stored_state! {
    /// The install state of a package whose files are on disk, in dpkg's words (dpkg's
    /// `Status` field: `config-files` and `not-installed` packages are not kept). rpm and
    /// apk list installed packages only.
    PackageState {
        Installed = "installed",
        HalfInstalled = "half-installed",
        Unpacked = "unpacked",
        HalfConfigured = "half-configured",
        TriggersAwaited = "triggers-awaited",
        TriggersPending = "triggers-pending",
    }
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

crate::db::stored::stored_state! {
    /// How a good scan's facts were collected (`scans.collection`).
    Collected {
        /// The whole collector ran on the host.
        Full = "full",
        /// The host's fingerprint matched its last full scan's: that scan's facts were
        /// reused and matched again.
        Unchanged = "unchanged",
    }
}

/// A package-state fingerprint: lowercase hex, as the collector prints it (a SHA-256
/// digest, or cksum's CRC and length on a host without sha256sum). Only a value of this
/// type is ever put into a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Lowercase hex digits, 16 to 128 of them; anything else is not a fingerprint.
    pub fn parse(s: &str) -> Option<Fingerprint> {
        let ok = (16..=128).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Fingerprint(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    /// What a Windows host reported (the PowerShell collector); None for every other
    /// family. Windows hosts have no package list: they are matched by product, build
    /// and KB against the MSRC catalogue.
    pub windows: Option<WindowsFacts>,
    /// The host's package-state fingerprint (the collector's `fingerprint` section);
    /// None when it computed none, or the output is older than fingerprints.
    pub fingerprint: Option<Fingerprint>,
    /// The version digest of the collector that computed the fingerprint.
    pub collector: Option<String>,
    /// Full: everything above was collected. Unchanged: the host only said that its
    /// fingerprint is its last full scan's (and sent `restart`); the scanner fills the
    /// rest in from that scan.
    pub collected: Collected,
    pub warnings: Vec<String>,
    /// Rows the parsers refused, per section: every one counted, the first few named.
    /// Kept apart from `warnings`, which are capped: a count here is never cut short.
    pub refused: Vec<Refused>,
}

/// What a Windows host reported, validated: the registry's product and build, the
/// updates installed (Get-HotFix and the Windows Update Agent history), the updates the
/// Windows Update Agent offers, and why a reboot is pending. Stored whole with the scan
/// (a re-match after `sync` reads it back), so it is (de)serializable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsFacts {
    /// `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProductName` as the host
    /// reports it ("Windows Server 2022 Datacenter"). Windows 11 still says "Windows 10
    /// …" there: the build number tells them apart.
    pub product_name: String,
    /// `EditionID` ("ServerDatacenter", "Professional", "Enterprise").
    pub edition: String,
    /// `InstallationType` ("Server", "Server Core", "Client").
    pub installation_type: String,
    /// `DisplayVersion` ("21H2", "22H2", "23H2"); None on builds older than 20H2, which
    /// have `ReleaseId` only (then that).
    pub display_version: Option<String>,
    /// `CurrentBuild` (20348 for Server 2022).
    pub current_build: u32,
    /// `UBR`, the update build revision: the build is `10.0.CurrentBuild.UBR`.
    pub ubr: u32,
    /// The OS architecture: `x64`, `arm64` or `x86`.
    pub arch: String,
    /// Installed updates by KB number, each once (both sources merged).
    pub installed: Vec<InstalledUpdate>,
    /// Updates the Windows Update Agent offers and the host has not installed.
    pub pending: Vec<PendingUpdate>,
    /// Why a reboot is pending (`cbs`, `wu`, `file-rename`); empty: none.
    pub reboot_pending: Vec<String>,
    /// Last boot time, RFC 3339 UTC.
    pub last_boot: Option<String>,
}

/// One installed update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledUpdate {
    /// The KB article number (5034129 for KB5034129).
    pub kb: u32,
    /// Installed on (`YYYY-MM-DD`), when the host says.
    pub installed_on: Option<String>,
}

/// One update the Windows Update Agent offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpdate {
    pub kb: u32,
    pub title: String,
    /// MSRC severity as the agent reports it (Critical, Important, …), if any.
    pub severity: Option<String>,
    /// The update's classification (Security Updates, Critical Updates, Update Rollups, …).
    pub classification: String,
    /// Whether installing it needs a reboot (`never`, `always`, `can-request`).
    pub reboot: String,
}

/// The rows of one collector section that were refused (a name, version or line the
/// package manager's grammar does not allow): how many, and the first few by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub section: String,
    pub count: usize,
    /// The first few refused rows, by what names them (a package name, or the line).
    pub first: Vec<String>,
}

impl Refused {
    /// `dpkg: 3 rows refused (a, b, c)`, `…` when more were refused than named.
    pub fn text(&self) -> String {
        format!(
            "{}: {} row{} refused ({}{})",
            self.section,
            self.count,
            if self.count == 1 { "" } else { "s" },
            self.first.join(", "),
            if self.count > self.first.len() {
                ", …"
            } else {
                ""
            }
        )
    }
}

impl Facts {
    pub(crate) fn warn(&mut self, w: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(w);
        }
    }

    /// Refuses one row of `section` (named by `row`): counted and, among the first few,
    /// named in [`Facts::refused`]; `warning` says why (capped with the other warnings).
    pub(crate) fn refuse(&mut self, section: &str, row: &str, warning: String) {
        self.warn(warning);
        let i = match self.refused.iter().position(|r| r.section == section) {
            Some(i) => i,
            None => {
                self.refused.push(Refused {
                    section: section.to_string(),
                    count: 0,
                    first: Vec::new(),
                });
                self.refused.len() - 1
            }
        };
        let r = &mut self.refused[i];
        r.count += 1;
        if r.first.len() < REFUSED_NAMED {
            r.first.push(shorten(row));
        }
    }

    /// How many rows of `section` were refused.
    pub fn refused_in(&self, section: &str) -> usize {
        self.refused
            .iter()
            .find(|r| r.section == section)
            .map_or(0, |r| r.count)
    }

    /// The newest installed kernel (by the package manager's rules) of the running
    /// kernel's variant, if any are known: a host running a debug kernel
    /// (`…x86_64+debug`) is compared with the debug builds only, a host running the
    /// default kernel with the default builds only. The variants are separate lines of
    /// builds: a new kernel becomes the default boot entry only for the variant
    /// `/etc/sysconfig/kernel` names (`DEFAULTKERNEL`; debug builds only with
    /// `DEFAULTDEBUG=yes`, read by kernel-install and grub's grub-get-kernel-settings),
    /// so a newer build of the other variant is not what a reboot would bring. Without a
    /// running kernel (an offline root), the newest of all.
    pub fn kernel_latest(&self) -> Option<&str> {
        let scheme = self.manager.map_or(Scheme::Deb, Manager::scheme);
        let running = self.kernel_running.as_deref().map(kernel_variant);
        self.kernels
            .iter()
            .filter(|k| running.is_none_or(|v| kernel_variant(k) == v))
            .max_by(|a, b| {
                scheme
                    .compare(a, b)
                    .unwrap_or_else(|_| a.as_str().cmp(b.as_str()))
            })
            .map(String::as_str)
    }
}

/// A kernel release's variant suffix as the rpm family's kernel spec appends it to
/// `uname -r` (`+debug`, `+64k`, `+rt`); empty for the default kernel and for the
/// other families (Debian's and Alpine's flavours are part of the release name).
pub fn kernel_variant(release: &str) -> &str {
    release.rsplit_once('+').map_or("", |(_, v)| v)
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
