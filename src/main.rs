use std::process::ExitCode;

use clap::Parser;
use patchcycle::cli::{self, Cli};
use patchcycle::error;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli::use_color(cli.global.no_color);
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprint!("{}", error::render(&err, color));
            ExitCode::from(error::exit_code_of(&err).code())
        }
    }
}
