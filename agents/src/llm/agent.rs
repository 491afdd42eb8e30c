//! Every role over an LLM: a prompt rendered from `agents/templates/`, a JSON reply parsed and
//! checked, one fix turn when the reply is unusable, and the offline policy's answer whenever the
//! LLM gives nothing usable (the reason is noted in the phase's log).

use std::sync::Arc;

use autokaggle_toolkit::Program;
use autokaggle_toolkit::models::cv;
use autokaggle_toolkit::models::search::{self, Family, SearchPlan};
use minijinja::Environment;
use serde_json::{Value, json};

use super::client::{Message, Request};
use super::error::ReplyError;
use super::json::extract;
use super::proposals;
use super::replies::{self, ReadingReply, Report, ReviewReply, SearchReply};
use super::session::Session;
use super::signatures::phase_tools;
use crate::offline::{self, OfflinePolicy};
use crate::phase::{PHASES, WorkKind};
use crate::roles::{
    Developer, Outcome, PhaseCx, Planner, Reader, Reading, Review, Reviewer, Summarizer, Work,
    gate_counts,
};

/// Turns allowed to fix an unusable reply within one call's conversation.
const FIX_TURNS: usize = 1;

/// Why a role has no usable LLM reply.
enum NoReply {
    /// The role has no LLM: the offline policy is its brain, not a fallback, and nothing is noted.
    Offline,
    /// The LLM gave nothing usable, for this reason.
    Unusable(String),
}

impl From<String> for NoReply {
    fn from(why: String) -> Self {
        Self::Unusable(why)
    }
}

/// The five roles over one LLM session.
pub struct LlmAgent {
    session: Arc<Session>,
    env: Environment<'static>,
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!(
            "{}\n[... cut at {n} characters]",
            s.chars().take(n).collect::<String>()
        )
    }
}

impl LlmAgent {
    /// An agent over a session.
    pub fn new(session: Arc<Session>) -> Self {
        let env = super::prompts::environment();
        Self { session, env }
    }

    fn context(&self, cx: &PhaseCx) -> Value {
        let s = &cx.ds.spec;
        json!({
            "spec": {
                "name": s.name, "task": format!("{:?}", s.task), "metric": s.metric.to_string(),
                "id": s.id, "targets": s.targets,
            },
            "higher_is_better": s.metric.higher_is_better(),
            "overview": cut(cx.overview.trim(), 2500),
            "phase_number": cx.phase.index() + 1,
            "phases": PHASES.len(),
            "folds_min": cv::FOLDS.start(),
            "folds_max": cv::FOLDS.end(),
            "families": Family::all()
                .map(|f| json!({"name": f.name(), "note": f.note()}))
                .collect::<Vec<_>>(),
            "phase_title": cx.phase.title(),
            "phase_slug": cx.phase.slug(),
            "work": match cx.phase.spec().work {
                WorkKind::Analysis => "analysis",
                WorkKind::Program => "program",
                WorkKind::Models => "models",
            },
            "proposals": cx.phase.spec().proposals,
            "phase_goal": cx.phase.goal(),
            "rows": cx.profile.rows,
            "test_rows": cx.profile.test_rows,
            "profile": cut(&cx.profile.to_string(), 6000),
            "previous_report": cut(cx.previous_report.trim(), 2000),
            "instructions": cx.instructions,
            "redo": cx.redo,
        })
    }

