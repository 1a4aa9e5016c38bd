//! `patchcycle host add|list|show|set|rm|import`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::Context;
use crate::error::{Failure, usage};
use crate::inventory::import::{self, ImportFormat, Plan};
use crate::inventory::validate::Destination;
use crate::inventory::{self, Host, HostFilter, HostSpec};
use crate::output::{self, or_dash};
use crate::{audit, clock, db};

#[derive(Debug, Subcommand)]
pub enum HostCommand {
    /// Add a host
    Add(AddArgs),
    /// List hosts
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one host
    Show(ShowArgs),
    /// Change a host
    Set(SetArgs),
    /// Remove hosts
    Rm(RmArgs),
    /// Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)
    Import(ImportArgs),
    /// Leave a host out of deployments until a date (within the group's max_deferral_days)
    Defer(DeferArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Unique name (letters, digits, '.', '_', '-')
    pub name: String,
    /// SSH destination: [user@]host[:port], [user@][v6addr]:port, or an ~/.ssh/config alias
    /// [default: NAME]
    pub destination: Option<String>,
    /// Group (ring) the host belongs to
    #[arg(short, long, add = super::complete::groups())]
    pub group: Option<String>,
    /// Tag (repeat, or separate with commas)
    #[arg(short, long = "tag", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Free-form notes
    #[arg(long)]
    pub notes: Option<String>,
    /// OS and release, so `sync` covers it before the first scan (Debian:12,
    /// Ubuntu:24.04:LTS, AlmaLinux:9, Rocky Linux:9, Alpine:v3.20); a scan replaces it
    #[arg(long, value_name = "ECO")]
    pub ecosystem: Option<String>,
    /// What the host runs: `scan` sends a Windows host the PowerShell collector
    #[arg(long, value_enum, default_value_t = PlatformArg::Posix)]
    pub platform: PlatformArg,
}

/// `--platform`: what a host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlatformArg {
    /// Linux and other POSIX systems (the `sh` collector)
    Posix,
    /// Windows with its OpenSSH server (the PowerShell collector)
    Windows,
}

