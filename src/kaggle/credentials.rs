//! Kaggle credentials, read the way Kaggle's own CLI reads them, and never written anywhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A Kaggle user name and API key. The key is only ever put in an Authorization header.
#[derive(Clone)]
pub struct Credentials {
    /// The Kaggle user name.
    pub username: String,
    key: String,
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
    /// `KAGGLE_USERNAME` + `KAGGLE_KEY` if both are set, else `kaggle.json` in `KAGGLE_CONFIG_DIR` or
    /// `~/.kaggle/`.
    pub fn load() -> Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let (Some(username), Some(key)) = (var("KAGGLE_USERNAME"), var("KAGGLE_KEY")) {
            return Ok(Self {
                username,
                key,
                source: "environment (KAGGLE_USERNAME, KAGGLE_KEY)".into(),
            });
        }
        let file = var("KAGGLE_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".kaggle")))
            .map(|d| d.join("kaggle.json"));
        match file {
            Some(f) if f.exists() => Self::from_file(&f),
            _ => bail!(
                "no Kaggle credentials: set KAGGLE_USERNAME and KAGGLE_KEY, or save the kaggle.json \
                 from kaggle.com > Settings > API > Create New Token as ~/.kaggle/kaggle.json \
                 (or in $KAGGLE_CONFIG_DIR)"
            ),
        }
    }

    /// Reads `{"username": ..., "key": ...}`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read Kaggle credentials", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
            // serde's message may quote the file, and the file holds the key.
            anyhow::anyhow!(
                "{}: not valid JSON; download a fresh token from kaggle.com > Settings > API",
                path.display()
            )
        })?;
        let field = |k: &str| {
            v[k].as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .with_context(|| {
                    format!(
                        "{}: no \"{k}\" field; a kaggle.json holds {{\"username\": ..., \"key\": ...}}",
                        path.display()
                    )
                })
        };
        Ok(Self {
            username: field("username")?,
            key: field("key")?,
            source: path.display().to_string(),
        })
    }

    /// Builds credentials directly (tests, library use).
    pub fn new(username: &str, key: &str) -> Self {
        Self {
            username: username.into(),
            key: key.into(),
            source: "given".into(),
        }
    }

    pub(super) fn key(&self) -> &str {
        &self.key
    }
}
