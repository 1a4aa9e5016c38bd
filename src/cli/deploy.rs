//! `patchcycle deploy --group G`: put the approved patch set on a ring, in waves, inside
//! its maintenance window. `test` (pilot ring) runs the same engine.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::cycle::approval::ApprovedPatch;
use crate::cycle::deploy::{self as engine, Engine};
use crate::cycle::deployment::{self as deploy, DeploymentState};
use crate::cycle::plan::{self, Kind, Plan};
use crate::cycle::{snapshot, window::Window};
use crate::error::{Exit, Failure};
use crate::output::{self, Format};
use crate::{clock, exec, inventory};

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The group (ring) to deploy
    #[arg(short, long, required_unless_present = "list", add = super::complete::groups())]
    pub group: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    /// List deployments (of --group, or all) instead
    #[arg(long, conflicts_with_all = ["dry_run", "resume", "now"])]
    pub list: bool,
}

/// What `test` and `deploy` share.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Cycle [default: the open cycle]
    #[arg(long, add = super::complete::cycles())]
    pub cycle: Option<String>,
    /// Print the plan per host (packages from → to, snapshot, reboot, checks, window)
    /// and change nothing; a deploy not yet approved is previewed with the whole patch
    /// set, marked "preview: not approved"
    #[arg(long)]
    pub dry_run: bool,
    /// Continue the group's interrupted or halted deployment; finished hosts are not
    /// touched again
    #[arg(long, conflicts_with = "dry_run")]
    pub resume: bool,
    /// Run outside the maintenance window (audited); needs --reason
    #[arg(long, requires = "reason")]
    pub now: bool,
    /// Why the window is overridden
    #[arg(long)]
    pub reason: Option<String>,
    /// Patch hosts even where no rollback packages and no snapshot can be had (audited)
    #[arg(long)]
    pub no_rollback: bool,
    /// Who runs the steps on the hosts: patchcycle's own SSH pool, or ansible-playbook
    /// (a generated inventory and playbook per wave; progress saved per wave)
    #[arg(long, value_enum, default_value_t = EngineKind::Builtin)]
    pub engine: EngineKind,
    /// Hosts at once [default: the group's max_parallel]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub parallel: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineKind {
    Builtin,
    Ansible,
}

pub fn run(ctx: &Context, a: &DeployArgs) -> Result<()> {
    if a.list {
        return list(ctx, a.group.as_deref());
    }
    let group = a.group.as_deref().unwrap_or_default();
    execute(ctx, Kind::Deploy, group, &a.run)
}

fn list(ctx: &Context, group: Option<&str>) -> Result<()> {
    let db = ctx.open_db()?;
    if let Some(g) = group {
        inventory::require_group(&db.conn, g)?;
    }
    let items = deploy::list(&db.conn, group)?;
    output::list(
        &ctx.style,
        &items,
        &[
            ("ID", &|d: &deploy::Deployment| d.id.to_string()),
            ("CYCLE", &|d| d.cycle.clone()),
            ("GROUP", &|d| d.group.clone()),
            ("KIND", &|d| d.kind.to_string()),
            ("STATE", &|d| d.state.to_string()),
            ("STARTED", &|d| d.started.clone()),
            ("FINISHED", &|d| output::or_dash(d.finished.as_ref())),
            ("ACTOR", &|d| d.actor.clone()),
        ],
    )
}

