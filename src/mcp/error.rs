//! What an MCP tool call or the server can fail with, typed; the client sees each as the text of
//! an error result, naming the tool, the argument or the file.

use std::path::PathBuf;

use autokaggle_toolkit::ToolkitError;

use crate::error::{RunError, SetupError};
use crate::model::ModelError;

/// Why a tool call did not do its work.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not fit the tool's schema.
    #[error("`{tool}`: invalid arguments: {source}")]
    Args {
        /// The tool.
        tool: String,
        /// What did not fit.
        source: serde_json::Error,
    },
    /// A toolkit tool was called with arguments that are not a JSON object.
    #[error("`{tool}`: arguments must be an object")]
    NotObject {
        /// The tool.
        tool: String,
    },
    /// A toolkit tool was called without the competition to apply it to.
    #[error("`{tool}`: give `competition`, a competition folder")]
    NoCompetition {
        /// The tool.
        tool: String,
    },
    /// `time_budget` is not a positive number of seconds.
    #[error("time_budget must be a positive number of seconds, not {0}")]
    Budget(f64),
    /// The client cancelled a run; `autokaggle resume` continues it.
    #[error("cancelled by the client: {0}")]
    Cancelled(Box<RunError>),
    /// The run, the report or the apply failed.
    #[error(transparent)]
    Run(Box<RunError>),
    /// The toolkit failed; its message names the file and the column.
    #[error(transparent)]
    Toolkit(Box<ToolkitError>),
    /// The saved model could not load or predict.
    #[error(transparent)]
    Model(Box<ModelError>),
}

impl From<RunError> for ToolError {
    fn from(e: RunError) -> Self {
        Self::Run(Box::new(e))
    }
}

impl From<SetupError> for ToolError {
    fn from(e: SetupError) -> Self {
        Self::Run(Box::new(e.into()))
    }
}

impl From<ToolkitError> for ToolError {
    fn from(e: ToolkitError) -> Self {
        Self::Toolkit(Box::new(e))
    }
}

impl From<ModelError> for ToolError {
    fn from(e: ModelError) -> Self {
        Self::Model(Box::new(e))
    }
}

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The folder for runs could not be created.
    #[error("{}: cannot create the folder for runs: {source}", path.display())]
    Out {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The async runtime did not start.
    #[error("starting the MCP server's runtime: {0}")]
    Runtime(std::io::Error),
    /// The client did not complete the protocol's handshake.
    #[error("the MCP client did not complete the handshake: {0}")]
    Handshake(Box<rmcp::service::ServerInitializeError>),
    /// The session's task failed.
    #[error("the MCP session ended: {0}")]
    Session(#[from] tokio::task::JoinError),
}

impl From<rmcp::service::ServerInitializeError> for ServeError {
    fn from(e: rmcp::service::ServerInitializeError) -> Self {
        Self::Handshake(Box::new(e))
    }
}
