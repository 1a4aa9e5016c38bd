//! `patchcycle group add|list|show|set|rm`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Context;
use crate::config::toml_failure;
use crate::cycle::window::Window;
use crate::error::{Failure, usage};
use crate::inventory::policy::Policy;
use crate::inventory::{self, Group, GroupSpec};
use crate::output::{self, or_dash};
use crate::{audit, clock, db};

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Add a group (ring)
    Add(AddArgs),
    /// List groups in ring order
    #[command(visible_alias = "ls")]
    List,
    /// Show one group with its policy
    Show(ShowArgs),
    /// Change a group
    Set(SetArgs),
    /// Remove a group
    Rm(RmArgs),
}

/// Fields shared by `add` and `set`.
#[derive(Debug, Args)]
pub struct GroupFields {
    /// Ring order: 0 = pilot, then test, production, …; lower rings go first
    #[arg(long, value_name = "N")]
    pub order: Option<i64>,
    /// Who owns the service (for reports and CAB)
    #[arg(long)]
    pub stakeholder: Option<String>,
    /// Admin contact
    #[arg(long)]
    pub admin: Option<String>,
    /// Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00",
    /// "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone
    /// defaults to UTC; "" clears it)
    #[arg(long)]
    pub window: Option<String>,
    /// Replace the policy with this TOML file
    #[arg(long, value_name = "FILE")]
    pub policy_file: Option<PathBuf>,
    /// Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3,
    /// reboot="never", sla_days.critical=3, auto_approve=["kev"]
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Unique name of the new group (letters, digits, '.', '_', '-')
    pub name: String,
    #[command(flatten)]
    pub fields: GroupFields,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The group
    #[arg(add = super::complete::groups())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The group to change
    #[arg(add = super::complete::groups())]
    pub name: String,
    #[command(flatten)]
    pub fields: GroupFields,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The group to remove
    #[arg(add = super::complete::groups())]
    pub name: String,
    /// Move the group's hosts to this group first
    #[arg(long, value_name = "GROUP", add = super::complete::groups())]
    pub move_to: Option<String>,
}

pub fn run(ctx: &Context, cmd: GroupCommand) -> Result<()> {
    match cmd {
        GroupCommand::Add(a) => add(ctx, a),
        GroupCommand::List => list(ctx),
        GroupCommand::Show(a) => show(ctx, a),
        GroupCommand::Set(a) => set(ctx, a),
        GroupCommand::Rm(a) => rm(ctx, a),
    }
}

/// Applies `--policy-file` and `--set` to a policy.
fn edit_policy(base: &Policy, fields: &GroupFields) -> Result<Policy> {
    let mut table: toml::Table = match &fields.policy_file {
        Some(path) => {
            let bytes = crate::input::read_file(path, crate::input::InputKind::PolicyFile)?;
            let text = crate::input::text(bytes, &path.display().to_string())?;
            // Parse once as a Policy for a precise error, then keep the table to edit.
            Policy::from_toml(&text).map_err(|e| toml_failure(&e, &text, path))?;
            toml::from_str(&text).map_err(|e| toml_failure(&e, &text, path))?
        }
        None => toml::from_str(&base.to_toml())?,
    };
    for assignment in &fields.set {
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--set {assignment:?}: expected KEY=VALUE")))?;
        let key = key.trim();
        // TOML would read a second line as a second key and the value parser below
        // keeps only the first: refused, so no part of an assignment is dropped unseen.
        if let Some(c) = assignment.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(Failure::usage(format!(
                "--set {}: contains the control character {c:?}",
                crate::text::one_line(key)
            ))
            .hint("give each KEY=VALUE its own --set")
            .into());
        }
        let value = parse_toml_value(value.trim()).map_err(|e| {
            Failure::usage(format!("--set {key}: {e}"))
                .hint("values are TOML: numbers bare, strings in quotes (reboot=\"never\"), lists in brackets")
        })?;
        set_dotted(&mut table, key, value)?;
    }
    let text = toml::to_string(&table)?;
    let policy = Policy::from_toml(&text)
        .map_err(|e| Failure::usage(format!("invalid policy: {}", e.message().trim())))?;
    policy
        .validate()
        .map_err(|e| Failure::usage(format!("invalid policy: {e}")))?;
    Ok(policy)
}

/// Parses a TOML value; a bare word that is not TOML is taken as a string, so
/// `--set reboot=never` works without shell-quoted quotes.
fn parse_toml_value(s: &str) -> Result<toml::Value, String> {
    let doc = format!("v = {s}");
    match toml::from_str::<toml::Table>(&doc) {
        // More than `v`: the text held a second key after the value. The caller refuses
        // the line breaks that would allow it; this keeps the rule where the parse is.
        Ok(t) if t.len() > 1 => Err(format!("{s:?} holds more than one value")),
        Ok(mut t) => t.remove("v").ok_or_else(|| "no value".to_string()),
        Err(_)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_%".contains(c)) =>
        {
            Ok(toml::Value::String(s.to_string()))
        }
        Err(e) => Err(format!("{s:?} is not a TOML value: {}", e.message().trim())),
    }
}

