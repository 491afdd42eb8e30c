//! `feature_search`: candidate features generated from the data, each kept only when cross-validation
//! says it helps. Candidates are small programs of other tools (a title captured from a name, the
//! leading letter of a code, a group size, a ratio of two amounts), so what is kept is fitted, saved
//! and applied like any other step. Two stages, as in OpenFE: every candidate is screened on a
//! sample with a quick booster; those that gained are confirmed on other folds.

use std::time::Instant;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, NUMERIC, Programs, Split, TEXT, Tool};

mod candidates;
mod search;

use candidates::{Candidate, generate};
pub use candidates::{Proposal, minable};
use search::{Search, dataset_of, sample_rows};

/// Searches for features that improve cross-validation.
pub struct FeatureSearch;

/// Parameters of `feature_search`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureSearchParams {
    /// Text columns to mine (titles, leading letters, prefixes, group sizes); default: every text
    /// feature with more than 10 distinct values.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Numeric columns to combine pairwise (ratio, product, difference); default: the 4 most
    /// correlated with the target.
    #[serde(default)]
    pub numeric: Option<Vec<String>>,
    /// Seconds the search may take (default 20); candidates not screened by then are skipped.
    #[serde(default = "twenty")]
    pub max_seconds: f64,
    /// Train rows sampled for the search (default 20000).
    #[serde(default = "rows")]
    pub rows: usize,
    /// Features proposed with a reason, tried before the generated ones.
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    /// Whether to generate candidates from the data too (default true); false tries only `proposals`.
    #[serde(default = "yes")]
    pub generate: bool,
}

fn yes() -> bool {
    true
}

fn twenty() -> f64 {
    20.0
}
fn rows() -> usize {
    20_000
}

/// What the search kept, fitted on all of train, and what it tried.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Found {
    /// The kept steps, fitted, as the program runner saved them.
    #[serde(with = "program_bytes")]
    program: Vec<u8>,
    notes: Vec<String>,
    /// The same steps ready to apply: from the fit, or read back by [`Tool::loaded`].
    #[serde(skip)]
    fitted: Option<Box<dyn Fitted>>,
}

/// A fitted program saved inside another state, as its own saved bytes (a MessagePack `bin`).
mod program_bytes {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = a.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_byte_buf(V)
    }
}

impl Fitted for Found {
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame> {
        let fitted = self.fitted.as_ref().ok_or_else(|| {
            ToolkitError::data("feature_search: its kept steps were not read back")
        })?;
        fitted.apply(df, split)
    }
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

impl Tool for FeatureSearch {
    const NAME: &'static str = "feature_search";
    const EXAMPLE: &'static str =
        r#"{"columns": ["cab"], "numeric": ["n1", "n2"], "max_seconds": 5}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Generates candidate features and keeps those that improve cross-validated score: \
        captures from structured text (a title in a name, the leading letter of a code, a ticket prefix), \
        group sizes of text values, and ratios, products and differences of numeric columns. Each candidate is \
        screened on a sample with a quick gradient-boosted model and confirmed on other folds; the kept ones \
        are fitted on train and applied to test. The step's log lists every candidate with its gain.";
    type Params = FeatureSearchParams;
    type State = Found;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let start = Instant::now();
        let (text, numeric) = searched_columns(p, cx)?;
        let sample = sample_rows(cx.train, p.rows, cx.seed)?;
        let mut candidates = p
            .proposals
            .iter()
            .map(Proposal::candidate)
            .collect::<Result<Vec<Candidate>>>()?;
        if p.generate {
            candidates.extend(generate(&sample, &text, &numeric, cx)?);
        }
        let search = Search::new(&sample, cx)?;
        // Each round's folds have their own base score: a gain is measured on the same folds. On a
        // small sample one round is noise, so every candidate gets both and is judged on their
        // mean; on a large one the second round confirms what the first found.
        let plain = search.problem(&[])?;
        let base = (0..ROUNDS)
            .map(|r| search.score(&plain, r))
            .collect::<Result<Vec<f64>>>()?;
        let mut notes = vec![format!(
            "feature_search: {} candidate(s) on {} rows; base CV {:.5} ({:?})",
            candidates.len(),
            sample.height(),
            base[0],
            search.metric
        )];
        let mut passed: Vec<(&Candidate, f64)> = Vec::new();
        for c in &candidates {
            if start.elapsed().as_secs_f64() > p.max_seconds {
                notes.push(format!("  {}: not tried (time limit)", c.label()));
                continue;
            }
            let Some(gains) = screen(&search, c, &base, &mut notes) else {
                continue;
            };
            let mean = gains.iter().sum::<f64>() / gains.len() as f64;
            let list = listed(&gains);
            let verdict = if gains.len() == ROUNDS as usize && search.enough(&gains, base[0]) {
                passed.push((c, mean));
                format!("passed alone (gains {list}; mean {mean:+.5})")
            } else {
                format!("dropped (gains {list})")
            };
            notes.push(format!("  {}: {verdict}", c.label()));
        }
        let deadline = p.max_seconds - start.elapsed().as_secs_f64();
        let kept = search.together(passed, &base, deadline, &mut notes)?;
        let steps: Vec<_> = kept.iter().flat_map(|c| c.steps.clone()).collect();
        let ds = dataset_of(cx.train.clone(), cx)?;
        let (fitted, program) = cx.programs.fit(&steps, &ds, cx.seed)?;
        notes.push(format!(
            "  kept {} of {} in {:.1}s",
            kept.len(),
            candidates.len(),
            start.elapsed().as_secs_f64()
        ));
        Ok(Found {
            program,
            notes,
            fitted: Some(fitted),
        })
    }

