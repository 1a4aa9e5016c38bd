//! A group's policy: how its hosts are patched. Stored as validated TOML in `groups.policy`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A group's patch policy. Every field has a default, so a partial TOML table is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub max_parallel: u32,
    pub failure_threshold: Threshold,
    pub reboot: RebootPolicy,
    /// After installing: restart the services still running replaced code, or reboot.
    pub restart: RestartPolicy,
    pub snapshot: SnapshotProvider,
    pub soak: Span,
    pub auto_approve: Vec<AutoApproveClass>,
    pub rollback_on_failure: bool,
    pub health_commands: Vec<String>,
    /// Longest a host of the group may be deferred past a cycle (`host defer`).
    pub max_deferral_days: u32,
    /// Run (by `sh -c`, on the controller) when the group is approved; the details come
    /// in PATCHCYCLE_* environment variables, never spliced into the command.
    pub notify: Option<String>,
    /// Run (by `sh -c`, on the controller) after a scan found something new on the
    /// group's hosts: the new findings in a file (PATCHCYCLE_FINDINGS), for cron mail.
    pub notify_new: Option<String>,
    pub sla_days: SlaDays,
    /// How long apt/dnf may wait for another package manager's lock.
    pub lock_timeout: Span,
    /// Longest one deploy step (snapshot, install, a health check) may take on a host.
    pub step_timeout: Span,
    /// Longest a host may take to answer SSH again after a reboot.
    pub reboot_timeout: Span,
    /// Wait this long after the reboot command before polling SSH, so an answer from
    /// the host still shutting down is not taken for the rebooted one.
    pub reboot_grace: Span,
    /// `snapshot = "command"`: commands run on the controller.
    pub snapshot_command: Option<SnapshotCommands>,
    /// `snapshot = "qemu-img"`: the qcow2 image of a host, `{host}` replaced by its name.
    pub qemu_img_disk: Option<String>,
    /// HTTP probes run from the controller after a host is patched.
    pub http_checks: Vec<HttpCheck>,
    /// A host whose last good scan is older than this is *unknown*, not compliant.
    pub max_scan_age: Span,
    /// A host whose catalogue (the OSV or errata source of its ecosystem) was last
    /// brought up to date longer ago than this is *unknown*, not compliant.
    pub max_feed_age: Span,
    /// The severity a pending security update counts as when no synced advisory rates
    /// it: it is still an open finding, never invisible to a gate.
    pub unrated_severity: crate::catalog::Severity,
    /// The share of the lower ring's hosts that must have succeeded (their latest test or
    /// deploy in the cycle done) before this ring may be approved.
    pub promote_min_success: Share,
    /// How many of the lower ring's hosts must have succeeded before this ring may be
    /// approved (0: no minimum, as before the key existed).
    pub promote_min_hosts: u32,
    /// When `approve --auto` may approve a class of patches: a delay counted from the
    /// cycle's start (`approve_rules = [{ class = "kev", after = "0d" }, …]`).
    pub approve_rules: Vec<ApproveRule>,
    /// Four eyes: who approves must be neither who started the cycle nor who ran a test
    /// of it on a lower ring (the emergency lane included).
    pub require_distinct_approver: bool,
}

const HOUR: u64 = 3_600;
const DAY: u64 = 24 * HOUR;

/// The inclusive range of one policy value: whole seconds for a duration, the number for
/// a count, percent for a share. README.md (section "Reliability and security") lists
/// them all: keep both in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub key: &'static str,
    pub min: u64,
    pub max: u64,
}

impl Bound {
    const fn new(key: &'static str, min: u64, max: u64) -> Bound {
        Bound { key, min, max }
    }

    /// A duration; a sub-second part cannot be written in policy TOML.
    pub fn span(self, value: Span) -> Result<(), String> {
        if (self.min..=self.max).contains(&value.0.as_secs()) {
            return Ok(());
        }
        let shown = |secs: u64| format_duration(Duration::from_secs(secs));
        Err(format!(
            "{} = {value} is out of range ({} to {})",
            self.key,
            shown(self.min),
            shown(self.max)
        ))
    }

