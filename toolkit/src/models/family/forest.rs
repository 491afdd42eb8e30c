//! Random forests (`forest`) and extremely randomized trees (`extra_trees`) as families: one
//! forest per output, smaller forests on large data. The engine is `models::forest`.

use super::{FitCx, FittedModel, ModelFamily, ModelKind, Output, Settings};
use super::{large, pick};
use crate::error::Result;
use crate::folds::Rng;
use crate::models::forest::{Forest, ForestParams};

/// A random forest (smartcore).
pub struct RandomForest;

/// Extremely randomized trees (smartcore): random split points, every row in every tree.
pub struct ExtraTrees;

impl ModelFamily for RandomForest {
    fn name(&self) -> &'static str {
        "forest"
    }
    fn note(&self) -> String {
        "random forest".into()
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        ModelKind::new(if large(rows * outputs) {
            ForestParams {
                trees: 40,
                max_depth: Some(10),
                min_samples_leaf: 5,
                extra: false,
            }
        } else {
            ForestParams::default()
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(draw(rows * outputs, false, rng))
    }
}

impl ModelFamily for ExtraTrees {
    fn name(&self) -> &'static str {
        "extra_trees"
    }
    fn note(&self) -> String {
        "extremely randomized trees".into()
    }
    /// Random splits need deeper trees than a forest's to fit as well.
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        let large = large(rows * outputs);
        ModelKind::new(ForestParams {
            trees: if large { 40 } else { 100 },
            max_depth: Some(if large { 12 } else { 16 }),
            min_samples_leaf: 2,
            extra: true,
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(draw(rows * outputs, true, rng))
    }
}

fn draw(work: usize, extra: bool, rng: &mut Rng) -> ForestParams {
    ForestParams {
        trees: if large(work) { 40 } else { 100 },
        max_depth: pick(rng, &[Some(8), Some(12), Some(16), None]),
        min_samples_leaf: pick(rng, &[1, 2, 5, 10]),
        extra,
    }
}

#[typetag::serde(name = "forest")]
impl Settings for ForestParams {
    fn label(&self) -> String {
        format!(
            "{}_d{}_leaf{}",
            if self.extra { "extra" } else { "forest" },
            self.max_depth.map_or("all".into(), |d| d.to_string()),
            self.min_samples_leaf
        )
    }
    fn fit(&self, cx: &FitCx, _: &mut Option<Vec<f64>>) -> Result<Vec<FittedModel>> {
        let (n, k) = (cx.train_rows.len(), cx.cols());
        cx.per_output(|y| Ok(FittedModel::new(Forest::fit(cx.x, n, k, y, self, cx.seed)?)))
    }
    /// A forest's trees.
    fn relative_cost(&self) -> f64 {
        self.trees.max(1) as f64
    }
}

#[typetag::serde(name = "forest")]
impl Output for Forest {
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        Ok(vec![Forest::predict(self, x, rows)?])
    }
}
