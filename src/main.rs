use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use clap_complete::CompleteEnv;
use patchcycle::cli::{self, Cli, generate};
use patchcycle::error;

fn main() -> ExitCode {
    // `COMPLETE=bash patchcycle -- …`: a shell asks for candidates; answer and exit.
    CompleteEnv::with_factory(Cli::command).complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let (result, color) = if generate::is_requested(&args) {
        let args = generate::GenerateArgs::parse_from(args.iter().skip(1));
        (generate::run(&args), cli::use_color(false))
    } else {
        let cli = Cli::parse_from(args);
        let color = cli::use_color(cli.global.no_color);
        (cli::run(cli), color)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprint!("{}", error::render(&err, color));
            ExitCode::from(error::exit_code_of(&err).code())
        }
    }
}
