//! Writes predictions exactly in the sample submission's format: same columns, same id order, labels
//! spelled as the sample (or train) spells them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::metrics::predicted_class;
use super::problem::Problem;
use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::spec::{Submission, Task};

/// What a submission looks like, learned from the sample submission and train: enough to write
/// one for any rows, so a saved model writes the format its run wrote.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Format {
    /// The id column.
    pub id: String,
    /// The sample's columns, in order.
    pub columns: Vec<String>,
    /// Labels, probabilities or values.
    pub submission: Submission,
    /// The task.
    pub task: Task,
    /// The target columns.
    pub targets: Vec<String>,
    /// Class labels spelled as the submission spells them (labels), or the column of each class
    /// (multiclass probabilities), in `Problem::classes` order.
    pub classes: Vec<String>,
    /// Whether labels are written as integers (as train holds them).
    pub integer_labels: bool,
    /// Whether predictions are log1p of the value (RMSE of logs).
    pub log_target: bool,
}

impl Format {
    /// The format of `ds`'s sample submission for the problem's outputs.
    pub fn of(ds: &Dataset, p: &Problem) -> Result<Self> {
        let spec = &ds.spec;
        let columns = frame::names(&ds.sample);
        let (classes, integer_labels) = match (spec.submission, spec.task) {
            (Submission::Labels, _) => {
                let t = &spec.targets[0];
                (
                    spelling(ds, t, &p.classes)?,
                    frame::is_integer(&ds.train, t)?,
                )
            }
            (Submission::Probabilities, Task::Multiclass) => (
                p.classes
                    .iter()
                    .map(|class| {
                        columns
                            .iter()
                            .find(|c| *c == class)
                            .cloned()
                            .unwrap_or_else(|| class.clone())
                    })
                    .collect(),
                false,
            ),
            _ => (vec![], false),
        };
        Ok(Self {
            id: spec.id.clone(),
            columns,
            submission: spec.submission,
            task: spec.task,
            targets: spec.targets.clone(),
            classes,
            integer_labels,
            log_target: p.log_target,
        })
    }

    /// The submission for predictions `pred` (one vector per output): row `r` of the result is
    /// prediction row `order[r]`, and `ids` holds the id column in result order.
    pub fn write(&self, ids: DataFrame, pred: &[Vec<f64>], order: &[usize]) -> Result<DataFrame> {
        let mut out = ids;
        match (self.submission, self.task) {
            (Submission::Labels, _) => {
                let t = &self.targets[0];
                let labels: Vec<Option<String>> = order
                    .iter()
                    .map(|&i| Some(self.classes[predicted_class(pred, i)].clone()))
                    .collect();
                frame::put_str(&mut out, t, labels)?;
                // Integer labels go back as integers, as in train.
                if self.integer_labels {
                    frame::cast(&mut out, t, frame::CastTo::Int)?;
                }
            }
            (Submission::Probabilities, Task::Binary)
            | (Submission::Probabilities, Task::MultiLabel) => {
                for (k, t) in self.targets.iter().enumerate() {
                    let v = order.iter().map(|&i| Some(pred[k][i])).collect();
                    frame::put_f64(&mut out, t, v)?;
                }
            }
            (Submission::Probabilities, _) => {
                // One probability column per class, named as the sample names them.
                for (k, name) in self.classes.iter().enumerate() {
                    let v = order.iter().map(|&i| Some(pred[k][i])).collect();
                    frame::put_f64(&mut out, name, v)?;
                }
            }
            (Submission::Values, _) => {
                let v = order
                    .iter()
                    .map(|&i| {
                        let x = pred[0][i];
                        Some(if self.log_target { x.exp_m1() } else { x })
                    })
                    .collect();
                frame::put_f64(&mut out, &self.targets[0], v)?;
            }
        }
        // Same columns, same order as the sample.
        let cols: Vec<String> = self
            .columns
            .iter()
            .filter(|c| frame::has(&out, c))
            .cloned()
            .collect();
        frame::select(&out, &cols)
    }
}

/// The submission frame for test predictions `pred` (one vector per output, test's row order), in
/// the sample's id order.
pub fn build(ds: &Dataset, format: &Format, pred: &[Vec<f64>]) -> Result<DataFrame> {
    let spec = &ds.spec;
    let test_ids = frame::strs(&ds.test, &spec.id)?;
    let pos: HashMap<&str, usize> = test_ids
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.as_deref()?, i)))
        .collect();
    let sample_ids = frame::strs(&ds.sample, &spec.id)?;
    let order: Vec<usize> = sample_ids
        .iter()
        .map(|s| {
            s.as_deref()
                .and_then(|s| pos.get(s).copied())
                .ok_or_else(|| {
                    ToolkitError::data(format!(
                        "sample submission id {} is not in test",
                        s.as_deref().unwrap_or("(missing)")
                    ))
                })
        })
        .collect::<Result<_>>()?;
    let ids = frame::select(&ds.sample, std::slice::from_ref(&spec.id))?;
    format.write(ids, pred, &order)
}

/// Each class label as the sample submission spells it when it uses the same vocabulary up to case
/// (e.g. `False` where Polars reads a boolean as `false`), else as train spells it.
fn spelling(ds: &Dataset, target: &str, classes: &[String]) -> Result<Vec<String>> {
    let mut by_lower: HashMap<String, String> = HashMap::new();
    if frame::has(&ds.sample, target) {
        for s in frame::strs(&ds.sample, target)?.into_iter().flatten() {
            by_lower.entry(s.to_lowercase()).or_insert(s);
        }
    }
    // A label the sample never shows follows the sample's capitalisation (Kaggle's `True`/`False`
    // where Polars reads booleans as `true`/`false`).
    let capitalised = by_lower
        .values()
        .any(|s| s.chars().next().is_some_and(char::is_uppercase));
    Ok(classes
        .iter()
        .map(|c| {
            by_lower.get(&c.to_lowercase()).cloned().unwrap_or_else(|| {
                let mut ch = c.chars();
                match ch.next() {
                    Some(f) if capitalised && f.is_lowercase() => {
                        f.to_uppercase().chain(ch).collect()
                    }
                    _ => c.clone(),
                }
            })
        })
        .collect())
}
