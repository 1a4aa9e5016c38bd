//! `patchcycle scan [HOST…|--group G|--all] [--local] [--import FILE --host H] …`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::Context;
use super::gate::GateArgs;
use crate::config::Persist;
use crate::error::{Exit, Failure};
use crate::exec::{self, Target, pool};
use crate::inventory::{self, Host, HostFilter, HostSpec};
use crate::output::{self, Style, or_dash, seconds};
use crate::scan::incremental::{self, Collected, Plan};
use crate::scan::{self, Collection, Method, Summary, facts, matcher::Matcher};
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

Container images: `patchcycle scan --image FILE` unpacks a `docker save` archive or an
OCI image layout (tar or directory; e.g. from `skopeo copy`) into a private temporary
root and collects it the same way; the image is recorded as a host of kind image, named
after its tag (or --host NAME). Nothing is pulled from a registry.

Exit codes: 0 all hosts scanned; 1 --fail-on tripped; 4 some hosts failed (each one's
reason is shown and stored); 2 and 3 as usual.")]
pub struct ScanArgs {
    /// Hosts to scan
    #[arg(add = super::complete::hosts())]
    pub hosts: Vec<String>,
    /// Scan every host of this group
    #[arg(short, long, conflicts_with_all = ["all", "local", "import"], add = super::complete::groups())]
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
    /// The host that --import, --local or --image is for
    #[arg(long = "host", value_name = "HOST", add = super::complete::hosts())]
    pub host: Option<String>,
    /// Scan a container image: a `docker save` archive or an OCI image layout (a tar or
    /// a directory), recorded as a host of kind image
    #[arg(long, value_name = "FILE", conflicts_with_all = ["hosts", "group", "all", "local", "import", "root", "refresh"])]
    pub image: Option<PathBuf>,
    /// With --image: which image of a multi-platform index (os/arch[/variant], e.g.
    /// linux/arm64/v8). With --print-script: which collector, posix or windows
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,
    /// With --local: collect from this root directory (a mounted disk, chroot or unpacked
    /// container image) instead of the running system (needs --host)
    #[arg(long, value_name = "DIR", requires_all = ["local", "host"])]
    pub root: Option<PathBuf>,
    /// Update the hosts' package lists first (apt-get update, dnf/yum makecache, apk update)
    #[arg(long)]
    pub refresh: bool,
    /// Collect every host in full, even one whose package state is unchanged since its
    /// last full scan (see [scan] full_every)
    #[arg(long, conflicts_with_all = ["import", "image"])]
    pub full: bool,
    /// Hosts scanned at once
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub parallel: u32,
    /// Close the ssh connections this scan used when it ends, whatever `[ssh] persist`
    /// says (as `persist = "off"`)
    #[arg(long, conflicts_with_all = ["local", "import", "image"])]
    pub no_persist: bool,
    /// Seconds allowed per host
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub timeout: u64,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Print the collector script and exit: the POSIX one, or the PowerShell one with
    /// --platform windows or --host naming a Windows host
    #[arg(long, conflicts_with_all = ["hosts", "group", "all", "local", "import", "root", "refresh", "full", "image", "fail_on", "allow_stale"])]
    pub print_script: bool,
}

