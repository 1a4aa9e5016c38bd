//! Windows hosts matched against the real MSRC documents (tests/data/msrc/cvrf:
//! 2025-Jun … 2026-Jun, imported by `sync --from tests/data msrc`).
//!
//! The counts are checked against an oracle independent of the matcher, computed from
//! the XML with python3 (tests/data/msrc/count_missing.py): the CVEs whose "Security
//! Update" remediation for the product has a FixedBuild above the host's build.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::Env;
use insta::assert_snapshot;
use patchcycle::family::windows::matching::{self, Catalogue, ExplainVerdict, Fixed, ProductMatch};
use patchcycle::family::{Facts, InstalledUpdate, WindowsFacts};
use patchcycle::scan::matcher::Matcher;

fn data() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .display()
        .to_string()
}

/// An environment with the 13 real monthly documents synced (synced once per test
/// process, then copied).
fn synced() -> Env {
    static TEMPLATE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let env = Env::init();
        env.ok(&["-q", "sync", "--from", &data(), "msrc"]);
        let mirror = format!("{}/mirror-small", data());
        env.ok(&["-q", "sync", "--from", &mirror, "kev"]);
        env.save_template("windows_match_msrc")
    });
    let env = Env::from_template(template);
    // The config of a fresh `init` (the template holds the database only).
    env.ok(&["-q", "init"]);
    env
}

/// The oracle: CVEs of product `product_id` whose Security Update's FixedBuild is above
/// `build`, from the XML itself.
fn oracle(product_id: &str, build: &str) -> Vec<String> {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/msrc/count_missing.py"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/msrc/cvrf"))
        .arg(product_id)
        .arg(build)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// A Server 2022 (Desktop Experience) host at `ubr` with `kbs` installed: real builds
/// and KB numbers of the 2025-Jun … 2026-Jun cumulative updates.
fn server2022(ubr: u32, kbs: &[u32]) -> WindowsFacts {
    WindowsFacts {
        product_name: "Windows Server 2022 Datacenter".into(),
        edition: "ServerDatacenter".into(),
        installation_type: "Server".into(),
        display_version: Some("21H2".into()),
        current_build: 20348,
        ubr,
        arch: "x64".into(),
        installed: kbs
            .iter()
            .map(|&kb| InstalledUpdate {
                kb,
                installed_on: None,
            })
            .collect(),
        ..WindowsFacts::default()
    }
}

fn findings(env: &Env, w: &WindowsFacts) -> Vec<patchcycle::scan::matcher::Finding> {
    let conn = env.sqlite();
    let facts = Facts {
        windows: Some(w.clone()),
        ..Facts::default()
    };
    Matcher::new().findings(&conn, &facts).unwrap()
}

#[test]
fn server2022_latest_month_behind_year_behind_on_the_real_documents() {
    let env = synced();
    // 2026-Jun: KB5094128 → 10.0.20348.5256. Fully patched: nothing.
    assert!(findings(&env, &server2022(5256, &[5094128])).is_empty());
    assert!(oracle("11923", "10.0.20348.5256").is_empty());

    // 2026-May: KB5087545 → 10.0.20348.5139. One finding, the June update, with its CVEs.
    let month = findings(&env, &server2022(5139, &[5087545]));
    assert_eq!(month.len(), 1, "{month:#?}");
    let f = &month[0];
    assert_eq!(f.package, "KB5094128");
    assert_eq!(f.source_name, "Windows Server 2022");
    assert_eq!(f.installed, "10.0.20348.5139");
    assert_eq!(f.matched.fixed.as_deref(), Some("10.0.20348.5256"));
    assert_eq!(f.candidate, None);
    let want = oracle("11923", "10.0.20348.5139");
    assert_eq!(want.len(), 105);
    assert_eq!(f.matched.cves, want);
    assert_eq!(f.matched.advisories, want);

    // 2025-Jun: KB5060526 → 10.0.20348.3807. Still one finding, the latest update,
    // carrying the CVEs of twelve months; exploited CVEs (2026-Feb's) rank as KEV.
    let year = findings(&env, &server2022(3807, &[5060526]));
    assert_eq!(
        year.len(),
        1,
        "{:?}",
        year.iter().map(|f| &f.package).collect::<Vec<_>>()
    );
    assert_eq!(year[0].package, "KB5094128");
    let want = oracle("11923", "10.0.20348.3807");
    assert_eq!(want.len(), 799);
    assert_eq!(year[0].matched.cves, want);
    assert!(year[0].matched.kev);
    assert!(!month[0].matched.kev, "2026-Jun marks no CVE exploited");
}

