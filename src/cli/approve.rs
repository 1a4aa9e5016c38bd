//! `patchcycle approve --group G …`: record a CAB decision for a group, behind the ring
//! gate (or through the audited emergency lane).

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::Context;
use crate::catalog::{Risk, Severity};
use crate::cycle::approval::{self, ApprovedPatch, Decision, NewApproval, NotifyEvent};
use crate::cycle::state::{self as cycle, Patch};
use crate::cycle::win_updates;
use crate::error::Failure;
use crate::inventory::policy::{ApproveRule, AutoApproveClass, Span};
use crate::{audit, clock, db, inventory};

/// The keys of the picker, shown above it.
const PICKER_KEYS: &str = "up/down: move | space: toggle | a: all | enter: confirm | esc/q: cancel";

#[derive(Debug, Args)]
#[command(after_help = "\
On a terminal (without --yes) the patch set is shown as a picker, worst first (KEV, then
severity, then EPSS), every patch selected; then the decision is confirmed.

Exit codes: 0 recorded; 1 refused by the ring gate or by four eyes (policy
require_distinct_approver); 2 usage error, or cancelled (Esc or q in the picker, or no at
the confirmation): nothing is recorded; 130 interrupted (Ctrl-C): nothing is recorded, the
terminal is restored.")]
pub struct ApproveArgs {
    /// The group (ring) the decision is for
    #[arg(short, long, required_unless_present = "auto", add = super::complete::groups())]
    pub group: Option<String>,
    /// For cron: approve, in every group whose policy has auto_approve classes or
    /// approve_rules, the patches whose rule is due (its `after` counted from the cycle's
    /// start) once the gate is open (never through the emergency lane)
    #[arg(long, conflicts_with_all = ["group", "emergency", "decision", "advisory", "package", "severity", "kev"])]
    pub auto: bool,
    /// Cycle [default: the open cycle]
    #[arg(long, add = super::complete::cycles())]
    pub cycle: Option<String>,
    /// The decision
    #[arg(long, value_enum, default_value_t = Decision::Approve)]
    pub decision: Decision,
    /// Only patches naming this advisory or CVE (repeatable)
    #[arg(long)]
    pub advisory: Vec<String>,
    /// Only these packages (repeatable)
    #[arg(long)]
    pub package: Vec<String>,
    /// Only patches at or above this severity
    #[arg(long, value_parser = ["critical", "high", "medium", "low"])]
    pub severity: Option<String>,
    /// Only patches with a CISA KEV CVE
    #[arg(long)]
    pub kev: bool,
    /// Change reference (CAB ticket)
    #[arg(long, value_name = "REF")]
    pub change: Option<String>,
    /// Free comment
    #[arg(long)]
    pub comment: Option<String>,
    /// Until when the approval is valid: a last day (YYYY-MM-DD, through its end in the
    /// configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Bypass the ring gate (audited and flagged in reports; not four eyes); needs --reason
    #[arg(long, requires = "reason")]
    pub emergency: bool,
    /// Why the emergency lane is used
    #[arg(long)]
    pub reason: Option<String>,
    /// Approve although the group's scans or the catalogue are older than the policy's
    /// max_scan_age / max_feed_age (audited with the hosts concerned)
    #[arg(long)]
    pub allow_stale: bool,
}

fn approved_patch(p: &Patch) -> ApprovedPatch {
    ApprovedPatch {
        ecosystem: p.ecosystem.clone(),
        package: p.package.clone(),
        target: p.target.clone(),
    }
}

/// Whether `--package NAME` names the patch: its package exactly, or, for a Windows
/// patch, its KB however written (`KB5094128`, `kb5094128`, `5094128`).
fn package_named(p: &Patch, name: &str) -> bool {
    p.package == name
        || (p.ecosystem == win_updates::ECOSYSTEM
            && win_updates::kb_name(name).is_some_and(|kb| kb == p.package))
}

fn selected(a: &ApproveArgs, all: Vec<Patch>) -> Vec<Patch> {
    let level = a.severity.as_deref().and_then(Severity::parse);
    all.into_iter()
        .filter(|p| a.package.is_empty() || a.package.iter().any(|x| package_named(p, x)))
        .filter(|p| a.advisory.is_empty() || p.advisories.iter().any(|x| a.advisory.contains(x)))
        .filter(|p| level.is_none_or(|l| Severity::stored_at_least(p.severity.as_deref(), l)))
        .filter(|p| !a.kev || p.kev)
        .collect()
}

