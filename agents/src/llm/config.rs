//! Which endpoint each role talks to, the run's LLM budgets, and the price table: from a TOML file
//! and flags. Keys are never stored here, only the name of the environment variable that holds one.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{ConfigError, MissingKey};
use crate::roles::ROLES;

/// The wire format an endpoint speaks.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// `POST {base}/chat/completions` (OpenAI, Ollama, vLLM, llama.cpp, LM Studio, ...).
    OpenAi,
    /// `POST {base}/messages` (Anthropic).
    Anthropic,
}

/// One model on one endpoint.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Endpoint {
    /// Wire format.
    pub provider: Provider,
    /// Base URL, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// Model name as the server knows it.
    pub model: String,
    /// Environment variable holding the API key (none for local servers).
    #[serde(default)]
    pub key_env: Option<String>,
    /// Ask for JSON-schema structured output (OpenAI-compatible servers that support it).
    #[serde(default = "yes")]
    pub structured: bool,
}

fn yes() -> bool {
    true
}

impl FromStr for Endpoint {
    type Err = ConfigError;

    /// `openai:MODEL`, `anthropic:MODEL`, `URL:MODEL` (OpenAI-compatible, e.g.
    /// `http://127.0.0.1:11434/v1:qwen2.5:7b`) or `anthropic+URL:MODEL`.
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let name = || s.to_string();
        let (provider, rest) = match s.strip_prefix("anthropic+") {
            Some(r) => (Provider::Anthropic, r),
            None => (Provider::OpenAi, s),
        };
        if let Some(model) = rest.strip_prefix("openai:") {
            return named(
                Provider::OpenAi,
                "https://api.openai.com/v1",
                model,
                "OPENAI_API_KEY",
            );
        }
        if let Some(model) = rest.strip_prefix("anthropic:") {
            return named(
                Provider::Anthropic,
                "https://api.anthropic.com/v1",
                model,
                "ANTHROPIC_API_KEY",
            );
        }
        let Some(after_scheme) = rest
            .strip_prefix("http://")
            .map(|r| (r, "http://"))
            .or_else(|| rest.strip_prefix("https://").map(|r| (r, "https://")))
        else {
            return Err(ConfigError::Unknown { name: name() });
        };
        let (r, scheme) = after_scheme;
        // Host (and port) end at the first '/'; the path ends at the next ':'; the model is the rest
        // (model names may hold ':', as Ollama's tags do).
        let Some(slash) = r.find('/') else {
            return Err(ConfigError::NoPath { name: name() });
        };
        let (host, path_model) = r.split_at(slash);
        let Some((path, model)) = path_model.split_once(':').filter(|(_, m)| !m.is_empty()) else {
            return Err(ConfigError::NoModel { name: name() });
        };
        Ok(Self {
            provider,
            base_url: format!("{scheme}{host}{}", path.trim_end_matches('/')),
            model: model.to_string(),
            key_env: (provider == Provider::Anthropic).then(|| "ANTHROPIC_API_KEY".to_string()),
            structured: true,
        })
    }
}

fn named(provider: Provider, base: &str, model: &str, key: &str) -> Result<Endpoint, ConfigError> {
    if model.is_empty() {
        return Err(ConfigError::NoModel {
            name: format!("{base}:"),
        });
    }
    Ok(Endpoint {
        provider,
        base_url: base.to_string(),
        model: model.to_string(),
        key_env: Some(key.to_string()),
        structured: true,
    })
}

impl Endpoint {
    /// The API key from the endpoint's variable: none for a local server that needs none; `Err`
    /// naming the variable when a remote endpoint's variable is unset or empty.
    pub fn key(&self) -> Result<Option<String>, MissingKey> {
        match &self.key_env {
            Some(var) => match std::env::var(var) {
                Ok(k) if !k.trim().is_empty() => Ok(Some(k)),
                _ if self.is_local() => Ok(None),
                _ => Err(MissingKey {
                    var: var.clone(),
                    model: self.model.clone(),
                }),
            },
            None => Ok(None),
        }
    }

