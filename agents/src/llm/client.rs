//! The HTTP side: one request in OpenAI's or Anthropic's wire format over reqwest on a tokio runtime
//! the client owns (so the pipeline stays synchronous), and retries with backoff and jitter on 429,
//! 5xx, timeouts and dropped connections, honouring Retry-After.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::config::{ClientOptions, Endpoint, Provider};

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

/// What is sent: a system prompt, the turns, and the JSON schema the reply should follow.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Request {
    /// System prompt.
    pub system: String,
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
    /// Prompt tokens as the server counted them.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
}

/// Why a call gave no usable reply.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind", content = "message")]
pub enum CallError {
    /// The server answered with an HTTP error.
    #[error("HTTP {0}")]
    Http(String),
    /// No complete answer within the timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// Connection refused, reset or dropped.
    #[error("network: {0}")]
    Network(String),
    /// A 200 whose body is not a chat reply (HTML, an error object, no text).
    #[error("unusable reply: {0}")]
    BadReply(String),
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
}

/// The URL, headers and body of a request in the endpoint's wire format.
pub fn build(
    ep: &Endpoint,
    req: &Request,
    key: Option<&str>,
    max_tokens: u32,
) -> (String, Vec<(&'static str, String)>, Value) {
    match ep.provider {
        Provider::OpenAi => {
            let mut messages = vec![json!({"role": "system", "content": req.system})];
            messages.extend(
                req.messages
                    .iter()
                    .map(|m| json!({"role": m.role, "content": m.content})),
            );
            let mut body = json!({
                "model": ep.model,
                "messages": messages,
                "temperature": 0,
                "max_tokens": max_tokens,
            });
            if ep.structured
                && let Some((name, schema)) = &req.schema
            {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": schema},
                });
            }
            let headers = key
                .map(|k| vec![("authorization", format!("Bearer {k}"))])
                .unwrap_or_default();
            (format!("{}/chat/completions", ep.base_url), headers, body)
        }
        Provider::Anthropic => {
            let body = json!({
                "model": ep.model,
                "system": req.system,
                "messages": req.messages,
                "max_tokens": max_tokens,
                "temperature": 0,
            });
            let mut headers = vec![("anthropic-version", "2023-06-01".to_string())];
            if let Some(k) = key {
                headers.push(("x-api-key", k.to_string()));
            }
            (format!("{}/messages", ep.base_url), headers, body)
        }
    }
}

fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(300).collect();
    t.replace('\n', " ")
}

/// The text and usage of a chat reply, or why it is not one.
pub fn parse(provider: Provider, body: &str) -> Result<Reply, CallError> {
    let v: Value = serde_json::from_str(body)
        .map_err(|_| CallError::BadReply(format!("the body is not JSON: {}", excerpt(body))))?;
    if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
        let msg = e
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| e.to_string(), String::from);
        return Err(CallError::BadReply(format!(
            "the server returned an error: {msg}"
        )));
    }
    let u = |k: &str| v["usage"][k].as_u64().unwrap_or(0);
    match provider {
        Provider::OpenAi => {
            let text = v["choices"][0]["message"]["content"]
                .as_str()
                .ok_or_else(|| {
                    CallError::BadReply(format!(
                        "no choices[0].message.content in {}",
                        excerpt(body)
                    ))
                })?;
            Ok(Reply {
                text: text.to_string(),
                input_tokens: u("prompt_tokens"),
                output_tokens: u("completion_tokens"),
            })
        }
        Provider::Anthropic => {
            let parts = v["content"].as_array().ok_or_else(|| {
                CallError::BadReply(format!("no content list in {}", excerpt(body)))
            })?;
            let text: String = parts
                .iter()
                .filter(|p| p["type"] == "text")
                .filter_map(|p| p["text"].as_str())
                .collect();
            Ok(Reply {
                text,
                input_tokens: u("input_tokens"),
                output_tokens: u("output_tokens"),
            })
        }
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
        let (url, headers, body) = build(ep, req, key, opts.max_tokens);
        self.rt.block_on(async {
            let mut rb = self.client.post(&url).json(&body).timeout(timeout);
            for (k, v) in headers {
                rb = rb.header(k, v);
            }
            let resp = rb.send().await.map_err(|e| net(&e, timeout))?;
            let status = resp.status();
            let wait = retry_after(resp.headers());
            let text = resp.text().await.map_err(|e| net(&e, timeout))?;
            if status.as_u16() == 429 || status.is_server_error() {
                return Err(Failure {
                    error: CallError::Http(format!("{status}: {}", excerpt(&text))),
                    retryable: true,
                    retry_after: wait,
                });
            }
            if !status.is_success() {
                return Err(fail(
                    CallError::Http(format!("{status}: {}", excerpt(&text))),
                    false,
                ));
            }
            parse(ep.provider, &text).map_err(|e| fail(e, false))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(provider: Provider) -> Endpoint {
        Endpoint {
            provider,
            base_url: "http://x/v1".into(),
            model: "m".into(),
            key_env: None,
            structured: true,
        }
    }

    #[test]
    fn wire_formats() {
        let req = Request {
            system: "sys".into(),
            messages: vec![Message::user("hi")],
            schema: Some(("plan".into(), json!({"type": "object"}))),
        };
        let (url, h, body) = build(&ep(Provider::OpenAi), &req, Some("k"), 100);
        assert_eq!(url, "http://x/v1/chat/completions");
        assert_eq!(h, vec![("authorization", "Bearer k".to_string())]);
        assert_eq!(
            body["messages"][0],
            json!({"role": "system", "content": "sys"})
        );
        assert_eq!(body["response_format"]["json_schema"]["name"], "plan");
        let (url, h, body) = build(&ep(Provider::Anthropic), &req, Some("k"), 100);
        assert_eq!(url, "http://x/v1/messages");
        assert!(h.contains(&("x-api-key", "k".to_string())));
        assert_eq!(body["system"], "sys");

        let r = parse(
            Provider::OpenAi,
            r#"{"choices":[{"message":{"content":"{}"}}],"usage":{"prompt_tokens":5,"completion_tokens":2}}"#,
        )
        .unwrap();
        assert_eq!(
            (r.text.as_str(), r.input_tokens, r.output_tokens),
            ("{}", 5, 2)
        );
        let r = parse(
            Provider::Anthropic,
            r#"{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"usage":{"input_tokens":3,"output_tokens":1}}"#,
        )
        .unwrap();
        assert_eq!((r.text.as_str(), r.input_tokens), ("ab", 3));
        let e = parse(
            Provider::OpenAi,
            r#"{"error":{"message":"model overloaded"}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("model overloaded"), "{e}");
        let e = parse(Provider::OpenAi, "<html>bad gateway</html>").unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
    }
}
