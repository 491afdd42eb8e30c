//! Who does a run's thinking: the five roles (the offline policy, or LLM agents that fall back to
//! it), the LLM session behind them, and the person at the helm, if any. Built by `config`, used by
//! the orchestrator.

use std::sync::Arc;

use autokaggle_agents::llm::{LlmAgent, Session};
use autokaggle_agents::offline::OfflinePolicy;
use autokaggle_agents::{Developer, Planner, Reader, Reviewer, Summarizer};

use crate::steer::Steer;

/// The roles a run uses: the offline policy, or LLM agents (which fall back to it) over a session.
pub struct Roles {
    /// Reader.
    pub reader: Box<dyn Reader>,
    /// Planner.
    pub planner: Box<dyn Planner>,
    /// Developer.
    pub developer: Box<dyn Developer>,
    /// Reviewer.
    pub reviewer: Box<dyn Reviewer>,
    /// Summarizer.
    pub summarizer: Box<dyn Summarizer>,
    /// The LLM session behind LLM roles (usage, `llm.jsonl`, notes).
    pub llm: Option<Arc<Session>>,
    /// The person at the helm (the TUI): told everything, asked at two stops per phase. None: the
    /// run's progress goes to stderr when the config asks for it.
    pub human: Option<Arc<dyn Steer>>,
}

impl Default for Roles {
    fn default() -> Self {
        Self {
            reader: Box::new(OfflinePolicy),
            planner: Box::new(OfflinePolicy),
            developer: Box::new(OfflinePolicy),
            reviewer: Box::new(OfflinePolicy),
            summarizer: Box::new(OfflinePolicy),
            llm: None,
            human: None,
        }
    }
}

impl Roles {
    /// Every role over an LLM session; roles the config leaves offline use the offline policy.
    pub fn llm(session: Arc<Session>) -> Self {
        let agent = || Box::new(LlmAgent::new(session.clone()));
        Self {
            reader: agent(),
            planner: agent(),
            developer: agent(),
            reviewer: agent(),
            summarizer: agent(),
            llm: Some(session.clone()),
            human: None,
        }
    }
}
