//! Small frames and one-step programs for tests: the toolkit's own unit tests (each tool file
//! carries its tests) and the integration tests use the same helpers. Not part of the stable API.

use crate::frame::{self, DataFrame};
use crate::metrics::MetricId;
use crate::spec::{CompetitionSpec, Files, Submission, Task};
use crate::{Dataset, Program, Step};

/// A column for building test frames.
pub enum C {
    /// Numbers.
    F(Vec<Option<f64>>),
    /// Text.
    S(Vec<Option<&'static str>>),
}

/// A frame from named columns.
pub fn df(cols: Vec<(&str, C)>) -> DataFrame {
    let n = match &cols[0].1 {
        C::F(v) => v.len(),
        C::S(v) => v.len(),
    };
    let mut d = frame::empty(n);
    for (name, c) in cols {
        match c {
            C::F(v) => frame::put_f64(&mut d, name, v).unwrap(),
            C::S(v) => frame::put_str(
                &mut d,
                name,
                v.into_iter().map(|s| s.map(str::to_string)).collect(),
            )
            .unwrap(),
        }
    }
    d
}

/// Floats from a column, for assertions.
pub fn f(d: &DataFrame, c: &str) -> Vec<Option<f64>> {
    frame::f64s(d, c).unwrap()
}

/// Strings from a column.
pub fn s(d: &DataFrame, c: &str) -> Vec<Option<String>> {
    frame::strs(d, c).unwrap()
}

/// A binary-task dataset over the given frames, id `id`, target `y`.
pub fn dataset(train: DataFrame, test: DataFrame, task: Task) -> Dataset {
    let spec = CompetitionSpec {
        name: "t".into(),
        data: None,
        id: "id".into(),
        targets: vec!["y".into()],
        task,
        metric: MetricId::must("accuracy"),
        submission: Submission::Labels,
        files: Files::default(),
    };
    let sample = frame::select(&test, &["id".to_string()]).unwrap();
    Dataset {
        train,
        test,
        sample,
        spec,
        notes: vec![],
        validation: None,
        extra: None,
    }
}

/// Runs a one-step program and returns (train, test).
pub fn run1(ds: &Dataset, tool: &str, args: serde_json::Value) -> (DataFrame, DataFrame) {
    let p = Program {
        steps: vec![Step::new(tool, args)],
    };
    let (out, _) = p
        .run(ds, 7, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    (out.train, out.test)
}

/// Runs a one-step program expecting an error; returns its message.
pub fn run1_err(ds: &Dataset, tool: &str, args: serde_json::Value) -> String {
    let p = Program {
        steps: vec![Step::new(tool, args)],
    };
    match p.run(ds, 7, &mut |_, _| {}) {
        Ok(_) => panic!("{tool} should fail"),
        Err(e) => e.to_string(),
    }
}

/// Five train rows (id, a with a gap and an outlier, constant b, cat with a gap, y) and three test
/// rows holding what train never saw (a all missing, b = 3, cat `z`).
pub fn small() -> Dataset {
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

/// Codes 0 to 7 repeated over 400 rows and their labels, 1 for codes 0, 3, 5 and 6: a pattern no
/// threshold on the codes separates and a set of categories does.
pub fn codes_in_no_order() -> (Vec<f64>, Vec<f64>) {
    const POSITIVE: [f64; 4] = [0.0, 3.0, 5.0, 6.0];
    let x: Vec<f64> = (0..400).map(|i| f64::from(i % 8)).collect();
    let y = x
        .iter()
        .map(|c| f64::from(u8::from(POSITIVE.contains(c))))
        .collect();
    (x, y)
}
