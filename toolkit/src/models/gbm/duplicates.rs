//! Identical rows as one weighted row. A booster's loss over rows that agree in every feature and
//! the target is their count times one row's loss, so the engine fits the same trees on one row
//! weighted by the count. Kaggle's large tables are often a few hundred cells of categories
//! repeated: the suite's military_branch has 640,000 train rows and 1,557 distinct (features,
//! target) rows, wvs_bribe 192,000 and about 2,300; a fit then costs what a fit of those few
//! costs, so the budget pays for every row and every candidate instead of one booster on a sample.

use std::collections::HashMap;

use super::ColMajor;

/// Fewest rows worth looking for duplicates in: below it a fit is cheap already, and small data
/// keep their fits exactly as they were.
pub(super) const MIN_ROWS: usize = 20_000;

/// Rows read before giving up when they are mostly distinct, so a table without duplicates pays
/// for this many rows' hashes, not all of them.
const CHECK_ROWS: usize = 20_000;

/// Collapse only when it at least halves the rows.
const MIN_SHRINK: usize = 2;

/// The distinct rows of a matrix and target, and each one's weight.
#[derive(Debug, PartialEq)]
pub(super) struct Collapsed {
    /// Column-major features of the distinct rows, in order of first appearance.
    pub x: Vec<f64>,
    /// Their targets.
    pub y: Vec<f64>,
    /// The sum of the weights (1 each when none are given) of the rows each stands for.
    pub weights: Vec<f32>,
}

impl Collapsed {
    /// Distinct rows.
    pub fn rows(&self) -> usize {
        self.y.len()
    }
}

/// One bit pattern per value, so that every NaN is one value and -0 is 0.
fn bits(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// The distinct (features, target) rows of `data` and `y` with their summed weights `w`, or None
/// when there are fewer than [`MIN_ROWS`] rows or collapsing would not halve them.
pub(super) fn collapse(data: ColMajor, y: &[f64], w: Option<&[f32]>) -> Option<Collapsed> {
    let (rows, cols) = (data.rows, data.cols);
    if rows < MIN_ROWS {
        return None;
    }
    let value = |i: usize, j: usize| if j < cols { data.x[j * rows + i] } else { y[i] };
    let same = |a: usize, b: usize| (0..=cols).all(|j| bits(value(a, j)) == bits(value(b, j)));
    let hash = |i: usize| {
        (0..=cols).fold(0xcbf2_9ce4_8422_2325_u64, |h, j| {
            (h ^ bits(value(i, j)))
                .wrapping_mul(0x0100_0000_01b3)
                .rotate_left(29)
        })
    };
    // Each hash's distinct rows (their first row's index), and each distinct row's weight.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    let (mut first, mut weight): (Vec<usize>, Vec<f64>) = (Vec::new(), Vec::new());
    for i in 0..rows {
        if i == CHECK_ROWS && first.len() * MIN_SHRINK > CHECK_ROWS {
            return None;
        }
        let wi = w.map_or(1.0, |w| f64::from(w[i]));
        let group = seen.entry(hash(i)).or_default();
        match group.iter().find(|&&g| same(first[g], i)) {
            Some(&g) => weight[g] += wi,
            None => {
                group.push(first.len());
                first.push(i);
                weight.push(wi);
            }
        }
    }
    if first.len() * MIN_SHRINK > rows {
        return None;
    }
    let x = (0..cols)
        .flat_map(|j| first.iter().map(move |&i| data.x[j * rows + i]))
        .collect();
    Some(Collapsed {
        x,
        y: first.iter().map(|&i| y[i]).collect(),
        weights: weight.iter().map(|&v| v as f32).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` rows cycling through `distinct` values of one feature, the target its parity.
    fn cycle(n: usize, distinct: usize) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n).map(|i| (i % distinct) as f64).collect();
        let y = x.iter().map(|v| v % 2.0).collect();
        (x, y)
    }

    fn data(x: &[f64], cols: usize) -> ColMajor<'_> {
        ColMajor {
            x,
            rows: x.len() / cols,
            cols,
            categorical: &[],
        }
    }

    #[test]
    fn repeated_rows_become_one_row_each_weighted_by_their_count() {
        let (x, y) = cycle(MIN_ROWS, 4);
        let c = collapse(data(&x, 1), &y, None).expect("4 distinct rows of 20,000");
        assert_eq!(c.x, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(c.y, vec![0.0, 1.0, 0.0, 1.0]);
        assert_eq!(c.weights, vec![5000.0; 4]);
        // Given weights are summed; rows that agree in the features but not the target stay apart.
        let mut y2 = y.clone();
        y2[4] = 7.0;
        let w: Vec<f32> = (0..MIN_ROWS)
            .map(|i| if i < 8 { 0.5 } else { 1.0 })
            .collect();
        let c = collapse(data(&x, 1), &y2, Some(&w)).unwrap();
        assert_eq!(c.rows(), 5);
        assert_eq!(c.y, vec![0.0, 1.0, 0.0, 1.0, 7.0]);
        assert_eq!(c.weights, vec![4998.5, 4999.0, 4999.0, 4999.0, 0.5]);
    }

    #[test]
    fn missing_values_are_one_value_and_minus_zero_is_zero() {
        let mut x = vec![0.0; MIN_ROWS * 2];
        for i in 0..MIN_ROWS {
            x[i] = if i % 2 == 0 { f64::NAN } else { -f64::NAN };
            x[MIN_ROWS + i] = if i % 3 == 0 { -0.0 } else { 0.0 };
        }
        let y = vec![1.0; MIN_ROWS];
        let c = collapse(data(&x, 2), &y, None).unwrap();
        assert_eq!(c.rows(), 1);
        assert_eq!(c.weights, vec![MIN_ROWS as f32]);
    }

    #[test]
    fn small_or_mostly_distinct_tables_are_left_as_they_are() {
        let (x, y) = cycle(MIN_ROWS - 1, 4);
        assert_eq!(collapse(data(&x, 1), &y, None), None, "too few rows");
        let (x, y) = cycle(3 * MIN_ROWS, 3 * MIN_ROWS);
        assert_eq!(collapse(data(&x, 1), &y, None), None, "all distinct");
        // Distinct for the first rows read, repeated after: given up on at CHECK_ROWS.
        let x: Vec<f64> = (0..4 * CHECK_ROWS)
            .map(|i| i.min(CHECK_ROWS) as f64)
            .collect();
        let y = vec![0.0; x.len()];
        assert_eq!(collapse(data(&x, 1), &y, None), None, "given up early");
        // Exactly halved: collapsed; one row more than half distinct: not.
        let (x, y) = cycle(MIN_ROWS, MIN_ROWS / 2);
        assert_eq!(
            collapse(data(&x, 1), &y, None).unwrap().rows(),
            MIN_ROWS / 2
        );
    }
}
