//! Unpacking a downloaded archive: every entry's CRC is checked, and no entry may land outside the
//! destination (a name like `../../.bashrc` is refused, not followed).

use std::path::Path;

use super::{KaggleError, Result};
use crate::error::io_at;

/// Unpacks the zip at `zip_path` into `dir` (created); returns each file's relative name and size.
pub fn unpack(zip_path: &Path, dir: &Path) -> Result<Vec<(String, u64)>> {
    let bad = |problem: String| KaggleError::Archive {
        path: zip_path.to_path_buf(),
        problem,
    };
    let file = std::fs::File::open(zip_path).map_err(io_at(zip_path, "cannot open"))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| {
        bad(format!(
            "not a complete zip archive (the download is damaged; run the command again): {e}"
        ))
    })?;
    std::fs::create_dir_all(dir).map_err(io_at(dir, "cannot create the folder"))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("entry {i} unreadable: {e}")))?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(bad(format!(
                "entry {:?} would be written outside {}; refusing the archive",
                entry.name(),
                dir.display()
            )));
        };
        let target = dir.join(&rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(io_at(&target, "cannot create the folder"))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent, "cannot create the folder"))?;
        }
        let mut w = std::fs::File::create(&target).map_err(io_at(&target, "cannot create"))?;
        // Reading an entry to its end checks its CRC-32; a mismatch is an error here.
        let n = std::io::copy(&mut entry, &mut w).map_err(|e| {
            bad(format!(
                "{} fails its checksum (the download is damaged; run the command again): {e}",
                rel.display()
            ))
        })?;
        out.push((rel.to_string_lossy().into_owned(), n));
    }
    Ok(out)
}
