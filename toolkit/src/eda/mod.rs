//! EDA charts chosen by informativeness: the target, the features most related to it, missing
//! values, correlations among the top features, and train/test drift. Each chart comes with the
//! statistics it shows, so a report can state them in words.

mod correlation;
mod drift;
mod features;
mod missing;
pub mod plot;
mod stats;
mod target;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame;

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

/// The charts of `ds` in order: the target, the features most related to it, missing values,
/// correlations among the top numeric features, and drift.
fn charts_of(ds: &Dataset, dir: &Path, note: Option<&str>) -> Result<Vec<Chart>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::ToolkitError::file(dir, format!("cannot create: {e}")))?;
    let mut c = Canvas {
        dir,
        note,
        out: Vec::new(),
    };
    let t = target::chart(ds, &mut c)?;
    let ranked = features::ranked(ds, &t)?;
    features::charts(ds, &t, &ranked, &mut c)?;
    missing::chart(ds, &mut c)?;
    correlation::chart(ds, &ranked, &mut c)?;
    drift::charts(ds, &mut c)?;
    Ok(c.out)
}

/// Where charts are drawn and how they are titled, and the charts so far.
struct Canvas<'a> {
    dir: &'a Path,
    /// Said after every title when the charts read a sample ("50,000 of 250,000 rows").
    note: Option<&'a str>,
    out: Vec<Chart>,
}

impl Canvas<'_> {
    /// A title as drawn: with the sample's note.
    fn tag(&self, title: &str) -> String {
        match self.note {
            Some(n) => format!("{title} ({n})"),
            None => title.to_string(),
        }
    }
    /// Where a chart's file goes.
    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
    /// Records a drawn chart.
    fn add(&mut self, file: &str, title: &str, kind: &str, stats: String) {
        self.out.push(Chart {
            file: file.into(),
            title: self.tag(title),
            kind: kind.into(),
            stats,
        });
    }
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
