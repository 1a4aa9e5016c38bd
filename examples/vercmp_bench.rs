//! Throughput of our comparators against the package managers' own libraries.
//!
//! ```text
//! cargo run --release --example vercmp_bench -- --pairs 1000000
//! ```
//!
//! Builds N deterministic Debian pairs from this machine's real versions (dpkg-query and the
//! apt lists) mixed with mutations, and N RPM pairs from the rpm vectors with mutations;
//! writes them to temp files; times our compare loop; then times libapt
//! (`apt_pkg.version_compare`, python3-apt) and librpm (`rpm.labelCompare`, python3-rpm) on
//! the same files, and checks every answer against ours.
//!
//! Python's per-iteration cost would swamp a C comparison, so the Python side also times the
//! same loop with an empty body and reports both the raw rate and the loop-subtracted one.
//! The subtracted figure still contains Python's call overhead (argument tuple, int result),
//! so it is an upper bound on what the library costs, not the C function alone.

#[path = "../tests/support/mod.rs"]
mod support;

use patchcycle::version::Scheme;
use std::cmp::Ordering;
use std::hint::black_box;
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{Rng, mutate_deb, mutate_rpm, real_deb_packages};

const PYTHON: &str = "/usr/bin/python3";

/// Reads `a b` lines, pre-splits outside the timing, times an empty loop and the compare loop,
/// and prints JSON with the timings and every answer as one of `<=>`.
const PY_APT: &str = r#"
import json, sys, time
import apt_pkg
apt_pkg.init()
with open(sys.argv[1]) as f:
    pairs = [tuple(l.split()) for l in f]
vc = apt_pkg.version_compare
t = time.perf_counter()
for a, b in pairs:
    pass
empty = time.perf_counter() - t
t = time.perf_counter()
for a, b in pairs:
    vc(a, b)
raw = time.perf_counter() - t
res = ''.join('<' if r < 0 else ('=' if r == 0 else '>') for r in (vc(a, b) for a, b in pairs))
print(json.dumps({"impl": "libapt " + apt_pkg.VERSION, "raw_s": raw, "empty_s": empty, "results": res}))
"#;

/// Same for librpm; the EVR split mirrors rpm's parseEVR() and happens before timing.
const PY_RPM: &str = r#"
import json, sys, time
import rpm
def evr(s):
    i = 0
    while i < len(s) and s[i].isdigit():
        i += 1
    if i < len(s) and s[i] == ':':
        e, rest = (s[:i] or '0'), s[i + 1:]
    else:
        e, rest = None, s
    v, sep, r = rest.rpartition('-')
    return (e, v, r) if sep else (e, rest, None)
with open(sys.argv[1]) as f:
    pairs = [tuple(evr(x) for x in l.split()) for l in f]
lc = rpm.labelCompare
t = time.perf_counter()
for a, b in pairs:
    pass
empty = time.perf_counter() - t
t = time.perf_counter()
for a, b in pairs:
    lc(a, b)
raw = time.perf_counter() - t
res = ''.join('<' if r < 0 else ('=' if r == 0 else '>') for r in (lc(a, b) for a, b in pairs))
print(json.dumps({"impl": "librpm " + rpm.__version__, "raw_s": raw, "empty_s": empty, "results": res}))
"#;

fn parse_args() -> Result<usize, String> {
    let mut pairs = 1_000_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pairs" => {
                let v = args.next().ok_or("--pairs needs a number")?;
                pairs = v.parse().map_err(|e| format!("--pairs {v:?}: {e}"))?;
                if pairs == 0 {
                    return Err("--pairs must be at least 1".into());
                }
            }
            "-h" | "--help" => {
                println!("usage: vercmp_bench [--pairs N]   (default 1000000)");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(pairs)
}

/// Deb pairs like the vectors: 35 % two versions of one package, 35 % a version against a
/// mutation of itself, 30 % two random versions. Only pairs dpkg would accept are kept.
fn deb_pairs(n: usize, rng: &mut Rng) -> Result<Vec<(String, String)>, String> {
    let packages = real_deb_packages();
    let all: Vec<&String> = packages.values().flatten().collect();
    if all.is_empty() {
        return Err("no Debian versions found via dpkg-query or /var/lib/apt/lists".into());
    }
    let multi: Vec<&Vec<String>> = packages.values().filter(|v| v.len() > 1).collect();
    eprintln!(
        "corpus: {} real deb versions of {} packages ({} with several versions)",
        all.len(),
        packages.len(),
        multi.len()
    );
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0usize;
    while out.len() < n {
        attempts += 1;
        if attempts > n.saturating_mul(10) + 1000 {
            return Err("too many invalid mutations; corpus unusable".into());
        }
        let roll = rng.below(100);
        let (a, b) = if roll < 35 && !multi.is_empty() {
            let vs = rng.pick(&multi);
            (rng.pick(vs).clone(), rng.pick(vs).clone())
        } else if roll < 70 {
            let a = (*rng.pick(&all)).clone();
            let b = mutate_deb(rng, &a);
            if rng.chance(50) { (a, b) } else { (b, a) }
        } else {
            ((*rng.pick(&all)).clone(), (*rng.pick(&all)).clone())
        };
        if Scheme::Deb.validate(&a).is_ok() && Scheme::Deb.validate(&b).is_ok() {
            out.push((a, b));
        }
    }
    Ok(out)
}

