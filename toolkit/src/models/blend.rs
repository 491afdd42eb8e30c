//! Combining cross-validated models: the greedy blend (Caruana et al.) on their out-of-fold
//! predictions, and the [`Blend`] that both it and the stack produce.

use serde::{Deserialize, Serialize};

use super::cv::CvResult;
use super::decision::Decision;
use super::fitted::{Head, combine};
use super::problem::{Problem, take_rows};
use crate::metrics::{better, score};

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
    /// How its probabilities become labels (Argmax unless the metric asks for a tuned rule).
    #[serde(default)]
    pub decision: Decision,
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
        decision: Decision::Argmax,
    }
}

/// How an ensemble is chosen from candidates' out-of-fold predictions and their folds.
pub type Choose = dyn Fn(&Problem, &[CvResult], &[usize]) -> Blend;

/// The out-of-fold score of how the ensemble is chosen, not of the ensemble chosen: each fold's rows
/// are predicted by the ensemble `choose` picks from the other folds' out-of-fold predictions alone
/// (selection nested in the folds), and labelled by the rule tuned there. The score a blend was
/// chosen on is optimistic by the choosing, most on small data with many candidates; this estimate
/// has not seen the rows it scores.
pub fn nested_score(p: &Problem, results: &[CvResult], fold: &[usize], choose: &Choose) -> f64 {
    let k = fold.iter().max().map_or(0, |m| m + 1);
    let mut oof = vec![vec![f64::NAN; p.rows]; p.y.len()];
    for f in 0..k {
        let (outer, inner): (Vec<usize>, Vec<usize>) = (0..p.rows).partition(|&i| fold[i] == f);
        if inner.is_empty() || outer.is_empty() {
            continue;
        }
        let part: Vec<CvResult> = results
            .iter()
            .map(|r| CvResult {
                model: r.model.clone(),
                fold_scores: r.fold_scores.clone(),
                mean: r.mean,
                std: r.std,
                oof_score: r.oof_score,
                oof: take_rows(&r.oof, &inner),
                seconds: r.seconds,
            })
            .collect();
        // The other folds, numbered 0..k-1 without this one.
        let inner_fold: Vec<usize> = inner
            .iter()
            .map(|&i| fold[i] - usize::from(fold[i] > f))
            .collect();
        let chosen = choose(&p.targets_of(&inner), &part, &inner_fold);
        let preds: Vec<Vec<Vec<f64>>> = results.iter().map(|r| take_rows(&r.oof, &outer)).collect();
        let out = chosen
            .decision
            .apply(&combine(&preds, &chosen.weights, chosen.head.as_ref()));
        for (o, col) in out.iter().enumerate() {
            for (j, &i) in outer.iter().enumerate() {
                oof[o][i] = col[j];
            }
        }
    }
    score(p.metric, &p.y, &oof)
}

#[cfg(test)]
mod tests {
    use super::{greedy_blend, nested_score};
    use crate::metrics::MetricId;
    use crate::models::cv::CvResult;
    use crate::models::problem::Problem;
    use crate::spec::Task;

    fn problem(y: Vec<f64>) -> Problem {
        Problem::of_targets(y, Task::Binary, MetricId::must("accuracy"))
    }

    fn result(oof: Vec<f64>) -> CvResult {
        CvResult::of_oof("m", oof)
    }

    #[test]
    fn choosing_among_noise_is_optimistic_and_the_nested_score_is_not() {
        // Thirty coin-flip "models" on 40 rows: picking the luckiest looks good on the rows it was
        // picked on, and is no better than chance on rows it did not see.
        let mut seed = 7u64;
        let mut coin = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            f64::from(u8::from(seed >> 63 == 1))
        };
        let y: Vec<f64> = (0..40).map(|_| coin()).collect();
        let results: Vec<CvResult> = (0..30)
            .map(|_| result((0..40).map(|_| coin()).collect()))
            .collect();
        let p = problem(y);
        let fold: Vec<usize> = (0..40).map(|i| i % 4).collect();
        let chosen = greedy_blend(&p, &results, 1);
        let nested = nested_score(&p, &results, &fold, &|p, r, _| greedy_blend(p, r, 1));
        // The luckiest coin is right on 26 of 40 rows it was picked on; chosen inside the folds,
        // the coins are right on 23 of 40: nearer chance, as they are on new rows.
        assert!(
            (chosen.score - 26.0 / 40.0).abs() < 1e-12,
            "{}",
            chosen.score
        );
        assert!((nested - 23.0 / 40.0).abs() < 1e-12, "{nested}");
    }

    #[test]
    fn one_good_model_scores_the_same_nested() {
        let y: Vec<f64> = (0..20).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let good = result(y.iter().map(|&v| 0.2 + 0.6 * v).collect());
        let bad = result(y.iter().map(|&v| 0.8 - 0.6 * v).collect());
        let p = problem(y);
        let fold: Vec<usize> = (0..20).map(|i| i % 5).collect();
        let results = vec![bad, good];
        let nested = nested_score(&p, &results, &fold, &|p, r, _| greedy_blend(p, r, 5));
        assert_eq!(greedy_blend(&p, &results, 5).score, 1.0);
        assert_eq!(nested, 1.0);
    }
}
