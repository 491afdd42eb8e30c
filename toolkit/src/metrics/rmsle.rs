//! Root mean squared logarithmic error: RMSE between `log1p` of the prediction and of the truth,
//! so a model fits `log1p(y)` and predicts back through `exp_m1`.

use super::{Fitting, Metric};
use crate::spec::{Submission, Task};

/// RMSE of `log1p` values (house prices).
pub struct Rmsle;

impl Metric for Rmsle {
    fn name(&self) -> &'static str {
        "rmsle"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[
            "rmse_of_logs",
            "root_mean_squared_log_error",
            "root_mean_squared_logarithmic_error",
            "msle",
        ]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "root mean squared logarithmic error",
            "root mean squared log error",
            "root-mean-squared-log-error",
            "rmsle",
            "root mean squared error+logarithm",
            "root-mean-squared-error+logarithm",
            "rmse+logarithm",
            "rmse+log-transformed",
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
            log_target: true,
            ..Fitting::default()
        }
    }
    fn outside_domain(&self, y: f64) -> Option<&'static str> {
        (y <= -1.0).then_some("log1p is undefined at -1 and below")
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        // Already in log1p space (the model's space for this metric).
        super::rmse::Rmse.score(y, p)
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = regression();
        let logs = |v: Vec<Vec<f64>>| vec![v[0].iter().map(|x| x.ln_1p()).collect::<Vec<_>>()];
        close(Rmsle.score(&logs(y), &logs(p)), 0.139_057_421_110_538_84);
        assert!(Rmsle.outside_domain(-1.0).is_some() && Rmsle.outside_domain(0.0).is_none());
    }
}
