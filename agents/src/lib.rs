//! # autokaggle-agents
//!
//! The agents' brains. Each of the five roles (reader, planner, developer, reviewer, summarizer) is a
//! trait; the built-in [`offline::OfflinePolicy`] implements all of them from the data profile, needs
//! no network, and is what any LLM backend must beat (and falls back to). [`llm::LlmAgent`] implements
//! them over an OpenAI-compatible or Anthropic endpoint.
#![deny(missing_docs)]

pub mod llm;
pub mod offline;
pub use autokaggle_core::phase;
pub mod roles;

pub use phase::Phase;
pub use roles::{Developer, Planner, Reader, Reading, Review, Reviewer, Summarizer, Work};
