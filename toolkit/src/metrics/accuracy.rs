//! Accuracy: the fraction of rows whose label is right.

use super::{Metric, classes};
use crate::spec::{Submission, Task};

/// Fraction of labels right.
pub struct Accuracy;

impl Metric for Accuracy {
    fn name(&self) -> &'static str {
        "accuracy"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["classification_accuracy"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &["accuracy"]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Binary, Task::Multiclass]
    }
    fn submission(&self) -> Submission {
        Submission::Labels
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let n = classes::rows(y);
        let right = (0..n)
            .filter(|&i| classes::predicted_class(p, i) == classes::true_class(y, i))
            .count();
        right as f64 / n.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(Accuracy.score(&y, &p), 0.8);
        let (y, p) = multiclass();
        close(Accuracy.score(&y, &p), 0.75);
    }
}
