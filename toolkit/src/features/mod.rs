//! Feature tools: encodings, transforms, combinations, derived parts, projections and selection.

pub mod combine;
pub mod custom_feature;
pub mod datetime_parts;
pub mod encode;
pub mod feature_search;
pub mod group_aggregate;
pub mod one_hot;
pub mod pca;
pub mod regex_extract;
pub mod scale;
pub mod select;
pub mod split_string;
pub mod target_encode;
pub mod transform;

/// A column name safe for CSV headers and expressions: letters, digits and `_` only.
pub fn clean_name(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() { "_".into() } else { out }
}
