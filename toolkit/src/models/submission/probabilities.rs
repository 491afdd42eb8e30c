//! Probability submissions: one column per binary target, or one per class named as the sample
//! names it (`C`, or `Status_C`).

use super::{Codec, Format};
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::spec::{Submission, Task};

/// Probabilities in [0, 1].
pub struct Probabilities;

impl Probabilities {
    /// The submission's column for each output, in output order.
    fn columns(f: &Format, outputs: usize) -> Vec<String> {
        if f.task == Task::Multiclass && outputs == 1 && f.classes.len() == 2 {
            // Two classes are one output; its column is the second class's.
            vec![f.classes[1].clone()]
        } else if f.task == Task::Multiclass {
            f.classes.clone()
        } else {
            f.targets.clone()
        }
    }
}

impl Codec for Probabilities {
    fn kind(&self) -> Submission {
        Submission::Probabilities
    }
    fn write(
        &self,
        f: &Format,
        out: &mut DataFrame,
        pred: &[Vec<f64>],
        order: &[usize],
    ) -> Result<()> {
        if f.task == Task::Multiclass && pred.len() == 1 && f.classes.len() == 2 {
            let v = order.iter().map(|&i| Some(1.0 - pred[0][i])).collect();
            frame::put_f64(out, &f.classes[0], v)?;
        }
        let columns = Self::columns(f, pred.len());
        if columns.len() != pred.len() {
            return Err(ToolkitError::data(format!(
                "{} outputs for {} probability columns ({})",
                pred.len(),
                columns.len(),
                columns.join(", ")
            )));
        }
        for (k, name) in columns.iter().enumerate() {
            let v = order.iter().map(|&i| Some(pred[k][i])).collect();
            frame::put_f64(out, name, v)?;
        }
        Ok(())
    }
    fn read(&self, f: &Format, sub: &DataFrame) -> Result<Vec<Vec<f64>>> {
        let outputs = if f.task == Task::Multiclass && f.classes.len() == 2 {
            1
        } else {
            f.classes.len().max(f.targets.len())
        };
        Self::columns(f, outputs)
            .iter()
            .map(|c| {
                Ok(frame::f64s(sub, c)?
                    .into_iter()
                    .map(|v| v.unwrap_or(0.0))
                    .collect())
            })
            .collect()
    }
}
