//! The dispatch from parsed flags to the command that does the work. Each command returns what it
//! prints on standard output; progress and notes go to standard error as they happen.

use anyhow::Result;

use super::{Cli, Command, bench, kaggle, listing, model, running};
use crate::config::{Setup, locate};

/// Runs a parsed command; its output, for `main` to print (empty for the interactive ones).
pub fn run(cli: Cli) -> Result<String> {
    match cli.command {
        Command::Inspect {
            dir,
            no_profile,
            metric,
        } => crate::inspect::inspect(&locate(&dir)?, !no_profile, metric)
            .map(|()| String::new())
            .map_err(Into::into),
        Command::Metrics => Ok(listing::metrics()),
        Command::Families { json } => listing::families(json),
        Command::Tools { json } => listing::tools(json),
        Command::Gates => Ok(listing::gates()),
        Command::Download {
            slug,
            out,
            force,
            api_url,
        } => kaggle::download(&slug, out, force, api_url.as_deref()),
        Command::Submit {
            run_dir,
            message,
            competition,
            api_url,
        } => kaggle::submit(
            &run_dir,
            &message,
            competition.as_deref(),
            api_url.as_deref(),
        ),
        Command::Run {
            competition,
            out,
            time_budget,
            seed,
            metric,
            extra_train,
            llm,
        } => running::run(Setup {
            competition,
            out,
            time_budget,
            seed,
            metric,
            extra_train,
            resume: None,
            llm: llm.into(),
        }),
        Command::Tui(a) => running::tui(a),
        Command::Resume { run_dir, llm } => running::resume(run_dir, llm.into()),
        Command::Report { run_dir } => running::report(&run_dir),
        Command::Demo { out, seed } => running::demo(&out, seed),
        Command::Bench(a) => bench::sweep(a),
        Command::BenchOne {
            competition,
            holdout,
            seed,
            out,
            time_budget,
        } => bench::one(&competition, holdout, seed, &out, time_budget),
        Command::BenchScore {
            competition,
            split,
            submission,
        } => bench::score(&competition, &split, &submission),
        Command::Mcp { out } => Ok(crate::mcp::serve(&out).map(|()| String::new())?),
        Command::Predict {
            run_dir,
            input,
            output,
        } => model::predict(&run_dir, &input, &output),
        Command::Apply {
            competition,
            program,
            out,
            seed,
        } => model::apply(&competition, &program, &out, seed),
    }
}
