//! The rpm family's collector sections: `rpm -qa --qf` (installed packages with their
//! source RPM), `dnf`/`yum updateinfo list --security` (advisories the host's repositories
//! offer for installed packages), `check-update` (pending updates) and `needs-restarting
//! -r` (reboot). Everything is untrusted: names by rpm's package-name grammar, versions
//! by the rpm engine, arches and repository ids by their own small grammars.

use std::collections::HashMap;

pub mod dnf;

use super::facts::{
    Facts, HostAdvisory, MAX_LINE, MAX_PACKAGES, Package, Pending, Sections, shorten,
};
use super::{Family, Manager};
use crate::exec::protocol;
use crate::version::Scheme;

/// The family's part of the collector (`scan/collect.sh` prints the common sections
/// first, and sets `FAM` from the os-release ID): its sections, only on its hosts.
const COLLECTOR: &str = r#"if [ "$FAM" = rpm ] && command -v rpm >/dev/null 2>&1; then
  s rpm
  if [ -z "$R" ]; then
    rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}}:{0}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'
  else
    # The root's own database, wherever this machine's rpm would look by default.
    D=/usr/lib/sysimage/rpm
    if [ -e "$R/var/lib/rpm/rpmdb.sqlite" ] || [ -e "$R/var/lib/rpm/Packages" ]; then D=/var/lib/rpm; fi
    rpm --root "$R" --dbpath "$D" -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}}:{0}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'
  fi
  P=
  if command -v dnf >/dev/null 2>&1; then P=dnf; elif command -v yum >/dev/null 2>&1; then P=yum; fi
  if [ -n "$P" ]; then
    if [ -n "$R" ]; then set -- --installroot "$R"; else set --; fi
    if [ "$REFRESH" = 1 ]; then
      s refresh
      "$P" "$@" -q makecache >/dev/null 2>&1; echo "exit $?"
    fi
    # From the metadata cache only (-C): a scan never downloads; --refresh does.
    s updateinfo
    if [ "$P" = dnf ]; then
      dnf "$@" -C -q updateinfo list --security
    else
      yum "$@" -C -q updateinfo list security
    fi
    s check-update
    "$P" "$@" -C -q check-update
    rc=$?
    s check-update-rc
    echo "exit $rc"
  fi
  if [ -z "$R" ] && command -v needs-restarting >/dev/null 2>&1; then
    s needs-restarting
    needs-restarting -r >/dev/null 2>&1; echo "exit $?"
  fi
fi
"#;

