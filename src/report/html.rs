//! One self-contained `report.html` per run, rebuilt from the run directory alone (so
//! `autokaggle report RUN_DIR` works on any finished run): the phases' reports in HTML, their
//! charts embedded as data URIs, gates, programs, models, LLM usage and human interventions.

use std::path::{Path, PathBuf};

use autokaggle_agents::Work;
use autokaggle_agents::roles::{GateResult, gate_counts};
use autokaggle_core::phase::{PHASES, WorkKind};
use base64::Engine;
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::{Value, json};

use autokaggle_toolkit::CompetitionSpec as Spec;

use crate::error::Result;
use crate::store::{PhaseDir, RunLayout, RunSummary, SpecRecord};

/// Markdown to HTML; images that name a file beside the markdown are embedded as data URIs.
pub fn markdown(md: &str, base: &Path) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let file = base.join(dest_url.as_ref());
            let dest = match std::fs::read(&file) {
                Ok(bytes) if dest_url.ends_with(".png") => format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                )
                .into(),
                _ => dest_url,
            };
            Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            })
        }
        // Raw HTML in a report is shown as text, never interpreted.
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

fn round(x: f64, digits: i32) -> String {
    let p = 10f64.powi(digits);
    format!("{}", (x * p).round() / p)
}

/// The phase's gate results (none if the phase did not run to its gates).
fn gates_of(pdir: &PhaseDir) -> Vec<GateResult> {
    crate::store::read_json(&pdir.gates(), "no gates").unwrap_or_default()
}

/// Builds `report.html` in a finished `run_dir` from its files and returns its path (the
/// `report` command).
pub fn build(run_dir: &Path) -> Result<PathBuf> {
    let layout = RunLayout::new(run_dir);
    let rec = SpecRecord::read(run_dir)?;
    let summary: RunSummary = crate::store::read_json(
        &layout.summary(),
        "cannot read (is this a finished run directory?)",
    )?;
    write(run_dir, &rec.spec, &summary)
}

/// Writes `report.html` in `run_dir` from the spec and summary a finishing run holds in memory,
/// and returns its path. The phases' gates and programs are read from their folders.
pub fn write(run_dir: &Path, s: &Spec, summary: &RunSummary) -> Result<PathBuf> {
    let layout = RunLayout::new(run_dir);
    let phases = Phases::read(&layout, summary);
    let sub_path = layout.submission();
    let sub = std::fs::read_to_string(&sub_path).unwrap_or_default();
    let research_html = std::fs::read_to_string(layout.research())
        .ok()
        .map(|md| markdown(&md, run_dir));
    let interventions = crate::steer::recorded(run_dir).unwrap_or_default();
    let ctx = json!({
        "spec": {"name": s.name, "task": format!("{:?}", s.task),
                 "metric": s.metric.to_string(), "id": s.id, "targets": s.targets},
        "higher_is_better": s.metric.higher_is_better(),
        "blend_score": round(summary.blend_score, 5),
        "cv_nested": summary.cv_nested.map(|v| round(v, 5)),
        "baseline": round(summary.baseline, 5),
        "seconds": round(summary.seconds, 1),
        "cv": cv_rows(summary),
        "gates_passed": phases.passed,
        "gates_total": phases.applicable,
        "phases": phases.rows,
        "submission": sub_path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "submission_rows": sub.lines().count().saturating_sub(1),
        "submission_columns": sub.lines().next().unwrap_or(""),
        "submission_gates": phases.submission_gates,
        "llm": llm_usage(summary),
        "interventions": interventions,
        "research_html": research_html,
        "run_dir": run_dir.display().to_string(),
    });
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", include_str!("report.html.j2"))?;
    let html = env
        .get_template("report.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))?;
    let path = layout.report_html();
    crate::store::write_atomic(&path, html.as_bytes())?;
    Ok(path)
}

/// Each model's CV mean and spread with its weight in the blend.
fn cv_rows(summary: &RunSummary) -> Vec<Value> {
    summary
        .cv
        .iter()
        .map(|r| {
            let weight = summary
                .blend
                .iter()
                .find(|w| w.model == r.model)
                .map_or(0.0, |w| w.weight);
            json!({"name": r.model, "mean": round(r.mean, 5), "std": round(r.std, 5),
                   "weight": round(weight, 2)})
        })
        .collect()
}

/// The LLM's calls and tokens per role, when a run used one.
fn llm_usage(summary: &RunSummary) -> Option<Value> {
    summary.llm.as_ref().map(|l| {
        let roles: Vec<Value> = l
            .by_role
            .iter()
            .map(|(role, u)| {
                json!({"role": role, "calls": u.calls, "failed": u.failed,
                       "input_tokens": u.input_tokens, "output_tokens": u.output_tokens})
            })
            .collect();
        json!({"line": l.total.line(), "stopped": l.stopped, "roles": roles})
    })
}

/// The phases' sections as the template shows them, with the gate counts over the run.
struct Phases {
    rows: Vec<Value>,
    passed: usize,
    applicable: usize,
    /// The modeling phase's gates, which judge the submission.
    submission_gates: Vec<GateResult>,
}

impl Phases {
    fn read(layout: &RunLayout, summary: &RunSummary) -> Self {
        let mut out = Self {
            rows: Vec::new(),
            passed: 0,
            applicable: 0,
            submission_gates: Vec::new(),
        };
        for p in PHASES {
            let pdir = layout.phase(p);
            let row = summary.phases.iter().find(|r| r.phase == p);
            let gates = gates_of(&pdir);
            let (passed, applicable) = gate_counts(&gates);
            out.passed += passed;
            out.applicable += applicable;
            if p.spec().work == WorkKind::Models {
                out.submission_gates = gates.clone();
            }
            let program: Vec<Value> = crate::store::read_json::<Work>(&pdir.program(), "")
                .ok()
                .and_then(|w| match w {
                    Work::Program { program } => Some(program.steps),
                    _ => None,
                })
                .unwrap_or_default()
                .into_iter()
                .map(|s| json!({"tool": s.tool, "args": s.args.to_string()}))
                .collect();
            let report = std::fs::read_to_string(pdir.report()).unwrap_or_default();
            out.rows.push(json!({
                "slug": p.slug(), "title": p.title(),
                "seconds": row.map_or("n/a".into(), |r| round(r.seconds, 2)),
                "attempts": row.map(|r| r.attempts), "fallback": row.is_some_and(|r| r.fallback),
                "passed": passed, "applicable": applicable,
                "gates": gates, "program": program, "report_html": markdown(&report, pdir.path()),
            }));
        }
        out
    }
}
