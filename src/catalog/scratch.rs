//! Where downloads are written before they are imported, and container images unpacked
//! for `scan --image`: `<db>.feeds/.tmp/`, private to the user, and kept empty.
//!
//! An image's root ([`TempTree`]) is a directory tree, removed the same ways: `Drop`,
//! the signal handler (which runs `rm -rf` on it: fork and execve are async-signal-safe,
//! walking a tree from a handler is not), and the next run's sweep.
//!
//! A download's temp file is removed on every way out: `Drop` on an error or a panic
//! unwinding ([`tempfile::NamedTempFile`]), the signal handler of [`InterruptGuard`] on
//! SIGINT, SIGTERM and SIGHUP, and, for what nothing can catch (kill -9, a power cut), the
//! sweep of the next `sync` ([`Scratch::open`]).
//!
//! Two `sync` runs may share the directory: each holds a shared `flock` on it while it
//! downloads, and a run sweeps only when it can take the lock exclusively, that is when
//! no other run is writing there.

use std::fs::{DirBuilder, File};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicPtr, Ordering};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// The name every download's temp file starts with; the sweep removes only these (and
/// `.tmp*`, the names versions before 0.2 used).
const PREFIX: &str = "download-";
const OLD_PREFIX: &str = ".tmp";
/// The name every unpacked image root starts with (`scan --image`).
const TREE_PREFIX: &str = "image-";

/// Creates `dir` (and any missing parent below an existing directory) with mode 0700,
/// whatever the umask, and narrows an existing one of ours to 0700: the raw feeds show
/// which advisories the fleet is exposed to, and the database beside them is 0600.
pub fn private_dir(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            let me = crate::account::effective_uid();
            if m.uid() == me && m.mode() & 0o077 != 0 {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                    .with_context(|| format!("making {} private (0700)", dir.display()))?;
            }
            return Ok(());
        }
        Ok(_) => anyhow::bail!("{} exists and is not a directory", dir.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("reading {}", dir.display())));
        }
    }
    if let Some(parent) = dir.parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        private_dir(parent)?;
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        // Another run made it meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("creating {}", dir.display())));
        }
    }
    // The umask may have taken bits from 0700 too; say exactly what is meant.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("making {} private (0700)", dir.display()))
}

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub files: u64,
    pub bytes: u64,
    /// Unpacked image roots a killed `scan --image` left.
    pub trees: u64,
}

/// The temp directory of one `sync` run, locked shared while the run lasts.
pub struct Scratch {
    dir: PathBuf,
    /// Holds the shared lock; closed with the run.
    _lock: File,
}

impl Scratch {
    /// Makes `<feeds>/.tmp` (0700), sweeps what killed runs left there when no other run
    /// is using it, and locks it shared for this run.
    pub fn open(feeds: &Path) -> Result<(Scratch, Swept)> {
        private_dir(feeds)?;
        let dir = feeds.join(".tmp");
        private_dir(&dir)?;
        let lock = File::open(&dir).with_context(|| format!("opening {}", dir.display()))?;
        let mut swept = Swept::default();
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            swept = sweep(&dir)?;
        }
        // Converts the exclusive lock, or waits for a sweeping run to finish.
        // SAFETY: as above.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_SH) } != 0 {
            return Err(anyhow::Error::new(std::io::Error::last_os_error())
                .context(format!("locking {}", dir.display())));
        }
        Ok((Scratch { dir, _lock: lock }, swept))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new temp file (0600) for one download, removed when dropped and by the signal
    /// handler while it exists.
    pub fn file(&self) -> Result<TempDownload> {
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(".part")
            .tempfile_in(&self.dir)
            .with_context(|| format!("creating a temp file in {}", self.dir.display()))?;
        let registered = Registered(register(file.path()), &PENDING);
        Ok(TempDownload { file, registered })
    }

    /// A new private directory (0700) to unpack one image into, removed with everything
    /// in it when dropped and by the signal handler while it exists.
    pub fn tree(&self) -> Result<TempTree> {
        // The signals are held from before the directory exists until the handler knows
        // it: a signal in between would otherwise leave it to the next sweep.
        let held = HeldSignals::new();
        let dir = tempfile::Builder::new()
            .prefix(TREE_PREFIX)
            .tempdir_in(&self.dir)
            .with_context(|| format!("creating a temp directory in {}", self.dir.display()))?;
        let registered = Registered(register_in(&TREES, dir.path()), &TREES);
        drop(held);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} private (0700)", dir.path().display()))?;
        Ok(TempTree {
            dir,
            _registered: registered,
        })
    }
}

