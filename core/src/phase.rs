//! The six phases of a run, as one table. Everything the orchestrator, the agents, the TUI and the
//! report need to know about a phase is a column of [`PHASE_SPECS`]: what its developer hands over,
//! which tools it may use, whether it reads the spec or takes feature proposals, whether a person may
//! skip it, which gates judge it and what the offline policy does there. A phase is changed in one
//! row, and no code outside this table names a specific phase.

use autokaggle_toolkit::tool::Category;
use serde::{Deserialize, Serialize};

/// A phase, in run order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Read the overview and the files; state the task.
    UnderstandBackground,
    /// First look at the raw data.
    PreliminaryEda,
    /// Missing values, types, outliers, useless columns.
    DataCleaning,
    /// A closer look at the cleaned data and its relation to the target.
    InDepthEda,
    /// Encodings, transforms, combinations, selection.
    FeatureEngineering,
    /// Cross-validated models, a blend, the submission.
    ModelBuilding,
}

/// What a phase's developer hands over, and so what the orchestrator runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkKind {
    /// Nothing runs beyond the profile (and charts).
    Analysis,
    /// A program of toolkit calls that rewrites train and test (written as Parquet).
    Program,
    /// Models to cross-validate, blend and refit into the submission.
    Models,
}

/// Families of phase gates. A gate belongs to one family; a phase runs the families its row lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateFamily {
    /// The id and the targets are where they belong (every phase).
    Identity,
    /// A rewritten train/test pair: files, columns, rows.
    Data,
    /// Cleaned data: no missing values.
    Cleaned,
    /// Model-ready features: numeric, finite, bounded, no leakage.
    Features,
    /// The model's CV and the submission's format.
    Submission,
}

/// What the built-in offline policy does in a phase. The offline planner and developer match on
/// this column, so they name no phase and a new phase chooses its offline behaviour in its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offline {
    /// Analysis only; the plan is these standard steps.
    Look(&'static str),
    /// Drop, convert and impute what the profile points at.
    Clean,
    /// Encode, split, transform, combine and select.
    Engineer,
    /// Choose the folds and the model candidates.
    Model,
}

/// One row of the phase table.
#[derive(Debug)]
pub struct PhaseSpec {
    /// The phase.
    pub phase: Phase,
    /// snake_case name: folder names, templates, JSON.
    pub slug: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What the phase is for, as the agents' prompts state it.
    pub goal: &'static str,
    /// What the developer hands over.
    pub work: WorkKind,
    /// The tool categories its programs may use (empty: no program).
    pub tools: &'static [Category],
    /// Whether the reader reads the overview here, and its corrections to the spec are checked and
    /// applied before the phase's plan.
    pub reads_spec: bool,
    /// Whether its developer may also propose features, which the feature search keeps only when
    /// cross-validation says they help.
    pub proposals: bool,
    /// Whether a person may skip it (nothing downstream needs its output).
    pub skippable: bool,
    /// Whether it draws data charts (EDA); the modeling phase draws model charts from its results.
    pub data_charts: bool,
    /// The gate families that judge it.
    pub gates: &'static [GateFamily],
    /// What the offline policy plans and hands over.
    pub offline: Offline,
}

use GateFamily as G;

/// The phases in run order, one row each.
pub const PHASE_SPECS: [PhaseSpec; 6] = [
    PhaseSpec {
        phase: Phase::UnderstandBackground,
        slug: "understand_background",
        title: "Understand background",
        goal: "understand the competition: what is predicted, how it is scored, what the data holds",
        work: WorkKind::Analysis,
        tools: &[],
        reads_spec: true,
        proposals: false,
        skippable: false,
        data_charts: false,
        gates: &[G::Identity],
        offline: Offline::Look(
            "1. Read the overview and the files; state task, metric and submission format.\n2. Check id, targets and that test has every feature.",
        ),
    },
    PhaseSpec {
        phase: Phase::PreliminaryEda,
        slug: "preliminary_eda",
        title: "Preliminary EDA",
        goal: "a first look at the raw data: types, missing values, cardinality, distributions, the target",
        work: WorkKind::Analysis,
        tools: &[],
        reads_spec: false,
        proposals: false,
        skippable: true,
        data_charts: true,
        gates: &[G::Identity],
        offline: Offline::Look(
            "1. Profile every column: type, missing values, cardinality, spread, skew.\n2. Note the target's distribution and the features most related to it.\n3. List what cleaning must handle.",
        ),
    },
    PhaseSpec {
        phase: Phase::DataCleaning,
        slug: "data_cleaning",
        title: "Data cleaning",
        goal: "make train and test clean: handle missing values, fix types, drop useless or near-empty columns, treat outliers; no missing values may remain",
        work: WorkKind::Program,
        tools: &[Category::Cleaning],
        reads_spec: false,
        proposals: false,
        skippable: false,
        data_charts: false,
        gates: &[G::Identity, G::Data, G::Cleaned],
        offline: Offline::Clean,
    },
    PhaseSpec {
        phase: Phase::InDepthEda,
        slug: "in_depth_eda",
        title: "In-depth EDA",
        goal: "study the cleaned data and its relation to the target, to decide the feature engineering",
        work: WorkKind::Analysis,
        tools: &[],
        reads_spec: false,
        proposals: false,
        skippable: true,
        data_charts: true,
        gates: &[G::Identity],
        offline: Offline::Look(
            "1. Re-profile the cleaned data.\n2. Rank features by their relation to the target.\n3. Find skewed amounts, structured strings and categorical cardinalities for feature engineering.",
        ),
    },
    PhaseSpec {
        phase: Phase::FeatureEngineering,
        slug: "feature_engineering",
        title: "Feature engineering",
        goal: "turn every feature numeric and informative: encode text, split structured strings, transform skewed values, add combinations, select",
        work: WorkKind::Program,
        tools: &[Category::Cleaning, Category::Features],
        reads_spec: false,
        proposals: true,
        skippable: false,
        data_charts: false,
        gates: &[G::Identity, G::Data, G::Features],
        offline: Offline::Engineer,
    },
    PhaseSpec {
        phase: Phase::ModelBuilding,
        slug: "model_building",
        title: "Model building and prediction",
        goal: "choose the models and search to cross-validate, blend and refit, and write the submission",
        work: WorkKind::Models,
        tools: &[],
        reads_spec: false,
        proposals: false,
        skippable: false,
        data_charts: false,
        gates: &[G::Identity, G::Submission],
        offline: Offline::Model,
    },
];

