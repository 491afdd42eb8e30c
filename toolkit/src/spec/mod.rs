//! What a competition is: id, targets, task, metric and submission format, read from a
//! `competition.toml` or inferred from the files, with the reason for each inferred value.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};

mod infer;

pub use crate::metrics::{MetricId, metric_named};
pub use infer::{infer, infer_task};

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
    /// The metric's k most probable labels, space-separated, most probable first (MAP@k).
    RankedLabels,
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
    /// More labelled rows to fit on (`--extra-train`; a Playground competition's original
    /// dataset), mapped to train by column name: fitted on in every fold, never held out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_train: Option<String>,
}

impl Default for Files {
    fn default() -> Self {
        Self {
            train: "train.csv".into(),
            test: "test.csv".into(),
            sample_submission: "sample_submission.csv".into(),
            overview: "overview.txt".into(),
            extra_train: None,
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
    /// The scoring metric (a name in `metrics::METRICS`).
    pub metric: MetricId,
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
pub fn compatible(task: Task, metric: MetricId) -> bool {
    metric.scores(task)
}

/// Why a correction cannot stand on its own.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Rejected {
    /// `targets` names none.
    #[error("no target named")]
    NoTarget,
    /// The task is not one of the task names.
    #[error("unknown task `{0}`")]
    UnknownTask(String),
    /// The metric is not in the registry.
    #[error("unknown metric `{0}` (known: {known})", known = MetricId::names())]
    UnknownMetric(String),
    /// The field is not one a correction may change.
    #[error("field `{0}` cannot be corrected (id, targets, task, metric can)")]
    Field(String),
    /// The corrected task and metric do not go together.
    #[error("metric {metric:?} cannot score a {task:?} task")]
    Incompatible {
        /// The metric after the correction.
        metric: MetricId,
        /// The task after it.
        task: Task,
    },
    /// The value is the spec's own.
    #[error("the value is what the spec already says")]
    Unchanged,
}

/// The spec with one field changed, or why the change cannot stand on its own (the caller still
/// checks it against the files, e.g. by building a `Dataset`).
pub fn corrected(spec: &CompetitionSpec, c: &Correction) -> Result<CompetitionSpec, Rejected> {
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
                return Err(Rejected::NoTarget);
            }
        }
        "task" => {
            s.task =
                serde_json::from_value(name).map_err(|_| Rejected::UnknownTask(v.to_string()))?
        }
        "metric" => {
            s.metric = MetricId::named(v).ok_or_else(|| Rejected::UnknownMetric(v.to_string()))?;
            s.submission = s.metric.submission();
        }
        f => {
            return Err(Rejected::Field(f.to_string()));
        }
    }
    if !compatible(s.task, s.metric) {
        return Err(Rejected::Incompatible {
            metric: s.metric,
            task: s.task,
        });
    }
    if s == *spec {
        return Err(Rejected::Unchanged);
    }
    Ok(s)
}

/// Train, test and the sample submission as read, each with what reading had to adapt.
pub type ReadFiles = [(crate::frame::DataFrame, Vec<String>); 3];

/// A spec plus where its data lives and how each value was found.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The spec.
    pub spec: CompetitionSpec,
    /// Absolute-or-relative folder with the data files.
    pub data_dir: PathBuf,
    /// The reason for each value (from the toml, or inferred).
    pub reasons: Vec<Reason>,
    /// The files inference already read (train, test, sample, each with its reading notes), so
    /// loading does not parse them twice: at a million rows that is seconds.
    pub read: Option<std::sync::Arc<ReadFiles>>,
}

impl Resolved {
    /// Path of one of the competition's files.
    pub fn path(&self, file: &str) -> PathBuf {
        self.data_dir.join(file)
    }
}

/// Reads `DIR/competition.toml` if present, else infers the spec from the files in `DIR`.
pub fn resolve(dir: &Path) -> Result<Resolved> {
    resolve_with(dir, None)
}

/// [`resolve`] with the metric chosen by the user (`--metric`), which overrides the toml's and
/// the overview's.
pub fn resolve_with(dir: &Path, metric: Option<MetricId>) -> Result<Resolved> {
    let toml_path = dir.join("competition.toml");
    if toml_path.exists() {
        let text = std::fs::read_to_string(&toml_path)?;
        let spec: CompetitionSpec = toml::from_str(&text).map_err(|e| {
            ToolkitError::file(&toml_path, format!("invalid competition spec: {e}"))
        })?;
        let mut spec = spec;
        let mut metric_why = format!("from {}", toml_path.display());
        if let Some(m) = metric {
            if !m.scores(spec.task) {
                return Err(infer::cannot_score(m, spec.task));
            }
            spec.metric = m;
            spec.submission = m.submission();
            metric_why = "from --metric".into();
        }
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
            Reason {
                field: "metric",
                value: spec.metric.to_string(),
                why: metric_why,
            },
            from("submission", format!("{:?}", spec.submission)),
        ];
        Ok(Resolved {
            spec,
            data_dir,
            reasons,
            read: None,
        })
    } else {
        infer(dir, metric)
    }
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

    fn fix(field: &str, value: &str) -> Result<CompetitionSpec, Rejected> {
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
            (MetricId::must("roc_auc"), Submission::Probabilities)
        );
        assert_eq!(fix("targets", "a, b").unwrap().targets, vec!["a", "b"]);
        assert_eq!(
            fix("task", "regression").unwrap_err(),
            Rejected::Incompatible {
                metric: MetricId::must("accuracy"),
                task: Task::Regression
            }
        );
        let e = fix("metric", "brier").unwrap_err();
        assert_eq!(e, Rejected::UnknownMetric("brier".into()));
        assert!(
            e.to_string().starts_with("unknown metric `brier` (known: "),
            "{e}"
        );
        assert_eq!(fix("metric", "accuracy").unwrap_err(), Rejected::Unchanged);
        assert_eq!(
            fix("files", "x").unwrap_err().to_string(),
            "field `files` cannot be corrected (id, targets, task, metric can)"
        );
        assert_eq!(fix("targets", " , ").unwrap_err(), Rejected::NoTarget);
    }
}
