//! Output paths end cleanly: a reader that closes stdout early (`| head`) ends every
//! command and format quietly, without a message, with the exit code the command would
//! have had anyway.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cli::{Env, collect, render};
use serde_json::json;

/// More than a pipe buffer holds (64 KiB on Linux): the writer is still writing when
/// the reader goes away.
const PIPE_BUFFER: usize = 64 * 1024;

/// How long one run may take before the test fails (and the child is killed).
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Source packages of tests/data/collect/bookworm-base.out.
const SOURCES: &[&str] = &[
    "acl",
    "apt",
    "attr",
    "audit",
    "bash",
    "bzip2",
    "coreutils",
    "dash",
    "dpkg",
    "e2fsprogs",
    "glibc",
    "gnupg2",
    "gnutls28",
    "krb5",
    "libgcrypt20",
    "libxcrypt",
    "ncurses",
    "openssh",
    "openssl",
    "pam",
    "pcre2",
    "perl",
    "procps",
    "shadow",
    "systemd",
    "tar",
    "util-linux",
    "xz-utils",
    "zlib",
];

/// Synthetic OSV records for Debian 12: several advisories per source package, each
/// fixed in a version above anything installed, so every scanned host has many findings.
fn debian_osv(dir: &Path) {
    let d = dir.join("osv-mirror/Debian");
    std::fs::create_dir_all(&d).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("all.zip")).unwrap());
    let vectors = [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
    ];
    for i in 0..1200 {
        let package = SOURCES[i % SOURCES.len()];
        let id = format!("DSA-{}-1", 6000 + i);
        let record = json!({
            "id": id,
            "modified": "2026-10-01T00:00:00Z",
            "published": "2026-09-01T00:00:00Z",
            "aliases": [format!("CVE-2026-{}", 20000 + i)],
            "summary": format!(
                "{package}: synthetic flaw number {i}, in a parser that trusts the length \
                 field of its input and reads past the end of its buffer"
            ),
            "severity": [{"type": "CVSS_V3", "score": vectors[i % vectors.len()]}],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": package},
                          "ranges": [{"type": "ECOSYSTEM",
                                      "events": [{"introduced": "0"}, {"fixed": "99:1.0-1"}]}]}],
        });
        zip.start_file(
            format!("{id}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(record.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn must(env: &Env, args: &[&str]) {
    let out = env.run(args);
    assert!(out.status.success(), "{args:?}:\n{}", render(env, &out));
}

/// A database whose main lists are larger than a pipe buffer in every format: 1,500 hosts
/// (12 of them scanned, with hundreds of findings each), a catalogue, a cycle and an
/// audit log. Built once per test process; each test works on a copy.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let env = Env::init();
        let mirror = env.home().join("mirror");
        debian_osv(&mirror);
        must(
            &env,
            &[
                "-q",
                "sync",
                "--from",
                mirror.to_str().unwrap(),
                "osv:Debian",
            ],
        );
        must(
            &env,
            &[
                "-q",
                "group",
                "add",
                "pilot",
                "--order",
                "0",
                "--window",
                "Mon,Wed 22:00-23:30 America/New_York",
            ],
        );
        must(
            &env,
            &[
                "-q",
                "group",
                "add",
                "prod",
                "--order",
                "1",
                "--window",
                "Tue 22:00-02:00 Europe/Berlin",
            ],
        );
        let mut inventory = String::from("name,group,tags,notes\n");
        for i in 0..1500 {
            let group = if i < 4 { "pilot" } else { "prod" };
            inventory.push_str(&format!(
                "web{i:04},{group},web;linux,front end {i} of the shop\n"
            ));
        }
        let file = env.file("inventory.csv", &inventory);
        must(&env, &["-q", "host", "import", file.to_str().unwrap()]);
        for i in 0..12 {
            must(
                &env,
                &[
                    "-q",
                    "scan",
                    "--import",
                    &collect("bookworm-base.out"),
                    "--host",
                    &format!("web{i:04}"),
                ],
            );
        }
        must(
            &env,
            &[
                "-q",
                "note",
                "add",
                "--package",
                "glibc",
                "reboot the pilot first, then prod",
            ],
        );
        must(&env, &["-q", "cycle", "start", "2026-11"]);
        env.save_template("output-fixture")
    })
}

