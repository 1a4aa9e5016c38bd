//! Matching a Windows host against the MSRC catalogue (`sync msrc`): by product, build
//! and KB, with supersedence.
//!
//! 1. **Product.** The host's registry values give, by Microsoft's naming rules, the name
//!    of its product in the CVRF product tree: "Windows Server 2022" (+ " (Server Core
//!    installation)"), "Windows 10 Version 22H2 for x64-based Systems", … Windows 11 still
//!    says "Windows 10" in `ProductName`; its build (≥ 22000) tells it apart. The name is
//!    looked up in `msrc_products` (whitespace and case aside: MSRC's own names vary in
//!    both). No product: the host is unknown, never compliant (the verdict module's
//!    `NoProduct`).
//!    Products that add a component (".NET Framework 4.8 on Windows Server 2022") are not
//!    the OS: the collector does not report components, so they are left out.
//! 2. **Per CVE.** A CVE's remediations for the product are grouped by kind (cumulative
//!    update, hotpatch, security only); each group is represented by its newest KB (highest
//!    FixedBuild). The CVE is fixed on the host when any group is satisfied: the host's
//!    build `10.0.CurrentBuild.UBR` ≥ the FixedBuild (of a cumulative update; a hotpatch's
//!    build lives on the hotpatch branch, so for it the build of the first cumulative
//!    update of the product above it, a later release carrying its fixes), or the KB —
//!    or any KB that supersedes it, transitively across months — is installed.
//! 3. **One finding per update.** Missing CVEs whose cumulative update the product's newest
//!    cumulative update covers (its build is at least theirs, or it supersedes their KB)
//!    collapse into one finding for that update; the rest are findings of their own KB.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;

use anyhow::Result;
use rusqlite::Connection;
use serde::{Serialize, Serializer};

use crate::catalog::Severity;
use crate::family::WindowsFacts;

/// Longest supersedence chain followed (Microsoft's chains grow by one KB a month).
pub const MAX_SUPERSEDENCE_DEPTH: usize = 512;
/// Most KBs visited in one supersedence walk.
const MAX_SUPERSEDENCE_NODES: usize = 20_000;

/// A Windows build `10.0.20348.2227`, compared numerically part by part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WindowsBuild(pub [u32; 4]);

impl WindowsBuild {
    /// The build a host runs: `10.0.CurrentBuild.UBR`.
    pub fn of_host(w: &WindowsFacts) -> WindowsBuild {
        WindowsBuild([10, 0, w.current_build, w.ubr])
    }
}

impl FromStr for WindowsBuild {
    type Err = String;

    fn from_str(s: &str) -> Result<WindowsBuild, String> {
        let mut parts = [0u32; 4];
        let mut n = 0;
        for p in s.trim().split('.') {
            if n == 4 || p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("not a Windows build (N.N.N.N): {s:?}"));
            }
            parts[n] = p
                .parse()
                .map_err(|_| format!("not a Windows build: {s:?}"))?;
            n += 1;
        }
        if n != 4 {
            return Err(format!("not a Windows build (N.N.N.N): {s:?}"));
        }
        Ok(WindowsBuild(parts))
    }
}

impl fmt::Display for WindowsBuild {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

impl Serialize for WindowsBuild {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How the CVRF product name of a host is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductRule {
    /// The product of exactly this name.
    Named(String),
    /// A Windows Server annual-channel release: MSRC names it "Windows Server, version
    /// 20H2" up to 20H2 and "Windows Server 2022, 23H2 Edition" since, both by the
    /// release (`DisplayVersion`); `core` adds " (Server Core installation)".
    AnnualChannel { release: String, core: bool },
}

impl ProductRule {
    /// Whether the catalogue product `name` is the host's.
    pub fn matches(&self, name: &str) -> bool {
        let name = normalized(name);
        match self {
            ProductRule::Named(want) => name == normalized(want),
            ProductRule::AnnualChannel { release, core } => {
                let release = release.to_ascii_lowercase();
                let (base, is_core) = match name.strip_suffix(" (server core installation)") {
                    Some(b) => (b, true),
                    None => (name.as_str(), false),
                };
                if is_core != *core {
                    return false;
                }
                if base == format!("windows server, version {release}") {
                    return true;
                }
                // "windows server YYYY, 23h2 edition"
                base.strip_prefix("windows server ")
                    .and_then(|r| r.strip_suffix(&format!(", {release} edition")))
                    .is_some_and(|year| year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
            }
        }
    }
}

impl fmt::Display for ProductRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductRule::Named(n) => f.write_str(n),
            ProductRule::AnnualChannel { release, core } => write!(
                f,
                "Windows Server, version {release} / Windows Server YYYY, {release} Edition{}",
                if *core {
                    " (Server Core installation)"
                } else {
                    ""
                }
            ),
        }
    }
}

/// Lower case, runs of whitespace as one space: MSRC's names differ in both over the
/// years ("Windows Server 2016  (Server Core installation)").
fn normalized(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The long-term Windows Server releases and their build (`CurrentBuild`), from
/// Microsoft's release information: (year, R2, build).
const SERVER_BUILDS: [(&str, bool, u32); 6] = [
    ("2012", false, 9200),
    ("2012", true, 9600),
    ("2016", false, 14393),
    ("2019", false, 17763),
    ("2022", false, 20348),
    ("2025", false, 26100),
];

/// The CVRF product name of a host by Microsoft's naming rules, or why there is none.
pub fn product_rule(w: &WindowsFacts) -> Result<ProductRule, String> {
    let product = w.product_name.split_whitespace().collect::<Vec<_>>();
    let core = w
        .installation_type
        .trim()
        .eq_ignore_ascii_case("Server Core");
    let release = w
        .display_version
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    match product.as_slice() {
        ["Windows", "Server", rest @ ..] => {
            let year = rest
                .first()
                .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
            let suffix = if core {
                " (Server Core installation)"
            } else {
                ""
            };
            match (year, release) {
                (Some(year), _) => {
                    let r2 = rest.get(1).is_some_and(|t| t.eq_ignore_ascii_case("R2"));
                    let r2_text = if r2 { " R2" } else { "" };
                    // Each long-term release is one build: a preview carrying a
                    // release's name on another build is not that release.
                    let Some(&(.., build)) = SERVER_BUILDS
                        .iter()
                        .find(|(y, is_r2, _)| y == year && *is_r2 == r2)
                    else {
                        return Err(format!("no rule for Windows Server {year}{r2_text}"));
                    };
                    if w.current_build != build {
                        return Err(format!(
                            "Windows Server {year}{r2_text} is build {build}, the host runs build {} (a preview or another release)",
                            w.current_build
                        ));
                    }
                    Ok(ProductRule::Named(format!(
                        "Windows Server {year}{r2_text}{suffix}"
                    )))
                }
                (None, Some(release)) => Ok(ProductRule::AnnualChannel {
                    release: release.to_string(),
                    core,
                }),
                (None, None) => Err("a Windows Server without a year or release".into()),
            }
        }
        ["Windows", major @ ("10" | "11"), ..] => {
            // Windows 11 keeps "Windows 10" in ProductName: its builds start at 22000.
            let major = if w.current_build >= 22000 {
                "11"
            } else {
                major
            };
            if major == "11" && w.current_build < 22000 {
                return Err(format!(
                    "Windows 11 reported with a Windows 10 build ({})",
                    w.current_build
                ));
            }
            let arch = match w.arch.trim().to_ascii_lowercase().as_str() {
                "x64" | "amd64" => "x64-based Systems",
                "arm64" => "ARM64-based Systems",
                "x86" => "32-bit Systems",
                other => return Err(format!("an unknown architecture {other:?}")),
            };
            match release {
                Some(release) => Ok(ProductRule::Named(format!(
                    "Windows {major} Version {release} for {arch}"
                ))),
                // The first Windows 10 (1507, build 10240) has no release id.
                None if major == "10" && w.current_build == 10240 => {
                    Ok(ProductRule::Named(format!("Windows 10 for {arch}")))
                }
                None => Err("a Windows client without a DisplayVersion or ReleaseId".into()),
            }
        }
        _ => Err("not a Windows Server, Windows 10 or Windows 11 product name".into()),
    }
}

/// A product of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: String,
    pub name: String,
}

