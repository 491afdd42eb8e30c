//! Whole runs: valid submissions on real competitions, gates in every phase, and the feedback and
//! fallback paths when the developer gets it wrong.

use autokaggle_agents::roles::{GateResult, GateStatus};
use autokaggle_toolkit::spec::Submission;
use std::path::Path;

use autokaggle::config::{self, RunConfig};
use autokaggle::orchestrator::{self as pipeline, Roles};
use autokaggle_agents::offline::{OfflinePolicy, repair};
use autokaggle_agents::roles::PhaseCx;
use autokaggle_agents::{Developer, Work};
use autokaggle_core::Phase;
use autokaggle_toolkit::{Dataset, Program, frame, spec};

use super::cli::{shared, tmp};

fn check_run(dir: &Path, run_dir: &Path, expect_rows: usize) -> frame::DataFrame {
    let ds = Dataset::open(dir).unwrap();
    let sub = frame::read_csv(&run_dir.join("submission.csv")).unwrap();
    assert_eq!(frame::names(&sub), frame::names(&ds.sample));
    assert_eq!(sub.height(), expect_rows);
    assert!(
        frame::same_column(
            &frame::select(&sub, std::slice::from_ref(&ds.spec.id)).unwrap(),
            &ds.sample,
            &ds.spec.id
        ) || {
            frame::strs(&sub, &ds.spec.id).unwrap() == frame::strs(&ds.sample, &ds.spec.id).unwrap()
        }
    );
    for p in autokaggle_core::phase::PHASES {
        let gates: Vec<GateResult> = serde_json::from_str(
            &std::fs::read_to_string(run_dir.join(p.dir_name()).join("gates.json")).unwrap(),
        )
        .unwrap();
        assert!(!gates.is_empty(), "{p:?} ran no gate");
        for g in &gates {
            assert!(!g.failed(), "{p:?}: {g:?}");
        }
        // A label submission has no probabilities to check, and says so instead of passing.
        if p == autokaggle_core::Phase::ModelBuilding && ds.spec.submission == Submission::Labels {
            let prob = gates
                .iter()
                .find(|g| g.gate == "probabilities_valid")
                .unwrap();
            assert_eq!(prob.status, GateStatus::NotApplicable);
        }
        assert!(run_dir.join(p.dir_name()).join("report.md").exists());
        assert!(run_dir.join(p.dir_name()).join("plan.md").exists());
    }
    assert!(
        std::fs::read_to_string(run_dir.join("report.md"))
            .unwrap()
            .contains("trivial baseline")
    );
    sub
}

#[test]
fn titanic_runs_to_a_valid_submission() {
    let Some(dir) = shared("titanic") else { return };
    let out = tmp("titanic");
    let cfg = RunConfig::new(dir.clone(), out.clone(), 42);
    let s = pipeline::run(&cfg).unwrap();
    let sub = check_run(&dir, &s.run_dir, 418);
    let labels: std::collections::BTreeSet<String> = frame::strs(&sub, "Survived")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(labels, ["0", "1"].iter().map(|s| s.to_string()).collect());
    assert!(frame::is_integer(&sub, "Survived").unwrap());
    assert!(
        s.blend_score > 0.80 && s.baseline < 0.62,
        "CV {} baseline {}",
        s.blend_score,
        s.baseline
    );
    assert!(s.phases.iter().all(|p| p.attempts == 1 && !p.fallback));
    // All three families and the 22 seeded draws fit in titanic's budget; each family beats the baseline.
    assert_eq!(s.cv.len(), 25, "{:?}", s.cv);
    for family in ["gbm_", "linear_", "forest_"] {
        let c = s.cv.iter().find(|c| c.model.starts_with(family)).unwrap();
        let (name, mean) = (&c.model, c.mean);
        assert!(mean > 0.75, "{name}: {mean}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn multiclass_ghouls_runs_with_labels_from_train() {
    let Some(dir) = shared("ghouls_goblins_and_ghosts_boo") else {
        return;
    };
    let out = tmp("ghouls");
    let cfg = RunConfig::new(dir.clone(), out.clone(), 1);
    let s = pipeline::run(&cfg).unwrap();
    let sub = check_run(&dir, &s.run_dir, 529);
    let labels: std::collections::BTreeSet<String> = frame::strs(&sub, "type")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| ["Ghost", "Ghoul", "Goblin"].contains(&l.as_str())),
        "{labels:?}"
    );
    assert!(s.blend_score > 0.65, "CV {}", s.blend_score);
    std::fs::remove_dir_all(&out).unwrap();
}

