//! Exact values per tool on small frames, with test frames holding what train never saw.

use serde_json::json;

use super::{C, dataset, df, f, run1, run1_err, s};
use autokaggle_toolkit::Task;

fn small() -> autokaggle_toolkit::Dataset {
    let train = df(vec![
        (
            "id",
            C::F(vec![Some(1.), Some(2.), Some(3.), Some(4.), Some(5.)]),
        ),
        (
            "a",
            C::F(vec![Some(1.), Some(2.), None, Some(4.), Some(100.)]),
        ),
        (
            "b",
            C::F(vec![Some(2.), Some(2.), Some(2.), Some(2.), Some(2.)]),
        ),
        (
            "cat",
            C::S(vec![Some("x"), Some("y"), Some("x"), None, Some("x")]),
        ),
        (
            "y",
            C::F(vec![Some(1.), Some(0.), Some(1.), Some(0.), Some(1.)]),
        ),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(10.), Some(11.), Some(12.)])),
        ("a", C::F(vec![None, None, None])),
        ("b", C::F(vec![Some(2.), Some(3.), Some(2.)])),
        ("cat", C::S(vec![Some("z"), Some("y"), None])),
    ]);
    dataset(train, test, Task::Binary)
}

#[test]
fn fill_missing_learns_on_train_and_fills_a_column_missing_everywhere_in_test() {
    let ds = small();
    let (tr, te) = run1(
        &ds,
        "fill_missing",
        json!({"strategy": "median", "indicator": true}),
    );
    // median of 1, 2, 4, 100 = 3
    assert_eq!(
        f(&tr, "a"),
        vec![Some(1.), Some(2.), Some(3.), Some(4.), Some(100.)]
    );
    assert_eq!(f(&te, "a"), vec![Some(3.); 3]);
    assert_eq!(
        f(&tr, "a_was_missing"),
        vec![Some(0.), Some(0.), Some(1.), Some(0.), Some(0.)]
    );
    assert_eq!(f(&te, "a_was_missing"), vec![Some(1.); 3]);
    assert_eq!(s(&tr, "cat")[3].as_deref(), Some("x"));
    assert_eq!(
        s(&te, "cat"),
        vec![Some("z".into()), Some("y".into()), Some("x".into())]
    );
    let (tr, _) = run1(
        &ds,
        "fill_missing",
        json!({"columns": ["a"], "strategy": "mean"}),
    );
    assert_eq!(f(&tr, "a")[2], Some(26.75));
    let (tr, _) = run1(
        &ds,
        "fill_missing",
        json!({"columns": ["a"], "strategy": "constant", "value": -1}),
    );
    assert_eq!(f(&tr, "a")[2], Some(-1.0));
    // auto: skewed column (100 is far out) gets the median
    let (tr, _) = run1(&ds, "fill_missing", json!({"columns": ["a"]}));
    assert_eq!(f(&tr, "a")[2], Some(3.0));
    assert!(
        run1_err(&ds, "fill_missing", json!({"strategy": "constant"})).contains("needs `value`")
    );
}

#[test]
fn one_hot_gives_unseen_categories_all_zeros_and_caps_categories() {
    let ds = small();
    let (tr, te) = run1(&ds, "one_hot", json!({"columns": ["cat"]}));
    assert_eq!(
        f(&tr, "cat_x"),
        vec![Some(1.), Some(0.), Some(1.), Some(0.), Some(1.)]
    );
    assert_eq!(f(&te, "cat_x"), vec![Some(0.), Some(0.), Some(0.)]);
    assert_eq!(f(&te, "cat_y"), vec![Some(0.), Some(1.), Some(0.)]);
    assert!(!autokaggle_toolkit::frame::has(&te, "cat_z"));
    assert!(!autokaggle_toolkit::frame::has(&te, "cat"));
    let (tr, _) = run1(
        &ds,
        "one_hot",
        json!({"columns": ["cat"], "max_categories": 1}),
    );
    assert!(
        autokaggle_toolkit::frame::has(&tr, "cat_x")
            && !autokaggle_toolkit::frame::has(&tr, "cat_y")
    );
}

#[test]
fn ordinal_and_frequency_encoders_reserve_codes_for_unseen() {
    let ds = small();
    let (tr, te) = run1(&ds, "ordinal_encode", json!({}));
    assert_eq!(
        f(&tr, "cat"),
        vec![Some(0.), Some(1.), Some(0.), Some(-1.), Some(0.)]
    );
    assert_eq!(f(&te, "cat"), vec![Some(-1.), Some(1.), Some(-1.)]);
    let (tr, te) = run1(&ds, "ordinal_encode", json!({"order": {"cat": ["y", "x"]}}));
    assert_eq!(f(&tr, "cat")[0], Some(1.));
    assert_eq!(f(&te, "cat")[1], Some(0.));
    let (tr, te) = run1(&ds, "frequency_encode", json!({"columns": ["cat"]}));
    assert_eq!(
        f(&tr, "cat_freq"),
        vec![Some(0.6), Some(0.2), Some(0.6), Some(0.0), Some(0.6)]
    );
    assert_eq!(f(&te, "cat_freq"), vec![Some(0.0), Some(0.2), Some(0.0)]);
}

