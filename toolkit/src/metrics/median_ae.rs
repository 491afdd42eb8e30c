//! Median absolute error: the error half the rows stay within, untouched by a few wild misses.

use super::{Fitting, Metric, Residual};
use crate::spec::{Submission, Task};

/// Median of |y - p|.
pub struct MedianAe;

impl Metric for MedianAe {
    fn name(&self) -> &'static str {
        "median_absolute_error"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["medae", "median_ae"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &["median absolute error", "medae"]
    }
    fn higher_is_better(&self) -> bool {
        false
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }
    fn submission(&self) -> Submission {
        Submission::Values
    }
    fn fitting(&self) -> Fitting {
        Fitting {
            residual: Residual::Absolute,
            ..Fitting::default()
        }
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let mut e: Vec<f64> = y[0].iter().zip(&p[0]).map(|(a, b)| (a - b).abs()).collect();
        e.sort_by(f64::total_cmp);
        match e.len() {
            0 => 0.0,
            n if n % 2 == 1 => e[n / 2],
            n => (e[n / 2 - 1] + e[n / 2]) / 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = regression();
        close(MedianAe.score(&y, &p), 0.400_000_000_000_000_13);
    }
}
