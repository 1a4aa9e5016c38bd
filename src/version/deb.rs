//! Debian versions: `[epoch:]upstream[-revision]`, ordered like dpkg 1.21.
//!
//! Validation follows dpkg's `parseversion()` (what `dpkg --validate-version` runs), including
//! its quirks, so a version dpkg would install is never refused and one it refuses never gets
//! an answer. Comparison is dpkg's `verrevcmp()`, except that digit runs are compared as
//! strings so numbers of any length work (dpkg does the same; a `u64` would overflow).

use super::{Part, VersionError};
use std::cmp::Ordering;
use std::str::FromStr;

/// dpkg stores the epoch in an `int`; anything above is "too big".
const EPOCH_MAX: u32 = i32::MAX as u32;

/// A borrowed, validated view of a Debian version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DebRef<'a> {
    epoch: u32,
    upstream: &'a [u8],
    /// `None` for a native version; dpkg orders it like an empty revision.
    revision: Option<&'a [u8]>,
}

/// dpkg's `c_isblank`: what it trims around a version and refuses inside one.
fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// C `isspace`, which `strtol` skips before the epoch digits.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The character starting at byte `at` of `s`, for error messages.
fn char_at(s: &str, at: usize) -> char {
    s.get(at..)
        .and_then(|t| t.chars().next())
        .unwrap_or('\u{FFFD}')
}

/// Byte classes for the single-pass fast path of [`parse_ref`].
const PLAIN: u8 = 0;
const COLON: u8 = 1;
const HYPHEN: u8 = 2;
const OTHER: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'+' || b == b'~' {
            t[c] = PLAIN;
        }
        c += 1;
    }
    t[b':' as usize] = COLON;
    t[b'-' as usize] = HYPHEN;
    t
};

/// Validates `raw` the way dpkg's `parseversion()` does and returns the parts.
///
/// Real versions are almost always plain (`[epoch:]digit[alnum.+~:-]*`), so one scan
/// classifies the bytes and settles those; anything unusual (whitespace, signs, odd
/// characters, misplaced separators) takes the careful path, which also builds the error.
pub(crate) fn parse_ref(raw: &str) -> Result<DebRef<'_>, VersionError> {
    let b = raw.as_bytes();
    let (mut first_colon, mut last_colon, mut last_hyphen) = (usize::MAX, 0, 0);
    let mut odd = b.is_empty();
    for (i, &c) in b.iter().enumerate() {
        match CLASS[c as usize] {
            PLAIN => {}
            COLON => {
                first_colon = first_colon.min(i);
                last_colon = i;
            }
            HYPHEN => last_hyphen = i,
            _ => {
                odd = true;
                break;
            }
        }
    }
    if !odd && let Some(v) = plain_ref(b, first_colon, last_colon, last_hyphen) {
        return Ok(v);
    }
    parse_ref_careful(raw)
}

/// The fast path's decision, from one scan of `b` (non-empty, every byte of class PLAIN,
/// COLON or HYPHEN): the first and last `:` (`usize::MAX` and 0 when there is none) and the
/// last `-` (0 when there is none). `Some` only for a plain version
/// (`[epoch:]digit[alnum.+~:-]*` with its separators where dpkg wants them), whose parts
/// are then exactly those `parse_ref_careful` would find; `None` leaves the string to it.
#[inline(always)]
fn plain_ref(
    b: &[u8],
    first_colon: usize,
    last_colon: usize,
    last_hyphen: usize,
) -> Option<DebRef<'_>> {
    let (epoch_digits, rest_at) = if first_colon == usize::MAX {
        (&b[..0], 0)
    } else {
        (&b[..first_colon], first_colon + 1)
    };
    let has_rev = last_hyphen >= rest_at && b.get(last_hyphen) == Some(&b'-');
    let up_end = if has_rev { last_hyphen } else { b.len() };
    let plain = (first_colon == usize::MAX
        || (!epoch_digits.is_empty()
            && epoch_digits.len() <= 9
            && epoch_digits.iter().all(u8::is_ascii_digit)))
        && rest_at < up_end
        && b[rest_at].is_ascii_digit()
        && (!has_rev || (last_hyphen + 1 < b.len() && last_colon < last_hyphen));
    if !plain {
        return None;
    }
    let epoch = epoch_digits
        .iter()
        .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
    Some(DebRef {
        epoch,
        upstream: &b[rest_at..up_end],
        revision: has_rev.then(|| &b[last_hyphen + 1..]),
    })
}

