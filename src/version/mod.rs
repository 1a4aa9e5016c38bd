//! Exact package-version ordering for Debian (dpkg), RPM and Alpine (apk).
//!
//! A patch-cycle report is only as good as its "is the installed version older than the fixed
//! one?" answer, so every scheme here reproduces its package manager bit for bit instead of
//! approximating it, and a string the package manager would refuse is an error, never a guess.
//! The expected answers in `shared/data/vectors` come from the real tools (dpkg 1.21, rpm 4.18,
//! apk-tools 2.14) and `tests/version_vectors.rs` replays all of them.
//!
//! # Why not an existing crate
//!
//! Evaluated 2026-11-25 against the vectors before writing this module:
//! - `debversion` 0.5.5: all 20,036 deb rows right, but it accepts 11 of the 23 strings
//!   `dpkg --validate-version` rejects (`1:`, `1.0-`, `a1`, `~`, ...), and at about
//!   0.5 M parse+compare/s (regex parsing, owned strings) it is an order of magnitude slower.
//! - `rpm-version` 0.5.1: all 5,019 rpm rows right, but it splits the release at the *first*
//!   `-`, treats a missing release like an empty one (`1.0` vs `1.0-~` answers `>`, rpm says `<`)
//!   and validates nothing.
//! - `apk-version` 0.1.0: bindings to a C copy of apk-tools *3.x* `version.c` (needs bindgen);
//!   3.x orders leading-zero components differently from the 2.14 that Alpine stable ships, and
//!   it has no validator.
//!
//! None passes every row and rejection, so the three comparators are written here.
//!
//! # Performance
//!
//! Comparison borrows the input: parsing a `&str` yields a view of byte slices, and the
//! comparators walk those slices. Nothing on the compare path allocates, so
//! [`vercmp_stream`] runs in constant memory over any number of lines.

/// `Display` (the parsed string, unchanged), and `PartialOrd`, `PartialEq`, `Eq`
/// derived from the type's `Ord`, so equality is the package manager's (`1.0` equals
/// `0:1.0-0` for dpkg), consistent with ordering.
macro_rules! version_traits {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.raw)
            }
        }

        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }

        impl Eq for $t {}
    };
}

mod apk;
mod deb;
mod rpm;

pub use apk::ApkVersion;
pub use deb::DebVersion;
pub use rpm::RpmVersion;

use std::cmp::Ordering;
use std::fmt;
use std::io::{BufWriter, Read, Write};
use std::str::FromStr;

/// The version syntax and ordering of one package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian / Ubuntu, `dpkg --compare-versions`.
    Deb,
    /// RHEL / Fedora / SUSE, `rpm.vercmp` on `[epoch:]version[-release]`.
    Rpm,
    /// Alpine, `apk version -t` of apk-tools 2.14.
    Apk,
}

impl Scheme {
    /// Every scheme, for CLIs that list them.
    pub const ALL: [Scheme; 3] = [Scheme::Deb, Scheme::Rpm, Scheme::Apk];

