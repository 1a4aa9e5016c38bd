//! `host import`: CSV, TOML and Ansible INI inventories.
//!
//! Import is all or nothing: every row is parsed and validated, every group resolved, and
//! only when no row is bad is anything written, in one transaction. Bad rows are reported
//! together, each with its line number.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;

use anyhow::Result;
use rusqlite::Connection;
use serde::Deserialize;

use super::validate::{self, Destination};
use super::{HostSpec, list_hosts};
use crate::config::line_col;
use crate::error::Failure;

/// Most row errors listed in one report; the rest are counted.
const MAX_REPORTED: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Csv,
    Toml,
    AnsibleIni,
}

impl ImportFormat {
    /// The type a file's extension names: `.csv`, `.toml`, and Ansible's `.ini`/`.cfg`.
    /// Anything else (Ansible's usual `hosts` and `inventory` have no extension, stdin
    /// has no name) is recognised by its content, see [`ImportFormat::detect`].
    pub fn from_extension(p: &Path) -> Option<ImportFormat> {
        if p.as_os_str() == "-" {
            return None;
        }
        match p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Some(ImportFormat::Csv),
            Some("toml") => Some(ImportFormat::Toml),
            Some("ini" | "cfg") => Some(ImportFormat::AnsibleIni),
            _ => None,
        }
    }

    /// Recognises an inventory by its first line that says something:
    /// - CSV: a header naming columns, separated by commas (`name,address,…`, as
    ///   `host list --format csv` writes it). CSV has no comments: this is the first
    ///   non-blank line.
    /// - TOML: a `[[hosts]]` table or a `hosts = […]` array (after `#` comments).
    /// - Ansible INI: a `[group]` section or an ungrouped host line (`web1`,
    ///   `web1 ansible_host=192.0.2.1`), after `#` and `;` comments.
    ///
    /// `source` names the input in the error (a file name, `<stdin>`).
    pub fn detect(text: &str, source: &str) -> Result<ImportFormat> {
        let unknown = |why: &str| -> anyhow::Error {
            Failure::usage(format!(
                "cannot tell the type of {source}: {why}; accepted are a CSV header with a \"name\" column, a TOML [[hosts]] table or an Ansible INI inventory"
            ))
            .hint("pass --type csv, toml or ini")
            .into()
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().map(str::trim).find(|l| !l.is_empty());
        let Some(first) = first else {
            return Err(unknown("it is empty"));
        };
        // A one-column CSV is its header `name`, which would also pass for a host.
        if (first.contains(',') && !first.starts_with(['#', ';', '[']))
            || first.trim_matches('"') == "name"
        {
            return Ok(ImportFormat::Csv);
        }
        let Some(line) = text
            .lines()
            .map(|l| strip_ini_comment(l).trim())
            .find(|l| !l.is_empty())
        else {
            return Err(unknown("it holds nothing but comments"));
        };
        if line.starts_with("[[") || is_toml_hosts_array(line) {
            return Ok(ImportFormat::Toml);
        }
        if line.starts_with('[') || is_ini_host_line(line) {
            return Ok(ImportFormat::AnsibleIni);
        }
        let shown: String = line.chars().take(40).collect();
        Err(unknown(&format!(
            "its first line {shown:?} is none of them"
        )))
    }

    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Csv => "csv",
            ImportFormat::Toml => "toml",
            ImportFormat::AnsibleIni => "ansible-ini",
        }
    }
}

/// One host read from a file, before its group is resolved against the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub name: String,
    pub address: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    /// Groups that may hold the host, nearest first, with their depth (0 = named
    /// directly). A CSV/TOML `group` column is one explicit candidate.
    pub groups: Vec<(String, usize)>,
    /// Whether `groups` came from an explicit column (an unknown group is then an error).
    pub explicit_group: bool,
    /// `None`: the format has no tags; existing tags are kept.
    pub tags: Option<Vec<String>>,
    /// `None`: the format has no notes; existing notes are kept.
    pub notes: Option<Option<String>>,
    /// `None`: the row does not say; a stored host keeps its platform, a new one is
    /// POSIX.
    pub platform: Option<super::Platform>,
}

