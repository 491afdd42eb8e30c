//! One booster's fit at a fixed size, for `bench/engine.py` to time beside LightGBM on the same
//! rows: `engine ROWS CLASSES [--dump FILE]`. Prints one JSON line with the fit's seconds and the
//! seconds per tree (a softmax round grows one tree per class).
//!
//! The rows are synthetic (20 uniform features, a smooth nonlinear score cut into the classes):
//! a speed and scale measurement, not a quality one.

use std::time::Instant;

use autokaggle_toolkit::folds::Rng;
use autokaggle_toolkit::models::gbm::{ColMajor, Gbm, GbmParams, Loss};

/// Features per row.
const COLS: usize = 20;
/// Boosting rounds, with no early stopping: every engine grows the same number of trees.
pub const ROUNDS: usize = 100;

/// `rows` x COLS column-major features and labels: 0/1 for two classes, else class indices.
fn data(rows: usize, classes: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(1);
    let mut r = || rng.unit();
    let x: Vec<f64> = (0..rows * COLS).map(|_| r()).collect();
    let y = (0..rows)
        .map(|i| {
            let f = |j: usize| x[j * rows + i];
            let s = (3.0 * f(0) * f(1)).sin()
                + 2.0 * (f(2) - 0.5).powi(2)
                + f(3)
                + 0.5 * f(4)
                + 0.3 * (r() - 0.5);
            if classes == 2 {
                f64::from(u8::from(s > 1.2))
            } else {
                (s / 3.2 * classes as f64)
                    .floor()
                    .clamp(0.0, (classes - 1) as f64)
            }
        })
        .collect();
    (x, y)
}

/// The rows as little-endian f32, row after row, the label last: what LightGBM reads.
fn dump(path: &str, x: &[f64], y: &[f64]) -> std::io::Result<()> {
    let rows = y.len();
    let mut buf = Vec::with_capacity(rows * (COLS + 1) * 4);
    for i in 0..rows {
        for j in 0..COLS {
            buf.extend_from_slice(&(x[j * rows + i] as f32).to_le_bytes());
        }
        buf.extend_from_slice(&(y[i] as f32).to_le_bytes());
    }
    std::fs::write(path, buf)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: engine ROWS CLASSES [--dump FILE]";
    let rows: usize = args.first().ok_or(usage)?.parse()?;
    let classes: usize = args.get(1).ok_or(usage)?.parse()?;
    let (x, y) = data(rows, classes);
    if let (Some("--dump"), Some(path)) = (args.get(2).map(String::as_str), args.get(3)) {
        return Ok(dump(path, &x, &y)?);
    }
    let params = GbmParams {
        iterations: ROUNDS,
        learning_rate: 0.1,
        max_depth: 5,
        l2: 0.0,
        subsample: 1.0,
        colsample: 1.0,
        min_leaf_weight: 1.0,
        bags: 1,
        leaves: None,
        category_sets: false,
        symmetric: false,
    };
    let loss = if classes == 2 {
        Loss::Logistic
    } else {
        Loss::Softmax(classes)
    };
    let data = ColMajor {
        x: &x,
        rows,
        cols: COLS,
        categorical: &[],
    };
    let t = Instant::now();
    Gbm::fit(data, &y, loss, &params, 1, None, None)?;
    let seconds = t.elapsed().as_secs_f64();
    let trees = ROUNDS * if classes == 2 { 1 } else { classes };
    println!(
        "{{\"engine\": \"autokaggle\", \"rows\": {rows}, \"classes\": {classes}, \"seconds\": {seconds:.3}, \"ms_per_tree\": {:.3}}}",
        seconds * 1000.0 / trees as f64
    );
    Ok(())
}
