//! Boosters grown leaf by leaf (`gbm_leaves`): each tree splits its best leaf first, up to a
//! number of leaves, as LightGBM does, where `gbm` grows every tree level by level. The same
//! engine and settings as `gbm` (the settings say `leaves`), so this file is only the family's
//! part of the search space.

use super::gbm::{default_params, draw_params};
use super::{ModelFamily, ModelKind, pick};
use crate::folds::Rng;
use crate::models::gbm::GbmParams;

/// LightGBM's default leaves per tree.
const LEAVES: usize = 31;

/// The depth that bounds a leaf-wise tree: deep enough that the leaf count decides.
const DEPTH: usize = 12;

/// Gradient-boosted trees grown best leaf first.
pub struct Leafwise;

impl ModelFamily for Leafwise {
    fn name(&self) -> &'static str {
        "gbm_leaves"
    }
    fn note(&self) -> String {
        format!("gradient-boosted trees grown best leaf first (LightGBM's way), {LEAVES} leaves")
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        ModelKind::new(GbmParams {
            leaves: Some(LEAVES),
            max_depth: DEPTH,
            ..default_params(rows, outputs)
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        let p = draw_params(rows, outputs, rng);
        ModelKind::new(GbmParams {
            leaves: Some(pick(rng, &[15, 31, 63])),
            max_depth: DEPTH,
            ..p
        })
    }
}
