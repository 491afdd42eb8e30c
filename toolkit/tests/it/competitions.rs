//! The competition specs against the files in ../shared/competitions, and a five-step program on
//! spaceship_titanic. Skipped, with a printed reason, where the shared data is absent.

use std::path::{Path, PathBuf};

use autokaggle_toolkit::spec;
use autokaggle_toolkit::{Dataset, Program, frame};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn shared(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/competitions").join(name);
    if p.join("sample_submission.csv").exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (../shared is absent)", p.display());
        None
    }
}

#[test]
fn inferred_specs_equal_the_tomls() {
    if !root().join("../shared/competitions").is_dir() {
        eprintln!("skipping: ../shared/competitions not found (../shared is absent)");
        return;
    }
    // Every folder under competitions/, so a new competition.toml is checked without a test change.
    let mut names: Vec<String> = std::fs::read_dir(root().join("competitions"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("competition.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    let mut with_data = 0;
    for name in &names {
        let Some(data) = shared(name) else { continue };
        let toml = spec::resolve(&root().join("competitions").join(name)).unwrap();
        let inferred = spec::infer(&data, None).unwrap();
        let (a, b) = (&toml.spec, &inferred.spec);
        if !data.join(&a.files.train).exists() {
            // Data not shipped: the sample submission alone gives id, target and metric.
            assert_eq!(
                (&a.id, &a.targets, a.metric),
                (&b.id, &b.targets, b.metric),
                "{name}"
            );
            continue;
        }
        with_data += 1;
        assert_eq!(
            (&a.id, &a.targets, a.task, a.metric, a.submission),
            (&b.id, &b.targets, b.task, b.metric, b.submission),
            "{name}"
        );
        assert_eq!(
            std::fs::canonicalize(&toml.data_dir).unwrap(),
            std::fs::canonicalize(&data).unwrap(),
            "{name}: data path"
        );
    }
    assert_eq!(
        with_data, 6,
        "the six competitions with data were all checked"
    );
}

#[test]
fn five_step_program_cleans_spaceship_titanic() {
    let Some(_) = shared("spaceship_titanic") else {
        return;
    };
    let ds = Dataset::open(&root().join("competitions/spaceship_titanic")).unwrap();
    assert_eq!((ds.train.height(), ds.test.height()), (8693, 4277));
    let program = Program::from_json(
        r#"[
        {"tool": "split_string", "args": {"column": "Cabin", "delimiter": "/", "names": ["Deck", "CabinNum", "Side"]}},
        {"tool": "drop_columns", "args": {"columns": ["Name"]}},
        {"tool": "convert_dtype", "args": {"columns": ["CryoSleep", "VIP"], "to": "float"}},
        {"tool": "fill_missing", "args": {"strategy": "auto"}},
        {"tool": "one_hot", "args": {"columns": ["HomePlanet", "Destination", "Deck", "Side"]}}
    ]"#,
    )
    .unwrap();
    program.validate(&ds, None, 42).unwrap();
    let (out, logs) = program.run(&ds, 42, &mut |_, _| {}).unwrap();
    assert_eq!(logs.len(), 5);
    for d in [&out.train, &out.test] {
        for c in frame::names(d) {
            assert_eq!(
                frame::missing(d, &c).unwrap(),
                0,
                "{c} still has missing values"
            );
        }
    }
    let mut train_cols = frame::names(&out.train);
    train_cols.retain(|c| c != "Transported");
    assert_eq!(train_cols, frame::names(&out.test));
    assert!(frame::same_column(&out.train, &ds.train, "PassengerId"));
    assert!(frame::same_column(&out.test, &ds.test, "PassengerId"));
    assert!(frame::same_column(&out.train, &ds.train, "Transported"));
    assert!(frame::has(&out.train, "Deck_F") && frame::has(&out.test, "Side_P"));
}
