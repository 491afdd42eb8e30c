//! `autokaggle mcp` end to end with the official MCP Python client (`tests/mcp/client.py`, in a venv
//! `scripts/mcp-client.sh` makes from PyPI): every tool listed and called, a run with progress, a
//! prediction with its saved model, and a second run cancelled mid-way.

use std::path::{Path, PathBuf};
use std::process::Command;

use autokaggle_toolkit::registry;
use serde_json::Value;

use super::cli::tmp;

/// The venv's python, or None (with the reason printed) when PyPI cannot be reached.
fn mcp_python() -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mcp-client.sh");
    match Command::new(&script).output() {
        Ok(o) if o.status.success() => Some(PathBuf::from(
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )),
        Ok(o) => {
            eprintln!(
                "skipping: the MCP Python client could not be installed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("skipping: cannot run {}: {e}", script.display());
            None
        }
    }
}

/// A competition with the columns the toolkit's examples name: `id`, numbers `n1`..`n3` with
/// gaps, text `cat` with gaps, `cab` like `A/1/P`, dates `day`, and a binary target `y`.
fn example_competition(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let cats = ["red", "green", "blue", "teal"];
    let cabs = ["A/1/P", "B/22/S", "C/3/P"];
    let row = |i: usize| {
        let n1 = if i % 7 == 3 {
            String::new()
        } else {
            format!("{}", (i * 37 % 101) as f64 / 10.0)
        };
        let n2 = if i % 11 == 5 {
            String::new()
        } else {
            format!("{}", (i * 13 % 29) as f64 * 1.5)
        };
        let cat = if i % 9 == 4 { "" } else { cats[i % 4] };
        format!(
            "{},{n1},{n2},{},{cat},{},2021-{:02}-{:02}",
            i + 1,
            i % 5 * 2 + 1,
            cabs[i % 3],
            i % 12 + 1,
            i % 28 + 1
        )
    };
    let header = "id,n1,n2,n3,cat,cab,day";
    let mut train = format!("{header},y\n");
    for i in 0..400 {
        let y = u8::from((i * 37 % 101) > 50 || i % 4 == 0);
        train.push_str(&format!("{},{y}\n", row(i)));
    }
    let mut test = format!("{header}\n");
    let mut sample = String::from("id,y\n");
    for i in 400..500 {
        test.push_str(&format!("{}\n", row(i)));
        sample.push_str(&format!("{},0\n", i + 1));
    }
    std::fs::write(dir.join("train.csv"), train).unwrap();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    std::fs::write(dir.join("sample_submission.csv"), sample).unwrap();
    std::fs::write(
        dir.join("overview.txt"),
        "Predict y. Submissions are evaluated on accuracy.\n",
    )
    .unwrap();
}

#[test]
fn an_mcp_client_lists_and_calls_every_tool_and_cancels_a_run() {
    let Some(python) = mcp_python() else { return };
    let root = tmp("mcp");
    let comp = root.join("comp");
    example_competition(&comp);
    let examples: serde_json::Map<String, Value> = registry::TOOLS
        .iter()
        .map(|t| (t.name().to_string(), t.example()))
        .collect();
    let examples_file = root.join("examples.json");
    std::fs::write(&examples_file, Value::Object(examples).to_string()).unwrap();
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py"))
        .arg(env!("CARGO_BIN_EXE_autokaggle"))
        .arg(&comp)
        .arg(root.join("runs"))
        .arg(&examples_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the client failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    // Every tool listed: the server's own, then one per toolkit tool, each with an object schema.
    let mut want = vec!["inspect", "run", "status", "report", "predict", "apply"];
    want.extend(registry::TOOLS.iter().map(|t| t.name()));
    let listed: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(listed, want);
    assert_eq!(report["object_schemas"], true);

    // Every tool called, and every call answered without an error.
    let calls = report["calls"].as_object().unwrap();
    for name in &want {
        let c = &calls[*name];
        assert_eq!(c["error"], false, "{name}: {}", c["text"]);
    }
    let said = |tool: &str| calls[tool]["text"].as_str().unwrap();
    assert!(said("inspect").contains("competition comp"));
    assert!(said("run").contains("trivial baseline"));
    assert!(report["progress_lines"].as_u64().unwrap() >= 6);
    let status: Value = serde_json::from_str(said("status")).unwrap();
    assert_eq!(status["state"], "finished");
    assert_eq!(status["phases_finished"].as_array().unwrap().len(), 6);
    assert!(said("report").contains("report.html: "));
    assert!(said("predict").contains("(100 rows in "));
    let predicted = std::fs::read(root.join("runs/predictions.csv")).unwrap();
    let run_dir = PathBuf::from(report["run_dir"].as_str().unwrap());
    assert_eq!(
        predicted,
        std::fs::read(run_dir.join("submission.csv")).unwrap()
    );
    assert!(said("one_hot").contains("wrote "));

    // The second run was cancelled mid-way: stopped, no submission, and the server still answers.
    assert_eq!(report["cancelled_state"], "stopped", "{report}");
    let cancelled = &report["cancelled_status"];
    assert!(cancelled["submission"].is_null());
    assert!(cancelled["phases_finished"].as_array().unwrap().len() < 6);
    assert!(report.get("second_run_finished").is_none());
    assert_eq!(report["after_cancel_state"], "finished");
    // Resumed, the cancelled run finishes and is no longer marked stopped.
    let stopped_dir = PathBuf::from(cancelled["run_dir"].as_str().unwrap());
    assert!(stopped_dir.join("stopped").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"))
        .arg("resume")
        .arg(&stopped_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stopped_dir.join("stopped").exists());
    assert!(stopped_dir.join("submission.csv").exists());
    std::fs::remove_dir_all(&root).unwrap();
}
