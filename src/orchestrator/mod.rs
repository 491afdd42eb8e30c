//! The orchestrator: the six phases of [`autokaggle_core::phase::PHASE_SPECS`] in order, each
//! planner -> (stop) -> developer -> gates, retried -> reviewer -> summarizer -> (stop), then the
//! finish. One file per stage:
//!
//! | stage | file |
//! |---|---|
//! | one phase from plan to hand-over | `phase.rs` |
//! | developer -> run -> gates, retried, then the safe fallback | `attempts.rs` |
//! | the person's two stops per phase | `stops.rs` |
//! | reading finished phases back | `resume.rs` |
//! | the modeling phase: folds, the toolkit's search on this run's clock, submission, charts | `modeling.rs` |
//! | the submission, the reports, the summary | `finish.rs` |
//! | the reader's spec corrections, checked against the files | `corrections.rs` |
//!
//! Everything a run tells the outside goes through a [`Steer`]: the TUI, or [`Headless`] progress.

mod attempts;
mod corrections;
mod finish;
mod modeling;
mod phase;
mod progress;
mod resume;
mod stops;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Result, RunError};
use autokaggle_core::Phase;
use autokaggle_core::phase::{PHASES, WorkKind};
use autokaggle_toolkit::models::validation::{self, FoldKey};
use autokaggle_toolkit::schema::{self, Column};
use autokaggle_toolkit::spec::{self, Resolved};
use autokaggle_toolkit::{Dataset, Profile};

pub use finish::table;
pub use progress::Headless;

use crate::config::RunConfig;
pub use crate::roles::Roles;
use crate::steer::{Doing, Event, Intervention, PhaseState, Progress, Steer};
use crate::store::{PhaseSummary, RunDir, RunSummary};

/// The run's clock. Time spent waiting for the person at the helm is taken off it, so a stop
/// never eats the model search's budget.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    start: Instant,
}

impl Clock {
    fn since(start: Instant) -> Self {
        Self { start }
    }
    /// Seconds of work so far.
    pub(crate) fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
    /// Leaves `d` out of the run's time.
    fn pause(&mut self, d: Duration) {
        self.start += d;
    }
}

/// What every stage of a run shares.
struct Run<'a> {
    cfg: &'a RunConfig,
    resolved: &'a Resolved,
    overview: &'a str,
    roles: &'a Roles,
    steer: Arc<dyn Steer>,
    dir: RunDir,
    clock: Clock,
    /// The user's instructions, from the config, a resumed run and the person at the helm.
    instructions: Vec<String>,
    /// Every decision of the person so far.
    interventions: Vec<Intervention>,
    /// Test's columns as read, before any program: what a saved model asks of new rows.
    input: Vec<Column>,
    /// Each train row's time or group when test follows train in time or holds new groups:
    /// what the model search's folds are drawn by.
    fold_key: Option<Arc<FoldKey>>,
}

impl Run<'_> {
    /// Where a phase that rewrites the data keeps its train and test (written by the attempts,
    /// judged by the gates, read back on resume).
    fn frame_files(&self, phase: Phase) -> (PathBuf, PathBuf) {
        self.dir.phase(phase).data()
    }
    /// Where a phase that rewrites the data keeps its fitted program, for the saved model.
    fn fitted_file(&self, phase: Phase) -> PathBuf {
        self.dir.phase(phase).fitted()
    }
    /// Seconds of compute so far: the run's time less the time spent waiting on the LLM, which has
    /// a budget of its own (`[budget] seconds`) and is never charged to the model search.
    fn compute_seconds(&self) -> f64 {
        self.clock.seconds() - self.llm_seconds()
    }
    /// Seconds spent waiting on the LLM so far.
    fn llm_seconds(&self) -> f64 {
        self.roles.llm.as_ref().map_or(0.0, |s| s.ledger().seconds)
    }
    /// Stops the run (as a quit: it resumes) when whoever watches has cancelled it.
    fn check_cancelled(&self) -> Result<()> {
        if self.steer.cancelled() {
            return Err(self.stopped().into());
        }
        Ok(())
    }
    /// What a cancelled run ends with: where to resume it.
    fn stopped(&self) -> crate::steer::Stopped {
        crate::steer::Stopped {
            run_dir: self.dir.path.clone(),
        }
    }
    /// A progress line that stays.
    fn say(&self, msg: &str) {
        self.steer.event(Event::Log(msg.to_string()));
    }
    /// Where the work stands now; the next tick replaces it.
    fn tick(&self, doing: Doing) {
        self.steer.event(Event::Progress(Progress {
            doing,
            spent: self.compute_seconds(),
            budget: self.cfg.time_budget,
        }));
    }
    /// Tells whoever watches.
    fn tell(&self, e: Event) {
        self.steer.event(e);
    }
}

/// Runs every phase on a competition folder.
pub fn run(cfg: &RunConfig) -> Result<RunSummary> {
    run_with(cfg, &Roles::default())
}

/// Runs every phase on a competition folder with the given roles.
pub fn run_with(cfg: &RunConfig, roles: &Roles) -> Result<RunSummary> {
    // The budget covers reading the files, which at a million rows takes seconds.
    let start = Instant::now();
    // Refused before reading when the machine lacks the memory, rather than killed halfway.
    autokaggle_toolkit::memory::check_fits(&cfg.competition)?;
    let mut resolved = spec::resolve_with(&cfg.competition, cfg.metric)?;
    if let Some(f) = &cfg.extra_train {
        resolved.spec.files.extra_train = Some(f.display().to_string());
    }
    let ds = Dataset::load(&resolved)?;
    // The frames inference read are in `ds` now; the run keeps no second copy.
    resolved.read = None;
    let overview =
        std::fs::read_to_string(resolved.path(&resolved.spec.files.overview)).unwrap_or_default();
    run_from(cfg, &resolved, ds, &overview, roles, start)
}

