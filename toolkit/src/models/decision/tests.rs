use super::Decision;
use crate::metrics::{MetricId, fixtures, predicted_class};

/// Deterministic numbers in [0, 1).
fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A rare positive class (1 row in 10) whose probabilities rarely pass 0.5.
fn rare_binary() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let u = uniform(400, 3);
    let y: Vec<f64> = (0..400).map(|i| f64::from(u8::from(i % 10 == 0))).collect();
    let p = y
        .iter()
        .zip(&u)
        .map(|(&t, &r)| {
            if t == 1.0 {
                0.2 + 0.4 * r
            } else {
                0.02 + 0.33 * r
            }
        })
        .collect();
    (vec![y], vec![p])
}

#[test]
fn mcc_on_a_rare_class_takes_the_best_threshold_there_is() {
    let (y, p) = rare_binary();
    let mcc = MetricId::must("mcc");
    let d = Decision::tune(mcc, &y, &p);
    let Decision::Threshold(t) = d else {
        panic!("{d:?}")
    };
    let tuned = mcc.score(&y, &d.apply(&p));
    // Every threshold there is, tried one by one: none beats the tuned one.
    let best = p[0]
        .iter()
        .map(|&t| mcc.score(&y, &Decision::Threshold(t).apply(&p)))
        .fold(f64::MIN, f64::max);
    assert!((tuned - best).abs() < 1e-12, "{tuned} vs {best}");
    let argmax = mcc.score(&y, &p);
    assert!(
        tuned > argmax + 0.3,
        "tuned {tuned} at {t}, argmax {argmax}"
    );
    // The remap keeps every row's side of the threshold, and the order of the rows.
    let q = d.apply(&p);
    for i in 0..400 {
        assert_eq!(predicted_class(&q, i), usize::from(p[0][i] > t));
        for j in 0..400 {
            assert_eq!(p[0][i] < p[0][j], q[0][i] < q[0][j]);
        }
    }
}

#[test]
fn f1_and_balanced_accuracy_tune_a_threshold_too_and_accuracy_keeps_argmax() {
    let (y, p) = rare_binary();
    for name in ["f1", "balanced_accuracy", "f1_macro"] {
        let m = MetricId::must(name);
        let d = Decision::tune(m, &y, &p);
        assert!(matches!(d, Decision::Threshold(_)), "{name}: {d:?}");
        assert!(
            m.better(m.score(&y, &d.apply(&p)), m.score(&y, &p)),
            "{name}"
        );
    }
    assert_eq!(
        Decision::tune(MetricId::must("accuracy"), &y, &p),
        Decision::Argmax
    );
}

/// Three classes; the third is rare and its probability is never the largest.
fn rare_multiclass() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let u = uniform(600, 11);
    let truth: Vec<usize> = (0..300)
        .map(|i| [0, 1, 0, 1, 0, 1, 0, 1, 0, 2][i % 10])
        .collect();
    let mut y = vec![vec![0.0; 300]; 3];
    let mut p = vec![vec![0.0; 300]; 3];
    for (i, &c) in truth.iter().enumerate() {
        y[c][i] = 1.0;
        let (a, b) = (u[2 * i], u[2 * i + 1]);
        let row = match c {
            0 => [0.55 + 0.2 * a, 0.3 - 0.2 * a, 0.15],
            1 => [0.3 - 0.2 * a, 0.55 + 0.2 * a, 0.15],
            _ => [0.4 - 0.1 * b, 0.3 + 0.1 * b, 0.3],
        };
        for k in 0..3 {
            p[k][i] = row[k];
        }
    }
    (y, p)
}

