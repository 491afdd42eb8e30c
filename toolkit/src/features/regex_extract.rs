//! `regex_extract`: a capture group of a regular expression as a new text column, e.g. the title in
//! Titanic's `Name` ("Braund, Mr. Owen Harris" -> "Mr"). Strong Kaggle notebooks build such features
//! by hand; here they are one validated step. Rare captures (fewer than `min_count` train rows) become
//! `other`, so test's unseen values fall into a category train has.

use std::collections::HashMap;

use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, TEXT, Tool};

/// Extracts a capture group.
pub struct RegexExtract;

/// Parameters of `regex_extract`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegexExtractParams {
    /// The text column.
    pub column: String,
    /// A regular expression with at least one capture group, e.g. ", *([A-Za-z]+)\\." for titles.
    pub pattern: String,
    /// The capture group to keep (default 1).
    #[serde(default = "one")]
    pub group: usize,
    /// The new column's name (default `<column>_<group>`).
    #[serde(default)]
    pub name: Option<String>,
    /// Captures seen in fewer train rows than this become `other` (default 10).
    #[serde(default = "ten")]
    pub min_count: usize,
}

fn one() -> usize {
    1
}

fn ten() -> usize {
    10
}

/// The expression, and the captures train has often enough.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Extractor {
    column: String,
    output: String,
    #[serde(with = "regex_text")]
    regex: Regex,
    group: usize,
    kept: Vec<String>,
}

/// A regex saved as its pattern and compiled again on load.
mod regex_text {
    use regex::Regex;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(r: &Regex, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.as_str())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Regex, D::Error> {
        let p = String::deserialize(d)?;
        Regex::new(&p).map_err(serde::de::Error::custom)
    }
}

impl Extractor {
    fn capture(&self, s: &str) -> Option<String> {
        let c = self.regex.captures(s)?.get(self.group)?.as_str().trim();
        Some(c.to_string())
    }
}

impl Tool for RegexExtract {
    const NAME: &'static str = "regex_extract";
    const EXAMPLE: &'static str = r#"{"column": "cab", "pattern": "^([A-Z])/", "min_count": 1}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds a text column holding one capture group of a regular expression applied to \
        a text column: the title in a passenger name (pattern `, *([A-Za-z]+)\\.`), the deck letter of a cabin \
        code (`^([A-Z])`), a ticket's prefix (`^([A-Za-z./]+) `). Rows with no match are missing; captures \
        seen in fewer than `min_count` train rows become `other`. Encode the new column afterwards.";
    type Params = RegexExtractParams;
    type State = Extractor;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        cx.resolve(Self::NAME, Some(&vec![p.column.clone()]), TEXT)?;
        let regex = Regex::new(&p.pattern).map_err(|e| {
            ToolkitError::params(
                Self::NAME,
                format!("`pattern` is not a regular expression: {e}"),
            )
        })?;
        if p.group == 0 || p.group >= regex.captures_len() {
            return Err(ToolkitError::params(
                Self::NAME,
                format!(
                    "`group` {} does not exist: the pattern has {} capture group(s); put the part to keep in ( )",
                    p.group,
                    regex.captures_len() - 1
                ),
            ));
        }
        let output = p
            .name
            .clone()
            .unwrap_or_else(|| format!("{}_{}", p.column, p.group));
        let mut e = Extractor {
            column: p.column.clone(),
            output,
            regex,
            group: p.group,
            kept: vec![],
        };
        let mut counts: HashMap<String, usize> = HashMap::new();
        for s in frame::strs(cx.train, &p.column)?.iter().flatten() {
            if let Some(c) = e.capture(s) {
                *counts.entry(c).or_default() += 1;
            }
        }
        e.kept = counts
            .into_iter()
            .filter(|(_, n)| *n >= p.min_count.max(1))
            .map(|(c, _)| c)
            .collect();
        e.kept.sort();
        Ok(e)
    }
}

impl Fitted for Extractor {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        let v: Vec<Option<String>> = frame::strs(&df, &self.column)?
            .iter()
            .map(|s| {
                let c = self.capture(s.as_deref()?)?;
                Some(if self.kept.binary_search(&c).is_ok() {
                    c
                } else {
                    "other".to_string()
                })
            })
            .collect();
        frame::put_str(&mut df, &self.output, v)?;
        Ok(df)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Task;
    use crate::tool::DynTool;

    fn names(v: &[&str]) -> DataFrame {
        let mut df = frame::empty(v.len());
        frame::put_str(
            &mut df,
            "Name",
            v.iter().map(|s| Some(s.to_string())).collect(),
        )
        .unwrap();
        df
    }

    fn fit(train: &DataFrame, args: serde_json::Value) -> Result<Box<dyn crate::tool::DynFitted>> {
        let cx = FitCx {
            train,
            id: "id",
            targets: &[],
            task: Task::Binary,
            seed: 1,
            programs: &crate::tool::NoPrograms,
            validation: None,
        };
        RegexExtract.fit_json(&args, &cx)
    }

    #[test]
    fn titles_learned_on_train_and_rare_or_unseen_ones_become_other() {
        let train = names(&[
            "Braund, Mr. Owen",
            "Cumings, Mrs. John",
            "Heikkinen, Miss. Laina",
            "Allen, Mr. William",
            "Moran, Mr. James",
            "Nasser, Mrs. Nicholas",
            "Uruchurtu, Don. Manuel",
        ]);
        let args = serde_json::json!({"column": "Name", "pattern": ", *([A-Za-z]+)\\.", "name": "Title", "min_count": 2});
        let fitted = fit(&train, args).unwrap();
        let out = fitted.apply(train.clone(), Split::Train).unwrap();
        let got = frame::strs(&out, "Title").unwrap();
        let want = ["Mr", "Mrs", "other", "Mr", "Mr", "Mrs", "other"];
        assert_eq!(got, want.map(|s| Some(s.to_string())));
        // Test: a title train never saw is `other`; a name with no title is missing.
        let test = names(&["Oliva, Dona. Fermina", "no title here", "Smith, Mr. John"]);
        let got = frame::strs(&fitted.apply(test, Split::Test).unwrap(), "Title").unwrap();
        assert_eq!(
            got,
            [Some("other".to_string()), None, Some("Mr".to_string())]
        );
    }

    #[test]
    fn a_bad_pattern_or_group_says_how_to_fix_it() {
        let train = names(&["a, Mr. b"]);
        let e = fit(
            &train,
            serde_json::json!({"column": "Name", "pattern": "(unclosed"}),
        );
        let msg = e.err().unwrap().to_string();
        assert!(
            msg.contains("`pattern` is not a regular expression"),
            "{msg}"
        );
        let e = fit(
            &train,
            serde_json::json!({"column": "Name", "pattern": "Mr", "group": 1}),
        );
        let msg = e.err().unwrap().to_string();
        assert!(msg.contains("the pattern has 0 capture group(s)"), "{msg}");
        let e = fit(
            &train,
            serde_json::json!({"column": "Nope", "pattern": "(x)"}),
        );
        assert!(e.err().unwrap().to_string().contains("Nope"));
    }
}