/// A fresh environment holding a copy of the template database.
fn fleet() -> Env {
    Env::from_template(template())
}

/// Waits for the child, at most [`RUN_LIMIT`]; a child that hangs is killed and fails
/// the test.
fn wait_bounded(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + RUN_LIMIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// How a run that lost its reader ended: exit status and stderr.
struct Ended {
    status: ExitStatus,
    stderr: String,
}

/// Runs `args` with stdout a pipe that the reader closes after `read_first` bytes (0: the
/// reader is gone before the command starts). stderr goes to a file, so a chatty
/// command cannot block on it.
fn with_reader_gone(env: &Env, args: &[&str], read_first: usize) -> Ended {
    let stderr_path = env.home().join("stderr");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let mut cmd: Command = env.cmd(args);
    cmd.stdin(Stdio::null()).stderr(stderr);
    let mut child = if read_first == 0 {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let child = cmd.stdout(writer).spawn().unwrap();
        // The command's own copy of the write end is all there is.
        drop(cmd);
        child
    } else {
        let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = vec![0u8; read_first];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        child
    };
    let status = wait_bounded(&mut child, &format!("{args:?}"));
    Ended {
        status,
        stderr: std::fs::read_to_string(&stderr_path).unwrap(),
    }
}

/// Every command that prints data, in every format it takes. `big` cases print more than
/// a pipe buffer, so their reader leaves in the middle of the output.
fn cases() -> Vec<(Vec<&'static str>, bool)> {
    let mut cases: Vec<(Vec<&'static str>, bool)> = Vec::new();
    for format in ["table", "json", "csv"] {
        let generic: Vec<(Vec<&'static str>, bool)> = vec![
            (vec!["host", "list"], true),
            (vec!["host", "show", "web0001"], false),
            (vec!["group", "list"], false),
            (vec!["group", "show", "prod"], false),
            (vec!["calendar", "--count", "1000"], true),
            (vec!["findings"], true),
            (vec!["explain", "web0001"], true),
            (vec!["exception", "list"], false),
            (vec!["cycle", "list"], false),
            (vec!["cycle", "status"], false),
            (vec!["advisory", "search", "synthetic"], true),
            (vec!["advisory", "show", "DSA-6000-1"], false),
            (vec!["note", "list"], false),
            (vec!["audit", "list"], false),
            (vec!["sync", "--status"], false),
            (vec!["doctor"], false),
            (vec!["deploy", "--list"], false),
            (vec!["test", "--dry-run"], false),
            (vec!["report"], format == "json"),
        ];
        for (mut args, big) in generic {
            args.extend(["--format", format]);
            cases.push((args, big));
        }
    }
    for format in ["junit", "sarif", "markdown", "html", "prometheus"] {
        let big = matches!(format, "junit" | "sarif");
        cases.push((vec!["report", "--format", format], big));
    }
    for format in ["json", "csv"] {
        cases.push((vec!["audit", "export", "--format", format], false));
    }
    cases.push((vec!["calendar", "--ics", "--count", "1000"], true));
    cases.push((vec!["scan", "--print-script"], false));
    cases
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let env = fleet();
    for (args, big) in cases() {
        // The whole output first: the command succeeds here, and the big ones do not fit
        // in a pipe buffer (otherwise the test below would prove nothing).
        let full = env.run(&args);
        // doctor's verdict on this fleet is "never scanned" (exit 1); every other
        // command succeeds. The reader leaving changes neither.
        let expected = if args[0] == "doctor" { 1 } else { 0 };
        assert_eq!(
            full.status.code(),
            Some(expected),
            "{args:?}:\n{}",
            render(&env, &full)
        );
        if big {
            assert!(
                full.stdout.len() > PIPE_BUFFER,
                "{args:?} printed only {} bytes",
                full.stdout.len()
            );
        }
        // Status lines (`cycle 2026-11 (open, …)`) go to stderr either way; the reader
        // leaving adds nothing to them.
        let stderr = String::from_utf8(full.stderr).unwrap();
        assert!(
            expected == 1 || !stderr.contains("error"),
            "{args:?}: {stderr}"
        );
        let reads: &[usize] = if big { &[0, 16] } else { &[0] };
        for &read_first in reads {
            let ended = with_reader_gone(&env, &args, read_first);
            assert_eq!(
                (ended.status.code(), ended.stderr.as_str()),
                (Some(expected), stderr.as_str()),
                "{args:?} with the reader gone after {read_first} bytes"
            );
        }
    }
}

/// `vercmp --stdin` streams: its reader leaving ends it quietly too.
#[test]
fn a_closed_stdout_ends_vercmp_stdin_quietly() {
    let env = Env::new();
    let input: String = (0..20_000)
        .map(|i| format!("1.{i} 1.{}\n", i + 1))
        .collect();
    let input_path = env.file("pairs.txt", &input);
    let stderr_path = env.home().join("stderr");
    let mut child = env
        .cmd(&["vercmp", "deb", "--stdin"])
        .stdin(std::fs::File::open(&input_path).unwrap())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 4];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"<\n<\n");
    drop(stdout);
    let status = wait_bounded(&mut child, "vercmp --stdin");
    assert_eq!(status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&stderr_path).unwrap(), "");
}

