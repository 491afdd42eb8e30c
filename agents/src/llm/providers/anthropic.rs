//! Anthropic's messages format.

use serde::{Deserialize, Serialize};

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
    messages: &'a [Message],
    max_tokens: u32,
    temperature: u8,
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
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

impl Wire for Anthropic {
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
            messages: &req.messages,
            max_tokens,
            temperature: 0,
        };
        let mut headers = vec![("anthropic-version", VERSION.to_string())];
        if let Some(k) = key {
            headers.push(("x-api-key", k.to_string()));
        }
        HttpRequest {
            url: format!("{}/messages", ep.base_url),
            headers,
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
            input_tokens: m.usage.input_tokens,
            output_tokens: m.usage.output_tokens,
        })
    }
}
