//! Whether a host needs a reboot: the one rule `host show`, the scan summary and the
//! report all apply to a host's latest good scan.

use serde::Serialize;

use crate::family::facts::kernel_variant;

/// A host's reboot state and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Reboot {
    /// The host flags it itself (Debian's `/var/run/reboot-required`,
    /// `needs-restarting -r`); None when the scan could not tell.
    pub flagged: Option<bool>,
    /// `(running, newest installed)` when the newest installed kernel is not the running
    /// one: the fixes in it apply only after a reboot.
    pub kernel: Option<(String, String)>,
}

impl Reboot {
    pub fn of(
        flagged: Option<bool>,
        kernel_running: Option<&str>,
        kernel_latest: Option<&str>,
    ) -> Reboot {
        // Only a newer build of the running kernel's variant makes it stale: a debug
        // kernel (`…+debug`) is not replaced by a default one at reboot, nor the reverse
        // (see `Facts::kernel_latest`; also for a latest stored before that rule).
        let kernel = match (kernel_running, kernel_latest) {
            (Some(r), Some(l)) if r != l && kernel_variant(r) == kernel_variant(l) => {
                Some((r.to_string(), l.to_string()))
            }
            _ => None,
        };
        Reboot { flagged, kernel }
    }

    /// Some(true) when a reboot is needed, Some(false) when the scan says it is not,
    /// None when the scan could not tell.
    pub fn needed(&self) -> Option<bool> {
        if self.kernel.is_some() {
            return Some(true);
        }
        self.flagged
    }

    /// `yes (kernel A → B)`, `yes`, `no` or `-`.
    pub fn text(&self) -> String {
        match (&self.kernel, self.flagged) {
            (Some((r, l)), _) => format!("yes (kernel {r} → {l})"),
            (None, Some(true)) => "yes".into(),
            (None, Some(false)) => "no".into(),
            (None, None) => "-".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_installed_kernel_needs_a_reboot_whatever_the_flag_says() {
        let r = Reboot::of(Some(false), Some("6.1.0-26-amd64"), Some("6.1.0-28-amd64"));
        assert_eq!(r.needed(), Some(true));
        assert_eq!(r.text(), "yes (kernel 6.1.0-26-amd64 → 6.1.0-28-amd64)");
        let r = Reboot::of(None, Some("6.1.0-26-amd64"), Some("6.1.0-28-amd64"));
        assert_eq!(r.needed(), Some(true));
    }

    #[test]
    fn only_a_newer_build_of_the_running_variant_makes_the_kernel_stale() {
        let debug = "5.14.0-362.el9.x86_64+debug";
        let newer_debug = "5.14.0-427.el9.x86_64+debug";
        let newer_default = "5.14.0-427.el9.x86_64";
        let r = Reboot::of(Some(false), Some(debug), Some(newer_debug));
        assert_eq!(r.needed(), Some(true));
        assert_eq!(r.text(), format!("yes (kernel {debug} → {newer_debug})"));
        assert_eq!(
            Reboot::of(Some(false), Some(debug), Some(newer_default)).needed(),
            Some(false)
        );
        assert_eq!(
            Reboot::of(
                Some(false),
                Some("5.14.0-362.el9.x86_64"),
                Some(newer_debug)
            )
            .needed(),
            Some(false)
        );
    }

    #[test]
    fn otherwise_the_flag_decides_and_nothing_known_is_unknown() {
        let same = |flag| Reboot::of(flag, Some("6.1.0-26-amd64"), Some("6.1.0-26-amd64"));
        assert_eq!(
            (same(Some(true)).needed(), same(Some(true)).text()),
            (Some(true), "yes".into())
        );
        assert_eq!(
            (same(Some(false)).needed(), same(Some(false)).text()),
            (Some(false), "no".into())
        );
        assert_eq!((same(None).needed(), same(None).text()), (None, "-".into()));
        // No kernel known on one side: the flag alone.
        assert_eq!(
            Reboot::of(Some(false), None, Some("6.1")).needed(),
            Some(false)
        );
    }
}
