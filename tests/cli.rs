//! CLI contract tests: exit code, stdout and stderr of every command, as snapshots.

mod common;

use common::cli::{Env, examples};
use insta::assert_snapshot;

fn ex(name: &str) -> String {
    examples().join(name).display().to_string()
}

#[test]
fn help_lists_commands_and_exit_codes() {
    let env = Env::new();
    assert_snapshot!(env.snap(&["--help"]));
}

#[test]
fn version() {
    let env = Env::new();
    let out = env.ok(&["--version"]);
    assert_eq!(out, format!("patchcycle {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn init_creates_then_keeps() {
    let env = Env::new();
    assert_snapshot!("init_first", env.snap(&["init"]));
    assert_snapshot!("init_again", env.snap(&["init"]));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let config = std::fs::read_to_string(env.config()).unwrap();
    assert_eq!(config, patchcycle::config::DEFAULT_CONFIG);
}

#[test]
fn init_quiet_prints_nothing() {
    let env = Env::new();
    assert_snapshot!(env.snap(&["-q", "init"]));
}

#[test]
fn init_tightens_loose_permissions() {
    let env = Env::init();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_snapshot!(env.snap(&["init"]));
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn missing_db_hints_init() {
    let env = Env::new();
    assert_snapshot!(env.snap(&["host", "list"]));
}

#[test]
fn db_path_not_writable_is_runtime_error() {
    let env = Env::new();
    // A regular file where a directory should be: not writable even for root.
    env.file("blocker", "");
    let db = env.home().join("blocker/sub/patchcycle.db");
    let out = env.snap(&["--db", db.to_str().unwrap(), "init"]);
    assert_snapshot!(out);
}

#[test]
fn invalid_config_names_line_and_column() {
    let env = Env::new();
    let cfg = env.file("bad.toml", "[ssh]\nconnect_timeout = \"soon\"\n");
    assert_snapshot!(env.snap(&["--config", cfg.to_str().unwrap(), "host", "list"]));
    let cfg = env.file("bad2.toml", "[ssh\nprogram = 1\n");
    assert_snapshot!(
        "invalid_config_syntax",
        env.snap(&["--config", cfg.to_str().unwrap(), "init"])
    );
    let cfg = env.file("bad3.toml", "[default_policy]\nmax_paralel = 3\n");
    assert_snapshot!(
        "invalid_config_unknown_key",
        env.snap(&["--config", cfg.to_str().unwrap(), "doctor"])
    );
}

#[test]
fn explicit_missing_config_is_an_error() {
    let env = Env::new();
    assert_snapshot!(env.snap(&["--config", "nope.toml", "host", "list"]));
}

#[test]
fn env_vars_select_db_and_config() {
    let env = Env::new();
    let db = env.home().join("elsewhere/fleet.db");
    let out = env
        .cmd(&["init"])
        .env("PATCHCYCLE_DB", &db)
        .env("PATCHCYCLE_CONFIG", env.home().join("etc/pc.toml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(db.exists());
    assert!(env.home().join("etc/pc.toml").exists());
    assert!(!env.db().exists());
}

#[test]
fn doctor_reports_checks() {
    let env = Env::new();
    // Without a database: a failed check, exit 1, the table still printed.
    let out = env.run(&["doctor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(checks[1]["check"], "database");
    assert_eq!(checks[1]["status"], "FAIL");
    assert_eq!(checks[1]["hint"], "run `patchcycle init`");

    let env = Env::init();
    let out = env.run(&["doctor", "--format", "json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "config",
            "database",
            "schema",
            "permissions",
            "audit log",
            "rings",
            "catalogue",
            "hosts",
            "ssh",
            "ssh masters",
            "ssh config"
        ]
    );
    // A new database: nothing to judge yet, so told, not failed.
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(checks[6]["status"], "warn");
    assert_eq!(checks[6]["detail"], "never synced");
    assert_eq!(checks[7]["status"], "warn");
    let v = patchcycle::db::schema_version();
    assert_eq!(
        checks[2]["detail"],
        format!("version {v} (this binary: {v})")
    );
    assert_eq!(out.status.code(), Some(0), "{checks:#}");
}

#[test]
fn doctor_flags_missing_ssh() {
    let env = Env::init();
    let cfg = env.file("c.toml", "[ssh]\nprogram = \"/nonexistent/ssh\"\n");
    let out = env.run(&["--config", cfg.to_str().unwrap(), "doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("ssh          FAIL    /nonexistent/ssh: No such file or directory"),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: doctor: failed check(s): ssh\n"
    );
}

#[test]
fn newer_schema_is_refused() {
    let env = Env::init();
    env.sqlite()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    assert_snapshot!(env.snap(&["host", "list"]));
}

#[test]
fn group_lifecycle() {
    let env = Env::init();
    assert_snapshot!(
        "group_add_pilot",
        env.snap(&["group", "add", "pilot", "--order", "0"])
    );
    assert_snapshot!(
        "group_add_prod",
        env.snap(&[
            "group",
            "add",
            "prod",
            "--order",
            "2",
            "--window",
            "Patch Tuesday + 2 days 22:00-02:00",
            "--stakeholder",
            "Web team",
            "--policy-file",
            &ex("policy.toml"),
        ])
    );
    assert_snapshot!(
        "group_add_duplicate",
        env.snap(&["group", "add", "pilot", "--order", "1"])
    );
    assert_snapshot!("group_add_no_order", env.snap(&["group", "add", "uat"]));
    assert_snapshot!(
        "group_set_policy",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "max_parallel=2",
            "--set",
            "reboot=never",
            "--set",
            "sla_days.critical=2"
        ])
    );
    assert_snapshot!(
        "group_set_bad_policy",
        env.snap(&["group", "set", "pilot", "--set", "reboot=sometimes"])
    );
    assert_snapshot!(
        "group_set_unknown_key",
        env.snap(&["group", "set", "pilot", "--set", "max_paralel=2"])
    );
    assert_snapshot!("group_list", env.snap(&["group", "list"]));
    assert_snapshot!(
        "group_list_json",
        env.snap(&["group", "list", "--format", "json"])
    );
    assert_snapshot!(
        "group_list_csv",
        env.snap(&["group", "list", "--format", "csv"])
    );
    assert_snapshot!("group_show", env.snap(&["group", "show", "prod"]));
    assert_snapshot!("group_show_unknown", env.snap(&["group", "show", "nope"]));
}

#[test]
fn a_ring_order_belongs_to_one_group() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["group", "add", "prod", "--order", "2"]);
    assert_snapshot!(
        "group_add_taken_order",
        env.snap(&["group", "add", "web", "--order", "2"])
    );
    assert_snapshot!(
        "group_set_taken_order",
        env.snap(&["group", "set", "pilot", "--order", "2"])
    );
    // Its own order again is no conflict; a free one is taken.
    env.ok(&["group", "set", "prod", "--order", "2", "--admin", "ops"]);
    env.ok(&["group", "add", "web", "--order", "3"]);
    let out = env.run(&["doctor", "--format", "json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rings = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "rings")
        .unwrap();
    assert_eq!(rings["status"], "ok");
    // A database written before orders were unique: doctor names the groups.
    env.sqlite()
        .execute("UPDATE groups SET ring = 2 WHERE name = 'web'", [])
        .unwrap();
    let out = env.run(&["doctor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rings = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "rings")
        .unwrap();
    assert_eq!(
        rings["detail"],
        "groups share a ring order (order 2: prod, web); the gate does not order them"
    );
    assert_eq!(
        rings["hint"],
        "give each its own: `patchcycle group set web --order N`"
    );
    // Other fields still change while the duplicate stands, and so does the way out.
    env.ok(&["group", "set", "web", "--admin", "web team"]);
    env.ok(&["group", "set", "web", "--order", "3"]);
    assert_eq!(env.run(&["doctor"]).status.code(), Some(0));
}

#[test]
fn group_rm_with_hosts_needs_move_to() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["group", "add", "prod", "--order", "1"]);
    env.ok(&["host", "add", "web1", "-g", "pilot"]);
    assert_snapshot!(
        "group_rm_refused",
        env.snap(&["--yes", "group", "rm", "pilot"])
    );
    assert_snapshot!(
        "group_rm_no_tty",
        env.snap(&["group", "rm", "pilot", "--move-to", "prod"])
    );
    assert_snapshot!(
        "group_rm_moved",
        env.snap(&["--yes", "group", "rm", "pilot", "--move-to", "prod"])
    );
    let h = env.ok(&["host", "show", "web1", "--format", "json"]);
    let h: serde_json::Value = serde_json::from_str(&h).unwrap();
    assert_eq!(h["group"], "prod");
}

#[test]
fn host_lifecycle() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    assert_snapshot!(
        "host_add",
        env.snap(&[
            "host",
            "add",
            "web1",
            "root@192.0.2.1:2222",
            "--group",
            "pilot",
            "--tag",
            "web,eu",
            "--notes",
            "front"
        ])
    );
    assert_snapshot!(
        "host_add_v6",
        env.snap(&["host", "add", "db1", "admin@[2001:db8::1]:22"])
    );
    assert_snapshot!("host_add_alias", env.snap(&["host", "add", "bastion"]));
    assert_snapshot!("host_add_duplicate", env.snap(&["host", "add", "web1"]));
    assert_snapshot!(
        "host_add_unknown_group",
        env.snap(&["host", "add", "web2", "-g", "nope"])
    );
    assert_snapshot!(
        "host_add_proxycommand",
        env.snap(&["host", "add", "evil", "--", "-oProxyCommand=x"])
    );
    assert_snapshot!(
        "host_add_metachar",
        env.snap(&["host", "add", "evil", "x;reboot"])
    );
    assert_snapshot!(
        "host_add_bad_name",
        env.snap(&["host", "add", "web;1", "192.0.2.1"])
    );
    assert_snapshot!("host_list", env.snap(&["host", "list"]));
    assert_snapshot!(
        "host_list_json",
        env.snap(&["host", "list", "--format", "json"])
    );
    assert_snapshot!(
        "host_list_csv",
        env.snap(&["host", "list", "--format", "csv"])
    );
    assert_snapshot!(
        "host_list_group",
        env.snap(&["host", "list", "--group", "pilot"])
    );
    assert_snapshot!("host_list_tag", env.snap(&["host", "list", "--tag", "eu"]));
    assert_snapshot!("host_show", env.snap(&["host", "show", "web1"]));
    assert_snapshot!("host_show_unknown", env.snap(&["host", "show", "nope"]));
    assert_snapshot!(
        "host_set",
        env.snap(&[
            "host",
            "set",
            "web1",
            "--destination",
            "192.0.2.9",
            "--rm-tag",
            "eu",
            "--add-tag",
            "us"
        ])
    );
    assert_snapshot!("host_set_nothing", env.snap(&["host", "set", "web1"]));
    assert_snapshot!(
        "host_set_same",
        env.snap(&["host", "set", "web1", "--add-tag", "us"])
    );
    assert_snapshot!("host_rm_no_tty", env.snap(&["host", "rm", "db1"]));
    assert_snapshot!(
        "host_rm",
        env.snap(&["--yes", "host", "rm", "db1", "bastion"])
    );
    assert_snapshot!(
        "host_rm_unknown",
        env.snap(&["--yes", "host", "rm", "nope"])
    );
    assert_snapshot!("audit_list", env.snap(&["audit", "list"]));
    assert_snapshot!("audit_verify", env.snap(&["audit", "verify"]));
}

#[test]
fn empty_lists_in_every_format() {
    let env = Env::init();
    assert_snapshot!("empty_table", env.snap(&["host", "list"]));
    assert_snapshot!(
        "empty_json",
        env.snap(&["host", "list", "--format", "json"])
    );
    assert_snapshot!("empty_csv", env.snap(&["host", "list", "--format", "csv"]));
}

#[test]
fn import_examples() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    assert_snapshot!(
        "import_ini_dry_run",
        env.snap(&["host", "import", &ex("inventory.ini"), "--dry-run"])
    );
    assert_eq!(
        env.ok(&["host", "list", "--format", "csv"]).lines().count(),
        1
    );
    assert_snapshot!(
        "import_ini",
        env.snap(&["host", "import", &ex("inventory.ini")])
    );
    assert_snapshot!(
        "import_ini_again",
        env.snap(&["host", "import", &ex("inventory.ini")])
    );
    assert_snapshot!(
        "import_csv",
        env.snap(&["host", "import", &ex("inventory.csv")])
    );
    assert_snapshot!(
        "import_toml",
        env.snap(&["host", "import", &ex("inventory.toml")])
    );
    assert_snapshot!("import_list", env.snap(&["host", "list"]));
}

#[test]
fn csv_export_imports_back_unchanged() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["host", "import", &ex("inventory.csv")]);
    let csv = env.ok(&["host", "list", "--format", "csv"]);
    let file = env.file("export.csv", &csv);
    let out = env.run(&["host", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).ends_with(": 0 added, 0 updated, 4 unchanged\n"));
    assert_snapshot!(env.snap(&["host", "import", file.to_str().unwrap()]));
}

#[test]
fn import_bad_rows_write_nothing() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    let bad = env.file(
        "bad.csv",
        "name,address,user,port,group,tags\n\
         ok-1,192.0.2.1,root,22,pilot,\n\
         bad-port,192.0.2.2,root,70000,pilot,\n\
         ok-2,192.0.2.3,,,pilot,\n\
         evil,-oProxyCommand=x,,,pilot,\n\
         ok-1,192.0.2.4,,,pilot,\n\
         lost,192.0.2.5,,,nosuchgroup,\n",
    );
    assert_snapshot!(
        "import_bad_csv",
        env.snap(&["host", "import", bad.to_str().unwrap()])
    );
    let one = env.file(
        "one.csv",
        "name,address,user,port,group,tags\nok,192.0.2.1,,,,\nx y,192.0.2.2,,,,\n",
    );
    assert_snapshot!(
        "import_one_bad_row",
        env.snap(&["host", "import", one.to_str().unwrap()])
    );
    let cols = env.file("cols.csv", "name,adress\nx,192.0.2.1\n");
    assert_snapshot!(
        "import_unknown_column",
        env.snap(&["host", "import", cols.to_str().unwrap()])
    );
    let ini = env.file("inv.ini", "[web]\nweb1 ansible_host=192.0.2.1\n");
    assert_snapshot!(
        "import_ini_unknown_group",
        env.snap(&["host", "import", ini.to_str().unwrap()])
    );
    let toml = env.file("inv.toml", "[[hosts]]\nname = \"a\"\nport = \"x\"\n");
    assert_snapshot!(
        "import_bad_toml",
        env.snap(&["host", "import", toml.to_str().unwrap()])
    );
    assert_eq!(
        env.ok(&["host", "list", "--format", "csv"]).lines().count(),
        1
    );
    // The failed imports left no audit rows either.
    let n: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'host.import'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn import_ini_with_fallback_group() {
    let env = Env::init();
    env.ok(&["group", "add", "prod", "--order", "2"]);
    let ini = env.file("inv.ini", "[web]\nweb1 ansible_host=192.0.2.1\n");
    assert_snapshot!(env.snap(&["host", "import", ini.to_str().unwrap(), "--group", "prod"]));
}

#[test]
fn import_from_stdin() {
    let env = Env::init();
    let out = env
        .cmd(&["host", "import", "-", "--type", "csv"])
        .write_stdin_bytes(b"name,address\nstdin-1,192.0.2.1\n");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.ok(&["host", "list"]).contains("stdin-1"));
}

/// `host list --format csv | patchcycle host import -` on another database: the CSV is
/// recognised by its header, and the inventory arrives whole.
#[test]
fn csv_round_trip_through_stdin_without_type() {
    let from = Env::init();
    from.ok(&["group", "add", "pilot", "--order", "0"]);
    from.ok(&["host", "import", &ex("inventory.csv")]);
    let csv = from.ok(&["host", "list", "--format", "csv"]);

    let to = Env::init();
    to.ok(&["group", "add", "pilot", "--order", "0"]);
    let out = to
        .cmd(&["host", "import", "-"])
        .write_stdin_bytes(csv.as_bytes());
    assert_snapshot!(common::cli::render(&to, &out));
    assert_eq!(to.ok(&["host", "list", "--format", "csv"]), csv);

    // Ansible's usual file has no extension: recognised as INI by its sections.
    let hosts = to.file("hosts", "# fleet\n[pilot]\nini-1 ansible_host=192.0.2.9\n");
    to.ok(&["host", "import", hosts.to_str().unwrap()]);
    assert!(to.ok(&["host", "show", "ini-1"]).contains("192.0.2.9"));
}

#[test]
fn import_of_an_unrecognised_type_names_the_accepted_ones() {
    let env = Env::init();
    let out = env
        .cmd(&["host", "import", "-"])
        .write_stdin_bytes(b"{\"hosts\": [{\"name\": \"a\"}]}\n");
    assert_snapshot!(common::cli::render(&env, &out));
    let empty = env.file("hosts.txt", "\n");
    assert_snapshot!(
        "import_empty_without_type",
        env.snap(&["host", "import", empty.to_str().unwrap()])
    );
}

trait StdinExt {
    fn write_stdin_bytes(&mut self, bytes: &[u8]) -> std::process::Output;
}

impl StdinExt for std::process::Command {
    fn write_stdin_bytes(&mut self, bytes: &[u8]) -> std::process::Output {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        child.wait_with_output().unwrap()
    }
}

#[test]
fn audit_list_filters() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["host", "add", "a", "-g", "pilot"]);
    env.ok(&["host", "add", "b"]);
    env.ok(&["--actor", "alice", "host", "set", "b", "--group", "pilot"]);
    assert_snapshot!(
        "audit_filter_action",
        env.snap(&["audit", "list", "--action", "host"])
    );
    assert_snapshot!(
        "audit_filter_object_json",
        env.snap(&["audit", "list", "--object", "b", "--format", "json"])
    );
    assert_snapshot!(
        "audit_filter_limit",
        env.snap(&["audit", "list", "-n", "2"])
    );
    assert_snapshot!(
        "audit_since_bad",
        env.snap(&["audit", "list", "--since", "yesterday"])
    );
}

