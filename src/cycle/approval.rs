//! CAB decisions (the `approvals` table, append-only): recorded by `approve`, read by the
//! planner, the cycle status and the report; and the group's `notify` command, run after
//! an approval and before a test or deploy.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cycle::deployment::Kind;
use crate::inventory::{self, Group};
use crate::{audit, clock, db};

crate::db::stored::stored_state! {
    /// What a CAB decided for a group in a cycle. Also `approve --decision`'s values.
    #[derive(clap::ValueEnum)]
    Decision {
        Approve = "approve",
        Decline = "decline",
        Defer = "defer",
    }
}

impl Decision {
    /// "approved", for what was (or was not) recorded.
    pub fn past(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Decline => "declined",
            Decision::Defer => "deferred",
        }
    }
}

/// One patch of an approved set: a package of an ecosystem, up to a target version.
/// Stored (in `approvals.packages`) as the JSON triple `[ecosystem, package, target]`;
/// the order of the fields is the order of sorting (as the triple sorted before).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "(String, String, String)", into = "(String, String, String)")]
pub struct ApprovedPatch {
    pub ecosystem: String,
    pub package: String,
    pub target: String,
}

impl From<(String, String, String)> for ApprovedPatch {
    fn from((ecosystem, package, target): (String, String, String)) -> Self {
        ApprovedPatch {
            ecosystem,
            package,
            target,
        }
    }
}

impl From<ApprovedPatch> for (String, String, String) {
    fn from(p: ApprovedPatch) -> Self {
        (p.ecosystem, p.package, p.target)
    }
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewApproval<'a> {
    pub cycle_id: i64,
    pub group: &'a str,
    pub decision: Decision,
    pub patches: &'a [ApprovedPatch],
    pub actor: &'a str,
    pub change_ref: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub emergency: bool,
    pub reason: Option<&'a str>,
    pub at: &'a str,
    pub expires: Option<&'a str>,
    /// Recorded by `approve --auto` (which adds to its own approvals only).
    pub auto: bool,
}

/// Records a decision (inside the caller's write transaction, with its audit entry).
pub fn record(conn: &Connection, a: &NewApproval<'_>) -> Result<()> {
    let group_id = inventory::group_id(conn, a.group)?;
    conn.execute(
        "INSERT INTO approvals (cycle_id, group_id, decision, packages, actor, change_ref, comment, emergency, reason, at, expires, auto) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            a.cycle_id,
            group_id,
            a.decision,
            serde_json::to_string(a.patches)?,
            a.actor,
            a.change_ref,
            a.comment,
            a.emergency,
            a.reason,
            a.at,
            a.expires,
            a.auto
        ],
    )?;
    Ok(())
}

/// Whether the group has any decision in the cycle.
pub fn decided(conn: &Connection, cycle_id: i64, group: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM approvals a JOIN groups g ON g.id = a.group_id WHERE a.cycle_id = ?1 AND g.name = ?2",
        )?
        .exists(params![cycle_id, group])?)
}

/// The group's latest decision in a cycle.
#[derive(Debug, Clone)]
pub struct Latest {
    pub decision: Decision,
    pub change_ref: Option<String>,
    pub emergency: bool,
    pub expires: Option<String>,
    /// Recorded by `approve --auto`.
    pub auto: bool,
    /// The stored JSON of the set; read by [`Latest::patches`] only where it is needed,
    /// so that the status of a cycle does not depend on it.
    packages: String,
}

impl Latest {
    /// The approved set.
    pub fn patches(&self) -> Result<Vec<ApprovedPatch>> {
        serde_json::from_str(&self.packages)
            .map_err(|e| anyhow::anyhow!("stored approval packages: {e}"))
    }
}

