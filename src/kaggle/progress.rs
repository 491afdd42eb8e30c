//! Download progress on stderr for `autokaggle download`.

use indicatif::{ProgressBar, ProgressStyle};

/// Download progress on stderr: a bytes bar with rate and time left on a terminal, a line per
/// quarter otherwise (a log keeps four lines, not one per chunk).
pub struct DownloadProgress {
    slug: String,
    out: Out,
}

enum Out {
    Bar(Option<ProgressBar>),
    Lines { quarter: u64 },
}

impl DownloadProgress {
    /// Progress for downloading `slug`.
    pub fn new(slug: &str) -> Self {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Self {
            slug: slug.to_string(),
            out: if tty {
                Out::Bar(None)
            } else {
                Out::Lines { quarter: 0 }
            },
        }
    }

    /// Shows `done` of `total` bytes.
    pub fn show(&mut self, done: u64, total: Option<u64>) {
        match &mut self.out {
            Out::Bar(bar) => {
                let bar = bar.get_or_insert_with(|| bytes_bar(&self.slug, total));
                bar.set_position(done);
            }
            Out::Lines { quarter } => {
                let Some(t) = total.filter(|t| *t > 0) else {
                    return;
                };
                let q = done * 4 / t;
                if q > *quarter {
                    *quarter = q;
                    eprintln!("{}", line(&self.slug, done, t));
                }
            }
        }
    }

    /// Ends the progress display, leaving the bar's last state on screen.
    pub fn finish(&self) {
        if let Out::Bar(Some(bar)) = &self.out {
            bar.finish();
        }
    }
}

/// A bar of `total` bytes, or a spinner with the bytes so far when the size is unknown.
fn bytes_bar(slug: &str, total: Option<u64>) -> ProgressBar {
    let (bar, template) = match total.filter(|t| *t > 0) {
        Some(t) => (
            ProgressBar::new(t),
            "downloading {prefix}: [{bar:30}] {bytes} of {total_bytes}, {bytes_per_sec}, {eta} left",
        ),
        None => (
            ProgressBar::no_length(),
            "{spinner} downloading {prefix}: {bytes}, {bytes_per_sec}",
        ),
    };
    let style = ProgressStyle::with_template(template)
        .expect("a valid bar template")
        .progress_chars("=> ");
    bar.with_style(style).with_prefix(slug.to_string())
}

/// The plain line a log shows at each quarter.
fn line(slug: &str, done: u64, total: u64) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    format!(
        "downloading {slug}: {:.1} of {:.1} MB ({:.0}%)",
        mb(done),
        mb(total),
        100.0 * done as f64 / total as f64
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_says_the_megabytes_and_the_share() {
        assert_eq!(
            line("titanic", 1_250_000, 5_000_000),
            "downloading titanic: 1.2 of 5.0 MB (25%)"
        );
    }

    #[test]
    fn a_bar_follows_the_bytes_against_the_size() {
        let mut p = DownloadProgress {
            slug: "titanic".into(),
            out: Out::Bar(None),
        };
        p.show(10, Some(40));
        p.show(30, Some(40));
        let Out::Bar(Some(bar)) = &p.out else {
            panic!("a bar after the first chunk")
        };
        assert_eq!((bar.position(), bar.length()), (30, Some(40)));
        assert_eq!(bar.prefix(), "titanic");
    }
}
