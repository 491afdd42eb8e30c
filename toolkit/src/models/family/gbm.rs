//! Gradient-boosted trees as a family: one booster (`gbm`) or several seeds averaged (`gbm_bag`),
//! a softmax booster for all the classes of a multiclass target, tree counts that come from the
//! held-out fold, and the search space's rates and depths for data of a size. The engine is
//! `models::gbm`.

use serde::{Deserialize, Serialize};

use super::{FitCx, FittedModel, Held, ModelFamily, ModelKind, Output, Settings};
use super::{large, log_uniform};
use crate::error::{Result, ToolkitError};
use crate::folds::Rng;
use crate::metrics::Residual;
use crate::models::gbm::{BAG_SEED_STEP, ColMajor, Gbm, GbmParams, Loss, Watch};
use crate::models::problem::LARGE_ROWS;
use crate::spec::Task;

/// Boosters a `gbm_bag` candidate averages.
pub const BAGS: usize = 3;

/// Fewest train rows at which cross-validation stops boosters on their held-out fold. Below it a
/// fold of a few hundred rows picks tree counts by noise: on titanic (712 rows) early stopping
/// kept 54 trees at a learning rate of 0.05 and out-of-fold accuracy fell from 0.8301 to 0.8216.
pub const STOP_EARLY_ROWS: usize = 2_000;

/// A booster's learning rate from [`LARGE_ROWS`] train rows.
pub const LARGE_RATE: f32 = 0.1;

/// Gradient-boosted trees.
pub struct Boosted;

/// Gradient-boosted trees with [`BAGS`] seeds averaged.
pub struct BoostedBag;

impl ModelFamily for Boosted {
    fn name(&self) -> &'static str {
        "gbm"
    }
    fn note(&self) -> String {
        "gradient-boosted trees".into()
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        ModelKind::new(default_params(rows, outputs))
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(draw_params(rows, outputs, rng))
    }
}

impl ModelFamily for BoostedBag {
    fn name(&self) -> &'static str {
        "gbm_bag"
    }
    fn note(&self) -> String {
        format!("gradient-boosted trees averaged over {BAGS} seeds, {BAGS} times the cost")
    }
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind {
        ModelKind::new(GbmParams {
            bags: BAGS,
            ..default_params(rows, outputs)
        })
    }
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind {
        ModelKind::new(GbmParams {
            bags: BAGS,
            ..draw_params(rows, outputs, rng)
        })
    }
}

/// A booster's trees at a learning rate of 0.05: a fixed count on small data, else the most trees,
/// early stopping on the held-out fold picking the count below it (and on large data, the
/// budget's deadline).
fn most_trees(rows: usize, work: usize) -> usize {
    if rows >= LARGE_ROWS {
        2000
    } else if rows < STOP_EARLY_ROWS || large(work) {
        300
    } else {
        600
    }
}

/// A booster's range of learning rates to draw from: faster ones on large data, where a budget
/// pays for few rounds.
fn rates(rows: usize) -> (f64, f64) {
    if rows >= LARGE_ROWS {
        (0.05, 0.2)
    } else {
        (0.02, 0.15)
    }
}

/// The default booster: most trees, cross-validation stopping each on its held-out fold.
pub(super) fn default_params(rows: usize, outputs: usize) -> GbmParams {
    let rate = if rows >= LARGE_ROWS { LARGE_RATE } else { 0.05 };
    GbmParams {
        iterations: (most_trees(rows, rows * outputs) as f32 * 0.05 / rate).round() as usize,
        learning_rate: rate,
        ..GbmParams::default()
    }
}

/// A seeded draw. Boosting rounds scale inversely with the learning rate so every draw does about
/// the same amount of learning.
pub(super) fn draw_params(rows: usize, outputs: usize, rng: &mut Rng) -> GbmParams {
    let base = most_trees(rows, rows * outputs) as f64;
    let (lo, hi) = rates(rows);
    let learning_rate = log_uniform(rng, lo, hi);
    GbmParams {
        iterations: ((base * 0.05 / learning_rate).round() as usize).clamp(50, 2000),
        learning_rate: learning_rate as f32,
        max_depth: 3 + rng.below(6),
        l2: log_uniform(rng, 0.1, 10.0) as f32,
        subsample: (0.6 + 0.4 * rng.unit()) as f32,
        colsample: 0.4 + 0.6 * rng.unit(),
        min_leaf_weight: log_uniform(rng, 0.5, 20.0) as f32,
        bags: 1,
        leaves: None,
        category_sets: false,
        symmetric: false,
    }
}

