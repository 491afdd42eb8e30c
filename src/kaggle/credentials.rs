//! Kaggle credentials, read the way Kaggle's own CLI reads them, and never written anywhere.

use std::path::{Path, PathBuf};

use super::{KaggleError, Result};
use crate::error::io_at;

/// What proves who the user is: a legacy API key (sent with the user name as Basic auth) or one of
/// Kaggle's newer API tokens (sent as a Bearer token).
#[derive(Clone)]
enum Secret {
    Key(String),
    Token(String),
}

/// A Kaggle user name and API key, or an API token. The secret is only ever put in an
/// Authorization header, sent to the API host alone.
#[derive(Clone)]
pub struct Credentials {
    /// The Kaggle user name (for a token, a description: tokens carry the account).
    pub username: String,
    secret: Secret,
    /// Where they came from, for messages (`environment` or the file's path).
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("key", &"<redacted>")
            .field("source", &self.source)
            .finish()
    }
}

impl Credentials {
    /// In the order Kaggle's own CLI looks: `KAGGLE_API_TOKEN`; `KAGGLE_USERNAME` + `KAGGLE_KEY`;
    /// then in `KAGGLE_CONFIG_DIR` or `~/.kaggle/`, the `access_token` file, then `kaggle.json`.
    pub fn load() -> Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(token) = var("KAGGLE_API_TOKEN") {
            return Ok(Self::token(token.trim(), "environment (KAGGLE_API_TOKEN)"));
        }
        if let (Some(username), Some(key)) = (var("KAGGLE_USERNAME"), var("KAGGLE_KEY")) {
            return Ok(Self {
                username,
                secret: Secret::Key(key),
                source: "environment (KAGGLE_USERNAME, KAGGLE_KEY)".into(),
            });
        }
        let dir = var("KAGGLE_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".kaggle")));
        if let Some(f) = dir.as_ref().map(|d| d.join("access_token"))
            && f.exists()
        {
            let text = std::fs::read_to_string(&f)
                .map_err(io_at(&f, "cannot read the Kaggle API token"))?;
            if text.trim().is_empty() {
                return Err(KaggleError::BadCredentials {
                    path: f,
                    problem: "empty; save the token from kaggle.com > Settings > API > Generate New Token in it".into(),
                });
            }
            return Ok(Self::token(text.trim(), &f.display().to_string()));
        }
        match dir.map(|d| d.join("kaggle.json")) {
            Some(f) if f.exists() => Self::from_file(&f),
            _ => Err(KaggleError::NoCredentials),
        }
    }

    fn token(token: &str, source: &str) -> Self {
        Self {
            username: "the account of the API token".into(),
            secret: Secret::Token(token.to_string()),
            source: source.to_string(),
        }
    }

    /// Reads `{"username": ..., "key": ...}`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(io_at(path, "cannot read Kaggle credentials"))?;
        let bad = |problem: String| KaggleError::BadCredentials {
            path: path.to_path_buf(),
            problem,
        };
        // serde's message may quote the file, and the file holds the key: it is not passed on.
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
            bad("not valid JSON; download a fresh token from kaggle.com > Settings > API".into())
        })?;
        let field = |k: &str| {
            v[k].as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| {
                    bad(format!(
                        "no \"{k}\" field; a kaggle.json holds {{\"username\": ..., \"key\": ...}}"
                    ))
                })
        };
        Ok(Self {
            username: field("username")?,
            secret: Secret::Key(field("key")?),
            source: path.display().to_string(),
        })
    }

    /// Builds credentials directly (tests, library use).
    pub fn new(username: &str, key: &str) -> Self {
        Self {
            username: username.into(),
            secret: Secret::Key(key.into()),
            source: "given".into(),
        }
    }

    /// The request with the Authorization header these credentials give.
    pub(super) fn authorize(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.secret {
            Secret::Key(key) => req.basic_auth(&self.username, Some(key)),
            Secret::Token(token) => req.bearer_auth(token),
        }
    }
}