/// The common `vercmp deb --stdin` line, `A B\n` with two plain versions (see
/// [`parse_ref`]), validated, split and compared: the line's length with its newline, and
/// the answer. `None` for anything else (no newline in `buf`, another separator, an empty
/// field, a version that is not plain), which the caller hands to the general path: it
/// finds the same two fields and the same parts for every line answered here, and the
/// error for every other.
///
/// The newline and the space are found with memchr, and each field is classified without
/// a branch per byte (a jump per byte cost more than the comparison).
#[inline]
pub(crate) fn compare_plain_line(buf: &[u8]) -> Option<(usize, Ordering)> {
    let nl = memchr::memchr(b'\n', buf)?;
    let line = &buf[..nl];
    let sp = memchr::memchr(b' ', line)?;
    let (a, b) = (&line[..sp], &line[sp + 1..]);
    let x = plain_field(a)?;
    let y = plain_field(b)?;
    Some((nl + 1, cmp_ref(&x, &y)))
}

/// [`parse_ref`]'s fast path on one field, with selects instead of branches: `None` when
/// the field is empty, holds a byte other than PLAIN, COLON or HYPHEN (a second space, a
/// `\r`, a tab…), or is not plain.
#[inline(always)]
fn plain_field(f: &[u8]) -> Option<DebRef<'_>> {
    let (mut first_colon, mut last_colon, mut last_hyphen) = (usize::MAX, 0, 0);
    let mut other = false;
    for (i, &c) in f.iter().enumerate() {
        let k = CLASS[c as usize];
        other |= k == OTHER;
        let colon = k == COLON;
        first_colon = if colon {
            first_colon.min(i)
        } else {
            first_colon
        };
        last_colon = if colon { i } else { last_colon };
        last_hyphen = if k == HYPHEN { i } else { last_hyphen };
    }
    if other || f.is_empty() {
        return None;
    }
    plain_ref(f, first_colon, last_colon, last_hyphen)
}

/// The full dpkg `parseversion()` logic, for everything the fast path does not settle.
fn parse_ref_careful(raw: &str) -> Result<DebRef<'_>, VersionError> {
    let b = raw.as_bytes();
    let mut start = 0;
    while start < b.len() && is_blank(b[start]) {
        start += 1;
    }
    if start == b.len() {
        return Err(VersionError::Empty);
    }
    let mut end = start;
    while end < b.len() && !is_blank(b[end]) {
        end += 1;
    }
    if b[end..].iter().any(|&c| !is_blank(c)) {
        return Err(VersionError::EmbeddedWhitespace);
    }
    let s = &b[start..end];

    let (epoch, rest_at) = match s.iter().position(|&c| c == b':') {
        Some(colon) => (parse_epoch(&s[..colon])?, colon + 1),
        None => (0, 0),
    };
    if rest_at > 0 && rest_at == s.len() {
        return Err(VersionError::NothingAfterColon);
    }
    let rest = &s[rest_at..];
    let (upstream, revision, rev_at) = match rest.iter().rposition(|&c| c == b'-') {
        Some(h) => {
            if h + 1 == rest.len() {
                return Err(VersionError::EmptyPart {
                    part: Part::Revision,
                });
            }
            (&rest[..h], Some(&rest[h + 1..]), h + 1)
        }
        None => (rest, None, rest.len()),
    };
    let Some(&first) = upstream.first() else {
        return Err(VersionError::EmptyPart {
            part: Part::Upstream,
        });
    };
    if !first.is_ascii_digit() {
        return Err(VersionError::NoLeadingDigit {
            part: Part::Upstream,
        });
    }
    let base = start + rest_at;
    if let Some(i) = upstream.iter().position(|&c| {
        !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'~' | b':'))
    }) {
        let ch = char_at(raw, base + i);
        return Err(VersionError::InvalidChar {
            ch,
            part: Part::Upstream,
        });
    }
    if let Some(i) = revision
        .unwrap_or_default()
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'~')))
    {
        let ch = char_at(raw, base + rev_at + i);
        return Err(VersionError::InvalidChar {
            ch,
            part: Part::Revision,
        });
    }
    Ok(DebRef {
        epoch,
        upstream,
        revision,
    })
}

