//! Exceptions as OpenVEX 0.2.0 documents: `exception export --format openvex` writes
//! the active exceptions as statements, `exception import FILE` reads statements back
//! into exceptions.
//!
//! Each exception is one statement:
//! - `vulnerability.name`: the exception's advisory (an exception without one covers any
//!   vulnerability, which a statement cannot say: it is refused, or skipped on request);
//! - `products`: one product naming the exception's scope by a patchcycle URN
//!   ([`Product`]), its `subcomponents` the package as `pkg:generic/NAME` (the name an
//!   exception matches, binary or source, in any ecosystem);
//! - `status`: `not_affected` with the exception's `justification` and its reason as
//!   `impact_statement`; without a justification, `affected` with the reason as
//!   `action_statement` (the risk is accepted, not denied);
//! - `timestamp`: when the exception was made; `status_notes`: `patchcycle: expires
//!   <RFC 3339>`, the expiry OpenVEX has no field for ([`EXPIRES`]).
//!
//! Import reads the same shapes, one exception per product and subcomponent, and refuses
//! a document (nothing is written) at its first statement patchcycle cannot hold, naming
//! it.

pub mod justification;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::Failure;
use crate::scan::query::{self, Exception, NewException};
use crate::{audit, catalog, clock, inventory};

pub use justification::Justification;

/// The JSON-LD context of the OpenVEX version written and read.
pub const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";
/// The marker of an exception's expiry in a statement's `status_notes`.
pub const EXPIRES: &str = "patchcycle: expires ";
/// Most statements a document may hold on import.
pub const MAX_STATEMENTS: usize = 100_000;
/// Most exceptions one statement may make (products × subcomponents).
pub const MAX_PER_STATEMENT: usize = 10_000;

/// What an exception's scope is, as an OpenVEX product `@id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Product {
    /// Every host: `urn:patchcycle:fleet`.
    Fleet,
    /// The hosts of a group: `urn:patchcycle:group:NAME`.
    Group(String),
    /// One host: `urn:patchcycle:host:NAME`.
    Host(String),
    /// One host while it is in that group: `urn:patchcycle:group:GROUP:host:HOST`.
    HostInGroup { group: String, host: String },
}

const URN: &str = "urn:patchcycle:";

impl Product {
    pub fn of(e: &Exception) -> Product {
        match (&e.group, &e.host) {
            (None, None) => Product::Fleet,
            (Some(g), None) => Product::Group(g.clone()),
            (None, Some(h)) => Product::Host(h.clone()),
            (Some(g), Some(h)) => Product::HostInGroup {
                group: g.clone(),
                host: h.clone(),
            },
        }
    }

    pub fn id(&self) -> String {
        match self {
            Product::Fleet => format!("{URN}fleet"),
            Product::Group(g) => format!("{URN}group:{g}"),
            Product::Host(h) => format!("{URN}host:{h}"),
            Product::HostInGroup { group, host } => format!("{URN}group:{group}:host:{host}"),
        }
    }

    /// A product `@id` of ours; None for any other. Names are inventory names (no `:`).
    pub fn parse(id: &str) -> Option<Product> {
        let rest = id.strip_prefix(URN)?;
        let name = |s: &str| inventory::validate::name("host", s).is_ok();
        if rest == "fleet" {
            return Some(Product::Fleet);
        }
        if let Some(h) = rest.strip_prefix("host:") {
            return name(h).then(|| Product::Host(h.to_string()));
        }
        let g = rest.strip_prefix("group:")?;
        match g.split_once(":host:") {
            Some((g, h)) => (name(g) && name(h)).then(|| Product::HostInGroup {
                group: g.to_string(),
                host: h.to_string(),
            }),
            None => name(g).then(|| Product::Group(g.to_string())),
        }
    }

    fn host(&self) -> Option<&str> {
        match self {
            Product::Host(h) | Product::HostInGroup { host: h, .. } => Some(h),
            _ => None,
        }
    }

    fn group(&self) -> Option<&str> {
        match self {
            Product::Group(g) | Product::HostInGroup { group: g, .. } => Some(g),
            _ => None,
        }
    }
}

