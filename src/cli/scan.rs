//! `patchcycle scan [HOST…|--group G|--all] [--local] [--import FILE --host H] …`

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::Context;
use super::findings::{FailOn, gate};
use crate::error::{Exit, Failure};
use crate::exec::{self, Target, pool};
use crate::inventory::{self, Host, HostFilter, HostSpec};
use crate::output::{self, or_dash};
use crate::scan::{self, Method, Summary, facts, matcher::Matcher};
use crate::{audit, clock, db};

#[derive(Debug, Args)]
#[command(after_help = "\
Air-gapped hosts: print the collector with `patchcycle scan --print-script > collect.sh`,
run it there as `sh collect.sh > HOST.out` (as root, or a user who may run dpkg-query
and apt-get -s, rpm and dnf, or apk), bring HOST.out back and
`patchcycle scan --import HOST.out --host HOST`.

Offline systems (a mounted disk, a chroot, an unpacked image):
`patchcycle scan --local --root DIR --host NAME` reads DIR's os-release and package
database with this machine's dpkg-query, rpm/dnf or apk.

Exit codes: 0 all hosts scanned; 1 --fail-on tripped; 4 some hosts failed (each one's
reason is shown and stored); 2 and 3 as usual.")]
pub struct ScanArgs {
    /// Hosts to scan
    pub hosts: Vec<String>,
    /// Scan every host of this group
    #[arg(short, long, conflicts_with_all = ["all", "local", "import"])]
    pub group: Option<String>,
    /// Scan every host in the inventory
    #[arg(long, conflicts_with_all = ["local", "import"])]
    pub all: bool,
    /// Scan this machine (no ssh); it is added to the inventory if missing
    #[arg(long, conflicts_with = "import")]
    pub local: bool,
    /// Read saved collector output instead of connecting (needs --host)
    #[arg(long, value_name = "FILE", requires = "host")]
    pub import: Option<PathBuf>,
    /// The host that --import or --local is for
    #[arg(long = "host", value_name = "HOST")]
    pub host: Option<String>,
    /// With --local: collect from this root directory (a mounted disk, chroot or unpacked
    /// container image) instead of the running system (needs --host)
    #[arg(long, value_name = "DIR", requires_all = ["local", "host"])]
    pub root: Option<PathBuf>,
    /// Update the hosts' package lists first (apt-get update, dnf/yum makecache, apk update)
    #[arg(long)]
    pub refresh: bool,
    /// Hosts scanned at once
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub parallel: u32,
    /// Seconds allowed per host
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub timeout: u64,
    /// Exit 1 when a finding is at or above this level
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Print the collector script and exit
    #[arg(long, conflicts_with_all = ["hosts", "group", "all", "local", "import", "host", "root", "refresh", "fail_on"])]
    pub print_script: bool,
}

