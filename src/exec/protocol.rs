//! The host-script protocol: how every script patchcycle sends to a host (the scan
//! collector, the deploy steps) marks what it prints, and the one parser that reads it
//! back.
//!
//! A script starts with a prelude that sets `T` to a random token and defines `s`, the
//! section printer: `s NAME` prints an empty line, then `@@PC <token> NAME`. Whatever the
//! host prints (package lists, apt's output) cannot fake a section without knowing the
//! token, which is new for every run. `s END` closes the output: without it the output
//! was cut short. The collector also prints a header, `@@PC <token> BEGIN 1`, as its
//! first line, so that saved output (`scan --import`) names its own token; a deploy step
//! is read by the token patchcycle gave it.
//!
//! Everything here reads untrusted text: lines are borrowed, never interpreted.

use std::collections::BTreeMap;

pub use super::shell_quote;

/// The marker's first word.
const MARK: &str = "@@PC";
/// The section that closes an output.
pub const END: &str = "END";
/// The version of the collector's output format (`@@PC TOKEN BEGIN 1`).
pub const PROTOCOL: &str = "1";

/// A new random token for one run of one script (128 bits, hex).
pub fn new_token() -> String {
    crate::digest::random_token()
}

/// The first lines of every script: the token (one single-quoted shell word) and the
/// section printer.
pub fn prelude(token: &str) -> String {
    format!(
        "T={}\ns() {{ printf '\\n{MARK} %s %s\\n' \"$T\" \"$1\"; }}\n",
        shell_quote(token)
    )
}

/// The line that prints the collector's header (after the [`prelude`]).
pub fn header_printer() -> String {
    format!("printf '{MARK} %s BEGIN {PROTOCOL}\\n' \"$T\"\n")
}

/// The last line of every script: the END marker.
pub fn end_printer() -> String {
    format!("s {END}\n")
}

/// The token a script's [`prelude`] sets (its first line), if it has one.
pub fn token_of(script: &str) -> Option<&str> {
    let line = script.lines().next()?.strip_prefix("T=")?;
    Some(line.trim_matches('\''))
}

/// The collector's header line, split: `@@PC <token> BEGIN [version] [more…]`. Checking
/// the token and the version is the reader's business (see `scan::facts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub token: &'a str,
    pub version: Option<&'a str>,
    /// Words after the version (a header of this protocol has none).
    pub extra: bool,
}

/// Reads a header line; None when the line is not one.
pub fn header(line: &str) -> Option<Header<'_>> {
    let mut parts = line.split(' ');
    let (Some(MARK), Some(token), Some("BEGIN")) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let version = parts.next();
    Some(Header {
        token,
        version,
        extra: parts.next().is_some(),
    })
}

/// One section of an output: its name and its lines (without their newlines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub name: &'a str,
    pub lines: Vec<&'a str>,
}

/// An output split into its sections, in the order they came (a name printed twice is
/// two sections here: the reader decides what that means).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output<'a> {
    pub sections: Vec<Section<'a>>,
    /// Whether the END marker came (else the output was cut short).
    pub ended: bool,
}

impl Output<'_> {
    /// The sections by name, each as its lines joined with a newline after each; a name
    /// given twice gets the lines of both. None when the output was cut short.
    pub fn by_name(&self) -> Option<BTreeMap<String, String>> {
        if !self.ended {
            return None;
        }
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for s in &self.sections {
            let buf = map.entry(s.name.to_string()).or_default();
            for l in &s.lines {
                buf.push_str(l);
                buf.push('\n');
            }
        }
        Some(map)
    }
}

/// Splits lines into the sections marked with `token`, up to the END marker. Lines
/// before the first marker, markers of another token (they are lines of the section
/// they are in) and everything after END are not sections.
pub fn split<'a>(lines: impl Iterator<Item = &'a str>, token: &str) -> Output<'a> {
    let marker = format!("{MARK} {token} ");
    let mut out = Output::default();
    for line in lines {
        if let Some(name) = line.strip_prefix(marker.as_str()) {
            if name == END {
                out.ended = true;
                break;
            }
            out.sections.push(Section {
                name,
                lines: Vec::new(),
            });
        } else if let Some(s) = out.sections.last_mut() {
            s.lines.push(line);
        }
    }
    out
}

/// Output that names its token in a header line (the collector's): the header and the
/// sections after it. None without a header as the first line.
pub fn split_headed(out: &str) -> Option<(Header<'_>, Output<'_>)> {
    let mut lines = out.lines();
    let header = header(lines.next()?)?;
    let output = split(lines, header.token);
    Some((header, output))
}

