//! What a key does: in an editor or overlay it goes there; otherwise view keys work at any time,
//! and stop keys answer the stop the pipeline waits at.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Effect, Ending, Mode};
use crate::steer::{Decision, Refusal, Stop};
use crate::tui::editor::{Edit, Editor};
use crate::tui::steps::{Steps, StepsKey};

impl App {
    pub(super) fn on_key(&mut self, k: KeyEvent) -> Effect {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return self.interrupt();
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => Effect::None,
            Mode::Instruction(mut ed) => match ed.key(k) {
                Edit::Save if !ed.text().trim().is_empty() => {
                    self.answer(Decision::Instruct(ed.text().trim().to_string()))
                }
                Edit::Save | Edit::Cancel => Effect::None,
                Edit::Editing => {
                    self.mode = Mode::Instruction(ed);
                    Effect::None
                }
            },
            Mode::Plan(mut ed) => match ed.key(k) {
                Edit::Save => self.answer(Decision::EditPlan(ed.text())),
                Edit::Cancel => Effect::None,
                Edit::Editing => {
                    self.mode = Mode::Plan(ed);
                    Effect::None
                }
            },
            Mode::Steps(st) => match st.key(k) {
                StepsKey::Open(st) => {
                    self.mode = Mode::Steps(st);
                    Effect::None
                }
                StepsKey::Closed => Effect::None,
                StepsKey::Save(w) => self.answer(Decision::EditProgram(w)),
            },
            Mode::Normal if self.ended.is_some() => self.ended_key(k),
            Mode::Normal => match self.view_key(k) {
                Some(e) => e,
                None => self.stop_key(k),
            },
        }
    }

    /// Ctrl-C: quits at a stop, leaves a finished run, or asks the busy pipeline to stop.
    fn interrupt(&mut self) -> Effect {
        match self.waiting {
            Some(_) => self.answer(Decision::Quit),
            None if self.ended.is_some() => Effect::Exit,
            None => {
                self.quit_pending = true;
                Effect::None
            }
        }
    }

    fn ended_key(&mut self, k: KeyEvent) -> Effect {
        match k.code {
            KeyCode::Char('q') | KeyCode::Enter | KeyCode::Esc => Effect::Exit,
            KeyCode::Char('?') => {
                self.mode = Mode::Help;
                Effect::None
            }
            _ => {
                self.message = Some(match self.ended {
                    Some(Ending::Finished(_)) => "the run is over: q leaves".into(),
                    _ => "the run stopped: q leaves".into(),
                });
                Effect::None
            }
        }
    }

    /// Keys that work whether or not the pipeline waits: help, the view, auto-continue.
    fn view_key(&mut self, k: KeyEvent) -> Option<Effect> {
        match k.code {
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Char('v') => {
                self.show_program = !self.show_program;
                self.scroll = 0;
            }
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(5),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(5),
            KeyCode::Char('c') => {
                self.auto = !self.auto;
                self.message = Some(if self.auto {
                    "auto-continue on: every stop is approved (c turns it off)".into()
                } else {
                    "auto-continue off: the run waits for you at each stop".into()
                });
                if self.auto && self.waiting.is_some() {
                    return Some(self.answer(Decision::Approve));
                }
            }
            _ => return None,
        }
        Some(Effect::None)
    }

    /// Keys that answer the stop, or say that the pipeline is working.
    fn stop_key(&mut self, k: KeyEvent) -> Effect {
        let Some((phase, stop)) = self.waiting else {
            self.message = Some(if k.code == KeyCode::Char('q') {
                self.quit_pending = true;
                "the run stops at its next stop".into()
            } else {
                "the pipeline is working; it will stop for you".into()
            });
            return Effect::None;
        };
        let refused = match (k.code, stop) {
            (KeyCode::Enter | KeyCode::Char('a'), _) => return self.answer(Decision::Approve),
            (KeyCode::Char('q'), _) => return self.answer(Decision::Quit),
            (KeyCode::Char('r'), _) => return self.answer(Decision::Redo),
            (KeyCode::Char('i'), _) => {
                self.mode = Mode::Instruction(Editor::new("", true));
                return Effect::None;
            }
            (KeyCode::Char('e'), Stop::Plan) if self.external_editor => {
                return Effect::ExternalPlanEdit(self.plan.clone());
            }
            (KeyCode::Char('e'), Stop::Plan) => {
                self.mode = Mode::Plan(Editor::new(&self.plan, false));
                return Effect::None;
            }
            (KeyCode::Char('s'), Stop::Plan) if phase.spec().skippable => {
                return self.answer(Decision::Skip);
            }
            (KeyCode::Char('s'), Stop::Plan) => Refusal::NotSkippable.to_string(),
            (KeyCode::Char('p'), Stop::Gates) => match self.work.as_ref().and_then(Steps::of) {
                Some(st) => {
                    self.mode = Mode::Steps(st);
                    return Effect::None;
                }
                None => Refusal::NothingToEdit(phase.title()).to_string(),
            },
            _ => "? shows the keys".into(),
        };
        self.message = Some(refused);
        Effect::None
    }
}
