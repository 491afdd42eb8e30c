//! `convert_dtype`: casts columns to float, int, string or bool, identically on train and test.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame::{self, CastTo, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, Tool};

/// Casts columns.
pub struct ConvertDtype;

/// Parameters of `convert_dtype`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertDtypeParams {
    /// Columns to cast.
    pub columns: Vec<String>,
    /// The type to cast to.
    pub to: CastTo,
}

struct Cast(Vec<String>, CastTo);

impl Tool for ConvertDtype {
    const NAME: &'static str = "convert_dtype";
    const EXAMPLE: &'static str = r#"{"columns": ["n3"], "to": "string"}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Casts columns to `float`, `int`, `string` or `bool`. Text cast to a number is \
        parsed (\"1.5\" -> 1.5; anything unparseable becomes missing); text cast to bool accepts true/false, \
        yes/no, 1/0; booleans cast to numbers become 0/1.";
    type Params = ConvertDtypeParams;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Box<dyn Fitted>> {
        for c in &p.columns {
            cx.require(Self::NAME, c)?;
        }
        Ok(Box::new(Cast(p.columns.clone(), p.to)))
    }
}

impl Fitted for Cast {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for c in &self.0 {
            frame::cast(&mut df, c, self.1)?;
        }
        Ok(df)
    }
}
