//! `report` and `audit export` end to end, from a database built through the CLI out of
//! real data: the OSV Debian and CISA KEV feeds of tests/data/shared (`sync --from` a copy)
//! and saved collector output of the lab's Debian 12 roots (tests/data/collect), scanned
//! at different times so first-seen, fixes and MTTR come from real scan history.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::cli::{Env, collect, render};
use insta::assert_snapshot;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

fn at(env: &Env, now: &str, args: &[&str]) {
    let out = env.cmd(args).env("PATCHCYCLE_NOW", now).output().unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(4),
        "{args:?} at {now}:\n{}",
        render(env, &out)
    );
}

/// Deployment rows written by SQL, standing in for `test`/`deploy` until those commands
/// land (they fill the same tables): a done pilot test, and a prod deploy run outside its
/// window (`--now --reason`) with one failed host.
fn deployment_rows_by_sql(env: &Env) {
    let db = env.sqlite();
    db.execute_batch(
        "INSERT INTO deployments (id, cycle_id, group_id, kind, state, actor, plan, override, started, finished) \
         SELECT 1, c.id, g.id, 'test', 'done', 'tester', '{}', NULL, '2026-11-09T12:30:00Z', '2026-11-09T13:00:00Z' \
         FROM cycles c, groups g WHERE c.name = '2026-11' AND g.name = 'pilot';
         INSERT INTO deployment_hosts (deployment_id, host_id, wave, step, state, targets) \
         SELECT 1, h.id, 0, 'after', 'done', '[]' FROM hosts h WHERE h.name = 'p1';
         INSERT INTO deployments (id, cycle_id, group_id, kind, state, actor, plan, override, started, finished, error) \
         SELECT 2, c.id, g.id, 'deploy', 'halted', 'tester', '{}', 'glibc KEV, CAB by phone', '2026-11-10T08:00:00Z', '2026-11-10T08:20:00Z', 'failure threshold reached' \
         FROM cycles c, groups g WHERE c.name = '2026-11' AND g.name = 'prod';
         INSERT INTO deployment_hosts (deployment_id, host_id, wave, step, state, targets, error) \
         SELECT 2, h.id, 0, CASE h.name WHEN 'w1' THEN 'after' ELSE 'install' END, \
                CASE h.name WHEN 'w1' THEN 'done' ELSE 'failed' END, '[]', \
                CASE h.name WHEN 'w1' THEN NULL ELSE 'apt-get exited 100' END \
         FROM hosts h WHERE h.name IN ('w1', 'w2');",
    )
    .unwrap();
}

/// Builds the fixture database once per test process (in cargo's per-crate temp dir) and
/// returns its path.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let env = Env::init();
        // A copy of the real feeds: sync reads the --from layout.
        let mirror = env.home().join("mirror");
        for rel in [
            "osv-mirror/Debian/all.zip",
            "kev/known_exploited_vulnerabilities.json",
        ] {
            let dest = mirror.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(data().join(rel), &dest).unwrap();
        }
        let m = mirror.to_str().unwrap();
        at(
            &env,
            "2026-09-20T08:00:00Z",
            &["-q", "sync", "--from", m, "osv:Debian", "kev"],
        );
        // Rings: pilot (0), prod (1, a stricter SLA for high), dmz (2).
        at(
            &env,
            "2026-09-20T08:00:00Z",
            &["-q", "group", "add", "pilot", "--order", "0"],
        );
        at(
            &env,
            "2026-09-20T08:00:00Z",
            &[
                "-q",
                "group",
                "add",
                "prod",
                "--order",
                "1",
                "--set",
                "sla_days.high=10",
            ],
        );
        at(
            &env,
            "2026-09-20T08:00:00Z",
            &["-q", "group", "add", "dmz", "--order", "2"],
        );
        for (h, g) in [
            ("p1", "pilot"),
            ("w1", "prod"),
            ("w2", "prod"),
            ("new1", "prod"),
            ("d1", "dmz"),
            ("u1", "dmz"),
        ] {
            at(
                &env,
                "2026-09-20T08:00:00Z",
                &["-q", "host", "add", h, "-g", g],
            );
        }
        let scan = |when: &str, host: &str, file: &str| {
            at(
                &env,
                when,
                &["-q", "scan", "--import", &collect(file), "--host", host],
            );
        };
        scan("2026-09-20T09:00:00Z", "p1", "bookworm-base.out");
        scan("2026-09-20T09:00:00Z", "w1", "bookworm-base.out");
        scan("2026-09-20T09:00:00Z", "d1", "bookworm-old-glibc.out");
        // The catalogue is brought up to date before each cycle starts (the feeds did
        // not change: "not modified" still counts as current).
        let resync = |when: &str| {
            at(
                &env,
                when,
                &["-q", "sync", "--from", m, "osv:Debian", "kev"],
            )
        };
        resync("2026-10-13T07:00:00Z");
        // September's scans are old by then: the cycle is frozen from them knowingly.
        at(
            &env,
            "2026-10-13T08:00:00Z",
            &["-q", "cycle", "start", "2026-10", "--allow-stale"],
        );
        // w1 patched half its updates during October's cycle.
        scan("2026-10-20T09:00:00Z", "w1", "bookworm-patched.out");
        at(
            &env,
            "2026-10-31T17:00:00Z",
            &["-q", "cycle", "close", "2026-10"],
        );
        scan("2026-11-01T09:00:00Z", "w2", "bookworm-oldpkg.out");
        scan("2026-11-01T09:00:00Z", "u1", "bookworm-base.out");
        scan("2026-11-08T09:00:00Z", "w1", "bookworm-patched.out");
        resync("2026-11-09T07:00:00Z");
        at(
            &env,
            "2026-11-09T08:00:00Z",
            &["-q", "cycle", "start", "--allow-stale"],
        );
        // The pilot patched in November's cycle; u1's last attempt came back truncated.
        scan("2026-11-09T14:00:00Z", "p1", "bookworm-patched.out");
        let full = std::fs::read_to_string(collect("bookworm-base.out")).unwrap();
        let truncated = env.file("u1-truncated.out", &full[..full.find(" dpkg\n").unwrap()]);
        at(
            &env,
            "2026-11-09T15:00:00Z",
            &[
                "-q",
                "scan",
                "--import",
                truncated.to_str().unwrap(),
                "--host",
                "u1",
            ],
        );
        at(
            &env,
            "2026-11-09T12:00:00Z",
            &[
                "-q",
                "--yes",
                "approve",
                "--group",
                "pilot",
                "--change",
                "CHG-100",
                "--allow-stale",
            ],
        );
        {
            let db = env.sqlite();
            patchcycle::cycle::state::record_ring_result(
                &db,
                "2026-11",
                "pilot",
                "test",
                true,
                1,
                1,
                "2026-11-09T12:30:00Z",
                "2026-11-09T13:00:00Z",
            )
            .unwrap();
        }
        at(
            &env,
            "2026-11-09T16:00:00Z",
            &[
                "-q",
                "--yes",
                "approve",
                "--group",
                "prod",
                "--change",
                "CHG-101",
                "--emergency",
                "--reason",
                "glibc KEV on the DMZ; CAB by phone",
                "--allow-stale",
            ],
        );
        deployment_rows_by_sql(&env);
        // Exceptions: one expiring in 5 days (listed), one in 60 (not listed).
        at(
            &env,
            "2026-11-01T10:00:00Z",
            &[
                "-q",
                "exception",
                "add",
                "--package",
                "unzip",
                "--host",
                "w2",
                "--reason",
                "vendor tool needs this unzip; replaced in December",
                "--expires",
                "2026-11-15",
            ],
        );
        at(
            &env,
            "2026-11-01T10:00:00Z",
            &[
                "-q",
                "exception",
                "add",
                "--package",
                "tzdata",
                "--reason",
                "time zone data, not a security risk here",
                "--expires",
                "2027-01-09",
            ],
        );
        env.save_template("report-fixture")
    })
}

