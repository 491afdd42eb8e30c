//! A run is a model you keep: `<run>/model/` holds the fitted cleaning and feature programs, the
//! refitted blend and a manifest, so new rows are scored without running the search again.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let out = std::env::temp_dir().join(format!("ak-doc-model-{}", std::process::id()));
//! # let demo = out.join("data");
//! # autokaggle::demo::build_competition(&demo, 42)?;
//! # let mut cfg = autokaggle::config::RunConfig::new(demo.clone(), out.clone(), 42);
//! # cfg.time_budget = 15.0;
//! # cfg.progress = false;
//! # let run = autokaggle::orchestrator::run(&cfg)?;
//! # let run_dir = run.run_dir;
//! # let test = autokaggle_toolkit::frame::read_csv(&demo.join("test.csv"))?;
//! use autokaggle::Model;
//! let model = Model::load(&run_dir)?;
//! let submission = model.predict(&test)?;
//! assert_eq!(submission.height(), test.height());
//! # std::fs::remove_dir_all(&out)?;
//! # Ok(())
//! # }
//! ```

pub mod manifest;
mod save;

use std::path::{Path, PathBuf};
use std::time::Instant;

use autokaggle_toolkit::frame::{self, DataFrame};
use autokaggle_toolkit::models::fitted::Ensemble;
use autokaggle_toolkit::{FittedProgram, saved, schema};

pub use crate::error::ModelError;
use crate::store::layout::model_files::ENSEMBLE;
pub use manifest::Manifest;
pub use save::{Saving, save};

/// A result whose error is a [`ModelError`].
pub type Result<T> = std::result::Result<T, ModelError>;

/// A saved model, loaded.
pub struct Model {
    dir: PathBuf,
    manifest: Manifest,
    programs: Vec<FittedProgram>,
    ensemble: Ensemble,
}

/// What [`Model::predict_csv`] did.
#[derive(Debug)]
pub struct Predicted {
    /// Rows predicted.
    pub rows: usize,
    /// Things the user should know (extra columns ignored).
    pub notes: Vec<String>,
    /// Seconds from reading the input to writing the output.
    pub seconds: f64,
}

impl Model {
    /// Loads the model of a run directory (or of its `model/` folder).
    pub fn load(dir: &Path) -> Result<Self> {
        let model = crate::store::RunLayout::new(dir).model();
        let dir = if Manifest::path(&model).exists() {
            model
        } else {
            dir.to_path_buf()
        };
        let manifest = Manifest::read(&dir)?;
        let programs = manifest
            .programs
            .iter()
            .map(|f| FittedProgram::load(&dir.join(f)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let ensemble: Ensemble = saved::load(&dir.join(ENSEMBLE), "ensemble")?;
        Ok(Self {
            dir,
            manifest,
            programs,
            ensemble,
        })
    }

    /// What the model reads and writes.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The `model/` folder it was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The submission for new rows (the columns test had; extra columns are ignored), one row per
    /// input row, in input order, in the format of the run's `submission.csv`.
    pub fn predict(&self, rows: &DataFrame) -> Result<DataFrame> {
        Ok(self
            .predict_noted(rows, Path::new("the input frame"), &mut |_| {})?
            .0)
    }

    fn predict_noted(
        &self,
        rows: &DataFrame,
        source: &Path,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(DataFrame, Vec<String>)> {
        if rows.height() == 0 {
            return Err(ModelError::NoRows {
                input: source.to_path_buf(),
            });
        }
        let (mut x, notes) = schema::conform(rows, &self.manifest.input, source)?;
        let ids = frame::select(&x, std::slice::from_ref(&self.manifest.submission.id))?;
        for (p, name) in self.programs.iter().zip(&self.manifest.programs) {
            progress(&format!("applying {name}"));
            x = p.apply(x)?;
        }
        progress("predicting");
        let features: Vec<String> = self.ensemble.features.clone();
        if let Some(f) = features.iter().find(|f| !frame::has(&x, f)) {
            return Err(ModelError::MissingFeature { feature: f.clone() });
        }
        let m = frame::matrix_col_major(&x, &features)?;
        let pred = self.ensemble.predict(&m, x.height())?;
        let order: Vec<usize> = (0..x.height()).collect();
        let out = self.manifest.submission.write(ids, &pred, &order)?;
        Ok((out, notes))
    }

    /// Reads a CSV, predicts it, and writes the submission to `output` (atomically: a failed run
    /// leaves no file). `progress` hears each stage with the seconds so far.
    pub fn predict_csv(
        &self,
        input: &Path,
        output: &Path,
        progress: &mut dyn FnMut(&str),
    ) -> Result<Predicted> {
        if output == input {
            return Err(ModelError::SameFile {
                path: output.to_path_buf(),
            });
        }
        let start = Instant::now();
        let mut stage =
            |what: &str| progress(&format!("{:6.2}s {what}", start.elapsed().as_secs_f64()));
        stage("reading");
        let (rows, mut notes) = frame::read_csv_noted(input)?;
        let (out, more) = self.predict_noted(&rows, input, &mut stage)?;
        stage("writing");
        notes.extend(more);
        frame::write_csv(&out, output)?;
        Ok(Predicted {
            rows: out.height(),
            notes,
            seconds: start.elapsed().as_secs_f64(),
        })
    }
}