    /// Renders, asks, parses; one fix turn on an unusable reply. Err says why nothing usable came.
    #[allow(clippy::too_many_arguments)]
    fn ask<T>(
        &self,
        role: &str,
        template: &str,
        cx: &PhaseCx,
        extra: Value,
        duty: &str,
        shape: &str,
        schema: Value,
        check: impl Fn(&Value) -> Result<T, ReplyError>,
    ) -> Result<T, NoReply> {
        if self.session.endpoint(role).is_none() {
            return Err(NoReply::Offline);
        }
        let mut ctx = self.context(cx);
        if let (Some(o), Value::Object(e)) = (ctx.as_object_mut(), extra) {
            o.extend(e);
        }
        let render = |name: &str, ctx: &Value| {
            self.env
                .get_template(name)
                .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(ctx))))
                .map_err(|e| format!("template {name}: {e}"))
        };
        // The system prompt and the context are the same for every role of a phase, and come first
        // so providers can cache them; the role and its task come last.
        let system = render("system.j2", &json!({}))?;
        let prefix = render("context.j2", &ctx)?;
        let task = render(template, &ctx)?
            + &render(
                "role.j2",
                &json!({"role": role, "duty": duty, "shape": shape}),
            )?;
        let mut messages = vec![Message::user(task)];
        let mut turn = 0;
        loop {
            let req = Request {
                system: system.clone(),
                prefix: prefix.clone(),
                messages: messages.clone(),
                schema: Some((role.to_string(), schema.clone())),
            };
            let text = self
                .session
                .ask(role, cx.phase.slug(), req)
                .map_err(|e| e.to_string())?;
            match extract(&text).and_then(|v| check(&v)) {
                Ok(t) => {
                    self.session.answered(role);
                    return Ok(t);
                }
                Err(e) if turn < FIX_TURNS => {
                    turn += 1;
                    messages.push(Message::assistant(text));
                    messages.push(Message::user(format!(
                        "That reply could not be used: {e}. Reply again with only the JSON object, shaped like {shape}"
                    )));
                }
                Err(e) => return Err(NoReply::Unusable(e.to_string())),
            }
        }
    }

    fn fallback<T>(
        &self,
        role: &str,
        cx: &PhaseCx,
        r: Result<T, NoReply>,
        offline: impl FnOnce() -> T,
    ) -> T {
        r.unwrap_or_else(|no| {
            if let NoReply::Unusable(why) = no
                && self.session.fell_back(role, &why)
            {
                self.session.note(format!(
                    "{role} ({}): no usable LLM reply ({why}); the offline policy answered (later fallbacks of this role are counted in the summary)",
                    cx.phase.slug()
                ));
            }
            offline()
        })
    }
}

impl Reader for LlmAgent {
    fn read(&self, cx: &PhaseCx) -> Reading {
        let r = self.ask(
            "reader",
            "reader.j2",
            cx,
            json!({}),
            "You read the competition and state it for the team. Only if the overview or the files show that the inferred id, targets, task or metric is wrong, add a correction {\"field\": \"id\"|\"targets\"|\"task\"|\"metric\", \"value\": ..., \"reason\": ...}; it is checked against the files and the overview before it is applied.",
            r#"{"summary": "<markdown>", "corrections": []}"#,
            replies::schema::<ReadingReply>(),
            |v| {
                let r: ReadingReply = replies::parse(v)?;
                Ok(Reading {
                    summary: r.summary.trim().to_string(),
                    corrections: r.corrections(),
                })
            },
        );
        self.fallback("reader", cx, r, || OfflinePolicy.read(cx))
    }
}

impl Planner for LlmAgent {
    fn plan(&self, cx: &PhaseCx) -> String {
        let r = self.ask(
            "planner",
            "planner.j2",
            cx,
            json!({"tools": phase_tools(cx.phase)}),
            "You plan one phase in a few concrete steps; the developer turns your plan into tool calls.",
            r#"{"plan": "1. ...\n2. ..."}"#,
            replies::schema::<replies::Plan>(),
            |v| replies::parse::<replies::Plan>(v).map(|p| p.plan.trim().to_string()),
        );
        self.fallback("planner", cx, r, || OfflinePolicy.plan(cx))
    }
}

/// A search plan from the developer's reply.
fn search_plan(v: &Value) -> Result<(usize, SearchPlan), ReplyError> {
    let r: SearchReply = replies::parse(v)?;
    let draws = r
        .draws
        .iter()
        .map(|d| (d.family, d.count.0 as usize))
        .collect();
    Ok((
        r.folds.0 as usize,
        SearchPlan {
            families: r.families,
            draws,
        },
    ))
}

