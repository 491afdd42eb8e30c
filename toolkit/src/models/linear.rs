//! Linear models through Linfa: L2-regularised logistic regression for classes and labels, ridge
//! regression for values. A small penalty makes ridge plain linear regression, so one family with a
//! penalty in the search space covers logistic, linear and ridge.
//!
//! Linfa 0.8 is built on ndarray 0.16 (the rest of the toolkit is on 0.17), so this file is the one
//! place where column-major `f64` buffers become ndarray 0.16 arrays.

use linfa::DatasetBase;
use linfa::prelude::Fit;
use linfa_elasticnet::ElasticNet;
use linfa_logistic::LogisticRegression;
use ndarray016::{Array1, Array2, ShapeBuilder};
use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};

/// Settings for one linear model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LinearParams {
    /// L2 penalty on standardised features (logistic: `alpha`; ridge: `penalty`).
    pub penalty: f64,
    /// Optimiser iterations.
    pub max_iterations: u32,
}

impl Default for LinearParams {
    fn default() -> Self {
        Self {
            penalty: 0.1,
            max_iterations: 200,
        }
    }
}

/// Standardisation fitted on train: missing values become the mean (0 after scaling) and extreme
/// values are clipped to ±10 standard deviations, so one outlier cannot dominate a linear fit.
#[derive(Serialize, Deserialize)]
struct Scaler {
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl Scaler {
    fn fit(x: &[f64], rows: usize, cols: usize) -> Self {
        let mut mean = Vec::with_capacity(cols);
        let mut scale = Vec::with_capacity(cols);
        for j in 0..cols {
            let col = &x[j * rows..(j + 1) * rows];
            let (s, n) = col
                .iter()
                .filter(|v| v.is_finite())
                .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            let m = if n > 0 { s / n as f64 } else { 0.0 };
            let var = col
                .iter()
                .filter(|v| v.is_finite())
                .map(|v| (v - m).powi(2))
                .sum::<f64>()
                / n.max(1) as f64;
            mean.push(m);
            scale.push(if var > 1e-24 { var.sqrt() } else { 0.0 });
        }
        Self { mean, scale }
    }

    /// A standardised copy as an ndarray 0.16 matrix (column-major, no second copy).
    fn apply(&self, x: &[f64], rows: usize) -> Result<Array2<f64>> {
        let cols = self.mean.len();
        let mut out = Vec::with_capacity(rows * cols);
        for j in 0..cols {
            for &v in &x[j * rows..(j + 1) * rows] {
                out.push(if v.is_finite() && self.scale[j] > 0.0 {
                    ((v - self.mean[j]) / self.scale[j]).clamp(-10.0, 10.0)
                } else {
                    0.0
                });
            }
        }
        Array2::from_shape_vec((rows, cols).f(), out)
            .map_err(|e| ToolkitError::data(format!("linear model input: {e}")))
    }
}

/// The fitted coefficients on standardised features (Linfa's models reduced to what predicting
/// needs, so they can be saved).
#[derive(Serialize, Deserialize)]
enum Fitted {
    /// P(label 1) = logistic(x·w + b).
    Logistic { w: Vec<f64>, b: f64 },
    /// y = x·w + b.
    Ridge { w: Vec<f64>, b: f64 },
    /// Training targets had one value only (e.g. a fold with one class): predict it.
    Constant(f64),
}

/// A fitted linear model with its scaler.
#[derive(Serialize, Deserialize)]
pub struct Linear {
    scaler: Scaler,
    model: Fitted,
}

impl Linear {
    /// Fits on a column-major matrix; `logistic` for 0/1 targets (probabilities out), else ridge.
    pub fn fit(
        x: &[f64],
        rows: usize,
        cols: usize,
        y: &[f64],
        logistic: bool,
        p: &LinearParams,
    ) -> Result<Self> {
        if rows == 0 || cols == 0 {
            return Err(ToolkitError::data(
                "cannot fit a linear model on an empty matrix (no rows or no features)",
            ));
        }
        if !(p.penalty >= 0.0 && p.penalty.is_finite()) {
            return Err(ToolkitError::params(
                "linear",
                format!("penalty must be a finite number >= 0, got {}", p.penalty),
            ));
        }
        let scaler = Scaler::fit(x, rows, cols);
        let xs = scaler.apply(x, rows)?;
        let first = y[0];
        if y.iter().all(|v| *v == first) {
            return Ok(Self {
                scaler,
                model: Fitted::Constant(first),
            });
        }
        let model = if logistic {
            let labels: Array1<usize> = y.iter().map(|&v| usize::from(v > 0.5)).collect();
            let fitted = LogisticRegression::default()
                .alpha(p.penalty)
                .max_iterations(u64::from(p.max_iterations))
                .fit(&DatasetBase::new(xs, labels))
                .map_err(|e| ToolkitError::data(format!("logistic regression failed: {e}")))?;
            // Linfa's probability is of the class it calls positive, which depends on the order
            // and counts of labels in train: turn the coefficients into those of P(label 1).
            let sign = if fitted.labels().pos.class == 1 {
                1.0
            } else {
                -1.0
            };
            Fitted::Logistic {
                w: fitted.params().iter().map(|w| sign * w).collect(),
                b: sign * fitted.intercept(),
            }
        } else {
            let fitted = ElasticNet::params()
                .penalty(p.penalty)
                .l1_ratio(0.0)
                .max_iterations(p.max_iterations)
                .fit(&DatasetBase::new(xs, Array1::from(y.to_vec())))
                .map_err(|e| ToolkitError::data(format!("ridge regression failed: {e}")))?;
            Fitted::Ridge {
                w: fitted.hyperplane().to_vec(),
                b: fitted.intercept(),
            }
        };
        Ok(Self { scaler, model })
    }

