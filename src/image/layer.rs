//! Applies one layer (a tar, plain, gzip or zstd) onto the image's root, as the OCI
//! image spec's layer.md says: whiteouts (`.wh.NAME`) delete NAME from the layers below,
//! an opaque marker (`.wh..wh..opq`) hides everything the layers below put in its
//! directory, and what the layer holds replaces what was there.
//!
//! A layer is first unpacked into an empty staging directory, its whiteouts noted; only
//! once its digest is verified are the whiteouts applied to the root and the staging
//! tree moved over it (rename, same file system). So a whiteout never touches what its
//! own layer holds, whatever the order of the tar's entries.
//!
//! The tar is hostile. Nothing is written outside the root: absolute names and `..` are
//! refused; no entry is written through a symlink (an ancestor that is a link, in this
//! layer or below, is refused; files are created with O_EXCL, which does not follow a
//! link); a symlink's target is re-anchored at the root, as a chroot resolves it, so the
//! collector reading the root cannot be led out of it either; hard links join only
//! files inside the root; devices and FIFOs are skipped; modes are plain (no setuid, no
//! owner; 0700 directories and 0600 files, the modes of everything under
//! `<db>.feeds/`). Entries, written bytes and read bytes are bounded ([`Budget`]).

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use sha2::{Digest as _, Sha256};

/// Longest entry name (or link target) accepted, in bytes: PATH_MAX.
pub const MAX_PATH: usize = 4096;

/// What is read of an image, in the image's own terms: the collector reads only these
/// paths (and their ancestors' links), so only these are written. Whiteouts anywhere
/// are still applied, which is all that correctness needs: they only delete.
const WANTED: &[&str] = &[
    "etc",
    "usr/lib/os-release",
    "var/lib/dpkg",
    "var/lib/apt/lists",
    "var/lib/rpm",
    "usr/lib/sysimage/rpm",
    "var/lib/dnf",
    "var/cache/dnf",
    "var/cache/yum",
    "lib/apk",
    "usr/lib/apk",
    "var/cache/apk",
    "boot",
    "var/run/reboot-required",
    "var/run/reboot-required.pkgs",
    "run/reboot-required",
    "run/reboot-required.pkgs",
];

/// What is left to spend unpacking one image.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Bytes written into the root (file contents).
    pub write: u64,
    /// Tar entries read, in all layers.
    pub entries: u64,
    /// Bytes of layer tar read (decompressed), kept or not.
    pub read: u64,
    /// What it started with, for errors.
    pub bounds: super::Bounds,
}

impl Budget {
    pub fn new(bounds: super::Bounds) -> Budget {
        Budget {
            write: bounds.unpacked_bytes,
            entries: bounds.entries,
            read: bounds.read_bytes,
            bounds,
        }
    }
}

/// A size as the config gives it: MiB when whole, else bytes.
fn size(n: u64) -> String {
    if n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// What unpacking did, for `-v`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub entries: u64,
    pub files: u64,
    pub bytes: u64,
    pub whiteouts: u64,
    /// Devices, FIFOs and other entries nothing reads a package database from.
    pub skipped_special: u64,
    /// Hard links to files outside what is unpacked.
    pub skipped_links: u64,
}

/// A layer's tar, decompressed as its first bytes say, hashed as read (its diff_id).
struct Hashed<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
    limit: u64,
    over: bool,
}

impl<R: Read> Read for Hashed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            self.over = true;
            return Err(io::Error::other("read bound"));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The decompressed stream of a layer blob: gzip and zstd by their magic bytes, plain
/// tar otherwise; xz and bzip2 refused by name.
fn decompressed<'a>(blob: Box<dyn Read + 'a>) -> Result<Box<dyn Read + 'a>> {
    let mut probe = BufReader::new(blob);
    let head = probe.fill_buf()?.to_vec();
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(probe))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(
            ruzstd::decoding::StreamingDecoder::new(probe)
                .map_err(|e| anyhow!("bad zstd data: {e}"))?,
        )
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        bail!("xz-compressed layers are not supported (gzip, zstd and plain tar are)");
    } else if head.starts_with(b"BZh") {
        bail!("bzip2-compressed layers are not supported (gzip, zstd and plain tar are)");
    } else {
        Box::new(probe)
    })
}

