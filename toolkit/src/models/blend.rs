//! Combining cross-validated models: the greedy blend (Caruana et al.) on their out-of-fold
//! predictions, and the [`Blend`] that both it and the stack produce.

use serde::{Deserialize, Serialize};

use super::cv::CvResult;
use super::fitted::Head;
use super::problem::Problem;
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
