//! The only folder that calls Polars' version-sensitive API: moving columns in and out of plain
//! vectors here (float columns in `floats.rs`), reading and writing files in `io.rs`. Tools work
//! on `Vec<Option<f64>>` / `Vec<Option<String>>` through these helpers, so a Polars upgrade
//! touches this folder alone.

mod floats;
mod io;

use polars::prelude::*;

pub use floats::{
    f64s, f64s_nan, fill_f64, finite_f64s, map_f64, matrix, matrix_col_major, put_f64,
    put_f64_full, with_finite_f64s,
};
pub use io::{parquet_shape, read_csv, read_csv_noted, read_parquet, write_csv, write_parquet};
pub use polars::prelude::{DataFrame, PlHashMap};

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

/// Each distinct value of a column (as [`with_strs`] reads it) with its count, most frequent
/// first and ties by value, so encoders and fills agree on an order. Counted by borrowed string in
/// Polars' hash map: one allocation per distinct value, not per row.
pub fn value_counts(df: &DataFrame, name: &str) -> Result<Vec<(String, usize)>> {
    with_strs(df, name, |rows| {
        let mut counts: PlHashMap<&str, usize> = PlHashMap::default();
        for s in rows.flatten() {
            *counts.entry(s).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    })
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

/// Replaces or appends a column of unordered category codes (0..k, -1 for a category train never
/// showed), stored as 32-bit integers: the dtype is the mark [`is_codes`] reads, so that a booster
/// splits the column by category sets, and any step that rewrites the column (a scaler writes
/// floats) takes the mark away with the meaning. A file read from CSV never has this dtype.
pub fn put_codes(df: &mut DataFrame, name: &str, values: Vec<i32>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Whether a column holds unordered category codes ([`put_codes`]).
pub fn is_codes(df: &DataFrame, name: &str) -> Result<bool> {
    Ok(column(df, name)?.dtype() == &DataType::Int32)
}

/// Replaces or appends a string column.
pub fn put_str(df: &mut DataFrame, name: &str, values: Vec<Option<String>>) -> Result<()> {
    put(df, Series::new(name.into(), values))
}

/// Fills a text column's missing values with `value` through Polars' mask kernel (no string is
/// copied out); returns 1.0 where a value was missing, 0.0 elsewhere.
pub fn fill_str(df: &mut DataFrame, name: &str, value: &str) -> Result<Vec<f64>> {
    let c = column(df, name)?.cast(&DataType::String)?;
    let ca = c.str()?;
    let missing = ca.is_null();
    let mut flags = Vec::with_capacity(ca.len());
    for arr in missing.downcast_iter() {
        flags.extend(arr.values_iter().map(|m| if m { 1.0 } else { 0.0 }));
    }
    let filled = ca.set(&missing, Some(value))?;
    put(df, filled.into_series())?;
    Ok(flags)
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

/// `df` in the shape of `like`: `like`'s columns in its order and types (text parsed into numbers,
/// unparseable values missing), a column `df` lacks all missing. What stacking rows from another
/// file onto train needs; the names of the columns `df` lacked come back with it.
pub fn conform(df: &DataFrame, like: &DataFrame) -> Result<(DataFrame, Vec<String>)> {
    let mut out = empty(df.height());
    let mut absent = Vec::new();
    for c in like.columns() {
        let (name, dt) = (c.name().as_str(), c.dtype());
        let s = match df.column(name) {
            Ok(col) if kind_of(col.dtype()) == Kind::Text && kind_of(dt) == Kind::Numeric => {
                Series::new(name.into(), f64s(df, name)?).cast(dt)?
            }
            Ok(col) => col.cast(dt)?.take_materialized_series(),
            Err(_) => {
                absent.push(name.to_string());
                Series::full_null(name.into(), df.height(), dt)
            }
        };
        put(&mut out, s)?;
    }
    Ok((out, absent))
}

/// Rows stacked: `a` then `b` (same columns).
pub fn vstack(a: &DataFrame, b: &DataFrame) -> Result<DataFrame> {
    Ok(a.vstack(b)?)
}

/// At most `n` rows, drawn with `seed` and kept in their order; the frame itself when it has no more.
/// What summaries and checks read at a million rows, where the whole frame would cost seconds.
pub fn sample_rows(df: &DataFrame, n: usize, seed: u64) -> Result<DataFrame> {
    if df.height() <= n {
        return Ok(df.clone());
    }
    take_rows(df, &crate::folds::sample(df.height(), n, seed))
}

/// The first `n` rows.
pub fn head(df: &DataFrame, n: usize) -> DataFrame {
    df.head(Some(n))
}

/// Whether two frames hold the same values in the named column (missing equals missing).
pub fn same_column(a: &DataFrame, b: &DataFrame, name: &str) -> bool {
    match (a.column(name), b.column(name)) {
        (Ok(x), Ok(y)) => {
            let (x, y) = (x.as_materialized_series(), y.as_materialized_series());
            // A column a step left alone is the same buffer: no need to read a million values.
            Arc::ptr_eq(&x.0, &y.0) || (x.dtype() == y.dtype() && x.equals_missing(y))
        }
        _ => false,
    }
}

/// Each column's name with the address of the buffer behind it: equal addresses are the same
/// values, so a step's log can say which columns it rewrote without keeping the old ones.
pub fn buffers(df: &DataFrame) -> Vec<(String, usize)> {
    df.columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            (
                c.name().to_string(),
                Arc::as_ptr(&s.0) as *const () as usize,
            )
        })
        .collect()
}

/// An empty frame with the given height, to add columns to.
pub fn empty(height: usize) -> DataFrame {
    DataFrame::new(height, vec![]).expect("an empty frame is valid")
}
