//! Label submissions: one label a row, or the k most probable labels space-separated (MAP@k),
//! spelled as the sample (or train) spells them.

use super::{Codec, Format, one_hot};
use crate::error::Result;
use crate::frame::{self, DataFrame};
use crate::metrics::predicted_class;
use crate::spec::Submission;

/// One label a row.
pub struct Labels;

impl Codec for Labels {
    fn kind(&self) -> Submission {
        Submission::Labels
    }
    fn write(
        &self,
        f: &Format,
        out: &mut DataFrame,
        pred: &[Vec<f64>],
        order: &[usize],
    ) -> Result<()> {
        let t = &f.targets[0];
        let labels = order
            .iter()
            .map(|&i| Some(f.classes[predicted_class(pred, i)].clone()))
            .collect();
        frame::put_str(out, t, labels)?;
        // Integer labels go back as integers, as in train.
        if f.integer_labels {
            frame::cast(out, t, frame::CastTo::Int)?;
        }
        Ok(())
    }
    fn read(&self, f: &Format, sub: &DataFrame) -> Result<Vec<Vec<f64>>> {
        let lower: Vec<String> = f.classes.iter().map(|c| c.to_lowercase()).collect();
        let got = frame::strs(sub, &f.targets[0])?;
        Ok(one_hot(
            got.iter()
                .map(|l| l.as_deref().unwrap_or("").to_lowercase()),
            &lower,
        ))
    }
}

/// The k most probable labels a row, most probable first.
pub struct RankedLabels;

/// Per class probabilities of row `i`, also for one output (two classes).
fn class_probs(pred: &[Vec<f64>], i: usize) -> Vec<f64> {
    if pred.len() == 1 {
        vec![1.0 - pred[0][i], pred[0][i]]
    } else {
        pred.iter().map(|c| c[i]).collect()
    }
}

impl Codec for RankedLabels {
    fn kind(&self) -> Submission {
        Submission::RankedLabels
    }
    fn write(
        &self,
        f: &Format,
        out: &mut DataFrame,
        pred: &[Vec<f64>],
        order: &[usize],
    ) -> Result<()> {
        let cells = order
            .iter()
            .map(|&i| {
                let p = class_probs(pred, i);
                let mut idx: Vec<usize> = (0..p.len()).collect();
                idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
                let top: Vec<&str> = idx
                    .iter()
                    .take(f.top_k)
                    .map(|&k| f.classes[k].as_str())
                    .collect();
                Some(top.join(" "))
            })
            .collect();
        frame::put_str(out, &f.targets[0], cells)
    }
    fn read(&self, f: &Format, sub: &DataFrame) -> Result<Vec<Vec<f64>>> {
        let lower: Vec<String> = f.classes.iter().map(|c| c.to_lowercase()).collect();
        let cells = frame::strs(sub, &f.targets[0])?;
        // The first label scores k, the next k - 1, ...; unlisted classes 0: the same ranking.
        let mut p = vec![vec![0.0; cells.len()]; lower.len()];
        for (i, cell) in cells.iter().enumerate() {
            for (rank, w) in cell
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .take(f.top_k)
                .enumerate()
            {
                if let Some(k) = lower.iter().position(|c| *c == w.to_lowercase())
                    && p[k][i] == 0.0
                {
                    p[k][i] = (f.top_k - rank) as f64;
                }
            }
        }
        if p.len() == 2 {
            // Two classes are one output, the second class's score.
            let second = p.pop().unwrap_or_default();
            let first = p.pop().unwrap_or_default();
            return Ok(vec![
                first
                    .iter()
                    .zip(&second)
                    .map(|(a, b)| f64::from(u8::from(b > a)))
                    .collect(),
            ]);
        }
        Ok(p)
    }
}
