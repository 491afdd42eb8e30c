//! `clip_outliers` and `remove_outlier_rows`: bounds learned on train by z-score or IQR.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::profile::Moments;
use crate::tool::{
    Category, FitCx, Fitted, MapNumeric, NUMERIC, NumOp, Split, Tool, quantile, sorted_finite,
};

/// How outlier bounds are computed.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutlierMethod {
    /// [Q1 - factor*IQR, Q3 + factor*IQR].
    #[default]
    Iqr,
    /// [mean - factor*std, mean + factor*std].
    Zscore,
}

/// Parameters shared by the outlier tools.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutlierParams {
    /// Numeric columns; default: every numeric feature.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Bound method (default iqr).
    #[serde(default)]
    pub method: OutlierMethod,
    /// Width of the bounds: IQR multiples (default 1.5) or standard deviations (default 3).
    #[serde(default)]
    pub factor: Option<f64>,
    /// remove_outlier_rows only: fail rather than remove more than this fraction of train (default 0.05).
    #[serde(default)]
    pub max_fraction: Option<f64>,
}

fn bounds(tool: &str, p: &OutlierParams, cx: &FitCx) -> Result<Vec<(String, f64, f64)>> {
    let cols = cx.resolve(tool, p.columns.as_ref(), &NUMERIC[..1])?;
    let mut out = Vec::new();
    for c in cols {
        let sorted = sorted_finite(&frame::f64s(cx.train, &c)?);
        if sorted.is_empty() {
            continue;
        }
        let (lo, hi) = match p.method {
            OutlierMethod::Iqr => {
                let f = p.factor.unwrap_or(1.5);
                let q1 = quantile(&sorted, 0.25).unwrap_or(0.0);
                let q3 = quantile(&sorted, 0.75).unwrap_or(0.0);
                (q1 - f * (q3 - q1), q3 + f * (q3 - q1))
            }
            OutlierMethod::Zscore => {
                let f = p.factor.unwrap_or(3.0);
                let m = Moments::of(&sorted);
                (m.mean - f * m.std, m.mean + f * m.std)
            }
        };
        if p.factor.is_some_and(|f| f.is_nan() || f <= 0.0) {
            return Err(ToolkitError::params(tool, "factor must be positive"));
        }
        out.push((c, lo, hi));
    }
    Ok(out)
}

/// Clips numeric values to bounds learned on train.
pub struct ClipOutliers;

impl Tool for ClipOutliers {
    const NAME: &'static str = "clip_outliers";
    const EXAMPLE: &'static str = r#"{"columns": ["n1"], "method": "zscore", "max_fraction": 1.0}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Clips numeric columns to bounds learned on train (IQR: Q1-1.5*IQR..Q3+1.5*IQR; \
        zscore: mean±3*std; `factor` changes the width). Rows are kept; extreme values are pulled to the bound, \
        in train and test alike. Missing values stay missing.";
    type Params = OutlierParams;
    type State = MapNumeric<Clip>;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let maps = bounds(Self::NAME, p, cx)?
            .into_iter()
            .map(|(c, lo, hi)| (c.clone(), c, Clip { lo, hi }))
            .collect();
        Ok(MapNumeric { maps })
    }
}

/// Bounds learned on train; NaN stays NaN.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Clip {
    lo: f64,
    hi: f64,
}

impl NumOp for Clip {
    fn map(&self, v: Option<f64>) -> Option<f64> {
        v.map(|x| {
            if x.is_nan() {
                x
            } else {
                x.clamp(self.lo, self.hi)
            }
        })
    }
}

/// Removes train rows with values outside bounds learned on train.
pub struct RemoveOutlierRows;

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RemoveRows {
    bounds: Vec<(String, f64, f64)>,
    max_fraction: f64,
}

impl Tool for RemoveOutlierRows {
    const REMOVES_ROWS: bool = true;
    const NAME: &'static str = "remove_outlier_rows";
    const EXAMPLE: &'static str = r#"{"columns": ["n1"], "method": "zscore", "max_fraction": 1.0}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Removes train rows where any of the chosen numeric columns lies outside bounds \
        learned on train (IQR or z-score). Test rows are never removed. Fails instead of removing more than \
        `max_fraction` (default 5%) of train; raise `factor` or name fewer columns.";
    type Params = OutlierParams;
    type State = RemoveRows;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        Ok(RemoveRows {
            bounds: bounds(Self::NAME, p, cx)?,
            max_fraction: p.max_fraction.unwrap_or(0.05),
        })
    }
}

impl Fitted for RemoveRows {
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame> {
        if split == Split::Test {
            return Ok(df);
        }
        let mut keep = vec![true; df.height()];
        for (c, lo, hi) in &self.bounds {
            for (k, v) in keep.iter_mut().zip(frame::f64s(&df, c)?) {
                if let Some(x) = v
                    && (x < *lo || x > *hi)
                {
                    *k = false;
                }
            }
        }
        let removed = keep.iter().filter(|k| !**k).count();
        if removed as f64 > self.max_fraction * df.height() as f64 {
            return Err(ToolkitError::params(
                RemoveOutlierRows::NAME,
                format!(
                    "would remove {removed} of {} train rows (more than max_fraction {}); raise `factor`, name fewer columns, or use clip_outliers",
                    df.height(),
                    self.max_fraction
                ),
            ));
        }
        frame::filter_rows(&df, &keep)
    }
}