/// The purl of a package name an exception matches (any ecosystem, binary or source).
pub fn purl(package: &str) -> String {
    // Inventory-style package names ([A-Za-z0-9._-]) need no percent-encoding.
    format!("pkg:generic/{package}")
}

/// The package name of a purl, which must name no version, qualifier or subpath: an
/// exception covers every version of a package, so a narrower statement is refused
/// rather than widened.
fn package_of_purl(p: &str) -> Result<String, String> {
    let rest = p
        .strip_prefix("pkg:")
        .ok_or_else(|| format!("{p:?} is not a package URL (pkg:TYPE/NAME)"))?;
    if rest.contains(['@', '?', '#']) {
        return Err(format!(
            "{p:?} names a version, qualifiers or a subpath; an exception covers every version of a package (use pkg:TYPE/NAME)"
        ));
    }
    let (kind, path) = rest
        .split_once('/')
        .ok_or_else(|| format!("{p:?} is not a package URL (pkg:TYPE/NAME)"))?;
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c))
    {
        return Err(format!("{p:?} has no valid purl type"));
    }
    let raw = path.rsplit('/').next().unwrap_or_default();
    let name = percent_decode(raw).ok_or_else(|| format!("{p:?}: bad percent-encoding"))?;
    inventory::validate::name("package", &name)?;
    Ok(name)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A statement's status, as OpenVEX 0.2.0 spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    NotAffected,
    Affected,
}

#[derive(Serialize)]
struct Document {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    author: String,
    timestamp: String,
    version: u32,
    tooling: String,
    statements: Vec<Statement>,
}

#[derive(Serialize)]
struct Vulnerability {
    name: String,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "@id")]
    id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subcomponents: Vec<Subcomponent>,
}

#[derive(Serialize)]
struct Subcomponent {
    #[serde(rename = "@id")]
    id: String,
}

#[derive(Serialize)]
struct Statement {
    vulnerability: Vulnerability,
    timestamp: String,
    products: Vec<Component>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<Justification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact_statement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_statement: Option<String>,
    status_notes: String,
}

fn statement(e: &Exception, advisory: &str) -> Statement {
    let (status, impact, action) = match e.vex_justification {
        Some(_) => (Status::NotAffected, Some(e.reason.clone()), None),
        None => (Status::Affected, None, Some(e.reason.clone())),
    };
    Statement {
        vulnerability: Vulnerability {
            name: advisory.to_string(),
        },
        timestamp: e.created_at.clone(),
        products: vec![Component {
            id: Product::of(e).id(),
            subcomponents: e
                .package
                .iter()
                .map(|p| Subcomponent { id: purl(p) })
                .collect(),
        }],
        status,
        justification: e.vex_justification,
        impact_statement: impact,
        action_statement: action,
        status_notes: format!("{EXPIRES}{}", e.expires),
    }
}

/// An export: the document, and the exceptions left out (active, but naming no advisory).
pub struct Export {
    pub document: String,
    pub statements: usize,
    pub skipped: Vec<i64>,
}

/// The active exceptions at `now` as one OpenVEX document by `author`. An active
/// exception naming no advisory is refused by id unless `skip_without_advisory`.
pub fn export(
    conn: &Connection,
    now: DateTime<Utc>,
    author: &str,
    skip_without_advisory: bool,
) -> Result<Export> {
    let now_stamp = clock::stamp(now);
    let active: Vec<Exception> = query::exceptions(conn, &now_stamp)?
        .into_iter()
        .filter(|e| e.state == "active")
        .collect();
    let mut statements = Vec::new();
    let mut skipped = Vec::new();
    for e in &active {
        match &e.advisory {
            Some(a) => statements.push(statement(e, a)),
            None if skip_without_advisory => skipped.push(e.id),
            None => {
                return Err(Failure::usage(format!(
                    "exception {} names no advisory: an OpenVEX statement is about one vulnerability",
                    e.id
                ))
                .hint("export the others with --skip-without-advisory, or scope the exception to an advisory (`exception add --advisory`)")
                .into());
            }
        }
    }
    if statements.is_empty() {
        return Err(Failure::runtime(format!(
            "no active exception to export{}",
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" ({} without an advisory skipped)", skipped.len())
            }
        ))
        .hint("an OpenVEX document holds at least one statement; see `patchcycle exception list`")
        .into());
    }
    // The same statements make the same document id, whenever exported.
    let id = format!(
        "{URN}openvex:sha256:{}",
        crate::digest::sha256_hex(&serde_json::to_vec(&statements)?)
    );
    let doc = Document {
        context: CONTEXT,
        id,
        author: author.to_string(),
        timestamp: now_stamp,
        version: 1,
        tooling: format!("patchcycle {}", env!("CARGO_PKG_VERSION")),
        statements,
    };
    let count = doc.statements.len();
    let mut document = serde_json::to_string_pretty(&doc)?;
    document.push('\n');
    Ok(Export {
        document,
        statements: count,
        skipped,
    })
}

