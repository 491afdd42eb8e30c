//! The `autokaggle` binary: parse flags, run the command, turn errors into a message and exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = autokaggle::cli::Cli::parse();
    match autokaggle::cli::run(cli) {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