/// A fresh environment holding a copy of the fixture database.
fn fixture() -> Env {
    Env::from_template(template())
}

fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.run(args);
    assert_eq!(out.status.code(), Some(0), "{}", render(env, &out));
    String::from_utf8(out.stdout).unwrap()
}

/// A JSON schema from a file. The SARIF rtm.5 schema writes one pattern with a lone `]`,
/// a literal in ECMA-262 regular expressions but an error for Rust's regex engine: it is
/// escaped here, which keeps its meaning.
fn load_schema(schema_path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(schema_path).unwrap().replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    serde_json::from_str(&text).unwrap()
}

fn schema_check(schema_path: &Path, doc: &serde_json::Value) {
    let schema = load_schema(schema_path);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", schema_path.display());
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn every_format_is_golden() {
    let env = fixture();
    for f in [
        "table",
        "json",
        "csv",
        "junit",
        "markdown",
        "html",
        "prometheus",
    ] {
        assert_snapshot!(format!("format_{f}"), env.snap(&["report", "--format", f]));
    }
    // SARIF is written on one line (tools read it, and at fleet scale indentation was
    // 42 % of the file): byte-exact against its own compact form, shown indented.
    let out = env.run(&["report", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(out.stderr.is_empty(), "{}", render(&env, &out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches('\n').count(), 1, "one line");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&doc).unwrap() + "\n", text);
    assert_snapshot!("format_sarif", serde_json::to_string_pretty(&doc).unwrap());
    // A closed cycle by name: its own approvals (none) and the same fleet state.
    assert_snapshot!(
        "closed_cycle_markdown",
        stdout(
            &env,
            &["report", "--cycle", "2026-10", "--format", "markdown"]
        )
    );
    assert_snapshot!("unknown_cycle", env.snap(&["report", "--cycle", "1999-01"]));
}

#[test]
fn the_model_says_what_the_data_says() {
    let env = fixture();
    let r: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "json"])).unwrap();
    schema_check(&repo("docs/schemas/report-v2.schema.json"), &r);
    let hosts = r["hosts"].as_array().unwrap();
    let host = |n: &str| hosts.iter().find(|h| h["name"] == n).unwrap().clone();
    // d1: glibc 2.36-9+deb12u1 is below the CVE-2023-4911 fix; CISA's due date passed.
    let glibc = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["host"] == "d1" && f["package"] == "libc6")
        .expect("libc6 finding on d1")
        .clone();
    assert_eq!(glibc["kev"], true);
    assert!(
        glibc["cves"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CVE-2023-4911")
    );
    assert_eq!(glibc["kev_due"], "2023-12-12");
    assert_eq!(glibc["due"], "2023-12-13T00:00:00Z");
    assert_eq!(glibc["sla_breached"], true);
    assert_eq!(glibc["first_seen"], "2026-09-20T09:00:00Z");
    assert_eq!(host("d1")["compliant"], false);
    // d1 runs 6.1.0-13 with 6.1.0-41 installed; w2-like hosts captured no kernel at all.
    let reboots = r["reboots"].as_array().unwrap();
    let d1 = reboots.iter().find(|b| b["host"] == "d1").unwrap();
    assert_eq!(d1["kernel_running"], "6.1.0-13-amd64");
    assert_eq!(d1["kernel_latest"], "6.1.0-41-amd64");
    assert_eq!(d1["kernel_update"], true);
    // p1 and w1 run the "patched" root, which carries /var/run/reboot-required.
    for h in ["p1", "w1"] {
        let b = reboots.iter().find(|b| b["host"] == h).unwrap();
        assert_eq!(b["reboot_required"], true, "{h}");
    }
    // First seen survives rescans: w1's remaining findings date from September, and
    // with prod's 10-day SLA for high they are breached.
    let w1: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["host"] == "w1")
        .collect();
    assert!(!w1.is_empty());
    for f in &w1 {
        assert_eq!(f["first_seen"], "2026-09-20T09:00:00Z", "{f}");
        if f["severity"] == "high" {
            assert_eq!(f["sla_days"], 10);
            assert_eq!(f["sla_breached"], true);
        }
    }
    // MTTR: w1's fixes seen on 2026-10-20 (30 days open) in cycle 2026-10; p1's on
    // 2026-11-09T14:00 (50.2 days) in cycle 2026-11.
    let mttr = r["mttr"].as_array().unwrap();
    let oct = mttr.iter().find(|m| m["cycle"] == "2026-10").unwrap();
    assert_eq!(oct["mean_days"], 30.0);
    let nov = mttr.iter().find(|m| m["cycle"] == "2026-11").unwrap();
    assert_eq!(nov["mean_days"], 50.2);
    assert_eq!(r["summary"]["mttr_days"], 50.2);
    assert_eq!(oct["fixed"], nov["fixed"], "the same half of the updates");
    // Stale and unreachable: d1 (last good scan 51 days ago), new1 never, u1 failed.
    let stale = r["stale_hosts"].as_array().unwrap();
    let state = |h: &str| {
        stale
            .iter()
            .find(|s| s["host"] == h)
            .map(|s| s["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state("d1").as_deref(), Some("stale"));
    assert_eq!(state("new1").as_deref(), Some("never-scanned"));
    assert_eq!(state("u1").as_deref(), Some("unreachable"));
    assert_eq!(state("p1"), None);
    // Exceptions: unzip on w2 expires in 5 days and hides that finding.
    let ex = r["exceptions_expiring"].as_array().unwrap();
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0]["package"], "unzip");
    assert_eq!(ex[0]["days_left"], 5);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["package"] == "unzip" || f["package"] == "tzdata")
            .all(|f| f["excepted"] == true)
    );
    // Approvals and deployments of the cycle, with change references and emergencies.
    let ap = r["approvals"].as_array().unwrap();
    assert_eq!(ap.len(), 2);
    assert_eq!(ap[1]["change_ref"], "CHG-101");
    assert_eq!(ap[1]["emergency"], true);
    let dep = r["deployments"].as_array().unwrap();
    assert_eq!(dep[0]["change_ref"], "CHG-100");
    assert_eq!(dep[0]["emergency"], false);
    assert_eq!(dep[1]["change_ref"], "CHG-101");
    assert_eq!(dep[1]["emergency"], true);
    assert_eq!(dep[1]["hosts_failed"], 1);
    // Compliance: nobody scanned is compliant, every host counts.
    let s = &r["summary"];
    assert_eq!(s["hosts"], 6);
    let compliant = hosts.iter().filter(|h| h["compliant"] == true).count();
    assert_eq!(s["compliant"], compliant);
    // A lower threshold can only lower compliance, a higher one only raise it.
    let crit: serde_json::Value = serde_json::from_str(&stdout(
        &env,
        &["report", "--format", "json", "--threshold", "critical"],
    ))
    .unwrap();
    assert!(crit["summary"]["compliant"].as_u64() >= s["compliant"].as_u64());
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let env = fixture();
    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "sarif"])).unwrap();
    schema_check(&repo("tests/data/sarif-2.1.0-rtm.5.json"), &sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "json"])).unwrap();
    let findings = json["findings"].as_array().unwrap().len();
    let vulnerable = results
        .iter()
        .filter(|r| r["ruleId"] == "vulnerable-package")
        .count();
    assert_eq!(vulnerable, findings);
    let suppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(
        suppressed,
        json["summary"]["excepted_findings"].as_u64().unwrap() as usize
    );
    // A broken document really fails the schema (the check is not vacuous).
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    let schema = load_schema(&repo("tests/data/sarif-2.1.0-rtm.5.json"));
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&bad));
}

