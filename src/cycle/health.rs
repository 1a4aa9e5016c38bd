//! Health checks after a host is patched: built-in ones from the host's own answers,
//! the group's commands, and HTTP probes run from this machine.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cycle::apt;
use crate::cycle::deploy::{Before, Engine, dest};
use crate::cycle::plan::Target;
use crate::exec;
use crate::inventory::Host;

/// One health check's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

impl Engine<'_> {
    /// Built-in checks, the group's commands, and HTTP probes.
    pub(crate) fn health(&self, h: &Host, targets: &[Target], before: &Before) -> Vec<Check> {
        let mut out = Vec::new();
        let token = crate::digest::random_token();
        let result = self.run(h, &apt::health_script(&token), self.step_timeout());
        out.extend(builtin_checks(result.as_ref(), targets, before));
        for cmd in &self.policy.health_commands {
            let r = exec::run_script_detached(
                self.ssh,
                &self.control,
                &dest(h),
                &apt::command_script(cmd),
                self.step_timeout(),
            );
            let (ok, detail) = match r {
                Ok(o) => {
                    let text = String::from_utf8_lossy(&o.stdout);
                    let last = text
                        .lines()
                        .chain(o.stderr.lines())
                        .map(str::trim)
                        .rfind(|l| !l.is_empty())
                        .map(apt::clip)
                        .unwrap_or_default();
                    (
                        o.status == Some(0),
                        format!(
                            "exit {}{}",
                            o.status.unwrap_or(-1),
                            if last.is_empty() {
                                String::new()
                            } else {
                                format!(": {last}")
                            }
                        ),
                    )
                }
                Err(e) => (false, e.to_string()),
            };
            out.push(Check {
                check: format!("command {cmd}"),
                ok,
                detail,
            });
        }
        out.extend(self.http_probes(h));
        out
    }

    /// The group's HTTP probes, from this machine.
    pub fn http_probes(&self, h: &Host) -> Vec<Check> {
        let mut out = Vec::new();
        for c in &self.policy.http_checks {
            let url = c
                .url
                .replace("{host}", &h.name)
                .replace("{address}", &h.address);
            let (ok, detail) = http_probe(&url, c.status, c.timeout.0);
            out.push(Check {
                check: format!("http {url}"),
                ok,
                detail,
            });
        }
        out
    }
}

/// The built-in checks from the health script's output (or why it could not run).
pub(crate) fn builtin_checks(
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
            match apt::parse_facts(map) {
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
                                crate::version::Scheme::Deb
                                    .compare(v, &t.to)
                                    .map_or(true, |o| o.is_ne())
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
            let audit = map.get("audit").map(|a| a.trim()).unwrap_or_default();
            let audit_rc = map.get("audit-rc").map(|a| a.trim()).unwrap_or_default();
            out.push(Check {
                check: "dpkg --audit".into(),
                ok: audit.is_empty() && audit_rc == "0",
                detail: if audit.is_empty() {
                    "clean".into()
                } else {
                    apt::clip(audit.lines().next().unwrap_or_default())
                },
            });
        }
    }
    out
}

/// One HTTP probe from the controller: (passed, detail).
fn http_probe(url: &str, want: u16, timeout: Duration) -> (bool, String) {
    let client = match reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => return (false, format!("HTTP client: {e}")),
    };
    match client.get(url).send() {
        Ok(r) => {
            let got = r.status().as_u16();
            (got == want, format!("status {got} (want {want})"))
        }
        Err(e) => (false, format!("{e}")),
    }
}
