//! Inventory: hosts and groups (rings), and importing them from CSV, TOML and Ansible INI.

pub mod import;
pub mod notify;
pub mod policy;
pub mod reboot;
pub mod validate;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::Failure;
use policy::Policy;

crate::db::stored::stored_state! {
    /// The outcome of a scan attempt (`scans.status`): here, below `scan`, because a
    /// host's newest attempt is part of what the inventory shows.
    ScanStatus {
        Ok = "ok",
        /// The host could not be scanned (unreachable, refused, unreadable output).
        Failed = "failed",
    }
}

crate::db::stored::stored_state! {
    /// What a host is (`hosts.kind`).
    HostKind {
        /// A machine, reached over ssh or collected here (`scan --local`).
        Host = "host",
        /// A container image (`scan --image`): scanned from its archive, never reached;
        /// it is rebuilt, not patched in place.
        Image = "image",
    }
}

crate::db::stored::stored_state! {
    /// What a host runs (`hosts.platform`), said in the inventory before any scan: it
    /// decides which collector `scan` sends.
    Platform {
        /// Linux and other POSIX systems: the `sh` collector.
        Posix = "posix",
        /// Windows: the PowerShell collector, over the host's OpenSSH server.
        Windows = "windows",
    }
}

impl Platform {
    /// The platform a user typed (`--platform`, an inventory file's `platform`).
    pub fn from_user(s: &str) -> Result<Platform, String> {
        Platform::parse(&s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "unknown platform {:?} (expected {})",
                crate::text::one_line(s),
                Platform::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
    }
}

/// A host as stored and as printed (JSON field names are part of the CLI contract).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Host {
    pub name: String,
    pub address: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub group: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub os_id: Option<String>,
    pub os_version: Option<String>,
    pub ecosystem: Option<String>,
    pub kernel_running: Option<String>,
    pub kernel_latest: Option<String>,
    /// A reboot is needed (the host's own flag, or a newer installed kernel than the
    /// running one: [`reboot::Reboot`]); None when the scan could not tell.
    pub reboot_required: Option<bool>,
    pub last_scan: Option<String>,
    /// `ok` or `failed`: the outcome of the newest scan attempt.
    pub scan_status: Option<String>,
    /// Why the newest scan attempt failed.
    pub scan_error: Option<String>,
    /// Left out of deployments until this time (`host defer`).
    pub deferred_until: Option<String>,
    pub defer_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// A machine or a container image.
    pub kind: HostKind,
    /// For an image: the digest of its config (`sha256:…`, the image ID).
    pub image_digest: Option<String>,
    /// What the host runs: which collector `scan` sends it.
    pub platform: Platform,
    /// Collected on this machine (`scan --local`), never over ssh.
    #[serde(skip)]
    pub local: bool,
    /// With `local`: the root directory read instead of the running system.
    #[serde(skip)]
    pub local_root: Option<String>,
}

impl Host {
    /// The ssh destination as a user would type it; `local` (or `local:DIR`) for a
    /// host collected on this machine.
    pub fn destination(&self) -> String {
        if self.kind == HostKind::Image {
            // The digest's first 12 hex digits, as `docker images` shows an image ID.
            let digest = self.image_digest.as_deref().unwrap_or("-");
            return format!("image {}", digest.get(..19).unwrap_or(digest));
        }
        if self.local {
            return match &self.local_root {
                Some(root) => format!("local:{root}"),
                None => "local".into(),
            };
        }
        let mut d = String::new();
        if let Some(u) = &self.user {
            d.push_str(u);
            d.push('@');
        }
        let bracket = self.port.is_some() && self.address.contains(':');
        if bracket {
            d.push('[');
        }
        d.push_str(&self.address);
        if bracket {
            d.push(']');
        }
        if let Some(p) = self.port {
            d.push_str(&format!(":{p}"));
        }
        d
    }
}

impl Host {
    /// Refuses a container image where only a machine can be acted on (test, deploy,
    /// rollback): an image is rebuilt, not patched in place.
    pub fn refuse_image(&self) -> Result<(), Failure> {
        if self.kind != HostKind::Image {
            return Ok(());
        }
        Err(Failure::usage(format!(
            "host {} is a container image: rebuild it, it cannot be patched in place",
            self.name
        ))
        .hint(match &self.group {
            Some(g) => format!(
                "take it out of group {g} with `patchcycle host set {} --no-group`; rescan the rebuilt image with `patchcycle scan --image FILE --host {}`",
                self.name, self.name
            ),
            None => format!(
                "rescan the rebuilt image with `patchcycle scan --image FILE --host {}`",
                self.name
            ),
        }))
    }
}

