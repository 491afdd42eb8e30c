//! The LLM developer proposes features in feature engineering; cross-validation disposes. A scripted
//! OpenAI-wire server answers the demo competition's calls, its feature-engineering program carrying
//! two proposals with reasons.

use std::sync::Arc;

use autokaggle_agents::llm::Session;
use serde_json::json;

use super::llm::{competition, config, good, log_of, openai, run, serve, valid};

#[test]
fn proposals_are_cross_validated_and_the_report_gives_each_reason_and_gain() {
    let (dir, out) = competition("proposals");
    let mock = serve(|_, r| {
        if r.role() == "developer" && r.phase() == 5 {
            return openai(
                &json!({"steps": [{"tool": "scale", "args": {"method": "standard"}}],
                    "proposals": [
                        {"name": "radius_ratio", "reason": "large worst-to-mean growth marks malignancy",
                         "expr": "worst_radius / mean_radius"},
                        {"name": "constant_one", "reason": "a control that cannot help", "expr": "1"}]})
                .to_string(),
            );
        }
        openai(&good(&r.role(), r.phase()).to_string())
    });
    let s = run(
        &dir,
        &out,
        Arc::new(Session::new(config(mock.port, false)).unwrap()),
    );
    valid(&s, &dir);
    let seen = mock.seen();
    let fe = seen
        .iter()
        .find(|r| r.role() == "developer" && r.phase() == 5)
        .expect("a feature-engineering developer call");
    assert!(
        fe.prompt().contains("## Features you may propose"),
        "{}",
        fe.prompt()
    );
    // Cleaning's developer is not offered proposals.
    let cleaning = seen
        .iter()
        .find(|r| r.role() == "developer" && r.phase() == 3)
        .unwrap();
    assert!(
        !cleaning.prompt().contains("propose"),
        "{}",
        cleaning.prompt()
    );
    assert!(!s.phases[4].fallback, "the reply was used");

    // The search runs first, on the proposals only, and says what it did with each.
    let program =
        std::fs::read_to_string(s.run_dir.join("5_feature_engineering/program.json")).unwrap();
    assert!(
        program.contains("feature_search") && program.contains("\"generate\": false"),
        "{program}"
    );
    let report =
        std::fs::read_to_string(s.run_dir.join("5_feature_engineering/report.md")).unwrap();
    assert!(
        report.contains("feature_search: 2 candidate(s)"),
        "{report}"
    );
    for line in [
        "radius_ratio (proposed: large worst-to-mean growth marks malignancy): ",
        "constant_one (proposed: a control that cannot help): dropped (gain",
    ] {
        assert!(report.contains(line), "{line} not in {report}");
    }
    let html = std::fs::read_to_string(s.run_dir.join("report.html")).unwrap();
    assert!(html.contains("a control that cannot help"));
    assert!(log_of(&s.run_dir, "5_feature_engineering").contains("feature_search"));
    if std::env::var_os("KEEP_RUN").is_none() {
        std::fs::remove_dir_all(&out).unwrap();
    }
}
