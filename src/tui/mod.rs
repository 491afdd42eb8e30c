//! `autokaggle tui`: a person at the helm of every phase. The pipeline runs on its own thread and
//! talks to the screen by messages; at each stop it waits for the person's decision.

pub mod app;
mod editor;
mod steps;

use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use autokaggle_core::Phase;
use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};

use crate::config::RunConfig;
use crate::error::RunError;
use crate::roles::Roles;
use crate::steer::{Decision, Event, Steer, Stop};
use app::{Action, App, Effect, Ending};

/// What the pipeline thread tells the screen.
enum Msg {
    Event(Event),
    Stop(Phase, Stop),
    Done(Ending),
}

/// The pipeline's side of the conversation.
struct Helm {
    tx: Sender<Msg>,
    decisions: Mutex<Receiver<Decision>>,
}

impl Steer for Helm {
    fn event(&self, e: Event) {
        let _ = self.tx.send(Msg::Event(e));
    }

    fn decide(&self, phase: Phase, stop: Stop) -> Decision {
        if self.tx.send(Msg::Stop(phase, stop)).is_err() {
            return Decision::Quit;
        }
        // A screen that went away quits the run, which stays resumable.
        self.decisions
            .lock()
            .map(|rx| rx.recv().unwrap_or(Decision::Quit))
            .unwrap_or(Decision::Quit)
    }
}

/// Why the TUI ended badly: the terminal failed, or the run did.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// Drawing, reading keys or the `$EDITOR` round trip failed.
    #[error("the terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// The run failed (a person's quit is not a failure).
    #[error(transparent)]
    Run(Box<RunError>),
    /// The run's thread ended without handing its error back (it panicked); what the screen showed.
    #[error("the run ended abnormally: {0}")]
    Lost(String),
}

type Result<T> = std::result::Result<T, TuiError>;

/// Runs the TUI over a ready configuration until the person leaves; prints how the run ended. A
/// quit the person asked for ends well (the run directory resumes); a failed run is an error.
pub fn run(mut cfg: RunConfig, mut roles: Roles, auto: bool) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let (dtx, drx) = mpsc::channel();
    let helm = Arc::new(Helm {
        tx: tx.clone(),
        decisions: Mutex::new(drx),
    });
    cfg.progress = false;
    roles.human = Some(helm);
    let pipeline = std::thread::spawn(move || {
        let (ended, failed) = match crate::orchestrator::run_with(&cfg, &roles) {
            Ok(s) => (
                Ending::Finished(format!(
                    "done: blend {} {:.4} (out-of-fold); submission {}",
                    s.metric,
                    s.blend_score,
                    s.submission.display()
                )),
                None,
            ),
            Err(e) if e.is_stop() => (Ending::Stopped(e.to_string()), None),
            Err(e) => (Ending::Failed(e.to_string()), Some(e)),
        };
        let _ = tx.send(Msg::Done(ended));
        failed
    });
    let external = std::env::var("EDITOR").is_ok_and(|e| !e.trim().is_empty());
    let mut app = App::new(auto, external);
    let mut terminal = ratatui::init();
    let looped = event_loop(&mut terminal, &mut app, &rx, &dtx);
    ratatui::restore();
    looped?;
    match app.ending() {
        Some(Ending::Finished(s)) => println!("{s}"),
        Some(Ending::Stopped(e)) => eprintln!("{e}"),
        Some(Ending::Failed(e)) => {
            // The pipeline has ended: its error is the typed one the screen showed.
            return Err(match pipeline.join() {
                Ok(Some(e)) => TuiError::Run(Box::new(e)),
                _ => TuiError::Lost(e.clone()),
            });
        }
        None => {
            if let Some(d) = app.run_dir() {
                eprintln!(
                    "left while the run was working; `autokaggle resume {}` continues it",
                    d.display()
                );
            }
        }
    }
    Ok(())
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Msg>,
    dtx: &Sender<Decision>,
) -> Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| app.view(f))?;
            dirty = false;
        }
        loop {
            let action = match rx.try_recv() {
                Ok(Msg::Event(e)) => Action::Event(e),
                Ok(Msg::Stop(p, s)) => Action::Stop(p, s),
                Ok(Msg::Done(end)) => Action::Done(end),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => Action::Lost,
            };
            let lost = matches!(action, Action::Lost);
            dirty |= !lost || app.ending().is_none();
            if !obey(terminal, app, action, dtx)? {
                terminal.draw(|f| app.view(f))?;
                return Ok(());
            }
            if lost {
                break;
            }
        }
        if !event::poll(Duration::from_millis(40))? {
            continue;
        }
        match event::read()? {
            TermEvent::Key(k) if k.kind == KeyEventKind::Press => {
                dirty = true;
                if !obey(terminal, app, Action::Key(k), dtx)? {
                    return Ok(());
                }
            }
            TermEvent::Resize(..) => dirty = true,
            _ => {}
        }
    }
}

/// Applies an action and carries out its effect; false when the TUI is to be left.
fn obey(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    action: Action,
    dtx: &Sender<Decision>,
) -> Result<bool> {
    match app.update(action) {
        Effect::None => {}
        Effect::Decide(d) => {
            let _ = dtx.send(d);
        }
        Effect::ExternalPlanEdit(before) => {
            let after = external_edit(terminal, &before)?;
            return obey(terminal, app, Action::PlanEdited { before, after }, dtx);
        }
        Effect::Exit => return Ok(false),
    }
    Ok(true)
}

/// Edits text in `$EDITOR` with the screen suspended; `None` if the editor failed.
fn external_edit(terminal: &mut ratatui::DefaultTerminal, text: &str) -> Result<Option<String>> {
    let path = std::env::temp_dir().join(format!("autokaggle-plan-{}.md", std::process::id()));
    std::fs::write(&path, text)?;
    ratatui::restore();
    let editor = std::env::var("EDITOR").unwrap_or_default();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    *terminal = ratatui::init();
    terminal.clear()?;
    let out = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path).ok(),
        _ => None,
    };
    let _ = std::fs::remove_file(&path);
    Ok(out)
}
