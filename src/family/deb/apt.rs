//! What deploy and rollback run on a dpkg/apt host: shell scripts sent to `sh -s`, and
//! parsers of what they print. Every package name and version put into a script has
//! passed the dpkg grammar and is single-quoted; the scripts speak the collector's
//! protocol (`exec::protocol`: sections marked with a random token, so package output
//! cannot fake one).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::family::restart::Service;
use crate::version::Scheme;

use crate::exec::protocol::{self, clip, shell_quote as sh_quote};
use crate::family::deploy::HOST_LOCK;
pub use crate::family::deploy::{Change, Readback, rc, rollback_dir};
use crate::family::deploy::{Deployer, FamilyCheck, Pin, ToolWords};

/// Debian's package-name grammar (the family's one rule).
pub fn valid_package(name: &str) -> bool {
    crate::family::deb::name_ok(name)
}

fn valid_version(v: &str) -> bool {
    Scheme::Deb.validate(v).is_ok()
}

/// `name=version` for apt, checked.
fn pin(name: &str, version: &str) -> Result<String, String> {
    if !valid_package(name) {
        return Err(format!("invalid package name {name:?}"));
    }
    if !valid_version(version) {
        return Err(format!("invalid version {version:?} of {name}"));
    }
    Ok(sh_quote(&format!("{name}={version}")))
}

/// A script with the common prelude: token, section printer, C locale, plain PATH,
/// non-interactive apt and dpkg, and the host lock.
pub(crate) fn script(token: &str, body: &str) -> String {
    let mut s = protocol::prelude(token);
    s.push_str(
        "LC_ALL=C; export LC_ALL\n\
         PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH\n\
         DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND\n\
         APT_LISTCHANGES_FRONTEND=none; export APT_LISTCHANGES_FRONTEND\n\
         NEEDRESTART_MODE=a; export NEEDRESTART_MODE\n",
    );
    s.push_str(HOST_LOCK);
    s.push_str(body);
    s.push_str(&protocol::end_printer());
    s
}

/// apt options for a real run: wait for the dpkg lock, keep changed config files.
fn apt_options(lock: Duration) -> String {
    format!(
        "-q -y -o DPkg::Lock::Timeout={} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold",
        lock.as_secs()
    )
}

/// The sections every step that changes or checks a host ends with, read by
/// [`parse_readback`]. Its dpkg-query format (package, version, status) is not the
/// collector's (which adds architecture and source package for matching): a deploy
/// compares versions by package name and never matches advisories.
const READBACK: &str = "s systemd\n\
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl is-system-running 2>&1; else echo none; fi\n\
s dpkg\n\
dpkg-query -W -f '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n' 2>/dev/null\n\
s boot-id\ncat /proc/sys/kernel/random/boot_id 2>/dev/null\n\
s reboot\nif [ -f /var/run/reboot-required ]; then echo yes; else echo no; fi\n";

/// Installed versions, boot id, the reboot flag and the systemd state.
pub fn readback_script(token: &str) -> String {
    script(token, READBACK)
}

/// The apt-get command line that simulates installing the targets.
pub(crate) fn simulate_command(targets: &[(String, String)]) -> Result<String, String> {
    Ok(format!(
        "apt-get -s -o Debug::NoLocking=1 install --only-upgrade --no-install-recommends {}",
        pins(targets)?
    ))
}

/// What apt would do to install the targets: nothing changes on the host.
pub fn simulate_script(token: &str, targets: &[(String, String)]) -> Result<String, String> {
    let sim = simulate_command(targets)?;
    Ok(script(
        token,
        &format!(
            "s sim\n{sim} 2>&1\n\
             rc=$?\ns rc\necho $rc\n{READBACK}"
        ),
    ))
}

fn pins(targets: &[(String, String)]) -> Result<String, String> {
    Ok(targets
        .iter()
        .map(|(n, v)| pin(n, v))
        .collect::<Result<Vec<_>, _>>()?
        .join(" "))
}