pub fn run(ctx: &Context, a: &ApproveArgs) -> Result<()> {
    for (field, v) in [
        ("--change", &a.change),
        ("--comment", &a.comment),
        ("--reason", &a.reason),
    ] {
        if let Some(v) = v {
            inventory::validate::text(field, v).map_err(Failure::usage)?;
        }
    }
    if a.emergency && a.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Failure::usage("--emergency needs a --reason").into());
    }
    let now = clock::now()?;
    let expires = a
        .expires
        .as_deref()
        .map(|d| {
            clock::parse_date_flag(
                "--expires",
                d,
                clock::Toward::Future,
                ctx.config.zone(),
                now,
            )
            .map(clock::stamp)
        })
        .transpose()?;
    let mut db = ctx.open_db()?;
    if a.auto {
        return auto(ctx, &mut db.conn, a, now, expires);
    }
    let group = inventory::require_group(&db.conn, a.group.as_deref().unwrap_or_default())?;
    let (cycle_id, c) = cycle::find(&db.conn, a.cycle.as_deref())?;
    if c.state != "open" {
        return Err(Failure::usage(format!("cycle {} is closed", c.name)).into());
    }
    let patches = selected(a, cycle::patches(&db.conn, cycle_id)?);
    if patches.is_empty() && a.decision == Decision::Approve {
        return Err(
            Failure::usage(format!("the selection holds no patch of cycle {}", c.name))
                .hint("check --advisory/--package/--severity/--kev, or `patchcycle cycle status`")
                .into(),
        );
    }
    // Four eyes first: no lane, not even the emergency one, lets a person approve
    // their own change.
    if a.decision == Decision::Approve
        && let Some(why) = approval::same_actor(&db.conn, cycle_id, &group, &ctx.actor)?
    {
        return Err(Failure::gate(format!("approval refused: {why}"))
            .hint("another person approves (the emergency lane does not bypass four eyes)")
            .into());
    }
    if a.decision == Decision::Approve
        && let Some(block) = cycle::gate_block(&db.conn, cycle_id, &group, now)?
    {
        if !a.emergency {
            return Err(Failure::gate(format!(
                "approval of {} (ring {}) refused: {block}",
                group.name, group.order
            ))
            .hint("wait for the lower ring, or use --emergency --reason TEXT (audited)")
            .into());
        }
        ctx.style
            .warn(format!("emergency approval bypasses the gate: {block}"));
    }
    // An approval stands on the group's scans and the catalogue: not on old ones.
    let accepted_stale = if a.decision == Decision::Approve {
        super::cycle::check_data(
            ctx,
            &db.conn,
            Some(&group.name),
            now,
            a.allow_stale,
            "approval",
        )?
    } else {
        Vec::new()
    };
    // On a terminal (without --yes) a person picks from the patch set, with the
    // knowledge-base notes beside each, and confirms; without one, --yes is required and
    // nothing ever waits on stdin. While the prompts own the terminal, a signal restores
    // it and ends the command before anything is written.
    let interactive = !ctx.yes && ctx.style.stdin_tty && ctx.style.stderr_tty;
    let guard = interactive.then(|| {
        crate::output::PromptGuard::new(&format!(
            "error: interrupted, nothing {}",
            a.decision.past()
        ))
    });
    let mut patches = patches;
    if interactive && !patches.is_empty() {
        patches = pick(&db.conn, patches, a.decision, &c.name, &group.name)?;
        if patches.is_empty() && a.decision == Decision::Approve {
            return Err(Failure::usage("no patch selected; nothing recorded").into());
        }
    }
    let question = format!(
        "{} {} patch(es) of cycle {} for group {}{}?",
        a.decision.as_str(),
        patches.len(),
        c.name,
        group.name,
        a.change
            .as_deref()
            .map(|r| format!(" under {r}"))
            .unwrap_or_default()
    );
    if !ctx.confirm(&question, a.decision.as_str())? {
        return Err(Failure::usage("not confirmed; nothing recorded").into());
    }
    drop(guard);
    let stamp = clock::stamp(now);
    let chosen: Vec<ApprovedPatch> = patches.iter().map(approved_patch).collect();
    let tx = db::write_tx(&mut db.conn)?;
    approval::record(
        &tx,
        &NewApproval {
            cycle_id,
            group: &group.name,
            decision: a.decision,
            patches: &chosen,
            actor: &ctx.actor,
            change_ref: a.change.as_deref(),
            comment: a.comment.as_deref(),
            emergency: a.emergency,
            reason: a.reason.as_deref(),
            at: &stamp,
            expires: expires.as_deref(),
            auto: false,
        },
    )?;
    audit::append(
        &tx,
        &stamp,
        &ctx.actor,
        if a.emergency {
            "approve.emergency"
        } else {
            "approve"
        },
        &format!("{}/{}", c.name, group.name),
        &json!({
            "decision": a.decision.as_str(),
            "patches": chosen.len(),
            "change": a.change,
            "comment": a.comment,
            "emergency": a.emergency,
            "reason": a.reason,
            "expires": expires,
            "accepted_stale": accepted_stale,
        }),
    )?;
    tx.commit()?;
    if a.decision == Decision::Approve {
        notify(
            ctx,
            &mut db.conn,
            &group,
            &c.name,
            NotifyEvent::Approve,
            a.change.as_deref(),
            &chosen,
        )?;
    }
    let by_risk = tally(&patches);
    ctx.style.status(format!(
        "{} {} patch{} of cycle {} for {}{}{}",
        a.decision.past(),
        patches.len(),
        if patches.len() == 1 { "" } else { "es" },
        c.name,
        group.name,
        if a.emergency { " (EMERGENCY)" } else { "" },
        if by_risk.is_empty() {
            String::new()
        } else {
            format!(": {by_risk}")
        }
    ));
    Ok(())
}