/// What a remediation's SubType says it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemediationKind {
    /// "Security Update" (a cumulative update on the OS products) or "Monthly Rollup"
    /// (the cumulative one of the older OSes): installing a newer one fixes the older ones.
    Cumulative,
    /// "Security Hotpatch Update": applied without a reboot; its build number lives on the
    /// hotpatch branch, so only its KB counts.
    Hotpatch,
    /// "Security Only" (older OSes): this month's fixes only.
    SecurityOnly,
    /// Any other SubType, as named.
    Other(String),
}

impl RemediationKind {
    pub fn of_subtype(s: Option<&str>) -> RemediationKind {
        let key: String = s
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "securityupdate" | "monthlyrollup" => RemediationKind::Cumulative,
            "securityhotpatchupdate" => RemediationKind::Hotpatch,
            "securityonly" => RemediationKind::SecurityOnly,
            _ => RemediationKind::Other(s.unwrap_or_default().to_string()),
        }
    }
}

/// One remediation of a CVE for the host's product, as the catalogue holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remediation {
    pub cve: String,
    pub kb: u32,
    pub subtype: Option<String>,
    pub kind: RemediationKind,
    pub fixed_build: Option<WindowsBuild>,
    pub restart_required: Option<bool>,
    pub severity: Option<Severity>,
    /// The monthly document (`2025-Jul`).
    pub month: String,
    pub product_id: String,
}

/// KB supersedence (`msrc_supersedence`: `kb` replaces `supersedes`), read lazily and
/// kept for every host matched.
#[derive(Debug, Default)]
pub struct Supersedence {
    /// KB → the KBs that replace it directly.
    replaced_by: HashMap<u32, Vec<u32>>,
}

impl Supersedence {
    fn direct(&mut self, conn: &Connection, kb: u32) -> Result<&[u32]> {
        let list = match self.replaced_by.entry(kb) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                conn.prepare_cached(
                    "SELECT DISTINCT kb FROM msrc_supersedence WHERE supersedes = ?1 ORDER BY kb",
                )?
                .query_map([kb], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            ),
        };
        Ok(list.as_slice())
    }

    /// Every KB that replaces `kb`, directly or through others, with the KB it replaces on
    /// the way (to rebuild the chain): a breadth-first walk, bounded in depth and size, so
    /// a cycle in the data ends it.
    pub fn replacing(&mut self, conn: &Connection, kb: u32) -> Result<BTreeMap<u32, u32>> {
        let mut came_from: BTreeMap<u32, u32> = BTreeMap::new();
        let mut queue: VecDeque<(u32, usize)> = VecDeque::from([(kb, 0)]);
        while let Some((at, depth)) = queue.pop_front() {
            if depth >= MAX_SUPERSEDENCE_DEPTH || came_from.len() >= MAX_SUPERSEDENCE_NODES {
                break;
            }
            for &next in self.direct(conn, at)?.to_vec().iter() {
                if next == kb || came_from.contains_key(&next) {
                    continue;
                }
                came_from.insert(next, at);
                queue.push_back((next, depth + 1));
            }
        }
        Ok(came_from)
    }

    /// The chain `from → … → to` (`to` replacing `from` transitively), or None.
    pub fn chain(&mut self, conn: &Connection, from: u32, to: u32) -> Result<Option<Vec<u32>>> {
        if from == to {
            return Ok(Some(vec![from]));
        }
        let came_from = self.replacing(conn, from)?;
        if !came_from.contains_key(&to) {
            return Ok(None);
        }
        let mut chain = vec![to];
        let mut at = to;
        while let Some(&prev) = came_from.get(&at) {
            chain.push(prev);
            if prev == from || chain.len() > MAX_SUPERSEDENCE_DEPTH + 1 {
                break;
            }
            at = prev;
        }
        chain.reverse();
        Ok(Some(chain))
    }
}

/// The catalogue as matching reads it, cached across the hosts of one run.
#[derive(Debug, Default)]
pub struct Catalogue {
    products: Option<Vec<Product>>,
    remediations: HashMap<Vec<String>, std::rc::Rc<Vec<Remediation>>>,
    pub supersedence: Supersedence,
    /// CVE → (in CISA KEV, exploited per MSRC, EPSS).
    priority: HashMap<String, (bool, bool, Option<f64>)>,
}

impl Catalogue {
    pub fn new() -> Catalogue {
        Catalogue::default()
    }