/// An entry's name as components, or why it is refused.
fn components(raw: &[u8]) -> Result<Vec<&[u8]>> {
    if raw.len() > MAX_PATH {
        bail!("an entry's name is longer than {MAX_PATH} bytes");
    }
    if raw.starts_with(b"/") {
        bail!(
            "entry {:?} is an absolute path",
            String::from_utf8_lossy(raw)
        );
    }
    let mut out = Vec::new();
    for c in raw.split(|b| *b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => bail!(
                "entry {:?} leaves the image's root (..)",
                String::from_utf8_lossy(raw)
            ),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn shown(comps: &[&[u8]]) -> String {
    let joined: Vec<String> = comps
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    crate::text::one_line(&format!("/{}", joined.join("/"))).into_owned()
}

/// Whether the collector reads `comps`, or it is an ancestor of what it reads (kept when
/// a directory or a link: `/var/run` → `/run`).
fn wanted(comps: &[&[u8]], is_dir_or_link: bool) -> bool {
    WANTED.iter().any(|w| {
        let want: Vec<&[u8]> = w.split('/').map(str::as_bytes).collect();
        if comps.len() >= want.len() {
            comps[..want.len()] == want[..]
        } else {
            is_dir_or_link && want[..comps.len()] == comps[..]
        }
    })
}

/// The target of a symlink at `at`, re-anchored at the root: an absolute target, and
/// `..` past the top, resolve inside the root as under chroot, and the link is written
/// relative to where it is.
fn anchored(at: &[&[u8]], target: &[u8]) -> Result<Vec<u8>> {
    if target.len() > MAX_PATH {
        bail!("a link target is longer than {MAX_PATH} bytes");
    }
    let parent = &at[..at.len().saturating_sub(1)];
    let mut resolved: Vec<&[u8]> = if target.starts_with(b"/") {
        Vec::new()
    } else {
        parent.to_vec()
    };
    for c in target.split(|b| *b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                resolved.pop();
            }
            c => resolved.push(c),
        }
    }
    let mut parts: Vec<&[u8]> = vec![b".."; parent.len()];
    parts.extend(resolved);
    if parts.is_empty() {
        return Ok(b".".to_vec());
    }
    Ok(parts.join(&b'/'))
}

/// Removes whatever is at `path` (not followed: a link is removed, not its target).
fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// `base/comps` when every ancestor below `base` is a real directory (not a link), so
/// acting on it stays under `base`; None when one is missing or not a directory.
fn real_path(base: &Path, comps: &[&[u8]]) -> Option<PathBuf> {
    let mut p = base.to_path_buf();
    for (i, c) in comps.iter().enumerate() {
        p.push(OsStr::from_bytes(c));
        if i + 1 < comps.len() {
            let m = fs::symlink_metadata(&p).ok()?;
            if !m.is_dir() {
                return None;
            }
        }
    }
    Some(p)
}

/// One layer being applied.
pub struct Layer<'a> {
    pub root: &'a Path,
    pub staging: &'a Path,
    /// Its position (1-based) for errors.
    pub index: usize,
    pub budget: &'a mut Budget,
    pub stats: &'a mut Stats,
}

