//! One module per OS family: what patchcycle knows of Debian's, the rpm family's and
//! Alpine's hosts. Each family owns its os-release IDs and advisory ecosystems, its
//! collector sections and their parsers, its package-name grammar, its matching rule
//! (advisories name source or binary packages) and its deploy side ([`deploy::Deployer`]).
//! The scanner, the matcher, `explain`, the planner and the engine ask the registry
//! ([`FAMILIES`]) instead of naming a family.
//!
//! A new family is one file implementing [`Family`] (its collector part included) and
//! one line in [`FAMILIES`].

pub mod apk;
pub mod deb;
pub mod deploy;
pub mod facts;
pub mod pkgcmd;
pub mod restart;
pub mod rpm;
pub mod windows;

use serde::Serialize;

pub use facts::{
    Facts, HostAdvisory, InstalledUpdate, Package, PackageState, Pending, PendingUpdate, Refused,
    Sections, WindowsFacts,
};

use crate::version::Scheme;

/// What patchcycle knows of one OS family.
pub trait Family: Sync {
    /// The package manager whose database the family's hosts report.
    fn manager(&self) -> Manager;
    /// os-release `ID`s of the family's distributions.
    fn os_ids(&self) -> &'static [&'static str];
    /// The advisory ecosystem of an os-release of the family (`Debian:12`); `version_id`
    /// is a release number (digits and dots) already. None for an ID without one.
    fn ecosystem(&self, id: &str, version_id: &str, version: &str) -> Option<String>;
    /// Ecosystem names (before the first `:`) whose advisories and version rules are the
    /// family's.
    fn ecosystems(&self) -> &'static [&'static str];
    /// The family's part of the collector script: shell run when the os-release ID is
    /// one of [`Family::os_ids`] (`"$FAM"` is then [`Manager::as_str`]), printing
    /// [`Family::sections`].
    fn collector(&self) -> &'static str;
    /// The family's part of the package-state fingerprint (README, "Incremental
    /// scans"): shell lines run by the collector's `fp_text` on the family's hosts,
    /// adding to its words (`set -- "$@" …`) `file` (stat and contents) or `list` (a
    /// directory's entries), then the paths of that kind, for everything its collector part reads that can change without the kernel, the boot
    /// or os-release changing: the package database, the package manager's metadata
    /// and configuration. Cheap: no package manager runs.
    fn fingerprint(&self) -> &'static str;
    /// The sections its collector part prints.
    fn sections(&self) -> &'static [&'static str];
    /// The collector sections that list installed packages (dpkg: `dpkg-query`'s rows,
    /// or the status file's or a distroless image's `status.d` stanzas): without any of
    /// them the output says nothing about the host. Older collectors' sections, still
    /// read from saved output, come after this collector's.
    fn package_sections(&self) -> &'static [&'static str];
    /// Reads the family's sections into `f`: installed packages, pending updates,
    /// kernels, the reboot state the family's own tools report. Rows it cannot read are
    /// refused one by one ([`Facts::refuse`]); a package database the package manager
    /// itself would refuse to read is an error (why, naming the line).
    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) -> Result<(), String>;
    /// Whether the package manager would accept `name` as a package name.
    fn name_ok(&self, name: &str) -> bool;
    /// Whether one package name and architecture is installed at several versions side
    /// by side (rpm's install-only kernels and gpg-pubkey).
    fn versions_side_by_side(&self) -> bool {
        false
    }
    /// Whether advisories name binary packages (the rpm family) rather than source
    /// packages (Debian, Ubuntu, Alpine).
    fn matches_binary_packages(&self) -> bool;
    /// The scripts `test`, `deploy` and `rollback` run on the family's hosts; None when
    /// they cannot patch them.
    fn deployer(&self) -> Option<&'static dyn deploy::Deployer>;
}

/// Every family patchcycle knows.
pub static FAMILIES: [&dyn Family; 3] = [&deb::Deb, &rpm::Rpm, &apk::Apk];

/// The family of an os-release `ID`; None for an OS without a collector.
pub fn of_os_id(id: &str) -> Option<&'static dyn Family> {
    FAMILIES.iter().copied().find(|f| f.os_ids().contains(&id))
}

/// The family whose hosts report `manager`'s database.
pub fn of_manager(manager: Manager) -> &'static dyn Family {
    match manager {
        Manager::Dpkg => &deb::Deb,
        Manager::Rpm => &rpm::Rpm,
        Manager::Apk => &apk::Apk,
    }
}

/// The family of an advisory ecosystem (`Rocky Linux:9` → rpm).
pub fn of_ecosystem(ecosystem: &str) -> Option<&'static dyn Family> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    FAMILIES
        .iter()
        .copied()
        .find(|f| f.ecosystems().contains(&base))
}

/// The package manager whose database a host reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Manager {
    Dpkg,
    Rpm,
    Apk,
}

impl Manager {
    pub fn scheme(self) -> Scheme {
        match self {
            Manager::Dpkg => Scheme::Deb,
            Manager::Rpm => Scheme::Rpm,
            Manager::Apk => Scheme::Apk,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Manager::Dpkg => "dpkg",
            Manager::Rpm => "rpm",
            Manager::Apk => "apk",
        }
    }

    /// The stored name ([`Manager::as_str`]) back to the manager.
    pub fn from_name(s: &str) -> Option<Manager> {
        match s {
            "dpkg" => Some(Manager::Dpkg),
            "rpm" => Some(Manager::Rpm),
            "apk" => Some(Manager::Apk),
            _ => None,
        }
    }
}
