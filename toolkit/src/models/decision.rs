//! How probabilities become the labels a metric scores: a threshold, per-class weights or ordinal
//! cut points, tuned on out-of-fold predictions and applied to test as they were tuned. Argmax is
//! right for accuracy and wrong for MCC on a rare class or for kappa, which rewards a near miss.

use serde::{Deserialize, Serialize};

use crate::metrics::{Decide, MetricId};

/// The rule from probabilities to labels, in the model's space.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The most probable class (P > 0.5 for one output).
    #[default]
    Argmax,
    /// One output: class 1 when P is above this.
    Threshold(f64),
    /// Several outputs: the class whose weight times probability is largest.
    Weights(Vec<f64>),
    /// The expected class index (sum of k times P_k; P for one output), cut at these increasing
    /// points: class j when exactly j cuts lie below it.
    Cuts(Vec<f64>),
}

/// Rows tuning reads at most, evenly spaced: a rule of a few numbers needs no more, and this keeps
/// tuning a small part of the budget at a million rows.
const MAX_ROWS: usize = 20_000;

/// Rows ordinal cut points are tuned on at most, when the metric scores a confusion matrix (a
/// trial then costs a few binary searches, see [`ordinal`]): kappa moves with where a few rows fall
/// on either side of a cut: on one wvs_bribe split, cuts tuned on 20,000 of its 192,000
/// out-of-fold rows scored 0.316 on the holdout, on all of them 0.319 (level over three splits:
/// docs/bench.md).
const MAX_ROWS_ORDINAL: usize = 1_000_000;

/// Thresholds tried, at these quantiles of the predictions.
const QUANTILES: usize = 200;

/// Passes of coordinate search over weights and cut points.
const PASSES: usize = 3;

