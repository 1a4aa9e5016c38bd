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

/// The committed man pages, by file name, as text.
fn man_pages() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        out.insert(name, std::fs::read_to_string(e.path()).unwrap());
    }
    out
}

/// `patchcycle-host-add(1)`, `patchcycle(1)`: every page name followed by `(1)` in the
/// roff text (where `-` is written `\-` and names may be set in bold, `\fB…\fR`).
fn page_references(roff: &str) -> Vec<String> {
    let text = roff
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fR", "");
    let mut refs = Vec::new();
    for (at, _) in text.match_indices("(1)") {
        let name: String = text[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.starts_with("patchcycle") {
            refs.push(name);
        }
    }
    refs
}

#[test]
fn man_pages_refer_only_to_pages_that_exist() {
    let pages = man_pages();
    let mut missing = Vec::new();
    let mut seen = 0;
    for (file, roff) in &pages {
        for name in page_references(roff) {
            seen += 1;
            if !pages.contains_key(&format!("{name}.1")) {
                missing.push(format!("{file} refers to {name}(1)"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The parent lists its subcommands and every subcommand page sees its parent.
    assert!(seen > pages.len(), "only {seen} references found");
    assert!(
        !pages
            .keys()
            .any(|p| p.contains("help") || p.contains("generate"))
    );
}

#[test]
fn every_man_page_has_exit_status_environment_and_files() {
    for (file, roff) in man_pages() {
        for section in [
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            "\\fB130\\fR",
            "\\fBPATCHCYCLE_DB\\fR",
            "\\fBNO_COLOR\\fR",
        ] {
            assert!(roff.contains(section), "{file} lacks {section}");
        }
        if file != "patchcycle.1" {
            assert!(roff.contains(".SH \"SEE ALSO\""), "{file} lacks SEE ALSO");
        }
    }
}

/// Environment variable names the sources read: `var("X")`, `var_os("X")`, `env = "X"`
/// (clap), `from_env("X")` and `xdg_dir("X", …)`.
fn env_vars_read_by_sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for opener in [
            "var(\"",
            "var_os(\"",
            "env = \"",
            "from_env(\"",
            "xdg_dir(\"",
        ] {
            for (at, _) in text.match_indices(opener) {
                let rest = &text[at + opener.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if !name.is_empty() && rest[name.len()..].starts_with('"') {
                    found.insert(name, file.display().to_string());
                }
            }
        }
    }
    found
}

#[test]
fn man_environment_names_every_variable_the_sources_read() {
    let documented: Vec<&str> = patchcycle::cli::generate::ENVIRONMENT
        .iter()
        .map(|v| v.name)
        .collect();
    let read = env_vars_read_by_sources();
    for must in [
        "PATCHCYCLE_DB",
        "PATCHCYCLE_NOW",
        "NO_COLOR",
        "XDG_DATA_HOME",
    ] {
        assert!(read.contains_key(must), "the scan of src/ missed {must}");
    }
    let undocumented: Vec<String> = read
        .iter()
        .filter(|(name, _)| !documented.contains(&name.as_str()))
        .map(|(name, file)| format!("{name} (read in {file})"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "add these to cli::generate::ENVIRONMENT: {}",
        undocumented.join(", ")
    );
    // A documented variable nobody reads would be a lie; COMPLETE is read by
    // clap_complete's CompleteEnv.
    let unread: Vec<&&str> = documented
        .iter()
        .filter(|n| **n != "COMPLETE" && !read.contains_key(**n))
        .collect();
    assert!(unread.is_empty(), "documented but not read: {unread:?}");
}