/// The picker: the patch set worst first, every patch selected, the keys shown above.
/// Esc or q cancels (exit 2), Ctrl-C ends the process through the [`PromptGuard`].
fn pick(
    conn: &rusqlite::Connection,
    patches: Vec<Patch>,
    decision: Decision,
    cycle: &str,
    group: &str,
) -> Result<Vec<Patch>> {
    let mut items: Vec<(Patch, Option<f64>, String)> = patches
        .into_iter()
        .map(|p| {
            let epss = crate::catalog::epss::highest_of_advisories(conn, &p.advisories)?;
            let line = describe(conn, &p, epss)?;
            Ok((p, epss, line))
        })
        .collect::<Result<_>>()?;
    items.sort_by(|(p, pe, _), (q, qe, _)| risk(p, *pe).worst_first(&risk(q, *qe)));
    let term = dialoguer::console::Term::stderr();
    term.write_line(PICKER_KEYS)?;
    // Package and advisory names come from hosts and feeds.
    let lines: Vec<String> = items
        .iter()
        .map(|(_, _, l)| crate::output::cell(l))
        .collect();
    let picked = dialoguer::MultiSelect::new()
        .with_prompt(format!(
            "Patches of cycle {cycle} to {} for {group}",
            decision.as_str()
        ))
        .items(&lines)
        .defaults(&vec![true; lines.len()])
        // The summary after the decision says what was picked; no dump of every line.
        .report(false)
        .interact_opt()?;
    term.clear_last_lines(1)?;
    let Some(picked) = picked else {
        return Err(
            Failure::usage(format!("cancelled, nothing {}", decision.past()))
                .hint("Esc or q leaves the picker; nothing is recorded")
                .into(),
        );
    };
    let mut items: Vec<Option<Patch>> = items.into_iter().map(|(p, _, _)| Some(p)).collect();
    Ok(picked
        .into_iter()
        .filter_map(|i| items.get_mut(i).and_then(Option::take))
        .collect())
}

fn risk(p: &Patch, epss: Option<f64>) -> Risk<'_> {
    Risk {
        kev: p.kev,
        severity: p.severity.as_deref(),
        epss,
    }
}

/// "2 KEV, 3 critical, 6 high, 3 medium": each patch counted once, in the order of risk
/// (a KEV patch under KEV, the others under their severity; "unrated" without one).
fn tally(patches: &[Patch]) -> String {
    let kev = patches.iter().filter(|p| p.kev).count();
    let mut parts: Vec<String> = Vec::new();
    if kev > 0 {
        parts.push(format!("{kev} KEV"));
    }
    for level in [
        Some(Severity::Critical),
        Some(Severity::High),
        Some(Severity::Medium),
        Some(Severity::Low),
        Some(Severity::None),
        None,
    ] {
        let count = patches
            .iter()
            .filter(|p| !p.kev && p.severity.as_deref().and_then(Severity::parse) == level)
            .count();
        if count > 0 {
            parts.push(format!(
                "{count} {}",
                level.map_or("unrated", Severity::as_str)
            ));
        }
    }
    parts.join(", ")
}

