//! Output of records as a table, JSON or CSV.
//!
//! JSON is the serde form of the record (field names are the contract). CSV has the same
//! columns as the JSON's top-level fields, in the same order: arrays are joined with `;`,
//! objects are embedded as JSON, null is empty. Tables show the columns a person needs.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use serde::Serialize;
use serde_json::Value;

/// `--format`. The formats after `csv` are those of `report` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    // Aligned columns for people
    #[default]
    Table,
    // The records as JSON (field names are the contract)
    Json,
    // The JSON's top-level fields as CSV columns
    Csv,
    // JUnit XML, one test case per host
    Junit,
    // SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    // Markdown, for tickets and wikis
    Markdown,
    // One self-contained HTML file
    Html,
    // Prometheus text format, for node_exporter's textfile collector
    Prometheus,
    // OpenVEX 0.2.0, for `exception export`
    Openvex,
}

/// The formats a command accepts; its `--format` help and completion list only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatSet {
    /// Lists and records: table, JSON, CSV (every command)
    Records,
    /// `report`: every format
    Report,
    /// `audit export`: JSON or CSV (evidence is for machines)
    Export,
    /// `exception export`: OpenVEX
    Vex,
    /// `cycle show`: the records' formats and Markdown (the patch set goes to the CAB's
    /// ticket)
    Ticket,
}

impl FormatSet {
    pub fn formats(self) -> &'static [Format] {
        match self {
            FormatSet::Records => &[Format::Table, Format::Json, Format::Csv],
            FormatSet::Report => &[
                Format::Table,
                Format::Json,
                Format::Csv,
                Format::Junit,
                Format::Sarif,
                Format::Markdown,
                Format::Html,
                Format::Prometheus,
            ],
            FormatSet::Export => &[Format::Json, Format::Csv],
            FormatSet::Vex => &[Format::Openvex],
            FormatSet::Ticket => &[Format::Table, Format::Json, Format::Csv, Format::Markdown],
        }
    }

    pub fn contains(self, format: Format) -> bool {
        self.formats().contains(&format)
    }
}

/// The value parser of `--format`: it accepts every format, because `--format` may come
/// before the subcommand (`patchcycle --format html report`), but shows only those of
/// its set in help, errors and completion; a format of another set is refused at run
/// time with a reason ([`report_only`]).
#[derive(Debug, Clone, Copy)]
pub struct FormatParser(pub FormatSet);

impl FormatParser {
    fn possible(self) -> impl Iterator<Item = PossibleValue> {
        Format::value_variants()
            .iter()
            .filter_map(move |f| f.to_possible_value().map(|v| v.hide(!self.0.contains(*f))))
    }

    /// The names of the set that start with `prefix` (for shell completion).
    pub fn names_starting_with(self, prefix: &str) -> Vec<&'static str> {
        self.0
            .formats()
            .iter()
            .map(|f| f.name())
            .filter(|name| name.starts_with(prefix))
            .collect()
    }
}

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        let name = PossibleValuesParser::new(self.possible()).parse_ref(cmd, arg, value)?;
        let ignore_case = arg.is_some_and(clap::Arg::is_ignore_case_set);
        Format::from_str(&name, ignore_case)
            .map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, e))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.possible()))
    }
}

impl Format {
    /// The `--format` value as typed.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Prometheus => "prometheus",
            Format::Openvex => "openvex",
        }
    }

    /// Table, JSON and CSV: the formats of every command.
    pub fn is_generic(self) -> bool {
        FormatSet::Records.contains(self)
    }
}

pub fn report_only(format: Format) -> anyhow::Error {
    let commands = if format == Format::Openvex {
        "`patchcycle exception export`"
    } else if FormatSet::Ticket.contains(format) {
        "`patchcycle report` and `cycle show`"
    } else {
        "`patchcycle report`"
    };
    crate::error::Failure::usage(format!(
        "--format {} is a format of {commands} only",
        format.name()
    ))
    .hint("use --format table, json or csv here")
    .into()
}

/// Terminal facts every command needs for output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub stdin_tty: bool,
    /// The width tables are fitted to when it is given (`COLUMNS`, as `ls` and git take
    /// it, also when stdout is not a terminal); otherwise the terminal's on a TTY.
    pub width: Option<u16>,
    /// `--no-pager`: long output is never paged.
    pub no_pager: bool,
}

