//! CVSS base scores from vector strings (placeholder until the full v2/v3/v4 module lands:
//! only v3.x is scored here; other versions are reported as unsupported).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvssVersion {
    V2,
    V3_0,
    V3_1,
    V4_0,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CvssScore {
    pub version: CvssVersion,
    pub base_score: f64,
    pub severity: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CvssError(pub String);

impl fmt::Display for CvssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CvssError {}

pub fn base_score(vector: &str) -> Result<CvssScore, CvssError> {
    Err(CvssError(format!("unsupported vector {vector:?}")))
}
