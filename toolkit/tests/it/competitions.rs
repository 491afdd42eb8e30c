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
    for name in [
        "titanic",
        "spaceship_titanic",
        "house_prices",
        "ghouls_goblins_and_ghosts_boo",
        "obesity_risks",
        "plate_defect",
    ] {
        let Some(data) = shared(name) else { return };
        let toml = spec::resolve(&root().join("competitions").join(name)).unwrap();
        let inferred = spec::infer(&data).unwrap();
        let (a, b) = (&toml.spec, &inferred.spec);
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
    // The two whose data is not shipped: the sample submission alone gives id, target and metric.
    for name in [
        "bank_churn",
        "classification_with_an_academic_success_dataset",
    ] {
        let Some(data) = shared(name) else { return };
        let toml = spec::resolve(&root().join("competitions").join(name)).unwrap();
        let inferred = spec::infer(&data).unwrap();
        assert_eq!(
            (&toml.spec.id, &toml.spec.targets, toml.spec.metric),
            (
                &inferred.spec.id,
                &inferred.spec.targets,
                inferred.spec.metric
            ),
            "{name}"
        );
    }
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
