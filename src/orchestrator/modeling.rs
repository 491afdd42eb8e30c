//! The model search under the time budget: candidates cross-validated in order while the budget
//! allows, a greedy blend on out-of-fold predictions, the blended models refitted on all of train.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use autokaggle_agents::roles::CvRow;
use autokaggle_toolkit::Dataset;
use autokaggle_toolkit::eda::Chart;
use autokaggle_toolkit::frame::DataFrame;
use autokaggle_toolkit::metrics::better;
use autokaggle_toolkit::models::cv::{self, CvResult, ModelKind, ModelSpec};
use autokaggle_toolkit::models::fitted::{Ensemble, Member};
use autokaggle_toolkit::models::gbm::GbmParams;
use autokaggle_toolkit::models::problem::Problem;
use autokaggle_toolkit::models::search;
use autokaggle_toolkit::models::submission;
use autokaggle_toolkit::models::{blend, choice};

use super::{Run, budget};
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
    /// The out-of-fold score of the GBM at its default settings (whatever tree count its folds
    /// chose), if the search fitted it: what the chosen blend must not be worse than.
    pub fn default_gbm(&self) -> Option<f64> {
        let trees_aside = |p: &GbmParams| GbmParams {
            iterations: 0,
            ..p.clone()
        };
        let default = trees_aside(&GbmParams::default());
        self.results
            .iter()
            .find(|r| matches!(&r.model.kind, ModelKind::Gbm(p) if trees_aside(p) == default))
            .map(|r| r.oof_score)
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
    let p = Problem::from_dataset(ds)?;
    say(
        run,
        log,
        format!(
            "  matrix: {} rows x {} features in {:.1}s",
            p.rows,
            p.features.len(),
            t.elapsed().as_secs_f64()
        ),
    );
    let fold = fold_ids(run, log, ds, &p, folds)?;
    let baseline = cv::baseline(&p);
    let replayed = run.cfg.replay.as_deref().map(replayed_models).transpose()?;
    let candidates: Vec<ModelSpec> = match &replayed {
        Some(names) => candidates
            .iter()
            .filter(|c| names.contains(&c.name))
            .cloned()
            .collect(),
        None => candidates.to_vec(),
    };
    let timed = replayed.is_none();
    let max_rows = match candidates.first().filter(|_| timed) {
        Some(first) => {
            let fit = budget::fit_rows(run, &p, first, folds)?;
            if let Some(n) = &fit.note {
                say(run, log, format!("  {n}"));
            }
            fit.max_rows
        }
        None => usize::MAX,
    };
    let results = search(run, log, &p, &fold, &candidates, max_rows, timed)?;
    let (blend, nested) = choose(run, log, &p, &results, &fold);
    say(
        run,
        log,
        format!(
            "  OOF {:.5} (baseline {baseline:.5}); refitting on {}",
            blend.score,
            if max_rows < p.rows {
                format!("{max_rows} of {} train rows", p.rows)
            } else {
                "all of train".to_string()
            }
        ),
    );
    let t = Instant::now();
    let (ensemble, importance) = refit_blend(run, &p, &results, &blend, max_rows)?;
    say(
        run,
        log,
        format!("  refit in {:.1}s", t.elapsed().as_secs_f64()),
    );
    let t = Instant::now();
    let pred = ensemble.predict(&p.x_test, p.test_rows)?;
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
    let charts = crate::report::charts::model_charts(
        charts_dir,
        &p,
        &results,
        &blend,
        importance.as_deref(),
    )
    .unwrap_or_else(|e| {
        say(run, log, format!("  charts skipped: {e}"));
        vec![]
    });
    say(
        run,
        log,
        format!("  charts in {:.1}s", t.elapsed().as_secs_f64()),
    );
    Ok(Modeled {
        results,
        blend,
        nested,
        baseline,
        submission,
        charts,
        ensemble,
        format,
        log: std::mem::take(log),
    })
}

