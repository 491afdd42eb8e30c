//! Matthews correlation coefficient, binary and multiclass (Gorodkin's R_K, as scikit-learn).

use super::{Decide, Fitting, Metric, classes};
use crate::spec::{Submission, Task};

/// The correlation between true and predicted labels.
pub struct Mcc;

impl Metric for Mcc {
    fn name(&self) -> &'static str {
        "mcc"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["matthews_corrcoef", "matthews_correlation_coefficient"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "matthews correlation",
            "matthews' correlation",
            "mcc",
            "phi coefficient",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Binary, Task::Multiclass]
    }
    fn fitting(&self) -> Fitting {
        Fitting {
            decide: Decide::Threshold,
            ..Fitting::default()
        }
    }
    fn submission(&self) -> Submission {
        Submission::Labels
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let m = classes::confusion(y, p);
        let k = m.len();
        let n: f64 = m.iter().flatten().sum();
        let correct: f64 = (0..k).map(|c| m[c][c]).sum();
        let t: Vec<f64> = m.iter().map(|r| r.iter().sum()).collect();
        let q: Vec<f64> = (0..k).map(|c| m.iter().map(|r| r[c]).sum()).collect();
        let tq: f64 = t.iter().zip(&q).map(|(a, b)| a * b).sum();
        let cov = correct * n - tq;
        let den = ((n * n - q.iter().map(|v| v * v).sum::<f64>())
            * (n * n - t.iter().map(|v| v * v).sum::<f64>()))
        .sqrt();
        if den == 0.0 { 0.0 } else { cov / den }
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(Mcc.score(&y, &p), 0.6);
        let (y, p) = multiclass();
        close(Mcc.score(&y, &p), 0.642_857_142_857_142_9);
        // One predicted class throughout: no correlation.
        assert_eq!(
            Mcc.score(&y, &[vec![1.0; 8], vec![0.0; 8], vec![0.0; 8]]),
            0.0
        );
    }
}
