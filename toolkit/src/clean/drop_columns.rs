//! `drop_columns` and `drop_missing_columns`: remove features by name or by missing fraction on train.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame;
use crate::tool::{Category, DropColumns as Drop, FitCx, Tool};

/// Drops named feature columns.
pub struct DropColumns;

/// Parameters of `drop_columns`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DropColumnsParams {
    /// Columns to drop (never the id or a target).
    pub columns: Vec<String>,
}

impl Tool for DropColumns {
    const NAME: &'static str = "drop_columns";
    const EXAMPLE: &'static str = r#"{"columns": ["cab"]}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Drops the named feature columns from train and test, e.g. free text such as names \
        that no model can use. The id and the targets cannot be dropped.";
    type Params = DropColumnsParams;
    type State = Drop;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        for c in &p.columns {
            cx.require(Self::NAME, c)?;
        }
        Ok(Drop(p.columns.clone()))
    }
}

/// Drops features whose missing fraction on train exceeds a threshold.
pub struct DropMissingColumns;

/// Parameters of `drop_missing_columns`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DropMissingColumnsParams {
    /// Drop a feature when more than this fraction of its train values are missing (0..1, default 0.5).
    #[serde(default = "half")]
    pub threshold: f64,
}

fn half() -> f64 {
    0.5
}

impl Tool for DropMissingColumns {
    const NAME: &'static str = "drop_missing_columns";
    const EXAMPLE: &'static str = r#"{"threshold": 0.5}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Drops every feature column whose fraction of missing values in train is above \
        `threshold` (default 0.5). Which columns go is decided on train alone and the same columns leave test.";
    type Params = DropMissingColumnsParams;
    type State = Drop;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        if !(0.0..=1.0).contains(&p.threshold) {
            return Err(ToolkitError::params(
                Self::NAME,
                format!("threshold {} is not in [0, 1]", p.threshold),
            ));
        }
        let n = cx.train.height().max(1) as f64;
        let mut drop = Vec::new();
        for c in cx.features() {
            if frame::missing(cx.train, &c)? as f64 / n > p.threshold {
                drop.push(c);
            }
        }
        Ok(Drop(drop))
    }
}
