//! The end of a run: the submission written, every phase's report joined under the research report
//! and the results table, `summary.json`, and `report.html`.

use std::path::PathBuf;

use crate::error::{Result, RunError};
use autokaggle_agents::roles::PhaseCx;
use autokaggle_core::phase::{self, PHASES, WorkKind};
use autokaggle_toolkit::{Dataset, Profile, frame, schema};

use super::modeling::Modeled;

use super::Run;
use crate::store::{PhaseSummary, RunSummary};

/// Writes the submission and the reports; returns the run's summary.
pub(super) fn finish(
    run: Run,
    ds: &Dataset,
    m: &Modeled,
    phases: Vec<PhaseSummary>,
    last_profile: Option<Profile>,
    reports: &[String],
) -> Result<RunSummary> {
    let sub_path = write_submission(&run, ds, m)?;
    // The submission is safe; a model that cannot be saved is said, not fatal.
    let model = match save_model(&run, ds, m, &phases) {
        Ok(dir) => {
            run.say(&format!("model: {}", dir.display()));
            Some(dir)
        }
        Err(e) => {
            run.say(&format!("model not saved: {e:#}"));
            None
        }
    };
    let summary = RunSummary {
        run_dir: run.dir.path.clone(),
        submission: sub_path,
        cv: m.cv_rows(),
        blend_score: m.blend.score,
        cv_nested: m.nested,
        blend: m.weights(),
        stacked: m.blend.head.is_some(),
        baseline: m.baseline,
        metric: ds.spec.metric.to_string(),
        phases,
        seconds: run.clock.seconds(),
        time_budget: Some(run.cfg.time_budget),
        llm_seconds: run.llm_seconds(),
        llm: None,
        model,
    };
    let final_report = final_report(&run, ds, &summary, last_profile, reports)?;
    run.dir.write(&run.dir.layout().report(), &final_report)?;
    // Usage is read after the research report, the run's last LLM call.
    let summary = RunSummary {
        llm: run.roles.llm.as_ref().map(|s| s.ledger()),
        ..summary
    };
    run.dir.write_json(&run.dir.layout().summary(), &summary)?;
    // The submission is already safe on disk; a report that fails to build is said, not fatal.
    match crate::report::html::write(&run.dir.path, &ds.spec, &summary) {
        Ok(p) => run.say(&format!("report: {}", p.display())),
        Err(e) => run.say(&format!("report.html not built: {e:#}")),
    }
    Ok(summary)
}

/// Writes `submission.csv` and returns its path. A run never ends well with a file Kaggle would
/// reject: after every attempt and the fallback, the format gates judge it once more, and a
/// failing one stops the run with its message (and no file).
fn write_submission(run: &Run, ds: &Dataset, m: &Modeled) -> Result<PathBuf> {
    let sub_path = run.dir.layout().submission();
    if let Some((gate, why)) = crate::gates::invalid_submission(ds, &m.submission) {
        let _ = std::fs::remove_file(&sub_path);
        return Err(RunError::InvalidSubmission {
            gate,
            message: why,
            run_dir: run.dir.path.clone(),
        });
    }
    frame::write_csv(&m.submission, &sub_path)?;
    Ok(sub_path)
}

/// The run's `report.md`: the research report (when the summarizer writes one), every phase's
/// report, and the results table, under notes on a defaulted metric or an unused LLM.
fn final_report(
    run: &Run,
    ds: &Dataset,
    summary: &RunSummary,
    last_profile: Option<Profile>,
    reports: &[String],
) -> Result<String> {
    let previous_report = reports.last().map_or("", String::as_str);
    let mut final_report = String::new();
    for r in reports {
        final_report.push_str(r);
        final_report.push('\n');
    }
    let results = table(summary);
    let profile = last_profile.map_or_else(|| Profile::of(ds), Ok)?;
    let cx = PhaseCx {
        phase: phase::doing(WorkKind::Models),
        ds,
        profile: &profile,
        overview: run.overview,
        previous_report,
        instructions: &run.instructions,
        seed: run.cfg.seed,
        redo: &[],
    };
    if let Some(research) = run
        .roles
        .summarizer
        .research_report(&cx, &final_report, &results)
    {
        run.dir.write(&run.dir.layout().research(), &research)?;
        final_report = format!("# Research report\n\n{research}\n\n{final_report}");
    }
    final_report.push_str(&format!("\n# Result\n\n{results}\n"));
    if let Some(why) =
        super::metric_reason(run.resolved).filter(|w| w.starts_with("no metric named"))
    {
        final_report = format!("> **Metric: {}.** {why}.\n\n{final_report}", ds.spec.metric);
    }
    if let Some(why) = &run.cfg.llm_unused {
        final_report = format!(
            "> **No LLM was used.** {why}. Every role ran the offline policy, as `--llm-fallback offline` asked.\n\n{final_report}"
        );
    }
    Ok(final_report)
}

