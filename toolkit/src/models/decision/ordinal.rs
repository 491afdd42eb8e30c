//! Ordinal cut points scored from counts. A cut search tries some six hundred cut vectors; scoring
//! each on every row (ten indicator columns and a confusion matrix over 192,000 rows) took 19 s of
//! a 50-s run, so tuning read a 20,000-row sample, whose cuts moved wvs_bribe's holdout kappa by
//! up to 0.003 on a split (docs/bench.md). Sorted once by their expected class, the rows give any
//! trial's confusion matrix from per-level running counts and a binary search per cut.

use crate::metrics::classes::count;
use crate::metrics::true_class;

/// Rows sorted by their expected class, with each true class's running count.
pub(super) struct Ranked {
    /// The expected class of every row, ascending.
    sorted: Vec<f64>,
    /// `below[t][j]`: rows of true class `t` among the first `j` sorted rows.
    below: Vec<Vec<u32>>,
}

impl Ranked {
    /// The rows of predictions `p` (one output, or one per class) and targets `y`.
    pub(super) fn new(y: &[Vec<f64>], p: &[Vec<f64>]) -> Self {
        let n = p.first().map_or(0, Vec::len);
        let mut rows: Vec<(f64, usize)> = (0..n)
            .map(|i| (super::expected(p, i), true_class(y, i)))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut below = vec![vec![0u32; n + 1]; count(y)];
        for (j, &(_, t)) in rows.iter().enumerate() {
            for (class, col) in below.iter_mut().enumerate() {
                col[j + 1] = col[j] + u32::from(class == t);
            }
        }
        Self {
            sorted: rows.into_iter().map(|(e, _)| e).collect(),
            below,
        }
    }

    /// `m[true][predicted]` for the rows decided by `cuts`: class j where exactly j cuts lie below
    /// the expected class, as [`super::Decision::Cuts`] decides (the last class takes any more).
    pub(super) fn confusion(&self, cuts: &[f64]) -> Vec<Vec<f64>> {
        let k = self.below.len();
        let mut cuts = cuts.to_vec();
        cuts.sort_by(f64::total_cmp);
        // Rows up to bounds[j + 1] have at most j cuts below them.
        let mut bounds = vec![0];
        bounds.extend(
            cuts.iter()
                .map(|&c| self.sorted.partition_point(|&e| e <= c)),
        );
        bounds.push(self.sorted.len());
        let mut m = vec![vec![0.0; k]; k];
        for (t, counts) in self.below.iter().enumerate() {
            for level in 0..bounds.len() - 1 {
                let n = counts[bounds[level + 1]] - counts[bounds[level]];
                m[t][level.min(k - 1)] += f64::from(n);
            }
        }
        m
    }
}