/// The editable part of a host: what `host add`, `host set` and imports provide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostSpec {
    pub name: String,
    pub address: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub group: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub platform: Platform,
}

impl HostSpec {
    /// Validates every field; returns the first problem.
    pub fn validate(&self) -> Result<(), String> {
        validate::name("host", &self.name)?;
        validate::address(&self.address)?;
        if let Some(u) = &self.user {
            validate::user(u)?;
        }
        if self.port == Some(0) {
            return Err("port 0 is not a valid port".into());
        }
        if let Some(g) = &self.group {
            validate::name("group", g)?;
        }
        for t in &self.tags {
            validate::tag(t)?;
        }
        if let Some(n) = &self.notes {
            validate::text("notes", n)?;
        }
        Ok(())
    }

    /// Tags sorted and deduplicated: the stored form.
    pub fn normalize(&mut self) {
        self.tags.sort();
        self.tags.dedup();
    }
}

const HOST_COLUMNS: &str = "h.name, h.address, h.user, h.port, g.name, h.tags, h.notes, h.os_id, \
     h.os_version, h.ecosystem, h.kernel_running, h.kernel_latest, h.reboot_required, \
     h.last_scan, h.created_at, h.updated_at, \
     (SELECT s.status FROM scans s WHERE s.host_id = h.id ORDER BY s.id DESC LIMIT 1), \
     (SELECT s.error FROM scans s WHERE s.host_id = h.id ORDER BY s.id DESC LIMIT 1), \
     h.deferred_until, h.defer_reason, h.local, h.local_root, h.kind, h.image_digest, h.platform";

fn host_from_row(r: &Row<'_>) -> rusqlite::Result<Host> {
    let tags: String = r.get(5)?;
    let port: Option<i64> = r.get(3)?;
    Ok(Host {
        name: r.get(0)?,
        address: r.get(1)?,
        user: r.get(2)?,
        port: port.and_then(|p| u16::try_from(p).ok()),
        group: r.get(4)?,
        // Written only by us as a JSON array; an unreadable value shows as no tags.
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        notes: r.get(6)?,
        os_id: r.get(7)?,
        os_version: r.get(8)?,
        ecosystem: r.get(9)?,
        kernel_running: r.get(10)?,
        kernel_latest: r.get(11)?,
        // Decided as everywhere else (the flag, or a newer installed kernel).
        reboot_required: reboot::Reboot::of(
            r.get::<_, Option<i64>>(12)?.map(|v| v != 0),
            r.get::<_, Option<String>>(10)?.as_deref(),
            r.get::<_, Option<String>>(11)?.as_deref(),
        )
        .needed(),
        last_scan: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        scan_status: r.get(16)?,
        scan_error: r.get(17)?,
        deferred_until: r.get(18)?,
        defer_reason: r.get(19)?,
        local: r.get(20)?,
        local_root: r.get(21)?,
        kind: r.get(22)?,
        image_digest: r.get(23)?,
        platform: r.get(24)?,
    })
}

/// Filters for `host list`.
#[derive(Debug, Clone, Default)]
pub struct HostFilter {
    pub group: Option<String>,
    pub tag: Option<String>,
}

/// Hosts in natural name order ([`natural_cmp`]).
pub fn list_hosts(conn: &Connection, filter: &HostFilter) -> Result<Vec<Host>> {
    let sql = format!(
        "SELECT {HOST_COLUMNS} FROM hosts h LEFT JOIN groups g ON g.id = h.group_id \
         WHERE (?1 IS NULL OR g.name = ?1) \
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(h.tags) WHERE value = ?2)) \
         ORDER BY h.name"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![filter.group, filter.tag], host_from_row)?;
    let mut hosts: Vec<Host> = rows.collect::<rusqlite::Result<_>>()?;
    // Sorted here, not by an SQL collation: readers without it (sqlite3, other tools)
    // keep working, and SQL's name order stays the unique index's.
    hosts.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    Ok(hosts)
}

