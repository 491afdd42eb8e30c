//! `bench --suite`: every competition with data, on several seeded splits each, resumable. Each run
//! appends one line to `<out>/results.jsonl`, the same file bench/references.py appends its
//! reference models' lines to, so a sweep killed half-way goes on where it stopped and the table
//! pairs every model on identical splits.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{BenchError, Result};
use crate::error::io_at;
use serde::{Deserialize, Serialize};

use super::{Holdout, run_child};

/// Competitions with more train rows than this get one split: they hold enough rows for one
/// estimate and take most of a sweep's time.
pub const LARGE_ROWS: usize = 100_000;

/// One run's result: ours or a reference model's on one competition and seed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// Competition name.
    pub competition: String,
    /// The split's seed.
    pub seed: u64,
    /// Who predicted: `autokaggle` (or the sweep's `--label`), `lightgbm`, `hgb`, `catboost`, ...
    pub model: String,
    /// Metric name.
    pub metric: String,
    /// Holdout score in the metric's units (None when the run failed).
    pub score: Option<f64>,
    /// Holdout score normalized (constant prediction 0, perfect 1); 0 when the run failed.
    pub normalized: f64,
    /// The run's own CV estimate, in the metric's units and normalized by the holdout's scale.
    #[serde(default)]
    pub cv: Option<f64>,
    #[serde(default)]
    pub cv_normalized: Option<f64>,
    /// The run's nested CV estimate (the ensemble chosen inside the folds), likewise.
    #[serde(default)]
    pub cv_nested: Option<f64>,
    #[serde(default)]
    pub cv_nested_normalized: Option<f64>,
    /// Wall seconds.
    pub seconds: f64,
    /// Rows trained on.
    #[serde(default)]
    pub train_rows: Option<usize>,
    /// Why the run failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// Per competition, `a − b` on every seed both ran (normalized scores), in seed order.
pub(super) fn paired_diffs(records: &[Record], a: &str, b: &str) -> BTreeMap<String, Vec<f64>> {
    let mut by: BTreeMap<(String, u64), (Option<f64>, Option<f64>)> = BTreeMap::new();
    for r in records {
        let slot = by.entry((r.competition.clone(), r.seed)).or_default();
        if r.model == a {
            slot.0 = Some(r.normalized);
        } else if r.model == b {
            slot.1 = Some(r.normalized);
        }
    }
    let mut diffs: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for ((c, _), pair) in by {
        if let (Some(x), Some(y)) = pair {
            diffs.entry(c).or_default().push(x - y);
        }
    }
    diffs
}

/// A competition of the sweep and the seeds it runs on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Competition name (its folder's name).
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
    /// The splits' seeds.
    pub seeds: Vec<u64>,
}

/// The sweep's plan: each competition folder with data under `roots`, on `seeds` seeds from
/// `seed` (one for a time-ordered split or a competition over [`LARGE_ROWS`] rows).
pub fn plan(roots: &[PathBuf], seeds: usize, seed: u64) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for root in roots {
        for (dir, r) in super::competitions_with_data(root)? {
            let rows = line_count(&r.path(&r.spec.files.train))?.saturating_sub(1);
            let n = if !Holdout::of(&dir)?.seeded() || rows > LARGE_ROWS {
                1
            } else {
                seeds.max(1)
            };
            entries.push(Entry {
                name: r.spec.name.clone(),
                dir,
                seeds: (0..n as u64).map(|i| seed + i).collect(),
            });
        }
    }
    Ok(entries)
}

/// Writes the plan of a sweep that is about to run to `<out>/suite.json`, where the references
/// script reads which splits to fit. Only a sweep writes it: a table printed with other settings
/// must not change what the references fit next.
pub fn write_plan(entries: &[Entry], out: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(entries).expect("the plan serializes");
    crate::store::write_atomic(&out.join("suite.json"), text.as_bytes())?;
    Ok(())
}

fn line_count(file: &Path) -> Result<usize> {
    let bytes = std::fs::read(file).map_err(io_at(file, "cannot read"))?;
    Ok(bytecount(&bytes))
}

