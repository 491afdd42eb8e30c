//! What a benchmark run, a sweep or the scoring of a reference's submission can fail with, each
//! naming the competition folder, the file or the line.

use std::path::PathBuf;

use autokaggle_toolkit::ToolkitError;

use crate::error::{IoAt, RunError};

/// Why a benchmark did not run or score.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file or folder could not be read or written.
    #[error(transparent)]
    Io(#[from] IoAt),
    /// A competition's `bench.toml` says something the holdout cannot do.
    #[error("{}: {problem}", path.display())]
    Holdout {
        /// The bench.toml.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A line of the results file is not a record.
    #[error("{} line {line}: not a result record: {source}", path.display())]
    Record {
        /// The results file.
        path: PathBuf,
        /// Its line, from 1.
        line: usize,
        /// Why.
        source: serde_json::Error,
    },
    /// A submission being scored lacks the id column or lists other ids.
    #[error("{}: {problem}", path.display())]
    Submission {
        /// The submission.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A column the holdout splits by is not in train.
    #[error("bench.toml names column `{0}`, which train lacks")]
    MissingColumn(String),
    /// A child run failed; its last line of error output.
    #[error("{}: {message}", dir.display())]
    Child {
        /// The competition folder.
        dir: PathBuf,
        /// The child's last error line, or why its output is unreadable.
        message: String,
    },
    /// The run itself failed.
    #[error(transparent)]
    Run(Box<RunError>),
    /// The toolkit failed; its message names the file and the column.
    #[error(transparent)]
    Toolkit(Box<ToolkitError>),
}

impl From<RunError> for BenchError {
    fn from(e: RunError) -> Self {
        Self::Run(Box::new(e))
    }
}

impl From<ToolkitError> for BenchError {
    fn from(e: ToolkitError) -> Self {
        Self::Toolkit(Box::new(e))
    }
}

/// What the benchmark's functions return.
pub type Result<T, E = BenchError> = std::result::Result<T, E>;
