//! `feature_search`: generated candidates found and kept by cross-validation, proposals kept or
//! dropped by their measured gain, and what is kept applied to test as fitted on train.

use autokaggle_toolkit::program::Program;
use autokaggle_toolkit::testing::*;
use autokaggle_toolkit::{Dataset, FittedProgram, Task};

/// Names like "Last, Title. First": the title decides the target, nothing else does.
fn titanic_like(n: usize) -> Dataset {
    let titles = ["Mr", "Mrs", "Miss", "Master"];
    let name: Vec<Option<&'static str>> = (0..n)
        .map(|i| {
            let s = format!("Family{}, {}. Person{}", i % 37, titles[i % 4], i);
            Some(&*Box::leak(s.into_boxed_str()))
        })
        .collect();
    let noise: Vec<Option<f64>> = (0..n).map(|i| Some(((i * 7919) % 101) as f64)).collect();
    let y: Vec<Option<f64>> = (0..n)
        .map(|i| Some(f64::from(u8::from(i % 4 != 0) ^ u8::from(i % 17 == 0))))
        .collect();
    let train = df(vec![
        ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
        ("Name", C::S(name)),
        ("noise", C::F(noise.clone())),
        ("y", C::F(y)),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(1e6), Some(1e6 + 1.0)])),
        (
            "Name",
            C::S(vec![Some("Zed, Mr. Adam"), Some("Yu, Miss. Bea")]),
        ),
        ("noise", C::F(vec![Some(3.0), Some(4.0)])),
    ]);
    dataset(train, test, Task::Binary)
}

#[test]
fn a_title_that_decides_the_target_is_found_and_kept() {
    let ds = titanic_like(400);
    let prog = search_program(r#"{"columns": ["Name"], "numeric": ["noise"]}"#);
    let (out, logs) = prog.run(&ds, 7, &mut |_, _| {}).unwrap();
    assert!(
        logs[0].added.contains(&"Name_title".to_string()),
        "{:?}",
        logs[0]
    );
    let text = logs[0].to_string();
    assert!(text.contains("Name_title: kept"), "{text}");
    assert!(
        text.contains("Name_initial: dropped") || !text.contains("Name_initial"),
        "{text}"
    );
    // Test gets the same codes train learned: Mr and Miss.
    let codes = f(&out.test, "Name_title");
    assert_eq!(codes.len(), 2);
    assert!(codes.iter().all(Option::is_some), "{codes:?}");
    assert_ne!(codes[0], codes[1]);
}

/// A program of one `feature_search` step with these arguments.
fn search_program(args: &str) -> Program {
    Program::from_json(&format!(
        r#"[{{"tool": "feature_search", "args": {args}}}]"#
    ))
    .unwrap()
}

fn search(ds: &Dataset, args: &str) -> (Dataset, String) {
    let prog = search_program(args);
    let (out, logs) = prog.run(ds, 7, &mut |_, _| {}).unwrap();
    (out, logs[0].to_string())
}

#[test]
fn a_proposal_that_helps_is_kept_with_its_reason_and_a_useless_one_is_dropped() {
    let ds = titanic_like(400);
    // `id % 4` is what the title encodes; `noise * 2` adds nothing.
    let (out, log) = search(
        &ds,
        r#"{"generate": false, "proposals": [
            {"name": "title_code", "reason": "titles mark who was saved first", "expr": "id % 4"},
            {"name": "noise2", "reason": "a guess", "expr": "noise * 2"}]}"#,
    );
    assert!(
        log.contains("title_code (proposed: titles mark who was saved first): kept"),
        "{log}"
    );
    assert!(log.contains("noise2 (proposed: a guess): dropped"), "{log}");
    assert!(log.contains("feature_search: 2 candidate(s)"), "{log}");
    assert!(autokaggle_toolkit::frame::names(&out.train).contains(&"title_code".to_string()));
    assert!(!autokaggle_toolkit::frame::names(&out.train).contains(&"noise2".to_string()));
    // Test rows get the expression's values: ids 1e6 and 1e6 + 1.
    assert_eq!(f(&out.test, "title_code"), vec![Some(0.0), Some(1.0)]);
}

#[test]
fn a_proposal_may_be_tool_calls() {
    let ds = titanic_like(400);
    let (out, log) = search(
        &ds,
        r#"{"generate": false, "proposals": [{"name": "title", "reason": "honorifics",
            "steps": [{"tool": "regex_extract", "args": {"column": "Name", "pattern": ",\\s*([A-Za-z]+)\\.", "name": "title"}},
                      {"tool": "ordinal_encode", "args": {"columns": ["title"]}}]}]}"#,
    );
    assert!(log.contains("title (proposed: honorifics): kept"), "{log}");
    assert_ne!(f(&out.test, "title")[0], f(&out.test, "title")[1]);
}

