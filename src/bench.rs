//! `autokaggle bench`: for each competition with data, hold out a seeded stratified fraction of train as
//! labelled test, run the pipeline on the rest, and score the holdout with the competition's metric.
//! Each competition runs in its own process so its peak memory is its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use autokaggle_toolkit::models::metrics;
use autokaggle_toolkit::models::problem::sort_labels;
use autokaggle_toolkit::spec::{self, Submission};
use autokaggle_toolkit::{Dataset, folds, frame};
use serde::{Deserialize, Serialize};

use crate::pipeline::{self, RunConfig};

/// One competition's bench line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRow {
    /// Competition.
    pub competition: String,
    /// Metric.
    pub metric: String,
    /// The blend's out-of-fold CV score.
    pub cv: f64,
    /// The holdout score.
    pub holdout: f64,
    /// Wall seconds of the run.
    pub seconds: f64,
    /// Peak resident memory in MB.
    pub peak_mb: f64,
}

/// Runs one competition with a holdout, in this process.
pub fn bench_one(dir: &Path, holdout: f64, seed: u64, out: &Path, budget: f64) -> Result<BenchRow> {
    let r = spec::resolve(dir)?;
    let full = Dataset::load(&r)?;
    let s = &full.spec;
    let n = full.train.height();
    let strata: Vec<i64> = match s.task {
        autokaggle_toolkit::Task::Regression => vec![0; n],
        _ => {
            let v = frame::strs(&full.train, &s.targets[0])?;
            let mut labels: Vec<String> = v.iter().flatten().cloned().collect();
            sort_labels(&mut labels);
            labels.dedup();
            v.iter()
                .map(|l| {
                    l.as_ref()
                        .and_then(|l| labels.iter().position(|x| x == l))
                        .map_or(-1, |i| i as i64)
                })
                .collect()
        }
    };
    let k = (1.0 / holdout).round().max(2.0) as usize;
    let fold = folds::assign(n, k, seed, Some(&strata));
    let (hold, keep): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| fold[i] == 0);
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
    let p = PathBuf::from("(holdout)");
    let ds = Dataset::from_frames(train, test, sample, s.clone(), [&p, &p, &p])?;
    let overview = std::fs::read_to_string(r.path(&s.files.overview)).unwrap_or_default();
    let cfg = RunConfig {
        time_budget: budget,
        ..RunConfig::new(dir.to_path_buf(), out.to_path_buf(), seed)
    };
    let summary = pipeline::run_dataset(&cfg, &r, ds, &overview, &pipeline::Roles::default())?;
    let sub = frame::read_csv(&summary.submission)?;
    let holdout_score = score_submission(&full, &truth, &sub)?;
    Ok(BenchRow {
        competition: s.name.clone(),
        metric: format!("{:?}", s.metric),
        cv: summary.blend.0,
        holdout: holdout_score,
        seconds: summary.seconds,
        peak_mb: autokaggle_toolkit::memory::peak_mb(),
    })
}

/// Scores a submission against the labelled rows it predicts (same order).
pub fn score_submission(
    full: &Dataset,
    truth: &frame::DataFrame,
    sub: &frame::DataFrame,
) -> Result<f64> {
    let s = &full.spec;
    Ok(match s.submission {
        Submission::Labels => {
            let t = frame::strs(truth, &s.targets[0])?;
            let p = frame::strs(sub, &s.targets[0])?;
            let right = t
                .iter()
                .zip(&p)
                .filter(|(a, b)| {
                    a.as_deref().map(str::to_lowercase) == b.as_deref().map(str::to_lowercase)
                })
                .count();
            right as f64 / t.len() as f64
        }
        Submission::Probabilities => {
            let mut total = 0.0;
            for t in &s.targets {
                let y: Vec<f64> = frame::f64s(truth, t)?
                    .into_iter()
                    .map(|v| v.unwrap_or(0.0))
                    .collect();
                let p: Vec<f64> = frame::f64s(sub, t)?
                    .into_iter()
                    .map(|v| v.unwrap_or(0.0))
                    .collect();
                total += metrics::roc_auc(&y, &p);
            }
            total / s.targets.len() as f64
        }
        Submission::Values => {
            let log = s.metric == autokaggle_toolkit::Metric::RmseOfLogs;
            let f = |v: Option<f64>| v.map_or(0.0, |x| if log { x.ln_1p() } else { x });
            let y: Vec<f64> = frame::f64s(truth, &s.targets[0])?
                .into_iter()
                .map(f)
                .collect();
            let p: Vec<f64> = frame::f64s(sub, &s.targets[0])?
                .into_iter()
                .map(f)
                .collect();
            metrics::rmse(&y, &p)
        }
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
    let exe = std::env::current_exe()?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("reading {}", root.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut rows = Vec::new();
    for d in dirs {
        let Ok(r) = spec::resolve(&d) else { continue };
        if !r.path(&r.spec.files.train).exists() {
            eprintln!("{}: no train.csv, skipped", r.spec.name);
            continue;
        }
        eprintln!("{} ...", r.spec.name);
        let output = Command::new(&exe)
            .args(["bench-one", "--competition"])
            .arg(&d)
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
            .output()?;
        if !output.status.success() {
            bail!(
                "{}: {}",
                r.spec.name,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let row: BenchRow = serde_json::from_slice(&output.stdout)
            .with_context(|| format!("{}: unreadable bench output", r.spec.name))?;
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