/// A row problem: line number and message.
type RowError = (usize, String);

/// Reads a file, or standard input for `-`.
pub fn read_source(path: &Path) -> Result<(String, String)> {
    use crate::input::{InputKind, read_capped, read_file, text};
    let (bytes, name) = if path.as_os_str() == "-" {
        let name = "<stdin>".to_string();
        (
            read_capped(std::io::stdin().lock(), &name, InputKind::Inventory)?,
            name,
        )
    } else {
        (
            read_file(path, InputKind::Inventory)?,
            path.display().to_string(),
        )
    };
    Ok((text(bytes, &name)?, name))
}

/// What a file held: the good records and the problems of the bad rows.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub errors: Vec<(usize, String)>,
}

/// Parses an inventory. Bad rows are collected, not fatal yet: [`plan`] adds the
/// problems only the database can reveal and reports them all together.
pub fn parse(format: ImportFormat, text: &str) -> Parsed {
    let (records, errors) = match format {
        ImportFormat::Csv => parse_csv(text),
        ImportFormat::Toml => parse_toml(text),
        ImportFormat::AnsibleIni => parse_ini(text),
    };
    Parsed { records, errors }
}

fn row_failure(source: &str, mut errors: Vec<RowError>) -> Failure {
    errors.sort();
    if errors.len() == 1 {
        let (line, msg) = &errors[0];
        return Failure::usage(format!("{source} line {line}: {msg}"))
            .hint("fix the row and import again; nothing was written");
    }
    let total = errors.len();
    let mut details: Vec<String> = errors
        .iter()
        .take(MAX_REPORTED)
        .map(|(l, m)| format!("line {l}: {m}"))
        .collect();
    if total > MAX_REPORTED {
        details.push(format!("… and {} more", total - MAX_REPORTED));
    }
    Failure::usage(format!("{source}: {total} invalid rows"))
        .details(details)
        .hint("fix the rows and import again; nothing was written")
}

/// Whether a column is one that `host list --format csv` writes but import reads past
/// (scan facts and timestamps): every field of [`Host`] that is not editable. Derived from
/// the struct, so a new field can never break the export → import round trip.
fn read_only_column(name: &str) -> bool {
    const EDITABLE: &[&str] = &[
        "name", "address", "user", "port", "group", "tags", "notes", "platform",
    ];
    if EDITABLE.contains(&name) {
        return false;
    }
    match serde_json::to_value(super::Host::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.contains_key(name),
        _ => false,
    }
}

fn parse_csv(text: &str) -> (Vec<Record>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (records, vec![(1, format!("unreadable header: {e}"))]),
    };
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        match h {
            "name" | "address" | "user" | "port" | "group" | "tags" | "notes" | "platform" => {
                if col.insert(h, i).is_some() {
                    errors.push((1, format!("column {h:?} appears twice")));
                }
            }
            h if read_only_column(h) => {}
            other => errors.push((
                1,
                format!(
                    "unknown column {other:?}; expected name,address,user,port,group,tags (and notes, platform)"
                ),
            )),
        }
    }
    if !col.contains_key("name") {
        errors.push((1, "the header has no \"name\" column".into()));
    }
    if !errors.is_empty() {
        return (records, errors);
    }
    let mut row = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                errors.push((line, format!("unreadable row: {}", csv_error_kind(&e))));
                // A CSV syntax error leaves the reader in an unknown place; stop.
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
                continue;
            }
        }
        let line = row.position().map_or(line, |p| p.line() as usize);
        let get = |c: &str| {
            col.get(c)
                .and_then(|&i| row.get(i))
                .filter(|v| !v.is_empty())
                // What `host list --format csv` neutralised comes back as it was.
                .map(|v| crate::output::csv_untext(v).to_string())
        };
        let name = get("name").unwrap_or_default();
        let result = record_from_fields(
            line,
            &name,
            get("address").as_deref(),
            get("user"),
            get("port").as_deref(),
            get("group"),
            col.contains_key("tags")
                .then(|| split_tags(&get("tags").unwrap_or_default())),
            col.contains_key("notes").then(|| get("notes")),
            get("platform").as_deref(),
        );
        match result {
            Ok(r) => records.push(r),
            Err(msg) => errors.push((line, msg)),
        }
    }
    (records, errors)
}