/// JUnit read back with an XML parser: the counts add up per suite and overall.
#[test]
fn junit_parses_back() {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let env = fixture();
    let xml = stdout(&env, &["report", "--format", "junit"]);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "json"])).unwrap();
    let mut reader = Reader::from_str(&xml);
    let mut suites: Vec<(String, usize, usize, usize)> = Vec::new(); // name, tests, failures, skipped (declared)
    let mut counted: Vec<(usize, usize, usize)> = Vec::new(); // counted
    let mut root_seen = false;
    let attr = |e: &quick_xml::events::BytesStart<'_>, k: &str| -> String {
        e.attributes()
            .map(Result::unwrap)
            .find(|a| a.key.into_inner() == k)
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .to_string()
            })
            .unwrap_or_default()
    };
    let mut failure_messages = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().into_inner() == "testsuites" => root_seen = true,
            Event::Start(e) if e.name().into_inner() == "testsuite" => {
                suites.push((
                    attr(&e, "name"),
                    attr(&e, "tests").parse().unwrap(),
                    attr(&e, "failures").parse().unwrap(),
                    attr(&e, "skipped").parse().unwrap(),
                ));
                counted.push((0, 0, 0));
            }
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "testcase" => {
                counted.last_mut().unwrap().0 += 1;
            }
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "failure" => {
                counted.last_mut().unwrap().1 += 1;
                failure_messages.push(attr(&e, "message"));
            }
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "skipped" => {
                counted.last_mut().unwrap().2 += 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(root_seen);
    let hosts: Vec<&str> = json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        suites.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        hosts,
        "a testsuite per host"
    );
    for (s, c) in suites.iter().zip(&counted) {
        assert_eq!((s.1, s.2, s.3), *c, "declared counts of {}", s.0);
    }
    let s = &json["summary"];
    let failures: usize = counted.iter().map(|c| c.1).sum();
    let expected = s["open_findings"].as_u64().unwrap()
        + s["pending_reboots"].as_u64().unwrap()
        + s["stale_hosts"].as_u64().unwrap()
        + s["unreachable_hosts"].as_u64().unwrap();
    assert_eq!(failures as u64, expected);
    assert!(
        failure_messages
            .iter()
            .any(|m| m.starts_with("libc6 2.36-9+deb12u1 < ") && m.contains("CISA KEV")),
        "{failure_messages:#?}"
    );
}

