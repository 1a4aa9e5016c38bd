//! CVSS base scores from vector strings (CVSS v2.0, v3.0, v3.1 and v4.0).
//!
//! Self-contained: depends on `std` only.
//!
//! * **v2.0** (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally wrapped in parentheses as NVD
//!   does): the base equation of the CVSS v2 guide, evaluated in exact fixed-point
//!   integer arithmetic and rounded half-up to one decimal. Severity follows NVD:
//!   `LOW` (0.0–3.9), `MEDIUM` (4.0–6.9), `HIGH` (7.0–10.0).
//! * **v3.0 / v3.1** (`CVSS:3.x/...`): the specification's base equations; v3.1 uses the
//!   integer-arithmetic `Roundup` of the v3.1 specification (Appendix A), v3.0 the plain
//!   "ceiling to one decimal".
//! * **v4.0** (`CVSS:4.0/...`): the algorithm of FIRST's reference calculator
//!   (macro vector EQ1..EQ6, the 270-entry macro vector lookup table, severity distances
//!   to the highest-severity vectors of the macro vector, interpolation). Only the base
//!   metrics enter the score (CVSS-B): threat, environmental and supplemental metrics
//!   are validated but otherwise ignored, i.e. scored at their defaults
//!   (`E:X` = Attacked, `CR/IR/AR:X` = High, `M*:X` = the base value).
//!
//! Parsing is strict: an unknown metric, a missing mandatory base metric, a duplicated
//! metric, an invalid value or a malformed component is an error naming the metric or
//! component. Metrics may appear in any order. Optional (temporal, threat,
//! environmental, supplemental) metrics are accepted with any value the specification
//! allows for them, including `X` (`ND` for v2). Surrounding whitespace is ignored.
//!
//! Input is treated as untrusted: vectors longer than [`MAX_VECTOR_LEN`] bytes are
//! rejected before any parsing, and no input makes this module panic.

use std::fmt;

/// Longest vector (in bytes, before trimming) that [`base_score`] accepts.
pub const MAX_VECTOR_LEN: usize = 512;

/// Longest piece of input quoted back in an error message (in characters).
const MAX_QUOTED_CHARS: usize = 48;

/// CVSS specification version of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CvssVersion {
    V2,
    V3_0,
    V3_1,
    V4_0,
}

impl CvssVersion {
    /// The version number as written in vector prefixes, e.g. `"3.1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V2 => "2.0",
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The base score of a CVSS vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvssScore {
    pub version: CvssVersion,
    /// Base score in `0.0..=10.0`, rounded to one decimal.
    pub base_score: f64,
    /// `"NONE"`, `"LOW"`, `"MEDIUM"`, `"HIGH"` or `"CRITICAL"` (v2 uses only
    /// `"LOW"`, `"MEDIUM"` and `"HIGH"`, as NVD does).
    pub severity: &'static str,
}

/// Why a vector was rejected. Pieces of the input quoted in the variants are
/// truncated to a few dozen characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CvssError {
    /// The vector is empty (or only whitespace).
    Empty,
    /// The vector is longer than [`MAX_VECTOR_LEN`] bytes.
    TooLong { len: usize },
    /// `CVSS:<version>/` prefix with a version other than 3.0, 3.1 or 4.0.
    UnsupportedVersion { prefix: String },
    /// A v2 vector with an opening parenthesis but no closing one, or vice versa.
    UnbalancedParentheses,
    /// A component that is not `METRIC:VALUE` (empty, no colon, several colons, ...).
    MalformedComponent {
        version: CvssVersion,
        component: String,
    },
    /// A metric name that the version does not define.
    UnknownMetric {
        version: CvssVersion,
        metric: String,
    },
    /// A value that the metric does not allow.
    InvalidValue {
        version: CvssVersion,
        metric: &'static str,
        value: String,
    },
    /// A metric given more than once.
    DuplicateMetric {
        version: CvssVersion,
        metric: &'static str,
    },
    /// A mandatory base metric is absent.
    MissingMetric {
        version: CvssVersion,
        metric: &'static str,
    },
}

impl fmt::Display for CvssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CvssError::Empty => f.write_str("empty CVSS vector"),
            CvssError::TooLong { len } => write!(
                f,
                "CVSS vector is {len} bytes long, longer than the {MAX_VECTOR_LEN}-byte limit"
            ),
            CvssError::UnsupportedVersion { prefix } => write!(
                f,
                "unsupported CVSS version {prefix:?} (expected CVSS:3.0, CVSS:3.1, CVSS:4.0 \
                 or a CVSS v2 vector without prefix)"
            ),
            CvssError::UnbalancedParentheses => {
                f.write_str("CVSS 2.0 vector: unbalanced parentheses around the vector")
            }
            CvssError::MalformedComponent { version, component } if component.is_empty() => {
                write!(f, "CVSS {version} vector: empty component (stray '/')")
            }
            CvssError::MalformedComponent { version, component } => write!(
                f,
                "CVSS {version} vector: malformed component {component:?} (expected METRIC:VALUE)"
            ),
            CvssError::UnknownMetric { version, metric } => {
                write!(f, "CVSS {version} vector: unknown metric {metric:?}")
            }
            CvssError::InvalidValue {
                version,
                metric,
                value,
            } => write!(
                f,
                "CVSS {version} vector: invalid value {value:?} for metric {metric}"
            ),
            CvssError::DuplicateMetric { version, metric } => {
                write!(
                    f,
                    "CVSS {version} vector: metric {metric} is given more than once"
                )
            }
            CvssError::MissingMetric { version, metric } => write!(
                f,
                "CVSS {version} vector: mandatory base metric {metric} is missing"
            ),
        }
    }
}

impl std::error::Error for CvssError {}

/// Computes the base score of a CVSS v2.0, v3.0, v3.1 or v4.0 vector string.
///
/// For v4.0 this is the CVSS-B score (base metrics only; threat and environmental
/// metrics present in the vector are validated but do not change the score).
pub fn base_score(vector: &str) -> Result<CvssScore, CvssError> {
    if vector.len() > MAX_VECTOR_LEN {
        return Err(CvssError::TooLong { len: vector.len() });
    }
    let vector = vector.trim();
    if vector.is_empty() {
        return Err(CvssError::Empty);
    }
    if let Some(rest) = vector.strip_prefix("CVSS:") {
        let (version, body) = rest.split_once('/').unwrap_or((rest, ""));
        match version {
            "3.0" => score_v3(CvssVersion::V3_0, body),
            "3.1" => score_v3(CvssVersion::V3_1, body),
            "4.0" => score_v4(body),
            other => Err(CvssError::UnsupportedVersion {
                prefix: quote(other),
            }),
        }
    } else {
        score_v2(vector)
    }
}

