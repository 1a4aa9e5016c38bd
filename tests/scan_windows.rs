//! Windows hosts on the host side: the inventory's platform, `scan --import` of recorded
//! PowerShell collector output (tests/data/windows, real products, builds and KB
//! numbers: see its README), `host show`, `--print-script`, a scan over ssh through a
//! stand-in ssh program (what it is sent and how), hostile output, and the re-match after
//! `sync` reading the stored facts back. No Windows host or PowerShell runs here.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, render};
use insta::assert_snapshot;

fn recorded(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/windows")
        .join(name)
}

const RECORDED: [&str; 6] = [
    "server2022-latest.txt",
    "server2022-month-behind.txt",
    "server2022-year-behind.txt",
    "win10-22h2.txt",
    "win11-23h2.txt",
    "unknown-product.txt",
];

/// `host add --platform windows`, `host set --platform`, and the inventory files'
/// `platform` (TOML key, CSV column, Ansible INI variable or PowerShell shell type).
#[test]
fn the_inventory_says_which_hosts_are_windows() {
    let env = Env::init();
    env.ok(&[
        "-q",
        "host",
        "add",
        "w1",
        "admin@192.0.2.10",
        "--platform",
        "windows",
    ]);
    env.ok(&["-q", "host", "add", "l1"]);
    assert_snapshot!(
        "windows_host_show_unscanned",
        env.snap(&["host", "show", "w1"])
    );
    assert_snapshot!(
        "windows_bad_platform",
        env.snap(&["host", "add", "w2", "--platform", "macos"])
    );
    env.ok(&["-q", "host", "set", "l1", "--platform", "windows"]);
    env.ok(&["-q", "host", "set", "l1", "--platform", "posix"]);
    let toml = env.file(
        "inv.toml",
        "[[hosts]]\nname = \"t1\"\nplatform = \"windows\"\n[[hosts]]\nname = \"t2\"\n",
    );
    env.ok(&["-q", "host", "import", toml.to_str().unwrap()]);
    let csv = env.file(
        "inv.csv",
        "name,address,platform\nc1,192.0.2.11,Windows\nc2,,\n",
    );
    env.ok(&["-q", "host", "import", csv.to_str().unwrap()]);
    let ini = env.file(
        "inv.ini",
        "[win]\ni1 ansible_host=192.0.2.12\ni2 ansible_shell_type=cmd\n[win:vars]\nansible_shell_type=powershell\n[linux]\ni3\n[other]\ni4 platform=windows\n",
    );
    for (i, g) in ["win", "linux", "other"].iter().enumerate() {
        env.ok(&["-q", "group", "add", g, "--order", &(i + 1).to_string()]);
    }
    env.ok(&["-q", "host", "import", ini.to_str().unwrap()]);
    // An import that does not say keeps what the host is.
    let again = env.file("again.csv", "name,address\nt1,192.0.2.13\n");
    env.ok(&["-q", "host", "import", again.to_str().unwrap()]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "list", "--format", "json"])).unwrap();
    let platforms: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["platform"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("c1", "windows"),
        ("c2", "posix"),
        ("i1", "windows"),
        ("i2", "windows"),
        ("i3", "posix"),
        ("i4", "windows"),
        ("l1", "posix"),
        ("t1", "windows"),
        ("t2", "posix"),
        ("w1", "windows"),
    ];
    assert_eq!(
        platforms,
        expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    let bad = env.file(
        "bad.toml",
        "[[hosts]]\nname = \"b1\"\nplatform = \"beos\"\n",
    );
    assert_snapshot!(
        "windows_import_bad_platform",
        env.snap(&["host", "import", bad.to_str().unwrap()])
    );
}

/// Each recorded host: its scan, then `host show`.
#[test]
fn recorded_windows_hosts_scan_and_show() {
    for file in RECORDED {
        let env = Env::init();
        let name = file.trim_end_matches(".txt");
        env.ok(&["-q", "host", "add", name, "--platform", "windows"]);
        let path = recorded(file);
        let scan = env.snap(&["scan", "--import", path.to_str().unwrap(), "--host", name]);
        let show = env.snap(&["host", "show", name]);
        assert_snapshot!(
            format!("windows_recorded_{}", name.replace('-', "_")),
            format!("$ scan --import {file}\n{scan}\n$ host show\n{show}")
        );
    }
}

