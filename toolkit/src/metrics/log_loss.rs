//! Logarithmic loss, binary and multiclass, clipped and row-normalised as Kaggle scores it.

use super::{Metric, classes};
use crate::spec::{Submission, Task};

/// Kaggle's clip: probabilities are held inside [EPS, 1 - EPS] before the log.
pub const EPS: f64 = 1e-15;

/// Mean negative log-probability of the true class.
pub struct LogLoss;

impl Metric for LogLoss {
    fn name(&self) -> &'static str {
        "log_loss"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[
            "logloss",
            "multiclass_log_loss",
            "binary_log_loss",
            "cross_entropy",
        ]
    }
    fn phrases(&self) -> &'static [&'static str] {
        &[
            "log loss",
            "logloss",
            "log-loss",
            "logarithmic loss",
            "cross-entropy",
            "cross entropy",
        ]
    }
    fn higher_is_better(&self) -> bool {
        false
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Binary, Task::Multiclass, Task::MultiLabel]
    }
    fn submission(&self) -> Submission {
        Submission::Probabilities
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let n = classes::rows(y);
        let one = |truth: f64, q: f64| {
            let q = q.clamp(EPS, 1.0 - EPS);
            -(truth * q.ln() + (1.0 - truth) * (1.0 - q).ln())
        };
        let total: f64 = if y.len() == 1 {
            (0..n).map(|i| one(y[0][i], p[0][i])).sum()
        } else if is_one_hot(y) {
            (0..n)
                .map(|i| {
                    // Each row is clipped, then rescaled to sum to 1, as Kaggle's scorer does.
                    let clipped: Vec<f64> = p.iter().map(|c| c[i].clamp(EPS, 1.0 - EPS)).collect();
                    let sum: f64 = clipped.iter().sum();
                    -(clipped[classes::true_class(y, i)] / sum).ln()
                })
                .sum()
        } else {
            // Several binary targets: the mean of their binary losses.
            return y
                .iter()
                .zip(p)
                .map(|(t, q)| {
                    t.iter().zip(q).map(|(a, b)| one(*a, *b)).sum::<f64>() / n.max(1) as f64
                })
                .sum::<f64>()
                / y.len() as f64;
        };
        total / n.max(1) as f64
    }
}

/// Whether each row holds exactly one 1 (a class per row, not several labels).
fn is_one_hot(y: &[Vec<f64>]) -> bool {
    (0..classes::rows(y)).all(|i| y.iter().filter(|c| c[i] > 0.5).count() == 1)
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_scikit_learn() {
        let (y, p) = binary();
        close(LogLoss.score(&y, &p), 0.439_861_348_708_108_83);
        let (y, p) = multiclass();
        close(LogLoss.score(&y, &p), 0.632_404_684_491_934_2);
        // Rows that do not sum to 1 are rescaled; a 0 is clipped, not infinite.
        let y = vec![vec![1., 0.], vec![0., 1.]];
        close(
            LogLoss.score(&y, &[vec![2.0, 0.0], vec![2.0, 2.0]]),
            -(0.5f64).ln() / 2.0,
        );
        assert!(LogLoss.score(&y, &[vec![0.0, 0.0], vec![1.0, 1.0]]) > 30.0 / 2.0);
    }
}
