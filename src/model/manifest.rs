//! `model/manifest.json`: what a saved model is, what it reads and writes, and what made it. It is
//! JSON so a person (or a coding agent) can read what a model expects without loading it.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::ModelError;
use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::models::submission;
use autokaggle_toolkit::saved;
use autokaggle_toolkit::schema::Column;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A blend member, as the manifest lists it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MemberInfo {
    /// Candidate name.
    pub model: String,
    /// Blend weight.
    pub weight: f64,
}

/// The description of a saved model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// The saved format ([`saved::FORMAT`]); another format is refused, not misread.
    pub format: u32,
    /// The autokaggle version that saved it.
    pub autokaggle: String,
    /// The competition's name.
    pub competition: String,
    /// The metric the blend was chosen for.
    pub metric: MetricId,
    /// The blend's out-of-fold score.
    pub cv_score: f64,
    /// The columns new rows must have, with the dtypes test had when read.
    pub input: Vec<Column>,
    /// The model's features after the programs, in matrix order.
    pub features: Vec<Column>,
    /// Class labels in output order (empty for regression).
    pub classes: Vec<String>,
    /// How a submission is written.
    pub submission: submission::Format,
    /// The fitted programs' files, applied in this order.
    pub programs: Vec<String>,
    /// The blend's members.
    pub members: Vec<MemberInfo>,
    /// The training file's name and SHA-256, to tell which data a model learned from.
    pub train_file: String,
    /// SHA-256 of the training file, hex.
    pub train_sha256: String,
}

impl Manifest {
    /// Where a model folder keeps its manifest; its presence marks a saved model.
    pub fn path(model_dir: &Path) -> PathBuf {
        model_dir.join(crate::store::layout::model_files::MANIFEST)
    }

    /// Reads `dir/manifest.json`, refusing another format with what to do.
    pub fn read(dir: &Path) -> Result<Self, ModelError> {
        let path = Self::path(dir);
        let text = std::fs::read_to_string(&path).map_err(|source| ModelError::NotFound {
            path: path.clone(),
            source,
        })?;
        let not_manifest = |source| ModelError::Manifest {
            path: path.clone(),
            source,
        };
        let v: serde_json::Value = serde_json::from_str(&text).map_err(not_manifest)?;
        let format = v.get("format").and_then(serde_json::Value::as_u64);
        if format != Some(u64::from(saved::FORMAT)) {
            return Err(ModelError::Format {
                path: path.clone(),
                saved_by: v
                    .get("autokaggle")
                    .and_then(|s| s.as_str())
                    .unwrap_or("(unknown)")
                    .to_string(),
                format: format.map_or_else(|| "(none)".to_string(), |f| f.to_string()),
                wants: saved::FORMAT,
            });
        }
        serde_json::from_value(v).map_err(not_manifest)
    }
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let io = |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_file() {
        let dir = std::env::temp_dir().join(format!("ak-sha-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("abc.txt");
        std::fs::write(&p, "abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn another_format_is_refused_with_what_to_do() {
        let dir = std::env::temp_dir().join(format!("ak-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"format": 99, "autokaggle": "9.9.9"}"#,
        )
        .unwrap();
        let err = Manifest::read(&dir).unwrap_err();
        assert!(
            matches!(&err, ModelError::Format { saved_by, wants: 2, .. } if saved_by == "9.9.9"),
            "{err:?}"
        );
        let e = err.to_string();
        assert!(
            e.ends_with(&format!(
                "manifest.json: saved by autokaggle 9.9.9 in format 99; this is autokaggle {}, which reads format 2: run the competition again to save the model in this format",
                env!("CARGO_PKG_VERSION")
            )),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
