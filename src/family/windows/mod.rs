//! Windows hosts: the PowerShell collector (`collect.ps1`, sent on stdin to
//! [`REMOTE_COMMAND`] over the host's OpenSSH server) and the parser of what it prints
//! into [`WindowsFacts`]. Windows is not a [`super::Family`]: it has no package database;
//! its hosts are matched by product, build and KB against the MSRC catalogue.
//!
//! Everything here reads untrusted text: every row is checked (KB numbers are digits,
//! builds are digits, dates are real dates, text has no control characters and is
//! bounded), and a row that fails is refused by name ([`Facts::refuse`]), never guessed
//! at. Without its `win-os` section the output says nothing usable about the host: the
//! scan fails. A product the catalogue does not know is not a failure here (the matcher
//! marks the host unknown).

pub mod matching;

use std::collections::BTreeMap;

use super::facts::{Facts, MAX_LINE, Sections, safe_text, shorten};
use super::{InstalledUpdate, Pending, PendingUpdate, WindowsFacts};

/// The PowerShell collector; `@TOKEN@` is the run's token, its only substitution.
pub const COLLECTOR: &str = include_str!("collect.ps1");

/// The command the collector is sent to on stdin: it works whether the account's
/// default shell is cmd.exe or PowerShell (sshd hands it to either).
pub const REMOTE_COMMAND: [&str; 5] = [
    "powershell",
    "-NoProfile",
    "-NonInteractive",
    "-Command",
    "-",
];

/// The sections the collector prints, in order.
pub const SECTIONS: [&str; 6] = [OS, HOTFIX, WUA_HISTORY, WUA_PENDING, REBOOT, BOOT];

const OS: &str = "win-os";
const HOTFIX: &str = "win-hotfix";
const WUA_HISTORY: &str = "win-wua-history";
const WUA_PENDING: &str = "win-wua-pending";
const REBOOT: &str = "win-reboot";
const BOOT: &str = "win-boot";

/// Longest registry value read from `win-os`.
const MAX_FIELD: usize = 256;
/// Longest classification or severity.
const MAX_LABEL: usize = 128;
/// Longest update title kept.
const MAX_TITLE: usize = 1024;
/// Most rows read from one section (the collector stops at 5,000).
const MAX_ROWS: usize = 20_000;
/// Highest KB number accepted (they have 6 or 7 digits today).
const MAX_KB: u32 = 99_999_999;

/// Whether the output is a Windows collector's (it has one of its sections).
pub fn is_windows_output(sections: &Sections<'_>) -> bool {
    SECTIONS.iter().any(|s| sections.has(s))
}

/// Why Windows output could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// No `win-os` section: nothing says what the host is.
    NoOs,
    /// The `win-os` section said why it failed.
    OsFailed(String),
    /// A registry value without which the host's build cannot be known.
    Missing(&'static str),
    Invalid {
        field: &'static str,
        value: String,
    },
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::NoOs => write!(
                f,
                "Windows collector output without its {OS} section: the product and build are unknown"
            ),
            Unusable::OsFailed(why) => write!(
                f,
                "the Windows collector could not read the product and build from the registry: {why}"
            ),
            Unusable::Missing(field) => write!(
                f,
                "the Windows collector's {OS} section has no {field}: the build is unknown"
            ),
            Unusable::Invalid { field, value } => write!(
                f,
                "the Windows collector's {OS} section has an invalid {field} {value:?}"
            ),
        }
    }
}

/// Reads the Windows sections into `f`: [`Facts::windows`], and the common fields the
/// rest of patchcycle shows (`os_id` windows, the product as `os_pretty`, the build as
/// the running "kernel", the reboot flag, pending updates as `pending` rows).
pub fn parse(f: &mut Facts, sections: &Sections<'_>) -> Result<(), Unusable> {
    if !sections.has(OS) {
        return Err(Unusable::NoOs);
    }
    let mut w = read_os(f, sections.get(OS))?;
    let hotfix = read_hotfix(f, sections.get(HOTFIX), sections.has(HOTFIX));
    let history = read_history(f, sections.get(WUA_HISTORY), sections.has(WUA_HISTORY));
    w.installed = merge_installed(hotfix, history);
    w.pending = read_pending(f, sections.get(WUA_PENDING), sections.has(WUA_PENDING));
    let reboot = read_reboot(f, sections.get(REBOOT), sections.has(REBOOT));
    w.last_boot = read_boot(f, sections.get(BOOT), sections.has(BOOT));

    f.os_id = Some("windows".into());
    f.os_version = w.display_version.clone();
    f.os_pretty = Some(w.product_name.clone());
    f.ecosystem = Some("Windows".into());
    f.kernel_running = Some(format!("10.0.{}.{}", w.current_build, w.ubr));
    f.reboot_required = reboot.as_ref().map(|r| !r.is_empty());
    w.reboot_pending = reboot.unwrap_or_default();
    f.pending = w
        .pending
        .iter()
        .map(|p| Pending {
            package: format!("KB{}", p.kb),
            from: None,
            to: if p.title.is_empty() {
                format!("KB{}", p.kb)
            } else {
                p.title.clone()
            },
            origin: "Windows Update".into(),
            security: is_security_classification(&p.classification),
        })
        .collect();
    f.windows = Some(w);
    Ok(())
}

