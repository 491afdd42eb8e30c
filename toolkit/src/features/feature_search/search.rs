//! How `feature_search` scores a candidate: the sampled train as a small modeling problem, cross-
//! validated with a quick booster, with and without the candidate's steps.

use super::candidates::Candidate;
use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame, Kind};
use crate::metrics::MetricId;
use crate::models::cv::{self, ModelKind, ModelSpec};
use crate::models::gbm::GbmParams;
use crate::models::problem::Problem;
use crate::spec::{CompetitionSpec, Submission, Task};
use crate::step::Step;
use crate::tool::{FitCx, Programs};

/// At most `n` rows of train, seeded.
pub(super) fn sample_rows(train: &DataFrame, n: usize, seed: u64) -> Result<DataFrame> {
    if train.height() <= n {
        return Ok(train.clone());
    }
    frame::take_rows(train, &crate::folds::sample(train.height(), n, seed))
}

/// A dataset over a train frame (a one-row test, so programs can run).
pub(super) fn dataset_of(train: DataFrame, cx: &FitCx) -> Result<Dataset> {
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
        validation: cx.validation.cloned(),
        extra: None,
    })
}

/// The metric candidates are judged by: smooth ones, which move with small gains.
fn screening_metric(task: Task) -> MetricId {
    match task {
        Task::Binary => MetricId::must("roc_auc"),
        Task::MultiLabel => MetricId::must("mean_columnwise_roc_auc"),
        Task::Multiclass => MetricId::must("log_loss"),
        Task::Regression => MetricId::must("rmse"),
    }
}

/// The sampled data as a modeling problem, and a quick booster to score candidates with.
pub(super) struct Search<'a> {
    ds: Dataset,
    pub metric: MetricId,
    pub higher: bool,
    seed: u64,
    programs: &'a dyn Programs,
    /// Under 5,000 rows: 5 folds per round, and every candidate scored in both rounds.
    pub small: bool,
}

impl<'a> Search<'a> {
    pub fn new(sample: &DataFrame, cx: &FitCx<'a>) -> Result<Self> {
        let ds = dataset_of(sample.clone(), cx)?;
        let metric = ds.spec.metric;
        Ok(Self {
            ds,
            metric,
            higher: metric.higher_is_better(),
            seed: cx.seed,
            programs: cx.programs,
            small: sample.height() < 5000,
        })
    }

    /// The sample with what `steps` add, as a problem: the numeric features and the
    /// low-cardinality text as codes.
    pub fn problem(&self, steps: &[Step]) -> Result<Problem> {
        let mut ds = self.programs.run(steps, &self.ds, self.seed)?;
        let mut keep = vec![ds.spec.id.clone()];
        keep.extend(ds.spec.targets.iter().cloned());
        for c in ds.features() {
            match frame::kind(&ds.train, &c)? {
                Kind::Numeric | Kind::Bool => keep.push(c),
                Kind::Text if super::distinct(&ds.train, &c)? <= 50 => {
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
        Problem::from_dataset(&ds)
    }

    /// How much better `score` is than `before` (positive = better, whichever way the metric runs).
    pub fn gain(&self, score: f64, before: f64) -> f64 {
        if self.higher {
            score - before
        } else {
            before - score
        }
    }

    /// The rule both stages keep a candidate by: its mean gain is not noise-sized (at least 0.1% of
    /// the base score) and, on a large sample, every round found it.
    pub fn enough(&self, gains: &[f64], base: f64) -> bool {
        let mean = gains.iter().sum::<f64>() / gains.len().max(1) as f64;
        (self.small || gains.iter().all(|g| *g > 0.0)) && mean >= 1e-3 * base.abs()
    }

    /// Stage two: the candidates that passed alone, best first, each added to the ones kept before
    /// it and kept only if it still gains over them by the same rule, so two captures of one
    /// signal (a title and an initial) do not both stay for one gain. Candidates not reached
    /// within `seconds` are dropped.
    pub fn together<'c>(
        &self,
        mut passed: Vec<(&'c Candidate, f64)>,
        base: &[f64],
        seconds: f64,
        notes: &mut Vec<String>,
    ) -> Result<Vec<&'c Candidate>> {
        let start = std::time::Instant::now();
        passed.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut kept: Vec<&Candidate> = Vec::new();
        let mut current = base.to_vec();
        for (c, _) in passed {
            if start.elapsed().as_secs_f64() > seconds {
                notes.push(format!(
                    "  {}: dropped (time limit before confirming)",
                    c.label()
                ));
                continue;
            }
            let steps: Vec<Step> = kept
                .iter()
                .chain([&c])
                .flat_map(|k| k.steps.clone())
                .collect();
            let problem = self.problem(&steps)?;
            let scores = (0..current.len() as u64)
                .map(|r| self.score(&problem, r))
                .collect::<Result<Vec<f64>>>()?;
            let gains: Vec<f64> = scores
                .iter()
                .zip(&current)
                .map(|(s, b)| self.gain(*s, *b))
                .collect();
            let list = super::listed(&gains);
            if self.enough(&gains, base[0]) {
                notes.push(format!(
                    "  {}: kept (gains beside the {} kept before it {list})",
                    c.label(),
                    kept.len(),
                ));
                kept.push(c);
                current = scores;
            } else {
                notes.push(format!(
                    "  {}: dropped beside the {} kept before it (gains {list})",
                    c.label(),
                    kept.len(),
                ));
            }
        }
        Ok(kept)
    }

    /// Mean CV score of a [`Self::problem`]; `round` picks other folds (the confirmation).
    pub fn score(&self, p: &Problem, round: u64) -> Result<f64> {
        let k = if self.small { 5 } else { 3 };
        let fold = cv::fold_ids(p, k, self.seed + 101 * (round + 1));
        let spec = ModelSpec {
            name: "screen".into(),
            kind: ModelKind::new(GbmParams {
                iterations: 60,
                learning_rate: 0.1,
                max_depth: 4,
                // Every column in every tree: with column sampling, a useless candidate changes
                // which columns are drawn, and that noise reads as gain.
                colsample: 1.0,
                ..GbmParams::default()
            }),
        };
        // A fixed model: each candidate is scored with the same trees, not a count its folds pick.
        let how = cv::CvPlan {
            stop_early: false,
            ..cv::CvPlan::all_rows()
        };
        let r = cv::cross_validate(p, &spec, &fold, self.seed, &how, &mut |_| {})?
            .expect("no bar, so every fold is run");
        if !r.mean.is_finite() {
            return Err(ToolkitError::data(
                "feature_search: the screening score is not finite",
            ));
        }
        Ok(r.mean)
    }
}
