//! Deploy and rollback commands for the rpm family (dnf, yum, rpm) and Alpine (apk), as
//! shell script text for the deploy engine to send to `sh -s`. Pure: nothing here runs.
//!
//! Every package name and version is checked against the package manager's grammar
//! (the scan's validators and the version engines) and then single-quoted; directories
//! must be absolute and are quoted too. Anything that fails a check is an error naming
//! it: the builders never drop or repair an input.

use std::path::Path;

use super::apk::{apk_name_ok, apk_version_ok};
use super::rpm::{rpm_arch_ok, rpm_name_ok};
use crate::exec::shell_quote;
use crate::version::Scheme;

/// A package at an exact version: `(name, version)`; for rpm the version is the EVR
/// `[epoch:]version-release` as the scan stores it.
pub type Pin<'a> = (&'a str, &'a str);

pub(crate) fn rpm_evr_ok(v: &str) -> bool {
    // An exact EVR has a release; the engine refuses whitespace, quotes and shell syntax.
    v.len() <= 256
        && Scheme::Rpm.validate(v).is_ok()
        && v.split_once(':').map_or(v, |(_, r)| r).contains('-')
        && v.split_once(':')
            .is_none_or(|(e, _)| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
}

fn check_rpm(pins: &[Pin]) -> Result<(), String> {
    if pins.is_empty() {
        return Err("no packages given".into());
    }
    for (name, evr) in pins {
        if !rpm_name_ok(name) {
            return Err(format!("{name:?} is not an rpm package name"));
        }
        if !rpm_evr_ok(evr) {
            return Err(format!(
                "{evr:?} (for {name}) is not an exact rpm [epoch:]version-release"
            ));
        }
    }
    Ok(())
}

fn check_apk(pins: &[Pin]) -> Result<(), String> {
    if pins.is_empty() {
        return Err("no packages given".into());
    }
    for (name, version) in pins {
        if !apk_name_ok(name) {
            return Err(format!("{name:?} is not an apk package name"));
        }
        if !apk_version_ok(version) {
            return Err(format!("{version:?} (for {name}) is not an apk version"));
        }
    }
    Ok(())
}

fn quoted_dir(dir: &Path) -> Result<String, String> {
    let s = dir
        .to_str()
        .ok_or_else(|| format!("{}: not valid UTF-8", dir.display()))?;
    if !s.starts_with('/') || s.len() > 4096 || s.chars().any(char::is_control) {
        return Err(format!(
            "{s:?}: must be an absolute path without control characters"
        ));
    }
    Ok(shell_quote(s))
}

fn words(items: impl IntoIterator<Item = String>) -> String {
    items
        .into_iter()
        .map(|w| shell_quote(&w))
        .collect::<Vec<_>>()
        .join(" ")
}

const HEAD: &str = "set -eu\nLC_ALL=C\nexport LC_ALL\n";

/// `dnf install NAME-EVR…`: exactly these versions (upgrading or downgrading to them),
/// as the cycle froze them; from the metadata as it is (`--refresh` is the caller's).
pub fn dnf_install_exact(pins: &[Pin]) -> Result<String, String> {
    check_rpm(pins)?;
    let specs = words(pins.iter().map(|(n, v)| format!("{n}-{v}")));
    Ok(format!("{HEAD}dnf -y install -- {specs}\n"))
}

/// `dnf upgrade-minimal --advisory A…`: the smallest updates that fix the advisories.
pub fn dnf_upgrade_advisories(advisories: &[&str]) -> Result<String, String> {
    if advisories.is_empty() {
        return Err("no advisories given".into());
    }
    for a in advisories {
        let ok = !a.is_empty()
            && a.len() <= 64
            && a.starts_with(|c: char| c.is_ascii_alphanumeric())
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_' | b'.'));
        if !ok {
            return Err(format!("{a:?} is not an advisory id"));
        }
    }
    let flags = words(advisories.iter().map(|a| format!("--advisory={a}")));
    Ok(format!("{HEAD}dnf -y upgrade-minimal {flags}\n"))
}

/// Keeps the installed packages for rollback: `dnf download` of each `name-EVR.arch` into
/// `dir` (before the update; repositories may drop old builds later). `pins` are
/// `(name, evr, arch)`.
pub fn dnf_download_for_rollback(
    dir: &Path,
    pins: &[(&str, &str, &str)],
) -> Result<String, String> {
    let plain: Vec<Pin> = pins.iter().map(|(n, v, _)| (*n, *v)).collect();
    check_rpm(&plain)?;
    if let Some((n, _, a)) = pins.iter().find(|(_, _, a)| !rpm_arch_ok(a)) {
        return Err(format!("{a:?} (for {n}) is not an rpm arch"));
    }
    let d = quoted_dir(dir)?;
    let specs = words(pins.iter().map(|(n, v, a)| format!("{n}-{v}.{a}")));
    Ok(format!(
        "{HEAD}mkdir -p -- {d}\ndnf -q download --destdir {d} -- {specs}\n"
    ))
}

/// The file `dnf download` writes for a package: `name-version-release.arch.rpm` (the
/// epoch is not part of file names).
fn rpm_file_name(name: &str, evr: &str, arch: &str) -> String {
    let vr = evr.split_once(':').map_or(evr, |(_, vr)| vr);
    format!("{name}-{vr}.{arch}.rpm")
}

/// Rollback from the kept packages: `rpm -Uvh --oldpackage` of exactly the files
/// [`dnf_download_for_rollback`] wrote (it refuses if one is missing).
pub fn rpm_rollback_from_kept(dir: &Path, pins: &[(&str, &str, &str)]) -> Result<String, String> {
    let plain: Vec<Pin> = pins.iter().map(|(n, v, _)| (*n, *v)).collect();
    check_rpm(&plain)?;
    if let Some((n, _, a)) = pins.iter().find(|(_, _, a)| !rpm_arch_ok(a)) {
        return Err(format!("{a:?} (for {n}) is not an rpm arch"));
    }
    let d = quoted_dir(dir)?;
    let files = pins
        .iter()
        .map(|(n, v, a)| format!("{d}/{}", shell_quote(&rpm_file_name(n, v, a))))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(format!(
        "{HEAD}for f in {files}; do\n  [ -f \"$f\" ] || {{ echo \"missing kept package $f\" >&2; exit 3; }}\ndone\n\
         rpm -Uvh --oldpackage --replacepkgs -- {files}\n"
    ))
}

/// Rollback through dnf's history: undo one transaction by its id.
pub fn dnf_history_undo(transaction: u64) -> String {
    format!("{HEAD}dnf -y history undo {transaction}\n")
}

/// Whether a reboot is needed (rpm family): prints `reboot yes`, `reboot no` or
/// `reboot unknown` (no needs-restarting, or it failed).
pub fn needs_restarting() -> String {
    "LC_ALL=C\nexport LC_ALL\n\
     if command -v needs-restarting >/dev/null 2>&1; then\n  \
     needs-restarting -r >/dev/null 2>&1\n  \
     case $? in 0) echo 'reboot no' ;; 1) echo 'reboot yes' ;; *) echo 'reboot unknown' ;; esac\n\
     else\n  echo 'reboot unknown'\nfi\n"
        .to_string()
}

/// `apk add NAME=VERSION…`: exactly these versions. apk records each `NAME=VERSION` in
/// /etc/apk/world, which holds the package there until a later `apk add NAME` lifts it.
pub fn apk_add_exact(pins: &[Pin]) -> Result<String, String> {
    check_apk(pins)?;
    let specs = words(pins.iter().map(|(n, v)| format!("{n}={v}")));
    Ok(format!("{HEAD}apk add -- {specs}\n"))
}

/// Keeps the installed packages for rollback: `apk fetch` of each `NAME=VERSION` into
/// `dir` (before the update: Alpine repositories keep only the newest build).
pub fn apk_fetch_for_rollback(dir: &Path, pins: &[Pin]) -> Result<String, String> {
    check_apk(pins)?;
    let d = quoted_dir(dir)?;
    let specs = words(pins.iter().map(|(n, v)| format!("{n}={v}")));
    Ok(format!(
        "{HEAD}mkdir -p -- {d}\napk fetch --output {d} -- {specs}\n"
    ))
}

/// Rollback from the kept `.apk` files that [`apk_fetch_for_rollback`] wrote
/// (`NAME-VERSION.apk`).
pub fn apk_rollback_from_kept(dir: &Path, pins: &[Pin]) -> Result<String, String> {
    check_apk(pins)?;
    let d = quoted_dir(dir)?;
    let files = pins
        .iter()
        .map(|(n, v)| format!("{d}/{}", shell_quote(&format!("{n}-{v}.apk"))))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(format!(
        "{HEAD}for f in {files}; do\n  [ -f \"$f\" ] || {{ echo \"missing kept package $f\" >&2; exit 3; }}\ndone\n\
         apk add -- {files}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Runs `script` with fake package managers that print their arguments, one per line.
    fn argv_of(script: &str, tools: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        for t in tools {
            let p = dir.path().join(t);
            std::fs::write(
                &p,
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n",
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("PATH", format!("{}:/usr/bin:/bin", dir.path().display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn dnf_exact_install_passes_each_spec_as_one_argument() {
        let s = dnf_install_exact(&[
            ("openssl-libs", "1:3.0.7-6.el9_2"),
            ("libstdc++", "11.4.1-2.1.el9"),
        ])
        .unwrap();
        assert_eq!(
            s,
            "set -eu\nLC_ALL=C\nexport LC_ALL\ndnf -y install -- 'openssl-libs-1:3.0.7-6.el9_2' 'libstdc++-11.4.1-2.1.el9'\n"
        );
        assert_eq!(
            argv_of(&s, &["dnf"]),
            "-y\ninstall\n--\nopenssl-libs-1:3.0.7-6.el9_2\nlibstdc++-11.4.1-2.1.el9\n"
        );
    }

    #[test]
    fn hostile_inputs_are_refused_not_quoted() {
        for (n, v) in [
            ("x;reboot", "1-1"),
            ("-rf", "1-1"),
            ("a b", "1-1"),
            ("ok", "1.0"), // no release: not exact
            ("ok", "1-1;reboot"),
            ("ok", "$(reboot)-1"),
            ("ok", "x:1-1"),
            ("ok", "1-1 2-2"),
            ("ok", "'1-1'"),
        ] {
            assert!(dnf_install_exact(&[(n, v)]).is_err(), "{n} {v}");
        }
        assert!(dnf_install_exact(&[]).is_err());
        for (n, v) in [
            ("x;reboot", "1.0-r0"),
            ("ok", "1.0-r0;id"),
            ("ok", ""),
            ("ok", "`id`"),
        ] {
            assert!(apk_add_exact(&[(n, v)]).is_err(), "{n} {v}");
        }
        assert!(dnf_upgrade_advisories(&["ALSA-2023:2523;reboot"]).is_err());
        assert!(dnf_upgrade_advisories(&["--all"]).is_err());
        assert!(
            dnf_download_for_rollback(Path::new("relative"), &[("a", "1-1", "noarch")]).is_err()
        );
        assert!(dnf_download_for_rollback(Path::new("/k"), &[("a", "1-1", "x86_64;id")]).is_err());
        assert!(apk_fetch_for_rollback(Path::new("/k\n/x"), &[("a", "1-r0")]).is_err());
    }

    #[test]
    fn rollback_dirs_with_odd_characters_stay_one_word() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("keep it's $(here)");
        let pins = [("openssl-libs", "1:3.0.7-1.el9", "x86_64")];
        let s = dnf_download_for_rollback(&dir, &pins).unwrap();
        let args = argv_of(&s, &["dnf"]);
        assert!(dir.is_dir(), "mkdir made the directory as named");
        assert_eq!(
            args,
            format!(
                "-q\ndownload\n--destdir\n{}\n--\nopenssl-libs-1:3.0.7-1.el9.x86_64\n",
                dir.display()
            )
        );
        // The kept file as dnf names it (no epoch); rollback refuses while it is missing.
        let s = rpm_rollback_from_kept(&dir, &pins).unwrap();
        let out = Command::new("sh").arg("-c").arg(&s).output().unwrap();
        assert_eq!(out.status.code(), Some(3));
        std::fs::write(dir.join("openssl-libs-3.0.7-1.el9.x86_64.rpm"), "").unwrap();
        assert_eq!(
            argv_of(&s, &["rpm"]),
            format!(
                "-Uvh\n--oldpackage\n--replacepkgs\n--\n{}/openssl-libs-3.0.7-1.el9.x86_64.rpm\n",
                dir.display()
            )
        );
        let a = [("libcrypto3", "3.3.2-r0")];
        assert_eq!(
            argv_of(&apk_fetch_for_rollback(&dir, &a).unwrap(), &["apk"]),
            format!(
                "fetch\n--output\n{}\n--\nlibcrypto3=3.3.2-r0\n",
                dir.display()
            )
        );
        std::fs::write(dir.join("libcrypto3-3.3.2-r0.apk"), "").unwrap();
        assert_eq!(
            argv_of(&apk_rollback_from_kept(&dir, &a).unwrap(), &["apk"]),
            format!("add\n--\n{}/libcrypto3-3.3.2-r0.apk\n", dir.display())
        );
    }

    #[test]
    fn other_builders() {
        assert_eq!(
            argv_of(
                &apk_add_exact(&[("libssl3", "3.3.2-r1")]).unwrap(),
                &["apk"]
            ),
            "add\n--\nlibssl3=3.3.2-r1\n"
        );
        assert_eq!(
            argv_of(
                &dnf_upgrade_advisories(&["ALSA-2023:2523", "ALSA-2024:0310"]).unwrap(),
                &["dnf"]
            ),
            "-y\nupgrade-minimal\n--advisory=ALSA-2023:2523\n--advisory=ALSA-2024:0310\n"
        );
        assert_eq!(
            argv_of(&dnf_history_undo(42), &["dnf"]),
            "-y\nhistory\nundo\n42\n"
        );
        // needs-restarting: exit 1 is "reboot yes"; without the tool, "unknown".
        let dir = tempfile::tempdir().unwrap();
        let nr = dir.path().join("needs-restarting");
        std::fs::write(&nr, "#!/bin/sh\nexit 1\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&nr, std::fs::Permissions::from_mode(0o755)).unwrap();
        let run = |path: &str| {
            let out = Command::new("sh")
                .arg("-c")
                .arg(needs_restarting())
                .env("PATH", path)
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        assert_eq!(
            run(&format!("{}:/usr/bin:/bin", dir.path().display())),
            "reboot yes\n"
        );
        assert_eq!(run("/nonexistent:/bin"), "reboot unknown\n");
    }
}
