//! The statistics the charts rank and state: ranges, least squares, drift (KS, total variation)
//! and a feature's relation to the target.

use std::collections::HashMap;

/// Finite minimum and maximum, widened when equal so an axis has room.
pub fn range(v: &[f64]) -> (f64, f64) {
    let lo = v
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::INFINITY, f64::min);
    let hi = v
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

/// The 0.5% and 99.5% quantiles (the full range when they coincide).
pub fn central_range(v: &[f64]) -> (f64, f64) {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.len() < 20 {
        return range(&s);
    }
    s.sort_by(f64::total_cmp);
    let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
    let (lo, hi) = (q(0.005), q(0.995));
    if hi - lo < 1e-12 { range(&s) } else { (lo, hi) }
}

/// Slope and intercept of the least-squares line.
pub fn least_squares(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len().max(1) as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

/// Two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs.
pub fn ks(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0_f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// Total variation distance between two category frequency tables.
pub(super) fn tvd(a: &[Option<String>], b: &[Option<String>]) -> f64 {
    fn freq(v: &[Option<String>]) -> HashMap<&str, f64> {
        let mut m: HashMap<&str, f64> = HashMap::new();
        for x in v {
            *m.entry(x.as_deref().unwrap_or("(missing)")).or_default() +=
                1.0 / v.len().max(1) as f64;
        }
        m
    }
    let (fa, fb) = (freq(a), freq(b));
    let keys: std::collections::HashSet<&&str> = fa.keys().chain(fb.keys()).collect();
    keys.iter()
        .map(|k| (fa.get(**k).unwrap_or(&0.0) - fb.get(**k).unwrap_or(&0.0)).abs())
        .sum::<f64>()
        / 2.0
}

pub(super) fn finite(v: &[Option<f64>]) -> Vec<f64> {
    v.iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect()
}

/// How strongly a feature relates to the target, in [0, 1]: |Pearson r| for numbers against a
/// numeric target; the correlation ratio (eta) of the target's (first class indicator's) mean
/// across categories or quantile bins otherwise. Comparable enough to rank features.
pub(super) fn relation(x: &[Option<String>], y: &[f64]) -> f64 {
    let mut groups: HashMap<&str, (f64, f64)> = HashMap::new();
    let my = y.iter().sum::<f64>() / y.len().max(1) as f64;
    for (g, v) in x.iter().zip(y) {
        let e = groups
            .entry(g.as_deref().unwrap_or("(missing)"))
            .or_default();
        e.0 += v;
        e.1 += 1.0;
    }
    let between: f64 = groups.values().map(|(s, n)| n * (s / n - my).powi(2)).sum();
    let total: f64 = y.iter().map(|v| (v - my).powi(2)).sum();
    if total > 0.0 {
        (between / total).sqrt()
    } else {
        0.0
    }
}

/// Quantile bin labels of a numeric column (10 bins), so numbers and text rank on one scale.
pub(super) fn binned(v: &[Option<f64>]) -> Vec<Option<String>> {
    let mut s = finite(v);
    s.sort_by(f64::total_cmp);
    let edges: Vec<f64> = (1..10)
        .map(|q| s.get(s.len() * q / 10).copied().unwrap_or(0.0))
        .collect();
    v.iter()
        .map(|x| {
            x.filter(|x| x.is_finite())
                .map(|x| edges.iter().filter(|e| x > **e).count().to_string())
        })
        .collect()
}