fn set_dotted(table: &mut toml::Table, key: &str, value: toml::Value) -> Result<()> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts
        .pop()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| Failure::usage(format!("--set: empty key in {key:?}")))?;
    let mut cur = table;
    for p in parts {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = entry
            .as_table_mut()
            .ok_or_else(|| Failure::usage(format!("--set {key}: {p} is not a table")))?;
    }
    cur.insert(last.to_string(), value);
    Ok(())
}

fn check_text_fields(f: &GroupFields) -> Result<()> {
    for (field, value) in [
        ("stakeholder", &f.stakeholder),
        ("admin", &f.admin),
        ("window", &f.window),
    ] {
        if let Some(v) = value {
            crate::inventory::validate::text(field, v).map_err(Failure::usage)?;
        }
    }
    // An empty --window clears it; anything else must be a window `calendar` can compute.
    if let Some(window) = f.window.as_deref().filter(|w| !w.is_empty()) {
        let parsed = Window::parse(window).map_err(|e| {
            Failure::usage(format!("--window: {e}")).hint(
                "forms: \"Patch Tuesday +2d 22:00-02:00 Europe/Berlin\", \"Sat 01:00-05:00 UTC\", \"daily 23:00-01:00\", \"RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h\"",
            )
        })?;
        // A window that never opens would be stored and then vanish from the calendar.
        parsed.check_opens(clock::now()?).map_err(|e| {
            Failure::usage(format!("--window {window:?}: {e}")).hint(format!(
                "a window must open within {} years: check the rule's BYMONTH/BYMONTHDAY, COUNT and UNTIL (rules count from DTSTART 2000-01-01)",
                crate::cycle::window::HORIZON_YEARS
            ))
        })?;
    }
    Ok(())
}

fn add(ctx: &Context, a: AddArgs) -> Result<()> {
    check_text_fields(&a.fields)?;
    let Some(order) = a.fields.order else {
        return Err(
            Failure::usage(format!("group {} needs a ring order", a.name))
                .hint(format!(
                    "pass --order N, e.g. `patchcycle group add {} --order 0` for the pilot ring",
                    a.name
                ))
                .into(),
        );
    };
    let spec = GroupSpec {
        name: a.name.clone(),
        order,
        stakeholder: a.fields.stakeholder.clone().filter(|s| !s.is_empty()),
        admin: a.fields.admin.clone().filter(|s| !s.is_empty()),
        window: a.fields.window.clone().filter(|s| !s.is_empty()),
        policy: edit_policy(&ctx.config.default_policy, &a.fields)?,
    };
    spec.validate().map_err(Failure::usage)?;
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    inventory::insert_group(&tx, &spec, &now)?;
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "group.add",
        &spec.name,
        &spec_json(&spec),
    )?;
    tx.commit()?;
    ctx.style.status(format!(
        "added group {} (ring order {})",
        spec.name, spec.order
    ));
    Ok(())
}

fn spec_json(s: &GroupSpec) -> serde_json::Value {
    json!({
        "order": s.order,
        "stakeholder": s.stakeholder,
        "admin": s.admin,
        "window": s.window,
        "policy": s.policy,
    })
}

fn list(ctx: &Context) -> Result<()> {
    let db = ctx.open_db()?;
    let groups = inventory::list_groups(&db.conn)?;
    output::list(
        &ctx.style,
        &groups,
        &[
            ("ORDER", &|g: &Group| g.order.to_string()),
            ("NAME", &|g: &Group| g.name.clone()),
            ("HOSTS", &|g: &Group| g.hosts.to_string()),
            ("WINDOW", &|g: &Group| or_dash(g.window.as_ref())),
            ("STAKEHOLDER", &|g: &Group| or_dash(g.stakeholder.as_ref())),
            ("ADMIN", &|g: &Group| or_dash(g.admin.as_ref())),
        ],
    )
}

