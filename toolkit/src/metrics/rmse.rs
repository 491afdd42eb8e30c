//! Root mean squared error.

use super::Metric;
use crate::spec::{Submission, Task};

/// Root mean squared error of two vectors.
pub fn rmse(y: &[f64], p: &[f64]) -> f64 {
    (y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len().max(1) as f64).sqrt()
}

/// Root mean squared error (over every target when there are several).
pub struct Rmse;

impl Metric for Rmse {
    fn name(&self) -> &'static str {
        "rmse"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["root_mean_squared_error"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "root mean squared error",
            "root-mean-squared-error",
            "root mean square error",
            "rmse",
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
        y.iter().zip(p).map(|(a, b)| rmse(a, b)).sum::<f64>() / y.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = regression();
        close(Rmse.score(&y, &p), 0.481_317_635_939_788_4);
    }
}
