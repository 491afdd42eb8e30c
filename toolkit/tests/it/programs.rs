//! Programs: validation errors name the step and the fix; every registered tool runs from example
//! arguments without touching the id, the target or test's rows.

use serde_json::Value;

use super::{C, dataset, df};
use autokaggle_toolkit::frame;
use autokaggle_toolkit::registry::TOOLS;
use autokaggle_toolkit::{Program, Task};

/// A frame with a column of every kind the tools accept.
pub fn generic(n: usize, offset: usize) -> autokaggle_toolkit::frame::DataFrame {
    let num = |k: usize| {
        (0..n)
            .map(|i| {
                if (i + k).is_multiple_of(7) {
                    None
                } else {
                    Some(((i * 31 + k * 17) % 23) as f64 + 0.5)
                }
            })
            .collect::<Vec<_>>()
    };
    let cats = ["red", "green", "blue", "teal"];
    let cab = ["A/1/P", "B/22/S", "C/3/P"];
    let dates = ["2021-03-04", "2022-11-30", "2020-01-01"];
    let leak = |v: Vec<Option<&'static str>>| C::S(v);
    df(vec![
        (
            "id",
            C::F((0..n).map(|i| Some((i + offset) as f64)).collect()),
        ),
        ("n1", C::F(num(1))),
        ("n2", C::F(num(2))),
        (
            "n3",
            C::F((0..n).map(|i| Some((i % 5) as f64 * 2.0 + 1.0)).collect()),
        ),
        (
            "cat",
            leak(
                (0..n)
                    .map(|i| {
                        if i % 9 == 4 {
                            None
                        } else {
                            Some(cats[(i + offset) % 4])
                        }
                    })
                    .collect(),
            ),
        ),
        ("cab", leak((0..n).map(|i| Some(cab[i % 3])).collect())),
        ("day", leak((0..n).map(|i| Some(dates[i % 3])).collect())),
        (
            "y",
            C::F(
                (0..n)
                    .map(|i| Some(((i * 7) % 3 == 0) as u8 as f64))
                    .collect(),
            ),
        ),
    ])
}

pub fn generic_ds(n: usize, m: usize) -> autokaggle_toolkit::Dataset {
    let test = frame::drop_cols(&generic(m, 1000), &["y".to_string()]);
    dataset(generic(n, 0), test, Task::Binary)
}

/// A tool's example arguments, which make sense on [`generic`] (see `Tool::EXAMPLE`).
pub fn example(tool: &str) -> Value {
    autokaggle_toolkit::registry::find(tool)
        .unwrap_or_else(|| panic!("no tool `{tool}`"))
        .example()
}

#[test]
fn registry_has_unique_names_schemas_and_docs() {
    assert!(TOOLS.len() >= 25);
    let mut names: Vec<&str> = TOOLS.iter().map(|t| t.name()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), TOOLS.len(), "tool names are unique");
    for t in TOOLS {
        let s = t.spec();
        assert!(
            s.description.len() > 80,
            "{} has a real description",
            s.name
        );
        assert_eq!(s.schema["type"], "object", "{}", s.name);
        assert!(s.schema["properties"].is_object(), "{}", s.name);
        // Every field is documented, so the schema teaches the agents.
        for (field, prop) in s.schema["properties"].as_object().unwrap() {
            assert!(
                prop.get("description").is_some(),
                "{}.{field} has no description",
                s.name
            );
        }
    }
}

