//! Dynamic completion, driven the way a shell drives it: the completion script runs
//! `COMPLETE=bash _CLAP_COMPLETE_INDEX=N patchcycle -- WORDS…` and reads the candidates,
//! one per line here (`_CLAP_IFS`), from stdout. The candidates come from a real database.

mod common;

use std::path::Path;

use common::cli::Env;

/// Groups pilot and prod, hosts web1 and web10 in prod, db2 in no group; web1 scanned
/// (a Debian 12 host, so `sync` would take osv:Debian); an errata source in the config.
fn fleet() -> Env {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    env.ok(&["group", "add", "prod", "--order", "2"]);
    env.ok(&["-q", "host", "add", "web1", "-g", "prod"]);
    env.ok(&["-q", "host", "add", "web10", "-g", "prod"]);
    env.ok(&["-q", "host", "add", "db2"]);
    let collected =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/collect/bookworm-base.out");
    env.ok(&[
        "-q",
        "scan",
        "--import",
        collected.to_str().unwrap(),
        "--host",
        "web1",
    ]);
    let mut config = std::fs::read_to_string(env.config()).unwrap();
    config.push_str(
        "\n[[sync.errata]]\nname = \"rocky9\"\nurl = \"https://mirror.example/rocky/9/BaseOS/x86_64/os\"\necosystem = \"Rocky Linux:9\"\n",
    );
    std::fs::write(env.config(), config).unwrap();
    env
}

/// The candidates for the last word of `words` (the word under the cursor).
fn complete(env: &Env, words: &[&str]) -> Vec<String> {
    complete_with(env, words, &[])
}

