//! `status`: where a run stands, read from its directory.

use std::path::PathBuf;

use super::Result;
use crate::error::RunError;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::McpTool;
use crate::mcp::Cx;
use crate::store::{RunState, RunSummary, read_json};

/// Reports a run's progress.
pub struct Status;

/// Arguments of `status`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The run directory (`run` returns it, and its first progress line names it).
    pub run_dir: PathBuf,
}

impl McpTool for Status {
    const NAME: &'static str = "status";
    const DOC: &'static str = "Where a run stands: the phases finished (with gates passed and seconds), whether it \
        has a submission and a saved model, and its CV score once finished. Works while the run is going, after \
        it finished, and after it was cancelled (a cancelled run resumes with `autokaggle resume RUN_DIR`).";
    type Args = Args;
    fn call(&self, a: Args, _: &Cx) -> Result<String> {
        let d = &a.run_dir;
        let layout = crate::store::RunLayout::new(d);
        if !layout.spec().exists() {
            return Err(RunError::NotRunDir { path: d.clone() }.into());
        }
        let state: Option<RunState> = read_json(&layout.state(), "state").ok();
        let summary: Option<RunSummary> = read_json(&layout.summary(), "summary").ok();
        let phases: Vec<_> = state
            .iter()
            .flat_map(|s| &s.phases)
            .map(|p| {
                json!({"phase": p.phase.slug(), "gates_passed": p.passed, "gates": p.gates,
                       "seconds": p.seconds, "skipped": p.skipped})
            })
            .collect();
        let state = if summary.is_some() {
            "finished"
        } else if d.join(crate::store::STOPPED).exists() {
            "stopped"
        } else {
            "running or interrupted"
        };
        let v = json!({
            "run_dir": d,
            "state": state,
            "phases_finished": phases,
            "submission": Some(layout.submission()).filter(|p| p.exists()),
            "model": Some(layout.model()).filter(|p| crate::model::Manifest::path(p).exists()),
            "cv_score": summary.as_ref().map(|s| s.blend_score),
            "metric": summary.as_ref().map(|s| s.metric.clone()),
        });
        Ok(serde_json::to_string_pretty(&v).expect("a JSON value serializes"))
    }
}