    /// Probabilities of the positive class (logistic) or values (ridge) for a column-major matrix.
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<f64>> {
        let xs = self.scaler.apply(x, rows)?;
        Ok(match &self.model {
            Fitted::Logistic { w, b } => (xs.dot(&Array1::from(w.clone())) + *b)
                .mapv(|z| 1.0 / (1.0 + (-z).exp()))
                .to_vec(),
            Fitted::Ridge { w, b } => (xs.dot(&Array1::from(w.clone())) + *b).to_vec(),
            Fitted::Constant(c) => vec![*c; rows],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ridge_with_tiny_penalty_recovers_a_line() {
        // y = 3 + 2 * x0 - x1, exactly.
        let x0: Vec<f64> = (0..50).map(f64::from).collect();
        let x1: Vec<f64> = (0..50).map(|i| f64::from((i * 7) % 11)).collect();
        let y: Vec<f64> = x0.iter().zip(&x1).map(|(a, b)| 3.0 + 2.0 * a - b).collect();
        let x = [x0, x1].concat();
        let p = LinearParams {
            penalty: 1e-6,
            max_iterations: 5000,
        };
        let m = Linear::fit(&x, 50, 2, &y, false, &p).unwrap();
        let pred = m.predict(&[10.0, 4.0], 1).unwrap();
        assert!((pred[0] - 19.0).abs() < 1e-2, "{pred:?}");
    }

    #[test]
    fn logistic_gives_ordered_probabilities_and_missing_is_the_mean() {
        let x: Vec<f64> = (0..40).map(f64::from).collect();
        let y: Vec<f64> = (0..40).map(|i| f64::from(u8::from(i >= 20))).collect();
        let m = Linear::fit(&x, 40, 1, &y, true, &LinearParams::default()).unwrap();
        let p = m.predict(&[0.0, 39.0, f64::NAN], 3).unwrap();
        assert!(p[0] < 0.1 && p[1] > 0.9, "{p:?}");
        // NaN is imputed with the train mean (19.5), the decision boundary: about one half.
        assert!((p[2] - 0.5).abs() < 0.05, "{p:?}");
    }

    #[test]
    fn one_class_predicts_it() {
        let m = Linear::fit(
            &[1.0, 2.0],
            2,
            1,
            &[1.0, 1.0],
            true,
            &LinearParams::default(),
        )
        .unwrap();
        assert_eq!(m.predict(&[5.0], 1).unwrap(), vec![1.0]);
    }
}
