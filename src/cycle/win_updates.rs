//! Windows hosts under `--engine ansible`: each wave's Windows hosts become an Ansible
//! inventory (ssh connection, PowerShell shell plugin, the same ssh options as the POSIX
//! hosts) and a play of `ansible.windows.win_updates` that installs exactly the approved
//! KBs (`accept_list`), reboots as Windows Update asks (`reboot: true`, `reboot_timeout`
//! from the policy), then searches again for what is still offered. Each host's
//! registered results come back to this machine as JSON and are judged here: an approved
//! KB that was not installed fails the host, and so does a reboot still pending after
//! the run.
//!
//! The built-in engine has no Windows transport (its steps are POSIX shell scripts); it
//! refuses Windows hosts by name. Rollback: Windows cannot uninstall the combined
//! servicing stack + cumulative update packages Microsoft ships since 2021 (`wusa
//! /uninstall` refuses them), so a Windows host is rolled back through the snapshot
//! provider, or not at all — never by uninstalling KBs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::SshConfig;
use crate::inventory::Host;
use crate::inventory::policy::{Policy, RebootPolicy};

/// The advisory ecosystem of Windows hosts' scans and of the KBs a cycle freezes.
pub const ECOSYSTEM: &str = "Windows";

pub use crate::cycle::deployment::BUILTIN_REFUSED;

/// Why a Windows host has no rollback but its snapshot.
pub const NO_KB_ROLLBACK: &str = "Windows cannot uninstall the combined servicing stack and cumulative update packages (wusa /uninstall refuses them), so a Windows host is rolled back only by reverting its snapshot, and this host has none";

/// The update classifications searched: where Microsoft's security and cumulative updates
/// are published (the module's own default). The accept list then keeps only the
/// approved KBs; an approved KB published elsewhere shows up as filtered by
/// `category_names` and fails the host by name.
pub const CATEGORY_NAMES: [&str; 3] = ["CriticalUpdates", "SecurityUpdates", "UpdateRollups"];

/// A KB article as `accept_list` takes it (`KB5094128`), from `KB5094128`, `kb5094128`
/// or `5094128`; None for anything else (an accept list entry is a PowerShell regex:
/// nothing but the KB number goes in).
pub fn kb_name(s: &str) -> Option<String> {
    let t = s.trim();
    let digits = t
        .strip_prefix("KB")
        .or_else(|| t.strip_prefix("kb"))
        .or_else(|| t.strip_prefix("Kb"))
        .or_else(|| t.strip_prefix("kB"))
        .unwrap_or(t);
    (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("KB{digits}"))
}

/// Orders two Windows builds (`10.0.20348.5256`) part by part as numbers; a part that is
/// not a number (a KB standing in for a build) sorts below every number.
pub fn build_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<Option<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    parts(a).cmp(&parts(b))
}

/// One Windows host of a wave and the KBs approved for it.
pub struct WinHost<'a> {
    pub host: &'a Host,
    /// `KB…` names (passed through [`kb_name`]).
    pub kbs: Vec<String>,
    /// Classifications the host's Windows Update Agent gave the approved KBs at its
    /// latest scan ("Security Updates"), searched besides [`CATEGORY_NAMES`].
    pub classifications: Vec<String>,
}

/// An `accept_list` entry for one KB: win_updates matches entries as case-insensitive
/// regular expressions anywhere in the update's title and KB list, so `KB509412` would
/// also accept KB5094128; no digit may follow.
pub fn accept_entry(kb: &str) -> String {
    format!("{kb}(?![0-9])")
}

/// The categories searched on a host: [`CATEGORY_NAMES`], then each classification the
/// host reported for an approved KB (full names, as the module takes them), once.
pub fn categories(classifications: &[String]) -> Vec<String> {
    let mut out: Vec<String> = CATEGORY_NAMES.iter().map(|c| c.to_string()).collect();
    for c in classifications {
        let c = c.trim();
        // The module's camel-case names stand for these full names.
        let known = CATEGORY_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&c.replace(' ', "")));
        if c.is_empty()
            || known
            || c.chars().any(char::is_control)
            || out.iter().any(|o| o.eq_ignore_ascii_case(c))
        {
            continue;
        }
        out.push(c.to_string());
    }
    out
}

