//! One error type for the toolkit; every variant names what a user needs to fix the problem.

use std::path::PathBuf;

/// Everything that can go wrong in the toolkit. Messages name the file, column, tool or step.
#[derive(Debug, thiserror::Error)]
pub enum ToolkitError {
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
