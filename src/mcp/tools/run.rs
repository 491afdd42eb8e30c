//! `run`: a competition carried through the six phases by the offline policy, with each progress
//! line sent to the client and the client's cancellation honoured between steps.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::Result;
use crate::mcp::ToolError;
use autokaggle_core::Phase;
use schemars::JsonSchema;
use serde::Deserialize;

use super::McpTool;
use crate::config::{DEFAULT_SEED, DEFAULT_TIME_BUDGET, RunConfig, locate};
use crate::mcp::Cx;
use crate::orchestrator;
use crate::roles::Roles;
use crate::steer::{Decision, Event, Steer, Stop};

/// Runs a competition.
pub struct RunTool;

/// Arguments of `run`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// A competition folder (see `inspect`).
    pub competition: PathBuf,
    /// Seconds of compute for the whole run, most of it for the model search (default 50).
    #[serde(default = "budget")]
    pub time_budget: f64,
    /// Seed for folds and models (default 42).
    #[serde(default = "seed")]
    pub seed: u64,
    /// Folder for the run directory (default: the server's --out).
    #[serde(default)]
    pub out: Option<PathBuf>,
}

fn budget() -> f64 {
    DEFAULT_TIME_BUDGET
}
fn seed() -> u64 {
    DEFAULT_SEED
}

impl McpTool for RunTool {
    const NAME: &'static str = "run";
    const DOC: &'static str = "Carry a competition through all six phases (background, preliminary EDA, cleaning, \
        in-depth EDA, feature engineering, model building) to a validated submission.csv, a report and a saved \
        model. Sends progress notifications; cancelling the call stops the run between steps, and \
        `autokaggle resume RUN_DIR` continues it. Returns the results table and the run directory.";
    type Args = Args;
    fn call(&self, a: Args, cx: &Cx) -> Result<String> {
        if !(a.time_budget.is_finite() && a.time_budget > 0.0) {
            return Err(ToolError::Budget(a.time_budget));
        }
        let cfg = RunConfig {
            time_budget: a.time_budget,
            progress: false,
            ..RunConfig::new(
                locate(&a.competition)?,
                a.out.unwrap_or_else(|| cx.out.clone()),
                a.seed,
            )
        };
        let steer = Arc::new(McpSteer {
            cx: cx.clone(),
            run_dir: Mutex::new(None),
        });
        let roles = Roles {
            human: Some(steer.clone()),
            ..Roles::default()
        };
        match orchestrator::run_with(&cfg, &roles) {
            Ok(s) => Ok(format!(
                "run directory: {}\n\n{}",
                s.run_dir.display(),
                orchestrator::table(&s)
            )),
            Err(e) if e.is_stop() => {
                let dir = steer.run_dir.lock().expect("not poisoned").clone();
                if let Some(d) = &dir {
                    crate::store::write_atomic(
                        &d.join(crate::store::STOPPED),
                        b"cancelled by the MCP client\n",
                    )?;
                }
                Err(ToolError::Cancelled(Box::new(e)))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The run's watcher: progress lines to the client, no stops, the client's cancellation.
struct McpSteer {
    cx: Cx,
    run_dir: Mutex<Option<PathBuf>>,
}

impl Steer for McpSteer {
    fn event(&self, e: Event) {
        match e {
            Event::RunDir(d) => {
                *self.run_dir.lock().expect("not poisoned") = Some(d);
            }
            Event::Log(s) => self.cx.progress(&s),
            Event::Progress(p) => self.cx.progress(&p.to_string()),
            _ => {}
        }
    }
    fn stops(&self) -> bool {
        false
    }
    fn decide(&self, _: Phase, _: Stop) -> Decision {
        Decision::Approve
    }
    fn cancelled(&self) -> bool {
        self.cx.cancelled()
    }
}
