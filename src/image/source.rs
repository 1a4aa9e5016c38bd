//! Where an image's files are read from: an OCI layout directory, or a tar archive
//! (`docker save`, or an OCI layout in a tar) read in place, never unpacked whole.
//!
//! Names asked for come from the archive's own JSON and are hostile: each is a relative
//! path without `..`, checked before anything is opened.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

/// The most entries the outer tar of an image archive may have (its blobs and JSON: a
/// few per layer); more is not an image archive.
const MAX_OUTER_ENTRIES: usize = 100_000;

/// The outer tar's entry: its data's place, or the name it links to.
#[derive(Debug, Clone)]
pub enum Entry {
    File { offset: u64, size: u64 },
    Link(String),
}

#[derive(Debug)]
pub enum Source {
    Dir(PathBuf),
    Tar {
        path: PathBuf,
        entries: HashMap<String, Entry>,
    },
}

/// `name` as a clean relative path (`a/b`), or why it is not one.
pub fn clean_name(name: &str) -> Result<String> {
    if name.starts_with('/') {
        bail!("{name:?} is an absolute path");
    }
    let mut parts = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => bail!("{name:?} leaves the archive (..)"),
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        bail!("{name:?} names no file");
    }
    Ok(parts.join("/"))
}

impl Source {
    /// A directory as an OCI layout; a file as a tar archive, indexed once. A compressed
    /// archive is refused: its blobs cannot be read in place.
    pub fn open(path: &Path) -> Result<Source> {
        let meta = std::fs::metadata(path).map_err(|e| anyhow!("cannot read it: {e}"))?;
        if meta.is_dir() {
            return Ok(Source::Dir(path.to_path_buf()));
        }
        if !meta.is_file() {
            bail!("not a file or directory");
        }
        let file = File::open(path).map_err(|e| anyhow!("cannot read it: {e}"))?;
        let mut probe = BufReader::new(file);
        let head = probe.fill_buf()?;
        if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            bail!(
                "a compressed archive (gzip or zstd) cannot be read in place: decompress it first (`docker save IMAGE > FILE` writes a plain tar)"
            );
        }
        let mut entries = HashMap::new();
        let mut archive = tar::Archive::new(probe);
        let iter = archive
            .entries_with_seek()
            .map_err(|e| anyhow!("not a tar archive: {e}"))?;
        for (n, entry) in iter.enumerate() {
            if n >= MAX_OUTER_ENTRIES {
                bail!("more than {MAX_OUTER_ENTRIES} entries: not an image archive");
            }
            let entry = entry.map_err(|e| anyhow!("not a readable tar archive: {e}"))?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            // Names the JSON cannot ask for (`..`, absolute) are of no use; skipped.
            let Ok(name) = clean_name(&raw) else {
                continue;
            };
            let kind = entry.header().entry_type();
            let value = if kind.is_file() {
                Entry::File {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                }
            } else if kind.is_symlink() || kind.is_hard_link() {
                let Some(target) = entry.link_name_bytes() else {
                    continue;
                };
                let target = String::from_utf8_lossy(&target).into_owned();
                // A symlink is relative to its directory; a hard link names an entry.
                let joined = match (kind.is_symlink(), name.rsplit_once('/')) {
                    (true, Some((dir, _))) => format!("{dir}/{target}"),
                    _ => target,
                };
                match normalize(&joined) {
                    Some(t) => Entry::Link(t),
                    None => continue,
                }
            } else {
                continue;
            };
            entries.insert(name, value);
        }
        if entries.is_empty() {
            bail!(
                "not an image archive: no files in it (is it a tar from `docker save` or `skopeo copy`?)"
            );
        }
        Ok(Source::Tar {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// Whether the archive holds `name` (a clean name).
    pub fn has(&self, name: &str) -> bool {
        match self {
            Source::Dir(d) => d.join(name).symlink_metadata().is_ok(),
            Source::Tar { entries, .. } => entries.contains_key(name),
        }
    }

    /// Opens `name` (a clean name) for reading, with its size.
    pub fn open_blob(&self, name: &str) -> Result<(Box<dyn Read>, u64)> {
        let name = clean_name(name)?;
        match self {
            Source::Dir(dir) => {
                // Not followed, and not a FIFO that would block the read.
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                    .open(dir.join(&name))
                    .map_err(|e| anyhow!("{name}: {e}"))?;
                let meta = file.metadata()?;
                if !meta.is_file() {
                    bail!("{name}: not a regular file");
                }
                Ok((Box::new(file), meta.len()))
            }
            Source::Tar { path, entries } => {
                let mut current = name.clone();
                // Bounded: a loop of links ends here.
                for _ in 0..8 {
                    match entries.get(&current) {
                        None => bail!("{name}: not in the archive"),
                        Some(Entry::Link(t)) => current = t.clone(),
                        Some(Entry::File { offset, size }) => {
                            let mut file = File::open(path)?;
                            file.seek(SeekFrom::Start(*offset))?;
                            return Ok((Box::new(file.take(*size)), *size));
                        }
                    }
                }
                bail!("{name}: too many links")
            }
        }
    }
}

/// A link target inside the archive, lexically (`a/b/../c` → `a/c`); None when it
/// leaves it.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_and_stay_inside() {
        assert_eq!(clean_name("./blobs/sha256/ab").unwrap(), "blobs/sha256/ab");
        assert!(clean_name("/etc/passwd").is_err());
        assert!(clean_name("blobs/../../x").is_err());
        assert!(clean_name("./").is_err());
        assert_eq!(normalize("a/b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("a/../../c"), None);
    }
}