/// Marks a host as collected on this machine (from `root`, or the running system).
/// Returns whether that changed anything.
pub fn mark_local(conn: &Connection, name: &str, root: Option<&str>, now: &str) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE hosts SET local = 1, local_root = ?2, updated_at = ?3 \
         WHERE name = ?1 AND NOT (local = 1 AND local_root IS ?2)",
        params![name, root, now],
    )?;
    Ok(changed > 0)
}

/// The refusal of an image scan named as a machine of the inventory.
pub fn machine_not_image(name: &str) -> Failure {
    Failure::usage(format!(
        "host {name} is a machine, not a container image: an image's scan would replace its own"
    ))
    .hint("name the image with --host NAME")
}

/// What [`record_image`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageRecord {
    Added,
    /// The image host was there; its digest changed (a rebuilt image).
    Updated,
    /// The image host was there with this digest.
    Unchanged,
}

/// Adds the host of kind image `name`, or updates its digest when it is there. A
/// machine of that name is refused: a scan of an image must not overwrite one.
pub fn record_image(conn: &Connection, name: &str, digest: &str, now: &str) -> Result<ImageRecord> {
    if let Some(h) = get_host(conn, name)? {
        if h.kind != HostKind::Image {
            return Err(machine_not_image(name).into());
        }
        if h.image_digest.as_deref() == Some(digest) {
            return Ok(ImageRecord::Unchanged);
        }
        conn.execute(
            "UPDATE hosts SET image_digest = ?2, updated_at = ?3 WHERE name = ?1",
            params![name, digest, now],
        )?;
        return Ok(ImageRecord::Updated);
    }
    let spec = HostSpec {
        name: name.to_string(),
        // Never connected to (refused by kind); the column holds no destination.
        address: "localhost".into(),
        tags: vec!["image".into()],
        ..HostSpec::default()
    };
    spec.validate().map_err(Failure::usage)?;
    insert_host(conn, &spec, now)?;
    conn.execute(
        "UPDATE hosts SET kind = ?2, image_digest = ?3 WHERE name = ?1",
        params![name, HostKind::Image, digest],
    )?;
    Ok(ImageRecord::Added)
}

pub fn get_host(conn: &Connection, name: &str) -> Result<Option<Host>> {
    let sql = format!(
        "SELECT {HOST_COLUMNS} FROM hosts h LEFT JOIN groups g ON g.id = h.group_id WHERE h.name = ?1"
    );
    Ok(conn.query_row(&sql, [name], host_from_row).optional()?)
}

/// The host, or a usage error naming it.
pub fn require_host(conn: &Connection, name: &str) -> Result<Host> {
    get_host(conn, name)?.ok_or_else(|| {
        Failure::usage(format!("unknown host {name:?}"))
            .hint("see `patchcycle host list`")
            .into()
    })
}

/// The id of a group, or a usage error naming it.
pub fn group_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM groups WHERE name = ?1", [name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Failure::usage(format!("unknown group {name:?}"))
                .hint(format!(
                    "create it with `patchcycle group add {name} --order N`, or see `patchcycle group list`"
                ))
                .into()
        })
}

/// Inserts a new host. A duplicate name is a usage error.
pub fn insert_host(conn: &Connection, spec: &HostSpec, now: &str) -> Result<()> {
    let gid = spec
        .group
        .as_deref()
        .map(|g| group_id(conn, g))
        .transpose()?;
    if get_host(conn, &spec.name)?.is_some() {
        return Err(
            Failure::usage(format!("host {:?} already exists", spec.name))
                .hint(format!(
                    "change it with `patchcycle host set {}`, or remove it first",
                    spec.name
                ))
                .into(),
        );
    }
    write_host_row(conn, spec, gid, now, false)
        .with_context(|| format!("inserting host {}", spec.name))
}

/// Replaces the editable fields of an existing host.
pub fn update_host(conn: &Connection, spec: &HostSpec, now: &str) -> Result<()> {
    let gid = spec
        .group
        .as_deref()
        .map(|g| group_id(conn, g))
        .transpose()?;
    write_host_row(conn, spec, gid, now, true)
}

