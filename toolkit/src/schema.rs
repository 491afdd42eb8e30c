//! The columns a fitted pipeline was trained to read, saved with it, and the check that makes a new
//! file look the same: same columns in the same order, each cast to the dtype it had, or a refusal
//! that names the column.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Result, ToolkitError};
use crate::frame::{self, CastTo, DataFrame};

/// One column as it was read: its name and Polars dtype (`i64`, `f64`, `str`, `bool`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// The dtype, as Polars prints it.
    pub dtype: String,
}

/// The columns of a frame, in order.
pub fn of(df: &DataFrame) -> Result<Vec<Column>> {
    frame::names(df)
        .into_iter()
        .map(|name| {
            Ok(Column {
                dtype: frame::dtype_name(df, &name)?,
                name,
            })
        })
        .collect()
}

fn cast_for(dtype: &str) -> Option<CastTo> {
    match dtype {
        "i64" => Some(CastTo::Int),
        "f64" => Some(CastTo::Float),
        "str" => Some(CastTo::String),
        "bool" => Some(CastTo::Bool),
        _ => None,
    }
}

/// Makes `df` (read from `path`) have exactly `want`'s columns, in order and of the same dtypes.
/// A missing column, or a value that does not cast (text in a number column), is an error naming
/// the column; extra columns are dropped and listed in the returned notes.
pub fn conform(df: &DataFrame, want: &[Column], path: &Path) -> Result<(DataFrame, Vec<String>)> {
    let mut notes = Vec::new();
    let names = frame::names(df);
    let extra: Vec<&String> = names
        .iter()
        .filter(|n| !want.iter().any(|c| &c.name == *n))
        .collect();
    if !extra.is_empty() {
        notes.push(format!(
            "ignored {} column(s) the model does not use: {}",
            extra.len(),
            extra
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(c) = want.iter().find(|c| !names.contains(&c.name)) {
        return Err(ToolkitError::column(
            path,
            &c.name,
            format!(
                "is missing; the model was trained with it ({}). Add the column (empty values are fine)",
                c.dtype
            ),
        ));
    }
    let order: Vec<String> = want.iter().map(|c| c.name.clone()).collect();
    let mut out = frame::select(df, &order)?;
    for c in want {
        let have = frame::dtype_name(&out, &c.name)?;
        if have == c.dtype {
            continue;
        }
        let refuse = |why: String| ToolkitError::column(path, &c.name, why);
        let to = cast_for(&c.dtype).ok_or_else(|| {
            refuse(format!(
                "is {have}, the model was trained on {}; convert the column to that type",
                c.dtype
            ))
        })?;
        let before = frame::strs(&out, &c.name)?;
        frame::cast(&mut out, &c.name, to)?;
        let after = frame::strs(&out, &c.name)?;
        if let Some((row, v)) = before
            .iter()
            .zip(&after)
            .enumerate()
            .find_map(|(i, (b, a))| (b.is_some() && a.is_none()).then(|| (i, b.clone())))
        {
            return Err(refuse(format!(
                "row {}: {:?} cannot be read as {} (the type the model was trained on); fix or empty the value",
                row + 1,
                v.unwrap_or_default(),
                c.dtype
            )));
        }
    }
    Ok((out, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{C, df};

    #[test]
    fn conform_casts_reorders_drops_extras_and_names_the_bad_column() {
        let train = df(vec![
            ("a", C::F(vec![Some(1.5), Some(2.0)])),
            ("b", C::S(vec![Some("x"), Some("y")])),
        ]);
        let want = of(&train).unwrap();
        assert_eq!(want[0].dtype, "f64");
        // Integers where floats were, columns swapped, one extra column.
        let mut new = df(vec![
            ("extra", C::S(vec![Some("z"), Some("z")])),
            ("b", C::S(vec![Some("p"), None])),
            ("a", C::F(vec![Some(3.0), Some(4.0)])),
        ]);
        frame::cast(&mut new, "a", CastTo::Int).unwrap();
        let (out, notes) = conform(&new, &want, Path::new("new.csv")).unwrap();
        assert_eq!(frame::names(&out), vec!["a", "b"]);
        assert_eq!(frame::dtype_name(&out, "a").unwrap(), "f64");
        assert_eq!(frame::f64s(&out, "a").unwrap(), vec![Some(3.0), Some(4.0)]);
        assert_eq!(
            notes,
            vec!["ignored 1 column(s) the model does not use: extra"]
        );
        let missing = df(vec![("b", C::S(vec![Some("p"), Some("q")]))]);
        let e = conform(&missing, &want, Path::new("new.csv")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "new.csv: column `a`: is missing; the model was trained with it (f64). Add the column (empty values are fine)"
        );
        let bad = df(vec![
            ("a", C::S(vec![Some("3"), Some("three")])),
            ("b", C::S(vec![Some("p"), Some("q")])),
        ]);
        let e = conform(&bad, &want, Path::new("new.csv")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "new.csv: column `a`: row 2: \"three\" cannot be read as f64 (the type the model was trained on); fix or empty the value"
        );
    }
}
