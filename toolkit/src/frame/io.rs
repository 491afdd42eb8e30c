//! Files in and out: CSV read with the adaptations a Kaggle file needs and errors that name the file,
//! CSV and Parquet written atomically (a temporary file, then a rename), so a crash leaves no half file.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Result, ToolkitError};
/// Reads a CSV with a header; see [`read_csv_noted`] for what it tolerates.
pub fn read_csv(path: &Path) -> Result<DataFrame> {
    read_csv_noted(path).map(|(df, _)| df)
}

/// Reads a CSV with a header, and says what it had to adapt: a `;`, tab or `|` delimiter (found
/// from the header when it holds no comma), a UTF-8 byte-order mark, or Latin-1 bytes (decoded as
/// Latin-1 when the file is not valid UTF-8). Errors name the file and what to fix: an empty file,
/// a header with no rows, a repeated column name.
pub fn read_csv_noted(path: &Path) -> Result<(DataFrame, Vec<String>)> {
    let bytes =
        std::fs::read(path).map_err(|e| ToolkitError::file(path, format!("cannot open: {e}")))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ToolkitError::file(
            path,
            "the file is empty: expected a CSV with a header row",
        ));
    }
    let mut notes = Vec::new();
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = decode(bytes, &name, &mut notes);
    let header = text.lines().next().unwrap_or("").to_string();
    let separator = separator_of(&header);
    if separator != b',' {
        notes.push(format!(
            "{name} uses {:?} as its delimiter, not a comma; read accordingly",
            char::from(separator)
        ));
    }
    let df = parse(text.into_bytes(), separator, path)?;
    let names = super::names(&df);
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n)
            || (n.contains("_duplicated_") && header_repeats(&header, separator))
        {
            let col = n.split("_duplicated_").next().unwrap_or(n);
            return Err(ToolkitError::column(
                path,
                col,
                "the header repeats this column name; rename one of them",
            ));
        }
    }
    if df.height() == 0 {
        return Err(ToolkitError::file(path, "has a header but no rows"));
    }
    Ok((df, notes))
}

/// The file's text: UTF-8 without a byte-order mark, or Latin-1 (noted) when it is not UTF-8.
fn decode(bytes: Vec<u8>, name: &str, notes: &mut Vec<String>) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Latin-1 maps each byte to the code point of the same value.
            notes.push(format!(
                "{name} is not UTF-8; it was read as Latin-1 (re-save it as UTF-8 to be sure)"
            ));
            e.into_bytes().iter().map(|&b| char::from(b)).collect()
        }
    };
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// A comma when the header holds one; else the most frequent of `;`, tab and `|` in it.
fn separator_of(header: &str) -> u8 {
    if header.contains(',') {
        return b',';
    }
    [b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|c| header.bytes().filter(|b| b == c).count())
        .filter(|c| header.bytes().any(|b| b == *c))
        .unwrap_or(b',')
}

/// Parses the CSV; a ragged row is named by its line, and a parser panic is this file's error.
fn parse(bytes: Vec<u8>, separator: u8, path: &Path) -> Result<DataFrame> {
    let read = |infer: Option<usize>| {
        // Polars' CSV reader can panic on malformed quoting (found by fuzzing: toolkit/tests/it/
        // fuzz.rs); a panic becomes this file's error instead of ending the run.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(infer)
                .with_raise_if_empty(true)
                .with_parse_options(CsvParseOptions::default().with_separator(separator))
                .into_reader_with_file_handle(std::io::Cursor::new(&bytes[..]))
                .finish()
        }))
        .unwrap_or_else(|_| {
            Err(PolarsError::ComputeError(
                "the CSV parser failed on this file; check its quoting (every \" must be closed or doubled)"
                    .into(),
            ))
        })
    };
    // A bounded inference window is fast; a column whose type changes late needs the full scan.
    read(Some(20_000)).or_else(|_| read(None)).map_err(|e| {
        let text = String::from_utf8_lossy(&bytes);
        match ragged_line(&text, separator) {
            Some((line, found, expected)) => ToolkitError::file(
                path,
                format!(
                    "line {line} has {found} fields but the header has {expected}: fix that row (a stray delimiter, or a text field with a delimiter that needs quotes)"
                ),
            ),
            None => ToolkitError::file(path, format!("not a readable CSV: {e}")),
        }
    })
}

/// The first record (1-based line where it starts) with more fields than the header, reading
/// quoted fields as CSV does (quotes may hold delimiters and newlines).
fn ragged_line(text: &str, separator: u8) -> Option<(usize, usize, usize)> {
    let sep = char::from(separator);
    let (mut line, mut start_line, mut fields, mut quoted) = (1, 1, 1, false);
    let mut expected = None;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => fields += 1,
            '\n' if !quoted => {
                match expected {
                    None => expected = Some(fields),
                    Some(e) if fields > e => return Some((start_line, fields, e)),
                    _ => {}
                }
                line += 1;
                start_line = line;
                fields = 1;
            }
            '\n' => line += 1,
            _ => {}
        }
    }
    match expected {
        Some(e) if fields > e => Some((start_line, fields, e)),
        _ => None,
    }
}

/// Whether a header line names a column twice (Polars renames repeats to `<name>_duplicated_<k>`).
fn header_repeats(header: &str, separator: u8) -> bool {
    let cols: Vec<&str> = header
        .split(char::from(separator))
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    cols.iter().enumerate().any(|(i, c)| cols[..i].contains(c))
}

/// Writes a CSV atomically (temporary file, then rename), so a crash never leaves half a file.
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<()> {
    let mut df = df.clone();
    crate::atomic::write_with(path, |w| {
        Ok(CsvWriter::new(w).include_header(true).finish(&mut df)?)
    })
}

/// Writes Parquet atomically, LZ4-compressed: a phase's hand-over files are written once and read
/// on resume, so writing speed counts more than size.
pub fn write_parquet(df: &DataFrame, path: &Path) -> Result<()> {
    let mut df = df.clone();
    crate::atomic::write_with(path, |w| {
        ParquetWriter::new(w)
            .with_compression(ParquetCompression::Lz4Raw)
            .finish(&mut df)?;
        Ok(())
    })
}

/// Reads a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<DataFrame> {
    let f = File::open(path).map_err(|e| ToolkitError::file(path, format!("cannot open: {e}")))?;
    ParquetReader::new(f)
        .finish()
        .map_err(|e| ToolkitError::file(path, format!("not a readable Parquet file: {e}")))
}

/// Rows and columns of a Parquet file, from its footer alone: whether a written file is whole and
/// of the expected shape, without decoding it.
pub fn parquet_shape(path: &Path) -> Result<(usize, usize)> {
    let f = File::open(path).map_err(|e| ToolkitError::file(path, format!("cannot open: {e}")))?;
    let mut r = ParquetReader::new(f);
    let bad =
        |e: PolarsError| ToolkitError::file(path, format!("not a readable Parquet file: {e}"));
    let rows = r.num_rows().map_err(bad)?;
    let cols = r.schema().map_err(bad)?.len();
    Ok((rows, cols))
}