fn quote(s: &str) -> String {
    s.chars().take(MAX_QUOTED_CHARS).collect()
}

/// Severity rating of CVSS v3.x and v4.0.
fn severity_v3_v4(score: f64) -> &'static str {
    if score <= 0.0 {
        "NONE"
    } else if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else if score < 9.0 {
        "HIGH"
    } else {
        "CRITICAL"
    }
}

/// Severity rating NVD uses for CVSS v2.
fn severity_v2(score: f64) -> &'static str {
    if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else {
        "HIGH"
    }
}

// ---------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------

/// One metric a version defines, with the values it allows.
struct MetricDef {
    name: &'static str,
    values: &'static [&'static str],
    mandatory: bool,
}

const fn base(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        mandatory: true,
    }
}

const fn opt(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        mandatory: false,
    }
}

/// Metric values of a validated vector.
struct Metrics<'d> {
    defs: &'d [MetricDef],
    values: Vec<Option<&'static str>>,
}

impl Metrics<'_> {
    /// The value given for `name`, or `""` if the metric is absent. Mandatory metrics
    /// are always present once [`parse_metrics`] succeeded.
    fn get(&self, name: &str) -> &'static str {
        self.defs
            .iter()
            .zip(&self.values)
            .find(|(def, _)| def.name == name)
            .and_then(|(_, value)| *value)
            .unwrap_or("")
    }
}

/// Splits `body` (`METRIC:VALUE/METRIC:VALUE/...`) and validates it against `defs`.
fn parse_metrics<'d>(
    version: CvssVersion,
    body: &str,
    defs: &'d [MetricDef],
) -> Result<Metrics<'d>, CvssError> {
    let mut values: Vec<Option<&'static str>> = vec![None; defs.len()];
    for component in body.split('/') {
        let malformed = || CvssError::MalformedComponent {
            version,
            component: quote(component),
        };
        let (name, value) = component.split_once(':').ok_or_else(malformed)?;
        if name.is_empty() || value.is_empty() || value.contains(':') {
            return Err(malformed());
        }
        let (def, slot) = defs
            .iter()
            .zip(values.iter_mut())
            .find(|(def, _)| def.name == name)
            .ok_or_else(|| CvssError::UnknownMetric {
                version,
                metric: quote(name),
            })?;
        let canonical = def
            .values
            .iter()
            .copied()
            .find(|allowed| *allowed == value)
            .ok_or_else(|| CvssError::InvalidValue {
                version,
                metric: def.name,
                value: quote(value),
            })?;
        if slot.is_some() {
            return Err(CvssError::DuplicateMetric {
                version,
                metric: def.name,
            });
        }
        *slot = Some(canonical);
    }
    if let Some((def, _)) = defs
        .iter()
        .zip(&values)
        .find(|(def, value)| def.mandatory && value.is_none())
    {
        return Err(CvssError::MissingMetric {
            version,
            metric: def.name,
        });
    }
    Ok(Metrics { defs, values })
}

// ---------------------------------------------------------------------------------
// CVSS v2.0
// ---------------------------------------------------------------------------------

const V2_METRICS: &[MetricDef] = &[
    base("AV", &["L", "A", "N"]),
    base("AC", &["H", "M", "L"]),
    base("Au", &["M", "S", "N"]),
    base("C", &["N", "P", "C"]),
    base("I", &["N", "P", "C"]),
    base("A", &["N", "P", "C"]),
    opt("E", &["U", "POC", "F", "H", "ND"]),
    opt("RL", &["OF", "TF", "W", "U", "ND"]),
    opt("RC", &["UC", "UR", "C", "ND"]),
    opt("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    opt("TD", &["N", "L", "M", "H", "ND"]),
    opt("CR", &["L", "M", "H", "ND"]),
    opt("IR", &["L", "M", "H", "ND"]),
    opt("AR", &["L", "M", "H", "ND"]),
];

fn score_v2(vector: &str) -> Result<CvssScore, CvssError> {
    let body = match (vector.strip_prefix('('), vector.ends_with(')')) {
        (Some(inner), true) => inner.strip_suffix(')').unwrap_or(inner),
        (None, false) => vector,
        _ => return Err(CvssError::UnbalancedParentheses),
    };
    let m = parse_metrics(CvssVersion::V2, body, V2_METRICS)?;
    let score = v2_base(&m);
    Ok(CvssScore {
        version: CvssVersion::V2,
        base_score: score,
        severity: severity_v2(score),
    })
}

/// CVSS v2 base equation, evaluated exactly in fixed-point integers:
///
/// ```text
/// Impact         = 10.41 * (1 - (1 - C) * (1 - I) * (1 - A))
/// Exploitability = 20 * AV * AC * Au
/// f(Impact)      = 0 if Impact == 0, else 1.176
/// BaseScore      = round_to_1_decimal(((0.6 * Impact) + (0.4 * Exploitability) - 1.5) * f(Impact))
/// ```
///
/// Every weight has at most three decimals, so scaling by powers of ten keeps every
/// intermediate value an exact integer (the final value is in units of 1e-15).
fn v2_base(m: &Metrics<'_>) -> f64 {
    // Weights in thousandths (AV, Au, C/I/A) and hundredths (AC).
    let av: i128 = match m.get("AV") {
        "L" => 395,
        "A" => 646,
        _ => 1000,
    };
    let ac: i128 = match m.get("AC") {
        "H" => 35,
        "M" => 61,
        _ => 71,
    };
    let au: i128 = match m.get("Au") {
        "M" => 450,
        "S" => 560,
        _ => 704,
    };
    let cia = |name: &str| -> i128 {
        match m.get(name) {
            "P" => 275,
            "C" => 660,
            _ => 0,
        }
    };
    let (c, i, a) = (cia("C"), cia("I"), cia("A"));

    let iss = 1_000_000_000 - (1000 - c) * (1000 - i) * (1000 - a); // 1e-9 units
    if iss == 0 {
        return 0.0; // f(Impact) = 0
    }
    let impact = 1041 * iss; // 10.41 * iss, 1e-11 units
    let exploitability = 20 * av * ac * au; // 1e-8 units
    let inner = 6 * impact + 4_000 * exploitability - 1_500_000_000_000; // 1e-12 units
    let raw = inner * 1176; // 1e-15 units
    if raw <= 0 {
        return 0.0;
    }
    // Round half up to tenths (1e14 units).
    let tenths = (raw + 50_000_000_000_000) / 100_000_000_000_000;
    tenths as f64 / 10.0
}

// ---------------------------------------------------------------------------------
// CVSS v3.0 / v3.1
// ---------------------------------------------------------------------------------

const V3_METRICS: &[MetricDef] = &[
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "R"]),
    base("S", &["U", "C"]),
    base("C", &["H", "L", "N"]),
    base("I", &["H", "L", "N"]),
    base("A", &["H", "L", "N"]),
    opt("E", &["X", "H", "F", "P", "U"]),
    opt("RL", &["X", "U", "W", "T", "O"]),
    opt("RC", &["X", "C", "R", "U"]),
    opt("CR", &["X", "H", "M", "L"]),
    opt("IR", &["X", "H", "M", "L"]),
    opt("AR", &["X", "H", "M", "L"]),
    opt("MAV", &["X", "N", "A", "L", "P"]),
    opt("MAC", &["X", "L", "H"]),
    opt("MPR", &["X", "N", "L", "H"]),
    opt("MUI", &["X", "N", "R"]),
    opt("MS", &["X", "U", "C"]),
    opt("MC", &["X", "H", "L", "N"]),
    opt("MI", &["X", "H", "L", "N"]),
    opt("MA", &["X", "H", "L", "N"]),
];

