//! The audit chain detects rows changed behind patchcycle's back.

mod common;

use common::cli::Env;

fn populated() -> Env {
    let env = Env::init();
    env.ok(&["group", "add", "pilot", "--order", "0"]);
    for h in ["a", "b", "c"] {
        env.ok(&["host", "add", h, "-g", "pilot"]);
    }
    env
}

fn verify(env: &Env) -> (Option<i32>, String, String) {
    let out = env.run(&["audit", "verify"]);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn intact_chain_verifies() {
    let env = populated();
    let (code, stdout, stderr) = verify(&env);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with("audit chain intact: 5 row(s), last hash "),
        "{stdout}"
    );
    assert_eq!(stderr, "");
}

#[test]
fn sql_cannot_edit_the_log() {
    let env = populated();
    let err = env
        .sqlite()
        .execute("UPDATE audit SET actor = 'mallory' WHERE seq = 3", [])
        .unwrap_err();
    assert!(
        err.to_string().contains("audit log is append-only"),
        "{err}"
    );
    let err = env
        .sqlite()
        .execute("DELETE FROM audit WHERE seq = 3", [])
        .unwrap_err();
    assert!(
        err.to_string().contains("audit log is append-only"),
        "{err}"
    );
}

#[test]
fn edited_row_is_named() {
    let env = populated();
    // A tamperer with write access to the file drops the guard and edits a row.
    let db = env.sqlite();
    db.execute_batch(
        "DROP TRIGGER audit_no_update; \
         UPDATE audit SET actor = 'mallory' WHERE seq = 3;",
    )
    .unwrap();
    drop(db);
    let (code, stdout, stderr) = verify(&env);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "warning: the audit log's append-only triggers were tampered with (audit_no_update was missing); restored them: check the log with `patchcycle audit verify --anchor`\n\
         error: audit chain broken at row 3: stored hash does not match the row's contents (row edited?)\n\
         hint: the database was changed outside patchcycle; compare with a backup and investigate\n"
    );
}

#[test]
fn edited_row_with_recomputed_hash_breaks_the_next_link() {
    let env = populated();
    let db = env.sqlite();
    let (prev, at, action, object, details): (String, String, String, String, String) = db
        .query_row(
            "SELECT prev_hash, at, action, object, details FROM audit WHERE seq = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let forged = patchcycle::audit::row_hash(&prev, 2, &at, "mallory", &action, &object, &details);
    db.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
    db.execute(
        "UPDATE audit SET actor = 'mallory', hash = ?1 WHERE seq = 2",
        [&forged],
    )
    .unwrap();
    drop(db);
    let (code, _, stderr) = verify(&env);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("\nerror: audit chain broken at row 3: prev_hash does not match"),
        "{stderr}"
    );
}

#[test]
fn deleted_row_is_found() {
    let env = populated();
    let db = env.sqlite();
    db.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    drop(db);
    let (code, _, stderr) = verify(&env);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("\nerror: audit chain broken at row 3: expected row 2 next, found row 3"),
        "{stderr}"
    );
}

#[test]
fn verify_json_reports_the_bad_row() {
    let env = populated();
    let db = env.sqlite();
    db.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET details = '{}' WHERE seq = 4;",
    )
    .unwrap();
    drop(db);
    let out = env.run(&["audit", "verify", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad_seq"], 4);
}

/// What an attacker with write access to the file does: drops the guards, edits row
/// `seq` with `edit` (SQL SET clause), and recomputes the hash of that row and every later
/// one, so the chain agrees with itself again.
fn rewrite_and_rehash(env: &Env, seq: i64, edit: &str) {
    let db = env.sqlite();
    db.execute_batch(&format!(
        "DROP TRIGGER audit_no_update; UPDATE audit SET {edit} WHERE seq = {seq};"
    ))
    .unwrap();
    let rows: Vec<(i64, String, String, String, String, String)> = db
        .prepare("SELECT seq, at, actor, action, object, details FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = patchcycle::audit::GENESIS.to_string();
    for (s, at, actor, action, object, details) in rows {
        let hash = patchcycle::audit::row_hash(&prev, s, &at, &actor, &action, &object, &details);
        db.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, s],
        )
        .unwrap();
        prev = hash;
    }
}

