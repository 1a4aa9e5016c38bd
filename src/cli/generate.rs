//! Hidden `patchcycle generate --out DIR`: completions and man pages from the clap
//! definition, so they can never disagree with `--help`. A test regenerates them and
//! fails when the committed copies are stale (BLESS=1 rewrites them).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory to write completions/ and man/ into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &GenerateArgs) -> Result<()> {
    write_all(&args.out)
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

    let mut cmd = Cli::command();
    cmd.build();
    write_man(&cmd, &man_dir, "patchcycle")?;
    Ok(())
}

/// One page per command and subcommand: patchcycle.1, patchcycle-host.1,
/// patchcycle-host-add.1, …
fn write_man(cmd: &clap::Command, dir: &Path, name: &str) -> Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    fs::write(dir.join(format!("{name}.1")), buf)?;
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        write_man(sub, dir, &format!("{name}-{}", sub.get_name()))?;
    }
    Ok(())
}