pub fn run(ctx: &Context, a: &ScanArgs) -> Result<()> {
    if a.print_script {
        return print_script(ctx, a);
    }
    if a.platform.is_some() && a.image.is_none() {
        return Err(Failure::usage(
            "--platform picks an image of a multi-platform index (with --image) or the collector --print-script prints",
        )
        .into());
    }
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let mut matcher = Matcher::new();
    let mut summaries: Vec<Summary> = Vec::new();

    if let Some(file) = &a.import {
        let name = a.host.as_deref().unwrap_or_default();
        let host = inventory::require_host(&db.conn, name)?;
        let bytes = crate::input::read_file(file, crate::input::InputKind::ScanImport)?;
        let started = Instant::now();
        let text = String::from_utf8_lossy(&bytes);
        let collection = Collection {
            // Saved output is a full collection: an `unchanged` answer in it was asked by
            // no one.
            facts: scan::unchanged_only_if_asked(
                facts::parse(&text).map_err(scan::ScanFailure::from),
                None,
            ),
            first_output: None,
            elapsed: started.elapsed(),
            sections: scan::section_sizes(&text),
        };
        report_collection(&ctx.style, name, Method::Import, &collection, None);
        if let Ok(f) = &collection.facts {
            warn_platform(ctx, &host, f);
        }
        let mut batch = scan::Batch::new(&mut db.conn);
        summaries.push(store(
            &ctx.style,
            &mut batch,
            &mut matcher,
            name,
            Method::Import,
            (&now, &now),
            collection,
        )?);
        batch.finish()?;
    } else if let Some(file) = &a.image {
        summaries.push(scan_image(ctx, &mut db.conn, &mut matcher, a, file, &now)?);
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
        let plan = plan_for(ctx, &db.conn, &name, false, a)?;
        let collection = scan::collect_incremental(
            &ctx.config.ssh,
            &control,
            &Target::Local,
            a.refresh,
            root.as_deref(),
            plan.expected.as_ref(),
            Duration::from_secs(a.timeout),
        );
        report_collection(&ctx.style, &name, Method::Local, &collection, Some(&plan));
        let finished = clock::now_stamp()?;
        let mut batch = scan::Batch::new(&mut db.conn);
        summaries.push(store(
            &ctx.style,
            &mut batch,
            &mut matcher,
            &name,
            Method::Local,
            (&started, &finished),
            collection,
        )?);
        batch.finish()?;
    } else {
        let hosts = select_hosts(ctx, &db.conn, a)?;
        let plans: Vec<Plan> = hosts
            .iter()
            .map(|h| {
                plan_for(
                    ctx,
                    &db.conn,
                    &h.name,
                    h.platform == inventory::Platform::Windows,
                    a,
                )
            })
            .collect::<Result<_>>()?;
        let work: Vec<(&Host, &Plan)> = hosts.iter().zip(&plans).collect();
        let timeout = Duration::from_secs(a.timeout);
        let ssh = &crate::config::SshConfig {
            persist: if a.no_persist {
                Persist::Off
            } else {
                ctx.config.ssh.persist
            },
            ..ctx.config.ssh.clone()
        };
        // A master left by an earlier run is reused only while it is younger than
        // `persist`: its host key was checked when it was made, never since.
        let control = exec::reusable_control_dir(ssh)?;
        // Under -v each host reports itself as it finishes, with more than a pool can say.
        let progress = match pool::Progress::for_style(&ctx.style) {
            pool::Progress::Lines => pool::Progress::Silent,
            p => p,
        };
        // Each host is stored as soon as it and the hosts before it are collected, while
        // the next ones are: the fleet's collections are never all in memory at once.
        let mut batch = scan::Batch::new(&mut db.conn);
        pool::run_in_order(
            &work,
            a.parallel as usize,
            progress,
            |(h, _): &(&Host, &Plan)| h.name.clone(),
            |(h, plan): &(&Host, &Plan)| {
                let started = clock::now_stamp().unwrap_or_default();
                let c = collect_host(ssh, &control, h, a.refresh, plan, timeout);
                let finished = clock::now_stamp().unwrap_or_default();
                report_collection(&ctx.style, &h.name, Method::Ssh, &c, Some(plan));
                HostRun {
                    started,
                    finished,
                    collection: c,
                }
            },
            |(h, _): &(&Host, &Plan), run: HostRun| -> Result<()> {
                summaries.push(store(
                    &ctx.style,
                    &mut batch,
                    &mut matcher,
                    &h.name,
                    if h.local { Method::Local } else { Method::Ssh },
                    (&run.started, &run.finished),
                    run.collection,
                )?);
                Ok(())
            },
        )?;
        batch.finish()?;
        if ssh.persist == Persist::Off {
            pool::run(
                &hosts,
                a.parallel as usize,
                pool::Progress::Silent,
                |h: &Host| h.name.clone(),
                |h: &Host| {
                    if !h.local {
                        exec::stop_master(ssh, &control, &ssh_target(h));
                    }
                },
            );
        }
    }

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
    // What the good scans found that their host's previous good scan did not have, to
    // each policy's notify_new command. Its failure is a warning: the scan stands.
    let good: Vec<String> = summaries
        .iter()
        .filter(|s| s.error.is_none())
        .map(|s| s.host.clone())
        .collect();
    for f in scan::news::notify_new(
        &mut db.conn,
        &ctx.config.default_policy,
        &good,
        &now,
        &ctx.actor,
    )? {
        let whose = match &f.group {
            Some(g) => format!("group {g}"),
            None => "the hosts without a group".to_string(),
        };
        ctx.style.warn(format!(
            "notify_new for {whose} failed ({}); the scan is stored",
            f.error
        ));
    }
    for s in &summaries {
        if !ctx.style.quiet {
            for w in &s.warnings {
                ctx.style.warn(format!("{}: {w}", s.host));
            }
            // Counted apart from the warnings (capped): every refused row, per section.
            for r in &s.refused {
                ctx.style.warn(format!("{}: {}", s.host, r.text()));
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
                ("PACKAGES", &|s: &Summary| or_dash(s.packages)),
                (
                    "PENDING",
                    &|s: &Summary| match (s.pending, s.pending_security) {
                        (Some(all), Some(security)) => format!("{all} ({security} security)"),
                        _ => "-".into(),
                    },
                ),
                ("FINDINGS", &|s: &Summary| or_dash(s.findings)),
                ("CRITICAL", &|s: &Summary| or_dash(s.critical)),
                ("HIGH", &|s: &Summary| or_dash(s.high)),
                ("KEV", &|s: &Summary| or_dash(s.kev)),
                ("REBOOT", &|s: &Summary| reboot_text(s)),
                ("ERROR", &|s: &Summary| or_dash(s.error.as_ref())),
            ],
        )?;
    }
    if !ctx.style.quiet && ctx.style.format == output::Format::Table {
        // One line per host that still runs replaced code (JSON carries `restart`).
        for s in &summaries {
            if let Some(r) = &s.restart
                && !r.decision.is_clear()
            {
                output::out_line(restart_line(s.host.as_str(), r))?;
            }
        }
    }
    // What the scanned hosts' verdicts rest on (a host scanned before any sync is
    // unknown, not compliant), then the gate on them.
    let when = clock::now()?;
    let scanned: Vec<Host> = summaries
        .iter()
        .filter_map(|s| inventory::get_host(&db.conn, &s.host).transpose())
        .collect::<Result<_>>()?;
    super::findings::tell_data_age(ctx, &db.conn, &scanned, when, a.gate.allow_stale)?;
    let scope = crate::report::gate::Scope {
        hosts: Some(summaries.iter().map(|s| s.host.as_str()).collect()),
        findings: None,
    };
    super::gate::check(ctx, &db.conn, &a.gate, &scope, when)?;
    partial_failure(&summaries)
}

