//! The wire going wrong: 429s, 500s, hangs, dropped bodies and HTML error pages, the call budget,
//! and the key kept out of the run directory. Every run still ends with a valid submission.

use super::*;

#[test]
fn rate_limit_is_retried_after_the_servers_wait() {
    let (dir, out) = competition("429");
    let mock = serve(|n, r| {
        if n == 0 {
            return Act::Reply(
                429,
                vec![("retry-after", "0".into())],
                "{\"error\": \"slow down\"}".into(),
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
    assert_eq!(mock.seen().len(), GOOD_CALLS + 1);
    let l = s.llm.unwrap();
    assert_eq!(
        l.total.calls as usize, GOOD_CALLS,
        "a retry is not a new call"
    );
    assert_eq!(l.total.tries as usize, GOOD_CALLS + 1);
    assert_eq!(l.total.failed, 0);
    let plan = std::fs::read_to_string(s.run_dir.join("1_understand_background/plan.md")).unwrap();
    assert!(
        plan.contains("READER-SUMMARY"),
        "the retried call's reply was used"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn server_errors_until_retries_are_spent_fall_back_to_offline() {
    let (dir, out) = competition("500");
    let mock = serve(|_, r| {
        if r.role() == "reviewer" {
            return Act::Reply(
                500,
                vec![],
                "{\"error\": {\"message\": \"overloaded\"}}".into(),
            );
        }
        openai(&good(&r.role(), r.phase()).to_string())
    });
    let mut c = config(mock.port, false);
    c.client.retries = 2;
    let s = run(&dir, &out, Arc::new(Session::new(c).unwrap()));
    valid(&s, &dir);
    // Six reviews, each tried three times, then the offline reviewer.
    let reviews = mock
        .seen()
        .iter()
        .filter(|r| r.role() == "reviewer")
        .count();
    assert_eq!(reviews, 18);
    let l = s.llm.unwrap();
    assert_eq!(l.by_role["reviewer"].failed, 6);
    // Said once, in the first phase's log; counted for the summary.
    let log = log_of(&s.run_dir, "1_understand_background");
    assert!(
        log.contains("reviewer (understand_background): no usable LLM reply"),
        "{log}"
    );
    assert!(log.contains("500"), "{log}");
    assert!(!log_of(&s.run_dir, "6_model_building").contains("no usable LLM reply"));
    let fell: u32 = l.fallbacks["reviewer"].values().sum();
    assert_eq!(fell, 6);
    assert!(
        l.fallback_line().starts_with(
            "LLM answers used: 17; the offline policy answered 6 (reviewer 6: HTTP 500"
        ),
        "{}",
        l.fallback_line()
    );
    let review = std::fs::read_to_string(s.run_dir.join("6_model_building/review.json")).unwrap();
    assert!(
        review.contains("best CV"),
        "the offline reviewer's review: {review}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_reply_that_never_comes_times_out_and_the_run_goes_on() {
    let (dir, out) = competition("hang");
    let mock = serve(|_, r| {
        if r.role() == "planner" && r.phase() == 2 {
            return Act::Hang;
        }
        openai(&good(&r.role(), r.phase()).to_string())
    });
    let mut c = config(mock.port, false);
    c.client.timeout = 0.5;
    c.client.retries = 1;
    let started = std::time::Instant::now();
    let s = run(&dir, &out, Arc::new(Session::new(c).unwrap()));
    valid(&s, &dir);
    assert!(started.elapsed() < Duration::from_secs(30));
    let log = log_of(&s.run_dir, "2_preliminary_eda");
    assert!(log.contains("timed out"), "{log}");
    let plan = std::fs::read_to_string(s.run_dir.join("2_preliminary_eda/plan.md")).unwrap();
    assert!(
        plan.contains("Profile every column"),
        "the offline plan: {plan}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_call_budget_stops_the_llm_and_the_offline_policy_finishes() {
    let (dir, out) = competition("budget");
    let mock = serve(|_, r| openai(&good(&r.role(), r.phase()).to_string()));
    let mut c = config(mock.port, false);
    c.budget.calls = 5;
    let s = run(&dir, &out, Arc::new(Session::new(c).unwrap()));
    valid(&s, &dir);
    assert_eq!(mock.seen().len(), 5);
    let l = s.llm.unwrap();
    assert_eq!(l.total.calls, 5);
    assert!(l.stopped.unwrap().contains("5 calls"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_api_key_is_sent_but_never_written_to_the_run_directory() {
    let (dir, out) = competition("key");
    let mock = serve(|_, r| openai(&good(&r.role(), r.phase()).to_string()));
    let key = "sk-test-DO-NOT-LEAK-4f9a2c";
    let bin = env!("CARGO_BIN_EXE_autokaggle");
    let o = std::process::Command::new(bin)
        .args(["run", "--competition"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .args([
            "--llm",
            &format!("http://127.0.0.1:{}/v1:test-model", mock.port),
            "--llm-config",
        ])
        .arg({
            let p = out.join("llm.toml");
            std::fs::write(&p, "key_env = \"AK_TEST_KEY\"\n[client]\nbackoff = 0.01\n").unwrap();
            p
        })
        .env("AK_TEST_KEY", key)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains(&format!("{GOOD_CALLS} LLM calls")),
        "{stdout}"
    );
    assert!(!stdout.contains(key) && !String::from_utf8_lossy(&o.stderr).contains(key));
    let seen = mock.seen();
    assert!(
        seen[0]
            .headers
            .contains(&("authorization".into(), format!("Bearer {key}")))
    );
    // Nothing under the output folder holds the key.
    let files = files_under(&out);
    for p in &files {
        let bytes = std::fs::read(p).unwrap();
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "{} holds the key",
            p.display()
        );
    }
    assert!(files.len() > 20);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn dropped_bodies_html_error_objects_and_endless_streams_end_in_a_valid_submission() {
    let (dir, out) = competition("faults");
    // Each role meets a different fault in every call; the developer's replies are good.
    let mock = serve(|_, r| match r.role().as_str() {
        "planner" => Act::DropMidBody,
        "reader" => Act::Reply(
            200,
            vec![],
            "<html><body>502 Bad Gateway</body></html>".into(),
        ),
        "reviewer" => Act::Reply(
            200,
            vec![],
            "{\"error\": {\"message\": \"quota exceeded\"}}".into(),
        ),
        "summarizer" => Act::StreamForever,
        _ => openai(&good(&r.role(), r.phase()).to_string()),
    });
    let mut c = config(mock.port, false);
    c.client.timeout = 0.5;
    c.client.retries = 1;
    c.budget.seconds = 30.0;
    let started = std::time::Instant::now();
    let s = run(&dir, &out, Arc::new(Session::new(c).unwrap()));
    valid(&s, &dir);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the wall-time budget holds"
    );
    let l = s.llm.unwrap();
    assert_eq!(l.by_role["developer"].failed, 0);
    for role in ["planner", "reader", "reviewer", "summarizer"] {
        assert_eq!(l.by_role[role].failed, l.by_role[role].calls, "{role}");
    }
    let logs: String = autokaggle_core::phase::PHASES
        .iter()
        .map(|p| log_of(&s.run_dir, &p.dir_name()))
        .collect();
    assert!(logs.contains("network"), "dropped body: {logs}");
    assert!(logs.contains("not JSON"), "HTML: {logs}");
    assert!(logs.contains("quota exceeded"), "error object: {logs}");
    assert!(logs.contains("timed out"), "endless stream: {logs}");
    // The developer's programs were used: the LLM work that succeeded was kept.
    let program =
        std::fs::read_to_string(s.run_dir.join("5_feature_engineering/program.json")).unwrap();
    assert!(program.contains("\"scale\""));
    std::fs::remove_dir_all(&out).unwrap();
}
