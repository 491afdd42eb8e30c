//! `inspect`: what a competition is (spec with reasons) and a profile of its data.

use std::path::PathBuf;

use super::Result;
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::mcp::Cx;

/// Describes a competition folder.
pub struct Inspect;

/// Arguments of `inspect`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// A competition folder (train.csv, test.csv, sample_submission.csv, or a competition.toml).
    pub competition: PathBuf,
    /// Include the data profile (default true).
    #[serde(default = "yes")]
    pub profile: bool,
}

fn yes() -> bool {
    true
}

impl McpTool for Inspect {
    const NAME: &'static str = "inspect";
    const DOC: &'static str = "Describe a Kaggle-style competition folder: the id, target(s), task, metric and \
        submission format inferred from the files (with the reason for each), and a profile of every column. \
        Call this first to check what `run` will do.";
    type Args = Args;
    fn call(&self, a: Args, _: &Cx) -> Result<String> {
        Ok(crate::inspect::describe(
            &crate::config::locate(&a.competition)?,
            a.profile,
        )?)
    }
}