/// The pager long output goes through on a terminal, as git runs its own: stdout (fd 1)
/// is the pager's stdin until this is dropped, which flushes, points fd 1 at /dev/null
/// (closing the pipe: the pager sees the end of its input, and nothing left in stdout's
/// buffer after a quit pager reaches the terminal later) and waits for the pager to quit.
/// So it is started for a command's last output. A pager that quits before the end (`q`
/// in less) makes writes fail with a broken pipe, which commands end on quietly
/// ([`unless_stdout_closed`]).
pub struct Pager {
    child: std::process::Child,
}

impl Pager {
    /// Starts `PAGER` (`sh -c`, as git does; `less -FRX` when unset: it quits at once
    /// when the text fits on the screen and keeps colours and the screen as they are)
    /// when stdout is a terminal, the output a table and `--no-pager` not given. None
    /// when output goes straight to stdout: not a terminal, an empty `PAGER` or `cat`, or
    /// a pager that could not be started.
    pub fn start(style: &Style) -> Option<Pager> {
        use std::os::fd::AsRawFd;
        if style.no_pager || !style.stdout_tty || style.format != Format::Table {
            return None;
        }
        let command = match std::env::var("PAGER") {
            Ok(p) if p.trim().is_empty() || p.trim() == "cat" => return None,
            Ok(p) => p,
            Err(_) => "less -FRX".to_string(),
        };
        std::io::stdout().flush().ok()?;
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(&command)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let pipe = child.stdin.take()?;
        // SAFETY: dup2 onto fd 1 of a descriptor this process owns.
        if unsafe { libc::dup2(pipe.as_raw_fd(), 1) } < 0 {
            drop(pipe);
            let _ = child.wait();
            return None;
        }
        // fd 1 holds the pipe now; this copy is not needed.
        drop(pipe);
        Some(Pager { child })
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        let _ = std::io::stdout().flush();
        if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
            // SAFETY: dup2 onto fd 1 of a descriptor this process owns.
            unsafe { libc::dup2(null.as_raw_fd(), 1) };
        } else {
            // SAFETY: closing fd 1 ends the pager's input all the same.
            unsafe { libc::close(1) };
        }
        // Ctrl-C while reading is for the pager (less ignores it): not a reason to leave
        // it on the terminal without its parent.
        // SAFETY: signal dispositions, the old one put back after the wait.
        let old = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
        let _ = self.child.wait();
        unsafe { libc::signal(libc::SIGINT, old) };
    }
}

/// The table width `COLUMNS` asks for: a positive number, else none.
pub fn columns_from_env() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
}

impl Style {
    /// A status line on stderr ("added host web1"), dropped under `-q`.
    pub fn status(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", crate::text::lines(msg.as_ref()));
        }
    }

    /// Progress under `-v` (`level` 1: per host, with timings) and details under `-vv`
    /// (`level` 2: command lines, sizes), on stderr. `-q` and `-v` exclude each other.
    pub fn verbose(&self, level: u8, msg: impl AsRef<str>) {
        if !self.quiet && self.verbose >= level {
            eprintln!("{}", crate::text::lines(msg.as_ref()));
        }
    }

    /// A warning on stderr; shown even under `-q`.
    pub fn warn(&self, msg: impl AsRef<str>) {
        let (y, r) = if self.color {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("", "")
        };
        // Warnings quote hosts and feeds; the colour is added after the text is cleaned.
        eprintln!("{y}warning:{r} {}", crate::text::lines(msg.as_ref()));
    }
}

/// While a prompt owns the terminal (dialoguer hides the cursor while it reads keys):
/// SIGINT, SIGTERM and SIGHUP show the cursor again, print `message` and end the process
/// with 128 + the signal (130 for Ctrl-C). Dropped, it shows the cursor and puts the
/// previous handlers back. Exiting from the handler is deliberate: a read of a cooked
/// terminal is retried after EINTR by std, so a flag would never be looked at, and the
/// guard is only held while nothing has been written.
///
/// Guards nest (a confirmation inside the approve picker's guard): each puts back the
/// handlers and the message it found.
pub struct PromptGuard {
    previous: Vec<(libc::c_int, libc::sigaction)>,
    previous_message: (*mut u8, usize),
}

