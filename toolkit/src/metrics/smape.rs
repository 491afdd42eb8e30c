//! Symmetric mean absolute percentage error, in percent (0 to 200), as Kaggle scores it: a row
//! where truth and prediction are both 0 counts as no error.

use super::Metric;
use crate::spec::{Submission, Task};

/// 100/n * sum(|p - y| / ((|y| + |p|) / 2)).
pub struct Smape;

impl Metric for Smape {
    fn name(&self) -> &'static str {
        "smape"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["symmetric_mean_absolute_percentage_error"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "symmetric mean absolute percentage error",
            "symmetric mean absolute percent error",
            "smape",
        ]
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
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let n = y[0].len().max(1) as f64;
        let total: f64 = y[0]
            .iter()
            .zip(&p[0])
            .map(|(a, b)| {
                let den = (a.abs() + b.abs()) / 2.0;
                if den == 0.0 { 0.0 } else { (b - a).abs() / den }
            })
            .sum();
        100.0 * total / n
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_kaggles_smape() {
        let (y, p) = regression();
        close(Smape.score(&y, &p), 20.127_544_111_283_953);
        close(Smape.score(&[vec![0.0, 1.0]], &[vec![0.0, 1.0]]), 0.0);
    }
}