fn csv_error_kind(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

fn split_tags(s: &str) -> Vec<String> {
    s.split([';', ',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Builds and validates a record from the fields of a CSV or TOML row.
#[allow(clippy::too_many_arguments)]
fn record_from_fields(
    line: usize,
    name: &str,
    address: Option<&str>,
    user: Option<String>,
    port: Option<&str>,
    group: Option<String>,
    tags: Option<Vec<String>>,
    notes: Option<Option<String>>,
    platform: Option<&str>,
) -> Result<Record, String> {
    if name.is_empty() {
        return Err("name is empty".into());
    }
    validate::name("host", name)?;
    let dest = Destination::parse(address.unwrap_or(name))?;
    let user = match (dest.user, user) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "user {b:?} differs from the user in address ({a:?})"
            ));
        }
        (a, b) => a.or(b),
    };
    let port_col = port.map(validate::port).transpose()?;
    let port = match (dest.port, port_col) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!("port {b} differs from the port in address ({a})"));
        }
        (a, b) => a.or(b),
    };
    if let Some(u) = &user {
        validate::user(u)?;
    }
    if let Some(g) = &group {
        validate::name("group", g)?;
    }
    for t in tags.iter().flatten() {
        validate::tag(t)?;
    }
    if let Some(Some(n)) = &notes {
        validate::text("notes", n)?;
    }
    let platform = platform.map(super::Platform::from_user).transpose()?;
    Ok(Record {
        line,
        name: name.to_string(),
        address: dest.address,
        user,
        port,
        explicit_group: group.is_some(),
        groups: group.into_iter().map(|g| (g, 0)).collect(),
        tags,
        notes,
        platform,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlInventory {
    #[serde(default)]
    hosts: Vec<toml::Spanned<TomlHost>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlHost {
    name: String,
    address: Option<String>,
    user: Option<String>,
    port: Option<i64>,
    group: Option<String>,
    tags: Option<Vec<String>>,
    notes: Option<String>,
    platform: Option<String>,
}

fn parse_toml(text: &str) -> (Vec<Record>, Vec<RowError>) {
    let inv: TomlInventory = match toml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_col(text, s.start).0);
            return (
                Vec::new(),
                vec![(line, e.message().trim().replace('\n', " "))],
            );
        }
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for spanned in inv.hosts {
        let line = line_col(text, spanned.span().start).0;
        let h = spanned.into_inner();
        let port = h.port.map(|p| p.to_string());
        match record_from_fields(
            line,
            &h.name,
            h.address.as_deref(),
            h.user,
            port.as_deref(),
            h.group,
            h.tags,
            Some(h.notes.filter(|n| !n.is_empty())),
            h.platform.as_deref(),
        ) {
            Ok(r) => records.push(r),
            Err(msg) => errors.push((line, msg)),
        }
    }
    (records, errors)
}

/// What the INI says about one host before groups are flattened.
#[derive(Default)]
struct IniHost {
    line: usize,
    vars: HashMap<String, String>,
    groups: BTreeSet<String>,
}

#[derive(PartialEq)]
enum Section {
    Hosts(String),
    Vars(String),
    Children(String),
}

/// Ansible INI: `[group]` host lines with `key=value` variables, `[group:vars]`,
/// `[group:children]`, host ranges (`web[01:20]`, `db-[a:c]`), `host:port`.
/// Only `ansible_host`, `ansible_port`, `ansible_user` (and their `ansible_ssh_*`
/// spellings) matter here; other variables are read past.
fn parse_ini(text: &str) -> (Vec<Record>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut hosts: HashMap<String, IniHost> = HashMap::new();
    let mut host_order: Vec<String> = Vec::new();
    let mut group_vars: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut children: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut section = Section::Hosts("ungrouped".into());

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = strip_ini_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let Some(header) = header.strip_suffix(']') else {
                errors.push((
                    line_no,
                    format!("section header {line:?} has no closing ']'"),
                ));
                continue;
            };
            let (group, kind) = match header.split_once(':') {
                Some((g, k)) => (g, Some(k)),
                None => (header, None),
            };
            if let Err(e) = validate::name("group", group) {
                errors.push((line_no, e));
                continue;
            }
            section = match kind {
                None => Section::Hosts(group.into()),
                Some("vars") => Section::Vars(group.into()),
                Some("children") => Section::Children(group.into()),
                Some(k) => {
                    errors.push((line_no, format!("unknown section kind \":{k}\"")));
                    continue;
                }
            };
            continue;
        }
        match &section {
            Section::Children(parent) => {
                if let Err(e) = validate::name("group", line) {
                    errors.push((line_no, e));
                    continue;
                }
                children
                    .entry(parent.clone())
                    .or_default()
                    .insert(line.to_string());
            }
            Section::Vars(group) => match parse_assignment(line) {
                Ok((k, v)) => {
                    group_vars.entry(group.clone()).or_default().insert(k, v);
                }
                Err(e) => errors.push((line_no, e)),
            },
            Section::Hosts(group) => {
                let (pattern, rest) = line
                    .split_once(char::is_whitespace)
                    .map_or((line, ""), |(p, r)| (p, r.trim()));
                let vars = match parse_vars(rest) {
                    Ok(v) => v,
                    Err(e) => {
                        errors.push((line_no, e));
                        continue;
                    }
                };
                let names = match expand_pattern(pattern) {
                    Ok(n) => n,
                    Err(e) => {
                        errors.push((line_no, e));
                        continue;
                    }
                };
                for name in names {
                    let (name, port) = split_host_port(&name);
                    let entry = hosts.entry(name.to_string()).or_insert_with(|| {
                        host_order.push(name.to_string());
                        IniHost {
                            line: line_no,
                            ..IniHost::default()
                        }
                    });
                    if let Some(p) = port {
                        entry.vars.insert("ansible_port".into(), p.to_string());
                    }
                    entry.vars.extend(vars.clone());
                    entry.groups.insert(group.clone());
                }
            }
        }
    }

    // A child group's hosts belong to the parent too; walk upwards from each group.
    let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
    for (parent, kids) in &children {
        for kid in kids {
            parents
                .entry(kid.as_str())
                .or_default()
                .push(parent.as_str());
        }
    }
    let mut records = Vec::new();
    for name in host_order {
        let Some(h) = hosts.get(&name) else { continue };
        // Breadth-first from the host's own groups: nearest groups first.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut queue: VecDeque<(String, usize)> =
            h.groups.iter().map(|g| (g.clone(), 0)).collect();
        let mut ordered = Vec::new();
        while let Some((g, depth)) = queue.pop_front() {
            if seen.contains_key(&g) || depth > 64 {
                continue;
            }
            seen.insert(g.clone(), depth);
            for p in parents.get(g.as_str()).into_iter().flatten() {
                queue.push_back((p.to_string(), depth + 1));
            }
            ordered.push((g, depth));
        }
        // Host variables win over group variables; nearer groups over farther ones.
        let var = |keys: &[&str]| -> Option<String> {
            for k in keys {
                if let Some(v) = h.vars.get(*k) {
                    return Some(v.clone());
                }
            }
            for (g, _) in &ordered {
                for k in keys {
                    if let Some(v) = group_vars.get(g).and_then(|m| m.get(*k)) {
                        return Some(v.clone());
                    }
                }
            }
            group_vars
                .get("all")
                .and_then(|m| keys.iter().find_map(|k| m.get(*k).cloned()))
        };
        let address = var(&["ansible_host", "ansible_ssh_host"]);
        let user = var(&["ansible_user", "ansible_ssh_user"]);
        let port = var(&["ansible_port", "ansible_ssh_port"]);
        // `platform` says it; else Ansible's own sign of a Windows host over ssh: its
        // shell is PowerShell or cmd (`ansible_shell_type`).
        let platform = var(&["platform"]).or_else(|| {
            var(&["ansible_shell_type"])
                .filter(|t| matches!(t.as_str(), "powershell" | "cmd"))
                .map(|_| "windows".to_string())
        });
        let groups: Vec<(String, usize)> = ordered
            .into_iter()
            .filter(|(g, _)| g != "ungrouped" && g != "all")
            .collect();
        match record_from_fields(
            h.line,
            &name,
            address.as_deref(),
            user,
            port.as_deref(),
            None,
            None,
            None,
            platform.as_deref(),
        ) {
            Ok(mut r) => {
                r.groups = groups;
                records.push(r);
            }
            Err(msg) => errors.push((h.line, format!("host {name}: {msg}"))),
        }
    }
    (records, errors)
}

