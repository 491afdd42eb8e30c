//! How many rows the time budget lets a model be fitted on. At Kaggle's sizes one candidate's
//! cross-validation and refit can outlast what is left of the budget (a 3-fold GBM on a million rows
//! took 48 s, its refit 19 s), and the search always fits its first candidate. A timed fit of that
//! candidate on a sample tells its cost per row, and every fit of the search is capped to what the
//! rest of the budget pays for. Each later candidate's turn is forecast before it is taken
//! ([`projected`]), from its family's last fit or, for a new family, a timed fit on a sample.

use std::time::Instant;

use crate::error::Result;
use crate::models::cv::{self, CvResult, ModelKind, ModelSpec};
use crate::models::gbm::GbmParams;
use crate::models::problem::{LARGE_ROWS, Problem};

/// The timed fit's size. A fit's cost per row still grows past it (a GBM's binned rows leave the
/// cache): at a million rows one fold cost 1.3 times what a fit of these many rows foretold, and
/// the fixed part that a second, smaller fit would measure made the forecast worse, not better.
const PROBE_ROWS: usize = 100_000;
/// The timed fit for a family's first candidate after the search has begun: smaller, because by
/// then the probe itself spends what is left (a forest's fit of 100,000 rows took seconds only to
/// learn that the forest would not fit).
const PROBE_NEW_ROWS: usize = 25_000;
/// The first look at a new family's cost, on few rows: a family it already shows to be far
/// beyond the time left is not timed on more (a forest's timed fit of 25,000 rows of a 16-class
/// problem took 7.6 s of the last 15 only to be skipped).
const GLANCE_ROWS: usize = 2_500;
/// How far beyond the time left a glance must forecast to skip the timed fit: a small fit's
/// fixed cost makes its cost per row look higher than a large one's.
const GLANCE_MARGIN: f64 = 2.0;
/// Rounds a booster's timed fit grows.
const PROBE_ROUNDS: usize = 30;
/// Most rounds a booster's forecast counts. A large problem's booster may grow up to 1000 (or
/// more at a slow rate) until its held-out fold stops it; forecasting all of them capped every fit
/// at the floor of rows. Rounds past the forecast are paid by the budget's deadline, not planned.
const FORECAST_ROUNDS: usize = 300;
/// Fewest rows a fit is capped to: fewer would trade too much of the score for time.
const MIN_ROWS: usize = 50_000;
/// Share of the time left that the first candidate's folds and refit may plan to use: the rest
/// covers the forecast's shortfall at large sizes, predicting, the blend, the charts and the reports.
const SHARE: f64 = 0.7;

/// The budget a search spends: its seconds in all, and those already spent when it began (the
/// run's earlier phases) plus the time since.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// Seconds the whole run may spend.
    pub budget: f64,
    /// Seconds spent before the search began.
    pub spent_before: f64,
    /// When the search began.
    pub started: Instant,
}

impl Clock {
    /// A clock for a search starting now, `spent_before` of `budget` seconds already gone.
    pub fn new(budget: f64, spent_before: f64) -> Self {
        Self {
            budget,
            spent_before,
            started: Instant::now(),
        }
    }
    /// Seconds spent so far, the run's earlier phases included.
    pub fn spent(&self) -> f64 {
        self.spent_before + self.started.elapsed().as_secs_f64()
    }
    /// Seconds left (negative once overspent).
    pub fn left(&self) -> f64 {
        self.budget - self.spent()
    }
}

/// What the budget allows.
pub struct FitRows {
    /// Most rows a fit uses (`usize::MAX`: all).
    pub max_rows: usize,
    /// The line the log and report carry, if the cap was measured.
    pub note: Option<String>,
}

/// A model's fit time per row, measured on a sample of train.
struct Cost {
    per_row: f64,
}

