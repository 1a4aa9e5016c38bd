//! Help pages: every argument is described, global options sit under their own heading
//! (the same on every page), and `--format` lists only the values the command accepts.

mod common;

use clap::CommandFactory;
use common::cli::Env;
use insta::assert_snapshot;
use patchcycle::cli::{Cli, GLOBAL_OPTIONS};

/// Every command and subcommand with its path ("host add"), `help` excluded.
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = format!("{path} {}", sub.get_name()).trim().to_string();
            out.push((p.clone(), sub.clone()));
            walk(sub, &p, out);
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = vec![(String::new(), cmd.clone())];
    walk(&cmd, "", &mut out);
    out
}

#[test]
fn every_argument_has_a_description() {
    let mut missing = Vec::new();
    for (path, cmd) in commands() {
        for arg in cmd.get_arguments() {
            let has_help = arg
                .get_help()
                .is_some_and(|h| !h.to_string().trim().is_empty())
                || arg
                    .get_long_help()
                    .is_some_and(|h| !h.to_string().trim().is_empty());
            if !has_help && !arg.is_hide_set() {
                missing.push(format!("patchcycle {path}: {}", arg.get_id()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "arguments without help:\n{}",
        missing.join("\n")
    );
}

/// Renders one page's `-h` as clap does.
fn short_help(cmd: &clap::Command) -> String {
    cmd.clone().render_help().to_string()
}

/// The "Global options:" block of a help page, up to the next blank line or heading.
fn global_block(help: &str) -> Option<String> {
    let start = help.find(&format!("{GLOBAL_OPTIONS}:\n"))?;
    let block: Vec<&str> = help[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect();
    Some(block.join("\n"))
}

#[test]
fn global_options_are_the_same_block_on_every_page() {
    let all = commands();
    let top = global_block(&short_help(&all[0].1)).expect("top page has Global options");
    for name in [
        "--db",
        "--config",
        "--format",
        "--quiet",
        "--verbose",
        "--no-color",
        "--yes",
        "--actor",
    ] {
        assert!(top.contains(name), "Global options lack {name}:\n{top}");
    }
    for (path, cmd) in &all {
        let help = short_help(cmd);
        let block = global_block(&help)
            .unwrap_or_else(|| panic!("`patchcycle {path} -h` has no {GLOBAL_OPTIONS}:\n{help}"));
        // report, audit export, exception export and cycle show take other formats; their
        // blocks differ in the --format entry only.
        let (want, got) = if ["report", "audit export", "exception export", "cycle show"]
            .contains(&path.as_str())
        {
            (without_format(&top), without_format(&block))
        } else {
            (top.clone(), block)
        };
        assert_eq!(got, want, "`patchcycle {path} -h`");
        // And no global option is listed under another heading too.
        let before = &help[..help.find(GLOBAL_OPTIONS).unwrap()];
        assert!(
            !before.contains("--actor") && !before.contains("--no-color"),
            "`patchcycle {path} -h`"
        );
    }
}

/// The block without the lines of the `--format` entry.
fn without_format(block: &str) -> String {
    let mut out = Vec::new();
    let mut in_format = false;
    for line in block.lines() {
        let starts_entry = line.trim_start().starts_with('-');
        if starts_entry {
            in_format = line.contains("--format");
        }
        if !in_format {
            out.push(line);
        }
    }
    out.join("\n")
}

#[test]
fn format_lists_only_the_values_a_command_accepts() {
    let records = ["table", "json", "csv"];
    let report = [
        "table",
        "json",
        "csv",
        "junit",
        "sarif",
        "markdown",
        "html",
        "prometheus",
    ];
    for (path, cmd) in commands() {
        let format = cmd
            .get_arguments()
            .find(|a| a.get_id() == "format")
            .unwrap_or_else(|| panic!("`patchcycle {path}` has no --format"));
        assert_eq!(format.get_help_heading(), Some(GLOBAL_OPTIONS), "{path}");
        let shown: Vec<String> = format
            .get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        let want: &[&str] = match path.as_str() {
            "report" => &report,
            "audit export" => &["json", "csv"],
            "exception export" => &["openvex"],
            "cycle show" => &["table", "json", "csv", "markdown"],
            _ => &records,
        };
        assert_eq!(shown, want, "`patchcycle {path} --format`");
    }
}

#[test]
fn help_headings_of_vercmp() {
    assert_snapshot!(Env::new().snap(&["vercmp", "--help"]));
}

#[test]
fn help_headings_of_host_add() {
    assert_snapshot!(Env::new().snap(&["host", "add", "--help"]));
}

#[test]
fn help_headings_of_report() {
    assert_snapshot!(Env::new().snap(&["report", "--help"]));
}

#[test]
fn help_of_audit_export_offers_json_and_csv() {
    assert_snapshot!(Env::new().snap(&["audit", "export", "-h"]));
}

#[test]
fn help_headings_of_a_parent_command() {
    assert_snapshot!(Env::new().snap(&["group", "-h"]));
}

#[test]
fn help_describes_explain_host_and_group_add_name() {
    let env = Env::new();
    assert_snapshot!(format!(
        "{}\n{}",
        env.snap(&["explain", "-h"]),
        env.snap(&["group", "add", "-h"])
    ));
}

#[test]
fn format_before_or_after_the_subcommand() {
    let env = Env::init();
    env.ok(&["-q", "host", "add", "web1"]);
    let after = env.ok(&["host", "list", "--format", "json"]);
    let before = env.ok(&["--format", "json", "host", "list"]);
    assert_eq!(after, before);
    assert!(after.contains("\"name\": \"web1\""), "{after}");
    let report_after = env.ok(&["report", "--format", "markdown"]);
    let report_before = env.ok(&["--format", "markdown", "report"]);
    assert!(report_after.starts_with("# "), "{report_after}");
    assert_eq!(report_after, report_before);
}

#[test]
fn a_report_format_elsewhere_is_refused_with_a_reason() {
    let env = Env::init();
    assert_snapshot!(format!(
        "{}\n{}\n{}",
        env.snap(&["findings", "--format", "html"]),
        env.snap(&["--format", "sarif", "host", "list"]),
        env.snap(&["host", "list", "--format", "xml"])
    ));
}