/// `scan --print-script`: the collector for the platform `--platform` names, or the one
/// `--host`'s inventory entry says it runs; the POSIX one by default.
fn print_script(ctx: &Context, a: &ScanArgs) -> Result<()> {
    use std::io::Write;
    let platform = match (&a.platform, &a.host) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage(
                "--print-script takes --platform or --host, not both (the host's inventory entry says its platform)",
            )
            .into());
        }
        (Some(p), None) => inventory::Platform::from_user(p)
            .map_err(|e| Failure::usage(format!("--platform with --print-script: {e}")))?,
        (None, Some(h)) => {
            let db = ctx.open_db()?;
            inventory::require_host(&db.conn, h)?.platform
        }
        (None, None) => inventory::Platform::Posix,
    };
    let script = match platform {
        inventory::Platform::Posix => {
            scan::collector_script(false, None).map_err(Failure::usage)?
        }
        inventory::Platform::Windows => scan::windows_collector_script(),
    };
    std::io::stdout().lock().write_all(script.as_bytes())?;
    Ok(())
}

/// `scan --image FILE`: names the image (--host, else its tag), refuses a machine of
/// that name before anything is unpacked, then unpacks, collects, records the host of
/// kind image and stores its scan.
fn scan_image(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    matcher: &mut Matcher,
    a: &ScanArgs,
    file: &std::path::Path,
    now: &str,
) -> Result<Summary> {
    let image = scan::image::open(file, a.platform.as_deref())?;
    let name = match (&a.host, &image.reference) {
        (Some(h), _) => h.clone(),
        (None, Some(r)) => crate::image::host_name(r).ok_or_else(|| {
            Failure::usage(format!(
                "image {}: its name {:?} makes no host name",
                crate::text::one_line(&file.display().to_string()),
                crate::text::one_line(r)
            ))
            .hint("name it with --host NAME")
        })?,
        (None, None) => {
            return Err(Failure::usage(format!(
                "image {}: the archive gives the image no name (no RepoTags, no ref.name annotation)",
                crate::text::one_line(&file.display().to_string())
            ))
            .hint("name it with --host NAME")
            .into());
        }
    };
    inventory::validate::name("host", &name).map_err(Failure::usage)?;
    // Checked before the work of unpacking; record_image checks again.
    if let Some(h) = inventory::get_host(conn, &name)?
        && h.kind != inventory::HostKind::Image
    {
        return Err(inventory::machine_not_image(&name).into());
    }
    ctx.style.verbose(
        1,
        format!(
            "{name}: {} {} with {} layer{}",
            image.format.as_str(),
            image.digest,
            image.layers(),
            if image.layers() == 1 { "" } else { "s" }
        ),
    );
    let started = clock::now_stamp()?;
    let control = exec::control_dir()?;
    let scanned = scan::image::collect(
        &ctx.config.ssh,
        &control,
        &ctx.db_path,
        file,
        &image,
        &ctx.config.image.bounds(),
        Duration::from_secs(a.timeout),
    )?;
    if scanned.swept > 0 {
        ctx.style.status(format!(
            "removed {} unpacked image{} an interrupted scan left",
            scanned.swept,
            if scanned.swept == 1 { "" } else { "s" }
        ));
    }
    let st = scanned.stats;
    ctx.style.verbose(
        1,
        format!(
            "{name}: unpacked {} files ({}) of {} entries; {} whiteouts",
            st.files,
            output::bytes(st.bytes as usize),
            st.entries,
            st.whiteouts
        ),
    );
    report_collection(&ctx.style, &name, Method::Image, &scanned.collection, None);
    let finished = clock::now_stamp()?;
    {
        let tx = db::write_tx(conn)?;
        let recorded = inventory::record_image(&tx, &name, &image.digest, now)?;
        let action = match recorded {
            inventory::ImageRecord::Added => Some("host.add"),
            inventory::ImageRecord::Updated => Some("host.image"),
            inventory::ImageRecord::Unchanged => None,
        };
        if let Some(action) = action {
            audit::append(
                &tx,
                now,
                &ctx.actor,
                action,
                &name,
                &json!({"kind": "image", "image_digest": image.digest, "file": file.display().to_string()}),
            )?;
        }
        tx.commit()?;
        match recorded {
            inventory::ImageRecord::Added => ctx.style.status(format!(
                "added host {name} (container image {}) to the inventory",
                image.digest
            )),
            inventory::ImageRecord::Updated => ctx.style.status(format!(
                "host {name} is now container image {}",
                image.digest
            )),
            inventory::ImageRecord::Unchanged => {}
        }
    }
    let mut batch = scan::Batch::new(conn);
    let summary = store(
        &ctx.style,
        &mut batch,
        matcher,
        &name,
        Method::Image,
        (&started, &finished),
        scanned.collection,
    )?;
    batch.finish()?;
    Ok(summary)
}

