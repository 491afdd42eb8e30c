//! Headless progress: the [`Steer`] of a run with no person at the helm. It never stops the run.
//! On a terminal, bars for the phases (with the time left against the budget), the steps or
//! candidates, and the folds, with lasting lines (a phase, a score, a failure) printed above them;
//! piped into a log (CI, a file) every line is kept, as plain text.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use autokaggle_core::Phase;
use autokaggle_core::phase::PHASES;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::steer::{Decision, Doing, Event, PhaseState, Progress, Steer, Stop};

/// Progress on stderr (or nothing, when quiet).
pub struct Headless {
    out: Out,
}

enum Out {
    Quiet,
    Lines,
    Bars(Bars),
}

impl Headless {
    /// Progress on stderr when `on` (bars on a terminal, lines otherwise) for a run of `phases`
    /// phases; quiet otherwise.
    pub fn new(on: bool, phases: usize) -> Self {
        let out = match (on, std::io::stderr().is_terminal()) {
            (false, _) => Out::Quiet,
            (true, false) => Out::Lines,
            (true, true) => Out::Bars(Bars::new(ProgressDrawTarget::stderr(), phases)),
        };
        Self { out }
    }
}

impl Steer for Headless {
    fn event(&self, e: Event) {
        match &self.out {
            Out::Quiet => {}
            Out::Lines => match e {
                Event::Log(msg) => eprintln!("{msg}"),
                Event::Progress(p) => eprintln!("{p}"),
                _ => {}
            },
            Out::Bars(bars) => bars.event(e),
        }
    }

    fn stops(&self) -> bool {
        false
    }

    fn decide(&self, _phase: Phase, _stop: Stop) -> Decision {
        Decision::Approve
    }
}

/// The run's compute seconds as last told, and when: the budget line ticks on between events.
type Spent = Arc<Mutex<Option<(f64, f64, Instant)>>>;

/// Three bars: the phases, the work in a phase (steps or candidates), and a candidate's folds;
/// the last two are there only while there is such work.
struct Bars {
    multi: MultiProgress,
    phases: ProgressBar,
    work: Mutex<Option<ProgressBar>>,
    folds: Mutex<Option<ProgressBar>>,
    spent: Spent,
}

/// A bar's looks.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("a valid bar template")
        .progress_chars("=> ")
}