fn bytecount(bytes: &[u8]) -> usize {
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    n + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// The records in `<out>/results.jsonl` (none when it does not exist yet).
pub fn records(out: &Path) -> Result<Vec<Record>> {
    let file = out.join("results.jsonl");
    if !file.exists() {
        return Ok(vec![]);
    }
    let text = std::fs::read_to_string(&file).map_err(io_at(&file, "cannot read"))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| BenchError::Record {
                path: file.clone(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

fn append(out: &Path, r: &Record) -> Result<()> {
    let file = out.join("results.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .map_err(io_at(&file, "cannot open"))?;
    let line = serde_json::to_string(r).expect("a record serializes");
    writeln!(f, "{line}")
        .and_then(|()| f.sync_all())
        .map_err(io_at(&file, "cannot append"))?;
    Ok(())
}

/// Runs every planned (competition, seed) that `<out>/results.jsonl` has no `label` line for, one
/// progress line each, appending as it goes; returns all records.
pub fn run(
    entries: &[Entry],
    label: &str,
    holdout: f64,
    out: &Path,
    budget: f64,
) -> Result<Vec<Record>> {
    let done = records(out)?;
    let todo: Vec<(&Entry, u64)> = entries
        .iter()
        .flat_map(|e| e.seeds.iter().map(move |&s| (e, s)))
        .filter(|(e, s)| {
            !done
                .iter()
                .any(|r| r.model == label && r.competition == e.name && r.seed == *s)
        })
        .collect();
    let total: usize = entries.iter().map(|e| e.seeds.len()).sum();
    eprintln!(
        "suite: {} competitions, {total} runs, {} done, {} to go, {budget} s budget each",
        entries.len(),
        total - todo.len(),
        todo.len()
    );
    for (i, (e, seed)) in todo.iter().enumerate() {
        let start = std::time::Instant::now();
        let split_root = out.join(format!("seed-{seed}"));
        let record = match run_child(&e.dir, holdout, *seed, &split_root, budget) {
            Ok(row) => {
                let scored = row.scored.ok_or_else(|| BenchError::Child {
                    dir: e.dir.clone(),
                    message: "bench-one gave no normalized score".into(),
                })?;
                Record {
                    competition: e.name.clone(),
                    seed: *seed,
                    model: label.to_string(),
                    metric: row.metric,
                    score: Some(row.holdout),
                    normalized: scored.normalized,
                    cv: Some(row.cv),
                    cv_normalized: Some(scored.normalize(row.cv)),
                    cv_nested: row.cv_nested,
                    cv_nested_normalized: row.cv_nested.map(|v| scored.normalize(v)),
                    seconds: row.seconds,
                    train_rows: Some(row.train_rows),
                    error: None,
                }
            }
            Err(err) => Record {
                competition: e.name.clone(),
                seed: *seed,
                model: label.to_string(),
                metric: String::new(),
                score: None,
                normalized: 0.0,
                cv: None,
                cv_normalized: None,
                cv_nested: None,
                cv_nested_normalized: None,
                seconds: start.elapsed().as_secs_f64(),
                train_rows: None,
                error: Some(format!("{err:#}")),
            },
        };
        eprintln!("[{}/{}] {}", i + 1, todo.len(), progress(&record));
        append(out, &record)?;
    }
    records(out)
}

fn progress(r: &Record) -> String {
    match (&r.error, r.score) {
        (Some(e), _) => format!(
            "{} seed {}: FAILED in {:.1} s: {e}",
            r.competition, r.seed, r.seconds
        ),
        (None, Some(score)) => format!(
            "{} seed {}: {} {score:.4} (normalized {:.4}), cv {:.4}, {:.1} s",
            r.competition,
            r.seed,
            r.metric,
            r.normalized,
            r.cv.unwrap_or(f64::NAN),
            r.seconds
        ),
        (None, None) => format!("{} seed {}: no score", r.competition, r.seed),
    }
}

/// A record of `normalized` for tests, its CV 0.01 above it.
#[cfg(test)]
pub(crate) fn test_record(c: &str, seed: u64, model: &str, normalized: f64) -> Record {
    Record {
        competition: c.into(),
        seed,
        model: model.into(),
        metric: "accuracy".into(),
        score: Some(normalized),
        normalized,
        cv: Some(normalized + 0.01),
        cv_normalized: Some(normalized + 0.01),
        cv_nested: None,
        cv_nested_normalized: None,
        seconds: 2.0,
        train_rows: Some(100),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_lines_with_or_without_a_final_newline() {
        assert_eq!(super::bytecount(b"id,y\n1,2\n"), 2);
        assert_eq!(super::bytecount(b"id,y\n1,2"), 2);
        assert_eq!(super::bytecount(b""), 0);
    }
}