    pub fn count(self, value: u64) -> Result<(), String> {
        if (self.min..=self.max).contains(&value) {
            return Ok(());
        }
        Err(format!(
            "{} = {value} is out of range ({} to {})",
            self.key, self.min, self.max
        ))
    }

    pub fn share(self, percent: u64) -> Result<(), String> {
        if (self.min..=self.max).contains(&percent) {
            return Ok(());
        }
        Err(format!(
            "{} = {percent}% is out of range ({}% to {}%)",
            self.key, self.min, self.max
        ))
    }

    /// A list's length: only a maximum.
    pub fn entries(self, len: usize) -> Result<(), String> {
        if len as u64 <= self.max {
            return Ok(());
        }
        Err(format!(
            "{} holds {len} entries, more than {}",
            self.key, self.max
        ))
    }
}

/// The bounds of every duration, count and share of a policy.
pub mod bounds {
    use super::{Bound, DAY, HOUR};

    pub const SOAK: Bound = Bound::new("soak", 0, 90 * DAY);
    pub const LOCK_TIMEOUT: Bound = Bound::new("lock_timeout", 0, DAY);
    pub const STEP_TIMEOUT: Bound = Bound::new("step_timeout", 1, DAY);
    pub const REBOOT_TIMEOUT: Bound = Bound::new("reboot_timeout", 1, DAY);
    pub const REBOOT_GRACE: Bound = Bound::new("reboot_grace", 0, HOUR);
    pub const MAX_SCAN_AGE: Bound = Bound::new("max_scan_age", 1, 366 * DAY);
    pub const MAX_FEED_AGE: Bound = Bound::new("max_feed_age", 1, 366 * DAY);
    /// `[scan] full_every` in config.toml (not a group's policy: one scan covers hosts
    /// of many groups).
    pub const SCAN_FULL_EVERY: Bound = Bound::new("scan.full_every", 1, 366 * DAY);
    pub const HTTP_CHECK_TIMEOUT: Bound = Bound::new("http_checks.timeout", 1, HOUR);
    pub const FAILURE_COUNT: Bound = Bound::new("failure_threshold", 0, 10_000);
    pub const FAILURE_SHARE: Bound = Bound::new("failure_threshold", 0, 100);
    /// The most `--parallel` takes too.
    pub const MAX_PARALLEL: Bound = Bound::new("max_parallel", 1, 256);
    pub const MAX_DEFERRAL_DAYS: Bound = Bound::new("max_deferral_days", 0, 366);
    pub const SLA_CRITICAL: Bound = Bound::new("sla_days.critical", 1, 3_650);
    pub const SLA_HIGH: Bound = Bound::new("sla_days.high", 1, 3_650);
    pub const SLA_MEDIUM: Bound = Bound::new("sla_days.medium", 1, 3_650);
    pub const SLA_LOW: Bound = Bound::new("sla_days.low", 1, 3_650);
    pub const HEALTH_COMMANDS: Bound = Bound::new("health_commands", 0, 100);
    pub const HTTP_CHECKS: Bound = Bound::new("http_checks", 0, 100);
    pub const PROMOTE_MIN_SUCCESS: Bound = Bound::new("promote_min_success", 0, 100);
    pub const PROMOTE_MIN_HOSTS: Bound = Bound::new("promote_min_hosts", 0, 10_000);
    pub const APPROVE_RULES: Bound = Bound::new("approve_rules", 0, 5);
    pub const APPROVE_RULE_AFTER: Bound = Bound::new("approve_rules.after", 0, 366 * DAY);
}

/// Snapshot commands, run by `sh -c` on the controller. `{host}`, `{address}`,
/// `{deployment}` and `{name}` (the snapshot name) are replaced by shell-quoted values,
/// and the same values are in PATCHCYCLE_HOST, PATCHCYCLE_ADDRESS, PATCHCYCLE_DEPLOYMENT
/// and PATCHCYCLE_SNAPSHOT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SnapshotCommands {
    pub create: String,
    pub revert: String,
    #[serde(default)]
    pub cleanup: Option<String>,
}

/// An HTTP probe: `{host}` and `{address}` in the URL are replaced by the host's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    pub url: String,
    #[serde(default = "default_http_status")]
    pub status: u16,
    #[serde(default = "default_http_timeout")]
    pub timeout: Span,
}

