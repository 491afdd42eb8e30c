//! One toolkit call as data: what programs are made of, and what a tool that composes other tools
//! (`feature_search`) builds. Its own module so tools can name it without importing the program runner.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One toolkit call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Registry name of the tool.
    pub tool: String,
    /// Arguments, checked against the tool's schema.
    #[serde(default)]
    pub args: Value,
}

impl Step {
    /// A step from a tool name and JSON arguments.
    pub fn new(tool: &str, args: Value) -> Self {
        Self {
            tool: tool.to_string(),
            args,
        }
    }
}
