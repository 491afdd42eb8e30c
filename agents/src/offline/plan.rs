//! The offline planner: standard steps per phase, naming the columns the profile points at. The
//! developer follows the column lists of these plans, so a person edits a program by editing a plan.

use crate::phase::Offline;
use crate::roles::{PhaseCx, Planner};

use super::*;

/// The default search's families as the plan names them, from the family registry's names and
/// notes: `gbm (gradient-boosted trees), linear (...) and forest (random forest)`.
fn families() -> String {
    let named: Vec<String> = search::SearchPlan::default()
        .families
        .iter()
        .map(|f| format!("{} ({})", f.name(), f.note()))
        .collect();
    match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => named.join(""),
    }
}

impl Planner for OfflinePolicy {
    fn plan(&self, cx: &PhaseCx) -> String {
        let p = cx.profile;
        let mut plan = match cx.phase.spec().offline {
            Offline::Look(steps) => steps.to_string(),
            Offline::Clean => {
                let c = cleaning(p);
                format!(
                    "1. Drop columns missing in more than {:.0}% of train rows, each leaving a 0/1 was-missing indicator: {}.\n2. Drop free-text columns with no structure: {}.\n3. Convert booleans to 0/1: {}.\n4. Impute the rest from train statistics (median for skewed numbers, mean otherwise, most frequent text){}: {}.",
                    DROP_MISSING * 100.0,
                    names(&c.too_missing),
                    names(&c.free_text),
                    names(&c.booleans),
                    if c.indicator {
                        ", with was-missing indicators"
                    } else {
                        ""
                    },
                    names(&c.with_missing)
                )
            }
            Offline::Engineer => {
                let f = feature_plan(p, cx.ds.spec.task);
                let split: Vec<String> = f
                    .structured
                    .iter()
                    .map(|(c, d)| format!("{c} on '{d}'"))
                    .collect();
                // Only data with date-times gets the line, so other plans read as before.
                let dates = if f.datetimes.is_empty() {
                    String::new()
                } else {
                    format!(
                        "0. Expand date-time text into parts (year, month, day, weekday, hour, weekend): {}.\n",
                        names(&f.datetimes)
                    )
                };
                let target = if f.target.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\n6. Target-encode very high-cardinality text (more than {TARGET_ENCODE_MIN} values, out of fold on train): {}.",
                        names(&f.target)
                    )
                };
                dates
                    + &format!(
                        "1. Split structured strings into parts: {}.\n2. One-hot encode low-cardinality text (<= {ONE_HOT_MAX} values): {}.\n3. Ordinal-encode high-cardinality text: {}.\n4. Add the total of amount-like columns: {}.\n5. Fill any missing values the new features introduce; drop constant columns; keep the most important features if there are too many.",
                        names(&split),
                        names(&f.one_hot),
                        names(&f.ordinal),
                        names(&f.amounts)
                    )
                    + &target
            }
            Offline::Model => {
                let (folds, c) = candidates(p.rows, outputs(cx), cx.seed);
                format!(
                    "1. {folds}-fold {}CV scored with {:?} (time-ordered folds when test follows train in time, grouped when test holds groups train lacks).\n2. {} at default settings, then seeded draws from their search spaces: {} candidates ({}), tried in order while the time budget allows.\n3. Blend on out-of-fold predictions (greedy), refit on all of train, predict test.\n4. Write the submission in the sample's exact format.",
                    if cx.ds.spec.task == autokaggle_toolkit::Task::Regression {
                        ""
                    } else {
                        "stratified "
                    },
                    cx.ds.spec.metric,
                    families(),
                    c.len(),
                    c.iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        if !cx.instructions.is_empty() {
            plan.push_str(&format!(
                "\n\nUser instructions noted: {}",
                cx.instructions.join("; ")
            ));
        }
        plan
    }
}

/// The columns a plan line lists after its last `: ` (`none` for empty), if the plan has a line that
/// starts with `lead` (after its number); `None` when the line was removed from the plan.
pub(super) fn plan_list(plan: &str, lead: &str) -> Option<Vec<String>> {
    plan.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')', '-', ' '])
        })
        .find(|l| l.starts_with(lead))
        .map(|l| {
            let list = l
                .rsplit_once(": ")
                .map_or("", |x| x.1)
                .trim()
                .trim_end_matches('.');
            list.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty() && x != "none")
                .collect()
        })
}

/// Whether a plan is the offline planner's for this phase (possibly edited by a person), so its
/// lists are the contract; any other plan (an LLM's) leaves the lists to the profile.
pub(super) fn follows(plan: &str, leads: &[&str]) -> bool {
    leads.iter().any(|l| plan_list(plan, l).is_some())
}

pub(super) const CLEANING_LEADS: [&str; 3] = [
    "Drop columns missing in more than",
    "Drop free-text columns",
    "Convert booleans to 0/1",
];
pub(super) const FEATURE_LEADS: [&str; 6] = [
    "Split structured strings into parts",
    "One-hot encode low-cardinality text",
    "Ordinal-encode high-cardinality text",
    "Add the total of amount-like columns",
    "Expand date-time text into parts",
    "Target-encode very high-cardinality text",
];

/// Keeps the listed names that are real columns (a person may mistype one).
pub(super) fn known(list: Option<Vec<String>>, p: &Profile) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .filter(|n| p.columns.iter().any(|c| &c.name == n))
        .collect()
}

#[cfg(test)]
mod plan_tests {
    use super::plan_list;

    #[test]
    fn plan_lists_are_read_after_the_last_colon_and_a_removed_line_is_none() {
        let plan = "1. Drop columns missing in more than 50% of train rows: Cabin, Deck.\n2. Drop free-text columns with no structure: none.\n";
        assert_eq!(
            plan_list(plan, "Drop columns missing in more than"),
            Some(vec!["Cabin".to_string(), "Deck".to_string()])
        );
        assert_eq!(plan_list(plan, "Drop free-text columns"), Some(vec![]));
        assert_eq!(plan_list(plan, "Convert booleans to 0/1"), None);
    }
}
