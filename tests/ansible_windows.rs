//! The Windows play of `--engine ansible`, checked against the real Ansible without a
//! Windows host: the `ansible` package from PyPI (pinned, in the venv that
//! tests/install-deps.sh makes at /opt/patchcycle-ansible; it ships the ansible.windows
//! collection) syntax-checks the generated inventory and playbook, its `ansible-doc`
//! names every win_updates option used (and their choices), and the read-back parser is
//! run on a result shaped from the module's own RETURN documentation.
//!
//! The venv is not on PATH on purpose: the POSIX playbook keeps running on Debian's
//! ansible-core, as it always did.

use std::path::{Path, PathBuf};
use std::process::Command;

use patchcycle::config::SshConfig;
use patchcycle::cycle::win_updates::{self, CATEGORY_NAMES, Job, WinHost};
use patchcycle::inventory::Host;
use patchcycle::inventory::policy::Policy;
use serde_json::{Value, json};

fn venv_bin(tool: &str) -> PathBuf {
    let venv = std::env::var_os("PATCHCYCLE_ANSIBLE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/patchcycle-ansible"));
    let bin = venv.join("bin").join(tool);
    assert!(
        bin.exists(),
        "{} is missing: run tests/install-deps.sh (it installs the pinned `ansible` from PyPI)",
        bin.display()
    );
    bin
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .env("ANSIBLE_NOCOLOR", "1")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("starting an ansible tool");
    assert!(
        out.status.success(),
        "{:?} failed ({:?}):\n{}\n{}",
        cmd,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn host(name: &str, port: Option<u16>, user: Option<&str>) -> Host {
    Host {
        name: name.into(),
        address: format!("{name}.example.org"),
        port,
        user: user.map(str::to_string),
        ..Host::default()
    }
}

/// Writes a wave of two Windows hosts with the group's health commands (one with Jinja
/// in it, which must reach the host untouched).
fn wave(dir: &Path) -> PathBuf {
    let policy = Policy {
        health_commands: vec![
            "Get-Service W32Time | Where-Object Status -eq Running".into(),
            "Write-Output '{{ not a template }}'".into(),
        ],
        ..Policy::default()
    };
    let ssh = SshConfig::default();
    let a = host("win1", None, None);
    let b = host("win2", Some(2222), Some("Administrator"));
    let job = Job {
        dir: dir.join("windows-wave-1"),
        policy: &policy,
        ssh: &ssh,
    };
    win_updates::write_wave(
        &job,
        &[
            WinHost {
                host: &a,
                kbs: vec!["KB5094128".into()],
                classifications: vec!["Security Updates".into()],
            },
            WinHost {
                host: &b,
                kbs: vec!["kb5094128".into(), "5090000".into()],
                classifications: vec!["Updates".into()],
            },
        ],
    )
    .unwrap();
    job.dir
}

fn win_updates_doc() -> Value {
    let text =
        run(Command::new(venv_bin("ansible-doc")).args(["-j", "ansible.windows.win_updates"]));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["ansible.windows.win_updates"].clone()
}

#[test]
fn the_windows_play_passes_ansible_playbooks_syntax_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = wave(tmp.path());
    let out = run(Command::new(venv_bin("ansible-playbook"))
        .args(["--syntax-check", "-i", "inventory.yml", "playbook.yml"])
        .current_dir(&dir));
    assert!(out.contains("playbook: playbook.yml"), "{out}");
    // The inventory as Ansible reads it: the ssh connection with the PowerShell shell
    // plugin, patchcycle's ssh options, the KBs per host.
    let inv: Value = serde_json::from_str(&run(Command::new(venv_bin("ansible-inventory"))
        .args(["-i", "inventory.yml", "--list"])
        .current_dir(&dir)))
    .unwrap();
    let vars = &inv["_meta"]["hostvars"];
    for h in ["win1", "win2"] {
        assert_eq!(vars[h]["ansible_connection"], "ssh");
        assert_eq!(vars[h]["ansible_shell_type"], "powershell");
        assert_eq!(
            vars[h]["ansible_ssh_common_args"],
            "-o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=yes \
             -o ServerAliveInterval=30 -o ControlMaster=no"
        );
        assert_eq!(vars[h]["pc_reboot"], true);
        assert_eq!(vars[h]["pc_reboot_timeout"], 900);
    }
    assert_eq!(vars["win1"]["pc_kbs"], json!(["KB5094128"]));
    assert_eq!(vars["win1"]["pc_accept"], json!(["KB5094128(?![0-9])"]));
    assert_eq!(vars["win1"]["pc_categories"], json!(CATEGORY_NAMES));
    assert_eq!(
        vars["win2"]["pc_categories"],
        json!([
            "CriticalUpdates",
            "SecurityUpdates",
            "UpdateRollups",
            "Updates"
        ])
    );
    assert_eq!(vars["win2"]["pc_kbs"], json!(["KB5094128", "KB5090000"]));
    assert_eq!(vars["win2"]["ansible_port"], 2222);
    assert_eq!(vars["win2"]["ansible_user"], "Administrator");
    assert_eq!(
        std::fs::read_to_string(dir.join("files/check-1.ps1")).unwrap(),
        "Write-Output '{{ not a template }}'\r\n"
    );
}