/// The output of a script run with `token`, by section name; None when it was cut short
/// (no END marker).
pub fn sections(out: &str, token: &str) -> Option<BTreeMap<String, String>> {
    split(out.lines(), token).by_name()
}

/// The last line of `text` with something on it, trimmed; raw (see [`clip`] before it is
/// shown).
pub fn last_line(text: &str) -> Option<&str> {
    last_of(text.lines())
}

/// The last of `lines` with something on it, trimmed (a section's lines, say).
pub fn last_of<'a>(lines: impl DoubleEndedIterator<Item = &'a str>) -> Option<&'a str> {
    lines.map(str::trim).rfind(|l| !l.is_empty())
}

/// Like [`last_line`], passing over the lines `skip` says are noise (ssh's `@@@` banner
/// of a changed host key).
pub fn last_line_except(text: &str, skip: impl Fn(&str) -> bool) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !skip(l))
}

/// The last line of `text` with something on it, [`clip`]ped; empty when there is none.
/// What a failed step or check shows of a command's output.
pub fn last_line_clipped(text: &str) -> String {
    last_line(text).map(clip).unwrap_or_default()
}

/// A line cut to something printable and short: control characters as spaces, at most
/// 300 characters, trimmed.
pub fn clip(line: &str) -> String {
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    clean.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prelude the scripts have always started with, byte for byte: deploy output
    /// and the fleet's saved collector runs depend on it.
    #[test]
    fn the_prelude_and_markers_are_the_ones_hosts_run() {
        assert_eq!(
            prelude("00ff"),
            "T='00ff'\ns() { printf '\\n@@PC %s %s\\n' \"$T\" \"$1\"; }\n"
        );
        assert_eq!(header_printer(), "printf '@@PC %s BEGIN 1\\n' \"$T\"\n");
        assert_eq!(end_printer(), "s END\n");
        assert_eq!(token_of(&prelude("00ff")), Some("00ff"));
        assert_eq!(token_of("echo hi\n"), None);
    }

    /// What `sh` prints from a prelude, sections and END parses back to those sections.
    #[test]
    fn a_script_run_by_sh_parses_back() {
        let token = new_token();
        assert_eq!(token.len(), 32);
        let script = format!(
            "{}{}s one\necho a\necho '@@PC {} END'\ns two\nprintf 'b\\n\\n'\n{}echo after\n",
            prelude(&token),
            header_printer(),
            "0000",
            end_printer()
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("run sh");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let (h, o) = split_headed(&text).expect("a header");
        assert_eq!(
            h,
            Header {
                token: &token,
                version: Some("1"),
                extra: false
            }
        );
        assert!(o.ended);
        let names: Vec<&str> = o.sections.iter().map(|s| s.name).collect();
        assert_eq!(names, ["one", "two"]);
        assert_eq!(o.sections[0].lines, ["a", "@@PC 0000 END", ""]);
        assert_eq!(o.sections[1].lines, ["b", "", ""]);
        let map = sections(&text, &token).expect("ended");
        assert_eq!(map["one"], "a\n@@PC 0000 END\n\n");
    }

    #[test]
    fn a_section_given_twice_is_two_sections_and_one_entry() {
        let o = split("x\n@@PC t a\n1\n@@PC t a\n2\n@@PC t END\n".lines(), "t");
        assert_eq!(o.sections.len(), 2);
        assert_eq!(o.by_name().expect("ended")["a"], "1\n2\n");
        assert_eq!(split("@@PC t a\n1\n".lines(), "t").by_name(), None);
    }

    #[test]
    fn headers() {
        assert_eq!(header("@@PC t BEGIN").map(|h| h.version), Some(None));
        assert!(header("@@PC t BEGIN 1 2").is_some_and(|h| h.extra));
        assert_eq!(header("@@PC t END"), None);
        assert_eq!(header("PC t BEGIN 1"), None);
        assert!(split_headed("").is_none());
    }

    #[test]
    fn the_last_line_with_something_on_it() {
        assert_eq!(last_line("a\n  b \n\n  \n"), Some("b"));
        assert_eq!(last_line(" \n"), None);
        assert_eq!(last_of(["exit 0 ", "", " "].into_iter()), Some("exit 0"));
        assert_eq!(
            last_line_except("denied\n@@@@@@\n", |l| l.starts_with("@@@")),
            Some("denied")
        );
        assert_eq!(last_line_clipped("x\n\u{1b}[2Jbad\tline\n"), "[2Jbad line");
        assert_eq!(last_line_clipped(""), "");
        assert_eq!(clip(&"é".repeat(400)).chars().count(), 300);
    }
}
