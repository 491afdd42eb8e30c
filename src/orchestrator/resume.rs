//! Resuming: a run directory's `state.json` lists the finished phases, whose reports and rewritten
//! train/test are read back instead of redone. The modeling phase is always redone: its models live
//! only in memory until the submission is written.

use crate::error::{Result, io_at};
use autokaggle_core::Phase;
use autokaggle_core::phase::WorkKind;
use autokaggle_toolkit::spec::Resolved;
use autokaggle_toolkit::{Dataset, frame};

use super::Run;
use crate::config::RunConfig;
use crate::steer::PhaseState;
use crate::store::{PhaseSummary, RunDir, RunState, SpecRecord};

/// What a resumed run directory says is done (nothing, for a new run).
#[derive(Default)]
pub(super) struct Back {
    state: RunState,
}

impl Back {
    /// Whether the phase finished before.
    pub(super) fn finished(&self, phase: Phase) -> bool {
        self.state.finished.contains(&phase)
    }
    /// The phase's summary, if it finished before.
    pub(super) fn saved(&self, phase: Phase) -> Option<PhaseSummary> {
        self.state.phases.iter().find(|s| s.phase == phase).cloned()
    }
    /// The phase's state as the screen shows it at the start.
    pub(super) fn state_of(&self, phase: Phase) -> PhaseState {
        self.saved(phase).map_or(PhaseState::Waiting, |s| s.state())
    }
}

/// The spec record of a run as it starts.
pub(super) fn spec_record(cfg: &RunConfig, resolved: &Resolved, ds: &Dataset) -> SpecRecord {
    SpecRecord {
        spec: ds.spec.clone(),
        data_dir: resolved.data_dir.clone(),
        notes: ds.notes.clone(),
        competition: cfg.competition.clone(),
        seed: Some(cfg.seed),
        time_budget: Some(cfg.time_budget),
        instructions: cfg.instructions.clone(),
    }
}

/// Creates the run directory, or opens the one being resumed: then the spec in force (the reader
/// may have corrected it) replaces the dataset's, and the finished phases are listed.
pub(super) fn open(
    cfg: &RunConfig,
    resolved: &Resolved,
    ds: &mut Dataset,
) -> Result<(RunDir, Back)> {
    let Some(path) = &cfg.resume else {
        let dir = RunDir::create(&cfg.out, &ds.spec.name)?;
        dir.write_json(&dir.layout().spec(), &spec_record(cfg, resolved, ds))?;
        return Ok((dir, Back::default()));
    };
    let dir = RunDir::open(path)?;
    // A resumed run is running again, whoever stopped it.
    match std::fs::remove_file(dir.path.join(crate::store::STOPPED)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            let marker = dir.path.join(crate::store::STOPPED);
            return Err(io_at(&marker, "cannot remove the run's `stopped` marker")(e).into());
        }
        _ => {}
    }
    let mut state: RunState = if dir.layout().state().exists() {
        dir.read(&dir.layout().state())?
    } else {
        RunState::default()
    };
    ds.spec = SpecRecord::read(&dir.path)?.spec;
    // The fitted ensemble lives in memory only, so the phase that fits it always runs again.
    state.finished.retain(|p| p.spec().work != WorkKind::Models);
    let finished = state.finished.clone();
    state.phases.retain(|s| finished.contains(&s.phase));
    Ok((dir, Back { state }))
}

/// Reads a finished phase back: its report, and the train/test it wrote. Returns the report.
pub(super) fn read_back(run: &Run, phase: Phase, ds: &mut Dataset) -> Result<String> {
    run.say(&format!(
        "{} {} (finished before; read back)",
        phase.counter(),
        phase.title()
    ));
    let p = run.dir.phase(phase).report();
    let report = std::fs::read_to_string(&p).map_err(io_at(&p, "cannot read back"))?;
    if phase.spec().work == WorkKind::Program {
        let (train, test) = run.frame_files(phase);
        ds.train = frame::read_parquet(&train)?;
        ds.test = frame::read_parquet(&test)?;
    }
    Ok(report)
}

/// Records the finished phases in `state.json`.
pub(super) fn save_state(dir: &RunDir, summaries: &[PhaseSummary]) -> Result<()> {
    let state = RunState {
        finished: summaries.iter().map(|s| s.phase).collect(),
        phases: summaries.to_vec(),
    };
    dir.write_json(&dir.layout().state(), &state)?;
    Ok(())
}
