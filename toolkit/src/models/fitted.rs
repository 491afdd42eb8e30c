//! Fitted models as data: one model per output, and the blend of them that made a run's
//! submission. The run predicts test through [`Ensemble::predict`] and so does a saved model, so
//! the two agree to the bit.

use serde::{Deserialize, Serialize};

use super::decision::Decision;
pub use super::family::FittedModel;
use crate::error::{Result, ToolkitError};
use crate::metrics::MetricId;
use crate::spec::Task;

/// Every output's predictions: each model's outputs in order (a softmax booster gives all the
/// classes at once); one-vs-rest probabilities are made to sum to 1 per row.
pub fn predict_outputs(
    models: &[FittedModel],
    task: Task,
    x: &[f64],
    rows: usize,
) -> Result<Vec<Vec<f64>>> {
    let mut out = Vec::new();
    for m in models {
        out.extend(m.predict(x, rows)?);
    }
    if task == Task::Multiclass && models.len() > 2 {
        normalise_rows(&mut out);
    }
    Ok(out)
}

/// Makes one-vs-rest probabilities sum to 1 per row.
fn normalise_rows(p: &mut [Vec<f64>]) {
    for i in 0..p[0].len() {
        let s: f64 = p.iter().map(|c| c[i]).sum();
        if s > 0.0 {
            p.iter_mut().for_each(|c| c[i] /= s);
        }
    }
}

/// One model of the blend, refitted on all of train.
#[derive(Serialize, Deserialize)]
pub struct Member {
    /// The candidate's name (`gbm_d4_lr0.093`).
    pub name: String,
    /// Its weight: a greedy blend's (the weights sum to 1) or a stack meta-model's.
    pub weight: f64,
    /// One fitted model per output.
    pub outputs: Vec<FittedModel>,
}

/// The blend a run chose, with what predicting needs to know about its outputs.
#[derive(Serialize, Deserialize)]
pub struct Ensemble {
    /// Feature names in matrix column order.
    pub features: Vec<String>,
    /// The task.
    pub task: Task,
    /// The metric the blend was chosen for.
    pub metric: MetricId,
    /// Whether outputs are log1p of the target.
    pub log_target: bool,
    /// Class labels as train spells them (see `Problem::classes`).
    pub classes: Vec<String>,
    /// Members with a weight other than 0, in the order they were tried.
    pub members: Vec<Member>,
    /// The stack's head when the members are stacked; None for a greedy blend (a model saved
    /// before stacking reads as one).
    #[serde(default)]
    pub head: Option<Head>,
    /// How the blend's probabilities become labels, tuned out of fold (Argmax for a model saved
    /// before rules were tuned).
    #[serde(default)]
    pub decision: Decision,
}

impl Ensemble {
    /// The blended predictions (one vector per output, in the model's space, after the decision
    /// rule) for a column-major matrix of `rows` rows whose columns are [`Self::features`].
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        if x.len() != rows * self.features.len() {
            return Err(ToolkitError::data(format!(
                "the model needs {} features per row; the matrix has {} values for {rows} rows",
                self.features.len(),
                x.len()
            )));
        }
        if self.members.is_empty() {
            return Err(ToolkitError::data(
                "the ensemble has no member with a weight",
            ));
        }
        let preds = self
            .members
            .iter()
            .map(|m| predict_outputs(&m.outputs, self.task, x, rows))
            .collect::<Result<Vec<_>>>()?;
        let weights: Vec<f64> = self.members.iter().map(|m| m.weight).collect();
        Ok(self
            .decision
            .apply(&combine(&preds, &weights, self.head.as_ref())))
    }
}

/// How a stack combines its members' predictions: `intercept + sum(weight * f(prediction))`, where
/// f is the log-odds for a logistic head (and the result goes back through the sigmoid).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Head {
    /// The meta-model's intercept.
    pub intercept: f64,
    /// Log-odds in, probability out (binary targets); values in and out otherwise.
    pub logistic: bool,
}

/// Predictions are clamped this far from 0 and 1 before taking log-odds.
const CLAMP: f64 = 1e-6;

/// What the meta-model reads of one prediction.
pub fn input(v: f64, logistic: bool) -> f64 {
    if logistic {
        let q = v.clamp(CLAMP, 1.0 - CLAMP);
        (q / (1.0 - q)).ln()
    } else {
        v
    }
}

/// The meta-model's prediction from its linear score.
pub fn output(z: f64, logistic: bool) -> f64 {
    if logistic {
        1.0 / (1.0 + (-z).exp())
    } else {
        z
    }
}

/// The members' predictions combined: a weighted average, or through a stack's head (one output).
/// Each member's predictions are borrowed (`&[Vec<f64>]` or an owned matrix), so out-of-fold
/// predictions are combined without copying them.
pub fn combine<P: AsRef<[Vec<f64>]>>(
    preds: &[P],
    weights: &[f64],
    head: Option<&Head>,
) -> Vec<Vec<f64>> {
    let Some(h) = head else {
        return blend_predictions(preds, weights);
    };
    let rows = preds[0].as_ref()[0].len();
    let out = (0..rows)
        .map(|i| {
            let z = preds
                .iter()
                .zip(weights)
                .map(|(p, w)| w * input(p.as_ref()[0][i], h.logistic))
                .sum::<f64>();
            output(h.intercept + z, h.logistic)
        })
        .collect();
    vec![out]
}

/// Weighted average of prediction matrices.
pub fn blend_predictions<P: AsRef<[Vec<f64>]>>(preds: &[P], weights: &[f64]) -> Vec<Vec<f64>> {
    let first = preds[0].as_ref();
    let mut out = vec![vec![0.0; first[0].len()]; first.len()];
    for (p, &w) in preds.iter().zip(weights) {
        if w == 0.0 {
            continue;
        }
        for (o, col) in p.as_ref().iter().enumerate() {
            for (i, v) in col.iter().enumerate() {
                out[o][i] += w * v;
            }
        }
    }
    out
}
