//! Tools as the developer's prompt shows them: a one-line signature per tool instead of its full
//! JSON schema, which also suits small local models.

use autokaggle_toolkit::registry;
use serde_json::{Value, json};

use crate::phase::Phase;

/// A JSON-schema type, compactly: `string`, `[string]`, `"a"|"b"`, `number|null`.
fn type_of(p: &Value, defs: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        let def = &defs[r.rsplit('/').next().unwrap_or("")];
        return type_of(def, defs);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(alts) = p.get(k).and_then(Value::as_array) {
            return alts
                .iter()
                .map(|a| type_of(a, defs))
                .collect::<Vec<_>>()
                .join("|");
        }
    }
    if let Some(c) = p.get("const") {
        return c.to_string();
    }
    if let Some(e) = p.get("enum").and_then(Value::as_array) {
        return e.iter().map(Value::to_string).collect::<Vec<_>>().join("|");
    }
    let one = |t: &str| match t {
        "array" => format!(
            "[{}]",
            p.get("items").map_or("any".into(), |i| type_of(i, defs))
        ),
        other => other.to_string(),
    };
    match p.get("type") {
        Some(Value::String(t)) => one(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join("|"),
        _ => "any".into(),
    }
}

/// A tool's arguments as a one-line signature, e.g. `columns?: [string], strategy?: "auto"|"mean"`:
/// a few tokens instead of the full schema, which also suits small local models.
pub fn signature(schema: &Value) -> String {
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return String::new();
    };
    props
        .iter()
        .map(|(k, p)| {
            let opt = if required.contains(&k.as_str()) {
                ""
            } else {
                "?"
            };
            format!("{k}{opt}: {}", type_of(p, &defs))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tools a phase may use, as the developer sees them.
pub fn phase_tools(phase: Phase) -> Vec<Value> {
    phase
        .spec()
        .tools
        .iter()
        .flat_map(|c| registry::of(*c))
        .map(|t| {
            let s = t.spec();
            json!({"name": s.name, "description": s.description, "args": signature(&s.schema)})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_signatures_are_compact_and_complete() {
        let fill = registry::find("fill_missing").unwrap().spec();
        let sig = signature(&fill.schema);
        assert!(
            sig.contains("strategy?: \"auto\"|\"mean\"|\"median\"|\"mode\"|\"constant\""),
            "{sig}"
        );
        assert!(sig.contains("columns?: [string]|null"), "{sig}");
        let drop = registry::find("drop_columns").unwrap().spec();
        assert_eq!(signature(&drop.schema), "columns: [string]");
        // Every tool of the feature phase is listed, each with a short signature.
        let tools = phase_tools(Phase::FeatureEngineering);
        assert_eq!(tools.len(), registry::TOOLS.len());
        assert!(
            tools
                .iter()
                .all(|t| t["args"].as_str().unwrap().len() < 400)
        );
    }
}
