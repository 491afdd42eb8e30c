//! EDA charts chosen by informativeness: the target, the features most related to it, missing
//! values, correlations among the top features, and train/test drift. Each chart comes with the
//! statistics it shows, so a report can state them in words.

pub mod plot;
mod stats;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame::{self, Kind};
use crate::spec::Task;

use stats::{binned, finite, relation, tvd};
pub use stats::{central_range, ks, least_squares, range};

/// One chart written to disk.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Chart {
    /// File name, relative to the chart folder.
    pub file: String,
    /// Title, as drawn.
    pub title: String,
    /// What kind of chart (`target`, `feature_vs_target`, `missing`, `correlation`, `drift`, ...).
    pub kind: String,
    /// The statistics the chart shows, in words.
    pub stats: String,
}

struct Feature {
    name: String,
    kind: Kind,
    score: f64,
}

/// Most train (and test) rows the charts read; above it they read a seeded sample and say so, so
/// a chart costs the same at 1M rows as at 50k.
pub const CHART_ROWS: usize = 50_000;

/// Writes 5 to 15 charts for `ds` into `dir` (created), most informative first, and returns them.
/// Above [`CHART_ROWS`] rows they are drawn from a seeded sample, and each title says so
/// ("50,000 of 250,000 rows").
pub fn charts(ds: &Dataset, dir: &Path) -> Result<Vec<Chart>> {
    let n = ds.train.height();
    if n <= CHART_ROWS && ds.test.height() <= CHART_ROWS {
        return charts_of(ds, dir, None);
    }
    let mut sample = ds.clone();
    sample.train = frame::sample_rows(&ds.train, CHART_ROWS, 42)?;
    sample.test = frame::sample_rows(&ds.test, CHART_ROWS, 42)?;
    let note = format!("{} of {} rows", thousands(CHART_ROWS), thousands(n));
    charts_of(&sample, dir, Some(&note))
}

