//! Properties over random frames: no tool changes test's rows or their order, programs are
//! deterministic, and a fitted tool gives the same result when applied twice.

use proptest::prelude::*;

use super::dataset;
use super::programs::{example, generic};
use autokaggle_toolkit::frame;
use autokaggle_toolkit::registry::TOOLS;
use autokaggle_toolkit::tool::{FitCx, Split};
use autokaggle_toolkit::{Program, Step, Task};

fn shuffled_ds(n: usize, m: usize, seed: u64) -> autokaggle_toolkit::Dataset {
    // Random row orders of the generic frames, so values, missing cells and categories move around.
    let mut rng = autokaggle_toolkit::folds::Rng::new(seed);
    let mut a: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut a);
    let mut b: Vec<usize> = (0..m).collect();
    rng.shuffle(&mut b);
    let train = frame::take_rows(&generic(n, 0), &a).unwrap();
    let test = frame::drop_cols(
        &frame::take_rows(&generic(m, 1000), &b).unwrap(),
        &["y".into()],
    );
    dataset(train, test, Task::Binary)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn programs_keep_test_rows_and_are_deterministic(
        n in 20usize..80, m in 1usize..30, seed in 0u64..1000,
        picks in proptest::collection::vec(0usize..27, 1..5),
    ) {
        let ds = shuffled_ds(n, m, seed);
        let steps: Vec<Step> = picks.iter().map(|&i| TOOLS[i % TOOLS.len()]).map(|t| Step::new(t.name(), example(t.name()))).collect();
        let p = Program { steps };
        // A random sequence may legitimately fail (e.g. a column an earlier step dropped); then it
        // must fail the same way twice.
        let a = p.run(&ds, seed, &mut |_, _| {});
        let b = p.run(&ds, seed, &mut |_, _| {});
        match (a, b) {
            (Ok((x, _)), Ok((y, _))) => {
                prop_assert_eq!(x.test.height(), m);
                prop_assert!(frame::same_column(&x.test, &ds.test, "id"));
                prop_assert!(x.train.equals_missing(&y.train));
                prop_assert!(x.test.equals_missing(&y.test));
            }
            (Err(e1), Err(e2)) => prop_assert_eq!(e1.to_string(), e2.to_string()),
            _ => prop_assert!(false, "same program, same data, different outcome"),
        }
    }

    #[test]
    fn a_fitted_tool_applied_twice_gives_the_same_frame(n in 20usize..60, seed in 0u64..1000, pick in 0usize..27) {
        let ds = shuffled_ds(n, 10, seed);
        let t = TOOLS[pick % TOOLS.len()];
        let cx = FitCx { train: &ds.train, id: "id", targets: &ds.spec.targets, task: Task::Binary, seed, programs: &autokaggle_toolkit::program::Runner, validation: None };
        let fitted = t.fit_json(&example(t.name()), &cx).unwrap();
        let once = fitted.apply(ds.test.clone(), Split::Test).unwrap();
        let twice = fitted.apply(ds.test.clone(), Split::Test).unwrap();
        prop_assert!(once.equals_missing(&twice));
        prop_assert_eq!(once.height(), ds.test.height());
    }
}
