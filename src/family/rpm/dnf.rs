//! What deploy and rollback run on an rpm/dnf host (AlmaLinux, Rocky, RHEL, CentOS
//! Stream, Fedora, Oracle, Amazon 2023): shell scripts sent to `sh -s`, and parsers of
//! what they print. Every target is an exact `name-[epoch:]version-release.arch` whose
//! parts passed the rpm grammars (`rpm_name_ok`, the rpm version engine, `rpm_arch_ok`)
//! and is single-quoted; the scripts speak the collector's protocol.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::{evr, rpm_arch_ok, rpm_name_ok};
use crate::exec::protocol::{self, clip, shell_quote as sh_quote};
use crate::family::deploy::{
    Change, Deployer, FamilyCheck, HOST_LOCK, Pin, REBOOT, Readback, ToolWords, rollback_dir,
};
use crate::family::pkgcmd::rpm_evr_ok;
use crate::family::restart::Service;
use crate::version::Scheme;

/// The deploy side of the rpm family.
pub struct Dnf;

/// Why `--engine ansible` cannot patch rpm hosts yet.
pub const NO_ANSIBLE: &str = "--engine ansible does not patch rpm hosts yet (its keep step reads apt's simulation); use the built-in engine";

/// `name-[epoch:]version-release.arch`, checked, quoted.
fn spec(p: &Pin) -> Result<String, String> {
    Ok(sh_quote(&nevra(p)?))
}

/// `name-[epoch:]version-release.arch`, checked, unquoted.
fn nevra(p: &Pin) -> Result<String, String> {
    if !rpm_name_ok(&p.package) {
        return Err(format!("{:?} is not an rpm package name", p.package));
    }
    if !rpm_evr_ok(&p.version) {
        return Err(format!(
            "{:?} (for {}) is not an exact rpm [epoch:]version-release",
            p.version, p.package
        ));
    }
    let arch = p
        .arch
        .as_deref()
        .ok_or_else(|| format!("no architecture for {} (rescan the host)", p.package))?;
    if !rpm_arch_ok(arch) {
        return Err(format!("{arch:?} (for {}) is not an rpm arch", p.package));
    }
    Ok(format!("{}-{}.{arch}", p.package, p.version))
}

fn specs(pins: &[Pin]) -> Result<String, String> {
    if pins.is_empty() {
        return Err("no packages given".into());
    }
    Ok(pins
        .iter()
        .map(spec)
        .collect::<Result<Vec<_>, _>>()?
        .join(" "))
}

/// A script with the common prelude: token, section printer, C locale, plain PATH, the
/// host lock.
fn script(token: &str, body: &str) -> String {
    let mut s = protocol::prelude(token);
    s.push_str(
        "LC_ALL=C; export LC_ALL\n\
         PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH\n",
    );
    s.push_str(HOST_LOCK);
    s.push_str(body);
    s.push_str(&protocol::end_printer());
    s
}

/// The sections every step that changes or checks a host ends with, read by
/// [`parse_readback`]: systemd state, every installed package (epoch 0 for none, as the
/// collector prints it), boot id, and `needs-restarting -r`'s answer.
const READBACK: &str = "s systemd\n\
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl is-system-running 2>&1; else echo none; fi\n\
s rpm\n\
rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{0}|\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n' 2>/dev/null\n\
s boot-id\ncat /proc/sys/kernel/random/boot_id 2>/dev/null\n\
s reboot\n\
if command -v needs-restarting >/dev/null 2>&1; then needs-restarting -r >/dev/null 2>&1; \
case $? in 0) echo no ;; 1) echo yes ;; *) echo unknown ;; esac; else echo unknown; fi\n";

