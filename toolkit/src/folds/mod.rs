//! Seeded fold assignment (stratified when labels are given, grouped or time-ordered when test
//! differs from train that way), shared by target encoding and CV.

mod key;

pub use key::{FoldKey, Split};

/// A small deterministic generator (SplitMix64): reproducible folds without a heavy dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A uniform number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// `n` of `rows` row indices, chosen by a seeded shuffle and returned in row order (a sample that
/// keeps the frame's order); every row when `rows <= n`.
pub fn sample(rows: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows).collect();
    if rows > n {
        Rng::new(seed).shuffle(&mut idx);
        idx.truncate(n);
        idx.sort_unstable();
    }
    idx
}

/// The fold (0..k) of each of `n` rows. With `strata`, each stratum is spread evenly over the folds.
pub fn assign(n: usize, k: usize, seed: u64, strata: Option<&[i64]>) -> Vec<usize> {
    let k = k.max(2).min(n.max(2));
    let mut rng = Rng::new(seed);
    let mut idx: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut idx);
    if let Some(s) = strata {
        // Stable sort by stratum after the shuffle: rows of one class are consecutive, in random order,
        // and dealing them round-robin balances every class across folds.
        idx.sort_by_key(|&i| s[i]);
    }
    let mut fold = vec![0; n];
    for (pos, &i) in idx.iter().enumerate() {
        fold[i] = pos % k;
    }
    fold
}

/// Time-ordered folds: rows sorted by `time` and cut into `k` contiguous blocks of equal size, so
/// no fold is scored on rows whose near neighbours in time it trained on. Rows without a time go
/// to seeded random folds.
pub fn assign_ordered(time: &[Option<i64>], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(2);
    let mut rng = Rng::new(seed);
    let mut fold: Vec<usize> = time.iter().map(|_| rng.below(k)).collect();
    let mut timed: Vec<usize> = (0..time.len()).filter(|&i| time[i].is_some()).collect();
    timed.sort_by_key(|&i| time[i]);
    let n = timed.len();
    for (pos, &i) in timed.iter().enumerate() {
        fold[i] = pos * k / n;
    }
    fold
}

/// Grouped folds: every row of a group in one fold, groups dealt largest first to the fold with
/// the fewest rows (ties broken by a seeded shuffle). Rows without a group go to random folds.
pub fn assign_grouped(group: &[Option<i64>], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(2);
    let mut sizes: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for g in group.iter().flatten() {
        *sizes.entry(*g).or_default() += 1;
    }
    let mut rng = Rng::new(seed);
    let mut groups: Vec<(i64, usize)> = sizes.into_iter().collect();
    groups.sort_unstable();
    rng.shuffle(&mut groups);
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut load = vec![0usize; k];
    let mut fold_of = std::collections::HashMap::with_capacity(groups.len());
    for (g, size) in groups {
        let f = (0..k).min_by_key(|&f| load[f]).unwrap_or(0);
        load[f] += size;
        fold_of.insert(g, f);
    }
    group
        .iter()
        .map(|g| g.map_or_else(|| rng.below(k), |g| fold_of[&g]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_deterministic_and_stratified() {
        let strata: Vec<i64> = (0..100).map(|i| i64::from(i < 30)).collect();
        let a = assign(100, 5, 7, Some(&strata));
        assert_eq!(a, assign(100, 5, 7, Some(&strata)));
        for f in 0..5 {
            assert_eq!(a.iter().filter(|&&x| x == f).count(), 20);
            assert_eq!((0..100).filter(|&i| a[i] == f && strata[i] == 1).count(), 6);
        }
        assert_ne!(a, assign(100, 5, 8, Some(&strata)));
    }

    #[test]
    fn time_folds_are_contiguous_blocks_in_time_order() {
        // Times in reverse row order: the latest rows come first.
        let time: Vec<Option<i64>> = (0..10).map(|i| Some(100 - i)).chain([None]).collect();
        let f = assign_ordered(&time, 5, 1);
        assert_eq!(&f[..10], &[4, 4, 3, 3, 2, 2, 1, 1, 0, 0]);
        assert!(f[10] < 5);
    }

    #[test]
    fn a_group_never_spans_two_folds_and_folds_stay_balanced() {
        // Groups of sizes 4, 3, 3, 2, 2, 1, 1 (16 rows) over 3 folds.
        let sizes = [4, 3, 3, 2, 2, 1, 1];
        let group: Vec<Option<i64>> = sizes
            .iter()
            .enumerate()
            .flat_map(|(g, &n)| std::iter::repeat_n(Some(g as i64), n))
            .collect();
        let f = assign_grouped(&group, 3, 9);
        for g in 0..sizes.len() as i64 {
            let folds: std::collections::BTreeSet<usize> = (0..group.len())
                .filter(|&i| group[i] == Some(g))
                .map(|i| f[i])
                .collect();
            assert_eq!(folds.len(), 1, "group {g} in folds {folds:?}");
        }
        let mut load: Vec<usize> = (0..3)
            .map(|k| f.iter().filter(|&&x| x == k).count())
            .collect();
        load.sort_unstable();
        assert_eq!(load, vec![5, 5, 6]);
        assert_eq!(f, assign_grouped(&group, 3, 9), "seeded");
    }
}
