//! K-fold cross-validation with out-of-fold predictions, and refits on all of train.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::decision::Decision;
pub use super::family::ModelKind;
use super::family::{FitCx, Held};
use super::fitted::{FittedModel, predict_outputs};
pub use super::fitted::{blend_predictions, combine};
use super::problem::Problem;
use crate::error::Result;
use crate::folds;
use crate::metrics::{better, score};

/// A model the search may try.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ModelSpec {
    /// Display name, e.g. `gbm_depth5`.
    pub name: String,
    /// Family and settings.
    pub kind: ModelKind,
}

/// One model's cross-validation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CvResult {
    /// The model.
    pub model: ModelSpec,
    /// Metric per fold.
    pub fold_scores: Vec<f64>,
    /// Mean of the fold scores.
    pub mean: f64,
    /// Standard deviation of the fold scores.
    pub std: f64,
    /// Metric on all out-of-fold predictions together.
    pub oof_score: f64,
    /// Out-of-fold predictions (one vector per output).
    #[serde(skip)]
    pub oof: Vec<Vec<f64>>,
    /// Seconds spent.
    pub seconds: f64,
}

/// Most held-out rows a booster watches for early stopping; every held-out row is still scored.
const WATCH_ROWS: usize = 50_000;

/// Fits the models of `spec` on `train_rows` (see [`Settings::fit`]). Boosters add their gain per
/// feature to `importance` (summed over models), stop on `held` when it is given, and stop
/// growing at `deadline`.
fn fit_outputs(
    p: &Problem,
    spec: &ModelSpec,
    train_rows: &[usize],
    seed: u64,
    importance: &mut Option<Vec<f64>>,
    held: Option<&Held>,
    deadline: Option<Instant>,
) -> Result<Vec<FittedModel>> {
    let x = p.subset(&p.x_train, p.rows, train_rows);
    let cx = FitCx {
        problem: p,
        x: &x,
        train_rows,
        seed,
        held,
        deadline,
    };
    spec.kind.fit(&cx, importance)
}

/// The numbers of CV folds a run may use: below 2 there is no held-out fold, above 10 each fold's
/// model sees little more data while the search pays for every extra fit. The one source for the
/// LLM's reply schema, its prompt and a person's edit in the TUI.
pub const FOLDS: std::ops::RangeInclusive<usize> = 2..=10;

/// The fold of each scored train row (stratified for classification), seeded; added rows
/// ([`Problem::extra`]) are in no fold.
pub fn fold_ids(p: &Problem, k: usize, seed: u64) -> Vec<usize> {
    let n = p.scored();
    folds::assign(n, k, seed, p.strata.as_ref().map(|s| &s[..n]))
}

/// At most `max_rows` of `rows`, drawn with `seed`: what a model is fitted on when the time budget
/// cannot pay for all of them.
fn capped(rows: Vec<usize>, max_rows: usize, seed: u64) -> Vec<usize> {
    if rows.len() <= max_rows {
        return rows;
    }
    folds::sample(rows.len(), max_rows, seed)
        .into_iter()
        .map(|i| rows[i])
        .collect()
}

/// How a cross-validation is run, beyond its folds.
#[derive(Clone, Debug)]
pub struct CvPlan {
    /// Most training rows per fold fit, drawn with the seed (`usize::MAX` for all): what the time
    /// budget can pay for.
    pub max_rows: usize,
    /// Boosters stop on their held-out fold (see [`cross_validate`]); off, they grow all their
    /// trees, as a fixed screening model must.
    pub stop_early: bool,
    /// A first-fold score this candidate must reach to go on (successive halving's cut, after one
    /// fold): a search short of time stops a clearly worse candidate after a fifth of its cost.
    pub bar: Option<f64>,
    /// When boosters stop growing trees whatever their folds say: the budget's end, so that a
    /// candidate whose forecast fell short keeps the trees it grew instead of overrunning.
    pub deadline: Option<Instant>,
}

impl CvPlan {
    /// Every row, boosters stopping early, no bar.
    pub fn all_rows() -> Self {
        Self {
            max_rows: usize::MAX,
            stop_early: true,
            bar: None,
            deadline: None,
        }
    }
}

