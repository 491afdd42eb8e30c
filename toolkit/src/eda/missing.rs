//! The missing-values chart: the share of rows missing per column, train beside test.

use super::{Canvas, plot};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame;

const TITLE: &str = "Missing values (% of rows)";

/// The 20 columns most missing in train, if any column misses anything.
pub(super) fn chart(ds: &Dataset, c: &mut Canvas) -> Result<()> {
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
    if miss.is_empty() {
        return Ok(());
    }
    miss.sort_by(|a, b| b.1.total_cmp(&a.1));
    miss.truncate(20);
    let rows: Vec<String> = miss.iter().map(|m| m.0.clone()).collect();
    let m: Vec<Vec<f64>> = miss
        .iter()
        .map(|m| vec![(m.1 * 100.0).round(), (m.2 * 100.0).round()])
        .collect();
    plot::heatmap(
        &c.path("missing.png"),
        &c.tag(TITLE),
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
    c.add("missing.png", TITLE, "missing", stats);
    Ok(())
}