/// Downloads the versions installed now into the deployment's rollback directory, then
/// lists what is there (package and version read from each file).
pub fn keep_script(
    token: &str,
    deployment: i64,
    installed: &[(String, String)],
) -> Result<String, String> {
    let pins = pins(installed)?;
    let dir = sh_quote(&rollback_dir(deployment));
    Ok(script(
        token,
        &format!(
            "s keep\numask 022\nmkdir -p {dir} && cd {dir} && apt-get -q download {pins} 2>&1\n\
             rc=$?\ns rc\necho $rc\ns kept\n\
             for f in {dir}/*.deb; do [ -f \"$f\" ] && dpkg-deb -W --showformat='${{Package}}\\t${{Version}}\\n' \"$f\" 2>/dev/null; done\n"
        ),
    ))
}

/// Removes a deployment's kept packages (the cycle is closed).
pub fn cleanup_script(token: &str, deployment: i64) -> String {
    script(
        token,
        &format!("rm -rf -- {}\n", sh_quote(&rollback_dir(deployment))),
    )
}

/// Installs the exact target versions, non-interactively, keeping changed config files.
pub fn install_script(
    token: &str,
    targets: &[(String, String)],
    lock: Duration,
) -> Result<String, String> {
    let pins = pins(targets)?;
    let opts = apt_options(lock);
    Ok(script(
        token,
        &format!(
            "s install\napt-get {opts} install --only-upgrade --no-install-recommends {pins} 2>&1\n\
             rc=$?\ns rc\necho $rc\n{READBACK}"
        ),
    ))
}

/// Puts the kept packages back (downgrading) and removes packages the deployment
/// newly installed.
pub fn rollback_script(
    token: &str,
    deployment: i64,
    remove: &[String],
    lock: Duration,
) -> Result<String, String> {
    for n in remove {
        if !valid_package(n) {
            return Err(format!("invalid package name {n:?}"));
        }
    }
    let removes: String = remove
        .iter()
        .map(|n| format!(" {}", sh_quote(&format!("{n}-"))))
        .collect();
    let dir = sh_quote(&rollback_dir(deployment));
    let opts = apt_options(lock);
    Ok(script(
        token,
        &format!(
            "s rollback\nset -- {dir}/*.deb\nif [ -f \"$1\" ]; then\n\
             apt-get {opts} --allow-downgrades install \"$@\"{removes} 2>&1\nrc=$?\n\
             else echo 'no kept packages in '{dir}; rc=1; fi\ns rc\necho $rc\n{READBACK}"
        ),
    ))
}

/// Built-in health checks: `dpkg --audit`, and the facts (systemd state, versions).
pub fn health_script(token: &str) -> String {
    script(
        token,
        &format!("s audit\ndpkg --audit 2>&1\ns audit-rc\necho $?\n{READBACK}"),
    )
}

/// The collector's `restart` section alone (`family::restart`): the processes that still
/// run code the install replaced.
pub fn restart_facts_script(token: &str) -> String {
    script(
        token,
        &format!("R=''\nFAM=dpkg\n{}", crate::family::restart::COLLECTOR),
    )
}

/// Restarts each service (its output in section `restart-out-N`, its exit status in
/// `restart-rc-N`), then collects the `restart` section again to see what is left.
pub fn restart_services_script(token: &str, services: &[Service]) -> String {
    script(
        token,
        &crate::family::deploy::restart_services_body(services, "dpkg"),
    )
}

/// Starts a reboot detached from the session, after printing the boot id.
pub fn reboot_script(token: &str) -> String {
    script(token, crate::family::deploy::REBOOT)
}

pub use crate::family::deploy::command_script;

