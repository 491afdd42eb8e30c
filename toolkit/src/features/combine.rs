//! `polynomial` and `pairwise`: products, powers, ratios, sums and differences of numeric columns.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, NUMERIC, Split, Tool};

/// An arithmetic combination of two columns.
#[derive(Clone, Copy, Debug, serde::Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// a * b, named `a_x_b`.
    Product,
    /// a / b (missing where b is 0), named `a_div_b`.
    Ratio,
    /// a + b, named `a_plus_b`.
    Sum,
    /// a - b, named `a_minus_b`.
    Difference,
}

impl Op {
    fn name(self, a: &str, b: &str) -> String {
        let op = match self {
            Self::Product => "x",
            Self::Ratio => "div",
            Self::Sum => "plus",
            Self::Difference => "minus",
        };
        format!("{a}_{op}_{b}")
    }
    fn eval(self, a: f64, b: f64) -> Option<f64> {
        match self {
            Self::Product => Some(a * b),
            Self::Ratio => (b != 0.0).then(|| a / b),
            Self::Sum => Some(a + b),
            Self::Difference => Some(a - b),
        }
    }
}

/// A list of (a, b, op, output name), computed row by row; nothing is learned.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Combos(Vec<(String, String, Op, String)>);

impl Fitted for Combos {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (a, b, op, name) in &self.0 {
            let (x, y) = (frame::f64s(&df, a)?, frame::f64s(&df, b)?);
            let v = x.into_iter().zip(y).map(|(x, y)| op.eval(x?, y?)).collect();
            frame::put_f64(&mut df, name, v)?;
        }
        Ok(df)
    }
}

/// Pairwise combinations of named column pairs.
pub struct Pairwise;

/// Parameters of `pairwise`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PairwiseParams {
    /// Column pairs [a, b].
    pub pairs: Vec<[String; 2]>,
    /// Operations applied to every pair (default: all four).
    #[serde(default = "all_ops")]
    pub ops: Vec<Op>,
}

fn all_ops() -> Vec<Op> {
    vec![Op::Product, Op::Ratio, Op::Sum, Op::Difference]
}

impl Tool for Pairwise {
    const NAME: &'static str = "pairwise";
    const EXAMPLE: &'static str = r#"{"pairs": [["n1", "n3"]]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "For each pair [a, b] of numeric columns, adds product `a_x_b`, ratio `a_div_b` \
        (missing where b = 0), sum `a_plus_b` and/or difference `a_minus_b`, as chosen in `ops`. E.g. \
        SibSp + Parch = family size; Weight / Height.";
    type Params = PairwiseParams;
    type State = Combos;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        if p.ops.is_empty() {
            return Err(ToolkitError::params(Self::NAME, "`ops` is empty"));
        }
        let mut out = Vec::new();
        for [a, b] in &p.pairs {
            cx.resolve(Self::NAME, Some(&vec![a.clone(), b.clone()]), NUMERIC)?;
            for op in &p.ops {
                out.push((a.clone(), b.clone(), *op, op.name(a, b)));
            }
        }
        Ok(Combos(out))
    }
}

/// Degree-2 polynomial features.
pub struct Polynomial;

/// Parameters of `polynomial`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolynomialParams {
    /// Numeric columns (2 to 10 of them).
    pub columns: Vec<String>,
    /// Only products of different columns, no squares (default false).
    #[serde(default)]
    pub interaction_only: bool,
}

impl Tool for Polynomial {
    const NAME: &'static str = "polynomial";
    const EXAMPLE: &'static str = r#"{"columns": ["n1", "n2"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds degree-2 polynomial features of up to 10 numeric columns: every product \
        `a_x_b` of two different columns and, unless `interaction_only`, every square `a_x_a`.";
    type Params = PolynomialParams;
    type State = Combos;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        if p.columns.len() > 10 || p.columns.is_empty() {
            return Err(ToolkitError::params(
                Self::NAME,
                format!("{} columns given; name 1 to 10", p.columns.len()),
            ));
        }
        let cols = cx.resolve(Self::NAME, Some(&p.columns), NUMERIC)?;
        let mut out = Vec::new();
        for (i, a) in cols.iter().enumerate() {
            for b in &cols[i..] {
                if a != b || !p.interaction_only {
                    out.push((a.clone(), b.clone(), Op::Product, Op::Product.name(a, b)));
                }
            }
        }
        Ok(Combos(out))
    }
}