/// Writes one host row, inserting or updating; the group is already resolved to its id.
/// The one place that spells the host columns for writing (`import` calls it per row).
pub(crate) fn write_host_row(
    conn: &Connection,
    spec: &HostSpec,
    group_id: Option<i64>,
    now: &str,
    update: bool,
) -> Result<()> {
    let sql = if update {
        "UPDATE hosts SET address = ?2, user = ?3, port = ?4, group_id = ?5, tags = ?6, \
         notes = ?7, updated_at = ?8, platform = ?9 WHERE name = ?1"
    } else {
        "INSERT INTO hosts (name, address, user, port, group_id, tags, notes, created_at, updated_at, platform) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)"
    };
    let n = conn.prepare_cached(sql)?.execute(params![
        spec.name,
        spec.address,
        spec.user,
        spec.port,
        group_id,
        serde_json::to_string(&spec.tags)?,
        spec.notes,
        now,
        spec.platform
    ])?;
    if n == 0 {
        return Err(Failure::usage(format!("unknown host {:?}", spec.name)).into());
    }
    Ok(())
}

/// Declares a host's ecosystem (`host add/set --ecosystem`, already canonical), so `sync`
/// covers it before the first scan; each good scan replaces it with what the host reports.
pub fn set_ecosystem(conn: &Connection, name: &str, ecosystem: &str, now: &str) -> Result<()> {
    let n = conn.execute(
        "UPDATE hosts SET ecosystem = ?2, updated_at = ?3 WHERE name = ?1",
        params![name, ecosystem, now],
    )?;
    if n == 0 {
        return Err(Failure::usage(format!("unknown host {name:?}")).into());
    }
    Ok(())
}

pub fn delete_host(conn: &Connection, name: &str) -> Result<()> {
    let n = conn.execute("DELETE FROM hosts WHERE name = ?1", [name])?;
    if n == 0 {
        return Err(Failure::usage(format!("unknown host {name:?}"))
            .hint("see `patchcycle host list`")
            .into());
    }
    Ok(())
}

/// The spec (editable part) of a stored host.
impl From<&Host> for HostSpec {
    fn from(h: &Host) -> Self {
        HostSpec {
            name: h.name.clone(),
            address: h.address.clone(),
            user: h.user.clone(),
            port: h.port,
            group: h.group.clone(),
            tags: h.tags.clone(),
            notes: h.notes.clone(),
            platform: h.platform,
        }
    }
}

/// A group (ring) as stored and printed.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Group {
    pub name: String,
    pub order: i64,
    pub stakeholder: Option<String>,
    pub admin: Option<String>,
    pub window: Option<String>,
    pub hosts: i64,
    pub policy: Policy,
    pub created_at: String,
    pub updated_at: String,
}

/// The editable part of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSpec {
    pub name: String,
    pub order: i64,
    pub stakeholder: Option<String>,
    pub admin: Option<String>,
    pub window: Option<String>,
    pub policy: Policy,
}

impl GroupSpec {
    pub fn validate(&self) -> Result<(), String> {
        validate::name("group", &self.name)?;
        for (field, value) in [
            ("stakeholder", &self.stakeholder),
            ("admin", &self.admin),
            ("window", &self.window),
        ] {
            if let Some(v) = value {
                validate::text(field, v)?;
            }
        }
        self.policy.validate()
    }
}

fn group_from_row(r: &Row<'_>) -> rusqlite::Result<(Group, String)> {
    Ok((
        Group {
            name: r.get(0)?,
            order: r.get(1)?,
            stakeholder: r.get(2)?,
            admin: r.get(3)?,
            window: r.get(4)?,
            hosts: r.get(6)?,
            policy: Policy::default(),
            created_at: r.get(7)?,
            updated_at: r.get(8)?,
        },
        r.get(5)?,
    ))
}

const GROUP_SELECT: &str = "SELECT g.name, g.ring, g.stakeholder, g.admin, g.window, g.policy, \
     (SELECT count(*) FROM hosts h WHERE h.group_id = g.id), g.created_at, g.updated_at FROM groups g";

fn with_policy((mut g, text): (Group, String)) -> Result<Group> {
    g.policy = Policy::from_toml(&text)
        .with_context(|| format!("stored policy of group {} is invalid", g.name))?;
    Ok(g)
}

