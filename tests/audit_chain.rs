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
        "error: audit chain broken at row 3: stored hash does not match the row's contents (row edited?)\n\
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
        stderr.starts_with("error: audit chain broken at row 3: prev_hash does not match"),
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
        stderr.starts_with("error: audit chain broken at row 3: expected row 2 next, found row 3"),
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
