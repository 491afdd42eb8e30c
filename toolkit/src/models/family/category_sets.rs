//! Boosters that split category codes by sets (`gbm_sets`): the columns `ordinal_encode` wrote as
//! alphabetical codes ([`Problem::categorical`](crate::models::problem::Problem::categorical))
//! are split into any two groups of categories, as LightGBM splits categorical features, where
//! `gbm` cuts the codes at a threshold, an order the alphabet gave them. The same engine and
//! settings as `gbm` (`category_sets` on), so this file is only the family's part of the search
//! space. Not among the defaults: on the suite it lifted the competitions where such a column
//! matters and left the rest level, short of the rule for defaults (docs/bench.md).

use super::gbm::{default_params, draw_params};
use super::{ModelFamily, ModelKind};
use crate::folds::Rng;
use crate::models::gbm::GbmParams;

/// Gradient-boosted trees splitting category codes by sets.
pub struct CategorySets;

impl ModelFamily for CategorySets {
    fn name(&self) -> &'static str {
        "gbm_sets"
    }
    fn note(&self) -> String {
        "gradient-boosted trees that split text columns encoded as codes by sets of categories \
         (LightGBM's categorical splits) rather than by the codes' alphabetical order"
            .into()
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        ModelKind::new(GbmParams {
            category_sets: true,
            ..default_params(rows, outputs)
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(GbmParams {
            category_sets: true,
            ..draw_params(rows, outputs, rng)
        })
    }
}
