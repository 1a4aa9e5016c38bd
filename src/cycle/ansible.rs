//! `--engine ansible`: each wave of a deployment becomes an Ansible inventory and
//! playbook that `ansible-playbook` runs, for fleets that patch from more than one
//! controller or already run Ansible. The playbook runs the same scripts as the built-in
//! engine (through `ansible.builtin.script`, so hosts need no Python), writes each
//! host's outputs to a JSON file on this machine, and patchcycle reads them back into
//! the same tables with the same parsers. Snapshots (taken here) and HTTP probes (run
//! from here) stay with patchcycle. Progress is saved per wave, not per step.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use crate::config::SshConfig;
use crate::cycle::deployment::{HostRow, Step};
use crate::exec::protocol::{self, shell_quote as sh_quote};
use crate::family::deploy::{Pin, command_script};
use crate::inventory::policy::{Policy, RebootPolicy};

/// Steps the playbook runs (snapshot is taken here before it starts).
const PLAYBOOK_STEPS: [Step; 4] = [Step::Before, Step::Keep, Step::Install, Step::Health];

/// What a wave needs to know of its deployment.
pub struct Job<'a> {
    /// Where the wave directories go (`<db>.ansible/deployment-N`).
    pub base: PathBuf,
    pub deployment: i64,
    pub no_rollback: bool,
    pub policy: &'a Policy,
    pub ssh: &'a SshConfig,
}

/// One step's result as the playbook recorded it.
#[derive(Debug, Clone, Default)]
pub struct StepOutput {
    pub ran: bool,
    pub failed: bool,
    pub stdout: String,
}

/// What the playbook collected for one host; the engine judges it.
#[derive(Debug, Clone, Default)]
pub struct HostOutputs {
    /// The token the host's scripts printed their sections with.
    pub token: String,
    pub steps: BTreeMap<Step, StepOutput>,
    /// The group's health commands: (passed, detail), in order.
    pub checks: Vec<(bool, String)>,
    pub rebooted: bool,
    pub reboot_failed: bool,
}

/// Writes the files of one wave and returns the playbook directory.
fn write_wave(
    job: &Job<'_>,
    base: &Path,
    wave: i64,
    rows: &[(&HostRow, Vec<Step>, String)],
) -> Result<PathBuf> {
    let dir = base.join(format!("wave-{wave}"));
    let results = dir.join("results");
    std::fs::create_dir_all(&results).with_context(|| format!("creating {}", results.display()))?;
    let mut hosts = serde_json::Map::new();
    for (row, steps, token) in rows {
        let h = &row.host;
        let files = dir.join("files").join(&h.name);
        std::fs::create_dir_all(&files)?;
        let d = row.deployer().map_err(anyhow::Error::msg)?;
        let pins: Vec<Pin> = row
            .targets
            .iter()
            .map(|t| Pin {
                package: t.package.clone(),
                version: t.to.clone(),
                arch: t.arch.clone(),
            })
            .collect();
        let lock = job.policy.lock_timeout.0;
        let before = d
            .simulate_script(token, &pins)
            .map_err(anyhow::Error::msg)?;
        let install = d
            .install_script(token, &pins, lock)
            .map_err(anyhow::Error::msg)?;
        let keep = d
            .ansible_keep_script(token, job.deployment, &pins)
            .map_err(anyhow::Error::msg)?;
        // The packages the targets name: the health script checks them (rpm -V).
        let changed: Vec<String> = pins.iter().map(|p| p.package.clone()).collect();
        let health = d
            .health_script(token, &changed)
            .map_err(anyhow::Error::msg)?;
        let scripts = [
            ("before.sh", format!("{before}{RC_VERDICT}")),
            ("keep.sh", keep),
            ("install.sh", format!("{install}{RC_VERDICT}")),
            ("health.sh", health),
        ];
        for (name, text) in scripts {
            std::fs::write(files.join(name), format!("#!/bin/sh\n{text}"))?;
        }
        for (i, cmd) in job.policy.health_commands.iter().enumerate() {
            std::fs::write(
                files.join(format!("check-{i}.sh")),
                format!("#!/bin/sh\n{}", command_script(cmd)),
            )?;
        }
        let mut vars = serde_json::Map::new();
        vars.insert("ansible_host".into(), json!(h.address));
        if let Some(p) = h.port {
            vars.insert("ansible_port".into(), json!(p));
        }
        if let Some(u) = &h.user {
            vars.insert("ansible_user".into(), json!(u));
        }
        vars.insert("pc_steps".into(), json!(steps));
        vars.insert("pc_token".into(), json!(token));
        // Without kept packages the snapshot (or --no-rollback) is the way back.
        vars.insert(
            "pc_keep_optional".into(),
            json!(row.snapshot.is_some() || job.no_rollback),
        );
        hosts.insert(h.name.clone(), Value::Object(vars));
    }
    let ssh_args = ssh_common_args(job.ssh);
    let inventory = json!({"all": {"hosts": hosts, "vars": {
        "ansible_connection": "ssh",
        "ansible_ssh_common_args": ssh_args,
        "pc_results": results.display().to_string(),
        "pc_reboot": match job.policy.reboot {
            RebootPolicy::Never => "never",
            RebootPolicy::IfRequired => "if-required",
            RebootPolicy::Always => "always",
        },
        "pc_reboot_timeout": job.policy.reboot_timeout.0.as_secs(),
        "pc_checks": job.policy.health_commands.len(),
    }}});
    // JSON is YAML: the inventory plugin reads it as such.
    std::fs::write(
        dir.join("inventory.yml"),
        serde_json::to_string_pretty(&inventory)?,
    )?;
    std::fs::write(dir.join("playbook.yml"), PLAYBOOK)?;
    Ok(dir)
}