fn default_http_status() -> u16 {
    200
}

fn default_http_timeout() -> Span {
    Span(Duration::from_secs(10))
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_parallel: 5,
            failure_threshold: Threshold::Percent(10),
            reboot: RebootPolicy::IfRequired,
            restart: RestartPolicy::None,
            snapshot: SnapshotProvider::None,
            soak: Span(Duration::from_secs(24 * 3600)),
            auto_approve: Vec::new(),
            rollback_on_failure: false,
            health_commands: Vec::new(),
            max_deferral_days: 14,
            notify: None,
            notify_new: None,
            sla_days: SlaDays::default(),
            lock_timeout: Span(Duration::from_secs(300)),
            step_timeout: Span(Duration::from_secs(1800)),
            reboot_timeout: Span(Duration::from_secs(900)),
            reboot_grace: Span(Duration::from_secs(10)),
            snapshot_command: None,
            qemu_img_disk: None,
            http_checks: Vec::new(),
            max_scan_age: Span(Duration::from_secs(7 * 86_400)),
            max_feed_age: Span(Duration::from_secs(3 * 86_400)),
            unrated_severity: crate::catalog::Severity::Medium,
            // All hosts, as the gate asked before the key existed ("a successful result").
            promote_min_success: Share::from_permille(1000),
            promote_min_hosts: 0,
            approve_rules: Vec::new(),
            require_distinct_approver: false,
        }
    }
}

impl Policy {
    /// Checks the rules serde cannot express.
    pub fn validate(&self) -> Result<(), String> {
        self.check_ranges()?;
        for cmd in &self.health_commands {
            if cmd.trim().is_empty() {
                return Err("health_commands holds an empty command".into());
            }
            if cmd.chars().any(|c| c.is_control() && c != '\t') {
                return Err(format!(
                    "health command {cmd:?} contains a control character"
                ));
            }
        }
        for (key, command) in [("notify", &self.notify), ("notify_new", &self.notify_new)] {
            if let Some(n) = command
                && (n.trim().is_empty() || n.chars().any(|c| c.is_control() && c != '\t'))
            {
                return Err(format!("{key} is empty or contains a control character"));
            }
        }
        let no_control = |t: &str| !t.chars().any(|c| c.is_control() && c != '\t');
        match self.snapshot {
            SnapshotProvider::Command => match &self.snapshot_command {
                None => {
                    return Err(
                        "snapshot = \"command\" needs [snapshot_command] with create and revert"
                            .into(),
                    );
                }
                Some(c) => {
                    for t in [Some(&c.create), Some(&c.revert), c.cleanup.as_ref()]
                        .into_iter()
                        .flatten()
                    {
                        if t.trim().is_empty() || !no_control(t) {
                            return Err(format!(
                                "snapshot command {t:?} is empty or contains a control character"
                            ));
                        }
                    }
                }
            },
            SnapshotProvider::QemuImg => match &self.qemu_img_disk {
                Some(d) if d.starts_with('/') && no_control(d) => {}
                _ => {
                    return Err(
                        "snapshot = \"qemu-img\" needs qemu_img_disk, an absolute path like /srv/vm/{host}.qcow2"
                            .into(),
                    );
                }
            },
            SnapshotProvider::None => {}
            other => {
                return Err(format!(
                    "snapshot provider {other} is not built yet; use snapshot = \"command\" with your own create/revert commands"
                ));
            }
        }
        for c in &self.http_checks {
            if !(c.url.starts_with("http://") || c.url.starts_with("https://"))
                || !no_control(&c.url)
            {
                return Err(format!("http check {:?} is not an http(s) URL", c.url));
            }
            if !(100..=599).contains(&c.status) {
                return Err(format!(
                    "http check status {} is not an HTTP status",
                    c.status
                ));
            }
        }
        if self.unrated_severity == crate::catalog::Severity::None {
            return Err(
                "unrated_severity must be low, medium, high or critical: an unrated security update is never nothing"
                    .into(),
            );
        }
        Ok(())
    }