pub fn list_groups(conn: &Connection) -> Result<Vec<Group>> {
    let mut stmt = conn.prepare(&format!("{GROUP_SELECT} ORDER BY g.ring, g.name"))?;
    let rows = stmt.query_map([], group_from_row)?;
    rows.map(|r| with_policy(r?)).collect()
}

/// Ring orders that more than one group holds (only in databases written before orders
/// were unique), each with its groups by name: `doctor` reports them.
pub fn shared_orders(conn: &Connection) -> Result<Vec<(i64, Vec<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT ring, name FROM groups WHERE ring IN \
         (SELECT ring FROM groups GROUP BY ring HAVING count(*) > 1) ORDER BY ring, name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    for row in rows {
        let (ring, name) = row?;
        match out.last_mut() {
            Some((r, names)) if *r == ring => names.push(name),
            _ => out.push((ring, vec![name])),
        }
    }
    Ok(out)
}

pub fn get_group(conn: &Connection, name: &str) -> Result<Option<Group>> {
    conn.query_row(
        &format!("{GROUP_SELECT} WHERE g.name = ?1"),
        [name],
        group_from_row,
    )
    .optional()?
    .map(with_policy)
    .transpose()
}

pub fn require_group(conn: &Connection, name: &str) -> Result<Group> {
    get_group(conn, name)?.ok_or_else(|| {
        Failure::usage(format!("unknown group {name:?}"))
            .hint("see `patchcycle group list`")
            .into()
    })
}

pub fn insert_group(conn: &Connection, spec: &GroupSpec, now: &str) -> Result<()> {
    if get_group(conn, &spec.name)?.is_some() {
        return Err(
            Failure::usage(format!("group {:?} already exists", spec.name))
                .hint(format!(
                    "change it with `patchcycle group set {}`",
                    spec.name
                ))
                .into(),
        );
    }
    write_group_row(conn, spec, now, false)
}

pub fn update_group(conn: &Connection, spec: &GroupSpec, now: &str) -> Result<()> {
    write_group_row(conn, spec, now, true)
}

/// Writes one group row, inserting or updating: the one place that spells the group
/// columns for writing. A ring order held by another group is refused: the approval
/// gate orders rings by it, and two groups in one ring would neither gate each other nor
/// have a defined order.
fn write_group_row(conn: &Connection, spec: &GroupSpec, now: &str, update: bool) -> Result<()> {
    // A group that shares its order from before orders were unique may still change
    // anything else.
    let kept: Option<i64> = conn
        .query_row(
            "SELECT ring FROM groups WHERE name = ?1",
            [&spec.name],
            |r| r.get(0),
        )
        .optional()?;
    let holder: Option<String> = if update && kept == Some(spec.order) {
        None
    } else {
        conn.query_row(
            "SELECT name FROM groups WHERE ring = ?1 AND name <> ?2 ORDER BY name LIMIT 1",
            params![spec.order, spec.name],
            |r| r.get(0),
        )
        .optional()?
    };
    if let Some(other) = holder {
        return Err(Failure::usage(format!(
            "ring order {} belongs to group {other}",
            spec.order
        ))
        .hint(format!(
            "each group needs its own order (the approval gate goes ring by ring): pick a free one \
             (see `patchcycle group list`), or move {other} first with `patchcycle group set {other} --order N`"
        ))
        .into());
    }
    let sql = if update {
        "UPDATE groups SET ring = ?2, stakeholder = ?3, admin = ?4, window = ?5, policy = ?6, \
         updated_at = ?7 WHERE name = ?1"
    } else {
        "INSERT INTO groups (name, ring, stakeholder, admin, window, policy, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"
    };
    conn.execute(
        sql,
        params![
            spec.name,
            spec.order,
            spec.stakeholder,
            spec.admin,
            spec.window,
            spec.policy.to_toml(),
            now
        ],
    )?;
    Ok(())
}

