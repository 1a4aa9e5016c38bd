//! Runs every benchmark program in `examples/` at a small size, so they keep working.
//! The real figures come from release builds at full size (README, "Benchmarks").

mod common;

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/NAME`, built by `cargo test` alongside this test.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    profile_dir.join("examples").join(name)
}

/// Builds the example when this test runs alone (`cargo test --test bench_smoke` does
/// not build examples; a plain `cargo test` does).
fn build_example(name: &str) -> PathBuf {
    let bin = example(name);
    // Always asked for: cargo does nothing when it is up to date, and a binary left from
    // an older checkout would measure old code (or refuse a newer database).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--example", name])
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --example {name} failed");
    assert!(bin.exists(), "{} not built", bin.display());
    bin
}

#[test]
fn import_bench_runs_small() {
    let bin = build_example("import_bench");
    let out = Command::new(&bin)
        .args(["--hosts", "500", "--runs", "1"])
        .output()
        .expect("run import_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "import_bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("host import of 500 CSV rows"),
        "{stdout}"
    );
}

#[test]
fn vercmp_bench_runs_small_and_agrees_with_libapt_and_librpm() {
    let bin = build_example("vercmp_bench");
    let out = Command::new(&bin)
        .args(["--pairs", "2000"])
        .output()
        .expect("run vercmp_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "vercmp_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Four library rows (libapt, librpm; raw and loop-subtracted), each checked pair
    // by pair against our answers.
    assert_eq!(stdout.matches("all agree").count(), 4, "{stdout}");
    // The whole `vercmp deb --stdin` process ran (its answers are checked against the
    // in-memory ones inside the bench, which fails otherwise).
    assert!(
        stdout.contains("patchcycle vercmp deb --stdin (whole process, pipe out)"),
        "{stdout}"
    );
}

#[test]
fn sync_bench_runs_small() {
    let bin = build_example("sync_bench");
    let out = Command::new(&bin)
        .args(["--records", "2000"])
        .output()
        .expect("run sync_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "sync_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("unchanged re-sync"), "{stdout}");
}

#[test]
fn msrc_sync_bench_runs_small() {
    let bin = build_example("msrc_sync_bench");
    // Two of the real documents of tests/data/msrc, with an index listing just them.
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/msrc/cvrf");
    let dir = tempfile::tempdir().expect("temp dir");
    let cvrf = dir.path().join("msrc/cvrf");
    std::fs::create_dir_all(&cvrf).expect("mkdir");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("index.json")).expect("index"))
            .expect("json");
    let months = ["2026-May", "2026-Jun"];
    index["value"]
        .as_array_mut()
        .expect("value")
        .retain(|e| months.contains(&e["ID"].as_str().unwrap_or_default()));
    std::fs::write(cvrf.join("index.json"), index.to_string()).expect("write index");
    for m in months {
        let f = format!("{m}.xml.zst");
        std::fs::copy(data.join(&f), cvrf.join(&f)).expect("copy");
    }
    let out = Command::new(&bin)
        .arg("--from")
        .arg(dir.path())
        .output()
        .expect("run msrc_sync_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "msrc_sync_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("sync msrc, 2 documents, fresh db"),
        "{stdout}"
    );
    assert!(stdout.contains("unchanged re-sync"), "{stdout}");
    assert!(stdout.contains("held: 2 documents"), "{stdout}");
}

#[test]
fn match_bench_runs_small() {
    let bin = build_example("match_bench");
    let out = Command::new(&bin)
        .args(["--hosts", "20", "--packages", "200", "--advisories", "2000"])
        .output()
        .expect("run match_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "match_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("matched 20 hosts x 200 packages"),
        "{stdout}"
    );
}

#[test]
fn collect_bench_runs_small_on_the_lab() {
    // Needs the fleet lab (root): skipped with a reason outside CI, required under CI.
    let _lab = common::lab::lab_or_skip!(3);
    let bin = build_example("collect_bench");
    // The bench runs ../patchcycle: make sure the binary beside it is built.
    assert!(PathBuf::from(env!("CARGO_BIN_EXE_patchcycle")).exists());
    let out = Command::new(&bin)
        .args(["--hosts", "3", "--runs", "1"])
        .output()
        .expect("run collect_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "collect_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("collection from 3 lab hosts"), "{stdout}");
}

#[test]
fn report_bench_runs_small() {
    let bin = build_example("report_bench");
    // The bench runs ../patchcycle: make sure the binary beside it is built.
    assert!(PathBuf::from(env!("CARGO_BIN_EXE_patchcycle")).exists());
    let out = Command::new(&bin)
        .args(["--hosts", "200", "--runs", "1"])
        .output()
        .expect("run report_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "report_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("generated 200 hosts x 3 scans"),
        "{stdout}"
    );
    assert!(stdout.contains("\nslowest: "), "{stdout}");
    for f in [
        "table",
        "json",
        "csv",
        "junit",
        "sarif",
        "markdown",
        "html",
        "prometheus",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{f} "))),
            "{f} missing: {stdout}"
        );
    }
}

#[test]
fn rematch_bench_runs_small() {
    let bin = build_example("rematch_bench");
    // The bench runs ../patchcycle: make sure the binary beside it is built.
    assert!(PathBuf::from(env!("CARGO_BIN_EXE_patchcycle")).exists());
    let out = Command::new(&bin)
        .args(["--hosts", "50", "--packages", "200"])
        .output()
        .expect("run rematch_bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "rematch_bench failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("generated 50 hosts x 200 packages"),
        "{stdout}"
    );
    // Every host re-matched, each time; the first time every finding is new.
    assert!(
        stdout.contains("first re-match: ")
            && stdout.contains(
                "re-matched 50 hosts against the new catalogue: +950 new, -0 gone findings"
            ),
        "{stdout}"
    );
    assert!(stdout.contains("\n950 findings rows stored\n"), "{stdout}");
    assert!(stdout.contains("\nslowest: "), "{stdout}");
}
