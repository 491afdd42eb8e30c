//! The MCP server's tools: typed arguments (their JSON schema is what the client sees), a call
//! that returns text, and the registry. The toolkit's tools join through [`toolkit`].

mod apply;
mod inspect;
mod predict;
mod report;
mod run;
mod status;
pub mod toolkit;

use super::ToolError;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Cx;

/// What a tool call returns: its text, or why it failed.
pub type Result<T, E = ToolError> = std::result::Result<T, E>;

/// A tool of the server.
pub trait McpTool: Send + Sync {
    /// The name clients call.
    const NAME: &'static str;
    /// What it does and when to use it: the client's model reads this.
    const DOC: &'static str;
    /// Arguments; field docs become the schema's descriptions.
    type Args: DeserializeOwned + JsonSchema;
    /// Does the work (on a blocking thread) and says what happened.
    fn call(&self, args: Self::Args, cx: &Cx) -> Result<String>;
}

/// A tool over JSON, for the registry and the server.
pub trait DynMcpTool: Send + Sync {
    /// The name clients call.
    fn name(&self) -> String;
    /// The description.
    fn doc(&self) -> String;
    /// The arguments' JSON schema (an object schema).
    fn schema(&self) -> Value;
    /// Parses the arguments and calls.
    fn call_json(&self, args: Value, cx: &Cx) -> Result<String>;
}

impl<T: McpTool> DynMcpTool for T {
    fn name(&self) -> String {
        T::NAME.to_string()
    }
    fn doc(&self) -> String {
        T::DOC.to_string()
    }
    fn schema(&self) -> Value {
        let s = schemars::SchemaGenerator::default().into_root_schema_for::<T::Args>();
        serde_json::to_value(s).expect("schemas serialize")
    }
    fn call_json(&self, args: Value, cx: &Cx) -> Result<String> {
        let args = if args.is_null() {
            Value::Object(Default::default())
        } else {
            args
        };
        let a: T::Args = serde_json::from_value(args).map_err(|source| ToolError::Args {
            tool: T::NAME.to_string(),
            source,
        })?;
        self.call(a, cx)
    }
}

/// The server's own tools, in the order clients list them.
pub static TOOLS: &[&dyn DynMcpTool] = &[
    &inspect::Inspect,
    &run::RunTool,
    &status::Status,
    &report::Report,
    &predict::Predict,
    &apply::Apply,
];

/// Every tool: the server's own, then one per toolkit tool.
pub fn all() -> Vec<Box<dyn DynMcpTool>> {
    let mut out: Vec<Box<dyn DynMcpTool>> = TOOLS
        .iter()
        .map(|t| Box::new(Forward(*t)) as Box<dyn DynMcpTool>)
        .collect();
    out.extend(toolkit::tools());
    out
}

/// A registry entry as an owned tool.
struct Forward(&'static dyn DynMcpTool);

impl DynMcpTool for Forward {
    fn name(&self) -> String {
        self.0.name()
    }
    fn doc(&self) -> String {
        self.0.doc()
    }
    fn schema(&self) -> Value {
        self.0.schema()
    }
    fn call_json(&self, args: Value, cx: &Cx) -> Result<String> {
        self.0.call_json(args, cx)
    }
}
