//! `patchcycle vercmp`: the command-line contract, and a million lines on stdin.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use common::cli::Env;
use insta::assert_snapshot;

#[test]
fn two_versions_print_the_relation() {
    let env = Env::new();
    assert_snapshot!("deb_gt", env.snap(&["vercmp", "deb", "1:2.0-1", "2.0-1"]));
    assert_snapshot!(
        "rpm_lt",
        env.snap(&["vercmp", "rpm", "1.0-1.el9", "1.0-2.el9"])
    );
    assert_snapshot!(
        "apk_eq",
        env.snap(&["vercmp", "apk", "1.2.3-r0", "1.2.3-r0"])
    );
}

#[test]
fn relation_form_answers_by_exit_code() {
    let env = Env::new();
    assert_snapshot!(
        "lt_true",
        env.snap(&["vercmp", "deb", "1.0~rc1", "lt", "1.0"])
    );
    assert_snapshot!(
        "lt_false",
        env.snap(&["vercmp", "deb", "1.0", "lt", "1.0~rc1"])
    );
    assert_snapshot!(
        "ge_symbol",
        env.snap(&["vercmp", "rpm", "2:1.0", ">=", "1:9.9"])
    );
    assert_snapshot!(
        "bad_relation",
        env.snap(&["vercmp", "deb", "1.0", "<", "2.0"])
    );
}

#[test]
fn invalid_input_is_exit_2() {
    let env = Env::new();
    assert_snapshot!("invalid_version", env.snap(&["vercmp", "deb", "1.0", "a!"]));
    assert_snapshot!("unknown_scheme", env.snap(&["vercmp", "zip", "1", "2"]));
    let out = env
        .cmd(&["vercmp", "deb", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(b"1.0 1.1\n2.0 2.0\n1: 3\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "<\n=\n");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: line 3: invalid deb version \"1:\": nothing after the epoch colon\n"
    );
}

/// The deb vectors, repeated to a million lines, streamed through `vercmp --stdin`;
/// every answer is checked against the vector's expected result.
#[test]
fn stdin_handles_a_million_lines() {
    let vectors =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared/vectors/deb-vercmp.tsv");
    let rows: Vec<(String, String, String)> = std::fs::read_to_string(vectors)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            (
                f.next().unwrap().to_string(),
                f.next().unwrap().to_string(),
                f.next().unwrap().to_string(),
            )
        })
        // Lines are split on whitespace: vectors with inner spaces cannot be written so.
        .filter(|(a, b, _)| {
            !a.trim().contains(char::is_whitespace) && !b.trim().contains(char::is_whitespace)
        })
        .collect();
    assert!(rows.len() > 10_000);
    const LINES: usize = 1_000_000;
    let env = Env::new();
    let mut child = env
        .cmd(&["vercmp", "deb", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer_rows = rows.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for i in 0..LINES {
            let (a, b, _) = &writer_rows[i % writer_rows.len()];
            writeln!(w, "{} {}", a.trim(), b.trim()).unwrap();
        }
    });
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut n = 0;
    for line in stdout.lines() {
        let line = line.unwrap();
        assert_eq!(line, rows[n % rows.len()].2, "line {}", n + 1);
        n += 1;
    }
    writer.join().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(n, LINES);
}
