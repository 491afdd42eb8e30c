//! What each role's LLM must answer, as types. Each type is the one source of its reply's JSON schema
//! (sent to servers that constrain output to it), its parser and its allowed ranges: a reply that
//! breaks them fails to parse with a message the model can act on in its fix turn.

use std::ops::RangeInclusive;

use autokaggle_toolkit::models::cv;
use autokaggle_toolkit::models::search::{self, Family};
use autokaggle_toolkit::spec::Correction;
use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::error::ReplyError;

/// An integer in `LO..=HI`, whose schema lists the allowed values (small grammar-constrained models
/// follow an `enum` better than bounds). A float is rounded first; anything else is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounded<const LO: u64, const HI: u64>(pub u64);

impl<const LO: u64, const HI: u64> Bounded<LO, HI> {
    /// The allowed values.
    pub const RANGE: RangeInclusive<u64> = LO..=HI;
}

impl<'de, const LO: u64, const HI: u64> Deserialize<'de> for Bounded<LO, HI> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?.round();
        if x < LO as f64 || x > HI as f64 {
            return Err(D::Error::custom(format!("{x} is outside {LO} to {HI}")));
        }
        Ok(Self(x as u64))
    }
}

impl<const LO: u64, const HI: u64> JsonSchema for Bounded<LO, HI> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Int{LO}To{HI}").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let values: Vec<u64> = Self::RANGE.collect();
        serde_json::from_value(json!({"enum": values})).expect("an enum schema")
    }
}

/// A text reply: a plan or a report in markdown.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Plan {
    /// Numbered steps, in words.
    #[schemars(length(max = 1200))]
    pub plan: String,
}

/// A phase report or the research report.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Report {
    /// Markdown.
    #[schemars(length(max = 1200))]
    pub report: String,
}

/// The spec field a correction changes.
#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SpecField {
    /// The id column.
    Id,
    /// The target column(s).
    Targets,
    /// The task.
    Task,
    /// The metric.
    Metric,
}

/// A proposed change to the inferred spec.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CorrectionReply {
    /// Which field.
    pub field: SpecField,
    /// Its new value (targets comma-separated; task and metric in snake_case).
    #[schemars(length(max = 80))]
    pub value: String,
    /// Why.
    #[schemars(length(max = 300))]
    pub reason: String,
}

/// The reader's reply.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReadingReply {
    /// The competition stated for the team, in markdown.
    #[schemars(length(max = 1200))]
    pub summary: String,
    /// Corrections to the inferred spec, if any.
    #[serde(default)]
    #[schemars(length(max = 2))]
    pub corrections: Vec<CorrectionReply>,
}

impl ReadingReply {
    /// The corrections as the orchestrator checks them.
    pub fn corrections(&self) -> Vec<Correction> {
        self.corrections
            .iter()
            .map(|c| Correction {
                field: serde_json::to_value(c.field)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                value: c.value.clone(),
                reason: c.reason.clone(),
            })
            .collect()
    }
}

/// Extra seeded draws from one family's search space.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Draw {
    /// The family.
    pub family: Family,
    /// How many draws: up to as many as the offline policy's own booster draws.
    pub count: Bounded<0, { search::BOOSTER_DRAWS as u64 }>,
}

/// CV folds a run may use ([`cv::FOLDS`]).
pub type Folds = Bounded<{ *cv::FOLDS.start() as u64 }, { *cv::FOLDS.end() as u64 }>;

fn five_folds() -> Folds {
    Bounded(5)
}

/// The developer's choice of models in the modeling phase.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchReply {
    /// Number of CV folds.
    #[serde(default = "five_folds")]
    pub folds: Folds,
    /// Families whose default settings are tried, in order.
    #[schemars(length(min = 1, max = 4))]
    pub families: Vec<Family>,
    /// Extra seeded draws, after the defaults.
    #[serde(default)]
    #[schemars(length(max = 3))]
    pub draws: Vec<Draw>,
}

/// Whom a score is for.
#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Agent {
    /// The planner.
    Planner,
    /// The developer.
    Developer,
}

/// One score with its reason.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Score {
    /// Whom it scores.
    pub agent: Agent,
    /// 1 (useless or harmful) to 5 (nothing to improve).
    pub score: Bounded<1, 5>,
    /// Why.
    #[serde(default)]
    #[schemars(length(max = 300))]
    pub reason: String,
}

/// The reviewer's reply.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReviewReply {
    /// Scores for the planner and the developer.
    #[schemars(length(min = 1, max = 2))]
    pub scores: Vec<Score>,
    /// Concrete suggestions.
    #[serde(default)]
    #[schemars(length(max = 5), inner(length(max = 300)))]
    pub suggestions: Vec<String>,
}

/// A reply type: its schema, and the checks serde cannot make (non-empty text and lists).
pub trait ReplyType: DeserializeOwned + JsonSchema {
    /// What the schema says but a server that ignores it may break.
    fn check(&self) -> Result<(), ReplyError> {
        Ok(())
    }
}

fn non_empty(field: &'static str, s: &str) -> Result<(), ReplyError> {
    if s.trim().is_empty() {
        Err(ReplyError::EmptyField(field))
    } else {
        Ok(())
    }
}

