//! EDA charts: chosen by informativeness, drawn as real PNGs, with the statistics they show.

use autokaggle_toolkit::eda::{self, Chart};
use autokaggle_toolkit::{Dataset, Task};

use super::competitions::shared;
use super::{C, dataset, df};

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn check(charts: &[Chart], dir: &std::path::Path) {
    for c in charts {
        let bytes = std::fs::read(dir.join(&c.file)).unwrap();
        assert_eq!(png_size(&bytes), eda::plot::SIZE, "{}", c.file);
        // A blank 760x440 PNG compresses to well under 3 KB; axes, text and marks do not.
        assert!(
            bytes.len() > 6_000,
            "{} is nearly empty ({} bytes)",
            c.file,
            bytes.len()
        );
        assert!(!c.title.is_empty() && !c.stats.is_empty(), "{c:?}");
    }
}

#[test]
fn small_frame_gets_target_feature_missing_correlation_and_drift_charts() {
    let n = 60;
    let a: Vec<Option<f64>> = (0..n)
        .map(|i| if i % 10 == 0 { None } else { Some(i as f64) })
        .collect();
    let b: Vec<Option<f64>> = (0..n).map(|i| Some(((i * 7) % 13) as f64)).collect();
    let c: Vec<Option<f64>> = (0..n)
        .map(|i| Some((i % 7) as f64 + (i as f64) / 100.0))
        .collect();
    let cats = ["x", "y", "z"];
    let cat: Vec<Option<&'static str>> = (0..n).map(|i| Some(cats[i % 3])).collect();
    let y: Vec<Option<f64>> = (0..n)
        .map(|i| Some(if i >= 30 { 1.0 } else { 0.0 }))
        .collect();
    let id: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64)).collect();
    let train = df(vec![
        ("id", C::F(id)),
        ("a", C::F(a)),
        ("b", C::F(b)),
        ("c", C::F(c)),
        ("cat", C::S(cat)),
        ("y", C::F(y)),
    ]);
    let m = 20;
    let test = df(vec![
        ("id", C::F((0..m).map(|i| Some(100.0 + i as f64)).collect())),
        ("a", C::F((0..m).map(|i| Some(100.0 + i as f64)).collect())),
        ("b", C::F((0..m).map(|i| Some((i % 13) as f64)).collect())),
        ("c", C::F((0..m).map(|i| Some(i as f64)).collect())),
        ("cat", C::S((0..m).map(|_| Some("x")).collect())),
    ]);
    let ds: Dataset = dataset(train, test, Task::Binary);
    let dir = std::env::temp_dir().join(format!("ak-eda-small-{}", std::process::id()));
    let charts = eda::charts(&ds, &dir).unwrap();
    let kinds: Vec<&str> = charts.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"target"));
    for k in ["feature_vs_target", "missing", "correlation", "drift"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert!((5..=15).contains(&charts.len()));
    // `a` separates the classes perfectly and is the most informative feature.
    assert_eq!(charts[1].title, "a vs y");
    assert!(
        charts[0].stats.contains("0: 30 (50.0%)"),
        "{}",
        charts[0].stats
    );
    let missing = charts.iter().find(|c| c.kind == "missing").unwrap();
    assert!(
        missing.stats.contains("a: 10.0% train, 0.0% test"),
        "{}",
        missing.stats
    );
    // Test's `a` lies beyond train's range: the largest drift, KS = 1.
    let drift = charts.iter().find(|c| c.file == "drift.png").unwrap();
    assert!(
        drift.stats.starts_with("largest: a 1.000"),
        "{}",
        drift.stats
    );
    check(&charts, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn titanic_charts_are_between_5_and_15_and_rank_sex_first() {
    let Some(p) = shared("titanic") else { return };
    let ds = Dataset::open(&p).unwrap();
    let dir = std::env::temp_dir().join(format!("ak-eda-titanic-{}", std::process::id()));
    let charts = eda::charts(&ds, &dir).unwrap();
    assert!((5..=15).contains(&charts.len()), "{}", charts.len());
    assert_eq!(charts[1].title, "Sex vs Survived");
    check(&charts, &dir);
    if std::env::var("AK_KEEP_CHARTS").is_err() {
        std::fs::remove_dir_all(&dir).unwrap();
    } else {
        eprintln!("charts kept in {}", dir.display());
    }
}

#[test]
fn above_50k_rows_the_charts_read_a_seeded_sample_and_say_so() {
    let n = 60_001;
    let x: Vec<Option<f64>> = (0..n).map(|i| Some((i % 97) as f64)).collect();
    let y: Vec<Option<f64>> = (0..n).map(|i| Some(((i % 97) > 40) as u8 as f64)).collect();
    let train = df(vec![
        ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
        ("x", C::F(x)),
        ("y", C::F(y)),
    ]);
    let test = df(vec![
        ("id", C::F((0..10).map(|i| Some((n + i) as f64)).collect())),
        ("x", C::F((0..10).map(|i| Some(i as f64)).collect())),
    ]);
    let ds = dataset(train, test, Task::Binary);
    let dir = std::env::temp_dir().join(format!("ak-eda-sample-{}", std::process::id()));
    let charts = eda::charts(&ds, &dir).unwrap();
    assert!(!charts.is_empty());
    for c in &charts {
        assert!(c.title.ends_with("(50,000 of 60,001 rows)"), "{}", c.title);
    }
    // The sample is seeded: the same charts again.
    let again = eda::charts(&ds, &dir).unwrap();
    assert_eq!(charts, again);
    std::fs::remove_dir_all(&dir).unwrap();
}
