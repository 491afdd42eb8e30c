//! End-to-end tests of the binary and the orchestrator.

mod bench;
mod budget;
mod cli;
mod http;
mod kaggle;
mod llm;
mod mcp;
mod metrics;
mod pipeline;
mod predict;
mod proposals;
mod real_llm;
mod registries;
mod report;
mod resume;
mod tui;
