//! Alpine's collector sections: the installed database (`/lib/apk/db/installed`, sent
//! whole, bounded in size, and read by apk-tools' own rules) and `apk version -l '<'`
//! (pending updates). Names follow apk's package-name grammar, versions the apk engine;
//! nothing is guessed.
//!
//! The database is read as apk-tools reads it (apk-tools `src/database.c`,
//! `apk_db_fdb_read`, with `src/package.c`, `apk_pkgtmpl_add_info`): a file apk would
//! refuse ("database file format error") fails the scan, naming the line and why,
//! instead of losing the lines it cannot read.

use std::collections::HashMap;

use super::facts::{Facts, MAX_LINE, MAX_PACKAGES, Package, Pending, Sections, shorten};
use super::{Family, Manager};
use crate::version::Scheme;

/// Most bytes of an installed database read. The collector sends one byte more than
/// this, so that a larger file is told apart from one of exactly this size.
pub const MAX_DB_BYTES: usize = 32 * 1024 * 1024;

/// The family's part of the collector (`scan/collect.sh` prints the common sections
/// first, and sets `FAM` from the os-release ID): its sections, only on its hosts.
const COLLECTOR: &str = r#"if [ "$FAM" = apk ] && [ -f "$R/lib/apk/db/installed" ]; then
  if command -v apk >/dev/null 2>&1; then
    if [ -n "$R" ]; then set -- --root "$R"; else set --; fi
    if [ "$REFRESH" = 1 ]; then
      s refresh
      apk "$@" update -q >/dev/null 2>&1; echo "exit $?"
    fi
  fi
  # The whole database, as apk reads it: patchcycle applies apk-tools' rules to it.
  s apk-db
  head -c 33554433 "$R/lib/apk/db/installed"
  if command -v apk >/dev/null 2>&1; then
    s apk-version
    apk "$@" version -l '<'
  fi
fi
"#;

