//! The suite's bench as a user meets it between sweeps.

use super::cli::bin;
use super::metrics::{colour, competition};

/// `bench --suite --no-run` prints the table of the results file as it stands, references
/// included, and runs nothing: no split folder appears, the table pairs the two lines, and the
/// sweep's plan (`suite.json`, which the references script reads) is left as the sweep wrote it,
/// though the table was asked for with other `--seeds`.
#[test]
fn no_run_prints_the_table_of_the_results_file_and_runs_nothing() {
    let comp = competition(
        "bench-no-run",
        colour,
        ("y", "red"),
        "Submissions are evaluated on accuracy.",
    );
    let root = comp.parent().unwrap();
    let (empty, out) = (root.join("none"), root.join("out"));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let line = |model: &str, normalized: f64| {
        format!(
            r#"{{"competition": "comp", "seed": 42, "model": "{model}", "metric": "accuracy", "score": 0.9, "normalized": {normalized}, "seconds": 1.0}}"#
        )
    };
    let lines = [line("autokaggle", 0.75), line("lightgbm", 0.5)].join("\n");
    std::fs::write(out.join("results.jsonl"), lines).unwrap();
    let plan = r#"[{"name": "comp", "dir": "elsewhere", "seeds": [42, 43, 44]}]"#;
    std::fs::write(out.join("suite.json"), plan).unwrap();
    let no_run = |out: &std::path::Path| {
        bin()
            .args(["bench", "--no-run", "--seeds", "1", "--suite"])
            .arg(root)
            .arg("--competitions")
            .arg(&empty)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let o = no_run(&out);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        text.contains("| lightgbm | 1 | 0.5000 | +0.2500 ± 0.0000 | 1 of 1 |"),
        "{text}"
    );
    assert!(!out.join("seed-42").exists(), "a split was run");
    assert_eq!(
        std::fs::read_to_string(out.join("suite.json")).unwrap(),
        plan,
        "the sweep's plan was rewritten"
    );
    // Before any sweep there is nothing to print: an error naming the file, not an empty table.
    let fresh = root.join("fresh");
    let o = no_run(&fresh);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        err.contains("results.jsonl holds no results yet; run the sweep first"),
        "{err}"
    );
}

/// `--suite-only` runs the suite's folder alone: the competitions under `--competitions` (by
/// default `competitions/` of the working directory) are left out of the plan, so the table of a
/// results file holding both has a row for the suite's alone.
#[test]
fn suite_only_leaves_the_competitions_folder_out() {
    let comp = competition(
        "bench-suite-only",
        colour,
        ("y", "red"),
        "Submissions are evaluated on accuracy.",
    );
    let suite = comp.parent().unwrap();
    let other = competition(
        "bench-suite-only-cwd",
        colour,
        ("y", "red"),
        "Submissions are evaluated on accuracy.",
    );
    let cwd = other.parent().unwrap();
    std::fs::create_dir_all(cwd.join("competitions")).unwrap();
    std::fs::rename(&other, cwd.join("competitions").join("other")).unwrap();
    let out = cwd.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let line = |name: &str| {
        format!(
            r#"{{"competition": "{name}", "seed": 42, "model": "autokaggle", "metric": "accuracy", "score": 0.9, "normalized": 0.75, "seconds": 1.0}}"#
        )
    };
    let lines = [line("comp"), line("other")].join("\n");
    std::fs::write(out.join("results.jsonl"), lines).unwrap();
    let table = |only: bool| {
        let mut c = bin();
        c.current_dir(cwd)
            .args(["bench", "--no-run", "--seeds", "1", "--suite"])
            .arg(suite)
            .arg("--out")
            .arg(&out);
        if only {
            c.arg("--suite-only");
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let both = table(false);
    assert!(
        both.contains("| comp |") && both.contains("| other |"),
        "{both}"
    );
    let only = table(true);
    assert!(only.contains("| comp |"), "{only}");
    assert!(!only.contains("| other |"), "{only}");
}