#[typetag::serde(name = "gbm")]
impl Settings for GbmParams {
    fn label(&self) -> String {
        let shape = match self.leaves {
            _ if self.symmetric => format!("s{}", self.max_depth),
            Some(l) => format!("l{l}"),
            None => format!("d{}", self.max_depth),
        };
        let bag = match self.bags {
            0 | 1 => String::new(),
            b => format!("_bag{b}"),
        };
        let sets = if self.splits_sets() { "_sets" } else { "" };
        format!("gbm_{shape}_lr{:.3}{bag}{sets}", self.learning_rate)
    }

    fn fit(&self, cx: &FitCx, importance: &mut Option<Vec<f64>>) -> Result<Vec<FittedModel>> {
        let p = cx.problem;
        let b = Boosters { cx, params: self };
        if p.task == Task::Multiclass && p.y.len() > 2 {
            let classes = Loss::Softmax(p.y.len());
            return Ok(vec![b.fit(&class_index(&p.y), classes, importance)?]);
        }
        let loss = if p.is_classification() {
            Loss::Logistic
        } else {
            match p.metric.fitting().residual {
                Residual::Squared => Loss::Squared,
                Residual::Absolute => Loss::Absolute,
                Residual::Relative => Loss::Relative,
            }
        };
        p.y.iter().map(|y| b.fit(y, loss, importance)).collect()
    }

    fn watches(&self) -> bool {
        true
    }

    /// Trees times their depth (a level costs about one pass over the rows), times the bags. The
    /// trees a booster grows go inversely with its learning rate, whether its held-out fold stops
    /// it (about the same learning is needed) or not (draws set rounds to the rate's inverse):
    /// a depth-8 booster at a rate of 0.026 after a depth-6 one at 0.083 costs 4.3 times as much
    /// (10.8 s against 2.9 s), and forecast as the same it took a 50 s run to 56 s.
    fn relative_cost(&self) -> f64 {
        let depth = match self.leaves {
            Some(l) if !self.symmetric => (l.max(2) as f64).log2(),
            _ => self.max_depth.max(1) as f64,
        };
        self.bags.max(1) as f64 * depth / f64::from(self.learning_rate).max(1e-3)
    }

    /// The tree count the folds agreed on (the mean of their best counts, rounded), every fold's
    /// boosters set to predict with it. One count for all folds, not each fold's own best, so the
    /// out-of-fold score is not tuned row by row on the rows it scores.
    fn agreed(&self, folds: &mut [&mut Vec<FittedModel>]) -> Option<ModelKind> {
        let mut boosters: Vec<&mut Gbm> = folds
            .iter_mut()
            .flat_map(|models| models.iter_mut())
            .flat_map(boosters_of)
            .collect();
        let best: Vec<usize> = boosters.iter().filter_map(|g| g.best_trees()).collect();
        if best.is_empty() {
            return None;
        }
        let n = (best.iter().sum::<usize>() as f64 / best.len() as f64).round() as usize;
        boosters.iter_mut().for_each(|g| g.use_trees(n));
        Some(ModelKind::new(GbmParams {
            iterations: n.max(1),
            ..self.clone()
        }))
    }
}

/// The boosters inside a fitted model (none for other families).
fn boosters_of(m: &mut FittedModel) -> Vec<&mut Gbm> {
    if m.get_mut::<Gbm>().is_some() {
        return m.get_mut::<Gbm>().into_iter().collect();
    }
    match m.get_mut::<GbmBag>() {
        Some(bag) => bag.0.iter_mut().collect(),
        None => vec![],
    }
}

#[typetag::serde(name = "gbm")]
impl Output for Gbm {
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        Gbm::predict(self, x, rows)
    }
}

/// Boosters with different seeds whose predictions are averaged.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct GbmBag(pub Vec<Gbm>);

#[typetag::serde(name = "gbm_bag")]
impl Output for GbmBag {
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        let mut mean: Option<Vec<Vec<f64>>> = None;
        for m in &self.0 {
            let p = m.predict(x, rows)?;
            let acc = mean.get_or_insert_with(|| vec![vec![0.0; rows]; p.len()]);
            for (a, col) in acc.iter_mut().zip(p) {
                a.iter_mut()
                    .zip(col)
                    .for_each(|(a, v)| *a += v / self.0.len() as f64);
            }
        }
        mean.ok_or_else(|| {
            ToolkitError::data("a saved bag of boosters holds none; run the competition again")
        })
    }
}

