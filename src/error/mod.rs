//! What can stop a run, typed: a library user (the CLI, the TUI, the MCP server, a program of
//! one's own) can tell a person's stop from a bad flag from a file it could not write, and every
//! variant names the file, the phase or the setting it is about and says what to do. The saved
//! model's own errors are in [`model`]; both are leaves that the rest of the crate imports.

use std::path::{Path, PathBuf};

use autokaggle_agents::llm::probe::ProbeError;
use autokaggle_agents::llm::{ConfigError, SessionError};
use autokaggle_toolkit::ToolkitError;

mod model;

pub use model::ModelError;

/// The run was stopped by the person (or an MCP client); the run directory resumes.
#[derive(Debug, thiserror::Error)]
#[error("stopped at your request; `autokaggle resume {}` continues from the last finished phase", run_dir.display())]
pub struct Stopped {
    /// The run directory to resume.
    pub run_dir: PathBuf,
}

/// A file or folder that could not be read, written or removed: which, what was being done, and
/// the system's reason. Every error type of the crate that touches files holds one.
#[derive(Debug, thiserror::Error)]
#[error("{}: {doing}: {source}", path.display())]
pub struct IoAt {
    /// The file or folder.
    pub path: PathBuf,
    /// What was being done ("cannot read", "cannot create the folder", ...).
    pub doing: &'static str,
    /// The system's reason.
    pub source: std::io::Error,
}

/// An I/O failure on `path` while `doing`, for `map_err`; `?` then makes it the caller's error.
pub fn io_at(path: &Path, doing: &'static str) -> impl FnOnce(std::io::Error) -> IoAt {
    let path = path.to_path_buf();
    move |source| IoAt {
        path,
        doing,
        source,
    }
}

/// Why a run, a resume, a report or an apply did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A file or folder could not be read, written or removed.
    #[error(transparent)]
    Io(#[from] IoAt),
    /// A JSON file of the run directory is not the record it should be.
    #[error("{}: not the expected JSON: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where and why.
        source: serde_json::Error,
    },
    /// A resume, a report or a replay was pointed at a folder that is not a run directory.
    #[error("{}: not a run directory (no spec.json); pass the folder a run printed", path.display())]
    NotRunDir {
        /// The folder given.
        path: PathBuf,
    },
    /// A flag or a setting that cannot be used, said with its fix.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The person at the helm, or an MCP client, stopped the run; it resumes.
    #[error(transparent)]
    Stopped(#[from] Stopped),
    /// Even the safe fallback program of a phase failed its gates.
    #[error("{phase}: even the safe fallback failed: {message}")]
    Fallback {
        /// The phase's title.
        phase: &'static str,
        /// The gate's message or the error.
        message: String,
    },
    /// The final submission fails a format gate after every attempt and the fallback; no
    /// `submission.csv` is left behind.
    #[error("no valid submission: gate `{gate}` failed after every attempt and the fallback: {message}; submission.csv was not written ({})", run_dir.display())]
    InvalidSubmission {
        /// The gate that failed.
        gate: &'static str,
        /// Its message.
        message: String,
        /// The run directory.
        run_dir: PathBuf,
    },
    /// A phase that rewrites the data left no fitted program, so no model can be saved.
    #[error("{phase} has no fitted program ({} is missing; the phase ran before this version saved one): run again to get a model", path.display())]
    NoFittedProgram {
        /// The phase's title.
        phase: &'static str,
        /// Where the program should be.
        path: PathBuf,
    },
    /// The walk through the phases ended without the modeling phase's products.
    #[error("the modeling phase produced no submission")]
    NoModel,
    /// The HTML report's template could not be rendered.
    #[error("report.html: {0}")]
    Template(#[from] minijinja::Error),
    /// The toolkit failed; its message names the file and the column.
    #[error(transparent)]
    Toolkit(Box<ToolkitError>),
    /// Saving or loading the run's model failed.
    #[error(transparent)]
    Model(Box<ModelError>),
    /// The LLM session could not start or replay.
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl From<ToolkitError> for RunError {
    fn from(e: ToolkitError) -> Self {
        Self::Toolkit(Box::new(e))
    }
}

impl From<ModelError> for RunError {
    fn from(e: ModelError) -> Self {
        Self::Model(Box::new(e))
    }
}

impl RunError {
    /// Whether the run was stopped on purpose (it resumes) rather than failed.
    pub fn is_stop(&self) -> bool {
        matches!(self, Self::Stopped(_))
    }
}

/// A flag or setting of `run`, `tui`, `resume` or a replay that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The competition folder does not exist here or under `competitions/`.
    #[error("{}: no such competition folder (give a folder with train.csv/test.csv/sample_submission.csv, or a name under competitions/)", path.display())]
    NoCompetition {
        /// What was given.
        path: PathBuf,
    },
    /// A new run needs a competition.
    #[error("--competition is required")]
    CompetitionRequired,
    /// A replay of a run directory that recorded no competition.
    #[error("{}: no recorded competition; pass --competition", spec.display())]
    NoRecordedCompetition {
        /// The run's spec.json.
        spec: PathBuf,
    },
    /// `--llm-role` not in the form `ROLE=LLM`.
    #[error("--llm-role `{0}`: write ROLE=LLM, e.g. developer=openai:gpt-4o-mini")]
    LlmRole(String),
    /// The LLM configuration is invalid (file, key, budget, ...).
    #[error("LLM configuration: {0}")]
    LlmConfig(#[from] ConfigError),
    /// An endpoint failed its check (no key, unreachable, unknown model).
    #[error("{0}\n(or pass --llm-fallback offline to run with the offline policy on purpose)")]
    Endpoint(#[from] ProbeError),
}

/// What the run's functions return.
pub type Result<T, E = RunError> = std::result::Result<T, E>;