fn key_path(env: &Env) -> std::path::PathBuf {
    env.home()
        .join(".local/share/patchcycle/patchcycle.db.audit-key")
}

#[test]
fn anchor_catches_a_chain_rewritten_with_recomputed_hashes() {
    let env = populated();
    insta::assert_snapshot!("audit_anchor_first", env.snap(&["audit", "anchor"]));
    let mode = std::fs::metadata(key_path(&env)).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    rewrite_and_rehash(&env, 2, "actor = 'mallory'");
    // The chain agrees with itself: the plain check cannot see the rewrite (the documented
    // limit), though opening notices the dropped guard and puts it back.
    insta::assert_snapshot!(
        "audit_verify_rewritten_plain",
        env.snap(&["audit", "verify"])
    );
    insta::assert_snapshot!(
        "audit_verify_rewritten_anchor",
        env.snap(&["audit", "verify", "--anchor"])
    );
    // A routine doctor run notices it too.
    let out = env.run(&["doctor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let anchors = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "anchors")
        .unwrap();
    assert_eq!(anchors["status"], "FAIL");
    assert_eq!(
        anchors["detail"],
        "row 5 does not have the hash anchored at 2026-11-10T09:00:00Z; the chain was rewritten (the first changed row is one of rows 1–5)"
    );
    // Nor is the rewritten chain anchored on top of the anchors it no longer holds.
    let anchors = env
        .home()
        .join(".local/share/patchcycle/patchcycle.db.audit-anchors");
    let before = std::fs::read_to_string(&anchors).unwrap();
    insta::assert_snapshot!(
        "audit_anchor_over_rewritten",
        env.snap(&["audit", "anchor"])
    );
    assert_eq!(std::fs::read_to_string(&anchors).unwrap(), before);
}

#[test]
fn a_chain_that_only_grew_matches_its_anchors_and_the_newest_narrows_a_rewrite() {
    let env = populated();
    env.ok(&["audit", "anchor"]);
    env.ok(&["host", "add", "d", "-g", "pilot"]);
    insta::assert_snapshot!(
        "audit_verify_grown",
        env.snap(&["audit", "verify", "--anchor"])
    );
    let out = env.run(&["doctor", "--format", "json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let anchors = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "anchors")
        .unwrap();
    assert_eq!(anchors["status"], "ok");
    assert_eq!(
        anchors["detail"],
        format!(
            "the chain holds the 1 anchor(s) of {}/.local/share/patchcycle/patchcycle.db.audit-anchors, the newest at row 5",
            env.home().display()
        )
    );
    env.ok(&["audit", "anchor"]);
    env.ok(&["host", "add", "e", "-g", "pilot"]);
    // Row 6 (host d) is rewritten after two anchors (rows 5 and 6): row 5 still matches,
    // so the change is pinned to row 6.
    rewrite_and_rehash(&env, 6, "object = 'x'");
    let out = env.run(&["audit", "verify", "--anchor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["anchor"]["anchors"], 2);
    assert_eq!(v["anchor"]["matched_up_to"], 5);
    assert_eq!(v["anchor"]["mismatch_at"], 6);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: audit chain does not match its anchor: row 6 does not have the hash anchored at 2026-11-10T09:00:00Z; the chain was rewritten (row 6 is the first changed row)"),
        "{stderr}"
    );
}

#[test]
fn a_truncated_log_is_caught() {
    let env = populated();
    env.ok(&["audit", "anchor"]);
    env.sqlite()
        .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 5;")
        .unwrap();
    let out = env.run(&["audit", "verify", "--anchor"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: audit chain does not match its anchor: row 5 anchored at 2026-11-10T09:00:00Z is missing: the log holds 4 row(s), rows were removed"),
        "{stderr}"
    );
}

#[test]
fn anchors_need_their_own_key() {
    let env = populated();
    env.ok(&["audit", "anchor"]);
    // A key file others may read is refused, whatever it holds.
    let key = key_path(&env);
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    insta::assert_snapshot!(
        "audit_key_too_open",
        env.snap(&["audit", "verify", "--anchor"])
    );
    // Another well-formed key (a forger's): the anchor's MAC does not match.
    let other = env.home().join("other.key");
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&other)
            .unwrap();
        std::io::Write::write_all(&mut f, format!("{}\n", "5a".repeat(32)).as_bytes()).unwrap();
    }
    insta::assert_snapshot!(
        "audit_anchor_wrong_key",
        env.snap(&[
            "audit",
            "verify",
            "--anchor",
            "--key",
            other.to_str().unwrap()
        ])
    );
    // Nor may an anchor made with another key be appended to the file.
    let out = env.run(&["audit", "anchor", "--key", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_printed_head_checks_the_chain_too() {
    let env = populated();
    let out = env.run(&["audit", "anchor", "--print"]);
    assert_eq!(out.status.code(), Some(0));
    let head = String::from_utf8(out.stdout).unwrap();
    let head = head.trim_end();
    assert!(head.starts_with("5:") && head.len() == 66, "{head}");
    assert!(!key_path(&env).exists(), "--print needs no key");
    env.ok(&["host", "add", "d", "-g", "pilot"]);
    env.ok(&["audit", "verify", "--head", head]);
    rewrite_and_rehash(&env, 1, "actor = 'mallory'");
    insta::assert_snapshot!(
        "audit_verify_head_rewritten",
        env.snap(&["audit", "verify", "--head", head])
    );
    insta::assert_snapshot!(
        "audit_verify_head_bad",
        env.snap(&["audit", "verify", "--head", "5:nothex"])
    );
}

#[test]
fn a_broken_chain_is_not_anchored() {
    let env = populated();
    env.sqlite()
        .execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'x' WHERE seq = 4;")
        .unwrap();
    let out = env.run(&["audit", "anchor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!key_path(&env).exists());
}

fn triggers(env: &Env) -> Vec<String> {
    env.sqlite()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn doctor_triggers(env: &Env) -> serde_json::Value {
    let out = env.run(&["doctor", "--format", "json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "audit log")
        .cloned()
        .unwrap()
}

#[test]
fn doctor_reports_tampered_triggers_and_opening_restores_them() {
    let env = populated();
    assert_eq!(
        doctor_triggers(&env)["detail"],
        "append-only triggers audit_no_update, audit_no_delete in place"
    );
    // Dropped, neutered, and a foreign one that would silently swallow new rows.
    env.sqlite()
        .execute_batch(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; \
             CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT 1; END; \
             CREATE TRIGGER swallow BEFORE INSERT ON audit BEGIN SELECT RAISE(IGNORE); END;",
        )
        .unwrap();
    let check = doctor_triggers(&env);
    assert_eq!(check["status"], "FAIL");
    assert_eq!(
        check["detail"],
        "append-only triggers tampered with: audit_no_update was missing, audit_no_delete was altered, swallow is not patchcycle's; restored now"
    );
    assert_eq!(triggers(&env), ["audit_no_delete", "audit_no_update"]);
    assert_eq!(doctor_triggers(&env)["status"], "ok");
    sql_cannot_edit_the_log_of(&env);

    // Any command's open restores them, and says so once.
    env.sqlite()
        .execute_batch("DROP TRIGGER audit_no_update;")
        .unwrap();
    insta::assert_snapshot!(
        "audit_triggers_restored",
        env.snap(&["host", "list", "--format", "csv"])
    );
    let out = env.run(&["host", "list", "--format", "csv"]);
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(doctor_triggers(&env)["status"], "ok");
    sql_cannot_edit_the_log_of(&env);
}

fn sql_cannot_edit_the_log_of(env: &Env) {
    let db = env.sqlite();
    for sql in [
        "UPDATE audit SET actor = 'mallory' WHERE seq = 3",
        "DELETE FROM audit WHERE seq = 3",
    ] {
        let err = db.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("audit log is append-only"),
            "{err}"
        );
    }
}