/// Reads the [`READBACK`] sections of a step's output.
pub fn parse_readback(map: &BTreeMap<String, String>) -> Result<Readback, String> {
    let dpkg = map.get("dpkg").ok_or("no dpkg section")?;
    let mut versions = BTreeMap::new();
    for line in dpkg.lines().filter(|l| !l.is_empty()) {
        let mut f = line.split('\t');
        let (Some(name), Some(version), Some(status)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if !status.starts_with("ii") {
            continue;
        }
        if valid_package(name) && valid_version(version) {
            versions
                .entry(name.to_string())
                .or_insert_with(|| version.to_string());
        }
    }
    if versions.is_empty() {
        return Err("dpkg-query listed no installed package".into());
    }
    let boot_id = map
        .get("boot-id")
        .map(|b| b.trim().to_string())
        .filter(|b| b.len() <= 64 && b.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .unwrap_or_default();
    let reboot_required = map.get("reboot").is_some_and(|r| r.trim() == "yes");
    let systemd = map
        .get("systemd")
        .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(clip)
        .unwrap_or_else(|| "none".into());
    Ok(Readback {
        versions,
        boot_id,
        reboot_required,
        systemd,
        nevras: Default::default(),
    })
}

/// apt's simulation: `Inst name [old] (new …)` lines; `Remv` lines are refused.
pub fn parse_simulation(text: &str) -> Result<Vec<Change>, String> {
    let mut out = Vec::new();
    let mut removed = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Inst ") {
            let mut words = rest.split_whitespace();
            let name = words.next().unwrap_or_default();
            let mut from = None;
            let mut next = words.next().unwrap_or_default();
            if let Some(old) = next.strip_prefix('[').and_then(|o| o.strip_suffix(']')) {
                from = Some(old.to_string());
                next = words.next().unwrap_or_default();
            }
            let to = next.strip_prefix('(').unwrap_or_default();
            if !valid_package(name)
                || !valid_version(to)
                || from.as_deref().is_some_and(|f| !valid_version(f))
            {
                return Err(format!("apt printed an unreadable line: {}", clip(line)));
            }
            out.push(Change {
                package: name.to_string(),
                from,
                to: to.to_string(),
                arch: None,
            });
        } else if let Some(rest) = line.strip_prefix("Remv ") {
            removed.push(
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    if !removed.is_empty() {
        return Err(format!(
            "apt would remove {}; refusing to remove packages",
            removed.join(", ")
        ));
    }
    Ok(out)
}

/// apt's error lines, which some failures print with exit status 0.
pub fn apt_errors(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.starts_with("E: ")
                || l.starts_with("dpkg: error")
                || l.starts_with("Errors were encountered")
                || l.starts_with("dpkg: dependency problems")
        })
        .map(clip)
        .collect()
}

/// Kept packages as listed by `keep_script`: (package, version).
pub fn parse_kept(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let (n, v) = l.split_once('\t')?;
            (valid_package(n) && valid_version(v)).then(|| (n.to_string(), v.to_string()))
        })
        .collect()
}

/// Whether `installed` is at least `target` (dpkg order); false for unreadable versions.
pub fn at_least(installed: &str, target: &str) -> bool {
    Scheme::Deb
        .compare(installed, target)
        .is_ok_and(|o| o.is_ge())
}

/// The deploy side of Debian's family: the scripts above, for the engine.
pub struct Apt;

fn pairs(pins: &[Pin]) -> Vec<(String, String)> {
    pins.iter()
        .map(|p| (p.package.clone(), p.version.clone()))
        .collect()
}

