//! What talking to Kaggle can fail with, typed: the CLI says each with its fix, and the download's
//! retry loop asks [`KaggleError::retryable`] instead of reading messages.

use std::path::PathBuf;

use crate::error::{IoAt, RunError};

/// Why a download or a submission did not happen.
#[derive(Debug, thiserror::Error)]
pub enum KaggleError {
    /// A local file or folder could not be read, written, moved or removed.
    #[error(transparent)]
    Io(#[from] IoAt),
    /// No credentials were found anywhere Kaggle's CLI looks.
    #[error(
        "no Kaggle credentials: set KAGGLE_API_TOKEN (kaggle.com > Settings > API > Generate New Token) \
         or save it as ~/.kaggle/access_token; or set KAGGLE_USERNAME and KAGGLE_KEY, or save a legacy \
         kaggle.json as ~/.kaggle/kaggle.json (or in $KAGGLE_CONFIG_DIR)"
    )]
    NoCredentials,
    /// A credentials file is empty, not JSON, or lacks a field (its content is never quoted: it
    /// holds the key).
    #[error("{}: {problem}", path.display())]
    BadCredentials {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// The slug is not the last part of a competition's URL.
    #[error(
        "{0:?} is not a competition slug: use the last part of the competition's URL, e.g. `titanic` for \
         https://www.kaggle.com/competitions/titanic"
    )]
    Slug(String),
    /// The destination already holds files.
    #[error("{}: already holds files; pass --force to download {slug} again", dest.display())]
    NotEmpty {
        /// The destination folder.
        dest: PathBuf,
        /// The competition.
        slug: String,
    },
    /// Kaggle refused the credentials (401).
    #[error(
        "{what}: Kaggle refused the credentials of {user:?} from {from} (401); make a new token at kaggle.com > Settings > API"
    )]
    Unauthorized {
        /// What was being done.
        what: String,
        /// The account.
        user: String,
        /// Where the credentials came from.
        from: String,
    },
    /// Kaggle forbids it (403): usually the competition's rules are not accepted.
    #[error(
        "{what}: Kaggle forbids it for {user:?} (403); accept the competition's rules at https://www.kaggle.com/competitions/{slug}/rules first"
    )]
    Forbidden {
        /// What was being done.
        what: String,
        /// The account.
        user: String,
        /// The competition.
        slug: String,
    },
    /// No such competition (404).
    #[error(
        "{what}: Kaggle has no competition {slug:?} (404); the slug is the last part of the competition's URL, e.g. `titanic`"
    )]
    NotFound {
        /// What was being done.
        what: String,
        /// The slug asked for.
        slug: String,
    },
    /// Any other answer Kaggle or its storage gave; `retryable` for 5xx and 429.
    #[error("{what}: Kaggle answered {status}: {body}")]
    Refused {
        /// What was being done.
        what: String,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The start of the answer's body.
        body: String,
        /// Whether a later try may succeed.
        retryable: bool,
    },
    /// The connection failed or dropped: worth another try.
    #[error("{what}: {source}")]
    Http {
        /// What was being done.
        what: String,
        /// The client's reason.
        source: reqwest::Error,
    },
    /// An answer that does not make sense (no JSON, a broken range, a short body); `retryable`
    /// when a new try may get a whole one.
    #[error("{what}: {problem}")]
    Answer {
        /// What was being done.
        what: String,
        /// What was wrong.
        problem: String,
        /// Whether a later try may succeed.
        retryable: bool,
    },
    /// Every try of a download failed; the part file resumes on the next run.
    #[error("downloading {slug}: gave up after {tries} tries; the part kept at {} resumes on the next run: {last}", part.display())]
    GaveUp {
        /// The competition.
        slug: String,
        /// Tries made.
        tries: usize,
        /// The partial archive kept.
        part: PathBuf,
        /// The last try's failure.
        last: Box<KaggleError>,
    },
    /// The archive is damaged, incomplete, or would write outside its folder.
    #[error("{}: {problem}", path.display())]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What is wrong and what to do.
        problem: String,
    },
    /// The run directory has no submission yet.
    #[error("{}: no submission.csv; the run has not finished (`autokaggle resume {}` finishes it)", run_dir.display(), run_dir.display())]
    NoSubmission {
        /// The run directory.
        run_dir: PathBuf,
    },
    /// `submit` without `-m`.
    #[error("a submission needs a message (-m \"what this run did\")")]
    NoMessage,
    /// The run's recorded spec, which names the competition, could not be read.
    #[error("{0}; pass --competition SLUG")]
    NoSlug(Box<RunError>),
    /// The run directory could not be read or written.
    #[error(transparent)]
    Run(Box<RunError>),
}

impl KaggleError {
    /// Whether another try of the same request may succeed (a dropped connection, a 5xx, a 429).
    pub fn retryable(&self) -> bool {
        match self {
            Self::Http { .. } => true,
            Self::Refused { retryable, .. } | Self::Answer { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// An answer with `status` that is neither a success nor one of the refusals with a fix of
    /// their own: worth another try when the server is failing (5xx) or asks to slow down (429).
    pub(super) fn refused(what: String, status: reqwest::StatusCode, body: String) -> Self {
        let retryable =
            status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
        Self::Refused {
            what,
            status,
            body,
            retryable,
        }
    }
}

impl From<RunError> for KaggleError {
    fn from(e: RunError) -> Self {
        Self::Run(Box::new(e))
    }
}

/// What the Kaggle functions return.
pub type Result<T, E = KaggleError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16) -> KaggleError {
        let status = reqwest::StatusCode::from_u16(status).unwrap();
        KaggleError::refused("downloading titanic".into(), status, String::new())
    }

    #[test]
    fn only_failures_a_new_try_can_mend_are_retried() {
        assert!(refused(503).retryable());
        assert!(refused(429).retryable());
        assert!(!refused(400).retryable());
        let not_found = KaggleError::NotFound {
            what: "downloading titanc".into(),
            slug: "titanc".into(),
        };
        assert!(!not_found.retryable());
        assert_eq!(
            not_found.to_string(),
            "downloading titanc: Kaggle has no competition \"titanc\" (404); the slug is the last part of the competition's URL, e.g. `titanic`"
        );
        let gave_up = KaggleError::GaveUp {
            slug: "titanic".into(),
            tries: 4,
            part: "/x/.titanic.zip.part".into(),
            last: Box::new(refused(503)),
        };
        assert!(!gave_up.retryable());
        assert!(gave_up.to_string().starts_with(
            "downloading titanic: gave up after 4 tries; the part kept at /x/.titanic.zip.part resumes on the next run: downloading titanic: Kaggle answered 503 Service Unavailable"
        ));
    }
}
