//! Kill and resume: a run killed with SIGKILL at seeded random moments, then resumed, ends with
//! the same submission as an uninterrupted run, and no file in its run directory is ever truncated.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use autokaggle_toolkit::folds::Rng;

use super::cli::{files_under, tmp};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autokaggle"))
}

fn run_dirs(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

/// Every finished file reads back whole: JSON parses, Parquet reads, PNGs end with IEND. Files a
/// kill interrupted can only be `.tmp` / `.part.png` ones, never the real names.
fn no_truncated_file(dir: &Path) {
    for p in files_under(dir) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".json") {
            let t = std::fs::read_to_string(&p).unwrap();
            serde_json::from_str::<serde_json::Value>(&t)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        } else if name.ends_with(".parquet") {
            autokaggle_toolkit::frame::read_parquet(&p)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        } else if name.ends_with(".png") && !name.ends_with(".part.png") {
            let b = std::fs::read(&p).unwrap();
            assert!(
                b.ends_with(&[0xAE, 0x42, 0x60, 0x82]),
                "{} is cut short",
                p.display()
            );
        }
    }
}

fn leftovers(dir: &Path) -> usize {
    files_under(dir)
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".tmp") || name.ends_with(".part.png")
        })
        .count()
}

#[test]
fn runs_killed_at_20_random_points_resume_to_the_same_submission() {
    let base = tmp("resume");
    let comp = base.join("demo_breast_cancer");
    autokaggle::demo::build_competition(&comp, 3).unwrap();
    // The uninterrupted run, timed, gives the reference submission.
    let ref_out = base.join("reference");
    let t0 = Instant::now();
    let o = bin()
        .args(["run", "--seed", "3", "--competition"])
        .arg(&comp)
        .arg("--out")
        .arg(&ref_out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let full = t0.elapsed().as_secs_f64();
    let reference = std::fs::read(run_dirs(&ref_out)[0].join("submission.csv")).unwrap();

    let mut rng = Rng::new(2026);
    let mut resumed_mid_run = 0;
    for k in 0..20 {
        let out = base.join(format!("kill{k}"));
        let delay = 0.05 + rng.unit() * full * 0.95;
        let mut child = bin()
            .args(["run", "--seed", "3", "--competition"])
            .arg(&comp)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs_f64(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let dirs = run_dirs(&out);
        let submission = if let Some(dir) = dirs.first() {
            no_truncated_file(dir);
            if !dir.join("summary.json").exists() {
                resumed_mid_run += 1;
            }
            let o = bin().arg("resume").arg(dir).output().unwrap();
            assert!(
                o.status.success(),
                "kill {k} at {delay:.2}s: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            no_truncated_file(dir);
            assert_eq!(
                leftovers(dir),
                0,
                "kill {k}: temporary files remain after resume"
            );
            std::fs::read(dir.join("submission.csv")).unwrap()
        } else {
            // Killed before the run directory existed: there is nothing to resume; run again.
            let o = bin()
                .args(["run", "--seed", "3", "--competition"])
                .arg(&comp)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            assert!(o.status.success());
            std::fs::read(run_dirs(&out)[0].join("submission.csv")).unwrap()
        };
        assert!(
            submission == reference,
            "kill {k} at {delay:.2}s: the resumed submission differs"
        );
    }
    assert!(
        resumed_mid_run >= 10,
        "only {resumed_mid_run} kills landed mid-run"
    );
    std::fs::remove_dir_all(&base).unwrap();
}
