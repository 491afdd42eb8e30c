//! Whether a train file has rows enough to cross-validate: checked when a spec is inferred from the
//! files and again when a dataset is loaded, so it lives apart from both.

use std::path::Path;

use crate::error::{Result, ToolkitError};
use crate::frame::DataFrame;

/// Fewest train rows a run accepts: cross-validation needs a few rows per fold.
pub const MIN_TRAIN_ROWS: usize = 10;

/// Fails with the file's name when train has too few rows to cross-validate.
pub fn check_train_rows(train: &DataFrame, path: &Path) -> Result<()> {
    let n = train.height();
    if n == 0 {
        return Err(ToolkitError::file(path, "has a header but no rows"));
    }
    if n < MIN_TRAIN_ROWS {
        return Err(ToolkitError::file(
            path,
            format!(
                "has {n} row(s); cross-validation needs at least {MIN_TRAIN_ROWS}: add rows or use a bigger sample"
            ),
        ));
    }
    Ok(())
}