impl Cost {
    /// Times one fit of `spec` on a seeded sample of `n` train rows. A booster grows only
    /// [`PROBE_ROUNDS`] of its rounds and its cost is scaled to all of them (a round costs about
    /// the same at every stage): a 16-class softmax booster's 300 rounds on 100,000 rows took
    /// 16.8 s of a 50 s budget only to be timed.
    fn probe(p: &Problem, spec: &ModelSpec, n: usize, seed: u64) -> Result<Self> {
        let (timed, scale) = match spec.kind.get::<GbmParams>() {
            Some(g) if g.iterations > PROBE_ROUNDS => {
                let short = ModelSpec {
                    name: spec.name.clone(),
                    kind: ModelKind::new(GbmParams {
                        iterations: PROBE_ROUNDS,
                        ..g.clone()
                    }),
                };
                let counted = g.iterations.clamp(PROBE_ROUNDS, FORECAST_ROUNDS);
                (short, counted as f64 / PROBE_ROUNDS as f64)
            }
            _ => (spec.clone(), 1.0),
        };
        let t = Instant::now();
        cv::refit(p, &timed, seed, n)?;
        Ok(Self {
            per_row: t.elapsed().as_secs_f64() * scale / n.min(p.rows).max(1) as f64,
        })
    }

    /// Seconds for `folds` fold fits and one refit, each on at most `max_rows` rows.
    fn search(&self, rows: usize, folds: usize, max_rows: usize) -> f64 {
        let fold_rows = (rows * (folds - 1) / folds).min(max_rows);
        self.per_row * (folds * fold_rows + rows.min(max_rows)) as f64
    }
}

/// The cap on fit rows for this search, measured on its first candidate when train is large.
pub fn fit_rows(
    clock: &Clock,
    p: &Problem,
    first: &ModelSpec,
    folds: usize,
    seed: u64,
) -> Result<FitRows> {
    if p.rows < LARGE_ROWS {
        return Ok(FitRows {
            max_rows: usize::MAX,
            note: None,
        });
    }
    let cost = Cost::probe(p, first, PROBE_ROWS, seed)?;
    let left = clock.left();
    let max_rows = cap(p.rows, folds, &cost, left * SHARE);
    let note = format!(
        "budget: a fit of {PROBE_ROWS} rows would take {:.1}s; with {:.0}s left, {}",
        cost.per_row * PROBE_ROWS.min(p.rows) as f64,
        left.max(0.0),
        if max_rows == usize::MAX {
            "every fit uses all rows".to_string()
        } else {
            format!("each fit uses {max_rows} of {} rows", p.rows)
        }
    );
    Ok(FitRows {
        max_rows,
        note: Some(note),
    })
}

/// Seconds a candidate's cross-validation and refit will take, measured by a fit on a sample when
/// train is large (a family's first candidate has no time of its own to go by); None on small data.
/// A glance on few rows comes first, and when it forecasts more than [`GLANCE_MARGIN`] times
/// `seconds_left` it is the answer.
pub fn estimate(
    p: &Problem,
    spec: &ModelSpec,
    (folds, max_rows): (usize, usize),
    seed: u64,
    seconds_left: f64,
) -> Result<Option<f64>> {
    if p.rows < LARGE_ROWS {
        return Ok(None);
    }
    let glance = Cost::probe(p, spec, GLANCE_ROWS, seed)?.search(p.rows, folds, max_rows);
    if glance > GLANCE_MARGIN * seconds_left {
        return Ok(Some(glance));
    }
    Ok(Some(
        Cost::probe(p, spec, PROBE_NEW_ROWS, seed)?.search(p.rows, folds, max_rows),
    ))
}

/// The measured forecasts of the families not yet fitted: a family's later candidates are
/// forecast from its first's timed fit, not timed again (on a 16-class, 250,000-row problem the
/// search holds three linear candidates, each of which would otherwise be timed).
pub(super) struct Forecasts {
    /// The run's seed, for the timed fits.
    pub seed: u64,
    /// Each forecast family's engine and the seconds its cross-validation and refit would take.
    pub known: Vec<(ModelKind, f64)>,
}

/// Seconds the refits of the models cross-validated so far would take, each costing
/// `refit_share` of its cross-validation: the most the blend's refit can spend.
pub(super) fn pending_refits(results: &[CvResult], refit_share: f64) -> f64 {
    results.iter().map(|r| r.seconds).sum::<f64>() * refit_share
}

