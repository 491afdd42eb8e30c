//! The suite's table: per competition, our normalized holdout score (mean ± standard error over
//! its splits), the CV estimate beside it, the time, and each reference model's score on the same
//! splits; then, over the suite, each model's mean and the paired difference to ours with its
//! standard error and win rate. Paired means only use splits both models ran on.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::suite::{Entry, Record, paired_diffs};

/// Mean and standard error of the mean (0 for one value; NaN for none).
pub fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (mean, 0.0);
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// A table cell: four decimals (signed when a difference), or a dash when there is no value.
fn cell(v: f64, signed: bool) -> String {
    match (v.is_finite(), signed) {
        (false, _) => "—".to_string(),
        (true, true) => format!("{v:+.4}"),
        (true, false) => format!("{v:.4}"),
    }
}

/// Per-competition mean of `ours - other` over the seeds both ran, for every competition both ran.
fn paired(records: &[Record], ours: &str, other: &str) -> BTreeMap<String, f64> {
    paired_diffs(records, ours, other)
        .into_iter()
        .map(|(c, d)| (c, mean_se(&d).0))
        .collect()
}

fn of<'a>(records: &'a [Record], comp: &str, model: &str) -> Vec<&'a Record> {
    records
        .iter()
        .filter(|r| r.competition == comp && r.model == model)
        .collect()
}

/// The markdown table of a sweep, `ours` being the label our runs carry.
pub fn table(entries: &[Entry], records: &[Record], ours: &str) -> String {
    let mut models: Vec<String> = records.iter().map(|r| r.model.clone()).collect();
    models.sort();
    models.dedup();
    models.retain(|m| m != ours);
    let mut t = summary(entries, records, ours, &models);
    let _ = write!(
        t,
        "\n| competition | metric | train rows | splits | {ours} normalized (± SE) | holdout | CV as chosen | nested CV | gap as chosen | gap nested | seconds | failed |"
    );
    for m in &models {
        let _ = write!(t, " {m} |");
    }
    let _ = writeln!(t, "\n|{}", "---|".repeat(12 + models.len()));
    let (mut gaps, mut nested_gaps) = (Vec::new(), Vec::new());
    for e in entries {
        let rs = of(records, &e.name, ours);
        if rs.is_empty() {
            continue;
        }
        let (row, g, gn) = competition_row(&e.name, &rs);
        t.push_str(&row);
        gaps.extend(g.is_finite().then_some(g));
        nested_gaps.extend(gn.is_finite().then_some(gn));
        for m in &models {
            let v: Vec<f64> = of(records, &e.name, m)
                .iter()
                .map(|r| r.normalized)
                .collect();
            if v.is_empty() {
                let _ = write!(t, " |");
            } else {
                let _ = write!(t, " {:.4} |", mean_se(&v).0);
            }
        }
        t.push('\n');
    }
    let (g, gse) = mean_se(&gaps);
    let (gn, gnse) = mean_se(&nested_gaps);
    let nested_line = if gn.is_finite() {
        format!("{gn:+.4} ± {gnse:.4}")
    } else {
        "—".to_string()
    };
    let _ = writeln!(
        t,
        "\nMean CV − holdout gap (normalized): as chosen {g:+.4} ± {gse:.4} over {} competitions; nested {nested_line} over {}.",
        gaps.len(),
        nested_gaps.len()
    );
    t
}

/// The suite-level rows: each model's mean normalized score over its competitions, and the paired
/// difference to ours with its standard error and how often ours is at least as good.
fn summary(entries: &[Entry], records: &[Record], ours: &str, models: &[String]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| model | competitions | mean normalized | {ours} minus model (paired, ± SE) | {ours} at least as good |\n|---|---|---|---|---|"
    );
    let means = |m: &str| -> Vec<f64> {
        entries
            .iter()
            .filter_map(|e| {
                let v: Vec<f64> = of(records, &e.name, m)
                    .iter()
                    .map(|r| r.normalized)
                    .collect();
                (!v.is_empty()).then(|| mean_se(&v).0)
            })
            .collect()
    };
    let ours_means = means(ours);
    let _ = writeln!(
        t,
        "| {ours} | {} | {:.4} | | |",
        ours_means.len(),
        mean_se(&ours_means).0
    );
    for other in models {
        let d: Vec<f64> = paired(records, ours, other).into_values().collect();
        let (dm, dse) = mean_se(&d);
        let wins = d.iter().filter(|&&x| x >= -1e-9).count();
        let theirs = means(other);
        let _ = writeln!(
            t,
            "| {other} | {} | {:.4} | {dm:+.4} ± {dse:.4} | {wins} of {} |",
            theirs.len(),
            mean_se(&theirs).0,
            d.len()
        );
    }
    t
}

