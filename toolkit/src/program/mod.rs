//! Programs: a JSON list of `{ "tool": ..., "args": ... }` steps, validated before any step runs, then
//! fitted on train and applied to train and test in order, with a log of what each step changed.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::registry;
use crate::spec::CompetitionSpec;
use crate::tool::{Category, FitCx, Fitted, Programs, Split};

mod fitted;
pub use crate::step::Step;
pub use fitted::{FittedProgram, FittedStep};

/// A phase's program.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Program {
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// What one step did.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StepLog {
    /// 1-based step index.
    pub step: usize,
    /// Tool name.
    pub tool: String,
    /// Columns the step added.
    pub added: Vec<String>,
    /// Columns the step removed.
    pub removed: Vec<String>,
    /// Existing columns the step rewrote (train): new values or a new type.
    pub changed: Vec<String>,
    /// Train rows removed (only row-removing tools).
    pub train_rows_removed: usize,
    /// Wall time in milliseconds.
    pub millis: u64,
    /// What the step says beyond its columns (a search's candidates and gains).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl std::fmt::Display for StepLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[String]| {
            if v.len() <= 6 {
                v.join(", ")
            } else {
                format!("{}, … ({} in all)", v[..5].join(", "), v.len())
            }
        };
        write!(f, "step {} {}: ", self.step, self.tool)?;
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("+{} [{}]", self.added.len(), list(&self.added)));
        }
        if !self.removed.is_empty() {
            parts.push(format!("-{} [{}]", self.removed.len(), list(&self.removed)));
        }
        if !self.changed.is_empty() {
            parts.push(format!("~{} [{}]", self.changed.len(), list(&self.changed)));
        }
        if self.train_rows_removed > 0 {
            parts.push(format!("{} train rows removed", self.train_rows_removed));
        }
        if parts.is_empty() {
            parts.push("no change".into());
        }
        write!(f, "{} ({} ms)", parts.join("; "), self.millis)?;
        for n in &self.notes {
            write!(f, "\n  {n}")?;
        }
        Ok(())
    }
}

/// An error of step `i` (0-based) as the user counts steps.
fn step_err(i: usize, tool: &str, e: ToolkitError) -> ToolkitError {
    ToolkitError::Step {
        step: i + 1,
        tool: tool.to_string(),
        inner: Box::new(e),
    }
}