    /// Whether the server runs on this machine (then it costs nothing by default).
    pub fn is_local(&self) -> bool {
        ["://127.0.0.1", "://localhost", "://[::1]"]
            .iter()
            .any(|h| self.base_url.contains(h))
    }
}

/// Hard limits for one run. When one is reached the LLM stops and the offline policy takes over.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Budget {
    /// LLM calls (each call's retries included).
    pub calls: u32,
    /// Input plus output tokens.
    pub tokens: u64,
    /// Estimated dollars (priced models only).
    pub usd: f64,
    /// Seconds of wall time spent waiting for the LLM.
    pub seconds: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            calls: 40,
            tokens: 400_000,
            usd: 2.0,
            seconds: 1200.0,
        }
    }
}

/// Client behaviour on the network.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClientOptions {
    /// Seconds before one request is abandoned.
    pub timeout: f64,
    /// Retries after the first try, on 429, 5xx, timeouts and dropped connections.
    pub retries: u32,
    /// First backoff in seconds; doubled each retry, with jitter, capped at 30 s.
    pub backoff: f64,
    /// Largest reply in tokens.
    pub max_tokens: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: 120.0,
            retries: 3,
            backoff: 1.0,
            max_tokens: 2048,
        }
    }
}

/// Dollars per million tokens.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Per million input tokens.
    pub input: f64,
    /// Per million output tokens.
    pub output: f64,
    /// Per million input tokens read from the provider's cache (default: `input`).
    #[serde(default)]
    pub cached_input: Option<f64>,
}

/// Prices by model name (a name matches a model it is a prefix of). Defaults can be overridden in
/// the config's `[prices]` table.
pub fn default_prices() -> BTreeMap<String, Price> {
    // Model, input, output, cached input (OpenAI: half or a quarter of input; Anthropic: a tenth).
    [
        ("gpt-4o-mini", 0.15, 0.60, 0.075),
        ("gpt-4o", 2.50, 10.0, 1.25),
        ("gpt-4.1-mini", 0.40, 1.60, 0.10),
        ("gpt-4.1", 2.0, 8.0, 0.50),
        ("claude-3-5-haiku", 0.80, 4.0, 0.08),
        ("claude-haiku-4", 1.0, 5.0, 0.10),
        ("claude-sonnet-4", 3.0, 15.0, 0.30),
    ]
    .into_iter()
    .map(|(m, i, o, c)| {
        (
            m.to_string(),
            Price {
                input: i,
                output: o,
                cached_input: Some(c),
            },
        )
    })
    .collect()
}

/// Everything the LLM side of a run is configured by.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// The model every role uses unless `roles` names another (`openai:gpt-4o-mini`, ...).
    pub llm: Option<String>,
    /// Per role (`reader`, `planner`, `developer`, `reviewer`, `summarizer`): a model, or `offline`.
    pub roles: BTreeMap<String, String>,
    /// Environment variable holding the key, overriding the provider's usual one.
    pub key_env: Option<String>,
    /// Turn off JSON-schema structured output (for servers that reject `response_format`).
    pub structured: bool,
    /// Hard limits.
    pub budget: Budget,
    /// Network behaviour.
    pub client: ClientOptions,
    /// Extra or changed prices.
    pub prices: BTreeMap<String, Price>,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            llm: None,
            roles: BTreeMap::new(),
            key_env: None,
            structured: true,
            budget: Budget::default(),
            client: ClientOptions::default(),
            prices: BTreeMap::new(),
        }
    }
}

impl LlmConfig {
    /// Reads a TOML config file; errors name the file and the field.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// The endpoint a role uses, or None when the role stays offline.
    pub fn endpoint(&self, role: &str) -> Result<Option<Endpoint>, ConfigError> {
        let spec = self.roles.get(role).or(self.llm.as_ref());
        match spec.map(String::as_str) {
            None | Some("offline") => Ok(None),
            Some(s) => {
                let mut e: Endpoint = s.parse().map_err(|m| ConfigError::Role {
                    role: role.to_string(),
                    source: Box::new(m),
                })?;
                if let Some(k) = &self.key_env {
                    e.key_env = Some(k.clone());
                }
                e.structured = self.structured;
                Ok(Some(e))
            }
        }
    }

