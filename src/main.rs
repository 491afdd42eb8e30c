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
            eprintln!("error: {}", said_once(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined with ": ", each said once: the library's typed errors already
/// include their cause's text (so a TUI or an MCP client that shows one line loses nothing), and
/// the CLI's added context does not.
fn said_once(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if !msg.contains(&c) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&c);
        }
    }
    msg
}
