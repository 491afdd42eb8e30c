//! Linear models as a family (`linear`): logistic regression for classes, ridge for values, one
//! per output. The engine is `models::linear`.

use super::log_uniform;
use super::{FitCx, FittedModel, ModelFamily, ModelKind, Output, Settings};
use crate::error::Result;
use crate::folds::Rng;
use crate::models::linear::{Linear, LinearParams};

/// Logistic regression for classes, ridge for values (Linfa).
pub struct LinearFamily;

impl ModelFamily for LinearFamily {
    fn name(&self) -> &'static str {
        "linear"
    }
    fn note(&self) -> String {
        "logistic regression for classes, ridge for values".into()
    }
    fn defaults(&self, _: usize, _: usize) -> ModelKind {
        ModelKind::new(LinearParams::default())
    }
    fn draw(&self, _: usize, _: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(LinearParams {
            penalty: log_uniform(rng, 1e-4, 10.0),
            ..LinearParams::default()
        })
    }
}

#[typetag::serde(name = "linear")]
impl Settings for LinearParams {
    fn label(&self) -> String {
        format!("linear_l2_{:.4}", self.penalty)
    }
    fn fit(&self, cx: &FitCx, _: &mut Option<Vec<f64>>) -> Result<Vec<FittedModel>> {
        let (n, k) = (cx.train_rows.len(), cx.cols());
        let classes = cx.problem.is_classification();
        cx.per_output(|y| Ok(FittedModel::new(Linear::fit(cx.x, n, k, y, classes, self)?)))
    }
}

#[typetag::serde(name = "linear")]
impl Output for Linear {
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        Ok(vec![Linear::predict(self, x, rows)?])
    }
}