/// What the handler prints; set before it is installed, never freed (one per prompt).
static INTERRUPT_MESSAGE: std::sync::atomic::AtomicPtr<u8> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());
static INTERRUPT_MESSAGE_LEN: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// Shows the cursor and moves past the prompt's line.
const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";

extern "C" fn on_interrupt(signal: libc::c_int) {
    use std::sync::atomic::Ordering;
    // Only async-signal-safe calls: write(2) and _exit(2).
    let msg = INTERRUPT_MESSAGE.load(Ordering::SeqCst);
    let len = INTERRUPT_MESSAGE_LEN.load(Ordering::SeqCst);
    // SAFETY: the message is a leaked, immutable buffer of `len` bytes (or null).
    unsafe {
        libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
        if !msg.is_null() {
            libc::write(2, msg.cast(), len);
        }
        libc::_exit(128 + signal);
    }
}

impl PromptGuard {
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// `message`: the line printed when a signal ends the prompt (a newline is added).
    pub fn new(message: &str) -> PromptGuard {
        use std::sync::atomic::Ordering;
        let text: &'static mut [u8] = format!("{message}\n").into_bytes().leak();
        let previous_message = (
            INTERRUPT_MESSAGE.swap(std::ptr::null_mut(), Ordering::SeqCst),
            INTERRUPT_MESSAGE_LEN.load(Ordering::SeqCst),
        );
        // Length first, then the pointer: the handler never pairs a new pointer with an
        // old length.
        INTERRUPT_MESSAGE_LEN.store(text.len(), Ordering::SeqCst);
        INTERRUPT_MESSAGE.store(text.as_mut_ptr(), Ordering::SeqCst);
        let mut previous = Vec::new();
        for signal in Self::SIGNALS {
            // SAFETY: a zeroed sigaction is valid; the handler only calls async-signal-safe
            // functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        PromptGuard {
            previous,
            previous_message,
        }
    }
}

impl Drop for PromptGuard {
    fn drop(&mut self) {
        use std::io::Write;
        use std::sync::atomic::Ordering;
        for (signal, old) in &self.previous {
            // SAFETY: puts back the action read when the guard was made.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
        let (ptr, len) = self.previous_message;
        INTERRUPT_MESSAGE.store(std::ptr::null_mut(), Ordering::SeqCst);
        INTERRUPT_MESSAGE_LEN.store(len, Ordering::SeqCst);
        INTERRUPT_MESSAGE.store(ptr, Ordering::SeqCst);
        // The prompt shows the cursor when it returns; an error path may not have.
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b"\x1b[?25h");
        let _ = err.flush();
    }
}

/// A duration for progress lines: `0.21 s`.
pub fn seconds(d: std::time::Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// A size for progress lines: `812 B`, `40.1 KiB`, `2.3 MiB`.
pub fn bytes(n: usize) -> String {
    match n {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
    }
}

/// A count in a message, with thousands separated: `999`, `1,000`, `5,637`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A table column: its header and how to render a cell.
pub type Column<'a, T> = (&'a str, &'a dyn Fn(&T) -> String);

/// A list of records: `columns` are (header, cell) pairs for the table form.
pub fn list<T: Serialize + Default>(
    style: &Style,
    items: &[T],
    columns: &[Column<'_, T>],
) -> Result<()> {
    unless_stdout_closed(write_list(style, items, columns))
}

fn write_list<T: Serialize + Default>(
    style: &Style,
    items: &[T],
    columns: &[Column<'_, T>],
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match style.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, items)?;
            writeln!(out)?;
        }
        Format::Csv if items.is_empty() => write_csv(&mut out, &[T::default()], false)?,
        Format::Csv => write_csv(&mut out, items, true)?,
        f if !f.is_generic() => return Err(report_only(f)),
        _ => {
            let mut table = new_table(style);
            table.set_header(columns.iter().map(|(h, _)| *h));
            for item in items {
                table.add_row(columns.iter().map(|(_, f)| cell(&f(item))));
            }
            write_table(&mut out, &table)?;
        }
    }
    Ok(())
}

