//! What the developer and reviewer get back when a reply is wrong: parse errors, unknown tools,
//! mistyped arguments and failed gates go back with their message; low reviews redo a phase; the
//! reader's corrections are checked against the files.

use super::*;

#[test]
fn invalid_json_gets_one_fix_turn_with_the_parse_error() {
    let (dir, out) = competition("badjson");
    let mock = serve(|_, r| {
        // The first cleaning reply misses a comma; the fix turn's request carries the error.
        if r.role() == "developer" && r.phase() == 3 && !r.prompt().contains("could not be used") {
            return openai("{\"steps\": [{\"tool\": \"fill_missing\" \"args\": {}}]}");
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
    assert_eq!(seen.len(), GOOD_CALLS + 1);
    let fix = seen
        .iter()
        .find(|r| r.prompt().contains("could not be used"))
        .unwrap();
    assert!(fix.prompt().contains("JSON is invalid"), "{}", fix.prompt());
    // The bad reply is part of the conversation the model sees again.
    let turns = fix.body["messages"].as_array().unwrap();
    assert_eq!(turns[turns.len() - 2]["role"], "assistant");
    let program = std::fs::read_to_string(s.run_dir.join("3_data_cleaning/program.json")).unwrap();
    assert!(program.contains("fill_missing"));
    std::fs::remove_dir_all(&out).unwrap();
}

/// A developer whose first cleaning program is `first`; later attempts are good. Returns the
/// second cleaning request's prompt (what was fed back) and the run.
fn cleaning_fixed_after(tag: &str, first: Value) -> (String, RunSummary, PathBuf) {
    let (dir, out) = competition(tag);
    let first = first.to_string();
    let mock = serve(move |_, r| {
        if r.role() == "developer" && r.phase() == 3 && !r.prompt().contains("earlier attempts") {
            return openai(&first);
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
    assert_eq!(seen.len(), GOOD_CALLS + 1);
    let cleaning: Vec<&Seen> = seen
        .iter()
        .filter(|r| r.role() == "developer" && r.phase() == 3)
        .collect();
    assert_eq!(cleaning.len(), 2);
    assert_eq!(s.phases[2].attempts, 2);
    assert!(!s.phases[2].fallback);
    (cleaning[1].prompt(), s, out)
}

#[test]
fn unknown_tool_error_goes_back_to_the_developer() {
    let (prompt, _, out) = cleaning_fixed_after(
        "unknown",
        json!({"steps": [{"tool": "fil_missing", "args": {}}]}),
    );
    assert!(prompt.contains("`fil_missing`: no such tool"), "{prompt}");
    assert!(prompt.contains("did you mean `fill_missing`"), "{prompt}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn mistyped_argument_error_goes_back_to_the_developer() {
    let (prompt, _, out) = cleaning_fixed_after(
        "mistyped",
        json!({"steps": [{"tool": "fill_missing", "args": {"strategy": 5}}]}),
    );
    assert!(prompt.contains("fill_missing"), "{prompt}");
    assert!(prompt.contains("invalid arguments"), "{prompt}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn failed_gate_goes_back_to_the_developer_and_is_fixed() {
    // An empty cleaning program leaves the demo's missing values: the no_missing_values gate fails.
    let (prompt, s, out) = cleaning_fixed_after("gate", json!({"steps": []}));
    assert!(prompt.contains("gate no_missing_values"), "{prompt}");
    let log = log_of(&s.run_dir, "3_data_cleaning");
    assert!(
        log.contains("attempt 1: gate no_missing_values failed"),
        "{log}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_low_review_redoes_the_phase_with_its_suggestions() {
    let (dir, out) = competition("redo");
    let mock = serve(|_, r| {
        if r.role() == "reviewer" && r.phase() == 5 && !r.prompt().contains("being redone") {
            return openai(
                &json!({"scores": [{"agent": "planner", "score": 2, "reason": "too timid"}],
                        "suggestions": ["REVIEWER-SUGGESTION: add interactions"]})
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
    // Phase 5 runs twice: planner, developer, reviewer and summarizer again.
    assert_eq!(seen.len(), GOOD_CALLS + 4);
    let replan = seen
        .iter()
        .filter(|r| r.role() == "planner" && r.phase() == 5)
        .nth(1)
        .unwrap();
    assert!(replan.prompt().contains("REVIEWER-SUGGESTION"));
    assert!(
        s.run_dir
            .join("5_feature_engineering/review_round1.json")
            .exists()
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn reader_corrections_are_checked_against_the_files_and_applied_or_rejected() {
    let (dir, out) = competition("correct");
    // The overview names F1 besides accuracy, so a correction to F1 has evidence; AUC has none.
    let overview = dir.join("overview.txt");
    let text = std::fs::read_to_string(&overview).unwrap();
    std::fs::write(
        &overview,
        text + "The leaderboard also shows each team's F1 score.\n",
    )
    .unwrap();
    let mock = serve(|_, r| {
        if r.role() == "reader" {
            return openai(
                &json!({"summary": "READER-SUMMARY", "corrections": [
                    {"field": "targets", "value": "mean_radius", "reason": "R1"},
                    {"field": "task", "value": "regression", "reason": "R2"},
                    {"field": "metric", "value": "roc_auc", "reason": "R4"},
                    {"field": "metric", "value": "f1", "reason": "R3"}]})
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
    let plan = std::fs::read_to_string(s.run_dir.join("1_understand_background/plan.md")).unwrap();
    assert!(
        plan.contains("targets: diagnosis -> mean_radius (R1): rejected by the files")
            && plan.contains("the target is in test"),
        "{plan}"
    );
    assert!(
        plan.contains("task: Binary -> regression (R2): metric accuracy cannot score"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "metric: accuracy -> roc_auc (R4): not applied: the overview never names roc_auc"
        ),
        "{plan}"
    );
    assert!(
        plan.contains("metric: accuracy -> f1 (R3): applied"),
        "{plan}"
    );
    assert_eq!(s.metric, "f1", "later phases use the corrected metric");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_low_review_without_suggestions_does_not_redo_the_phase() {
    let (dir, out) = competition("no-redo");
    let mock = serve(|_, r| {
        if r.role() == "reviewer" && r.phase() == 5 {
            return openai(
                &json!({"scores": [{"agent": "planner", "score": 1, "reason": "bad"}],
                        "suggestions": []})
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
    assert_eq!(mock.seen().len(), GOOD_CALLS, "no call spent on a redo");
    assert!(
        !s.run_dir
            .join("5_feature_engineering/review_round1.json")
            .exists()
    );
    std::fs::remove_dir_all(&out).unwrap();
}
