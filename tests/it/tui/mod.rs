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

mod terminal;

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
