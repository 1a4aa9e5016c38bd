//! Alpine versions, ordered like `apk version -t` of apk-tools 2.14 (Alpine 3.19 to 3.22).
//!
//! apk reads a version as a stream of typed tokens, `N{.N}[letter[N]]{_suffix[N]}{-rN}`, and
//! the token *kinds* take part in the ordering, not just their values. Several results
//! surprise anyone who expects "Gentoo-like" versions, and all of them matter for
//! vulnerability matching because Alpine ships such versions:
//!
//! - after a `.`, leading zeros form a token of their own worth minus the number of zeros
//!   beyond the first, read before the digits: `1.05 < 1.5`, `1.0 > 1.00`, `1.5 > 1.005`; the
//!   first component, suffix numbers and `-rN` are plain numbers (`01.5 = 1.5`);
//! - a number of 18 or more digits makes the version invalid (apk keeps them in 64 bits);
//! - a single lowercase letter may follow a number and be followed by digits (`1.0a1`);
//! - `_alpha _beta _pre _rc` sort below "nothing", `_cvs _svn _git _hg _p` above it, and
//!   suffixes chain (`1.0_alpha_pre2`);
//! - a missing suffix number or revision is below an explicit `0` (`_p < _p0`, `1.0 < 1.0-r0`).
//!
//! The validator accepts the odd strings apk 2.14's `apk version -c` accepts (`.1`, `a`,
//! `_pre1`, `0.1-r`, `0.1_`, `0.1-r2-r3`), since real indexes may contain them, and the
//! empty string. It refuses NUL bytes, which a C string could never carry.

use super::{Part, VersionError};
use std::cmp::Ordering;
use std::str::FromStr;

/// Token kinds in apk's order: when two versions agree up to a point, the one whose next
/// token has the *lower* kind is the newer (more tokens follow), except for pre-release
/// suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Invalid,
    /// A number after a `.`, with the leading-zero rule.
    DotNumber,
    Number,
    Letter,
    Suffix,
    SuffixNumber,
    Revision,
    End,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Invalid => "an invalid token",
            Kind::DotNumber | Kind::Number => "a number",
            Kind::Letter => "a letter",
            Kind::Suffix => "a suffix",
            Kind::SuffixNumber => "a suffix number",
            Kind::Revision => "a revision",
            Kind::End => "the end",
        }
    }
}

const PRE_SUFFIXES: [&[u8]; 4] = [b"alpha", b"beta", b"pre", b"rc"];
const POST_SUFFIXES: [&[u8]; 5] = [b"cvs", b"svn", b"git", b"hg", b"p"];

/// apk rejects numbers of this many digits or more.
const MAX_DIGITS: usize = 18;

