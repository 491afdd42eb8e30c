//! The step editor of the TUI: a phase's program steps (or the models' candidates) as a list of
//! JSON items, edited one at a time, and checked before they go back to the pipeline.

use autokaggle_agents::Work;
use autokaggle_toolkit::Program;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;

use super::editor::{Edit, Editor};

/// Why the edited items are not yet work the pipeline can take.
#[derive(Debug, thiserror::Error)]
pub enum StepsError {
    /// The items do not read as program steps.
    #[error("not a program: {0}")]
    NotProgram(serde_json::Error),
    /// The items do not read as model candidates.
    #[error("not a list of models: {0}")]
    NotModels(serde_json::Error),
    /// Steps the toolkit refuses (an unknown tool, an argument off its schema).
    #[error(transparent)]
    Refused(#[from] autokaggle_toolkit::ToolkitError),
}

/// What a key in the step editor leads to.
pub enum StepsKey {
    /// The editor stays open.
    Open(Steps),
    /// The person left it without saving.
    Closed,
    /// The person saved: the edited work, checked.
    Save(Work),
}

/// The step editor: a list of JSON items (program steps or model candidates) and, while one is
/// being changed or added, a text area over its JSON.
#[derive(Debug)]
pub struct Steps {
    /// The items.
    pub items: Vec<Value>,
    /// Selected item.
    pub sel: usize,
    /// The item being edited (`None` in the list), and whether it is a new one.
    pub editing: Option<(Editor, bool)>,
    /// The models' folds, for the modeling phase.
    pub folds: Option<usize>,
    /// Why the last save was refused.
    pub error: Option<String>,
}

impl Steps {
    /// The editor over a phase's work; none for an analysis phase, which has no items.
    pub fn of(work: &Work) -> Option<Self> {
        let (items, folds) = match work {
            Work::Program { program } => (
                program
                    .steps
                    .iter()
                    .map(|s| serde_json::to_value(s).unwrap_or_default())
                    .collect(),
                None,
            ),
            Work::Models { folds, candidates } => (
                candidates
                    .iter()
                    .map(|c| serde_json::to_value(c).unwrap_or_default())
                    .collect(),
                Some(*folds),
            ),
            Work::Analysis => return None,
        };
        Some(Self {
            items,
            sel: 0,
            editing: None,
            folds,
            error: None,
        })
    }

    /// The edited work, checked as far as the app can (tool names and argument schemas); the
    /// pipeline checks it against the data before it runs.
    pub fn work(&self) -> Result<Work, StepsError> {
        match self.folds {
            None => {
                let program: Program = serde_json::from_value(Value::Array(self.items.clone()))
                    .map_err(StepsError::NotProgram)?;
                program.check(None)?;
                Ok(Work::Program { program })
            }
            Some(folds) => {
                let candidates = serde_json::from_value(Value::Array(self.items.clone()))
                    .map_err(StepsError::NotModels)?;
                Ok(Work::Models { folds, candidates })
            }
        }
    }

    /// A key in the editor: it stays open, closes, or hands back the edited work to save.
    pub fn key(mut self, k: KeyEvent) -> StepsKey {
        if let Some((mut ed, new)) = self.editing.take() {
            match ed.key(k) {
                Edit::Editing => self.editing = Some((ed, new)),
                Edit::Cancel => {}
                Edit::Save => match serde_json::from_str::<Value>(&ed.text()) {
                    Ok(v) if v.is_object() => {
                        if new {
                            let at = (self.sel + 1).min(self.items.len());
                            self.items.insert(at, v);
                            self.sel = at;
                        } else {
                            self.items[self.sel] = v;
                        }
                        self.error = None;
                    }
                    Ok(_) => {
                        self.error = Some("an item is a JSON object".into());
                        self.editing = Some((ed, new));
                    }
                    Err(e) => {
                        self.error = Some(format!("not JSON: {e}"));
                        self.editing = Some((ed, new));
                    }
                },
            }
            return StepsKey::Open(self);
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.items.len();
        match k.code {
            KeyCode::Esc => return StepsKey::Closed,
            KeyCode::Char('s') if ctrl => match self.work() {
                Ok(w) => return StepsKey::Save(w),
                Err(e) => self.error = Some(e.to_string()),
            },
            KeyCode::Up | KeyCode::Char('k') => self.sel = self.sel.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.sel = (self.sel + 1).min(n.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.sel = 0,
            KeyCode::End | KeyCode::Char('G') => self.sel = n.saturating_sub(1),
            KeyCode::Char('K') if self.sel > 0 => {
                self.items.swap(self.sel, self.sel - 1);
                self.sel -= 1;
            }
            KeyCode::Char('J') if self.sel + 1 < n => {
                self.items.swap(self.sel, self.sel + 1);
                self.sel += 1;
            }
            KeyCode::Char('d') | KeyCode::Delete if n > 0 => {
                self.items.remove(self.sel);
                self.sel = self.sel.min(self.items.len().saturating_sub(1));
            }
            KeyCode::Enter | KeyCode::Char('e') if n > 0 => {
                let text = serde_json::to_string_pretty(&self.items[self.sel]).unwrap_or_default();
                self.editing = Some((Editor::new(&text, false), false));
            }
            KeyCode::Char('a') => {
                let template = if self.folds.is_some() {
                    self.items.get(self.sel).cloned().unwrap_or_default()
                } else {
                    serde_json::json!({"tool": "", "args": {}})
                };
                let text = serde_json::to_string_pretty(&template).unwrap_or_default();
                self.editing = Some((Editor::new(&text, false), true));
            }
            _ => {}
        }
        StepsKey::Open(self)
    }
}
