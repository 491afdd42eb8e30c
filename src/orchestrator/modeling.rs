//! The modeling phase: the problem and its folds, the toolkit's budgeted search run with this
//! run's clock, seed and cancel flag (its events become progress lines), the submission and the
//! charts.

use std::path::Path;
use std::time::Instant;

use crate::error::Result;
use autokaggle_agents::roles::CvRow;
use autokaggle_toolkit::eda::Chart;
use autokaggle_toolkit::frame::DataFrame;
use autokaggle_toolkit::models::blend;
use autokaggle_toolkit::models::cv::{self, CvResult, ModelKind, ModelSpec};
use autokaggle_toolkit::models::fitted::Ensemble;
use autokaggle_toolkit::models::gbm::GbmParams;
use autokaggle_toolkit::models::problem::Problem;
use autokaggle_toolkit::models::search;
use autokaggle_toolkit::models::search::budget::Clock;
use autokaggle_toolkit::models::search::run::{Event, Search};
use autokaggle_toolkit::models::submission;
use autokaggle_toolkit::{Dataset, ToolkitError};

use super::Run;
use crate::steer::Doing;
use crate::store::{BlendWeight, RunSummary};

/// The modeling phase's products.
pub(super) struct Modeled {
    pub results: Vec<CvResult>,
    pub blend: blend::Blend,
    /// The out-of-fold score of choosing the ensemble inside the folds (`blend.score` is the score
    /// it was chosen on, optimistic by the choosing); None when it would have cost too long.
    pub nested: Option<f64>,
    pub baseline: f64,
    pub charts: Vec<Chart>,
    pub submission: DataFrame,
    /// The blend refitted on all of train: what `model/` keeps.
    pub ensemble: Ensemble,
    /// How the submission is written, for predicting new rows.
    pub format: submission::Format,
    /// What the search said (fit times, the budget's decisions), for the phase's `output.log`.
    pub log: Vec<String>,
    /// The out-of-fold score of the GBM at its default settings for this data's size (whatever
    /// tree count its folds chose), if the search fitted it: what the chosen blend must not be
    /// worse than.
    pub default_gbm: Option<f64>,
}

impl Modeled {
    /// Every cross-validated model, in the order tried.
    pub fn cv_rows(&self) -> Vec<CvRow> {
        self.results
            .iter()
            .map(|r| CvRow {
                model: r.model.name.clone(),
                mean: r.mean,
                std: r.std,
            })
            .collect()
    }
    /// Each model's blend weight.
    pub fn weights(&self) -> Vec<BlendWeight> {
        self.results
            .iter()
            .zip(&self.blend.weights)
            .map(|(r, w)| BlendWeight {
                model: r.model.name.clone(),
                weight: *w,
            })
            .collect()
    }
}

/// Cross-validates the candidates, blends, refits and builds the submission and its charts.
pub(super) fn model(
    run: &Run,
    ds: &Dataset,
    folds: usize,
    candidates: &[ModelSpec],
    charts_dir: &Path,
) -> Result<Modeled> {
    let log = &mut Vec::new();
    let t = Instant::now();
    // Rows added by `--extra-train` go last: the problem fits on them and scores the rest.
    let ds = ds.extra_last()?;
    let ds = &ds;
    let p = Problem::from_dataset(ds)?;
    let added = match &ds.extra {
        Some(e) if p.extra > 0 => format!(
            " ({} of them added from {}: fitted on in every fold, never scored)",
            p.extra,
            e.file.display()
        ),
        _ => String::new(),
    };
    say(
        run,
        log,
        format!(
            "  matrix: {} rows x {} features in {:.1}s{added}",
            p.rows,
            p.features.len(),
            t.elapsed().as_secs_f64()
        ),
    );
    if run.cfg.replay.is_none()
        && let Some(line) = short_search(run.compute_seconds(), run.cfg.time_budget, p.rows)
    {
        say(run, log, line);
    }
    let fold = fold_ids(run, log, ds, &p, folds)?;
    let found = search_models(run, &p, &fold, candidates)?;
    log.extend(found.log);
    let t = Instant::now();
    let pred = found.ensemble.predict(&p.x_test, p.test_rows)?;
    let format = submission::Format::of(ds)?;
    let submission = submission::build(ds, &format, &pred)?;
    say(
        run,
        log,
        format!(
            "  predicted {} test rows in {:.1}s",
            p.test_rows,
            t.elapsed().as_secs_f64()
        ),
    );
    let t = Instant::now();
    let charts = p
        .with_scored(|scored| {
            crate::report::charts::model_charts(
                charts_dir,
                scored,
                &found.results,
                &found.blend,
                found.importance.as_deref(),
            )
        })
        .unwrap_or_else(|e| {
            say(run, log, format!("  charts skipped: {e}"));
            vec![]
        });
    say(
        run,
        log,
        format!("  charts in {:.1}s", t.elapsed().as_secs_f64()),
    );
    let default_gbm = default_gbm(&p, &found.results);
    Ok(Modeled {
        default_gbm,
        results: found.results,
        blend: found.blend,
        nested: found.nested,
        baseline: found.baseline,
        submission,
        charts,
        ensemble: found.ensemble,
        format,
        log: std::mem::take(log),
    })
}

