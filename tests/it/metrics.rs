//! Metrics as a user meets them: named in an overview, chosen with `--metric`, written in the
//! sample's format, refused when unknown or when the target is outside their domain, and a run that
//! cannot write a valid submission exits non-zero without one. (Made-up data: these test behaviour,
//! not quality.)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::cli::{bin, tmp};

/// A competition folder: `rows` train rows and 60 test rows of three features, a target made by
/// `target(x1, x2)`, the sample's header and first cell, and an overview.
pub(super) fn competition(
    tag: &str,
    target: fn(f64, f64) -> String,
    sample: (&str, &str),
    overview: &str,
) -> PathBuf {
    let dir = tmp(tag).join("comp");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut train, mut test) = (
        String::from("id,x1,x2,x3,y\n"),
        String::from("id,x1,x2,x3\n"),
    );
    let mut sub = format!("id,{}\n", sample.0);
    for i in 0..360u32 {
        let x1 = f64::from((i * 37) % 101) / 10.0;
        let x2 = f64::from((i * 53) % 89) / 10.0;
        let x3 = f64::from(i % 7);
        if i < 300 {
            let _ = writeln!(train, "{i},{x1},{x2},{x3},{}", target(x1, x2));
        } else {
            let _ = writeln!(test, "{i},{x1},{x2},{x3}");
            let _ = writeln!(sub, "{i},{}", sample.1);
        }
    }
    for (name, text) in [
        ("train.csv", train),
        ("test.csv", test),
        ("sample_submission.csv", sub),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("overview.txt"), overview).unwrap();
    dir
}

pub(super) fn colour(x1: f64, x2: f64) -> String {
    ["red", "blue", "green", "gold"][((x1 / 2.6) as usize + (x2 > 4.0) as usize) % 4].into()
}

fn run(dir: &Path, extra: &[&str]) -> (bool, String, PathBuf) {
    let out = dir.parent().unwrap().join("runs");
    let o = bin()
        .args(["run", "--time-budget", "8", "--competition"])
        .arg(dir)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    // Progress goes to stderr, first; the results table to stdout.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    (o.status.success(), text, out)
}

fn submission(out: &Path) -> String {
    let run = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    std::fs::read_to_string(run.join("submission.csv")).unwrap()
}