#[test]
fn target_encode_is_out_of_fold_on_train_and_full_on_test() {
    let ds = small();
    let (tr, te) = run1(
        &ds,
        "target_encode",
        json!({"columns": ["cat"], "smoothing": 1.0, "folds": 5}),
    );
    // Full table with prior 0.6, m = 1: x -> (3 + 0.6)/(3 + 1) = 0.9, y -> (0 + 0.6)/(1 + 1) = 0.3.
    let t = f(&te, "cat_te");
    assert!((t[0].unwrap() - 0.6).abs() < 1e-12, "unseen gets the prior");
    assert!((t[1].unwrap() - 0.3).abs() < 1e-12);
    assert!(
        (t[2].unwrap() - 0.6).abs() < 1e-12,
        "missing gets the prior"
    );
    // With 5 folds on 5 rows every train row is its own fold: its value never uses its own target.
    let v = f(&tr, "cat_te");
    // Row 0 (x, y=1): other rows are y=0 (y), 1 (x), 0 (missing), 1 (x): prior 0.5, x: (2 + 0.5)/(2 + 1).
    assert!((v[0].unwrap() - 2.5 / 3.0).abs() < 1e-12, "{v:?}");
    assert!(!autokaggle_toolkit::frame::has(&tr, "cat"));
}

#[test]
fn scale_clip_and_transforms_use_train_statistics() {
    let ds = small();
    let (tr, te) = run1(
        &ds,
        "scale",
        json!({"columns": ["b"], "method": "standard"}),
    );
    assert_eq!(
        f(&tr, "b"),
        vec![Some(0.0); 5],
        "a constant column maps to 0"
    );
    assert_eq!(f(&te, "b"), vec![Some(0.0); 3]);
    let (tr, _) = run1(&ds, "scale", json!({"columns": ["a"], "method": "min_max"}));
    assert_eq!(
        f(&tr, "a"),
        vec![
            Some(0.0),
            Some(1.0 / 99.0),
            None,
            Some(3.0 / 99.0),
            Some(1.0)
        ]
    );
    // IQR of 1,2,4,100: q1 = 1.75, q3 = 28; upper = 28 + 1.5 * 26.25 = 67.375
    let (tr, _) = run1(&ds, "clip_outliers", json!({"columns": ["a"]}));
    assert_eq!(f(&tr, "a")[4], Some(67.375));
    let (tr, _) = run1(&ds, "log1p", json!({"columns": ["a"]}));
    assert_eq!(f(&tr, "a")[0], Some(2f64.ln()));
    let (tr, _) = run1(&ds, "bin", json!({"columns": ["a"], "bins": 2}));
    assert_eq!(
        f(&tr, "a_bin"),
        vec![Some(0.), Some(0.), None, Some(1.), Some(1.)]
    );
    let (tr, _) = run1(&ds, "power_transform", json!({"columns": ["a"]}));
    assert!(f(&tr, "a")[4].unwrap() < 100.0);
}

#[test]
fn row_removing_tools_touch_train_only() {
    let ds = small();
    let (tr, te) = run1(
        &ds,
        "remove_outlier_rows",
        json!({"columns": ["a"], "max_fraction": 0.5}),
    );
    assert_eq!(tr.height(), 4);
    assert_eq!(te.height(), 3);
    assert!(
        run1_err(
            &ds,
            "remove_outlier_rows",
            json!({"columns": ["a"], "max_fraction": 0.1})
        )
        .contains("would remove 1 of 5")
    );
    let dup = df(vec![
        ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
        ("a", C::F(vec![Some(1.), Some(1.), Some(2.)])),
        ("y", C::F(vec![Some(0.), Some(0.), Some(1.)])),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(4.), Some(5.)])),
        ("a", C::F(vec![Some(1.), Some(1.)])),
    ]);
    let (tr, te) = run1(
        &super::dataset(dup, test, Task::Binary),
        "remove_duplicates",
        json!({}),
    );
    assert_eq!(f(&tr, "id"), vec![Some(1.), Some(3.)]);
    assert_eq!(te.height(), 2);
}

