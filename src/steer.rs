//! A person at the helm of a run. The pipeline tells them what happens ([`Event`]s) and, at two stops
//! per phase (after planning, after the gates and review), asks what to do ([`Decision`]). Whatever
//! they decide is recorded in the run directory's `interventions.json` and shown in the report.

use std::path::{Path, PathBuf};

use crate::error::Result;
pub use crate::error::Stopped;
use autokaggle_agents::roles::{CvRow, GateResult};
use autokaggle_agents::{Review, Work};
use autokaggle_core::Phase;
pub use autokaggle_toolkit::models::search::run::FoldStart;
use serde::{Deserialize, Serialize};

/// A phase's state as a person sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseState {
    /// Not reached yet.
    Waiting,
    /// The agents or the toolkit are working.
    Running,
    /// Stopped for the person.
    Awaiting,
    /// Finished with every gate passed.
    Passed,
    /// Finished with a gate failed (the fallback took over).
    Failed,
    /// Skipped by the person.
    Skipped,
}

/// Something the pipeline did.
#[derive(Clone, Debug)]
pub enum Event {
    /// The run directory in use.
    RunDir(PathBuf),
    /// A phase (0-based index) changed state.
    Phase(usize, PhaseState),
    /// The plan in force.
    Plan(String),
    /// The developer's (or the person's) work for this attempt.
    Program(Work),
    /// A progress line that stays (a phase, a score, a failure).
    Log(String),
    /// Where the work stands now (a step, a fold): the next one replaces it.
    Progress(Progress),
    /// The phase's gate results.
    Gates(Vec<GateResult>),
    /// The reviewer's scores.
    Review(Review),
    /// CV per model, in the order tried.
    Cv(Vec<CvRow>),
    /// LLM usage so far: calls, tokens, dollars.
    Usage(u64, u64, f64),
    /// An edit the pipeline refused, and why (the stop is asked again).
    Rejected(Refusal),
}

/// Where the work stands, and the run's time against its budget: a bar on a terminal, a line
/// (its `Display`) anywhere else.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// What is running.
    pub doing: Doing,
    /// Compute seconds the run has spent (the LLM's waits excluded, as the budget counts them).
    pub spent: f64,
    /// The run's time budget in seconds.
    pub budget: f64,
}

/// What is running.
#[derive(Clone, Debug, PartialEq)]
pub enum Doing {
    /// A program's step (0-based) of `steps`.
    Step {
        /// The step's index.
        step: usize,
        /// Steps in the program.
        steps: usize,
        /// The step's tool.
        tool: String,
    },
    /// A search candidate's fold.
    Fold(FoldStart),
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.doing {
            Doing::Step { step, steps, tool } => write!(f, "  step {}/{steps}: {tool}", step + 1),
            Doing::Fold(fold) => fold.fmt(f),
        }
    }
}

/// Why a stop refused a decision: said to the person, who is asked again.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// Skip at a phase whose row says it may not be skipped.
    #[error("only the EDA phases can be skipped")]
    NotSkippable,
    /// A program edit at the plan stop.
    #[error("there is no program yet: approve the plan, then edit the program at the next stop")]
    NoProgramYet,
    /// A plan edit or a skip after the phase ran.
    #[error("the phase has run: redo it (r) to plan again, or edit its program (p)")]
    AlreadyRan,
    /// An edited program the toolkit refuses (its message names the step and argument).
    #[error("edited program not run: {0}")]
    Program(String),
    /// Edited models with a fold count out of range.
    #[error("edited models not run: {folds} folds (use {min} to {max})")]
    Folds {
        /// What the edit asked for.
        folds: usize,
        /// The fewest folds.
        min: usize,
        /// The most.
        max: usize,
    },
    /// Edited models with no candidate.
    #[error("edited models not run: no candidate left")]
    NoCandidate,
    /// A program edit in a phase that runs none.
    #[error("{0} has no program to edit")]
    NothingToEdit(&'static str),
}

/// Where the run waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The plan is written; nothing has run.
    Plan,
    /// The program ran, the gates and reviewer have spoken; the phase is not yet handed over.
    Gates,
}

/// What the person decided at a stop.
#[derive(Clone, Debug)]
pub enum Decision {
    /// Go on (at the plan stop: develop this plan; at the gates stop: hand the phase over).
    Approve,
    /// Replace the plan; the developer follows the new one (plan stop).
    EditPlan(String),
    /// Run this work instead (gates stop); it is validated first.
    EditProgram(Work),
    /// An instruction for the agents in this phase and later ones; the phase is planned again.
    Instruct(String),
    /// Plan and run the phase again.
    Redo,
    /// Skip the phase (EDA phases only; plan stop).
    Skip,
    /// Stop the run; `autokaggle resume RUN_DIR` continues from the last finished phase.
    Quit,
}

/// Whoever watches a run: the TUI's person at the helm, or headless progress on stderr. The
/// orchestrator only talks to this trait, so it prints nothing itself; it calls it from its own
/// thread.
pub trait Steer: Send + Sync {
    /// Something happened.
    fn event(&self, e: Event);
    /// Whether the run stops for [`Steer::decide`] after each plan and each phase's gates.
    fn stops(&self) -> bool {
        true
    }
    /// The run waits here until the person decides.
    fn decide(&self, phase: Phase, stop: Stop) -> Decision;
    /// Whether whoever started the run has asked it to stop (an MCP client's cancellation). The
    /// run checks between phases, attempts and model candidates, and stops as a quit does.
    fn cancelled(&self) -> bool {
        false
    }
}

/// What a person did at a stop, as interventions.json records it (`approve`, `edit_plan`, ...).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Went on as planned.
    Approve,
    /// Replaced the plan.
    EditPlan,
    /// Replaced the program.
    EditProgram,
    /// Gave an instruction, in force from then on.
    Instruct,
    /// Had the phase done again.
    Redo,
    /// Skipped an EDA phase.
    Skip,
    /// Stopped the run to resume later.
    Quit,
}

/// One recorded intervention.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Intervention {
    /// UTC time.
    pub at: String,
    /// The phase.
    pub phase: Phase,
    /// The stop.
    pub stop: Stop,
    /// What the person did.
    pub action: Action,
    /// The new plan, the new program (JSON), the instruction; empty otherwise.
    pub detail: String,
}

impl Intervention {
    /// Records a decision (now) for `phase` at `stop`.
    pub fn of(phase: Phase, stop: Stop, d: &Decision) -> Self {
        let (action, detail) = match d {
            Decision::Approve => (Action::Approve, String::new()),
            Decision::EditPlan(p) => (Action::EditPlan, p.clone()),
            Decision::EditProgram(w) => (
                Action::EditProgram,
                serde_json::to_string(w).unwrap_or_default(),
            ),
            Decision::Instruct(s) => (Action::Instruct, s.clone()),
            Decision::Redo => (Action::Redo, String::new()),
            Decision::Skip => (Action::Skip, String::new()),
            Decision::Quit => (Action::Quit, String::new()),
        };
        Self {
            at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            phase,
            stop,
            action,
            detail,
        }
    }
}

/// The interventions recorded in a run directory (none if there is no file).
pub fn recorded(run_dir: &Path) -> Result<Vec<Intervention>> {
    let p = crate::store::RunLayout::new(run_dir).interventions();
    if !p.exists() {
        return Ok(vec![]);
    }
    crate::store::read_json(&p, "unreadable")
}
