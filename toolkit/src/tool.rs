//! What a tool is: typed parameters with a JSON schema, a `fit` on train that returns the learned state,
//! and that state's `apply` to train and test alike. `DynTool` is the same thing over JSON, for the
//! registry and the program runner.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dataset::Dataset;
use crate::error::{Result, ToolkitError};
use crate::folds::FoldKey;
use crate::frame::{self, DataFrame, Kind};
use crate::spec::Task;
use crate::step::Step;

mod states;
pub use states::{DropColumns, MapNumeric, MapText, NumOp, TextMap};

/// The phase a tool belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Data cleaning: missing values, outliers, types, duplicates.
    Cleaning,
    /// Feature engineering: encodings, transforms, combinations, selection.
    Features,
}

/// Which frame a fitted tool is applied to: row-removing tools act on train only, and target
/// encoding uses its out-of-fold values on train.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// The training frame the tool was fitted on.
    Train,
    /// Any other frame (test, or a holdout).
    Test,
}

/// What `fit` may look at: train, and which columns are protected.
pub struct FitCx<'a> {
    /// The training frame.
    pub train: &'a DataFrame,
    /// The id column (never changed).
    pub id: &'a str,
    /// The target columns (never changed; only target encoding and selection read them).
    pub targets: &'a [String],
    /// The task.
    pub task: Task,
    /// Seed for anything random (folds).
    pub seed: u64,
    /// The program runner, for tools that compose other tools.
    pub programs: &'a dyn Programs,
    /// The time or grouping the run's folds follow ([`Dataset::validation`]): a tool that fits out
    /// of fold deals its folds the same way, or its train values leak what test cannot have.
    pub validation: Option<&'a Arc<FoldKey>>,
}

/// The program runner as a tool that composes other tools (`feature_search`) sees it: passed in, so
/// tools never import the registry that lists them.
pub trait Programs: Send + Sync {
    /// Fits `steps` on `ds`'s train and applies them to train and test.
    fn run(&self, steps: &[Step], ds: &Dataset, seed: u64) -> Result<Dataset>;
    /// Fits `steps` on `ds`'s train: the fitted steps, and their saved bytes.
    fn fit(&self, steps: &[Step], ds: &Dataset, seed: u64) -> Result<(Box<dyn Fitted>, Vec<u8>)>;
    /// Reads fitted steps back from the bytes `fit` gave.
    fn load(&self, bytes: &[u8]) -> Result<Box<dyn Fitted>>;
}

/// A context that runs no sub-programs: for fitting a single tool on its own (tests, examples).
pub struct NoPrograms;

impl Programs for NoPrograms {
    fn run(&self, _: &[Step], _: &Dataset, _: u64) -> Result<Dataset> {
        Err(ToolkitError::data("this context runs no sub-programs"))
    }
    fn fit(&self, _: &[Step], _: &Dataset, _: u64) -> Result<(Box<dyn Fitted>, Vec<u8>)> {
        Err(ToolkitError::data("this context runs no sub-programs"))
    }
    fn load(&self, _: &[u8]) -> Result<Box<dyn Fitted>> {
        Err(ToolkitError::data("this context runs no sub-programs"))
    }
}