#[test]
fn map_at_3_writes_three_ranked_labels_a_row() {
    let dir = competition(
        "map3",
        colour,
        ("y", "red blue green"),
        "## Evaluation\n\nSubmissions are evaluated according to the Mean Average Precision @ 3 (MAP@3).\n",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(ok, "{text}");
    assert!(
        text.contains("metric: map_at_3 (named in the overview's evaluation sentence"),
        "{text}"
    );
    let sub = submission(&out);
    let rows: Vec<&str> = sub.lines().collect();
    assert_eq!((rows[0], rows.len()), ("id,y", 61));
    for r in &rows[1..] {
        let labels: Vec<&str> = r.split(',').nth(1).unwrap().split(' ').collect();
        assert_eq!(labels.len(), 3, "{r}");
        assert!(
            labels
                .iter()
                .all(|l| ["red", "blue", "green", "gold"].contains(l)),
            "{r}"
        );
    }
}

#[test]
fn class_probabilities_take_the_samples_column_names() {
    let dir = competition(
        "prefix",
        colour,
        ("y_blue,y_gold,y_green,y_red", "0.25,0.25,0.25,0.25"),
        "Submissions are evaluated using the multi-class logarithmic loss.",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(ok, "{text}");
    let sub = submission(&out);
    assert!(sub.starts_with("id,y_blue,y_gold,y_green,y_red\n"), "{sub}");
    for r in sub.lines().skip(1) {
        let p: f64 = r
            .split(',')
            .skip(1)
            .map(|v| v.parse::<f64>().unwrap())
            .sum();
        assert!((p - 1.0).abs() < 1e-6, "{r}");
    }
}

#[test]
fn an_unknown_metric_stops_before_phase_1_and_metric_overrides_it() {
    let dir = competition(
        "brier",
        |x1, _| u8::from(x1 > 5.0).to_string(),
        ("y", "0.5"),
        "## Evaluation\nSubmissions are evaluated using the Brier score of the predicted probabilities.\n",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(!ok);
    assert!(
        text.contains(
            "\"submissions are evaluated using the brier score of the predicted probabilities\""
        ),
        "{text}"
    );
    assert!(
        text.contains("--metric NAME") && text.contains("log_loss"),
        "{text}"
    );
    assert!(
        !out.exists(),
        "no run directory for a run that never started"
    );
    let (ok, text, out) = run(&dir, &["--metric", "log_loss"]);
    assert!(ok, "{text}");
    assert!(text.contains("metric: log_loss (from --metric)"), "{text}");
    assert!(submission(&out).starts_with("id,y\n"));
    let bad = bin()
        .args(["run", "--metric", "brier", "--competition"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("unknown metric `brier`; one of: accuracy,")
    );
}

#[test]
fn a_submission_the_writer_cannot_produce_exits_non_zero_without_a_file() {
    // Probability columns that name no class: nothing the run can write is valid.
    let dir = competition(
        "badformat",
        colour,
        ("p1,p2,p3,p4", "0.25,0.25,0.25,0.25"),
        "Submissions are evaluated using log loss.",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("do not name train's classes"), "{text}");
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    assert!(!run_dir.join("submission.csv").exists());
}

#[test]
fn targets_outside_the_metrics_domain_are_refused_with_rows_and_fix() {
    let dir = competition(
        "rmsle",
        |x1, x2| {
            if x1 == 0.0 && x2 == 0.0 {
                "-5".into()
            } else {
                format!("{}", x1 * 10.0 + x2)
            }
        },
        ("y", "1.0"),
        "Submissions are evaluated on the Root Mean Squared Logarithmic Error (RMSLE).",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(!ok);
    assert!(
        text.contains("train.csv: column `y`: 1 row(s) the metric rmsle cannot score (log1p is undefined at -1 and below), first at data row(s) 1; drop those rows or choose another metric with `--metric NAME`"),
        "{text}"
    );
    assert!(!out.exists());
}

#[test]
fn no_metric_named_says_which_default_first() {
    let dir = competition(
        "default",
        |x1, _| u8::from(x1 > 5.0).to_string(),
        ("y", "0"),
        "Predict y.",
    );
    let (ok, text, out) = run(&dir, &[]);
    assert!(ok, "{text}");
    assert!(
        text.lines().next().unwrap().starts_with("metric: accuracy (no metric named in the overview: accuracy, the default for a Binary task"),
        "{text}"
    );
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let report = std::fs::read_to_string(run_dir.join("report.md")).unwrap();
    assert!(
        report.starts_with("> **Metric: accuracy.** no metric named in the overview"),
        "{report}"
    );
}

#[test]
fn families_lists_the_registry_with_each_familys_defaults() {
    let o = bin().arg("families").output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "gbm",
            "gbm_bag",
            "linear",
            "forest",
            "extra_trees",
            "knn",
            "gbm_leaves",
            "gbm_sets",
            "gbm_symmetric",
            "9"
        ],
        "{text}"
    );
    // At 10,000 rows the booster's default is 600 trees at 0.05, stopped by its held-out fold.
    assert!(
        text.contains(r#"{"family":"gbm","iterations":600,"learning_rate":0.05,"max_depth":5"#),
        "{text}"
    );
    assert!(text.contains(r#""bags":3"#), "{text}");
    assert!(
        text.contains(r#""max_depth":12"#) && text.contains(r#""leaves":31"#),
        "{text}"
    );
    // As JSON, each family carries the schema of its settings.
    let o = bin().args(["families", "--json"]).output().unwrap();
    assert!(o.status.success());
    let all: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let family = |name: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
    };
    let knn = family("knn");
    assert_eq!(knn["defaults"]["k"], 25);
    assert_eq!(
        knn["schema"]["properties"]["k"]["description"],
        "Neighbours averaged."
    );
    let sets = family("gbm_sets");
    assert_eq!(sets["defaults"]["category_sets"], true);
    assert!(
        sets["schema"]["properties"]["category_sets"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Split columns of unordered category codes")
    );
    let symmetric = family("gbm_symmetric");
    assert_eq!(symmetric["defaults"]["symmetric"], true);
    assert_eq!(symmetric["defaults"]["max_depth"], 6);
    assert_eq!(symmetric["defaults"]["l2"], 3.0);
    assert_eq!(all.as_array().unwrap().len(), 9);
}

#[test]
fn metrics_lists_the_registry() {
    let o = bin().arg("metrics").output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("map_at_3") && text.contains("rankedlabels") && text.contains("on log1p(y)")
    );
    let fitted = |name: &str| {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name));
        line.map(|l| l.split("values").nth(1).unwrap_or("").trim().to_string())
    };
    assert_eq!(
        fitted("mape").as_deref(),
        Some("absolute error / |y|"),
        "{text}"
    );
    assert_eq!(fitted("smape").as_deref(), Some("as is"), "{text}");
    assert_eq!(fitted("mae").as_deref(), Some("absolute error"), "{text}");
    assert!(
        text.contains("19 metrics; choose one with `--metric NAME`"),
        "{text}"
    );
}
