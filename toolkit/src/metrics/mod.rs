//! The competition metrics, one file each, in one registry ([`METRICS`]).
//!
//! A metric says everything the rest of the product needs of it: its name (in `competition.toml`,
//! `--metric` and saved models), the phrases an overview uses for it, its direction, the tasks it
//! scores, the submission it needs, how a model is fitted for it, and its exact scorer. Nothing
//! else matches on metrics, so adding one is one file plus one line below; the registry test
//! checks the line is complete.
//!
//! Scores are computed in the model's space: one vector per output, 0/1 indicators and
//! probabilities for classification (one output for two classes, one per class otherwise), values
//! for regression (`log1p` values when [`Fitting::log_target`] is set).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::spec::{Submission, Task};

mod accuracy;
mod balanced_accuracy;
pub(crate) mod classes;
#[cfg(test)]
pub(crate) use classes::fixtures;
mod f1;
mod log_loss;
mod mae;
mod map_at_k;
mod mape;
mod mcc;
mod median_ae;
mod qwk;
mod r2;
mod recognise;
mod rmse;
mod rmsle;
mod roc_auc;
mod smape;

pub use classes::{confusion, predicted_class, true_class};
pub use recognise::{Recognised, metric_named, recognise};
pub use rmse::rmse;
pub use roc_auc::roc_auc;

/// One competition metric.
pub trait Metric: Sync {
    /// The name in `competition.toml`, `--metric` and saved models (snake_case).
    fn name(&self) -> &'static str;
    /// Other names read as this one (older files, common spellings).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// Lowercase phrases that name it in an overview's evaluation section; `a+b` needs every part.
    fn phrases(&self) -> &'static [&'static str];
    /// Whether a larger score is better. No default: a forgotten direction must not compile.
    fn higher_is_better(&self) -> bool;
    /// The tasks it can score.
    fn tasks(&self) -> &'static [Task];
    /// What a submission holds for it.
    fn submission(&self) -> Submission;
    /// How many ranked labels a submission row holds (MAP@k), for [`Submission::RankedLabels`].
    fn top_k(&self) -> usize {
        1
    }
    /// How a model is fitted for it.
    fn fitting(&self) -> Fitting {
        Fitting::default()
    }
    /// Why a target value cannot be scored (RMSLE below -1, MAPE at 0), or None when it can.
    fn outside_domain(&self, _y: f64) -> Option<&'static str> {
        None
    }
    /// The score of predictions `p` against targets `y`, in the model's space (module docs).
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64;
    /// The score of label predictions from their confusion matrix alone (`m[true][predicted]`,
    /// counts), for a metric that reads nothing else of them; None for the others. A decision
    /// rule's search scores each trial from counts in this way instead of from every row.
    fn score_confusion(&self, _m: &[Vec<f64>]) -> Option<f64> {
        None
    }
}

/// How a model is fitted for a metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fitting {
    /// Fit and score on `log1p` of the target; predictions go back through `exp_m1` (RMSLE).
    pub log_target: bool,
    /// How probabilities become the labels it scores.
    pub decide: Decide,
    /// The error boosters minimise on a value target.
    pub residual: Residual,
}

/// The error a booster minimises on a value target: the one whose minimiser the metric rewards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Residual {
    /// Squared error: the conditional mean (RMSE, R²).
    #[default]
    Squared,
    /// Absolute error, each leaf the median of its residuals: MAE and median absolute error reward
    /// the conditional median, which squared error misses on skewed targets.
    Absolute,
    /// Absolute error weighted by 1/|y|, each leaf a weighted median: MAPE itself, which rewards
    /// a low guess where the target is small, as neither the mean nor the median does. Not SMAPE:
    /// on concrete_strength it fell by 0.017 normalized against squared error (docs/bench.md).
    Relative,
}

/// How probabilities become labels, decided out of fold (`models::decision`). Argmax is right for
/// accuracy; a metric that weighs classes or errors differently needs its own cut.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Decide {
    /// The most probable class.
    #[default]
    Argmax,
    /// A tuned threshold (binary) or per-class weights (multiclass): MCC, F1, balanced accuracy.
    Threshold,
    /// Classes as ordered levels, cut on the expected level at tuned points: kappa.
    Ordinal,
}

/// Every metric, by name. One line per metric.
pub const METRICS: &[&dyn Metric] = &[
    &accuracy::Accuracy,
    &balanced_accuracy::BalancedAccuracy,
    &roc_auc::RocAuc,
    &roc_auc::MeanColumnwiseRocAuc,
    &log_loss::LogLoss,
    &f1::F1,
    &f1::F1Macro,
    &f1::F1Micro,
    &mcc::Mcc,
    &qwk::Qwk,
    &map_at_k::MAP_AT_3,
    &map_at_k::MAP_AT_5,
    &rmse::Rmse,
    &rmsle::Rmsle,
    &mae::Mae,
    &median_ae::MedianAe,
    &mape::Mape,
    &smape::Smape,
    &r2::R2,
];

