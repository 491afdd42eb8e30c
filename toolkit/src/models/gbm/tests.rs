use super::*;

#[test]
fn a_single_feature_is_used_even_with_column_sampling() {
    let x: Vec<f64> = (0..200).map(|i| f64::from(i) / 200.0).collect();
    let y: Vec<f64> = x.iter().map(|&v| f64::from(u8::from(v > 0.5))).collect();
    let p = GbmParams::default();
    assert_eq!(p.colsample, 0.8, "the case: 0.8 of one column");
    let data = ColMajor {
        x: &x,
        rows: 200,
        cols: 1,
        categorical: &[],
    };
    let g = Gbm::fit(data, &y, Loss::Logistic, &p, 1, None, None).unwrap();
    let pred = g.predict(&[0.1, 0.9], 2).unwrap();
    assert!(pred[0][0] < 0.1 && pred[0][1] > 0.9, "{pred:?}");
}

#[test]
fn softmax_gives_each_class_a_probability_that_sums_to_one() {
    // Three classes by thirds of one feature.
    let x: Vec<f64> = (0..300).map(|i| f64::from(i) / 300.0).collect();
    let y: Vec<f64> = x.iter().map(|&v| (v * 3.0).floor().min(2.0)).collect();
    let data = ColMajor {
        x: &x,
        rows: 300,
        cols: 1,
        categorical: &[],
    };
    let p = GbmParams::default();
    let g = Gbm::fit(data, &y, Loss::Softmax(3), &p, 1, None, None).unwrap();
    let pred = g.predict(&[0.1, 0.5, 0.9], 3).unwrap();
    assert_eq!(pred.len(), 3, "one output per class");
    for (row, want) in [0, 1, 2].into_iter().enumerate() {
        let s: f64 = pred.iter().map(|c| c[row]).sum();
        assert!((s - 1.0).abs() < 1e-5, "row {row} sums to {s}");
        assert!(pred[want][row] > 0.8, "row {row}: {pred:?}");
    }
}

#[test]
fn a_deadline_already_past_stops_after_the_first_round() {
    let x: Vec<f64> = (0..500).map(|i| f64::from(i % 97) / 97.0).collect();
    let y: Vec<f64> = x.iter().map(|v| v * 2.0).collect();
    let data = ColMajor {
        x: &x,
        rows: 500,
        cols: 1,
        categorical: &[],
    };
    let p = GbmParams::default();
    let g = Gbm::fit(data, &y, Loss::Squared, &p, 1, None, Some(Instant::now())).unwrap();
    assert_eq!(g.booster.num_boost_rounds(), 1, "of {}", p.iterations);
}

/// Two groups of 1,000 rows (`x` 0 or 1), the targets `y(i, x)`; a booster for `loss` fitted
/// on them, and the mean of `error(prediction, target)` over the rows.
fn two_groups(y: impl Fn(usize, f64) -> f64, loss: Loss, error: impl Fn(f64, f64) -> f64) -> f64 {
    let n = 2000;
    let x: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    let y: Vec<f64> = (0..n).map(|i| y(i, x[i])).collect();
    let data = ColMajor {
        x: &x,
        rows: n,
        cols: 1,
        categorical: &[],
    };
    let p = GbmParams {
        learning_rate: 0.3,
        subsample: 1.0,
        ..GbmParams::default()
    };
    let g = Gbm::fit(data, &y, loss, &p, 1, None, None).unwrap();
    let pred = g.predict(&x, n).unwrap().remove(0);
    pred.iter().zip(&y).map(|(&a, &b)| error(a, b)).sum::<f64>() / n as f64
}

#[test]
fn absolute_error_fits_the_median_where_squared_error_fits_the_mean() {
    // In each group 70% of targets sit at the group's level and 30% far above it. The median
    // is the level, the mean is pulled up; MAE rewards the median.
    let y = |i: usize, x: f64| 10.0 * x + if i % 10 < 3 { 50.0 } else { 0.0 };
    let mae = |loss| two_groups(y, loss, |p, t| (p - t).abs());
    let (l1, l2) = (mae(Loss::Absolute), mae(Loss::Squared));
    // The median predicts 0 and 10: MAE 0.3 x 50 = 15. The mean (15 and 25) gives 21.
    assert!((l1 - 15.0).abs() < 0.5, "absolute error: MAE {l1}");
    assert!(l2 > 20.0, "squared error: MAE {l2}");
}

