//! `pca`: principal components of standardised numeric columns, learned on train.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::profile::Moments;
use crate::tool::{Category, FitCx, Fitted, NUMERIC, Split, Tool, sorted_finite};

/// Principal component analysis.
pub struct Pca;

/// Parameters of `pca`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PcaParams {
    /// Numeric columns (at least 2); default: every numeric feature.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Number of components (default 3).
    #[serde(default = "three")]
    pub n_components: usize,
    /// Keep the input columns (default true: components are added).
    #[serde(default = "yes")]
    pub keep_original: bool,
}

fn three() -> usize {
    3
}
fn yes() -> bool {
    true
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Projection {
    cols: Vec<String>,
    center: Vec<f64>,
    scale: Vec<f64>,
    components: Vec<Vec<f64>>,
    keep: bool,
}

/// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: (values, vectors as columns).
pub fn symmetric_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-20 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut().take(n) {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                #[allow(clippy::needless_range_loop)] // rows p and q are read and written together
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

impl Tool for Pca {
    const NAME: &'static str = "pca";
    const EXAMPLE: &'static str = r#"{"columns": ["n1", "n2", "n3"], "n_components": 2}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds `pca_0..pca_{k-1}`, projections on the top principal components of the \
        standardised numeric columns, with means, scales and components learned on train (missing values count \
        as the train mean). Useful for many correlated measurements; components are signed so that the largest \
        loading is positive, which keeps results deterministic.";
    type Params = PcaParams;
    type State = Projection;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let cols = cx.resolve(Self::NAME, p.columns.as_ref(), NUMERIC)?;
        if cols.len() < 2 || p.n_components == 0 || p.n_components > cols.len() {
            return Err(ToolkitError::params(
                Self::NAME,
                format!(
                    "need at least 2 numeric columns and 1..={} components; got {} columns, {} components",
                    cols.len(),
                    cols.len(),
                    p.n_components
                ),
            ));
        }
        let data: Vec<Vec<Option<f64>>> = cols
            .iter()
            .map(|c| frame::f64s(cx.train, c))
            .collect::<Result<_>>()?;
        let (mut center, mut scale) = (Vec::new(), Vec::new());
        for d in &data {
            let s = sorted_finite(d);
            let m = if s.is_empty() {
                Moments {
                    mean: 0.0,
                    std: 1.0,
                    skew: 0.0,
                }
            } else {
                Moments::of(&s)
            };
            center.push(m.mean);
            scale.push(if m.std > 0.0 { m.std } else { 1.0 });
        }
        let z = standardise(&data, &center, &scale);
        let k = cols.len();
        let n = cx.train.height().max(2) as f64;
        let mut cov = vec![vec![0.0; k]; k];
        for i in 0..k {
            for j in i..k {
                let c = z[i].iter().zip(&z[j]).map(|(a, b)| a * b).sum::<f64>() / (n - 1.0);
                cov[i][j] = c;
                cov[j][i] = c;
            }
        }
        let (values, vectors) = symmetric_eigen(cov);
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let components = order[..p.n_components]
            .iter()
            .map(|&o| {
                let mut comp: Vec<f64> = (0..k).map(|i| vectors[i][o]).collect();
                let big = comp
                    .iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
                if big < 0.0 {
                    comp.iter_mut().for_each(|x| *x = -*x);
                }
                comp
            })
            .collect();
        Ok(Projection {
            cols,
            center,
            scale,
            components,
            keep: p.keep_original,
        })
    }
}

fn standardise(data: &[Vec<Option<f64>>], center: &[f64], scale: &[f64]) -> Vec<Vec<f64>> {
    data.iter()
        .enumerate()
        .map(|(j, d)| {
            d.iter()
                .map(|v| {
                    v.filter(|x| x.is_finite())
                        .map_or(0.0, |x| (x - center[j]) / scale[j])
                })
                .collect()
        })
        .collect()
}

impl Fitted for Projection {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        let data: Vec<Vec<Option<f64>>> = self
            .cols
            .iter()
            .map(|c| frame::f64s(&df, c))
            .collect::<Result<_>>()?;
        let z = standardise(&data, &self.center, &self.scale);
        for (ci, comp) in self.components.iter().enumerate() {
            let v = (0..df.height())
                .map(|r| Some(comp.iter().enumerate().map(|(j, w)| w * z[j][r]).sum()))
                .collect();
            frame::put_f64(&mut df, &format!("pca_{ci}"), v)?;
        }
        if !self.keep {
            df = frame::drop_cols(&df, &self.cols);
        }
        Ok(df)
    }
}
