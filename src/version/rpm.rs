//! RPM versions: `[epoch:]version[-release]`, ordered like rpm 4.18's `rpm.vercmp()`.
//!
//! Epoch, version and release are each compared with `rpmvercmp()` (the `~` and `^` rules,
//! alternating alphabetic and numeric segments, numbers beating letters, leading zeros
//! ignored). Like rpm 4.18's `rpmverCmp()`, a missing epoch counts as `0`, and when only one
//! side has a release that side is newer (`1.0-~` > `1.0`), whatever the release says.
//!
//! rpm itself compares any bytes; we refuse what `rpmbuild` would never put in a package
//! header (anything outside ASCII letters, digits and `._+~^` in version and release), so a
//! mangled string (whitespace, a shell fragment, an arch suffix glued on with `:`) is
//! reported rather than given a meaningless order.

use super::{Part, VersionError};
use std::cmp::Ordering;
use std::str::FromStr;

/// A borrowed, validated view of an RPM EVR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RpmRef<'a> {
    epoch: Option<&'a [u8]>,
    version: &'a [u8],
    release: Option<&'a [u8]>,
}

fn char_at(s: &str, at: usize) -> char {
    s.get(at..)
        .and_then(|t| t.chars().next())
        .unwrap_or('\u{FFFD}')
}

const fn is_evr_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'~' | b'^')
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
        if is_evr_char(c as u8) {
            t[c] = PLAIN;
        }
        c += 1;
    }
    t[b':' as usize] = COLON;
    t[b'-' as usize] = HYPHEN;
    t
};

/// Splits like rpm's `parseEVR()`: an epoch is a run of digits ended by `:`, the release
/// starts after the last `-`.
///
/// One scan classifies the bytes and settles the usual `[digits:]version[-release]`; anything
/// else takes the careful path, which also builds the error.
pub(crate) fn parse_ref(raw: &str) -> Result<RpmRef<'_>, VersionError> {
    let b = raw.as_bytes();
    let (mut colons, mut colon, mut hyphen) = (0usize, 0usize, usize::MAX);
    let mut odd = b.is_empty();
    for (i, &c) in b.iter().enumerate() {
        match CLASS[c as usize] {
            PLAIN => {}
            COLON => {
                colons += 1;
                colon = i;
            }
            HYPHEN => hyphen = i,
            _ => {
                odd = true;
                break;
            }
        }
    }
    if !odd && colons <= 1 {
        let (epoch, vr_at) = if colons == 1 {
            (Some(&b[..colon]), colon + 1)
        } else {
            (None, 0)
        };
        let epoch_ok = epoch.is_none_or(|e| !e.is_empty() && e.iter().all(u8::is_ascii_digit));
        let (v_end, release) = if hyphen == usize::MAX {
            (b.len(), None)
        } else {
            (hyphen, Some(&b[(hyphen + 1).min(b.len())..]))
        };
        if epoch_ok && vr_at < v_end && release.is_none_or(|r| !r.is_empty()) {
            return Ok(RpmRef {
                epoch,
                version: &b[vr_at..v_end],
                release,
            });
        }
    }
    parse_ref_careful(raw)
}

fn parse_ref_careful(raw: &str) -> Result<RpmRef<'_>, VersionError> {
    let b = raw.as_bytes();
    if b.is_empty() {
        return Err(VersionError::Empty);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let (epoch, vr_at) = if b.get(digits) == Some(&b':') {
        if digits == 0 {
            return Err(VersionError::EmptyEpoch);
        }
        (Some(&b[..digits]), digits + 1)
    } else {
        (None, 0)
    };
    let vr = &b[vr_at..];
    let (version, release) = match vr.iter().rposition(|&c| c == b'-') {
        Some(h) => (&vr[..h], Some(&vr[h + 1..])),
        None => (vr, None),
    };
    if version.is_empty() {
        return Err(VersionError::EmptyPart {
            part: Part::Version,
        });
    }
    // `-` may appear inside the version (the release is split off at the last one).
    if let Some(i) = version.iter().position(|&c| !(is_evr_char(c) || c == b'-')) {
        return Err(VersionError::InvalidChar {
            ch: char_at(raw, vr_at + i),
            part: Part::Version,
        });
    }
    if let Some(rel) = release {
        if rel.is_empty() {
            return Err(VersionError::EmptyPart {
                part: Part::Release,
            });
        }
        if let Some(i) = rel.iter().position(|&c| !is_evr_char(c)) {
            let at = vr_at + version.len() + 1 + i;
            return Err(VersionError::InvalidChar {
                ch: char_at(raw, at),
                part: Part::Release,
            });
        }
    }
    Ok(RpmRef {
        epoch,
        version,
        release,
    })
}

