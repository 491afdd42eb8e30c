//! One run's LLM session: the endpoint per role, the budgets and usage ledger, the `llm.jsonl`
//! record of every call (keys redacted), and replay from such a record with no network.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::client::{self, CallError, Reply, Request, Transport};
use super::config::{Endpoint, LlmConfig};
use super::error::SessionError;
use super::http::Http;

/// Tokens, calls and dollars.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Usage {
    /// Calls made (a call's retries count once).
    pub calls: u32,
    /// Tries over the network, retries included.
    pub tries: u32,
    /// Calls that gave no usable reply.
    pub failed: u32,
    /// Prompt tokens (cached ones included).
    pub input_tokens: u64,
    /// Prompt tokens read from the provider's cache.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Estimated dollars; None when some call's model has no price.
    pub usd: Option<f64>,
}

impl Usage {
    fn add(&mut self, other: &Usage) {
        self.calls += other.calls;
        self.tries += other.tries;
        self.failed += other.failed;
        self.input_tokens += other.input_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.output_tokens += other.output_tokens;
        self.usd = match (self.usd, other.usd) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }

    /// `12 calls, 34,567 tokens, $0.0123`.
    pub fn line(&self) -> String {
        format!(
            "{} LLM calls ({} failed, {} tries), {} tokens in ({} cached) + {} out, cost {}",
            self.calls,
            self.failed,
            self.tries,
            self.input_tokens,
            self.cached_input_tokens,
            self.output_tokens,
            self.usd.map_or(
                "unknown (a model has no price; add it under [prices])".into(),
                |d| { format!("${d:.4}") }
            )
        )
    }
}

/// Usage for the whole run, per phase and per role.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Ledger {
    /// Everything.
    pub total: Usage,
    /// By phase slug.
    pub by_phase: BTreeMap<String, Usage>,
    /// By role.
    pub by_role: BTreeMap<String, Usage>,
    /// Seconds spent waiting for the LLM.
    pub seconds: f64,
    /// Why the LLM was stopped, if a budget ran out.
    pub stopped: Option<String>,
    /// Replies the offline policy stood in for: role -> why (the error's kind) -> count.
    #[serde(default)]
    pub fallbacks: BTreeMap<String, BTreeMap<String, u32>>,
    /// LLM answers the roles used, by role.
    #[serde(default)]
    pub answered: BTreeMap<String, u32>,
}

impl Ledger {
    /// `LLM answers used: 20; the offline policy answered 3 (developer 2: unusable reply x2; ...)`.
    pub fn fallback_line(&self) -> String {
        let fell: u32 = self.fallbacks.values().flat_map(|m| m.values()).sum();
        let used: u32 = self.answered.values().sum();
        let mut line = format!("LLM answers used: {used}; the offline policy answered {fell}");
        if fell > 0 {
            let parts: Vec<String> = self
                .fallbacks
                .iter()
                .map(|(role, why)| {
                    let n: u32 = why.values().sum();
                    let reasons: Vec<String> =
                        why.iter().map(|(w, k)| format!("{w} x{k}")).collect();
                    format!("{role} {n}: {}", reasons.join(", "))
                })
                .collect();
            line.push_str(&format!(" ({})", parts.join("; ")));
        }
        line
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Self {
            total: Usage {
                usd: Some(0.0),
                ..Usage::default()
            },
            by_phase: BTreeMap::new(),
            by_role: BTreeMap::new(),
            seconds: 0.0,
            stopped: None,
            fallbacks: BTreeMap::new(),
            answered: BTreeMap::new(),
        }
    }
}

/// One line of `llm.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// 1-based call number in the run.
    pub seq: u32,
    /// Role.
    pub role: String,
    /// Phase slug.
    pub phase: String,
    /// Provider, base URL and model (never the key).
    pub endpoint: Endpoint,
    /// What was sent.
    pub request: Request,
    /// What came back.
    pub outcome: Result<Reply, CallError>,
    /// Network tries.
    pub tries: u32,
    /// Wall seconds.
    pub seconds: f64,
}

enum Source {
    Live(Box<dyn Transport>),
    Replay(Mutex<std::vec::IntoIter<Record>>),
}

/// The LLM side of one run, shared by the roles.
pub struct Session {
    cfg: LlmConfig,
    source: Source,
    ledger: Mutex<Ledger>,
    log: Mutex<Option<PathBuf>>,
    notes: Mutex<Vec<String>>,
    seq: Mutex<u32>,
    started: Instant,
}

