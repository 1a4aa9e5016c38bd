//! Debian, Ubuntu and their derivatives: dpkg's database (`dpkg-query -W`) and apt's
//! simulation of a full upgrade (`apt-get -s dist-upgrade`). Advisories (Debian's and
//! Ubuntu's OSV records) name source packages. The deploy engine's step scripts for this
//! family (simulate, keep, install, reboot, health, rollback) are in [`apt`].

pub mod apt;

use super::facts::{
    Facts, MAX_LINE, MAX_PACKAGES, Package, PackageState, Pending, Sections, safe_text, shorten,
};
use super::{Family, Manager};
use crate::version::Scheme;

/// The family's part of the collector (`scan/collect.sh` prints the common sections
/// first, and sets `FAM` from the os-release ID): its sections, only on its hosts.
const COLLECTOR: &str = r#"if [ "$FAM" = dpkg ]; then
  D="$R/var/lib/dpkg"
  # Debian testing, sid and distroless images may have no VERSION_ID: this names the
  # release ("12.8"; "trixie/sid" names none).
  s debian_version
  head -c 256 "$R/etc/debian_version" 2>/dev/null
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
      # A regular file of the image's own, never a link out of it (a root scanned here
      # may be an untrusted image).
      if [ -L "$f" ] || [ ! -f "$f" ]; then continue; fi
      n=$((n + 1))
      if [ "$n" -gt 200000 ]; then echo "@more"; break; fi
      head -c 1048576 "$f"
      printf '\n\n'
    done
  fi
fi
"#;

