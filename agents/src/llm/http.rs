//! One try over the network: reqwest on a current-thread tokio runtime the client owns (so the
//! pipeline stays synchronous), in the endpoint's wire format ([`super::providers`]).

use std::time::Duration;

use super::client::{CallError, Failure, Reply, Request, Transport};
use super::config::{ClientOptions, Endpoint};
use super::error::SessionError;
use super::providers;

/// reqwest on a current-thread tokio runtime.
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    /// A client; fails only if the runtime or TLS cannot start.
    pub fn new() -> Result<Self, SessionError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SessionError::Http(format!("its runtime: {e}")))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SessionError::Http(e.to_string()))?;
        Ok(Self { rt, client })
    }

    /// One GET with headers within `timeout`: the status and body, or why nothing came back.
    pub fn get(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        timeout: Duration,
    ) -> Result<(u16, String), CallError> {
        self.rt.block_on(async {
            let mut rb = self.client.get(url).timeout(timeout);
            for (k, v) in headers {
                rb = rb.header(*k, v);
            }
            let resp = rb.send().await.map_err(|e| net(&e, timeout).error)?;
            let status = resp.status().as_u16();
            let body = resp.text().await.map_err(|e| net(&e, timeout).error)?;
            Ok((status, body))
        })
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
        Failure::new(
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
        Failure::new(CallError::Network(msg), true)
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
        let wire = providers::wire(ep.provider);
        let http = wire.request(ep, req, key, opts.max_tokens);
        self.rt.block_on(async {
            let mut rb = self
                .client
                .post(&http.url)
                .json(&http.body)
                .timeout(timeout);
            for (k, v) in http.headers {
                rb = rb.header(k, v);
            }
            let resp = rb.send().await.map_err(|e| net(&e, timeout))?;
            let status = resp.status();
            let wait = retry_after(resp.headers());
            let text = resp.text().await.map_err(|e| net(&e, timeout))?;
            if !status.is_success() {
                return Err(Failure {
                    error: CallError::Http {
                        status: status.to_string(),
                        body: text,
                    },
                    retryable: status.as_u16() == 429 || status.is_server_error(),
                    retry_after: wait,
                });
            }
            wire.reply(&text).map_err(|e| Failure::new(e, false))
        })
    }
}
