//! A program of toolkit calls on a competition, as `autokaggle apply` and the MCP server's `apply`
//! run it: located, validated on a sample, run, and train and test written as CSV.

use std::path::{Path, PathBuf};

use crate::error::{Result, io_at};
use autokaggle_toolkit::{Dataset, Program, StepLog, frame};

use crate::config::locate;

/// What a program did and where its result went.
pub struct Applied {
    /// What each step did.
    pub logs: Vec<StepLog>,
    /// The transformed competition.
    pub data: Dataset,
    /// The written train.csv.
    pub train: PathBuf,
    /// The written test.csv.
    pub test: PathBuf,
}

/// Runs `program` on the competition in (or named by) `competition`; `out` picks the output
/// folder once the competition is read; `progress` hears each step before it runs.
pub fn apply(
    competition: &Path,
    program: &Program,
    seed: u64,
    out: impl FnOnce(&Dataset) -> PathBuf,
    progress: &mut dyn FnMut(usize, &str),
) -> Result<Applied> {
    let ds = Dataset::open(&locate(competition)?)?;
    program.validate(&ds, None, seed)?;
    let out = out(&ds);
    // Only the output is kept: the program frees each input column it replaces.
    let (data, logs, _) = program.run_owned(ds, seed, progress)?;
    std::fs::create_dir_all(&out).map_err(io_at(&out, "cannot create the folder"))?;
    let (train, test) = (out.join("train.csv"), out.join("test.csv"));
    frame::write_csv(&data.train, &train)?;
    frame::write_csv(&data.test, &test)?;
    Ok(Applied {
        logs,
        data,
        train,
        test,
    })
}
