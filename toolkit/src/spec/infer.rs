//! A spec inferred from the files when there is no competition.toml: the id and targets from the
//! sample submission, the task from the target's values, the metric from the overview's words, each
//! with the reason it was chosen.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;
use crate::frame::{self, DataFrame, Kind};

/// Infers a spec from `train.csv`, `test.csv`, `sample_submission.csv` and `overview.txt` in `dir`;
/// `metric`, when given (`--metric`), is taken instead of the overview's.
pub fn infer(dir: &Path, metric: Option<MetricId>) -> Result<Resolved> {
    let files = Files::default();
    let sample_path = dir.join(&files.sample_submission);
    let (sample, sample_notes) = frame::read_csv_noted(&sample_path)?;
    let sample_cols = frame::names(&sample);
    let mut reasons = Vec::new();
    let id = sample_cols
        .first()
        .cloned()
        .ok_or_else(|| ToolkitError::file(&sample_path, "has no columns"))?;
    reasons.push(Reason {
        field: "id",
        value: id.clone(),
        why: format!("first column of {}", files.sample_submission),
    });
    let read = read_train_test(dir, &files)?;
    let (targets, why) = match &read {
        Some(((train, _), (test, _))) => {
            targets_from_train(dir, &files, train, test, &sample_cols)?
        }
        None => (
            sample_cols[1..].to_vec(),
            "no train/test files: the sample submission's non-id columns".into(),
        ),
    };
    reasons.push(Reason {
        field: "targets",
        value: targets.join(", "),
        why,
    });
    let task = match &read {
        Some(((train, _), _)) => infer_task(train, &targets, &dir.join(&files.train))?,
        None => task_from_sample(&sample, &targets)?,
    };
    reasons.push(Reason {
        field: "task",
        value: format!("{:?}", task.0),
        why: task.1,
    });
    let (metric, why) = choose_metric(&dir.join(&files.overview), metric, task.0)?;
    reasons.push(Reason {
        field: "metric",
        value: metric.to_string(),
        why,
    });
    let submission = metric.submission();
    reasons.push(Reason {
        field: "submission",
        value: format!("{submission:?}"),
        why: format!("what {metric} scores"),
    });
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "competition".into());
    let spec = CompetitionSpec {
        name,
        data: None,
        id,
        targets,
        task: task.0,
        metric,
        submission,
        files,
    };
    Ok(Resolved {
        spec,
        data_dir: dir.to_path_buf(),
        reasons,
        read: read.map(|(train, test)| std::sync::Arc::new([train, test, (sample, sample_notes)])),
    })
}

type Noted = (DataFrame, Vec<String>);

/// Train and test with their reading notes, when both files are there (a competition can be
/// inspected from its sample submission alone).
fn read_train_test(dir: &Path, files: &Files) -> Result<Option<(Noted, Noted)>> {
    let tp = dir.join(&files.train);
    let sp = dir.join(&files.test);
    if !(tp.exists() && sp.exists()) {
        return Ok(None);
    }
    let train = frame::read_csv_noted(&tp)?;
    crate::rows::check_train_rows(&train.0, &tp)?;
    Ok(Some((train, frame::read_csv_noted(&sp)?)))
}

/// The targets are the train columns test lacks, with the reason said.
fn targets_from_train(
    dir: &Path,
    files: &Files,
    train: &DataFrame,
    test: &DataFrame,
    sample_cols: &[String],
) -> Result<(Vec<String>, String)> {
    let test_cols: BTreeSet<String> = frame::names(test).into_iter().collect();
    let t: Vec<String> = frame::names(train)
        .into_iter()
        .filter(|c| !test_cols.contains(c))
        .collect();
    if t.is_empty() {
        return Err(ToolkitError::file(
            dir.join(&files.train),
            "every column is also in test.csv, so the target cannot be inferred; add a competition.toml with `targets`",
        ));
    }
    // Train-only columns that the sample submission also holds are the targets; any other
    // train-only column is a feature test lacks, which is an error worth naming.
    let in_sample: Vec<&String> = t.iter().filter(|c| sample_cols.contains(c)).collect();
    if !in_sample.is_empty() && in_sample.len() < t.len() {
        let stray = t
            .iter()
            .find(|c| !in_sample.contains(c))
            .expect("some column is not in the sample");
        return Err(ToolkitError::column(
            dir.join(&files.test),
            stray,
            "is in train but missing from test (and is not a submission column); add it to test or drop it from train",
        ));
    }
    Ok((t, "train columns absent from test".into()))
}