/// [`list`], whose table never wraps the `unwrapped` columns (by index): names and
/// versions stay whole on a narrow terminal, the other columns wrap instead.
pub fn list_unwrapped<T: Serialize + Default>(
    style: &Style,
    items: &[T],
    columns: &[Column<'_, T>],
    unwrapped: &[usize],
) -> Result<()> {
    if style.format != Format::Table {
        return list(style, items, columns);
    }
    let mut table = new_table(style);
    table.set_header(columns.iter().map(|(h, _)| *h));
    for item in items {
        table.add_row(columns.iter().map(|(_, f)| cell(&f(item))));
    }
    for &i in unwrapped {
        if let Some(c) = table.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    let mut out = std::io::stdout().lock();
    unless_stdout_closed(write_table(&mut out, &table))
}

/// One record: a two-column FIELD/VALUE table, a JSON object, or a one-row CSV.
pub fn show<T: Serialize>(style: &Style, item: &T, fields: &[(&str, String)]) -> Result<()> {
    unless_stdout_closed(write_show(style, item, fields))
}

fn write_show<T: Serialize>(style: &Style, item: &T, fields: &[(&str, String)]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match style.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, item)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&mut out, std::slice::from_ref(item), true)?,
        f if !f.is_generic() => return Err(report_only(f)),
        _ => {
            let mut table = new_table(style);
            for (k, v) in fields {
                // An empty key continues the field above (one row per item of a list).
                let key = if k.is_empty() {
                    String::new()
                } else {
                    format!("{k}:")
                };
                table.add_row(vec![key, cell(v)]);
            }
            write_table(&mut out, &table)?;
        }
    }
    Ok(())
}

/// A table cell as shown: one line, without the escape sequences and control characters
/// a host or a feed may have put in it (see [`crate::text`]). Every table goes through
/// this at rendering, so text stored raw (and kept raw in JSON) never reaches a terminal
/// as is.
pub fn cell(s: &str) -> String {
    crate::text::one_line(s).into_owned()
}

/// Borderless, kubectl-like tables; wrapped to `COLUMNS` when it is set, else to the
/// terminal on a TTY, else not at all.
pub fn new_table(style: &Style) -> Table {
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    if let Some(width) = style.width {
        table.set_width(width);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else if style.stdout_tty {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    table
}

/// The longest word a column keeps whole when the table is wrapped. A longer one (a URL
/// in a title, a hostile host's string) may be broken rather than widen the table
/// without bound; host and package names and versions are far shorter.
const WHOLE_WORD_MAX: usize = 64;

/// Makes every column at least as wide as its longest word (up to [`WHOLE_WORD_MAX`]),
/// so wrapping to the terminal breaks lines between words (`DCL-CVE-1, DCL-CVE-2`),
/// never inside a host, package or version (`10.42-1+de` / `b12u2`). A table that cannot
/// fit so is wider than the terminal.
fn keep_words_whole(table: &mut Table) {
    let mut widths: Vec<usize> = Vec::new();
    for row in table.header().into_iter().chain(table.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate() {
            let longest = cell
                .content()
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0)
                .min(WHOLE_WORD_MAX);
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            widths[i] = widths[i].max(longest);
        }
    }
    for (i, w) in widths.into_iter().enumerate() {
        if let (Some(column), Ok(w)) = (table.column_mut(i), u16::try_from(w)) {
            // comfy-table counts a boundary with the cell padding.
            let w = w.saturating_add(column.padding_width());
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
        }
    }
}

/// Writes a table without the padding spaces comfy-table leaves at line ends and starts,
/// its words whole ([`keep_words_whole`]).
pub fn write_table(out: &mut impl Write, table: &Table) -> Result<()> {
    let mut table = table.clone();
    if !matches!(table.content_arrangement(), ContentArrangement::Disabled) {
        keep_words_whole(&mut table);
    }
    for line in table.lines() {
        let line = line.trim_end();
        writeln!(out, "{}", line.strip_prefix(' ').unwrap_or(line))?;
    }
    Ok(())
}

/// Writes the header from the first item and, when `rows`, every item as a row (an empty
/// list still gets its header, taken from a default record).
fn write_csv<T: Serialize>(out: &mut impl Write, items: &[T], rows: bool) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header_written = false;
    for item in items {
        let Value::Object(map) = serde_json::to_value(item)? else {
            anyhow::bail!("record does not serialise to an object");
        };
        if !header_written {
            w.write_record(map.keys())?;
            header_written = true;
        }
        if rows {
            w.write_record(map.values().map(|v| csv_text(&csv_cell(v)).into_owned()))?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A CSV cell no spreadsheet runs as a formula (OWASP "CSV injection"): text that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
/// spreadsheets take as "this is text" and do not show. A plain decimal number (`-1`,
/// `+3`, `-0.5`) is left as it is: a spreadsheet reads it as that number, never as a
/// formula, and prefixing it would turn a value into text. Every CSV writer uses this;
/// JSON keeps the raw text.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The text [`csv_text`] was given: a cell it prefixed loses its `'` (so that
/// `host list --format csv | host import -` keeps a note that begins with `=`).
pub fn csv_untext(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if csv_text(rest).len() != rest.len() => rest,
        _ => s,
    }
}

/// `[+-]digits[.digits]`, nothing else (no exponent, no spaces, no second sign).
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, frac) = body.split_once('.').unwrap_or((body, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        // Line breaks are kept (CSV quotes them); escape sequences are not.
        Value::String(s) => crate::text::lines(s).into_owned(),
        Value::Array(a) => a.iter().map(csv_cell).collect::<Vec<_>>().join(";"),
        Value::Object(_) => v.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    }
}

/// Writes a line to stdout. Unlike `println!`, a closed pipe (`| head`) is an error that
/// ends the command quietly (see `error::is_broken_pipe`), not a panic. SIGPIPE stays
/// ignored: patchcycle writes to ssh children's stdin, and a child that exits early must
/// not kill the whole run.
pub fn out_line(text: impl std::fmt::Display) -> Result<()> {
    let mut out = std::io::stdout().lock();
    unless_stdout_closed(writeln!(out, "{text}").map_err(Into::into))
}

/// Writes bytes to stdout, as [`out_line`] does a line.
pub fn out_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    unless_stdout_closed(
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(Into::into),
    )
}