    fn loaded(mut state: Found, programs: &dyn Programs) -> Result<Found> {
        state.fitted = Some(programs.load(&state.program)?);
        Ok(state)
    }
}

/// Rounds of folds a candidate is scored on.
const ROUNDS: u64 = 2;

/// The text columns to mine (given, or those with more than 10 values) and the numeric ones to
/// combine (given, or the four the target depends on most).
fn searched_columns(p: &FeatureSearchParams, cx: &FitCx) -> Result<(Vec<String>, Vec<String>)> {
    let text = match &p.columns {
        Some(c) => cx.resolve(FeatureSearch::NAME, Some(c), TEXT)?,
        None => cx
            .resolve(FeatureSearch::NAME, None, TEXT)?
            .into_iter()
            .filter(|c| distinct(cx.train, c).is_ok_and(|d| d > 10))
            .collect(),
    };
    let numeric = match &p.numeric {
        Some(c) => cx.resolve(FeatureSearch::NAME, Some(c), NUMERIC)?,
        None => top_numeric(cx, 4)?,
    };
    Ok((text, numeric))
}

/// A candidate's gain over the base score in each round, stopping after a first round without
/// one on a large sample; None (with the reason noted) when it fails.
fn screen(
    search: &Search,
    c: &Candidate,
    base: &[f64],
    notes: &mut Vec<String>,
) -> Option<Vec<f64>> {
    let problem = match search.problem(&c.steps) {
        Ok(p) => p,
        Err(e) => {
            notes.push(format!("  {}: failed ({e})", c.label()));
            return None;
        }
    };
    let mut gains = Vec::new();
    for r in 0..ROUNDS {
        match search.score(&problem, r) {
            Ok(s) => gains.push(search.gain(s, base[r as usize])),
            Err(e) if r == 0 => {
                notes.push(format!("  {}: failed ({e})", c.label()));
                return None;
            }
            Err(_) => gains.push(0.0),
        }
        if !search.small && gains[0] <= 0.0 {
            break;
        }
    }
    Some(gains)
}

/// Gains as the log shows them: `+0.00392, -0.00009`.
fn listed(gains: &[f64]) -> String {
    gains
        .iter()
        .map(|g| format!("{g:+.5}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a numeric column holds at most two distinct values.
fn two_valued(x: &[Option<f64>]) -> bool {
    let mut seen: Vec<u64> = Vec::with_capacity(3);
    for v in x.iter().flatten() {
        if !seen.contains(&v.to_bits()) {
            seen.push(v.to_bits());
            if seen.len() > 2 {
                return false;
            }
        }
    }
    true
}

/// Distinct non-missing values of a text column.
fn distinct(df: &DataFrame, col: &str) -> Result<usize> {
    let v = frame::strs(df, col)?;
    let set: std::collections::HashSet<&String> = v.iter().flatten().collect();
    Ok(set.len())
}

/// The numeric features most correlated with the target (absolute Pearson), best first. Columns of
/// two values (0/1 indicators, one-hot columns) are left out: their ratios divide by zero and their
/// products only mask the other column.
fn top_numeric(cx: &FitCx, k: usize) -> Result<Vec<String>> {
    let y = cx.target()?;
    let y: Vec<Option<f64>> = y.into_iter().map(Some).collect();
    let mut scored: Vec<(String, f64)> = Vec::new();
    for c in cx.resolve(FeatureSearch::NAME, None, &NUMERIC[..1])? {
        let x = frame::f64s(cx.train, &c)?;
        if two_valued(&x) {
            continue;
        }
        let r = crate::profile::pearson(&x, &y).unwrap_or(0.0);
        scored.push((c, r.abs()));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(scored.into_iter().take(k).map(|(c, _)| c).collect())
}
