//! LLM agents against a real HTTP server on 127.0.0.1 that speaks the OpenAI and Anthropic wire
//! formats with scripted replies: good runs, malformed replies, invalid programs, gate failures,
//! 429s, 500s, hangs, budgets, replay, and keys kept out of the run directory. Every run must end
//! with a valid submission. The competition is the demo's (built from smartcore's bundled data), so
//! these tests need no download and no ../shared.
//!
//! Here: the mock server and good runs. Wrong replies are in `replies.rs`, a failing wire in
//! `transport.rs`, the checks before phase 1 in `startup.rs`.

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

mod replies;
mod startup;
mod transport;

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
    // The offline policy's own search plan, so the LLM asks for the same candidates.
    let plan = autokaggle_toolkit::models::search::SearchPlan::default();
    let (families, draws) = (
        json!(plan.families),
        plan.draws
            .iter()
            .map(|(f, n)| json!({"family": f, "count": n}))
            .collect::<Vec<_>>(),
    );
    let mock = serve(move |_, r| {
        if r.path.ends_with("/models") {
            return Act::Reply(404, vec![], "{}".into());
        }
        // Every answer takes 3 s: 23 calls are over a minute, more than the 50 s compute budget.
        std::thread::sleep(Duration::from_secs(3));
        let reply = match (r.role().as_str(), r.phase()) {
            ("developer", 3) => cleaning.clone(),
            ("developer", 5) => features.clone(),
            ("developer", 6) => json!({"folds": folds, "families": families, "draws": draws}),
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
    assert_eq!(names(&s).len(), 25);
    assert_eq!(
        std::fs::read(&s.submission).unwrap(),
        std::fs::read(&offline.submission).unwrap()
    );
    std::fs::remove_dir_all(&out).unwrap();
}