/// Plans, checks the gate and the window, and runs (or resumes) a deployment.
pub fn execute(ctx: &Context, kind: Kind, group: &str, a: &RunArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    let mut g = inventory::require_group(&db.conn, group)?;
    if let Some(p) = a.parallel {
        g.policy.max_parallel = p;
    }
    // A policy stored before its values had bounds (or edited in the file) is refused
    // before anything is recorded or run.
    g.policy.validate().map_err(|e| {
        Failure::usage(format!("group {group}: stored policy is invalid: {e}")).hint(format!(
            "fix it with `patchcycle group set {group} --set KEY=VALUE` (README: Reliability and security)"
        ))
    })?;
    // An image in the group is refused by name before anything is planned or run.
    for h in inventory::list_hosts(
        &db.conn,
        &inventory::HostFilter {
            group: Some(group.to_string()),
            tag: None,
        },
    )? {
        h.refuse_image()?;
    }
    if a.engine == EngineKind::Ansible
        && g.policy.restart != crate::inventory::policy::RestartPolicy::None
    {
        return Err(Failure::usage(format!(
            "group {group}: {}",
            crate::cycle::deploy::REFUSED_WITH_ANSIBLE
        ))
        .hint(format!(
            "use the built-in engine, or `patchcycle group set {group} --set restart=none` (the next scan then lists what still runs replaced code)"
        ))
        .into());
    }
    let now = clock::now()?;
    if a.dry_run {
        let plan = plan::dry_run(&db.conn, a.cycle.as_deref(), &g, kind, now)?;
        return print_plan(ctx, &plan);
    }
    let group_id = inventory::group_id(&db.conn, group)?;
    // Held until this process ends: a second deploy of the group is refused meanwhile.
    let Some(_lock) = deploy::lock_group(&ctx.db_path, group_id)? else {
        let running = deploy::unfinished(&db.conn, group_id)?
            .map(|d| format!(" (deployment {})", d.id))
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "another deploy of group {group} is running{running}"
        ))
        .hint("wait for it to finish; `patchcycle deploy --list` shows its state")
        .into());
    };
    snapshot::check_supported(&g.policy).map_err(|e| {
        Failure::usage(format!("group {group}: {e}"))
            .hint("use snapshot = \"command\" with your own create/revert commands, or \"none\"")
    })?;
    let deployment = match (a.resume, deploy::unfinished(&db.conn, group_id)?) {
        (true, Some(d)) => {
            if d.kind != kind {
                return Err(Failure::usage(format!(
                    "deployment {} of group {group} is a {}, not a {}",
                    d.id,
                    d.kind,
                    kind.as_str()
                ))
                .hint(format!("resume it with `patchcycle {} --resume`", d.kind))
                .into());
            }
            deploy::reopen(&mut db.conn, &d, &ctx.actor)?;
            ctx.style
                .status(format!("resuming deployment {} of group {group}", d.id));
            deploy::get(&db.conn, d.id)?
        }
        (true, None) => {
            return Err(Failure::usage(format!(
                "group {group} has no interrupted or halted deployment to resume"
            ))
            .into());
        }
        (false, Some(d)) => {
            return Err(Failure::usage(format!(
                "deployment {} of group {group} is unfinished ({})",
                d.id, d.state
            ))
            .hint(format!(
                "continue it with `patchcycle {} --group {group} --resume`",
                d.kind
            ))
            .into());
        }
        (false, None) => {
            let plan = plan::build(&db.conn, a.cycle.as_deref(), &g, kind, now)?;
            if a.engine != EngineKind::Ansible
                && let Some(host) = plan.builtin_refused()
            {
                return Err(Failure::usage(format!(
                    "host {host}: {}",
                    crate::cycle::win_updates::BUILTIN_REFUSED
                ))
                .hint("use --engine ansible")
                .into());
            }
            if a.engine == EngineKind::Ansible
                && let Some((host, why)) = plan.ansible_refused()
            {
                return Err(Failure::usage(format!("host {host}: {why}"))
                    .hint("deploy the group with the built-in engine (leave out --engine ansible)")
                    .into());
            }
            if !plan.in_window && !a.now {
                return Err(Failure::gate(format!(
                    "group {group} is outside its maintenance window ({})",
                    plan.window.as_deref().unwrap_or_default()
                ))
                .hint(match &plan.next_window_shown {
                    Some(n) => {
                        format!("the next window opens {n}; or override with --now --reason TEXT")
                    }
                    None => "override with --now --reason TEXT".into(),
                })
                .into());
            }
            let planned = plan.planned().count();
            let packages: usize = plan.planned().map(|h| h.targets.len()).sum();
            if !ctx.confirm(
                &format!(
                    "{} {packages} package update(s) on {planned} host(s) of group {group}?",
                    if kind == Kind::Test { "Test" } else { "Deploy" }
                ),
                kind.as_str(),
            )? {
                return Err(Failure::new(Exit::Usage, "cancelled").into());
            }
            let mut chosen: Vec<ApprovedPatch> = Vec::new();
            for h in plan.planned() {
                let eco = h.spec.ecosystem.clone().unwrap_or_default();
                for t in &h.targets {
                    let item = ApprovedPatch {
                        ecosystem: eco.clone(),
                        package: t.package.clone(),
                        target: t.to.clone(),
                    };
                    if !chosen.contains(&item) {
                        chosen.push(item);
                    }
                }
            }
            chosen.sort();
            super::approve::notify(
                ctx,
                &mut db.conn,
                &g,
                &plan.cycle,
                kind.into(),
                plan.change_ref.as_deref(),
                &chosen,
            )?;
            let id = engine::create(
                &mut db.conn,
                &plan,
                &ctx.actor,
                a.now.then_some(a.reason.as_deref()).flatten(),
                a.no_rollback,
            )?;
            if a.now && !plan.in_window {
                ctx.style.warn(format!(
                    "deploying outside the window of group {group} (audited): {}",
                    a.reason.as_deref().unwrap_or_default()
                ));
            }
            ctx.style.status(format!(
                "deployment {id}: {packages} package update(s) on {planned} host(s) of group {group}"
            ));
            deploy::get(&db.conn, id)?
        }
    };
    let window = g
        .window
        .as_deref()
        .map(Window::parse)
        .transpose()
        .map_err(|e| Failure::usage(format!("group {group}'s window: {e}")))?;
    let engine = Engine {
        ssh: &ctx.config.ssh,
        control: exec::control_dir()?,
        policy: g.policy.clone(),
        window,
        progress: crate::exec::pool::Progress::for_style(&ctx.style),
        group_hosts: g.hosts.max(0) as usize,
        deployment,
        db_path: ctx.db_path.clone(),
        ansible: a.engine == EngineKind::Ansible,
        db: std::sync::Mutex::new(
            crate::db::Db::open(&ctx.db_path, crate::db::OpenMode::Existing)?
                .0
                .conn,
        ),
    };
    let outcome = engine.execute()?;
    drop(engine);
    print_hosts(ctx, &db.conn, outcome.deployment)?;
    let summary = conclude(&outcome, kind, group)?;
    ctx.style.status(summary);
    Ok(())
}