/// A reader that closed stdout (`| head`) has all it wants: the rest of the output is
/// dropped without a message, and the command goes on to its verdict. A gate that trips
/// still exits 1 (`findings --fail-on high | head` under `pipefail` must not pass
/// because the reader stopped early); with nothing else to say, the command exits 0.
/// Errors that are not a closed pipe are returned as they are.
pub fn unless_stdout_closed(written: Result<()>) -> Result<()> {
    match written {
        Err(e) if crate::error::is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// The first `shown` items, comma-separated, then `, +N more` for the rest: how a
/// message names hosts without naming a whole fleet. Only the items shown are formatted.
pub fn first_few<T: std::fmt::Display>(
    items: impl ExactSizeIterator<Item = T>,
    shown: usize,
) -> String {
    use std::fmt::Write;
    let total = items.len();
    let mut text = String::new();
    for (i, item) in items.take(shown).enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        // Writing to a String cannot fail.
        let _ = write!(text, "{item}");
    }
    if total > shown {
        let _ = write!(text, ", +{} more", total - shown);
    }
    text
}

/// `-` for a missing value in tables.
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Most symlinks followed from an `--output` path (the kernel's own limit is 40).
const MAX_SYMLINK_HOPS: usize = 40;

/// The path an `--output` path leads to, following a symlink only when the kernel's
/// `fs.protected_symlinks` rule would: the link is yours, or its directory's owner's, or
/// its directory is neither sticky nor writable by others. A link planted by another user
/// in `/tmp` is refused (exit 2), so it cannot make patchcycle replace a file that user
/// could not write. Each link of a chain is checked. A FIFO or device at the end is held
/// to the same rule (as `fs.protected_fifos` does): another user's FIFO in `/tmp` would
/// read the report. The final rename of [`AtomicFile`] never follows a link, so a link
/// swapped in after this check replaces the link only.
pub fn resolve_output(path: &std::path::Path) -> Result<std::path::PathBuf> {
    resolve_link(path, "--output")
}

/// [`resolve_output`] for any path written on request; `label` names the path in errors
/// (`--output`, `export path`).
pub fn resolve_link(path: &std::path::Path, label: &str) -> Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            // Nothing yet: a new file goes there.
            Err(_) => return Ok(current),
        };
        let kind = meta.file_type();
        if kind.is_file() || kind.is_dir() {
            // A file is replaced by a new one of ours, never written through.
            return Ok(current);
        }
        let dir = match current.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        if let Some(owner) = planted_by_another(&dir, &meta)? {
            let is_link = kind.is_symlink();
            let noun = if is_link { "symlink" } else { "FIFO or device" };
            let what = if current == path {
                format!("{label} {} is a {noun}", path.display())
            } else {
                format!(
                    "{label} {} leads to the {noun} {}",
                    path.display(),
                    current.display()
                )
            };
            let (verb, hint) = if is_link {
                (
                    "it is not followed",
                    "remove the link or choose another path: in a sticky or world-writable directory, patchcycle follows only symlinks owned by you or by the directory's owner",
                )
            } else {
                (
                    "nothing is written to it",
                    "remove it or choose another path: in a sticky or world-writable directory, patchcycle writes into a FIFO or device only if you or the directory's owner own it",
                )
            };
            return Err(crate::error::Failure::usage(format!(
                "{what} owned by {owner} in the shared directory {}; {verb}",
                dir.display()
            ))
            .hint(hint)
            .into());
        }
        if !kind.is_symlink() {
            return Ok(current);
        }
        let link = std::fs::read_link(&current).map_err(|e| {
            crate::error::Failure::runtime(format!(
                "cannot read the symlink {}: {e}",
                current.display()
            ))
        })?;
        let next = if link.is_absolute() {
            link
        } else {
            dir.join(link)
        };
        if std::fs::symlink_metadata(&next).is_err() {
            // Nothing there to inspect: a dangling link (the old behaviour stands: the
            // link is replaced by the file), or a /proc magic link such as
            // /dev/stdout's `pipe:[N]`, which only the kernel can follow.
            return Ok(current);
        }
        current = next;
    }
    Err(crate::error::Failure::usage(format!(
        "{label} {}: more than {MAX_SYMLINK_HOPS} symlinks to follow",
        path.display()
    ))
    .into())
}

