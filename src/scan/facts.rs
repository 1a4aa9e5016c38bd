//! Parsing the collector's output. Everything here comes from a host and is untrusted:
//! sections are found by the run's random token, every name and version is checked
//! against the package manager's grammar, sizes are bounded, and rejected lines are
//! reported (as warnings), never guessed at.

use std::collections::{HashMap, HashSet};

use crate::exec::protocol;
pub use crate::family::Manager;
pub use crate::family::facts::{Facts, HostAdvisory, Package, Pending, Refused, Sections};
use crate::family::facts::{kernel_name_ok, safe_text, shorten};
use crate::family::{self, Family};

/// Longest os-release value read (ID, VERSION_ID, PRETTY_NAME, VERSION).
const MAX_OS_FIELD: usize = 256;
/// Unknown sections named in the warning about them (the rest are counted).
const UNKNOWN_SECTIONS_NAMED: usize = 5;

/// Why output could not be used at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FactsError {
    #[error("the output does not start with the collector's header (not a patchcycle collection)")]
    NoHeader,
    #[error("the output ends before the collector finished (truncated)")]
    Truncated,
    #[error("no /etc/os-release on the host")]
    NoOsRelease,
    #[error("unsupported OS {0:?}: no package collector for it yet")]
    UnsupportedOs(String),
    #[error("{0} reported no installed packages")]
    NoPackages(&'static str),
    /// Every package row was refused: the host has packages, none of which could be read.
    #[error("{}", all_refused(manager, *count, first))]
    AllRefused {
        manager: &'static str,
        count: usize,
        /// The first few refused rows, by name.
        first: Vec<String>,
    },
    /// The package database is one the package manager itself would refuse to read.
    #[error("{0}")]
    InvalidDatabase(String),
    /// Windows collector output without what tells the host's product and build.
    #[error("{0}")]
    Windows(family::windows::Unusable),
    /// Sections of both collectors: not one collector's output.
    #[error(
        "the output has both the POSIX collector's os-release and the Windows collector's sections: not one collector's output"
    )]
    MixedOutput,
    #[error(
        "{os} uses {manager}, but the output has no {manager} section (the collector found no {manager} on the host)"
    )]
    NoManager { os: String, manager: &'static str },
    /// An `unchanged` answer that does not hold together.
    #[error("{0}")]
    Unchanged(String),
    #[error("malformed collector header {0:?} (expected \"@@PC TOKEN BEGIN {PROTOCOL}\")")]
    BadHeader(String),
    #[error(
        "the collector's header says protocol {0:?}; this patchcycle reads protocol {PROTOCOL} (run the collector of this version: `patchcycle scan --print-script`)"
    )]
    Protocol(String),
    /// Each section is printed once; a second copy would count every package and
    /// pending update twice.
    #[error("section {0:?} appears twice in the output (the collector prints each section once)")]
    RepeatedSection(String),
    /// One package database cannot hold two versions of one package and architecture
    /// (rpm's install-only kernels differ in version, so they are not this).
    #[error(
        "{manager} lists {package} twice, at {first} and at {second} (one package database cannot hold both): the output is not the package manager's"
    )]
    ConflictingPackage {
        manager: &'static str,
        package: String,
        first: String,
        second: String,
    },
}

pub use crate::exec::protocol::PROTOCOL;

/// `dpkg listed 3 packages and all 3 were refused (a, b, c): see the warnings`.
fn all_refused(manager: &str, count: usize, first: &[String]) -> String {
    let more = if count > first.len() { ", …" } else { "" };
    let first = first.join(", ");
    if count == 1 {
        format!("{manager} listed 1 package and it was refused ({first}): see the warnings")
    } else {
        format!(
            "{manager} listed {count} packages and all {count} were refused ({first}{more}): see the warnings"
        )
    }
}

/// The sections every collector prints, whatever the family.
const COMMON_SECTIONS: [&str; 9] = [
    "os-release",
    "fingerprint",
    "unchanged",
    "uname",
    "boot",
    "reboot",
    "reboot-pkgs",
    "refresh",
    "restart",
];

/// Whether the collector prints a section of this name: a common one or a family's.
/// Another name (a newer collector's) is skipped with a warning: what it holds is not
/// known here.
fn known_section(name: &str) -> bool {
    COMMON_SECTIONS.contains(&name)
        || family::windows::SECTIONS.contains(&name)
        || family::FAMILIES
            .iter()
            .any(|f| f.sections().contains(&name))
}

/// The known sections of one output, and the unknown ones: how many, and the names of
/// the first few in order.
struct Split<'a> {
    known: Sections<'a>,
    unknown: Vec<&'a str>,
    unknown_count: usize,
}

