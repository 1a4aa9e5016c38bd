//! The command line: one clap definition (the source of `--help`, completions and man
//! pages) and one file per subcommand.

pub mod advisory;
pub mod approve;
pub mod audit;
pub mod calendar;
pub mod complete;
pub mod cycle;
pub mod deploy;
pub mod doctor;
pub mod exception;
pub mod explain;
pub mod findings;
pub mod gate;
pub mod generate;
pub mod group;
pub mod host;
pub mod init;
pub mod note;
pub mod report;
pub mod rollback;
pub mod scan;
pub mod sync;
pub mod test;
pub mod vercmp;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::config::{self, Config, ConfigSource};
use crate::db::{Db, OpenMode};
use crate::error::Failure;
use crate::output::{Format, FormatParser, FormatSet, Style};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    done
  1    gate tripped (findings at/above --fail-on, approval refused, deploy halted,
       broken audit chain, failed doctor check)
  2    usage, configuration or input error
  3    runtime error (network, database, I/O)
  4    partial: finished, but some hosts failed or were unreachable
  130  interrupted";

/// The help heading of the options every command accepts, the same on every page (as
/// uv and gh show them).
pub const GLOBAL_OPTIONS: &str = "Global options";

/// Runs the monthly patch cycle of a server fleet: sync, scan, test, approve, deploy, report.
#[derive(Debug, Parser)]
#[command(name = "patchcycle", version, about, after_help = EXIT_CODES_HELP, max_term_width = 100)]
#[command(mut_subcommands(with_own_formats))]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]
    #[arg(long, global = true, env = "PATCHCYCLE_DB", hide_env_values = true, value_name = "PATH", help_heading = GLOBAL_OPTIONS)]
    pub db: Option<PathBuf>,
    /// Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]
    #[arg(long, global = true, env = "PATCHCYCLE_CONFIG", hide_env_values = true, value_name = "PATH", help_heading = GLOBAL_OPTIONS)]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(
        long,
        global = true,
        value_name = "FORMAT",
        default_value = "table",
        value_parser = FormatParser(FormatSet::Records),
        add = complete::formats(FormatSet::Records),
        help_heading = GLOBAL_OPTIONS
    )]
    pub format: Format,
    /// Print nothing but data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL_OPTIONS)]
    pub quiet: bool,
    /// Say more about what is done (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL_OPTIONS)]
    pub verbose: u8,
    /// No colours (also when NO_COLOR is set)
    #[arg(long, global = true, help_heading = GLOBAL_OPTIONS)]
    pub no_color: bool,
    /// Never page long output on a terminal (PAGER, default less -FRX)
    #[arg(long, global = true, help_heading = GLOBAL_OPTIONS)]
    pub no_pager: bool,
    /// Answer yes to every confirmation; required where no terminal can ask
    #[arg(short = 'y', long, global = true, help_heading = GLOBAL_OPTIONS)]
    pub yes: bool,
    /// Who is acting, for the audit log [default: $SUDO_USER, then $USER]
    #[arg(long, global = true, value_name = "NAME", help_heading = GLOBAL_OPTIONS)]
    pub actor: Option<String>,
}

/// `report` (every format), `audit export` (JSON, CSV), `exception export` (OpenVEX) and
/// `cycle show` (with Markdown) get their own `--format` (the exports' must be named, so
/// the global default is hidden); a test checks each command's values.
/// (`mut_subcommands` keeps the order of the commands, unlike `mut_subcommand`.)
fn with_own_formats(cmd: clap::Command) -> clap::Command {
    match cmd.get_name() {
        "report" => cmd.arg(format_arg(FormatSet::Report)),
        "audit" => cmd.mut_subcommands(|sub| match sub.get_name() {
            "export" => sub.arg(format_arg(FormatSet::Export).hide_default_value(true)),
            _ => sub,
        }),
        "exception" => cmd.mut_subcommands(|sub| match sub.get_name() {
            "export" => sub.arg(format_arg(FormatSet::Vex).hide_default_value(true)),
            _ => sub,
        }),
        "cycle" => cmd.mut_subcommands(|sub| match sub.get_name() {
            "show" => sub.arg(format_arg(FormatSet::Ticket)),
            _ => sub,
        }),
        _ => cmd,
    }
}

