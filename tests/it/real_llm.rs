//! A whole run with a real LLM: SmolLM2-135M served on 127.0.0.1 by `scripts/real-llm.sh`. Runs when
//! AUTOKAGGLE_REAL_LLM holds the `--llm` value the script prints (.ci/run sets it); the model is
//! weak, so this asserts structure (every role asked and answered over HTTP, a valid submission,
//! at most 40 calls, usage printed), never wording.

use super::cli::{shared, tmp};

#[test]
fn a_real_llm_carries_titanic_to_a_valid_submission() {
    let Ok(llm) = std::env::var("AUTOKAGGLE_REAL_LLM") else {
        eprintln!(
            "skipping: AUTOKAGGLE_REAL_LLM is not set (run `scripts/real-llm.sh start` and export what it prints)"
        );
        return;
    };
    let Some(dir) = shared("titanic") else { return };
    let out = tmp("real-llm");
    std::fs::create_dir_all(&out).unwrap();
    let config = out.join("llm.toml");
    // Short replies: the 135M model rambles until the token limit otherwise.
    std::fs::write(
        &config,
        "[client]\nmax_tokens = 384\ntimeout = 180.0\nretries = 1\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"))
        .args(["run", "--competition"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .args(["--llm", &llm, "--llm-config"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("LLM calls"), "usage printed: {stdout}");
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("summary.json").exists())
        .unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).unwrap())
            .unwrap();
    let calls = summary["llm"]["total"]["calls"].as_u64().unwrap();
    assert!((5..=40).contains(&calls), "{calls} calls");
    // Every role was asked, and the server answered each role at least once.
    let records: Vec<serde_json::Value> = std::fs::read_to_string(run_dir.join("llm.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len() as u64, calls);
    // Waiting on the LLM is not charged to the model search: it fits at least offline's 11
    // candidates on titanic.
    let fitted = summary["cv"].as_array().unwrap().len();
    assert!(fitted >= 11, "{fitted} candidates fitted");
    for role in ["reader", "planner", "developer", "reviewer", "summarizer"] {
        assert!(
            records
                .iter()
                .any(|r| r["role"] == role && r["outcome"]["Ok"]["text"].is_string()),
            "no answered {role} call"
        );
    }
    // The submission has the sample's header and ids, and labels 0/1.
    let sub = std::fs::read_to_string(run_dir.join("submission.csv")).unwrap();
    let sample = std::fs::read_to_string(dir.join("gender_submission.csv"))
        .or_else(|_| std::fs::read_to_string(dir.join("sample_submission.csv")))
        .unwrap();
    let col = |t: &str, i: usize| -> Vec<String> {
        t.lines()
            .map(|l| l.split(',').nth(i).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(col(&sub, 0), col(&sample, 0));
    assert!(col(&sub, 1)[1..].iter().all(|v| v == "0" || v == "1"));
    std::fs::remove_dir_all(&out).unwrap();
}