#[test]
fn supersedence_chain_across_months_and_installed_kb_before_reboot() {
    let env = synced();
    let conn = env.sqlite();
    let mut cat = Catalogue::new();
    // A 2025-Jul CVE on the year-behind host: missing, proposed the 2026-Jun update,
    // reached from July's KB5062572 through every monthly update since.
    let year = server2022(3807, &[5060526]);
    let e = matching::explain_cve(&conn, &mut cat, &year, "CVE-2025-47971").unwrap();
    assert_eq!(e.verdict, ExplainVerdict::Missing, "{e:#?}");
    assert_eq!(e.proposed, Some(5094128));
    assert_eq!(e.chain.first(), Some(&5062572));
    assert_eq!(e.chain.last(), Some(&5094128));
    assert_eq!(
        matching::chain_text(&e.chain),
        "KB5062572 → KB5063880 → KB5065432 → KB5066782 → KB5068787 → KB5071547 → KB5073457 → KB5075906 → KB5078766 → KB5082142 → KB5087545 → KB5094128"
    );

    // The May update installed, the build still April's (the reboot that finishes it
    // pending): the installed KB counts for every CVE up to May; June's are missing.
    let mut pending = server2022(5020, &[5087545]);
    pending.reboot_pending = vec!["cbs".into()];
    let f = findings(&env, &pending);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].package, "KB5094128");
    assert_eq!(f[0].matched.cves, oracle("11923", "10.0.20348.5139"));
    // A May CVE (KB5087545 → .5139, hotpatch KB5087424 beside it): the build is older,
    // the installed KB counts.
    let e = matching::explain_cve(&conn, &mut cat, &pending, "CVE-2026-33834").unwrap();
    assert_eq!(e.verdict, ExplainVerdict::Fixed);
    assert!(
        matches!(
            e.fixed,
            Some(Fixed::Kb {
                installed: 5087545,
                ..
            })
        ),
        "{:?}",
        e.fixed
    );
    assert!(e.rule.contains("a reboot is pending: cbs"), "{}", e.rule);
}

#[test]
fn clients_and_an_unknown_product() {
    let env = synced();
    let conn = env.sqlite();
    let mut cat = Catalogue::new();
    // Windows 10 22H2 at the 2026-Jun build (KB5094127 → 10.0.19045.7417): nothing; at
    // the 2026-Apr build (KB5082200 → 10.0.19045.7184): one finding, the June update.
    let win10 = WindowsFacts {
        product_name: "Windows 10 Pro".into(),
        installation_type: "Client".into(),
        display_version: Some("22H2".into()),
        current_build: 19045,
        ubr: 7417,
        arch: "x64".into(),
        ..WindowsFacts::default()
    };
    assert!(findings(&env, &win10).is_empty());
    assert!(oracle("12097", "10.0.19045.7417").is_empty());
    let april = WindowsFacts {
        ubr: 7184,
        ..win10.clone()
    };
    let f = findings(&env, &april);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].package, "KB5094127");
    assert_eq!(
        f[0].source_name,
        "Windows 10 Version 22H2 for x64-based Systems"
    );
    assert_eq!(f[0].matched.cves, oracle("12097", "10.0.19045.7184"));
    // Windows 11 23H2 (ProductName "Windows 10 Pro", build 22631): at the 2026-Jun build
    // (KB5093998 → 10.0.22631.7219) nothing; at 2026-Apr's (KB5082052 → .6936) the
    // June update.
    let win11 = WindowsFacts {
        product_name: "Windows 10 Pro".into(),
        installation_type: "Client".into(),
        display_version: Some("23H2".into()),
        current_build: 22631,
        ubr: 7219,
        arch: "x64".into(),
        ..WindowsFacts::default()
    };
    let a = matching::assess(&conn, &mut cat, &win11).unwrap();
    assert!(
        matches!(&a.product, ProductMatch::Known { products: p } if p[0].name == "Windows 11 Version 23H2 for x64-based Systems"),
        "{:?}",
        a.product
    );
    assert!(findings(&env, &win11).is_empty());
    let april = WindowsFacts {
        ubr: 6936,
        ..win11.clone()
    };
    let f = findings(&env, &april);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].package, "KB5093998");
    assert_eq!(f[0].matched.cves, oracle("12243", "10.0.22631.6936"));

    let insider = WindowsFacts {
        product_name: "Windows Server Insider Datacenter".into(),
        installation_type: "Server".into(),
        display_version: Some("25H2".into()),
        current_build: 26300,
        ubr: 1000,
        arch: "x64".into(),
        ..WindowsFacts::default()
    };
    let a = matching::assess(&conn, &mut cat, &insider).unwrap();
    assert!(
        matches!(a.product, ProductMatch::Unknown { .. }),
        "{:?}",
        a.product
    );
    assert!(findings(&env, &insider).is_empty());
}

