//! Model families as a registry, shaped like the tools: a family is one file that gives its typed
//! settings (a candidate, saved as `{"family": NAME, ...}`), the fitted model it makes per output
//! (saved as `{NAME: state}`), and its part of the search space (defaults and seeded draws for data
//! of a size), and [`FAMILIES`] lists what a plan may name, one line each. The search, the
//! prompts, the reply schema and the offline plan all read the registry, so adding a family is a
//! file here plus a line below (the families' engines live beside them in `models/`).

pub mod category_sets;
pub mod forest;
pub mod gbm;
pub mod knn;
pub mod leafwise;
pub mod linear;
pub mod symmetric;

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::time::Instant;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::problem::Problem;
use crate::error::Result;
use crate::folds::Rng;

/// Every family a search plan may name, in the order prompts and errors list them.
pub const FAMILIES: &[&dyn ModelFamily] = &[
    &gbm::Boosted,
    &gbm::BoostedBag,
    &linear::LinearFamily,
    &forest::RandomForest,
    &forest::ExtraTrees,
    &knn::Neighbours,
    &leafwise::Leafwise,
    &category_sets::CategorySets,
    &symmetric::Symmetric,
];

/// A family the search can draw from.
pub trait ModelFamily: Send + Sync {
    /// The name a search plan spells it with.
    fn name(&self) -> &'static str;
    /// What it is, and what a developer choosing families should know about it: prompts and the
    /// offline plan list the families with these words.
    fn note(&self) -> String;
    /// Its default settings for `rows` train rows and `outputs` fitted outputs.
    fn defaults(&self, rows: usize, outputs: usize) -> ModelKind;
    /// One seeded draw around the defaults.
    fn draw(&self, rows: usize, outputs: usize, rng: &mut Rng) -> ModelKind;
    /// Whether the search tries it on this many train rows.
    fn tried_on(&self, _rows: usize) -> bool {
        true
    }
}

/// A handle into [`FAMILIES`], written by name: what a search plan holds.
#[derive(Clone, Copy)]
pub struct Family(&'static dyn ModelFamily);

impl Family {
    /// Gradient-boosted trees.
    pub const GBM: Family = Family(&gbm::Boosted);
    /// Boosters with several seeds averaged.
    pub const GBM_BAG: Family = Family(&gbm::BoostedBag);
    /// Logistic or ridge regression.
    pub const LINEAR: Family = Family(&linear::LinearFamily);
    /// A random forest.
    pub const FOREST: Family = Family(&forest::RandomForest);
    /// Extremely randomized trees.
    pub const EXTRA_TREES: Family = Family(&forest::ExtraTrees);
    /// k-nearest neighbours.
    pub const KNN: Family = Family(&knn::Neighbours);
    /// Boosters grown best leaf first.
    pub const GBM_LEAVES: Family = Family(&leafwise::Leafwise);
    /// Boosters of symmetric (oblivious) trees.
    pub const GBM_SYMMETRIC: Family = Family(&symmetric::Symmetric);

    /// Every registered family.
    pub fn all() -> impl Iterator<Item = Family> {
        FAMILIES.iter().map(|f| Family(*f))
    }

    /// The family with this name.
    pub fn named(name: &str) -> Option<Family> {
        Self::all().find(|f| f.name() == name)
    }

    /// The registered names, comma-separated: what an error about a family lists.
    pub fn names() -> String {
        Self::all().map(|f| f.name()).collect::<Vec<_>>().join(", ")
    }
}

impl std::ops::Deref for Family {
    type Target = dyn ModelFamily;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for Family {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Family {}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Family {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Family {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Family::named(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown model family `{name}`; one of {}",
                Family::names()
            ))
        })
    }
}

impl schemars::JsonSchema for Family {
    fn schema_name() -> Cow<'static, str> {
        "Family".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Family::all().map(|f| f.name()).collect();
        schemars::json_schema!({
            "description": "A model family the search can draw from.",
            "type": "string",
            "enum": names,
        })
    }
}

