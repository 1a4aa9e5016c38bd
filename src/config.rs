//! `config.toml`: where it lives, what it holds, how it is validated.
//!
//! Unknown keys are errors (a typo must not silently fall back to a default), and errors
//! name the line and column.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::Failure;
use crate::inventory::policy::Policy;

/// The commented default written by `patchcycle init`. It must parse to `Config::default()`
/// (a unit test checks).
pub const DEFAULT_CONFIG: &str = r#"# patchcycle configuration. Every key is optional; the values shown are the defaults.
# Reference: README.md, section "Configuration".

# Path of the SQLite database. --db and PATCHCYCLE_DB override it.
# Default: $XDG_DATA_HOME/patchcycle/patchcycle.db (~/.local/share/patchcycle/patchcycle.db).
# db = "/var/lib/patchcycle/patchcycle.db"

# The time zone of the dates you give and are shown: `exception add --expires 2026-12-31`
# lasts through the end of that day there, and is shown as 2026-12-31. An IANA name.
# Default: the machine's zone (TZ, then /etc/localtime), else UTC. Maintenance windows
# keep their own zone.
# time_zone = "Europe/Berlin"

[ssh]
# The OpenSSH client to run. Your ~/.ssh/config is honoured.
program = "ssh"
# Seconds to wait for a TCP connection (ssh -o ConnectTimeout), 1 to 300.
connect_timeout = 10
# Host key checking: "yes" (only known hosts) or "accept-new" (trust on first use).
# "no" is refused: patchcycle never talks to a host it cannot authenticate.
strict_host_key_checking = "yes"
# An ssh_config file to use instead of ~/.ssh/config (ssh -F).
# config_file = "/etc/patchcycle/ssh_config"
# How long a connection (an OpenSSH ControlMaster) is kept open after its last use, so
# that the next run reuses it: a duration (30s, 10m, 1h; at most 1d), or "off" (a scan
# closes its connections when it ends). A connection is also never reused once it is
# older than this: its host key is checked again by a new one.
persist = "60s"

# The policy a new group starts with (`patchcycle group add`); each group keeps its own
# copy, changed with `patchcycle group set NAME --set KEY=VALUE`.
[default_policy]
# Hosts patched at once in one wave.
max_parallel = 5
# Halt the rest of a deployment after this many failed hosts: a count (2) or a share ("10%").
failure_threshold = "10%"
# Reboot after patching: "never", "if-required" or "always".
reboot = "if-required"
# Snapshot before patching: "none", "command" or "qemu-img" ("lvm", "btrfs" and "zfs"
# are reserved and refused for now: use "command" with your own commands).
snapshot = "none"
# snapshot = "command": run on this machine; {host}, {address}, {deployment} and {name}
# become shell-quoted values.
# [default_policy.snapshot_command]
# create = "virsh snapshot-create-as {host} {name}"
# revert = "virsh snapshot-revert {host} {name}"
# cleanup = "virsh snapshot-delete {host} {name}"
# snapshot = "qemu-img": the host's qcow2 image (an internal snapshot; the VM must be
# shut down, as qemu-img refuses an image in use).
# qemu_img_disk = "/srv/vm/{host}.qcow2"
# How long a ring must run the patches without trouble before the next ring may be approved.
soak = "24h"
# Classes approved by `approve --auto` after the soak: "kev", "critical", "high", "security".
auto_approve = []
# Roll a host back automatically when its health checks fail.
rollback_on_failure = false
# Health-check commands run on each host after patching (exit 0 = healthy).
health_commands = []
# HTTP probes from this machine after a host is patched ({host} and {address} in the URL).
http_checks = []
# http_checks = [{ url = "https://{address}/health", status = 200, timeout = "10s" }]
# How long apt may wait for another package manager's lock.
lock_timeout = "5m"
# Longest one step on a host (snapshot, install, a check) may take. Every duration,
# count and share here has a range (README, "Reliability and security"): 1s to 24h here.
step_timeout = "30m"
# Longest a host may take to answer SSH again after a reboot, and the pause before asking.
reboot_timeout = "15m"
reboot_grace = "10s"
# Longest a host may be deferred past a cycle with `patchcycle host defer`.
max_deferral_days = 14
# A command run on this machine (sh -c) when a group is approved and before its test or
# deploy starts, e.g. to mail the stakeholders; it gets PATCHCYCLE_EVENT (approve, test,
# deploy), _CYCLE, _GROUP, _WINDOW, _CHANGE, _DECISION and _PATCHES (a file listing
# "ecosystem package target" lines) in its environment.
# notify = "mail -s \"patches approved for $PATCHCYCLE_GROUP\" ops@example.com < $PATCHCYCLE_PATCHES"
# A command run on this machine (sh -c) after a scan found findings (or advisories of a
# finding) that the host's previous good scan did not have, once per group, for cron mail;
# not run when nothing is new. It gets PATCHCYCLE_EVENT (new-findings), _GROUP, _COUNT and
# _FINDINGS (a file of "host package installed fixed severity kev|- new-advisories" lines).
# notify_new = "mail -s \"new findings in $PATCHCYCLE_GROUP\" ops@example.com < $PATCHCYCLE_FINDINGS"

