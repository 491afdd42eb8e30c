//! A cheap per-column summary of a frame: what the policy and the agents decide from, and what a person
//! reads first.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame::{self, DataFrame, Kind};

/// Summary of one column.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Polars dtype, printed.
    pub dtype: String,
    /// How tools see it.
    pub kind: Kind,
    /// Missing cells in train.
    pub missing: usize,
    /// Missing cells in test (0 for targets).
    pub missing_test: usize,
    /// Distinct non-missing values in train.
    pub distinct: usize,
    /// Minimum (numeric columns).
    pub min: Option<f64>,
    /// Maximum (numeric columns).
    pub max: Option<f64>,
    /// Mean (numeric columns).
    pub mean: Option<f64>,
    /// Standard deviation (numeric columns).
    pub std: Option<f64>,
    /// Sample skewness (numeric columns).
    pub skew: Option<f64>,
    /// The most frequent values with counts (text columns), at most five.
    pub top: Vec<(String, usize)>,
    /// Pearson correlation with the (first) target, encoded as a number.
    pub target_corr: Option<f64>,
    /// Whether this is the id or a target.
    pub role: &'static str,
}

/// Most train rows a profile reads; above it, everything but the missing counts comes from a seeded
/// sample of this many rows, so profiling a million rows costs what profiling this many does.
pub const PROFILE_ROWS: usize = 100_000;

/// Summary of a whole dataset.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// Train rows.
    pub rows: usize,
    /// Train rows the statistics were computed on: `rows`, or [`PROFILE_ROWS`] sampled. Compare
    /// `distinct` with this, not with `rows`.
    pub sampled: usize,
    /// Test rows.
    pub test_rows: usize,
    /// One entry per train column.
    pub columns: Vec<ColumnProfile>,
}

impl Profile {
    /// Profiles a dataset's train frame (and test's missing counts). Missing counts are exact; the
    /// rest is read from a seeded sample above [`PROFILE_ROWS`] rows.
    pub fn of(ds: &Dataset) -> Result<Self> {
        let rows = ds.train.height();
        let sample = frame::sample_rows(&ds.train, PROFILE_ROWS, 42)?;
        let target = ds.spec.targets.first();
        let y = match target {
            Some(t) => Some(encode_numeric(&sample, t)?),
            None => None,
        };
        let mut columns = Vec::new();
        for name in frame::names(&ds.train) {
            let mut c = profile_column(&sample, &name, y.as_deref())?;
            c.missing = frame::missing(&ds.train, &name)?;
            c.missing_test = if frame::has(&ds.test, &name) {
                frame::missing(&ds.test, &name)?
            } else {
                0
            };
            c.role = if name == ds.spec.id {
                "id"
            } else if ds.spec.targets.contains(&name) {
                c.target_corr = None;
                "target"
            } else {
                "feature"
            };
            columns.push(c);
        }
        Ok(Self {
            rows,
            sampled: sample.height(),
            test_rows: ds.test.height(),
            columns,
        })
    }