#[test]
fn every_win_updates_option_used_is_one_ansible_doc_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = wave(tmp.path());
    let doc = win_updates_doc();
    let options = doc["doc"]["options"].as_object().unwrap();
    // The playbook's tasks, parsed by the venv's own YAML parser (PyYAML, an Ansible
    // dependency).
    let tasks: Value = serde_json::from_str(&run(Command::new(venv_bin("python3"))
        .args([
            "-c",
            "import json,sys,yaml; p=yaml.safe_load(open(sys.argv[1])); \
             print(json.dumps([t for t in p[0]['tasks'][0]['block']]))",
        ])
        .arg(dir.join("playbook.yml"))))
    .unwrap();
    let used: Vec<&serde_json::Map<String, Value>> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["ansible.windows.win_updates"].as_object())
        .collect();
    assert_eq!(used.len(), 2, "install and the search after it");
    for args in &used {
        for (name, value) in *args {
            let o = options
                .get(name)
                .unwrap_or_else(|| panic!("win_updates has no option {name}"));
            if let (Some(choices), Some(v)) = (o["choices"].as_array(), value.as_str()) {
                assert!(
                    choices.contains(&json!(v)),
                    "{name}: {v} not in {choices:?}"
                );
            }
        }
        for name in ["accept_list", "category_names", "state"] {
            assert!(args.contains_key(name), "{name} missing: {args:?}");
        }
    }
    assert_eq!(used[0]["state"], "installed");
    assert_eq!(used[1]["state"], "searched");
    for name in ["reboot", "reboot_timeout"] {
        assert!(used[0].contains_key(name));
    }
    assert_eq!(options["reboot"]["type"], "bool");
    assert_eq!(options["reboot_timeout"]["type"], "int");
    // The categories patchcycle searches are the module's documented default.
    assert_eq!(options["category_names"]["default"], json!(CATEGORY_NAMES));
    // The only timeout option the module has is reboot_timeout.
    let timeouts: Vec<&String> = options.keys().filter(|k| k.contains("timeout")).collect();
    assert_eq!(timeouts, ["reboot_timeout"]);
}

/// A registered result as the module documents it: every RETURN value at its sample,
/// `updates` and `filtered_updates` keyed by the sample id, their fields at their samples.
fn documented_result(doc: &Value) -> Value {
    let ret = doc["return"].as_object().unwrap();
    let update: serde_json::Map<String, Value> = ret["updates"]["contains"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["sample"].clone()))
        .collect();
    let id = update["id"].as_str().unwrap().to_string();
    let mut filtered = update.clone();
    for (k, v) in ret["filtered_updates"]["contains"].as_object().unwrap() {
        filtered.insert(k.clone(), v["sample"].clone());
    }
    let mut r = serde_json::Map::new();
    for (k, v) in ret {
        r.insert(k.clone(), v["sample"].clone());
    }
    r.insert("updates".into(), json!({ id.clone(): update }));
    r.insert(
        "filtered_updates".into(),
        json!({ "other-update": filtered }),
    );
    Value::Object(r)
}

#[test]
fn the_read_back_judges_a_result_shaped_as_the_modules_return_docs() {
    let doc = win_updates_doc();
    let run_result = documented_result(&doc);
    let sample_kb = format!(
        "KB{}",
        run_result["updates"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["kb"][0]
            .as_str()
            .unwrap()
    );
    assert_eq!(sample_kb, "KB3004365");
    let mut after = documented_result(&doc);
    after["updates"] = json!({});
    after["filtered_updates"] = json!({});
    after["reboot_required"] = json!(false);
    let kbs = vec![sample_kb.clone()];
    // The documented sample says a reboot is still required: not done.
    let v = json!({"updates": run_result, "after": after, "checks": {}});
    let e = win_updates::judge(&kbs, &v).unwrap_err();
    assert!(e.touched);
    assert!(
        e.message.starts_with("a reboot is still pending"),
        "{}",
        e.message
    );
    // Rebooted and settled: done, the KB installed.
    let mut v = v;
    v["updates"]["reboot_required"] = json!(false);
    let judged = win_updates::judge(&kbs, &v).unwrap();
    assert_eq!(judged.installed, kbs);
    // The other documented update was filtered (category_names, accept_list): approving
    // it fails the host by name.
    let e = win_updates::judge(&[sample_kb, "KB3004366".into()], &v).unwrap_err();
    assert!(
        e.message.starts_with("KB3004366 was not offered"),
        "{}",
        e.message
    );
    let mut filtered_kb = v.clone();
    filtered_kb["updates"]["filtered_updates"]["other-update"]["kb"] = json!(["3004366"]);
    let e =
        win_updates::judge(&["KB3004365".into(), "KB3004366".into()], &filtered_kb).unwrap_err();
    assert_eq!(
        e.message,
        "KB3004366 was offered but filtered out (category_names, accept_list)"
    );
}
