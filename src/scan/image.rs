//! `scan --image FILE`: unpacks the image into a private temporary root under the
//! database's scratch directory (`catalog::scratch`, shared with `sync`: removed when
//! done, on an error, and on SIGINT/SIGTERM/SIGHUP; a kill -9 leaves it for the next
//! run's sweep), then runs the collector on that root as `scan --local --root` does.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use super::Collection;
use crate::catalog::scratch::{INTERRUPTED_IMAGE, InterruptGuard, Scratch};
use crate::config::SshConfig;
use crate::error::Failure;
use crate::exec::Target;
use crate::image::{Bounds, Image, layer::Stats};

/// An image opened and its JSON verified; nothing unpacked yet.
pub fn open(file: &Path, platform: Option<&str>) -> Result<Image> {
    Image::open(file, platform).map_err(|e| {
        Failure::usage(format!(
            "image {}: {}",
            crate::text::one_line(&file.display().to_string()),
            crate::text::one_line(&format!("{e:#}"))
        ))
        .into()
    })
}

/// What unpacking and collecting an image came to.
pub struct Scanned {
    pub collection: Collection,
    pub stats: Stats,
    /// Image roots an earlier, killed run left and this one removed.
    pub swept: u64,
}

/// Unpacks `image` (within `bounds`) and collects its facts; the root is gone when this
/// returns, whatever the outcome. An image that cannot be unpacked is an error (exit 2):
/// nothing of it is known, and nothing is stored.
pub fn collect(
    ssh: &SshConfig,
    control_dir: &Path,
    db_path: &Path,
    file: &Path,
    image: &Image,
    bounds: &Bounds,
    timeout: Duration,
) -> Result<Scanned> {
    let _interrupt = InterruptGuard::saying(INTERRUPTED_IMAGE);
    let (scratch, swept) = Scratch::open(&crate::catalog::sync::feeds_dir(db_path))?;
    let tree = scratch.tree()?;
    let (root, stats) = image.unpack(tree.path(), bounds).map_err(|e| {
        Failure::usage(format!(
            "image {}: {}",
            crate::text::one_line(&file.display().to_string()),
            crate::text::one_line(&format!("{e:#}"))
        ))
    })?;
    let mut collection = super::collect(
        ssh,
        control_dir,
        &Target::Local,
        false,
        Some(&root),
        timeout,
    );
    note_missing_lists(&root, &mut collection);
    drop(tree);
    Ok(Scanned {
        collection,
        stats,
        swept: swept.trees,
    })
}

/// An image's apt lists are usually removed when it is built: apt then sees no update,
/// which is not the same as there being none. Said, not shown as a clean "0 pending".
fn note_missing_lists(root: &Path, collection: &mut Collection) {
    let Ok(facts) = collection.facts.as_mut() else {
        return;
    };
    if facts.manager != Some(crate::family::Manager::Dpkg) {
        return;
    }
    let has_lists = std::fs::read_dir(root.join("var/lib/apt/lists")).is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().contains("_Packages"))
    });
    if !has_lists {
        facts.warn(
            "the image has no apt package lists (/var/lib/apt/lists, usually removed when it is built): its pending updates are not known; its findings come from the synced catalogue"
                .into(),
        );
    }
}