/// Removes the temp files of runs that are gone: regular files of ours (owner = this
/// user) named as downloads are; anything else is left alone.
fn sweep(dir: &Path) -> Result<Swept> {
    let me = crate::account::effective_uid();
    let mut swept = Swept::default();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.as_bytes();
        // Not followed: a symlink is neither a download nor an image root.
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if name.starts_with(TREE_PREFIX.as_bytes()) {
            if meta.file_type().is_dir()
                && meta.uid() == me
                && std::fs::remove_dir_all(entry.path()).is_ok()
            {
                swept.trees += 1;
            }
            continue;
        }
        if !(name.starts_with(PREFIX.as_bytes()) || name.starts_with(OLD_PREFIX.as_bytes())) {
            continue;
        }
        if !meta.file_type().is_file() || meta.uid() != me {
            continue;
        }
        if std::fs::remove_file(entry.path()).is_ok() {
            swept.files += 1;
            swept.bytes += meta.len();
        }
    }
    Ok(swept)
}

/// A download's temp file.
#[derive(Debug)]
pub struct TempDownload {
    // Declared first, dropped first: the file is removed, then forgotten by the handler.
    file: NamedTempFile,
    registered: Registered,
}

impl TempDownload {
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    pub fn as_file(&self) -> &File {
        self.file.as_file()
    }

    pub fn reopen(&self) -> std::io::Result<File> {
        self.file.reopen()
    }

    /// Moves the file to `dest` (kept for `sync --export`).
    pub fn persist(self, dest: &Path) -> Result<()> {
        let TempDownload { file, registered } = self;
        let result = file
            .persist(dest)
            .map(drop)
            .map_err(|e| anyhow::anyhow!("keeping {}: {}", dest.display(), e.error));
        // Forgotten only once renamed: a signal until then still removes it (after, the
        // old name no longer exists and unlink is a no-op).
        drop(registered);
        result
    }
}

/// SIGINT, SIGTERM and SIGHUP held (blocked) for this thread while it lives; one that
/// came meanwhile is delivered when it is dropped.
struct HeldSignals {
    previous: libc::sigset_t,
}

impl HeldSignals {
    fn new() -> HeldSignals {
        // SAFETY: sigset_t is plain data, filled by sigemptyset/sigaddset before use.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for s in InterruptGuard::SIGNALS {
                libc::sigaddset(&mut set, s);
            }
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous);
            HeldSignals { previous }
        }
    }
}

