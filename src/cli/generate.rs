//! `patchcycle generate --out DIR`, for packagers: completions and man pages from the clap
//! definition, so they can never disagree with `--help`. A test regenerates them and fails
//! when the committed copies are stale (BLESS=1 rewrites them).
//!
//! `generate` is parsed apart from [`Cli`], so no help page, man page or completion (static
//! or dynamic) ever offers it.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{CommandFactory, Parser};
use clap_complete::Shell;
use roff::{Roff, bold, italic, roman};

use super::{Cli, EXIT_CODES_HELP};

/// Write shell completions and man pages (for packagers)
#[derive(Debug, Parser)]
#[command(
    name = "patchcycle generate",
    bin_name = "patchcycle generate",
    max_term_width = 100
)]
pub struct GenerateArgs {
    /// Directory to write completions/ and man/ into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Whether the command line is `patchcycle generate …`.
pub fn is_requested(args: &[OsString]) -> bool {
    args.get(1).is_some_and(|a| a == "generate")
}

pub fn run(args: &GenerateArgs) -> Result<()> {
    write_all(&args.out)
}

/// An environment variable patchcycle (or its completion) reads, for ENVIRONMENT.
pub struct EnvVar {
    pub name: &'static str,
    pub what: &'static str,
}

/// Every environment variable the program reads; a test checks the sources read no other.
pub const ENVIRONMENT: &[EnvVar] = &[
    EnvVar {
        name: "PATCHCYCLE_DB",
        what: "The database, when --db is not given.",
    },
    EnvVar {
        name: "PATCHCYCLE_CONFIG",
        what: "The configuration file, when --config is not given.",
    },
    EnvVar {
        name: "PATCHCYCLE_NOW",
        what: "Fixes the clock (RFC 3339, e.g. 2026-11-10T09:00:00Z): ages, due dates, \
               windows and audit times are computed from it. For tests and reproducible \
               reports.",
    },
    EnvVar {
        name: "TZ",
        what: "The time zone of date-only flags and shown days when the config sets no \
               time_zone (then /etc/localtime, else UTC).",
    },
    EnvVar {
        name: "NO_COLOR",
        what: "When set and not empty, no colours (as --no-color).",
    },
    EnvVar {
        name: "COLUMNS",
        what: "The width tables are fitted to, also when stdout is not a terminal \
               (else the terminal's on a terminal, and no wrapping off one).",
    },
    EnvVar {
        name: "PAGER",
        what: "The pager of long output on a terminal (advisory show), run by sh -c; \
               default less -FRX; empty or cat: none (as --no-pager).",
    },
    EnvVar {
        name: "XDG_CONFIG_HOME",
        what: "Base directory of the default configuration file (default: ~/.config).",
    },
    EnvVar {
        name: "XDG_DATA_HOME",
        what: "Base directory of the default database (default: ~/.local/share).",
    },
    EnvVar {
        name: "XDG_RUNTIME_DIR",
        what: "Where the SSH ControlMaster sockets go ($XDG_RUNTIME_DIR/patchcycle); \
               without it, /tmp/patchcycle-UID.",
    },
    EnvVar {
        name: "HOME",
        what: "Base of the default paths when an XDG variable is unset or not absolute.",
    },
    EnvVar {
        name: "SUDO_USER",
        what: "The actor recorded in the audit log when --actor is not given.",
    },
    EnvVar {
        name: "USER",
        what: "The actor recorded in the audit log when neither --actor nor SUDO_USER is \
               given.",
    },
    EnvVar {
        name: "LOGNAME",
        what: "The actor when --actor, SUDO_USER and USER are not set (then the name of the \
               process's uid, as under cron or systemd).",
    },
    EnvVar {
        name: "COMPLETE",
        what: "Set to a shell (bash, zsh, fish, elvish, powershell): patchcycle prints that \
               shell's completion script, or answers the shell's completion request, and \
               exits. E.g. source <(COMPLETE=bash patchcycle) in ~/.bashrc.",
    },
];

/// The files patchcycle reads and writes, for FILES.
const FILES: &[(&str, &str)] = &[
    (
        "$XDG_CONFIG_HOME/patchcycle/config.toml",
        "The configuration (written by patchcycle init; --config or PATCHCYCLE_CONFIG \
         names another).",
    ),
    (
        "$XDG_DATA_HOME/patchcycle/patchcycle.db",
        "The SQLite database: inventory, catalogue, scans, findings, cycles, deployments \
         and the audit log (mode 0600); DB below. SQLite keeps DB-wal and DB-shm beside it \
         while it is in use. The config's db key, --db or PATCHCYCLE_DB names another.",
    ),
    (
        "DB.feeds/",
        "Beside the database: the raw files of the last good import of each sync source \
         (what sync --export copies); mode 0700, files 0600. DB.feeds/.tmp/ holds the \
         downloads in progress; the next sync removes what a killed one left there.",
    ),
    (
        "DB.deploy-GROUP_ID.lock",
        "Beside the database: held (flock) while a deployment of that group runs, so two \
         never run at once.",
    ),
    (
        "$XDG_RUNTIME_DIR/patchcycle/",
        "SSH ControlMaster sockets (/tmp/patchcycle-UID/ without XDG_RUNTIME_DIR); a \
         private directory of the user.",
    ),
    (
        "/var/cache/patchcycle/rollback/DEPLOYMENT/",
        "On the managed hosts: the packages a deployment replaced, kept for rollback until \
         cycle close --cleanup.",
    ),
];

/// What roff's `render` puts first (and clap_mangen's pages start with).
const ROFF_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// The exit codes of [`EXIT_CODES_HELP`] as (code, meaning) pairs: a line that starts
/// with a code begins an entry, deeper-indented lines continue it.
pub fn exit_codes() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in EXIT_CODES_HELP.lines().skip(1) {
        let text = line.trim();
        let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        if !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) {
            out.push((first.to_string(), rest.trim().to_string()));
        } else if let Some((_, meaning)) = out.last_mut() {
            meaning.push(' ');
            meaning.push_str(text);
        }
    }
    out
}

