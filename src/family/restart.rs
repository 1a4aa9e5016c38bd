//! Services that need a restart: processes that still run code replaced on disk.
//!
//! After a library or program is upgraded, every process that mapped the old file keeps
//! running the old code until it is restarted: the most common way a "patched" host
//! stays vulnerable. The collector's `restart` section (`restart.sh`, live hosts only)
//! lists, as needrestart and dnf's `needs-restarting` do, each process with an
//! executable mapping of a deleted file (`/proc/PID/maps` "(deleted)") or a deleted
//! `/proc/PID/exe`; its systemd unit (`/proc/PID/cgroup`) or, without systemd, its SysV
//! service (a `/run/NAME.pid` or `/var/run/NAME.pid` holding its pid, with an executable
//! `/etc/init.d/NAME`); the deleted paths; and the package owning each path.
//!
//! [`RestartFacts::decide`] then says what helps: restarting units and services, or only
//! a reboot (PID 1, D-Bus, systemd's own daemons), or nothing patchcycle can restart (a
//! process without a known service: a user session, a daemon started by hand).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// A field a host sent: bounded, and without control characters. (The same test as
/// `facts::safe_text`; `facts` holds these facts, so this module cannot import it.)
fn safe_text(s: &str, max: usize) -> bool {
    s.len() <= max && !s.chars().any(char::is_control)
}

/// The first 60 characters of a rejected line, for the warning naming it.
fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// The collector's `restart` section (shell, POSIX sh): `$R` is the root (empty for the
/// running system) and `$FAM` the package manager, as in the collector.
pub const COLLECTOR: &str = include_str!("restart.sh");

/// Most processes read from one host (the collector stops at 4096 pids).
const MAX_PROCESSES: usize = 4096;
/// Paths kept per process (the collector prints at most 16).
const MAX_FILES: usize = 16;
/// Longest path accepted.
const MAX_PATH: usize = 4096;

/// Whether the processes were looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The running system's `/proc` was read.
    Live,
    /// An offline root (`scan --local --root`): it runs no processes.
    OfflineRoot,
    /// No readable `/proc` on the host: nothing can be said.
    NoProc,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Live => "live",
            Check::OfflineRoot => "offline-root",
            Check::NoProc => "no-proc",
        }
    }
}

/// How a process is restarted: its systemd unit, or its SysV init script.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Service {
    /// A systemd unit (`ssh.service`).
    Systemd(String),
    /// An `/etc/init.d` script (`pcdemo`), run through `service NAME restart`.
    Sysv(String),
}

impl Service {
    /// `ssh.service` or `pcdemo (sysv)`.
    pub fn label(&self) -> String {
        match self {
            Service::Systemd(u) => u.clone(),
            Service::Sysv(n) => format!("{n} (sysv)"),
        }
    }

    /// The shell command that restarts it (names are checked by the parser: no quoting
    /// is needed, and none could be abused).
    pub fn restart_command(&self) -> String {
        match self {
            Service::Systemd(u) => format!("systemctl restart {u}"),
            Service::Sysv(n) => format!("service {n} restart"),
        }
    }
}

/// Why only a reboot helps a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RebootReason {
    /// PID 1 (init, systemd, or whatever runs as the pid namespace's first process).
    Init,
    /// The D-Bus daemon: restarting it breaks every client (needrestart never restarts
    /// it; needs-restarting -r counts dbus, dbus-broker and dbus-daemon as reboot-only).
    Dbus,
    /// systemd's own daemons (journald, logind, udevd, …): needrestart leaves journald
    /// and logind alone (Debian #771122, #798097); needs-restarting -r counts systemd.
    SystemdCore,
}

impl RebootReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RebootReason::Init => "PID 1",
            RebootReason::Dbus => "D-Bus",
            RebootReason::SystemdCore => "systemd core",
        }
    }
}

/// What helps one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    Restart(Service),
    Reboot(RebootReason),
    /// No unit or service is known for it: restart it by hand (or reboot).
    Manual,
}

/// One process that maps deleted files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleProcess {
    pub pid: u32,
    /// `/proc/PID/comm`, as the host sent it (checked for control characters).
    pub name: String,
    pub service: Option<Service>,
    /// systemd's `init.scope` (the manager itself).
    #[serde(default)]
    pub init_scope: bool,
    /// The executable itself was replaced.
    pub exe_deleted: bool,
    /// Deleted paths it maps (at most 16).
    pub files: Vec<String>,
    /// Deleted paths it maps that were refused (control characters, too long): the
    /// process is still listed, so a hostile file name cannot hide it.
    #[serde(default)]
    pub files_refused: usize,
    /// Packages owning those paths, where the package manager knows them.
    pub packages: Vec<String>,
}