impl Decision {
    /// The rule `metric` asks for, tuned on predictions `p` of targets `y`; Argmax unless tuning
    /// scores better than it on these rows.
    pub fn tune(metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> Self {
        let decide = metric.fitting().decide;
        let rows = if decide == Decide::Ordinal && scores_counts(metric) {
            MAX_ROWS_ORDINAL
        } else {
            MAX_ROWS
        };
        let (y, p) = (spaced(y, rows), spaced(p, rows));
        let tuned = match (decide, p.len()) {
            (Decide::Argmax, _) => return Self::Argmax,
            (Decide::Threshold, 1) => threshold(metric, &y, &p),
            (Decide::Threshold, _) => weights(metric, &y, &p),
            (Decide::Ordinal, _) => cuts(metric, &y, &p),
        };
        let (a, t) = (metric.score(&y, &p), tuned.score(metric, &y, &p));
        if metric.better(t, a) {
            tuned
        } else {
            Self::Argmax
        }
    }

    /// The rule a candidate model is scored with, before any is tuned: argmax, or for an ordinal
    /// metric the expected class rounded to the nearest (cuts at the midpoints of `outputs`
    /// classes). Argmax gives kappa near 0 for every model on many ordered classes (the commonest
    /// wins nearly every row), which left the search comparing and pruning candidates on noise.
    pub fn untuned(metric: MetricId, outputs: usize) -> Self {
        match metric.fitting().decide {
            Decide::Ordinal if outputs > 1 => {
                Self::Cuts((0..outputs - 1).map(|j| j as f64 + 0.5).collect())
            }
            _ => Self::Argmax,
        }
    }

    /// `metric`'s score of predictions `p` of targets `y` decided by this rule.
    pub fn score(&self, metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        match self {
            Self::Argmax => metric.score(y, p),
            rule => metric.score(y, &rule.apply(p)),
        }
    }

    /// Predictions whose most probable class (P > 0.5 for one output) is the class this rule
    /// decides. A threshold is a monotone remap (ranks, and so AUC, are kept); weights rescale and
    /// renormalise; cuts give 0/1 indicators.
    pub fn apply(&self, p: &[Vec<f64>]) -> Vec<Vec<f64>> {
        match self {
            Self::Argmax => p.to_vec(),
            Self::Threshold(t) => {
                let t = t.clamp(1e-9, 1.0 - 1e-9);
                vec![
                    p[0].iter()
                        .map(|&v| {
                            if v <= t {
                                0.5 * v / t
                            } else {
                                0.5 + 0.5 * (v - t) / (1.0 - t)
                            }
                        })
                        .collect(),
                ]
            }
            Self::Weights(w) => {
                let mut out: Vec<Vec<f64>> = p
                    .iter()
                    .zip(w)
                    .map(|(c, w)| c.iter().map(|v| v * w).collect())
                    .collect();
                for i in 0..out.first().map_or(0, Vec::len) {
                    let s: f64 = out.iter().map(|c| c[i]).sum();
                    if s > 0.0 {
                        out.iter_mut().for_each(|c| c[i] /= s);
                    }
                }
                out
            }
            Self::Cuts(cuts) => {
                let level = |i: usize| cuts.iter().filter(|&&c| expected(p, i) > c).count();
                let rows = p.first().map_or(0, Vec::len);
                if p.len() == 1 {
                    return vec![
                        (0..rows)
                            .map(|i| f64::from(u8::from(level(i) > 0)))
                            .collect(),
                    ];
                }
                let levels: Vec<usize> = (0..rows).map(level).collect();
                (0..p.len())
                    .map(|k| {
                        levels
                            .iter()
                            .map(|&l| f64::from(u8::from(l == k)))
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// The rule in a few words, for the log and the report.
    pub fn describe(&self) -> String {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Self::Argmax => "the most probable class".into(),
            Self::Threshold(t) => format!("class 1 above P = {t:.3}"),
            Self::Weights(w) => format!("class weights [{}]", list(w)),
            Self::Cuts(c) => format!("ordinal cuts [{}] on the expected class", list(c)),
        }
    }
}

/// At most `most` evenly spaced rows of each column.
fn spaced(cols: &[Vec<f64>], most: usize) -> Vec<Vec<f64>> {
    let n = cols.first().map_or(0, Vec::len);
    if n <= most {
        return cols.to_vec();
    }
    cols.iter()
        .map(|c| (0..most).map(|j| c[j * n / most]).collect())
        .collect()
}

/// Row `i`'s expected class index.
fn expected(p: &[Vec<f64>], i: usize) -> f64 {
    if p.len() == 1 {
        p[0][i]
    } else {
        p.iter().enumerate().map(|(k, c)| k as f64 * c[i]).sum()
    }
}

/// The best of thresholds at the predictions' quantiles (the first best, so ties go low).
fn threshold(metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> Decision {
    let mut sorted = p[0].clone();
    sorted.sort_by(f64::total_cmp);
    let mut best = (0.5, metric.score(y, p));
    for q in 1..QUANTILES {
        let t = sorted[q * (sorted.len() - 1) / QUANTILES];
        let s = Decision::Threshold(t).score(metric, y, p);
        if metric.better(s, best.1) {
            best = (t, s);
        }
    }
    Decision::Threshold(best.0)
}

/// Per-class weights by coordinate search over a log-spaced grid, from all ones.
fn weights(metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> Decision {
    const GRID: [f64; 13] = [
        0.25, 0.35, 0.5, 0.6, 0.7, 0.85, 1.0, 1.2, 1.4, 1.7, 2.0, 2.8, 4.0,
    ];
    let w = coordinate_search(
        metric,
        vec![1.0; p.len()],
        |_, _| GRID.to_vec(),
        |w| Decision::Weights(w.to_vec()).score(metric, y, p),
    );
    Decision::Weights(w)
}

/// Ordinal cut points by coordinate search between their neighbours, from the midpoints.
fn cuts(metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> Decision {
    const STEPS: usize = 24;
    let levels = if p.len() == 1 { 2 } else { p.len() };
    let start: Vec<f64> = (0..levels - 1)
        .map(|j| if p.len() == 1 { 0.5 } else { j as f64 + 0.5 })
        .collect();
    let top = (levels - 1) as f64;
    let between = |c: &[f64], j: usize| {
        let lo = if j == 0 { 0.0 } else { c[j - 1] };
        let hi = if j + 1 == c.len() { top } else { c[j + 1] };
        (1..STEPS)
            .map(|s| lo + (hi - lo) * s as f64 / STEPS as f64)
            .collect()
    };
    // Sorted once only for a metric that scores counts; any other scores every row per trial.
    let ranked = scores_counts(metric).then(|| ordinal::Ranked::new(y, p));
    let c = coordinate_search(metric, start, between, |c| {
        ranked
            .as_ref()
            .and_then(|r| metric.score_confusion(&r.confusion(c)))
            .unwrap_or_else(|| Decision::Cuts(c.to_vec()).score(metric, y, p))
    });
    Decision::Cuts(c)
}

/// Whether `metric` scores label predictions from their confusion matrix alone (asked with a
/// one-cell matrix).
fn scores_counts(metric: MetricId) -> bool {
    metric.score_confusion(&[vec![1.0]]).is_some()
}

/// Coordinate search from `x`: each coordinate in turn tries its `candidates` (given the others'
/// current values) and keeps each one that raises the best score so far; at most [`PASSES`] passes,
/// stopping after a pass that gains nothing.
fn coordinate_search(
    metric: MetricId,
    mut x: Vec<f64>,
    candidates: impl Fn(&[f64], usize) -> Vec<f64>,
    score: impl Fn(&[f64]) -> f64,
) -> Vec<f64> {
    let mut best = score(&x);
    for _ in 0..PASSES {
        let before = best;
        for j in 0..x.len() {
            for v in candidates(&x, j) {
                let old = x[j];
                x[j] = v;
                let s = score(&x);
                if metric.better(s, best) {
                    best = s;
                } else {
                    x[j] = old;
                }
            }
        }
        if !metric.better(best, before) {
            break;
        }
    }
    x
}

mod ordinal;
#[cfg(test)]
mod tests;
