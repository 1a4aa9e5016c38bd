//! The layering the README's architecture map promises, checked on the sources: no
//! import cycle among the files of `src/`, `exec` (the SSH transport) imports nothing
//! from `scan` or `cycle`, the layers above it, and the CLI (`src/cli/`) holds no SQL:
//! it parses and calls the domain module that owns each table.
//!
//! A file's imports are the `crate::…` and `super::…` paths it names outside its
//! `#[cfg(test)]` module, resolved to the longest path that is a file of `src/`. A child
//! naming its parent (`super::Thing` defined in `mod.rs`) is how Rust modules are built
//! and is not counted; a parent's `mod child;` is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`cycle::deploy`, `crate` for lib.rs) → source without its tests.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let name = match parts.as_slice() {
                [one] if one == "lib" || one == "main" => "crate".to_string(),
                _ => parts.join("::"),
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            out.insert(name, code);
        }
    }
    out
}

/// Every path after `prefix` in `code`, with `a::{b, c::d}` groups expanded one level.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before_ok = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        rest = &rest[i + prefix.len()..];
        if !before_ok {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let head = rest[..end].trim_end_matches(':').to_string();
        if rest[end..].starts_with('{') && rest[..end].ends_with("::")
            || rest[..end].is_empty() && rest.starts_with('{')
        {
            let close = rest[end..].find('}').map_or(rest.len(), |j| end + j);
            for item in rest[end + 1..close].split(',') {
                let item = item.trim().trim_start_matches('{');
                let first = item
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(':');
                if first.is_empty() || first == "self" {
                    out.push(head.clone());
                } else if head.is_empty() {
                    out.push(first.to_string());
                } else {
                    out.push(format!("{head}::{first}"));
                }
            }
        } else if !head.is_empty() {
            out.push(head);
        }
    }
    out
}

/// The longest prefix of `path` that is a module.
fn resolve<'a>(mods: &'a BTreeMap<String, String>, path: &str) -> Option<&'a str> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find_map(|m| mods.get_key_value(&m).map(|(k, _)| k.as_str()))
}

fn imports(mods: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (m, code) in mods {
        let parent = m.rsplit_once("::").map(|(p, _)| p);
        let mut targets: Vec<&str> = paths_after(code, "crate::")
            .iter()
            .filter_map(|p| resolve(mods, p))
            .collect();
        if let Some(parent) = parent {
            targets.extend(
                paths_after(code, "super::")
                    .iter()
                    .filter_map(|p| resolve(mods, &format!("{parent}::{p}"))),
            );
        }
        let set = edges.entry(m.as_str()).or_default();
        for t in targets {
            // A module naming itself, or an ancestor (child → parent), is not an edge.
            if t != m && !m.starts_with(&format!("{t}::")) && t != "crate" {
                set.insert(t);
            }
        }
    }
    edges
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(v: &'a str, e: &BTreeMap<&'a str, BTreeSet<&'a str>>, s: &mut State<'a>) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        for &w in e.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, e, s);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.found.push(comp);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for &v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(v, edges, &mut s);
        }
    }
    s.found
}

#[test]
fn the_checker_sees_imports_and_cycles() {
    let mut mods = BTreeMap::new();
    mods.insert("a".to_string(), "use crate::b::{self, X};".to_string());
    mods.insert("b".to_string(), "use super::c::Y;".to_string());
    mods.insert("b::c".to_string(), "fn f() { crate::a::g() }".to_string());
    mods.insert("d".to_string(), "use crate::{a, b::c};".to_string());
    let e = imports(&mods);
    assert_eq!(e["a"], BTreeSet::from(["b"]));
    assert_eq!(e["d"], BTreeSet::from(["a", "b::c"]));
    assert_eq!(e["b::c"], BTreeSet::from(["a"]));
    assert_eq!(cycles(&e), Vec::<Vec<&str>>::new());
    mods.insert(
        "b".to_string(),
        "use crate::b::c::Y; use crate::a;".to_string(),
    );
    let e = imports(&mods);
    assert_eq!(cycles(&e), vec![vec!["a", "b", "b::c"]]);
}

#[test]
fn no_import_cycle_among_source_files() {
    let mods = modules();
    let found = cycles(&imports(&mods));
    assert!(
        found.is_empty(),
        "files of src/ that import each other (directly or around a loop): {found:?}"
    );
}

#[test]
fn exec_imports_nothing_from_scan_or_cycle() {
    let mods = modules();
    let edges = imports(&mods);
    let up: Vec<(&str, &str)> = edges
        .iter()
        .filter(|(m, _)| **m == "exec" || m.starts_with("exec::"))
        .flat_map(|(m, ts)| ts.iter().map(move |t| (*m, *t)))
        .filter(|(_, t)| {
            ["scan", "cycle"]
                .iter()
                .any(|l| t == l || t.starts_with(&format!("{l}::")))
        })
        .collect();
    assert!(
        up.is_empty(),
        "exec imports from the layers above it: {up:?}"
    );
}

