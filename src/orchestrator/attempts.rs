//! One phase's attempts: the developer's work runs, the gates judge it, a failed gate or an error
//! goes back to the developer as feedback; after [`MAX_ATTEMPTS`] the offline policy's safe work
//! runs instead, so every phase hands over something that passes.

use crate::error::{Result, RunError};
use autokaggle_agents::Work;
use autokaggle_agents::offline;
use autokaggle_agents::roles::{GateResult, PhaseCx};
use autokaggle_core::Phase;
use autokaggle_toolkit::{Dataset, StepLog, frame};

use super::Run;
use super::modeling::{self, Modeled};
use crate::config::MAX_ATTEMPTS;
use crate::gates::{self, GateCx};
use crate::steer::{Doing, Event};

/// What the attempts of a phase produced.
pub(super) struct Attempted {
    /// The data the phase hands over.
    pub next: Dataset,
    /// The last attempt's gate results.
    pub gates: Vec<GateResult>,
    /// What the last attempt's steps did.
    pub steps: Vec<String>,
    /// Attempts used.
    pub attempts: usize,
    /// Whether the safe fallback produced the result.
    pub fallback: bool,
    /// Every attempt's steps, failures and gate messages, for `output.log`.
    pub log: String,
    /// The model search's products, when the phase searched.
    pub modeled: Option<Modeled>,
}

/// What one attempt ran.
struct Executed {
    out: Dataset,
    logs: Vec<StepLog>,
    modeled: Option<Modeled>,
}

/// Runs attempts until the gates pass (or the fallback ran). `forced` is the person's work, run as
/// the first attempt instead of the developer's.
pub(super) fn attempt(
    run: &Run,
    cx: &PhaseCx,
    plan: &str,
    mut forced: Option<Work>,
) -> Result<Attempted> {
    let (phase, pdir) = (cx.phase, run.dir.phase(cx.phase));
    let mut feedback: Vec<String> = Vec::new();
    let mut log = String::new();
    for attempt in 1.. {
        run.check_cancelled()?;
        let fallback = attempt > MAX_ATTEMPTS;
        let work = match forced.take() {
            _ if fallback => offline::safe_work(phase),
            Some(w) => w,
            None => run.roles.developer.develop(cx, plan, &feedback),
        };
        run.dir.write_json(&pdir.program(), &work)?;
        run.tell(Event::Program(work.clone()));
        let e = match execute(run, phase, cx.ds, &work) {
            Ok(e) => e,
            Err(e) => {
                let msg = format!("{e:#}");
                run.say(&format!("  attempt {attempt} failed: {msg}"));
                log.push_str(&format!("attempt {attempt}: error: {msg}\n"));
                if fallback {
                    return Err(RunError::Fallback {
                        phase: phase.title(),
                        message: msg,
                    });
                }
                feedback.push(msg);
                continue;
            }
        };
        let gates = judge(run, phase, cx.ds, &work, &e);
        let steps: Vec<String> = e.logs.iter().map(ToString::to_string).collect();
        for s in &steps {
            log.push_str(&format!("attempt {attempt}: {s}\n"));
        }
        for l in e.modeled.iter().flat_map(|m| &m.log) {
            log.push_str(&format!("attempt {attempt}: {l}\n"));
        }
        let failed: Vec<&GateResult> = gates.iter().filter(|g| g.failed()).collect();
        if failed.is_empty() || fallback {
            return Ok(Attempted {
                next: e.out,
                gates,
                steps,
                attempts: attempt,
                fallback,
                log,
                modeled: e.modeled,
            });
        }
        for f in failed {
            run.say(&format!("  gate {} failed: {}", f.gate, f.message));
            log.push_str(&format!(
                "attempt {attempt}: gate {} failed: {}\n",
                f.gate, f.message
            ));
            feedback.push(format!("gate {}: {}", f.gate, f.message));
        }
    }
    unreachable!("the attempts loop returns or fails by the fallback")
}

/// The phase's gates over one attempt's products.
fn judge(run: &Run, phase: Phase, before: &Dataset, work: &Work, e: &Executed) -> Vec<GateResult> {
    let files = run.frame_files(phase);
    let written =
        matches!(work, Work::Program { .. }).then(|| (files.0.as_path(), files.1.as_path()));
    let m = e.modeled.as_ref();
    gates::check(&GateCx {
        phase,
        before,
        after: &e.out,
        logs: &e.logs,
        files: written,
        submission: m.map(|m| &m.submission),
        cv: m.map(|m| {
            (
                m.blend.score,
                m.baseline,
                before.spec.metric.higher_is_better(),
            )
        }),
        default_gbm: m.and_then(|m| m.default_gbm),
    })
}

/// Runs one attempt's work: nothing for analysis, a validated program (its train/test written as
/// Parquet), or the model search.
fn execute(run: &Run, phase: Phase, ds: &Dataset, work: &Work) -> Result<Executed> {
    let pdir = run.dir.phase(phase);
    match work {
        Work::Analysis => Ok(Executed {
            out: ds.clone(),
            logs: vec![],
            modeled: None,
        }),
        Work::Program { program } => {
            program.validate(ds, Some(phase.spec().tools), run.cfg.seed)?;
            let n = program.steps.len();
            let (out, logs, fitted) = program.run_fitted(ds, run.cfg.seed, &mut |i, t| {
                run.tick(Doing::Step {
                    step: i,
                    steps: n,
                    tool: t.to_string(),
                });
            })?;
            let (train, test) = run.frame_files(phase);
            frame::write_parquet(&out.train, &train)?;
            frame::write_parquet(&out.test, &test)?;
            fitted.save(&run.fitted_file(phase))?;
            Ok(Executed {
                out,
                logs,
                modeled: None,
            })
        }
        Work::Models { folds, candidates } => {
            let charts = pdir.charts_dir();
            let m = modeling::model(run, ds, *folds, candidates, &charts)?;
            Ok(Executed {
                out: ds.clone(),
                logs: vec![],
                modeled: Some(m),
            })
        }
    }
}
