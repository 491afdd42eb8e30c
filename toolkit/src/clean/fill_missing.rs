//! `fill_missing`: imputes numeric and text columns with statistics learned on train.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame::{self, DataFrame, Kind};
use crate::profile::Moments;
use crate::tool::{Category, FitCx, Fitted, Split, Tool, median};

/// Fills missing values (NaN and ±inf count as missing in numeric columns).
pub struct FillMissing;

/// How to choose the fill value.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FillStrategy {
    /// Numbers: median if |skew| > 1, else mean. Text: the most frequent value.
    #[default]
    Auto,
    /// Mean of train (numbers only; text falls back to mode).
    Mean,
    /// Median of train (numbers only; text falls back to mode).
    Median,
    /// Most frequent value in train.
    Mode,
    /// The given `value`.
    Constant,
}

/// Parameters of `fill_missing`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillMissingParams {
    /// Columns to fill; default: every feature column.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// How to choose the fill value (default auto).
    #[serde(default)]
    pub strategy: FillStrategy,
    /// The value for `constant` (a number for numeric columns, text for text columns).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// Add a 0/1 column `<col>_was_missing` for each column with missing values in train.
    #[serde(default)]
    pub indicator: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
enum Fill {
    Num(f64),
    Text(String),
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Fitted_ {
    fills: Vec<(String, Fill, bool)>,
}

impl Tool for FillMissing {
    const NAME: &'static str = "fill_missing";
    const EXAMPLE: &'static str = r#"{"indicator": true}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Fills missing values in numeric and text columns with a value learned on train \
        (auto: median for skewed numbers, mean otherwise, most frequent value for text; or mean / median / mode / \
        a constant), the same value on train and test. Optionally adds a 0/1 `<col>_was_missing` indicator for \
        columns that had missing values in train. A column missing in every train row gets 0 or \"missing\".";
    type Params = FillMissingParams;
    type State = Fitted_;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let cols = cx.resolve(
            Self::NAME,
            p.columns.as_ref(),
            &[Kind::Numeric, Kind::Bool, Kind::Text],
        )?;
        if p.strategy == FillStrategy::Constant && p.value.is_none() {
            return Err(crate::error::ToolkitError::params(
                Self::NAME,
                "strategy `constant` needs `value`",
            ));
        }
        let mut fills = Vec::new();
        for c in cols {
            let kind = frame::kind(cx.train, &c)?;
            let had_missing = frame::missing(cx.train, &c)? > 0;
            let fill = if kind == Kind::Text {
                match (&p.strategy, &p.value) {
                    (FillStrategy::Constant, Some(val)) => Fill::Text(
                        val.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| val.to_string()),
                    ),
                    _ => Fill::Text(
                        frame::value_counts(cx.train, &c)?
                            .into_iter()
                            .next()
                            .map_or_else(|| "missing".to_string(), |(v, _)| v),
                    ),
                }
            } else {
                let value = match p.strategy {
                    FillStrategy::Constant => {
                        match p.value.as_ref().and_then(serde_json::Value::as_f64) {
                            Some(x) => Some(x),
                            None => {
                                return Err(crate::error::ToolkitError::params(
                                    Self::NAME,
                                    format!("column `{c}` is numeric: `value` must be a number"),
                                ));
                            }
                        }
                    }
                    strategy => frame::with_finite_f64s(cx.train, &c, |v| number(strategy, v))?,
                };
                Fill::Num(value.unwrap_or(0.0))
            };
            fills.push((c, fill, p.indicator && had_missing));
        }
        Ok(Fitted_ { fills })
    }
}

/// The fill for a numeric column with these finite train values (None when there are none).
fn number(strategy: FillStrategy, v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    match strategy {
        // `constant` never comes here (its value is given); it shares the mean's arm to keep the match whole.
        FillStrategy::Mean | FillStrategy::Constant => Some(Moments::of(v).mean),
        FillStrategy::Median => median(v.to_vec()),
        FillStrategy::Mode => mode(v.to_vec()),
        FillStrategy::Auto => {
            let m = Moments::of(v);
            if m.skew.abs() > 1.0 {
                median(v.to_vec())
            } else {
                Some(m.mean)
            }
        }
    }
}

/// The most frequent value (ties broken by the smaller value, so the result is deterministic).
fn mode(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_unstable_by(f64::total_cmp);
    let mut best: Option<(f64, usize)> = None;
    for run in xs.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| run.len() > n) {
            best = Some((run[0], run.len()));
        }
    }
    best.map(|(x, _)| x)
}