/// One exception read from a document, before the database is asked about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The statement's number in the document (1-based), for messages.
    pub statement: usize,
    pub advisory: String,
    pub product: Product,
    pub package: Option<String>,
    pub reason: String,
    pub justification: Option<Justification>,
    pub created_at: String,
    pub expires: String,
}

/// The bounds an imported exception must keep, as `exception add` does.
pub struct Limits {
    pub now: DateTime<Utc>,
    /// The latest expiry allowed (a year ahead).
    pub latest: Option<DateTime<Utc>>,
    /// The expiry of statements whose `status_notes` carry none (`--expires`).
    pub default_expires: Option<DateTime<Utc>>,
}

fn bad(n: usize, what: impl std::fmt::Display) -> anyhow::Error {
    Failure::usage(format!("statement {n}: {what}")).into()
}

fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key)
}

/// A statement's text field, one line (`who` names the statement in errors).
fn text_field(who: &str, obj: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    let bad = |what: String| Failure::usage(format!("{who} {what}"));
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => {
            inventory::validate::text(key, s).map_err(bad)?;
            Ok(Some(s.clone()))
        }
        Some(_) => Err(bad(format!("{key} is not a string")).into()),
    }
}

fn time_field(who: &str, obj: &Map<String, Value>, key: &str) -> Result<Option<DateTime<Utc>>> {
    let bad = |what: String| Failure::usage(format!("{who} {what}"));
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => clock::parse(s).map(Some).ok_or_else(|| {
            bad(format!(
                "{key} {:?} is not an RFC 3339 time",
                crate::text::one_line(s)
            ))
            .into()
        }),
        Some(_) => Err(bad(format!("{key} is not a string")).into()),
    }
}

/// Reads an OpenVEX 0.2.0 document into the exceptions it states (no database needed):
/// every statement must be one patchcycle can hold, else the whole document is refused
/// naming the first that is not.
pub fn read(text: &str, limits: &Limits) -> Result<Vec<Incoming>> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| Failure::usage(format!("not an OpenVEX document: invalid JSON ({e})")))?;
    let Value::Object(doc) = doc else {
        return Err(Failure::usage("not an OpenVEX document: not a JSON object").into());
    };
    match doc.get("@context") {
        Some(Value::String(c)) if c == CONTEXT => {}
        Some(Value::String(c)) => {
            return Err(Failure::usage(format!(
                "unsupported OpenVEX @context {:?}: patchcycle reads {CONTEXT}",
                crate::text::one_line(c)
            ))
            .into());
        }
        _ => {
            return Err(Failure::usage("not an OpenVEX document: no @context string").into());
        }
    }
    // Required by OpenVEX, though patchcycle keeps none of them: a document without
    // them is not one.
    for key in ["@id", "author"] {
        if !matches!(doc.get(key), Some(Value::String(_))) {
            return Err(Failure::usage(format!("not an OpenVEX document: no {key} string")).into());
        }
    }
    if doc
        .get("version")
        .and_then(Value::as_u64)
        .is_none_or(|v| v == 0)
    {
        return Err(
            Failure::usage("not an OpenVEX document: no version (an integer from 1)").into(),
        );
    }
    let doc_time = match doc.get("timestamp") {
        Some(Value::String(s)) => clock::parse(s).ok_or_else(|| {
            Failure::usage(format!(
                "document timestamp {:?} is not an RFC 3339 time",
                crate::text::one_line(s)
            ))
        })?,
        _ => return Err(Failure::usage("not an OpenVEX document: no timestamp").into()),
    };
    let Some(Value::Array(statements)) = doc.get("statements") else {
        return Err(Failure::usage("not an OpenVEX document: no statements array").into());
    };
    if statements.is_empty() {
        return Err(Failure::usage("the document has no statement").into());
    }
    if statements.len() > MAX_STATEMENTS {
        return Err(Failure::usage(format!(
            "the document has {} statements, more than {MAX_STATEMENTS}",
            statements.len()
        ))
        .into());
    }
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        read_statement(i + 1, s, doc_time, limits, &mut out)?;
    }
    Ok(out)
}