/// Whether a patch belongs to an auto-approve class.
fn in_class(p: &Patch, class: AutoApproveClass) -> bool {
    let sev = p.severity.as_deref().and_then(Severity::parse);
    match class {
        AutoApproveClass::Kev => p.kev,
        AutoApproveClass::Critical => sev == Some(Severity::Critical),
        AutoApproveClass::High => sev.is_some_and(|s| s >= Severity::High),
        // Every patch of the set is a security update (the set is frozen from those).
        AutoApproveClass::Security | AutoApproveClass::All => true,
    }
}

/// The rules `approve --auto` applies for a policy: `auto_approve` classes (due once
/// the gate is open: after 0s) and `approve_rules`.
fn auto_rules(policy: &inventory::policy::Policy) -> Vec<ApproveRule> {
    policy
        .auto_approve
        .iter()
        .map(|&class| ApproveRule {
            class,
            after: Span(std::time::Duration::ZERO),
        })
        .chain(policy.approve_rules.iter().copied())
        .collect()
}

/// The rule that makes a patch due first (the shortest `after` among the classes it is
/// in), or None when no rule names it.
fn earliest_rule(p: &Patch, rules: &[ApproveRule]) -> Option<ApproveRule> {
    rules
        .iter()
        .filter(|r| in_class(p, r.class))
        .min_by_key(|r| r.after.0)
        .copied()
}

