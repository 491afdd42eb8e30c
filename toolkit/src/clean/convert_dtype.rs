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

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Cast(Vec<String>, CastTo);

impl Tool for ConvertDtype {
    const NAME: &'static str = "convert_dtype";
    const EXAMPLE: &'static str = r#"{"columns": ["n3"], "to": "string"}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Casts columns to `float`, `int`, `string` or `bool`. Text cast to a number is \
        parsed (\"1.5\" -> 1.5; anything unparseable becomes missing); text cast to bool accepts true/false, \
        yes/no, 1/0; booleans cast to numbers become 0/1.";
    type Params = ConvertDtypeParams;
    type State = Cast;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        for c in &p.columns {
            cx.require(Self::NAME, c)?;
        }
        Ok(Cast(p.columns.clone(), p.to))
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::spec::Task;
    use crate::testing::*;

    #[test]
    fn convert_normalize_and_parse_datetime() {
        let train = df(vec![
            ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
            ("t", C::S(vec![Some(" Male "), Some("male"), Some("")])),
            ("n", C::S(vec![Some("1.5"), Some("x"), Some("3")])),
            ("b", C::S(vec![Some("yes"), Some("No"), None])),
            (
                "d",
                C::S(vec![
                    Some("31/12/2020"),
                    Some("01/01/2021"),
                    Some("15/06/2021"),
                ]),
            ),
            ("y", C::F(vec![Some(0.), Some(1.), Some(1.)])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(4.)])),
            ("t", C::S(vec![Some("FEMALE")])),
            ("n", C::S(vec![Some("2")])),
            ("b", C::S(vec![Some("true")])),
            ("d", C::S(vec![Some("02/02/2022")])),
        ]);
        let ds = dataset(train, test, Task::Binary);
        let (tr, te) = run1(&ds, "normalize_strings", json!({"columns": ["t"]}));
        assert_eq!(
            s(&tr, "t"),
            vec![Some("male".into()), Some("male".into()), None]
        );
        assert_eq!(s(&te, "t"), vec![Some("female".into())]);
        let (tr, _) = run1(
            &ds,
            "convert_dtype",
            json!({"columns": ["n"], "to": "float"}),
        );
        assert_eq!(f(&tr, "n"), vec![Some(1.5), None, Some(3.)]);
        let (tr, te) = run1(
            &ds,
            "convert_dtype",
            json!({"columns": ["b"], "to": "bool"}),
        );
        assert_eq!(f(&tr, "b"), vec![Some(1.), Some(0.), None]);
        assert_eq!(f(&te, "b"), vec![Some(1.)]);
        let (tr, te) = run1(&ds, "parse_datetime", json!({"columns": ["d"]}));
        assert_eq!(
            crate::frame::kind(&tr, "d").unwrap(),
            crate::frame::Kind::Temporal
        );
        let (_, te2) = run1(
            &dataset(tr, te, Task::Binary),
            "datetime_parts",
            json!({"columns": ["d"], "parts": ["day"]}),
        );
        assert_eq!(f(&te2, "d_day"), vec![Some(2.)]);
    }
}
