//! Kaggle's public REST API (v1): competition listing, the all-files download, and the three-step
//! submission (ask for an upload URL, upload, submit the upload's token).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE};
use serde_json::Value;

use super::{Credentials, KaggleError, Result};
use crate::error::io_at;

/// Kaggle's API root; `--api-url` or `AUTOKAGGLE_KAGGLE_API` point elsewhere (a mirror, a test).
pub const DEFAULT_API: &str = "https://www.kaggle.com/api/v1";

/// Tries per download before giving up (each try resumes where the last one stopped).
const TRIES: usize = 4;

/// How far a download is: bytes so far and the total when the server said it.
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

/// A blocking client over Kaggle's API (the runtime is its own, as in the LLM client).
pub struct Kaggle {
    api: String,
    creds: Credentials,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Kaggle {
    /// A client for `api` (e.g. [`DEFAULT_API`]).
    pub fn new(api: &str, creds: Credentials) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            .read_timeout(Duration::from_secs(60))
            .user_agent(concat!("autokaggle/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| KaggleError::Http {
                what: "building the HTTP client".into(),
                source,
            })?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(io_at(Path::new("."), "cannot start the HTTP runtime"))?;
        Ok(Self {
            api: api.trim_end_matches('/').to_string(),
            creds,
            http,
            rt,
        })
    }

    /// Sends inside the runtime (reqwest sets its timers up when the request starts).
    fn send(&self, req: reqwest::RequestBuilder, what: &str) -> Result<reqwest::Response> {
        self.rt
            .block_on(async move { req.send().await })
            .map_err(|source| KaggleError::Http {
                what: what.to_string(),
                source,
            })
    }

    /// The answer's body as JSON.
    fn json(&self, resp: reqwest::Response, what: &str) -> Result<Value> {
        self.rt
            .block_on(resp.json())
            .map_err(|e| KaggleError::Answer {
                what: what.to_string(),
                problem: format!("the answer is not JSON ({e})"),
                retryable: false,
            })
    }

    fn authed(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.creds
            .authorize(self.http.request(method, format!("{}/{path}", self.api)))
    }

    /// Turns a refusal into an error that says what to do.
    fn check(&self, resp: reqwest::Response, slug: &str, what: &str) -> Result<reqwest::Response> {
        let status = resp.status();
        if status.is_success() || status == StatusCode::PARTIAL_CONTENT {
            return Ok(resp);
        }
        let body: String = self
            .rt
            .block_on(resp.text())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        let (what, user) = (what.to_string(), self.creds.username.clone());
        Err(match status {
            StatusCode::UNAUTHORIZED => KaggleError::Unauthorized {
                what,
                user,
                from: self.creds.source.clone(),
            },
            StatusCode::FORBIDDEN => KaggleError::Forbidden {
                what,
                user,
                slug: slug.to_string(),
            },
            StatusCode::NOT_FOUND => KaggleError::NotFound {
                what,
                slug: slug.to_string(),
            },
            status => KaggleError::refused(what, status, body),
        })
    }