/// Saved output of one platform's collector imported for a host the inventory says
/// runs the other: the import stands (the output says what the host is), but `scan`
/// would send the host the wrong collector until its inventory entry is fixed.
fn warn_platform(ctx: &Context, host: &Host, f: &facts::Facts) {
    let reported = if f.windows.is_some() {
        inventory::Platform::Windows
    } else {
        inventory::Platform::Posix
    };
    if reported != host.platform && host.kind == inventory::HostKind::Host {
        ctx.style.warn(format!(
            "{}: the output is the {reported} collector's, but the inventory says the host is {}: `scan` sends it the {} collector (fix it with `patchcycle host set {} --platform {reported}`)",
            host.name, host.platform, host.platform, host.name
        ));
    }
}

/// Exit 4 when some hosts failed, naming every one with its reason: under `-q` (and in
/// cron mail) this line is all that is seen of them.
fn partial_failure(summaries: &[Summary]) -> Result<()> {
    let failed: Vec<String> = summaries
        .iter()
        .filter(|s| s.status != "ok")
        .map(|s| format!("{} ({})", s.host, s.error.as_deref().unwrap_or("failed")))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let total = summaries.len();
    Err(Failure::new(
        Exit::Partial,
        format!(
            "{} of {total} host{} failed: {}",
            failed.len(),
            if total == 1 { "" } else { "s" },
            failed.join(", ")
        ),
    )
    .hint("the reasons are stored too: `patchcycle host show HOST` shows a host's last one")
    .into())
}

