//! The budgeted search: candidates cross-validated in order while the budget allows, the ensemble
//! chosen on their out-of-fold predictions, and its members refitted on all of train. It reports
//! progress as [`Event`]s and polls a cancel flag; the caller maps events to its own progress and
//! takes the result as a value.

use std::time::{Duration, Instant};

use super::STOP_EARLY_ROWS;
use super::budget::{self, Clock, Forecasts, pending_refits, projected};
use crate::error::{Result, ToolkitError};
use crate::metrics::better;
use crate::models::cv::{self, CvResult, ModelSpec};
use crate::models::fitted::{Ensemble, Member};
use crate::models::gbm::GbmParams;
use crate::models::problem::Problem;
use crate::models::{blend, choice};

/// What a search says as it goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A line that stays (and goes to the phase's log).
    Log(String),
    /// A candidate's fold began: shown in place (a bar on a terminal), replaced by the next.
    Fold(FoldStart),
}

/// Where the search stands when a fold begins; 0-based, so that each index is also how many are
/// done. Said as the line a log shows (`  candidate 2/9: gbm fold 1/5`).
#[derive(Clone, Debug, PartialEq)]
pub struct FoldStart {
    /// The candidate's index in the order tried.
    pub candidate: usize,
    /// Candidates in the search.
    pub candidates: usize,
    /// The candidate's name.
    pub name: String,
    /// The fold's index.
    pub fold: usize,
    /// Folds per candidate.
    pub folds: usize,
}

impl std::fmt::Display for FoldStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "  candidate {}/{}: {} fold {}/{}",
            self.candidate + 1,
            self.candidates,
            self.name,
            self.fold + 1,
            self.folds
        )
    }
}

/// How a search runs beyond its candidates.
pub struct Search<'a> {
    /// The budget; None for a replay, which tries every candidate with no deadline, so that it
    /// fits what the recorded run fitted whatever this machine's speed.
    pub clock: Option<Clock>,
    /// The run's seed.
    pub seed: u64,
    /// True once whoever watches wants the search stopped: it ends with [`ToolkitError::Cancelled`].
    pub cancelled: &'a dyn Fn() -> bool,
    /// Hears each event.
    pub events: &'a dyn Fn(Event),
}

impl Search<'_> {
    fn log(&self, log: &mut Vec<String>, line: String) {
        log.push(line.trim().to_string());
        (self.events)(Event::Log(line));
    }
}

/// What a search found.
pub struct Outcome {
    /// Every cross-validated candidate, in the order tried.
    pub results: Vec<CvResult>,
    /// The chosen ensemble's weights, head and decision rule, with the score it was chosen on.
    pub blend: blend::Blend,
    /// The out-of-fold score of choosing the ensemble inside the folds; None when it would have
    /// taken too long.
    pub nested: Option<f64>,
    /// The score of predicting the train prior for every row: what any model must beat.
    pub baseline: f64,
    /// Rows the ensemble was refitted on (`usize::MAX`: all); the folds' fits used at most as many.
    pub max_rows: usize,
    /// The ensemble refitted on all of train (or `max_rows` of it).
    pub ensemble: Ensemble,
    /// The ensemble's feature importance (each booster's gain weighted by its blend weight).
    pub importance: Option<Vec<f64>>,
    /// The lines said, for the phase's log.
    pub log: Vec<String>,
}

/// Longest a nested estimate of the ensemble's choice may take, in seconds.
const NESTED_SECONDS: f64 = 5.0;

