//! `patchcycle doctor`: check configuration, database and tools; print a table.

use std::path::Path;
use std::process::Command;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::audit::{self, anchor};
use crate::config::ConfigSource;
use crate::db::{self, Db, OpenMode};
use crate::error::Failure;
use crate::output::{self, or_dash};
use crate::verdict;

#[derive(Debug, Args)]
pub struct DoctorArgs {}

/// One check's outcome.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Check {
    pub check: String,
    pub status: String,
    pub detail: String,
    pub hint: Option<String>,
}

fn check(name: &str, ok: bool, detail: String, hint: Option<&str>) -> Check {
    Check {
        check: name.into(),
        status: if ok { "ok" } else { "FAIL" }.into(),
        detail,
        hint: if ok { None } else { hint.map(str::to_string) },
    }
}

pub fn run(ctx: &Context, _args: &DoctorArgs) -> Result<()> {
    let mut checks = Vec::new();
    // Context::new already refused an invalid config; here we only say which one is used.
    checks.push(match &ctx.config_source {
        ConfigSource::File(p) => check("config", true, format!("{} is valid", p.display()), None),
        ConfigSource::Defaults(p) => check(
            "config",
            true,
            format!("{} not present; built-in defaults", p.display()),
            None,
        ),
    });
    checks.extend(database_checks(&ctx.db_path));
    checks.extend(ring_check(&ctx.db_path));
    checks.extend(policy_check(&ctx.db_path));
    if ctx.db_path.exists()
        && let Ok((db, _)) = Db::open(&ctx.db_path, OpenMode::Existing)
    {
        checks.extend(data_checks(ctx, &db.conn)?);
    }
    checks.push(ssh_check(&ctx.config.ssh.program));
    checks.push(ssh_config_check(
        ctx.config.ssh.config_file.as_deref(),
        crate::account::current().as_ref(),
        std::env::var_os("HOME")
            .map(std::path::PathBuf::from)
            .as_deref(),
    ));

    output::list(
        &ctx.style,
        &checks,
        &[
            ("CHECK", &|c: &Check| c.check.clone()),
            ("STATUS", &|c: &Check| c.status.clone()),
            ("DETAIL", &|c: &Check| c.detail.clone()),
            ("HINT", &|c: &Check| or_dash(c.hint.as_ref())),
        ],
    )?;
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == "FAIL")
        .map(|c| c.check.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::gate(format!("doctor: failed check(s): {}", failed.join(", "))).into())
    }
}

fn database_checks(path: &Path) -> Vec<Check> {
    if !path.exists() {
        return vec![check(
            "database",
            false,
            format!("{} does not exist", path.display()),
            Some("run `patchcycle init`"),
        )];
    }
    let mut checks = Vec::new();
    let db = match Db::open(path, OpenMode::Existing) {
        Ok((db, _)) => db,
        Err(e) => {
            return vec![check(
                "database",
                false,
                format!("{}: {}", path.display(), chain_line(&e)),
                Some(
                    "check the path and its permissions; restore from a backup if the file is damaged",
                ),
            )];
        }
    };
    let integrity = crate::db::integrity_check(&db.conn);
    checks.push(match integrity {
        Ok(s) if s == "ok" => check(
            "database",
            true,
            format!("{} integrity ok", path.display()),
            None,
        ),
        Ok(s) => check(
            "database",
            false,
            format!("{}: integrity_check: {s}", path.display()),
            Some("restore the database from a backup"),
        ),
        Err(e) => check(
            "database",
            false,
            format!("{}: {e}", path.display()),
            Some("restore the database from a backup"),
        ),
    });
    checks.push(match db.stored_version() {
        Ok(v) => check(
            "schema",
            v == db::schema_version(),
            format!("version {v} (this binary: {})", db::schema_version()),
            Some("upgrade patchcycle"),
        ),
        Err(e) => check("schema", false, e.to_string(), None),
    });
    let mode = std::fs::metadata(path).map(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o777
    });
    checks.push(match mode {
        Ok(m) => check(
            "permissions",
            m & 0o077 == 0,
            format!("{m:04o}"),
            Some("the database holds your fleet's weaknesses: `chmod 600` it (init does this)"),
        ),
        Err(e) => check("permissions", false, e.to_string(), None),
    });
    // Opening put them back already; say what it found, so tampering is noticed.
    checks.push(if db.trigger_repairs.is_empty() {
        check(
            "audit log",
            true,
            format!(
                "append-only triggers {} in place",
                db::AUDIT_TRIGGERS.map(|(name, _)| name).join(", ")
            ),
            None,
        )
    } else {
        check(
            "audit log",
            false,
            format!(
                "append-only triggers tampered with: {}; restored now",
                db.trigger_repairs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some("someone changed the database behind patchcycle's back: check the log with `patchcycle audit verify --anchor`"),
        )
    });
    checks.extend(anchor_check(&db));
    checks
}