/// The owner's name when `entry` (in `dir`) is in a sticky or world-writable directory
/// and belongs neither to us nor to the directory's owner: someone else put it there.
fn planted_by_another(dir: &std::path::Path, entry: &std::fs::Metadata) -> Result<Option<String>> {
    use std::os::unix::fs::MetadataExt;
    let dir_meta = std::fs::metadata(dir).map_err(|e| {
        crate::error::Failure::runtime(format!("cannot inspect {}: {e}", dir.display()))
    })?;
    let me = crate::account::effective_uid();
    let shared = dir_meta.mode() & (libc::S_ISVTX | libc::S_IWOTH) != 0;
    if !shared || entry.uid() == me || entry.uid() == dir_meta.uid() {
        return Ok(None);
    }
    Ok(Some(crate::account::by_uid(entry.uid()).map_or_else(
        || format!("uid {}", entry.uid()),
        |a| a.name,
    )))
}

/// Where a whole document (a report, an audit export) goes: stdout, a file that is
/// replaced atomically, or a device or pipe written in place. Write through a
/// `BufWriter`, then call [`Sink::finish`].
pub enum Sink {
    Stdout(std::io::StdoutLock<'static>),
    File(AtomicFile),
    /// `--output /dev/stdout`, a FIFO, a device: nothing to replace, so written in place
    /// (renaming over it would put a plain file where the device was).
    InPlace(std::fs::File),
}

impl Sink {
    /// Opens where a document goes. A symlink at `path` is followed only when it is
    /// trusted (see [`resolve_output`]); the path it leads to is then replaced, the link
    /// stays.
    pub fn open(path: Option<&std::path::Path>) -> Result<Self> {
        let Some(p) = path else {
            return Ok(Sink::Stdout(std::io::stdout().lock()));
        };
        let target = resolve_output(p)?;
        let cannot = |e: std::io::Error| -> anyhow::Error {
            crate::error::Failure::runtime(format!("cannot open {}: {e}", p.display())).into()
        };
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => Err(crate::error::Failure::usage(format!(
                "--output {} is a directory",
                p.display()
            ))
            .into()),
            Ok(m) if !m.is_file() => {
                use std::os::unix::fs::OpenOptionsExt;
                // O_NOFOLLOW unless the target is a link only the kernel can follow
                // (/dev/stdout): a symlink swapped in after the check is refused (ELOOP),
                // not followed.
                let is_link =
                    std::fs::symlink_metadata(&target).is_ok_and(|l| l.file_type().is_symlink());
                let flags = if is_link { 0 } else { libc::O_NOFOLLOW };
                Ok(Sink::InPlace(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .custom_flags(flags)
                        .open(&target)
                        .map_err(cannot)?,
                ))
            }
            Ok(m) => Ok(Sink::File(AtomicFile::create(&target, Some(&m))?)),
            Err(_) => Ok(Sink::File(AtomicFile::create(&target, None)?)),
        }
    }