impl Layer<'_> {
    /// Unpacks `blob` into the staging directory, checks its decompressed sha256 against
    /// `diff_id` (hex), then applies it onto the root.
    pub fn apply(mut self, blob: Box<dyn Read + '_>, diff_id: &str) -> Result<()> {
        fs::DirBuilder::new().mode(0o700).create(self.staging)?;
        let mut hashed = Hashed {
            inner: decompressed(blob).map_err(|e| anyhow!("layer {}: {e}", self.index))?,
            hasher: Sha256::new(),
            read: 0,
            limit: self.budget.read,
            over: false,
        };
        let mut deleted: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut opaque: Vec<Vec<Vec<u8>>> = Vec::new();
        let unpacked = {
            let mut archive = tar::Archive::new(&mut hashed);
            self.unpack(&mut archive, &mut deleted, &mut opaque)
        };
        if hashed.over {
            bail!(
                "layer {} goes over the bound on layer bytes read (image.max_read_mib: {} in all layers)",
                self.index,
                size(self.budget.bounds.read_bytes)
            );
        }
        unpacked?;
        // The tar's end (zero blocks, padding) belongs to what the diff_id covers.
        io::copy(&mut hashed, &mut io::sink()).map_err(|_| {
            anyhow!(
                "layer {}: unreadable after its last entry{}",
                self.index,
                if hashed.over { " (read bound)" } else { "" }
            )
        })?;
        self.budget.read -= hashed.read;
        let got = crate::digest::hex(&hashed.hasher.finalize());
        if got != diff_id {
            bail!(
                "layer {}: its content does not match its digest (sha256:{diff_id} expected, sha256:{got} read)",
                self.index
            );
        }
        for d in &deleted {
            let comps: Vec<&[u8]> = d.iter().map(Vec::as_slice).collect();
            if let Some(p) = real_path(self.root, &comps) {
                remove_any(&p)?;
            }
        }
        for o in &opaque {
            let comps: Vec<&[u8]> = o.iter().map(Vec::as_slice).collect();
            if let Some(p) = real_path(self.root, &comps)
                && fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir())
            {
                for child in fs::read_dir(&p)? {
                    remove_any(&child?.path())?;
                }
            }
        }
        merge(self.staging, self.root)?;
        fs::remove_dir_all(self.staging)?;
        Ok(())
    }

    fn unpack(
        &mut self,
        archive: &mut tar::Archive<impl Read>,
        deleted: &mut Vec<Vec<Vec<u8>>>,
        opaque: &mut Vec<Vec<Vec<u8>>>,
    ) -> Result<()> {
        let n = self.index;
        let entries = archive
            .entries()
            .map_err(|e| anyhow!("layer {n} is not a tar: {e}"))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| anyhow!("layer {n} is not a readable tar: {e}"))?;
            if self.budget.entries == 0 {
                bail!(
                    "layer {n} goes over the bound on tar entries (image.max_entries: {} in all layers)",
                    self.budget.bounds.entries
                );
            }
            self.budget.entries -= 1;
            self.stats.entries += 1;
            let raw = entry.path_bytes().into_owned();
            let comps = components(&raw).map_err(|e| anyhow!("layer {n}: {e}"))?;
            let Some((last, parent)) = comps.split_last() else {
                continue;
            };
            if let Some(hidden) = last.strip_prefix(b".wh.") {
                self.stats.whiteouts += 1;
                let parent: Vec<Vec<u8>> = parent.iter().map(|c| c.to_vec()).collect();
                if hidden == b".wh..opq" {
                    opaque.push(parent);
                } else if hidden.starts_with(b".wh.") {
                    // Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): nothing to apply.
                } else if !hidden.is_empty() && hidden != b"." && hidden != b".." {
                    let mut p = parent;
                    p.push(hidden.to_vec());
                    deleted.push(p);
                }
                continue;
            }
            let kind = entry.header().entry_type();
            let dir_or_link = kind.is_dir() || kind.is_symlink();
            if !wanted(&comps, dir_or_link) {
                continue;
            }
            if !(kind.is_file() || kind.is_dir() || kind.is_symlink() || kind.is_hard_link()) {
                self.stats.skipped_special += 1;
                continue;
            }
            let target = self.prepare(&comps)?;
            if kind.is_dir() {
                if !fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                    remove_any(&target)?;
                    fs::DirBuilder::new().mode(0o700).create(&target)?;
                }
                continue;
            }
            remove_any(&target)?;
            if kind.is_symlink() {
                let link = entry
                    .link_name_bytes()
                    .ok_or_else(|| anyhow!("layer {n}: link {} has no target", shown(&comps)))?;
                let to = anchored(&comps, &link).map_err(|e| anyhow!("layer {n}: {e}"))?;
                std::os::unix::fs::symlink(OsStr::from_bytes(&to), &target)?;
            } else if kind.is_hard_link() {
                let link = entry
                    .link_name_bytes()
                    .ok_or_else(|| anyhow!("layer {n}: link {} has no target", shown(&comps)))?
                    .into_owned();
                let source = components(&link).map_err(|e| anyhow!("layer {n}: hard link: {e}"))?;
                // This layer's file, else a lower layer's; a file outside what is
                // unpacked is none the collector reads.
                let found = [self.staging, self.root].into_iter().find_map(|base| {
                    real_path(base, &source)
                        .filter(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
                });
                match found {
                    Some(from) => fs::hard_link(from, &target)?,
                    None => self.stats.skipped_links += 1,
                }
            } else {
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&target)?;
                self.copy(&mut entry, &mut file, &comps)?;
                self.stats.files += 1;
            }
        }
        Ok(())
    }

    /// Makes the parents of `comps` in the staging tree and returns where the entry
    /// goes. A parent that is a link (in this layer, or below when this layer has no
    /// directory there) is refused: writing through it could leave the root.
    fn prepare(&self, comps: &[&[u8]]) -> Result<PathBuf> {
        let n = self.index;
        let mut staged = self.staging.to_path_buf();
        let mut below = self.root.to_path_buf();
        let mut below_real = true;
        for (i, c) in comps.iter().enumerate() {
            staged.push(OsStr::from_bytes(c));
            below.push(OsStr::from_bytes(c));
            if i + 1 == comps.len() {
                break;
            }
            match fs::symlink_metadata(&staged) {
                Ok(m) if m.is_dir() => continue,
                Ok(m) if m.is_symlink() => bail!(
                    "layer {n}: entry {} is written through the link {}",
                    shown(comps),
                    shown(&comps[..=i])
                ),
                Ok(_) => bail!(
                    "layer {n}: entry {} is below {}, which is not a directory",
                    shown(comps),
                    shown(&comps[..=i])
                ),
                Err(_) => {}
            }
            if below_real {
                match fs::symlink_metadata(&below) {
                    Ok(m) if m.is_symlink() => bail!(
                        "layer {n}: entry {} is written through the link {} of a lower layer",
                        shown(comps),
                        shown(&comps[..=i])
                    ),
                    Ok(m) if m.is_dir() => {}
                    _ => below_real = false,
                }
            }
            fs::DirBuilder::new().mode(0o700).create(&staged)?;
        }
        Ok(staged)
    }

    fn copy(&mut self, from: &mut impl Read, to: &mut File, comps: &[&[u8]]) -> Result<()> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let got = from.read(&mut buf)?;
            if got == 0 {
                return Ok(());
            }
            if got as u64 > self.budget.write {
                bail!(
                    "layer {}: {} goes over the bound on unpacked bytes (image.max_unpacked_mib: {})",
                    self.index,
                    shown(comps),
                    size(self.budget.bounds.unpacked_bytes)
                );
            }
            self.budget.write -= got as u64;
            self.stats.bytes += got as u64;
            to.write_all(&buf[..got])?;
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// Moves the staging tree over the root: a directory on both sides is merged, anything
/// else replaces what was there.
fn merge(staging: &Path, root: &Path) -> Result<()> {
    for child in fs::read_dir(staging)? {
        let child = child?;
        let from = child.path();
        let to = root.join(child.file_name());
        let from_dir = fs::symlink_metadata(&from)?.is_dir();
        let to_dir = fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir());
        if from_dir && to_dir {
            merge(&from, &to)?;
        } else {
            remove_any(&to)?;
            fs::rename(&from, &to)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<&[u8]> {
        s.split('/').map(str::as_bytes).collect()
    }

    #[test]
    fn links_are_anchored_at_the_root() {
        let a = |at: &str, t: &str| String::from_utf8(anchored(&c(at), t.as_bytes()).unwrap());
        assert_eq!(
            a("etc/os-release", "../usr/lib/os-release").unwrap(),
            "../usr/lib/os-release"
        );
        assert_eq!(
            a("etc/os-release", "/usr/lib/os-release").unwrap(),
            "../usr/lib/os-release"
        );
        assert_eq!(a("var/run", "/run").unwrap(), "../run");
        assert_eq!(
            a("etc/x", "../../../../etc/shadow").unwrap(),
            "../etc/shadow"
        );
        assert_eq!(a("lib", "/").unwrap(), ".");
    }

    #[test]
    fn only_what_the_collector_reads_is_wanted() {
        assert!(wanted(&c("var/lib/dpkg/status"), false));
        assert!(wanted(&c("var/lib"), true));
        assert!(!wanted(&c("var/lib"), false));
        assert!(!wanted(&c("usr/bin/ls"), false));
        assert!(wanted(&c("etc/os-release"), false));
        assert!(!wanted(&c("usr/lib/os-release.d"), false));
    }

    #[test]
    fn names_leaving_the_root_are_refused() {
        assert!(components(b"../etc/passwd").is_err());
        assert!(components(b"/etc/passwd").is_err());
        assert!(components(b"a/../../b").is_err());
        assert_eq!(components(b"./etc/").unwrap(), c("etc"));
        assert!(components(&vec![b'a'; MAX_PATH + 1]).is_err());
    }
}
