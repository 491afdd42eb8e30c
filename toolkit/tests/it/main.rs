//! Toolkit tests: exact values per tool, train/test consistency, registry-wide invariants, programs,
//! properties over random frames, and the competition specs against the shipped files.

mod bad_input;
mod competitions;
mod eda;
mod feature_search;
mod frame;
mod fuzz;
mod programs;
mod properties;
mod tools;

pub use autokaggle_toolkit::testing::{C, dataset, df, f, run1, run1_err, s};