impl From<PlatformArg> for inventory::Platform {
    fn from(p: PlatformArg) -> inventory::Platform {
        match p {
            PlatformArg::Posix => inventory::Platform::Posix,
            PlatformArg::Windows => inventory::Platform::Windows,
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only hosts of this group
    #[arg(short, long, add = super::complete::groups())]
    pub group: Option<String>,
    /// Only hosts with this tag
    #[arg(short, long)]
    pub tag: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The host
    #[arg(add = super::complete::hosts())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The host to change
    #[arg(add = super::complete::hosts())]
    pub name: String,
    /// New SSH destination
    #[arg(long)]
    pub destination: Option<String>,
    /// Move to this group
    #[arg(short, long, conflicts_with = "no_group", add = super::complete::groups())]
    pub group: Option<String>,
    /// Take the host out of its group
    #[arg(long)]
    pub no_group: bool,
    /// Add a tag (repeat, or separate with commas)
    #[arg(long, value_delimiter = ',')]
    pub add_tag: Vec<String>,
    /// Remove a tag (repeat, or separate with commas)
    #[arg(long, value_delimiter = ',')]
    pub rm_tag: Vec<String>,
    /// Replace the notes ("" clears them)
    #[arg(long)]
    pub notes: Option<String>,
    /// Declare the OS and release (Debian:12, AlmaLinux:9, …); a scan replaces it
    #[arg(long, value_name = "ECO")]
    pub ecosystem: Option<String>,
    /// What the host runs (posix or windows): which collector `scan` sends
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Hosts to remove
    #[arg(required = true, add = super::complete::hosts())]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DeferArgs {
    /// The host to leave out of deployments
    #[arg(add = super::complete::hosts())]
    pub name: String,
    /// Until when: a last day (YYYY-MM-DD, through its end in the configured time_zone), a
    /// span (30d, 12h, 2w) or an RFC 3339 time
    #[arg(
        long,
        value_name = "DATE",
        required_unless_present = "clear",
        requires = "reason"
    )]
    pub until: Option<String>,
    /// Why (recorded in the audit log)
    #[arg(long)]
    pub reason: Option<String>,
    /// End the deferral now
    #[arg(long, conflicts_with_all = ["until", "reason"])]
    pub clear: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormatArg {
    Csv,
    Toml,
    Ini,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Inventory file ('-' reads standard input)
    pub file: PathBuf,
    /// File format [default: from the extension (.csv, .toml, .ini/.cfg = Ansible INI), else
    /// recognised from the content (a CSV header, a TOML [[hosts]] table, INI sections)]
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<ImportFormatArg>,
    /// Group for hosts that name none of the existing groups
    #[arg(short, long, add = super::complete::groups())]
    pub group: Option<String>,
    /// Print what would change and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, cmd: HostCommand) -> Result<()> {
    match cmd {
        HostCommand::Add(a) => add(ctx, a),
        HostCommand::List(a) => list(ctx, a),
        HostCommand::Show(a) => show(ctx, a),
        HostCommand::Set(a) => set(ctx, a),
        HostCommand::Rm(a) => rm(ctx, a),
        HostCommand::Import(a) => import_cmd(ctx, a),
        HostCommand::Defer(a) => defer(ctx, a),
    }
}

fn spec_from_destination(name: &str, destination: &str) -> Result<HostSpec> {
    let d = Destination::parse(destination).map_err(Failure::usage)?;
    Ok(HostSpec {
        name: name.to_string(),
        address: d.address,
        user: d.user,
        port: d.port,
        ..HostSpec::default()
    })
}

fn add(ctx: &Context, a: AddArgs) -> Result<()> {
    let mut spec = spec_from_destination(&a.name, a.destination.as_deref().unwrap_or(&a.name))?;
    spec.group = a.group;
    spec.tags = a.tags;
    spec.notes = a.notes.filter(|n| !n.is_empty());
    spec.platform = a.platform.into();
    spec.normalize();
    spec.validate().map_err(Failure::usage)?;
    let ecosystem = a
        .ecosystem
        .as_deref()
        .map(crate::catalog::ecosystem::host_ecosystem)
        .transpose()?;

    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    inventory::insert_host(&tx, &spec, &now)?;
    let mut details = import::spec_json(&spec);
    if let Some(eco) = &ecosystem {
        inventory::set_ecosystem(&tx, &spec.name, eco, &now)?;
        details["ecosystem"] = json!(eco);
    }
    audit::append(&tx, &now, &ctx.actor, "host.add", &spec.name, &details)?;
    tx.commit()?;
    ctx.style.status(format!(
        "added host {} ({}{})",
        spec.name,
        spec_destination(&spec),
        spec.group
            .as_deref()
            .map(|g| format!(", group {g}"))
            .unwrap_or_default()
    ));
    Ok(())
}

fn spec_destination(spec: &HostSpec) -> String {
    Host {
        address: spec.address.clone(),
        user: spec.user.clone(),
        port: spec.port,
        ..Host::default()
    }
    .destination()
}

fn list(ctx: &Context, a: ListArgs) -> Result<()> {
    let db = ctx.open_db()?;
    if let Some(g) = &a.group {
        inventory::group_id(&db.conn, g)?;
    }
    let hosts = inventory::list_hosts(
        &db.conn,
        &HostFilter {
            group: a.group,
            tag: a.tag,
        },
    )?;
    output::list(
        &ctx.style,
        &hosts,
        &[
            ("NAME", &|h: &Host| h.name.clone()),
            ("DESTINATION", &|h: &Host| h.destination()),
            ("GROUP", &|h: &Host| or_dash(h.group.as_ref())),
            ("TAGS", &|h: &Host| {
                if h.tags.is_empty() {
                    "-".into()
                } else {
                    h.tags.join(",")
                }
            }),
            ("OS", &|h: &Host| or_dash(h.ecosystem.as_ref())),
            ("LAST SCAN", &|h: &Host| or_dash(h.last_scan.as_ref())),
        ],
    )
}

/// `host show` in JSON and CSV: the host, what its newest scan found wrong in its output,
/// and the packages dpkg has not finished installing (that key is there only when there
/// are some).
#[derive(serde::Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    host: &'a Host,
    scan_warnings: &'a [String],
    scan_refused: &'a [crate::family::Refused],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_fully_installed: Vec<crate::scan::query::UnsettledPackage>,
}

/// Packages named on `host show`'s "not fully installed" line (the rest are counted).
const UNSETTLED_SHOWN: usize = 10;

