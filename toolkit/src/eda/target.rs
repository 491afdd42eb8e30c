//! The target's chart: class counts, or the density of its values; and the target as the other
//! charts read it.

use std::collections::HashMap;

use super::Canvas;
use super::plot;
use super::stats::finite;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame;
use crate::spec::Task;

/// The (first) target, read once for every chart.
pub(super) struct Target {
    pub name: String,
    pub classification: bool,
    /// Each row's label as text.
    pub labels: Vec<Option<String>>,
    /// Each row's value as a number (classes encoded).
    pub values: Vec<Option<f64>>,
    /// What features are ranked against: the rarest class's indicator (the positive class of most
    /// binary problems), or the value (0 where missing).
    pub rank: Vec<f64>,
    /// Classes, most frequent first (empty for regression).
    pub classes: Vec<String>,
}

/// Draws the target's chart and returns the target.
pub(super) fn chart(ds: &Dataset, c: &mut Canvas) -> Result<Target> {
    let name = ds.spec.targets[0].clone();
    let labels = frame::strs(&ds.train, &name)?;
    let values = crate::profile::encode_numeric(&ds.train, &name)?;
    let mut t = Target {
        classification: ds.spec.task != Task::Regression,
        name,
        labels,
        values,
        rank: vec![],
        classes: vec![],
    };
    if t.classification {
        classes(&mut t, c)?;
    } else {
        values_chart(&mut t, c)?;
    }
    Ok(t)
}

/// Class counts, most frequent first.
fn classes(t: &mut Target, c: &mut Canvas) -> Result<()> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for l in t.labels.iter().flatten() {
        *counts.entry(l.clone()).or_default() += 1;
    }
    let mut cls: Vec<(String, usize)> = counts.into_iter().collect();
    cls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: usize = cls.iter().map(|c| c.1).sum();
    let names: Vec<String> = cls.iter().map(|c| c.0.clone()).collect();
    let values: Vec<f64> = cls.iter().map(|c| c.1 as f64).collect();
    let title = format!("Target: {}", t.name);
    plot::hbar(
        &c.path("target.png"),
        &c.tag(&title),
        &names,
        &values,
        "train rows",
    )?;
    let stats = cls
        .iter()
        .map(|(c, n)| format!("{c}: {n} ({:.1}%)", 100.0 * *n as f64 / total.max(1) as f64))
        .collect::<Vec<_>>()
        .join(", ");
    c.add(
        "target.png",
        &title,
        "target",
        format!("class counts: {stats}"),
    );
    let top = names.last().cloned().unwrap_or_default();
    t.rank = t
        .labels
        .iter()
        .map(|l| f64::from(u8::from(l.as_deref() == Some(top.as_str()))))
        .collect();
    t.classes = names;
    Ok(())
}

/// The density of the target's values.
fn values_chart(t: &mut Target, c: &mut Canvas) -> Result<()> {
    let y = finite(&t.values);
    let m = crate::profile::Moments::of(&y);
    let title = format!("Target: {}", t.name);
    plot::densities(
        &c.path("target.png"),
        &c.tag(&title),
        &[(t.name.clone(), y.clone())],
        &t.name,
    )?;
    c.add(
        "target.png",
        &title,
        "target",
        format!(
            "n={}, mean {:.4}, std {:.4}, skew {:.2}",
            y.len(),
            m.mean,
            m.std,
            m.skew
        ),
    );
    t.rank = t.values.iter().map(|v| v.unwrap_or(0.0)).collect();
    Ok(())
}
