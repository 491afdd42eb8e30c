//! The commands that use what a run or a program has fitted: `predict` and `apply`.

use std::path::Path;

use anyhow::{Context, Result};

/// `predict`: new rows scored by a run's saved model, in the sample submission's format.
pub fn predict(run_dir: &Path, input: &Path, output: &Path) -> Result<String> {
    let model = crate::Model::load(run_dir)?;
    let m = model.manifest();
    eprintln!(
        "predicting {} with the model of {} ({} program(s), {} blended model(s), trained on {})",
        input.display(),
        m.competition,
        m.programs.len(),
        m.members.len(),
        m.train_file
    );
    let p = model.predict_csv(input, output, &mut |s| eprintln!("  {s}"))?;
    for n in &p.notes {
        eprintln!("note: {n}");
    }
    Ok(format!(
        "wrote {} ({} rows in {:.2}s)",
        output.display(),
        p.rows,
        p.seconds
    ))
}

/// `apply`: a program's tool calls fitted on a competition's train and applied to both files.
pub fn apply(competition: &Path, program: &Path, out: &Path, seed: u64) -> Result<String> {
    let text = std::fs::read_to_string(program)
        .with_context(|| format!("reading {}", program.display()))?;
    let prog = autokaggle_toolkit::Program::from_json(&text)
        .with_context(|| format!("in {}", program.display()))?;
    let n = prog.steps.len();
    let a = crate::apply::apply(
        competition,
        &prog,
        seed,
        |_| out.to_path_buf(),
        &mut |i, t| eprintln!("[{}/{n}] {t}", i + 1),
    )?;
    let mut lines: Vec<String> = a.logs.iter().map(ToString::to_string).collect();
    lines.push(format!(
        "wrote {} and {}",
        a.train.display(),
        a.test.display()
    ));
    Ok(lines.join("\n"))
}
