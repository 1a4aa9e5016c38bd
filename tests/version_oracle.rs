//! Live oracle tests: our answers against the real `dpkg` and `rpm` on this machine.
//!
//! When a tool is missing the test is skipped with a printed reason, except under CI=true,
//! where a missing oracle must fail loudly instead of passing vacuously.

mod support;

use patchcycle::version::Scheme;
use std::cmp::Ordering;
use std::process::Command;
use support::{Rng, break_deb, mutate_deb, mutate_rpm, real_deb_packages};

const PAIRS: usize = 2_000;

/// Returns false (after printing why) if `tool` is unusable and we may skip.
fn tool_available(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "oracle `{tool}` is not installed, and CI=true requires it"
        );
        println!("SKIPPED: `{tool}` not available; install it to run this oracle test");
    }
    ok
}

fn sym(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

fn report(what: &str, checked: usize, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} of {checked} disagreements; first {}:\n{}",
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

/// Runs `sh -c script` with `args` as positional parameters, returning stdout lines.
fn sh_lines(script: &str, args: &[String]) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .args(args)
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn deb_pairs(rng: &mut Rng) -> Vec<(String, String)> {
    let packages = real_deb_packages();
    let all: Vec<&String> = packages.values().flatten().collect();
    let multi: Vec<&Vec<String>> = packages.values().filter(|v| v.len() > 1).collect();
    assert!(
        !all.is_empty(),
        "no Debian versions found via dpkg-query or apt lists"
    );
    let mut pairs = Vec::with_capacity(PAIRS);
    // Bounded: each round adds at most one pair, invalid mutations are retried a fixed number
    // of times overall.
    for _ in 0..PAIRS * 20 {
        if pairs.len() == PAIRS {
            break;
        }
        let (a, b) = match rng.below(10) {
            0..=2 if !multi.is_empty() => {
                let vs = rng.pick(&multi);
                (rng.pick(vs).clone(), rng.pick(vs).clone())
            }
            0..=5 => {
                let a = (*rng.pick(&all)).clone();
                let b = mutate_deb(rng, &a);
                if rng.chance(50) { (a, b) } else { (b, a) }
            }
            6 => {
                let a = (*rng.pick(&all)).clone();
                (a.clone(), a)
            }
            _ => ((*rng.pick(&all)).clone(), (*rng.pick(&all)).clone()),
        };
        if Scheme::Deb.validate(&a).is_ok() && Scheme::Deb.validate(&b).is_ok() {
            pairs.push((a, b));
        }
    }
    assert_eq!(pairs.len(), PAIRS, "could not build enough valid pairs");
    pairs
}

#[test]
fn deb_compare_matches_dpkg() {
    if !tool_available("dpkg", &["--version"]) {
        return;
    }
    let mut rng = Rng::new(0x5EED_DEB0);
    let pairs = deb_pairs(&mut rng);
    let args: Vec<String> = pairs
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let script = r#"
        while [ $# -ge 2 ]; do
            if dpkg --compare-versions "$1" lt "$2"; then echo "<"
            elif dpkg --compare-versions "$1" eq "$2"; then echo "="
            else echo ">"; fi
            shift 2
        done"#;
    let answers = sh_lines(script, &args);
    assert_eq!(
        answers.len(),
        pairs.len(),
        "dpkg answered {} of {} pairs",
        answers.len(),
        pairs.len()
    );
    let mut problems = Vec::new();
    for ((a, b), want) in pairs.iter().zip(&answers) {
        let ours = Scheme::Deb.compare(a, b).map(sym);
        if ours != Ok(want.as_str()) {
            problems.push(format!("{a:?} vs {b:?}: dpkg {want}, ours {ours:?}"));
        }
    }
    report("deb vs dpkg --compare-versions", pairs.len(), &problems);
}

#[test]
fn deb_validation_matches_dpkg() {
    if !tool_available("dpkg", &["--version"]) {
        return;
    }
    let mut rng = Rng::new(0xBAD_DEB);
    let packages = real_deb_packages();
    let all: Vec<&String> = packages.values().flatten().collect();
    assert!(!all.is_empty(), "no Debian versions found");
    let candidates: Vec<String> = (0..600)
        .map(|i| {
            let v = rng.pick(&all);
            if i % 3 == 0 {
                mutate_deb(&mut rng, v)
            } else {
                break_deb(&mut rng, v)
            }
        })
        .collect();
    let script = r#"
        for v in "$@"; do
            if dpkg --validate-version -- "$v" >/dev/null 2>&1; then echo ok; else echo bad; fi
        done"#;
    let answers = sh_lines(script, &candidates);
    assert_eq!(answers.len(), candidates.len());
    let mut problems = Vec::new();
    let mut rejected = 0;
    for (v, want) in candidates.iter().zip(&answers) {
        let ours = Scheme::Deb.validate(v);
        rejected += usize::from(want == "bad");
        if ours.is_ok() != (want == "ok") {
            problems.push(format!("{v:?}: dpkg {want}, ours {ours:?}"));
        }
    }
    report(
        "deb vs dpkg --validate-version",
        candidates.len(),
        &problems,
    );
    assert!(
        rejected > 100,
        "too few invalid candidates ({rejected}) to test anything"
    );
}

fn rpm_corpus() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/shared/vectors/rpm-vercmp.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut vs: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split('\t').take(2).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    vs.sort();
    vs.dedup();
    vs
}

#[test]
fn rpm_compare_matches_rpm() {
    if !tool_available("rpm", &["--version"]) {
        return;
    }
    let corpus = rpm_corpus();
    let mut rng = Rng::new(0x5EED_0F9A);
    let mut pairs = Vec::with_capacity(PAIRS);
    for _ in 0..PAIRS * 20 {
        if pairs.len() == PAIRS {
            break;
        }
        let a = rng.pick(&corpus).clone();
        let (a, b) = match rng.below(10) {
            0..=5 => {
                let b = mutate_rpm(&mut rng, &a);
                if rng.chance(50) { (a, b) } else { (b, a) }
            }
            6 => {
                let m = mutate_rpm(&mut rng, &a);
                (mutate_rpm(&mut rng, &m), m)
            }
            7 => (a.clone(), a),
            _ => (a, rng.pick(&corpus).clone()),
        };
        if Scheme::Rpm.validate(&a).is_ok() && Scheme::Rpm.validate(&b).is_ok() {
            pairs.push((a, b));
        }
    }
    assert_eq!(pairs.len(), PAIRS);
    // Valid strings hold only [A-Za-z0-9._+~^:-], so they are safe inside Lua "..." literals.
    // Batches keep each --eval argument well below the kernel's 128 KiB per-argument limit.
    let mut answers = Vec::with_capacity(PAIRS);
    for chunk in pairs.chunks(400) {
        let mut lua = String::from("%{lua: ");
        for (a, b) in chunk {
            lua.push_str(&format!("print(rpm.vercmp(\"{a}\", \"{b}\") .. \"\\n\") "));
        }
        lua.push('}');
        let out = Command::new("rpm")
            .arg("--eval")
            .arg(&lua)
            .output()
            .expect("run rpm");
        assert!(
            out.status.success(),
            "rpm failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        answers.extend(
            String::from_utf8(out.stdout)
                .expect("utf-8")
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    assert_eq!(
        answers.len(),
        pairs.len(),
        "rpm answered {} of {} pairs",
        answers.len(),
        pairs.len()
    );
    let mut problems = Vec::new();
    for ((a, b), want) in pairs.iter().zip(&answers) {
        let want = match want.as_str() {
            "-1" => "<",
            "0" => "=",
            "1" => ">",
            other => panic!("unexpected rpm answer {other:?}"),
        };
        let ours = Scheme::Rpm.compare(a, b).map(sym);
        if ours != Ok(want) {
            problems.push(format!("{a:?} vs {b:?}: rpm {want}, ours {ours:?}"));
        }
    }
    report("rpm vs rpm.vercmp", pairs.len(), &problems);
}
