//! The TUI's state. Everything that changes it comes in as one [`Action`] through [`App::update`]
//! (what the pipeline reported, a stop, a key, an editor's result) and what the loop must do comes
//! out as an [`Effect`]; the fields are private, the screen is drawn from them by [`App::view`], and
//! nothing here touches the terminal, so it is tested with actions and whole screens.

mod keys;
mod view;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use autokaggle_agents::roles::{CvRow, GateResult};
use autokaggle_agents::{Review, Work};
use autokaggle_core::Phase;
use autokaggle_core::phase::PHASES;
use ratatui::crossterm::event::KeyEvent;

use super::editor::Editor;
use super::steps::Steps;
use crate::steer::{Decision, Event, PhaseState, Stop};

/// Log lines kept on screen.
const LOG_LINES: usize = 300;

/// Something that changes the app.
#[derive(Debug)]
pub enum Action {
    /// The pipeline reported something.
    Event(Event),
    /// The pipeline waits for the person at a phase's stop.
    Stop(Phase, Stop),
    /// A key press.
    Key(KeyEvent),
    /// `$EDITOR` closed over the plan: `None` when it failed.
    PlanEdited {
        /// The plan it was given.
        before: String,
        /// What it returned.
        after: Option<String>,
    },
    /// The run ended.
    Done(Ending),
    /// The pipeline thread went away without a result.
    Lost,
}

/// What the loop must do after an action.
#[derive(Debug)]
pub enum Effect {
    /// Nothing beyond redrawing.
    None,
    /// Answer the pipeline's stop.
    Decide(Decision),
    /// Edit the plan in `$EDITOR` (the loop suspends the screen), then report `PlanEdited`.
    ExternalPlanEdit(String),
    /// Leave the TUI (the run is over, or was stopped).
    Exit,
}

/// How a run ended, as the screen and the shell are told.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    /// It finished: the summary line.
    Finished(String),
    /// The person quit it (it resumes): the line that says how.
    Stopped(String),
    /// It failed: the error.
    Failed(String),
}

/// What the person is doing.
#[derive(Debug)]
enum Mode {
    /// Watching, or answering a stop with single keys.
    Normal,
    /// The help overlay.
    Help,
    /// Typing an instruction.
    Instruction(Editor),
    /// Editing the plan in the app.
    Plan(Editor),
    /// Editing the program's steps (or the models' candidates).
    Steps(Steps),
}

/// Everything on screen.
#[derive(Debug)]
pub struct App {
    /// Each phase's state.
    phases: [PhaseState; PHASES.len()],
    /// The phase being worked on (index).
    current: usize,
    /// The plan in force.
    plan: String,
    /// The work of the last attempt.
    work: Option<Work>,
    /// Show the program (true) or the plan (false) in the main pane.
    show_program: bool,
    /// Lines scrolled in the main pane (PgUp/PgDn).
    scroll: u16,
    /// Progress lines.
    log: VecDeque<String>,
    /// The last log line is a progress line, which the next one replaces.
    log_transient: bool,
    /// The last gate results.
    gates: Vec<GateResult>,
    /// The last review.
    review: Option<Review>,
    /// CV per model.
    cv: Vec<CvRow>,
    /// LLM calls, tokens, dollars.
    usage: Option<(u64, u64, f64)>,
    /// Where the pipeline waits, if it does.
    waiting: Option<(Phase, Stop)>,
    /// Approve every stop without asking.
    auto: bool,
    /// Stop at the next stop (asked while the pipeline was busy).
    quit_pending: bool,
    /// What the person is doing.
    mode: Mode,
    /// A one-line message (a refusal, a hint).
    message: Option<String>,
    /// The run directory.
    run_dir: Option<PathBuf>,
    /// How the run ended.
    ended: Option<Ending>,
    /// Plans are edited in `$EDITOR` when set.
    external_editor: bool,
}