/// (metric name, labels, value)
type Sample = (String, Vec<(String, String)>, f64);

/// A strict reader of the Prometheus text format (0.0.4): HELP/TYPE once per family
/// and before its samples, metric and label names by the grammar, label values with
/// only the three escapes, numeric values, no duplicate series.
fn parse_prometheus(text: &str) -> Result<Vec<Sample>, String> {
    let name_ok = |n: &str| {
        let mut c = n.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
    };
    let mut typed: std::collections::HashMap<String, String> = Default::default();
    let mut helped: std::collections::HashSet<String> = Default::default();
    let mut series: std::collections::HashSet<String> = Default::default();
    let mut out = Vec::new();
    let mut family_done: std::collections::HashSet<String> = Default::default();
    let mut current = String::new();
    if !text.ends_with('\n') {
        return Err("no final line feed".into());
    }
    for (i, line) in text.lines().enumerate() {
        let err = |m: &str| format!("line {}: {m}: {line:?}", i + 1);
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, _) = rest
                .split_once(' ')
                .ok_or_else(|| err("HELP without text"))?;
            if !name_ok(name) || !helped.insert(name.to_string()) {
                return Err(err("bad or repeated HELP"));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest
                .split_once(' ')
                .ok_or_else(|| err("TYPE without type"))?;
            if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                return Err(err("unknown type"));
            }
            if typed.insert(name.to_string(), kind.to_string()).is_some() {
                return Err(err("repeated TYPE"));
            }
            if !current.is_empty() {
                family_done.insert(current.clone());
            }
            current = name.to_string();
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            return Err(err("unexpected comment or blank line"));
        }
        let (name, rest) = match line.find(['{', ' ']) {
            Some(p) => line.split_at(p),
            None => return Err(err("no value")),
        };
        if !name_ok(name) || name != current || family_done.contains(name) {
            return Err(err("sample outside its family"));
        }
        let mut labels = Vec::new();
        let value_part = if rest.starts_with('{') {
            // Scan `{name="value",...}` char by char; `end` is the byte after `}`.
            let mut it = rest.char_indices().skip(1).peekable();
            let end;
            loop {
                let mut lname = String::new();
                while let Some(&(_, c)) = it.peek() {
                    if c == '=' {
                        break;
                    }
                    lname.push(c);
                    it.next();
                }
                if !name_ok(&lname)
                    || it.next().map(|x| x.1) != Some('=')
                    || it.next().map(|x| x.1) != Some('"')
                {
                    return Err(err("bad label"));
                }
                let mut value = String::new();
                loop {
                    let (_, c) = it.next().ok_or_else(|| err("unterminated label value"))?;
                    match c {
                        '"' => break,
                        '\\' => {
                            let (_, e) = it.next().ok_or_else(|| err("dangling escape"))?;
                            value.push(match e {
                                '\\' => '\\',
                                '"' => '"',
                                'n' => '\n',
                                _ => return Err(err("bad escape")),
                            });
                        }
                        c => value.push(c),
                    }
                }
                labels.push((lname, value));
                match it.next() {
                    Some((_, ',')) => continue,
                    Some((i, '}')) => {
                        end = i + 1;
                        break;
                    }
                    _ => return Err(err("expected , or }")),
                }
            }
            &rest[end..]
        } else {
            rest
        };
        let value = value_part
            .strip_prefix(' ')
            .ok_or_else(|| err("no space before value"))?;
        let v: f64 = value.parse().map_err(|_| err("value is not a number"))?;
        if !helped.contains(name) {
            return Err(err("sample without HELP"));
        }
        let key = format!("{name}{labels:?}");
        if !series.insert(key) {
            return Err(err("duplicate series"));
        }
        out.push((name.to_string(), labels, v));
    }
    Ok(out)
}