/// The last line of a run (Ok: a success to print): counts that add up to the
/// deployment's hosts, and a hint that offers a rollback only when a host was changed.
fn conclude(outcome: &deploy::Outcome, kind: Kind, group: &str) -> Result<String, Failure> {
    let id = outcome.deployment;
    let c = &outcome.counts;
    let summary = format!("deployment {id}: {}", c.summary());
    let rollback = match c.changed {
        0 => None,
        n => Some(format!(
            "`patchcycle rollback {id}` puts back the {n} host(s) it changed"
        )),
    };
    let resume = format!(
        "`patchcycle {} --group {group} --resume` continues once fixed",
        kind.as_str()
    );
    match outcome.state {
        DeploymentState::Done => Ok(summary),
        DeploymentState::Halted => Err(Failure::gate(format!(
            "{summary}; halted: {}",
            outcome.reason.as_deref().unwrap_or_default()
        ))
        .hint(match rollback {
            Some(r) => format!("{r}; {resume}"),
            None => format!("no host was changed, so there is nothing to roll back; {resume}"),
        })),
        _ => Err(Failure::new(Exit::Partial, summary).hint(match rollback {
            Some(_) => format!(
                "failed hosts keep their error; `patchcycle rollback {id} --host H` undoes one, \
                 `patchcycle rollback {id}` all it changed"
            ),
            None => {
                "failed hosts keep their error; none was changed, so there is nothing to roll back"
                    .to_string()
            }
        })),
    }
}

