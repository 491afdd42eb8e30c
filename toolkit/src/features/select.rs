//! Feature selection that really drops columns: by variance, by correlation with the target, by model
//! importance. Which columns go is decided on train.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, Kind};
use crate::models::gbm::{ColMajor, Gbm, GbmParams, Loss};
use crate::profile::{Moments, pearson};
use crate::spec::Task;
use crate::tool::{Category, DropColumns, FitCx, NUMERIC, Tool};

/// Drops near-constant columns.
pub struct SelectVariance;

/// Parameters of `select_variance`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectVarianceParams {
    /// Drop numeric features whose train variance is at most this (default 0: constants only).
    #[serde(default)]
    pub threshold: f64,
}

impl Tool for SelectVariance {
    const NAME: &'static str = "select_variance";
    const EXAMPLE: &'static str = r#"{}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Drops numeric features whose variance on train is at most `threshold` (default 0, \
        i.e. constant columns) and text features with a single value in train. Such columns carry no signal.";
    type Params = SelectVarianceParams;
    type State = DropColumns;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let mut drop = Vec::new();
        for c in cx.features() {
            let constant = match frame::kind(cx.train, &c)? {
                Kind::Numeric | Kind::Bool => {
                    let s: Vec<f64> = frame::f64s(cx.train, &c)?
                        .into_iter()
                        .flatten()
                        .filter(|x| x.is_finite())
                        .collect();
                    s.is_empty() || Moments::of(&s).std.powi(2) <= p.threshold
                }
                _ => {
                    let v = frame::strs(cx.train, &c)?;
                    let mut values = v.iter().flatten();
                    let first = values.next();
                    values.all(|s| Some(s) == first)
                }
            };
            if constant {
                drop.push(c);
            }
        }
        Ok(DropColumns(drop))
    }
}

/// Keeps the features most correlated with the target.
pub struct SelectCorrelation;

/// Parameters of `select_correlation`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectCorrelationParams {
    /// Keep at most this many numeric features, by |correlation| with the target.
    #[serde(default)]
    pub k: Option<usize>,
    /// Drop numeric features whose |correlation| with the target is below this.
    #[serde(default)]
    pub min_abs_corr: Option<f64>,
    /// Of two features correlated above this (e.g. 0.98), drop the one less correlated with the target.
    #[serde(default)]
    pub max_pairwise: Option<f64>,
}

impl Tool for SelectCorrelation {
    const NAME: &'static str = "select_correlation";
    const EXAMPLE: &'static str = r#"{"k": 2}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Drops numeric features by Pearson correlation on train: keeps the `k` most \
        correlated with the (first) target, drops those below `min_abs_corr`, and of any pair correlated above \
        `max_pairwise` drops the weaker one. Text features are left alone. Linear measure: prefer \
        select_importance for tree models.";
    type Params = SelectCorrelationParams;
    type State = DropColumns;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        if p.k.is_none() && p.min_abs_corr.is_none() && p.max_pairwise.is_none() {
            return Err(ToolkitError::params(
                Self::NAME,
                "give at least one of `k`, `min_abs_corr`, `max_pairwise`",
            ));
        }
        let y: Vec<Option<f64>> = cx
            .target()?
            .into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect();
        let cols = cx.resolve(Self::NAME, None, NUMERIC)?;
        let data: Vec<Vec<Option<f64>>> = cols
            .iter()
            .map(|c| frame::f64s(cx.train, c))
            .collect::<Result<_>>()?;
        let corr: Vec<f64> = data
            .iter()
            .map(|d| pearson(d, &y).unwrap_or(0.0).abs())
            .collect();
        let mut order: Vec<usize> = (0..cols.len()).collect();
        order.sort_by(|&a, &b| corr[b].total_cmp(&corr[a]).then(a.cmp(&b)));
        let mut kept: Vec<usize> = Vec::new();
        for i in order {
            if p.min_abs_corr.is_some_and(|m| corr[i] < m) {
                continue;
            }
            if let Some(mp) = p.max_pairwise
                && kept
                    .iter()
                    .any(|&j| pearson(&data[i], &data[j]).is_some_and(|r| r.abs() > mp))
            {
                continue;
            }
            kept.push(i);
        }
        if let Some(k) = p.k {
            kept.truncate(k.max(1));
        }
        let drop = (0..cols.len())
            .filter(|i| !kept.contains(i))
            .map(|i| cols[i].clone())
            .collect();
        Ok(DropColumns(drop))
    }
}

/// Keeps the features a quick gradient-boosting model finds most important.
pub struct SelectImportance;

/// Parameters of `select_importance`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectImportanceParams {
    /// Keep this many numeric features (default 30).
    #[serde(default = "thirty")]
    pub k: usize,
}

fn thirty() -> usize {
    30
}

impl Tool for SelectImportance {
    const NAME: &'static str = "select_importance";
    const EXAMPLE: &'static str = r#"{"k": 2}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Fits a quick gradient-boosting model (100 rounds, depth 4) on train's numeric \
        features and keeps the `k` with the largest total gain, dropping the rest. Text features are left \
        alone (encode them first). Deterministic for a given seed.";
    type Params = SelectImportanceParams;
    type State = DropColumns;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let cols = cx.resolve(Self::NAME, None, NUMERIC)?;
        if cols.len() <= p.k {
            return Ok(DropColumns(vec![]));
        }
        let y = cx.target()?;
        let rows: Vec<usize> = (0..y.len()).filter(|&i| !y[i].is_nan()).collect();
        let x = frame::matrix_col_major(&frame::take_rows(cx.train, &rows)?, &cols)?;
        let y: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let loss = if cx.task == Task::Binary {
            Loss::Logistic
        } else {
            Loss::Squared
        };
        let params = GbmParams {
            iterations: 100,
            max_depth: 4,
            learning_rate: 0.1,
            ..GbmParams::default()
        };
        let data = ColMajor {
            x: &x,
            rows: rows.len(),
            cols: cols.len(),
            categorical: &[],
        };
        let model = Gbm::fit(data, &y, loss, &params, cx.seed, None, None)?;
        let imp = model.importance();
        let mut order: Vec<usize> = (0..cols.len()).collect();
        order.sort_by(|&a, &b| imp[b].total_cmp(&imp[a]).then(a.cmp(&b)));
        let drop = order[p.k.max(1)..]
            .iter()
            .map(|&i| cols[i].clone())
            .collect();
        Ok(DropColumns(drop))
    }
}