/// Removes a group; its hosts move to `move_to` first, or the removal is refused.
pub fn delete_group(
    conn: &Connection,
    name: &str,
    move_to: Option<&str>,
    now: &str,
) -> Result<i64> {
    let group = require_group(conn, name)?;
    let id = group_id(conn, name)?;
    let moved = group.hosts;
    if moved > 0 {
        let Some(target) = move_to else {
            return Err(Failure::usage(format!(
                "group {name:?} still has {moved} host(s)"
            ))
            .hint(format!(
                "move them with `patchcycle group rm {name} --move-to OTHER`, or remove them first"
            ))
            .into());
        };
        if target == name {
            return Err(Failure::usage("--move-to names the group being removed").into());
        }
        let target_id = group_id(conn, target)?;
        conn.execute(
            "UPDATE hosts SET group_id = ?1, updated_at = ?3 WHERE group_id = ?2",
            params![target_id, id, now],
        )?;
    }
    conn.execute("DELETE FROM groups WHERE id = ?1", [id])?;
    Ok(moved)
}

/// Host (and other) names in natural order: runs of digits compare as numbers, so `h2`
/// comes before `h10`; everything else compares byte by byte. Equal under this order
/// only when equal as strings (ties such as `h01`/`h1` fall back to byte order), so it
/// is a total order fit for sorting and for deduplication.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].is_ascii_digit() && y[j].is_ascii_digit() {
            let start = (i, j);
            while i < x.len() && x[i].is_ascii_digit() {
                i += 1;
            }
            while j < y.len() && y[j].is_ascii_digit() {
                j += 1;
            }
            let trim = |d: &[u8]| -> usize { d.iter().take_while(|c| **c == b'0').count() };
            let (dx, dy) = (&x[start.0..i], &y[start.1..j]);
            let (nx, ny) = (&dx[trim(dx)..], &dy[trim(dy)..]);
            let by_value = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
            if by_value != Ordering::Equal {
                return by_value;
            }
        } else {
            if x[i] != y[j] {
                return x[i].cmp(&y[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (x.len() - i).cmp(&(y.len() - j)).then_with(|| a.cmp(b))
}

/// Sets (or, with `None`, clears) a host's deferral: deploy leaves it out until then.
pub fn set_deferral(
    conn: &Connection,
    name: &str,
    until: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE hosts SET deferred_until = ?2, defer_reason = ?3, updated_at = ?4 WHERE name = ?1",
        params![name, until, reason, at],
    )?;
    Ok(())
}

/// How many hosts of a group are deferred past `at` (a stored time).
pub fn deferred_in_group(conn: &Connection, group: &str, at: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM hosts h JOIN groups g ON g.id = h.group_id \
         WHERE g.name = ?1 AND h.deferred_until > ?2",
        params![group, at],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod natural_tests {
    use super::natural_cmp;
    use std::cmp::Ordering;

    #[test]
    fn numbers_inside_names_compare_as_numbers() {
        let mut names = vec![
            "h10",
            "h2",
            "h1",
            "web-10.example",
            "web-9.example",
            "h",
            "db01",
            "db1",
            "db001a",
            "h2b",
            "h2a",
            "h02",
            "x",
            "10",
            "9",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "9",
                "10",
                "db01",
                "db1",
                "db001a",
                "h",
                "h1",
                "h02",
                "h2",
                "h2a",
                "h2b",
                "h10",
                "web-9.example",
                "web-10.example",
                "x"
            ]
        );
    }

    proptest::proptest! {
        /// A total order: antisymmetric, transitive, and equal only for equal strings
        /// (what `sort_by` needs).
        #[test]
        fn a_total_order(a in "[a0-9-]{0,6}", b in "[a0-9-]{0,6}", c in "[a0-9-]{0,6}") {
            proptest::prop_assert_eq!(natural_cmp(&a, &b), natural_cmp(&b, &a).reverse());
            proptest::prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Equal, a == b);
            if natural_cmp(&a, &b) != Ordering::Greater && natural_cmp(&b, &c) != Ordering::Greater {
                proptest::prop_assert_ne!(natural_cmp(&a, &c), Ordering::Greater);
            }
        }
    }

    #[test]
    fn equal_only_when_the_same_string() {
        assert_eq!(natural_cmp("h01", "h01"), Ordering::Equal);
        assert_ne!(natural_cmp("h01", "h1"), Ordering::Equal);
        assert_eq!(natural_cmp("h1", "h01"), Ordering::Greater);
        // Longer than any integer type: still compared by value.
        assert_eq!(
            natural_cmp("n99999999999999999999999", "n100000000000000000000000"),
            Ordering::Less
        );
    }
}