# What patchcycle must know before it calls a host compliant or lets a gate pass: a host
# whose last good scan is older than max_scan_age, or whose ecosystem's catalogue (OSV or
# errata source) was last brought up to date longer ago than max_feed_age, is "unknown".
max_scan_age = "7d"
max_feed_age = "3d"
# A pending security update that no synced advisory rates counts as this severity.
unrated_severity = "medium"

# Days allowed to close a finding, per severity.
[default_policy.sla_days]
critical = 7
high = 14
medium = 30
low = 90

# Catalogue feeds for `patchcycle sync`. `sync --from DIR` and `sync --mirror URL` read
# every source from one place instead (layout in README.md, section "Sync").
[sync]
# Seconds to wait for a connection (1..=300), and for the next bytes of a response
# before the download is given up as stalled (1..=3600).
connect_timeout = 10
timeout = 60
# Seconds one file's download may take in all, retries included (1..=86400).
deadline = 3600
# Further attempts after a connection error, a timeout or an HTTP 5xx answer (0..=10).
retries = 3
# Largest share (0 to 1) of a source's records one import may remove; an import that
# removes more, or leaves the source empty, is refused unless `sync --allow-shrink`.
max_shrink = 0.5
# A base URL (or file:// directory) that replaces every source's own URL.
# mirror = "https://mirror.example.net/patchcycle/"

# The largest file each source may download, in MiB; a download is stopped as soon as
# it goes over. OSV: one ecosystem's all.zip (1..=16384); KEV: the JSON (1..=64, it is
# read whole); EPSS: the .csv.gz (1..=16384); errata: each repomd.xml and updateinfo
# file (1..=16384); MSRC: the updates index and each monthly CVRF document, compressed
# or not, and its XML once decompressed (1..=1024).
[sync.max_mib]
osv = 1024
kev = 16
epss = 64
errata = 256
msrc = 64

[sync.osv]
enabled = true
url = "https://osv-vulnerabilities.storage.googleapis.com"
# OSV ecosystems to sync besides those of the scanned hosts, e.g. ["Debian", "AlmaLinux"].
ecosystems = []

[sync.kev]
enabled = true
url = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

[sync.epss]
enabled = true
url = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"

# Microsoft's Security Update Guide (CVRF API v3.0): `<url>/updates`, then
# `<url>/cvrf/<YYYY-Mon>` for each monthly document. `sync msrc` syncs it; a plain `sync`
# syncs it once it has been synced or when the inventory has a Windows host.
[sync.msrc]
enabled = true
url = "https://api.msrc.microsoft.com/cvrf/v3.0"

# RPM repositories whose errata (repodata updateinfo) to sync; one table each:
# [[sync.errata]]
# name = "rocky9-baseos"
# url = "https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/"
# ecosystem = "Rocky Linux:9"

# Incremental scans (README, "Incremental scans"): a host whose package-state
# fingerprint matches its last full scan's answers "unchanged", and that scan's facts
# are matched again. A host is still collected in full once its last full collection is
# older than this (1s to 366d); `scan --full` forces one.
[scan]
full_every = "24h"

