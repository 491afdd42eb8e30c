//! Cleaning tools: missing values, outliers, types, duplicates, strings, dropping columns.

pub mod clip_outliers;
pub mod convert_dtype;
pub mod drop_columns;
pub mod fill_missing;
pub mod normalize_strings;
pub mod parse_datetime;
pub mod remove_duplicates;
