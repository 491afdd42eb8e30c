//! Mean average precision at k for one true class per row: 1/rank of the true class among the
//! k most probable, 0 beyond k. The submission holds the k labels, space-separated.

use super::{Metric, classes};
use crate::spec::{Submission, Task};

/// MAP@k for a fixed k.
pub struct MapAtK {
    k: usize,
    name: &'static str,
    phrases: &'static [&'static str],
}

/// MAP@3, Kaggle's usual choice.
pub const MAP_AT_3: MapAtK = MapAtK {
    k: 3,
    name: "map_at_3",
    phrases: &[
        "map@3",
        "map @ 3",
        "map at 3",
        "mean average precision @ 3",
        "mean average precision at 3",
        "mean average precision @3",
        "map@k+3",
    ],
};

/// MAP@5.
pub const MAP_AT_5: MapAtK = MapAtK {
    k: 5,
    name: "map_at_5",
    phrases: &[
        "map@5",
        "map @ 5",
        "map at 5",
        "mean average precision @ 5",
        "mean average precision at 5",
        "mean average precision @5",
        "map@k+5",
    ],
};

/// The classes of row `i` from most to least probable (ties to the lower index).
pub fn ranked(p: &[Vec<f64>], i: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b][i].total_cmp(&p[a][i]).then(a.cmp(&b)));
    order
}

impl Metric for MapAtK {
    fn name(&self) -> &'static str {
        self.name
    }
    fn phrases(&self) -> &'static [&'static str] {
        self.phrases
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Multiclass]
    }
    fn submission(&self) -> Submission {
        Submission::RankedLabels
    }
    fn top_k(&self) -> usize {
        self.k
    }
    fn score(&self, y: &[Vec<f64>], p: &[Vec<f64>]) -> f64 {
        let n = classes::rows(y);
        let total: f64 = (0..n)
            .map(|i| {
                let truth = classes::true_class(y, i);
                ranked(p, i)
                    .iter()
                    .take(self.k)
                    .position(|&c| c == truth)
                    .map_or(0.0, |r| 1.0 / (r + 1) as f64)
            })
            .sum();
        total / n.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::classes::fixtures::*;
    use super::*;

    #[test]
    fn matches_kaggles_mapk() {
        // Kaggle's ml_metrics.mapk on each row's classes by descending probability.
        let (y, p) = multiclass();
        close(MAP_AT_3.score(&y, &p), 0.875);
        let one = MapAtK {
            k: 1,
            name: "map_at_1",
            phrases: &[],
        };
        close(one.score(&y, &p), 0.75);
    }
}
