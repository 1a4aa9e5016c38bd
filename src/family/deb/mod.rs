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
const COLLECTOR: &str = r#"if [ "$FAM" = dpkg ]; then
  D="$R/var/lib/dpkg"
  if command -v dpkg-query >/dev/null 2>&1 && [ -f "$D/status" ]; then
    if [ "$REFRESH" = 1 ] && [ -z "$R" ]; then
      s refresh
      apt-get update -q >/dev/null 2>&1; echo "exit $?"
    fi
    s dpkg
    dpkg-query --admindir="$D" -W -f '${binary:Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\t${Architecture}\n'
    s apt-sim
    if [ -z "$R" ]; then
      apt-get -s -o Debug::NoLocking=1 dist-upgrade 2>&1
    else
      # An offline root is only read: apt's binary caches are built in memory.
      apt-get -s -o Debug::NoLocking=1 -o "Dir=$R/" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= dist-upgrade 2>&1
    fi
  elif [ -f "$D/status" ]; then
    # No dpkg-query here (an image root read by a controller without dpkg): the status
    # file itself, parsed as dpkg parses it.
    s dpkg-status
    cat "$D/status"
  fi
  # Distroless images list their packages one file each in status.d (as
  # `dpkg-deb --field` prints them); the .md5sums files beside them are file lists.
  if [ -d "$D/status.d" ]; then
    s dpkg-status.d
    n=0
    for f in "$D"/status.d/*; do
      case "$f" in *.md5sums) continue ;; esac
      [ -f "$f" ] || continue
      n=$((n + 1))
      if [ "$n" -gt 200000 ]; then echo "@more"; break; fi
      head -c 1048576 "$f"
      printf '\n\n'
    done
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
        &["dpkg", "apt-sim", "dpkg-status", "dpkg-status.d"]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        &["dpkg", "dpkg-status", "dpkg-status.d"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) {
        parse_dpkg(f, sections.get("dpkg"));
        parse_stanzas(f, "status", sections.get("dpkg-status"));
        parse_stanzas(f, "status.d", sections.get("dpkg-status.d"));
        parse_apt_sim(f, sections.get("apt-sim"));
        // Kernel packages count as installed kernels too (a minimal /boot may be empty).
        let from_pkgs: Vec<String> = f
            .packages
            .iter()
            .filter_map(|p| p.name.strip_prefix("linux-image-"))
            .filter(|k| k.starts_with(|c: char| c.is_ascii_digit()) && !k.ends_with("-unsigned"))
            .map(str::to_string)
            .collect();
        for k in from_pkgs {
            if !f.kernels.contains(&k) {
                f.kernels.push(k);
            }
        }
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

/// One package as dpkg lists it (a `dpkg-query` row or a status stanza), before checks.
struct Listed<'a> {
    /// Where it came from, for warnings: `dpkg line 3`, `dpkg status.d line 40`.
    at: String,
    /// `${binary:Package}` (`name` or `name:arch`) or a stanza's `Package`.
    binary: &'a str,
    /// `${Architecture}`; None in rows of the collector before it asked (`name:arch`
    /// then carries the arch of `Multi-Arch: same` packages only).
    arch: Option<&'a str>,
    version: &'a str,
    source: &'a str,
    source_version: &'a str,
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
            f.warn(format!(
                "dpkg line {n}: longer than {MAX_LINE} bytes, rejected"
            ));
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        // Six fields since the collector asks `${Architecture}`; five in output saved
        // from the collector before it (`scan --import` keeps reading those).
        let (bin, version, src, src_version, status, arch) = match fields.as_slice() {
            [b, v, s, sv, st, a] => (*b, *v, *s, *sv, *st, Some(*a)),
            [b, v, s, sv, st] => (*b, *v, *s, *sv, *st, None),
            _ => {
                f.warn(format!(
                    "dpkg line {n}: expected 6 tab-separated fields: {:?}",
                    shorten(l)
                ));
                continue;
            }
        };
        // db:Status-Abbrev: selection, status, error flag ("ii ", "rHR"). The status
        // alone says whether the package's files are on disk.
        if !status_abbrev_installed(status) {
            continue;
        }
        add(
            f,
            Listed {
                at: format!("dpkg line {n}"),
                binary: bin,
                arch: arch.filter(|a| !a.is_empty()),
                version,
                source: src,
                source_version: src_version,
            },
        );
    }
}

/// Whether a `db:Status-Abbrev` says the package is installed: its second letter is
/// dpkg's status (`i` installed), whatever the selection before it.
fn status_abbrev_installed(abbrev: &str) -> bool {
    abbrev.as_bytes().get(1) == Some(&b'i')
}

/// Whether a status stanza's `Status: WANT FLAG STATUS` says the package is installed.
/// A stanza without `Status` (a distroless `status.d` file, as `dpkg-deb --field`
/// writes it) is an installed package: the image holds its files.
fn status_field_installed(status: Option<&str>) -> Result<bool, ()> {
    let Some(status) = status else {
        return Ok(true);
    };
    match status
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .as_slice()
    {
        [_, _, state] => Ok(*state == "installed"),
        _ => Err(()),
    }
}

/// Checks one listed package and adds it.
fn add(f: &mut Facts, p: Listed<'_>) {
    let at = &p.at;
    let (name, bin_arch) = match p.binary.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (p.binary, None),
    };
    // `${binary:Package}` carries `:arch` for `Multi-Arch: same` packages, the same
    // arch `${Architecture}` gives.
    let arch = match (bin_arch, p.arch) {
        (Some(b), Some(a)) if a != b => {
            f.warn(format!(
                "{at}: package {:?} does not have its architecture {:?}, rejected",
                shorten(p.binary),
                shorten(a)
            ));
            return;
        }
        (b, a) => a.or(b),
    };
    if !name_ok(name) || arch.is_some_and(|a| !arch_ok(a)) {
        f.warn(format!(
            "{at}: rejected package name {:?}",
            shorten(p.binary)
        ));
        return;
    }
    // dpkg folds package names to lower case when it reads them (its package
    // database looks names up case-insensitively): a status.d file may not have.
    let name = name.to_ascii_lowercase();
    let version = p.version;
    if Scheme::Deb.validate(version).is_err() || version.trim() != version {
        f.warn(format!(
            "{at}: rejected version {:?} of {name}",
            shorten(version)
        ));
        return;
    }
    let src_name = if p.source.is_empty() {
        name.clone()
    } else {
        p.source.to_ascii_lowercase()
    };
    let src_ver = if p.source_version.is_empty() {
        version
    } else {
        p.source_version
    };
    if !name_ok(&src_name) || Scheme::Deb.validate(src_ver).is_err() {
        f.warn(format!(
            "{at}: rejected source {:?} {:?}",
            shorten(&src_name),
            shorten(src_ver)
        ));
        return;
    }
    f.packages.push(Package {
        name,
        arch: arch.map(str::to_string),
        version: version.to_string(),
        source_name: src_name,
        source_version: src_ver.to_string(),
    });
}

/// The line the collector prints after its last `status.d` file when there are more.
const MORE_FILES: &str = "@more";

/// deb822 stanzas as dpkg writes them to its status file and `dpkg-deb --field` to a
/// distroless image's `status.d` files: `Field: value` lines, continuation lines
/// starting with a space or tab, stanzas separated by blank lines. Only `Package`,
/// `Version`, `Architecture`, `Source` (`name` or `name (version)`) and `Status` are
/// read; field names are case-insensitive, as dpkg's.
fn parse_stanzas(f: &mut Facts, what: &str, lines: &[&str]) {
    let mut stanza: Vec<(usize, &str, &str)> = Vec::new();
    let mut start = 0;
    for (i, l) in lines.iter().copied().chain([""]).enumerate() {
        let n = i + 1;
        if *l == *MORE_FILES {
            f.warn(format!(
                "dpkg {what}: more than {MAX_PACKAGES} files; the rest not read"
            ));
            continue;
        }
        if l.trim().is_empty() {
            if !stanza.is_empty() {
                if f.packages.len() >= MAX_PACKAGES {
                    f.warn(format!(
                        "dpkg {what}: more than {MAX_PACKAGES} packages; the rest ignored"
                    ));
                    return;
                }
                stanza_package(f, what, start, &stanza);
                stanza.clear();
            }
            continue;
        }
        if stanza.is_empty() {
            start = n;
        }
        if l.starts_with([' ', '\t']) {
            // A continuation of the field before (a description): never read.
            continue;
        }
        match l.split_once(':') {
            Some((k, v)) if !k.is_empty() && !k.contains(char::is_whitespace) => {
                stanza.push((n, k, v.trim()));
            }
            _ => stanza.push((n, "", l)),
        }
    }
}

fn stanza_package(f: &mut Facts, what: &str, start: usize, stanza: &[(usize, &str, &str)]) {
    let at = format!("dpkg {what} line {start}");
    if let Some((n, _, l)) = stanza.iter().find(|(_, k, _)| k.is_empty()) {
        f.warn(format!(
            "dpkg {what} line {n}: not a \"Field: value\" line: {:?}; its stanza rejected",
            shorten(l)
        ));
        return;
    }
    let field = |name: &str| {
        stanza
            .iter()
            .find(|(_, k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, _, v)| *v)
    };
    let (Some(binary), Some(version)) = (field("Package"), field("Version")) else {
        f.warn(format!(
            "{at}: a stanza without Package or Version, rejected"
        ));
        return;
    };
    if [binary, version]
        .iter()
        .chain(field("Architecture").iter())
        .chain(field("Source").iter())
        .chain(field("Status").iter())
        .any(|v| v.len() > MAX_LINE)
    {
        f.warn(format!(
            "{at}: a field longer than {MAX_LINE} bytes, rejected"
        ));
        return;
    }
    match status_field_installed(field("Status")) {
        Ok(true) => {}
        Ok(false) => return,
        Err(()) => {
            f.warn(format!(
                "{at}: rejected Status {:?} of {}",
                shorten(field("Status").unwrap_or_default()),
                shorten(binary)
            ));
            return;
        }
    }
    // `Source: name` or `Source: name (version)`, the version when it differs from
    // the binary package's.
    let (source, source_version) = match field("Source") {
        None => ("", ""),
        Some(s) => match s.split_once(' ') {
            None => (s, ""),
            Some((name, rest)) => match rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
            {
                Some(v) => (name, v.trim()),
                None => {
                    f.warn(format!(
                        "{at}: rejected Source {:?} of {}",
                        shorten(s),
                        shorten(binary)
                    ));
                    return;
                }
            },
        },
    };
    add(
        f,
        Listed {
            at,
            binary,
            arch: field("Architecture"),
            version,
            source,
            source_version,
        },
    );
}

/// `Inst NAME [OLD] (NEW ORIGIN[, ORIGIN…] [ARCH])` lines of `apt-get -s dist-upgrade`.
fn parse_apt_sim(f: &mut Facts, lines: &[&str]) {
    for l in lines {
        let Some(rest) = l.strip_prefix("Inst ") else {
            continue;
        };
        if l.len() > MAX_LINE {
            f.warn("apt: over-long Inst line rejected".into());
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
            f.warn(format!("apt: rejected line {:?}", shorten(l)));
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

/// A package name as dpkg's own parser accepts it (lib/dpkg/parsehelp.c,
/// `pkg_name_is_illegal`): not empty, an ASCII letter or digit first, then ASCII
/// letters, digits and `-+._` (`_` deprecated, still read). That is laxer than Debian
/// Policy 5.6.1 (lower case, two characters at least, no `_`): dpkg installs a package
/// named `x` or `lib_u`, and folds upper case to lower case when it reads a name, so a
/// host can hold such packages and they are scanned. Collector lines are bounded
/// ([`MAX_LINE`]), so a name is too.
pub fn name_ok(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'_'))
}

fn arch_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