/// One host's collection from the pool, with its start and end for the scan record.
struct HostRun {
    started: String,
    finished: String,
    collection: Collection,
}

impl pool::Outcome for HostRun {
    fn failure(&self) -> Option<String> {
        self.collection
            .facts
            .as_ref()
            .err()
            .map(|e| e.error.clone())
    }
}

/// What `scan` asks of one host (README, "Incremental scans"): a Windows host, `--full`
/// and `--refresh` always collect in full; otherwise its last scan decides.
fn plan_for(
    ctx: &Context,
    conn: &rusqlite::Connection,
    host: &str,
    windows: bool,
    a: &ScanArgs,
) -> Result<Plan> {
    if windows {
        return Ok(Plan::full(incremental::FullReason::Windows));
    }
    incremental::plan(
        conn,
        host,
        a.full,
        a.refresh,
        ctx.config.scan.full_every.0,
        clock::now()?,
    )
}

/// `-v`: how long the host took to answer and to collect, and whether it was collected
/// in full (and why) or answered unchanged; `-vv`: the sizes of the collector's
/// sections. Printed as each host finishes.
fn report_collection(
    style: &Style,
    host: &str,
    method: Method,
    c: &Collection,
    plan: Option<&Plan>,
) {
    if let Some(t) = c.first_output {
        let what = match method {
            Method::Ssh => "connected",
            Method::Local | Method::Import | Method::Image => "collector started",
        };
        style.verbose(1, format!("{host}: {what} in {}", seconds(t)));
    }
    if !c.sections.is_empty() {
        let sizes: Vec<String> = c
            .sections
            .iter()
            .map(|s| {
                format!(
                    "{} {} line{} {}",
                    s.name,
                    s.lines,
                    if s.lines == 1 { "" } else { "s" },
                    output::bytes(s.bytes)
                )
            })
            .collect();
        style.verbose(2, format!("{host}: sections: {}", sizes.join(", ")));
    }
    let took = seconds(c.elapsed);
    match &c.facts {
        Ok(f) if f.collected == Collected::Unchanged => {
            let since = plan
                .and_then(|p| p.full_finished.as_deref())
                .map(|at| format!(" since the full scan of {at}"))
                .unwrap_or_default();
            style.verbose(1, format!("{host}: unchanged{since} in {took}"));
        }
        Ok(f) => {
            let verb = match method {
                Method::Import => "read",
                Method::Ssh | Method::Local | Method::Image => "collected",
            };
            let what = match &f.windows {
                Some(w) => format!(
                    "Windows build 10.0.{}.{} with {} installed updates",
                    w.current_build,
                    w.ubr,
                    w.installed.len()
                ),
                None => format!("{} packages", f.packages.len()),
            };
            let full = plan
                .map(|p| format!(" (full: {})", p.why_full(f.fingerprint.as_ref()).text()))
                .unwrap_or_default();
            style.verbose(1, format!("{host}: {verb} {what} in {took}{full}"));
        }
        Err(e) => style.verbose(1, format!("{host}: failed after {took}: {}", e.error)),
    }
}

