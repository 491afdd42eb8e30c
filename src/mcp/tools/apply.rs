//! `apply`: a program of toolkit calls run on a competition, train and test written as CSV.

use std::path::{Path, PathBuf};

use super::Result;
use autokaggle_toolkit::{Program, Step};
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::config::DEFAULT_SEED;
use crate::mcp::Cx;
use crate::store::safe_name;

/// Applies a program.
pub struct Apply;

/// Arguments of `apply`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// A competition folder.
    pub competition: PathBuf,
    /// The steps, in order: `{"tool": NAME, "args": {...}}`, each tool's arguments as its own MCP
    /// tool's schema gives them.
    pub program: Vec<StepArg>,
    /// Folder for the transformed train.csv and test.csv (default: `<server out>/applied/<name>`).
    #[serde(default)]
    pub out: Option<PathBuf>,
}

/// One step of a program.
#[derive(Deserialize, JsonSchema)]
pub struct StepArg {
    /// A toolkit tool's name.
    pub tool: String,
    /// Its arguments.
    #[serde(default)]
    pub args: serde_json::Value,
}

impl McpTool for Apply {
    const NAME: &'static str = "apply";
    const DOC: &'static str = "Run a program of toolkit calls on a competition: each step is fitted on train and \
        applied to train and test alike, checked before anything runs. Writes the transformed train.csv and \
        test.csv and returns what each step added, removed or changed. The toolkit's tools are also listed one \
        by one, with their argument schemas.";
    type Args = Args;
    fn call(&self, a: Args, cx: &Cx) -> Result<String> {
        let program = Program {
            steps: a
                .program
                .into_iter()
                .map(|s| Step::new(&s.tool, s.args))
                .collect(),
        };
        apply(&a.competition, &program, a.out, cx)
    }
}

/// Runs `program` on a competition; writes train/test under `out` (default: the server's
/// `applied/<competition>`) and says what each step did.
pub fn apply(
    competition: &Path,
    program: &Program,
    out: Option<PathBuf>,
    cx: &Cx,
) -> Result<String> {
    let n = program.steps.len();
    let a = crate::apply::apply(
        competition,
        program,
        DEFAULT_SEED,
        |ds| out.unwrap_or_else(|| cx.out.join("applied").join(safe_name(&ds.spec.name))),
        &mut |i, t| cx.progress(&format!("step {}/{n}: {t}", i + 1)),
    )?;
    let mut text: String = a.logs.iter().map(|l| format!("{l}\n")).collect();
    text.push_str(&format!(
        "wrote {} and {} ({} train rows, {} test rows, {} columns)\n",
        a.train.display(),
        a.test.display(),
        a.data.train.height(),
        a.data.test.height(),
        a.data.train.width()
    ));
    Ok(text)
}