fn show(ctx: &Context, a: ShowArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let h = inventory::require_host(&db.conn, &a.name)?;
    let notes = crate::scan::query::latest_notes(&db.conn, &h.name)?;
    let unsettled = crate::scan::query::unsettled_packages(&db.conn, &h.name)?;
    let unsettled_text = if unsettled.is_empty() {
        None
    } else {
        let named: Vec<String> = unsettled
            .iter()
            .take(UNSETTLED_SHOWN)
            .map(|p| {
                let arch = p.arch.as_ref().map(|a| format!(":{a}")).unwrap_or_default();
                format!("{}{arch} {} ({})", p.name, p.version, p.state)
            })
            .collect();
        let more = unsettled.len().saturating_sub(UNSETTLED_SHOWN);
        Some(format!(
            "{}{}",
            named.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))
    };
    let zone = ctx.config.zone();
    let mut fields = vec![
        ("name", h.name.clone()),
        ("destination", h.destination()),
        ("group", or_dash(h.group.as_ref())),
        (
            "tags",
            if h.tags.is_empty() {
                "-".into()
            } else {
                h.tags.join(", ")
            },
        ),
        ("notes", or_dash(h.notes.as_ref())),
        ("os", or_dash(h.ecosystem.as_ref())),
        ("kernel running", or_dash(h.kernel_running.as_ref())),
        ("kernel latest", or_dash(h.kernel_latest.as_ref())),
        (
            "reboot required",
            crate::inventory::reboot::Reboot::of(
                h.reboot_required,
                h.kernel_running.as_deref(),
                h.kernel_latest.as_deref(),
            )
            .text(),
        ),
        ("last scan", or_dash(h.last_scan.as_ref())),
        (
            "deferred until",
            match (&h.deferred_until, &h.defer_reason) {
                (Some(u), Some(r)) => format!("{} ({r})", clock::show_stored_until(u, zone)),
                (Some(u), None) => clock::show_stored_until(u, zone),
                _ => "-".into(),
            },
        ),
        (
            "scan status",
            match (&h.scan_status, &h.scan_error) {
                (Some(s), Some(e)) => format!("{s}: {e}"),
                (Some(s), None) => s.clone(),
                _ => "-".into(),
            },
        ),
        ("created", h.created_at.clone()),
        ("updated", h.updated_at.clone()),
    ];
    if h.platform == inventory::Platform::Windows {
        fields.insert(2, ("platform", h.platform.to_string()));
    }
    if h.kind == inventory::HostKind::Image {
        fields.insert(2, ("kind", h.kind.to_string()));
        fields.insert(3, ("image digest", or_dash(h.image_digest.as_ref())));
    }
    // Shown only when dpkg stopped half-way on some package: the line names them.
    if let Some(text) = unsettled_text {
        fields.insert(fields.len() - 2, ("not fully installed", text));
    }
    // Only when the newest scan has them: one row each, under the scan status.
    let at = fields
        .iter()
        .position(|(k, _)| *k == "scan status")
        .map_or(fields.len(), |i| i + 1);
    let mut extra: Vec<(&str, String)> = Vec::new();
    for (i, r) in notes.refused.iter().enumerate() {
        extra.push((if i == 0 { "refused rows" } else { "" }, r.text()));
    }
    for (i, w) in notes.warnings.iter().enumerate() {
        extra.push((if i == 0 { "scan warnings" } else { "" }, w.clone()));
    }
    fields.splice(at..at, extra);
    let windows = crate::scan::query::latest_windows(&db.conn, &h.name)?;
    let restart = crate::scan::query::latest_restart(&db.conn, &h.name)?;
    match &windows {
        Some(w) => {
            // A Windows host's build is its "kernel"; its lines say so in its words.
            fields.retain(|(k, _)| *k != "kernel running" && *k != "kernel latest");
            let at = fields
                .iter()
                .position(|(k, _)| *k == "reboot required")
                .map_or(fields.len(), |i| i + 1);
            fields.splice(at..at, windows_fields(w, h.reboot_required.is_some()));
        }
        None => fields.extend(restart_fields(h.last_scan.is_some(), restart.as_ref())),
    }
    let shown = Shown {
        host: &h,
        scan_warnings: &notes.warnings,
        scan_refused: &notes.refused,
        not_fully_installed: unsettled,
    };
    if ctx.style.format == output::Format::Json {
        /// JSON only: the restart facts nest (CSV rows stay flat).
        #[derive(serde::Serialize)]
        struct WithRestart<'a> {
            #[serde(flatten)]
            shown: Shown<'a>,
            /// None: not known (never scanned, or not checked by the collector).
            restart: Option<ShownRestart<'a>>,
            /// What a Windows host reported; absent for other hosts.
            #[serde(skip_serializing_if = "Option::is_none")]
            windows: Option<&'a crate::family::WindowsFacts>,
        }
        #[derive(serde::Serialize)]
        struct ShownRestart<'a> {
            #[serde(flatten)]
            facts: &'a crate::family::restart::RestartFacts,
            decision: crate::family::restart::Decision,
        }
        let with = WithRestart {
            shown,
            restart: restart.as_ref().map(|facts| ShownRestart {
                facts,
                decision: facts.decide(),
            }),
            windows: windows.as_ref(),
        };
        return output::show(&ctx.style, &with, &fields);
    }
    output::show(&ctx.style, &shown, &fields)
}