/// When the database has an anchor file at the default place, whether the chain still
/// holds its anchors (checked with the default key): a routine doctor run then notices a
/// rewritten log.
fn anchor_check(db: &Db) -> Option<Check> {
    let file = anchor::default_anchor_path(&db.path);
    if !file.exists() {
        return None;
    }
    let key_path = anchor::default_key_path(&db.path);
    let verified = anchor::load_key(&key_path)
        .and_then(|key| anchor::read_anchors(&file, &key))
        .and_then(|anchors| {
            let anchored: Vec<anchor::Anchored> = anchors.into_iter().map(Into::into).collect();
            audit::verify_anchored(&db.conn, &anchored)
        });
    let hint =
        Some("`patchcycle audit verify --anchor` says more; compare with a backup and investigate");
    Some(match verified {
        Ok(v) => match &v.anchor {
            Some(a) if v.ok => check(
                "anchors",
                true,
                format!(
                    "the chain holds the {} anchor(s) of {}, the newest at row {}",
                    a.anchors,
                    file.display(),
                    a.matched_up_to.unwrap_or(0)
                ),
                None,
            ),
            Some(a) => check(
                "anchors",
                false,
                a.problem.clone().unwrap_or_default(),
                hint,
            ),
            None => check(
                "anchors",
                false,
                format!(
                    "audit chain broken at row {}: {}",
                    v.first_bad_seq.unwrap_or(0),
                    v.problem.as_deref().unwrap_or("unknown problem")
                ),
                hint,
            ),
        },
        Err(e) => check("anchors", false, chain_line(&e), hint),
    })
}

/// A check that informs without failing the doctor.
fn notice(name: &str, detail: String, hint: &str) -> Check {
    Check {
        check: name.into(),
        status: "warn".into(),
        detail,
        hint: Some(hint.into()),
    }
}

/// Names at most five, then "+N more".
fn some_of(names: &[&str]) -> String {
    output::first_few(names.iter(), 5)
}

