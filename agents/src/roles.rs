//! One trait per role, so the offline policy and LLM backends are interchangeable per role.

use autokaggle_toolkit::models::cv::ModelSpec;
use autokaggle_toolkit::{Dataset, Profile, Program};
use serde::{Deserialize, Serialize};

use crate::phase::Phase;

/// The five role names, as configs and records spell them.
pub const ROLES: [&str; 5] = ["reader", "planner", "developer", "reviewer", "summarizer"];

/// What every role sees of the current phase.
pub struct PhaseCx<'a> {
    /// The phase.
    pub phase: Phase,
    /// The data as the phase receives it.
    pub ds: &'a Dataset,
    /// Its profile.
    pub profile: &'a Profile,
    /// The competition's overview text.
    pub overview: &'a str,
    /// The previous phase's report.
    pub previous_report: &'a str,
    /// The user's instructions, in force for this phase and later ones.
    pub instructions: &'a [String],
    /// The run's seed (folds, model search draws).
    pub seed: u64,
    /// When the phase is redone after a low review: the reviewer's suggestions.
    pub redo: &'a [String],
}

/// What the developer hands over for a phase.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Work {
    /// An analysis phase: nothing to run beyond the profile.
    Analysis,
    /// A program of toolkit calls (cleaning, features).
    Program {
        /// The steps.
        program: Program,
    },
    /// The models to cross-validate and blend.
    Models {
        /// Number of CV folds.
        folds: usize,
        /// Candidates, in the order to try them while time remains.
        candidates: Vec<ModelSpec>,
    },
}

/// The reviewer's verdict on a phase.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Review {
    /// Score 1..=5 per agent (planner, developer), with a reason each.
    pub scores: Vec<(String, u8, String)>,
    /// Suggestions for a redo or for later phases.
    pub suggestions: Vec<String>,
}

impl Review {
    /// The lowest score given.
    pub fn min_score(&self) -> u8 {
        self.scores.iter().map(|s| s.1).min().unwrap_or(5)
    }
}

/// How a gate judged a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    /// The check held.
    Passed,
    /// The check failed; the message says how to fix it.
    Failed,
    /// The check has nothing to look at here (e.g. labels in a probability submission); left out of
    /// the counts, so a report's "n of m passed" means what it says.
    NotApplicable,
}

/// One gate's result for a phase, as `gates.json` holds it and the reviewer sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// The gate's name.
    pub gate: String,
    /// Its verdict.
    pub status: GateStatus,
    /// What was found, and on failure how to fix it.
    pub message: String,
}

impl GateResult {
    /// Whether it failed.
    pub fn failed(&self) -> bool {
        self.status == GateStatus::Failed
    }
}

/// (passed, applicable) over a phase's gate results.
pub fn gate_counts(gates: &[GateResult]) -> (usize, usize) {
    let applicable = gates
        .iter()
        .filter(|g| g.status != GateStatus::NotApplicable)
        .count();
    let passed = gates
        .iter()
        .filter(|g| g.status == GateStatus::Passed)
        .count();
    (passed, applicable)
}

/// One cross-validated model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvRow {
    /// The candidate's name.
    pub model: String,
    /// Mean fold score.
    pub mean: f64,
    /// Standard deviation of the fold scores.
    pub std: f64,
}

/// Evidence the reviewer and summarizer judge by: gates, step logs, scores.
pub struct Outcome<'a> {
    /// Every gate of the phase.
    pub gates: &'a [GateResult],
    /// What each step did, printed.
    pub steps: &'a [String],
    /// The modeling phase's cross-validated models, in the order tried.
    pub cv: &'a [CvRow],
    /// The trivial baseline's CV score, if modeled.
    pub baseline: Option<f64>,
    /// Attempts used.
    pub attempts: usize,
}

/// What the reader hands over.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Reading {
    /// The competition stated for the team: task, metric, data, what matters.
    pub summary: String,
    /// Changes it proposes to the inferred spec; the orchestrator checks them against the files.
    pub corrections: Vec<autokaggle_toolkit::spec::Correction>,
}

/// Reads the competition and states it.
pub trait Reader: Send {
    /// The summary, and any corrections to the spec.
    fn read(&self, cx: &PhaseCx) -> Reading;
}

/// Plans a phase in words.
pub trait Planner: Send {
    /// At most a handful of steps, in words.
    fn plan(&self, cx: &PhaseCx) -> String;
}

/// Turns a plan into work; repairs it from gate or run errors.
pub trait Developer: Send {
    /// The phase's work. `feedback` lists earlier attempts' errors and failed gates, oldest first.
    fn develop(&self, cx: &PhaseCx, plan: &str, feedback: &[String]) -> Work;
}

/// Scores a phase from its evidence.
pub trait Reviewer: Send {
    /// The review.
    fn review(&self, cx: &PhaseCx, outcome: &Outcome) -> Review;
}

/// Writes a phase's report, and at the end the run's research report.
pub trait Summarizer: Send {
    /// Markdown.
    fn summarize(&self, cx: &PhaseCx, plan: &str, outcome: &Outcome, review: &Review) -> String;
    /// The run's research report in markdown, from every phase's report and the results table
    /// (`cx` is the last phase's). None: the phase reports stand on their own.
    fn research_report(&self, _cx: &PhaseCx, _reports: &str, _results: &str) -> Option<String> {
        None
    }
}
