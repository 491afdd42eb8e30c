//! `apply`: a program of toolkit calls run on a competition, train and test written as CSV.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use autokaggle_toolkit::{Dataset, Program, Step, frame};
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::config::{DEFAULT_SEED, locate};
use crate::mcp::Cx;

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

/// Validates and runs `program` on a competition; writes train/test under `out`.
pub fn apply(
    competition: &Path,
    program: &Program,
    out: Option<PathBuf>,
    cx: &Cx,
) -> Result<String> {
    let dir = locate(competition)?;
    let ds = Dataset::open(&dir)?;
    program.validate(&ds, None, DEFAULT_SEED)?;
    let n = program.steps.len();
    let (res, logs) = program.run(&ds, DEFAULT_SEED, &mut |i, t| {
        cx.progress(&format!("step {}/{n}: {t}", i + 1));
    })?;
    let name = crate::store::safe_name(&ds.spec.name);
    let out = out.unwrap_or_else(|| cx.out.join("applied").join(name));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    frame::write_csv(&res.train, &out.join("train.csv"))?;
    frame::write_csv(&res.test, &out.join("test.csv"))?;
    let mut text: String = logs.iter().map(|l| format!("{l}\n")).collect();
    text.push_str(&format!(
        "wrote {} and {} ({} train rows, {} test rows, {} columns)\n",
        out.join("train.csv").display(),
        out.join("test.csv").display(),
        res.train.height(),
        res.test.height(),
        res.train.width()
    ));
    Ok(text)
}
