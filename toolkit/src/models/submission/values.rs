//! Value submissions: one number a row per target, back from `log1p` space when the metric
//! fits logs.

use super::{Codec, Format};
use crate::error::Result;
use crate::frame::{self, DataFrame};
use crate::spec::Submission;

/// Real-valued predictions.
pub struct Values;

impl Codec for Values {
    fn kind(&self) -> Submission {
        Submission::Values
    }
    fn write(
        &self,
        f: &Format,
        out: &mut DataFrame,
        pred: &[Vec<f64>],
        order: &[usize],
    ) -> Result<()> {
        for (t, p) in f.targets.iter().zip(pred) {
            let v = order
                .iter()
                .map(|&i| Some(if f.log_target { p[i].exp_m1() } else { p[i] }))
                .collect();
            frame::put_f64(out, t, v)?;
        }
        Ok(())
    }
    fn read(&self, f: &Format, sub: &DataFrame) -> Result<Vec<Vec<f64>>> {
        f.targets
            .iter()
            .map(|t| {
                Ok(frame::f64s(sub, t)?
                    .into_iter()
                    .map(|v| {
                        let x = v.unwrap_or(f64::NAN);
                        if f.log_target { x.ln_1p() } else { x }
                    })
                    .collect())
            })
            .collect()
    }
}
