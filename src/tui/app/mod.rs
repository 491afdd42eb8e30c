//! The TUI's state: what the pipeline reported, where it waits, and what the person is doing. Keys go
//! in, [`Action`]s come out; nothing here touches the terminal, so it is tested with key presses.

use std::collections::VecDeque;
use std::path::PathBuf;

use autokaggle_agents::phase::PHASES;
use autokaggle_agents::roles::{CvRow, GateResult};
use autokaggle_agents::{Phase, Review, Work};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{Edit, Editor};
pub use super::steps::{Steps, StepsKey};
use crate::steer::{Decision, Event, PhaseState, Stop};

/// Log lines kept on screen.
const LOG_LINES: usize = 300;

/// What the app wants done after a key.
#[derive(Debug)]
pub enum Action {
    /// Nothing beyond redrawing.
    None,
    /// Answer the pipeline's stop.
    Decide(Decision),
    /// Edit the plan in `$EDITOR` (the loop suspends the screen), then answer with the result.
    ExternalPlanEdit(String),
    /// Leave the TUI (the run is over, or was stopped).
    Exit,
}

/// What the person is doing.
#[derive(Debug)]
pub enum Mode {
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
    pub phases: [PhaseState; PHASES.len()],
    /// The phase being worked on (index).
    pub current: usize,
    /// The plan in force.
    pub plan: String,
    /// The work of the last attempt.
    pub work: Option<Work>,
    /// Show the program (true) or the plan (false) in the main pane.
    pub show_program: bool,
    /// Lines scrolled in the main pane (PgUp/PgDn).
    pub scroll: u16,
    /// Progress lines.
    pub log: VecDeque<String>,
    /// The last gate results.
    pub gates: Vec<GateResult>,
    /// The last review.
    pub review: Option<Review>,
    /// CV per model.
    pub cv: Vec<CvRow>,
    /// LLM calls, tokens, dollars.
    pub usage: Option<(u64, u64, f64)>,
    /// Where the pipeline waits, if it does.
    pub waiting: Option<(Phase, Stop)>,
    /// Approve every stop without asking.
    pub auto: bool,
    /// Stop at the next stop (asked while the pipeline was busy).
    pub quit_pending: bool,
    /// What the person is doing.
    pub mode: Mode,
    /// A one-line message (a refusal, a hint).
    pub message: Option<String>,
    /// The run directory.
    pub run_dir: Option<PathBuf>,
    /// How the run ended (Ok: the summary line; Err: the error).
    pub done: Option<Result<String, String>>,
    /// The run ended because the person quit (it resumes).
    pub stopped: bool,
    /// The last log line is a progress line, which the next one replaces.
    pub log_transient: bool,
    /// Plans are edited in `$EDITOR` when set.
    pub external_editor: bool,
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
            done: None,
            stopped: false,
            log_transient: false,
            external_editor,
        }
    }

    /// Takes in what the pipeline reported.
    pub fn on_event(&mut self, e: Event) {
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
            Event::Progress(l) => self.push_log(l, true),
            Event::Gates(g) => self.gates = g,
            Event::Review(r) => self.review = Some(r),
            Event::Cv(c) => self.cv = c,
            Event::Usage(c, t, d) => self.usage = Some((c, t, d)),
            Event::Rejected(why) => self.message = Some(why),
        }
    }

    /// The pipeline stopped for the person; returns the decision when none is needed from them
    /// (auto-continue, or a quit asked for while it was busy).
    pub fn on_stop(&mut self, phase: Phase, stop: Stop) -> Option<Decision> {
        if self.quit_pending {
            return Some(Decision::Quit);
        }
        if self.auto {
            return Some(Decision::Approve);
        }
        self.waiting = Some((phase, stop));
        if stop == Stop::Gates {
            self.show_program = true;
        }
        None
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

    /// The run ended.
    pub fn on_done(&mut self, r: Result<String, String>) {
        self.waiting = None;
        self.done = Some(r);
    }

    fn answer(&mut self, d: Decision) -> Action {
        self.waiting = None;
        self.message = None;
        self.mode = Mode::Normal;
        Action::Decide(d)
    }

    /// Applies a key.
    pub fn on_key(&mut self, k: KeyEvent) -> Action {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return match self.waiting {
                Some(_) => self.answer(Decision::Quit),
                None if self.done.is_some() => Action::Exit,
                None => {
                    self.quit_pending = true;
                    Action::None
                }
            };
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => Action::None,
            Mode::Instruction(mut ed) => match ed.key(k) {
                Edit::Save if !ed.text().trim().is_empty() => {
                    self.answer(Decision::Instruct(ed.text().trim().to_string()))
                }
                Edit::Save | Edit::Cancel => Action::None,
                Edit::Editing => {
                    self.mode = Mode::Instruction(ed);
                    Action::None
                }
            },
            Mode::Plan(mut ed) => match ed.key(k) {
                Edit::Save => self.answer(Decision::EditPlan(ed.text())),
                Edit::Cancel => Action::None,
                Edit::Editing => {
                    self.mode = Mode::Plan(ed);
                    Action::None
                }
            },
            Mode::Steps(st) => self.steps_key(st, k),
            Mode::Normal => self.normal_key(k),
        }
    }

    fn normal_key(&mut self, k: KeyEvent) -> Action {
        if let Some(r) = &self.done {
            return match k.code {
                KeyCode::Char('q') | KeyCode::Enter | KeyCode::Esc => Action::Exit,
                KeyCode::Char('?') => {
                    self.mode = Mode::Help;
                    Action::None
                }
                _ => {
                    self.message = Some(match r {
                        Ok(_) => "the run is over: q leaves".into(),
                        Err(_) => "the run stopped: q leaves".into(),
                    });
                    Action::None
                }
            };
        }
        match k.code {
            KeyCode::Char('?') => {
                self.mode = Mode::Help;
                return Action::None;
            }
            KeyCode::Char('v') => {
                self.show_program = !self.show_program;
                self.scroll = 0;
                return Action::None;
            }
            KeyCode::PageDown => {
                self.scroll = self.scroll.saturating_add(5);
                return Action::None;
            }
            KeyCode::PageUp => {
                self.scroll = self.scroll.saturating_sub(5);
                return Action::None;
            }
            KeyCode::Char('c') => {
                self.auto = !self.auto;
                self.message = Some(if self.auto {
                    "auto-continue on: every stop is approved (c turns it off)".into()
                } else {
                    "auto-continue off: the run waits for you at each stop".into()
                });
                if self.auto && self.waiting.is_some() {
                    return self.answer(Decision::Approve);
                }
                return Action::None;
            }
            _ => {}
        }
        let Some((phase, stop)) = self.waiting else {
            if k.code == KeyCode::Char('q') {
                self.quit_pending = true;
                self.message = Some("the run stops at its next stop".into());
            } else {
                self.message = Some("the pipeline is working; it will stop for you".into());
            }
            return Action::None;
        };
        match (k.code, stop) {
            (KeyCode::Enter | KeyCode::Char('a'), _) => self.answer(Decision::Approve),
            (KeyCode::Char('q'), _) => self.answer(Decision::Quit),
            (KeyCode::Char('r'), _) => self.answer(Decision::Redo),
            (KeyCode::Char('i'), _) => {
                self.mode = Mode::Instruction(Editor::new("", true));
                Action::None
            }
            (KeyCode::Char('e'), Stop::Plan) => {
                if self.external_editor {
                    self.waiting = None;
                    Action::ExternalPlanEdit(self.plan.clone())
                } else {
                    self.mode = Mode::Plan(Editor::new(&self.plan, false));
                    Action::None
                }
            }
            (KeyCode::Char('s'), Stop::Plan) => {
                if phase.spec().skippable {
                    self.answer(Decision::Skip)
                } else {
                    self.message = Some("only the EDA phases can be skipped".into());
                    Action::None
                }
            }
            (KeyCode::Char('p'), Stop::Gates) => {
                match self.work.as_ref().and_then(Steps::of) {
                    Some(st) => self.mode = Mode::Steps(st),
                    None => {
                        self.message = Some(format!("{} has no program to edit", phase.title()))
                    }
                }
                Action::None
            }
            _ => {
                self.message = Some("? shows the keys".into());
                Action::None
            }
        }
    }

    fn steps_key(&mut self, st: Steps, k: KeyEvent) -> Action {
        match st.key(k) {
            StepsKey::Open(st) => {
                self.mode = Mode::Steps(st);
                Action::None
            }
            StepsKey::Closed => Action::None,
            StepsKey::Save(w) => self.answer(Decision::EditProgram(w)),
        }
    }

    /// The key hints for the bottom line.
    pub fn hints(&self) -> &'static str {
        match (&self.mode, self.waiting, &self.done) {
            (Mode::Help, _, _) => "any key: close help",
            (Mode::Instruction(_), _, _) => "Enter: give the instruction  Esc: cancel",
            (Mode::Plan(_), _, _) => "Ctrl-S: use this plan  Esc: cancel",
            (Mode::Steps(s), _, _) if s.editing.is_some() => "Ctrl-S: keep  Esc: cancel",
            (Mode::Steps(_), _, _) => {
                "j/k move  J/K reorder  d delete  e edit  a add  Ctrl-S run  Esc cancel"
            }
            (_, _, Some(_)) => "q: leave  ?: help",
            (_, Some((_, Stop::Plan)), _) => {
                "Enter approve  e edit plan  i instruct  r redo  s skip  q quit  PgDn  ?"
            }
            (_, Some((_, Stop::Gates)), _) => {
                "Enter approve  p edit program  i instruct  r redo  q quit  v view  PgDn  ?"
            }
            _ => "working...  c auto-continue  v plan/program  q stop at next stop  ? help",
        }
    }

    /// The phase titles with their states.
    pub fn phase_rows(&self) -> Vec<(String, PhaseState)> {
        PHASES
            .iter()
            .zip(self.phases)
            .enumerate()
            .map(|(i, (p, s))| (format!("{} {}", i + 1, p.title()), s))
            .collect()
    }
}