/// Seconds of cross-validation per unit of [`Settings::relative_cost`] that the candidates of
/// `c`'s engine took so far (their mean); None before the first.
///
/// [`Settings::relative_cost`]: crate::models::family::Settings::relative_cost
fn per_cost(results: &[CvResult], c: &ModelSpec) -> Option<f64> {
    let rates: Vec<f64> = results
        .iter()
        .filter(|r| r.model.kind.same_engine(&c.kind))
        .map(|r| r.seconds / r.model.kind.relative_cost())
        .collect();
    (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
}

/// The run's time once this candidate's cross-validation, its refit and the refits of the models
/// before it are done (a refit costing `refit_share` of a cross-validation). Its time is guessed
/// from its engine's candidates so far, scaled by its relative cost; for a new family, measured
/// by a small fit on large data (once a family), else the slowest so far.
pub(super) fn projected(
    clock: &Clock,
    p: &Problem,
    results: &[CvResult],
    c: &ModelSpec,
    (folds, max_rows): (usize, usize),
    refit_share: f64,
    forecasts: &mut Forecasts,
) -> Result<f64> {
    let refits = pending_refits(results, refit_share);
    let same = per_cost(results, c);
    let known = forecasts
        .known
        .iter()
        .find(|(kind, _)| kind.same_engine(&c.kind))
        .map(|(_, s)| *s);
    let search = match (same, known) {
        (Some(per), _) => per * c.kind.relative_cost() * (1.0 + refit_share),
        (None, Some(s)) => s,
        // With a tenth of the budget or less left after the refits, a new family is not worth
        // even the timed fit that would forecast it.
        (None, None) if clock.spent() + refits > 0.9 * clock.budget => return Ok(f64::INFINITY),
        (None, None) => match estimate(
            p,
            c,
            (folds, max_rows),
            forecasts.seed,
            clock.left() - refits,
        )? {
            Some(s) => {
                forecasts.known.push((c.kind.clone(), s));
                s
            }
            None => results.iter().map(|r| r.seconds).fold(0.0, f64::max) * (1.0 + refit_share),
        },
    };
    Ok(clock.spent() + search * 1.1 + refits)
}

/// The most rows per fit such that `folds` fold fits and one refit take at most `seconds`;
/// `usize::MAX` when all rows fit.
fn cap(rows: usize, folds: usize, cost: &Cost, seconds: f64) -> usize {
    if cost.search(rows, folds, usize::MAX) <= seconds {
        return usize::MAX;
    }
    let n = if cost.per_row > 0.0 {
        seconds / (folds + 1) as f64 / cost.per_row
    } else {
        0.0
    };
    let fold_rows = rows * (folds - 1) / folds;
    (n.max(0.0).round() as usize).clamp(MIN_ROWS, fold_rows.max(MIN_ROWS))
}

#[cfg(test)]
mod tests {
    use super::{Cost, cap};

    fn cost(per_row: f64) -> Cost {
        Cost { per_row }
    }

    #[test]
    fn cap_is_all_rows_when_they_fit_and_what_the_seconds_pay_for_when_not() {
        // 3 folds of 200k fitting rows and a 300k refit at 5 µs a row: 4.5 s.
        let c = cost(5e-6);
        assert!((c.search(300_000, 3, usize::MAX) - 4.5).abs() < 1e-9);
        assert_eq!(cap(300_000, 3, &c, 4.5), usize::MAX);
        // 1.0 s pays for four fits of 50,000 rows: the floor.
        assert_eq!(cap(300_000, 3, &c, 1.0), 50_000);
        assert_eq!(cap(300_000, 3, &c, 0.1), 50_000);
        // 1M rows at 20 µs a row: 55 s pays for four fits of 687,500, more than the 666,666 a fold
        // fits on, yet not for the folds and a refit on all rows (60 s): the fold size.
        let c = cost(20e-6);
        assert_eq!(cap(1_000_000, 3, &c, 55.0), 666_666);
        // 40 s: four fits of 500,000 rows, which take the 40 s.
        assert_eq!(cap(1_000_000, 3, &c, 40.0), 500_000);
        assert!((c.search(1_000_000, 3, 500_000) - 40.0).abs() < 1e-9);
    }
}