    /// Every duration, count and share against its [`bounds`]: a value the engine would
    /// add to a clock (`step_timeout = 18446744073709551615s`) or a count no fleet needs
    /// is refused where it is set.
    fn check_ranges(&self) -> Result<(), String> {
        use bounds::*;
        SOAK.span(self.soak)?;
        LOCK_TIMEOUT.span(self.lock_timeout)?;
        STEP_TIMEOUT.span(self.step_timeout)?;
        REBOOT_TIMEOUT.span(self.reboot_timeout)?;
        REBOOT_GRACE.span(self.reboot_grace)?;
        MAX_SCAN_AGE.span(self.max_scan_age)?;
        MAX_FEED_AGE.span(self.max_feed_age)?;
        for c in &self.http_checks {
            HTTP_CHECK_TIMEOUT.span(c.timeout)?;
        }
        match self.failure_threshold {
            Threshold::Count(n) => FAILURE_COUNT.count(n.into())?,
            Threshold::Percent(p) => FAILURE_SHARE.share(p.into())?,
        }
        MAX_PARALLEL.count(self.max_parallel.into())?;
        MAX_DEFERRAL_DAYS.count(self.max_deferral_days.into())?;
        let s = &self.sla_days;
        SLA_CRITICAL.count(s.critical.into())?;
        SLA_HIGH.count(s.high.into())?;
        SLA_MEDIUM.count(s.medium.into())?;
        SLA_LOW.count(s.low.into())?;
        HEALTH_COMMANDS.entries(self.health_commands.len())?;
        HTTP_CHECKS.entries(self.http_checks.len())?;
        // A share is checked in whole percent of its range; its tenths are its own.
        PROMOTE_MIN_SUCCESS.share(u64::from(self.promote_min_success.permille() / 10))?;
        if self.promote_min_success.permille() > 1000 {
            return Err(format!(
                "promote_min_success = {} is out of range (0% to 100%)",
                self.promote_min_success
            ));
        }
        PROMOTE_MIN_HOSTS.count(self.promote_min_hosts.into())?;
        APPROVE_RULES.entries(self.approve_rules.len())?;
        for (i, r) in self.approve_rules.iter().enumerate() {
            APPROVE_RULE_AFTER.span(r.after)?;
            if self.approve_rules[..i].iter().any(|o| o.class == r.class) {
                return Err(format!(
                    "approve_rules names class {} twice",
                    r.class.as_str()
                ));
            }
        }
        Ok(())
    }

    /// Parses policy TOML (a table of the keys above) and validates it.
    pub fn from_toml(text: &str) -> Result<Policy, toml::de::Error> {
        toml::from_str(text)
    }

    /// The canonical TOML form stored in the database.
    pub fn to_toml(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        toml::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaDays {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for SlaDays {
    fn default() -> Self {
        SlaDays {
            critical: 7,
            high: 14,
            medium: 30,
            low: 90,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RebootPolicy {
    Never,
    IfRequired,
    Always,
}

/// What the deploy does, after installing, about processes still running code the
/// install replaced (`family::restart`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicy {
    /// Nothing: the next scan shows them (and keeps their findings open).
    #[default]
    None,
    /// Restart their systemd units and SysV services; a reboot (per `reboot`) when only
    /// a reboot helps or a restart fails.
    Services,
    /// Reboot (per `reboot`) when any process still runs replaced code.
    Reboot,
}

impl RestartPolicy {
    /// The policy's spelling (`restart = "services"`), as serde reads and writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RestartPolicy::None => "none",
            RestartPolicy::Services => "services",
            RestartPolicy::Reboot => "reboot",
        }
    }
}

impl std::fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotProvider {
    None,
    Command,
    QemuImg,
    Lvm,
    Btrfs,
    Zfs,
}

impl RebootPolicy {
    /// The policy's spelling (`reboot = "if-required"`), as serde reads and writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RebootPolicy::Never => "never",
            RebootPolicy::IfRequired => "if-required",
            RebootPolicy::Always => "always",
        }
    }
}

impl std::fmt::Display for RebootPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SnapshotProvider {
    /// The policy's spelling (`snapshot = "qemu-img"`), as serde reads and writes it,
    /// also in the JSON of a stored snapshot (`deployment_hosts.snapshot`).
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotProvider::None => "none",
            SnapshotProvider::Command => "command",
            SnapshotProvider::QemuImg => "qemu-img",
            SnapshotProvider::Lvm => "lvm",
            SnapshotProvider::Btrfs => "btrfs",
            SnapshotProvider::Zfs => "zfs",
        }
    }
}

