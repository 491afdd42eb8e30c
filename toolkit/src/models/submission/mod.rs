//! Writes predictions exactly in the sample submission's format, and reads a submission back into
//! the model's space. Each kind of submission is one codec ([`CODECS`]): the writer and the reader
//! of a format live in one file, so what a run writes is what the bench scores.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::problem::sort_labels;
use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::spec::{CompetitionSpec, Submission, Task};

mod labels;
mod probabilities;
mod values;

/// One kind of submission: how predictions become the sample's cells, and back.
pub trait Codec: Sync {
    /// The kind it writes.
    fn kind(&self) -> Submission;
    /// Puts the columns for predictions `pred` (model space) into `out`; row `r` is `order[r]`.
    fn write(
        &self,
        f: &Format,
        out: &mut DataFrame,
        pred: &[Vec<f64>],
        order: &[usize],
    ) -> Result<()>;
    /// The model-space predictions a submission holds (ranked labels as decreasing scores).
    fn read(&self, f: &Format, sub: &DataFrame) -> Result<Vec<Vec<f64>>>;
}

/// Every submission kind's codec. One line per kind.
pub const CODECS: &[&dyn Codec] = &[
    &labels::Labels,
    &labels::RankedLabels,
    &probabilities::Probabilities,
    &values::Values,
];

/// What a submission looks like, learned from the sample submission and train: enough to write
/// one for any rows, so a saved model writes the format its run wrote.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Format {
    /// The id column.
    pub id: String,
    /// The sample's columns, in order.
    pub columns: Vec<String>,
    /// Labels, probabilities, ranked labels or values.
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
    /// Class labels as train spells them, in `Problem::classes` order (classification).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Labels per row for ranked labels (MAP@k).
    #[serde(default = "one")]
    pub top_k: usize,
}

fn one() -> usize {
    1
}

/// Class labels as train spells them, sorted as the problem sorts them (numbers numerically).
pub fn classes_of(train: &DataFrame, target: &str) -> Result<Vec<String>> {
    let mut classes: Vec<String> = frame::strs(train, target)?.into_iter().flatten().collect();
    sort_labels(&mut classes);
    classes.dedup();
    Ok(classes)
}

impl Format {
    /// The format of `ds`'s sample submission.
    ///
    /// # Errors
    /// When the sample's columns cannot hold the metric's predictions (a probability column for
    /// each class, named by the class or by a prefix and the class).
    pub fn of(ds: &Dataset) -> Result<Self> {
        Self::from_parts(&ds.spec, &ds.train, &ds.sample)
    }

    /// The format for a spec, train (for the classes) and the sample submission.
    pub fn from_parts(
        spec: &CompetitionSpec,
        train: &DataFrame,
        sample: &DataFrame,
    ) -> Result<Self> {
        let columns = frame::names(sample);
        let t = &spec.targets[0];
        let labels = if matches!(spec.task, Task::Binary | Task::Multiclass) {
            classes_of(train, t)?
        } else {
            vec![]
        };
        let labelled = matches!(
            spec.submission,
            Submission::Labels | Submission::RankedLabels
        );
        let (classes, integer_labels) = if labelled {
            (spelling(sample, t, &labels)?, frame::is_integer(train, t)?)
        } else if spec.submission == Submission::Probabilities && spec.task == Task::Multiclass {
            (class_columns(spec, &columns, &labels)?, false)
        } else {
            (vec![], false)
        };
        Ok(Self {
            id: spec.id.clone(),
            columns,
            submission: spec.submission,
            task: spec.task,
            targets: spec.targets.clone(),
            classes,
            integer_labels,
            labels,
            log_target: spec.metric.fitting().log_target,
            top_k: spec.metric.get().top_k(),
        })
    }

