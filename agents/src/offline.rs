//! The offline policy: deterministic, data-driven choices for every role. It reads the profile, plans
//! standard steps, emits programs, repairs them from gate messages, and reviews from evidence.

use autokaggle_toolkit::frame::Kind;
use autokaggle_toolkit::models::cv::ModelSpec;
use autokaggle_toolkit::models::search::{self, SearchPlan};
use autokaggle_toolkit::profile::ColumnProfile;
use autokaggle_toolkit::{Profile, Program, Step};
use serde_json::json;

use crate::phase::Phase;
use crate::roles::{
    Developer, Outcome, PhaseCx, Planner, Reader, Reading, Review, Reviewer, Summarizer, Work,
};

/// The built-in policy (no network, deterministic).
#[derive(Clone, Copy, Debug, Default)]
pub struct OfflinePolicy;

const DROP_MISSING: f64 = 0.6;
const ONE_HOT_MAX: usize = 12;
const DELIMITERS: [&str; 4] = ["/", "_", "|", ":"];

fn features(p: &Profile) -> impl Iterator<Item = &ColumnProfile> {
    p.columns.iter().filter(|c| c.role == "feature")
}

/// The delimiter that splits at least 90% of a text column's top values into the same number (>= 2) of parts.
fn structure(c: &ColumnProfile, rows: usize) -> Option<&'static str> {
    if c.kind != Kind::Text || c.distinct * 10 < rows || c.top.is_empty() {
        return None;
    }
    DELIMITERS.into_iter().find(|d| {
        let parts: Vec<usize> = c.top.iter().map(|(v, _)| v.split(d).count()).collect();
        parts.iter().all(|&n| n >= 2 && n == parts[0])
    })
}

/// Text columns too varied to encode and without structure (names, free text).
fn free_text(p: &Profile) -> Vec<String> {
    features(p)
        .filter(|c| {
            c.kind == Kind::Text && c.distinct * 2 > p.rows && structure(c, p.rows).is_none()
        })
        .map(|c| c.name.clone())
        .collect()
}