impl Program {
    /// Parses a program from JSON: a list of steps, or an object with a `steps` list.
    pub fn from_json(text: &str) -> Result<Self> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| ToolkitError::data(format!("the program is not valid JSON: {e}")))?;
        let steps = match v {
            Value::Object(mut o) if o.contains_key("steps") => {
                o.remove("steps").unwrap_or_default()
            }
            other => other,
        };
        let Value::Array(items) = steps else {
            return Err(ToolkitError::data(
                "a program is a JSON list of {\"tool\": ..., \"args\": {...}} steps",
            ));
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let s: Step = serde_json::from_value(item).map_err(|e| {
                ToolkitError::data(format!(
                    "step {}: not a {{\"tool\": ..., \"args\": {{...}}}} object: {e}",
                    i + 1
                ))
            })?;
            out.push(s);
        }
        Ok(Self { steps: out })
    }

    /// Checks every step's tool name and arguments against the registry, without data. `allowed`
    /// restricts the tools to some categories (a phase's tools).
    pub fn check(&self, allowed: Option<&[Category]>) -> Result<()> {
        for (i, s) in self.steps.iter().enumerate() {
            let Some(tool) = registry::find(&s.tool) else {
                let hint = registry::closest(&s.tool)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(step_err(
                    i,
                    &s.tool,
                    ToolkitError::params(
                        &s.tool,
                        format!("no such tool{hint} (`autokaggle tools` lists them)"),
                    ),
                ));
            };
            if let Some(allowed) = allowed {
                let cat = tool.spec().category;
                if !allowed.contains(&cat) {
                    return Err(step_err(
                        i,
                        &s.tool,
                        ToolkitError::params(
                            &s.tool,
                            format!("is a {cat:?} tool, not allowed in this phase"),
                        ),
                    ));
                }
            }
            tool.check_args(&s.args)
                .map_err(|e| step_err(i, &s.tool, e))?;
        }
        Ok(())
    }

    /// Checks the program and runs it on a small sample of the data, so a wrong column or argument is
    /// reported with its step before the full run starts.
    pub fn validate(&self, ds: &Dataset, allowed: Option<&[Category]>, seed: u64) -> Result<()> {
        self.check(allowed)?;
        let sample = Dataset {
            train: frame::head(&ds.train, 500),
            test: frame::head(&ds.test, 500),
            sample: frame::head(&ds.sample, 0),
            spec: ds.spec.clone(),
            notes: vec![],
            validation: ds.validation.clone(),
            extra: ds.extra.clone(),
        };
        self.run(&sample, seed, &mut |_, _| {}).map(|_| ())
    }

    /// Fits each step on the current train and applies it to train and test, in order.
    /// `progress` hears (step index, tool name) before each step.
    pub fn run(
        &self,
        ds: &Dataset,
        seed: u64,
        progress: &mut dyn FnMut(usize, &str),
    ) -> Result<(Dataset, Vec<StepLog>)> {
        self.run_fitted(ds, seed, progress).map(|(d, l, _)| (d, l))
    }

    /// Fits the program on `ds`'s train and keeps what each step learned, to apply to new rows.
    pub fn fit(&self, ds: &Dataset, seed: u64) -> Result<FittedProgram> {
        self.run_fitted(ds, seed, &mut |_, _| {}).map(|(_, _, f)| f)
    }

    /// [`Self::run`], also returning the fitted program.
    pub fn run_fitted(
        &self,
        ds: &Dataset,
        seed: u64,
        progress: &mut dyn FnMut(usize, &str),
    ) -> Result<(Dataset, Vec<StepLog>, FittedProgram)> {
        // Frames clone by reference: the input's columns stay alive in `ds`.
        self.run_owned(ds.clone(), seed, progress)
    }

    /// [`Self::run_fitted`] on data the caller gives up: a column a step replaces is freed as it
    /// goes, so the peak is about one copy of the data, not input and output side by side. For
    /// callers that keep only the output; a phase keeps its input for the developer's next try.
    pub fn run_owned(
        &self,
        ds: Dataset,
        seed: u64,
        progress: &mut dyn FnMut(usize, &str),
    ) -> Result<(Dataset, Vec<StepLog>, FittedProgram)> {
        let Dataset {
            mut train,
            mut test,
            sample,
            spec,
            notes,
            validation,
            extra,
        } = ds;
        let mut kept = FittedProgram::default();
        let mut logs = Vec::new();
        let guarded: Vec<String> = spec
            .targets
            .iter()
            .chain(std::iter::once(&spec.id))
            .cloned()
            .collect();
        for (i, s) in self.steps.iter().enumerate() {
            progress(i, &s.tool);
            let start = Instant::now();
            let tool = registry::find(&s.tool).ok_or_else(|| {
                step_err(i, &s.tool, ToolkitError::params(&s.tool, "no such tool"))
            })?;
            let cx = FitCx {
                train: &train,
                id: &spec.id,
                targets: &spec.targets,
                task: spec.task,
                seed,
                programs: &Runner,
                validation: validation.as_ref(),
            };
            let fitted = tool
                .fit_json(&s.args, &cx)
                .map_err(|e| step_err(i, &s.tool, e))?;
            // The frames are moved into the step, so a column it replaces is freed as it goes
            // rather than held until the step ends: what is kept of them is their shape.
            let (train_before, test_before) =
                (Before::of(&train, &guarded)?, Before::of(&test, &guarded)?);
            let new_train = fitted
                .apply(train, Split::Train)
                .map_err(|e| step_err(i, &s.tool, e))?;
            let new_test = fitted
                .apply(test, Split::Test)
                .map_err(|e| step_err(i, &s.tool, e))?;
            check_invariants(
                &spec,
                &train_before,
                &new_train,
                &test_before,
                &new_test,
                &s.tool,
            )
            .map_err(|e| step_err(i, &s.tool, e))?;
            let mut log = diff(i + 1, &s.tool, &train_before, &new_train, start);
            log.notes = fitted.notes();
            logs.push(log);
            kept.push(&s.tool, &s.args, fitted);
            train = new_train;
            test = new_test;
        }
        let out = Dataset {
            train,
            test,
            sample,
            spec,
            notes,
            validation,
            extra,
        };
        Ok((out, logs, kept))
    }
}