/// The JSON of `host show` carries the facts whole.
#[test]
fn host_show_json_has_the_windows_facts() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "m1", "--platform", "windows"]);
    let path = recorded("server2022-month-behind.txt");
    env.ok(&[
        "-q",
        "scan",
        "--import",
        path.to_str().unwrap(),
        "--host",
        "m1",
    ]);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "m1", "--format", "json"])).unwrap();
    assert_eq!(shown["platform"], "windows");
    assert_eq!(shown["os_id"], "windows");
    assert_eq!(shown["ecosystem"], "Windows");
    assert_eq!(shown["kernel_running"], "10.0.20348.5139");
    let w = &shown["windows"];
    assert_eq!(w["product_name"], "Windows Server 2022 Datacenter");
    assert_eq!(w["current_build"], 20348);
    assert_eq!(w["ubr"], 5139);
    assert_eq!(
        w["installed"],
        serde_json::json!([
            {"kb": 5082142, "installed_on": "2026-04-15"},
            {"kb": 5087545, "installed_on": "2026-05-13"}
        ])
    );
    assert_eq!(w["pending"][0]["kb"], 5094128);
    // The scan row keeps the facts (the re-match reads them), and only the latest.
    env.ok(&[
        "-q",
        "scan",
        "--import",
        path.to_str().unwrap(),
        "--host",
        "m1",
    ]);
    let kept: Vec<Option<String>> = env
        .sqlite()
        .prepare("SELECT windows FROM scans ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0], None);
    let stored: serde_json::Value = serde_json::from_str(kept[1].as_deref().unwrap()).unwrap();
    assert_eq!(&stored, w);
}

/// `--print-script` prints the PowerShell collector for `--platform windows` and for
/// a Windows host; the POSIX one otherwise.
#[test]
fn print_script_for_windows() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "w1", "--platform", "windows"]);
    env.ok(&["-q", "host", "add", "l1"]);
    let script = env.ok(&["scan", "--print-script", "--platform", "windows"]);
    let token = script
        .lines()
        .find_map(|l| l.strip_prefix("$T = '"))
        .and_then(|l| l.strip_suffix('\''))
        .expect("token line")
        .to_string();
    assert_eq!(token.len(), 32);
    let head: String = script
        .replace(&token, "[TOKEN]")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .take(16)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_snapshot!("windows_print_script_head", head);
    let by_host = env.ok(&["scan", "--print-script", "--host", "w1"]);
    assert!(by_host.contains("Section 'win-os'"));
    assert_ne!(by_host, script, "a new token each time");
    let posix = env.ok(&["scan", "--print-script", "--host", "l1"]);
    assert!(posix.starts_with("# patchcycle collector."));
    let posix = env.ok(&["scan", "--print-script", "--platform", "posix"]);
    assert!(posix.starts_with("# patchcycle collector."));
    assert_snapshot!(
        "windows_print_script_refusals",
        [
            env.snap(&["scan", "--print-script", "--platform", "vms"]),
            env.snap(&[
                "scan",
                "--print-script",
                "--platform",
                "windows",
                "--host",
                "w1"
            ]),
            env.snap(&["scan", "w1", "--platform", "windows"]),
        ]
        .join("\n")
    );
}

/// `scan` of a Windows host runs ssh with the usual options (host-key checking kept)
/// and the PowerShell command line, and sends the PowerShell collector on stdin; what
/// comes back is read as Windows output. The ssh here is a stand-in that records its
/// arguments and stdin, and answers with a recorded output under the script's token.
#[test]
fn scan_over_ssh_sends_the_powershell_collector() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::init();
    let args_log = env.home().join("ssh-args");
    let stdin_log = env.home().join("ssh-stdin");
    let answer = recorded("win11-23h2.txt");
    let fake = env.file(
        "fake-ssh",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{args}'\ncat > '{stdin}'\n\
             token=$(sed -n \"s/^\\$T = '\\([0-9a-f]*\\)'$/\\1/p\" '{stdin}')\n\
             sed \"s/e8f6d4c2b0a94e7c5a3b1d9f7e5c3a1b/$token/\" '{answer}'\n",
            args = args_log.display(),
            stdin = stdin_log.display(),
            answer = answer.display()
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    env.ok(&[
        "-q",
        "host",
        "add",
        "w1",
        "admin@192.0.2.10:2222",
        "--platform",
        "windows",
    ]);
    let out = env.run(&["--config", cfg.to_str().unwrap(), "scan", "w1"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let args = std::fs::read_to_string(&args_log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        &args[args.len() - 11..],
        [
            "-p",
            "2222",
            "-l",
            "admin",
            "--",
            "192.0.2.10",
            "powershell",
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "-",
        ]
    );
    assert!(args.contains(&"BatchMode=yes"), "{args:?}");
    assert!(
        args.iter().any(|a| a.starts_with("StrictHostKeyChecking=")),
        "{args:?}"
    );
    let sent = std::fs::read_to_string(&stdin_log).unwrap();
    assert!(sent.contains("Section 'win-wua-pending'"));
    assert!(!sent.contains("@TOKEN@"));
    assert!(
        !sent.contains("192.0.2.10") && !sent.contains("admin"),
        "nothing of the inventory"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "show", "w1", "--format", "json"])).unwrap();
    assert_eq!(shown["kernel_running"], "10.0.22631.7219");
    assert_eq!(shown["scan_status"], "ok");
}

