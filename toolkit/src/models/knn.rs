//! k-nearest neighbours on standardised features: a model that errs unlike trees and lines, which
//! is what a blend gains from. A brute-force search (every query against every train row, on both
//! cores), so the search offers it on small data only.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};

/// Settings for k-nearest neighbours.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct KnnParams {
    /// Neighbours averaged.
    pub k: usize,
    /// Weight each neighbour by 1 / distance (else all equally).
    pub weighted: bool,
}

impl Default for KnnParams {
    fn default() -> Self {
        Self {
            k: 25,
            weighted: true,
        }
    }
}

/// A fitted neighbour model: the standardised train rows and their targets.
#[derive(Serialize, Deserialize)]
pub struct Knn {
    /// Train rows, row-major, standardised.
    rows: Vec<f64>,
    y: Vec<f64>,
    cols: usize,
    mean: Vec<f64>,
    scale: Vec<f64>,
    k: usize,
    weighted: bool,
}

/// A query at distance 0 from a train row would divide by zero; this keeps it finite and dominant.
const EPS: f64 = 1e-9;

impl Knn {
    /// Keeps a column-major matrix (`rows` x `cols`; NaN read as the column's mean) and `y`.
    pub fn fit(x: &[f64], rows: usize, cols: usize, y: &[f64], p: &KnnParams) -> Result<Self> {
        if rows == 0 || cols == 0 || p.k == 0 {
            return Err(ToolkitError::data(
                "k-nearest neighbours needs rows, features and k >= 1",
            ));
        }
        let mut mean = Vec::with_capacity(cols);
        let mut scale = Vec::with_capacity(cols);
        for j in 0..cols {
            let col = &x[j * rows..(j + 1) * rows];
            let finite: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
            let n = finite.len().max(1) as f64;
            let m = finite.iter().sum::<f64>() / n;
            let sd = (finite.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
            mean.push(m);
            // A constant column adds nothing to any distance.
            scale.push(if sd > 0.0 { 1.0 / sd } else { 0.0 });
        }
        let mut model = Self {
            rows: Vec::new(),
            y: y.to_vec(),
            cols,
            mean,
            scale,
            k: p.k,
            weighted: p.weighted,
        };
        model.rows = model.standardise(x, rows);
        Ok(model)
    }

    /// A column-major matrix as standardised rows (missing values at the mean, i.e. 0).
    fn standardise(&self, x: &[f64], rows: usize) -> Vec<f64> {
        let mut out = vec![0.0; rows * self.cols];
        for j in 0..self.cols {
            for i in 0..rows {
                let v = x[j * rows + i];
                out[i * self.cols + j] = if v.is_finite() {
                    (v - self.mean[j]) * self.scale[j]
                } else {
                    0.0
                };
            }
        }
        out
    }

    /// The (weighted) mean target of each query row's k nearest train rows.
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<f64>> {
        if x.len() != rows * self.cols {
            return Err(ToolkitError::data(format!(
                "k-nearest neighbours needs {} features per row",
                self.cols
            )));
        }
        let q = self.standardise(x, rows);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = rows.div_ceil(threads).max(1);
        let mut out = vec![0.0; rows];
        std::thread::scope(|s| {
            for (qs, os) in q.chunks(chunk * self.cols).zip(out.chunks_mut(chunk)) {
                s.spawn(move || {
                    let mut dist: Vec<(f64, usize)> = Vec::with_capacity(self.y.len());
                    for (row, o) in qs.chunks(self.cols).zip(os.iter_mut()) {
                        *o = self.one(row, &mut dist);
                    }
                });
            }
        });
        Ok(out)
    }

    fn one(&self, q: &[f64], dist: &mut Vec<(f64, usize)>) -> f64 {
        dist.clear();
        dist.extend(self.rows.chunks(self.cols).enumerate().map(|(i, r)| {
            let d: f64 = r.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum();
            (d, i)
        }));
        let k = self.k.min(dist.len());
        if k < dist.len() {
            dist.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0));
        }
        let (mut num, mut den) = (0.0, 0.0);
        for &(d2, i) in &dist[..k] {
            let w = if self.weighted {
                1.0 / (d2.sqrt() + EPS)
            } else {
                1.0
            };
            num += w * self.y[i];
            den += w;
        }
        num / den
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knn_averages_the_nearest_targets_plain_or_by_inverse_distance() {
        // One feature: train at 0, 1, 2 and 10 with targets 0, 0, 1, 1.
        let x = [0.0, 1.0, 2.0, 10.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let plain = Knn::fit(
            &x,
            4,
            1,
            &y,
            &KnnParams {
                k: 2,
                weighted: false,
            },
        )
        .unwrap();
        // 0.4: nearest 0 and 1; 9: nearest 10 and 2; 1.6: nearest 2 and 1.
        assert_eq!(
            plain.predict(&[0.4, 9.0, 1.6], 3).unwrap(),
            vec![0.0, 1.0, 0.5]
        );
        let weighted = Knn::fit(
            &x,
            4,
            1,
            &y,
            &KnnParams {
                k: 2,
                weighted: true,
            },
        )
        .unwrap();
        // 1.6 is 0.4 from the 1 and 0.6 from the 0: weights 1/0.4 and 1/0.6 give 0.6.
        let p = weighted.predict(&[1.6], 1).unwrap()[0];
        assert!((p - 0.6).abs() < 1e-6, "{p}");
        // A query on a train row takes its target; a missing value sits at the mean.
        assert!((weighted.predict(&[10.0], 1).unwrap()[0] - 1.0).abs() < 1e-6);
        let all = Knn::fit(
            &x,
            4,
            1,
            &y,
            &KnnParams {
                k: 9,
                weighted: false,
            },
        )
        .unwrap();
        assert_eq!(all.predict(&[f64::NAN], 1).unwrap(), vec![0.5]);
    }

    #[test]
    fn knn_standardises_so_a_wide_column_does_not_drown_a_narrow_one() {
        // Column a decides the target (0 or 1); column b is noise a thousand times wider.
        let a = [0.0, 0.0, 1.0, 1.0];
        let b = [0.0, 1000.0, 0.0, 1000.0];
        let x: Vec<f64> = a.iter().chain(&b).copied().collect();
        let y = [0.0, 0.0, 1.0, 1.0];
        let m = Knn::fit(
            &x,
            4,
            2,
            &y,
            &KnnParams {
                k: 1,
                weighted: false,
            },
        )
        .unwrap();
        // (a 0.9, b 400): nearest in standard units is (1, 0), so 1.
        assert_eq!(m.predict(&[0.9, 400.0], 1).unwrap(), vec![1.0]);
    }
}
