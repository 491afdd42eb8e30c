//! The six phases of a run.

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

/// All phases in order.
pub const PHASES: [Phase; 6] = [
    Phase::UnderstandBackground,
    Phase::PreliminaryEda,
    Phase::DataCleaning,
    Phase::InDepthEda,
    Phase::FeatureEngineering,
    Phase::ModelBuilding,
];

impl Phase {
    /// The folder name in a run directory, e.g. `3_data_cleaning`.
    pub fn dir_name(self) -> String {
        let i = PHASES.iter().position(|p| *p == self).unwrap_or(0) + 1;
        format!("{i}_{}", self.slug())
    }
    /// snake_case name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::UnderstandBackground => "understand_background",
            Self::PreliminaryEda => "preliminary_eda",
            Self::DataCleaning => "data_cleaning",
            Self::InDepthEda => "in_depth_eda",
            Self::FeatureEngineering => "feature_engineering",
            Self::ModelBuilding => "model_building",
        }
    }
    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::UnderstandBackground => "Understand background",
            Self::PreliminaryEda => "Preliminary EDA",
            Self::DataCleaning => "Data cleaning",
            Self::InDepthEda => "In-depth EDA",
            Self::FeatureEngineering => "Feature engineering",
            Self::ModelBuilding => "Model building and prediction",
        }
    }
    /// What the phase is for, as the agents' prompts state it.
    pub fn goal(self) -> &'static str {
        match self {
            Self::UnderstandBackground => {
                "understand the competition: what is predicted, how it is scored, what the data holds"
            }
            Self::PreliminaryEda => {
                "a first look at the raw data: types, missing values, cardinality, distributions, the target"
            }
            Self::DataCleaning => {
                "make train and test clean: handle missing values, fix types, drop useless or near-empty columns, treat outliers; no missing values may remain"
            }
            Self::InDepthEda => {
                "study the cleaned data and its relation to the target, to decide the feature engineering"
            }
            Self::FeatureEngineering => {
                "turn every feature numeric and informative: encode text, split structured strings, transform skewed values, add combinations, select"
            }
            Self::ModelBuilding => {
                "choose the models and search to cross-validate, blend and refit, and write the submission"
            }
        }
    }
}
