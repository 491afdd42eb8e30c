//! The HTTP side: the provider-neutral request and reply, one try over reqwest on a tokio runtime the
//! client owns (so the pipeline stays synchronous) in the endpoint's wire format
//! ([`super::providers`]), and retries with backoff and jitter on 429, 5xx, timeouts and dropped
//! connections, honouring Retry-After.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config::{ClientOptions, Endpoint};
use super::providers;

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

fn fail(error: CallError, retryable: bool) -> Failure {
    Failure {
        error,
        retryable,
        retry_after: None,
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

/// reqwest on a current-thread tokio runtime.
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    /// A client; fails only if the runtime or TLS cannot start.
    pub fn new() -> Result<Self, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { rt, client })
    }

    /// One GET with headers within `timeout`: the status and body, or why nothing came back.
    pub fn get(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        timeout: Duration,
    ) -> Result<(u16, String), CallError> {
        self.rt.block_on(async {
            let mut rb = self.client.get(url).timeout(timeout);
            for (k, v) in headers {
                rb = rb.header(*k, v);
            }
            let resp = rb.send().await.map_err(|e| net(&e, timeout).error)?;
            let status = resp.status().as_u16();
            let body = resp.text().await.map_err(|e| net(&e, timeout).error)?;
            Ok((status, body))
        })
    }
}

fn retry_after(h: &reqwest::header::HeaderMap) -> Option<f64> {
    h.get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
}

fn net(e: &reqwest::Error, timeout: Duration) -> Failure {
    if e.is_timeout() {
        fail(
            CallError::Timeout(format!(
                "no complete reply within {:.0} s",
                timeout.as_secs_f64()
            )),
            true,
        )
    } else {
        // The error chain holds the useful part (connection refused, reset, closed mid-body).
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            msg.push_str(&format!(": {s}"));
            src = s.source();
        }
        fail(CallError::Network(msg), true)
    }
}

impl Transport for Http {
    fn send(
        &self,
        ep: &Endpoint,
        req: &Request,
        key: Option<&str>,
        opts: &ClientOptions,
        timeout: Duration,
    ) -> Result<Reply, Failure> {
        let wire = providers::wire(ep.provider);
        let http = wire.request(ep, req, key, opts.max_tokens);
        self.rt.block_on(async {
            let mut rb = self
                .client
                .post(&http.url)
                .json(&http.body)
                .timeout(timeout);
            for (k, v) in http.headers {
                rb = rb.header(k, v);
            }
            let resp = rb.send().await.map_err(|e| net(&e, timeout))?;
            let status = resp.status();
            let wait = retry_after(resp.headers());
            let text = resp.text().await.map_err(|e| net(&e, timeout))?;
            if !status.is_success() {
                return Err(Failure {
                    error: CallError::Http {
                        status: status.to_string(),
                        body: text,
                    },
                    retryable: status.as_u16() == 429 || status.is_server_error(),
                    retry_after: wait,
                });
            }
            wire.reply(&text).map_err(|e| fail(e, false))
        })
    }
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