impl FitCx<'_> {
    /// Whether the column is the id or a target.
    pub fn is_protected(&self, col: &str) -> bool {
        col == self.id || self.targets.iter().any(|t| t == col)
    }

    /// The feature columns of train.
    pub fn features(&self) -> Vec<String> {
        frame::names(self.train)
            .into_iter()
            .filter(|c| !self.is_protected(c))
            .collect()
    }

    /// The columns a step works on: the named ones (each must exist, be a feature, and be of a wanted
    /// kind) or, when none are named, every feature column of a wanted kind.
    pub fn resolve(
        &self,
        tool: &str,
        cols: Option<&Vec<String>>,
        want: &[Kind],
    ) -> Result<Vec<String>> {
        match cols {
            None => Ok(self
                .features()
                .into_iter()
                .filter(|c| frame::kind(self.train, c).is_ok_and(|k| want.contains(&k)))
                .collect()),
            Some(cols) => {
                for c in cols {
                    self.require(tool, c)?;
                    let k = frame::kind(self.train, c)?;
                    if !want.contains(&k) {
                        return Err(ToolkitError::params(
                            tool,
                            format!(
                                "column `{c}` is {k:?}; this tool needs {want:?} columns (convert it first with convert_dtype)"
                            ),
                        ));
                    }
                }
                Ok(cols.clone())
            }
        }
    }

    /// Fails unless `col` is a feature column of train.
    pub fn require(&self, tool: &str, col: &str) -> Result<()> {
        if self.is_protected(col) {
            return Err(ToolkitError::params(
                tool,
                format!("column `{col}` is the id or a target; tools never change those"),
            ));
        }
        if !frame::has(self.train, col) {
            let names = self.features();
            let close: Vec<&String> = names
                .iter()
                .filter(|n| {
                    n.to_lowercase().contains(&col.to_lowercase())
                        || col.to_lowercase().contains(&n.to_lowercase())
                })
                .take(3)
                .collect();
            let hint = if close.is_empty() {
                format!("columns are: {}", preview(&names))
            } else {
                format!("did you mean {close:?}?")
            };
            return Err(ToolkitError::params(
                tool,
                format!("column `{col}` is not in the frame; {hint}"),
            ));
        }
        Ok(())
    }

    /// The first target as numbers (classes as their sorted index), for encoders and selectors.
    pub fn target(&self) -> Result<Vec<f64>> {
        let t = self
            .targets
            .first()
            .ok_or_else(|| ToolkitError::data("no target column to learn from"))?;
        let v = crate::profile::encode_numeric(self.train, t)?;
        Ok(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}

fn preview(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(12)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 12 {
        s.push_str(&format!(", … ({} in all)", names.len()));
    }
    s
}

/// The state a tool learned on train; applies the same transformation to any frame. It is plain
/// data (serde), so a fitted program can be saved with a run and applied to new rows later.
pub trait Fitted: Send + Sync {
    /// Transforms a frame. Must not change the id or targets, nor test's rows.
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame>;
    /// What the step's log should say beyond the columns it changed (a search's candidates).
    fn notes(&self) -> Vec<String> {
        vec![]
    }
}

/// A fitted state behind the registry: it applies, and it saves itself (MessagePack, fields by
/// name) so [`DynTool::load_state`] can read it back into the tool's own type.
pub trait DynFitted: Send + Sync {
    /// See [`Fitted::apply`].
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame>;
    /// The state as bytes.
    fn save(&self) -> Result<Vec<u8>>;
    /// See [`Fitted::notes`].
    fn notes(&self) -> Vec<String>;
}

impl<S: Fitted + Serialize> DynFitted for S {
    fn apply(&self, df: DataFrame, split: Split) -> Result<DataFrame> {
        Fitted::apply(self, df, split)
    }
    fn save(&self) -> Result<Vec<u8>> {
        rmp_serde::to_vec_named(self)
            .map_err(|e| ToolkitError::data(format!("cannot save a fitted state: {e}")))
    }
    fn notes(&self) -> Vec<String> {
        Fitted::notes(self)
    }
}

/// A typed tool.
pub trait Tool: Send + Sync {
    /// Registry name (snake_case, also the file name).
    const NAME: &'static str;
    /// Which phase may use it.
    const CATEGORY: Category;
    /// One paragraph: what it does and when to use it.
    const DOC: &'static str;
    /// Arguments that run on the registry's example frame (columns `id`, `n1`, `n2`, `n3` numeric
    /// with gaps, `cat` text of 4 levels with gaps, `cab` like `A/1/P`, `day` ISO dates, `y` the
    /// binary target), as JSON. The registry-wide tests run every tool with them, so a new tool is
    /// tested by being registered.
    const EXAMPLE: &'static str;
    /// Whether it removes train rows (train-only steps such as deduplication). Every other tool
    /// must keep row counts, which the program runner and the gates check.
    const REMOVES_ROWS: bool = false;
    /// Parameters; field docs become the schema's descriptions.
    type Params: DeserializeOwned + schemars::JsonSchema;
    /// What it learns: plain data, saved with a run.
    type State: Fitted + Serialize + DeserializeOwned + 'static;
    /// Learns from train.
    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State>;
    /// Completes a state just read back, for states that hold fitted steps of other tools.
    fn loaded(state: Self::State, _programs: &dyn Programs) -> Result<Self::State> {
        Ok(state)
    }
}

/// A tool's public description: what `autokaggle tools --json` prints and what agents see.
#[derive(Clone, Debug, Serialize)]
pub struct ToolSpec {
    /// Registry name.
    pub name: &'static str,
    /// Phase.
    pub category: Category,
    /// One paragraph.
    pub description: &'static str,
    /// JSON schema of the arguments.
    pub schema: Value,
}

/// A tool over JSON arguments, for the registry.
pub trait DynTool: Send + Sync {
    /// Name, category, doc and schema.
    fn spec(&self) -> ToolSpec;
    /// Registry name.
    fn name(&self) -> &'static str;
    /// Whether it removes train rows.
    fn removes_rows(&self) -> bool;
    /// Example arguments (see [`Tool::EXAMPLE`]).
    fn example(&self) -> Value;
    /// Parses arguments against the schema, without looking at data.
    fn check_args(&self, args: &Value) -> Result<()>;
    /// Parses arguments and fits on train.
    fn fit_json(&self, args: &Value, cx: &FitCx) -> Result<Box<dyn DynFitted>>;
    /// Reads back a state that [`DynFitted::save`] wrote for this tool.
    fn load_state(&self, bytes: &[u8], programs: &dyn Programs) -> Result<Box<dyn DynFitted>>;
}

fn parse<T: Tool>(args: &Value) -> Result<T::Params> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args.clone()
    };
    serde_json::from_value(args)
        .map_err(|e| ToolkitError::params(T::NAME, format!("invalid arguments: {e}")))
}

