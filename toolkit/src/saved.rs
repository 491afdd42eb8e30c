//! Saved fitted state: MessagePack (exact `f64` bits, NaN and infinities included, which JSON cannot
//! hold) inside an envelope that names what it is, the format, and the version that wrote it. A
//! file of another format is refused with a message that says what to do, never misread.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};

/// The format this version writes and reads. Bump it when a saved type changes shape: 2 when
/// boosters moved from forust to hessboost.
pub const FORMAT: u32 = 2;

/// This crate's version, recorded in every saved file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Serialize)]
struct Envelope<'a, T> {
    format: u32,
    kind: &'a str,
    written_by: &'a str,
    body: &'a T,
}

#[derive(Deserialize)]
struct Header {
    format: u32,
    kind: String,
    written_by: String,
}

#[derive(Deserialize)]
struct Body<T> {
    body: T,
}

/// Encodes `body` as a saved file of `kind` (e.g. `program`, `ensemble`).
pub fn to_bytes<T: Serialize>(kind: &str, body: &T) -> Result<Vec<u8>> {
    rmp_serde::to_vec_named(&Envelope {
        format: FORMAT,
        kind,
        written_by: VERSION,
        body,
    })
    .map_err(|e| ToolkitError::data(format!("cannot save the {kind}: {e}")))
}

/// Decodes a saved file of `kind`; `path` is only used in messages.
pub fn from_bytes<T: DeserializeOwned>(kind: &str, bytes: &[u8], path: &Path) -> Result<T> {
    let h: Header = rmp_serde::from_slice(bytes)
        .map_err(|e| ToolkitError::file(path, format!("is not a saved {kind} ({e})")))?;
    if h.kind != kind {
        return Err(ToolkitError::file(
            path,
            format!("holds a saved {}, not a {kind}", h.kind),
        ));
    }
    if h.format != FORMAT {
        return Err(ToolkitError::file(
            path,
            format!(
                "was saved by version {} in format {}; this is version {VERSION}, which reads format {FORMAT}: run the competition again to save it in this format",
                h.written_by, h.format
            ),
        ));
    }
    let b: Body<T> = rmp_serde::from_slice(bytes).map_err(|e| {
        ToolkitError::file(
            path,
            format!("holds a {kind} this version cannot read ({e}); run the competition again"),
        )
    })?;
    Ok(b.body)
}

/// Writes `bytes` to `path` so a crash leaves the old file or the new one (see [`crate::atomic`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write(path, bytes)
}

/// Saves `body` to `path` as a file of `kind`.
pub fn save<T: Serialize>(path: &Path, kind: &str, body: &T) -> Result<()> {
    write_atomic(path, &to_bytes(kind, body)?)
}

/// Loads a file of `kind` from `path`.
pub fn load<T: DeserializeOwned>(path: &Path, kind: &str) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| ToolkitError::file(path, e.to_string()))?;
    from_bytes(kind, &bytes, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_exact_floats_and_refuses_other_kinds_and_formats() {
        let v = vec![0.1, f64::NAN, f64::INFINITY, -0.0, 1.0 / 3.0];
        let b = to_bytes("numbers", &v).unwrap();
        let back: Vec<f64> = from_bytes("numbers", &b, Path::new("n.bin")).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&v));
        let e = from_bytes::<Vec<f64>>("program", &b, Path::new("n.bin")).unwrap_err();
        assert_eq!(e.to_string(), "n.bin: holds a saved numbers, not a program");
        let old = rmp_serde::to_vec_named(&Envelope {
            format: 0,
            kind: "numbers",
            written_by: "0.0.1",
            body: &v,
        })
        .unwrap();
        let e = from_bytes::<Vec<f64>>("numbers", &old, Path::new("n.bin")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "n.bin: was saved by version 0.0.1 in format 0; this is version {VERSION}, which reads format 2: run the competition again to save it in this format"
            )
        );
        let e = from_bytes::<Vec<f64>>("numbers", b"not msgpack", Path::new("n.bin"));
        assert!(
            e.unwrap_err()
                .to_string()
                .starts_with("n.bin: is not a saved numbers")
        );
    }
}
