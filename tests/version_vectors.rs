//! Replays every oracle-generated vector in `tests/data/shared/vectors` (answers from dpkg, rpm and
//! apk-tools themselves). The data lives beside the repository, never inside it.

use patchcycle::version::{Scheme, Version};
use std::cmp::Ordering;
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared/vectors")
}

fn read(name: &str) -> String {
    let path = vectors_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Fails with the count and the first 20 problems, so one run shows the whole picture.
fn report(what: &str, checked: usize, problems: &[String]) {
    assert!(checked > 0, "{what}: no rows checked");
    assert!(
        problems.is_empty(),
        "{what}: {} of {checked} rows wrong; first {}:\n{}",
        problems.len(),
        problems.len().min(20),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn check_vercmp(scheme: Scheme, file: &str, min_rows: usize) {
    let text = read(file);
    let mut checked = 0;
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [a, b, want] = fields[..] else {
            problems.push(format!("{file}:{}: malformed row {line:?}", n + 1));
            continue;
        };
        let want = match want {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("{file}:{}: bad expectation {other:?}", n + 1),
        };
        checked += 1;
        // The borrowed hot path and the owned types must both agree with the oracle.
        let fast = scheme.compare(a, b);
        let owned = scheme
            .parse(a)
            .and_then(|x| scheme.parse(b).and_then(|y| x.compare(&y)));
        let round_trip = scheme.parse(a).map(|v: Version| v.to_string());
        if fast != Ok(want) || owned != Ok(want) || round_trip.as_deref() != Ok(a) {
            problems.push(format!(
                "{file}:{}: {a:?} vs {b:?}: want {want:?}, compare {fast:?}, owned {owned:?}",
                n + 1
            ));
        }
    }
    report(file, checked, &problems);
    assert!(
        checked >= min_rows,
        "{file}: only {checked} rows, expected at least {min_rows}"
    );
}

fn check_invalid(scheme: Scheme, file: &str, min_rows: usize) {
    let text = read(file);
    let mut checked = 0;
    let mut problems = Vec::new();
    // Whole lines: one of them contains a tab, which is part of the version.
    for (n, line) in text.split('\n').enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        checked += 1;
        if let Ok(v) = scheme.parse(line) {
            problems.push(format!("{file}:{}: {line:?} accepted as {v:?}", n + 1));
        }
    }
    report(file, checked, &problems);
    assert!(
        checked >= min_rows,
        "{file}: only {checked} rows, expected at least {min_rows}"
    );
}

#[test]
fn deb_vercmp_vectors() {
    check_vercmp(Scheme::Deb, "deb-vercmp.tsv", 20_036);
}

#[test]
fn rpm_vercmp_vectors() {
    check_vercmp(Scheme::Rpm, "rpm-vercmp.tsv", 5_019);
}

#[test]
fn apk_vercmp_vectors() {
    check_vercmp(Scheme::Apk, "apk-vercmp.tsv", 9_526);
}

#[test]
fn deb_invalid_vectors() {
    check_invalid(Scheme::Deb, "deb-invalid.txt", 23);
    assert!(
        Scheme::Deb.parse("").is_err(),
        "the empty string is invalid for dpkg"
    );
}

#[test]
fn apk_invalid_vectors() {
    check_invalid(Scheme::Apk, "apk-invalid.txt", 68);
}
