//! The orchestrator: six phases, each planner -> developer -> gates -> reviewer -> summarizer, with
//! failed gates fed back to the developer a bounded number of times, and a safe fallback so every run
//! ends with a submission.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use autokaggle_agents::llm::{Ledger, LlmAgent, Session};
use autokaggle_agents::offline::OfflinePolicy;
use autokaggle_agents::phase::PHASES;
use autokaggle_agents::roles::{Outcome, PhaseCx};
use autokaggle_agents::{Developer, Phase, Planner, Reader, Review, Reviewer, Summarizer, Work};
use autokaggle_toolkit::models::cv::{self, CvResult, ModelSpec};
use autokaggle_toolkit::models::problem::Problem;
use autokaggle_toolkit::models::submission;
use autokaggle_toolkit::spec::{self, Resolved};
use autokaggle_toolkit::tool::Category;
use autokaggle_toolkit::{Dataset, Profile, Program, Step, frame};
use serde::Serialize;
use serde_json::json;

use crate::gates::{self, GateCx, Verdict};
use crate::steer::{Decision, Event, Intervention, PhaseState, Steer, Stop, Stopped};
use crate::store::RunDir;

/// Attempts per phase before the safe fallback.
pub const MAX_ATTEMPTS: usize = 3;

/// How to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Competition folder.
    pub competition: PathBuf,
    /// Where run directories go.
    pub out: PathBuf,
    /// Seconds for the whole run; the model search stops trying candidates when it would exceed it.
    pub time_budget: f64,
    /// Seed for folds and models.
    pub seed: u64,
    /// Print progress to stderr.
    pub progress: bool,
    /// Replaying this run directory: its model candidates are tried again, none cut by time.
    pub replay: Option<PathBuf>,
    /// The user's instructions, given to every role in every phase.
    pub instructions: Vec<String>,
    /// Resume this run directory: finished phases are read back, not redone.
    pub resume: Option<PathBuf>,
}

impl RunConfig {
    /// A headless run of `competition` into `out` with the default budget (50 s) and no LLM record,
    /// instructions or resume; set other fields with struct update syntax.
    pub fn new(competition: PathBuf, out: PathBuf, seed: u64) -> Self {
        Self {
            competition,
            out,
            time_budget: 50.0,
            seed,
            progress: false,
            replay: None,
            instructions: vec![],
            resume: None,
        }
    }
}

/// One phase's line in the final table.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PhaseSummary {
    /// The phase.
    pub phase: Phase,
    /// Gates passed.
    pub passed: usize,
    /// Gates run.
    pub gates: usize,
    /// Attempts used.
    pub attempts: usize,
    /// Whether the safe fallback produced the result.
    pub fallback: bool,
    /// Seconds.
    pub seconds: f64,
    /// Skipped by the person at the helm.
    #[serde(default)]
    pub skipped: bool,
}

/// What a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    /// The run directory.
    pub run_dir: PathBuf,
    /// The submission file.
    pub submission: PathBuf,
    /// Per phase.
    pub phases: Vec<PhaseSummary>,
    /// (model, CV mean, CV std).
    pub cv: Vec<(String, f64, f64)>,
    /// The blend's out-of-fold score and weights.
    pub blend: (f64, Vec<(String, f64)>),
    /// The trivial baseline.
    pub baseline: f64,
    /// Metric name.
    pub metric: String,
    /// Total seconds.
    pub seconds: f64,
    /// LLM usage, when any role used one.
    pub llm: Option<Ledger>,
}

/// Progress on stderr. On a terminal, transient lines (a step, a fold) overwrite each other in place
/// and lasting lines (a phase, a score, a failure) stay; piped into a log, every line is kept.
struct Progress {
    on: bool,
    tty: bool,
    transient: std::cell::Cell<bool>,
    human: Option<Arc<dyn Steer>>,
}

impl Progress {
    fn new(on: bool, human: Option<Arc<dyn Steer>>) -> Self {
        Self {
            on,
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            transient: std::cell::Cell::new(false),
            human,
        }
    }

    /// Tells the person at the helm, if there is one.
    fn tell(&self, e: Event) {
        if let Some(h) = &self.human {
            h.event(e);
        }
    }