impl Drop for HeldSignals {
    fn drop(&mut self) {
        // SAFETY: puts back the mask read when the signals were held.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

/// An unpacked image's root (`scan --image`).
#[derive(Debug)]
pub struct TempTree {
    // Declared first, dropped first: the tree is removed, then forgotten by the handler.
    dir: tempfile::TempDir,
    _registered: Registered,
}

impl TempTree {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A path's place in one of the signal handler's lists, if there was room; cleared when
/// dropped.
#[derive(Debug)]
struct Registered(Option<usize>, &'static [AtomicPtr<libc::c_char>]);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(s) = self.0.and_then(|i| self.1.get(i)) {
            s.store(std::ptr::null_mut(), Ordering::SeqCst);
        }
    }
}

/// Paths (NUL-terminated, leaked) the signal handler removes. A run has at most two
/// downloads open at once (an errata repomd.xml and its updateinfo); eight slots leave
/// room. A path is leaked, not freed, when it leaves its slot: the handler may be reading
/// it on another thread, and a run leaks one short string per download.
const SLOTS: usize = 8;
static PENDING: [AtomicPtr<libc::c_char>; SLOTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];

/// Image roots (directories) the signal handler removes with `rm -rf`; one run unpacks
/// one image at a time.
const TREE_SLOTS: usize = 4;
static TREES: [AtomicPtr<libc::c_char>; TREE_SLOTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; TREE_SLOTS];

fn register(path: &Path) -> Option<usize> {
    register_in(&PENDING, path)
}

fn register_in(slots: &'static [AtomicPtr<libc::c_char>], path: &Path) -> Option<usize> {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let raw = c.into_raw();
    for (i, slot) in slots.iter().enumerate() {
        if slot
            .compare_exchange(
                std::ptr::null_mut(),
                raw,
                Ordering::SeqCst,
                Ordering::SeqCst,
            )
            .is_ok()
        {
            return Some(i);
        }
    }
    // No room: the next sync's sweep removes this file if a signal strikes.
    // SAFETY: `raw` came from into_raw above and was never shared.
    drop(unsafe { std::ffi::CString::from_raw(raw) });
    None
}

/// The line printed when a signal ends a `sync`.
const INTERRUPTED: &[u8] = b"error: interrupted; sync stopped and its downloads were removed, \
sources not yet imported keep the catalogue held before\n";

/// The line printed when a signal ends a `scan --image`.
pub const INTERRUPTED_IMAGE: &[u8] =
    b"error: interrupted; scan stopped and the unpacked image was removed, nothing was stored\n";

/// The line the handler prints: the last guard's (a static, so the handler reads no
/// allocation), [`INTERRUPTED`] until a guard says otherwise.
static MESSAGE: AtomicPtr<&'static [u8]> = AtomicPtr::new(std::ptr::null_mut());

/// Removes one image root from the signal handler: `rm -rf -- PATH` in a child, waited
/// for. Only async-signal-safe calls (fork, execve, _exit, waitpid).
fn remove_tree_from_handler(path: *const libc::c_char) {
    // SAFETY: fork in a handler is async-signal-safe; the child only calls execve and
    // _exit, on pointers to static strings and a leaked, never-freed path.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            let argv: [*const libc::c_char; 5] = [
                c"rm".as_ptr(),
                c"-rf".as_ptr(),
                c"--".as_ptr(),
                path,
                std::ptr::null(),
            ];
            let envp: [*const libc::c_char; 1] = [std::ptr::null()];
            libc::execve(c"/bin/rm".as_ptr(), argv.as_ptr(), envp.as_ptr());
            libc::_exit(127);
        }
        if pid > 0 {
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
    }
}

extern "C" fn on_signal(signal: libc::c_int) {
    // Only async-signal-safe calls: unlink(2), write(2), _exit(2). Ending here is the
    // same as kill -9 for the database (SQLite rolls an open transaction back when it is
    // next opened), minus the temp files.
    for slot in &PENDING {
        let p = slot.load(Ordering::SeqCst);
        if !p.is_null() {
            // SAFETY: a leaked, NUL-terminated path, never freed.
            unsafe {
                libc::unlink(p);
            }
        }
    }
    for slot in &TREES {
        let p = slot.load(Ordering::SeqCst);
        if !p.is_null() {
            remove_tree_from_handler(p);
        }
    }
    let message = MESSAGE.load(Ordering::SeqCst);
    // SAFETY: null or a leaked, never-freed reference to a static slice.
    let text: &[u8] = if message.is_null() {
        INTERRUPTED
    } else {
        unsafe { *message }
    };
    // SAFETY: a static buffer; _exit never returns.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
        libc::_exit(128 + signal);
    }
}

