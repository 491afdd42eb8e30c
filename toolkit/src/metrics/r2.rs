//! The coefficient of determination.

use super::Metric;
use crate::spec::{Submission, Task};

/// 1 - residual sum of squares / total sum of squares.
pub struct R2;

impl Metric for R2 {
    fn name(&self) -> &'static str {
        "r2"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["r_squared", "r2_score"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "r2",
            "r^2",
            "r-squared",
            "r squared",
            "coefficient of determination",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }
    fn submission(&self) -> Submission {
        Submission::Values
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let (y, p) = (&y[0], &p[0]);
        let m = y.iter().sum::<f64>() / y.len().max(1) as f64;
        let ss_tot: f64 = y.iter().map(|a| (a - m).powi(2)).sum();
        let ss_res: f64 = y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
        if ss_tot == 0.0 {
            0.0
        } else {
            1.0 - ss_res / ss_tot
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
        close(R2.score(&y, &p), 0.951_525_719_267_654_7);
    }
}
