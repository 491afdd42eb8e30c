//! A program fitted on train: each step's learned state, in order, ready to apply to rows it has
//! never seen (next month's data, a refreshed test set) and to be saved with a run.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Result, ToolkitError};
use crate::frame::DataFrame;
use crate::registry;
use crate::saved;
use crate::tool::{DynFitted, Fitted, Split};

/// One fitted step: the tool, the arguments it was given, and what it learned.
pub struct FittedStep {
    /// Registry name of the tool.
    pub tool: String,
    /// The arguments as given (kept for the record; applying needs only the state).
    pub args: Value,
    state: Box<dyn DynFitted>,
}

/// A fitted program. `Program::fit` (or `run_fitted`) makes one; `save` and `load` keep it.
#[derive(Default)]
pub struct FittedProgram {
    /// The steps in order.
    pub steps: Vec<FittedStep>,
}

#[derive(Serialize, Deserialize)]
struct SavedStep {
    tool: String,
    args: String,
    state: Vec<u8>,
}

const KIND: &str = "program";

/// A fitted program is itself a fitted step: how a composing tool applies what it kept.
impl Fitted for FittedProgram {
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame> {
        self.apply_split(df, split)
    }
}

impl FittedProgram {
    pub(crate) fn push(&mut self, tool: &str, args: &Value, state: Box<dyn DynFitted>) {
        self.steps.push(FittedStep {
            tool: tool.to_string(),
            args: args.clone(),
            state,
        });
    }

    /// Applies every step to new rows, as it applied to test: no row is removed, and train-only
    /// steps (deduplication, outlier rows) pass the rows through.
    pub fn apply(&self, df: DataFrame) -> Result<DataFrame> {
        self.apply_split(df, Split::Test)
    }

    /// Applies every step as to `split` (a step nested in another, such as a search's kept
    /// features, is applied to train too).
    pub fn apply_split(&self, mut df: DataFrame, split: Split) -> Result<DataFrame> {
        for (i, s) in self.steps.iter().enumerate() {
            df = s
                .state
                .apply(df, split)
                .map_err(|e| super::step_err(i, &s.tool, e))?;
        }
        Ok(df)
    }

    /// The program as bytes (see [`crate::saved`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let steps = self
            .steps
            .iter()
            .map(|s| {
                Ok(SavedStep {
                    tool: s.tool.clone(),
                    args: s.args.to_string(),
                    state: s.state.save()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        saved::to_bytes(KIND, &steps)
    }

    /// Reads bytes written by [`Self::to_bytes`]; `path` is only used in messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Self> {
        let steps: Vec<SavedStep> = saved::from_bytes(KIND, bytes, path)?;
        let mut out = Self::default();
        for s in steps {
            let tool = registry::find(&s.tool).ok_or_else(|| {
                ToolkitError::file(
                    path,
                    format!(
                        "uses the tool `{}`, which this version does not have",
                        s.tool
                    ),
                )
            })?;
            let args = serde_json::from_str(&s.args).unwrap_or(Value::Null);
            out.push(&s.tool, &args, tool.load_state(&s.state, &super::Runner)?);
        }
        Ok(out)
    }

    /// Saves to `path` (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        saved::write_atomic(path, &self.to_bytes()?)
    }

    /// Loads a program saved by [`Self::save`].
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| ToolkitError::file(path, e.to_string()))?;
        Self::from_bytes(&bytes, path)
    }
}
