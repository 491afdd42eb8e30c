//! Metrics, each knowing its direction; scores computed on prediction matrices (one vector per output).

use crate::spec::Metric;

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

/// Root mean squared error.
pub fn rmse(y: &[f64], p: &[f64]) -> f64 {
    (y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len().max(1) as f64).sqrt()
}

/// The class index each row predicts: P > 0.5 for one output, argmax for several.
pub fn predicted_class(p: &[Vec<f64>], row: usize) -> usize {
    if p.len() == 1 {
        usize::from(p[0][row] > 0.5)
    } else {
        (0..p.len())
            .max_by(|&a, &b| p[a][row].total_cmp(&p[b][row]).then(b.cmp(&a)))
            .unwrap_or(0)
    }
}

/// The true class index of each row from one-hot (or single 0/1) outputs.
pub fn true_class(y: &[Vec<f64>], row: usize) -> usize {
    if y.len() == 1 {
        usize::from(y[0][row] > 0.5)
    } else {
        (0..y.len()).find(|&k| y[k][row] > 0.5).unwrap_or(0)
    }
}

/// Scores predictions `p` against targets `y` (both one vector per output, in the model's space: 0/1
/// indicators and probabilities for classification, log1p values for RMSE of logs).
pub fn score(metric: Metric, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
    let n = y[0].len();
    match metric {
        Metric::Accuracy => {
            (0..n)
                .filter(|&i| predicted_class(p, i) == true_class(y, i))
                .count() as f64
                / n.max(1) as f64
        }
        Metric::RocAuc => roc_auc(&y[0], &p[0]),
        Metric::MeanColumnwiseRocAuc => {
            y.iter().zip(p).map(|(a, b)| roc_auc(a, b)).sum::<f64>() / y.len() as f64
        }
        Metric::LogLoss => {
            let eps = 1e-15;
            let total: f64 = (0..n)
                .map(|i| {
                    if y.len() == 1 {
                        let q = p[0][i].clamp(eps, 1.0 - eps);
                        if y[0][i] > 0.5 {
                            -q.ln()
                        } else {
                            -(1.0 - q).ln()
                        }
                    } else {
                        -p[true_class(y, i)][i].clamp(eps, 1.0).ln()
                    }
                })
                .sum();
            total / n.max(1) as f64
        }
        Metric::F1 => {
            let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
            for i in 0..n {
                match (predicted_class(p, i) == 1, true_class(y, i) == 1) {
                    (true, true) => tp += 1.0,
                    (true, false) => fp += 1.0,
                    (false, true) => fneg += 1.0,
                    _ => {}
                }
            }
            if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (2.0 * tp + fp + fneg)
            }
        }
        Metric::Rmse | Metric::RmseOfLogs => rmse(&y[0], &p[0]),
        Metric::Mae => {
            y[0].iter()
                .zip(&p[0])
                .map(|(a, b)| (a - b).abs())
                .sum::<f64>()
                / n.max(1) as f64
        }
        Metric::R2 => {
            let m = y[0].iter().sum::<f64>() / n.max(1) as f64;
            let ss_tot: f64 = y[0].iter().map(|a| (a - m).powi(2)).sum();
            let ss_res: f64 = y[0].iter().zip(&p[0]).map(|(a, b)| (a - b).powi(2)).sum();
            if ss_tot == 0.0 {
                0.0
            } else {
                1.0 - ss_res / ss_tot
            }
        }
    }
}

/// Whether score `a` is better than `b` under `metric`.
pub fn better(metric: Metric, a: f64, b: f64) -> bool {
    if metric.higher_is_better() {
        a > b
    } else {
        a < b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(roc_auc(&[0., 0., 1., 1.], &[0.1, 0.4, 0.35, 0.8]), 0.75);
        assert_eq!(roc_auc(&[0., 1.], &[0.5, 0.5]), 0.5);
        let y = vec![vec![1., 0., 1., 1.]];
        let p = vec![vec![0.9, 0.2, 0.4, 0.7]];
        assert_eq!(score(Metric::Accuracy, &y, &p), 0.75);
        assert_eq!(score(Metric::F1, &y, &p), 0.8);
        assert!(
            (score(Metric::LogLoss, &y, &p)
                - (-(0.9f64.ln() + 0.8f64.ln() + 0.4f64.ln() + 0.7f64.ln()) / 4.0))
                .abs()
                < 1e-12
        );
        assert_eq!(
            score(Metric::Rmse, &[vec![1., 2.]], &[vec![1., 4.]]),
            2f64.sqrt()
        );
        assert_eq!(score(Metric::Mae, &[vec![1., 2.]], &[vec![1., 4.]]), 1.0);
        assert_eq!(score(Metric::R2, &[vec![1., 3.]], &[vec![1., 3.]]), 1.0);
        let y3 = vec![vec![1., 0., 0.], vec![0., 1., 0.], vec![0., 0., 1.]];
        let p3 = vec![
            vec![0.6, 0.3, 0.3],
            vec![0.3, 0.2, 0.3],
            vec![0.1, 0.5, 0.4],
        ];
        assert!((score(Metric::Accuracy, &y3, &p3) - 2.0 / 3.0).abs() < 1e-12);
        assert!(better(Metric::Rmse, 0.1, 0.2) && better(Metric::Accuracy, 0.9, 0.8));
    }
}