    fn all_products(&mut self, conn: &Connection) -> Result<&[Product]> {
        if self.products.is_none() {
            let list: Vec<Product> = conn
                .prepare("SELECT product_id, name FROM msrc_products ORDER BY product_id")?
                .query_map([], |r| {
                    Ok(Product {
                        id: r.get(0)?,
                        name: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            self.products = Some(list);
        }
        Ok(self.products.as_deref().unwrap_or_default())
    }

    /// The host's catalogue products (most often one), or why there are none.
    pub fn products(&mut self, conn: &Connection, w: &WindowsFacts) -> Result<ProductMatch> {
        let rule = match product_rule(w) {
            Ok(r) => r,
            Err(why) => return Ok(ProductMatch::Unknown { rule: None, why }),
        };
        let found: Vec<Product> = self
            .all_products(conn)?
            .iter()
            .filter(|p| rule.matches(&p.name))
            .cloned()
            .collect();
        if found.is_empty() {
            let why = format!("the MSRC catalogue has no product \"{rule}\"");
            return Ok(ProductMatch::Unknown {
                rule: Some(rule.to_string()),
                why,
            });
        }
        Ok(ProductMatch::Known { products: found })
    }

    /// Every KB remediation of `products`.
    pub fn remediations(
        &mut self,
        conn: &Connection,
        products: &[Product],
    ) -> Result<std::rc::Rc<Vec<Remediation>>> {
        let ids: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
        if let Some(r) = self.remediations.get(&ids) {
            return Ok(r.clone());
        }
        let mut out = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT a.advisory_id, r.kb, r.subtype, r.fixed_build, r.restart_required, r.severity, \
                    coalesce(d.id, a.source), r.product_id \
             FROM msrc_remediations r JOIN advisories a ON a.id = r.advisory \
             LEFT JOIN msrc_documents d ON d.source = a.source \
             WHERE r.product_id = ?1 ORDER BY a.advisory_id, r.kb",
        )?;
        for id in &ids {
            let rows = stmt.query_map([id], |r| {
                let subtype: Option<String> = r.get(2)?;
                let build: Option<String> = r.get(3)?;
                let severity: Option<String> = r.get(5)?;
                Ok(Remediation {
                    cve: r.get(0)?,
                    kb: r.get(1)?,
                    kind: RemediationKind::of_subtype(subtype.as_deref()),
                    subtype,
                    // A build the importer let through but that does not parse is as
                    // good as none: the KB still counts.
                    fixed_build: build.and_then(|b| b.parse().ok()),
                    restart_required: r.get(4)?,
                    severity: severity.as_deref().and_then(Severity::from_word),
                    month: r.get(6)?,
                    product_id: r.get(7)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        let out = std::rc::Rc::new(out);
        self.remediations.insert(ids, out.clone());
        Ok(out)
    }

    /// (in CISA KEV, exploited per MSRC, EPSS) of a CVE.
    pub fn priority(&mut self, conn: &Connection, cve: &str) -> Result<(bool, bool, Option<f64>)> {
        if let Some(p) = self.priority.get(cve) {
            return Ok(*p);
        }
        let kev = conn
            .prepare_cached("SELECT 1 FROM kev WHERE cve = ?1")?
            .exists([cve])?;
        let exploited = conn
            .prepare_cached(
                "SELECT 1 FROM msrc_cves c JOIN advisories a ON a.id = c.advisory \
                 WHERE a.advisory_id = ?1 AND c.exploited = 1",
            )?
            .exists([cve])?;
        let epss: Option<f64> = conn
            .prepare_cached("SELECT score FROM epss WHERE cve = ?1")?
            .query_map([cve], |r| r.get(0))?
            .next()
            .transpose()?;
        let p = (kev, exploited, epss);
        self.priority.insert(cve.to_string(), p);
        Ok(p)
    }
}

/// Which catalogue products a host is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ProductMatch {
    Known {
        products: Vec<Product>,
    },
    /// No product: the host cannot be judged. `rule` is the name looked for.
    Unknown {
        rule: Option<String>,
        why: String,
    },
}

impl Default for ProductMatch {
    fn default() -> ProductMatch {
        ProductMatch::Unknown {
            rule: None,
            why: String::new(),
        }
    }
}

/// How a CVE is fixed on the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Fixed {
    /// The host's build is at least the cumulative update's FixedBuild.
    Build { kb: u32, fixed_build: WindowsBuild },
    /// The KB is installed, or `installed` which replaces it (`chain`: kb → … → installed).
    Kb {
        kb: u32,
        installed: u32,
        chain: Vec<u32>,
    },
}

/// One CVE of the host's product and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CveVerdict {
    pub cve: String,
    /// Every remediation of the CVE for the product.
    pub remediations: Vec<Remediation>,
    /// Per kind, the newest remediation: what has to be met.
    pub required: Vec<Remediation>,
    /// None: missing.
    pub fixed: Option<Fixed>,
    /// The KB proposed when missing (the product's newest cumulative update when it
    /// covers the CVE), with the chain from the required KB to it when it replaces it.
    pub proposed: Option<u32>,
    pub proposed_chain: Vec<u32>,
}

/// A host's product and the verdict on every CVE the catalogue has for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub build: WindowsBuild,
    pub product: ProductMatch,
    /// The product's newest cumulative update (highest FixedBuild).
    pub latest_cumulative: Option<Remediation>,
    pub cves: Vec<CveVerdict>,
}

/// One missing update: a KB and the CVEs installing it fixes on the host.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingUpdate {
    pub kb: u32,
    pub product: String,
    pub fixed_build: Option<WindowsBuild>,
    pub cves: Vec<String>,
    pub severity: Option<Severity>,
    /// A CVE in CISA KEV or exploited per MSRC.
    pub kev: bool,
    pub epss: Option<f64>,
    /// The update as the Windows Update Agent offers it (this KB or one replacing it).
    pub offered: Option<u32>,
}

/// The newest of `rs` by FixedBuild, then KB.
fn newest<'a>(rs: impl Iterator<Item = &'a Remediation>) -> Option<&'a Remediation> {
    rs.max_by(|a, b| a.fixed_build.cmp(&b.fixed_build).then(a.kb.cmp(&b.kb)))
}

/// Judges every CVE the catalogue has for the host's product.
pub fn assess(conn: &Connection, cat: &mut Catalogue, w: &WindowsFacts) -> Result<Assessment> {
    let build = WindowsBuild::of_host(w);
    let product = cat.products(conn, w)?;
    let ProductMatch::Known { products } = &product else {
        return Ok(Assessment {
            build,
            product,
            latest_cumulative: None,
            cves: Vec::new(),
        });
    };
    let remediations = cat.remediations(conn, products)?;
    let installed: BTreeSet<u32> = w.installed.iter().map(|u| u.kb).collect();
    let latest = newest(
        remediations
            .iter()
            .filter(|r| r.kind == RemediationKind::Cumulative && r.fixed_build.is_some()),
    )
    .cloned();
    // Every cumulative update of the product by build, lowest first.
    let cumulative_builds: Vec<(WindowsBuild, u32)> = remediations
        .iter()
        .filter(|r| r.kind == RemediationKind::Cumulative)
        .filter_map(|r| Some((r.fixed_build?, r.kb)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut by_cve: BTreeMap<&str, Vec<&Remediation>> = BTreeMap::new();
    for r in remediations.iter() {
        by_cve.entry(r.cve.as_str()).or_default().push(r);
    }
    let mut cves = Vec::with_capacity(by_cve.len());
    for (cve, rs) in by_cve {
        let mut kinds: BTreeMap<&RemediationKind, Vec<&Remediation>> = BTreeMap::new();
        for r in &rs {
            kinds.entry(&r.kind).or_default().push(r);
        }
        let required: Vec<Remediation> = kinds
            .values()
            .filter_map(|group| newest(group.iter().copied()).cloned())
            .collect();
        let mut fixed = None;
        for req in &required {
            if req.kind == RemediationKind::Cumulative
                && let Some(fb) = req.fixed_build
                && build >= fb
            {
                fixed = Some(Fixed::Build {
                    kb: req.kb,
                    fixed_build: fb,
                });
                break;
            }
            // A hotpatch's (or security-only update's) build is not on the host's line;
            // the first cumulative update of the product built above it is a later
            // release and carries its fixes: reaching that build fixes the CVE.
            if req.kind != RemediationKind::Cumulative
                && let Some(fb) = req.fixed_build
                && let Some(&(later, kb)) = cumulative_builds.iter().find(|(b, _)| *b >= fb)
                && build >= later
            {
                fixed = Some(Fixed::Build {
                    kb,
                    fixed_build: later,
                });
                break;
            }
            if installed.contains(&req.kb) {
                fixed = Some(Fixed::Kb {
                    kb: req.kb,
                    installed: req.kb,
                    chain: vec![req.kb],
                });
                break;
            }
            let replacing = cat.supersedence.replacing(conn, req.kb)?;
            if let Some(&by) = replacing.keys().find(|k| installed.contains(k)) {
                let chain = cat
                    .supersedence
                    .chain(conn, req.kb, by)?
                    .unwrap_or_else(|| vec![req.kb, by]);
                fixed = Some(Fixed::Kb {
                    kb: req.kb,
                    installed: by,
                    chain,
                });
                break;
            }
        }
        let (mut proposed, mut proposed_chain) = (None, Vec::new());
        if fixed.is_none() {
            let cumulative = required
                .iter()
                .find(|r| r.kind == RemediationKind::Cumulative);
            match (cumulative, &latest) {
                (Some(req), Some(l)) => {
                    let covers_by_build =
                        matches!((l.fixed_build, req.fixed_build), (Some(a), Some(b)) if a >= b);
                    let chain = cat.supersedence.chain(conn, req.kb, l.kb)?;
                    if let Some(chain) = chain {
                        proposed = Some(l.kb);
                        proposed_chain = chain;
                    } else if covers_by_build {
                        proposed = Some(l.kb);
                        proposed_chain = vec![req.kb, l.kb];
                    } else {
                        proposed = Some(req.kb);
                        proposed_chain = vec![req.kb];
                    }
                }
                (Some(req), None) => {
                    proposed = Some(req.kb);
                    proposed_chain = vec![req.kb];
                }
                (None, _) => {
                    // No cumulative update: the newest non-hotpatch one, else the hotpatch.
                    let pick = required
                        .iter()
                        .find(|r| r.kind != RemediationKind::Hotpatch)
                        .or(required.first());
                    if let Some(r) = pick {
                        proposed = Some(r.kb);
                        proposed_chain = vec![r.kb];
                    }
                }
            }
        }
        cves.push(CveVerdict {
            cve: cve.to_string(),
            remediations: rs.into_iter().cloned().collect(),
            required,
            fixed,
            proposed,
            proposed_chain,
        });
    }
    Ok(Assessment {
        build,
        product,
        latest_cumulative: latest,
        cves,
    })
}

/// The missing updates of a host: one per proposed KB, with every CVE it fixes.
pub fn missing_updates(
    conn: &Connection,
    cat: &mut Catalogue,
    w: &WindowsFacts,
    a: &Assessment,
) -> Result<Vec<MissingUpdate>> {
    let ProductMatch::Known { products } = &a.product else {
        return Ok(Vec::new());
    };
    let mut by_kb: BTreeMap<u32, Vec<&CveVerdict>> = BTreeMap::new();
    for v in &a.cves {
        if let (None, Some(kb)) = (&v.fixed, v.proposed) {
            by_kb.entry(kb).or_default().push(v);
        }
    }
    let mut out = Vec::with_capacity(by_kb.len());
    for (kb, verdicts) in by_kb {
        let mine = |r: &&Remediation| r.kb == kb;
        let sample = a
            .cves
            .iter()
            .flat_map(|v| v.remediations.iter())
            .find(mine)
            .or(a.latest_cumulative.as_ref().filter(|l| l.kb == kb));
        let product = sample
            .and_then(|r| products.iter().find(|p| p.id == r.product_id))
            .or(products.first())
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let fixed_build = sample.and_then(|r| r.fixed_build);
        let mut cves: Vec<String> = verdicts.iter().map(|v| v.cve.clone()).collect();
        cves.sort();
        cves.dedup();
        let severity = verdicts
            .iter()
            .flat_map(|v| v.remediations.iter().filter_map(|r| r.severity))
            .max();
        let (mut kev, mut epss) = (false, None::<f64>);
        for c in &cves {
            let (in_kev, exploited, e) = cat.priority(conn, c)?;
            kev |= in_kev || exploited;
            if let Some(e) = e {
                epss = Some(epss.map_or(e, |x| x.max(e)));
            }
        }
        let mut offered = None;
        for p in &w.pending {
            if p.kb == kb || cat.supersedence.replacing(conn, kb)?.contains_key(&p.kb) {
                offered = Some(p.kb);
                break;
            }
        }
        out.push(MissingUpdate {
            kb,
            product,
            fixed_build,
            cves,
            severity,
            kev,
            epss,
            offered,
        });
    }
    Ok(out)
}

/// What `explain HOST CVE` says of a Windows host: product → remediation → supersedence
/// → verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CveExplanation {
    pub cve: String,
    /// `ProductName` as the host reported it, with its build.
    pub host_product: String,
    pub installation_type: String,
    pub display_version: Option<String>,
    pub arch: String,
    pub build: WindowsBuild,
    /// The catalogue products the host is (or why none).
    pub product: ProductMatch,
    /// The CVE's remediations for those products.
    pub remediations: Vec<Remediation>,
    /// Per kind, the newest: what has to be met.
    pub required: Vec<Remediation>,
    pub verdict: ExplainVerdict,
    pub fixed: Option<Fixed>,
    pub proposed: Option<u32>,
    /// Supersedence from the required KB: to the installed KB replacing it (fixed), or
    /// to the proposed update (missing).
    pub chain: Vec<u32>,
    pub reboot_pending: Vec<String>,
    /// The verdict in a sentence.
    pub rule: String,
}

/// The verdict of `explain` on one CVE of a Windows host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExplainVerdict {
    Fixed,
    Missing,
    /// The catalogue has no remediation of the CVE for the host's product.
    NotApplicable,
    /// The host's product is not in the catalogue: nothing can be said.
    #[default]
    Unknown,
}

impl ExplainVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ExplainVerdict::Fixed => "fixed",
            ExplainVerdict::Missing => "missing",
            ExplainVerdict::NotApplicable => "not-applicable",
            ExplainVerdict::Unknown => "unknown",
        }
    }
}

