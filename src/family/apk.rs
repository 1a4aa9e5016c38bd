//! Alpine's collector sections: the installed database (`/lib/apk/db/installed`, reduced
//! on the host to its `P:` name, `V:` version, `A:` arch and `o:` origin lines) and
//! `apk version -l '<'` (pending updates). Names follow apk's package-name grammar,
//! versions the apk engine; nothing is guessed.

use std::collections::HashMap;

use super::facts::{Facts, MAX_LINE, MAX_PACKAGES, Package, Pending, Sections, shorten};
use super::{Family, Manager};
use crate::version::Scheme;

/// The family's part of the collector (`scan/collect.sh` prints the common sections
/// first, and sets `FAM` from the os-release ID): its sections, only on its hosts.
const COLLECTOR: &str = r#"if [ "$FAM" = apk ] && [ -f "$R/lib/apk/db/installed" ]; then
  if command -v apk >/dev/null 2>&1; then
    if [ -n "$R" ]; then set -- --root "$R"; else set --; fi
    if [ "$REFRESH" = 1 ]; then
      s refresh
      apk "$@" update -q >/dev/null 2>&1; echo "exit $?"
    fi
  fi
  s apk-installed
  grep -E '^([PVAo]:|$)' "$R/lib/apk/db/installed"
  if command -v apk >/dev/null 2>&1; then
    s apk-version
    apk "$@" version -l '<'
  fi
fi
"#;

pub struct Apk;

impl Family for Apk {
    fn manager(&self) -> Manager {
        Manager::Apk
    }

    fn os_ids(&self) -> &'static [&'static str] {
        &["alpine"]
    }

    fn ecosystem(&self, id: &str, version_id: &str, _version: &str) -> Option<String> {
        if id != "alpine" {
            return None;
        }
        let mut it = version_id.split('.');
        Some(format!("Alpine:v{}.{}", it.next()?, it.next()?))
    }

    fn ecosystems(&self) -> &'static [&'static str] {
        &["Alpine", "Wolfi", "Chainguard"]
    }

    fn collector(&self) -> &'static str {
        COLLECTOR
    }

    fn sections(&self) -> &'static [&'static str] {
        &["apk-installed", "apk-version"]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        &["apk-installed"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) {
        parse_installed(f, sections.get("apk-installed"));
        parse_version(f, sections.get("apk-version"));
        f.reboot_required = f.reboot_required.filter(|r| *r);
        // /boot names flavours (vmlinuz-lts), not versions: kernels come from packages.
        f.kernels = kernels_from_packages(f);
    }

    fn name_ok(&self, name: &str) -> bool {
        apk_name_ok(name)
    }

    fn matches_binary_packages(&self) -> bool {
        false
    }

    fn can_deploy(&self) -> bool {
        false
    }
}

/// apk package names: ASCII letters, digits and `- . _ +`, starting with a letter or digit.
pub fn apk_name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'+'))
}

/// A version apk would install: valid for the engine, not empty, starting with a digit.
pub fn apk_version_ok(s: &str) -> bool {
    s.len() <= 128 && s.starts_with(|c: char| c.is_ascii_digit()) && Scheme::Apk.validate(s).is_ok()
}

fn arch_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[derive(Default)]
struct Record<'a> {
    name: Option<&'a str>,
    version: Option<&'a str>,
    arch: Option<&'a str>,
    origin: Option<&'a str>,
    first_line: usize,
    bad: Option<String>,
}

/// The installed database: records separated by blank lines, one `X:value` per line.
pub fn parse_installed(f: &mut Facts, lines: &[&str]) {
    let mut rec = Record::default();
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            finish(f, std::mem::take(&mut rec));
            continue;
        }
        if rec.name.is_none() && rec.version.is_none() && rec.bad.is_none() {
            rec.first_line = i + 1;
        }
        if l.len() > MAX_LINE {
            rec.bad = Some(format!("line {} longer than {MAX_LINE} bytes", i + 1));
            continue;
        }
        let Some((key, value)) = l.split_once(':') else {
            rec.bad = Some(format!("line {} is not KEY:VALUE: {:?}", i + 1, shorten(l)));
            continue;
        };
        match key {
            "P" => rec.name = Some(value),
            "V" => rec.version = Some(value),
            "A" => rec.arch = Some(value),
            "o" => rec.origin = Some(value),
            _ => {}
        }
        if f.packages.len() >= MAX_PACKAGES {
            break;
        }
    }
    finish(f, rec);
}