/// rpm's `rpmvercmp()` on byte slices.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let is_mark = |c: u8| c.is_ascii_alphanumeric() || c == b'~' || c == b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while i < a.len() && !is_mark(a[i]) {
            i += 1;
        }
        while j < b.len() && !is_mark(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());

        // `~` sorts before everything, the end of the string included.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^` sorts after the end of the string but before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            let (Some(ca), Some(cb)) = (ca, cb) else {
                return if ca.is_none() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            };
            if ca != b'^' {
                return Ordering::Greater;
            }
            if cb != b'^' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let Some(ca) = ca else { break };
        if cb.is_none() {
            break;
        }

        let numeric = ca.is_ascii_digit();
        let in_segment = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let ea = i + a[i..].iter().take_while(|c| in_segment(c)).count();
        let eb = j + b[j..].iter().take_while(|c| in_segment(c)).count();
        if eb == j {
            // Segments of different kinds: numeric is newer than alphabetic.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut sa, mut sb) = (&a[i..ea], &b[j..eb]);
        if numeric {
            while let [b'0', rest @ ..] = sa {
                sa = rest;
            }
            while let [b'0', rest @ ..] = sb {
                sb = rest;
            }
            match sa.len().cmp(&sb.len()) {
                Ordering::Equal => {}
                ord => return ord,
            }
        }
        match sa.cmp(sb) {
            Ordering::Equal => {}
            ord => return ord,
        }
        i = ea;
        j = eb;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// rpm 4.18 `rpmverCmp()`: a present part beats a missing one.
fn cmp_opt(a: Option<&[u8]>, b: Option<&[u8]>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => rpmvercmp(a, b),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

pub(crate) fn cmp_ref(a: &RpmRef<'_>, b: &RpmRef<'_>) -> Ordering {
    rpmvercmp(a.epoch.unwrap_or(b"0"), b.epoch.unwrap_or(b"0"))
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| cmp_opt(a.release, b.release))
}

/// An owned, validated RPM EVR that displays exactly as it was written.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    raw: String,
    /// Length of the epoch digits, if there is an epoch.
    epoch_len: Option<usize>,
    /// Byte offset of the release-separating `-`, if there is a release.
    hyphen: Option<usize>,
}

impl RpmVersion {
    /// Validates and compares two strings without allocating.
    pub fn compare_str(a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(cmp_ref(&parse_ref(a)?, &parse_ref(b)?))
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The epoch digits as written, if any (a missing epoch compares as `0`).
    pub fn epoch(&self) -> Option<&str> {
        self.epoch_len.map(|n| &self.raw[..n])
    }

    pub fn version(&self) -> &str {
        let start = self.epoch_len.map_or(0, |n| n + 1);
        &self.raw[start..self.hyphen.unwrap_or(self.raw.len())]
    }

    pub fn release(&self) -> Option<&str> {
        self.hyphen.map(|h| &self.raw[h + 1..])
    }

    fn view(&self) -> RpmRef<'_> {
        RpmRef {
            epoch: self.epoch().map(str::as_bytes),
            version: self.version().as_bytes(),
            release: self.release().map(str::as_bytes),
        }
    }
}

impl FromStr for RpmVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let r = parse_ref(s)?;
        Ok(RpmVersion {
            raw: s.to_owned(),
            epoch_len: r.epoch.map(<[u8]>::len),
            hyphen: r.release.map(|rel| s.len() - rel.len() - 1),
        })
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_ref(&self.view(), &other.view())
    }
}

