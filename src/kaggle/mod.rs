//! Kaggle's own API: `autokaggle download SLUG` and `autokaggle submit RUN_DIR`. Credentials are
//! read from the environment or `kaggle.json` and go nowhere but the Authorization header.

mod archive;
mod client;
mod credentials;
mod progress;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use archive::unpack;
pub use client::{DEFAULT_API, Kaggle, OnProgress};
pub use credentials::Credentials;
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
        bail!(
            "{slug:?} is not a competition slug: use the last part of the competition's URL, e.g. \
             `titanic` for https://www.kaggle.com/competitions/titanic"
        );
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
    if dest.exists() && std::fs::read_dir(dest)?.next().is_some() && !force {
        bail!(
            "{}: already holds files; pass --force to download {slug} again",
            dest.display()
        );
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let part = parent.join(format!(".{slug}.zip.part"));
    let staging = parent.join(format!(".{slug}.unpacking"));
    kaggle.download_archive(slug, &part, progress)?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
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
                std::fs::write(staging.join("overview.txt"), text)?;
                true
            }
            None => false,
        }
    };
    if dest.exists() {
        std::fs::remove_dir_all(dest).with_context(|| format!("replacing {}", dest.display()))?;
    }
    std::fs::rename(&staging, dest)
        .with_context(|| format!("moving files to {}", dest.display()))?;
    std::fs::remove_file(&part).ok();
    std::fs::remove_file(part.with_extension("part.json")).ok();
    Ok(Downloaded {
        dir: dest.to_path_buf(),
        files,
        overview,
    })
}

/// One submission, as recorded in the run directory's `submissions.json`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
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
        bail!(
            "{}: no submission.csv; the run has not finished (`autokaggle resume {}` finishes it)",
            run_dir.display(),
            run_dir.display()
        );
    }
    let slug = match slug {
        Some(s) => s.to_string(),
        None => {
            crate::store::SpecRecord::read(run_dir)
                .context("pass --competition SLUG")?
                .spec
                .name
        }
    };
    check_slug(&slug).context("pass --competition SLUG with the competition's slug")?;
    if message.trim().is_empty() {
        bail!("a submission needs a message (-m \"what this run did\")");
    }
    let answer = kaggle.submit(&slug, &file, message)?;
    let record = Submitted {
        at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        competition: slug,
        message: message.to_string(),
        answer,
    };
    let log = dir.layout().submissions();
    let mut all: Vec<serde_json::Value> = if log.exists() {
        serde_json::from_value(crate::store::read_json(&log, "unreadable")?)
            .context("submissions.json: not a list")?
    } else {
        vec![]
    };
    all.push(serde_json::to_value(&record)?);
    dir.write_json(&dir.layout().submissions(), &all)?;
    Ok(record)
}
