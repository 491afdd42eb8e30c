//! Download progress on stderr for `autokaggle download`.

/// Download progress on stderr: rewritten in place on a terminal, a line per quarter otherwise.
pub struct DownloadProgress {
    slug: String,
    tty: bool,
    last: std::time::Instant,
    quarter: u64,
    shown: bool,
}

impl DownloadProgress {
    /// Progress for downloading `slug`.
    pub fn new(slug: &str) -> Self {
        Self {
            slug: slug.to_string(),
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            last: std::time::Instant::now(),
            quarter: 0,
            shown: false,
        }
    }

    /// Shows `done` of `total` bytes.
    pub fn show(&mut self, done: u64, total: Option<u64>) {
        let mb = |b: u64| b as f64 / 1e6;
        let text = match total {
            Some(t) if t > 0 => format!(
                "downloading {}: {:.1} of {:.1} MB ({:.0}%)",
                self.slug,
                mb(done),
                mb(t),
                100.0 * done as f64 / t as f64
            ),
            _ => format!("downloading {}: {:.1} MB", self.slug, mb(done)),
        };
        if self.tty {
            if self.last.elapsed().as_millis() >= 200 || total == Some(done) {
                eprint!("\r{text}\x1b[K");
                self.last = std::time::Instant::now();
                self.shown = true;
            }
        } else if let Some(t) = total.filter(|t| *t > 0) {
            let q = done * 4 / t;
            if q > self.quarter {
                self.quarter = q;
                eprintln!("{text}");
            }
        }
    }

    /// Ends the progress line.
    pub fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