#[test]
fn prometheus_text_format_is_strict() {
    let env = fixture();
    let text = stdout(&env, &["report", "--format", "prometheus"]);
    let samples = parse_prometheus(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let get = |n: &str, l: &[(&str, &str)]| {
        samples
            .iter()
            .find(|s| {
                s.0 == n
                    && l.iter()
                        .all(|(k, v)| s.1.iter().any(|(a, b)| a == k && b == v))
            })
            .map(|s| s.2)
    };
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "json"])).unwrap();
    assert_eq!(
        get("patchcycle_sla_breaches", &[]),
        json["summary"]["sla_breaches"].as_f64()
    );
    assert_eq!(
        get("patchcycle_host_reboot_pending", &[("host", "d1")]),
        Some(1.0)
    );
    assert_eq!(
        get("patchcycle_mttr_days", &[("cycle", "2026-10")]),
        Some(30.0)
    );
    // The parser is strict: escapes, duplicates and stray samples are refused.
    for bad in [
        "# HELP a x\n# TYPE a gauge\na{l=\"x\\q\"} 1\n",
        "# HELP a x\n# TYPE a gauge\na 1\na 2\n",
        "# HELP a x\n# TYPE a gauge\nb 1\n",
        "# HELP a x\n# TYPE a gauge\na{l=\"x\"} one\n",
    ] {
        assert!(parse_prometheus(bad).is_err(), "{bad:?} accepted");
    }
    // Label values are escaped: a group name cannot hold quotes, but a host's OS label
    // comes from the host; the escaper is checked directly.
    assert_eq!(
        patchcycle::report::prometheus::label("a\"b\\c\nd"),
        "a\\\"b\\\\c\\nd"
    );
}

#[test]
fn csv_has_a_row_per_host() {
    let env = fixture();
    let text = stdout(&env, &["report", "--format", "csv"]);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, patchcycle::report::csv::HEADER);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
}

