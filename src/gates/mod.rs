//! Phase gates: deterministic checks over a phase's artefacts. A failed gate's message goes back to
//! the developer and says how to fix the problem. Each gate belongs to a [`GateFamily`]; a phase runs
//! the families its row of the phase table lists. One file per family; adding a gate is a `Gate`
//! constant in its family's file (with a test that makes it fail and one that makes it pass) plus
//! one line in [`GATES`].

mod data;
mod features;
mod identity;
mod models;
mod submission;
#[cfg(test)]
pub(crate) mod testing;

use std::path::Path;

use autokaggle_agents::roles::{GateResult, GateStatus};
use autokaggle_core::Phase;
use autokaggle_core::phase::{self, GateFamily, PHASES, WorkKind};
use autokaggle_toolkit::frame::DataFrame;
use autokaggle_toolkit::{Dataset, StepLog};

/// What gates look at.
pub struct GateCx<'a> {
    /// The phase being checked.
    pub phase: Phase,
    /// The data the phase received.
    pub before: &'a Dataset,
    /// The data the phase produced.
    pub after: &'a Dataset,
    /// What the phase's program did.
    pub logs: &'a [StepLog],
    /// The train/test files the phase wrote, if any.
    pub files: Option<(&'a Path, &'a Path)>,
    /// The submission, in the modeling phase.
    pub submission: Option<&'a DataFrame>,
    /// (best CV score, trivial baseline, higher is better), in the modeling phase.
    pub cv: Option<(f64, f64, bool)>,
    /// The default GBM's out-of-fold score on the same folds, when the search fitted it.
    pub default_gbm: Option<f64>,
}

/// What a check found when it did not fail (a failure is `Err(how to fix it)`).
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// The check held; what was found.
    Pass(String),
    /// The check has nothing to look at here; why.
    NotApplicable(String),
}

/// A check's answer.
pub type Checked = Result<Verdict, Fix>;

/// A failed check, said as how to fix it: the developer is given it on its next attempt.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Fix(pub String);

impl From<String> for Fix {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Fix {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

/// A named check in a family of gates.
pub struct Gate {
    /// Name.
    pub name: &'static str,
    /// Its family: the phases that run it are those whose row lists the family.
    pub family: GateFamily,
    /// What it checks.
    pub doc: &'static str,
    /// The check.
    pub check: fn(&GateCx) -> Checked,
}

impl Gate {
    /// The phases it runs in.
    pub fn phases(&self) -> Vec<Phase> {
        PHASES
            .into_iter()
            .filter(|p| p.spec().gates.contains(&self.family))
            .collect()
    }
    /// Runs the check.
    pub fn judge(&self, cx: &GateCx) -> GateResult {
        let (status, message) = match (self.check)(cx) {
            Ok(Verdict::Pass(m)) => (GateStatus::Passed, m),
            Ok(Verdict::NotApplicable(m)) => (GateStatus::NotApplicable, m),
            Err(Fix(m)) => (GateStatus::Failed, m),
        };
        GateResult {
            gate: self.name.to_string(),
            status,
            message,
        }
    }
}

/// Every gate, in the order they run.
pub const GATES: &[&Gate] = &[
    &identity::ID_PRESENT,
    &identity::TARGETS,
    &data::FILES,
    &data::COLUMNS_MATCH,
    &data::ROW_COUNTS,
    &data::TRAIN_ROWS_REMAIN,
    &features::NO_MISSING,
    &features::NUMERIC_FINITE,
    &features::FEATURE_COUNT,
    &features::LEAKAGE,
    &submission::CV_BEATS_BASELINE,
    &models::BEATS_DEFAULT_GBM,
    &submission::COLUMNS,
    &submission::IDS_IN_ORDER,
    &submission::COMPLETE,
    &submission::LABELS,
    &submission::PROBABILITIES,
    &submission::RANKED,
];

/// The first format gate `sub` fails for `ds` (its name and message), or None when the file is
/// what the sample asks for: checked before `submission.csv` is written, whatever the attempts did.
pub fn invalid_submission(ds: &Dataset, sub: &DataFrame) -> Option<(&'static str, String)> {
    let cx = GateCx {
        phase: phase::doing(WorkKind::Models),
        before: ds,
        after: ds,
        logs: &[],
        files: None,
        submission: Some(sub),
        cv: None,
        default_gbm: None,
    };
    submission::FORMAT
        .iter()
        .find_map(|g| (g.check)(&cx).err().map(|m| (g.name, m.0)))
}

/// Runs the gates of a phase.
pub fn check(cx: &GateCx) -> Vec<GateResult> {
    let families = cx.phase.spec().gates;
    GATES
        .iter()
        .filter(|g| families.contains(&g.family))
        .map(|g| g.judge(cx))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_names_are_unique_and_every_family_has_a_gate_and_a_phase() {
        let mut names: Vec<&str> = GATES.iter().map(|g| g.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GATES.len());
        for g in GATES {
            assert!(!g.phases().is_empty(), "{} runs in no phase", g.name);
        }
        for p in PHASES {
            for f in p.spec().gates {
                assert!(GATES.iter().any(|g| g.family == *f), "{:?} has no gate", f);
            }
        }
        assert_eq!(
            super::identity::ID_PRESENT.phases().len(),
            PHASES.len(),
            "identity gates run in every phase"
        );
        assert_eq!(super::features::NO_MISSING.phases(), [Phase::DataCleaning]);
    }
}