fn rpm_pairs(n: usize, rng: &mut Rng) -> Result<Vec<(String, String)>, String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/shared/vectors/rpm-vercmp.tsv"
    );
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut corpus: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split('\t').take(2).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    corpus.sort();
    corpus.dedup();
    if corpus.is_empty() {
        return Err(format!("{path}: no versions"));
    }
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0usize;
    while out.len() < n {
        attempts += 1;
        if attempts > n.saturating_mul(10) + 1000 {
            return Err("too many invalid rpm mutations".into());
        }
        let a = rng.pick(&corpus).clone();
        let (a, b) = if rng.chance(60) {
            let b = mutate_rpm(rng, &a);
            if rng.chance(50) { (a, b) } else { (b, a) }
        } else {
            (a, rng.pick(&corpus).clone())
        };
        if Scheme::Rpm.validate(&a).is_ok() && Scheme::Rpm.validate(&b).is_ok() {
            out.push((a, b));
        }
    }
    Ok(out)
}

fn write_pairs(pairs: &[(String, String)]) -> Result<tempfile::NamedTempFile, String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    {
        let mut w = std::io::BufWriter::new(file.as_file_mut());
        for (a, b) in pairs {
            writeln!(w, "{a} {b}").map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(file)
}

fn sym(o: Ordering) -> u8 {
    match o {
        Ordering::Less => b'<',
        Ordering::Equal => b'=',
        Ordering::Greater => b'>',
    }
}

struct Row {
    scheme: &'static str,
    what: String,
    pairs: usize,
    time: Duration,
    agree: String,
}

impl Row {
    fn rate(&self) -> f64 {
        self.pairs as f64 / self.time.as_secs_f64().max(1e-12)
    }
}

/// Times our borrowed hot path (validation included) over the file's pairs, three runs,
/// best kept, and returns the answers of the last run.
fn time_ours(scheme: Scheme, text: &str) -> Result<(Duration, Vec<u8>), String> {
    let pairs: Vec<(&str, &str)> = text
        .lines()
        .map(|l| l.split_once(' ').ok_or_else(|| format!("bad line {l:?}")))
        .collect::<Result<_, _>>()?;
    let mut answers = vec![0u8; pairs.len()];
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        for (slot, (a, b)) in answers.iter_mut().zip(&pairs) {
            let ord = scheme
                .compare(black_box(a), black_box(b))
                .map_err(|e| format!("{a} {b}: {e}"))?;
            *slot = sym(ord);
        }
        best = best.min(t.elapsed());
    }
    Ok((black_box(best), answers))
}

fn time_stream(scheme: Scheme, path: &std::path::Path) -> Result<Duration, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut sink = std::io::sink();
    let t = Instant::now();
    patchcycle::version::vercmp_stream(scheme, std::io::BufReader::new(file), &mut sink)
        .map_err(|e| e.to_string())?;
    Ok(t.elapsed())
}

/// The whole `patchcycle vercmp SCHEME --stdin` process, as a user runs it: start-up,
/// reading the file from stdin, validating and comparing every pair, writing one symbol per
/// line to a pipe (read here and checked against the in-memory answers). Best of three.
fn time_process(scheme: Scheme, path: &std::path::Path, ours: &[u8]) -> Result<Duration, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/<profile>/examples/vercmp_bench → target/<profile>/patchcycle
    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("patchcycle"))
        .ok_or("no target directory")?;
    if !bin.exists() {
        return Err(format!(
            "{} not built: run `cargo build --release` first",
            bin.display()
        ));
    }
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let input = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let t = Instant::now();
        let out = Command::new(&bin)
            .args(["vercmp", scheme.name(), "--stdin"])
            .stdin(input)
            .output()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let elapsed = t.elapsed();
        if !out.status.success() {
            return Err(format!(
                "vercmp --stdin failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let answers: Vec<u8> = out.stdout.iter().copied().filter(|&c| c != b'\n').collect();
        if answers != ours {
            return Err("vercmp --stdin answers differ from the in-memory ones".into());
        }
        best = best.min(elapsed);
    }
    Ok(best)
}

fn agreement(ours: &[u8], theirs: &[u8], pairs: &[(String, String)]) -> String {
    if ours.len() != theirs.len() {
        return format!("LENGTH MISMATCH {} vs {}", ours.len(), theirs.len());
    }
    let bad: Vec<usize> = (0..ours.len()).filter(|&i| ours[i] != theirs[i]).collect();
    for &i in bad.iter().take(10) {
        let (a, b) = &pairs[i];
        eprintln!(
            "DISAGREEMENT {a} {b}: ours {} theirs {}",
            ours[i] as char, theirs[i] as char
        );
    }
    if bad.is_empty() {
        "all agree".into()
    } else {
        format!("{} DISAGREE", bad.len())
    }
}

/// Runs one Python oracle script; returns rows for raw and loop-subtracted rates.
fn python_rows(
    scheme: &'static str,
    script: &str,
    path: &std::path::Path,
    ours: &[u8],
    pairs: &[(String, String)],
) -> Vec<Row> {
    let out = Command::new(PYTHON)
        .arg("-c")
        .arg(script)
        .arg(path)
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let last = err.lines().last().unwrap_or("failed").to_owned();
            eprintln!("{scheme}: python oracle unavailable: {last}");
            return Vec::new();
        }
        Err(e) => {
            eprintln!("{scheme}: cannot run {PYTHON}: {e}");
            return Vec::new();
        }
    };
    let parsed: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{scheme}: bad python output: {e}");
            return Vec::new();
        }
    };
    let raw = parsed["raw_s"].as_f64().unwrap_or(f64::NAN);
    let empty = parsed["empty_s"].as_f64().unwrap_or(f64::NAN);
    let name = parsed["impl"].as_str().unwrap_or("?").to_owned();
    let agree = agreement(
        ours,
        parsed["results"].as_str().unwrap_or("").as_bytes(),
        pairs,
    );
    let secs = |s: f64| Duration::from_secs_f64(s.max(1e-9));
    vec![
        Row {
            scheme,
            what: format!("{name} via python3, raw loop"),
            pairs: pairs.len(),
            time: secs(raw),
            agree: agree.clone(),
        },
        Row {
            scheme,
            what: format!("{name} via python3, minus empty loop ({empty:.3} s)"),
            pairs: pairs.len(),
            time: secs(raw - empty),
            agree,
        },
    ]
}

