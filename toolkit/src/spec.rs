//! What a competition is: id, targets, task, metric and submission format, read from a
//! `competition.toml` or inferred from the files, with the reason for each inferred value.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame, Kind};

/// The learning task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Two classes.
    Binary,
    /// More than two classes, one label per row.
    Multiclass,
    /// A number.
    Regression,
    /// Several binary targets per row.
    MultiLabel,
}

/// The competition's metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction of labels right.
    Accuracy,
    /// Area under the ROC curve of a probability.
    RocAuc,
    /// ROC AUC averaged over several binary targets.
    MeanColumnwiseRocAuc,
    /// Multi-class logarithmic loss.
    LogLoss,
    /// F1 of the positive class.
    F1,
    /// Root mean squared error.
    Rmse,
    /// Root mean squared error between the logarithms (house prices).
    RmseOfLogs,
    /// Mean absolute error.
    Mae,
    /// Coefficient of determination.
    R2,
}

impl Metric {
    /// Whether a larger score is better.
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Self::Accuracy | Self::RocAuc | Self::MeanColumnwiseRocAuc | Self::F1 | Self::R2
        )
    }
    /// What the submission must hold for this metric.
    pub fn submission(self) -> Submission {
        match self {
            Self::Accuracy | Self::F1 => Submission::Labels,
            Self::RocAuc | Self::MeanColumnwiseRocAuc | Self::LogLoss => Submission::Probabilities,
            Self::Rmse | Self::RmseOfLogs | Self::Mae | Self::R2 => Submission::Values,
        }
    }
}

/// What each submission cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    /// Class labels in train's vocabulary and spelling.
    Labels,
    /// Probabilities in [0, 1] (one column per class or target).
    Probabilities,
    /// Real-valued predictions.
    Values,
}

/// File names inside the data folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Files {
    /// Training data with targets.
    pub train: String,
    /// Test data without targets.
    pub test: String,
    /// The format the submission must follow.
    pub sample_submission: String,
    /// The competition's description (metric, background).
    pub overview: String,
}

impl Default for Files {
    fn default() -> Self {
        Self {
            train: "train.csv".into(),
            test: "test.csv".into(),
            sample_submission: "sample_submission.csv".into(),
            overview: "overview.txt".into(),
        }
    }
}

/// A competition's definition, as written in `competition.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetitionSpec {
    /// Short name (the folder name).
    pub name: String,
    /// Where the data files are, relative to the toml's folder (default: the folder itself).
    #[serde(default)]
    pub data: Option<PathBuf>,
    /// The id column, shared by test and the submission.
    pub id: String,
    /// Target column(s) in train.
    pub targets: Vec<String>,
    /// The learning task.
    pub task: Task,
    /// The scoring metric.
    pub metric: Metric,
    /// What the submission holds.
    pub submission: Submission,
    /// File names.
    #[serde(default)]
    pub files: Files,
}

/// One inferred value and why it was chosen.
#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    /// Which field.
    pub field: &'static str,
    /// The value, printed.
    pub value: String,
    /// Why.
    pub why: String,
}

/// A change to one field of the spec that an agent proposes, with its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// `id`, `targets`, `task` or `metric`.
    pub field: String,
    /// The new value (`targets`: comma-separated; task and metric: snake_case names).
    pub value: String,
    /// Why.
    pub reason: String,
}

/// Whether a metric can score a task's predictions.
pub fn compatible(task: Task, metric: Metric) -> bool {
    use Metric::*;
    match task {
        Task::Regression => matches!(metric, Rmse | RmseOfLogs | Mae | R2),
        Task::Binary => matches!(metric, Accuracy | RocAuc | LogLoss | F1),
        Task::Multiclass => matches!(metric, Accuracy | LogLoss | F1),
        Task::MultiLabel => matches!(metric, MeanColumnwiseRocAuc | LogLoss),
    }
}

