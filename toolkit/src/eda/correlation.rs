//! The correlation chart: Pearson r among the ten numeric features most related to the target.

use super::features::Ranked;
use super::{Canvas, plot};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame::{self, Kind};

const TITLE: &str = "Correlation of the top features (Pearson r)";

/// The matrix and its five strongest pairs, when at least three numeric features rank.
pub(super) fn chart(ds: &Dataset, ranked: &[Ranked], c: &mut Canvas) -> Result<()> {
    let top: Vec<&Ranked> = ranked
        .iter()
        .filter(|f| matches!(f.kind, Kind::Numeric | Kind::Bool))
        .take(10)
        .collect();
    if top.len() < 3 {
        return Ok(());
    }
    let cols: Vec<Vec<Option<f64>>> = top
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
    let names: Vec<String> = top.iter().map(|f| f.name.clone()).collect();
    plot::heatmap(
        &c.path("correlation.png"),
        &c.tag(TITLE),
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
    c.add(
        "correlation.png",
        TITLE,
        "correlation",
        format!("strongest pairs: {stats}"),
    );
    Ok(())
}