/// A family's settings for one candidate.
#[typetag::serde(tag = "family")]
pub trait Settings: fmt::Debug + Send + Sync + Any + Boxed {
    /// The candidate's name in tables and blends (`gbm_d4_lr0.093`).
    fn label(&self) -> String;
    /// Fits the models of one fit on `cx`'s rows: one per output, or one for all of them.
    /// Boosters add their gain per feature to `importance`.
    fn fit(&self, cx: &FitCx, importance: &mut Option<Vec<f64>>) -> Result<Vec<FittedModel>>;
    /// Whether its fits stop on held-out rows, which cross-validation then passes in
    /// [`FitCx::held`].
    fn watches(&self) -> bool {
        false
    }
    /// The settings the folds agreed on, when a family takes its capacity from validation (a
    /// booster's tree count), with every fold's models set to predict with them; None keeps the
    /// candidate as it is.
    fn agreed(&self, _folds: &mut [&mut Vec<FittedModel>]) -> Option<ModelKind> {
        None
    }
    /// A fit's cost relative to other settings of the same engine ([`ModelKind::same_engine`]):
    /// the search forecasts a candidate's time from the times of that engine's candidates before
    /// it, scaled by this. Settings whose cost does not vary keep 1.
    fn relative_cost(&self) -> f64 {
        1.0
    }
}

/// What every family's settings can do whatever the family: given to any `Clone` settings with
/// a JSON schema, so that a family's settings cannot be added without one.
pub trait Boxed {
    /// A copy, boxed.
    fn copy(&self) -> ModelKind;
    /// For code that reads one family's settings ([`ModelKind::get`]).
    fn as_any(&self) -> &dyn Any;
    /// The JSON schema of the settings' type (each field with its doc comment), for whoever
    /// writes settings by hand or asks a model for them (`autokaggle families --json`).
    fn schema(&self) -> serde_json::Value;
}

impl<S: Settings + Clone + schemars::JsonSchema> Boxed for S {
    fn copy(&self) -> ModelKind {
        ModelKind::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn schema(&self) -> serde_json::Value {
        schemars::SchemaGenerator::default()
            .into_root_schema_for::<S>()
            .to_value()
    }
}

/// A candidate's family and settings, saved as `{"family": NAME, ...settings}`.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct ModelKind(Box<dyn Settings>);

impl ModelKind {
    /// Settings of one family.
    pub fn new<S: Settings>(settings: S) -> Self {
        Self(Box::new(settings))
    }

    /// The settings, when they are of type `S`.
    pub fn get<S: Settings>(&self) -> Option<&S> {
        (*self.0).as_any().downcast_ref()
    }

    /// Whether `other` has the same type of settings (one engine: `gbm` and `gbm_bag` alike, a
    /// random forest and extra trees alike): two such candidates' costs compare.
    pub fn same_engine(&self, other: &ModelKind) -> bool {
        (*self.0).as_any().type_id() == (*other.0).as_any().type_id()
    }
}

impl std::ops::Deref for ModelKind {
    type Target = dyn Settings;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl Clone for ModelKind {
    fn clone(&self) -> Self {
        self.0.copy()
    }
}

impl PartialEq for ModelKind {
    fn eq(&self, other: &Self) -> bool {
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}

impl fmt::Debug for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One output's fitted model, saved as `{NAME: state}`.
#[typetag::serde]
pub trait Output: Send + Sync + Any + AnyMut {
    /// Predictions for a column-major matrix of `rows` rows, one vector per output: one for most
    /// models, one per class for a softmax booster.
    fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>>;
}

/// For a family's [`Settings::agreed`], which sets its own fitted models: given to every type.
pub trait AnyMut {
    /// The model as `Any`, to downcast.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AnyMut for T {
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A fitted model of any family (see [`Output`]).
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct FittedModel(Box<dyn Output>);

impl FittedModel {
    /// A family's fitted model.
    pub fn new<O: Output>(model: O) -> Self {
        Self(Box::new(model))
    }

    /// See [`Output::predict`].
    pub fn predict(&self, x: &[f64], rows: usize) -> Result<Vec<Vec<f64>>> {
        self.0.predict(x, rows)
    }