/// `hosts = [` (TOML's array form of the inventory).
fn is_toml_hosts_array(line: &str) -> bool {
    line.strip_prefix("hosts")
        .map(str::trim_start)
        .and_then(|rest| rest.strip_prefix('='))
        .is_some_and(|rest| rest.trim_start().starts_with('['))
}

/// An ungrouped Ansible host line: a host pattern (`web1`, `web[01:20]`, `db:2222`),
/// then only `key=value` variables.
fn is_ini_host_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let host_pattern = words.next().is_some_and(|w| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-:[]".contains(c))
    });
    host_pattern && words.all(|w| w.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
}

/// Drops `#` and `;` comments: whole lines, and ` #` after a value.
fn strip_ini_comment(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with(';') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn parse_assignment(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected key=value, found {s:?}"))?;
    Ok((k.trim().to_string(), unquote(v.trim()).to_string()))
}

/// `key=value key2="quoted value"` after a host name.
fn parse_vars(s: &str) -> Result<HashMap<String, String>, String> {
    let mut vars = HashMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .ok_or_else(|| format!("expected key=value, found {rest:?}"))?;
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(format!("bad variable name {key:?}"));
        }
        let after = after.trim_start();
        let (value, remaining) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &after[1..];
                let end = inner
                    .find(q)
                    .ok_or_else(|| format!("unterminated quote in value of {key}"))?;
                (&inner[..end], &inner[end + 1..])
            }
            _ => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        vars.insert(key.to_string(), value.to_string());
        rest = remaining.trim_start();
    }
    Ok(vars)
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// `name:port` (one colon; IPv6 literals have several and are left alone).
fn split_host_port(s: &str) -> (&str, Option<&str>) {
    match s.split_once(':') {
        Some((h, p)) if !p.contains(':') => (h, Some(p)),
        _ => (s, None),
    }
}

