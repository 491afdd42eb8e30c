//! The drift charts: how far each feature's train distribution is from test's (KS for numbers,
//! total variation distance for categories), and the most drifted number's two densities.

use std::collections::HashSet;

use super::stats::{finite, ks, tvd};
use super::{Canvas, plot};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame::{self, Kind};

const TITLE: &str = "Train vs test drift (KS / total variation)";

/// A feature's drift statistic, and whether it is a number's KS.
type Drift = (String, f64, bool);

/// The twelve most drifted features; the densities of the most drifted number above 0.05.
pub(super) fn charts(ds: &Dataset, c: &mut Canvas) -> Result<()> {
    let drift = measured(ds)?;
    if drift.is_empty() {
        return Ok(());
    }
    let top: Vec<&Drift> = drift.iter().take(12).collect();
    let names: Vec<String> = top.iter().map(|d| d.0.clone()).collect();
    let values: Vec<f64> = top.iter().map(|d| d.1).collect();
    plot::hbar(
        &c.path("drift.png"),
        &c.tag(TITLE),
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
    c.add("drift.png", TITLE, "drift", format!("largest: {stats}"));
    if let Some((name, d, _)) = drift.iter().find(|d| d.2 && d.1 > 0.05) {
        let a = finite(&frame::f64s(&ds.train, name)?);
        let b = finite(&frame::f64s(&ds.test, name)?);
        let title = format!("{name}: train vs test");
        plot::densities(
            &c.path("drift_top.png"),
            &c.tag(&title),
            &[("train".into(), a), ("test".into(), b)],
            name,
        )?;
        c.add(
            "drift_top.png",
            &title,
            "drift",
            format!("KS statistic {d:.3}"),
        );
    }
    Ok(())
}

/// Every number's KS and every category's (of at most 50 levels) total variation, largest first.
fn measured(ds: &Dataset) -> Result<Vec<Drift>> {
    let mut drift: Vec<Drift> = Vec::new();
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
                let distinct: HashSet<&Option<String>> = a.iter().collect();
                if distinct.len() <= 50 {
                    drift.push((name, tvd(&a, &b), false));
                }
            }
        }
    }
    drift.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(drift)
}
