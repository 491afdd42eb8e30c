//! Anthropic's messages format.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{HttpRequest, Wire, json_body, not_a_reply};
use crate::llm::client::{CallError, Message, Reply, Request};
use crate::llm::config::Endpoint;

/// `POST {base}/messages`, key in `x-api-key`, the system prompt apart from the turns.
pub(super) struct Anthropic;

const VERSION: &str = "2023-06-01";

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    system: &'a str,
    messages: Vec<serde_json::Value>,
    max_tokens: u32,
    temperature: u8,
}

/// The turns; the first one leads with the shared context as its own block, marked for caching.
fn turns(req: &Request) -> Vec<serde_json::Value> {
    req.messages
        .iter()
        .enumerate()
        .map(|(i, m): (usize, &Message)| {
            if i == 0 && !req.prefix.is_empty() {
                json!({"role": m.role, "content": [
                    {"type": "text", "text": req.prefix, "cache_control": {"type": "ephemeral"}},
                    {"type": "text", "text": m.content},
                ]})
            } else {
                json!({"role": m.role, "content": m.content})
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct Messages {
    content: Vec<Part>,
    #[serde(default)]
    usage: Usage,
}

#[derive(Deserialize)]
struct Part {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize, Default)]
struct Usage {
    /// Prompt tokens neither read from nor written to the cache.
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
}

impl Wire for Anthropic {
    fn headers(&self, key: Option<&str>) -> Vec<(&'static str, String)> {
        let mut headers = vec![("anthropic-version", VERSION.to_string())];
        if let Some(k) = key {
            headers.push(("x-api-key", k.to_string()));
        }
        headers
    }

    fn request(
        &self,
        ep: &Endpoint,
        req: &Request,
        key: Option<&str>,
        max_tokens: u32,
    ) -> HttpRequest {
        let body = Body {
            model: &ep.model,
            system: &req.system,
            messages: turns(req),
            max_tokens,
            temperature: 0,
        };
        HttpRequest {
            url: format!("{}/messages", ep.base_url),
            headers: self.headers(key),
            body: serde_json::to_value(body).expect("the body serializes"),
        }
    }

    fn reply(&self, body: &str) -> Result<Reply, CallError> {
        let v = json_body(body)?;
        let m: Messages =
            serde_json::from_value(v).map_err(|_| not_a_reply("content list", body))?;
        let text = m
            .content
            .into_iter()
            .filter(|p| p.kind == "text")
            .filter_map(|p| p.text)
            .collect();
        Ok(Reply {
            text,
            input_tokens: m.usage.input_tokens
                + m.usage.cache_read_input_tokens
                + m.usage.cache_creation_input_tokens,
            cached_input_tokens: m.usage.cache_read_input_tokens,
            output_tokens: m.usage.output_tokens,
        })
    }
}