    /// Short lowercase name as used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Deb => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
        }
    }

    /// Parses and validates one version string into an owned [`Version`].
    pub fn parse(self, s: &str) -> Result<Version, VersionError> {
        Ok(match self {
            Scheme::Deb => Version::Deb(s.parse()?),
            Scheme::Rpm => Version::Rpm(s.parse()?),
            Scheme::Apk => Version::Apk(s.parse()?),
        })
    }

    /// Checks a version string without keeping anything.
    pub fn validate(self, s: &str) -> Result<(), VersionError> {
        match self {
            Scheme::Deb => deb::parse_ref(s).map(|_| ()),
            Scheme::Rpm => rpm::parse_ref(s).map(|_| ()),
            Scheme::Apk => apk::validate(s),
        }
    }

    /// Compares two version strings; both must be valid.
    ///
    /// This is the allocation-free hot path used by [`vercmp_stream`].
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        self.compare_pair(a, b).map_err(|(_, e)| e)
    }

    /// Like [`Scheme::compare`], but says which side (0 = `a`, 1 = `b`) was invalid.
    fn compare_pair(self, a: &str, b: &str) -> Result<Ordering, (usize, VersionError)> {
        match self {
            Scheme::Deb => {
                let x = deb::parse_ref(a).map_err(|e| (0, e))?;
                let y = deb::parse_ref(b).map_err(|e| (1, e))?;
                Ok(deb::cmp_ref(&x, &y))
            }
            Scheme::Rpm => {
                let x = rpm::parse_ref(a).map_err(|e| (0, e))?;
                let y = rpm::parse_ref(b).map_err(|e| (1, e))?;
                Ok(rpm::cmp_ref(&x, &y))
            }
            Scheme::Apk => {
                apk::validate(a).map_err(|e| (0, e))?;
                apk::validate(b).map_err(|e| (1, e))?;
                Ok(apk::cmp_valid(a, b))
            }
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an unknown scheme name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown version scheme {0:?} (expected deb, rpm or apk)")]
pub struct UnknownScheme(pub String);

impl FromStr for Scheme {
    type Err = UnknownScheme;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "deb" | "dpkg" | "debian" => Ok(Scheme::Deb),
            "rpm" => Ok(Scheme::Rpm),
            "apk" | "alpine" => Ok(Scheme::Apk),
            _ => Err(UnknownScheme(s.to_owned())),
        }
    }
}

/// A parsed version of any scheme.
///
/// Versions of different schemes are not comparable: `partial_cmp` answers `None` and
/// [`Version::compare`] an error, because mixing them is always a caller bug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    Deb(DebVersion),
    Rpm(RpmVersion),
    Apk(ApkVersion),
}

impl Version {
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Deb(_) => Scheme::Deb,
            Version::Rpm(_) => Scheme::Rpm,
            Version::Apk(_) => Scheme::Apk,
        }
    }

    /// The string exactly as it was parsed.
    pub fn as_str(&self) -> &str {
        match self {
            Version::Deb(v) => v.as_str(),
            Version::Rpm(v) => v.as_str(),
            Version::Apk(v) => v.as_str(),
        }
    }

    /// Orders two versions of the same scheme.
    pub fn compare(&self, other: &Version) -> Result<Ordering, VersionError> {
        self.partial_cmp(other).ok_or(VersionError::SchemeMismatch {
            left: self.scheme(),
            right: other.scheme(),
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Version::Deb(a), Version::Deb(b)) => Some(a.cmp(b)),
            (Version::Rpm(a), Version::Rpm(b)) => Some(a.cmp(b)),
            (Version::Apk(a), Version::Apk(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of a version an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Epoch,
    /// dpkg's upstream version (between epoch and revision).
    Upstream,
    /// dpkg's Debian revision (after the last `-`).
    Revision,
    /// rpm's version or apk's whole version string.
    Version,
    /// rpm's release (after the last `-`).
    Release,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Epoch => "epoch",
            Part::Upstream => "upstream version",
            Part::Revision => "revision",
            Part::Version => "version",
            Part::Release => "release",
        })
    }
}

/// Why a string is not a valid version of its scheme.
///
/// All fields are `Copy` so the comparators can carry an error without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    #[error("version string is empty")]
    Empty,
    #[error("version string has embedded whitespace")]
    EmbeddedWhitespace,
    #[error("epoch is empty")]
    EmptyEpoch,
    #[error("epoch is not a number")]
    EpochNotNumber,
    #[error("epoch is negative")]
    NegativeEpoch,
    #[error("epoch is too big (maximum {max})")]
    EpochTooBig { max: u32 },
    #[error("nothing after the epoch colon")]
    NothingAfterColon,
    #[error("{part} is empty")]
    EmptyPart { part: Part },
    #[error("{part} does not start with a digit")]
    NoLeadingDigit { part: Part },
    #[error("invalid character {ch:?} in {part}")]
    InvalidChar { ch: char, part: Part },
    #[error("number of {digits} digits at byte {offset} (apk allows at most 17)")]
    NumberTooLong { digits: usize, offset: usize },
    #[error(
        "unknown suffix at byte {offset} (apk knows _alpha _beta _pre _rc _cvs _svn _git _hg _p)"
    )]
    UnknownSuffix { offset: usize },
    #[error("{what} at byte {offset}")]
    Misplaced { what: &'static str, offset: usize },
    #[error("cannot compare a {left} version with a {right} version")]
    SchemeMismatch { left: Scheme, right: Scheme },
}

