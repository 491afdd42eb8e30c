//! The commands that talk to Kaggle: download a competition, submit a run.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::kaggle::{self, Credentials, Kaggle};

/// A client for `api_url` (or the default root) with the user's credentials.
fn client(api_url: Option<&str>) -> Result<Kaggle> {
    Ok(Kaggle::new(
        &kaggle::api_url(api_url),
        Credentials::load()?,
    )?)
}

/// `download`: the competition's files into `out` (default competitions/SLUG), with progress.
pub fn download(
    slug: &str,
    out: Option<PathBuf>,
    force: bool,
    api_url: Option<&str>,
) -> Result<String> {
    kaggle::check_slug(slug)?;
    let client = client(api_url)?;
    let dest = out.unwrap_or_else(|| Path::new("competitions").join(slug));
    let mut shown = kaggle::DownloadProgress::new(slug);
    let got = kaggle::download(&client, slug, &dest, force, &mut |done, total| {
        shown.show(done, total)
    })?;
    shown.finish();
    if !got.overview {
        eprintln!("note: Kaggle's listing has no description of {slug}; overview.txt not written");
    }
    let mut lines: Vec<String> = got
        .files
        .iter()
        .map(|(name, size)| format!("{size:>12}  {name}"))
        .collect();
    lines.push(format!(
        "downloaded to {}; next: autokaggle run --competition {}",
        got.dir.display(),
        got.dir.display()
    ));
    Ok(lines.join("\n"))
}

/// `submit`: the run's submission.csv with `message`; Kaggle's answer.
pub fn submit(
    run_dir: &Path,
    message: &str,
    competition: Option<&str>,
    api_url: Option<&str>,
) -> Result<String> {
    let done = kaggle::submit_run(&client(api_url)?, run_dir, competition, message)?;
    Ok(format!("{}: {}", done.competition, done.answer))
}
