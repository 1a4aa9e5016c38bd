//! Shared by `tests/version_oracle.rs` and `examples/vercmp_bench.rs`: a seeded PRNG, the
//! machine's real Debian versions, and version mutations in the style of the vectors README.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// SplitMix64: tiny, deterministic, good enough to pick test cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `(package, version)` of every installed package, via `dpkg-query`.
pub fn installed_deb_packages() -> Vec<(String, String)> {
    let Ok(out) = Command::new("dpkg-query")
        .args(["-W", "-f", "${Package}\t${Version}\n"])
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(_, v)| !v.is_empty())
        .map(|(p, v)| (p.to_owned(), v.to_owned()))
        .collect()
}

/// `(package, version)` from the apt lists in /var/lib/apt/lists. Compressed lists are
/// decompressed by apt's own `apt-helper cat-file`, which knows every format apt writes.
pub fn apt_list_deb_packages() -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir("/var/lib/apt/lists") else {
        return Vec::new();
    };
    let mut files: Vec<_> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("_Packages"))
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = if path.extension().is_none() {
            std::fs::read_to_string(&path).unwrap_or_default()
        } else {
            cat_compressed(&path)
        };
        let mut package = None;
        for line in text.lines() {
            if let Some(p) = line.strip_prefix("Package: ") {
                package = Some(p.trim().to_owned());
            } else if let Some(v) = line.strip_prefix("Version: ")
                && let Some(p) = package.take()
            {
                out.push((p, v.trim().to_owned()));
            }
        }
    }
    out
}

fn cat_compressed(path: &Path) -> String {
    Command::new("/usr/lib/apt/apt-helper")
        .arg("cat-file")
        .arg(path)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Distinct versions per package from dpkg and the apt lists.
pub fn real_deb_packages() -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, v) in installed_deb_packages()
        .into_iter()
        .chain(apt_list_deb_packages())
    {
        map.entry(p).or_default().push(v);
    }
    for versions in map.values_mut() {
        versions.sort();
        versions.dedup();
    }
    map
}

