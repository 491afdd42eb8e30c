//! `normalize_strings`: trims, lower-cases and collapses whitespace so "Male " and "male" are one category.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, TEXT, Tool};

/// Normalises text columns.
pub struct NormalizeStrings;

/// Parameters of `normalize_strings`.
#[derive(Clone, Debug, serde::Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NormalizeStringsParams {
    /// Text columns; default: every text feature.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Lower-case (default true).
    #[serde(default = "yes")]
    pub lowercase: bool,
    /// Trim and collapse runs of whitespace (default true).
    #[serde(default = "yes")]
    pub whitespace: bool,
    /// Treat empty strings as missing (default true).
    #[serde(default = "yes")]
    pub empty_as_missing: bool,
}

fn yes() -> bool {
    true
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Normalize(Vec<String>, NormalizeStringsParams);

impl Tool for NormalizeStrings {
    const NAME: &'static str = "normalize_strings";
    const EXAMPLE: &'static str = r#"{}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Normalises text columns: trims and collapses whitespace, lower-cases, and turns \
        empty strings into missing values, so spelling variants become one category before encoding.";
    type Params = NormalizeStringsParams;
    type State = Normalize;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        Ok(Normalize(
            cx.resolve(Self::NAME, p.columns.as_ref(), TEXT)?,
            p.clone(),
        ))
    }
}

/// Normalises one string as the parameters say.
pub fn normalize(s: &str, p: &NormalizeStringsParams) -> Option<String> {
    let mut out = if p.whitespace {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.to_string()
    };
    if p.lowercase {
        out = out.to_lowercase();
    }
    (!(p.empty_as_missing && out.is_empty())).then_some(out)
}

impl Fitted for Normalize {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for c in &self.0 {
            let v = frame::strs(&df, c)?
                .into_iter()
                .map(|s| s.and_then(|s| normalize(&s, &self.1)))
                .collect();
            frame::put_str(&mut df, c, v)?;
        }
        Ok(df)
    }
}