/// Largest number of hosts one pattern may expand to.
const MAX_EXPANSION: usize = 100_000;

/// Expands Ansible host ranges: `web[01:10]`, `web[1:10:2]`, `db-[a:f]`, several per name.
fn expand_pattern(p: &str) -> Result<Vec<String>, String> {
    let Some(open) = p.find('[') else {
        return Ok(vec![p.to_string()]);
    };
    let close = p[open..]
        .find(']')
        .map(|c| open + c)
        .ok_or_else(|| format!("host pattern {p:?} has '[' without ']'"))?;
    let (head, range, tail) = (&p[..open], &p[open + 1..close], &p[close + 1..]);
    let parts: Vec<&str> = range.split(':').collect();
    let (start, end, step) = match parts.as_slice() {
        [a, b] => (*a, *b, 1usize),
        [a, b, s] => (
            *a,
            *b,
            s.parse::<usize>()
                .ok()
                .filter(|&s| s > 0)
                .ok_or_else(|| format!("bad step {s:?} in host pattern {p:?}"))?,
        ),
        _ => {
            return Err(format!(
                "host pattern {p:?}: expected [start:end] or [start:end:step]"
            ));
        }
    };
    let mut items = Vec::new();
    if let (Ok(a), Ok(b)) = (start.parse::<u64>(), end.parse::<u64>()) {
        if a > b {
            return Err(format!("host pattern {p:?}: range start is after its end"));
        }
        // `[01:10]` keeps the width of the start.
        let width = if start.starts_with('0') {
            start.len()
        } else {
            0
        };
        let mut n = a;
        while n <= b {
            items.push(format!("{n:0width$}"));
            if items.len() > MAX_EXPANSION {
                return Err(format!(
                    "host pattern {p:?} expands to more than {MAX_EXPANSION} hosts"
                ));
            }
            n = n.saturating_add(step as u64);
            if n == u64::MAX {
                break;
            }
        }
    } else if start.len() == 1
        && end.len() == 1
        && start.chars().all(|c| c.is_ascii_lowercase())
        && end.chars().all(|c| c.is_ascii_lowercase())
    {
        let (a, b) = (start.as_bytes()[0], end.as_bytes()[0]);
        if a > b {
            return Err(format!("host pattern {p:?}: range start is after its end"));
        }
        items.extend((a..=b).step_by(step).map(|c| (c as char).to_string()));
    } else {
        return Err(format!(
            "host pattern {p:?}: a range is numbers or single lowercase letters"
        ));
    }
    let mut out = Vec::new();
    for tail in expand_pattern(tail)? {
        for item in &items {
            out.push(format!("{head}{item}{tail}"));
            if out.len() > MAX_EXPANSION {
                return Err(format!(
                    "host pattern {p:?} expands to more than {MAX_EXPANSION} hosts"
                ));
            }
        }
    }
    Ok(out)
}

