//! Dynamic shell completion: the shell calls the binary back (`COMPLETE=bash patchcycle --
//! patchcycle host show w`, clap_complete's environment protocol) and gets real values —
//! host, group and cycle names from the database, sync sources, formats.
//!
//! A completer never fails loudly: whatever goes wrong (no database yet, another schema
//! version, an unreadable config), it offers nothing, and the shell falls back to its own.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::catalog::sync;
use crate::config::{self, Config};
use crate::cycle;
use crate::db::Db;
use crate::inventory::{self, HostFilter};
use crate::output::{FormatParser, FormatSet};

/// The values of `--format` for a command.
pub fn formats(set: FormatSet) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| {
        let prefix = current.to_str().unwrap_or_default();
        FormatParser(set)
            .names_starting_with(prefix)
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// Host names of the inventory, in the order `host list` shows them.
pub fn hosts() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        from_database(current, |db| {
            Ok(inventory::list_hosts(&db.conn, &HostFilter::default())?
                .into_iter()
                .map(|h| h.name)
                .collect())
        })
    })
}

/// Group names, in ring order.
pub fn groups() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        from_database(current, |db| {
            Ok(inventory::list_groups(&db.conn)?
                .into_iter()
                .map(|g| g.name)
                .collect())
        })
    })
}

/// Cycle names, newest first as `cycle list` shows them.
pub fn cycles() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        from_database(current, |db| {
            Ok(cycle::state::list(&db.conn)?
                .into_iter()
                .map(|c| c.name)
                .collect())
        })
    })
}

/// Deployment ids, oldest first as `deploy --list` shows them.
pub fn deployments() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        from_database(current, |db| {
            Ok(cycle::deployment::list(&db.conn, None)?
                .into_iter()
                .map(|d| d.id.to_string())
                .collect())
        })
    })
}

/// Sync sources: `kev`, `epss`, `msrc`, the sources a plain `sync` would take (the inventory's and
/// the config's OSV ecosystems, enabled errata) and every configured errata source.
pub fn sync_sources() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(prefix) = current.to_str() else {
            return Vec::new();
        };
        let mut names = vec!["kev".to_string(), "epss".to_string(), "msrc".to_string()];
        let config = load_config(&command_line());
        if let Some(cfg) = &config {
            names.extend(cfg.sync.errata.iter().map(|e| format!("errata:{}", e.name)));
            if let Some(db) = database(cfg)
                && let Ok(sources) = sync::select(&db.conn, &cfg.sync, &[])
            {
                names.extend(sources.sources.iter().map(sync::Source::name));
            }
        }
        names.sort();
        names.dedup();
        candidates(names, prefix)
    })
}

/// Runs `names` on the database the command line being completed would use, and offers
/// those that start with what is typed.
fn from_database(
    current: &OsStr,
    names: impl Fn(&Db) -> anyhow::Result<Vec<String>>,
) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else {
        return Vec::new();
    };
    let words = command_line();
    let Some(cfg) = load_config(&words) else {
        return Vec::new();
    };
    let Some(db) = database_for(&words, &cfg) else {
        return Vec::new();
    };
    match names(&db) {
        Ok(names) => candidates(names, prefix),
        Err(_) => Vec::new(),
    }
}

/// The names that start with what is typed, in the order given (the shell keeps it).
fn candidates(names: Vec<String>, prefix: &str) -> Vec<CompletionCandidate> {
    names
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .map(CompletionCandidate::new)
        .collect()
}

/// The words of the command line being completed: the shell passes them after `--`.
fn command_line() -> Vec<OsString> {
    std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(1)
        .collect()
}

/// The value of `--NAME VALUE` or `--NAME=VALUE` in the words being completed (the last
/// one wins, as clap's does), else the environment variable, as for a real run.
fn option_value(words: &[OsString], name: &str, env: &str) -> Option<PathBuf> {
    let flag = format!("--{name}");
    let with_eq = format!("--{name}=");
    let mut found = None;
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let Some(w) = w.to_str() else { continue };
        if w == "--" {
            break;
        }
        if w == flag {
            found = it.next().map(PathBuf::from);
        } else if let Some(v) = w.strip_prefix(&with_eq) {
            found = Some(PathBuf::from(v));
        }
    }
    found.or_else(|| {
        std::env::var_os(env)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

fn load_config(words: &[OsString]) -> Option<Config> {
    let (path, explicit) = match option_value(words, "config", "PATCHCYCLE_CONFIG") {
        Some(p) => (p, true),
        None => (config::default_config_path().ok()?, false),
    };
    Config::load(&path, explicit).ok().map(|(cfg, _)| cfg)
}

fn database(cfg: &Config) -> Option<Db> {
    database_for(&command_line(), cfg)
}

/// The database a real run would open (`--db`, PATCHCYCLE_DB, the config, the default),
/// read-only: completing must never create, migrate or lock it.
fn database_for(words: &[OsString], cfg: &Config) -> Option<Db> {
    let path = match option_value(words, "db", "PATCHCYCLE_DB") {
        Some(p) => p,
        None => match &cfg.db {
            Some(p) => p.clone(),
            None => config::default_db_path().ok()?,
        },
    };
    if !path.is_file() {
        return None;
    }
    Db::open_read_only(&path).ok()
}
