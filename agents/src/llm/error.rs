//! What can go wrong before an LLM is asked anything: a config that cannot be read or names a
//! model badly, a key that is not set, a recorded run that cannot be replayed. Each error carries
//! the file, line, role or variable it is about, so its message says where to look and what to fix.

use std::path::PathBuf;

/// How an LLM is named, said by every naming error.
pub const USAGE: &str = "write openai:MODEL, anthropic:MODEL, http://HOST:PORT/PATH:MODEL (OpenAI-compatible) or anthropic+http://HOST:PORT/PATH:MODEL";

/// A config file or an LLM name that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("{}: cannot read the LLM config: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML for a config (the message names line and field).
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why.
        source: Box<toml::de::Error>,
    },
    /// An LLM name that is none of the accepted shapes.
    #[error("unknown LLM `{name}`: {USAGE}")]
    Unknown {
        /// The name as written.
        name: String,
    },
    /// A URL with no path before the model.
    #[error("LLM `{name}` has no path before the model: {USAGE}")]
    NoPath {
        /// The name as written.
        name: String,
    },
    /// A name with no model after the endpoint.
    #[error("LLM `{name}` names no model: {USAGE}")]
    NoModel {
        /// The name as written.
        name: String,
    },
    /// A role's LLM name is wrong.
    #[error("role {role}: {source}")]
    Role {
        /// The role.
        role: String,
        /// What is wrong with its LLM.
        source: Box<ConfigError>,
    },
    /// `[roles]` names a role that does not exist.
    #[error("unknown role `{role}` in [roles]; the roles are {}", crate::roles::ROLES.join(", "))]
    UnknownRole {
        /// The role as written.
        role: String,
    },
}

/// A remote endpoint's API key variable is unset or empty.
#[derive(Debug, thiserror::Error)]
#[error("set the environment variable {var} to use {model}")]
pub struct MissingKey {
    /// The variable.
    pub var: String,
    /// The model that needs it.
    pub model: String,
}

/// A session that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The config is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not start (its runtime or TLS).
    #[error("cannot start the HTTP client: {0}")]
    Http(String),
    /// The recorded calls of a run could not be read.
    #[error("{}: cannot read the recorded LLM calls: {source}", path.display())]
    ReadRecord {
        /// The run's `llm.jsonl`.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A recorded call is not a record (not the last line, which a killed run may leave partial).
    #[error("{}: line {line}: {source}", path.display())]
    Record {
        /// The run's `llm.jsonl`.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// Why.
        source: serde_json::Error,
    },
}

/// Why an LLM's reply cannot be used: said back to it in its one fix turn, and in the run's notes
/// when the offline policy answers instead.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// Nothing but white space.
    #[error("the reply was empty; answer with a JSON object")]
    Empty,
    /// No object or array anywhere in the text.
    #[error("no JSON object found in the reply; answer with a JSON object")]
    NoJson,
    /// Something like JSON that no repair could parse.
    #[error("the reply's JSON is invalid: {0}")]
    InvalidJson(serde_json::Error),
    /// JSON of the wrong shape for its role.
    #[error("the reply does not fit: {0}")]
    Shape(serde_json::Error),
    /// A field the reply needs is empty.
    #[error("\"{0}\" is empty")]
    EmptyField(&'static str),
    /// A search naming no model family.
    #[error("\"families\" is empty; name at least one of {0}")]
    NoFamily(String),
    /// A program the toolkit refuses (its message names the step, tool and argument).
    #[error(transparent)]
    Program(#[from] autokaggle_toolkit::ToolkitError),
    /// A `feature_search` step whose arguments cannot take the proposals.
    #[error("{0}")]
    SearchArgs(&'static str),
    /// Feature proposals that are not proposals.
    #[error("\"proposals\": {0}")]
    Proposals(String),
}
