//! `patchcycle vercmp deb|rpm|apk A B`, `… A OP B`, `… --stdin`.

use std::cmp::Ordering;
use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use crate::error::{Exit, Failure};
use crate::version::{Relation, Scheme, VercmpStreamError};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  patchcycle vercmp deb 1:2.0-1 2.0-1          prints >
  patchcycle vercmp rpm 1.0-1.el9 lt 1.0-2.el9 exits 0 (true) or 1 (false), like dpkg --compare-versions
  printf '1.0 1.1\\n' | patchcycle vercmp apk --stdin")]
pub struct VercmpArgs {
    /// Version rules: deb (dpkg), rpm (rpmvercmp), apk (apk-tools 2.14)
    pub scheme: Scheme,
    /// `A B`, or `A OP B` with OP one of lt le eq ne ge gt (also << <= = != >= >>)
    #[arg(allow_hyphen_values = true, num_args = 0..=3, value_name = "A [OP] B")]
    pub versions: Vec<String>,
    /// Read lines `A B` from standard input and print `<`, `=` or `>` for each
    #[arg(long, conflicts_with = "versions")]
    pub stdin: bool,
}

pub fn run(args: &VercmpArgs) -> Result<()> {
    let scheme = args.scheme;
    if args.stdin {
        let stdin = std::io::stdin().lock();
        let stdout = std::io::stdout().lock();
        return crate::version::vercmp_stream(scheme, stdin, stdout).map_err(|e| match e {
            VercmpStreamError::Io(io) => anyhow::Error::new(io),
            other => Failure::usage(other.to_string()).into(),
        });
    }
    if std::io::stdin().is_terminal() && args.versions.is_empty() {
        return Err(Failure::usage("give two versions, `A OP B`, or --stdin").into());
    }
    let compare = |a: &str, b: &str| -> Result<Ordering> {
        scheme.compare(a, b).map_err(|e| {
            let bad = if scheme.validate(a).is_err() { a } else { b };
            Failure::usage(format!("invalid {scheme} version {bad:?}: {e}")).into()
        })
    };
    match args.versions.as_slice() {
        [a, b] => {
            let symbol = match compare(a, b)? {
                Ordering::Less => "<",
                Ordering::Equal => "=",
                Ordering::Greater => ">",
            };
            crate::output::out_line(symbol)
        }
        [a, op, b] => {
            let rel: Relation = op.parse().map_err(|_| {
                Failure::usage(format!("unknown relation {op:?}"))
                    .hint("use lt, le, eq, ne, ge or gt (or <<, <=, =, !=, >=, >>)")
            })?;
            if rel.holds(compare(a, b)?) {
                Ok(())
            } else {
                // False is an answer, not an error: exit 1 without a message.
                Err(Failure::new(Exit::Gate, "").into())
            }
        }
        _ => Err(Failure::usage("give two versions, `A OP B`, or --stdin").into()),
    }
}
