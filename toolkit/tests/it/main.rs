//! Toolkit tests: exact values per tool, train/test consistency, registry-wide invariants, programs,
//! properties over random frames, and the competition specs against the shipped files.

mod bad_input;
mod competitions;
mod eda;
mod fuzz;
mod programs;
mod properties;
mod tools;

use autokaggle_toolkit::frame::{self, DataFrame};
use autokaggle_toolkit::spec::{CompetitionSpec, Files, Metric, Submission, Task};
use autokaggle_toolkit::{Dataset, Program};

/// A column for building test frames.
pub enum C {
    F(Vec<Option<f64>>),
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
        metric: Metric::Accuracy,
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
    }
}

/// Runs a one-step program and returns (train, test).
pub fn run1(ds: &Dataset, tool: &str, args: serde_json::Value) -> (DataFrame, DataFrame) {
    let p = Program {
        steps: vec![autokaggle_toolkit::Step::new(tool, args)],
    };
    let (out, _) = p
        .run(ds, 7, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    (out.train, out.test)
}

/// Runs a one-step program expecting an error; returns its message.
pub fn run1_err(ds: &Dataset, tool: &str, args: serde_json::Value) -> String {
    let p = Program {
        steps: vec![autokaggle_toolkit::Step::new(tool, args)],
    };
    match p.run(ds, 7, &mut |_, _| {}) {
        Ok(_) => panic!("{tool} should fail"),
        Err(e) => e.to_string(),
    }
}
