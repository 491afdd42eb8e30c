//! `one_hot`: 0/1 columns for the most frequent train categories; unknown categories get all zeros.

use schemars::JsonSchema;
use serde::Deserialize;

use super::clean_name;
use crate::error::Result;
use crate::frame::{self, DataFrame, Kind};
use crate::tool::{Category, FitCx, Fitted, Split, Tool};

/// One-hot encodes text columns.
pub struct OneHot;

/// Parameters of `one_hot`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneHotParams {
    /// Text columns; default: every text feature with at most `max_categories` distinct train values.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Keep at most this many categories per column (the most frequent in train; default 10).
    #[serde(default = "ten")]
    pub max_categories: usize,
    /// Drop the text column after encoding (default true).
    #[serde(default = "yes")]
    pub drop_original: bool,
}

fn ten() -> usize {
    10
}
fn yes() -> bool {
    true
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Encoded {
    cols: Vec<(String, Vec<(String, String)>)>,
    drop: bool,
}

impl Tool for OneHot {
    const NAME: &'static str = "one_hot";
    const EXAMPLE: &'static str = r#"{"columns": ["cat"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "One-hot encodes text (or boolean) columns into 0/1 columns named `<col>_<value>`, one \
        per category seen in train, capped at the `max_categories` most frequent. A category unseen in train \
        (or beyond the cap, or missing) gets zeros in every column, so train and test always get the same columns.";
    type Params = OneHotParams;
    type State = Encoded;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        // Each column with its train categories, counted once.
        let mut counted = Vec::new();
        match &p.columns {
            Some(_) => {
                let kinds = [Kind::Text, Kind::Bool, Kind::Numeric];
                for c in cx.resolve(Self::NAME, p.columns.as_ref(), &kinds)? {
                    let counts = frame::value_counts(cx.train, &c)?;
                    counted.push((c, counts));
                }
            }
            None => {
                for c in cx.resolve(Self::NAME, None, &[Kind::Text])? {
                    let counts = frame::value_counts(cx.train, &c)?;
                    if counts.len() <= p.max_categories {
                        counted.push((c, counts));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (c, counts) in counted {
            let cats: Vec<(String, String)> = counts
                .into_iter()
                .take(p.max_categories.max(1))
                .map(|(v, _)| {
                    let name = format!("{c}_{}", clean_name(&v));
                    (v, name)
                })
                .collect();
            out.push((c, cats));
        }
        Ok(Encoded {
            cols: out,
            drop: p.drop_original,
        })
    }
}

impl Fitted for Encoded {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (c, cats) in &self.cols {
            // One pass over the rows sets each row's 1.0 in zeroed columns (a few categories: a
            // scan beats hashing).
            let mut cols = vec![vec![0.0; df.height()]; cats.len()];
            frame::with_strs(&df, c, |rows| {
                for (i, s) in rows.enumerate() {
                    if let Some(j) = s.and_then(|s| cats.iter().position(|(v, _)| v == s)) {
                        cols[j][i] = 1.0;
                    }
                }
            })?;
            for ((_, name), col) in cats.iter().zip(cols) {
                frame::put_f64_full(&mut df, name, col)?;
            }
        }
        if self.drop {
            let drop: Vec<String> = self.cols.iter().map(|c| c.0.clone()).collect();
            df = frame::drop_cols(&df, &drop);
        }
        Ok(df)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::*;

    #[test]
    fn one_hot_gives_unseen_categories_all_zeros_and_caps_categories() {
        let ds = small();
        let (tr, te) = run1(&ds, "one_hot", json!({"columns": ["cat"]}));
        assert_eq!(
            f(&tr, "cat_x"),
            vec![Some(1.), Some(0.), Some(1.), Some(0.), Some(1.)]
        );
        assert_eq!(f(&te, "cat_x"), vec![Some(0.), Some(0.), Some(0.)]);
        assert_eq!(f(&te, "cat_y"), vec![Some(0.), Some(1.), Some(0.)]);
        assert!(!crate::frame::has(&te, "cat_z"));
        assert!(!crate::frame::has(&te, "cat"));
        let (tr, _) = run1(
            &ds,
            "one_hot",
            json!({"columns": ["cat"], "max_categories": 1}),
        );
        assert!(crate::frame::has(&tr, "cat_x") && !crate::frame::has(&tr, "cat_y"));
    }
}