fn show(ctx: &Context, a: ShowArgs) -> Result<()> {
    let db = ctx.open_db()?;
    let g = inventory::require_group(&db.conn, &a.name)?;
    let p = &g.policy;
    let list_or_dash = |v: Vec<String>| {
        if v.is_empty() {
            "-".into()
        } else {
            v.join(", ")
        }
    };
    let fields = [
        ("name", g.name.clone()),
        ("order", g.order.to_string()),
        ("hosts", g.hosts.to_string()),
        ("window", or_dash(g.window.as_ref())),
        ("stakeholder", or_dash(g.stakeholder.as_ref())),
        ("admin", or_dash(g.admin.as_ref())),
        ("max_parallel", p.max_parallel.to_string()),
        ("failure_threshold", p.failure_threshold.to_string()),
        ("reboot", enum_name(&p.reboot)),
        ("restart", enum_name(&p.restart)),
        ("snapshot", enum_name(&p.snapshot)),
        ("soak", p.soak.to_string()),
        ("promote_min_success", p.promote_min_success.to_string()),
        ("promote_min_hosts", p.promote_min_hosts.to_string()),
        (
            "auto_approve",
            list_or_dash(p.auto_approve.iter().map(enum_name).collect()),
        ),
        (
            "approve_rules",
            if p.approve_rules.is_empty() {
                "-".into()
            } else {
                // The delay runs from the cycle's start, whatever the advisory's date.
                format!(
                    "{} (from cycle start)",
                    p.approve_rules
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        ),
        (
            "require_distinct_approver",
            p.require_distinct_approver.to_string(),
        ),
        ("rollback_on_failure", p.rollback_on_failure.to_string()),
        ("health_commands", list_or_dash(p.health_commands.clone())),
        ("max_deferral_days", p.max_deferral_days.to_string()),
        ("notify", or_dash(p.notify.as_ref())),
        ("notify_new", or_dash(p.notify_new.as_ref())),
        (
            "sla_days",
            format!(
                "critical {}, high {}, medium {}, low {}",
                p.sla_days.critical, p.sla_days.high, p.sla_days.medium, p.sla_days.low
            ),
        ),
        ("created", g.created_at.clone()),
        ("updated", g.updated_at.clone()),
    ];
    output::show(&ctx.style, &g, &fields)
}

/// The serde (kebab-case) name of a unit enum value.
fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn set(ctx: &Context, a: SetArgs) -> Result<()> {
    let f = &a.fields;
    if f.order.is_none()
        && f.stakeholder.is_none()
        && f.admin.is_none()
        && f.window.is_none()
        && f.policy_file.is_none()
        && f.set.is_empty()
    {
        return usage(
            "nothing to change: give --order, --stakeholder, --admin, --window, --policy-file or --set",
        );
    }
    check_text_fields(f)?;
    let mut db = ctx.open_db()?;
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    let old = inventory::require_group(&tx, &a.name)?;
    let before = GroupSpec {
        name: old.name.clone(),
        order: old.order,
        stakeholder: old.stakeholder.clone(),
        admin: old.admin.clone(),
        window: old.window.clone(),
        policy: old.policy.clone(),
    };
    let pick = |new: &Option<String>, old: &Option<String>| match new {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(v.clone()),
        None => old.clone(),
    };
    let spec = GroupSpec {
        name: old.name.clone(),
        order: f.order.unwrap_or(old.order),
        stakeholder: pick(&f.stakeholder, &old.stakeholder),
        admin: pick(&f.admin, &old.admin),
        window: pick(&f.window, &old.window),
        policy: edit_policy(&old.policy, f)?,
    };
    spec.validate().map_err(Failure::usage)?;
    if spec == before {
        ctx.style.status(format!("group {} unchanged", a.name));
        return Ok(());
    }
    inventory::update_group(&tx, &spec, &now)?;
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "group.set",
        &spec.name,
        &json!({ "before": spec_json(&before), "after": spec_json(&spec) }),
    )?;
    tx.commit()?;
    ctx.style.status(format!("updated group {}", spec.name));
    Ok(())
}

fn rm(ctx: &Context, a: RmArgs) -> Result<()> {
    let mut db = ctx.open_db()?;
    inventory::require_group(&db.conn, &a.name)?;
    if !ctx.confirm(
        &format!("Remove group {}?", a.name),
        &format!("removing group {}", a.name),
    )? {
        return Err(Failure::usage("not confirmed; nothing removed").into());
    }
    let now = clock::now_stamp()?;
    let tx = db::write_tx(&mut db.conn)?;
    let moved = inventory::delete_group(&tx, &a.name, a.move_to.as_deref(), &now)?;
    audit::append(
        &tx,
        &now,
        &ctx.actor,
        "group.rm",
        &a.name,
        &json!({ "moved_hosts": moved, "move_to": a.move_to }),
    )?;
    tx.commit()?;
    match &a.move_to {
        Some(to) if moved > 0 => ctx.style.status(format!(
            "removed group {} ({moved} host(s) moved to {to})",
            a.name
        )),
        _ => ctx.style.status(format!("removed group {}", a.name)),
    }
    Ok(())
}

#[cfg(test)]
mod set_tests {
    use super::parse_toml_value;

    #[test]
    fn a_value_is_one_value() {
        assert_eq!(
            parse_toml_value("3"),
            Ok(toml::Value::Integer(3)),
            "a number"
        );
        assert_eq!(
            parse_toml_value("never"),
            Ok(toml::Value::String("never".into()))
        );
        assert_eq!(
            parse_toml_value("3\nsoak = \"1h\""),
            Err("\"3\\nsoak = \\\"1h\\\"\" holds more than one value".to_string())
        );
    }
}