/// The program runner handed to tools through [`FitCx::programs`].
pub struct Runner;

impl Programs for Runner {
    fn run(&self, steps: &[Step], ds: &Dataset, seed: u64) -> Result<Dataset> {
        let program = Program {
            steps: steps.to_vec(),
        };
        program.run(ds, seed, &mut |_, _| {}).map(|(out, _)| out)
    }
    fn fit(&self, steps: &[Step], ds: &Dataset, seed: u64) -> Result<(Box<dyn Fitted>, Vec<u8>)> {
        let program = Program {
            steps: steps.to_vec(),
        };
        let fitted = program.fit(ds, seed)?;
        let bytes = fitted.to_bytes()?;
        Ok((Box::new(fitted), bytes))
    }
    fn load(&self, bytes: &[u8]) -> Result<Box<dyn Fitted>> {
        let path = std::path::Path::new("a saved sub-program");
        Ok(Box::new(FittedProgram::from_bytes(bytes, path)?))
    }
}

/// What the checks after a step need of the frame before it: its columns (each with the buffer it
/// held, so a column the step left alone is known without its values) and the id and targets
/// themselves, which must come out unchanged.
struct Before {
    height: usize,
    columns: Vec<(String, usize)>,
    guarded: DataFrame,
}

impl Before {
    fn of(df: &DataFrame, guarded: &[String]) -> Result<Self> {
        let kept: Vec<String> = guarded
            .iter()
            .filter(|c| frame::has(df, c))
            .cloned()
            .collect();
        Ok(Self {
            height: df.height(),
            columns: frame::buffers(df),
            guarded: frame::select(df, &kept)?,
        })
    }
    fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|(c, _)| c == name)
    }
}

/// A tool never drops or changes the id or a target, never changes test's rows, and removes train rows
/// only when it is a row-removing tool.
fn check_invariants(
    spec: &CompetitionSpec,
    train: &Before,
    new_train: &DataFrame,
    test: &Before,
    new_test: &DataFrame,
    tool: &str,
) -> Result<()> {
    let broke = |m: String| {
        Err(ToolkitError::data(format!(
            "internal invariant broken by `{tool}`: {m}"
        )))
    };
    if new_test.height() != test.height {
        return broke(format!(
            "test rows changed from {} to {}",
            test.height,
            new_test.height()
        ));
    }
    let removes = registry::removes_rows(tool);
    if new_train.height() != train.height && !removes {
        return broke(format!(
            "train rows changed from {} to {}",
            train.height,
            new_train.height()
        ));
    }
    if new_train.height() == 0 {
        return Err(ToolkitError::data("the step removed every train row"));
    }
    let id = &spec.id;
    if test.has(id) && !frame::same_column(&test.guarded, new_test, id) {
        return broke("test's id column changed".into());
    }
    for c in spec.targets.iter().chain(std::iter::once(id)) {
        if train.has(c)
            && (!frame::has(new_train, c)
                || (!removes && !frame::same_column(&train.guarded, new_train, c)))
        {
            return broke(format!("train's `{c}` changed or disappeared"));
        }
    }
    Ok(())
}

/// The step's log: columns added and removed, and those it rewrote (a new buffer under an old
/// name, which on the same rows means the step wrote the column).
fn diff(step: usize, tool: &str, before: &Before, after: &DataFrame, start: Instant) -> StepLog {
    let a = frame::buffers(after);
    let added: Vec<String> = a
        .iter()
        .filter(|c| !before.has(&c.0))
        .map(|c| c.0.clone())
        .collect();
    let removed: Vec<String> = before
        .columns
        .iter()
        .filter(|(c, _)| !frame::has(after, c))
        .map(|c| c.0.clone())
        .collect();
    let changed = if before.height == after.height() {
        before
            .columns
            .iter()
            .filter(|b| a.iter().any(|x| x.0 == b.0 && x.1 != b.1))
            .map(|c| c.0.clone())
            .collect()
    } else {
        vec![]
    };
    StepLog {
        step,
        tool: tool.to_string(),
        added,
        removed,
        changed,
        train_rows_removed: before.height - after.height().min(before.height),
        millis: start.elapsed().as_millis() as u64,
        notes: vec![],
    }
}
