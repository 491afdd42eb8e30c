//! The real binary in a terminal, driven by tmux, and the pipeline with a scripted person at
//! every stop.

use super::*;

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(name: &str, cmd: &str) -> Self {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", name])
            .output();
        // Killing the last session stops the tmux server; a new session asked for while it is
        // still exiting fails (seen under load), so it is asked for again.
        let ok = (0..10).any(|attempt| {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            std::process::Command::new("tmux")
                .args(["new-session", "-d", "-s", name, "-x", "80", "-y", "24", cmd])
                .status()
                .unwrap()
                .success()
        });
        assert!(ok, "tmux new-session");
        Self { name: name.into() }
    }
    fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn keys(&self, k: &str) {
        std::process::Command::new("tmux")
            .args(["send-keys", "-t", &self.name, k])
            .status()
            .unwrap();
    }
    fn wait(&self, text: &str) {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(180) {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
        panic!("waited 180 s for {text:?}; screen:\n{}", self.screen());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .output();
    }
}

fn actions(run: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(run.join("interventions.json")).unwrap_or_else(|_| "[]".into());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or(json!([]));
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_string())
        .collect()
}

fn wait_actions(run: &Path, n: usize) {
    let t0 = Instant::now();
    while actions(run).len() < n {
        assert!(t0.elapsed() < Duration::from_secs(60), "{:?}", actions(run));
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_person_carries_titanic_through_the_tui_with_edits_a_quit_and_a_resume() {
    let Some(titanic) = shared("titanic") else {
        return;
    };
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipping: tmux is not installed (.ci/run installs it)");
        return;
    }
    let out = tmp("tui-e2e");
    std::fs::create_dir_all(&out).unwrap();
    // $EDITOR: a script that edits the plan as a person would (keep Cabin).
    let editor = out.join("edit-plan.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/indicator: Cabin\\./indicator: none./' \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = env!("CARGO_BIN_EXE_autokaggle");
    let session = format!("ak-tui-{}", std::process::id());
    let t = Tmux::start(
        &session,
        &format!(
            "EDITOR={} {bin} tui --competition {} --out {}; echo EXITED $?; sleep 120",
            editor.display(),
            titanic.display(),
            out.display()
        ),
    );
    t.wait("Understand background: plan ready");
    let run: PathBuf = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    t.keys("Enter");
    t.wait("Understand background: ran");
    t.keys("Enter");
    t.wait("Preliminary EDA: plan ready");
    t.keys("r");
    wait_actions(&run, 3);
    t.wait("Preliminary EDA: plan ready");
    t.keys("Enter");
    t.wait("Preliminary EDA: ran");
    t.keys("Enter");
    t.wait("Data cleaning: plan ready");
    t.keys("e");
    t.wait("Data cleaning: ran");
    t.keys("Enter");
    t.wait("In-depth EDA: plan ready");
    t.keys("q");
    t.wait("EXITED 0");
    assert!(t.screen().contains("autokaggle resume"), "{}", t.screen());
    drop(t);
    let cleaning = run.join("3_data_cleaning");
    assert!(
        std::fs::read_to_string(cleaning.join("plan_before_edit.md"))
            .unwrap()
            .contains("was-missing indicator: Cabin.")
    );
    assert!(
        std::fs::read_to_string(cleaning.join("plan.md"))
            .unwrap()
            .contains("was-missing indicator: none.")
    );
    // The edited plan changed what ran: Cabin is no longer dropped.
    let prog = std::fs::read_to_string(cleaning.join("program.json")).unwrap();
    assert!(
        !prog.contains("drop_missing_columns") && !prog.contains("Cabin"),
        "{prog}"
    );
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let finished: Vec<_> = [
        "1_understand_background",
        "2_preliminary_eda",
        "3_data_cleaning",
    ]
    .iter()
    .map(|d| {
        (
            run.join(d).join("report.md"),
            mtime(&run.join(d).join("report.md")),
        )
    })
    .collect();

    let t = Tmux::start(
        &session,
        &format!(
            "{bin} tui --resume {}; echo EXITED $?; sleep 120",
            run.display()
        ),
    );
    t.wait("In-depth EDA: plan ready");
    t.keys("Enter");
    t.wait("In-depth EDA: ran");
    t.keys("Enter");
    t.wait("Feature engineering: plan ready");
    t.keys("Enter");
    t.wait("Feature engineering: ran");
    t.keys("p");
    t.wait("Program steps");
    t.keys("G");
    t.keys("d");
    t.keys("C-s");
    wait_actions(&run, 12);
    t.wait("Feature engineering: ran");
    t.keys("Enter");
    t.wait("Model building and prediction: plan ready");
    t.keys("Enter");
    t.wait("Model building and prediction: ran");
    t.keys("Enter");
    t.wait("done: blend accuracy");
    t.keys("q");
    t.wait("EXITED 0");
    drop(t);

    assert_eq!(
        actions(&run),
        [
            "approve",
            "approve",
            "redo",
            "approve",
            "approve",
            "edit_plan",
            "approve",
            "quit",
            "approve",
            "approve",
            "approve",
            "edit_program",
            "approve",
            "approve",
            "approve"
        ]
    );
    // Finished phases were read back, not redone.
    for (p, t0) in finished {
        assert_eq!(mtime(&p), t0, "{} was rewritten", p.display());
    }
    // The edited program is what ran last in feature engineering.
    let fe: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.join("5_feature_engineering/program.json")).unwrap(),
    )
    .unwrap();
    let recorded: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(run.join("interventions.json")).unwrap())
            .unwrap();
    let edited: serde_json::Value =
        serde_json::from_str(recorded[11]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(fe, edited);
    assert!(!fe.to_string().contains("select_variance"), "{fe}");
    let sub = std::fs::read_to_string(run.join("submission.csv")).unwrap();
    assert_eq!(sub.lines().next(), Some("PassengerId,Survived"));
    assert_eq!(sub.lines().count(), 419);
    assert!(
        sub.lines()
            .skip(1)
            .all(|l| l.ends_with(",0") || l.ends_with(",1"))
    );
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("Human interventions") && html.contains("edit_program"));
    std::fs::remove_dir_all(&out).unwrap();
}