    /// This format's codec.
    pub fn codec(&self) -> &'static dyn Codec {
        *CODECS
            .iter()
            .find(|c| c.kind() == self.submission)
            .expect("every submission kind has a codec (registry test)")
    }

    /// The submission for predictions `pred` (one vector per output): row `r` of the result is
    /// prediction row `order[r]`, and `ids` holds the id column in result order.
    pub fn write(&self, ids: DataFrame, pred: &[Vec<f64>], order: &[usize]) -> Result<DataFrame> {
        let mut out = ids;
        self.codec().write(self, &mut out, pred, order)?;
        // Same columns, same order as the sample.
        let cols: Vec<String> = self
            .columns
            .iter()
            .filter(|c| frame::has(&out, c))
            .cloned()
            .collect();
        frame::select(&out, &cols)
    }

    /// The model-space predictions a submission in this format holds.
    pub fn read(&self, sub: &DataFrame) -> Result<Vec<Vec<f64>>> {
        self.codec().read(self, sub)
    }

    /// The model-space targets of labelled rows (train's columns): indicators per class or
    /// label, or values (log1p when the metric fits logs).
    pub fn truth(&self, rows: &DataFrame) -> Result<Vec<Vec<f64>>> {
        let t = &self.targets[0];
        match self.task {
            Task::Binary | Task::Multiclass => {
                let labels = frame::strs(rows, t)?;
                let lower: Vec<String> = self.labels.iter().map(|c| c.to_lowercase()).collect();
                Ok(one_hot(
                    labels
                        .iter()
                        .map(|l| l.as_deref().unwrap_or("").to_lowercase()),
                    &lower,
                ))
            }
            Task::MultiLabel => self
                .targets
                .iter()
                .map(|t| {
                    Ok(frame::strs(rows, t)?
                        .iter()
                        .map(|v| {
                            let v = v.as_deref().unwrap_or("").to_lowercase();
                            f64::from(u8::from(
                                v == "true" || v.parse::<f64>().is_ok_and(|x| x > 0.5),
                            ))
                        })
                        .collect())
                })
                .collect(),
            Task::Regression => self
                .targets
                .iter()
                .map(|t| {
                    Ok(frame::f64s(rows, t)?
                        .into_iter()
                        .map(|v| {
                            let x = v.unwrap_or(f64::NAN);
                            if self.log_target { x.ln_1p() } else { x }
                        })
                        .collect())
                })
                .collect(),
        }
    }
}

/// Labels as model outputs: one 0/1 vector (the second class) for two classes, else one per class.
pub(crate) fn one_hot(labels: impl Iterator<Item = String>, classes: &[String]) -> Vec<Vec<f64>> {
    let idx: Vec<Option<usize>> = labels
        .map(|l| classes.iter().position(|c| *c == l))
        .collect();
    let is = |k: usize| -> Vec<f64> {
        idx.iter()
            .map(|&i| f64::from(u8::from(i == Some(k))))
            .collect()
    };
    if classes.len() <= 2 {
        vec![is(1)]
    } else {
        (0..classes.len()).map(is).collect()
    }
}

/// The sample's column for each class: the class's own name, or one prefix (`Status_`) and the
/// class, matched without regard to case.
fn class_columns(
    spec: &CompetitionSpec,
    columns: &[String],
    classes: &[String],
) -> Result<Vec<String>> {
    let others: Vec<&String> = columns.iter().filter(|c| **c != spec.id).collect();
    let find = |prefix: &str| -> Option<Vec<String>> {
        classes
            .iter()
            .map(|k| {
                let want = format!("{prefix}{k}").to_lowercase();
                others
                    .iter()
                    .find(|c| c.to_lowercase() == want)
                    .map(|c| (*c).clone())
            })
            .collect()
    };
    if let Some(found) = find("") {
        return Ok(found);
    }
    let first = classes
        .first()
        .map(|c| c.to_lowercase())
        .unwrap_or_default();
    for c in &others {
        let lower = c.to_lowercase();
        if let Some(prefix) = lower.strip_suffix(&first)
            && let Some(found) = find(&c[..prefix.len()])
        {
            return Ok(found);
        }
    }
    Err(ToolkitError::data(format!(
        "the sample submission's columns ({}) do not name train's classes ({}): one probability column per class is needed, named by the class or by one prefix and the class",
        others
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        classes.join(", ")
    )))
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
fn spelling(sample: &DataFrame, target: &str, classes: &[String]) -> Result<Vec<String>> {
    let mut by_lower: HashMap<String, String> = HashMap::new();
    if frame::has(sample, target) {
        // Ranked samples hold several labels a cell.
        for s in frame::strs(sample, target)?.into_iter().flatten() {
            for w in s.split_whitespace() {
                by_lower
                    .entry(w.to_lowercase())
                    .or_insert_with(|| w.to_string());
            }
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

#[cfg(test)]
mod tests;
