//! One phase from plan to hand-over: the planner (and, in the first phase, the reader) writes the
//! plan, the person may stop it, the attempts run, the reviewer and summarizer judge the evidence,
//! the phase's files are written, and the person (or a low LLM review) may send it round again.

use std::time::Instant;

use crate::error::{Result, io_at};
use autokaggle_agents::roles::{CvRow, Outcome, PhaseCx, gate_counts};
use autokaggle_agents::{Review, Work};
use autokaggle_core::Phase;
use autokaggle_toolkit::eda::Chart;
use autokaggle_toolkit::{Dataset, Profile};

use super::attempts::{self, Attempted};
use super::modeling::Modeled;
use super::stops::{self, AtGates, AtPlan};
use super::{Run, corrections};
use crate::steer::{Event, PhaseState};
use crate::store::PhaseSummary;

/// What a phase hands over.
pub(super) struct PhaseDone {
    pub next: Dataset,
    pub summary: PhaseSummary,
    pub report: String,
    pub profile: Profile,
    /// The dataset under the reader's corrected spec, if a correction stood.
    pub corrected: Option<Dataset>,
    /// The model search's products, when the phase searched.
    pub modeled: Option<Modeled>,
}

/// Runs one phase on `ds`.
pub(super) fn run_phase(
    run: &mut Run,
    phase: Phase,
    ds: &Dataset,
    previous_report: &str,
    known: Option<Profile>,
) -> Result<PhaseDone> {
    let t0 = Instant::now();
    run.say(&format!("{} {}", phase.counter(), phase.title()));
    run.tell(Event::Phase(phase.index(), PhaseState::Running));
    let profile = match known {
        Some(p) => p,
        None => Profile::of(ds)?,
    };
    let mut redo: Vec<String> = Vec::new();
    let mut corrected = None;
    let mut plan = String::new();
    // The person's program, run as the next attempt instead of the developer's.
    let mut forced: Option<Work> = None;
    loop {
        let instructions = run.instructions.clone();
        let cx = PhaseCx {
            phase,
            ds,
            profile: &profile,
            overview: run.overview,
            previous_report,
            instructions: &instructions,
            seed: run.cfg.seed,
            redo: &redo,
        };
        if forced.is_none() {
            plan = write_plan(run, &cx, &mut corrected)?;
            if run.steer.stops() {
                match stops::at_plan(run, phase, &mut plan)? {
                    AtPlan::Go => {}
                    AtPlan::Again => continue,
                    AtPlan::Skip => return skipped(run, phase, ds, profile, t0),
                }
            }
        }
        let done = attempts::attempt(run, &cx, &plan, forced.take())?;
        let (review, report) = judge(run, &cx, &plan, &done)?;
        if run.steer.stops() {
            match stops::at_gates(run, phase, ds)? {
                AtGates::HandOver => {}
                AtGates::Rerun(w) => {
                    forced = w;
                    continue;
                }
            }
        } else if let Some(suggestions) = redo_after(run, phase, &plan, &redo, &review)? {
            redo = suggestions;
            continue;
        }
        let (passed, applicable) = gate_counts(&done.gates);
        return Ok(PhaseDone {
            summary: PhaseSummary {
                phase,
                passed,
                gates: applicable,
                attempts: done.attempts,
                fallback: done.fallback,
                seconds: t0.elapsed().as_secs_f64(),
                skipped: false,
            },
            next: done.next,
            report,
            profile,
            corrected,
            modeled: done.modeled,
        });
    }
}

/// The planner's plan (headed, in the phase that reads the spec, by the reader's summary and its checked spec
/// corrections), written to `plan.md` and shown.
fn write_plan(run: &Run, cx: &PhaseCx, corrected: &mut Option<Dataset>) -> Result<String> {
    let mut plan = run.roles.planner.plan(cx);
    if cx.phase.spec().reads_spec {
        let reading = run.roles.reader.read(cx);
        let (text, applied) = corrections::check(
            run.cfg,
            run.resolved,
            cx.ds,
            run.overview,
            &reading.corrections,
        );
        plan = format!("{}\n\n{text}{plan}", reading.summary);
        if !cx.ds.notes.is_empty() {
            plan.push_str("\n\n## Adapted when the files were read\n\n");
            for n in &cx.ds.notes {
                run.say(&format!("  note: {n}"));
                plan.push_str(&format!("- {n}\n"));
            }
        }
        *corrected = applied;
    }
    run.dir.write(&run.dir.phase(cx.phase).plan(), &plan)?;
    run.tell(Event::Plan(plan.clone()));
    Ok(plan)
}