/// The lines of a section that carry rows: `!error` lines are warned about and
/// `!limit` lines say the collector stopped at its bound; both are taken out.
fn rows<'a>(f: &mut Facts, section: &str, lines: &[&'a str], what: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for l in lines {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() {
            continue;
        }
        if let Some(why) = l.strip_prefix("!error\t") {
            f.warn(format!(
                "{section}: the collector could not read {what}: {}",
                shorten(why)
            ));
            continue;
        }
        if let Some(n) = l.strip_prefix("!limit\t") {
            f.warn(format!(
                "{section}: the collector stopped at {} rows: {what} may be incomplete",
                shorten(n)
            ));
            continue;
        }
        if out.len() >= MAX_ROWS {
            f.refuse(section, l, format!("{section}: more than {MAX_ROWS} rows"));
            continue;
        }
        out.push(l);
    }
    out
}

fn read_os(f: &mut Facts, lines: &[&str]) -> Result<WindowsFacts, Unusable> {
    let mut values: BTreeMap<&str, &str> = BTreeMap::new();
    for l in lines {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() {
            continue;
        }
        if let Some(why) = l.strip_prefix("!error\t") {
            return Err(Unusable::OsFailed(shorten(why)));
        }
        match l.split_once('=') {
            Some((k, v))
                if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                if values.insert(k, v.trim()).is_some() {
                    f.refuse(OS, l, format!("{OS}: {} given twice", shorten(k)));
                }
            }
            _ => f.refuse(OS, l, format!("{OS}: unreadable line {:?}", shorten(l))),
        }
    }
    let text = |f: &mut Facts, field: &'static str| -> Option<String> {
        let v = values.get(field)?;
        if v.is_empty() {
            return None;
        }
        if safe_text(v, MAX_FIELD) {
            Some((*v).to_string())
        } else {
            f.refuse(
                OS,
                v,
                format!(
                    "{OS}: {field} rejected ({} bytes; at most {MAX_FIELD}, without control characters)",
                    v.len()
                ),
            );
            None
        }
    };
    let product_name = text(f, "ProductName").ok_or(Unusable::Missing("ProductName"))?;
    let edition = text(f, "EditionID").unwrap_or_default();
    let installation_type = text(f, "InstallationType").unwrap_or_default();
    let display = text(f, "DisplayVersion");
    let release_id = text(f, "ReleaseId");
    let number = |field: &'static str| -> Result<u32, Unusable> {
        let v = values.get(field).copied().ok_or(Unusable::Missing(field))?;
        digits(v).ok_or_else(|| Unusable::Invalid {
            field,
            value: shorten(v),
        })
    };
    let current_build = number("CurrentBuild")?;
    let ubr = number("UBR")?;
    // DisplayVersion ("22H2") on 20H2 and later; ReleaseId ("1809") before it (and,
    // frozen at 2009, on later builds too: DisplayVersion wins).
    let mut display_version = None;
    for (field, v) in [("DisplayVersion", display), ("ReleaseId", release_id)] {
        let Some(v) = v else { continue };
        if release_name_ok(&v) {
            display_version = Some(v);
            break;
        }
        f.refuse(
            OS,
            &v,
            format!(
                "{OS}: {field} {:?} rejected (a release is 4 digits or YYHn)",
                shorten(&v)
            ),
        );
    }
    let arch = match values.get("PROCESSOR_ARCHITECTURE").copied() {
        Some(a) => match a.to_ascii_uppercase().as_str() {
            "AMD64" => "x64".to_string(),
            "ARM64" => "arm64".to_string(),
            "X86" => "x86".to_string(),
            _ => {
                f.refuse(
                    OS,
                    a,
                    format!(
                        "{OS}: unknown PROCESSOR_ARCHITECTURE {:?}: the architecture is unknown",
                        shorten(a)
                    ),
                );
                String::new()
            }
        },
        None => {
            f.warn(format!(
                "{OS}: no PROCESSOR_ARCHITECTURE: the architecture is unknown"
            ));
            String::new()
        }
    };
    Ok(WindowsFacts {
        product_name,
        edition,
        installation_type,
        display_version,
        current_build,
        ubr,
        arch,
        ..WindowsFacts::default()
    })
}