/// Cross-validates a model, each fold's model fitted on at most `how.max_rows` of its training
/// rows and scored on every row of its held-out fold; `progress` hears each fold index.
///
/// A booster's `iterations` are its most trees: each fold's booster stops once its held-out fold
/// stops improving, every fold is then scored with the mean of the folds' best tree counts, and
/// the result's model carries that count for the refit. One count for all folds, not each fold's
/// own best, so the out-of-fold score is not tuned row by row on the rows it scores.
///
/// `fold` covers the scored rows ([`Problem::scored`]); the added rows after them are fitted on
/// in every fold and predicted in none.
///
/// Returns None when `how.bar` stopped the candidate after its first fold.
pub fn cross_validate(
    p: &Problem,
    spec: &ModelSpec,
    fold: &[usize],
    seed: u64,
    how: &CvPlan,
    progress: &mut dyn FnMut(usize),
) -> Result<Option<CvResult>> {
    let start = Instant::now();
    let max_rows = how.max_rows;
    let k = fold.iter().max().map_or(1, |m| m + 1);
    let scored = p.scored();
    let mut oof = vec![vec![0.0; scored]; p.y.len()];
    let mut fold_scores = Vec::new();
    let rule = Decision::untuned(p.metric, p.y.len());
    let boosted = spec.kind.watches();
    let mut fitted = Vec::with_capacity(k);
    for f in 0..k {
        progress(f);
        let train_rows: Vec<usize> = (0..scored)
            .filter(|&i| fold[i] != f)
            .chain(scored..p.rows)
            .collect();
        let train_rows = capped(train_rows, max_rows, seed + f as u64);
        let val_rows: Vec<usize> = (0..scored).filter(|&i| fold[i] == f).collect();
        // Boosters score the watched rows after every tree: a seeded sample of the held-out fold
        // at large sizes, where scoring all of it cost more than the fit (a 333,000-row fold
        // watched by a fit on 110,000 rows took 2.2 times the fit alone).
        let watched = (boosted && how.stop_early)
            .then(|| capped(val_rows.clone(), WATCH_ROWS, seed + f as u64));
        let xw = watched
            .as_ref()
            .map(|rows| p.subset(&p.x_train, p.rows, rows));
        let held = watched
            .as_ref()
            .zip(xw.as_ref())
            .map(|(rows, x)| Held { x, rows });
        let models = fit_outputs(
            p,
            spec,
            &train_rows,
            seed + f as u64,
            &mut None,
            held.as_ref(),
            how.deadline.map(|end| share_of(end, k - f)),
        )?;
        if let (0, Some(bar)) = (f, how.bar) {
            let xv = p.subset(&p.x_train, p.rows, &val_rows);
            let first = rule.score(
                p.metric,
                &outputs_at(p, &val_rows),
                &predict_outputs(&models, p.task, &xv, val_rows.len())?,
            );
            if better(p.metric, bar, first) {
                return Ok(None);
            }
        }
        fitted.push((val_rows, models));
    }
    let spec = &tree_count(spec, &mut fitted);
    for (val_rows, models) in &fitted {
        let xv = p.subset(&p.x_train, p.rows, val_rows);
        let pred = predict_outputs(models, p.task, &xv, val_rows.len())?;
        for (o, col) in pred.iter().enumerate() {
            for (j, &i) in val_rows.iter().enumerate() {
                oof[o][i] = col[j];
            }
        }
        fold_scores.push(rule.score(p.metric, &outputs_at(p, val_rows), &pred));
    }
    let mean = fold_scores.iter().sum::<f64>() / k as f64;
    let std = (fold_scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / k as f64).sqrt();
    let oof_score = p.with_scored(|scored| rule.score(p.metric, &scored.y, &oof));
    Ok(Some(CvResult {
        model: spec.clone(),
        fold_scores,
        mean,
        std,
        oof_score,
        oof,
        seconds: start.elapsed().as_secs_f64(),
    }))
}

/// When a fold's boosters stop, `folds_left` folds (this one included) sharing the time until
/// `end` equally: one deadline for all folds would let the first fold's boosters spend it
/// all and leave the others a tree each.
fn share_of(end: Instant, folds_left: usize) -> Instant {
    let now = Instant::now();
    now + end.saturating_duration_since(now) / folds_left.max(1) as u32
}

