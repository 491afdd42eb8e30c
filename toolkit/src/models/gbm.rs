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
}

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
        }
    }
}

/// A fitted booster.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Gbm {
    booster: GradientBooster,
    cols: usize,
    logistic: bool,
}

impl Gbm {
    /// Fits on a column-major matrix (`rows` x `cols`, NaN = missing); `logistic` for 0/1 targets.
    pub fn fit(
        x: &[f64],
        rows: usize,
        cols: usize,
        y: &[f64],
        logistic: bool,
        p: &GbmParams,
        seed: u64,
    ) -> Result<Self> {
        if rows == 0 || cols == 0 {
            return Err(ToolkitError::data(
                "cannot fit a model on an empty matrix (no rows or no features)",
            ));
        }
        let m = Matrix::new(x, rows, cols);
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
            .set_colsample_bytree(p.colsample)
            .set_min_leaf_weight(p.min_leaf_weight)
            .set_seed(seed)
            .set_parallel(true);
        booster
            .fit_unweighted(&m, y, None)
            .map_err(|e| ToolkitError::data(format!("gradient boosting failed: {e}")))?;
        Ok(Self {
            booster,
            cols,
            logistic,
        })
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
