//! `report`: a finished run's results table, with the paths to its reports.

use std::path::PathBuf;

use super::Result;
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::mcp::Cx;
use crate::store::{RunSummary, read_json};

/// Summarises a finished run.
pub struct Report;

/// Arguments of `report`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The run directory.
    pub run_dir: PathBuf,
}

impl McpTool for Report {
    const NAME: &'static str = "report";
    const DOC: &'static str = "A finished run's summary: gates and time per phase, every model's CV score, the \
        blend and the baseline, and the paths of report.html (charts, plans, reviews), report.md and \
        submission.csv.";
    type Args = Args;
    fn call(&self, a: Args, _: &Cx) -> Result<String> {
        let layout = crate::store::RunLayout::new(&a.run_dir);
        let s: RunSummary = read_json(
            &layout.summary(),
            "no summary: the run has not finished (call `status`)",
        )?;
        let mut out = crate::orchestrator::table(&s);
        for p in [layout.report_html(), layout.report()] {
            if let (true, Some(f)) = (p.exists(), p.file_name()) {
                out.push_str(&format!("{}: {}\n", f.to_string_lossy(), p.display()));
            }
        }
        if let Some(m) = &s.model {
            out.push_str(&format!(
                "model: {} (call `predict` with it)\n",
                m.display()
            ));
        }
        Ok(out)
    }
}