fn names(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

struct Cleaning {
    too_missing: Vec<String>,
    free_text: Vec<String>,
    booleans: Vec<String>,
    with_missing: Vec<String>,
    indicator: bool,
}

fn cleaning(p: &Profile) -> Cleaning {
    let n = p.rows.max(1) as f64;
    let too_missing: Vec<String> = features(p)
        .filter(|c| c.missing as f64 / n > DROP_MISSING)
        .map(|c| c.name.clone())
        .collect();
    let with_missing: Vec<String> = features(p)
        .filter(|c| (c.missing > 0 || c.missing_test > 0) && !too_missing.contains(&c.name))
        .map(|c| c.name.clone())
        .collect();
    Cleaning {
        free_text: free_text(p)
            .into_iter()
            .filter(|c| !too_missing.contains(c))
            .collect(),
        booleans: features(p)
            .filter(|c| c.kind == Kind::Bool)
            .map(|c| c.name.clone())
            .collect(),
        indicator: features(p)
            .any(|c| c.missing as f64 / n > 0.05 && c.missing as f64 / n <= DROP_MISSING),
        too_missing,
        with_missing,
    }
}

struct Features {
    structured: Vec<(String, &'static str)>,
    one_hot: Vec<String>,
    ordinal: Vec<String>,
    amounts: Vec<String>,
}

fn feature_plan(p: &Profile) -> Features {
    let structured: Vec<(String, &'static str)> = features(p)
        .filter_map(|c| Some((c.name.clone(), structure(c, p.rows)?)))
        .collect();
    let text: Vec<&ColumnProfile> = features(p)
        .filter(|c| c.kind == Kind::Text && !structured.iter().any(|s| s.0 == c.name))
        .collect();
    // Amount-like columns: non-negative, strongly skewed, on a similar scale (e.g. spending per venue).
    let mut skewed: Vec<&ColumnProfile> = features(p)
        .filter(|c| {
            c.kind == Kind::Numeric
                && c.min.is_some_and(|m| m >= 0.0)
                && c.skew.is_some_and(|s| s > 2.0)
                && c.mean.is_some_and(|m| m > 0.0)
        })
        .collect();
    skewed.sort_by(|a, b| a.mean.unwrap_or(0.0).total_cmp(&b.mean.unwrap_or(0.0)));
    let amounts = if skewed.len() >= 3 {
        let mid = skewed[skewed.len() / 2].mean.unwrap_or(1.0);
        let group: Vec<String> = skewed
            .iter()
            .filter(|c| c.mean.is_some_and(|m| m / mid < 5.0 && mid / m < 5.0))
            .map(|c| c.name.clone())
            .take(8)
            .collect();
        if group.len() >= 3 { group } else { vec![] }
    } else {
        vec![]
    };
    Features {
        one_hot: text
            .iter()
            .filter(|c| c.distinct <= ONE_HOT_MAX)
            .map(|c| c.name.clone())
            .collect(),
        ordinal: text
            .iter()
            .filter(|c| c.distinct > ONE_HOT_MAX)
            .map(|c| c.name.clone())
            .collect(),
        structured,
        amounts,
    }
}

/// Models fitted per candidate and fold: one per class for multiclass (one-vs-rest), else one per
/// target.
pub fn outputs(cx: &PhaseCx) -> usize {
    let s = &cx.ds.spec;
    if s.task == autokaggle_toolkit::Task::Multiclass {
        cx.profile
            .columns
            .iter()
            .find(|c| c.name == s.targets[0])
            .map_or(1, |c| c.distinct.max(1))
    } else {
        s.targets.len()
    }
}

/// The number of CV folds and the model candidates (defaults first, then seeded draws from the
/// search space), scaled to the data's size.
pub fn candidates(rows: usize, outputs: usize, seed: u64) -> (usize, Vec<ModelSpec>) {
    let folds = if rows * outputs > 60_000 { 3 } else { 5 };
    (
        folds,
        search::candidates(&SearchPlan::default(), rows, outputs, seed),
    )
}

impl Reader for OfflinePolicy {
    fn read(&self, cx: &PhaseCx) -> Reading {
        Reading {
            summary: self.summary(cx),
            corrections: vec![],
        }
    }
}

impl OfflinePolicy {
    /// The competition in a few lines, from the spec, the overview and the profile.
    pub fn summary(&self, cx: &PhaseCx) -> String {
        let s = &cx.ds.spec;
        let p = cx.profile;
        let n_feat = features(p).count();
        let missing: Vec<String> = features(p)
            .filter(|c| c.missing > 0)
            .map(|c| format!("{} ({})", c.name, c.missing))
            .collect();
        let strongest: Vec<String> = {
            let mut v: Vec<&ColumnProfile> =
                features(p).filter(|c| c.target_corr.is_some()).collect();
            v.sort_by(|a, b| {
                b.target_corr
                    .unwrap_or(0.0)
                    .abs()
                    .total_cmp(&a.target_corr.unwrap_or(0.0).abs())
            });
            v.iter()
                .take(5)
                .map(|c| format!("{} ({:+.2})", c.name, c.target_corr.unwrap_or(0.0)))
                .collect()
        };
        let first = cx
            .overview
            .lines()
            .map(str::trim)
            .find(|l| l.len() > 40)
            .unwrap_or("")
            .chars()
            .take(300)
            .collect::<String>();
        format!(
            "# {}\n\n{first}\n\n- task: {:?}, metric: {:?} ({} is better), submission holds {:?}\n- id `{}`, target(s) {}\n- {} train rows, {} test rows, {n_feat} features ({} numeric, {} text)\n- missing values: {}\n- strongest linear relations to the target: {}\n",
            s.name,
            s.task,
            s.metric,
            if s.metric.higher_is_better() {
                "higher"
            } else {
                "lower"
            },
            s.submission,
            s.id,
            s.targets.join(", "),
            p.rows,
            p.test_rows,
            features(p)
                .filter(|c| matches!(c.kind, Kind::Numeric | Kind::Bool))
                .count(),
            features(p).filter(|c| c.kind == Kind::Text).count(),
            if missing.is_empty() {
                "none".into()
            } else {
                missing.join(", ")
            },
            if strongest.is_empty() {
                "n/a".into()
            } else {
                strongest.join(", ")
            },
        )
    }
}

impl Planner for OfflinePolicy {
    fn plan(&self, cx: &PhaseCx) -> String {
        let p = cx.profile;
        let mut plan = match cx.phase {
            Phase::UnderstandBackground => "1. Read the overview and the files; state task, metric and submission format.\n2. Check id, targets and that test has every feature.".to_string(),
            Phase::PreliminaryEda => "1. Profile every column: type, missing values, cardinality, spread, skew.\n2. Note the target's distribution and the features most related to it.\n3. List what cleaning must handle.".into(),
            Phase::DataCleaning => {
                let c = cleaning(p);
                format!(
                    "1. Drop columns missing in more than {:.0}% of train rows: {}.\n2. Drop free-text columns with no structure: {}.\n3. Convert booleans to 0/1: {}.\n4. Impute the rest from train statistics (median for skewed numbers, mean otherwise, most frequent text){}: {}.",
                    DROP_MISSING * 100.0,
                    names(&c.too_missing),
                    names(&c.free_text),
                    names(&c.booleans),
                    if c.indicator { ", with was-missing indicators" } else { "" },
                    names(&c.with_missing)
                )
            }
            Phase::InDepthEda => "1. Re-profile the cleaned data.\n2. Rank features by their relation to the target.\n3. Find skewed amounts, structured strings and categorical cardinalities for feature engineering.".into(),
            Phase::FeatureEngineering => {
                let f = feature_plan(p);
                let split: Vec<String> = f.structured.iter().map(|(c, d)| format!("{c} on '{d}'")).collect();
                format!(
                    "1. Split structured strings into parts: {}.\n2. One-hot encode low-cardinality text (<= {ONE_HOT_MAX} values): {}.\n3. Ordinal-encode high-cardinality text: {}.\n4. Add the total of amount-like columns: {}.\n5. Fill any missing values the new features introduce; drop constant columns; keep the most important features if there are too many.",
                    names(&split),
                    names(&f.one_hot),
                    names(&f.ordinal),
                    names(&f.amounts)
                )
            }
            Phase::ModelBuilding => {
                let (folds, c) = candidates(p.rows, outputs(cx), cx.seed);
                format!(
                    "1. {folds}-fold {}CV scored with {:?}.\n2. Gradient-boosted trees, a linear model and a random forest at default settings, then seeded draws from their search spaces: {} candidates ({}), tried in order while the time budget allows.\n3. Blend on out-of-fold predictions (greedy), refit on all of train, predict test.\n4. Write the submission in the sample's exact format.",
                    if cx.ds.spec.task == autokaggle_toolkit::Task::Regression { "" } else { "stratified " },
                    cx.ds.spec.metric,
                    c.len(),
                    c.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
                )
            }
        };
        if !cx.instructions.is_empty() {
            plan.push_str(&format!(
                "\n\nUser instructions noted: {}",
                cx.instructions.join("; ")
            ));
        }
        plan
    }
}

/// The columns a plan line lists after its last `: ` (`none` for empty), if the plan has a line that
/// starts with `lead` (after its number); `None` when the line was removed from the plan.
fn plan_list(plan: &str, lead: &str) -> Option<Vec<String>> {
    plan.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')', '-', ' '])
        })
        .find(|l| l.starts_with(lead))
        .map(|l| {
            let list = l
                .rsplit_once(": ")
                .map_or("", |x| x.1)
                .trim()
                .trim_end_matches('.');
            list.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty() && x != "none")
                .collect()
        })
}

