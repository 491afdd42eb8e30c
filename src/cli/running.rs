//! The commands that run the phases: headless, in the TUI, resumed, the demo, and the HTML report.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::TuiArgs;
use crate::config::{DEFAULT_SEED, DEFAULT_TIME_BUDGET, Setup, configure};
use crate::orchestrator;
use crate::store::RunSummary;

/// `run` and `resume`: every phase, headless; the summary table and where the report is.
pub fn run(setup: Setup) -> Result<String> {
    let (cfg, roles) = configure(setup)?;
    let summary = orchestrator::run_with(&cfg, &roles)?;
    Ok(finished(&summary))
}

/// `resume`: `run_dir` from its last finished phase, in the folder it is in.
pub fn resume(run_dir: PathBuf, llm: crate::config::LlmChoice) -> Result<String> {
    run(Setup {
        competition: None,
        out: parent(&run_dir),
        time_budget: DEFAULT_TIME_BUDGET,
        seed: DEFAULT_SEED,
        metric: None,
        extra_train: None,
        resume: Some(run_dir),
        llm,
    })
}

/// `tui`: the run with a person at every stop; the screen is the output.
pub fn tui(a: TuiArgs) -> Result<String> {
    let out = match &a.resume {
        Some(d) => parent(d),
        None => a.out,
    };
    let (cfg, roles) = configure(Setup {
        competition: a.competition,
        out,
        time_budget: a.time_budget,
        seed: a.seed,
        metric: a.metric,
        extra_train: a.extra_train,
        resume: a.resume,
        llm: a.llm.into(),
    })?;
    crate::tui::run(cfg, roles, a.auto)?;
    Ok(String::new())
}

/// `demo`: the shipped competition end to end, scored on its hidden labels.
pub fn demo(out: &Path, seed: u64) -> Result<String> {
    let (summary, accuracy, dir) = crate::demo::run(out, seed, true)?;
    Ok(format!(
        "{}\ndemo competition: {}\naccuracy on the hidden test labels: {accuracy:.4}\nsubmission: {}\nreport: {}",
        orchestrator::table(&summary),
        dir.display(),
        summary.submission.display(),
        crate::store::RunLayout::new(&summary.run_dir)
            .report()
            .display()
    ))
}

/// `report`: report.html rebuilt; its path.
pub fn report(run_dir: &Path) -> Result<String> {
    Ok(crate::report::html::build(run_dir)?.display().to_string())
}

/// The summary table and where the report is.
fn finished(summary: &RunSummary) -> String {
    format!(
        "{}\nreport: {}",
        orchestrator::table(summary),
        crate::store::RunLayout::new(&summary.run_dir)
            .report()
            .display()
    )
}

/// The folder a run directory is in (where a resumed run's directory stays).
fn parent(run_dir: &Path) -> PathBuf {
    run_dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
