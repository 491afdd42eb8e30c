//! Every toolkit tool as an MCP tool: its own argument schema plus the competition folder (and an
//! output folder); calling it applies a one-step program.

use std::path::PathBuf;

use super::Result;
use crate::mcp::ToolError;
use autokaggle_toolkit::registry;
use autokaggle_toolkit::tool::DynTool;
use autokaggle_toolkit::{Program, Step};
use serde_json::{Value, json};

use super::DynMcpTool;
use crate::mcp::Cx;

/// One MCP tool per registered toolkit tool.
pub fn tools() -> Vec<Box<dyn DynMcpTool>> {
    registry::TOOLS
        .iter()
        .map(|t| Box::new(ToolkitTool(*t)) as Box<dyn DynMcpTool>)
        .collect()
}

/// A toolkit tool, served.
struct ToolkitTool(&'static dyn DynTool);

/// The arguments the server adds to every toolkit tool's own.
const COMPETITION: &str = "competition";
const OUT: &str = "out";

impl DynMcpTool for ToolkitTool {
    fn name(&self) -> String {
        self.0.name().to_string()
    }
    fn doc(&self) -> String {
        let s = self.0.spec();
        let category = format!("{:?}", s.category).to_lowercase();
        format!(
            "Toolkit tool ({category}): {} Applied to the competition folder: fitted on train, applied to \
             train and test, written as CSV under `out`.",
            s.description
        )
    }
    fn schema(&self) -> Value {
        let mut s = self.0.spec().schema;
        let obj = s.as_object_mut().expect("a tool's schema is an object");
        obj.insert("type".into(), json!("object"));
        let props = obj
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("properties is an object");
        props.insert(
            COMPETITION.into(),
            json!({"type": "string", "description": "A competition folder."}),
        );
        props.insert(
            OUT.into(),
            json!({"type": "string", "description": "Folder for the transformed train.csv and test.csv (default: <server out>/applied/<competition>)."}),
        );
        let req = obj.entry("required").or_insert_with(|| json!([]));
        if let Some(r) = req.as_array_mut() {
            r.push(json!(COMPETITION));
        }
        s
    }
    fn call_json(&self, args: Value, cx: &Cx) -> Result<String> {
        let mut args = match args {
            Value::Object(o) => o,
            Value::Null => Default::default(),
            _ => {
                return Err(ToolError::NotObject {
                    tool: self.0.name().to_string(),
                });
            }
        };
        let competition: PathBuf = args
            .remove(COMPETITION)
            .and_then(|v| v.as_str().map(PathBuf::from))
            .ok_or_else(|| ToolError::NoCompetition {
                tool: self.0.name().to_string(),
            })?;
        let out = args.remove(OUT).and_then(|v| v.as_str().map(PathBuf::from));
        let program = Program {
            steps: vec![Step::new(self.0.name(), Value::Object(args))],
        };
        super::apply::apply(&competition, &program, out, cx)
    }
}
