//! Anchors: the audit chain's head, kept outside the database so a rewritten chain is
//! caught.
//!
//! The chain alone proves only that its rows agree with each other: whoever can write the
//! database file can edit a row and recompute every hash after it. An anchor is the head
//! (row number and hash) at some moment, stored where that writer cannot forge it: in an
//! anchor file whose lines carry an HMAC-SHA-256 made with a key kept in its own file, or
//! printed (`ID:HASH`) for an external store (a ticket, a chat, WORM storage). A chain that
//! only grew since still holds the anchored row with the anchored hash; a rewritten one
//! does not.

use std::fmt;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Result;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::Sha256;

use crate::error::Failure;

/// The first word of every anchor line (and of the MAC's input): the format's version.
pub const FORMAT: &str = "patchcycle-audit-anchor/1";

/// Bytes of a generated key.
pub const KEY_BYTES: usize = 32;

/// The shortest key accepted from a key file, in bytes (RFC 2104 asks for at least the
/// hash's output length).
const MIN_KEY_BYTES: usize = 32;

/// A key file larger than this is not a key.
pub const MAX_KEY_FILE_BYTES: u64 = 4096;

/// An anchor file keeps at most this many anchors; `audit anchor` drops the oldest.
pub const MAX_ANCHORS: usize = 1000;

/// An anchor file larger than this is refused (1000 lines take about 200 KiB).
pub const MAX_ANCHOR_FILE_BYTES: u64 = 1 << 20;

/// The key file used when none is given: beside the database.
pub fn default_key_path(db: &Path) -> PathBuf {
    sibling(db, ".audit-key")
}

/// The anchor file used when none is given: beside the database.
pub fn default_anchor_path(db: &Path) -> PathBuf {
    sibling(db, ".audit-anchors")
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A row of the chain as an anchor names it: its number and hash (`ID:HASH`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl FromStr for Head {
    type Err = String;

    /// `ID:HASH`: a row number from 1 and 64 lower-case hex digits.
    fn from_str(s: &str) -> Result<Head, String> {
        let bad = || format!("{s:?} is not a head: expected ROW:HASH, e.g. 42:<64 hex digits>");
        let (seq, hash) = s.split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq
            .parse()
            .ok()
            .filter(|n| *n >= 1 && seq.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(bad)?;
        if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad());
        }
        Ok(Head {
            seq,
            hash: hash.to_string(),
        })
    }
}

/// The newest row of the chain, if any.
pub fn head(conn: &Connection) -> Result<Option<Head>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Head {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The secret of anchor MACs, read from (or created as) a key file: kept as the HMAC
/// state it keys, cloned for each MAC.
#[derive(Clone)]
pub struct Key(Hmac<Sha256>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    fn new(bytes: &[u8]) -> Result<Key> {
        Ok(Key(<Hmac<Sha256> as KeyInit>::new_from_slice(bytes)
            .map_err(|e| {
                Failure::runtime(format!("cannot key HMAC-SHA-256: {e}"))
            })?))
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(message.as_bytes());
        mac
    }
}

/// Reads the key file; refuses one that others may read, that is not a regular file, or
/// that does not hold at least 32 bytes as hex.
pub fn load_key(path: &Path) -> Result<Key> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Failure::usage(format!(
                "audit key file {} does not exist",
                path.display()
            ))
            .hint("pass the key the anchor was made with: --key FILE")
            .into());
        }
        Err(e) => {
            return Err(Failure::runtime(format!(
                "cannot read audit key file {}: {e}",
                path.display()
            ))
            .into());
        }
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Failure::usage(format!(
            "audit key file {} is not a regular file",
            path.display()
        ))
        .into());
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Failure::usage(format!(
            "audit key file {} is open to group or others (mode {mode:04o})",
            path.display()
        ))
        .hint(format!(
            "whoever reads the key can forge anchors: `chmod 600 {}`",
            path.display()
        ))
        .into());
    }
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            Failure::usage(format!(
                "audit key file {} is not text: {e}",
                path.display()
            ))
        })?;
    let bytes = (text.len() as u64 <= MAX_KEY_FILE_BYTES)
        .then(|| hex_decode(text.trim()))
        .flatten()
        .filter(|b| b.len() >= MIN_KEY_BYTES);
    match bytes {
        Some(b) => Key::new(&b),
        None => Err(Failure::usage(format!(
            "audit key file {} does not hold a key: expected at least {MIN_KEY_BYTES} bytes as hex digits on one line",
            path.display()
        ))
        .hint("let `patchcycle audit anchor --key NEW-FILE` create one")
        .into()),
    }
}

