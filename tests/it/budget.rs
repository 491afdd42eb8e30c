//! The time budget as a user meets it at Kaggle's sizes: a 16-class, 250,000-row competition at
//! the default 50 s finishes within 10% of it with a valid submission. (Made-up data: this tests
//! that the promise holds, not the score.)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use autokaggle_toolkit::folds::Rng;

use super::cli::{bin, tmp};

const TRAIN: usize = 250_000;
const TEST: usize = 20_000;
const CLASSES: usize = 16;

/// Eight numeric features and a 5-level text column; the class is a noisy smooth score cut into
/// 16 levels.
fn competition() -> PathBuf {
    let dir = tmp("budget16").join("comp");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng::new(7);
    let mut r = || rng.unit();
    let head = "id,x0,x1,x2,x3,x4,x5,x6,x7,channel";
    let (mut train, mut test, mut sample) = (
        format!("{head},target\n"),
        format!("{head}\n"),
        String::from("id,target\n"),
    );
    for i in 0..TRAIN + TEST {
        let x: Vec<f64> = (0..8).map(|_| r()).collect();
        let channel = (r() * 5.0) as usize;
        let s = x[0]
            + 0.8 * x[1] * x[2]
            + 0.5 * (6.0 * x[3]).sin()
            + 0.2 * channel as f64
            + 0.6 * (r() - 0.5);
        let class = ((s + 0.5) / 3.3 * CLASSES as f64).clamp(0.0, (CLASSES - 1) as f64) as usize;
        let mut row = format!("{i}");
        for v in &x {
            let _ = write!(row, ",{v:.4}");
        }
        let _ = write!(row, ",ch{channel}");
        if i < TRAIN {
            let _ = writeln!(train, "{row},c{class:02}");
        } else {
            let _ = writeln!(test, "{row}");
            let _ = writeln!(sample, "{i},c00");
        }
    }
    for (name, text) in [
        ("train.csv", train),
        ("test.csv", test),
        ("sample_submission.csv", sample),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let overview = "Many classes\n\nPredict the class.\n\nEvaluation\n\nSubmissions are evaluated on accuracy.\n";
    std::fs::write(dir.join("overview.txt"), overview).unwrap();
    dir
}

/// The seconds of the run's `total 48.1s of a 50s budget` line.
fn total_seconds(text: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with("total ") && l.contains("s of a "))
        .unwrap_or_else(|| panic!("no total line in:\n{text}"));
    line["total ".len()..line.find("s of a ").unwrap()]
        .parse()
        .unwrap()
}

fn submission(out: &Path) -> String {
    let run = std::fs::read_dir(out).unwrap().flatten().next().unwrap();
    std::fs::read_to_string(run.path().join("submission.csv")).unwrap()
}

#[test]
fn sixteen_classes_at_250k_rows_hold_the_default_budget() {
    let dir = competition();
    let out = dir.parent().unwrap().join("runs");
    let started = Instant::now();
    let o = bin()
        .args(["run", "--competition"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(o.status.success(), "{text}");
    let total = total_seconds(&text);
    assert!(total <= 55.0, "{total} s of a 50 s budget:\n{text}");
    // Reading, writing and the reports come on top of the budget's compute.
    assert!(wall <= 65.0, "{wall:.1} s of wall time:\n{text}");
    let sub = submission(&out);
    let mut lines = sub.lines();
    assert_eq!(lines.next(), Some("id,target"));
    let labels: Vec<&str> = lines.map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(labels.len(), TEST);
    assert!(
        labels
            .iter()
            .all(|l| l.len() == 3 && l.starts_with('c') && l[1..].parse::<usize>().unwrap() < 16),
        "labels as train spells them"
    );
    let distinct: std::collections::BTreeSet<&&str> = labels.iter().collect();
    assert!(distinct.len() >= 8, "predicts many classes: {distinct:?}");
    // Its train.csv alone is 20 MB.
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}