/// Matches and stores one host's collection; `-v` says how long that took.
fn store(
    style: &Style,
    batch: &mut scan::Batch<'_>,
    matcher: &mut Matcher,
    host: &str,
    method: Method,
    (started, finished): (&str, &str),
    collection: Collection,
) -> Result<Summary> {
    let t = Instant::now();
    let ok = collection.facts.is_ok();
    let summary = batch.store(
        matcher,
        scan::HostScan {
            host,
            method,
            started,
            finished,
            result: collection.facts,
        },
    )?;
    // What was stored decides: an unchanged answer the database no longer vouches for
    // fails here, after the collection was reported.
    match &summary.error {
        None => style.verbose(
            1,
            format!(
                "{host}: matched and stored {} findings in {}",
                summary.findings.unwrap_or(0),
                seconds(t.elapsed())
            ),
        ),
        Some(e) if ok => style.verbose(1, format!("{host}: not stored: {e}")),
        Some(_) => {}
    }
    Ok(summary)
}

/// `h1: restart pending: restart pcdemo (sysv); reboot only: 1 sshd (PID 1) (2 findings
/// kept open)`.
fn restart_line(host: &str, r: &scan::RestartSummary) -> String {
    let kept = match r.restart_pending_findings {
        0 => String::new(),
        1 => " (1 finding kept open)".into(),
        n => format!(" ({n} findings kept open)"),
    };
    format!(
        "{host}: old code still running: {}{kept}",
        crate::text::one_line(&r.decision.text())
    )
}

fn reboot_text(s: &Summary) -> String {
    inventory::reboot::Reboot::of(
        s.reboot_required,
        s.kernel_running.as_deref(),
        s.kernel_latest.as_deref(),
    )
    .text()
}

/// Where a host is reached over ssh.
fn ssh_target(h: &Host) -> Target {
    Target::Ssh {
        address: h.address.clone(),
        user: h.user.clone(),
        port: h.port,
    }
}

/// Collects one inventory host: over ssh, or here for a host `scan --local` marked (from
/// its root directory, if it has one).
fn collect_host(
    ssh: &crate::config::SshConfig,
    control: &std::path::Path,
    h: &Host,
    refresh: bool,
    plan: &Plan,
    timeout: Duration,
) -> scan::Collection {
    if h.platform == inventory::Platform::Windows {
        if h.local {
            return scan::Collection {
                facts: Err(
                    "a Windows host is scanned over ssh, but this one is marked as collected on this machine (scan --local)"
                        .to_string()
                        .into(),
                ),
                first_output: None,
                elapsed: Duration::ZERO,
                sections: Vec::new(),
            };
        }
        return scan::collect_windows(ssh, control, &ssh_target(h), timeout);
    }
    if !h.local {
        return scan::collect_incremental(
            ssh,
            control,
            &ssh_target(h),
            refresh,
            None,
            plan.expected.as_ref(),
            timeout,
        );
    }
    let root = h.local_root.as_deref().map(std::path::Path::new);
    if let Some(r) = root
        && !r.is_dir()
    {
        return scan::Collection {
            facts: Err(format!(
                "its root {} (scan --local --root) is no longer a directory",
                r.display()
            )
            .into()),
            first_output: None,
            elapsed: Duration::ZERO,
            sections: Vec::new(),
        };
    }
    scan::collect_incremental(
        ssh,
        control,
        &Target::Local,
        refresh,
        root,
        plan.expected.as_ref(),
        timeout,
    )
}