version_traits!(RpmVersion);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        RpmVersion::compare_str(a, b).unwrap()
    }

    #[test]
    fn long_numbers_do_not_overflow() {
        assert_eq!(
            cmp("99999999999999999999-1", "100000000000000000000-1"),
            Ordering::Less
        );
        assert_eq!(
            cmp("18446744073709551616", "18446744073709551615"),
            Ordering::Greater
        );
        assert_eq!(cmp("99999999999999999999:1", "1:2"), Ordering::Greater);
        assert_eq!(cmp("1.001", "1.1"), Ordering::Equal);
    }

    #[test]
    fn tilde_and_caret() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~"), Ordering::Less);
        assert_eq!(cmp("1.0^post1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0^", "1.0~"), Ordering::Greater);
        assert_eq!(cmp("1.0^^", "1.0^"), Ordering::Greater);
        assert_eq!(cmp("1.0^1", "1.0.1"), Ordering::Less);
        assert_eq!(cmp("2.34-1.el7", "2.34^1-1.el7"), Ordering::Less);
    }

    #[test]
    fn segments() {
        assert_eq!(cmp("1.0a", "1.0"), Ordering::Greater);
        assert_eq!(cmp("a", "1"), Ordering::Less, "numeric beats alpha");
        assert_eq!(
            cmp("1.0_1", "1.0.1"),
            Ordering::Equal,
            "separators are all alike"
        );
        assert_eq!(cmp("1.0", "1.0."), Ordering::Equal);
        assert_eq!(cmp("1.0", "1.0.0"), Ordering::Less);
        assert_eq!(cmp("1.0-1.el9", "1.0-1.el9_1"), Ordering::Less);
    }

    #[test]
    fn epochs_and_releases() {
        assert_eq!(cmp("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(cmp("0:1.0-1", "1.0-1"), Ordering::Equal);
        assert_eq!(cmp("01:1.0", "1:1.0"), Ordering::Equal);
        assert_eq!(
            cmp("1.0", "1.0-1"),
            Ordering::Less,
            "a release beats no release"
        );
        assert_eq!(cmp("1.0-~", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0-0", "1.0"), Ordering::Greater);
        assert_eq!(
            cmp("1.0-1-2", "1.0-1-3"),
            Ordering::Less,
            "release after the last -"
        );
        assert_eq!(
            cmp("1.0-1-2", "1.0-2"),
            Ordering::Greater,
            "version 1.0-1 > 1.0"
        );
    }

    #[test]
    fn rejects_malformed() {
        use VersionError as E;
        for (s, want) in [
            ("", E::Empty),
            (":1.0", E::EmptyEpoch),
            (
                "1:",
                E::EmptyPart {
                    part: Part::Version,
                },
            ),
            (
                "-1",
                E::EmptyPart {
                    part: Part::Version,
                },
            ),
            (
                "1.0-",
                E::EmptyPart {
                    part: Part::Release,
                },
            ),
            (
                "a:1.0",
                E::InvalidChar {
                    ch: ':',
                    part: Part::Version,
                },
            ),
            (
                "1:2:3",
                E::InvalidChar {
                    ch: ':',
                    part: Part::Version,
                },
            ),
            (
                "1.0 1",
                E::InvalidChar {
                    ch: ' ',
                    part: Part::Version,
                },
            ),
            (
                "1.0-1/x",
                E::InvalidChar {
                    ch: '/',
                    part: Part::Release,
                },
            ),
            (
                "1.0-1é",
                E::InvalidChar {
                    ch: 'é',
                    part: Part::Release,
                },
            ),
        ] {
            assert_eq!(parse_ref(s).map(|_| ()), Err(want), "{s:?}");
        }
    }

    #[test]
    fn owned_type_keeps_parts_and_text() {
        let v: RpmVersion = "2:1.6.0-3-4.el9".parse().unwrap();
        assert_eq!(
            (v.epoch(), v.version(), v.release()),
            (Some("2"), "1.6.0-3", Some("4.el9"))
        );
        assert_eq!(v.to_string(), "2:1.6.0-3-4.el9");
        let n: RpmVersion = "1.0".parse().unwrap();
        assert_eq!((n.epoch(), n.version(), n.release()), (None, "1.0", None));
        assert_eq!(n, "0:1.00".parse::<RpmVersion>().unwrap());
    }

    fn version() -> impl Strategy<Value = String> {
        "([0-2]:)?[0-9a][0-9a~^._]{0,6}(-[0-9a~^._]{1,4})?"
    }

    proptest! {
        /// The single-pass fast path must be indistinguishable from the careful parser.
        #[test]
        fn fast_path_agrees_with_careful_parser(s in "[0-9a:~^+._\\- !]{0,12}") {
            prop_assert_eq!(parse_ref(&s), parse_ref_careful(&s));
        }

        #[test]
        fn ordering_laws(a in version(), b in version(), c in version()) {
            let (x, y, z): (RpmVersion, RpmVersion, RpmVersion) =
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
