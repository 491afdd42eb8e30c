//! A modeling problem: the feature matrix of train and test, and the targets in the model's space
//! (0/1 indicators per class or label, or values; log1p values for RMSE of logs).

use std::collections::BTreeSet;

use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, Kind};
use crate::metrics::MetricId;
use crate::spec::Task;

/// Fewest train rows at which a problem is large: its boosters learn at
/// [`LARGE_RATE`](crate::models::search::LARGE_RATE) and grow until their held-out fold (or the
/// budget) stops them, and a fit's cost is forecast before the search. Below it, 300 or 600 trees
/// at 0.05 were chosen on the small and medium competitions; above it a cap of 300 trees ended
/// still-improving boosters ("300 of at most 300 trees" on a 640,000-row fit).
pub const LARGE_ROWS: usize = 100_000;

/// Most categories a code column ([`frame::is_codes`]) may have for boosters to split it by
/// category sets. Above it a set split has too many ways to fit noise (the engine has none of
/// LightGBM's per-category smoothing), and the column stays an ordered number.
pub const MAX_CATEGORIES: usize = 64;

/// Everything a model needs, converted once.
pub struct Problem {
    /// Feature names, in matrix column order.
    pub features: Vec<String>,
    /// Which features are unordered category codes that boosters split by category sets (at most
    /// [`MAX_CATEGORIES`] of them); empty when none are.
    pub categorical: Vec<bool>,
    /// Train matrix, column-major, NaN for missing.
    pub x_train: Vec<f64>,
    /// Train rows, the added ones included.
    pub rows: usize,
    /// How many of the last train rows were added from another file (`--extra-train`): every
    /// fold fits on them, none holds them out, and out-of-fold predictions cover only the first
    /// [`Self::scored`] rows.
    pub extra: usize,
    /// Test matrix, column-major.
    pub x_test: Vec<f64>,
    /// Test rows.
    pub test_rows: usize,
    /// Targets, one vector per output.
    pub y: Vec<Vec<f64>>,
    /// Class labels as train spells them (binary: [negative, positive]; multiclass: one per output).
    pub classes: Vec<String>,
    /// The task.
    pub task: Task,
    /// The metric.
    pub metric: MetricId,
    /// Whether outputs are log1p of the target (RMSE of logs).
    pub log_target: bool,
    /// Class index of each row for stratified folds (None for regression).
    pub strata: Option<Vec<i64>>,
}

/// The entries `rows` of each column.
pub fn take_rows(columns: &[Vec<f64>], rows: &[usize]) -> Vec<Vec<f64>> {
    columns
        .iter()
        .map(|c| rows.iter().map(|&i| c[i]).collect())
        .collect()
}

/// Sorts labels numerically when they all parse as numbers, else as text.
pub fn sort_labels(labels: &mut [String]) {
    if labels.iter().all(|l| l.parse::<f64>().is_ok()) {
        labels.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap_or(0.0)
                .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
        });
    } else {
        labels.sort();
    }
}

impl Problem {
    /// Train rows the folds hold out and score: the competition's own, not the added ones.
    pub fn scored(&self) -> usize {
        self.rows - self.extra
    }

    /// `f` of the scored rows' problem, what works on out-of-fold predictions (choosing the
    /// ensemble, the baseline, the charts) reads: this one when no rows were added (no copy of the
    /// targets, which at a million rows and many classes is large), else the scored rows' targets
    /// without the matrices ([`Self::scored_by`] this metric).
    pub fn with_scored<T>(&self, f: impl FnOnce(&Problem) -> T) -> T {
        if self.extra == 0 {
            f(self)
        } else {
            f(&self.scored_by(self.metric))
        }
    }

    /// The targets of `rows` only, without the matrices: what choosing an ensemble on part of the
    /// out-of-fold predictions needs.
    pub fn targets_of(&self, rows: &[usize]) -> Self {
        self.part(rows, self.metric)
    }

    /// The scored rows' targets without the matrices, scored by `metric`: what choosing an
    /// ensemble on another metric than the competition's needs.
    pub fn scored_by(&self, metric: MetricId) -> Self {
        self.part(&(0..self.scored()).collect::<Vec<_>>(), metric)
    }

    fn part(&self, rows: &[usize], metric: MetricId) -> Self {
        Self {
            features: self.features.clone(),
            categorical: self.categorical.clone(),
            x_train: vec![],
            rows: rows.len(),
            extra: 0,
            x_test: vec![],
            test_rows: 0,
            y: take_rows(&self.y, rows),
            classes: self.classes.clone(),
            task: self.task,
            metric,
            log_target: self.log_target,
            strata: self
                .strata
                .as_ref()
                .map(|s| rows.iter().map(|&i| s[i]).collect()),
        }
    }