/// A version relation as written in dependency fields and on `dpkg --compare-versions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Relation {
    /// Whether `a.cmp(b) == ord` satisfies `a REL b`.
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            Relation::Lt => ord == Ordering::Less,
            Relation::Le => ord != Ordering::Greater,
            Relation::Eq => ord == Ordering::Equal,
            Relation::Ne => ord != Ordering::Equal,
            Relation::Ge => ord != Ordering::Less,
            Relation::Gt => ord == Ordering::Greater,
        }
    }

    /// The dpkg operator spelling (`<<`, `<=`, `=`, `!=`, `>=`, `>>`).
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Lt => "<<",
            Relation::Le => "<=",
            Relation::Eq => "=",
            Relation::Ne => "!=",
            Relation::Ge => ">=",
            Relation::Gt => ">>",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Relation::Lt => "lt",
            Relation::Le => "le",
            Relation::Eq => "eq",
            Relation::Ne => "ne",
            Relation::Ge => "ge",
            Relation::Gt => "gt",
        })
    }
}

/// Error for an unknown relation operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown relation {0:?} (expected lt, le, eq, ne, ge, gt, <<, <=, =, !=, >= or >>)")]
pub struct UnknownRelation(pub String);

impl FromStr for Relation {
    type Err = UnknownRelation;

    /// Bare `<` and `>` are refused on purpose: dpkg reads them as the obsolete `<=` / `>=`,
    /// while most people mean strict, so accepting either reading would be a guess.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "lt" | "<<" => Relation::Lt,
            "le" | "<=" => Relation::Le,
            "eq" | "=" => Relation::Eq,
            "ne" | "!=" => Relation::Ne,
            "ge" | ">=" => Relation::Ge,
            "gt" | ">>" => Relation::Gt,
            _ => return Err(UnknownRelation(s.to_owned())),
        })
    }
}

/// Why [`vercmp_stream`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum VercmpStreamError {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: not valid UTF-8")]
    NotUtf8 { line: u64 },
    #[error("line {line}: longer than {} KiB", MAX_VERCMP_LINE / 1024)]
    TooLong { line: u64 },
    #[error("line {line}: expected 2 whitespace-separated versions, found {found} field(s)")]
    FieldCount { line: u64, found: usize },
    #[error("line {line}: invalid {scheme} version {version:?}: {source}")]
    InvalidVersion {
        line: u64,
        scheme: Scheme,
        version: String,
        #[source]
        source: VersionError,
    },
}

/// The longest `vercmp --stdin` line read: two versions are far shorter, and a line
/// without end (`< /dev/zero`) must not grow the buffer without bound.
pub const MAX_VERCMP_LINE: usize = 64 * 1024;