/// A developer that forgets imputation in cleaning, then follows the offline repair.
struct Forgetful;

impl Developer for Forgetful {
    fn develop(&self, cx: &PhaseCx, plan: &str, feedback: &[String]) -> Work {
        if cx.phase == Phase::DataCleaning {
            let p = Program::from_json(
                r#"[{"tool": "drop_columns", "args": {"columns": ["Name", "Ticket", "Cabin"]}}]"#,
            )
            .unwrap();
            return Work::Program {
                program: feedback.iter().fold(p, |p, f| repair(p, f)),
            };
        }
        OfflinePolicy.develop(cx, plan, feedback)
    }
}

/// A developer whose feature programs always name a column that does not exist.
struct Hopeless;

impl Developer for Hopeless {
    fn develop(&self, cx: &PhaseCx, plan: &str, feedback: &[String]) -> Work {
        if cx.phase == Phase::FeatureEngineering {
            return Work::Program {
                program: Program::from_json(
                    r#"[{"tool": "log1p", "args": {"columns": ["NoSuchColumn"]}}]"#,
                )
                .unwrap(),
            };
        }
        OfflinePolicy.develop(cx, plan, feedback)
    }
}

fn run_with(
    dev: Box<dyn Developer>,
    tag: &str,
) -> Option<(autokaggle::store::RunSummary, std::path::PathBuf)> {
    let dir = shared("titanic")?;
    let r = spec::resolve(&dir).unwrap();
    let ds = Dataset::load(&r).unwrap();
    let out = tmp(tag);
    let cfg = RunConfig::new(dir, out.clone(), 42);
    let roles = Roles {
        developer: dev,
        ..Roles::default()
    };
    Some((
        pipeline::run_dataset(&cfg, &r, ds, "", &roles).unwrap(),
        out,
    ))
}