/// Cross-validates `candidates` on `fold` within the budget, chooses the ensemble and refits it.
/// `fold` covers the scored rows; added train rows ([`Problem::extra`]) are fitted on in every
/// fold and in the refit.
pub fn run(p: &Problem, fold: &[usize], candidates: &[ModelSpec], s: &Search) -> Result<Outcome> {
    let log = &mut Vec::new();
    let folds = fold.iter().max().map_or(2, |m| m + 1);
    let max_rows = match (candidates.first(), &s.clock) {
        (Some(first), Some(clock)) => {
            let fit = budget::fit_rows(clock, p, first, folds, s.seed)?;
            if let Some(n) = fit.note {
                s.log(log, format!("  {n}"));
            }
            fit.max_rows
        }
        _ => usize::MAX,
    };
    let results = cross_validate_all(p, fold, folds, candidates, max_rows, s, log)?;
    if results.is_empty() {
        return Err(ToolkitError::data(
            "no candidate model could be cross-validated within the time budget",
        ));
    }
    // Choosing the ensemble reads out-of-fold predictions, which cover the scored rows only.
    let ((blend, nested), baseline) = p.with_scored(|scored| {
        (
            choose(scored, &results, fold, folds, s, log),
            cv::baseline(scored),
        )
    });
    let max_rows = match &s.clock {
        Some(clock) => refit_rows(clock, p, &results, &blend, (folds, max_rows)),
        None => max_rows,
    };
    s.log(
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
    let (ensemble, importance) = refit(p, &results, &blend, max_rows, s.seed)?;
    s.log(log, format!("  refit in {:.1}s", t.elapsed().as_secs_f64()));
    Ok(Outcome {
        results,
        blend,
        nested,
        baseline,
        max_rows,
        ensemble,
        importance,
        log: std::mem::take(log),
    })
}

/// Cross-validates candidates in order while the budget allows (all of them without a clock).
fn cross_validate_all(
    p: &Problem,
    fold: &[usize],
    folds: usize,
    candidates: &[ModelSpec],
    max_rows: usize,
    s: &Search,
    log: &mut Vec<String>,
) -> Result<Vec<CvResult>> {
    let mut results: Vec<CvResult> = Vec::new();
    let refit_share = refit_share(p, folds, max_rows);
    // A candidate the rest of the budget cannot pay for is passed over; a cheaper one after it
    // (another family) may still fit.
    let mut skipped: Vec<&str> = Vec::new();
    // Seconds spent forecasting the candidates that were passed over.
    let mut forecasting = 0.0;
    let mut forecasts = Forecasts {
        seed: s.seed,
        known: Vec::new(),
    };
    for (i, c) in candidates.iter().enumerate() {
        if (s.cancelled)() {
            return Err(ToolkitError::Cancelled);
        }
        if let Some(clock) = &s.clock
            && !results.is_empty()
        {
            let t = Instant::now();
            let when = projected(
                clock,
                p,
                &results,
                c,
                (folds, max_rows),
                refit_share,
                &mut forecasts,
            )?;
            if when > clock.budget {
                forecasting += t.elapsed().as_secs_f64();
                skipped.push(&c.name);
                continue;
            }
        }
        let how = cv::CvPlan {
            max_rows,
            stop_early: p.rows >= STOP_EARLY_ROWS,
            bar: s
                .clock
                .as_ref()
                .and_then(|clock| bar(clock, p, &results, candidates.len() - i)),
            deadline: s
                .clock
                .as_ref()
                .map(|clock| deadline(clock, pending_refits(&results, refit_share), refit_share)),
        };
        let started = Instant::now();
        let r = cv::cross_validate(p, c, fold, s.seed, &how, &mut |f| {
            (s.events)(Event::Fold(FoldStart {
                candidate: i,
                candidates: candidates.len(),
                name: c.name.clone(),
                fold: f,
                folds,
            }));
        })?;
        match r {
            Some(r) => {
                s.log(log, cv_line(c, &r, how.stop_early));
                results.push(r);
            }
            None => s.log(
                log,
                format!(
                    "  {}: first fold below {:.5} (the best's first fold less twice its spread): stopped ({:.1}s)",
                    c.name,
                    how.bar.unwrap_or(f64::NAN),
                    started.elapsed().as_secs_f64()
                ),
            ),
        }
    }
    if !skipped.is_empty() {
        s.log(
            log,
            format!(
                "  time budget: skipped {} candidate(s) (forecasting them took {forecasting:.1}s): {}",
                skipped.len(),
                skipped.join(", ")
            ),
        );
    }
    Ok(results)
}

/// A candidate's CV line: its mean and spread, its time, and the trees early stopping kept.
fn cv_line(c: &ModelSpec, r: &CvResult, stop_early: bool) -> String {
    let trees = match (c.kind.get::<GbmParams>(), r.model.kind.get::<GbmParams>()) {
        (Some(most), Some(chosen)) if stop_early => {
            format!(
                ", {} of at most {} trees",
                chosen.iterations, most.iterations
            )
        }
        _ => String::new(),
    };
    format!(
        "  {}: CV {:.5} ± {:.5} ({:.1}s{trees})",
        c.name, r.mean, r.std, r.seconds
    )
}

/// Share of the budget kept after the refit, for predicting test, the charts and the reports.
const AFTER_REFIT: f64 = 0.1;
/// A row's cost in the refit against its cost in the folds, which also score their held-out rows
/// at every round: 0.66-0.73 on a 640,000-row, 4-class problem refitted on 420,000-556,000 rows
/// after folds of 342,000-368,000, and 0.46 on a 16-class one of 250,000; the margin above them
/// covers a cache that more rows leave (the folds' 1.3 seen from the timed fit at a million rows).
const REFIT_GROWTH: f64 = 0.8;

/// The rows the ensemble is refitted on: when the search capped its fits, as many more as the
/// time left pays for (at the members' cost per row in their folds), so that time the last
/// forecast left unspent goes to fitting on more of train; all of train when it pays for them.
fn refit_rows(
    clock: &Clock,
    p: &Problem,
    results: &[CvResult],
    blend: &blend::Blend,
    (folds, max_rows): (usize, usize),
) -> usize {
    if max_rows >= p.rows {
        return max_rows;
    }
    let fold_rows = (p.rows * (folds - 1) / folds).min(max_rows).max(1);
    let per_row: f64 = results
        .iter()
        .zip(&blend.weights)
        .filter(|(_, w)| **w != 0.0)
        .map(|(r, _)| r.seconds / (folds * fold_rows) as f64)
        .sum();
    let seconds = clock.left() - AFTER_REFIT * clock.budget;
    if per_row <= 0.0 || seconds <= 0.0 {
        return max_rows;
    }
    let n = (seconds / (per_row * REFIT_GROWTH)) as usize;
    if n >= p.rows {
        usize::MAX
    } else {
        n.max(max_rows)
    }
}

/// When a candidate's boosters stop growing trees: once the budget left, less the refits of the
/// candidates before it (`refits` seconds) and its own, is spent (at least a couple of seconds,
/// so that a late candidate is not a stump). Without the others' refits a late booster spent
/// what the blend's refit then needed (7.0 s, the run ending at 56 s of 50).
fn deadline(clock: &Clock, refits: f64, refit_share: f64) -> Instant {
    const LEAST: f64 = 2.0;
    let cv = ((clock.left() - refits) / (1.0 + refit_share)).max(LEAST);
    Instant::now() + Duration::from_secs_f64(cv)
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
fn bar(clock: &Clock, p: &Problem, results: &[CvResult], left: usize) -> Option<f64> {
    let best = results.iter().reduce(|a, b| {
        if better(p.metric, b.mean, a.mean) {
            b
        } else {
            a
        }
    })?;
    let per = results.iter().map(|r| r.seconds).sum::<f64>() / results.len() as f64;
    if per * left as f64 <= clock.left() {
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

/// The ensemble [`choice::choose`] picks; what it was chosen over, its decision rule and the nested
/// estimate of choosing this way are said.
fn choose(
    p: &Problem,
    results: &[CvResult],
    fold: &[usize],
    folds: usize,
    s: &Search,
    log: &mut Vec<String>,
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
    s.log(
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
        s.log(
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
    let nested = (took * folds as f64 <= NESTED_SECONDS).then(|| {
        blend::nested_score(p, results, fold, &|p, r, f| {
            choice::choose(p, r, f).ensemble
        })
    });
    s.log(
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

/// Refits the models the blend kept on all of train; returns them as the ensemble, and the blend's
/// feature importance (each booster's gain weighted by its blend weight).
fn refit(
    p: &Problem,
    results: &[CvResult],
    blend: &blend::Blend,
    max_rows: usize,
    seed: u64,
) -> Result<(Ensemble, Option<Vec<f64>>)> {
    let mut members = Vec::new();
    let mut importance: Option<Vec<f64>> = None;
    for (r, w) in results.iter().zip(&blend.weights) {
        if *w != 0.0 {
            let refit = cv::refit(p, &r.model, seed, max_rows)?;
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

#[cfg(test)]
mod tests;
