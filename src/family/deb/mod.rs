//! Debian, Ubuntu and their derivatives: dpkg's database (`dpkg-query -W`) and apt's
//! simulation of a full upgrade (`apt-get -s dist-upgrade`). Advisories (Debian's and
//! Ubuntu's OSV records) name source packages. The deploy engine's step scripts for this
//! family (simulate, keep, install, reboot, health, rollback) are in [`apt`].

pub mod apt;

use super::facts::{Facts, MAX_LINE, MAX_PACKAGES, Package, Pending, Sections, safe_text, shorten};
use super::{Family, Manager};
use crate::version::Scheme;

/// The family's part of the collector (`scan/collect.sh` prints the common sections
/// first, and sets `FAM` from the os-release ID): its sections, only on its hosts.
const COLLECTOR: &str = r#"if [ "$FAM" = dpkg ] && command -v dpkg-query >/dev/null 2>&1 && [ -f "$R/var/lib/dpkg/status" ]; then
  if [ "$REFRESH" = 1 ] && [ -z "$R" ]; then
    s refresh
    apt-get update -q >/dev/null 2>&1; echo "exit $?"
  fi
  s dpkg
  dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${binary:Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n'
  s apt-sim
  if [ -z "$R" ]; then
    apt-get -s -o Debug::NoLocking=1 dist-upgrade 2>&1
  else
    # An offline root is only read: apt's binary caches are built in memory.
    apt-get -s -o Debug::NoLocking=1 -o "Dir=$R/" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= dist-upgrade 2>&1
  fi
fi
"#;

pub struct Deb;

impl Family for Deb {
    fn manager(&self) -> Manager {
        Manager::Dpkg
    }

    fn os_ids(&self) -> &'static [&'static str] {
        &["debian", "ubuntu", "raspbian", "linuxmint", "pop"]
    }

    fn ecosystem(&self, id: &str, version_id: &str, version: &str) -> Option<String> {
        let major = version_id.split('.').next().unwrap_or(version_id);
        Some(match id {
            "debian" => format!("Debian:{major}"),
            "ubuntu" if version.contains("LTS") => format!("Ubuntu:{version_id}:LTS"),
            "ubuntu" => format!("Ubuntu:{version_id}"),
            _ => return None,
        })
    }

    fn ecosystems(&self) -> &'static [&'static str] {
        &["Debian", "Ubuntu"]
    }

    fn collector(&self) -> &'static str {
        COLLECTOR
    }

    fn sections(&self) -> &'static [&'static str] {
        &["dpkg", "apt-sim"]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        &["dpkg"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) -> Result<(), String> {
        parse_dpkg(f, sections.get("dpkg"));
        parse_apt_sim(f, sections.get("apt-sim"));
        // Kernel packages count as installed kernels too (a minimal /boot may be empty).
        // `linux-image-<release>-dbg` holds the kernel's debug symbols (vmlinux under
        // /usr/lib/debug), not a kernel anything boots.
        let from_pkgs: Vec<String> = f
            .packages
            .iter()
            .filter_map(|p| p.name.strip_prefix("linux-image-"))
            .filter(|k| {
                k.starts_with(|c: char| c.is_ascii_digit())
                    && !k.ends_with("-unsigned")
                    && !k.ends_with("-dbg")
            })
            .map(str::to_string)
            .collect();
        for k in from_pkgs {
            if !f.kernels.contains(&k) {
                f.kernels.push(k);
            }
        }
        Ok(())
    }

    fn name_ok(&self, name: &str) -> bool {
        name_ok(name)
    }

    fn matches_binary_packages(&self) -> bool {
        false
    }

    fn can_deploy(&self) -> bool {
        true
    }
}