pub fn latest(conn: &Connection, cycle_id: i64, group: &str) -> Result<Option<Latest>> {
    Ok(conn
        .query_row(
            "SELECT a.decision, a.packages, a.change_ref, a.emergency, a.expires, a.auto FROM approvals a \
             JOIN groups g ON g.id = a.group_id WHERE a.cycle_id = ?1 AND g.name = ?2 \
             ORDER BY a.id DESC LIMIT 1",
            params![cycle_id, group],
            |r| {
                Ok(Latest {
                    decision: r.get(0)?,
                    packages: r.get(1)?,
                    change_ref: r.get(2)?,
                    emergency: r.get(3)?,
                    expires: r.get(4)?,
                    auto: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// A recorded decision, as the report lists it (its JSON is the report's `approvals[]`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Recorded {
    pub group: String,
    pub decision: Decision,
    pub actor: String,
    pub change_ref: Option<String>,
    pub comment: Option<String>,
    pub emergency: bool,
    pub reason: Option<String>,
    pub at: String,
    pub expires: Option<String>,
    /// How many patches the set holds (0 when the stored set cannot be read).
    #[serde(rename = "packages")]
    pub patches: usize,
}

/// Every decision of a cycle, in the order recorded.
pub fn of_cycle(conn: &Connection, cycle_id: i64) -> Result<Vec<Recorded>> {
    let mut stmt = conn.prepare(
        "SELECT g.name, a.decision, a.actor, a.change_ref, a.comment, a.emergency, a.reason, a.at, \
                a.expires, a.packages \
         FROM approvals a JOIN groups g ON g.id = a.group_id WHERE a.cycle_id = ?1 ORDER BY a.id",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        let packages: String = r.get(9)?;
        Ok(Recorded {
            group: r.get(0)?,
            decision: r.get(1)?,
            actor: r.get(2)?,
            change_ref: r.get(3)?,
            comment: r.get(4)?,
            emergency: r.get(5)?,
            reason: r.get(6)?,
            at: r.get(7)?,
            expires: r.get(8)?,
            patches: serde_json::from_str::<Vec<serde_json::Value>>(&packages)
                .map_or(0, |v| v.len()),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The change reference and emergency flag of the group's approval in force at `at`.
pub fn in_force_at(
    conn: &Connection,
    cycle_id: i64,
    group_id: i64,
    at: &str,
) -> Result<Option<(Option<String>, bool)>> {
    Ok(conn
        .query_row(
            "SELECT change_ref, emergency FROM approvals WHERE cycle_id = ?1 AND group_id = ?2 \
             AND decision = ?4 AND at <= ?3 ORDER BY id DESC LIMIT 1",
            params![cycle_id, group_id, at, Decision::Approve],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Four eyes (`require_distinct_approver`): why `actor` may not approve `group` in the
/// cycle, or None. The approver must be neither who started the cycle nor who ran a test
/// of it on a lower ring; a cycle whose starter is not recorded cannot show that, and
/// is refused too. The emergency lane is no way around it: it bypasses the ring gate,
/// not the second person.
pub fn same_actor(
    conn: &Connection,
    cycle_id: i64,
    group: &Group,
    actor: &str,
) -> Result<Option<String>> {
    if !group.policy.require_distinct_approver {
        return Ok(None);
    }
    let (cycle, creator): (String, Option<String>) = conn.query_row(
        "SELECT name, created_by FROM cycles WHERE id = ?1",
        [cycle_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare(
        "SELECT DISTINCT d.actor FROM deployments d JOIN groups g ON g.id = d.group_id \
         WHERE d.cycle_id = ?1 AND d.kind = ?2 AND g.ring < ?3 ORDER BY d.actor",
    )?;
    let testers: Vec<String> = stmt
        .query_map(params![cycle_id, Kind::Test, group.order], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let started = match &creator {
        Some(c) => format!("started by {c}"),
        None => "started by someone not recorded".into(),
    };
    let tested = if testers.is_empty() {
        "not tested on a lower ring".to_string()
    } else {
        format!("tested by {}", testers.join(", "))
    };
    let same = creator.as_deref().is_none_or(|c| c == actor) || testers.iter().any(|t| t == actor);
    Ok(same.then(|| {
        format!(
            "{actor} may not approve {}: cycle {cycle} was {started} and {tested} (require_distinct_approver)",
            group.name
        )
    }))
}

/// What the group's `notify` command is told about (`PATCHCYCLE_EVENT`, and
/// `PATCHCYCLE_DECISION`, which always said the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyEvent {
    Approve,
    Test,
    Deploy,
}

impl NotifyEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyEvent::Approve => "approve",
            NotifyEvent::Test => "test",
            NotifyEvent::Deploy => "deploy",
        }
    }
}

impl From<Kind> for NotifyEvent {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Test => NotifyEvent::Test,
            Kind::Deploy => NotifyEvent::Deploy,
        }
    }
}

/// Runs the group's `notify` command, if it has one. The data goes in environment
/// variables and a file (one `ecosystem package target` line per patch), never into the
/// command text. Returns why the command failed, for the caller to report and then
/// [`record_notify_failure`]: a failing command never stops the approval or deployment.
pub fn run_notify(
    group: &Group,
    cycle_name: &str,
    event: NotifyEvent,
    change: Option<&str>,
    patches: &[ApprovedPatch],
) -> Result<Option<String>> {
    let Some(command) = group.policy.notify.as_deref() else {
        return Ok(None);
    };
    let lines: Vec<String> = patches
        .iter()
        .map(|p| format!("{} {} {}", p.ecosystem, p.package, p.target))
        .collect();
    inventory::notify::run(
        command,
        &[
            ("PATCHCYCLE_CYCLE", cycle_name),
            ("PATCHCYCLE_GROUP", &group.name),
            ("PATCHCYCLE_WINDOW", group.window.as_deref().unwrap_or("")),
            ("PATCHCYCLE_CHANGE", change.unwrap_or("")),
            ("PATCHCYCLE_DECISION", event.as_str()),
            ("PATCHCYCLE_EVENT", event.as_str()),
        ],
        "PATCHCYCLE_PATCHES",
        &lines,
    )
}

/// Audits a failed `notify` command (`notify.failed`), in its own transaction.
pub fn record_notify_failure(
    conn: &mut Connection,
    cycle_name: &str,
    group: &str,
    why: &str,
    actor: &str,
) -> Result<()> {
    let tx = db::write_tx(conn)?;
    audit::append(
        &tx,
        &clock::now_stamp()?,
        actor,
        "notify.failed",
        &format!("{cycle_name}/{group}"),
        &json!({"error": why}),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored set keeps the JSON triples written before the type existed.
    #[test]
    fn an_approved_patch_is_stored_as_the_triple() {
        let set = vec![
            ApprovedPatch {
                ecosystem: "Debian:12".into(),
                package: "openssl".into(),
                target: "3.0.15-1~deb12u1".into(),
            },
            ApprovedPatch {
                ecosystem: "Alpine:v3.20".into(),
                package: "musl".into(),
                target: "1.2.5-r1".into(),
            },
        ];
        let text = serde_json::to_string(&set).unwrap();
        assert_eq!(
            text,
            r#"[["Debian:12","openssl","3.0.15-1~deb12u1"],["Alpine:v3.20","musl","1.2.5-r1"]]"#
        );
        let old: Vec<(String, String, String)> = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&old).unwrap(), text);
        let back: Vec<ApprovedPatch> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, set);
        assert!(serde_json::from_str::<Vec<ApprovedPatch>>(r#"[["a","b"]]"#).is_err());
    }

    /// Sorting the set sorts as the triples did: ecosystem, then package, then target.
    #[test]
    fn approved_patches_sort_as_their_triples() {
        let p = |e: &str, n: &str, t: &str| ApprovedPatch {
            ecosystem: e.into(),
            package: n.into(),
            target: t.into(),
        };
        let mut set = vec![p("b", "a", "1"), p("a", "z", "2"), p("a", "z", "1")];
        let mut triples: Vec<(String, String, String)> =
            set.iter().cloned().map(Into::into).collect();
        set.sort();
        triples.sort();
        let sorted: Vec<(String, String, String)> = set.into_iter().map(Into::into).collect();
        assert_eq!(sorted, triples);
    }

    /// A real database: what is recorded is what the planner, the status and the report
    /// read back, and the latest decision wins.
    #[test]
    fn decisions_are_recorded_and_read_back() {
        use crate::db::{Db, OpenMode};
        use crate::inventory::GroupSpec;
        use crate::inventory::policy::Policy;

        let dir = tempfile::tempdir().unwrap();
        let (mut db, _) = Db::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let now = "2026-12-07T00:00:00Z";
        for (name, order) in [("pilot", 1), ("prod", 2)] {
            let spec = GroupSpec {
                name: name.into(),
                order,
                stakeholder: None,
                admin: None,
                window: None,
                policy: Policy::default(),
            };
            crate::inventory::insert_group(&db.conn, &spec, now).unwrap();
        }
        db.conn
            .execute(
                "INSERT INTO cycles (name, cutoff, state, created_at) VALUES ('2026-12', '2026-12-07', 'open', ?1)",
                [now],
            )
            .unwrap();
        let cycle = db.conn.last_insert_rowid();
        assert!(!decided(&db.conn, cycle, "pilot").unwrap());
        assert!(latest(&db.conn, cycle, "pilot").unwrap().is_none());

        let set = vec![ApprovedPatch {
            ecosystem: "Debian:12".into(),
            package: "openssl".into(),
            target: "3.0.15-1~deb12u1".into(),
        }];
        let tx = db::write_tx(&mut db.conn).unwrap();
        record(
            &tx,
            &NewApproval {
                cycle_id: cycle,
                group: "pilot",
                decision: Decision::Approve,
                patches: &set,
                actor: "alice",
                change_ref: Some("CHG-1"),
                comment: None,
                emergency: true,
                reason: Some("exploited"),
                at: "2026-12-07T01:00:00Z",
                expires: None,
                auto: false,
            },
        )
        .unwrap();
        record(
            &tx,
            &NewApproval {
                cycle_id: cycle,
                group: "pilot",
                decision: Decision::Defer,
                patches: &[],
                actor: "bob",
                change_ref: None,
                comment: Some("wait"),
                emergency: false,
                reason: None,
                at: "2026-12-07T02:00:00Z",
                expires: Some("2026-12-31"),
                auto: false,
            },
        )
        .unwrap();
        tx.commit().unwrap();

        let stored: String = db
            .conn
            .query_row(
                "SELECT packages FROM approvals ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, r#"[["Debian:12","openssl","3.0.15-1~deb12u1"]]"#);
        assert!(decided(&db.conn, cycle, "pilot").unwrap());
        assert!(!decided(&db.conn, cycle, "prod").unwrap());

        let last = latest(&db.conn, cycle, "pilot").unwrap().unwrap();
        assert_eq!(last.decision, Decision::Defer);
        assert_eq!(last.expires.as_deref(), Some("2026-12-31"));
        assert_eq!(last.patches().unwrap(), Vec::<ApprovedPatch>::new());

        let all = of_cycle(&db.conn, cycle).unwrap();
        let summary: Vec<(&str, &str, usize, bool)> = all
            .iter()
            .map(|a| {
                (
                    a.group.as_str(),
                    a.decision.as_str(),
                    a.patches,
                    a.emergency,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![("pilot", "approve", 1, true), ("pilot", "defer", 0, false)]
        );

        // The approval in force is the latest `approve` up to that time; a later defer
        // does not withdraw it, and nothing was in force before it.
        let pilot = crate::inventory::group_id(&db.conn, "pilot").unwrap();
        assert_eq!(
            in_force_at(&db.conn, cycle, pilot, "2026-12-07T03:00:00Z").unwrap(),
            Some((Some("CHG-1".to_string()), true))
        );
        assert_eq!(
            in_force_at(&db.conn, cycle, pilot, "2026-12-07T00:30:00Z").unwrap(),
            None
        );
    }

    /// Schema 15 on a database of schema 14: the cycle's starter and the approvals
    /// `approve --auto` recorded are read from the audit log; a person's approval, and a
    /// cycle without a `cycle.start` entry, are left as they were.
    #[test]
    fn schema_15_fills_starter_and_auto_from_the_audit_log() {
        let conn = Connection::open_in_memory().unwrap();
        for (version, name, sql) in crate::db::MIGRATIONS.iter().filter(|m| m.0 < 15) {
            conn.execute_batch(sql)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            conn.pragma_update(None, "user_version", version).unwrap();
        }
        let at = "2026-11-10T09:00:00Z";
        conn.execute_batch(&format!(
            "INSERT INTO groups (id, name, ring, created_at, updated_at) VALUES (1, 'prod', 2, '{at}', '{at}');
             INSERT INTO cycles (id, name, cutoff, state, created_at) VALUES
                 (1, '2026-11', '2026-11-10', 'open', '{at}'),
                 (2, '2026-10', '2026-10-13', 'closed', '{at}');
             INSERT INTO audit (at, actor, action, object, details, prev_hash, hash) VALUES
                 ('{at}', 'alice', 'cycle.start', '2026-11', '{{}}', 'x', 'y'),
                 ('{at}', 'cron', 'approve.auto', '2026-11/prod', '{{}}', 'y', 'z');
             INSERT INTO approvals (cycle_id, group_id, decision, packages, actor, at) VALUES
                 (1, 1, 'approve', '[]', 'cron', '{at}'),
                 (1, 1, 'approve', '[]', 'bob', '{at}');"
        ))
        .unwrap();
        let (_, _, sql) = crate::db::MIGRATIONS
            .iter()
            .find(|m| m.0 == 15)
            .expect("migration 15");
        conn.execute_batch(sql).unwrap();
        let starters: Vec<Option<String>> = conn
            .prepare("SELECT created_by FROM cycles ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(starters, [Some("alice".to_string()), None]);
        let auto: Vec<(String, bool)> = conn
            .prepare("SELECT actor, auto FROM approvals ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            auto,
            [("cron".to_string(), true), ("bob".to_string(), false)]
        );
    }
}
