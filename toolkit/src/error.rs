//! One error type for the toolkit; every variant names what a user needs to fix the problem.

use std::path::PathBuf;

/// Everything that can go wrong in the toolkit. Messages name the file, column, tool or step.
#[derive(Debug, thiserror::Error)]
pub enum ToolkitError {
    /// Whoever watches a long computation (the model search) asked it to stop.
    #[error("cancelled")]
    Cancelled,
    /// A file could not be read or is not what it should be.
    #[error("{}: {message}", file.display())]
    File {
        /// The offending file.
        file: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A column in a file is missing or unusable.
    #[error("{}: column `{column}`: {message}", file.display())]
    Column {
        /// The file holding (or lacking) the column.
        file: PathBuf,
        /// The column.
        column: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A tool's arguments do not fit its schema or the frame.
    #[error("tool `{tool}`: {message}")]
    Params {
        /// The tool's registry name.
        tool: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A program step failed; wraps the step's own error.
    #[error("step {step} (`{tool}`): {inner}")]
    Step {
        /// 1-based index of the step in the program.
        step: usize,
        /// The step's tool name.
        tool: String,
        /// The underlying error.
        inner: Box<ToolkitError>,
    },
    /// The overview names a metric the registry lacks, or one that cannot score the task: the run
    /// stops before phase 1 rather than optimise something else.
    #[error(
        "the overview's evaluation sentence \"{sentence}\": {why}. Name the metric with `--metric NAME` (or `metric` in competition.toml), one of: {known}"
    )]
    UnknownMetric {
        /// The sentence, as the overview words it (lowercased).
        sentence: String,
        /// What is wrong with it.
        why: String,
        /// Every metric name `--metric` takes.
        known: String,
    },
    /// Target values the metric cannot score (RMSLE at -1 or below, MAPE at 0).
    #[error("{0}")]
    TargetDomain(Box<OutsideDomain>),
    /// A data problem found while running (e.g. a frame that is empty or a model that cannot fit).
    #[error("{0}")]
    Data(String),
    /// An error raised inside Polars.
    #[error("polars: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
    /// An I/O error with no file attached.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// Target values a metric cannot score: boxed in [`ToolkitError::TargetDomain`], so that every
/// result of the toolkit stays small.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: column `{column}`: {rows} row(s) the metric {metric} cannot score ({why}), first at data row(s) {first}; drop those rows or choose another metric with `--metric NAME`",
    file.display()
)]
pub struct OutsideDomain {
    /// The train file.
    pub file: PathBuf,
    /// The target column.
    pub column: String,
    /// The metric.
    pub metric: String,
    /// Why those values cannot be scored.
    pub why: String,
    /// How many rows.
    pub rows: usize,
    /// The first few, 1-based data rows (the header is not counted).
    pub first: String,
}

/// The toolkit's result type.
pub type Result<T, E = ToolkitError> = std::result::Result<T, E>;

impl ToolkitError {
    /// An error about a tool's arguments.
    pub fn params(tool: &str, message: impl Into<String>) -> Self {
        Self::Params {
            tool: tool.to_string(),
            message: message.into(),
        }
    }
    /// A data error.
    pub fn data(message: impl Into<String>) -> Self {
        Self::Data(message.into())
    }
    /// An error about a file.
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::File {
            file: file.into(),
            message: message.into(),
        }
    }
    /// An error about one column of a file.
    pub fn column(file: impl Into<PathBuf>, column: &str, message: impl Into<String>) -> Self {
        Self::Column {
            file: file.into(),
            column: column.to_string(),
            message: message.into(),
        }
    }
}
