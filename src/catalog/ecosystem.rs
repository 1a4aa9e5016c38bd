//! Ecosystem names as people type them: `debian:12` is `Debian:12`, `osv:rocky linux` is
//! `osv:Rocky Linux`, and a near miss (`Debain`) is refused with a "did you mean".

use crate::error::Failure;

/// OSV ecosystems (the folders of the OSV bucket, plus `RustSec` for its own export).
/// A name outside this list is passed on as given: a mirror may carry others.
pub const OSV_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Android",
    "Azure Linux",
    "Bioconductor",
    "Bitnami",
    "CRAN",
    "Chainguard",
    "Debian",
    "GHC",
    "GIT",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "NuGet",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "RubyGems",
    "RustSec",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "Wolfi",
    "crates.io",
    "npm",
    "openEuler",
    "openSUSE",
];

/// The operating systems patchcycle scans, by the ecosystem name (without release) its
/// hosts get: what `host add --ecosystem` accepts.
pub const HOST_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Amazon Linux",
    "CentOS",
    "Debian",
    "Fedora",
    "Oracle Linux",
    "Red Hat",
    "Rocky Linux",
    "Ubuntu",
];

/// Edit distance (insertions, deletions, substitutions), for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `known` to `name` (case-insensitive), if it is a near miss: at most
/// two edits, and fewer than a third of the name's length.
pub fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (distance(&lower, &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= 2 && *d * 3 <= name.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The spelling in `known` of `name`, compared case-insensitively.
fn canonical<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known.iter().find(|k| k.eq_ignore_ascii_case(name)).copied()
}

/// An ecosystem with or without release as a filter (`advisory search --ecosystem`): the
/// name in its known spelling (`almalinux:9` -> `AlmaLinux:9`), anything else as given.
pub fn canonical_name(name: &str) -> String {
    let (base, release) = match name.split_once(':') {
        Some((b, r)) => (b, Some(r)),
        None => (name, None),
    };
    let base = canonical(base, OSV_ECOSYSTEMS)
        .or_else(|| canonical(base, HOST_ECOSYSTEMS))
        .unwrap_or(base);
    match release {
        Some(r) => {
            let r = match r.rsplit_once(':') {
                Some((v, lts)) if lts.eq_ignore_ascii_case("lts") => format!("{v}:LTS"),
                _ => r.to_string(),
            };
            format!("{base}:{r}")
        }
        None => base.to_string(),
    }
}

/// Why a name is not taken as an OSV ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOsv {
    /// Not a name at all (characters a folder name cannot have).
    Invalid,
    /// A near miss of a known ecosystem: the one meant, most likely.
    NearMiss(&'static str),
}

/// An OSV ecosystem (from `osv:NAME` or `[sync.osv] ecosystems`) in its canonical
/// spelling. A release (`Debian:12`) is dropped: one archive holds every release.
pub fn osv_ecosystem(name: &str) -> Result<String, NotOsv> {
    let base = name.split(':').next().unwrap_or(name).trim();
    if let Some(k) = canonical(base, OSV_ECOSYSTEMS) {
        return Ok(k.to_string());
    }
    if base.is_empty()
        || base.len() > 64
        || !base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
    {
        return Err(NotOsv::Invalid);
    }
    match did_you_mean(base, OSV_ECOSYSTEMS) {
        Some(k) => Err(NotOsv::NearMiss(k)),
        None => Ok(base.to_string()),
    }
}

/// [`osv_ecosystem`] as a usage error; `what` says where the name came from.
pub fn osv_ecosystem_or_usage(name: &str, what: &str) -> Result<String, Failure> {
    osv_ecosystem(name).map_err(|e| match e {
        NotOsv::Invalid => Failure::usage(format!("{what} {name:?} is not an OSV ecosystem name"))
            .hint("OSV ecosystems are named like Debian, Ubuntu, AlmaLinux, Rocky Linux, Alpine"),
        NotOsv::NearMiss(k) => Failure::usage(format!("{what} {name:?} is not an OSV ecosystem"))
            .hint(format!("did you mean {k:?}?")),
    })
}

/// A host's ecosystem with release (`host add --ecosystem`), canonical: `debian:12` ->
/// `Debian:12`, `ubuntu:22.04:lts` -> `Ubuntu:22.04:LTS`, `alpine:3.20` -> `Alpine:v3.20`.
pub fn host_ecosystem(name: &str) -> Result<String, Failure> {
    let usage = |why: String| {
        Failure::usage(why).hint(format!(
            "give the OS and its release, as a scan names them: Debian:12, Ubuntu:24.04:LTS, \
             AlmaLinux:9, Rocky Linux:9, Alpine:v3.20 (known: {})",
            HOST_ECOSYSTEMS.join(", ")
        ))
    };
    let mut parts = name.splitn(2, ':');
    let base = parts.next().unwrap_or_default().trim();
    let release = parts.next().map(str::trim).unwrap_or_default();
    let Some(base) = canonical(base, HOST_ECOSYSTEMS) else {
        if let Some(k) = did_you_mean(base, HOST_ECOSYSTEMS) {
            return Err(
                Failure::usage(format!("--ecosystem {name:?}: unknown OS {base:?}"))
                    .hint(format!("did you mean \"{k}:{release}\"?")),
            );
        }
        return Err(usage(format!("--ecosystem {name:?}: unknown OS {base:?}")));
    };
    let digits = |s: &str| {
        !s.is_empty()
            && s.len() <= 16
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && !s.starts_with('.')
            && !s.ends_with('.')
    };
    let release = match base {
        "Alpine" => {
            let v = release
                .strip_prefix('v')
                .or_else(|| release.strip_prefix('V'))
                .unwrap_or(release);
            (digits(v) && v.split('.').count() == 2).then(|| format!("v{v}"))
        }
        "Ubuntu" => match release.split_once(':') {
            Some((v, lts)) if lts.eq_ignore_ascii_case("lts") && digits(v) => {
                Some(format!("{v}:LTS"))
            }
            None if digits(release) => Some(release.to_string()),
            _ => None,
        },
        _ => digits(release).then(|| release.to_string()),
    };
    match release {
        Some(r) => Ok(format!("{base}:{r}")),
        None if name.contains(':') => Err(usage(format!(
            "--ecosystem {name:?}: {release:?} is not a release of {base}"
        ))),
        None => Err(usage(format!("--ecosystem {name:?} has no release"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_case_insensitively() {
        assert_eq!(osv_ecosystem("debian").unwrap(), "Debian");
        assert_eq!(osv_ecosystem("ROCKY LINUX").unwrap(), "Rocky Linux");
        assert_eq!(osv_ecosystem("Debian:12").unwrap(), "Debian");
        assert_eq!(osv_ecosystem("NoSuchEcosystem").unwrap(), "NoSuchEcosystem");
        assert_eq!(osv_ecosystem("Debain"), Err(NotOsv::NearMiss("Debian")));
        assert_eq!(osv_ecosystem("a/b"), Err(NotOsv::Invalid));
        let e = osv_ecosystem_or_usage("Almalinx", "entry").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean \"AlmaLinux\"?"));
    }

    #[test]
    fn filters_take_the_known_spelling() {
        assert_eq!(canonical_name("almalinux:9"), "AlmaLinux:9");
        assert_eq!(canonical_name("ubuntu:22.04:lts"), "Ubuntu:22.04:LTS");
        assert_eq!(canonical_name("CRATES.IO"), "crates.io");
        assert_eq!(canonical_name("Other:1"), "Other:1");
    }

    #[test]
    fn host_ecosystems_take_a_release() {
        assert_eq!(host_ecosystem("debian:12").unwrap(), "Debian:12");
        assert_eq!(
            host_ecosystem("ubuntu:22.04:lts").unwrap(),
            "Ubuntu:22.04:LTS"
        );
        assert_eq!(host_ecosystem("alpine:3.20").unwrap(), "Alpine:v3.20");
        assert_eq!(host_ecosystem("rocky linux:9").unwrap(), "Rocky Linux:9");
        assert!(host_ecosystem("Debian").is_err());
        assert!(host_ecosystem("Debian:twelve").is_err());
        let e = host_ecosystem("Debain:12").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean \"Debian:12\"?"));
        assert!(host_ecosystem("Windows:11").is_err());
    }
}
