//! The binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autokaggle"))
}

pub fn shared(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/competitions")
        .join(name);
    if p.join("train.csv").exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (../shared is absent)", p.display());
        None
    }
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A test's scratch folder, emptied: under the target directory's `tmp/` (cargo's folder for
/// integration tests' data), so each run replaces the last one's instead of piling up in the
/// system's temporary folder, and `cargo clean` removes it.
pub fn tmp(tag: &str) -> PathBuf {
    let p = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(tag);
    let _ = std::fs::remove_dir_all(&p);
    p
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn demo_runs_from_shipped_data_and_scores_well_on_hidden_labels() {
    let out = tmp("demo");
    let text = stdout(&bin().args(["demo", "--out"]).arg(&out).output().unwrap());
    let acc: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("accuracy on the hidden test labels: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(acc >= 0.93, "demo accuracy {acc}");
    let sub_line = text
        .lines()
        .find_map(|l| l.strip_prefix("submission: "))
        .unwrap();
    let sub = std::fs::read_to_string(sub_line.trim()).unwrap();
    let mut lines = sub.lines();
    assert_eq!(lines.next(), Some("id,diagnosis"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 113);
    assert!(
        rows.iter()
            .all(|r| r.ends_with(",benign") || r.ends_with(",malignant"))
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn tools_and_gates_are_listed() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&bin().args(["tools", "--json"]).output().unwrap())).unwrap();
    let tools = json.as_array().unwrap();
    assert!(tools.len() >= 25);
    assert!(
        tools
            .iter()
            .all(|t| t["schema"]["type"] == "object"
                && t["description"].as_str().unwrap().len() > 50)
    );
    let gates = stdout(&bin().arg("gates").output().unwrap());
    for g in [
        "no_missing_values",
        "submission_ids_in_order",
        "probabilities_valid",
        "no_target_leakage",
        "cv_beats_baseline",
    ] {
        assert!(gates.contains(g), "{g} missing from `autokaggle gates`");
    }
}

#[test]
fn inspect_infers_a_folder_without_toml_and_errors_clearly() {
    let Some(dir) = shared("spaceship_titanic") else {
        return;
    };
    let text = stdout(&bin().arg("inspect").arg(&dir).output().unwrap());
    assert!(text.contains("PassengerId") && text.contains("first column of sample_submission.csv"));
    assert!(text.contains("Transported") && text.contains("train columns absent from test"));
    assert!(text.contains("accuracy") && text.contains("8693 train rows, 4277 test rows"));
    let out = bin()
        .args(["inspect", "/nonexistent/comp"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("/nonexistent/comp: no such competition folder")
    );
}

/// A typed error already says its cause; the binary says it once, on one line, with the file.
#[test]
fn an_error_names_the_file_and_says_its_cause_once() {
    let out = bin()
        .args(["predict", "/nonexistent/run", "--input", "x.csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: /nonexistent/run/manifest.json: no saved model here"),
        "{err}"
    );
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
    let out = bin().args(["resume", "/tmp"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: /tmp: not a run directory (no spec.json); pass the folder a run printed"
    );
}