impl Deployer for Apt {
    fn words(&self) -> ToolWords {
        ToolWords {
            manager: "apt",
            simulate: "apt-get -s",
            install: "apt-get",
            lock: "dpkg",
        }
    }
    fn scheme(&self) -> Scheme {
        Scheme::Deb
    }
    fn name_ok(&self, name: &str) -> bool {
        valid_package(name)
    }
    fn collector_family(&self) -> &'static str {
        "dpkg"
    }
    fn readback_script(&self, token: &str) -> String {
        readback_script(token)
    }
    fn parse_readback(&self, map: &BTreeMap<String, String>) -> Result<Readback, String> {
        parse_readback(map)
    }
    fn simulate_script(&self, token: &str, targets: &[Pin]) -> Result<String, String> {
        simulate_script(token, &pairs(targets))
    }
    fn parse_simulation(&self, map: &BTreeMap<String, String>) -> Result<Vec<Change>, String> {
        parse_simulation(map.get("sim").map(String::as_str).unwrap_or_default())
    }
    fn errors(&self, text: &str) -> Vec<String> {
        apt_errors(text)
    }
    fn lock_error(&self, e: &str) -> bool {
        e.contains("Could not get lock")
            || e.contains("Unable to acquire the dpkg")
            || e.contains("Unable to lock")
    }
    fn keep_script(
        &self,
        token: &str,
        deployment: i64,
        installed: &[Pin],
    ) -> Result<String, String> {
        keep_script(token, deployment, &pairs(installed))
    }
    fn parse_kept(&self, text: &str) -> Vec<(String, String)> {
        parse_kept(text)
    }
    fn cleanup_script(&self, token: &str, deployment: i64) -> String {
        cleanup_script(token, deployment)
    }
    fn install_script(
        &self,
        token: &str,
        targets: &[Pin],
        lock: Duration,
    ) -> Result<String, String> {
        install_script(token, &pairs(targets), lock)
    }
    fn rollback_script(
        &self,
        token: &str,
        deployment: i64,
        changes: &[Change],
        lock: Duration,
    ) -> Result<String, String> {
        let remove: Vec<String> = changes
            .iter()
            .filter(|c| c.from.is_none())
            .map(|c| c.package.clone())
            .collect();
        rollback_script(token, deployment, &remove, lock)
    }
    fn health_script(&self, token: &str, _changed: &[String]) -> Result<String, String> {
        Ok(health_script(token))
    }
    fn family_checks(&self, map: &BTreeMap<String, String>) -> Vec<FamilyCheck> {
        let audit = map.get("audit").map(|a| a.trim()).unwrap_or_default();
        let audit_rc = map.get("audit-rc").map(|a| a.trim()).unwrap_or_default();
        vec![FamilyCheck {
            check: "dpkg --audit".into(),
            ok: audit.is_empty() && audit_rc == "0",
            detail: if audit.is_empty() {
                "clean".into()
            } else {
                clip(audit.lines().next().unwrap_or_default())
            },
        }]
    }
    fn check_names(&self) -> &'static [&'static str] {
        &["dpkg --audit clean"]
    }
    fn restart_facts_script(&self, token: &str) -> String {
        restart_facts_script(token)
    }
    fn restart_services_script(&self, token: &str, services: &[Service]) -> String {
        restart_services_script(token, services)
    }
    fn reboot_script(&self, token: &str) -> String {
        reboot_script(token)
    }
    fn ansible_keep_script(
        &self,
        token: &str,
        deployment: i64,
        targets: &[Pin],
    ) -> Result<String, String> {
        ansible_keep_script(token, deployment, &pairs(targets))
    }
}

