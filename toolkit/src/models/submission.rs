//! Writes predictions exactly in the sample submission's format: same columns, same id order, labels
//! spelled as the sample (or train) spells them.

use std::collections::HashMap;

use super::metrics::predicted_class;
use super::problem::Problem;
use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::spec::{Submission, Task};

/// The submission frame for test predictions `pred` (one vector per output, test's row order).
pub fn build(ds: &Dataset, p: &Problem, pred: &[Vec<f64>]) -> Result<DataFrame> {
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
    let mut out = frame::select(&ds.sample, std::slice::from_ref(&spec.id))?;
    let sample_cols = frame::names(&ds.sample);
    match (spec.submission, spec.task) {
        (Submission::Labels, _) => {
            let t = &spec.targets[0];
            let spelled = spelling(ds, t, &p.classes)?;
            let labels: Vec<Option<String>> = order
                .iter()
                .map(|&i| Some(spelled[predicted_class(pred, i)].clone()))
                .collect();
            frame::put_str(&mut out, t, labels)?;
            // Integer labels go back as integers, as in train.
            if frame::is_integer(&ds.train, t)? {
                frame::cast(&mut out, t, frame::CastTo::Int)?;
            }
        }
        (Submission::Probabilities, Task::Binary)
        | (Submission::Probabilities, Task::MultiLabel) => {
            for (k, t) in spec.targets.iter().enumerate() {
                frame::put_f64(
                    &mut out,
                    t,
                    order.iter().map(|&i| Some(pred[k][i])).collect(),
                )?;
            }
        }
        (Submission::Probabilities, _) => {
            // One probability column per class, named as the sample names them.
            for (k, class) in p.classes.iter().enumerate() {
                let name = sample_cols
                    .iter()
                    .find(|c| *c == class)
                    .cloned()
                    .unwrap_or_else(|| class.clone());
                frame::put_f64(
                    &mut out,
                    &name,
                    order.iter().map(|&i| Some(pred[k][i])).collect(),
                )?;
            }
        }
        (Submission::Values, _) => {
            let t = &spec.targets[0];
            let v = order
                .iter()
                .map(|&i| {
                    Some(if p.log_target {
                        pred[0][i].exp_m1()
                    } else {
                        pred[0][i]
                    })
                })
                .collect();
            frame::put_f64(&mut out, t, v)?;
        }
    }
    // Same columns, same order as the sample.
    let cols: Vec<String> = sample_cols
        .iter()
        .filter(|c| frame::has(&out, c))
        .cloned()
        .collect();
    frame::select(&out, &cols)
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
