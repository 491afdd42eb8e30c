//! Quadratic weighted kappa: agreement between ordinal labels, a miss by two classes costing four
//! times a miss by one. Classes are ordered as the problem sorts them (numerically when they are
//! numbers).

use super::{Decide, Fitting, Metric, classes};
use crate::spec::{Submission, Task};

/// Cohen's kappa with quadratic weights.
pub struct Qwk;

impl Metric for Qwk {
    fn name(&self) -> &'static str {
        "qwk"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["quadratic_weighted_kappa", "cohen_kappa_quadratic", "kappa"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "quadratic weighted kappa",
            "quadratic kappa",
            "weighted kappa",
            "qwk",
            "cohen's kappa",
            "kappa",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Multiclass, Task::Binary]
    }
    fn fitting(&self) -> Fitting {
        Fitting {
            decide: Decide::Ordinal,
            ..Fitting::default()
        }
    }
    fn submission(&self) -> Submission {
        Submission::Labels
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        kappa(&classes::confusion(y, p))
    }
    fn score_confusion(&self, m: &[Vec<f64>]) -> Option<f64> {
        Some(kappa(m))
    }
}

/// Quadratic weighted kappa of the confusion matrix `o[true][predicted]`.
fn kappa(o: &[Vec<f64>]) -> f64 {
    let k = o.len();
    let n: f64 = o.iter().flatten().sum();
    let rows: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<f64> = (0..k).map(|c| o.iter().map(|r| r[c]).sum()).collect();
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64) - (j as f64)).powi(2);
            observed += w * o[i][j];
            expected += w * rows[i] * cols[j] / n.max(1.0);
        }
    }
    if expected == 0.0 {
        1.0
    } else {
        1.0 - observed / expected
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = multiclass();
        close(Qwk.score(&y, &p), 0.804_878_048_780_487_9);
    }
}
