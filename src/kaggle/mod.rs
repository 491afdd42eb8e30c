//! Kaggle's own API: `autokaggle download SLUG` and `autokaggle submit RUN_DIR`. Credentials are
//! read from the environment or `kaggle.json` and go nowhere but the Authorization header.

mod archive;
mod client;
mod credentials;
mod error;
mod progress;

use crate::error::io_at;
use std::path::{Path, PathBuf};

pub use archive::unpack;
pub use client::{DEFAULT_API, Kaggle, OnProgress};
pub use credentials::Credentials;
pub use error::{KaggleError, Result};
pub use progress::DownloadProgress;

/// The API root: `AUTOKAGGLE_KAGGLE_API` if set, else Kaggle's.
pub fn api_url(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("AUTOKAGGLE_KAGGLE_API").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_API.to_string())
}

/// A competition slug is the last part of its URL: lower-case letters, digits and dashes. Checking
/// it keeps a slug from naming a path outside the destination.
pub fn check_slug(slug: &str) -> Result<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 100
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(KaggleError::Slug(slug.to_string()));
    }
    Ok(())
}

/// What a download produced.
#[derive(Debug)]
pub struct Downloaded {
    /// The competition folder.
    pub dir: PathBuf,
    /// Files and their sizes.
    pub files: Vec<(String, u64)>,
    /// Whether `overview.txt` came from the competition listing.
    pub overview: bool,
}

/// Downloads `slug` into `dest`: the archive to a `.part` file beside it (resumed if an earlier
/// try left one), checked and unpacked into a staging folder, `overview.txt` written from the
/// listing, then the staging folder renamed into place. Nothing half-done ever sits at `dest`.
pub fn download(
    kaggle: &Kaggle,
    slug: &str,
    dest: &Path,
    force: bool,
    progress: OnProgress,
) -> Result<Downloaded> {
    check_slug(slug)?;
    let holds_files = dest.exists()
        && std::fs::read_dir(dest)
            .map_err(io_at(dest, "cannot list"))?
            .next()
            .is_some();
    if holds_files && !force {
        return Err(KaggleError::NotEmpty {
            dest: dest.to_path_buf(),
            slug: slug.to_string(),
        });
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_at(parent, "cannot create the folder"))?;
    let part = parent.join(format!(".{slug}.zip.part"));
    let staging = parent.join(format!(".{slug}.unpacking"));
    kaggle.download_archive(slug, &part, progress)?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_at(&staging, "cannot remove"))?;
    }
    let files = match unpack(&part, &staging) {
        Ok(f) => f,
        Err(e) => {
            // A damaged archive is not resumable: start over next time.
            let _ = std::fs::remove_dir_all(&staging);
            let _ = std::fs::remove_file(&part);
            let _ = std::fs::remove_file(part.with_extension("part.json"));
            return Err(e);
        }
    };
    let overview = if files.iter().any(|(n, _)| n == "overview.txt") {
        true
    } else {
        match kaggle.overview(slug)? {
            Some(text) => {
                let p = staging.join("overview.txt");
                std::fs::write(&p, text).map_err(io_at(&p, "cannot write"))?;
                true
            }
            None => false,
        }
    };
    if dest.exists() {
        std::fs::remove_dir_all(dest).map_err(io_at(dest, "cannot replace"))?;
    }
    std::fs::rename(&staging, dest).map_err(io_at(dest, "cannot move the files to"))?;
    std::fs::remove_file(&part).ok();
    std::fs::remove_file(part.with_extension("part.json")).ok();
    Ok(Downloaded {
        dir: dest.to_path_buf(),
        files,
        overview,
    })
}

/// One submission, as recorded in the run directory's `submissions.json`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Submitted {
    /// UTC time of the submission.
    pub at: String,
    /// The competition slug.
    pub competition: String,
    /// The message given.
    pub message: String,
    /// Kaggle's answer.
    pub answer: String,
}

/// Submits a run directory's `submission.csv` to `slug` (default: the competition the run was on)
/// and appends the submission to `submissions.json`.
pub fn submit_run(
    kaggle: &Kaggle,
    run_dir: &Path,
    slug: Option<&str>,
    message: &str,
) -> Result<Submitted> {
    let dir = crate::store::RunDir::open(run_dir)?;
    let file = dir.layout().submission();
    if !file.exists() {
        return Err(KaggleError::NoSubmission {
            run_dir: run_dir.to_path_buf(),
        });
    }
    let slug = match slug {
        Some(s) => s.to_string(),
        None => {
            crate::store::SpecRecord::read(run_dir)
                .map_err(|e| KaggleError::NoSlug(Box::new(e)))?
                .spec
                .name
        }
    };
    check_slug(&slug)?;
    if message.trim().is_empty() {
        return Err(KaggleError::NoMessage);
    }
    let answer = kaggle.submit(&slug, &file, message)?;
    let record = Submitted {
        at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        competition: slug,
        message: message.to_string(),
        answer,
    };
    let log = dir.layout().submissions();
    let mut all: Vec<Submitted> = if log.exists() {
        crate::store::read_json(&log, "cannot read the run's submissions")?
    } else {
        vec![]
    };
    all.push(record.clone());
    dir.write_json(&dir.layout().submissions(), &all)?;
    Ok(record)
}