/// Trees without improvement on the held-out fold before a booster stops: a tenth of its most
/// trees (a twentieth from [`LARGE_ROWS`] rows, whose cap is set high so that only the fold stops
/// it), and at least 20 so that a noisy small fold does not stop it at the first dip.
fn patience(p: &GbmParams, rows: usize) -> usize {
    let share = if rows >= LARGE_ROWS { 20 } else { 10 };
    (p.iterations / share).max(20)
}

/// What every booster of one fit shares: its rows, the held-out rows it stops on, its settings.
struct Boosters<'a> {
    cx: &'a FitCx<'a>,
    params: &'a GbmParams,
}

impl Boosters<'_> {
    /// One booster (or a bag of them) for target `y` (all train rows), adding its gain to
    /// `importance`.
    fn fit(&self, y: &[f64], loss: Loss, importance: &mut Option<Vec<f64>>) -> Result<FittedModel> {
        let (cx, p) = (self.cx, self.params);
        let data = ColMajor {
            x: cx.x,
            rows: cx.train_rows.len(),
            cols: cx.cols(),
            categorical: if p.splits_sets() {
                &cx.problem.categorical
            } else {
                &[]
            },
        };
        let at = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<_>>();
        let yv = cx.held.map_or(vec![], |h: &Held| at(h.rows));
        let watch = cx.held.map(|h| Watch {
            x: ColMajor {
                x: h.x,
                rows: h.rows.len(),
                cols: data.cols,
                categorical: data.categorical,
            },
            y: &yv,
            patience: patience(p, cx.problem.rows),
        });
        let yy = at(cx.train_rows);
        let mut bag = Vec::with_capacity(p.bags.max(1));
        for b in 0..p.bags.max(1) as u64 {
            let s = cx.seed + b * BAG_SEED_STEP;
            let model = Gbm::fit(data, &yy, loss, p, s, watch.as_ref(), cx.deadline)?;
            let total = importance.get_or_insert_with(|| vec![0.0; data.cols]);
            total
                .iter_mut()
                .zip(model.importance())
                .for_each(|(t, g)| *t += g);
            bag.push(model);
        }
        Ok(match bag.len() {
            1 => FittedModel::new(bag.remove(0)),
            _ => FittedModel::new(GbmBag(bag)),
        })
    }
}

/// The class of each row from one-hot outputs (the first class for a row with none).
fn class_index(y: &[Vec<f64>]) -> Vec<f64> {
    (0..y[0].len())
        .map(|i| y.iter().position(|c| c[i] > 0.5).unwrap_or(0) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::MetricId;
    use crate::models::cv::{CvPlan, ModelSpec, cross_validate, fold_ids};
    use crate::models::family::ModelKind;
    use crate::models::gbm::GbmParams;
    use crate::models::problem::Problem;
    use crate::spec::Task;

    /// A problem's category-code column reaches the booster only when its settings ask for
    /// category sets: stumps on eight categories, four of them positive in no order of the codes,
    /// rank the held-out rows perfectly by sets and not by a threshold.
    #[test]
    fn category_sets_are_a_setting_that_reads_the_problems_code_columns() {
        let (x, y) = crate::testing::codes_in_no_order();
        let p = Problem {
            features: vec!["code".into()],
            categorical: vec![true],
            x_train: x,
            rows: 400,
            extra: 0,
            x_test: vec![],
            test_rows: 0,
            strata: Some(y.iter().map(|&v| v as i64).collect()),
            y: vec![y],
            classes: vec!["0".into(), "1".into()],
            task: Task::Binary,
            metric: MetricId::must("roc_auc"),
            log_target: false,
        };
        let fold = fold_ids(&p, 4, 1);
        let auc = |category_sets| {
            let spec = ModelSpec {
                name: "stumps".into(),
                kind: ModelKind::new(GbmParams {
                    iterations: 1,
                    learning_rate: 1.0,
                    max_depth: 1,
                    subsample: 1.0,
                    colsample: 1.0,
                    category_sets,
                    ..GbmParams::default()
                }),
            };
            let plan = CvPlan {
                stop_early: false,
                ..CvPlan::all_rows()
            };
            cross_validate(&p, &spec, &fold, 1, &plan, &mut |_| {})
                .unwrap()
                .unwrap()
                .oof_score
        };
        assert_eq!(auc(true), 1.0);
        assert!(auc(false) < 0.9, "a threshold on the codes: {}", auc(false));
    }
}
