//! End-to-end tests of the binary and the orchestrator.

mod cli;
mod llm;
mod pipeline;
mod real_llm;
mod report;
mod resume;