/// What a wave needs to know of its deployment.
pub struct Job<'a> {
    /// The wave directory (`<db>.ansible/deployment-N/windows-wave-W`).
    pub dir: PathBuf,
    pub policy: &'a Policy,
    pub ssh: &'a SshConfig,
}

/// Writes the inventory, the playbook and the health command files of one wave; returns
/// the directory of results.
pub fn write_wave(job: &Job<'_>, hosts: &[WinHost<'_>]) -> Result<PathBuf> {
    let results = job.dir.join("results");
    std::fs::create_dir_all(&results).with_context(|| format!("creating {}", results.display()))?;
    let files = job.dir.join("files");
    std::fs::create_dir_all(&files).with_context(|| format!("creating {}", files.display()))?;
    // The group's health commands run in PowerShell from files: put in a variable they
    // would be templated by Ansible (a `{{` in a command would be Jinja).
    for (i, cmd) in job.policy.health_commands.iter().enumerate() {
        std::fs::write(files.join(format!("check-{i}.ps1")), format!("{cmd}\r\n"))?;
    }
    let mut inv_hosts = serde_json::Map::new();
    for w in hosts {
        let h = w.host;
        let mut vars = serde_json::Map::new();
        vars.insert("ansible_host".into(), json!(h.address));
        if let Some(p) = h.port {
            vars.insert("ansible_port".into(), json!(p));
        }
        if let Some(u) = &h.user {
            vars.insert("ansible_user".into(), json!(u));
        }
        let kbs: Vec<String> = w.kbs.iter().filter_map(|k| kb_name(k)).collect();
        let accept: Vec<String> = kbs.iter().map(|k| accept_entry(k)).collect();
        vars.insert("pc_kbs".into(), json!(kbs));
        vars.insert("pc_accept".into(), json!(accept));
        vars.insert(
            "pc_categories".into(),
            json!(categories(&w.classifications)),
        );
        inv_hosts.insert(h.name.clone(), Value::Object(vars));
    }
    // win_updates' notes: Windows Update may reset the network adapter; a server alive
    // interval lets the client notice, and no control master keeps a stale connection.
    let ssh_args = format!(
        "{} -o ServerAliveInterval=30 -o ControlMaster=no",
        crate::cycle::ansible::ssh_common_args(job.ssh)
    );
    let inventory = json!({"all": {"hosts": inv_hosts, "vars": {
        "ansible_connection": "ssh",
        "ansible_shell_type": "powershell",
        "ansible_ssh_common_args": ssh_args,
        "pc_results": results.display().to_string(),
        "pc_reboot": job.policy.reboot != RebootPolicy::Never,
        "pc_reboot_timeout": job.policy.reboot_timeout.0.as_secs(),
        "pc_checks": job.policy.health_commands.len(),
    }}});
    // JSON is YAML: the inventory plugin reads it as such.
    std::fs::write(
        job.dir.join("inventory.yml"),
        serde_json::to_string_pretty(&inventory)?,
    )?;
    std::fs::write(job.dir.join("playbook.yml"), PLAYBOOK)?;
    Ok(results)
}

const PLAYBOOK: &str = r#"# Written by patchcycle for the Windows hosts of one wave of a deployment: Windows
# Update installs exactly the approved KBs, then is asked what it still offers of them;
# each host's results are left in {{ pc_results }}.
- name: patchcycle wave (Windows hosts)
  hosts: all
  gather_facts: false
  any_errors_fatal: false
  tasks:
    - name: patch
      block:
        - name: install the approved KBs (Windows Update)
          ansible.windows.win_updates:
            state: installed
            accept_list: "{{ pc_accept }}"
            category_names: "{{ pc_categories }}"
            reboot: "{{ pc_reboot }}"
            reboot_timeout: "{{ pc_reboot_timeout }}"
          register: pc_updates
        - name: after (what Windows Update still offers of the approved KBs)
          ansible.windows.win_updates:
            state: searched
            accept_list: "{{ pc_accept }}"
            category_names: "{{ pc_categories }}"
          register: pc_after
        - name: health (the group's commands, in PowerShell)
          ansible.builtin.script: "files/check-{{ item }}.ps1"
          loop: "{{ range(pc_checks | int) | list }}"
          register: pc_checks_result
          ignore_errors: true
      always:
        - name: hand the results back to patchcycle
          ansible.builtin.copy:
            dest: "{{ pc_results }}/{{ inventory_hostname }}.json"
            mode: "0600"
            content: >-
              {{ {'updates': pc_updates | default({}), 'after': pc_after | default({}),
                  'checks': pc_checks_result | default({})} | to_json }}
          delegate_to: localhost
"#;

/// One update as win_updates returns it (`updates` and `filtered_updates`, keyed by the
/// update's id).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Update {
    #[serde(default)]
    pub title: String,
    /// KB article numbers without the `KB` prefix.
    #[serde(default)]
    pub kb: Vec<String>,
    #[serde(default)]
    pub installed: bool,
    #[serde(default)]
    pub downloaded: bool,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub failure_hresult_code: Option<i64>,
    #[serde(default)]
    pub failure_msg: Option<String>,
    /// Why it was filtered (`filtered_updates` only).
    #[serde(default)]
    pub filtered_reasons: Vec<String>,
}