/// The family's part of the fingerprint: apk's database, world and repositories, and
/// the cached indexes `apk version` compares against.
const FINGERPRINT: &str = r#"    set -- "$@" file "$R/lib/apk/db/installed" "$R/etc/apk/world" "$R/etc/apk/repositories" \
      "$R"/etc/apk/repositories.d/* "$R/etc/apk/arch" \
      list "$R/var/cache/apk" "$R/etc/apk/cache"
"#;

pub struct Apk;

impl Family for Apk {
    fn manager(&self) -> Manager {
        Manager::Apk
    }

    fn os_ids(&self) -> &'static [&'static str] {
        &["alpine"]
    }

    fn ecosystem(&self, id: &str, version_id: &str, _version: &str) -> Option<String> {
        if id != "alpine" {
            return None;
        }
        let mut it = version_id.split('.');
        Some(format!("Alpine:v{}.{}", it.next()?, it.next()?))
    }

    fn ecosystems(&self) -> &'static [&'static str] {
        &["Alpine", "Wolfi", "Chainguard"]
    }

    fn collector(&self) -> &'static str {
        COLLECTOR
    }

    fn fingerprint(&self) -> &'static str {
        FINGERPRINT
    }

    fn sections(&self) -> &'static [&'static str] {
        &["apk-db", "apk-installed", "apk-version"]
    }

    fn package_sections(&self) -> &'static [&'static str] {
        // `apk-installed`: the database as earlier collectors reduced it on the host
        // (its P:, V:, A:, o: lines), still read from saved output.
        &["apk-db", "apk-installed"]
    }

    fn parse(&self, f: &mut Facts, sections: &Sections<'_>) -> Result<(), String> {
        if sections.has("apk-db") {
            parse_db(f, sections.get("apk-db"))?;
        } else {
            parse_installed(f, sections.get("apk-installed"));
        }
        parse_version(f, sections.get("apk-version"));
        f.reboot_required = f.reboot_required.filter(|r| *r);
        // /boot names flavours (vmlinuz-lts), not versions: kernels come from packages.
        f.kernels = kernels_from_packages(f);
        Ok(())
    }

    fn name_ok(&self, name: &str) -> bool {
        apk_name_ok(name)
    }

    fn matches_binary_packages(&self) -> bool {
        false
    }

    fn deployer(&self) -> Option<&'static dyn crate::family::deploy::Deployer> {
        None
    }
}

/// apk package names: ASCII letters, digits and `- . _ +`, starting with a letter or digit.
pub fn apk_name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'+'))
}

/// A version apk would install: valid for the engine, not empty, starting with a digit.
pub fn apk_version_ok(s: &str) -> bool {
    s.len() <= 128 && s.starts_with(|c: char| c.is_ascii_digit()) && Scheme::Apk.validate(s).is_ok()
}

fn arch_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[derive(Default)]
struct Record<'a> {
    name: Option<&'a str>,
    version: Option<&'a str>,
    arch: Option<&'a str>,
    origin: Option<&'a str>,
    first_line: usize,
    bad: Option<String>,
}

/// The installed database as earlier collectors sent it, reduced on the host to its
/// `P:`, `V:`, `A:`, `o:` lines: records separated by blank lines, one `X:value` per
/// line. What the reduction dropped cannot be checked; each record is read on its own.
pub fn parse_installed(f: &mut Facts, lines: &[&str]) {
    let mut rec = Record::default();
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            finish(f, LEGACY, std::mem::take(&mut rec));
            continue;
        }
        if rec.name.is_none() && rec.version.is_none() && rec.bad.is_none() {
            rec.first_line = i + 1;
        }
        if l.len() > MAX_LINE {
            rec.bad = Some(format!("line {} longer than {MAX_LINE} bytes", i + 1));
            continue;
        }
        let Some((key, value)) = l.split_once(':') else {
            rec.bad = Some(format!("line {} is not KEY:VALUE: {:?}", i + 1, shorten(l)));
            continue;
        };
        match key {
            "P" => rec.name = Some(value),
            "V" => rec.version = Some(value),
            "A" => rec.arch = Some(value),
            "o" => rec.origin = Some(value),
            _ => {}
        }
        if f.packages.len() >= MAX_PACKAGES {
            break;
        }
    }
    finish(f, LEGACY, rec);
}

const LEGACY: &str = "apk-installed";
const DB: &str = "apk-db";

/// Where a record of the database begins, and the package it names (for a refusal).
fn record_label(r: &Record<'_>) -> String {
    match r.name {
        Some(n) => n.to_string(),
        None => format!("record at line {}", r.first_line),
    }
}

fn finish(f: &mut Facts, section: &str, r: Record<'_>) {
    if r.name.is_none() && r.version.is_none() && r.bad.is_none() {
        return;
    }
    let at = r.first_line;
    if f.packages.len() >= MAX_PACKAGES {
        f.warn(format!(
            "apk: more than {MAX_PACKAGES} packages; the rest ignored"
        ));
        return;
    }
    let label = record_label(&r);
    if let Some(why) = r.bad {
        f.refuse(
            section,
            &label,
            format!("apk record at line {at}: {why}; rejected"),
        );
        return;
    }
    let (Some(name), Some(version)) = (r.name, r.version) else {
        f.refuse(
            section,
            &label,
            format!(
                "apk record at line {at}: no {} field; rejected",
                if r.name.is_none() { "P:" } else { "V:" }
            ),
        );
        return;
    };
    if !apk_name_ok(name) {
        f.refuse(
            section,
            name,
            format!(
                "apk record at line {at}: rejected package name {:?}",
                shorten(name)
            ),
        );
        return;
    }
    if !apk_version_ok(version) {
        f.refuse(
            section,
            name,
            format!(
                "apk record at line {at}: rejected version {:?} of {name}",
                shorten(version)
            ),
        );
        return;
    }
    let origin = r.origin.unwrap_or(name);
    if !apk_name_ok(origin) {
        f.refuse(
            section,
            name,
            format!(
                "apk record at line {at}: rejected origin {:?} of {name}",
                shorten(origin)
            ),
        );
        return;
    }
    let arch = r.arch.filter(|a| arch_ok(a));
    f.packages.push(Package {
        name: name.to_string(),
        arch: arch.map(str::to_string),
        version: version.to_string(),
        source_name: origin.to_string(),
        source_version: version.to_string(),
        state: super::facts::PackageState::Installed,
    });
}

/// Where the record being read stands, by apk-tools' reader: which file-database
/// entries may come next.
#[derive(Default)]
struct Fdb {
    /// An `F:` (directory) of this record was read: `M:` and `R:` may follow.
    dir: bool,
    /// An `R:` (file) of this record was read: `a:` and `Z:` may follow.
    file: bool,
    /// A file-database field was read: apk has made the package an installed one, and
    /// from here a field it does not know is one it refuses.
    installed: bool,
    /// A `C:` that apk reads as a package identity (`apk_blob_pull_digest`).
    checksum: bool,
}

/// The installed database as apk-tools reads it (`apk_db_fdb_read` in apk-tools'
/// `src/database.c`, for the installed database, `repo == -1`):
///
/// - lines are split at `\n`; a line shorter than 2 bytes ends a record;
/// - every other line is `X:value`: a second byte other than `:` is a format error;
/// - a record ends in the package (`apk_db_pkg_add`), which needs a name (`P:`), a
///   version (`V:`) and an identity (`C:`, `Q1`/`Q2` base64 or `X1`/`X2` hex, at least a
///   SHA-1's 20 bytes): without one of them, a format error;
/// - the file database: `F:` (a directory) needs the name first, `M:` and `R:` (a file)
///   need an `F:`, `a:` and `Z:` need an `R:`, and an ACL (`M:`, `a:`) or a file digest
///   (`Z:`) apk cannot read is refused too ("FDB format error (line N, entry 'X')");
/// - once a file-database field was read, a field apk does not know is refused ("This
///   apk-tools is too old to handle installed packages"), as is an `f:` flag other
///   than `f`, `s`, `x`, `S`.
///
/// Not checked: the dependency lists (`D:`, `p:`, `i:`, `r:`), which apk parses and
/// patchcycle does not read; a malformed `r:` among the files, which apk refuses, is
/// accepted here.
///
/// Stricter than apk, on files apk-tools never writes (`apk_db_write_fdb` ends every
/// record with a blank line and writes fields in order): a record without `P:` is
/// refused (apk would carry its fields into the next record), and a database that ends
/// inside a record (apk would drop that package silently) is refused as truncated.
pub fn parse_db(f: &mut Facts, lines: &[&str]) -> Result<(), String> {
    let invalid = |why: String| {
        format!(
            "the apk database (lib/apk/db/installed) is invalid: {why}; apk-tools refuses such a file (\"database file format error\")"
        )
    };
    // The section printer puts a newline before the next marker: one empty line more
    // than the file has.
    let lines = match lines.split_last() {
        Some((&"", rest)) => rest,
        _ => lines,
    };
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    if bytes > MAX_DB_BYTES {
        return Err(format!(
            "the apk database (lib/apk/db/installed) is larger than {} MiB: not read",
            MAX_DB_BYTES / (1024 * 1024)
        ));
    }
    let mut rec = Record::default();
    let mut fdb = Fdb::default();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        if l.len() < 2 {
            if open {
                match (rec.name, rec.version, fdb.checksum) {
                    (None, ..) => {
                        return Err(invalid(format!(
                            "the record at line {} has no P: (package name)",
                            rec.first_line
                        )));
                    }
                    (_, None, _) => {
                        return Err(invalid(format!(
                            "the record at line {} has no V: (version)",
                            rec.first_line
                        )));
                    }
                    (_, _, false) => {
                        return Err(invalid(format!(
                            "the record at line {} has no valid C: (package checksum)",
                            rec.first_line
                        )));
                    }
                    _ => {}
                }
                if f.packages.len() >= MAX_PACKAGES {
                    f.warn(format!(
                        "apk: more than {MAX_PACKAGES} packages; the rest ignored"
                    ));
                    return Ok(());
                }
                finish(f, DB, std::mem::take(&mut rec));
            }
            fdb = Fdb::default();
            open = false;
            continue;
        }
        let b = l.as_bytes();
        if b[1] != b':' {
            return Err(invalid(format!(
                "line {n} is not FIELD:VALUE ({:?})",
                shorten(l)
            )));
        }
        if !open {
            open = true;
            rec.first_line = n;
        }
        let field = b[0];
        let value = &l[2..];
        let bad_entry = |why: &str| {
            invalid(format!(
                "line {n}: {:?} entry {why} (apk: \"FDB format error (line {n}, entry '{}')\")",
                char::from(field),
                char::from(field).escape_default()
            ))
        };
        const OUT_OF_PLACE: &str = "out of place";
        const UNREADABLE: &str = "unreadable";
        let too_old = || {
            invalid(format!(
                "line {n}: {:?} among the installed files is not a field apk-tools knows (apk: \"This apk-tools is too old to handle installed packages\")",
                shorten(l)
            ))
        };
        match field {
            b'P' => rec.name = Some(value),
            b'V' => rec.version = Some(value),
            b'A' => rec.arch = Some(value),
            b'o' => rec.origin = Some(value),
            b'C' => fdb.checksum = digest_ok(value),
            // Index fields apk reads and patchcycle does not need.
            b'T' | b'U' | b'L' | b'D' | b'S' | b'I' | b'p' | b'i' | b'm' | b't' | b'c' | b'k' => {}
            // The file database (installed packages only).
            b'F' => {
                if rec.name.is_none() {
                    return Err(bad_entry(OUT_OF_PLACE));
                }
                fdb.installed = true;
                fdb.dir = true;
                fdb.file = false;
            }
            b'M' | b'R' => {
                if !fdb.dir {
                    return Err(bad_entry(OUT_OF_PLACE));
                }
                if field == b'M' && !acl_ok(value) {
                    return Err(bad_entry(UNREADABLE));
                }
                fdb.installed = true;
                if field == b'R' {
                    fdb.file = true;
                }
            }
            b'a' | b'Z' if !fdb.file => return Err(bad_entry(OUT_OF_PLACE)),
            // A digest or an ACL apk cannot read leaves its value null: "FDB format error".
            b'Z' if !digest_ok(value) => return Err(bad_entry(UNREADABLE)),
            b'a' if !acl_ok(value) => return Err(bad_entry(UNREADABLE)),
            b'a' | b'Z' => {}
            b'r' | b'q' | b's' => fdb.installed = true,
            b'f' => {
                fdb.installed = true;
                if !value
                    .bytes()
                    .all(|c| matches!(c, b'f' | b's' | b'x' | b'S'))
                {
                    return Err(too_old());
                }
            }
            // Another field: apk ignores it in the package's index part, refuses it
            // among the installed files.
            _ if fdb.installed => return Err(too_old()),
            _ => {}
        }
    }
    if open {
        return Err(invalid(format!(
            "it ends inside the record at line {} (no blank line after it): truncated",
            rec.first_line
        )));
    }
    Ok(())
}

/// An ACL (`M:` of a directory, `a:` of a file) as apk reads it: `UID:GID:MODE`
/// (decimal, decimal, octal), then possibly `:` and the digest of its extended
/// attributes (`apk_blob_pull_uint`, `apk_blob_pull_char`, `apk_blob_pull_digest`).
fn acl_ok(v: &str) -> bool {
    let digits = |s: &str, radix: u32| -> Option<usize> {
        let n = s.chars().take_while(|c| c.is_digit(radix)).count();
        (n > 0).then_some(n)
    };
    let Some(n) = digits(v, 10) else { return false };
    let Some(rest) = v[n..].strip_prefix(':') else {
        return false;
    };
    let Some(n) = digits(rest, 10) else {
        return false;
    };
    let Some(rest) = rest[n..].strip_prefix(':') else {
        return false;
    };
    let Some(n) = digits(rest, 8) else {
        return false;
    };
    match rest[n..].strip_prefix(':') {
        Some(xattrs) => digest_ok(xattrs),
        None => true,
    }
}

/// A package identity as `apk_blob_pull_digest` reads it: `Q` (base64) or `X` (hex),
/// `1` (SHA-1) or `2` (SHA-256), then the digest; apk needs at least a SHA-1's 20 bytes
/// (`apk_db_pkg_add`). `Q1`/`X1` may carry a SHA-256 (the SHA-1 length plus the rest).
fn digest_ok(v: &str) -> bool {
    let b64 = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
    };
    let hex = |s: &str| s.bytes().all(|c| c.is_ascii_hexdigit());
    match v.get(..2).zip(v.get(2..)) {
        Some(("Q1", d)) => (d.len() == 28 || d.len() == 44) && b64(d),
        Some(("Q2", d)) => d.len() == 44 && b64(d),
        Some(("X1", d)) => (d.len() == 40 || d.len() == 64) && hex(d),
        Some(("X2", d)) => d.len() == 64 && hex(d),
        _ => false,
    }
}

/// `apk version -l '<'`: a header, then `NAME-VERSION<padding> < AVAILABLE [TAG]`.
/// NAME-VERSION is split through the installed list (apk joins them with a `-`, and both
/// may contain one), so only installed packages are accepted.
pub fn parse_version(f: &mut Facts, lines: &[&str]) {
    let installed: HashMap<String, (&str, &str)> = f
        .packages
        .iter()
        .map(|p| {
            (
                format!("{}-{}", p.name, p.version),
                (p.name.as_str(), p.version.as_str()),
            )
        })
        .collect();
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty()
            || t.starts_with("Installed:")
            || t.starts_with("WARNING:")
            || t.starts_with("fetch ")
        {
            continue;
        }
        if l.len() > MAX_LINE {
            rejected.push("over-long line".to_string());
            continue;
        }
        let fields: Vec<&str> = t.split_whitespace().collect();
        let (pkgver, op, avail, tag) = match fields.as_slice() {
            [p, o, a] => (*p, *o, *a, ""),
            [p, o, a, tag] => (*p, *o, *a, *tag),
            _ => {
                rejected.push(shorten(t));
                continue;
            }
        };
        if op != "<" {
            // Only updates are pending; `>` and `=` (held or newer) are not.
            if !matches!(op, ">" | "=" | "?" | "<=" | ">=") {
                rejected.push(shorten(t));
            }
            continue;
        }
        let tag_ok = tag.is_empty()
            || (tag.len() <= 64
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'@' | b'-' | b'_' | b'.')));
        let Some((name, from)) = installed
            .get(pkgver)
            .copied()
            .filter(|_| apk_version_ok(avail) && tag_ok)
        else {
            rejected.push(shorten(t));
            continue;
        };
        out.push(Pending {
            package: name.to_string(),
            from: Some(from.to_string()),
            to: avail.to_string(),
            origin: if tag.is_empty() {
                "apk".into()
            } else {
                tag.to_string()
            },
            // apk does not classify updates; security comes from the catalogue.
            security: false,
        });
    }
    for r in rejected {
        f.refuse(
            "apk-version",
            &r,
            format!("apk version: rejected line {r:?}"),
        );
    }
    f.pending.extend(out);
}

/// Kernels from `linux-<flavor>` packages as `uname -r` names them: linux-lts 6.6.58-r0
/// runs as `6.6.58-0-lts`.
pub fn kernels_from_packages(f: &Facts) -> Vec<String> {
    f.packages
        .iter()
        .filter_map(|p| {
            let flavor = p.name.strip_prefix("linux-")?;
            if !matches!(flavor, "lts" | "virt" | "edge" | "rpi" | "rpi4" | "stable") {
                return None;
            }
            let (v, r) = p.version.rsplit_once("-r")?;
            r.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| format!("{v}-{r}-{flavor}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two records as apk-tools writes them (index header fields, then the file
    /// database), each closed by a blank line, plus the empty line the section printer
    /// adds.
    const GOOD: &str = "C:Q1pBBVXRGQDsA6ORWMZ3eR8R8xiEM=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:411323\nI:641024\nT:the musl c library\nU:https://musl.libc.org/\nL:MIT\no:musl\nm:Timo\nt:1711456925\nc:c2e1d3c9\np:so:libc.musl-x86_64.so.1=1\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1l6d6cXS6zU1Vw8kYw5F4oqQd+8E=\n\nC:X1000102030405060708090a0b0c0d0e0f10111213\nP:libssl3\nV:3.3.2-r0\nA:x86_64\no:openssl\nf:S\n\n";

    fn read(db: &str) -> (Facts, Result<(), String>) {
        let mut f = Facts::default();
        let lines: Vec<&str> = db.split('\n').collect();
        let r = parse_db(&mut f, &lines);
        (f, r)
    }

    fn why(db: &str) -> String {
        read(db).1.expect_err("refused")
    }

    #[test]
    fn a_database_as_apk_writes_it_is_read_whole() {
        let (f, r) = read(GOOD);
        assert_eq!(r, Ok(()));
        let got: Vec<(&str, &str, &str)> = f
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source_name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("musl", "1.2.5-r0", "musl"),
                ("libssl3", "3.3.2-r0", "openssl")
            ]
        );
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        // An empty database (a fresh root) is not a format error.
        assert_eq!(read("\n").1, Ok(()));
    }

    #[test]
    fn what_apk_refuses_fails_naming_the_line() {
        // A line that is not FIELD:VALUE (the grep of earlier collectors dropped it).
        let e = why(&GOOD.replacen("L:MIT\n", "garbage line\n", 1));
        assert!(
            e.contains("line 9 is not FIELD:VALUE (\"garbage line\")"),
            "{e}"
        );
        assert!(e.contains("database file format error"), "{e}");
        // Cut inside the second record: no blank line closes it.
        let cut = &GOOD[..GOOD.find("o:openssl").unwrap()];
        let e = why(cut);
        assert!(
            e.contains("ends inside the record at line 20 (no blank line after it): truncated"),
            "{e}"
        );
        // A record without its identity, its version or its name.
        let e = why(&GOOD.replacen("C:X1000102030405060708090a0b0c0d0e0f10111213\n", "", 1));
        assert!(e.contains("record at line 20 has no valid C:"), "{e}");
        let e = why(&GOOD.replacen("C:X1000102030405060708090a0b0c0d0e0f10111213", "C:X1zz", 1));
        assert!(e.contains("record at line 20 has no valid C:"), "{e}");
        let e = why(&GOOD.replacen("V:3.3.2-r0\n", "", 1));
        assert!(e.contains("record at line 20 has no V:"), "{e}");
        let e = why(&GOOD.replacen("P:libssl3\n", "", 1));
        assert!(e.contains("record at line 20 has no P:"), "{e}");
        // File entries out of place: a file before its directory, a digest before its file.
        let e = why(&GOOD.replacen("F:lib\n", "", 1));
        assert!(
            e.contains(
                "line 15: 'R' entry out of place (apk: \"FDB format error (line 15, entry 'R')\")"
            ),
            "{e}"
        );
        let e = why(&GOOD.replacen("R:ld-musl-x86_64.so.1\n", "", 1));
        assert!(e.contains("FDB format error (line 16, entry 'a')"), "{e}");
        // A field apk does not know, among the installed files; a flag it does not know.
        let e = why(&GOOD.replacen("a:0:0:755\n", "a:0:0:755\nW:new\n", 1));
        assert!(e.contains("line 18: \"W:new\""), "{e}");
        assert!(e.contains("too old to handle installed packages"), "{e}");
        let e = why(&GOOD.replacen("f:S\n", "f:Sy\n", 1));
        assert!(e.contains("too old"), "{e}");
        // A file digest or an ACL apk cannot read.
        let e = why(&GOOD.replacen("Z:Q1l6d6cXS6zU1Vw8kYw5F4oqQd+8E=", "Z:Q1short", 1));
        assert!(
            e.contains(
                "line 18: 'Z' entry unreadable (apk: \"FDB format error (line 18, entry 'Z')\")"
            ),
            "{e}"
        );
        let e = why(&GOOD.replacen("a:0:0:755", "a:root:0:755", 1));
        assert!(e.contains("FDB format error (line 17, entry 'a')"), "{e}");
        assert!(acl_ok("0:0:755"));
        assert!(acl_ok("0:0:755:Q1l6d6cXS6zU1Vw8kYw5F4oqQd+8E="));
        assert!(!acl_ok("0:0:755:junk"));
        assert!(!acl_ok("0:0"));
    }

    #[test]
    fn what_apk_accepts_is_not_refused() {
        // An unknown field in the index part is ignored by apk (newer index fields).
        let (f, r) = read(&GOOD.replacen("L:MIT\n", "L:MIT\nW:newer\n", 1));
        assert_eq!(r, Ok(()));
        assert_eq!(f.packages.len(), 2);
        // A line shorter than two bytes ends a record, like a blank one.
        let (f, r) = read(&GOOD.replacen(
            "Z:Q1l6d6cXS6zU1Vw8kYw5F4oqQd+8E=\n\n",
            "Z:Q1l6d6cXS6zU1Vw8kYw5F4oqQd+8E=\nx\n",
            1,
        ));
        assert_eq!(r, Ok(()));
        assert_eq!(f.packages.len(), 2);
        // SHA-256 identities, base64 and hex.
        for c in [
            "Q2".to_string() + &"A".repeat(43) + "=",
            "X2".to_string() + &"0f".repeat(32),
        ] {
            let db = GOOD.replacen("C:Q1pBBVXRGQDsA6ORWMZ3eR8R8xiEM=", &format!("C:{c}"), 1);
            assert_eq!(read(&db).1, Ok(()), "{c}");
        }
    }

    #[test]
    fn a_record_apk_reads_but_patchcycle_cannot_is_refused_and_counted() {
        let db = GOOD.replacen("P:libssl3", "P:-bad", 1);
        let (f, r) = read(&db);
        assert_eq!(r, Ok(()));
        assert_eq!(f.packages.len(), 1);
        assert_eq!(f.refused_in("apk-db"), 1);
        assert_eq!(f.refused[0].first, ["-bad"]);
    }

    #[test]
    fn a_database_over_the_bound_is_not_read() {
        let big = "T:".to_string() + &"x".repeat(MAX_DB_BYTES);
        let e = why(&GOOD.replacen("T:the musl c library", &big, 1));
        assert!(e.contains("larger than 32 MiB"), "{e}");
        assert!(COLLECTOR.contains(&format!("head -c {} ", MAX_DB_BYTES + 1)));
    }
}
