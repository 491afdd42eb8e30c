//! What `feature_search` tries: candidates generated from the data (captures from structured text,
//! group sizes, pairwise combinations of numeric columns) and the ones someone proposes.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::step::Step;
use crate::tool::{FitCx, NUMERIC, Tool};

/// A candidate: a name, why (when someone proposed it), and the steps that make it.
pub(super) struct Candidate {
    pub name: String,
    pub reason: Option<String>,
    pub steps: Vec<Step>,
}

/// A feature someone proposes (an LLM developer, a person at a stop), tried like a generated one and
/// kept only if cross-validation says it helps.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// Name of the new column.
    pub name: String,
    /// Why it should help, in one line; the log shows it beside the measured gain.
    pub reason: String,
    /// A row-wise expression as `custom_feature` reads it, e.g. `SibSp + Parch + 1`.
    #[serde(default)]
    pub expr: Option<String>,
    /// Or the tool calls that make it, when an expression cannot (a capture, a group size).
    #[serde(default)]
    pub steps: Option<Vec<Step>>,
}

impl Candidate {
    /// How the log names it: a proposal with its reason.
    pub fn label(&self) -> String {
        match &self.reason {
            Some(r) => format!("{} (proposed: {r})", self.name),
            None => self.name.clone(),
        }
    }
}

impl Proposal {
    /// The steps that make the proposed column: exactly one of an expression or steps, and no
    /// nested search. Whoever hands proposals on (the LLM developer's reply) checks them here.
    pub fn steps(&self) -> Result<Vec<Step>> {
        let tool = super::FeatureSearch::NAME;
        let steps = match (&self.expr, &self.steps) {
            (Some(e), None) => vec![Step::new(
                "custom_feature",
                json!({"expr": e, "name": self.name}),
            )],
            (None, Some(s)) if !s.is_empty() => s.clone(),
            _ => {
                return Err(ToolkitError::params(
                    tool,
                    format!(
                        "proposal `{}` needs exactly one of \"expr\" (an expression) or \"steps\" (tool calls)",
                        self.name
                    ),
                ));
            }
        };
        if let Some(s) = steps.iter().find(|s| s.tool == tool) {
            return Err(ToolkitError::params(
                tool,
                format!("proposal `{}` calls `{}` inside itself", self.name, s.tool),
            ));
        }
        Ok(steps)
    }

    /// The proposal as a candidate.
    pub(super) fn candidate(&self) -> Result<Candidate> {
        Ok(Candidate {
            name: self.name.clone(),
            reason: Some(self.reason.clone()),
            steps: self.steps()?,
        })
    }
}

/// Whether some of these values have a structure the search mines (a title, a prefix before a
/// number): how the offline policy decides to keep a varied text column for the search.
pub fn minable<'a>(values: impl IntoIterator<Item = &'a str>) -> bool {
    let res: Vec<regex::Regex> = PATTERNS
        .iter()
        .filter(|(suffix, _)| *suffix != "initial")
        .map(|(_, p)| regex::Regex::new(p).expect("the patterns compile"))
        .collect();
    let values: Vec<&str> = values.into_iter().collect();
    let hits = values
        .iter()
        .filter(|v| res.iter().any(|r| r.is_match(v)))
        .count();
    !values.is_empty() && hits * 2 >= values.len()
}

/// Patterns worth capturing from structured text: (suffix, regex).
pub(super) const PATTERNS: [(&str, &str); 3] = [
    // "Braund, Mr. Owen Harris" -> "Mr".
    ("title", r",\s*([A-Za-z][A-Za-z ]*?)\."),
    // "C85" -> "C", "B/0/P" -> "B".
    ("initial", r"^\s*([A-Za-z])"),
    // "STON/O2. 3101282" -> "STON/O2.", "A/5 21171" -> "A/5".
    ("prefix", r"^\s*([A-Za-z][A-Za-z0-9./]*)\s+\d"),
];

/// The first word of a text ("Braund" of "Braund, Mr. Owen Harris", a ticket's prefix or number).
const HEAD: &str = r"^\s*([^,\s]+)";

/// How many values `pattern` captures from, and how many distinct captures it makes.
fn captures(pattern: &str, values: &[String]) -> (usize, usize) {
    let re = regex::Regex::new(pattern).expect("the patterns compile");
    let caps: Vec<&str> = values
        .iter()
        .filter_map(|v| re.captures(v)?.get(1).map(|m| m.as_str()))
        .collect();
    let kinds: std::collections::HashSet<&str> = caps.iter().copied().collect();
    (caps.len(), kinds.len())
}