/// Pending updates named on `host show` (the rest are counted).
const PENDING_SHOWN: usize = 10;

/// `host show`'s lines for a Windows host: product, build, installed and pending
/// updates, why a reboot is pending, the last boot.
/// `reboot_known`: whether every reboot-pending key was read (else no reason listed is
/// not "no").
fn windows_fields(
    w: &crate::family::WindowsFacts,
    reboot_known: bool,
) -> Vec<(&'static str, String)> {
    use crate::text::one_line;
    let mut product = one_line(&w.product_name).into_owned();
    let details: Vec<&str> = [w.edition.as_str(), w.installation_type.as_str()]
        .into_iter()
        .filter(|d| !d.is_empty())
        .collect();
    if !details.is_empty() {
        product.push_str(&format!(" ({})", one_line(&details.join(", "))));
    }
    let mut build = format!("10.0.{}.{}", w.current_build, w.ubr);
    let release: Vec<&str> = [w.display_version.as_deref().unwrap_or(""), w.arch.as_str()]
        .into_iter()
        .filter(|d| !d.is_empty())
        .collect();
    if !release.is_empty() {
        build.push_str(&format!(" ({})", one_line(&release.join(", "))));
    }
    let installed = match w.installed.iter().max_by_key(|u| u.kb) {
        None => "none reported".to_string(),
        Some(newest) => format!(
            "{} KB{} (highest KB{})",
            w.installed.len(),
            if w.installed.len() == 1 { "" } else { "s" },
            newest.kb
        ),
    };
    let mut out = vec![
        ("product", product),
        ("build", build),
        ("installed updates", installed),
    ];
    if w.pending.is_empty() {
        out.push(("pending updates", "none offered".into()));
    }
    for (i, p) in w.pending.iter().take(PENDING_SHOWN).enumerate() {
        let severity = p
            .severity
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        out.push((
            if i == 0 { "pending updates" } else { "" },
            format!(
                "KB{} {} ({}{severity}; reboot: {})",
                p.kb,
                one_line(&p.title),
                one_line(&p.classification),
                p.reboot
            ),
        ));
    }
    if w.pending.len() > PENDING_SHOWN {
        out.push(("", format!("and {} more", w.pending.len() - PENDING_SHOWN)));
    }
    out.push((
        "reboot pending",
        if !w.reboot_pending.is_empty() {
            format!("yes ({})", w.reboot_pending.join(", "))
        } else if reboot_known {
            "no".into()
        } else {
            "unknown (the collector could not read every reboot-pending key)".into()
        },
    ));
    out.push((
        "last boot",
        w.last_boot.clone().unwrap_or_else(|| "-".into()),
    ));
    out
}

/// `host show`'s restart lines: the decision, then one line per process with the
/// deleted files it maps and their packages.
fn restart_fields(
    scanned: bool,
    restart: Option<&crate::family::restart::RestartFacts>,
) -> Vec<(&'static str, String)> {
    use crate::family::restart::Check;
    let Some(r) = restart else {
        let why = if scanned {
            "- (not checked: the last scan's collector had no restart check)"
        } else {
            "-"
        };
        return vec![("restart", why.into())];
    };
    let state = match r.check {
        Check::OfflineRoot => "not checked (an offline root runs no processes)".into(),
        Check::NoProc => "not checked (no readable /proc on the host)".into(),
        Check::Live => {
            let d = r.decide();
            if d.is_clear() {
                "none (no process maps a replaced file)".into()
            } else {
                d.text()
            }
        }
    };
    let mut out = vec![("restart", state)];
    for p in &r.processes {
        let mut files: Vec<String> = p
            .files
            .iter()
            .map(|f| crate::text::one_line(f).into_owned())
            .collect();
        if p.files_refused > 0 {
            files.push(format!("{} path(s) refused", p.files_refused));
        }
        let service = p
            .service
            .as_ref()
            .map_or_else(|| "no service".to_string(), |s| s.label());
        out.push((
            "process",
            format!(
                "{} [{service}]{}: {}{}",
                p.label(),
                if p.exe_deleted {
                    " (executable replaced)"
                } else {
                    ""
                },
                files.join(", "),
                if p.packages.is_empty() {
                    String::new()
                } else {
                    format!(" (packages: {})", p.packages.join(", "))
                }
            ),
        ));
    }
    if !r.limits.is_empty() {
        out.push((
            "restart limits",
            format!(
                "the collector stopped at its bound ({}): the list may be incomplete",
                r.limits.join(", ")
            ),
        ));
    }
    out
}