/// Compares `A B` pairs line by line and writes `<`, `=` or `>` for each.
///
/// Streaming keeps memory constant however long the input is: one reused read buffer and a
/// buffered writer. The first bad line stops the run with its 1-based number, because a
/// comparison table with a silently skipped row would misalign with its input.
///
/// Lines are cut straight out of a 1 MiB read buffer (memchr for the newline) and split by
/// hand, so a line costs its validation and comparison and almost nothing else: this
/// loop is what `vercmp --stdin` spends its time in. For deb, the common line (two plain
/// versions, one space, a newline) is found, split and validated in a single scan of its
/// bytes; every other line takes the general path, with the same answers and errors.
pub fn vercmp_stream<R: Read, W: Write>(
    scheme: Scheme,
    mut input: R,
    out: W,
) -> Result<(), VercmpStreamError> {
    const BUF: usize = 1 << 20;
    const _: () = assert!(BUF > MAX_VERCMP_LINE + 1);
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let mut buf = vec![0u8; BUF];
    // buf[start..end] holds the bytes read and not yet consumed.
    let (mut start, mut end) = (0usize, 0usize);
    let mut eof = false;
    let mut line: u64 = 0;
    loop {
        if scheme == Scheme::Deb {
            // The common line in one scan; a line longer than the limit is not seen whole
            // here (the slice stops at the limit) and gets its error below.
            while let Some((len, ord)) =
                deb::compare_plain_line(&buf[start..end.min(start + MAX_VERCMP_LINE)])
            {
                start += len;
                line += 1;
                out.write_all(symbol(ord))?;
            }
        }
        let line_bytes = match memchr::memchr(b'\n', &buf[start..end]) {
            Some(pos) => {
                let l = start..start + pos + 1;
                start += pos + 1;
                l
            }
            None if eof => {
                if start == end {
                    break;
                }
                let l = start..end;
                start = end;
                l
            }
            None => {
                // No whole line left: a line of more than the limit stops here, before
                // the buffer would have to grow.
                if end - start > MAX_VERCMP_LINE {
                    return Err(VercmpStreamError::TooLong { line: line + 1 });
                }
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
                match input.read(&mut buf[end..]) {
                    Ok(0) => eof = true,
                    Ok(n) => end += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.into()),
                }
                continue;
            }
        };
        line += 1;
        // The limit counts the newline, as it always has.
        if line_bytes.len() > MAX_VERCMP_LINE {
            return Err(VercmpStreamError::TooLong { line });
        }
        let (a, b) = match fields_fast(&buf[line_bytes.clone()]) {
            Some(pair) => pair,
            None => {
                let text = std::str::from_utf8(&buf[line_bytes])
                    .map_err(|_| VercmpStreamError::NotUtf8 { line })?;
                let Some(pair) = two_fields(text) else {
                    let found = text.split_ascii_whitespace().count();
                    return Err(VercmpStreamError::FieldCount { line, found });
                };
                pair
            }
        };
        let ord = scheme.compare_pair(a, b).map_err(|(side, source)| {
            VercmpStreamError::InvalidVersion {
                line,
                scheme,
                version: if side == 0 { a } else { b }.to_owned(),
                source,
            }
        })?;
        out.write_all(symbol(ord))?;
    }
    out.flush()?;
    Ok(())
}

/// The output line of one answer.
#[inline(always)]
fn symbol(ord: Ordering) -> &'static [u8] {
    match ord {
        Ordering::Less => b"<\n",
        Ordering::Equal => b"=\n",
        Ordering::Greater => b">\n",
    }
}

/// The common line, `A B\n` (or `\r\n`, or no newline at the end): printable ASCII with
/// one space inside. Anything else (None) goes through the general path, which gives the
/// same two fields when there are two and names the error otherwise.
fn fields_fast(line: &[u8]) -> Option<(&str, &str)> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // One pass: every byte printable ASCII (0x21..=0x7e) but for a single space.
    let mut space = usize::MAX;
    for (i, &c) in line.iter().enumerate() {
        if c.wrapping_sub(0x21) >= 0x5e {
            if c != b' ' || space != usize::MAX {
                return None;
            }
            space = i;
        }
    }
    if space == 0 || space >= line.len().saturating_sub(1) {
        return None;
    }
    // SAFETY: every byte of `line` is printable ASCII or a space (checked above): valid
    // UTF-8.
    let text = unsafe { std::str::from_utf8_unchecked(line) };
    Some((&text[..space], &text[space + 1..]))
}

