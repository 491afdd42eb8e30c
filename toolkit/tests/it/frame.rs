//! The column helpers every tool goes through: values, holes and NaN survive the trip in and out;
//! samples are seeded subsets in row order; a Parquet file's shape reads from its footer.

use autokaggle_toolkit::frame;
use autokaggle_toolkit::profile::{PROFILE_ROWS, Profile};
use autokaggle_toolkit::{Program, Step, Task};
use serde_json::json;

use super::{C, dataset, df, f};

#[test]
fn floats_keep_holes_and_nan_apart_and_models_read_both_as_nan() {
    let d = df(vec![(
        "a",
        C::F(vec![Some(1.5), None, Some(f64::NAN), Some(-2.0)]),
    )]);
    let back = f(&d, "a");
    assert_eq!(back[0], Some(1.5));
    assert_eq!(back[1], None);
    assert!(back[2].is_some_and(f64::is_nan));
    assert_eq!(back[3], Some(-2.0));
    let nan = frame::f64s_nan(&d, "a").unwrap();
    assert_eq!((nan[0], nan[3]), (1.5, -2.0));
    assert!(nan[1].is_nan() && nan[2].is_nan());
    assert_eq!(frame::missing(&d, "a").unwrap(), 2);
    // A complete column is stored without a validity mask and reads back the same.
    let mut d = frame::empty(3);
    frame::put_f64(&mut d, "b", vec![Some(0.1), Some(0.2), Some(0.3)]).unwrap();
    frame::put_f64_full(&mut d, "c", vec![7.0, 8.0, 9.0]).unwrap();
    assert_eq!(f(&d, "b"), vec![Some(0.1), Some(0.2), Some(0.3)]);
    assert_eq!(frame::f64s_nan(&d, "c").unwrap(), vec![7.0, 8.0, 9.0]);
    assert!(frame::complete(&d, "b").unwrap());
    // Text reads as the numbers it holds: models see NaN where it does not parse.
    let t = df(vec![("t", C::S(vec![Some(" 3.5"), Some("x"), None]))]);
    let t = frame::f64s_nan(&t, "t").unwrap();
    assert_eq!(t[0], 3.5);
    assert!(t[1].is_nan() && t[2].is_nan());
}

#[test]
fn a_sample_is_a_seeded_subset_in_row_order() {
    let d = df(vec![(
        "i",
        C::F((0..1000).map(|i| Some(i as f64)).collect()),
    )]);
    assert_eq!(frame::sample_rows(&d, 1000, 1).unwrap().height(), 1000);
    let a = f(&frame::sample_rows(&d, 100, 7).unwrap(), "i");
    let b = f(&frame::sample_rows(&d, 100, 7).unwrap(), "i");
    let c = f(&frame::sample_rows(&d, 100, 8).unwrap(), "i");
    assert_eq!(a.len(), 100);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.windows(2).all(|w| w[0] < w[1]), "rows keep their order");
}

#[test]
fn a_parquet_shape_reads_from_the_footer_and_a_broken_file_is_named() {
    let dir = std::env::temp_dir().join(format!("ak-frame-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.parquet");
    let d = df(vec![
        ("a", C::F(vec![Some(1.0), None, Some(3.0)])),
        ("s", C::S(vec![Some("x"), None, Some("z")])),
    ]);
    frame::write_parquet(&d, &path).unwrap();
    assert_eq!(frame::parquet_shape(&path).unwrap(), (3, 2));
    let back = frame::read_parquet(&path).unwrap();
    assert!(back.equals_missing(&d));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let e = frame::parquet_shape(&path).unwrap_err().to_string();
    assert!(
        e.contains("t.parquet") && e.contains("not a readable Parquet file"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_step_log_names_only_the_columns_a_step_changed() {
    let train = df(vec![
        ("id", C::F(vec![Some(1.0), Some(2.0), Some(3.0)])),
        ("a", C::F(vec![Some(1.0), None, Some(3.0)])),
        ("b", C::F(vec![Some(4.0), Some(5.0), Some(6.0)])),
        ("y", C::F(vec![Some(0.0), Some(1.0), Some(0.0)])),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(4.0)])),
        ("a", C::F(vec![None])),
        ("b", C::F(vec![Some(1.0)])),
    ]);
    let ds = dataset(train, test, Task::Binary);
    let p = Program {
        steps: vec![Step::new("fill_missing", json!({"strategy": "mean"}))],
    };
    let (out, logs) = p.run(&ds, 0, &mut |_, _| {}).unwrap();
    assert_eq!(logs[0].changed, vec!["a".to_string()]);
    assert_eq!(f(&out.train, "a"), vec![Some(1.0), Some(2.0), Some(3.0)]);
    assert_eq!(f(&out.test, "a"), vec![Some(2.0)]);
}

#[test]
fn a_large_profile_counts_missing_cells_exactly_and_says_what_it_sampled() {
    let n = PROFILE_ROWS + 20_000;
    // Every 10th value missing: 12,000 holes, exact however the sample falls.
    let a: Vec<Option<f64>> = (0..n).map(|i| (i % 10 != 0).then_some(i as f64)).collect();
    let train = df(vec![
        ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
        ("a", C::F(a)),
        ("y", C::F((0..n).map(|i| Some((i % 2) as f64)).collect())),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(0.0), Some(1.0)])),
        ("a", C::F(vec![None, Some(1.0)])),
    ]);
    let p = Profile::of(&dataset(train, test, Task::Binary)).unwrap();
    assert_eq!((p.rows, p.sampled), (n, PROFILE_ROWS));
    let a = p.column("a").unwrap();
    assert_eq!((a.missing, a.missing_test), (12_000, 1));
    // The id is distinct in every sampled row.
    assert_eq!(p.column("id").unwrap().distinct, PROFILE_ROWS);
    assert!(p.to_string().contains(&format!(
        "the rest over a seeded sample of {PROFILE_ROWS} of {n} train rows"
    )));
}
