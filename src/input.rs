//! Files read on a user's say (`--config`, `scan --import`, `host import`,
//! `group --policy-file`): every one is read through [`read_capped`], which stops one
//! byte past the cap of its kind. A path may name anything (`/dev/zero`, a FIFO, a
//! 10 GB log by mistake); the memory a read takes is bounded by the cap, not by the file.

use std::io::Read;
use std::path::Path;

use anyhow::Result;

use crate::error::Failure;

const MIB: u64 = 1024 * 1024;

/// What a file is read as; each kind has its own cap (documented in README.md,
/// "Reliability and security").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `--config` / `PATCHCYCLE_CONFIG`: a few kilobytes of TOML.
    Config,
    /// `group add|set --policy-file`: one policy table.
    PolicyFile,
    /// `scan --import`: a collector's output, bounded like one read over ssh.
    ScanImport,
    /// `host import` (a file or standard input): a fleet's inventory.
    Inventory,
    /// `exception import`: an OpenVEX document.
    Vex,
}

/// Most collector output read, from a host over SSH or from a file (`scan --import`).
pub const MAX_COLLECTOR_OUTPUT: usize = 64 * 1024 * 1024;

impl InputKind {
    /// The largest file of this kind that is read, in bytes.
    pub fn cap(self) -> u64 {
        match self {
            InputKind::Config | InputKind::PolicyFile => MIB,
            InputKind::ScanImport => MAX_COLLECTOR_OUTPUT as u64,
            InputKind::Inventory => 256 * MIB,
            InputKind::Vex => 64 * MIB,
        }
    }

    fn what(self) -> &'static str {
        match self {
            InputKind::Config => "a config file",
            InputKind::PolicyFile => "a policy file",
            InputKind::ScanImport => "a collector's output",
            InputKind::Inventory => "an inventory",
            InputKind::Vex => "an OpenVEX document",
        }
    }
}

/// Reads at most `kind`'s cap from `reader`; more is refused (exit 2) rather than
/// truncated, since half a config or half an inventory is a different one. `name`
/// names the source in errors.
pub fn read_capped(reader: impl Read, name: &str, kind: InputKind) -> Result<Vec<u8>> {
    let cap = kind.cap();
    let mut bytes = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > cap {
        return Err(Failure::usage(format!(
            "file too large: {name} exceeds {} MiB, the limit for {}",
            cap / MIB,
            kind.what()
        ))
        .hint(format!("check that {name} is the file you meant"))
        .into());
    }
    Ok(bytes)
}

/// Opens and reads a file through [`read_capped`].
pub fn read_file(path: &Path, kind: InputKind) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    read_capped(file, &name, kind)
}

/// The bytes as UTF-8 text, or an error naming where the first invalid byte is.
pub fn text(bytes: Vec<u8>, name: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        Failure::usage(format!(
            "cannot read {name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exactly the cap is read; one byte more is refused, not truncated.
    #[test]
    fn the_cap_is_inclusive_and_one_more_is_refused() {
        let cap = InputKind::Config.cap() as usize;
        let at_cap = read_capped(&vec![b'#'; cap][..], "c", InputKind::Config).expect("at cap");
        assert_eq!(at_cap.len(), cap);
        let err = read_capped(&vec![b'#'; cap + 1][..], "c", InputKind::Config)
            .expect_err("over the cap");
        assert_eq!(
            err.to_string(),
            "file too large: c exceeds 1 MiB, the limit for a config file"
        );
        assert_eq!(crate::error::exit_code_of(&err), crate::error::Exit::Usage);
    }

    /// An endless source is read only up to the cap.
    #[test]
    fn an_endless_source_stops_at_the_cap() {
        let err =
            read_capped(std::io::repeat(0), "zero", InputKind::PolicyFile).expect_err("endless");
        assert!(err.to_string().starts_with("file too large: zero"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = text(b"ab\xffc".to_vec(), "f").expect_err("not UTF-8");
        assert_eq!(
            err.to_string(),
            "cannot read f: not UTF-8 text (invalid byte at offset 2)"
        );
    }
}