#[test]
fn fail_on_gates_exit_1_with_one_line_and_keep_stdout_pure() {
    let env = fixture();
    let plain = stdout(&env, &["report", "--format", "json"]);
    // Four of the six hosts are unknown (stale scans, one never scanned): every level
    // trips, and says why in one error line plus a hint.
    for level in [
        "any", "critical", "high", "medium", "low", "kev", "sla", "reboot", "unknown",
    ] {
        let out = env.run(&["report", "--format", "json", "--fail-on", level]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), plain, "{level}");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{level}: {stderr}");
        assert_eq!(stderr.lines().count(), 2, "{level}: {stderr}");
        assert!(
            stderr.contains("4 of 6 host(s) unknown"),
            "{level}: {stderr}"
        );
        assert!(
            stderr.starts_with(&format!("error: --fail-on {level}: ")),
            "{stderr}"
        );
    }
    // Old data accepted, the never-scanned host gone: the levels judge the findings.
    env.ok(&["--yes", "host", "rm", "new1"]);
    for (level, trips) in [
        ("unknown", false),
        ("any", true),
        ("critical", true), // d1's glibc is in CISA KEV: it trips every severity level
        ("kev", true),
        ("sla", true),
        ("reboot", true),
    ] {
        let out = env.run(&[
            "report",
            "--format",
            "json",
            "--fail-on",
            level,
            "--allow-stale",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if trips {
            assert_eq!(out.status.code(), Some(1), "{level}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{level}: {stderr}");
        } else {
            assert_eq!(out.status.code(), Some(0), "{level}: {stderr}");
            assert!(stderr.is_empty(), "{level}: {stderr}");
        }
    }
    assert_snapshot!(
        "fail_on_many",
        env.snap(&[
            "report",
            "--format",
            "prometheus",
            "--fail-on",
            "kev,sla,reboot",
            "-o",
            "r.prom"
        ])
    );
    assert_snapshot!(
        "bad_fail_on",
        env.snap(&["report", "--fail-on", "sometimes"])
    );
    assert_snapshot!(
        "other_commands_refuse_report_formats",
        env.snap(&["host", "list", "--format", "sarif"])
    );
}

#[test]
fn output_is_written_atomically_and_now_fixes_the_clock() {
    let env = fixture();
    let file = env.home().join("out/report.md");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "old").unwrap();
    let out = env.run(&[
        "report",
        "--format",
        "markdown",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(out.stdout.is_empty(), "stdout stays empty with --output");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        stdout(&env, &["report", "--format", "markdown"])
    );
    // Nothing but the report is left in the directory (the temporary file was renamed).
    let names: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["report.md"]);
    // A directory as the target is refused (exit 2).
    let dir_target = env.home().join("out");
    let out = env.run(&["report", "--output", dir_target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", render(&env, &out));
    // --now beats PATCHCYCLE_NOW; both give byte-identical output for the same time.
    let a = env
        .cmd(&[
            "report",
            "--format",
            "json",
            "--now",
            "2026-12-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    let b = env
        .cmd(&["report", "--format", "json"])
        .env("PATCHCYCLE_NOW", "2026-12-01T00:00:00Z")
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    let later: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(later["generated_at"], "2026-12-01T00:00:00Z");
    // Three weeks on, the unzip exception has expired: the finding counts again.
    assert_eq!(later["exceptions_expiring"].as_array().unwrap().len(), 0);
    assert!(
        later["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["package"] == "unzip" && f["excepted"] == false)
    );
    assert_snapshot!("bad_now", env.snap(&["report", "--now", "yesterday"]));
}

#[test]
fn audit_export_carries_the_chain_verification() {
    let env = fixture();
    let doc: serde_json::Value = serde_json::from_str(&stdout(
        &env,
        &[
            "audit",
            "export",
            "--since",
            "2026-11-01",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    schema_check(&repo("docs/schemas/audit-export-v1.schema.json"), &doc);
    assert_eq!(doc["verification"]["ok"], true);
    let entries = doc["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e["at"].as_str().unwrap() >= "2026-11-01")
    );
    assert_eq!(doc["rows"], entries.len());
    let csv_out = env.run(&[
        "audit",
        "export",
        "--since",
        "2026-11-09",
        "--format",
        "csv",
    ]);
    assert_eq!(csv_out.status.code(), Some(0));
    let mut rd = csv::Reader::from_reader(&csv_out.stdout[..]);
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "seq",
            "at",
            "actor",
            "action",
            "object",
            "details",
            "prev_hash",
            "hash",
            "chain_verified"
        ]
    );
    let actions: Vec<String> = rd.records().map(|r| r.unwrap()[3].to_string()).collect();
    assert!(
        actions.contains(&"approve.emergency".to_string())
            || actions.iter().any(|a| a.starts_with("approve")),
        "{actions:?}"
    );
    assert_snapshot!(
        "audit_export_needs_json_or_csv",
        env.snap(&["audit", "export"])
    );

    // Edit a row behind patchcycle's back: the export still comes out, flags the rows
    // from the edited one on, and exits 1.
    let db = env.sqlite();
    db.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 5;",
    )
    .unwrap();
    drop(db);
    let out = env.run(&["audit", "export", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", render(&env, &out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verification"]["ok"], false);
    assert_eq!(doc["verification"]["first_bad_seq"], 5);
    let flags: Vec<bool> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["chain_verified"].as_bool().unwrap())
        .collect();
    assert!(flags[..4].iter().all(|f| *f) && flags[4..].iter().all(|f| !*f));
    assert_snapshot!(
        "audit_export_broken_stderr",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// chromium's binary, or None.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Loads a page in headless Chromium: (DOM after load, console error lines).
fn load_in_chromium(bin: &Path, page: &Path, screenshot: Option<&Path>) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,1800",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .env("HOME", profile.path());
    };
    let mut dump = Command::new(bin);
    base(&mut dump);
    let out = dump
        .args(["--dump-dom", &url])
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let console: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Refused to") || l.contains("Uncaught"))
        .map(String::from)
        .collect();
    if let Some(png) = screenshot {
        let mut shot = Command::new(bin);
        base(&mut shot);
        let out = shot
            .arg(format!("--screenshot={}", png.display()))
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "chromium --screenshot failed");
    }
    (String::from_utf8_lossy(&out.stdout).to_string(), console)
}

#[test]
fn html_renders_its_chart_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(
            !common::lab::in_ci(),
            "chromium is missing under CI (tests/install-deps.sh installs it)"
        );
        eprintln!("SKIPPED: chromium is not installed; run tests/install-deps.sh");
        return;
    };
    let env = fixture();
    let page = env.home().join("report.html");
    // With the critical threshold the groups differ (d1's KEV finding keeps dmz down).
    let out = env.run(&[
        "report",
        "--format",
        "html",
        "--threshold",
        "critical",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    let html = std::fs::read_to_string(&page).unwrap();
    for external in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script",
    ] {
        assert!(!html.contains(external), "external resource: {external}");
    }
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = artifacts.join("report.png");
    let _ = std::fs::remove_file(&png);
    let (dom, console) = load_in_chromium(&bin, &page, Some(&png));
    assert!(console.is_empty(), "console errors: {console:#?}");
    // The chart rendered: one bar per group, with its percentage.
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &env,
        &["report", "--format", "json", "--threshold", "critical"],
    ))
    .unwrap();
    assert!(dom.contains("<svg id=\"compliance-chart\""), "{dom}");
    // A group whose hosts are all unknown has no percentage (null), drawn as "unknown".
    let pcts: Vec<Option<f64>> = json["compliance_by_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["compliance_pct"].as_f64())
        .collect();
    assert!(pcts.iter().any(|p| p.is_some_and(|p| p > 0.0)), "{pcts:?}");
    assert!(pcts.iter().any(Option::is_none), "{pcts:?}");
    for g in json["compliance_by_group"].as_array().unwrap() {
        let bar = format!(
            "class=\"bar\" data-name=\"{}\" data-pct=\"{}\"",
            g["name"].as_str().unwrap(),
            g["compliance_pct"]
                .as_f64()
                .map_or_else(|| "unknown".to_string(), |p| format!("{p:.1}"))
        );
        assert!(dom.contains(&bar), "missing {bar}");
    }
    let meta = std::fs::metadata(&png).expect("screenshot written");
    assert!(meta.len() > 10_000, "screenshot is {} bytes", meta.len());
    println!("screenshot: {}", png.display());

    // The console check is not vacuous: a page that loads something external under the
    // same policy, or logs an error, is caught.
    let bad = env.home().join("bad.html");
    std::fs::write(
        &bad,
        html.replace(
            "</body>",
            "<img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script></body>",
        ),
    )
    .unwrap();
    let (_, console) = load_in_chromium(&bin, &bad, None);
    assert!(!console.is_empty(), "a refused load went unnoticed");
}

/// Exceptions by advisory and by host only (no package): the report counts what they
/// leave, and `findings` agrees finding by finding.
#[test]
fn advisory_and_host_exceptions_apply() {
    let env = fixture();
    env.ok(&[
        "-q",
        "exception",
        "add",
        "--advisory",
        "DCL-CVE-2026-103111",
        "--reason",
        "pcre2 JIT is off here",
        "--expires",
        "2026-12-01",
    ]);
    env.ok(&[
        "-q",
        "exception",
        "add",
        "--host",
        "u1",
        "--reason",
        "decommissioned next week",
        "--expires",
        "2026-11-20",
    ]);
    let r: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["report", "--format", "json"])).unwrap();
    let findings = r["findings"].as_array().unwrap();
    for f in findings {
        let want = f["package"] == "libpcre2-8-0"
            || f["host"] == "u1"
            || f["package"] == "tzdata"
            || (f["package"] == "unzip" && f["host"] == "w2");
        assert_eq!(f["excepted"], want, "{f}");
    }
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["findings", "--all", "--format", "json"])).unwrap();
    let excepted = |v: &serde_json::Value| {
        let mut e: Vec<(String, String, bool)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["host"].as_str().unwrap().to_string(),
                    f["package"].as_str().unwrap().to_string(),
                    f["excepted"].as_bool().unwrap(),
                )
            })
            .collect();
        e.sort();
        e
    };
    assert_eq!(excepted(&r["findings"]), excepted(&listed));
    assert_eq!(
        r["summary"]["excepted_findings"].as_u64().unwrap() as usize,
        findings.iter().filter(|f| f["excepted"] == true).count()
    );
}

