//! Features the LLM developer proposes in feature engineering. Each goes to `feature_search` as a
//! proposal with its one-line reason, so cross-validation, not the LLM, decides whether it is kept,
//! and the phase's log shows every proposal with its reason and measured gain.

use autokaggle_toolkit::Program;
use autokaggle_toolkit::features::feature_search::Proposal;
use serde_json::{Value, json};

use super::error::ReplyError;

/// The tool that judges proposals.
const SEARCH: &str = "feature_search";

/// How the reply looks with proposals, for the prompt.
pub const SHAPE: &str = r#"{"steps": [{"tool": "<tool name>", "args": {...}}], "proposals": [{"name": "<new column>", "reason": "<one line>", "expr": "<row-wise expression>"}]}"#;

/// Adds the `proposals` property to the program reply's schema.
pub fn extend_schema(schema: &mut Value) {
    schema["properties"]["proposals"] = json!({"type": "array", "maxItems": 8, "items": {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 60},
                       "reason": {"type": "string", "maxLength": 200},
                       "expr": {"type": "string", "maxLength": 300}},
        "required": ["name", "reason", "expr"]}});
}

/// The program of a reply with its `proposals` joined in: into the program's own `feature_search`
/// step when it has one, otherwise as a first step that tries only them (the proposals were written
/// against the profile of the phase's input, before any other step changes it).
pub fn program(v: &Value) -> Result<Program, ReplyError> {
    let mut program = Program::from_json(&v.to_string())?;
    let raw = match v.get("proposals") {
        None | Some(Value::Null) => return Ok(program),
        Some(p) => p.clone(),
    };
    let proposals: Vec<Proposal> = serde_json::from_value(raw.clone()).map_err(|e| {
        ReplyError::Proposals(format!("{e}; each is {{\"name\", \"reason\", \"expr\"}}"))
    })?;
    if proposals.is_empty() {
        return Ok(program);
    }
    for p in &proposals {
        p.steps()?;
    }
    match program.steps.iter_mut().find(|s| s.tool == SEARCH) {
        Some(s) => {
            let args = s.args.as_object_mut().ok_or(ReplyError::SearchArgs(
                "feature_search's args are not an object",
            ))?;
            let list = args.entry("proposals").or_insert_with(|| json!([]));
            let list = list.as_array_mut().ok_or(ReplyError::SearchArgs(
                "feature_search's \"proposals\" is not a list",
            ))?;
            list.extend(raw.as_array().cloned().unwrap_or_default());
        }
        None => program.steps.insert(
            0,
            autokaggle_toolkit::Step::new(SEARCH, json!({"proposals": raw, "generate": false})),
        ),
    }
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals_become_a_first_search_step_or_join_the_programs_own() {
        let p = program(&json!({"steps": [{"tool": "one_hot", "args": {}}],
            "proposals": [{"name": "fam", "reason": "family size", "expr": "SibSp + Parch + 1"}]}))
        .unwrap();
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[0].tool, "feature_search");
        assert_eq!(p.steps[0].args["generate"], json!(false));
        assert_eq!(
            p.steps[0].args["proposals"][0]["reason"],
            json!("family size")
        );

        let p = program(
            &json!({"steps": [{"tool": "feature_search", "args": {"max_seconds": 5}}],
            "proposals": [{"name": "fam", "reason": "r", "expr": "a + b"}]}),
        )
        .unwrap();
        assert_eq!(p.steps.len(), 1);
        assert_eq!(p.steps[0].args["max_seconds"], json!(5));
        assert_eq!(p.steps[0].args["proposals"][0]["name"], json!("fam"));

        let p = program(&json!({"steps": [{"tool": "one_hot", "args": {}}]})).unwrap();
        assert_eq!(p.steps.len(), 1);
    }

    #[test]
    fn a_malformed_proposal_is_refused_with_what_a_proposal_is() {
        let e = program(&json!({"steps": [], "proposals": [{"name": "x"}]}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"proposals\"") && e.contains("reason"), "{e}");
        let e = program(&json!({"steps": [], "proposals": [{"name": "x", "reason": "r"}]}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("exactly one of"), "{e}");
    }
}