impl Update {
    fn names(&self, kb: &str) -> bool {
        self.kb.iter().any(|k| kb_name(k).as_deref() == Some(kb))
    }
}

/// A registered `win_updates` result (its RETURN values, and Ansible's own `failed`,
/// `unreachable`, `msg`, `skipped`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WinUpdatesResult {
    #[serde(default)]
    pub failed: bool,
    #[serde(default)]
    pub unreachable: bool,
    #[serde(default)]
    pub skipped: bool,
    #[serde(default)]
    pub msg: Option<String>,
    #[serde(default)]
    pub found_update_count: Option<u64>,
    #[serde(default)]
    pub installed_update_count: Option<u64>,
    #[serde(default)]
    pub failed_update_count: Option<u64>,
    #[serde(default)]
    pub reboot_required: Option<bool>,
    #[serde(default)]
    pub rebooted: Option<bool>,
    #[serde(default)]
    pub updates: BTreeMap<String, Update>,
    #[serde(default)]
    pub filtered_updates: BTreeMap<String, Update>,
}

impl WinUpdatesResult {
    /// None when the task did not run (absent or `{}`, or skipped).
    fn read(v: &Value) -> Result<Option<WinUpdatesResult>, String> {
        if v.as_object().is_none_or(|o| o.is_empty()) {
            return Ok(None);
        }
        let r: WinUpdatesResult = serde_json::from_value(v.clone())
            .map_err(|e| format!("unreadable win_updates result: {e}"))?;
        Ok((!r.skipped).then_some(r))
    }
}

/// What the play did on one host, judged: the KBs installed, the reboot, the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// Every approved KB, installed (verified by the search after the run).
    pub installed: Vec<String>,
    pub rebooted: bool,
    /// The group's health commands: (passed, detail), in order.
    pub checks: Vec<(bool, String)>,
}

/// Why a host failed, and whether Windows Update may have changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub message: String,
    pub touched: bool,
}

