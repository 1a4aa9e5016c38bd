//! Exceptions as OpenVEX 0.2.0: `exception export --format openvex` and `exception
//! import FILE`, as the user sees them, and the round trip through a fresh database,
//! checked against the OpenVEX JSON schema (tests/data/openvex, with its provenance).

mod common;

use std::path::Path;

use common::cli::{Env, render};
use insta::assert_snapshot;

/// Runs at a given time (PATCHCYCLE_NOW) and asserts success.
fn at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        render(env, &out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The inventory both databases share: the products the exceptions are scoped to.
fn inventory(env: &Env) {
    env.ok(&["-q", "group", "add", "pilot", "--order", "0"]);
    env.ok(&["-q", "group", "add", "prod", "--order", "1"]);
    env.ok(&["-q", "host", "add", "web1", "-g", "prod"]);
    env.ok(&["-q", "host", "add", "db1", "-g", "prod"]);
}

/// One exception of each scope (fleet, group, host, host in group), with and without a
/// package and a justification, made at different times; one expired, one naming no
/// advisory.
fn exceptions(env: &Env) {
    let add = |now: &str, args: &[&str]| {
        let mut all = vec!["-q", "exception", "add"];
        all.extend_from_slice(args);
        at(env, now, &all);
    };
    add(
        "2026-10-01T08:00:00Z",
        &[
            "--advisory",
            "CVE-2023-4911",
            "--package",
            "libc6",
            "--host",
            "web1",
            "--reason",
            "no setuid binaries on this host",
            "--expires",
            "2027-03-31",
            "--vex-justification",
            "vulnerable_code_not_in_execute_path",
        ],
    );
    add(
        "2026-10-15T12:30:00Z",
        &[
            "--advisory",
            "CVE-2024-3094",
            "--group",
            "prod",
            "--reason",
            "vendor fix pending; sshd not exposed",
            "--expires",
            "2027-01-15",
        ],
    );
    add(
        "2026-11-01T09:00:00Z",
        &[
            "--advisory",
            "CVE-2024-6387",
            "--package",
            "openssh-server",
            "--host",
            "db1",
            "--group",
            "prod",
            "--reason",
            "LoginGraceTime 0 set",
            "--expires",
            "60d",
            "--vex-justification",
            "inline_mitigations_already_exist",
        ],
    );
    add(
        "2026-11-02T09:00:00Z",
        &[
            "--advisory",
            "DSA-5678-1",
            "--reason",
            "accepted fleet-wide until the next cycle",
            "--expires",
            "2026-12-31",
        ],
    );
    // Expired by NOW (2026-11-10): not exported.
    add(
        "2026-11-01T09:00:00Z",
        &[
            "--advisory",
            "CVE-2023-0001",
            "--reason",
            "expired",
            "--expires",
            "2026-11-05",
        ],
    );
    // No advisory: refused by name, or skipped on request.
    add(
        "2026-11-03T09:00:00Z",
        &[
            "--package",
            "zlib1g",
            "--group",
            "pilot",
            "--reason",
            "pilot only",
            "--expires",
            "30d",
        ],
    );
}

fn schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/openvex/openvex_json_schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn export_validates_and_round_trips_through_a_fresh_database() {
    let env = Env::init();
    inventory(&env);
    exceptions(&env);
    assert_snapshot!("vex_list", env.snap(&["exception", "list"]));
    assert_snapshot!(
        "vex_export_without_advisory",
        env.snap(&["exception", "export", "--format", "openvex"])
    );
    let out = env.home().join("vex.json");
    let exported = env.snap(&[
        "exception",
        "export",
        "--format",
        "openvex",
        "--skip-without-advisory",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_snapshot!("vex_export_skip", exported);
    let first = std::fs::read_to_string(&out).unwrap();
    assert_snapshot!("vex_document", first);
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let errors = schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");

    // A fresh database with the same inventory reads it back into the same exceptions.
    let fresh = Env::init();
    inventory(&fresh);
    let copy = fresh.home().join("in.json");
    std::fs::copy(&out, &copy).unwrap();
    assert_snapshot!(
        "vex_import",
        fresh.snap(&["exception", "import", "in.json"])
    );
    let again = fresh.ok(&["exception", "export", "--format", "openvex"]);
    assert_eq!(
        again, first,
        "export → import → export changed the document"
    );
    // Importing it again adds nothing.
    assert_snapshot!(
        "vex_import_again",
        fresh.snap(&["exception", "import", "in.json"])
    );
    assert_snapshot!(
        "vex_audit",
        fresh.snap(&["audit", "list", "--action", "exception"])
    );
}

/// A change made to a document.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

/// A document as another tool writes it, then changed by `edit`, written to `name`.
fn edited(env: &Env, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc = serde_json::json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        "author": "Example Security <security@example.com>",
        "timestamp": "2026-11-01T00:00:00Z",
        "version": 1,
        "statements": [
            {
                "vulnerability": {"name": "CVE-2023-4911"},
                "products": [
                    {"@id": "urn:patchcycle:host:web1",
                     "subcomponents": [{"@id": "pkg:deb/debian/libc6"},
                                       {"identifiers": {"purl": "pkg:generic/libc-bin"}}]},
                    {"@id": "urn:patchcycle:group:pilot"}
                ],
                "status": "not_affected",
                "justification": "vulnerable_code_not_present",
                "status_notes": "checked by hand; patchcycle: expires 2027-01-01T00:00:00Z"
            }
        ]
    });
    edit(&mut doc);
    env.file(name, &doc.to_string());
    name.to_string()
}

#[test]
fn import_reads_foreign_documents_and_refuses_what_it_cannot_hold() {
    let env = Env::init();
    inventory(&env);
    // A document of another tool: products x subcomponents, a purl of any type, the
    // justification as the reason (no impact_statement), the statement's time the
    // document's.
    let ok = edited(&env, "ok.json", |_| {});
    assert_snapshot!(
        "vex_import_foreign",
        env.snap(&["exception", "import", &ok])
    );
    assert_snapshot!("vex_import_foreign_list", env.snap(&["exception", "list"]));

    let cases: Vec<(&str, Edit)> = vec![
        (
            "context",
            Box::new(|d| d["@context"] = "https://openvex.dev/ns/v0.0.1".into()),
        ),
        (
            "no_author",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("author");
            }),
        ),
        (
            "empty",
            Box::new(|d| d["statements"] = serde_json::json!([])),
        ),
        (
            "fixed",
            Box::new(|d| d["statements"][0]["status"] = "fixed".into()),
        ),
        (
            "unknown_status",
            Box::new(|d| d["statements"][0]["status"] = "exploitable\u{1b}[2J".into()),
        ),
        (
            "justification",
            Box::new(|d| d["statements"][0]["justification"] = "trust_me".into()),
        ),
        (
            "affected_no_action",
            Box::new(|d| {
                d["statements"][0]["status"] = "affected".into();
                d["statements"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("justification");
            }),
        ),
        (
            "unknown_product",
            Box::new(|d| d["statements"][0]["products"][1]["@id"] = "pkg:oci/nginx".into()),
        ),
        (
            "missing_host",
            Box::new(|d| {
                d["statements"][0]["products"][0]["@id"] = "urn:patchcycle:host:web9".into()
            }),
        ),
        (
            "versioned_purl",
            Box::new(|d| {
                d["statements"][0]["products"][0]["subcomponents"][0]["@id"] =
                    "pkg:deb/debian/libc6@2.36-9".into()
            }),
        ),
        (
            "no_products",
            Box::new(|d| {
                d["statements"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("products");
            }),
        ),
        (
            "no_expiry",
            Box::new(|d| d["statements"][0]["status_notes"] = "checked by hand".into()),
        ),
        (
            "expired",
            Box::new(|d| {
                d["statements"][0]["status_notes"] =
                    "patchcycle: expires 2026-11-01T00:00:00Z".into()
            }),
        ),
        (
            "too_far",
            Box::new(|d| {
                d["statements"][0]["status_notes"] =
                    "patchcycle: expires 2028-01-01T00:00:00Z".into()
            }),
        ),
        (
            "future",
            Box::new(|d| d["statements"][0]["timestamp"] = "2027-01-01T00:00:00Z".into()),
        ),
        (
            "bad_id",
            Box::new(|d| d["statements"][0]["vulnerability"]["name"] = "CVE-1; rm -rf /".into()),
        ),
        (
            "multiline",
            Box::new(|d| d["statements"][0]["impact_statement"] = "line one\nline two".into()),
        ),
    ];
    for (name, edit) in cases {
        let file = edited(&env, &format!("{name}.json"), edit);
        assert_snapshot!(
            format!("vex_refused_{name}"),
            env.snap(&["exception", "import", &file])
        );
    }
    // Not JSON, too deep, too large.
    env.file("text.json", "statements: none");
    assert_snapshot!(
        "vex_refused_text",
        env.snap(&["exception", "import", "text.json"])
    );
    env.file("deep.json", &"[".repeat(100_000));
    assert_snapshot!(
        "vex_refused_deep",
        env.snap(&["exception", "import", "deep.json"])
    );
    let big = env.home().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 * 1024 * 1024 + 1).unwrap();
    assert_snapshot!(
        "vex_refused_big",
        env.snap(&["exception", "import", "big.json"])
    );
    // A statement without an expiry takes --expires.
    let no_expiry = edited(&env, "no_expiry_ok.json", |d| {
        d["statements"][0]["status_notes"] = "checked by hand".into();
        d["statements"][0]["products"] = serde_json::json!([{"@id": "urn:patchcycle:fleet"}]);
    });
    assert_snapshot!(
        "vex_import_expires_flag",
        env.snap(&["exception", "import", &no_expiry, "--expires", "30d"])
    );
    // Nothing of a refused document was written: only the two imports above.
    assert_snapshot!("vex_refused_list", env.snap(&["exception", "list"]));
}

#[test]
fn openvex_is_a_format_of_exception_export_only() {
    let env = Env::init();
    assert_snapshot!(
        "vex_export_json",
        env.snap(&["exception", "export", "--format", "json"])
    );
    assert_snapshot!("vex_export_default", env.snap(&["exception", "export"]));
    assert_snapshot!(
        "vex_report_openvex",
        env.snap(&["report", "--format", "openvex"])
    );
    assert_snapshot!(
        "vex_list_openvex",
        env.snap(&["exception", "list", "--format", "openvex"])
    );
    assert_snapshot!(
        "vex_export_nothing",
        env.snap(&["exception", "export", "--format", "openvex"])
    );
}
