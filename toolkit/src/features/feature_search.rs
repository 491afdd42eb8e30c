//! `feature_search`: candidate features generated from the data, each kept only when cross-validation
//! says it helps. Candidates are small programs of other tools (a title captured from a name, the
//! leading letter of a code, a group size, a ratio of two amounts), so what is kept is fitted, saved
//! and applied like any other step. Two stages, as in OpenFE: every candidate is screened on a
//! sample with a quick booster; those that gained are confirmed on other folds.

use std::time::Instant;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame, Kind};
use crate::models::cv::{self, ModelKind, ModelSpec};
use crate::models::gbm::GbmParams;
use crate::models::problem::Problem;
use crate::program::{FittedProgram, Program, Step};
use crate::spec::{CompetitionSpec, Metric, Submission, Task};
use crate::tool::{Category, FitCx, Fitted, NUMERIC, Split, TEXT, Tool};

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
}

fn twenty() -> f64 {
    20.0
}
fn rows() -> usize {
    20_000
}

/// A candidate: a name, why, and the steps that make it.
struct Candidate {
    name: String,
    steps: Vec<Step>,
}

/// What the search kept, fitted on all of train, and what it tried.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Found {
    #[serde(with = "program_bytes")]
    program: FittedProgram,
    notes: Vec<String>,
}

/// A fitted program saved inside another state, as its own saved bytes.
mod program_bytes {
    use serde::{Deserializer, Serializer};

    use crate::program::FittedProgram;

    pub fn serialize<S: Serializer>(p: &FittedProgram, s: S) -> Result<S::Ok, S::Error> {
        let bytes = p.to_bytes().map_err(serde::ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FittedProgram, D::Error> {
        let bytes = serde_bytes_vec(d)?;
        FittedProgram::from_bytes(&bytes, std::path::Path::new("feature_search"))
            .map_err(serde::de::Error::custom)
    }
    fn serde_bytes_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
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
        self.program.apply_split(df, split)
    }
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
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
const PATTERNS: [(&str, &str); 3] = [
    // "Braund, Mr. Owen Harris" -> "Mr".
    ("title", r",\s*([A-Za-z][A-Za-z ]*?)\."),
    // "C85" -> "C", "B/0/P" -> "B".
    ("initial", r"^\s*([A-Za-z])"),
    // "STON/O2. 3101282" -> "STON/O2.", "A/5 21171" -> "A/5".
    ("prefix", r"^\s*([A-Za-z][A-Za-z0-9./]*)\s+\d"),
];

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
        let text = match &p.columns {
            Some(c) => cx.resolve(Self::NAME, Some(c), TEXT)?,
            None => cx
                .resolve(Self::NAME, None, TEXT)?
                .into_iter()
                .filter(|c| distinct(cx.train, c).is_ok_and(|d| d > 10))
                .collect(),
        };
        let numeric = match &p.numeric {
            Some(c) => cx.resolve(Self::NAME, Some(c), NUMERIC)?,
            None => top_numeric(cx, 4)?,
        };
        let sample = sample_rows(cx.train, p.rows, cx.seed)?;
        let candidates = generate(&sample, &text, &numeric, cx)?;
        let search = Search::new(&sample, cx)?;
        // Each round's folds have their own base score: a gain is measured on the same folds.
        let base = [search.score(&[], 0)?, search.score(&[], 1)?];
        let mut notes = vec![format!(
            "feature_search: {} candidate(s) on {} rows; base CV {:.5} ({:?})",
            candidates.len(),
            sample.height(),
            base[0],
            search.metric
        )];
        let mut kept: Vec<&Candidate> = Vec::new();
        for c in &candidates {
            if start.elapsed().as_secs_f64() > p.max_seconds {
                notes.push(format!("  {}: not tried (time limit)", c.name));
                continue;
            }
            let gain = |s: f64, round: usize| {
                if search.higher {
                    s - base[round]
                } else {
                    base[round] - s
                }
            };
            let first = match search.score(&c.steps, 0) {
                Ok(s) => gain(s, 0),
                Err(e) => {
                    notes.push(format!("  {}: failed ({e})", c.name));
                    continue;
                }
            };
            // On a small sample one round is noise: every candidate gets both rounds and is judged
            // on their mean. On a large one, the second round confirms what the first found.
            let verdict = if search.small || first > 0.0 {
                let second = gain(search.score(&c.steps, 1).unwrap_or(base[1]), 1);
                let mean = (first + second) / 2.0;
                let agreed = search.small || second > 0.0;
                // Kept when the gain is not noise-sized: at least 0.1% of the base on average.
                if agreed && mean >= 1e-3 * base[0].abs() {
                    kept.push(c);
                    format!("kept (gain {first:+.5}, confirmed {second:+.5}, mean {mean:+.5})")
                } else {
                    format!("dropped (gains {first:+.5} and {second:+.5})")
                }
            } else {
                format!("dropped (gain {first:+.5})")
            };
            notes.push(format!("  {}: {verdict}", c.name));
        }
        let steps: Vec<Step> = kept.iter().flat_map(|c| c.steps.clone()).collect();
        let ds = dataset_of(cx.train.clone(), cx)?;
        let (_, _, program) = Program { steps }.run_fitted(&ds, cx.seed, &mut |_, _| {})?;
        notes.push(format!(
            "  kept {} of {} in {:.1}s",
            kept.len(),
            candidates.len(),
            start.elapsed().as_secs_f64()
        ));
        Ok(Found { program, notes })
    }
}

