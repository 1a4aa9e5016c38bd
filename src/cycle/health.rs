//! Health checks after a host is patched: built-in ones from the host's own answers,
//! the group's commands, and HTTP probes run from this machine.

use std::time::Duration;

use crate::cycle::deploy::{Engine, dest};
use crate::cycle::deployment::{Before, Check, Target};
use crate::cycle::judge::builtin_checks;
use crate::exec::{self, protocol};
use crate::family::deploy::{Deployer, command_script};
use crate::inventory::Host;

impl Engine<'_> {
    /// Built-in checks, the group's commands, and HTTP probes.
    pub(crate) fn health(
        &self,
        h: &Host,
        d: &dyn Deployer,
        targets: &[Target],
        before: &Before,
    ) -> Vec<Check> {
        let mut out = Vec::new();
        let token = protocol::new_token();
        let changed: Vec<String> = before.changes.iter().map(|c| c.package.clone()).collect();
        let result = d
            .health_script(&token, &changed)
            .and_then(|script| self.run(h, &script, self.step_timeout()));
        out.extend(builtin_checks(d, result.as_ref(), targets, before));
        for cmd in &self.policy.health_commands {
            let r = exec::run_script_detached(
                self.ssh,
                &self.control,
                &dest(h),
                &command_script(cmd),
                self.step_timeout(),
            );
            let (ok, detail) = match r {
                Ok(o) => {
                    let text = String::from_utf8_lossy(&o.stdout);
                    // The last line of stderr, else of stdout.
                    let last = protocol::last_line(&o.stderr)
                        .or_else(|| protocol::last_line(&text))
                        .map(protocol::clip)
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