impl<T: Tool> DynTool for T {
    fn spec(&self) -> ToolSpec {
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T::Params>();
        ToolSpec {
            name: T::NAME,
            category: T::CATEGORY,
            description: T::DOC,
            schema: serde_json::to_value(schema).expect("schemas serialize"),
        }
    }
    fn name(&self) -> &'static str {
        T::NAME
    }
    fn removes_rows(&self) -> bool {
        T::REMOVES_ROWS
    }
    fn example(&self) -> Value {
        serde_json::from_str(T::EXAMPLE).expect("a tool's EXAMPLE is JSON")
    }
    fn check_args(&self, args: &Value) -> Result<()> {
        parse::<T>(args).map(|_| ())
    }
    fn fit_json(&self, args: &Value, cx: &FitCx) -> Result<Box<dyn DynFitted>> {
        let p = parse::<T>(args)?;
        Ok(Box::new(self.fit(&p, cx)?))
    }
    fn load_state(&self, bytes: &[u8], programs: &dyn Programs) -> Result<Box<dyn DynFitted>> {
        let s: T::State = rmp_serde::from_slice(bytes).map_err(|e| {
            ToolkitError::data(format!(
                "the saved state of `{}` cannot be read ({e}); it was written by another version: rerun the competition",
                T::NAME
            ))
        })?;
        Ok(Box::new(T::loaded(s, programs)?))
    }
}

/// Numeric finite values of a column, sorted (for quantiles).
pub fn sorted_finite(v: &[Option<f64>]) -> Vec<f64> {
    let mut xs: Vec<f64> = v
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    // A total order: equal keys are the same float, so an unstable sort gives the same result.
    xs.sort_unstable_by(f64::total_cmp);
    xs
}

/// The finite values of a column, in row order (for statistics that need no sort).
pub fn finite(v: &[Option<f64>]) -> Vec<f64> {
    v.iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect()
}

/// The median of unsorted values, equal to `quantile(&sorted, 0.5)`, found by selection in linear
/// time instead of a sort.
pub fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let pos = 0.5 * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let (_, &mut at_lo, above) = xs.select_nth_unstable_by(lo, f64::total_cmp);
    let at_hi = if pos.ceil() as usize == lo {
        at_lo
    } else {
        above.iter().copied().fold(f64::INFINITY, f64::min)
    };
    Some(at_lo + (at_hi - at_lo) * (pos - lo as f64))
}

/// Linear-interpolated quantile of sorted values (q in [0,1]); None if empty.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// The numeric kinds most tools accept.
pub const NUMERIC: &[Kind] = &[Kind::Numeric, Kind::Bool];
/// The text kinds encoders accept.
pub const TEXT: &[Kind] = &[Kind::Text];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_by_selection_equals_the_sorted_quantile() {
        let mut seed = 7u64;
        for n in [1usize, 2, 3, 4, 5, 10, 11, 100, 101] {
            let xs: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as f64 / 7.0 - 300.0
                })
                .collect();
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            assert_eq!(median(xs), quantile(&sorted, 0.5), "n = {n}");
        }
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