fn set(ctx: &Context, a: SetArgs) -> Result<()> {
    if a.destination.is_none()
        && a.group.is_none()
        && !a.no_group
        && a.add_tag.is_empty()
        && a.rm_tag.is_empty()
        && a.notes.is_none()
        && a.ecosystem.is_none()
        && a.platform.is_none()
    {
        return usage(
            "nothing to change: give at least one of --destination, --group, --no-group, --add-tag, --rm-tag, --notes, --ecosystem, --platform",
        );
    }
    let ecosystem = a
        .ecosystem
        .as_deref()
        .map(crate::catalog::ecosystem::host_ecosystem)
        .transpose()?;
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    let old = inventory::require_host(&tx, &a.name)?;
    let mut spec = HostSpec::from(&old);
    if let Some(d) = &a.destination {
        let parsed = spec_from_destination(&a.name, d)?;
        spec.address = parsed.address;
        spec.user = parsed.user;
        spec.port = parsed.port;
    }
    if a.no_group {
        spec.group = None;
    } else if a.group.is_some() {
        spec.group = a.group;
    }
    spec.tags.extend(a.add_tag);
    spec.tags.retain(|t| !a.rm_tag.contains(t));
    if let Some(n) = a.notes {
        spec.notes = Some(n).filter(|n| !n.is_empty());
    }
    if let Some(p) = a.platform {
        spec.platform = p.into();
    }
    spec.normalize();
    spec.validate().map_err(Failure::usage)?;
    let before = HostSpec::from(&old);
    let new_ecosystem = ecosystem.filter(|e| old.ecosystem.as_ref() != Some(e));
    if spec == before && new_ecosystem.is_none() {
        ctx.style.status(format!("host {} unchanged", a.name));
        return Ok(());
    }
    inventory::update_host(&tx, &spec, &now)?;
    let mut details =
        json!({ "before": import::spec_json(&before), "after": import::spec_json(&spec) });
    if let Some(eco) = &new_ecosystem {
        inventory::set_ecosystem(&tx, &spec.name, eco, &now)?;
        details["before"]["ecosystem"] = json!(old.ecosystem);
        details["after"]["ecosystem"] = json!(eco);
    }
    audit::append(&tx, &now, &ctx.actor, "host.set", &spec.name, &details)?;
    tx.commit()?;
    ctx.style.status(format!("updated host {}", spec.name));
    Ok(())
}

fn rm(ctx: &Context, a: RmArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    for name in &a.names {
        inventory::require_host(&db.conn, name)?;
    }
    let what = if a.names.len() == 1 {
        format!("removing host {}", a.names[0])
    } else {
        format!("removing {} hosts", a.names.len())
    };
    if !ctx.confirm(&format!("Remove {}?", a.names.join(", ")), &what)? {
        return Err(Failure::usage("not confirmed; nothing removed").into());
    }
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    for name in &a.names {
        let host = inventory::require_host(&tx, name)?;
        inventory::delete_host(&tx, name)?;
        audit::append(
            &tx,
            &now,
            &ctx.actor,
            "host.rm",
            name,
            &import::spec_json(&HostSpec::from(&host)),
        )?;
    }
    tx.commit()?;
    ctx.style.status(format!("removed {}", a.names.join(", ")));
    Ok(())
}