# Bounds on unpacking one image for `scan --image` (only what the collector reads is
# written); an image over one is refused, not scanned in part. File bytes written, in
# MiB (1..=1048576); tar entries read in all layers (1..=100000000); decompressed layer
# bytes read, kept or skipped, in MiB (1..=4194304).
[image]
max_unpacked_mib = 2048
max_entries = 2000000
max_read_mib = 65536
"#;

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub db: Option<PathBuf>,
    /// `None`: the machine's zone, see [`Config::zone`].
    pub time_zone: Option<TimeZone>,
    pub ssh: SshConfig,
    pub default_policy: Policy,
    pub sync: SyncConfig,
    pub scan: ScanConfig,
    pub image: ImageConfig,
}

/// `[scan]`: how often a host whose fingerprint is unchanged is still collected in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanConfig {
    pub full_every: crate::inventory::policy::Span,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            full_every: crate::inventory::policy::Span(std::time::Duration::from_secs(86_400)),
        }
    }
}

/// `[image]`: the bounds on unpacking one image for `scan --image` (README: "Container
/// images"). An image going over one is refused, not scanned in part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImageConfig {
    /// File bytes written into the temporary root, in MiB.
    pub max_unpacked_mib: u32,
    /// Tar entries read, in all layers.
    pub max_entries: u32,
    /// Decompressed layer bytes read, kept or skipped, in MiB.
    pub max_read_mib: u32,
}

impl Default for ImageConfig {
    fn default() -> Self {
        let b = crate::image::Bounds::default();
        ImageConfig {
            max_unpacked_mib: (b.unpacked_bytes / MIB) as u32,
            max_entries: b.entries as u32,
            max_read_mib: (b.read_bytes / MIB) as u32,
        }
    }
}

const MIB: u64 = 1024 * 1024;

impl ImageConfig {
    pub fn validate(&self) -> Result<(), String> {
        let keys = [
            Bounded {
                key: "image.max_unpacked_mib",
                value: self.max_unpacked_mib,
                range: 1..=1024 * 1024,
                unit: "MiB",
            },
            Bounded {
                key: "image.max_entries",
                value: self.max_entries,
                range: 1..=100_000_000,
                unit: "entries",
            },
            Bounded {
                key: "image.max_read_mib",
                value: self.max_read_mib,
                range: 1..=4 * 1024 * 1024,
                unit: "MiB",
            },
        ];
        Bounded::check(&keys)
    }

    pub fn bounds(&self) -> crate::image::Bounds {
        crate::image::Bounds {
            unpacked_bytes: u64::from(self.max_unpacked_mib) * MIB,
            entries: u64::from(self.max_entries),
            read_bytes: u64::from(self.max_read_mib) * MIB,
        }
    }
}

/// An IANA time zone (`Europe/Berlin`), validated when the configuration is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<chrono_tz::Tz>().map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown time zone {name:?}; use an IANA name such as \"Europe/Berlin\" or \"UTC\""
            ))
        })
    }
}

/// The machine's time zone: `TZ` when it names an IANA zone (`Europe/Berlin`,
/// `:Europe/Berlin`), then the zone /etc/localtime links to (or /etc/timezone names),
/// else UTC. A POSIX rule in `TZ` (`CET-1CEST`) names no zone and is passed over.
pub fn machine_zone() -> chrono_tz::Tz {
    let named = |s: &str| {
        s.trim()
            .trim_start_matches(':')
            .parse::<chrono_tz::Tz>()
            .ok()
    };
    if let Some(tz) = std::env::var("TZ").ok().as_deref().and_then(named) {
        return tz;
    }
    let linked = std::fs::read_link("/etc/localtime")
        .ok()
        .and_then(|target| {
            let target = target.to_string_lossy().into_owned();
            target
                .split_once("zoneinfo/")
                .and_then(|(_, name)| named(name))
        });
    linked
        .or_else(|| {
            std::fs::read_to_string("/etc/timezone")
                .ok()
                .as_deref()
                .and_then(named)
        })
        .unwrap_or(chrono_tz::Tz::UTC)
}

