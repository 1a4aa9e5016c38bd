//! completions/ and man/ are generated from the clap definition; the committed copies
//! must be current. `BLESS=1 cargo test --test generated` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            out.insert(
                Path::new(sub).join(e.file_name()),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn completions_and_man_pages_are_current() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("BLESS").is_some_and(|v| v == "1") {
        for sub in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(repo.join(sub));
        }
        patchcycle::cli::generate::write_all(repo).unwrap();
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    patchcycle::cli::generate::write_all(tmp.path()).unwrap();
    let fresh = read_tree(tmp.path());
    let committed = read_tree(repo);
    let fresh_names: Vec<_> = fresh.keys().collect();
    let committed_names: Vec<_> = committed.keys().collect();
    assert_eq!(
        committed_names, fresh_names,
        "completions/ or man/ lists other files than the CLI generates; run BLESS=1 cargo test --test generated"
    );
    for (name, bytes) in &fresh {
        assert!(
            committed.get(name) == Some(bytes),
            "{} is stale; run BLESS=1 cargo test --test generated",
            name.display()
        );
    }
}

#[test]
fn generate_command_writes_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_patchcycle"))
        .args(["generate", "--out"])
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(status.success());
    let lib = tempfile::tempdir().unwrap();
    patchcycle::cli::generate::write_all(lib.path()).unwrap();
    assert_eq!(read_tree(tmp.path()), read_tree(lib.path()));
    assert!(tmp.path().join("man/patchcycle-host-import.1").exists());
    assert!(tmp.path().join("completions/_patchcycle").exists());
}
