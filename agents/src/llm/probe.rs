//! Before a run with an LLM starts: every endpoint a role uses is checked once (its key is set, it
//! answers, it serves the model), so a mistyped variable or URL stops the run at once with the fix,
//! instead of 23 silent fallbacks and an offline submission the user takes for the LLM's.

use std::time::Duration;

use serde::Deserialize;

use super::config::{Endpoint, LlmConfig};
use super::http::Http;
use super::providers;
use crate::roles::ROLES;

/// How long the probe waits for an endpoint.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an endpoint cannot be used; the message names the flag, the variable or the URL and the fix.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProbeError {
    /// The key's variable is unset or empty.
    #[error(
        "--llm ({model}): the environment variable {var} is not set; export it (export {var}=...), or leave out --llm to run offline"
    )]
    NoKey {
        /// The model string.
        model: String,
        /// The variable.
        var: String,
    },
    /// Nothing answered at the URL.
    #[error("--llm ({model}): cannot reach {url}: {why}; check the URL, or start the server")]
    Unreachable {
        /// The model string.
        model: String,
        /// The URL tried.
        url: String,
        /// The network error.
        why: String,
    },
    /// The server refused the key.
    #[error("--llm ({model}): {url} refused the key (HTTP {status}); check {var}")]
    KeyRefused {
        /// The model string.
        model: String,
        /// The URL tried.
        url: String,
        /// The status.
        status: u16,
        /// The variable holding the key.
        var: String,
    },
    /// The server lists its models and this one is not among them.
    #[error("--llm ({model}): {url} does not serve `{name}`; it serves: {served}")]
    UnknownModel {
        /// The model string.
        model: String,
        /// The URL tried.
        url: String,
        /// The model name.
        name: String,
        /// The first models it lists.
        served: String,
    },
}

#[derive(Deserialize)]
struct ModelList {
    data: Vec<ModelEntry>,
}

#[derive(Deserialize)]
struct ModelEntry {
    id: String,
}

/// The distinct endpoints the roles use.
pub fn endpoints(cfg: &LlmConfig) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    for role in ROLES {
        if let Ok(Some(e)) = cfg.endpoint(role)
            && !out.contains(&e)
        {
            out.push(e);
        }
    }
    out
}

/// Checks one endpoint with a `GET {base}/models`: any HTTP answer means it is reachable; 401 or 403
/// means the key is wrong; a model list without the model means the name is wrong. A server without
/// a model list (404, or another shape) is taken as it is.
pub fn probe(http: &Http, ep: &Endpoint) -> Result<(), ProbeError> {
    let model = format!("{} at {}", ep.model, ep.base_url);
    let key = ep.key().map_err(|e| ProbeError::NoKey {
        model: model.clone(),
        var: e.var,
    })?;
    let url = format!("{}/models", ep.base_url);
    let headers = providers::wire(ep.provider).headers(key.as_deref());
    let (status, body) =
        http.get(&url, &headers, PROBE_TIMEOUT)
            .map_err(|e| ProbeError::Unreachable {
                model: model.clone(),
                url: url.clone(),
                why: e.to_string(),
            })?;
    if status == 401 || status == 403 {
        return Err(ProbeError::KeyRefused {
            model,
            url,
            status,
            var: ep.key_env.clone().unwrap_or_else(|| "the key".into()),
        });
    }
    if status == 200
        && let Ok(list) = serde_json::from_str::<ModelList>(&body)
        && !list.data.is_empty()
        && !list.data.iter().any(|m| m.id == ep.model)
    {
        let served: Vec<String> = list.data.iter().take(10).map(|m| m.id.clone()).collect();
        return Err(ProbeError::UnknownModel {
            model,
            url,
            name: ep.model.clone(),
            served: served.join(", "),
        });
    }
    Ok(())
}

/// Checks every endpoint the roles use; the first failure.
pub fn check(cfg: &LlmConfig) -> Result<(), ProbeError> {
    let eps = endpoints(cfg);
    if eps.is_empty() {
        return Ok(());
    }
    let http = Http::new().map_err(|why| ProbeError::Unreachable {
        model: String::new(),
        url: String::new(),
        why: why.to_string(),
    })?;
    eps.iter().try_for_each(|e| probe(&http, e))
}
