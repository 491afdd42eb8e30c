//! Stacking: a linear meta-model over the candidates' out-of-fold predictions (logistic regression on
//! their log-odds for a binary target, ridge regression on their values for a numeric one), the
//! greedy blend's rival. Its own score is out of fold too: each fold's rows are combined by a
//! meta-model fitted on the other folds' rows, so no row's label reaches its own prediction through
//! the meta-model.

use super::blend::Blend;
use super::cv::CvResult;
use super::decision::Decision;
use super::fitted::{Head, input, output};
use super::problem::Problem;
use crate::metrics::score;
use crate::spec::Task;

/// L2 penalty on the meta-model's weights (not the intercept): the candidates' predictions are
/// nearly collinear, and this keeps the fit solvable without pulling weights far from least squares.
const PENALTY: f64 = 1.0;

/// The stack over `results` on the folds `fold`, with its out-of-fold score, for single-output
/// binary and regression tasks with two models or more; None otherwise.
pub fn stack(p: &Problem, results: &[CvResult], fold: &[usize]) -> Option<Blend> {
    if results.len() < 2 || p.y.len() != 1 || !matches!(p.task, Task::Binary | Task::Regression) {
        return None;
    }
    let logistic = p.task == Task::Binary;
    let x: Vec<Vec<f64>> = results
        .iter()
        .map(|r| r.oof[0].iter().map(|&v| input(v, logistic)).collect())
        .collect();
    let y = &p.y[0];
    let k = fold.iter().max().map_or(1, |m| m + 1);
    let mut oof = vec![0.0; p.rows];
    for f in 0..k {
        let rows: Vec<usize> = (0..p.rows).filter(|&i| fold[i] != f).collect();
        let (w, b) = fit(&x, y, &rows, logistic)?;
        for i in (0..p.rows).filter(|&i| fold[i] == f) {
            oof[i] = output(
                b + w.iter().zip(&x).map(|(w, c)| w * c[i]).sum::<f64>(),
                logistic,
            );
        }
    }
    let all: Vec<usize> = (0..p.rows).collect();
    let (weights, intercept) = fit(&x, y, &all, logistic)?;
    Some(Blend {
        weights,
        score: score(p.metric, &p.y, &[oof]),
        head: Some(Head {
            intercept,
            logistic,
        }),
        decision: Decision::Argmax,
    })
}

/// Weights and intercept by Newton's method (one step for squared loss), over `rows`.
fn fit(x: &[Vec<f64>], y: &[f64], rows: &[usize], logistic: bool) -> Option<(Vec<f64>, f64)> {
    let m = x.len();
    let d = m + 1;
    let mut beta = vec![0.0; d];
    for _ in 0..(if logistic { 30 } else { 1 }) {
        let mut g = vec![0.0; d];
        let mut h = vec![vec![0.0; d]; d];
        for &i in rows {
            let z = beta[m] + (0..m).map(|j| beta[j] * x[j][i]).sum::<f64>();
            let (r, wt) = if logistic {
                let p = output(z, true);
                (p - y[i], (p * (1.0 - p)).max(1e-9))
            } else {
                (z - y[i], 1.0)
            };
            for a in 0..d {
                let xa = if a == m { 1.0 } else { x[a][i] };
                g[a] += r * xa;
                for (bb, hab) in h[a].iter_mut().enumerate() {
                    let xb = if bb == m { 1.0 } else { x[bb][i] };
                    *hab += wt * xa * xb;
                }
            }
        }
        for j in 0..m {
            g[j] += PENALTY * beta[j];
            h[j][j] += PENALTY;
        }
        let step = solve(h, g)?;
        let size = step.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        beta.iter_mut().zip(&step).for_each(|(b, s)| *b -= s);
        if size < 1e-10 {
            break;
        }
    }
    beta.iter().all(|b| b.is_finite()).then(|| {
        let b = beta.pop().unwrap_or(0.0);
        (beta, b)
    })
}