/// The targets of these rows, one vector per output.
fn outputs_at(p: &Problem, rows: &[usize]) -> Vec<Vec<f64>> {
    p.y.iter()
        .map(|y| rows.iter().map(|&i| y[i]).collect())
        .collect()
}

/// The model with the capacity its folds agreed on (a booster's tree count, see
/// [`Settings::agreed`]), every fold's models set to predict with it; other models unchanged.
fn tree_count(spec: &ModelSpec, fitted: &mut [(Vec<usize>, Vec<FittedModel>)]) -> ModelSpec {
    let mut folds: Vec<&mut Vec<FittedModel>> = fitted.iter_mut().map(|(_, m)| m).collect();
    match spec.kind.agreed(&mut folds) {
        Some(kind) => ModelSpec {
            name: spec.name.clone(),
            kind,
        },
        None => spec.clone(),
    }
}

/// A refit on all of train: the models, and per-feature gain for boosters (normalised to sum to
/// 1, in `Problem::features` order).
pub struct Refit {
    /// One fitted model per output.
    pub models: Vec<FittedModel>,
    /// Feature importance (boosters only).
    pub importance: Option<Vec<f64>>,
}

/// Refits on all of train, or on `max_rows` of it drawn with `seed`.
pub fn refit(p: &Problem, spec: &ModelSpec, seed: u64, max_rows: usize) -> Result<Refit> {
    let all = capped((0..p.rows).collect(), max_rows, seed);
    let mut importance = None;
    let models = fit_outputs(p, spec, &all, seed, &mut importance, None, None)?;
    if let Some(v) = importance.as_mut() {
        let s: f64 = v.iter().sum();
        if s > 0.0 {
            v.iter_mut().for_each(|x| *x /= s);
        }
    }
    Ok(Refit { models, importance })
}

/// The score of predicting the train prior for every row (majority class / mean): what any model
/// must beat.
pub fn baseline(p: &Problem) -> f64 {
    let prior: Vec<Vec<f64>> =
        p.y.iter()
            .map(|y| {
                let m = y.iter().sum::<f64>() / y.len().max(1) as f64;
                vec![m; y.len()]
            })
            .collect();
    score(p.metric, &p.y, &prior)
}

