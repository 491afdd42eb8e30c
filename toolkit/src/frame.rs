//! The only file that calls Polars' version-sensitive API: reading, writing, and moving columns in and
//! out of plain vectors. Tools work on `Vec<Option<f64>>` / `Vec<Option<String>>` through these helpers,
//! so a Polars upgrade touches this file alone.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use polars::prelude::DataFrame;

use crate::error::{Result, ToolkitError};

/// How a tool sees a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Integers and floats.
    Numeric,
    /// true / false.
    Bool,
    /// Strings and categoricals.
    Text,
    /// Dates and datetimes.
    Temporal,
    /// Anything else (lists, structs, nulls).
    Other,
}

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
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Latin-1 maps each byte to the code point of the same value.
            notes.push(format!(
                "{name} is not UTF-8; it was read as Latin-1 (re-save it as UTF-8 to be sure)"
            ));
            e.into_bytes().iter().map(|&b| char::from(b)).collect()
        }
    };
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    let header = text.lines().next().unwrap_or("").to_string();
    let separator = if header.contains(',') {
        b','
    } else {
        [b';', b'\t', b'|']
            .into_iter()
            .max_by_key(|c| header.bytes().filter(|b| b == c).count())
            .filter(|c| header.bytes().any(|b| b == *c))
            .unwrap_or(b',')
    };
    if separator != b',' {
        notes.push(format!(
            "{name} uses {:?} as its delimiter, not a comma; read accordingly",
            char::from(separator)
        ));
    }
    let bytes = text.into_bytes();
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
    let df = read(Some(20_000)).or_else(|_| read(None)).map_err(|e| {
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
    })?;
    let names = names(&df);
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