/// 250000 -> "250,000".
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn charts_of(ds: &Dataset, dir: &Path, note: Option<&str>) -> Result<Vec<Chart>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::ToolkitError::file(dir, format!("cannot create: {e}")))?;
    let tag = |t: String| match note {
        Some(n) => format!("{t} ({n})"),
        None => t,
    };
    let spec = &ds.spec;
    let target = &spec.targets[0];
    let classification = spec.task != Task::Regression;
    let mut out = Vec::new();
    let mut add = |file: &str, title: String, kind: &str, stats: String| {
        out.push(Chart {
            file: file.into(),
            title: tag(title),
            kind: kind.into(),
            stats,
        });
    };

    // 1. The target.
    let labels = frame::strs(&ds.train, target)?;
    let y_num = crate::profile::encode_numeric(&ds.train, target)?;
    let (y_rank, classes): (Vec<f64>, Vec<String>) = if classification {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for l in labels.iter().flatten() {
            *counts.entry(l.clone()).or_default() += 1;
        }
        let mut cls: Vec<(String, usize)> = counts.into_iter().collect();
        cls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let total: usize = cls.iter().map(|c| c.1).sum();
        let names: Vec<String> = cls.iter().map(|c| c.0.clone()).collect();
        let values: Vec<f64> = cls.iter().map(|c| c.1 as f64).collect();
        plot::hbar(
            &dir.join("target.png"),
            &tag(format!("Target: {target}")),
            &names,
            &values,
            "train rows",
        )?;
        let stats = cls
            .iter()
            .map(|(c, n)| format!("{c}: {n} ({:.1}%)", 100.0 * *n as f64 / total.max(1) as f64))
            .collect::<Vec<_>>()
            .join(", ");
        add(
            "target.png",
            format!("Target: {target}"),
            "target",
            format!("class counts: {stats}"),
        );
        // Rank features by their relation to the rarest class's indicator (the positive class of
        // most binary problems).
        let top = names.last().cloned().unwrap_or_default();
        let ind = labels
            .iter()
            .map(|l| f64::from(u8::from(l.as_deref() == Some(top.as_str()))))
            .collect();
        (ind, names)
    } else {
        let y = finite(&y_num);
        let m = crate::profile::Moments::of(&y);
        plot::densities(
            &dir.join("target.png"),
            &tag(format!("Target: {target}")),
            &[(target.clone(), y.clone())],
            target,
        )?;
        add(
            "target.png",
            format!("Target: {target}"),
            "target",
            format!(
                "n={}, mean {:.4}, std {:.4}, skew {:.2}",
                y.len(),
                m.mean,
                m.std,
                m.skew
            ),
        );
        (y_num.iter().map(|v| v.unwrap_or(0.0)).collect(), vec![])
    };

    // 2. Features ranked by their relation to the target.
    let mut feats: Vec<Feature> = Vec::new();
    for name in ds.features() {
        let kind = frame::kind(&ds.train, &name)?;
        let groups = match kind {
            Kind::Numeric | Kind::Bool => binned(&frame::f64s(&ds.train, &name)?),
            _ => {
                let v = frame::strs(&ds.train, &name)?;
                let distinct: std::collections::HashSet<&Option<String>> = v.iter().collect();
                if distinct.len() > 30 || distinct.len() < 2 {
                    continue;
                }
                v
            }
        };
        feats.push(Feature {
            score: relation(&groups, &y_rank),
            name,
            kind,
        });
    }
    feats.sort_by(|a, b| b.score.total_cmp(&a.score));
    for (i, f) in feats.iter().take(6).enumerate() {
        let file = format!("feature_{}.png", i + 1);
        let title = format!("{} vs {target}", f.name);
        let stats = match f.kind {
            Kind::Numeric | Kind::Bool => {
                let x = frame::f64s(&ds.train, &f.name)?;
                if classification {
                    let groups: Vec<(String, Vec<f64>)> = classes
                        .iter()
                        .take(6)
                        .map(|c| {
                            let v: Vec<f64> = x
                                .iter()
                                .zip(&labels)
                                .filter(|(_, l)| l.as_deref() == Some(c.as_str()))
                                .filter_map(|(x, _)| x.filter(|x| x.is_finite()))
                                .collect();
                            (c.clone(), v)
                        })
                        .collect();
                    plot::densities(&dir.join(&file), &tag(title.clone()), &groups, &f.name)?;
                    groups
                        .iter()
                        .map(|(c, v)| {
                            let m = crate::profile::Moments::of(v);
                            format!("{c}: mean {:.4}, std {:.4}", m.mean, m.std)
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    let pairs: Vec<(f64, f64)> = x
                        .iter()
                        .zip(&y_num)
                        .filter_map(|(a, b)| {
                            Some((a.filter(|v| v.is_finite())?, b.filter(|v| v.is_finite())?))
                        })
                        .collect();
                    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
                    plot::scatter(
                        &dir.join(&file),
                        &tag(title.clone()),
                        &xs,
                        &ys,
                        &f.name,
                        target,
                    )?;
                    let (slope, _) = least_squares(&xs, &ys);
                    let r = crate::profile::pearson(&x, &y_num).unwrap_or(0.0);
                    format!(
                        "Pearson r {r:+.3}, least-squares slope {slope:.4}, n={}",
                        xs.len()
                    )
                }
            }
            _ => {
                let x = frame::strs(&ds.train, &f.name)?;
                let mut g: HashMap<String, (f64, f64)> = HashMap::new();
                for (c, v) in x.iter().zip(&y_rank) {
                    let e = g
                        .entry(c.clone().unwrap_or_else(|| "(missing)".into()))
                        .or_default();
                    e.0 += v;
                    e.1 += 1.0;
                }
                let mut rows: Vec<(String, f64, f64)> =
                    g.into_iter().map(|(c, (s, n))| (c, s / n, n)).collect();
                rows.sort_by(|a, b| b.2.total_cmp(&a.2));
                rows.truncate(15);
                let what = if classification {
                    format!(
                        "share of {target} = {}",
                        classes.last().map_or("", String::as_str)
                    )
                } else {
                    format!("mean {target}")
                };
                let names: Vec<String> = rows
                    .iter()
                    .map(|r| format!("{} (n={})", r.0, r.2))
                    .collect();
                let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
                plot::hbar(
                    &dir.join(&file),
                    &tag(title.clone()),
                    &names,
                    &values,
                    &what,
                )?;
                rows.iter()
                    .map(|r| format!("{}: {what} {:.3} (n={})", r.0, r.1, r.2))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        add(
            &file,
            title,
            "feature_vs_target",
            format!("relation to the target {:.3}; {stats}", f.score),
        );
    }

    // 3. Missing values: the share missing per column, train and test.
    let mut miss: Vec<(String, f64, f64)> = Vec::new();
    for name in ds.features() {
        let tr = frame::strs(&ds.train, &name)?;
        let te = frame::strs(&ds.test, &name)?;
        let share = |v: &[Option<String>]| {
            v.iter().filter(|x| x.is_none()).count() as f64 / v.len().max(1) as f64
        };
        let (a, b) = (share(&tr), share(&te));
        if a > 0.0 || b > 0.0 {
            miss.push((name, a, b));
        }
    }
    if !miss.is_empty() {
        miss.sort_by(|a, b| b.1.total_cmp(&a.1));
        miss.truncate(20);
        let rows: Vec<String> = miss.iter().map(|m| m.0.clone()).collect();
        let m: Vec<Vec<f64>> = miss
            .iter()
            .map(|m| vec![(m.1 * 100.0).round(), (m.2 * 100.0).round()])
            .collect();
        plot::heatmap(
            &dir.join("missing.png"),
            &tag("Missing values (% of rows)".into()),
            &rows,
            &["train".into(), "test".into()],
            &m,
            false,
            true,
        )?;
        let stats = miss
            .iter()
            .map(|m| {
                format!(
                    "{}: {:.1}% train, {:.1}% test",
                    m.0,
                    m.1 * 100.0,
                    m.2 * 100.0
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        add(
            "missing.png",
            "Missing values (% of rows)".into(),
            "missing",
            stats,
        );
    }

    // 4. Correlations among the top numeric features.
    let top_num: Vec<&Feature> = feats
        .iter()
        .filter(|f| matches!(f.kind, Kind::Numeric | Kind::Bool))
        .take(10)
        .collect();
    if top_num.len() >= 3 {
        let cols: Vec<Vec<Option<f64>>> = top_num
            .iter()
            .map(|f| frame::f64s(&ds.train, &f.name))
            .collect::<Result<_>>()?;
        let m: Vec<Vec<f64>> = cols
            .iter()
            .map(|a| {
                cols.iter()
                    .map(|b| crate::profile::pearson(a, b).unwrap_or(0.0))
                    .collect()
            })
            .collect();
        let names: Vec<String> = top_num.iter().map(|f| f.name.clone()).collect();
        plot::heatmap(
            &dir.join("correlation.png"),
            &tag("Correlation of the top features (Pearson r)".into()),
            &names,
            &names,
            &m,
            true,
            names.len() <= 8,
        )?;
        let mut pairs = Vec::new();
        for i in 0..names.len() {
            for j in i + 1..names.len() {
                pairs.push((m[i][j], &names[i], &names[j]));
            }
        }
        pairs.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        let stats = pairs
            .iter()
            .take(5)
            .map(|(r, a, b)| format!("{a}~{b} {r:+.3}"))
            .collect::<Vec<_>>()
            .join(", ");
        add(
            "correlation.png",
            "Correlation of the top features (Pearson r)".into(),
            "correlation",
            format!("strongest pairs: {stats}"),
        );
    }

    // 5. Train vs test drift: KS for numbers, total variation distance for categories.
    let mut drift: Vec<(String, f64, bool)> = Vec::new();
    for name in ds.features() {
        match frame::kind(&ds.train, &name)? {
            Kind::Numeric | Kind::Bool => {
                let a = finite(&frame::f64s(&ds.train, &name)?);
                let b = finite(&frame::f64s(&ds.test, &name)?);
                drift.push((name, ks(&a, &b), true));
            }
            _ => {
                let a = frame::strs(&ds.train, &name)?;
                let b = frame::strs(&ds.test, &name)?;
                let distinct: std::collections::HashSet<&Option<String>> = a.iter().collect();
                if distinct.len() <= 50 {
                    drift.push((name, tvd(&a, &b), false));
                }
            }
        }
    }
    if !drift.is_empty() {
        drift.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top: Vec<&(String, f64, bool)> = drift.iter().take(12).collect();
        let names: Vec<String> = top.iter().map(|d| d.0.clone()).collect();
        let values: Vec<f64> = top.iter().map(|d| d.1).collect();
        plot::hbar(
            &dir.join("drift.png"),
            &tag("Train vs test drift (KS / total variation)".into()),
            &names,
            &values,
            "drift statistic (0 = same distribution)",
        )?;
        let stats = top
            .iter()
            .take(6)
            .map(|d| format!("{} {:.3}", d.0, d.1))
            .collect::<Vec<_>>()
            .join(", ");
        add(
            "drift.png",
            "Train vs test drift (KS / total variation)".into(),
            "drift",
            format!("largest: {stats}"),
        );
        if let Some((name, d, _)) = drift.iter().find(|d| d.2 && d.1 > 0.05) {
            let a = finite(&frame::f64s(&ds.train, name)?);
            let b = finite(&frame::f64s(&ds.test, name)?);
            let title = format!("{name}: train vs test");
            plot::densities(
                &dir.join("drift_top.png"),
                &tag(title.clone()),
                &[("train".into(), a), ("test".into(), b)],
                name,
            )?;
            add(
                "drift_top.png",
                title,
                "drift",
                format!("KS statistic {d:.3}"),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_and_least_squares() {
        assert_eq!(ks(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert!((ks(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]) - 0.5).abs() < 1e-12);
        let (s, i) = least_squares(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]);
        assert!((s - 2.0).abs() < 1e-12 && (i - 1.0).abs() < 1e-12);
    }
}
