//! `remove_duplicates`: drops repeated train rows (train only; test rows are all predicted).

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, Tool};

/// Drops duplicate train rows.
pub struct RemoveDuplicates;

/// Parameters of `remove_duplicates`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveDuplicatesParams {
    /// Columns that define a duplicate; default: every column except the id (targets included).
    #[serde(default)]
    pub subset: Option<Vec<String>>,
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Dedupe(Vec<String>);

impl Tool for RemoveDuplicates {
    const REMOVES_ROWS: bool = true;
    const NAME: &'static str = "remove_duplicates";
    const EXAMPLE: &'static str = r#"{}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Removes train rows that repeat an earlier row on `subset` (default: all columns \
        but the id, targets included), keeping the first. Test is never changed: every test row needs a prediction.";
    type Params = RemoveDuplicatesParams;
    type State = Dedupe;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let cols = match &p.subset {
            Some(s) => {
                for c in s {
                    if !frame::has(cx.train, c) {
                        cx.require(Self::NAME, c)?;
                    }
                }
                s.clone()
            }
            None => frame::names(cx.train)
                .into_iter()
                .filter(|c| c != cx.id)
                .collect(),
        };
        Ok(Dedupe(cols))
    }
}

impl Fitted for Dedupe {
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame> {
        if split == Split::Test {
            return Ok(df);
        }
        let cols: Vec<Vec<Option<String>>> = self
            .0
            .iter()
            .map(|c| frame::strs(&df, c))
            .collect::<Result<_>>()?;
        let mut seen = HashSet::with_capacity(df.height());
        let keep: Vec<bool> = (0..df.height())
            .map(|i| {
                let key: Vec<Option<&str>> = cols.iter().map(|c| c[i].as_deref()).collect();
                seen.insert(format!("{key:?}"))
            })
            .collect();
        frame::filter_rows(&df, &keep)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::spec::Task;
    use crate::testing::*;

    #[test]
    fn row_removing_tools_touch_train_only() {
        let ds = small();
        let (tr, te) = run1(
            &ds,
            "remove_outlier_rows",
            json!({"columns": ["a"], "max_fraction": 0.5}),
        );
        assert_eq!(tr.height(), 4);
        assert_eq!(te.height(), 3);
        assert!(
            run1_err(
                &ds,
                "remove_outlier_rows",
                json!({"columns": ["a"], "max_fraction": 0.1})
            )
            .contains("would remove 1 of 5")
        );
        let dup = df(vec![
            ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
            ("a", C::F(vec![Some(1.), Some(1.), Some(2.)])),
            ("y", C::F(vec![Some(0.), Some(0.), Some(1.)])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(4.), Some(5.)])),
            ("a", C::F(vec![Some(1.), Some(1.)])),
        ]);
        let (tr, te) = run1(
            &dataset(dup, test, Task::Binary),
            "remove_duplicates",
            json!({}),
        );
        assert_eq!(f(&tr, "id"), vec![Some(1.), Some(3.)]);
        assert_eq!(te.height(), 2);
    }
}