/// `a x = b` by Gaussian elimination with partial pivoting; None when `a` is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let (top, below) = a.split_at_mut(col + 1);
        let pivot = &top[col];
        for (r, row) in below.iter_mut().enumerate() {
            let f = row[col] / pivot[col];
            row[col..]
                .iter_mut()
                .zip(&pivot[col..])
                .for_each(|(x, p)| *x -= f * p);
            b[col + 1 + r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricId;

    fn result(name: &str, oof: Vec<f64>) -> CvResult {
        CvResult::of_oof(name, oof)
    }

    fn problem(y: Vec<f64>, task: Task, metric: MetricId) -> Problem {
        Problem::of_targets(y, task, metric)
    }

    #[test]
    fn a_ridge_stack_recovers_the_combination_that_makes_the_target() {
        // y = 2 a - b + 0.5 exactly, over 400 rows.
        let a: Vec<f64> = (0..400).map(|i| ((i * 37) % 101) as f64 / 10.0).collect();
        let b: Vec<f64> = (0..400).map(|i| ((i * 53) % 89) as f64 / 10.0).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 2.0 * a - b + 0.5).collect();
        let p = problem(y, Task::Regression, MetricId::must("rmse"));
        let fold: Vec<usize> = (0..400).map(|i| i % 5).collect();
        let s = stack(&p, &[result("a", a), result("b", b)], &fold).unwrap();
        let head = s.head.unwrap();
        assert!(!head.logistic);
        // The penalty of 1 against sums over 400 rows moves the weights by less than 1e-3.
        assert!((s.weights[0] - 2.0).abs() < 1e-3, "{:?}", s.weights);
        assert!((s.weights[1] + 1.0).abs() < 1e-3, "{:?}", s.weights);
        assert!((head.intercept - 0.5).abs() < 1e-2, "{}", head.intercept);
        assert!(s.score < 0.01, "out-of-fold RMSE {}", s.score);
    }

    #[test]
    fn a_logistic_stack_of_two_half_blind_models_beats_each_and_needs_two_of_them() {
        // The label is 1 when u + v > 0; one model sees only u, the other only v.
        let n = 600;
        let u: Vec<f64> = (0..n)
            .map(|i| ((i * 41) % 97) as f64 / 48.0 - 1.0)
            .collect();
        let v: Vec<f64> = (0..n)
            .map(|i| ((i * 29) % 83) as f64 / 41.0 - 1.0)
            .collect();
        let y: Vec<f64> = u
            .iter()
            .zip(&v)
            .map(|(a, b)| f64::from(u8::from(a + b > 0.0)))
            .collect();
        let sig = |z: f64| 1.0 / (1.0 + (-3.0 * z).exp());
        let pu: Vec<f64> = u.iter().map(|&z| sig(z)).collect();
        let pv: Vec<f64> = v.iter().map(|&z| sig(z)).collect();
        let p = problem(y.clone(), Task::Binary, MetricId::must("roc_auc"));
        let fold: Vec<usize> = (0..n).map(|i| i % 5).collect();
        let alone = |q: &[f64]| {
            score(
                MetricId::must("roc_auc"),
                std::slice::from_ref(&y),
                &[q.to_vec()],
            )
        };
        let s = stack(
            &p,
            &[result("u", pu.clone()), result("v", pv.clone())],
            &fold,
        )
        .unwrap();
        assert!(s.head.as_ref().unwrap().logistic);
        assert!(s.weights.iter().all(|&w| w > 0.5), "{:?}", s.weights);
        assert!(s.score > alone(&pu) + 0.05 && s.score > alone(&pv) + 0.05);
        assert!(s.score > 0.97, "{}", s.score);
        // One model, several outputs or multiclass: no stack.
        assert!(stack(&p, &[result("u", pu)], &fold).is_none());
        let mut multi = problem(vec![0.0; n], Task::Multiclass, MetricId::must("accuracy"));
        multi.y.push(vec![1.0; n]);
        assert!(stack(&multi, &[result("u", u), result("v", v)], &fold).is_none());
    }
}
