//! The prompt templates, in one table. Adding a prompt is one `agents/templates/<name>.j2` plus one
//! [`TEMPLATES`] line; partials (included by others) are listed too. The environment renders in
//! strict-undefined mode, so a template that names a value its caller does not give fails its test
//! instead of sending an empty string to the model.

use minijinja::{Environment, UndefinedBehavior};

/// (name, source) of every template.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("system.j2", include_str!("../../templates/system.j2")),
    ("context.j2", include_str!("../../templates/context.j2")),
    ("reader.j2", include_str!("../../templates/reader.j2")),
    ("planner.j2", include_str!("../../templates/planner.j2")),
    ("developer.j2", include_str!("../../templates/developer.j2")),
    ("reviewer.j2", include_str!("../../templates/reviewer.j2")),
    (
        "summarizer.j2",
        include_str!("../../templates/summarizer.j2"),
    ),
    ("research.j2", include_str!("../../templates/research.j2")),
    ("role.j2", include_str!("../../templates/role.j2")),
];

/// The environment every LLM role renders its prompts with.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, src) in TEMPLATES {
        env.add_template(name, src)
            .expect("the built-in templates parse");
    }
    env
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Every value any template reads, as the agent gives them.
    fn fixture() -> serde_json::Value {
        json!({
            "role": "developer", "duty": "You write programs.", "shape": "{\"steps\": []}",
            "spec": {"name": "titanic", "task": "Binary", "metric": "Accuracy", "id": "PassengerId",
                     "targets": ["Survived"]},
            "higher_is_better": true, "overview": "Who survived.", "phase_number": 3, "phases": 6,
            "phase_title": "Data cleaning", "phase_slug": "data_cleaning", "phase_goal": "clean",
            "work": "program", "proposals": false,
            "folds_min": 2, "folds_max": 10,
            "families": [{"name": "gbm", "note": ""}, {"name": "knn", "note": "skipped above 30000 train rows"}],
            "rows": 891, "test_rows": 418, "profile": "Age: 20% missing",
            "previous_report": "EDA said...", "instructions": ["keep Age"], "redo": ["fill Age"],
            "plan": "1. Fill Age.", "feedback": ["gate no_missing_values: Age"],
            "tools": [{"name": "fill_missing", "description": "Fills.", "args": "strategy?: string"}],
            "steps": ["fill_missing: Age"], "attempts": 1, "passed": 1, "applicable": 1,
            "gates": [{"gate": "no_missing_values", "status": "passed", "message": "none"}],
            "cv": [{"model": "gbm", "mean": 0.83, "std": 0.01}], "baseline": 0.62,
            "scores": [["developer", 5, "fine"]], "reports": "# Phase 1", "results": "| a |",
        })
    }

    #[test]
    fn every_template_renders_in_strict_mode_with_the_agents_context() {
        let env = environment();
        let ctx = minijinja::Value::from(minijinja::value::Serde(fixture()));
        for (name, _) in TEMPLATES {
            let out = env
                .get_template(name)
                .unwrap()
                .render(&ctx)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert!(!out.trim().is_empty(), "{name} rendered nothing");
        }
        let context = env
            .get_template("context.j2")
            .unwrap()
            .render(&ctx)
            .unwrap();
        assert!(
            context.contains("## Phase 3 of 6: Data cleaning"),
            "{context}"
        );
        // The shared context is sent once, before the role's task: no role template repeats it.
        let dev = env
            .get_template("developer.j2")
            .unwrap()
            .render(&ctx)
            .unwrap();
        assert!(!dev.contains("## Competition"), "{dev}");
        let role = env.get_template("role.j2").unwrap().render(&ctx).unwrap();
        assert!(
            role.contains("You are the developer. You write programs."),
            "{role}"
        );
        let rev = env
            .get_template("reviewer.j2")
            .unwrap()
            .render(&ctx)
            .unwrap();
        assert!(rev.contains("- PASSED no_missing_values: none"), "{rev}");
        assert!(rev.contains("- gbm: 0.83 ± 0.01"), "{rev}");
    }

    #[test]
    fn a_missing_value_fails_instead_of_rendering_empty() {
        let env = environment();
        let mut ctx = fixture();
        ctx.as_object_mut().unwrap().remove("phase_goal");
        let e = env
            .get_template("context.j2")
            .unwrap()
            .render(minijinja::Value::from(minijinja::value::Serde(ctx)));
        assert!(e.is_err());
    }

    #[test]
    fn every_template_file_is_in_the_table() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".j2"))
            .collect();
        files.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|t| t.0.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed);
    }
}