/// What marks SQL in Rust source: a rusqlite call that runs a statement, its parameter
/// macro, or a string literal opening with an SQL keyword (SQL here is written in
/// capitals, so help text such as "create it" is not taken for it).
const SQL_MARKERS: &[&str] = &[
    ".execute(",
    ".execute_batch(",
    ".query_row(",
    ".query_map(",
    ".query_and_then(",
    ".prepare(",
    ".prepare_cached(",
    ".pragma_query(",
    ".pragma_query_value(",
    ".pragma_update(",
    "params![",
    "\"SELECT ",
    "\"INSERT ",
    "\"UPDATE ",
    "\"DELETE ",
    "\"REPLACE ",
    "\"PRAGMA ",
    "\"WITH ",
    "\"CREATE ",
    "\"DROP ",
    "\"ALTER ",
];

/// (line number, marker) of every SQL marker in `code`. `.execute()` with no argument is
/// not rusqlite's (which takes the statement) but, e.g., the deploy engine's.
fn sql_in(code: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        for &m in SQL_MARKERS {
            let mut rest = line;
            while let Some(at) = rest.find(m) {
                rest = &rest[at + m.len()..];
                if m == ".execute(" && rest.starts_with(')') {
                    continue;
                }
                out.push((i + 1, m));
                break;
            }
        }
    }
    out
}

#[test]
fn the_checker_sees_sql() {
    let code = "fn f(tx: &Tx) {\n    let n = tx.execute(\n        \"DELETE FROM exceptions WHERE id = ?1\",\n        [id],\n    )?;\n    engine.execute()?;\n    conn.prepare_cached(SQL)?;\n    status(\"create it\");\n}\n";
    assert_eq!(
        sql_in(code),
        vec![(2, ".execute("), (3, "\"DELETE "), (7, ".prepare_cached(")]
    );
    assert_eq!(sql_in("let q = r#\"SELECT 1\"#;"), vec![(1, "\"SELECT ")]);
    assert!(sql_in("fn execute(ctx: &Context) {}").is_empty());
}

#[test]
fn no_file_of_the_cli_holds_sql() {
    let mods = modules();
    let mut found = Vec::new();
    for (m, code) in &mods {
        let file = match m.as_str() {
            "cli" => "src/cli/mod.rs".to_string(),
            _ => match m.strip_prefix("cli::") {
                Some(rest) => format!("src/cli/{}.rs", rest.replace("::", "/")),
                None => continue,
            },
        };
        for (line, marker) in sql_in(code) {
            found.push(format!("{file}:{line}: {marker}"));
        }
    }
    assert!(
        mods.keys().any(|m| m == "cli::approve"),
        "the checker no longer finds the CLI's files"
    );
    assert!(
        found.is_empty(),
        "SQL in the CLI (move it to the domain module that owns the table):\n{}",
        found.join("\n")
    );
}

/// The joins of `table` in `code` that name the scan's own id (`… = s.id` or `= scans.id`
/// right after `JOIN table … ON`): the reads that would miss an unchanged scan's rows.
fn joins_by_own_id(code: &str, table: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices(&format!("JOIN {table} ")) {
        let rest = &code[i..];
        let on = rest.split(['"', '\n']).next().unwrap_or(rest);
        if on.contains(".scan_id = s.id") || on.contains(".scan_id = scans.id") {
            found.push(on.to_string());
        }
    }
    found
}

/// Where a scan's findings and package rows are (its own, or those of the scan an
/// unchanged scan reuses) is said once, by the schema (migration 0020: `findings_of`,
/// `facts_of` and the `scan_*` views): no source spells it again, and no join of those
/// tables goes by the scan's own id.
#[test]
fn readers_find_a_scans_rows_through_the_schema() {
    assert_eq!(
        joins_by_own_id("x JOIN findings f ON f.scan_id = s.id WHERE", "findings"),
        ["JOIN findings f ON f.scan_id = s.id WHERE"]
    );
    assert!(joins_by_own_id("JOIN findings f ON f.scan_id = s.findings_of", "findings").is_empty());
    for (name, code) in modules() {
        for spelled in [
            "coalesce(findings_scan",
            "coalesce(facts_scan",
            "coalesce(s.findings_scan",
            "coalesce(s.facts_scan",
        ] {
            assert!(!code.contains(spelled), "{name} spells {spelled}…) again");
        }
        for table in ["findings", "installed", "host_advisories"] {
            let bad = joins_by_own_id(&code, table);
            assert!(bad.is_empty(), "{name}: {bad:?}");
        }
    }
}