/// How many other rows share a text's first word (a family name, a party on one ticket): a
/// candidate when most values have one and at least a tenth of them are shared. Its sibling, the
/// target's mean over those rows (out of fold), was measured as a candidate and left out: titanic
/// kept it, and over six seeded splits mean holdout accuracy moved +0.0009 while seed 42's fell
/// 0.8324 -> 0.8156, below a default LightGBM's 0.8268.
fn head_group_size(t: &str, values: &[String], numeric: &str) -> Option<Candidate> {
    let (heads, kinds) = captures(HEAD, values);
    if heads * 2 < values.len() || kinds * 10 > heads * 9 || kinds < 2 {
        return None;
    }
    let head = format!("{t}_head");
    Some(Candidate {
        name: format!("{t} first-word group size"),
        reason: None,
        steps: vec![
            // Every first word kept (min_count 1): lumping rare ones into `other` would make one
            // large false group.
            Step::new(
                "regex_extract",
                json!({"column": t, "pattern": HEAD, "name": head, "min_count": 1}),
            ),
            Step::new(
                "group_aggregate",
                json!({"group_by": head, "column": numeric, "aggs": ["count"]}),
            ),
            Step::new("drop_columns", json!({"columns": [head]})),
        ],
    })
}

/// The candidates for the sampled data.
pub(super) fn generate(
    sample: &DataFrame,
    text: &[String],
    numeric: &[String],
    cx: &FitCx,
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    let any_numeric = cx
        .resolve(super::FeatureSearch::NAME, None, &NUMERIC[..1])?
        .into_iter()
        .next();
    for t in text {
        let values: Vec<String> = frame::strs(sample, t)?.into_iter().flatten().collect();
        for (suffix, pattern) in PATTERNS {
            let (caps, kinds) = captures(pattern, &values);
            // Worth trying when it matches most rows and splits them into a few groups.
            if caps * 2 < values.len() || !(2..=50).contains(&kinds) {
                continue;
            }
            let name = format!("{t}_{suffix}");
            out.push(Candidate {
                name: name.clone(),
                reason: None,
                steps: vec![
                    Step::new(
                        "regex_extract",
                        json!({"column": t, "pattern": pattern, "name": name, "min_count": 10}),
                    ),
                    Step::new("ordinal_encode", json!({"columns": [name]})),
                ],
            });
        }
        if let Some(n) = &any_numeric {
            if let Some(c) = head_group_size(t, &values, n) {
                out.push(c);
            }
            out.push(Candidate {
                name: format!("{t} group size"),
                reason: None,
                steps: vec![Step::new(
                    "group_aggregate",
                    json!({"group_by": t, "column": n, "aggs": ["count"]}),
                )],
            });
        }
    }
    for (i, a) in numeric.iter().enumerate() {
        for b in &numeric[i + 1..] {
            for op in ["ratio", "product", "difference"] {
                out.push(Candidate {
                    name: format!("{a} {op} {b}"),
                    reason: None,
                    steps: vec![Step::new(
                        "pairwise",
                        json!({"pairs": [[a, b]], "ops": [op]}),
                    )],
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_first_word_group_size_needs_shared_first_words() {
        let names = strings(&[
            "Smith, Mr. A",
            "Smith, Mrs. B",
            "Jones, Mr. C",
            "Jones, Dr. D",
            "Li, Ms. E",
        ]);
        let c = head_group_size("Name", &names, "Age").expect("2 of 3 surnames are shared");
        assert_eq!(c.name, "Name first-word group size");
        let tools: Vec<&str> = c.steps.iter().map(|s| s.tool.as_str()).collect();
        assert_eq!(tools, ["regex_extract", "group_aggregate", "drop_columns"]);
        let re = regex::Regex::new(HEAD).unwrap();
        assert_eq!(&re.captures("A/5 21171").unwrap()[1], "A/5");
        assert_eq!(&re.captures("Braund, Mr. Owen").unwrap()[1], "Braund");
        let unique = strings(&["a1 x", "b2 y", "c3 z", "d4 w"]);
        assert!(
            head_group_size("Ticket", &unique, "Age").is_none(),
            "no word is shared"
        );
    }
}