/// A closed stdout is not a pass: a gate that trips still exits 1 with its message (a
/// CI job under `set -o pipefail` must not go green because `head` stopped reading).
#[test]
fn a_closed_stdout_does_not_open_a_gate() {
    let env = fleet();
    for args in [
        vec!["findings", "--fail-on", "high", "--format", "json"],
        vec!["report", "--fail-on", "high", "--format", "sarif"],
    ] {
        for read_first in [0, 16] {
            let ended = with_reader_gone(&env, &args, read_first);
            assert_eq!(ended.status.code(), Some(1), "{args:?}: {}", ended.stderr);
            // The data-age lines, then the gate's error and hint, and nothing else.
            let errors: Vec<&str> = ended
                .stderr
                .lines()
                .filter(|l| l.starts_with("error: "))
                .collect();
            assert_eq!(errors.len(), 1, "{args:?}: {}", ended.stderr);
            assert!(
                errors[0].starts_with("error: --fail-on high: "),
                "{}",
                ended.stderr
            );
            assert!(!ended.stderr.contains("pipe"), "{}", ended.stderr);
        }
    }
}

/// `--output` into a directory that does not exist names that directory.
#[test]
fn output_into_a_missing_directory_names_it() {
    let env = Env::init();
    insta::assert_snapshot!(env.snap(&[
        "audit",
        "export",
        "--format",
        "json",
        "--output",
        "evidence/2026/audit.json"
    ]));
}

/// A host whose scan failed shows `-` (JSON null) for what is not known about it, not
/// zeros: nobody can tell a clean host from one that could not be read otherwise.
#[test]
fn a_failed_scan_shows_unknown_counts() {
    let env = Env::init();
    env.ok(&["host", "add", "h1"]);
    let full = std::fs::read_to_string(collect("bookworm-base.out")).unwrap();
    let cut = full.find(" dpkg\n").unwrap();
    let truncated = env.file("truncated.out", &full[..cut]);
    let scan = |format: &str| {
        env.snap(&[
            "scan",
            "--import",
            truncated.to_str().unwrap(),
            "--host",
            "h1",
            "--format",
            format,
        ])
    };
    insta::assert_snapshot!("failed_scan_table", scan("table"));
    insta::assert_snapshot!("failed_scan_json", scan("json"));
}
