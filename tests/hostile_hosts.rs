//! Hostile hosts (issue #18, items 5, 8 and 9): what a host sends is untrusted. Escape
//! sequences on its stderr (or in a feed's entry names) never reach a terminal or a text
//! table; a collector output
//! with a section given twice, a package listed twice, an unreadable kernel, an
//! unusable VERSION_ID, an unknown section or another protocol is refused or warned
//! about, never taken silently. The hostile inputs are made here, from the saved output
//! of a real Debian 12 root (tests/data/collect).

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, redact_timings, render};
use insta::assert_snapshot;

/// A saved collector output of tests/data/collect.
fn saved(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/collect")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The section marker of the saved outputs (their run's token).
const MARK: &str = "@@PC 4ade84101f6c7cb1c9c2b766a6831aae ";

/// The lines of one section of `out`, its marker included (up to the next marker).
fn section(out: &str, name: &str) -> String {
    let start = out
        .find(&format!("{MARK}{name}\n"))
        .unwrap_or_else(|| panic!("no section {name}"));
    let rest = &out[start..];
    let end = rest[MARK.len()..]
        .find(MARK)
        .map_or(rest.len(), |i| i + MARK.len());
    rest[..end].to_string()
}

/// `out` with `extra` inserted before its END marker.
fn before_end(out: &str, extra: &str) -> String {
    let end = out.find(&format!("{MARK}END")).expect("END marker");
    format!("{}{extra}{}", &out[..end], &out[end..])
}

fn import(env: &Env, host: &str, name: &str, text: &str) -> String {
    let file = env.file(name, text);
    env.snap(&["scan", "--import", file.to_str().unwrap(), "--host", host])
}

/// No escape (ESC, CSI) and no BEL byte anywhere in a command's stdout and stderr.
fn assert_no_control_bytes(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !bytes.iter().any(|b| matches!(b, 0x1b | 0x07 | 0x9b)),
            "{what}: control byte in {stream}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// An ssh whose stderr sets the terminal title and clears the screen, then fails as ssh
/// fails (exit 255). Its stdin (the collector) is read first, as ssh would.
fn hostile_ssh(env: &Env) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let fake = env.file(
        "fake-ssh",
        "#!/bin/sh\ncat >/dev/null\n\
         printf 'ssh: \\033]0;PWNED\\007\\033[2J\\033[1;31mPermission denied\\033[0m (publickey).\\r\\n' >&2\n\
         exit 255\n",
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.file(
        "hostile.toml",
        &format!("[ssh]\nprogram = \"{}\"\n", fake.display()),
    )
}

#[test]
fn escapes_from_a_hosts_ssh_never_reach_the_terminal() {
    let env = Env::init();
    let cfg = hostile_ssh(&env);
    let cfg = cfg.to_str().unwrap();
    env.ok(&["host", "add", "evil1", "root@192.0.2.7"]);
    let runs: [(&str, Vec<&str>); 8] = [
        ("scan", vec!["--config", cfg, "scan", "evil1"]),
        ("scan_verbose", vec!["--config", cfg, "-v", "scan", "evil1"]),
        ("host_show", vec!["host", "show", "evil1"]),
        ("host_list", vec!["host", "list"]),
        ("host_list_csv", vec!["--format", "csv", "host", "list"]),
        ("findings", vec!["findings"]),
        ("report", vec!["report"]),
        ("report_markdown", vec!["--format", "markdown", "report"]),
    ];
    for (name, args) in &runs {
        let out = env.run(args);
        assert_no_control_bytes(name, &out);
        // `-v` timings differ from run to run.
        assert_snapshot!(
            format!("escapes_{name}"),
            redact_timings(&render(&env, &out))
        );
    }
    // The same scan, ssh's process and the scan stored: on every stream, with the
    // stored error exactly as the host sent it, the title sequence is gone.
    let out = env.run(&["--config", cfg, "--format", "csv", "scan", "evil1"]);
    assert_no_control_bytes("scan csv", &out);
    // JSON keeps the raw text, escaped by serde: nothing is lost for a machine.
    let json = env.ok(&["--format", "json", "host", "show", "evil1"]);
    assert!(!json.bytes().any(|b| b == 0x1b), "{json}");
    assert!(
        json.contains(r"\u001b]0;PWNED\u0007\u001b[2J"),
        "raw text in JSON: {json}"
    );
}

#[test]
fn a_repeated_section_fails_the_host() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    let base = saved("bookworm-old-glibc.out");
    for name in ["dpkg", "apt-sim"] {
        let twice = before_end(&base, &section(&base, name));
        assert_snapshot!(
            format!("repeated_section_{name}"),
            import(&env, "h1", &format!("twice-{name}.out"), &twice)
        );
    }
    // Both failed scans were stored as failed: no packages, no findings.
    let installed: i64 = env
        .sqlite()
        .query_row("SELECT count(*) FROM installed", [], |r| r.get(0))
        .unwrap();
    assert_eq!(installed, 0);
}

#[test]
fn duplicate_package_lines_count_once_or_refuse_the_host() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    let base = saved("bookworm-old-glibc.out");
    let dpkg = section(&base, "dpkg");
    let lines: Vec<&str> = dpkg.lines().skip(1).filter(|l| !l.is_empty()).collect();
    // Every package line twice, inside the one dpkg section.
    let doubled: String = lines.iter().map(|l| format!("{l}\n{l}\n")).collect();
    let out = base.replace(&dpkg, &format!("{MARK}dpkg\n{doubled}\n"));
    // What the host's latest scan holds: installed packages and findings (only the
    // latest good scan keeps its packages).
    let latest = || -> (i64, i64) {
        env.sqlite()
            .query_row(
                "SELECT (SELECT count(*) FROM installed WHERE scan_id = coalesce(s.facts_scan, s.id)), \
                 (SELECT count(*) FROM findings WHERE scan_id = coalesce(s.findings_scan, s.id)) \
                 FROM scans s ORDER BY s.id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_snapshot!("duplicate_lines", import(&env, "h1", "dup.out", &out));
    let doubled_counts = latest();
    let clean = import(&env, "h1", "clean.out", &base);
    assert!(clean.starts_with("exit: 0\n"), "{clean}");
    // The same counts as the clean output: each package once.
    assert_eq!(doubled_counts, latest());
    assert_eq!(doubled_counts.0, lines.len() as i64);
    // Multi-arch: one package at two architectures is two packages, no warning.
    let first = lines[0];
    let (name, rest) = first.split_once('\t').unwrap();
    let multiarch = base.replace(
        &format!("{first}\n"),
        &format!("{name}:amd64\t{rest}\n{name}:i386\t{rest}\n"),
    );
    let out = env.run(&[
        "scan",
        "--import",
        env.file("multiarch.out", &multiarch).to_str().unwrap(),
        "--host",
        "h1",
    ]);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(!shown.contains("warning: h1:"), "{shown}");
    assert_eq!(latest().0, lines.len() as i64 + 1, "{shown}");
    // One package at two versions: the database holds one, so which is not known.
    let (name, rest) = lines[1].split_once('\t').unwrap();
    let (_, after_version) = rest.split_once('\t').unwrap();
    let conflicting = base.replace(
        &format!("{}\n", lines[1]),
        &format!("{}\n{name}\t0.1-1\t{after_version}\n", lines[1]),
    );
    assert_snapshot!(
        "conflicting_versions",
        import(&env, "h1", "conflict.out", &conflicting)
    );
}

#[test]
fn an_unreadable_kernel_leaves_the_reboot_state_unknown() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    // bookworm-old-glibc runs 6.1.0-13 with 6.1.0-41 installed and no reboot flag:
    // the kernel alone says a reboot is pending.
    let base = saved("bookworm-old-glibc.out");
    assert!(base.contains(&format!("{MARK}uname\n6.1.0-13-amd64\n")));
    let good = import(&env, "h1", "good.out", &base);
    assert!(
        good.contains("yes (kernel 6.1.0-13-amd64 → 6.1.0-41-amd64)"),
        "{good}"
    );
    let huge = "6".repeat(100 * 1024);
    for (name, uname) in [
        ("huge", huge.as_str()),
        ("hostile", "6.1.0-13-amd64;reboot"),
        ("two_lines", "6.1.0-13-amd64\n6.1.0-41-amd64"),
    ] {
        let out = base.replace(
            &format!("{MARK}uname\n6.1.0-13-amd64\n"),
            &format!("{MARK}uname\n{uname}\n"),
        );
        assert_snapshot!(
            format!("uname_{name}"),
            import(&env, "h1", &format!("uname-{name}.out"), &out)
        );
        let reboot: Option<bool> = env
            .sqlite()
            .query_row(
                "SELECT reboot_required FROM hosts WHERE name = 'h1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(reboot, None, "{name}: unknown, not no");
    }
    assert_snapshot!("uname_host_show", env.snap(&["host", "show", "h1"]));
    // A flag that says yes still says yes without the kernel.
    let flagged = base
        .replace(
            &format!("{MARK}uname\n6.1.0-13-amd64\n"),
            &format!("{MARK}uname\n{huge}\n"),
        )
        .replace(
            &format!("{MARK}reboot\nno\n"),
            &format!("{MARK}reboot\nyes\n"),
        );
    let out = import(&env, "h1", "flagged.out", &flagged);
    assert!(out.contains(" yes "), "{out}");
}

#[test]
fn a_bad_version_id_is_named_in_a_warning() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    let base = saved("bookworm-old-glibc.out");
    for (name, version_id) in [
        ("5000_digits", "1".repeat(5000)),
        ("not_a_release", "12; rm -rf /".to_string()),
    ] {
        let out = base.replace(
            "VERSION_ID=\"12\"\n",
            &format!("VERSION_ID=\"{version_id}\"\n"),
        );
        assert_snapshot!(
            format!("version_id_{name}"),
            import(&env, "h1", &format!("version-{name}.out"), &out)
        );
    }
}

#[test]
fn unknown_sections_are_skipped_with_a_warning_and_another_protocol_is_refused() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    let base = saved("bookworm-old-glibc.out");
    let newer = before_end(
        &base,
        &format!("{MARK}flatpak\norg.example.App\t1.0\n\n{MARK}snap\ncore22\t20240111\n\n"),
    );
    assert_snapshot!("unknown_sections", import(&env, "h1", "newer.out", &newer));
    let header = format!("{}BEGIN 1\n", MARK);
    for (name, begin) in [
        ("protocol_99", "BEGIN 99"),
        ("no_protocol", "BEGIN"),
        ("extra_word", "BEGIN 1 x"),
    ] {
        let out = base.replacen(&header, &format!("{MARK}{begin}\n"), 1);
        assert_snapshot!(
            format!("header_{name}"),
            import(&env, "h1", &format!("{name}.out"), &out)
        );
    }
}