/// Hostile rows are refused one by one and named; output without the os section is a
/// failed scan; saved output of the other platform is imported with a warning.
#[test]
fn hostile_windows_output() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "w1", "--platform", "windows"]);
    let good = std::fs::read_to_string(recorded("server2022-month-behind.txt")).unwrap();
    let t = "a3d81f6c09b2457e9c1d2e3f4a5b6c7d";
    let hostile = good
        .replace(
            "KB5087545\t2026-05-13\n",
            "KB5087545\t2026-05-13\nKB5087545;rm -rf /\t2026-05-13\nKB1\t2026-13-01\n",
        )
        .replace(
            "(KB5094128)\n",
            "(KB5094128)\nKB5094129\tCritical\t0fa1201d-4330-4fa8-8ae9-b877473b6441\tSecurity Updates\tcan-request\t\u{1b}]0;pwned\u{7}title\nKB5094130\tUrgent\t0fa1201d-4330-4fa8-8ae9-b877473b6441\tSecurity Updates\tnever\tx\n",
        )
        .replace("wu=no\n", "wu=no\nwu=yes\n");
    let file = env.file("hostile.txt", &hostile);
    assert_snapshot!(
        "windows_hostile_rows",
        env.snap(&["scan", "--import", file.to_str().unwrap(), "--host", "w1"])
    );
    let no_os = good.replace(&format!("@@PC {t} win-os\n"), &format!("@@PC {t} other\n"));
    let file = env.file("no-os.txt", &no_os);
    assert_snapshot!(
        "windows_no_os_section",
        env.snap(&["scan", "--import", file.to_str().unwrap(), "--host", "w1"])
    );
    // Recorded Windows output for a host the inventory calls POSIX: read, with a warning.
    env.ok(&["-q", "host", "add", "l1"]);
    let path = recorded("win10-22h2.txt");
    assert_snapshot!(
        "windows_output_for_posix_host",
        env.snap(&["scan", "--import", path.to_str().unwrap(), "--host", "l1"])
    );
    // A Windows host is never collected on this machine.
    assert_snapshot!(
        "windows_host_not_local",
        env.snap(&["scan", "--local", "--host", "w1"])
    );
}

/// `sync` re-matches a Windows host from the facts stored with its scan (no package
/// rows): the re-match reads them back without error and counts the host.
#[test]
fn a_windows_host_is_rematched_after_sync() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "w1", "--platform", "windows"]);
    let path = recorded("server2022-year-behind.txt");
    env.ok(&[
        "-q",
        "scan",
        "--import",
        path.to_str().unwrap(),
        "--host",
        "w1",
    ]);
    let from = env.home().join("mirror");
    std::fs::create_dir_all(from.join("kev")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/shared/kev/known_exploited_vulnerabilities.json"),
        from.join("kev/known_exploited_vulnerabilities.json"),
    )
    .unwrap();
    let out = env.run(&["sync", "--from", from.to_str().unwrap(), "kev"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let details: String = env
        .sqlite()
        .query_row(
            "SELECT details FROM audit WHERE action = 'catalog.rematch'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["hosts"], 1, "{details}");
    assert_eq!(details["skipped"], serde_json::json!([]));
    // Unreadable stored facts are an error naming the host, not a silent skip.
    env.sqlite()
        .execute(
            "UPDATE scans SET windows = '{' WHERE windows IS NOT NULL",
            [],
        )
        .unwrap();
    env.sqlite().execute("DELETE FROM sources", []).unwrap();
    let out = env.run(&["sync", "--from", from.to_str().unwrap(), "kev"]);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("host w1's latest scan are unreadable"),
        "{}",
        render(&env, &out)
    );
}
