//! LLM agents against a real HTTP server on 127.0.0.1 that speaks the OpenAI and Anthropic wire
//! formats with scripted replies: good runs, malformed replies, invalid programs, gate failures,
//! 429s, 500s, hangs, budgets, replay, and keys kept out of the run directory. Every run must end
//! with a valid submission. The competition is the demo's (built from smartcore's bundled data), so
//! these tests need no download and no ../shared.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use autokaggle::config::RunConfig;
use autokaggle::orchestrator::{self as pipeline, Roles};
use autokaggle::store::RunSummary;
use autokaggle_agents::llm::{LlmConfig, Session};
use serde_json::{Value, json};

use super::cli::{files_under, tmp};
use super::http;

/// A request the server saw.
#[derive(Clone, Debug)]
pub(super) struct Seen {
    path: String,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Seen {
    /// `developer`, `planner`, ... from the role part of the first turn.
    pub(super) fn role(&self) -> String {
        // The role's task ends the first turn: "You are the developer. ..."
        let text = self.body.to_string();
        text.split_once("You are the ")
            .and_then(|(_, r)| r.split(|c: char| !c.is_ascii_alphabetic()).next())
            .unwrap_or("?")
            .to_string()
    }
    /// The phase number (1..=6) from the prompt; 0 for the research report.
    pub(super) fn phase(&self) -> usize {
        let text = self.body.to_string();
        // The research report comes after the six phases: phase 0 here.
        if text.contains("## Every phase's report") {
            return 0;
        }
        (1..=6)
            .find(|i| text.contains(&format!("## Phase {i} of 6")))
            .unwrap_or(0)
    }
    /// Every user turn's text, joined.
    pub(super) fn prompt(&self) -> String {
        // A turn in blocks (Anthropic's first turn) counts as its blocks' texts.
        self.body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["role"] == "user")
            .flat_map(|m| match &m["content"] {
                Value::Array(blocks) => blocks
                    .iter()
                    .filter_map(|b| b["text"].as_str().map(String::from))
                    .collect::<Vec<_>>(),
                c => c.as_str().map(String::from).into_iter().collect(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What the server does with one request.
pub(super) enum Act {
    /// Status, extra headers, body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// Never answers (until the client gives up).
    Hang,
    /// Promises a body, sends part of it, and closes the connection.
    DropMidBody,
    /// Sends a 200 and then body bytes slowly, forever.
    StreamForever,
}

pub(super) struct Mock {
    pub(super) port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    pub(super) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts a server; `act` sees the request number (0-based) and the request.
pub(super) fn serve(act: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static) -> Mock {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let port = http::listen(move |_, req, mut s| {
        let req = Seen {
            path: req.path,
            headers: req.headers,
            body: serde_json::from_slice(&req.body).unwrap_or(Value::Null),
        };
        let n = {
            let mut l = log.lock().unwrap();
            l.push(req.clone());
            l.len() - 1
        };
        match act(n, &req) {
            Act::Reply(status, mut headers, body) => {
                headers.push(("content-type", "application/json".into()));
                http::respond(&mut s, status, &headers, body.as_bytes());
            }
            Act::Hang => std::thread::sleep(Duration::from_secs(30)),
            Act::DropMidBody => {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"choices\": [{\"mess",
                );
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
            Act::StreamForever => {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
                );
                for _ in 0..300 {
                    if s.write_all(b"1\r\n \r\n").is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    });
    Mock { port, seen }
}

/// A good reply's JSON for a role in a phase of the demo competition.
pub(super) fn good(role: &str, phase: usize) -> Value {
    match (role, phase) {
        ("reader", _) => {
            json!({"summary": "READER-SUMMARY: diagnose tumours from 30 measurements."})
        }
        ("planner", _) => json!({"plan": format!("1. PLANNER-PLAN for phase {phase}.")}),
        ("developer", 3) => json!({"steps": [{"tool": "fill_missing", "args": {}}]}),
        ("developer", 5) => json!({"steps": [{"tool": "scale", "args": {"method": "standard"}}]}),
        ("developer", 6) => json!({"folds": 3, "families": ["gbm", "linear"], "draws": []}),
        ("reviewer", _) => json!({"scores": [
            {"agent": "planner", "score": 4, "reason": "sound"},
            {"agent": "developer", "score": 4, "reason": "gates pass"}], "suggestions": []}),
        ("summarizer", _) => json!({"report": format!("SUMMARIZER-REPORT for phase {phase}.")}),
        _ => json!({}),
    }
}

pub(super) fn openai(text: &str) -> Act {
    let body = json!({
        "choices": [{"message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100},
    });
    Act::Reply(200, vec![], body.to_string())
}

fn anthropic(text: &str) -> Act {
    let body = json!({
        "content": [{"type": "text", "text": text}],
        "usage": {"input_tokens": 1000, "output_tokens": 100},
    });
    Act::Reply(200, vec![], body.to_string())
}

/// The demo competition, built once per test under its own folder.
pub(super) fn competition(tag: &str) -> (PathBuf, PathBuf) {
    let out = tmp(&format!("llm-{tag}"));
    let dir = out.join("demo_breast_cancer");
    autokaggle::demo::build_competition(&dir, 42).unwrap();
    (dir, out)
}

pub(super) fn config(port: u16, anthropic_wire: bool) -> LlmConfig {
    let mut c = LlmConfig {
        llm: Some(if anthropic_wire {
            format!("anthropic+http://127.0.0.1:{port}/v1:claude-test")
        } else {
            format!("http://127.0.0.1:{port}/v1:test-model")
        }),
        ..LlmConfig::default()
    };
    c.client.backoff = 0.01;
    c.client.timeout = 5.0;
    c
}

pub(super) fn run(dir: &Path, out: &Path, session: Arc<Session>) -> RunSummary {
    run_instructed(dir, out, session, vec![])
}

fn run_instructed(
    dir: &Path,
    out: &Path,
    session: Arc<Session>,
    instructions: Vec<String>,
) -> RunSummary {
    let cfg = RunConfig {
        instructions,
        ..RunConfig::new(dir.to_path_buf(), out.to_path_buf(), 42)
    };
    pipeline::run_with(&cfg, &Roles::llm(session)).unwrap()
}

/// The submission matches the sample's ids and columns, and every phase's gates passed.
pub(super) fn valid(s: &RunSummary, dir: &Path) {
    let sub = std::fs::read_to_string(&s.submission).unwrap();
    let sample = std::fs::read_to_string(dir.join("sample_submission.csv")).unwrap();
    let ids = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&sub), ids(&sample));
    assert_eq!(sub.lines().next(), sample.lines().next());
    for p in &s.phases {
        assert_eq!(p.passed, p.gates, "{:?}", p.phase);
    }
}

fn records(run_dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(run_dir.join("llm.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// 1 reader + 6 planners + 3 developers (cleaning, features, models) + 6 reviews + 6 reports + the
/// research report.
const GOOD_CALLS: usize = 23;

pub(super) fn log_of(run_dir: &Path, phase_dir: &str) -> String {
    std::fs::read_to_string(run_dir.join(phase_dir).join("output.log")).unwrap()
}

#[test]
fn good_run_over_openai_wire_then_replay_gives_the_same_submission() {
    let (dir, out) = competition("good");
    let mock = serve(|_, r| openai(&good(&r.role(), r.phase()).to_string()));
    let session = Arc::new(Session::new(config(mock.port, false)).unwrap());
    let s = run_instructed(
        &dir,
        &out,
        session,
        vec!["USER-RULE: keep every measurement".into()],
    );
    valid(&s, &dir);
    let seen = mock.seen();
    assert_eq!(seen.len(), GOOD_CALLS);
    assert!(seen.iter().all(|r| r.path == "/v1/chat/completions"));
    // The user's instruction reaches every role's prompt in every phase.
    assert!(
        seen.iter()
            .all(|r| r.prompt().contains("USER-RULE: keep every measurement"))
    );
    // Structured output is asked for, and the prompt carries the real profile and the phase's tools.
    let dev = seen
        .iter()
        .find(|r| r.role() == "developer" && r.phase() == 3)
        .unwrap();
    assert_eq!(dev.body["response_format"]["type"], "json_schema");
    assert!(dev.prompt().contains("fill_missing"), "tools listed");
    assert!(
        dev.prompt().contains("mean_radius"),
        "the profile's columns"
    );
    assert!(
        dev.prompt().contains("PLANNER-PLAN for phase 3"),
        "the plan"
    );
    // Usage and the record.
    let l = s.llm.as_ref().unwrap();
    assert_eq!(l.total.calls as usize, GOOD_CALLS);
    assert_eq!(l.total.input_tokens, 1000 * GOOD_CALLS as u64);
    assert_eq!(l.total.usd, Some(0.0), "a local server costs nothing");
    assert_eq!(l.by_role["developer"].calls, 3);
    assert_eq!(records(&s.run_dir).len(), GOOD_CALLS);
    // The agents' words reach the run directory.
    let plan = std::fs::read_to_string(s.run_dir.join("1_understand_background/plan.md")).unwrap();
    assert!(plan.contains("READER-SUMMARY"));
    let report = std::fs::read_to_string(s.run_dir.join("report.md")).unwrap();
    assert!(report.contains("SUMMARIZER-REPORT for phase 6"));
    assert!(report.starts_with("# Research report\n\nSUMMARIZER-REPORT for phase 0"));
    let research = seen.last().unwrap();
    assert!(research.prompt().contains("## Every phase's report"));
    assert!(
        research.prompt().contains("trivial baseline"),
        "the results table"
    );
    let html = std::fs::read_to_string(s.run_dir.join("report.html")).unwrap();
    assert!(
        html.contains("SUMMARIZER-REPORT for phase 0"),
        "the research report heads report.html"
    );
    let program =
        std::fs::read_to_string(s.run_dir.join("5_feature_engineering/program.json")).unwrap();
    assert!(program.contains("\"scale\""));

    // Replay: no server, the same submission byte for byte.
    let replay_out = out.join("replay");
    let cfg = RunConfig {
        replay: Some(s.run_dir.clone()),
        instructions: vec!["USER-RULE: keep every measurement".into()],
        ..RunConfig::new(dir.clone(), replay_out, 42)
    };
    let session = Arc::new(Session::replay(&s.run_dir, LlmConfig::default()).unwrap());
    let r = pipeline::run_with(&cfg, &Roles::llm(session)).unwrap();
    assert_eq!(mock.seen().len(), GOOD_CALLS, "the replay made no request");
    assert_eq!(
        std::fs::read(&r.submission).unwrap(),
        std::fs::read(&s.submission).unwrap()
    );
    assert_eq!(r.llm.unwrap().total.calls as usize, GOOD_CALLS);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn anthropic_wire_and_json_inside_prose_or_fences() {
    let (dir, out) = competition("anthropic");
    let mock = serve(|n, r| {
        let j = good(&r.role(), r.phase()).to_string();
        anthropic(&if n % 2 == 0 {
            format!("Sure, here it is:\n```json\n{j}\n```\nLet me know.")
        } else {
            format!("My answer is {j} as requested.")
        })
    });
    let session = Arc::new(Session::new(config(mock.port, true)).unwrap());
    let s = run(&dir, &out, session);
    valid(&s, &dir);
    let seen = mock.seen();
    assert_eq!(seen.len(), GOOD_CALLS, "no reply needed a fix turn");
    assert!(seen.iter().all(|r| r.path == "/v1/messages"));
    assert!(seen[0].headers.iter().any(|h| h.0 == "anthropic-version"));
    assert_eq!(seen.iter().filter(|r| r.role() == "reader").count(), 1);
    let report = std::fs::read_to_string(s.run_dir.join("report.md")).unwrap();
    assert!(report.contains("SUMMARIZER-REPORT for phase 3"));
    std::fs::remove_dir_all(&out).unwrap();
}

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
        plan.contains("task: Binary -> regression (R2): metric Accuracy cannot score"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "metric: Accuracy -> roc_auc (R4): not applied: the overview never names RocAuc"
        ),
        "{plan}"
    );
    assert!(
        plan.contains("metric: Accuracy -> f1 (R3): applied"),
        "{plan}"
    );
    assert_eq!(s.metric, "F1", "later phases use the corrected metric");
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
    let logs: String = autokaggle_agents::phase::PHASES
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

/// `autokaggle run` on the demo competition with extra arguments and environment.
fn run_cli(
    out: &Path,
    dir: &Path,
    args: &[&str],
    env: &[(&str, Option<&str>)],
) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"));
    c.args(["run", "--competition"])
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(args);
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().unwrap()
}

/// Runs `autokaggle run` expecting a refusal; returns its stderr.
fn refused(out: &Path, dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> String {
    let o = run_cli(out, dir, args, env);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "{err}");
    err
}

#[test]
fn a_missing_key_a_refused_connection_a_401_or_an_unknown_model_stops_before_phase_1() {
    let (dir, out) = competition("fail-fast");
    // Four failures, each said before phase 1, in under 10 s in all.
    let t0 = std::time::Instant::now();
    let err = refused(
        &out,
        &dir,
        &["--llm", "openai:gpt-4o-mini"],
        &[("OPENAI_API_KEY", None)],
    );
    assert!(
        err.contains("the environment variable OPENAI_API_KEY is not set"),
        "{err}"
    );
    assert!(err.contains("--llm-fallback offline"), "{err}");
    // Nothing was started: no run directory beside the competition.
    let runs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name() != "demo_breast_cancer")
        .collect();
    assert!(runs.is_empty(), "{runs:?}");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1:m");
    let err = refused(&out, &dir, &["--llm", &url], &[]);
    assert!(
        err.contains(&format!("cannot reach http://127.0.0.1:{port}/v1/models")),
        "{err}"
    );
    // A refused key and an unknown model, from a server that answers the probe.
    let mock = serve(|_, r| {
        if r.path.starts_with("/refuse/") {
            return Act::Reply(401, vec![], "{}".into());
        }
        Act::Reply(200, vec![], r#"{"data": [{"id": "served-a"}]}"#.into())
    });
    let key_refused = format!("http://127.0.0.1:{}/refuse/v1:served-a", mock.port);
    let err = refused(&out, &dir, &["--llm", &key_refused], &[]);
    assert!(err.contains("refused the key (HTTP 401)"), "{err}");
    let unknown = format!("http://127.0.0.1:{}/v1:gpt-5", mock.port);
    let err = refused(&out, &dir, &["--llm", &unknown], &[]);
    assert!(
        err.contains("does not serve `gpt-5`; it serves: served-a"),
        "{err}"
    );
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    // On purpose: the run goes on offline and the report says so at the top.
    let o = run_cli(
        &out,
        &dir,
        &["--llm", &url, "--llm-fallback", "offline"],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("report.md").exists())
        .unwrap();
    let report = std::fs::read_to_string(run_dir.join("report.md")).unwrap();
    assert!(report.starts_with("> **No LLM was used.**"), "{report}");
    assert!(run_dir.join("submission.csv").exists());
    assert!(!run_dir.join("llm.jsonl").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_probe_names_a_refused_key_and_an_unknown_model() {
    use autokaggle_agents::llm::http::Http;
    use autokaggle_agents::llm::probe::{ProbeError, probe};
    let mock = serve(|_, r| {
        if r.path.starts_with("/refuse/") {
            return Act::Reply(401, vec![], "{}".into());
        }
        Act::Reply(
            200,
            vec![],
            r#"{"data": [{"id": "served-a"}, {"id": "served-b"}]}"#.into(),
        )
    });
    let http = Http::new().unwrap();
    // A local server needs no key; the variable is only named in messages.
    let ep = |base: &str, model: &str| autokaggle_agents::llm::Endpoint {
        key_env: Some("AK_PROBE_UNSET_KEY".into()),
        ..format!("http://127.0.0.1:{}{base}:{model}", mock.port)
            .parse()
            .unwrap()
    };
    assert_eq!(probe(&http, &ep("/v1", "served-b")), Ok(()));
    let e = probe(&http, &ep("/v1", "gpt-5")).unwrap_err();
    assert!(matches!(e, ProbeError::UnknownModel { .. }));
    assert!(
        e.to_string()
            .ends_with("does not serve `gpt-5`; it serves: served-a, served-b"),
        "{e}"
    );
    let e = probe(&http, &ep("/refuse/v1", "served-a")).unwrap_err();
    assert!(
        e.to_string()
            .contains("refused the key (HTTP 401); check AK_PROBE_UNSET_KEY"),
        "{e}"
    );
    assert_eq!(mock.seen().len(), 3, "one GET per probe");
}

#[test]
fn a_slow_llm_that_answers_what_offline_would_gives_the_offline_submission() {
    // Offline first: its plans and programs are what the scripted LLM will answer.
    let (dir, out) = competition("slow");
    let cfg = RunConfig::new(dir.clone(), out.join("offline"), 42);
    let offline = pipeline::run(&cfg).unwrap();
    let program = |phase: &str| -> Value {
        let w: Value = serde_json::from_str(
            &std::fs::read_to_string(offline.run_dir.join(phase).join("program.json")).unwrap(),
        )
        .unwrap();
        // A program is stored as its list of steps.
        json!({"steps": w["program"]})
    };
    let (cleaning, features) = (program("3_data_cleaning"), program("5_feature_engineering"));
    let models: Value = serde_json::from_str(
        &std::fs::read_to_string(offline.run_dir.join("6_model_building/program.json")).unwrap(),
    )
    .unwrap();
    let folds = models["folds"].clone();
    let mock = serve(move |_, r| {
        if r.path.ends_with("/models") {
            return Act::Reply(404, vec![], "{}".into());
        }
        // Every answer takes 3 s: 23 calls are over a minute, more than the 50 s compute budget.
        std::thread::sleep(Duration::from_secs(3));
        let reply = match (r.role().as_str(), r.phase()) {
            ("developer", 3) => cleaning.clone(),
            ("developer", 5) => features.clone(),
            ("developer", 6) => json!({"folds": folds, "families": ["gbm", "linear", "forest"],
                "draws": [{"family": "gbm", "count": 6}, {"family": "linear", "count": 2}]}),
            (role, phase) => good(role, phase),
        };
        openai(&reply.to_string())
    });
    let s = run(
        &dir,
        &out.join("llm"),
        Arc::new(Session::new(config(mock.port, false)).unwrap()),
    );
    let l = s.llm.clone().unwrap();
    let calls: Vec<(String, usize)> = mock
        .seen()
        .iter()
        .filter(|r| !r.path.ends_with("/models"))
        .map(|r| (r.role(), r.phase()))
        .collect();
    assert_eq!(l.total.calls as usize, GOOD_CALLS, "{calls:?}");
    assert!(l.seconds > 60.0, "waited {} s on the LLM", l.seconds);
    assert!(s.seconds - s.llm_seconds < 50.0);
    // The same candidates, all of them fitted, and the same bytes.
    let names = |s: &RunSummary| s.cv.iter().map(|c| c.model.clone()).collect::<Vec<_>>();
    assert_eq!(names(&s), names(&offline));
    assert_eq!(names(&s).len(), 11);
    assert_eq!(
        std::fs::read(&s.submission).unwrap(),
        std::fs::read(&offline.submission).unwrap()
    );
    std::fs::remove_dir_all(&out).unwrap();
}
