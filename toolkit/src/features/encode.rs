//! `ordinal_encode` and `frequency_encode`: text to numbers through tables learned on train.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Result;
use crate::frame;
use crate::tool::{Category, FitCx, MapText, TEXT, TextMap, Tool};

/// Parameters of the table encoders.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncodeParams {
    /// Text columns; default: every text feature.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// ordinal_encode only: an explicit order of categories per column, e.g. {"Size": ["S","M","L"]}.
    #[serde(default)]
    pub order: Option<HashMap<String, Vec<String>>>,
}

/// Replaces categories with integer codes.
pub struct OrdinalEncode;

impl Tool for OrdinalEncode {
    const NAME: &'static str = "ordinal_encode";
    const EXAMPLE: &'static str = r#"{"columns": ["cat"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Replaces each text column with integer codes 0..k-1 learned on train (sorted \
        alphabetically, or in the given `order`, e.g. S < M < L). Categories unseen in train and missing \
        values get the reserved code -1. Good for tree models and high-cardinality columns.";
    type Params = EncodeParams;
    type State = MapText;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let mut maps = Vec::new();
        for c in cx.resolve(Self::NAME, p.columns.as_ref(), TEXT)? {
            let order = p.order.as_ref().and_then(|o| o.get(&c));
            let values: Vec<String> = match order {
                Some(order) => order.clone(),
                None => {
                    let mut v: Vec<String> = frame::value_counts(cx.train, &c)?
                        .into_iter()
                        .map(|x| x.0)
                        .collect();
                    v.sort();
                    v
                }
            };
            let table = values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (v, i as f64))
                .collect();
            maps.push(TextMap {
                input: c.clone(),
                output: c,
                table,
                unseen: Some(-1.0),
                train_values: None,
                // Alphabetical codes carry no order a model should read; a given order does.
                codes: order.is_none(),
            });
        }
        Ok(MapText {
            maps,
            drop_inputs: false,
        })
    }
}

/// Replaces categories with their train frequency.
pub struct FrequencyEncode;

impl Tool for FrequencyEncode {
    const NAME: &'static str = "frequency_encode";
    const EXAMPLE: &'static str = r#"{"columns": ["cat"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds `<col>_freq`, the fraction of train rows holding each category (learned on \
        train; categories unseen in train and missing values get 0), and drops the text column. Useful for \
        high-cardinality columns where one-hot would explode.";
    type Params = EncodeParams;
    type State = MapText;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let n = cx.train.height().max(1) as f64;
        let mut maps = Vec::new();
        for c in cx.resolve(Self::NAME, p.columns.as_ref(), TEXT)? {
            let table = frame::value_counts(cx.train, &c)?
                .into_iter()
                .map(|(v, k)| (v, k as f64 / n))
                .collect();
            maps.push(TextMap {
                input: c.clone(),
                output: format!("{c}_freq"),
                table,
                unseen: Some(0.0),
                train_values: None,
                codes: false,
            });
        }
        Ok(MapText {
            maps,
            drop_inputs: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::*;

    #[test]
    fn ordinal_and_frequency_encoders_reserve_codes_for_unseen() {
        let ds = small();
        let (tr, te) = run1(&ds, "ordinal_encode", json!({}));
        assert_eq!(
            f(&tr, "cat"),
            vec![Some(0.), Some(1.), Some(0.), Some(-1.), Some(0.)]
        );
        assert_eq!(f(&te, "cat"), vec![Some(-1.), Some(1.), Some(-1.)]);
        let (tr, te) = run1(&ds, "ordinal_encode", json!({"order": {"cat": ["y", "x"]}}));
        assert_eq!(f(&tr, "cat")[0], Some(1.));
        assert_eq!(f(&te, "cat")[1], Some(0.));
        let (tr, te) = run1(&ds, "frequency_encode", json!({"columns": ["cat"]}));
        assert_eq!(
            f(&tr, "cat_freq"),
            vec![Some(0.6), Some(0.2), Some(0.6), Some(0.0), Some(0.6)]
        );
        assert_eq!(f(&te, "cat_freq"), vec![Some(0.0), Some(0.2), Some(0.0)]);
    }

    /// Alphabetical codes are marked as unordered categories for the boosters, through fill_missing
    /// (which leaves them alone); a given order, or a step that rewrites the codes, is a number.
    #[test]
    fn alphabetical_codes_are_categories_to_the_model_and_a_given_order_is_not() {
        use crate::frame;
        use crate::models::problem::Problem;
        use crate::program::Program;
        let ds = small();
        let categorical = |steps: serde_json::Value| {
            let program = Program::from_json(&json!({ "steps": steps }).to_string()).unwrap();
            let (out, _) = program.run(&ds, 0, &mut |_, _| {}).unwrap();
            let p = Problem::from_dataset(&out).unwrap();
            let at = p.features.iter().position(|c| c == "cat").unwrap();
            (
                frame::is_codes(&out.train, "cat").unwrap(),
                p.categorical[at],
            )
        };
        let codes =
            json!([{"tool": "ordinal_encode", "args": {}}, {"tool": "fill_missing", "args": {}}]);
        assert_eq!(categorical(codes), (true, true));
        let ordered = json!([{"tool": "ordinal_encode", "args": {"order": {"cat": ["y", "x"]}}},
                             {"tool": "fill_missing", "args": {}}]);
        assert_eq!(categorical(ordered), (false, false));
        let scaled = json!([{"tool": "ordinal_encode", "args": {}}, {"tool": "fill_missing", "args": {}},
                            {"tool": "scale", "args": {"columns": ["cat"]}}]);
        assert_eq!(categorical(scaled), (false, false));
    }
}