/// Feeds are hostile too: a zip entry whose name sets the terminal title and clears the
/// screen, and that is no OSV record, is named in sync's warning without its escapes.
#[test]
fn escapes_in_a_feeds_entry_name_never_reach_the_terminal() {
    use std::io::Write;
    let env = Env::init();
    let mirror = env.home().join("mirror");
    let small = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mirror-small");
    std::fs::create_dir_all(mirror.join("osv-mirror/Debian")).unwrap();
    let mut real =
        zip::ZipArchive::new(std::fs::File::open(small.join("osv-mirror/Debian/all.zip")).unwrap())
            .unwrap();
    let mut copy = zip::ZipWriter::new(
        std::fs::File::create(mirror.join("osv-mirror/Debian/all.zip")).unwrap(),
    );
    for i in 0..real.len() {
        copy.raw_copy_file(real.by_index_raw(i).unwrap()).unwrap();
    }
    copy.start_file(
        "DSA-\u{1b}]0;PWNED\u{7}\u{1b}[2J-1.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    copy.write_all(b"{\"not\": \"an OSV record\"}").unwrap();
    copy.finish().unwrap();
    let out = env.run(&["sync", "--from", mirror.to_str().unwrap(), "osv:Debian"]);
    assert_no_control_bytes("sync", &out);
    let shown = render(&env, &out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    let warning: Vec<&str> = shown.lines().filter(|l| l.contains("DSA-")).collect();
    assert_eq!(warning.len(), 1, "{shown}");
    assert_snapshot!("escapes_feed_entry_name", warning[0]);
}

/// `out` with the rows of its dpkg section replaced by `rows`.
fn with_dpkg_rows(out: &str, rows: &str) -> String {
    out.replace(&section(out, "dpkg"), &format!("{MARK}dpkg\n{rows}\n"))
}

#[test]
fn a_scan_whose_every_package_row_is_refused_says_so_and_keeps_its_warnings() {
    let env = Env::init();
    env.ok(&["host", "add", "allbad"]);
    // Versions dpkg never writes (a shell substitution, a space, an empty upstream part).
    let rows = "evil\t1.0$(reboot)\tevil\t1.0\tii \n\
                spaced\t1.0 beta\tspaced\t1.0\tii \n\
                empty\t-1\tempty\t-1\tii \n";
    let out = with_dpkg_rows(&saved("bookworm-base.out"), rows);
    assert_snapshot!(
        "all_rows_refused_scan",
        import(&env, "allbad", "allbad.out", &out)
    );
    // The JSON summary has them with the error too.
    let file = env.file("allbad-again.out", &out);
    let o = env.run(&[
        "--format",
        "json",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "allbad",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", render(&env, &o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s[0]["status"], "failed");
    assert_eq!(s[0]["packages"], serde_json::Value::Null);
    assert_eq!(s[0]["warnings"].as_array().unwrap().len(), 3, "{s}");
    assert_eq!(s[0]["refused"][0]["count"], 3, "{s}");
    assert!(
        s[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("dpkg listed 3 packages and all 3 were refused"),
        "{s}"
    );
    // Kept with the error: `host show` and its JSON give the warnings and the count.
    assert_snapshot!(
        "all_rows_refused_host_show",
        env.snap(&["host", "show", "allbad"])
    );
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "host", "show", "allbad"])).unwrap();
    assert_eq!(shown["scan_status"], "failed");
    assert_eq!(
        shown["scan_warnings"].as_array().unwrap().len(),
        3,
        "{shown}"
    );
    assert_eq!(
        shown["scan_refused"],
        serde_json::json!([{"section": "dpkg", "count": 3, "first": ["evil", "spaced", "empty"]}])
    );
}

#[test]
fn refused_rows_are_counted_and_named_apart_from_the_capped_warnings() {
    let env = Env::init();
    env.ok(&["host", "add", "somebad"]);
    let base = saved("bookworm-base.out");
    let good = section(&base, "dpkg")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    // 60 refused rows: more than the 50 warnings kept, every one counted.
    let bad: String = (0..60)
        .map(|i| format!("bad{i:02}\t1.0$(x)\tbad{i:02}\t1.0\tii \n"))
        .collect();
    let out = with_dpkg_rows(&base, &format!("{good}{bad}"));
    let file = env.file("somebad.out", &out);
    let o = env.run(&[
        "--format",
        "json",
        "scan",
        "--import",
        file.to_str().unwrap(),
        "--host",
        "somebad",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", render(&env, &o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s[0]["status"], "ok");
    assert_eq!(s[0]["warnings"].as_array().unwrap().len(), 50);
    assert_eq!(
        s[0]["refused"],
        serde_json::json!([{"section": "dpkg", "count": 60,
                            "first": ["bad00", "bad01", "bad02", "bad03", "bad04"]}])
    );
    // As a terminal shows it: a few refused rows, then `host show`.
    let few: String = (0..7)
        .map(|i| format!("bad{i}\t1.0$(x)\tbad{i}\t1.0\tii \n"))
        .collect();
    let out = with_dpkg_rows(&base, &format!("{good}{few}"));
    assert_snapshot!(
        "some_rows_refused_scan",
        redact_timings(&import(&env, "somebad", "few.out", &out))
    );
    assert_snapshot!(
        "some_rows_refused_host_show",
        env.snap(&["host", "show", "somebad"])
    );
}