/// A phase the person skipped.
fn skipped(
    run: &Run,
    phase: Phase,
    ds: &Dataset,
    profile: Profile,
    t0: Instant,
) -> Result<PhaseDone> {
    let report = format!("# {}\n\nSkipped at the person's request.\n", phase.title());
    // A skipped phase changes nothing, so the saved model has no program of it.
    let fitted = run.fitted_file(phase);
    if fitted.exists() {
        std::fs::remove_file(&fitted).map_err(io_at(&fitted, "cannot remove"))?;
    }
    run.dir.write(&run.dir.phase(phase).report(), &report)?;
    Ok(PhaseDone {
        next: ds.clone(),
        summary: PhaseSummary {
            phase,
            passed: 0,
            gates: 0,
            attempts: 0,
            fallback: false,
            seconds: t0.elapsed().as_secs_f64(),
            skipped: true,
        },
        report,
        profile,
        corrected: None,
        modeled: None,
    })
}

/// Review, report, charts: the phase's evidence judged and written to its folder.
fn judge(run: &Run, cx: &PhaseCx, plan: &str, done: &Attempted) -> Result<(Review, String)> {
    let phase = cx.phase;
    let pdir = run.dir.phase(phase);
    let modeled = done.modeled.as_ref();
    let cv_rows: Vec<CvRow> = modeled.map(|m| m.cv_rows()).unwrap_or_default();
    let outcome = Outcome {
        gates: &done.gates,
        steps: &done.steps,
        cv: &cv_rows,
        baseline: modeled.map(|m| m.baseline),
        attempts: done.attempts,
    };
    let review = run.roles.reviewer.review(cx, &outcome);
    run.tell(Event::Gates(done.gates.clone()));
    run.tell(Event::Review(review.clone()));
    if !cv_rows.is_empty() {
        run.tell(Event::Cv(cv_rows.clone()));
    }
    let mut report = run.roles.summarizer.summarize(cx, plan, &outcome, &review);
    let mut log = done.log.clone();
    let charts = charts(run, cx, done, &mut log);
    if !charts.is_empty() {
        run.dir.write_json(&pdir.charts(), &charts)?;
        report.push_str("\n## Charts\n");
        for c in &charts {
            report.push_str(&format!(
                "\n### {}\n\n![{}](charts/{})\n\n{}\n",
                c.title, c.title, c.file, c.stats
            ));
        }
    }
    if phase.spec().data_charts {
        report.push_str(&format!("\n## Data profile\n\n```\n{}```\n", cx.profile));
        run.dir.write(&pdir.profile(), &cx.profile.to_string())?;
    }
    run.dir.write_json(&pdir.gates(), &done.gates)?;
    run.dir.write_json(&pdir.review(), &review)?;
    if let Some(session) = &run.roles.llm {
        for n in session.take_notes() {
            run.say(&format!("  {n}"));
            log.push_str(&format!("llm: {n}\n"));
        }
    }
    run.dir.write(&pdir.log(), &log)?;
    run.dir.write(&pdir.report(), &report)?;
    if let Some(session) = &run.roles.llm {
        let l = session.ledger();
        run.tell(Event::Usage(
            l.total.calls as u64,
            l.total.input_tokens + l.total.output_tokens,
            l.total.usd.unwrap_or(0.0),
        ));
    }
    Ok((review, report))
}

/// The phase's charts: data charts for EDA phases (a chart never fails a run), the model's charts
/// for the modeling phase.
fn charts(run: &Run, cx: &PhaseCx, done: &Attempted, log: &mut String) -> Vec<Chart> {
    let spec = cx.phase.spec();
    if spec.data_charts {
        let t = Instant::now();
        let dir = run.dir.phase(cx.phase).charts_dir();
        let c = autokaggle_toolkit::eda::charts(cx.ds, &dir).unwrap_or_else(|e| {
            log.push_str(&format!("charts skipped: {e}\n"));
            vec![]
        });
        log.push_str(&format!(
            "charts: {} in {:.2} s\n",
            c.len(),
            t.elapsed().as_secs_f64()
        ));
        c
    } else {
        done.modeled
            .as_ref()
            .map(|m| m.charts.clone())
            .unwrap_or_default()
    }
}

/// A low review from an LLM reviewer redoes the phase once, and only when it carries suggestions
/// the planner and developer can act on (a bare low score would spend calls to repeat the phase).
/// The offline reviewer would only repeat itself. Returns the suggestions.
fn redo_after(
    run: &Run,
    phase: Phase,
    plan: &str,
    redo: &[String],
    review: &Review,
) -> Result<Option<Vec<String>>> {
    if !redo.is_empty()
        || run.roles.llm.is_none()
        || review.min_score() >= 3
        || review.suggestions.iter().all(|s| s.trim().is_empty())
    {
        return Ok(None);
    }
    run.say(&format!(
        "  review scored {}/5 with suggestions: redoing the phase once with them",
        review.min_score()
    ));
    let pdir = run.dir.phase(phase);
    run.dir.write(&pdir.plan_round1(), plan)?;
    run.dir.write_json(&pdir.review_round1(), review)?;
    Ok(Some(review.suggestions.clone()))
}