/// The family's part of the fingerprint: dpkg's database (status, its journal under
/// updates/, a distroless image's status.d), what `apt-get -s dist-upgrade` reads besides
/// it (the package lists, extended_states, sources, preferences and apt.conf.d).
const FINGERPRINT: &str = r#"    set -- "$@" file "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/arch" "$R/var/lib/apt/extended_states" \
      "$R"/var/lib/dpkg/status.d/* \
      "$R/etc/apt/sources.list" "$R/etc/apt/preferences" "$R/etc/apt/apt.conf" "$R"/etc/apt/sources.list.d/* \
      "$R"/etc/apt/preferences.d/* "$R"/etc/apt/apt.conf.d/* \
      list "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/status.d" "$R/var/lib/apt/lists"
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

    fn fingerprint(&self) -> &'static str {
        FINGERPRINT
    }

    fn sections(&self) -> &'static [&'static str] {
        &[
            "dpkg",
            "apt-sim",
            "dpkg-status",
            "dpkg-status.d",
            "debian_version",
        ]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        &["dpkg", "dpkg-status", "dpkg-status.d"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) -> Result<(), String> {
        release_from_debian_version(f, sections.get("debian_version"));
        parse_dpkg(f, sections.get("dpkg"));
        parse_stanzas(f, "dpkg-status", sections.get("dpkg-status"));
        parse_stanzas(f, "dpkg-status.d", sections.get("dpkg-status.d"));
        warn_unsettled(f);
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

    fn deployer(&self) -> Option<&'static dyn crate::family::deploy::Deployer> {
        Some(&apt::Apt)
    }
}

/// Debian without `VERSION_ID` in os-release (testing, sid, some images): a numeric
/// `/etc/debian_version` ("12.8") names the release. "trixie/sid" names none, and the
/// scan warns that it has no ecosystem. Only for `ID=debian`: Ubuntu's
/// debian_version ("bookworm/sid") says which Debian it branched from, not its release.
fn release_from_debian_version(f: &mut Facts, lines: &[&str]) {
    if f.ecosystem.is_some() || f.os_version.is_some() || f.os_id.as_deref() != Some("debian") {
        return;
    }
    let Some(v) = lines.iter().map(|l| l.trim()).find(|l| !l.is_empty()) else {
        return;
    };
    let numeric = v.len() <= 32
        && v.split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if numeric {
        f.ecosystem = Deb.ecosystem("debian", v, "");
    }
}

/// One package as dpkg lists it (a `dpkg-query` row or a status stanza), before checks.
struct Listed<'a> {
    /// The collector section it came from (where a refused row is counted).
    section: &'static str,
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
    state: PackageState,
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
        // Six fields since the collector asks `${Architecture}`; five in output saved
        // from the collector before it (`scan --import` keeps reading those).
        let (bin, version, src, src_version, status, arch) = match fields.as_slice() {
            [b, v, s, sv, st, a] => (*b, *v, *s, *sv, *st, Some(*a)),
            [b, v, s, sv, st] => (*b, *v, *s, *sv, *st, None),
            _ => {
                f.refuse(
                    "dpkg",
                    &format!("line {n}"),
                    format!(
                        "dpkg line {n}: expected 6 tab-separated fields (5 from an earlier collector): {:?}",
                        shorten(l)
                    ),
                );
                continue;
            }
        };
        // db:Status-Abbrev: selection, status, error flag ("ii ", "rHR"). The status
        // alone says whether the package's files are on disk.
        let state = match status.chars().nth(1).map(state_of_abbrev) {
            Some(Ok(Some(state))) => state,
            Some(Ok(None)) => continue,
            _ => {
                f.refuse(
                    "dpkg",
                    bin,
                    format!(
                        "dpkg line {n}: rejected status {:?} of {}",
                        shorten(status),
                        shorten(bin)
                    ),
                );
                continue;
            }
        };
        add(
            f,
            Listed {
                section: "dpkg",
                at: format!("dpkg line {n}"),
                binary: bin,
                arch: arch.filter(|a| !a.is_empty()),
                version,
                source: src,
                source_version: src_version,
                state,
            },
        );
    }
}

/// Packages named in the warning about packages not fully installed.
const UNSETTLED_NAMED: usize = 5;

/// One warning for the packages dpkg has not finished installing (or removing): they
/// are kept and matched (their files are on disk), and the admin should know dpkg
/// stopped half-way.
fn warn_unsettled(f: &mut Facts) {
    let unsettled: Vec<String> = f
        .packages
        .iter()
        .filter(|p| p.state != PackageState::Installed)
        .map(|p| {
            let arch = p.arch.as_ref().map(|a| format!(":{a}")).unwrap_or_default();
            format!("{}{arch} {} ({})", p.name, p.version, p.state)
        })
        .collect();
    if unsettled.is_empty() {
        return;
    }
    let count = unsettled.len();
    let named = unsettled[..count.min(UNSETTLED_NAMED)].join(", ");
    f.warn(format!(
        "dpkg: {count} package{} not fully installed ({named}{}); scanned as installed, their files are on disk: `dpkg --audit` on the host says more",
        if count == 1 { "" } else { "s" },
        if count > UNSETTLED_NAMED { ", …" } else { "" }
    ));
}

/// The state of a package by dpkg's status letter (the second of `db:Status-Abbrev`;
/// the first is the selection, which says what the admin wants, not what is on disk):
/// None for `n` (not-installed) and `c` (config-files), whose files are gone; an error
/// for a letter dpkg does not write.
fn state_of_abbrev(letter: char) -> Result<Option<PackageState>, ()> {
    Ok(Some(match letter {
        'i' => PackageState::Installed,
        'H' => PackageState::HalfInstalled,
        'U' => PackageState::Unpacked,
        'F' => PackageState::HalfConfigured,
        'W' => PackageState::TriggersAwaited,
        't' => PackageState::TriggersPending,
        'n' | 'c' => return Ok(None),
        _ => return Err(()),
    }))
}

/// The state of a package by a status stanza's `Status: WANT FLAG STATUS` (the third
/// word; dpkg still reads the old `postinst-failed` and `removal-failed`). A stanza
/// without `Status` (a distroless `status.d` file, as `dpkg-deb --field` writes it) is
/// an installed package: the image holds its files.
fn state_of_status_field(status: Option<&str>) -> Result<Option<PackageState>, ()> {
    let Some(status) = status else {
        return Ok(Some(PackageState::Installed));
    };
    let [_, _, word] = status.split_ascii_whitespace().collect::<Vec<_>>()[..] else {
        return Err(());
    };
    Ok(Some(match word {
        "not-installed" | "config-files" => return Ok(None),
        "half-configured" | "postinst-failed" => PackageState::HalfConfigured,
        "half-installed" | "removal-failed" => PackageState::HalfInstalled,
        other => PackageState::parse(other).ok_or(())?,
    }))
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
            f.refuse(
                p.section,
                p.binary,
                format!(
                    "{at}: package {:?} does not have its architecture {:?}, rejected",
                    shorten(p.binary),
                    shorten(a)
                ),
            );
            return;
        }
        (b, a) => a.or(b),
    };
    if !name_ok(name) || arch.is_some_and(|a| !arch_ok(a)) {
        f.refuse(
            p.section,
            p.binary,
            format!("{at}: rejected package name {:?}", shorten(p.binary)),
        );
        return;
    }
    // dpkg folds package names to lower case when it reads them (its package
    // database looks names up case-insensitively): a status.d file may not have.
    let name = name.to_ascii_lowercase();
    let version = p.version;
    if Scheme::Deb.validate(version).is_err() || version.trim() != version {
        f.refuse(
            p.section,
            p.binary,
            format!("{at}: rejected version {:?} of {name}", shorten(version)),
        );
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
        f.refuse(
            p.section,
            p.binary,
            format!(
                "{at}: rejected source {:?} {:?}",
                shorten(&src_name),
                shorten(src_ver)
            ),
        );
        return;
    }
    f.packages.push(Package {
        name,
        arch: arch.map(str::to_string),
        version: version.to_string(),
        source_name: src_name,
        source_version: src_ver.to_string(),
        state: p.state,
    });
}

/// The line the collector prints after its last `status.d` file when there are more.
const MORE_FILES: &str = "@more";

/// deb822 stanzas as dpkg writes them to its status file and `dpkg-deb --field` to a
/// distroless image's `status.d` files: `Field: value` lines, continuation lines
/// starting with a space or tab, stanzas separated by blank lines. Only `Package`,
/// `Version`, `Architecture`, `Source` (`name` or `name (version)`) and `Status` are
/// read; field names are case-insensitive, as dpkg's.
fn parse_stanzas(f: &mut Facts, section: &'static str, lines: &[&str]) {
    let what = section.strip_prefix("dpkg-").unwrap_or(section);
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
                stanza_package(f, section, start, &stanza);
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

fn stanza_package(
    f: &mut Facts,
    section: &'static str,
    start: usize,
    stanza: &[(usize, &str, &str)],
) {
    let what = section.strip_prefix("dpkg-").unwrap_or(section);
    let at = format!("dpkg {what} line {start}");
    if let Some((n, _, l)) = stanza.iter().find(|(_, k, _)| k.is_empty()) {
        f.refuse(
            section,
            &format!("line {start}"),
            format!(
                "dpkg {what} line {n}: not a \"Field: value\" line: {:?}; its stanza rejected",
                shorten(l)
            ),
        );
        return;
    }
    let field = |name: &str| {
        stanza
            .iter()
            .find(|(_, k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, _, v)| *v)
    };
    let (Some(binary), Some(version)) = (field("Package"), field("Version")) else {
        f.refuse(
            section,
            &format!("line {start}"),
            format!("{at}: a stanza without Package or Version, rejected"),
        );
        return;
    };
    if [binary, version]
        .iter()
        .chain(field("Architecture").iter())
        .chain(field("Source").iter())
        .chain(field("Status").iter())
        .any(|v| v.len() > MAX_LINE)
    {
        f.refuse(
            section,
            &format!("line {start}"),
            format!("{at}: a field longer than {MAX_LINE} bytes, rejected"),
        );
        return;
    }
    let state = match state_of_status_field(field("Status")) {
        Ok(Some(state)) => state,
        Ok(None) => return,
        Err(()) => {
            f.refuse(
                section,
                binary,
                format!(
                    "{at}: rejected Status {:?} of {}",
                    shorten(field("Status").unwrap_or_default()),
                    shorten(binary)
                ),
            );
            return;
        }
    };
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
                    f.refuse(
                        section,
                        binary,
                        format!(
                            "{at}: rejected Source {:?} of {}",
                            shorten(s),
                            shorten(binary)
                        ),
                    );
                    return;
                }
            },
        },
    };
    add(
        f,
        Listed {
            section,
            at,
            binary,
            arch: field("Architecture"),
            version,
            source,
            source_version,
            state,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(section: &str, lines: &[&str]) -> Facts {
        let mut f = Facts {
            os_id: Some("debian".into()),
            ..Facts::default()
        };
        let mut sections = Sections::default();
        sections.known.insert(section, lines.to_vec());
        Deb.parse(&mut f, &sections)
            .expect("dpkg sections never make the database invalid");
        f
    }

    fn arches(f: &Facts) -> Vec<(&str, Option<&str>, PackageState)> {
        f.packages
            .iter()
            .map(|p| (p.name.as_str(), p.arch.as_deref(), p.state))
            .collect()
    }

    #[test]
    fn rows_of_both_collector_shapes() {
        let f = facts(
            "dpkg",
            &[
                // The collector before ${Architecture}: five fields.
                "libc6:amd64\t2.36-9\tglibc\t2.36-9\tii ",
                "bash\t5.2.15-2+b7\tbash\t5.2.15-2\tii ",
                // Now: six.
                "tzdata\t2024a-0+deb12u1\t\t\tii \tall",
                "apt\t2.6.1\t\t\tri \tamd64",
                "libssl3:amd64\t3.0.11-1\topenssl\t3.0.11-1\tiU \tamd64",
                // An arch that contradicts the name's: refused.
                "libz:amd64\t1.0\t\t\tii \ti386",
                "gone\t1.0\t\t\trc \tamd64",
                "never\t1.0\t\t\tpn \tamd64",
                "odd\t1.0\t\t\tiX \tamd64",
            ],
        );
        assert_eq!(
            arches(&f),
            [
                ("libc6", Some("amd64"), PackageState::Installed),
                ("bash", None, PackageState::Installed),
                ("tzdata", Some("all"), PackageState::Installed),
                ("apt", Some("amd64"), PackageState::Installed),
                ("libssl3", Some("amd64"), PackageState::Unpacked),
            ]
        );
        assert_eq!(f.warnings.len(), 3, "{:#?}", f.warnings);
        assert!(f.warnings[0].starts_with("dpkg line 6: package \"libz:amd64\" does not have"));
        assert!(f.warnings[1].starts_with("dpkg line 9: rejected status \"iX \""));
        assert!(f.warnings[2].starts_with(
            "dpkg: 1 package not fully installed (libssl3:amd64 3.0.11-1 (unpacked))"
        ));
    }

    #[test]
    fn stanzas_as_dpkg_and_dpkg_deb_write_them() {
        let text = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n\
            Multi-Arch: same\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\n\
            Description: Secure Sockets Layer\n toolkit - shared libraries\n  Package: fake 9\n\n\n\
            package: tzdata\nversion: 2024a-0+deb12u1\narchitecture: all\n\n\
            Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\n\
            Package: old-style\nStatus: install ok postinst-failed\nVersion: 1.0\n\n\
            Package: badstatus\nStatus: installed\nVersion: 1.0\n\n\
            Package: badsource\nVersion: 1.0\nSource: foo 1.0\n\n\
            Version: 1.0\n\n\
            Package: garbage\nthis is not a field\nVersion: 1.0\n\n\
            Package: Upper_Case\nVersion: 1.0\n\n\
            Package: -bad\nVersion: 1.0\n";
        let lines: Vec<&str> = text.lines().collect();
        let f = facts("dpkg-status.d", &lines);
        assert_eq!(
            arches(&f),
            [
                ("libssl3", Some("amd64"), PackageState::Installed),
                ("tzdata", Some("all"), PackageState::Installed),
                ("old-style", None, PackageState::HalfConfigured),
                ("upper_case", None, PackageState::Installed),
            ]
        );
        let ssl = &f.packages[0];
        assert_eq!(
            (ssl.source_name.as_str(), ssl.source_version.as_str()),
            ("openssl", "3.0.11-1~deb12u2")
        );
        let warned: Vec<&str> = f
            .warnings
            .iter()
            .map(|w| w.split(':').next().unwrap())
            .collect();
        assert_eq!(
            warned,
            [
                "dpkg status.d line 24",
                "dpkg status.d line 28",
                "dpkg status.d line 32",
                "dpkg status.d line 35",
                "dpkg status.d line 41",
                "dpkg",
            ],
            "{:#?}",
            f.warnings
        );
    }

    #[test]
    fn hostile_stanzas_are_rejected_by_name() {
        let huge = format!("Version: {}", "1".repeat(MAX_LINE + 1));
        let lines = [
            "Package: evil;rm -rf /",
            "Version: 1.0",
            "",
            "Package: evil2",
            "Version: 1.0$(reboot)",
            "",
            "Package: evil3",
            "Version: 1.0",
            "Architecture: amd64;id",
            "",
            "Package: evil4",
            "Version: 1.0",
            "Source: `id` (1.0)",
            "",
            "Package: evil5",
            huge.as_str(),
            "",
            "Package: ok",
            "Version: 1.0",
        ];
        let f = facts("dpkg-status.d", &lines);
        let names: Vec<&str> = f.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok"]);
        assert_eq!(f.warnings.len(), 5, "{:#?}", f.warnings);
        assert!(f.warnings.iter().all(|w| w.chars().count() < 200));
    }

    /// dpkg's pkg_name_is_illegal, not Debian Policy.
    #[test]
    fn names_follow_dpkg() {
        for ok in ["x", "0", "lib_u", "Foo", "a-", "g++", "libc6.1"] {
            assert!(name_ok(ok), "{ok}");
        }
        for bad in ["", "-a", "+a", ".a", "_a", "a b", "a:b", "a;b", "ä", "a/b"] {
            assert!(!name_ok(bad), "{bad:?}");
        }
    }

    #[test]
    fn debian_version_names_a_release_for_debian_only() {
        let release = |id: &str, version_id: Option<&str>, dv: &str| {
            let mut f = Facts {
                os_id: Some(id.into()),
                os_version: version_id.map(str::to_string),
                ..Facts::default()
            };
            release_from_debian_version(&mut f, &[dv]);
            f.ecosystem
        };
        assert_eq!(release("debian", None, "12.8"), Some("Debian:12".into()));
        assert_eq!(release("debian", None, "13"), Some("Debian:13".into()));
        assert_eq!(release("debian", None, "trixie/sid"), None);
        assert_eq!(release("debian", None, "12.8 $(id)"), None);
        assert_eq!(release("debian", None, "12..8"), None);
        assert_eq!(release("ubuntu", None, "12.8"), None);
        // A VERSION_ID that names no release stays unnamed.
        assert_eq!(release("debian", Some("x"), "12.8"), None);
    }
}