/// Parses the text before the first `:` as dpkg does, with `strtol`: leading C whitespace and
/// a sign are allowed, so `+1:` and `-0:` are valid epochs while `-1:` is negative.
fn parse_epoch(s: &[u8]) -> Result<u32, VersionError> {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let negative = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() && s.is_empty() {
        return Err(VersionError::EmptyEpoch);
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(VersionError::EpochNotNumber);
    }
    let value = digits.iter().fold(0u64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    if negative && value != 0 {
        return Err(VersionError::NegativeEpoch);
    }
    u32::try_from(value)
        .ok()
        .filter(|&v| v <= EPOCH_MAX)
        .ok_or(VersionError::EpochTooBig { max: EPOCH_MAX })
}

/// dpkg's character weight: `~` below the end of the string, letters below other symbols.
#[inline]
fn order(c: Option<&u8>) -> i32 {
    match c {
        None => 0,
        Some(&c) if c.is_ascii_digit() => 0,
        Some(&c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(&c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp()` on byte slices.
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit prefix, char by char. The weights can only tie when both sides have a
        // non-digit, so neither index runs past its end.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let (ac, bc) = (order(a.get(i)), order(b.get(j)));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let (si, sj) = (i, j);
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let ord = (i - si)
            .cmp(&(j - sj))
            .then_with(|| a[si..i].cmp(&b[sj..j]));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

pub(crate) fn cmp_ref(a: &DebRef<'_>, b: &DebRef<'_>) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| verrevcmp(a.upstream, b.upstream))
        .then_with(|| {
            verrevcmp(
                a.revision.unwrap_or_default(),
                b.revision.unwrap_or_default(),
            )
        })
}

/// An owned, validated Debian version that displays exactly as it was written.
#[derive(Debug, Clone)]
pub struct DebVersion {
    raw: String,
    epoch: u32,
    upstream: (usize, usize),
    revision: Option<(usize, usize)>,
}

impl DebVersion {
    /// Validates and compares two strings without allocating.
    pub fn compare_str(a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(cmp_ref(&parse_ref(a)?, &parse_ref(b)?))
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The epoch; 0 when the string has none.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    pub fn upstream(&self) -> &str {
        &self.raw[self.upstream.0..self.upstream.1]
    }

    /// The Debian revision, if the string has one (`None` for native packages).
    pub fn revision(&self) -> Option<&str> {
        self.revision.map(|(s, e)| &self.raw[s..e])
    }

    fn view(&self) -> DebRef<'_> {
        let b = self.raw.as_bytes();
        DebRef {
            epoch: self.epoch,
            upstream: &b[self.upstream.0..self.upstream.1],
            revision: self.revision.map(|(s, e)| &b[s..e]),
        }
    }
}

/// Byte offset of `part` inside `whole`; `part` must be a subslice of `whole`.
fn offset_in(whole: &str, part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

impl FromStr for DebVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let r = parse_ref(s)?;
        let up = offset_in(s, r.upstream);
        let revision = r.revision.map(|rev| {
            let at = offset_in(s, rev);
            (at, at + rev.len())
        });
        Ok(DebVersion {
            raw: s.to_owned(),
            epoch: r.epoch,
            upstream: (up, up + r.upstream.len()),
            revision,
        })
    }
}

impl Ord for DebVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_ref(&self.view(), &other.view())
    }
}

version_traits!(DebVersion);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        DebVersion::compare_str(a, b).unwrap()
    }

    #[test]
    fn long_numbers_do_not_overflow() {
        assert_eq!(
            cmp("99999999999999999999", "100000000000000000000"),
            Ordering::Less
        );
        assert_eq!(
            cmp("1.99999999999999999999", "1.100000000000000000000"),
            Ordering::Less
        );
        assert_eq!(cmp("000000000000000000000001", "1"), Ordering::Equal);
        assert_eq!(
            cmp("1-184467440737095516160", "1-184467440737095516161"),
            Ordering::Less
        );
    }

    #[test]
    fn tilde_sorts_before_everything_even_the_end() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~"), Ordering::Less);
        assert_eq!(cmp("1.0~", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0-1~bpo1", "1.0-1"), Ordering::Less);
        assert_eq!(
            cmp("1.0a", "1.0+"),
            Ordering::Less,
            "letters before non-letters"
        );
        assert_eq!(cmp("1.0", "1.0a"), Ordering::Less);
    }

    #[test]
    fn epochs_dominate() {
        assert_eq!(cmp("1:0", "0:99"), Ordering::Greater);
        assert_eq!(cmp("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("2:1.0", "10:0.1"), Ordering::Less);
        assert_eq!(
            cmp("+1:1.0", "1:1.0"),
            Ordering::Equal,
            "strtol accepts a sign"
        );
        assert_eq!(cmp("-0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("2147483647:1", "1:1"), Ordering::Greater);
    }

    #[test]
    fn empty_revision_equals_zero() {
        assert_eq!(cmp("1.0-0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0-00", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0-0.1", "1.0"), Ordering::Greater);
        assert_eq!(
            cmp("1.2.3-4-5", "1.2.3-4"),
            Ordering::Greater,
            "split at the last hyphen"
        );
    }

    #[test]
    fn rejects_what_dpkg_rejects() {
        use VersionError as E;
        let cases = [
            ("", E::Empty),
            ("  ", E::Empty),
            ("1.0 1", E::EmbeddedWhitespace),
            (":1", E::EmptyEpoch),
            ("a:1", E::EpochNotNumber),
            ("-1:1", E::NegativeEpoch),
            ("2147483648:1", E::EpochTooBig { max: EPOCH_MAX }),
            (
                "99999999999999999999999:1",
                E::EpochTooBig { max: EPOCH_MAX },
            ),
            ("1:", E::NothingAfterColon),
            (
                "1.0-",
                E::EmptyPart {
                    part: Part::Revision,
                },
            ),
            (
                "-1",
                E::EmptyPart {
                    part: Part::Upstream,
                },
            ),
            (
                "a1",
                E::NoLeadingDigit {
                    part: Part::Upstream,
                },
            ),
            (
                "~",
                E::NoLeadingDigit {
                    part: Part::Upstream,
                },
            ),
            (
                "1.0!",
                E::InvalidChar {
                    ch: '!',
                    part: Part::Upstream,
                },
            ),
            (
                "1.0-@",
                E::InvalidChar {
                    ch: '@',
                    part: Part::Revision,
                },
            ),
            (
                "1:1.0-1:2",
                E::InvalidChar {
                    ch: ':',
                    part: Part::Revision,
                },
            ),
            (
                "1.0é",
                E::InvalidChar {
                    ch: 'é',
                    part: Part::Upstream,
                },
            ),
            (
                "1.0_1",
                E::InvalidChar {
                    ch: '_',
                    part: Part::Upstream,
                },
            ),
        ];
        for (s, want) in cases {
            assert_eq!(parse_ref(s).map(|_| ()), Err(want), "{s:?}");
        }
    }

    #[test]
    fn accepts_what_dpkg_accepts() {
        // All confirmed with `dpkg --validate-version` 1.21.22; the epoch goes through strtol.
        for s in [
            " 1.0",
            "1.0 ",
            "\t1.0\t",
            "1:1.2:3-4",
            "1:1.0:",
            "1.0-1-2",
            "1.0-+",
            "0",
            "0:0",
            "1a~b+c.d-e.f+g~h",
            "+1:1.0",
            "-0:1.0",
            "\n1:1.0",
        ] {
            assert!(parse_ref(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn owned_type_keeps_parts_and_text() {
        let v: DebVersion = "2:1.2-3-4ubuntu1".parse().unwrap();
        assert_eq!(v.epoch(), 2);
        assert_eq!(v.upstream(), "1.2-3");
        assert_eq!(v.revision(), Some("4ubuntu1"));
        assert_eq!(v.to_string(), "2:1.2-3-4ubuntu1");
        let n: DebVersion = " 1.0 ".parse().unwrap();
        assert_eq!(
            (n.upstream(), n.revision(), n.to_string().as_str()),
            ("1.0", None, " 1.0 ")
        );
        assert_eq!(n, "0:1.0-0".parse::<DebVersion>().unwrap());
    }

    fn version() -> impl Strategy<Value = String> {
        // A small alphabet makes equal and near-equal pairs common.
        "([0-2]:)?[0-9][0-9a~+.]{0,6}(-[0-9a~+.]{1,4})?"
    }

    proptest! {
        /// The single-pass fast path must be indistinguishable from the careful parser.
        #[test]
        fn fast_path_agrees_with_careful_parser(s in "[0-9a:~+.\\- !_]{0,12}") {
            prop_assert_eq!(parse_ref(&s), parse_ref_careful(&s));
        }

        #[test]
        fn ordering_laws(a in version(), b in version(), c in version()) {
            let (x, y, z): (DebVersion, DebVersion, DebVersion) =
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
