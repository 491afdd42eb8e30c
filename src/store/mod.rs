//! The run directory: every file written atomically (temporary name, then rename), so a killed run
//! never leaves a truncated file behind, and every JSON file read back into the same typed record
//! ([`records`]) that wrote it: resume, replay, the report and the TUI share one set of types.

pub mod layout;
pub mod records;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use layout::{PhaseDir, RunLayout};

use crate::error::{Result, RunError, io_at};
pub use records::{BlendWeight, PhaseSummary, RunState, RunSummary, SpecRecord};

/// The marker a run cancelled by an MCP client leaves in its directory, until it is resumed.
pub const STOPPED: &str = "stopped";

/// Reads a JSON file of a run directory into its record; `missing` says what a file that cannot be
/// read means.
pub fn read_json<T: DeserializeOwned>(path: &Path, missing: &'static str) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(io_at(path, missing))?;
    serde_json::from_str(&text).map_err(|source| RunError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to `path` atomically: a sibling temporary file, then a rename. The one way this
/// crate writes a file a crash must not leave half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    Ok(autokaggle_toolkit::saved::write_atomic(path, bytes)?)
}

/// A run's folder.
pub struct RunDir {
    /// Its path.
    pub path: PathBuf,
}

impl RunDir {
    /// Creates `<out>/<competition>-<UTC timestamp>` (with a suffix if it exists). The name comes
    /// from competition.toml or a folder name, so it is reduced to a safe file name first: a run
    /// directory is always directly under `out`.
    pub fn create(out: &Path, competition: &str) -> Result<Self> {
        let competition = safe_name(competition);
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
        let mut path = out.join(format!("{competition}-{stamp}"));
        let mut i = 1;
        while path.exists() {
            path = out.join(format!("{competition}-{stamp}-{i}"));
            i += 1;
        }
        std::fs::create_dir_all(&path).map_err(io_at(&path, "cannot create the run directory"))?;
        Ok(Self { path })
    }

    /// Opens an existing run directory to resume it, removing temporary files a kill left behind.
    pub fn open(path: &Path) -> Result<Self> {
        if !RunLayout::new(path).spec().exists() {
            return Err(RunError::NotRunDir {
                path: path.to_path_buf(),
            });
        }
        let mut stack = vec![path.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).map_err(io_at(&d, "cannot list"))? {
                let p = e.map_err(io_at(&d, "cannot list"))?.path();
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if p.is_dir() {
                    stack.push(p);
                } else if name.ends_with(".tmp") || name.ends_with(".part.png") {
                    std::fs::remove_file(&p).map_err(io_at(&p, "cannot remove"))?;
                }
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    /// Where each of its files is.
    pub fn layout(&self) -> RunLayout {
        RunLayout::new(&self.path)
    }

    /// One phase's folder.
    pub fn phase(&self, phase: autokaggle_core::Phase) -> PhaseDir {
        self.layout().phase(phase)
    }

    /// Writes text atomically at `path` (one of [`Self::layout`]'s).
    pub fn write(&self, path: &Path, text: &str) -> Result<PathBuf> {
        write_atomic(path, text.as_bytes())?;
        Ok(path.to_path_buf())
    }

    /// Reads a JSON file of this run directory into its record.
    pub fn read<T: DeserializeOwned>(&self, path: &Path) -> Result<T> {
        read_json(path, "cannot read (is this a run directory?)")
    }

    /// Writes pretty JSON atomically.
    pub fn write_json<T: Serialize>(&self, path: &Path, v: &T) -> Result<PathBuf> {
        let text = serde_json::to_string_pretty(v).map_err(|source| RunError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        self.write(path, &text)
    }
}

/// Letters, digits, `-`, `_` and inner dots are kept; anything else (slashes, `..`) becomes `_`.
pub fn safe_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let kept = kept.trim_start_matches('.').to_string();
    if kept.is_empty() { "run".into() } else { kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own for one test.
    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ak-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_folder_without_a_spec_is_not_a_run_and_a_broken_record_names_its_file() {
        let d = folder("typed");
        match RunDir::open(&d) {
            Err(RunError::NotRunDir { path }) => assert_eq!(path, d),
            other => panic!("{:?}", other.map(|r| r.path)),
        }
        let dir = RunDir { path: d.clone() };
        let state = dir.layout().state();
        std::fs::write(&state, "{ not json").unwrap();
        match dir.read::<RunState>(&state) {
            Err(RunError::Json { path, .. }) => assert_eq!(path, state),
            other => panic!("{other:?}"),
        }
        let gone = dir.layout().summary();
        let e = dir.read::<RunSummary>(&gone).unwrap_err();
        assert!(matches!(e, RunError::Io(ref io) if io.path == gone), "{e}");
        assert!(
            e.to_string().starts_with(&format!("{}: ", gone.display())),
            "{e}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn names_from_outside_cannot_leave_the_output_folder() {
        assert_eq!(safe_name("titanic"), "titanic");
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("/abs"), "_abs");
        assert_eq!(safe_name(".."), "run");
        assert_eq!(safe_name("a b\\c"), "a_b_c");
    }
}
