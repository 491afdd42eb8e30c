//! How a run is set up: [`RunConfig`], the defaults as named constants, competition lookup, and the
//! roles the LLM options ask for (offline, live LLM, or a replay). The CLI and the TUI both hand the
//! orchestrator a config built here, so neither knows the other.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Result, SetupError};
use autokaggle_agents::llm::{LlmConfig, Session, probe};
use autokaggle_toolkit::MetricId;

use crate::roles::Roles;
use crate::store::SpecRecord;

/// Seconds for a whole run when none is given.
pub const DEFAULT_TIME_BUDGET: f64 = 50.0;
/// The seed when none is given.
pub const DEFAULT_SEED: u64 = 42;
/// Developer attempts per phase before the safe fallback program runs.
pub const MAX_ATTEMPTS: usize = 3;

/// How to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Competition folder.
    pub competition: PathBuf,
    /// Where run directories go.
    pub out: PathBuf,
    /// Seconds for the whole run; the model search stops trying candidates when it would exceed it.
    pub time_budget: f64,
    /// Seed for folds and models.
    pub seed: u64,
    /// Print progress to stderr (headless runs).
    pub progress: bool,
    /// Replaying this run directory: its model candidates are tried again, none cut by time.
    pub replay: Option<PathBuf>,
    /// The user's instructions, given to every role in every phase.
    pub instructions: Vec<String>,
    /// Resume this run directory: finished phases are read back, not redone.
    pub resume: Option<PathBuf>,
    /// Why an LLM the user asked for is not used (`--llm-fallback offline` after a failed check);
    /// said at the top of the report.
    pub llm_unused: Option<String>,
    /// The metric the user chose (`--metric`); a resumed run keeps the one it ran with.
    pub metric: Option<MetricId>,
    /// More labelled rows to fit on (`--extra-train`), over competition.toml's `extra_train`.
    pub extra_train: Option<PathBuf>,
}

impl RunConfig {
    /// A quiet run of `competition` into `out` with the default budget and no LLM record,
    /// instructions or resume; set other fields with struct update syntax.
    pub fn new(competition: PathBuf, out: PathBuf, seed: u64) -> Self {
        Self {
            competition,
            out,
            time_budget: DEFAULT_TIME_BUDGET,
            seed,
            progress: false,
            replay: None,
            instructions: vec![],
            resume: None,
            llm_unused: None,
            metric: None,
            extra_train: None,
        }
    }
}