fn atomic_write(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> Result<()>) -> Result<()> {
    let tmp: PathBuf = {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        path.with_file_name(name)
    };
    let file =
        File::create(&tmp).map_err(|e| ToolkitError::file(&tmp, format!("cannot create: {e}")))?;
    let mut buf = BufWriter::new(file);
    let res = write(&mut buf).and_then(|()| {
        buf.flush()?;
        buf.get_ref().sync_all()?;
        Ok(())
    });
    match res {
        Ok(()) => std::fs::rename(&tmp, path)
            .map_err(|e| ToolkitError::file(path, format!("cannot rename: {e}"))),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Writes a CSV atomically (temporary file, then rename), so a crash never leaves half a file.
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<()> {
    let mut df = df.clone();
    atomic_write(path, |w| {
        Ok(CsvWriter::new(w).include_header(true).finish(&mut df)?)
    })
}

/// Writes Parquet atomically.
pub fn write_parquet(df: &DataFrame, path: &Path) -> Result<()> {
    let mut df = df.clone();
    atomic_write(path, |w| {
        ParquetWriter::new(w).finish(&mut df)?;
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

/// Column names in order.
pub fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .map(|s| s.to_string())
        .collect()
}

/// Whether the frame has the column.
pub fn has(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok()
}

fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(|_| ToolkitError::data(format!("column `{name}` is not in the frame")))
}

/// The kind of a column.
pub fn kind(df: &DataFrame, name: &str) -> Result<Kind> {
    Ok(kind_of(column(df, name)?.dtype()))
}

fn kind_of(dt: &DataType) -> Kind {
    if dt.is_bool() {
        Kind::Bool
    } else if dt.is_primitive_numeric() {
        Kind::Numeric
    } else if dt.is_string() || dt.is_categorical() {
        Kind::Text
    } else if dt.is_temporal() {
        Kind::Temporal
    } else {
        Kind::Other
    }
}

/// The Polars dtype, printed.
pub fn dtype_name(df: &DataFrame, name: &str) -> Result<String> {
    Ok(column(df, name)?.dtype().to_string())
}

/// Whether a column holds integers (so labels can be written back as integers).
pub fn is_integer(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(column(df, name)?.dtype().is_integer())
}

/// Missing values in a column (nulls, and NaN for floats).
pub fn missing(df: &DataFrame, name: &str) -> Result<usize> {
    let c = column(df, name)?;
    if c.dtype().is_float() {
        Ok(c.null_count() + c.is_nan()?.sum().unwrap_or(0) as usize)
    } else {
        Ok(c.null_count())
    }
}

/// Whether a column holds a value in every row (for floats: a finite one), counted by Polars'
/// kernels, so tools can leave complete columns untouched without copying them out.
pub fn complete(df: &DataFrame, name: &str) -> Result<bool> {
    let c = column(df, name)?;
    if c.null_count() > 0 {
        return Ok(false);
    }
    if c.dtype().is_float() {
        return Ok(c.is_finite()?.all());
    }
    Ok(true)
}

/// Whether a column is stored as 64-bit floats.
pub fn is_f64(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(column(df, name)?.dtype() == &DataType::Float64)
}

/// Whether a column is stored as plain strings.
pub fn is_string(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(column(df, name)?.dtype().is_string())
}

/// The column as floats: numbers as they are, booleans as 0/1, temporal as epoch units, text parsed
/// where it parses (anything else missing). NaN stays NaN.
pub fn f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let c = column(df, name)?;
    let cast = match kind_of(c.dtype()) {
        Kind::Text => c
            .cast(&DataType::String)?
            .str()?
            .iter()
            .map(|s| s.and_then(|s| s.trim().parse::<f64>().ok()))
            .collect(),
        Kind::Temporal => c
            .to_physical_repr()
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .collect(),
        _ => c.cast(&DataType::Float64)?.f64()?.iter().collect(),
    };
    Ok(cast)
}

/// The column as strings (numbers printed as Polars prints them).
pub fn strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    with_strs(df, name, |rows| {
        rows.map(|s| s.map(str::to_string)).collect()
    })
}

/// Reads the column as strings without copying them: `f` sees each row's text (None when missing).
/// For passes over every row (counts, codes) where [`strs`] would allocate a String per row.
pub fn with_strs<T>(
    df: &DataFrame,
    name: &str,
    f: impl FnOnce(&mut dyn Iterator<Item = Option<&str>>) -> T,
) -> Result<T> {
    let c = column(df, name)?.cast(&DataType::String)?;
    let mut it = c.str()?.iter();
    Ok(f(&mut it))
}

/// Epoch milliseconds of a temporal column.
pub fn epoch_ms(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let c = column(df, name)?;
    let c = c.cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
    Ok(c.to_physical_repr()
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect())
}

fn put(df: &mut DataFrame, s: Series) -> Result<()> {
    df.with_column(s.into_column())?;
    Ok(())
}

/// Replaces or appends a float column.
pub fn put_f64(df: &mut DataFrame, name: &str, values: Vec<Option<f64>>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Replaces or appends a string column.
pub fn put_str(df: &mut DataFrame, name: &str, values: Vec<Option<String>>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Replaces or appends an integer column.
pub fn put_i64(df: &mut DataFrame, name: &str, values: Vec<Option<i64>>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Replaces or appends a boolean column.
pub fn put_bool(df: &mut DataFrame, name: &str, values: Vec<Option<bool>>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Replaces or appends a datetime column given epoch milliseconds.
pub fn put_datetime(df: &mut DataFrame, name: &str, ms: Vec<Option<i64>>) -> Result<()> {
    let s = Series::new(name.into(), ms).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
    put(df, s)
}

/// Casts a column in place to one of the types a tool can ask for.
pub fn cast(df: &mut DataFrame, name: &str, to: CastTo) -> Result<()> {
    let c = column(df, name)?;
    let dt = match to {
        CastTo::Float => DataType::Float64,
        CastTo::Int => DataType::Int64,
        CastTo::String => DataType::String,
        CastTo::Bool => DataType::Boolean,
    };
    let out = if matches!(to, CastTo::Float | CastTo::Int) && kind_of(c.dtype()) == Kind::Text {
        // Text to number: parse, so "1.5" becomes 1.5 and anything unparseable becomes missing.
        let v = f64s(df, name)?;
        let s = Series::new(name.into(), v);
        s.cast(&dt)?
    } else if matches!(to, CastTo::Bool) && kind_of(c.dtype()) == Kind::Text {
        let v: Vec<Option<bool>> = strs(df, name)?
            .into_iter()
            .map(|s| {
                s.and_then(|s| match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" | "t" | "y" => Some(true),
                    "false" | "no" | "0" | "f" | "n" => Some(false),
                    _ => None,
                })
            })
            .collect();
        Series::new(name.into(), v)
    } else {
        c.cast(&dt)?.take_materialized_series()
    };
    put(df, out)
}

/// Target types for [`cast`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CastTo {
    /// 64-bit float; text is parsed, unparseable text becomes missing.
    Float,
    /// 64-bit integer.
    Int,
    /// Text.
    String,
    /// Boolean; text accepts true/false, yes/no, 1/0.
    Bool,
}

/// The frame without the named columns (names not present are ignored).
pub fn drop_cols(df: &DataFrame, cols: &[String]) -> DataFrame {
    let keep: Vec<String> = names(df)
        .into_iter()
        .filter(|n| !cols.contains(n))
        .collect();
    df.select(keep).expect("selected names come from the frame")
}

/// The frame with only the named columns, in that order.
pub fn select(df: &DataFrame, cols: &[String]) -> Result<DataFrame> {
    Ok(df.select(cols.iter().map(String::as_str))?)
}

/// The rows where `keep` is true.
pub fn filter_rows(df: &DataFrame, keep: &[bool]) -> Result<DataFrame> {
    let mask = BooleanChunked::from_slice("keep".into(), keep);
    Ok(df.filter(&mask)?)
}

/// The rows at `idx`, in that order.
pub fn take_rows(df: &DataFrame, idx: &[usize]) -> Result<DataFrame> {
    let idx: Vec<IdxSize> = idx.iter().map(|&i| i as IdxSize).collect();
    let ca = IdxCa::from_vec("idx".into(), idx);
    Ok(df.take(&ca)?)
}

/// Rows stacked: `a` then `b` (same columns).
pub fn vstack(a: &DataFrame, b: &DataFrame) -> Result<DataFrame> {
    Ok(a.vstack(b)?)
}

/// The first `n` rows.
pub fn head(df: &DataFrame, n: usize) -> DataFrame {
    df.head(Some(n))
}

/// Whether two frames hold the same values in the named column (missing equals missing).
pub fn same_column(a: &DataFrame, b: &DataFrame, name: &str) -> bool {
    match (a.column(name), b.column(name)) {
        (Ok(x), Ok(y)) => {
            x.dtype() == y.dtype()
                && x.as_materialized_series()
                    .equals_missing(y.as_materialized_series())
        }
        _ => false,
    }
}

/// An empty frame with the given height, to add columns to.
pub fn empty(height: usize) -> DataFrame {
    DataFrame::new(height, vec![]).expect("an empty frame is valid")
}

/// A row-major matrix of the named columns as f64 (missing as NaN), converted once for the models.
pub fn matrix(df: &DataFrame, cols: &[String]) -> Result<Vec<f64>> {
    let n = df.height();
    let mut out = vec![0.0; n * cols.len()];
    for (j, c) in cols.iter().enumerate() {
        for (i, v) in f64s(df, c)?.into_iter().enumerate() {
            out[i * cols.len() + j] = v.unwrap_or(f64::NAN);
        }
    }
    Ok(out)
}

/// A column-major copy (each column contiguous), the layout gradient boosting wants.
pub fn matrix_col_major(df: &DataFrame, cols: &[String]) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(df.height() * cols.len());
    for c in cols {
        out.extend(f64s(df, c)?.into_iter().map(|v| v.unwrap_or(f64::NAN)));
    }
    Ok(out)
}
