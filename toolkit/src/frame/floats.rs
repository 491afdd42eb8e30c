//! Float columns: numbers in and out of Polars through loops over its buffers, which run at this
//! crate's optimisation where Polars' own per-value paths run at the dev profile's level 0.

use polars::prelude::*;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

use super::{Kind, column, kind_of, put};
use crate::error::Result;

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
        _ => {
            let mut out = Vec::with_capacity(c.len());
            each_f64(c, |v| out.push(v))?;
            out
        }
    };
    Ok(cast)
}

/// Calls `f` with each value of a numeric column as a float (None when missing), row by row.
fn each_f64(c: &Column, mut f: impl FnMut(Option<f64>)) -> Result<()> {
    for_f64_chunks(c, |values, valid| match valid {
        None => values.iter().for_each(|&v| f(Some(v))),
        Some(ok) => values
            .iter()
            .zip(ok.iter())
            .for_each(|(&v, ok)| f(ok.then_some(v))),
    })
}

/// A float column built value by value: the values and, where some are missing, a validity
/// bitmap, handed to Polars without a copy.
struct Floats {
    values: Vec<f64>,
    valid: MutableBitmap,
}

impl Floats {
    /// Room for exactly `n` values (a vector that grew, or was collected in place from a larger
    /// one, would keep its spare capacity inside Polars).
    fn with_capacity(n: usize) -> Self {
        Self {
            values: Vec::with_capacity(n),
            valid: MutableBitmap::with_capacity(n),
        }
    }
    fn push(&mut self, v: Option<f64>) {
        self.valid.push(v.is_some());
        self.values.push(v.unwrap_or(0.0));
    }
    fn series(self, name: &str) -> Series {
        let valid: Bitmap = self.valid.into();
        let valid = (valid.unset_bits() > 0).then_some(valid);
        Float64Chunked::from_vec_validity(name.into(), self.values, valid).into_series()
    }
}

/// Calls `f` with each chunk of a numeric column cast to floats: its values and, when some are
/// missing, its validity. A loop over slices here runs at this crate's optimisation, where Polars'
/// own per-value paths run at the dev profile's level 0.
fn for_f64_chunks(c: &Column, mut f: impl FnMut(&[f64], Option<&Bitmap>)) -> Result<()> {
    let cast = c.cast(&DataType::Float64)?;
    for arr in cast.f64()?.downcast_iter() {
        f(
            arr.values().as_slice(),
            arr.validity().filter(|b| b.unset_bits() > 0),
        );
    }
    Ok(())
}

/// A numeric column as floats with missing values as NaN: what the models read.
pub fn f64s_nan(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let c = column(df, name)?;
    if !matches!(kind_of(c.dtype()), Kind::Numeric | Kind::Bool) {
        return Ok(f64s(df, name)?
            .into_iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect());
    }
    let mut out = Vec::with_capacity(c.len());
    for_f64_chunks(c, |values, valid| match valid {
        None => out.extend_from_slice(values),
        Some(ok) => out.extend(
            values
                .iter()
                .zip(ok.iter())
                .map(|(&v, ok)| if ok { v } else { f64::NAN }),
        ),
    })?;
    Ok(out)
}

/// Replaces or appends a float column.
pub fn put_f64(df: &mut DataFrame, name: &str, values: Vec<Option<f64>>) -> Result<()> {
    let mut out = Floats::with_capacity(values.len());
    values.into_iter().for_each(|v| out.push(v));
    put(df, out.series(name))
}

/// Writes `f` of each value of `input` (as [`f64s`] reads it) to the float column `output`, in one
/// pass over the input's buffers when it is numeric: what value-by-value tools (scalers, clippers,
/// transforms) run on.
pub fn map_f64(
    df: &mut DataFrame,
    input: &str,
    output: &str,
    mut f: impl FnMut(Option<f64>) -> Option<f64>,
) -> Result<()> {
    let c = column(df, input)?;
    let mut out = Floats::with_capacity(c.len());
    if matches!(kind_of(c.dtype()), Kind::Numeric | Kind::Bool) {
        each_f64(c, |v| out.push(f(v)))?;
    } else {
        f64s(df, input)?.into_iter().for_each(|v| out.push(f(v)));
    }
    put(df, out.series(output))
}

/// Replaces a numeric column's missing, NaN and infinite values with `value` (the column becomes
/// floats) in one pass over its buffers; returns 1.0 for each replaced row and 0.0 for the others.
pub fn fill_f64(df: &mut DataFrame, name: &str, value: f64) -> Result<Vec<f64>> {
    let mut flags = Vec::with_capacity(df.height());
    map_f64(df, name, name, |v| {
        let keep = v.filter(|x| x.is_finite());
        flags.push(if keep.is_some() { 0.0 } else { 1.0 });
        Some(keep.unwrap_or(value))
    })?;
    Ok(flags)
}

/// The finite values of a numeric column, in row order: what fitted statistics (means, spreads,
/// medians) are taken over.
pub fn finite_f64s(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(df.height());
    each_f64(column(df, name)?, |v| {
        out.extend(v.filter(|x| x.is_finite()))
    })?;
    Ok(out)
}

/// Calls `f` with the finite values of a numeric column in row order, as [`finite_f64s`] gives
/// them, but borrowed straight from the column where it is one chunk of floats that are all
/// present and finite: a fit that only reads its statistics copies nothing.
pub fn with_finite_f64s<T>(df: &DataFrame, name: &str, f: impl FnOnce(&[f64]) -> T) -> Result<T> {
    let c = column(df, name)?;
    if let (DataType::Float64, 0) = (c.dtype(), c.null_count()) {
        let ca = c.f64()?;
        if let Ok(xs) = ca.cont_slice()
            && xs.iter().all(|x| x.is_finite())
        {
            return Ok(f(xs));
        }
    }
    Ok(f(&finite_f64s(df, name)?))
}

/// Replaces or appends a float column with no missing value (moved in, not copied).
pub fn put_f64_full(df: &mut DataFrame, name: &str, values: Vec<f64>) -> Result<()> {
    put(
        df,
        Float64Chunked::from_vec(name.into(), values).into_series(),
    )
}

/// A row-major matrix of the named columns as f64 (missing as NaN), converted once for the models.
pub fn matrix(df: &DataFrame, cols: &[String]) -> Result<Vec<f64>> {
    let n = df.height();
    let mut out = vec![0.0; n * cols.len()];
    for (j, c) in cols.iter().enumerate() {
        for (i, v) in f64s_nan(df, c)?.into_iter().enumerate() {
            out[i * cols.len() + j] = v;
        }
    }
    Ok(out)
}

/// A column-major copy (each column contiguous), the layout gradient boosting wants.
pub fn matrix_col_major(df: &DataFrame, cols: &[String]) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(df.height() * cols.len());
    for c in cols {
        out.extend(f64s_nan(df, c)?);
    }
    Ok(out)
}
