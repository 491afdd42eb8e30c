//! The modeling phase's charts: CV score per model with its spread, the blend's feature importance
//! (top 20), and its out-of-fold errors (a confusion matrix for labels, residuals for values).

use std::path::Path;

use crate::error::{Result, io_at};
use crate::store::layout::model_charts;
use autokaggle_toolkit::Task;
use autokaggle_toolkit::eda::{Chart, plot};
use autokaggle_toolkit::models::blend::Blend;
use autokaggle_toolkit::models::cv::{self, CvResult};
use autokaggle_toolkit::models::problem::Problem;

fn chart(file: &str, title: &str, kind: &str, stats: String) -> Chart {
    Chart {
        file: file.into(),
        title: title.into(),
        kind: kind.into(),
        stats,
    }
}

/// Writes the modeling charts into `dir` and returns them.
pub fn model_charts(
    dir: &Path,
    p: &Problem,
    results: &[CvResult],
    blend: &Blend,
    importance: Option<&[f64]>,
) -> Result<Vec<Chart>> {
    std::fs::create_dir_all(dir).map_err(io_at(dir, "cannot create the folder"))?;
    let mut out = vec![cv_chart(dir, p, results)?];
    if let Some(imp) = importance {
        out.push(importance_chart(dir, p, imp)?);
    }
    let oofs: Vec<Vec<Vec<f64>>> = results.iter().map(|r| r.oof.clone()).collect();
    let oof = cv::combine(&oofs, &blend.weights, blend.head.as_ref());
    match p.task {
        Task::Binary | Task::Multiclass => out.push(confusion_chart(dir, p, &oof)?),
        Task::Regression => out.push(residual_chart(dir, p, &oof[0])?),
        Task::MultiLabel => {}
    }
    Ok(out)
}

/// CV score per model, best first.
fn cv_chart(dir: &Path, p: &Problem, results: &[CvResult]) -> Result<Chart> {
    let metric = p.metric.to_string();
    let mut order: Vec<&CvResult> = results.iter().collect();
    let higher = p.metric.higher_is_better();
    order.sort_by(|a, b| {
        let o = a.mean.total_cmp(&b.mean);
        if higher { o.reverse() } else { o }
    });
    let names: Vec<String> = order.iter().map(|r| r.model.name.clone()).collect();
    let means: Vec<f64> = order.iter().map(|r| r.mean).collect();
    let title = format!("CV {metric} per model");
    plot::hbar(&dir.join(model_charts::CV), &title, &names, &means, &metric)?;
    let stats = order
        .iter()
        .map(|r| format!("{} {:.4} ± {:.4}", r.model.name, r.mean, r.std))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(chart(model_charts::CV, &title, "cv", stats))
}

/// Feature importance of the blend's boosters, top 20.
fn importance_chart(dir: &Path, p: &Problem, imp: &[f64]) -> Result<Chart> {
    let mut pairs: Vec<(&String, f64)> = p.features.iter().zip(imp.iter().copied()).collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
    pairs.truncate(20);
    let names: Vec<String> = pairs.iter().map(|x| x.0.clone()).collect();
    let vals: Vec<f64> = pairs.iter().map(|x| x.1).collect();
    let title = "Feature importance (share of boosting gain, top 20)";
    plot::hbar(
        &dir.join(model_charts::IMPORTANCE),
        title,
        &names,
        &vals,
        "share of total gain",
    )?;
    let stats = pairs
        .iter()
        .take(10)
        .map(|(n, v)| format!("{n} {:.1}%", v * 100.0))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(chart(model_charts::IMPORTANCE, title, "importance", stats))
}

/// The blend's out-of-fold confusion matrix, for labels.
fn confusion_chart(dir: &Path, p: &Problem, oof: &[Vec<f64>]) -> Result<Chart> {
    let k = p.classes.len();
    let class_of = |i: usize, m: &[Vec<f64>]| -> usize {
        if m.len() == 1 {
            usize::from(m[0][i] >= 0.5)
        } else {
            (0..m.len())
                .max_by(|a, b| m[*a][i].total_cmp(&m[*b][i]))
                .unwrap_or(0)
        }
    };
    let mut cm = vec![vec![0.0; k]; k];
    for i in 0..p.rows {
        let (t, q) = (class_of(i, &p.y), class_of(i, oof));
        if t < k && q < k {
            cm[t][q] += 1.0;
        }
    }
    let right: f64 = (0..k).map(|i| cm[i][i]).sum();
    let title = "Out-of-fold confusion matrix (rows: true, columns: predicted)";
    let labels: Vec<String> = p.classes.iter().map(|c| format!("true {c}")).collect();
    plot::heatmap(
        &dir.join(model_charts::CONFUSION),
        title,
        &labels,
        &p.classes,
        &cm,
        false,
        k <= 12,
    )?;
    Ok(chart(
        model_charts::CONFUSION,
        title,
        "oof_errors",
        format!(
            "{} of {} out-of-fold predictions right ({:.1}%)",
            right,
            p.rows,
            100.0 * right / p.rows.max(1) as f64
        ),
    ))
}

/// The blend's out-of-fold residuals against its predictions, for values.
fn residual_chart(dir: &Path, p: &Problem, pred: &[f64]) -> Result<Chart> {
    let resid: Vec<f64> = p.y[0].iter().zip(pred).map(|(y, q)| y - q).collect();
    let space = if p.log_target { " (log1p scale)" } else { "" };
    let title = format!("Out-of-fold residuals{space}");
    plot::scatter(
        &dir.join(model_charts::RESIDUALS),
        &title,
        pred,
        &resid,
        "prediction",
        "actual - prediction",
    )?;
    let rmse = (resid.iter().map(|r| r * r).sum::<f64>() / resid.len().max(1) as f64).sqrt();
    let worst = resid.iter().map(|r| r.abs()).fold(0.0, f64::max);
    Ok(chart(
        model_charts::RESIDUALS,
        &title,
        "oof_errors",
        format!("RMSE {rmse:.4}{space}, largest absolute residual {worst:.4}"),
    ))
}