/// All phases in order, read off the table.
pub const PHASES: [Phase; PHASE_SPECS.len()] = {
    let mut out = [Phase::UnderstandBackground; PHASE_SPECS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = PHASE_SPECS[i].phase;
        i += 1;
    }
    out
};

/// The phase whose developer hands over this kind of work; the table has exactly one that fits
/// models (a test says so), and the finish, resume and stops ask for it by its work, not by name.
pub fn doing(work: WorkKind) -> Phase {
    PHASE_SPECS
        .iter()
        .find(|s| s.work == work)
        .map_or(PHASES[PHASES.len() - 1], |s| s.phase)
}

impl Phase {
    /// Its position in run order, from 0.
    pub fn index(self) -> usize {
        PHASES.iter().position(|p| *p == self).unwrap_or(0)
    }
    /// Its row of the phase table.
    pub fn spec(self) -> &'static PhaseSpec {
        &PHASE_SPECS[self.index()]
    }
    /// The folder name in a run directory, e.g. `3_data_cleaning`.
    pub fn dir_name(self) -> String {
        format!("{}_{}", self.index() + 1, self.slug())
    }
    /// snake_case name.
    pub fn slug(self) -> &'static str {
        self.spec().slug
    }
    /// Human title.
    pub fn title(self) -> &'static str {
        self.spec().title
    }
    /// What the phase is for, as the agents' prompts state it.
    pub fn goal(self) -> &'static str {
        self.spec().goal
    }
    /// `[3/6]`, for progress lines.
    pub fn counter(self) -> String {
        format!("[{}/{}]", self.index() + 1, PHASES.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_phase_in_order() {
        for (i, (row, phase)) in PHASE_SPECS.iter().zip(PHASES).enumerate() {
            assert_eq!(row.phase, phase, "row {i}");
            assert_eq!(phase.index(), i);
            // The slug is the serde name, so run directories and JSON agree.
            assert_eq!(
                serde_json::to_value(phase).unwrap(),
                serde_json::json!(row.slug)
            );
            assert!(row.gates.contains(&GateFamily::Identity), "{}", row.slug);
            assert_eq!(
                row.tools.is_empty(),
                row.work != WorkKind::Program,
                "{}",
                row.slug
            );
        }
        assert_eq!(Phase::DataCleaning.dir_name(), "3_data_cleaning");
        let fitting: Vec<Phase> = PHASES
            .into_iter()
            .filter(|p| p.spec().work == WorkKind::Models)
            .collect();
        assert_eq!(fitting, [Phase::ModelBuilding]);
        assert_eq!(doing(WorkKind::Models), Phase::ModelBuilding);
        let proposing: Vec<Phase> = PHASES.into_iter().filter(|p| p.spec().proposals).collect();
        assert_eq!(proposing, [Phase::FeatureEngineering]);
        let reading: Vec<Phase> = PHASES.into_iter().filter(|p| p.spec().reads_spec).collect();
        assert_eq!(
            reading,
            [Phase::UnderstandBackground],
            "the spec is read once, first"
        );
        assert_eq!(Phase::ModelBuilding.counter(), "[6/6]");
    }

    #[test]
    fn only_phases_nothing_depends_on_can_be_skipped() {
        let skippable: Vec<Phase> = PHASE_SPECS
            .iter()
            .filter(|s| s.skippable)
            .map(|s| s.phase)
            .collect();
        assert_eq!(skippable, [Phase::PreliminaryEda, Phase::InDepthEda]);
        assert!(
            PHASE_SPECS
                .iter()
                .filter(|s| s.skippable)
                .all(|s| s.work == WorkKind::Analysis)
        );
    }
}