/// Is what patchcycle knows current? The catalogue's age, hosts never scanned, hosts
/// whose scans are old or fail, ecosystems without a catalogue.
fn data_checks(ctx: &Context, conn: &rusqlite::Connection) -> Result<Vec<Check>> {
    let now = crate::clock::now()?;
    let hosts = crate::inventory::list_hosts(conn, &crate::inventory::HostFilter::default())?;
    let mut knowledge = verdict::Knowledge::load(conn, &ctx.config.default_policy, now, false)?;
    let mut checks = Vec::new();
    let max_feed_age = ctx.config.default_policy.max_feed_age;
    let synced: Vec<&verdict::Feed> = knowledge
        .feeds
        .iter()
        .filter(|f| f.as_of.is_some())
        .collect();
    checks.push(if synced.is_empty() {
        let detail = "never synced".to_string();
        if hosts.is_empty() {
            notice(
                "catalogue",
                detail,
                "run `patchcycle sync` once hosts are added",
            )
        } else {
            check("catalogue", false, detail, Some("run `patchcycle sync`"))
        }
    } else {
        let mut old = Vec::new();
        let ages: Vec<String> = synced
            .iter()
            .map(|f| {
                let as_of = f.as_of.as_deref().unwrap_or_default();
                let age = crate::clock::parse(as_of)
                    .map_or_else(|| "?".into(), |t| crate::clock::ago(t, now));
                if verdict::older_than(as_of, now, max_feed_age.0) {
                    old.push(f.source.as_str());
                    format!("{} {age} (stale)", f.source)
                } else {
                    format!("{} {age}", f.source)
                }
            })
            .collect();
        check(
            "catalogue",
            old.is_empty(),
            format!("{} (max_feed_age {max_feed_age})", ages.join(", ")),
            Some("run `patchcycle sync` (daily, from cron or a systemd timer)"),
        )
    });
    if hosts.is_empty() {
        checks.push(notice(
            "hosts",
            "the inventory is empty".into(),
            "add hosts with `patchcycle host add` or `patchcycle host import`",
        ));
        return Ok(checks);
    }
    let judged = verdict::judge_hosts(conn, &mut knowledge, &hosts)?;
    let with = |pred: &dyn Fn(&verdict::Unknown) -> bool| -> Vec<&str> {
        judged
            .iter()
            .filter(|j| j.unknown.iter().any(pred))
            .map(|j| j.host.as_str())
            .collect()
    };
    let never = with(&|u| *u == verdict::Unknown::NeverScanned);
    checks.push(check(
        "never scanned",
        never.is_empty(),
        if never.is_empty() {
            format!("all {} host(s) scanned", hosts.len())
        } else {
            format!("{} host(s): {}", never.len(), some_of(&never))
        },
        Some("`patchcycle scan --all`"),
    ));
    let stale = with(&|u| matches!(u, verdict::Unknown::StaleScan { .. }));
    checks.push(check(
        "scan age",
        stale.is_empty(),
        if stale.is_empty() {
            "every good scan is within max_scan_age".into()
        } else {
            format!("older than max_scan_age: {}", some_of(&stale))
        },
        Some("scan them again (daily, from cron or a systemd timer)"),
    ));
    let failing: Vec<&str> = hosts
        .iter()
        .filter(|h| h.scan_status.as_deref() == Some("failed"))
        .map(|h| h.name.as_str())
        .collect();
    checks.push(check(
        "failing scans",
        failing.is_empty(),
        if failing.is_empty() {
            "no host's newest scan failed".into()
        } else {
            format!("newest scan failed: {}", some_of(&failing))
        },
        Some("see why with `patchcycle host show HOST`"),
    ));
    let uncovered = with(&|u| matches!(u, verdict::Unknown::NoCatalogue { .. }));
    if !uncovered.is_empty() {
        checks.push(check(
            "coverage",
            false,
            format!("no synced catalogue for the ecosystem of: {}", some_of(&uncovered)),
            Some("`patchcycle sync` (it covers the scanned hosts' ecosystems), or add [[sync.errata]]"),
        ));
    }
    let no_product = with(&|u| matches!(u, verdict::Unknown::NoProduct { .. }));
    if !no_product.is_empty() {
        checks.push(check(
            "windows products",
            false,
            format!(
                "Windows hosts whose product the MSRC catalogue does not have: {}",
                some_of(&no_product)
            ),
            Some("see why with `patchcycle explain HOST`; such a host is unknown until its product is in the catalogue"),
        ));
    }
    Ok(checks)
}