/// The global `--format` with the values of `set`. `report` (every format) and `audit
/// export` (JSON, CSV) have their own copy; clap then does not propagate the global one
/// to them, and the value still reaches [`GlobalArgs::format`], as global values do,
/// wherever it is typed.
fn format_arg(set: FormatSet) -> clap::Arg {
    let globals = GlobalArgs::augment_args(clap::Command::new("patchcycle"));
    let defined = globals
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .cloned()
        // GlobalArgs defines `format` just above; a test checks report's help lists it.
        .unwrap_or_else(|| clap::Arg::new("format").long("format"));
    defined
        .value_parser(FormatParser(set))
        .add(complete::formats(set))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the configuration file and the database (idempotent)
    Init(init::InitArgs),
    /// Check configuration, database and tools, and print what is wrong
    Doctor(doctor::DoctorArgs),
    /// Manage the inventory of hosts
    #[command(subcommand)]
    Host(host::HostCommand),
    /// Manage groups (rings): order, window, policy, contacts
    #[command(subcommand)]
    Group(group::GroupCommand),
    /// Show each group's next maintenance windows
    Calendar(calendar::CalendarArgs),
    /// Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database
    Sync(sync::SyncArgs),
    /// Collect packages, kernels and pending updates from hosts and match the catalogue
    Scan(scan::ScanArgs),
    /// List current findings (each host's latest scan), with filters and a CI gate
    Findings(findings::FindingsArgs),
    /// Explain why a host is, or is not, affected by an advisory
    Explain(explain::ExplainArgs),
    /// Manage exceptions: scoped risk acceptance with an expiry date
    #[command(subcommand)]
    Exception(exception::ExceptionCommand),
    /// Monthly cycles: freeze the patch set, follow each ring, close
    #[command(subcommand)]
    Cycle(cycle::CycleCommand),
    /// Put the cycle's patch set on the pilot ring, check health, record the result
    Test(test::TestArgs),
    /// Record a CAB decision for a group (gated by the lower rings)
    Approve(approve::ApproveArgs),
    /// Put the approved patches on a group: windows, waves, snapshots, health, halt
    Deploy(deploy::DeployArgs),
    /// Put a deployment's hosts back to their versions before it
    Rollback(rollback::RollbackArgs),
    /// Knowledge base: notes on advisories and packages
    #[command(subcommand)]
    Note(note::NoteCommand),
    /// Look up advisories in the catalogue
    #[command(subcommand)]
    Advisory(advisory::AdvisoryCommand),
    /// Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format
    Report(report::ReportArgs),
    /// Read, verify and export the hash-chained audit log
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Compare package versions exactly as dpkg, rpm or apk do
    Vercmp(vercmp::VercmpArgs),
}

/// What a command runs with: resolved paths, configuration, actor, output style.
pub struct Context {
    pub style: Style,
    pub config: Config,
    pub config_source: ConfigSource,
    pub db_path: PathBuf,
    pub actor: String,
    pub yes: bool,
}

impl Context {
    /// `creating_config`: `init` may be pointed at a config file it is about to write.
    pub fn new(g: &GlobalArgs, creating_config: bool) -> Result<Context> {
        let color = use_color(g.no_color);
        let style = Style {
            format: g.format,
            quiet: g.quiet,
            verbose: g.verbose,
            color,
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            stdin_tty: std::io::stdin().is_terminal(),
            width: crate::output::columns_from_env(),
            no_pager: g.no_pager,
        };
        crate::exec::trace_commands(style.verbose >= 2);
        let (config_path, explicit) = match &g.config {
            Some(p) => (p.clone(), true),
            None => (config::default_config_path()?, false),
        };
        let (config, config_source) = Config::load(&config_path, explicit && !creating_config)?;
        let db_path = match (&g.db, &config.db) {
            (Some(p), _) | (None, Some(p)) => p.clone(),
            (None, None) => config::default_db_path()?,
        };
        let actor = resolve_actor(g.actor.as_deref())?;
        Ok(Context {
            style,
            config,
            config_source,
            db_path,
            actor,
            yes: g.yes,
        })
    }

    /// Opens the existing database (every command but `init`).
    pub fn open_db(&self) -> Result<Db> {
        let db = Db::open(&self.db_path, OpenMode::Existing)?.0;
        self.warn_trigger_repairs(&db);
        Ok(db)
    }

