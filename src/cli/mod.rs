//! Command-line interface: every flag in one place.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use autokaggle_toolkit::registry;

use crate::config::{DEFAULT_SEED, DEFAULT_TIME_BUDGET, LlmChoice, Setup, configure, locate};
use crate::orchestrator;

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
    /// Hold out part of train for every competition with data, run, and score the holdout.
    Bench {
        /// Folder of competitions (each with a competition.toml or raw files).
        #[arg(long, default_value = "competitions")]
        competitions: PathBuf,
        /// Fraction of train held out as labelled test.
        #[arg(long, default_value_t = 0.2)]
        holdout: f64,
        /// Seed.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Where run directories go.
        #[arg(long, default_value = "runs/bench")]
        out: PathBuf,
        /// Write the markdown table here too.
        #[arg(long)]
        table: Option<PathBuf>,
        /// Seconds per run.
        #[arg(long, default_value_t = DEFAULT_TIME_BUDGET)]
        time_budget: f64,
    },
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

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Inspect { dir, no_profile } => {
            crate::inspect::inspect(&locate(&dir)?, !no_profile)
        }
        Command::Tools { json } => {
            if json {
                let specs: Vec<_> = registry::TOOLS.iter().map(|t| t.spec()).collect();
                println!("{}", serde_json::to_string_pretty(&specs)?);
            } else {
                for t in registry::TOOLS {
                    let s = t.spec();
                    let first = s.description.split(". ").next().unwrap_or("");
                    println!(
                        "{:<22} {:<9} {}",
                        s.name,
                        format!("{:?}", s.category).to_lowercase(),
                        first
                    );
                }
                println!(
                    "\n{} tools; `autokaggle tools --json` prints their argument schemas",
                    registry::TOOLS.len()
                );
            }
            Ok(())
        }
        Command::Download {
            slug,
            out,
            force,
            api_url,
        } => {
            crate::kaggle::check_slug(&slug)?;
            let kaggle = crate::kaggle::Kaggle::new(
                &crate::kaggle::api_url(api_url.as_deref()),
                crate::kaggle::Credentials::load()?,
            )?;
            let dest = out.unwrap_or_else(|| Path::new("competitions").join(&slug));
            let mut shown = crate::kaggle::DownloadProgress::new(&slug);
            let got = crate::kaggle::download(&kaggle, &slug, &dest, force, &mut |done, total| {
                shown.show(done, total)
            })?;
            shown.finish();
            for (name, size) in &got.files {
                println!("{:>12}  {name}", size);
            }
            if !got.overview {
                eprintln!(
                    "note: Kaggle's listing has no description of {slug}; overview.txt not written"
                );
            }
            println!(
                "downloaded to {}; next: autokaggle run --competition {}",
                got.dir.display(),
                got.dir.display()
            );
            Ok(())
        }
        Command::Submit {
            run_dir,
            message,
            competition,
            api_url,
        } => {
            let kaggle = crate::kaggle::Kaggle::new(
                &crate::kaggle::api_url(api_url.as_deref()),
                crate::kaggle::Credentials::load()?,
            )?;
            let done =
                crate::kaggle::submit_run(&kaggle, &run_dir, competition.as_deref(), &message)?;
            println!("{}: {}", done.competition, done.answer);
            Ok(())
        }
        Command::Run {
            competition,
            out,
            time_budget,
            seed,
            llm,
        } => {
            let (cfg, roles) = configure(Setup {
                competition,
                out,
                time_budget,
                seed,
                resume: None,
                llm: llm.into(),
            })?;
            let summary = orchestrator::run_with(&cfg, &roles)?;
            println!("{}", orchestrator::table(&summary));
            println!("report: {}", summary.run_dir.join("report.md").display());
            Ok(())
        }
        Command::Tui(a) => {
            let out = match &a.resume {
                Some(d) => parent(d),
                None => a.out,
            };
            let (cfg, roles) = configure(Setup {
                competition: a.competition,
                out,
                time_budget: a.time_budget,
                seed: a.seed,
                resume: a.resume,
                llm: a.llm.into(),
            })?;
            crate::tui::run(cfg, roles, a.auto)
        }
        Command::Resume { run_dir, llm } => {
            let (cfg, roles) = configure(Setup {
                competition: None,
                out: parent(&run_dir),
                time_budget: DEFAULT_TIME_BUDGET,
                seed: DEFAULT_SEED,
                resume: Some(run_dir),
                llm: llm.into(),
            })?;
            let summary = orchestrator::run_with(&cfg, &roles)?;
            println!("{}", orchestrator::table(&summary));
            Ok(())
        }
        Command::Report { run_dir } => {
            let path = crate::report::html::build(&run_dir)?;
            println!("{}", path.display());
            Ok(())
        }
        Command::Demo { out, seed } => {
            let (summary, accuracy, dir) = crate::demo::run(&out, seed, true)?;
            println!("{}", orchestrator::table(&summary));
            println!("demo competition: {}", dir.display());
            println!("accuracy on the hidden test labels: {accuracy:.4}");
            println!(
                "submission: {}\nreport: {}",
                summary.submission.display(),
                summary.run_dir.join("report.md").display()
            );
            Ok(())
        }
        Command::Bench {
            competitions,
            holdout,
            seed,
            out,
            table,
            time_budget,
        } => {
            if !(0.05..=0.5).contains(&holdout) {
                bail!("--holdout {holdout} is outside 0.05..=0.5");
            }
            let rows = crate::bench::bench_all(&competitions, holdout, seed, &out, time_budget)?;
            let t = crate::bench::table(&rows, holdout);
            println!("{t}");
            if let Some(p) = table {
                std::fs::write(&p, &t).with_context(|| format!("writing {}", p.display()))?;
            }
            Ok(())
        }
        Command::BenchOne {
            competition,
            holdout,
            seed,
            out,
            time_budget,
        } => {
            let row = crate::bench::bench_one(&competition, holdout, seed, &out, time_budget)?;
            println!("{}", serde_json::to_string(&row)?);
            Ok(())
        }
        Command::Gates => {
            for g in crate::gates::GATES {
                let phases: Vec<&str> = g.phases().iter().map(|p| p.slug()).collect();
                println!(
                    "{:<28} {}
{:<28} phases: {}",
                    g.name,
                    g.doc,
                    "",
                    phases.join(", ")
                );
            }
            Ok(())
        }
        Command::Apply {
            competition,
            program,
            out,
            seed,
        } => {
            let ds = autokaggle_toolkit::Dataset::open(&locate(&competition)?)?;
            let text = std::fs::read_to_string(&program)
                .with_context(|| format!("reading {}", program.display()))?;
            let prog = autokaggle_toolkit::Program::from_json(&text)
                .with_context(|| format!("in {}", program.display()))?;
            prog.validate(&ds, None, seed)?;
            let (res, logs) = prog.run(&ds, seed, &mut |i, t| {
                eprintln!("[{}/{}] {t}", i + 1, prog.steps.len())
            })?;
            for l in &logs {
                println!("{l}");
            }
            std::fs::create_dir_all(&out)?;
            autokaggle_toolkit::frame::write_csv(&res.train, &out.join("train.csv"))?;
            autokaggle_toolkit::frame::write_csv(&res.test, &out.join("test.csv"))?;
            println!(
                "wrote {} and {}",
                out.join("train.csv").display(),
                out.join("test.csv").display()
            );
            Ok(())
        }
    }
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
    #[command(flatten)]
    pub llm: LlmArgs,
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
    /// A TOML file with `llm`, `[roles]`, `[budget]`, `[client]` and `[prices]` (see README).
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

/// The folder a run directory is in (where a resumed run's directory stays).
fn parent(run_dir: &Path) -> PathBuf {
    run_dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
