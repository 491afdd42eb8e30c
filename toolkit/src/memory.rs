//! Memory: this process's peak, for benchmarks and the bench table, and the check that a run fits
//! in the memory the machine has before any file is read, so a run is refused with the figures
//! rather than killed halfway.

use std::path::Path;

use crate::error::{Result, ToolkitError};

/// Bytes of memory a run needs per byte of its CSV files, measured as peak RSS over the folder's
/// CSV bytes on the playground competitions: 1.44 GB for 189 MB at a million rows (7.6), 0.50 GB for
/// 47 MB at 250,000 rows (10.6); the larger with a margin.
pub const RUN_BYTES_PER_CSV_BYTE: f64 = 12.0;

/// Peak resident memory (VmHWM) in MB; 0 where /proc is unavailable.
pub fn peak_mb() -> f64 {
    proc_kb("/proc/self/status", "VmHWM:").map_or(0.0, |kb| kb / 1024.0)
}

/// Memory the system can give a new process now (MemAvailable), in bytes; None where /proc is
/// unavailable.
pub fn available() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemAvailable:").map(|kb| (kb * 1024.0) as u64)
}

fn proc_kb(file: &str, key: &str) -> Option<f64> {
    std::fs::read_to_string(file).ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
    })
}

/// Refuses a competition folder whose CSV files would need more memory than is available. Where
/// the available memory cannot be read, the run goes ahead.
pub fn check_fits(dir: &Path) -> Result<()> {
    let csv_bytes = csv_bytes(dir);
    match available() {
        Some(free) => fits(dir, csv_bytes, free),
        None => Ok(()),
    }
}

/// The CSV bytes of a folder (and of the `data` folder its competition.toml names, if any).
fn csv_bytes(dir: &Path) -> u64 {
    let mut dirs = vec![dir.to_path_buf()];
    if let Ok(text) = std::fs::read_to_string(dir.join("competition.toml"))
        && let Ok(v) = text.parse::<toml::Table>()
        && let Some(d) = v.get("data").and_then(|d| d.as_str())
    {
        dirs.push(dir.join(d));
    }
    dirs.iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
        })
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Whether `csv_bytes` of files fit in `available` bytes; the error gives both figures and the way
/// out.
pub fn fits(dir: &Path, csv_bytes: u64, available: u64) -> Result<()> {
    let need = csv_bytes as f64 * RUN_BYTES_PER_CSV_BYTE;
    if need <= available as f64 {
        return Ok(());
    }
    let gb = |b: f64| b / 1e9;
    let keep = available as f64 / need;
    Err(ToolkitError::file(
        dir,
        format!(
            "its CSV files are {:.2} GB; a run needs about {:.1} GB of memory and {:.1} GB is available. \
             Free memory, or keep about {:.0}% of train.csv's rows (a seeded sample keeps the task the same).",
            gb(csv_bytes as f64),
            gb(need),
            gb(available as f64),
            (keep * 100.0).floor().max(1.0)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_would_not_fit_is_refused_with_the_figures() {
        let dir = Path::new("/data/s5e1");
        // 500 MB of CSV needs 6.0 GB.
        assert!(fits(dir, 500_000_000, 6_000_000_000).is_ok());
        let e = fits(dir, 500_000_000, 3_000_000_000)
            .unwrap_err()
            .to_string();
        assert!(e.contains("/data/s5e1"), "{e}");
        assert!(
            e.contains("its CSV files are 0.50 GB; a run needs about 6.0 GB of memory and 3.0 GB is available"),
            "{e}"
        );
        assert!(e.contains("keep about 50% of train.csv's rows"), "{e}");
    }

    #[test]
    fn this_machine_reports_its_available_memory_and_a_small_folder_fits() {
        if cfg!(target_os = "linux") {
            assert!(available().is_some_and(|b| b > 0));
            assert!(peak_mb() > 0.0);
        }
        let dir = std::env::temp_dir().join(format!("ak-mem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("train.csv"), "id,y\n1,0\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "x".repeat(1000)).unwrap();
        assert_eq!(csv_bytes(&dir), 9);
        assert!(check_fits(&dir).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