fn select_hosts(ctx: &Context, conn: &rusqlite::Connection, a: &ScanArgs) -> Result<Vec<Host>> {
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
        return machines(ctx, hosts, &format!("group {g}"));
    }
    if a.all {
        let hosts = inventory::list_hosts(conn, &HostFilter::default())?;
        if hosts.is_empty() {
            return Err(Failure::usage("the inventory has no hosts")
                .hint("add some with `patchcycle host add` or `host import`, or scan this machine with --local")
                .into());
        }
        return machines(ctx, hosts, "the inventory");
    }
    if a.hosts.is_empty() {
        return Err(Failure::usage("nothing to scan: name hosts, or give --group G, --all, --local, --import FILE --host H or --image FILE").into());
    }
    a.hosts
        .iter()
        .map(|n| {
            let h = inventory::require_host(conn, n)?;
            if h.kind == inventory::HostKind::Image {
                return Err(Failure::usage(format!(
                    "host {n} is a container image: it is scanned from its archive"
                ))
                .hint(format!("`patchcycle scan --image FILE --host {n}`"))
                .into());
            }
            Ok(h)
        })
        .collect()
}

/// The machines among `hosts`: images are scanned from their archives, never reached
/// (`scan --all` and `--group` pass over them, saying so). `what` names the selection
/// when it holds images only.
fn machines(ctx: &Context, hosts: Vec<Host>, what: &str) -> Result<Vec<Host>> {
    let (images, machines): (Vec<Host>, Vec<Host>) = hosts
        .into_iter()
        .partition(|h| h.kind == inventory::HostKind::Image);
    if images.is_empty() {
        return Ok(machines);
    }
    let hint = "rescan an image with `patchcycle scan --image FILE --host NAME`";
    if machines.is_empty() {
        return Err(Failure::usage(format!(
            "{what} holds only container images: they are scanned from their archives"
        ))
        .hint(hint)
        .into());
    }
    ctx.style.status(format!(
        "not scanning {} container image{} ({}): {hint}",
        images.len(),
        if images.len() == 1 { "" } else { "s" },
        images
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(machines)
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
    if let Some(h) = inventory::get_host(conn, name)?
        && h.platform == inventory::Platform::Windows
    {
        return Err(Failure::usage(format!(
            "host {name} is a Windows host: it is scanned over ssh with the PowerShell collector, not on this machine"
        ))
        .hint(format!("`patchcycle scan {name}`"))
        .into());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(host: &str, error: Option<&str>) -> Summary {
        Summary {
            host: host.into(),
            status: if error.is_some() { "failed" } else { "ok" }.into(),
            error: error.map(str::to_string),
            ..Summary::default()
        }
    }

    /// Every failed host is named with its reason, in the order they were scanned.
    #[test]
    fn a_partial_failure_names_every_failed_host() {
        let all = [
            summary("h1", None),
            summary("h2", Some("connection refused")),
            summary("h3", Some("timed out after 300s")),
        ];
        let err = partial_failure(&all).expect_err("two failed");
        assert_eq!(crate::error::exit_code_of(&err), Exit::Partial);
        assert_eq!(
            err.to_string(),
            "2 of 3 hosts failed: h2 (connection refused), h3 (timed out after 300s)"
        );
        let one = partial_failure(&all[1..2]).expect_err("one failed");
        assert_eq!(
            one.to_string(),
            "1 of 1 host failed: h2 (connection refused)"
        );
        assert!(partial_failure(&all[..1]).is_ok());
    }
}
