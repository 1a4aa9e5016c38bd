//! Exit codes and the error type that carries one.
//!
//! Every command returns `anyhow::Result`; the code a process exits with is decided once,
//! in [`exit_code_of`], from a [`Failure`] somewhere in the error chain or, failing that,
//! from the kind of the underlying error (database and I/O errors are runtime errors).

use std::fmt;

/// The process exit codes, as documented in README.md and ARCHITECTURE.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// A gate tripped: findings at/above `--fail-on`, approval refused by policy,
    /// deploy halted, a broken audit chain, a failed doctor check.
    Gate = 1,
    /// Usage, configuration or input error.
    Usage = 2,
    /// Runtime error: network, database, I/O.
    Runtime = 3,
    /// Finished, but some hosts failed or were unreachable.
    Partial = 4,
    /// Interrupted (SIGINT).
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// An error that knows its exit code and, where one helps, a hint for the user.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
    pub source: Option<anyhow::Error>,
    /// Further lines shown as `Caused by:` (e.g. every invalid row of an import).
    pub details: Vec<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            hint: None,
            source: None,
            details: Vec::new(),
        }
    }

    /// A usage, configuration or input error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// A runtime error (exit 3).
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(Exit::Runtime, message)
    }

    /// A tripped gate (exit 1).
    pub fn gate(message: impl Into<String>) -> Self {
        Self::new(Exit::Gate, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// Attaches the underlying error, shown as `Caused by:`.
    pub fn source(mut self, source: impl Into<anyhow::Error>) -> Self {
        self.source = Some(source.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e.as_ref() as _)
    }
}

/// Shorthand for `Err(Failure::usage(..).into())`.
pub fn usage<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::usage(message).into())
}

/// The exit code for an error chain.
pub fn exit_code_of(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return f.exit;
        }
    }
    for cause in err.chain() {
        if cause.downcast_ref::<toml::de::Error>().is_some()
            || cause.downcast_ref::<serde_json::Error>().is_some()
            || cause.downcast_ref::<csv::Error>().is_some()
        {
            return Exit::Usage;
        }
    }
    Exit::Runtime
}

/// The hint of the first [`Failure`] in the chain that has one.
pub fn hint_of(err: &anyhow::Error) -> Option<&str> {
    err.chain()
        .filter_map(|c| c.downcast_ref::<Failure>())
        .find_map(|f| f.hint.as_deref())
}

/// Renders an error as `error: …`, `Caused by: …` lines and `hint: …`.
pub fn render(err: &anyhow::Error, color: bool) -> String {
    let (red, yellow, bold, reset) = if color {
        ("\x1b[1;31m", "\x1b[1;33m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    // An answer given by exit code alone (`vercmp A lt B` is false) prints nothing.
    if err.chain().count() == 1
        && err
            .downcast_ref::<Failure>()
            .is_some_and(|f| f.message.is_empty())
    {
        return out;
    }
    let mut chain = err.chain();
    if let Some(top) = chain.next() {
        out.push_str(&format!(
            "{red}error:{reset} {}\n",
            one_line(&top.to_string())
        ));
    }
    for cause in chain {
        out.push_str(&format!(
            "{bold}Caused by:{reset} {}\n",
            one_line(&cause.to_string())
        ));
    }
    for f in err.chain().filter_map(|c| c.downcast_ref::<Failure>()) {
        for d in &f.details {
            out.push_str(&format!("{bold}Caused by:{reset} {}\n", one_line(d)));
        }
    }
    if let Some(hint) = hint_of(err) {
        out.push_str(&format!("{yellow}hint:{reset} {}\n", one_line(hint)));
    }
    out
}

/// Errors from libraries (toml, csv) span lines; the contract is one line per entry.
/// Errors quote hosts and feeds (a failed host's stderr): escape sequences and control
/// characters are removed ([`crate::text::one_line`]).
fn one_line(s: &str) -> String {
    let parts: Vec<&str> = s
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    crate::text::one_line(&parts.join(" ")).into_owned()
}

/// A closed stdout (`patchcycle host list | head`) ends the command quietly, as in
/// other Unix tools; it is not an error worth a message.
///
/// serde_json and csv wrap the `io::Error` of their writer without exposing it as a
/// `source()`, so they are asked for their I/O error kind directly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe_closed() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::BrokenPipe)
    }

    /// An error quoting a host's stderr: the terminal gets no escape sequence from it,
    /// in the message, the causes or the hint, while the colours of the labels stay.
    #[test]
    fn a_rendered_error_carries_no_escape_sequence_of_its_text() {
        let hostile = "h1 (ssh: \u{1b}]0;PWNED\u{7}\u{1b}[2Jdenied)";
        let err: anyhow::Error = Failure::new(Exit::Partial, hostile)
            .details(vec![format!("line 2: {hostile}")])
            .hint(hostile)
            .into();
        assert_eq!(
            render(&err, false),
            "error: h1 (ssh: denied)\nCaused by: line 2: h1 (ssh: denied)\nhint: h1 (ssh: denied)\n"
        );
        let colored = render(&err, true);
        assert!(
            !colored.contains('\u{7}') && !colored.contains("PWNED"),
            "{colored:?}"
        );
        assert!(colored.starts_with("\u{1b}[1;31merror:\u{1b}[0m h1"));
    }

    /// The writers of JSON and CSV hide the I/O error inside their own; a closed pipe is
    /// still recognised through them, and through context added on top.
    #[test]
    fn a_closed_pipe_is_recognised_through_every_writer() {
        let plain = anyhow::Error::new(pipe_closed()).context("writing the report");
        assert!(is_broken_pipe(&plain));
        let json = anyhow::Error::new(serde_json::Error::io(pipe_closed()));
        assert!(is_broken_pipe(&json));
        let csv = anyhow::Error::new(csv::Error::from(pipe_closed())).context("host list");
        assert!(is_broken_pipe(&csv));
        let wrapped: anyhow::Error = Failure::runtime("cannot write to stdout")
            .source(serde_json::Error::io(pipe_closed()))
            .into();
        assert!(is_broken_pipe(&wrapped));
    }

    #[test]
    fn other_io_errors_are_not_a_closed_pipe() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(!is_broken_pipe(&anyhow::Error::new(serde_json::Error::io(
            full
        ))));
        let parse = serde_json::from_str::<u8>("x").expect_err("not a number");
        assert!(!is_broken_pipe(&anyhow::Error::new(parse)));
        let other = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(!is_broken_pipe(&anyhow::Error::new(csv::Error::from(
            other
        ))));
    }
}