fn complete_with(env: &Env, words: &[&str], vars: &[(&str, &str)]) -> Vec<String> {
    let mut args = vec!["--", "patchcycle"];
    args.extend_from_slice(words);
    let mut cmd = env.cmd(&args);
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .env("_CLAP_IFS", "\n");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{words:?}: {out:?}");
    assert!(
        out.stderr.is_empty(),
        "{words:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The options every command offers after its own.
const GLOBAL: &[&str] = &[
    "--db",
    "--config",
    "--format",
    "--quiet",
    "--verbose",
    "--no-color",
    "--no-pager",
    "--yes",
    "--actor",
];

fn with_globals(first: &[&str], own: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(GLOBAL)
        .chain(own)
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn host_names_come_from_the_database() {
    let env = fleet();
    assert_eq!(
        complete(&env, &["host", "show", ""]),
        with_globals(&["db2", "web1", "web10"], &["--help"])
    );
    assert_eq!(complete(&env, &["host", "show", "w"]), ["web1", "web10"]);
    assert_eq!(complete(&env, &["explain", "web1"]), ["web1", "web10"]);
    assert_eq!(complete(&env, &["findings", "--host", "d"]), ["db2"]);
    assert_eq!(
        complete(&env, &["rollback", "1", "--host", ""]),
        ["db2", "web1", "web10"]
    );
}

#[test]
fn group_names_come_from_the_database() {
    let env = fleet();
    assert_eq!(
        complete(&env, &["findings", "--group", ""]),
        ["pilot", "prod"]
    );
    assert_eq!(complete(&env, &["deploy", "-g", "pr"]), ["prod"]);
    assert_eq!(complete(&env, &["group", "rm", "p"]), ["pilot", "prod"]);
    assert_eq!(
        complete(&env, &["host", "add", "web2", "--group", ""]),
        ["pilot", "prod"]
    );
}

#[test]
fn cycle_names_come_from_the_database() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start", "2026-11", "--allow-stale"]);
    assert_eq!(complete(&env, &["report", "--cycle", ""]), ["2026-11"]);
    assert_eq!(complete(&env, &["cycle", "status", "2026"]), ["2026-11"]);
}

#[test]
fn the_database_is_the_one_the_command_line_names() {
    let env = fleet();
    let other = Env::init();
    other.ok(&["-q", "host", "add", "elsewhere"]);
    let other_db = other.db().display().to_string();
    assert_eq!(
        complete(&env, &["--db", &other_db, "host", "rm", "e"]),
        ["elsewhere"]
    );
    assert_eq!(
        complete(&env, &["host", "rm", &format!("--db={other_db}"), "e"]),
        ["elsewhere"]
    );
    assert_eq!(
        complete_with(&env, &["host", "rm", "e"], &[("PATCHCYCLE_DB", &other_db)]),
        ["elsewhere"]
    );
    // The default database has no such host.
    assert!(complete(&env, &["host", "rm", "e"]).is_empty());
}

#[test]
fn without_a_database_only_options_are_offered_and_nothing_is_created() {
    let env = Env::new();
    assert_eq!(
        complete(&env, &["host", "show", ""]),
        with_globals(&[], &["--help"])
    );
    assert!(!env.db().exists());
    assert!(!env.config().exists());
}

#[test]
fn sync_sources_are_those_sync_takes() {
    let env = fleet();
    assert_eq!(complete(&env, &["sync", "e"]), ["epss", "errata:rocky9"]);
    // The sync command's own options come before the global ones here (display order).
    let own = [
        "--from",
        "--mirror",
        "--export",
        "--status",
        "--allow-shrink",
        "--help",
    ];
    let sources = ["epss", "errata:rocky9", "kev", "msrc", "osv:Debian"];
    let want: Vec<&str> = sources.iter().chain(&own).chain(GLOBAL).copied().collect();
    assert_eq!(complete(&env, &["sync", "kev", ""]), want);
    assert_eq!(complete(&env, &["sync", "o"]), ["osv:Debian"]);
}

#[test]
fn formats_are_those_the_command_accepts() {
    let env = fleet();
    assert_eq!(
        complete(&env, &["findings", "--format", ""]),
        ["table", "json", "csv"]
    );
    assert!(complete(&env, &["findings", "--format", "h"]).is_empty());
    assert_eq!(complete(&env, &["--format", "c"]), ["csv"]);
    assert_eq!(
        complete(&env, &["report", "--format", ""]),
        [
            "table",
            "json",
            "csv",
            "junit",
            "sarif",
            "markdown",
            "html",
            "prometheus"
        ]
    );
    assert_eq!(complete(&env, &["report", "--format", "h"]), ["html"]);
    assert_eq!(
        complete(&env, &["audit", "export", "--format", ""]),
        ["json", "csv"]
    );
}

#[test]
fn the_generate_command_is_never_offered() {
    let env = fleet();
    assert!(complete(&env, &["ge"]).is_empty());
    assert_eq!(complete(&env, &["g"]), ["group"]);
    assert!(!complete(&env, &[""]).iter().any(|c| c == "generate"));
}

#[test]
fn the_registration_script_calls_the_binary_back() {
    let env = Env::new();
    for (shell, line) in [
        (
            "bash",
            "complete -o nospace -o bashdefault -o nosort -F _clap_complete_patchcycle patchcycle",
        ),
        ("zsh", "#compdef patchcycle"),
        (
            "fish",
            "complete --keep-order --exclusive --command patchcycle --arguments",
        ),
    ] {
        let out = env.cmd(&[]).env("COMPLETE", shell).output().unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(line), "{shell}:\n{script}");
        assert!(
            script.contains(&format!("COMPLETE=\"{shell}\""))
                || script.contains(&format!("COMPLETE={shell}")),
            "{shell}:\n{script}"
        );
    }
}

#[test]
fn zsh_and_fish_get_the_same_names() {
    let env = fleet();
    for shell in ["zsh", "fish"] {
        let out = env
            .cmd(&["--", "patchcycle", "host", "show", "w"])
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "3")
            .env("_CLAP_IFS", "\n")
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let names: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(names, ["web1", "web10"], "{shell}");
    }
}

#[test]
fn a_database_of_another_schema_is_left_alone() {
    let env = fleet();
    env.sqlite()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert_eq!(
        complete(&env, &["host", "show", ""]),
        with_globals(&[], &["--help"])
    );
    let version: i64 = env
        .sqlite()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn deployment_ids_come_from_the_database_in_order() {
    let env = fleet();
    env.ok(&["-q", "cycle", "start", "2026-11", "--allow-stale"]);
    let db = env.sqlite();
    for id in [2, 10] {
        db.execute(
            "INSERT INTO deployments (id, cycle_id, group_id, kind, state, actor, plan, started) \
             SELECT ?1, c.id, g.id, 'deploy', 'done', 'tester', '{}', '2026-11-10T09:00:00Z' \
             FROM cycles c, groups g WHERE c.name = '2026-11' AND g.name = 'prod'",
            [id],
        )
        .unwrap();
    }
    assert_eq!(complete(&env, &["rollback", ""])[..2], ["2", "10"]);
    assert_eq!(complete(&env, &["rollback", "1"]), ["10"]);
}
