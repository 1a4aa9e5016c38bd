//! One judge for both engines: what the host's answers to each step mean. The
//! built-in engine and `--engine ansible` hand the same outputs here; nothing in this
//! file talks to a host or to the database, so each verdict has a unit test.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::cycle::deployment::{Before, Check, Target};
use crate::family::deploy::{Deployer, Pin, Readback, rc};

/// A step failed: why, and whether the host was changed already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub message: String,
    /// The host was changed (the install started): a failure is rolled back per policy.
    pub touched: bool,
}

pub fn untouched(message: impl Into<String>) -> StepError {
    StepError {
        message: message.into(),
        touched: false,
    }
}

pub fn touched(message: impl Into<String>) -> StepError {
    StepError {
        message: message.into(),
        touched: true,
    }
}

/// The package manager's simulation and the facts before: refused when it cannot
/// install the targets.
pub fn before(d: &dyn Deployer, map: &BTreeMap<String, String>) -> Result<Before, StepError> {
    let sim = map.get("sim").cloned().unwrap_or_default();
    let errors = d.errors(&sim);
    let words = d.words();
    if rc(map) != Some(0) || !errors.is_empty() {
        return Err(untouched(format!(
            "{} cannot install the targets; nothing was changed: {}",
            words.manager,
            errors
                .first()
                .cloned()
                .unwrap_or_else(|| format!("{} failed", words.simulate))
        )));
    }
    let changes = d.parse_simulation(map).map_err(untouched)?;
    let facts = d.parse_readback(map).map_err(untouched)?;
    Ok(Before {
        changes,
        boot_id: facts.boot_id,
        systemd: facts.systemd,
    })
}

/// The installed versions the keep step must have downloaded: what the package
/// manager will replace.
pub fn to_keep(before: &Before) -> Vec<Pin> {
    before
        .changes
        .iter()
        .filter_map(|c| {
            c.from.clone().map(|f| Pin {
                package: c.package.clone(),
                version: f,
                arch: c.arch.clone(),
            })
        })
        .collect()
}

/// Whether the keep step's answer has every version in `old`: Err names those missing.
pub fn kept(d: &dyn Deployer, old: &[Pin], map: &BTreeMap<String, String>) -> Result<(), String> {
    let kept = d.parse_kept(map.get("kept").map(String::as_str).unwrap_or_default());
    let missing: Vec<String> = old
        .iter()
        .filter(|p| {
            !kept
                .iter()
                .any(|(kn, kv)| *kn == p.package && *kv == p.version)
        })
        .map(|p| format!("{}={}", p.package, p.version))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let why = d.errors(map.get("keep").map(String::as_str).unwrap_or_default());
    Err(format!(
        "not downloadable: {}{}",
        missing.join(", "),
        why.first().map(|w| format!(" ({w})")).unwrap_or_default()
    ))
}

/// Whether an install run succeeded; a lock never obtained leaves the host untouched.
pub fn install(
    d: &dyn Deployer,
    map: &BTreeMap<String, String>,
    lock_timeout: Duration,
) -> Result<(), StepError> {
    let text = map.get("install").cloned().unwrap_or_default();
    let errors = d.errors(&text);
    if rc(map) == Some(0) && errors.is_empty() {
        return Ok(());
    }
    let words = d.words();
    let first = errors
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{} exited {:?}", words.install, rc(map)));
    let no_lock = errors.iter().any(|e| d.lock_error(e));
    Err(if no_lock {
        untouched(format!(
            "install failed: the {} lock stayed taken for the lock_timeout of {}; nothing was changed: {}",
            words.lock,
            crate::inventory::policy::format_duration(lock_timeout),
            errors.join("; ")
        ))
    } else {
        touched(format!("install failed: {first}"))
    })
}

/// The health step's verdict on its checks.
pub fn health(checks: &[Check]) -> Result<(), StepError> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.check, c.detail))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(touched(format!(
            "health check failed: {}",
            failed.join("; ")
        )))
    }
}