/// The ensemble [`choice::choose`] picks; what it was chosen over, its decision rule and the nested
/// estimate of choosing this way are said.
fn choose(
    run: &Run,
    log: &mut Vec<String>,
    p: &Problem,
    results: &[CvResult],
    fold: &[usize],
) -> (blend::Blend, Option<f64>) {
    let t = Instant::now();
    let c = choice::choose(p, results, fold);
    let took = t.elapsed().as_secs_f64();
    let kind = if c.ensemble.head.is_some() {
        "stack"
    } else {
        "blend"
    };
    let on = if c.by == p.metric {
        String::new()
    } else {
        format!(" ({} chosen on {}, smooth)", kind, c.by)
    };
    say(
        run,
        log,
        match c.stack {
            None => format!("  greedy blend: OOF {:.5}{on}", c.greedy),
            Some(stack) => format!(
                "  greedy blend: OOF {:.5}; stack (linear meta-model, nested on the folds): OOF {stack:.5}; using the {kind}{on}",
                c.greedy
            ),
        },
    );
    if c.by != p.metric {
        say(
            run,
            log,
            format!(
                "  labels for {}: {}; OOF {:.5}",
                p.metric,
                c.ensemble.decision.describe(),
                c.ensemble.score
            ),
        );
    }
    // Choosing again inside each fold costs about `folds` times the choice: skipped when that is
    // more than a few seconds (large data, where the choosing's optimism is small anyway).
    let folds = fold.iter().max().map_or(1, |m| m + 1);
    let nested = (took * folds as f64 <= NESTED_SECONDS).then(|| {
        blend::nested_score(p, results, fold, &|p, r, f| {
            choice::choose(p, r, f).ensemble
        })
    });
    say(
        run,
        log,
        match nested {
            Some(n) => format!(
                "  nested estimate (the {kind} and its labels chosen inside the folds, on rows it did not see): OOF {n:.5}"
            ),
            None => format!(
                "  nested estimate skipped: choosing took {took:.1}s, {folds} more would pass {NESTED_SECONDS}s"
            ),
        },
    );
    (c.ensemble, nested)
}

/// Longest a nested estimate of the ensemble's choice may take, in seconds.
const NESTED_SECONDS: f64 = 5.0;

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
            Some(fold) => {
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

/// A progress line that is also kept for `output.log`.
fn say(run: &Run, log: &mut Vec<String>, line: String) {
    run.say(&line);
    log.push(line.trim().to_string());
}

/// Cross-validates candidates in order while the budget allows (`timed`; a replay tries them all).
fn search(
    run: &Run,
    log: &mut Vec<String>,
    p: &Problem,
    fold: &[usize],
    candidates: &[ModelSpec],
    max_rows: usize,
    timed: bool,
) -> Result<Vec<CvResult>> {
    let mut results: Vec<CvResult> = Vec::new();
    let folds = fold.iter().max().map_or(2, |m| m + 1);
    let refit_share = refit_share(p, folds, max_rows);
    // A candidate the rest of the budget cannot pay for is passed over; a cheaper one after it
    // (another family) may still fit.
    let mut skipped: Vec<&str> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        run.check_cancelled()?;
        if timed
            && !results.is_empty()
            && projected(run, p, &results, c, (folds, max_rows), refit_share)? > run.cfg.time_budget
        {
            skipped.push(&c.name);
            continue;
        }
        let how = cv::CvPlan {
            max_rows,
            stop_early: p.rows >= search::STOP_EARLY_ROWS,
            bar: if timed {
                bar(run, p, &results, candidates.len() - i)
            } else {
                None
            },
            deadline: timed.then(|| deadline(run, refit_share)),
        };
        let started = Instant::now();
        let r = cv::cross_validate(p, c, fold, run.cfg.seed, &how, &mut |f| {
            run.tick(&format!(
                "  candidate {}/{}: {} fold {}/{folds}",
                i + 1,
                candidates.len(),
                c.name,
                f + 1
            ));
        })?;
        let Some(r) = r else {
            say(
                run,
                log,
                format!(
                    "  {}: first fold below {:.5} (the best's first fold less twice its spread): stopped ({:.1}s)",
                    c.name,
                    how.bar.unwrap_or(f64::NAN),
                    started.elapsed().as_secs_f64()
                ),
            );
            continue;
        };
        let trees = match (&c.kind, &r.model.kind) {
            (ModelKind::Gbm(most), ModelKind::Gbm(chosen)) if how.stop_early => {
                format!(
                    ", {} of at most {} trees",
                    chosen.iterations, most.iterations
                )
            }
            _ => String::new(),
        };
        say(
            run,
            log,
            format!(
                "  {}: CV {:.5} ± {:.5} ({:.1}s{trees})",
                c.name, r.mean, r.std, r.seconds
            ),
        );
        results.push(r);
    }
    if !skipped.is_empty() {
        say(
            run,
            log,
            format!(
                "  time budget: skipped {} candidate(s): {}",
                skipped.len(),
                skipped.join(", ")
            ),
        );
    }
    Ok(results)
}