/// Runs a command that needs rpm's transaction lock (or dnf's process lock) for at most
/// `$1` seconds of waiting. dnf fails at once when rpm's lock is taken ("can't create
/// transaction lock"): it is run again each second; rpm itself and dnf's process lock
/// wait instead ("waiting for … lock"): such a run is stopped once the time is up. Either
/// way the lock was never taken and nothing was changed, which the rpm database's
/// checksum before and after confirms before the lock is named as the reason. Sets `rc`;
/// prints the output of the last run.
const LOCKED_RUN: &str = r#"pc_locked() {
  pc_lim=$1; shift
  pc_o=$(mktemp) || pc_o=/tmp/patchcycle-dnf.$$
  pc_db=$(rpm -qa --qf '%{NEVRA}\n' 2>/dev/null | sort | cksum)
  pc_w=0
  pc_stopped=
  while :; do
    "$@" </dev/null >"$pc_o" 2>&1 9>&- &
    pc_p=$!
    while kill -0 "$pc_p" 2>/dev/null; do
      if [ "$pc_w" -ge "$pc_lim" ] && tail -n 2 "$pc_o" | grep -qi -e 'waiting for .*lock' -e 'waiting for process with pid'; then
        kill "$pc_p" 2>/dev/null; pc_stopped=1; break
      fi
      sleep 1; pc_w=$((pc_w + 1))
    done
    wait "$pc_p"; rc=$?
    [ -n "$pc_stopped" ] && break
    if [ "$rc" != 0 ] && grep -qi "can't create transaction lock" "$pc_o"; then
      if [ "$pc_w" -ge "$pc_lim" ]; then pc_stopped=1; break; fi
      sleep 1; pc_w=$((pc_w + 1)); continue
    fi
    break
  done
  cat "$pc_o"; rm -f "$pc_o"
  if [ -n "$pc_stopped" ]; then
    if [ "$(rpm -qa --qf '%{NEVRA}\n' 2>/dev/null | sort | cksum)" = "$pc_db" ]; then
      echo "Error: the rpm/dnf lock stayed held for ${pc_lim}s; $1 never got it"
    else
      echo "Error: $1 was stopped while waiting for a lock, but the rpm database changed"
    fi
    rc=1
  fi
}
"#;

/// Installed versions (the newest of each name), every NEVRA, boot id, needs-restarting
/// and the systemd state.
pub fn parse_readback(map: &BTreeMap<String, String>) -> Result<Readback, String> {
    let rpm = map.get("rpm").ok_or("no rpm section")?;
    let nevras = parse_rpm_rows(rpm);
    if nevras.is_empty() {
        return Err("rpm -qa listed no installed package".into());
    }
    let mut versions: BTreeMap<String, String> = BTreeMap::new();
    for (name, v, _) in &nevras {
        match versions.get(name) {
            Some(old) if !Scheme::Rpm.compare(old, v).is_ok_and(|o| o.is_lt()) => {}
            _ => {
                versions.insert(name.clone(), v.clone());
            }
        }
    }
    let boot_id = map
        .get("boot-id")
        .map(|b| b.trim().to_string())
        .filter(|b| b.len() <= 64 && b.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .unwrap_or_default();
    // needs-restarting missing or failing says nothing: a reboot "if required" then
    // reboots rather than leave a kernel or glibc update inactive unseen.
    let reboot_required = map
        .get("reboot")
        .is_none_or(|r| matches!(r.trim(), "yes" | "unknown" | ""));
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
        nevras,
    })
}

/// `name\tepoch\tversion\trelease\tarch` rows → (name, EVR, arch); unreadable rows (and
/// gpg-pubkey's "(none)" arch) are left out.
fn parse_rpm_rows(text: &str) -> BTreeSet<(String, String, String)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let [name, epoch, version, release, arch] = f.as_slice() else {
                return None;
            };
            let v = evr(epoch, version, release);
            let epoch_ok = epoch.len() <= 10 && epoch.bytes().all(|b| b.is_ascii_digit());
            (rpm_name_ok(name) && rpm_arch_ok(arch) && epoch_ok && rpm_evr_ok(&v))
                .then(|| (name.to_string(), v, arch.to_string()))
        })
        .collect()
}