/// Splits output into sections (by the one protocol parser, `exec::protocol`). The
/// token comes from the header line, so saved output (`scan --import`) parses the same
/// way as a live run. A header of another protocol and a section given twice are
/// refused.
fn sections(out: &str) -> Result<Split<'_>, FactsError> {
    // A byte order mark before the header (a UTF-8 console writer may add one) is not
    // part of it.
    let out = out.strip_prefix('\u{feff}').unwrap_or(out);
    let header_line = out.lines().next().ok_or(FactsError::NoHeader)?;
    let (header, output) = protocol::split_headed(out).ok_or(FactsError::NoHeader)?;
    if header.extra {
        return Err(FactsError::BadHeader(shorten(header_line)));
    }
    let token = header.token;
    if token.len() < 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(FactsError::NoHeader);
    }
    match header.version {
        Some(PROTOCOL) => {}
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(FactsError::Protocol(shorten(v)));
        }
        _ => return Err(FactsError::BadHeader(shorten(header_line))),
    }
    let mut known: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut unknown: Vec<&str> = Vec::new();
    let mut unknown_count = 0;
    let mut seen: HashSet<&str> = HashSet::new();
    for section in output.sections {
        let name = section.name;
        if !seen.insert(name) {
            return Err(FactsError::RepeatedSection(shorten(name)));
        }
        if known_section(name) {
            known.insert(name, section.lines);
        } else {
            // An unknown section's lines are skipped.
            unknown_count += 1;
            if unknown.len() < UNKNOWN_SECTIONS_NAMED {
                unknown.push(name);
            }
        }
    }
    if !output.ended {
        return Err(FactsError::Truncated);
    }
    Ok(Split {
        known: Sections { known },
        unknown,
        unknown_count,
    })
}

/// Why output could not be used, with what parsing had found wrong before that: the
/// warnings and refused rows of a failed scan are kept with its error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{error}")]
pub struct Failed {
    pub error: FactsError,
    pub warnings: Vec<String>,
    pub refused: Vec<Refused>,
}

/// Parses collector output.
pub fn parse(out: &str) -> Result<Facts, Box<Failed>> {
    let mut f = Facts::default();
    match parse_into(out, &mut f) {
        Ok(()) => Ok(f),
        Err(error) => Err(Box::new(Failed {
            error,
            warnings: f.warnings,
            refused: f.refused,
        })),
    }
}

fn parse_into(out: &str, f: &mut Facts) -> Result<(), FactsError> {
    let sec = sections(out)?;
    let get = |k: &str| sec.known.get(k).to_vec();
    if sec.unknown_count > 0 {
        let names: Vec<String> = sec
            .unknown
            .iter()
            .map(|n| format!("{:?}", shorten(n)))
            .collect();
        f.warn(format!(
            "{} unknown section{} skipped ({}{}): from a newer collector? Only the sections this patchcycle knows are read",
            sec.unknown_count,
            if sec.unknown_count == 1 { "" } else { "s" },
            names.join(", "),
            if sec.unknown_count > names.len() { ", …" } else { "" }
        ));
    }

    // The PowerShell collector's output: a Windows host, read by its own parser.
    if family::windows::is_windows_output(&sec.known) {
        if sec.known.has("os-release") {
            return Err(FactsError::MixedOutput);
        }
        return family::windows::parse(f, &sec.known).map_err(FactsError::Windows);
    }

    // Long lines are kept here: a field this reads is refused below by name.
    let os: HashMap<&str, &str> = get("os-release")
        .iter()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    if os.is_empty() {
        return Err(FactsError::NoOsRelease);
    }
    let mut field = |name: &str| -> Option<String> {
        let raw = os.get(name)?;
        let v = unquote(raw);
        if safe_text(&v, MAX_OS_FIELD) {
            Some(v)
        } else {
            f.warn(format!(
                "os-release: {name} rejected ({} bytes; at most {MAX_OS_FIELD}, without control characters)",
                v.len()
            ));
            None
        }
    };
    let os_id = field("ID").map(|s| s.to_ascii_lowercase());
    let os_version = field("VERSION_ID");
    let os_pretty = field("PRETTY_NAME");
    let version_text = field("VERSION").unwrap_or_default();
    f.os_id = os_id;
    f.os_version = os_version;
    f.os_pretty = os_pretty;
    f.ecosystem = ecosystem(
        f.os_id.as_deref().unwrap_or(""),
        f.os_version.as_deref(),
        &version_text,
    );

    read_fingerprint(f, &get("fingerprint"));
    if sec.known.has("unchanged") {
        return read_unchanged(f, &sec.known);
    }

    // `uname -r` prints one line; an offline root (`--root`) prints none. Anything else
    // leaves the running kernel unknown, and with it whether a newer kernel waits for a
    // reboot: the reboot state is then unknown too (below), never "no".
    let uname: Vec<&str> = get("uname")
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let kernel_unreadable = match uname.as_slice() {
        [] => false,
        [k] if kernel_name_ok(k) => {
            f.kernel_running = Some((*k).to_string());
            false
        }
        [k] => {
            f.warn(format!(
                "uname: rejected running kernel {:?} ({} bytes): the running kernel and the reboot state are unknown",
                shorten(k),
                k.len()
            ));
            true
        }
        lines => {
            f.warn(format!(
                "uname: {} lines where one kernel release was expected: the running kernel and the reboot state are unknown",
                lines.len()
            ));
            true
        }
    };
    for l in get("boot") {
        if let Some(k) = l
            .trim()
            .strip_prefix("vmlinuz-")
            .filter(|k| kernel_name_ok(k))
        {
            f.kernels.push(k.to_string());
        }
    }
    f.reboot_required = match get("reboot").first().map(|s| s.trim()) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    for l in get("reboot-pkgs") {
        let p = l.trim();
        if p.is_empty() {
            continue;
        }
        if family::deb::name_ok(p) {
            if !f.reboot_pkgs.iter().any(|x| x == p) {
                f.reboot_pkgs.push(p.to_string());
            }
        } else {
            f.warn(format!("reboot-required.pkgs: rejected {:?}", shorten(p)));
        }
    }

    let what = f
        .os_pretty
        .clone()
        .or_else(|| f.os_id.clone())
        .unwrap_or_else(|| "unknown".into());
    let fam: &dyn Family = match f.os_id.as_deref() {
        None if family::deb::Deb
            .package_sections()
            .iter()
            .any(|s| sec.known.has(s)) =>
        {
            &family::deb::Deb
        }
        Some(id) => match family::of_os_id(id) {
            Some(fam) => fam,
            None => return Err(FactsError::UnsupportedOs(what)),
        },
        None => return Err(FactsError::UnsupportedOs(what)),
    };
    let manager = fam.manager();
    f.manager = Some(manager);
    if !fam.package_sections().iter().any(|s| sec.known.has(s)) {
        return Err(FactsError::NoManager {
            os: what.clone(),
            manager: manager.as_str(),
        });
    }
    fam.parse(f, &sec.known)
        .map_err(FactsError::InvalidDatabase)?;
    // A known family at a release we cannot name (no VERSION_ID, or one that is not a
    // release number, and nothing else of the family's naming it: Debian's numeric
    // /etc/debian_version does): say so, for every family. Debian testing and sid
    // ("trixie/sid") get it too: their advisories cannot be matched by release.
    if f.ecosystem.is_none() {
        f.warn(format!(
            "no advisory ecosystem for {} (VERSION_ID {:?}): only the host's own security updates are matched",
            shorten(&what),
            shorten(&unquote(os.get("VERSION_ID").copied().unwrap_or("")))
        ));
    }
    let mut restart_warnings = Vec::new();
    f.restart = family::restart::parse(
        sec.known.has("restart").then(|| sec.known.get("restart")),
        &|n| fam.name_ok(n),
        &mut |w| restart_warnings.push(w),
    );
    for w in restart_warnings {
        f.warn(w);
    }
    if f.packages.is_empty() {
        // Rows were there, none readable: say so, not that there were none.
        if let Some(r) = f
            .refused
            .iter()
            .find(|r| fam.package_sections().contains(&r.section.as_str()))
        {
            return Err(FactsError::AllRefused {
                manager: manager.as_str(),
                count: r.count,
                first: r.first.clone(),
            });
        }
        return Err(FactsError::NoPackages(manager.as_str()));
    }
    dedupe_packages(f, fam)?;
    if kernel_unreadable {
        // A "no" rests on comparing the running kernel with the newest installed one.
        f.reboot_required = f.reboot_required.filter(|r| *r);
    }
    f.kernels.sort();
    Ok(())
}