impl std::fmt::Display for SnapshotProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AutoApproveClass {
    Kev,
    Critical,
    High,
    Security,
    /// Every patch of the set.
    All,
}

impl AutoApproveClass {
    /// The policy's spelling (`class = "kev"`), as serde reads and writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AutoApproveClass::Kev => "kev",
            AutoApproveClass::Critical => "critical",
            AutoApproveClass::High => "high",
            AutoApproveClass::Security => "security",
            AutoApproveClass::All => "all",
        }
    }
}

/// One approval rule: `approve --auto` may approve the class's patches once `after` has
/// passed since the cycle started (and the ring gate is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveRule {
    pub class: AutoApproveClass,
    pub after: Span,
}

impl fmt::Display for ApproveRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} after {}", self.class.as_str(), self.after)
    }
}

/// A share of hosts, kept in tenths of a percent (87.5 % is 875). Written `"95%"`,
/// `"87.5%"` or as a fraction `0.95`; shown back as `95%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(u32);

impl Share {
    pub const fn from_permille(permille: u32) -> Share {
        Share(permille)
    }

    pub fn permille(self) -> u32 {
        self.0
    }

    /// Whether `ok` of `total` reach the share (exactly, in integers; 0 of 0 does).
    pub fn reached(self, ok: u64, total: u64) -> bool {
        ok.saturating_mul(1000) >= u64::from(self.0).saturating_mul(total)
    }

    fn parse_percent(text: &str) -> Option<Share> {
        let (whole, tenth) = match text.split_once('.') {
            Some((w, t)) if t.len() == 1 => (w, t),
            Some(_) => return None,
            None => (text, "0"),
        };
        if whole.is_empty()
            || !whole
                .bytes()
                .chain(tenth.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let w: u32 = whole.parse().ok()?;
        let t: u32 = tenth.parse().ok()?;
        w.checked_mul(10)?.checked_add(t).map(Share)
    }
}

/// `95%`, `87.5%`: whole percent without a decimal, else one decimal.
impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}%", self.0 / 10)
        } else {
            write!(f, "{}.{}%", self.0 / 10, self.0 % 10)
        }
    }
}

impl FromStr for Share {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad =
            || format!("promote_min_success {s:?} is not a share like \"95%\", \"87.5%\" or 0.95");
        match t.strip_suffix('%') {
            Some(p) => Share::parse_percent(p.trim()).ok_or_else(bad),
            None => {
                let x: f64 = t.parse().map_err(|_| bad())?;
                if !(0.0..=1.0).contains(&x) {
                    return Err(format!(
                        "promote_min_success = {t} is out of range (0.0 to 1.0, or 0% to 100%)"
                    ));
                }
                let permille = (x * 1000.0).round();
                if (permille - x * 1000.0).abs() > 1e-6 {
                    return Err(format!(
                        "promote_min_success = {t} is finer than a tenth of a percent"
                    ));
                }
                // In 0..=1000 after the range check above.
                Ok(Share(permille as u32))
            }
        }
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Fraction(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Fraction(x) => x.to_string().parse(),
            Raw::Text(t) => t.parse(),
        }
        .map_err(serde::de::Error::custom)
    }
}

/// Failed hosts that halt a deployment: a count, or a share of the group's hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    Count(u32),
    Percent(u32),
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Count(n) => write!(f, "{n}"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Threshold::Count(n) => s.serialize_u32(*n),
            Threshold::Percent(_) => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Count(n) => Ok(Threshold::Count(n)),
            Raw::Text(t) => {
                let digits = t.strip_suffix('%').ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "failure_threshold {t:?} is neither a count (2) nor a share (\"10%\")"
                    ))
                })?;
                digits
                    .trim()
                    .parse::<u32>()
                    .map(Threshold::Percent)
                    .map_err(|_| {
                        serde::de::Error::custom(format!(
                            "failure_threshold {t:?} is not a whole percentage"
                        ))
                    })
            }
        }
    }
}