#[cfg(test)]
impl CvResult {
    /// A linear model's result holding only out-of-fold predictions `oof` (one output), for tests
    /// of blending and stacking.
    pub(crate) fn of_oof(name: &str, oof: Vec<f64>) -> Self {
        Self {
            model: ModelSpec {
                name: name.into(),
                kind: ModelKind::new(crate::models::linear::LinearParams::default()),
            },
            fold_scores: vec![],
            mean: 0.0,
            std: 0.0,
            oof_score: 0.0,
            oof: vec![oof],
            seconds: 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricId;
    use crate::models::gbm::GbmParams;
    use crate::spec::Task;

    #[test]
    fn folds_share_the_time_left_to_the_deadline_equally() {
        let end = Instant::now() + std::time::Duration::from_secs(30);
        let first = share_of(end, 3).saturating_duration_since(Instant::now());
        assert!((9.9..=10.0).contains(&first.as_secs_f64()), "{first:?}");
        let last = share_of(end, 1).saturating_duration_since(Instant::now());
        assert!(
            last.as_secs_f64() > 29.9,
            "the last fold gets all that is left"
        );
        let past = share_of(Instant::now(), 3);
        assert!(past <= Instant::now(), "a deadline passed stays passed");
    }

    /// 3,000 rows, one feature; the label is `x > 0.5` with every seventh label flipped.
    fn noisy_step() -> Problem {
        let n = 3000;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64 / n as f64).collect();
        let y = (0..n)
            .map(|i| f64::from(u8::from((x[i] > 0.5) != (i % 7 == 0))))
            .collect();
        Problem {
            features: vec!["x".into()],
            categorical: vec![],
            x_train: x,
            rows: n,
            extra: 0,
            x_test: vec![],
            test_rows: 0,
            y: vec![y],
            classes: vec![],
            task: Task::Binary,
            metric: MetricId::must("roc_auc"),
            log_target: false,
            strata: None,
        }
    }

    fn booster(iterations: usize) -> ModelSpec {
        ModelSpec {
            name: "gbm".into(),
            kind: ModelKind::new(GbmParams {
                iterations,
                learning_rate: 0.3,
                max_depth: 6,
                ..GbmParams::default()
            }),
        }
    }

    fn trees(r: &CvResult) -> usize {
        match r.model.kind.get::<GbmParams>() {
            Some(p) => p.iterations,
            None => panic!("{:?}", r.model.kind),
        }
    }

    #[test]
    fn boosters_stop_where_the_held_out_folds_stop_improving() {
        let p = noisy_step();
        let fold = fold_ids(&p, 5, 3);
        let cv = |how: &CvPlan| {
            cross_validate(&p, &booster(400), &fold, 3, how, &mut |_| {})
                .unwrap()
                .unwrap()
        };
        let stopped = cv(&CvPlan::all_rows());
        let grown = cv(&CvPlan {
            stop_early: false,
            ..CvPlan::all_rows()
        });
        // One split at 0.5 is all there is to learn; deep trees after it fit the flipped labels.
        let n = trees(&stopped);
        assert!((1..100).contains(&n), "stopped at {n} of 400 trees");
        assert_eq!(trees(&grown), 400, "without stopping, every tree is kept");
        assert!(
            stopped.oof_score > grown.oof_score,
            "{} vs {}",
            stopped.oof_score,
            grown.oof_score
        );
        // The refit grows exactly the count the folds chose.
        let refit = refit(&p, &stopped.model, 3, usize::MAX).unwrap();
        assert_eq!(refit.models.len(), 1);
    }

    #[test]
    fn a_first_fold_below_the_bar_stops_the_candidate() {
        let p = noisy_step();
        let fold = fold_ids(&p, 5, 3);
        let with_bar = |bar| CvPlan {
            bar: Some(bar),
            ..CvPlan::all_rows()
        };
        let mut folds_fitted = 0;
        let cut = cross_validate(&p, &booster(50), &fold, 3, &with_bar(0.99), &mut |_| {
            folds_fitted += 1
        })
        .unwrap();
        assert!(
            cut.is_none(),
            "AUC 0.99 is out of reach with a seventh of labels flipped"
        );
        assert_eq!(folds_fitted, 1, "stopped after its first fold");
        let kept = cross_validate(&p, &booster(50), &fold, 3, &with_bar(0.8), &mut |_| {})
            .unwrap()
            .expect("the first fold's AUC is above 0.8");
        assert_eq!(kept.fold_scores.len(), 5);
    }

    #[test]
    fn added_rows_are_fitted_on_in_every_fold_and_never_scored() {
        // Labels no neighbour can foretell, and the same rows again as added rows: a nearest
        // neighbour finds each held-out row's copy only if the added rows are in every fold's fit.
        let n = 300;
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from((i * 7919 + i / 3) % 5 < 2)))
            .collect();
        let problem = |extra: usize| Problem {
            features: vec!["x".into()],
            categorical: vec![],
            x_train: x.iter().chain(&x[..extra]).copied().collect(),
            rows: n + extra,
            extra,
            x_test: vec![],
            test_rows: 0,
            y: vec![y.iter().chain(&y[..extra]).copied().collect()],
            classes: vec![],
            task: Task::Binary,
            metric: MetricId::must("accuracy"),
            log_target: false,
            strata: None,
        };
        let nearest = ModelSpec {
            name: "knn".into(),
            kind: ModelKind::new(crate::models::knn::KnnParams {
                k: 1,
                weighted: false,
            }),
        };
        let cv = |p: &Problem| {
            let fold = fold_ids(p, 5, 1);
            assert_eq!(fold.len(), n, "folds deal the scored rows only");
            cross_validate(p, &nearest, &fold, 1, &CvPlan::all_rows(), &mut |_| {})
                .unwrap()
                .unwrap()
        };
        let (alone, added) = (cv(&problem(0)), cv(&problem(n)));
        assert_eq!(
            added.oof[0].len(),
            n,
            "out-of-fold predictions of the scored rows"
        );
        assert_eq!(
            added.oof_score, 1.0,
            "each held-out row's copy was fitted on"
        );
        assert_eq!(added.fold_scores, vec![1.0; 5]);
        assert!(alone.oof_score < 0.8, "{}", alone.oof_score);
    }
}