/// The `fingerprint` section: the host's package-state fingerprint (empty when it
/// could not compute one) and the collector's version digest. A line that is neither
/// is refused with a warning: the scan then has no fingerprint, and the next one is
/// full.
fn read_fingerprint(f: &mut Facts, lines: &[&str]) {
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if let Some(id) = line.strip_prefix("collector ") {
            if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                f.collector = Some(id.to_ascii_lowercase());
            } else {
                f.warn(format!("fingerprint: rejected collector {:?}", shorten(id)));
            }
        } else if let Some(fp) = crate::family::facts::Fingerprint::parse(line) {
            f.fingerprint = Some(fp);
        } else {
            f.warn(format!("fingerprint: rejected {:?}", shorten(line)));
        }
    }
    if f.collector.is_none() {
        // Without its collector, a fingerprint cannot be compared with anything.
        f.fingerprint = None;
    }
}

/// An `unchanged` answer: the host's fingerprint is the one it was sent (its last full
/// scan's). It holds that fingerprint again, and beside it only the `restart` section
/// (processes on replaced code change without the package state changing); the
/// scanner fills the rest in from the stored scan.
fn read_unchanged(f: &mut Facts, sec: &Sections<'_>) -> Result<(), FactsError> {
    let said: Vec<&str> = sec
        .get("unchanged")
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let Some(fp) = f.fingerprint.clone() else {
        return Err(FactsError::Unchanged(
            "the host answered unchanged without a fingerprint of its own".into(),
        ));
    };
    if said.as_slice() != [fp.as_str()] {
        return Err(FactsError::Unchanged(
            "the host's unchanged answer does not repeat its fingerprint".into(),
        ));
    }
    let collected: Vec<&str> = ["uname", "boot", "reboot", "reboot-pkgs", "refresh"]
        .into_iter()
        .chain(
            family::FAMILIES
                .iter()
                .flat_map(|fam| fam.sections().iter().copied()),
        )
        .filter(|s| sec.has(s))
        .collect();
    if let Some(first) = collected.first() {
        return Err(FactsError::Unchanged(format!(
            "the host answered unchanged but sent section {first:?} too: not one collector's answer"
        )));
    }
    f.collected = crate::family::facts::Collected::Unchanged;
    let fam = f.os_id.as_deref().and_then(family::of_os_id);
    let mut restart_warnings = Vec::new();
    f.restart = family::restart::parse(
        sec.has("restart").then(|| sec.get("restart")),
        &|n| fam.is_some_and(|fam| fam.name_ok(n)),
        &mut |w| restart_warnings.push(w),
    );
    for w in restart_warnings {
        f.warn(w);
    }
    Ok(())
}

