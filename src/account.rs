//! The account this process runs as, from the passwd database (getpwuid_r): its name
//! (the audit actor when the environment names nobody, as under cron or systemd) and its
//! home directory (where OpenSSH looks for `~/.ssh/config`, whatever `$HOME` says).

use std::ffi::CStr;
use std::path::PathBuf;

/// A passwd entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub uid: u32,
    pub name: String,
    pub home: PathBuf,
}

/// The account of the process's real uid, or None when the passwd database has no
/// entry for it (a container started with an arbitrary uid).
pub fn current() -> Option<Account> {
    // SAFETY: getuid cannot fail.
    by_uid(unsafe { libc::getuid() })
}

/// The effective uid: whose files this process may treat as its own (the owner checks
/// of the database, of `--output` links and of sync's temp files).
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid cannot fail and has no preconditions.
    unsafe { libc::geteuid() }
}

/// The passwd entry of `uid` (through NSS, as OpenSSH looks it up).
pub fn by_uid(uid: u32) -> Option<Account> {
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: a zeroed passwd is a valid out-parameter; getpwuid_r fills it with
        // pointers into `buf`, which outlives every use below.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: non-null, NUL-terminated strings inside `buf`.
        let name = unsafe { CStr::from_ptr(pwd.pw_name) }
            .to_string_lossy()
            .into_owned();
        let home = if pwd.pw_dir.is_null() {
            PathBuf::new()
        } else {
            PathBuf::from(
                unsafe { CStr::from_ptr(pwd.pw_dir) }
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        return (!name.is_empty()).then_some(Account { uid, name, home });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry of root is in every passwd database; compared with /etc/passwd's line.
    #[test]
    fn root_is_found_as_in_etc_passwd() {
        let root = by_uid(0).expect("uid 0 has an entry");
        assert_eq!(root.name, "root");
        let passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd");
        let line = passwd
            .lines()
            .find(|l| l.starts_with("root:"))
            .expect("root line");
        assert_eq!(
            root.home,
            PathBuf::from(line.split(':').nth(5).expect("home field"))
        );
    }

    #[test]
    fn an_unknown_uid_has_no_entry() {
        assert_eq!(by_uid(4_000_000_000), None);
    }
}
