//! The deploy side of an OS family: the per-host scripts `test`, `deploy` and `rollback`
//! run, and the parsers of what they print. The engine (`cycle::deploy`) and its judge
//! ask the host's family for its [`Deployer`] and never name a package manager; a
//! family without one cannot be patched (the planner refuses its hosts by name).
//!
//! Every script speaks the collector's protocol (`exec::protocol`: sections marked with
//! a random token) and every package name, version and architecture put into one has
//! passed the family's grammar and is single-quoted.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::exec::protocol::shell_quote;
use crate::family::restart::Service;
use crate::version::Scheme;

/// Where kept packages of a deployment live on a host (every family).
pub fn rollback_dir(deployment: i64) -> String {
    format!("/var/cache/patchcycle/rollback/{deployment}")
}

/// One package at an exact version: the cycle's target, or an installed version to
/// keep. `arch` is the rpm family's (its exact install names `name-evr.arch`); None for
/// Debian's (apt picks the installed architecture).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub package: String,
    pub version: String,
    pub arch: Option<String>,
}

/// One package the package manager would change: old version (None: newly installed)
/// → new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub package: String,
    pub from: Option<String>,
    pub to: String,
    /// The rpm family's architecture (kept packages are downloaded as
    /// `name-evr.arch`); absent for Debian's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
}

/// What a deploy step reads back from the host: installed versions (by package name),
/// boot id, the family's reboot-needed answer and the systemd state.
///
/// Not a second `family::Facts`: those are a scan's inventory; this is the engine's
/// before/after comparison of one step, never stored as an inventory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readback {
    pub versions: BTreeMap<String, String>,
    pub boot_id: String,
    pub reboot_required: bool,
    /// `systemctl is-system-running`, or "none" without systemd.
    pub systemd: String,
    /// The rpm family's every installed (name, EVR, arch), install-only packages (the
    /// kernel) side by side; empty for Debian's.
    pub nevras: BTreeSet<(String, String, String)>,
}

/// One built-in health check of the family (`dpkg --audit`, `rpm -V`, `dnf check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCheck {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

/// The words the judge's messages use for the family's tools.
#[derive(Debug, Clone, Copy)]
pub struct ToolWords {
    /// The package manager as messages name it ("apt", "dnf").
    pub manager: &'static str,
    /// Its simulation ("apt-get -s", "dnf --assumeno").
    pub simulate: &'static str,
    /// Its install command ("apt-get", "dnf").
    pub install: &'static str,
    /// Whose lock an install waits for ("dpkg", "rpm/dnf").
    pub lock: &'static str,
}

/// What deploy and rollback run on the hosts of one family, and how to read it.
pub trait Deployer: Sync {
    fn words(&self) -> ToolWords;
    /// The version order of the family's packages.
    fn scheme(&self) -> Scheme;
    /// Whether the package manager would accept `name` as a package name.
    fn name_ok(&self, name: &str) -> bool;
    /// The `$FAM` the collector's restart section expects (`dpkg`, `rpm`).
    fn collector_family(&self) -> &'static str;

    /// Installed versions, boot id, reboot-needed and systemd state.
    fn readback_script(&self, token: &str) -> String;
    fn parse_readback(&self, map: &BTreeMap<String, String>) -> Result<Readback, String>;

    /// What the package manager would do to install the targets; nothing changes.
    /// Prints section `sim` (its output), `rc`, and the readback.
    fn simulate_script(&self, token: &str, targets: &[Pin]) -> Result<String, String>;
    /// The simulation's changes (section `sim`, with the readback of the same script);
    /// Err when it would remove packages or is unreadable.
    fn parse_simulation(&self, map: &BTreeMap<String, String>) -> Result<Vec<Change>, String>;
    /// The tool's error lines (some failures print them with exit status 0).
    fn errors(&self, text: &str) -> Vec<String>;
    /// Whether an error line says the package database lock was never obtained.
    fn lock_error(&self, line: &str) -> bool;

    /// Downloads the installed versions into the deployment's rollback directory, then
    /// lists what is there (section `kept`, read by [`Deployer::parse_kept`]).
    fn keep_script(
        &self,
        token: &str,
        deployment: i64,
        installed: &[Pin],
    ) -> Result<String, String>;
    /// Kept packages as (package, version).
    fn parse_kept(&self, text: &str) -> Vec<(String, String)>;
    /// Removes a deployment's kept packages.
    fn cleanup_script(&self, token: &str, deployment: i64) -> String;

    /// Installs the exact targets, waiting at most `lock` for the package lock.
    /// Prints section `install`, `rc`, and the readback.
    fn install_script(
        &self,
        token: &str,
        targets: &[Pin],
        lock: Duration,
    ) -> Result<String, String>;
    /// Puts the kept packages back and removes the packages the deployment newly
    /// installed. Prints section `rollback`, `rc`, and the readback.
    fn rollback_script(
        &self,
        token: &str,
        deployment: i64,
        changes: &[Change],
        lock: Duration,
    ) -> Result<String, String>;

