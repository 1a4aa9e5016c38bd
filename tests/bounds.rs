//! Hostile values (issue #18, items 4 and 12): durations, counts and shares outside
//! their ranges, a `--set` that hides a second line, advisory ids made to be pasted into
//! a shell, LIKE wildcards, and spreadsheet formulas in CSV cells. Every input is made
//! here, small; every refusal is shown with its exit code.

mod common;

use common::cli::Env;
use insta::assert_snapshot;

const TOKEN: &str = "00112233445566778899aabbccddeeff";

/// Saved collector output of a Debian 12 host with a pending security update of libssl3;
/// `pretty` is its os-release PRETTY_NAME (the report's `os`).
fn collection(pretty: &str) -> String {
    let s = |name: &str| format!("@@PC {TOKEN} {name}\n");
    format!(
        "@@PC {TOKEN} BEGIN 1\n{}ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"{pretty}\"\n{}6.1.0-26-amd64\n{}no\n{}\
         libssl3:amd64\t3.0.15-1~deb12u1\topenssl\t3.0.15-1~deb12u1\tii \n{}\
         Inst libssl3 [3.0.15-1~deb12u1] (3.0.17-1~deb12u2 Debian-Security:12/oldstable-security [amd64])\n{}",
        s("os-release"),
        s("uname"),
        s("reboot"),
        s("dpkg"),
        s("apt-sim"),
        s("END"),
    )
}

fn mirror_small() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mirror-small")
        .display()
        .to_string()
}

/// A pilot group with one scanned host, p1, matched against a current catalogue.
fn pilot(pretty: &str) -> Env {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian", "kev"]);
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["host", "add", "p1", "-g", "pilot"]);
    let f = env.file("p1.out", &collection(pretty));
    env.ok(&[
        "-q",
        "scan",
        "--import",
        f.to_str().unwrap(),
        "--host",
        "p1",
    ]);
    env
}

fn count(env: &Env, sql: &str) -> i64 {
    env.sqlite().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn policy_values_out_of_range_are_refused_where_they_are_set() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    // The command of the issue: accepted before, then `test` panicked.
    assert_snapshot!(
        "set_step_timeout_u64_max",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "step_timeout=18446744073709551615s"
        ])
    );
    assert_snapshot!(
        "set_soak_u64_max",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "soak=18446744073709551615s"
        ])
    );
    assert_snapshot!(
        "set_max_feed_age_over_a_year",
        env.snap(&["group", "set", "pilot", "--set", "max_feed_age=367d"])
    );
    assert_snapshot!(
        "set_sla_days_huge",
        env.snap(&["group", "set", "pilot", "--set", "sla_days.low=4000000000"])
    );
    assert_snapshot!(
        "set_failure_share_over_100",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "failure_threshold=\"150%\""
        ])
    );
    // The same rule in the config's default policy, and for [ssh].
    let cfg = env.file("c.toml", "[default_policy]\nreboot_grace = \"2h\"\n");
    assert_snapshot!(
        "config_reboot_grace_over_an_hour",
        env.snap(&["--config", cfg.to_str().unwrap(), "group", "list"])
    );
    let cfg = env.file("ssh0.toml", "[ssh]\nconnect_timeout = 0\n");
    assert_snapshot!(
        "config_ssh_connect_timeout_0",
        env.snap(&["--config", cfg.to_str().unwrap(), "group", "list"])
    );
    // The ends of a range are allowed; nothing refused above was stored.
    env.ok(&[
        "group",
        "set",
        "pilot",
        "--set",
        "step_timeout=24h",
        "--set",
        "soak=90d",
    ]);
    let show = env.ok(&["group", "show", "pilot", "--format", "json"]);
    let policy: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(policy["policy"]["step_timeout"], "1d", "{show}");
    assert_eq!(policy["policy"]["soak"], "90d", "{show}");
    assert_eq!(policy["policy"]["max_feed_age"], "3d", "{show}");
}