impl StaleProcess {
    /// What helps this process (see [`RebootReason`] for the sources of each rule).
    pub fn remedy(&self) -> Remedy {
        if self.pid == 1 || self.init_scope {
            return Remedy::Reboot(RebootReason::Init);
        }
        let unit = match &self.service {
            Some(Service::Systemd(u)) => Some(u.as_str()),
            _ => None,
        };
        if matches!(unit, Some("dbus.service" | "dbus-broker.service"))
            || matches!(self.name.as_str(), "dbus-daemon" | "dbus-broker")
        {
            return Remedy::Reboot(RebootReason::Dbus);
        }
        if unit.is_some_and(|u| u.starts_with("systemd-")) {
            return Remedy::Reboot(RebootReason::SystemdCore);
        }
        match &self.service {
            Some(s) => Remedy::Restart(s.clone()),
            None => Remedy::Manual,
        }
    }

    /// `1234 sshd`, cleaned for a terminal.
    pub fn label(&self) -> String {
        format!("{} {}", self.pid, crate::text::one_line(&self.name))
    }
}

/// What the collector's `restart` section said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartFacts {
    pub check: Check,
    pub processes: Vec<StaleProcess>,
    /// Bounds the collector hit (`pids`, `time`, `owners`): the list may be incomplete.
    #[serde(default)]
    pub limits: Vec<String>,
}

/// A process only a reboot helps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebootOnly {
    /// `1 sshd`.
    pub process: String,
    pub reason: RebootReason,
}

/// A host's restart state, decided from its processes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Units and services to restart.
    pub services: Vec<Service>,
    /// Processes only a reboot helps, with why (`1 sshd`, PID 1).
    pub reboot_only: Vec<RebootOnly>,
    /// Processes without a known service (restart them by hand, or reboot).
    #[serde(rename = "no_service")]
    pub manual: Vec<String>,
}

impl Decision {
    /// Nothing runs old code.
    pub fn is_clear(&self) -> bool {
        self.services.is_empty() && self.reboot_only.is_empty() && self.manual.is_empty()
    }

    /// Only a reboot brings every process onto the new code (restarting what can be
    /// restarted is not enough).
    pub fn needs_reboot(&self) -> bool {
        !self.reboot_only.is_empty()
    }

    /// One line: `restart pcdemo (sysv), ssh.service; reboot only: 1 sshd (PID 1);
    /// by hand: 812 vim`. Empty when clear.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if !self.services.is_empty() {
            let s: Vec<String> = self.services.iter().map(Service::label).collect();
            parts.push(format!("restart {}", s.join(", ")));
        }
        if !self.reboot_only.is_empty() {
            let s: Vec<String> = self
                .reboot_only
                .iter()
                .map(|r| format!("{} ({})", r.process, r.reason.as_str()))
                .collect();
            parts.push(format!("reboot only: {}", s.join(", ")));
        }
        if !self.manual.is_empty() {
            parts.push(format!("no service known: {}", self.manual.join(", ")));
        }
        parts.join("; ")
    }
}

impl RestartFacts {
    pub fn decide(&self) -> Decision {
        let mut d = Decision::default();
        let mut services = BTreeSet::new();
        for p in &self.processes {
            match p.remedy() {
                Remedy::Restart(s) => {
                    services.insert(s);
                }
                Remedy::Reboot(reason) => d.reboot_only.push(RebootOnly {
                    process: p.label(),
                    reason,
                }),
                Remedy::Manual => d.manual.push(p.label()),
            }
        }
        d.services = services.into_iter().collect();
        d
    }

    /// Every package owning a file some process still maps.
    pub fn packages(&self) -> BTreeSet<&str> {
        self.processes
            .iter()
            .flat_map(|p| p.packages.iter().map(String::as_str))
            .collect()
    }

    /// The units, services or processes still running `package`'s old files: what
    /// `findings` names for a finding whose fix waits for a restart.
    pub fn holders_of(&self, package: &str) -> Vec<String> {
        let mut out = BTreeSet::new();
        for p in self
            .processes
            .iter()
            .filter(|p| p.packages.iter().any(|x| x == package))
        {
            out.insert(match p.remedy() {
                Remedy::Restart(s) => s.label(),
                Remedy::Reboot(r) => format!("{} ({}, reboot)", p.label(), r.as_str()),
                Remedy::Manual => p.label(),
            });
        }
        out.into_iter().collect()
    }
}

fn unit_ok(u: &str) -> bool {
    u.len() <= 256
        && (u.ends_with(".service") || u == "init.scope")
        && u.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'.' | b'\\' | b'@' | b'-')
        })
        && !u.starts_with('-')
}

fn sysv_ok(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && !n.starts_with(['-', '.'])
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
}

fn path_ok(p: &str) -> bool {
    p.starts_with('/') && safe_text(p, MAX_PATH)
}

