//! What each command does: the dispatch from parsed flags to the library.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use autokaggle_toolkit::registry;

use super::{Cli, Command};
use crate::config::{DEFAULT_SEED, DEFAULT_TIME_BUDGET, Setup, configure, locate};
use crate::orchestrator;

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Inspect {
            dir,
            no_profile,
            metric,
        } => crate::inspect::inspect(&locate(&dir)?, !no_profile, metric),
        Command::Metrics => {
            println!("{}", crate::inspect::metrics_table());
            Ok(())
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
            metric,
            llm,
        } => {
            let (cfg, roles) = configure(Setup {
                competition,
                out,
                time_budget,
                seed,
                metric,
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
                metric: a.metric,
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
                metric: None,
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
            suite,
            seeds,
            label,
            holdout,
            seed,
            out,
            table,
            time_budget,
        } => {
            if !(0.05..=0.5).contains(&holdout) {
                bail!("--holdout {holdout} is outside 0.05..=0.5");
            }
            let t = if let Some(suite) = suite {
                let out = out.unwrap_or_else(|| PathBuf::from("runs/suite"));
                let roots = [competitions, suite];
                let entries = crate::bench::suite::plan(&roots, seeds, seed, &out)?;
                let records =
                    crate::bench::suite::run(&entries, &label, holdout, &out, time_budget)?;
                crate::bench::report_table(&entries, &records, &label)
            } else {
                let out = out.unwrap_or_else(|| PathBuf::from("runs/bench"));
                let rows =
                    crate::bench::bench_all(&competitions, holdout, seed, &out, time_budget)?;
                crate::bench::table(&rows, holdout)
            };
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
        Command::BenchScore {
            competition,
            split,
            submission,
        } => {
            let (metric, s) = crate::bench::score_split(&competition, &split, &submission)?;
            println!("{metric} {:.6} {:.6}", s.score, s.normalized);
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
        Command::Mcp { out } => crate::mcp::serve(&out),
        Command::Predict {
            run_dir,
            input,
            output,
        } => {
            let model = crate::Model::load(&run_dir)?;
            let m = model.manifest();
            eprintln!(
                "predicting {} with the model of {} ({} program(s), {} blended model(s), trained on {})",
                input.display(),
                m.competition,
                m.programs.len(),
                m.members.len(),
                m.train_file
            );
            let p = model.predict_csv(&input, &output, &mut |s| eprintln!("  {s}"))?;
            for n in &p.notes {
                eprintln!("note: {n}");
            }
            println!(
                "wrote {} ({} rows in {:.2}s)",
                output.display(),
                p.rows,
                p.seconds
            );
            Ok(())
        }
        Command::Apply {
            competition,
            program,
            out,
            seed,
        } => {
            let text = std::fs::read_to_string(&program)
                .with_context(|| format!("reading {}", program.display()))?;
            let prog = autokaggle_toolkit::Program::from_json(&text)
                .with_context(|| format!("in {}", program.display()))?;
            let n = prog.steps.len();
            let a = crate::apply::apply(&competition, &prog, seed, |_| out, &mut |i, t| {
                eprintln!("[{}/{n}] {t}", i + 1)
            })?;
            for l in &a.logs {
                println!("{l}");
            }
            println!("wrote {} and {}", a.train.display(), a.test.display());
            Ok(())
        }
    }
}

/// The folder a run directory is in (where a resumed run's directory stays).
fn parent(run_dir: &Path) -> PathBuf {
    run_dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