/// While a `sync` downloads: SIGINT, SIGTERM and SIGHUP remove its temp files and end the
/// process with 128 + the signal (130, 143, 129). Dropped, it puts the previous handlers
/// back.
pub struct InterruptGuard {
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl InterruptGuard {
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    pub fn new() -> InterruptGuard {
        Self::saying(INTERRUPTED)
    }

    /// As [`InterruptGuard::new`], printing `message` (one line, newline-terminated).
    pub fn saying(message: &'static [u8]) -> InterruptGuard {
        // Leaked, never freed: the handler may be reading the one it replaces.
        MESSAGE.store(Box::into_raw(Box::new(message)), Ordering::SeqCst);
        let mut previous = Vec::new();
        for signal in Self::SIGNALS {
            // SAFETY: a zeroed sigaction is valid; the handler only calls
            // async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        InterruptGuard { previous }
    }
}

impl Default for InterruptGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        for (signal, old) in &self.previous {
            // SAFETY: puts back the action read when the guard was made.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_only_our_downloads() {
        let feeds = tempfile::tempdir().unwrap();
        let tmp = feeds.path().join(".tmp");
        std::fs::create_dir(&tmp).unwrap();
        std::fs::write(tmp.join("download-abc.part"), b"12345").unwrap();
        std::fs::write(tmp.join(".tmpXYZ"), b"123").unwrap();
        std::fs::write(tmp.join("notes.txt"), b"keep").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", tmp.join("download-link.part")).unwrap();
        let (scratch, swept) = Scratch::open(feeds.path()).unwrap();
        assert_eq!(
            swept,
            Swept {
                files: 2,
                bytes: 8,
                trees: 0
            }
        );
        let mut left: Vec<String> = std::fs::read_dir(scratch.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["download-link.part", "notes.txt"]);
    }

    #[test]
    fn a_run_holding_the_directory_is_not_swept() {
        let feeds = tempfile::tempdir().unwrap();
        let (first, _) = Scratch::open(feeds.path()).unwrap();
        let download = first.file().unwrap();
        let (_second, swept) = Scratch::open(feeds.path()).unwrap();
        assert_eq!(swept, Swept::default());
        assert!(download.path().exists());
    }

    #[test]
    fn temp_files_are_removed_when_dropped_and_unregistered() {
        let feeds = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(feeds.path()).unwrap();
        let d = scratch.file().unwrap();
        let path = d.path().to_path_buf();
        let slot = d.registered.0.expect("registered");
        assert!(!PENDING[slot].load(Ordering::SeqCst).is_null());
        drop(d);
        assert!(!path.exists());
        assert!(PENDING[slot].load(Ordering::SeqCst).is_null());
    }

    #[test]
    fn a_panic_unwinding_removes_the_download() {
        let feeds = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(feeds.path()).unwrap();
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let d = scratch.file().unwrap();
            std::panic::panic_any(d.path().to_path_buf());
        }));
        let path = unwound
            .expect_err("it panicked")
            .downcast::<PathBuf>()
            .expect("the path");
        assert!(!path.exists(), "{}", path.display());
        assert_eq!(std::fs::read_dir(scratch.dir()).unwrap().count(), 0);
    }

    #[test]
    fn image_trees_are_private_removed_when_dropped_and_swept_when_left() {
        let feeds = tempfile::tempdir().unwrap();
        let (scratch, _) = Scratch::open(feeds.path()).unwrap();
        let tree = scratch.tree().unwrap();
        let path = tree.path().to_path_buf();
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o700);
        std::fs::create_dir_all(path.join("var/lib/dpkg")).unwrap();
        std::fs::write(path.join("var/lib/dpkg/status"), b"x").unwrap();
        let slot = tree._registered.0.expect("registered");
        assert!(!TREES[slot].load(Ordering::SeqCst).is_null());
        drop(tree);
        assert!(!path.exists());
        assert!(TREES[slot].load(Ordering::SeqCst).is_null());
        // What a killed run left: swept by the next one, with nothing else.
        let left = scratch.dir().join("image-left");
        std::fs::create_dir_all(left.join("etc")).unwrap();
        std::fs::write(left.join("etc/os-release"), b"ID=debian").unwrap();
        let keep = scratch.dir().join("image-not-a-dir");
        std::fs::write(&keep, b"keep").unwrap();
        drop(scratch);
        let (scratch, swept) = Scratch::open(feeds.path()).unwrap();
        assert_eq!(swept.trees, 1);
        assert!(!left.exists());
        assert!(keep.exists());
        drop(scratch);
    }

    #[test]
    fn private_dirs_are_0700_whatever_was_there() {
        let base = tempfile::tempdir().unwrap();
        let open = base.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        private_dir(&open.join("a/b")).unwrap();
        private_dir(&open).unwrap();
        for d in [open.clone(), open.join("a"), open.join("a/b")] {
            let mode = std::fs::metadata(&d).unwrap().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
    }
}
