//! Writes `<run>/model/`: the fitted programs copied from their phases, the blend, and the
//! manifest last, so a crash while saving leaves no manifest and so no model that half loads.

use std::path::{Path, PathBuf};

use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::models::fitted::Ensemble;
use autokaggle_toolkit::models::submission;
use autokaggle_toolkit::saved;
use autokaggle_toolkit::schema::Column;

use super::manifest::{Manifest, MemberInfo, sha256_file};
use super::{ModelError, Result};
use crate::store::layout::model_files::{self, ENSEMBLE};

/// What a finished run hands over to be kept.
pub struct Saving<'a> {
    /// The competition's name.
    pub competition: &'a str,
    /// Test's columns as read, before any program.
    pub input: &'a [Column],
    /// The model's features after the programs.
    pub features: Vec<Column>,
    /// The fitted programs, in the order they ran: the name each is saved under (its phase's)
    /// and the file it was written to.
    pub programs: Vec<(String, PathBuf)>,
    /// The refitted blend.
    pub ensemble: &'a Ensemble,
    /// The submission's format.
    pub format: &'a submission::Format,
    /// The metric.
    pub metric: MetricId,
    /// The blend's out-of-fold score.
    pub cv_score: f64,
    /// The training file.
    pub train: &'a Path,
}

/// Saves the model under `dir` (the run's `model/` folder) and returns its manifest.
pub fn save(dir: &Path, s: &Saving) -> Result<Manifest> {
    // A manifest from an earlier save goes first: until the new one is written, there is no model.
    let manifest_path = Manifest::path(dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ModelError::Io { path, source }
    };
    if manifest_path.exists() {
        std::fs::remove_file(&manifest_path).map_err(io(&manifest_path))?;
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut programs = Vec::new();
    for (phase, p) in &s.programs {
        let name = model_files::program(phase);
        let bytes = std::fs::read(p).map_err(io(p))?;
        saved::write_atomic(&dir.join(&name), &bytes)?;
        programs.push(name);
    }
    saved::save(&dir.join(ENSEMBLE), "ensemble", s.ensemble)?;
    let manifest = Manifest {
        format: saved::FORMAT,
        autokaggle: env!("CARGO_PKG_VERSION").to_string(),
        competition: s.competition.to_string(),
        metric: s.metric,
        cv_score: s.cv_score,
        input: s.input.to_vec(),
        features: s.features.clone(),
        classes: s.ensemble.classes.clone(),
        submission: s.format.clone(),
        programs,
        members: s
            .ensemble
            .members
            .iter()
            .map(|m| MemberInfo {
                model: m.name.clone(),
                weight: m.weight,
            })
            .collect(),
        train_file: s
            .train
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        train_sha256: sha256_file(s.train)?,
    };
    let text = serde_json::to_string_pretty(&manifest).map_err(|source| ModelError::Manifest {
        path: manifest_path.clone(),
        source,
    })?;
    saved::write_atomic(&manifest_path, text.as_bytes())?;
    Ok(manifest)
}
