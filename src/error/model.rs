//! What can go wrong loading a saved model or predicting with it, typed so that a library user can
//! tell a missing model from an old format from bad input rows, each naming its file or column.

use std::path::PathBuf;

use autokaggle_toolkit::ToolkitError;

/// A saved model that cannot be loaded or cannot predict these rows.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No manifest where the model should be.
    #[error("{}: no saved model here (runs save one under <run>/model/ since version 0.1): {source}", path.display())]
    NotFound {
        /// The manifest's path.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The manifest is not JSON, or not a manifest.
    #[error("{}: not a model manifest: {source}", path.display())]
    Manifest {
        /// The manifest's path.
        path: PathBuf,
        /// Where and why.
        source: serde_json::Error,
    },
    /// A model saved in another format than this version reads.
    #[error("{}: saved by autokaggle {saved_by} in format {format}; this is autokaggle {}, which reads format {wants}: run the competition again to save the model in this format", path.display(), env!("CARGO_PKG_VERSION"))]
    Format {
        /// The manifest's path.
        path: PathBuf,
        /// The version that saved it, as the manifest says.
        saved_by: String,
        /// Its format ("(none)" when it names none).
        format: String,
        /// The format this version reads.
        wants: u32,
    },
    /// The input has a header and no rows.
    #[error("{}: has a header but no rows to predict", input.display())]
    NoRows {
        /// The input.
        input: PathBuf,
    },
    /// The output path is the input.
    #[error("{}: is the input file; choose another output path", path.display())]
    SameFile {
        /// The path.
        path: PathBuf,
    },
    /// The saved programs did not make a feature the ensemble needs.
    #[error("the saved programs did not produce the feature `{feature}` the model needs")]
    MissingFeature {
        /// The feature.
        feature: String,
    },
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading, conforming, transforming or predicting failed in the toolkit (its message names
    /// the file and column).
    #[error(transparent)]
    Toolkit(Box<ToolkitError>),
}

impl From<ToolkitError> for ModelError {
    fn from(e: ToolkitError) -> Self {
        Self::Toolkit(Box::new(e))
    }
}