#[test]
fn actor_defaults_to_sudo_user() {
    let env = Env::init();
    let out = env
        .cmd(&["group", "add", "g", "--order", "0"])
        .env("SUDO_USER", "bob")
        .output()
        .unwrap();
    assert!(out.status.success());
    let actor: String = env
        .sqlite()
        .query_row(
            "SELECT actor FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, "bob");
}

/// The actor of the last audit row after `group add NAME` run with `env` on top of a
/// cleared environment (no USER, as under cron or systemd).
fn actor_with(env: &Env, name: &str, order: &str, vars: &[(&str, &str)]) -> String {
    let mut cmd = env.cmd(&["group", "add", name, "--order", order]);
    cmd.env_remove("USER");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", common::cli::render(env, &out));
    env.sqlite()
        .query_row(
            "SELECT actor FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn actor_falls_back_to_logname_then_the_uid_name() {
    let env = Env::init();
    assert_eq!(actor_with(&env, "a", "1", &[("LOGNAME", "carol")]), "carol");
    // Nothing in the environment: the passwd name of our uid, read here from
    // /etc/passwd (the binary asks NSS).
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() }.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let expected = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[2] == uid)
        .map(|f| f[0].to_string())
        .expect("this uid has a line in /etc/passwd");
    assert_eq!(actor_with(&env, "b", "2", &[]), expected);
    assert_ne!(expected, "unknown");
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::init();
    let out = env.run(&["host", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["--format", "yaml", "host", "list"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn print_script_works_with_env_settings() {
    let env = Env::new();
    let out = env
        .cmd(&["scan", "--print-script"])
        .env("PATCHCYCLE_DB", env.home().join("x.db"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# patchcycle collector."));
}

/// An ssh that exits at once, before reading the script from its stdin: writing to it
/// must be an ignored EPIPE for that host, never a SIGPIPE that kills the whole scan.
#[test]
fn an_ssh_that_exits_early_fails_its_host_not_the_run() {
    let env = Env::init();
    let fake = env.file("fake-ssh", "#!/bin/sh\nexec 0<&-\necho 'ssh: connect to host x port 22: Connection refused' >&2\nexit 255\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    for i in 0..20 {
        env.ok(&["host", "add", &format!("a{i}")]);
    }
    for _ in 0..3 {
        let out = env.run(&[
            "--config",
            cfg.to_str().unwrap(),
            "scan",
            "--all",
            "--parallel",
            "20",
        ]);
        assert_eq!(
            out.status.code(),
            Some(4),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.matches("Connection refused").count(), 20, "{stdout}");
    }
}

/// `scan --local` marks its host: `scan --all` collects it here (from its root, for a
/// host a `--root` scan added) and never hands it to ssh.
#[test]
fn a_local_host_is_scanned_here_not_over_ssh() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::init();
    let log = env.home().join("ssh.log");
    let fake = env.file(
        "fake-ssh",
        &format!(
            "#!/bin/sh\nexec 0<&-\necho \"$@\" >> '{}'\necho 'ssh: connect to host x port 22: Connection refused' >&2\nexit 255\n",
            log.display()
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = env.file(
        "c.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    );
    let cfg = cfg.to_str().unwrap();
    // An Alpine root (recorded installed database; no apk binary needed).
    let root = env.home().join("alpine");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
    )
    .unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/alpine/installed"),
        root.join("lib/apk/db/installed"),
    )
    .unwrap();
    let root = root.to_str().unwrap();
    assert_snapshot!(
        "local_root_added",
        env.snap(&["scan", "--local", "--root", root, "--host", "img1"])
    );
    env.ok(&["host", "add", "w1"]);
    // An ssh host scanned once from its disk stays an ssh host.
    env.ok(&["-q", "scan", "--local", "--root", root, "--host", "w1"]);
    assert_snapshot!("local_host_list", env.snap(&["host", "list"]));
    let out = env.run(&["--config", cfg, "--format", "json", "scan", "--all"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        common::cli::render(&env, &out)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by: Vec<(&str, &str, &str)> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["host"].as_str().unwrap(),
                h["method"].as_str().unwrap(),
                h["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(by, [("img1", "local", "ok"), ("w1", "ssh", "failed")]);
    let asked = std::fs::read_to_string(&log).unwrap();
    assert_eq!(asked.lines().count(), 1, "{asked}");
    assert!(
        asked.contains(" w1 ") || asked.ends_with(" w1\n"),
        "{asked}"
    );
    // A root that is gone fails its host by name, still without ssh.
    std::fs::rename(root, format!("{root}.moved")).unwrap();
    let out = env.run(&["--config", cfg, "scan", "img1"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is no longer a directory"),
        "{}",
        common::cli::render(&env, &out)
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), asked);
    // The running system: marked at its scan (whatever this machine's collector finds),
    // then scanned here by name.
    env.run(&["-q", "scan", "--local", "--host", "me"]);
    let out = env.run(&["--config", cfg, "--format", "json", "scan", "me"]);
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        s[0]["method"],
        "local",
        "{}",
        common::cli::render(&env, &out)
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), asked);
    let host: serde_json::Value =
        serde_json::from_str(&env.ok(&["host", "list", "--format", "json"])).unwrap();
    assert_eq!(host[1]["name"], "me");
    let actions: i64 = env
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'host.add' AND object IN ('img1', 'me')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actions, 2);
}

/// `doctor` names the ssh config OpenSSH will read: from the passwd home, whatever
/// `$HOME` says (here a temporary directory), or the configured file.
#[test]
fn doctor_says_which_ssh_config_applies() {
    let env = Env::init();
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() }.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let (name, home) = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 5 && f[2] == uid)
        .map(|f| (f[0].to_string(), f[5].to_string()))
        .expect("this uid has a line in /etc/passwd");
    let check = |args: &[&str]| -> serde_json::Value {
        let out = env.run(args);
        let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "ssh config")
            .unwrap()
            .clone()
    };
    let c = check(&["doctor", "--format", "json"]);
    let path = format!("{home}/.ssh/config");
    let state = if std::path::Path::new(&path).is_file() {
        "exists"
    } else {
        "not present: ssh's defaults and /etc/ssh/ssh_config apply"
    };
    assert_eq!(c["status"], "ok");
    assert_eq!(
        c["detail"],
        format!(
            "{path} ({state}; from the passwd home of {name}; $HOME={} is not what ssh reads)",
            env.home().display()
        )
    );
    let cfg = env.file(
        "c.toml",
        &format!(
            "[ssh]\nconfig_file = \"{}/missing_ssh_config\"\n",
            env.home().display()
        ),
    );
    let out = env.run(&["--config", cfg.to_str().unwrap(), "doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert_snapshot!(
        "doctor_missing_ssh_config_file",
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("ssh config"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(&env.home().display().to_string(), "[HOME]")
    );
}

/// Builds an empty Debian package with dpkg-deb; returns its path.
fn dpkg_deb(dir: &std::path::Path, name: &str, version: &str) -> std::path::PathBuf {
    let tree = dir.join(format!("{name}-tree"));
    std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: {name}\nVersion: {version}\nArchitecture: amd64\nMaintainer: patchcycle tests <t@example.org>\nSource: linux-signed-amd64 (6.1.55+1)\nDescription: patchcycle test package\n"
        ),
    )
    .unwrap();
    let deb = dir.join(format!("{name}.deb"));
    let out = std::process::Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build"])
        .arg(&tree)
        .arg(&deb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    deb
}

/// `linux-image-<release>-dbg` holds a kernel's debug symbols, not a kernel: a newer one
/// installed does not make the running kernel stale. The packages are built by dpkg-deb
/// and installed by dpkg into a Debian 12 root; the real collector's output of that
/// root is imported with its uname section (empty for a root, which runs no kernel)
/// holding the running kernel.
#[test]
fn debug_symbol_packages_are_not_kernels() {
    let env = Env::init();
    let root = env.home().join("deb-root");
    let admin = root.join("var/lib/dpkg");
    std::fs::create_dir_all(admin.join("info")).unwrap();
    std::fs::create_dir_all(admin.join("updates")).unwrap();
    std::fs::write(admin.join("status"), "").unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n",
    )
    .unwrap();
    let debs = env.home().join("debs");
    std::fs::create_dir_all(&debs).unwrap();
    let pkgs = [
        dpkg_deb(&debs, "linux-image-6.1.0-13-amd64", "6.1.55-1"),
        dpkg_deb(&debs, "linux-image-6.1.0-13-amd64-dbg", "6.1.55-1"),
        dpkg_deb(&debs, "linux-image-6.1.0-15-amd64-dbg", "6.1.66-1"),
    ];
    let out = std::process::Command::new("dpkg")
        .arg(format!("--root={}", root.display()))
        .args(["--log=/dev/null", "--force-not-root", "-i"])
        .args(&pkgs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");

    // The collector's output of the root, with a running kernel.
    let script = patchcycle::scan::collector_script(false, Some(&root)).unwrap();
    let collected = {
        use std::io::Write;
        let mut child = std::process::Command::new("sh")
            .arg("-s")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let token = collected.split(' ').nth(1).unwrap().to_string();
    let empty = format!("@@PC {token} uname\n\n@@PC {token} boot\n");
    assert!(collected.contains(&empty), "{collected}");
    let collected = collected.replacen(
        &empty,
        &format!("@@PC {token} uname\n6.1.0-13-amd64\n\n@@PC {token} boot\n"),
        1,
    );
    env.ok(&["host", "add", "deb1"]);
    let file = env.file("deb1.out", &collected);
    let out = env.ok(&[
        "--format",
        "json",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "deb1",
    ]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s[0]["packages"], 3, "{s}");
    assert_eq!(s[0]["kernel_running"], "6.1.0-13-amd64", "{s}");
    assert_eq!(s[0]["kernel_latest"], "6.1.0-13-amd64", "{s}");
    assert_eq!(s[0]["reboot_required"], false, "{s}");
}