fn read_statement(
    n: usize,
    s: &Value,
    doc_time: DateTime<Utc>,
    limits: &Limits,
    out: &mut Vec<Incoming>,
) -> Result<()> {
    let Value::Object(s) = s else {
        return Err(bad(n, "not a JSON object"));
    };
    let advisory = match s.get("vulnerability") {
        Some(Value::Object(v)) => match v.get("name") {
            Some(Value::String(name)) => {
                catalog::validate_id(name).map_err(|e| bad(n, format!("vulnerability {e}")))?;
                name.clone()
            }
            _ => return Err(bad(n, "vulnerability has no name")),
        },
        _ => return Err(bad(n, "no vulnerability")),
    };
    let who = format!("statement {n}: ({advisory})");
    let n_adv = |what: String| -> anyhow::Error { Failure::usage(format!("{who} {what}")).into() };
    let status = match s.get("status") {
        Some(Value::String(st)) => st.as_str(),
        _ => return Err(n_adv("no status".into())),
    };
    let justification = match text_field(&who, s, "justification")? {
        None => None,
        Some(j) => Some(Justification::parse(&j).ok_or_else(|| {
            n_adv(format!(
                "unknown justification {j:?} (OpenVEX 0.2.0: {})",
                Justification::ALL
                    .iter()
                    .map(|j| j.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
    };
    let reason = match status {
        "not_affected" => match (text_field(&who, s, "impact_statement")?, justification) {
            (Some(r), _) if !r.trim().is_empty() => r,
            (_, Some(j)) => j.as_str().to_string(),
            _ => {
                return Err(n_adv(
                    "not_affected needs a justification or an impact_statement".into(),
                ));
            }
        },
        "affected" => match text_field(&who, s, "action_statement")? {
            Some(r) if !r.trim().is_empty() => {
                if justification.is_some() {
                    return Err(n_adv("an affected statement has no justification".into()));
                }
                r
            }
            _ => return Err(n_adv("affected needs an action_statement".into())),
        },
        "fixed" | "under_investigation" => {
            return Err(n_adv(format!(
                "status {status} is not a risk acceptance: patchcycle imports not_affected and affected statements (a fix is seen by a scan)"
            )));
        }
        other => {
            return Err(n_adv(format!(
                "unknown status {:?} (OpenVEX 0.2.0: not_affected, affected, fixed, under_investigation)",
                crate::text::one_line(other)
            )));
        }
    };
    let created = time_field(&who, s, "timestamp")?.unwrap_or(doc_time);
    if created > limits.now {
        return Err(n_adv(format!(
            "timestamp {} is in the future",
            clock::stamp(created)
        )));
    }
    let notes = text_field(&who, s, "status_notes")?;
    let expires = match notes.as_deref().and_then(|t| t.split_once(EXPIRES)) {
        Some((_, rest)) => {
            let t = rest.split_whitespace().next().unwrap_or_default();
            clock::parse(t).ok_or_else(|| {
                n_adv(format!(
                    "status_notes: {EXPIRES}{t:?} is not an RFC 3339 time"
                ))
            })?
        }
        None => limits.default_expires.ok_or_else(|| {
            anyhow::Error::from(
                Failure::usage(format!(
                    "statement {n}: ({advisory}) no expiry (status_notes \"{EXPIRES}<time>\")"
                ))
                .hint("give the statements without one an expiry with --expires DATE"),
            )
        })?,
    };
    if expires <= limits.now {
        return Err(n_adv(format!("expired at {}", clock::stamp(expires))));
    }
    if limits.latest.is_some_and(|l| expires > l) {
        return Err(n_adv(format!(
            "expires {} is more than a year ahead",
            clock::stamp(expires)
        )));
    }
    let products = match s.get("products") {
        Some(Value::Array(p)) if !p.is_empty() => p,
        _ => {
            return Err(n_adv(
                "no products: patchcycle scopes an exception to urn:patchcycle:fleet, urn:patchcycle:group:NAME or urn:patchcycle:host:NAME".into(),
            ));
        }
    };
    let mut made = 0usize;
    for p in products {
        let Value::Object(p) = p else {
            return Err(n_adv("a product is not a JSON object".into()));
        };
        let product = match p.get("@id") {
            Some(Value::String(id)) => Product::parse(id).ok_or_else(|| {
                n_adv(format!(
                    "unknown product {:?}: patchcycle's are urn:patchcycle:fleet, urn:patchcycle:group:NAME, urn:patchcycle:host:NAME and urn:patchcycle:group:GROUP:host:HOST",
                    crate::text::one_line(id)
                ))
            })?,
            _ => {
                return Err(n_adv(
                    "a product has no @id: patchcycle scopes an exception by urn:patchcycle:… ids".into(),
                ));
            }
        };
        let packages: Vec<Option<String>> = match p.get("subcomponents") {
            None => vec![None],
            Some(Value::Array(subs)) if subs.is_empty() => vec![None],
            Some(Value::Array(subs)) => subs
                .iter()
                .map(|c| subcomponent_package(c).map(Some).map_err(&n_adv))
                .collect::<Result<_>>()?,
            Some(_) => return Err(n_adv("subcomponents is not an array".into())),
        };
        for package in packages {
            made += 1;
            if made > MAX_PER_STATEMENT {
                return Err(n_adv(format!(
                    "more than {MAX_PER_STATEMENT} products and subcomponents"
                )));
            }
            out.push(Incoming {
                statement: n,
                advisory: advisory.clone(),
                product: product.clone(),
                package,
                reason: reason.clone(),
                justification,
                created_at: clock::stamp(created),
                expires: clock::stamp(expires),
            });
        }
    }
    Ok(())
}

/// A subcomponent's package name, from its `@id` or `identifiers.purl`.
fn subcomponent_package(c: &Value) -> Result<String, String> {
    let Value::Object(c) = c else {
        return Err("a subcomponent is not a JSON object".into());
    };
    let purl = match (c.get("@id"), c.get("identifiers")) {
        (Some(Value::String(id)), _) => id.as_str(),
        (_, Some(Value::Object(ids))) => match ids.get("purl") {
            Some(Value::String(p)) => p.as_str(),
            _ => return Err("a subcomponent has no purl".into()),
        },
        _ => return Err("a subcomponent has no @id or identifiers.purl".into()),
    };
    package_of_purl(purl).map_err(|e| format!("subcomponent {}", crate::text::one_line(&e)))
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    /// The ids of the exceptions added.
    pub added: Vec<i64>,
    /// Statements' exceptions already present, identical (not added twice).
    pub present: usize,
    /// Advisory ids no synced source knows (kept as written).
    pub unknown_ids: Vec<String>,
}

/// Adds the exceptions read by [`read`], inside the caller's write transaction, each
/// with its audit entry: their hosts and groups must exist (else the statement is
/// named), and one identical to an exception already stored is not added again.
pub fn import(
    tx: &Connection,
    incoming: &[Incoming],
    actor: &str,
    now: &str,
    source: &str,
) -> Result<Imported> {
    let mut done = Imported::default();
    let mut existing = query::exceptions(tx, now)?;
    for inc in incoming {
        let n = inc.statement;
        let missing = |what: &str, name: &str| -> anyhow::Error {
            Failure::usage(format!(
                "statement {n}: ({}) product {}: no {what} {name}",
                inc.advisory,
                inc.product.id()
            ))
            .hint(format!(
                "the document scopes exceptions to this inventory's hosts and groups; add the {what} first, or leave the statement out"
            ))
            .into()
        };
        if let Some(h) = inc.product.host()
            && inventory::get_host(tx, h)?.is_none()
        {
            return Err(missing("host", h));
        }
        if let Some(g) = inc.product.group()
            && inventory::get_group(tx, g)?.is_none()
        {
            return Err(missing("group", g));
        }
        let advisory = match catalog::query::known_spelling(tx, &inc.advisory)? {
            Some(known) => known,
            None => {
                let spelled = if catalog::is_cve(&inc.advisory.to_ascii_uppercase()) {
                    inc.advisory.to_ascii_uppercase()
                } else {
                    inc.advisory.clone()
                };
                if !done.unknown_ids.contains(&spelled) {
                    done.unknown_ids.push(spelled.clone());
                }
                spelled
            }
        };
        let same = |e: &Exception| {
            e.advisory.as_deref() == Some(advisory.as_str())
                && e.package == inc.package
                && e.host.as_deref() == inc.product.host()
                && e.group.as_deref() == inc.product.group()
                && e.reason == inc.reason
                && e.expires == inc.expires
                && e.vex_justification == inc.justification
        };
        if existing.iter().any(same) {
            done.present += 1;
            continue;
        }
        let new = NewException {
            advisory: Some(&advisory),
            package: inc.package.as_deref(),
            host: inc.product.host(),
            group: inc.product.group(),
            reason: &inc.reason,
            actor,
            created_at: &inc.created_at,
            expires: &inc.expires,
            vex_justification: inc.justification,
        };
        let id = query::add_exception(tx, &new)?;
        audit::append(
            tx,
            now,
            actor,
            "exception.import",
            &format!("exception {id}"),
            &json!({
                "source": source,
                "statement": n,
                "advisory": advisory,
                "package": inc.package,
                "host": inc.product.host(),
                "group": inc.product.group(),
                "reason": inc.reason,
                "vex_justification": inc.justification,
                "created_at": inc.created_at,
                "expires": inc.expires,
            }),
        )?;
        existing.push(Exception {
            id,
            advisory: Some(advisory.clone()),
            package: inc.package.clone(),
            host: inc.product.host().map(str::to_string),
            group: inc.product.group().map(str::to_string),
            reason: inc.reason.clone(),
            actor: actor.to_string(),
            created_at: inc.created_at.clone(),
            expires: inc.expires.clone(),
            state: "active".into(),
            vex_justification: inc.justification,
        });
        done.added.push(id);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_ids_read_back() {
        for p in [
            Product::Fleet,
            Product::Group("prod".into()),
            Product::Host("web-1.example".into()),
            Product::HostInGroup {
                group: "prod".into(),
                host: "web1".into(),
            },
        ] {
            assert_eq!(Product::parse(&p.id()), Some(p));
        }
        for other in [
            "urn:patchcycle:host:",
            "urn:patchcycle:host:-x",
            "urn:patchcycle:host:a b",
            "urn:patchcycle:group:g:host:",
            "urn:patchcycle:fleet:x",
            "urn:patchcycle:vm:x",
            "pkg:generic/web1",
        ] {
            assert_eq!(Product::parse(other), None, "{other}");
        }
    }

    #[test]
    fn purls_name_a_package_of_any_version_only() {
        assert_eq!(package_of_purl(&purl("libc6")).as_deref(), Ok("libc6"));
        assert_eq!(
            package_of_purl("pkg:deb/debian/openssl").as_deref(),
            Ok("openssl")
        );
        assert_eq!(package_of_purl("pkg:rpm/x%2Dy").as_deref(), Ok("x-y"));
        for bad in [
            "pkg:deb/debian/libc6@2.36-9",
            "pkg:deb/debian/libc6?arch=amd64",
            "pkg:generic/a#sub",
            "generic/libc6",
            "pkg:/libc6",
            "pkg:generic/%zz",
            "pkg:generic/-rf",
        ] {
            assert!(package_of_purl(bad).is_err(), "{bad}");
        }
    }
}