/// `[sync]`: the catalogue feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncConfig {
    pub connect_timeout: u32,
    /// Stall timeout: longest wait for the next bytes of a response.
    pub timeout: u32,
    /// Longest one file's download may take, retries included.
    pub deadline: u32,
    pub retries: u32,
    /// The share (0..=1) of a source's records one import may remove.
    pub max_shrink: f64,
    pub mirror: Option<String>,
    pub max_mib: MaxMib,
    pub osv: OsvConfig,
    pub kev: FeedConfig,
    pub epss: FeedConfig,
    /// The MSRC Security Update Guide: the base URL of its CVRF API.
    pub msrc: FeedConfig,
    pub errata: Vec<ErrataConfig>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            connect_timeout: 10,
            timeout: 60,
            deadline: 3600,
            retries: 3,
            max_shrink: 0.5,
            mirror: None,
            max_mib: MaxMib::default(),
            osv: OsvConfig::default(),
            kev: FeedConfig {
                enabled: true,
                url: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json".into(),
            },
            epss: FeedConfig {
                enabled: true,
                url: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz".into(),
            },
            msrc: FeedConfig {
                enabled: true,
                url: "https://api.msrc.microsoft.com/cvrf/v3.0".into(),
            },
            errata: Vec::new(),
        }
    }
}

/// `[sync.max_mib]`: the size cap of one downloaded file, per source, in MiB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaxMib {
    pub osv: u32,
    pub kev: u32,
    pub epss: u32,
    pub errata: u32,
    /// The MSRC index and each CVRF document, as downloaded and decompressed.
    pub msrc: u32,
}

impl Default for MaxMib {
    fn default() -> Self {
        // Real sizes in 2026: the largest OSV distribution zip ~300 MiB, KEV ~1.5 MiB,
        // EPSS ~2.5 MiB, a RHEL updateinfo ~30 MiB. The defaults leave room to grow.
        MaxMib {
            osv: 1024,
            kev: 16,
            epss: 64,
            errata: 256,
            // The largest monthly CVRF document (2026) is ~8 MiB of XML.
            msrc: 64,
        }
    }
}

/// One bounded numeric key of `[sync]`: its name, value and allowed range.
struct Bounded {
    key: &'static str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
    unit: &'static str,
}

impl SyncConfig {
    /// Largest size cap, in MiB, of any source (16 GiB).
    pub const MAX_MIB: u32 = 16 * 1024;
    /// KEV's JSON is parsed from memory: its cap is bounded by what the parser reads.
    pub const MAX_KEV_MIB: u32 = 64;
    /// A CVRF document is decompressed within this bound (a zstd bomb stops there).
    pub const MAX_MSRC_MIB: u32 = 1024;

    /// Every numeric key within its documented range, else the first one that is not,
    /// as one line naming the key, the value and the range.
    pub fn validate(&self) -> Result<(), String> {
        let keys = [
            Bounded {
                key: "sync.connect_timeout",
                value: self.connect_timeout,
                range: 1..=300,
                unit: "seconds",
            },
            Bounded {
                key: "sync.timeout",
                value: self.timeout,
                range: 1..=3600,
                unit: "seconds",
            },
            Bounded {
                key: "sync.deadline",
                value: self.deadline,
                range: 1..=86_400,
                unit: "seconds",
            },
            Bounded {
                key: "sync.retries",
                value: self.retries,
                range: 0..=10,
                unit: "attempts",
            },
            Bounded {
                key: "sync.max_mib.osv",
                value: self.max_mib.osv,
                range: 1..=Self::MAX_MIB,
                unit: "MiB",
            },
            Bounded {
                key: "sync.max_mib.kev",
                value: self.max_mib.kev,
                range: 1..=Self::MAX_KEV_MIB,
                unit: "MiB",
            },
            Bounded {
                key: "sync.max_mib.epss",
                value: self.max_mib.epss,
                range: 1..=Self::MAX_MIB,
                unit: "MiB",
            },
            Bounded {
                key: "sync.max_mib.errata",
                value: self.max_mib.errata,
                range: 1..=Self::MAX_MIB,
                unit: "MiB",
            },
            Bounded {
                key: "sync.max_mib.msrc",
                value: self.max_mib.msrc,
                range: 1..=Self::MAX_MSRC_MIB,
                unit: "MiB",
            },
        ];
        Bounded::check(&keys)
    }
}

