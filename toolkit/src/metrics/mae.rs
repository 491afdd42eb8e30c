//! Mean absolute error.

use super::{Fitting, Metric, Residual};
use crate::spec::{Submission, Task};

/// Mean absolute error (over every target when there are several).
pub struct Mae;

impl Metric for Mae {
    fn name(&self) -> &'static str {
        "mae"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["mean_absolute_error"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &["mean absolute error", "mae"]
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
        let mean = |a: &Vec<f64>, b: &Vec<f64>| {
            a.iter().zip(b).map(|(u, v)| (u - v).abs()).sum::<f64>() / a.len().max(1) as f64
        };
        y.iter().zip(p).map(|(a, b)| mean(a, b)).sum::<f64>() / y.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = regression();
        close(Mae.score(&y, &p), 0.416_666_666_666_666_7);
    }
}