pub fn run(ctx: &Context, a: &ScanArgs) -> Result<()> {
    if a.print_script {
        use std::io::Write;
        std::io::stdout().lock().write_all(
            scan::collector_script(false, None)
                .map_err(Failure::usage)?
                .as_bytes(),
        )?;
        return Ok(());
    }
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let mut matcher = Matcher::new();
    let mut summaries: Vec<Summary> = Vec::new();

    if let Some(file) = &a.import {
        let name = a.host.as_deref().unwrap_or_default();
        inventory::require_host(&db.conn, name)?;
        let bytes = std::fs::read(file)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
        if bytes.len() > exec::MAX_OUTPUT {
            return Err(Failure::usage(format!(
                "{} is larger than {} bytes",
                file.display(),
                exec::MAX_OUTPUT
            ))
            .into());
        }
        let result = facts::parse(&String::from_utf8_lossy(&bytes)).map_err(|e| e.to_string());
        summaries.push(scan::store(
            &mut db.conn,
            &mut matcher,
            name,
            Method::Import,
            &now,
            &now,
            result,
        )?);
    } else if a.local {
        let name = match &a.host {
            Some(h) => h.clone(),
            None => local_hostname()?,
        };
        let root = match &a.root {
            Some(r) => {
                let abs = std::path::absolute(r)
                    .map_err(|e| Failure::usage(format!("--root {}: {e}", r.display())))?;
                if !abs.is_dir() {
                    return Err(
                        Failure::usage(format!("--root {}: not a directory", r.display())).into(),
                    );
                }
                // Checked before anything is written.
                scan::collector_script(false, Some(&abs)).map_err(Failure::usage)?;
                Some(abs)
            }
            None => None,
        };
        ensure_local_host(ctx, &mut db.conn, &name, root.as_deref(), &now)?;
        let started = now.clone();
        let control = exec::control_dir()?;
        let result = scan::collect(
            &ctx.config.ssh,
            &control,
            &Target::Local,
            a.refresh,
            root.as_deref(),
            Duration::from_secs(a.timeout),
        );
        let finished = clock::now_stamp()?;
        summaries.push(scan::store(
            &mut db.conn,
            &mut matcher,
            &name,
            Method::Local,
            &started,
            &finished,
            result,
        )?);
    } else {
        let hosts = select_hosts(&db.conn, a)?;
        let control = exec::control_dir()?;
        let timeout = Duration::from_secs(a.timeout);
        let ssh = &ctx.config.ssh;
        let results = pool::run(
            &hosts,
            a.parallel as usize,
            ctx.style.stderr_tty && !ctx.style.quiet,
            |h: &Host| h.name.clone(),
            |h: &Host| {
                let started = clock::now_stamp().unwrap_or_default();
                let r = collect_host(ssh, &control, h, a.refresh, timeout);
                let finished = clock::now_stamp().unwrap_or_default();
                (started, finished, r)
            },
        );
        for (h, (started, finished, r)) in hosts.iter().zip(results) {
            summaries.push(scan::store(
                &mut db.conn,
                &mut matcher,
                &h.name,
                if h.local { Method::Local } else { Method::Ssh },
                &started,
                &finished,
                r,
            )?);
        }
    }

    let failed = summaries.iter().filter(|s| s.status != "ok").count();
    {
        let tx = db::write_tx(&mut db.conn)?;
        audit::append(
            &tx,
            &now,
            &ctx.actor,
            "scan",
            &format!("{} host(s)", summaries.len()),
            &json!({
                "hosts": summaries.iter().map(|s| json!({"host": s.host, "status": s.status, "findings": s.findings, "error": s.error})).collect::<Vec<_>>(),
            }),
        )?;
        tx.commit()?;
    }
    for s in &summaries {
        if !ctx.style.quiet {
            for w in &s.warnings {
                ctx.style.warn(format!("{}: {w}", s.host));
            }
        }
    }
    if !ctx.style.quiet || ctx.style.format != output::Format::Table {
        output::list(
            &ctx.style,
            &summaries,
            &[
                ("HOST", &|s: &Summary| s.host.clone()),
                ("STATUS", &|s: &Summary| s.status.clone()),
                ("OS", &|s: &Summary| or_dash(s.ecosystem.as_ref())),
                ("PACKAGES", &|s: &Summary| s.packages.to_string()),
                ("PENDING", &|s: &Summary| {
                    format!("{} ({} security)", s.pending, s.pending_security)
                }),
                ("FINDINGS", &|s: &Summary| s.findings.to_string()),
                ("CRITICAL", &|s: &Summary| s.critical.to_string()),
                ("HIGH", &|s: &Summary| s.high.to_string()),
                ("KEV", &|s: &Summary| s.kev.to_string()),
                ("REBOOT", &|s: &Summary| reboot_text(s)),
                ("ERROR", &|s: &Summary| or_dash(s.error.as_ref())),
            ],
        )?;
    }
    if let Some(level) = a.fail_on {
        let names: Vec<String> = summaries
            .iter()
            .filter(|s| s.status == "ok")
            .map(|s| s.host.clone())
            .collect();
        gate(&db.conn, level, Some(&names), &now)?;
    }
    if failed > 0 {
        let first = summaries
            .iter()
            .find(|s| s.status != "ok")
            .map(|s| format!("{}: {}", s.host, s.error.as_deref().unwrap_or("failed")))
            .unwrap_or_default();
        return Err(Failure::new(
            Exit::Partial,
            format!(
                "{failed} of {} host(s) could not be scanned",
                summaries.len()
            ),
        )
        .details(vec![first])
        .hint("each host's reason is in the ERROR column and in `patchcycle host show HOST`")
        .into());
    }
    Ok(())
}

