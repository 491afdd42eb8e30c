//! Balanced accuracy: the mean recall over the classes, so a rare class counts as much as a common one.

use super::{Decide, Fitting, Metric, classes};
use crate::spec::{Submission, Task};

/// Mean per-class recall.
pub struct BalancedAccuracy;

impl Metric for BalancedAccuracy {
    fn name(&self) -> &'static str {
        "balanced_accuracy"
    }
    fn phrases(&self) -> &'static [&'static str] {
        &["balanced accuracy", "balanced_accuracy"]
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
        // As scikit-learn: classes absent from the truth are left out of the mean.
        let recalls: Vec<f64> = classes::per_class(&m)
            .into_iter()
            .filter(|(tp, _, fneg)| tp + fneg > 0.0)
            .map(|(tp, _, fneg)| tp / (tp + fneg))
            .collect();
        recalls.iter().sum::<f64>() / recalls.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(BalancedAccuracy.score(&y, &p), 0.8);
        let (y, p) = multiclass();
        close(BalancedAccuracy.score(&y, &p), 0.777_777_777_777_777_7);
    }
}
