//! The bench commands: a sweep (the six competitions, or the suite), one run of it, a score.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::BenchArgs;
use crate::bench;

/// `bench`: every split run and scored; the table, also written to `--table`.
pub fn sweep(a: BenchArgs) -> Result<String> {
    if !(0.05..=0.5).contains(&a.holdout) {
        bail!("--holdout {} is outside 0.05..=0.5", a.holdout);
    }
    let t = if let Some(suite) = a.suite {
        let out = a.out.unwrap_or_else(|| PathBuf::from("runs/suite"));
        let roots = if a.suite_only {
            vec![suite]
        } else {
            vec![a.competitions, suite]
        };
        let entries = bench::suite::plan(&roots, a.seeds, a.seed)?;
        let records = if a.no_run {
            let records = bench::suite::records(&out)?;
            if records.is_empty() {
                bail!(
                    "--no-run: {} holds no results yet; run the sweep first (the same command without --no-run)",
                    out.join("results.jsonl").display()
                );
            }
            records
        } else {
            bench::suite::write_plan(&entries, &out)?;
            bench::suite::run(&entries, &a.label, a.holdout, &out, a.time_budget)?
        };
        let mut t = bench::report_table(&entries, &records, &a.label);
        if let Some(old) = &a.against {
            if !records.iter().any(|r| &r.model == old) {
                bail!(
                    "--against {old}: {} holds no runs labelled {old}",
                    out.join("results.jsonl").display()
                );
            }
            t.push_str(&bench::rule::table(&records, &a.label, old));
        }
        t
    } else {
        let out = a.out.unwrap_or_else(|| PathBuf::from("runs/bench"));
        let rows = bench::bench_all(&a.competitions, a.holdout, a.seed, &out, a.time_budget)?;
        bench::table(&rows, a.holdout)
    };
    if let Some(p) = &a.table {
        crate::store::write_atomic(p, t.as_bytes())?;
    }
    Ok(t)
}

/// `bench-one`: one split, run in this process; its row as JSON for the sweep that spawned it.
pub fn one(
    competition: &Path,
    holdout: f64,
    seed: u64,
    out: &Path,
    time_budget: f64,
) -> Result<String> {
    let row = bench::bench_one(competition, holdout, seed, out, time_budget)?;
    Ok(serde_json::to_string(&row)?)
}

/// `bench-score`: the metric's name, the score and the normalized score of a submission.
pub fn score(competition: &Path, split: &Path, submission: &Path) -> Result<String> {
    let (metric, s) = bench::score_split(competition, split, submission)?;
    Ok(format!("{metric} {:.6} {:.6}", s.score, s.normalized))
}