    /// Says that opening restored the audit log's triggers. Said once: the repair is
    /// committed, the next open finds nothing to say.
    pub fn warn_trigger_repairs(&self, db: &Db) {
        if !db.trigger_repairs.is_empty() {
            self.style
                .warn(crate::db::trigger_repair_notice(&db.trigger_repairs));
        }
    }

    /// Asks for confirmation on a terminal; without one, `--yes` is required.
    pub fn confirm(&self, question: &str, what: &str) -> Result<bool> {
        if self.yes {
            return Ok(true);
        }
        if !(self.style.stdin_tty && self.style.stderr_tty) {
            return Err(Failure::usage(format!(
                "{what} needs confirmation, and no terminal can ask"
            ))
            .hint("pass --yes to confirm")
            .into());
        }
        // The prompt hides the cursor: a Ctrl-C must not leave it hidden.
        let _guard =
            crate::output::PromptGuard::new(&format!("error: interrupted, {what} not confirmed"));
        Ok(dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()?)
    }
}

/// Colour on stderr: only on a terminal, never with `--no-color` or a non-empty NO_COLOR.
pub fn use_color(no_color_flag: bool) -> bool {
    !no_color_flag
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal()
}

/// Who the audit log names: `--actor`, else `$SUDO_USER` (the person behind sudo),
/// `$USER`, `$LOGNAME`, else the passwd name of the process's uid (cron and systemd set
/// no `$USER`), else `uid N`: never a made-up name.
fn resolve_actor(flag: Option<&str>) -> Result<String> {
    let from_env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let actor = flag
        .map(str::to_string)
        .or_else(|| from_env("SUDO_USER"))
        .or_else(|| from_env("USER"))
        .or_else(|| from_env("LOGNAME"))
        .or_else(|| crate::account::current().map(|a| a.name))
        // SAFETY: getuid cannot fail.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }));
    if actor.trim().is_empty() || actor.len() > 128 || actor.chars().any(char::is_control) {
        return Err(Failure::usage(format!(
            "actor {actor:?} must be 1 to 128 characters without control characters"
        ))
        .into());
    }
    Ok(actor)
}

/// Parses nothing, runs the command: the entry point `main` calls.
pub fn run(cli: Cli) -> Result<()> {
    // vercmp needs neither configuration nor database.
    if let Command::Vercmp(args) = &cli.command {
        return vercmp::run(args);
    }
    let formats = match &cli.command {
        Command::Report(_) => FormatSet::Report,
        Command::Cycle(cycle::CycleCommand::Show(_)) => FormatSet::Ticket,
        Command::Exception(exception::ExceptionCommand::Export(_)) => FormatSet::Vex,
        _ => FormatSet::Records,
    };
    // Table, JSON and CSV reach every command: `exception export` refuses them itself,
    // naming its own format.
    if !cli.global.format.is_generic() && !formats.contains(cli.global.format) {
        return Err(crate::output::report_only(cli.global.format));
    }
    let ctx = Context::new(&cli.global, matches!(cli.command, Command::Init(_)))?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args),
        Command::Doctor(args) => doctor::run(&ctx, &args),
        Command::Host(cmd) => host::run(&ctx, cmd),
        Command::Group(cmd) => group::run(&ctx, cmd),
        Command::Calendar(args) => calendar::run(&ctx, &args),
        Command::Audit(cmd) => audit::run(&ctx, cmd),
        Command::Sync(args) => sync::run(&ctx, &args),
        Command::Advisory(cmd) => advisory::run(&ctx, cmd),
        Command::Scan(args) => scan::run(&ctx, &args),
        Command::Findings(args) => findings::run(&ctx, &args),
        Command::Explain(args) => explain::run(&ctx, &args),
        Command::Exception(cmd) => exception::run(&ctx, cmd),
        Command::Cycle(cmd) => cycle::run(&ctx, cmd),
        Command::Test(args) => test::run(&ctx, &args),
        Command::Approve(args) => approve::run(&ctx, &args),
        Command::Deploy(args) => deploy::run(&ctx, &args),
        Command::Rollback(args) => rollback::run(&ctx, &args),
        Command::Note(cmd) => note::run(&ctx, cmd),
        Command::Report(args) => report::run(&ctx, &args),
        Command::Vercmp(args) => vercmp::run(&args),
    }
}