impl Bounded {
    /// The first key out of its range, as one line.
    fn check(keys: &[Bounded]) -> Result<(), String> {
        match keys.iter().find(|k| !k.range.contains(&k.value)) {
            Some(k) => Err(format!(
                "{} = {} is out of range: use {}..={} ({})",
                k.key,
                k.value,
                k.range.start(),
                k.range.end(),
                k.unit
            )),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OsvConfig {
    pub enabled: bool,
    pub url: String,
    pub ecosystems: Vec<String>,
}

impl Default for OsvConfig {
    fn default() -> Self {
        OsvConfig {
            enabled: true,
            url: "https://osv-vulnerabilities.storage.googleapis.com".into(),
            ecosystems: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrataConfig {
    pub name: String,
    /// The repository base URL (the directory holding `repodata/`).
    pub url: String,
    /// The OSV-style ecosystem the errata apply to, e.g. `Rocky Linux:9`.
    pub ecosystem: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SshConfig {
    pub program: String,
    pub connect_timeout: u32,
    pub strict_host_key_checking: HostKeyChecking,
    pub config_file: Option<PathBuf>,
    pub persist: Persist,
}

/// How long an ssh ControlMaster outlives its last use (`[ssh] persist`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persist {
    /// No master outlives the run: a scan closes the ones it used when it ends.
    Off,
    /// Kept this long after its last use (ssh's ControlPersist), and never reused once
    /// it is older than this.
    For(std::time::Duration),
}

/// The longest `[ssh] persist`: a day. A master older than that has skipped a day of
/// host key checks.
pub const SSH_PERSIST_MAX: std::time::Duration = std::time::Duration::from_secs(86_400);

impl std::str::FromStr for Persist {
    type Err = String;
    fn from_str(s: &str) -> Result<Persist, String> {
        match s.trim() {
            "off" | "0" => return Ok(Persist::Off),
            _ => {}
        }
        let d = crate::inventory::policy::parse_duration(s)
            .map_err(|_| format!("{s:?} is not a duration like 60s, 10m or 1h, nor \"off\""))?;
        if d.is_zero() {
            Ok(Persist::Off)
        } else if d > SSH_PERSIST_MAX {
            Err(format!(
                "{s:?} is longer than {}",
                crate::inventory::policy::format_duration(SSH_PERSIST_MAX)
            ))
        } else {
            Ok(Persist::For(d))
        }
    }
}

impl std::fmt::Display for Persist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Persist::Off => f.write_str("off"),
            Persist::For(d) => f.write_str(&crate::inventory::policy::format_duration(*d)),
        }
    }
}

impl Serialize for Persist {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Persist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|e: String| serde::de::Error::custom(format!("ssh.persist = {e}")))
    }
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            program: "ssh".into(),
            connect_timeout: 10,
            strict_host_key_checking: HostKeyChecking::Yes,
            config_file: None,
            // Today's ControlPersist: a run's masters serve its next steps and a run
            // started within the minute; longer is a choice (see the README).
            persist: Persist::For(std::time::Duration::from_secs(60)),
        }
    }
}

/// The range of `ssh.connect_timeout`, in seconds: 0 would wait forever (OpenSSH takes
/// it as "no timeout"), and a host that takes minutes to accept TCP is down.
pub const SSH_CONNECT_TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 1..=300;

