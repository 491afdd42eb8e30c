//! One self-contained `report.html` per run, rebuilt from the run directory alone (so
//! `autokaggle report RUN_DIR` works on any finished run): the phases' reports in HTML, their
//! charts embedded as data URIs, gates, programs, models, LLM usage and human interventions.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use autokaggle_agents::phase::PHASES;
use base64::Engine;
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::{Value, json};

fn read_json(path: &Path) -> Result<Value> {
    crate::store::read_json(path, "cannot read (is this a finished run directory?)")
}

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

fn round(v: &Value, digits: i32) -> String {
    v.as_f64().map_or("n/a".into(), |x| {
        let p = 10f64.powi(digits);
        format!("{}", (x * p).round() / p)
    })
}

/// Builds `report.html` in `run_dir` and returns its path.
pub fn build(run_dir: &Path) -> Result<PathBuf> {
    let spec = read_json(&run_dir.join("spec.json"))?;
    let summary = read_json(&run_dir.join("summary.json"))?;
    let s = &spec["spec"];
    let metric: autokaggle_toolkit::Metric =
        serde_json::from_value(s["metric"].clone()).context("spec.json: metric")?;
    let weights: std::collections::HashMap<String, f64> = summary["blend"][1]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| Some((w[0].as_str()?.to_string(), w[1].as_f64()?)))
        .collect();
    let cv: Vec<Value> = summary["cv"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let name = r[0].as_str().unwrap_or("?");
            json!({"name": name, "mean": round(&r[1], 5), "std": round(&r[2], 5),
                   "weight": round(&json!(weights.get(name).copied().unwrap_or(0.0)), 2)})
        })
        .collect();
    let mut phases = Vec::new();
    let (mut passed_all, mut total_all) = (0, 0);
    let mut submission_gates = Value::Array(vec![]);
    for (i, p) in PHASES.iter().enumerate() {
        let pdir = run_dir.join(p.dir_name());
        let row = &summary["phases"][i];
        let gates = read_json(&pdir.join("gates.json")).unwrap_or(json!([]));
        let passed = gates
            .as_array()
            .map_or(0, |g| g.iter().filter(|v| v["passed"] == true).count());
        passed_all += passed;
        total_all += gates.as_array().map_or(0, Vec::len);
        if *p == autokaggle_agents::Phase::ModelBuilding {
            submission_gates = gates.clone();
        }
        let program: Vec<Value> = read_json(&pdir.join("program.json"))
            .ok()
            .and_then(|w| w["program"].as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|s| json!({"tool": s["tool"], "args": s["args"].to_string()}))
            .collect();
        let report = std::fs::read_to_string(pdir.join("report.md")).unwrap_or_default();
        phases.push(json!({
            "slug": p.slug(), "title": p.title(), "seconds": round(&row["seconds"], 2),
            "attempts": row["attempts"], "fallback": row["fallback"], "passed": passed,
            "gates": gates, "program": program, "report_html": markdown(&report, &pdir),
        }));
    }
    let sub_path = run_dir.join("submission.csv");
    let sub = std::fs::read_to_string(&sub_path).unwrap_or_default();
    let llm = summary.get("llm").filter(|l| !l.is_null()).map(|l| {
        let usage: autokaggle_agents::llm::Usage =
            serde_json::from_value(l["total"].clone()).unwrap_or_default();
        let roles: Vec<Value> = l["by_role"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(role, u)| {
                json!({"role": role, "calls": u["calls"], "failed": u["failed"],
                       "input_tokens": u["input_tokens"], "output_tokens": u["output_tokens"]})
            })
            .collect();
        json!({"line": usage.line(), "stopped": l["stopped"], "roles": roles})
    });
    let research_html = std::fs::read_to_string(run_dir.join("research.md"))
        .ok()
        .map(|md| markdown(&md, run_dir));
    let interventions = read_json(&run_dir.join("interventions.json")).unwrap_or(json!([]));
    let ctx = json!({
        "spec": {"name": s["name"], "task": format!("{:?}", serde_json::from_value::<autokaggle_toolkit::Task>(s["task"].clone()).context("spec.json: task")?),
                 "metric": format!("{metric:?}"), "id": s["id"], "targets": s["targets"]},
        "higher_is_better": metric.higher_is_better(),
        "blend_score": round(&summary["blend"][0], 5),
        "baseline": round(&summary["baseline"], 5),
        "seconds": round(&summary["seconds"], 1),
        "cv": cv,
        "gates_passed": passed_all,
        "gates_total": total_all,
        "phases": phases,
        "submission": "submission.csv",
        "submission_rows": sub.lines().count().saturating_sub(1),
        "submission_columns": sub.lines().next().unwrap_or(""),
        "submission_gates": submission_gates,
        "llm": llm,
        "interventions": interventions,
        "research_html": research_html,
        "run_dir": run_dir.display().to_string(),
    });
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", include_str!("report.html.j2"))
        .context("the report template")?;
    let html = env
        .get_template("report.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
        .context("rendering report.html")?;
    let path = run_dir.join("report.html");
    let tmp = run_dir.join("report.html.tmp");
    std::fs::write(&tmp, html).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
