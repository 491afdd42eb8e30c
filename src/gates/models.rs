//! The model gate: the blend chosen is not worse than a default gradient-boosted model on the same
//! folds. The offline search starts from that model, so it holds there by construction; an LLM's
//! choice of models has to earn it.

use autokaggle_core::phase::GateFamily;

use super::{Checked, Gate, GateCx, Verdict};

/// The chosen models are worth their choosing.
pub const BEATS_DEFAULT_GBM: Gate = Gate {
    name: "blend_beats_default_gbm",
    family: GateFamily::Submission,
    doc: "the blend's out-of-fold score is at least the default GBM's on the same folds",
    check: beats_default_gbm,
};

fn beats_default_gbm(cx: &GateCx) -> Checked {
    let Some((blend, _, higher)) = cx.cv else {
        return Err("no CV score was computed".into());
    };
    let Some(gbm) = cx.default_gbm else {
        return Ok(Verdict::NotApplicable(
            "the default GBM was not cross-validated (not chosen, or past the time budget)".into(),
        ));
    };
    if (higher && blend >= gbm) || (!higher && blend <= gbm) {
        Ok(Verdict::Pass(format!(
            "blend {blend:.5} vs default GBM {gbm:.5} (out of fold)"
        )))
    } else {
        Err(format!(
            "the blend's out-of-fold score {blend:.5} is worse than the default GBM's {gbm:.5} on the \
             same folds; include \"gbm\" among the families, or fewer, stronger models"
        ).into())
    }
}

#[cfg(test)]
mod tests {
    use autokaggle_core::phase::Phase;
    use autokaggle_toolkit::spec::Submission;

    use super::*;
    use crate::gates::testing::dataset;

    fn judge(cv: Option<(f64, f64, bool)>, default_gbm: Option<f64>) -> Checked {
        let ds = dataset(Submission::Labels);
        beats_default_gbm(&GateCx {
            phase: Phase::ModelBuilding,
            before: &ds,
            after: &ds,
            logs: &[],
            files: None,
            submission: None,
            cv,
            default_gbm,
        })
    }

    #[test]
    fn the_blend_may_not_be_worse_than_the_default_gbm_in_the_metrics_direction() {
        assert_eq!(
            judge(Some((0.84, 0.6, true)), Some(0.83)),
            Ok(Verdict::Pass(
                "blend 0.84000 vs default GBM 0.83000 (out of fold)".into()
            ))
        );
        assert_eq!(
            judge(Some((0.82, 0.6, true)), Some(0.83)),
            Err("the blend's out-of-fold score 0.82000 is worse than the default GBM's 0.83000 on the same folds; include \"gbm\" among the families, or fewer, stronger models".into())
        );
        // Lower is better (RMSE): 0.12 holds against 0.13, 0.14 does not; equal holds.
        assert!(judge(Some((0.12, 0.4, false)), Some(0.13)).is_ok());
        assert!(judge(Some((0.14, 0.4, false)), Some(0.13)).is_err());
        assert!(judge(Some((0.13, 0.4, false)), Some(0.13)).is_ok());
        assert!(matches!(
            judge(Some((0.8, 0.6, true)), None),
            Ok(Verdict::NotApplicable(_))
        ));
        assert!(judge(None, Some(0.8)).is_err());
    }
}
