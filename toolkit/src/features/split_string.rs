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

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Splitter {
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
    type State = Splitter;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
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
        Ok(Splitter {
            column: p.column.clone(),
            delimiter: p.delimiter.clone(),
            parts,
            drop: p.drop_original,
        })
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::spec::Task;
    use crate::testing::*;

    #[test]
    fn split_string_group_aggregate_and_pairwise() {
        let train = df(vec![
            ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
            ("Cabin", C::S(vec![Some("B/0/P"), Some("F/12/S"), None])),
            ("g", C::S(vec![Some("a"), Some("a"), Some("b")])),
            ("x", C::F(vec![Some(1.), Some(3.), Some(10.)])),
            ("z", C::F(vec![Some(2.), Some(0.), Some(5.)])),
            ("y", C::F(vec![Some(0.), Some(1.), Some(1.)])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(4.)])),
            ("Cabin", C::S(vec![Some("G/7/S")])),
            ("g", C::S(vec![Some("c")])),
            ("x", C::F(vec![Some(4.)])),
            ("z", C::F(vec![Some(2.)])),
        ]);
        let ds = dataset(train, test, Task::Binary);
        let (tr, te) = run1(
            &ds,
            "split_string",
            json!({"column": "Cabin", "delimiter": "/", "names": ["deck", "num", "side"]}),
        );
        assert_eq!(
            s(&tr, "deck"),
            vec![Some("B".into()), Some("F".into()), None]
        );
        assert_eq!(f(&tr, "num"), vec![Some(0.), Some(12.), None]);
        assert_eq!(f(&te, "num"), vec![Some(7.)]);
        assert_eq!(s(&te, "side"), vec![Some("S".into())]);
        let (tr, te) = run1(
            &ds,
            "group_aggregate",
            json!({"group_by": "g", "column": "x", "aggs": ["mean", "count"]}),
        );
        assert_eq!(f(&tr, "x_mean_by_g"), vec![Some(2.), Some(2.), Some(10.)]);
        assert_eq!(
            f(&te, "x_mean_by_g"),
            vec![Some(14.0 / 3.0)],
            "unseen group gets the overall mean"
        );
        assert_eq!(f(&te, "x_count_by_g"), vec![Some(0.)]);
        assert_eq!(
            f(&tr, "x_count_by_g"),
            vec![Some(1.), Some(1.), Some(0.)],
            "a train row counts the other train rows in its group, as a test row would"
        );
        let (tr, te) = run1(
            &ds,
            "pairwise",
            json!({"pairs": [["x", "z"]], "ops": ["ratio", "sum"]}),
        );
        assert_eq!(f(&tr, "x_div_z"), vec![Some(0.5), None, Some(2.)]);
        assert_eq!(f(&te, "x_plus_z"), vec![Some(6.)]);
        let (tr, _) = run1(&ds, "polynomial", json!({"columns": ["x", "z"]}));
        assert_eq!(f(&tr, "x_x_x"), vec![Some(1.), Some(9.), Some(100.)]);
        assert_eq!(f(&tr, "x_x_z"), vec![Some(2.), Some(0.), Some(50.)]);
    }
}