#[test]
fn split_string_group_aggregate_and_pairwise() {
    let train = df(vec![
        ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
        ("Cabin", C::S(vec![Some("B/0/P"), Some("F/12/S"), None])),
        ("g", C::S(vec![Some("a"), Some("a"), Some("b")])),
        ("x", C::F(vec![Some(1.), Some(3.), Some(10.)])),
        ("z", C::F(vec![Some(2.), Some(0.), Some(5.)])),
        ("y", C::F(vec![Some(0.), Some(1.), Some(1.)])),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(4.)])),
        ("Cabin", C::S(vec![Some("G/7/S")])),
        ("g", C::S(vec![Some("c")])),
        ("x", C::F(vec![Some(4.)])),
        ("z", C::F(vec![Some(2.)])),
    ]);
    let ds = dataset(train, test, Task::Binary);
    let (tr, te) = run1(
        &ds,
        "split_string",
        json!({"column": "Cabin", "delimiter": "/", "names": ["deck", "num", "side"]}),
    );
    assert_eq!(
        s(&tr, "deck"),
        vec![Some("B".into()), Some("F".into()), None]
    );
    assert_eq!(f(&tr, "num"), vec![Some(0.), Some(12.), None]);
    assert_eq!(f(&te, "num"), vec![Some(7.)]);
    assert_eq!(s(&te, "side"), vec![Some("S".into())]);
    let (tr, te) = run1(
        &ds,
        "group_aggregate",
        json!({"group_by": "g", "column": "x", "aggs": ["mean", "count"]}),
    );
    assert_eq!(f(&tr, "x_mean_by_g"), vec![Some(2.), Some(2.), Some(10.)]);
    assert_eq!(
        f(&te, "x_mean_by_g"),
        vec![Some(14.0 / 3.0)],
        "unseen group gets the overall mean"
    );
    assert_eq!(f(&te, "x_count_by_g"), vec![Some(0.)]);
    let (tr, te) = run1(
        &ds,
        "pairwise",
        json!({"pairs": [["x", "z"]], "ops": ["ratio", "sum"]}),
    );
    assert_eq!(f(&tr, "x_div_z"), vec![Some(0.5), None, Some(2.)]);
    assert_eq!(f(&te, "x_plus_z"), vec![Some(6.)]);
    let (tr, _) = run1(&ds, "polynomial", json!({"columns": ["x", "z"]}));
    assert_eq!(f(&tr, "x_x_x"), vec![Some(1.), Some(9.), Some(100.)]);
    assert_eq!(f(&tr, "x_x_z"), vec![Some(2.), Some(0.), Some(50.)]);
}

#[test]
fn datetime_pca_and_selection() {
    let train = df(vec![
        ("id", C::F(vec![Some(1.), Some(2.), Some(3.), Some(4.)])),
        (
            "d",
            C::S(vec![
                Some("2024-01-06"),
                Some("2024-02-29"),
                None,
                Some("2023-12-31"),
            ]),
        ),
        ("p", C::F(vec![Some(1.), Some(2.), Some(3.), Some(4.)])),
        ("q", C::F(vec![Some(2.), Some(4.), Some(6.), Some(8.)])),
        ("k", C::F(vec![Some(5.), Some(5.), Some(5.), Some(5.)])),
        ("y", C::F(vec![Some(0.), Some(0.), Some(1.), Some(1.)])),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(9.)])),
        ("d", C::S(vec![Some("garbage")])),
        ("p", C::F(vec![Some(2.5)])),
        ("q", C::F(vec![Some(5.)])),
        ("k", C::F(vec![Some(5.)])),
    ]);
    let ds = dataset(train, test, Task::Binary);
    let (tr, te) = run1(
        &ds,
        "datetime_parts",
        json!({"columns": ["d"], "parts": ["year", "month", "weekday", "weekend"]}),
    );
    assert_eq!(
        f(&tr, "d_year"),
        vec![Some(2024.), Some(2024.), None, Some(2023.)]
    );
    assert_eq!(f(&tr, "d_month")[1], Some(2.));
    assert_eq!(
        f(&tr, "d_weekday")[0],
        Some(5.),
        "2024-01-06 was a Saturday"
    );
    assert_eq!(f(&tr, "d_weekend")[0], Some(1.));
    assert_eq!(f(&te, "d_year"), vec![None]);
    let (tr, te) = run1(
        &ds,
        "pca",
        json!({"columns": ["p", "q"], "n_components": 1}),
    );
    // Standardised p and q are identical, so pca_0 = sqrt(2) * z; z for p = 1 is -1.5/sqrt(1.25).
    let z = -1.5 / 1.25f64.sqrt();
    assert!((f(&tr, "pca_0")[0].unwrap() - 2f64.sqrt() * z).abs() < 1e-9);
    assert!(
        f(&te, "pca_0")[0].unwrap().abs() < 1e-9,
        "the train mean projects to 0"
    );
    let (tr, te) = run1(&ds, "select_variance", json!({}));
    assert!(!autokaggle_toolkit::frame::has(&tr, "k") && !autokaggle_toolkit::frame::has(&te, "k"));
    let (tr, _) = run1(&ds, "select_correlation", json!({"max_pairwise": 0.99}));
    assert!(
        autokaggle_toolkit::frame::has(&tr, "p") != autokaggle_toolkit::frame::has(&tr, "q"),
        "one of two identical columns goes"
    );
}

