//! `split_string`: splits a delimited text column into parts (Cabin `B/0/P` -> deck, number, side).

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, TEXT, Tool};

/// Splits a text column.
pub struct SplitString;

/// Parameters of `split_string`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitStringParams {
    /// The text column.
    pub column: String,
    /// The delimiter, e.g. "/" or "_".
    pub delimiter: String,
    /// Names of the parts; default `<column>_0`, `<column>_1`, ... for as many parts as train has (at most 10).
    #[serde(default)]
    pub names: Option<Vec<String>>,
    /// Drop the original column (default true).
    #[serde(default = "yes")]
    pub drop_original: bool,
}

fn yes() -> bool {
    true
}

struct Splitter {
    column: String,
    delimiter: String,
    /// (name, numeric?) per part.
    parts: Vec<(String, bool)>,
    drop: bool,
}

impl Tool for SplitString {
    const NAME: &'static str = "split_string";
    const EXAMPLE: &'static str = r#"{"column": "cab", "delimiter": "/"}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Splits a delimited text column into one column per part, e.g. Spaceship Titanic's \
        Cabin `B/0/P` with delimiter `/` into deck, number and side. A part that is numeric in at least 95% of \
        train rows becomes a number column; missing parts stay missing. The number of parts comes from train.";
    type Params = SplitStringParams;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Box<dyn Fitted>> {
        cx.resolve(Self::NAME, Some(&vec![p.column.clone()]), TEXT)?;
        if p.delimiter.is_empty() {
            return Err(ToolkitError::params(Self::NAME, "`delimiter` is empty"));
        }
        let v = frame::strs(cx.train, &p.column)?;
        let n_parts = match &p.names {
            Some(n) if !n.is_empty() => n.len(),
            Some(_) => return Err(ToolkitError::params(Self::NAME, "`names` is empty")),
            None => v
                .iter()
                .flatten()
                .map(|s| s.split(p.delimiter.as_str()).count())
                .max()
                .unwrap_or(1)
                .min(10),
        };
        let mut parts = Vec::new();
        for i in 0..n_parts {
            let name = p
                .names
                .as_ref()
                .map_or_else(|| format!("{}_{i}", p.column), |n| n[i].clone());
            let present: Vec<&str> = v
                .iter()
                .flatten()
                .filter_map(|s| s.split(p.delimiter.as_str()).nth(i))
                .collect();
            let numeric = !present.is_empty()
                && present
                    .iter()
                    .filter(|s| s.trim().parse::<f64>().is_ok())
                    .count()
                    * 20
                    >= present.len() * 19;
            parts.push((name, numeric));
        }
        Ok(Box::new(Splitter {
            column: p.column.clone(),
            delimiter: p.delimiter.clone(),
            parts,
            drop: p.drop_original,
        }))
    }
}

impl Fitted for Splitter {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        let v = frame::strs(&df, &self.column)?;
        for (i, (name, numeric)) in self.parts.iter().enumerate() {
            let part: Vec<Option<String>> = v
                .iter()
                .map(|s| {
                    s.as_ref()
                        .and_then(|s| s.split(self.delimiter.as_str()).nth(i))
                        .map(str::to_string)
                })
                .collect();
            if *numeric {
                frame::put_f64(
                    &mut df,
                    name,
                    part.into_iter()
                        .map(|s| s.and_then(|s| s.trim().parse().ok()))
                        .collect(),
                )?;
            } else {
                frame::put_str(&mut df, name, part)?;
            }
        }
        if self.drop && !self.parts.iter().any(|p| p.0 == self.column) {
            df = frame::drop_cols(&df, std::slice::from_ref(&self.column));
        }
        Ok(df)
    }
}
