//! `autokaggle demo`: a Kaggle-style competition built from the breast-cancer dataset that ships inside
//! the smartcore crate (no download), run end to end, and scored on labels the pipeline never saw.

use std::path::{Path, PathBuf};

use crate::error::{Result, io_at};
use autokaggle_toolkit::folds::Rng;

use crate::config::RunConfig;
use crate::orchestrator;
use crate::store::RunSummary;

/// The demo's label names for smartcore's 0/1 target.
const LABELS: [&str; 2] = ["malignant", "benign"];

/// Writes train.csv, test.csv, sample_submission.csv and overview.txt under `dir`; returns the hidden
/// test labels in test's order.
pub fn build_competition(dir: &Path, seed: u64) -> Result<Vec<&'static str>> {
    let d = smartcore::dataset::breast_cancer::load_dataset();
    let (n, m) = (d.num_samples, d.num_features);
    let names: Vec<String> = d
        .feature_names
        .iter()
        .map(|s| s.replace(' ', "_"))
        .collect();
    let mut rows: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut rows);
    let n_test = n / 5;
    let (test_rows, train_rows) = rows.split_at(n_test);
    let mut rng = Rng::new(seed + 1);
    // A few measurements go missing, as in real data, so cleaning has work to do.
    let mut cell = |i: usize, j: usize| -> String {
        let v = d.data[i * m + j];
        if (j == 1 || j == 24) && rng.below(100) < 4 {
            String::new()
        } else {
            format!("{v}")
        }
    };
    std::fs::create_dir_all(dir).map_err(io_at(dir, "cannot create the folder"))?;
    let header = names.join(",");
    let mut train = format!("id,{header},diagnosis\n");
    for &i in train_rows {
        let vals: Vec<String> = (0..m).map(|j| cell(i, j)).collect();
        train.push_str(&format!(
            "{},{},{}\n",
            i + 1,
            vals.join(","),
            LABELS[d.target[i] as usize]
        ));
    }
    let mut test = format!("id,{header}\n");
    let mut sample = String::from("id,diagnosis\n");
    let mut truth = Vec::new();
    for &i in test_rows {
        let vals: Vec<String> = (0..m).map(|j| cell(i, j)).collect();
        test.push_str(&format!("{},{}\n", i + 1, vals.join(",")));
        sample.push_str(&format!("{},benign\n", i + 1));
        truth.push(LABELS[d.target[i] as usize]);
    }
    let write = crate::store::write_atomic;
    write(&dir.join("train.csv"), train.as_bytes())?;
    write(&dir.join("test.csv"), test.as_bytes())?;
    write(&dir.join("sample_submission.csv"), sample.as_bytes())?;
    write(
        &dir.join("overview.txt"),
        "Breast cancer diagnosis (demo)\n\nPredict whether a breast mass is malignant or benign from 30 measurements of \
         its cell nuclei (Wisconsin Diagnostic Breast Cancer data, shipped with the smartcore crate). Some measurements \
         are missing.\n\nEvaluation\n\nSubmissions are evaluated on accuracy, the fraction of diagnoses predicted correctly.\n"
            .as_bytes(),
    )?;
    Ok(truth)
}

/// Builds the demo competition under `out`, runs it, and returns the summary with the hidden-label accuracy.
pub fn run(out: &Path, seed: u64, progress: bool) -> Result<(RunSummary, f64, PathBuf)> {
    let dir = out.join("demo_breast_cancer");
    let truth = build_competition(&dir, seed)?;
    let cfg = RunConfig {
        progress,
        ..RunConfig::new(dir.clone(), out.to_path_buf(), seed)
    };
    let summary = orchestrator::run(&cfg)?;
    let sub = autokaggle_toolkit::frame::read_csv(&summary.submission)?;
    let got = autokaggle_toolkit::frame::strs(&sub, "diagnosis")?;
    let right = got
        .iter()
        .zip(&truth)
        .filter(|(g, t)| g.as_deref() == Some(**t))
        .count();
    Ok((summary, right as f64 / truth.len() as f64, dir))
}