#[test]
fn a_stored_out_of_range_policy_is_refused_before_a_test_runs() {
    let env = pilot("Debian GNU/Linux 12 (bookworm)");
    // Nothing listens on 127.0.0.1:1: were the engine run, the host would fail quickly.
    env.ok(&["host", "set", "p1", "--destination", "127.0.0.1:1"]);
    env.ok(&["-q", "cycle", "start"]);
    // A value from a database written before the bounds, put there as it would be.
    let changed = env
        .sqlite()
        .execute(
            "UPDATE groups SET policy = replace(policy, 'step_timeout = \"30m\"', \
             'step_timeout = \"213503982334601d7h15s\"') WHERE name = 'pilot'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let show = env.ok(&["group", "show", "pilot", "--format", "json"]);
    assert!(show.contains("213503982334601d7h15s"), "{show}");
    assert_snapshot!("test_stored_policy_invalid", env.snap(&["--yes", "test"]));
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM deployments WHERE state = 'running'"
        ),
        0
    );
    assert_eq!(count(&env, "SELECT count(*) FROM deployments"), 0);
    // `doctor` names it (its other checks depend on the machine: not snapshotted).
    let doctor = env.run(&["doctor"]);
    let out = String::from_utf8_lossy(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("policies"))
        .unwrap_or_default();
    assert!(
        line.split_whitespace().nth(1) == Some("FAIL")
            && line.contains(
                "group pilot: step_timeout = 213503982334601d7h15s is out of range (1s to 1d); \
                 test and deploy refuse these groups"
            )
            && line.ends_with("fix it: `patchcycle group set pilot --set KEY=VALUE`"),
        "{out}"
    );
    // The group can still be read and fixed.
    env.ok(&["group", "set", "pilot", "--set", "step_timeout=30m"]);
    let out = env.run(&["doctor"]).stdout;
    assert!(
        !String::from_utf8_lossy(&out).contains("policies"),
        "no line once fixed"
    );
    assert_eq!(
        env.run(&["test", "--dry-run"]).status.code(),
        Some(0),
        "fixed"
    );
}

/// The engine itself, given the invalid policy by a caller that did not check it (the
/// CLI does): no panic, the hosts fail untouched and the deployment ends failed.
#[test]
fn the_engine_fails_a_deployment_on_an_invalid_policy_instead_of_panicking() {
    use patchcycle::cycle::{deploy, deployment, plan};
    let env = pilot("Debian GNU/Linux 12 (bookworm)");
    env.ok(&["host", "set", "p1", "--destination", "127.0.0.1:1"]);
    env.ok(&["-q", "cycle", "start"]);
    let mut db = env.sqlite();
    let mut g = patchcycle::inventory::require_group(&db, "pilot").unwrap();
    let now = patchcycle::clock::parse(common::cli::NOW).unwrap();
    let p = plan::build(&db, None, &g, plan::Kind::Test, now).unwrap();
    assert_eq!(p.planned().count(), 1);
    let id = deploy::create(&mut db, &p, "tester", None, false).unwrap();
    g.policy.step_timeout = "18446744073709551615s".parse().unwrap();
    let ssh = patchcycle::config::SshConfig::default();
    let engine = deploy::Engine {
        ssh: &ssh,
        control: env.runtime_dir(),
        policy: g.policy.clone(),
        window: None,
        progress: patchcycle::exec::pool::Progress::Silent,
        group_hosts: 1,
        deployment: deployment::get(&db, id).unwrap(),
        db_path: env.db(),
        ansible: false,
        db: std::sync::Mutex::new(env.sqlite()),
    };
    let outcome = engine
        .execute()
        .expect("an outcome, not an error or a panic");
    drop(engine);
    assert_eq!(outcome.state, deployment::DeploymentState::Failed);
    assert_eq!(
        deployment::get(&db, id).unwrap().state,
        deployment::DeploymentState::Failed
    );
    let error: String = db
        .query_row(
            "SELECT error FROM deployment_hosts WHERE deployment_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        error,
        "the group's policy is invalid: step_timeout = 213503982334601d7h15s is out of \
         range (1s to 1d); nothing was run on the host"
    );
}

#[test]
fn a_set_with_a_line_break_is_refused_not_half_applied() {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    assert_snapshot!(
        "set_with_newline",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "max_parallel=3\nsoak=\"1h\""
        ])
    );
    assert_snapshot!(
        "set_with_carriage_return",
        env.snap(&[
            "group",
            "set",
            "pilot",
            "--set",
            "reboot=never\rsoak=\"1h\""
        ])
    );
    let show = env.ok(&["group", "show", "pilot", "--format", "json"]);
    let g: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(
        (&g["policy"]["max_parallel"], &g["policy"]["soak"]),
        (&serde_json::json!(5), &serde_json::json!("1d")),
        "{show}"
    );
}