fn score_v3(version: CvssVersion, body: &str) -> Result<CvssScore, CvssError> {
    let m = parse_metrics(version, body, V3_METRICS)?;
    let score = v3_base(version, &m);
    Ok(CvssScore {
        version,
        base_score: score,
        severity: severity_v3_v4(score),
    })
}

/// CVSS v3.x base equations (specification section 7.1).
fn v3_base(version: CvssVersion, m: &Metrics<'_>) -> f64 {
    let scope_changed = m.get("S") == "C";
    let av = match m.get("AV") {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2,
    };
    let ac = match m.get("AC") {
        "L" => 0.77,
        _ => 0.44,
    };
    let pr = match (m.get("PR"), scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27,
        (_, true) => 0.5,
    };
    let ui = match m.get("UI") {
        "N" => 0.85,
        _ => 0.62,
    };
    let cia = |name: &str| -> f64 {
        match m.get(name) {
            "H" => 0.56,
            "L" => 0.22,
            _ => 0.0,
        }
    };

    let iss = 1.0 - ((1.0 - cia("C")) * (1.0 - cia("I")) * (1.0 - cia("A")));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return 0.0;
    }
    let raw = if scope_changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    match version {
        CvssVersion::V3_0 => roundup_v30(raw),
        _ => roundup_v31(raw),
    }
}

/// CVSS v3.0 "Round up": the smallest number, to one decimal place, that is equal to
/// or higher than the input.
fn roundup_v30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

/// CVSS v3.1 `Roundup` (specification Appendix A): rounds to five decimals first, in
/// integer arithmetic, so floating point noise does not push a score up by 0.1.
fn roundup_v31(x: f64) -> f64 {
    // `as` saturates; the input is within 0.0..=10.0 here anyway.
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) as f64 + 1.0) / 10.0
    }
}

// ---------------------------------------------------------------------------------
// CVSS v4.0
// ---------------------------------------------------------------------------------