/// The spec with one field changed, or why the change cannot stand on its own (the caller still
/// checks it against the files, e.g. by building a `Dataset`).
pub fn corrected(spec: &CompetitionSpec, c: &Correction) -> Result<CompetitionSpec, String> {
    let mut s = spec.clone();
    let v = c.value.trim();
    let name = serde_json::Value::String(v.to_lowercase());
    match c.field.as_str() {
        "id" if !v.is_empty() => s.id = v.to_string(),
        "targets" => {
            s.targets = v
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            if s.targets.is_empty() {
                return Err("no target named".into());
            }
        }
        "task" => {
            s.task = serde_json::from_value(name).map_err(|_| format!("unknown task `{v}`"))?
        }
        "metric" => {
            s.metric = serde_json::from_value(name).map_err(|_| format!("unknown metric `{v}`"))?;
            s.submission = s.metric.submission();
        }
        f => {
            return Err(format!(
                "field `{f}` cannot be corrected (id, targets, task, metric can)"
            ));
        }
    }
    if !compatible(s.task, s.metric) {
        return Err(format!(
            "metric {:?} cannot score a {:?} task",
            s.metric, s.task
        ));
    }
    if s == *spec {
        return Err("the value is what the spec already says".into());
    }
    Ok(s)
}

/// A spec plus where its data lives and how each value was found.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The spec.
    pub spec: CompetitionSpec,
    /// Absolute-or-relative folder with the data files.
    pub data_dir: PathBuf,
    /// The reason for each value (from the toml, or inferred).
    pub reasons: Vec<Reason>,
}

impl Resolved {
    /// Path of one of the competition's files.
    pub fn path(&self, file: &str) -> PathBuf {
        self.data_dir.join(file)
    }
}

/// Reads `DIR/competition.toml` if present, else infers the spec from the files in `DIR`.
pub fn resolve(dir: &Path) -> Result<Resolved> {
    let toml_path = dir.join("competition.toml");
    if toml_path.exists() {
        let text = std::fs::read_to_string(&toml_path)?;
        let spec: CompetitionSpec = toml::from_str(&text).map_err(|e| {
            ToolkitError::file(&toml_path, format!("invalid competition spec: {e}"))
        })?;
        let data_dir = match &spec.data {
            Some(d) => dir.join(d),
            None => dir.to_path_buf(),
        };
        let from = |field, value: String| Reason {
            field,
            value,
            why: format!("from {}", toml_path.display()),
        };
        let reasons = vec![
            from("id", spec.id.clone()),
            from("targets", spec.targets.join(", ")),
            from("task", format!("{:?}", spec.task)),
            from("metric", format!("{:?}", spec.metric)),
            from("submission", format!("{:?}", spec.submission)),
        ];
        Ok(Resolved {
            spec,
            data_dir,
            reasons,
        })
    } else {
        infer(dir)
    }
}