/// The versions after of every package the install changed (None: no longer
/// installed).
pub fn after<'a>(before: &'a Before, facts: &'a Readback) -> BTreeMap<&'a str, Option<&'a String>> {
    before
        .changes
        .iter()
        .map(|c| (c.package.as_str(), facts.versions.get(&c.package)))
        .collect()
}

/// The built-in checks from the health script's output (or why it could not run).
pub fn builtin_checks(
    d: &dyn Deployer,
    result: Result<&BTreeMap<String, String>, &String>,
    targets: &[Target],
    before: &Before,
) -> Vec<Check> {
    let mut out = Vec::new();
    match result {
        Err(e) => out.push(Check {
            check: "ssh".into(),
            ok: false,
            detail: e.to_string(),
        }),
        Ok(map) => {
            out.push(Check {
                check: "ssh".into(),
                ok: true,
                detail: "answers".into(),
            });
            match d.parse_readback(map) {
                Err(e) => out.push(Check {
                    check: "versions".into(),
                    ok: false,
                    detail: e,
                }),
                Ok(f) => {
                    let bad_state = matches!(f.systemd.as_str(), "degraded" | "maintenance");
                    out.push(Check {
                        check: "systemd".into(),
                        ok: !bad_state || f.systemd == before.systemd,
                        detail: if f.systemd == "none" {
                            "no systemd".into()
                        } else if bad_state && f.systemd == before.systemd {
                            format!("{} (as before the deploy)", f.systemd)
                        } else {
                            f.systemd.clone()
                        },
                    });
                    let wrong: Vec<String> = targets
                        .iter()
                        .filter(|t| {
                            f.versions.get(&t.package).is_none_or(|v| {
                                d.scheme().compare(v, &t.to).map_or(true, |o| o.is_ne())
                            })
                        })
                        .map(|t| {
                            format!(
                                "{} is {} (target {})",
                                t.package,
                                f.versions.get(&t.package).map_or("missing", |v| v),
                                t.to
                            )
                        })
                        .collect();
                    out.push(Check {
                        check: "versions".into(),
                        ok: wrong.is_empty(),
                        detail: if wrong.is_empty() {
                            format!("{} equal their targets", targets.len())
                        } else {
                            wrong.join(", ")
                        },
                    });
                }
            }
            out.extend(d.family_checks(map).into_iter().map(|c| Check {
                check: c.check,
                ok: c.ok,
                detail: c.detail,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::deb::apt::Apt;
    use crate::family::deploy::Change;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const DPKG: &str = "openssl\t3.0.11-1~deb12u2\tii \nlibssl3\t3.0.11-1~deb12u2\tii \n";

    #[test]
    fn before_reads_apt_simulation_and_facts() {
        let b = before(&Apt, &map(&[
            ("rc", "0"),
            (
                "sim",
                "Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian:12.5/stable [amd64])\n\
                 Conf openssl (3.0.11-1~deb12u2 Debian:12.5/stable [amd64])\n",
            ),
            ("dpkg", DPKG),
            ("boot-id", "b1\n"),
            ("systemd", "running\n"),
        ]))
        .unwrap();
        assert_eq!(
            b.changes,
            vec![Change {
                package: "openssl".into(),
                from: Some("3.0.11-1~deb12u1".into()),
                to: "3.0.11-1~deb12u2".into(),
                arch: None,
            }]
        );
        assert_eq!(b.boot_id, "b1");
        assert_eq!(
            to_keep(&b),
            vec![Pin {
                package: "openssl".into(),
                version: "3.0.11-1~deb12u1".into(),
                arch: None,
            }]
        );
    }

    #[test]
    fn before_refuses_what_apt_cannot_install_untouched() {
        let e = before(
            &Apt,
            &map(&[
                ("rc", "100"),
                ("sim", "E: Version '9' for 'openssl' was not found\n"),
                ("dpkg", DPKG),
            ]),
        )
        .unwrap_err();
        assert!(!e.touched);
        assert_eq!(
            e.message,
            "apt cannot install the targets; nothing was changed: E: Version '9' for 'openssl' was not found"
        );
        let removal = before(
            &Apt,
            &map(&[("rc", "0"), ("sim", "Remv libfoo [1.0]\n"), ("dpkg", DPKG)]),
        )
        .unwrap_err();
        assert!(!removal.touched, "{removal:?}");
    }

    #[test]
    fn install_tells_a_lock_never_taken_from_a_failed_install() {
        let lock = Duration::from_secs(300);
        assert_eq!(
            install(&Apt, &map(&[("rc", "0"), ("install", "")]), lock),
            Ok(())
        );
        let e = install(
            &Apt,
            &map(&[
                ("rc", "100"),
                (
                    "install",
                    "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 7\n",
                ),
            ]),
            lock,
        )
        .unwrap_err();
        assert!(!e.touched);
        assert!(
            e.message.starts_with(
                "install failed: the dpkg lock stayed taken for the lock_timeout of 5m;"
            ),
            "{}",
            e.message
        );
        let e = install(
            &Apt,
            &map(&[
                ("rc", "100"),
                (
                    "install",
                    "E: Sub-process /usr/bin/dpkg returned an error code (1)\n",
                ),
            ]),
            lock,
        )
        .unwrap_err();
        assert!(e.touched);
        assert_eq!(
            e.message,
            "install failed: E: Sub-process /usr/bin/dpkg returned an error code (1)"
        );
        // No exit status at all (the output was cut): never a success.
        assert!(
            install(&Apt, &map(&[("install", "")]), lock)
                .unwrap_err()
                .touched
        );
    }

    #[test]
    fn kept_names_every_version_missing() {
        let pin = |p: &str| Pin {
            package: p.into(),
            version: "1".into(),
            arch: None,
        };
        let old = vec![pin("openssl"), pin("libssl3")];
        assert_eq!(
            kept(&Apt, &old, &map(&[("kept", "openssl\t1\nlibssl3\t1\n")])),
            Ok(())
        );
        assert_eq!(
            kept(&Apt, &old, &map(&[("kept", "openssl\t1\n")])),
            Err("not downloadable: libssl3=1".to_string())
        );
    }

    #[test]
    fn health_fails_on_any_failed_check_and_names_it() {
        let checks = vec![
            Check {
                check: "ssh".into(),
                ok: true,
                detail: "answers".into(),
            },
            Check {
                check: "versions".into(),
                ok: false,
                detail: "openssl is 1 (target 2)".into(),
            },
        ];
        assert_eq!(health(&checks[..1]), Ok(()));
        assert_eq!(
            health(&checks),
            Err(touched(
                "health check failed: versions: openssl is 1 (target 2)"
            ))
        );
    }

    #[test]
    fn builtin_checks_compare_versions_with_the_targets() {
        let targets = vec![Target {
            package: "openssl".into(),
            from: "3.0.11-1~deb12u1".into(),
            to: "3.0.11-1~deb12u2".into(),
            arch: None,
        }];
        let answers = map(&[
            ("dpkg", DPKG),
            ("systemd", "running\n"),
            ("audit", ""),
            ("audit-rc", "0\n"),
        ]);
        let checks = builtin_checks(&Apt, Ok(&answers), &targets, &Before::default());
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        let older = Target {
            to: "3.0.13-1~deb12u1".into(),
            ..targets[0].clone()
        };
        let checks = builtin_checks(&Apt, Ok(&answers), &[older], &Before::default());
        let versions = checks.iter().find(|c| c.check == "versions").unwrap();
        assert!(!versions.ok);
        assert_eq!(
            versions.detail,
            "openssl is 3.0.11-1~deb12u2 (target 3.0.13-1~deb12u1)"
        );
        let down = builtin_checks(
            &Apt,
            Err(&"unreachable: timeout".to_string()),
            &targets,
            &Before::default(),
        );
        assert_eq!(down.len(), 1);
        assert!(!down[0].ok);
    }
}