/// dnf's transaction table (`--assumeno`): `Upgrading:`/`Downgrading:` rows take their
/// old version from the readback of the same script; `Installing…` rows are new (an
/// install-only package such as the kernel is installed beside the running one);
/// removals, obsoletes and skipped packages are refused.
pub fn parse_simulation(map: &BTreeMap<String, String>) -> Result<Vec<Change>, String> {
    let text = map.get("sim").map(String::as_str).unwrap_or_default();
    let installed = parse_rpm_rows(map.get("rpm").map(String::as_str).unwrap_or_default());
    #[derive(PartialEq, Clone, Copy)]
    enum Part {
        Outside,
        New,
        Replace,
        Same,
    }
    let mut part = Part::Outside;
    let mut out = Vec::new();
    let mut removed = Vec::new();
    let mut carry: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("Transaction Summary") {
            break;
        }
        if !line.starts_with(' ') {
            carry = None;
            let head = line.trim_end();
            part = match head {
                "Installing:" | "Installing dependencies:" | "Installing weak dependencies:" => {
                    Part::New
                }
                "Upgrading:" | "Downgrading:" => Part::Replace,
                "Reinstalling:" => Part::Same,
                _ if head.starts_with("Removing")
                    || head.starts_with("Obsoleting")
                    || head.starts_with("Skipping") =>
                {
                    removed.push(head.trim_end_matches(':').to_lowercase());
                    Part::Outside
                }
                _ if head.ends_with(':') && part != Part::Outside => {
                    return Err(format!(
                        "dnf printed a transaction part patchcycle does not know: {}",
                        clip(head)
                    ));
                }
                _ => Part::Outside,
            };
            continue;
        }
        if part == Part::Outside {
            continue;
        }
        let joined;
        let row: &str = match carry.take() {
            Some(c) => {
                joined = format!("{c} {line}");
                &joined
            }
            None => line,
        };
        let words: Vec<&str> = row.split_whitespace().collect();
        if words.first() == Some(&"replacing") {
            removed.push(format!(
                "obsoleted {}",
                words.get(1).copied().unwrap_or("?")
            ));
            continue;
        }
        // A long name stands alone, its row continues on the next line.
        if words.len() == 1 {
            carry = Some(words[0].to_string());
            continue;
        }
        // name arch [epoch:]version-release repository size unit
        let (Some(name), Some(arch), Some(ver)) = (words.first(), words.get(1), words.get(2))
        else {
            return Err(format!("dnf printed an unreadable line: {}", clip(row)));
        };
        let to = ver
            .rsplit_once('-')
            .map(|(ev, r)| match ev.split_once(':') {
                Some((e, v)) => evr(e, v, r),
                None => evr("", ev, r),
            });
        let Some(to) = to.filter(|t| rpm_name_ok(name) && rpm_arch_ok(arch) && rpm_evr_ok(t))
        else {
            return Err(format!("dnf printed an unreadable line: {}", clip(row)));
        };
        let from = match part {
            Part::Same => continue,
            Part::New => None,
            _ => {
                let newest = installed
                    .iter()
                    .filter(|(n, _, a)| n == name && a == arch)
                    .map(|(_, v, _)| v)
                    .max_by(|a, b| {
                        Scheme::Rpm
                            .compare(a, b)
                            .unwrap_or(std::cmp::Ordering::Equal)
                    });
                Some(newest.cloned().ok_or_else(|| {
                    format!("dnf would replace {name}.{arch}, which rpm -qa does not list")
                })?)
            }
        };
        out.push(Change {
            package: name.to_string(),
            from,
            to,
            arch: Some(arch.to_string()),
        });
    }
    if !removed.is_empty() {
        return Err(format!(
            "dnf would remove packages ({}); refusing to remove packages",
            removed.join(", ")
        ));
    }
    Ok(out)
}

/// dnf's and rpm's error lines (dnf prints some with exit status 0).
pub fn dnf_errors(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.starts_with("Error:")
                || l.starts_with("error:")
                || l.starts_with("No match for argument")
                || l.starts_with("Problem")
                || l.starts_with("Transaction check error")
                || l.starts_with("Transaction test error")
                || l.starts_with("Error unpacking")
        })
        .map(clip)
        .collect()
}

/// Kept packages as listed by the keep script: (package, EVR).
pub fn parse_kept(text: &str) -> Vec<(String, String)> {
    parse_rpm_rows(text)
        .into_iter()
        .map(|(n, v, _)| (n, v))
        .collect()
}

