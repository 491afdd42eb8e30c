//! Choosing the ensemble from the candidates' out-of-fold predictions: the greedy blend or the
//! stack, whichever scores better, on the metric or, when the metric's labels come from a tuned
//! rule, on log loss with the rule tuned after.

use super::blend::{Blend, greedy_blend};
use super::cv::CvResult;
use super::decision::Decision;
use super::fitted::combine;
use super::problem::Problem;
use super::stack::stack;
use crate::metrics::{Decide, MetricId};

/// Rounds of the greedy blend.
const ROUNDS: usize = 20;

/// The ensemble chosen and what it was chosen over.
pub struct Choice {
    /// The blend or stack, with its decision rule and its out-of-fold score on the metric.
    pub ensemble: Blend,
    /// The greedy blend's out-of-fold score, on [`Self::by`].
    pub greedy: f64,
    /// The stack's, when one applies.
    pub stack: Option<f64>,
    /// The metric the two were compared on.
    pub by: MetricId,
}

/// The greedy blend or the stack, whichever scores better out of fold (a tie keeps the blend, which
/// refits fewer models), with the metric's decision rule tuned on what it predicts out of fold.
pub fn choose(p: &Problem, results: &[CvResult], fold: &[usize]) -> Choice {
    let by = choosing_metric(p.metric);
    let view;
    let q = if by == p.metric {
        p
    } else {
        view = p.scored_by(by);
        &view
    };
    let blend = greedy_blend(q, results, ROUNDS);
    let greedy = blend.score;
    let stacked = stack(q, results, fold);
    let stack_score = stacked.as_ref().map(|s| s.score);
    let mut ensemble = match stacked {
        Some(s) if by.better(s.score, blend.score) => s,
        _ => blend,
    };
    if by != p.metric {
        let oofs: Vec<&[Vec<f64>]> = results.iter().map(|r| r.oof.as_slice()).collect();
        let oof = combine(&oofs, &ensemble.weights, ensemble.head.as_ref());
        ensemble.decision = Decision::tune(p.metric, &p.y, &oof);
        ensemble.score = ensemble.decision.score(p.metric, &p.y, &oof);
    }
    Choice {
        ensemble,
        greedy,
        stack: stack_score,
        by,
    }
}

/// What an ensemble is chosen on: the metric itself, or log loss when the metric's labels come from
/// a tuned rule. A label metric is a step function of the weights (a blend that moves no row across
/// the threshold scores the same); log loss is smooth, and the rule is tuned after.
pub fn choosing_metric(metric: MetricId) -> MetricId {
    if metric.fitting().decide == Decide::Argmax {
        metric
    } else {
        MetricId::must("log_loss")
    }
}