/// Reads the `restart` section. None when the output has none (an older collector).
/// `name_ok` is the package manager's name grammar, for the owners. Rejected lines go
/// to `warn`.
pub fn parse(
    lines: Option<&[&str]>,
    name_ok: &dyn Fn(&str) -> bool,
    warn: &mut dyn FnMut(String),
) -> Option<RestartFacts> {
    let lines = lines?;
    let mut check = None;
    let mut processes: Vec<StaleProcess> = Vec::new();
    let mut limits = Vec::new();
    let mut rejected = 0usize;
    let mut first_rejected: Option<String> = None;
    let mut reject = |l: &str| {
        rejected += 1;
        first_rejected.get_or_insert_with(|| shorten(l));
    };
    for l in lines {
        let fields: Vec<&str> = l.split('\t').collect();
        match fields.as_slice() {
            ["state", s] => {
                check = match *s {
                    "live" => Some(Check::Live),
                    "offline" => Some(Check::OfflineRoot),
                    "no-proc" => Some(Check::NoProc),
                    _ => {
                        reject(l);
                        None
                    }
                }
            }
            ["limit", what @ ("pids" | "time" | "owners")] => limits.push((*what).to_string()),
            ["proc", pid, xd @ ("0" | "1"), unit, sysv, comm] => {
                let pid = match pid.parse::<u32>() {
                    Ok(p) if p > 0 && pid.len() <= 10 => p,
                    _ => {
                        reject(l);
                        continue;
                    }
                };
                if (!unit.is_empty() && !unit_ok(unit))
                    || (!sysv.is_empty() && !sysv_ok(sysv))
                    || processes.iter().any(|p| p.pid == pid)
                    || processes.len() >= MAX_PROCESSES
                {
                    reject(l);
                    continue;
                }
                let service = if unit.ends_with(".service") {
                    Some(Service::Systemd((*unit).to_string()))
                } else if !sysv.is_empty() {
                    Some(Service::Sysv((*sysv).to_string()))
                } else {
                    None
                };
                // A name the host could fake (any process may set its own) is refused,
                // but the process stays listed: it still runs replaced code.
                let name = if safe_text(comm, 64) {
                    (*comm).to_string()
                } else {
                    reject(l);
                    "(name refused)".to_string()
                };
                processes.push(StaleProcess {
                    pid,
                    name,
                    service,
                    init_scope: *unit == "init.scope",
                    exe_deleted: *xd == "1",
                    files: Vec::new(),
                    files_refused: 0,
                    packages: Vec::new(),
                });
            }
            ["file", pid, path @ ..] if !path.is_empty() => {
                // A path holding a tab arrives in several fields: it is refused below.
                let path = path.join("\t");
                let p = pid
                    .parse::<u32>()
                    .ok()
                    .and_then(|pid| processes.iter_mut().rev().find(|p| p.pid == pid));
                match p {
                    Some(p) if path_ok(&path) && p.files.len() < MAX_FILES => {
                        if !p.files.contains(&path) {
                            p.files.push(path);
                        }
                    }
                    Some(p) => {
                        p.files_refused += 1;
                        reject(l);
                    }
                    None => reject(l),
                }
            }
            ["owner", path, pkg] if path_ok(path) && name_ok(pkg) => {
                let mut found = false;
                for p in processes
                    .iter_mut()
                    .filter(|p| p.files.iter().any(|f| f == path))
                {
                    found = true;
                    if !p.packages.iter().any(|x| x == pkg) {
                        p.packages.push((*pkg).to_string());
                    }
                }
                if !found {
                    reject(l);
                }
            }
            [""] => {}
            _ => reject(l),
        }
    }
    if let Some(first) = first_rejected {
        warn(format!(
            "restart: {rejected} line{} rejected (the first: {first:?})",
            if rejected == 1 { "" } else { "s" }
        ));
    }
    let Some(check) = check else {
        warn("restart: no state line: which processes run replaced code is unknown".into());
        return None;
    };
    // A process line without any path line says nothing checkable.
    processes.retain(|p| !p.files.is_empty() || p.files_refused > 0);
    if !limits.is_empty() {
        warn(format!(
            "restart: the collector stopped at its bound ({}): the list of processes running replaced code may be incomplete",
            limits.join(", ")
        ));
    }
    Some(RestartFacts {
        check,
        processes,
        limits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<RestartFacts>, Vec<String>) {
        let lines: Vec<&str> = text.lines().collect();
        let mut w = Vec::new();
        let r = parse(Some(&lines), &crate::family::deb::name_ok, &mut |s| {
            w.push(s)
        });
        (r, w)
    }

    #[test]
    fn processes_services_files_and_owners() {
        let (r, w) = run("state\tlive\n\
             proc\t1\t0\t\t\tsshd\n\
             file\t1\t/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n\
             proc\t77\t1\t\tpcdemo\tperl\n\
             file\t77\t/usr/bin/perl\n\
             proc\t80\t0\tssh.service\t\tsshd\n\
             file\t80\t/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n\
             proc\t90\t0\tdbus.service\t\tdbus-daemon\n\
             file\t90\t/usr/lib/x86_64-linux-gnu/libexpat.so.1.8.10\n\
             proc\t95\t0\t\t\tvim\n\
             file\t95\t/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n\
             owner\t/usr/lib/x86_64-linux-gnu/libcrypto.so.3\tlibssl3\n\
             owner\t/usr/bin/perl\tperl-base\n");
        assert!(w.is_empty(), "{w:?}");
        let r = r.unwrap();
        assert_eq!(r.check, Check::Live);
        assert_eq!(r.processes.len(), 5);
        assert_eq!(r.processes[0].packages, ["libssl3"]);
        assert!(r.processes[1].exe_deleted);
        let d = r.decide();
        assert_eq!(
            d.services,
            [
                Service::Systemd("ssh.service".into()),
                Service::Sysv("pcdemo".into())
            ]
        );
        assert_eq!(
            d.reboot_only,
            [
                RebootOnly {
                    process: "1 sshd".into(),
                    reason: RebootReason::Init
                },
                RebootOnly {
                    process: "90 dbus-daemon".into(),
                    reason: RebootReason::Dbus
                }
            ]
        );
        assert_eq!(d.manual, ["95 vim"]);
        assert!(d.needs_reboot());
        assert_eq!(
            d.text(),
            "restart ssh.service, pcdemo (sysv); reboot only: 1 sshd (PID 1), 90 dbus-daemon (D-Bus); no service known: 95 vim"
        );
        assert_eq!(
            r.packages().into_iter().collect::<Vec<_>>(),
            ["libssl3", "perl-base"]
        );
        assert_eq!(
            r.holders_of("libssl3"),
            ["1 sshd (PID 1, reboot)", "95 vim", "ssh.service"]
        );
    }

    #[test]
    fn hostile_lines_are_rejected_by_name() {
        let (r, w) = run("state\tlive\n\
             proc\t12\t0\tx;reboot.service\t\tevil\n\
             proc\t13\t0\t\t../../x\tevil\n\
             proc\tabc\t0\t\t\tx\n\
             proc\t14\t0\t\t\tok\n\
             file\t14\trelative/path\n\
             file\t14\t/usr/lib/libok.so\n\
             file\t99\t/usr/lib/other\n\
             owner\t/usr/lib/libok.so\t$(rm)\n\
             garbage\n\
             proc\t15\t1\t\t\tev\x1b[31mil\n\
             file\t15\t/usr/lib/a\tb\n");
        let r = r.unwrap();
        assert_eq!(r.processes.len(), 2);
        assert_eq!(r.processes[0].files, ["/usr/lib/libok.so"]);
        assert_eq!(r.processes[0].files_refused, 1);
        assert!(r.processes[0].packages.is_empty());
        // A hostile name and path do not hide the process.
        assert_eq!(r.processes[1].name, "(name refused)");
        assert_eq!(r.processes[1].files_refused, 1);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("restart: 9 lines rejected"), "{w:?}");
    }

    #[test]
    fn offline_roots_and_old_collectors_say_so() {
        assert_eq!(run("state\toffline\n").0.unwrap().check, Check::OfflineRoot);
        assert!(parse(None, &|_| true, &mut |_| {}).is_none());
        let (r, w) = run("proc\t1\t0\t\t\tinit\n");
        assert!(r.is_none());
        assert_eq!(w.len(), 1, "{w:?}");
        let (r, w) = run("state\tlive\nlimit\tpids\n");
        assert!(r.unwrap().limits == ["pids"]);
        assert!(w[0].contains("may be incomplete"));
    }

    #[test]
    fn systemd_core_and_init_scope_need_a_reboot() {
        let p = |unit: &str, pid| StaleProcess {
            pid,
            name: "x".into(),
            service: Some(Service::Systemd(unit.into())),
            init_scope: false,
            exe_deleted: false,
            files: vec!["/usr/lib/x".into()],
            files_refused: 0,
            packages: vec![],
        };
        assert_eq!(
            p("systemd-journald.service", 300).remedy(),
            Remedy::Reboot(RebootReason::SystemdCore)
        );
        assert_eq!(
            p("cron.service", 1).remedy(),
            Remedy::Reboot(RebootReason::Init)
        );
        assert_eq!(
            p("cron.service", 400).remedy(),
            Remedy::Restart(Service::Systemd("cron.service".into()))
        );
    }
}