impl App {
    /// A fresh screen.
    pub fn new(auto: bool, external_editor: bool) -> Self {
        Self {
            phases: [PhaseState::Waiting; PHASES.len()],
            current: 0,
            plan: String::new(),
            work: None,
            show_program: false,
            scroll: 0,
            log: VecDeque::new(),
            log_transient: false,
            gates: vec![],
            review: None,
            cv: vec![],
            usage: None,
            waiting: None,
            auto,
            quit_pending: false,
            mode: Mode::Normal,
            message: None,
            run_dir: None,
            ended: None,
            external_editor,
        }
    }

    /// Applies an action: the one way the app changes.
    pub fn update(&mut self, a: Action) -> Effect {
        match a {
            Action::Event(e) => {
                self.on_event(e);
                Effect::None
            }
            Action::Stop(phase, stop) => self.on_stop(phase, stop),
            Action::Key(k) => self.on_key(k),
            Action::PlanEdited { before, after } => match after {
                Some(t) if t.trim() != before.trim() => self.answer(Decision::EditPlan(t)),
                _ => {
                    self.message = Some("plan unchanged".into());
                    Effect::None
                }
            },
            Action::Done(end) => {
                let stopped = matches!(end, Ending::Stopped(_));
                self.waiting = None;
                self.ended = Some(end);
                // A quit the person asked for leaves at once.
                if stopped { Effect::Exit } else { Effect::None }
            }
            Action::Lost => {
                if self.ended.is_none() {
                    self.waiting = None;
                    self.ended = Some(Ending::Failed(
                        "the pipeline thread ended without a result".into(),
                    ));
                }
                Effect::None
            }
        }
    }

    /// How the run ended, once it has.
    pub fn ending(&self) -> Option<&Ending> {
        self.ended.as_ref()
    }

    /// The run directory, once the pipeline named it.
    pub fn run_dir(&self) -> Option<&Path> {
        self.run_dir.as_deref()
    }

    /// Where the pipeline waits for the person, if it does.
    pub fn waiting(&self) -> Option<(Phase, Stop)> {
        self.waiting
    }

    /// Whether every stop is approved without asking.
    pub fn auto(&self) -> bool {
        self.auto
    }

    fn on_event(&mut self, e: Event) {
        match e {
            Event::RunDir(p) => self.run_dir = Some(p),
            Event::Phase(i, s) => {
                self.phases[i] = s;
                if matches!(s, PhaseState::Running | PhaseState::Awaiting) {
                    if self.current != i {
                        self.gates.clear();
                        self.review = None;
                        self.work = None;
                    }
                    self.current = i;
                }
            }
            Event::Plan(p) => {
                self.plan = p;
                self.show_program = false;
                self.scroll = 0;
            }
            Event::Program(w) => {
                self.work = Some(w);
                self.show_program = true;
                self.scroll = 0;
            }
            Event::Log(l) => self.push_log(l, false),
            // Step and fold lines replace each other, as on a plain terminal.
            Event::Progress(p) => self.push_log(p.to_string(), true),
            Event::Gates(g) => self.gates = g,
            Event::Review(r) => self.review = Some(r),
            Event::Cv(c) => self.cv = c,
            Event::Usage(c, t, d) => self.usage = Some((c, t, d)),
            Event::Rejected(why) => self.message = Some(why.to_string()),
        }
    }

    /// The pipeline stopped for the person; decides at once when none is needed from them
    /// (auto-continue, or a quit asked for while it was busy).
    fn on_stop(&mut self, phase: Phase, stop: Stop) -> Effect {
        if self.quit_pending {
            return Effect::Decide(Decision::Quit);
        }
        if self.auto {
            return Effect::Decide(Decision::Approve);
        }
        self.waiting = Some((phase, stop));
        if stop == Stop::Gates {
            self.show_program = true;
        }
        Effect::None
    }

    fn push_log(&mut self, line: String, transient: bool) {
        if self.log_transient {
            self.log.pop_back();
        }
        self.log.push_back(line);
        self.log_transient = transient;
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }

    fn answer(&mut self, d: Decision) -> Effect {
        self.waiting = None;
        self.message = None;
        self.mode = Mode::Normal;
        Effect::Decide(d)
    }
}