/// When a candidate's boosters stop growing trees: once the budget left, less what its refit will
/// take, is spent (at least a couple of seconds, so that a late candidate is not a stump).
fn deadline(run: &Run, refit_share: f64) -> Instant {
    const LEAST: f64 = 2.0;
    let left = run.cfg.time_budget - run.compute_seconds();
    let cv = (left / (1.0 + refit_share)).max(LEAST);
    Instant::now() + std::time::Duration::from_secs_f64(cv)
}

/// A refit's time as a share of a cross-validation's: the refit fits once on all (capped) rows,
/// each fold on (folds - 1) / folds of them.
fn refit_share(p: &Problem, folds: usize, max_rows: usize) -> f64 {
    let fold_rows = (p.rows * (folds - 1) / folds).min(max_rows).max(1);
    p.rows.min(max_rows) as f64 / (folds * fold_rows) as f64
}

/// The first-fold score a candidate must reach when the rest of the budget cannot pay for all
/// `left` candidates at the mean cost so far: the best candidate's first fold less twice the
/// spread of its folds. Cheap small-data searches keep every candidate for the blend.
fn bar(run: &Run, p: &Problem, results: &[CvResult], left: usize) -> Option<f64> {
    let best = results.iter().reduce(|a, b| {
        if better(p.metric, b.mean, a.mean) {
            b
        } else {
            a
        }
    })?;
    let per = results.iter().map(|r| r.seconds).sum::<f64>() / results.len() as f64;
    if per * left as f64 <= run.cfg.time_budget - run.compute_seconds() {
        return None;
    }
    let margin = 2.0 * best.std;
    let first = best.fold_scores.first()?;
    Some(if p.metric.higher_is_better() {
        first - margin
    } else {
        first + margin
    })
}

/// The run's time once this candidate's cross-validation, its refit and the refits of the models
/// before it are done (a refit costing `refit_share` of a cross-validation). Its time is guessed
/// from the same family's last candidate; for a new family, measured by two small fits on large
/// data, else the slowest so far.
fn projected(
    run: &Run,
    p: &Problem,
    results: &[CvResult],
    c: &ModelSpec,
    (folds, max_rows): (usize, usize),
    refit_share: f64,
) -> Result<f64> {
    let refits: f64 = results.iter().map(|r| r.seconds).sum::<f64>() * refit_share;
    let same = results
        .iter()
        .rev()
        .find(|r| std::mem::discriminant(&r.model.kind) == std::mem::discriminant(&c.kind));
    let now = run.compute_seconds();
    let search = match same {
        Some(r) => r.seconds * (1.0 + refit_share),
        // With a tenth of the budget or less left after the refits, a new family is not worth
        // even the timed fit that would forecast it.
        None if now + refits > 0.9 * run.cfg.time_budget => return Ok(f64::INFINITY),
        None => match budget::estimate(run, p, c, folds, max_rows)? {
            Some(s) => s,
            None => results.iter().map(|r| r.seconds).fold(0.0, f64::max) * (1.0 + refit_share),
        },
    };
    Ok(run.compute_seconds() + search * 1.1 + refits)
}

/// Refits the models the blend kept on all of train; returns them as the ensemble, and the blend's
/// feature importance (each booster's gain weighted by its blend weight).
fn refit_blend(
    run: &Run,
    p: &Problem,
    results: &[CvResult],
    blend: &blend::Blend,
    max_rows: usize,
) -> Result<(Ensemble, Option<Vec<f64>>)> {
    let mut members = Vec::new();
    let mut importance: Option<Vec<f64>> = None;
    for (r, w) in results.iter().zip(&blend.weights) {
        if *w != 0.0 {
            let refit = cv::refit(p, &r.model, run.cfg.seed, max_rows)?;
            if let Some(imp) = refit.importance {
                let total = importance.get_or_insert_with(|| vec![0.0; imp.len()]);
                total
                    .iter_mut()
                    .zip(&imp)
                    .for_each(|(t, g)| *t += w.abs() * g);
            }
            members.push(Member {
                name: r.model.name.clone(),
                weight: *w,
                outputs: refit.models,
            });
        }
    }
    let ensemble = Ensemble {
        features: p.features.clone(),
        task: p.task,
        metric: p.metric,
        log_target: p.log_target,
        classes: p.classes.clone(),
        members,
        head: blend.head.clone(),
        decision: blend.decision.clone(),
    };
    Ok((ensemble, importance))
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