    /// A line that stays.
    fn say(&self, msg: &str) {
        self.tell(Event::Log(msg.to_string()));
        if !self.on {
            return;
        }
        if self.transient.replace(false) {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{msg}");
    }

    /// A line the next one replaces (on a terminal).
    fn tick(&self, msg: &str) {
        self.tell(Event::Log(msg.to_string()));
        if !self.on {
            return;
        }
        if self.tty {
            eprint!("\r\x1b[2K{msg}");
            self.transient.set(true);
        } else {
            eprintln!("{msg}");
        }
    }
}

/// The roles a run uses: the offline policy, or LLM agents (which fall back to it) over a session.
pub struct Roles {
    /// Reader.
    pub reader: Box<dyn Reader>,
    /// Planner.
    pub planner: Box<dyn Planner>,
    /// Developer.
    pub developer: Box<dyn Developer>,
    /// Reviewer.
    pub reviewer: Box<dyn Reviewer>,
    /// Summarizer.
    pub summarizer: Box<dyn Summarizer>,
    /// The LLM session behind LLM roles (usage, `llm.jsonl`, notes).
    pub llm: Option<Arc<Session>>,
    /// The person at the helm (the TUI): told everything, asked at two stops per phase.
    pub human: Option<Arc<dyn Steer>>,
}

impl Default for Roles {
    fn default() -> Self {
        Self {
            reader: Box::new(OfflinePolicy),
            planner: Box::new(OfflinePolicy),
            developer: Box::new(OfflinePolicy),
            reviewer: Box::new(OfflinePolicy),
            summarizer: Box::new(OfflinePolicy),
            llm: None,
            human: None,
        }
    }
}

impl Roles {
    /// Every role over an LLM session; roles the config leaves offline use the offline policy.
    pub fn llm(session: Arc<Session>) -> Self {
        let agent = || Box::new(LlmAgent::new(session.clone()));
        Self {
            reader: agent(),
            planner: agent(),
            developer: agent(),
            reviewer: agent(),
            summarizer: agent(),
            llm: Some(session.clone()),
            human: None,
        }
    }
}

/// Runs every phase on a competition folder.
pub fn run(cfg: &RunConfig) -> Result<RunSummary> {
    run_with(cfg, &Roles::default())
}

/// Runs every phase on a competition folder with the given roles.
pub fn run_with(cfg: &RunConfig, roles: &Roles) -> Result<RunSummary> {
    let resolved = spec::resolve(&cfg.competition)?;
    let ds = Dataset::load(&resolved)?;
    let overview =
        std::fs::read_to_string(resolved.path(&resolved.spec.files.overview)).unwrap_or_default();
    run_dataset(cfg, &resolved, ds, &overview, roles)
}

/// The modeling phase's products.
struct Modeled {
    results: Vec<CvResult>,
    blend: cv::Blend,
    baseline: f64,
    charts: Vec<autokaggle_toolkit::eda::Chart>,
    submission: frame::DataFrame,
}

/// Runs every phase on a loaded dataset.
pub fn run_dataset(
    cfg: &RunConfig,
    resolved: &Resolved,
    mut ds: Dataset,
    overview: &str,
    roles: &Roles,
) -> Result<RunSummary> {
    // Time spent waiting for the person at the helm is added back, so it never eats the budget.
    let mut start = Instant::now();
    let say = Progress::new(cfg.progress, roles.human.clone());
    let spec_json = |ds: &Dataset| {
        json!({"spec": ds.spec, "data_dir": resolved.data_dir, "notes": ds.notes,
            "competition": cfg.competition, "seed": cfg.seed, "time_budget": cfg.time_budget,
            "instructions": cfg.instructions})
    };
    // Resuming: the phases state.json lists as finished are read back from their files.
    let (dir, mut finished, mut saved) = match &cfg.resume {
        Some(path) => {
            let dir = RunDir::open(path)?;
            let state: serde_json::Value = std::fs::read_to_string(dir.path.join("state.json"))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(json!({"finished": [], "phases": []}));
            let finished: Vec<Phase> =
                serde_json::from_value(state["finished"].clone()).unwrap_or_default();
            let saved: Vec<PhaseSummary> =
                serde_json::from_value(state["phases"].clone()).unwrap_or_default();
            let spec = crate::store::read_json(
                &dir.path.join("spec.json"),
                "not a run directory (no spec.json)",
            )?;
            // The reader may have corrected the spec; spec.json holds the spec in force.
            ds.spec = serde_json::from_value(spec["spec"].clone())
                .context("spec.json: the recorded spec")?;
            (dir, finished, saved)
        }
        None => {
            let dir = RunDir::create(&cfg.out, &ds.spec.name)?;
            dir.write_json("spec.json", &spec_json(&ds))?;
            (dir, vec![], vec![])
        }
    };
    // The modeling phase is redone on resume: its models live only in memory until the submission.
    finished.retain(|p| *p != Phase::ModelBuilding);
    saved.retain(|s| finished.contains(&s.phase));
    say.say(&format!("run directory: {}", dir.path.display()));
    say.tell(Event::RunDir(dir.path.clone()));
    // Everything the person did so far (a resumed run keeps their instructions).
    let mut interventions = crate::steer::recorded(&dir.path)?;
    let mut instructions: Vec<String> = cfg.instructions.clone();
    instructions.extend(
        interventions
            .iter()
            .filter(|i| i.action == "instruct")
            .map(|i| i.detail.clone()),
    );
    for (pi, phase) in PHASES.iter().enumerate() {
        let state = match saved.iter().find(|s| s.phase == *phase) {
            Some(s) if s.skipped => PhaseState::Skipped,
            Some(s) if s.passed == s.gates => PhaseState::Passed,
            Some(_) => PhaseState::Failed,
            None => PhaseState::Waiting,
        };
        say.tell(Event::Phase(pi, state));
    }
    if let Some(session) = &roles.llm {
        session.attach(&dir.path);
    }
    let mut previous_report = String::new();
    // The modeling phase's profile, reused by the research report (modeling leaves the data as is).
    let mut last_profile: Option<Profile> = None;
    let mut summaries = Vec::new();
    let mut modeled: Option<Modeled> = None;
    for (pi, &phase) in PHASES.iter().enumerate() {
        let t0 = Instant::now();
        let pdir = phase.dir_name();
        if finished.contains(&phase) {
            say.say(&format!(
                "[{}/6] {} (finished before; read back)",
                pi + 1,
                phase.title()
            ));
            let p = dir.path.join(&pdir);
            previous_report = std::fs::read_to_string(p.join("report.md"))
                .with_context(|| format!("resuming: {}", p.join("report.md").display()))?;
            if matches!(phase, Phase::DataCleaning | Phase::FeatureEngineering) {
                ds.train = frame::read_parquet(&p.join("train.parquet"))?;
                ds.test = frame::read_parquet(&p.join("test.parquet"))?;
            }
            if let Some(s) = saved.iter().find(|s| s.phase == phase) {
                summaries.push(s.clone());
            }
            continue;
        }
        say.say(&format!("[{}/6] {}", pi + 1, phase.title()));
        say.tell(Event::Phase(pi, PhaseState::Running));
        let profile = Profile::of(&ds)?;
        let mut redo: Vec<String> = Vec::new();
        let mut corrected: Option<Dataset> = None;
        let mut plan = String::new();
        // The person's program, run as the next attempt instead of the developer's.
        let mut forced: Option<Work> = None;
        let mut skipped = false;
        let (next, verdicts, attempt, fallback, report) = 'phase: loop {
            let cx = PhaseCx {
                phase,
                ds: &ds,
                profile: &profile,
                overview,
                previous_report: &previous_report,
                instructions: &instructions,
                seed: cfg.seed,
                redo: &redo,
            };
            if forced.is_none() {
                plan = roles.planner.plan(&cx);
                if phase == Phase::UnderstandBackground {
                    let reading = roles.reader.read(&cx);
                    let (text, applied) =
                        check_corrections(cfg, resolved, &ds, &reading.corrections);
                    plan = format!("{}\n\n{text}{plan}", reading.summary);
                    if !ds.notes.is_empty() {
                        plan.push_str("\n\n## Adapted when the files were read\n\n");
                        for n in &ds.notes {
                            say.say(&format!("  note: {n}"));
                            plan.push_str(&format!("- {n}\n"));
                        }
                    }
                    corrected = applied;
                }
                dir.write(&format!("{pdir}/plan.md"), &plan)?;
                say.tell(Event::Plan(plan.clone()));
                if let Some(human) = &roles.human {
                    let refuse = |d: &Decision| match d {
                        Decision::Skip
                            if !matches!(phase, Phase::PreliminaryEda | Phase::InDepthEda) =>
                        {
                            Some("only the EDA phases can be skipped".to_string())
                        }
                        Decision::EditProgram(_) => Some(
                            "there is no program yet: approve the plan, then edit the program at \
                             the next stop"
                                .into(),
                        ),
                        _ => None,
                    };
                    let asked = Asked {
                        pi,
                        phase,
                        stop: Stop::Plan,
                    };
                    match ask(
                        human.as_ref(),
                        asked,
                        refuse,
                        &say,
                        &dir,
                        &mut interventions,
                        &mut start,
                    )? {
                        Decision::Approve => {}
                        Decision::EditPlan(p) => {
                            dir.write(&format!("{pdir}/plan_before_edit.md"), &plan)?;
                            plan = p;
                            dir.write(&format!("{pdir}/plan.md"), &plan)?;
                            say.tell(Event::Plan(plan.clone()));
                        }
                        Decision::Instruct(text) => {
                            say.say(&format!("  instruction: {text}"));
                            instructions.push(text);
                            continue 'phase;
                        }
                        Decision::Redo => continue 'phase,
                        Decision::Skip => {
                            skipped = true;
                            let report = format!(
                                "# {}\n\nSkipped at the person's request.\n",
                                phase.title()
                            );
                            dir.write(&format!("{pdir}/report.md"), &report)?;
                            break 'phase (ds.clone(), vec![], 0, false, report);
                        }
                        Decision::Quit => bail!(Stopped {
                            run_dir: dir.path.clone()
                        }),
                        Decision::EditProgram(_) => unreachable!("refused above"),
                    }
                    say.tell(Event::Phase(pi, PhaseState::Running));
                }
            }
            let mut feedback: Vec<String> = Vec::new();
            let mut log = String::new();
            let mut attempt = 0;
            let mut fallback = false;
            let (next, verdicts, steps) = loop {
                attempt += 1;
                let work = if attempt > MAX_ATTEMPTS {
                    fallback = true;
                    safe_work(phase)
                } else if let Some(w) = forced.take() {
                    w
                } else {
                    roles.developer.develop(&cx, &plan, &feedback)
                };
                dir.write_json(&format!("{pdir}/program.json"), &work)?;
                say.tell(Event::Program(work.clone()));
                match execute(cfg, &dir, &pdir, phase, &ds, &work, &say, start) {
                    Ok((out, logs, m)) => {
                        let files = (
                            dir.path.join(format!("{pdir}/train.parquet")),
                            dir.path.join(format!("{pdir}/test.parquet")),
                        );
                        let written = matches!(work, Work::Program { .. })
                            .then(|| (files.0.as_path(), files.1.as_path()));
                        let gcx = GateCx {
                            phase,
                            before: &ds,
                            after: &out,
                            logs: &logs,
                            files: written,
                            submission: m.as_ref().map(|m| &m.submission),
                            cv: m.as_ref().map(|m| {
                                (m.blend.score, m.baseline, ds.spec.metric.higher_is_better())
                            }),
                        };
                        let verdicts = gates::check(&gcx);
                        let steps: Vec<String> = logs.iter().map(ToString::to_string).collect();
                        for s in &steps {
                            log.push_str(&format!("attempt {attempt}: {s}\n"));
                        }
                        let failed: Vec<&Verdict> = verdicts.iter().filter(|v| !v.passed).collect();
                        if failed.is_empty() || fallback {
                            if let Some(m) = m {
                                modeled = Some(m);
                            }
                            break (out, verdicts, steps);
                        }
                        for f in failed {
                            say.say(&format!("  gate {} failed: {}", f.gate, f.message));
                            log.push_str(&format!(
                                "attempt {attempt}: gate {} failed: {}\n",
                                f.gate, f.message
                            ));
                            feedback.push(format!("gate {}: {}", f.gate, f.message));
                        }
                    }
                    Err(e) => {
                        let msg = format!("{e:#}");
                        say.say(&format!("  attempt {attempt} failed: {msg}"));
                        log.push_str(&format!("attempt {attempt}: error: {msg}\n"));
                        if fallback {
                            bail!("{}: even the safe fallback failed: {msg}", phase.title());
                        }
                        feedback.push(msg);
                    }
                }
            };
            let cv_rows: Vec<(String, f64, f64)> = modeled
                .as_ref()
                .filter(|_| phase == Phase::ModelBuilding)
                .map(|m| {
                    m.results
                        .iter()
                        .map(|r| (r.model.name.clone(), r.mean, r.std))
                        .collect()
                })
                .unwrap_or_default();
            let gate_rows: Vec<(String, bool, String)> = verdicts
                .iter()
                .map(|v| (v.gate.to_string(), v.passed, v.message.clone()))
                .collect();
            let outcome = Outcome {
                gates: &gate_rows,
                steps: &steps,
                cv: &cv_rows,
                baseline: modeled
                    .as_ref()
                    .filter(|_| phase == Phase::ModelBuilding)
                    .map(|m| m.baseline),
                attempts: attempt,
            };
            let review: Review = roles.reviewer.review(&cx, &outcome);
            say.tell(Event::Gates(gate_rows.clone()));
            say.tell(Event::Review(review.clone()));
            if !cv_rows.is_empty() {
                say.tell(Event::Cv(cv_rows.clone()));
            }
            let mut report = roles.summarizer.summarize(&cx, &plan, &outcome, &review);
            let t_charts = Instant::now();
            let charts = if matches!(phase, Phase::PreliminaryEda | Phase::InDepthEda) {
                // A chart never fails a run: on an error the phase goes on without charts.
                let c = autokaggle_toolkit::eda::charts(&ds, &dir.path.join(&pdir).join("charts"))
                    .unwrap_or_else(|e| {
                        log.push_str(&format!("charts skipped: {e}\n"));
                        vec![]
                    });
                log.push_str(&format!(
                    "charts: {} in {:.2} s\n",
                    c.len(),
                    t_charts.elapsed().as_secs_f64()
                ));
                c
            } else if phase == Phase::ModelBuilding {
                modeled
                    .as_ref()
                    .map(|m| m.charts.clone())
                    .unwrap_or_default()
            } else {
                vec![]
            };
            if !charts.is_empty() {
                dir.write_json(&format!("{pdir}/charts.json"), &charts)?;
                report.push_str("\n## Charts\n");
                for c in &charts {
                    report.push_str(&format!(
                        "\n### {}\n\n![{}](charts/{})\n\n{}\n",
                        c.title, c.title, c.file, c.stats
                    ));
                }
            }
            if matches!(phase, Phase::PreliminaryEda | Phase::InDepthEda) {
                report.push_str(&format!("\n## Data profile\n\n```\n{profile}```\n"));
                dir.write(&format!("{pdir}/profile.txt"), &profile.to_string())?;
            }
            dir.write_json(&format!("{pdir}/gates.json"), &verdicts)?;
            dir.write_json(&format!("{pdir}/review.json"), &review)?;
            if let Some(session) = &roles.llm {
                for n in session.take_notes() {
                    say.say(&format!("  {n}"));
                    log.push_str(&format!("llm: {n}\n"));
                }
            }
            dir.write(&format!("{pdir}/output.log"), &log)?;
            dir.write(&format!("{pdir}/report.md"), &report)?;
            if let Some(session) = &roles.llm {
                let l = session.ledger();
                say.tell(Event::Usage(
                    l.total.calls as u64,
                    l.total.input_tokens + l.total.output_tokens,
                    l.total.usd.unwrap_or(0.0),
                ));
            }
            if let Some(human) = &roles.human {
                let refuse = |d: &Decision| match d {
                    Decision::Skip | Decision::EditPlan(_) => Some(
                        "the phase has run: redo it (r) to plan again, or edit its program (p)"
                            .to_string(),
                    ),
                    Decision::EditProgram(w) => check_edit(cfg, phase, &ds, w).err(),
                    _ => None,
                };
                let asked = Asked {
                    pi,
                    phase,
                    stop: Stop::Gates,
                };
                match ask(
                    human.as_ref(),
                    asked,
                    refuse,
                    &say,
                    &dir,
                    &mut interventions,
                    &mut start,
                )? {
                    Decision::Approve => break 'phase (next, verdicts, attempt, fallback, report),
                    Decision::EditProgram(w) => forced = Some(w),
                    Decision::Instruct(text) => {
                        say.say(&format!("  instruction: {text}"));
                        instructions.push(text);
                    }
                    Decision::Redo => {}
                    Decision::Quit => bail!(Stopped {
                        run_dir: dir.path.clone()
                    }),
                    Decision::Skip | Decision::EditPlan(_) => unreachable!("refused above"),
                }
                // An edited program reruns the phase from its plan; the rest plan it again.
                say.tell(Event::Phase(pi, PhaseState::Running));
                continue 'phase;
            }
            // A low review (from an LLM reviewer: the offline policy would only repeat itself) redoes the
            // phase once, the planner revising its plan with the reviewer's suggestions.
            if redo.is_empty() && roles.llm.is_some() && review.min_score() < 3 {
                say.say(&format!(
                    "  review scored {}/5: redoing the phase with the reviewer's suggestions",
                    review.min_score()
                ));
                dir.write(&format!("{pdir}/plan_round1.md"), &plan)?;
                dir.write_json(&format!("{pdir}/review_round1.json"), &review)?;
                redo = if review.suggestions.is_empty() {
                    review
                        .scores
                        .iter()
                        .map(|s| format!("{}: {}", s.0, s.2))
                        .collect()
                } else {
                    review.suggestions.clone()
                };
                continue;
            }
            break (next, verdicts, attempt, fallback, report);
        };
        let passed = verdicts.iter().filter(|v| v.passed).count();
        summaries.push(PhaseSummary {
            phase,
            passed,
            gates: verdicts.len(),
            attempts: attempt,
            fallback,
            seconds: t0.elapsed().as_secs_f64(),
            skipped,
        });
        say.tell(Event::Phase(
            pi,
            if skipped {
                PhaseState::Skipped
            } else if passed == verdicts.len() {
                PhaseState::Passed
            } else {
                PhaseState::Failed
            },
        ));
        dir.write_json("state.json", &json!({"finished": summaries.iter().map(|s| s.phase).collect::<Vec<_>>(), "phases": summaries}))?;
        previous_report = report;
        last_profile = Some(profile);
        ds = next;
        if let Some(c) = corrected.take() {
            dir.write_json("spec.json", &spec_json(&c))?;
            say.say(&format!(
                "  spec corrected by the reader: id {}, targets {}, task {:?}, metric {:?}",
                c.spec.id,
                c.spec.targets.join(","),
                c.spec.task,
                c.spec.metric
            ));
            ds = c;
        }
    }
    let m = modeled.context("the modeling phase produced no submission")?;
    let sub_path = dir.path.join("submission.csv");
    frame::write_csv(&m.submission, &sub_path)?;
    let summary = RunSummary {
        run_dir: dir.path.clone(),
        submission: sub_path,
        cv: m
            .results
            .iter()
            .map(|r| (r.model.name.clone(), r.mean, r.std))
            .collect(),
        blend: (
            m.blend.score,
            m.results
                .iter()
                .zip(&m.blend.weights)
                .map(|(r, w)| (r.model.name.clone(), *w))
                .collect(),
        ),
        baseline: m.baseline,
        metric: format!("{:?}", ds.spec.metric),
        phases: summaries,
        seconds: start.elapsed().as_secs_f64(),
        llm: None,
    };
    let mut final_report = String::new();
    for p in PHASES {
        final_report.push_str(
            &std::fs::read_to_string(dir.path.join(format!("{}/report.md", p.dir_name())))
                .unwrap_or_default(),
        );
        final_report.push('\n');
    }
    let results = table(&summary);
    let profile = last_profile.map_or_else(|| Profile::of(&ds), Ok)?;
    let cx = PhaseCx {
        phase: Phase::ModelBuilding,
        ds: &ds,
        profile: &profile,
        overview,
        previous_report: &previous_report,
        instructions: &instructions,
        seed: cfg.seed,
        redo: &[],
    };
    if let Some(research) = roles
        .summarizer
        .research_report(&cx, &final_report, &results)
    {
        dir.write("research.md", &research)?;
        final_report = format!("# Research report\n\n{research}\n\n{final_report}");
    }
    final_report.push_str(&format!("\n# Result\n\n{results}\n"));
    dir.write("report.md", &final_report)?;
    // Usage is read after the research report, the run's last LLM call.
    let summary = RunSummary {
        llm: roles.llm.as_ref().map(|s| s.ledger()),
        ..summary
    };
    dir.write_json("summary.json", &summary)?;
    // The submission is already safe on disk; a report that fails to build is said, not fatal.
    match crate::report::html::build(&dir.path) {
        Ok(p) => say.say(&format!("report: {}", p.display())),
        Err(e) => say.say(&format!("report.html not built: {e:#}")),
    }
    Ok(summary)
}