/// Judges one host's result file (`{"updates": …, "after": …, "checks": …}`) against the
/// approved KBs: every KB installed by this run and no longer offered after it, no
/// update failed, no reboot pending. Health commands are returned, not judged.
pub fn judge(kbs: &[String], v: &Value) -> Result<Judged, Failed> {
    let untouched = |m: String| Failed {
        message: m,
        touched: false,
    };
    let touched = |m: String| Failed {
        message: m,
        touched: true,
    };
    let Some(run) = WinUpdatesResult::read(&v["updates"]).map_err(untouched)? else {
        return Err(untouched(
            "win_updates did not run on the host (unreachable?)".into(),
        ));
    };
    if run.unreachable {
        return Err(touched(format!(
            "the host became unreachable during win_updates{}",
            msg(&run)
        )));
    }
    let installed_any =
        run.installed_update_count.unwrap_or(0) > 0 || run.updates.values().any(|u| u.installed);
    if run.failed && !installed_any && run.updates.is_empty() {
        return Err(untouched(format!(
            "win_updates failed{}; nothing was installed",
            msg(&run)
        )));
    }
    let mut problems: Vec<String> = Vec::new();
    for kb in kbs {
        let found = run.updates.values().find(|u| u.names(kb));
        let filtered = run.filtered_updates.values().find(|u| u.names(kb));
        match (found, filtered) {
            (Some(u), _) if u.installed => {}
            (Some(u), _) => problems.push(format!(
                "{kb} was not installed{}",
                match (&u.failure_msg, u.failure_hresult_code) {
                    (Some(m), Some(c)) => format!(": {} (0x{c:08X})", crate::text::one_line(m)),
                    (Some(m), None) => format!(": {}", crate::text::one_line(m)),
                    (None, Some(c)) => format!(" (HRESULT 0x{c:08X})"),
                    (None, None) if !u.downloaded => " (not downloaded)".to_string(),
                    (None, None) => String::new(),
                }
            )),
            (None, Some(u)) => problems.push(format!(
                "{kb} was offered but filtered out ({})",
                if u.filtered_reasons.is_empty() {
                    "no reason given".to_string()
                } else {
                    crate::text::one_line(&u.filtered_reasons.join(", ")).into_owned()
                }
            )),
            (None, None) => problems.push(format!(
                "{kb} was not offered by Windows Update to this host (superseded, already installed, or not applicable): nothing proves it installed"
            )),
        }
    }
    if run.failed && problems.is_empty() {
        problems.push(format!("win_updates failed{}", msg(&run)));
    }
    if let Some(n) = run.failed_update_count
        && n > 0
        && problems.is_empty()
    {
        problems.push(format!("{n} update(s) failed to install"));
    }
    if !problems.is_empty() {
        let m = problems.join("; ");
        return Err(if installed_any || run.rebooted == Some(true) {
            touched(m)
        } else {
            untouched(format!("{m}; nothing was installed"))
        });
    }
    if run.reboot_required == Some(true) {
        return Err(touched(
            "a reboot is still pending after the run (policy reboot = \"never\", or the reboot did not finish the updates)".into(),
        ));
    }
    // The search after the run: what Windows Update still offers of the approved KBs.
    match WinUpdatesResult::read(&v["after"]).map_err(touched)? {
        None => {
            return Err(touched(
                "the search after the install did not run (unreachable?)".into(),
            ));
        }
        Some(after) if after.failed || after.unreachable => {
            return Err(touched(format!(
                "the search after the install failed{}",
                msg(&after)
            )));
        }
        Some(after) => {
            let still: Vec<&str> = kbs
                .iter()
                .filter(|kb| after.updates.values().any(|u| u.names(kb)))
                .map(String::as_str)
                .collect();
            if !still.is_empty() {
                return Err(touched(format!(
                    "Windows Update still offers {} after the install",
                    still.join(", ")
                )));
            }
            if after.reboot_required == Some(true) {
                return Err(touched("a reboot is still pending after the run".into()));
            }
        }
    }
    let checks = v["checks"]["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let rc = r.get("rc").and_then(Value::as_i64).unwrap_or(-1);
                    let out = r.get("stdout").and_then(Value::as_str).unwrap_or_default();
                    (
                        rc == 0,
                        format!("exit {rc}{}", crate::cycle::ansible::last_line(out)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Judged {
        installed: kbs.to_vec(),
        rebooted: run.rebooted == Some(true),
        checks,
    })
}

fn msg(r: &WinUpdatesResult) -> String {
    r.msg
        .as_deref()
        .map(|m| {
            format!(
                ": {}",
                crate::exec::protocol::clip(&crate::text::one_line(m))
            )
        })
        .unwrap_or_default()
}

/// Runs one wave's Windows hosts through ansible-playbook; for each host in order, its
/// result file, or why there is none. Writes nothing to the database.
pub fn run_wave(job: &Job<'_>, hosts: &[WinHost<'_>]) -> Result<Vec<Result<Value, String>>> {
    if hosts.is_empty() {
        return Ok(Vec::new());
    }
    let results = write_wave(job, hosts)?;
    let out = Command::new("ansible-playbook")
        .args(["-i", "inventory.yml", "playbook.yml", "--forks"])
        .arg(job.policy.max_parallel.max(1).to_string())
        .current_dir(&job.dir)
        .env("ANSIBLE_HOST_KEY_CHECKING", "True")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "False")
        .env("ANSIBLE_NOCOLOR", "1")
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            anyhow::Error::new(
                crate::error::Failure::usage(format!("cannot run ansible-playbook: {e}")).hint(
                    "install Ansible with the ansible.windows collection (pip install ansible)",
                ),
            )
        })?;
    let log = job.dir.join("ansible.log");
    let mut text = out.stdout.clone();
    text.extend_from_slice(&out.stderr);
    std::fs::write(&log, &text)?;
    let text = String::from_utf8_lossy(&text);
    let exit = out
        .status
        .code()
        .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
    Ok(hosts
        .iter()
        .map(|w| {
            read_result(&results, &w.host.name).ok_or_else(|| {
                if unreachable_in_recap(&text, &w.host.name) {
                    return format!(
                        "ansible-playbook could not reach the host; nothing was run on it (see {})",
                        log.display()
                    );
                }
                let why = if text.contains("ansible.windows.win_updates") && !out.status.success() {
                    " (is the ansible.windows collection installed? `pip install ansible` ships it)"
                } else {
                    ""
                };
                format!(
                    "ansible-playbook left no result for this host ({exit}; see {}){why}",
                    log.display()
                )
            })
        })
        .collect())
}