#[test]
fn relative_error_fits_the_guess_a_percentage_error_rewards() {
    // In each group 40% of targets sit at a low level and 60% at ten times it. The median is
    // the high level (MAPE 0.4 x 9 = 3.6); the 1/|y|-weighted median is the low one (MAPE
    // 0.6 x 0.9 = 0.54), which is what MAPE rewards.
    let y = |i: usize, x: f64| (1.0 + x) * if i % 10 < 4 { 10.0 } else { 100.0 };
    let mape = |loss| two_groups(y, loss, |p, t| (p - t).abs() / t);
    let (relative, absolute) = (mape(Loss::Relative), mape(Loss::Absolute));
    assert!(
        (relative - 0.54).abs() < 0.02,
        "relative error: MAPE {relative}"
    );
    assert!(absolute > 3.0, "absolute error: MAPE {absolute}");
}

#[test]
fn leaves_bound_a_tree_grown_best_leaf_first() {
    // y = x0 XOR x1 (x0 on 70% of rows, x1 on 60%, so the first split gains something): one
    // split per tree (two leaves) adds up effects of one feature at a time and cannot learn
    // it; four leaves can.
    let n = 400;
    let x0: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 10 < 7))).collect();
    let x1: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 5 < 3))).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(x0[i] != x1[i])))
        .collect();
    let x = [x0, x1].concat();
    let data = ColMajor {
        x: &x,
        rows: n,
        cols: 2,
        categorical: &[],
    };
    let fit = |leaves| {
        let p = GbmParams {
            leaves: Some(leaves),
            max_depth: 12,
            subsample: 1.0,
            colsample: 1.0,
            ..GbmParams::default()
        };
        let g = Gbm::fit(data, &y, Loss::Logistic, &p, 1, None, None).unwrap();
        // The four cells (1, 1), (1, 0), (0, 1), (0, 0), whose labels are 0, 1, 1, 0.
        let cells = [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        g.predict(&cells, 4).unwrap().remove(0)
    };
    let off = |p: &[f64]| {
        let labels = [0.0, 1.0, 1.0, 0.0];
        p.iter()
            .zip(labels)
            .map(|(p, l)| (p - l).abs())
            .fold(0.0, f64::max)
    };
    let stumps = fit(2);
    assert!(
        off(&stumps) > 0.5,
        "two leaves cannot learn XOR: {stumps:?}"
    );
    let four = fit(4);
    assert!(off(&four) < 0.05, "four leaves learn it: {four:?}");
}

/// Eight categories, of which 0, 3, 5 and 6 are positive: no threshold on the codes separates
/// them, a category set does. One stump each way; an unseen category (code -1) goes to the split's
/// default side, as a missing value does, and a saved booster splits the same way.
#[test]
fn category_codes_split_by_sets_where_a_threshold_cannot() {
    let (x, y) = crate::testing::codes_in_no_order();
    let p = GbmParams {
        iterations: 1,
        learning_rate: 1.0,
        max_depth: 1,
        l2: 0.0,
        subsample: 1.0,
        colsample: 1.0,
        ..GbmParams::default()
    };
    let fit = |categorical: &[bool]| {
        let data = ColMajor {
            x: &x,
            rows: 400,
            cols: 1,
            categorical,
        };
        Gbm::fit(data, &y, Loss::Logistic, &p, 1, None, None).unwrap()
    };
    let cells: Vec<f64> = (0..8).map(f64::from).chain([-1.0, f64::NAN]).collect();
    let split = |g: &Gbm| {
        let pred = g.predict(&cells, 10).unwrap().remove(0);
        let right = (0..8)
            // Rows 0 to 7 hold codes 0 to 7.
            .filter(|&c| (pred[c] > 0.5) == (y[c] > 0.5))
            .count();
        (right, pred[8] == pred[9])
    };
    let (by_threshold, _) = split(&fit(&[]));
    assert!(by_threshold < 8, "a threshold got all eight right");
    let sets = fit(&[true]);
    assert_eq!(split(&sets), (8, true));
    let saved: Gbm = rmp_serde::from_slice(&rmp_serde::to_vec_named(&sets).unwrap()).unwrap();
    assert_eq!(
        saved.predict(&cells, 10).unwrap(),
        sets.predict(&cells, 10).unwrap()
    );
}

