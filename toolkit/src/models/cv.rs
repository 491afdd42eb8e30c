//! K-fold cross-validation with out-of-fold predictions, refits on all of train, and a greedy blend
//! of models chosen on the out-of-fold predictions.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::fitted::Head;
use super::fitted::{FittedModel, predict_outputs};
pub use super::fitted::{blend_predictions, combine};
use super::forest::{Forest, ForestParams};
use super::gbm::{Gbm, GbmParams};
use super::knn::{Knn, KnnParams};
use super::linear::{Linear, LinearParams};
use super::metrics::{better, score};
use super::problem::Problem;
use crate::error::Result;
use crate::folds;

/// A model family with its settings.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "family")]
pub enum ModelKind {
    /// Gradient-boosted trees (forust).
    Gbm(GbmParams),
    /// Random forest (smartcore).
    Forest(ForestParams),
    /// Logistic regression for classes, ridge for values (Linfa).
    Linear(LinearParams),
    /// k-nearest neighbours on standardised features.
    Knn(KnnParams),
}

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

/// Fits one model per output on `train_rows`. Boosters add their gain per feature to
/// `importance` (summed over outputs).
fn fit_outputs(
    p: &Problem,
    spec: &ModelSpec,
    train_rows: &[usize],
    seed: u64,
    importance: &mut Option<Vec<f64>>,
) -> Result<Vec<FittedModel>> {
    let x = p.subset(&p.x_train, p.rows, train_rows);
    let k = p.features.len();
    let n = train_rows.len();
    let mut out = Vec::with_capacity(p.y.len());
    for y in &p.y {
        let yy: Vec<f64> = train_rows.iter().map(|&i| y[i]).collect();
        out.push(match &spec.kind {
            ModelKind::Gbm(params) => {
                let model = Gbm::fit(&x, n, k, &yy, p.is_classification(), params, seed)?;
                let gain = model.importance();
                let total = importance.get_or_insert_with(|| vec![0.0; k]);
                total.iter_mut().zip(&gain).for_each(|(t, g)| *t += g);
                FittedModel::Gbm(Box::new(model))
            }
            ModelKind::Forest(params) => {
                FittedModel::Forest(Forest::fit(&x, n, k, &yy, params, seed)?)
            }
            ModelKind::Linear(params) => {
                FittedModel::Linear(Linear::fit(&x, n, k, &yy, p.is_classification(), params)?)
            }
            ModelKind::Knn(params) => FittedModel::Knn(Knn::fit(&x, n, k, &yy, params)?),
        });
    }
    Ok(out)
}

/// The numbers of CV folds a run may use: below 2 there is no held-out fold, above 10 each fold's
/// model sees little more data while the search pays for every extra fit. The one source for the
/// LLM's reply schema, its prompt and a person's edit in the TUI.
pub const FOLDS: std::ops::RangeInclusive<usize> = 2..=10;

/// The fold of each train row (stratified for classification), seeded.
pub fn fold_ids(p: &Problem, k: usize, seed: u64) -> Vec<usize> {
    folds::assign(p.rows, k, seed, p.strata.as_deref())
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

/// Cross-validates a model, each fold's model fitted on at most `max_rows` of its training rows
/// (`usize::MAX` for all) and scored on every row of its held-out fold; `progress` hears each
/// fold index.
pub fn cross_validate(
    p: &Problem,
    spec: &ModelSpec,
    fold: &[usize],
    seed: u64,
    max_rows: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<CvResult> {
    let start = Instant::now();
    let k = fold.iter().max().map_or(1, |m| m + 1);
    let mut oof = vec![vec![0.0; p.rows]; p.y.len()];
    let mut fold_scores = Vec::new();
    for f in 0..k {
        progress(f);
        let train_rows: Vec<usize> = (0..p.rows).filter(|&i| fold[i] != f).collect();
        let train_rows = capped(train_rows, max_rows, seed + f as u64);
        let val_rows: Vec<usize> = (0..p.rows).filter(|&i| fold[i] == f).collect();
        let xv = p.subset(&p.x_train, p.rows, &val_rows);
        let models = fit_outputs(p, spec, &train_rows, seed + f as u64, &mut None)?;
        let pred = predict_outputs(&models, p.task, &xv, val_rows.len())?;
        for (o, col) in pred.iter().enumerate() {
            for (j, &i) in val_rows.iter().enumerate() {
                oof[o][i] = col[j];
            }
        }
        let yv: Vec<Vec<f64>> =
            p.y.iter()
                .map(|y| val_rows.iter().map(|&i| y[i]).collect())
                .collect();
        fold_scores.push(score(p.metric, &yv, &pred));
    }
    let mean = fold_scores.iter().sum::<f64>() / k as f64;
    let std = (fold_scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / k as f64).sqrt();
    let oof_score = score(p.metric, &p.y, &oof);
    Ok(CvResult {
        model: spec.clone(),
        fold_scores,
        mean,
        std,
        oof_score,
        oof,
        seconds: start.elapsed().as_secs_f64(),
    })
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
    let models = fit_outputs(p, spec, &all, seed, &mut importance)?;
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

/// How the candidates are combined, and the combination's out-of-fold score: a greedy blend
/// (weights summing to 1, no head) or a stack (a meta-model's weights and its head).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Blend {
    /// Weight of each model, in the order given.
    pub weights: Vec<f64>,
    /// The out-of-fold score.
    pub score: f64,
    /// A stack's intercept and link; None for a greedy blend.
    #[serde(default)]
    pub head: Option<Head>,
}

/// Greedy forward selection with replacement (Caruana et al.): add the model that most improves the
/// out-of-fold score, up to `rounds` times.
pub fn greedy_blend(p: &Problem, results: &[CvResult], rounds: usize) -> Blend {
    let m = results.len();
    let mut counts = vec![0usize; m];
    let mut current: Option<(Vec<Vec<f64>>, f64)> = None;
    for _ in 0..rounds {
        let mut best: Option<(usize, Vec<Vec<f64>>, f64)> = None;
        for (i, r) in results.iter().enumerate() {
            let total: usize = counts.iter().sum();
            let cand: Vec<Vec<f64>> = match &current {
                None => r.oof.clone(),
                Some((c, _)) => c
                    .iter()
                    .zip(&r.oof)
                    .map(|(cc, rr)| {
                        cc.iter()
                            .zip(rr)
                            .map(|(a, b)| (a * total as f64 + b) / (total + 1) as f64)
                            .collect()
                    })
                    .collect(),
            };
            let s = score(p.metric, &p.y, &cand);
            if best.as_ref().is_none_or(|b| better(p.metric, s, b.2)) {
                best = Some((i, cand, s));
            }
        }
        let Some((i, cand, s)) = best else { break };
        if let Some((_, cs)) = &current
            && !better(p.metric, s, *cs)
        {
            break;
        }
        counts[i] += 1;
        current = Some((cand, s));
    }
    let total: usize = counts.iter().sum::<usize>().max(1);
    Blend {
        weights: counts.iter().map(|&c| c as f64 / total as f64).collect(),
        score: current.map_or(f64::NAN, |c| c.1),
        head: None,
    }
}