/// Reads one version token by token, without allocating.
#[derive(Clone, Copy)]
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// Kind of the token that starts at `pos`.
    kind: Kind,
    /// Why `kind` became `Invalid`.
    error: Option<VersionError>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            kind: Kind::Number,
            error: None,
        }
    }

    fn fail(&mut self, error: VersionError) -> i64 {
        self.kind = Kind::Invalid;
        self.error = Some(error);
        0
    }

    /// Consumes the token of kind `self.kind` and returns its value; afterwards `self.kind`
    /// is the kind of the following token (or `End` / `Invalid`).
    fn take(&mut self) -> i64 {
        let s = self.src.as_bytes();
        let start = self.pos;
        if start >= s.len() {
            self.kind = Kind::End;
            return 0;
        }
        let mut then = None;
        let value = match self.kind {
            Kind::DotNumber if s[start] == b'0' => {
                // Zeros beyond the first become a negative token; the last zero stays and is
                // read as (the start of) the following plain number.
                let extra = s[start + 1..].iter().take_while(|&&c| c == b'0').count();
                self.pos += extra;
                then = Some(Kind::Number);
                -(extra as i64)
            }
            Kind::DotNumber | Kind::Number | Kind::SuffixNumber | Kind::Revision => {
                let digits = s[start..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits >= MAX_DIGITS {
                    return self.fail(VersionError::NumberTooLong {
                        digits,
                        offset: start,
                    });
                }
                self.pos += digits;
                s[start..self.pos]
                    .iter()
                    .fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'))
            }
            Kind::Letter => {
                self.pos += 1;
                i64::from(s[start])
            }
            Kind::Suffix => {
                let rest = &s[start..];
                if let Some(i) = PRE_SUFFIXES.iter().position(|p| rest.starts_with(p)) {
                    self.pos += PRE_SUFFIXES[i].len();
                    i as i64 - PRE_SUFFIXES.len() as i64
                } else if let Some(i) = POST_SUFFIXES.iter().position(|p| rest.starts_with(p)) {
                    self.pos += POST_SUFFIXES[i].len();
                    i as i64
                } else {
                    return self.fail(VersionError::UnknownSuffix { offset: start });
                }
            }
            Kind::End | Kind::Invalid => return 0,
        };
        if self.pos >= s.len() {
            self.kind = Kind::End;
        } else if let Some(kind) = then {
            self.kind = kind;
        } else {
            self.advance();
        }
        value
    }

    /// Decides the kind of the token at `pos`, consuming its separator (`.`, `_`, `-r`).
    fn advance(&mut self) {
        let s = self.src.as_bytes();
        let at = self.pos;
        let c = s[at];
        let prev = self.kind;
        let next = if matches!(prev, Kind::Number | Kind::DotNumber) && c.is_ascii_lowercase() {
            Kind::Letter
        } else if prev == Kind::Letter && c.is_ascii_digit() {
            Kind::Number
        } else if prev == Kind::Suffix && c.is_ascii_digit() {
            Kind::SuffixNumber
        } else {
            self.pos += 1;
            match c {
                b'.' => Kind::DotNumber,
                b'_' => Kind::Suffix,
                b'-' if s.get(at + 1) == Some(&b'r') => {
                    self.pos += 1;
                    Kind::Revision
                }
                b'-' => {
                    self.fail(VersionError::Misplaced {
                        what: "'-' not followed by 'r'",
                        offset: at,
                    });
                    return;
                }
                c if c.is_ascii_lowercase() || c.is_ascii_digit() => {
                    let what = if c.is_ascii_digit() {
                        "a digit"
                    } else if prev == Kind::Letter {
                        "a second letter"
                    } else {
                        "a letter after a suffix or revision"
                    };
                    self.fail(VersionError::Misplaced { what, offset: at });
                    return;
                }
                _ => {
                    let ch = self
                        .src
                        .get(at..)
                        .and_then(|t| t.chars().next())
                        .unwrap_or('\u{FFFD}');
                    self.fail(VersionError::InvalidChar {
                        ch,
                        part: Part::Version,
                    });
                    return;
                }
            }
        };
        // Tokens only move forward through the kinds, with three ways back: a new dotted
        // number after a number, a chained suffix after a suffix number, digits after a letter.
        let back_allowed = matches!(
            (prev, next),
            (Kind::Number, Kind::DotNumber)
                | (Kind::SuffixNumber, Kind::Suffix)
                | (Kind::Letter, Kind::Number)
        );
        if next < prev && !back_allowed {
            let what = match (next, prev) {
                (Kind::DotNumber, Kind::Letter) => "'.' after a letter",
                (Kind::DotNumber, Kind::Suffix | Kind::SuffixNumber) => "'.' after a suffix",
                (Kind::DotNumber, _) => "'.' after a revision",
                (Kind::Suffix, _) => "'_' suffix after a revision",
                _ => next.describe(),
            };
            self.fail(VersionError::Misplaced { what, offset: at });
            return;
        }
        self.kind = next;
    }
}

/// Checks a version like `apk version -c` (apk-tools 2.14).
pub(crate) fn validate(s: &str) -> Result<(), VersionError> {
    if s.bytes().any(|c| c == 0) {
        return Err(VersionError::InvalidChar {
            ch: '\0',
            part: Part::Version,
        });
    }
    let mut lx = Lexer::new(s);
    while !matches!(lx.kind, Kind::End | Kind::Invalid) {
        lx.take();
    }
    match lx.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Compares two versions that passed [`validate`].
pub(crate) fn cmp_valid(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut x, mut y) = (Lexer::new(a), Lexer::new(b));
    let (mut xv, mut yv) = (0, 0);
    while x.kind == y.kind && !matches!(x.kind, Kind::End | Kind::Invalid) && xv == yv {
        xv = x.take();
        yv = y.take();
    }
    match xv.cmp(&yv) {
        Ordering::Equal => {}
        ord => return ord,
    }
    if x.kind == y.kind {
        return Ordering::Equal;
    }
    // One side has more tokens. It is newer unless what follows is a pre-release suffix.
    // Peek on copies: the kinds below must stay those of the diverging tokens.
    if x.kind == Kind::Suffix && { x }.take() < 0 {
        return Ordering::Less;
    }
    if y.kind == Kind::Suffix && { y }.take() < 0 {
        return Ordering::Greater;
    }
    y.kind.cmp(&x.kind)
}