/// One tree of depth 2 on four groups: the left half of `x0` told apart by `x1`, the right half
/// by `x2`. A free tree splits each half on its own column and fits every group exactly; a
/// symmetric tree shares its second split between the halves, so one half stays one value.
#[test]
fn a_symmetric_tree_shares_one_split_per_level() {
    let n = 400;
    let on = |i: usize, k: usize| (i >> k) & 1 == 1;
    let bit = |i: usize, k: usize| f64::from(u8::from(on(i, k)));
    let mut x = vec![0.0; 3 * n];
    for i in 0..n {
        x[i] = bit(i, 0);
        x[n + i] = bit(i, 1);
        x[2 * n + i] = bit(i, 2);
    }
    let y: Vec<f64> = (0..n)
        .map(|i| match (on(i, 0), on(i, 1), on(i, 2)) {
            (false, l, _) => f64::from(u8::from(l)),
            (true, _, r) => 2.0 + 4.0 * f64::from(u8::from(r)),
        })
        .collect();
    let data = ColMajor {
        x: &x,
        rows: n,
        cols: 3,
        categorical: &[],
    };
    let mse = |symmetric| {
        let p = GbmParams {
            iterations: 1,
            learning_rate: 1.0,
            max_depth: 2,
            l2: 0.0,
            subsample: 1.0,
            colsample: 1.0,
            symmetric,
            ..GbmParams::default()
        };
        let g = Gbm::fit(data, &y, Loss::Squared, &p, 1, None, None).unwrap();
        let pred = g.predict(&x, n).unwrap().remove(0);
        pred.iter()
            .zip(&y)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            / n as f64
    };
    let (free, symmetric) = (mse(false), mse(true));
    assert!(free < 1e-9, "a free tree: {free}");
    // The shared split goes to the right half's wider gap (0 or 4 against 0 or 1); the left
    // half's targets 0 and 1 then share their mean, 0.5, off by 0.25 squared on half the rows.
    assert!(
        (symmetric - 0.125).abs() < 1e-6,
        "a symmetric tree: {symmetric}"
    );
}

/// 30,000 rows that are 1,400 distinct (features, target) rows repeated: 200 cells of two
/// features, seven targets in each.
fn repeated_cells() -> (Vec<f64>, Vec<f64>, usize) {
    let n = 30_000;
    let cell = |i: usize| (i % 20, (i / 20) % 10);
    let mut x = vec![0.0; 2 * n];
    let mut y = vec![0.0; n];
    for i in 0..n {
        let (a, b) = cell(i);
        x[i] = a as f64;
        x[n + i] = b as f64;
        y[i] = (a * b) as f64 / 20.0 + ((i / 200) % 7) as f64;
    }
    (x, y, n)
}

/// Fitting the distinct rows weighted by their counts is fitting every copy: the same
/// predictions to float rounding for each loss, and the held-out rows, collapsed too, stopping at
/// the same round. Absolute error's leaves are medians, which the engine interpolates between
/// the two middle copies and steps to one of them for weighted rows; both minimise the error, so
/// there the fits' errors agree.
#[test]
fn repeated_rows_fit_as_one_weighted_row_each_give_the_same_booster() {
    let (x, y, n) = repeated_cells();
    let data = ColMajor {
        x: &x,
        rows: n,
        cols: 2,
        categorical: &[],
    };
    assert_eq!(
        duplicates::collapse(data, &y, None).map(|c| c.rows()),
        Some(1_400)
    );
    let p = GbmParams {
        iterations: 60,
        learning_rate: 0.2,
        subsample: 1.0,
        colsample: 1.0,
        ..GbmParams::default()
    };
    let classes: Vec<f64> = y.iter().map(|v| (v / 3.0).floor().min(2.0)).collect();
    let binary: Vec<f64> = classes.iter().map(|&c| f64::from(c > 0.5)).collect();
    for (loss, target) in [
        (Loss::Squared, &y),
        (Loss::Relative, &y),
        (Loss::Logistic, &binary),
        (Loss::Softmax(3), &classes),
        (Loss::Absolute, &y),
    ] {
        let watch = Watch {
            x: data,
            y: target,
            patience: 5,
        };
        let fit = |collapse| {
            let g = Gbm::fit_rows(data, target, loss, &p, 1, Some(&watch), None, collapse);
            let g = g.unwrap();
            (g.best_trees(), g.predict(&x, n).unwrap())
        };
        let ((every_best, every), (few_best, few)) = (fit(false), fit(true));
        assert_eq!(every_best, few_best, "{loss:?}");
        if loss == Loss::Absolute {
            let mae = |p: &[Vec<f64>]| {
                p[0].iter()
                    .zip(target)
                    .map(|(p, t)| (p - t).abs())
                    .sum::<f64>()
                    / n as f64
            };
            let (a, b) = (mae(&every), mae(&few));
            assert!((a - b).abs() < 1e-3 * a, "{a} against {b}");
            continue;
        }
        for (ca, cb) in every.iter().zip(&few) {
            for (va, vb) in ca.iter().zip(cb) {
                assert!((va - vb).abs() < 1e-5, "{loss:?}: {va} against {vb}");
            }
        }
    }
}
