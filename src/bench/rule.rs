//! The rule for defaults (docs/bench.md), computed from a results file rather than by hand: one
//! label against another on the splits both ran. A default changes only when the suite's paired
//! mean rises by more than two of its standard errors and no competition falls by more than two of
//! its own; a competition with one split has no standard error of its own, so the second clause
//! does not read it.

use std::fmt::Write;

use super::report::mean_se;
use super::suite::{Record, paired_diffs};

/// Differences smaller than this are "the same" (scores are written to about 1e-12).
const SAME: f64 = 1e-9;

/// One competition's paired difference.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub competition: String,
    pub splits: usize,
    pub mean: f64,
    /// None with one split.
    pub se: Option<f64>,
}

impl Moved {
    /// Below zero by more than two of its own standard errors (never with one split).
    pub fn falls(&self) -> bool {
        self.se.is_some_and(|se| self.mean < -2.0 * se - SAME)
    }
}

/// What the rule reads, and its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Largest rise first.
    pub moved: Vec<Moved>,
    pub mean: f64,
    pub se: f64,
    pub passes: bool,
}

/// The rule applied to `new` against `old`.
pub fn verdict(records: &[Record], new: &str, old: &str) -> Verdict {
    let mut moved: Vec<Moved> = paired_diffs(records, new, old)
        .into_iter()
        .map(|(competition, d)| {
            let (mean, se) = mean_se(&d);
            Moved {
                competition,
                splits: d.len(),
                mean,
                se: (d.len() > 1).then_some(se),
            }
        })
        .collect();
    moved.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    let means: Vec<f64> = moved.iter().map(|m| m.mean).collect();
    let (mean, se) = mean_se(&means);
    let passes = !moved.is_empty() && mean > 2.0 * se + SAME && !moved.iter().any(Moved::falls);
    Verdict {
        moved,
        mean,
        se,
        passes,
    }
}

/// The verdict as markdown: a row per competition that moved, then the suite's line and the answer.
pub fn table(records: &[Record], new: &str, old: &str) -> String {
    let v = verdict(records, new, old);
    let mut t = format!(
        "\n## {new} against {old}: the rule for defaults (docs/bench.md)\n\n| competition | splits | {new} − {old} (± SE) | |\n|---|---|---|---|\n"
    );
    let same = v.moved.iter().filter(|m| m.mean.abs() <= SAME).count();
    for m in v.moved.iter().filter(|m| m.mean.abs() > SAME) {
        let spread =
            m.se.map_or("one split".to_string(), |se| format!("± {se:.4}"));
        let note = if m.falls() {
            "falls beyond two of its own"
        } else {
            ""
        };
        let _ = writeln!(
            t,
            "| {} | {} | {:+.4} {spread} | {note} |",
            m.competition, m.splits, m.mean
        );
    }
    let falls: Vec<&str> = v
        .moved
        .iter()
        .filter(|m| m.falls())
        .map(|m| m.competition.as_str())
        .collect();
    let ratio = if v.se > 0.0 { v.mean / v.se } else { f64::NAN };
    let _ = writeln!(
        t,
        "\nOver {} competitions: {:+.4} ± {:.4} ({ratio:.2} standard errors); {same} the same; falling beyond two of their own: {}. {}",
        v.moved.len(),
        v.mean,
        v.se,
        if falls.is_empty() {
            "none".to_string()
        } else {
            falls.join(", ")
        },
        if v.passes {
            format!("By the rule, {new} may replace {old}.")
        } else {
            format!("By the rule, {new} does not replace {old}.")
        }
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::suite::test_record as rec;

    /// `a` rises by 0.03 on both splits, `b` by 0.01 and 0.03, `c` stays, `d` (one split) falls.
    fn records(d_new: f64) -> Vec<Record> {
        let mut r = Vec::new();
        for (c, seed, old, new) in [
            ("a", 1, 0.50, 0.53),
            ("a", 2, 0.60, 0.63),
            ("b", 1, 0.40, 0.41),
            ("b", 2, 0.40, 0.43),
            ("c", 1, 0.70, 0.70),
            ("c", 2, 0.70, 0.70),
            ("d", 1, 0.20, d_new),
        ] {
            r.push(rec(c, seed, "old", old));
            r.push(rec(c, seed, "new", new));
        }
        // A split only one label ran is not paired.
        r.push(rec("c", 3, "new", 0.10));
        r
    }

    #[test]
    fn a_rise_beyond_two_standard_errors_with_no_fall_passes() {
        let v = verdict(&records(0.195), "new", "old");
        let names: Vec<&str> = v.moved.iter().map(|m| m.competition.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!((v.moved[1].mean - 0.02).abs() < 1e-12);
        assert!((v.moved[1].se.unwrap() - 0.01).abs() < 1e-12);
        assert_eq!(v.moved[2].se, Some(0.0));
        assert_eq!(v.moved[3].se, None, "one split has no SE of its own");
        // Means 0.03, 0.02, 0, -0.005: mean 0.01125, SE 0.00826 (1.36 SE): no.
        assert!((v.mean - 0.01125).abs() < 1e-12);
        assert!((v.se - 0.008_260_094_8).abs() < 1e-9, "{}", v.se);
        assert!(!v.passes);
        // With d level the mean is 0.0125 ± 0.0075 (1.67 SE): still no.
        assert!(!verdict(&records(0.20), "new", "old").passes);
    }

    #[test]
    fn a_fall_beyond_its_own_noise_fails_a_rising_mean() {
        let mut r = records(0.25);
        for (seed, old, new) in [(1, 0.8, 0.79), (2, 0.8, 0.79)] {
            r.push(rec("e", seed, "old", old));
            r.push(rec("e", seed, "new", new));
        }
        for c in ["f", "g", "h", "i", "j", "k"] {
            r.push(rec(c, 1, "old", 0.5));
            r.push(rec(c, 1, "new", 0.53));
        }
        let v = verdict(&r, "new", "old");
        assert!(v.mean > 2.0 * v.se, "{} ± {}", v.mean, v.se);
        let e = v.moved.iter().find(|m| m.competition == "e").unwrap();
        assert!(
            e.falls(),
            "-0.01 on both splits: SE 0, below by more than two of it"
        );
        assert!(!v.passes);
        let t = table(&r, "new", "old");
        assert!(
            t.contains("| e | 2 | -0.0100 ± 0.0000 | falls beyond two of its own |"),
            "{t}"
        );
        assert!(t.contains("falling beyond two of their own: e."), "{t}");
        assert!(t.contains("does not replace old"), "{t}");
        // Without e it passes.
        r.retain(|x| x.competition != "e");
        assert!(verdict(&r, "new", "old").passes);
        let t = table(&r, "new", "old");
        assert!(t.contains("| d | 1 | +0.0500 one split |  |"), "{t}");
        assert!(t.contains("1 the same"), "{t}");
        assert!(t.contains("By the rule, new may replace old."), "{t}");
    }
}
