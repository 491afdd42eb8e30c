//! Every path of a run directory, named once. Writers, resume, the report, the MCP tools and
//! `predict` ask these for a file instead of spelling its name, so a renamed file changes here.

use std::path::{Path, PathBuf};

use autokaggle_core::Phase;

/// The files at the top of a run directory.
#[derive(Clone, Debug)]
pub struct RunLayout {
    root: PathBuf,
}

impl RunLayout {
    /// The layout of the run directory at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The run directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The competition's spec as the run resolved it; its presence marks a run directory.
    pub fn spec(&self) -> PathBuf {
        self.root.join("spec.json")
    }

    /// Which phases have finished, for resume.
    pub fn state(&self) -> PathBuf {
        self.root.join("state.json")
    }

    /// The finished run's scores, models and files.
    pub fn summary(&self) -> PathBuf {
        self.root.join("summary.json")
    }

    /// What the run submits.
    pub fn submission(&self) -> PathBuf {
        self.root.join("submission.csv")
    }

    /// The run's report in markdown.
    pub fn report(&self) -> PathBuf {
        self.root.join("report.md")
    }

    /// The run's self-contained HTML report.
    pub fn report_html(&self) -> PathBuf {
        self.root.join("report.html")
    }

    /// The summarizer's research report.
    pub fn research(&self) -> PathBuf {
        self.root.join("research.md")
    }

    /// What a person did at the stops.
    pub fn interventions(&self) -> PathBuf {
        self.root.join("interventions.json")
    }

    /// The submissions sent to Kaggle and their answers.
    pub fn submissions(&self) -> PathBuf {
        self.root.join("submissions.json")
    }

    /// The LLM replies recorded for replay.
    pub fn llm_log(&self) -> PathBuf {
        self.root.join("llm.jsonl")
    }

    /// The saved model that `predict` loads.
    pub fn model(&self) -> PathBuf {
        self.root.join("model")
    }

    /// One phase's folder.
    pub fn phase(&self, phase: Phase) -> PhaseDir {
        PhaseDir {
            dir: self.root.join(phase.dir_name()),
        }
    }
}

/// The files of a saved model's folder (`<run>/model/`, which may be moved and loaded elsewhere).
pub mod model_files {
    /// What the model is and which files hold it; its presence marks a saved model.
    pub const MANIFEST: &str = "manifest.json";
    /// The refitted ensemble.
    pub const ENSEMBLE: &str = "ensemble.bin";

    /// The fitted program of the phase whose folder is `phase_dir` (e.g. `3_data_cleaning`).
    pub fn program(phase_dir: &str) -> String {
        format!("{phase_dir}.program")
    }
}

/// The modeling phase's charts, in its charts folder.
pub mod model_charts {
    /// CV score per model.
    pub const CV: &str = "cv_scores.png";
    /// The blend's feature importance.
    pub const IMPORTANCE: &str = "importance.png";
    /// Out-of-fold confusion matrix (labels).
    pub const CONFUSION: &str = "confusion.png";
    /// Out-of-fold residuals (values).
    pub const RESIDUALS: &str = "residuals.png";
}

/// The files of one phase's folder.
#[derive(Clone, Debug)]
pub struct PhaseDir {
    dir: PathBuf,
}

impl PhaseDir {
    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The plan the phase ran.
    pub fn plan(&self) -> PathBuf {
        self.dir.join("plan.md")
    }

    /// The planner's plan before a person edited it.
    pub fn plan_before_edit(&self) -> PathBuf {
        self.dir.join("plan_before_edit.md")
    }

    /// The first round's plan, when a low review had the phase done again.
    pub fn plan_round1(&self) -> PathBuf {
        self.dir.join("plan_round1.md")
    }

    /// The first round's review, when a low review had the phase done again.
    pub fn review_round1(&self) -> PathBuf {
        self.dir.join("review_round1.json")
    }

    /// The developer's work: a program, or the modeling phase's search.
    pub fn program(&self) -> PathBuf {
        self.dir.join("program.json")
    }

    /// The program as fitted, for the saved model.
    pub fn fitted(&self) -> PathBuf {
        self.dir.join("fitted.program")
    }

    /// The phase's output data.
    pub fn data(&self) -> (PathBuf, PathBuf) {
        (
            self.dir.join("train.parquet"),
            self.dir.join("test.parquet"),
        )
    }

    /// The gates' verdicts.
    pub fn gates(&self) -> PathBuf {
        self.dir.join("gates.json")
    }

    /// The reviewer's scores.
    pub fn review(&self) -> PathBuf {
        self.dir.join("review.json")
    }

    /// The phase's report.
    pub fn report(&self) -> PathBuf {
        self.dir.join("report.md")
    }

    /// The phase's log.
    pub fn log(&self) -> PathBuf {
        self.dir.join("output.log")
    }

    /// The data profile the agents read.
    pub fn profile(&self) -> PathBuf {
        self.dir.join("profile.txt")
    }

    /// The charts' folder.
    pub fn charts_dir(&self) -> PathBuf {
        self.dir.join("charts")
    }

    /// What each chart shows.
    pub fn charts(&self) -> PathBuf {
        self.dir.join("charts.json")
    }
}
