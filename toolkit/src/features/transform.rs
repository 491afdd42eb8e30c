//! `log1p`, `power_transform` and `bin`: shape-changing transforms of numeric columns.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame;
use crate::profile::Moments;
use crate::tool::{Category, FitCx, MapNumeric, NUMERIC, NumOp, Tool, quantile, sorted_finite};

/// Parameters of the column transforms.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransformParams {
    /// Numeric columns; default: numeric features whose train skew exceeds 1 in absolute value.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
}

fn skewed(cx: &FitCx, tool: &str, cols: Option<&Vec<String>>) -> Result<Vec<String>> {
    let named = cols.is_some();
    let mut out = Vec::new();
    for c in cx.resolve(tool, cols, &NUMERIC[..1])? {
        let s = sorted_finite(&frame::f64s(cx.train, &c)?);
        if named || (!s.is_empty() && Moments::of(&s).skew.abs() > 1.0) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Signed log1p.
pub struct Log1p;

/// sign(x) * ln(1 + |x|).
pub fn signed_log1p(x: f64) -> f64 {
    x.signum() * x.abs().ln_1p()
}

impl Tool for Log1p {
    const NAME: &'static str = "log1p";
    const EXAMPLE: &'static str = r#"{"columns": ["n1", "n2"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Replaces numeric columns with sign(x)*ln(1+|x|), which tames right-skewed counts \
        and amounts (ln(1+x) for x >= 0) and is defined for negative values too. Default columns: those with \
        train skew above 1 in absolute value.";
    type Params = TransformParams;
    type State = MapNumeric<SignedLog1p>;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let maps = skewed(cx, Self::NAME, p.columns.as_ref())?
            .into_iter()
            .map(|c| (c.clone(), c, SignedLog1p))
            .collect();
        Ok(MapNumeric { maps })
    }
}

/// sign(x)·ln(1+|x|) of each value.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct SignedLog1p;

impl NumOp for SignedLog1p {
    fn map(&self, v: Option<f64>) -> Option<f64> {
        v.map(signed_log1p)
    }
}

/// Yeo–Johnson power transform.
pub struct PowerTransform;

/// The Yeo–Johnson transform with the λ fitted on train.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct YeoJohnson(f64);

impl NumOp for YeoJohnson {
    fn map(&self, v: Option<f64>) -> Option<f64> {
        v.map(|x| yeo_johnson(x, self.0))
    }
}

/// The Yeo–Johnson transform of `x` with parameter `l`.
pub fn yeo_johnson(x: f64, l: f64) -> f64 {
    if x >= 0.0 {
        if l.abs() < 1e-9 {
            x.ln_1p()
        } else {
            ((x + 1.0).powf(l) - 1.0) / l
        }
    } else if (l - 2.0).abs() < 1e-9 {
        -(-x).ln_1p()
    } else {
        -((1.0 - x).powf(2.0 - l) - 1.0) / (2.0 - l)
    }
}

/// The λ in [-2, 2] (step 0.1) maximising the Yeo–Johnson normal log-likelihood of `xs`.
pub fn fit_lambda(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let log_jac: f64 = xs.iter().map(|x| x.signum() * x.abs().ln_1p()).sum();
    let mut best = (f64::NEG_INFINITY, 1.0);
    for i in -20..=20 {
        let l = f64::from(i) / 10.0;
        let t: Vec<f64> = xs.iter().map(|&x| yeo_johnson(x, l)).collect();
        let m = Moments::of(&t);
        if m.std.is_nan() || m.std <= 0.0 || !m.std.is_finite() {
            continue;
        }
        let ll = -n / 2.0 * (m.std * m.std).ln() + (l - 1.0) * log_jac;
        if ll > best.0 {
            best = (ll, l);
        }
    }
    best.1
}

impl Tool for PowerTransform {
    const NAME: &'static str = "power_transform";
    const EXAMPLE: &'static str = r#"{"columns": ["n1", "n2"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Applies the Yeo-Johnson power transform with a lambda fitted on train by maximum \
        likelihood (grid over -2..2), making skewed columns closer to normal; works for negative values. \
        Default columns: those with train skew above 1 in absolute value.";
    type Params = TransformParams;
    type State = MapNumeric<YeoJohnson>;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let mut maps = Vec::new();
        for c in skewed(cx, Self::NAME, p.columns.as_ref())? {
            let xs = sorted_finite(&frame::f64s(cx.train, &c)?);
            let l = if xs.is_empty() { 1.0 } else { fit_lambda(&xs) };
            maps.push((c.clone(), c, YeoJohnson(l)));
        }
        Ok(MapNumeric { maps })
    }
}

/// Bins numeric columns.
pub struct Bin;

/// Bin edges learned on train: a value's bin is the number of edges below it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Bins(Vec<f64>);

impl NumOp for Bins {
    fn map(&self, v: Option<f64>) -> Option<f64> {
        v.filter(|x| !x.is_nan())
            .map(|x| self.0.partition_point(|e| *e < x) as f64)
    }
}

/// How bin edges are placed.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BinStrategy {
    /// Equal-count bins (train quantiles).
    #[default]
    Quantile,
    /// Equal-width bins over train's range.
    Uniform,
}

/// Parameters of `bin`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BinParams {
    /// Numeric columns to bin.
    pub columns: Vec<String>,
    /// Number of bins, 2..=100 (default 5).
    #[serde(default = "five")]
    pub bins: usize,
    /// Edge placement (default quantile).
    #[serde(default)]
    pub strategy: BinStrategy,
}

fn five() -> usize {
    5
}

impl Tool for Bin {
    const NAME: &'static str = "bin";
    const EXAMPLE: &'static str = r#"{"columns": ["n2"], "bins": 3}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds `<col>_bin`, the index (0..bins-1) of the bin each value falls in, with edges \
        learned on train (quantile: equal counts; uniform: equal widths). Values beyond train's range go to the \
        first or last bin; missing stays missing. E.g. Age -> age groups.";
    type Params = BinParams;
    type State = MapNumeric<Bins>;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        if !(2..=100).contains(&p.bins) {
            return Err(ToolkitError::params(
                Self::NAME,
                format!("bins = {} is not in 2..=100", p.bins),
            ));
        }
        let mut maps = Vec::new();
        for c in cx.resolve(Self::NAME, Some(&p.columns), &NUMERIC[..1])? {
            let s = sorted_finite(&frame::f64s(cx.train, &c)?);
            let mut edges: Vec<f64> = (1..p.bins)
                .filter_map(|i| {
                    let q = i as f64 / p.bins as f64;
                    match p.strategy {
                        BinStrategy::Quantile => quantile(&s, q),
                        BinStrategy::Uniform => Some(s.first()? + q * (s.last()? - s.first()?)),
                    }
                })
                .collect();
            edges.dedup();
            maps.push((c.clone(), format!("{c}_bin"), Bins(edges)));
        }
        Ok(MapNumeric { maps })
    }
}