/// Whether a plan is the offline planner's for this phase (possibly edited by a person), so its
/// lists are the contract; any other plan (an LLM's) leaves the lists to the profile.
fn follows(plan: &str, leads: &[&str]) -> bool {
    leads.iter().any(|l| plan_list(plan, l).is_some())
}

const CLEANING_LEADS: [&str; 3] = [
    "Drop columns missing in more than",
    "Drop free-text columns",
    "Convert booleans to 0/1",
];
const FEATURE_LEADS: [&str; 4] = [
    "Split structured strings into parts",
    "One-hot encode low-cardinality text",
    "Ordinal-encode high-cardinality text",
    "Add the total of amount-like columns",
];

/// Keeps the listed names that are real columns (a person may mistype one).
fn known(list: Option<Vec<String>>, p: &Profile) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .filter(|n| p.columns.iter().any(|c| &c.name == n))
        .collect()
}

fn cleaning_program(p: &Profile, plan: &str) -> Program {
    let mut c = cleaning(p);
    let mut explicit_drop = false;
    if follows(plan, &CLEANING_LEADS) {
        let too_missing = known(plan_list(plan, CLEANING_LEADS[0]), p);
        explicit_drop = too_missing != c.too_missing;
        c.too_missing = too_missing;
        c.free_text = known(plan_list(plan, CLEANING_LEADS[1]), p);
        c.booleans = known(plan_list(plan, CLEANING_LEADS[2]), p);
    }
    let mut steps = Vec::new();
    if explicit_drop && !c.too_missing.is_empty() {
        steps.push(Step::new("drop_columns", json!({"columns": c.too_missing})));
    } else if !c.too_missing.is_empty() {
        steps.push(Step::new(
            "drop_missing_columns",
            json!({"threshold": DROP_MISSING}),
        ));
    }
    if !c.free_text.is_empty() {
        steps.push(Step::new("drop_columns", json!({"columns": c.free_text})));
    }
    if !c.booleans.is_empty() {
        steps.push(Step::new(
            "convert_dtype",
            json!({"columns": c.booleans, "to": "float"}),
        ));
    }
    steps.push(Step::new(
        "fill_missing",
        json!({"strategy": "auto", "indicator": c.indicator}),
    ));
    Program { steps }
}