/// Saves `<run>/model/` from the phases' fitted programs and the refitted blend.
fn save_model(run: &Run, ds: &Dataset, m: &Modeled, phases: &[PhaseSummary]) -> Result<PathBuf> {
    let mut programs = Vec::new();
    for p in PHASES.iter().filter(|p| p.spec().work == WorkKind::Program) {
        if phases.iter().any(|s| s.phase == *p && s.skipped) {
            continue;
        }
        let f = run.fitted_file(*p);
        if !f.exists() {
            return Err(RunError::NoFittedProgram {
                phase: p.title(),
                path: f,
            });
        }
        programs.push((p.dir_name(), f));
    }
    let features = ds.features();
    let test_features = frame::select(&ds.test, &features)?;
    let dir = run.dir.layout().model();
    crate::model::save(
        &dir,
        &crate::model::Saving {
            competition: &ds.spec.name,
            input: &run.input,
            features: schema::of(&test_features)?,
            programs,
            ensemble: &m.ensemble,
            format: &m.format,
            metric: ds.spec.metric,
            cv_score: m.blend.score,
            train: &run.resolved.path(&run.resolved.spec.files.train),
        },
    )?;
    Ok(dir)
}

/// The final summary table, as `run` prints it and `report.md` ends.
pub fn table(s: &RunSummary) -> String {
    let mut t = String::from("| phase | gates passed | attempts | seconds |\n|---|---|---|---|\n");
    for p in &s.phases {
        let note = if p.skipped {
            " (skipped)"
        } else if p.fallback {
            " (fallback)"
        } else {
            ""
        };
        t.push_str(&format!(
            "| {} | {}/{} | {}{note} | {:.1} |\n",
            p.phase.title(),
            p.passed,
            p.gates,
            p.attempts,
            p.seconds
        ));
    }
    // Reading the files before the first phase, writing the submission and the model after the last.
    let outside = s.seconds - s.phases.iter().map(|p| p.seconds).sum::<f64>();
    if outside >= 0.05 {
        t.push_str(&format!(
            "| Reading the files, saving the submission and model | | | {outside:.1} |\n"
        ));
    }
    t.push_str(&format!(
        "\n| model | CV {} (mean ± std) |\n|---|---|\n",
        s.metric
    ));
    for c in &s.cv {
        t.push_str(&format!("| {} | {:.5} ± {:.5} |\n", c.model, c.mean, c.std));
    }
    let weights: Vec<String> = s
        .blend
        .iter()
        .filter(|w| w.weight != 0.0)
        .map(|w| format!("{} {:.2}", w.model, w.weight))
        .collect();
    let kind = if s.stacked { "stack" } else { "blend" };
    t.push_str(&format!(
        "| {kind} ({}) | {:.5} (out-of-fold, the score it was chosen on) |\n",
        weights.join(", "),
        s.blend_score,
    ));
    if let Some(n) = s.cv_nested {
        t.push_str(&format!(
            "| {kind}, chosen inside the folds | {n:.5} (out-of-fold on rows the choice did not see: the estimate to expect) |\n"
        ));
    }
    t.push_str(&format!("| trivial baseline | {:.5} |\n", s.baseline));
    if let Some(l) = &s.llm {
        t.push_str(&format!("\n{}", l.total.line()));
        if let Some(why) = &l.stopped {
            t.push_str(&format!(" (stopped: {why})"));
        }
        t.push_str(&format!("\n{}\n", l.fallback_line()));
    }
    let waited = if s.llm.is_some() {
        format!(
            " ({:.1}s compute against --time-budget, {:.1}s waiting on the LLM)",
            s.seconds - s.llm_seconds,
            s.llm_seconds
        )
    } else {
        String::new()
    };
    let budget = s
        .time_budget
        .map(|b| format!(" of a {b:.0}s budget"))
        .unwrap_or_default();
    t.push_str(&format!(
        "\ntotal {:.1}s{budget}{waited}; submission: {}\n",
        s.seconds,
        s.submission.display()
    ));
    t
}