    /// Makes the document visible: flushes stdout or the device, or syncs and renames
    /// the file.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut out) => Ok(out.flush()?),
            Sink::File(f) => f.persist(),
            Sink::InPlace(mut f) => Ok(f.flush()?),
        }
    }

    fn inner(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(o) => o,
            Sink::File(f) => f,
            Sink::InPlace(f) => f,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner().write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner().flush()
    }
}

/// Writes a document to `--output FILE` (atomically) or stdout, streamed through a
/// buffer: a 100 MB report is never held in memory whole. When `write` fails, a file
/// target is left untouched (the temporary file is removed).
pub fn write_document(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut std::io::BufWriter<Sink>) -> Result<()>,
) -> Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, Sink::open(path)?);
    // A full disk or a lost mount: say where the document was going. A closed pipe stays
    // as it is (it ends the command quietly); other errors say it themselves.
    let fail = |e: anyhow::Error| -> anyhow::Error {
        if crate::error::is_broken_pipe(&e) || !e.chain().any(|c| c.is::<std::io::Error>()) {
            return e;
        }
        let target = path.map_or("to stdout".to_string(), |p| p.display().to_string());
        crate::error::Failure::runtime(format!("cannot write {target}: {e}")).into()
    };
    // A closed pipe drops the rest of the document (see [`unless_stdout_closed`]); the
    // buffer then holds bytes nobody can read, and is discarded.
    if let Err(e) = write(&mut w) {
        return unless_stdout_closed(Err(fail(e)));
    }
    let sink = match w.into_inner() {
        Ok(sink) => sink,
        Err(e) => return unless_stdout_closed(Err(fail(e.into_error().into()))),
    };
    unless_stdout_closed(sink.finish().map_err(fail))
}

/// A file written beside its target and renamed over it when complete: a reader (cron
/// mail, node_exporter's textfile collector) never sees half a file. Dropped without
/// [`AtomicFile::persist`], the temporary file is removed.
///
/// Its mode: a new file is 0644 less the umask, as a shell's `>` makes it (reports are
/// picked up by other users' tools; `umask 077` keeps them private); a replaced file
/// keeps its read bits and its owner's write bit (a 0600 report stays 0600), less the
/// umask. Never writable by group or others, never executable. The temporary file has
/// that mode from its creation, so the document is never more open while written.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
    dir: std::path::PathBuf,
    /// Bytes written, and how far writeback has been started.
    written: u64,
    flushing_from: u64,
}

/// Writeback of a large file is started every this many bytes, so the final fsync waits
/// for the tail only instead of the whole file.
const WRITEBACK_STEP: u64 = 8 << 20;