fn run() -> Result<(), String> {
    let n = parse_args()?;
    let mut rng = Rng::new(0x00BE_AC42);
    let mut rows = Vec::new();

    let deb = deb_pairs(n, &mut rng)?;
    let deb_file = write_pairs(&deb)?;
    let deb_text = std::fs::read_to_string(deb_file.path()).map_err(|e| e.to_string())?;
    let (t, ours) = time_ours(Scheme::Deb, &deb_text)?;
    rows.push(Row {
        scheme: "deb",
        what: "patchcycle compare (in memory)".into(),
        pairs: n,
        time: t,
        agree: "-".into(),
    });
    let t = time_stream(Scheme::Deb, deb_file.path())?;
    rows.push(Row {
        scheme: "deb",
        what: "patchcycle vercmp_stream (file in, sink out)".into(),
        pairs: n,
        time: t,
        agree: "-".into(),
    });
    let t = time_process(Scheme::Deb, deb_file.path(), &ours)?;
    rows.push(Row {
        scheme: "deb",
        what: "patchcycle vercmp deb --stdin (whole process, pipe out)".into(),
        pairs: n,
        time: t,
        agree: "-".into(),
    });
    rows.extend(python_rows("deb", PY_APT, deb_file.path(), &ours, &deb));
    drop(deb_text);
    drop(deb);

    let rpm = rpm_pairs(n, &mut rng)?;
    let rpm_file = write_pairs(&rpm)?;
    let rpm_text = std::fs::read_to_string(rpm_file.path()).map_err(|e| e.to_string())?;
    let (t, ours) = time_ours(Scheme::Rpm, &rpm_text)?;
    rows.push(Row {
        scheme: "rpm",
        what: "patchcycle compare (in memory)".into(),
        pairs: n,
        time: t,
        agree: "-".into(),
    });
    rows.extend(python_rows("rpm", PY_RPM, rpm_file.path(), &ours, &rpm));

    println!();
    println!(
        "{:<6} {:<60} {:>10} {:>10} {:>14}  vs ours",
        "scheme", "implementation", "pairs", "time (s)", "compares/s"
    );
    println!("{}", "-".repeat(118));
    for r in &rows {
        println!(
            "{:<6} {:<60} {:>10} {:>10.3} {:>14.0}  {}",
            r.scheme,
            r.what,
            r.pairs,
            r.time.as_secs_f64(),
            r.rate(),
            r.agree
        );
    }
    println!();
    // The #23 comparison, spelled out: the whole process against both libapt rows.
    let rate_of = |scheme: &str, prefix: &str, suffix: &str| {
        rows.iter()
            .find(|r| r.scheme == scheme && r.what.starts_with(prefix) && r.what.contains(suffix))
            .map(Row::rate)
    };
    if let (Some(process), Some(raw), Some(sub)) = (
        rate_of("deb", "patchcycle vercmp deb --stdin", "whole process"),
        rate_of("deb", "libapt", "raw loop"),
        rate_of("deb", "libapt", "minus empty loop"),
    ) {
        println!(
            "vercmp deb --stdin (whole process) against libapt: {:.2}x the raw loop, \
             {:.2}x the loop-subtracted rate",
            process / raw,
            process / sub
        );
    }
    println!("ours: best of 3 runs, validation of both strings included, no allocation per pair.");
    println!(
        "python rows: one timed loop; 'minus empty loop' still includes Python call overhead."
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("vercmp_bench: {e}");
        std::process::exit(1);
    }
}
