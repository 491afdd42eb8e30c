//! The JSON files of a run directory as types. Each file is written from one of these and read back
//! into it, so a field renamed here is renamed everywhere, and a file an older version wrote either
//! reads (missing fields take their defaults) or fails with the file's name.

use std::path::{Path, PathBuf};

use crate::error::{Result, RunError};
use autokaggle_agents::llm::Ledger;
use autokaggle_agents::roles::CvRow;
use autokaggle_core::Phase;
use autokaggle_toolkit::spec::CompetitionSpec;
use serde::{Deserialize, Serialize};

/// `spec.json`: the competition's spec in force (the reader may have corrected it) and what the run
/// was started with, so resume and replay start the same way.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpecRecord {
    /// The spec in force.
    pub spec: CompetitionSpec,
    /// Where the data files are.
    #[serde(default)]
    pub data_dir: PathBuf,
    /// How the files were adapted when read (delimiter, encoding...).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The competition folder.
    #[serde(default)]
    pub competition: PathBuf,
    /// The run's seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The run's time budget in seconds.
    #[serde(default)]
    pub time_budget: Option<f64>,
    /// The user's instructions at the start.
    #[serde(default)]
    pub instructions: Vec<String>,
}

impl SpecRecord {
    /// Reads a run directory's `spec.json`.
    pub fn read(run_dir: &Path) -> Result<Self> {
        let spec = super::RunLayout::new(run_dir).spec();
        if !spec.exists() {
            return Err(RunError::NotRunDir {
                path: run_dir.to_path_buf(),
            });
        }
        super::read_json(&spec, "cannot read the run's spec")
    }
}

/// One phase's line in the final table and in `state.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PhaseSummary {
    /// The phase.
    pub phase: Phase,
    /// Gates passed.
    pub passed: usize,
    /// Gates that applied (a gate with nothing to check is left out).
    pub gates: usize,
    /// Attempts used.
    pub attempts: usize,
    /// Whether the safe fallback produced the result.
    pub fallback: bool,
    /// Seconds.
    pub seconds: f64,
    /// Skipped by the person at the helm.
    #[serde(default)]
    pub skipped: bool,
}

/// `state.json`: the phases finished so far, which a resumed run reads back instead of redoing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RunState {
    /// Finished phases, in order.
    pub finished: Vec<Phase>,
    /// Their summaries.
    pub phases: Vec<PhaseSummary>,
}

/// A model's weight in the blend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlendWeight {
    /// The candidate's name.
    pub model: String,
    /// Its weight (0 when the blend left it out).
    pub weight: f64,
}

/// `summary.json`: what a run produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run directory.
    pub run_dir: PathBuf,
    /// The submission file.
    pub submission: PathBuf,
    /// Per phase.
    pub phases: Vec<PhaseSummary>,
    /// Every cross-validated model, in the order tried.
    pub cv: Vec<CvRow>,
    /// The blend's out-of-fold score: the score it was chosen on, so optimistic by the choosing.
    pub blend_score: f64,
    /// The out-of-fold score of choosing the ensemble inside the folds: an estimate that has not
    /// seen the rows it scores (None when it would have cost too long, or for older runs).
    #[serde(default)]
    pub cv_nested: Option<f64>,
    /// The blend's weights, one per model of `cv`.
    pub blend: Vec<BlendWeight>,
    /// Whether the models were stacked (the weights are a meta-model's) rather than blended.
    #[serde(default)]
    pub stacked: bool,
    /// The trivial baseline's score.
    pub baseline: f64,
    /// Metric name.
    pub metric: String,
    /// Total seconds.
    pub seconds: f64,
    /// The `--time-budget` the run had.
    #[serde(default)]
    pub time_budget: Option<f64>,
    /// Seconds spent waiting on the LLM (not charged to `--time-budget`).
    #[serde(default)]
    pub llm_seconds: f64,
    /// LLM usage, when any role used one.
    pub llm: Option<Ledger>,
    /// The saved model's folder (`autokaggle predict` reads it), when it was saved.
    #[serde(default)]
    pub model: Option<PathBuf>,
}
