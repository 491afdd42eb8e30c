//! `scale`: standard, min-max or robust scaling with statistics learned on train.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame::{self, Kind};
use crate::profile::Moments;
use crate::tool::{Category, FitCx, MapNumeric, NumOp, Tool, quantile};

/// Scales numeric columns.
pub struct Scale;

/// The scaling method.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMethod {
    /// (x - mean) / std.
    #[default]
    Standard,
    /// (x - min) / (max - min).
    MinMax,
    /// (x - median) / IQR.
    Robust,
}

/// Parameters of `scale`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleParams {
    /// Numeric columns; default: every numeric feature.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Method (default standard).
    #[serde(default)]
    pub method: ScaleMethod,
}

/// (x - center) / spread, with the centre and spread learned on train; a constant column
/// (infinite spread) becomes 0.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Affine {
    center: f64,
    spread: f64,
}

impl NumOp for Affine {
    fn map(&self, v: Option<f64>) -> Option<f64> {
        v.map(|x| {
            if self.spread.is_infinite() {
                0.0
            } else {
                (x - self.center) / self.spread
            }
        })
    }
}

impl Tool for Scale {
    const NAME: &'static str = "scale";
    const EXAMPLE: &'static str = r#"{"method": "robust"}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Scales numeric columns with statistics learned on train: standard ((x-mean)/std), \
        min_max ((x-min)/(max-min)) or robust ((x-median)/IQR). A constant column maps to 0. Test values \
        outside train's range stay outside it (no clipping).";
    type Params = ScaleParams;
    type State = MapNumeric<Affine>;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let mut maps = Vec::new();
        for c in cx.resolve(Self::NAME, p.columns.as_ref(), &[Kind::Numeric, Kind::Bool])? {
            let (center, spread) = frame::with_finite_f64s(cx.train, &c, |xs| {
                if xs.is_empty() {
                    return (0.0, 1.0);
                }
                match p.method {
                    ScaleMethod::Standard => {
                        let m = Moments::of(xs);
                        (m.mean, m.std)
                    }
                    ScaleMethod::MinMax => {
                        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        (lo, hi - lo)
                    }
                    // Only the quantiles need the values in order.
                    ScaleMethod::Robust => {
                        let mut sorted = xs.to_vec();
                        sorted.sort_unstable_by(f64::total_cmp);
                        let q = |x| quantile(&sorted, x).unwrap_or(0.0);
                        (q(0.5), q(0.75) - q(0.25))
                    }
                }
            })?;
            let spread = if spread > 0.0 { spread } else { f64::INFINITY };
            maps.push((c.clone(), c, Affine { center, spread }));
        }
        Ok(MapNumeric { maps })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::*;

    #[test]
    fn scale_clip_and_transforms_use_train_statistics() {
        let ds = small();
        let (tr, te) = run1(
            &ds,
            "scale",
            json!({"columns": ["b"], "method": "standard"}),
        );
        assert_eq!(
            f(&tr, "b"),
            vec![Some(0.0); 5],
            "a constant column maps to 0"
        );
        assert_eq!(f(&te, "b"), vec![Some(0.0); 3]);
        let (tr, _) = run1(&ds, "scale", json!({"columns": ["a"], "method": "min_max"}));
        assert_eq!(
            f(&tr, "a"),
            vec![
                Some(0.0),
                Some(1.0 / 99.0),
                None,
                Some(3.0 / 99.0),
                Some(1.0)
            ]
        );
        // IQR of 1,2,4,100: q1 = 1.75, q3 = 28; upper = 28 + 1.5 * 26.25 = 67.375
        let (tr, _) = run1(&ds, "clip_outliers", json!({"columns": ["a"]}));
        assert_eq!(f(&tr, "a")[4], Some(67.375));
        let (tr, _) = run1(&ds, "log1p", json!({"columns": ["a"]}));
        assert_eq!(f(&tr, "a")[0], Some(2f64.ln()));
        let (tr, _) = run1(&ds, "bin", json!({"columns": ["a"], "bins": 2}));
        assert_eq!(
            f(&tr, "a_bin"),
            vec![Some(0.), Some(0.), None, Some(1.), Some(1.)]
        );
        let (tr, _) = run1(&ds, "power_transform", json!({"columns": ["a"]}));
        assert!(f(&tr, "a")[4].unwrap() < 100.0);
    }
}