    /// Checks every role's model string and unknown role names, before a run starts.
    pub fn check(&self) -> Result<(), ConfigError> {
        if let Some(r) = self.roles.keys().find(|r| !ROLES.contains(&r.as_str())) {
            return Err(ConfigError::UnknownRole { role: r.clone() });
        }
        for r in ROLES {
            self.endpoint(r)?;
        }
        Ok(())
    }

    /// The price of a model: the config's table first, then the defaults; local servers are free.
    pub fn price(&self, e: &Endpoint) -> Option<Price> {
        let find = |t: &BTreeMap<String, Price>| {
            t.iter()
                .filter(|(m, _)| e.model.starts_with(m.as_str()))
                .max_by_key(|(m, _)| m.len())
                .map(|(_, p)| p.clone())
        };
        find(&self.prices)
            .or_else(|| find(&default_prices()))
            .or_else(|| {
                e.is_local().then_some(Price {
                    input: 0.0,
                    output: 0.0,
                    cached_input: None,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_strings() {
        let e: Endpoint = "openai:gpt-4o-mini".parse().unwrap();
        assert_eq!(
            (e.provider, e.base_url.as_str(), e.model.as_str()),
            (Provider::OpenAi, "https://api.openai.com/v1", "gpt-4o-mini")
        );
        assert_eq!(e.key_env.as_deref(), Some("OPENAI_API_KEY"));
        let e: Endpoint = "http://127.0.0.1:11434/v1:qwen2.5:7b".parse().unwrap();
        assert_eq!(
            (e.base_url.as_str(), e.model.as_str(), e.key_env.is_none()),
            ("http://127.0.0.1:11434/v1", "qwen2.5:7b", true)
        );
        assert!(e.is_local());
        let e: Endpoint = "anthropic+http://localhost:9000/v1:claude-x"
            .parse()
            .unwrap();
        assert_eq!(e.provider, Provider::Anthropic);
        assert_eq!(e.base_url, "http://localhost:9000/v1");
        let e = "gpt-4o".parse::<Endpoint>().unwrap_err();
        assert!(matches!(&e, ConfigError::Unknown { name } if name == "gpt-4o"));
        assert!(e.to_string().contains("openai:MODEL"), "{e}");
        assert!(matches!(
            "http://host:80".parse::<Endpoint>(),
            Err(ConfigError::NoPath { .. })
        ));
        assert!(matches!(
            "http://host/v1:".parse::<Endpoint>(),
            Err(ConfigError::NoModel { .. })
        ));
    }

    #[test]
    fn roles_prices_and_config_errors() {
        let c: LlmConfig = toml::from_str(
            "llm = \"openai:gpt-4o-mini\"\n[roles]\nreviewer = \"offline\"\n[budget]\ncalls = 10\n[prices.\"gpt-4o-mini\"]\ninput = 1.0\noutput = 2.0\n",
        )
        .unwrap();
        assert!(c.endpoint("reviewer").unwrap().is_none());
        let dev = c.endpoint("developer").unwrap().unwrap();
        assert_eq!(c.price(&dev).unwrap().input, 1.0);
        assert_eq!(c.budget.calls, 10);
        let bad: LlmConfig = toml::from_str("[roles]\ncoder = \"openai:x\"\n").unwrap();
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .contains("unknown role `coder`")
        );
        assert!(toml::from_str::<LlmConfig>("[budget]\ncals = 3\n").is_err());
    }

    #[test]
    fn the_documented_example_config_parses() {
        let c: LlmConfig = toml::from_str(include_str!("../../../docs/llm.example.toml")).unwrap();
        c.check().unwrap();
        assert!(c.endpoint("reviewer").unwrap().is_none());
        assert_eq!(c.endpoint("developer").unwrap().unwrap().model, "gpt-4o");
    }
}
