//! `autokaggle mcp`: an MCP server over stdio, so coding agents (Claude Code, Codex, Cursor) can
//! inspect a competition, run it with progress and cancellation, read its report, predict with its
//! saved model, and call every toolkit tool with its JSON schema.
//!
//! Each tool is one file under `tools/` and one line in [`tools::TOOLS`]; the toolkit's tools are
//! added from the toolkit's registry. Tools run on a blocking thread; stdout is the protocol's, so
//! nothing here prints to it.

mod error;
mod server;
pub mod tools;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rmcp::ServiceExt;

pub use error::{ServeError, ToolError};

/// What a tool call can use: where runs go, a progress line sink, and whether the client cancelled.
#[derive(Clone)]
pub struct Cx {
    /// Folder for run directories and applied programs.
    pub out: PathBuf,
    progress: Arc<dyn Fn(&str) + Send + Sync>,
    cancelled: Arc<AtomicBool>,
}

impl Cx {
    /// A context with the given progress sink and cancellation flag.
    pub fn new(
        out: &Path,
        progress: Arc<dyn Fn(&str) + Send + Sync>,
        cancelled: Arc<AtomicBool>,
    ) -> Self {
        Self {
            out: out.to_path_buf(),
            progress,
            cancelled,
        }
    }
    /// Sends a progress line to the client (when it asked for progress).
    pub fn progress(&self, line: &str) {
        (self.progress)(line);
    }
    /// Whether the client cancelled this call.
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
    /// The flag, for a run's steer.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancelled.clone()
    }
}

/// Serves MCP on stdin/stdout until the client disconnects.
pub fn serve(out: &Path) -> Result<(), ServeError> {
    std::fs::create_dir_all(out).map_err(|source| ServeError::Out {
        path: out.to_path_buf(),
        source,
    })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    rt.block_on(async {
        let service = server::Server::new(out)
            .serve(rmcp::transport::stdio())
            .await?;
        service.waiting().await?;
        Ok(())
    })
}
