//! From `run`'s flags to a run configuration and its roles: offline, live LLM, or a replay.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use autokaggle_agents::llm::{LlmConfig, Session};

use crate::cli::{LlmArgs, locate};
use crate::pipeline::{Roles, RunConfig};

/// The run configuration and roles the flags ask for; `resume` continues a run directory with
/// its recorded competition, seed, budget and instructions.
pub fn configure(
    competition: Option<PathBuf>,
    out: PathBuf,
    time_budget: f64,
    seed: u64,
    a: &LlmArgs,
    resume: Option<PathBuf>,
) -> Result<(RunConfig, Roles)> {
    let mut llm = match &a.llm_config {
        Some(p) => LlmConfig::from_file(p).map_err(|e| anyhow!(e))?,
        None => LlmConfig::default(),
    };
    if let Some(m) = &a.llm {
        llm.llm = Some(m.clone());
    }
    for r in &a.llm_role {
        let Some((role, model)) = r.split_once('=') else {
            bail!("--llm-role `{r}`: write ROLE=LLM, e.g. developer=openai:gpt-4o-mini");
        };
        llm.roles
            .insert(role.trim().to_string(), model.trim().to_string());
    }
    if let Some(n) = a.max_calls {
        llm.budget.calls = n;
    }
    if let Some(d) = a.max_usd {
        llm.budget.usd = d;
    }
    if let Some(dir) = &resume {
        let v = recorded(dir)?;
        let cfg = RunConfig {
            competition: PathBuf::from(
                v["competition"]
                    .as_str()
                    .context("spec.json: no competition")?,
            ),
            out,
            time_budget: v["time_budget"].as_f64().unwrap_or(time_budget),
            seed: v["seed"].as_u64().unwrap_or(seed),
            progress: true,
            replay: None,
            instructions: strings(&v["instructions"]),
            resume: Some(dir.clone()),
        };
        let roles = live_roles(llm)?;
        return Ok((cfg, roles));
    }
    if let Some(dir) = &a.replay {
        let v = recorded(dir)?;
        let competition = match competition {
            Some(c) => locate(&c)?,
            None => PathBuf::from(v["competition"].as_str().with_context(|| {
                format!(
                    "{}: no recorded competition; pass --competition",
                    dir.join("spec.json").display()
                )
            })?),
        };
        let cfg = RunConfig {
            time_budget: v["time_budget"].as_f64().unwrap_or(time_budget),
            progress: true,
            replay: Some(dir.clone()),
            instructions: strings(&v["instructions"]),
            ..RunConfig::new(competition, out, v["seed"].as_u64().unwrap_or(seed))
        };
        // The record holds every call the run made; with none, the run was offline.
        let roles = if dir.join("llm.jsonl").exists() {
            Roles::llm(Arc::new(Session::replay(dir, llm).map_err(|e| anyhow!(e))?))
        } else {
            Roles::default()
        };
        return Ok((cfg, roles));
    }
    let cfg = RunConfig {
        time_budget,
        progress: true,
        instructions: a.instruction.clone(),
        ..RunConfig::new(
            locate(&competition.context("--competition is required")?)?,
            out,
            seed,
        )
    };
    Ok((cfg, live_roles(llm)?))
}

/// LLM roles when the config names any LLM, else the offline policy.
fn live_roles(llm: LlmConfig) -> Result<Roles> {
    if let Err(e) = llm.check() {
        bail!("LLM configuration: {e}");
    }
    let any_llm = autokaggle_agents::llm::config::ROLES
        .iter()
        .any(|r| llm.endpoint(r).ok().flatten().is_some());
    Ok(if any_llm {
        Roles::llm(Arc::new(Session::new(llm).map_err(|e| anyhow!(e))?))
    } else {
        Roles::default()
    })
}

/// A run directory's spec.json (competition, seed, budget, instructions).
fn recorded(dir: &std::path::Path) -> Result<serde_json::Value> {
    crate::store::read_json(&dir.join("spec.json"), "not a run directory (no spec.json)")
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(String::from))
        .collect()
}