/// Infers a spec from `train.csv`, `test.csv`, `sample_submission.csv` and `overview.txt` in `dir`.
pub fn infer(dir: &Path) -> Result<Resolved> {
    let files = Files::default();
    let sample_path = dir.join(&files.sample_submission);
    let sample = frame::read_csv(&sample_path)?;
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
    let (train, test) = {
        let tp = dir.join(&files.train);
        let sp = dir.join(&files.test);
        if tp.exists() && sp.exists() {
            let train = frame::read_csv(&tp)?;
            crate::dataset::check_train_rows(&train, &tp)?;
            (Some(train), Some(frame::read_csv(&sp)?))
        } else {
            (None, None)
        }
    };
    let targets: Vec<String> = match (&train, &test) {
        (Some(train), Some(test)) => {
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
            reasons.push(Reason {
                field: "targets",
                value: t.join(", "),
                why: "train columns absent from test".into(),
            });
            t
        }
        _ => {
            let t: Vec<String> = sample_cols[1..].to_vec();
            reasons.push(Reason {
                field: "targets",
                value: t.join(", "),
                why: "no train/test files: the sample submission's non-id columns".into(),
            });
            t
        }
    };
    let task = match &train {
        Some(train) => infer_task(train, &targets, &dir.join(&files.train))?,
        None => task_from_sample(&sample, &targets)?,
    };
    reasons.push(Reason {
        field: "task",
        value: format!("{:?}", task.0),
        why: task.1,
    });
    let overview = std::fs::read_to_string(dir.join(&files.overview)).unwrap_or_default();
    let (metric, why) = infer_metric(&overview, task.0);
    reasons.push(Reason {
        field: "metric",
        value: format!("{metric:?}"),
        why,
    });
    let submission = metric.submission();
    reasons.push(Reason {
        field: "submission",
        value: format!("{submission:?}"),
        why: format!("what {metric:?} scores"),
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
    })
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

/// The metric from the overview's evaluation sentence, else the default for the task.
pub fn infer_metric(overview: &str, task: Task) -> (Metric, String) {
    let lower = overview.to_lowercase();
    // Prefer the sentence that says how submissions are evaluated; fall back to the whole text.
    let sentence = lower
        .find("evaluated")
        .map(|i| {
            // A sentence ends at ". " or a line break (URLs inside it hold bare dots).
            let rest = &lower[i..];
            let end = [rest.find(". "), rest.find('\n')]
                .into_iter()
                .flatten()
                .min()
                .map_or(lower.len(), |e| i + e);
            &lower[i..end]
        })
        .unwrap_or("");
    for (text, place) in [
        (sentence, "the overview's evaluation sentence"),
        (lower.as_str(), "the overview"),
    ] {
        let has = |k: &str| text.contains(k);
        let rmse = has("root-mean-squared") || has("root mean squared") || has("rmse");
        let found = if rmse && has("logarithm") {
            Some(Metric::RmseOfLogs)
        } else if has("area under") || has("roc curve") || has("auc") {
            Some(if task == Task::MultiLabel {
                Metric::MeanColumnwiseRocAuc
            } else {
                Metric::RocAuc
            })
        } else if rmse {
            Some(Metric::Rmse)
        } else if has("log loss") || has("logarithmic loss") || has("logloss") {
            Some(Metric::LogLoss)
        } else if has("mean absolute error") {
            Some(Metric::Mae)
        } else if has("f1") {
            Some(Metric::F1)
        } else if has("accuracy") {
            Some(Metric::Accuracy)
        } else {
            None
        };
        if let Some(m) = found {
            return (m, format!("named in {place}"));
        }
    }
    let m = match task {
        Task::Binary | Task::Multiclass => Metric::Accuracy,
        Task::Regression => Metric::Rmse,
        Task::MultiLabel => Metric::MeanColumnwiseRocAuc,
    };
    (
        m,
        format!("no metric named in the overview: the default for a {task:?} task"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CompetitionSpec {
        toml::from_str(
            "name = \"t\"\nid = \"id\"\ntargets = [\"y\"]\ntask = \"binary\"\nmetric = \"accuracy\"\nsubmission = \"labels\"\n[files]\ntrain = \"train.csv\"\ntest = \"test.csv\"\nsample_submission = \"s.csv\"\noverview = \"o.txt\"\n",
        )
        .unwrap()
    }

    fn fix(field: &str, value: &str) -> Result<CompetitionSpec, String> {
        let c = Correction {
            field: field.into(),
            value: value.into(),
            reason: "r".into(),
        };
        corrected(&spec(), &c)
    }

    #[test]
    fn corrections_are_parsed_and_checked_for_consistency() {
        let s = fix("metric", "ROC_AUC").unwrap();
        assert_eq!(
            (s.metric, s.submission),
            (Metric::RocAuc, Metric::RocAuc.submission())
        );
        assert_eq!(fix("targets", "a, b").unwrap().targets, vec!["a", "b"]);
        assert!(
            fix("task", "regression")
                .unwrap_err()
                .contains("cannot score")
        );
        assert!(fix("metric", "auc").unwrap_err().contains("unknown metric"));
        assert!(fix("metric", "accuracy").unwrap_err().contains("already"));
        assert!(
            fix("files", "x")
                .unwrap_err()
                .contains("cannot be corrected")
        );
    }
}
