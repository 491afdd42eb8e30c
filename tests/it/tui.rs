//! The TUI: its state machine and screen through ratatui's TestBackend (what is on an 80x24 screen
//! after given key presses), and the real binary driven in a terminal by tmux: titanic through all
//! six phases with a redo, a plan edited in $EDITOR, a quit, a resume, and a program edited in the
//! app, ending in a valid submission.

use autokaggle_agents::roles::{GateResult, GateStatus};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use autokaggle::steer::{Decision, Event, PhaseState, Stop};
use autokaggle::tui::app::{Action, App, Mode};
use autokaggle::tui::ui;
use autokaggle_agents::{Phase, Work};
use autokaggle_toolkit::{Program, Step};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::cli::{shared, tmp};

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}
fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}
fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..24)
        .map(|y| {
            (0..80)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const PLAN: &str = "1. Drop columns missing in more than 60% of train rows: Cabin.\n2. Drop free-text columns with no structure: Name, Ticket.";

/// An app stopped at data cleaning's plan.
fn at_cleaning_plan() -> App {
    let mut app = App::new(false, false);
    app.on_event(Event::RunDir(PathBuf::from("runs/titanic-1")));
    for i in 0..2 {
        app.on_event(Event::Phase(i, PhaseState::Passed));
    }
    app.on_event(Event::Phase(2, PhaseState::Awaiting));
    app.on_event(Event::Plan(PLAN.into()));
    app.on_event(Event::Log("[3/6] Data cleaning".into()));
    assert!(app.on_stop(Phase::DataCleaning, Stop::Plan).is_none());
    app
}

fn program() -> Work {
    Work::Program {
        program: Program {
            steps: vec![
                Step::new("drop_columns", json!({"columns": ["Name", "Ticket"]})),
                Step::new("fill_missing", json!({"strategy": "auto"})),
                Step::new("select_variance", json!({})),
            ],
        },
    }
}

/// An app stopped after feature engineering's gates.
fn at_gates() -> App {
    let mut app = App::new(false, false);
    app.on_event(Event::Phase(4, PhaseState::Awaiting));
    app.on_event(Event::Program(program()));
    app.on_event(Event::Gates(vec![
        GateResult {
            gate: "no_missing_values".into(),
            status: GateStatus::Passed,
            message: String::new(),
        },
        GateResult {
            gate: "all_numeric".into(),
            status: GateStatus::Failed,
            message: "`Cabin` is text".into(),
        },
    ]));
    assert!(
        app.on_stop(Phase::FeatureEngineering, Stop::Gates)
            .is_none()
    );
    app
}

#[test]
fn the_plan_stop_shows_phases_plan_log_and_keys_in_80x24() {
    let app = at_cleaning_plan();
    let s = screen(&app);
    assert!(s.contains("1 Understand backg passed"), "{s}");
    assert!(s.contains("3 Data cleaning    your turn"), "{s}");
    assert!(s.contains("4 In-depth EDA     waiting"), "{s}");
    assert!(s.contains("Drop columns missing in more than"), "{s}");
    assert!(s.contains("[3/6] Data cleaning"), "{s}");
    assert!(s.contains("Data cleaning: plan ready"), "{s}");
    assert!(
        s.contains("Enter approve  e edit plan  i instruct  r redo  s skip  q quit"),
        "{s}"
    );
    assert!(s.contains("runs/titanic-1  offline policy"), "{s}");
}

#[test]
fn editing_the_plan_in_the_app_returns_the_edited_plan() {
    let mut app = at_cleaning_plan();
    assert!(matches!(app.on_key(key('e')), Action::None));
    assert!(screen(&app).contains("Edit the plan (Ctrl-S to use it)"));
    // The cursor starts at the end: add a line.
    app.on_key(code(KeyCode::Enter));
    for c in "3. Keep Age.".chars() {
        app.on_key(key(c));
    }
    assert!(screen(&app).contains("3. Keep Age."));
    match app.on_key(ctrl('s')) {
        Action::Decide(Decision::EditPlan(p)) => assert_eq!(p, format!("{PLAN}\n3. Keep Age.")),
        other => panic!("{other:?}"),
    }
    assert!(app.waiting.is_none());
    // Esc in the editor leaves the plan alone and the stop open.
    let mut app = at_cleaning_plan();
    app.on_key(key('e'));
    app.on_key(key('x'));
    assert!(matches!(app.on_key(code(KeyCode::Esc)), Action::None));
    assert!(matches!(app.mode, Mode::Normal));
    assert!(app.waiting.is_some());
}

#[test]
fn with_an_external_editor_the_plan_goes_to_it() {
    let mut app = App::new(false, true);
    app.on_event(Event::Plan(PLAN.into()));
    app.on_stop(Phase::DataCleaning, Stop::Plan);
    assert!(matches!(app.on_key(key('e')), Action::ExternalPlanEdit(p) if p == PLAN));
}

#[test]
fn skip_only_for_eda_instruct_redo_and_quit() {
    let mut app = at_cleaning_plan();
    assert!(matches!(app.on_key(key('s')), Action::None));
    assert!(screen(&app).contains("only the EDA phases can be skipped"));
    let mut eda = App::new(false, false);
    eda.on_stop(Phase::PreliminaryEda, Stop::Plan);
    assert!(matches!(
        eda.on_key(key('s')),
        Action::Decide(Decision::Skip)
    ));

    let mut app = at_cleaning_plan();
    app.on_key(key('i'));
    for c in "don't drop Age".chars() {
        app.on_key(key(c));
    }
    assert!(screen(&app).contains("Instruction for the agents"));
    assert!(matches!(app.on_key(code(KeyCode::Enter)),
        Action::Decide(Decision::Instruct(t)) if t == "don't drop Age"));

    let mut app = at_cleaning_plan();
    assert!(matches!(
        app.on_key(key('r')),
        Action::Decide(Decision::Redo)
    ));
    let mut app = at_cleaning_plan();
    assert!(matches!(
        app.on_key(key('q')),
        Action::Decide(Decision::Quit)
    ));
    let mut app = at_cleaning_plan();
    assert!(matches!(
        app.on_key(code(KeyCode::Enter)),
        Action::Decide(Decision::Approve)
    ));
}

#[test]
fn help_overlay_opens_and_any_key_closes_it() {
    let mut app = at_cleaning_plan();
    app.on_key(key('?'));
    let s = screen(&app);
    assert!(
        s.contains(" Keys ") && s.contains("auto-continue on/off"),
        "{s}"
    );
    assert!(matches!(app.on_key(key('x')), Action::None));
    assert!(!screen(&app).contains("auto-continue on/off"));
    assert!(app.waiting.is_some(), "help does not answer the stop");
}

#[test]
fn the_gates_stop_shows_results_and_the_program_editor_removes_reorders_and_validates() {
    let mut app = at_gates();
    let s = screen(&app);
    assert!(s.contains("✓ no_missing_values"), "{s}");
    assert!(s.contains("✗ all_numeric: `Cabin` is"), "{s}");
    assert!(s.contains("3. select_variance {}"), "{s}");
    assert!(s.contains("p edit program"), "{s}");
    app.on_key(key('p'));
    let s = screen(&app);
    assert!(
        s.contains(" Program steps ") && s.contains("> 1. drop_columns"),
        "{s}"
    );
    // Last step removed, the first two swapped.
    app.on_key(key('G'));
    app.on_key(key('d'));
    app.on_key(key('K'));
    match app.on_key(ctrl('s')) {
        Action::Decide(Decision::EditProgram(Work::Program { program })) => {
            let tools: Vec<&str> = program.steps.iter().map(|s| s.tool.as_str()).collect();
            assert_eq!(tools, ["fill_missing", "drop_columns"]);
        }
        other => panic!("{other:?}"),
    }

    // A new step with an unknown tool is refused with the reason; nothing is sent.
    let mut app = at_gates();
    app.on_key(key('p'));
    app.on_key(key('a'));
    let ed_text = json!({"tool": "drop_colums", "args": {"columns": ["Cabin"]}}).to_string();
    // Replace the template: clear it line by line, then type.
    if let Mode::Steps(st) = &mut app.mode {
        let (ed, _) = st.editing.as_mut().unwrap();
        *ed = autokaggle::tui::editor::Editor::new("", false);
    }
    for c in ed_text.chars() {
        app.on_key(key(c));
    }
    app.on_key(ctrl('s'));
    assert!(matches!(app.on_key(ctrl('s')), Action::None));
    let s = screen(&app);
    assert!(s.contains("2. drop_colums"), "{s}");
    assert!(
        s.contains("drop_columns"),
        "the closest tool is suggested: {s}"
    );
    // Editing the bad step's JSON fixes it.
    app.on_key(key('e'));
    if let Mode::Steps(st) = &mut app.mode {
        let (ed, _) = st.editing.as_mut().unwrap();
        *ed = autokaggle::tui::editor::Editor::new(
            r#"{"tool": "drop_columns", "args": {"columns": ["Cabin"]}}"#,
            false,
        );
    }
    app.on_key(ctrl('s'));
    match app.on_key(ctrl('s')) {
        Action::Decide(Decision::EditProgram(Work::Program { program })) => {
            assert_eq!(program.steps.len(), 4);
            assert_eq!(program.steps[1].args, json!({"columns": ["Cabin"]}));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn auto_continue_and_a_quit_asked_while_working() {
    let mut app = App::new(true, false);
    assert!(matches!(
        app.on_stop(Phase::DataCleaning, Stop::Plan),
        Some(Decision::Approve)
    ));
    assert!(screen(&app).contains("[auto]"));
    let mut app = App::new(false, false);
    app.on_event(Event::Phase(0, PhaseState::Running));
    assert!(matches!(app.on_key(key('q')), Action::None));
    assert!(screen(&app).contains("the run stops at its next stop"));
    assert!(matches!(
        app.on_stop(Phase::UnderstandBackground, Stop::Plan),
        Some(Decision::Quit)
    ));
    // c at a stop turns auto on and approves it.
    let mut app = at_cleaning_plan();
    assert!(matches!(
        app.on_key(key('c')),
        Action::Decide(Decision::Approve)
    ));
    assert!(app.auto);
}

// ---- the real binary in a terminal ----

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(name: &str, cmd: &str) -> Self {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", name])
            .output();
        let ok = std::process::Command::new("tmux")
            .args(["new-session", "-d", "-s", name, "-x", "80", "-y", "24", cmd])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session");
        Self { name: name.into() }
    }
    fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn keys(&self, k: &str) {
        std::process::Command::new("tmux")
            .args(["send-keys", "-t", &self.name, k])
            .status()
            .unwrap();
    }
    fn wait(&self, text: &str) {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(180) {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
        panic!("waited 180 s for {text:?}; screen:\n{}", self.screen());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .output();
    }
}

fn actions(run: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(run.join("interventions.json")).unwrap_or_else(|_| "[]".into());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or(json!([]));
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_string())
        .collect()
}

fn wait_actions(run: &Path, n: usize) {
    let t0 = Instant::now();
    while actions(run).len() < n {
        assert!(t0.elapsed() < Duration::from_secs(60), "{:?}", actions(run));
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_person_carries_titanic_through_the_tui_with_edits_a_quit_and_a_resume() {
    let Some(titanic) = shared("titanic") else {
        return;
    };
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipping: tmux is not installed (.ci/run installs it)");
        return;
    }
    let out = tmp("tui-e2e");
    std::fs::create_dir_all(&out).unwrap();
    // $EDITOR: a script that edits the plan as a person would (keep Cabin).
    let editor = out.join("edit-plan.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/indicator: Cabin\\./indicator: none./' \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = env!("CARGO_BIN_EXE_autokaggle");
    let session = format!("ak-tui-{}", std::process::id());
    let t = Tmux::start(
        &session,
        &format!(
            "EDITOR={} {bin} tui --competition {} --out {}; echo EXITED $?; sleep 120",
            editor.display(),
            titanic.display(),
            out.display()
        ),
    );
    t.wait("Understand background: plan ready");
    let run: PathBuf = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    t.keys("Enter");
    t.wait("Understand background: ran");
    t.keys("Enter");
    t.wait("Preliminary EDA: plan ready");
    t.keys("r");
    wait_actions(&run, 3);
    t.wait("Preliminary EDA: plan ready");
    t.keys("Enter");
    t.wait("Preliminary EDA: ran");
    t.keys("Enter");
    t.wait("Data cleaning: plan ready");
    t.keys("e");
    t.wait("Data cleaning: ran");
    t.keys("Enter");
    t.wait("In-depth EDA: plan ready");
    t.keys("q");
    t.wait("EXITED 0");
    assert!(t.screen().contains("autokaggle resume"), "{}", t.screen());
    drop(t);
    let cleaning = run.join("3_data_cleaning");
    assert!(
        std::fs::read_to_string(cleaning.join("plan_before_edit.md"))
            .unwrap()
            .contains("was-missing indicator: Cabin.")
    );
    assert!(
        std::fs::read_to_string(cleaning.join("plan.md"))
            .unwrap()
            .contains("was-missing indicator: none.")
    );
    // The edited plan changed what ran: Cabin is no longer dropped.
    let prog = std::fs::read_to_string(cleaning.join("program.json")).unwrap();
    assert!(
        !prog.contains("drop_missing_columns") && !prog.contains("Cabin"),
        "{prog}"
    );
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let finished: Vec<_> = [
        "1_understand_background",
        "2_preliminary_eda",
        "3_data_cleaning",
    ]
    .iter()
    .map(|d| {
        (
            run.join(d).join("report.md"),
            mtime(&run.join(d).join("report.md")),
        )
    })
    .collect();

    let t = Tmux::start(
        &session,
        &format!(
            "{bin} tui --resume {}; echo EXITED $?; sleep 120",
            run.display()
        ),
    );
    t.wait("In-depth EDA: plan ready");
    t.keys("Enter");
    t.wait("In-depth EDA: ran");
    t.keys("Enter");
    t.wait("Feature engineering: plan ready");
    t.keys("Enter");
    t.wait("Feature engineering: ran");
    t.keys("p");
    t.wait("Program steps");
    t.keys("G");
    t.keys("d");
    t.keys("C-s");
    wait_actions(&run, 12);
    t.wait("Feature engineering: ran");
    t.keys("Enter");
    t.wait("Model building and prediction: plan ready");
    t.keys("Enter");
    t.wait("Model building and prediction: ran");
    t.keys("Enter");
    t.wait("done: blend Accuracy");
    t.keys("q");
    t.wait("EXITED 0");
    drop(t);

    assert_eq!(
        actions(&run),
        [
            "approve",
            "approve",
            "redo",
            "approve",
            "approve",
            "edit_plan",
            "approve",
            "quit",
            "approve",
            "approve",
            "approve",
            "edit_program",
            "approve",
            "approve",
            "approve"
        ]
    );
    // Finished phases were read back, not redone.
    for (p, t0) in finished {
        assert_eq!(mtime(&p), t0, "{} was rewritten", p.display());
    }
    // The edited program is what ran last in feature engineering.
    let fe: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.join("5_feature_engineering/program.json")).unwrap(),
    )
    .unwrap();
    let recorded: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(run.join("interventions.json")).unwrap())
            .unwrap();
    let edited: serde_json::Value =
        serde_json::from_str(recorded[11]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(fe, edited);
    assert!(!fe.to_string().contains("select_variance"), "{fe}");
    let sub = std::fs::read_to_string(run.join("submission.csv")).unwrap();
    assert_eq!(sub.lines().next(), Some("PassengerId,Survived"));
    assert_eq!(sub.lines().count(), 419);
    assert!(
        sub.lines()
            .skip(1)
            .all(|l| l.ends_with(",0") || l.ends_with(",1"))
    );
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("Human interventions") && html.contains("edit_program"));
    std::fs::remove_dir_all(&out).unwrap();
}

// ---- the pipeline's stops, scripted (no screen) ----

/// Answers each stop from a script and keeps what the pipeline said.
struct Scripted {
    script: std::sync::Mutex<Vec<(Phase, Stop, Decision)>>,
    events: std::sync::Mutex<Vec<String>>,
}

impl autokaggle::steer::Steer for Scripted {
    fn event(&self, e: Event) {
        let text = match e {
            Event::Rejected(why) => format!("rejected: {why}"),
            Event::Phase(i, s) => format!("phase {i} {s:?}"),
            _ => return,
        };
        self.events.lock().unwrap().push(text);
    }
    fn decide(&self, phase: Phase, stop: Stop) -> Decision {
        let mut s = self.script.lock().unwrap();
        match s.iter().position(|(p, st, _)| *p == phase && *st == stop) {
            Some(i) => s.remove(i).2,
            None => Decision::Approve,
        }
    }
}

#[test]
fn the_pipeline_skips_instructs_and_validates_a_persons_program_before_running_it() {
    let root = tmp("steer");
    let comp = root.join("comp");
    autokaggle::demo::build_competition(&comp, 5).unwrap();
    let bad = Work::Program {
        program: Program {
            steps: vec![Step::new(
                "drop_columns",
                json!({"columns": ["no_such_column"]}),
            )],
        },
    };
    let good = Work::Program {
        program: Program {
            steps: vec![Step::new("fill_missing", json!({"strategy": "median"}))],
        },
    };
    let steer = std::sync::Arc::new(Scripted {
        script: std::sync::Mutex::new(vec![
            (Phase::PreliminaryEda, Stop::Plan, Decision::Skip),
            // Data cleaning cannot be skipped: refused, asked again, then an instruction.
            (Phase::DataCleaning, Stop::Plan, Decision::Skip),
            (
                Phase::DataCleaning,
                Stop::Plan,
                Decision::Instruct("keep every measurement".into()),
            ),
            (Phase::DataCleaning, Stop::Gates, Decision::EditProgram(bad)),
            (
                Phase::DataCleaning,
                Stop::Gates,
                Decision::EditProgram(good.clone()),
            ),
        ]),
        events: Default::default(),
    });
    let roles = autokaggle::orchestrator::Roles {
        human: Some(steer.clone()),
        ..Default::default()
    };
    let cfg = autokaggle::config::RunConfig::new(comp, root.join("runs"), 1);
    let s = autokaggle::orchestrator::run_with(&cfg, &roles).unwrap();
    let run = &s.run_dir;
    // The skipped phase: recorded, reported, shown as skipped.
    assert!(s.phases[1].skipped);
    assert!(
        std::fs::read_to_string(run.join("2_preliminary_eda/report.md"))
            .unwrap()
            .contains("Skipped at the person's request")
    );
    let events = steer.events.lock().unwrap().clone();
    assert!(
        events.contains(&"phase 1 Skipped".to_string()),
        "{events:?}"
    );
    assert!(events.contains(&"rejected: only the EDA phases can be skipped".to_string()));
    // The instruction reached the planner (the phase was planned again with it).
    let plan = std::fs::read_to_string(run.join("3_data_cleaning/plan.md")).unwrap();
    assert!(
        plan.contains("User instructions noted: keep every measurement"),
        "{plan}"
    );
    // The bad program was refused before running, with the column named; the good one ran.
    let refusal = events
        .iter()
        .find(|e| e.starts_with("rejected: edited program not run"))
        .unwrap();
    assert!(refusal.contains("no_such_column"), "{refusal}");
    let ran: Work = serde_json::from_str(
        &std::fs::read_to_string(run.join("3_data_cleaning/program.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(ran, good);
    let recorded = autokaggle::steer::recorded(run).unwrap();
    let acts: Vec<&str> = recorded.iter().map(|i| i.action.as_str()).collect();
    assert_eq!(
        acts,
        [
            "approve",
            "approve",
            "skip",
            "instruct",
            "approve",
            "edit_program",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve"
        ]
    );
    assert!(s.submission.exists());
    assert!(autokaggle::orchestrator::table(&s).contains("(skipped)"));
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("<b>skip</b>") && html.contains("keep every measurement"));
    std::fs::remove_dir_all(&root).unwrap();
}