/// Whether ansible-playbook's PLAY RECAP counts the host unreachable
/// (`win1  : ok=0 changed=0 unreachable=1 failed=0 …`).
fn unreachable_in_recap(log: &str, host: &str) -> bool {
    let recap = log.rsplit_once("PLAY RECAP").map_or("", |(_, r)| r);
    recap.lines().any(|l| {
        l.split_once(':').is_some_and(|(name, counts)| {
            name.trim() == host
                && counts.split_whitespace().any(|c| {
                    c.strip_prefix("unreachable=")
                        .and_then(|n| n.parse::<u64>().ok())
                        .is_some_and(|n| n > 0)
                })
        })
    })
}

fn read_result(results: &Path, host: &str) -> Option<Value> {
    std::fs::read_to_string(results.join(format!("{host}.json")))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(kb: &str, installed: bool) -> Value {
        json!({"title": format!("2026-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB{kb})"),
               "kb": [kb], "installed": installed, "downloaded": true,
               "categories": ["Security Updates"], "id": "fb95c1c8-de23-4089-ae29-fd3351d55421"})
    }

    fn ok_run(kb: &str) -> Value {
        json!({"updates": {"changed": true, "failed_update_count": 0, "found_update_count": 1,
                           "installed_update_count": 1, "reboot_required": false, "rebooted": true,
                           "updates": {"fb95c1c8": update(kb, true)}, "filtered_updates": {}},
               "after": {"changed": false, "failed_update_count": 0, "found_update_count": 0,
                         "installed_update_count": 0, "reboot_required": false, "rebooted": false,
                         "updates": {}, "filtered_updates": {}},
               "checks": {"results": [{"rc": 0, "stdout": "ok\r\n"}]}})
    }

    #[test]
    fn categories_add_what_the_host_reported_once() {
        assert_eq!(
            categories(&[
                "Security Updates".into(),
                "Updates".into(),
                "updates".into()
            ]),
            [
                "CriticalUpdates",
                "SecurityUpdates",
                "UpdateRollups",
                "Updates"
            ]
        );
        assert_eq!(categories(&[]), CATEGORY_NAMES);
        assert_eq!(accept_entry("KB5094128"), "KB5094128(?![0-9])");
    }

    #[test]
    fn the_recap_tells_an_unreached_host() {
        let log = "PLAY RECAP *********\nwin1                       : ok=0    changed=0    unreachable=1    failed=0\nwin10                      : ok=3    changed=1    unreachable=0    failed=0\n";
        assert!(unreachable_in_recap(log, "win1"));
        assert!(!unreachable_in_recap(log, "win10"));
        assert!(!unreachable_in_recap(log, "win2"));
        assert!(!unreachable_in_recap("win1 : unreachable=1", "win1"));
    }

    #[test]
    fn builds_order_part_by_part_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(build_cmp("10.0.20348.5256", "10.0.20348.999"), Greater);
        assert_eq!(build_cmp("10.0.19044.5247", "10.0.19045.5247"), Less);
        assert_eq!(build_cmp("10.0.20348.5256", "10.0.20348.5256"), Equal);
        assert_eq!(build_cmp("KB5094128", "10.0.20348.1"), Less);
    }

    #[test]
    fn kb_names_are_normalised_and_nothing_else_passes() {
        assert_eq!(kb_name("KB5094128").as_deref(), Some("KB5094128"));
        assert_eq!(kb_name("kb5094128").as_deref(), Some("KB5094128"));
        assert_eq!(kb_name("5094128").as_deref(), Some("KB5094128"));
        assert_eq!(kb_name("KB.*"), None);
        assert_eq!(kb_name("KB"), None);
        assert_eq!(kb_name("KB5094128|.*"), None);
    }

    #[test]
    fn an_installed_kb_no_longer_offered_is_done() {
        let kbs = vec!["KB5094128".to_string()];
        let j = judge(&kbs, &ok_run("5094128")).unwrap();
        assert_eq!(j.installed, kbs);
        assert!(j.rebooted);
        assert_eq!(j.checks, [(true, "exit 0: ok".to_string())]);
    }

    #[test]
    fn a_kb_not_installed_fails_the_host_with_the_reason() {
        let kbs = vec!["KB5094128".to_string()];
        let mut v = ok_run("5094128");
        v["updates"]["updates"]["fb95c1c8"] = update("5094128", false);
        v["updates"]["updates"]["fb95c1c8"]["failure_msg"] = json!("Operation did not complete");
        v["updates"]["updates"]["fb95c1c8"]["failure_hresult_code"] = json!(2147942402_i64);
        v["updates"]["installed_update_count"] = json!(0);
        v["updates"]["failed_update_count"] = json!(1);
        v["updates"]["rebooted"] = json!(false);
        let e = judge(&kbs, &v).unwrap_err();
        assert_eq!(
            e.message,
            "KB5094128 was not installed: Operation did not complete (0x80070002); nothing was installed"
        );
        assert!(!e.touched);
    }

    #[test]
    fn a_filtered_or_unoffered_kb_fails_by_name() {
        let kbs = vec!["KB5094128".to_string(), "KB5090000".to_string()];
        let mut v = ok_run("5094128");
        let mut filtered = update("5090000", false);
        filtered["filtered_reasons"] = json!(["category_names"]);
        v["updates"]["filtered_updates"] = json!({"aa": filtered});
        let e = judge(&kbs, &v).unwrap_err();
        assert_eq!(
            e.message,
            "KB5090000 was offered but filtered out (category_names)"
        );
        assert!(e.touched);
        v["updates"]["filtered_updates"] = json!({});
        let e = judge(&kbs, &v).unwrap_err();
        assert!(
            e.message
                .starts_with("KB5090000 was not offered by Windows Update")
        );
    }

    #[test]
    fn a_pending_reboot_or_a_kb_still_offered_is_not_done() {
        let kbs = vec!["KB5094128".to_string()];
        let mut v = ok_run("5094128");
        v["updates"]["reboot_required"] = json!(true);
        let e = judge(&kbs, &v).unwrap_err();
        assert!(e.message.starts_with("a reboot is still pending"));
        let mut v = ok_run("5094128");
        v["after"]["updates"] = json!({"x": update("5094128", false)});
        let e = judge(&kbs, &v).unwrap_err();
        assert_eq!(
            e.message,
            "Windows Update still offers KB5094128 after the install"
        );
        let mut v = ok_run("5094128");
        v["after"] = json!({});
        assert!(judge(&kbs, &v).is_err());
    }

    #[test]
    fn a_task_that_never_ran_leaves_the_host_untouched() {
        let kbs = vec!["KB5094128".to_string()];
        let e = judge(&kbs, &json!({"updates": {}, "after": {}, "checks": {}})).unwrap_err();
        assert_eq!(
            e.message,
            "win_updates did not run on the host (unreachable?)"
        );
        assert!(!e.touched);
        let e = judge(
            &kbs,
            &json!({"updates": {"failed": true, "msg": "Failed to connect to the host via ssh"}}),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "win_updates failed: Failed to connect to the host via ssh; nothing was installed"
        );
        assert!(!e.touched);
    }
}
