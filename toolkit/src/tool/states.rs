//! The fitted states several tools share: a value-by-value numeric map, a learned text table and
//! a fixed list of columns to drop. Each is plain data (serde), saved with a run.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Fitted, Split};
use crate::error::Result;
use crate::frame::{self, DataFrame};

/// A value-to-value map learned on train (an imputer's fill, a clipper's bounds, a scaler's centre
/// and spread), as data so it can be saved.
pub trait NumOp: Send + Sync {
    /// The new value of one cell (None is missing).
    fn map(&self, v: Option<f64>) -> Option<f64>;
}

/// Fitted state that maps numeric columns value by value (clippers, scalers, transforms).
#[derive(Serialize, Deserialize)]
pub struct MapNumeric<F> {
    /// (input column, output column, map).
    pub maps: Vec<(String, String, F)>,
}

impl<F: NumOp> Fitted for MapNumeric<F> {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (input, output, f) in &self.maps {
            frame::map_f64(&mut df, input, output, |x| f.map(x))?;
        }
        Ok(df)
    }
}

/// Fitted state that maps text columns through a learned table (encoders, text imputers).
#[derive(Serialize, Deserialize)]
pub struct MapText {
    /// One entry per input column.
    pub maps: Vec<TextMap>,
    /// Whether to drop the input columns after mapping.
    pub drop_inputs: bool,
}

/// One learned text-to-number (or text-to-text) table.
#[derive(Serialize, Deserialize)]
pub struct TextMap {
    /// The input column.
    pub input: String,
    /// The output column (may equal the input).
    pub output: String,
    /// The table learned on train.
    pub table: HashMap<String, f64>,
    /// The value for unseen or missing inputs.
    pub unseen: Option<f64>,
    /// Values to use on train instead of the table (out-of-fold target encoding), none missing.
    /// Not saved: a saved state only ever meets new rows.
    #[serde(skip)]
    pub train_values: Option<Vec<f64>>,
    /// Whether the values are unordered category codes 0..k (-1 unseen), written as
    /// [`frame::put_codes`] marks them; false for ordered codes and for numbers.
    #[serde(default)]
    pub codes: bool,
}

impl TextMap {
    /// The table's value for one cell, or `unseen` for a value train never showed and for a
    /// missing cell.
    fn value(&self, s: Option<&str>) -> Option<f64> {
        s.and_then(|s| self.table.get(s).copied()).or(self.unseen)
    }
}

impl Fitted for MapText {
    fn apply(&self, mut df: DataFrame, split: Split) -> Result<DataFrame> {
        for m in &self.maps {
            match (&m.train_values, split) {
                // The copy becomes the column's buffer as it is.
                (Some(v), Split::Train) if v.len() == df.height() => {
                    frame::put_f64_full(&mut df, &m.output, v.clone())?
                }
                _ if m.codes => {
                    let v: Vec<i32> = frame::with_strs(&df, &m.input, |rows| {
                        rows.map(|s| m.value(s).map_or(-1, |v| v as i32)).collect()
                    })?;
                    frame::put_codes(&mut df, &m.output, v)?
                }
                _ => {
                    let v: Vec<Option<f64>> =
                        frame::with_strs(&df, &m.input, |rows| rows.map(|s| m.value(s)).collect())?;
                    frame::put_f64(&mut df, &m.output, v)?
                }
            }
        }
        if self.drop_inputs {
            let drop: Vec<String> = self
                .maps
                .iter()
                .filter(|m| m.output != m.input)
                .map(|m| m.input.clone())
                .collect();
            df = frame::drop_cols(&df, &drop);
        }
        Ok(df)
    }
}

/// Fitted state that drops a fixed list of columns (learned on train).
#[derive(Serialize, Deserialize)]
pub struct DropColumns(pub Vec<String>);

impl Fitted for DropColumns {
    fn apply(&self, df: DataFrame, _: Split) -> Result<DataFrame> {
        Ok(frame::drop_cols(&df, &self.0))
    }
}
