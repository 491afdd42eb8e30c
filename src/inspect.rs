//! `autokaggle inspect`: what a competition is and why we think so.

use std::fmt::Write as _;
use std::path::Path;

use autokaggle_toolkit::Result;
use autokaggle_toolkit::metrics::{METRICS, Residual};
use autokaggle_toolkit::spec::{self, Resolved};
use autokaggle_toolkit::{Dataset, MetricId, Profile};

/// Prints the spec with reasons, any disagreement between the toml and the files, and the profile.
pub fn inspect(dir: &Path, profile: bool, metric: Option<MetricId>) -> Result<()> {
    print!("{}", describe_with(dir, profile, metric)?);
    Ok(())
}

/// The registry's metrics, one line each, as `autokaggle metrics` prints them.
pub fn metrics_table() -> String {
    let mut out = format!(
        "{:<24} {:<7} {:<32} {:<14} fitted\n",
        "metric", "better", "tasks", "submission"
    );
    for m in METRICS {
        let tasks: Vec<String> = m
            .tasks()
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect();
        let fitting = match m.fitting() {
            f if f.log_target => "on log1p(y)",
            f if f.residual == Residual::Absolute => "absolute error",
            f if f.residual == Residual::Relative => "absolute error / |y|",
            _ => "as is",
        };
        let _ = writeln!(
            out,
            "{:<24} {:<7} {:<32} {:<14} {fitting}",
            m.name(),
            if m.higher_is_better() {
                "higher"
            } else {
                "lower"
            },
            tasks.join(", "),
            format!("{:?}", m.submission()).to_lowercase(),
        );
    }
    let _ = write!(
        out,
        "\n{} metrics; choose one with `--metric NAME`",
        METRICS.len()
    );
    out
}

/// What `inspect` prints, as text (the MCP server's `inspect` returns it).
pub fn describe(dir: &Path, profile: bool) -> Result<String> {
    describe_with(dir, profile, None)
}

/// [`describe`] with the metric the user chose.
pub fn describe_with(dir: &Path, profile: bool, metric: Option<MetricId>) -> Result<String> {
    let mut out = String::new();
    let r = spec::resolve_with(dir, metric)?;
    spec_lines(&r, &mut out);
    let has_data = r.path(&r.spec.files.train).exists() && r.path(&r.spec.files.test).exists();
    if dir.join("competition.toml").exists() && r.path(&r.spec.files.sample_submission).exists() {
        let inferred = spec::infer(&r.data_dir, None);
        let diffs = match &inferred {
            Ok(inferred) => differences(&r, inferred),
            Err(e) => vec![format!("inferring from the files fails: {e}")],
        };
        if diffs.is_empty() {
            out.push_str("\ninferred from the files: agrees with competition.toml\n");
        } else {
            out.push_str(
                "\ninferred from the files, differing from competition.toml (the toml wins):\n",
            );
            for d in diffs {
                let _ = writeln!(out, "  {d}");
            }
        }
    }
    if !has_data {
        let _ = writeln!(
            out,
            "\nno train/test files in {}: nothing to profile",
            r.data_dir.display()
        );
        return Ok(out);
    }
    let ds = Dataset::load(&r)?;
    for n in &ds.notes {
        let _ = writeln!(out, "note: {n}");
    }
    if profile {
        let _ = writeln!(out, "\n{}", Profile::of(&ds)?);
    }
    Ok(out)
}

fn spec_lines(r: &Resolved, out: &mut String) {
    let s = &r.spec;
    let _ = writeln!(
        out,
        "competition {}  (data in {})",
        s.name,
        r.data_dir.display()
    );
    for reason in &r.reasons {
        let _ = writeln!(
            out,
            "  {:<11} {:<40} {}",
            reason.field, reason.value, reason.why
        );
    }
}

/// Fields where two specs disagree, printed.
pub fn differences(a: &Resolved, b: &Resolved) -> Vec<String> {
    let (x, y) = (&a.spec, &b.spec);
    let mut out = Vec::new();
    if x.id != y.id {
        out.push(format!("id: {} vs {}", x.id, y.id));
    }
    if x.targets != y.targets {
        out.push(format!("targets: {:?} vs {:?}", x.targets, y.targets));
    }
    if x.task != y.task {
        out.push(format!("task: {:?} vs {:?}", x.task, y.task));
    }
    if x.metric != y.metric {
        out.push(format!("metric: {} vs {}", x.metric, y.metric));
    }
    if x.submission != y.submission {
        out.push(format!(
            "submission: {:?} vs {:?}",
            x.submission, y.submission
        ));
    }
    out
}