#[test]
fn macro_f1_weights_the_rare_class_up() {
    let (y, p) = rare_multiclass();
    let m = MetricId::must("f1_macro");
    let d = Decision::tune(m, &y, &p);
    let Decision::Weights(w) = &d else {
        panic!("{d:?}")
    };
    assert!(w[2] > w[0] && w[2] > w[1], "{w:?}");
    let (tuned, argmax) = (m.score(&y, &d.apply(&p)), m.score(&y, &p));
    // Argmax never names the third class: its F1 is 0 and the macro mean 2/3 at best.
    assert!(argmax <= 2.0 / 3.0 + 1e-12, "{argmax}");
    assert!(tuned > 0.95, "tuned {tuned}");
    // Weighted rows still sum to 1.
    let q = d.apply(&p);
    for i in 0..300 {
        assert!((q.iter().map(|c| c[i]).sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

/// Five ordered levels, most rows at level 0, each row's probabilities spread around its level
/// so that the most probable level is often the majority's and the expected level is informative.
fn ordinal() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let u = uniform(500, 5);
    let mut y = vec![vec![0.0; 500]; 5];
    let mut p = vec![vec![0.0; 500]; 5];
    for i in 0..500 {
        let level = [0, 0, 0, 0, 0, 1, 1, 2, 3, 4][i % 10];
        y[level][i] = 1.0;
        let centre = level as f64 * 0.6 + u[i] * 0.8;
        let raw: Vec<f64> = (0..5)
            .map(|k| (-(k as f64 - centre).powi(2)).exp() + if k == 0 { 1.2 } else { 0.0 })
            .collect();
        let s: f64 = raw.iter().sum();
        for k in 0..5 {
            p[k][i] = raw[k] / s;
        }
    }
    (y, p)
}

#[test]
fn kappa_cuts_the_expected_level_and_beats_the_most_probable_level() {
    let (y, p) = ordinal();
    let m = MetricId::must("qwk");
    let d = Decision::tune(m, &y, &p);
    let Decision::Cuts(c) = &d else {
        panic!("{d:?}")
    };
    assert_eq!(c.len(), 4);
    assert!(c.windows(2).all(|w| w[0] <= w[1]), "{c:?}");
    let (tuned, argmax) = (m.score(&y, &d.apply(&p)), m.score(&y, &p));
    assert!(tuned > argmax + 0.1, "tuned {tuned}, argmax {argmax}");
    // Each row is one level.
    let q = d.apply(&p);
    for i in 0..500 {
        assert_eq!(q.iter().map(|col| col[i]).sum::<f64>(), 1.0);
    }
}

#[test]
fn a_rule_reads_back_as_written_and_a_model_saved_before_rules_reads_as_argmax() {
    for d in [
        Decision::Argmax,
        Decision::Threshold(0.25),
        Decision::Weights(vec![1.0, 2.0]),
        Decision::Cuts(vec![0.4, 1.6]),
    ] {
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Decision>(&text).unwrap(), d);
    }
    assert_eq!(
        serde_json::to_string(&Decision::Threshold(0.25)).unwrap(),
        r#"{"threshold":0.25}"#
    );
}

#[test]
fn candidates_are_scored_for_kappa_on_the_rounded_expected_class_not_the_commonest() {
    let qwk = MetricId::must("qwk");
    assert_eq!(Decision::untuned(qwk, 3), Decision::Cuts(vec![0.5, 1.5]));
    assert_eq!(Decision::untuned(qwk, 1), Decision::Argmax);
    assert_eq!(
        Decision::untuned(MetricId::must("mcc"), 3),
        Decision::Argmax
    );
    // Class 0 is the most probable on every row, while the expected class follows the label:
    // rounded, it is 0, 0, 1, 1, 1, 1 for labels 0, 0, 1, 1, 2, 2.
    let (y, p) = fixtures::columns(
        &[0, 0, 1, 1, 2, 2],
        &[
            [0.7, 0.2, 0.1],
            [0.8, 0.1, 0.1],
            [0.4, 0.35, 0.25],
            [0.45, 0.3, 0.25],
            [0.4, 0.25, 0.35],
            [0.38, 0.3, 0.32],
        ],
    );
    // scikit-learn: cohen_kappa_score([0,0,1,1,2,2], [0,0,1,1,1,1], weights="quadratic").
    let rounded = Decision::untuned(qwk, 3).score(qwk, &y, &p);
    fixtures::close(rounded, 0.666_666_666_666_666_7);
    assert_eq!(Decision::Argmax.score(qwk, &y, &p), 0.0);
}

#[test]
fn a_trials_counts_from_the_sorted_rows_are_the_rows_own_confusion_and_kappa() {
    // Five ordered levels on 500 rows; cut vectors sorted, unsorted, equal, below and above every
    // row: the counts and kappa are those of the rule applied row by row, to the last bit.
    let (y, p) = ordinal();
    let qwk = MetricId::must("qwk");
    let ranked = super::ordinal::Ranked::new(&y, &p);
    for cuts in [
        vec![0.5, 1.5, 2.5, 3.5],
        vec![1.2, 0.3, 3.9, 2.2],
        vec![1.0, 1.0, 1.0, 1.0],
        vec![-1.0, -1.0, 9.0, 9.0],
        vec![0.9, 1.7, 2.05, 3.3],
    ] {
        let rule = Decision::Cuts(cuts.clone());
        let by_rows = crate::metrics::confusion(&y, &rule.apply(&p));
        assert_eq!(ranked.confusion(&cuts), by_rows, "{cuts:?}");
        assert_eq!(
            qwk.score_confusion(&ranked.confusion(&cuts)),
            Some(rule.score(qwk, &y, &p)),
            "{cuts:?}"
        );
    }
    assert_eq!(
        MetricId::must("accuracy").score_confusion(&[vec![1.0]]),
        None
    );
}