fn feature_program(cx: &PhaseCx, plan: &str) -> Program {
    let mut f = feature_plan(cx.profile);
    if follows(plan, &FEATURE_LEADS) {
        let p = cx.profile;
        f.structured = plan_list(plan, FEATURE_LEADS[0])
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                let (col, rest) = item.split_once(" on '")?;
                let delim = rest.trim_end_matches('\'');
                let known = f.structured.iter().find(|s| s.0 == col && s.1 == delim);
                known.cloned().or_else(|| {
                    DELIMITERS
                        .into_iter()
                        .find(|d| *d == delim)
                        .filter(|_| p.columns.iter().any(|c| c.name == col))
                        .map(|d| (col.to_string(), d))
                })
            })
            .collect();
        f.one_hot = known(plan_list(plan, FEATURE_LEADS[1]), p);
        f.ordinal = known(plan_list(plan, FEATURE_LEADS[2]), p);
        f.amounts = known(plan_list(plan, FEATURE_LEADS[3]), p);
        if f.amounts.len() < 2 {
            f.amounts.clear();
        }
    }
    let mut steps = Vec::new();
    for (c, d) in &f.structured {
        steps.push(Step::new(
            "split_string",
            json!({"column": c, "delimiter": d}),
        ));
    }
    // Parts of split strings are new columns: decide their encoding from the split data itself.
    let (mut one_hot, mut ordinal) = (f.one_hot, f.ordinal);
    if !steps.is_empty() {
        steps.push(Step::new("fill_missing", json!({"strategy": "auto"})));
        let split = Program {
            steps: steps.clone(),
        };
        if let Ok((ds, _)) = split.run(cx.ds, 0, &mut |_, _| {})
            && let Ok(p) = Profile::of(&ds)
        {
            for c in features(&p).filter(|c| c.kind == Kind::Text) {
                if f.structured
                    .iter()
                    .any(|s| c.name.starts_with(&format!("{}_", s.0)))
                {
                    if c.distinct <= ONE_HOT_MAX {
                        one_hot.push(c.name.clone())
                    } else {
                        ordinal.push(c.name.clone())
                    }
                }
            }
        }
    }
    if !one_hot.is_empty() {
        steps.push(Step::new(
            "one_hot",
            json!({"columns": one_hot, "max_categories": ONE_HOT_MAX}),
        ));
    }
    if !ordinal.is_empty() {
        steps.push(Step::new("ordinal_encode", json!({"columns": ordinal})));
    }
    if !f.amounts.is_empty() {
        let expr = f
            .amounts
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(" + ");
        steps.push(Step::new(
            "custom_feature",
            json!({"expr": expr, "name": "total_amount"}),
        ));
    }
    steps.push(Step::new("fill_missing", json!({"strategy": "auto"})));
    steps.push(Step::new("select_variance", json!({})));
    if features(cx.profile).count() > 200 {
        steps.push(Step::new("select_importance", json!({"k": 150})));
    }
    Program { steps }
}

/// Repairs a program from the messages of a failed attempt: drops a failing step, adds imputation for
/// missing values, encoding for text left over, and drops a leaking column.
pub fn repair(mut program: Program, feedback: &str) -> Program {
    if let Some(rest) = feedback.strip_prefix("step ")
        && let Some(n) = rest
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<usize>().ok())
        && n >= 1
        && n <= program.steps.len()
    {
        program.steps.remove(n - 1);
        return program;
    }
    let lower = feedback.to_lowercase();
    if lower.contains("leak") {
        if let Some(col) = feedback.split('`').nth(1) {
            program
                .steps
                .push(Step::new("drop_columns", json!({"columns": [col]})));
        }
    } else if lower.contains("not numeric") || lower.contains("text column") {
        program.steps.push(Step::new("ordinal_encode", json!({})));
    } else if lower.contains("missing") || lower.contains("infinite") {
        program
            .steps
            .push(Step::new("fill_missing", json!({"strategy": "median"})));
    }
    program
}

