//! The provider-neutral side of a call: the request and reply, why a call fails, the transport
//! trait one try goes through ([`super::http::Http`] over the network), and retries with backoff and
//! jitter on 429, 5xx, timeouts and dropped connections, honouring Retry-After.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config::{ClientOptions, Endpoint};

/// One chat turn.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Message {
    /// `user` or `assistant`.
    pub role: String,
    /// Text.
    pub content: String,
}

impl Message {
    /// A user turn.
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: "user".into(),
            content: content.into(),
        }
    }
    /// An assistant turn.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: "assistant".into(),
            content: content.into(),
        }
    }
}

/// What is sent: a system prompt, the shared context, the turns, and the JSON schema the reply
/// should follow. The system prompt and the context are the same for every role of a phase and come
/// first, so providers can cache them (OpenAI does so by itself; Anthropic is told with
/// `cache_control`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Request {
    /// System prompt (the same for every role).
    pub system: String,
    /// The competition, the phase and the data profile, sent before the first turn.
    #[serde(default)]
    pub prefix: String,
    /// Turns, oldest first.
    pub messages: Vec<Message>,
    /// Name and JSON schema of the expected reply.
    pub schema: Option<(String, Value)>,
}

/// What comes back.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reply {
    /// The model's text.
    pub text: String,
    /// Prompt tokens as the server counted them (cached ones included).
    pub input_tokens: u64,
    /// Prompt tokens the server read from its cache.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
}

/// Why a call gave no usable reply.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind", content = "message")]
pub enum CallError {
    /// The server answered with an HTTP error; `body` is the whole body it sent.
    #[error("HTTP {status}: {}", excerpt(body))]
    Http {
        /// The status code and reason.
        status: String,
        /// The body, whole.
        body: String,
    },
    /// No complete answer within the timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// Connection refused, reset or dropped.
    #[error("network: {0}")]
    Network(String),
    /// A 200 whose body is not a chat reply (HTML, an error object, no text); `body` is all of it.
    #[error("unusable reply: {why}: {}", excerpt(body))]
    BadReply {
        /// What is wrong with it.
        why: String,
        /// The body, whole.
        body: String,
    },
    /// The key's environment variable is not set.
    #[error("no API key: {0}")]
    NoKey(String),
    /// A run budget is spent.
    #[error("budget spent: {0}")]
    Budget(String),
    /// Replaying a recorded run and the record does not match.
    #[error("replay: {0}")]
    Replay(String),
}

impl CallError {
    /// The server's whole body, for errors that carry one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Self::Http { body, .. } | Self::BadReply { body, .. } => Some(body),
            _ => None,
        }
    }
}

/// The first 300 characters of a body on one line, for messages (the error keeps all of it).
fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(300).collect();
    t.replace('\n', " ")
}

/// One try's failure, and whether another try may help.
pub struct Failure {
    /// The error.
    pub error: CallError,
    /// Whether to retry.
    pub retryable: bool,
    /// Seconds the server asked us to wait.
    pub retry_after: Option<f64>,
}

impl Failure {
    /// A failure the server gave no wait for.
    pub fn new(error: CallError, retryable: bool) -> Self {
        Self {
            error,
            retryable,
            retry_after: None,
        }
    }
}

/// Sends one request (no retries).
pub trait Transport: Send + Sync {
    /// One try, with the key already read from the environment.
    fn send(
        &self,
        ep: &Endpoint,
        req: &Request,
        key: Option<&str>,
        opts: &ClientOptions,
        timeout: Duration,
    ) -> Result<Reply, Failure>;
}

/// A jitter source that needs no seed from the caller (the run's own randomness stays untouched).
fn jitter() -> f64 {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(n % 1000) / 1000.0
}

/// Tries a request until it succeeds, fails for good, runs out of retries or reaches `deadline`.
/// Returns the outcome and the number of tries.
pub fn with_retries(
    t: &dyn Transport,
    ep: &Endpoint,
    req: &Request,
    key: Option<&str>,
    opts: &ClientOptions,
    deadline: Instant,
) -> (Result<Reply, CallError>, u32) {
    let mut tries = 0;
    loop {
        tries += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (
                Err(CallError::Budget(
                    "the LLM wall-time budget is spent".into(),
                )),
                tries - 1,
            );
        }
        let timeout = left.min(Duration::from_secs_f64(opts.timeout.max(0.1)));
        match t.send(ep, req, key, opts, timeout) {
            Ok(r) => return (Ok(r), tries),
            Err(f) if !f.retryable || tries > opts.retries => return (Err(f.error), tries),
            Err(f) => {
                let backoff = opts.backoff * 2f64.powi(tries as i32 - 1) * (0.5 + jitter());
                let wait = match f.retry_after {
                    Some(s) => s.min(60.0),
                    None => backoff.min(30.0),
                };
                let wait = Duration::from_secs_f64(wait);
                if Instant::now() + wait >= deadline {
                    return (Err(f.error), tries);
                }
                std::thread::sleep(wait);
            }
        }
    }
}
