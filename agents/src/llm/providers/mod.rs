//! LLM wire formats, one module per provider, each turning a [`Request`] into its HTTP request and
//! its reply body into a [`Reply`]; the wire types stay private to their module. Most servers (vLLM,
//! Ollama, llama.cpp, LM Studio, OpenRouter) speak OpenAI's format and need no module of their own:
//! adding a provider is one file implementing [`Wire`] plus one arm in [`wire`].

mod anthropic;
mod openai;

use super::client::{CallError, Reply, Request};
use super::config::{Endpoint, Provider};

/// An HTTP request to send: URL, headers (the key among them, never logged) and JSON body.
pub struct HttpRequest {
    /// Full URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: serde_json::Value,
}

/// A provider's wire format.
pub trait Wire: Sync {
    /// The headers that carry the key (and the API version), for every request to the provider.
    fn headers(&self, key: Option<&str>) -> Vec<(&'static str, String)>;
    /// The HTTP request for `req` to `ep`, with the key if there is one.
    fn request(
        &self,
        ep: &Endpoint,
        req: &Request,
        key: Option<&str>,
        max_tokens: u32,
    ) -> HttpRequest;
    /// The text and usage of a reply body, or why it is not one.
    fn reply(&self, body: &str) -> Result<Reply, CallError>;
}

/// The wire format of a provider.
pub fn wire(p: Provider) -> &'static dyn Wire {
    match p {
        Provider::OpenAi => &openai::OpenAi,
        Provider::Anthropic => &anthropic::Anthropic,
    }
}

/// The body as JSON, or the server's own error object as a [`CallError`] that keeps the body.
fn json_body(body: &str) -> Result<serde_json::Value, CallError> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|_| CallError::BadReply {
        why: "the body is not JSON".into(),
        body: body.to_string(),
    })?;
    if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
        let msg = e
            .get("message")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| e.to_string(), String::from);
        return Err(CallError::BadReply {
            why: format!("the server returned an error: {msg}"),
            body: body.to_string(),
        });
    }
    Ok(v)
}

/// A reply body that parsed as JSON but not as the provider's reply.
fn not_a_reply(what: &str, body: &str) -> CallError {
    CallError::BadReply {
        why: format!("no {what}"),
        body: body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::llm::client::Message;

    fn ep(provider: Provider) -> Endpoint {
        Endpoint {
            provider,
            base_url: "http://x/v1".into(),
            model: "m".into(),
            key_env: None,
            structured: true,
        }
    }

    fn req() -> Request {
        Request {
            system: "sys".into(),
            prefix: "ctx".into(),
            messages: vec![Message::user("hi")],
            schema: Some(("plan".into(), json!({"type": "object"}))),
        }
    }

    #[test]
    fn openai_wire_format() {
        let w = wire(Provider::OpenAi);
        let r = w.request(&ep(Provider::OpenAi), &req(), Some("k"), 100);
        assert_eq!(r.url, "http://x/v1/chat/completions");
        assert_eq!(r.headers, vec![("authorization", "Bearer k".to_string())]);
        assert_eq!(
            r.body["messages"][0],
            json!({"role": "system", "content": "sys"})
        );
        // The shared context leads the first turn, after the shared system prompt.
        assert_eq!(
            r.body["messages"][1],
            json!({"role": "user", "content": "ctx\n\nhi"})
        );
        assert_eq!(r.body["response_format"]["json_schema"]["name"], "plan");
        assert_eq!(
            (r.body["max_tokens"].clone(), r.body["temperature"].clone()),
            (json!(100), json!(0))
        );
        let ok = w
            .reply(r#"{"choices":[{"message":{"content":"{}"}}],"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}}"#)
            .unwrap();
        assert_eq!(
            (
                ok.text.as_str(),
                ok.input_tokens,
                ok.cached_input_tokens,
                ok.output_tokens
            ),
            ("{}", 5, 3, 2)
        );
        // Unstructured endpoints get no response_format.
        let plain = Endpoint {
            structured: false,
            ..ep(Provider::OpenAi)
        };
        assert!(
            w.request(&plain, &req(), None, 100)
                .body
                .get("response_format")
                .is_none()
        );
    }

    #[test]
    fn anthropic_wire_format() {
        let w = wire(Provider::Anthropic);
        let r = w.request(&ep(Provider::Anthropic), &req(), Some("k"), 100);
        assert_eq!(r.url, "http://x/v1/messages");
        assert!(r.headers.contains(&("x-api-key", "k".to_string())));
        assert!(
            r.headers
                .contains(&("anthropic-version", "2023-06-01".to_string()))
        );
        assert_eq!(r.body["system"], "sys");
        // The shared context is its own block, marked for caching, before the role's task.
        assert_eq!(
            r.body["messages"][0],
            json!({"role": "user", "content": [
                {"type": "text", "text": "ctx", "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "hi"}]})
        );
        let ok = w
            .reply(r#"{"content":[{"type":"text","text":"a"},{"type":"tool_use"},{"type":"text","text":"b"}],"usage":{"input_tokens":3,"output_tokens":1,"cache_read_input_tokens":1000,"cache_creation_input_tokens":20}}"#)
            .unwrap();
        assert_eq!(
            (
                ok.text.as_str(),
                ok.input_tokens,
                ok.cached_input_tokens,
                ok.output_tokens
            ),
            ("ab", 1023, 1000, 1)
        );
    }

    #[test]
    fn errors_keep_the_whole_body() {
        let w = wire(Provider::OpenAi);
        let e = w
            .reply(r#"{"error":{"message":"model overloaded"}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("model overloaded"), "{e}");
        let html = format!("<html>{}bad gateway</html>", "x".repeat(1000));
        let e = w.reply(&html).unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
        // The message shows an excerpt; the error keeps every byte of the body.
        assert!(e.to_string().len() < 500);
        assert_eq!(e.body(), Some(html.as_str()));
        let e = wire(Provider::Anthropic).reply(r#"{"id": 1}"#).unwrap_err();
        assert_eq!(e.body(), Some(r#"{"id": 1}"#));
    }
}