pub fn print_hosts(ctx: &Context, conn: &rusqlite::Connection, deployment: i64) -> Result<()> {
    let lines = deploy::host_lines(conn, deployment)?;
    output::list(
        &ctx.style,
        &lines,
        &[
            ("HOST", &|l: &deploy::HostLine| l.host.clone()),
            ("WAVE", &|l| {
                if l.wave == 0 {
                    "-".into()
                } else {
                    l.wave.to_string()
                }
            }),
            ("STATE", &|l| l.state.to_string()),
            ("STEP", &|l| l.step.to_string()),
            ("PACKAGES", &|l| l.packages.to_string()),
            ("REBOOTED", &|l| {
                if l.rebooted { "yes" } else { "no" }.into()
            }),
            ("ERROR", &|l| output::or_dash(l.error.as_ref())),
        ],
    )?;
    // Never silently ok: a host that still runs replaced code after its restart step is
    // named, with what helps it.
    for l in &lines {
        if let Some(note) = l.restart_note() {
            ctx.style.warn(format!(
                "{}: still running replaced code: {}",
                l.host,
                crate::text::one_line(&note)
            ));
        }
    }
    Ok(())
}

/// A dry run: the plan, and nothing else.
fn print_plan(ctx: &Context, plan: &Plan) -> Result<()> {
    #[derive(Serialize, Default)]
    struct Line {
        host: String,
        wave: usize,
        package: String,
        from: String,
        to: String,
        note: String,
    }
    if ctx.style.format == Format::Json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, plan)?;
        return output::out_line("").or(Ok(()));
    }
    let mut lines = Vec::new();
    for h in &plan.hosts {
        let note = h
            .skip
            .clone()
            .map(|s| format!("skipped: {s}"))
            .or_else(|| h.blocker.clone().map(|b| format!("will fail: {b}")))
            .unwrap_or_default();
        if h.targets.is_empty() {
            lines.push(Line {
                host: h.host.clone(),
                wave: h.wave,
                note: note.clone(),
                ..Line::default()
            });
        }
        for t in &h.targets {
            lines.push(Line {
                host: h.host.clone(),
                wave: h.wave,
                package: t.package.clone(),
                from: t.from.clone(),
                to: t.to.clone(),
                note: note.clone(),
            });
        }
    }
    if ctx.style.format == Format::Table {
        if let Some(why) = &plan.preview {
            output::out_line(format!(
                "preview: not approved ({}): the plan of the whole patch set, as an approval would allow it",
                crate::text::one_line(why)
            ))?;
        }
        let snap = serde_json::to_string(&plan.snapshot).unwrap_or_default();
        let reboot = serde_json::to_string(&plan.reboot).unwrap_or_default();
        for (k, v) in [
            (
                "plan",
                format!(
                    "{} of cycle {} on group {} (dry run: nothing changes)",
                    plan.kind.as_str(),
                    plan.cycle,
                    plan.group
                ),
            ),
            ("change", output::or_dash(plan.change_ref.as_ref())),
            ("snapshot", snap.trim_matches('"').to_string()),
            ("reboot", reboot.trim_matches('"').to_string()),
            ("restart", plan.restart.to_string()),
            (
                "waves",
                format!(
                    "max {} host(s) at once; halt at {} failed; rollback on failure: {}",
                    plan.max_parallel,
                    plan.failure_threshold,
                    if plan.rollback_on_failure {
                        "yes"
                    } else {
                        "no"
                    }
                ),
            ),
            ("checks", plan.checks.join(", ")),
            (
                "window",
                match (&plan.window, plan.in_window, &plan.next_window_shown) {
                    (None, _, _) => "none (any time)".to_string(),
                    (Some(w), true, _) => format!("{w} (open now)"),
                    (Some(w), false, Some(n)) => format!("{w} (closed; next opens {n})"),
                    (Some(w), false, None) => format!("{w} (closed)"),
                },
            ),
        ] {
            output::out_line(format!("{k:<9} {v}"))?;
        }
        output::out_line("")?;
    }
    output::list(
        &ctx.style,
        &lines,
        &[
            ("HOST", &|l: &Line| l.host.clone()),
            ("WAVE", &|l| {
                if l.wave == 0 {
                    "-".into()
                } else {
                    l.wave.to_string()
                }
            }),
            ("PACKAGE", &|l| {
                output::or_dash((!l.package.is_empty()).then_some(&l.package))
            }),
            ("FROM", &|l| {
                output::or_dash((!l.from.is_empty()).then_some(&l.from))
            }),
            ("TO", &|l| {
                output::or_dash((!l.to.is_empty()).then_some(&l.to))
            }),
            ("NOTE", &|l| {
                output::or_dash((!l.note.is_empty()).then_some(&l.note))
            }),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::deployment::{HostCounts, Outcome};

    fn outcome(state: DeploymentState, counts: HostCounts) -> Outcome {
        Outcome {
            deployment: 7,
            state,
            counts,
            reason: Some("the maintenance window closed before wave 2".into()),
        }
    }

    fn rendered(r: Result<String, Failure>) -> (Exit, String) {
        let f = r.expect_err("a failure");
        let exit = f.exit;
        (exit, crate::error::render(&anyhow::Error::from(f), false))
    }

    #[test]
    fn a_halt_before_any_host_changed_offers_no_rollback() {
        let counts = HostCounts {
            hosts: 5,
            done: 0,
            failed: 1,
            pending: 3,
            skipped: 1,
            changed: 0,
            ..HostCounts::default()
        };
        let (exit, text) = rendered(conclude(
            &outcome(DeploymentState::Halted, counts),
            Kind::Deploy,
            "prod",
        ));
        assert_eq!(exit, Exit::Gate);
        assert_eq!(
            text,
            "error: deployment 7: 0 of 5 host(s) done, 1 failed, 3 not reached, 1 skipped; \
             halted: the maintenance window closed before wave 2\n\
             hint: no host was changed, so there is nothing to roll back; \
             `patchcycle deploy --group prod --resume` continues once fixed\n"
        );
    }

    #[test]
    fn a_halt_after_changes_offers_the_rollback_of_the_changed_hosts() {
        let counts = HostCounts {
            hosts: 6,
            done: 2,
            failed: 2,
            rolled_back: 1,
            pending: 2,
            changed: 3,
            ..HostCounts::default()
        };
        let (exit, text) = rendered(conclude(
            &outcome(DeploymentState::Halted, counts),
            Kind::Test,
            "pilot",
        ));
        assert_eq!(exit, Exit::Gate);
        assert_eq!(
            text,
            "error: deployment 7: 2 of 6 host(s) done, 2 failed (1 rolled back), 2 not reached; \
             halted: the maintenance window closed before wave 2\n\
             hint: `patchcycle rollback 7` puts back the 3 host(s) it changed; \
             `patchcycle test --group pilot --resume` continues once fixed\n"
        );
    }

    #[test]
    fn failed_hosts_that_changed_nothing_offer_no_rollback() {
        let counts = HostCounts {
            hosts: 2,
            done: 0,
            failed: 2,
            ..HostCounts::default()
        };
        let (exit, text) = rendered(conclude(
            &outcome(DeploymentState::Failed, counts),
            Kind::Deploy,
            "prod",
        ));
        assert_eq!(exit, Exit::Partial);
        assert_eq!(
            text,
            "error: deployment 7: 0 of 2 host(s) done, 2 failed, 0 not reached\n\
             hint: failed hosts keep their error; none was changed, so there is nothing to roll back\n"
        );
        let done = HostCounts {
            hosts: 3,
            done: 2,
            skipped: 1,
            changed: 2,
            ..HostCounts::default()
        };
        assert_eq!(
            conclude(&outcome(DeploymentState::Done, done), Kind::Deploy, "prod").unwrap(),
            "deployment 7: 2 of 3 host(s) done, 0 failed, 0 not reached, 1 skipped"
        );
    }
}
