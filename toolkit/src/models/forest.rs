//! Random forests through smartcore. Classes and labels are fitted as regression on 0/1 indicators, so
//! the forest gives probabilities (the share of trees' leaf means) that AUC and the blend can use.

use serde::{Deserialize, Serialize};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::error::{Result, ToolkitError};

/// Settings for one forest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ForestParams {
    /// Number of trees.
    pub trees: usize,
    /// Maximum depth (None: unlimited).
    pub max_depth: Option<u16>,
    /// Minimum rows in a leaf.
    pub min_samples_leaf: usize,
}

impl Default for ForestParams {
    fn default() -> Self {
        Self {
            trees: 100,
            max_depth: Some(12),
            min_samples_leaf: 2,
        }
    }
}

/// A fitted forest.
#[derive(Serialize, Deserialize)]
pub struct Forest {
    model: RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>,
    cols: usize,
}

fn matrix(x: &[f64], rows: usize, cols: usize) -> Result<DenseMatrix<f64>> {
    DenseMatrix::new(rows, cols, x.to_vec(), true)
        .map_err(|e| ToolkitError::data(format!("forest input: {e}")))
}

impl Forest {
    /// Fits on a column-major matrix (finite values only).
    pub fn fit(
        x: &[f64],
        rows: usize,
        cols: usize,
        y: &[f64],
        p: &ForestParams,
        seed: u64,
    ) -> Result<Self> {
        if x.iter().any(|v| !v.is_finite()) {
            return Err(ToolkitError::data(
                "a random forest needs finite features; fill missing values first",
            ));
        }
        // m = sqrt(features) per split, the usual choice for forests.
        let m = ((cols as f64).sqrt().ceil() as usize).clamp(1, cols);
        let mut params = RandomForestRegressorParameters::default()
            .with_n_trees(p.trees)
            .with_min_samples_leaf(p.min_samples_leaf)
            .with_m(m)
            .with_seed(seed);
        if let Some(d) = p.max_depth {
            params = params.with_max_depth(d);
        }
        let model = RandomForestRegressor::fit(&matrix(x, rows, cols)?, &y.to_vec(), params)
            .map_err(|e| ToolkitError::data(format!("random forest failed: {e}")))?;
        Ok(Self { model, cols })
    }

    /// Predictions for a column-major matrix.
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<f64>> {
        self.model
            .predict(&matrix(x, rows, self.cols)?)
            .map_err(|e| ToolkitError::data(format!("random forest predict failed: {e}")))
    }
}