    /// Builds the matrices; every feature must be numeric by now (the feature gates see to it).
    /// Added train rows must come last ([`Dataset::extra_last`]).
    pub fn from_dataset(ds: &Dataset) -> Result<Self> {
        let features = ds.features();
        if features.is_empty() {
            return Err(ToolkitError::data("no feature columns left to model with"));
        }
        for c in &features {
            if !matches!(frame::kind(&ds.train, c)?, Kind::Numeric | Kind::Bool) {
                return Err(ToolkitError::data(format!(
                    "feature `{c}` is not numeric; encode it before modeling"
                )));
            }
        }
        let spec = &ds.spec;
        let rows = ds.train.height();
        let extra = match &ds.extra {
            Some(e) => {
                let mask = e.mask(&ds.train, &spec.id)?;
                let n = mask.iter().filter(|m| **m).count();
                if mask[rows - n..].iter().any(|m| !m) {
                    return Err(ToolkitError::data(
                        "added train rows must come after train's own (Dataset::extra_last)",
                    ));
                }
                n
            }
            None => 0,
        };
        let mut classes = Vec::new();
        let mut log_target = false;
        let (y, strata) = match spec.task {
            Task::Binary | Task::Multiclass => {
                let (c, outputs, idx) = class_outputs(ds)?;
                classes = c;
                (outputs, Some(idx))
            }
            Task::MultiLabel => {
                let ys: Vec<Vec<f64>> = spec
                    .targets
                    .iter()
                    .map(|t| {
                        Ok(frame::f64s(&ds.train, t)?
                            .into_iter()
                            .map(|v| f64::from(u8::from(v.unwrap_or(0.0) > 0.5)))
                            .collect())
                    })
                    .collect::<Result<_>>()?;
                let strata = (0..rows)
                    .map(|i| ys.iter().position(|y| y[i] > 0.5).map_or(-1, |k| k as i64))
                    .collect();
                (ys, Some(strata))
            }
            Task::Regression => {
                let v = frame::f64s(&ds.train, &spec.targets[0])?;
                log_target = spec.metric.fitting().log_target;
                let y = v
                    .into_iter()
                    .map(|x| x.map_or(f64::NAN, |x| if log_target { x.ln_1p() } else { x }))
                    .collect();
                (vec![y], None)
            }
        };
        let x_train = frame::matrix_col_major(&ds.train, &features)?;
        let categorical = features
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let col = &x_train[j * rows..(j + 1) * rows];
                let top = col.iter().copied().fold(-1.0, f64::max);
                Ok(frame::is_codes(&ds.train, c)? && top < MAX_CATEGORIES as f64)
            })
            .collect::<Result<Vec<bool>>>()?;
        Ok(Self {
            x_train,
            categorical,
            x_test: frame::matrix_col_major(&ds.test, &features)?,
            rows,
            extra,
            test_rows: ds.test.height(),
            features,
            y,
            classes,
            task: spec.task,
            metric: spec.metric,
            log_target,
            strata,
        })
    }

    /// Whether the outputs are probabilities (classification and multi-label).
    pub fn is_classification(&self) -> bool {
        self.task != Task::Regression
    }

    /// The columns of a column-major matrix restricted to `rows`.
    pub fn subset(&self, x: &[f64], n: usize, rows: &[usize]) -> Vec<f64> {
        let mut out = Vec::with_capacity(rows.len() * self.features.len());
        for j in 0..self.features.len() {
            let col = &x[j * n..(j + 1) * n];
            out.extend(rows.iter().map(|&i| col[i]));
        }
        out
    }
}

/// What the models fit, one vector of rows per output.
type Outputs = Vec<Vec<f64>>;

/// The classes in order, the outputs to fit (one for two classes, one per class otherwise) and each
/// row's class index (-1 when missing), which the folds are stratified by.
fn class_outputs(ds: &Dataset) -> Result<(Vec<String>, Outputs, Vec<i64>)> {
    let labels = frame::strs(&ds.train, &ds.spec.targets[0])?;
    let set: BTreeSet<&String> = labels.iter().flatten().collect();
    let mut classes: Vec<String> = set.into_iter().cloned().collect();
    sort_labels(&mut classes);
    let idx: Vec<i64> = labels
        .iter()
        .map(|l| {
            l.as_ref()
                .and_then(|l| classes.iter().position(|c| c == l))
                .map_or(-1, |i| i as i64)
        })
        .collect();
    let outputs = if ds.spec.task == Task::Binary || classes.len() == 2 {
        vec![idx.iter().map(|&i| f64::from(u8::from(i == 1))).collect()]
    } else {
        (0..classes.len())
            .map(|k| {
                idx.iter()
                    .map(|&i| f64::from(u8::from(i == k as i64)))
                    .collect()
            })
            .collect()
    };
    Ok((classes, outputs, idx))
}

#[cfg(test)]
impl Problem {
    /// A problem of one target and no matrices, for tests of what works on out-of-fold predictions.
    pub(crate) fn of_targets(y: Vec<f64>, task: Task, metric: MetricId) -> Self {
        Self {
            features: vec![],
            categorical: vec![],
            x_train: vec![],
            rows: y.len(),
            extra: 0,
            x_test: vec![],
            test_rows: 0,
            y: vec![y],
            classes: vec![],
            task,
            metric,
            log_target: false,
            strata: None,
        }
    }
}
