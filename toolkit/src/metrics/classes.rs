//! Classes in the model's space: which class a row predicts and holds, and the confusion matrix
//! the label metrics (F1, MCC, kappa, balanced accuracy) are computed from.

#[cfg(test)]
use crate::spec::Task;

/// The class index each row predicts: P > 0.5 for one output, argmax for several (ties to the first).
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

/// How many classes the outputs stand for: two for one output.
pub fn count(y: &[Vec<f64>]) -> usize {
    if y.len() == 1 { 2 } else { y.len() }
}

/// Rows.
pub fn rows(y: &[Vec<f64>]) -> usize {
    y.first().map_or(0, Vec::len)
}

/// `m[true][predicted]`: how many rows hold each pair of classes.
pub fn confusion(y: &[Vec<f64>], p: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = count(y);
    let mut m = vec![vec![0.0; k]; k];
    for i in 0..rows(y) {
        m[true_class(y, i)][predicted_class(p, i)] += 1.0;
    }
    m
}

/// Per class: (true positives, false positives, false negatives).
pub fn per_class(m: &[Vec<f64>]) -> Vec<(f64, f64, f64)> {
    (0..m.len())
        .map(|c| {
            let tp = m[c][c];
            let predicted: f64 = m.iter().map(|r| r[c]).sum();
            let actual: f64 = m[c].iter().sum();
            (tp, predicted - tp, actual - tp)
        })
        .collect()
}

/// One vector per output.
#[cfg(test)]
type Outputs = Vec<Vec<f64>>;

/// Targets with predictions that are right and predictions that are wrong, for a task: what the
/// registry test uses to check each metric's direction.
#[cfg(test)]
pub fn fixture(task: Task) -> (Outputs, Outputs, Outputs) {
    match task {
        Task::Binary => {
            let y = vec![vec![0., 1., 1., 0., 1., 0.]];
            let bad = vec![vec![0.7, 0.4, 0.2, 0.6, 0.45, 0.8]];
            (
                y.clone(),
                y.iter()
                    .map(|v| v.iter().map(|x| 0.1 + 0.8 * x).collect())
                    .collect(),
                bad,
            )
        }
        Task::Multiclass => {
            let y = vec![
                vec![1., 0., 0., 1., 0., 0.],
                vec![0., 1., 0., 0., 1., 0.],
                vec![0., 0., 1., 0., 0., 1.],
            ];
            let good = y
                .iter()
                .map(|v| v.iter().map(|x| 0.1 + 0.8 * x).collect())
                .collect();
            let bad = [y[1].clone(), y[2].clone(), y[0].clone()];
            let soft = |v: &Vec<f64>| v.iter().map(|x| 0.1 + 0.8 * x).collect();
            (y, good, bad.iter().map(soft).collect())
        }
        Task::Regression => {
            let y = vec![vec![1.0, 2.0, 3.0, 4.0, 5.0]];
            (y.clone(), y.clone(), vec![vec![5.0, 1.0, 4.0, 2.0, 3.0]])
        }
        Task::MultiLabel => {
            let y = vec![vec![0., 1., 1., 0.], vec![1., 0., 1., 0.]];
            let good = y
                .iter()
                .map(|v| v.iter().map(|x| 0.1 + 0.8 * x).collect())
                .collect();
            let bad = y
                .iter()
                .map(|v| v.iter().map(|x| 0.9 - 0.8 * x).collect())
                .collect();
            (y, good, bad)
        }
    }
}

/// The shared fixtures of the metrics' exact-value tests; their expected values were computed with
/// scikit-learn 1.9.1 on the same arrays (`bench/metric_references.py` prints them).
#[cfg(test)]
pub mod fixtures {
    /// Binary: y = [1,0,1,1,0,0,1,0,1,0] and P(1) per row.
    pub fn binary() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        (
            vec![vec![1., 0., 1., 1., 0., 0., 1., 0., 1., 0.]],
            vec![vec![0.9, 0.2, 0.4, 0.7, 0.6, 0.1, 0.8, 0.3, 0.55, 0.45]],
        )
    }
    /// Three classes: y = [0,1,2,2,1,0,2,1], one probability row each (columns per class).
    pub fn multiclass() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        columns(
            &[0, 1, 2, 2, 1, 0, 2, 1],
            &[
                [0.7, 0.2, 0.1],
                [0.2, 0.5, 0.3],
                [0.1, 0.3, 0.6],
                [0.25, 0.4, 0.35],
                [0.5, 0.3, 0.2],
                [0.6, 0.1, 0.3],
                [0.2, 0.2, 0.6],
                [0.1, 0.8, 0.1],
            ],
        )
    }
    /// Class labels and one probability row per label as the metrics read them: one-hot targets
    /// and probabilities, a column per class.
    pub fn columns<const K: usize>(
        labels: &[usize],
        rows: &[[f64; K]],
    ) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        (
            (0..K)
                .map(|k| {
                    labels
                        .iter()
                        .map(|&c| f64::from(u8::from(c == k)))
                        .collect()
                })
                .collect(),
            (0..K)
                .map(|k| rows.iter().map(|r| r[k]).collect())
                .collect(),
        )
    }
    /// Regression: y and predictions.
    pub fn regression() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        (
            vec![vec![3.0, 0.5, 2.0, 7.0, 4.2, 1.0]],
            vec![vec![2.5, 0.7, 2.1, 7.8, 3.9, 1.6]],
        )
    }
    /// `a` equals `b` to the last few bits.
    pub fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }
}