impl SshConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.program.trim().is_empty() {
            return Err("ssh.program is empty".into());
        }
        let range = SSH_CONNECT_TIMEOUT_RANGE;
        if !range.contains(&self.connect_timeout) {
            return Err(format!(
                "ssh.connect_timeout = {} is out of range ({} to {} seconds)",
                self.connect_timeout,
                range.start(),
                range.end()
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostKeyChecking {
    Yes,
    AcceptNew,
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The file was read.
    File(PathBuf),
    /// The default path holds no file: built-in defaults.
    Defaults(PathBuf),
}

impl ConfigSource {
    pub fn path(&self) -> &Path {
        match self {
            ConfigSource::File(p) | ConfigSource::Defaults(p) => p,
        }
    }
}

impl Config {
    /// The zone of dates given and shown: `time_zone`, else the machine's.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.map_or_else(machine_zone, |z| z.0)
    }

    /// Reads the configuration. A missing file at the default path means defaults; a
    /// missing file named explicitly (`--config`, `PATCHCYCLE_CONFIG`) is an error.
    pub fn load(path: &Path, explicit: bool) -> Result<(Config, ConfigSource)> {
        match std::fs::File::open(path) {
            Ok(file) => {
                // Bounded: a path naming /dev/zero or a FIFO must not fill the memory.
                let name = path.display().to_string();
                let bytes = crate::input::read_capped(file, &name, crate::input::InputKind::Config)?;
                let text = crate::input::text(bytes, &name)?;
                Ok((
                    Config::parse(&text, path)?,
                    ConfigSource::File(path.to_path_buf()),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Ok((Config::default(), ConfigSource::Defaults(path.to_path_buf())))
            }
            Err(e) => Err(Failure::usage(format!(
                "cannot read config {}: {e}",
                path.display()
            ))
            .hint("run `patchcycle init` to write a default config, or fix --config / PATCHCYCLE_CONFIG")
            .into()),
        }
    }

    /// Parses and validates configuration text; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| toml_failure(&e, text, path))?;
        config
            .default_policy
            .validate()
            .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
        // NaN fails the range check too.
        if !(0.0..=1.0).contains(&config.sync.max_shrink) {
            return Err(Failure::usage(format!(
                "invalid config {}: sync.max_shrink = {} is not a share from 0 to 1",
                path.display(),
                config.sync.max_shrink
            ))
            .hint("e.g. max_shrink = 0.5 refuses an import that removes more than half of a source")
            .into());
        }
        config
            .sync
            .validate()
            .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
        for e in &config.sync.errata {
            crate::inventory::validate::name("errata source", &e.name).map_err(|m| {
                Failure::usage(format!(
                    "invalid config {}: sync.errata: {m}",
                    path.display()
                ))
            })?;
        }
        config
            .ssh
            .validate()
            .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
        crate::inventory::policy::bounds::SCAN_FULL_EVERY
            .span(config.scan.full_every)
            .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
        config
            .image
            .validate()
            .map_err(|e| Failure::usage(format!("invalid config {}: {e}", path.display())))?;
        Ok(config)
    }
}

/// A TOML error as one line: `invalid config PATH: line L, column C: MESSAGE`.
pub fn toml_failure(e: &toml::de::Error, text: &str, path: &Path) -> Failure {
    let message = e.message().trim().replace('\n', " ");
    let what = format!("invalid config {}", path.display());
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            Failure::usage(format!("{what}: line {line}, column {col}: {message}"))
        }
        None => Failure::usage(format!("{what}: {message}")),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `$XDG_CONFIG_HOME/patchcycle/config.toml`, falling back to `~/.config`.
pub fn default_config_path() -> Result<PathBuf> {
    Ok(xdg_dir("XDG_CONFIG_HOME", ".config")?
        .join("patchcycle")
        .join("config.toml"))
}

/// `$XDG_DATA_HOME/patchcycle/patchcycle.db`, falling back to `~/.local/share`.
pub fn default_db_path() -> Result<PathBuf> {
    Ok(xdg_dir("XDG_DATA_HOME", ".local/share")?
        .join("patchcycle")
        .join("patchcycle.db"))
}

fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    // The XDG spec says relative values are to be ignored.
    if let Some(dir) = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
    {
        return Ok(dir);
    }
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if home.is_absolute() => Ok(home.join(fallback)),
        _ => Err(
            Failure::usage(format!("neither {var} nor HOME is set to an absolute path"))
                .hint("set HOME, or pass --db and --config")
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_text_parses_to_defaults() {
        let parsed = Config::parse(DEFAULT_CONFIG, Path::new("config.toml")).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = Config::parse("[ssh]\nprogam = \"ssh\"\n", Path::new("c.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("invalid config c.toml: line 2, column 1: "),
            "{msg}"
        );
        assert!(msg.contains("progam"), "{msg}");
    }

    #[test]
    fn max_shrink_is_a_share_from_0_to_1() {
        for (text, want) in [("0", 0.0), ("1", 1.0), ("0.25", 0.25)] {
            let c = Config::parse(
                &format!("[sync]\nmax_shrink = {text}\n"),
                Path::new("c.toml"),
            )
            .expect(text);
            assert_eq!(c.sync.max_shrink, want);
        }
        for text in ["1.5", "-0.1", "nan", "inf"] {
            let err = Config::parse(
                &format!("[sync]\nmax_shrink = {text}\n"),
                Path::new("c.toml"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.starts_with("invalid config c.toml: sync.max_shrink = ")
                    && err.ends_with(" is not a share from 0 to 1"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn ssh_persist_is_a_bounded_duration_or_off() {
        use std::time::Duration;
        for (text, want) in [
            ("off", Persist::Off),
            ("0", Persist::Off),
            ("0s", Persist::Off),
            ("10m", Persist::For(Duration::from_secs(600))),
            ("1d", Persist::For(Duration::from_secs(86_400))),
        ] {
            let c = Config::parse(
                &format!("[ssh]\npersist = \"{text}\"\n"),
                Path::new("c.toml"),
            )
            .expect(text);
            assert_eq!(c.ssh.persist, want, "{text}");
        }
        assert_eq!(
            Config::default().ssh.persist,
            Persist::For(Duration::from_secs(60))
        );
        for (text, why) in [
            ("1d1s", "\"1d1s\" is longer than 1d"),
            (
                "forever",
                "\"forever\" is not a duration like 60s, 10m or 1h, nor \"off\"",
            ),
            (
                "10",
                "\"10\" is not a duration like 60s, 10m or 1h, nor \"off\"",
            ),
        ] {
            let err = Config::parse(
                &format!("[ssh]\npersist = \"{text}\"\n"),
                Path::new("c.toml"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains(&format!("ssh.persist = {why}")),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn time_zone_is_an_iana_name() {
        let parsed =
            Config::parse("time_zone = \"Europe/Berlin\"\n", Path::new("c.toml")).expect("valid");
        assert_eq!(parsed.zone(), chrono_tz::Europe::Berlin);
        let err = Config::parse("time_zone = \"Europe/Berln\"\n", Path::new("c.toml"))
            .expect_err("unknown zone");
        assert_eq!(
            err.to_string(),
            "invalid config c.toml: line 1, column 13: unknown time zone \"Europe/Berln\"; \
             use an IANA name such as \"Europe/Berlin\" or \"UTC\""
        );
    }

    #[test]
    fn sync_numbers_are_bounded() {
        for (text, msg) in [
            (
                "[sync]\ntimeout = 0\n",
                "sync.timeout = 0 is out of range: use 1..=3600 (seconds)",
            ),
            (
                "[sync]\nretries = 4000000000\n",
                "sync.retries = 4000000000 is out of range: use 0..=10 (attempts)",
            ),
            (
                "[sync]\nconnect_timeout = 0\n",
                "sync.connect_timeout = 0 is out of range: use 1..=300 (seconds)",
            ),
            (
                "[sync]\ndeadline = 86401\n",
                "sync.deadline = 86401 is out of range: use 1..=86400 (seconds)",
            ),
            (
                "[sync.max_mib]\nkev = 65\n",
                "sync.max_mib.kev = 65 is out of range: use 1..=64 (MiB)",
            ),
            (
                "[sync.max_mib]\nosv = 0\n",
                "sync.max_mib.osv = 0 is out of range: use 1..=16384 (MiB)",
            ),
        ] {
            let err = Config::parse(text, Path::new("c.toml")).expect_err(text);
            assert_eq!(err.to_string(), format!("invalid config c.toml: {msg}"));
        }
        let edges = "[sync]\nconnect_timeout = 300\ntimeout = 3600\ndeadline = 86400\nretries = 10\n\
                     [sync.max_mib]\nosv = 16384\nkev = 64\nepss = 1\nerrata = 16384\n";
        Config::parse(edges, Path::new("c.toml")).expect("the range ends are allowed");
    }

    #[test]
    fn ssh_connect_timeout_has_a_range() {
        for (value, ok) in [("0", false), ("1", true), ("300", true), ("301", false)] {
            let text = format!("[ssh]\nconnect_timeout = {value}\n");
            let got = Config::parse(&text, Path::new("c.toml")).map(|_| ());
            match (ok, got) {
                (true, r) => assert!(r.is_ok(), "{value}: {r:?}"),
                (false, r) => assert_eq!(
                    r.expect_err(value).to_string(),
                    format!(
                        "invalid config c.toml: ssh.connect_timeout = {value} is out of range (1 to 300 seconds)"
                    )
                ),
            }
        }
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé\nx", 6), (2, 3));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