/// The recorded hosts of tests/data/windows scanned into a synced inventory, plus
/// `server2022-reboot-pending`: the month-behind recording with the build of 2026-Apr
/// (KB5082142 → 10.0.20348.5020) and the CBS reboot key set, as a host looks after
/// installing the May update (KB5087545) and before the reboot that finishes it.
fn fleet() -> Env {
    let env = synced();
    for name in [
        "server2022-latest",
        "server2022-month-behind",
        "server2022-year-behind",
        "win10-22h2",
        "win11-23h2",
        "unknown-product",
    ] {
        env.ok(&["-q", "host", "add", name, "--platform", "windows"]);
        let path = format!("{}/windows/{name}.txt", data());
        env.ok(&["-q", "scan", "--import", &path, "--host", name]);
    }
    let month =
        std::fs::read_to_string(format!("{}/windows/server2022-month-behind.txt", data())).unwrap();
    assert!(month.contains("UBR=5139\n") && month.contains("cbs=no\n"));
    let pending = env.file(
        "reboot-pending.txt",
        &month
            .replace("UBR=5139\n", "UBR=5020\n")
            .replace("cbs=no\n", "cbs=yes\n"),
    );
    env.ok(&[
        "-q",
        "host",
        "add",
        "server2022-reboot-pending",
        "--platform",
        "windows",
    ]);
    env.ok(&[
        "-q",
        "scan",
        "--import",
        pending.to_str().unwrap(),
        "--host",
        "server2022-reboot-pending",
    ]);
    env
}

#[test]
fn findings_explain_and_gates_of_recorded_windows_hosts() {
    let env = fleet();
    // One finding per host missing updates; the unknown product is named on stderr.
    assert_snapshot!("windows_findings", env.snap(&["findings"]));
    assert_snapshot!(
        "windows_findings_month_behind_json",
        env.snap(&[
            "findings",
            "--host",
            "server2022-month-behind",
            "--format",
            "json"
        ])
    );
    // The chain of a 2025-Jul CVE on the host a year behind.
    assert_snapshot!(
        "windows_explain_year_behind",
        env.snap(&["explain", "server2022-year-behind", "CVE-2025-47971"])
    );
    assert_snapshot!(
        "windows_explain_year_behind_json",
        env.snap(&[
            "explain",
            "server2022-year-behind",
            "CVE-2025-47971",
            "--format",
            "json"
        ])
    );
    // Fixed by build; fixed by the installed KB before its reboot.
    assert_snapshot!(
        "windows_explain_fixed_by_build",
        env.snap(&["explain", "server2022-month-behind", "CVE-2025-47971"])
    );
    assert_snapshot!(
        "windows_explain_reboot_pending",
        env.snap(&["explain", "server2022-reboot-pending", "CVE-2026-33834"])
    );
    assert_snapshot!(
        "windows_explain_unknown_product",
        env.snap(&["explain", "unknown-product"])
    );
    assert_snapshot!(
        "windows_explain_not_a_cve",
        env.snap(&["explain", "server2022-latest", "openssl"])
    );
    // Without a CVE: one row per CVE the host misses, each proposing the June update.
    let rows = env.ok(&["explain", "server2022-month-behind", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&rows).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 105);
    assert!(
        rows.iter()
            .all(|r| r["proposed"] == 5094128 && r["verdict"] == "missing")
    );

    // Gates: exploited per MSRC counts as KEV (the year-behind host's 2026-Feb CVEs;
    // the KEV catalogue is synced and current, so only the finding can trip it).
    let gate = |host: &str, level: &str| {
        env.run(&["-q", "findings", "--host", host, "--fail-on", level])
            .status
            .code()
    };
    assert_eq!(gate("server2022-year-behind", "kev"), Some(1));
    assert_eq!(gate("server2022-month-behind", "kev"), Some(0));
    assert_eq!(gate("server2022-latest", "any"), Some(0));
    assert_eq!(gate("win10-22h2", "any"), Some(0));
    assert_eq!(gate("win11-23h2", "any"), Some(0));
    // Unknown, never compliant: every gate trips on it.
    assert_eq!(gate("unknown-product", "kev"), Some(1));
    assert_eq!(gate("unknown-product", "any"), Some(1));
    assert_snapshot!(
        "windows_gate_unknown_product",
        env.snap(&[
            "findings",
            "--host",
            "unknown-product",
            "--fail-on",
            "critical"
        ])
    );
    let kev = env.ok(&["findings", "--kev", "--format", "json"]);
    let kev: serde_json::Value = serde_json::from_str(&kev).unwrap();
    let hosts: Vec<&str> = kev
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, ["server2022-year-behind"]);

    // doctor names the host whose product the catalogue does not have.
    let doctor = env.run(&["doctor"]);
    assert!(
        String::from_utf8_lossy(&doctor.stdout).contains(
            "Windows hosts whose product the MSRC catalogue does not have: unknown-product"
        ),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );

    // The report: compliant, non-compliant and unknown Windows hosts.
    let report = env.ok(&["report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_snapshot!(
        "windows_report_hosts",
        serde_json::to_string_pretty(&report["hosts"]).unwrap()
    );
}