/// The two ASCII-whitespace-separated fields of a line; None unless there are exactly two.
fn two_fields(text: &str) -> Option<(&str, &str)> {
    let mut fields = text.split_ascii_whitespace();
    match (fields.next(), fields.next(), fields.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_parse_and_holds() {
        for (s, r) in [
            ("lt", Relation::Lt),
            ("<<", Relation::Lt),
            ("le", Relation::Le),
            ("<=", Relation::Le),
            ("eq", Relation::Eq),
            ("=", Relation::Eq),
            ("ne", Relation::Ne),
            ("!=", Relation::Ne),
            ("ge", Relation::Ge),
            (">=", Relation::Ge),
            ("gt", Relation::Gt),
            (">>", Relation::Gt),
        ] {
            assert_eq!(s.parse::<Relation>().unwrap(), r, "{s}");
        }
        assert!("<".parse::<Relation>().is_err());
        assert!(">".parse::<Relation>().is_err());
        assert!("LT".parse::<Relation>().is_err());
        use Ordering::*;
        let table = [
            (Relation::Lt, [true, false, false]),
            (Relation::Le, [true, true, false]),
            (Relation::Eq, [false, true, false]),
            (Relation::Ne, [true, false, true]),
            (Relation::Ge, [false, true, true]),
            (Relation::Gt, [false, false, true]),
        ];
        for (rel, expect) in table {
            for (ord, want) in [Less, Equal, Greater].into_iter().zip(expect) {
                assert_eq!(rel.holds(ord), want, "{rel} {ord:?}");
            }
        }
    }

    /// Hands out its bytes a few at a time, so lines straddle every read boundary.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn stream_lines_across_reads_and_at_the_length_limit() {
        let input = b"1.0 1.1\n  2:1\t1:9 \n1.0-0 1.0\r\n1.0 1.0";
        for step in [1, 2, 3, 7, 4096] {
            let mut out = Vec::new();
            vercmp_stream(Scheme::Deb, Trickle(input, step), &mut out).unwrap();
            assert_eq!(out, b"<\n>\n=\n=\n", "read {step} bytes at a time");
        }
        // A line of exactly the limit (its newline counted) is read; one byte more is not,
        // with or without a newline at the end, and wherever the reads split it.
        let line = |len: usize, newline: bool| {
            let mut l = b"1.0".to_vec();
            l.resize(len - 3 - usize::from(newline), b' ');
            l.extend_from_slice(b"1.1");
            if newline {
                l.push(b'\n');
            }
            let mut input = b"2 1\n".to_vec();
            input.extend_from_slice(&l);
            input
        };
        for newline in [true, false] {
            let ok = line(MAX_VERCMP_LINE, newline);
            let mut out = Vec::new();
            vercmp_stream(Scheme::Rpm, Trickle(&ok, 5000), &mut out).unwrap();
            assert_eq!(out, b">\n<\n");
            for step in [5000, 1 << 20] {
                let long = line(MAX_VERCMP_LINE + 1, newline);
                let err = vercmp_stream(Scheme::Rpm, Trickle(&long, step), Vec::new()).unwrap_err();
                assert!(
                    matches!(err, VercmpStreamError::TooLong { line: 2 }),
                    "{err} (newline {newline}, step {step})"
                );
            }
        }
        // A line without end stops at the limit, not at the end of memory.
        let endless = std::io::Read::take(std::io::repeat(b'1'), 10 << 20);
        let err = vercmp_stream(Scheme::Deb, endless, Vec::new()).unwrap_err();
        assert!(
            matches!(err, VercmpStreamError::TooLong { line: 1 }),
            "{err}"
        );
        let err = vercmp_stream(Scheme::Deb, &b"1 2\n1 \xff\n"[..], Vec::new()).unwrap_err();
        assert!(
            matches!(err, VercmpStreamError::NotUtf8 { line: 2 }),
            "{err}"
        );
    }

    #[test]
    fn fast_field_split_agrees_with_the_general_one() {
        // Every line of up to 5 bytes over an alphabet of version characters, each kind
        // of ASCII whitespace, a control and a non-ASCII byte: where the fast path answers,
        // it answers as the general path does.
        let alphabet = [
            b'1', b'a', b' ', b'\t', b'\r', b'\n', 0x0b, 0x0c, 0x01, 0x7f, 0xc3,
        ];
        let mut answered = 0;
        for len in 0..=5u32 {
            for mut k in 0..(alphabet.len() as u32).pow(len) {
                let mut line = Vec::new();
                for _ in 0..len {
                    line.push(alphabet[(k % alphabet.len() as u32) as usize]);
                    k /= alphabet.len() as u32;
                }
                if let Some(fast) = fields_fast(&line) {
                    answered += 1;
                    let text = std::str::from_utf8(&line).unwrap();
                    assert_eq!(two_fields(text), Some(fast), "{line:?}");
                }
            }
        }
        assert!(answered > 100, "{answered}");
    }

    #[test]
    fn stream_writes_one_symbol_per_line() {
        let input = b"1.0 1.1\n2:1 1:9\n1.0-0   1.0\r\n";
        let mut out = Vec::new();
        vercmp_stream(Scheme::Deb, &input[..], &mut out).unwrap();
        assert_eq!(out, b"<\n>\n=\n");
    }

    /// The deb one-scan line path answers exactly what the general path answers, and
    /// leaves every line it does not settle (odd separators, odd versions) to it.
    #[test]
    fn deb_plain_line_path_agrees_with_the_general_path() {
        let versions = [
            "1.0",
            "1.0-1",
            "1:1.0-1",
            "0:1.0",
            "1.0~rc1-2",
            "1.0+dfsg-1ubuntu1",
            "2:1.2.3-4:5",
            "1.0-a-b",
            "10:1",
            "1a",
            "1.0-",
            "1:",
            ":1.0",
            "a1.0",
            "1.0-1:2",
            "0000000001:1",
            "1234567890:1",
            "1.0-~",
            "1-1-",
            "1:2:3",
            "-1",
            "1.0-1.",
            "1.0_1",
            "+1:1",
        ];
        for a in versions {
            for b in versions {
                let line = format!("{a} {b}\n");
                let fast = deb::compare_plain_line(line.as_bytes());
                let general = Scheme::Deb.compare_pair(a, b);
                if let Some((len, ord)) = fast {
                    assert_eq!(len, line.len(), "{line:?}");
                    assert_eq!(general.ok(), Some(ord), "{line:?}");
                }
                let mut out = Vec::new();
                let streamed = vercmp_stream(Scheme::Deb, line.as_bytes(), &mut out);
                match general {
                    Ok(ord) => {
                        assert!(streamed.is_ok(), "{line:?}");
                        assert_eq!(out, symbol(ord), "{line:?}");
                    }
                    Err((side, e)) => {
                        let err = streamed.unwrap_err();
                        assert!(
                            matches!(&err, VercmpStreamError::InvalidVersion { line: 1, version, source, .. }
                                if version == [a, b][side] && *source == e),
                            "{line:?}: {err}"
                        );
                    }
                }
            }
        }
        for line in [
            "1.0  1.1\n",
            " 1.0 1.1\n",
            "1.0 1.1\r\n",
            "1.0\t1.1\n",
            "1.0 1.1",
        ] {
            assert_eq!(deb::compare_plain_line(line.as_bytes()), None, "{line:?}");
        }
    }

    #[test]
    fn stream_reports_line_number_and_reason() {
        let input = b"1.0 1.1\n1.0 1.2\n1: 1.0\n";
        let err = vercmp_stream(Scheme::Deb, &input[..], Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3: invalid deb version \"1:\": nothing after the epoch colon"
        );
        let err = vercmp_stream(Scheme::Apk, &b"1.0 1.0 1.0\n"[..], Vec::new()).unwrap_err();
        assert!(
            matches!(err, VercmpStreamError::FieldCount { line: 1, found: 3 }),
            "{err}"
        );
        let err = vercmp_stream(Scheme::Rpm, &b"1.0 2.0\n\n"[..], Vec::new()).unwrap_err();
        assert!(
            matches!(err, VercmpStreamError::FieldCount { line: 2, found: 0 }),
            "{err}"
        );
        let err = vercmp_stream(Scheme::Apk, &b"1.0 2.0_foo\n"[..], Vec::new()).unwrap_err();
        assert!(
            matches!(&err, VercmpStreamError::InvalidVersion { line: 1, version, .. } if version == "2.0_foo"),
            "{err}"
        );
    }

    #[test]
    fn scheme_names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.name().parse::<Scheme>().unwrap(), s);
        }
        assert!("pacman".parse::<Scheme>().is_err());
    }

    #[test]
    fn versions_of_different_schemes_do_not_compare() {
        let a = Scheme::Deb.parse("1.0").unwrap();
        let b = Scheme::Rpm.parse("1.0").unwrap();
        assert_eq!(a.partial_cmp(&b), None);
        assert!(a.compare(&b).is_err());
        assert_eq!(
            a.compare(&Scheme::Deb.parse("1.0-0").unwrap()),
            Ok(Ordering::Equal)
        );
    }

    #[test]
    fn invalid_char_message_names_the_part() {
        assert_eq!(
            Scheme::Deb.validate("1.0!").unwrap_err().to_string(),
            "invalid character '!' in upstream version"
        );
    }
}
