//! Every registry is complete: whatever is defined in a registry's folder is listed in it, so an
//! entry added as a file but not registered (or registered twice) fails here, not at run time.

use std::path::Path;

use autokaggle::gates::GATES;
use autokaggle_core::phase::{PHASE_SPECS, PHASES};
use autokaggle_toolkit::models::family::{FAMILIES, Family};
use autokaggle_toolkit::registry::{self, TOOLS};

/// The string literals after `key` on lines of the .rs files under `dir` (relative to the workspace).
fn quoted_after(dir: &str, key: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    // A tool may be a folder (`feature_search/`): every .rs file below `dir` counts.
    let mut files = vec![];
    let mut dirs = vec![root.join(dir)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "rs") {
                files.push(e.path());
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines() {
            // `key "value",` or `key "value";` (a literal, not an expression such as `"x".into()`).
            if let Some(rest) = line.trim().strip_prefix(key)
                && let [_, v, end] = rest.split('"').collect::<Vec<_>>()[..]
                && (end == "," || end == ";")
            {
                found.push(v.to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_tool_defined_in_the_toolkit_is_registered_once() {
    let mut defined = quoted_after("toolkit/src/clean", "const NAME: &'static str =");
    defined.extend(quoted_after(
        "toolkit/src/features",
        "const NAME: &'static str =",
    ));
    defined.sort();
    let mut registered: Vec<String> = TOOLS.iter().map(|t| t.name().to_string()).collect();
    registered.sort();
    assert_eq!(defined, registered);
    // Exactly the two train-only tools may remove rows.
    let removing: Vec<&str> = TOOLS
        .iter()
        .filter(|t| t.removes_rows())
        .map(|t| t.name())
        .collect();
    assert_eq!(removing, ["remove_outlier_rows", "remove_duplicates"]);
    assert!(registry::removes_rows("remove_duplicates") && !registry::removes_rows("one_hot"));
}

#[test]
fn every_model_family_defined_in_its_folder_is_registered_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("toolkit/src/models/family");
    let mut defined = 0;
    for e in std::fs::read_dir(root).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        defined += text
            .lines()
            .filter(|l| l.starts_with("impl ModelFamily for "))
            .count();
    }
    assert_eq!(defined, FAMILIES.len());
    let names: Vec<&str> = Family::all().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "gbm",
            "gbm_bag",
            "linear",
            "forest",
            "extra_trees",
            "knn",
            "gbm_leaves",
            "gbm_sets",
            "gbm_symmetric"
        ]
    );
}

#[test]
fn every_gate_defined_in_src_gates_is_registered_once() {
    let defined = quoted_after("src/gates", "name: ");
    let mut registered: Vec<String> = GATES.iter().map(|g| g.name.to_string()).collect();
    registered.sort();
    assert_eq!(defined, registered);
}

#[test]
fn every_phase_has_a_row_and_every_row_a_folder_name() {
    assert_eq!(PHASE_SPECS.len(), PHASES.len());
    let dirs: Vec<String> = PHASES.iter().map(|p| p.dir_name()).collect();
    assert_eq!(
        dirs,
        [
            "1_understand_background",
            "2_preliminary_eda",
            "3_data_cleaning",
            "4_in_depth_eda",
            "5_feature_engineering",
            "6_model_building"
        ]
    );
}
