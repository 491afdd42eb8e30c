//! `autokaggle bench`: for each competition with data, hold out a fraction of train as labelled test
//! (seeded and stratified, or as the folder's `bench.toml` says), run the pipeline on the rest, and
//! score the holdout with the competition's metric. Each run is its own process so its peak memory
//! is its own. `bench --suite` does this over many competitions and seeds ([`suite`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use autokaggle_toolkit::spec;
use autokaggle_toolkit::{Dataset, frame};
use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::error::io_at;
use crate::orchestrator::{self, Roles};

mod error;
mod holdout;
mod report;
pub mod rule;
mod score;
pub mod suite;

pub use error::{BenchError, Result};

pub use holdout::Holdout;
pub use report::table as report_table;
pub use score::{Scored, score_split, score_submission};

/// One bench run's line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRow {
    /// Competition.
    pub competition: String,
    /// Metric.
    pub metric: String,
    /// The blend's out-of-fold CV score, the one it was chosen on.
    pub cv: f64,
    /// The out-of-fold score of choosing the blend inside the folds.
    #[serde(default)]
    pub cv_nested: Option<f64>,
    /// The holdout score.
    pub holdout: f64,
    /// The holdout score's scale: constant prediction, perfect prediction, normalized score.
    #[serde(default)]
    pub scored: Option<Scored>,
    /// Rows the run trained on.
    #[serde(default)]
    pub train_rows: usize,
    /// Wall seconds of the run.
    pub seconds: f64,
    /// Peak resident memory in MB.
    pub peak_mb: f64,
}

/// Runs one competition with a holdout, in this process.
pub fn bench_one(dir: &Path, holdout: f64, seed: u64, out: &Path, budget: f64) -> Result<BenchRow> {
    let mut r = spec::resolve(dir)?;
    let full = Dataset::load(&r)?;
    r.read = None;
    let s = &full.spec;
    let n = full.train.height();
    let held = Holdout::of(dir)?.rows(&full.train, s, holdout, seed)?;
    let (hold, keep): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| held[i]);
    let train = frame::take_rows(&full.train, &keep)?;
    let truth = frame::take_rows(&full.train, &hold)?;
    let test = frame::drop_cols(&truth, &s.targets);
    let mut sample = frame::select(&test, std::slice::from_ref(&s.id))?;
    for t in frame::names(&full.sample)
        .into_iter()
        .filter(|c| c != &s.id)
    {
        let first = frame::strs(&full.sample, &t)?.into_iter().next().flatten();
        frame::put_str(&mut sample, &t, vec![first; test.height()])?;
    }
    write_split(
        &out.join("splits").join(&s.name),
        &train,
        &test,
        &truth,
        &sample,
    )?;
    let p = PathBuf::from("(holdout)");
    let ds = Dataset::from_frames(train, test, sample, s.clone(), [&p, &p, &p])?;
    let overview = std::fs::read_to_string(r.path(&s.files.overview)).unwrap_or_default();
    let cfg = RunConfig {
        time_budget: budget,
        ..RunConfig::new(dir.to_path_buf(), out.to_path_buf(), seed)
    };
    let summary = orchestrator::run_dataset(&cfg, &r, ds, &overview, &Roles::default())?;
    let sub = frame::read_csv(&summary.submission)?;
    let scored = score_submission(s, &full.train, &truth, &sub)?;
    Ok(BenchRow {
        competition: s.name.clone(),
        metric: s.metric.to_string(),
        cv: summary.blend_score,
        cv_nested: summary.cv_nested,
        holdout: scored.score,
        scored: Some(scored),
        train_rows: keep.len(),
        seconds: summary.seconds,
        peak_mb: autokaggle_toolkit::memory::peak_mb(),
    })
}

/// Writes the split a bench run uses, so a reference model (bench/references.py) fits and is scored
/// on exactly the same rows: train.csv without the holdout, test.csv (the holdout without its
/// targets), holdout.csv (with them) and sample_submission.csv.
fn write_split(
    dir: &Path,
    train: &frame::DataFrame,
    test: &frame::DataFrame,
    truth: &frame::DataFrame,
    sample: &frame::DataFrame,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io_at(dir, "cannot create the folder"))?;
    for (name, df) in [
        ("train.csv", train),
        ("test.csv", test),
        ("holdout.csv", truth),
        ("sample_submission.csv", sample),
    ] {
        frame::write_csv(df, &dir.join(name))?;
    }
    Ok(())
}

/// The competition folders under `root` that have a train.csv, sorted by path, with their specs.
pub fn competitions_with_data(root: &Path) -> Result<Vec<(PathBuf, spec::Resolved)>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(io_at(root, "cannot list"))?
        .flatten()
        .map(|e| e.path())
        .filter(|d| d.extension().is_none_or(|e| e != "partial"))
        .collect();
    dirs.sort();
    Ok(dirs
        .into_iter()
        .filter_map(|d| match spec::resolve(&d) {
            Ok(r) if r.path(&r.spec.files.train).exists() => Some((d, r)),
            Ok(r) => {
                eprintln!("{}: no train.csv, skipped", r.spec.name);
                None
            }
            Err(_) => None,
        })
        .collect())
}

/// One bench run of `dir` in a child process (`bench-one`), so its peak memory is its own.
pub fn run_child(dir: &Path, holdout: f64, seed: u64, out: &Path, budget: f64) -> Result<BenchRow> {
    let exe = std::env::current_exe().map_err(io_at(Path::new("."), "cannot find this program"))?;
    let output = Command::new(&exe)
        .args(["bench-one", "--competition"])
        .arg(dir)
        .args([
            "--holdout",
            &holdout.to_string(),
            "--seed",
            &seed.to_string(),
            "--time-budget",
            &budget.to_string(),
            "--out",
        ])
        .arg(out)
        .output()
        .map_err(io_at(&exe, "cannot start"))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(BenchError::Child {
            dir: dir.to_path_buf(),
            message: last.trim().to_string(),
        });
    }
    serde_json::from_slice(&output.stdout).map_err(|e| BenchError::Child {
        dir: dir.to_path_buf(),
        message: format!("unreadable bench output: {e}"),
    })
}

/// Runs every competition under `root` that has data, each in a child process; returns the rows.
pub fn bench_all(
    root: &Path,
    holdout: f64,
    seed: u64,
    out: &Path,
    budget: f64,
) -> Result<Vec<BenchRow>> {
    let mut rows = Vec::new();
    for (d, _) in competitions_with_data(root)? {
        eprintln!("{} ...", d.display());
        let row = run_child(&d, holdout, seed, out, budget)?;
        eprintln!(
            "  {:?} cv {:.4} holdout {:.4} in {:.1}s",
            row.metric, row.cv, row.holdout, row.seconds
        );
        rows.push(row);
    }
    Ok(rows)
}

/// The bench table in markdown.
pub fn table(rows: &[BenchRow], holdout: f64) -> String {
    let mut t = format!(
        "| competition | metric | CV (out-of-fold) | holdout ({:.0}%) | seconds | peak MB |\n|---|---|---|---|---|---|\n",
        holdout * 100.0
    );
    for r in rows {
        t.push_str(&format!(
            "| {} | {} | {:.4} | {:.4} | {:.1} | {:.0} |\n",
            r.competition, r.metric, r.cv, r.holdout, r.seconds, r.peak_mb
        ));
    }
    t
}
