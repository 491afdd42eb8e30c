//! Boosters of symmetric trees (`gbm_symmetric`): every level of a tree applies one split to all
//! its nodes, as CatBoost grows them, with CatBoost's defaults (depth 6, L2 of 3, every column).
//! CatBoost, fitted on the suite's splits, leads our search on ten competitions, most of them small.
//! The same engine as `gbm` (`symmetric` on), so this file is only the family's part of the search
//! space. Not among the defaults: on the suite it lifted a few competitions (concrete_strength,
//! chicago_ridership) and left the rest level, short of the rule for defaults (docs/bench.md,
//! "Symmetric trees").

use super::gbm::{default_params, draw_params};
use super::{ModelFamily, ModelKind, log_uniform};
use crate::folds::Rng;
use crate::models::gbm::GbmParams;

/// CatBoost's default depth.
const DEPTH: usize = 6;

/// Gradient-boosted symmetric trees.
pub struct Symmetric;

impl ModelFamily for Symmetric {
    fn name(&self) -> &'static str {
        "gbm_symmetric"
    }
    fn note(&self) -> String {
        format!(
            "gradient-boosted symmetric trees, one split shared by every node of a level as \
             CatBoost grows them, depth {DEPTH}: smoother than `gbm`"
        )
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        let p = default_params(rows, outputs);
        ModelKind::new(GbmParams {
            symmetric: true,
            max_depth: DEPTH,
            l2: 3.0,
            colsample: 1.0,
            // A symmetric tree fits less than a free one of its depth: twice the rounds for the
            // same learning, the held-out fold stopping them where it stops any booster.
            iterations: p.iterations * 2,
            ..p
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        let p = draw_params(rows, outputs, rng);
        ModelKind::new(GbmParams {
            symmetric: true,
            max_depth: 4 + rng.below(5),
            l2: log_uniform(rng, 1.0, 10.0) as f32,
            iterations: (p.iterations * 2).min(4000),
            ..p
        })
    }
}
