//! How the report rounds and shares out its figures: one rule for the current figures
//! (the model) and for the trend's.

/// One decimal, the precision every format shows.
pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `part` of `whole` in percent; None when nothing is known (`known == 0`): a share of
/// nothing is not 100 %.
pub(super) fn pct(part: usize, whole: usize, known: usize) -> Option<f64> {
    if whole == 0 || known == 0 {
        return None;
    }
    Some(round1(part as f64 * 100.0 / whole as f64))
}