/// Writes `DIR/completions/*` and `DIR/man/*.1`.
pub fn write_all(out: &Path) -> Result<()> {
    let comp_dir = out.join("completions");
    let man_dir = out.join("man");
    fs::create_dir_all(&comp_dir).with_context(|| format!("creating {}", comp_dir.display()))?;
    fs::create_dir_all(&man_dir).with_context(|| format!("creating {}", man_dir.display()))?;

    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "patchcycle", &mut buf);
        let name = match shell {
            Shell::Bash => "patchcycle.bash",
            Shell::Zsh => "_patchcycle",
            Shell::Fish => "patchcycle.fish",
            Shell::PowerShell => "_patchcycle.ps1",
            _ => "patchcycle.elv",
        };
        fs::write(comp_dir.join(name), buf)?;
    }

    // `help` subcommands have no page of their own: a man page must not point at them.
    let mut cmd = without_help_subcommand(Cli::command());
    cmd.build();
    // The top page's exit codes are its EXIT STATUS section.
    let top = cmd.clone().after_help(None::<&'static str>);
    write_man(&top, &man_dir, "patchcycle", None)?;
    Ok(())
}

fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommand)
}

/// One page per command and subcommand: patchcycle.1, patchcycle-host.1,
/// patchcycle-host-add.1, …
fn write_man(cmd: &clap::Command, dir: &Path, name: &str, parent: Option<&str>) -> Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    let generated = String::from_utf8(buf).context("clap_mangen wrote a page that is not UTF-8")?;
    fs::write(
        dir.join(format!("{name}.1")),
        with_sections(&generated, parent),
    )?;
    for sub in cmd.get_subcommands() {
        write_man(sub, dir, &format!("{name}-{}", sub.get_name()), Some(name))?;
    }
    Ok(())
}

/// The page with EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO added after the command's
/// own sections (before VERSION and AUTHORS, which close a page).
fn with_sections(page: &str, parent: Option<&str>) -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_codes() {
        roff.control("TP", [])
            .text([bold(code)])
            .text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for var in ENVIRONMENT {
        roff.control("TP", [])
            .text([bold(var.name)])
            .text([roman(var.what)]);
    }
    roff.control("SH", ["FILES"]);
    for (path, what) in FILES {
        roff.control("TP", [])
            .text([italic(*path)])
            .text([roman(*what)]);
    }
    if let Some(parent) = parent {
        roff.control("SH", ["SEE ALSO"]);
        let mut refs = vec![bold(parent), roman("(1)")];
        if parent != "patchcycle" {
            refs.extend([roman(", "), bold("patchcycle"), roman("(1)")]);
        }
        roff.text(refs);
    }
    // `render` escapes apostrophes through a string the page's preamble defines; the
    // page has that preamble already.
    let rendered = roff.render();
    let sections = rendered.strip_prefix(ROFF_PREAMBLE).unwrap_or(&rendered);
    match page.find("\n.SH VERSION") {
        Some(at) => format!("{}\n{sections}{}", &page[..at], &page[at + 1..]),
        None => format!("{page}{sections}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_read_from_the_help_text() {
        let codes = exit_codes();
        let numbers: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(numbers, ["0", "1", "2", "3", "4", "130"]);
        assert_eq!(
            codes[1].1,
            "gate tripped (findings at/above --fail-on, approval refused, deploy halted, \
             broken audit chain, failed doctor check)"
        );
    }
}
