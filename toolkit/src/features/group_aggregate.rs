//! `group_aggregate`: per-group statistics of a numeric column learned on train and mapped back to rows.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, Kind};
use crate::profile::Moments;
use crate::tool::{Category, FitCx, MapText, TextMap, Tool, quantile, sorted_finite};

/// Group statistics.
pub struct GroupAggregate;

/// A statistic.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    /// Mean.
    Mean,
    /// Standard deviation.
    Std,
    /// Median.
    Median,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Number of other train rows in the group: a train row does not count itself, so a count
    /// means the same on train and test (one passenger on a shared ticket sees 1 either way).
    Count,
}

/// Parameters of `group_aggregate`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupAggregateParams {
    /// The grouping column (text or integer-like).
    pub group_by: String,
    /// The numeric column to summarise.
    pub column: String,
    /// Statistics (default: mean).
    #[serde(default = "mean")]
    pub aggs: Vec<Agg>,
}

fn mean() -> Vec<Agg> {
    vec![Agg::Mean]
}

fn stat(agg: Agg, xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return if agg == Agg::Count { 0.0 } else { f64::NAN };
    }
    match agg {
        Agg::Mean => Moments::of(xs).mean,
        Agg::Std => Moments::of(xs).std,
        Agg::Median => quantile(xs, 0.5).unwrap_or(f64::NAN),
        Agg::Min => xs[0],
        Agg::Max => xs[xs.len() - 1],
        Agg::Count => xs.len() as f64,
    }
}

impl Tool for GroupAggregate {
    const NAME: &'static str = "group_aggregate";
    const EXAMPLE: &'static str =
        r#"{"group_by": "cat", "column": "n3", "aggs": ["mean", "std", "max"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds `<column>_<agg>_by_<group_by>`: a statistic (mean, std, median, min, max, \
        count) of a numeric column within each group of another column, computed on train and mapped to train \
        and test rows by group. Groups unseen in train get the statistic over all of train. `count` is the \
        number of other train rows in the group (a train row does not count itself; unseen: 0). E.g. \
        mean Fare by Pclass.";
    type Params = GroupAggregateParams;
    type State = MapText;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        cx.require(Self::NAME, &p.group_by)?;
        cx.resolve(
            Self::NAME,
            Some(&vec![p.column.clone()]),
            &[Kind::Numeric, Kind::Bool],
        )?;
        if p.aggs.is_empty() {
            return Err(ToolkitError::params(Self::NAME, "`aggs` is empty"));
        }
        let groups = frame::strs(cx.train, &p.group_by)?;
        let values = frame::f64s(cx.train, &p.column)?;
        let mut by: HashMap<String, Vec<f64>> = HashMap::new();
        for (g, v) in groups.iter().zip(&values) {
            if let (Some(g), Some(v)) = (g, v)
                && v.is_finite()
            {
                by.entry(g.clone()).or_default().push(*v);
            }
        }
        let mut all = sorted_finite(&values);
        let maps = p
            .aggs
            .iter()
            .map(|&agg| {
                let table: HashMap<String, f64> = by
                    .iter()
                    .map(|(g, xs)| (g.clone(), stat(agg, &mut xs.clone())))
                    .collect();
                let overall = if agg == Agg::Count {
                    0.0
                } else {
                    stat(agg, &mut all)
                };
                let name = format!(
                    "{}_{}_by_{}",
                    p.column,
                    format!("{agg:?}").to_lowercase(),
                    p.group_by
                );
                // A train row is not among the others in its group: counted as a test row is.
                let train_values = (agg == Agg::Count).then(|| {
                    groups
                        .iter()
                        .zip(&values)
                        .map(|(g, v)| {
                            let own = f64::from(u8::from(v.is_some_and(f64::is_finite)));
                            let n = g.as_ref().and_then(|g| table.get(g).copied());
                            n.map_or(0.0, |n: f64| n - own)
                        })
                        .collect()
                });
                TextMap {
                    input: p.group_by.clone(),
                    output: name,
                    table,
                    unseen: Some(overall),
                    train_values,
                    codes: false,
                }
            })
            .collect();
        Ok(MapText {
            maps,
            drop_inputs: false,
        })
    }
}
