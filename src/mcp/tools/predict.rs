//! `predict`: a run's saved model applied to new rows.

use std::path::PathBuf;

use super::Result;
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::mcp::Cx;
use crate::model::Model;

/// Scores a CSV with a run's model.
pub struct Predict;

/// Arguments of `predict`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The run directory (or its model/ folder).
    pub run_dir: PathBuf,
    /// A CSV with the columns test had; extra columns are ignored.
    pub input: PathBuf,
    /// Where to write the predictions (default: predictions.csv beside the input).
    #[serde(default)]
    pub output: Option<PathBuf>,
}

impl McpTool for Predict {
    const NAME: &'static str = "predict";
    const DOC: &'static str = "Score new rows with a finished run's saved model (its fitted cleaning and feature \
        programs, then its blend) and write them in the competition's submission format. Refuses, naming the \
        column, a file that lacks a column the model was trained with or holds a value of the wrong type.";
    type Args = Args;
    fn call(&self, a: Args, cx: &Cx) -> Result<String> {
        let output = a.output.unwrap_or_else(|| {
            a.input
                .parent()
                .unwrap_or(std::path::Path::new("."))
                .join("predictions.csv")
        });
        let model = Model::load(&a.run_dir)?;
        let p = model.predict_csv(&a.input, &output, &mut |s| cx.progress(s))?;
        let mut out = format!(
            "wrote {} ({} rows in {:.2}s)\n",
            output.display(),
            p.rows,
            p.seconds
        );
        for n in p.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        Ok(out)
    }
}