#[test]
fn custom_feature_evaluates_row_wise_and_rejects_the_rest() {
    let ds = small();
    let (tr, te) = run1(
        &ds,
        "custom_feature",
        json!({"expr": "SELECT a * 2 + b AS a2"}),
    );
    assert_eq!(
        f(&tr, "a2"),
        vec![Some(4.), Some(6.), None, Some(10.), Some(202.)]
    );
    assert_eq!(f(&te, "a2"), vec![None; 3]);
    let (tr, _) = run1(
        &ds,
        "custom_feature",
        json!({"expr": "if(cat = 'x' and b >= 2, 1, 0)", "name": "is_x"}),
    );
    assert_eq!(
        f(&tr, "is_x"),
        vec![Some(1.), Some(0.), Some(1.), None, Some(1.)]
    );
    let (tr, _) = run1(
        &ds,
        "custom_feature",
        json!({"expr": "coalesce(a, -1) / 0", "name": "z"}),
    );
    assert_eq!(f(&tr, "z"), vec![None; 5], "division by zero is missing");
    for (expr, needle) in [
        ("sum(a)", "row-wise only"),
        ("SELECT a FROM train", "FROM"),
        ("system('ls')", "not allowed"),
        ("y + 1", "leaks"),
        ("a +", "ends too early"),
        ("nope + 1", "not in the frame"),
        ("a; b", "one expression"),
    ] {
        let e = run1_err(&ds, "custom_feature", json!({"expr": expr, "name": "n"}));
        assert!(e.contains(needle), "{expr}: {e}");
    }
}

#[test]
fn tools_refuse_to_touch_the_id_or_target() {
    let ds = small();
    for (tool, args) in [
        ("drop_columns", json!({"columns": ["id"]})),
        ("scale", json!({"columns": ["y"]})),
        ("custom_feature", json!({"expr": "a", "name": "y"})),
    ] {
        let e = run1_err(&ds, tool, args);
        assert!(e.contains("id or a target"), "{tool}: {e}");
    }
}

#[test]
fn convert_normalize_and_parse_datetime() {
    let train = df(vec![
        ("id", C::F(vec![Some(1.), Some(2.), Some(3.)])),
        ("t", C::S(vec![Some(" Male "), Some("male"), Some("")])),
        ("n", C::S(vec![Some("1.5"), Some("x"), Some("3")])),
        ("b", C::S(vec![Some("yes"), Some("No"), None])),
        (
            "d",
            C::S(vec![
                Some("31/12/2020"),
                Some("01/01/2021"),
                Some("15/06/2021"),
            ]),
        ),
        ("y", C::F(vec![Some(0.), Some(1.), Some(1.)])),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(4.)])),
        ("t", C::S(vec![Some("FEMALE")])),
        ("n", C::S(vec![Some("2")])),
        ("b", C::S(vec![Some("true")])),
        ("d", C::S(vec![Some("02/02/2022")])),
    ]);
    let ds = dataset(train, test, Task::Binary);
    let (tr, te) = run1(&ds, "normalize_strings", json!({"columns": ["t"]}));
    assert_eq!(
        s(&tr, "t"),
        vec![Some("male".into()), Some("male".into()), None]
    );
    assert_eq!(s(&te, "t"), vec![Some("female".into())]);
    let (tr, _) = run1(
        &ds,
        "convert_dtype",
        json!({"columns": ["n"], "to": "float"}),
    );
    assert_eq!(f(&tr, "n"), vec![Some(1.5), None, Some(3.)]);
    let (tr, te) = run1(
        &ds,
        "convert_dtype",
        json!({"columns": ["b"], "to": "bool"}),
    );
    assert_eq!(f(&tr, "b"), vec![Some(1.), Some(0.), None]);
    assert_eq!(f(&te, "b"), vec![Some(1.)]);
    let (tr, te) = run1(&ds, "parse_datetime", json!({"columns": ["d"]}));
    assert_eq!(
        autokaggle_toolkit::frame::kind(&tr, "d").unwrap(),
        autokaggle_toolkit::frame::Kind::Temporal
    );
    let (_, te2) = run1(
        &dataset(tr, te, Task::Binary),
        "datetime_parts",
        json!({"columns": ["d"], "parts": ["day"]}),
    );
    assert_eq!(f(&te2, "d_day"), vec![Some(2.)]);
}