fn reboot_text(s: &Summary) -> String {
    inventory::reboot::Reboot::of(
        s.reboot_required,
        s.kernel_running.as_deref(),
        s.kernel_latest.as_deref(),
    )
    .text()
}

/// Collects one inventory host: over ssh, or here for a host `scan --local` marked (from
/// its root directory, if it has one).
fn collect_host(
    ssh: &crate::config::SshConfig,
    control: &std::path::Path,
    h: &Host,
    refresh: bool,
    timeout: Duration,
) -> Result<facts::Facts, String> {
    if !h.local {
        let target = Target::Ssh {
            address: h.address.clone(),
            user: h.user.clone(),
            port: h.port,
        };
        return scan::collect(ssh, control, &target, refresh, None, timeout);
    }
    let root = h.local_root.as_deref().map(std::path::Path::new);
    if let Some(r) = root
        && !r.is_dir()
    {
        return Err(format!(
            "its root {} (scan --local --root) is no longer a directory",
            r.display()
        ));
    }
    scan::collect(ssh, control, &Target::Local, refresh, root, timeout)
}

fn select_hosts(conn: &rusqlite::Connection, a: &ScanArgs) -> Result<Vec<Host>> {
    if let Some(g) = &a.group {
        inventory::group_id(conn, g)?;
        let hosts = inventory::list_hosts(
            conn,
            &HostFilter {
                group: Some(g.clone()),
                tag: None,
            },
        )?;
        if hosts.is_empty() {
            return Err(Failure::usage(format!("group {g:?} has no hosts")).into());
        }
        return Ok(hosts);
    }
    if a.all {
        let hosts = inventory::list_hosts(conn, &HostFilter::default())?;
        if hosts.is_empty() {
            return Err(Failure::usage("the inventory has no hosts")
                .hint("add some with `patchcycle host add` or `host import`, or scan this machine with --local")
                .into());
        }
        return Ok(hosts);
    }
    if a.hosts.is_empty() {
        return Err(Failure::usage("nothing to scan: name hosts, or give --group G, --all, --local or --import FILE --host H").into());
    }
    a.hosts
        .iter()
        .map(|n| inventory::require_host(conn, n))
        .collect()
}

/// This machine's name, validated like any host name.
fn local_hostname() -> Result<String> {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_else(|_| "localhost".into());
    let name = raw.trim().to_string();
    inventory::validate::name("host", &name).map_err(|e| {
        Failure::usage(format!("this machine's hostname is not usable: {e}"))
            .hint("pass --host NAME")
    })?;
    Ok(name)
}

/// Adds the host `scan --local` scans if it is missing, and marks it local so later
/// scans collect it here: the running system always; a `--root` directory only for a
/// host this adds (an existing host scanned once from its disk keeps its ssh).
fn ensure_local_host(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    name: &str,
    root: Option<&std::path::Path>,
    now: &str,
) -> Result<()> {
    let root_text = root.map(|r| r.display().to_string());
    if inventory::get_host(conn, name)?.is_some() {
        if root.is_none() {
            let tx = db::write_tx(conn)?;
            if inventory::mark_local(&tx, name, None, now)? {
                audit::append(
                    &tx,
                    now,
                    &ctx.actor,
                    "host.local",
                    name,
                    &json!({"root": null}),
                )?;
                ctx.style.status(format!(
                    "host {name} is this machine: `scan` collects it here from now on, not over ssh"
                ));
            }
            tx.commit()?;
        }
        return Ok(());
    }
    let spec = HostSpec {
        name: name.to_string(),
        address: "localhost".into(),
        tags: vec!["local".into()],
        ..HostSpec::default()
    };
    spec.validate().map_err(Failure::usage)?;
    let tx = db::write_tx(conn)?;
    inventory::insert_host(&tx, &spec, now)?;
    inventory::mark_local(&tx, name, root_text.as_deref(), now)?;
    let mut details = crate::inventory::import::spec_json(&spec);
    if let Some(o) = details.as_object_mut() {
        o.insert("local_root".into(), json!(root_text));
    }
    audit::append(&tx, now, &ctx.actor, "host.add", name, &details)?;
    tx.commit()?;
    ctx.style.status(match &root_text {
        None => format!("added host {name} (this machine) to the inventory"),
        Some(r) => format!("added host {name} (the system under {r}) to the inventory"),
    });
    Ok(())
}
