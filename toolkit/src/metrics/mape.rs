//! Mean absolute percentage error, as a fraction (scikit-learn's convention: 0.1 is 10%).

use super::{Fitting, Metric, Residual};
use crate::spec::{Submission, Task};

/// mean(|y - p| / |y|); scikit-learn's floor of f64::EPSILON under |y|.
pub struct Mape;

impl Metric for Mape {
    fn name(&self) -> &'static str {
        "mape"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["mean_absolute_percentage_error"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "mean absolute percentage error",
            "mean absolute percent error",
            "mape",
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
    fn fitting(&self) -> Fitting {
        Fitting {
            residual: Residual::Relative,
            ..Fitting::default()
        }
    }
    fn outside_domain(&self, y: f64) -> Option<&'static str> {
        (y == 0.0).then_some("a percentage error of a true 0 is unbounded")
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let n = y[0].len().max(1) as f64;
        y[0].iter()
            .zip(&p[0])
            .map(|(a, b)| (a - b).abs() / a.abs().max(f64::EPSILON))
            .sum::<f64>()
            / n
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = regression();
        close(Mape.score(&y, &p), 0.233_730_158_730_158_7);
        assert!(Mape.outside_domain(0.0).is_some() && Mape.outside_domain(-3.0).is_none());
    }
}