/// Reads the key file, or creates it (mode 0600, 32 random bytes as hex) when missing.
/// Returns whether it was created.
pub fn load_or_create_key(path: &Path) -> Result<(Key, bool)> {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::runtime(format!("no randomness for a new audit key: {e}")))?;
    let text = format!("{}\n", crate::digest::hex(&bytes));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path);
    match created {
        Ok(mut f) => {
            std::io::Write::write_all(&mut f, text.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| {
                    Failure::runtime(format!(
                        "cannot write audit key file {}: {e}",
                        path.display()
                    ))
                })?;
            Ok((Key::new(&bytes)?, true))
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok((load_key(path)?, false)),
        Err(e) => Err(Failure::runtime(format!(
            "cannot create audit key file {}: {e}",
            path.display()
        ))
        .into()),
    }
}

/// One line of an anchor file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub head: Head,
    /// When it was made (RFC 3339 UTC).
    pub at: String,
}

impl Anchor {
    /// What the MAC covers: the format, the row, its hash and the time, one per line.
    fn message(&self) -> String {
        format!(
            "{FORMAT}\n{}\n{}\n{}",
            self.head.seq, self.head.hash, self.at
        )
    }

    /// The line as stored: `patchcycle-audit-anchor/1 seq=N hash=H at=T mac=M`.
    pub fn line(&self, key: &Key) -> String {
        let mac = key.mac(&self.message()).finalize().into_bytes();
        format!(
            "{FORMAT} seq={} hash={} at={} mac={}",
            self.head.seq,
            self.head.hash,
            self.at,
            crate::digest::hex(&mac)
        )
    }

    /// Parses a stored line and checks its MAC with `key`.
    fn parse(line: &str, key: &Key) -> Result<Anchor, AnchorLineError> {
        let mut words = line.split(' ');
        if words.next() != Some(FORMAT) {
            return Err(AnchorLineError::Malformed);
        }
        let mut field = |name: &str| {
            words
                .next()
                .and_then(|w| w.strip_prefix(name))
                .and_then(|w| w.strip_prefix('='))
                .ok_or(AnchorLineError::Malformed)
        };
        let (seq, hash, at, mac) = (field("seq")?, field("hash")?, field("at")?, field("mac")?);
        if words.next().is_some() {
            return Err(AnchorLineError::Malformed);
        }
        let head: Head = format!("{seq}:{hash}")
            .parse()
            .map_err(|_| AnchorLineError::Malformed)?;
        if crate::clock::parse(at).is_none() {
            return Err(AnchorLineError::Malformed);
        }
        let mac = hex_decode(mac)
            .filter(|m| m.len() == 32)
            .ok_or(AnchorLineError::Malformed)?;
        let anchor = Anchor {
            head,
            at: at.to_string(),
        };
        // Constant time: a mismatch says nothing about how much of the MAC was right.
        key.mac(&anchor.message())
            .verify_slice(&mac)
            .map_err(|_| AnchorLineError::BadMac)?;
        Ok(anchor)
    }
}

enum AnchorLineError {
    Malformed,
    BadMac,
}