/// Checks the reader's spec corrections against the files, in order. A competition.toml is the
/// user's word: its spec is shown the corrections but not changed. Returns the text for the plan
/// and the dataset under the corrected spec, if any correction stood.
fn check_corrections(
    cfg: &RunConfig,
    resolved: &Resolved,
    ds: &Dataset,
    corrections: &[spec::Correction],
) -> (String, Option<Dataset>) {
    if corrections.is_empty() {
        return (String::new(), None);
    }
    let from_toml = cfg.competition.join("competition.toml").exists();
    let mut text = String::from("## Spec corrections proposed by the reader\n\n");
    let mut current: Option<Dataset> = None;
    for c in corrections {
        let base = current.as_ref().unwrap_or(ds);
        let verdict = if from_toml {
            Err("not applied: competition.toml sets the spec; edit it to apply this".to_string())
        } else {
            spec::corrected(&base.spec, c).and_then(|s| {
                let f = &s.files;
                let paths = [
                    resolved.path(&f.train),
                    resolved.path(&f.test),
                    resolved.path(&f.sample_submission),
                ];
                Dataset::from_frames(
                    base.train.clone(),
                    base.test.clone(),
                    base.sample.clone(),
                    s,
                    [&paths[0], &paths[1], &paths[2]],
                )
                .map_err(|e| format!("rejected by the files: {e}"))
            })
        };
        let old = match c.field.as_str() {
            "id" => base.spec.id.clone(),
            "targets" => base.spec.targets.join(","),
            "task" => format!("{:?}", base.spec.task),
            "metric" => format!("{:?}", base.spec.metric),
            _ => "?".into(),
        };
        text.push_str(&format!(
            "- {}: {old} -> {} ({}): {}\n",
            c.field,
            c.value,
            c.reason,
            match &verdict {
                Ok(_) => "applied".to_string(),
                Err(e) => e.clone(),
            }
        ));
        if let Ok(d) = verdict {
            current = Some(d);
        }
    }
    text.push('\n');
    (text, current)
}