/// Byte ranges of the digit runs in `v`.
fn digit_runs(v: &str) -> Vec<(usize, usize)> {
    let b = v.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// Adds one to the digit run at `(s, e)`, keeping arbitrarily long numbers exact.
fn bump(v: &str, (s, e): (usize, usize)) -> String {
    let mut digits: Vec<u8> = v.as_bytes()[s..e].to_vec();
    let mut i = digits.len();
    loop {
        if i == 0 {
            digits.insert(0, b'1');
            break;
        }
        i -= 1;
        if digits[i] == b'9' {
            digits[i] = b'0';
        } else {
            digits[i] += 1;
            break;
        }
    }
    format!("{}{}{}", &v[..s], String::from_utf8_lossy(&digits), &v[e..])
}

/// A plausible nearby Debian version: tilde, plus, epoch, revision, leading zeros, numeric
/// bumps, long numbers. Usually valid; callers check.
pub fn mutate_deb(rng: &mut Rng, v: &str) -> String {
    let runs = digit_runs(v);
    match rng.below(12) {
        0 => format!(
            "{v}~{}",
            rng.pick(&["rc1", "", "~", "beta2", "bpo12+1", "deb12u1"])
        ),
        1 => format!(
            "{v}+{}",
            rng.pick(&["b1", "deb12u1", "dfsg", "really1.0", "1"])
        ),
        2 => match v.split_once(':') {
            Some((_, rest)) if rng.chance(50) => rest.to_owned(),
            _ => format!("{}:{v}", rng.below(3)),
        },
        3 => match v.rsplit_once('-') {
            Some((up, rev)) if rng.chance(50) => {
                format!("{up}-{rev}{}", rng.pick(&["0", ".1", "~1", "+b1"]))
            }
            Some((up, _)) if rng.chance(50) => up.to_owned(),
            _ => format!("{v}-{}", rng.pick(&["0", "1", "00", "0.1", "1~bpo1"])),
        },
        4 | 5 if !runs.is_empty() => {
            let (s, _) = *rng.pick(&runs);
            format!("{}{}{}", &v[..s], "0".repeat(1 + rng.below(3)), &v[s..])
        }
        6..=8 if !runs.is_empty() => bump(v, *rng.pick(&runs)),
        9 if !runs.is_empty() => {
            let (s, e) = *rng.pick(&runs);
            let long = format!("{}{}", 1 + rng.below(9), "9".repeat(18 + rng.below(8)));
            format!("{}{long}{}", &v[..s], &v[e..])
        }
        10 => {
            let b = v.as_bytes();
            let cut = 1 + rng.below(b.len().max(1));
            v.get(..cut).unwrap_or(v).to_owned()
        }
        _ => format!("{v}{}", rng.pick(&[".1", "a", "+", ".", "~", ".0", "0"])),
    }
}

/// Likely-invalid variants, to check that we refuse exactly what dpkg refuses.
pub fn break_deb(rng: &mut Rng, v: &str) -> String {
    const JUNK: [&str; 20] = [
        "!", "@", "_", ":", "-", "~", " ", "\t", "a", "A", "0", "/", ",", "é", ";", "$", "+", ".",
        "%", "=",
    ];
    let chars: Vec<char> = v.chars().collect();
    let at = rng.below(chars.len() + 1);
    let mut out: String = chars[..at].iter().collect();
    match rng.below(6) {
        0 => {
            out.push_str(rng.pick_str(&JUNK));
            out.extend(&chars[at..]);
        }
        1 => out.extend(chars.get(at + 1..).unwrap_or(&[])),
        2 => {
            return format!(
                "{}{v}",
                rng.pick(&[
                    "a:",
                    ":",
                    "-1:",
                    "1:",
                    "99999999999:",
                    "2147483647:",
                    "2147483648:",
                    " "
                ])
            );
        }
        3 => return format!("{v}{}", rng.pick(&["-", ":", "-1-", " x", "1:"])),
        4 => {
            return rng
                .pick(&["", "~", "-", "a", "1:", ":1", "0-", "1.0-a:b"])
                .to_string();
        }
        _ => {
            out.push_str(rng.pick_str(&JUNK));
            out.extend(chars.get(at + 1..).unwrap_or(&[]));
        }
    }
    out
}

/// A plausible nearby RPM EVR (tilde, caret, epoch, release, leading zeros, separators).
pub fn mutate_rpm(rng: &mut Rng, v: &str) -> String {
    let runs = digit_runs(v);
    match rng.below(11) {
        0 => match v.rsplit_once('-') {
            Some((ver, rel)) => format!("{ver}~{}-{rel}", rng.pick(&["rc1", "beta2", "", "~"])),
            None => format!("{v}~rc1"),
        },
        1 => match v.rsplit_once('-') {
            Some((ver, rel)) => format!(
                "{ver}^{}-{rel}",
                rng.pick(&["1", "20240101git1a2b3c", "post1", "^"])
            ),
            None => format!("{v}^1"),
        },
        2 => match v.split_once(':') {
            Some((_, rest)) if rng.chance(50) => rest.to_owned(),
            Some((_, rest)) => format!("0{}:{rest}", rng.below(3)),
            None => format!("{}:{v}", rng.below(3)),
        },
        3 => match v.rsplit_once('-') {
            Some((ver, _)) if rng.chance(40) => ver.to_owned(),
            Some((ver, rel)) => format!(
                "{ver}-{rel}{}",
                rng.pick(&["_1", ".1", "~bootstrap", "a", ".el9"])
            ),
            None => format!("{v}-{}", rng.pick(&["1", "0", "~", "1.el9", "a"])),
        },
        4 if !runs.is_empty() => {
            let (s, _) = *rng.pick(&runs);
            format!("{}{}{}", &v[..s], "0".repeat(1 + rng.below(2)), &v[s..])
        }
        5..=7 if !runs.is_empty() => bump(v, *rng.pick(&runs)),
        8 if !runs.is_empty() => {
            let (s, e) = *rng.pick(&runs);
            format!("{}{}{}", &v[..s], "9".repeat(19 + rng.below(4)), &v[e..])
        }
        9 => v.replacen('.', rng.pick_str(&["_", "+", ".", ".."]), 1),
        _ => match v.rsplit_once('-') {
            Some((ver, rel)) => format!("{ver}{}-{rel}", rng.pick(&["a", ".0", ".", "_p1", "b"])),
            None => format!("{v}{}", rng.pick(&["a", ".0", "."])),
        },
    }
}
