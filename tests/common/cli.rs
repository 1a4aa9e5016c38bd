//! Runs the real binary in an isolated HOME with a fixed clock and actor, and renders
//! exit code, stdout and stderr for snapshots.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

/// The fixed clock of CLI tests (PATCHCYCLE_NOW).
pub const NOW: &str = "2026-11-10T09:00:00Z";

/// An isolated environment: its own HOME, XDG dirs, config and database.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fresh environment with `init` already run.
    pub fn init() -> Env {
        let env = Env::new();
        let out = env.run(&["init"]);
        assert!(out.status.success(), "init failed: {}", render(&env, &out));
        env
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn runtime_dir(&self) -> PathBuf {
        use std::os::unix::fs::DirBuilderExt;
        let d = self.home().join("run");
        let _ = std::fs::DirBuilder::new().mode(0o700).create(&d);
        d
    }

    pub fn db(&self) -> PathBuf {
        self.home().join(".local/share/patchcycle/patchcycle.db")
    }

    pub fn config(&self) -> PathBuf {
        self.home().join(".config/patchcycle/config.toml")
    }

    /// The command with a clean, fixed environment (nothing of the caller's leaks in).
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("patchcycle").expect("binary");
        cmd.args(args)
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("USER", "tester")
            .env("PATCHCYCLE_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("LC_ALL", "C")
            // Dates given and shown are in the configured zone, by default the machine's:
            // fixed here, so no snapshot depends on where the tests run.
            .env("TZ", "UTC")
            // Each environment its own ControlMaster sockets: a connection opened by
            // one test must not be reused by another with other ssh settings.
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .current_dir(self.home());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run patchcycle")
    }

    /// Runs and renders for a snapshot.
    pub fn snap(&self, args: &[&str]) -> String {
        let out = self.run(args);
        render(self, &out)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed:\n{}",
            render(self, &out)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Writes a file in the environment's directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.home().join(name);
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// Keeps this environment's database as a template for other tests of the process
    /// (in cargo's per-crate temp dir, under `name`); returns its path.
    #[allow(dead_code)]
    pub fn save_template(&self, name: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("template dir");
        let db = self.sqlite();
        db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        drop(db);
        let path = dir.join("patchcycle.db");
        std::fs::copy(self.db(), &path).expect("copy template");
        path
    }

    /// A fresh environment holding a copy of a template database.
    #[allow(dead_code)]
    pub fn from_template(template: &Path) -> Env {
        let env = Env::new();
        std::fs::create_dir_all(env.db().parent().expect("db dir")).expect("db dir");
        std::fs::copy(template, env.db()).expect("copy template");
        env
    }

    /// Catalogue row counts: advisories per source, then kev, epss, affected, aliases.
    pub fn catalogue_counts(&self) -> Vec<(String, i64)> {
        let db = self.sqlite();
        let mut out: Vec<(String, i64)> = db
            .prepare("SELECT source, count(*) FROM advisories GROUP BY source ORDER BY source")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for t in ["kev", "epss", "affected", "aliases"] {
            let n: i64 = db
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            out.push((t.to_string(), n));
        }
        out
    }

    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).expect("open db")
    }
}

/// `exit: N`, then stdout and stderr, with the temp dir shown as `[HOME]` and the
/// repository as `[REPO]`.
pub fn render(env: &Env, out: &Output) -> String {
    let home = env.home().display().to_string();
    let repo = env!("CARGO_MANIFEST_DIR");
    let clean = |b: &[u8]| {
        redact_hashes(
            &String::from_utf8_lossy(b)
                .replace(&home, "[HOME]")
                .replace(repo, "[REPO]"),
        )
    };
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or_else(|| "signal".to_string(), |c| c.to_string()),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

/// The repository's `examples/` directory.
/// A collector output kept in tests/data/collect, as a path argument.
pub fn collect(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/collect")
        .join(name)
        .display()
        .to_string()
}

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Audit hashes chain through the `db.init` row, whose object is the (temporary)
/// database path; runs of 12 or 64 lowercase hex digits become `[HASH]`.
pub fn redact_hashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() == 12 || run.len() == 64 {
            out.push_str("[HASH]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Durations printed by `-v` (`0.21 s`, `12.05 s`) become `[T] s`: they differ from run
/// to run.
pub fn redact_timings(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" s") {
        let (before, after) = rest.split_at(i);
        // The number right before " s": digits, a dot, two digits.
        let start = before
            .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(0, |j| j + 1);
        let number = &before[start..];
        let timing = number.split_once('.').is_some_and(|(whole, frac)| {
            !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.len() == 2
                && frac.bytes().all(|b| b.is_ascii_digit())
        });
        if timing {
            out.push_str(&before[..start]);
            out.push_str("[T]");
        } else {
            out.push_str(before);
        }
        out.push_str(" s");
        rest = &after[2..];
    }
    out.push_str(rest);
    out
}
