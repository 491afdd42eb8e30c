//! LLM-backed roles: configuration, the HTTP client, JSON extraction, the per-run session (budgets,
//! usage, `llm.jsonl`, replay) and the agent that implements every role with the offline policy as
//! its fallback.

pub mod agent;
pub mod client;
pub mod config;
pub mod error;
pub mod http;
pub mod json;
pub mod probe;
pub mod prompts;
pub mod proposals;
pub mod providers;
pub mod replies;
pub mod session;
pub mod signatures;

pub use agent::LlmAgent;
pub use config::{Endpoint, LlmConfig, Provider};
pub use error::{ConfigError, MissingKey, ReplyError, SessionError};
pub use session::{Ledger, Session, Usage};