/// Which stop the person is asked at.
struct Asked {
    pi: usize,
    phase: Phase,
    stop: Stop,
}

/// Asks the person at the helm until they give a decision `refuse` lets through (a refusal goes
/// back to them with its reason), records it in `interventions.json`, and keeps the wait off the
/// run's clock (`start` moves forward by it).
fn ask(
    human: &dyn Steer,
    at: Asked,
    refuse: impl Fn(&Decision) -> Option<String>,
    say: &Progress,
    dir: &RunDir,
    interventions: &mut Vec<Intervention>,
    start: &mut Instant,
) -> Result<Decision> {
    say.tell(Event::Phase(at.pi, PhaseState::Awaiting));
    loop {
        let asked = Instant::now();
        let d = human.decide(at.phase, at.stop);
        *start += asked.elapsed();
        match refuse(&d) {
            Some(why) => say.tell(Event::Rejected(why)),
            None => {
                interventions.push(Intervention::of(at.phase, at.stop, &d));
                dir.write_json("interventions.json", interventions)?;
                return Ok(d);
            }
        }
    }
}

/// Checks a person's edited work before it runs: a program against the tools this phase may use
/// and a sample of the data; models by their folds and candidates.
fn check_edit(cfg: &RunConfig, phase: Phase, ds: &Dataset, w: &Work) -> Result<(), String> {
    match (phase, w) {
        (Phase::DataCleaning | Phase::FeatureEngineering, Work::Program { program }) => {
            let allowed = match phase {
                Phase::DataCleaning => [Category::Cleaning].as_slice(),
                _ => [Category::Cleaning, Category::Features].as_slice(),
            };
            program
                .validate(ds, Some(allowed), cfg.seed)
                .map_err(|e| format!("edited program not run: {e:#}"))
        }
        (Phase::ModelBuilding, Work::Models { folds, candidates }) => {
            if !(2..=20).contains(folds) {
                Err(format!(
                    "edited models not run: {folds} folds (use 2 to 20)"
                ))
            } else if candidates.is_empty() {
                Err("edited models not run: no candidate left".into())
            } else {
                Ok(())
            }
        }
        _ => Err(format!("{} has no program to edit", phase.title())),
    }
}

