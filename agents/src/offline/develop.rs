//! The offline developer: programs of toolkit calls from the profile and the plan, repaired from gate
//! messages, and the safe fallback that always passes the gates.

use crate::phase::{Offline, Phase};
use crate::roles::{Developer, PhaseCx, Work};

use super::plan::{CLEANING_LEADS, FEATURE_LEADS, follows, known, plan_list};
use super::*;

fn cleaning_program(p: &Profile, plan: &str) -> Program {
    let mut c = cleaning(p);
    if follows(plan, &CLEANING_LEADS) {
        c.too_missing = known(plan_list(plan, CLEANING_LEADS[0]), p);
        c.free_text = known(plan_list(plan, CLEANING_LEADS[1]), p);
        c.booleans = known(plan_list(plan, CLEANING_LEADS[2]), p);
    }
    let mut steps = Vec::new();
    if !c.too_missing.is_empty() {
        // Whether a value is missing is often information (titanic: no cabin on record), so each
        // dropped column leaves its indicator; the fill only serves it, the column goes next.
        steps.push(Step::new(
            "fill_missing",
            json!({"columns": c.too_missing, "strategy": "auto", "indicator": true}),
        ));
        steps.push(Step::new("drop_columns", json!({"columns": c.too_missing})));
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
    let mut f = feature_plan(cx.profile, cx.ds.spec.task);
    if follows(plan, &FEATURE_LEADS) {
        follow_feature_plan(&mut f, cx.profile, plan);
    }
    let mut steps = Vec::new();
    if !f.mined.is_empty() {
        steps.push(Step::new(
            "feature_search",
            json!({"columns": f.mined, "max_seconds": 15}),
        ));
        steps.push(Step::new("drop_columns", json!({"columns": f.mined})));
    }
    if !f.datetimes.is_empty() {
        steps.push(Step::new(
            "datetime_parts",
            json!({"columns": f.datetimes, "parts": ["year", "month", "day", "weekday", "hour", "weekend"]}),
        ));
    }
    for (c, d) in &f.structured {
        steps.push(Step::new(
            "split_string",
            json!({"column": c, "delimiter": d}),
        ));
    }
    let (mut one_hot, mut ordinal) = (f.one_hot, f.ordinal);
    if !f.structured.is_empty() {
        steps.push(Step::new("fill_missing", json!({"strategy": "auto"})));
        encode_split_parts(cx, &steps, &f.structured, &mut one_hot, &mut ordinal);
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
    if !f.target.is_empty() {
        steps.push(Step::new("target_encode", json!({"columns": f.target})));
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

/// Takes the plan's lists in place of the profile's choices, keeping only columns (and split
/// delimiters) that exist.
fn follow_feature_plan(f: &mut Features, p: &Profile, plan: &str) {
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
    f.datetimes = known(plan_list(plan, FEATURE_LEADS[4]), p);
    f.target = known(plan_list(plan, FEATURE_LEADS[5]), p);
    if f.amounts.len() < 2 {
        f.amounts.clear();
    }
}

/// Parts of split strings are new columns: their encoding is decided from the split data itself,
/// by running the steps so far on the phase's data.
fn encode_split_parts(
    cx: &PhaseCx,
    steps: &[Step],
    structured: &[(String, &'static str)],
    one_hot: &mut Vec<String>,
    ordinal: &mut Vec<String>,
) {
    let split = Program {
        steps: steps.to_vec(),
    };
    let Ok((ds, _)) = split.run(cx.ds, 0, &mut |_, _| {}) else {
        return;
    };
    let Ok(p) = Profile::of(&ds) else {
        return;
    };
    for c in features(&p).filter(|c| c.kind == Kind::Text) {
        if structured
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
        let base = match cx.phase.spec().offline {
            Offline::Clean => cleaning_program(cx.profile, plan),
            Offline::Engineer => feature_program(cx, plan),
            Offline::Model => {
                let (folds, candidates) = candidates(cx.profile.rows, outputs(cx), cx.seed);
                return Work::Models { folds, candidates };
            }
            Offline::Look(_) => return Work::Analysis,
        };
        Work::Program {
            program: feedback.iter().fold(base, |p, f| repair(p, f)),
        }
    }
}

/// The work that always passes the gates, run when the developer's attempts are used up: impute and
/// encode everything, one default model.
pub fn safe_work(phase: Phase) -> Work {
    match phase.spec().offline {
        Offline::Clean => Work::Program {
            program: Program {
                steps: vec![Step::new("fill_missing", json!({"strategy": "median"}))],
            },
        },
        Offline::Engineer => Work::Program {
            program: Program {
                steps: vec![
                    Step::new("ordinal_encode", json!({})),
                    Step::new("fill_missing", json!({"strategy": "median"})),
                ],
            },
        },
        Offline::Model => Work::Models {
            folds: 3,
            candidates: vec![ModelSpec {
                name: "gbm_default".into(),
                kind: autokaggle_toolkit::models::cv::ModelKind::new(
                    autokaggle_toolkit::models::gbm::GbmParams::default(),
                ),
            }],
        },
        Offline::Look(_) => Work::Analysis,
    }
}

#[cfg(test)]
mod tests {
    use autokaggle_toolkit::testing::{C, dataset, df};
    use autokaggle_toolkit::{Profile, Task};

    use super::*;
    use crate::roles::Planner;

    /// `n` train rows with an id, a text column `col` (row i holds `value(i)`), and a target cycling
    /// through `classes` values; one test row holding `test_value`.
    fn with_text(
        n: usize,
        col: &str,
        value: impl Fn(usize) -> String,
        test_value: &'static str,
        classes: usize,
        task: Task,
    ) -> autokaggle_toolkit::Dataset {
        let text: Vec<Option<&'static str>> = (0..n)
            .map(|i| Some(&*Box::leak(value(i).into_boxed_str())))
            .collect();
        let train = df(vec![
            ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
            (col, C::S(text)),
            (
                "y",
                C::F((0..n).map(|i| Some((i % classes) as f64)).collect()),
            ),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(1e6)])),
            (col, C::S(vec![Some(test_value)])),
        ]);
        dataset(train, test, task)
    }

    fn cx<'a>(
        ds: &'a autokaggle_toolkit::Dataset,
        profile: &'a Profile,
        phase: Phase,
    ) -> PhaseCx<'a> {
        PhaseCx {
            phase,
            ds,
            profile,
            overview: "",
            previous_report: "",
            instructions: &[],
            seed: 1,
            redo: &[],
        }
    }

    #[test]
    fn the_model_plan_names_the_default_families_from_the_registry_and_every_candidate() {
        let ds = with_text(40, "t", |i| format!("v{}", i % 3), "v1", 2, Task::Binary);
        let profile = Profile::of(&ds).unwrap();
        let plan = OfflinePolicy.plan(&cx(&ds, &profile, Phase::ModelBuilding));
        assert!(
            plan.contains("\n2. gbm (gradient-boosted trees), linear (logistic regression for classes, ridge for values) and forest (random forest) at default settings, then seeded draws from their search spaces: 25 candidates (gbm_d5_lr0.050, linear_l2_0.1000, forest_d12_leaf2, gbm_d4_lr0.102, "),
            "{plan}"
        );
    }

    #[test]
    fn iso_datetimes_are_expanded_into_parts_not_split_or_dropped() {
        let ds = with_text(
            40,
            "t",
            |i| format!("2014-0{}-1{}T0{}:18:04Z", 1 + i % 9, i % 10, i % 10),
            "2015-03-01T00:00:00Z",
            2,
            Task::Binary,
        );
        let profile = Profile::of(&ds).unwrap();
        let cx = |phase| cx(&ds, &profile, phase);
        let cleaning = OfflinePolicy.plan(&cx(Phase::DataCleaning));
        assert!(
            cleaning.contains("Drop free-text columns with no structure: none."),
            "{cleaning}"
        );
        let plan = OfflinePolicy.plan(&cx(Phase::FeatureEngineering));
        assert!(plan.starts_with("0. Expand date-time text into parts (year, month, day, weekday, hour, weekend): t.\n"), "{plan}");
        let Work::Program { program } =
            OfflinePolicy.develop(&cx(Phase::FeatureEngineering), &plan, &[])
        else {
            panic!("a program");
        };
        assert_eq!(program.steps[0].tool, "datetime_parts");
        assert_eq!(program.steps[0].args["columns"], json!(["t"]));
        assert!(
            program.steps.iter().all(|s| s.tool != "split_string"),
            "{program:?}"
        );
        // A person who removes the line from the plan keeps the text column as it is.
        let edited: String = plan.lines().skip(1).collect::<Vec<_>>().join("\n");
        let Work::Program { program } =
            OfflinePolicy.develop(&cx(Phase::FeatureEngineering), &edited, &[])
        else {
            panic!("a program");
        };
        assert!(program.steps.iter().all(|s| s.tool != "datetime_parts"));
    }

    fn program_for(task: Task) -> (String, Program) {
        let ds = with_text(120, "code", |i| format!("C{}", i % 60), "C7", 3, task);
        let profile = Profile::of(&ds).unwrap();
        let cx = cx(&ds, &profile, Phase::FeatureEngineering);
        let plan = OfflinePolicy.plan(&cx);
        let Work::Program { program } = OfflinePolicy.develop(&cx, &plan, &[]) else {
            panic!("a program");
        };
        (plan, program)
    }

    #[test]
    fn very_high_cardinality_text_is_target_encoded_for_binary_and_regression_only() {
        let (plan, program) = program_for(Task::Regression);
        assert!(
            plan.contains("6. Target-encode very high-cardinality text (more than 50 values, out of fold on train): code."),
            "{plan}"
        );
        assert!(
            plan.contains("3. Ordinal-encode high-cardinality text: none."),
            "{plan}"
        );
        let te = program
            .steps
            .iter()
            .find(|s| s.tool == "target_encode")
            .unwrap();
        assert_eq!(te.args["columns"], json!(["code"]));
        assert!(program.steps.iter().all(|s| s.tool != "ordinal_encode"));
        // Multiclass keeps the ordinal code (target encoding is one number per class there).
        let (plan, program) = program_for(Task::Multiclass);
        assert!(!plan.contains("Target-encode"), "{plan}");
        assert!(program.steps.iter().any(|s| s.tool == "ordinal_encode"));
    }

    #[test]
    fn a_column_dropped_for_missing_values_leaves_its_indicator() {
        // `cab` is known in 1 row of 5 (80% missing, above the 60% line).
        let n = 50;
        let cab = (0..n).map(|i| (i % 5 == 0).then_some("C85")).collect();
        let train = df(vec![
            ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
            ("cab", C::S(cab)),
            ("x", C::F((0..n).map(|i| Some(i as f64)).collect())),
            ("y", C::F((0..n).map(|i| Some((i % 2) as f64)).collect())),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(1e6), Some(1e6 + 1.0)])),
            ("cab", C::S(vec![Some("B5"), None])),
            ("x", C::F(vec![Some(1.0), Some(2.0)])),
        ]);
        let ds = dataset(train, test, Task::Binary);
        let profile = Profile::of(&ds).unwrap();
        let plan = OfflinePolicy.plan(&cx(&ds, &profile, Phase::DataCleaning));
        assert!(
            plan.contains("each leaving a 0/1 was-missing indicator: cab."),
            "{plan}"
        );
        let Work::Program { program } =
            OfflinePolicy.develop(&cx(&ds, &profile, Phase::DataCleaning), &plan, &[])
        else {
            panic!("cleaning is a program")
        };
        let (out, _) = program.run(&ds, 1, &mut |_, _| {}).unwrap();
        let names = autokaggle_toolkit::frame::names(&out.train);
        assert!(!names.contains(&"cab".to_string()), "{names:?}");
        let was = autokaggle_toolkit::testing::f(&out.train, "cab_was_missing");
        assert_eq!(
            &was[..5],
            [Some(0.), Some(1.), Some(1.), Some(1.), Some(1.)]
        );
        assert_eq!(
            autokaggle_toolkit::testing::f(&out.test, "cab_was_missing"),
            [Some(0.), Some(1.)]
        );
    }
}