/// One host to add or update.
#[derive(Debug, Clone)]
pub struct Change {
    pub spec: HostSpec,
    pub before: Option<HostSpec>,
}

impl Change {
    /// Fields that differ from the stored host (all, for a new one).
    pub fn changed_fields(&self) -> Vec<String> {
        let Some(b) = &self.before else {
            return Vec::new();
        };
        let s = &self.spec;
        let mut out = Vec::new();
        if b.address != s.address {
            out.push("address".into());
        }
        if b.user != s.user {
            out.push("user".into());
        }
        if b.port != s.port {
            out.push("port".into());
        }
        if b.group != s.group {
            out.push("group".into());
        }
        if b.tags != s.tags {
            out.push("tags".into());
        }
        if b.notes != s.notes {
            out.push("notes".into());
        }
        if b.platform != s.platform {
            out.push("platform".into());
        }
        out
    }
}

/// What an import will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
}

impl Plan {
    pub fn added(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.before.is_none())
    }
    pub fn updated(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.before.is_some())
    }
}

/// Resolves groups, compares with the stored hosts, and reports every bad row.
pub fn plan(
    conn: &Connection,
    parsed: Parsed,
    default_group: Option<&str>,
    source: &str,
) -> Result<Plan> {
    let Parsed {
        records,
        mut errors,
    } = parsed;
    let existing: HashMap<String, HostSpec> = list_hosts(conn, &Default::default())?
        .iter()
        .map(|h| (h.name.clone(), HostSpec::from(h)))
        .collect();
    let groups: BTreeSet<String> = {
        let mut stmt = conn.prepare("SELECT name FROM groups")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    if let Some(g) = default_group.filter(|g| !groups.contains(*g)) {
        super::group_id(conn, g)?;
    }
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut plan = Plan::default();
    for r in records {
        if let Some(prev) = first_line.insert(r.name.clone(), r.line) {
            errors.push((
                r.line,
                format!("host {:?} already appears on line {prev}", r.name),
            ));
            continue;
        }
        let group = match resolve_group(&r, &groups, default_group) {
            Ok(g) => g,
            Err(msg) => {
                errors.push((r.line, msg));
                continue;
            }
        };
        let before = existing.get(&r.name).cloned();
        let mut spec = HostSpec {
            name: r.name,
            address: r.address,
            user: r.user,
            port: r.port,
            group,
            tags: r
                .tags
                .or_else(|| before.as_ref().map(|b| b.tags.clone()))
                .unwrap_or_default(),
            notes: match r.notes {
                Some(n) => n,
                None => before.as_ref().and_then(|b| b.notes.clone()),
            },
            platform: r
                .platform
                .or_else(|| before.as_ref().map(|b| b.platform))
                .unwrap_or_default(),
        };
        spec.normalize();
        if let Err(msg) = spec.validate() {
            errors.push((r.line, msg));
            continue;
        }
        if before.as_ref() == Some(&spec) {
            plan.unchanged += 1;
        } else {
            plan.changes.push(Change { spec, before });
        }
    }
    if !errors.is_empty() {
        return Err(row_failure(source, errors).into());
    }
    Ok(plan)
}

fn resolve_group(
    r: &Record,
    known: &BTreeSet<String>,
    default_group: Option<&str>,
) -> Result<Option<String>, String> {
    if r.explicit_group {
        let (g, _) = &r.groups[0];
        if !known.contains(g) {
            return Err(format!(
                "unknown group {g:?} (create it with `patchcycle group add {g} --order N`)"
            ));
        }
        return Ok(Some(g.clone()));
    }
    let found: Vec<&(String, usize)> = r.groups.iter().filter(|(g, _)| known.contains(g)).collect();
    if let Some(nearest) = found.first().map(|(_, d)| *d) {
        let at_nearest: Vec<&str> = found
            .iter()
            .filter(|(_, d)| *d == nearest)
            .map(|(g, _)| g.as_str())
            .collect();
        if at_nearest.len() > 1 {
            return Err(format!(
                "host {} is in several patchcycle groups ({}); a host belongs to one ring",
                r.name,
                at_nearest.join(", ")
            ));
        }
        return Ok(Some(at_nearest[0].to_string()));
    }
    if let Some(g) = default_group {
        return Ok(Some(g.to_string()));
    }
    if r.groups.is_empty() {
        return Ok(None);
    }
    let names: Vec<&str> = r.groups.iter().map(|(g, _)| g.as_str()).collect();
    Err(format!(
        "host {} is in no patchcycle group (its groups: {}); create one with `patchcycle group add` or pass --group",
        r.name,
        names.join(", ")
    ))
}

/// Writes a plan. Call inside the command's write transaction.
pub fn apply(conn: &Connection, plan: &Plan, now: &str) -> Result<()> {
    let group_ids: HashMap<String, i64> = {
        let mut stmt = conn.prepare("SELECT name, id FROM groups")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for c in &plan.changes {
        let gid = c
            .spec
            .group
            .as_ref()
            .and_then(|g| group_ids.get(g))
            .copied();
        super::write_host_row(conn, &c.spec, gid, now, c.before.is_some())?;
    }
    Ok(())
}

/// The JSON form of a host spec in audit details.
pub fn spec_json(s: &HostSpec) -> serde_json::Value {
    serde_json::json!({
        "address": s.address,
        "user": s.user,
        "port": s.port,
        "group": s.group,
        "tags": s.tags,
        "notes": s.notes,
        "platform": s.platform,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(text: &str) -> std::result::Result<ImportFormat, String> {
        ImportFormat::detect(text, "<stdin>").map_err(|e| {
            let hint = crate::error::hint_of(&e).unwrap_or_default().to_string();
            format!("{e} / {hint}")
        })
    }

    #[test]
    fn inventories_are_recognised_by_their_content() {
        use ImportFormat::*;
        assert_eq!(
            detected("name,address,user,port,group,tags,notes,os_id\nweb1,,,,,,,\n"),
            Ok(Csv)
        );
        assert_eq!(
            detected("\u{feff}\n\"name\",\"group\"\nweb1,pilot\n"),
            Ok(Csv)
        );
        assert_eq!(detected("name\nweb1\n"), Ok(Csv));
        assert_eq!(detected("# fleet\n\n[[hosts]]\nname = \"a\"\n"), Ok(Toml));
        assert_eq!(detected("hosts = [{ name = \"a\" }]\n"), Ok(Toml));
        assert_eq!(
            detected("; ansible\n[web:children]\nfront\n"),
            Ok(AnsibleIni)
        );
        assert_eq!(
            detected("web[01:20] ansible_user=root\n[db]\n"),
            Ok(AnsibleIni)
        );
        assert_eq!(detected("db:2222\n"), Ok(AnsibleIni));
    }

    #[test]
    fn an_unrecognised_inventory_names_the_accepted_types() {
        let accepted = "accepted are a CSV header with a \"name\" column, a TOML [[hosts]] \
                        table or an Ansible INI inventory / pass --type csv, toml or ini";
        assert_eq!(
            detected("{\"hosts\": []}\n"),
            Err(format!(
                "cannot tell the type of <stdin>: its first line \"{{\\\"hosts\\\": []}}\" is none of them; {accepted}"
            ))
        );
        assert_eq!(
            detected(" \n\n"),
            Err(format!(
                "cannot tell the type of <stdin>: it is empty; {accepted}"
            ))
        );
        assert_eq!(
            detected("# only a comment\n"),
            Err(format!(
                "cannot tell the type of <stdin>: it holds nothing but comments; {accepted}"
            ))
        );
    }

    #[test]
    fn known_extensions_decide_without_looking() {
        use ImportFormat::*;
        let of = |p: &str| ImportFormat::from_extension(Path::new(p));
        assert_eq!(of("fleet.CSV"), Some(Csv));
        assert_eq!(of("fleet.toml"), Some(Toml));
        assert_eq!(of("/etc/ansible/hosts.ini"), Some(AnsibleIni));
        assert_eq!(of("ansible.cfg"), Some(AnsibleIni));
        assert_eq!(of("/etc/ansible/hosts"), None);
        assert_eq!(of("export.txt"), None);
        assert_eq!(of("-"), None);
    }

    #[test]
    fn ranges_expand() {
        assert_eq!(
            expand_pattern("web[01:03].x").unwrap(),
            ["web01.x", "web02.x", "web03.x"]
        );
        assert_eq!(
            expand_pattern("db-[a:c]").unwrap(),
            ["db-a", "db-b", "db-c"]
        );
        assert_eq!(expand_pattern("n[1:5:2]").unwrap(), ["n1", "n3", "n5"]);
        assert_eq!(expand_pattern("r[1:2]c[1:2]").unwrap().len(), 4);
        assert!(expand_pattern("n[5:1]").is_err());
        assert!(expand_pattern("n[1:999999999]").is_err());
        assert!(expand_pattern("n[1:2").is_err());
    }

    #[test]
    fn ini_children_and_vars() {
        let ini = "\
[web]
web1 ansible_host=10.0.0.1
web2:2222 ansible_user=deploy

[db]
db1 ansible_host=\"10.0.0.9\"  # primary

[prod:children]
web
db

[prod:vars]
ansible_user=admin
";
        let (recs, errs) = parse_ini(ini);
        assert!(errs.is_empty(), "{errs:?}");
        let web2 = recs.iter().find(|r| r.name == "web2").unwrap();
        assert_eq!(web2.port, Some(2222));
        assert_eq!(web2.user.as_deref(), Some("deploy"));
        let web1 = recs.iter().find(|r| r.name == "web1").unwrap();
        assert_eq!(web1.user.as_deref(), Some("admin"));
        assert_eq!(web1.address, "10.0.0.1");
        assert_eq!(
            web1.groups,
            [("web".to_string(), 0), ("prod".to_string(), 1)]
        );
        let db1 = recs.iter().find(|r| r.name == "db1").unwrap();
        assert_eq!(db1.address, "10.0.0.9");
    }

    #[test]
    fn ini_rejects_hostile_values() {
        let (_, errs) = parse_ini("[web]\nweb1 ansible_host=-oProxyCommand=x\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 2);
        let (_, errs) = parse_ini("[web]\nweb;1\n");
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn csv_reports_every_bad_line() {
        let csv = "name,address,user,port,group,tags\nok1,10.0.0.1,root,22,,\nbad,10.0.0.2,root,99999,,\nbad2,-x,,,,\n";
        let (recs, errs) = parse_csv(csv);
        assert_eq!(recs.len(), 1);
        assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), [3, 4]);
    }
}