/// Finds a competition folder: the path itself, or `competitions/<name>` here or in the project.
pub fn locate(dir: &Path) -> Result<PathBuf, SetupError> {
    if dir.is_dir() {
        return Ok(dir.to_path_buf());
    }
    for base in [
        PathBuf::from("competitions"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("competitions"),
    ] {
        let p = base.join(dir);
        if p.is_dir() {
            return Ok(p);
        }
    }
    Err(SetupError::NoCompetition {
        path: dir.to_path_buf(),
    })
}

/// The LLM choices of `run`, `tui` and `resume`, as plain data (the CLI's flags fill it).
#[derive(Clone, Debug, Default)]
pub struct LlmChoice {
    /// The LLM for every role (`openai:MODEL`, `anthropic:MODEL`, `URL:MODEL`); None: offline.
    pub llm: Option<String>,
    /// `ROLE=LLM` overrides.
    pub roles: Vec<String>,
    /// A TOML file of LLM settings.
    pub config: Option<PathBuf>,
    /// At most this many calls.
    pub max_calls: Option<u32>,
    /// At most this many estimated dollars.
    pub max_usd: Option<f64>,
    /// Instructions for every role in every phase.
    pub instructions: Vec<String>,
    /// Replay this run directory's recorded replies.
    pub replay: Option<PathBuf>,
    /// When the LLM check fails, run offline instead of stopping (`--llm-fallback offline`).
    pub fallback_offline: bool,
}

/// What to run: a new run of a competition, or a resumed run directory.
pub struct Setup {
    /// The competition folder or name (new runs and replays).
    pub competition: Option<PathBuf>,
    /// Where run directories go.
    pub out: PathBuf,
    /// Seconds for the run.
    pub time_budget: f64,
    /// Seed.
    pub seed: u64,
    /// The metric the user chose (`--metric`), over the overview's and the toml's.
    pub metric: Option<MetricId>,
    /// More labelled rows to fit on (`--extra-train`).
    pub extra_train: Option<PathBuf>,
    /// Continue this run directory.
    pub resume: Option<PathBuf>,
    /// The LLM choices.
    pub llm: LlmChoice,
}

/// The run configuration and roles a setup asks for. A resumed or replayed run takes its
/// competition, seed, budget and instructions from the run directory's `spec.json`.
pub fn configure(s: Setup) -> Result<(RunConfig, Roles)> {
    let llm = llm_config(&s.llm)?;
    if let Some(dir) = &s.resume {
        let rec = SpecRecord::read(dir)?;
        let cfg = RunConfig {
            time_budget: rec.time_budget.unwrap_or(s.time_budget),
            progress: true,
            instructions: rec.instructions,
            resume: Some(dir.clone()),
            metric: Some(rec.spec.metric),
            extra_train: rec.spec.files.extra_train.map(PathBuf::from),
            ..RunConfig::new(rec.competition, s.out, rec.seed.unwrap_or(s.seed))
        };
        return live_roles(cfg, llm, s.llm.fallback_offline);
    }
    if let Some(dir) = &s.llm.replay {
        let rec = SpecRecord::read(dir)?;
        let competition = match s.competition {
            Some(c) => locate(&c)?,
            None if rec.competition.as_os_str().is_empty() => {
                return Err(SetupError::NoRecordedCompetition {
                    spec: crate::store::RunLayout::new(dir).spec(),
                }
                .into());
            }
            None => rec.competition,
        };
        let cfg = RunConfig {
            time_budget: rec.time_budget.unwrap_or(s.time_budget),
            progress: true,
            replay: Some(dir.clone()),
            instructions: rec.instructions,
            metric: s.metric.or(Some(rec.spec.metric)),
            extra_train: s
                .extra_train
                .or(rec.spec.files.extra_train.map(PathBuf::from)),
            ..RunConfig::new(competition, s.out, rec.seed.unwrap_or(s.seed))
        };
        // The record holds every call the run made; with none, the run was offline.
        let roles = if crate::store::RunLayout::new(dir).llm_log().exists() {
            Roles::llm(Arc::new(Session::replay(dir, llm)?))
        } else {
            Roles::default()
        };
        return Ok((cfg, roles));
    }
    let competition = locate(&s.competition.ok_or(SetupError::CompetitionRequired)?)?;
    let cfg = RunConfig {
        time_budget: s.time_budget,
        progress: true,
        instructions: s.llm.instructions.clone(),
        metric: s.metric,
        extra_train: s.extra_train.map(|f| std::path::absolute(&f).unwrap_or(f)),
        ..RunConfig::new(competition, s.out, s.seed)
    };
    live_roles(cfg, llm, s.llm.fallback_offline)
}

fn llm_config(a: &LlmChoice) -> Result<LlmConfig, SetupError> {
    let mut llm = match &a.config {
        Some(p) => LlmConfig::from_file(p)?,
        None => LlmConfig::default(),
    };
    if let Some(m) = &a.llm {
        llm.llm = Some(m.clone());
    }
    for r in &a.roles {
        let Some((role, model)) = r.split_once('=') else {
            return Err(SetupError::LlmRole(r.clone()));
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
    Ok(llm)
}

/// LLM roles when the config names any LLM, else the offline policy. Every endpoint is checked
/// first (key, reachable, model known): a failure stops here with its fix, or, with
/// `fallback_offline`, the run goes on offline and says so.
fn live_roles(
    mut cfg: RunConfig,
    llm: LlmConfig,
    fallback_offline: bool,
) -> Result<(RunConfig, Roles)> {
    llm.check().map_err(SetupError::LlmConfig)?;
    if probe::endpoints(&llm).is_empty() {
        return Ok((cfg, Roles::default()));
    }
    if let Err(e) = probe::check(&llm) {
        if !fallback_offline {
            return Err(SetupError::Endpoint(e).into());
        }
        eprintln!("warning: {e}; running offline (--llm-fallback offline)");
        cfg.llm_unused = Some(e.to_string());
        return Ok((cfg, Roles::default()));
    }
    let session = Session::new(llm)?;
    Ok((cfg, Roles::llm(Arc::new(session))))
}