/// Our cells of one competition's row (without the references'), and how optimistic the CV as
/// chosen and the nested CV were on the normalized scale (NaN when no run has them).
fn competition_row(name: &str, rs: &[&Record]) -> (String, f64, f64) {
    let field = |f: &dyn Fn(&Record) -> Option<f64>| -> Vec<f64> {
        rs.iter().filter_map(|r| f(r)).collect()
    };
    let (norm, se) = mean_se(&field(&|r| Some(r.normalized)));
    let (hold, _) = mean_se(&field(&|r| r.score));
    let (cv, _) = mean_se(&field(&|r| r.cv));
    let (nested, _) = mean_se(&field(&|r| r.cv_nested));
    let gap_of = |f: &dyn Fn(&Record) -> Option<f64>| {
        let v: Vec<f64> = rs
            .iter()
            .filter(|r| r.error.is_none())
            .filter_map(|r| Some(f(r)? - r.normalized))
            .collect();
        mean_se(&v).0
    };
    let g = gap_of(&|r| r.cv_normalized);
    let gn = gap_of(&|r| r.cv_nested_normalized);
    let (secs, _) = mean_se(&field(&|r| Some(r.seconds)));
    let rows = rs.iter().find_map(|r| r.train_rows).unwrap_or(0);
    let metric = rs
        .iter()
        .map(|r| r.metric.as_str())
        .find(|m| !m.is_empty())
        .unwrap_or("");
    let failed = rs.iter().filter(|r| r.error.is_some()).count();
    let row = format!(
        "| {name} | {metric} | {rows} | {} | {norm:.4} ± {se:.4} | {hold:.4} | {cv:.4} | {} | {g:+.4} | {} | {secs:.1} | {failed} |",
        rs.len(),
        cell(nested, false),
        cell(gn, true)
    );
    (row, g, gn)
}

#[cfg(test)]
mod tests {
    use super::super::suite::{Entry, test_record as rec};
    use super::{mean_se, table};

    #[test]
    fn mean_and_standard_error() {
        let (m, se) = mean_se(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((se - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_se(&[5.0]), (5.0, 0.0));
    }

    #[test]
    fn pairs_only_splits_both_models_ran() {
        let entries = vec![
            Entry {
                name: "a".into(),
                dir: "a".into(),
                seeds: vec![1, 2],
            },
            Entry {
                name: "b".into(),
                dir: "b".into(),
                seeds: vec![1],
            },
        ];
        let records = vec![
            rec("a", 1, "ours", 0.6),
            rec("a", 2, "ours", 0.8),
            rec("a", 1, "lgbm", 0.5),
            rec("b", 1, "ours", 0.4),
            rec("b", 1, "lgbm", 0.5),
        ];
        let t = table(&entries, &records, "ours");
        // a: only seed 1 is paired, +0.1; b: -0.1. Mean 0, SE 0.1, one win of two.
        assert!(
            t.contains("| lgbm | 2 | 0.5000 | +0.0000 ± 0.1000 | 1 of 2 |"),
            "{t}"
        );
        // Ours: a's mean 0.7, b's 0.4: the suite mean 0.55.
        assert!(t.contains("| ours | 2 | 0.5500 | | |"), "{t}");
        assert!(
            t.contains("| a | accuracy | 100 | 2 | 0.7000 ± 0.1000 |"),
            "{t}"
        );
        assert!(
            t.contains("as chosen +0.0100 ± 0.0000 over 2 competitions; nested — over 0"),
            "{t}"
        );
    }
}