/// Why the run's metric is the one it is, as resolving the spec found it.
pub(crate) fn metric_reason(resolved: &Resolved) -> Option<&str> {
    resolved
        .reasons
        .iter()
        .find(|r| r.field == "metric")
        .map(|r| r.why.as_str())
}

/// Runs every phase on a loaded dataset.
pub fn run_dataset(
    cfg: &RunConfig,
    resolved: &Resolved,
    ds: Dataset,
    overview: &str,
    roles: &Roles,
) -> Result<RunSummary> {
    run_from(cfg, resolved, ds, overview, roles, Instant::now())
}

/// [`run_dataset`] with the run's clock started at `start`.
fn run_from(
    cfg: &RunConfig,
    resolved: &Resolved,
    mut ds: Dataset,
    overview: &str,
    roles: &Roles,
    start: Instant,
) -> Result<RunSummary> {
    // Added rows join train before anything reads it, so that every phase sees them.
    if let (Some(f), None) = (ds.spec.files.extra_train.clone(), &ds.extra) {
        ds.add_extra_train(&resolved.path(&f))?;
    }
    // On the data as read, before a program can drop the column that shows it.
    ds.validation = validation::detect(&ds)?.map(Arc::new);
    let steer: Arc<dyn Steer> = match &roles.human {
        Some(h) => h.clone(),
        None => Arc::new(Headless::new(cfg.progress, PHASES.len())),
    };
    // The first line says what the run optimises, and why: a default is never silent.
    if let Some(why) = metric_reason(resolved) {
        steer.event(Event::Log(format!("metric: {} ({why})", ds.spec.metric)));
    }
    let (dir, back) = resume::open(cfg, resolved, &mut ds)?;
    steer.event(Event::Log(format!("run directory: {}", dir.path.display())));
    if let Some(e) = &ds.extra {
        steer.event(Event::Log(format!(
            "extra train: {} rows of {} fitted on in every fold, never scored",
            e.rows,
            e.file.display()
        )));
    }
    steer.event(Event::RunDir(dir.path.clone()));
    let interventions = crate::steer::recorded(&dir.path)?;
    let mut instructions = cfg.instructions.clone();
    instructions.extend(
        interventions
            .iter()
            .filter(|i| i.action == crate::steer::Action::Instruct)
            .map(|i| i.detail.clone()),
    );
    for (pi, phase) in PHASES.iter().enumerate() {
        steer.event(Event::Phase(pi, back.state_of(*phase)));
    }
    if let Some(session) = &roles.llm {
        session.attach(&dir.path);
    }
    let run = Run {
        cfg,
        resolved,
        overview,
        roles,
        steer,
        dir,
        clock: Clock::since(start),
        instructions,
        interventions,
        input: schema::of(&ds.test)?,
        fold_key: ds.validation.clone(),
    };
    walk(run, &back, ds)
}

/// Walks the phases from the first unfinished one (a finished one is read back), then finishes.
fn walk(mut run: Run, back: &resume::Back, mut ds: Dataset) -> Result<RunSummary> {
    // Every phase's report in order, carried in memory to the finish (a resumed phase's is read back).
    let mut reports: Vec<String> = Vec::new();
    // The modeling phase's profile, reused by the research report (modeling leaves the data as is).
    let mut last_profile: Option<Profile> = None;
    let mut summaries: Vec<PhaseSummary> = Vec::new();
    // The profile of data a phase left as it was (analysis, a skip), for the next phase: profiling
    // is a pass over every column, so it is done when the data changed and not otherwise.
    let mut unchanged: Option<Profile> = None;
    // The modeling phase's products, carried to the finish.
    let mut modeled = None;
    for phase in PHASES {
        if back.finished(phase) {
            reports.push(resume::read_back(&run, phase, &mut ds)?);
            summaries.extend(back.saved(phase));
            unchanged = None;
            continue;
        }
        run.check_cancelled()?;
        let previous_report = reports.last().map_or("", String::as_str);
        let done = phase::run_phase(&mut run, phase, &ds, previous_report, unchanged.take())?;
        run.tell(Event::Phase(phase.index(), done.summary.state()));
        let kept = phase.spec().work != WorkKind::Program || done.summary.skipped;
        summaries.push(done.summary);
        resume::save_state(&run.dir, &summaries)?;
        reports.push(done.report);
        if kept && done.corrected.is_none() {
            unchanged = Some(done.profile.clone());
        }
        last_profile = Some(done.profile);
        modeled = done.modeled.or(modeled);
        ds = done.next;
        if let Some(c) = done.corrected {
            corrections::record(&run, &c)?;
            ds = c;
        }
    }
    let modeled = modeled.ok_or(RunError::NoModel)?;
    finish::finish(run, &ds, &modeled, summaries, last_profile, &reports)
}

impl PhaseSummary {
    /// How the phase ended, as a person sees it.
    pub fn state(&self) -> PhaseState {
        if self.skipped {
            PhaseState::Skipped
        } else if self.passed == self.gates {
            PhaseState::Passed
        } else {
            PhaseState::Failed
        }
    }
}
