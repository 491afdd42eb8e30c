//! Gradient-boosted trees through forust-ml (pure Rust; beat LightGBM's defaults in our measurements).

use forust_ml::gradientbooster::ImportanceMethod;
use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};

use crate::error::{Result, ToolkitError};

/// Settings for one booster.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct GbmParams {
    /// Boosting rounds.
    pub iterations: usize,
    /// Shrinkage.
    pub learning_rate: f32,
    /// Maximum tree depth.
    pub max_depth: usize,
    /// L2 regularisation.
    pub l2: f32,
    /// Row subsample per tree.
    pub subsample: f32,
    /// Column subsample per tree.
    pub colsample: f64,
    /// Minimum hessian weight in a leaf.
    pub min_leaf_weight: f32,
    /// Boosters fitted with different seeds (their row and column samples differ) and averaged:
    /// bagging lowers the variance one seed's samples leave.
    #[serde(default = "one")]
    pub bags: usize,
}

fn one() -> usize {
    1
}

/// How far apart the seeds of a bag's boosters are.
pub const BAG_SEED_STEP: u64 = 7919;

impl Default for GbmParams {
    fn default() -> Self {
        Self {
            iterations: 200,
            learning_rate: 0.05,
            max_depth: 5,
            l2: 1.0,
            subsample: 0.8,
            colsample: 0.8,
            min_leaf_weight: 1.0,
            bags: 1,
        }
    }
}

/// A column-major matrix: `rows` x `cols` values, column after column, NaN for missing.
#[derive(Clone, Copy)]
pub struct ColMajor<'a> {
    /// The values.
    pub x: &'a [f64],
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

/// Held-out rows a booster scores after every tree, so that the number of trees comes from
/// validation: training stops once `patience` trees in a row have not improved their loss.
pub struct Watch<'a> {
    /// The held-out matrix (as many columns as the fit's).
    pub x: ColMajor<'a>,
    /// Their targets.
    pub y: &'a [f64],
    /// Trees without improvement before training stops.
    pub patience: usize,
}

/// A fitted booster.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Gbm {
    booster: GradientBooster,
    cols: usize,
    logistic: bool,
}

impl Gbm {
    /// Fits on `data`; `logistic` for 0/1 targets.
    pub fn fit(
        data: ColMajor,
        y: &[f64],
        logistic: bool,
        p: &GbmParams,
        seed: u64,
        watch: Option<&Watch>,
    ) -> Result<Self> {
        let ColMajor { x, rows, cols } = data;
        if rows == 0 || cols == 0 {
            return Err(ToolkitError::data(
                "cannot fit a model on an empty matrix (no rows or no features)",
            ));
        }
        let m = Matrix::new(x, rows, cols);
        // forust draws floor(cols x fraction) columns per tree: none at all for a single feature
        // at 0.8, so every tree would be a stump of the mean.
        let colsample = if (cols as f64 * p.colsample).floor() < 1.0 {
            1.0
        } else {
            p.colsample
        };
        let objective = if logistic {
            ObjectiveType::LogLoss
        } else {
            ObjectiveType::SquaredLoss
        };
        let mut booster = GradientBooster::default()
            .set_objective_type(objective)
            .set_iterations(p.iterations)
            .set_learning_rate(p.learning_rate)
            .set_max_depth(p.max_depth)
            .set_l2(p.l2)
            .set_subsample(p.subsample)
            .set_colsample_bytree(colsample)
            .set_min_leaf_weight(p.min_leaf_weight)
            .set_seed(seed)
            .set_parallel(true)
            .set_early_stopping_rounds(watch.map(|w| w.patience));
        let weights = watch.map(|w| vec![1.0; w.x.rows]).unwrap_or_default();
        let eval = watch.map(|w| vec![(Matrix::new(w.x.x, w.x.rows, cols), w.y, &weights[..])]);
        booster
            .fit_unweighted(&m, y, eval)
            .map_err(|e| ToolkitError::data(format!("gradient boosting failed: {e}")))?;
        Ok(Self {
            booster,
            cols,
            logistic,
        })
    }

    /// The number of trees that scored best on the watched rows (None without a watch).
    pub fn best_trees(&self) -> Option<usize> {
        self.booster.best_iteration.map(|i| i + 1)
    }

    /// Predicts with the first `n` trees (at most as many as were grown): how cross-validation
    /// scores every fold at the one tree count it will refit with.
    pub fn use_trees(&mut self, n: usize) {
        let grown = self.booster.trees.len();
        if grown > 0 {
            self.booster.prediction_iteration = Some(n.clamp(1, grown));
        }
    }

    /// Raw scores (log-odds for logistic; values for regression).
    pub fn predict_raw(&self, x: &[f64], rows: usize) -> Vec<f64> {
        self.booster.predict(&Matrix::new(x, rows, self.cols), true)
    }

    /// Probabilities for logistic boosters, values otherwise.
    pub fn predict(&self, x: &[f64], rows: usize) -> Vec<f64> {
        let raw = self.predict_raw(x, rows);
        if self.logistic {
            raw.into_iter().map(|z| 1.0 / (1.0 + (-z).exp())).collect()
        } else {
            raw
        }
    }

    /// Total gain per feature index, normalised to sum to 1.
    pub fn importance(&self) -> Vec<f64> {
        let imp = self
            .booster
            .calculate_feature_importance(ImportanceMethod::TotalGain, true);
        (0..self.cols)
            .map(|j| f64::from(imp.get(&j).copied().unwrap_or(0.0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_feature_is_used_even_with_column_sampling() {
        let x: Vec<f64> = (0..200).map(|i| f64::from(i) / 200.0).collect();
        let y: Vec<f64> = x.iter().map(|&v| f64::from(u8::from(v > 0.5))).collect();
        let p = GbmParams::default();
        assert_eq!(p.colsample, 0.8, "the case: floor(1 x 0.8) = 0 columns");
        let data = ColMajor {
            x: &x,
            rows: 200,
            cols: 1,
        };
        let g = Gbm::fit(data, &y, true, &p, 1, None).unwrap();
        let pred = g.predict(&[0.1, 0.9], 2);
        assert!(pred[0] < 0.1 && pred[1] > 0.9, "{pred:?}");
    }
}