/// The toolkit's search over the candidates (those a replayed run chose, when replaying) on the
/// run's clock, its events told as the run's log and progress.
fn search_models(
    run: &Run,
    p: &Problem,
    fold: &[usize],
    candidates: &[ModelSpec],
) -> Result<search::run::Outcome> {
    let replayed = run.cfg.replay.as_deref().map(replayed_models).transpose()?;
    let candidates: Vec<ModelSpec> = match &replayed {
        Some(names) => candidates
            .iter()
            .filter(|c| names.contains(&c.name))
            .cloned()
            .collect(),
        None => candidates.to_vec(),
    };
    let how = Search {
        clock: replayed
            .is_none()
            .then(|| Clock::new(run.cfg.time_budget, run.compute_seconds())),
        seed: run.cfg.seed,
        cancelled: &|| run.steer.cancelled(),
        events: &|e| match e {
            Event::Log(line) => run.say(&line),
            Event::Fold(f) => run.tick(Doing::Fold(f)),
        },
    };
    match search::run::run(p, fold, &candidates, &how) {
        Err(ToolkitError::Cancelled) => Err(run.stopped().into()),
        r => Ok(r?),
    }
}

/// The folds: time-ordered or grouped when the data as read showed test differs from train that
/// way (and this train's rows can be matched to it), shuffled and stratified otherwise.
fn fold_ids(
    run: &Run,
    log: &mut Vec<String>,
    ds: &Dataset,
    p: &Problem,
    folds: usize,
) -> Result<Vec<usize>> {
    if let Some(key) = &run.fold_key {
        match key.assign(&ds.train, &ds.spec.id, folds, run.cfg.seed)? {
            Some(mut fold) => {
                // Added rows are last in train and in no fold.
                fold.truncate(p.scored());
                say(
                    run,
                    log,
                    format!("  folds: {} ({})", key.describe(), key.why),
                );
                return Ok(fold);
            }
            None => say(
                run,
                log,
                format!(
                    "  folds: shuffled, not {}: this train's rows could not be matched to the data as read ({})",
                    key.describe(),
                    key.why
                ),
            ),
        }
    }
    Ok(cv::fold_ids(p, folds, run.cfg.seed))
}

/// The out-of-fold score of the GBM at the search space's default for this problem's size.
fn default_gbm(p: &Problem, results: &[CvResult]) -> Option<f64> {
    let trees_aside = |kind: &ModelKind| {
        kind.get::<GbmParams>().map(|g| GbmParams {
            iterations: 0,
            ..g.clone()
        })
    };
    let default = trees_aside(&search::Family::GBM.defaults(p.rows, p.y.len()));
    results
        .iter()
        .find(|r| trees_aside(&r.model.kind) == default)
        .map(|r| r.oof_score)
}

/// A progress line that is also kept for `output.log`.
/// Share of the budget the phases before the search may take before the run says so.
const SHORT_SEARCH: f64 = 0.5;

/// Why a small budget tried few models and may end past its seconds: on 250,000 rows at 10 s the
/// phases before the search took 8 s, and the run ended at 12 s with one booster of 8 trees.
fn short_search(spent: f64, budget: f64, rows: usize) -> Option<String> {
    (spent > SHORT_SEARCH * budget).then(|| {
        format!(
            "  budget: the phases before the search took {spent:.1}s of {budget:.0}s on {rows} rows, \
             leaving the models {:.1}s; at least one is fitted whatever is left, so a larger \
             --time-budget tries more",
            (budget - spent).max(0.0)
        )
    })
}

fn say(run: &Run, log: &mut Vec<String>, line: String) {
    run.say(&line);
    log.push(line.trim().to_string());
}

/// The models a recorded run cross-validated (its time budget decided how many), so a replay tries
/// the same ones whatever this machine's speed.
fn replayed_models(run_dir: &Path) -> Result<Vec<String>> {
    let s: RunSummary = crate::store::read_json(
        &crate::store::RunLayout::new(run_dir).summary(),
        "the recorded run has no summary",
    )?;
    Ok(s.cv.into_iter().map(|r| r.model).collect())
}

#[cfg(test)]
mod tests {
    use super::short_search;

    #[test]
    fn a_search_left_less_than_half_the_budget_says_so() {
        assert_eq!(short_search(4.9, 10.0, 1000), None);
        assert_eq!(
            short_search(8.04, 10.0, 250_000).as_deref(),
            Some(
                "  budget: the phases before the search took 8.0s of 10s on 250000 rows, leaving \
                 the models 2.0s; at least one is fitted whatever is left, so a larger \
                 --time-budget tries more"
            )
        );
        assert!(
            short_search(12.0, 10.0, 10)
                .unwrap()
                .contains("leaving the models 0.0s")
        );
    }
}
