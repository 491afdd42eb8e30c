//! k-nearest neighbours as a family (`knn`): one per output, tried on small data only. The engine
//! is `models::knn`.

use super::pick;
use super::{FitCx, FittedModel, ModelFamily, ModelKind, Output, Settings};
use crate::error::Result;
use crate::folds::Rng;
use crate::models::knn::{Knn, KnnParams};

/// Most train rows a search tries k-nearest neighbours on: it compares every row with every other,
/// so 30,000 rows cost about a second a fold and a million would cost an hour.
pub const KNN_MAX_ROWS: usize = 30_000;

/// k-nearest neighbours on standardised features.
pub struct Neighbours;

impl ModelFamily for Neighbours {
    fn name(&self) -> &'static str {
        "knn"
    }
    fn note(&self) -> String {
        format!("k-nearest neighbours, skipped above {KNN_MAX_ROWS} train rows")
    }
    fn defaults(&self, _: usize, _: usize) -> ModelKind {
        ModelKind::new(KnnParams::default())
    }
    fn draw(&self, _: usize, _: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(KnnParams {
            k: pick(rng, &[5, 10, 25, 50, 100]),
            weighted: rng.unit() < 0.5,
        })
    }
    fn tried_on(&self, rows: usize) -> bool {
        rows <= KNN_MAX_ROWS
    }
}

#[typetag::serde(name = "knn")]
impl Settings for KnnParams {
    fn label(&self) -> String {
        format!("knn_k{}{}", self.k, if self.weighted { "_w" } else { "" })
    }
    fn fit(&self, cx: &FitCx, _: &mut Option<Vec<f64>>) -> Result<Vec<FittedModel>> {
        let (n, k) = (cx.train_rows.len(), cx.cols());
        cx.per_output(|y| Ok(FittedModel::new(Knn::fit(cx.x, n, k, y, self)?)))
    }
}

#[typetag::serde(name = "knn")]
impl Output for Knn {
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        Ok(vec![Knn::predict(self, x, rows)?])
    }
}
