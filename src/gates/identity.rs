//! Identity gates, in every phase: the id and the targets stay where they belong.

use autokaggle_core::phase::GateFamily;
use autokaggle_toolkit::frame;

use super::{Checked, Gate, GateCx, Verdict};

/// The id column survives.
pub const ID_PRESENT: Gate = Gate {
    name: "id_present",
    family: GateFamily::Identity,
    doc: "the id column is in train (if it was) and test",
    check: id_present,
};

/// The targets stay in train and out of test.
pub const TARGETS: Gate = Gate {
    name: "target_in_train_not_test",
    family: GateFamily::Identity,
    doc: "every target is in train and none is in test",
    check: targets,
};

fn id_present(cx: &GateCx) -> Checked {
    let id = &cx.after.spec.id;
    if !frame::has(&cx.after.test, id) {
        return Err(format!("test lost the id column `{id}`; never drop it").into());
    }
    if frame::has(&cx.before.train, id) && !frame::has(&cx.after.train, id) {
        return Err(format!("train lost the id column `{id}`; never drop it").into());
    }
    Ok(Verdict::Pass(format!("`{id}` present")))
}

fn targets(cx: &GateCx) -> Checked {
    for t in &cx.after.spec.targets {
        if !frame::has(&cx.after.train, t) {
            return Err(format!("train lost the target `{t}`; never drop it").into());
        }
        if frame::has(&cx.after.test, t) {
            return Err(format!("test holds the target `{t}`; remove it from test").into());
        }
    }
    Ok(Verdict::Pass("targets in train only".into()))
}

#[cfg(test)]
mod tests {
    use autokaggle_core::Phase;
    use autokaggle_toolkit::frame;
    use autokaggle_toolkit::spec::Submission;

    use super::*;
    use crate::gates::testing::{dataset, run};

    #[test]
    fn id_present_fails_when_a_program_drops_the_id() {
        let before = dataset(Submission::Labels);
        let pass = run(id_present, Phase::DataCleaning, &before, &before, &[]);
        assert_eq!(pass, Ok(Verdict::Pass("`id` present".into())));
        let mut after = before.clone();
        after.train = frame::drop_cols(&after.train, &["id".into()]);
        let fail = run(id_present, Phase::DataCleaning, &before, &after, &[]);
        assert_eq!(
            fail,
            Err("train lost the id column `id`; never drop it".into())
        );
        after.test = frame::drop_cols(&after.test, &["id".into()]);
        let fail = run(id_present, Phase::DataCleaning, &before, &after, &[]);
        assert_eq!(
            fail,
            Err("test lost the id column `id`; never drop it".into())
        );
    }

    #[test]
    fn targets_fail_when_train_loses_one_or_test_gains_one() {
        let before = dataset(Submission::Labels);
        let pass = run(targets, Phase::FeatureEngineering, &before, &before, &[]);
        assert_eq!(pass, Ok(Verdict::Pass("targets in train only".into())));
        let mut lost = before.clone();
        lost.train = frame::drop_cols(&lost.train, &["y".into()]);
        let fail = run(targets, Phase::FeatureEngineering, &before, &lost, &[]);
        assert_eq!(fail, Err("train lost the target `y`; never drop it".into()));
        let mut leaked = before.clone();
        frame::put_f64(&mut leaked.test, "y", vec![Some(0.0); 4]).unwrap();
        let fail = run(targets, Phase::FeatureEngineering, &before, &leaked, &[]);
        assert_eq!(
            fail,
            Err("test holds the target `y`; remove it from test".into())
        );
    }
}