/// Reads the anchors of a file, each checked with `key`: a line the key did not sign (the
/// file was edited, or this is not its key) refuses the whole file.
pub fn read_anchors(path: &Path, key: &Key) -> Result<Vec<Anchor>> {
    let text = read_anchor_file(path)?.ok_or_else(|| {
        Failure::usage(format!("anchor file {} does not exist", path.display()))
            .hint("make one with `patchcycle audit anchor`, or pass the file with --anchor FILE")
    })?;
    let anchors = parse_anchors(path, &text, key)?;
    if anchors.is_empty() {
        return Err(
            Failure::usage(format!("anchor file {} holds no anchor", path.display())).into(),
        );
    }
    Ok(anchors)
}

fn parse_anchors(path: &Path, text: &str, key: &Key) -> Result<Vec<Anchor>> {
    let mut anchors = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        match Anchor::parse(line, key) {
            Ok(a) => anchors.push(a),
            Err(AnchorLineError::Malformed) => {
                return Err(Failure::usage(format!(
                    "anchor file {} line {}: not an anchor (expected \"{FORMAT} seq=N hash=H at=T mac=M\")",
                    path.display(),
                    n + 1
                ))
                .into());
            }
            Err(AnchorLineError::BadMac) => {
                return Err(Failure::gate(format!(
                    "anchor file {} line {}: the MAC does not match the key: the anchor was altered, or it was made with another key",
                    path.display(),
                    n + 1
                ))
                .hint("pass the key the anchors were made with (--key FILE); if it is the right one, the anchor file was tampered with")
                .into());
            }
        }
    }
    Ok(anchors)
}

/// The file's text, `None` when it does not exist; bounded, and only a regular file.
fn read_anchor_file(path: &Path) -> Result<Option<String>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Failure::runtime(format!(
                "cannot read anchor file {}: {e}",
                path.display()
            ))
            .into());
        }
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Failure::usage(format!(
            "anchor file {} is not a regular file",
            path.display()
        ))
        .into());
    }
    if meta.size() > MAX_ANCHOR_FILE_BYTES {
        return Err(Failure::usage(format!(
            "anchor file {} is larger than {} KiB: not an anchor file",
            path.display(),
            MAX_ANCHOR_FILE_BYTES / 1024
        ))
        .into());
    }
    let mut text = String::new();
    file.take(MAX_ANCHOR_FILE_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("anchor file {} is not text: {e}", path.display())))?;
    Ok(Some(text))
}

/// The anchors of a file that may not exist yet (none then), each checked with `key`:
/// appending must not bless a file this key did not sign.
pub fn existing(path: &Path, key: &Key) -> Result<Vec<Anchor>> {
    match read_anchor_file(path)? {
        Some(text) => parse_anchors(path, &text, key),
        None => Ok(Vec::new()),
    }
}

/// An anchor file's text: one signed line per anchor, the oldest dropped beyond
/// [`MAX_ANCHORS`].
pub fn render(key: &Key, anchors: &[Anchor]) -> String {
    let skip = anchors.len().saturating_sub(MAX_ANCHORS);
    let mut text = String::new();
    for a in &anchors[skip..] {
        text.push_str(&a.line(key));
        text.push('\n');
    }
    text
}

/// How the chain compares with a set of anchored heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    /// Heads compared.
    pub anchors: usize,
    pub ok: bool,
    /// The newest anchored row that still matches.
    pub matched_up_to: Option<i64>,
    /// The oldest anchored row that does not: the first changed row is at or before it
    /// (and after `matched_up_to`).
    pub mismatch_at: Option<i64>,
    pub problem: Option<String>,
}

/// A head to compare, and where it came from (for messages).
pub struct Anchored {
    pub head: Head,
    pub source: String,
}

impl From<Anchor> for Anchored {
    fn from(a: Anchor) -> Anchored {
        Anchored {
            source: format!("anchored at {}", a.at),
            head: a.head,
        }
    }
}