#[test]
fn a_proposal_needs_exactly_one_of_expr_or_steps_and_no_nested_search() {
    let ds = titanic_like(100);
    for (args, says) in [
        (
            r#"{"proposals": [{"name": "a", "reason": "r"}]}"#,
            "exactly one of",
        ),
        (
            r#"{"proposals": [{"name": "a", "reason": "r", "expr": "id", "steps": [{"tool": "drop_columns", "args": {}}]}]}"#,
            "exactly one of",
        ),
        (
            r#"{"proposals": [{"name": "a", "reason": "r", "steps": [{"tool": "feature_search", "args": {}}]}]}"#,
            "inside itself",
        ),
    ] {
        let prog = search_program(args);
        let e = prog
            .run(&ds, 7, &mut |_, _| {})
            .map(|_| ())
            .expect_err("refused")
            .to_string();
        assert!(e.contains(says) && e.contains("proposal `a`"), "{e}");
    }
}

#[test]
fn what_the_search_kept_is_saved_and_read_back_applying_the_same() {
    let ds = titanic_like(400);
    let prog = search_program(r#"{"columns": ["Name"], "numeric": ["noise"]}"#);
    let fitted = prog.fit(&ds, 7).unwrap();
    let back =
        FittedProgram::from_bytes(&fitted.to_bytes().unwrap(), std::path::Path::new("x")).unwrap();
    let a = fitted.apply(ds.test.clone()).unwrap();
    let b = back.apply(ds.test.clone()).unwrap();
    assert!(a.equals_missing(&b));
    assert!(autokaggle_toolkit::frame::names(&b).contains(&"Name_title".to_string()));
}

/// Surnames of families of 1 to 6 people ("Fam3, Mr. P9"); families of 4 or more are the positive
/// class, and nothing but the family's size says so.
fn families(n: usize) -> Dataset {
    let mut rows: Vec<(usize, usize)> = Vec::new();
    let mut family = 0;
    while rows.len() < n {
        let size = 1 + family % 6;
        rows.extend((0..size).map(|_| (family, size)));
        family += 1;
    }
    rows.truncate(n);
    let leak = |s: String| Some(&*Box::leak(s.into_boxed_str()));
    let train = df(vec![
        ("id", C::F((0..n).map(|i| Some(i as f64)).collect())),
        (
            "Name",
            C::S(
                rows.iter()
                    .enumerate()
                    .map(|(i, (f, _))| leak(format!("Fam{f}, Mr. P{i}")))
                    .collect(),
            ),
        ),
        (
            "noise",
            C::F((0..n).map(|i| Some(((i * 7919) % 101) as f64)).collect()),
        ),
        (
            "y",
            C::F(
                rows.iter()
                    .map(|(_, s)| Some(f64::from(u8::from(*s >= 4))))
                    .collect(),
            ),
        ),
    ]);
    let test = df(vec![
        ("id", C::F(vec![Some(1e6), Some(1e6 + 1.0)])),
        (
            "Name",
            C::S(vec![Some("Fam3, Mr. X"), Some("Newname, Mr. Y")]),
        ),
        ("noise", C::F(vec![Some(3.0), Some(4.0)])),
    ]);
    dataset(train, test, Task::Binary)
}

#[test]
fn a_family_size_from_the_first_word_of_a_name_is_found_and_kept() {
    let ds = families(400);
    let (out, text) = search(&ds, r#"{"columns": ["Name"], "numeric": ["noise"]}"#);
    assert!(text.contains("Name first-word group size: kept"), "{text}");
    // Family 3 has 4 people in train: a test passenger of that name sees 4, a new name 0, and a
    // train passenger of family 3 the 3 others.
    assert_eq!(
        f(&out.test, "noise_count_by_Name_head"),
        vec![Some(4.0), Some(0.0)]
    );
    let names = s(&out.train, "Name");
    let first = names
        .iter()
        .position(|n| n.as_deref().is_some_and(|n| n.starts_with("Fam3,")))
        .unwrap();
    assert_eq!(f(&out.train, "noise_count_by_Name_head")[first], Some(3.0));
    assert!(
        !autokaggle_toolkit::frame::names(&out.train).contains(&"Name_head".to_string()),
        "the captured word is dropped once counted"
    );
}
