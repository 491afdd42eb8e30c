//! Every tool by name: what `autokaggle tools` lists, what agents may call, what programs resolve.

use crate::clean::{
    clip_outliers, convert_dtype, drop_columns, fill_missing, normalize_strings, parse_datetime,
    remove_duplicates,
};
use crate::features::{
    combine, custom_feature, datetime_parts, encode, feature_search, group_aggregate, one_hot, pca,
    regex_extract, scale, select, split_string, target_encode, transform,
};
use crate::tool::{Category, DynTool};

/// All tools, cleaning first.
pub const TOOLS: &[&dyn DynTool] = &[
    &fill_missing::FillMissing,
    &drop_columns::DropMissingColumns,
    &clip_outliers::ClipOutliers,
    &clip_outliers::RemoveOutlierRows,
    &convert_dtype::ConvertDtype,
    &remove_duplicates::RemoveDuplicates,
    &parse_datetime::ParseDatetime,
    &normalize_strings::NormalizeStrings,
    &drop_columns::DropColumns,
    &one_hot::OneHot,
    &encode::OrdinalEncode,
    &encode::FrequencyEncode,
    &target_encode::TargetEncode,
    &scale::Scale,
    &transform::Log1p,
    &transform::PowerTransform,
    &transform::Bin,
    &combine::Polynomial,
    &combine::Pairwise,
    &split_string::SplitString,
    &regex_extract::RegexExtract,
    &group_aggregate::GroupAggregate,
    &datetime_parts::DatetimeParts,
    &pca::Pca,
    &select::SelectVariance,
    &select::SelectCorrelation,
    &select::SelectImportance,
    &custom_feature::CustomFeature,
    &feature_search::FeatureSearch,
];

/// Whether the named tool may remove train rows (every other tool must keep row counts).
pub fn removes_rows(tool: &str) -> bool {
    find(tool).is_some_and(|t| t.removes_rows())
}

/// The tool with this name.
pub fn find(name: &str) -> Option<&'static dyn DynTool> {
    TOOLS.iter().copied().find(|t| t.name() == name)
}

/// The tools of one category.
pub fn of(category: Category) -> impl Iterator<Item = &'static dyn DynTool> {
    TOOLS
        .iter()
        .copied()
        .filter(move |t| t.spec().category == category)
}

/// The registered name closest to `name` (for "did you mean" hints).
pub fn closest(name: &str) -> Option<&'static str> {
    TOOLS
        .iter()
        .map(|t| t.name())
        .min_by_key(|t| edit_distance(t, name))
        .filter(|t| edit_distance(t, name) <= name.len().max(3) / 2)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