impl Bars {
    fn new(target: ProgressDrawTarget, phases: usize) -> Self {
        let multi = MultiProgress::with_draw_target(target);
        let spent: Spent = Arc::default();
        let told = spent.clone();
        let budget = move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
            let told = *told.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((spent, budget, at)) = told {
                let now = spent + at.elapsed().as_secs_f64();
                let _ = write!(w, "{now:.0}s of {budget:.0}s, {:.0}s left", budget - now);
            }
        };
        let phases_bar = multi.add(
            ProgressBar::new(phases as u64).with_style(
                style("{spinner} phase {pos}/{len} [{bar:24}] {msg}  {budget}")
                    .with_key("budget", budget),
            ),
        );
        phases_bar.enable_steady_tick(Duration::from_millis(250));
        Self {
            multi,
            phases: phases_bar,
            work: Mutex::default(),
            folds: Mutex::default(),
            spent,
        }
    }

    fn event(&self, e: Event) {
        match e {
            Event::Log(msg) => self.multi.suspend(|| eprintln!("{msg}")),
            Event::Phase(i, state) => self.phase(i, state),
            Event::Progress(p) => self.progress(&p),
            _ => {}
        }
    }

    fn phase(&self, i: usize, state: PhaseState) {
        match state {
            PhaseState::Running => {
                self.phases.set_position(i as u64);
                self.phases
                    .set_message(PHASES.get(i).map_or("", |p| p.title()));
                self.hide(&self.work);
                self.hide(&self.folds);
            }
            PhaseState::Passed | PhaseState::Failed | PhaseState::Skipped => {
                self.phases.set_position(i as u64 + 1);
                self.hide(&self.work);
                self.hide(&self.folds);
                if i + 1 == PHASES.len() {
                    self.phases.finish_and_clear();
                }
            }
            PhaseState::Waiting | PhaseState::Awaiting => {}
        }
    }

    fn progress(&self, p: &Progress) {
        *self.spent.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((p.spent, p.budget, Instant::now()));
        match &p.doing {
            Doing::Step { step, steps, tool } => {
                self.show(&self.work, "step", (*step, *steps), tool);
                self.hide(&self.folds);
            }
            Doing::Fold(f) => {
                self.show(
                    &self.work,
                    "candidate",
                    (f.candidate, f.candidates),
                    &f.name,
                );
                self.show(&self.folds, "fold", (f.fold, f.folds), "");
            }
        }
    }

    /// Shows `pos` of `len` on the bar in `slot`, adding it below the others when it is not there.
    fn show(
        &self,
        slot: &Mutex<Option<ProgressBar>>,
        prefix: &'static str,
        (pos, len): (usize, usize),
        msg: &str,
    ) {
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        let bar = slot.get_or_insert_with(|| {
            self.multi.add(
                ProgressBar::new(len as u64)
                    .with_style(style("  {prefix:9} {pos}/{len} [{bar:24}] {msg}")),
            )
        });
        // Length first: a bar drawn between these calls must not show a stale length.
        bar.set_length(len as u64);
        bar.set_position(pos as u64);
        bar.set_prefix(prefix);
        bar.set_message(msg.to_string());
    }

    /// Takes the bar in `slot` off the screen.
    fn hide(&self, slot: &Mutex<Option<ProgressBar>>) {
        if let Some(bar) = slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steer::FoldStart;

    /// (position, length, message) of the bar in `slot`, if shown.
    fn at(slot: &Mutex<Option<ProgressBar>>) -> Option<(u64, Option<u64>, String)> {
        let slot = slot.lock().unwrap();
        slot.as_ref()
            .map(|b| (b.position(), b.length(), b.message().to_string()))
    }

    fn progress(doing: Doing) -> Event {
        Event::Progress(Progress {
            doing,
            spent: 12.0,
            budget: 50.0,
        })
    }

    #[test]
    fn bars_follow_the_phases_candidates_and_folds_and_leave_with_the_work() {
        let bars = Bars::new(ProgressDrawTarget::hidden(), PHASES.len());
        bars.event(Event::Phase(2, PhaseState::Running));
        assert_eq!(bars.phases.position(), 2);
        assert_eq!(bars.phases.message(), PHASES[2].title());
        assert_eq!(at(&bars.work), None, "no work bar before any work");

        bars.event(progress(Doing::Step {
            step: 1,
            steps: 4,
            tool: "fill_missing".into(),
        }));
        assert_eq!(at(&bars.work), Some((1, Some(4), "fill_missing".into())));
        assert_eq!(at(&bars.folds), None, "a step has no folds");

        bars.event(Event::Phase(2, PhaseState::Passed));
        assert_eq!(bars.phases.position(), 3);
        assert_eq!(at(&bars.work), None, "the work bar leaves with its phase");

        bars.event(progress(Doing::Fold(FoldStart {
            candidate: 3,
            candidates: 9,
            name: "gbm_deep".into(),
            fold: 4,
            folds: 5,
        })));
        assert_eq!(at(&bars.work), Some((3, Some(9), "gbm_deep".into())));
        assert_eq!(at(&bars.folds), Some((4, Some(5), String::new())));
        let told = bars.spent.lock().unwrap().map(|(s, b, _)| (s, b));
        assert_eq!(
            told,
            Some((12.0, 50.0)),
            "the budget line counts from what the run said"
        );
    }

    #[test]
    fn a_progress_line_off_a_terminal_says_the_step_or_the_fold() {
        let step = Progress {
            doing: Doing::Step {
                step: 0,
                steps: 3,
                tool: "drop_columns".into(),
            },
            spent: 0.0,
            budget: 50.0,
        };
        assert_eq!(step.to_string(), "  step 1/3: drop_columns");
        let fold = Progress {
            doing: Doing::Fold(FoldStart {
                candidate: 0,
                candidates: 9,
                name: "logistic".into(),
                fold: 2,
                folds: 5,
            }),
            ..step
        };
        assert_eq!(fold.to_string(), "  candidate 1/9: logistic fold 3/5");
    }
}