    /// The model, when it is of type `O`.
    pub fn get_mut<O: Output>(&mut self) -> Option<&mut O> {
        // On the model inside, not on the box (a `Box` is `Any` too).
        (*self.0).as_any_mut().downcast_mut()
    }
}

/// Held-out rows a fit may stop on: their column-major matrix and their row indices.
pub struct Held<'a> {
    /// The rows' features, column-major.
    pub x: &'a [f64],
    /// The rows, as indices into train.
    pub rows: &'a [usize],
}

/// What one fit sees: the problem, the rows it fits on, and how a booster stops.
pub struct FitCx<'a> {
    /// The problem (targets, task, metric, the size of train).
    pub problem: &'a Problem,
    /// The fit's rows' features, column-major.
    pub x: &'a [f64],
    /// The fit's rows, as indices into train.
    pub train_rows: &'a [usize],
    /// The fit's seed.
    pub seed: u64,
    /// Held-out rows to stop on, for families that [`Settings::watches`].
    pub held: Option<&'a Held<'a>>,
    /// When boosters stop growing, whatever their held-out rows say.
    pub deadline: Option<Instant>,
}

impl FitCx<'_> {
    /// One model per output, each fitted by `fit` on that output's targets at the fit's rows.
    pub fn per_output(
        &self,
        fit: impl Fn(&[f64]) -> Result<FittedModel>,
    ) -> Result<Vec<FittedModel>> {
        self.problem
            .y
            .iter()
            .map(|y| fit(&self.train_rows.iter().map(|&i| y[i]).collect::<Vec<_>>()))
            .collect()
    }

    /// Features per row.
    pub fn cols(&self) -> usize {
        self.problem.features.len()
    }
}

/// Data size in rows times outputs above which families fit fewer, shallower trees.
pub(crate) fn large(work: usize) -> bool {
    work > 60_000
}

pub(crate) fn log_uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.unit() * (hi.ln() - lo.ln())).exp()
}

pub(crate) fn pick<T: Copy>(rng: &mut Rng, options: &[T]) -> T {
    options[rng.below(options.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_a_unique_name_a_note_and_settings_that_round_trip() {
        let mut names = std::collections::BTreeSet::new();
        for f in Family::all() {
            assert!(names.insert(f.name()), "{} twice", f.name());
            assert!(!f.note().is_empty(), "{}", f.name());
            assert_eq!(Family::named(f.name()), Some(f));
            let mut rng = Rng::new(7);
            for kind in [f.defaults(1000, 1), f.draw(1000, 1, &mut rng)] {
                let text = serde_json::to_string(&kind).unwrap();
                let back: ModelKind = serde_json::from_str(&text).unwrap();
                assert_eq!(back, kind, "{text}");
                assert!(!kind.label().is_empty(), "{text}");
            }
        }
        let e = serde_json::from_str::<Family>("\"xgboost\"").unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown model family `xgboost`; one of gbm, gbm_bag"),
            "{e}"
        );
    }

    #[test]
    fn settings_and_fitted_models_save_under_the_family_name_as_the_enums_did() {
        use crate::models::knn::{Knn, KnnParams};
        let kind = ModelKind::new(KnnParams::default());
        assert_eq!(
            serde_json::to_value(&kind).unwrap(),
            serde_json::json!({"family": "knn", "k": 25, "weighted": true})
        );
        let other_knn = ModelKind::new(KnnParams {
            k: 5,
            weighted: false,
        });
        assert!(kind.same_engine(&other_knn));
        let linear = ModelKind::new(crate::models::linear::LinearParams::default());
        assert!(!kind.same_engine(&linear));
        let x = [0.0, 1.0, 2.0, 3.0];
        let fitted = Knn::fit(&x, 4, 1, &[0.0, 0.0, 1.0, 1.0], &KnnParams::default()).unwrap();
        let before = fitted.predict(&[1.4], 1).unwrap();
        let saved = serde_json::to_value(FittedModel::new(fitted)).unwrap();
        let keys: Vec<&String> = saved.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["knn"], "{saved}");
        let back: FittedModel = serde_json::from_value(saved).unwrap();
        assert_eq!(back.predict(&[1.4], 1).unwrap(), vec![before]);
    }

    #[test]
    fn every_familys_settings_have_a_schema_naming_each_field_with_its_doc() {
        for f in Family::all() {
            let kind = f.defaults(1000, 1);
            let schema = kind.schema();
            let props = schema["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{}: {schema}", f.name()));
            let saved = serde_json::to_value(&kind).unwrap();
            for (field, _) in saved.as_object().unwrap() {
                if field == "family" {
                    continue;
                }
                let p = props
                    .get(field)
                    .unwrap_or_else(|| panic!("{}: `{field}` not in {schema}", f.name()));
                assert!(
                    p["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{}: `{field}` has no description",
                    f.name()
                );
            }
        }
        let gbm = Family::GBM.defaults(1000, 1).schema();
        assert_eq!(gbm["properties"]["max_depth"]["type"], "integer");
        assert_eq!(gbm["properties"]["learning_rate"]["type"], "number");
    }
}
