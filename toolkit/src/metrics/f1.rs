//! F1: of the positive class (binary), or over the classes, macro- or micro-averaged.

use super::{Decide, Fitting, Metric, classes};
use crate::spec::{Submission, Task};

/// F1 from counts; 0 when nothing is right.
fn f1_of(tp: f64, fp: f64, fneg: f64) -> f64 {
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (2.0 * tp + fp + fneg)
    }
}

/// F1 of the positive (second) class.
pub struct F1;

impl Metric for F1 {
    fn name(&self) -> &'static str {
        "f1"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["f1_score", "f1_binary"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "f1",
            "f1-score",
            "f1 score",
            "f-score",
            "f score",
            "f-measure",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Binary]
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
        let (tp, fp, fneg) = classes::per_class(&m)[1];
        f1_of(tp, fp, fneg)
    }
}

/// F1 of each class, averaged with equal weight.
pub struct F1Macro;

impl Metric for F1Macro {
    fn name(&self) -> &'static str {
        "f1_macro"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["macro_f1"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "macro f1",
            "macro-f1",
            "macro-averaged f1",
            "macro averaged f1",
            "f1 macro",
            "f1-macro",
            "macro f1-score",
            "f1+macro",
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
        let per = classes::per_class(&m);
        // As scikit-learn: a class neither present nor predicted is left out of the mean.
        let f: Vec<f64> = per
            .into_iter()
            .filter(|(tp, fp, fneg)| tp + fp + fneg > 0.0)
            .map(|(tp, fp, fneg)| f1_of(tp, fp, fneg))
            .collect();
        f.iter().sum::<f64>() / f.len().max(1) as f64
    }
}

/// F1 of all rows' decisions pooled: for one label per row, accuracy.
pub struct F1Micro;

impl Metric for F1Micro {
    fn name(&self) -> &'static str {
        "f1_micro"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["micro_f1"]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "micro f1",
            "micro-f1",
            "micro-averaged f1",
            "micro averaged f1",
            "f1 micro",
            "f1-micro",
            "micro f1-score",
            "f1+micro",
        ]
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Multiclass]
    }
    fn submission(&self) -> Submission {
        Submission::Labels
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let m = classes::confusion(y, p);
        let (tp, fp, fneg) = classes::per_class(&m)
            .into_iter()
            .fold((0.0, 0.0, 0.0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
        f1_of(tp, fp, fneg)
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(F1.score(&y, &p), 0.8);
        close(F1Macro.score(&y, &p), 0.8);
        let (y, p) = multiclass();
        close(F1Macro.score(&y, &p), 0.755_555_555_555_555_5);
        close(F1Micro.score(&y, &p), 0.75);
    }
}