/// A duration in policy TOML (soak, timeouts), written like `24h`, `90m`, `2d`, `1d12h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl FromStr for Span {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_duration(s).map(Span)
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses `1d12h30m15s`-style durations (units d, h, m, s; at least one part).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not a duration like 24h, 90m, 2d or 1d12h");
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut parts = 0;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        digits.clear();
        parts += 1;
    }
    if parts == 0 || !digits.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// The shortest `1d12h`-style spelling of a duration; `0s` for zero.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, name) in [(86_400, 'd'), (3_600, 'h'), (60, 'm'), (1, 's')] {
        if secs >= unit {
            out.push_str(&format!("{}{name}", secs / unit));
            secs %= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_str` (output, errors) spells every provider and reboot policy as serde does
    /// (policy files, stored snapshot JSON), so the two can never drift apart.
    #[test]
    fn policy_words_are_the_serde_spelling() {
        use SnapshotProvider as P;
        for p in [P::None, P::Command, P::QemuImg, P::Lvm, P::Btrfs, P::Zfs] {
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
            let back: P = serde_json::from_str(&format!("\"{}\"", p.as_str())).unwrap();
            assert_eq!(back, p);
        }
        use RebootPolicy as R;
        for r in [R::Never, R::IfRequired, R::Always] {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        use RestartPolicy as S;
        for r in [S::None, S::Services, S::Reboot] {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
    }

    #[test]
    fn durations_round_trip() {
        for s in ["24h", "90m", "2d", "1d12h", "45s", "1d1h1m1s"] {
            let d = parse_duration(s).unwrap();
            let back = format_duration(d);
            assert_eq!(parse_duration(&back).unwrap(), d, "{s} -> {back}");
        }
        assert_eq!(format_duration(parse_duration("90m").unwrap()), "1h30m");
        for bad in ["", "h", "12", "1x", "-1h", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn default_policy_round_trips_through_toml() {
        let p = Policy::default();
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
    }

    #[test]
    fn every_duration_count_and_share_has_a_range() {
        let refused = |toml: &str| {
            Policy::from_toml(toml)
                .expect("parses")
                .validate()
                .expect_err(toml)
        };
        assert_eq!(
            refused("step_timeout = \"18446744073709551615s\""),
            "step_timeout = 213503982334601d7h15s is out of range (1s to 1d)"
        );
        assert_eq!(
            refused("soak = \"91d\""),
            "soak = 91d is out of range (0s to 90d)"
        );
        assert_eq!(
            refused("max_scan_age = \"0s\""),
            "max_scan_age = 0s is out of range (1s to 366d)"
        );
        assert_eq!(
            refused("failure_threshold = \"101%\""),
            "failure_threshold = 101% is out of range (0% to 100%)"
        );
        assert_eq!(
            refused("max_parallel = 0"),
            "max_parallel = 0 is out of range (1 to 256)"
        );
        assert_eq!(
            refused("[sla_days]\nlow = 4000000000"),
            "sla_days.low = 4000000000 is out of range (1 to 3650)"
        );
        assert_eq!(
            refused("http_checks = [{ url = \"http://x/\", timeout = \"2h\" }]"),
            "http_checks.timeout = 2h is out of range (1s to 1h)"
        );
        let many = format!("health_commands = [{}]", vec!["\"true\""; 101].join(","));
        assert_eq!(
            refused(&many),
            "health_commands holds 101 entries, more than 100"
        );
        // Each end of each duration's range is accepted.
        use bounds::*;
        for b in [
            SOAK,
            LOCK_TIMEOUT,
            STEP_TIMEOUT,
            REBOOT_TIMEOUT,
            REBOOT_GRACE,
            MAX_SCAN_AGE,
            MAX_FEED_AGE,
            HTTP_CHECK_TIMEOUT,
        ] {
            for secs in [b.min, b.max] {
                let toml = match b.key.strip_prefix("http_checks.") {
                    Some(k) => {
                        format!("http_checks = [{{ url = \"http://x/\", {k} = \"{secs}s\" }}]")
                    }
                    None => format!("{} = \"{secs}s\"", b.key),
                };
                let p = Policy::from_toml(&toml).expect("parses");
                assert_eq!(p.validate(), Ok(()), "{toml}");
            }
        }
        assert_eq!(Policy::default().validate(), Ok(()));
    }

    #[test]
    fn threshold_forms() {
        let p = Policy::from_toml("failure_threshold = 3").unwrap();
        assert_eq!(p.failure_threshold, Threshold::Count(3));
        let p = Policy::from_toml("failure_threshold = \"25%\"").unwrap();
        assert_eq!(p.failure_threshold, Threshold::Percent(25));
        assert!(Policy::from_toml("failure_threshold = \"lots\"").is_err());
        assert!(Policy::from_toml("max_paralel = 3").is_err());
        let p = Policy::from_toml("failure_threshold = \"120%\"").unwrap();
        assert!(p.validate().is_err());
    }

    /// `promote_min_success` is read as a percentage or a fraction and always shown back
    /// as a percentage; a value between tenths of a percent or past 100 % is refused.
    #[test]
    fn promote_min_success_forms() {
        let share = |toml: &str| Policy::from_toml(toml).map(|p| p.promote_min_success);
        for (toml, shown) in [
            ("promote_min_success = \"95%\"", "95%"),
            ("promote_min_success = \" 87.5 % \"", "87.5%"),
            ("promote_min_success = 0.95", "95%"),
            ("promote_min_success = 0.875", "87.5%"),
            ("promote_min_success = 1", "100%"),
            ("promote_min_success = 0", "0%"),
            ("promote_min_success = \"0.9\"", "90%"),
        ] {
            let s = share(toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
            assert_eq!(s.to_string(), shown, "{toml}");
            let p = Policy::from_toml(toml).unwrap();
            assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p, "{toml}");
        }
        for bad in [
            "promote_min_success = 1.5",
            "promote_min_success = -0.1",
            "promote_min_success = 0.9512",
            "promote_min_success = \"95.25%\"",
            "promote_min_success = \"ninety\"",
            "promote_min_success = \"%\"",
        ] {
            assert!(share(bad).is_err(), "{bad} accepted");
        }
        let over = Policy::from_toml("promote_min_success = \"101%\"").unwrap();
        assert_eq!(
            over.validate(),
            Err("promote_min_success = 101% is out of range (0% to 100%)".into())
        );
        let s: Share = "87.5%".parse().unwrap();
        assert!(s.reached(7, 8) && !s.reached(6, 8));
        let s: Share = "95%".parse().unwrap();
        assert!(!s.reached(7, 8) && s.reached(19, 20) && !s.reached(18, 20));
        assert!(
            s.reached(0, 0),
            "no hosts is judged by promote_min_hosts, not the share"
        );
    }

    #[test]
    fn approve_rules_are_a_list_of_class_and_after() {
        let p = Policy::from_toml(
            "approve_rules = [{ class = \"kev\", after = \"0d\" }, \
             { class = \"critical\", after = \"3d\" }, { class = \"all\", after = \"14d\" }]",
        )
        .unwrap();
        assert_eq!(p.validate(), Ok(()));
        let shown: Vec<String> = p.approve_rules.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["kev after 0s", "critical after 3d", "all after 14d"]
        );
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
        let twice = Policy::from_toml(
            "approve_rules = [{ class = \"kev\", after = \"0d\" }, { class = \"kev\", after = \"1d\" }]",
        )
        .unwrap();
        assert_eq!(
            twice.validate(),
            Err("approve_rules names class kev twice".into())
        );
        let late =
            Policy::from_toml("approve_rules = [{ class = \"all\", after = \"367d\" }]").unwrap();
        assert_eq!(
            late.validate(),
            Err("approve_rules.after = 367d is out of range (0s to 366d)".into())
        );
        assert!(
            Policy::from_toml("approve_rules = [{ class = \"low\", after = \"1d\" }]").is_err()
        );
        assert!(Policy::from_toml("approve_rules = [{ class = \"kev\" }]").is_err());
    }
}