/// The work that always passes the gates: impute and encode everything, one default model.
fn safe_work(phase: Phase) -> Work {
    match phase {
        Phase::DataCleaning => Work::Program {
            program: Program {
                steps: vec![Step::new("fill_missing", json!({"strategy": "median"}))],
            },
        },
        Phase::FeatureEngineering => Work::Program {
            program: Program {
                steps: vec![
                    Step::new("ordinal_encode", json!({})),
                    Step::new("fill_missing", json!({"strategy": "median"})),
                ],
            },
        },
        Phase::ModelBuilding => Work::Models {
            folds: 3,
            candidates: vec![ModelSpec {
                name: "gbm_default".into(),
                kind: cv::ModelKind::Gbm(Default::default()),
            }],
        },
        _ => Work::Analysis,
    }
}

type Executed = (Dataset, Vec<autokaggle_toolkit::StepLog>, Option<Modeled>);

#[allow(clippy::too_many_arguments)]
fn execute(
    cfg: &RunConfig,
    dir: &RunDir,
    pdir: &str,
    phase: Phase,
    ds: &Dataset,
    work: &Work,
    say: &Progress,
    start: Instant,
) -> Result<Executed> {
    match work {
        Work::Analysis => Ok((ds.clone(), vec![], None)),
        Work::Program { program } => {
            let allowed = match phase {
                Phase::DataCleaning => [Category::Cleaning].as_slice(),
                _ => [Category::Cleaning, Category::Features].as_slice(),
            };
            program.validate(ds, Some(allowed), cfg.seed)?;
            let n = program.steps.len();
            let (out, logs) = program.run(ds, cfg.seed, &mut |i, t| {
                say.tick(&format!("  step {}/{n}: {t}", i + 1))
            })?;
            frame::write_parquet(&out.train, &dir.path.join(format!("{pdir}/train.parquet")))?;
            frame::write_parquet(&out.test, &dir.path.join(format!("{pdir}/test.parquet")))?;
            Ok((out, logs, None))
        }
        Work::Models { folds, candidates } => {
            let m = model(
                cfg,
                ds,
                *folds,
                candidates,
                say,
                start,
                &dir.path.join(pdir).join("charts"),
            )?;
            Ok((ds.clone(), vec![], Some(m)))
        }
    }
}