/// The family's part of the fingerprint: the rpm database in each of its formats and
/// places (sqlite with its write-ahead log, Berkeley DB's Packages, ndb's Packages.db;
/// not the lock and environment files a read rewrites), the metadata dnf and yum match
/// from (each cached repository's repomd.xml) and their repository configuration.
const FINGERPRINT: &str = r#"    for d in "$R/var/lib/rpm" "$R/usr/lib/sysimage/rpm"; do
      set -- "$@" db "$d/rpmdb.sqlite" "$d/rpmdb.sqlite-wal" "$d/Packages" "$d/Packages.db"
    done
    set -- "$@" file "$R"/var/cache/dnf/*/repodata/repomd.xml "$R"/var/cache/libdnf5/*/repodata/repomd.xml \
      "$R"/var/cache/yum/*/*/repomd.xml "$R"/var/cache/yum/*/*/*/repomd.xml \
      "$R"/etc/yum.repos.d/* "$R/etc/dnf/dnf.conf" "$R/etc/yum.conf" "$R"/etc/dnf/vars/* "$R"/etc/yum/vars/*
"#;

pub struct Rpm;

impl Family for Rpm {
    fn manager(&self) -> Manager {
        Manager::Rpm
    }

    fn os_ids(&self) -> &'static [&'static str] {
        &[
            "almalinux",
            "rocky",
            "rhel",
            "centos",
            "fedora",
            "amzn",
            "ol",
        ]
    }

    fn ecosystem(&self, id: &str, version_id: &str, _version: &str) -> Option<String> {
        let major = version_id.split('.').next().unwrap_or(version_id);
        Some(match id {
            "almalinux" => format!("AlmaLinux:{major}"),
            "rocky" => format!("Rocky Linux:{major}"),
            "rhel" => format!("Red Hat:{major}"),
            "centos" => format!("CentOS:{major}"),
            "fedora" => format!("Fedora:{major}"),
            "amzn" => format!("Amazon Linux:{major}"),
            "ol" => format!("Oracle Linux:{major}"),
            _ => return None,
        })
    }

    fn ecosystems(&self) -> &'static [&'static str] {
        &[
            "AlmaLinux",
            "Rocky Linux",
            "Red Hat",
            "CentOS",
            "Fedora",
            "openSUSE",
            "SUSE",
            "Amazon Linux",
            "Oracle Linux",
            "Mageia",
            "openEuler",
        ]
    }

    fn collector(&self) -> &'static str {
        COLLECTOR
    }

    fn fingerprint(&self) -> &'static str {
        FINGERPRINT
    }

    fn sections(&self) -> &'static [&'static str] {
        &[
            "rpm",
            "updateinfo",
            "check-update",
            "check-update-rc",
            "needs-restarting",
        ]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        &["rpm"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) -> Result<(), String> {
        parse_rpm(f, sections.get("rpm"));
        parse_updateinfo(f, sections.get("updateinfo"));
        parse_check_update(f, sections.get("check-update"));
        check_update_status(f, sections.get("check-update-rc"));
        // Debian's flag file does not exist here: its absence says nothing.
        f.reboot_required = match parse_needs_restarting(sections.get("needs-restarting")) {
            Some(r) => Some(r),
            None => f.reboot_required.filter(|r| *r),
        };
        // /boot also holds rescue images ("vmlinuz-0-rescue-<machine id>").
        f.kernels.retain(|k| !k.starts_with("0-rescue"));
        for k in kernels_from_packages(f) {
            if !f.kernels.contains(&k) {
                f.kernels.push(k);
            }
        }
        Ok(())
    }

    fn name_ok(&self, name: &str) -> bool {
        rpm_name_ok(name)
    }

    fn versions_side_by_side(&self) -> bool {
        true
    }

    fn matches_binary_packages(&self) -> bool {
        true
    }

    fn deployer(&self) -> Option<&'static dyn crate::family::deploy::Deployer> {
        Some(&dnf::Dnf)
    }
}

/// Package names as rpmbuild accepts them in practice: ASCII letters, digits and
/// `- . _ +`, starting with a letter, digit or `_`.
pub fn rpm_name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'+'))
}

pub fn rpm_arch_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Repository ids (`appstream`, `epel-testing`, `@System`, `amzn2-core`).
fn repo_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'@' | b':' | b'+')
        })
}

/// A version or release part alone: no `-` or `:`, valid for the rpm engine.
fn part_ok(s: &str) -> bool {
    !s.is_empty() && !s.contains(['-', ':']) && Scheme::Rpm.validate(s).is_ok()
}

/// `[E:]V-R`, leaving out a zero epoch (rpm compares a missing epoch as 0).
pub fn evr(epoch: &str, version: &str, release: &str) -> String {
    if epoch.is_empty() || epoch.trim_start_matches('0').is_empty() {
        format!("{version}-{release}")
    } else {
        format!("{}:{version}-{release}", epoch.trim_start_matches('0'))
    }
}

/// `name-version-release.src.rpm` → (name, version, release).
pub fn split_srpm(s: &str) -> Option<(&str, &str, &str)> {
    let stem = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    (rpm_name_ok(name) && part_ok(version) && part_ok(release)).then_some((name, version, release))
}

/// `name-[E:]V-R.arch` (dnf's NEVRA) → (name, EVR, arch).
pub fn split_nevra(s: &str) -> Option<(&str, String, &str)> {
    let (nevr, arch) = s.rsplit_once('.')?;
    let (rest, release) = nevr.rsplit_once('-')?;
    let (name, ev) = rest.rsplit_once('-')?;
    let (epoch, version) = match ev.split_once(':') {
        Some((e, v)) => (e, v),
        None => ("", ev),
    };
    let epoch_ok =
        epoch.is_empty() || (epoch.len() <= 10 && epoch.bytes().all(|b| b.is_ascii_digit()));
    (rpm_name_ok(name) && rpm_arch_ok(arch) && epoch_ok && part_ok(version) && part_ok(release))
        .then(|| (name, evr(epoch, version, release), arch))
}

/// `rpm -qa --qf` lines: name, epoch (0 for none), version, release, arch, source RPM.
pub fn parse_rpm(f: &mut Facts, lines: &[&str]) {
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        if f.packages.len() >= MAX_PACKAGES {
            f.warn(format!(
                "rpm: more than {MAX_PACKAGES} packages; the rest ignored"
            ));
            break;
        }
        let n = i + 1;
        if l.len() > MAX_LINE {
            f.refuse(
                "rpm",
                &format!("line {n}"),
                format!("rpm line {n}: longer than {MAX_LINE} bytes, rejected"),
            );
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        let [name, epoch, version, release, arch, srpm] = fields.as_slice() else {
            f.refuse(
                "rpm",
                &format!("line {n}"),
                format!(
                    "rpm line {n}: expected 6 tab-separated fields: {:?}",
                    shorten(l)
                ),
            );
            continue;
        };
        // The imported signing keys are pseudo-packages, not software.
        if *name == "gpg-pubkey" {
            continue;
        }
        if !rpm_name_ok(name) {
            f.refuse(
                "rpm",
                name,
                format!("rpm line {n}: rejected package name {:?}", shorten(name)),
            );
            continue;
        }
        let epoch = if *epoch == "(none)" { "0" } else { epoch };
        if epoch.is_empty() || epoch.len() > 10 || !epoch.bytes().all(|b| b.is_ascii_digit()) {
            f.refuse(
                "rpm",
                name,
                format!(
                    "rpm line {n}: rejected epoch {:?} of {name}",
                    shorten(epoch)
                ),
            );
            continue;
        }
        if !part_ok(version) || !part_ok(release) {
            f.refuse(
                "rpm",
                name,
                format!(
                    "rpm line {n}: rejected version {:?} of {name}",
                    shorten(&format!("{version}-{release}"))
                ),
            );
            continue;
        }
        let arch = match *arch {
            "(none)" => None,
            a if rpm_arch_ok(a) => Some(a),
            a => {
                f.refuse(
                    "rpm",
                    name,
                    format!("rpm line {n}: rejected arch {:?} of {name}", shorten(a)),
                );
                continue;
            }
        };
        let v = evr(epoch, version, release);
        let (src_name, src_version) = match split_srpm(srpm) {
            Some((sn, sv, sr)) => (sn.to_string(), evr(epoch, sv, sr)),
            None => {
                if *srpm != "(none)" {
                    f.warn(format!(
                        "rpm line {n}: rejected source RPM {:?} of {name}",
                        shorten(srpm)
                    ));
                }
                (name.to_string(), v.clone())
            }
        };
        f.packages.push(Package {
            name: name.to_string(),
            arch: arch.map(str::to_string),
            version: v,
            source_name: src_name,
            source_version: src_version,
            state: super::facts::PackageState::Installed,
        });
    }
}

/// `dnf -q updateinfo list --security` / `yum -q updateinfo list security`:
/// `ADVISORY TYPE/SEVERITY NEVRA` (dnf 4, yum 3). Advisories the host's own repositories
/// offer for its installed packages.
pub fn parse_updateinfo(f: &mut Facts, lines: &[&str]) {
    for l in lines {
        let l = l.trim();
        if l.is_empty() || l.starts_with("Last metadata") || l.starts_with("Loaded plugins") {
            continue;
        }
        if l.len() > MAX_LINE {
            f.refuse(
                "updateinfo",
                "over-long line",
                "updateinfo: over-long line rejected".into(),
            );
            continue;
        }
        let fields: Vec<&str> = l.split_whitespace().collect();
        let [id, kind, nevra] = fields.as_slice() else {
            // yum prints "updateinfo list done" and similar; anything else is reported.
            if !l.starts_with("updateinfo list") {
                f.refuse(
                    "updateinfo",
                    l,
                    format!("updateinfo: rejected line {:?}", shorten(l)),
                );
            }
            continue;
        };
        let id_ok = crate::catalog::validate_id(id).is_ok();
        let (Some((name, version, _arch)), true) = (split_nevra(nevra), id_ok) else {
            f.refuse(
                "updateinfo",
                l,
                format!("updateinfo: rejected line {:?}", shorten(l)),
            );
            continue;
        };
        // "Important/Sec.", "Moderate/Sec.", "security", "Low/Sec."
        let severity = kind
            .split('/')
            .next()
            .filter(|w| crate::catalog::Severity::from_word(w).is_some())
            .map(str::to_string);
        if f.host_advisories.len() >= MAX_PACKAGES {
            break;
        }
        if !f
            .host_advisories
            .iter()
            .any(|h| h.id == *id && h.package == name && h.version == version)
        {
            f.host_advisories.push(HostAdvisory {
                id: id.to_string(),
                package: name.to_string(),
                version,
                severity,
            });
        }
    }
}

/// `dnf -q check-update` / `yum -q check-update`: `name.arch  [E:]V-R  repo`, a long name
/// may stand alone with the rest on the next line; the "Obsoleting Packages" block at the
/// end is not a list of updates.
pub fn parse_check_update(f: &mut Facts, lines: &[&str]) {
    let installed: HashMap<(&str, Option<&str>), &str> = f
        .packages
        .iter()
        .map(|p| ((p.name.as_str(), p.arch.as_deref()), p.version.as_str()))
        .collect();
    let mut out: Vec<Pending> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    let mut carry: Option<String> = None;
    for l in lines {
        if l.starts_with("Obsoleting Packages") {
            break;
        }
        // dnf notes installed security updates ("Security: kernel-… is an installed
        // security update") among the list; they are not pending.
        if l.starts_with("Security:") {
            continue;
        }
        if l.len() > MAX_LINE {
            rejected.push("over-long line".into());
            carry = None;
            continue;
        }
        let joined;
        let text: &str = match carry.take() {
            Some(c) => {
                joined = format!("{c} {l}");
                &joined
            }
            None => l,
        };
        let fields: Vec<&str> = text.split_whitespace().collect();
        match fields.as_slice() {
            [] => continue,
            [one] if one.contains('.') && !l.starts_with(' ') => {
                carry = Some(one.to_string());
                continue;
            }
            [na, ver, repo] => {
                let parsed = na.rsplit_once('.').and_then(|(name, arch)| {
                    let (e, vr) = match ver.split_once(':') {
                        Some((e, vr)) => (e, vr),
                        None => ("", *ver),
                    };
                    let (v, r) = vr.rsplit_once('-')?;
                    let e_ok =
                        e.is_empty() || (e.len() <= 10 && e.bytes().all(|b| b.is_ascii_digit()));
                    (rpm_name_ok(name)
                        && rpm_arch_ok(arch)
                        && e_ok
                        && part_ok(v)
                        && part_ok(r)
                        && repo_ok(repo))
                    .then(|| (name, arch, evr(e, v, r)))
                });
                let Some((name, arch, to)) = parsed else {
                    rejected.push(shorten(text));
                    continue;
                };
                // The same build offered by several repositories is one update.
                if out
                    .iter()
                    .any(|p: &Pending| p.package == name && p.to == to)
                {
                    continue;
                }
                if out.len() >= MAX_PACKAGES {
                    break;
                }
                let from = installed
                    .get(&(name, Some(arch)))
                    .or_else(|| installed.get(&(name, None)))
                    .map(|v| v.to_string());
                let security = f.host_advisories.iter().any(|h| h.package == name);
                out.push(Pending {
                    package: name.to_string(),
                    from,
                    to,
                    origin: repo.to_string(),
                    security,
                });
            }
            _ => rejected.push(shorten(text)),
        }
    }
    for r in rejected {
        f.refuse(
            "check-update",
            &r,
            format!("check-update: rejected line {r:?}"),
        );
    }
    f.pending.extend(out);
}

/// `check-update`'s exit status: 0 nothing pending, 100 updates listed; anything else
/// means the list is not to be trusted (no metadata cache, a broken repository).
pub fn check_update_status(f: &mut Facts, lines: &[&str]) {
    let Some(last) = protocol::last_of(lines.iter().copied()) else {
        return;
    };
    match last {
        "exit 0" | "exit 100" => {}
        other => f.warn(format!(
            "check-update failed ({}): pending updates are unknown; `scan --refresh` fetches the metadata",
            shorten(other)
        )),
    }
}

/// `needs-restarting -r`'s exit status: 1 reboot needed, 0 not; anything else unknown.
pub fn parse_needs_restarting(lines: &[&str]) -> Option<bool> {
    match protocol::last_of(lines.iter().copied()) {
        Some("exit 1") => Some(true),
        Some("exit 0") => Some(false),
        _ => None,
    }
}

/// Kernels from kernel packages, as `uname -r` names them: `VERSION-RELEASE.ARCH`, and
/// for the debug builds (`kernel-debug`, `kernel-debug-core`) `VERSION-RELEASE.ARCH+debug`
/// (RHEL 8 and later, Fedora: the kernel spec's `+debug` variant suffix).
pub fn kernels_from_packages(f: &Facts) -> Vec<String> {
    f.packages
        .iter()
        .filter_map(|p| {
            let suffix = match p.name.as_str() {
                "kernel" | "kernel-core" | "kernel-uek-core" | "kernel-uek" => "",
                "kernel-debug" | "kernel-debug-core" => "+debug",
                _ => return None,
            };
            let vr = p
                .version
                .split_once(':')
                .map_or(p.version.as_str(), |(_, r)| r);
            Some(format!("{vr}.{}{suffix}", p.arch.as_deref()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions() {
        assert_eq!(
            split_srpm("openssl-3.0.7-6.el9_2.src.rpm"),
            Some(("openssl", "3.0.7", "6.el9_2"))
        );
        assert_eq!(split_srpm("(none)"), None);
        assert_eq!(split_srpm("x;rm -rf /-1-1.src.rpm"), None);
        assert_eq!(
            split_nevra("openssl-libs-1:3.0.7-6.el9_2.x86_64"),
            Some(("openssl-libs", "1:3.0.7-6.el9_2".to_string(), "x86_64"))
        );
        assert_eq!(
            split_nevra("lz4-1.8.3-3.el8_4.x86_64"),
            Some(("lz4", "1.8.3-3.el8_4".to_string(), "x86_64"))
        );
        assert_eq!(split_nevra("a-$(reboot)-1.x86_64"), None);
        assert_eq!(split_nevra("noarch"), None);
        assert_eq!(evr("0", "1", "2"), "1-2");
        assert_eq!(evr("10", "1", "2"), "10:1-2");
        assert!(rpm_name_ok("python3-firewall"));
        assert!(rpm_name_ok("libstdc++"));
        assert!(!rpm_name_ok("-rf"));
        assert!(!rpm_name_ok("a b"));
    }

    fn kernel_pkg(name: &str, version: &str) -> Package {
        Package {
            name: name.into(),
            arch: Some("x86_64".into()),
            version: version.into(),
            source_name: "kernel".into(),
            source_version: version.into(),
            state: crate::family::PackageState::Installed,
        }
    }

    #[test]
    fn debug_kernels_are_kernels_of_their_own_variant() {
        let mut f = Facts {
            manager: Some(Manager::Rpm),
            packages: vec![
                kernel_pkg("kernel-core", "5.14.0-362.el9"),
                kernel_pkg("kernel-core", "5.14.0-427.el9"),
                kernel_pkg("kernel-debug-core", "5.14.0-362.el9"),
                kernel_pkg("kernel-debug-modules", "5.14.0-362.el9"),
                kernel_pkg("kernel-tools", "5.14.0-500.el9"),
            ],
            ..Facts::default()
        };
        f.kernels = kernels_from_packages(&f);
        assert_eq!(
            f.kernels,
            [
                "5.14.0-362.el9.x86_64",
                "5.14.0-427.el9.x86_64",
                "5.14.0-362.el9.x86_64+debug"
            ]
        );
        // Running the debug build: the newer default kernel is not its update.
        f.kernel_running = Some("5.14.0-362.el9.x86_64+debug".into());
        assert_eq!(f.kernel_latest(), Some("5.14.0-362.el9.x86_64+debug"));
        f.packages
            .push(kernel_pkg("kernel-debug-core", "5.14.0-427.el9"));
        f.kernels = kernels_from_packages(&f);
        assert_eq!(f.kernel_latest(), Some("5.14.0-427.el9.x86_64+debug"));
        // Running the default build: the debug builds are not its updates.
        f.kernel_running = Some("5.14.0-362.el9.x86_64".into());
        assert_eq!(f.kernel_latest(), Some("5.14.0-427.el9.x86_64"));
        // No running kernel (an offline root): the newest of all.
        f.kernel_running = None;
        assert!(f.kernel_latest().is_some());
    }
}
