//! ROC AUC of a probability, and its mean over several binary targets.

use super::Metric;
use crate::spec::{Submission, Task};

/// ROC AUC by the rank-sum formula (ties get average ranks); 0.5 if one class is absent.
pub fn roc_auc(y: &[f64], p: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut ranks = vec![0.0; y.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && p[idx[j + 1]] == p[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[idx[k]] = r;
        }
        i = j + 1;
    }
    let pos = y.iter().filter(|&&v| v > 0.5).count() as f64;
    let neg = y.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    let sum: f64 = y
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v > 0.5)
        .map(|(_, r)| r)
        .sum();
    (sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Area under the ROC curve of the positive class's probability.
pub struct RocAuc;

impl Metric for RocAuc {
    fn name(&self) -> &'static str {
        "roc_auc"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["auc", "auc_roc"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "area under the roc curve",
            "area under the receiver operating characteristic",
            "roc curve",
            "roc auc",
            "roc-auc",
            "auc",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Binary]
    }
    fn submission(&self) -> Submission {
        Submission::Probabilities
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        roc_auc(&y[0], &p[0])
    }
}

/// ROC AUC of each binary target, averaged (Kaggle's "mean column-wise ROC AUC").
pub struct MeanColumnwiseRocAuc;

impl Metric for MeanColumnwiseRocAuc {
    fn name(&self) -> &'static str {
        "mean_columnwise_roc_auc"
    }
    fn phrases(&self) -> &'static [&'static str] {
        // Overviews of several-target competitions often say only "AUC": the task decides then.
        &[
            "mean column-wise roc auc",
            "column-wise auc",
            "average auc",
            "mean auc",
            "auc of each",
            "roc curve",
            "auc",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::MultiLabel]
    }
    fn submission(&self) -> Submission {
        Submission::Probabilities
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        y.iter().zip(p).map(|(a, b)| roc_auc(a, b)).sum::<f64>() / y.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(RocAuc.score(&y, &p), 0.88);
        assert_eq!(roc_auc(&[0., 0., 1., 1.], &[0.1, 0.4, 0.35, 0.8]), 0.75);
        assert_eq!(roc_auc(&[0., 1.], &[0.5, 0.5]), 0.5);
        // Two targets, each 5/6 (the mean of scikit-learn's roc_auc_score per column).
        let y = vec![vec![0., 1., 1., 0., 1.], vec![1., 0., 1., 0., 0.]];
        let p = vec![vec![0.5, 0.8, 0.4, 0.3, 0.6], vec![0.7, 0.4, 0.9, 0.1, 0.8]];
        close(MeanColumnwiseRocAuc.score(&y, &p), 5.0 / 6.0);
    }
}