fn finish(f: &mut Facts, r: Record<'_>) {
    if r.name.is_none() && r.version.is_none() && r.bad.is_none() {
        return;
    }
    let at = r.first_line;
    if f.packages.len() >= MAX_PACKAGES {
        f.warn(format!(
            "apk: more than {MAX_PACKAGES} packages; the rest ignored"
        ));
        return;
    }
    if let Some(why) = r.bad {
        f.warn(format!("apk record at line {at}: {why}; rejected"));
        return;
    }
    let (Some(name), Some(version)) = (r.name, r.version) else {
        f.warn(format!(
            "apk record at line {at}: no {} field; rejected",
            if r.name.is_none() { "P:" } else { "V:" }
        ));
        return;
    };
    if !apk_name_ok(name) {
        f.warn(format!(
            "apk record at line {at}: rejected package name {:?}",
            shorten(name)
        ));
        return;
    }
    if !apk_version_ok(version) {
        f.warn(format!(
            "apk record at line {at}: rejected version {:?} of {name}",
            shorten(version)
        ));
        return;
    }
    let origin = r.origin.unwrap_or(name);
    if !apk_name_ok(origin) {
        f.warn(format!(
            "apk record at line {at}: rejected origin {:?} of {name}",
            shorten(origin)
        ));
        return;
    }
    let arch = r.arch.filter(|a| arch_ok(a));
    f.packages.push(Package {
        name: name.to_string(),
        arch: arch.map(str::to_string),
        version: version.to_string(),
        source_name: origin.to_string(),
        source_version: version.to_string(),
    });
}

/// `apk version -l '<'`: a header, then `NAME-VERSION<padding> < AVAILABLE [TAG]`.
/// NAME-VERSION is split through the installed list (apk joins them with a `-`, and both
/// may contain one), so only installed packages are accepted.
pub fn parse_version(f: &mut Facts, lines: &[&str]) {
    let installed: HashMap<String, (&str, &str)> = f
        .packages
        .iter()
        .map(|p| {
            (
                format!("{}-{}", p.name, p.version),
                (p.name.as_str(), p.version.as_str()),
            )
        })
        .collect();
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty()
            || t.starts_with("Installed:")
            || t.starts_with("WARNING:")
            || t.starts_with("fetch ")
        {
            continue;
        }
        if l.len() > MAX_LINE {
            rejected.push("over-long line".to_string());
            continue;
        }
        let fields: Vec<&str> = t.split_whitespace().collect();
        let (pkgver, op, avail, tag) = match fields.as_slice() {
            [p, o, a] => (*p, *o, *a, ""),
            [p, o, a, tag] => (*p, *o, *a, *tag),
            _ => {
                rejected.push(shorten(t));
                continue;
            }
        };
        if op != "<" {
            // Only updates are pending; `>` and `=` (held or newer) are not.
            if !matches!(op, ">" | "=" | "?" | "<=" | ">=") {
                rejected.push(shorten(t));
            }
            continue;
        }
        let tag_ok = tag.is_empty()
            || (tag.len() <= 64
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'@' | b'-' | b'_' | b'.')));
        let Some((name, from)) = installed
            .get(pkgver)
            .copied()
            .filter(|_| apk_version_ok(avail) && tag_ok)
        else {
            rejected.push(shorten(t));
            continue;
        };
        out.push(Pending {
            package: name.to_string(),
            from: Some(from.to_string()),
            to: avail.to_string(),
            origin: if tag.is_empty() {
                "apk".into()
            } else {
                tag.to_string()
            },
            // apk does not classify updates; security comes from the catalogue.
            security: false,
        });
    }
    for r in rejected {
        f.warn(format!("apk version: rejected line {r:?}"));
    }
    f.pending.extend(out);
}

/// Kernels from `linux-<flavor>` packages as `uname -r` names them: linux-lts 6.6.58-r0
/// runs as `6.6.58-0-lts`.
pub fn kernels_from_packages(f: &Facts) -> Vec<String> {
    f.packages
        .iter()
        .filter_map(|p| {
            let flavor = p.name.strip_prefix("linux-")?;
            if !matches!(flavor, "lts" | "virt" | "edge" | "rpi" | "rpi4" | "stable") {
                return None;
            }
            let (v, r) = p.version.rsplit_once("-r")?;
            r.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| format!("{v}-{r}-{flavor}"))
        })
        .collect()
}