    /// The profile of one column, by name.
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column as numbers for correlation: numbers as they are, text as its category index (in sorted
/// order of the values).
pub fn encode_numeric(df: &DataFrame, col: &str) -> Result<Vec<Option<f64>>> {
    if matches!(frame::kind(df, col)?, Kind::Text) {
        frame::with_strs(df, col, |rows| {
            let rows: Vec<Option<&str>> = rows.collect();
            let mut sorted: Vec<&str> = rows.iter().flatten().copied().collect();
            sorted.sort_unstable();
            sorted.dedup();
            let codes: HashMap<&str, f64> = sorted
                .into_iter()
                .enumerate()
                .map(|(i, s)| (s, i as f64))
                .collect();
            rows.iter().map(|s| s.map(|s| codes[s])).collect()
        })
    } else {
        frame::f64s(df, col)
    }
}

/// Profiles one column; `y` is the encoded target for the correlation.
pub fn profile_column(
    df: &DataFrame,
    name: &str,
    y: Option<&[Option<f64>]>,
) -> Result<ColumnProfile> {
    let kind = frame::kind(df, name)?;
    let mut p = ColumnProfile {
        name: name.to_string(),
        dtype: frame::dtype_name(df, name)?,
        kind,
        missing: frame::missing(df, name)?,
        missing_test: 0,
        distinct: 0,
        min: None,
        max: None,
        mean: None,
        std: None,
        skew: None,
        top: vec![],
        target_corr: None,
        role: "feature",
    };
    match kind {
        Kind::Numeric | Kind::Bool => {
            let v = frame::f64s(df, name)?;
            let xs: Vec<f64> = v
                .iter()
                .flatten()
                .copied()
                .filter(|x| x.is_finite())
                .collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            sorted.dedup();
            p.distinct = sorted.len();
            if !xs.is_empty() {
                let m = Moments::of(&xs);
                p.min = sorted.first().copied();
                p.max = sorted.last().copied();
                p.mean = Some(m.mean);
                p.std = Some(m.std);
                p.skew = Some(m.skew);
            }
            if let Some(y) = y {
                p.target_corr = pearson(&v, y);
            }
        }
        _ => {
            let counts = frame::with_strs(df, name, |rows| {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for s in rows.flatten() {
                    *counts.entry(s).or_default() += 1;
                }
                counts
                    .into_iter()
                    .map(|(k, c)| (k.to_string(), c))
                    .collect::<Vec<(String, usize)>>()
            })?;
            p.distinct = counts.len();
            let mut top = counts;
            top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            top.truncate(5);
            p.top = top;
            if let Some(y) = y
                && p.distinct <= 50
            {
                p.target_corr = pearson(&encode_numeric(df, name)?, y);
            }
        }
    }
    Ok(p)
}

/// Mean, standard deviation and skewness of finite values.
#[derive(Clone, Copy, Debug)]
pub struct Moments {
    /// Mean.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Skewness (0 for a constant).
    pub skew: f64,
}

impl Moments {
    /// Moments of a non-empty slice.
    pub fn of(xs: &[f64]) -> Self {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let std = var.sqrt();
        let skew = if std > 0.0 {
            xs.iter().map(|x| ((x - mean) / std).powi(3)).sum::<f64>() / n
        } else {
            0.0
        };
        Self { mean, std, skew }
    }
}

/// Pearson correlation over rows where both are present and finite; None if either is constant.
pub fn pearson(x: &[Option<f64>], y: &[Option<f64>]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter_map(|(a, b)| Some((a.filter(|v| v.is_finite())?, b.filter(|v| v.is_finite())?)))
        .collect();
    if pairs.len() < 2 {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.abs() >= 1e5 || (x != 0.0 && x.abs() < 1e-3) => format!("{x:.3e}"),
        Some(x) => format!("{x:.3}"),
        None => "".into(),
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} train rows, {} test rows, {} columns",
            self.rows,
            self.test_rows,
            self.columns.len()
        )?;
        if self.sampled < self.rows {
            writeln!(
                f,
                "missing counts over all rows; the rest over a seeded sample of {} of {} train rows",
                self.sampled, self.rows
            )?;
        }
        writeln!(
            f,
            "{:<24} {:<8} {:<8} {:>7} {:>7} {:>8} {:>10} {:>10} {:>10} {:>7} {:>7}  top values",
            "column",
            "role",
            "dtype",
            "miss",
            "miss_t",
            "distinct",
            "min",
            "max",
            "mean",
            "skew",
            "corr"
        )?;
        for c in &self.columns {
            let top: Vec<String> = c
                .top
                .iter()
                .take(3)
                .map(|(k, n)| format!("{k}({n})"))
                .collect();
            let mut name = c.name.clone();
            if name.chars().count() > 24 {
                name = name.chars().take(23).collect::<String>() + "…";
            }
            let dtype: String = c.dtype.chars().take(8).collect();
            writeln!(
                f,
                "{:<24} {:<8} {:<8} {:>7} {:>7} {:>8} {:>10} {:>10} {:>10} {:>7} {:>7}  {}",
                name,
                c.role,
                dtype,
                c.missing,
                c.missing_test,
                c.distinct,
                num(c.min),
                num(c.max),
                num(c.mean),
                c.skew.map(|s| format!("{s:.2}")).unwrap_or_default(),
                c.target_corr.map(|s| format!("{s:.3}")).unwrap_or_default(),
                top.join(" ")
            )?;
        }
        Ok(())
    }
}
