//! # autokaggle-toolkit
//!
//! The data tools behind AutoKaggle-rs, usable on their own. Load a competition into a [`Dataset`],
//! profile it, and transform it with a [`Program`] of registered tools. Every tool learns on train
//! and applies the same learned state to train and test, so encodings, scalers and imputers agree;
//! no tool touches the id or the target, and only row-removing tools change train's row count.
//!
//! ```no_run
//! use autokaggle_toolkit::{Dataset, Program, Profile};
//! let ds = Dataset::open(std::path::Path::new("competitions/titanic"))?;
//! println!("{}", Profile::of(&ds)?);
//! let program = Program::from_json(r#"[
//!     {"tool": "fill_missing", "args": {"strategy": "auto"}},
//!     {"tool": "one_hot", "args": {"columns": ["Sex", "Embarked"]}}
//! ]"#)?;
//! let (clean, log) = program.run(&ds, 42, &mut |_, _| {})?;
//! // Or keep what it learned, to apply to new rows later:
//! program.fit(&ds, 42)?.save(std::path::Path::new("cleaning.bin"))?;
//! let fitted = autokaggle_toolkit::FittedProgram::load(std::path::Path::new("cleaning.bin"))?;
//! let new_rows = fitted.apply(ds.test.clone())?;
//! # Ok::<(), autokaggle_toolkit::ToolkitError>(())
//! ```
#![deny(missing_docs)]

pub mod atomic;
pub mod clean;
pub mod dataset;
pub mod eda;
pub mod error;
pub mod expr;
pub mod extra_train;
pub mod features;
pub mod folds;
pub mod frame;
pub mod memory;
pub mod metrics;
pub mod models;
pub mod profile;
pub mod program;
pub mod registry;
pub mod rows;
pub mod saved;
pub mod schema;
pub mod spec;
pub mod step;
#[doc(hidden)]
pub mod testing;
pub mod tool;

pub use dataset::Dataset;
pub use error::{Result, ToolkitError};
pub use metrics::MetricId;
pub use profile::Profile;
pub use program::{FittedProgram, Program, Step, StepLog};
pub use spec::{CompetitionSpec, Task};