/// Groups sharing a ring order (allowed before orders were unique): the gate cannot
/// order them, so each must get its own.
fn ring_check(path: &Path) -> Option<Check> {
    let (db, _) = Db::open(path, OpenMode::Existing).ok()?;
    let shared = match crate::inventory::shared_orders(&db.conn) {
        Ok(s) => s,
        Err(e) => return Some(check("rings", false, chain_line(&e), None)),
    };
    if shared.is_empty() {
        return Some(check(
            "rings",
            true,
            "every group has its own ring order".into(),
            None,
        ));
    }
    let detail = shared
        .iter()
        .map(|(ring, names)| format!("order {ring}: {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let first = shared
        .first()
        .and_then(|(_, names)| names.get(1))
        .cloned()
        .unwrap_or_default();
    Some(Check {
        check: "rings".into(),
        status: "FAIL".into(),
        detail: format!("groups share a ring order ({detail}); the gate does not order them"),
        hint: Some(format!(
            "give each its own: `patchcycle group set {first} --order N`"
        )),
    })
}

/// Groups whose stored policy is outside today's bounds (written before them): `test`
/// and `deploy` refuse them. A line only when there is one, so a sound database's
/// report stays as it was.
fn policy_check(path: &Path) -> Option<Check> {
    let (db, _) = Db::open(path, OpenMode::Existing).ok()?;
    let groups = match crate::inventory::list_groups(&db.conn) {
        Ok(g) => g,
        Err(e) => return Some(check("policies", false, chain_line(&e), None)),
    };
    let bad: Vec<(String, String)> = groups
        .into_iter()
        .filter_map(|g| g.policy.validate().err().map(|e| (g.name, e)))
        .collect();
    let (first, _) = bad.first()?;
    let hint = format!("fix it: `patchcycle group set {first} --set KEY=VALUE`");
    let detail = bad
        .iter()
        .map(|(name, e)| format!("group {name}: {e}"))
        .collect::<Vec<_>>()
        .join("; ");
    Some(Check {
        check: "policies".into(),
        status: "FAIL".into(),
        detail: format!("{detail}; test and deploy refuse these groups"),
        hint: Some(hint),
    })
}

fn ssh_check(program: &str) -> Check {
    match Command::new(program).arg("-V").output() {
        Ok(out) => {
            // OpenSSH prints its version on stderr.
            let text = String::from_utf8_lossy(if out.stderr.is_empty() {
                &out.stdout
            } else {
                &out.stderr
            })
            .trim()
            .to_string();
            check(
                "ssh",
                out.status.success(),
                text,
                Some("install openssh-client"),
            )
        }
        Err(e) => check(
            "ssh",
            false,
            format!("{program}: {e}"),
            Some("install openssh-client, or set ssh.program in the config"),
        ),
    }
}

/// Which ssh config file applies to the hosts. `[ssh] config_file` is passed as `-F`
/// (then `~/.ssh/config` and /etc/ssh/ssh_config are not read); otherwise OpenSSH reads
/// `~/.ssh/config` from the account's passwd home directory, not from `$HOME`, so a
/// `$HOME` pointing elsewhere (sudo -E, a service's environment) does not change it.
fn ssh_config_check(
    config_file: Option<&Path>,
    account: Option<&crate::account::Account>,
    home_env: Option<&Path>,
) -> Check {
    const NAME: &str = "ssh config";
    if let Some(f) = config_file {
        return check(
            NAME,
            f.is_file(),
            format!(
                "{} ([ssh] config_file, passed as -F: ~/.ssh/config is not read){}",
                f.display(),
                if f.is_file() { "" } else { "; missing" }
            ),
            Some("create it, or remove config_file from [ssh] to use ~/.ssh/config"),
        );
    }
    let Some(account) = account else {
        return check(
            NAME,
            false,
            "this uid has no passwd entry: OpenSSH refuses to run (\"No user exists for uid\")"
                .into(),
            Some("run patchcycle as an account with a passwd entry"),
        );
    };
    let path = account.home.join(".ssh/config");
    let state = if path.is_file() {
        "exists"
    } else {
        "not present: ssh's defaults and /etc/ssh/ssh_config apply"
    };
    let differs = match home_env {
        Some(h) if h != account.home => format!("; $HOME={} is not what ssh reads", h.display()),
        _ => String::new(),
    };
    check(
        NAME,
        true,
        format!(
            "{} ({state}; from the passwd home of {}{differs})",
            path.display(),
            account.name
        ),
        None,
    )
}

fn chain_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Account;

    fn account(home: &Path) -> Account {
        Account {
            uid: 1000,
            name: "ops".into(),
            home: home.to_path_buf(),
        }
    }

    #[test]
    fn the_passwd_home_decides_not_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("ops");
        std::fs::create_dir_all(home.join(".ssh")).unwrap();
        let c = ssh_config_check(
            None,
            Some(&account(&home)),
            Some(Path::new("/tmp/elsewhere")),
        );
        assert_eq!(c.status, "ok");
        assert_eq!(
            c.detail,
            format!(
                "{}/.ssh/config (not present: ssh's defaults and /etc/ssh/ssh_config apply; \
                 from the passwd home of ops; $HOME=/tmp/elsewhere is not what ssh reads)",
                home.display()
            )
        );
        std::fs::write(home.join(".ssh/config"), "Host *\n").unwrap();
        let c = ssh_config_check(None, Some(&account(&home)), Some(&home));
        assert_eq!(
            c.detail,
            format!(
                "{}/.ssh/config (exists; from the passwd home of ops)",
                home.display()
            )
        );
    }

    #[test]
    fn a_configured_file_overrides_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ssh_config");
        let c = ssh_config_check(Some(&f), None, None);
        assert_eq!((c.status.as_str(), c.hint.is_some()), ("FAIL", true));
        assert_eq!(
            c.detail,
            format!(
                "{} ([ssh] config_file, passed as -F: ~/.ssh/config is not read); missing",
                f.display()
            )
        );
        std::fs::write(&f, "").unwrap();
        assert_eq!(ssh_config_check(Some(&f), None, None).status, "ok");
    }

    #[test]
    fn no_passwd_entry_fails() {
        let c = ssh_config_check(None, None, None);
        assert_eq!(c.status, "FAIL");
    }
}