/// `--metric` when given (if it can score the task), else the metric the overview names.
fn choose_metric(
    overview: &Path,
    given: Option<MetricId>,
    task: Task,
) -> Result<(MetricId, String)> {
    match given {
        Some(m) if !m.scores(task) => Err(cannot_score(m, task)),
        Some(m) => Ok((m, "from --metric".to_string())),
        None => {
            let text = std::fs::read_to_string(overview).unwrap_or_default();
            let r = crate::metrics::recognise(&text, task)?;
            Ok((r.metric, r.why))
        }
    }
}

/// The task from the target column(s): text or booleans are classes; numbers with few integral
/// values are classes; several binary targets are multi-label; everything else is regression.
pub fn infer_task(train: &DataFrame, targets: &[String], file: &Path) -> Result<(Task, String)> {
    let mut distinct = Vec::new();
    for t in targets {
        let vals = frame::strs(train, t)?;
        let set: BTreeSet<&str> = vals.iter().flatten().map(String::as_str).collect();
        if set.is_empty() {
            return Err(ToolkitError::column(
                file,
                t,
                "the target is missing in every row; nothing to learn from",
            ));
        }
        if set.len() == 1 {
            return Err(ToolkitError::column(
                file,
                t,
                "the target is constant; nothing to learn from",
            ));
        }
        distinct.push((t, frame::kind(train, t)?, set.len(), integral(train, t)?));
    }
    if targets.len() > 1 {
        if distinct.iter().all(|d| d.2 == 2) {
            return Ok((
                Task::MultiLabel,
                format!("{} targets, each with two values", targets.len()),
            ));
        }
        return Err(ToolkitError::column(
            file,
            distinct
                .iter()
                .find(|d| d.2 != 2)
                .map(|d| d.0.as_str())
                .unwrap_or(""),
            "several targets, but not all binary: only multi-label (several 0/1 targets) is supported",
        ));
    }
    let (_, kind, n, integral) = distinct[0];
    let rows = train.height();
    Ok(match kind {
        Kind::Text | Kind::Bool if n == 2 => {
            (Task::Binary, "text/boolean target with 2 values".into())
        }
        Kind::Text | Kind::Bool => (Task::Multiclass, format!("text target with {n} values")),
        _ if n == 2 => (Task::Binary, "numeric target with 2 values".into()),
        _ if integral && n <= 20 && n * 20 <= rows => {
            (Task::Multiclass, format!("integer target with {n} values"))
        }
        _ => (
            Task::Regression,
            format!("numeric target with {n} distinct values"),
        ),
    })
}

fn integral(df: &DataFrame, col: &str) -> Result<bool> {
    if frame::kind(df, col)? != Kind::Numeric {
        return Ok(false);
    }
    Ok(frame::f64s(df, col)?
        .iter()
        .flatten()
        .all(|v| v.fract() == 0.0))
}

fn task_from_sample(sample: &DataFrame, targets: &[String]) -> Result<(Task, String)> {
    if targets.len() > 1 {
        return Ok((
            Task::MultiLabel,
            "several prediction columns in the sample submission".into(),
        ));
    }
    let t = &targets[0];
    Ok(match frame::kind(sample, t)? {
        Kind::Text | Kind::Bool => (
            Task::Multiclass,
            "sample submission holds labels (no train.csv to count classes)".into(),
        ),
        _ => {
            let v = frame::f64s(sample, t)?;
            if v.iter().flatten().all(|x| (0.0..=1.0).contains(x)) {
                (
                    Task::Binary,
                    "sample submission holds values in [0,1] (no train.csv)".into(),
                )
            } else {
                (
                    Task::Regression,
                    "sample submission holds numbers outside [0,1] (no train.csv)".into(),
                )
            }
        }
    })
}

/// The error for a `--metric` that cannot score the task.
pub(super) fn cannot_score(m: MetricId, task: Task) -> ToolkitError {
    ToolkitError::data(format!(
        "--metric {m} cannot score a {task:?} task; choose one of: {}",
        crate::metrics::METRICS
            .iter()
            .filter(|x| x.tasks().contains(&task))
            .map(|x| x.name())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
