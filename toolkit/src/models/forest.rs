//! Random forests and extremely randomized trees through smartcore. Classes and labels are fitted as
//! regression on 0/1 indicators, so the forest gives probabilities (the share of trees' leaf means)
//! that AUC and the blend can use. Extra trees draw split points at random and use every row in
//! every tree: errors less correlated with a booster's, which is what a blend needs.

use serde::{Deserialize, Serialize};
use smartcore::ensemble::extra_trees_regressor::{
    ExtraTreesRegressor, ExtraTreesRegressorParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::error::{Result, ToolkitError};

/// Settings for one forest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ForestParams {
    /// Number of trees.
    pub trees: usize,
    /// Maximum depth (None: unlimited).
    pub max_depth: Option<u16>,
    /// Minimum rows in a leaf.
    pub min_samples_leaf: usize,
    /// Extremely randomized trees: random split points, no bootstrap.
    #[serde(default)]
    pub extra: bool,
}

impl Default for ForestParams {
    fn default() -> Self {
        Self {
            trees: 100,
            max_depth: Some(12),
            min_samples_leaf: 2,
            extra: false,
        }
    }
}

/// A fitted forest.
#[derive(Serialize, Deserialize)]
pub struct Forest {
    /// Saved as `model` (a random forest, as before extra trees) or `extra`.
    #[serde(flatten)]
    trees: Trees,
    cols: usize,
}

#[derive(Serialize, Deserialize)]
enum Trees {
    #[serde(rename = "model")]
    Random(RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>),
    #[serde(rename = "extra")]
    Extra(ExtraTreesRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>),
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
        let x = matrix(x, rows, cols)?;
        let y = y.to_vec();
        let failed = |e| ToolkitError::data(format!("random forest failed: {e}"));
        // Both parameter types have the same public fields; the rest stay smartcore's defaults.
        let trees = if p.extra {
            let params = ExtraTreesRegressorParameters {
                n_trees: p.trees,
                max_depth: p.max_depth,
                min_samples_leaf: p.min_samples_leaf,
                m: Some(m),
                seed,
                ..Default::default()
            };
            Trees::Extra(ExtraTreesRegressor::fit(&x, &y, params).map_err(failed)?)
        } else {
            let params = RandomForestRegressorParameters {
                n_trees: p.trees,
                max_depth: p.max_depth,
                min_samples_leaf: p.min_samples_leaf,
                m: Some(m),
                seed,
                ..Default::default()
            };
            Trees::Random(RandomForestRegressor::fit(&x, &y, params).map_err(failed)?)
        };
        Ok(Self { trees, cols })
    }

    /// Predictions for a column-major matrix.
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<f64>> {
        let x = matrix(x, rows, self.cols)?;
        match &self.trees {
            Trees::Random(m) => m.predict(&x),
            Trees::Extra(m) => m.predict(&x),
        }
        .map_err(|e| ToolkitError::data(format!("random forest predict failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One feature on a grid of 0..1; the target is 1 above 0.5.
    fn step(n: usize) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let y = x.iter().map(|v| f64::from(u8::from(*v > 0.5))).collect();
        (x, y)
    }

    #[test]
    fn extra_trees_learn_a_step_exactly_and_save_as_extra() {
        let (x, y) = step(200);
        let p = ForestParams {
            trees: 20,
            max_depth: None,
            min_samples_leaf: 1,
            extra: true,
        };
        let f = Forest::fit(&x, 200, 1, &y, &p, 3).unwrap();
        // Far from the step every leaf is pure: exactly 0 and 1.
        assert_eq!(f.predict(&[0.1, 0.9], 2).unwrap(), vec![0.0, 1.0]);
        let bytes = rmp_serde::to_vec_named(&f).unwrap();
        let back: Forest = rmp_serde::from_slice(&bytes).unwrap();
        assert!(matches!(back.trees, Trees::Extra(_)));
        assert_eq!(back.predict(&[0.1, 0.9], 2).unwrap(), vec![0.0, 1.0]);
    }

    #[test]
    fn a_random_forest_saved_before_extra_trees_still_reads() {
        let (x, y) = step(100);
        let f = Forest::fit(&x, 100, 1, &y, &ForestParams::default(), 3).unwrap();
        let Trees::Random(model) = &f.trees else {
            panic!("a random forest")
        };
        // The layout saved before extra trees existed: the forest under `model`.
        #[derive(Serialize)]
        struct Before<'a> {
            model: &'a RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>,
            cols: usize,
        }
        let bytes = rmp_serde::to_vec_named(&Before { model, cols: 1 }).unwrap();
        let back: Forest = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(
            back.predict(&[0.2, 0.8], 2).unwrap(),
            f.predict(&[0.2, 0.8], 2).unwrap()
        );
    }
}