impl Fitted for Fitted_ {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (c, fill, indicator) in &self.fills {
            // A complete column of the type a fill writes is left as it is, and so are category
            // codes, which are never missing (an unseen category has its own code).
            let written_type = match fill {
                Fill::Num(_) => frame::is_f64(&df, c)? || frame::is_codes(&df, c)?,
                Fill::Text(_) => frame::is_string(&df, c)?,
            };
            if written_type && frame::complete(&df, c)? {
                if *indicator {
                    let zeros = vec![Some(0.0); df.height()];
                    frame::put_f64(&mut df, &format!("{c}_was_missing"), zeros)?;
                }
                continue;
            }
            let flags = match fill {
                Fill::Num(x) => frame::fill_f64(&mut df, c, *x)?,
                Fill::Text(s) => frame::fill_str(&mut df, c, s)?,
            };
            if *indicator {
                frame::put_f64_full(&mut df, &format!("{c}_was_missing"), flags)?;
            }
        }
        Ok(df)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::*;

    #[test]
    fn fill_missing_learns_on_train_and_fills_a_column_missing_everywhere_in_test() {
        let ds = small();
        let (tr, te) = run1(
            &ds,
            "fill_missing",
            json!({"strategy": "median", "indicator": true}),
        );
        // median of 1, 2, 4, 100 = 3
        assert_eq!(
            f(&tr, "a"),
            vec![Some(1.), Some(2.), Some(3.), Some(4.), Some(100.)]
        );
        assert_eq!(f(&te, "a"), vec![Some(3.); 3]);
        assert_eq!(
            f(&tr, "a_was_missing"),
            vec![Some(0.), Some(0.), Some(1.), Some(0.), Some(0.)]
        );
        assert_eq!(f(&te, "a_was_missing"), vec![Some(1.); 3]);
        assert_eq!(s(&tr, "cat")[3].as_deref(), Some("x"));
        assert_eq!(
            s(&te, "cat"),
            vec![Some("z".into()), Some("y".into()), Some("x".into())]
        );
        let (tr, _) = run1(
            &ds,
            "fill_missing",
            json!({"columns": ["a"], "strategy": "mean"}),
        );
        assert_eq!(f(&tr, "a")[2], Some(26.75));
        let (tr, _) = run1(
            &ds,
            "fill_missing",
            json!({"columns": ["a"], "strategy": "constant", "value": -1}),
        );
        assert_eq!(f(&tr, "a")[2], Some(-1.0));
        // auto: skewed column (100 is far out) gets the median
        let (tr, _) = run1(&ds, "fill_missing", json!({"columns": ["a"]}));
        assert_eq!(f(&tr, "a")[2], Some(3.0));
        assert!(
            run1_err(&ds, "fill_missing", json!({"strategy": "constant"}))
                .contains("needs `value`")
        );
    }

    #[test]
    fn mode_takes_the_most_frequent_value_and_the_smaller_on_a_tie() {
        let train = df(vec![
            ("id", C::F((1..=7).map(|i| Some(i as f64)).collect())),
            (
                "n",
                C::F(vec![
                    Some(9.),
                    Some(10.),
                    Some(9.),
                    None,
                    Some(10.),
                    Some(2.),
                    None,
                ]),
            ),
            (
                "t",
                C::S(vec![
                    Some("b"),
                    Some("a"),
                    Some("b"),
                    None,
                    Some("a"),
                    Some("c"),
                    Some("c"),
                ]),
            ),
            ("y", C::F(vec![Some(0.); 7])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(8.)])),
            ("n", C::F(vec![None])),
            ("t", C::S(vec![None])),
        ]);
        let ds = dataset(train, test, crate::spec::Task::Binary);
        let (tr, te) = run1(&ds, "fill_missing", json!({"strategy": "mode"}));
        // 9 and 10 appear twice each: 9 (as a number, not "10" < "9" as text).
        assert_eq!(f(&tr, "n")[3], Some(9.));
        assert_eq!(f(&te, "n"), vec![Some(9.)]);
        // a, b and c appear twice each: a.
        assert_eq!(s(&tr, "t")[3].as_deref(), Some("a"));
        assert_eq!(s(&te, "t"), vec![Some("a".into())]);
    }
}