    /// The competition's title, description, metric and deadline as text for `overview.txt`, or
    /// `None` when the listing does not have it.
    pub fn overview(&self, slug: &str) -> Result<Option<String>> {
        let what = format!("listing competition {slug}");
        let req = self
            .authed(reqwest::Method::GET, "competitions/list")
            .query(&[("search", slug), ("page", "1")]);
        let resp = self.send(req, &what)?;
        let list = self.json(self.check(resp, slug, &what)?, &what)?;
        let found = list.as_array().into_iter().flatten().find(|c| {
            let r = c["ref"].as_str().unwrap_or("");
            r == slug || r.trim_end_matches('/').ends_with(&format!("/{slug}"))
        });
        Ok(found.map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").trim().to_string();
            let mut text = format!("# {}\n\n{}\n", s("title"), s("description"));
            for (label, key) in [
                ("Evaluation metric", "evaluationMetric"),
                ("Category", "category"),
                ("Deadline", "deadline"),
                ("URL", "url"),
            ] {
                if !s(key).is_empty() {
                    text.push_str(&format!("\n{label}: {}", s(key)));
                }
            }
            text.push('\n');
            text
        }))
    }

    /// Downloads the competition's files archive to `part`, resuming what an earlier try left
    /// there, with up to [`TRIES`] tries.
    pub fn download_archive(&self, slug: &str, part: &Path, progress: OnProgress) -> Result<()> {
        let mut last = None;
        for attempt in 0..TRIES {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(500 << attempt));
            }
            match self.fetch(slug, part, progress) {
                Ok(()) => return Ok(()),
                Err(e) if e.retryable() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(KaggleError::GaveUp {
            slug: slug.to_string(),
            tries: TRIES,
            part: part.to_path_buf(),
            last: Box::new(last.expect("at least one try")),
        })
    }

    /// One try: asks for the bytes after what `part` holds (if the file has not changed since,
    /// per `If-Range`), and appends them.
    fn fetch(&self, slug: &str, part: &Path, progress: OnProgress) -> Result<()> {
        let what = format!("downloading {slug}");
        let meta_path = part.with_extension("part.json");
        let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        let validator = std::fs::read_to_string(&meta_path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["validator"].as_str().map(str::to_string));
        let mut req = self.authed(
            reqwest::Method::GET,
            &format!("competitions/data/download-all/{slug}"),
        );
        if have > 0 {
            req = req.header(RANGE, format!("bytes={have}-"));
            if let Some(v) = &validator {
                req = req.header(IF_RANGE, v);
            }
        }
        let resp = self.send(req, &what)?;
        if resp.status() == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 {
            // Everything is here already; unpacking checks it.
            return Ok(());
        }
        let resp = self.check(resp, slug, &what)?;
        let resumed = resp.status() == StatusCode::PARTIAL_CONTENT;
        let answer = |problem: String, retryable: bool| KaggleError::Answer {
            what: what.clone(),
            problem,
            retryable,
        };
        let (start, total) = if resumed {
            let range = header(&resp, CONTENT_RANGE);
            let (start, total) = parse_content_range(&range).ok_or_else(|| {
                answer(
                    format!("a partial answer without a usable Content-Range ({range:?})"),
                    false,
                )
            })?;
            if start != have {
                return Err(answer(
                    format!("asked for bytes from {have}, got from {start}"),
                    true,
                ));
            }
            (start, total)
        } else {
            (0, resp.content_length())
        };
        let validator = Some(header(&resp, ETAG))
            .filter(|v| !v.is_empty())
            .or_else(|| Some(header(&resp, LAST_MODIFIED)).filter(|v| !v.is_empty()));
        let meta = serde_json::json!({"validator": validator, "total": total});
        std::fs::write(&meta_path, meta.to_string()).map_err(io_at(&meta_path, "cannot write"))?;
        let done = self.append(resp, part, resumed, (start, total), &what, progress)?;
        match total {
            Some(t) if done != t => Err(answer(
                format!("the connection ended at byte {done} of {t}"),
                true,
            )),
            _ => Ok(()),
        }
    }

    /// Writes the answer's body to `part` (appended when `resumed`) from byte `start` of `total`,
    /// synced to disk also when the connection drops; returns the bytes `part` then holds.
    fn append(
        &self,
        mut resp: reqwest::Response,
        part: &Path,
        resumed: bool,
        (start, total): (u64, Option<u64>),
        what: &str,
        progress: OnProgress,
    ) -> Result<u64> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(part)
            .map_err(io_at(part, "cannot open"))?;
        let mut done = start;
        loop {
            let chunk = self
                .rt
                .block_on(resp.chunk())
                .map_err(|source| KaggleError::Http {
                    what: format!("{what}: connection lost at byte {done}"),
                    source,
                });
            match chunk {
                Ok(Some(bytes)) => {
                    file.write_all(&bytes)
                        .map_err(io_at(part, "cannot write"))?;
                    done += bytes.len() as u64;
                    progress(done, total);
                }
                Ok(None) => break,
                Err(e) => {
                    file.sync_all().ok();
                    return Err(e);
                }
            }
        }
        file.sync_all().map_err(io_at(part, "cannot write"))?;
        Ok(done)
    }

    /// Submits `file` with `message`: asks for an upload URL, uploads, then submits the token.
    /// Returns Kaggle's answer (e.g. "Successfully submitted to Titanic").
    pub fn submit(&self, slug: &str, file: &Path, message: &str) -> Result<String> {
        let what = format!("submitting to {slug}");
        let bytes = std::fs::read(file).map_err(io_at(file, "cannot read"))?;
        let modified = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "submission.csv".into());
        let url_req = self
            .authed(
                reqwest::Method::POST,
                &format!(
                    "competitions/{slug}/submissions/url/{}/{modified}",
                    bytes.len()
                ),
            )
            .form(&[("fileName", name.as_str())]);
        let resp = self.send(url_req, &what)?;
        let target = self.json(self.check(resp, slug, &what)?, &what)?;
        let (Some(create_url), Some(token)) =
            (target["createUrl"].as_str(), target["token"].as_str())
        else {
            return Err(KaggleError::Answer {
                what,
                problem: format!("Kaggle's answer has no createUrl and token: {target}"),
                retryable: false,
            });
        };
        // The upload goes to storage, which gets no credentials.
        let put = self.http.put(create_url).body(bytes);
        let resp = self.send(put, &format!("{what}: uploading the file"))?;
        if !resp.status().is_success() {
            return Err(KaggleError::Answer {
                what,
                problem: format!("the upload was refused ({})", resp.status()),
                retryable: false,
            });
        }
        let submit = self
            .authed(
                reqwest::Method::POST,
                &format!("competitions/submissions/submit/{slug}"),
            )
            .form(&[
                ("blobFileTokens", token),
                ("submissionDescription", message),
            ]);
        let resp = self.send(submit, &what)?;
        let answer = self.json(self.check(resp, slug, &what)?, &what)?;
        Ok(answer["message"]
            .as_str()
            .unwrap_or("submitted")
            .to_string())
    }
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// `bytes 100-199/200` -> (100, Some(200)); `bytes 100-199/*` -> (100, None).
fn parse_content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

    #[test]
    fn content_range_gives_the_start_and_the_total() {
        assert_eq!(
            parse_content_range("bytes 100-199/200"),
            Some((100, Some(200)))
        );
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((0, None)));
        assert_eq!(parse_content_range("items 0-9/10"), None);
    }
}
