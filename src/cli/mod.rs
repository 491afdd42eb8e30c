//! Command-line interface: every flag in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod bench;
mod dispatch;
mod kaggle;
mod listing;
mod model;
mod running;
pub use dispatch::run;

use autokaggle_toolkit::MetricId;

use crate::config::{DEFAULT_SEED, DEFAULT_TIME_BUDGET, LlmChoice};

/// A `--metric` value that is not a registry name.
#[derive(Debug, thiserror::Error)]
#[error("unknown metric `{0}`; one of: {names}", names = MetricId::names())]
struct UnknownMetric(String);

/// A `--metric` value: a registry name, or the list of names.
fn parse_metric(s: &str) -> Result<MetricId, UnknownMetric> {
    MetricId::named(s).ok_or_else(|| UnknownMetric(s.to_string()))
}

/// Carries a tabular Kaggle competition, phase by phase, to a valid submission and a report.
#[derive(Debug, Parser)]
#[command(name = "autokaggle", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a competition's spec (read from competition.toml or inferred from the files, with the
    /// reason for each value) and a profile of its data.
    Inspect {
        /// A competition folder (with competition.toml or train/test/sample_submission CSVs), or the
        /// name of one under competitions/.
        dir: PathBuf,
        /// Skip the data profile.
        #[arg(long)]
        no_profile: bool,
        /// The competition's metric, over the overview's and competition.toml's (e.g. `mcc`,
        /// `map_at_3`, `rmsle`; `autokaggle metrics` lists them).
        #[arg(long, value_parser = parse_metric)]
        metric: Option<MetricId>,
    },
    /// List the metrics: name, direction, the tasks each scores, its submission and how it is fitted.
    Metrics,
    /// List the model families a search plan may name, each with its default settings.
    Families {
        /// Print each family's name, note, defaults and the JSON schema of its settings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the toolkit's tools.
    Tools {
        /// Print every tool's name, phase, description and JSON schema as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run every phase on a competition, headless, ending in a submission and a report.
    Run {
        /// The competition folder (or name under competitions/); with --replay, the recorded one.
        #[arg(long, required_unless_present = "replay")]
        competition: Option<PathBuf>,
        /// Where run directories go.
        #[arg(long, default_value = "runs")]
        out: PathBuf,
        /// Seconds for the whole run; the model search stops trying candidates beyond it.
        #[arg(long, default_value_t = DEFAULT_TIME_BUDGET)]
        time_budget: f64,
        /// Seed for folds and models (with --replay, the recorded one).
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// The competition's metric, over the overview's and competition.toml's (e.g. `mcc`,
        /// `map_at_3`, `rmsle`; `autokaggle metrics` lists them).
        #[arg(long, value_parser = parse_metric)]
        metric: Option<MetricId>,
        /// More labelled rows to fit on, such as a Playground competition's original dataset: a
        /// CSV whose columns are named as train's. Every fold fits on them; none holds them out.
        #[arg(long, value_name = "FILE")]
        extra_train: Option<PathBuf>,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Run with a person at the helm: the screen shows every phase, and the run waits for you after
    /// each plan and after each phase's gates (approve, edit the plan or program, instruct, redo,
    /// skip an EDA phase, quit and resume later).
    Tui(TuiArgs),
    /// Continue a run directory from its last finished phase (e.g. after a crash or a kill).
    Resume {
        /// The run directory.
        run_dir: PathBuf,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Rebuild `report.html` of a finished run directory.
    Report {
        /// The run directory (holds summary.json).
        run_dir: PathBuf,
    },
    /// Build a small competition from a dataset shipped inside a dependency and run it end to end.
    Demo {
        /// Where the demo competition and its run directory go.
        #[arg(long, default_value = "runs")]
        out: PathBuf,
        /// Seed for the split, folds and models.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// Hold out part of train for every competition with data, run, and score the holdout; with
    /// `--suite`, over the suite's competitions too, on several seeded splits each (docs/bench.md).
    Bench(BenchArgs),
    /// One bench run, in this process, printed as JSON (used by `bench`).
    #[command(hide = true)]
    BenchOne {
        #[arg(long)]
        competition: PathBuf,
        #[arg(long)]
        holdout: f64,
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        time_budget: f64,
    },
    /// Score a submission for a split that `bench` wrote (runs/bench/splits/NAME) with the
    /// competition's metric, as the bench table scores ours; prints the metric and the score.
    BenchScore {
        /// The competition's folder.
        #[arg(long)]
        competition: PathBuf,
        /// The split's folder (with train.csv and holdout.csv).
        #[arg(long)]
        split: PathBuf,
        /// The submission CSV to score.
        #[arg(long)]
        submission: PathBuf,
    },
    /// Download a competition's files and overview from Kaggle (credentials from KAGGLE_USERNAME and
    /// KAGGLE_KEY or ~/.kaggle/kaggle.json). An interrupted download resumes when run again.
    Download {
        /// The competition's slug: the last part of its URL, e.g. `titanic`.
        slug: String,
        /// The folder to put the files in (default: competitions/SLUG).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace a folder that already holds files.
        #[arg(long)]
        force: bool,
        /// Kaggle's API root (default: AUTOKAGGLE_KAGGLE_API or https://www.kaggle.com/api/v1).
        #[arg(long)]
        api_url: Option<String>,
    },
    /// Submit a run's submission.csv to Kaggle with a message; recorded in the run's submissions.json.
    Submit {
        /// The run directory.
        run_dir: PathBuf,
        /// What this submission is (shown on Kaggle's submissions page).
        #[arg(short, long)]
        message: String,
        /// The competition slug (default: the competition the run was on).
        #[arg(long)]
        competition: Option<String>,
        /// Kaggle's API root (default: AUTOKAGGLE_KAGGLE_API or https://www.kaggle.com/api/v1).
        #[arg(long)]
        api_url: Option<String>,
    },
    /// List the phase gates.
    Gates,
    /// Serve MCP over stdio for coding agents: inspect, run (with progress and cancellation),
    /// status, report, predict, apply, and every toolkit tool.
    Mcp {
        /// Folder for run directories and applied programs.
        #[arg(long, default_value = "runs")]
        out: PathBuf,
    },
    /// Score new rows with a finished run's saved model (`<run>/model/`): the cleaning and feature
    /// programs as fitted, then the blend, written in the sample submission's format.
    Predict {
        /// The run directory (or its model/ folder).
        run_dir: PathBuf,
        /// A CSV with the columns test had (extra columns are ignored).
        #[arg(long)]
        input: PathBuf,
        /// Where to write the predictions.
        #[arg(long, default_value = "predictions.csv")]
        output: PathBuf,
    },
    /// Apply a program (JSON list of tool calls) to a competition and write the result as Parquet/CSV.
    Apply {
        /// The competition folder or name.
        #[arg(long)]
        competition: PathBuf,
        /// The program file (JSON).
        #[arg(long)]
        program: PathBuf,
        /// Output folder for train and test (CSV).
        #[arg(long, default_value = "applied")]
        out: PathBuf,
        /// Seed for folds and models.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
}

/// The options of `tui`: `run`'s, plus a run directory to resume and auto-continue.
#[derive(clap::Args, Debug)]
pub struct TuiArgs {
    /// The competition folder (or name under competitions/).
    #[arg(long, required_unless_present = "resume")]
    pub competition: Option<PathBuf>,
    /// Continue this run directory instead (from its last finished phase).
    #[arg(long, conflicts_with = "competition")]
    pub resume: Option<PathBuf>,
    /// Where run directories go.
    #[arg(long, default_value = "runs")]
    pub out: PathBuf,
    /// Seconds for the whole run's model search.
    #[arg(long, default_value_t = DEFAULT_TIME_BUDGET)]
    pub time_budget: f64,
    /// Seed for folds and models.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Approve every stop without waiting (toggle with `c` in the app).
    #[arg(long)]
    pub auto: bool,
    /// The competition's metric, over the overview's and competition.toml's.
    #[arg(long, value_parser = parse_metric)]
    pub metric: Option<MetricId>,
    /// More labelled rows to fit on (a CSV with train's column names); none is ever held out.
    #[arg(long, value_name = "FILE")]
    pub extra_train: Option<PathBuf>,
    #[command(flatten)]
    pub llm: LlmArgs,
}

/// The options of `bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Folder of competitions (each with a competition.toml or raw files).
    #[arg(long, default_value = "competitions")]
    pub competitions: PathBuf,
    /// The suite's folder (bench/make_suite.py builds it): run it and `--competitions` on
    /// `--seeds` splits each, resumably, into `--out` (default runs/suite).
    #[arg(long)]
    pub suite: Option<PathBuf>,
    /// With `--suite`: its folder alone, without `--competitions` (how the check set is run).
    #[arg(long, requires = "suite", conflicts_with = "competitions")]
    pub suite_only: bool,
    /// Seeded splits per competition in a suite sweep (one for the largest and time-ordered).
    #[arg(long, default_value_t = 3)]
    pub seeds: usize,
    /// The name a suite sweep records our runs under (compare two versions in one table).
    #[arg(long, default_value = "autokaggle")]
    pub label: String,
    /// Fraction of train held out as labelled test.
    #[arg(long, default_value_t = 0.2)]
    pub holdout: f64,
    /// Seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Where run directories go (default runs/bench, or runs/suite with `--suite`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the markdown table here too.
    #[arg(long)]
    pub table: Option<PathBuf>,
    /// With `--suite`: print the table of what `<out>/results.jsonl` holds, running nothing (for a
    /// sweep still going in another process, or a file references were added to).
    #[arg(long, requires = "suite")]
    pub no_run: bool,
    /// With `--suite`: after the table, the rule for defaults (docs/bench.md) read for `--label`
    /// against this label, paired on the splits both ran.
    #[arg(long, requires = "suite", value_name = "LABEL")]
    pub against: Option<String>,
    /// Seconds per run.
    #[arg(long, default_value_t = DEFAULT_TIME_BUDGET)]
    pub time_budget: f64,
}

/// The LLM options of `run` and `tui`.
#[derive(clap::Args, Debug, Default)]
pub struct LlmArgs {
    /// The LLM for every role: openai:MODEL, anthropic:MODEL, http://HOST:PORT/v1:MODEL
    /// (OpenAI-compatible: Ollama, vLLM, llama.cpp) or anthropic+URL:MODEL. Default: offline.
    #[arg(long)]
    pub llm: Option<String>,
    /// One role's LLM, e.g. `developer=openai:gpt-4o` or `reviewer=offline` (repeatable).
    #[arg(long = "llm-role", value_name = "ROLE=LLM")]
    pub llm_role: Vec<String>,
    /// A TOML file with `llm`, `[roles]`, `[budget]`, `[client]` and `[prices]` (see docs/llm.md).
    #[arg(long)]
    pub llm_config: Option<PathBuf>,
    /// At most this many LLM calls (then the offline policy answers).
    #[arg(long)]
    pub max_calls: Option<u32>,
    /// At most this many estimated dollars.
    #[arg(long)]
    pub max_usd: Option<f64>,
    /// An instruction for the agents, in force in every phase, e.g. "Cabin is deck/num/side"
    /// (repeatable; the offline policy notes it in its plans).
    #[arg(long)]
    pub instruction: Vec<String>,
    /// Re-run from a run directory's recorded LLM replies (`llm.jsonl`), with no network.
    #[arg(long, value_name = "RUN_DIR")]
    pub replay: Option<PathBuf>,
    /// When the LLM's key, URL or model fails the check before phase 1, run with the offline
    /// policy instead of stopping (the report says so at the top).
    #[arg(long, value_enum, value_name = "offline")]
    pub llm_fallback: Option<LlmFallback>,
}

/// What to do when the LLM check fails.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LlmFallback {
    /// Run every role with the offline policy.
    Offline,
}

impl From<LlmArgs> for LlmChoice {
    fn from(a: LlmArgs) -> Self {
        Self {
            llm: a.llm,
            roles: a.llm_role,
            config: a.llm_config,
            max_calls: a.max_calls,
            max_usd: a.max_usd,
            instructions: a.instruction,
            replay: a.replay,
            fallback_offline: a.llm_fallback == Some(LlmFallback::Offline),
        }
    }
}