/// Packages listed more than once. dpkg lists a package once per architecture
/// (`libssl3:amd64` and `libssl3:i386` are two packages, multi-arch) and apk once; rpm
/// lists one name and architecture at several versions for install-only packages
/// (kernels, gpg-pubkey). The same line twice is dropped with a warning; the same
/// package at two versions where the database holds one is refused: which one is
/// installed cannot be told.
fn dedupe_packages(f: &mut Facts, fam: &dyn Family) -> Result<(), FactsError> {
    let manager = fam.manager();
    let mut seen: HashMap<(String, Option<String>, Option<String>), usize> = HashMap::new();
    let mut kept: Vec<Package> = Vec::with_capacity(f.packages.len());
    let mut dropped = 0usize;
    let mut first_dropped: Option<String> = None;
    for p in std::mem::take(&mut f.packages) {
        let version_key = fam.versions_side_by_side().then(|| p.version.clone());
        let key = (p.name.clone(), p.arch.clone(), version_key);
        let label = match &p.arch {
            Some(a) => format!("{}:{a}", p.name),
            None => p.name.clone(),
        };
        match seen.get(&key) {
            Some(&i) if kept[i] == p => {
                dropped += 1;
                first_dropped.get_or_insert_with(|| format!("{label} {}", p.version));
            }
            Some(&i) => {
                return Err(FactsError::ConflictingPackage {
                    manager: manager.as_str(),
                    package: label,
                    first: kept[i].version.clone(),
                    second: p.version,
                });
            }
            None => {
                seen.insert(key, kept.len());
                kept.push(p);
            }
        }
    }
    f.packages = kept;
    if let Some(first) = first_dropped {
        f.warn(format!(
            "{}: {dropped} duplicate package line{} dropped (the first: {first}); each package is counted once",
            manager.as_str(),
            if dropped == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// The package manager of an os-release `ID`; None for an OS without a collector.
pub fn manager_for(id: &str) -> Option<Manager> {
    family::of_os_id(id).map(|f| f.manager())
}

/// The OSV ecosystem of an os-release (for the rpm family without an OSV feed, the name
/// an errata source is configured with, e.g. `Amazon Linux:2023`).
pub fn ecosystem(id: &str, version_id: Option<&str>, version: &str) -> Option<String> {
    let v = version_id?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if !digits(v) {
        return None;
    }
    family::of_os_id(id)?.ecosystem(id, v, version)
}

fn unquote(s: &str) -> String {
    let s = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(s);
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::facts::MAX_LINE;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    /// The error alone (the warnings kept with it are checked where they matter).
    fn parse(out: &str) -> Result<Facts, FactsError> {
        super::parse(out).map_err(|f| f.error)
    }

    fn wrap(body: &str) -> String {
        format!(
            "@@PC {TOKEN} BEGIN 1\n{}\n@@PC {TOKEN} END\n",
            body.replace("@S ", &format!("@@PC {TOKEN} "))
        )
    }

    #[test]
    fn debian_host() {
        let out = wrap(
            "@S os-release\nID=debian\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n\
             @S uname\n6.1.0-25-amd64\n@S boot\nvmlinuz-6.1.0-25-amd64\nvmlinuz-6.1.0-26-amd64\n\
             @S reboot\nyes\n@S reboot-pkgs\nlinux-image-6.1.0-26-amd64\n\
             @S dpkg\nlibssl3:amd64\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\tii \n\
             bash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \nremoved\t1.0\t\t\trc \n\
             @S apt-sim\nInst libssl3 [3.0.15-1~deb12u1] (3.0.17-1~deb12u2 Debian-Security:12/oldstable-security [amd64])\n\
             Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.12/oldstable [all])",
        );
        let f = parse(&out).unwrap();
        assert_eq!(f.ecosystem.as_deref(), Some("Debian:12"));
        assert_eq!(f.kernel_running.as_deref(), Some("6.1.0-25-amd64"));
        assert_eq!(f.kernel_latest(), Some("6.1.0-26-amd64"));
        assert_eq!(f.reboot_required, Some(true));
        assert_eq!(f.packages.len(), 2);
        assert_eq!(f.packages[0].arch.as_deref(), Some("amd64"));
        assert_eq!(f.packages[1].source_version, "5.2.15-2");
        assert_eq!(f.pending.len(), 2);
        assert!(f.pending[0].security);
        assert_eq!(f.pending[0].origin, "Debian-Security:12/oldstable-security");
        assert!(!f.pending[1].security);
    }

    #[test]
    fn hostile_output_is_rejected_line_by_line() {
        let out = wrap(
            "@S os-release\nID=debian\nVERSION_ID=12\n@S dpkg\n\
             foo;rm -rf /\t1.0\tfoo\t1.0\tii \n\
             ok-pkg\t1.0\tok-pkg\t1.0\tii \n\
             evil\t1.0$(reboot)\tevil\t1.0\tii \n\
             short\tline\n\
             @S reboot-pkgs\n../../etc\n",
        );
        let f = parse(&out).unwrap();
        assert_eq!(f.packages.len(), 1);
        assert_eq!(f.packages[0].name, "ok-pkg");
        assert_eq!(f.warnings.len(), 4, "{:?}", f.warnings);
    }

    #[test]
    fn garbage_and_truncation() {
        assert_eq!(parse("hello").unwrap_err(), FactsError::NoHeader);
        assert_eq!(
            parse(&format!(
                "@@PC {TOKEN} BEGIN 1\n@@PC {TOKEN} os-release\nID=debian\n"
            ))
            .unwrap_err(),
            FactsError::Truncated
        );
        let out = wrap("@S os-release\nID=plan9\nVERSION_ID=4\n");
        assert!(matches!(parse(&out), Err(FactsError::UnsupportedOs(_))));
        // An unknown OS is refused even when it has a package database we could read.
        let out = wrap(
            "@S os-release\nID=gentoo\nPRETTY_NAME=\"Gentoo\"\n@S rpm\nbash\t0\t5\t1\tx86_64\t(none)\n",
        );
        assert_eq!(
            parse(&out).unwrap_err().to_string(),
            "unsupported OS \"Gentoo\": no package collector for it yet"
        );
    }

    const ALMA: &str = "@S os-release\nNAME=\"AlmaLinux\"\nID=\"almalinux\"\nVERSION_ID=\"9.2\"\n\
        PRETTY_NAME=\"AlmaLinux 9.2 (Turquoise Kodkod)\"\n";

    #[test]
    fn almalinux_host() {
        let out = wrap(&format!(
            "{ALMA}@S uname\n5.14.0-284.11.1.el9_2.x86_64\n@S boot\nvmlinuz-0-rescue-0123abcd\n\
             vmlinuz-5.14.0-284.11.1.el9_2.x86_64\n@S reboot\nno\n@S reboot-pkgs\n\
             @S rpm\nopenssl-libs\t1\t3.0.7\t1.el9\tx86_64\topenssl-3.0.7-1.el9.src.rpm\n\
             gpg-pubkey\t0\tb86b3716\t61e69f29\t(none)\t(none)\n\
             bash\t0\t5.1.8\t6.el9_1\tx86_64\tbash-5.1.8-6.el9_1.src.rpm\n\
             kernel-core\t0\t5.14.0\t362.8.1.el9_3\tx86_64\tkernel-5.14.0-362.8.1.el9_3.src.rpm\n\
             kernel-core\t0\t5.14.0\t284.11.1.el9_2\tx86_64\tkernel-5.14.0-284.11.1.el9_2.src.rpm\n\
             @S updateinfo\nALSA-2023:2523 Low/Sec.       openssl-libs-1:3.0.7-6.el9_2.x86_64\n\
             @S check-update\n\nopenssl-libs.x86_64              1:3.0.7-6.el9_2        appstream\n\
             openssl-libs.x86_64              1:3.0.7-6.el9_2        appstream-mirror\n\
             a-very-long-package-name-that-wraps.noarch\n                        1.2-3.el9   baseos\n\
             Obsoleting Packages\ngrub2-tools.x86_64  1:2.06-70.el9  baseos\n    grub2-tools.x86_64 1:2.06-61.el9  @System\n\
             @S check-update-rc\nexit 100\n@S needs-restarting\nexit 1"
        ));
        let f = parse(&out).unwrap();
        assert_eq!(f.manager, Some(Manager::Rpm));
        assert_eq!(f.ecosystem.as_deref(), Some("AlmaLinux:9"));
        assert_eq!(f.packages.len(), 4, "{:?}", f.packages);
        let ssl = &f.packages[0];
        assert_eq!(ssl.version, "1:3.0.7-1.el9");
        assert_eq!(ssl.source_name, "openssl");
        assert_eq!(ssl.source_version, "1:3.0.7-1.el9");
        assert_eq!(f.packages[1].version, "5.1.8-6.el9_1");
        assert_eq!(f.host_advisories.len(), 1);
        assert_eq!(f.host_advisories[0].id, "ALSA-2023:2523");
        assert_eq!(f.host_advisories[0].version, "1:3.0.7-6.el9_2");
        assert_eq!(f.host_advisories[0].severity.as_deref(), Some("Low"));
        assert_eq!(f.pending.len(), 2, "{:?}", f.pending);
        assert_eq!(f.pending[0].from.as_deref(), Some("1:3.0.7-1.el9"));
        assert_eq!(f.pending[0].to, "1:3.0.7-6.el9_2");
        assert_eq!(f.pending[0].origin, "appstream");
        assert!(f.pending[0].security);
        assert_eq!(f.pending[1].package, "a-very-long-package-name-that-wraps");
        assert!(!f.pending[1].security);
        // needs-restarting -r exit 1 wins over the absent Debian flag file.
        assert_eq!(f.reboot_required, Some(true));
        assert_eq!(f.kernel_latest(), Some("5.14.0-362.8.1.el9_3.x86_64"));
        assert!(!f.kernels.iter().any(|k| k.contains("rescue")));
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn rpm_hostile_lines() {
        let huge = "x".repeat(MAX_LINE + 1);
        let out = wrap(&format!(
            "{ALMA}@S rpm\nok\t0\t1.0\t1.el9\tnoarch\tok-1.0-1.el9.src.rpm\n\
             evil;rm -rf /\t0\t1.0\t1\tx86_64\tevil-1.0-1.src.rpm\n\
             evil2\t0\t1.0$(reboot)\t1\tx86_64\tevil2-1.0-1.src.rpm\n\
             evil3\t0\t1.0\t1\tx86_64;id\tevil3-1.0-1.src.rpm\n\
             evil4\tone\t1.0\t1\tx86_64\tevil4-1.0-1.src.rpm\n\
             evil5\t0\t1.0-2\t1\tx86_64\tevil5-1.0-1.src.rpm\n\
             srcbad\t0\t1.0\t1\tx86_64\t`reboot`.src.rpm\n\
             short\tline\n{huge}\n\
             @S updateinfo\nALSA-1;reboot Important/Sec. ok-1.0-2.el9.noarch\n\
             ALSA-2 Important/Sec. ok-$(reboot)-2.el9.noarch\nrandom garbage here and there\n{huge}\n\
             @S check-update\nok.noarch 1.0-2.el9 appstream;reboot\nok.noarch 1.0-2.el9$(id) appstream\n\
             ok.noarch 1.0-2.el9 appstream extra\n{huge}\n@S needs-restarting\nexit 2"
        ));
        let f = parse(&out).unwrap();
        let names: Vec<&str> = f.packages.iter().map(|p| p.name.as_str()).collect();
        // srcbad keeps its binary name as source, with a warning.
        assert_eq!(names, ["ok", "srcbad"]);
        assert_eq!(f.packages[1].source_name, "srcbad");
        assert!(f.host_advisories.is_empty());
        assert!(f.pending.is_empty());
        assert_eq!(f.reboot_required, None, "exit 2 says nothing");
        assert_eq!(f.warnings.len(), 16, "{:#?}", f.warnings);
        assert!(f.warnings.iter().all(|w| w.chars().count() < 200));
    }

    #[test]
    fn rpm_host_without_rpm_section_or_packages() {
        let out = wrap(ALMA);
        assert!(matches!(parse(&out), Err(FactsError::NoManager { .. })));
        // dnf without a metadata cache: check-update fails, and the scan says so.
        let out = wrap(&format!(
            "{ALMA}@S rpm\nbash\t0\t5.1.8\t6.el9_1\tx86_64\tbash-5.1.8-6.el9_1.src.rpm\n\
             @S updateinfo\n@S check-update\n@S check-update-rc\nexit 1"
        ));
        let f = parse(&out).unwrap();
        assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
        assert!(f.warnings[0].starts_with("check-update failed (exit 1)"));
        let out = wrap(&format!("{ALMA}@S rpm\n"));
        assert_eq!(parse(&out).unwrap_err(), FactsError::NoPackages("rpm"));
        // Truncated inside the rpm section: no END marker.
        let cut = format!(
            "@@PC {TOKEN} BEGIN 1\n@@PC {TOKEN} os-release\nID=almalinux\nVERSION_ID=9\n@@PC {TOKEN} rpm\nbash\t0\t5"
        );
        assert_eq!(parse(&cut).unwrap_err(), FactsError::Truncated);
    }

    const ALPINE: &str = "@S os-release\nNAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n\
        PRETTY_NAME=\"Alpine Linux v3.20\"\n";

    /// Every family: when each package row was refused, the error says so (not that
    /// there were no packages), and the warnings and counts come back with it.
    #[test]
    fn every_row_refused_is_named_as_such_in_every_family() {
        let cases = [
            (
                "@S os-release\nID=debian\nVERSION_ID=12\n@S dpkg\nbad\t1.0$(x)\tbad\t1.0\tii \nworse\t1 0\tworse\t1\tii \n"
                    .to_string(),
                "dpkg listed 2 packages and all 2 were refused (bad, worse): see the warnings",
            ),
            (
                format!("{ALMA}@S rpm\n-rf\t0\t1\t1\tx86_64\t(none)\n"),
                "rpm listed 1 package and it was refused (-rf): see the warnings",
            ),
            (
                format!(
                    "{ALPINE}@S apk-db\nC:Q1pBBVXRGQDsA6ORWMZ3eR8R8xiEM=\nP:$(x)\nV:1.0-r0\n\n"
                ),
                "apk listed 1 package and it was refused ($(x)): see the warnings",
            ),
        ];
        for (body, want) in cases {
            let failed = super::parse(&wrap(&body)).unwrap_err();
            assert_eq!(failed.error.to_string(), want);
            assert!(!failed.warnings.is_empty(), "{want}");
            assert_eq!(failed.refused.len(), 1, "{want}");
        }
    }

    #[test]
    fn alpine_host() {
        let out = wrap(&format!(
            "{ALPINE}@S uname\n6.6.58-0-lts\n@S boot\nvmlinuz-lts\n\
             @S apk-installed\nP:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\n\
             P:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl\n\n\
             P:libssl3\nV:3.3.2-r0\nA:x86_64\no:openssl\n\n\
             P:linux-lts\nV:6.6.58-r0\nA:x86_64\no:linux-lts\n\n\
             P:busybox-binsh\nV:1.36.1-r29\nA:x86_64\no:busybox\n\
             @S apk-version\nInstalled:                                Available:\n\
             libcrypto3-3.3.2-r0                     < 3.3.2-r1 \n\
             libssl3-3.3.2-r0                        < 3.3.2-r1 \n\
             musl-1.2.5-r0                           < 1.2.5-r1 @edge\n"
        ));
        let f = parse(&out).unwrap();
        assert_eq!(f.manager, Some(Manager::Apk));
        assert_eq!(f.ecosystem.as_deref(), Some("Alpine:v3.20"));
        assert_eq!(f.packages.len(), 5);
        assert_eq!(f.packages[1].name, "libcrypto3");
        assert_eq!(f.packages[1].source_name, "openssl");
        assert_eq!(f.packages[1].source_version, "3.3.2-r0");
        assert_eq!(f.pending.len(), 3, "{:?}", f.warnings);
        assert_eq!(f.pending[0].package, "libcrypto3");
        assert_eq!(f.pending[0].from.as_deref(), Some("3.3.2-r0"));
        assert_eq!(f.pending[0].to, "3.3.2-r1");
        assert_eq!(f.pending[2].origin, "@edge");
        assert_eq!(f.kernels, ["6.6.58-0-lts"]);
        assert_eq!(f.kernel_latest(), Some("6.6.58-0-lts"));
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn apk_hostile_records() {
        let huge = "x".repeat(MAX_LINE + 1);
        let out = wrap(&format!(
            "{ALPINE}@S apk-installed\nP:ok\nV:1.0-r0\n\n\
             P:evil;rm -rf /\nV:1.0-r0\n\n\
             P:evil2\nV:$(reboot)\n\n\
             P:noversion\n\n\
             V:1.0-r0\n\n\
             P:evil3\nV:1.0-r0\no:`id`\n\n\
             P:long\nV:1.0-r0\nT:{huge}\n\n\
             garbage without a colon\n\n\
             P:empty\nV:\n\n\
             @S apk-version\nok-1.0-r0 < 1.0-r1;reboot\nok-1.0-r0 < 1.0-r1 @tag$(id)\n\
             notinstalled-1.0-r0 < 2.0-r0\nok-1.0-r0 <\n{huge}\nok-1.0-r0 < 1.0-r2 \n"
        ));
        let f = parse(&out).unwrap();
        let names: Vec<&str> = f.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok"]);
        assert_eq!(f.pending.len(), 1);
        assert_eq!(f.pending[0].to, "1.0-r2");
        assert_eq!(f.warnings.len(), 13, "{:#?}", f.warnings);
    }

    const DEBIAN: &str = "@S os-release\nID=debian\nVERSION_ID=\"12\"\n\
        @S uname\n6.1.0-25-amd64\n@S boot\nvmlinuz-6.1.0-25-amd64\n@S reboot\nno\n\
        @S dpkg\nbash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \n";

    #[test]
    fn a_section_given_twice_is_refused_and_an_unknown_one_skipped() {
        let twice = wrap(&format!("{DEBIAN}@S apt-sim\n@S apt-sim\n"));
        assert_eq!(
            parse(&twice).unwrap_err(),
            FactsError::RepeatedSection("apt-sim".into())
        );
        // An unknown section given twice is refused too: the collector prints none twice.
        let twice = wrap(&format!("{DEBIAN}@S flatpak\n@S flatpak\n"));
        assert!(matches!(parse(&twice), Err(FactsError::RepeatedSection(_))));
        let names: String = (0..7).map(|i| format!("@S new{i}\nx\tline\n")).collect();
        let f = parse(&wrap(&format!("{DEBIAN}{names}"))).unwrap();
        assert_eq!(
            f.packages.len(),
            1,
            "the unknown sections' lines are not read"
        );
        assert_eq!(
            f.warnings,
            [
                "7 unknown sections skipped (\"new0\", \"new1\", \"new2\", \"new3\", \"new4\", …): from a newer collector? Only the sections this patchcycle knows are read"
            ]
        );
    }

    #[test]
    fn another_protocol_or_a_malformed_header_is_refused() {
        let body = wrap(DEBIAN);
        for (begin, want) in [
            ("BEGIN 2", FactsError::Protocol("2".into())),
            (
                "BEGIN one",
                FactsError::BadHeader(format!("@@PC {TOKEN} BEGIN one")),
            ),
            (
                "BEGIN",
                FactsError::BadHeader(format!("@@PC {TOKEN} BEGIN")),
            ),
            (
                "BEGIN 1 1",
                FactsError::BadHeader(format!("@@PC {TOKEN} BEGIN 1 1")),
            ),
        ] {
            let out = body.replacen("BEGIN 1", begin, 1);
            assert_eq!(parse(&out).unwrap_err(), want, "{begin}");
        }
        assert!(parse(&body).is_ok());
    }

    #[test]
    fn an_unreadable_kernel_makes_a_no_unknown_but_keeps_a_yes() {
        // Running 6.1.0-25 with 6.1.0-26 installed: the kernel says reboot.
        let base = DEBIAN.replace(
            "vmlinuz-6.1.0-25-amd64\n",
            "vmlinuz-6.1.0-25-amd64\nvmlinuz-6.1.0-26-amd64\n",
        );
        let f = parse(&wrap(&base)).unwrap();
        assert_eq!(
            (f.kernel_running.as_deref(), f.reboot_required),
            (Some("6.1.0-25-amd64"), Some(false))
        );
        for uname in ["6.1.0-25-amd64 $(id)", &"6".repeat(200), "6.1\n6.2"] {
            let f = parse(&wrap(&base.replace(
                "@S uname\n6.1.0-25-amd64\n",
                &format!("@S uname\n{uname}\n"),
            )))
            .unwrap();
            assert_eq!(f.kernel_running, None, "{uname}");
            assert_eq!(f.reboot_required, None, "{uname}: unknown, not no");
            assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
            assert!(f.warnings[0].starts_with("uname: "), "{:?}", f.warnings);
            let flagged = base
                .replace(
                    "@S uname\n6.1.0-25-amd64\n",
                    &format!("@S uname\n{uname}\n"),
                )
                .replace("@S reboot\nno\n", "@S reboot\nyes\n");
            assert_eq!(parse(&wrap(&flagged)).unwrap().reboot_required, Some(true));
        }
        // An offline root prints no kernel: nothing to warn about.
        let f = parse(&wrap(
            &base.replace("@S uname\n6.1.0-25-amd64\n", "@S uname\n\n"),
        ))
        .unwrap();
        assert_eq!((f.kernel_running, f.reboot_required), (None, Some(false)));
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn a_rejected_os_release_field_is_named() {
        let long = "1".repeat(5000);
        let f = parse(&wrap(
            &DEBIAN.replace("VERSION_ID=\"12\"", &format!("VERSION_ID={long}")),
        ))
        .unwrap();
        assert_eq!(f.ecosystem, None);
        assert_eq!(f.warnings.len(), 2, "{:?}", f.warnings);
        assert_eq!(
            f.warnings[0],
            "os-release: VERSION_ID rejected (5000 bytes; at most 256, without control characters)"
        );
        assert!(f.warnings[1].starts_with("no advisory ecosystem for debian"));
        // Debian testing and sid have no VERSION_ID: warned about too.
        let f = parse(&wrap(&DEBIAN.replace("VERSION_ID=\"12\"\n", ""))).unwrap();
        assert_eq!(f.ecosystem, None);
        assert_eq!(
            f.warnings,
            [
                "no advisory ecosystem for debian (VERSION_ID \"\"): only the host's own security updates are matched"
            ]
        );
    }

    #[test]
    fn duplicate_packages_by_manager() {
        // dpkg: the same line twice counts once; another architecture is another package.
        let dup = DEBIAN.replace(
            "@S dpkg\n",
            "@S dpkg\nbash\t5.2.15-2+b7\tbash\t5.2.15-2\tii \n\
             libc6:amd64\t2.36-9\tglibc\t2.36-9\tii \nlibc6:i386\t2.36-9\tglibc\t2.36-9\tii \n",
        );
        let f = parse(&wrap(&dup)).unwrap();
        assert_eq!(f.packages.len(), 3);
        assert_eq!(
            f.warnings,
            [
                "dpkg: 1 duplicate package line dropped (the first: bash 5.2.15-2+b7); each package is counted once"
            ]
        );
        let conflict = DEBIAN.replace("@S dpkg\n", "@S dpkg\nbash\t5.1-1\tbash\t5.1-1\tii \n");
        assert!(matches!(
            parse(&wrap(&conflict)),
            Err(FactsError::ConflictingPackage { .. })
        ));
        // rpm: install-only kernels at two versions are two packages; one NEVRA twice is one.
        let kernel =
            "kernel-core\t0\t5.14.0\t362.8.1.el9_3\tx86_64\tkernel-5.14.0-362.8.1.el9_3.src.rpm\n";
        let out = wrap(&format!(
            "{ALMA}@S rpm\n{kernel}{kernel}\
             kernel-core\t0\t5.14.0\t284.11.1.el9_2\tx86_64\tkernel-5.14.0-284.11.1.el9_2.src.rpm\n"
        ));
        let f = parse(&out).unwrap();
        assert_eq!(f.packages.len(), 2);
        assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
        // apk: one record per package.
        let out = wrap(&format!(
            "{ALPINE}@S apk-installed\nP:musl\nV:1.2.5-r0\nA:x86_64\n\nP:musl\nV:1.2.4-r0\nA:x86_64\n"
        ));
        assert!(matches!(
            parse(&out),
            Err(FactsError::ConflictingPackage { .. })
        ));
    }

    /// The collector picks the package manager by the same os-release IDs.
    #[test]
    fn collector_families_match_manager_for() {
        let script = crate::scan::collector_script(false, None).unwrap();
        let mut seen = 0;
        for line in script.lines().map(str::trim) {
            let Some((ids, fam)) = line.split_once(") FAM=") else {
                continue;
            };
            let fam = fam.trim_end_matches(" ;;");
            for id in ids.split('|').filter(|i| !i.starts_with('\'') && *i != "*") {
                seen += 1;
                let want = manager_for(id).map(Manager::as_str).unwrap_or("none");
                assert_eq!(fam, want, "{id}");
            }
        }
        assert_eq!(seen, 13);
    }

    #[test]
    fn ecosystems() {
        assert_eq!(
            ecosystem("ubuntu", Some("22.04"), "22.04.4 LTS (Jammy Jellyfish)").as_deref(),
            Some("Ubuntu:22.04:LTS")
        );
        assert_eq!(
            ecosystem("rocky", Some("9.4"), "").as_deref(),
            Some("Rocky Linux:9")
        );
        assert_eq!(
            ecosystem("alpine", Some("3.20.3"), "").as_deref(),
            Some("Alpine:v3.20")
        );
        assert_eq!(ecosystem("debian", None, ""), None);
        for (id, v, want) in [
            ("almalinux", "9.4", "AlmaLinux:9"),
            ("rhel", "8.10", "Red Hat:8"),
            ("centos", "9", "CentOS:9"),
            ("fedora", "40", "Fedora:40"),
            ("amzn", "2023", "Amazon Linux:2023"),
            ("amzn", "2", "Amazon Linux:2"),
            ("ol", "9.3", "Oracle Linux:9"),
        ] {
            assert_eq!(ecosystem(id, Some(v), "").as_deref(), Some(want), "{id}");
            assert_eq!(manager_for(id), Some(Manager::Rpm));
        }
        assert_eq!(manager_for("alpine"), Some(Manager::Apk));
        assert_eq!(manager_for("gentoo"), None);
        assert_eq!(ecosystem("alpine", Some("3.21.0_alpha20240807"), ""), None);
    }
}