/// Digits only, as a number (no sign, no spaces, no leading `+`).
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `KB5034129` → 5034129.
fn kb(s: &str) -> Option<u32> {
    let n = s.strip_prefix("KB").and_then(digits)?;
    (1..=MAX_KB).contains(&n).then_some(n)
}

/// `22H2`, `24H2` (DisplayVersion) or `1809` (ReleaseId).
fn release_name_ok(s: &str) -> bool {
    let b = s.as_bytes();
    match b {
        [y1, y2, b'H', n] => y1.is_ascii_digit() && y2.is_ascii_digit() && n.is_ascii_digit(),
        [_, _, _, _] => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `YYYY-MM-DD`, a real day.
fn day_ok(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// `YYYY-MM-DDTHH:MM:SSZ`, a real UTC time.
fn utc_ok(s: &str) -> bool {
    s.len() == 20
        && s.ends_with('Z')
        && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ").is_ok()
}

fn too_long(f: &mut Facts, section: &str, l: &str) -> bool {
    if l.len() > MAX_LINE {
        f.refuse(
            section,
            l,
            format!(
                "{section}: line of {} bytes refused (at most {MAX_LINE})",
                l.len()
            ),
        );
        return true;
    }
    false
}

/// Get-HotFix: `KB<TAB>installed on (YYYY-MM-DD or empty)`.
fn read_hotfix(f: &mut Facts, lines: &[&str], present: bool) -> Vec<InstalledUpdate> {
    if !present {
        f.warn(format!(
            "no {HOTFIX} section: the updates Get-HotFix lists are unknown"
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in rows(f, HOTFIX, lines, "the installed updates (Get-HotFix)") {
        if too_long(f, HOTFIX, l) {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        let [id, on] = fields.as_slice() else {
            f.refuse(
                HOTFIX,
                l,
                format!("{HOTFIX}: unreadable row {:?}", shorten(l)),
            );
            continue;
        };
        let Some(n) = kb(id) else {
            f.refuse(
                HOTFIX,
                id,
                format!("{HOTFIX}: {:?} is not a KB number", shorten(id)),
            );
            continue;
        };
        let installed_on = if on.is_empty() {
            None
        } else if day_ok(on) {
            Some((*on).to_string())
        } else {
            f.refuse(
                HOTFIX,
                l,
                format!(
                    "{HOTFIX}: KB{n}: installed on {:?} is not a date (YYYY-MM-DD)",
                    shorten(on)
                ),
            );
            continue;
        };
        out.push(InstalledUpdate {
            kb: n,
            installed_on,
        });
    }
    out
}

/// What the Windows Update Agent's history says of one KB: its newest successful
/// operation decides (installed, or uninstalled since).
struct HistoryEntry {
    kb: u32,
    when: String,
    install: bool,
}

/// The agent's history: `KB<TAB>time (UTC)<TAB>install|uninstall|other<TAB>result`.
/// Only operations that succeeded count.
fn read_history(f: &mut Facts, lines: &[&str], present: bool) -> Vec<HistoryEntry> {
    if !present {
        f.warn(format!(
            "no {WUA_HISTORY} section: the Windows Update Agent's history is unknown"
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in rows(f, WUA_HISTORY, lines, "the Windows Update Agent's history") {
        if too_long(f, WUA_HISTORY, l) {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        let [id, when, operation, result] = fields.as_slice() else {
            f.refuse(
                WUA_HISTORY,
                l,
                format!("{WUA_HISTORY}: unreadable row {:?}", shorten(l)),
            );
            continue;
        };
        let Some(n) = kb(id) else {
            f.refuse(
                WUA_HISTORY,
                id,
                format!("{WUA_HISTORY}: {:?} is not a KB number", shorten(id)),
            );
            continue;
        };
        if !utc_ok(when) {
            f.refuse(
                WUA_HISTORY,
                id,
                format!(
                    "{WUA_HISTORY}: KB{n}: {:?} is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)",
                    shorten(when)
                ),
            );
            continue;
        }
        let install = match *operation {
            "install" => true,
            "uninstall" => false,
            "other" => continue,
            _ => {
                f.refuse(
                    WUA_HISTORY,
                    id,
                    format!(
                        "{WUA_HISTORY}: KB{n}: unknown operation {:?}",
                        shorten(operation)
                    ),
                );
                continue;
            }
        };
        match *result {
            "succeeded" => {}
            "succeeded-with-errors"
            | "failed"
            | "aborted"
            | "in-progress"
            | "not-started"
            | "other" => continue,
            _ => {
                f.refuse(
                    WUA_HISTORY,
                    id,
                    format!("{WUA_HISTORY}: KB{n}: unknown result {:?}", shorten(result)),
                );
                continue;
            }
        }
        out.push(HistoryEntry {
            kb: n,
            when: (*when).to_string(),
            install,
        });
    }
    out
}

/// Installed updates by KB, each once: every KB Get-HotFix lists (its state now), and
/// every KB whose newest successful operation in the agent's history is an install.
fn merge_installed(
    hotfix: Vec<InstalledUpdate>,
    history: Vec<HistoryEntry>,
) -> Vec<InstalledUpdate> {
    let mut by_kb: BTreeMap<u32, Option<String>> = BTreeMap::new();
    for h in hotfix {
        let day = by_kb.entry(h.kb).or_default();
        if day.is_none() {
            *day = h.installed_on;
        }
    }
    // Newest first; times are fixed-width UTC, so text order is time order.
    let mut newest: BTreeMap<u32, &HistoryEntry> = BTreeMap::new();
    for e in &history {
        match newest.get(&e.kb) {
            Some(seen) if seen.when >= e.when => {}
            _ => {
                newest.insert(e.kb, e);
            }
        }
    }
    for (kb, e) in newest {
        if e.install {
            by_kb
                .entry(kb)
                .or_insert_with(|| Some(e.when[..10].to_string()));
        }
    }
    by_kb
        .into_iter()
        .map(|(kb, installed_on)| InstalledUpdate { kb, installed_on })
        .collect()
}

/// An update classification of the Windows Update Agent, by its CategoryID (the same in
/// every language; the Name the agent gives is in the account's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Classification {
    SecurityUpdates,
    CriticalUpdates,
    DefinitionUpdates,
    UpdateRollups,
    Updates,
    ServicePacks,
    FeaturePacks,
    Drivers,
    Upgrades,
}

impl Classification {
    /// The classifications by CategoryID (WSUS's classification GUIDs).
    const IDS: [(&'static str, Classification); 9] = [
        (
            "0fa1201d-4330-4fa8-8ae9-b877473b6441",
            Classification::SecurityUpdates,
        ),
        (
            "e6cf1350-c01b-414d-a61f-263d14d133b4",
            Classification::CriticalUpdates,
        ),
        (
            "e0789628-ce08-4437-be74-2495b842f43b",
            Classification::DefinitionUpdates,
        ),
        (
            "28bc880e-0592-4cbf-8f95-c79b17911d5f",
            Classification::UpdateRollups,
        ),
        (
            "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83",
            Classification::Updates,
        ),
        (
            "68c5b0a3-d1a6-4553-ae49-01d3a7827828",
            Classification::ServicePacks,
        ),
        (
            "b54e7d24-7add-428f-8b75-90a396fa584f",
            Classification::FeaturePacks,
        ),
        (
            "ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0",
            Classification::Drivers,
        ),
        (
            "3689bdc8-b205-4af4-8d4a-a63924c5e9d5",
            Classification::Upgrades,
        ),
    ];

    fn of_id(id: &str) -> Option<Classification> {
        Self::IDS
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(id))
            .map(|(_, c)| *c)
    }

    /// The English name, as `PendingUpdate::classification` keeps it.
    fn name(self) -> &'static str {
        match self {
            Classification::SecurityUpdates => "Security Updates",
            Classification::CriticalUpdates => "Critical Updates",
            Classification::DefinitionUpdates => "Definition Updates",
            Classification::UpdateRollups => "Update Rollups",
            Classification::Updates => "Updates",
            Classification::ServicePacks => "Service Packs",
            Classification::FeaturePacks => "Feature Packs",
            Classification::Drivers => "Drivers",
            Classification::Upgrades => "Upgrades",
        }
    }
}

/// Whether a pending update's classification (as [`read_pending`] keeps it) is the
/// security one.
pub fn is_security_classification(classification: &str) -> bool {
    classification == Classification::SecurityUpdates.name()
}

/// A CategoryID's shape: 8-4-4-4-12 hex digits.
fn guid_ok(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The agent's offer: `KB<TAB>MSRC severity<TAB>classification id<TAB>classification
/// name<TAB>reboot<TAB>title`. A known classification id gives its English name; an
/// unknown one keeps the name the agent gave.
fn read_pending(f: &mut Facts, lines: &[&str], present: bool) -> Vec<PendingUpdate> {
    if !present {
        f.warn(format!(
            "no {WUA_PENDING} section: the updates the Windows Update Agent offers are unknown"
        ));
        return Vec::new();
    }
    let mut out: Vec<PendingUpdate> = Vec::new();
    for l in rows(
        f,
        WUA_PENDING,
        lines,
        "the updates the Windows Update Agent offers",
    ) {
        if too_long(f, WUA_PENDING, l) {
            continue;
        }
        let fields: Vec<&str> = l.splitn(6, '\t').collect();
        let [id, severity, class_id, class_name, reboot, title] = fields.as_slice() else {
            f.refuse(
                WUA_PENDING,
                l,
                format!("{WUA_PENDING}: unreadable row {:?}", shorten(l)),
            );
            continue;
        };
        let Some(n) = kb(id) else {
            f.refuse(
                WUA_PENDING,
                l,
                format!("{WUA_PENDING}: {:?} is not a KB number", shorten(id)),
            );
            continue;
        };
        let severity = match *severity {
            "" => None,
            "Critical" | "Important" | "Moderate" | "Low" => Some((*severity).to_string()),
            other => {
                f.refuse(
                    WUA_PENDING,
                    id,
                    format!(
                        "{WUA_PENDING}: KB{n}: unknown MSRC severity {:?}",
                        shorten(other)
                    ),
                );
                continue;
            }
        };
        let classification = match Classification::of_id(class_id) {
            Some(c) => c.name(),
            None if class_id.is_empty() || guid_ok(class_id) => class_name,
            None => {
                f.refuse(
                    WUA_PENDING,
                    id,
                    format!(
                        "{WUA_PENDING}: KB{n}: {:?} is not a classification id",
                        shorten(class_id)
                    ),
                );
                continue;
            }
        };
        if !safe_text(classification, MAX_LABEL) || !safe_text(title, MAX_TITLE) {
            f.refuse(
                WUA_PENDING,
                id,
                format!(
                    "{WUA_PENDING}: KB{n}: classification or title rejected (control characters, or longer than {MAX_LABEL}/{MAX_TITLE} bytes)"
                ),
            );
            continue;
        }
        let reboot = match *reboot {
            "never" | "always" | "can-request" => (*reboot).to_string(),
            other => {
                f.refuse(
                    WUA_PENDING,
                    id,
                    format!(
                        "{WUA_PENDING}: KB{n}: unknown reboot behaviour {:?}",
                        shorten(other)
                    ),
                );
                continue;
            }
        };
        if out.iter().any(|p| p.kb == n) {
            f.warn(format!("{WUA_PENDING}: KB{n} offered twice; counted once"));
            continue;
        }
        out.push(PendingUpdate {
            kb: n,
            title: (*title).to_string(),
            severity,
            classification: classification.to_string(),
            reboot,
        });
    }
    out
}

/// The reboot keys: `cbs=yes|no`, `wu=yes|no`, `file-rename=yes|no`, each once. The
/// reasons a reboot is pending; None (unknown) unless all three were read.
fn read_reboot(f: &mut Facts, lines: &[&str], present: bool) -> Option<Vec<String>> {
    const KEYS: [&str; 3] = ["cbs", "wu", "file-rename"];
    if !present {
        f.warn(format!(
            "no {REBOOT} section: whether a reboot is pending is unknown"
        ));
        return None;
    }
    let mut seen: BTreeMap<&str, bool> = BTreeMap::new();
    for l in rows(f, REBOOT, lines, "the reboot-pending keys") {
        let parsed = l.split_once('=').and_then(|(k, v)| {
            let key = KEYS.iter().find(|x| **x == k)?;
            let yes = match v {
                "yes" => true,
                "no" => false,
                _ => return None,
            };
            Some((*key, yes))
        });
        match parsed {
            Some((k, yes)) if !seen.contains_key(k) => {
                seen.insert(k, yes);
            }
            _ => f.refuse(
                REBOOT,
                l,
                format!("{REBOOT}: unreadable line {:?}", shorten(l)),
            ),
        }
    }
    if seen.len() < KEYS.len() {
        f.warn(format!(
            "{REBOOT}: not every reboot-pending key was read: whether a reboot is pending is unknown"
        ));
        return None;
    }
    Some(
        KEYS.iter()
            .filter(|k| seen.get(*k).copied().unwrap_or(false))
            .map(|k| (*k).to_string())
            .collect(),
    )
}

/// Win32_OperatingSystem's LastBootUpTime, UTC.
fn read_boot(f: &mut Facts, lines: &[&str], present: bool) -> Option<String> {
    if !present {
        return None;
    }
    let got = rows(f, BOOT, lines, "the last boot time");
    match got.as_slice() {
        [] => None,
        [t] if utc_ok(t) => Some((*t).to_string()),
        [t] => {
            f.refuse(
                BOOT,
                t,
                format!(
                    "{BOOT}: {:?} is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)",
                    shorten(t)
                ),
            );
            None
        }
        more => {
            f.warn(format!(
                "{BOOT}: {} lines where one time was expected: the last boot is unknown",
                more.len()
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::facts::{FactsError, parse as parse_output};

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn wrap(body: &str) -> String {
        format!(
            "@@PC {TOKEN} BEGIN 1\n{}\n@@PC {TOKEN} END\n",
            body.replace("@S ", &format!("@@PC {TOKEN} "))
        )
    }

    const OS_LINES: &str = "@S win-os\nProductName=Windows Server 2022 Datacenter\nEditionID=ServerDatacenter\n\
        InstallationType=Server Core\nDisplayVersion=21H2\nReleaseId=2009\nCurrentBuild=20348\nUBR=5139\n\
        PROCESSOR_ARCHITECTURE=AMD64\n";

    fn parse(out: &str) -> Result<Facts, FactsError> {
        parse_output(out).map_err(|f| f.error)
    }

    /// Every section the script prints is one the parser reads, and the other way round.
    #[test]
    fn the_script_prints_exactly_the_sections_the_parser_reads() {
        let printed: Vec<&str> = COLLECTOR
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Section '"))
            .filter_map(|l| l.strip_suffix('\''))
            .collect();
        let mut expected: Vec<&str> = SECTIONS.to_vec();
        expected.push(crate::exec::protocol::END);
        assert_eq!(printed, expected);
        // The header and the section printer are the protocol's markers.
        assert!(COLLECTOR.contains("$Out.Write('@@PC ' + $T + \" BEGIN 1`n\")"));
        assert!(COLLECTOR.contains("$Out.Write(\"`n@@PC \" + $T + ' ' + $Name + \"`n\")"));
    }

    /// Nothing from the inventory goes into the script: its one substitution is the
    /// run's token, a fresh random one each time.
    #[test]
    fn the_only_substitution_is_the_token() {
        assert_eq!(COLLECTOR.matches("@TOKEN@").count(), 1);
        let placeholders: Vec<&str> = COLLECTOR
            .split('@')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
            .collect();
        assert_eq!(placeholders, ["TOKEN"]);
        let a = crate::scan::windows_collector_script();
        let b = crate::scan::windows_collector_script();
        assert!(!a.contains("@TOKEN@"));
        assert_ne!(a, b, "a new token per run");
        let token = a
            .lines()
            .find_map(|l| l.strip_prefix("$T = '"))
            .and_then(|l| l.strip_suffix('\''))
            .expect("the token line");
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a.replace(token, "@TOKEN@"), COLLECTOR);
    }

    /// `-Command -` runs stdin statement by statement: the script is one `& { … }`
    /// statement, closed by two empty lines, so it runs whole.
    #[test]
    fn the_script_is_one_statement_for_stdin() {
        let code: Vec<&str> = COLLECTOR
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        assert_eq!(code.first().copied(), Some("& {"));
        assert!(
            COLLECTOR.ends_with("}\n\n\n"),
            "two empty lines after the block"
        );
        // What can be checked without PowerShell's parser: brackets pair up outside
        // comments, and every try has its catch (a section's failure is its own).
        let code: String = code.iter().map(|l| format!("{l}\n")).collect();
        for (open, close) in [('{', '}'), ('(', ')'), ('[', ']')] {
            assert_eq!(
                code.matches(open).count(),
                code.matches(close).count(),
                "{open}{close}"
            );
        }
        assert_eq!(
            code.matches("try {").count(),
            code.matches("} catch {").count()
        );
        assert_eq!(code.matches("try {").count(), 7);
        assert_eq!(
            REMOTE_COMMAND,
            [
                "powershell",
                "-NoProfile",
                "-NonInteractive",
                "-Command",
                "-"
            ]
        );
    }

    #[test]
    fn a_windows_host_is_read_into_its_facts() {
        let out = wrap(&format!(
            "{OS_LINES}@S win-hotfix\nKB5087545\t2026-05-13\nKB5011048\t\n\
             @S win-wua-history\nKB5087545\t2026-05-13T02:09:51Z\tinstall\tsucceeded\n\
             KB5082142\t2026-04-15T02:11:20Z\tinstall\tsucceeded\n\
             KB5078766\t2026-03-11T02:00:00Z\tinstall\tsucceeded\n\
             KB5078766\t2026-03-20T02:00:00Z\tuninstall\tsucceeded\n\
             KB5070000\t2026-03-01T02:00:00Z\tinstall\tfailed\n\
             @S win-wua-pending\nKB5094128\tCritical\t0FA1201D-4330-4FA8-8AE9-B877473B6441\tSicherheitsupdates\tcan-request\t2026-06 Cumulative Update (KB5094128)\n\
             KB2267602\t\te0789628-ce08-4437-be74-2495b842f43b\tDefinitionsupdates\tnever\t\n\
             KB5000001\t\t\t\tnever\tno classification\n\
             KB5000002\t\t11111111-2222-3333-4444-555555555555\tNew Things\talways\tt\n\
             @S win-reboot\ncbs=yes\nwu=no\nfile-rename=yes\n@S win-boot\n2026-05-13T02:27:05Z\n"
        ));
        let f = parse(&out).expect("parses");
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        let w = f.windows.as_ref().expect("windows facts");
        assert_eq!(w.product_name, "Windows Server 2022 Datacenter");
        assert_eq!(w.installation_type, "Server Core");
        assert_eq!(w.display_version.as_deref(), Some("21H2"));
        assert_eq!((w.current_build, w.ubr), (20348, 5139));
        assert_eq!(w.arch, "x64");
        let installed: Vec<(u32, Option<&str>)> = w
            .installed
            .iter()
            .map(|i| (i.kb, i.installed_on.as_deref()))
            .collect();
        // Uninstalled since (KB5078766) and failed (KB5070000) are not installed.
        assert_eq!(
            installed,
            [
                (5011048, None),
                (5082142, Some("2026-04-15")),
                (5087545, Some("2026-05-13"))
            ]
        );
        assert_eq!(w.pending.len(), 4);
        let classes: Vec<&str> = w
            .pending
            .iter()
            .map(|p| p.classification.as_str())
            .collect();
        // By id, whatever the account's language; an unknown id keeps the agent's name.
        assert_eq!(
            classes,
            ["Security Updates", "Definition Updates", "", "New Things"]
        );
        assert_eq!(w.pending[0].severity.as_deref(), Some("Critical"));
        assert_eq!(w.pending[0].reboot, "can-request");
        assert_eq!(w.pending[1].severity, None);
        assert_eq!(w.reboot_pending, ["cbs", "file-rename"]);
        assert_eq!(w.last_boot.as_deref(), Some("2026-05-13T02:27:05Z"));
        assert_eq!(f.os_id.as_deref(), Some("windows"));
        assert_eq!(f.os_version.as_deref(), Some("21H2"));
        assert_eq!(f.ecosystem.as_deref(), Some("Windows"));
        assert_eq!(f.kernel_running.as_deref(), Some("10.0.20348.5139"));
        assert_eq!(f.reboot_required, Some(true));
        assert_eq!(f.manager, None);
        assert!(f.packages.is_empty());
        assert_eq!(f.pending.len(), 4);
        assert_eq!(f.pending[0].package, "KB5094128");
        assert!(f.pending[0].security);
        assert_eq!(f.pending[1].to, "KB2267602", "no title: the KB");
        assert!(!f.pending[1].security);
    }

    #[test]
    fn hostile_rows_are_refused_one_by_one() {
        const SEC: &str = "0fa1201d-4330-4fa8-8ae9-b877473b6441";
        const ODD: &str = "11111111-2222-3333-4444-555555555555";
        let long = "x".repeat(MAX_TITLE + 1);
        let out = wrap(&format!(
            "{OS_LINES}@S win-hotfix\nKB5087545\t2026-05-13\nKB12a\t2026-05-13\nKB-1\t\n\
             KB5087546\t2026-02-30\nKB5087547\t13/05/2026\nQ123456\t\nKB5087548\n\
             @S win-wua-history\nKB5082142\t2026-04-15 02:11:20\tinstall\tsucceeded\n\
             KB5082143\t2026-04-15T02:11:20Z\treboot\tsucceeded\n\
             KB5082144\t2026-04-15T02:11:20Z\tinstall\tmaybe\n\
             @S win-wua-pending\nKB5094128\tSevere\t{SEC}\tS\tcan-request\tt\n\
             KB5094129\t\t{SEC}\tS\tsometimes\tt\n\
             KB5094130\t\t{SEC}\tS\tnever\t{long}\n\
             KB5094131\t\t{ODD}\tSecurity\u{1b}[2J Updates\tnever\tt\n\
             KB99999999999\t\t{SEC}\tS\tnever\tt\n\
             KB5094132\t\t$(reboot)\tS\tnever\tt\n\
             @S win-reboot\ncbs=yes\nwu=maybe\nfile-rename=no\n@S win-boot\nyesterday\n"
        ));
        let f = parse(&out).expect("the host is still read");
        let w = f.windows.as_ref().expect("windows facts");
        assert_eq!(w.installed.len(), 1);
        assert_eq!(f.refused_in(HOTFIX), 6);
        assert_eq!(f.refused_in(WUA_HISTORY), 3);
        assert_eq!(f.refused_in(WUA_PENDING), 6);
        assert!(w.pending.is_empty());
        assert_eq!(f.refused_in(REBOOT), 1);
        // One reboot key unread: whether a reboot is pending is unknown, not "no".
        assert_eq!(f.reboot_required, None);
        assert_eq!(f.refused_in(BOOT), 1);
        assert_eq!(w.last_boot, None);
    }

    #[test]
    fn without_the_os_section_or_its_build_the_scan_fails() {
        let out = wrap("@S win-hotfix\nKB5087545\t2026-05-13\n");
        assert_eq!(
            parse(&out).unwrap_err(),
            FactsError::Windows(Unusable::NoOs)
        );
        let out = wrap("@S win-os\n!error\tAccess is denied.\n");
        assert_eq!(
            parse(&out).unwrap_err().to_string(),
            "the Windows collector could not read the product and build from the registry: Access is denied."
        );
        let out =
            wrap("@S win-os\nProductName=Windows Server 2022 Datacenter\nCurrentBuild=20348\n");
        assert_eq!(
            parse(&out).unwrap_err(),
            FactsError::Windows(Unusable::Missing("UBR"))
        );
        let out = wrap(
            "@S win-os\nProductName=Windows Server 2022 Datacenter\nCurrentBuild=20348 \nUBR=-1\n",
        );
        assert!(matches!(
            parse(&out).unwrap_err(),
            FactsError::Windows(Unusable::Invalid { field: "UBR", .. })
        ));
        let out = wrap("@S win-os\nCurrentBuild=20348\nUBR=1\n");
        assert_eq!(
            parse(&out).unwrap_err(),
            FactsError::Windows(Unusable::Missing("ProductName"))
        );
        let out = wrap(&format!("@S os-release\nID=debian\n{OS_LINES}"));
        assert_eq!(parse(&out).unwrap_err(), FactsError::MixedOutput);
    }

    /// A product nobody knows is the matcher's business: the scan stands.
    #[test]
    fn an_unknown_product_or_release_is_not_a_failure() {
        let out = wrap(
            "@S win-os\nProductName=Windows Server Datacenter\nDisplayVersion=vNext\nReleaseId=2009\n\
             CurrentBuild=26491\nUBR=1000\nPROCESSOR_ARCHITECTURE=IA64\n",
        );
        let f = parse(&out).expect("parses");
        let w = f.windows.as_ref().expect("windows facts");
        assert_eq!(w.display_version.as_deref(), Some("2009"));
        assert_eq!(w.arch, "");
        assert_eq!(f.refused_in(OS), 2);
        // Sections left out are unknown, said so.
        assert!(
            f.warnings
                .iter()
                .any(|w| w.contains("no win-hotfix section"))
        );
        assert_eq!(f.reboot_required, None);
    }

    /// A byte order mark before the header (a UTF-8 console writer's) is not part of it.
    #[test]
    fn a_byte_order_mark_before_the_header_is_passed_over() {
        let out = format!("\u{feff}{}", wrap(OS_LINES));
        let f = parse(&out).expect("parses");
        assert_eq!(f.kernel_running.as_deref(), Some("10.0.20348.5139"));
        let names: Vec<String> = crate::scan::section_sizes(&out)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["win-os"]);
    }

    #[test]
    fn collector_errors_and_limits_are_warnings() {
        let out = wrap(&format!(
            "{OS_LINES}@S win-hotfix\n!error\tGet-HotFix: RPC server unavailable\n\
             @S win-wua-history\nKB5087545\t2026-05-13T02:09:51Z\tinstall\tsucceeded\n!limit\t5000\n\
             @S win-wua-pending\n!error\tthe Windows Update Agent's search did not finish in 600 seconds\n\
             @S win-reboot\ncbs=no\nwu=no\nfile-rename=no\n@S win-boot\n2026-05-13T02:27:05Z\n"
        ));
        let f = parse(&out).expect("parses");
        assert_eq!(f.warnings.len(), 3, "{:?}", f.warnings);
        assert!(f.warnings[2].contains("did not finish"));
        assert_eq!(f.reboot_required, Some(false));
        assert_eq!(f.windows.as_ref().map(|w| w.installed.len()), Some(1));
    }
}