    /// What differs after a rollback from the versions before `changes`: one line per
    /// package (empty: verified).
    fn rollback_differences(&self, changes: &[Change], f: &Readback) -> Vec<String> {
        changes
            .iter()
            .filter(|c| f.versions.get(&c.package) != c.from.as_ref())
            .map(|c| {
                format!(
                    "{} is {} (before: {})",
                    c.package,
                    f.versions.get(&c.package).map_or("absent", |v| v),
                    c.from.as_deref().unwrap_or("absent")
                )
            })
            .collect()
    }

    /// The family's built-in health checks of the `changed` packages, and the readback.
    fn health_script(&self, token: &str, changed: &[String]) -> Result<String, String>;
    /// The family's own checks from the health script's output.
    fn family_checks(&self, map: &BTreeMap<String, String>) -> Vec<FamilyCheck>;
    /// The family's checks as the plan lists them.
    fn check_names(&self) -> &'static [&'static str];

    /// The collector's `restart` section alone.
    fn restart_facts_script(&self, token: &str) -> String;
    /// Restarts each service, then collects the `restart` section again.
    fn restart_services_script(&self, token: &str, services: &[Service]) -> String;
    /// Starts a reboot detached from the session, after printing the boot id.
    fn reboot_script(&self, token: &str) -> String;

    /// Whether `--engine ansible` can patch the family's hosts; Err says why not.
    fn ansible_supported(&self) -> Result<(), String> {
        Ok(())
    }
    /// The keep step of `--engine ansible` (it reads the simulation on the host
    /// itself); Err names why the family has none.
    fn ansible_keep_script(
        &self,
        token: &str,
        deployment: i64,
        targets: &[Pin],
    ) -> Result<String, String>;
}

/// The exit status a script section recorded.
pub fn rc(map: &BTreeMap<String, String>) -> Option<i32> {
    map.get("rc").and_then(|r| r.trim().parse().ok())
}

/// A custom health command, run as the script itself (every family).
pub fn command_script(command: &str) -> String {
    format!("LC_ALL=C; export LC_ALL\n{command}\n")
}

/// One patchcycle step at a time on a host: a step left running by a controller that was
/// killed finishes before the resumed one starts (flock is in util-linux, which every
/// Debian, Ubuntu and rpm-family system has; without it the step runs unlocked).
pub(crate) const HOST_LOCK: &str = "if command -v flock >/dev/null 2>&1; then\n\
  d=/run/lock; [ -d \"$d\" ] || d=/tmp\n\
  exec 9>>\"$d/patchcycle.lock\"\n\
  flock -w 600 9 || { echo 'E: another patchcycle step kept the host lock for 10 minutes'; exit 1; }\n\
fi\n";

/// Prints the boot id, then starts a reboot detached from the session (every family).
/// The reboot does not inherit the host lock (fd 9): what it starts on its way (the
/// lab's rpm hosts start their daemon from their reboot stand-in) would otherwise hold
/// the lock, and every later step would wait for it.
pub(crate) const REBOOT: &str = "s boot-id\ncat /proc/sys/kernel/random/boot_id 2>/dev/null\n\
         setsid sh -c 'sleep 1; if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; \
         then systemctl reboot; else reboot; fi' </dev/null >/dev/null 2>&1 9>&- &\n";

/// Restarts each service (its output in section `restart-out-N`, its exit status in
/// `restart-rc-N`), then collects the `restart` section again (with `$FAM` = `fam`) to
/// see what is left.
pub(crate) fn restart_services_body(services: &[Service], fam: &str) -> String {
    let mut body = String::new();
    for (i, s) in services.iter().enumerate() {
        // Names passed the parser's unit and service grammar; quoted all the same.
        let command = match s {
            Service::Systemd(u) => format!("systemctl restart {}", shell_quote(u)),
            Service::Sysv(n) => format!("service {} restart", shell_quote(n)),
        };
        // Its output goes through a file, and the host lock (fd 9) is not handed down: a
        // daemon started by an init script that keeps inherited descriptors open would
        // otherwise hold this session, or the lock of every later step, open.
        body.push_str(&format!(
            "o=$(mktemp) || o=/dev/null\n{command} </dev/null >\"$o\" 2>&1 9>&-\nrc=$?\n\
             s restart-out-{i}\ncat \"$o\" 2>/dev/null\n[ \"$o\" = /dev/null ] || rm -f \"$o\"\n\
             s restart-rc-{i}\necho $rc\n"
        ));
    }
    body.push_str(&format!("R=''\nFAM={fam}\n"));
    body.push_str(crate::family::restart::COLLECTOR);
    body
}
