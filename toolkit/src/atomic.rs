//! The one way every crate writes a file that a crash must not leave half-written: a sibling
//! temporary file, flushed to the disk, renamed over the target, and the folder synced so that the
//! rename itself survives a power cut. A reader sees the old file or the new one, never part of one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Result, ToolkitError};

/// The temporary name `path` is written under first (`NAME.tmp`, beside it). A run directory's
/// cleanup removes such leftovers of a crash.
pub fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes `bytes` to `path`, creating its folder if needed.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| ToolkitError::file(parent, format!("cannot create the folder: {e}")))?;
    }
    write_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Writes `path` through `write`, which streams into a buffered temporary file. If `write` fails,
/// the temporary file is removed and `path` is left as it was.
pub fn write_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let tmp = temporary(path);
    let file =
        File::create(&tmp).map_err(|e| ToolkitError::file(&tmp, format!("cannot create: {e}")))?;
    let mut buf = BufWriter::new(file);
    let written = write(&mut buf).and_then(|()| {
        buf.flush()?;
        Ok(buf.get_ref().sync_all()?)
    });
    drop(buf);
    match written {
        Ok(()) => commit(&tmp, path),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Puts the finished file `tmp` in `path`'s place: synced, renamed, and the folder synced.
fn commit(tmp: &Path, path: &Path) -> Result<()> {
    let synced = File::open(tmp).and_then(|f| f.sync_all());
    if let Err(e) = synced.and_then(|()| std::fs::rename(tmp, path)) {
        let _ = std::fs::remove_file(tmp);
        return Err(ToolkitError::file(path, format!("cannot write: {e}")));
    }
    sync_folder(path);
    Ok(())
}

/// Syncs the folder holding `path`, so a rename into it is on the disk. Best effort: some
/// platforms and file systems cannot open or sync a folder, and the file itself is already synced.
fn sync_folder(path: &Path) {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(f) = File::open(folder) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder of its own for each test.
    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ak-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary() {
        let d = folder("replace");
        let p = d.join("sub").join("a.json");
        write(&p, b"old").unwrap();
        write(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert!(!temporary(&p).exists());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_removes_the_temporary() {
        let d = folder("fail");
        let p = d.join("a.csv");
        write(&p, b"old").unwrap();
        let e = write_with(&p, |w| {
            w.write_all(b"half")?;
            Err(ToolkitError::data("the writer failed"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("the writer failed"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert!(!temporary(&p).exists());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