/// Compares the chain's rows with anchored heads, oldest row first. Call on a chain that
/// verified, inside the same read transaction.
pub fn check(conn: &Connection, anchored: &[Anchored]) -> Result<AnchorCheck> {
    let mut sorted: Vec<&Anchored> = anchored.iter().collect();
    sorted.sort_by_key(|a| a.head.seq);
    let rows: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    let mut matched_up_to = None;
    for a in sorted {
        let stored: Option<String> = conn
            .query_row("SELECT hash FROM audit WHERE seq = ?1", [a.head.seq], |r| {
                r.get(0)
            })
            .optional()?;
        let after = matched_up_to.map_or(1, |m: i64| m + 1);
        let range = if after == a.head.seq {
            format!("row {after} is the first changed row")
        } else {
            format!(
                "the first changed row is one of rows {after}–{}",
                a.head.seq
            )
        };
        let problem = match stored {
            Some(h) if h == a.head.hash => {
                matched_up_to = Some(a.head.seq);
                continue;
            }
            Some(_) => format!(
                "row {} does not have the hash {}; the chain was rewritten ({range})",
                a.head.seq, a.source
            ),
            None => format!(
                "row {} {} is missing: the log holds {rows} row(s), rows were removed",
                a.head.seq, a.source
            ),
        };
        return Ok(AnchorCheck {
            anchors: anchored.len(),
            ok: false,
            matched_up_to,
            mismatch_at: Some(a.head.seq),
            problem: Some(problem),
        });
    }
    Ok(AnchorCheck {
        anchors: anchored.len(),
        ok: true,
        matched_up_to,
        mismatch_at: None,
        problem: None,
    })
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .filter(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::new(&[byte; 32]).unwrap()
    }

    fn anchor() -> Anchor {
        Anchor {
            head: Head {
                seq: 7,
                hash: "ab".repeat(32),
            },
            at: "2026-11-10T09:00:00Z".into(),
        }
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mac = Key::new(b"Jefe")
            .unwrap()
            .mac("what do ya want for nothing?")
            .finalize()
            .into_bytes();
        assert_eq!(
            crate::digest::hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_line_round_trips_with_its_key_only() {
        let line = anchor().line(&key(1));
        assert!(line.starts_with("patchcycle-audit-anchor/1 seq=7 hash=abab"));
        assert_eq!(Anchor::parse(&line, &key(1)).ok(), Some(anchor()));
        assert!(matches!(
            Anchor::parse(&line, &key(2)),
            Err(AnchorLineError::BadMac)
        ));
        // Any changed field breaks the MAC.
        let moved = line.replace("seq=7", "seq=8");
        assert!(matches!(
            Anchor::parse(&moved, &key(1)),
            Err(AnchorLineError::BadMac)
        ));
        assert!(matches!(
            Anchor::parse(&format!("{line} extra"), &key(1)),
            Err(AnchorLineError::Malformed)
        ));
    }

    #[test]
    fn a_file_keeps_the_newest_anchors() {
        let many: Vec<Anchor> = (1..=MAX_ANCHORS as i64 + 5)
            .map(|seq| Anchor {
                head: Head {
                    seq,
                    hash: "cd".repeat(32),
                },
                at: "2026-11-10T09:00:00Z".into(),
            })
            .collect();
        let text = render(&key(1), &many);
        assert_eq!(text.lines().count(), MAX_ANCHORS);
        assert!(text.starts_with("patchcycle-audit-anchor/1 seq=6 "));
    }

    #[test]
    fn heads_parse_strictly() {
        let h: Head = format!("12:{}", "0f".repeat(32)).parse().unwrap();
        assert_eq!(h.seq, 12);
        for bad in [
            "12".to_string(),
            format!("0:{}", "0f".repeat(32)),
            format!("+1:{}", "0f".repeat(32)),
            format!("1:{}", "0F".repeat(32)),
            format!("1:{}", "0f".repeat(31)),
        ] {
            assert!(bad.parse::<Head>().is_err(), "{bad}");
        }
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(hex_decode("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(hex_decode("0"), None);
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(hex_decode("+f"), None);
    }
}