impl AtomicFile {
    /// `existing`: the metadata of the file at `path` this one replaces, if any.
    pub fn create(path: &std::path::Path, existing: Option<&std::fs::Metadata>) -> Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(crate::error::Failure::usage(format!(
                    "cannot write {}: {} is not a directory",
                    path.display(),
                    dir.display()
                ))
                .hint("choose a path in an existing directory")
                .into());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(crate::error::Failure::usage(format!(
                    "cannot write {}: the directory {} does not exist",
                    path.display(),
                    dir.display()
                ))
                .hint(format!(
                    "create it first (mkdir -p {}) or choose another path",
                    dir.display()
                ))
                .into());
            }
            // Not allowed to look (a directory without search permission): the attempt
            // below says why.
            Err(_) => {}
        }
        let mode = existing.map_or(0o644, |m| m.permissions().mode() & 0o644);
        let tmp = tempfile::Builder::new()
            .prefix(".patchcycle-")
            .permissions(std::fs::Permissions::from_mode(mode))
            .tempfile_in(dir)
            .map_err(|e| {
                crate::error::Failure::runtime(format!(
                    "cannot create a temporary file beside {}: {e}",
                    path.display()
                ))
            })?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            written: 0,
            flushing_from: 0,
        })
    }

    /// Fsyncs, renames over the target (rename(2) replaces a symlink found there, it
    /// never follows it) and fsyncs the directory.
    pub fn persist(self) -> Result<()> {
        let path = self.path;
        let fail = |what: &str, e: &dyn std::fmt::Display| -> anyhow::Error {
            crate::error::Failure::runtime(format!("cannot {what} {}: {e}", path.display())).into()
        };
        let file = self.tmp.as_file();
        file.sync_all().map_err(|e| fail("sync", &e))?;
        self.tmp
            .persist(&path)
            .map_err(|e| fail("rename into", &e.error))?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            // Makes the rename durable; not every file system supports it on a directory.
            let _ = d.sync_all();
        }
        Ok(())
    }

    #[cfg(target_os = "linux")]
    fn start_writeback(&mut self) {
        use std::os::fd::AsRawFd;
        if self.written - self.flushing_from < WRITEBACK_STEP {
            return;
        }
        let (from, len) = (self.flushing_from, self.written - self.flushing_from);
        // SAFETY: a plain syscall on an open descriptor; SYNC_FILE_RANGE_WRITE only starts
        // writeback and does not wait. A failure is harmless: fsync does it all later.
        unsafe {
            libc::sync_file_range(
                self.tmp.as_file().as_raw_fd(),
                from as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.flushing_from = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn start_writeback(&mut self) {}
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.tmp.as_file_mut().write(buf)?;
        self.written += n as u64;
        self.start_writeback();
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        let shown: Vec<String> = [0, 999, 1000, 5637, 1_000_000, u64::MAX]
            .into_iter()
            .map(super::count)
            .collect();
        assert_eq!(
            shown,
            [
                "0",
                "999",
                "1,000",
                "5,637",
                "1,000,000",
                "18,446,744,073,709,551,615"
            ]
        );
    }

    use super::*;

    /// `--output reports/x.json` with no `reports/`: the error names the directory.
    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("reports/2026/x.json");
        let err =
            write_document(Some(&target), |w| Ok(w.write_all(b"{}")?)).expect_err("must fail");
        let missing = dir.path().join("reports/2026");
        assert_eq!(
            err.to_string(),
            format!(
                "cannot write {}: the directory {} does not exist",
                target.display(),
                missing.display()
            )
        );
        assert_eq!(
            crate::error::hint_of(&err),
            Some(
                format!(
                    "create it first (mkdir -p {}) or choose another path",
                    missing.display()
                )
                .as_str()
            )
        );
        assert_eq!(crate::error::exit_code_of(&err), crate::error::Exit::Usage);

        std::fs::write(dir.path().join("file"), "").expect("write");
        let under_file = dir.path().join("file/x.json");
        let err = write_document(Some(&under_file), |_| Ok(())).expect_err("must fail");
        assert!(
            err.to_string().ends_with("/file is not a directory"),
            "{err}"
        );
    }

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        n.sort();
        n
    }

    /// A document that fails half way (a full disk, a render error) leaves the old file
    /// as it was and no temporary file; one that completes replaces it whole.
    #[test]
    fn a_failed_document_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("report.json");
        std::fs::write(&file, "old").expect("write");
        // More than the buffer, so part of it has reached the temporary file.
        let err = write_document(Some(&file), |w| {
            w.write_all(&vec![b'x'; 3 << 20])?;
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull).into())
        })
        .expect_err("must fail");
        let prefix = format!("cannot write {}: ", file.display());
        assert!(err.to_string().starts_with(&prefix), "{err}");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "old");
        assert_eq!(names(dir.path()), ["report.json"]);

        write_document(Some(&file), |w| Ok(w.write_all(b"new")?)).expect("write");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "new");
        assert_eq!(names(dir.path()), ["report.json"]);
    }
}

#[cfg(test)]
mod csv_tests {
    use super::csv_text;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-1e5", "'-1e5"),
            ("-1", "-1"),
            ("+3", "+3"),
            ("-0.5", "-0.5"),
            ("42", "42"),
            ("web1", "web1"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_text(cell), want, "{cell:?}");
            assert_eq!(super::csv_untext(&csv_text(cell)), cell, "{cell:?}");
        }
    }
}
