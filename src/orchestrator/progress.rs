//! Headless progress: the [`Steer`] of a run with no person at the helm. Lasting lines (a phase, a
//! score, a failure) go to stderr; on a terminal, transient lines (a step, a fold) overwrite each
//! other in place, and piped into a log every line is kept. It never stops the run.

use std::io::IsTerminal;
use std::sync::Mutex;

use autokaggle_agents::Phase;

use crate::steer::{Decision, Event, Steer, Stop};

/// Progress on stderr (or nothing, when quiet).
pub struct Headless {
    on: bool,
    tty: bool,
    /// Whether the last line written was transient (to be cleared by the next).
    transient: Mutex<bool>,
}

impl Headless {
    /// Progress on stderr when `on`; quiet otherwise.
    pub fn new(on: bool) -> Self {
        Self {
            on,
            tty: std::io::stderr().is_terminal(),
            transient: Mutex::new(false),
        }
    }
}

impl Steer for Headless {
    fn event(&self, e: Event) {
        if !self.on {
            return;
        }
        let mut transient = self.transient.lock().unwrap_or_else(|p| p.into_inner());
        match e {
            Event::Log(msg) => {
                if *transient {
                    eprint!("\r\x1b[2K");
                    *transient = false;
                }
                eprintln!("{msg}");
            }
            Event::Progress(msg) if self.tty => {
                eprint!("\r\x1b[2K{msg}");
                *transient = true;
            }
            Event::Progress(msg) => eprintln!("{msg}"),
            _ => {}
        }
    }

    fn stops(&self) -> bool {
        false
    }

    fn decide(&self, _phase: Phase, _stop: Stop) -> Decision {
        Decision::Approve
    }
}
