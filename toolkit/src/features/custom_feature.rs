//! `custom_feature`: one new column from a sandboxed row-wise expression (see [`crate::expr`]).

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::expr::{self, Expr, Value};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, Tool};

/// Adds a column computed by an expression.
pub struct CustomFeature;

/// Parameters of `custom_feature`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFeatureParams {
    /// A row-wise expression, optionally as `SELECT <expr> AS <name>`, e.g. `SibSp + Parch + 1` or
    /// `SELECT if(Age < 16, 1, 0) AS is_child`. Operators: + - * / % ^, comparisons, and/or/not.
    /// Functions: abs sqrt log log1p exp round floor ceil pow min max if coalesce is_null len lower upper
    /// contains starts_with. Quote column names with spaces in double quotes; text literals in single quotes.
    pub expr: String,
    /// Name of the new column (or give it with `AS`).
    #[serde(default)]
    pub name: Option<String>,
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Source")]
pub struct Compiled {
    source: String,
    name: String,
    #[serde(skip)]
    expr: Expr,
}

/// A saved `custom_feature`: the expression as written, parsed again (and so checked again) on load.
#[derive(serde::Deserialize)]
struct Source {
    source: String,
    name: String,
}

impl TryFrom<Source> for Compiled {
    type Error = ToolkitError;
    fn try_from(s: Source) -> Result<Self> {
        let (expr, _) = expr::parse(&s.source)?;
        Ok(Self {
            source: s.source,
            name: s.name,
            expr,
        })
    }
}

/// Time limit for one evaluation.
pub const LIMIT: Duration = Duration::from_secs(10);

impl Tool for CustomFeature {
    const NAME: &'static str = "custom_feature";
    const EXAMPLE: &'static str = r#"{"expr": "SELECT n1 / n3 + len(cab) AS mix"}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds one column computed row by row from a sandboxed expression, written plainly \
        (`SibSp + Parch + 1`) or as `SELECT <expr> AS <name>`. Only arithmetic, comparisons, and/or/not and \
        allow-listed functions (abs sqrt log log1p exp round floor ceil pow min max if coalesce is_null len \
        lower upper contains starts_with) over the frame's columns; no aggregates, no FROM/WHERE, no file or \
        system access; evaluation stops after 10 seconds. Division by zero gives a missing value.";
    type Params = CustomFeatureParams;
    type State = Compiled;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let (expr, as_name) = expr::parse(&p.expr)?;
        let name = p.name.clone().or(as_name).ok_or_else(|| {
            ToolkitError::params(
                Self::NAME,
                "give the new column a `name` (or write `... AS name`)",
            )
        })?;
        if cx.is_protected(&name) {
            return Err(ToolkitError::params(
                Self::NAME,
                format!("`{name}` is the id or a target; choose another name"),
            ));
        }
        for c in expr.columns() {
            if cx.targets.contains(&c) {
                return Err(ToolkitError::params(
                    Self::NAME,
                    format!("the expression reads the target `{c}`; that leaks the answer"),
                ));
            }
            if !frame::has(cx.train, &c) {
                cx.require(Self::NAME, &c)?;
            }
        }
        Ok(Compiled {
            source: p.expr.clone(),
            name,
            expr,
        })
    }
}

impl Fitted for Compiled {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        match expr::eval(&self.expr, &df, LIMIT)? {
            Value::Num(v) => frame::put_f64(&mut df, &self.name, v)?,
            Value::Text(v) => frame::put_str(&mut df, &self.name, v)?,
        }
        Ok(df)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::*;

    #[test]
    fn custom_feature_evaluates_row_wise_and_rejects_the_rest() {
        let ds = small();
        let (tr, te) = run1(
            &ds,
            "custom_feature",
            json!({"expr": "SELECT a * 2 + b AS a2"}),
        );
        assert_eq!(
            f(&tr, "a2"),
            vec![Some(4.), Some(6.), None, Some(10.), Some(202.)]
        );
        assert_eq!(f(&te, "a2"), vec![None; 3]);
        let (tr, _) = run1(
            &ds,
            "custom_feature",
            json!({"expr": "if(cat = 'x' and b >= 2, 1, 0)", "name": "is_x"}),
        );
        assert_eq!(
            f(&tr, "is_x"),
            vec![Some(1.), Some(0.), Some(1.), None, Some(1.)]
        );
        let (tr, _) = run1(
            &ds,
            "custom_feature",
            json!({"expr": "coalesce(a, -1) / 0", "name": "z"}),
        );
        assert_eq!(f(&tr, "z"), vec![None; 5], "division by zero is missing");
        for (expr, needle) in [
            ("sum(a)", "row-wise only"),
            ("SELECT a FROM train", "FROM"),
            ("system('ls')", "not allowed"),
            ("y + 1", "leaks"),
            ("a +", "ends too early"),
            ("nope + 1", "not in the frame"),
            ("a; b", "one expression"),
        ] {
            let e = run1_err(&ds, "custom_feature", json!({"expr": expr, "name": "n"}));
            assert!(e.contains(needle), "{expr}: {e}");
        }
    }
}