/// `approve --auto`: per group whose policy has rules, the patches whose rule is due at
/// `now` (counted from the cycle's start) once the gate is open, added to what the group
/// already has approved; recorded as the policy's, with the rules in the comment.
fn auto(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    a: &ApproveArgs,
    now: chrono::DateTime<chrono::Utc>,
    expires: Option<String>,
) -> Result<()> {
    let (cycle_id, c) = cycle::find(conn, a.cycle.as_deref())?;
    if c.state != "open" {
        return Err(Failure::usage(format!("cycle {} is closed", c.name)).into());
    }
    let started = clock::parse(&c.created_at)
        .ok_or_else(|| anyhow::anyhow!("stored cycle start {:?} is not RFC 3339", c.created_at))?;
    let all = cycle::patches(conn, cycle_id)?;
    let stamp = clock::stamp(now);
    let mut approved = 0;
    for group in inventory::list_groups(conn)? {
        let rules = auto_rules(&group.policy);
        if rules.is_empty() || group.hosts == 0 {
            continue;
        }
        // A person's decision (an approval of what they chose, a decline, a deferral)
        // stands; only an approval the rules made grows as more of them fall due.
        let already: Vec<ApprovedPatch> = match approval::latest(conn, cycle_id, &group.name)? {
            Some(l) if l.auto && l.decision == Decision::Approve => l.patches()?,
            Some(_) => continue,
            None => Vec::new(),
        };
        let mut due: Vec<(ApprovedPatch, ApproveRule)> = Vec::new();
        let mut next: Option<chrono::DateTime<chrono::Utc>> = None;
        for p in &all {
            let Some(rule) = earliest_rule(p, &rules) else {
                continue;
            };
            let patch = approved_patch(p);
            if already.contains(&patch) {
                continue;
            }
            let at = chrono::Duration::from_std(rule.after.0)
                .ok()
                .and_then(|d| started.checked_add_signed(d))
                .ok_or_else(|| anyhow::anyhow!("rule {rule}: the date overflows"))?;
            if at <= now {
                due.push((patch, rule));
            } else {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        if let Some(at) = next {
            ctx.style.status(format!(
                "{}: more patches due by rule at {}",
                group.name,
                clock::stamp(at)
            ));
        }
        if due.is_empty() {
            continue;
        }
        if let Some(block) = cycle::gate_block(conn, cycle_id, &group, now)? {
            ctx.style
                .status(format!("{}: not yet: {block}", group.name));
            continue;
        }
        if let Some(why) = approval::same_actor(conn, cycle_id, &group, &ctx.actor)? {
            ctx.style
                .warn(format!("{}: not approved: {why}", group.name));
            continue;
        }
        // Nothing is approved on old data, not even automatically.
        let accepted_stale = match super::cycle::check_data(
            ctx,
            conn,
            Some(&group.name),
            now,
            a.allow_stale,
            "automatic approval",
        ) {
            Ok(accepted) => accepted,
            Err(e) if crate::error::exit_code_of(&e) == crate::error::Exit::Gate => {
                ctx.style.warn(format!("{}: not approved: {e}", group.name));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut used: Vec<ApproveRule> = Vec::new();
        for (_, r) in &due {
            if !used.contains(r) {
                used.push(*r);
            }
        }
        let added = due.len();
        let mut chosen = already;
        chosen.extend(due.into_iter().map(|(p, _)| p));
        chosen.sort();
        let tx = db::write_tx(conn)?;
        let comment = format!(
            "auto: {}",
            used.iter()
                .map(|r| format!("rule {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        approval::record(
            &tx,
            &NewApproval {
                cycle_id,
                group: &group.name,
                decision: Decision::Approve,
                patches: &chosen,
                actor: &ctx.actor,
                change_ref: a.change.as_deref(),
                comment: Some(&comment),
                emergency: false,
                reason: None,
                at: &stamp,
                expires: expires.as_deref(),
                auto: true,
            },
        )?;
        let rules_json: Vec<String> = used.iter().map(ToString::to_string).collect();
        audit::append(
            &tx,
            &stamp,
            &ctx.actor,
            "approve.auto",
            &format!("{}/{}", c.name, group.name),
            &json!({"patches": chosen.len(), "added": added, "rules": rules_json,
                    "change": a.change, "accepted_stale": accepted_stale}),
        )?;
        tx.commit()?;
        notify(
            ctx,
            conn,
            &group,
            &c.name,
            NotifyEvent::Approve,
            a.change.as_deref(),
            &chosen,
        )?;
        approved += 1;
        ctx.style
            .status(format!("{}: auto-approved {added} patch(es)", group.name,));
    }
    if approved == 0 {
        ctx.style.status("nothing to auto-approve");
    }
    Ok(())
}

/// One line of the patch set for a person: version, severity, KEV, EPSS and notes.
fn describe(conn: &rusqlite::Connection, p: &Patch, epss: Option<f64>) -> Result<String> {
    let notes = crate::catalog::notes::texts_for(conn, &p.package, &p.advisories)?;
    let mut line = format!(
        "{} {} -> {}  severity {}{}{}  ({} advisories, {} host(s))",
        p.ecosystem,
        p.package,
        p.target,
        p.severity.as_deref().unwrap_or("-"),
        if p.kev { "  KEV" } else { "" },
        epss.map(|e| format!("  EPSS {e:.3}")).unwrap_or_default(),
        p.advisories.len(),
        p.hosts
    );
    for n in notes {
        line.push_str(&format!("  [note: {n}]"));
    }
    Ok(line)
}

/// Runs the group's `notify` command after an approval and before a test or deploy
/// ([`approval::run_notify`]). A failing command is reported and audited; the approval
/// or deployment goes on.
pub(super) fn notify(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    group: &inventory::Group,
    cycle_name: &str,
    event: NotifyEvent,
    change: Option<&str>,
    chosen: &[ApprovedPatch],
) -> Result<()> {
    if let Some(why) = approval::run_notify(group, cycle_name, event, change, chosen)? {
        ctx.style.warn(format!(
            "notify for {} failed ({why}); going on",
            group.name
        ));
        approval::record_notify_failure(conn, cycle_name, &group.name, &why, &ctx.actor)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(package: &str, severity: Option<&str>, kev: bool) -> Patch {
        Patch {
            ecosystem: "Debian:12".into(),
            package: package.into(),
            target: "1".into(),
            advisories: Vec::new(),
            severity: severity.map(str::to_string),
            kev,
            hosts: 1,
        }
    }

    #[test]
    fn a_windows_kb_is_named_however_written_and_nothing_else_is() {
        let kb = Patch {
            ecosystem: "Windows".into(),
            ..patch("KB5094128", Some("critical"), false)
        };
        for name in ["KB5094128", "kb5094128", "5094128"] {
            assert!(package_named(&kb, name), "{name}");
        }
        assert!(!package_named(&kb, "KB5094129"));
        // Outside Windows a package name is exact.
        assert!(!package_named(
            &patch("KB5094128", None, false),
            "kb5094128"
        ));
        assert!(package_named(&patch("openssl", None, false), "openssl"));
    }

    /// Each patch is counted once, KEV before any severity, in the order of risk.
    #[test]
    fn the_tally_counts_kev_first_then_each_severity() {
        let set = [
            patch("a", Some("high"), false),
            patch("b", Some("medium"), true),
            patch("c", Some("critical"), false),
            patch("d", None, false),
            patch("e", Some("high"), false),
            patch("f", Some("critical"), true),
            patch("g", Some("low"), false),
        ];
        assert_eq!(tally(&set), "2 KEV, 1 critical, 2 high, 1 low, 1 unrated");
        assert_eq!(tally(&[]), "");
    }
}