/// `rpm -V`'s lines that say something is wrong: a changed configuration file (`c`) is
/// the administrator's, not a failed install.
fn verify_failures(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .filter(|l| {
            let mut w = l.split_whitespace();
            let _flags = w.next();
            w.next() != Some("c")
        })
        .collect()
}

impl Deployer for Dnf {
    fn words(&self) -> ToolWords {
        ToolWords {
            manager: "dnf",
            simulate: "dnf --assumeno",
            install: "dnf",
            lock: "rpm/dnf",
        }
    }
    fn scheme(&self) -> Scheme {
        Scheme::Rpm
    }
    fn name_ok(&self, name: &str) -> bool {
        rpm_name_ok(name)
    }
    fn collector_family(&self) -> &'static str {
        "rpm"
    }
    fn readback_script(&self, token: &str) -> String {
        script(token, READBACK)
    }
    fn parse_readback(&self, map: &BTreeMap<String, String>) -> Result<Readback, String> {
        parse_readback(map)
    }
    fn simulate_script(&self, token: &str, targets: &[Pin]) -> Result<String, String> {
        let specs = specs(targets)?;
        // `--assumeno` answers its own question with "Operation aborted." and exit 1: that
        // is the simulation having worked.
        Ok(script(
            token,
            &format!(
                "s sim\no=$(dnf --assumeno install -- {specs} 2>&1)\nrc=$?\nprintf '%s\\n' \"$o\"\n\
                 if [ \"$rc\" = 1 ] && printf '%s\\n' \"$o\" | grep -q '^Operation aborted'; then rc=0; fi\n\
                 s rc\necho $rc\n{READBACK}"
            ),
        ))
    }
    fn parse_simulation(&self, map: &BTreeMap<String, String>) -> Result<Vec<Change>, String> {
        parse_simulation(map)
    }
    fn errors(&self, text: &str) -> Vec<String> {
        dnf_errors(text)
    }
    fn lock_error(&self, line: &str) -> bool {
        line.contains("lock stayed held")
    }
    fn keep_script(
        &self,
        token: &str,
        deployment: i64,
        installed: &[Pin],
    ) -> Result<String, String> {
        let specs = specs(installed)?;
        let dir = sh_quote(&rollback_dir(deployment));
        Ok(script(
            token,
            &format!(
                "s keep\numask 022\nmkdir -p {dir} && cd {dir} && dnf -q download --destdir {dir} -- {specs} 2>&1\n\
                 rc=$?\ns rc\necho $rc\ns kept\n\
                 for f in {dir}/*.rpm; do [ -f \"$f\" ] && rpm -qp --nosignature --qf '%{{NAME}}\\t%|EPOCH?{{%{{EPOCH}}}}:{{0}}|\\t%{{VERSION}}\\t%{{RELEASE}}\\t%{{ARCH}}\\n' \"$f\" 2>/dev/null; done\n"
            ),
        ))
    }
    fn parse_kept(&self, text: &str) -> Vec<(String, String)> {
        parse_kept(text)
    }
    fn cleanup_script(&self, token: &str, deployment: i64) -> String {
        script(
            token,
            &format!("rm -rf -- {}\n", sh_quote(&rollback_dir(deployment))),
        )
    }
    fn install_script(
        &self,
        token: &str,
        targets: &[Pin],
        lock: Duration,
    ) -> Result<String, String> {
        let specs = specs(targets)?;
        Ok(script(
            token,
            &format!(
                "{LOCKED_RUN}s install\npc_locked {} dnf -y install -- {specs}\n\
                 s rc\necho $rc\n{READBACK}",
                lock.as_secs()
            ),
        ))
    }
    fn rollback_script(
        &self,
        token: &str,
        deployment: i64,
        changes: &[Change],
        lock: Duration,
    ) -> Result<String, String> {
        // Newly installed packages (a dependency, a kernel beside the running one) are
        // erased by their exact name-version-release.arch (rpm -e takes no epoch).
        let mut erase = Vec::new();
        for c in changes.iter().filter(|c| c.from.is_none()) {
            let p = Pin {
                package: c.package.clone(),
                version: c.to.clone(),
                arch: c.arch.clone(),
            };
            nevra(&p)?;
            let vr = c.to.split_once(':').map_or(c.to.as_str(), |(_, vr)| vr);
            let arch = c.arch.as_deref().unwrap_or_default();
            erase.push(sh_quote(&format!("{}-{vr}.{arch}", c.package)));
        }
        let dir = sh_quote(&rollback_dir(deployment));
        let lim = lock.as_secs();
        let kept = if changes.iter().any(|c| c.from.is_some()) {
            format!(
                "set -- {dir}/*.rpm\nif [ -f \"$1\" ]; then pc_locked {lim} rpm -Uvh --oldpackage --replacepkgs \"$@\"; \
                 else echo 'error: no kept packages in '{dir}; rc=1; fi\n"
            )
        } else {
            "rc=0\n".to_string()
        };
        let erase = if erase.is_empty() {
            String::new()
        } else {
            format!(
                "if [ \"$rc\" = 0 ]; then pc_locked {lim} rpm -ev -- {}; fi\n",
                erase.join(" ")
            )
        };
        Ok(script(
            token,
            &format!("{LOCKED_RUN}s rollback\n{kept}{erase}s rc\necho $rc\n{READBACK}"),
        ))
    }
    fn rollback_differences(&self, changes: &[Change], f: &Readback) -> Vec<String> {
        let mut wrong = Vec::new();
        for c in changes {
            let arch = c.arch.clone().unwrap_or_default();
            let have: Vec<&String> = f
                .nevras
                .iter()
                .filter(|(n, _, a)| *n == c.package && *a == arch)
                .map(|(_, v, _)| v)
                .collect();
            let has_new = have.iter().any(|v| **v == c.to);
            let ok = match &c.from {
                None => !has_new,
                Some(old) => !has_new && have.contains(&old),
            };
            if !ok {
                let now: Vec<&str> = have.iter().map(|v| v.as_str()).collect();
                wrong.push(format!(
                    "{}.{arch} is {} (before: {})",
                    c.package,
                    if now.is_empty() {
                        "absent".to_string()
                    } else {
                        now.join(" and ")
                    },
                    c.from.as_deref().unwrap_or("absent")
                ));
            }
        }
        wrong
    }
    fn health_script(&self, token: &str, changed: &[String]) -> Result<String, String> {
        let mut names = Vec::new();
        for n in changed {
            if !rpm_name_ok(n) {
                return Err(format!("{n:?} is not an rpm package name"));
            }
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        let verify = if names.is_empty() {
            "s rpm-verify-rc\necho 0\n".to_string()
        } else {
            let words: Vec<String> = names.iter().map(|n| sh_quote(n)).collect();
            format!(
                "s rpm-verify\nrpm -V -- {} 2>&1\ns rpm-verify-rc\necho $?\n",
                words.join(" ")
            )
        };
        Ok(script(
            token,
            &format!("{verify}s dnf-check\ndnf -q check 2>&1\ns dnf-check-rc\necho $?\n{READBACK}"),
        ))
    }
    fn family_checks(&self, map: &BTreeMap<String, String>) -> Vec<FamilyCheck> {
        let text = map
            .get("rpm-verify")
            .map(String::as_str)
            .unwrap_or_default();
        let rc = map
            .get("rpm-verify-rc")
            .map(|r| r.trim())
            .unwrap_or_default();
        let failures = verify_failures(text);
        let check = map.get("dnf-check").map(|c| c.trim()).unwrap_or_default();
        let check_rc = map
            .get("dnf-check-rc")
            .map(|r| r.trim())
            .unwrap_or_default();
        vec![
            FamilyCheck {
                check: "rpm -V".into(),
                // rpm -V exits 1 for a changed configuration file too: its lines decide.
                ok: failures.is_empty() && (rc == "0" || (rc == "1" && !text.trim().is_empty())),
                detail: match failures.first() {
                    Some(l) => clip(l),
                    None if rc.is_empty() => "did not run (output cut short)".into(),
                    None if rc != "0" && text.trim().is_empty() => format!("exit {}", clip(rc)),
                    None => "clean".into(),
                },
            },
            FamilyCheck {
                check: "dnf check".into(),
                ok: check.is_empty() && check_rc == "0",
                detail: if check.is_empty() && check_rc == "0" {
                    "clean".into()
                } else if check.is_empty() {
                    format!("exit {}", clip(check_rc))
                } else {
                    clip(check.lines().next().unwrap_or_default())
                },
            },
        ]
    }
    fn check_names(&self) -> &'static [&'static str] {
        &["rpm -V of the changed packages clean", "dnf check clean"]
    }
    fn restart_facts_script(&self, token: &str) -> String {
        script(
            token,
            &format!("R=''\nFAM=rpm\n{}", crate::family::restart::COLLECTOR),
        )
    }
    fn restart_services_script(&self, token: &str, services: &[Service]) -> String {
        script(
            token,
            &crate::family::deploy::restart_services_body(services, "rpm"),
        )
    }
    fn reboot_script(&self, token: &str) -> String {
        script(token, REBOOT)
    }
    fn ansible_supported(&self) -> Result<(), String> {
        Err(NO_ANSIBLE.into())
    }
    fn ansible_keep_script(
        &self,
        _token: &str,
        _deployment: i64,
        _targets: &[Pin],
    ) -> Result<String, String> {
        Err(NO_ANSIBLE.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const RPM: &str = "openssl\t1\t3.0.7\t1.el9\tnoarch\n\
        kernel\t0\t5.14.0\t70.el9\tx86_64\n\
        gpg-pubkey\t0\t3abb34f8\t5ffd890e\t(none)\n";

    /// dnf 4.14's `--assumeno` table, as it printed it for the test root (the kernel,
    /// install-only, and a dependency added by hand in its format).
    const SIM: &str = "Last metadata expiration check: 0:00:02 ago on Mon Dec  7 04:22:41 2026.\n\
        Dependencies resolved.\n\
        ================================================================================\n \
        Package           Arch        Version               Repository            Size\n\
        ================================================================================\n\
        Installing:\n \
        kernel            x86_64      5.14.0-71.el9         alma9-appstream      5.4 k\n\
        Upgrading:\n \
        openssl           noarch      1:3.0.7-6.el9_2       alma9-appstream      5.4 k\n\
        Installing dependencies:\n \
        a-very-long-package-name-that-dnf-puts-on-its-own-line\n      \
        noarch      0:2-1.el9             alma9-appstream      5.4 k\n\
        \n\
        Transaction Summary\n\
        ================================================================================\n\
        Upgrade  1 Package\n\
        Operation aborted.\n";

    #[test]
    fn the_transaction_table_gives_exact_changes() {
        let c = parse_simulation(&map(&[("sim", SIM), ("rpm", RPM)])).unwrap();
        let got: Vec<(&str, Option<&str>, &str, Option<&str>)> = c
            .iter()
            .map(|c| {
                (
                    c.package.as_str(),
                    c.from.as_deref(),
                    c.to.as_str(),
                    c.arch.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("kernel", None, "5.14.0-71.el9", Some("x86_64")),
                (
                    "openssl",
                    Some("1:3.0.7-1.el9"),
                    "1:3.0.7-6.el9_2",
                    Some("noarch")
                ),
                (
                    "a-very-long-package-name-that-dnf-puts-on-its-own-line",
                    None,
                    "2-1.el9",
                    Some("noarch")
                ),
            ]
        );
    }

    #[test]
    fn removals_obsoletes_and_unknown_parts_are_refused() {
        let removing = "Upgrading:\n openssl noarch 1:3.0.7-6.el9_2 r 5 k\n\
            Removing dependent packages:\n foo noarch 1-1 @System 5 k\n";
        let e = parse_simulation(&map(&[("sim", removing), ("rpm", RPM)])).unwrap_err();
        assert_eq!(
            e,
            "dnf would remove packages (removing dependent packages); refusing to remove packages"
        );
        let obsoleting =
            "Installing:\n newssl noarch 1-1 r 5 k\n     replacing  openssl.noarch 1:3.0.7-1.el9\n";
        assert!(
            parse_simulation(&map(&[("sim", obsoleting), ("rpm", RPM)]))
                .unwrap_err()
                .contains("obsoleted openssl.noarch")
        );
        let hostile = "Upgrading:\n $(reboot) noarch 1-1 r 5 k\n";
        assert!(parse_simulation(&map(&[("sim", hostile), ("rpm", RPM)])).is_err());
        // An upgrade of a package rpm -qa does not list is not guessed at.
        let unknown = "Upgrading:\n zlib x86_64 1.2-1 r 5 k\n";
        assert!(parse_simulation(&map(&[("sim", unknown), ("rpm", RPM)])).is_err());
    }

    #[test]
    fn targets_are_checked_nevras_each_one_quoted_word() {
        let p = |n: &str, v: &str, a: Option<&str>| Pin {
            package: n.into(),
            version: v.into(),
            arch: a.map(str::to_string),
        };
        assert_eq!(
            specs(&[p("openssl-libs", "1:3.0.7-6.el9_2", Some("x86_64"))]).unwrap(),
            "'openssl-libs-1:3.0.7-6.el9_2.x86_64'"
        );
        assert!(specs(&[p("foo;rm", "1-1", Some("noarch"))]).is_err());
        assert!(specs(&[p("foo", "$(reboot)-1", Some("noarch"))]).is_err());
        assert!(
            specs(&[p("foo", "1", Some("noarch"))]).is_err(),
            "no release"
        );
        assert!(specs(&[p("foo", "1-1", Some("x86 64"))]).is_err());
        assert!(specs(&[p("foo", "1-1", None)]).is_err());
        assert!(specs(&[]).is_err());
    }

    #[test]
    fn readback_keeps_every_nevra_and_the_newest_per_name() {
        let two_kernels = format!("{RPM}kernel\t0\t5.14.0\t71.el9\tx86_64\n");
        let r = parse_readback(&map(&[
            ("rpm", &two_kernels),
            ("reboot", "no\n"),
            ("boot-id", "0a-1f\n"),
        ]))
        .unwrap();
        assert_eq!(r.versions["kernel"], "5.14.0-71.el9");
        assert_eq!(r.versions["openssl"], "1:3.0.7-1.el9");
        assert!(!r.versions.contains_key("gpg-pubkey"));
        assert_eq!(r.nevras.len(), 3);
        assert!(!r.reboot_required);
        // needs-restarting could not answer: a reboot "if required" reboots.
        let r = parse_readback(&map(&[("rpm", RPM), ("reboot", "unknown\n")])).unwrap();
        assert!(r.reboot_required);
        // The kernel installed beside the old one is gone again after a rollback.
        let change = Change {
            package: "kernel".into(),
            from: None,
            to: "5.14.0-71.el9".into(),
            arch: Some("x86_64".into()),
        };
        let installed = parse_readback(&map(&[("rpm", &two_kernels)])).unwrap();
        assert_eq!(
            Dnf.rollback_differences(std::slice::from_ref(&change), &installed),
            ["kernel.x86_64 is 5.14.0-70.el9 and 5.14.0-71.el9 (before: absent)"]
        );
        let back = parse_readback(&map(&[("rpm", RPM)])).unwrap();
        assert!(Dnf.rollback_differences(&[change], &back).is_empty());
    }

    #[test]
    fn rpm_verify_ignores_changed_configuration_files_only() {
        let checks = |text: &str, rc: &str| {
            Dnf.family_checks(&map(&[
                ("rpm-verify", text),
                ("rpm-verify-rc", rc),
                ("dnf-check", ""),
                ("dnf-check-rc", "0\n"),
            ]))
        };
        assert!(checks("", "0\n")[0].ok);
        assert!(checks("S.5....T.  c /etc/openssl.cnf\n", "1\n")[0].ok);
        let bad = checks("missing     /usr/lib64/libssl.so.3\n", "1\n");
        assert!(!bad[0].ok);
        assert_eq!(bad[0].detail, "missing     /usr/lib64/libssl.so.3");
        // No exit status: the check did not run, which is no pass.
        assert!(!checks("", "")[0].ok);
    }
}