fn import_cmd(ctx: &Context, a: ImportArgs) -> Result<()> {
    let (text, source) = import::read_source(&a.file)?;
    let format = match a.kind {
        Some(ImportFormatArg::Csv) => ImportFormat::Csv,
        Some(ImportFormatArg::Toml) => ImportFormat::Toml,
        Some(ImportFormatArg::Ini) => ImportFormat::AnsibleIni,
        None => match ImportFormat::from_extension(&a.file) {
            Some(f) => f,
            None => ImportFormat::detect(&text, &source)?,
        },
    };
    let parsed = import::parse(format, &text);

    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    let plan = import::plan(&tx, parsed, a.group.as_deref(), &source)?;
    if a.dry_run {
        print_plan(ctx, &plan)?;
        // The transaction rolls back on drop: nothing is written.
        return Ok(());
    }
    import::apply(&tx, &plan, &now)?;
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "host.import",
        &source,
        &json!({
            "format": format.name(),
            "sha256": crate::digest::sha256_hex(text.as_bytes()),
            "added": plan.added().count(),
            "updated": plan.updated().count(),
            "unchanged": plan.unchanged,
        }),
    )?;
    tx.commit()?;
    ctx.style.status(format!(
        "imported {source}: {} added, {} updated, {} unchanged",
        plan.added().count(),
        plan.updated().count(),
        plan.unchanged
    ));
    Ok(())
}

fn print_plan(ctx: &Context, plan: &Plan) -> Result<()> {
    #[derive(serde::Serialize, Default)]
    struct Row {
        action: String,
        name: String,
        destination: String,
        group: Option<String>,
        tags: Vec<String>,
        changes: Vec<String>,
    }
    let rows: Vec<Row> = plan
        .changes
        .iter()
        .map(|c| Row {
            action: if c.before.is_some() { "update" } else { "add" }.into(),
            name: c.spec.name.clone(),
            destination: spec_destination(&c.spec),
            group: c.spec.group.clone(),
            tags: c.spec.tags.clone(),
            changes: c.changed_fields(),
        })
        .collect();
    output::list(
        &ctx.style,
        &rows,
        &[
            ("ACTION", &|r: &Row| r.action.clone()),
            ("NAME", &|r: &Row| r.name.clone()),
            ("DESTINATION", &|r: &Row| r.destination.clone()),
            ("GROUP", &|r: &Row| or_dash(r.group.as_ref())),
            ("CHANGES", &|r: &Row| {
                if r.changes.is_empty() {
                    "-".into()
                } else {
                    r.changes.join(",")
                }
            }),
        ],
    )?;
    ctx.style.status(format!(
        "dry run: {} to add, {} to update, {} unchanged; nothing written",
        plan.added().count(),
        plan.updated().count(),
        plan.unchanged
    ));
    Ok(())
}

fn defer(ctx: &Context, a: DeferArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    let now = clock::now()?;
    let stamp = clock::stamp(now);
    let tx = db::write_tx(&mut db.conn)?;
    let host = inventory::require_host(&tx, &a.name)?;
    let (until, reason) = if a.clear {
        (None, None)
    } else {
        let text = a.until.as_deref().unwrap_or_default();
        let zone = ctx.config.zone();
        let until = clock::parse_date_flag("--until", text, clock::Toward::Future, zone, now)?;
        let reason = a.reason.clone().unwrap_or_default();
        if reason.trim().is_empty() {
            return usage("--reason is empty");
        }
        crate::inventory::validate::text("reason", &reason).map_err(Failure::usage)?;
        let max = match &host.group {
            Some(g) => inventory::require_group(&tx, g)?.policy.max_deferral_days,
            None => ctx.config.default_policy.max_deferral_days,
        };
        if until <= now {
            return usage(format!("--until {text} is in the past"));
        }
        // Through the end of the max_deferral_days-th day from today, in the zone.
        let today = now.with_timezone(&zone).date_naive();
        let latest = today
            .checked_add_days(chrono::Days::new(u64::from(max) + 1))
            .and_then(|d| clock::day_start(d, zone));
        if latest.is_some_and(|latest| until > latest) {
            return Err(Failure::gate(format!(
                "deferral of {} until {} exceeds the policy's maximum of {max} day(s)",
                a.name,
                clock::show_until(until, zone)
            ))
            .hint("defer for less, or change the group's policy: --set max_deferral_days=N")
            .into());
        }
        (Some(clock::stamp(until)), Some(reason))
    };
    inventory::set_deferral(&tx, &a.name, until.as_deref(), reason.as_deref(), &stamp)?;
    audit::append(
        &tx,
        &stamp,
        &ctx.actor,
        if a.clear {
            "host.undefer"
        } else {
            "host.defer"
        },
        &a.name,
        &json!({"until": until, "reason": reason}),
    )?;
    tx.commit()?;
    match until {
        Some(u) => ctx.style.status(format!(
            "deferred {} until {}",
            a.name,
            clock::show_stored_until(&u, ctx.config.zone())
        )),
        None => ctx
            .style
            .status(format!("{} is no longer deferred", a.name)),
    }
    Ok(())
}