fn model(
    cfg: &RunConfig,
    ds: &Dataset,
    folds: usize,
    candidates: &[ModelSpec],
    say: &Progress,
    start: Instant,
    charts_dir: &std::path::Path,
) -> Result<Modeled> {
    let p = Problem::from_dataset(ds)?;
    let fold = cv::fold_ids(&p, folds, cfg.seed);
    let baseline = cv::baseline(&p);
    let mut results: Vec<CvResult> = Vec::new();
    let replayed = cfg.replay.as_deref().map(replayed_models).transpose()?;
    let candidates: Vec<ModelSpec> = match &replayed {
        Some(names) => candidates
            .iter()
            .filter(|c| names.contains(&c.name))
            .cloned()
            .collect(),
        None => candidates.to_vec(),
    };
    for (i, c) in candidates.iter().enumerate() {
        // Stop trying candidates when this one's cross-validation, its refit and the refits of the
        // models before it would overrun the budget. Its time is guessed from the same family's last
        // candidate, or from the slowest so far when the family is new.
        if replayed.is_none() && !results.is_empty() {
            let same = results
                .iter()
                .rev()
                .find(|r| std::mem::discriminant(&r.model.kind) == std::mem::discriminant(&c.kind));
            let guess = same.map_or_else(
                || results.iter().map(|r| r.seconds).fold(0.0, f64::max),
                |r| r.seconds,
            );
            let refits: f64 = results.iter().map(|r| r.seconds).sum::<f64>() / folds as f64;
            let projected =
                start.elapsed().as_secs_f64() + guess * (1.0 + 1.0 / folds as f64) * 1.1 + refits;
            if projected > cfg.time_budget {
                say.say(&format!(
                    "  time budget: skipping {} remaining candidate(s)",
                    candidates.len() - i
                ));
                break;
            }
        }
        let r = cv::cross_validate(&p, c, &fold, cfg.seed, &mut |f| {
            say.tick(&format!(
                "  candidate {}/{}: {} fold {}/{folds}",
                i + 1,
                candidates.len(),
                c.name,
                f + 1
            ))
        })?;
        say.say(&format!(
            "  {}: CV {:.5} ± {:.5} ({:.1}s)",
            c.name, r.mean, r.std, r.seconds
        ));
        results.push(r);
    }
    let blend = cv::greedy_blend(&p, &results, 20);
    say.say(&format!(
        "  blend: OOF {:.5} (baseline {baseline:.5}); refitting on all of train",
        blend.score
    ));
    let mut preds = Vec::new();
    let mut importance: Option<Vec<f64>> = None;
    for (r, w) in results.iter().zip(&blend.weights) {
        preds.push(if *w > 0.0 {
            let refit = cv::refit_predict(&p, &r.model, cfg.seed)?;
            // The blend's importance: each booster's gain weighted by its blend weight.
            if let Some(imp) = refit.importance {
                let total = importance.get_or_insert_with(|| vec![0.0; imp.len()]);
                total.iter_mut().zip(&imp).for_each(|(t, g)| *t += w * g);
            }
            refit.predictions
        } else {
            vec![vec![0.0; p.test_rows]; p.y.len()]
        });
    }
    let pred = cv::blend_predictions(&preds, &blend.weights);
    let submission = submission::build(ds, &p, &pred)?;
    let charts = crate::report::charts::model_charts(
        charts_dir,
        &p,
        &results,
        &blend,
        importance.as_deref(),
    )
    .unwrap_or_else(|e| {
        say.say(&format!("  charts skipped: {e}"));
        vec![]
    });
    Ok(Modeled {
        results,
        blend,
        baseline,
        submission,
        charts,
    })
}

