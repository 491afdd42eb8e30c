//! OpenAI's chat completions format, which most local and hosted servers also speak.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{HttpRequest, Wire, json_body, not_a_reply};
use crate::llm::client::{CallError, Reply, Request};
use crate::llm::config::Endpoint;

/// `POST {base}/chat/completions`, key as a Bearer token, the schema as `response_format`.
pub(super) struct OpenAi;

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    temperature: u8,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Usage,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    content: Option<String>,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: u64,
}

impl Wire for OpenAi {
    fn headers(&self, key: Option<&str>) -> Vec<(&'static str, String)> {
        key.map(|k| vec![("authorization", format!("Bearer {k}"))])
            .unwrap_or_default()
    }

    fn request(
        &self,
        ep: &Endpoint,
        req: &Request,
        key: Option<&str>,
        max_tokens: u32,
    ) -> HttpRequest {
        let mut messages = vec![WireMessage {
            role: "system",
            content: &req.system,
        }];
        // The shared context leads the first turn, so every role's request starts the same way.
        let first = req
            .messages
            .first()
            .filter(|_| !req.prefix.is_empty())
            .map(|m| format!("{}\n\n{}", req.prefix, m.content));
        messages.extend(req.messages.iter().enumerate().map(|(i, m)| WireMessage {
            role: &m.role,
            content: match (&first, i) {
                (Some(f), 0) => f.as_str(),
                _ => &m.content,
            },
        }));
        let response_format = req.schema.as_ref().filter(|_| ep.structured).map(|(name, schema)| {
            json!({"type": "json_schema", "json_schema": {"name": name, "schema": schema}})
        });
        let body = Body {
            model: &ep.model,
            messages,
            temperature: 0,
            max_tokens,
            response_format,
        };
        HttpRequest {
            url: format!("{}/chat/completions", ep.base_url),
            headers: self.headers(key),
            body: serde_json::to_value(body).expect("the body serializes"),
        }
    }

    fn reply(&self, body: &str) -> Result<Reply, CallError> {
        let v = json_body(body)?;
        let c: Completion = serde_json::from_value(v)
            .map_err(|_| not_a_reply("choices[0].message.content", body))?;
        let text = c
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .ok_or_else(|| not_a_reply("choices[0].message.content", body))?;
        Ok(Reply {
            text,
            input_tokens: c.usage.prompt_tokens,
            cached_input_tokens: c.usage.prompt_tokens_details.map_or(0, |d| d.cached_tokens),
            output_tokens: c.usage.completion_tokens,
        })
    }
}