#[test]
fn a_failed_gate_goes_back_to_the_developer_who_repairs() {
    let Some((s, out)) = run_with(Box::new(Forgetful), "forgetful") else {
        return;
    };
    let cleaning = s
        .phases
        .iter()
        .find(|p| p.phase == Phase::DataCleaning)
        .unwrap();
    assert_eq!((cleaning.attempts, cleaning.fallback), (2, false));
    let log = std::fs::read_to_string(s.run_dir.join("3_data_cleaning/output.log")).unwrap();
    assert!(
        log.contains("gate no_missing_values failed") && log.contains("add a fill_missing step"),
        "{log}"
    );
    let program = std::fs::read_to_string(s.run_dir.join("3_data_cleaning/program.json")).unwrap();
    assert!(program.contains("fill_missing"), "{program}");
    assert!(s.submission.exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_developer_that_never_succeeds_falls_back_and_still_submits() {
    let Some((s, out)) = run_with(Box::new(Hopeless), "hopeless") else {
        return;
    };
    let fe = s
        .phases
        .iter()
        .find(|p| p.phase == Phase::FeatureEngineering)
        .unwrap();
    assert_eq!((fe.attempts, fe.fallback), (config::MAX_ATTEMPTS + 1, true));
    let log = std::fs::read_to_string(s.run_dir.join("5_feature_engineering/output.log")).unwrap();
    assert_eq!(
        log.matches("column `NoSuchColumn` is not in the frame")
            .count(),
        config::MAX_ATTEMPTS,
        "{log}"
    );
    assert_eq!(fe.passed, fe.gates, "the fallback passes every gate");
    assert!(s.submission.exists());
    std::fs::remove_dir_all(&out).unwrap();
}

/// Inputs the reader adapts to run end to end, and the adaptation is in the run's first plan.
#[test]
fn adapted_inputs_run_to_a_submission_with_the_note_in_the_report() {
    let header = "id,a,b,y\n";
    let rows: String = (1..=40)
        .map(|i| {
            let a = match i % 9 {
                0 => "inf".to_string(),
                4 => "NaN".to_string(),
                _ => format!("{}", i as f64 * 1.5),
            };
            format!("{i};{a};{};{}\n", ["x", "y", "z"][i % 3], u8::from(i > 20))
        })
        .collect();
    let dir = tmp("adapted");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("train.csv"),
        format!("{}{rows}", header.replace(',', ";")),
    )
    .unwrap();
    let test: String = std::iter::once("id,a,b\n".to_string())
        .chain((41..=50).map(|i| format!("{i},{},{}\n", i as f64 * 1.5, ["x", "y", "z"][i % 3])))
        .collect();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    let sample: String = std::iter::once("id,y\n".to_string())
        .chain((41..=50).map(|i| format!("{i},0\n")))
        .collect();
    std::fs::write(dir.join("sample_submission.csv"), sample).unwrap();
    let out = dir.join("runs");
    let cfg = RunConfig::new(dir.clone(), out, 1);
    let s = pipeline::run(&cfg).unwrap();
    assert!(
        s.phases.iter().all(|p| p.passed == p.gates),
        "{:?}",
        s.phases
    );
    let sub = std::fs::read_to_string(&s.submission).unwrap();
    assert_eq!(sub.lines().count(), 11);
    let plan = std::fs::read_to_string(s.run_dir.join("1_understand_background/plan.md")).unwrap();
    assert!(
        plan.contains("train.csv uses ';' as its delimiter"),
        "{plan}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes train.csv, test.csv and a sample submission (`id,y`, a row per test id) into `dir`.
fn write_competition(dir: &Path, train: &str, test: &str, test_ids: std::ops::Range<u64>) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("train.csv"), train).unwrap();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    let sample: String = test_ids.map(|i| format!("{i},0\n")).collect();
    std::fs::write(dir.join("sample_submission.csv"), format!("id,y\n{sample}")).unwrap();
}

/// A competition whose test rows are all later than its train rows is cross-validated on
/// time-ordered folds, and the model phase's log says why.
#[test]
fn a_test_set_later_than_train_gets_time_ordered_folds() {
    let day = |d: u64| chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(d);
    let row = |i: u64| {
        let x = (i * 37 % 101) as f64 / 101.0;
        format!("{i},{},{x:.3},{}", day(i), u8::from(x > 0.5))
    };
    let dir = tmp("time_split");
    let lines = |r: std::ops::Range<u64>, test: bool| -> String {
        r.map(|i| {
            let l = row(i);
            if test {
                l[..l.rfind(',').unwrap()].to_string()
            } else {
                l
            }
        })
        .map(|l| l + "\n")
        .collect()
    };
    write_competition(
        &dir,
        &format!("id,date,x,y\n{}", lines(0..300, false)),
        &format!("id,date,x\n{}", lines(300..360, true)),
        300..360,
    );
    let cfg = RunConfig::new(dir.clone(), dir.join("runs"), 1);
    let s = pipeline::run(&cfg).unwrap();
    assert!(
        s.phases.iter().all(|p| p.passed == p.gates),
        "{:?}",
        s.phases
    );
    let log = std::fs::read_to_string(s.run_dir.join("6_model_building/output.log")).unwrap();
    assert!(
        log.contains(
            "folds: time-ordered on `date` (test follows train in time on `date`: 100% of test rows are later than train's last)"
        ),
        "{log}"
    );
    assert_eq!(
        std::fs::read_to_string(&s.submission)
            .unwrap()
            .lines()
            .count(),
        61
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Playground-style competition with its original dataset: `--extra-train` adds the original's
/// rows to train for fitting (mapped by name: its extra column dropped), every fold fits on them,
/// and the folds hold out and score only the competition's own rows.
#[test]
fn extra_train_rows_are_fitted_on_and_never_scored() {
    let dir = tmp("extra_train");
    let x = |i: u64| (i * 37 % 101) as f64 / 101.0;
    let rows = |r: std::ops::Range<u64>, label: bool| -> String {
        r.map(|i| match label {
            // Every fourth label of the competition's own rows flipped; the original's are clean.
            true => format!(
                "{i},{:.3},{}\n",
                x(i),
                u8::from(x(i) > 0.5) ^ u8::from(i % 4 == 0)
            ),
            false => format!("{i},{:.3}\n", x(i)),
        })
        .collect()
    };
    write_competition(
        &dir,
        &format!("id,x,y\n{}", rows(0..80, true)),
        &format!("id,x\n{}", rows(80..120, false)),
        80..120,
    );
    let original: String = (0..500u64)
        .map(|i| {
            let v = (i * 53 % 499) as f64 / 499.0;
            format!("{},{v:.3},survey\n", u8::from(v > 0.5))
        })
        .collect();
    let extra = dir.join("original.csv");
    std::fs::write(&extra, format!("y,x,source\n{original}")).unwrap();
    let cfg = RunConfig {
        extra_train: Some(extra.clone()),
        ..RunConfig::new(dir.clone(), dir.join("runs"), 1)
    };
    let s = pipeline::run(&cfg).unwrap();
    assert!(
        s.phases.iter().all(|p| p.passed == p.gates),
        "{:?}",
        s.phases
    );
    let log = std::fs::read_to_string(s.run_dir.join("6_model_building/output.log")).unwrap();
    let said = format!(
        "580 rows x 1 features in {{}}s (500 of them added from {}: fitted on in every fold, never scored)",
        extra.display()
    );
    let (head, tail) = said.split_once("{}").unwrap();
    assert!(
        log.lines().any(|l| l.contains(head) && l.ends_with(tail)),
        "{said:?} not in {log}"
    );
    // Scored on the competition's own rows, three quarters of whose labels follow x: a score
    // near 1 would mean the clean added rows were scored too.
    assert!(
        (0.65..0.85).contains(&s.blend_score),
        "out-of-fold accuracy {}",
        s.blend_score
    );
    let plan = std::fs::read_to_string(s.run_dir.join("1_understand_background/plan.md")).unwrap();
    for note in [
        "original.csv's `source` not in train: dropped",
        "added 500 rows of original.csv to train: fitted on in every fold, never held out or scored",
    ] {
        assert!(plan.contains(note), "{note:?} not in {plan}");
    }
    let submission = std::fs::read_to_string(&s.submission).unwrap();
    assert_eq!(submission.lines().count(), 41);
    // Resumed, the run adds the same rows again (the spec it recorded names the file) and reads its
    // finished phases back: the refitted models write the same submission.
    let (resumed, _) = config::configure(config::Setup {
        competition: None,
        out: dir.join("runs"),
        time_budget: config::DEFAULT_TIME_BUDGET,
        seed: 1,
        metric: None,
        extra_train: None,
        resume: Some(s.run_dir.clone()),
        llm: Default::default(),
    })
    .unwrap();
    assert_eq!(resumed.extra_train.as_deref(), Some(extra.as_path()));
    let again = pipeline::run(&resumed).unwrap();
    assert_eq!(
        std::fs::read_to_string(&again.submission).unwrap(),
        submission
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