/// `--engine ansible`'s keep step: downloads the installed versions of what apt would
/// upgrade (read from its simulation on the host, so dependencies are kept too) and
/// fails unless every one is there.
fn ansible_keep_script(
    token: &str,
    deployment: i64,
    pins: &[(String, String)],
) -> Result<String, String> {
    let line = simulate_command(pins)?;
    let dir = sh_quote(&rollback_dir(deployment));
    Ok(script(
        token,
        &format!(
            "umask 022\nmkdir -p {dir} && cd {dir} || exit 1\n\
         {line} 2>/dev/null | sed -n 's/^Inst \\([^ ]*\\) \\[\\([^]]*\\)\\].*/\\1=\\2/p' > .want || exit 1\n\
         while read -r p; do apt-get -q download \"$p\" || exit 1; done < .want\n\
         kept=$(for f in *.deb; do [ -f \"$f\" ] && dpkg-deb -W --showformat='${{Package}}=${{Version}}\\n' \"$f\"; done)\n\
         while read -r p; do printf '%s\\n' \"$kept\" | grep -qxF \"$p\" || {{ echo \"not kept: $p\"; exit 1; }}; done < .want\n"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
        assert_eq!(sh_quote("$(reboot)"), "'$(reboot)'");
    }

    #[test]
    fn pins_refuse_hostile_names_and_versions() {
        assert!(pin("libssl3", "3.0.20-1~deb12u2").is_ok());
        assert!(pin("foo;rm", "1.0").is_err());
        assert!(pin("foo", "1.0 bar").is_err());
        assert!(pin("foo", "$(reboot)").is_err());
        assert!(pin("-oAPT::x", "1").is_err());
    }

    #[test]
    fn simulation_lines() {
        let text = "NOTE: This is only a simulation!\n\
            Inst libssl3 [3.0.20-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/stable-security [amd64])\n\
            Inst newdep (1.0-1 Debian:12/stable [amd64])\n\
            Conf libssl3 (3.0.22-1~deb12u2 Debian-Security:12/stable-security [amd64])\n";
        let c = parse_simulation(text).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].from.as_deref(), Some("3.0.20-1~deb12u2"));
        assert_eq!(c[1].from, None);
        assert!(parse_simulation("Remv libfoo [1.0]\n").is_err());
        assert!(parse_simulation("Inst $(x) [1] (2 a)\n").is_err());
    }

    #[test]
    fn sections_need_the_end_marker() {
        use crate::exec::protocol::sections;
        let out = "@@PC t rc\n0\n@@PC t END\n";
        assert_eq!(rc(&sections(out, "t").unwrap()), Some(0));
        assert!(sections("@@PC t rc\n0\n", "t").is_none());
        // Another token is data, not a section.
        let m = sections("@@PC t sim\n@@PC x rc\n@@PC t END\n", "t").unwrap();
        assert_eq!(m["sim"], "@@PC x rc\n");
    }

    /// The scripts hosts run, byte for byte as before the protocol module: the fleet
    /// lab's deploy tests and saved Ansible runs read what they print.
    #[test]
    fn a_step_script_is_the_one_hosts_have_always_run() {
        let expected = format!(
            "T='00ff'\n\
             s() {{ printf '\\n@@PC %s %s\\n' \"$T\" \"$1\"; }}\n\
             LC_ALL=C; export LC_ALL\n\
             PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH\n\
             DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND\n\
             APT_LISTCHANGES_FRONTEND=none; export APT_LISTCHANGES_FRONTEND\n\
             NEEDRESTART_MODE=a; export NEEDRESTART_MODE\n\
             {HOST_LOCK}s audit\ndpkg --audit 2>&1\ns audit-rc\necho $?\n{READBACK}s END\n"
        );
        assert_eq!(health_script("00ff"), expected);
        assert_eq!(
            crate::exec::protocol::token_of(&health_script("00ff")),
            Some("00ff")
        );
    }

    #[test]
    fn a_readback_keeps_installed_packages_only() {
        let map: BTreeMap<String, String> = [
            (
                "dpkg",
                "openssl\t3.0.11-1\tii \nheld\t1.0\thi \nbad;name\t1\tii \nopenssl\t9\tii \n",
            ),
            ("boot-id", "0a-1f\n"),
            ("reboot", "yes\n"),
            ("systemd", "\n degraded \n"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = parse_readback(&map).unwrap();
        assert_eq!(
            r.versions.into_iter().collect::<Vec<_>>(),
            [("openssl".to_string(), "3.0.11-1".to_string())]
        );
        assert_eq!(r.boot_id, "0a-1f");
        assert!(r.reboot_required);
        assert_eq!(r.systemd, "degraded");
        assert_eq!(
            parse_readback(&BTreeMap::new()).unwrap_err(),
            "no dpkg section"
        );
    }
}
