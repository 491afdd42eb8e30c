//! Unpacking a downloaded archive: every entry's CRC is checked, and no entry may land outside the
//! destination (a name like `../../.bashrc` is refused, not followed).

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Unpacks the zip at `zip_path` into `dir` (created); returns each file's relative name and size.
pub fn unpack(zip_path: &Path, dir: &Path) -> Result<Vec<(String, u64)>> {
    let file =
        std::fs::File::open(zip_path).with_context(|| format!("opening {}", zip_path.display()))?;
    let mut archive = zip::ZipArchive::new(file).with_context(|| {
        format!(
            "{}: not a complete zip archive (the download is damaged; run the command again)",
            zip_path.display()
        )
    })?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .with_context(|| format!("{}: entry {i} unreadable", zip_path.display()))?;
        let Some(rel) = entry.enclosed_name() else {
            bail!(
                "{}: entry {:?} would be written outside {}; refusing the archive",
                zip_path.display(),
                entry.name(),
                dir.display()
            );
        };
        let target = dir.join(&rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&target)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut w = std::fs::File::create(&target)
            .with_context(|| format!("creating {}", target.display()))?;
        // Reading an entry to its end checks its CRC-32; a mismatch is an error here.
        let n = std::io::copy(&mut entry, &mut w).with_context(|| {
            format!(
                "{}: {} fails its checksum (the download is damaged; run the command again)",
                zip_path.display(),
                rel.display()
            )
        })?;
        out.push((rel.to_string_lossy().into_owned(), n));
    }
    Ok(out)
}