/// A metric as a spec, a problem or a saved model holds it: a handle into [`METRICS`], written by name.
#[derive(Clone, Copy)]
pub struct MetricId(&'static dyn Metric);

impl MetricId {
    /// The handle of a registered metric.
    pub const fn of(m: &'static dyn Metric) -> Self {
        Self(m)
    }
    /// The metric with this name or alias (any case, `-` or space for `_`).
    pub fn named(name: &str) -> Option<Self> {
        let key = name.trim().to_lowercase().replace(['-', ' '], "_");
        METRICS
            .iter()
            .find(|m| m.name() == key || m.aliases().contains(&key.as_str()))
            .map(|m| Self(*m))
    }
    /// The metric with this name; for tests and fixed defaults, where a typo is a bug.
    ///
    /// # Panics
    /// When no metric has that name.
    pub fn must(name: &str) -> Self {
        Self::named(name).unwrap_or_else(|| panic!("no metric named `{name}`"))
    }
    /// The default for a task when the overview names none.
    pub fn default_for(task: Task) -> Self {
        Self::must(match task {
            Task::Binary | Task::Multiclass => "accuracy",
            Task::Regression => "rmse",
            Task::MultiLabel => "mean_columnwise_roc_auc",
        })
    }
    /// Every name `--metric` takes, comma-separated.
    pub fn names() -> String {
        METRICS
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// The metric itself.
    pub fn get(self) -> &'static dyn Metric {
        self.0
    }
    /// Its name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }
    /// Whether a larger score is better.
    pub fn higher_is_better(self) -> bool {
        self.0.higher_is_better()
    }
    /// What the submission holds.
    pub fn submission(self) -> Submission {
        self.0.submission()
    }
    /// Whether it can score `task`'s predictions.
    pub fn scores(self, task: Task) -> bool {
        self.0.tasks().contains(&task)
    }
    /// How a model is fitted for it.
    pub fn fitting(self) -> Fitting {
        self.0.fitting()
    }
    /// The score of `p` against `y` (model space).
    pub fn score(self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        self.0.score(y, p)
    }
    /// See [`Metric::score_confusion`].
    pub fn score_confusion(self, m: &[Vec<f64>]) -> Option<f64> {
        self.0.score_confusion(m)
    }
    /// Whether score `a` is better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        if self.higher_is_better() {
            a > b
        } else {
            a < b
        }
    }
}

impl PartialEq for MetricId {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}
impl Eq for MetricId {}

impl std::fmt::Debug for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for MetricId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}
impl<'de> Deserialize<'de> for MetricId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::named(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown metric `{name}` (known: {})",
                Self::names()
            ))
        })
    }
}
impl schemars::JsonSchema for MetricId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Metric".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = METRICS.iter().map(|m| m.name()).collect();
        schemars::json_schema!({ "type": "string", "enum": names })
    }
}

/// Whether score `a` is better than `b` under `metric`.
pub fn better(metric: MetricId, a: f64, b: f64) -> bool {
    metric.better(a, b)
}

/// The score of `p` against `y` under `metric` (model space).
pub fn score(metric: MetricId, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
    metric.score(y, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_complete_and_consistent() {
        let mut seen = std::collections::BTreeSet::new();
        for m in METRICS {
            for n in std::iter::once(m.name()).chain(m.aliases().iter().copied()) {
                assert!(seen.insert(n), "`{n}` names two metrics");
                assert_eq!(MetricId::named(n), Some(MetricId::of(*m)));
            }
            assert!(!m.phrases().is_empty(), "{} has no phrases", m.name());
            assert!(!m.tasks().is_empty(), "{} scores no task", m.name());
            let round: MetricId =
                serde_json::from_value(serde_json::to_value(MetricId::of(*m)).unwrap()).unwrap();
            assert_eq!(round.name(), m.name());
            // Perfect predictions score at least as well as poor ones, in the metric's direction.
            let task = m.tasks()[0];
            let (y, good, bad) = classes::fixture(task);
            let (g, b) = (m.score(&y, &good), m.score(&y, &bad));
            assert!(
                MetricId::of(*m).better(g, b),
                "{}: perfect {g} is not better than poor {b}",
                m.name()
            );
            assert_eq!(m.submission() == Submission::RankedLabels, m.top_k() > 1);
        }
        for task in [
            Task::Binary,
            Task::Multiclass,
            Task::Regression,
            Task::MultiLabel,
        ] {
            assert!(MetricId::default_for(task).scores(task));
        }
    }

    #[test]
    fn names_are_read_in_any_spelling_and_unknown_ones_are_refused() {
        assert_eq!(MetricId::must("RMSE-of-logs"), MetricId::must("rmsle"));
        assert_eq!(MetricId::must("ROC AUC").name(), "roc_auc");
        let err = serde_json::from_str::<MetricId>("\"brier\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown metric `brier` (known: accuracy,")
        );
    }
}