/// The ssh options every playbook passes (`ansible_ssh_common_args`): batch mode, the
/// configured connect timeout, host-key checking and ssh config file, as patchcycle's own
/// ssh uses them.
pub(crate) fn ssh_common_args(ssh: &SshConfig) -> String {
    let args = format!(
        "-o BatchMode=yes -o ConnectTimeout={} -o StrictHostKeyChecking={}",
        ssh.connect_timeout,
        match ssh.strict_host_key_checking {
            crate::config::HostKeyChecking::Yes => "yes",
            crate::config::HostKeyChecking::AcceptNew => "accept-new",
        }
    );
    match &ssh.config_file {
        Some(f) => format!("-F {} {args}", sh_quote(&f.display().to_string())),
        None => args,
    }
}

/// Stops the host in Ansible when apt's exit status was not 0 (the scripts keep it in
/// $rc); error lines printed with status 0 are judged by patchcycle afterwards.
const RC_VERDICT: &str = "if [ \"$rc\" != 0 ]; then exit 1; fi\n";

const PLAYBOOK: &str = r#"# Written by patchcycle for one wave of a deployment; it runs the same step scripts
# as patchcycle's own engine and leaves each host's outputs in {{ pc_results }}.
- name: patchcycle wave
  hosts: all
  gather_facts: false
  any_errors_fatal: false
  tasks:
    - name: patch
      block:
        - name: before (apt simulation, versions)
          ansible.builtin.script: "files/{{ inventory_hostname }}/before.sh"
          register: pc_before
          when: "'before' in pc_steps"
        - name: keep rollback packages
          ansible.builtin.script: "files/{{ inventory_hostname }}/keep.sh"
          register: pc_keep
          when: "'keep' in pc_steps"
          ignore_errors: "{{ pc_keep_optional }}"
        - name: install the exact targets
          ansible.builtin.script: "files/{{ inventory_hostname }}/install.sh"
          register: pc_install
          when: "'install' in pc_steps"
        - name: reboot
          ansible.builtin.reboot:
            reboot_timeout: "{{ pc_reboot_timeout }}"
          register: pc_reboot_result
          when: >-
            'install' in pc_steps and (pc_reboot == 'always' or (pc_reboot == 'if-required'
            and (pc_install.stdout | default('')) is search('@@PC ' ~ pc_token ~ ' reboot\r?\nyes')))
        - name: health (built-in)
          ansible.builtin.script: "files/{{ inventory_hostname }}/health.sh"
          register: pc_health
          when: "'health' in pc_steps"
        - name: health (the group's commands)
          ansible.builtin.script: "files/{{ inventory_hostname }}/check-{{ item }}.sh"
          loop: "{{ range(pc_checks | int) | list }}"
          register: pc_checks_result
          ignore_errors: true
          when: "'health' in pc_steps"
      always:
        - name: hand the outputs back to patchcycle
          ansible.builtin.copy:
            dest: "{{ pc_results }}/{{ inventory_hostname }}.json"
            mode: "0600"
            content: >-
              {{ {'before': pc_before | default({}), 'keep': pc_keep | default({}),
                  'install': pc_install | default({}), 'reboot': pc_reboot_result | default({}),
                  'health': pc_health | default({}), 'checks': pc_checks_result | default({})} | to_json }}
          delegate_to: localhost
"#;

/// One step's registered result: (ran, failed, stdout).
fn step(v: &Value, name: &str) -> (bool, bool, String) {
    let r = &v[name];
    let ran = r.is_object()
        && !r.get("skipped").and_then(Value::as_bool).unwrap_or(false)
        && r.as_object().is_some_and(|o| !o.is_empty());
    let failed = r.get("failed").and_then(Value::as_bool).unwrap_or(false)
        || r.get("unreachable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let out = r
        .get("stdout")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    (ran, failed, out)
}

/// Runs one wave through ansible-playbook; returns, for each row in order, what the
/// playbook collected, or why it collected nothing. Writes nothing to the database.
pub fn run_wave(
    job: &Job<'_>,
    wave: i64,
    rows: &[HostRow],
) -> Result<Vec<Result<HostOutputs, String>>> {
    let planned: Vec<(&HostRow, Vec<Step>, String)> = rows
        .iter()
        .map(|row| {
            let steps = PLAYBOOK_STEPS
                .iter()
                .copied()
                .filter(|s| row.step.needs(*s))
                .collect();
            (row, steps, protocol::new_token())
        })
        .collect();
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let dir = write_wave(job, &job.base, wave, &planned)?;
    let out = Command::new("ansible-playbook")
        .args(["-i", "inventory.yml", "playbook.yml", "--forks"])
        .arg(job.policy.max_parallel.max(1).to_string())
        .current_dir(&dir)
        .env("ANSIBLE_HOST_KEY_CHECKING", "True")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "False")
        .env("ANSIBLE_NOCOLOR", "1")
        // Ansible refuses to start without a UTF-8 locale (cron often runs with LC_ALL=C).
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            anyhow::Error::new(
                crate::error::Failure::usage(format!("cannot run ansible-playbook: {e}")).hint(
                    "install ansible-core (apt-get install ansible-core), or use --engine builtin",
                ),
            )
        })?;
    let mut log = out.stdout.clone();
    log.extend_from_slice(&out.stderr);
    std::fs::write(dir.join("ansible.log"), &log)?;
    let mut collected = Vec::new();
    for (row, _, token) in planned {
        let file = dir.join("results").join(format!("{}.json", row.host.name));
        let Some(v) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        else {
            collected.push(Err(format!(
                "ansible-playbook left no result for this host (exit {:?}; see {})",
                out.status.code(),
                dir.join("ansible.log").display()
            )));
            continue;
        };
        let steps = PLAYBOOK_STEPS
            .iter()
            .map(|s| {
                let (ran, failed, stdout) = step(&v, s.as_str());
                (
                    *s,
                    StepOutput {
                        ran,
                        failed,
                        stdout,
                    },
                )
            })
            .collect();
        let checks: Vec<(bool, String)> = v["checks"]["results"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        let rc = r.get("rc").and_then(Value::as_i64).unwrap_or(-1);
                        let out = r.get("stdout").and_then(Value::as_str).unwrap_or_default();
                        (rc == 0, format!("exit {rc}{}", last_line(out)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        collected.push(Ok(HostOutputs {
            token,
            steps,
            checks,
            rebooted: v["reboot"]["rebooted"].as_bool().unwrap_or(false),
            reboot_failed: v["reboot"]["failed"].as_bool().unwrap_or(false),
        }));
    }
    Ok(collected)
}

/// `: <the last non-empty line>`, clipped, or nothing.
pub fn last_line(s: &str) -> String {
    protocol::last_line(s)
        .map(|l| format!(": {}", protocol::clip(l)))
        .unwrap_or_default()
}