const V4_METRICS: &[MetricDef] = &[
    // Base
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("AT", &["N", "P"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "P", "A"]),
    base("VC", &["H", "L", "N"]),
    base("VI", &["H", "L", "N"]),
    base("VA", &["H", "L", "N"]),
    base("SC", &["H", "L", "N"]),
    base("SI", &["H", "L", "N"]),
    base("SA", &["H", "L", "N"]),
    // Threat
    opt("E", &["X", "A", "P", "U"]),
    // Environmental
    opt("CR", &["X", "H", "M", "L"]),
    opt("IR", &["X", "H", "M", "L"]),
    opt("AR", &["X", "H", "M", "L"]),
    opt("MAV", &["X", "N", "A", "L", "P"]),
    opt("MAC", &["X", "L", "H"]),
    opt("MAT", &["X", "N", "P"]),
    opt("MPR", &["X", "N", "L", "H"]),
    opt("MUI", &["X", "N", "P", "A"]),
    opt("MVC", &["X", "H", "L", "N"]),
    opt("MVI", &["X", "H", "L", "N"]),
    opt("MVA", &["X", "H", "L", "N"]),
    opt("MSC", &["X", "H", "L", "N"]),
    opt("MSI", &["X", "S", "H", "L", "N"]),
    opt("MSA", &["X", "S", "H", "L", "N"]),
    // Supplemental
    opt("S", &["X", "N", "P"]),
    opt("AU", &["X", "N", "Y"]),
    opt("R", &["X", "A", "U", "I"]),
    opt("V", &["X", "D", "C"]),
    opt("RE", &["X", "L", "M", "H"]),
    opt("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

fn score_v4(body: &str) -> Result<CvssScore, CvssError> {
    let m = parse_metrics(CvssVersion::V4_0, body, V4_METRICS)?;
    let letter = |name: &str| m.get(name).bytes().next().unwrap_or(b'?');
    // CVSS-B: base metrics, with threat and environmental metrics at their defaults
    // (E:X scores as Attacked, CR/IR/AR:X as High, M*:X as the base value).
    let effective = V4Effective {
        av: letter("AV"),
        ac: letter("AC"),
        at: letter("AT"),
        pr: letter("PR"),
        ui: letter("UI"),
        vc: letter("VC"),
        vi: letter("VI"),
        va: letter("VA"),
        sc: letter("SC"),
        si: letter("SI"),
        sa: letter("SA"),
        e: b'A',
        cr: b'H',
        ir: b'H',
        ar: b'H',
    };
    let score = v4_score(&effective);
    Ok(CvssScore {
        version: CvssVersion::V4_0,
        base_score: score,
        severity: severity_v3_v4(score),
    })
}

/// Effective metric values the v4.0 scoring algorithm works on, one ASCII letter
/// each (`si`/`sa` may be `S` when MSI/MSA:S applies; never for CVSS-B).
struct V4Effective {
    av: u8,
    ac: u8,
    at: u8,
    pr: u8,
    ui: u8,
    vc: u8,
    vi: u8,
    va: u8,
    sc: u8,
    si: u8,
    sa: u8,
    e: u8,
    cr: u8,
    ir: u8,
    ar: u8,
}

impl V4Effective {
    /// The macro vector EQ1..EQ6.
    fn macro_vector(&self) -> [u8; 6] {
        let eq1 = if self.av == b'N' && self.pr == b'N' && self.ui == b'N' {
            0
        } else if (self.av == b'N' || self.pr == b'N' || self.ui == b'N') && self.av != b'P' {
            1
        } else {
            2
        };
        let eq2 = if self.ac == b'L' && self.at == b'N' {
            0
        } else {
            1
        };
        let eq3 = if self.vc == b'H' && self.vi == b'H' {
            0
        } else if self.vc == b'H' || self.vi == b'H' || self.va == b'H' {
            1
        } else {
            2
        };
        let eq4 = if self.si == b'S' || self.sa == b'S' {
            0
        } else if self.sc == b'H' || self.si == b'H' || self.sa == b'H' {
            1
        } else {
            2
        };
        let eq5 = match self.e {
            b'A' => 0,
            b'P' => 1,
            _ => 2,
        };
        let eq6 = if (self.cr == b'H' && self.vc == b'H')
            || (self.ir == b'H' && self.vi == b'H')
            || (self.ar == b'H' && self.va == b'H')
        {
            0
        } else {
            1
        };
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }
}

// Severity levels ("distance from the most severe value") per metric, as in the
// reference implementation. Unknown letters cannot occur after validation.
fn level_av(v: u8) -> f64 {
    match v {
        b'N' => 0.0,
        b'A' => 0.1,
        b'L' => 0.2,
        _ => 0.3,
    }
}
fn level_pr(v: u8) -> f64 {
    match v {
        b'N' => 0.0,
        b'L' => 0.1,
        _ => 0.2,
    }
}
fn level_ui(v: u8) -> f64 {
    match v {
        b'N' => 0.0,
        b'P' => 0.1,
        _ => 0.2,
    }
}
fn level_ac(v: u8) -> f64 {
    match v {
        b'L' => 0.0,
        _ => 0.1,
    }
}
fn level_at(v: u8) -> f64 {
    match v {
        b'N' => 0.0,
        _ => 0.1,
    }
}
/// VC, VI, VA.
fn level_v(v: u8) -> f64 {
    match v {
        b'H' => 0.0,
        b'L' => 0.1,
        _ => 0.2,
    }
}
fn level_sc(v: u8) -> f64 {
    match v {
        b'H' => 0.1,
        b'L' => 0.2,
        _ => 0.3,
    }
}
/// SI, SA.
fn level_s(v: u8) -> f64 {
    match v {
        b'S' => 0.0,
        b'H' => 0.1,
        b'L' => 0.2,
        _ => 0.3,
    }
}
/// CR, IR, AR.
fn level_req(v: u8) -> f64 {
    match v {
        b'H' => 0.0,
        b'M' => 0.1,
        _ => 0.2,
    }
}

/// Highest-severity vectors of each EQ1 level: AV, PR, UI.
const EQ1_MAXES: [&[[u8; 3]]; 3] = [
    &[*b"NNN"],
    &[*b"ANN", *b"NLN", *b"NNP"],
    &[*b"PNN", *b"ALP"],
];
/// Highest-severity vectors of each EQ2 level: AC, AT.
const EQ2_MAXES: [&[[u8; 2]]; 2] = [&[*b"LN"], &[*b"HN", *b"LP"]];
/// Highest-severity vectors of each joint (EQ3, EQ6) level: VC, VI, VA, CR, IR, AR.
/// Indexed `[eq3][eq6]`; (2, 0) cannot occur.
const EQ3_EQ6_MAXES: [[&[[u8; 6]]; 2]; 3] = [
    [&[*b"HHHHHH"], &[*b"HHLMMH", *b"HHHMMM"]],
    [
        &[*b"LHHHHH", *b"HLHHHH"],
        &[*b"LHLHMH", *b"LHHHMM", *b"HLHMHM", *b"HLLMHH", *b"LLHHHM"],
    ],
    [&[], &[*b"LLLHHH"]],
];
/// Highest-severity vectors of each EQ4 level: SC, SI, SA.
const EQ4_MAXES: [&[[u8; 3]]; 3] = [&[*b"HSS"], &[*b"HHH"], &[*b"LLL"]];
/// Highest-severity vector of each EQ5 level: E.
const EQ5_MAXES: [&[u8]; 3] = [b"A", b"P", b"U"];

/// Maximal severity distance within each EQ level (in steps of 0.1).
const EQ1_MAX_SEVERITY: [u8; 3] = [1, 4, 5];
const EQ2_MAX_SEVERITY: [u8; 2] = [1, 2];
const EQ3_EQ6_MAX_SEVERITY: [[u8; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
const EQ4_MAX_SEVERITY: [u8; 3] = [6, 5, 4];

/// Score of a macro vector (`NaN` if it does not exist, as in the reference
/// implementation, which then leaves that dimension out of the interpolation).
fn lookup(mv: [u8; 6]) -> f64 {
    let mut key = [0u8; 6];
    for (k, d) in key.iter_mut().zip(mv) {
        if d > 9 {
            return f64::NAN;
        }
        *k = b'0' + d;
    }
    match CVSS_LOOKUP.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => CVSS_LOOKUP.get(i).map_or(f64::NAN, |(_, score)| *score),
        Err(_) => f64::NAN,
    }
}

/// `max` with the NaN behaviour of Python's built-in `max(a, b)`.
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Per-metric severity distances between the vector and one highest-severity vector.
#[derive(Default, Clone, Copy)]
struct Distances {
    av: f64,
    pr: f64,
    ui: f64,
    ac: f64,
    at: f64,
    vc: f64,
    vi: f64,
    va: f64,
    sc: f64,
    si: f64,
    sa: f64,
    cr: f64,
    ir: f64,
    ar: f64,
}

impl Distances {
    fn any_negative(&self) -> bool {
        [
            self.av, self.pr, self.ui, self.ac, self.at, self.vc, self.vi, self.va, self.sc,
            self.si, self.sa, self.cr, self.ir, self.ar,
        ]
        .iter()
        .any(|d| *d < 0.0)
    }
}

/// CVSS v4.0 score of the effective metrics, following FIRST's reference calculator
/// (`cvss_score.js`) step by step, including its floating point operation order.
fn v4_score(m: &V4Effective) -> f64 {
    // No impact at all on either system: score 0.
    if [m.vc, m.vi, m.va, m.sc, m.si, m.sa]
        .iter()
        .all(|v| *v == b'N')
    {
        return 0.0;
    }

    let mv = m.macro_vector();
    let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
    let value = lookup(mv);

    // Scores of the next lower macro vector in each dimension.
    let lower = |dim: usize| {
        let mut next = mv;
        if let Some(d) = next.get_mut(dim) {
            *d += 1;
        }
        lookup(next)
    };
    let score_eq1_next = lower(0);
    let score_eq2_next = lower(1);
    let score_eq3eq6_next = match (eq3, eq6) {
        (0, 0) => py_max(lower(5), lower(2)),
        (0, 1) | (1, 1) => lower(2),
        (1, 0) => lower(5),
        _ => lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1]),
    };
    let score_eq4_next = lower(3);
    let score_eq5_next = lower(4);

    // Highest-severity vectors of this macro vector; use the first one that is at
    // least as severe as the vector in every metric (the last one if none is).
    let eq1_maxes = EQ1_MAXES.get(usize::from(eq1)).copied().unwrap_or(&[]);
    let eq2_maxes = EQ2_MAXES.get(usize::from(eq2)).copied().unwrap_or(&[]);
    let eq3eq6_maxes = EQ3_EQ6_MAXES
        .get(usize::from(eq3))
        .and_then(|row| row.get(usize::from(eq6)))
        .copied()
        .unwrap_or(&[]);
    let eq4_maxes = EQ4_MAXES.get(usize::from(eq4)).copied().unwrap_or(&[]);
    let eq5_maxes = EQ5_MAXES.get(usize::from(eq5)).copied().unwrap_or(&[]);

    let mut dist = Distances::default();
    'search: for [mav, mpr, mui] in eq1_maxes {
        for [mac, mat] in eq2_maxes {
            for [mvc, mvi, mva, mcr, mir, mar] in eq3eq6_maxes {
                for [msc, msi, msa] in eq4_maxes {
                    for _me in eq5_maxes {
                        dist = Distances {
                            av: level_av(m.av) - level_av(*mav),
                            pr: level_pr(m.pr) - level_pr(*mpr),
                            ui: level_ui(m.ui) - level_ui(*mui),
                            ac: level_ac(m.ac) - level_ac(*mac),
                            at: level_at(m.at) - level_at(*mat),
                            vc: level_v(m.vc) - level_v(*mvc),
                            vi: level_v(m.vi) - level_v(*mvi),
                            va: level_v(m.va) - level_v(*mva),
                            sc: level_sc(m.sc) - level_sc(*msc),
                            si: level_s(m.si) - level_s(*msi),
                            sa: level_s(m.sa) - level_s(*msa),
                            cr: level_req(m.cr) - level_req(*mcr),
                            ir: level_req(m.ir) - level_req(*mir),
                            ar: level_req(m.ar) - level_req(*mar),
                        };
                        if !dist.any_negative() {
                            break 'search;
                        }
                    }
                }
            }
        }
    }

    let current_eq1 = dist.av + dist.pr + dist.ui;
    let current_eq2 = dist.ac + dist.at;
    let current_eq3eq6 = dist.vc + dist.vi + dist.va + dist.cr + dist.ir + dist.ar;
    let current_eq4 = dist.sc + dist.si + dist.sa;

    let step = 0.1;
    let max_severity = |n: Option<&u8>| f64::from(n.copied().unwrap_or(0)) * step;
    let max_severity_eq1 = max_severity(EQ1_MAX_SEVERITY.get(usize::from(eq1)));
    let max_severity_eq2 = max_severity(EQ2_MAX_SEVERITY.get(usize::from(eq2)));
    let max_severity_eq3eq6 = max_severity(
        EQ3_EQ6_MAX_SEVERITY
            .get(usize::from(eq3))
            .and_then(|row| row.get(usize::from(eq6))),
    );
    let max_severity_eq4 = max_severity(EQ4_MAX_SEVERITY.get(usize::from(eq4)));

    // Proportional distance into each dimension, averaged over the dimensions that
    // have a lower macro vector (NaN comparisons are false, as in the reference).
    let mut n_existing_lower = 0u32;
    let mut normalized = [0.0f64; 5];
    let dims = [
        (
            value - score_eq1_next,
            Some((current_eq1, max_severity_eq1)),
        ),
        (
            value - score_eq2_next,
            Some((current_eq2, max_severity_eq2)),
        ),
        (
            value - score_eq3eq6_next,
            Some((current_eq3eq6, max_severity_eq3eq6)),
        ),
        (
            value - score_eq4_next,
            Some((current_eq4, max_severity_eq4)),
        ),
        // EQ5 contributes a zero proportion (E is not interpolated) but counts.
        (value - score_eq5_next, None),
    ];
    for (slot, (available, severity)) in normalized.iter_mut().zip(dims) {
        if available >= 0.0 {
            n_existing_lower += 1;
            let percent = match severity {
                Some((current, max)) => current / max,
                None => 0.0,
            };
            *slot = available * percent;
        }
    }
    let mean_distance = if n_existing_lower == 0 {
        0.0
    } else {
        (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4])
            / f64::from(n_existing_lower)
    };

    let value = value - mean_distance;
    let value = if value > 0.0 { value } else { 0.0 };
    let value = if value < 10.0 { value } else { 10.0 };
    round_half_up_one_decimal(value + 1e-6)
}

