//! The person's two stops per phase: after the plan (approve, edit it, instruct, redo, skip an EDA
//! phase, quit) and after the gates and review (hand over, edit the program, instruct, redo, quit).
//! A decision the phase cannot take is refused with its reason and the stop is asked again; every
//! decision taken is recorded in `interventions.json`, and the wait is kept off the run's clock.

use std::time::Instant;

use autokaggle_agents::Work;
use autokaggle_core::Phase;
use autokaggle_core::phase::WorkKind;
use autokaggle_toolkit::Dataset;
use autokaggle_toolkit::models::cv;

use super::Run;
use crate::error::Result;
use crate::steer::{Decision, Event, Intervention, PhaseState, Refusal, Stop};

/// What the plan stop decided.
pub(super) enum AtPlan {
    /// Develop this plan.
    Go,
    /// Plan the phase again (a redo, or a new instruction).
    Again,
    /// Skip the phase.
    Skip,
}

/// What the gates stop decided.
pub(super) enum AtGates {
    /// Hand the phase over.
    HandOver,
    /// Run the phase again: from this work (an edited program) or planned again (None).
    Rerun(Option<Work>),
}

/// The plan stop. An edited plan replaces `plan` (the original is kept as `plan_before_edit.md`).
pub(super) fn at_plan(run: &mut Run, phase: Phase, plan: &mut String) -> Result<AtPlan> {
    let refuse = |d: &Decision| match d {
        Decision::Skip if !phase.spec().skippable => Some(Refusal::NotSkippable),
        Decision::EditProgram(_) => Some(Refusal::NoProgramYet),
        _ => None,
    };
    let pdir = run.dir.phase(phase);
    let next = match ask(run, phase, Stop::Plan, refuse)? {
        Decision::Approve => AtPlan::Go,
        Decision::EditPlan(p) => {
            run.dir.write(&pdir.plan_before_edit(), plan)?;
            *plan = p;
            run.dir.write(&pdir.plan(), plan)?;
            run.tell(Event::Plan(plan.clone()));
            AtPlan::Go
        }
        Decision::Instruct(text) => {
            instruct(run, text);
            AtPlan::Again
        }
        Decision::Redo => AtPlan::Again,
        Decision::Skip => AtPlan::Skip,
        Decision::Quit => return Err(run.stopped().into()),
        Decision::EditProgram(_) => unreachable!("refused above"),
    };
    if matches!(next, AtPlan::Go) {
        run.tell(Event::Phase(phase.index(), PhaseState::Running));
    }
    Ok(next)
}

/// The gates stop.
pub(super) fn at_gates(run: &mut Run, phase: Phase, ds: &Dataset) -> Result<AtGates> {
    let seed = run.cfg.seed;
    let refuse = |d: &Decision| match d {
        Decision::Skip | Decision::EditPlan(_) => Some(Refusal::AlreadyRan),
        Decision::EditProgram(w) => check_edit(phase, ds, w, seed).err(),
        _ => None,
    };
    let next = match ask(run, phase, Stop::Gates, refuse)? {
        Decision::Approve => return Ok(AtGates::HandOver),
        Decision::EditProgram(w) => AtGates::Rerun(Some(w)),
        Decision::Instruct(text) => {
            instruct(run, text);
            AtGates::Rerun(None)
        }
        Decision::Redo => AtGates::Rerun(None),
        Decision::Quit => return Err(run.stopped().into()),
        Decision::Skip | Decision::EditPlan(_) => unreachable!("refused above"),
    };
    // An edited program reruns the phase from its plan; the rest plan it again.
    run.tell(Event::Phase(phase.index(), PhaseState::Running));
    Ok(next)
}

fn instruct(run: &mut Run, text: String) {
    run.say(&format!("  instruction: {text}"));
    run.instructions.push(text);
}

/// Asks until the person gives a decision `refuse` lets through (a refusal goes back to them with
/// its reason), records it, and keeps the wait off the run's clock.
fn ask(
    run: &mut Run,
    phase: Phase,
    stop: Stop,
    refuse: impl Fn(&Decision) -> Option<Refusal>,
) -> Result<Decision> {
    run.tell(Event::Phase(phase.index(), PhaseState::Awaiting));
    loop {
        let asked = Instant::now();
        let d = run.steer.decide(phase, stop);
        run.clock.pause(asked.elapsed());
        match refuse(&d) {
            Some(why) => run.tell(Event::Rejected(why)),
            None => {
                run.interventions.push(Intervention::of(phase, stop, &d));
                run.dir
                    .write_json(&run.dir.layout().interventions(), &run.interventions)?;
                return Ok(d);
            }
        }
    }
}

/// Checks a person's edited work before it runs: a program against the tools this phase may use
/// and a sample of the data; models by their folds and candidates.
pub(super) fn check_edit(
    phase: Phase,
    ds: &Dataset,
    w: &Work,
    seed: u64,
) -> std::result::Result<(), Refusal> {
    match w {
        Work::Program { program } if !phase.spec().tools.is_empty() => program
            .validate(ds, Some(phase.spec().tools), seed)
            .map_err(|e| Refusal::Program(format!("{e:#}"))),
        Work::Models { folds, candidates } if phase.spec().work == WorkKind::Models => {
            if !cv::FOLDS.contains(folds) {
                Err(Refusal::Folds {
                    folds: *folds,
                    min: *cv::FOLDS.start(),
                    max: *cv::FOLDS.end(),
                })
            } else if candidates.is_empty() {
                Err(Refusal::NoCandidate)
            } else {
                Ok(())
            }
        }
        _ => Err(Refusal::NothingToEdit(phase.title())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autokaggle_toolkit::models::cv::{ModelKind, ModelSpec};
    use autokaggle_toolkit::{Program, Step};

    fn tiny() -> Dataset {
        crate::gates::testing::dataset(autokaggle_toolkit::spec::Submission::Labels)
    }

    #[test]
    fn an_edited_program_is_checked_against_the_phase_tools() {
        let ds = tiny();
        let features = Work::Program {
            program: Program {
                steps: vec![Step::new("one_hot", serde_json::json!({}))],
            },
        };
        // one_hot is a feature tool: refused in cleaning, accepted in feature engineering.
        let e = check_edit(Phase::DataCleaning, &ds, &features, 1)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("edited program not run:"), "{e}");
        assert!(e.contains("one_hot"), "{e}");
        check_edit(Phase::FeatureEngineering, &ds, &features, 1).unwrap();
        let e = check_edit(Phase::InDepthEda, &ds, &features, 1).unwrap_err();
        assert_eq!(e, Refusal::NothingToEdit("In-depth EDA"));
        assert_eq!(e.to_string(), "In-depth EDA has no program to edit");
    }

    #[test]
    fn edited_models_need_folds_in_range_and_a_candidate() {
        let ds = tiny();
        let gbm = ModelSpec {
            name: "gbm".into(),
            kind: ModelKind::new(autokaggle_toolkit::models::gbm::GbmParams::default()),
        };
        let models = |folds, candidates: Vec<ModelSpec>| Work::Models { folds, candidates };
        let e = check_edit(Phase::ModelBuilding, &ds, &models(11, vec![gbm.clone()]), 1);
        assert_eq!(
            e.unwrap_err().to_string(),
            "edited models not run: 11 folds (use 2 to 10)"
        );
        let e = check_edit(Phase::ModelBuilding, &ds, &models(5, vec![]), 1);
        assert_eq!(e.unwrap_err(), Refusal::NoCandidate);
        check_edit(Phase::ModelBuilding, &ds, &models(2, vec![gbm]), 1).unwrap();
    }
}