fn parse_dpkg(f: &mut Facts, lines: &[&str]) {
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        if f.packages.len() >= MAX_PACKAGES {
            f.warn(format!(
                "dpkg: more than {MAX_PACKAGES} packages; the rest ignored"
            ));
            break;
        }
        let n = i + 1;
        if l.len() > MAX_LINE {
            f.refuse(
                "dpkg",
                &format!("line {n}"),
                format!("dpkg line {n}: longer than {MAX_LINE} bytes, rejected"),
            );
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        let [bin, version, src, src_version, status] = fields.as_slice() else {
            f.refuse(
                "dpkg",
                &format!("line {n}"),
                format!(
                    "dpkg line {n}: expected 5 tab-separated fields: {:?}",
                    shorten(l)
                ),
            );
            continue;
        };
        // db:Status-Abbrev "ii " = wanted install, installed, no error.
        if !status.starts_with("ii") && !status.starts_with("hi") {
            continue;
        }
        let (name, arch) = match bin.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (*bin, None),
        };
        if !name_ok(name) || arch.is_some_and(|a| !arch_ok(a)) {
            f.refuse(
                "dpkg",
                bin,
                format!("dpkg line {n}: rejected package name {:?}", shorten(bin)),
            );
            continue;
        }
        if Scheme::Deb.validate(version).is_err() || version.trim() != *version {
            f.refuse(
                "dpkg",
                bin,
                format!(
                    "dpkg line {n}: rejected version {:?} of {name}",
                    shorten(version)
                ),
            );
            continue;
        }
        let src_name = if src.is_empty() { name } else { src };
        let src_ver = if src_version.is_empty() {
            version
        } else {
            src_version
        };
        if !name_ok(src_name) || Scheme::Deb.validate(src_ver).is_err() {
            f.refuse(
                "dpkg",
                bin,
                format!(
                    "dpkg line {n}: rejected source {:?} {:?}",
                    shorten(src_name),
                    shorten(src_ver)
                ),
            );
            continue;
        }
        f.packages.push(Package {
            name: name.to_string(),
            arch: arch.map(str::to_string),
            version: version.to_string(),
            source_name: src_name.to_string(),
            source_version: src_ver.to_string(),
        });
    }
}

/// `Inst NAME [OLD] (NEW ORIGIN[, ORIGIN…] [ARCH])` lines of `apt-get -s dist-upgrade`.
fn parse_apt_sim(f: &mut Facts, lines: &[&str]) {
    for l in lines {
        let Some(rest) = l.strip_prefix("Inst ") else {
            continue;
        };
        if l.len() > MAX_LINE {
            f.refuse(
                "apt-sim",
                "over-long line",
                "apt: over-long Inst line rejected".into(),
            );
            continue;
        }
        let mut it = rest.splitn(2, ' ');
        let (Some(name), Some(rest)) = (it.next(), it.next()) else {
            continue;
        };
        let name = name.split(':').next().unwrap_or(name);
        let (from, rest) = match rest.strip_prefix('[') {
            Some(r) => match r.split_once("] ") {
                Some((old, r)) => (Some(old), r),
                None => continue,
            },
            None => (None, rest),
        };
        let Some(paren) = rest.strip_prefix('(') else {
            continue;
        };
        let Some((to, origin)) = paren.split_once(' ') else {
            continue;
        };
        let origin = origin.trim_end_matches(')').trim();
        // The trailing "[arch]" is not part of the origin.
        let origin = match origin.rfind(" [") {
            Some(i) => &origin[..i],
            None => origin,
        };
        let ok = name_ok(name)
            && Scheme::Deb.validate(to).is_ok()
            && from.is_none_or(|v| Scheme::Deb.validate(v).is_ok())
            && safe_text(origin, 512);
        if !ok {
            f.refuse(
                "apt-sim",
                name,
                format!("apt: rejected line {:?}", shorten(l)),
            );
            continue;
        }
        f.pending.push(Pending {
            package: name.to_string(),
            from: from.map(str::to_string),
            to: to.to_string(),
            origin: origin.to_string(),
            security: origin.contains("-security"),
        });
    }
}

/// Debian package names (policy 5.6.1): lowercase letters, digits, `+ - .`, at least
/// two characters, starting with a letter or digit.
pub fn name_ok(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 128
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        })
}

fn arch_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