#[test]
fn advisory_ids_from_the_command_line_follow_the_catalogue_grammar() {
    let env = Env::init();
    assert_snapshot!(
        "exception_advisory_shell",
        env.snap(&[
            "exception",
            "add",
            "--advisory",
            "CVE-$(id)",
            "--reason",
            "r",
            "--expires",
            "30d"
        ])
    );
    assert_snapshot!(
        "note_advisory_shell",
        env.snap(&[
            "note",
            "add",
            "--advisory",
            "RLSA-2024:1;id",
            "looked at it"
        ])
    );
    assert_eq!(count(&env, "SELECT count(*) FROM exceptions"), 0);
    // A real id is taken.
    env.ok(&[
        "exception",
        "add",
        "--advisory",
        "RLSA-2024:1234",
        "--reason",
        "r",
        "--expires",
        "30d",
    ]);
}

#[test]
fn advisory_search_takes_percent_and_underscore_literally() {
    let env = Env::init();
    env.ok(&["-q", "sync", "--from", &mirror_small(), "osv:Debian"]);
    let all = count(&env, "SELECT count(*) FROM advisories");
    assert!(all > 2, "{all}");
    let summaries_with = |c: &str| {
        count(
            &env,
            &format!(
                "SELECT count(*) FROM advisories WHERE instr(coalesce(summary, ''), '{c}') > 0 OR instr(advisory_id, '{c}') > 0"
            ),
        )
    };
    assert_eq!(summaries_with("%"), 0, "the mirror has no literal %");
    // One advisory whose summary holds a literal percent sign.
    let id: String = env
        .sqlite()
        .query_row(
            "SELECT advisory_id FROM advisories ORDER BY advisory_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    env.sqlite()
        .execute(
            "UPDATE advisories SET summary = 'CPU at 100% on a crafted header' WHERE advisory_id = ?1",
            [&id],
        )
        .unwrap();
    let found = |q: &str| -> Vec<String> {
        let out = env.ok(&["advisory", "search", q, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut ids: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap_or_default().to_string())
            .collect();
        ids.dedup();
        ids
    };
    assert_eq!(found("%"), std::slice::from_ref(&id));
    assert_eq!(found("100%"), std::slice::from_ref(&id));
    assert!(found("_").len() as i64 <= summaries_with("_"));
    assert_eq!(found("\\"), Vec::<String>::new());
    assert_snapshot!(
        "advisory_search_percent",
        env.snap(&["advisory", "search", "%"]).replace(&id, "[ID]")
    );
}

#[test]
fn csv_cells_never_start_a_formula() {
    let formula = "=HYPERLINK(\"http://x\",\"y\")";
    let env = pilot(formula);
    env.ok(&["host", "set", "p1", "--notes", formula]);
    env.ok(&[
        "exception",
        "add",
        "--package",
        "libssl3",
        "--reason",
        formula,
        "--expires",
        "2026-12-31",
    ]);
    env.ok(&["note", "add", "--package", "libssl3", "@SUM(1+1)"]);
    assert_snapshot!(
        "csv_exception_list",
        env.snap(&["exception", "list", "--format", "csv"])
    );
    assert_snapshot!(
        "csv_host_show",
        env.snap(&["host", "show", "p1", "--format", "csv"])
    );
    assert_snapshot!(
        "csv_note_list",
        env.snap(&["note", "list", "--format", "csv"])
    );
    // The report's cells from a host: its kernel, as an old database may hold it.
    env.sqlite()
        .execute(
            "UPDATE hosts SET kernel_running = '-1+cmd|'' /C calc''!A0'",
            [],
        )
        .unwrap();
    let report = env.ok(&["report", "--format", "csv"]);
    let row = report.lines().nth(1).unwrap();
    assert!(row.contains(",'-1+cmd|' /C calc'!A0,"), "{report}");
    // `host list --format csv` imports back unchanged: the mark is taken off.
    let csv = env.ok(&["host", "list", "--format", "csv"]);
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let to = Env::init();
    to.ok(&["group", "add", "pilot", "--order", "0"]);
    let file = to.file("hosts.csv", &csv);
    to.ok(&["host", "import", file.to_str().unwrap()]);
    let json = to.ok(&["host", "show", "p1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["notes"], formula);
    // JSON keeps the raw text.
    let json = env.ok(&["host", "show", "p1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["notes"], formula);
}
