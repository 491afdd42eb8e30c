//! `autokaggle bench`: for each competition with data, hold out a seeded stratified fraction of train as
//! labelled test, run the pipeline on the rest, and score the holdout with the competition's metric.
//! Each competition runs in its own process so its peak memory is its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::models::problem::sort_labels;
use autokaggle_toolkit::models::submission::Format;
use autokaggle_toolkit::spec::{self, CompetitionSpec};
use autokaggle_toolkit::{Dataset, folds, frame};
use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::orchestrator::{self, Roles};

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
    let mut r = spec::resolve(dir)?;
    let full = Dataset::load(&r)?;
    r.read = None;
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
    let holdout_score = score_submission(s, &full.train, &truth, &sub)?;
    Ok(BenchRow {
        competition: s.name.clone(),
        metric: s.metric.to_string(),
        cv: summary.blend_score,
        holdout: holdout_score,
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
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
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

/// Scores a submission file for a split written by a bench run (its holdout.csv) with the
/// competition's metric: how a reference model's predictions are put beside ours.
pub fn score_split(competition: &Path, split: &Path, submission: &Path) -> Result<(MetricId, f64)> {
    let r = spec::resolve(competition)?;
    let s = &r.spec;
    let train = frame::read_csv(&split.join("train.csv"))?;
    let truth = frame::read_csv(&split.join("holdout.csv"))?;
    let sub = frame::read_csv(submission)?;
    let want = frame::strs(&truth, &s.id)?;
    let got = frame::strs(&sub, &s.id)
        .with_context(|| format!("{} has no `{}` column", submission.display(), s.id))?;
    if want != got {
        bail!(
            "{}: its `{}` column must list holdout.csv's {} ids in the same order",
            submission.display(),
            s.id,
            want.len()
        );
    }
    Ok((s.metric, score_submission(s, &train, &truth, &sub)?))
}

/// Scores a submission against the labelled rows it predicts (same order) with the competition's
/// metric: the submission's codec reads it back into the model's space (its own header standing in
/// for the sample's), and the metric scores it as the model search does.
pub fn score_submission(
    spec: &CompetitionSpec,
    train: &frame::DataFrame,
    truth: &frame::DataFrame,
    sub: &frame::DataFrame,
) -> Result<f64> {
    let format = Format::from_parts(spec, train, sub)?;
    Ok(spec.metric.score(&format.truth(truth)?, &format.read(sub)?))
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

#[cfg(test)]
mod tests {
    use autokaggle_toolkit::MetricId;
    use autokaggle_toolkit::spec::{CompetitionSpec, Files, Submission, Task};

    use super::score_submission;
    use crate::gates::testing::frame;

    fn spec(task: Task, metric: MetricId, submission: Submission) -> CompetitionSpec {
        CompetitionSpec {
            name: "t".into(),
            data: None,
            id: "id".into(),
            targets: vec!["y".into()],
            task,
            metric,
            submission,
            files: Files::default(),
        }
    }

    #[test]
    fn each_metric_scores_the_holdout_as_the_model_search_does() {
        let train = frame("id,y\n1,no\n2,yes\n");
        let truth = frame("id,y\n1,yes\n2,no\n3,yes\n4,yes\n");
        let sub = frame("id,y\n1,yes\n2,yes\n3,no\n4,yes\n");
        let labels = |m| spec(Task::Binary, m, Submission::Labels);
        // 2 of 4 right; F1 of `yes`: tp 2, fp 1, fn 1.
        assert_eq!(
            score_submission(&labels(MetricId::must("accuracy")), &train, &truth, &sub).unwrap(),
            0.5
        );
        let f1 = score_submission(&labels(MetricId::must("f1")), &train, &truth, &sub).unwrap();
        assert!((f1 - 2.0 / 3.0).abs() < 1e-12, "{f1}");

        let truth01 = frame("id,y\n1,1\n2,0\n3,1\n4,0\n");
        let probs = frame("id,y\n1,0.8\n2,0.4\n3,0.6\n4,0.2\n");
        let p = |m| spec(Task::Binary, m, Submission::Probabilities);
        let train01 = frame("id,y\n1,0\n2,1\n");
        assert_eq!(
            score_submission(&p(MetricId::must("roc_auc")), &train01, &truth01, &probs).unwrap(),
            1.0
        );
        let ll =
            score_submission(&p(MetricId::must("log_loss")), &train01, &truth01, &probs).unwrap();
        let want = -(0.8f64.ln() + 0.6f64.ln() + 0.6f64.ln() + 0.8f64.ln()) / 4.0;
        assert!((ll - want).abs() < 1e-12, "log loss {ll}, want {want}");

        let vt = frame("id,y\n1,1\n2,2\n3,3\n");
        let vp = frame("id,y\n1,1\n2,2\n3,5\n");
        let v = |m| spec(Task::Regression, m, Submission::Values);
        assert_eq!(
            score_submission(&v(MetricId::must("mae")), &vt, &vt, &vp).unwrap(),
            2.0 / 3.0
        );
        assert_eq!(
            score_submission(&v(MetricId::must("r2")), &vt, &vt, &vp).unwrap(),
            1.0 - 4.0 / 2.0
        );
        let rmse = score_submission(&v(MetricId::must("rmse")), &vt, &vt, &vp).unwrap();
        assert!((rmse - (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn multiclass_labels_and_probabilities() {
        let train = frame("id,y\n1,a\n2,b\n3,c\n");
        let truth = frame("id,y\n1,a\n2,b\n3,c\n");
        let sub = frame("id,y\n1,a\n2,c\n3,c\n");
        let s = spec(
            Task::Multiclass,
            MetricId::must("accuracy"),
            Submission::Labels,
        );
        assert!((score_submission(&s, &train, &truth, &sub).unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let probs = frame("id,a,b,c\n1,0.5,0.25,0.25\n2,0.25,0.5,0.25\n3,0.25,0.25,0.5\n");
        let s = spec(
            Task::Multiclass,
            MetricId::must("log_loss"),
            Submission::Probabilities,
        );
        let ll = score_submission(&s, &train, &truth, &probs).unwrap();
        assert!((ll - 2f64.ln()).abs() < 1e-12, "{ll}");
    }
}
