//! The TUI: its state machine driven by actions, whole screens through ratatui's TestBackend at
//! 80x24 and 120x40 (snapshots under `snapshots/`), and the real binary driven in a terminal by
//! tmux: titanic through all six phases with a redo, a plan edited in $EDITOR, a quit, a resume,
//! and a program edited in the app, ending in a valid submission.

use autokaggle_agents::roles::{GateResult, GateStatus};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use autokaggle::steer::{Decision, Event, PhaseState, Refusal, Stop};
use autokaggle::tui::app::{Action, App, Effect, Ending};
use autokaggle_agents::Work;
use autokaggle_core::Phase;
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

fn press(app: &mut App, k: KeyEvent) -> Effect {
    app.update(Action::Key(k))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, key(c));
    }
}

/// Clears an editor the cursor is at the end of.
fn erase(app: &mut App, chars: usize) {
    for _ in 0..chars {
        press(app, code(KeyCode::Backspace));
    }
}

fn tell(app: &mut App, e: Event) {
    assert!(matches!(app.update(Action::Event(e)), Effect::None));
}

fn screen_of(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.view(f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn screen(app: &App) -> String {
    screen_of(app, 80, 24)
}

const PLAN: &str = "1. Drop columns missing in more than 60% of train rows: Cabin.\n2. Drop free-text columns with no structure: Name, Ticket.";

/// An app stopped at data cleaning's plan.
fn at_cleaning_plan() -> App {
    let mut app = App::new(false, false);
    tell(&mut app, Event::RunDir(PathBuf::from("runs/titanic-1")));
    for i in 0..2 {
        tell(&mut app, Event::Phase(i, PhaseState::Passed));
    }
    tell(&mut app, Event::Phase(2, PhaseState::Awaiting));
    tell(&mut app, Event::Plan(PLAN.into()));
    tell(&mut app, Event::Log("[3/6] Data cleaning".into()));
    let e = app.update(Action::Stop(Phase::DataCleaning, Stop::Plan));
    assert!(matches!(e, Effect::None));
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
    tell(&mut app, Event::Phase(4, PhaseState::Awaiting));
    tell(&mut app, Event::Program(program()));
    tell(
        &mut app,
        Event::Gates(vec![
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
        ]),
    );
    let e = app.update(Action::Stop(Phase::FeatureEngineering, Stop::Gates));
    assert!(matches!(e, Effect::None));
    app
}

#[test]
fn whole_screens_at_80x24_and_120x40() {
    let mut app = at_cleaning_plan();
    insta::assert_snapshot!("plan_stop_80x24", screen_of(&app, 80, 24));
    insta::assert_snapshot!("plan_stop_120x40", screen_of(&app, 120, 40));
    press(&mut app, key('?'));
    insta::assert_snapshot!("help_80x24", screen_of(&app, 80, 24));
    let mut app = at_gates();
    insta::assert_snapshot!("gates_stop_80x24", screen_of(&app, 80, 24));
    insta::assert_snapshot!("gates_stop_120x40", screen_of(&app, 120, 40));
    press(&mut app, key('p'));
    insta::assert_snapshot!("step_editor_80x24", screen_of(&app, 80, 24));
    let mut app = at_gates();
    app.update(Action::Done(Ending::Finished(
        "done: blend accuracy 0.8350 (out-of-fold); submission runs/titanic-1/submission.csv"
            .into(),
    )));
    insta::assert_snapshot!("finished_120x40", screen_of(&app, 120, 40));
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
    assert!(matches!(press(&mut app, key('e')), Effect::None));
    assert!(screen(&app).contains("Edit the plan (Ctrl-S to use it)"));
    // The cursor starts at the end: add a line.
    press(&mut app, code(KeyCode::Enter));
    typed(&mut app, "3. Keep Age.");
    assert!(screen(&app).contains("3. Keep Age."));
    match press(&mut app, ctrl('s')) {
        Effect::Decide(Decision::EditPlan(p)) => assert_eq!(p, format!("{PLAN}\n3. Keep Age.")),
        other => panic!("{other:?}"),
    }
    assert!(app.waiting().is_none());
    // Esc in the editor leaves the plan alone and the stop open.
    let mut app = at_cleaning_plan();
    press(&mut app, key('e'));
    press(&mut app, key('x'));
    assert!(matches!(press(&mut app, code(KeyCode::Esc)), Effect::None));
    assert!(!screen(&app).contains("Edit the plan"), "the editor closed");
    assert!(app.waiting().is_some());
}

#[test]
fn with_an_external_editor_the_plan_goes_to_it_and_an_unchanged_plan_keeps_the_stop_open() {
    let mut app = App::new(false, true);
    tell(&mut app, Event::Plan(PLAN.into()));
    app.update(Action::Stop(Phase::DataCleaning, Stop::Plan));
    assert!(matches!(press(&mut app, key('e')), Effect::ExternalPlanEdit(p) if p == PLAN));
    let e = app.update(Action::PlanEdited {
        before: PLAN.into(),
        after: Some(format!("{PLAN}\n")),
    });
    assert!(matches!(e, Effect::None));
    assert!(screen(&app).contains("plan unchanged"));
    assert_eq!(app.waiting(), Some((Phase::DataCleaning, Stop::Plan)));
    // A failed editor is an unchanged plan; an edited one answers the stop.
    let e = app.update(Action::PlanEdited {
        before: PLAN.into(),
        after: None,
    });
    assert!(matches!(e, Effect::None));
    let e = app.update(Action::PlanEdited {
        before: PLAN.into(),
        after: Some("1. Keep every column.".into()),
    });
    assert!(matches!(e, Effect::Decide(Decision::EditPlan(p)) if p == "1. Keep every column."));
    assert!(app.waiting().is_none());
}

#[test]
fn skip_only_for_eda_instruct_redo_and_quit() {
    let mut app = at_cleaning_plan();
    assert!(matches!(press(&mut app, key('s')), Effect::None));
    assert!(screen(&app).contains(&Refusal::NotSkippable.to_string()));
    let mut eda = App::new(false, false);
    eda.update(Action::Stop(Phase::PreliminaryEda, Stop::Plan));
    assert!(matches!(
        press(&mut eda, key('s')),
        Effect::Decide(Decision::Skip)
    ));

    let mut app = at_cleaning_plan();
    press(&mut app, key('i'));
    typed(&mut app, "don't drop Age");
    assert!(screen(&app).contains("Instruction for the agents"));
    assert!(matches!(press(&mut app, code(KeyCode::Enter)),
        Effect::Decide(Decision::Instruct(t)) if t == "don't drop Age"));

    let mut app = at_cleaning_plan();
    assert!(matches!(
        press(&mut app, key('r')),
        Effect::Decide(Decision::Redo)
    ));
    let mut app = at_cleaning_plan();
    assert!(matches!(
        press(&mut app, key('q')),
        Effect::Decide(Decision::Quit)
    ));
    let mut app = at_cleaning_plan();
    assert!(matches!(
        press(&mut app, code(KeyCode::Enter)),
        Effect::Decide(Decision::Approve)
    ));
}

#[test]
fn help_overlay_opens_and_any_key_closes_it() {
    let mut app = at_cleaning_plan();
    press(&mut app, key('?'));
    let s = screen(&app);
    assert!(
        s.contains(" Keys ") && s.contains("auto-continue on/off"),
        "{s}"
    );
    assert!(matches!(press(&mut app, key('x')), Effect::None));
    assert!(!screen(&app).contains("auto-continue on/off"));
    assert!(app.waiting().is_some(), "help does not answer the stop");
}

#[test]
fn the_gates_stop_shows_results_and_the_program_editor_removes_reorders_and_validates() {
    let mut app = at_gates();
    let s = screen(&app);
    assert!(s.contains("✓ no_missing_values"), "{s}");
    assert!(s.contains("✗ all_numeric: `Cabin` is"), "{s}");
    assert!(s.contains("3. select_variance {}"), "{s}");
    assert!(s.contains("p edit program"), "{s}");
    press(&mut app, key('p'));
    let s = screen(&app);
    assert!(
        s.contains(" Program steps ") && s.contains("> 1. drop_columns"),
        "{s}"
    );
    // Last step removed, the first two swapped.
    press(&mut app, key('G'));
    press(&mut app, key('d'));
    press(&mut app, key('K'));
    match press(&mut app, ctrl('s')) {
        Effect::Decide(Decision::EditProgram(Work::Program { program })) => {
            let tools: Vec<&str> = program.steps.iter().map(|s| s.tool.as_str()).collect();
            assert_eq!(tools, ["fill_missing", "drop_columns"]);
        }
        other => panic!("{other:?}"),
    }

    // A new step with an unknown tool is refused with the reason; nothing is sent.
    let mut app = at_gates();
    press(&mut app, key('p'));
    press(&mut app, key('a'));
    let ed_text = json!({"tool": "drop_colums", "args": {"columns": ["Cabin"]}}).to_string();
    // Replace the template: erase it, then type.
    erase(&mut app, 100);
    typed(&mut app, &ed_text);
    press(&mut app, ctrl('s'));
    assert!(matches!(press(&mut app, ctrl('s')), Effect::None));
    let s = screen(&app);
    assert!(s.contains("2. drop_colums"), "{s}");
    assert!(
        s.contains("drop_columns"),
        "the closest tool is suggested: {s}"
    );
    // Editing the bad step's JSON fixes it.
    press(&mut app, key('e'));
    erase(&mut app, 300);
    typed(
        &mut app,
        r#"{"tool": "drop_columns", "args": {"columns": ["Cabin"]}}"#,
    );
    press(&mut app, ctrl('s'));
    match press(&mut app, ctrl('s')) {
        Effect::Decide(Decision::EditProgram(Work::Program { program })) => {
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
        app.update(Action::Stop(Phase::DataCleaning, Stop::Plan)),
        Effect::Decide(Decision::Approve)
    ));
    assert!(screen(&app).contains("[auto]"));
    let mut app = App::new(false, false);
    tell(&mut app, Event::Phase(0, PhaseState::Running));
    assert!(matches!(press(&mut app, key('q')), Effect::None));
    assert!(screen(&app).contains("the run stops at its next stop"));
    assert!(matches!(
        app.update(Action::Stop(Phase::UnderstandBackground, Stop::Plan)),
        Effect::Decide(Decision::Quit)
    ));
    // c at a stop turns auto on and approves it.
    let mut app = at_cleaning_plan();
    assert!(matches!(
        press(&mut app, key('c')),
        Effect::Decide(Decision::Approve)
    ));
    assert!(app.auto());
}

#[test]
fn how_a_run_ends_decides_whether_the_screen_stays() {
    // A quit the person asked for leaves at once; the line says how to resume.
    let mut app = at_cleaning_plan();
    let stopped = Ending::Stopped("stopped: `autokaggle resume runs/titanic-1` continues".into());
    assert!(matches!(
        app.update(Action::Done(stopped.clone())),
        Effect::Exit
    ));
    assert_eq!(app.ending(), Some(&stopped));
    assert!(app.waiting().is_none());
    // A finished run stays on screen until q.
    let mut app = at_gates();
    let done = Ending::Finished("done: blend accuracy 0.8350 (out-of-fold)".into());
    assert!(matches!(app.update(Action::Done(done)), Effect::None));
    assert!(matches!(press(&mut app, key('x')), Effect::None));
    assert!(screen(&app).contains("the run is over: q leaves"));
    assert!(matches!(press(&mut app, key('q')), Effect::Exit));
    // A pipeline that vanished is a failure, said once.
    let mut app = at_gates();
    assert!(matches!(app.update(Action::Lost), Effect::None));
    assert_eq!(
        app.ending(),
        Some(&Ending::Failed(
            "the pipeline thread ended without a result".into()
        ))
    );
    assert!(matches!(press(&mut app, key('x')), Effect::None));
    assert!(screen(&app).contains("the run stopped: q leaves"));
}