/// Rounds a non-negative `x` half up to one decimal, deciding on the exact binary
/// value of `x` (like Python's `Decimal(x).quantize(Decimal("0.1"), ROUND_HALF_UP)`
/// in the reference implementation), so `x * 10.0` cannot be rounded the wrong way.
/// Returns the nearest `f64` to the rounded decimal. Non-finite or negative input
/// gives 0.0.
fn round_half_up_one_decimal(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 0.0;
    }
    let bits = x.to_bits();
    let biased_exponent = ((bits >> 52) & 0x7ff) as i32;
    if biased_exponent == 0 {
        return 0.0; // subnormal: far below 0.05
    }
    let mantissa = u128::from((bits & ((1u64 << 52) - 1)) | (1u64 << 52));
    // x == mantissa * 2^exponent exactly.
    let exponent = biased_exponent - 1075;
    if exponent >= 0 {
        return x; // an integer (x >= 2^52)
    }
    let shift = exponent.unsigned_abs();
    if shift > 120 {
        return 0.0; // x < 2^-67
    }
    // tenths = floor(x * 10 + 1/2) = floor((mantissa * 10 + 2^(shift-1)) / 2^shift)
    let tenths = (mantissa * 10 + (1u128 << (shift - 1))) >> shift;
    tenths as f64 / 10.0
}