impl Session {
    /// A live session over HTTP; checks the config first.
    pub fn new(cfg: LlmConfig) -> Result<Self, SessionError> {
        Self::with_transport(cfg, Box::new(Http::new()?))
    }

    /// A live session over any transport (tests use scripted ones).
    pub fn with_transport(cfg: LlmConfig, t: Box<dyn Transport>) -> Result<Self, SessionError> {
        cfg.check()?;
        Ok(Self::build(cfg, Source::Live(t)))
    }

    /// A session that answers from a run directory's `llm.jsonl`, in order, with no network.
    pub fn replay(run_dir: &Path, cfg: LlmConfig) -> Result<Self, SessionError> {
        let path = run_dir.join("llm.jsonl");
        let text = std::fs::read_to_string(&path).map_err(|source| SessionError::ReadRecord {
            path: path.clone(),
            source,
        })?;
        let mut records = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            match serde_json::from_str::<Record>(line) {
                Ok(r) => records.push(r),
                // A run killed mid-write leaves a partial last line; the calls before it still count.
                Err(_) if i + 1 == lines.len() => {}
                Err(source) => {
                    return Err(SessionError::Record {
                        path,
                        line: i + 1,
                        source,
                    });
                }
            }
        }
        Ok(Self::build(
            cfg,
            Source::Replay(Mutex::new(records.into_iter())),
        ))
    }

    fn build(cfg: LlmConfig, source: Source) -> Self {
        Self {
            cfg,
            source,
            ledger: Mutex::new(Ledger::default()),
            log: Mutex::new(None),
            notes: Mutex::new(Vec::new()),
            seq: Mutex::new(0),
            started: Instant::now(),
        }
    }

    /// Whether this session replays a record.
    pub fn is_replay(&self) -> bool {
        matches!(self.source, Source::Replay(_))
    }

    /// Starts recording into `dir/llm.jsonl`.
    pub fn attach(&self, dir: &Path) {
        *self.log.lock().expect("log lock") = Some(dir.join("llm.jsonl"));
    }

    /// The endpoint a role uses (None: the role is offline).
    pub fn endpoint(&self, role: &str) -> Option<Endpoint> {
        if let Source::Replay(_) = self.source {
            // In a replay, every role asks the record; the record says which were offline.
            return Some(Endpoint {
                provider: super::config::Provider::OpenAi,
                base_url: "replay".into(),
                model: "replay".into(),
                key_env: None,
                structured: false,
            });
        }
        self.cfg.endpoint(role).ok().flatten()
    }

    /// Usage so far.
    pub fn ledger(&self) -> Ledger {
        self.ledger.lock().expect("ledger lock").clone()
    }

    /// Notes since the last call (fallbacks, budget stops), for the phase's log.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.lock().expect("notes lock"))
    }

    /// Counts an LLM answer a role used.
    pub fn answered(&self, role: &str) {
        let mut l = self.ledger.lock().expect("ledger lock");
        *l.answered.entry(role.to_string()).or_default() += 1;
    }

    /// Counts a reply the offline policy stood in for; true the first time for this role (the
    /// caller says it once, the count goes to the summary).
    pub fn fell_back(&self, role: &str, why: &str) -> bool {
        let kind = why.split(':').next().unwrap_or(why).trim().to_string();
        let mut l = self.ledger.lock().expect("ledger lock");
        let first = !l.fallbacks.contains_key(role);
        *l.fallbacks
            .entry(role.to_string())
            .or_default()
            .entry(kind)
            .or_default() += 1;
        first
    }

    /// Adds a note for the phase's log.
    pub fn note(&self, msg: String) {
        self.notes.lock().expect("notes lock").push(msg);
    }

    fn over_budget(&self) -> Option<String> {
        let l = self.ledger.lock().expect("ledger lock");
        let b = &self.cfg.budget;
        if let Some(s) = &l.stopped {
            return Some(s.clone());
        }
        let t = &l.total;
        if t.calls >= b.calls {
            return Some(format!("{} calls made, the budget is {}", t.calls, b.calls));
        }
        if t.input_tokens + t.output_tokens >= b.tokens {
            return Some(format!(
                "{} tokens used, the budget is {}",
                t.input_tokens + t.output_tokens,
                b.tokens
            ));
        }
        if t.usd.is_some_and(|d| d >= b.usd) {
            return Some(format!(
                "${:.4} spent, the budget is ${}",
                t.usd.unwrap_or(0.0),
                b.usd
            ));
        }
        if !self.is_replay() && self.started.elapsed().as_secs_f64() >= b.seconds {
            return Some(format!(
                "{:.0} s spent waiting, the budget is {} s",
                l.seconds, b.seconds
            ));
        }
        None
    }

    /// Sends a request for a role in a phase; the reply's text or why there is none. Every call is
    /// recorded; a spent budget stops all later calls.
    pub fn ask(&self, role: &str, phase: &str, req: Request) -> Result<String, CallError> {
        if let Some(why) = self.over_budget() {
            let mut l = self.ledger.lock().expect("ledger lock");
            if l.stopped.is_none() {
                self.note(format!(
                    "LLM stopped: {why}; the offline policy answers from here on"
                ));
                l.stopped = Some(why.clone());
            }
            return Err(CallError::Budget(why));
        }
        let Some(ep) = self.endpoint(role) else {
            return Err(CallError::Replay(format!("role {role} has no LLM")));
        };
        let t0 = Instant::now();
        let (outcome, tries, ep) = match &self.source {
            Source::Live(t) => {
                let key = ep.key().map_err(|e| CallError::NoKey(e.to_string()))?;
                let left =
                    (self.cfg.budget.seconds - self.started.elapsed().as_secs_f64()).max(0.0);
                let deadline = Instant::now() + Duration::from_secs_f64(left);
                let (o, tries) = client::with_retries(
                    t.as_ref(),
                    &ep,
                    &req,
                    key.as_deref(),
                    &self.cfg.client,
                    deadline,
                );
                (o, tries, ep)
            }
            Source::Replay(records) => {
                let next = records.lock().expect("replay lock").next();
                match next {
                    Some(r) if r.role == role && r.phase == phase => {
                        (r.outcome, r.tries, r.endpoint)
                    }
                    Some(r) => {
                        return Err(CallError::Replay(format!(
                            "the record's next call is {} in {}, but the run asks {role} in {phase}",
                            r.role, r.phase
                        )));
                    }
                    None => return Err(CallError::Replay("the record has no more calls".into())),
                }
            }
        };
        let seconds = t0.elapsed().as_secs_f64();
        let seq = {
            let mut s = self.seq.lock().expect("seq lock");
            *s += 1;
            *s
        };
        self.account(role, phase, &ep, &outcome, tries, seconds);
        let record = Record {
            seq,
            role: role.into(),
            phase: phase.into(),
            endpoint: ep.clone(),
            request: req,
            outcome: outcome.clone(),
            tries,
            seconds,
        };
        self.write(&record);
        outcome.map(|r| r.text)
    }

    fn account(
        &self,
        role: &str,
        phase: &str,
        ep: &Endpoint,
        outcome: &Result<Reply, CallError>,
        tries: u32,
        seconds: f64,
    ) {
        let (i, c, o) = outcome.as_ref().map_or((0, 0, 0), |r| {
            (
                r.input_tokens,
                r.cached_input_tokens.min(r.input_tokens),
                r.output_tokens,
            )
        });
        let usd = self.cfg.price(ep).map(|p| {
            let cached = p.cached_input.unwrap_or(p.input);
            ((i - c) as f64 * p.input + c as f64 * cached + o as f64 * p.output) / 1e6
        });
        let u = Usage {
            calls: 1,
            tries,
            failed: u32::from(outcome.is_err()),
            input_tokens: i,
            cached_input_tokens: c,
            output_tokens: o,
            usd: if ep.base_url == "replay" {
                Some(0.0)
            } else {
                usd
            },
        };
        let mut l = self.ledger.lock().expect("ledger lock");
        l.total.add(&u);
        l.by_phase
            .entry(phase.into())
            .or_insert_with(|| Usage {
                usd: Some(0.0),
                ..Usage::default()
            })
            .add(&u);
        l.by_role
            .entry(role.into())
            .or_insert_with(|| Usage {
                usd: Some(0.0),
                ..Usage::default()
            })
            .add(&u);
        l.seconds += seconds;
    }

    /// Appends one line; the keys of every configured endpoint are redacted first.
    fn write(&self, r: &Record) {
        let Some(path) = self.log.lock().expect("log lock").clone() else {
            return;
        };
        let mut line = serde_json::to_string(r).unwrap_or_default();
        for role in crate::roles::ROLES {
            if let Some(var) = self
                .cfg
                .endpoint(role)
                .ok()
                .flatten()
                .and_then(|e| e.key_env)
                && let Ok(k) = std::env::var(&var)
                && k.len() >= 4
            {
                line = line.replace(&k, &format!("[{var} redacted]"));
            }
        }
        line.push('\n');
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()).and_then(|()| f.sync_data()));
        if let Err(e) = written {
            self.note(format!(
                "could not record an LLM call in {}: {e}",
                path.display()
            ));
        }
    }
}