/// An owned, validated apk version that displays exactly as it was written.
#[derive(Debug, Clone)]
pub struct ApkVersion {
    raw: String,
}

impl ApkVersion {
    /// Validates and compares two strings without allocating.
    pub fn compare_str(a: &str, b: &str) -> Result<Ordering, VersionError> {
        validate(a)?;
        validate(b)?;
        Ok(cmp_valid(a, b))
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl FromStr for ApkVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        validate(s)?;
        Ok(ApkVersion { raw: s.to_owned() })
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_valid(&self.raw, &other.raw)
    }
}

version_traits!(ApkVersion);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        ApkVersion::compare_str(a, b).unwrap()
    }

    #[test]
    fn leading_zeros_after_a_dot() {
        assert_eq!(cmp("1.0", "1.00"), Ordering::Greater);
        assert_eq!(cmp("1.05", "1.5"), Ordering::Less);
        assert_eq!(cmp("1.5", "1.005"), Ordering::Greater);
        assert_eq!(cmp("01.5", "1.5"), Ordering::Equal);
        assert_eq!(cmp("1.0-r01", "1.0-r1"), Ordering::Equal);
        assert_eq!(cmp("1.0_p01", "1.0_p1"), Ordering::Equal);
        assert_eq!(cmp("2.15.05", "2.15.4"), Ordering::Less);
    }

    #[test]
    fn long_numbers() {
        assert_eq!(
            cmp("12345678901234567", "12345678901234568"),
            Ordering::Less
        );
        assert!(validate("99999999999999999999").is_err());
        assert!(validate("100000000000000000").is_err());
        assert!(
            validate("1.0000000000000000000000000001").is_ok(),
            "zero runs are unlimited"
        );
        assert_eq!(
            validate("1.123456789012345678"),
            Err(VersionError::NumberTooLong {
                digits: 18,
                offset: 2
            })
        );
    }

    #[test]
    fn suffixes_letters_revisions() {
        assert_eq!(cmp("1.0_alpha", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0_rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0_p1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0_p", "1.0_p0"), Ordering::Less);
        assert_eq!(cmp("1.0_alpha", "1.0_alpha0"), Ordering::Less);
        assert_eq!(cmp("1.0_alpha_pre2", "1.0_alpha"), Ordering::Less);
        assert_eq!(cmp("1.0_git20240309", "1.0_p1"), Ordering::Less);
        assert_eq!(cmp("1.0a1", "1.0a"), Ordering::Greater);
        assert_eq!(cmp("1.1.1w-r1", "1.1.1v-r5"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0-r0"), Ordering::Less);
        assert_eq!(cmp("1.0-r10", "1.0-r9"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0.0"), Ordering::Less);
    }

    #[test]
    fn validator_matches_apk_2_14() {
        for ok in [
            "",
            ".1",
            "a",
            "_pre1",
            "0.1-r",
            "0.1_",
            "0.1-r2-r3",
            "2024b-r0",
            "1.0a1",
        ] {
            assert!(validate(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "1.0bc", "1.0_foo", "1.0-1", "1.0A", "1.0~rc1", "1.0a.1", "-", "1.0\0",
        ] {
            assert!(validate(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            validate("1.0A"),
            Err(VersionError::InvalidChar {
                ch: 'A',
                part: Part::Version
            })
        );
        assert_eq!(
            validate("1.0_foo"),
            Err(VersionError::UnknownSuffix { offset: 4 })
        );
    }

    fn version() -> impl Strategy<Value = String> {
        "[0-9]{1,2}(\\.[0-9]{1,3}){0,2}([a-c][0-9]?)?(_(alpha|rc|p|git)[0-9]{0,2}){0,2}(-r[0-9]{1,2})?"
    }

    proptest! {
        #[test]
        fn ordering_laws(a in version(), b in version(), c in version()) {
            let (x, y, z): (ApkVersion, ApkVersion, ApkVersion) =
                (a.parse().unwrap(), b.parse().unwrap(), c.parse().unwrap());
            prop_assert_eq!(x.cmp(&x), Ordering::Equal);
            prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
            if x <= y && y <= z {
                prop_assert!(x <= z, "{} <= {} <= {} but not {} <= {}", a, b, c, a, c);
            }
            prop_assert_eq!(x.to_string(), a);
        }
    }
}