/// Macro vector scores (EQ1 EQ2 EQ3 EQ4 EQ5 EQ6 -> score) of the CVSS v4.0
/// specification / FIRST reference calculator (`cvss_lookup.js`), sorted by key.
#[rustfmt::skip]
const CVSS_LOOKUP: [([u8; 6], f64); 270] = [
    (*b"000000", 10.0), (*b"000001", 9.9), (*b"000010", 9.8),
    (*b"000011", 9.5), (*b"000020", 9.5), (*b"000021", 9.2),
    (*b"000100", 10.0), (*b"000101", 9.6), (*b"000110", 9.3),
    (*b"000111", 8.7), (*b"000120", 9.1), (*b"000121", 8.1),
    (*b"000200", 9.3), (*b"000201", 9.0), (*b"000210", 8.9),
    (*b"000211", 8.0), (*b"000220", 8.1), (*b"000221", 6.8),
    (*b"001000", 9.8), (*b"001001", 9.5), (*b"001010", 9.5),
    (*b"001011", 9.2), (*b"001020", 9.0), (*b"001021", 8.4),
    (*b"001100", 9.3), (*b"001101", 9.2), (*b"001110", 8.9),
    (*b"001111", 8.1), (*b"001120", 8.1), (*b"001121", 6.5),
    (*b"001200", 8.8), (*b"001201", 8.0), (*b"001210", 7.8),
    (*b"001211", 7.0), (*b"001220", 6.9), (*b"001221", 4.8),
    (*b"002001", 9.2), (*b"002011", 8.2), (*b"002021", 7.2),
    (*b"002101", 7.9), (*b"002111", 6.9), (*b"002121", 5.0),
    (*b"002201", 6.9), (*b"002211", 5.5), (*b"002221", 2.7),
    (*b"010000", 9.9), (*b"010001", 9.7), (*b"010010", 9.5),
    (*b"010011", 9.2), (*b"010020", 9.2), (*b"010021", 8.5),
    (*b"010100", 9.5), (*b"010101", 9.1), (*b"010110", 9.0),
    (*b"010111", 8.3), (*b"010120", 8.4), (*b"010121", 7.1),
    (*b"010200", 9.2), (*b"010201", 8.1), (*b"010210", 8.2),
    (*b"010211", 7.1), (*b"010220", 7.2), (*b"010221", 5.3),
    (*b"011000", 9.5), (*b"011001", 9.3), (*b"011010", 9.2),
    (*b"011011", 8.5), (*b"011020", 8.5), (*b"011021", 7.3),
    (*b"011100", 9.2), (*b"011101", 8.2), (*b"011110", 8.0),
    (*b"011111", 7.2), (*b"011120", 7.0), (*b"011121", 5.9),
    (*b"011200", 8.4), (*b"011201", 7.0), (*b"011210", 7.1),
    (*b"011211", 5.2), (*b"011220", 5.0), (*b"011221", 3.0),
    (*b"012001", 8.6), (*b"012011", 7.5), (*b"012021", 5.2),
    (*b"012101", 7.1), (*b"012111", 5.2), (*b"012121", 2.9),
    (*b"012201", 6.3), (*b"012211", 2.9), (*b"012221", 1.7),
    (*b"100000", 9.8), (*b"100001", 9.5), (*b"100010", 9.4),
    (*b"100011", 8.7), (*b"100020", 9.1), (*b"100021", 8.1),
    (*b"100100", 9.4), (*b"100101", 8.9), (*b"100110", 8.6),
    (*b"100111", 7.4), (*b"100120", 7.7), (*b"100121", 6.4),
    (*b"100200", 8.7), (*b"100201", 7.5), (*b"100210", 7.4),
    (*b"100211", 6.3), (*b"100220", 6.3), (*b"100221", 4.9),
    (*b"101000", 9.4), (*b"101001", 8.9), (*b"101010", 8.8),
    (*b"101011", 7.7), (*b"101020", 7.6), (*b"101021", 6.7),
    (*b"101100", 8.6), (*b"101101", 7.6), (*b"101110", 7.4),
    (*b"101111", 5.8), (*b"101120", 5.9), (*b"101121", 5.0),
    (*b"101200", 7.2), (*b"101201", 5.7), (*b"101210", 5.7),
    (*b"101211", 5.2), (*b"101220", 5.2), (*b"101221", 2.5),
    (*b"102001", 8.3), (*b"102011", 7.0), (*b"102021", 5.4),
    (*b"102101", 6.5), (*b"102111", 5.8), (*b"102121", 2.6),
    (*b"102201", 5.3), (*b"102211", 2.1), (*b"102221", 1.3),
    (*b"110000", 9.5), (*b"110001", 9.0), (*b"110010", 8.8),
    (*b"110011", 7.6), (*b"110020", 7.6), (*b"110021", 7.0),
    (*b"110100", 9.0), (*b"110101", 7.7), (*b"110110", 7.5),
    (*b"110111", 6.2), (*b"110120", 6.1), (*b"110121", 5.3),
    (*b"110200", 7.7), (*b"110201", 6.6), (*b"110210", 6.8),
    (*b"110211", 5.9), (*b"110220", 5.2), (*b"110221", 3.0),
    (*b"111000", 8.9), (*b"111001", 7.8), (*b"111010", 7.6),
    (*b"111011", 6.7), (*b"111020", 6.2), (*b"111021", 5.8),
    (*b"111100", 7.4), (*b"111101", 5.9), (*b"111110", 5.7),
    (*b"111111", 5.7), (*b"111120", 4.7), (*b"111121", 2.3),
    (*b"111200", 6.1), (*b"111201", 5.2), (*b"111210", 5.7),
    (*b"111211", 2.9), (*b"111220", 2.4), (*b"111221", 1.6),
    (*b"112001", 7.1), (*b"112011", 5.9), (*b"112021", 3.0),
    (*b"112101", 5.8), (*b"112111", 2.6), (*b"112121", 1.5),
    (*b"112201", 2.3), (*b"112211", 1.3), (*b"112221", 0.6),
    (*b"200000", 9.3), (*b"200001", 8.7), (*b"200010", 8.6),
    (*b"200011", 7.2), (*b"200020", 7.5), (*b"200021", 5.8),
    (*b"200100", 8.6), (*b"200101", 7.4), (*b"200110", 7.4),
    (*b"200111", 6.1), (*b"200120", 5.6), (*b"200121", 3.4),
    (*b"200200", 7.0), (*b"200201", 5.4), (*b"200210", 5.2),
    (*b"200211", 4.0), (*b"200220", 4.0), (*b"200221", 2.2),
    (*b"201000", 8.5), (*b"201001", 7.5), (*b"201010", 7.4),
    (*b"201011", 5.5), (*b"201020", 6.2), (*b"201021", 5.1),
    (*b"201100", 7.2), (*b"201101", 5.7), (*b"201110", 5.5),
    (*b"201111", 4.1), (*b"201120", 4.6), (*b"201121", 1.9),
    (*b"201200", 5.3), (*b"201201", 3.6), (*b"201210", 3.4),
    (*b"201211", 1.9), (*b"201220", 1.9), (*b"201221", 0.8),
    (*b"202001", 6.4), (*b"202011", 5.1), (*b"202021", 2.0),
    (*b"202101", 4.7), (*b"202111", 2.1), (*b"202121", 1.1),
    (*b"202201", 2.4), (*b"202211", 0.9), (*b"202221", 0.4),
    (*b"210000", 8.8), (*b"210001", 7.5), (*b"210010", 7.3),
    (*b"210011", 5.3), (*b"210020", 6.0), (*b"210021", 5.0),
    (*b"210100", 7.3), (*b"210101", 5.5), (*b"210110", 5.9),
    (*b"210111", 4.0), (*b"210120", 4.1), (*b"210121", 2.0),
    (*b"210200", 5.4), (*b"210201", 4.3), (*b"210210", 4.5),
    (*b"210211", 2.2), (*b"210220", 2.0), (*b"210221", 1.1),
    (*b"211000", 7.5), (*b"211001", 5.5), (*b"211010", 5.8),
    (*b"211011", 4.5), (*b"211020", 4.0), (*b"211021", 2.1),
    (*b"211100", 6.1), (*b"211101", 5.1), (*b"211110", 4.8),
    (*b"211111", 1.8), (*b"211120", 2.0), (*b"211121", 0.9),
    (*b"211200", 4.6), (*b"211201", 1.8), (*b"211210", 1.7),
    (*b"211211", 0.7), (*b"211220", 0.8), (*b"211221", 0.2),
    (*b"212001", 5.3), (*b"212011", 2.4), (*b"212021", 1.4),
    (*b"212101", 2.4), (*b"212111", 1.2), (*b"212121", 0.5),
    (*b"212201", 1.0), (*b"212211", 0.3), (*b"212221", 0.1),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Folder (relative to `CARGO_MANIFEST_DIR`) holding `cvss-vectors.tsv` and
    /// `cvss-invalid.txt`, produced by `gen_cvss_vectors.py`.
    const DATA_DIR: &str = "tests/data";

    fn data_file(name: &str) -> String {
        let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), DATA_DIR, name]
            .iter()
            .collect();
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    fn score(vector: &str) -> f64 {
        base_score(vector)
            .unwrap_or_else(|e| panic!("{vector}: {e}"))
            .base_score
    }

    #[test]
    fn oracle_vectors_match() {
        let data = data_file("cvss-vectors.tsv");
        let mut rows = 0usize;
        let mut mismatches = Vec::new();
        for line in data.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            rows += 1;
            let (vector, expected) = line.split_once('\t').expect("vector<TAB>score");
            let expected: f64 = expected.trim().parse().expect("numeric score");
            match base_score(vector) {
                Ok(s) if (s.base_score * 10.0).round() == (expected * 10.0).round() => {}
                Ok(s) => mismatches.push(format!(
                    "{vector}: got {}, expected {expected}",
                    s.base_score
                )),
                Err(e) => mismatches.push(format!("{vector}: error {e}, expected {expected}")),
            }
        }
        assert!(rows > 7000, "only {rows} rows in cvss-vectors.tsv");
        assert!(
            mismatches.is_empty(),
            "{} of {rows} vectors mismatch; first 20:\n{}",
            mismatches.len(),
            mismatches
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn invalid_vectors_are_rejected() {
        let data = data_file("cvss-invalid.txt");
        let mut count = 0usize;
        let mut accepted = Vec::new();
        for line in data.lines().filter(|l| !l.is_empty()) {
            count += 1;
            if let Ok(s) = base_score(line) {
                accepted.push(format!("{line} -> {s:?}"));
            }
        }
        assert!(count >= 50, "only {count} invalid vectors");
        assert!(
            accepted.is_empty(),
            "accepted invalid vectors:\n{}",
            accepted.join("\n")
        );
    }

    #[test]
    fn well_known_vectors() {
        let cases = [
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                9.8,
                "CRITICAL",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
                10.0,
                "CRITICAL",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
                6.1,
                "MEDIUM",
            ),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "HIGH"),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, "LOW"),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "NONE"),
            (
                "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                9.8,
                "CRITICAL",
            ),
            ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "HIGH"),
            ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "HIGH"),
            ("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5, "HIGH"),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "HIGH"),
            ("AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8, "HIGH"),
            ("AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2, "MEDIUM"),
            ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "MEDIUM"),
            ("AV:N/AC:L/Au:N/C:N/I:N/A:N", 0.0, "LOW"),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
                "CRITICAL",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                10.0,
                "CRITICAL",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                0.0,
                "NONE",
            ),
            (
                "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                8.5,
                "HIGH",
            ),
            // Threat/environmental metrics do not change CVSS-B.
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/MAV:P",
                9.3,
                "CRITICAL",
            ),
        ];
        for (vector, expected, severity) in cases {
            let s = base_score(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
            assert_eq!(s.base_score, expected, "{vector}");
            assert_eq!(s.severity, severity, "{vector}");
        }
    }

    #[test]
    fn versions_are_reported() {
        let version = |v: &str| base_score(v).unwrap().version;
        assert_eq!(version("AV:N/AC:L/Au:N/C:P/I:P/A:P"), CvssVersion::V2);
        assert_eq!(
            version("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            CvssVersion::V3_0
        );
        assert_eq!(
            version("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            CvssVersion::V3_1
        );
        assert_eq!(
            version("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            CvssVersion::V4_0
        );
    }

    #[test]
    fn errors_name_the_problem() {
        use CvssVersion::*;
        let err = |v: &str| base_score(v).unwrap_err();
        assert_eq!(err(""), CvssError::Empty);
        assert_eq!(err("  \n"), CvssError::Empty);
        assert_eq!(
            err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            CvssError::MissingMetric {
                version: V3_1,
                metric: "A"
            }
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L"),
            CvssError::DuplicateMetric {
                version: V3_1,
                metric: "A"
            }
        );
        assert_eq!(
            err("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:H"),
            CvssError::UnknownMetric {
                version: V3_0,
                metric: "ZZ".into()
            }
        );
        assert_eq!(
            err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            CvssError::InvalidValue {
                version: V4_0,
                metric: "UI",
                value: "R".into()
            }
        );
        assert_eq!(
            err("AV:N/AC:L/Au:N/C:P/I:P/A:P/"),
            CvssError::MalformedComponent {
                version: V2,
                component: String::new()
            }
        );
        assert_eq!(
            err("CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            CvssError::MalformedComponent {
                version: V3_1,
                component: "AV:N:N".into()
            }
        );
        assert_eq!(
            err("CVSS:3.2/AV:N"),
            CvssError::UnsupportedVersion {
                prefix: "3.2".into()
            }
        );
        assert_eq!(
            err("(AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            CvssError::UnbalancedParentheses
        );
        let long = format!(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H{}",
            " ".repeat(600)
        );
        assert_eq!(err(&long), CvssError::TooLong { len: long.len() });

        let msg = err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q").to_string();
        assert!(
            msg.contains("A") && msg.contains("\"Q\"") && msg.contains("3.1"),
            "{msg}"
        );
        let msg = err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N").to_string();
        assert!(msg.contains("SA") && msg.contains("missing"), "{msg}");
        // Quoted input is truncated.
        let msg = err(&format!("CVSS:3.1/{}:N", "X".repeat(300))).to_string();
        assert!(msg.len() < 120, "{msg}");
    }

    #[test]
    fn whitespace_around_is_ignored_and_order_is_free() {
        assert_eq!(
            score(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"),
            9.8
        );
        assert_eq!(score("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N"), 9.8);
        assert_eq!(
            score("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N"),
            9.3
        );
    }

    #[test]
    fn lookup_table_is_complete_and_sorted() {
        assert_eq!(CVSS_LOOKUP.len(), 270);
        assert!(CVSS_LOOKUP.windows(2).all(|w| w[0].0 < w[1].0));
        for (key, value) in CVSS_LOOKUP {
            assert!(key.iter().all(|d| d.is_ascii_digit()), "{key:?}");
            assert!(key[0] <= b'2' && key[1] <= b'1' && key[2] <= b'2' && key[3] <= b'2');
            assert!(key[4] <= b'2' && key[5] <= b'1' && !(key[2] == b'2' && key[5] == b'0'));
            assert!((0.0..=10.0).contains(&value), "{key:?}");
        }
        assert_eq!(lookup(*b"\x00\x00\x00\x00\x00\x00"), 10.0);
        assert_eq!(lookup([2, 1, 2, 2, 2, 1]), 0.1);
        assert!(lookup([3, 0, 0, 0, 0, 0]).is_nan());
        assert!(lookup([0, 0, 2, 0, 0, 0]).is_nan());
    }

    #[test]
    fn rounding_helpers() {
        assert_eq!(roundup_v31(4.02), 4.1);
        assert_eq!(roundup_v31(4.0), 4.0);
        assert_eq!(roundup_v31(4.000_000_000_1), 4.0);
        assert_eq!(roundup_v30(4.02), 4.1);
        // 1.45 is stored as 1.4499999999999999556: the exact value rounds down.
        assert_eq!(round_half_up_one_decimal(1.45), 1.4);
        assert_eq!(round_half_up_one_decimal(1.25), 1.3);
        assert_eq!(round_half_up_one_decimal(1.449_999), 1.4);
        assert_eq!(round_half_up_one_decimal(0.25), 0.3);
        assert_eq!(round_half_up_one_decimal(0.04), 0.0);
        assert_eq!(round_half_up_one_decimal(10.000_001), 10.0);
        assert_eq!(round_half_up_one_decimal(f64::NAN), 0.0);
    }

    /// Deterministic garbage and mutations of valid vectors never panic, and every
    /// accepted vector yields a score in range with a matching severity.
    #[test]
    fn never_panics_on_garbage() {
        let seeds = [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MSI:S",
            "(AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC)",
        ];
        let alphabet: Vec<char> = "CVSS:/()AVNLHPXSUuE0134.é \t\u{0}".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000 {
            let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
            for _ in 0..(next() % 4 + 1) {
                let pos = (next() as usize) % (chars.len() + 1);
                let c = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if pos < chars.len() => chars[pos] = c,
                    1 if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    _ => chars.insert(pos, c),
                }
            }
            let input: String = chars.into_iter().collect();
            if let Ok(s) = base_score(&input) {
                assert!((0.0..=10.0).contains(&s.base_score), "{input}: {s:?}");
                assert_eq!((s.base_score * 10.0).fract(), 0.0, "{input}: {s:?}");
            }
        }
    }
}