/// Distinct non-missing values of a text column.
fn distinct(df: &DataFrame, col: &str) -> Result<usize> {
    let v = frame::strs(df, col)?;
    let set: std::collections::HashSet<&String> = v.iter().flatten().collect();
    Ok(set.len())
}

/// The numeric features most correlated with the target (absolute Pearson), best first.
fn top_numeric(cx: &FitCx, k: usize) -> Result<Vec<String>> {
    let y = cx.target()?;
    let y: Vec<Option<f64>> = y.into_iter().map(Some).collect();
    let mut scored: Vec<(String, f64)> = Vec::new();
    for c in cx.resolve(FeatureSearch::NAME, None, &NUMERIC[..1])? {
        let r = crate::profile::pearson(&frame::f64s(cx.train, &c)?, &y).unwrap_or(0.0);
        scored.push((c, r.abs()));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(scored.into_iter().take(k).map(|(c, _)| c).collect())
}

/// At most `n` rows of train, seeded.
fn sample_rows(train: &DataFrame, n: usize, seed: u64) -> Result<DataFrame> {
    if train.height() <= n {
        return Ok(train.clone());
    }
    frame::take_rows(train, &crate::folds::sample(train.height(), n, seed))
}

/// A dataset over a train frame (a one-row test, so programs can run).
fn dataset_of(train: DataFrame, cx: &FitCx) -> Result<Dataset> {
    let test = frame::drop_cols(&frame::head(&train, 1), cx.targets);
    let metric = screening_metric(cx.task);
    Ok(Dataset {
        sample: frame::head(&test, 0),
        train,
        test,
        spec: CompetitionSpec {
            name: "feature_search".into(),
            data: None,
            id: cx.id.to_string(),
            targets: cx.targets.to_vec(),
            task: cx.task,
            metric,
            submission: Submission::Probabilities,
            files: Default::default(),
        },
        notes: vec![],
    })
}

/// The metric candidates are judged by: smooth ones, which move with small gains.
fn screening_metric(task: Task) -> Metric {
    match task {
        Task::Binary => Metric::RocAuc,
        Task::MultiLabel => Metric::MeanColumnwiseRocAuc,
        Task::Multiclass => Metric::LogLoss,
        Task::Regression => Metric::Rmse,
    }
}

/// The candidates for the sampled data.
fn generate(
    sample: &DataFrame,
    text: &[String],
    numeric: &[String],
    cx: &FitCx,
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    let any_numeric = cx
        .resolve(FeatureSearch::NAME, None, &NUMERIC[..1])?
        .into_iter()
        .next();
    for t in text {
        let values: Vec<String> = frame::strs(sample, t)?.into_iter().flatten().collect();
        for (suffix, pattern) in PATTERNS {
            let re = regex::Regex::new(pattern).expect("the patterns compile");
            let caps: Vec<&str> = values
                .iter()
                .filter_map(|v| re.captures(v)?.get(1).map(|m| m.as_str()))
                .collect();
            let kinds: std::collections::HashSet<&str> = caps.iter().copied().collect();
            // Worth trying when it matches most rows and splits them into a few groups.
            if caps.len() * 2 < values.len() || !(2..=50).contains(&kinds.len()) {
                continue;
            }
            let name = format!("{t}_{suffix}");
            out.push(Candidate {
                name: name.clone(),
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
            out.push(Candidate {
                name: format!("{t} group size"),
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

/// The sampled data as a modeling problem, and a quick booster to score candidates with.
struct Search {
    ds: Dataset,
    metric: Metric,
    higher: bool,
    seed: u64,
    /// Under 5,000 rows: 5 folds per round, and every candidate scored in both rounds.
    small: bool,
}

impl Search {
    fn new(sample: &DataFrame, cx: &FitCx) -> Result<Self> {
        let ds = dataset_of(sample.clone(), cx)?;
        let metric = ds.spec.metric;
        Ok(Self {
            ds,
            metric,
            higher: metric.higher_is_better(),
            seed: cx.seed,
            small: sample.height() < 5000,
        })
    }

    /// Mean CV score of the numeric features, the low-cardinality text as codes, plus what
    /// `steps` add; `round` picks other folds (the confirmation).
    fn score(&self, steps: &[Step], round: u64) -> Result<f64> {
        let (mut ds, _) = Program {
            steps: steps.to_vec(),
        }
        .run(&self.ds, self.seed, &mut |_, _| {})?;
        let mut keep = vec![ds.spec.id.clone()];
        keep.extend(ds.spec.targets.iter().cloned());
        for c in ds.features() {
            match frame::kind(&ds.train, &c)? {
                Kind::Numeric | Kind::Bool => keep.push(c),
                Kind::Text if distinct(&ds.train, &c)? <= 50 => {
                    let codes = crate::profile::encode_numeric(&ds.train, &c)?;
                    frame::put_f64(&mut ds.train, &c, codes)?;
                    keep.push(c);
                }
                _ => {}
            }
        }
        ds.train = frame::select(&ds.train, &keep)?;
        ds.test = frame::select(&frame::head(&ds.train, 1), &keep[..1])?;
        for c in keep.iter().skip(1 + ds.spec.targets.len()) {
            frame::put_f64(&mut ds.test, c, vec![Some(0.0)])?;
        }
        let p = Problem::from_dataset(&ds)?;
        let k = if self.small { 5 } else { 3 };
        let fold = cv::fold_ids(&p, k, self.seed + 101 * (round + 1));
        let spec = ModelSpec {
            name: "screen".into(),
            kind: ModelKind::Gbm(GbmParams {
                iterations: 60,
                learning_rate: 0.1,
                max_depth: 4,
                ..GbmParams::default()
            }),
        };
        let r = cv::cross_validate(&p, &spec, &fold, self.seed, &mut |_| {})?;
        if !r.mean.is_finite() {
            return Err(ToolkitError::data(
                "feature_search: the screening score is not finite",
            ));
        }
        Ok(r.mean)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::{Dataset, Task};

    /// Names like "Last, Title. First": the title decides the target, nothing else does.
    fn titanic_like(n: usize) -> Dataset {
        let titles = ["Mr", "Mrs", "Miss", "Master"];
        let name: Vec<Option<&'static str>> = (0..n)
            .map(|i| {
                let s = format!("Family{}, {}. Person{}", i % 37, titles[i % 4], i);
                Some(&*Box::leak(s.into_boxed_str()))
            })
            .collect();
        let noise: Vec<Option<f64>> = (0..n).map(|i| Some(((i * 7919) % 101) as f64)).collect();
        let y: Vec<Option<f64>> = (0..n)
            .map(|i| Some(f64::from(u8::from(i % 4 != 0) ^ u8::from(i % 17 == 0))))
            .collect();
        let train = df(vec![
            ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
            ("Name", C::S(name)),
            ("noise", C::F(noise.clone())),
            ("y", C::F(y)),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(1e6), Some(1e6 + 1.0)])),
            (
                "Name",
                C::S(vec![Some("Zed, Mr. Adam"), Some("Yu, Miss. Bea")]),
            ),
            ("noise", C::F(vec![Some(3.0), Some(4.0)])),
        ]);
        dataset(train, test, Task::Binary)
    }

    #[test]
    fn a_title_that_decides_the_target_is_found_and_kept() {
        let ds = titanic_like(400);
        let prog = crate::Program::from_json(
            r#"[{"tool": "feature_search", "args": {"columns": ["Name"], "numeric": ["noise"]}}]"#,
        )
        .unwrap();
        let (out, logs) = prog.run(&ds, 7, &mut |_, _| {}).unwrap();
        assert!(
            logs[0].added.contains(&"Name_title".to_string()),
            "{:?}",
            logs[0]
        );
        let text = logs[0].to_string();
        assert!(text.contains("Name_title: kept"), "{text}");
        assert!(
            text.contains("Name_initial: dropped") || !text.contains("Name_initial"),
            "{text}"
        );
        // Test gets the same codes train learned: Mr and Miss.
        let codes = f(&out.test, "Name_title");
        assert_eq!(codes.len(), 2);
        assert!(codes.iter().all(Option::is_some), "{codes:?}");
        assert_ne!(codes[0], codes[1]);
    }
}