#[test]
fn every_tool_runs_and_keeps_id_target_and_test_rows() {
    let ds = generic_ds(60, 25);
    for t in TOOLS {
        let p = Program {
            steps: vec![autokaggle_toolkit::Step::new(t.name(), example(t.name()))],
        };
        p.validate(&ds, None, 3)
            .unwrap_or_else(|e| panic!("{}: {e}", t.name()));
        let (out, logs) = p
            .run(&ds, 3, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{}: {e}", t.name()));
        assert_eq!(out.test.height(), 25, "{}", t.name());
        assert!(
            frame::same_column(&out.test, &ds.test, "id"),
            "{} keeps test ids in order",
            t.name()
        );
        assert!(
            frame::has(&out.train, "y") && !frame::has(&out.test, "y"),
            "{}",
            t.name()
        );
        if !t.removes_rows() {
            assert!(
                frame::same_column(&out.train, &ds.train, "id"),
                "{}",
                t.name()
            );
            assert!(
                frame::same_column(&out.train, &ds.train, "y"),
                "{}",
                t.name()
            );
        }
        let mut a = frame::names(&out.train);
        a.retain(|c| c != "y");
        assert_eq!(
            a,
            frame::names(&out.test),
            "{}: train and test columns agree",
            t.name()
        );
        assert_eq!(logs.len(), 1);
    }
}

#[test]
fn validation_names_the_step_and_the_fix() {
    let ds = generic_ds(30, 10);
    let cases = [
        (
            r#"[{"tool": "fill_missing"}, {"tool": "one_hotx", "args": {}}]"#,
            "step 2 (`one_hotx`): tool `one_hotx`: no such tool; did you mean `one_hot`?",
        ),
        (
            r#"[{"tool": "scale", "args": {"colums": ["n1"]}}]"#,
            "unknown field `colums`",
        ),
        (
            r#"[{"tool": "bin", "args": {"columns": ["n1"], "bins": "five"}}]"#,
            "invalid type: string \"five\"",
        ),
        (
            r#"[{"tool": "scale", "args": {"columns": ["Age"]}}]"#,
            "column `Age` is not in the frame",
        ),
        (
            r#"[{"tool": "scale", "args": {"columns": ["cat"]}}]"#,
            "column `cat` is Text",
        ),
        (r#"{"tool": "scale"}"#, "a program is a JSON list"),
        (r#"[{"tool": "scale", "params": {}}]"#, "step 1: not a"),
    ];
    for (text, needle) in cases {
        let err = Program::from_json(text)
            .and_then(|p| p.validate(&ds, None, 1))
            .expect_err(text)
            .to_string();
        assert!(
            err.contains(needle),
            "{text}\n  gave: {err}\n  expected: {needle}"
        );
    }
    // Nothing ran: validation happens before the real run, on a sample.
    let p = Program::from_json(r#"[{"tool": "drop_columns", "args": {"columns": ["cab"]}}, {"tool": "scale", "args": {"columns": ["cab"]}}]"#).unwrap();
    let err = p.validate(&ds, None, 1).unwrap_err().to_string();
    assert!(err.starts_with("step 2 (`scale`)"), "{err}");
    let only_cleaning = [autokaggle_toolkit::tool::Category::Cleaning];
    let err = Program::from_json(r#"[{"tool": "one_hot"}]"#)
        .unwrap()
        .check(Some(&only_cleaning))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not allowed in this phase"), "{err}");
}

#[test]
fn a_program_given_its_data_gives_what_a_borrowing_run_gives() {
    let ds = generic_ds(200, 40);
    let p = Program::from_json(
        r#"[
        {"tool": "fill_missing", "args": {"strategy": "auto"}},
        {"tool": "one_hot", "args": {"columns": ["cat"]}},
        {"tool": "target_encode", "args": {"columns": ["cab"], "folds": 5}},
        {"tool": "group_aggregate", "args": {"group_by": "day", "column": "n1", "aggs": ["count", "mean"]}},
        {"tool": "scale", "args": {"method": "standard"}}
    ]"#,
    )
    .unwrap();
    let (borrowed, logs, _) = p.run_fitted(&ds, 5, &mut |_, _| {}).unwrap();
    let mut heard = Vec::new();
    let (owned, owned_logs, fitted) = p
        .run_owned(ds.clone(), 5, &mut |i, t| heard.push((i, t.to_string())))
        .unwrap();
    assert!(owned.train.equals_missing(&borrowed.train));
    assert!(owned.test.equals_missing(&borrowed.test));
    assert_eq!(heard.len(), 5);
    assert_eq!(heard[2], (2, "target_encode".to_string()));
    let changed = |l: &[autokaggle_toolkit::program::StepLog]| {
        l.iter().map(|s| s.changed.clone()).collect::<Vec<_>>()
    };
    assert_eq!(changed(&owned_logs), changed(&logs));
    // Train's encodings are out of fold, so they differ from what the fitted state gives new rows:
    // applying the fitted program to test again reproduces the run's test exactly.
    let again = fitted.apply(ds.test.clone()).unwrap();
    assert!(again.equals_missing(&owned.test));
    assert!(frame::has(&owned.train, "cab_te") && !frame::has(&owned.train, "cab"));
}