impl Developer for LlmAgent {
    fn develop(&self, cx: &PhaseCx, plan: &str, feedback: &[String]) -> Work {
        let tools = phase_tools(cx.phase);
        let names: Vec<Value> = tools.iter().map(|t| t["name"].clone()).collect();
        let extra = json!({"plan": plan, "feedback": feedback, "tools": tools});
        match cx.phase.spec().work {
            WorkKind::Program => {
                let proposing = cx.phase.spec().proposals;
                let mut schema = json!({"type": "object", "properties": {"steps": {"type": "array", "maxItems": 12, "items": {
                    "type": "object",
                    "properties": {"tool": {"enum": names},
                                   "args": {"type": "object", "additionalProperties": true}},
                    "required": ["tool", "args"]}}}, "required": ["steps"]});
                if proposing {
                    proposals::extend_schema(&mut schema);
                }
                let r = self.ask(
                    "developer",
                    "developer.j2",
                    cx,
                    extra,
                    "You turn the phase's plan into a program of toolkit calls.",
                    if proposing {
                        proposals::SHAPE
                    } else {
                        r#"{"steps": [{"tool": "<tool name>", "args": {...}}]}"#
                    },
                    schema,
                    |v| {
                        if proposing {
                            proposals::program(v)
                        } else {
                            Ok(Program::from_json(&v.to_string())?)
                        }
                    },
                );
                let offline = || OfflinePolicy.develop(cx, plan, feedback);
                match r {
                    Ok(program) => Work::Program { program },
                    Err(why) => self.fallback("developer", cx, Err(why), offline),
                }
            }
            WorkKind::Models => {
                let r = self.ask(
                    "developer",
                    "developer.j2",
                    cx,
                    extra,
                    "You choose the models and the search for the modeling phase.",
                    r#"{"folds": 5, "families": ["gbm", "linear", "forest"], "draws": [{"family": "gbm", "count": 4}]}"#,
                    replies::schema::<SearchReply>(),
                    search_plan,
                );
                match r {
                    Ok((folds, plan)) => {
                        let rows = cx.profile.rows;
                        let outputs = offline::outputs(cx);
                        let mut candidates = search::candidates(&plan, rows, outputs, cx.seed);
                        // Every candidate the offline policy would try follows the LLM's, so LLM
                        // mode searches at least what offline searches (the blend, greedy on
                        // out-of-fold scores, keeps only what does not lower CV).
                        let (_, theirs) = offline::candidates(rows, outputs, cx.seed);
                        for d in theirs {
                            if !candidates.iter().any(|c| c.kind == d.kind) {
                                candidates.push(d);
                            }
                        }
                        Work::Models { folds, candidates }
                    }
                    Err(why) => self.fallback("developer", cx, Err(why), || {
                        OfflinePolicy.develop(cx, plan, feedback)
                    }),
                }
            }
            // Analysis phases have nothing to hand over beyond the profile: no call.
            WorkKind::Analysis => Work::Analysis,
        }
    }
}

impl Reviewer for LlmAgent {
    fn review(&self, cx: &PhaseCx, o: &Outcome) -> Review {
        let extra = json!({
            "plan": "", "steps": o.steps, "gates": o.gates, "cv": o.cv,
            "baseline": o.baseline, "attempts": o.attempts,
        });
        let r = self.ask(
            "reviewer",
            "reviewer.j2",
            cx,
            extra,
            "You score the planner and developer of a phase on its evidence: gates, what the program changed, CV scores.",
            r#"{"scores": [{"agent": "planner", "score": 4, "reason": "..."}, {"agent": "developer", "score": 3, "reason": "..."}], "suggestions": ["..."]}"#,
            replies::schema::<ReviewReply>(),
            |v| {
                let r: ReviewReply = replies::parse(v)?;
                let scores = r
                    .scores
                    .into_iter()
                    .map(|s| {
                        let who = serde_json::to_value(s.agent)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default();
                        (who, s.score.0 as u8, s.reason)
                    })
                    .collect();
                Ok(Review {
                    scores,
                    suggestions: r.suggestions,
                })
            },
        );
        self.fallback("reviewer", cx, r, || OfflinePolicy.review(cx, o))
    }
}

impl Summarizer for LlmAgent {
    fn summarize(&self, cx: &PhaseCx, plan: &str, o: &Outcome, review: &Review) -> String {
        let facts = Summarizer::summarize(&OfflinePolicy, cx, plan, o, review);
        let extra = json!({
            "plan": plan, "steps": o.steps, "gates": o.gates, "cv": o.cv, "attempts": o.attempts,
            "passed": gate_counts(o.gates).0, "applicable": gate_counts(o.gates).1, "scores": review.scores,
        });
        let r = self.ask(
            "summarizer",
            "summarizer.j2",
            cx,
            extra,
            "You write the phase's report for a data scientist, from the evidence only.",
            r#"{"report": "<markdown>"}"#,
            replies::schema::<Report>(),
            |v| replies::parse::<Report>(v).map(|r| r.report.trim().to_string()),
        );
        match r {
            // The narrative first, then the evidence it is drawn from, so a reader can check it.
            Ok(text) => {
                let body = facts.split_once('\n').map_or("", |x| x.1);
                format!("# {}\n\n## Summary\n\n{text}\n{body}", cx.phase.title())
            }
            Err(why) => self.fallback("summarizer", cx, Err(why), || facts),
        }
    }

    fn research_report(&self, cx: &PhaseCx, reports: &str, results: &str) -> Option<String> {
        let r = self.ask(
            "summarizer",
            "research.j2",
            cx,
            json!({"reports": cut(reports, 9000), "results": results}),
            "You write the run's research report for a data scientist, from the evidence only.",
            r#"{"report": "<markdown>"}"#,
            replies::schema::<Report>(),
            |v| replies::parse::<Report>(v).map(|r| r.report.trim().to_string()),
        );
        self.fallback("summarizer", cx, r.map(Some), || None)
    }
}