// ---- the pipeline's stops, scripted (no screen) ----

/// Answers each stop from a script and keeps what the pipeline said.
struct Scripted {
    script: std::sync::Mutex<Vec<(Phase, Stop, Decision)>>,
    events: std::sync::Mutex<Vec<String>>,
}

impl autokaggle::steer::Steer for Scripted {
    fn event(&self, e: Event) {
        let text = match e {
            Event::Rejected(why) => format!("rejected: {why}"),
            Event::Phase(i, s) => format!("phase {i} {s:?}"),
            _ => return,
        };
        self.events.lock().unwrap().push(text);
    }
    fn decide(&self, phase: Phase, stop: Stop) -> Decision {
        let mut s = self.script.lock().unwrap();
        match s.iter().position(|(p, st, _)| *p == phase && *st == stop) {
            Some(i) => s.remove(i).2,
            None => Decision::Approve,
        }
    }
}

#[test]
fn the_pipeline_skips_instructs_and_validates_a_persons_program_before_running_it() {
    let root = tmp("steer");
    let comp = root.join("comp");
    autokaggle::demo::build_competition(&comp, 5).unwrap();
    let bad = Work::Program {
        program: Program {
            steps: vec![Step::new(
                "drop_columns",
                json!({"columns": ["no_such_column"]}),
            )],
        },
    };
    let good = Work::Program {
        program: Program {
            steps: vec![Step::new("fill_missing", json!({"strategy": "median"}))],
        },
    };
    let steer = std::sync::Arc::new(Scripted {
        script: std::sync::Mutex::new(vec![
            (Phase::PreliminaryEda, Stop::Plan, Decision::Skip),
            // Data cleaning cannot be skipped: refused, asked again, then an instruction.
            (Phase::DataCleaning, Stop::Plan, Decision::Skip),
            (
                Phase::DataCleaning,
                Stop::Plan,
                Decision::Instruct("keep every measurement".into()),
            ),
            (Phase::DataCleaning, Stop::Gates, Decision::EditProgram(bad)),
            (
                Phase::DataCleaning,
                Stop::Gates,
                Decision::EditProgram(good.clone()),
            ),
        ]),
        events: Default::default(),
    });
    let roles = autokaggle::orchestrator::Roles {
        human: Some(steer.clone()),
        ..Default::default()
    };
    let cfg = autokaggle::config::RunConfig::new(comp, root.join("runs"), 1);
    let s = autokaggle::orchestrator::run_with(&cfg, &roles).unwrap();
    let run = &s.run_dir;
    // The skipped phase: recorded, reported, shown as skipped.
    assert!(s.phases[1].skipped);
    assert!(
        std::fs::read_to_string(run.join("2_preliminary_eda/report.md"))
            .unwrap()
            .contains("Skipped at the person's request")
    );
    let events = steer.events.lock().unwrap().clone();
    assert!(
        events.contains(&"phase 1 Skipped".to_string()),
        "{events:?}"
    );
    assert!(events.contains(&"rejected: only the EDA phases can be skipped".to_string()));
    // The instruction reached the planner (the phase was planned again with it).
    let plan = std::fs::read_to_string(run.join("3_data_cleaning/plan.md")).unwrap();
    assert!(
        plan.contains("User instructions noted: keep every measurement"),
        "{plan}"
    );
    // The bad program was refused before running, with the column named; the good one ran.
    let refusal = events
        .iter()
        .find(|e| e.starts_with("rejected: edited program not run"))
        .unwrap();
    assert!(refusal.contains("no_such_column"), "{refusal}");
    let ran: Work = serde_json::from_str(
        &std::fs::read_to_string(run.join("3_data_cleaning/program.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(ran, good);
    let recorded = autokaggle::steer::recorded(run).unwrap();
    // As interventions.json spells them.
    let acts: Vec<String> = recorded
        .iter()
        .map(|i| {
            serde_json::to_value(i.action)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        acts,
        [
            "approve",
            "approve",
            "skip",
            "instruct",
            "approve",
            "edit_program",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve",
            "approve"
        ]
    );
    assert!(s.submission.exists());
    assert!(autokaggle::orchestrator::table(&s).contains("(skipped)"));
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("<b>skip</b>") && html.contains("keep every measurement"));
    std::fs::remove_dir_all(&root).unwrap();
}