impl Developer for OfflinePolicy {
    /// Follows the plan's column lists when the plan is the offline planner's (edited or not).
    fn develop(&self, cx: &PhaseCx, plan: &str, feedback: &[String]) -> Work {
        let base = match cx.phase {
            Phase::DataCleaning => cleaning_program(cx.profile, plan),
            Phase::FeatureEngineering => feature_program(cx, plan),
            Phase::ModelBuilding => {
                let (folds, candidates) = candidates(cx.profile.rows, outputs(cx), cx.seed);
                return Work::Models { folds, candidates };
            }
            _ => return Work::Analysis,
        };
        Work::Program {
            program: feedback.iter().fold(base, |p, f| repair(p, f)),
        }
    }
}

impl Reviewer for OfflinePolicy {
    fn review(&self, _cx: &PhaseCx, o: &Outcome) -> Review {
        let failed: Vec<&(String, bool, String)> = o.gates.iter().filter(|g| !g.1).collect();
        let (dev, why) = match (failed.len(), o.attempts) {
            (0, 1) => (5, "every gate passed on the first attempt".to_string()),
            (0, n) => (4, format!("every gate passed after {n} attempts")),
            (k, _) => (
                2,
                format!(
                    "{k} gate(s) failed: {}",
                    failed
                        .iter()
                        .map(|g| g.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        let mut scores = vec![("developer".to_string(), dev, why)];
        let mut suggestions: Vec<String> =
            failed.iter().map(|g| format!("{}: {}", g.0, g.2)).collect();
        if let (Some(b), Some(best)) = (o.baseline, o.cv.first()) {
            let spread = o.cv.iter().map(|c| c.2).fold(0.0, f64::max);
            let (s, why) = if (best.1 - b).abs() < 1e-12 {
                (
                    2,
                    format!(
                        "the best model ({:.4}) does not beat the trivial baseline ({b:.4})",
                        best.1
                    ),
                )
            } else {
                (
                    4,
                    format!(
                        "best CV {:.4} ± {:.4} against a trivial baseline of {b:.4}",
                        best.1, best.2
                    ),
                )
            };
            scores.push(("planner".into(), s, why));
            if spread > 0.02 {
                suggestions.push(format!("fold scores vary by up to {spread:.3}: consider more folds or stronger regularisation"));
            }
        } else {
            scores.push((
                "planner".into(),
                4,
                format!("{} step(s) planned and carried out", o.steps.len()),
            ));
        }
        Review {
            scores,
            suggestions,
        }
    }
}

impl Summarizer for OfflinePolicy {
    fn summarize(&self, cx: &PhaseCx, plan: &str, o: &Outcome, review: &Review) -> String {
        let mut s = format!("# {}\n\n## Plan\n\n{plan}\n", cx.phase.title());
        if !o.steps.is_empty() {
            s.push_str("\n## What the program did\n\n");
            for l in o.steps {
                s.push_str(&format!("- {l}\n"));
            }
        }
        if !o.cv.is_empty() {
            s.push_str("\n## Cross-validation\n\n| model | CV mean | CV std |\n|---|---|---|\n");
            for (m, mean, std) in o.cv {
                s.push_str(&format!("| {m} | {mean:.5} | {std:.5} |\n"));
            }
            if let Some(b) = o.baseline {
                s.push_str(&format!("\nTrivial baseline: {b:.5}\n"));
            }
        }
        s.push_str(&format!(
            "\n## Gates ({} of {} passed, {} attempt(s))\n\n",
            o.gates.iter().filter(|g| g.1).count(),
            o.gates.len(),
            o.attempts
        ));
        for (name, ok, msg) in o.gates {
            s.push_str(&format!(
                "- {} {name}: {msg}\n",
                if *ok { "PASS" } else { "FAIL" }
            ));
        }
        s.push_str("\n## Review\n\n");
        for (who, score, why) in &review.scores {
            s.push_str(&format!("- {who}: {score}/5, {why}\n"));
        }
        for sug in &review.suggestions {
            s.push_str(&format!("- suggestion: {sug}\n"));
        }
        s
    }
}

#[cfg(test)]
mod plan_tests {
    use super::plan_list;

    #[test]
    fn plan_lists_are_read_after_the_last_colon_and_a_removed_line_is_none() {
        let plan = "1. Drop columns missing in more than 50% of train rows: Cabin, Deck.\n2. Drop free-text columns with no structure: none.\n";
        assert_eq!(
            plan_list(plan, "Drop columns missing in more than"),
            Some(vec!["Cabin".to_string(), "Deck".to_string()])
        );
        assert_eq!(plan_list(plan, "Drop free-text columns"), Some(vec![]));
        assert_eq!(plan_list(plan, "Convert booleans to 0/1"), None);
    }
}