/// `KB1 → KB2 → KB3`.
pub fn chain_text(chain: &[u32]) -> String {
    chain
        .iter()
        .map(|kb| format!("KB{kb}"))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Explains one CVE on a Windows host (see [`CveExplanation`]).
pub fn explain_cve(
    conn: &Connection,
    cat: &mut Catalogue,
    w: &WindowsFacts,
    cve: &str,
) -> Result<CveExplanation> {
    let a = assess(conn, cat, w)?;
    // CVE ids are upper case in the catalogue; `cve-2025-47971` names the same one.
    Ok(explanation(&a, w, &cve.to_ascii_uppercase()))
}

/// Explains every CVE the host misses (all of them when its product is unknown: one
/// explanation saying so).
pub fn explain_missing(
    conn: &Connection,
    cat: &mut Catalogue,
    w: &WindowsFacts,
) -> Result<Vec<CveExplanation>> {
    let a = assess(conn, cat, w)?;
    if !matches!(a.product, ProductMatch::Known { .. }) {
        return Ok(vec![explanation(&a, w, "")]);
    }
    Ok(a.cves
        .iter()
        .filter(|v| v.fixed.is_none())
        .map(|v| explanation(&a, w, &v.cve))
        .collect())
}

fn explanation(a: &Assessment, w: &WindowsFacts, cve: &str) -> CveExplanation {
    let mut e = CveExplanation {
        cve: cve.to_string(),
        host_product: w.product_name.clone(),
        installation_type: w.installation_type.clone(),
        display_version: w.display_version.clone(),
        arch: w.arch.clone(),
        build: a.build,
        product: a.product.clone(),
        remediations: Vec::new(),
        required: Vec::new(),
        verdict: ExplainVerdict::Unknown,
        fixed: None,
        proposed: None,
        chain: Vec::new(),
        reboot_pending: w.reboot_pending.clone(),
        rule: String::new(),
    };
    let ProductMatch::Known { products } = &a.product else {
        if let ProductMatch::Unknown { why, .. } = &a.product {
            e.rule = format!("unknown: {why}; the host is never judged compliant");
        }
        return e;
    };
    let names: Vec<&str> = products.iter().map(|p| p.name.as_str()).collect();
    let Some(v) = a.cves.iter().find(|v| v.cve == cve) else {
        e.verdict = ExplainVerdict::NotApplicable;
        e.rule = format!(
            "the MSRC catalogue has no remediation of {cve} for {}",
            names.join(", ")
        );
        return e;
    };
    e.remediations = v.remediations.clone();
    e.required = v.required.clone();
    e.fixed = v.fixed.clone();
    match &v.fixed {
        Some(Fixed::Build { kb, fixed_build }) => {
            e.verdict = ExplainVerdict::Fixed;
            e.chain = vec![*kb];
            e.rule = format!(
                "fixed: build {} ≥ {fixed_build}, the FixedBuild of KB{kb}",
                a.build
            );
        }
        Some(Fixed::Kb {
            kb,
            installed,
            chain,
        }) => {
            e.verdict = ExplainVerdict::Fixed;
            e.chain = chain.clone();
            e.rule = if kb == installed {
                format!("fixed: KB{kb} is installed")
            } else {
                format!(
                    "fixed: KB{installed} is installed, which replaces KB{kb} ({})",
                    chain_text(chain)
                )
            };
            if !w.reboot_pending.is_empty() {
                e.rule.push_str(&format!(
                    " (build {} is older: a reboot is pending: {})",
                    a.build,
                    w.reboot_pending.join(", ")
                ));
            }
        }
        None => {
            e.verdict = ExplainVerdict::Missing;
            e.proposed = v.proposed;
            e.chain = v.proposed_chain.clone();
            let needs: Vec<String> = v
                .required
                .iter()
                .map(|r| match (&r.kind, r.fixed_build) {
                    (RemediationKind::Cumulative, Some(b)) => {
                        format!(
                            "build {} < {b} and KB{} (or a KB replacing it) not installed",
                            a.build, r.kb
                        )
                    }
                    _ => format!("KB{} (or a KB replacing it) not installed", r.kb),
                })
                .collect();
            e.rule = format!("missing: {}", needs.join("; "));
            if let Some(p) = v.proposed {
                e.rule.push_str(&format!("; proposed: KB{p}"));
            }
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(
        product: &str,
        kind: &str,
        release: Option<&str>,
        build: u32,
        arch: &str,
    ) -> WindowsFacts {
        WindowsFacts {
            product_name: product.into(),
            edition: String::new(),
            installation_type: kind.into(),
            display_version: release.map(str::to_string),
            current_build: build,
            ubr: 1,
            arch: arch.into(),
            ..WindowsFacts::default()
        }
    }

    #[test]
    fn builds_compare_numerically_part_by_part() {
        let b = |s: &str| s.parse::<WindowsBuild>().unwrap();
        assert!(b("10.0.20348.10000") > b("10.0.20348.9999"));
        assert!(b("10.0.20348.5256") > b("10.0.20348.5139"));
        assert!(b("10.0.22631.1") > b("10.0.20348.99999"));
        assert_eq!(b("10.0.20348.0227"), b("10.0.20348.227"));
        assert_eq!(b(" 10.0.20348.2227 ").to_string(), "10.0.20348.2227");
        for bad in [
            "",
            "10.0.20348",
            "10.0.20348.1.2",
            "10.0.x.1",
            "10..1.1",
            "-1.0.0.0",
            "10.0.20348.99999999999",
        ] {
            assert!(bad.parse::<WindowsBuild>().is_err(), "{bad:?}");
        }
        let h = host(
            "Windows Server 2022 Datacenter",
            "Server",
            Some("21H2"),
            20348,
            "x64",
        );
        assert_eq!(WindowsBuild::of_host(&h).to_string(), "10.0.20348.1");
    }

    /// Every OS product name of Server 2016/2019/2022/2025, Windows 10 21H2/22H2 and
    /// Windows 11 22H2/23H2/24H2 in the 2025-Jun … 2026-Jun documents (zstd -dc … | grep -o
    /// 'ProductID="[0-9-]*">Windows[^<]*'), each with the registry values of such a host.
    #[test]
    fn product_names_of_real_hosts() {
        type Case<'a> = (&'a str, &'a str, Option<&'a str>, u32, &'a str, &'a str);
        let cases: &[Case<'_>] = &[
            (
                "Windows Server 2016 Datacenter",
                "Server",
                Some("1607"),
                14393,
                "x64",
                "Windows Server 2016",
            ),
            (
                "Windows Server 2016 Standard",
                "Server Core",
                Some("1607"),
                14393,
                "x64",
                "Windows Server 2016 (Server Core installation)",
            ),
            (
                "Windows Server 2019 Datacenter",
                "Server",
                Some("1809"),
                17763,
                "x64",
                "Windows Server 2019",
            ),
            (
                "Windows Server 2019 Standard",
                "Server Core",
                Some("1809"),
                17763,
                "x64",
                "Windows Server 2019 (Server Core installation)",
            ),
            (
                "Windows Server 2022 Datacenter",
                "Server",
                Some("21H2"),
                20348,
                "x64",
                "Windows Server 2022",
            ),
            (
                "Windows Server 2022 Datacenter",
                "Server Core",
                Some("21H2"),
                20348,
                "x64",
                "Windows Server 2022 (Server Core installation)",
            ),
            (
                "Windows Server 2025 Datacenter",
                "Server",
                Some("24H2"),
                26100,
                "x64",
                "Windows Server 2025",
            ),
            (
                "Windows Server 2025 Standard",
                "Server Core",
                Some("24H2"),
                26100,
                "x64",
                "Windows Server 2025 (Server Core installation)",
            ),
            (
                "Windows 10 Enterprise LTSC 2021",
                "Client",
                Some("21H2"),
                19044,
                "x64",
                "Windows 10 Version 21H2 for x64-based Systems",
            ),
            (
                "Windows 10 Enterprise LTSC 2021",
                "Client",
                Some("21H2"),
                19044,
                "x86",
                "Windows 10 Version 21H2 for 32-bit Systems",
            ),
            (
                "Windows 10 IoT Enterprise LTSC 2021",
                "Client",
                Some("21H2"),
                19044,
                "arm64",
                "Windows 10 Version 21H2 for ARM64-based Systems",
            ),
            (
                "Windows 10 Pro",
                "Client",
                Some("22H2"),
                19045,
                "x64",
                "Windows 10 Version 22H2 for x64-based Systems",
            ),
            (
                "Windows 10 Pro",
                "Client",
                Some("22H2"),
                19045,
                "arm64",
                "Windows 10 Version 22H2 for ARM64-based Systems",
            ),
            (
                "Windows 10 Home",
                "Client",
                Some("22H2"),
                19045,
                "x86",
                "Windows 10 Version 22H2 for 32-bit Systems",
            ),
            (
                "Windows 10 Pro",
                "Client",
                Some("22H2"),
                22621,
                "x64",
                "Windows 11 Version 22H2 for x64-based Systems",
            ),
            (
                "Windows 10 Enterprise",
                "Client",
                Some("22H2"),
                22621,
                "arm64",
                "Windows 11 Version 22H2 for ARM64-based Systems",
            ),
            (
                "Windows 10 Pro",
                "Client",
                Some("23H2"),
                22631,
                "x64",
                "Windows 11 Version 23H2 for x64-based Systems",
            ),
            (
                "Windows 10 Enterprise",
                "Client",
                Some("23H2"),
                22631,
                "arm64",
                "Windows 11 Version 23H2 for ARM64-based Systems",
            ),
            (
                "Windows 10 Pro",
                "Client",
                Some("24H2"),
                26100,
                "x64",
                "Windows 11 Version 24H2 for x64-based Systems",
            ),
            (
                "Windows 11 Pro",
                "Client",
                Some("24H2"),
                26100,
                "arm64",
                "Windows 11 Version 24H2 for ARM64-based Systems",
            ),
        ];
        for (product, kind, release, build, arch, want) in cases {
            let rule = product_rule(&host(product, kind, *release, *build, arch)).unwrap();
            assert_eq!(
                rule,
                ProductRule::Named(want.to_string()),
                "{product} {kind} {build} {arch}"
            );
            assert!(rule.matches(want));
        }
        // MSRC's own spelling varies: a doubled space, letter case.
        let core2016 = product_rule(&host(
            "Windows Server 2016 Datacenter",
            "Server Core",
            None,
            14393,
            "x64",
        ))
        .unwrap();
        assert!(core2016.matches("Windows Server 2016  (Server Core installation)"));
        assert!(
            ProductRule::Named("Windows 11 Version 26H1 for x64-based Systems".into())
                .matches("Windows 11 version 26H1 for x64-based Systems")
        );
        // Components on the OS are other products.
        let s2022 = product_rule(&host(
            "Windows Server 2022 Datacenter",
            "Server",
            Some("21H2"),
            20348,
            "x64",
        ))
        .unwrap();
        assert!(!s2022.matches("Microsoft .NET Framework 4.8 on Windows Server 2022"));
        assert!(!s2022.matches("Windows Server 2022 (Server Core installation)"));
        assert!(!s2022.matches("Windows Server 2022, 23H2 Edition (Server Core installation)"));
        // The annual channel: named by its release.
        let ac = product_rule(&host(
            "Windows Server Datacenter",
            "Server Core",
            Some("23H2"),
            25398,
            "x64",
        ))
        .unwrap();
        assert!(ac.matches("Windows Server 2022, 23H2 Edition (Server Core installation)"));
        assert!(!ac.matches("Windows Server 2022 (Server Core installation)"));
        let v2004 = product_rule(&host(
            "Windows Server Standard",
            "Server Core",
            Some("2004"),
            19041,
            "x64",
        ))
        .unwrap();
        assert!(v2004.matches("Windows Server, version 2004 (Server Core installation)"));
        // A preview carrying a release's name on another build is not that release.
        let preview = host(
            "Windows Server 2025 Datacenter",
            "Server",
            Some("24H2"),
            26491,
            "x64",
        );
        assert_eq!(
            product_rule(&preview),
            Err("Windows Server 2025 is build 26100, the host runs build 26491 (a preview or another release)".into())
        );
        let r2 = host(
            "Windows Server 2012 R2 Standard",
            "Server",
            None,
            9600,
            "x64",
        );
        assert_eq!(
            product_rule(&r2),
            Ok(ProductRule::Named("Windows Server 2012 R2".into()))
        );
        let old = host(
            "Windows Server 2008 R2 Datacenter",
            "Server",
            None,
            7601,
            "x64",
        );
        assert!(product_rule(&old).is_err());
        // No rule: not guessed.
        assert!(
            product_rule(&host(
                "Windows Server Datacenter",
                "Server",
                None,
                26300,
                "x64"
            ))
            .is_err()
        );
        assert!(product_rule(&host("Windows 10 Pro", "Client", None, 19045, "x64")).is_err());
        assert!(
            product_rule(&host(
                "Windows 10 Pro",
                "Client",
                Some("22H2"),
                19045,
                "ia64"
            ))
            .is_err()
        );
        assert!(
            product_rule(&host(
                "Windows 11 Pro",
                "Client",
                Some("21H2"),
                19044,
                "x64"
            ))
            .is_err()
        );
        assert!(
            product_rule(&host("Windows Vista Business", "Client", None, 6002, "x86")).is_err()
        );
    }

    #[test]
    fn subtypes_are_typed() {
        assert_eq!(
            RemediationKind::of_subtype(Some("Security Update")),
            RemediationKind::Cumulative
        );
        assert_eq!(
            RemediationKind::of_subtype(Some("Monthly Rollup")),
            RemediationKind::Cumulative
        );
        for s in [
            "Security Hotpatch Update",
            "SecurityHotpatchUpdate",
            "Security HotPatch Update",
        ] {
            assert_eq!(
                RemediationKind::of_subtype(Some(s)),
                RemediationKind::Hotpatch
            );
        }
        assert_eq!(
            RemediationKind::of_subtype(Some("Security Only")),
            RemediationKind::SecurityOnly
        );
        assert_eq!(
            RemediationKind::of_subtype(None),
            RemediationKind::Other(String::new())
        );
    }

    fn graph(edges: &[(u32, u32)]) -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("s.db")).unwrap();
        conn.execute_batch(
            "CREATE TABLE msrc_supersedence (advisory INTEGER NOT NULL, kb INTEGER NOT NULL, supersedes INTEGER NOT NULL);",
        )
        .unwrap();
        for (kb, old) in edges {
            conn.execute(
                "INSERT INTO msrc_supersedence VALUES (1, ?1, ?2)",
                [kb, old],
            )
            .unwrap();
        }
        (dir, conn)
    }

    #[test]
    fn supersedence_is_transitive_and_bounded() {
        // 3 replaces 2 replaces 1; 4 replaces 3; 9 replaces 2 too (a branch).
        let (_d, c) = graph(&[(2, 1), (3, 2), (4, 3), (9, 2)]);
        let mut s = Supersedence::default();
        let r = s.replacing(&c, 1).unwrap();
        assert_eq!(r.keys().copied().collect::<Vec<_>>(), [2, 3, 4, 9]);
        assert_eq!(s.chain(&c, 1, 4).unwrap(), Some(vec![1, 2, 3, 4]));
        assert_eq!(s.chain(&c, 1, 9).unwrap(), Some(vec![1, 2, 9]));
        assert_eq!(s.chain(&c, 4, 1).unwrap(), None);
        assert_eq!(s.chain(&c, 5, 5).unwrap(), Some(vec![5]));

        // A cycle in the data ends the walk.
        let (_d, c) = graph(&[(2, 1), (3, 2), (1, 3)]);
        let mut s = Supersedence::default();
        let r = s.replacing(&c, 1).unwrap();
        assert_eq!(r.keys().copied().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(s.chain(&c, 1, 3).unwrap(), Some(vec![1, 2, 3]));

        // A chain longer than the bound is cut at the bound.
        let n = (MAX_SUPERSEDENCE_DEPTH + 50) as u32;
        let edges: Vec<(u32, u32)> = (1..n).map(|i| (i + 1, i)).collect();
        let (_d, c) = graph(&edges);
        let mut s = Supersedence::default();
        let r = s.replacing(&c, 1).unwrap();
        assert_eq!(r.len(), MAX_SUPERSEDENCE_DEPTH);
        assert!(r.contains_key(&(MAX_SUPERSEDENCE_DEPTH as u32 + 1)));
        assert!(!r.contains_key(&(MAX_SUPERSEDENCE_DEPTH as u32 + 2)));
    }
    /// The rules on a synthetic catalogue (KB numbers 1…99, product "TEST-1": not MSRC's
    /// data; the real documents are matched in tests/windows_match.rs).
    #[test]
    fn rules_on_a_synthetic_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) =
            crate::db::Db::open(&dir.path().join("t.db"), crate::db::OpenMode::Create).unwrap();
        let c = &db.conn;
        c.execute_batch(
            "INSERT INTO sources (name) VALUES ('msrc:TEST');
             INSERT INTO msrc_documents VALUES ('TEST', 'msrc:TEST', NULL, NULL, '2026-01-01T00:00:00Z');
             INSERT INTO msrc_products VALUES ('TEST-1', 'Windows Server 2022');
             INSERT INTO msrc_products VALUES ('TEST-2', 'Microsoft .NET Framework 4.8 on Windows Server 2022');",
        )
        .unwrap();
        let mut cve_id = 0;
        let mut cve = |name: &str, exploited: bool, rems: &[(u32, &str, Option<&str>, &str)]| {
            cve_id += 1;
            c.execute(
                "INSERT INTO advisories (id, source, advisory_id) VALUES (?1, 'msrc:TEST', ?2)",
                rusqlite::params![cve_id, name],
            )
            .unwrap();
            c.execute(
                "INSERT INTO msrc_cves VALUES (?1, ?2, 0)",
                rusqlite::params![cve_id, exploited],
            )
            .unwrap();
            for (kb, subtype, build, sev) in rems {
                c.execute(
                    "INSERT INTO msrc_remediations VALUES (?1, 'TEST-1', ?2, ?3, ?4, 1, ?5)",
                    rusqlite::params![cve_id, kb, subtype, build, sev],
                )
                .unwrap();
            }
        };
        // Three monthly cumulative updates 10 → 20 → 30; hotpatch 21 beside 20.
        cve(
            "CVE-T-1",
            false,
            &[(10, "Security Update", Some("10.0.20348.100"), "high")],
        );
        cve(
            "CVE-T-2",
            true,
            &[
                (20, "Security Update", Some("10.0.20348.200"), "medium"),
                (
                    21,
                    "Security Hotpatch Update",
                    Some("10.0.20348.150"),
                    "medium",
                ),
            ],
        );
        cve(
            "CVE-T-3",
            false,
            &[(30, "Security Update", Some("10.0.20348.300"), "critical")],
        );
        // Not a cumulative update: a finding of its own.
        cve(
            "CVE-T-4",
            false,
            &[(40, "Standalone Security Update", None, "low")],
        );
        c.execute_batch(
            "INSERT INTO msrc_supersedence VALUES (2, 20, 10), (3, 30, 20), (3, 10, 30);",
        )
        .unwrap();
        let mut w = WindowsFacts {
            product_name: "Windows Server 2022 Datacenter".into(),
            installation_type: "Server".into(),
            display_version: Some("21H2".into()),
            current_build: 20348,
            ubr: 100,
            arch: "x64".into(),
            ..WindowsFacts::default()
        };
        let mut cat = Catalogue::new();
        let a = assess(c, &mut cat, &w).unwrap();
        assert_eq!(
            a.product,
            ProductMatch::Known {
                products: vec![Product {
                    id: "TEST-1".into(),
                    name: "Windows Server 2022".into()
                }]
            }
        );
        assert_eq!(a.latest_cumulative.as_ref().map(|l| l.kb), Some(30));
        let missing = missing_updates(c, &mut cat, &w, &a).unwrap();
        let summary: Vec<(u32, Vec<String>, Option<Severity>, bool)> = missing
            .iter()
            .map(|m| (m.kb, m.cves.clone(), m.severity, m.kev))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    30,
                    vec!["CVE-T-2".to_string(), "CVE-T-3".to_string()],
                    Some(Severity::Critical),
                    true
                ),
                (40, vec!["CVE-T-4".to_string()], Some(Severity::Low), false),
            ]
        );
        assert_eq!(
            missing[0].fixed_build.map(|b| b.to_string()).as_deref(),
            Some("10.0.20348.300")
        );
        assert_eq!(missing[0].offered, None);
        let t2 = a.cves.iter().find(|v| v.cve == "CVE-T-2").unwrap();
        assert_eq!(t2.proposed_chain, [20, 30]);

        // The hotpatch installed fixes CVE-T-2 (not by build: 150 is on its branch).
        w.installed = vec![crate::family::InstalledUpdate {
            kb: 21,
            installed_on: None,
        }];
        let a = assess(c, &mut cat, &w).unwrap();
        let t2 = a.cves.iter().find(|v| v.cve == "CVE-T-2").unwrap();
        assert_eq!(
            t2.fixed,
            Some(Fixed::Kb {
                kb: 21,
                installed: 21,
                chain: vec![21]
            })
        );

        // KB 30 installed (build older: reboot pending) fixes all three through
        // supersedence; the 30 → 10 edge closes a cycle the walk ends.
        w.installed = vec![crate::family::InstalledUpdate {
            kb: 30,
            installed_on: None,
        }];
        w.reboot_pending = vec!["cbs".into()];
        w.ubr = 50;
        let a = assess(c, &mut cat, &w).unwrap();
        let t1 = a.cves.iter().find(|v| v.cve == "CVE-T-1").unwrap();
        assert_eq!(
            t1.fixed,
            Some(Fixed::Kb {
                kb: 10,
                installed: 30,
                chain: vec![10, 20, 30]
            })
        );
        let e = explain_cve(c, &mut cat, &w, "CVE-T-1").unwrap();
        assert_eq!(e.verdict, ExplainVerdict::Fixed);
        assert_eq!(
            e.rule,
            "fixed: KB30 is installed, which replaces KB10 (KB10 → KB20 → KB30) (build 10.0.20348.50 is older: a reboot is pending: cbs)"
        );
        let missing = missing_updates(c, &mut cat, &w, &a).unwrap();
        assert_eq!(missing.iter().map(|m| m.kb).collect::<Vec<_>>(), [40]);

        // At build 300 every cumulative CVE is fixed by build; the agent offers 40.
        w.installed.clear();
        w.ubr = 300;
        w.pending = vec![crate::family::PendingUpdate {
            kb: 40,
            title: "t".into(),
            severity: None,
            classification: "Security Updates".into(),
            reboot: "never".into(),
        }];
        let a = assess(c, &mut cat, &w).unwrap();
        let missing = missing_updates(c, &mut cat, &w, &a).unwrap();
        assert_eq!(
            missing
                .iter()
                .map(|m| (m.kb, m.offered))
                .collect::<Vec<_>>(),
            [(40, Some(40))]
        );
        let e = explain_cve(c, &mut cat, &w, "CVE-T-3").unwrap();
        assert_eq!(
            e.rule,
            "fixed: build 10.0.20348.300 ≥ 10.0.20348.300, the FixedBuild of KB30"
        );
        let e = explain_cve(c, &mut cat, &w, "cve-t-3").unwrap();
        assert_eq!(
            (e.cve.as_str(), e.verdict),
            ("CVE-T-3", ExplainVerdict::Fixed)
        );
        let e = explain_cve(c, &mut cat, &w, "CVE-T-9").unwrap();
        assert_eq!(e.verdict, ExplainVerdict::NotApplicable);

        // A CVE whose only remediation for the product is a hotpatch (MSRC lists some so):
        // its build is on the hotpatch line; the first cumulative update built above it
        // (KB 20, .200) is a later release carrying its fixes.
        c.execute(
            "INSERT INTO advisories (id, source, advisory_id) VALUES (99, 'msrc:TEST', 'CVE-T-5')",
            [],
        )
        .unwrap();
        c.execute(
            "INSERT INTO msrc_remediations VALUES (99, 'TEST-1', 51, 'Security Hotpatch Update', '10.0.20348.150', 0, 'high')",
            [],
        )
        .unwrap();
        let mut cat = Catalogue::new();
        let t5 = |cat: &mut Catalogue, ubr: u32| {
            let w = WindowsFacts {
                ubr,
                pending: Vec::new(),
                ..w.clone()
            };
            let a = assess(c, cat, &w).unwrap();
            a.cves.into_iter().find(|v| v.cve == "CVE-T-5").unwrap()
        };
        let v = t5(&mut cat, 160);
        assert_eq!((v.fixed, v.proposed), (None, Some(51)));
        let v = t5(&mut cat, 200);
        assert_eq!(
            v.fixed,
            Some(Fixed::Build {
                kb: 20,
                fixed_build: "10.0.20348.200".parse().unwrap()
            })
        );

        // A product the catalogue does not have: unknown, no findings.
        w.product_name = "Windows Server 2019 Datacenter".into();
        let a = assess(c, &mut cat, &w).unwrap();
        assert!(matches!(a.product, ProductMatch::Unknown { .. }));
        assert!(missing_updates(c, &mut cat, &w, &a).unwrap().is_empty());
    }
}