/// A full disk under stdout is one `error:` line naming stdout and exit 3, in the
/// streamed formats and the built ones alike.
#[test]
fn a_full_disk_under_stdout_is_one_error_and_exit_3() {
    let env = fixture();
    for f in ["json", "sarif", "junit", "csv", "table"] {
        let out = env
            .cmd(&["report", "--format", f])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{f}: {}", render(&env, &out));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: cannot write to stdout: No space left on device (os error 28)\n",
            "{f}"
        );
    }
}

/// `--output` to a device is written in place (the device stays a device), and to a
/// symlink replaces the file it names (the link stays a link).
#[test]
fn output_to_a_device_or_a_symlink_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let env = fixture();
    let out = env.run(&["report", "--format", "json", "--output", "/dev/full"]);
    assert_eq!(out.status.code(), Some(3), "{}", render(&env, &out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot write /dev/full: No space left on device (os error 28)\n"
    );
    let dev = std::fs::symlink_metadata("/dev/full").unwrap();
    assert!(
        dev.file_type().is_char_device(),
        "/dev/full is still a device"
    );

    let real = env.home().join("real.md");
    let link = env.home().join("link.md");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = env.run(&[
        "report",
        "--format",
        "markdown",
        "--output",
        link.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        stdout(&env, &["report", "--format", "markdown"])
    );
}

/// Three monthly cycles built through the CLI (sync, scans, cycle start, approve, close,
/// with the clock moving forward): the trend's series in JSON, one point per cycle as of
/// its close (the open one as of the report), and the HTML charts in headless Chromium.
#[test]
fn trend_over_three_cycles_in_json_and_in_chromium() {
    let env = Env::init();
    let mirror = env.home().join("mirror");
    for rel in [
        "osv-mirror/Debian/all.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        let dest = mirror.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(data().join(rel), &dest).unwrap();
    }
    let m = mirror.to_str().unwrap();
    at(
        &env,
        "2026-10-01T08:00:00Z",
        &["-q", "sync", "--from", m, "osv:Debian", "kev"],
    );
    // One import, checked "not modified" since: a past point only knows the import,
    // so the feeds may be 90 days old here.
    for (g, order) in [("pilot", "0"), ("prod", "1")] {
        at(
            &env,
            "2026-10-01T08:00:00Z",
            &[
                "-q",
                "group",
                "add",
                g,
                "--order",
                order,
                "--set",
                "max_feed_age=90d",
                "--set",
                "max_scan_age=40d",
            ],
        );
    }
    for (h, g) in [
        ("p1", "pilot"),
        ("w1", "prod"),
        ("w2", "prod"),
        ("d1", "prod"),
    ] {
        at(
            &env,
            "2026-10-01T08:00:00Z",
            &["-q", "host", "add", h, "-g", g],
        );
    }
    let scan = |when: &str, host: &str, file: &str| {
        at(
            &env,
            when,
            &["-q", "scan", "--import", &collect(file), "--host", host],
        );
    };
    // The CAB declines the pilot's patches each month (a deployment needs SSH to hosts;
    // the trend reads scans, findings and cycles), which lets each cycle close.
    let approve = |when: &str, group: &str, change: &str| {
        at(
            &env,
            when,
            &[
                "-q",
                "--yes",
                "approve",
                "--group",
                group,
                "--change",
                change,
                "--decision",
                "decline",
            ],
        );
    };
    // October: the fleet as found; d1 runs the glibc in CISA KEV.
    scan("2026-10-02T09:00:00Z", "p1", "bookworm-base.out");
    scan("2026-10-02T09:00:00Z", "w1", "bookworm-base.out");
    scan("2026-10-02T09:00:00Z", "w2", "bookworm-oldpkg.out");
    scan("2026-10-02T09:00:00Z", "d1", "bookworm-old-glibc.out");
    at(
        &env,
        "2026-10-05T08:00:00Z",
        &["-q", "cycle", "start", "2026-10"],
    );
    approve("2026-10-06T08:00:00Z", "pilot", "CHG-1");
    // w1's findings accepted for six weeks: off October's point, back by November's close.
    at(
        &env,
        "2026-10-10T08:00:00Z",
        &[
            "-q",
            "exception",
            "add",
            "--host",
            "w1",
            "--reason",
            "freeze until the migration",
            "--expires",
            "2026-11-15",
        ],
    );
    at(
        &env,
        "2026-10-30T17:00:00Z",
        &["-q", "cycle", "close", "2026-10"],
    );
    // November: the pilot and d1 patched.
    at(
        &env,
        "2026-11-02T08:00:00Z",
        &["-q", "cycle", "start", "2026-11"],
    );
    scan("2026-11-03T09:00:00Z", "p1", "bookworm-patched.out");
    scan("2026-11-10T09:00:00Z", "d1", "bookworm-base.out");
    scan("2026-11-10T09:00:00Z", "w1", "bookworm-base.out");
    scan("2026-11-10T09:00:00Z", "w2", "bookworm-oldpkg.out");
    approve("2026-11-04T08:00:00Z", "pilot", "CHG-2");
    at(
        &env,
        "2026-11-27T17:00:00Z",
        &["-q", "cycle", "close", "2026-11"],
    );
    // December, still open: w1 patched.
    at(
        &env,
        "2026-12-01T08:00:00Z",
        &["-q", "cycle", "start", "2026-12"],
    );
    scan("2026-12-03T09:00:00Z", "w1", "bookworm-patched.out");
    scan("2026-12-03T09:00:00Z", "p1", "bookworm-patched.out");
    // w2's accepted in December: off December's point only.
    at(
        &env,
        "2026-12-02T08:00:00Z",
        &[
            "-q",
            "exception",
            "add",
            "--host",
            "w2",
            "--reason",
            "replaced next month",
            "--expires",
            "30d",
        ],
    );

    let report = |args: &[&str]| {
        let out = env
            .cmd(args)
            .env("PATCHCYCLE_NOW", "2026-12-04T09:00:00Z")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", render(&env, &out));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&report(&[
        "report",
        "--format",
        "json",
        "--threshold",
        "critical",
    ]))
    .unwrap();
    schema_check(&repo("docs/schemas/report-v2.schema.json"), &json);
    assert_snapshot!(
        "trend_three_cycles_json",
        serde_json::to_string_pretty(&json["trend"]).unwrap()
    );
    // The open cycle's point is the report's own summary.
    let points = json["trend"]["points"].as_array().unwrap();
    let last = points.last().unwrap();
    let s = &json["summary"];
    assert_eq!(last["compliance_pct"], s["compliance_pct"]);
    assert_eq!(last["open_findings"]["total"], s["open_findings"]);
    assert_eq!(last["kev_open"], s["kev_findings"]);
    assert_eq!(last["mttr_days"], s["mttr_days"]);
    assert_eq!(last["unknown"], s["unknown"]);
    // --trend-cycles bounds the series to the newest cycles; 0 leaves it out.
    let two: serde_json::Value = serde_json::from_str(&report(&[
        "report",
        "--format",
        "json",
        "--threshold",
        "critical",
        "--trend-cycles",
        "2",
    ]))
    .unwrap();
    assert_eq!(two["trend"]["points"].as_array().unwrap()[..], points[1..]);
    // A closed cycle's report ends its trend at that cycle.
    let oct: serde_json::Value = serde_json::from_str(&report(&[
        "report",
        "--format",
        "json",
        "--threshold",
        "critical",
        "--cycle",
        "2026-11",
    ]))
    .unwrap();
    assert_eq!(oct["trend"]["points"].as_array().unwrap()[..], points[..2]);
    assert_snapshot!(
        "trend_cycles_bound",
        env.snap(&["report", "--trend-cycles", "25"])
    );

    let page = env.home().join("trend.html");
    report(&[
        "report",
        "--format",
        "html",
        "--threshold",
        "critical",
        "-o",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    for external in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script",
    ] {
        assert!(!html.contains(external), "external resource: {external}");
    }
    let Some(bin) = chromium() else {
        assert!(
            !common::lab::in_ci(),
            "chromium is missing under CI (tests/install-deps.sh installs it)"
        );
        eprintln!("SKIPPED (chromium part): chromium is not installed; run tests/install-deps.sh");
        return;
    };
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = artifacts.join("trend.png");
    let _ = std::fs::remove_file(&png);
    let (dom, console) = load_in_chromium(&bin, &page, Some(&png));
    assert!(console.is_empty(), "console errors: {console:#?}");
    for id in [
        "trend-compliance",
        "trend-severity",
        "trend-kev",
        "trend-mttr",
    ] {
        assert!(dom.contains(&format!("<svg id=\"{id}\"")), "{id} missing");
        assert!(
            dom.contains(&format!("<title id=\"{id}-title\">")),
            "{id} title"
        );
    }
    // Every point of the JSON series is drawn with its value.
    for p in points {
        let cycle = p["cycle"].as_str().unwrap();
        let pct = p["compliance_pct"]
            .as_f64()
            .map_or_else(|| "unknown".to_string(), |v| format!("{v:.1}"));
        let kev = format!("{:.1}", p["kev_open"].as_f64().unwrap());
        for (series, value) in [("compliance", pct), ("kev", kev)] {
            let mark =
                format!("data-series=\"{series}\" data-cycle=\"{cycle}\" data-value=\"{value}\"");
            assert!(dom.contains(&mark), "missing {mark}");
        }
        for sev in ["critical", "high", "medium", "low"] {
            let mark = format!(
                "class=\"trend-bar\" data-series=\"{sev}\" data-cycle=\"{cycle}\" data-value=\"{}\"",
                p["open_findings"][sev]
            );
            assert!(dom.contains(&mark), "missing {mark}");
        }
    }
    let meta = std::fs::metadata(&png).expect("screenshot written");
    assert!(meta.len() > 10_000, "screenshot is {} bytes", meta.len());
    println!("screenshot: {}", png.display());
}