/// The models a recorded run cross-validated (its time budget decided how many), so a replay tries
/// the same ones whatever this machine's speed.
fn replayed_models(run_dir: &std::path::Path) -> Result<Vec<String>> {
    let path = run_dir.join("summary.json");
    let v = crate::store::read_json(&path, "the recorded run has no summary")?;
    let names = v["cv"]
        .as_array()
        .with_context(|| format!("{}: no `cv` list", path.display()))?
        .iter()
        .filter_map(|r| r[0].as_str().map(String::from))
        .collect();
    Ok(names)
}

/// The final summary table, printed.
pub fn table(s: &RunSummary) -> String {
    let mut t = String::from("| phase | gates passed | attempts | seconds |\n|---|---|---|---|\n");
    for p in &s.phases {
        t.push_str(&format!(
            "| {} | {}/{} | {}{} | {:.1} |\n",
            p.phase.title(),
            p.passed,
            p.gates,
            p.attempts,
            if p.skipped {
                " (skipped)"
            } else if p.fallback {
                " (fallback)"
            } else {
                ""
            },
            p.seconds
        ));
    }
    t.push_str(&format!(
        "\n| model | CV {} (mean ± std) |\n|---|---|\n",
        s.metric
    ));
    for (m, mean, std) in &s.cv {
        t.push_str(&format!("| {m} | {mean:.5} ± {std:.5} |\n"));
    }
    let weights: Vec<String> = s
        .blend
        .1
        .iter()
        .filter(|w| w.1 > 0.0)
        .map(|(m, w)| format!("{m} {w:.2}"))
        .collect();
    t.push_str(&format!(
        "| blend ({}) | {:.5} (out-of-fold) |\n| trivial baseline | {:.5} |\n",
        weights.join(", "),
        s.blend.0,
        s.baseline
    ));
    if let Some(l) = &s.llm {
        t.push_str(&format!("\n{}", l.total.line()));
        if let Some(why) = &l.stopped {
            t.push_str(&format!(" (stopped: {why})"));
        }
        t.push('\n');
    }
    t.push_str(&format!(
        "\ntotal {:.1}s; submission: {}\n",
        s.seconds,
        s.submission.display()
    ));
    t
}