impl ReplyType for Plan {
    fn check(&self) -> Result<(), ReplyError> {
        non_empty("plan", &self.plan)
    }
}
impl ReplyType for Report {
    fn check(&self) -> Result<(), ReplyError> {
        non_empty("report", &self.report)
    }
}
impl ReplyType for ReadingReply {
    fn check(&self) -> Result<(), ReplyError> {
        non_empty("summary", &self.summary)
    }
}
impl ReplyType for SearchReply {
    fn check(&self) -> Result<(), ReplyError> {
        if self.families.is_empty() {
            return Err(ReplyError::NoFamily(Family::names()));
        }
        Ok(())
    }
}
impl ReplyType for ReviewReply {
    fn check(&self) -> Result<(), ReplyError> {
        if self.scores.is_empty() {
            return Err(ReplyError::EmptyField("scores"));
        }
        Ok(())
    }
}

/// The JSON schema of a reply type, inlined and reduced to what grammar-constrained servers follow:
/// no `$schema`, titles, descriptions or formats, and enums of constants as plain `enum`s.
pub fn schema<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    simplify(&mut v);
    v
}

fn simplify(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["$schema", "title", "description", "format"] {
                m.remove(k);
            }
            if m.get("minimum") == Some(&json!(0)) && m.get("type") == Some(&json!("integer")) {
                m.remove("minimum");
            }
            let consts: Option<Vec<Value>> = m
                .get("oneOf")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().map(|s| s.get("const").cloned()).collect());
            if let Some(values) = consts {
                m.remove("oneOf");
                m.remove("type");
                m.insert("enum".into(), Value::Array(values));
            }
            m.values_mut().for_each(simplify);
        }
        Value::Array(a) => a.iter_mut().for_each(simplify),
        _ => {}
    }
}

/// Parses and checks a reply; the error names what to fix.
pub fn parse<T: ReplyType>(v: &Value) -> Result<T, ReplyError> {
    let t: T = serde_json::from_value(v.clone()).map_err(ReplyError::Shape)?;
    t.check()?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_schema_parser_and_ranges_agree() {
        let s = schema::<ReviewReply>();
        let score = &s["properties"]["scores"]["items"]["properties"]["score"];
        assert_eq!(score, &json!({"enum": [1, 2, 3, 4, 5]}));
        assert_eq!(
            s["properties"]["scores"]["items"]["properties"]["agent"]["enum"],
            json!(["planner", "developer"])
        );
        assert_eq!(s["properties"]["scores"]["maxItems"], 2);
        assert_eq!(s["properties"]["suggestions"]["items"]["maxLength"], 300);
        assert_eq!(s["required"], json!(["scores"]));
        let ok: ReviewReply =
            parse(&json!({"scores": [{"agent": "developer", "score": 4.4, "reason": "ok"}]}))
                .unwrap();
        assert_eq!(ok.scores[0].score, Bounded(4));
        let e = parse::<ReviewReply>(&json!({"scores": [{"agent": "developer", "score": 7}]}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("7 is outside 1 to 5"), "{e}");
        let e =
            parse::<ReviewReply>(&json!({"scores": [{"agent": "boss", "score": 3}]})).unwrap_err();
        assert!(matches!(&e, ReplyError::Shape(_)), "{e:?}");
        assert!(e.to_string().contains("unknown variant `boss`"), "{e}");
        let e = parse::<ReviewReply>(&json!({"scores": []})).unwrap_err();
        assert_eq!(e.to_string(), "\"scores\" is empty");
    }

    #[test]
    fn search_folds_come_from_the_one_range() {
        let s = schema::<SearchReply>();
        let folds: Vec<u64> = cv::FOLDS.map(|f| f as u64).collect();
        assert_eq!(s["properties"]["folds"]["enum"], json!(folds));
        // The schema's names (the family registry's) are the ones prompts and errors list.
        let mut listed: Vec<&str> = Family::all().map(|f| f.name()).collect();
        let mut named: Vec<&str> = s["properties"]["families"]["items"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        listed.sort_unstable();
        named.sort_unstable();
        assert_eq!(listed, named);
        assert_eq!(named.len(), 9, "the nine registered families: {named:?}");
        let r: SearchReply = parse(&json!({"families": ["gbm"]})).unwrap();
        assert_eq!((r.folds, r.draws.len()), (Bounded(5), 0));
        let e = parse::<SearchReply>(&json!({"folds": 11, "families": ["gbm"]}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("11 is outside 2 to 10"), "{e}");
        let e = parse::<SearchReply>(&json!({"families": []})).unwrap_err();
        assert!(matches!(&e, ReplyError::NoFamily(_)), "{e:?}");
        assert!(e.to_string().contains("\"families\" is empty"), "{e}");
    }

    #[test]
    fn reading_corrections_keep_their_field_names() {
        let r: ReadingReply = parse(&json!({"summary": "s", "corrections": [
            {"field": "metric", "value": "roc_auc", "reason": "the overview says AUC"}]}))
        .unwrap();
        assert_eq!(r.corrections()[0].field, "metric");
        assert!(parse::<ReadingReply>(&json!({"summary": "  "})).is_err());
        assert_eq!(
            schema::<Plan>(),
            json!({"type": "object", "properties": {"plan": {"type": "string", "maxLength": 1200}}, "required": ["plan"]})
        );
    }
}
